/* Error reporting with source locations.
 *
 * Every error a user can cause is reported through an errh so it carries a
 * location (`file:line: message`) or a context such as
 * `file:line: While configuring 'q :: Queue':` followed by indented reasons.
 * An errh counts errors so callers can report all of them, not just the first,
 * and keeps a copy of everything it printed for handlers and tests. */
#ifndef CABO_ERRH_H
#define CABO_ERRH_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "strbuf.h"

struct cabo_landmark {
	const char *file;   /* NULL when unknown */
	unsigned line;      /* 0 when unknown */
};

enum { CABO_ERRH_MAX_CONTEXT = 8 };

struct cabo_errh_context {
	char *text;               /* e.g. "While configuring 'q :: Queue':" */
	struct cabo_landmark where;
	bool printed;
};

struct cabo_errh {
	FILE *out;                /* where messages go; NULL only collects */
	struct cabo_strbuf log;   /* every line reported, in order */
	unsigned nerrors;
	unsigned nwarnings;
	bool quiet_warnings;      /* count warnings without printing them */
	unsigned depth;
	struct cabo_errh_context context[CABO_ERRH_MAX_CONTEXT];
};

void cabo_errh_init(struct cabo_errh *errh, FILE *out);
void cabo_errh_destroy(struct cabo_errh *errh);

/* All return -1 so callers can write `return cabo_errh_error(...)`. */
int cabo_errh_error(struct cabo_errh *errh, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cabo_errh_lerror(struct cabo_errh *errh, struct cabo_landmark where,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int cabo_errh_verror(struct cabo_errh *errh, struct cabo_landmark where,
		     const char *fmt, va_list ap);
void cabo_errh_warning(struct cabo_errh *errh, struct cabo_landmark where,
		       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Messages reported while a context is pushed are printed indented under a
 * header line, which appears once and only if something is reported. */
void cabo_errh_push_context(struct cabo_errh *errh, struct cabo_landmark where,
			    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cabo_errh_pop_context(struct cabo_errh *errh);

/* "file:line" or "file" or "" in a static-free, caller-owned buffer. */
char *cabo_landmark_str(struct cabo_landmark where);

static inline struct cabo_landmark cabo_landmark_none(void)
{
	return (struct cabo_landmark){ NULL, 0 };
}

#endif

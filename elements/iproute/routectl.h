/* Route control shared by the IPv4 route elements (iproute_element.c) and
 * LookupIP6Route: the part of Click's route syntax that follows the prefix,
 * routes given as arguments or in a FILE, and the add, set, remove, ctrl,
 * flush and lookup write handlers.
 *
 * A family (struct cabo_routectl_family) says how its routes are parsed,
 * printed and applied to its table.  All of this is control path, so the
 * family's functions are called through pointers; the fast path never comes
 * here. */
#ifndef CABO_ELEMENTS_ROUTECTL_H
#define CABO_ELEMENTS_ROUTECTL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "element.h"

/* The largest route of any family (struct cabo_iproute, struct cabo_ip6route). */
enum { CABO_ROUTECTL_ROUTE_MAX = 64 };

struct cabo_routectl_family {
	const char *prefix_syntax;  /* "ADDR/MASK" or "ADDR/LEN", for messages */
	const char *addr_name;      /* "IP address", for the lookup handler */
	size_t route_size;          /* at most CABO_ROUTECTL_ROUTE_MAX */
	/* Routes in Click's syntax; unparse is the one-line form of messages. */
	bool (*parse)(const char *s, bool for_remove, void *route);
	void (*unparse)(const void *route, struct cabo_strbuf *out);
	int32_t (*port)(const void *route);
	bool (*parse_addr)(const char *s, void *addr);
	/* The table, with the contract of cabo_rtable_add/remove/flush. */
	int (*add)(void *table, const void *route, bool set, void *old, const char **why);
	int (*remove)(void *table, const void *route, void *old);
	void (*flush)(void *table);
	pthread_mutex_t *(*lock)(void *table);
};

/* The write handlers' `arg': which command.  An element numbers its own
 * handlers (lookup) from CABO_ROUTECTL_NCOMMANDS. */
enum {
	CABO_ROUTECTL_ADD, CABO_ROUTECTL_SET, CABO_ROUTECTL_REMOVE, CABO_ROUTECTL_CTRL,
	CABO_ROUTECTL_FLUSH, CABO_ROUTECTL_NCOMMANDS
};

/* ---- Click's route syntax, after the prefix */

/* Next whitespace-separated word of *s into buf; a word too long for buf
 * comes back as "?" (valid nowhere).  False at the end of s. */
bool cabo_routectl_next_word(const char **s, char *buf, size_t size);

/* Parses the rest of a route, `[GW] OUT` (GW may be `-`), with w (size
 * wsize) as the word buffer.  parse_gw reads a gateway into gw.  With
 * for_remove OUT, and GW before it, may be missing, leaving *port as it
 * was.  False on a syntax error. */
bool cabo_routectl_parse_nexthop(const char *s, bool for_remove, char *w, size_t wsize,
				 bool (*parse_gw)(const char *w, void *gw), void *gw,
				 int32_t *port);

/* ---- Configuration */

/* Adds a configuration's routes: the n arguments (bad ones reported as
 * `argument N ...'), then those of route file `file' unless it is NULL.
 * 0, or -1 when any was bad. */
int cabo_routectl_configure(const struct cabo_routectl_family *f, void *table,
			    const char *const *routes, unsigned n, const char *file,
			    unsigned noutputs, struct cabo_errh *errh);

/* Reads a route file (a route a line, `#' comments) into the table,
 * reporting bad lines as `PATH:LINE: message' (the first 100, then how many
 * more).  noutputs bounds ports (0 = unbounded).  0 or -1. */
int cabo_routectl_load_file(const struct cabo_routectl_family *f, void *table,
			    const char *path, unsigned noutputs, struct cabo_errh *errh);

/* ---- Handlers */

/* The add, set, remove, ctrl and flush handlers (which: CABO_ROUTECTL_*),
 * under the table's lock.  ctrl applies `add|set|remove ROUTE' lines in
 * order; on the first failure the applied ones are undone, last first. */
int cabo_routectl_write(const struct cabo_routectl_family *f, void *table, unsigned noutputs,
			int which, const char *value, struct cabo_errh *errh);

/* The lookup handler's address: value without surrounding white space,
 * parsed into addr.  0 or -1. */
int cabo_routectl_parse_query(const struct cabo_routectl_family *f, const char *value,
			      void *addr, struct cabo_errh *errh);

#endif

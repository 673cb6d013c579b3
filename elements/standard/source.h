/* Packet sources: what InfiniteSource, RatedSource and TimedSource share.
 *
 * A source sends clones of one template packet made from DATA (repeated or
 * cut to LENGTH, placed after HEADROOM), at most LIMIT of them, while ACTIVE,
 * and counts them.  The three differ only in when they send, so the state,
 * the template, the DATA default, cleanup and the handlers count, reset,
 * data, length, limit and active live here once.
 *
 * An element's state struct starts with struct cabo_source (which starts with
 * struct cabo_element), so the element is also a source and the shared
 * handlers and cleanup can stand in its class directly.  Where the sources
 * differ inside a shared handler (Click's wording of bad values, and how a
 * handler write wakes the source up) the element says so in its
 * struct cabo_source_ops. */
#ifndef CABO_ELEMENTS_STANDARD_SOURCE_H
#define CABO_ELEMENTS_STANDARD_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "element.h"
#include "packet.h"

enum { CABO_SOURCE_MAX_LENGTH = 1 << 20 };   /* largest LENGTH */

/* The `arg` of the shared handlers cabo_source_read and cabo_source_write. */
enum cabo_source_param {
	CABO_SOURCE_DATA,
	CABO_SOURCE_LENGTH,
	CABO_SOURCE_LIMIT,
	CABO_SOURCE_ACTIVE,
	CABO_SOURCE_RESET,
};

struct cabo_source;

struct cabo_source_ops {
	/* Errors for a bad value written to limit, active and length (each
	 * element keeps its Click counterpart's words; NULL where the element
	 * has no such handler). */
	const char *bad_limit;
	const char *bad_active;
	const char *bad_length;
	/* Called after a successful shared handler write, to restart the
	 * source or adjust what was written; NULL if there is nothing to do. */
	void (*written)(struct cabo_source *s, enum cabo_source_param param);
};

struct cabo_source {
	struct cabo_element e;
	const struct cabo_source_ops *ops;
	struct cabo_packet *packet;   /* template; every packet is a clone */
	uint8_t *data;
	size_t data_len;
	int64_t length;               /* < 0: the length of data */
	int64_t headroom;             /* < 0: the pool's default headroom */
	uint64_t count;               /* packets sent */
	int64_t limit;                /* < 0: no limit */
	bool active;
	bool stop;                    /* stop the router once LIMIT is reached */
	bool initialized;             /* the template exists */
};

/* Sets the defaults before configure reads arguments into s: no LENGTH, the
 * pool's headroom, no LIMIT, ACTIVE. */
void cabo_source_init(struct cabo_source *s, const struct cabo_source_ops *ops);
/* Ends configure, after the arguments are read and checked: rejects a LENGTH
 * above CABO_SOURCE_MAX_LENGTH and supplies Click's default DATA.  Returns 0
 * or -1 (reported to errh). */
int cabo_source_configured(struct cabo_source *s, struct cabo_errh *errh);
/* (Re)makes the template packet from DATA, LENGTH and HEADROOM. */
int cabo_source_make_template(struct cabo_source *s, struct cabo_errh *errh);
/* Frees the template and DATA: the cleanup of a source without more state. */
void cabo_source_cleanup(struct cabo_element *e);

static inline bool cabo_source_limit_reached(const struct cabo_source *s)
{
	return s->limit >= 0 && s->count >= (uint64_t)s->limit;
}

/* How many of n packets LIMIT still lets the source send. */
static inline uint64_t cabo_source_allowed(const struct cabo_source *s, uint64_t n)
{
	if (s->limit < 0)
		return n;
	uint64_t left = cabo_source_limit_reached(s) ? 0 : (uint64_t)s->limit - s->count;
	return n < left ? n : left;
}

/* Fills b with n clones of the template (fewer when the pool runs dry) and
 * counts them; returns b->count. */
static inline unsigned cabo_source_clone(struct cabo_source *s, struct cabo_batch *b,
					 unsigned n)
{
	b->count = cabo_packet_clone_batch(s->packet, b->p, n);
	s->count += b->count;
	return b->count;
}

/* ---- Handlers */
int cabo_source_read(struct cabo_element *e, const void *arg, struct cabo_strbuf *out);
int cabo_source_write(struct cabo_element *e, const char *value, const void *arg,
		      struct cabo_errh *errh);
/* A handler value without surrounding whitespace (malloc'd), for the
 * elements' own handlers. */
char *cabo_source_trim(const char *value);

#endif

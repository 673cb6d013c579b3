/* Shared by the header checkers (CheckIPHeader, CheckIP6Header,
 * CheckFlatHeader): counting and reporting invalid packets, the loop over a
 * batch, push/pull and the drops/drop_details handlers.
 *
 * An element's state struct starts with `struct checkhdr h;` (whose first
 * member is the element), sets `check_batch` and `what` in configure, and
 * uses checkhdr_push, checkhdr_pull and checkhdr_handlers in its class.  The
 * reasons printed are the class's drop_reasons, in order. */
#ifndef CABO_ELEMENTS_CHECKHDR_H
#define CABO_ELEMENTS_CHECKHDR_H

#include <stdbool.h>
#include <stdint.h>

#include "element.h"

#define CHECKHDR_MAX_REASONS 8

struct checkhdr {
	struct cabo_element e;
	/* Checks b in place: valid packets stay in b, in order; invalid ones
	 * go to `bad' (output 1 connected) or are dropped. */
	void (*check_batch)(struct checkhdr *h, struct cabo_batch *b, struct cabo_batch *bad);
	const char *what;       /* "IP": "NAME: IP header check failed: REASON" */
	uint32_t offset;        /* OFFSET */
	bool verbose;           /* message for every invalid packet */
	uint64_t drops;
	uint64_t reason_drops[CHECKHDR_MAX_REASONS];
};

/* An invalid packet: counts it, prints the message for the first (every
 * one with verbose) and sends it to `bad' or drops it. */
void checkhdr_reject(struct checkhdr *h, struct cabo_packet *p, int reason,
		     struct cabo_batch *bad);

/* Runs check (-1 for a valid packet, else the reason) over b.  Inlined with
 * a constant check, so each checker gets its own loop. */
typedef int (*checkhdr_fn)(const struct checkhdr *h, struct cabo_packet *p, uint32_t offset);

static inline __attribute__((always_inline)) void
checkhdr_loop(struct checkhdr *h, struct cabo_batch *b, struct cabo_batch *bad, checkhdr_fn check)
{
	unsigned n = b->count, kept = 0;
	const uint32_t offset = h->offset;
	for (unsigned i = 0; i < n; i++) {
		struct cabo_packet *p = b->p[i];
		int reason = check(h, p, offset);
		if (__builtin_expect(reason < 0, 1))
			b->p[kept++] = p;
		else
			checkhdr_reject(h, p, reason, bad);
	}
	b->count = kept;
}

void checkhdr_push(struct cabo_element *e, unsigned port, struct cabo_batch *b);
unsigned checkhdr_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
		       unsigned max);

/* drops, drop_details */
extern const struct cabo_handler checkhdr_handlers[];

#endif

/* What ICMPError and ICMP6Error share: type and code names, the BADADDRS
 * list, the RATE/BURST token bucket with its `rate' handler, and the fate
 * of a packet once checked (dropped, rate limited, or answered). */
#ifndef CABO_ELEMENTS_ICMPERR_H
#define CABO_ELEMENTS_ICMPERR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "element.h"

/* ---- Names */

struct icmperr_name { const char *name; unsigned value; };

/* A name from the table (NULL: none), or a number from 0 to 255. */
bool icmperr_lookup(const struct icmperr_name *t, const char *s, unsigned *out);

/* ---- BADADDRS */

/* Space-separated addresses, the whole list possibly quoted, each parsed
 * into the next addr_size bytes of *addrs (allocated; NULL when empty).
 * *n counts the ones tried.  False at the first bad one. */
bool icmperr_parse_addrs(const char *s, size_t addr_size,
			 bool (*parse)(const char *w, void *addr), void **addrs, unsigned *n);

/* ---- Rate limit: a token bucket of RATE errors a second, BURST deep */

struct icmperr_limit {
	double rate, burst;         /* rate 0: no limit */
	bool burst_set;             /* BURST given; else one second's worth */
	double tokens;
	int64_t last_ns;
	bool started;
};

/* Checks RATE and BURST (have_burst: given) and starts the bucket full.
 * 0, or -1 with the reason in errh. */
int icmperr_limit_configure(struct icmperr_limit *l, double rate, bool have_burst,
			    uint64_t burst, struct cabo_errh *errh);
/* True if one more error may go now. */
bool icmperr_limit_take(struct icmperr_limit *l, const struct cabo_element *e);

/* The `rate' handlers; arg: the offset of the element's struct
 * icmperr_limit.  The write handler takes text already trimmed as the
 * element wants it, NULL when that failed. */
int icmperr_read_rate(struct cabo_element *e, const void *arg, struct cabo_strbuf *out);
int icmperr_set_rate(struct icmperr_limit *l, const char *text, struct cabo_errh *errh);

/* ---- A packet's fate */

/* After the checks: p is dropped for reason (>= 0) or, when the bucket is
 * empty, as rate_limited; true if it deserves an error. */
static inline bool icmperr_admit(struct cabo_element *e, struct icmperr_limit *l,
				 struct cabo_packet *p, int reason, unsigned rate_limited)
{
	if (reason < 0 && !icmperr_limit_take(l, e))
		reason = (int)rate_limited;
	if (reason < 0)
		return true;
	cabo_element_drop(e, p, (unsigned)reason);
	return false;
}

/* p answered by the error q, counted; when q is NULL (no buffer) p is
 * dropped as no_buffer. */
static inline struct cabo_packet *icmperr_answer(struct cabo_element *e, struct cabo_packet *p,
						 struct cabo_packet *q, unsigned no_buffer,
						 uint64_t *count)
{
	if (!q) {
		cabo_element_drop(e, p, no_buffer);
		return NULL;
	}
	(*count)++;
	cabo_packet_free(p);
	return q;
}

#endif

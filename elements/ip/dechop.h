/* Shared by the hop-count decrementers (DecIPTTL, DecIP6HLIM): the state,
 * ACTIVE/MULTICAST configuration, the per-packet logic over a batch,
 * push/pull and the drops/active handlers.
 *
 * An element's state is a struct dechop; its configure sets `dec_batch' and
 * calls dechop_configure; its class uses dechop_push, dechop_pull and
 * dechop_handlers, and lists its drop reasons in the order of the enum
 * below. */
#ifndef CABO_ELEMENTS_DECHOP_H
#define CABO_ELEMENTS_DECHOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "element.h"

enum { DECHOP_EXPIRED, DECHOP_NO_HEADER };

struct dechop {
	struct cabo_element e;
	/* Decrements b in place; expired packets go to `expired' (output 1
	 * connected) or are dropped. */
	void (*dec_batch)(struct dechop *d, struct cabo_batch *b, struct cabo_batch *expired);
	bool active;
	bool multicast;
	uint64_t drops;
};

/* The header at the network header annotation, or NULL. */
typedef uint8_t *(*dechop_header_fn)(const struct cabo_packet *p);
/* Whether the header's destination is multicast. */
typedef bool (*dechop_mcast_fn)(const uint8_t *h);
/* Decrements the hop count at h (and fixes what depends on it). */
typedef void (*dechop_dec_fn)(uint8_t *h);

/* Returns the packet to pass on output 0, or NULL: it went to `expired'
 * (output 1 connected), was dropped, or could not be made writable. */
static inline __attribute__((always_inline)) struct cabo_packet *
dechop_packet(struct dechop *d, struct cabo_packet *p, struct cabo_batch *expired,
	      dechop_header_fn header, dechop_mcast_fn is_multicast, unsigned hop_off,
	      dechop_dec_fn decrement)
{
	const uint8_t *h = header(p);
	if (!h) {
		cabo_element_drop(&d->e, p, DECHOP_NO_HEADER);
		return NULL;
	}
	if (!d->active || (!d->multicast && is_multicast(h)))
		return p;
	if (h[hop_off] <= 1) {
		d->drops++;
		if (d->e.noutputs > 1)
			cabo_batch_add(expired, p);
		else
			cabo_element_drop(&d->e, p, DECHOP_EXPIRED);
		return NULL;
	}
	size_t off = (size_t)(h - p->data);
	p = cabo_packet_writable(p);
	if (!p)
		return NULL;
	decrement(p->data + off);
	return p;
}

/* Runs dechop_packet over b.  Inlined with constant functions, so each
 * element gets its own loop. */
static inline __attribute__((always_inline)) void
dechop_loop(struct dechop *d, struct cabo_batch *b, struct cabo_batch *expired,
	    dechop_header_fn header, dechop_mcast_fn is_multicast, unsigned hop_off,
	    dechop_dec_fn decrement)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < b->count; i++) {
		struct cabo_packet *p = dechop_packet(d, b->p[i], expired, header, is_multicast,
						      hop_off, decrement);
		if (p)
			b->p[kept++] = p;
	}
	b->count = kept;
}

/* ACTIVE, MULTICAST (both default true); finishes with cabo_args_complete. */
int dechop_configure(struct cabo_element *e, struct cabo_args *a);

void dechop_push(struct cabo_element *e, unsigned port, struct cabo_batch *b);
unsigned dechop_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b, unsigned max);

/* drops, active */
extern const struct cabo_handler dechop_handlers[];

#endif

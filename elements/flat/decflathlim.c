/*
 * =c
 * DecFlatHLIM()
 * =s
 * decrements the flat hop limit, drops dead packets
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * agnostic input and output 0, push output 1
 * =d
 * Expects packets with a flat header (cabo-flat(7)) at their network header
 * annotation (set by CheckFlatHeader).  If a packet's hop limit is 1 or
 * less it has expired: it goes out on output 1 if that output is
 * connected, and is dropped otherwise (reason `hop limit expired').  Either
 * way it counts in the drops handler.  Otherwise DecFlatHLIM decrements the
 * hop limit (the header has no checksum to update) and emits the packet on
 * output 0.  A shared packet (a clone) is copied before it is changed.
 *
 * A packet without a whole flat header at its network header annotation is
 * dropped (reason `no flat header').
 * =h drops read
 * Returns the number of expired packets seen.
 * =e
 *   ... -> CheckFlatHeader -> dh :: DecFlatHLIM -> FlatLookup(...) ...;
 *   dh[1] -> Discard;
 * =a
 * CheckFlatHeader, FlatLookup, DecIPTTL, cabo-flat(7)
 */
#include <stddef.h>
#include <stdint.h>

#include "element.h"
#include "flathdr.h"

enum { EXPIRED, NO_HEADER };

static const char *const decflathlim_drop_reasons[] = {
	"hop limit expired", "no flat header", NULL,
};

struct decflathlim {
	struct cabo_element e;
	uint64_t drops;
};

/* The packet to pass on output 0, or NULL: it went to `expired' (output 1
 * connected), was dropped, or could not be made writable. */
static struct cabo_packet *dec(struct decflathlim *d, struct cabo_packet *p,
			       struct cabo_batch *expired)
{
	const uint8_t *h = flat_header(p);
	if (!h) {
		cabo_element_drop(&d->e, p, NO_HEADER);
		return NULL;
	}
	if (h[FLAT_HLIM] <= 1) {
		d->drops++;
		if (d->e.noutputs > 1)
			cabo_batch_add(expired, p);
		else
			cabo_element_drop(&d->e, p, EXPIRED);
		return NULL;
	}
	size_t off = (size_t)(h - p->data);
	p = cabo_packet_writable(p);
	if (p)
		p->data[off + FLAT_HLIM]--;
	return p;
}

static void dec_batch(struct decflathlim *d, struct cabo_batch *b, struct cabo_batch *expired)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < b->count; i++) {
		struct cabo_packet *p = dec(d, b->p[i], expired);
		if (p)
			b->p[kept++] = p;
	}
	b->count = kept;
}

CABO_SPLIT_BATCH(decflathlim, struct decflathlim, dec_batch)

static const struct cabo_handler decflathlim_handlers[] = {
	{ "drops", cabo_read_u64_field, NULL, CABO_FIELD(struct decflathlim, drops), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(decflathlim_class) = {
	.name = "DecFlatHLIM", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct decflathlim),
	.push = decflathlim_push, .pull = decflathlim_pull,
	.handlers = decflathlim_handlers, .drop_reasons = decflathlim_drop_reasons,
};

/*
 * =c
 * DecIPTTL([KEYWORDS ACTIVE, MULTICAST])
 * =s
 * decrements IP time-to-live, drops dead packets
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * agnostic input and output 0, push output 1
 * =d
 * Expects IP packets with their network header annotation set (by
 * CheckIPHeader, for example).  If a packet's TTL is 1 or less it has
 * expired: it goes out on output 1 if that output is connected (usually to
 * an ICMPError generator), and is dropped otherwise (reason `TTL expired').
 * Either way it counts in the drops handler.  Otherwise DecIPTTL decrements
 * the TTL, updates the header checksum incrementally (RFC 1624), and emits
 * the packet on output 0.  A shared packet (a clone) is copied before it is
 * changed.
 *
 * A packet without an IP header at its network header annotation (not set,
 * or fewer than 20 bytes from it to the end of the data) is dropped (reason
 * `no IP header'), where Click would fail an assertion.
 * =k ACTIVE
 * Boolean.  If false, pass packets on without changing their TTLs.  Default
 * true.
 * =k MULTICAST
 * Boolean.  If false, do not decrement the TTLs of packets to multicast
 * destinations (224.0.0.0/4).  Default true.
 * =h drops read
 * Returns the number of expired packets seen.
 * =h active read/write
 * Returns or sets ACTIVE.
 * =e
 * A typical IP input path:
 *
 *   ... -> CheckIPHeader -> dt :: DecIPTTL -> ...
 *   dt[1] -> ICMPError(18.26.4.24, timeexceeded) -> ...
 * =a
 * CheckIPHeader, ICMPError
 */
#include <stddef.h>
#include <stdint.h>

#include "element.h"
#include "iphdr.h"

enum { EXPIRED, NO_HEADER };

static const char *const decipttl_drop_reasons[] = { "TTL expired", "no IP header", NULL };

struct decipttl {
	struct cabo_element e;
	bool active;
	bool multicast;
	uint64_t drops;
};

static int decipttl_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct decipttl *d = (struct decipttl *)e;
	d->active = d->multicast = true;
	cabo_args_read_bool(a, "ACTIVE", 0, &d->active);
	cabo_args_read_bool(a, "MULTICAST", 0, &d->multicast);
	return cabo_args_complete(a);
}

/* Returns the packet to pass on output 0, or NULL: it went to `expired`
 * (output 1 connected), was dropped, or could not be made writable. */
static struct cabo_packet *dec(struct decipttl *d, struct cabo_packet *p,
			       struct cabo_batch *expired)
{
	const uint8_t *h = ip_header(p);
	if (!h) {
		cabo_element_drop(&d->e, p, NO_HEADER);
		return NULL;
	}
	if (!d->active || (!d->multicast && (h[IPH_DST] & 0xf0) == 0xe0))
		return p;
	if (h[IPH_TTL] <= 1) {
		d->drops++;
		if (d->e.noutputs > 1)
			cabo_batch_add(expired, p);
		else
			cabo_element_drop(&d->e, p, EXPIRED);
		return NULL;
	}
	size_t off = (size_t)(h - p->data);
	p = cabo_packet_writable(p);
	if (!p)
		return NULL;
	uint8_t *ip = p->data + off;
	uint16_t old_w = get16(ip + IPH_TTL);
	ip[IPH_TTL]--;
	csum_update16(ip + IPH_SUM, old_w, get16(ip + IPH_TTL));
	return p;
}

static void dec_batch(struct decipttl *d, struct cabo_batch *b, struct cabo_batch *expired)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < b->count; i++) {
		struct cabo_packet *p = dec(d, b->p[i], expired);
		if (p)
			b->p[kept++] = p;
	}
	b->count = kept;
}

static void decipttl_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct cabo_batch expired;
	expired.count = 0;
	dec_batch((struct decipttl *)e, b, &expired);
	cabo_output_push(e, 0, b);
	cabo_output_push(e, 1, &expired);
}

static unsigned decipttl_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			      unsigned max)
{
	struct cabo_batch expired;
	expired.count = 0;
	if (!cabo_input_pull(e, 0, b, max))
		return 0;
	dec_batch((struct decipttl *)e, b, &expired);
	cabo_output_push(e, 1, &expired);
	return b->count;
}

static const struct cabo_handler decipttl_handlers[] = {
	{ "drops", cabo_read_u64_field, NULL, CABO_FIELD(struct decipttl, drops), 0 },
	{ "active", cabo_read_bool_field, cabo_write_bool_field,
	  CABO_FIELD(struct decipttl, active), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(decipttl_class) = {
	.name = "DecIPTTL", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct decipttl), .configure = decipttl_configure,
	.push = decipttl_push, .pull = decipttl_pull,
	.handlers = decipttl_handlers, .drop_reasons = decipttl_drop_reasons,
};

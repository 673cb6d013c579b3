/*
 * =c
 * DecIP6HLIM([KEYWORDS ACTIVE, MULTICAST])
 * =s
 * decrements IPv6 hop limit, drops dead packets
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * agnostic input and output 0, push output 1
 * =d
 * Expects IPv6 packets with their network header annotation set (by
 * CheckIP6Header, for example).  If a packet's hop limit is 1 or less it has
 * expired: it goes out on output 1 if that output is connected (usually to
 * an ICMP6Error generating Time Exceeded messages), and is dropped otherwise
 * (reason `hop limit expired').  Either way it counts in the drops handler.
 * Otherwise DecIP6HLIM decrements the hop limit and emits the packet on
 * output 0.  IPv6 headers have no checksum, and the hop limit is not part of
 * the upper-layer pseudo-header, so nothing else changes.  A shared packet
 * (a clone) is copied before it is changed.
 *
 * A packet without an IPv6 header at its network header annotation (not
 * set, fewer than 40 bytes from it to the end of the data, or a version
 * other than 6) is dropped (reason `no IP6 header'), where Click would fail
 * an assertion.
 * =k ACTIVE
 * Boolean.  If false, pass packets on without changing their hop limits.
 * Default true.  (Not in Click.)
 * =k MULTICAST
 * Boolean.  If false, do not decrement the hop limits of packets to
 * multicast destinations (ff00::/8).  Default true.  (Not in Click.)
 * =h drops read
 * Returns the number of expired packets seen.
 * =h active read/write
 * Returns or sets ACTIVE.
 * =e
 * A typical IPv6 input path:
 *
 *   ... -> CheckIP6Header -> dh :: DecIP6HLIM -> ...
 *   dh[1] -> ICMP6Error(2001:db8::1, timeexceeded, transit) -> ...
 * =a
 * CheckIP6Header, ICMP6Error, DecIPTTL
 */
#include <stddef.h>
#include <stdint.h>

#include "element.h"
#include "ip6hdr.h"

enum { EXPIRED, NO_HEADER };

static const char *const decip6hlim_drop_reasons[] = {
	"hop limit expired", "no IP6 header", NULL,
};

struct decip6hlim {
	struct cabo_element e;
	bool active;
	bool multicast;
	uint64_t drops;
};

static int decip6hlim_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct decip6hlim *d = (struct decip6hlim *)e;
	d->active = d->multicast = true;
	cabo_args_read_bool(a, "ACTIVE", 0, &d->active);
	cabo_args_read_bool(a, "MULTICAST", 0, &d->multicast);
	return cabo_args_complete(a);
}

/* Returns the packet to pass on output 0, or NULL: it went to `expired'
 * (output 1 connected), was dropped, or could not be made writable. */
static struct cabo_packet *dec(struct decip6hlim *d, struct cabo_packet *p,
			       struct cabo_batch *expired)
{
	const uint8_t *h = ip6_header(p);
	if (!h) {
		cabo_element_drop(&d->e, p, NO_HEADER);
		return NULL;
	}
	if (!d->active || (!d->multicast && ip6_is_multicast(h + IP6H_DST)))
		return p;
	if (h[IP6H_HLIM] <= 1) {
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
	p->data[off + IP6H_HLIM]--;
	return p;
}

static void dec_batch(struct decip6hlim *d, struct cabo_batch *b, struct cabo_batch *expired)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < b->count; i++) {
		struct cabo_packet *p = dec(d, b->p[i], expired);
		if (p)
			b->p[kept++] = p;
	}
	b->count = kept;
}

static void decip6hlim_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct cabo_batch expired;
	expired.count = 0;
	dec_batch((struct decip6hlim *)e, b, &expired);
	cabo_output_push(e, 0, b);
	cabo_output_push(e, 1, &expired);
}

static unsigned decip6hlim_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
				unsigned max)
{
	struct cabo_batch expired;
	expired.count = 0;
	if (!cabo_input_pull(e, 0, b, max))
		return 0;
	dec_batch((struct decip6hlim *)e, b, &expired);
	cabo_output_push(e, 1, &expired);
	return b->count;
}

static const struct cabo_handler decip6hlim_handlers[] = {
	{ "drops", cabo_read_u64_field, NULL, CABO_FIELD(struct decip6hlim, drops), 0 },
	{ "active", cabo_read_bool_field, cabo_write_bool_field,
	  CABO_FIELD(struct decip6hlim, active), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(decip6hlim_class) = {
	.name = "DecIP6HLIM", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct decip6hlim), .configure = decip6hlim_configure,
	.push = decip6hlim_push, .pull = decip6hlim_pull,
	.handlers = decip6hlim_handlers, .drop_reasons = decip6hlim_drop_reasons,
};

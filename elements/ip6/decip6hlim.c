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
#include <stdint.h>

#include "element.h"
#include "ip6hdr.h"
#include "../ip/dechop.h"

static const char *const decip6hlim_drop_reasons[] = {
	"hop limit expired", "no IP6 header", NULL,
};

/* ---- Packets */

static bool is_multicast(const uint8_t *h)
{
	return ip6_is_multicast(h + IP6H_DST);
}

/* No checksum covers the hop limit. */
static void decrement(uint8_t *ip6)
{
	ip6[IP6H_HLIM]--;
}

static void dec_batch(struct dechop *d, struct cabo_batch *b, struct cabo_batch *expired)
{
	dechop_loop(d, b, expired, ip6_header, is_multicast, IP6H_HLIM, decrement);
}

static int decip6hlim_configure(struct cabo_element *e, struct cabo_args *a)
{
	((struct dechop *)e)->dec_batch = dec_batch;
	return dechop_configure(e, a);
}

CABO_ELEMENT_CLASS(decip6hlim_class) = {
	.name = "DecIP6HLIM", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct dechop), .configure = decip6hlim_configure,
	.push = dechop_push, .pull = dechop_pull,
	.handlers = dechop_handlers, .drop_reasons = decip6hlim_drop_reasons,
};

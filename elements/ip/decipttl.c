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
#include <stdint.h>

#include "element.h"
#include "iphdr.h"
#include "dechop.h"

static const char *const decipttl_drop_reasons[] = { "TTL expired", "no IP header", NULL };

/* ---- Packets */

static bool is_multicast(const uint8_t *h)
{
	return (h[IPH_DST] & 0xf0) == 0xe0;
}

/* TTL minus one, checksum updated incrementally.  The 16-bit word holding
 * the TTL drops by 0x0100, for which RFC 1624's eqn. 3, HC' = ~(~HC + ~m +
 * m'), comes down to adding 0x0100 to HC with end-around carry, a sum of
 * 0xffff becoming 0 (the same results as the general update for every
 * checksum and TTL; RFC 1141's form without the last step gets -0 wrong). */
static void decrement(uint8_t *ip)
{
	uint32_t sum = get16(ip + IPH_SUM) + 0x0100u;
	ip[IPH_TTL]--;
	put16(ip + IPH_SUM, (uint16_t)(sum + (sum >= 0xffff)));
}

static void dec_batch(struct dechop *d, struct cabo_batch *b, struct cabo_batch *expired)
{
	dechop_loop(d, b, expired, ip_header, is_multicast, IPH_TTL, decrement);
}

static int decipttl_configure(struct cabo_element *e, struct cabo_args *a)
{
	((struct dechop *)e)->dec_batch = dec_batch;
	return dechop_configure(e, a);
}

CABO_ELEMENT_CLASS(decipttl_class) = {
	.name = "DecIPTTL", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct dechop), .configure = decipttl_configure,
	.push = dechop_push, .pull = dechop_pull,
	.handlers = dechop_handlers, .drop_reasons = decipttl_drop_reasons,
};

/*
 * =c
 * SRv6Decap
 * =s
 * removes the outer IPv6 header and SRH of an SRv6-encapsulated packet
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Undoes SRv6Encap at the last segment (as RFC 8986's End.DX4 and End.DX6
 * do before their cross-connect): input packets are IPv6 packets, their
 * header at the network header annotation or, when it is not set, at the
 * start of the data.  SRv6Decap skips the outer header's Hop-by-Hop Options,
 * Destination Options and routing headers to the encapsulated packet (Next
 * Header 41, IPv6, or 4, IPv4) and removes everything in front of it.  The
 * network header annotation then points to the inner packet, now the start
 * of the data, and the destination address annotation is the inner
 * destination.
 *
 * Packets are dropped and counted by reason when they are not IPv6 (`not
 * IPv6'), when the Payload Length runs past the data (`bad IPv6 length') or
 * an extension header does (`bad extension header'), when a routing header
 * still has segments left (`segments left': RFC 8986 decapsulates only at the
 * last segment) and when the headers lead to anything but IPv4 or IPv6 (`no
 * inner packet').
 * =h count read
 * Returns the number of packets decapsulated.
 * =e
 *   e3 :: SRv6End(fc00::3);
 *   e3[1] -> SRv6Decap -> ToDump(out.pcap, ENCAP IP);
 * =a
 * SRv6Encap, SRv6End
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "element.h"
#include "srv6hdr.h"

enum { NOT_IP6, BAD_LENGTH, BAD_EXT, SEGMENTS_LEFT, NO_INNER };

static const char *const srv6decap_drop_reasons[] = {
	"not IPv6", "bad IPv6 length", "bad extension header", "segments left",
	"no inner packet", NULL,
};

struct srv6decap {
	struct cabo_element e;
	uint64_t count;
};

/* Returns -1 when the packet may be decapsulated, with *inner the offset
 * of the inner packet from the data; else the drop reason. */
static int find_inner(const struct cabo_packet *p, uint32_t *inner)
{
	const uint8_t *ip6 = srv6_ip6_header(p);
	if (!ip6)
		return NOT_IP6;
	uint32_t len = srv6_ip6_len(p, ip6);
	if (!len)
		return BAD_LENGTH;
	uint32_t off = IP6_HLEN;
	uint8_t nxt = ip6[IP6_NXT];
	while (nxt != IPPROTO6_IPV6 && nxt != IPPROTO6_IPIP) {
		bool ext = (nxt == IPPROTO6_HOPOPTS && off == IP6_HLEN)
			|| nxt == IPPROTO6_DSTOPTS || nxt == IPPROTO6_ROUTING;
		if (!ext)
			return NO_INNER;
		if (len - off < SRH_FIXED || len - off < srv6_ext_len(ip6 + off))
			return BAD_EXT;
		if (nxt == IPPROTO6_ROUTING && ip6[off + SRH_SL] != 0)
			return SEGMENTS_LEFT;
		nxt = ip6[off];
		off += srv6_ext_len(ip6 + off);
	}
	if (off == len)
		return NO_INNER;
	*inner = (uint32_t)(ip6 - p->data) + off;
	return -1;
}

static struct cabo_packet *srv6decap_simple_action(struct cabo_element *e,
						   struct cabo_packet *p)
{
	uint32_t inner = 0;
	int reason = find_inner(p, &inner);
	if (reason >= 0) {
		cabo_element_drop(e, p, (unsigned)reason);
		return NULL;
	}
	cabo_packet_pull(p, inner);
	cabo_packet_set_network_header(p, p->data);
	p->transport_offset = -1;
	if ((p->data[0] >> 4) == 6 && p->length >= 40)
		memcpy(p->anno.dst.ip6, p->data + IP6_DST, 16);
	else if ((p->data[0] >> 4) == 4 && p->length >= 20)
		memcpy(&p->anno.dst.ip4, p->data + 16, 4);
	((struct srv6decap *)e)->count++;
	return p;
}

static const struct cabo_handler srv6decap_handlers[] = {
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct srv6decap, count), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(srv6decap_class) = {
	.name = "SRv6Decap", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct srv6decap), .simple_action = srv6decap_simple_action,
	.handlers = srv6decap_handlers, .drop_reasons = srv6decap_drop_reasons,
};

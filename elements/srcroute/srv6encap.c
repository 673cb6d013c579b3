/*
 * =c
 * SRv6Encap(SEGMENTS, SRC [, KEYWORDS HLIM, TAG])
 * =s
 * encapsulates packets in IPv6 with a Segment Routing Header (H.Encaps)
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * The SR source node behaviour H.Encaps of RFC 8986 section 5.1: puts an
 * outer IPv6 header and a Segment Routing Header (RFC 8754) carrying
 * SEGMENTS in front of each packet, an IPv4 or IPv6 packet starting at the
 * start of the data (strip any link header first).  The packet then travels
 * to each segment in turn; SRv6End processes it at each, and SRv6Decap
 * removes the outer headers at the end.
 *
 * The outer header has source address SRC, destination address the first
 * segment, hop limit HLIM, traffic class and flow label 0, and Next Header
 * 43 (routing).  The SRH lists the segments in reverse order, as RFC 8754
 * requires (Segment List[0] is the last segment), with Segments Left and Last
 * Entry both the number of segments minus one, Tag TAG, no flags and no
 * TLVs; its Next Header is 4 for an IPv4 packet, 41 for an IPv6 packet.  The
 * network header annotation points to the outer header and the destination
 * address annotation is the first segment.
 *
 * The encapsulated packet is not changed, so its checksums stay valid; the
 * outer headers have none.  Packets that are not IPv4 or IPv6 (by the
 * version field) are dropped (reason `not IP'), as are packets too long for
 * the outer Payload Length (reason `too long').
 * =k SEGMENTS
 * Space-separated list of 1 to 127 IPv6 addresses, in the order the packet
 * visits them.  Mandatory.
 * =k SRC
 * IPv6 address: the outer source address.  Mandatory.
 * =k HLIM
 * Integer from 1 to 255: the outer hop limit.  Default 64.
 * =k TAG
 * Integer at most 0xFFFF: the SRH Tag field.  Default 0.
 * =h count read
 * Returns the number of packets encapsulated.
 * =e
 *   FromDump(in.pcap, STOP true) -> Strip(14)
 *     -> SRv6Encap(SEGMENTS fc00::1 fc00::2 fc00::3, SRC fc00::99)
 *     -> e1 :: SRv6End(fc00::1) -> ...
 * =a
 * SRv6End, SRv6Decap, SRHeaderEncap
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "srv6hdr.h"

enum { NOT_IP, TOO_LONG };

static const char *const srv6encap_drop_reasons[] = { "not IP", "too long", NULL };

struct srv6encap {
	struct cabo_element e;
	unsigned hlen;               /* outer IPv6 header and SRH */
	uint8_t header[IP6_HLEN + SRH_FIXED + 16 * SRV6_MAX_SEGMENTS];
	uint64_t count;
};

static int srv6encap_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct srv6encap *s = (struct srv6encap *)e;
	char *segments = NULL;
	uint8_t src[16] = { 0 };
	uint64_t hlim = 64, tag = 0;
	cabo_args_read_raw(a, "SEGMENTS", CABO_ARG_MP, &segments);
	cabo_args_read_ip6(a, "SRC", CABO_ARG_MP, src);
	cabo_args_read_uint(a, "HLIM", 0, &hlim);
	cabo_args_read_uint(a, "TAG", 0, &tag);
	if (hlim < 1 || hlim > 255)
		cabo_args_error(a, "HLIM: must be between 1 and 255");
	if (tag > 0xFFFF)
		cabo_args_error(a, "TAG: must be at most 0xFFFF");

	char **w = NULL;
	unsigned n = segments ? cabo_split_words(segments, &w) : 0;
	if (segments && (n == 0 || n > SRV6_MAX_SEGMENTS))
		cabo_args_error(a, "SEGMENTS: expected 1 to %d IPv6 addresses", SRV6_MAX_SEGMENTS);
	else if (segments) {
		uint8_t *ip6 = s->header, *srh = s->header + IP6_HLEN;
		ip6[0] = 0x60;
		ip6[IP6_NXT] = IPPROTO6_ROUTING;
		ip6[IP6_HLIM] = (uint8_t)hlim;
		memcpy(ip6 + IP6_SRC, src, 16);
		srh[SRH_LEN] = (uint8_t)(2 * n);
		srh[SRH_TYPE] = SRH_ROUTING_TYPE;
		srh[SRH_SL] = srh[SRH_LE] = (uint8_t)(n - 1);
		srv6_put16(srh + SRH_TAG, (uint16_t)tag);
		for (unsigned i = 0; i < n; i++)
			if (!cabo_parse_ip6(w[i], srh + SRH_SEGS + 16 * (n - 1 - i))) {
				cabo_args_error(a, "SEGMENTS: expected IPv6 address, not '%s'", w[i]);
				break;
			}
		memcpy(ip6 + IP6_DST, srh + SRH_SEGS + 16 * (n - 1), 16);
		s->hlen = IP6_HLEN + SRH_FIXED + 16 * n;
	}
	cabo_free_strings(w, n);
	free(segments);
	return cabo_args_complete(a);
}

static struct cabo_packet *srv6encap_simple_action(struct cabo_element *e,
						   struct cabo_packet *p)
{
	struct srv6encap *s = (struct srv6encap *)e;
	unsigned v = p->length ? p->data[0] >> 4 : 0;
	if (v != 4 && v != 6) {
		cabo_element_drop(e, p, NOT_IP);
		return NULL;
	}
	uint32_t plen = p->length + s->hlen - IP6_HLEN;
	if (plen > 0xFFFF) {
		cabo_element_drop(e, p, TOO_LONG);
		return NULL;
	}
	p = cabo_packet_push(p, s->hlen);
	if (!p)
		return NULL;
	memcpy(p->data, s->header, s->hlen);
	srv6_put16(p->data + IP6_PLEN, (uint16_t)plen);
	p->data[IP6_HLEN + SRH_NXT] = v == 4 ? IPPROTO6_IPIP : IPPROTO6_IPV6;
	memcpy(p->anno.dst.ip6, p->data + IP6_DST, 16);
	cabo_packet_set_network_header(p, p->data);
	p->transport_offset = -1;
	s->count++;
	return p;
}

static const struct cabo_handler srv6encap_handlers[] = {
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct srv6encap, count), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(srv6encap_class) = {
	.name = "SRv6Encap", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct srv6encap), .configure = srv6encap_configure,
	.simple_action = srv6encap_simple_action, .handlers = srv6encap_handlers,
	.drop_reasons = srv6encap_drop_reasons,
};

/*
 * =c
 * SRv6End(ADDR [, KEYWORDS PSP])
 * =s
 * SRv6 endpoint: processes the Segment Routing Header (End behaviour)
 * =ports
 * 1 input, 2 to 4 outputs
 * =processing
 * push
 * =d
 * Implements the SRv6 End behaviour of RFC 8986 section 4.1 for the segment
 * identifier ADDR, with the Segment Routing Header (SRH, routing type 4) of
 * RFC 8754 section 4.3.  Input packets are IPv6 packets: the IPv6 header is
 * at the network header annotation (set by CheckIP6Header, say) or, when the
 * annotation is not set, at the start of the packet, and SRv6End then sets
 * the annotation there (ICMP6Error needs it).
 *
 * A packet whose destination address is not ADDR is in transit (RFC 8754
 * section 4.2): it leaves on output 0 unchanged.  For a packet addressed to
 * ADDR, SRv6End skips a Hop-by-Hop Options header and Destination Options
 * headers and looks at the routing header:
 *
 * No routing header, or Segments Left 0: the segment list is finished and
 * the packet leaves unchanged on output 1, for local delivery or
 * decapsulation (SRv6Decap).
 *
 * SRH with Segments Left greater than 0: if the hop limit is 1 or less, the
 * packet goes to output 3 for an ICMPv6 Time Exceeded message (code 0, hop
 * limit exceeded in transit).  If Last Entry is beyond what Hdr Ext Len holds
 * (Hdr Ext Len / 2 - 1), or Segments Left exceeds Last Entry + 1, it goes to
 * output 2 for an ICMPv6 Parameter Problem (code 0) pointing at the Segments
 * Left field.  Otherwise SRv6End decrements the hop limit and Segments Left,
 * copies Segment List[Segments Left] into the destination address and the
 * destination address annotation, and emits the packet on output 0 for the
 * FIB lookup towards the new destination.  These are RFC 8986's steps in
 * RFC 8986's order (hop limit first).
 *
 * Another routing type with Segments Left greater than 0 (type 0 included,
 * RFC 5095) goes to output 2 too, pointing at the Routing Type field (RFC
 * 8200 section 4.4); with Segments Left 0 it is ignored (output 1).  A routing
 * header that runs past the packet goes to output 2 pointing at its Hdr Ext
 * Len field.
 *
 * Packets for output 2 carry the Parameter Problem pointer (the offset from
 * the IPv6 header, at most 255) in the parameter-problem annotation that
 * ICMPError reads.  An output 2 or 3 that does not exist means counted
 * drops (`parameter problem', `hop limit exceeded').  Packets that are not
 * IPv6 (`not IPv6'), whose Payload Length runs past the data (`bad IPv6
 * length') or whose options headers do (`bad extension header') are dropped.
 *
 * Changing the destination address does not change any upper-layer
 * checksum: a packet with a routing header computes its TCP, UDP or ICMPv6
 * checksum over the final destination, Segment List[0] (RFC 8200 section
 * 8.1), and IPv6 has no header checksum.  A shared packet (a clone) is copied
 * before it is changed.
 * =k ADDR
 * IPv6 address: this endpoint's segment identifier.  Mandatory.
 * =k PSP
 * Boolean.  If true, use the Penultimate Segment Pop flavour (RFC 8986
 * section 4.16.1): when Segments Left becomes 0 the SRH is removed (the
 * preceding Next Header and the Payload Length are updated).  Default false.
 * =h addr read
 * Returns ADDR.
 * =h count read
 * Returns the number of packets received.
 * =h forwarded read
 * Returns the number of packets sent to their next segment (output 0).
 * =h delivered read
 * Returns the number of packets whose segment list was finished (output 1).
 * =h transit read
 * Returns the number of packets not addressed to ADDR (output 0).
 * =h param_problems read
 * Returns the number of packets that called for a Parameter Problem.
 * =h time_exceeded read
 * Returns the number of packets whose hop limit ran out.
 * =e
 *   c :: CheckIP6Header -> e :: SRv6End(fc00::2);
 *   e[0] -> ... IPv6 forwarding ...;
 *   e[1] -> SRv6Decap -> ...;
 *   e[2] -> Discard;
 * =a
 * SRv6Encap, SRv6Decap, CheckIP6Header, SRForward
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "element.h"
#include "srv6hdr.h"

enum { NOT_IP6, BAD_LENGTH, BAD_EXT, PARAM_PROBLEM, HOP_LIMIT };

static const char *const srv6end_drop_reasons[] = {
	"not IPv6", "bad IPv6 length", "bad extension header", "parameter problem",
	"hop limit exceeded", NULL,
};

enum { OUT_FORWARD, OUT_DELIVER, OUT_PARAM, OUT_TIME };

struct srv6end {
	struct cabo_element e;
	uint8_t addr[16];
	bool psp;
	uint64_t count, forwarded, delivered, transit, param_problems, time_exceeded;
};

static int srv6end_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct srv6end *s = (struct srv6end *)e;
	s->psp = false;
	cabo_args_read_ip6(a, "ADDR", CABO_ARG_MP, s->addr);
	cabo_args_read_bool(a, "PSP", 0, &s->psp);
	return cabo_args_complete(a);
}

/* ---- Packets */

static int param_problem(struct srv6end *s, struct cabo_packet *p, uint32_t pointer)
{
	s->param_problems++;
	p->anno.user[CABO_ANNO_PARAM_OFF] = (uint8_t)(pointer > 255 ? 255 : pointer);
	if (s->e.noutputs > OUT_PARAM)
		return OUT_PARAM;
	cabo_element_drop(&s->e, p, PARAM_PROBLEM);
	return -1;
}

/* PSP: removes the SRH at ip6 + rh (its length rh_len), whose preceding Next
 * Header field is at ip6 + prev_nxt, by moving everything in front of it
 * forward.  p is writable. */
static void pop_srh(struct cabo_packet *p, uint8_t *ip6, uint32_t rh, uint32_t prev_nxt)
{
	uint32_t rh_len = srv6_ext_len(ip6 + rh);
	ip6[prev_nxt] = ip6[rh + SRH_NXT];
	srv6_put16(ip6 + IP6_PLEN, (uint16_t)(srv6_get16(ip6 + IP6_PLEN) - rh_len));
	uint32_t front = (uint32_t)(ip6 - p->data);
	memmove(p->data + rh_len, p->data, front + rh);
	cabo_packet_pull(p, rh_len);
	cabo_packet_set_network_header(p, p->data + front);
	p->transport_offset = -1;
}

/* Returns the output for the packet (possibly a private copy, in *pp), or -1
 * when it was dropped. */
static int process(struct srv6end *s, struct cabo_packet **pp)
{
	struct cabo_packet *p = *pp;
	uint8_t *ip6 = srv6_ip6_header(p);
	if (!ip6) {
		cabo_element_drop(&s->e, p, NOT_IP6);
		return -1;
	}
	if (p->network_offset < 0)
		cabo_packet_set_network_header(p, ip6);
	if (memcmp(ip6 + IP6_DST, s->addr, 16) != 0) {
		s->transit++;
		return OUT_FORWARD;
	}
	uint32_t len = srv6_ip6_len(p, ip6);
	if (!len) {
		cabo_element_drop(&s->e, p, BAD_LENGTH);
		return -1;
	}
	struct srv6_walk w;
	if (!srv6_walk(ip6, len, &w)) {
		cabo_element_drop(&s->e, p, BAD_EXT);
		return -1;
	}
	if (w.nxt != IPPROTO6_ROUTING) {
		s->delivered++;
		return OUT_DELIVER;
	}
	uint32_t rh = w.off;
	if (len - rh < SRH_FIXED || len - rh < srv6_ext_len(ip6 + rh))
		return param_problem(s, p, rh + SRH_LEN);
	const uint8_t *srh = ip6 + rh;
	unsigned sl = srh[SRH_SL];
	if (sl == 0) {
		/* RFC 8986 S02-S03; RFC 8200 4.4 for other routing types */
		s->delivered++;
		return OUT_DELIVER;
	}
	if (srh[SRH_TYPE] != SRH_ROUTING_TYPE)
		return param_problem(s, p, rh + SRH_TYPE);
	/* RFC 8986 S05-S07 */
	if (ip6[IP6_HLIM] <= 1) {
		s->time_exceeded++;
		if (s->e.noutputs > OUT_TIME)
			return OUT_TIME;
		cabo_element_drop(&s->e, p, HOP_LIMIT);
		return -1;
	}
	/* S08-S11: max_LE = (Hdr Ext Len / 2) - 1, so LE + 1 <= Hdr Ext Len / 2 */
	unsigned le = srh[SRH_LE];
	if (le + 1 > srh[SRH_LEN] / 2u || sl > le + 1)
		return param_problem(s, p, rh + SRH_SL);
	/* S12-S15 */
	size_t off = (size_t)(ip6 - p->data);
	p = *pp = cabo_packet_writable(p);
	if (!p)
		return -1;
	ip6 = p->data + off;
	uint8_t *h = ip6 + rh;
	ip6[IP6_HLIM]--;
	h[SRH_SL] = (uint8_t)--sl;
	memcpy(ip6 + IP6_DST, h + SRH_SEGS + 16 * sl, 16);
	memcpy(p->anno.dst.ip6, ip6 + IP6_DST, 16);
	if (sl == 0 && s->psp)
		pop_srh(p, ip6, rh, w.prev_nxt);
	s->forwarded++;
	return OUT_FORWARD;
}

static void srv6end_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct srv6end *s = (struct srv6end *)e;
	int ports[CABO_BATCH_MAX];
	unsigned kept = 0;
	s->count += b->count;
	for (unsigned i = 0; i < b->count; i++) {
		struct cabo_packet *p = b->p[i];
		int out = process(s, &p);
		if (out < 0)
			continue;
		ports[kept] = out;
		b->p[kept++] = p;
	}
	b->count = kept;
	cabo_output_push_each(e, b, ports, PARAM_PROBLEM);
}

/* ---- Handlers */

static int read_addr(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	char buf[40];
	cabo_format_ip6(((struct srv6end *)e)->addr, buf);
	cabo_strbuf_puts(out, buf);
	return 0;
}

static const struct cabo_handler srv6end_handlers[] = {
	{ "addr", read_addr, NULL, NULL, 0 },
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct srv6end, count), 0 },
	{ "forwarded", cabo_read_u64_field, NULL, CABO_FIELD(struct srv6end, forwarded), 0 },
	{ "delivered", cabo_read_u64_field, NULL, CABO_FIELD(struct srv6end, delivered), 0 },
	{ "transit", cabo_read_u64_field, NULL, CABO_FIELD(struct srv6end, transit), 0 },
	{ "param_problems", cabo_read_u64_field, NULL,
	  CABO_FIELD(struct srv6end, param_problems), 0 },
	{ "time_exceeded", cabo_read_u64_field, NULL,
	  CABO_FIELD(struct srv6end, time_exceeded), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(srv6end_class) = {
	.name = "SRv6End", .port_count = "1/2-4", .processing = "h/h",
	.size = sizeof(struct srv6end), .configure = srv6end_configure,
	.push = srv6end_push, .handlers = srv6end_handlers,
	.drop_reasons = srv6end_drop_reasons,
};

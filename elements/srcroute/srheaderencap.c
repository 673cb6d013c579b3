/*
 * =c
 * SRHeaderEncap(HOPS [, NEXT, KEYWORDS HOP_LIMIT, ETHER])
 * =s
 * adds a Cabo source-route header
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Puts a Cabo source-route header (see cabo-srcroute(7)) listing HOPS in
 * front of each packet.  Each hop is the output port a node's SRForward
 * takes; the header's pointer starts at the first hop, its hop limit at
 * HOP_LIMIT and its next-header field at NEXT, the EtherType of the payload.
 *
 * Without ETHER the packet is the payload (an IPv4 or IPv6 packet, say) and
 * the header goes in front of it.  With ETHER true the packet is an Ethernet
 * frame: the header goes between the Ethernet header and the payload, the
 * frame's type becomes 0x88B5 (the source-route EtherType) and, unless NEXT
 * is given, the frame's old type becomes the header's next header.
 *
 * When NEXT is not given and ETHER is false, the next header follows the
 * payload's IP version: 0x0800 for version 4, 0x86DD for version 6.  A packet
 * that is neither is dropped (reason `unknown payload'), as is a frame
 * shorter than an Ethernet header with ETHER true (reason `too short').
 *
 * The header goes into the packet's headroom (the data moves only when there
 * is not enough).  The network header annotation points to it afterwards,
 * and with ETHER the MAC header annotation to the Ethernet header.
 * =k HOPS
 * Space-separated list of 1 to 255 output port numbers (0-255), in the order
 * the packet takes them.  Mandatory.
 * =k NEXT
 * The payload's EtherType: an unsigned integer at most 0xFFFF, `IP' (0x0800)
 * or `IP6' (0x86DD).  Default: from the frame (ETHER) or the IP version.
 * =k HOP_LIMIT
 * Integer, from the number of hops to 255: the initial hop limit.  A node
 * drops a packet whose hop limit is smaller than the hops it still has to
 * take, so with the default, the number of hops, any loop that sets the
 * pointer back dies at the next node.
 * =k ETHER
 * Boolean.  If true, packets are Ethernet frames and the header goes after
 * the Ethernet header.  Default false.
 * =h hops read/write
 * Returns or sets the route, as HOPS.  Writing a new route while packets flow
 * is how a control plane changes the path; HOP_LIMIT, when it was given and is
 * smaller than the new number of hops, follows the new route's length.
 * =h hop_limit read/write
 * Returns or sets HOP_LIMIT (writing 0 restores the default).
 * =h count read
 * Returns the number of packets encapsulated.
 * =e
 *   FromDump(in.pcap, STOP true)
 *     -> SRHeaderEncap(HOPS 1 2 0, ETHER true)
 *     -> Strip(14) -> node1 :: SRForward;
 * =a
 * SRForward, SRHeaderDecap, SRv6Encap, cabo-srcroute(7)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "srhdr.h"

enum { UNKNOWN_PAYLOAD, TOO_SHORT };

static const char *const srencap_drop_reasons[] = { "unknown payload", "too short", NULL };

struct srencap {
	struct cabo_element e;
	bool ether;
	int next;                     /* EtherType, or -1: from the packet */
	unsigned hop_limit;           /* 0: the number of hops */
	unsigned nhops;
	unsigned hlen;                /* header bytes */
	uint8_t header[SR_FIXED + SR_MAX_HOPS + 1];   /* template, next header 0 */
	uint64_t count;
};

/* ---- Configuration */

static void build_header(struct srencap *s, const uint8_t *hops, unsigned n)
{
	memset(s->header, 0, sizeof s->header);
	s->nhops = n;
	s->hlen = sr_header_len(n);
	s->header[SR_VER] = SR_VERSION << 4;
	s->header[SR_HLEN] = (uint8_t)(s->hlen / 4);
	s->header[SR_NHOPS] = (uint8_t)n;
	s->header[SR_HLIM] = (uint8_t)(s->hop_limit && s->hop_limit >= n ? s->hop_limit : n);
	memcpy(s->header + SR_HOPS, hops, n);
}

static bool parse_next(const char *s, int *out)
{
	uint64_t v;
	if (strcmp(s, "IP") == 0)
		*out = SR_ETHERTYPE_IP;
	else if (strcmp(s, "IP6") == 0)
		*out = SR_ETHERTYPE_IP6;
	else if (cabo_parse_uint(s, &v) && v <= 0xFFFF)
		*out = (int)v;
	else
		return false;
	return true;
}

static int srencap_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct srencap *s = (struct srencap *)e;
	char *hops = NULL, *next = NULL;
	uint64_t hlim = 0;
	bool have_hlim;
	s->ether = false;
	s->next = -1;
	cabo_args_read_raw(a, "HOPS", CABO_ARG_MP, &hops);
	cabo_args_read_word(a, "NEXT", CABO_ARG_POSITIONAL, &next);
	have_hlim = cabo_args_read_uint(a, "HOP_LIMIT", 0, &hlim);
	cabo_args_read_bool(a, "ETHER", 0, &s->ether);
	if (next && !parse_next(next, &s->next))
		cabo_args_error(a, "NEXT: expected EtherType (unsigned integer at most 0xFFFF, IP or IP6)");
	uint8_t list[SR_MAX_HOPS];
	int n = hops ? sr_parse_hops(hops, list, a->errh) : -1;
	if (n > 0) {
		if (have_hlim && (hlim < (uint64_t)n || hlim > 255))
			cabo_args_error(a, "HOP_LIMIT: must be between %d (the number of hops) and 255", n);
		else
			s->hop_limit = (unsigned)hlim;
		build_header(s, list, (unsigned)n);
	}
	free(hops);
	free(next);
	int r = cabo_args_complete(a);
	return n < 0 ? -1 : r;
}

/* ---- Packets */

static struct cabo_packet *srencap_simple_action(struct cabo_element *e, struct cabo_packet *p)
{
	struct srencap *s = (struct srencap *)e;
	unsigned hlen = s->hlen;
	int next = s->next;
	if (s->ether) {
		if (p->length < SR_ETHER_HLEN) {
			cabo_element_drop(e, p, TOO_SHORT);
			return NULL;
		}
		if (next < 0)
			next = sr_get16(p->data + SR_ETHER_TYPE);
	} else if (next < 0) {
		unsigned v = p->length ? p->data[0] >> 4 : 0;
		if (v != 4 && v != 6) {
			cabo_element_drop(e, p, UNKNOWN_PAYLOAD);
			return NULL;
		}
		next = v == 4 ? SR_ETHERTYPE_IP : SR_ETHERTYPE_IP6;
	}
	p = cabo_packet_push(p, hlen);
	if (!p)
		return NULL;
	uint8_t *h = p->data;
	if (s->ether) {
		memmove(p->data, p->data + hlen, SR_ETHER_HLEN);
		sr_put16(p->data + SR_ETHER_TYPE, SR_ETHERTYPE);
		cabo_packet_set_mac_header(p, p->data);
		h += SR_ETHER_HLEN;
	}
	memcpy(h, s->header, hlen);
	sr_put16(h + SR_NEXT, (uint16_t)next);
	cabo_packet_set_network_header(p, h);
	p->transport_offset = -1;
	s->count++;
	return p;
}

/* ---- Handlers */

static int read_hops(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct srencap *s = (struct srencap *)e;
	for (unsigned i = 0; i < s->nhops; i++)
		cabo_strbuf_printf(out, "%s%u", i ? " " : "", s->header[SR_HOPS + i]);
	return 0;
}

static int write_hops(struct cabo_element *e, const char *value, const void *arg,
		      struct cabo_errh *errh)
{
	struct srencap *s = (struct srencap *)e;
	uint8_t list[SR_MAX_HOPS];
	int n = sr_parse_hops(value, list, errh);
	if (n < 0)
		return -1;
	build_header(s, list, (unsigned)n);
	return 0;
}

static int read_hop_limit(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct srencap *s = (struct srencap *)e;
	cabo_strbuf_printf(out, "%u", s->header[SR_HLIM]);
	return 0;
}

static int write_hop_limit(struct cabo_element *e, const char *value, const void *arg,
			   struct cabo_errh *errh)
{
	struct srencap *s = (struct srencap *)e;
	uint64_t v;
	if (!cabo_parse_uint(value, &v) || v > 255 || (v && v < s->nhops))
		return cabo_errh_error(errh, "HOP_LIMIT: must be between %u (the number of hops) and 255",
				       s->nhops);
	s->hop_limit = (unsigned)v;
	s->header[SR_HLIM] = (uint8_t)(v ? v : s->nhops);
	return 0;
}

static const struct cabo_handler srencap_handlers[] = {
	{ "hops", read_hops, write_hops, NULL, 0 },
	{ "hop_limit", read_hop_limit, write_hop_limit, NULL, 0 },
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct srencap, count), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(srheaderencap_class) = {
	.name = "SRHeaderEncap", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct srencap), .configure = srencap_configure,
	.simple_action = srencap_simple_action, .handlers = srencap_handlers,
	.drop_reasons = srencap_drop_reasons,
};

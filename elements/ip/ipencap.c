/*
 * =c
 * IPEncap(PROTO, SRC, DST, KEYWORDS TOS, TTL, DSCP, ECT, CE, DF)
 * =s
 * encapsulates packets in static IP header
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Puts a 20-byte IPv4 header in front of each packet, with protocol PROTO,
 * source address SRC and destination address DST, and sets the packet's
 * destination address annotation to DST.  This is mostly useful for IP-in-IP
 * encapsulation.  The header's total length is the new packet length, its
 * identification counts up from 0 (one counter per element), its TTL is 250
 * unless TTL says otherwise, and its checksum is computed from a checksum
 * prepared at configuration time.  The network header annotation points at
 * the new header and the transport header annotation just after it.
 *
 * If DST is `DST_ANNO', the destination address is each packet's destination
 * address annotation instead (and the annotation is left as it is).
 *
 * The header goes into the packet's headroom; a packet without 20 bytes of
 * headroom, or a shared one, is copied first.
 * =k PROTO
 * The IP protocol: a number from 0 to 255, or one of `icmp', `igmp',
 * `ipip', `tcp' and `udp'.  Mandatory.
 * =k SRC
 * IP address.  Mandatory.
 * =k DST
 * IP address or `DST_ANNO'.  Mandatory.
 * =k TTL
 * Byte.  The time-to-live.  Default 250.
 * =k TOS
 * Byte.  The TOS byte.  Default 0.  Not together with DSCP, ECT or CE.
 * =k DSCP
 * Number from 0 to 63: the DSCP bits of the TOS byte.  Default 0.
 * =k ECT
 * Boolean or `2'.  True (or 1) sets the ECN bits to ECT(1) (binary 01), `2'
 * sets them to ECT(0) (binary 10).  Default false.
 * =k CE
 * Boolean.  If true, sets the ECN bits to CE (binary 11).  Default false.
 * =k DF
 * Boolean.  If true, sets the Don't Fragment flag.  Default false.
 * =h src read/write
 * Returns or sets SRC.
 * =h dst read/write
 * Returns or sets DST (`DST_ANNO' or an address).
 * =e
 * IP-in-IP from 18.26.4.24 to 140.247.60.147:
 *
 *   ... -> IPEncap(ipip, 18.26.4.24, 140.247.60.147) -> ...
 * =a
 * StripIPHeader, CheckIPHeader
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "iphdr.h"

struct ipencap {
	struct cabo_element e;
	uint8_t iph[IPH_MIN];     /* template: length, id, checksum zero */
	uint32_t partial;         /* checksum sum of the template */
	bool use_dst_anno;
	uint16_t id;
};

static bool parse_proto(const char *s, unsigned *out)
{
	static const struct { const char *name; unsigned proto; } names[] = {
		{ "icmp", IP_PROTO_ICMP }, { "igmp", IP_PROTO_IGMP }, { "ipip", IP_PROTO_IPIP },
		{ "tcp", IP_PROTO_TCP }, { "udp", IP_PROTO_UDP },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i].name) == 0) {
			*out = names[i].proto;
			return true;
		}
	uint64_t v;
	if (!cabo_parse_uint(s, &v) || v > 255)
		return false;
	*out = (unsigned)v;
	return true;
}

static void prepare(struct ipencap *c)
{
	put16(c->iph + IPH_SUM, 0);
	c->partial = csum_add(0, c->iph, IPH_MIN);
}

static int ipencap_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct ipencap *c = (struct ipencap *)e;
	char *proto = NULL, *dst = NULL, *ect = NULL;
	uint32_t src = 0, dst_addr = 0;
	uint64_t tos = 0, ttl = 250, dscp = 0;
	bool ce = false, df = false, tos_set, dscp_set;
	cabo_args_read_word(a, "PROTO", CABO_ARG_MP, &proto);
	cabo_args_read_ip4(a, "SRC", CABO_ARG_MP, &src);
	cabo_args_read_word(a, "DST", CABO_ARG_MP, &dst);
	tos_set = cabo_args_read_uint(a, "TOS", 0, &tos);
	cabo_args_read_uint(a, "TTL", 0, &ttl);
	dscp_set = cabo_args_read_uint(a, "DSCP", 0, &dscp);
	cabo_args_read_word(a, "ECT", 0, &ect);
	cabo_args_read_bool(a, "CE", 0, &ce);
	cabo_args_read_bool(a, "DF", 0, &df);
	int r = cabo_args_complete(a);
	unsigned p = 0, ecn = 0;
	bool b = false;
	if (r < 0)
		;
	else if (!parse_proto(proto, &p))
		r = cabo_errh_error(a->errh, "PROTO: expected IP protocol");
	else if (strcmp(dst, "DST_ANNO") != 0 && !cabo_parse_ip4(dst, &dst_addr))
		r = cabo_errh_error(a->errh, "DST: expected IP address");
	else if (ttl > 255)
		r = cabo_errh_error(a->errh, "TTL: out of range");
	else if (ect && !cabo_parse_bool(ect, &b) && strcmp(ect, "2") != 0)
		r = cabo_errh_error(a->errh, "bad ECT value '%s'", ect);
	if (r == 0 && ect)
		ecn = strcmp(ect, "2") == 0 ? 2 : b ? 1 : 0;
	if (r < 0)
		;
	else if (tos_set && dscp_set)
		r = cabo_errh_error(a->errh, "cannot set both TOS and DSCP");
	else if (tos_set && (ecn || ce))
		r = cabo_errh_error(a->errh, "cannot set both TOS and ECN bits");
	else if (tos_set && tos > 255)
		r = cabo_errh_error(a->errh, "TOS too large; max 255");
	else if (dscp_set && dscp > 63)
		r = cabo_errh_error(a->errh, "DSCP too large; max 63");
	else if (ecn && ce)
		r = cabo_errh_error(a->errh, "can set at most one ECN option");
	if (r == 0) {
		uint8_t *h = c->iph;
		memset(h, 0, IPH_MIN);
		h[0] = 0x45;
		h[IPH_TOS] = (uint8_t)(tos_set ? tos : dscp_set ? dscp << 2 : 0);
		h[IPH_TOS] |= (uint8_t)(ecn == 1 ? 1 : ecn == 2 ? 2 : ce ? 3 : 0);
		put16(h + IPH_OFF, df ? IP_DF : 0);
		h[IPH_TTL] = (uint8_t)ttl;
		h[IPH_PROTO] = (uint8_t)p;
		put_addr(h + IPH_SRC, src);
		put_addr(h + IPH_DST, dst_addr);
		c->use_dst_anno = strcmp(dst, "DST_ANNO") == 0;
		prepare(c);
	}
	free(proto);
	free(dst);
	free(ect);
	return r;
}

static inline struct cabo_packet *encap(struct ipencap *c, struct cabo_packet *p)
{
	p = cabo_packet_push(p, IPH_MIN);
	if (!p)
		return NULL;
	uint8_t *h = p->data;
	memcpy(h, c->iph, IPH_MIN);
	uint32_t sum = c->partial;
	if (c->use_dst_anno) {
		put_addr(h + IPH_DST, p->anno.dst.ip4);
		sum = csum_add(sum, h + IPH_DST, 4);
	} else
		p->anno.dst.ip4 = get_addr(h + IPH_DST);
	put16(h + IPH_LEN, (uint16_t)p->length);
	put16(h + IPH_ID, c->id++);
	sum = csum_add(sum, h + IPH_LEN, 4);
	put16(h + IPH_SUM, (uint16_t)~sum);
	cabo_packet_set_network_header(p, h);
	cabo_packet_set_transport_header(p, h + IPH_MIN);
	return p;
}

static struct cabo_packet *ipencap_simple_action(struct cabo_element *e, struct cabo_packet *p)
{
	return encap((struct ipencap *)e, p);
}

/* ---- Handlers */

static int read_addr(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct ipencap *c = (struct ipencap *)e;
	char buf[16];
	if (arg && c->use_dst_anno) {
		cabo_strbuf_puts(out, "DST_ANNO");
		return 0;
	}
	cabo_format_ip4(get_addr(c->iph + (arg ? IPH_DST : IPH_SRC)), buf);
	cabo_strbuf_puts(out, buf);
	return 0;
}

static int write_addr(struct cabo_element *e, const char *value, const void *arg,
		      struct cabo_errh *errh)
{
	struct ipencap *c = (struct ipencap *)e;
	uint32_t a = 0;
	bool anno = arg && strcmp(value, "DST_ANNO") == 0;
	if (!anno && !cabo_parse_ip4(value, &a))
		return cabo_errh_error(errh, "expected IP address");
	put_addr(c->iph + (arg ? IPH_DST : IPH_SRC), a);
	if (arg)
		c->use_dst_anno = anno;
	prepare(c);
	return 0;
}

static const struct cabo_handler ipencap_handlers[] = {
	{ "src", read_addr, write_addr, NULL, 0 },
	{ "dst", read_addr, write_addr, (const void *)1, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(ipencap_class) = {
	.name = "IPEncap", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct ipencap), .configure = ipencap_configure,
	.simple_action = ipencap_simple_action, .handlers = ipencap_handlers,
};

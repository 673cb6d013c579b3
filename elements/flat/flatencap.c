/*
 * =c
 * FlatEncap(SRC, DST, [KEYWORDS PROTO, HLIM])
 * =s
 * encapsulates packets in a flat-address header
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Puts a 48-byte flat header (cabo-flat(7)) in front of each packet: version
 * 1, hop limit HLIM, next header PROTO, the packet's length as payload
 * length, destination id DST and source id SRC.  The packet's network
 * header annotation then points to the flat header and its transport header
 * annotation to the payload, so FlatLookup can follow at once.  To send
 * the packet on Ethernet, follow with EtherEncap(0x88B6, ...).
 *
 * An id is 40 hexadecimal digits, or a dotted IPv4 address for the
 * IPv4-derived id (16 zero bytes, then the address).  SRC and DST may also
 * be FROM_IP: the id is then derived, per packet, from the source (for SRC)
 * or destination (for DST) address of the packet's IPv4 header, found at
 * its network header annotation or, when that is unset, at the start of
 * the data.  A packet without an IPv4 header there is dropped (`no IP
 * header').  A packet too long for the 16-bit payload length is dropped
 * (`too long').
 * =k SRC
 * Flat id or FROM_IP: the source id.
 * =k DST
 * Flat id or FROM_IP: the destination id.
 * =k PROTO
 * The next-header field: a number 0-255 or one of `icmp' (1), `ipv4' or
 * `ip' (4), `tcp' (6), `udp' (17), `ipv6' (41), `none' (59, IPv6's `no next
 * header').  Default none.
 * =k HLIM
 * Byte: the hop limit.  Default 64.
 * =h src read/write
 * Returns or sets SRC.
 * =h dst read/write
 * Returns or sets DST.
 * =h proto read/write
 * Returns (in decimal) or sets PROTO.
 * =h hlim read/write
 * Returns or sets HLIM.
 * =e
 * Carries IPv4 packets between flat ids derived from their addresses:
 *
 *   FromDump(ip.pcap, STOP true) -> Strip(14) -> CheckIPHeader
 *     -> FlatEncap(FROM_IP, FROM_IP, PROTO ipv4)
 *     -> EtherEncap(0x88B6, 00-16-3E-00-00-01, 00-16-3E-00-00-02)
 *     -> ToDump(flat.pcap);
 * =a
 * FlatDecap, CheckFlatHeader, FlatLookup, EtherEncap, IPEncap, cabo-flat(7)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "flathdr.h"

enum { NO_IP_HEADER, TOO_LONG };

static const char *const flatencap_drop_reasons[] = { "no IP header", "too long", NULL };

/* Which id a handler reads or writes. */
enum { SRC, DST };

struct flatencap {
	struct cabo_element e;
	uint8_t header[FLAT_HLEN];    /* template: fixed fields and given ids */
	bool from_ip[2];              /* SRC, DST derived from the IPv4 header */
};

static const size_t id_field[2] = { FLAT_SRC, FLAT_DST };

/* An id argument: an id or FROM_IP.  False when bad. */
static bool parse_id_arg(struct flatencap *x, int which, const char *s)
{
	if (strcmp(s, "FROM_IP") == 0) {
		x->from_ip[which] = true;
		memset(x->header + id_field[which], 0, FLAT_ID_LEN);
		return true;
	}
	uint8_t id[FLAT_ID_LEN];
	if (!flat_parse_id(s, id))
		return false;
	x->from_ip[which] = false;
	memcpy(x->header + id_field[which], id, FLAT_ID_LEN);
	return true;
}

static int flatencap_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct flatencap *x = (struct flatencap *)e;
	char *src = NULL, *dst = NULL, *proto = NULL;
	uint64_t hlim = FLAT_DEFAULT_HLIM;
	cabo_args_read_word(a, "SRC", CABO_ARG_MP, &src);
	cabo_args_read_word(a, "DST", CABO_ARG_MP, &dst);
	cabo_args_read_word(a, "PROTO", 0, &proto);
	cabo_args_read_uint(a, "HLIM", 0, &hlim);
	int next = proto ? flat_parse_next(proto) : FLAT_NEXT_NONE;
	if (src && !parse_id_arg(x, SRC, src))
		cabo_args_error(a, "SRC: expected flat id or FROM_IP");
	if (dst && !parse_id_arg(x, DST, dst))
		cabo_args_error(a, "DST: expected flat id or FROM_IP");
	if (next < 0)
		cabo_args_error(a, "PROTO: expected protocol name or number 0-255");
	if (hlim > 255)
		cabo_args_error(a, "HLIM: out of range (at most 255)");
	free(src);
	free(dst);
	free(proto);
	x->header[FLAT_VER] = FLAT_VERSION << 4;
	x->header[FLAT_HLIM] = (uint8_t)hlim;
	x->header[FLAT_NEXT] = (uint8_t)(next < 0 ? 0 : next);
	return cabo_args_complete(a);
}

/* ---- Packets */

/* The packet's IPv4 header (annotation, else data start), or NULL. */
static const uint8_t *ip4_header(const struct cabo_packet *p)
{
	const uint8_t *h = cabo_packet_network_header(p);
	if (!h || h < p->data)
		h = p->data;
	if ((size_t)(p->data + p->length - h) < 20 || h[0] >> 4 != 4)
		return NULL;
	return h;
}

static struct cabo_packet *flatencap_simple_action(struct cabo_element *e,
						    struct cabo_packet *p)
{
	struct flatencap *x = (struct flatencap *)e;
	uint32_t addr[2] = { 0, 0 };
	if (x->from_ip[SRC] || x->from_ip[DST]) {
		const uint8_t *ip = ip4_header(p);
		if (!ip) {
			cabo_element_drop(e, p, NO_IP_HEADER);
			return NULL;
		}
		memcpy(&addr[SRC], ip + 12, 4);
		memcpy(&addr[DST], ip + 16, 4);
	}
	if (p->length > 0xFFFF) {
		cabo_element_drop(e, p, TOO_LONG);
		return NULL;
	}
	uint16_t plen = (uint16_t)p->length;
	p = cabo_packet_push(p, FLAT_HLEN);
	if (!p)
		return NULL;
	uint8_t *h = p->data;
	memcpy(h, x->header, FLAT_HLEN);
	flat_put16(h + FLAT_PLEN, plen);
	for (int w = SRC; w <= DST; w++)
		if (x->from_ip[w])
			flat_id_from_ip4(h + id_field[w], addr[w]);
	cabo_packet_set_network_header(p, h);
	cabo_packet_set_transport_header(p, h + FLAT_HLEN);
	return p;
}

/* ---- Handlers */

static int read_id(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct flatencap *x = (struct flatencap *)e;
	int which = (int)(intptr_t)arg;
	char text[FLAT_ID_TEXT];
	if (x->from_ip[which]) {
		cabo_strbuf_puts(out, "FROM_IP");
		return 0;
	}
	flat_format_id(x->header + id_field[which], text);
	cabo_strbuf_puts(out, text);
	return 0;
}

static int write_id(struct cabo_element *e, const char *value, const void *arg,
		    struct cabo_errh *errh)
{
	struct flatencap *x = (struct flatencap *)e;
	int which = (int)(intptr_t)arg;
	char buf[64];
	if (!cabo_copy_trimmed(value, buf, sizeof buf) || !parse_id_arg(x, which, buf))
		return cabo_errh_error(errh, "%s: expected flat id or FROM_IP",
				       which == SRC ? "SRC" : "DST");
	return 0;
}

static int read_byte(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct flatencap *x = (struct flatencap *)e;
	cabo_strbuf_printf(out, "%u", x->header[(uintptr_t)arg]);
	return 0;
}

static int write_byte(struct cabo_element *e, const char *value, const void *arg,
		      struct cabo_errh *errh)
{
	struct flatencap *x = (struct flatencap *)e;
	char buf[64];
	uint64_t u;
	int v = -1;
	if (!cabo_copy_trimmed(value, buf, sizeof buf))
		v = -1;
	else if ((uintptr_t)arg == FLAT_NEXT)
		v = flat_parse_next(buf);
	else if (cabo_parse_uint(buf, &u) && u <= 255)
		v = (int)u;
	if (v < 0)
		return cabo_errh_error(errh, (uintptr_t)arg == FLAT_NEXT
				       ? "PROTO: expected protocol name or number 0-255"
				       : "HLIM: expected number 0-255");
	x->header[(uintptr_t)arg] = (uint8_t)v;
	return 0;
}

static const struct cabo_handler flatencap_handlers[] = {
	{ "src", read_id, write_id, (const void *)(intptr_t)SRC, 0 },
	{ "dst", read_id, write_id, (const void *)(intptr_t)DST, 0 },
	{ "proto", read_byte, write_byte, (const void *)(uintptr_t)FLAT_NEXT, 0 },
	{ "hlim", read_byte, write_byte, (const void *)(uintptr_t)FLAT_HLIM, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(flatencap_class) = {
	.name = "FlatEncap", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct flatencap), .configure = flatencap_configure,
	.simple_action = flatencap_simple_action, .handlers = flatencap_handlers,
	.drop_reasons = flatencap_drop_reasons,
};

/*
 * =c
 * IP6Print([LABEL, KEYWORDS CONTENTS, NBYTES, HEADERS, ACTIVE])
 * =s
 * pretty-prints IPv6 packets
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Prints one line per IPv6 packet on standard error, in Click's format, and
 * passes the packet on unchanged:
 *
 *   LABEL: SRC -> DST plen PAYLOADLEN, next NEXTHEADER, hlim HOPLIMIT
 *
 * (`LABEL: ' only when LABEL is not empty).  The IPv6 header is the one at
 * the packet's network header annotation (set by CheckIP6Header or
 * MarkIP6Header); packets without that annotation pass silently, and a
 * header with fewer than 40 bytes from it to the end of the data prints as
 * `LABEL: truncated-ip6'.  With CONTENTS, the packet's data follows in hex,
 * after two spaces, grouped by 4 bytes with 24 bytes to a line, as Click
 * prints it.
 *
 * With HEADERS (not in Click), the line goes on with the extension header
 * chain and the upper-layer header, each after `, ': `hbh', `dstopts',
 * `routing type T segleft N', `ah', `mobility', `ext N' (HIP, Shim6);
 * `frag ID:LEN@OFFSET' for a Fragment header (`+' after OFFSET when more
 * fragments follow; LEN is the length of the fragment's data); then `tcp
 * SPORT > DPORT', `udp SPORT > DPORT', `icmp6 TYPE' (a name such as
 * `echo-request', `neighbor-solicit', `timeexceeded', or `type N'; then
 * ` code N' when the code is not 0), `esp', `none' (No Next Header) or `proto
 * N'.  A fragment other than the first stops after its Fragment header.  An
 * extension header that runs past the payload length or the data prints
 * `truncated-ext', and a cut-short upper-layer header `truncated-tcp' (and
 * so on).  Each step of the walk checks its bounds and advances at least 8
 * bytes, so malformed chains cannot make IP6Print read outside the packet or
 * loop.
 *
 * IP6Print prints once per batch, like Print.
 * =k LABEL
 * String printed at the start of each line.  Default empty.  TAG is Click's
 * name in its documentation; the keyword is LABEL.
 * =k CONTENTS
 * Boolean.  Print the packet data in hex.  Default false.
 * =k NBYTES
 * Unsigned integer.  Most data bytes to print.  Default 1500.
 * =k HEADERS
 * Boolean.  Print the extension headers and upper-layer header.  Default
 * false (Click's format).
 * =k ACTIVE
 * Boolean.  If false, print nothing.  Default true.
 * =h active read/write
 * Returns or sets ACTIVE.
 * =e
 *   FromDump(in.pcap, STOP true) -> Classifier(12/86dd) -> Strip(14)
 *     -> CheckIP6Header -> IP6Print(in, HEADERS true) -> Discard;
 * =a
 * IPPrint, CheckIP6Header, MarkIP6Header
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "element.h"
#include "ip6hdr.h"
#include "../standard/printout.h"

struct ip6print {
	struct cabo_printout po;     /* label, active, line buffer */
	uint64_t nbytes;
	bool contents;
	bool headers;
};

static void format_packet(struct cabo_printout *po, const struct cabo_packet *p);

static int ip6print_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct ip6print *p = (struct ip6print *)e;
	p->nbytes = 1500;
	p->po.format = format_packet;
	p->po.active = true;
	cabo_args_read_string(a, "LABEL", CABO_ARG_POSITIONAL, &p->po.label);
	cabo_args_read_bool(a, "CONTENTS", 0, &p->contents);
	cabo_args_read_uint(a, "NBYTES", 0, &p->nbytes);
	cabo_args_read_bool(a, "HEADERS", 0, &p->headers);
	cabo_args_read_bool(a, "ACTIVE", 0, &p->po.active);
	return cabo_args_complete(a);
}

/* ---- The header chain (HEADERS true) */

struct name { unsigned value; const char *name; };

static const struct name icmp6_types[] = {
	{ ICMP6_UNREACH, "unreachable" }, { ICMP6_PKTTOOBIG, "packettoobig" },
	{ ICMP6_TIMXCEED, "timeexceeded" }, { ICMP6_PARAMPROB, "parameterproblem" },
	{ ICMP6_ECHO, "echo-request" }, { ICMP6_ECHOREPLY, "echo-reply" },
	{ 130, "mld-query" }, { 131, "mld-report" }, { 132, "mld-done" },
	{ ND_ROUTER_SOLICIT, "router-solicit" }, { ND_ROUTER_ADVERT, "router-advert" },
	{ ND_NEIGHBOR_SOLICIT, "neighbor-solicit" }, { ND_NEIGHBOR_ADVERT, "neighbor-advert" },
	{ ND_REDIRECT, "redirect" }, { 143, "mld2-report" }, { 0, NULL },
};

static const char *lookup(const struct name *t, unsigned v)
{
	for (; t->name; t++)
		if (t->value == v)
			return t->name;
	return NULL;
}

/* Prints the extension headers of the datagram at h (len bytes in the
 * packet, len >= 40), then the upper-layer header. */
static void put_chain(struct cabo_strbuf *sb, const uint8_t *h, uint32_t len)
{
	unsigned nxt = h[IP6H_NXT];
	uint32_t off = IP6H_LEN;
	for (;;) {
		const uint8_t *e = h + off;
		int32_t elen = ip6_ext_len(nxt, e, len - off);
		if (elen < 0) {
			cabo_strbuf_puts(sb, ", truncated-ext");
			return;
		}
		if (elen == 0)
			break;
		switch (nxt) {
		case IP6_NXT_HOPOPTS: cabo_strbuf_puts(sb, ", hbh"); break;
		case IP6_NXT_DSTOPTS: cabo_strbuf_puts(sb, ", dstopts"); break;
		case IP6_NXT_AH: cabo_strbuf_puts(sb, ", ah"); break;
		case IP6_NXT_MOBILITY: cabo_strbuf_puts(sb, ", mobility"); break;
		case IP6_NXT_ROUTING:
			cabo_strbuf_printf(sb, ", routing type %u segleft %u", e[2], e[3]);
			break;
		case IP6_NXT_FRAGMENT: {
			uint16_t fo = get16(e + IP6_FRAG_OFF);
			cabo_strbuf_printf(sb, ", frag %u:%u@%u%s", get32(e + IP6_FRAG_ID),
					   len - off - IP6_FRAG_LEN, fo & IP6_FRAG_OFFMASK,
					   fo & IP6_FRAG_MF ? "+" : "");
			if (fo & IP6_FRAG_OFFMASK)
				return;   /* no upper-layer header in later fragments */
			break;
		}
		default: cabo_strbuf_printf(sb, ", ext %u", nxt); break;
		}
		nxt = e[0];
		off += (uint32_t)elen;
	}

	const uint8_t *t = h + off;
	uint32_t tlen = len - off;
	switch (nxt) {
	case IP6_NXT_TCP:
	case IP6_NXT_UDP:
		if (tlen < 4)
			cabo_strbuf_printf(sb, ", truncated-%s", nxt == IP6_NXT_TCP ? "tcp" : "udp");
		else
			cabo_strbuf_printf(sb, ", %s %u > %u", nxt == IP6_NXT_TCP ? "tcp" : "udp",
					   get16(t), get16(t + 2));
		break;
	case IP6_NXT_ICMP6: {
		if (tlen < 2) {
			cabo_strbuf_puts(sb, ", truncated-icmp6");
			break;
		}
		const char *name = lookup(icmp6_types, t[0]);
		if (name)
			cabo_strbuf_printf(sb, ", icmp6 %s", name);
		else
			cabo_strbuf_printf(sb, ", icmp6 type %u", t[0]);
		if (t[1])
			cabo_strbuf_printf(sb, " code %u", t[1]);
		break;
	}
	case IP6_NXT_ESP: cabo_strbuf_puts(sb, ", esp"); break;
	case IP6_NXT_NONE: cabo_strbuf_puts(sb, ", none"); break;
	default: cabo_strbuf_printf(sb, ", proto %u", nxt); break;
	}
}

/* ---- Lines */

static void format_packet(struct cabo_printout *po, const struct cabo_packet *p)
{
	struct ip6print *pr = (struct ip6print *)po;
	const uint8_t *ip = cabo_packet_network_header(p);
	if (!ip)
		return;
	struct cabo_strbuf *sb = &po->line;
	if (po->label && *po->label)
		cabo_strbuf_printf(sb, "%s: ", po->label);
	/* As in IPPrint, a header stripped off (in the headroom) prints too. */
	const uint8_t *end = p->data + p->length;
	if (ip > end || end - ip < IP6H_LEN) {
		cabo_strbuf_puts(sb, "truncated-ip6\n");
		return;
	}
	char src[40], dst[40];
	cabo_format_ip6(ip + IP6H_SRC, src);
	cabo_format_ip6(ip + IP6H_DST, dst);
	cabo_strbuf_printf(sb, "%s -> %s plen %u, next %u, hlim %u", src, dst,
			   get16(ip + IP6H_PLEN), ip[IP6H_NXT], ip[IP6H_HLIM]);
	if (pr->headers)
		put_chain(sb, ip, ip6_datagram_len(p, ip));
	if (pr->contents) {
		/* Click's layout: "\n  ", then a space after every 4th byte and
		 * "\n  " after every 24th. */
		static const char hex[] = "0123456789abcdef";
		cabo_strbuf_puts(sb, "\n  ");
		for (uint64_t i = 0; i < pr->nbytes && i < p->length; i++) {
			cabo_strbuf_putc(sb, hex[p->data[i] >> 4]);
			cabo_strbuf_putc(sb, hex[p->data[i] & 15]);
			if (i % 24 == 23)
				cabo_strbuf_puts(sb, "\n  ");
			else if (i % 4 == 3)
				cabo_strbuf_putc(sb, ' ');
		}
	}
	cabo_strbuf_putc(sb, '\n');
}

static const struct cabo_handler ip6print_handlers[] = {
	{ "active", cabo_read_bool_field, cabo_write_bool_field,
	  CABO_FIELD(struct ip6print, po.active), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(ip6print_class) = {
	.name = "IP6Print", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct ip6print), .configure = ip6print_configure,
	.cleanup = cabo_printout_cleanup, .push = cabo_printout_push, .pull = cabo_printout_pull,
	.handlers = ip6print_handlers, .drop_reasons = NULL,
};

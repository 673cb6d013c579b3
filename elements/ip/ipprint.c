/*
 * =c
 * IPPrint([LABEL, KEYWORDS CONTENTS, PAYLOAD, MAXLENGTH, ID, TTL, TOS, LENGTH, TIMESTAMP, PAINT, SWAP, OUTFILE, ACTIVE])
 * =s
 * pretty-prints IP packets
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Prints one line per IP packet in Click's tcpdump-like format, on standard
 * error (or OUTFILE), and passes the packet on unchanged.  The IP header is
 * the one at the packet's network header annotation (set by CheckIPHeader or
 * MarkIPHeader); packets without that annotation pass silently.  A line is
 * made of, in order:
 *
 * the LABEL and `: ' (if LABEL is not empty); the timestamp annotation and
 * `: ' (with TIMESTAMP); `paint N: ' (with PAINT); `id N ', `ttl N ',
 * `tos N ', `length N ' (with ID, TTL, TOS, LENGTH: header fields); then
 *
 * for TCP, `SRC.SPORT > DST.DPORT: FLAGS SEQ:END(SEQLEN,PLEN,IPLEN)', then
 * ` ack ACK' if the ACK flag is set, then ` win WIN'.  FLAGS is S, F, R and P
 * for SYN, FIN, RST and PUSH, or `.' for none of them; SEQLEN is the TCP
 * payload length plus one for SYN and one for FIN, END is SEQ + SEQLEN, PLEN
 * the packet length and IPLEN the IP total length;
 *
 * for UDP, `SRC.SPORT > DST.DPORT: udp ULEN' (the UDP length field);
 *
 * for ICMP, `SRC > DST: icmp echo (ID, SEQ)', `icmp echo-reply (ID, SEQ)',
 * `icmp ADDR unreachable CODE' (with ` PROTO/PORT' for port unreachables,
 * ` PROTO' for protocol unreachables, ` (mtu N)' for needfrag), or `icmp
 * TYPE CODE' with Click's names (`timeexceeded transit', `redirect host',
 * `sourcequench', ...; `type N' and ` code N' for numbers without names);
 *
 * for other protocols, `SRC > DST: ip-proto-N'.
 *
 * Headers cut short print `truncated-tcp', `truncated-udp', `truncated-icmp'
 * or `truncated-ip' where the data runs out; later fragments print just `tcp',
 * `udp' or `icmp' after the addresses.  Fragments get ` (frag ID:LEN@OFFSET)'
 * with a `+' after OFFSET when more fragments follow.  With CONTENTS or
 * PAYLOAD the data follows on indented lines.
 *
 *   1367526036.616804: 10.0.0.6.44147 > 212.199.202.9.80: S 777047405:777047406(1,60,60) win 14600
 *
 * IPPrint prints once per batch, like Print.
 * =k LABEL
 * String printed at the start of each line.  Default empty.
 * =k CONTENTS
 * `NONE' (no data), `HEX' or `ASCII': print the whole packet's data after
 * the line, 24 bytes per line in hex (grouped by 4), 48 in ASCII (grouped by
 * 8, unprintable bytes as `.').  A boolean works too (true means HEX).
 * Default NONE.
 * =k PAYLOAD
 * Like CONTENTS, but prints only the payload: the data after the TCP or UDP
 * header of a first fragment, else after the IP header.  Give at most one of
 * CONTENTS and PAYLOAD.
 * =k MAXLENGTH
 * Integer.  Most data bytes to print; -1 prints everything.  Default 1500.
 * NBYTES is a deprecated synonym.
 * =k ID
 * Boolean.  Print the IP ID field.  Default false.
 * =k TTL
 * Boolean.  Print the IP TTL field.  Default false.
 * =k TOS
 * Boolean.  Print the IP TOS field.  Default false.
 * =k LENGTH
 * Boolean.  Print the IP total length field.  Default false.
 * =k TIMESTAMP
 * Boolean.  Print the timestamp annotation, in seconds since 1970 with 6
 * decimals (9 when not a whole number of microseconds).  Default true.
 * =k PAINT
 * Boolean.  Print the paint annotation.  Default false.
 * =k SWAP
 * Boolean.  Click prints ICMP echo IDs and sequence numbers as it reads them
 * from memory, byte-swapped or not; on the little-endian hosts Cabo runs on,
 * true (the default of Click's code) prints them in network byte order, as
 * tcpdump does, and false byte-swapped.
 * =k OUTFILE
 * Filename: append the lines to this file instead of standard error.
 * =k ACTIVE
 * Boolean.  If false, print nothing.  Default true.
 * =k AGGREGATE
 * Boolean.  Cabo packets have no aggregate annotation: only false is
 * accepted.
 * =k CHANNEL
 * Word, accepted for Click compatibility and ignored (Cabo has one message
 * channel).
 * =h active read/write
 * Returns or sets ACTIVE.
 * =e
 *   FromDump(in.pcap, STOP true) -> Strip(14) -> CheckIPHeader
 *     -> IPPrint(in, TTL true) -> Discard;
 * =a
 * Print, CheckIPHeader, MarkIPHeader
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "element.h"
#include "iphdr.h"
#include "../standard/printout.h"

enum { CONTENTS_NONE, CONTENTS_HEX, CONTENTS_ASCII };

struct ipprint {
	struct cabo_printout po;     /* label, active, OUTFILE, line buffer */
	int64_t maxlength;
	unsigned contents;
	bool payload;
	bool print_id, print_ttl, print_tos, print_len, print_timestamp, print_paint;
	bool swap;
};

static void format_packet(struct cabo_printout *po, const struct cabo_packet *p);

/* ---- Click's names (IPNameInfo) */

struct name { unsigned value; const char *name; };

static const struct name icmp_types[] = {
	{ 0, "echo-reply" }, { 3, "unreachable" }, { 4, "sourcequench" }, { 5, "redirect" },
	{ 8, "echo" }, { 9, "routeradvert" }, { 10, "routersolicit" }, { 11, "timeexceeded" },
	{ 12, "parameterproblem" }, { 13, "timestamp" }, { 14, "timestamp-reply" },
	{ 15, "inforeq" }, { 16, "inforeq-reply" }, { 17, "maskreq" }, { 18, "maskreq-reply" },
	{ 0, NULL },
};
static const struct name unreach_codes[] = {
	{ 0, "net" }, { 1, "host" }, { 2, "protocol" }, { 3, "port" }, { 4, "needfrag" },
	{ 5, "srcroutefail" }, { 6, "netunknown" }, { 7, "hostunknown" }, { 8, "isolated" },
	{ 9, "netprohibited" }, { 10, "hostprohibited" }, { 11, "tosnet" }, { 12, "toshost" },
	{ 13, "filterprohibited" }, { 14, "hostprecedence" }, { 15, "precedencecutoff" },
	{ 0, NULL },
};
static const struct name redirect_codes[] = {
	{ 0, "net" }, { 1, "host" }, { 2, "tosnet" }, { 3, "toshost" }, { 0, NULL },
};
static const struct name timxceed_codes[] = { { 0, "transit" }, { 1, "reassembly" }, { 0, NULL } };
static const struct name paramprob_codes[] = {
	{ 0, "erroratptr" }, { 1, "missingopt" }, { 2, "length" }, { 0, NULL },
};
static const struct name ip_protos[] = {
	{ IP_PROTO_ICMP, "icmp" }, { IP_PROTO_IGMP, "igmp" }, { IP_PROTO_IPIP, "ipip" },
	{ IP_PROTO_TCP, "tcp" }, { IP_PROTO_UDP, "udp" }, { 0, NULL },
};

static const char *lookup(const struct name *t, unsigned v)
{
	for (; t && t->name; t++)
		if (t->value == v)
			return t->name;
	return NULL;
}

static const struct name *icmp_codes(unsigned type)
{
	switch (type) {
	case 3: return unreach_codes;
	case 5: return redirect_codes;
	case 11: return timxceed_codes;
	case 12: return paramprob_codes;
	default: return NULL;
	}
}

/* ---- Configuration */

static bool parse_contents(const char *s, unsigned *out)
{
	bool b;
	if (cabo_parse_bool(s, &b))
		*out = b ? CONTENTS_HEX : CONTENTS_NONE;
	else if (strcasecmp(s, "none") == 0)
		*out = CONTENTS_NONE;
	else if (strcasecmp(s, "hex") == 0)
		*out = CONTENTS_HEX;
	else if (strcasecmp(s, "ascii") == 0)
		*out = CONTENTS_ASCII;
	else
		return false;
	return true;
}

static int ipprint_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct ipprint *p = (struct ipprint *)e;
	char *contents = NULL, *payload = NULL, *channel = NULL;
	bool aggregate = false;
	p->maxlength = 1500;
	p->po.format = format_packet;
	p->print_timestamp = p->swap = p->po.active = true;
	cabo_args_read_string(a, "LABEL", CABO_ARG_POSITIONAL, &p->po.label);
	cabo_args_read_word(a, "CONTENTS", 0, &contents);
	cabo_args_read_word(a, "PAYLOAD", 0, &payload);
	cabo_args_read_int(a, "MAXLENGTH", 0, &p->maxlength);
	cabo_args_read_int(a, "NBYTES", 0, &p->maxlength);
	cabo_args_read_bool(a, "ID", 0, &p->print_id);
	cabo_args_read_bool(a, "TIMESTAMP", 0, &p->print_timestamp);
	cabo_args_read_bool(a, "PAINT", 0, &p->print_paint);
	cabo_args_read_bool(a, "TOS", 0, &p->print_tos);
	cabo_args_read_bool(a, "TTL", 0, &p->print_ttl);
	cabo_args_read_bool(a, "SWAP", 0, &p->swap);
	cabo_args_read_bool(a, "LENGTH", 0, &p->print_len);
	cabo_args_read_bool(a, "AGGREGATE", 0, &aggregate);
	cabo_args_read_bool(a, "ACTIVE", 0, &p->po.active);
	cabo_args_read_string(a, "OUTFILE", 0, &p->po.outfilename);
	cabo_args_read_word(a, "CHANNEL", 0, &channel);
	int r = cabo_args_complete(a);
	unsigned pc = CONTENTS_NONE;
	if (r < 0)
		;
	else if (contents && !parse_contents(contents, &p->contents))
		r = cabo_errh_error(a->errh, "bad contents value '%s'; should be 'NONE', 'HEX', or 'ASCII'",
				    contents);
	else if (payload && !parse_contents(payload, &pc))
		r = cabo_errh_error(a->errh, "bad payload value '%s'; should be 'false', 'hex', or 'ascii'",
				    payload);
	else if (pc && p->contents)
		r = cabo_errh_error(a->errh, "specify at most one of PAYLOAD and CONTENTS");
	else if (aggregate)
		r = cabo_errh_error(a->errh, "AGGREGATE: Cabo packets have no aggregate annotation");
	if (pc) {
		p->contents = pc;
		p->payload = true;
	}
	free(contents);
	free(payload);
	free(channel);
	return r;
}

/* ---- Lines */

/* One packet's view: the IP header, its fields, and the transport header
 * with the bytes of it that are both in the packet and in the IP payload. */
struct view {
	const struct cabo_packet *p;
	const uint8_t *ip;
	const uint8_t *th;          /* may equal the end of the data */
	int64_t tlen;               /* transport bytes available; may be < 0 */
	int ip_len;
	int payload_len;
	bool first_frag;
};

static void put_addr_str(struct cabo_strbuf *sb, const uint8_t *a)
{
	char buf[16];
	cabo_format_ip4(get_addr(a), buf);
	cabo_strbuf_puts(sb, buf);
}

static void address_pair(struct cabo_strbuf *sb, const struct view *v)
{
	put_addr_str(sb, v->ip + IPH_SRC);
	cabo_strbuf_puts(sb, " > ");
	put_addr_str(sb, v->ip + IPH_DST);
}

static void ports_pair(struct cabo_strbuf *sb, const struct view *v)
{
	put_addr_str(sb, v->ip + IPH_SRC);
	cabo_strbuf_printf(sb, ".%u > ", get16(v->th));
	put_addr_str(sb, v->ip + IPH_DST);
	cabo_strbuf_printf(sb, ".%u: ", get16(v->th + 2));
}

static void tcp_line(struct cabo_strbuf *sb, const struct view *v)
{
	const uint8_t *th = v->th;
	if (v->tlen < 4 || !v->first_frag) {
		address_pair(sb, v);
		cabo_strbuf_puts(sb, v->first_frag ? ": truncated-tcp" : ": tcp");
		return;
	}
	ports_pair(sb, v);
	if (v->tlen < 14) {
		cabo_strbuf_puts(sb, "truncated-tcp");
		return;
	}
	uint8_t flags = th[13];
	int seqlen = v->ip_len - ((v->ip[0] & 15) << 2) - ((th[12] >> 4) << 2);
	if (flags & 0x02) {
		cabo_strbuf_putc(sb, 'S');
		seqlen++;
	}
	if (flags & 0x01) {
		cabo_strbuf_putc(sb, 'F');
		seqlen++;
	}
	if (flags & 0x04)
		cabo_strbuf_putc(sb, 'R');
	if (flags & 0x08)
		cabo_strbuf_putc(sb, 'P');
	if (!(flags & 0x0f))
		cabo_strbuf_putc(sb, '.');
	uint32_t seq = get32(th + 4);
	cabo_strbuf_printf(sb, " %u:%u(%d,%u,%d)", seq, seq + (uint32_t)seqlen, seqlen,
			   v->p->length, v->ip_len);
	if (flags & 0x10)
		cabo_strbuf_printf(sb, " ack %u", get32(th + 8));
	if (v->tlen < 16)
		cabo_strbuf_puts(sb, "truncated-tcp");
	else
		cabo_strbuf_printf(sb, " win %u", get16(th + 14));
}

static void udp_line(struct cabo_strbuf *sb, const struct view *v)
{
	if (v->tlen < 4 || !v->first_frag) {
		address_pair(sb, v);
		cabo_strbuf_puts(sb, v->first_frag ? ": truncated-udp" : ": udp");
		return;
	}
	ports_pair(sb, v);
	if (v->tlen < 8)
		cabo_strbuf_puts(sb, "truncated-udp");
	else
		cabo_strbuf_printf(sb, "udp %u", get16(v->th + 4));
}

static void proto_name(struct cabo_strbuf *sb, unsigned proto, bool prepend)
{
	const char *s = lookup(ip_protos, proto);
	if (s)
		cabo_strbuf_puts(sb, s);
	else
		cabo_strbuf_printf(sb, prepend ? "protocol %u" : "%u", proto);
}

/* Echo ID and sequence: Click prints the 16-bit field as loaded from memory
 * on a little-endian host, swapped back to network order with SWAP. */
static unsigned echo_field(const struct ipprint *pr, const uint8_t *f)
{
	uint16_t v = get16(f);
	return pr->swap ? v : (uint16_t)(v >> 8 | v << 8);
}

/* Returns false when the header is cut short ("truncated-icmp" follows). */
static bool icmp_body(const struct ipprint *pr, struct cabo_strbuf *sb, const struct view *v)
{
	const uint8_t *ih = v->th;
	if (v->tlen < 2)
		return false;
	unsigned type = ih[0], code = ih[1];
	const char *cname = lookup(icmp_codes(type), code);
	if (type == 0 || type == 8) {
		cabo_strbuf_puts(sb, type ? "icmp echo " : "icmp echo-reply ");
		if (v->tlen < 8)
			return false;
		cabo_strbuf_printf(sb, "(%u, %u)", echo_field(pr, ih + 4), echo_field(pr, ih + 6));
		return true;
	}
	if (type == 3) {
		char num[24];
		if (!cname) {
			snprintf(num, sizeof num, "code %u", code);
			cname = num;
		}
		const uint8_t *eip = ih + 8;
		int64_t elen = v->tlen - 8;
		if (elen < IPH_MIN) {
			cabo_strbuf_printf(sb, "icmp unreachable %s ", cname);
			return false;
		}
		int64_t ehlen = (eip[0] & 15) << 2;
		cabo_strbuf_puts(sb, "icmp ");
		put_addr_str(sb, eip + IPH_DST);
		cabo_strbuf_printf(sb, " unreachable %s", cname);
		if (code == 2) {
			cabo_strbuf_putc(sb, ' ');
			proto_name(sb, eip[IPH_PROTO], false);
		} else if (code == 3) {
			cabo_strbuf_putc(sb, ' ');
			proto_name(sb, eip[IPH_PROTO], true);
			if (elen - ehlen < 4)
				return false;
			cabo_strbuf_printf(sb, "/%u", get16(eip + ehlen + 2));
		} else if (code == 4 && get16(ih + 6))
			cabo_strbuf_printf(sb, " (mtu %u)", get16(ih + 6));
		return true;
	}
	const char *tname = lookup(icmp_types, type);
	if (tname)
		cabo_strbuf_printf(sb, "icmp %s", tname);
	else
		cabo_strbuf_printf(sb, "icmp type %u", type);
	if (cname)
		cabo_strbuf_printf(sb, " %s", cname);
	else if (code)
		cabo_strbuf_printf(sb, " code %u", code);
	return true;
}

static void icmp_line(const struct ipprint *pr, struct cabo_strbuf *sb, const struct view *v)
{
	address_pair(sb, v);
	cabo_strbuf_puts(sb, ": ");
	if (!v->first_frag)
		cabo_strbuf_puts(sb, "icmp");
	else if (!icmp_body(pr, sb, v))
		cabo_strbuf_puts(sb, "truncated-icmp");
}

static void put_data(const struct ipprint *pr, struct cabo_strbuf *sb, const struct view *v)
{
	static const char hex[] = "0123456789abcdef";
	const struct cabo_packet *p = v->p;
	const uint8_t *end = p->data + p->length, *d = p->data;
	if (pr->payload) {
		d = v->th;
		if (v->first_frag && v->ip[IPH_PROTO] == IP_PROTO_TCP)
			d = v->tlen >= 13 ? d + ((v->th[12] >> 4) << 2) : end;
		else if (v->first_frag && v->ip[IPH_PROTO] == IP_PROTO_UDP)
			d += 8;
	}
	int64_t bytes = d >= end ? 0 : end - d;
	if (pr->maxlength >= 0 && bytes > pr->maxlength)
		bytes = pr->maxlength;
	for (int64_t i = 0; i < bytes; i++) {
		if (pr->contents == CONTENTS_HEX) {
			if (i % 24 == 0)
				cabo_strbuf_puts(sb, "\n  ");
			else if (i % 4 == 0)
				cabo_strbuf_putc(sb, ' ');
			cabo_strbuf_putc(sb, hex[d[i] >> 4]);
			cabo_strbuf_putc(sb, hex[d[i] & 15]);
		} else {
			if (i % 48 == 0)
				cabo_strbuf_puts(sb, "\n  ");
			else if (i % 8 == 0)
				cabo_strbuf_putc(sb, ' ');
			cabo_strbuf_putc(sb, d[i] < 32 || d[i] > 126 ? '.' : (char)d[i]);
		}
	}
}

/* Appends p's line (newline included) to the buffer; nothing if p has no
 * network header annotation. */
static void format_packet(struct cabo_printout *po, const struct cabo_packet *p)
{
	struct ipprint *pr = (struct ipprint *)po;
	const uint8_t *ip = cabo_packet_network_header(p);
	if (!ip)
		return;
	struct cabo_strbuf *sb = &po->line;
	if (po->label && *po->label)
		cabo_strbuf_printf(sb, "%s: ", po->label);
	if (pr->print_timestamp) {
		cabo_printout_timestamp(sb, p->anno.timestamp_ns);
		cabo_strbuf_puts(sb, ": ");
	}
	if (pr->print_paint)
		cabo_strbuf_printf(sb, "paint %u: ", p->anno.paint);

	/* As in Click, a header stripped off (before the data, still in the
	 * headroom) is printed too. */
	const uint8_t *end = p->data + p->length;
	if (ip > end || end - ip < IPH_MIN) {
		cabo_strbuf_puts(sb, "truncated-ip\n");
		return;
	}
	struct view v = { .p = p, .ip = ip };
	v.ip_len = get16(ip + IPH_LEN);
	v.payload_len = v.ip_len - ((ip[0] & 15) << 2);
	v.first_frag = (get16(ip + IPH_OFF) & IP_OFFMASK) == 0;
	int64_t t = ip_transport_offset(p, ip);
	int64_t lo = ip - p->buffer, hi = end - p->buffer;
	t = t < lo ? lo : t > hi ? hi : t;
	v.th = p->buffer + t;
	v.tlen = hi - t;
	if (v.tlen > v.payload_len)
		v.tlen = v.payload_len;

	if (pr->print_id)
		cabo_strbuf_printf(sb, "id %u ", get16(ip + IPH_ID));
	if (pr->print_ttl)
		cabo_strbuf_printf(sb, "ttl %u ", ip[IPH_TTL]);
	if (pr->print_tos)
		cabo_strbuf_printf(sb, "tos %u ", ip[IPH_TOS]);
	if (pr->print_len)
		cabo_strbuf_printf(sb, "length %d ", v.ip_len);

	switch (ip[IPH_PROTO]) {
	case IP_PROTO_TCP:
		tcp_line(sb, &v);
		break;
	case IP_PROTO_UDP:
		udp_line(sb, &v);
		break;
	case IP_PROTO_ICMP:
		icmp_line(pr, sb, &v);
		break;
	default:
		address_pair(sb, &v);
		cabo_strbuf_printf(sb, ": ip-proto-%u", ip[IPH_PROTO]);
		break;
	}
	uint16_t off = get16(ip + IPH_OFF);
	if (off & (IP_MF | IP_OFFMASK))
		cabo_strbuf_printf(sb, " (frag %u:%d@%u%s)", get16(ip + IPH_ID), v.payload_len,
				   (off & IP_OFFMASK) << 3, off & IP_MF ? "+" : "");
	if (pr->contents != CONTENTS_NONE)
		put_data(pr, sb, &v);
	cabo_strbuf_putc(sb, '\n');
}

static const struct cabo_handler ipprint_handlers[] = {
	{ "active", cabo_read_bool_field, cabo_write_bool_field,
	  CABO_FIELD(struct ipprint, po.active), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(ipprint_class) = {
	.name = "IPPrint", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct ipprint), .configure = ipprint_configure,
	.initialize = cabo_printout_initialize, .cleanup = cabo_printout_cleanup,
	.push = cabo_printout_push, .pull = cabo_printout_pull, .handlers = ipprint_handlers,
};

/*
 * =c
 * ICMP6Error(SRC, TYPE [, CODE, BADADDRS, KEYWORDS PMTU, SET_FIX_ANNO, RATE, BURST])
 * =s
 * generates ICMPv6 error packets
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Answers each incoming IPv6 packet with a new ICMPv6 error message (RFC
 * 4443) of type TYPE and code CODE, emitted in its place (the incoming
 * packet is consumed).  The error is an IPv6 packet from SRC to the incoming
 * packet's source address, with hop limit 255; its ICMPv6 payload quotes the
 * invoking datagram from its IPv6 header on, as much of it as fits without
 * the error exceeding the IPv6 minimum MTU of 1280 bytes (RFC 4443 2.4(c)).
 * The ICMPv6 checksum covers the IPv6 pseudo-header.  Incoming packets need
 * their network header annotation (set by CheckIP6Header or MarkIP6Header).
 *
 * TYPE and CODE are numbers from 0 to 255 or names; CODE defaults to 0 (it
 * is mandatory in Click).  TYPE must be an error type or a redirect:
 * `unreachable' (1), `packettoobig' (2), `timeexceeded' (3),
 * `parameterproblem' (4) or `redirect' (137).  CODE names depend on the
 * type: `noroute' (0), `adminprohibited' (1), `beyondscope' (2), `addr' (3),
 * `port' (4), `srcaddrfailed' (5) and `rejectroute' (6) for `unreachable';
 * `transit' (0) and `reassembly' (1) for `timeexceeded'; `header' (0),
 * `nextheader' (1) and `option' (2) for `parameterproblem'.
 *
 * Type-specific fields: `packettoobig' carries the next-hop MTU given by
 * PMTU; `parameterproblem' carries the pointer to the offending byte
 * (counted from the start of the quoted IPv6 header), taken from the
 * packet's parameter-problem annotation (user annotation byte 1, Click's
 * ICMP_PARAMPROB_ANNO; so at most 255).  A `redirect' (RFC 4861 4.5) carries
 * the target address, the better first hop, from the packet's destination
 * address annotation, the destination address of the invoking packet, and a
 * Redirected Header option holding as much of the invoking packet as fits in
 * 1280 bytes.
 *
 * As RFC 4443 2.4(e) requires, ICMP6Error never answers, and drops (counted
 * by reason, see drop_reasons): (e.1, e.2) an ICMPv6 error message or
 * redirect, or an ICMPv6 packet too short to tell (the extension headers are
 * walked to find the ICMPv6 header; a fragment other than the first has
 * none, and is answered); (e.3) a packet to a multicast address, and (e.4,
 * e.5) a packet that arrived as a link-level broadcast or multicast (packet
 * type annotation, set by HostEtherFilter), except for `packettoobig' errors
 * and for `parameterproblem' code 2 when the pointer designates an option
 * whose type has high-order bits 10; (e.6) a packet whose source address
 * does not identify a single node: the unspecified address ::, a multicast
 * address, the loopback address ::1, or one of BADADDRS (list known anycast
 * addresses there).
 *
 * The error's annotations are cleared, except the virtual node and input
 * port, which it keeps from the incoming packet; its destination address
 * annotation is the incoming packet's source, its timestamp is the current
 * time, its network and transport header annotations point at its IPv6 and
 * ICMPv6 headers, and (unless SET_FIX_ANNO is false) its Fix IP Source
 * annotation is set, as in Click.  The output of ICMP6Error should go to the
 * routing lookup, as if the error came in on an interface.
 *
 * Rate limiting (RFC 4443 2.4(f); not in Click): with RATE, a token bucket
 * allows at most RATE errors per second on average, in bursts of at most
 * BURST.  Packets that would exceed it are dropped (reason `rate limited').
 * The bucket runs on the router's clock, simulated time under `cabo
 * --simtime'.
 * =k SRC
 * IPv6 address.  The source address of the errors.  Mandatory.
 * =k TYPE
 * ICMPv6 error type, a number or name (see above).  Mandatory.
 * =k CODE
 * ICMPv6 code, a number from 0 to 255 or a name for TYPE.  Default 0.
 * =k BADADDRS
 * Space-separated list of IPv6 addresses (anycast addresses, say): packets
 * from one of them get no error.  Default empty.
 * =k PMTU
 * Unsigned integer from 1280 to 4294967295.  The next-hop MTU reported in
 * `packettoobig' errors.  Default 1280.
 * =k SET_FIX_ANNO
 * Boolean.  If false, do not set the Fix IP Source annotation on errors.
 * Default true.
 * =k RATE
 * Real number, errors per second: the average rate allowed.  0 means no
 * limit.  Default 0 (Click's behaviour).
 * =k BURST
 * Unsigned integer: the most errors sent at once after a quiet time.
 * Default RATE rounded up (one second's worth), at least 1.
 * =h src read/write
 * Returns or sets SRC.
 * =h pmtu read/write
 * Returns or sets PMTU.
 * =h rate read/write
 * Returns or sets RATE (the bucket starts full again when set).
 * =h count read
 * Returns the number of errors generated.
 * =e
 * Time Exceeded errors for expired packets, at most 100 a second:
 *
 *   dh :: DecIP6HLIM;
 *   dh[1] -> ICMP6Error(2001:db8::1, timeexceeded, transit, RATE 100) -> rt;
 * =a
 * DecIP6HLIM, CheckIP6Header, ICMPError
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../ip/icmperr.h"
#include "element.h"
#include "ip6hdr.h"

enum {
	ERROR_HLIM = 255,
	REDIRECT_HLEN = ICMP6_HLEN + 2 * IP6_ALEN,   /* header, target, destination */
	REDIRECTED_OPT_HLEN = 8,
};

enum { NO_HEADER, ICMP6_ERROR, MCAST_DST, LINK_BCAST, BAD_SRC, RATE_LIMITED, NO_BUFFER };

static const char *const icmp6error_drop_reasons[] = {
	"no IP6 header", "ICMP6 error", "multicast destination", "link broadcast",
	"bad source address", "rate limited", "no buffer", NULL,
};

struct icmp6error {
	struct cabo_element e;
	uint8_t src[IP6_ALEN];
	uint8_t type, code;
	bool fix_anno;
	uint32_t pmtu;
	uint8_t (*bad)[IP6_ALEN];   /* BADADDRS */
	unsigned nbad;
	struct icmperr_limit limit;
	uint64_t count;
};

/* ---- Names */

static const struct icmperr_name type_names[] = {
	{ "unreachable", ICMP6_UNREACH }, { "packettoobig", ICMP6_PKTTOOBIG },
	{ "timeexceeded", ICMP6_TIMXCEED }, { "parameterproblem", ICMP6_PARAMPROB },
	{ "redirect", ND_REDIRECT }, { NULL, 0 },
};
static const struct icmperr_name unreach_codes[] = {
	{ "noroute", 0 }, { "adminprohibited", 1 }, { "beyondscope", 2 }, { "addr", 3 },
	{ "port", 4 }, { "srcaddrfailed", 5 }, { "rejectroute", 6 }, { NULL, 0 },
};
static const struct icmperr_name timxceed_codes[] = { { "transit", 0 }, { "reassembly", 1 }, { NULL, 0 } };
static const struct icmperr_name paramprob_codes[] = {
	{ "header", 0 }, { "nextheader", 1 }, { "option", 2 }, { NULL, 0 },
};

static const struct icmperr_name *code_names(unsigned type)
{
	switch (type) {
	case ICMP6_UNREACH: return unreach_codes;
	case ICMP6_TIMXCEED: return timxceed_codes;
	case ICMP6_PARAMPROB: return paramprob_codes;
	default: return NULL;
	}
}

static bool is_error_type(unsigned type)
{
	return type >= ICMP6_UNREACH && type <= ICMP6_PARAMPROB;
}

/* ---- Configuration */

static bool parse_addr(const char *w, void *addr)
{
	return cabo_parse_ip6(w, addr);
}

static bool parse_addrs(const char *s, struct icmp6error *c)
{
	void *bad;
	bool ok = icmperr_parse_addrs(s, IP6_ALEN, parse_addr, &bad, &c->nbad);
	c->bad = bad;
	return ok;
}

static int icmp6error_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct icmp6error *c = (struct icmp6error *)e;
	char *type_s = NULL, *code_s = NULL, *bad = NULL;
	uint64_t pmtu = IP6_MIN_MTU, burst = 0;
	double rate = 0;
	bool fix = true;
	cabo_args_read_ip6(a, "SRC", CABO_ARG_MP, c->src);
	cabo_args_read_word(a, "TYPE", CABO_ARG_MP, &type_s);
	cabo_args_read_word(a, "CODE", CABO_ARG_POSITIONAL, &code_s);
	cabo_args_read_raw(a, "BADADDRS", CABO_ARG_POSITIONAL, &bad);
	cabo_args_read_uint(a, "PMTU", 0, &pmtu);
	cabo_args_read_bool(a, "SET_FIX_ANNO", 0, &fix);
	cabo_args_read_double(a, "RATE", 0, &rate);
	bool have_burst = cabo_args_read_uint(a, "BURST", 0, &burst);
	int r = cabo_args_complete(a);
	unsigned type = 0, code = 0;
	if (r < 0)
		;
	else if (!icmperr_lookup(type_names, type_s, &type))
		r = cabo_errh_error(a->errh, "TYPE: expected ICMP6 type (integer between 0 and 255 or name)");
	else if (!is_error_type(type) && type != ND_REDIRECT)
		r = cabo_errh_error(a->errh, "ICMP6 type %u is not an error or redirect type", type);
	else if (code_s && !icmperr_lookup(code_names(type), code_s, &code))
		r = cabo_errh_error(a->errh, "CODE: expected ICMP6 code for type %u (integer between 0 and 255 or name)", type);
	else if (bad && !parse_addrs(bad, c))
		r = cabo_errh_error(a->errh, "BADADDRS: expected list of IPv6 addresses");
	else if (pmtu < IP6_MIN_MTU || pmtu > UINT32_MAX)
		r = cabo_errh_error(a->errh, "PMTU: must be between %d and %u", IP6_MIN_MTU, UINT32_MAX);
	else
		r = icmperr_limit_configure(&c->limit, rate, have_burst, burst, a->errh);
	free(type_s);
	free(code_s);
	free(bad);
	if (r < 0)
		return r;
	c->type = (uint8_t)type;
	c->code = (uint8_t)code;
	c->pmtu = (uint32_t)pmtu;
	c->fix_anno = fix;
	return 0;
}

static void icmp6error_cleanup(struct cabo_element *e)
{
	struct icmp6error *c = (struct icmp6error *)e;
	free(c->bad);
	c->bad = NULL;
}

/* ---- Checks (RFC 4443 2.4(e)) */

/* A source that identifies a single node (e.6). */
static bool valid_source(const struct icmp6error *c, const uint8_t *a)
{
	if (ip6_is_unspecified(a) || ip6_is_multicast(a) || ip6_is_loopback(a))
		return false;
	for (unsigned i = 0; i < c->nbad; i++)
		if (memcmp(a, c->bad[i], IP6_ALEN) == 0)
			return false;
	return true;
}

/* The exceptions of e.3 to e.5: Packet Too Big, and Parameter Problem code 2
 * about an option whose type has high-order bits 10 (RFC 8200 4.2). */
static bool multicast_allowed(const struct icmp6error *c, const struct cabo_packet *p,
			      const uint8_t *h, uint32_t dlen)
{
	if (c->type == ICMP6_PKTTOOBIG)
		return true;
	if (c->type != ICMP6_PARAMPROB || c->code != ICMP6_PARAMPROB_OPTION)
		return false;
	uint32_t ptr = p->anno.user[CABO_ANNO_PARAM_OFF];
	return ptr >= IP6H_LEN && ptr < dlen && (h[ptr] >> 6) == 2;
}

/* Returns a drop reason, or -1 if p deserves an error. */
static int check(const struct icmp6error *c, const struct cabo_packet *p, const uint8_t *h,
		 uint32_t dlen)
{
	struct ip6_chain ch;
	ip6_walk(h, dlen, &ch);
	if (ch.proto == IP6_NXT_ICMP6 && !ch.truncated
	    && (ch.offset >= dlen || h[ch.offset] < ICMP6_INFO_MIN || h[ch.offset] == ND_REDIRECT))
		return ICMP6_ERROR;
	bool exempt = multicast_allowed(c, p, h, dlen);
	if (ip6_is_multicast(h + IP6H_DST) && !exempt)
		return MCAST_DST;
	if ((p->anno.packet_type == CABO_PACKET_BROADCAST
	     || p->anno.packet_type == CABO_PACKET_MULTICAST) && !exempt)
		return LINK_BCAST;
	if (!valid_source(c, h + IP6H_SRC))
		return BAD_SRC;
	return -1;
}

/* ---- Building the error */

static struct cabo_packet *make_error(struct icmp6error *c, const struct cabo_packet *p,
				      const uint8_t *h, uint32_t dlen)
{
	bool redirect = c->type == ND_REDIRECT;
	uint32_t head = redirect ? REDIRECT_HLEN + REDIRECTED_OPT_HLEN : ICMP6_HLEN;
	uint32_t quote = IP6_MIN_MTU - IP6H_LEN - head;
	if (quote > dlen)
		quote = dlen;
	uint32_t pad = redirect ? (8 - quote % 8) % 8 : 0;   /* options are 8-byte units */
	uint32_t plen = head + quote + pad;
	struct cabo_packet *q = cabo_packet_alloc(cabo_element_pool(&c->e), IP6H_LEN + plen);
	if (!q)
		return NULL;

	uint8_t *ip = q->data, *icmp = ip + IP6H_LEN;
	ip6_fill_header(ip, (uint16_t)plen, IP6_NXT_ICMP6, ERROR_HLIM, c->src, h + IP6H_SRC);
	memset(icmp, 0, head);
	icmp[0] = c->type;
	icmp[1] = c->code;
	if (c->type == ICMP6_PKTTOOBIG) {
		icmp[4] = (uint8_t)(c->pmtu >> 24);
		icmp[5] = (uint8_t)(c->pmtu >> 16);
		icmp[6] = (uint8_t)(c->pmtu >> 8);
		icmp[7] = (uint8_t)c->pmtu;
	} else if (c->type == ICMP6_PARAMPROB) {
		icmp[7] = p->anno.user[CABO_ANNO_PARAM_OFF];
	} else if (redirect) {
		memcpy(icmp + ICMP6_HLEN, p->anno.dst.ip6, IP6_ALEN);
		memcpy(icmp + ICMP6_HLEN + IP6_ALEN, h + IP6H_DST, IP6_ALEN);
		uint8_t *opt = icmp + REDIRECT_HLEN;
		opt[0] = ND_OPT_REDIRECTED;
		opt[1] = (uint8_t)((REDIRECTED_OPT_HLEN + quote + pad) / 8);
	}
	memcpy(icmp + head, h, quote);
	memset(icmp + head + quote, 0, pad);
	put16(icmp + ICMP6_SUM, ip6_upper_cksum(ip + IP6H_SRC, ip + IP6H_DST, IP6_NXT_ICMP6,
						icmp, plen));

	q->anno.vnode = p->anno.vnode;
	q->anno.input_port = p->anno.input_port;
	memcpy(q->anno.dst.ip6, h + IP6H_SRC, IP6_ALEN);
	q->anno.timestamp_ns = cabo_element_now(&c->e);
	if (c->fix_anno)
		q->anno.user[CABO_ANNO_FIX_IP_SRC] = 1;
	cabo_packet_set_network_header(q, ip);
	cabo_packet_set_transport_header(q, icmp);
	return q;
}

static struct cabo_packet *icmp6error_simple_action(struct cabo_element *e, struct cabo_packet *p)
{
	struct icmp6error *c = (struct icmp6error *)e;
	const uint8_t *h = ip6_header(p);
	uint32_t dlen = h ? ip6_datagram_len(p, h) : 0;
	int reason = h ? check(c, p, h, dlen) : NO_HEADER;
	if (!icmperr_admit(e, &c->limit, p, reason, RATE_LIMITED))
		return NULL;
	return icmperr_answer(e, p, make_error(c, p, h, dlen), NO_BUFFER, &c->count);
}

/* ---- Handlers */

static int read_src(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	char buf[40];
	cabo_format_ip6(((struct icmp6error *)e)->src, buf);
	cabo_strbuf_puts(out, buf);
	return 0;
}

static int write_src(struct cabo_element *e, const char *value, const void *arg,
		     struct cabo_errh *errh)
{
	char buf[64];
	uint8_t a[IP6_ALEN];
	if (!cabo_copy_trimmed(value, buf, sizeof buf) || !cabo_parse_ip6(buf, a))
		return cabo_errh_error(errh, "expected IPv6 address");
	memcpy(((struct icmp6error *)e)->src, a, IP6_ALEN);
	return 0;
}

static int write_pmtu(struct cabo_element *e, const char *value, const void *arg,
		      struct cabo_errh *errh)
{
	char buf[32];
	uint64_t v;
	if (!cabo_copy_trimmed(value, buf, sizeof buf) || !cabo_parse_uint(buf, &v) || v < IP6_MIN_MTU
	    || v > UINT32_MAX)
		return cabo_errh_error(errh, "expected integer between %d and %u", IP6_MIN_MTU,
				       UINT32_MAX);
	((struct icmp6error *)e)->pmtu = (uint32_t)v;
	return 0;
}

static int write_rate(struct cabo_element *e, const char *value, const void *arg,
		      struct cabo_errh *errh)
{
	char buf[64];
	return icmperr_set_rate(&((struct icmp6error *)e)->limit,
				cabo_copy_trimmed(value, buf, sizeof buf) ? buf : NULL, errh);
}

static const struct cabo_handler icmp6error_handlers[] = {
	{ "src", read_src, write_src, NULL, 0 },
	{ "pmtu", cabo_read_u32_field, write_pmtu, CABO_FIELD(struct icmp6error, pmtu), 0 },
	{ "rate", icmperr_read_rate, write_rate, CABO_FIELD(struct icmp6error, limit), 0 },
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct icmp6error, count), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(icmp6error_class) = {
	.name = "ICMP6Error", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct icmp6error), .configure = icmp6error_configure,
	.cleanup = icmp6error_cleanup, .simple_action = icmp6error_simple_action,
	.handlers = icmp6error_handlers, .drop_reasons = icmp6error_drop_reasons,
};

/*
 * =c
 * ICMPError(SRC, TYPE [, CODE, BADADDRS, KEYWORDS MTU, PMTU, SET_FIX_ANNO, RATE, BURST])
 * =s
 * generates ICMP error packets
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Answers each incoming IP packet with a new ICMP error message of type TYPE
 * and code CODE, emitted in its place (the incoming packet is consumed).
 * The error is an IP packet from SRC to the incoming packet's source
 * address; its ICMP payload quotes the incoming datagram from its IP header
 * on: as much of it as fits in MTU bytes (576 by default, RFC 1812 4.3.2.3),
 * and never less than the whole IP header and the first 8 bytes of data
 * (RFC 792).  Incoming packets need their network header annotation (set by
 * CheckIPHeader or MarkIPHeader, for example).
 *
 * TYPE and CODE are numbers from 0 to 255 or names; CODE defaults to 0.
 * TYPE must be an error type: `unreachable' (3), `sourcequench' (4),
 * `redirect' (5), `timeexceeded' (11) or `parameterproblem' (12).  CODE
 * names depend on the type: `net' (0), `host' (1), `protocol' (2), `port'
 * (3), `needfrag' (4) and `srcroutefail' (5) for `unreachable'; `net' (0),
 * `host' (1), `tosnet' (2) and `toshost' (3) for `redirect'; `transit' (0)
 * and `reassembly' (1) for `timeexceeded'; `erroratptr' (0), `missingopt'
 * (1) and `length' (2) for `parameterproblem'.
 *
 * Type-specific fields (bytes 4 to 7 of the ICMP header):
 *
 * `parameterproblem' with code `erroratptr' carries the pointer to the
 * offending byte (counted from the start of the quoted IP header), taken
 * from the packet's parameter-problem annotation: user annotation byte 1
 * (Click's ICMP_PARAMPROB_ANNO, annotation byte 17).  IPGWOptions sets it.
 *
 * `unreachable' with code `needfrag' carries the next-hop MTU given by PMTU
 * (RFC 1191 Path MTU Discovery).  Connect IPFragmenter's second output, which
 * takes too-large packets with the Don't Fragment flag, to such an
 * ICMPError, with PMTU the fragmenter's MTU.
 *
 * `redirect' carries the gateway address taken from the packet's destination
 * address annotation.  RFC 1812 says routers should only send code 1
 * (`host').
 *
 * As RFC 1812 4.3.2.7 requires, ICMPError never answers (and drops, counted
 * by reason, see drop_reasons): an ICMP error message (or an ICMP packet too
 * short to tell); a packet to the limited broadcast address, a multicast
 * address or one of BADADDRS; a packet that arrived as a link-level broadcast
 * or multicast (packet type annotation, set by HostEtherFilter); a packet
 * whose source is not a valid unicast host address (0.0.0.0/8,
 * 127.0.0.0/8, multicast, 240.0.0.0/4 including 255.255.255.255, or one of
 * BADADDRS); a fragment other than the first.  It never sends a redirect
 * about a packet that carries a source route option (RFC 1812 5.2.7.2).
 * ICMPError cannot tell directed broadcast addresses by itself: list them in
 * BADADDRS.
 *
 * The error's IP header has no options, TTL 200 (as in Click), an
 * identification counting up from 1 per element, and TOS 0xc0 (precedence
 * 6, internetwork control, as RFC 1812 4.3.2.5 recommends; Click uses 0);
 * for `sourcequench' the precedence of the incoming packet is kept instead.
 * Both checksums are set.  The error's annotations are cleared, except the
 * virtual node and input port, which it keeps from the incoming packet; its
 * destination address annotation is the incoming packet's source, its
 * timestamp is the current time, its network and transport header
 * annotations point at its IP and ICMP headers, and (unless SET_FIX_ANNO is
 * false) its Fix IP Source annotation is set, so that a FixIPSrc on the way
 * out can replace SRC with the outgoing interface's address.  The output of
 * ICMPError should go to the routing lookup, as if the error came in on an
 * interface.
 *
 * Rate limiting (RFC 1812 4.3.2.8; not in Click, where a RatedSplitter is
 * placed after ICMPError): with RATE, a token bucket allows at most RATE
 * errors per second on average, in bursts of at most BURST.  Packets that
 * would exceed it are dropped (reason `rate limited').  The bucket runs on the
 * router's clock, simulated time under `cabo --simtime'.
 *
 * Differences from Click: Click copies the incoming packet's source route
 * option, reversed, into the error's header; ICMPError does not (a header
 * built from a route the sender chose is what source routing attacks rely
 * on, and such packets are dropped by IPGWOptions unless it is told
 * otherwise).  Click quotes bytes past the IP length (link padding); ICMPError
 * quotes the datagram only.
 * =k SRC
 * IP address.  The source address of the errors.  Mandatory.
 * =k TYPE
 * ICMP error type, a number or name (see above).  Mandatory.
 * =k CODE
 * ICMP code, a number from 0 to 255 or a name for TYPE.  Default 0.
 * =k BADADDRS
 * Space-separated list of IP addresses (typically this router's directed
 * broadcast addresses): packets to or from one of them get no error.
 * Default empty.
 * =k MTU
 * Unsigned integer from 96 to 65535.  The largest error packet generated.
 * Default 576.
 * =k PMTU
 * Unsigned integer from 0 to 65535.  The next-hop MTU reported in
 * `unreachable'/`needfrag' errors.  Default 0 (unknown, as from routers
 * older than RFC 1191).
 * =k SET_FIX_ANNO
 * Boolean.  If false, do not set the Fix IP Source annotation on errors.
 * Default true.  USE_FIX_ANNO (the name in Click's documentation) is a
 * synonym.
 * =k RATE
 * Real number, errors per second: the average rate allowed.  0 means no
 * limit.  Default 0 (Click's behaviour).
 * =k BURST
 * Unsigned integer: the most errors sent at once after a quiet time.
 * Default RATE rounded up (one second's worth), at least 1.
 * =h src read/write
 * Returns or sets SRC.
 * =h mtu read/write
 * Returns or sets MTU (96 to 65535).
 * =h pmtu read/write
 * Returns or sets PMTU (0 to 65535).
 * =h rate read/write
 * Returns or sets RATE (the bucket starts full again when set).
 * =h count read
 * Returns the number of errors generated.
 * =e
 * Time Exceeded errors for expired packets, at most 100 a second:
 *
 *   dt :: DecIPTTL;
 *   dt[1] -> ICMPError(18.26.4.24, timeexceeded, RATE 100) -> rt;
 *
 * Path MTU Discovery with a fragmenter:
 *
 *   fr :: IPFragmenter(1500);
 *   fr[1] -> ICMPError(18.26.4.24, unreachable, needfrag, PMTU 1500) -> rt;
 * =a
 * DecIPTTL, IPFragmenter, IPGWOptions, FixIPSrc, CheckIPHeader
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "icmperr.h"
#include "iphdr.h"

enum {
	ICMP_UNREACH = 3, ICMP_SOURCEQUENCH = 4, ICMP_REDIRECT = 5, ICMP_TIMXCEED = 11,
	ICMP_PARAMPROB = 12,
	ICMP_UNREACH_NEEDFRAG = 4, ICMP_PARAMPROB_ERRATPTR = 0,
	ICMP_HLEN = 8,
	IPOPT_EOL = 0, IPOPT_NOP = 1, IPOPT_LSRR = 131, IPOPT_SSRR = 137,
	MIN_MTU = IPH_MIN + ICMP_HLEN + 60 + 8,   /* room for any header + 8 bytes */
	ERROR_TTL = 200,
};

enum {
	NO_HEADER, ICMP_ERROR, BCAST_DST, LINK_BCAST, BAD_SRC, FRAGMENT, SR_REDIRECT,
	RATE_LIMITED, NO_BUFFER,
};

static const char *const icmperror_drop_reasons[] = {
	"no IP header", "ICMP error", "broadcast destination", "link broadcast",
	"bad source address", "not first fragment", "source-routed redirect",
	"rate limited", "no buffer", NULL,
};

struct icmperror {
	struct cabo_element e;
	uint32_t src;               /* network byte order */
	uint8_t type, code;
	bool fix_anno;
	uint32_t mtu, pmtu;
	uint32_t *bad;              /* BADADDRS, network byte order */
	unsigned nbad;
	uint16_t id;
	struct icmperr_limit limit;
	uint64_t count;
};

/* ---- Names */

static const struct icmperr_name type_names[] = {
	{ "echo-reply", 0 }, { "unreachable", 3 }, { "sourcequench", 4 }, { "redirect", 5 },
	{ "echo", 8 }, { "routeradvert", 9 }, { "routersolicit", 10 },
	{ "timeexceeded", 11 }, { "parameterproblem", 12 }, { "timestamp", 13 },
	{ "timestamp-reply", 14 }, { "inforeq", 15 }, { "inforeq-reply", 16 },
	{ "maskreq", 17 }, { "maskreq-reply", 18 }, { NULL, 0 },
};
static const struct icmperr_name unreach_codes[] = {
	{ "net", 0 }, { "host", 1 }, { "protocol", 2 }, { "port", 3 }, { "needfrag", 4 },
	{ "srcroutefail", 5 }, { NULL, 0 },
};
static const struct icmperr_name redirect_codes[] = {
	{ "net", 0 }, { "host", 1 }, { "tosnet", 2 }, { "toshost", 3 }, { NULL, 0 },
};
static const struct icmperr_name timxceed_codes[] = { { "transit", 0 }, { "reassembly", 1 }, { NULL, 0 } };
static const struct icmperr_name paramprob_codes[] = {
	{ "erroratptr", 0 }, { "missingopt", 1 }, { "length", 2 }, { NULL, 0 },
};

static bool is_error_type(unsigned type)
{
	return type == ICMP_UNREACH || type == ICMP_SOURCEQUENCH || type == ICMP_REDIRECT
		|| type == ICMP_TIMXCEED || type == ICMP_PARAMPROB;
}

static const struct icmperr_name *code_names(unsigned type)
{
	switch (type) {
	case ICMP_UNREACH: return unreach_codes;
	case ICMP_REDIRECT: return redirect_codes;
	case ICMP_TIMXCEED: return timxceed_codes;
	case ICMP_PARAMPROB: return paramprob_codes;
	default: return NULL;
	}
}

/* ---- Configuration */

static bool parse_addr(const char *w, void *addr)
{
	return cabo_parse_ip4(w, addr);
}

/* BADADDRS: space-separated addresses, the whole list possibly quoted. */
static bool parse_addrs(const char *s, struct icmperror *c)
{
	void *bad;
	bool ok = icmperr_parse_addrs(s, sizeof *c->bad, parse_addr, &bad, &c->nbad);
	c->bad = bad;
	return ok;
}

static int icmperror_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct icmperror *c = (struct icmperror *)e;
	char *type_s = NULL, *code_s = NULL, *bad = NULL;
	uint64_t mtu = 576, pmtu = 0, burst = 0;
	double rate = 0;
	bool fix = true, fix2 = true, have_fix2;
	cabo_args_read_ip4(a, "SRC", CABO_ARG_MP, &c->src);
	cabo_args_read_word(a, "TYPE", CABO_ARG_MP, &type_s);
	cabo_args_read_word(a, "CODE", CABO_ARG_POSITIONAL, &code_s);
	cabo_args_read_raw(a, "BADADDRS", CABO_ARG_POSITIONAL, &bad);
	cabo_args_read_uint(a, "MTU", 0, &mtu);
	cabo_args_read_uint(a, "PMTU", 0, &pmtu);
	cabo_args_read_bool(a, "SET_FIX_ANNO", 0, &fix);
	have_fix2 = cabo_args_read_bool(a, "USE_FIX_ANNO", 0, &fix2);
	cabo_args_read_double(a, "RATE", 0, &rate);
	bool have_burst = cabo_args_read_uint(a, "BURST", 0, &burst);
	int r = cabo_args_complete(a);
	unsigned type = 0, code = 0;
	if (r < 0)
		;
	else if (!icmperr_lookup(type_names, type_s, &type))
		r = cabo_errh_error(a->errh, "TYPE: expected ICMP type (integer between 0 and 255 or name)");
	else if (!is_error_type(type))
		r = cabo_errh_error(a->errh, "ICMP type %u is not an error type", type);
	else if (code_s && !icmperr_lookup(code_names(type), code_s, &code))
		r = cabo_errh_error(a->errh, "CODE: expected ICMP code for type %u (integer between 0 and 255 or name)", type);
	else if (bad && !parse_addrs(bad, c))
		r = cabo_errh_error(a->errh, "BADADDRS: expected list of IP addresses");
	else if (mtu < MIN_MTU || mtu > 65535)
		r = cabo_errh_error(a->errh, "MTU: must be between %d and 65535", MIN_MTU);
	else if (pmtu > 65535)
		r = cabo_errh_error(a->errh, "PMTU: must be between 0 and 65535");
	else
		r = icmperr_limit_configure(&c->limit, rate, have_burst, burst, a->errh);
	free(type_s);
	free(code_s);
	free(bad);
	if (r < 0)
		return r;
	c->type = (uint8_t)type;
	c->code = (uint8_t)code;
	c->mtu = (uint32_t)mtu;
	c->pmtu = (uint32_t)pmtu;
	c->fix_anno = have_fix2 ? fix2 : fix;
	c->id = 1;
	return 0;
}

static void icmperror_cleanup(struct cabo_element *e)
{
	free(((struct icmperror *)e)->bad);
}

/* ---- Checks (RFC 1812 4.3.2.7) */

static bool is_bad_addr(const struct icmperror *c, uint32_t a)
{
	for (unsigned i = 0; i < c->nbad; i++)
		if (c->bad[i] == a)
			return true;
	return false;
}

/* Not the limited broadcast, a multicast or a listed bad address. */
static bool unicast(const struct icmperror *c, uint32_t a)
{
	uint32_t ha = get32((const uint8_t *)&a);
	return ha != 0xffffffffu && (ha & 0xf0000000u) != 0xe0000000u && !is_bad_addr(c, a);
}

/* A source a host may use (RFC 1812 5.3.7, 4.2.2.11). */
static bool valid_source(const struct icmperror *c, uint32_t a)
{
	unsigned net = ((const uint8_t *)&a)[0];
	return unicast(c, a) && net != 0 && net != 127 && (net & 0xf0) != 0xf0;
}

/* True if the header's options hold a source route option. */
static bool has_source_route(const uint8_t *h, unsigned hlen)
{
	for (unsigned oi = IPH_MIN; oi < hlen;) {
		unsigned type = h[oi];
		if (type == IPOPT_EOL)
			break;
		if (type == IPOPT_NOP) {
			oi++;
			continue;
		}
		if (type == IPOPT_LSRR || type == IPOPT_SSRR)
			return true;
		if (oi + 1 >= hlen || h[oi + 1] < 2)
			break;
		oi += h[oi + 1];
	}
	return false;
}

/* Returns a drop reason, or -1 if p deserves an error. */
static int check(const struct icmperror *c, const struct cabo_packet *p, const uint8_t *h,
		 unsigned hlen)
{
	if (h[IPH_PROTO] == IP_PROTO_ICMP
	    && (bytes_from(p, h) < hlen + 1 || is_error_type(h[hlen])))
		return ICMP_ERROR;
	if (!unicast(c, get_addr(h + IPH_DST)))
		return BCAST_DST;
	if (p->anno.packet_type == CABO_PACKET_BROADCAST
	    || p->anno.packet_type == CABO_PACKET_MULTICAST)
		return LINK_BCAST;
	if (!valid_source(c, get_addr(h + IPH_SRC)))
		return BAD_SRC;
	if (get16(h + IPH_OFF) & IP_OFFMASK)
		return FRAGMENT;
	if (c->type == ICMP_REDIRECT && has_source_route(h, hlen))
		return SR_REDIRECT;
	return -1;
}

/* ---- Building the error */

static struct cabo_packet *make_error(struct icmperror *c, const struct cabo_packet *p,
				      const uint8_t *h, unsigned hlen)
{
	/* The datagram: up to its IP length, if that is sane, else what is there. */
	uint32_t avail = bytes_from(p, h), dlen = get16(h + IPH_LEN);
	if (dlen < hlen || dlen > avail)
		dlen = avail;
	uint32_t quote = c->mtu - IPH_MIN - ICMP_HLEN;
	if (quote > dlen)
		quote = dlen;
	uint32_t len = IPH_MIN + ICMP_HLEN + quote;
	struct cabo_packet *q = cabo_packet_alloc_large(cabo_element_pool(&c->e), len);
	if (!q)
		return NULL;

	uint8_t *ip = q->data, *icmp = ip + IPH_MIN;
	memset(ip, 0, IPH_MIN + ICMP_HLEN);
	ip[0] = 0x45;
	ip[IPH_TOS] = c->type == ICMP_SOURCEQUENCH ? (h[IPH_TOS] & 0xe0) : 0xc0;
	put16(ip + IPH_LEN, (uint16_t)len);
	put16(ip + IPH_ID, c->id++);
	ip[IPH_TTL] = ERROR_TTL;
	ip[IPH_PROTO] = IP_PROTO_ICMP;
	put_addr(ip + IPH_SRC, c->src);
	memcpy(ip + IPH_DST, h + IPH_SRC, 4);
	ip_header_set_csum(ip, IPH_MIN);

	icmp[0] = c->type;
	icmp[1] = c->code;
	if (c->type == ICMP_PARAMPROB && c->code == ICMP_PARAMPROB_ERRATPTR)
		icmp[4] = p->anno.user[CABO_ANNO_PARAM_OFF];
	else if (c->type == ICMP_REDIRECT)
		put_addr(icmp + 4, p->anno.dst.ip4);
	else if (c->type == ICMP_UNREACH && c->code == ICMP_UNREACH_NEEDFRAG)
		put16(icmp + 6, (uint16_t)c->pmtu);
	memcpy(icmp + ICMP_HLEN, h, quote);
	put16(icmp + ICMP_SUM, in_cksum(icmp, ICMP_HLEN + quote));

	q->anno.vnode = p->anno.vnode;
	q->anno.input_port = p->anno.input_port;
	q->anno.dst.ip4 = get_addr(h + IPH_SRC);
	q->anno.timestamp_ns = cabo_element_now(&c->e);
	if (c->fix_anno)
		q->anno.user[CABO_ANNO_FIX_IP_SRC] = 1;
	cabo_packet_set_network_header(q, ip);
	cabo_packet_set_transport_header(q, icmp);
	return q;
}

static struct cabo_packet *icmperror_simple_action(struct cabo_element *e, struct cabo_packet *p)
{
	struct icmperror *c = (struct icmperror *)e;
	const uint8_t *h = ip_header(p);
	unsigned hlen = h ? (h[0] & 15u) << 2 : 0;
	int reason = NO_HEADER;
	if (h && (h[0] >> 4) == 4 && hlen >= IPH_MIN && hlen <= bytes_from(p, h))
		reason = check(c, p, h, hlen);
	if (!icmperr_admit(e, &c->limit, p, reason, RATE_LIMITED))
		return NULL;
	return icmperr_answer(e, p, make_error(c, p, h, hlen), NO_BUFFER, &c->count);
}

/* ---- Handlers */

static int read_src(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	char buf[16];
	cabo_format_ip4(((struct icmperror *)e)->src, buf);
	cabo_strbuf_puts(out, buf);
	return 0;
}

static int write_src(struct cabo_element *e, const char *value, const void *arg,
		     struct cabo_errh *errh)
{
	uint32_t a;
	if (!cabo_parse_ip4(value, &a))
		return cabo_errh_error(errh, "expected IP address");
	((struct icmperror *)e)->src = a;
	return 0;
}

/* arg: the field's offset; minimum MTU for `mtu', 0 for `pmtu'. */
static int write_mtu(struct cabo_element *e, const char *value, const void *arg,
		     struct cabo_errh *errh)
{
	struct icmperror *c = (struct icmperror *)e;
	bool is_mtu = arg == CABO_FIELD(struct icmperror, mtu);
	uint64_t v;
	unsigned min = is_mtu ? MIN_MTU : 0;
	if (!cabo_parse_uint(value, &v) || v < min || v > 65535)
		return cabo_errh_error(errh, "expected integer between %u and 65535", min);
	if (is_mtu)
		c->mtu = (uint32_t)v;
	else
		c->pmtu = (uint32_t)v;
	return 0;
}

static int write_rate(struct cabo_element *e, const char *value, const void *arg,
		      struct cabo_errh *errh)
{
	return icmperr_set_rate(&((struct icmperror *)e)->limit, value, errh);
}

static const struct cabo_handler icmperror_handlers[] = {
	{ "src", read_src, write_src, NULL, 0 },
	{ "mtu", cabo_read_u32_field, write_mtu, CABO_FIELD(struct icmperror, mtu), 0 },
	{ "pmtu", cabo_read_u32_field, write_mtu, CABO_FIELD(struct icmperror, pmtu), 0 },
	{ "rate", icmperr_read_rate, write_rate, CABO_FIELD(struct icmperror, limit), 0 },
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct icmperror, count), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(icmperror_class) = {
	.name = "ICMPError", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct icmperror), .configure = icmperror_configure,
	.cleanup = icmperror_cleanup, .simple_action = icmperror_simple_action,
	.handlers = icmperror_handlers, .drop_reasons = icmperror_drop_reasons,
};

/* IP filter expressions: words, names and the parser.
 *
 * Follows Click's IPFilter (elements/ip/ipfilter.cc) closely: the same word
 * splitting, grammar, qualifier rules (a bare value inherits the previous
 * primitive's type, src/dst and protocol: "src port 80 or 81"), name
 * databases and checks, with the same error messages and the same recovery,
 * so a configuration that Click rejects is rejected here with the same
 * reasons.  Differences: "ether" primitives are refused (these elements see
 * IP packets only); names come from Click's built-in tables, not from
 * /etc/services; nesting is limited to a sane depth.
 *
 *   expr   ::= orexpr | orexpr ? expr : expr
 *   orexpr ::= term | orexpr (or | ||) term
 *   term   ::= factor | term [and | &&] factor     (juxtaposition is "and")
 *   factor ::= (not | !) factor | ( expr ) | test
 *   test   ::= true | false | QUALIFIERS [[POS:LEN]] [& MASK] [RELOP] [VALUE] */
#include "ipexpr.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

enum {
	FIELD_IPLEN = IPX_FIELD(0, 16, 16),
	FIELD_ID = IPX_FIELD(0, 32, 16),
	FIELD_VERSION = IPX_FIELD(0, 0, 4),
	FIELD_HL = IPX_FIELD(0, 4, 4),
	FIELD_TOS = IPX_FIELD(0, 8, 8),
	FIELD_DSCP = IPX_FIELD(0, 8, 6),
	FIELD_TTL = IPX_FIELD(0, 64, 8),
	FIELD_TCP_WIN = IPX_FIELD(6, 112, 16),
	FIELD_ICMP_TYPE = IPX_FIELD(1, 0, 8),
	FIELD_PROTO_MASK = 0x1FF << IPX_FIELD_PROTO_SHIFT,
	MAX_DEPTH = 200,
	NONE = 0xFFFFFFFFu,
};

/* ======================================================================
 * Names (Click's IPNameInfo and IPFilter tables)
 * ====================================================================== */

struct name {
	const char *name;
	int32_t value;
};

static const struct name type_names[] = {
	{ "ce", IPX_TYPE_IPCE }, { "dest", IPX_TYPE_SYNTAX }, { "dscp", FIELD_DSCP },
	{ "dst", IPX_TYPE_SYNTAX }, { "ect", IPX_TYPE_IPECT }, { "ether", IPX_TYPE_SYNTAX },
	{ "frag", IPX_TYPE_IPFRAG }, { "hl", FIELD_HL }, { "host", IPX_TYPE_HOST },
	{ "id", FIELD_ID }, { "ip", IPX_TYPE_SYNTAX }, { "len", FIELD_IPLEN },
	{ "net", IPX_TYPE_NET }, { "not", IPX_TYPE_SYNTAX }, { "opt", IPX_TYPE_TCPOPT },
	{ "port", IPX_TYPE_PORT }, { "proto", IPX_TYPE_PROTO }, { "src", IPX_TYPE_SYNTAX },
	{ "tos", FIELD_TOS }, { "ttl", FIELD_TTL }, { "type", FIELD_ICMP_TYPE },
	{ "unfrag", IPX_TYPE_IPUNFRAG }, { "vers", FIELD_VERSION }, { "win", FIELD_TCP_WIN },
	{ NULL, 0 },
};

static const struct name proto_names[] = {
	{ "icmp", 1 }, { "igmp", 2 }, { "ipip", 4 }, { "tcp", 6 },
	{ "tcpudp", IPX_PROTO_TCP_OR_UDP }, { "transp", IPX_PROTO_TRANSP }, { "udp", 17 },
	{ NULL, 0 },
};

static const struct name port_names[] = {
	{ "auth", 113 }, { "bootpc", 68 }, { "bootps", 67 }, { "chargen", 19 },
	{ "daytime", 13 }, { "discard", 9 }, { "dns", 53 }, { "domain", 53 },
	{ "echo", 7 }, { "finger", 79 }, { "ftp", 21 }, { "ftp-data", 20 },
	{ "https", 443 }, { "imap3", 220 }, { "imaps", 993 }, { "irc", 194 },
	{ "netbios-dgm", 138 }, { "netbios-ns", 137 }, { "netbios-ssn", 139 },
	{ "nntp", 119 }, { "ntp", 123 }, { "pop3", 110 }, { "pop3s", 995 },
	{ "rip", 520 }, { "route", 520 }, { "smtp", 25 }, { "snmp", 161 },
	{ "snmp-trap", 162 }, { "ssh", 22 }, { "sunrpc", 111 }, { "telnet", 23 },
	{ "tftp", 69 }, { "www", 80 },
	{ NULL, 0 },
};

static const struct name tcpopt_names[] = {
	{ "ack", 0x10 }, { "fin", 0x01 }, { "psh", 0x08 }, { "rst", 0x04 },
	{ "syn", 0x02 }, { "urg", 0x20 },
	{ NULL, 0 },
};

static const struct name icmp_names[] = {
	{ "echo", 8 }, { "echo-reply", 0 }, { "inforeq", 15 }, { "inforeq-reply", 16 },
	{ "maskreq", 17 }, { "maskreq-reply", 18 }, { "parameterproblem", 12 },
	{ "redirect", 5 }, { "routeradvert", 9 }, { "routersolicit", 10 },
	{ "sourcequench", 4 }, { "timeexceeded", 11 }, { "timestamp", 13 },
	{ "timestamp-reply", 14 }, { "unreachable", 3 },
	{ NULL, 0 },
};

static bool find_name(const struct name *t, const char *w, int32_t *out)
{
	for (; t->name; t++)
		if (!strcmp(t->name, w)) {
			*out = t->value;
			return true;
		}
	return false;
}

static bool eq(const char *a, const char *b)
{
	return !strcmp(a, b);
}

/* ======================================================================
 * Unparsing types (for messages)
 * ====================================================================== */

static void unparse_proto(int32_t p, char *buf, size_t n)
{
	static const struct { int32_t p; const char *s; } t[] = {
		{ 1, "icmp" }, { 2, "igmp" }, { 4, "ipip" }, { 6, "tcp" }, { 17, "udp" },
		{ IPX_PROTO_TCP_OR_UDP, "tcpudp" }, { IPX_PROTO_TRANSP, "transp" },
	};
	buf[0] = 0;
	if (p == IPX_UNKNOWN)
		return;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].p == p) {
			snprintf(buf, n, "%s", t[i].s);
			return;
		}
	snprintf(buf, n, "ip proto %d", (int)p);
}

static void unparse_type(int32_t srcdst, int32_t type, char *buf, size_t n)
{
	static const char *const sd[] = { "", "src ", "dst ", "src and dst ", "src or dst " };
	const char *t = NULL;
	char tmp[48];
	switch (type) {
	case IPX_TYPE_NONE: t = "<none>"; break;
	case IPX_TYPE_HOST: t = "ip host"; break;
	case IPX_TYPE_PROTO: t = "proto"; break;
	case IPX_TYPE_ETHER: t = "ether host"; break;
	case IPX_TYPE_IPFRAG: t = "ip frag"; break;
	case IPX_TYPE_PORT: t = "port"; break;
	case IPX_TYPE_TCPOPT: t = "tcp opt"; break;
	case IPX_TYPE_NET: t = "ip net"; break;
	case IPX_TYPE_IPUNFRAG: t = "ip unfrag"; break;
	case IPX_TYPE_IPECT: t = "ip ect"; break;
	case IPX_TYPE_IPCE: t = "ip ce"; break;
	case FIELD_IPLEN: t = "ip len"; break;
	case FIELD_ID: t = "ip id"; break;
	case FIELD_VERSION: t = "ip vers"; break;
	case FIELD_HL: t = "ip hl"; break;
	case FIELD_TOS: t = "ip tos"; break;
	case FIELD_DSCP: t = "ip dscp"; break;
	case FIELD_TTL: t = "ip ttl"; break;
	case FIELD_TCP_WIN: t = "tcp win"; break;
	case FIELD_ICMP_TYPE: t = "icmp type"; break;
	default:
		if (type & IPX_TYPE_FIELD) {
			char p[32];
			unparse_proto(ipx_field_proto(type), p, sizeof p);
			snprintf(tmp, sizeof tmp, "%s[...]", ipx_field_proto(type) ? p : "ip");
		} else {
			snprintf(tmp, sizeof tmp, "<unknown type %d>", (int)type);
		}
		t = tmp;
	}
	snprintf(buf, n, "%s%s", srcdst >= 1 && srcdst <= 4 ? sd[srcdst] : "", t);
}

static const char *unparse_op(const struct ipx_prim *p)
{
	if (p->op == IPX_OP_GT)
		return p->op_negated ? "<=" : ">";
	if (p->op == IPX_OP_LT)
		return p->op_negated ? ">=" : "<";
	return p->op_negated ? "!=" : "=";
}

/* ======================================================================
 * Numbers and words
 * ====================================================================== */

/* Click's IntArg: optional sign, decimal, 0x hex or 0 octal, the whole word. */
static bool parse_long(const char *s, long long lo, long long hi, long long *out)
{
	if (!*s || isspace((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (*end || errno || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool parse_int32(const char *s, int32_t *out)
{
	long long v;
	if (!parse_long(s, INT32_MIN, INT32_MAX, &v))
		return false;
	*out = (int32_t)v;
	return true;
}

static bool parse_uint32(const char *s, uint32_t *out)
{
	long long v;
	if (*s == '-' || !parse_long(s, 0, UINT32_MAX, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

static uint32_t be32(uint32_t stored)
{
	const uint8_t *b = (const uint8_t *)&stored;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static bool parse_addr(const char *s, uint32_t *out)
{
	uint32_t a;
	if (!cabo_parse_ip4(s, &a))
		return false;
	*out = be32(a);
	return true;
}

static bool parse_prefix(const char *s, uint32_t *addr, uint32_t *mask)
{
	uint32_t a, m;
	if (!strchr(s, '/') || !cabo_parse_ip4_prefix(s, &a, &m))
		return false;
	*addr = be32(a);
	*mask = be32(m);
	return true;
}

static bool is_ether(const char *s)
{
	uint8_t e[6];
	return cabo_parse_ether(s, e);
}

/* Click's separate_text: operators and brackets are words of their own. */
static unsigned split_words(const char *s, char ***out)
{
	size_t len = strlen(s), pos = 0;
	char **w = NULL;
	unsigned n = 0, cap = 0;
	while (pos < len) {
		while (pos < len && isspace((unsigned char)s[pos]))
			pos++;
		if (pos >= len)
			break;
		size_t first = pos;
		char c = s[pos];
		if (c == '&' || c == '|')
			pos += pos + 1 < len && s[pos + 1] == c ? 2 : 1;
		else if (c == '<' || c == '>' || c == '!' || c == '=')
			pos += pos + 1 < len && s[pos + 1] == '=' ? 2 : 1;
		else if (strchr("()[],;?", c))
			pos++;
		else {
			while (pos < len && (isalnum((unsigned char)s[pos]) || strchr("-./@_:", s[pos])))
				pos++;
			if (pos == first)
				pos++;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			w = cabo_xrealloc(w, cap * sizeof *w);
		}
		w[n++] = cabo_xstrndup(s + first, pos - first);
	}
	*out = w;
	return n;
}

/* ======================================================================
 * The parser
 * ====================================================================== */

struct parser {
	struct ipx_set *s;
	char **w;
	unsigned nw;
	unsigned slot;
	struct cabo_errh *errh;
	struct ipx_prim prev;       /* Click's _prev_prim */
	unsigned depth;
	bool aborted;               /* nesting too deep: stop reporting */
};

static void perror_(struct parser *P, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void perror_(struct parser *P, const char *fmt, ...)
{
	if (P->aborted)
		return;
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	cabo_strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	cabo_errh_error(P->errh, "pattern %u: %s", P->slot, cabo_strbuf_str(&sb));
	cabo_strbuf_free(&sb);
}

static void pwarning(struct parser *P, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pwarning(struct parser *P, const char *fmt, ...)
{
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	cabo_strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	cabo_errh_warning(P->errh, cabo_landmark_none(), "pattern %u: %s", P->slot,
			  cabo_strbuf_str(&sb));
	cabo_strbuf_free(&sb);
}

static uint32_t mk(struct ipx_set *s, uint32_t kind, uint32_t a, uint32_t b, uint32_t c)
{
	if (s->nnode == s->capnode) {
		s->capnode = s->capnode ? 2 * s->capnode : 64;
		s->node = cabo_xrealloc(s->node, s->capnode * sizeof *s->node);
	}
	s->node[s->nnode] = (struct ipx_node){ kind, a, b, c };
	return s->nnode++;
}

static uint32_t mk_not(struct ipx_set *s, uint32_t x)
{
	return x == NONE ? NONE : mk(s, IPX_NOT, x, 0, 0);
}

/* An AND or OR node over the items that exist. */
static uint32_t mk_list(struct ipx_set *s, uint32_t kind, const uint32_t *items, unsigned n)
{
	unsigned m = 0;
	for (unsigned i = 0; i < n; i++)
		m += items[i] != NONE;
	if (m <= 1) {
		for (unsigned i = 0; i < n; i++)
			if (items[i] != NONE)
				return items[i];
		return NONE;
	}
	if (s->nkid + m > s->capkid) {
		s->capkid = (s->nkid + m) * 2;
		s->kid = cabo_xrealloc(s->kid, s->capkid * sizeof *s->kid);
	}
	uint32_t first = s->nkid;
	for (unsigned i = 0; i < n; i++)
		if (items[i] != NONE)
			s->kid[s->nkid++] = items[i];
	return mk(s, kind, first, m, 0);
}

struct list {
	uint32_t *v;
	unsigned n, cap;
};

static void list_add(struct list *l, uint32_t x)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = cabo_xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = x;
}

/* ---- Name lookup (Click's IPFilter::lookup): -1 none, -2 reported error */

static int lookup(struct parser *P, const char *word, int32_t type, int32_t proto,
		  uint32_t *data, bool report)
{
	int32_t v;
	if ((type == 0 || type == IPX_TYPE_TYPE) && find_name(type_names, word, &v)) {
		*data = (uint32_t)v;
		return v == IPX_TYPE_SYNTAX ? -1 : IPX_TYPE_TYPE;
	}
	static const int32_t db_type[5] = { IPX_TYPE_PROTO, IPX_TYPE_PORT, IPX_TYPE_PORT,
					    IPX_TYPE_TCPOPT, FIELD_ICMP_TYPE };
	int32_t val[5] = { 0 };
	bool got[5], tgot[5];
	got[0] = find_name(proto_names, word, &val[0]);
	got[1] = got[2] = find_name(port_names, word, &val[1]);
	val[2] = val[1];
	got[3] = find_name(tcpopt_names, word, &val[3]);
	got[4] = find_name(icmp_names, word, &val[4]);
	if (!got[0] && !got[1] && !got[3] && !got[4])
		return -1;
	bool tcp = proto == IPX_UNKNOWN || proto == 6 || proto == IPX_PROTO_TCP_OR_UDP;
	bool udp = proto == IPX_UNKNOWN || proto == 17 || proto == IPX_PROTO_TCP_OR_UDP;
	tgot[0] = got[0] && (type == 0 || type == IPX_TYPE_PROTO);
	tgot[1] = got[1] && (type == 0 || type == IPX_TYPE_PORT) && tcp;
	tgot[2] = got[2] && (type == 0 || type == IPX_TYPE_PORT) && udp;
	tgot[3] = got[3] && (type == 0 || type == IPX_TYPE_TCPOPT) && tcp;
	tgot[4] = got[4] && (type == 0 || type == FIELD_ICMP_TYPE) &&
		  (proto == IPX_UNKNOWN || proto == 1);
	if (tgot[1] && tgot[2]) /* the same port for TCP and UDP */
		tgot[2] = false;
	int ngot = tgot[0] + tgot[1] + tgot[2] + tgot[3] + tgot[4];
	if (ngot == 1) {
		for (int i = 0; i < 5; i++)
			if (tgot[i]) {
				*data = (uint32_t)val[i];
				return db_type[i];
			}
	}
	if (report) {
		char p[32], t[64];
		struct cabo_strbuf what = CABO_STRBUF_INIT, tries = CABO_STRBUF_INIT;
		unparse_proto(proto, p, sizeof p);
		unparse_type(0, type, t, sizeof t);
		cabo_strbuf_printf(&what, "%s%s%s%s%s", type ? t : "", type ? " " : "", p,
				   *p ? " " : "", word);
		for (int i = 0; i < 5; i++) {
			if (!got[i] || (i == 2 && got[1]))
				continue;
			unparse_type(0, db_type[i], t, sizeof t);
			cabo_strbuf_printf(&tries, "%s'%s%s%s %s'", tries.length ? ", " : "", p,
					   *p ? " " : "", t, word);
		}
		perror_(P, "'%s' is %s; try %s", cabo_strbuf_str(&what),
			ngot > 1 ? "ambiguous" : "meaningless", cabo_strbuf_str(&tries));
		cabo_strbuf_free(&what);
		cabo_strbuf_free(&tries);
	}
	return -2;
}

/* ---- Primitives (Click's IPFilter::Primitive) */

static void prim_clear(struct ipx_prim *p)
{
	memset(p, 0, sizeof *p);
	p->transp_proto = IPX_UNKNOWN;
	p->op = IPX_OP_EQ;
}

static void set_type(struct parser *P, struct ipx_prim *p, int32_t t)
{
	if (p->type)
		perror_(P, "type specified twice");
	p->type = t;
}

static void set_srcdst(struct parser *P, struct ipx_prim *p, int32_t sd)
{
	if (p->srcdst)
		perror_(P, "'src' or 'dst' specified twice");
	p->srcdst = sd;
}

static void set_transp_proto(struct parser *P, struct ipx_prim *p, int32_t proto)
{
	if (p->transp_proto != IPX_UNKNOWN && p->transp_proto != proto)
		perror_(P, "transport protocol specified twice");
	p->transp_proto = proto;
}

static int type_error(struct parser *P, const struct ipx_prim *p, const char *msg)
{
	char t[64];
	unparse_type(p->srcdst, p->type, t, sizeof t);
	perror_(P, "'%s': %s", t, msg);
	return -1;
}

static int ffs_msb(uint32_t x)
{
	return x ? __builtin_clz(x) + 1 : 0;
}

/* Sets value and mask for a field of `full_mask` bits; relations become
 * EQ or GT (Click's Primitive::set_mask). */
static int set_mask(struct parser *P, struct ipx_prim *p, uint32_t full_mask, uint32_t provided)
{
	uint32_t data = p->value;
	uint32_t this_mask = provided ? provided : full_mask;
	char t[64];
	unparse_type(p->srcdst, p->type, t, sizeof t);
	if ((this_mask & full_mask) != this_mask) {
		perror_(P, "'%s': mask out of range, bound 0x%X", t, full_mask);
		return -1;
	}
	if (p->op == IPX_OP_GT || p->op == IPX_OP_LT) {
		if ((p->op == IPX_OP_LT && (data == 0 || data > this_mask)) ||
		    (p->op == IPX_OP_GT && data >= this_mask)) {
			bool will_be = p->op == IPX_OP_LT && data > this_mask ? !p->op_negated
									      : p->op_negated;
			pwarning(P, "relation '%s %u' is always %s (range 0-%u)", unparse_op(p), data,
				 will_be ? "true" : "false", this_mask);
			p->value = p->mask = 0;
			p->op_negated = !will_be;
			p->op = IPX_OP_EQ;
			return 0;
		}
		if (p->op == IPX_OP_LT) { /* x < V is !(x > V - 1) */
			p->value--;
			p->op_negated = !p->op_negated;
			p->op = IPX_OP_GT;
		}
		p->mask = this_mask;
		/* "x & 5 > 2" is "x & 5 > 1": value bits outside the mask
		 * become the largest masked value below them */
		if ((p->value & p->mask) != p->value) {
			uint32_t missing = (p->value & p->mask) ^ (p->value & full_mask);
			uint32_t add = ffs_msb(missing) >= 32 ? 0 : 0xFFFFFFFFu >> ffs_msb(missing);
			p->value = (p->value | add) & p->mask;
		}
		return 0;
	}
	if (data > full_mask) {
		perror_(P, "'%s': out of range, bound %u", t, full_mask);
		return -1;
	}
	p->mask = this_mask;
	return 0;
}

static int check_prim(struct parser *P, struct ipx_prim *p, int header, int mask_dt,
		      uint32_t pmask)
{
	const struct ipx_prim *prev = &P->prev;
	int32_t old_srcdst = p->srcdst;
	if (p->type < 0)
		return -1;
	if (!p->type) {
	retry:
		switch (p->data) {
		case IPX_TYPE_HOST:
		case IPX_TYPE_NET:
		case IPX_TYPE_TCPOPT:
		case IPX_TYPE_ETHER:
			p->type = p->data;
			if (!p->srcdst)
				p->srcdst = prev->srcdst;
			break;
		case IPX_TYPE_PROTO:
			p->type = IPX_TYPE_PROTO;
			break;
		case IPX_TYPE_PORT:
			p->type = IPX_TYPE_PORT;
			if (!p->srcdst)
				p->srcdst = prev->srcdst;
			if (p->transp_proto == IPX_UNKNOWN)
				p->transp_proto = prev->transp_proto;
			break;
		case IPX_TYPE_INT:
			if (!(prev->type & IPX_TYPE_FIELD) && prev->type != IPX_TYPE_PROTO &&
			    prev->type != IPX_TYPE_PORT) {
				perror_(P, "specify header field or 'port'");
				return -1;
			}
			p->data = prev->type;
			goto retry;
		case IPX_TYPE_NONE:
			if (p->transp_proto == IPX_UNKNOWN) {
				perror_(P, "partial directive");
				return -1;
			}
			p->type = IPX_TYPE_PROTO;
			break;
		default:
			if (!(p->data & IPX_TYPE_FIELD)) {
				char t[64];
				unparse_type(0, p->data, t, sizeof t);
				perror_(P, "unknown type '%s'", t);
				return -1;
			}
			p->type = p->data;
			if ((p->type & FIELD_PROTO_MASK) && p->transp_proto == IPX_UNKNOWN)
				p->transp_proto = ipx_field_proto(p->type);
			break;
		}
	}

	if (header == 0)
		header = p->data == IPX_TYPE_ETHER ? 'e' : 'i';
	if (header == 'e' && p->type == IPX_TYPE_HOST)
		p->type = IPX_TYPE_ETHER;

	switch (p->type) {
	case IPX_TYPE_HOST:
		if (header != 'i' || p->data != IPX_TYPE_HOST)
			return type_error(P, p, "address missing");
		if (p->op != IPX_OP_EQ)
			return type_error(P, p, "operator not supported");
		p->mask = 0xFFFFFFFFu;
		goto set_host_mask;
	case IPX_TYPE_NET:
		if (header != 'i' || p->data != IPX_TYPE_NET)
			return type_error(P, p, "address missing");
		if (p->op != IPX_OP_EQ)
			return type_error(P, p, "operator not supported");
		p->type = IPX_TYPE_HOST;
	set_host_mask:
		if (mask_dt && mask_dt != IPX_TYPE_INT && mask_dt != IPX_TYPE_HOST)
			return type_error(P, p, "bad mask");
		if (mask_dt)
			p->mask = pmask;
		break;
	case IPX_TYPE_ETHER:
		return type_error(P, p, "not supported (IP packets only)");
	case IPX_TYPE_PROTO:
		if (header != 'i')
			return type_error(P, p, "ip only");
		if (p->data == IPX_TYPE_INT || p->data == IPX_TYPE_PROTO) {
			if (p->transp_proto != IPX_UNKNOWN && p->transp_proto != (int32_t)p->value)
				return type_error(P, p, "specified twice");
			p->data = IPX_TYPE_NONE;
		} else {
			p->value = (uint32_t)p->transp_proto;
		}
		p->transp_proto = IPX_UNKNOWN;
		if (p->data != IPX_TYPE_NONE || (int32_t)p->value == IPX_UNKNOWN)
			return type_error(P, p, "value missing");
		if ((int32_t)p->value >= 256) {
			/* Click accepts "!=" here and then tests protocol 0 */
			if (p->op != IPX_OP_EQ || p->op_negated || mask_dt) {
				char pr[32];
				unparse_proto((int32_t)p->value, pr, sizeof pr);
				perror_(P, "'%s': operator or mask not supported", pr);
				return -1;
			}
			p->mask = 0xFF;
		} else if (mask_dt && mask_dt != IPX_TYPE_INT) {
			return type_error(P, p, "bad mask");
		} else if (set_mask(P, p, 0xFF, mask_dt ? pmask : 0) < 0) {
			return -1;
		}
		if (p->op == IPX_OP_EQ && p->mask == 0xFF && !p->op_negated)
			p->transp_proto = (int32_t)p->value;
		break;
	case IPX_TYPE_PORT:
		if (header != 'i')
			return type_error(P, p, "ip only");
		if (p->data == IPX_TYPE_INT)
			p->data = IPX_TYPE_PORT;
		if (p->data != IPX_TYPE_PORT)
			return type_error(P, p, "value missing");
		if (p->transp_proto == IPX_UNKNOWN) {
			p->transp_proto = IPX_PROTO_TCP_OR_UDP;
		} else if (p->transp_proto != 6 && p->transp_proto != 17 &&
			   p->transp_proto != IPX_PROTO_TCP_OR_UDP &&
			   p->transp_proto != IPX_PROTO_DCCP) {
			perror_(P, "'port': bad protocol %d", (int)p->transp_proto);
			return -1;
		} else if (mask_dt && mask_dt != IPX_TYPE_INT) {
			return type_error(P, p, "bad mask");
		}
		if (set_mask(P, p, 0xFFFF, mask_dt ? pmask : 0) < 0)
			return -1;
		break;
	case IPX_TYPE_TCPOPT:
		if (header != 'i')
			return type_error(P, p, "ip only");
		if (p->data == IPX_TYPE_INT)
			p->data = IPX_TYPE_TCPOPT;
		if (p->data != IPX_TYPE_TCPOPT)
			return type_error(P, p, "value missing");
		if (p->transp_proto == IPX_UNKNOWN) {
			p->transp_proto = 6;
		} else if (p->transp_proto != 6) {
			perror_(P, "'tcp opt': bad protocol %d", (int)p->transp_proto);
			return -1;
		}
		if (p->op != IPX_OP_EQ || p->op_negated || mask_dt)
			return type_error(P, p, "operator or mask not supported");
		if ((int32_t)p->value < 0 || (int32_t)p->value > 255) {
			perror_(P, "'tcp opt': value %d out of range", (int)p->value);
			return -1;
		}
		p->mask = p->value;
		break;
	case IPX_TYPE_IPECT:
		if (header != 'i')
			return type_error(P, p, "ip only");
		if (p->data != IPX_TYPE_NONE && p->data != IPX_TYPE_INT)
			return type_error(P, p, "value missing");
		if (p->data == IPX_TYPE_NONE) {
			p->mask = 3;
			p->value = 0;
			p->op_negated = true;
		} else if (mask_dt && mask_dt != IPX_TYPE_INT) {
			return type_error(P, p, "bad mask");
		}
		if (set_mask(P, p, 0x3, mask_dt ? pmask : 0) < 0)
			return -1;
		p->type = FIELD_TOS;
		break;
	case IPX_TYPE_IPCE:
		if (header != 'i')
			return type_error(P, p, "ip only");
		if (p->data != IPX_TYPE_NONE || mask_dt)
			return type_error(P, p, "value not supported");
		p->mask = 3;
		p->value = 3;
		p->type = FIELD_TOS;
		break;
	case IPX_TYPE_IPFRAG:
	case IPX_TYPE_IPUNFRAG:
		if (header != 'i')
			return type_error(P, p, "ip only");
		if (p->data != IPX_TYPE_NONE || mask_dt)
			return type_error(P, p, "value not supported");
		if (p->type == IPX_TYPE_IPUNFRAG)
			p->op_negated = true;
		p->type = IPX_TYPE_IPFRAG;
		p->mask = 1;
		break;
	default:
		if (!(p->type & IPX_TYPE_FIELD))
			return type_error(P, p, "unknown type");
		if (header != 'i')
			return type_error(P, p, "ip only");
		if (p->data != IPX_TYPE_INT && p->data != p->type)
			return type_error(P, p, "value missing");
		if (mask_dt && mask_dt != IPX_TYPE_INT && mask_dt != p->type)
			return type_error(P, p, "bad mask");
		unsigned nbits = ipx_field_nbits(p->type);
		uint32_t xmask = nbits == 32 ? 0xFFFFFFFFu : (1u << nbits) - 1;
		if (set_mask(P, p, xmask, mask_dt ? pmask : 0) < 0)
			return -1;
		break;
	}

	if (p->type == IPX_TYPE_HOST || p->type == IPX_TYPE_PORT) {
		if (!p->srcdst)
			p->srcdst = IPX_SD_OR;
	} else if (old_srcdst) {
		char t[64];
		unparse_type(p->srcdst, p->type, t, sizeof t);
		pwarning(P, "'%s': 'src' or 'dst' ignored", t);
	}
	return 0;
}

/* [POS], [POS:LEN] or [POS1,POS2] after a protocol: a header field. */
static unsigned parse_brackets(struct parser *P, struct ipx_prim *p, unsigned pos)
{
	unsigned first_pos = pos + 1;
	struct cabo_strbuf comb = CABO_STRBUF_INIT;
	for (pos++; pos < P->nw && !eq(P->w[pos], "]"); pos++)
		cabo_strbuf_puts(&comb, P->w[pos]);
	if (pos >= P->nw) {
		perror_(P, "missing ']'");
		cabo_strbuf_free(&comb);
		return first_pos;
	}
	pos++;
	char *c = cabo_xstrdup(cabo_strbuf_str(&comb));
	cabo_strbuf_free(&comb);
	size_t n = strlen(c);
	char *colon = strchr(c, ':'), *comma = strchr(c, ',');
	int32_t fieldpos = 0, len = 1, pos2;
	bool ok = false;
	if (colon && colon < c + n - 1) {
		*colon = 0;
		ok = parse_int32(c, &fieldpos) && parse_int32(colon + 1, &len);
	} else if (comma && comma < c + n - 1) {
		*comma = 0;
		ok = parse_int32(c, &fieldpos) && parse_int32(comma + 1, &pos2);
		len = pos2 - fieldpos + 1;
	} else {
		ok = parse_int32(c, &fieldpos);
	}
	free(c);
	if (!ok) {
		perror_(P, "syntax error after '[', expected '[POS]' or '[POS:LEN]'");
		return pos;
	}
	if (fieldpos < 0 || fieldpos >= 0x2000) {
		perror_(P, "POS in '[POS:LEN]' out of range");
		return pos;
	}
	if (len < 1 || len > 4) {
		perror_(P, "LEN in '[POS:LEN]' out of range, should be between 1 and 4");
		return pos;
	}
	int32_t bit = fieldpos * 8, nbits = len * 8;
	if ((bit & ~31) != ((bit + nbits - 1) & ~31)) {
		perror_(P, "field [%d:%d] does not fit in a single word", (int)fieldpos, (int)len);
		return pos;
	}
	int32_t proto = p->transp_proto == IPX_UNKNOWN ? 0 : p->transp_proto;
	set_type(P, p, IPX_FIELD(proto, bit, nbits));
	return pos;
}

static const char *word_at(const struct parser *P, unsigned pos)
{
	/* Click looks at the next word only when another follows it */
	return pos + 1 >= P->nw ? "" : P->w[pos];
}

static uint32_t add_prim(struct parser *P, const struct ipx_prim *p)
{
	struct ipx_set *s = P->s;
	if (s->nprim == s->capprim) {
		s->capprim = s->capprim ? 2 * s->capprim : 16;
		s->prim = cabo_xrealloc(s->prim, s->capprim * sizeof *s->prim);
	}
	s->prim[s->nprim] = *p;
	if (p->type == IPX_TYPE_PORT || p->type == IPX_TYPE_TCPOPT ||
	    ((p->type & IPX_TYPE_FIELD) && ipx_field_proto(p->type)))
		s->transport = true;
	return mk(s, IPX_PRIM, s->nprim++, 0, 0);
}

static unsigned parse_test(struct parser *P, unsigned pos, bool negated, uint32_t *out)
{
	*out = NONE;
	if (pos >= P->nw)
		return pos;
	const char *first = P->w[pos];
	if (eq(first, ")") || eq(first, "||") || eq(first, "or") || eq(first, "?") ||
	    eq(first, ":"))
		return pos;
	if (eq(first, "true") || eq(first, "false")) {
		*out = mk(P->s, eq(first, "true") != negated ? IPX_TRUE : IPX_FALSE, 0, 0, 0);
		return pos + 1;
	}

	unsigned first_pos = pos;
	struct ipx_prim prim;
	prim_clear(&prim);
	int header = 0;
	for (; pos < P->nw; pos++) {
		const char *wd = P->w[pos];
		uint32_t wdata;
		int wt = lookup(P, wd, 0, IPX_UNKNOWN, &wdata, false);
		if (wt == IPX_TYPE_TYPE) {
			set_type(P, &prim, (int32_t)wdata);
			if ((wdata & IPX_TYPE_FIELD) && (wdata & FIELD_PROTO_MASK))
				set_transp_proto(P, &prim, ipx_field_proto((int32_t)wdata));
		} else if (wt == IPX_TYPE_PROTO) {
			set_transp_proto(P, &prim, (int32_t)wdata);
		} else if (wt != -1) {
			break;
		} else if (eq(wd, "src")) {
			const char *w2 = pos + 2 < P->nw ? P->w[pos + 2] : "";
			const char *w1 = pos + 2 < P->nw ? P->w[pos + 1] : "";
			if ((eq(w2, "dst") || eq(w2, "dest")) && (eq(w1, "and") || eq(w1, "&&"))) {
				set_srcdst(P, &prim, IPX_SD_AND);
				pos += 2;
			} else if ((eq(w2, "dst") || eq(w2, "dest")) && (eq(w1, "or") || eq(w1, "||"))) {
				set_srcdst(P, &prim, IPX_SD_OR);
				pos += 2;
			} else {
				set_srcdst(P, &prim, IPX_SD_SRC);
			}
		} else if (eq(wd, "dst") || eq(wd, "dest")) {
			set_srcdst(P, &prim, IPX_SD_DST);
		} else if (eq(wd, "ip") || eq(wd, "ether")) {
			if (header)
				break;
			header = wd[0];
		} else if (eq(wd, "not") || eq(wd, "!")) {
			negated = !negated;
		} else {
			break;
		}
	}
	if (pos != first_pos)
		prim_clear(&P->prev);
	if (P->prev.data == IPX_TYPE_ETHER)
		header = 'e';

	const char *wd = word_at(P, pos);
	if (eq(wd, "[") && pos > first_pos && prim.type == IPX_TYPE_NONE) {
		pos = parse_brackets(P, &prim, pos);
		wd = word_at(P, pos);
	}

	int mask_dt = 0;
	uint32_t pmask = 0;
	if (eq(wd, "&") && pos + 1 < P->nw) {
		const char *mw = P->w[pos + 1];
		if (parse_uint32(mw, &pmask))
			mask_dt = IPX_TYPE_INT;
		else if (header != 'e' && parse_addr(mw, &pmask))
			mask_dt = IPX_TYPE_HOST;
		else if (header != 'i' && is_ether(mw))
			mask_dt = IPX_TYPE_ETHER;
		if (mask_dt)
			pos += 2;
		if (mask_dt && mask_dt != IPX_TYPE_ETHER && !pmask) {
			perror_(P, "zero mask ignored");
			mask_dt = 0;
		}
		wd = word_at(P, pos);
	}

	pos++;
	if (eq(wd, "=") || eq(wd, "==")) {
	} else if (eq(wd, "!=")) {
		prim.op_negated = true;
	} else if (eq(wd, ">")) {
		prim.op = IPX_OP_GT;
	} else if (eq(wd, "<")) {
		prim.op = IPX_OP_LT;
	} else if (eq(wd, ">=")) {
		prim.op = IPX_OP_LT;
		prim.op_negated = true;
	} else if (eq(wd, "<=")) {
		prim.op = IPX_OP_GT;
		prim.op_negated = true;
	} else {
		pos--;
	}

	if (pos < P->nw) {
		wd = P->w[pos];
		uint32_t wdata, a, m;
		int32_t iv;
		int wt = lookup(P, wd, prim.type, prim.transp_proto, &wdata, true);
		pos++;
		if (wt == -2) {
			prim.type = -2;
		} else if (wt != -1 && wt != IPX_TYPE_TYPE) {
			prim.data = wt;
			prim.value = wdata;
		} else if (parse_int32(wd, &iv)) {
			prim.data = IPX_TYPE_INT;
			prim.value = (uint32_t)iv;
		} else if (header != 'e' && parse_addr(wd, &a)) {
			prim.value = a;
			if (pos + 1 < P->nw && eq(P->w[pos], "mask") && parse_addr(P->w[pos + 1], &m)) {
				pos += 2;
				prim.data = IPX_TYPE_NET;
				prim.mask = m;
			} else {
				prim.data = IPX_TYPE_HOST;
			}
		} else if (header != 'e' && parse_prefix(wd, &a, &m)) {
			prim.data = IPX_TYPE_NET;
			prim.value = a;
			prim.mask = m;
		} else if (header != 'i' && is_ether(wd)) {
			prim.data = IPX_TYPE_ETHER;
		} else {
			if (prim.op != IPX_OP_EQ || prim.op_negated)
				perror_(P, "dangling operator near '%s'", wd);
			pos--;
		}
	}

	if (pos == first_pos) {
		perror_(P, "empty term near '%s'", wd);
		return pos;
	}
	if (check_prim(P, &prim, header, mask_dt, pmask) >= 0) {
		uint32_t x = add_prim(P, &prim);
		*out = negated ? mk_not(P->s, x) : x;
		P->prev = prim;
	}
	return pos;
}

static unsigned parse_expr(struct parser *P, unsigned pos, uint32_t *out);

static bool too_deep(struct parser *P)
{
	if (P->depth < MAX_DEPTH)
		return false;
	if (!P->aborted)
		perror_(P, "expression nested too deeply");
	P->aborted = true;
	return true;
}

static unsigned parse_factor(struct parser *P, unsigned pos, bool negated, uint32_t *out)
{
	*out = NONE;
	if (too_deep(P))
		return P->nw;
	if (pos < P->nw && (eq(P->w[pos], "not") || eq(P->w[pos], "!"))) {
		unsigned last = ++pos;
		P->depth++;
		pos = parse_factor(P, pos, !negated, out);
		P->depth--;
		if (pos == last)
			perror_(P, "missing expression after '%s'", P->w[pos - 1]);
		return pos;
	}
	if (pos < P->nw && eq(P->w[pos], "(")) {
		unsigned last = ++pos;
		P->depth++;
		pos = parse_expr(P, pos, out);
		P->depth--;
		if (pos == last)
			perror_(P, "missing expression after '('");
		if (pos < P->nw && eq(P->w[pos], ")"))
			pos++;
		else if (pos != last)
			perror_(P, "missing ')'");
		if (negated)
			*out = mk_not(P->s, *out);
		return pos;
	}
	return parse_test(P, pos, negated, out);
}

static unsigned parse_term(struct parser *P, unsigned pos, uint32_t *out)
{
	struct list items = { 0 };
	bool after_and = true;      /* Click's s_term1: a factor is required */
	for (;;) {
		unsigned last = pos;
		uint32_t f;
		pos = parse_factor(P, pos, false, &f);
		if (pos == last) {
			if (after_and)
				perror_(P, "missing expression");
			break;
		}
		list_add(&items, f);
		after_and = pos < P->nw && (eq(P->w[pos], "and") || eq(P->w[pos], "&&"));
		if (after_and)
			pos++;
	}
	*out = mk_list(P->s, IPX_AND, items.v, items.n);
	free(items.v);
	return pos;
}

static unsigned parse_orexpr(struct parser *P, unsigned pos, uint32_t *out)
{
	struct list items = { 0 };
	for (;;) {
		uint32_t t;
		pos = parse_term(P, pos, &t);
		list_add(&items, t);
		if (pos >= P->nw || !(eq(P->w[pos], "or") || eq(P->w[pos], "||")))
			break;
		pos++;
	}
	*out = mk_list(P->s, IPX_OR, items.v, items.n);
	free(items.v);
	return pos;
}

/* a ? b : c ? d : e is a ? b : (c ? d : e); a missing ':' leaves a and b. */
static uint32_t combine_cond(struct ipx_set *s, const uint32_t *v, unsigned n)
{
	if (n == 1)
		return v[0];
	if (n == 2)
		return mk_list(s, IPX_AND, v, 2);
	uint32_t rest = combine_cond(s, v + 2, n - 2);
	if (v[0] == NONE || v[1] == NONE || rest == NONE)
		return NONE;
	return mk(s, IPX_COND, v[0], v[1], rest);
}

static unsigned parse_expr(struct parser *P, unsigned pos, uint32_t *out)
{
	struct list items = { 0 };
	uint32_t x;
	pos = parse_orexpr(P, pos, &x);
	list_add(&items, x);
	while (pos < P->nw && eq(P->w[pos], "?") && !too_deep(P)) {
		unsigned last = ++pos;
		P->depth++;
		pos = parse_expr(P, pos, &x);
		P->depth--;
		list_add(&items, x);
		if (pos == last || pos >= P->nw || !eq(P->w[pos], ":")) {
			perror_(P, "missing ':' in ternary expression");
			break;
		}
		pos = parse_orexpr(P, pos + 1, &x);
		list_add(&items, x);
	}
	*out = combine_cond(P->s, items.v, items.n);
	free(items.v);
	return pos;
}

/* ======================================================================
 * Pattern lists
 * ====================================================================== */

static void parse_one(struct ipx_set *s, unsigned slot, const char *text, unsigned noutputs,
		      bool filter, struct cabo_errh *errh)
{
	char *unq = strpbrk(text, "\"'\\") ? cabo_unquote(text) : NULL;
	char **w;
	unsigned nw = split_words(unq ? unq : text, &w);
	free(unq);
	struct parser P = { .s = s, .w = w, .nw = nw, .slot = slot, .errh = errh };
	prim_clear(&P.prev);
	s->root[slot] = mk(s, IPX_FALSE, 0, 0, 0);
	s->action[slot] = filter ? IPX_DROP : (int32_t)slot;
	unsigned pos = 0;
	if (filter) {
		if (!nw) {
			cabo_errh_error(errh, "empty pattern %u", slot);
			goto done;
		}
		const char *a = w[pos++];
		int32_t out;
		if (eq(a, "allow")) {
			s->action[slot] = 0;
			if (noutputs == 0)
				perror_(&P, "'allow' is meaningless, element has zero outputs");
		} else if (eq(a, "deny")) {
			if (noutputs > 1)
				pwarning(&P, "meaning of 'deny' has changed (now it means 'drop')");
		} else if (eq(a, "drop")) {
		} else if (parse_int32(a, &out)) {
			if (out < 0 || (unsigned)out >= noutputs)
				perror_(&P, "slot '%d' out of range", (int)out);
			else
				s->action[slot] = out;
		} else {
			perror_(&P, "unknown slot ID '%s'", a);
		}
	}
	if (pos == nw || (pos + 1 == nw && (eq(w[pos], "-") || eq(w[pos], "any") ||
					      eq(w[pos], "all")))) {
		s->root[slot] = mk(s, IPX_TRUE, 0, 0, 0);
	} else {
		uint32_t root;
		pos = parse_expr(&P, pos, &root);
		if (pos < nw)
			perror_(&P, "garbage after expression at '%s'", w[pos]);
		if (root != NONE)
			s->root[slot] = root;
	}
done:
	cabo_free_strings(w, nw);
}

int ipx_parse(struct ipx_set *s, const char *const *patterns, unsigned n, unsigned noutputs,
	      bool filter, struct cabo_errh *errh)
{
	memset(s, 0, sizeof *s);
	unsigned errors = errh->nerrors;
	s->npattern = n;
	s->root = cabo_xcalloc(n + 1, sizeof *s->root);
	s->action = cabo_xcalloc(n + 1, sizeof *s->action);
	for (unsigned i = 0; i < n; i++) {
		parse_one(s, i, patterns[i], noutputs, filter, errh);
	}
	return errh->nerrors != errors ? -1 : 0;
}

void ipx_set_free(struct ipx_set *s)
{
	free(s->node);
	free(s->kid);
	free(s->prim);
	free(s->root);
	free(s->action);
	memset(s, 0, sizeof *s);
}

void ipx_field_bytes(int32_t t, unsigned *start, unsigned *end)
{
	unsigned bit = ipx_field_bitoff(t), nbits = ipx_field_nbits(t);
	*start = bit / 8;
	*end = (bit + nbits + 7) / 8;
}

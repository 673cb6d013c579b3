/* IP filter expressions: names, name lookup, and Click's checks of each
 * primitive (IPFilter::lookup and IPFilter::Primitive), with Click's error
 * messages. */
#include "ipexpr_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

void ipx_perror(struct ipx_parser *P, const char *fmt, ...)
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

void ipx_pwarning(struct ipx_parser *P, const char *fmt, ...)
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

/* ---- Name lookup (Click's IPFilter::lookup): -1 none, -2 reported error */

int ipx_lookup(struct ipx_parser *P, const char *word, int32_t type, int32_t proto, uint32_t *data,
	       bool report)
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
		ipx_perror(P, "'%s' is %s; try %s", cabo_strbuf_str(&what),
			ngot > 1 ? "ambiguous" : "meaningless", cabo_strbuf_str(&tries));
		cabo_strbuf_free(&what);
		cabo_strbuf_free(&tries);
	}
	return -2;
}

/* ---- Primitives (Click's IPFilter::Primitive) */

void ipx_prim_clear(struct ipx_prim *p)
{
	memset(p, 0, sizeof *p);
	p->transp_proto = IPX_UNKNOWN;
	p->op = IPX_OP_EQ;
}

void ipx_set_type(struct ipx_parser *P, struct ipx_prim *p, int32_t t)
{
	if (p->type)
		ipx_perror(P, "type specified twice");
	p->type = t;
}

void ipx_set_srcdst(struct ipx_parser *P, struct ipx_prim *p, int32_t sd)
{
	if (p->srcdst)
		ipx_perror(P, "'src' or 'dst' specified twice");
	p->srcdst = sd;
}

void ipx_set_transp_proto(struct ipx_parser *P, struct ipx_prim *p, int32_t proto)
{
	if (p->transp_proto != IPX_UNKNOWN && p->transp_proto != proto)
		ipx_perror(P, "transport protocol specified twice");
	p->transp_proto = proto;
}

static int type_error(struct ipx_parser *P, const struct ipx_prim *p, const char *msg)
{
	char t[64];
	unparse_type(p->srcdst, p->type, t, sizeof t);
	ipx_perror(P, "'%s': %s", t, msg);
	return -1;
}

static int ffs_msb(uint32_t x)
{
	return x ? __builtin_clz(x) + 1 : 0;
}

/* Sets value and mask for a field of `full_mask` bits; relations become
 * EQ or GT (Click's Primitive::set_mask). */
static int set_mask(struct ipx_parser *P, struct ipx_prim *p, uint32_t full_mask, uint32_t provided)
{
	uint32_t data = p->value;
	uint32_t this_mask = provided ? provided : full_mask;
	char t[64];
	unparse_type(p->srcdst, p->type, t, sizeof t);
	if ((this_mask & full_mask) != this_mask) {
		ipx_perror(P, "'%s': mask out of range, bound 0x%X", t, full_mask);
		return -1;
	}
	if (p->op == IPX_OP_GT || p->op == IPX_OP_LT) {
		if ((p->op == IPX_OP_LT && (data == 0 || data > this_mask)) ||
		    (p->op == IPX_OP_GT && data >= this_mask)) {
			bool will_be = p->op == IPX_OP_LT && data > this_mask ? !p->op_negated
									      : p->op_negated;
			ipx_pwarning(P, "relation '%s %u' is always %s (range 0-%u)", unparse_op(p), data,
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
		ipx_perror(P, "'%s': out of range, bound %u", t, full_mask);
		return -1;
	}
	p->mask = this_mask;
	return 0;
}

int ipx_check_prim(struct ipx_parser *P, struct ipx_prim *p, int header, int mask_dt,
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
				ipx_perror(P, "specify header field or 'port'");
				return -1;
			}
			p->data = prev->type;
			goto retry;
		case IPX_TYPE_NONE:
			if (p->transp_proto == IPX_UNKNOWN) {
				ipx_perror(P, "partial directive");
				return -1;
			}
			p->type = IPX_TYPE_PROTO;
			break;
		default:
			if (!(p->data & IPX_TYPE_FIELD)) {
				char t[64];
				unparse_type(0, p->data, t, sizeof t);
				ipx_perror(P, "unknown type '%s'", t);
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
				ipx_perror(P, "'%s': operator or mask not supported", pr);
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
			ipx_perror(P, "'port': bad protocol %d", (int)p->transp_proto);
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
			ipx_perror(P, "'tcp opt': bad protocol %d", (int)p->transp_proto);
			return -1;
		}
		if (p->op != IPX_OP_EQ || p->op_negated || mask_dt)
			return type_error(P, p, "operator or mask not supported");
		if ((int32_t)p->value < 0 || (int32_t)p->value > 255) {
			ipx_perror(P, "'tcp opt': value %d out of range", (int)p->value);
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
		ipx_pwarning(P, "'%s': 'src' or 'dst' ignored", t);
	}
	return 0;
}

/*
 * =c
 * IPGWOptions(MYADDR [, OTHERADDRS, KEYWORDS SOURCE_ROUTE])
 * =s
 * processes router IP options
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * agnostic input and output 0, push output 1
 * =d
 * Processes the IP options that every router on a packet's path handles
 * (RFC 791, RFC 1812 5.2.4): Record Route and Timestamp, and, only when
 * SOURCE_ROUTE is true, Loose and Strict Source Route.  Expects IP packets
 * with their network header annotation set (by CheckIPHeader, for
 * example).  MYADDR is the router's address on the interface the packets
 * leave by (RFC 1812 4.2.2.2), so IPGWOptions usually sits on an output
 * path, after the routing lookup; OTHERADDRS lists the router's other
 * addresses.  A packet that needs changes is copied first if it is shared,
 * and its header checksum is recomputed; packets without options pass
 * untouched.
 *
 * Record Route: MYADDR is recorded at the option's pointer, which advances
 * by 4.  A full option (pointer beyond its length) is left as it is.
 *
 * Timestamp: the time in milliseconds since midnight UT (router clock:
 * simulated time under `cabo --simtime') is recorded; with flag 1, preceded
 * by MYADDR; with flag 3 (prespecified addresses), only if the next address
 * listed is MYADDR or one of OTHERADDRS.  A full option gets its overflow
 * count incremented instead, for every flag (RFC 791; Click reports a full
 * flag-3 option as an error).
 *
 * Source routes (Loose 131 and Strict 137) let the sender choose the path,
 * which is how source-routing attacks get around filters and reach what a
 * tenant's routing would not: by default a packet that carries one is
 * dropped (reason `source route').  A tenant that wants source routing sets
 * SOURCE_ROUTE true (or writes the source_route handler).  Then, when the
 * packet's destination is MYADDR or one of OTHERADDRS and the route is not
 * done, the next address in the route becomes the packet's destination (and
 * its destination address annotation), MYADDR takes its place in the route
 * (the route is recorded), and the pointer advances by 4 (RFC 791).  Other
 * source-routed packets pass unchanged.  Since the destination can change,
 * place an IPGWOptions that honours source routes before the routing lookup.
 * IPGWOptions does not check that a strict route's next hop is directly
 * connected: that is for the routing lookup.
 *
 * A malformed option (length below 2 or beyond the header, a Record Route or
 * Source Route pointer below 4 or leaving less than 4 bytes, a Timestamp
 * pointer below 5 or leaving too little room, an unknown Timestamp flag, an
 * overflow count at 15 that must grow, a second source route option) sends
 * the unchanged packet to output 1, if connected, or drops it (reason `bad
 * option'); either way it counts in the drops handler.  The packet's
 * parameter-problem annotation (user annotation byte 1, Click's
 * ICMP_PARAMPROB_ANNO) is set to the offset of the offending byte from the
 * start of the IP header, for an ICMPError(ADDR, parameterproblem) on output
 * 1.  A packet without a valid IPv4 header at its network header annotation
 * is dropped (reason `no IP header'), where Click would fail an assertion.
 * =k MYADDR
 * IP address.  Mandatory.
 * =k OTHERADDRS
 * Space-separated list of IP addresses: the router's other addresses, for
 * prespecified timestamps and source routes.  Default empty.
 * =k SOURCE_ROUTE
 * Boolean.  If true, process source route options; if false, drop packets
 * that carry one.  Default false.
 * =h drops read
 * Returns the number of packets with malformed options (emitted on output 1
 * or dropped).
 * =h source_route read/write
 * Returns or sets SOURCE_ROUTE.
 * =e
 *   ... -> rt :: StaticIPLookup(...);
 *   rt[0] -> gw :: IPGWOptions(18.26.4.24, 18.26.7.1) -> ...
 *   gw[1] -> ICMPError(18.26.4.24, parameterproblem) -> ...
 * =a
 * ICMPError, CheckIPHeader
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "iphdr.h"

enum { BAD_OPTION, SOURCE_ROUTE, NO_HEADER, NO_BUFFER };

static const char *const ipgwoptions_drop_reasons[] = {
	"bad option", "source route", "no IP header", "no buffer", NULL,
};

enum {
	IPOPT_EOL = 0, IPOPT_NOP = 1, IPOPT_RR = 7, IPOPT_TS = 68, IPOPT_LSRR = 131,
	IPOPT_SSRR = 137,
	MS_PER_DAY = 86400000,
	/* walk() results besides an error pointer (0..59) */
	OPTS_OK = -1, OPTS_SOURCE_ROUTE = -2,
};

struct ipgwoptions {
	struct cabo_element e;
	uint32_t myaddr;            /* network byte order */
	uint32_t *addrs;            /* MYADDR and OTHERADDRS */
	unsigned naddrs;
	bool source_route;
	uint64_t drops;
};

static int ipgwoptions_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct ipgwoptions *g = (struct ipgwoptions *)e;
	char *others = NULL;
	cabo_args_read_ip4(a, "MYADDR", CABO_ARG_MP, &g->myaddr);
	cabo_args_read_raw(a, "OTHERADDRS", CABO_ARG_POSITIONAL, &others);
	cabo_args_read_bool(a, "SOURCE_ROUTE", 0, &g->source_route);
	int r = cabo_args_complete(a);
	char **w = NULL, *u = NULL;
	if (r == 0 && others && (others[0] == '"' || others[0] == '\'')
	    && !(u = cabo_unquote(others)))
		r = cabo_errh_error(a->errh, "OTHERADDRS: expected list of IP addresses");
	unsigned n = r == 0 && others ? cabo_split_words(u ? u : others, &w) : 0;
	g->addrs = cabo_xcalloc(n + 1, sizeof *g->addrs);
	g->addrs[g->naddrs++] = g->myaddr;
	for (unsigned i = 0; i < n && r == 0; i++)
		if (!cabo_parse_ip4(w[i], &g->addrs[g->naddrs++]))
			r = cabo_errh_error(a->errh, "OTHERADDRS: expected list of IP addresses");
	cabo_free_strings(w, n);
	free(u);
	free(others);
	return r;
}

static void ipgwoptions_cleanup(struct cabo_element *e)
{
	free(((struct ipgwoptions *)e)->addrs);
}

static bool is_mine(const struct ipgwoptions *g, uint32_t a)
{
	for (unsigned i = 0; i < g->naddrs; i++)
		if (g->addrs[i] == a)
			return true;
	return false;
}

/* ---- Options */

/* Walks the options of header h (hlen bytes).  With apply false it only
 * checks them and says (in *write) whether any needs changing; with apply
 * true it changes them (the header must then be writable).  Returns OPTS_OK,
 * OPTS_SOURCE_ROUTE (one present, not allowed) or the offset of the first
 * offending byte.  *rerouted says whether a source route changed the
 * destination. */
static int walk(struct ipgwoptions *g, uint8_t *h, unsigned hlen, bool apply, bool *write,
		bool *rerouted)
{
	bool to_me = is_mine(g, get_addr(h + IPH_DST)), srr_seen = false;
	uint32_t ms = (uint32_t)((cabo_element_now(&g->e) / 1000000) % MS_PER_DAY);
	uint8_t ts[4] = { (uint8_t)(ms >> 24), (uint8_t)(ms >> 16), (uint8_t)(ms >> 8), (uint8_t)ms };
	unsigned oi = IPH_MIN;
	while (oi < hlen) {
		unsigned type = h[oi];
		if (type == IPOPT_EOL)
			break;
		if (type == IPOPT_NOP) {
			oi++;
			continue;
		}
		if (oi + 1 >= hlen)
			return (int)oi;
		unsigned xlen = h[oi + 1];
		if (xlen < 2 || oi + xlen > hlen)
			return (int)oi + 1;
		uint8_t *o = h + oi;
		unsigned ptr = xlen > 2 ? o[2] : 0;
		switch (type) {
		case IPOPT_RR:
			if (xlen < 3)
				return (int)oi + 1;
			if (ptr < 4 || (ptr <= xlen && ptr + 3 > xlen))
				return (int)oi + 2;
			if (ptr > xlen)        /* full */
				break;
			if (apply) {
				put_addr(o + ptr - 1, g->myaddr);
				o[2] += 4;
			}
			*write = true;
			break;
		case IPOPT_TS: {
			if (xlen < 4)
				return (int)oi + 1;
			unsigned flag = o[3] & 15, overflow = o[3] >> 4;
			unsigned size = flag == 0 ? 4 : 8;
			if (ptr < 5)
				return (int)oi + 2;
			if (flag != 0 && flag != 1 && flag != 3)
				return (int)oi + 3;
			if (ptr > xlen) {      /* full: count the overflow */
				if (overflow == 15)
					return (int)oi + 3;
				if (apply)
					o[3] = (uint8_t)((overflow + 1) << 4 | flag);
				*write = true;
				break;
			}
			if (ptr + size - 1 > xlen)
				return (int)oi + 2;
			if (flag == 3 && !is_mine(g, get_addr(o + ptr - 1)))
				break;
			if (apply) {
				if (flag == 1)
					put_addr(o + ptr - 1, g->myaddr);
				memcpy(o + ptr - 1 + size - 4, ts, 4);
				o[2] += (uint8_t)size;
			}
			*write = true;
			break;
		}
		case IPOPT_LSRR:
		case IPOPT_SSRR:
			if (!g->source_route)
				return OPTS_SOURCE_ROUTE;
			if (srr_seen)
				return (int)oi;
			srr_seen = true;
			if (xlen < 3)
				return (int)oi + 1;
			if (ptr < 4 || (ptr <= xlen && ptr + 3 > xlen))
				return (int)oi + 2;
			if (ptr > xlen || !to_me)   /* done, or not at a hop yet */
				break;
			if (apply) {
				uint32_t next = get_addr(o + ptr - 1);
				put_addr(o + ptr - 1, g->myaddr);
				o[2] += 4;
				put_addr(h + IPH_DST, next);
			}
			*write = *rerouted = true;
			break;
		default:                       /* not for routers on the way */
			break;
		}
		oi += xlen;
	}
	return OPTS_OK;
}

/* Returns the packet to pass on output 0, or NULL: it went to `bad`, was
 * dropped, or could not be made writable. */
static struct cabo_packet *process(struct ipgwoptions *g, struct cabo_packet *p,
				   struct cabo_batch *bad)
{
	uint8_t *h = ip_header(p);
	unsigned hlen = h ? (h[0] & 15u) << 2 : 0;
	if (!h || (h[0] >> 4) != 4 || hlen < IPH_MIN || hlen > bytes_from(p, h)) {
		cabo_element_drop(&g->e, p, NO_HEADER);
		return NULL;
	}
	if (hlen == IPH_MIN)
		return p;
	bool write = false, rerouted = false;
	int r = walk(g, h, hlen, false, &write, &rerouted);
	if (r == OPTS_SOURCE_ROUTE) {
		cabo_element_drop(&g->e, p, SOURCE_ROUTE);
		return NULL;
	}
	if (r >= 0) {
		g->drops++;
		p->anno.user[CABO_ANNO_PARAM_OFF] = (uint8_t)r;
		if (g->e.noutputs > 1)
			cabo_batch_add(bad, p);
		else
			cabo_element_drop(&g->e, p, BAD_OPTION);
		return NULL;
	}
	if (!write)
		return p;
	size_t off = (size_t)(h - p->data);
	p = cabo_packet_writable(p);
	if (!p) {
		g->e.drops[NO_BUFFER]++;
		return NULL;
	}
	h = p->data + off;
	walk(g, h, hlen, true, &write, &rerouted);
	ip_header_set_csum(h, hlen);
	if (rerouted)
		p->anno.dst.ip4 = get_addr(h + IPH_DST);
	return p;
}

static void process_batch(struct ipgwoptions *g, struct cabo_batch *b, struct cabo_batch *bad)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < b->count; i++) {
		struct cabo_packet *p = b->p[i];
		const uint8_t *h = ip_header(p);
		if (h && h[0] == 0x45) {   /* no options, nearly every packet */
			b->p[kept++] = p;
			continue;
		}
		p = process(g, p, bad);
		if (p)
			b->p[kept++] = p;
	}
	b->count = kept;
}

CABO_SPLIT_BATCH(ipgwoptions, struct ipgwoptions, process_batch)

static const struct cabo_handler ipgwoptions_handlers[] = {
	{ "drops", cabo_read_u64_field, NULL, CABO_FIELD(struct ipgwoptions, drops), 0 },
	{ "source_route", cabo_read_bool_field, cabo_write_bool_field,
	  CABO_FIELD(struct ipgwoptions, source_route), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(ipgwoptions_class) = {
	.name = "IPGWOptions", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct ipgwoptions), .configure = ipgwoptions_configure,
	.cleanup = ipgwoptions_cleanup, .push = ipgwoptions_push, .pull = ipgwoptions_pull,
	.handlers = ipgwoptions_handlers, .drop_reasons = ipgwoptions_drop_reasons,
};

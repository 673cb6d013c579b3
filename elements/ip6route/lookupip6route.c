/*
 * =c
 * LookupIP6Route(ADDR1/LEN1 [GW1] OUT1, ADDR2/LEN2 [GW2] OUT2, ..., [FILE path])
 * =s
 * IPv6 routing lookup by longest-prefix match
 * =ports
 * 1 input, any number of outputs
 * =processing
 * push
 * =d
 * Expects IPv6 packets with a destination IPv6 address annotation (set by
 * CheckIP6Header).  Looks up that address in its routing table by
 * longest-prefix match, sets the destination annotation to the route's
 * gateway (if it has one), and emits the packet on the route's output.
 * Packets with no route are dropped (counted as `no route').
 *
 * Each argument is a route: a destination prefix ADDR/LEN (the length may
 * also be written as a mask; a bare address is a /128), an optional
 * gateway IPv6 address (`-' or `::' for none), and an output port.  No
 * prefix may occur twice.
 *
 * LookupIP6Route is built for full Internet tables: its table is a
 * compressed multibit trie in the style of Poptrie (Asai and Ohara, 2015),
 * direct-indexed on the first 18 bits and then 6 bits a level, with 64-bit
 * child bitmaps, population counts, and leaves pushed down and run-length
 * compressed, so a /48 is found in seven memory reads (the top entry, five
 * nodes, a leaf) whatever the table size; the 160,000-prefix IPv6 Internet
 * table takes about 7 MB.  A batch of packets walks the trie one level at
 * a time, prefetching the next level for all of them.  It holds at most
 * 65535 distinct gateway/output pairs.
 *
 * Routes may be added and removed through the handlers while packets flow.
 * The table is never changed in place: an update builds new copies of the
 * few nodes on the path to the changed prefix, sharing everything else,
 * and switches to them with one atomic store, so a packet is routed by the
 * old or the new table, never a mix, and lookups take no lock.  Replaced
 * nodes are freed only after every lookup that could still read them has
 * finished.
 * =k FILE
 * A file of routes to load at configuration, one a line:
 * `ADDR/LEN [GATEWAY] OUTPUT'; `#' starts a comment.  Bad lines are
 * reported as `FILE:LINE: message' (all are counted, the first 100 shown),
 * and make configuration fail.  Routes given as arguments come first.
 * =h table read
 * Returns the routing table as Click's LookupIP6Route does: a line
 * `# Active routes', then one route a line, `ADDR/LEN', gateway (`::' for
 * none) and output separated by tabs.
 * =h lookup read/write
 * Write an IPv6 address, then read the output port and gateway its packets
 * would get: `OUT GW', `OUT' (no gateway) or `-1' (no route).
 * =h add write
 * Adds a route, `ADDR/LEN [GW] OUT'.  Fails if a route for ADDR/LEN
 * already exists.
 * =h set write
 * Sets a route, whether or not a route for the same prefix exists.
 * =h remove write
 * Removes a route, `ADDR/LEN [GW OUT]'; with GW and OUT they must match.
 * =h ctrl write
 * Adds or removes a group of routes, one command a line: `add ROUTE',
 * `set ROUTE' or `remove ROUTE'.  If a command fails, the ones before it
 * are undone.
 * =h flush write
 * Removes every route in one atomic step.
 * =e
 *   FromDump(in.pcap, STOP true) -> Classifier(12/86dd) -> Strip(14)
 *       -> CheckIP6Header
 *       -> rt :: LookupIP6Route(2001:db8::/32 0, ::/0 fe80::1 1,
 *                               FILE routes6.txt);
 *   rt[0] -> Discard; rt[1] -> Queue -> ...
 * =a
 * CheckIP6Header, DirectIPLookup, RadixIPLookup
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ip6route.h"

struct lookupip6route {
	struct cabo_element e;
	struct cabo_ip6rt table;
	bool table_ready;
	bool has_query;
	uint8_t query[16];          /* `lookup' address written */
};

enum { DROP_NO_ROUTE };

static const char *const drop_reasons[] = { "no route", NULL };

static struct lookupip6route *self(struct cabo_element *e)
{
	return (struct lookupip6route *)e;
}

/* ======================================================================
 * Configuration
 * ====================================================================== */

static int configure(struct cabo_element *e, struct cabo_args *a)
{
	struct lookupip6route *x = self(e);
	struct cabo_errh *errh = a->errh;
	char *file = NULL;
	const char *const *routes;
	cabo_args_read_string(a, "FILE", 0, &file);
	unsigned nroutes = cabo_args_read_rest(a, &routes);
	if (cabo_args_complete(a) < 0) {
		free(file);
		return -1;
	}
	cabo_ip6rt_init(&x->table);
	x->table_ready = true;

	cabo_ip6rt_begin_load(&x->table);
	int rc = cabo_routectl_configure(&cabo_ip6route_family, &x->table, routes, nroutes, file,
					 e->noutputs, errh);
	free(file);
	if (rc < 0)
		return -1;
	cabo_ip6rt_end_load(&x->table);
	return 0;
}

static void cleanup(struct cabo_element *e)
{
	struct lookupip6route *x = self(e);
	if (x->table_ready)
		cabo_ip6rt_destroy(&x->table);
	x->table_ready = false;
}

/* ======================================================================
 * The fast path
 * ====================================================================== */

static void push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct lookupip6route *x = self(e);
	unsigned n = b->count;
	if (!n)
		return;
	cabo_u128 dst[CABO_BATCH_MAX];
	uint8_t gw[CABO_BATCH_MAX][16];
	int out[CABO_BATCH_MAX];
	for (unsigned i = 0; i < n; i++)
		dst[i] = cabo_ip6_key(b->p[i]->anno.dst.ip6);
	cabo_ip6rt_resolve(&x->table, dst, n, out, gw);
	for (unsigned i = 0; i < n; i++) {
		uint64_t w[2];
		memcpy(w, gw[i], 16);
		if (w[0] | w[1])
			memcpy(b->p[i]->anno.dst.ip6, gw[i], 16);
	}
	cabo_output_push_each(e, b, out, DROP_NO_ROUTE);
}

/* ======================================================================
 * Handlers
 * ====================================================================== */

enum { H_LOOKUP = CABO_ROUTECTL_NCOMMANDS };

static int write_handler(struct cabo_element *e, const char *value, const void *arg,
			 struct cabo_errh *errh)
{
	struct lookupip6route *x = self(e);
	int which = (int)(intptr_t)arg;
	if (which != H_LOOKUP)
		return cabo_routectl_write(&cabo_ip6route_family, &x->table, e->noutputs, which,
					   value, errh);
	if (cabo_routectl_parse_query(&cabo_ip6route_family, value, x->query, errh) < 0)
		return -1;
	x->has_query = true;
	return 0;
}

static int read_table(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct lookupip6route *x = self(e);
	pthread_mutex_lock(&x->table.lock);
	cabo_ip6rt_dump(&x->table, out);
	pthread_mutex_unlock(&x->table.lock);
	return 0;
}

/* The address written to `lookup', looked up: "PORT GATEWAY", "PORT" or
 * "-1". */
static int read_lookup(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct lookupip6route *x = self(e);
	if (!x->has_query)
		return 0;
	uint8_t gw[16];
	int port = cabo_ip6rt_lookup_one(&x->table, x->query, gw);
	cabo_strbuf_printf(out, "%d", port);
	uint64_t w[2];
	memcpy(w, gw, 16);
	if (w[0] | w[1]) {
		char g[40];
		cabo_format_ip6(gw, g);
		cabo_strbuf_printf(out, " %s", g);
	}
	return 0;
}

#define H(name, read, write, arg, flags) { name, read, write, (const void *)(intptr_t)(arg), flags }

static const struct cabo_handler handlers[] = {
	H("table", read_table, NULL, 0, 0),
	H("lookup", read_lookup, write_handler, H_LOOKUP, 0),
	H("add", NULL, write_handler, CABO_ROUTECTL_ADD, 0),
	H("set", NULL, write_handler, CABO_ROUTECTL_SET, 0),
	H("remove", NULL, write_handler, CABO_ROUTECTL_REMOVE, 0),
	H("ctrl", NULL, write_handler, CABO_ROUTECTL_CTRL, 0),
	H("flush", NULL, write_handler, CABO_ROUTECTL_FLUSH, CABO_HANDLER_BUTTON),
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(lookupip6route_class) = {
	.name = "LookupIP6Route", .port_count = "1/-", .processing = "h/h",
	.size = sizeof(struct lookupip6route), .configure = configure,
	.cleanup = cleanup, .push = push,
	.handlers = handlers, .drop_reasons = drop_reasons,
};

/* The element side of the route tables (Click's IPRouteTable): configuration
 * (routes as arguments and FILE), the batch push, and the handlers add, set,
 * remove, ctrl, flush, table and lookup.  LinearIPLookup, StaticIPLookup,
 * RadixIPLookup and DirectIPLookup differ only in the engine and flags they
 * pass to cabo_iproute_configure. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iproute.h"

static struct cabo_iproute_element *self(struct cabo_element *e)
{
	return (struct cabo_iproute_element *)e;
}

/* ======================================================================
 * Configuration
 * ====================================================================== */

int cabo_iproute_load_file(struct cabo_rtable *t, const char *path, unsigned noutputs,
			   struct cabo_errh *errh)
{
	return cabo_routectl_load_file(&cabo_iproute_family, t, path, noutputs, errh);
}

int cabo_iproute_configure(struct cabo_element *e, struct cabo_args *a,
			   const struct cabo_lpm_ops *ops, unsigned flags)
{
	struct cabo_iproute_element *x = self(e);
	struct cabo_errh *errh = a->errh;
	char *file = NULL;
	const char *const *routes;
	cabo_args_read_string(a, "FILE", 0, &file);
	unsigned nroutes = cabo_args_read_rest(a, &routes);
	if (cabo_args_complete(a) < 0) {
		free(file);
		return -1;
	}
	x->flags = flags;
	if (cabo_rtable_init(&x->table, ops) < 0) {
		free(file);
		return cabo_errh_error(errh, "no memory for the route table");
	}
	x->table_ready = true;

	cabo_rtable_begin_load(&x->table);
	int rc = cabo_routectl_configure(&cabo_iproute_family, &x->table, routes, nroutes, file,
					 e->noutputs, errh);
	free(file);
	return rc < 0 ? -1 : cabo_rtable_end_load(&x->table, errh);
}

void cabo_iproute_cleanup(struct cabo_element *e)
{
	struct cabo_iproute_element *x = self(e);
	if (x->table_ready)
		cabo_rtable_destroy(&x->table);
	x->table_ready = false;
}

/* ======================================================================
 * The fast path
 * ====================================================================== */

/* One read section for the batch: look up, then set each packet's gateway
 * and note its output, while the next hops cannot be reused.  A batch that
 * all goes one way (the common case) is pushed whole. */
void cabo_iproute_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct cabo_iproute_element *x = self(e);
	struct cabo_rtable *t = &x->table;
	unsigned n = b->count;
	if (!n)
		return;
	uint32_t dst[CABO_BATCH_MAX], nh[CABO_BATCH_MAX];
	int out[CABO_BATCH_MAX];
	for (unsigned i = 0; i < n; i++)
		dst[i] = ntohl(b->p[i]->anno.dst.ip4);
	unsigned phase = cabo_lpm_read_lock(&t->rcu);
	t->ops->lookup(t->lpm, dst, n, nh);
	const struct cabo_nexthop *hops = t->nh;
	int first = hops[nh[0]].port, differ = 0;
	for (unsigned i = 0; i < n; i++) {
		const struct cabo_nexthop *h = &hops[nh[i]];
		out[i] = h->port;
		differ |= h->port ^ first;
		if (h->gw)
			b->p[i]->anno.dst.ip4 = h->gw;
	}
	cabo_lpm_read_unlock(&t->rcu, phase);
	if (!differ && first >= 0 && (unsigned)first < e->noutputs)
		cabo_output_push(e, (unsigned)first, b);
	else
		cabo_output_push_each(e, b, out, CABO_IPROUTE_DROP_NO_ROUTE);
}

const char *const cabo_iproute_drop_reasons[] = { "no route", NULL };

/* ======================================================================
 * Handlers
 * ====================================================================== */

enum { H_LOOKUP = CABO_ROUTECTL_NCOMMANDS };

static int write_handler(struct cabo_element *e, const char *value, const void *arg,
			 struct cabo_errh *errh)
{
	struct cabo_iproute_element *x = self(e);
	int which = (int)(intptr_t)arg;
	if (which != H_LOOKUP)
		return cabo_routectl_write(&cabo_iproute_family, &x->table, e->noutputs, which,
					   value, errh);
	if (cabo_routectl_parse_query(&cabo_iproute_family, value, &x->query, errh) < 0)
		return -1;
	x->has_query = true;
	return 0;
}

static int read_table(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct cabo_iproute_element *x = self(e);
	pthread_mutex_lock(&x->table.lock);
	cabo_rtable_dump(&x->table, x->flags & CABO_IPROUTE_TABS, out);
	pthread_mutex_unlock(&x->table.lock);
	return 0;
}

/* Click's `lookup ADDR` is a read handler with a parameter; here the address
 * is written first, then read: "PORT GATEWAY", "PORT", or "-1". */
static int read_lookup(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct cabo_iproute_element *x = self(e);
	if (!x->has_query)
		return 0;
	uint32_t gw = 0;
	int port = cabo_rtable_lookup_one(&x->table, x->query, &gw);
	cabo_strbuf_printf(out, "%d", port);
	if (gw) {
		char g[16];
		cabo_format_ip4(gw, g);
		cabo_strbuf_printf(out, " %s", g);
	}
	return 0;
}

#define H(name, read, write, arg, flags) { name, read, write, (const void *)(intptr_t)(arg), flags }

const struct cabo_handler cabo_iproute_handlers[] = {
	H("table", read_table, NULL, 0, 0),
	H("lookup", read_lookup, write_handler, H_LOOKUP, 0),
	H("add", NULL, write_handler, CABO_ROUTECTL_ADD, 0),
	H("set", NULL, write_handler, CABO_ROUTECTL_SET, 0),
	H("remove", NULL, write_handler, CABO_ROUTECTL_REMOVE, 0),
	H("ctrl", NULL, write_handler, CABO_ROUTECTL_CTRL, 0),
	H("flush", NULL, write_handler, CABO_ROUTECTL_FLUSH, CABO_HANDLER_BUTTON),
	{ NULL, NULL, NULL, NULL, 0 },
};

const struct cabo_handler cabo_iproute_static_handlers[] = {
	H("table", read_table, NULL, 0, 0),
	H("lookup", read_lookup, write_handler, H_LOOKUP, 0),
	{ NULL, NULL, NULL, NULL, 0 },
};

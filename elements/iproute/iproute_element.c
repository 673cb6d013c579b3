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

static const char route_syntax[] = "ADDR/MASK [GATEWAY] OUTPUT";

/* A route FILE's bad lines are all counted; this many are shown. */
enum { MAX_FILE_ERRORS = 100 };

static struct cabo_iproute_element *self(struct cabo_element *e)
{
	return (struct cabo_iproute_element *)e;
}

/* "10.0.0.0/8 - 1", Click's IPRoute::unparse() for messages */
static char *route_str(const struct cabo_iproute *r)
{
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	cabo_iproute_unparse(r, false, &sb);
	return cabo_strbuf_release(&sb);
}

/* ======================================================================
 * Configuration
 * ====================================================================== */

/* Adds a configured route; on failure returns the reason (caller frees). */
static char *add_configured(struct cabo_rtable *t, const struct cabo_iproute *r)
{
	struct cabo_iproute old;
	const char *why = NULL;
	int rc = cabo_rtable_add(t, r, false, &old, &why);
	if (rc == -EEXIST) {
		char *o = route_str(&old);
		char *msg = cabo_xasprintf("conflict with existing route '%s'", o);
		free(o);
		return msg;
	}
	return rc < 0 ? cabo_xstrdup(why) : NULL;
}

int cabo_iproute_load_file(struct cabo_rtable *t, const char *path, unsigned noutputs,
			   struct cabo_errh *errh)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return cabo_errh_error(errh, "FILE: %s: %s", path, strerror(errno));
	unsigned before = errh->nerrors, lineno = 0, bad = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		line[strcspn(line, "#\n")] = 0;
		const char *s = line + strspn(line, " \t\r");
		if (!*s)
			continue;
		size_t end = strlen(s);
		while (end && strchr(" \t\r", s[end - 1]))
			end--;
		struct cabo_iproute r;
		char *why = NULL;
		if (!cabo_iproute_parse(s, false, &r))
			why = cabo_xasprintf("bad route '%.*s' (expected '%s')", (int)end, s, route_syntax);
		else if (noutputs && (unsigned)r.port >= noutputs)
			why = cabo_xasprintf("output %d out of range (%u output%s)", (int)r.port,
					     noutputs, noutputs == 1 ? "" : "s");
		else
			why = add_configured(t, &r);
		if (why && ++bad <= MAX_FILE_ERRORS)
			cabo_errh_error(errh, "%s:%u: %s", path, lineno, why);
		free(why);
	}
	if (bad > MAX_FILE_ERRORS)
		cabo_errh_error(errh, "%s: %u more bad lines not shown", path, bad - MAX_FILE_ERRORS);
	if (ferror(f))
		cabo_errh_error(errh, "FILE: %s: %s", path, strerror(errno));
	free(line);
	fclose(f);
	return errh->nerrors == before ? 0 : -1;
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

	unsigned before = errh->nerrors;
	cabo_rtable_begin_load(&x->table);
	for (unsigned i = 0; i < nroutes; i++) {
		struct cabo_iproute r;
		if (!cabo_iproute_parse(routes[i], false, &r) || (unsigned)r.port >= e->noutputs) {
			cabo_errh_error(errh, "argument %u should be '%s'", i + 1, route_syntax);
			continue;
		}
		char *why = add_configured(&x->table, &r);
		if (why)
			cabo_errh_error(errh, "argument %u: %s", i + 1, why);
		free(why);
	}
	if (file)
		cabo_iproute_load_file(&x->table, file, e->noutputs, errh);
	free(file);
	if (errh->nerrors != before)
		return -1;
	return cabo_rtable_end_load(&x->table, errh);
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

enum { CMD_ADD, CMD_SET, CMD_REMOVE, H_CTRL, H_FLUSH, H_LOOKUP };

/* What undoes one applied command of a ctrl group. */
struct undo {
	int cmd;                    /* CMD_REMOVE: add back; CMD_ADD: remove; CMD_SET: set back */
	struct cabo_iproute route;
};

/* Click's IPRouteTable::run_command; the table lock is held. */
static int run_command(struct cabo_iproute_element *x, int cmd, const char *s,
		       struct undo *undo, struct cabo_errh *errh)
{
	struct cabo_iproute r, old;
	if (!cabo_iproute_parse(s, cmd == CMD_REMOVE, &r) || r.port >= (int32_t)x->e.noutputs)
		return cabo_errh_error(errh, "expected 'ADDR/MASK [GATEWAY%s'",
				       cmd == CMD_REMOVE ? " OUTPUT]" : "] OUTPUT");
	const char *why = NULL;
	int rc = cmd == CMD_REMOVE ? cabo_rtable_remove(&x->table, &r, &old)
		: cabo_rtable_add(&x->table, &r, cmd == CMD_SET, &old, &why);
	char *text = NULL;
	if (rc == -EEXIST) {
		text = route_str(&old);
		cabo_errh_error(errh, "conflict with existing route '%s'", text);
	} else if (rc == -ENOENT) {
		text = route_str(&r);
		cabo_errh_error(errh, "route '%s' not found", text);
	} else if (rc < 0) {
		cabo_errh_error(errh, "%s", why);
	} else if (undo) {
		undo->cmd = cmd == CMD_REMOVE ? CMD_REMOVE : old.port < 0 ? CMD_ADD : CMD_SET;
		undo->route = old.port < 0 ? r : old;
	}
	free(text);
	return rc < 0 ? -1 : 0;
}

/* Click's ctrl: `add|set|remove ROUTE` a line, applied in order; on the
 * first failure the applied ones are undone, last first. */
static int run_ctrl(struct cabo_iproute_element *x, const char *text, struct cabo_errh *errh)
{
	char *copy = cabo_xstrdup(text);
	struct undo *done = NULL;
	size_t ndone = 0, cap = 0;
	int rc = 0;
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *cut = strstr(line, "//");
		if (cut)
			*cut = 0;
		line[strcspn(line, "#")] = 0;
		line += strspn(line, " \t\r");
		size_t wl = strcspn(line, " \t\r");
		if (!wl)
			continue;
		int cmd;
		if (wl == 3 && !strncmp(line, "add", 3))
			cmd = CMD_ADD;
		else if (wl == 3 && !strncmp(line, "set", 3))
			cmd = CMD_SET;
		else if (wl == 6 && !strncmp(line, "remove", 6))
			cmd = CMD_REMOVE;
		else {
			rc = cabo_errh_error(errh, "bad command '%.*s'", (int)wl, line);
			break;
		}
		if (ndone == cap) {
			cap = cap ? 2 * cap : 8;
			done = cabo_xrealloc(done, cap * sizeof *done);
		}
		if ((rc = run_command(x, cmd, line + wl, &done[ndone], errh)) < 0)
			break;
		ndone++;
	}
	if (rc < 0)
		while (ndone--) {
			const struct undo *u = &done[ndone];
			if (u->cmd == CMD_ADD)
				cabo_rtable_remove(&x->table, &u->route, NULL);
			else
				cabo_rtable_add(&x->table, &u->route, u->cmd == CMD_SET, NULL, NULL);
		}
	free(done);
	free(copy);
	return rc;
}

static int write_handler(struct cabo_element *e, const char *value, const void *arg,
			 struct cabo_errh *errh)
{
	struct cabo_iproute_element *x = self(e);
	int which = (int)(intptr_t)arg, rc = 0;
	if (which == H_LOOKUP) {
		const char *v = value + strspn(value, " \t\r\n");
		size_t n = strlen(v);
		while (n && strchr(" \t\r\n", v[n - 1]))
			n--;
		char *addr = cabo_xstrndup(v, n);
		bool ok = cabo_parse_ip4(addr, &x->query);
		if (!ok)
			cabo_errh_error(errh, "expected IP address, not '%s'", addr);
		free(addr);
		if (!ok)
			return -1;
		x->has_query = true;
		return 0;
	}
	pthread_mutex_lock(&x->table.lock);
	if (which == H_CTRL)
		rc = run_ctrl(x, value, errh);
	else if (which == H_FLUSH)
		cabo_rtable_flush(&x->table);
	else
		rc = run_command(x, which, value, NULL, errh);
	pthread_mutex_unlock(&x->table.lock);
	return rc;
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
	H("add", NULL, write_handler, CMD_ADD, 0),
	H("set", NULL, write_handler, CMD_SET, 0),
	H("remove", NULL, write_handler, CMD_REMOVE, 0),
	H("ctrl", NULL, write_handler, H_CTRL, 0),
	H("flush", NULL, write_handler, H_FLUSH, CABO_HANDLER_BUTTON),
	{ NULL, NULL, NULL, NULL, 0 },
};

const struct cabo_handler cabo_iproute_static_handlers[] = {
	H("table", read_table, NULL, 0, 0),
	H("lookup", read_lookup, write_handler, H_LOOKUP, 0),
	{ NULL, NULL, NULL, NULL, 0 },
};

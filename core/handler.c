/* Handlers: every element's built-in ones (Click's name, class, config,
 * ports, handlers, plus drop reasons), the router-wide ones (version, config,
 * flatconfig, list, classes, requirements, stop), and lookup by
 * "element.handler". */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "build-config.h"
#include "master.h"
#include "router.h"

/* ---- Element defaults */

static int read_name(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_strbuf_puts(out, e->name);
	return 0;
}

static int read_class(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_strbuf_puts(out, e->cls->name);
	return 0;
}

static int read_config(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_strbuf_puts(out, e->config);
	return 0;
}

/* Click's format: "N input(s)", then one line per port with its processing
 * and the ports it connects to; the same for outputs. */
static void describe_side(struct cabo_element *e, bool output, struct cabo_strbuf *out)
{
	const struct cabo_router *r = e->router;
	unsigned n = output ? e->noutputs : e->ninputs;
	cabo_strbuf_printf(out, "%u %s%s\n", n, output ? "output" : "input", n == 1 ? "" : "s");
	for (unsigned p = 0; p < n; p++) {
		bool push = output ? e->outputs[p].push : e->inputs[p].push;
		cabo_strbuf_puts(out, push ? "push\t" : "pull\t");
		const char *sep = "";
		for (unsigned k = 0; k < r->config.nconns; k++) {
			const struct cabo_conn *c = &r->config.conns[k];
			if (output && c->from == e->index && c->from_port == p)
				cabo_strbuf_printf(out, "%s[%u] %s", sep, c->to_port, r->elements[c->to]->name);
			else if (!output && c->to == e->index && c->to_port == p)
				cabo_strbuf_printf(out, "%s%s [%u]", sep, r->elements[c->from]->name, c->from_port);
			else
				continue;
			sep = ", ";
		}
		cabo_strbuf_putc(out, '\n');
	}
}

static int read_ports(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	describe_side(e, false, out);
	describe_side(e, true, out);
	return 0;
}

static int read_handlers(struct cabo_element *e, const void *arg, struct cabo_strbuf *out);

/* VPP-style error counters: one line per drop reason, "count reason". */
static int read_drops_by_reason(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	for (unsigned i = 0; i < e->ndrop_reasons; i++)
		cabo_strbuf_printf(out, "%" PRIu64 " %s\n", e->drops[i], e->cls->drop_reasons[i]);
	return 0;
}

static const struct cabo_handler default_handlers[] = {
	{ "name", read_name, NULL, NULL, 0 },
	{ "class", read_class, NULL, NULL, 0 },
	{ "config", read_config, NULL, NULL, 0 },
	{ "ports", read_ports, NULL, NULL, 0 },
	{ "handlers", read_handlers, NULL, NULL, 0 },
	{ "drop_reasons", read_drops_by_reason, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

const struct cabo_handler *cabo_element_handler(struct cabo_element *e, const char *name)
{
	for (const struct cabo_handler *h = e->cls->handlers; h && h->name; h++)
		if (strcmp(h->name, name) == 0)
			return h;
	for (const struct cabo_handler *h = default_handlers; h->name; h++)
		if (strcmp(h->name, name) == 0)
			return h;
	return NULL;
}

static void list_handler(const struct cabo_handler *h, struct cabo_strbuf *out)
{
	cabo_strbuf_printf(out, "%s\t%s%s\n", h->name, h->read ? "r" : "", h->write ? "w" : "");
}

static int read_handlers(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	for (const struct cabo_handler *h = default_handlers; h->name; h++)
		if (cabo_element_handler(e, h->name) == h) /* not overridden by the class */
			list_handler(h, out);
	for (const struct cabo_handler *h = e->cls->handlers; h && h->name; h++)
		list_handler(h, out);
	return 0;
}

/* ---- Router-wide handlers */

struct router_handler {
	const char *name;
	int (*read)(struct cabo_router *r, struct cabo_strbuf *out);
	int (*write)(struct cabo_router *r, const char *value, struct cabo_errh *errh);
};

static int read_version(struct cabo_router *r, struct cabo_strbuf *out)
{
	cabo_strbuf_puts(out, PACKAGE_VERSION);
	return 0;
}

static int read_source(struct cabo_router *r, struct cabo_strbuf *out)
{
	cabo_strbuf_puts(out, r->source_text);
	return 0;
}

static int read_flatconfig(struct cabo_router *r, struct cabo_strbuf *out)
{
	char *flat = cabo_config_unparse(&r->config);
	cabo_strbuf_puts(out, flat);
	free(flat);
	return 0;
}

static int read_list(struct cabo_router *r, struct cabo_strbuf *out)
{
	cabo_strbuf_printf(out, "%u\n", r->nelements);
	for (unsigned i = 0; i < r->nelements; i++)
		cabo_strbuf_printf(out, "%s\n", r->elements[i]->name);
	return 0;
}

static int read_classes(struct cabo_router *r, struct cabo_strbuf *out)
{
	for (unsigned i = 0; i < cabo_nelement_classes; i++)
		cabo_strbuf_printf(out, "%s\n", cabo_element_classes[i]->name);
	return 0;
}

static int read_requirements(struct cabo_router *r, struct cabo_strbuf *out)
{
	for (unsigned i = 0; i < r->config.nrequirements; i++)
		cabo_strbuf_printf(out, "%s\n", r->config.requirements[i]);
	return 0;
}

static int write_stop(struct cabo_router *r, const char *value, struct cabo_errh *errh)
{
	cabo_router_request_stop(r);
	return 0;
}

static const struct router_handler router_handlers[] = {
	{ "version", read_version, NULL },
	{ "config", read_source, NULL },
	{ "flatconfig", read_flatconfig, NULL },
	{ "list", read_list, NULL },
	{ "classes", read_classes, NULL },
	{ "requirements", read_requirements, NULL },
	{ "stop", NULL, write_stop },
	{ NULL, NULL, NULL },
};

static const struct router_handler *router_handler(const char *name)
{
	for (const struct router_handler *h = router_handlers; h->name; h++)
		if (strcmp(h->name, name) == 0)
			return h;
	return NULL;
}

/* ---- Lookup by "element.handler" */

struct target {
	struct cabo_router *router;                /* the pipeline that holds it */
	struct cabo_element *element;              /* NULL for router-wide */
	const struct cabo_handler *handler;
	const struct router_handler *global;
};

/* "sp1/rt.table" names handler rt.table of virtual node sp1 (nested nodes
 * nest: "sp1/sub/rt.table").  Moves r and *spec down to the pipeline that
 * holds the element, as far as the names lead; an element of r itself wins
 * over a virtual node's path. */
static struct cabo_router *descend(struct cabo_router *r, const char **spec)
{
	for (;;) {
		size_t len = strcspn(*spec, ".");
		char *ename = cabo_xstrndup(*spec, len);
		bool here = cabo_router_find(r, ename) != NULL;
		free(ename);
		if (here)
			return r;
		struct cabo_router *next = NULL;
		size_t prefix = r->name[0] ? strlen(r->name) + 1 : 0;
		for (unsigned i = 0; i < r->nchildren && !next; i++) {
			/* The node's name relative to r: its element's path in r,
			 * "v" or, inside a compound, "s/v". */
			const char *base = r->children[i]->name + prefix;
			size_t n = strlen(base);
			if (n < len && strncmp(*spec, base, n) == 0 && (*spec)[n] == '/') {
				next = r->children[i];
				*spec += n + 1;
			}
		}
		if (!next)
			return r;
		r = next;
	}
}

/* `context`, when given, is the element making the call: element names are
 * then looked up relative to its compound first, as Click does. */
static int resolve(struct cabo_router *r, struct cabo_element *context, const char *spec,
		   struct target *t, struct cabo_errh *errh)
{
	memset(t, 0, sizeof *t);
	const char *full = spec;
	const char *dot = strchr(spec, '.');
	/* An element making the call sees its compound's names first (as in
	 * Click), then its pipeline's virtual nodes. */
	if (context && dot) {
		char *ename = cabo_xstrndup(spec, (size_t)(dot - spec));
		t->element = cabo_element_find(context, ename);
		free(ename);
	}
	if (!t->element) {
		r = descend(r, &spec);
		dot = strchr(spec, '.');
	}
	t->router = r;
	if (!dot) {
		t->global = router_handler(spec);
		if (!t->global)
			return cabo_errh_error(errh, "no handler named '%s'", full);
		return 0;
	}
	if (!t->element) {
		char *ename = cabo_xstrndup(spec, (size_t)(dot - spec));
		t->element = cabo_router_find(r, ename);
		free(ename);
	}
	if (!t->element)
		return cabo_errh_error(errh, "no element named '%.*s'", (int)(strcspn(full, ".")), full);
	t->handler = cabo_element_handler(t->element, dot + 1);
	if (!t->handler)
		return cabo_errh_error(errh, "no handler named '%s'", full);
	return 0;
}

static int read_target(struct cabo_router *r, struct cabo_element *context, const char *spec,
		       struct cabo_strbuf *out, struct cabo_errh *errh)
{
	struct target t;
	if (resolve(r, context, spec, &t, errh) < 0)
		return -1;
	if (t.global ? !t.global->read : !t.handler->read)
		return cabo_errh_error(errh, "handler '%s' is write-only", spec);
	return t.global ? t.global->read(t.router, out) : t.handler->read(t.element, t.handler->arg, out);
}

static int write_target(struct cabo_router *r, struct cabo_element *context, const char *spec,
			const char *value, struct cabo_errh *errh)
{
	struct target t;
	if (resolve(r, context, spec, &t, errh) < 0)
		return -1;
	if (t.global ? !t.global->write : !t.handler->write)
		return cabo_errh_error(errh, "handler '%s' is read-only", spec);
	if (!value)
		value = "";
	return t.global ? t.global->write(t.router, value, errh)
			: t.handler->write(t.element, value, t.handler->arg, errh);
}

int cabo_router_read(struct cabo_router *r, const char *spec, struct cabo_strbuf *out,
		     struct cabo_errh *errh)
{
	return read_target(r, NULL, spec, out, errh);
}

int cabo_router_write(struct cabo_router *r, const char *spec, const char *value,
		      struct cabo_errh *errh)
{
	return write_target(r, NULL, spec, value, errh);
}

int cabo_element_call_read(struct cabo_element *e, const char *hname,
			   struct cabo_strbuf *out, struct cabo_errh *errh)
{
	return read_target(e->router, e, hname, out, errh);
}

int cabo_element_call_write(struct cabo_element *e, const char *hname,
			    const char *value, struct cabo_errh *errh)
{
	return write_target(e->router, e, hname, value, errh);
}

unsigned cabo_element_handler_names(struct cabo_element *e, const char ***out)
{
	unsigned n = 0;
	for (const struct cabo_handler *h = default_handlers; h->name; h++)
		n++;
	for (const struct cabo_handler *h = e->cls->handlers; h && h->name; h++)
		n++;
	const char **names = cabo_xcalloc(n, sizeof *names);
	unsigned i = 0;
	for (const struct cabo_handler *h = default_handlers; h->name; h++)
		names[i++] = h->name;
	for (const struct cabo_handler *h = e->cls->handlers; h && h->name; h++)
		names[i++] = h->name;
	*out = names;
	return n;
}

/* Expanding the parsed scopes into the flat configuration.
 *
 * Each element of a scope becomes a vertex: a primitive one becomes a
 * declaration; a compound instance becomes three tunnel vertices (the
 * instance as seen from outside, and its `input` and `output` inside) and its
 * body is expanded in place under the prefix `instance/`.  Connections
 * become edges between vertices; splicing then follows every edge leaving a
 * primitive through the tunnels to the primitives it reaches.  Variables are
 * substituted into configuration strings as each scope is expanded
 * (variables.c). */
#include "parser.h"

#include <stdlib.h>
#include <string.h>

enum {
	FLAT_MAX_DEPTH = 100,        /* instances inside instances */
	FLAT_MAX_ELEMENTS = 100000,
	FLAT_MAX_EDGES = 1000000,    /* connections, before and after splicing */
	FLAT_MAX_BYTES = 16 << 20,   /* element names and configurations */
	FLAT_MAX_STEPS = 10000000,   /* edges followed while splicing */
};

/* ---- Vertices and edges ---- */

enum vkind { V_DEAD, V_REAL, V_INSTANCE, V_INPUT, V_OUTPUT };

struct vertex {
	enum vkind kind;
	unsigned decl;               /* V_REAL */
	unsigned input, output;      /* V_INSTANCE: its tunnel ends inside */
	unsigned instance;           /* V_INPUT, V_OUTPUT */
	char *name;                  /* V_INSTANCE */
	struct cabo_landmark where;
	bool broken;                 /* V_INSTANCE: errors inside, ports unchecked */
};

struct edge {
	unsigned from, from_port, to, to_port;
	struct cabo_landmark where;
};

struct flat {
	struct cabo_errh *errh;
	struct cabo_config *out;
	struct vertex *v;
	unsigned nv, v_cap;
	struct edge *e;
	unsigned ne, e_cap;
	unsigned decls_cap, conns_cap;
	struct namemap names;        /* flat names of elements and instances */
	size_t bytes;
	bool too_big;
};

/* Reports the first time the expansion outgrows a limit; true once it has. */
static bool over_limit(struct flat *fl, bool over, struct cabo_landmark where)
{
	if (over && !fl->too_big) {
		cabo_errh_lerror(fl->errh, where, "configuration too large after expanding compound elements");
		fl->too_big = true;
	}
	return fl->too_big;
}

static bool name_taken(struct flat *fl, const char *name, struct cabo_landmark where)
{
	int old = cfg_namemap_get(&fl->names, name);
	if (old < 0)
		return false;
	cabo_errh_lerror(fl->errh, where, "redeclaration of element '%s'", name);
	cabo_errh_lerror(fl->errh, fl->v[old].where, "'%s' previously declared here", name);
	return true;
}

static unsigned add_vertex(struct flat *fl, enum vkind kind, struct cabo_landmark where)
{
	struct vertex *v = VEC_PUSH(fl->v, fl->nv, fl->v_cap);
	v->kind = kind;
	v->where = where;
	return fl->nv - 1;
}

/* A primitive element; takes name, class and config.  0 if it cannot be.
 * A clash of names is reported at `at`, the instance that made the name. */
static unsigned add_real(struct flat *fl, char *name, char *class_name, char *config,
			 const struct elem *e, struct cabo_landmark at)
{
	size_t size = strlen(name) + strlen(config);
	struct cabo_config *out = fl->out;
	if (over_limit(fl, out->ndecls >= FLAT_MAX_ELEMENTS || fl->bytes + size > FLAT_MAX_BYTES, e->where)
	    || name_taken(fl, name, at)) {
		free(name);
		free(class_name);
		free(config);
		return 0;
	}
	fl->bytes += size;
	*VEC_PUSH(out->decls, out->ndecls, fl->decls_cap) =
		(struct cabo_decl){ name, class_name, config, e->where, e->anonymous };
	unsigned v = add_vertex(fl, V_REAL, e->where);
	fl->v[v].decl = out->ndecls - 1;
	cfg_namemap_put(&fl->names, name, v);
	return v;
}

/* The three tunnel vertices of a compound instance; takes name. */
static unsigned add_instance(struct flat *fl, char *name, struct cabo_landmark where,
			     struct cabo_landmark at)
{
	if (name_taken(fl, name, at)) {
		free(name);
		return 0;
	}
	unsigned v = add_vertex(fl, V_INSTANCE, where);
	unsigned in = add_vertex(fl, V_INPUT, where), out = add_vertex(fl, V_OUTPUT, where);
	fl->v[v].name = name;
	fl->v[v].input = in;
	fl->v[v].output = out;
	fl->v[in].instance = fl->v[out].instance = v;
	cfg_namemap_put(&fl->names, name, v);
	return v;
}

static void add_edge(struct flat *fl, const struct lconn *k, unsigned from, unsigned to)
{
	if (from && to && !over_limit(fl, fl->ne >= FLAT_MAX_EDGES, k->where))
		*VEC_PUSH(fl->e, fl->ne, fl->e_cap) =
			(struct edge){ from, k->from_port, to, k->to_port, k->where };
}

/* ---- Expansion ---- */

static void expand_body(struct flat *fl, const struct body *b, const char *prefix,
			const struct env *env, unsigned depth, unsigned input, unsigned output,
			const struct cabo_landmark *at);

/* A compound instance: its definition chosen by arguments and ports, its
 * body expanded under `name/`.  Takes name and config. */
static unsigned instantiate(struct flat *fl, const struct elem *e, char *name, char *config,
			    const struct env *env, unsigned depth, struct cabo_landmark at)
{
	char **args, **values;
	const char *primitive;
	unsigned nargs = cfg_split_args(config, &args);
	const struct compound *c = cfg_resolve_compound(fl->errh, e->compound, args, nargs, e->nports,
						    e->where, &values, &primitive);
	cfg_free_args(args, nargs);
	if (primitive)
		return add_real(fl, name, cabo_xstrdup(primitive), config, e, at);
	free(config);
	unsigned v = 0;
	if (!c) {
		free(name);
	} else if (depth >= FLAT_MAX_DEPTH) {
		cabo_errh_lerror(fl->errh, e->where, "maximum compound element expansion depth exceeded");
		free(name);
	} else if ((v = add_instance(fl, name, e->where, at)) != 0) {
		struct env inner;
		char *prefix = cabo_xasprintf("%s/", fl->v[v].name);
		unsigned errors = fl->errh->nerrors;
		cfg_env_instance(&inner, c, values, env);
		expand_body(fl, &c->body, prefix, &inner, depth + 1, fl->v[v].input,
			    fl->v[v].output, &e->where);
		fl->v[v].broken = fl->errh->nerrors != errors;
		cfg_env_free(&inner);
		free(prefix);
	}
	if (values)
		cfg_free_args(values, c->body.nformals);
	return v;
}

/* `at` locates the instance being expanded, NULL for the file. */
static void expand_body(struct flat *fl, const struct body *b, const char *prefix,
			const struct env *env, unsigned depth, unsigned input, unsigned output,
			const struct cabo_landmark *at)
{
	unsigned *vertex = cabo_xcalloc(b->nelems, sizeof *vertex);
	unsigned first = b->is_compound ? 2 : 0;
	if (b->is_compound) {
		vertex[PARSE_INPUT] = input;
		vertex[PARSE_OUTPUT] = output;
	}
	for (unsigned i = first; i < b->nelems && !fl->too_big; i++) {
		const struct elem *e = &b->elems[i];
		char *name = cabo_xasprintf("%s%s", prefix, e->name);
		char *config = cfg_expand(e->config ? e->config : "", env, fl->errh, e->where);
		struct cabo_landmark here = at ? *at : e->where;
		vertex[i] = e->compound ? instantiate(fl, e, name, config, env, depth, here)
			: add_real(fl, name, cabo_xstrdup(e->class_name), config, e, here);
	}
	for (unsigned i = 0; i < b->nconns; i++)
		add_edge(fl, &b->conns[i], vertex[b->conns[i].from], vertex[b->conns[i].to]);
	free(vertex);
}

/* ---- Splicing connections through instances ---- */

/* Each instance port must be used both outside and inside, or neither. */
struct port_use {
	unsigned instance, output, port, where; /* where: 1 outside, 2 inside */
};

static int compare_use(const void *a, const void *b)
{
	const struct port_use *x = a, *y = b;
	if (x->instance != y->instance)
		return x->instance < y->instance ? -1 : 1;
	if (x->output != y->output)
		return x->output < y->output ? -1 : 1;
	return x->port < y->port ? -1 : x->port > y->port;
}

static void check_instance_ports(struct flat *fl)
{
	enum { OUTSIDE = 1, INSIDE = 2 };
	struct port_use *use = NULL;
	unsigned n = 0, cap = 0;
	for (unsigned i = 0; i < fl->ne; i++) {
		const struct edge *k = &fl->e[i];
		const struct vertex *from = &fl->v[k->from], *to = &fl->v[k->to];
		if (to->kind == V_INSTANCE)
			*VEC_PUSH(use, n, cap) = (struct port_use){ k->to, 0, k->to_port, OUTSIDE };
		if (from->kind == V_INPUT)
			*VEC_PUSH(use, n, cap) = (struct port_use){ from->instance, 0, k->from_port, INSIDE };
		if (from->kind == V_INSTANCE)
			*VEC_PUSH(use, n, cap) = (struct port_use){ k->from, 1, k->from_port, OUTSIDE };
		if (to->kind == V_OUTPUT)
			*VEC_PUSH(use, n, cap) = (struct port_use){ to->instance, 1, k->to_port, INSIDE };
	}
	if (n)
		qsort(use, n, sizeof *use, compare_use);
	for (unsigned i = 0, j; i < n; i = j) {
		unsigned where = 0;
		for (j = i; j < n && compare_use(&use[i], &use[j]) == 0; j++)
			where |= use[j].where;
		const struct vertex *v = &fl->v[use[i].instance];
		const char *dir = use[i].output ? "output" : "input";
		if (v->broken)
			continue;
		if (where == OUTSIDE)
			cabo_errh_lerror(fl->errh, v->where, "'%s' has no %s %u", v->name, dir, use[i].port);
		else if (where == INSIDE)
			cabo_errh_lerror(fl->errh, v->where, "'%s' %s %u unused", v->name, dir, use[i].port);
	}
	free(use);
}

static void add_conn(struct flat *fl, const struct edge *k, unsigned to, unsigned to_port)
{
	struct cabo_config *out = fl->out;
	if (!over_limit(fl, out->nconns >= FLAT_MAX_EDGES, k->where))
		*VEC_PUSH(out->conns, out->nconns, fl->conns_cap) = (struct cabo_conn){
			fl->v[k->from].decl, k->from_port, fl->v[to].decl, to_port, k->where };
}

/* Edges leaving each vertex: edge[start[v] .. start[v + 1]). */
struct out_index {
	unsigned *start, *edge;
};

static void index_edges(const struct flat *fl, struct out_index *x)
{
	x->start = cabo_xcalloc(fl->nv + 1, sizeof *x->start);
	x->edge = cabo_xcalloc(fl->ne, sizeof *x->edge);
	for (unsigned i = 0; i < fl->ne; i++)
		x->start[fl->e[i].from + 1]++;
	for (unsigned v = 0; v < fl->nv; v++)
		x->start[v + 1] += x->start[v];
	unsigned *next = cabo_xcalloc(fl->nv, sizeof *next);
	memcpy(next, x->start, fl->nv * sizeof *next);
	for (unsigned i = 0; i < fl->ne; i++)
		x->edge[next[fl->e[i].from]++] = i;
	free(next);
}

struct hop {
	unsigned vertex, port;
};

/* Follows edge k from its primitive source, breadth first, through the
 * tunnels to every primitive input it reaches. */
static void follow(struct flat *fl, const struct out_index *x, unsigned k, unsigned *seen,
		   unsigned long *steps)
{
	struct hop *queue = NULL;
	unsigned n = 0, cap = 0;
	*VEC_PUSH(queue, n, cap) = (struct hop){ fl->e[k].to, fl->e[k].to_port };
	for (unsigned head = 0; head < n && !fl->too_big; head++) {
		struct hop h = queue[head];
		const struct vertex *w = &fl->v[h.vertex];
		if (w->kind == V_REAL) {
			add_conn(fl, &fl->e[k], h.vertex, h.port);
			continue;
		}
		/* In through an instance's input, or out through its output. */
		unsigned tunnel = w->kind == V_INSTANCE ? w->input : w->kind == V_OUTPUT ? w->instance : 0;
		for (unsigned i = x->start[tunnel]; tunnel && i < x->start[tunnel + 1]; i++) {
			const struct edge *f = &fl->e[x->edge[i]];
			if (f->from_port != h.port || seen[x->edge[i]] == k + 1)
				continue;
			seen[x->edge[i]] = k + 1;
			if (over_limit(fl, ++*steps > FLAT_MAX_STEPS, fl->e[k].where))
				break;
			*VEC_PUSH(queue, n, cap) = (struct hop){ f->to, f->to_port };
		}
	}
	free(queue);
}

/* Orders connections by their ports, then by position. */
static int compare_link(const struct cabo_conn *x, const struct cabo_conn *y)
{
	const unsigned kx[4] = { x->from, x->from_port, x->to, x->to_port };
	const unsigned ky[4] = { y->from, y->from_port, y->to, y->to_port };
	for (unsigned i = 0; i < 4; i++)
		if (kx[i] != ky[i])
			return kx[i] < ky[i] ? -1 : 1;
	return 0;
}

static int compare_conn(const void *a, const void *b)
{
	const struct cabo_conn *x = *(const struct cabo_conn *const *)a;
	const struct cabo_conn *y = *(const struct cabo_conn *const *)b;
	int c = compare_link(x, y);
	return c ? c : x < y ? -1 : x > y;
}

/* Sorts connections as Click's router does (by source, then destination)
 * and drops repeats, which are allowed; the first written stays. */
static void sort_connections(struct cabo_config *out)
{
	if (out->nconns < 2)
		return;
	const struct cabo_conn **order = cabo_xcalloc(out->nconns, sizeof *order);
	for (unsigned i = 0; i < out->nconns; i++)
		order[i] = &out->conns[i];
	qsort(order, out->nconns, sizeof *order, compare_conn);
	struct cabo_conn *sorted = cabo_xcalloc(out->nconns, sizeof *sorted);
	unsigned n = 0;
	for (unsigned i = 0; i < out->nconns; i++)
		if (!n || compare_link(&sorted[n - 1], order[i]) != 0)
			sorted[n++] = *order[i];
	free(out->conns);
	free(order);
	out->conns = sorted;
	out->nconns = n;
}

static void splice(struct flat *fl)
{
	struct out_index x;
	unsigned long steps = 0;
	unsigned *seen = cabo_xcalloc(fl->ne, sizeof *seen);
	index_edges(fl, &x);
	check_instance_ports(fl);
	for (unsigned k = 0; k < fl->ne && !fl->too_big; k++)
		if (fl->v[fl->e[k].from].kind == V_REAL)
			follow(fl, &x, k, seen, &steps);
	sort_connections(fl->out);
	free(seen);
	free(x.start);
	free(x.edge);
}

void cfg_flatten(struct parser *ps)
{
	struct flat fl = { .errh = ps->errh, .out = ps->out };
	struct env env;
	add_vertex(&fl, V_DEAD, cabo_landmark_none()); /* vertex 0: nothing to connect */
	cfg_env_top(&env, &ps->top, ps->opt, ps->errh);
	expand_body(&fl, &ps->top, "", &env, 0, 0, 0, NULL);
	if (!fl.too_big)
		splice(&fl);
	for (unsigned i = 0; i < fl.nv; i++)
		free(fl.v[i].name);
	free(fl.v);
	free(fl.e);
	cfg_env_free(&env);
	cfg_namemap_free(&fl.names);
}

/* ---- The flat configuration ---- */

char *cabo_config_unparse(const struct cabo_config *config)
{
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	for (unsigned i = 0; i < config->ndecls; i++) {
		const struct cabo_decl *d = &config->decls[i];
		cabo_strbuf_printf(&sb, "%s :: %s", d->name, d->class_name);
		if (d->config[0])
			cabo_strbuf_printf(&sb, "(%s)", d->config);
		cabo_strbuf_puts(&sb, ";\n");
	}
	if (config->ndecls && config->nconns)
		cabo_strbuf_putc(&sb, '\n');
	for (unsigned i = 0; i < config->nconns; i++) {
		const struct cabo_conn *c = &config->conns[i];
		cabo_strbuf_puts(&sb, config->decls[c->from].name);
		if (c->from_port)
			cabo_strbuf_printf(&sb, " [%u]", c->from_port);
		cabo_strbuf_puts(&sb, " ->");
		if (c->to_port)
			cabo_strbuf_printf(&sb, " [%u]", c->to_port);
		cabo_strbuf_printf(&sb, " %s;\n", config->decls[c->to].name);
	}
	return cabo_strbuf_release(&sb);
}

void cabo_config_free(struct cabo_config *config)
{
	for (unsigned i = 0; i < config->ndecls; i++) {
		free(config->decls[i].name);
		free(config->decls[i].class_name);
		free(config->decls[i].config);
	}
	free(config->decls);
	free(config->conns);
	cfg_free_args(config->requirements, config->nrequirements);
	cfg_free_args(config->files, config->nfiles);
	memset(config, 0, sizeof *config);
}

int cabo_config_find(const struct cabo_config *config, const char *name)
{
	for (unsigned i = 0; i < config->ndecls; i++)
		if (strcmp(config->decls[i].name, name) == 0)
			return (int)i;
	return -1;
}

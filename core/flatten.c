/* Expanding the parsed scopes into the flat configuration.
 *
 * Each element of a scope becomes a vertex: a primitive one becomes a
 * declaration; a compound instance becomes three tunnel vertices (the
 * instance as seen from outside, and its `input` and `output` inside) and its
 * body is expanded in place under the prefix `instance/`.  Connections
 * become edges between vertices; splicing then follows every edge leaving a
 * primitive through the tunnels to the primitives it reaches.  Variables are
 * substituted into configuration strings as each scope is expanded. */
#include "parser.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum {
	FLAT_MAX_DEPTH = 100,        /* instances inside instances */
	FLAT_MAX_ELEMENTS = 100000,
	FLAT_MAX_EDGES = 1000000,    /* connections, before and after splicing */
	FLAT_MAX_BYTES = 16 << 20,   /* element names and configurations */
	FLAT_MAX_STEPS = 10000000,   /* edges followed while splicing */
	VAR_MAX_DEPTH = 10,          /* variables in variables' values (Click's) */
	VAR_MAX_LENGTH = 1 << 20,
	VAR_MAX_STEPS = 100000,      /* substitutions for one string */
};

/* ---- Variables ---- */

struct binding {
	const char *name;
	size_t len;
	const char *value;
	bool literal;                /* an argument: substituted as it is */
};

/* The variables of one scope; compound instances chain to the scope of
 * their definition, so lookup is lexical. */
struct env {
	const struct env *parent;
	unsigned depth;              /* of the body whose variables these are */
	struct binding *b;
	unsigned n, cap;
};

static void bind(struct env *env, const char *name, size_t len, const char *value, bool literal)
{
	for (unsigned i = 0; i < env->n; i++)
		if (env->b[i].len == len && memcmp(env->b[i].name, name, len) == 0) {
			env->b[i].value = value;
			env->b[i].literal = literal;
			return;
		}
	*VEC_PUSH(env->b, env->n, env->cap) = (struct binding){ name, len, value, literal };
}

/* Finds a variable; *env becomes the scope defining it. */
static const struct binding *lookup(const struct env **env, const char *name, size_t len)
{
	for (const struct env *e = *env; e; e = e->parent)
		for (unsigned i = 0; i < e->n; i++)
			if (e->b[i].len == len && memcmp(e->b[i].name, name, len) == 0) {
				*env = e;
				return &e->b[i];
			}
	return NULL;
}

enum subst_failure { SUBST_OK, SUBST_TOO_LONG, SUBST_TOO_DEEP, SUBST_MALFORMED };

struct subst {
	struct cabo_strbuf out;
	unsigned *steps;             /* shared by nested substitutions */
	enum subst_failure failed;
};

/* `$name`, `${name}` or `${name-default}` at s. */
struct varref {
	const char *name, *dflt, *end;
	size_t len, dflt_len;
};

static bool is_var_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The '}' ending `${...}` at s.  Unlike Click, which takes the first '}',
 * quotes and parentheses must close inside: substituting the reference
 * then keeps the string's structure. */
static const char *closing_brace(const char *s)
{
	unsigned parens = 0;
	char quote = 0;
	for (s += 2; *s; s = cabo_config_unit(s, &quote)) {
		if (quote)
			continue;
		if (*s == '(')
			parens++;
		else if (*s == ')' && !parens--)
			return NULL;
		else if (*s == '}' && !parens)
			return s;
	}
	return NULL;
}

static bool parse_varref(const char *s, struct varref *r)
{
	memset(r, 0, sizeof *r);
	const char *p = s + 1 + (s[1] == '{'), *close = NULL;
	if (s[1] == '{' && !(close = closing_brace(s)))
		return false;
	while (close && isspace((unsigned char)*p))
		p++;
	for (r->name = p; is_var_char(*p); p++)
		;
	r->len = (size_t)(p - r->name);
	r->end = p;
	if (close) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '-') {
			r->dflt = p + 1;
			r->dflt_len = (size_t)(close - r->dflt);
		} else if (p != close) {
			return false;
		}
		r->end = close + 1;
	}
	return r->len > 0;
}

static void subst_text(struct subst *x, const char *s, const struct env *env, unsigned depth);

static void fail(struct subst *x, enum subst_failure why)
{
	if (!x->failed)
		x->failed = why;
}

static void put(struct subst *x, const char *s, size_t n)
{
	cabo_strbuf_append(&x->out, s, n);
	if (x->out.length > VAR_MAX_LENGTH)
		fail(x, SUBST_TOO_LONG);
}

/* Appends text with the backslash escapes of a double-quoted string. */
static void put_quoted(struct subst *x, const char *s)
{
	for (; *s && !x->failed; s++) {
		if (*s == '"' || *s == '\\')
			put(x, "\\", 1);
		put(x, s, 1);
	}
}

/* Appends a variable's value, escaped if inside double quotes; false if the
 * variable is unknown (Click then leaves the text alone).  Unlike Click,
 * running into the nesting limit is an error: the text left unsubstituted
 * would change meaning when parsed again. */
static bool subst_var(struct subst *x, const struct varref *r, const struct env *env,
		      unsigned depth, bool in_quotes)
{
	const struct env *scope = env;
	const struct binding *b = lookup(&scope, r->name, r->len);
	if (!b && !r->dflt)
		return false;
	if (depth >= VAR_MAX_DEPTH) {
		fail(x, SUBST_TOO_DEEP);
		return true;
	}
	struct subst v = { CABO_STRBUF_INIT, x->steps, SUBST_OK };
	if (++*x->steps > VAR_MAX_STEPS)
		fail(&v, SUBST_TOO_LONG);
	else if (b && b->literal) {
		put(&v, b->value, strlen(b->value));
	} else if (b) {
		subst_text(&v, b->value, scope, depth + 1);
	} else {
		char *dflt = cabo_xstrndup(r->dflt, r->dflt_len);
		subst_text(&v, dflt, env, depth + 1);
		free(dflt);
	}
	fail(x, v.failed);
	if (in_quotes)
		put_quoted(x, cabo_strbuf_str(&v.out));
	else
		put(x, cabo_strbuf_str(&v.out), v.out.length);
	cabo_strbuf_free(&v.out);
	return true;
}

/* Click's rules: no substitution inside single quotes, backslash escapes
 * inside double quotes, unknown variables left as they are. */
static void subst_text(struct subst *x, const char *s, const struct env *env, unsigned depth)
{
	char quote = 0;
	while (*s && !x->failed) {
		struct varref r;
		if (*s == '$' && quote != '\'' && parse_varref(s, &r)
		    && subst_var(x, &r, env, depth, quote == '"')) {
			s = r.end;
			continue;
		}
		const char *next = cabo_config_unit(s, &quote);
		put(x, s, (size_t)(next - s));
		s = next;
	}
}

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

/* Whether text still reads as itself inside parentheses.  Substituted text
 * can complete a comment, a `\<...>` block or a line directive, or unbalance
 * parentheses: Click would let that through, but the flat configuration
 * would then not mean the same when read again. */
static bool reads_back(const char *text)
{
	struct cabo_errh quiet;
	struct cabo_lexer lx;
	char *wrapped = cabo_xasprintf("(%s)", text);
	cabo_errh_init(&quiet, NULL);
	cabo_lexer_init(&lx, wrapped, strlen(wrapped), "", &quiet, NULL, NULL);
	lx.pos++;
	char *again = cabo_lexer_config(&lx, cabo_landmark_none());
	bool same = again && lx.pos == lx.end && strcmp(again, text) == 0;
	free(again);
	free(wrapped);
	cabo_errh_destroy(&quiet);
	return same;
}

static char *expand_config(struct flat *fl, const char *text, const struct env *env,
			   struct cabo_landmark where)
{
	unsigned steps = 0;
	struct subst x = { CABO_STRBUF_INIT, &steps, SUBST_OK };
	subst_text(&x, text, env, 0);
	const char *out = cabo_strbuf_str(&x.out);
	if (!x.failed && strcmp(out, text) != 0 && !reads_back(out))
		x.failed = SUBST_MALFORMED;
	if (!x.failed)
		return cabo_strbuf_release(&x.out);
	if (x.failed == SUBST_MALFORMED)
		cabo_errh_lerror(fl->errh, where, "configuration string malformed after substituting variables");
	else if (x.failed == SUBST_TOO_DEEP)
		cabo_errh_lerror(fl->errh, where, "variables nested more than %d deep (does one refer to itself?)",
				 VAR_MAX_DEPTH);
	else
		cabo_errh_lerror(fl->errh, where, "configuration string too long after substituting variables");
	cabo_strbuf_free(&x.out);
	return cabo_xstrdup(text);
}

/* define()s of the file, replaced or extended by NAME=VALUE overrides. */
static void top_env(struct flat *fl, struct env *env, const struct body *top,
		    const struct cabo_config_options *opt)
{
	memset(env, 0, sizeof *env);
	for (unsigned i = 0; i < top->nvars; i++)
		bind(env, top->vars[i].name, strlen(top->vars[i].name), top->vars[i].value, false);
	for (unsigned i = 0; i < opt->noverrides; i++) {
		const char *o = opt->overrides[i], *name = o + (o[0] == '$'), *e = name;
		while (is_var_char(*e))
			e++;
		if (e == name || *e != '=')
			cabo_errh_error(fl->errh, "bad definition '%s' (expected NAME=VALUE)", o);
		else
			bind(env, name, (size_t)(e - name), e + 1, false);
	}
}

/* Formals bound to the arguments, then the define()s of the body. */
static void instance_env(struct env *env, const struct compound *c, char *const *values,
			 const struct env *outer)
{
	const struct body *b = &c->body;
	while (outer && outer->depth >= b->depth)
		outer = outer->parent;
	*env = (struct env){ .parent = outer, .depth = b->depth };
	for (unsigned i = 0; i < b->nvars; i++) {
		bool formal = i < b->nformals;
		bind(env, b->vars[i].name, strlen(b->vars[i].name),
		     formal ? values[i] : b->vars[i].value, formal);
	}
}

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
	int old = namemap_get(&fl->names, name);
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
	namemap_put(&fl->names, name, v);
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
	namemap_put(&fl->names, name, v);
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
	unsigned nargs = split_args(config, &args);
	const struct compound *c = resolve_compound(fl->errh, e->compound, args, nargs, e->nports,
						    e->where, &values, &primitive);
	free_args(args, nargs);
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
		instance_env(&inner, c, values, env);
		expand_body(fl, &c->body, prefix, &inner, depth + 1, fl->v[v].input,
			    fl->v[v].output, &e->where);
		fl->v[v].broken = fl->errh->nerrors != errors;
		free(inner.b);
		free(prefix);
	}
	if (values)
		free_args(values, c->body.nformals);
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
		char *config = expand_config(fl, e->config ? e->config : "", env, e->where);
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

void flatten(struct parser *ps)
{
	struct flat fl = { .errh = ps->errh, .out = ps->out };
	struct env env;
	add_vertex(&fl, V_DEAD, cabo_landmark_none()); /* vertex 0: nothing to connect */
	top_env(&fl, &env, &ps->top, ps->opt);
	expand_body(&fl, &ps->top, "", &env, 0, 0, 0, NULL);
	if (!fl.too_big)
		splice(&fl);
	for (unsigned i = 0; i < fl.nv; i++)
		free(fl.v[i].name);
	free(fl.v);
	free(fl.e);
	free(env.b);
	namemap_free(&fl.names);
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
	free_args(config->requirements, config->nrequirements);
	free_args(config->files, config->nfiles);
	memset(config, 0, sizeof *config);
}

int cabo_config_find(const struct cabo_config *config, const char *name)
{
	for (unsigned i = 0; i < config->ndecls; i++)
		if (strcmp(config->decls[i].name, name) == 0)
			return (int)i;
	return -1;
}

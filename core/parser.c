/* The configuration parser: statements, element declarations and
 * references, connections, and the entry points.  Compound classes are
 * parsed in compound.c, define() and require() in directives.c, and the
 * result is expanded in flatten.c. */
#include "parser.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Tokens ---- */

struct cabo_token cfg_lex(struct parser *ps)
{
	return cabo_lexer_next(ps->lx);
}

void cfg_unlex(struct parser *ps, struct cabo_token t)
{
	cabo_lexer_unlex(ps->lx, t);
}

char *cfg_token_str(const struct cabo_token *t)
{
	return cabo_xstrndup(t->text, t->len);
}

void cfg_syntax_error(struct parser *ps, const struct cabo_token *t)
{
	if (t->kind == CABO_TOK_EOF) {
		cabo_errh_lerror(ps->errh, t->where, "unexpected end of file");
		return;
	}
	char *text = cabo_token_describe(t);
	cabo_errh_lerror(ps->errh, t->where, "syntax error near '%s'", text);
	free(text);
}

/* Whether a token can begin a statement here; after a syntax error such a
 * token is given back so that parsing resumes with it. */
bool cfg_starts_statement(const struct parser *ps, int kind)
{
	switch (kind) {
	case CABO_TOK_IDENT: case '[': case '{': case ';': case CABO_TOK_EOF:
	case CABO_TOK_ELEMENTCLASS: case CABO_TOK_REQUIRE: case CABO_TOK_DEFINE:
		return true;
	case '}': case CABO_TOK_BAR2:
		return ps->scope->compound != NULL;
	default:
		return false;
	}
}

static void skip_config(struct parser *ps, struct cabo_token open)
{
	if (!ps->lx->nunlexed)
		free(cabo_lexer_config(ps->lx, open.where));
}

/* After a token that fits nowhere (already reported): parsing resumes at it
 * if a statement can start with it, else after the broken statement's ';'.
 * Semicolons being optional, a statement starting on a later line also ends
 * the skip; braces and parentheses are skipped whole. */
void cfg_resume(struct parser *ps, struct cabo_token bad)
{
	if (cfg_starts_statement(ps, bad.kind)) {
		cfg_unlex(ps, bad);
		return;
	}
	if (bad.kind == '(')
		skip_config(ps, bad);
	for (unsigned depth = 0;;) {
		struct cabo_token t = cfg_lex(ps);
		bool later = t.where.line != bad.where.line || t.where.file != bad.where.file;
		bool closing = t.kind == '}' || t.kind == CABO_TOK_BAR2;
		if (t.kind == CABO_TOK_EOF
		    || (!depth && (later || closing) && cfg_starts_statement(ps, t.kind))) {
			cfg_unlex(ps, t);
			return;
		}
		if (t.kind == ';' && !depth)
			return;
		if (t.kind == '(')
			skip_config(ps, t);
		else if (t.kind == '{')
			depth++;
		else if (t.kind == '}' && depth)
			depth--;
	}
}


/* ---- Classes ---- */

/* Whether a name is a class, so cannot name an element. */
static bool names_class(const struct parser *ps, const char *name)
{
	return cfg_find_class(ps, name)
		|| (ps->opt->is_class && ps->opt->is_class(name, ps->opt->is_class_arg));
}

/* Whether a bare name in a connection means an anonymous element of that
 * class.  Click asks its element table first; without one, an undeclared
 * capitalized name is taken as a class. */
static bool reference_is_class(const struct parser *ps, const char *name)
{
	if (names_class(ps, name))
		return true;
	return !ps->opt->is_class && isupper((unsigned char)name[0])
		&& cfg_namemap_get(&ps->scope->body->names, name) < 0;
}

/* A class as an element refers to it: name NULL means unknown (an error). */
struct classref {
	char *name;
	const struct classdef *def;
};

static struct classref classref_of(const struct classdef *def)
{
	if (!def)
		return (struct classref){ NULL, NULL };
	if (!def->nalts)
		return (struct classref){ def->primitive ? cabo_xstrdup(def->primitive) : NULL, NULL };
	return (struct classref){ cabo_xstrdup(def->name ? def->name : ""), def };
}

static struct classref class_named(const struct parser *ps, const char *name)
{
	const struct classdef *def = cfg_find_class(ps, name);
	return def ? classref_of(def) : (struct classref){ cabo_xstrdup(name), NULL };
}

/* ---- Elements ---- */

/* Click's rule, which keeps `comp/1` from meaning a port. */
static void check_name(struct parser *ps, const char *name, struct cabo_landmark where)
{
	const char *s = name;
	while (*s) {
		bool digits = true;
		for (; *s && *s != '/'; s++)
			digits = digits && isdigit((unsigned char)*s);
		if (digits) {
			cabo_errh_lerror(ps->errh, where, "element name '%s' has all-digit component", name);
			return;
		}
		s += *s == '/';
	}
}

/* Adds an element to the current body, taking name, class and config.  An
 * anonymous element's name is the class as written (NULL for `{...}`). */
static unsigned add_elem(struct parser *ps, char *name, struct classref cls, char *config,
			 struct cabo_landmark where, bool anonymous)
{
	struct body *b = ps->scope->body;
	unsigned i = b->nelems;
	struct elem *e = VEC_PUSH(b->elems, b->nelems, b->elems_cap);
	if (anonymous) {
		/* Click's `Class@N`, N counting the scope's elements from 1. */
		e->name = cabo_xasprintf("%s@%u", name ? name : "", i + 1 - (b->is_compound ? 2 : 0));
		free(name);
	} else {
		e->name = name;
		cfg_namemap_put(&b->names, name, i);
	}
	e->class_name = cls.name;
	e->compound = cls.def;
	e->config = config;
	e->where = where;
	e->anonymous = anonymous;
	e->placeholder = !cls.name;
	if (!e->placeholder)
		check_name(ps, e->name, where);
	return i;
}

struct ports {
	unsigned *v;
	unsigned n, cap;
};

/* One `[ports] element [ports]` of a connection, as parsed. */
struct eref {
	struct cabo_token name;        /* kind 0 for an anonymous compound */
	bool declared;                 /* `name :: Class` */
	struct classref cls;           /* after `::`, or an anonymous compound */
	char *config;                  /* NULL without `(...)` */
	struct cabo_landmark where;
	struct ports in, out;
	int elem;                      /* index once registered; -1 on error */
};

static void free_eref(struct eref *r)
{
	free(r->cls.name);
	free(r->config);
	free(r->in.v);
	free(r->out.v);
}

static unsigned port_number(struct parser *ps, const struct cabo_token *t)
{
	unsigned long n = 0;
	for (size_t i = 0; i < t->len; i++) {
		if (!isdigit((unsigned char)t->text[i])) {
			cabo_errh_lerror(ps->errh, t->where, "syntax error: port number should be integer");
			return 0;
		}
		n = n * 10 + (unsigned long)(t->text[i] - '0');
		if (n > PARSE_MAX_PORT) {
			cabo_errh_lerror(ps->errh, t->where, "port number too large (maximum %d)", PARSE_MAX_PORT);
			return 0;
		}
	}
	return (unsigned)n;
}

/* Parses an optional `[p, q, ...]`. */
static void parse_ports(struct parser *ps, struct ports *p)
{
	struct cabo_token t = cfg_lex(ps);
	if (t.kind != '[') {
		cfg_unlex(ps, t);
		return;
	}
	for (;;) {
		t = cfg_lex(ps);
		if (t.kind != CABO_TOK_IDENT) {
			cabo_errh_lerror(ps->errh, t.where, "syntax error: expected port number");
			if (t.kind != ']')
				cfg_unlex(ps, t);
			return;
		}
		*VEC_PUSH(p->v, p->n, p->cap) = port_number(ps, &t);
		t = cfg_lex(ps);
		if (t.kind == ']')
			return;
		if (t.kind == ',')
			continue;
		cabo_errh_lerror(ps->errh, t.where, "syntax error: expected '%s'",
				 t.kind == CABO_TOK_IDENT ? "," : "]");
		cfg_unlex(ps, t);
		if (t.kind != CABO_TOK_IDENT)
			return;
	}
}

/* An optional `(config)` after an element. */
static char *parse_config(struct parser *ps)
{
	struct cabo_token t = cfg_lex(ps);
	if (t.kind != '(') {
		cfg_unlex(ps, t);
		return NULL;
	}
	char *config = cabo_lexer_config(ps->lx, t.where);
	return config ? config : cabo_xstrdup("");
}

/* After an element name: an optional `:: Class` or `:: { ... }`. */
static void parse_declaration(struct parser *ps, struct eref *r)
{
	struct cabo_token t = cfg_lex(ps);
	if (t.kind != CABO_TOK_COLON2) {
		cfg_unlex(ps, t);
		return;
	}
	r->declared = true;
	t = cfg_lex(ps);
	if (t.kind == CABO_TOK_IDENT) {
		char *name = cfg_token_str(&t);
		r->cls = class_named(ps, name);
		free(name);
	} else if (t.kind == '{') {
		r->cls = classref_of(cfg_parse_compound_class(ps, NULL, t.where));
	} else {
		cabo_errh_lerror(ps->errh, t.where, "missing element type in declaration");
		cfg_unlex(ps, t);
	}
}

/* Parses `[ports] element [ports]`; false (after reporting) if no element
 * is there. */
static bool parse_ref(struct parser *ps, struct eref *r)
{
	memset(r, 0, sizeof *r);
	r->elem = -1;
	parse_ports(ps, &r->in);
	struct cabo_token t = cfg_lex(ps);
	r->where = t.where;
	if (t.kind == CABO_TOK_IDENT) {
		r->name = t;
		parse_declaration(ps, r);
	} else if (t.kind == '{') {
		r->cls = classref_of(cfg_parse_compound_class(ps, NULL, t.where));
	} else {
		if (r->in.n)
			cabo_errh_lerror(ps->errh, t.where, "stranded port ignored");
		else
			cfg_syntax_error(ps, &t);
		cfg_resume(ps, t);
		free_eref(r);
		return false;
	}
	r->config = parse_config(ps);
	parse_ports(ps, &r->out);
	return true;
}

/* `name :: Class(config)`: a new element, or a placeholder's declaration. */
static int declare(struct parser *ps, struct eref *r, char *name)
{
	struct body *b = ps->scope->body;
	if (names_class(ps, name)) {
		cabo_errh_lerror(ps->errh, r->where, "class '%s' used as element name", name);
		free(name);
		return -1;
	}
	int i = cfg_namemap_get(&b->names, name);
	if (i < 0) {
		i = (int)add_elem(ps, name, r->cls, r->config, r->where, false);
		r->cls.name = r->config = NULL;
		return i;
	}
	struct elem *e = &b->elems[i];
	if (e->placeholder) {
		free(e->class_name);
		free(e->config);
		e->class_name = r->cls.name;
		e->compound = r->cls.def;
		e->config = r->config;
		e->where = r->where;
		e->placeholder = !r->cls.name;
		r->cls.name = r->config = NULL;
	} else {
		cabo_errh_lerror(ps->errh, r->where, "redeclaration of element '%s'", name);
		if (!e->pseudo)
			cabo_errh_lerror(ps->errh, e->where, "'%s' previously declared here", name);
	}
	free(name);
	return i;
}

/* A bare name: an anonymous element of that class, or a declared element.
 * An undeclared name with a configuration string can only be a class (one
 * the router may not know, which it will say). */
static int refer(struct parser *ps, struct eref *r, char *name)
{
	struct body *b = ps->scope->body;
	int i = cfg_namemap_get(&b->names, name);
	if (reference_is_class(ps, name) || (r->config && i < 0)) {
		struct classref cls = class_named(ps, name);
		i = (int)add_elem(ps, name, cls, r->config, r->where, true);
		r->config = NULL;
		return i;
	}
	if (i >= 0) {
		if (r->config)
			cabo_errh_lerror(ps->errh, r->where, "configuration string ignored on element reference");
		free(name);
		return i;
	}
	bool pseudo = strcmp(name, "input") == 0 || strcmp(name, "output") == 0;
	if (!b->is_compound && pseudo && ps->opt->interfaces && ps->scope->body == &ps->top) {
		const char *cls = name[0] == 'i' ? "VirtualNodeInput" : "VirtualNodeOutput";
		return (int)add_elem(ps, name, (struct classref){ cabo_xstrdup(cls), NULL }, NULL,
				     r->where, false);
	}
	if (!b->is_compound && pseudo)
		cabo_errh_lerror(ps->errh, r->where, "'%s' used outside a compound element", name);
	else
		cabo_errh_lerror(ps->errh, r->where, "undeclared element '%s'", name);
	/* A placeholder keeps later uses quiet; a later declaration fills it. */
	return (int)add_elem(ps, name, (struct classref){ NULL, NULL }, NULL, r->where, false);
}

static void register_ref(struct parser *ps, struct eref *r)
{
	if (!r->name.kind) {
		r->elem = (int)add_elem(ps, NULL, r->cls, r->config, r->where, true);
		r->cls.name = r->config = NULL;
	} else if (r->declared) {
		r->elem = declare(ps, r, cfg_token_str(&r->name));
	} else {
		r->elem = refer(ps, r, cfg_token_str(&r->name));
	}
}

/* ---- Connections ---- */

struct eset {
	struct eref *refs;
	unsigned n, cap;
};

static void free_eset(struct eset *set)
{
	for (unsigned i = 0; i < set->n; i++)
		free_eref(&set->refs[i]);
	free(set->refs);
	memset(set, 0, sizeof *set);
}

static bool is_arrow(int kind)
{
	return kind == CABO_TOK_ARROW || kind == CABO_TOK_ARROW2;
}

/* `a, b, c :: Class(config)` alone declares all three with that class. */
static void share_declaration(struct parser *ps, struct eset *set)
{
	struct cabo_token t = cfg_lex(ps);
	cfg_unlex(ps, t);
	if (set->n < 2 || is_arrow(t.kind))
		return;
	struct eref *last = &set->refs[set->n - 1];
	if (!last->declared || !last->cls.name)
		return;
	for (unsigned i = 0; i < set->n; i++) {
		const struct eref *r = &set->refs[i];
		if (r->in.n || r->out.n || (r != last && (r->declared || r->config || !r->name.kind)))
			return;
	}
	for (unsigned i = 0; i + 1 < set->n; i++) {
		struct eref *r = &set->refs[i];
		r->declared = true;
		r->cls = (struct classref){ cabo_xstrdup(last->cls.name), last->cls.def };
		r->config = last->config ? cabo_xstrdup(last->config) : NULL;
	}
}

/* Parses `ref, ref, ...` and registers the elements; false if the chain
 * cannot go on. */
static bool parse_set(struct parser *ps, struct eset *set, bool first)
{
	bool ok = true;
	for (;;) {
		struct eref r;
		if (!parse_ref(ps, &r)) {
			ok = false;
			break;
		}
		*VEC_PUSH(set->refs, set->n, set->cap) = r;
		struct cabo_token t = cfg_lex(ps);
		if (t.kind != ',') {
			cfg_unlex(ps, t);
			break;
		}
	}
	if (ok && first)
		share_declaration(ps, set);
	for (unsigned i = 0; i < set->n; i++)
		register_ref(ps, &set->refs[i]);
	return ok;
}

static void add_conn(struct body *b, unsigned from, unsigned from_port, unsigned to,
		     unsigned to_port, struct cabo_landmark where)
{
	*VEC_PUSH(b->conns, b->nconns, b->conns_cap) =
		(struct lconn){ from, from_port, to, to_port, where };
	if (b->elems[from].nports[1] <= from_port)
		b->elems[from].nports[1] = from_port + 1;
	if (b->elems[to].nports[0] <= to_port)
		b->elems[to].nports[0] = to_port + 1;
}

struct endpoint {
	int elem;
	unsigned port;
};

struct endpoints {
	struct endpoint *v;
	unsigned n, cap;
};

/* The ports one side of an arrow lists: each element's, or port 0. */
static void collect(const struct eset *set, bool outputs, struct endpoints *ep)
{
	for (unsigned i = 0; i < set->n; i++) {
		const struct eref *r = &set->refs[i];
		const struct ports *p = outputs ? &r->out : &r->in;
		for (unsigned j = 0; j < (p->n ? p->n : 1); j++)
			*VEC_PUSH(ep->v, ep->n, ep->cap) = (struct endpoint){ r->elem, p->n ? p->v[j] : 0 };
	}
}

/* With `=>`, one element without ports spreads over ports 0, 1, ... */
static void spread(const struct eset *set, bool outputs, struct endpoints *ep, unsigned other)
{
	const struct ports *p = outputs ? &set->refs[0].out : &set->refs[0].in;
	if (set->n != 1 || p->n || other < 2)
		return;
	int elem = ep->v[0].elem;
	for (unsigned i = 1; i < other; i++)
		*VEC_PUSH(ep->v, ep->n, ep->cap) = (struct endpoint){ elem, i };
}

static void connect_sets(struct parser *ps, const struct eset *from, const struct eset *to,
			 const struct cabo_token *arrow)
{
	struct endpoints l = { 0 }, r = { 0 };
	collect(from, true, &l);
	collect(to, false, &r);
	if (arrow->kind == CABO_TOK_ARROW2) {
		spread(from, true, &l, r.n);
		spread(to, false, &r, l.n);
	}
	bool pairwise = l.n > 1 && r.n > 1;
	if (pairwise && arrow->kind == CABO_TOK_ARROW)
		cabo_errh_lerror(ps->errh, arrow->where, "syntax error: many-to-many connections require '=>'");
	else if (pairwise && l.n != r.n)
		cabo_errh_lerror(ps->errh, arrow->where, "connection mismatch: %u outputs connected to %u inputs", l.n, r.n);
	unsigned n = pairwise ? (l.n < r.n ? l.n : r.n) : l.n * r.n;
	for (unsigned k = 0; k < n; k++) {
		unsigned i = pairwise ? k : k / r.n, j = pairwise ? k : k % r.n;
		if (l.v[i].elem >= 0 && r.v[j].elem >= 0)
			add_conn(ps->scope->body, (unsigned)l.v[i].elem, l.v[i].port,
				 (unsigned)r.v[j].elem, r.v[j].port, arrow->where);
	}
	free(l.v);
	free(r.v);
}

/* Reports ports given where a chain has nothing to connect them to. */
static void check_chain_end(struct parser *ps, const struct eset *set, bool outputs)
{
	for (unsigned i = 0; i < set->n; i++)
		if ((outputs ? set->refs[i].out.n : set->refs[i].in.n) != 0) {
			cabo_errh_lerror(ps->errh, set->refs[i].where, outputs
					 ? "output ports ignored at end of chain"
					 : "input ports ignored at start of chain");
			return;
		}
}

/* A declaration or a chain `set -> set -> ...` (semicolon optional). */
static void parse_connection(struct parser *ps)
{
	struct eset sets[2] = { { 0 }, { 0 } };
	unsigned cur = 0;
	bool ok = parse_set(ps, &sets[0], true);
	if (ok)
		check_chain_end(ps, &sets[0], false);
	while (ok) {
		struct cabo_token t = cfg_lex(ps);
		if (!is_arrow(t.kind)) {
			if (t.kind != ';' && !cfg_starts_statement(ps, t.kind))
				cfg_syntax_error(ps, &t);
			if (t.kind != ';')
				cfg_resume(ps, t);
			check_chain_end(ps, &sets[cur], true);
			break;
		}
		free_eset(&sets[!cur]);
		ok = parse_set(ps, &sets[!cur], false);
		if (ok)
			connect_sets(ps, &sets[cur], &sets[!cur], &t);
		cur = !cur;
	}
	free_eset(&sets[0]);
	free_eset(&sets[1]);
}

/* ---- Statements ---- */

struct cabo_token cfg_parse_statements(struct parser *ps)
{
	for (;;) {
		struct cabo_token t = cfg_lex(ps);
		switch (t.kind) {
		case CABO_TOK_IDENT: case '[': case '{':
			cfg_unlex(ps, t);
			parse_connection(ps);
			break;
		case CABO_TOK_ELEMENTCLASS:
			cfg_parse_elementclass(ps);
			break;
		case CABO_TOK_REQUIRE:
			cfg_parse_require(ps, t.where);
			break;
		case CABO_TOK_DEFINE:
			cfg_parse_define(ps, t.where);
			break;
		case ';':
			break;
		case CABO_TOK_EOF:
			return t;
		case '}': case CABO_TOK_BAR2:
			if (ps->scope->compound)
				return t;
			/* fall through */
		default:
			cfg_syntax_error(ps, &t);
			cfg_resume(ps, t);
			break;
		}
	}
}

/* ---- Entry points ---- */

static void parser_free(struct parser *ps)
{
	cfg_body_free(&ps->top);
	for (unsigned i = 0; i < ps->ncompounds; i++)
		cfg_free_compound(ps->compounds[i]);
	for (unsigned i = 0; i < ps->nclassdefs; i++)
		cfg_free_classdef(ps->classdefs[i]);
	cfg_free_args(ps->libraries, ps->nlibraries);
	free(ps->compounds);
	free(ps->classdefs);
}

static int parse(const char *text, size_t len, const char *file,
		 const struct cabo_config_options *opt, struct cabo_config *out,
		 struct cabo_errh *errh)
{
	static const struct cabo_config_options no_options;
	unsigned before = errh->nerrors;
	struct parser ps = { .errh = errh, .out = out, .opt = opt ? opt : &no_options };
	struct scope top = { .body = &ps.top };
	cfg_body_init(&ps.top, 0, false);
	ps.scope = &top;
	cfg_parse_text(&ps, text, len, file);
	cfg_body_name_anonymous(&ps.top);
	free(top.classes);
	/* Expanding a configuration with errors would mostly repeat them. */
	if (errh->nerrors == before)
		cfg_flatten(&ps);
	parser_free(&ps);
	return errh->nerrors == before ? 0 : -1;
}

int cabo_config_parse_string(const char *text, const char *filename,
			     const struct cabo_config_options *opt,
			     struct cabo_config *out, struct cabo_errh *errh)
{
	memset(out, 0, sizeof *out);
	const char *name = filename ? filename : "config";
	return parse(text, strlen(text), cfg_intern_file(out, name, strlen(name)), opt, out, errh);
}

int cabo_config_parse_file(const char *path, const struct cabo_config_options *opt,
			   struct cabo_config *out, struct cabo_errh *errh)
{
	memset(out, 0, sizeof *out);
	const char *file = cfg_intern_file(out, path, strlen(path));
	size_t len;
	char *text = cabo_config_read_file(path, &len);
	if (!text)
		return cabo_errh_lerror(errh, (struct cabo_landmark){ file, 0 }, "%s", strerror(errno));
	int r = parse(text, len, file, opt, out, errh);
	free(text);
	return r;
}

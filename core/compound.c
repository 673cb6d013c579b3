/* Compound element classes: `{ formals | body || body || ... }`,
 * `elementclass` definitions and synonyms, and, at expansion, the choice
 * among overloaded definitions and the binding of arguments to formals. */
#include "parser.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *printable(const char *name)
{
	return name ? name : "<anonymous>";
}

static bool is_rest(const struct var *v)
{
	return v->keyword && strcmp(v->keyword, "__REST__") == 0;
}

void cfg_free_compound(struct compound *c)
{
	cfg_body_free(&c->body);
	free(c->name);
	free(c);
}

void cfg_free_classdef(struct classdef *def)
{
	free(def->name);
	free(def->primitive);
	free(def->alts);
	free(def);
}

static struct classdef *new_classdef(struct parser *ps, const char *name)
{
	struct classdef *def = cabo_xcalloc(1, sizeof *def);
	def->name = name ? cabo_xstrdup(name) : NULL;
	*VEC_PUSH(ps->classdefs, ps->nclassdefs, ps->classdefs_cap) = def;
	return def;
}

static void add_alts(struct classdef *def, const struct compound *const *alts, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		*VEC_PUSH(def->alts, def->nalts, def->alts_cap) = alts[i];
}

/* Makes def end as another meaning does: its alternatives, then its
 * primitive fallback (a bare class name when other is NULL). */
static void add_meaning(struct classdef *def, const struct classdef *other, const char *primitive)
{
	if (other) {
		add_alts(def, other->alts, other->nalts);
		primitive = other->primitive;
	}
	char *copy = primitive ? cabo_xstrdup(primitive) : NULL;
	free(def->primitive);
	def->primitive = copy;
}

/* ---- Formal parameters ---- */

static void add_formal(struct parser *ps, struct compound *c, const struct cabo_token *var,
		       const struct cabo_token *kw)
{
	struct body *b = &c->body;
	char *name = cabo_xstrndup(var->text + 1, var->len - 1);
	bool ok = cfg_body_define(ps, b, name, NULL, kw ? cfg_token_str(kw) : NULL, var->where);
	free(name);
	if (!ok)
		return;
	const struct var *cur = &b->vars[b->nformals++];
	for (unsigned i = 0; cur->keyword && i + 1 < b->nformals; i++)
		if (b->vars[i].keyword && strcmp(b->vars[i].keyword, cur->keyword) == 0) {
			cabo_errh_lerror(ps->errh, var->where,
					 "repeated keyword parameter '%s' in compound element", cur->keyword);
			break;
		}
	const struct var *prev = b->nformals > 1 ? cur - 1 : NULL;
	if (!c->order_error && prev && ((!cur->keyword && prev->keyword) || is_rest(prev))) {
		cabo_errh_lerror(ps->errh, var->where, "compound element parameters out of order\n"
				 "(The correct order is '[positional], [keywords], [__REST__]'.)");
		c->order_error = true;
	}
}

/* `$a, $b, KEY $c, __REST__ $d |` at the start of a body, if present. */
static void parse_formals(struct parser *ps, struct compound *c)
{
	for (;;) {
		struct cabo_token t = cfg_lex(ps), kw = { 0 };
		if (t.kind == CABO_TOK_IDENT) {
			kw = t;
			t = cfg_lex(ps);
		}
		if (t.kind == '|' && !kw.kind)
			return;
		if (t.kind != CABO_TOK_VARIABLE) {
			/* No formals after all (a body starting with a name), or
			 * a list missing a variable. */
			if (c->body.nformals) {
				cabo_errh_lerror(ps->errh, t.where, "expected variable");
				if (t.kind == '|')
					return;
			}
			cfg_unlex(ps, t);
			if (kw.kind)
				cfg_unlex(ps, kw);
			return;
		}
		add_formal(ps, c, &t, kw.kind ? &kw : NULL);
		t = cfg_lex(ps);
		if (t.kind == '|')
			return;
		if (t.kind != ',') {
			cabo_errh_lerror(ps->errh, t.where, "expected ',' or '|'");
			cfg_unlex(ps, t);
			/* `$a $b |`: a forgotten comma, go on with the list. */
			if (t.kind != CABO_TOK_VARIABLE && t.kind != CABO_TOK_IDENT)
				return;
		}
	}
}

/* ---- Bodies ---- */

/* Checks that `input` is only a source and `output` only a destination, with
 * no unused port below the highest one.  Returns the port count. */
static unsigned check_pseudo(struct parser *ps, const struct compound *c, unsigned which)
{
	static const char *const names[] = { "input", "output" };
	const struct body *b = &c->body;
	bool is_input = which == PARSE_INPUT;
	unsigned nports = b->elems[which].nports[is_input];
	if (b->elems[which].nports[!is_input])
		cabo_errh_lerror(ps->errh, c->where, "'%s' pseudoelement '%s' may only be used as %s",
				 printable(c->name), names[which], names[!which]);
	bool *used = cabo_xcalloc(nports, sizeof *used);
	for (unsigned i = 0; i < b->nconns; i++) {
		const struct lconn *k = &b->conns[i];
		if (is_input && k->from == which)
			used[k->from_port] = true;
		else if (!is_input && k->to == which)
			used[k->to_port] = true;
	}
	for (unsigned p = 0; p < nports; p++)
		if (!used[p])
			cabo_errh_lerror(ps->errh, c->where, "'%s' %s %u missing",
					 printable(c->name), names[which], p);
	free(used);
	return nports;
}

/* One definition, after '{' or '||', up to the token that ends it. */
static const struct compound *parse_definition(struct parser *ps, const char *name,
					       struct cabo_landmark where, struct cabo_token *end)
{
	struct compound *c = cabo_xcalloc(1, sizeof *c);
	*VEC_PUSH(ps->compounds, ps->ncompounds, ps->compounds_cap) = c;
	c->name = name ? cabo_xstrdup(name) : NULL;
	c->where = where;
	cfg_body_init(&c->body, ps->scope->body->depth + 1, true);
	struct scope sc = { .body = &c->body, .compound = c, .parent = ps->scope };
	ps->scope = &sc;
	ps->nesting++;
	parse_formals(ps, c);
	*end = cfg_parse_statements(ps);
	cfg_body_name_anonymous(&c->body);
	c->ninputs = check_pseudo(ps, c, PARSE_INPUT);
	c->noutputs = check_pseudo(ps, c, PARSE_OUTPUT);
	ps->nesting--;
	ps->scope = sc.parent;
	free(sc.classes);
	return c;
}

/* Skips a compound too deeply nested to parse, up to its closing brace. */
static void skip_compound(struct parser *ps)
{
	for (unsigned depth = 1; depth;) {
		struct cabo_token t = cfg_lex(ps);
		if (t.kind == '(')
			free(cabo_lexer_config(ps->lx, t.where));
		else if (t.kind == '{')
			depth++;
		else if (t.kind == '}')
			depth--;
		else if (t.kind == CABO_TOK_EOF)
			return;
	}
}

/* The class's meaning before this definition becomes its last resort. */
static void extend_previous(struct parser *ps, struct classdef *def, const struct cabo_token *dots)
{
	const struct classdef *prev = def->name ? cfg_find_class(ps, def->name) : NULL;
	if (prev)
		add_meaning(def, prev, NULL);
	else if (!def->name || (ps->opt->is_class && !ps->opt->is_class(def->name, ps->opt->is_class_arg)))
		cabo_errh_lerror(ps->errh, dots->where, "cannot extend unknown element class '%s'",
				 printable(def->name));
	else
		add_meaning(def, NULL, def->name);
}

/* `...` must end the alternatives: `{ body || ... }`.  Returns whether the
 * closing brace followed. */
static bool parse_extension(struct parser *ps, struct classdef *def, const struct cabo_token *dots)
{
	/* Only the first counts: extending again could snowball. */
	bool first = !def->extended, after_compounds = def->nalts > 0;
	if (first)
		extend_previous(ps, def, dots);
	def->extended = true;
	struct cabo_token t = cfg_lex(ps);
	if (t.kind != '}' || !first || !after_compounds)
		cabo_errh_lerror(ps->errh, dots->where, "'...' should occur last, after one or more compounds");
	if (t.kind != '}' && t.kind != CABO_TOK_BAR2)
		cfg_unlex(ps, t);
	return t.kind == '}';
}

const struct classdef *cfg_parse_compound_class(struct parser *ps, const char *name,
						struct cabo_landmark open)
{
	if (ps->nesting >= PARSE_MAX_NESTING) {
		cabo_errh_lerror(ps->errh, open, "maximum compound element nesting depth exceeded");
		skip_compound(ps);
		return NULL;
	}
	struct classdef *def = new_classdef(ps, name);
	struct cabo_landmark where = open;
	for (;;) {
		struct cabo_token t = cfg_lex(ps);
		if (t.kind == CABO_TOK_DOT3) {
			if (parse_extension(ps, def, &t))
				return def;
			continue;
		}
		cfg_unlex(ps, t);
		const struct compound *c = parse_definition(ps, name, where, &t);
		add_alts(def, &c, 1);
		if (t.kind != CABO_TOK_BAR2) {
			if (t.kind == CABO_TOK_EOF && !ps->eof_reported) {
				cabo_errh_lerror(ps->errh, open, "unclosed '{'");
				ps->eof_reported = true;
			}
			return def;
		}
		where = t.where;
	}
}

static void add_class(struct scope *sc, const struct classdef *def)
{
	*VEC_PUSH(sc->classes, sc->nclasses, sc->classes_cap) = def;
}

/* `elementclass Name { ... }` or the synonym `elementclass Name Other`. */
void cfg_parse_elementclass(struct parser *ps)
{
	struct cabo_token t = cfg_lex(ps);
	if (t.kind != CABO_TOK_IDENT) {
		cabo_errh_lerror(ps->errh, t.where, "expected element type name");
		cfg_resume(ps, t);
		return;
	}
	char *name = cfg_token_str(&t);
	t = cfg_lex(ps);
	if (t.kind == '{') {
		const struct classdef *def = cfg_parse_compound_class(ps, name, t.where);
		if (def)
			add_class(ps->scope, def);
	} else if (t.kind == CABO_TOK_IDENT) {
		char *other = cfg_token_str(&t);
		struct classdef *def = new_classdef(ps, name);
		add_meaning(def, cfg_find_class(ps, other), other);
		add_class(ps->scope, def);
		free(other);
	} else {
		cfg_syntax_error(ps, &t);
		cfg_resume(ps, t);
	}
	free(name);
}

/* ---- Choosing a definition ---- */

/* The argument's value if it is `KEYWORD value` (or just `KEYWORD`). */
static const char *keyword_value(const char *arg, const char *keyword)
{
	size_t n = strlen(keyword);
	if (strncmp(arg, keyword, n) != 0 || (arg[n] && !isspace((unsigned char)arg[n])))
		return NULL;
	for (arg += n; isspace((unsigned char)*arg); arg++)
		;
	return arg;
}

/* Binds arguments to formals as Click does: positional formals take the
 * leading arguments, keyword formals (all mandatory) take `KEYWORD value`
 * arguments, and __REST__ takes the others, joined with ", ".  Parsing
 * checked the order of the formals. */
static bool assign_args(const struct compound *c, char *const *args, unsigned nargs,
			char ***values)
{
	const struct body *b = &c->body;
	unsigned nf = b->nformals, npos = 0;
	while (npos < nf && !b->vars[npos].keyword)
		npos++;
	bool rest = nf && is_rest(&b->vars[nf - 1]);
	if (nargs < npos || (npos == nf && nargs != nf))
		return false;
	char **v = cabo_xcalloc(nf ? nf : 1, sizeof *v);
	struct cabo_strbuf others = CABO_STRBUF_INIT;
	bool ok = true;
	for (unsigned i = 0; i < npos; i++)
		v[i] = cabo_xstrdup(args[i]);
	for (unsigned i = npos; i < nargs && ok; i++) {
		unsigned f = npos;
		const char *value = NULL;
		for (; f < nf - rest; f++)
			if (b->vars[f].keyword && (value = keyword_value(args[i], b->vars[f].keyword)))
				break;
		if (value) {
			free(v[f]);
			v[f] = cabo_xstrdup(value);
		} else if (rest) {
			cabo_strbuf_printf(&others, "%s%s", others.length ? ", " : "", args[i]);
		} else {
			ok = false;
		}
	}
	if (rest)
		v[nf - 1] = cabo_strbuf_release(&others);
	for (unsigned f = 0; f < nf; f++)
		ok = ok && v[f];
	if (ok)
		*values = v;
	else
		cfg_free_args(v, nf);
	cabo_strbuf_free(&others);
	return ok;
}

static void signature(struct cabo_strbuf *sb, const char *name, const struct compound *c,
		      unsigned nargs, unsigned nin, unsigned nout)
{
	cabo_strbuf_puts(sb, printable(name));
	const struct body *b = c ? &c->body : NULL;
	for (unsigned i = 0; b && i < b->nformals; i++) {
		const struct var *f = &b->vars[i];
		cabo_strbuf_puts(sb, i ? ", " : "(");
		cabo_strbuf_puts(sb, !f->keyword ? "<arg>" : is_rest(f) ? "..." : f->keyword);
	}
	if (b && b->nformals)
		cabo_strbuf_putc(sb, ')');
	cabo_strbuf_putc(sb, '[');
	if (!c && nargs)
		cabo_strbuf_printf(sb, "%u argument%s, ", nargs, nargs == 1 ? "" : "s");
	cabo_strbuf_printf(sb, "%u input%s, %u output%s]", nin, nin == 1 ? "" : "s",
			   nout, nout == 1 ? "" : "s");
}

static void report_no_match(struct cabo_errh *errh, const struct classdef *def, unsigned nargs,
			    const unsigned nports[2], struct cabo_landmark where)
{
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	signature(&sb, def->name, NULL, nargs, nports[0], nports[1]);
	cabo_errh_lerror(errh, where, "no match for '%s'", cabo_strbuf_str(&sb));
	cabo_errh_lerror(errh, where, "candidates are:");
	for (unsigned i = 0; i < def->nalts; i++) {
		const struct compound *c = def->alts[i];
		cabo_strbuf_clear(&sb);
		signature(&sb, c->name, c, 0, c->ninputs, c->noutputs);
		cabo_errh_lerror(errh, c->where, "  %s", cabo_strbuf_str(&sb));
	}
	cabo_strbuf_free(&sb);
}

const struct compound *cfg_resolve_compound(struct cabo_errh *errh,
					    const struct classdef *def,
					    char *const *args, unsigned nargs,
					    const unsigned nports[2], struct cabo_landmark where,
					    char ***values, const char **primitive)
{
	*primitive = NULL;
	*values = NULL;
	for (unsigned i = 0; i < def->nalts; i++) {
		const struct compound *c = def->alts[i];
		if (c->ninputs == nports[0] && c->noutputs == nports[1]
		    && assign_args(c, args, nargs, values))
			return c;
	}
	if (def->primitive) {
		*primitive = def->primitive;
		return NULL;
	}
	/* Like Click, a lone definition whose arguments fit is used anyway: its
	 * port mismatches are reported, port by port, when connecting. */
	if (def->nalts == 1 && assign_args(def->alts[0], args, nargs, values))
		return def->alts[0];
	report_no_match(errh, def, nargs, nports, where);
	return NULL;
}

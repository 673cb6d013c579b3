/* Variables: define()s, formal parameters bound to arguments and NAME=VALUE
 * overrides, substituted into configuration strings with Click's rules
 * (`$name`, `${name}`, `${name-default}`; nothing inside single quotes;
 * unknown variables left alone). */
#include "parser.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum {
	VAR_MAX_DEPTH = 10,          /* variables in variables' values (Click's) */
	VAR_MAX_LENGTH = 1 << 20,
	VAR_MAX_STEPS = 100000,      /* substitutions for one string */
};

static void env_bind(struct env *env, const char *name, size_t len, const char *value, bool literal)
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

char *cfg_expand(const char *text, const struct env *env, struct cabo_errh *errh,
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
		cabo_errh_lerror(errh, where, "configuration string malformed after substituting variables");
	else if (x.failed == SUBST_TOO_DEEP)
		cabo_errh_lerror(errh, where, "variables nested more than %d deep (does one refer to itself?)",
				 VAR_MAX_DEPTH);
	else
		cabo_errh_lerror(errh, where, "configuration string too long after substituting variables");
	cabo_strbuf_free(&x.out);
	return cabo_xstrdup(text);
}

void cfg_env_top(struct env *env, const struct body *top,
		 const struct cabo_config_options *opt, struct cabo_errh *errh)
{
	memset(env, 0, sizeof *env);
	for (unsigned i = 0; i < top->nvars; i++)
		env_bind(env, top->vars[i].name, strlen(top->vars[i].name), top->vars[i].value, false);
	for (unsigned i = 0; i < opt->noverrides; i++) {
		const char *o = opt->overrides[i], *name = o + (o[0] == '$'), *e = name;
		while (is_var_char(*e))
			e++;
		if (e == name || *e != '=')
			cabo_errh_error(errh, "bad definition '%s' (expected NAME=VALUE)", o);
		else
			env_bind(env, name, (size_t)(e - name), e + 1, false);
	}
}

void cfg_env_instance(struct env *env, const struct compound *c, char *const *values,
		      const struct env *outer)
{
	const struct body *b = &c->body;
	while (outer && outer->depth >= b->depth)
		outer = outer->parent;
	*env = (struct env){ .parent = outer, .depth = b->depth };
	for (unsigned i = 0; i < b->nvars; i++) {
		bool formal = i < b->nformals;
		env_bind(env, b->vars[i].name, strlen(b->vars[i].name),
			 formal ? values[i] : b->vars[i].value, formal);
	}
}

void cfg_env_free(struct env *env)
{
	free(env->b);
	memset(env, 0, sizeof *env);
}

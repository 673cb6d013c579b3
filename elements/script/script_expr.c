/* Text helpers and expression handlers of the Script element (see
 * script_expr.h and the Script documentation in script.c). */
#include "script_expr.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================
 * Words and quoting
 * ====================================================================== */

const char *cabo_script_skip_space(const char *s)
{
	while (*s && isspace((unsigned char) *s))
		s++;
	return s;
}

/* End of the quoted part starting at s (s points at the opening quote). */
static const char *skip_quote(const char *s)
{
	char q = *s++;
	while (*s && *s != q) {
		if (q == '"' && *s == '\\' && s[1])
			s++;
		s++;
	}
	return *s ? s + 1 : s;
}

char *cabo_script_shift_word(const char **sp)
{
	const char *s = cabo_script_skip_space(*sp), *start = s;
	if (!*s) {
		*sp = s;
		return NULL;
	}
	while (*s && !isspace((unsigned char) *s)) {
		if (*s == '"' || *s == '\'')
			s = skip_quote(s);
		else
			s++;
	}
	char *word = cabo_xstrndup(start, (size_t) (s - start));
	*sp = cabo_script_skip_space(s);
	return word;
}

char *cabo_script_trim(const char *s)
{
	s = cabo_script_skip_space(s);
	size_t n = strlen(s);
	while (n && isspace((unsigned char) s[n - 1]))
		n--;
	return cabo_xstrndup(s, n);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char) tolower((unsigned char) c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes one backslash escape at s (s points after the backslash). */
static const char *unescape(const char *s, struct cabo_strbuf *out)
{
	static const char from[] = "abfnrtv", to[] = "\a\b\f\n\r\t\v";
	const char *p;
	if (!*s)
		return s;
	if ((p = strchr(from, *s)) && *s) {
		cabo_strbuf_putc(out, to[p - from]);
		return s + 1;
	}
	if (*s >= '0' && *s <= '7') {
		int v = 0, n = 0;
		while (n < 3 && *s >= '0' && *s <= '7')
			v = v * 8 + (*s++ - '0'), n++;
		cabo_strbuf_putc(out, (char) v);
		return s;
	}
	if (*s == 'x' && hexval(s[1]) >= 0) {
		int v = 0;
		for (s++; hexval(*s) >= 0; s++)
			v = (v * 16 + hexval(*s)) & 0xFF;
		cabo_strbuf_putc(out, (char) v);
		return s;
	}
	if (*s == '<') {        /* \<0a 0b>: hex bytes, spaces ignored */
		const char *q = s + 1;
		int half = -1;
		for (; *q && *q != '>'; q++) {
			if (isspace((unsigned char) *q))
				continue;
			int v = hexval(*q);
			if (v < 0)
				break;
			if (half < 0)
				half = v;
			else {
				cabo_strbuf_putc(out, (char) (half * 16 + v));
				half = -1;
			}
		}
		if (*q == '>')
			return q + 1;
		/* not a hex block: keep the text as written */
		cabo_strbuf_putc(out, '<');
		return s + 1;
	}
	if (*s == '\n')         /* line continuation */
		return s + 1;
	if (*s == '\r')
		return s[1] == '\n' ? s + 2 : s + 1;
	cabo_strbuf_putc(out, *s);
	return s + 1;
}

char *cabo_script_unquote(const char *s)
{
	struct cabo_strbuf out = CABO_STRBUF_INIT;
	cabo_strbuf_puts(&out, "");
	while (*s) {
		if (*s == '\'') {
			const char *end = strchr(s + 1, '\'');
			if (!end)
				end = s + strlen(s);
			cabo_strbuf_append(&out, s + 1, (size_t) (end - s - 1));
			s = *end ? end + 1 : end;
		} else if (*s == '"') {
			for (s++; *s && *s != '"'; ) {
				if (*s == '\\')
					s = unescape(s + 1, &out);
				else
					cabo_strbuf_putc(&out, *s++);
			}
			if (*s)
				s++;
		} else
			cabo_strbuf_putc(&out, *s++);
	}
	return cabo_strbuf_release(&out);
}

void cabo_script_quote(struct cabo_strbuf *out, const char *s, bool inside_quotes)
{
	if (!inside_quotes)
		cabo_strbuf_putc(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char) *s;
		if (c == '\\' || c == '"' || c == '$') {
			cabo_strbuf_putc(out, '\\');
			cabo_strbuf_putc(out, (char) c);
		} else if (c == '\n')
			cabo_strbuf_puts(out, "\\n");
		else if (c == '\t')
			cabo_strbuf_puts(out, "\\t");
		else if (c == '\r')
			cabo_strbuf_puts(out, "\\r");
		else if (c < 32 || c >= 127)
			cabo_strbuf_printf(out, "\\%03o", c);
		else
			cabo_strbuf_putc(out, (char) c);
	}
	if (!inside_quotes)
		cabo_strbuf_putc(out, '"');
}

/* ======================================================================
 * Substitution
 * ====================================================================== */

static char *expand(const char *text, bool quote_bare, int depth,
		    cabo_script_lookup lookup, void *ctx)
{
	struct cabo_strbuf out = CABO_STRBUF_INIT;
	char quote = 0;
	cabo_strbuf_puts(&out, "");
	for (const char *p = text; *p; ) {
		if (*p == '\\' && quote == '"' && p[1]) {
			cabo_strbuf_append(&out, p, 2);
			p += 2;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = quote == 0 ? *p : quote == *p ? 0 : quote;
			cabo_strbuf_putc(&out, *p++);
			continue;
		}
		if (*p != '$' || !p[1] || quote == '\'' || depth > 10) {
			cabo_strbuf_putc(&out, *p++);
			continue;
		}
		const char *start = p, *name_start, *name_end;
		int vtype = 'a';
		bool nested = false;
		if (p[1] == '{') {
			vtype = '{';
			name_start = p + 2;
			name_end = strchr(name_start, '}');
			if (!name_end)
				goto literal;
			nested = memchr(name_start, '$', (size_t) (name_end - name_start)) != NULL;
			p = name_end + 1;
		} else if (p[1] == '(') {
			int level = 1;
			char nq = 0;
			vtype = '(';
			name_start = p + 2;
			for (p = name_start; *p && level; p++) {
				if (*p == '\\' && nq != '\'' && p[1])
					p++;
				else if (*p == '"' || *p == '\'')
					nq = nq == 0 ? *p : nq == *p ? 0 : nq;
				else if (*p == '$' && nq != '\'')
					nested = true;
				else if (!nq && *p == '(')
					level++;
				else if (!nq && *p == ')')
					level--;
			}
			if (level)
				goto literal;
			name_end = p - 1;
		} else if (isalnum((unsigned char) p[1]) || p[1] == '_') {
			name_start = p + 1;
			for (p = name_start; isalnum((unsigned char) *p) || *p == '_'; p++)
				;
			name_end = p;
		} else if (p[1] == '?' || p[1] == '#' || p[1] == '$') {
			name_start = p + 1;
			name_end = p = p + 2;
		} else {
		literal:
			p = start;
			cabo_strbuf_putc(&out, *p++);
			continue;
		}

		char *name = cabo_xstrndup(name_start, (size_t) (name_end - name_start));
		if (nested) {
			char *x = expand(name, false, depth + 1, lookup, ctx);
			free(name);
			name = x;
		}
		struct cabo_strbuf val = CABO_STRBUF_INIT;
		cabo_strbuf_puts(&val, "");
		if (!lookup(ctx, name, vtype, &val)) {
			if (nested)     /* keep the reference, with its name expanded */
				cabo_strbuf_printf(&out, "$%c%s%c", vtype, name,
						   vtype == '(' ? ')' : '}');
			else
				cabo_strbuf_append(&out, start, (size_t) (p - start));
		} else if (quote == '"' || (quote_bare && !quote))
			cabo_script_quote(&out, val.data, quote == '"');
		else
			cabo_strbuf_puts(&out, val.data);
		cabo_strbuf_free(&val);
		free(name);
	}
	return cabo_strbuf_release(&out);
}

char *cabo_script_expand(const char *text, bool quote_bare, cabo_script_lookup lookup,
			 void *ctx)
{
	return expand(text, quote_bare, 0, lookup, ctx);
}

/* ======================================================================
 * Values
 * ====================================================================== */

bool cabo_script_parse_bool(const char *s, bool *out)
{
	static const char *const no[] = { "0", "false", "no", "off", "f", "n" };
	static const char *const yes[] = { "1", "true", "yes", "on", "t", "y" };
	for (unsigned i = 0; i < sizeof no / sizeof no[0]; i++) {
		if (!strcmp(s, no[i])) {
			*out = false;
			return true;
		}
		if (!strcmp(s, yes[i])) {
			*out = true;
			return true;
		}
	}
	return false;
}

bool cabo_script_parse_int(const char *s, int64_t *out)
{
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char) *p))
		return false;
	char *end;
	errno = 0;
	long long v;
	if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B') && (p[2] == '0' || p[2] == '1')) {
		unsigned long long u = strtoull(p + 2, &end, 2);
		if (u > INT64_MAX)
			return false;
		v = *s == '-' ? -(long long) u : (long long) u;
	} else
		v = strtoll(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool cabo_script_parse_double(const char *s, double *out)
{
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char) *p) && !(*p == '.' && isdigit((unsigned char) p[1])))
		return false;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		return false;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*end || (errno && !isfinite(v)))
		return false;
	*out = v;
	return true;
}

static const char *bool_str(bool b)
{
	return b ? "true" : "false";
}

static void put_double(struct cabo_strbuf *out, double d)
{
	cabo_strbuf_printf(out, "%.12g", d);
}

/* ======================================================================
 * Expression handlers
 * ====================================================================== */

enum expr_op {
	X_ADD, X_SUB, X_MIN, X_MAX, X_MUL, X_DIV, X_IDIV, X_MOD, X_REM,
	X_NEG, X_ABS, X_EQ, X_NE, X_LT, X_GT, X_LE, X_GE,
	X_NOT, X_AND, X_OR, X_NAND, X_NOR, X_IF, X_IN, X_FIRST,
	X_SPRINTF, X_RANDOM, X_LENGTH, X_UNQUOTE, X_NOW,
};

static const struct {
	const char *name;
	enum expr_op op;
} expr_ops[] = {
	{ "add", X_ADD }, { "sub", X_SUB }, { "min", X_MIN }, { "max", X_MAX },
	{ "mul", X_MUL }, { "div", X_DIV }, { "idiv", X_IDIV }, { "mod", X_MOD },
	{ "rem", X_REM }, { "neg", X_NEG }, { "abs", X_ABS }, { "eq", X_EQ },
	{ "ne", X_NE }, { "lt", X_LT }, { "gt", X_GT }, { "le", X_LE },
	{ "ge", X_GE }, { "not", X_NOT }, { "and", X_AND }, { "or", X_OR },
	{ "nand", X_NAND }, { "nor", X_NOR }, { "if", X_IF }, { "in", X_IN },
	{ "first", X_FIRST }, { "sprintf", X_SPRINTF }, { "random", X_RANDOM },
	{ "length", X_LENGTH }, { "unquote", X_UNQUOTE }, { "now", X_NOW },
};

static int find_op(const char *name)
{
	for (unsigned i = 0; i < sizeof expr_ops / sizeof expr_ops[0]; i++)
		if (!strcmp(expr_ops[i].name, name))
			return (int) expr_ops[i].op;
	return -1;
}

bool cabo_script_expr_exists(const char *name)
{
	return find_op(name) >= 0;
}

/* add, sub, min, max, mul, div, idiv: integers while every operand is one,
 * floating point from the first operand that is not (and always for div). */
static int arith(enum expr_op op, const char *params, struct cabo_strbuf *out,
		 struct cabo_errh *errh)
{
	bool fp = (op == X_DIV || op == X_IDIV), first = true;
	int64_t acc = (op == X_ADD || op == X_SUB) ? 0 : 1;
	double dacc = (double) acc;
	char *w;
	while ((w = cabo_script_shift_word(&params))) {
		int64_t v = 0;
		double d = 0;
		if (!fp && !cabo_script_parse_int(w, &v)) {
			fp = true;
			dacc = (double) acc;
		}
		if (fp && !cabo_script_parse_double(w, &d)) {
			free(w);
			return cabo_errh_error(errh, "expected list of numbers");
		}
		free(w);
		if (fp) {
			if (first)
				dacc = d;
			else if (op == X_ADD)
				dacc += d;
			else if (op == X_SUB)
				dacc -= d;
			else if (op == X_MIN)
				dacc = d < dacc ? d : dacc;
			else if (op == X_MAX)
				dacc = d > dacc ? d : dacc;
			else if (op == X_MUL)
				dacc *= d;
			else
				dacc /= d;
		} else {
			/* wrap around like Click's int64 arithmetic, without UB */
			uint64_t ua = (uint64_t) acc, uv = (uint64_t) v;
			if (first)
				acc = v;
			else if (op == X_ADD)
				acc = (int64_t) (ua + uv);
			else if (op == X_SUB)
				acc = (int64_t) (ua - uv);
			else if (op == X_MIN)
				acc = v < acc ? v : acc;
			else if (op == X_MAX)
				acc = v > acc ? v : acc;
			else
				acc = (int64_t) (ua * uv);
		}
		first = false;
	}
	if (op == X_IDIV) {
		double t = trunc(dacc);
		if (!(t >= -9223372036854775808.0 && t < 9223372036854775808.0))
			return cabo_errh_error(errh, "integer division out of range");
		cabo_strbuf_printf(out, "%" PRId64, (int64_t) t);
	} else if (fp)
		put_double(out, dacc);
	else
		cabo_strbuf_printf(out, "%" PRId64, acc);
	return 0;
}

/* Splits params into exactly n words (n = 1 or 2). */
static bool words(const char *params, char **w, unsigned n)
{
	w[0] = w[1] = NULL;
	for (unsigned i = 0; i < n; i++)
		w[i] = cabo_script_shift_word(&params);
	if (*params || !w[n - 1]) {
		free(w[0]);
		free(w[1]);
		return false;
	}
	return true;
}

static int modrem(enum expr_op op, const char *params, struct cabo_strbuf *out,
		  struct cabo_errh *errh)
{
	char *w[2];
	int64_t a, b;
	double da, db;
	int r = 0;
	if (!words(params, w, 2))
		return cabo_errh_error(errh, "expected two numbers");
	if (cabo_script_parse_int(w[0], &a) && cabo_script_parse_int(w[1], &b)) {
		if (b == 0)
			r = cabo_errh_error(errh, "division by zero");
		else
			cabo_strbuf_printf(out, "%" PRId64, b == -1 ? 0 : a % b);
	} else if (op == X_REM && cabo_script_parse_double(w[0], &da)
		   && cabo_script_parse_double(w[1], &db))
		put_double(out, fmod(da, db));
	else
		r = cabo_errh_error(errh, "expected two numbers");
	free(w[0]);
	free(w[1]);
	return r;
}

static int negabs(enum expr_op op, const char *params, struct cabo_strbuf *out,
		  struct cabo_errh *errh)
{
	char *w[2];
	int64_t x;
	double d;
	int r = 0;
	if (!words(params, w, 1))
		return cabo_errh_error(errh, "expected one number");
	if (cabo_script_parse_int(w[0], &x)) {
		uint64_t u = (uint64_t) x;
		if (op == X_NEG || x < 0)
			u = 0 - u;
		cabo_strbuf_printf(out, "%" PRId64, (int64_t) u);
	} else if (cabo_script_parse_double(w[0], &d))
		put_double(out, op == X_NEG ? -d : fabs(d));
	else
		r = cabo_errh_error(errh, "expected one number");
	free(w[0]);
	return r;
}

/* eq ne lt gt le ge: numbers when both parse, otherwise unquoted strings. */
static int compare(enum expr_op op, const char *params, struct cabo_strbuf *out,
		   struct cabo_errh *errh)
{
	char *w[2];
	int64_t a, b;
	double da, db;
	int c;
	if (!words(params, w, 2))
		return cabo_errh_error(errh, "expected two numbers");
	if (cabo_script_parse_int(w[0], &a) && cabo_script_parse_int(w[1], &b))
		c = a < b ? -1 : a > b;
	else if (cabo_script_parse_double(w[0], &da) && cabo_script_parse_double(w[1], &db))
		c = da < db ? -1 : da > db;
	else {
		char *ua = cabo_script_unquote(w[0]), *ub = cabo_script_unquote(w[1]);
		c = strcmp(ua, ub);
		c = c < 0 ? -1 : c > 0;
		free(ua);
		free(ub);
	}
	free(w[0]);
	free(w[1]);
	bool r = (op == X_EQ && c == 0) || (op == X_NE && c != 0)
		|| (op == X_LT && c < 0) || (op == X_GT && c > 0)
		|| (op == X_LE && c <= 0) || (op == X_GE && c >= 0);
	cabo_strbuf_puts(out, bool_str(r));
	return 0;
}

static int logic(enum expr_op op, const char *params, struct cabo_strbuf *out,
		 struct cabo_errh *errh)
{
	bool zero = (op == X_AND || op == X_NAND), value = zero;
	char *w;
	while (value == zero && (w = cabo_script_shift_word(&params))) {
		bool x;
		bool ok = cabo_script_parse_bool(w, &x);
		free(w);
		if (!ok)
			return cabo_errh_error(errh, "syntax error");
		value = zero ? (value && x) : (value || x);
	}
	if (op == X_NAND || op == X_NOR)
		value = !value;
	cabo_strbuf_puts(out, bool_str(value));
	return 0;
}

/* Click's sprintf: %d %i %u %o %x %X %s %% with flags, width, precision
 * ('*' takes the next argument) and ignored length modifiers. */
static int format(const char *params, struct cabo_strbuf *out, struct cabo_errh *errh)
{
	char *fw = cabo_script_shift_word(&params);
	char *fmt = cabo_script_unquote(fw ? fw : "");
	const char *s = fmt;
	int r = 0;
	free(fw);
	while (*s && r == 0) {
		if (*s != '%') {
			cabo_strbuf_putc(out, *s++);
			continue;
		}
		struct cabo_strbuf pf = CABO_STRBUF_INIT;
		int64_t star;
		char *w = NULL;
		cabo_strbuf_putc(&pf, *s++);
		while (*s && strchr("0#- +", *s))
			cabo_strbuf_putc(&pf, *s++);
		for (int part = 0; part < 2; part++) {   /* width, then precision */
			if (part == 1) {
				if (*s != '.')
					break;
				cabo_strbuf_putc(&pf, *s++);
			}
			if (*s == '*') {
				s++;
				w = cabo_script_shift_word(&params);
				if (!w || !cabo_script_parse_int(w, &star)
				    || star < -100000 || star > 100000 || (part && star < 0)) {
					r = -1;
					break;
				}
				cabo_strbuf_printf(&pf, "%" PRId64, star);
				free(w);
				w = NULL;
			} else
				while (isdigit((unsigned char) *s))
					cabo_strbuf_putc(&pf, *s++);
		}
		bool half = false;
		while (r == 0 && *s && strchr("hlLq", *s))
			half = (*s++ == 'h');
		char conv = *s ? *s++ : 0;
		if (r == 0 && conv == '%')
			cabo_strbuf_putc(out, '%');
		else if (r == 0 && conv && strchr("diouxX", conv)) {
			int64_t v;
			w = cabo_script_shift_word(&params);
			if (!w || !cabo_script_parse_int(w, &v))
				r = -1;
			else {
				cabo_strbuf_printf(&pf, "ll%c", conv);
				if (conv == 'd' || conv == 'i')
					cabo_strbuf_printf(out, pf.data,
							   (long long) (half ? (short) v : v));
				else
					cabo_strbuf_printf(out, pf.data, (unsigned long long)
							   (half ? (unsigned short) v : (uint64_t) v));
			}
		} else if (r == 0 && conv == 's') {
			w = cabo_script_shift_word(&params);
			if (!w)
				r = -1;
			else {
				char *u = cabo_script_unquote(w);
				cabo_strbuf_putc(&pf, 's');
				cabo_strbuf_printf(out, pf.data, u);
				free(u);
			}
		} else
			r = -1;
		free(w);
		cabo_strbuf_free(&pf);
	}
	if (r == 0 && *cabo_script_skip_space(params))
		r = -1;
	free(fmt);
	return r < 0 ? cabo_errh_error(errh, "syntax error") : 0;
}

/* xorshift64*: per-Script state, no globals. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9E3779B97F4A7C15ULL;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static int random_op(const char *params, const struct cabo_script_expr_env *env,
		     struct cabo_strbuf *out, struct cabo_errh *errh)
{
	char *w[3] = { NULL, NULL, NULL };
	uint64_t lo = 0, hi = 2147483647;     /* RAND_MAX, as Click */
	int64_t n1, n2;
	int r = 0;
	for (unsigned i = 0; i < 3; i++)
		w[i] = cabo_script_shift_word(&params);
	if (w[2])
		r = cabo_errh_error(errh, "too many arguments");
	else if (w[0] && (!cabo_script_parse_int(w[0], &n1) || n1 < 0 || n1 > UINT32_MAX))
		r = cabo_errh_error(errh, "N1: expected unsigned integer");
	else if (w[1] && (!cabo_script_parse_int(w[1], &n2) || n2 < 0 || n2 > UINT32_MAX))
		r = cabo_errh_error(errh, "N2: expected unsigned integer");
	else if (w[1]) {
		if (n2 < n1)
			r = cabo_errh_error(errh, "bad N");
		lo = (uint64_t) n1, hi = (uint64_t) n2;
	} else if (w[0]) {
		if (n1 == 0)
			r = cabo_errh_error(errh, "bad N");
		hi = (uint64_t) n1 - 1;
	}
	if (r == 0)
		cabo_strbuf_printf(out, "%" PRIu64,
				   lo + next_random(env->rng) % (hi - lo + 1));
	for (unsigned i = 0; i < 3; i++)
		free(w[i]);
	return r;
}

static int basic(enum expr_op op, const char *params, const struct cabo_script_expr_env *env,
		 struct cabo_strbuf *out, struct cabo_errh *errh)
{
	char *w = NULL;
	bool b;
	int r = 0;
	switch (op) {
	case X_NOT:
		if (!cabo_script_parse_bool(params, &b))
			return cabo_errh_error(errh, "syntax error");
		cabo_strbuf_puts(out, bool_str(!b));
		return 0;
	case X_IF:
		w = cabo_script_shift_word(&params);
		if (!w || !cabo_script_parse_bool(w, &b))
			r = cabo_errh_error(errh, "syntax error");
		else {
			char *yes = cabo_script_shift_word(&params);
			char *no = cabo_script_shift_word(&params);
			const char *pick = b ? yes : no;
			cabo_strbuf_puts(out, pick ? pick : "");
			free(yes);
			free(no);
		}
		free(w);
		return r;
	case X_IN: {
		w = cabo_script_shift_word(&params);
		char *key = cabo_script_unquote(w ? w : "");
		char *x;
		b = false;
		while (w && !b && (x = cabo_script_shift_word(&params))) {
			char *ux = cabo_script_unquote(x);
			b = !strcmp(key, ux);
			free(ux);
			free(x);
		}
		cabo_strbuf_puts(out, bool_str(b));
		free(key);
		free(w);
		return 0;
	}
	case X_FIRST:
		w = cabo_script_shift_word(&params);
		cabo_strbuf_puts(out, w ? w : "");
		free(w);
		return 0;
	case X_LENGTH:
		cabo_strbuf_printf(out, "%zu", strlen(params));
		return 0;
	case X_UNQUOTE:
		w = cabo_script_unquote(params);
		cabo_strbuf_puts(out, w);
		free(w);
		return 0;
	case X_NOW:
		cabo_strbuf_printf(out, "%" PRId64 ".%06" PRId64, env->now_ns / 1000000000,
				   env->now_ns % 1000000000 / 1000);
		return 0;
	default:
		return cabo_errh_error(errh, "internal error: bad expression");
	}
}

int cabo_script_expr_eval(const char *name, const char *params,
			  const struct cabo_script_expr_env *env,
			  struct cabo_strbuf *out, struct cabo_errh *errh)
{
	int op = find_op(name);
	char *p = cabo_script_trim(params);
	int r;
	cabo_strbuf_puts(out, "");
	switch (op) {
	case X_ADD: case X_SUB: case X_MIN: case X_MAX:
	case X_MUL: case X_DIV: case X_IDIV:
		r = arith((enum expr_op) op, p, out, errh);
		break;
	case X_MOD: case X_REM:
		r = modrem((enum expr_op) op, p, out, errh);
		break;
	case X_NEG: case X_ABS:
		r = negabs((enum expr_op) op, p, out, errh);
		break;
	case X_EQ: case X_NE: case X_LT: case X_GT: case X_LE: case X_GE:
		r = compare((enum expr_op) op, p, out, errh);
		break;
	case X_AND: case X_OR: case X_NAND: case X_NOR:
		r = logic((enum expr_op) op, p, out, errh);
		break;
	case X_SPRINTF:
		r = format(p, out, errh);
		break;
	case X_RANDOM:
		r = random_op(p, env, out, errh);
		break;
	case -1:
		r = cabo_errh_error(errh, "no expression handler '%s'", name);
		break;
	default:
		r = basic((enum expr_op) op, p, env, out, errh);
		break;
	}
	free(p);
	return r;
}

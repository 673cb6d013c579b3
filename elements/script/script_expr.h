/* Text helpers and expression handlers of the Script element.
 *
 * Script's language works on Click's space-separated words: a word runs to
 * the next unquoted space, "double quotes" (with backslash escapes) and
 * 'single quotes' keep spaces inside it.  The expression handlers (add, lt,
 * if, sprintf, ...) take such a word list as their parameters and answer
 * the way Click's Script handlers do ("true"/"false", integers, or "%.12g"
 * floating point numbers). */
#ifndef CABO_SCRIPT_EXPR_H
#define CABO_SCRIPT_EXPR_H

#include <stdbool.h>
#include <stdint.h>

#include "errh.h"
#include "strbuf.h"

const char *cabo_script_skip_space(const char *s);
/* Returns the next word of *s (malloc'd, quotes kept) and moves *s past it
 * and the space after it; NULL when only space is left. */
char *cabo_script_shift_word(const char **s);
/* Copy of s with leading and trailing space removed. */
char *cabo_script_trim(const char *s);
/* Removes one layer of quoting ("..." with escapes, '...' literal). */
char *cabo_script_unquote(const char *s);
/* Appends s with ", \, $ and control characters escaped; inside_quotes
 * leaves out the surrounding double quotes. */
void cabo_script_quote(struct cabo_strbuf *out, const char *s, bool inside_quotes);

/* Substitution (Click's cp_expand): $name, ${name} and $(name ...) outside
 * single quotes, also $?, $# and $$; $(...) may nest.  lookup appends the
 * value of a reference (vtype 'a' for $name, '{' or '(') and returns true,
 * or returns false to leave the reference as written.  Values that land
 * inside double quotes are escaped; quote_bare also quotes values that land
 * outside quotes (so one unquote gives the value back). */
typedef bool (*cabo_script_lookup)(void *ctx, const char *name, int vtype,
				   struct cabo_strbuf *out);
char *cabo_script_expand(const char *text, bool quote_bare, cabo_script_lookup lookup,
			 void *ctx);

bool cabo_script_parse_bool(const char *s, bool *out);
bool cabo_script_parse_int(const char *s, int64_t *out);
bool cabo_script_parse_double(const char *s, double *out);

struct cabo_script_expr_env {
	int64_t now_ns;      /* the router's clock */
	uint64_t *rng;       /* the Script's random state */
};

/* True if name is one of the expression handlers below. */
bool cabo_script_expr_exists(const char *name);
/* Evaluates expression handler `name` on params into out.  Returns 0, or -1
 * after reporting the reason to errh. */
int cabo_script_expr_eval(const char *name, const char *params,
			  const struct cabo_script_expr_env *env,
			  struct cabo_strbuf *out, struct cabo_errh *errh);

#endif

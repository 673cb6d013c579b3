/* Tokenizer for the configuration language, with Click's lexical rules.
 *
 * Identifiers are letters, digits, '_', '@' and inner single '/'s
 * (`comp/Counter@2`); `$name` is a variable; `->`, `=>`, `::`, `||` and
 * `...` are single tokens, as is every other character.  Whitespace, `//` and
 * slash-star comments separate tokens, and a line starting with `#` is a
 * preprocessor line directive (`# 12 "file"`, `#line 12`).  Configuration
 * strings are not tokens: after a '(' the parser asks for the raw text up to
 * the matching ')'. */
#ifndef CABO_LEXER_H
#define CABO_LEXER_H

#include <stddef.h>

#include "errh.h"

/* Kinds of multi-character tokens; any other token's kind is its character. */
enum cabo_tok {
	CABO_TOK_EOF = 256,
	CABO_TOK_IDENT,
	CABO_TOK_VARIABLE,      /* text includes the '$' */
	CABO_TOK_ARROW,         /* -> */
	CABO_TOK_ARROW2,        /* => */
	CABO_TOK_COLON2,        /* :: */
	CABO_TOK_BAR2,          /* || */
	CABO_TOK_DOT3,          /* ... */
	CABO_TOK_ELEMENTCLASS,
	CABO_TOK_REQUIRE,
	CABO_TOK_PROVIDE,
	CABO_TOK_DEFINE,
};

struct cabo_token {
	int kind;
	const char *text;       /* into the lexer's text, not NUL-terminated */
	size_t len;
	struct cabo_landmark where;
};

/* Returns a stable copy of a file name (from a line directive). */
typedef const char *(*cabo_lexer_intern_fn)(void *ctx, const char *name, size_t len);

enum { CABO_LEXER_UNLEX_MAX = 2 };

struct cabo_lexer {
	const char *text, *pos, *end;
	const char *file;              /* current name; line directives change it */
	const char *original_file;
	unsigned line;
	struct cabo_errh *errh;
	cabo_lexer_intern_fn intern;
	void *intern_ctx;
	struct cabo_token unlexed[CABO_LEXER_UNLEX_MAX];
	unsigned nunlexed;
};

/* `file` must outlive the lexer, as must `text`, which may contain NULs
 * but must be followed by one (text[len] == '\0'). */
void cabo_lexer_init(struct cabo_lexer *lx, const char *text, size_t len,
		     const char *file, struct cabo_errh *errh,
		     cabo_lexer_intern_fn intern, void *intern_ctx);

/* The next token; at the end, CABO_TOK_EOF again and again. */
struct cabo_token cabo_lexer_next(struct cabo_lexer *lx);
/* Pushes a token back (last in, first out; at most CABO_LEXER_UNLEX_MAX). */
void cabo_lexer_unlex(struct cabo_lexer *lx, struct cabo_token t);

/* Reads a configuration string just after its '(' (no token may be pushed
 * back), up to and including the matching ')'.  Quotes, backslash escapes
 * and `\<...>` blocks are kept verbatim; comments outside them become one
 * space; line directives are applied and removed; NUL bytes are reported
 * and dropped.  Returns the text (caller frees), or NULL after reporting an
 * unterminated string or comment; `open` locates the '(' for that report. */
char *cabo_lexer_config(struct cabo_lexer *lx, struct cabo_landmark open);

/* Steps over one unit of configuration text at s (not at its NUL): a
 * `\<...>` block (not inside single quotes), a backslash escape inside double
 * quotes, or one character, updating *quote (0, '"' or '\'') at quote
 * characters.  Everything that scans configuration strings uses it, so they
 * all agree with the lexer on where quotes begin and end. */
const char *cabo_config_unit(const char *s, char *quote);

/* The token as messages quote it, unprintable bytes escaped. Caller frees. */
char *cabo_token_describe(const struct cabo_token *t);

#endif

/* Tokenizer for the configuration language (see lexer.h for the rules). */
#include "lexer.h"

#include <assert.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void cabo_lexer_init(struct cabo_lexer *lx, const char *text, size_t len,
		     const char *file, struct cabo_errh *errh,
		     cabo_lexer_intern_fn intern, void *intern_ctx)
{
	memset(lx, 0, sizeof *lx);
	lx->text = lx->pos = text;
	lx->end = text + len;
	lx->file = lx->original_file = file;
	lx->line = 1;
	lx->errh = errh;
	lx->intern = intern;
	lx->intern_ctx = intern_ctx;
}

static struct cabo_landmark here(const struct cabo_lexer *lx)
{
	return (struct cabo_landmark){ lx->file, lx->line };
}

static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '@';
}

static bool is_newline(char c)
{
	return c == '\n' || c == '\r';
}

static bool at_line_start(const struct cabo_lexer *lx, const char *s)
{
	return s == lx->text || is_newline(s[-1]);
}

/* ---- Skipping: line ends, comments, line directives ---- */

/* Consumes the line end at s (LF, CR or CRLF) and counts it. */
static const char *newline(struct cabo_lexer *lx, const char *s)
{
	lx->line++;
	if (*s == '\r' && s + 1 < lx->end && s[1] == '\n')
		return s + 2;
	return s + 1;
}

/* Returns the position of the end of the line containing s. */
static const char *line_end(const struct cabo_lexer *lx, const char *s)
{
	while (s < lx->end && !is_newline(*s))
		s++;
	return s;
}

/* s is just after a slash-star; returns the position after the closing
 * star-slash, or NULL after reporting the comment at its start line. */
static const char *skip_block_comment(struct cabo_lexer *lx, const char *s)
{
	struct cabo_landmark start = here(lx);
	while (s < lx->end) {
		if (*s == '*' && s + 1 < lx->end && s[1] == '/')
			return s + 2;
		s = is_newline(*s) ? newline(lx, s) : s + 1;
	}
	cabo_errh_lerror(lx->errh, start, "unterminated comment");
	return NULL;
}

static bool is_comment(const struct cabo_lexer *lx, const char *s)
{
	return *s == '/' && s + 1 < lx->end && (s[1] == '/' || s[1] == '*');
}

/* Skips the comment at s, up to the line end for `//`; NULL after
 * reporting an unterminated one. */
static const char *skip_comment(struct cabo_lexer *lx, const char *s)
{
	return s[1] == '/' ? line_end(lx, s) : skip_block_comment(lx, s + 2);
}

static const char *skip_blanks(const struct cabo_lexer *lx, const char *s)
{
	while (s < lx->end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* Reads the quoted file name of a line directive; s is just after the '"'. */
static const char *directive_file(struct cabo_lexer *lx, const char *s)
{
	struct cabo_strbuf name = CABO_STRBUF_INIT;
	for (; s < lx->end && *s != '"' && !is_newline(*s); s++) {
		if (*s == '\\' && s + 1 < lx->end && !is_newline(s[1]))
			s++;
		cabo_strbuf_putc(&name, *s);
	}
	/* An empty name means the original file again, as in cpp output. */
	if (!name.length)
		lx->file = lx->original_file;
	else if (lx->intern)
		lx->file = lx->intern(lx->intern_ctx, name.data, name.length);
	cabo_strbuf_free(&name);
	return s;
}

/* s is a '#' at the start of a line: applies `# N "file"` or `#line N`.
 * Returns the end of the line, whose line break then counts to make N. */
static const char *line_directive(struct cabo_lexer *lx, const char *s)
{
	s = skip_blanks(lx, s + 1);
	if (lx->end - s > 4 && memcmp(s, "line", 4) == 0 && (s[4] == ' ' || s[4] == '\t'))
		s = skip_blanks(lx, s + 5);
	if (s >= lx->end || !isdigit((unsigned char)*s)) {
		cabo_errh_lerror(lx->errh, here(lx), "unknown preprocessor directive");
		return line_end(lx, s);
	}
	unsigned long n = 0;
	for (; s < lx->end && isdigit((unsigned char)*s); s++)
		if (n < 1000000000)
			n = n * 10 + (unsigned long)(*s - '0');
	s = skip_blanks(lx, s);
	if (s < lx->end && *s == '"')
		s = directive_file(lx, s + 1);
	lx->line = n ? (unsigned)n - 1 : 0;
	return line_end(lx, s);
}

/* Skips whitespace, comments and line directives before a token. */
static const char *skip_space(struct cabo_lexer *lx, const char *s)
{
	while (s < lx->end) {
		if (is_newline(*s))
			s = newline(lx, s);
		else if (isspace((unsigned char)*s))
			s++;
		else if (is_comment(lx, s)) {
			if (!(s = skip_comment(lx, s)))
				return lx->end;
		} else if (*s == '#' && at_line_start(lx, s))
			s = line_directive(lx, s);
		else
			break;
	}
	return s;
}

/* ---- Tokens ---- */

static const struct {
	const char *text;
	int kind;
} keywords[] = {
	{ "elementclass", CABO_TOK_ELEMENTCLASS },
	{ "require", CABO_TOK_REQUIRE },
	{ "provide", CABO_TOK_PROVIDE },
	{ "define", CABO_TOK_DEFINE },
};

static const struct {
	const char *text;
	int kind;
} operators[] = {
	{ "->", CABO_TOK_ARROW },
	{ "=>", CABO_TOK_ARROW2 },
	{ "::", CABO_TOK_COLON2 },
	{ "||", CABO_TOK_BAR2 },
	{ "...", CABO_TOK_DOT3 },
};

/* An identifier may contain single slashes between word characters, so
 * `a/b` is one name but `a//b` is `a` and a comment. */
static size_t word_length(const struct cabo_lexer *lx, const char *s)
{
	const char *w = s;
	for (;;) {
		while (w < lx->end && is_word_char(*w))
			w++;
		if (w + 1 < lx->end && *w == '/' && is_word_char(w[1]))
			w++;
		else
			return (size_t)(w - s);
	}
}

static int word_kind(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
		if (strlen(keywords[i].text) == len && memcmp(s, keywords[i].text, len) == 0)
			return keywords[i].kind;
	return CABO_TOK_IDENT;
}

/* Sets the kind and length of the token starting at s. */
static void classify(const struct cabo_lexer *lx, const char *s, struct cabo_token *t)
{
	size_t left = (size_t)(lx->end - s);
	if (is_word_char(*s)) {
		t->len = word_length(lx, s);
		t->kind = word_kind(s, t->len);
		return;
	}
	if (*s == '$' && left > 1 && (isalnum((unsigned char)s[1]) || s[1] == '_')) {
		t->len = 1;
		while (t->len < left && (isalnum((unsigned char)s[t->len]) || s[t->len] == '_'))
			t->len++;
		t->kind = CABO_TOK_VARIABLE;
		return;
	}
	for (size_t i = 0; i < sizeof operators / sizeof operators[0]; i++) {
		size_t n = strlen(operators[i].text);
		if (n <= left && memcmp(s, operators[i].text, n) == 0) {
			t->kind = operators[i].kind;
			t->len = n;
			return;
		}
	}
	t->kind = (unsigned char)*s;
	t->len = 1;
}

struct cabo_token cabo_lexer_next(struct cabo_lexer *lx)
{
	if (lx->nunlexed)
		return lx->unlexed[--lx->nunlexed];
	const char *s = skip_space(lx, lx->pos);
	struct cabo_token t = { CABO_TOK_EOF, s, 0, here(lx) };
	if (s < lx->end)
		classify(lx, s, &t);
	else if (t.where.line > 1 && s > lx->text && is_newline(s[-1]))
		t.where.line--; /* the end of the last line, not a line after it */
	lx->pos = s + t.len;
	return t;
}

void cabo_lexer_unlex(struct cabo_lexer *lx, struct cabo_token t)
{
	assert(lx->nunlexed < CABO_LEXER_UNLEX_MAX);
	lx->unlexed[lx->nunlexed++] = t;
}

char *cabo_token_describe(const struct cabo_token *t)
{
	if (t->kind == CABO_TOK_EOF)
		return cabo_xstrdup("end of file");
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	for (size_t i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->text[i];
		if (isprint(c))
			cabo_strbuf_putc(&sb, (char)c);
		else
			cabo_strbuf_printf(&sb, "\\%03o", c);
	}
	return cabo_strbuf_release(&sb);
}

/* ---- Configuration strings ---- */

const char *cabo_config_unit(const char *s, char *quote)
{
	if (s[0] == '\\' && s[1] == '<' && *quote != '\'') {
		for (s += 2; *s && *s != '>'; s++)
			;
		return *s ? s + 1 : s;
	}
	if (s[0] == '\\' && s[1] && *quote == '"')
		return s + 2;
	if (*s == '"' || *s == '\'')
		*quote = !*quote ? *s : *quote == *s ? 0 : *quote;
	return s + 1;
}

/* Appends [from, to) to sb, counting its line breaks. */
static const char *keep(struct cabo_lexer *lx, struct cabo_strbuf *sb, const char *from,
			const char *to)
{
	cabo_strbuf_append(sb, from, (size_t)(to - from));
	for (const char *s = from; s < to; s++)
		if (*s == '\n' || (*s == '\r' && (s + 1 == lx->end || s[1] != '\n')))
			lx->line++;
	return to;
}

char *cabo_lexer_config(struct cabo_lexer *lx, struct cabo_landmark open)
{
	assert(!lx->nunlexed);
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	const char *s = lx->pos;
	unsigned depth = 1;
	char quote = 0;
	while (s && s < lx->end) {
		if (!*s) {
			cabo_errh_lerror(lx->errh, here(lx), "NUL character in configuration string");
			s++;
		} else if (!quote && is_comment(lx, s)) {
			cabo_strbuf_putc(&sb, ' ');
			s = skip_comment(lx, s);
		} else if (!quote && *s == '#' && at_line_start(lx, s)) {
			s = line_directive(lx, s);
		} else if (!quote && *s == ')' && depth == 1) {
			lx->pos = s + 1;
			return cabo_strbuf_release(&sb);
		} else {
			if (!quote && *s == '(')
				depth++;
			else if (!quote && *s == ')')
				depth--;
			s = keep(lx, &sb, s, cabo_config_unit(s, &quote));
		}
	}
	if (s) /* else an unterminated comment, already reported */
		cabo_errh_lerror(lx->errh, open, "unterminated configuration string");
	lx->pos = lx->end;
	cabo_strbuf_free(&sb);
	return NULL;
}

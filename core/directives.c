/* The define() and require() statements, and reading configuration text:
 * the main file, and the libraries that require(library FILE) includes. */
#include "parser.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *paren_text(struct parser *ps)
{
	struct cabo_token t = cfg_lex(ps);
	if (t.kind != '(') {
		cabo_errh_lerror(ps->errh, t.where, "expected '('");
		cfg_resume(ps, t);
		return NULL;
	}
	return cabo_lexer_config(ps->lx, t.where);
}

/* `define($NAME value, ...)`: variables of the current scope. */
void cfg_parse_define(struct parser *ps, struct cabo_landmark where)
{
	char *text = paren_text(ps), **argv;
	if (!text)
		return;
	unsigned argc = cfg_split_args(text, &argv);
	for (unsigned i = 0; i < argc; i++) {
		const char *s = argv[i], *e;
		if (!*s)
			continue;
		for (e = s + 1; isalnum((unsigned char)*e) || *e == '_'; e++)
			;
		if (*s != '$' || e == s + 1 || (*e && !isspace((unsigned char)*e))) {
			cabo_errh_lerror(ps->errh, where, "bad 'define' declaration: not a variable");
			continue;
		}
		char *name = cabo_xstrndup(s + 1, (size_t)(e - s - 1));
		cfg_body_define(ps, ps->scope->body, name, cfg_trimmed_copy(e, e + strlen(e)), NULL, where);
		free(name);
	}
	cfg_free_args(argv, argc);
	free(text);
}

char *cabo_config_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		cabo_strbuf_append(&sb, buf, n);
	int failed = ferror(f);
	fclose(f);
	if (failed) {
		cabo_strbuf_free(&sb);
		errno = EIO;
		return NULL;
	}
	*len = sb.length;
	return cabo_strbuf_release(&sb);
}

const char *cfg_intern_file(void *ctx, const char *name, size_t len)
{
	struct cabo_config *c = ctx;
	for (unsigned i = 0; i < c->nfiles; i++)
		if (strlen(c->files[i]) == len && memcmp(c->files[i], name, len) == 0)
			return c->files[i];
	c->files = cabo_xrealloc(c->files, (c->nfiles + 1) * sizeof *c->files);
	return c->files[c->nfiles++] = cabo_xstrndup(name, len);
}

/* Parses statements of `text` into the current scope. */
void cfg_parse_text(struct parser *ps, const char *text, size_t len, const char *file)
{
	struct cabo_lexer lx, *saved = ps->lx;
	cabo_lexer_init(&lx, text, len, file, ps->errh, cfg_intern_file, ps->out);
	ps->lx = &lx;
	cfg_parse_statements(ps);
	ps->lx = saved;
}

/* `require(library FILE)`: FILE, relative to the including file, is parsed
 * at file scope, once. */
static void include_library(struct parser *ps, const char *file, struct cabo_landmark where)
{
	if (ps->scope->parent) {
		cabo_errh_lerror(ps->errh, where, "'require library' must be used at file scope");
		return;
	}
	const char *slash = strrchr(ps->lx->file, '/');
	char *path = file[0] == '/' || !slash ? cabo_xstrdup(file)
		: cabo_xasprintf("%.*s/%s", (int)(slash - ps->lx->file), ps->lx->file, file);
	for (unsigned i = 0; i < ps->nlibraries; i++)
		if (strcmp(ps->libraries[i], path) == 0) {
			free(path);
			return;
		}
	*VEC_PUSH(ps->libraries, ps->nlibraries, ps->libraries_cap) = path;
	size_t len;
	char *text = cabo_config_read_file(path, &len);
	if (!text) {
		cabo_errh_lerror(ps->errh, where, "cannot read library '%s': %s", path, strerror(errno));
		return;
	}
	ps->nesting++;
	if (ps->nesting > PARSE_MAX_NESTING)
		cabo_errh_lerror(ps->errh, where, "libraries nested too deeply");
	else
		cfg_parse_text(ps, text, len, cfg_intern_file(ps->out, path, strlen(path)));
	ps->nesting--;
	free(text);
}

static char *unquote(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || (s[0] != '"' && s[0] != '\'') || s[n - 1] != s[0])
		return cabo_xstrdup(s);
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	for (size_t i = 1; i + 1 < n; i++) {
		if (s[0] == '"' && s[i] == '\\' && i + 2 < n)
			i++;
		cabo_strbuf_putc(&sb, s[i]);
	}
	return cabo_strbuf_release(&sb);
}

/* Click's forms: `NAME` (a package), `package NAME`, `library FILE`. */
static bool valid_requirement(char *const *words, unsigned n)
{
	bool typed = !strcmp(words[0], "package") || !strcmp(words[0], "library");
	return n == (typed ? 2 : 1);
}

static void require_one(struct parser *ps, const char *arg, struct cabo_landmark where)
{
	char **words;
	unsigned n = cfg_split_words(arg, &words);
	if (!valid_requirement(words, n)) {
		cabo_errh_lerror(ps->errh, where, "syntax error at requirement");
	} else if (n == 2 && strcmp(words[0], "library") == 0) {
		/* Like Click, a library is the parser's business only. */
		char *file = unquote(words[1]);
		include_library(ps, file, where);
		free(file);
	} else {
		struct cabo_config *c = ps->out;
		c->requirements = cabo_xrealloc(c->requirements, (c->nrequirements + 1) * sizeof *c->requirements);
		c->requirements[c->nrequirements++] = cabo_xstrdup(arg);
	}
	cfg_free_args(words, n);
}

void cfg_parse_require(struct parser *ps, struct cabo_landmark where)
{
	char *text = paren_text(ps), **argv;
	if (!text)
		return;
	unsigned argc = cfg_split_args(text, &argv);
	for (unsigned i = 0; i < argc; i++)
		if (argv[i][0])
			require_one(ps, argv[i], where);
	cfg_free_args(argv, argc);
	free(text);
}

/* Located error messages with nested contexts. */
#include "errh.h"

#include <stdlib.h>
#include <string.h>

void cabo_errh_init(struct cabo_errh *errh, FILE *out)
{
	memset(errh, 0, sizeof *errh);
	errh->out = out;
}

void cabo_errh_destroy(struct cabo_errh *errh)
{
	while (errh->depth)
		cabo_errh_pop_context(errh);
	cabo_strbuf_free(&errh->log);
}

char *cabo_landmark_str(struct cabo_landmark where)
{
	if (!where.file)
		return cabo_xstrdup("");
	if (!where.line)
		return cabo_xstrdup(where.file);
	return cabo_xasprintf("%s:%u", where.file, where.line);
}

static void emit(struct cabo_errh *errh, struct cabo_landmark where,
		 unsigned indent, const char *text)
{
	struct cabo_strbuf line = CABO_STRBUF_INIT;
	/* Indented under its context; a message with a place of its own (a line
	 * of a route file, say) still names it. */
	for (unsigned i = 0; i < indent; i++)
		cabo_strbuf_puts(&line, "  ");
	if (where.file) {
		char *lm = cabo_landmark_str(where);
		cabo_strbuf_printf(&line, "%s: ", lm);
		free(lm);
	}
	cabo_strbuf_puts(&line, text);
	cabo_strbuf_putc(&line, '\n');
	if (errh->out) {
		fputs(cabo_strbuf_str(&line), errh->out);
		fflush(errh->out);
	}
	cabo_strbuf_append(&errh->log, line.data, line.length);
	cabo_strbuf_free(&line);
}

/* Prints the headers of contexts that have not been shown yet. */
static unsigned show_contexts(struct cabo_errh *errh)
{
	for (unsigned i = 0; i < errh->depth; i++) {
		struct cabo_errh_context *c = &errh->context[i];
		if (!c->printed) {
			emit(errh, c->where, i, c->text);
			c->printed = true;
		}
	}
	return errh->depth;
}

static void report(struct cabo_errh *errh, struct cabo_landmark where,
		   const char *prefix, const char *fmt, va_list ap)
{
	struct cabo_strbuf msg = CABO_STRBUF_INIT;
	cabo_strbuf_puts(&msg, prefix);
	cabo_strbuf_vprintf(&msg, fmt, ap);
	unsigned indent = show_contexts(errh);
	/* A message may span lines; each is indented the same way. */
	char *text = cabo_strbuf_release(&msg);
	char *save = NULL;
	for (char *part = strtok_r(text, "\n", &save); part; part = strtok_r(NULL, "\n", &save))
		emit(errh, where, indent, part);
	free(text);
}

int cabo_errh_verror(struct cabo_errh *errh, struct cabo_landmark where,
		     const char *fmt, va_list ap)
{
	errh->nerrors++;
	report(errh, where, "", fmt, ap);
	return -1;
}

int cabo_errh_lerror(struct cabo_errh *errh, struct cabo_landmark where,
		     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cabo_errh_verror(errh, where, fmt, ap);
	va_end(ap);
	return -1;
}

int cabo_errh_error(struct cabo_errh *errh, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cabo_errh_verror(errh, cabo_landmark_none(), fmt, ap);
	va_end(ap);
	return -1;
}

void cabo_errh_warning(struct cabo_errh *errh, struct cabo_landmark where,
		       const char *fmt, ...)
{
	va_list ap;
	errh->nwarnings++;
	if (errh->quiet_warnings)
		return;
	va_start(ap, fmt);
	report(errh, where, "warning: ", fmt, ap);
	va_end(ap);
}

void cabo_errh_push_context(struct cabo_errh *errh, struct cabo_landmark where,
			    const char *fmt, ...)
{
	if (errh->depth == CABO_ERRH_MAX_CONTEXT)
		abort(); /* programming error: contexts are pushed in a fixed nesting */
	struct cabo_errh_context *c = &errh->context[errh->depth++];
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	cabo_strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	c->text = cabo_strbuf_release(&sb);
	c->where = where;
	c->printed = false;
}

void cabo_errh_pop_context(struct cabo_errh *errh)
{
	if (!errh->depth)
		return;
	struct cabo_errh_context *c = &errh->context[--errh->depth];
	free(c->text);
	c->text = NULL;
}

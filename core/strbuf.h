/* Growable, always NUL-terminated string buffer used by handlers, unparsers and
 * error messages.  Allocation failure aborts: it only happens on the control path. */
#ifndef CABO_STRBUF_H
#define CABO_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct cabo_strbuf {
	char *data;
	size_t length;
	size_t capacity;
};

#define CABO_STRBUF_INIT { NULL, 0, 0 }

void cabo_strbuf_append(struct cabo_strbuf *sb, const char *s, size_t n);
void cabo_strbuf_puts(struct cabo_strbuf *sb, const char *s);
void cabo_strbuf_putc(struct cabo_strbuf *sb, char c);
void cabo_strbuf_printf(struct cabo_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cabo_strbuf_vprintf(struct cabo_strbuf *sb, const char *fmt, va_list ap);
void cabo_strbuf_clear(struct cabo_strbuf *sb);
/* Returns the text (never NULL) and leaves the buffer empty; caller frees. */
char *cabo_strbuf_release(struct cabo_strbuf *sb);
void cabo_strbuf_free(struct cabo_strbuf *sb);
/* Text so far; valid until the next append. */
const char *cabo_strbuf_str(const struct cabo_strbuf *sb);

/* Small allocation helpers that abort on failure (control path only). */
void *cabo_xmalloc(size_t n);
void *cabo_xcalloc(size_t n, size_t size);
void *cabo_xrealloc(void *p, size_t n);
char *cabo_xstrdup(const char *s);
char *cabo_xstrndup(const char *s, size_t n);
char *cabo_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

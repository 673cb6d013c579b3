/* Growable strings and aborting allocators for the control path. */
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(void)
{
	fputs("cabo: out of memory\n", stderr);
	abort();
}

void *cabo_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *cabo_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *cabo_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *cabo_xstrndup(const char *s, size_t n)
{
	char *copy = cabo_xmalloc(n + 1);
	memcpy(copy, s, n);
	copy[n] = '\0';
	return copy;
}

char *cabo_xstrdup(const char *s)
{
	return cabo_xstrndup(s, strlen(s));
}

char *cabo_xasprintf(const char *fmt, ...)
{
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	cabo_strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	return cabo_strbuf_release(&sb);
}

static void reserve(struct cabo_strbuf *sb, size_t extra)
{
	size_t need = sb->length + extra + 1;
	if (need <= sb->capacity)
		return;
	size_t cap = sb->capacity ? sb->capacity : 64;
	while (cap < need)
		cap *= 2;
	sb->data = cabo_xrealloc(sb->data, cap);
	sb->capacity = cap;
}

void cabo_strbuf_append(struct cabo_strbuf *sb, const char *s, size_t n)
{
	reserve(sb, n);
	memcpy(sb->data + sb->length, s, n);
	sb->length += n;
	sb->data[sb->length] = '\0';
}

void cabo_strbuf_puts(struct cabo_strbuf *sb, const char *s)
{
	cabo_strbuf_append(sb, s, strlen(s));
}

void cabo_strbuf_putc(struct cabo_strbuf *sb, char c)
{
	cabo_strbuf_append(sb, &c, 1);
}

void cabo_strbuf_vprintf(struct cabo_strbuf *sb, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	reserve(sb, (size_t)n);
	vsnprintf(sb->data + sb->length, (size_t)n + 1, fmt, ap);
	sb->length += (size_t)n;
}

void cabo_strbuf_printf(struct cabo_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cabo_strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

void cabo_strbuf_clear(struct cabo_strbuf *sb)
{
	sb->length = 0;
	if (sb->data)
		sb->data[0] = '\0';
}

const char *cabo_strbuf_str(const struct cabo_strbuf *sb)
{
	return sb->data ? sb->data : "";
}

char *cabo_strbuf_release(struct cabo_strbuf *sb)
{
	char *s = sb->data ? sb->data : cabo_xstrdup("");
	sb->data = NULL;
	sb->length = sb->capacity = 0;
	return s;
}

void cabo_strbuf_free(struct cabo_strbuf *sb)
{
	free(sb->data);
	sb->data = NULL;
	sb->length = sb->capacity = 0;
}

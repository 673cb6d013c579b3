/* The answer table of ARPResponder and IP6NDAdvertiser; see responder.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "responder.h"

static struct responder *self(struct cabo_element *e)
{
	return (struct responder *)e;
}

static unsigned char *entry_at(const struct responder *r, unsigned i)
{
	return (unsigned char *)r->v + (size_t)i * r->family->entry_size;
}

/* ---- The table */

/* Inserts x before the first entry it must precede, so that the first
 * match is the most specific.  A prefix already present gets x's address
 * (with a warning when warn is set and the family wants one). */
static void table_insert(struct responder *r, const void *x, struct cabo_errh *warn)
{
	const struct responder_family *f = r->family;
	unsigned pos = r->n;
	for (unsigned i = 0; i < r->n; i++) {
		unsigned char *y = entry_at(r, i);
		if (f->same_prefix(y, x)) {
			if (warn && f->warn_duplicates) {
				struct cabo_strbuf sb = CABO_STRBUF_INIT;
				f->format_prefix(&sb, x);
				cabo_errh_warning(warn, cabo_landmark_none(), "multiple entries for %s",
						  cabo_strbuf_str(&sb));
				cabo_strbuf_free(&sb);
			}
			memcpy(y, x, ETHER_ALEN);
			return;
		}
		if (pos == r->n && f->precedes(x, y))
			pos = i;
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 8;
		r->v = cabo_xrealloc(r->v, r->cap * f->entry_size);
	}
	memmove(entry_at(r, pos + 1), entry_at(r, pos), (r->n - pos) * f->entry_size);
	memcpy(entry_at(r, pos), x, f->entry_size);
	r->n++;
}

/* Removes the entry with x's prefix: 0, or -1 when there is none. */
static int table_remove(struct responder *r, const void *x)
{
	size_t size = r->family->entry_size;
	for (unsigned i = 0; i < r->n; i++)
		if (r->family->same_prefix(entry_at(r, i), x)) {
			memmove(entry_at(r, i), entry_at(r, i + 1), (r->n - i - 1) * size);
			r->n--;
			return 0;
		}
	return -1;
}

/* Why words (nw of them) are not `PREFIX... ETH', or NULL; *out gets their
 * n prefixes, each with the address. */
static char *parse_words(const struct responder_family *f, char **words, unsigned nw,
			 unsigned char *out, unsigned *n)
{
	bool have_eth = false;
	uint8_t eth[ETHER_ALEN];
	*n = 0;
	for (unsigned i = 0; i < nw; i++) {
		if (f->parse_prefix(words[i], out + *n * f->entry_size)) {
			(*n)++;
		} else if (cabo_parse_ether(words[i], eth)) {
			if (have_eth)
				return cabo_xstrdup("more than one ETH");
			have_eth = true;
		} else {
			return cabo_xasprintf("expected %s ETH", f->prefix_syntax);
		}
	}
	if (*n == 0)
		return cabo_xasprintf("missing %s", f->prefix_syntax);
	if (!have_eth)
		return cabo_xstrdup("missing ETH");
	for (unsigned i = 0; i < *n; i++)
		memcpy(out + i * f->entry_size, eth, ETHER_ALEN);
	return NULL;
}

/* Adds one argument's entries, `PREFIX... ETH'; reports a bad one, after
 * `where', in errh.  warn: for duplicates, or NULL.  0 or -1. */
static int add_arg(struct responder *r, const char *arg, const char *where,
		   struct cabo_errh *errh, struct cabo_errh *warn)
{
	const struct responder_family *f = r->family;
	char **words;
	unsigned nw = cabo_split_words(arg, &words), n;
	unsigned char *v = cabo_xcalloc(nw ? nw : 1, f->entry_size);
	char *err = parse_words(f, words, nw, v, &n);
	cabo_free_strings(words, nw);
	if (!err)
		for (unsigned i = 0; i < n; i++)
			table_insert(r, v + i * f->entry_size, warn);
	free(v);
	if (!err)
		return 0;
	cabo_errh_error(errh, "%s%s", where, err);
	free(err);
	return -1;
}

/* ---- Configuration */

int responder_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct responder *r = self(e);
	const char *const *args;
	unsigned nargs = cabo_args_read_rest(a, &args);
	if (cabo_args_complete(a) < 0)
		return -1;
	int rc = 0;
	for (unsigned i = 0; i < nargs; i++) {
		char where[32];
		snprintf(where, sizeof where, "argument %u: ", i);
		if (add_arg(r, args[i], where, a->errh, a->errh) < 0)
			rc = -1;
	}
	return rc;
}

void responder_cleanup(struct cabo_element *e)
{
	struct responder *r = self(e);
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

/* ---- Handlers */

static int read_table(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct responder *r = self(e);
	for (unsigned i = 0; i < r->n; i++) {
		const unsigned char *x = entry_at(r, i);
		char eth[18];
		r->family->format_prefix(out, x);
		cabo_format_ether(x, eth);
		cabo_strbuf_printf(out, " %s\n", eth);
	}
	return 0;
}

static int write_add(struct cabo_element *e, const char *value, const void *arg,
		     struct cabo_errh *errh)
{
	return add_arg(self(e), value, "", errh, NULL);
}

static int write_remove(struct cabo_element *e, const char *value, const void *arg,
			struct cabo_errh *errh)
{
	struct responder *r = self(e);
	const struct responder_family *f = r->family;
	char buf[64];
	unsigned char *x = cabo_xcalloc(1, f->entry_size);
	int rc = -1;
	if (!cabo_copy_trimmed(value, buf, sizeof buf) || !f->parse_prefix(buf, x))
		cabo_errh_error(errh, "expected %s", f->prefix_syntax);
	else if (table_remove(r, x) == 0)
		rc = 0;
	else {
		struct cabo_strbuf sb = CABO_STRBUF_INIT;
		f->format_prefix(&sb, x);
		cabo_errh_error(errh, "%s not found", cabo_strbuf_str(&sb));
		cabo_strbuf_free(&sb);
	}
	free(x);
	return rc;
}

const struct cabo_handler responder_handlers[] = {
	{ "table", read_table, NULL, NULL, 0 },
	{ "add", NULL, write_add, NULL, 0 },
	{ "remove", NULL, write_remove, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

/* What the IPv4 and IPv6 route-table tests (test_lpm.c, test_lpm6.c)
 * share: the route-syntax table check, and the reference they check the
 * lookup structures against, a binary trie, one bit a level, too simple to
 * be wrong.  Trie keys are left-aligned in 128 bits (an IPv4 address
 * shifted up by 96), so one trie serves both families. */
#ifndef CABO_TEST_LPM_CHECK_H
#define CABO_TEST_LPM_CHECK_H

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../elements/iproute/routectl.h"
#include "check.h"
#include "strbuf.h"

/* ---- Route syntax: `in' parses (for a remove when `remove') and prints
 * back as `out' in the one-line form, or does not parse when out is NULL */

struct route_syntax_case {
	const char *in;
	bool remove;
	const char *out;
};

static void check_route_syntax(const struct cabo_routectl_family *f,
			       const struct route_syntax_case *T, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		alignas(max_align_t) unsigned char r[CABO_ROUTECTL_ROUTE_MAX];
		bool ok = f->parse(T[i].in, T[i].remove, r);
		CHECK(ok == (T[i].out != NULL));
		if (ok && T[i].out) {
			struct cabo_strbuf sb = CABO_STRBUF_INIT;
			f->unparse(r, &sb);
			CHECK_STR(cabo_strbuf_str(&sb), T[i].out);
			cabo_strbuf_free(&sb);
		}
	}
}

/* ---- The reference trie */

typedef unsigned __int128 ref_key;

struct ref {
	uint32_t (*kid)[2];
	uint32_t *value;          /* value + 1 of the prefix ending here, 0 = none */
	uint32_t n, cap;
};

static inline unsigned ref_bit(ref_key key, unsigned i)
{
	return (unsigned)(key >> (127 - i)) & 1;
}

/* cap: nodes to start with. */
static void ref_init(struct ref *r, uint32_t cap)
{
	memset(r, 0, sizeof *r);
	r->cap = cap;
	r->kid = cabo_xcalloc(r->cap, sizeof *r->kid);
	r->value = cabo_xcalloc(r->cap, sizeof *r->value);
	r->n = 1;
}

static void ref_free(struct ref *r)
{
	free(r->kid);
	free(r->value);
}

/* value + 1, or 0 to remove */
static void ref_set(struct ref *r, ref_key key, unsigned len, uint32_t v1)
{
	uint32_t node = 0;
	for (unsigned i = 0; i < len; i++) {
		unsigned bit = ref_bit(key, i);
		if (!r->kid[node][bit]) {
			if (r->n == r->cap) {
				r->cap *= 2;
				r->kid = cabo_xrealloc(r->kid, r->cap * sizeof *r->kid);
				r->value = cabo_xrealloc(r->value, r->cap * sizeof *r->value);
			}
			memset(r->kid[r->n], 0, sizeof r->kid[0]);
			r->value[r->n] = 0;
			r->kid[node][bit] = r->n++;
		}
		node = r->kid[node][bit];
	}
	r->value[node] = v1;
}

/* The value + 1 of key's longest matching prefix among its first bits
 * bits, 0 when none. */
static uint32_t ref_get(const struct ref *r, ref_key key, unsigned bits)
{
	uint32_t node = 0, best = r->value[0];
	for (unsigned i = 0; i < bits; i++) {
		node = r->kid[node][ref_bit(key, i)];
		if (!node)
			break;
		if (r->value[node])
			best = r->value[node];
	}
	return best;
}

#endif

/* The linear engine of LinearIPLookup and StaticIPLookup: an array of
 * prefixes, longest first, scanned until the first match.  Lookups cost
 * O(routes); updates copy the array, publish the copy with one pointer
 * store, and free the old one after a grace period.  Meant for small
 * tables (Click recommends RadixIPLookup or DirectIPLookup for large ones). */
#include <stdlib.h>
#include <string.h>

#include "iproute.h"

struct lin_entry {
	uint32_t addr;              /* host order */
	uint32_t mask;
	uint32_t nh;
};

struct lin_array {
	size_t n;
	struct lin_entry e[];       /* longest prefixes first */
};

struct lpm_linear {
	struct cabo_lpm_rcu *rcu;
	struct lin_array *_Atomic cur;
};

static uint32_t len_mask(unsigned len)
{
	return len ? ~(uint32_t)0 << (32 - len) : 0;
}

static struct lin_array *array_new(size_t n)
{
	struct lin_array *a = cabo_xmalloc(sizeof *a + n * sizeof a->e[0]);
	a->n = n;
	return a;
}

static void *linear_create(struct cabo_lpm_rcu *rcu)
{
	struct lpm_linear *l = cabo_xcalloc(1, sizeof *l);
	l->rcu = rcu;
	atomic_init(&l->cur, array_new(0));
	return l;
}

static void linear_destroy(void *lpm)
{
	struct lpm_linear *l = lpm;
	free(atomic_load(&l->cur));
	free(l);
}

static void publish(struct lpm_linear *l, struct lin_array *a)
{
	struct lin_array *old = atomic_load_explicit(&l->cur, memory_order_relaxed);
	atomic_store_explicit(&l->cur, a, memory_order_release);
	cabo_lpm_synchronize(l->rcu);
	free(old);
}

static int linear_insert(void *lpm, uint32_t addr, unsigned len, uint32_t nh, const char **why)
{
	struct lpm_linear *l = lpm;
	const struct lin_array *old = atomic_load_explicit(&l->cur, memory_order_relaxed);
	uint32_t mask = len_mask(len);
	size_t at = 0;
	while (at < old->n && old->e[at].mask >= mask
	       && !(old->e[at].mask == mask && old->e[at].addr == addr))
		at++;
	bool replace = at < old->n && old->e[at].mask == mask && old->e[at].addr == addr;
	struct lin_array *a = array_new(old->n + !replace);
	memcpy(a->e, old->e, at * sizeof a->e[0]);
	a->e[at] = (struct lin_entry){ addr, mask, nh };
	memcpy(a->e + at + 1, old->e + at + replace, (old->n - at - replace) * sizeof a->e[0]);
	publish(l, a);
	return 0;
}

static void linear_erase(void *lpm, uint32_t addr, unsigned len, uint32_t cover_nh,
			 unsigned cover_len)
{
	struct lpm_linear *l = lpm;
	const struct lin_array *old = atomic_load_explicit(&l->cur, memory_order_relaxed);
	uint32_t mask = len_mask(len);
	for (size_t at = 0; at < old->n; at++)
		if (old->e[at].mask == mask && old->e[at].addr == addr) {
			struct lin_array *a = array_new(old->n - 1);
			memcpy(a->e, old->e, at * sizeof a->e[0]);
			memcpy(a->e + at, old->e + at + 1, (old->n - at - 1) * sizeof a->e[0]);
			publish(l, a);
			return;
		}
}

static int linear_load(void *lpm, const struct cabo_lpm_prefix *p, size_t n, const char **why)
{
	struct lin_array *a = array_new(n);
	for (size_t i = 0; i < n; i++)   /* p is shortest first */
		a->e[n - 1 - i] = (struct lin_entry){ p[i].addr, len_mask(p[i].len), p[i].nh };
	publish(lpm, a);
	return 0;
}

static void linear_flush(void *lpm)
{
	publish(lpm, array_new(0));
}

static void linear_lookup(const void *lpm, const uint32_t *dst, unsigned n, uint32_t *nh)
{
	const struct lpm_linear *l = lpm;
	const struct lin_array *a = atomic_load_explicit(&l->cur, memory_order_acquire);
	for (unsigned i = 0; i < n; i++) {
		uint32_t hop = 0;
		for (size_t k = 0; k < a->n; k++)
			if ((dst[i] & a->e[k].mask) == a->e[k].addr) {
				hop = a->e[k].nh;
				break;
			}
		nh[i] = hop;
	}
}

static size_t linear_memory(const void *lpm)
{
	const struct lpm_linear *l = lpm;
	const struct lin_array *a = atomic_load(&l->cur);
	return sizeof *a + a->n * sizeof a->e[0];
}

const struct cabo_lpm_ops cabo_lpm_linear = {
	.name = "linear", .max_nh = UINT16_MAX,
	.create = linear_create, .destroy = linear_destroy,
	.insert = linear_insert, .load = linear_load, .erase = linear_erase,
	.flush = linear_flush, .lookup = linear_lookup, .memory = linear_memory,
};

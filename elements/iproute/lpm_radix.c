/* A multibit trie with strides 16-8-8 (DIR-16-8-8): the lookup engine of
 * RadixIPLookup.  The root has one entry per /16; an entry is either a leaf
 * (the longest prefix covering it, pushed down to every entry it covers) or
 * a link to a group of 256 entries for the next 8 bits, and so on once more
 * for the last byte.  A lookup is one load for a /16 without longer
 * prefixes, two for one whose /24 holds none, at most three.  The default
 * route is kept apart, so a table's untouched root pages stay unbacked and
 * changing the default is one store.
 *
 * Entries are 32 bits:
 *     0 | 0:9 | plen:6 | nh:16    a leaf (0: no route but the default)
 *     1 | group:31                 a link to a group
 * Keeping the prefix length in each leaf lets updates decide entry by entry
 * whether a route owns it (a longer prefix wins), with no side table, and
 * makes every update a single 32-bit store: a reader sees the entry before
 * or after it.  A new group is filled (with its parent's leaf) before the
 * release store that links it; a group whose longer prefixes are all gone
 * is unlinked by storing its common leaf back into its parent, and reused
 * only after a grace period.
 *
 * Groups live in one array that doubles when full: the writer copies it,
 * publishes the copy, and frees the old one after a grace period.  A
 * reader loads the array pointer after the entry that links into it
 * (acquire), so it always finds the group that entry names.
 *
 * Memory: 256 KB of root (mapped lazily: only the pages routes touch are
 * backed) plus 1 KB a group.  The 1201-route benchmark table uses 1.3 MB
 * (the earlier layout, Click's 8-4-4-4-4-4-4, took 0.55 MB but up to 7
 * dependent loads a lookup); a full Internet table (900k prefixes) 33 MB. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "iproute.h"

enum {
	ROOT_ENTRIES = 1 << 16,
	GROUP_ENTRIES = 256,
	PLEN_SHIFT = 16,
	NH_MASK = 0xffff,
	FIRST_GROUPS = 16,
	MAX_GROUPS = 1 << 23,       /* 8 GB of groups */
};

#define EXT 0x80000000u

typedef _Atomic uint32_t entry;

struct gtab {
	uint32_t cap;               /* groups */
	entry e[];                  /* cap * GROUP_ENTRIES */
};

struct trie {
	entry *root;                /* ROOT_ENTRIES */
	struct gtab *_Atomic groups;
	_Atomic uint32_t default_nh;
	/* writer only */
	uint32_t ngroups;           /* group numbers handed out so far (high water) */
	uint32_t *free_groups;      /* reusable now */
	uint32_t nfree;
	uint32_t *pending;          /* reusable after a grace period */
	uint32_t npending;
	uint32_t list_cap;          /* entries in free_groups and pending */
};

struct lpm_radix {
	struct cabo_lpm_rcu *rcu;
	struct trie *_Atomic cur;
};

static inline unsigned plen_of(uint32_t v)
{
	return v >> PLEN_SHIFT;     /* leaves only */
}

static inline uint32_t leaf(unsigned len, uint32_t nh)
{
	return len << PLEN_SHIFT | nh;
}

static inline void put(entry *e, uint32_t v)
{
	atomic_store_explicit(e, v, memory_order_release);
}

static inline uint32_t get(entry *e)
{
	return atomic_load_explicit(e, memory_order_relaxed);   /* the writer's own stores */
}

/* ---- Memory */

/* The root and the group arrays are anonymous mappings: zeroed, backed
 * page by page as entries are written, and returned when freed (a table's
 * memory is its routes', whatever malloc did before). */
static void *map_zeroed(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static size_t gtab_size(uint32_t cap)
{
	return sizeof(struct gtab) + (size_t)cap * GROUP_ENTRIES * sizeof(entry);
}

static struct gtab *gtab_new(uint32_t cap)
{
	struct gtab *g = map_zeroed(gtab_size(cap));
	if (g)
		g->cap = cap;
	return g;
}

static void gtab_free(struct gtab *g)
{
	if (g)
		munmap(g, gtab_size(g->cap));
}

static struct trie *trie_new(void)
{
	struct trie *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->root = map_zeroed(ROOT_ENTRIES * sizeof(entry));
	struct gtab *g = gtab_new(FIRST_GROUPS);
	if (!t->root || !g) {
		if (t->root)
			munmap(t->root, ROOT_ENTRIES * sizeof(entry));
		gtab_free(g);
		free(t);
		return NULL;
	}
	atomic_init(&t->groups, g);
	atomic_init(&t->default_nh, 0);
	return t;
}

static void trie_free(struct trie *t)
{
	munmap(t->root, ROOT_ENTRIES * sizeof(entry));
	gtab_free(atomic_load_explicit(&t->groups, memory_order_relaxed));
	free(t->free_groups);
	free(t->pending);
	free(t);
}

static void *radix_create(struct cabo_lpm_rcu *rcu)
{
	struct trie *t = trie_new();
	if (!t)
		return NULL;
	struct lpm_radix *r = cabo_xcalloc(1, sizeof *r);
	r->rcu = rcu;
	atomic_init(&r->cur, t);
	return r;
}

static void radix_destroy(void *lpm)
{
	struct lpm_radix *r = lpm;
	trie_free(atomic_load(&r->cur));
	free(r);
}

static inline entry *group(struct trie *t, uint32_t link)
{
	struct gtab *g = atomic_load_explicit(&t->groups, memory_order_relaxed);
	return g->e + ((size_t)(link & ~EXT) << 8);
}

/* Makes sure `need` groups can be handed out without failing: reuses
 * collapsed groups once no reader can hold them, else doubles the array.
 * False (nothing changed that a lookup could see) when out of memory. */
static bool reserve(struct lpm_radix *r, struct trie *t, unsigned need)
{
	struct gtab *g = atomic_load_explicit(&t->groups, memory_order_relaxed);
	if (t->nfree + (g->cap - t->ngroups) >= need)
		return true;
	if (t->npending) {
		cabo_lpm_synchronize(r->rcu);
		memcpy(t->free_groups + t->nfree, t->pending, t->npending * sizeof *t->pending);
		t->nfree += t->npending;
		t->npending = 0;
		if (t->nfree + (g->cap - t->ngroups) >= need)
			return true;
	}
	if (g->cap >= MAX_GROUPS)
		return false;
	struct gtab *bigger = gtab_new(g->cap * 2);
	if (!bigger)
		return false;
	/* groups past the high water are unused: left untouched (unbacked) */
	memcpy((void *)bigger->e, (const void *)g->e, (size_t)t->ngroups * GROUP_ENTRIES * sizeof(entry));
	atomic_store_explicit(&t->groups, bigger, memory_order_release);
	cabo_lpm_synchronize(r->rcu);
	gtab_free(g);
	return true;
}

/* A group filled with `fill`, linked from *parent (reserve() first). */
static void link_group(struct trie *t, entry *parent, uint32_t fill)
{
	uint32_t n;
	if (t->nfree)
		n = t->free_groups[--t->nfree];
	else
		n = t->ngroups++;
	if (t->ngroups > t->list_cap) {
		uint32_t cap = atomic_load_explicit(&t->groups, memory_order_relaxed)->cap;
		t->free_groups = cabo_xrealloc(t->free_groups, cap * sizeof *t->free_groups);
		t->pending = cabo_xrealloc(t->pending, cap * sizeof *t->pending);
		t->list_cap = cap;
	}
	entry *e = group(t, n);
	for (unsigned j = 0; j < GROUP_ENTRIES; j++)
		atomic_store_explicit(&e[j], fill, memory_order_relaxed);
	put(parent, EXT | n);
}

/* ---- Updates */

/* Gives *e (and everything below it) to a prefix of length len unless a
 * longer prefix owns it. */
static void claim(struct trie *t, entry *e, unsigned len, uint32_t v)
{
	uint32_t old = get(e);
	if (old & EXT) {
		entry *g = group(t, old);
		for (unsigned j = 0; j < GROUP_ENTRIES; j++)
			claim(t, &g[j], len, v);
	} else if (plen_of(old) <= len) {
		put(e, v);
	}
}

/* Gives what a prefix of length len owns at *e (and below) to `cover`. */
static void release(struct trie *t, entry *e, unsigned len, uint32_t cover)
{
	uint32_t old = get(e);
	if (old & EXT) {
		entry *g = group(t, old);
		for (unsigned j = 0; j < GROUP_ENTRIES; j++)
			release(t, &g[j], len, cover);
	} else if (plen_of(old) == len) {
		put(e, cover);
	}
}

static void claim_range(struct trie *t, entry *e, uint32_t first, uint32_t count,
			unsigned len, uint32_t v)
{
	for (uint32_t j = first; j < first + count; j++)
		claim(t, &e[j], len, v);
}

static int radix_insert(void *lpm, uint32_t addr, unsigned len, uint32_t nh, const char **why)
{
	struct lpm_radix *r = lpm;
	struct trie *t = atomic_load_explicit(&r->cur, memory_order_relaxed);
	uint32_t v = leaf(len, nh);
	if (len == 0) {
		atomic_store_explicit(&t->default_nh, nh, memory_order_release);
		return 0;
	}
	if (len <= 16) {
		claim_range(t, t->root, addr >> 16, 1u << (16 - len), len, v);
		return 0;
	}
	entry *e1 = &t->root[addr >> 16];
	unsigned need = !(get(e1) & EXT);
	if (len > 24)
		need += need || !(get(&group(t, get(e1))[addr >> 8 & 0xff]) & EXT);
	if (need && !reserve(r, t, need)) {
		*why = "out of memory for radix trie groups";
		return -1;
	}
	if (!(get(e1) & EXT))
		link_group(t, e1, get(e1));
	entry *g2 = group(t, get(e1));
	if (len <= 24) {
		claim_range(t, g2, addr >> 8 & 0xff, 1u << (24 - len), len, v);
		return 0;
	}
	entry *e2 = &g2[addr >> 8 & 0xff];
	if (!(get(e2) & EXT))
		link_group(t, e2, get(e2));
	claim_range(t, group(t, get(e2)), addr & 0xff, 1u << (32 - len), len, v);
	return 0;
}

/* If group `link` holds only leaves of prefixes no longer than `level`
 * bits, they are all the same: stores that leaf into *parent and retires
 * the group. */
static void collapse(struct trie *t, entry *parent, unsigned level)
{
	uint32_t link = get(parent);
	entry *g = group(t, link);
	for (unsigned j = 0; j < GROUP_ENTRIES; j++) {
		uint32_t v = get(&g[j]);
		if ((v & EXT) || plen_of(v) > level)
			return;
	}
	put(parent, get(&g[0]));
	t->pending[t->npending++] = link & ~EXT;
}

static void radix_erase(void *lpm, uint32_t addr, unsigned len, uint32_t cover_nh,
			unsigned cover_len)
{
	struct lpm_radix *r = lpm;
	struct trie *t = atomic_load_explicit(&r->cur, memory_order_relaxed);
	uint32_t cover = cover_len ? leaf(cover_len, cover_nh) : 0;
	if (len == 0) {
		atomic_store_explicit(&t->default_nh, 0, memory_order_release);
		return;
	}
	if (len <= 16) {
		uint32_t first = addr >> 16, end = first + (1u << (16 - len));
		for (uint32_t i = first; i < end; i++)
			release(t, &t->root[i], len, cover);
		return;
	}
	entry *e1 = &t->root[addr >> 16];
	if (!(get(e1) & EXT))
		return;
	entry *g2 = group(t, get(e1));
	if (len <= 24) {
		uint32_t first = addr >> 8 & 0xff, end = first + (1u << (24 - len));
		for (uint32_t j = first; j < end; j++)
			release(t, &g2[j], len, cover);
	} else {
		entry *e2 = &g2[addr >> 8 & 0xff];
		if (!(get(e2) & EXT))
			return;
		entry *g3 = group(t, get(e2));
		uint32_t first = addr & 0xff, end = first + (1u << (32 - len));
		for (uint32_t j = first; j < end; j++)
			release(t, &g3[j], len, cover);
		collapse(t, e2, 24);
	}
	collapse(t, e1, 16);
}

static int radix_load(void *lpm, const struct cabo_lpm_prefix *p, size_t n, const char **why)
{
	for (size_t i = 0; i < n; i++)
		if (radix_insert(lpm, p[i].addr, p[i].len, p[i].nh, why) < 0)
			return -1;
	return 0;
}

static void radix_flush(void *lpm)
{
	struct lpm_radix *r = lpm;
	struct trie *old = atomic_load_explicit(&r->cur, memory_order_relaxed);
	struct trie *fresh = trie_new();
	if (!fresh) {
		/* no memory for a second trie: clear in place, entry by entry */
		atomic_store_explicit(&old->default_nh, 0, memory_order_release);
		for (uint32_t i = 0; i < ROOT_ENTRIES; i++)
			if (get(&old->root[i]))
				put(&old->root[i], 0);
		cabo_lpm_synchronize(r->rcu);
		old->ngroups = old->nfree = old->npending = 0;
		return;
	}
	atomic_store_explicit(&r->cur, fresh, memory_order_release);
	cabo_lpm_synchronize(r->rcu);
	trie_free(old);
}

/* ---- Lookups
 *
 * A plain loop, as for DIR-24-8: the loads of different addresses are
 * independent, so the core overlaps their misses by itself. */

static void radix_lookup(const void *lpm, const uint32_t *dst, unsigned n, uint32_t *nh)
{
	const struct lpm_radix *r = lpm;
	struct trie *t = atomic_load_explicit(&r->cur, memory_order_acquire);
	const entry *root = t->root;
	uint32_t def = atomic_load_explicit(&t->default_nh, memory_order_acquire);
	for (unsigned i = 0; i < n; i++) {
		uint32_t a = dst[i];
		uint32_t v = atomic_load_explicit(&root[a >> 16], memory_order_acquire);
		if (v & EXT) {
			const entry *g = atomic_load_explicit(&t->groups, memory_order_acquire)->e;
			v = atomic_load_explicit(&g[(size_t)(v & ~EXT) << 8 | (a >> 8 & 0xff)],
						 memory_order_acquire);
			if (v & EXT)
				v = atomic_load_explicit(&g[(size_t)(v & ~EXT) << 8 | (a & 0xff)],
							 memory_order_acquire);
		}
		v &= NH_MASK;
		nh[i] = v ? v : def;
	}
}

static size_t radix_memory(const void *lpm)
{
	const struct lpm_radix *r = lpm;
	struct trie *t = atomic_load(&r->cur);
	return sizeof *t + ROOT_ENTRIES * sizeof(entry)
		+ (size_t)t->ngroups * GROUP_ENTRIES * sizeof(entry)
		+ 2 * (size_t)t->list_cap * sizeof(uint32_t);
}

const struct cabo_lpm_ops cabo_lpm_radix = {
	.name = "16-8-8", .max_nh = NH_MASK,
	.create = radix_create, .destroy = radix_destroy,
	.insert = radix_insert, .load = radix_load, .erase = radix_erase,
	.flush = radix_flush, .lookup = radix_lookup, .memory = radix_memory,
};

/* DIR-24-8 (Gupta, Lin and McKeown, "Routing Lookups in Hardware at Memory
 * Access Speeds", Infocom 1998): the lookup engine of DirectIPLookup.
 *
 * tbl24 has one 16-bit entry per /24.  An entry is either a leaf,
 *     0 | plen:5 | nh:10      (plen <= 24: the prefix length that set it)
 * or a pointer to a group of 256 tbl8 entries for the /24's last byte,
 *     1 | group:15
 * and tbl8 entries are leaves with a 6-bit prefix length, plen:6 | nh:10.
 * A lookup is one load, and a second one for the rare /24 that holds longer
 * prefixes; a batch's loads are independent, so their misses overlap.  Keeping the prefix length in the entry lets updates decide
 * entry by entry whether a route owns it (a longer prefix wins), with no
 * side table, and makes every update a single 16-bit store: a reader sees
 * the entry before or after it.  A new group is filled before the release
 * store that links it; a group whose longer prefixes are all gone is
 * unlinked by storing its common leaf back into tbl24, and reused only after
 * a grace period.
 *
 * Limits: 1023 next hops (distinct gateway/output pairs) and 32768 /24s
 * holding prefixes longer than /24.  Memory: 32 MB for tbl24 (on huge pages
 * where the kernel gives them) plus 512 bytes a group. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "iproute.h"

enum {
	T24_ENTRIES = 1 << 24,
	GROUP_MAX = 1 << 15,
	EXT = 0x8000,
	NH_MASK = 0x3ff,
	PLEN_SHIFT = 10,
	HUGE_PAGE = 2 << 20,
};

typedef _Atomic uint16_t entry;

struct dir24 {
	entry *tbl24;
	entry *tbl8;                /* GROUP_MAX groups reserved, touched as used */
	uint32_t ngroups;           /* groups handed out so far (high water) */
	uint32_t live_groups;
	uint16_t *free_groups;      /* reusable now */
	uint32_t nfree;
	uint16_t *pending;          /* reusable after a grace period */
	uint32_t npending;
};

struct lpm_direct {
	struct cabo_lpm_rcu *rcu;
	struct dir24 *_Atomic cur;
};

static inline unsigned plen_of(uint32_t v)
{
	return v >> PLEN_SHIFT;    /* for tbl24 leaves (bit 15 clear) and tbl8 entries */
}

static inline uint16_t leaf(unsigned len, uint32_t nh)
{
	return (uint16_t)(len << PLEN_SHIFT | nh);
}

static inline void put(entry *e, uint16_t v)
{
	atomic_store_explicit(e, v, memory_order_release);
}

static inline uint16_t get(entry *e)
{
	return atomic_load_explicit(e, memory_order_relaxed);   /* the writer's own stores */
}

/* ---- Memory: zeroed anonymous mappings, 2 MB aligned for huge pages */

static void *map_zeroed(size_t size)
{
	size_t span = size + HUGE_PAGE;
	uint8_t *p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	uint8_t *aligned = (uint8_t *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	if (aligned > p)
		munmap(p, (size_t)(aligned - p));
	size_t tail = (size_t)(p + span - (aligned + size));
	if (tail)
		munmap(aligned + size, tail);
#ifdef MADV_HUGEPAGE
	madvise(aligned, size, MADV_HUGEPAGE);
#endif
	return aligned;
}

static struct dir24 *dir24_new(void)
{
	struct dir24 *t = cabo_xcalloc(1, sizeof *t);
	t->tbl24 = map_zeroed(T24_ENTRIES * sizeof(entry));
	t->tbl8 = map_zeroed((size_t)GROUP_MAX * 256 * sizeof(entry));
	if (!t->tbl24 || !t->tbl8) {
		if (t->tbl24)
			munmap(t->tbl24, T24_ENTRIES * sizeof(entry));
		free(t);
		return NULL;
	}
	/* Written once so the kernel backs it with huge pages now: entries that
	 * were only ever read would map the shared 4 KB zero page, TLB miss by
	 * TLB miss. */
	memset(t->tbl24, 0, T24_ENTRIES * sizeof(entry));
	t->free_groups = cabo_xcalloc(GROUP_MAX, sizeof *t->free_groups);
	t->pending = cabo_xcalloc(GROUP_MAX, sizeof *t->pending);
	return t;
}

static void dir24_free(struct dir24 *t)
{
	munmap(t->tbl24, T24_ENTRIES * sizeof(entry));
	munmap(t->tbl8, (size_t)GROUP_MAX * 256 * sizeof(entry));
	free(t->free_groups);
	free(t->pending);
	free(t);
}

static void *direct_create(struct cabo_lpm_rcu *rcu)
{
	struct dir24 *t = dir24_new();
	if (!t)
		return NULL;
	struct lpm_direct *d = cabo_xcalloc(1, sizeof *d);
	d->rcu = rcu;
	atomic_init(&d->cur, t);
	return d;
}

static void direct_destroy(void *lpm)
{
	struct lpm_direct *d = lpm;
	dir24_free(atomic_load(&d->cur));
	free(d);
}

static inline entry *group(const struct dir24 *t, uint32_t v)
{
	return t->tbl8 + ((v & ~(uint32_t)EXT) << 8);
}

/* A group number, or -1 when all are in use (checked before any change). */
static int alloc_group(struct lpm_direct *d, struct dir24 *t)
{
	if (!t->nfree && t->ngroups == GROUP_MAX && t->npending) {
		cabo_lpm_synchronize(d->rcu);
		memcpy(t->free_groups, t->pending, t->npending * sizeof *t->pending);
		t->nfree = t->npending;
		t->npending = 0;
	}
	if (t->nfree)
		return t->free_groups[--t->nfree];
	if (t->ngroups < GROUP_MAX)
		return (int)t->ngroups++;
	return -1;
}

/* ---- Updates */

/* Gives entries [first, first + count) of a group to a prefix of length
 * len unless a longer prefix owns them. */
static void claim8(entry *g, uint32_t first, uint32_t count, unsigned len, uint32_t nh)
{
	for (uint32_t j = first; j < first + count; j++)
		if (plen_of(get(&g[j])) <= len)
			put(&g[j], leaf(len, nh));
}

static int direct_insert(void *lpm, uint32_t addr, unsigned len, uint32_t nh, const char **why)
{
	struct lpm_direct *d = lpm;
	struct dir24 *t = atomic_load_explicit(&d->cur, memory_order_relaxed);
	if (len <= 24) {
		uint32_t first = addr >> 8, end = first + (1u << (24 - len));
		for (uint32_t i = first; i < end; i++) {
			uint16_t v = get(&t->tbl24[i]);
			if (v & EXT)
				claim8(group(t, v), 0, 256, len, nh);
			else if (plen_of(v) <= len)
				put(&t->tbl24[i], leaf(len, nh));
		}
		return 0;
	}
	entry *slot = &t->tbl24[addr >> 8];
	uint16_t v = get(slot);
	if (!(v & EXT)) {
		int g = alloc_group(d, t);
		if (g < 0) {
			*why = "too many /24s holding longer prefixes (DirectIPLookup holds 32768)";
			return -1;
		}
		entry *ge = group(t, (uint32_t)g);
		for (unsigned j = 0; j < 256; j++)   /* the /24's leaf, everywhere */
			atomic_store_explicit(&ge[j], v, memory_order_relaxed);
		v = (uint16_t)(EXT | (unsigned)g);
		put(slot, v);
		t->live_groups++;
	}
	claim8(group(t, v), addr & 0xff, 1u << (32 - len), len, nh);
	return 0;
}

static void release8(entry *g, uint32_t first, uint32_t count, unsigned len, uint16_t cover)
{
	for (uint32_t j = first; j < first + count; j++)
		if (plen_of(get(&g[j])) == len)
			put(&g[j], cover);
}

static void direct_erase(void *lpm, uint32_t addr, unsigned len, uint32_t cover_nh,
			 unsigned cover_len)
{
	struct lpm_direct *d = lpm;
	struct dir24 *t = atomic_load_explicit(&d->cur, memory_order_relaxed);
	uint16_t cover = leaf(cover_len, cover_nh);
	if (len <= 24) {
		uint32_t first = addr >> 8, end = first + (1u << (24 - len));
		for (uint32_t i = first; i < end; i++) {
			uint16_t v = get(&t->tbl24[i]);
			if (v & EXT)
				release8(group(t, v), 0, 256, len, cover);
			else if (plen_of(v) == len)
				put(&t->tbl24[i], cover);
		}
		return;
	}
	entry *slot = &t->tbl24[addr >> 8];
	uint16_t v = get(slot);
	if (!(v & EXT))
		return;
	entry *g = group(t, v);
	release8(g, addr & 0xff, 1u << (32 - len), len, cover);
	/* No prefix longer than /24 left: all 256 entries hold the /24's leaf. */
	for (unsigned j = 0; j < 256; j++)
		if (plen_of(get(&g[j])) > 24)
			return;
	put(slot, get(&g[0]));
	t->pending[t->npending++] = (uint16_t)(v & ~EXT);
	t->live_groups--;
}

static int direct_load(void *lpm, const struct cabo_lpm_prefix *p, size_t n, const char **why)
{
	for (size_t i = 0; i < n; i++)
		if (direct_insert(lpm, p[i].addr, p[i].len, p[i].nh, why) < 0)
			return -1;
	return 0;
}

static void direct_flush(void *lpm)
{
	struct lpm_direct *d = lpm;
	struct dir24 *fresh = dir24_new();
	struct dir24 *old = atomic_load_explicit(&d->cur, memory_order_relaxed);
	if (!fresh) {
		/* no memory for a second table: clear in place, entry by entry */
		for (uint32_t i = 0; i < T24_ENTRIES; i++)
			if (get(&old->tbl24[i]))
				put(&old->tbl24[i], 0);
		cabo_lpm_synchronize(d->rcu);
		old->ngroups = old->nfree = old->npending = old->live_groups = 0;
		return;
	}
	atomic_store_explicit(&d->cur, fresh, memory_order_release);
	cabo_lpm_synchronize(d->rcu);
	dir24_free(old);
}

/* ---- Lookups
 *
 * A plain loop over the batch: the loads of different addresses do not
 * depend on each other, so the core's out-of-order window keeps a dozen
 * tbl24 misses in flight by itself.  Measured on the full table (random
 * addresses, one core): this loop ~300 M lookups/s; issuing prefetches for
 * the whole batch first ~230 M; prefetching 8 to 32 entries ahead 250-290 M. */

static void direct_lookup(const void *lpm, const uint32_t *dst, unsigned n, uint32_t *nh)
{
	const struct lpm_direct *d = lpm;
	const struct dir24 *t = atomic_load_explicit(&d->cur, memory_order_acquire);
	entry *t24 = t->tbl24, *t8 = t->tbl8;
	for (unsigned i = 0; i < n; i++) {
		uint32_t v = atomic_load_explicit(&t24[dst[i] >> 8], memory_order_acquire);
		if (__builtin_expect(v & EXT, 0))
			v = atomic_load_explicit(&t8[(v & ~(uint32_t)EXT) << 8 | (dst[i] & 0xff)],
						 memory_order_acquire);
		nh[i] = v & NH_MASK;
	}
}

static size_t direct_memory(const void *lpm)
{
	const struct lpm_direct *d = lpm;
	const struct dir24 *t = atomic_load(&d->cur);
	return T24_ENTRIES * sizeof(entry) + (size_t)t->ngroups * 256 * sizeof(entry);
}

const struct cabo_lpm_ops cabo_lpm_direct = {
	.name = "DIR-24-8", .max_nh = NH_MASK,
	.create = direct_create, .destroy = direct_destroy,
	.insert = direct_insert, .load = direct_load, .erase = direct_erase,
	.flush = direct_flush, .lookup = direct_lookup, .memory = direct_memory,
};

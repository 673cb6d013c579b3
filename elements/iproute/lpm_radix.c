/* A multibit trie: the lookup engine of RadixIPLookup.  As in Click's
 * RadixIPLookup, the root has 256 slots (the first 8 bits) and every other
 * node 16 (4 bits), so a lookup reads at most 7 slots.  Memory grows with
 * the table (128 bytes a node), which suits the many small tables of
 * virtual nodes; DirectIPLookup is the one for full Internet tables.
 *
 * A prefix of length len lives in the node whose bit range ends at or
 * after len, expanded over the slots it covers; each slot keeps the longest
 * such prefix (nh and its length) and a link to the node below.  A lookup
 * walks down and remembers the last non-empty nh, so a short prefix is
 * stored once, never pushed into the nodes below it.  Every update is a
 * single atomic store (a slot's nh, or the link to a zeroed new node);
 * nodes are freed only by flush, after a grace period.  Lookups walk the
 * whole batch one level at a time, prefetching the next level's slots. */
#include <stdlib.h>
#include <string.h>

#include "iproute.h"

enum {
	ROOT_BITS = 8,
	STRIDE = 4,
	FANOUT = 1 << STRIDE,
	CHUNK_SHIFT = 10,
	CHUNK_NODES = 1 << CHUNK_SHIFT,
	MAX_CHUNKS = 4096,           /* 4M nodes */
};

struct rslot {
	_Atomic uint32_t child;     /* node number, 0 = none */
	_Atomic uint16_t nh;        /* longest prefix ending in this node, 0 = none */
	uint8_t plen;               /* its length (writer only) */
	uint8_t unused;
};

struct rnode {
	struct rslot s[FANOUT];
};

struct rtree {
	struct rslot root[1 << ROOT_BITS];
	_Atomic uint16_t default_nh;
	uint32_t nnodes;                        /* node numbers 1..nnodes in use */
	struct rnode *_Atomic chunks[MAX_CHUNKS];
};

struct lpm_radix {
	struct cabo_lpm_rcu *rcu;
	struct rtree *_Atomic cur;
};

static inline struct rslot *node_slots(const struct rtree *t, uint32_t n)
{
	struct rnode *chunk = atomic_load_explicit(&t->chunks[n >> CHUNK_SHIFT],
						   memory_order_acquire);
	return chunk[n & (CHUNK_NODES - 1)].s;
}

static void rtree_free(struct rtree *t)
{
	for (unsigned c = 0; c < MAX_CHUNKS; c++)
		free(atomic_load_explicit(&t->chunks[c], memory_order_relaxed));
	free(t);
}

static void *radix_create(struct cabo_lpm_rcu *rcu)
{
	struct lpm_radix *r = cabo_xcalloc(1, sizeof *r);
	r->rcu = rcu;
	atomic_init(&r->cur, cabo_xcalloc(1, sizeof(struct rtree)));
	return r;
}

static void radix_destroy(void *lpm)
{
	struct lpm_radix *r = lpm;
	rtree_free(atomic_load(&r->cur));
	free(r);
}

/* A zeroed node's number, or 0 when the trie is full. */
static uint32_t new_node(struct rtree *t)
{
	uint32_t n = t->nnodes + 1;
	if (n >= (uint32_t)MAX_CHUNKS << CHUNK_SHIFT)
		return 0;
	if (!atomic_load_explicit(&t->chunks[n >> CHUNK_SHIFT], memory_order_relaxed)) {
		struct rnode *chunk = calloc(CHUNK_NODES, sizeof *chunk);
		if (!chunk)
			return 0;
		atomic_store_explicit(&t->chunks[n >> CHUNK_SHIFT], chunk, memory_order_release);
	}
	t->nnodes = n;
	return n;
}

/* The slots of the node where a prefix of length len lives, creating the
 * path when `create`; *base is the number of address bits above it. NULL
 * when the path is missing (erase) or the trie is full (insert). */
static struct rslot *home_node(struct rtree *t, uint32_t addr, unsigned len, bool create,
			       unsigned *base)
{
	struct rslot *s = t->root;
	unsigned b = 0, width = ROOT_BITS;
	while (len > b + width) {
		struct rslot *slot = &s[(addr >> (32 - b - width)) & ((1u << width) - 1)];
		uint32_t child = atomic_load_explicit(&slot->child, memory_order_relaxed);
		if (!child) {
			if (!create || !(child = new_node(t)))
				return NULL;
			atomic_store_explicit(&slot->child, child, memory_order_release);
		}
		s = node_slots(t, child);
		b += width;
		width = STRIDE;
	}
	*base = b;
	return s;
}

static inline void slot_range(uint32_t addr, unsigned len, unsigned base, uint32_t *first,
			      uint32_t *count)
{
	unsigned width = base ? STRIDE : ROOT_BITS;
	uint32_t index = (addr >> (32 - base - width)) & ((1u << width) - 1);
	*count = 1u << (base + width - len);
	*first = index & ~(*count - 1);
}

static int radix_insert(void *lpm, uint32_t addr, unsigned len, uint32_t nh, const char **why)
{
	struct lpm_radix *r = lpm;
	struct rtree *t = atomic_load_explicit(&r->cur, memory_order_relaxed);
	if (len == 0) {
		atomic_store_explicit(&t->default_nh, (uint16_t)nh, memory_order_release);
		return 0;
	}
	unsigned base;
	struct rslot *s = home_node(t, addr, len, true, &base);
	if (!s) {
		*why = "out of memory for radix trie nodes";
		return -1;
	}
	uint32_t first, count;
	slot_range(addr, len, base, &first, &count);
	for (uint32_t j = first; j < first + count; j++)
		if (s[j].plen <= len) {
			s[j].plen = (uint8_t)len;
			atomic_store_explicit(&s[j].nh, (uint16_t)nh, memory_order_release);
		}
	return 0;
}

static void radix_erase(void *lpm, uint32_t addr, unsigned len, uint32_t cover_nh,
			unsigned cover_len)
{
	struct lpm_radix *r = lpm;
	struct rtree *t = atomic_load_explicit(&r->cur, memory_order_relaxed);
	if (len == 0) {
		atomic_store_explicit(&t->default_nh, 0, memory_order_release);
		return;
	}
	unsigned base;
	struct rslot *s = home_node(t, addr, len, false, &base);
	if (!s)
		return;
	/* A covering prefix in the same node takes the slots over; one in a
	 * node above is found by the walk on its own. */
	if (cover_len <= base)
		cover_nh = cover_len = 0;
	uint32_t first, count;
	slot_range(addr, len, base, &first, &count);
	for (uint32_t j = first; j < first + count; j++)
		if (s[j].plen == len) {
			s[j].plen = (uint8_t)cover_len;
			atomic_store_explicit(&s[j].nh, (uint16_t)cover_nh, memory_order_release);
		}
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
	struct rtree *old = atomic_load_explicit(&r->cur, memory_order_relaxed);
	atomic_store_explicit(&r->cur, cabo_xcalloc(1, sizeof(struct rtree)), memory_order_release);
	cabo_lpm_synchronize(r->rcu);
	rtree_free(old);
}

static void radix_lookup(const void *lpm, const uint32_t *dst, unsigned n, uint32_t *nh)
{
	const struct lpm_radix *r = lpm;
	const struct rtree *t = atomic_load_explicit(&r->cur, memory_order_acquire);
	uint32_t node[CABO_BATCH_MAX];
	uint8_t who[CABO_BATCH_MAX];
	uint32_t def = atomic_load_explicit(&t->default_nh, memory_order_acquire);
	unsigned m = 0;
	for (unsigned i = 0; i < n; i++) {
		const struct rslot *s = &t->root[dst[i] >> 24];
		uint32_t v = atomic_load_explicit(&s->nh, memory_order_acquire);
		uint32_t c = atomic_load_explicit(&s->child, memory_order_acquire);
		nh[i] = v ? v : def;
		who[m] = (uint8_t)i;
		node[m] = c;
		m += c != 0;
	}
	for (unsigned shift = 32 - ROOT_BITS - STRIDE; m; shift -= STRIDE) {
		const struct rslot *s[CABO_BATCH_MAX];
		for (unsigned k = 0; k < m; k++) {
			s[k] = &node_slots(t, node[k])[(dst[who[k]] >> shift) & (FANOUT - 1)];
			__builtin_prefetch(s[k]);
		}
		unsigned m2 = 0;
		for (unsigned k = 0; k < m; k++) {
			unsigned i = who[k];
			uint32_t v = atomic_load_explicit(&s[k]->nh, memory_order_acquire);
			uint32_t c = atomic_load_explicit(&s[k]->child, memory_order_acquire);
			nh[i] = v ? v : nh[i];
			who[m2] = (uint8_t)i;
			node[m2] = c;
			m2 += c != 0;
		}
		m = m2;
	}
}

static size_t radix_memory(const void *lpm)
{
	const struct lpm_radix *r = lpm;
	const struct rtree *t = atomic_load(&r->cur);
	size_t chunks = ((size_t)t->nnodes + CHUNK_NODES) >> CHUNK_SHIFT;
	return sizeof *t + chunks * CHUNK_NODES * sizeof(struct rnode);
}

const struct cabo_lpm_ops cabo_lpm_radix = {
	.name = "radix", .max_nh = UINT16_MAX,
	.create = radix_create, .destroy = radix_destroy,
	.insert = radix_insert, .load = radix_load, .erase = radix_erase,
	.flush = radix_flush, .lookup = radix_lookup, .memory = radix_memory,
};

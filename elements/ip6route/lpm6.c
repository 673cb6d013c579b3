/* The IPv6 lookup structure: a Poptrie-style compressed multibit trie
 * (Asai and Ohara, "Poptrie: A Compressed Trie with Population Count for
 * Fast and Scalable Software IP Routing Table Lookup", SIGCOMM 2015).
 *
 * The top level is direct-indexed by the first 18 bits of the address; an
 * entry is a leaf (next hop << 1, so an empty table is all zero pages) or
 * a pointer to a node, plus 1.  A node covers the next 6 bits, 64 children:
 *     vector   bit i set: child i is a node, kids[popcount(vector & bits 0..i) - 1]
 *     leafvec  bit i set: a run of equal leaves starts at child i; a leaf
 *              child i is leaves[popcount(leafvec & bits 0..i) - 1]
 * Leaves are pushed down (each holds the longest match for its whole
 * range), so a lookup stops at the first leaf: a /48 takes the top entry,
 * five nodes (18 + 5 * 6 = 48) and a leaf; any length at most 19 nodes.  A
 * node is 32 bytes, aligned so it never straddles a cache line; its
 * children and leaves are one block, carved from 256 KB chunks (a free list
 * per size).  A batch walks the trie one level at a time, prefetching every
 * packet's next node before reading any, then reads all its leaves.
 *
 * Measured (tests/bench/lpm6.c, trace-like addresses on the 160k-prefix
 * table, CPU time): an 18-bit top level (2 MB) gives 56 M lookups/s, 20
 * bits (8 MB) the same, 16 bits 48 M (one more level for most /48s); a
 * branch-free inner loop was slower (44 M) than the branch on the child's
 * kind.  18 + 6k also puts the common /32, /36, /42 and /48 near node ends.
 *
 * Updates never write a published node.  A changed prefix's region is
 * rebuilt from the binary trie (ip6trie.c) along the path from its top
 * entry: each node on the path is copied with the one child leading to the
 * prefix replaced and every other child shared, by value, with the old
 * version (its arrays are not copied); on the way down one trie descent a
 * level suffices, since a prefix longer than a node's range cannot change
 * that node's leaves.  The node where the prefix ends is rebuilt from a scan
 * of its routes, and the children the prefix covers are rebuilt whole, as
 * their pushed-down leaves change.  The new path is published by one
 * release store into the top entry; a prefix of 18 bits or less covers
 * several top entries, each rebuilt and published on its own.  Replaced
 * blocks are retired, and reused by cabo_lpm6_reclaim after a grace
 * period. */
#include <stdlib.h>

#include "ip6route.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

enum {
	TOP_BITS = 18,
	TOP_SIZE = 1 << TOP_BITS,
	STRIDE = 6,
	FANOUT = 1 << STRIDE,
	UNIT = 32,                      /* allocation unit: one node */
	MAX_UNITS = FANOUT,             /* a node's arrays fill at most 64 units */
	CHUNK_BYTES = 1 << 18,
};

typedef struct cabo_ip6trie_node tnode;

struct pt_node {
	uint64_t vector;
	uint64_t leafvec;
	const struct pt_node *kids;
	const uint16_t *leaves;
};

struct pt_root {
	_Atomic uintptr_t top[TOP_SIZE];
};

typedef void lookup_fn(const struct pt_root *r, const cabo_u128 *dst, unsigned n,
		       uint16_t *nh);

struct cabo_lpm6 {
	struct cabo_lpm_rcu *rcu;
	struct pt_root *_Atomic cur;
	lookup_fn *lookup;
	struct retired *retired;        /* freed by cabo_lpm6_reclaim */
	size_t nretired, retired_cap;
	size_t bytes;                   /* node memory of the current version */
	size_t nodes;
	/* node memory: chunks carved into blocks of 1..64 units, a free list
	 * per size; given back to the system by destroy */
	struct free_block *free[MAX_UNITS + 1];
	uint8_t *chunk;
	size_t chunk_left;
	void **chunks;
	size_t nchunks;
};

struct free_block {
	struct free_block *next;
};

struct retired {
	void *block;
	size_t size;
};

static inline uintptr_t leaf_entry(uint16_t nh)
{
	return (uintptr_t)nh << 1;
}

static inline bool is_leaf(uintptr_t e)
{
	return !(e & 1);
}

static inline const struct pt_node *entry_node(uintptr_t e)
{
	return (const struct pt_node *)(e - 1);
}

/* The 6 bits of k after the first off (off <= 126; bits past 127 are 0). */
static inline unsigned child_index(cabo_u128 k, unsigned off)
{
	return (unsigned)((k << off) >> (128 - STRIDE));
}

/* ======================================================================
 * Memory
 * ====================================================================== */

static size_t block_size(unsigned nkids, unsigned nleaves)
{
	size_t n = nkids * sizeof(struct pt_node) + nleaves * sizeof(uint16_t);
	return (n + UNIT - 1) & ~(size_t)(UNIT - 1);
}

static void put_block(struct cabo_lpm6 *l, void *p, size_t size)
{
	struct free_block *b = p;
	b->next = l->free[size / UNIT];
	l->free[size / UNIT] = b;
	POISON((uint8_t *)p + sizeof *b, size - sizeof *b);
}

/* A block of size bytes (a multiple of UNIT, at most MAX_UNITS units),
 * UNIT-aligned, so a node never straddles a cache line. */
static void *alloc_block(struct cabo_lpm6 *l, size_t size)
{
	struct free_block *b = l->free[size / UNIT];
	if (b) {
		UNPOISON(b, size);
		l->free[size / UNIT] = b->next;
	} else {
		if (l->chunk_left < size) {
			if (l->chunk_left)
				put_block(l, l->chunk, l->chunk_left);
			l->chunk = aligned_alloc(64, CHUNK_BYTES);
			if (!l->chunk)
				abort();
			l->chunks = cabo_xrealloc(l->chunks, (l->nchunks + 1) * sizeof *l->chunks);
			l->chunks[l->nchunks++] = l->chunk;
			l->chunk_left = CHUNK_BYTES;
		}
		b = (struct free_block *)l->chunk;
		l->chunk += size;
		l->chunk_left -= size;
	}
	l->bytes += size;
	return b;
}

static void retire(struct cabo_lpm6 *l, void *p, size_t size)
{
	if (l->nretired == l->retired_cap) {
		l->retired_cap = l->retired_cap ? 2 * l->retired_cap : 256;
		l->retired = cabo_xrealloc(l->retired, l->retired_cap * sizeof *l->retired);
	}
	l->retired[l->nretired++] = (struct retired){ p, size };
	l->bytes -= size;
}

/* Retires node n's own arrays (not its children's). */
static void retire_arrays(struct cabo_lpm6 *l, const struct pt_node *n)
{
	unsigned nk = (unsigned)__builtin_popcountll(n->vector);
	unsigned nl = (unsigned)__builtin_popcountll(n->leafvec);
	void *block = nk ? (void *)n->kids : (void *)n->leaves;
	l->nodes -= nk;
	retire(l, block, block_size(nk, nl));
}

static void retire_tree(struct cabo_lpm6 *l, const struct pt_node *n)
{
	unsigned nk = (unsigned)__builtin_popcountll(n->vector);
	for (unsigned k = 0; k < nk; k++)
		retire_tree(l, &n->kids[k]);
	retire_arrays(l, n);
}

/* A top entry's node: a separate 32-byte allocation. */
static void retire_top(struct cabo_lpm6 *l, uintptr_t e)
{
	if (is_leaf(e))
		return;
	const struct pt_node *n = entry_node(e);
	retire_tree(l, n);
	l->nodes--;
	retire(l, (void *)n, block_size(1, 0));
}

size_t cabo_lpm6_retired(const struct cabo_lpm6 *l)
{
	return l->nretired;
}

void cabo_lpm6_reclaim(struct cabo_lpm6 *l)
{
	for (size_t i = 0; i < l->nretired; i++)
		put_block(l, l->retired[i].block, l->retired[i].size);
	l->nretired = 0;
}

/* ======================================================================
 * Building nodes from the binary trie
 * ====================================================================== */

/* One node's worth of the trie: region key/off, children [off, off + 6). */
struct scan {
	cabo_u128 key;                  /* host bits clear */
	unsigned off;
	unsigned found;                 /* trie nodes longer than off inside */
	uint64_t vector;                /* children holding routes longer than off + 6 */
	uint16_t val[FANOUT];           /* each child's next hop from routes up to off + 6 */
	const tnode *anchor[FANOUT];    /* where to scan a child in vector from */
};

/* Paints the routes of n's subtree (inside the region, longer than off)
 * over sc->val, in address order, so a longer prefix paints after the
 * shorter ones containing it; stops at nodes longer than off + 6. */
static void paint(struct scan *sc, const tnode *n, const tnode *parent)
{
	if (!n)
		return;
	unsigned i = child_index(cabo_ip6trie_key(n), sc->off);
	sc->found++;
	if (n->len > sc->off + STRIDE) {
		sc->vector |= 1ull << i;
		/* a child region's scan starts at the node that is exactly
		 * that region (two subtrees in it), else at n itself */
		sc->anchor[i] = parent && parent->len == sc->off + STRIDE ? parent : n;
		return;
	}
	if (n->route)
		for (unsigned j = i, end = i + (1u << (sc->off + STRIDE - n->len)); j < end; j++)
			sc->val[j] = n->nh;
	paint(sc, n->kid[0], n);
	paint(sc, n->kid[1], n);
}

/* Scans region key/off starting at trie node `start`, an ancestor of the
 * region or a node inside it; def is the next hop of the longest route
 * that covers the region and lies above start. */
static void scan_region(struct scan *sc, const tnode *start, cabo_u128 key, unsigned off,
			uint16_t def)
{
	sc->key = key;
	sc->off = off;
	sc->found = 0;
	sc->vector = 0;
	const tnode *n = start, *parent = NULL;
	while (n && n->len <= off) {
		if ((key ^ cabo_ip6trie_key(n)) & cabo_ip6_mask(n->len)) {
			n = NULL;          /* the trie leaves the region */
			break;
		}
		if (n->route)
			def = n->nh;
		if (n->len == off)
			break;
		parent = n;
		n = n->kid[cabo_ip6_bit(key, n->len)];
	}
	for (unsigned i = 0; i < FANOUT; i++)
		sc->val[i] = def;
	if (!n)
		return;
	if (n->len == off) {                /* the region itself: both subtrees */
		paint(sc, n->kid[0], n);
		paint(sc, n->kid[1], n);
	} else if (!((key ^ cabo_ip6trie_key(n)) & cabo_ip6_mask(off))) {
		paint(sc, n, parent);
	}
}

struct update {
	cabo_u128 key;
	unsigned len;
};

static bool overlaps(const struct update *u, cabo_u128 key, unsigned len)
{
	unsigned l = u->len < len ? u->len : len;
	return !((u->key ^ key) & cabo_ip6_mask(l));
}

static inline const struct pt_node *old_kid(const struct pt_node *n, unsigned s)
{
	return &n->kids[__builtin_popcountll(n->vector & ((2ull << s) - 1)) - 1];
}

/* Allocates a node's arrays for children vec and next hops val (those of
 * the children not in vec), fills in the leaves, and returns its kids. */
static struct pt_node *new_arrays(struct cabo_lpm6 *l, uint64_t vec, const uint16_t *val,
				  struct pt_node *out)
{
	uint64_t leafvec = 0;
	uint16_t lv[FANOUT];
	unsigned nk = (unsigned)__builtin_popcountll(vec), nl = 0;
	for (unsigned s = 0; s < FANOUT; s++) {
		if (vec >> s & 1)
			continue;
		if (!nl || val[s] != lv[nl - 1]) {
			leafvec |= 1ull << s;
			lv[nl++] = val[s];
		}
	}
	uint8_t *block = alloc_block(l, block_size(nk, nl));
	struct pt_node *kids = (struct pt_node *)block;
	uint16_t *leaves = (uint16_t *)(block + nk * sizeof *kids);
	memcpy(leaves, lv, nl * sizeof *lv);
	l->nodes += nk;
	out->vector = vec;
	out->leafvec = leafvec;
	out->kids = nk ? kids : NULL;
	out->leaves = nl ? leaves : NULL;
	return kids;
}

/* Fills *out with a new node for the scanned region.  With old (the node
 * the region had) and u (the changed prefix, ending inside this node: u->len
 * <= off + 6), children that u does not touch are shared with old, the ones
 * it covers are rebuilt whole (their pushed-down leaves change), and old's
 * replaced parts are retired; without old everything is built anew. */
static void make_node(struct cabo_lpm6 *l, const struct scan *sc, const struct pt_node *old,
		      const struct update *u, struct pt_node *out)
{
	struct pt_node *kids = new_arrays(l, sc->vector, sc->val, out);
	unsigned k = 0, coff = sc->off + STRIDE;
	for (uint64_t rest = sc->vector; rest; rest &= rest - 1, k++) {
		unsigned s = (unsigned)__builtin_ctzll(rest);
		cabo_u128 ckey = sc->key | (cabo_u128)s << (128 - coff);
		const struct pt_node *oc = old && (old->vector >> s & 1) ? old_kid(old, s) : NULL;
		if (oc && !overlaps(u, ckey, coff)) {
			kids[k] = *oc;                 /* untouched: shared */
			continue;
		}
		struct scan cs;
		scan_region(&cs, sc->anchor[s], ckey, coff, sc->val[s]);
		make_node(l, &cs, NULL, NULL, &kids[k]);
		if (oc)
			retire_tree(l, oc);
	}
	if (old) {
		for (uint64_t gone = old->vector & ~sc->vector; gone; gone &= gone - 1)
			retire_tree(l, old_kid(old, (unsigned)__builtin_ctzll(gone)));
		retire_arrays(l, old);
	}
}

/* Fills *out with a copy of node old (region of length off, trie nodes at
 * or below `start`, def the next hop from above start) for a change u
 * strictly inside one of its children (u->len > off + 6).  Only that
 * child's entry can differ, and not its next hop (which comes from routes
 * up to off + 6, and u is longer): one trie descent tells whether it still
 * holds longer routes, and where they start.  No scan of the node. */
static void path_node(struct cabo_lpm6 *l, const tnode *start, unsigned off, uint16_t def,
		      const struct pt_node *old, const struct update *u, struct pt_node *out)
{
	unsigned coff = off + STRIDE, s = child_index(u->key, off);
	cabo_u128 skey = u->key & cabo_ip6_mask(coff);
	const tnode *n = start;
	uint16_t val[FANOUT];
	val[s] = def;
	while (n && n->len <= coff) {
		if ((skey ^ cabo_ip6trie_key(n)) & cabo_ip6_mask(n->len)) {
			n = NULL;
			break;
		}
		if (n->route)
			val[s] = n->nh;
		if (n->len == coff)
			break;
		n = n->kid[cabo_ip6_bit(skey, n->len)];
	}
	bool deeper = n && (n->len == coff ? n->kid[0] || n->kid[1]
			    : !((skey ^ cabo_ip6trie_key(n)) & cabo_ip6_mask(coff)));
	for (unsigned t = 0, run = 0; t < FANOUT; t++) {
		run += (unsigned)(old->leafvec >> t) & 1;
		if (!(old->vector >> t & 1))
			val[t] = old->leaves[run - 1];
	}
	uint64_t bit = 1ull << s, vec = deeper ? old->vector | bit : old->vector & ~bit;
	struct pt_node *kids = new_arrays(l, vec, val, out);
	const struct pt_node *oc = old->vector & bit ? old_kid(old, s) : NULL;
	unsigned k = 0;
	for (uint64_t rest = vec; rest; rest &= rest - 1, k++) {
		unsigned t = (unsigned)__builtin_ctzll(rest);
		if (t != s) {
			kids[k] = *old_kid(old, t);    /* untouched: shared */
		} else if (oc && u->len > coff + STRIDE) {
			path_node(l, n, coff, val[s], oc, u, &kids[k]);
		} else {
			struct scan cs;
			scan_region(&cs, n, skey, coff, val[s]);
			make_node(l, &cs, oc, oc ? u : NULL, &kids[k]);
		}
	}
	if (oc && !deeper)
		retire_tree(l, oc);
	retire_arrays(l, old);
}

/* The new entry for top slot t; u as for make_node (NULL: anew).  The old
 * entry's replaced memory is retired. */
static uintptr_t build_top(struct cabo_lpm6 *l, const struct cabo_ip6trie *t, unsigned slot,
			   uintptr_t old, const struct update *u)
{
	const struct pt_node *oldn = is_leaf(old) ? NULL : entry_node(old);
	if (oldn && u && u->len > TOP_BITS + STRIDE) {
		struct pt_node *n = alloc_block(l, block_size(1, 0));
		l->nodes++;
		path_node(l, t->root, TOP_BITS, 0, oldn, u, n);
		l->nodes--;
		retire(l, (void *)oldn, block_size(1, 0));
		uintptr_t e = (uintptr_t)n + 1;
		if (n->vector || __builtin_popcountll(n->leafvec) > 1)
			return e;
		uint16_t nh = n->leaves[0];       /* one next hop for all: a leaf will do */
		retire_top(l, e);
		return leaf_entry(nh);
	}
	struct scan sc;
	cabo_u128 key = (cabo_u128)slot << (128 - TOP_BITS);
	scan_region(&sc, t->root, key, TOP_BITS, 0);
	if (!sc.found) {
		if (oldn)
			retire_top(l, old);
		return leaf_entry(sc.val[0]);
	}
	struct pt_node *n = alloc_block(l, block_size(1, 0));
	l->nodes++;
	if (oldn && u) {
		make_node(l, &sc, oldn, u, n);
		l->nodes--;
		retire(l, (void *)oldn, block_size(1, 0));
	} else {
		make_node(l, &sc, NULL, NULL, n);
		if (oldn)
			retire_top(l, old);
	}
	return (uintptr_t)n + 1;
}

/* ======================================================================
 * The structure
 * ====================================================================== */

static void lookup_generic(const struct pt_root *r, const cabo_u128 *dst, unsigned n,
			   uint16_t *nh);
#if defined(__x86_64__) && !defined(__POPCNT__)
static void lookup_popcnt(const struct pt_root *r, const cabo_u128 *dst, unsigned n,
			  uint16_t *nh);
#endif

/* All leaves 0, in zero pages until written. */
static struct pt_root *new_root(void)
{
	return cabo_xcalloc(1, sizeof(struct pt_root));
}

struct cabo_lpm6 *cabo_lpm6_create(struct cabo_lpm_rcu *rcu)
{
	struct cabo_lpm6 *l = cabo_xcalloc(1, sizeof *l);
	l->rcu = rcu;
	atomic_init(&l->cur, new_root());
	l->lookup = lookup_generic;
#if defined(__x86_64__) && !defined(__POPCNT__)
	__builtin_cpu_init();
	if (__builtin_cpu_supports("popcnt"))
		l->lookup = lookup_popcnt;
#endif
	return l;
}

static void retire_root(struct cabo_lpm6 *l, struct pt_root *r)
{
	for (unsigned i = 0; i < TOP_SIZE; i++)
		retire_top(l, atomic_load_explicit(&r->top[i], memory_order_relaxed));
}

void cabo_lpm6_destroy(struct cabo_lpm6 *l)
{
	free(atomic_load_explicit(&l->cur, memory_order_relaxed));
	for (size_t i = 0; i < l->nchunks; i++)
		free(l->chunks[i]);
	free(l->chunks);
	free(l->retired);
	free(l);
}

void cabo_lpm6_rebuild(struct cabo_lpm6 *l, const struct cabo_ip6trie *t)
{
	struct pt_root *old = atomic_load_explicit(&l->cur, memory_order_relaxed);
	struct pt_root *r = new_root();
	for (unsigned i = 0; i < TOP_SIZE; i++) {
		uintptr_t e = build_top(l, t, i, leaf_entry(0), NULL);
		if (e != leaf_entry(0))
			atomic_store_explicit(&r->top[i], e, memory_order_relaxed);
	}
	atomic_store_explicit(&l->cur, r, memory_order_release);
	retire_root(l, old);
	cabo_lpm_synchronize(l->rcu);
	cabo_lpm6_reclaim(l);
	free(old);
}

void cabo_lpm6_update(struct cabo_lpm6 *l, const struct cabo_ip6trie *t, cabo_u128 key,
		      unsigned len)
{
	struct pt_root *r = atomic_load_explicit(&l->cur, memory_order_relaxed);
	struct update u = { key & cabo_ip6_mask(len), len };
	unsigned first = len ? (unsigned)(u.key >> (128 - TOP_BITS)) : 0;
	unsigned count = len >= TOP_BITS ? 1 : 1u << (TOP_BITS - len);
	for (unsigned i = first; i < first + count; i++) {
		uintptr_t old = atomic_load_explicit(&r->top[i], memory_order_relaxed);
		uintptr_t e = build_top(l, t, i, old, len > TOP_BITS ? &u : NULL);
		atomic_store_explicit(&r->top[i], e, memory_order_release);
	}
}

size_t cabo_lpm6_memory(const struct cabo_lpm6 *l)
{
	return sizeof(struct pt_root) + l->bytes;
}

size_t cabo_lpm6_footprint(const struct cabo_lpm6 *l)
{
	return sizeof(struct pt_root) + l->nchunks * (size_t)CHUNK_BYTES
		+ l->retired_cap * sizeof *l->retired;
}

size_t cabo_lpm6_nodes(const struct cabo_lpm6 *l)
{
	return l->nodes;
}

/* ======================================================================
 * Lookups
 * ====================================================================== */

static inline __attribute__((always_inline)) void
lookup_batch(const struct pt_root *r, const cabo_u128 *dst, unsigned n, uint16_t *nh)
{
	const struct pt_node *node[CABO_BATCH_MAX];
	const uint16_t *leaf[CABO_BATCH_MAX];
	uint8_t who[CABO_BATCH_MAX], lwho[CABO_BATCH_MAX];
	for (unsigned i = 0; i < n; i++)
		__builtin_prefetch(&r->top[dst[i] >> (128 - TOP_BITS)]);
	unsigned m = 0, nleaf = 0;
	for (unsigned i = 0; i < n; i++) {
		uintptr_t e = atomic_load_explicit(&r->top[dst[i] >> (128 - TOP_BITS)],
						   memory_order_acquire);
		if (is_leaf(e)) {
			nh[i] = (uint16_t)(e >> 1);
			continue;
		}
		node[m] = entry_node(e);
		__builtin_prefetch(node[m]);
		who[m++] = (uint8_t)i;
	}
	for (unsigned off = TOP_BITS; m; off += STRIDE) {
		unsigned m2 = 0;
		for (unsigned k = 0; k < m; k++) {
			const struct pt_node *p = node[k];
			unsigned i = who[k], s = child_index(dst[i], off);
			uint64_t upto = (2ull << s) - 1;
			if (p->vector >> s & 1) {
				const struct pt_node *c = &p->kids[__builtin_popcountll(p->vector & upto) - 1];
				__builtin_prefetch(c);
				node[m2] = c;
				who[m2++] = (uint8_t)i;
			} else {
				const uint16_t *v = &p->leaves[__builtin_popcountll(p->leafvec & upto) - 1];
				__builtin_prefetch(v);
				leaf[nleaf] = v;
				lwho[nleaf++] = (uint8_t)i;
			}
		}
		m = m2;
	}
	for (unsigned j = 0; j < nleaf; j++)
		nh[lwho[j]] = *leaf[j];
}

static void lookup_generic(const struct pt_root *r, const cabo_u128 *dst, unsigned n,
			   uint16_t *nh)
{
	lookup_batch(r, dst, n, nh);
}

#if defined(__x86_64__) && !defined(__POPCNT__)
/* The same with the POPCNT instruction, chosen at run time. */
__attribute__((target("popcnt")))
static void lookup_popcnt(const struct pt_root *r, const cabo_u128 *dst, unsigned n,
			  uint16_t *nh)
{
	lookup_batch(r, dst, n, nh);
}
#endif

void cabo_lpm6_lookup(const struct cabo_lpm6 *l, const cabo_u128 *dst, unsigned n,
		      uint16_t *nh)
{
	l->lookup(atomic_load_explicit(&l->cur, memory_order_acquire), dst, n, nh);
}

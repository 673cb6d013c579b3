/* Exact-match tables of flat ids: a bucketized cuckoo hash keyed with
 * SipHash-2-4, lock-free readers, one writer (see flattable.h). */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "flattable.h"

enum {
	MIN_BUCKETS = 16,
	MAX_BUCKETS = 1u << 28,   /* 2^31 slots: entry numbers stay below 2^32 */
	LOAD_PERCENT = 95,        /* grow past this share of slots in use */
	MAX_BFS = 512,            /* buckets a displacement search visits */
};

/* ======================================================================
 * Hashing and slots
 * ====================================================================== */

uint64_t flat_table_hash(const struct flat_table *t, const uint8_t id[FLAT_ID_LEN])
{
	uint8_t out[crypto_shorthash_siphash24_BYTES];
	uint64_t h;
	crypto_shorthash_siphash24(out, id, FLAT_ID_LEN, t->key);
	memcpy(&h, out, sizeof h);
	return h;
}

static inline uint32_t hash_tag(uint64_t h)
{
	return (uint32_t)(h >> 32);
}

/* Maps 32 random bits onto [0, n) by multiplication (Lemire), so any
 * number of buckets works, not only powers of two. */
static inline uint32_t reduce(uint32_t x, uint32_t n)
{
	return (uint32_t)(((uint64_t)x * n) >> 32);
}

static inline uint32_t primary_bucket(uint32_t hash_lo, const struct flat_index *ix)
{
	return reduce(hash_lo, ix->nbuckets);
}

/* The other bucket of an entry with this tag, (c - b) mod n for c drawn
 * from the tag: an involution, so an entry moves between its two buckets
 * knowing only where it is and its tag. */
static inline uint32_t alt_bucket(uint32_t b, uint32_t tag, uint32_t n)
{
	uint32_t c = reduce(tag * 0x5bd1e995u, n);
	return c >= b ? c - b : c + n - b;
}

static inline uint64_t slot_word(uint32_t tag, uint32_t n)
{
	return (uint64_t)tag << 32 | n;
}

static inline _Atomic uint64_t *bucket(const struct flat_index *ix, uint32_t b)
{
	return ix->slots + (size_t)b * FLAT_BUCKET_SLOTS;
}

static inline uint64_t load_slot(_Atomic uint64_t *s)
{
	return atomic_load_explicit(s, memory_order_acquire);
}

static int free_slot(const struct flat_index *ix, uint32_t b)
{
	_Atomic uint64_t *s = bucket(ix, b);
	for (int i = 0; i < FLAT_BUCKET_SLOTS; i++)
		if (!(uint32_t)atomic_load_explicit(&s[i], memory_order_relaxed))
			return i;
	return -1;
}

/* The entry number of `id' in bucket b, 0 if none. */
static inline uint32_t find_in(const struct flat_index *ix, uint32_t b, uint32_t tag,
			       const uint8_t *id)
{
	_Atomic uint64_t *s = bucket(ix, b);
	for (int i = 0; i < FLAT_BUCKET_SLOTS; i++) {
		uint64_t w = load_slot(&s[i]);
		uint32_t n = (uint32_t)w;
		if (n && hash_tag(w) == tag && memcmp(ix->entries[n].id, id, FLAT_ID_LEN) == 0)
			return n;
	}
	return 0;
}

static inline uint32_t find(const struct flat_index *ix, uint64_t h, const uint8_t *id)
{
	uint32_t b1 = primary_bucket((uint32_t)h, ix), tag = hash_tag(h);
	uint32_t n = find_in(ix, b1, tag, id);
	return n ? n : find_in(ix, alt_bucket(b1, tag, ix->nbuckets), tag, id);
}

/* ======================================================================
 * Generations
 * ====================================================================== */

static size_t capacity_of(size_t nbuckets)
{
	return nbuckets * FLAT_BUCKET_SLOTS * LOAD_PERCENT / 100;
}

/* Buckets for n entries at most LOAD_PERCENT full. */
static size_t buckets_for(size_t n)
{
	size_t nb = (n * 100 + (size_t)FLAT_BUCKET_SLOTS * LOAD_PERCENT - 1)
		/ ((size_t)FLAT_BUCKET_SLOTS * LOAD_PERCENT);
	nb = nb < MIN_BUCKETS ? MIN_BUCKETS : nb;
	while (capacity_of(nb) < n)
		nb++;
	return nb < MAX_BUCKETS ? nb : MAX_BUCKETS;
}

static struct flat_index *index_new(size_t nbuckets)
{
	struct flat_index *ix = calloc(1, sizeof *ix);
	if (!ix)
		return NULL;
	/* calloc: large blocks come zeroed from the kernel, untouched until
	 * used; the slots start on a cache line, one bucket a line. */
	size_t bytes = nbuckets * FLAT_BUCKET_SLOTS * sizeof(uint64_t);
	ix->slots_mem = calloc(1, bytes + 64);
	ix->slots = ix->slots_mem
		? (_Atomic uint64_t *)(((uintptr_t)ix->slots_mem + 63) & ~(uintptr_t)63) : NULL;
	ix->nbuckets = (uint32_t)nbuckets;
	ix->capacity = (uint32_t)capacity_of(nbuckets);
	/* Spare entry numbers let removed ones wait for their grace period in
	 * bulk: one wait per `spare' removals, not one per removal.  Entry 0
	 * is never used: slot word 0 means empty. */
	ix->nentries = ix->capacity + ix->capacity / 16 + 64;
	ix->entries = malloc(((size_t)ix->nentries + 1) * sizeof *ix->entries);
	if (!ix->slots || !ix->entries) {
		free(ix->slots_mem);
		free(ix->entries);
		free(ix);
		return NULL;
	}
	return ix;
}

static void index_free(struct flat_index *ix)
{
	if (!ix)
		return;
	free(ix->slots_mem);
	free(ix->entries);
	free(ix);
}

static size_t index_buckets(const struct flat_index *ix)
{
	return ix->nbuckets;
}

static struct flat_index *current(const struct flat_table *t)
{
	return atomic_load_explicit(&((struct flat_table *)t)->index, memory_order_acquire);
}

/* Replaces the generation; the old one is freed once no reader uses it. */
static void publish(struct flat_table *t, struct flat_index *ix)
{
	struct flat_index *old = current(t);
	atomic_store_explicit(&t->index, ix, memory_order_release);
	cabo_lpm_synchronize(&t->rcu);
	index_free(old);
}

/* ======================================================================
 * Placing a slot word: free slot, else a cuckoo displacement path
 * ====================================================================== */

struct bfs_node {
	uint32_t bucket;
	int32_t parent;           /* node index, -1 for the two roots */
	uint8_t slot;             /* slot of the parent whose entry moves here */
};

static bool on_path(const struct bfs_node *q, int32_t k, uint32_t b)
{
	for (; k >= 0; k = q[k].parent)
		if (q[k].bucket == b)
			return true;
	return false;
}

/* Moves slot words along the path ending at node k, slot s -> (to, ts),
 * then stores `word' in the root slot the path frees.  With `seq', inside
 * the moves sequence count (readers may be looking). */
static void apply_path(struct flat_table *t, struct flat_index *ix, const struct bfs_node *q,
		       int32_t k, unsigned s, uint32_t to, unsigned ts, uint64_t word, bool seq)
{
	if (seq) {
		atomic_fetch_add_explicit(&t->moves, 1, memory_order_relaxed);
		atomic_thread_fence(memory_order_release);
	}
	_Atomic uint64_t *dst = &bucket(ix, to)[ts];
	_Atomic uint64_t *src = &bucket(ix, q[k].bucket)[s];
	for (;;) {
		atomic_store_explicit(dst, atomic_load_explicit(src, memory_order_relaxed),
				      memory_order_release);
		t->displacements++;
		dst = src;
		if (q[k].parent < 0)
			break;
		src = &bucket(ix, q[q[k].parent].bucket)[q[k].slot];
		k = q[k].parent;
	}
	atomic_store_explicit(dst, word, memory_order_release);
	if (seq)
		atomic_fetch_add_explicit(&t->moves, 1, memory_order_release);
}

/* Stores `word' (tag, entry n) in bucket b1 or its alternate; false when no
 * displacement path of bounded length frees a slot. */
static bool place(struct flat_table *t, struct flat_index *ix, uint32_t b1, uint64_t word,
		  bool seq)
{
	uint32_t tag = hash_tag(word), b2 = alt_bucket(b1, tag, ix->nbuckets);
	for (int pass = 0; pass < 2; pass++) {
		uint32_t b = pass ? b2 : b1;
		int s = free_slot(ix, b);
		if (s >= 0) {
			atomic_store_explicit(&bucket(ix, b)[s], word, memory_order_release);
			return true;
		}
	}
	/* Breadth first: the shortest path, so the fewest moves. */
	struct bfs_node q[MAX_BFS];
	int32_t head = 0, tail = 0;
	q[tail++] = (struct bfs_node){ b1, -1, 0 };
	if (b2 != b1)
		q[tail++] = (struct bfs_node){ b2, -1, 0 };
	for (; head < tail; head++) {
		_Atomic uint64_t *sl = bucket(ix, q[head].bucket);
		for (unsigned i = 0; i < FLAT_BUCKET_SLOTS; i++) {
			uint64_t w = atomic_load_explicit(&sl[i], memory_order_relaxed);
			uint32_t a = alt_bucket(q[head].bucket, hash_tag(w), ix->nbuckets);
			if (a == q[head].bucket || on_path(q, head, a))
				continue;
			int fs = free_slot(ix, a);
			if (fs >= 0) {
				apply_path(t, ix, q, head, i, a, (unsigned)fs, word, seq);
				return true;
			}
			if (tail < MAX_BFS)
				q[tail++] = (struct bfs_node){ a, head, (uint8_t)i };
		}
	}
	return false;
}

/* ======================================================================
 * Entry numbers
 * ====================================================================== */

static void list_push(struct flat_table *t, uint32_t **list, uint32_t *n, uint32_t v)
{
	if (*n == t->list_cap) {
		uint32_t cap = t->list_cap ? 2 * t->list_cap : 64;
		t->free = cabo_xrealloc(t->free, cap * sizeof *t->free);
		t->pending = cabo_xrealloc(t->pending, cap * sizeof *t->pending);
		t->list_cap = cap;
	}
	(*list)[(*n)++] = v;
}

/* An unused entry number of ix, or 0 when ix is full. */
static uint32_t alloc_entry(struct flat_table *t, const struct flat_index *ix)
{
	if (t->count >= ix->capacity)
		return 0;
	if (t->nfree)
		return t->free[--t->nfree];
	if (t->fresh <= ix->nentries)
		return t->fresh++;
	if (!t->npending)
		return 0;
	/* Numbers freed by remove: no reader may still be reading them. */
	cabo_lpm_synchronize(&t->rcu);
	memcpy(t->free, t->pending, t->npending * sizeof *t->free);
	t->nfree = t->npending;
	t->npending = 0;
	return t->free[--t->nfree];
}

/* ======================================================================
 * Growth
 * ====================================================================== */

/* Fills ix with the entries of old, compacted; false when a displacement
 * path is not found (then ix is thrown away and a larger one tried). */
static bool rehash(struct flat_table *t, const struct flat_index *old, struct flat_index *ix)
{
	uint32_t n = 1;
	for (size_t i = 0; i < index_buckets(old) * FLAT_BUCKET_SLOTS; i++) {
		uint64_t w = atomic_load_explicit(&old->slots[i], memory_order_relaxed);
		if (!(uint32_t)w)
			continue;
		const struct flat_entry *e = &old->entries[(uint32_t)w];
		struct flat_entry *d = &ix->entries[n];
		memcpy(d->id, e->id, FLAT_ID_LEN);
		d->hash_lo = e->hash_lo;
		atomic_init(&d->value, atomic_load_explicit(&e->value, memory_order_relaxed));
		if (!place(t, ix, primary_bucket(e->hash_lo, ix), slot_word(hash_tag(w), n), false))
			return false;
		n++;
	}
	t->fresh = n;
	return true;
}

/* Rebuilds the table with room for `need' entries (at least twice the
 * buckets): entries compacted, slots placed anew, off to the side, then
 * published at once. */
static int grow(struct flat_table *t, size_t need)
{
	const struct flat_index *old = current(t);
	size_t nb = index_buckets(old) * 2;
	if (nb < buckets_for(need))
		nb = buckets_for(need);
	if (nb > MAX_BUCKETS)
		nb = MAX_BUCKETS;
	for (;;) {
		struct flat_index *ix = index_new(nb);
		if (!ix)
			return -ENOMEM;
		if (rehash(t, old, ix)) {
			t->nfree = t->npending = 0;
			t->grows++;
			publish(t, ix);
			return 0;
		}
		index_free(ix);
		if (nb == MAX_BUCKETS)
			return -ENOMEM;
		nb = nb * 2 < MAX_BUCKETS ? nb * 2 : MAX_BUCKETS;
	}
}

/* ======================================================================
 * The writer's interface
 * ====================================================================== */

int flat_table_init(struct flat_table *t, size_t expect, const uint8_t *key)
{
	memset(t, 0, sizeof *t);
	if (sodium_init() < 0)
		return -1;
	if (key)
		memcpy(t->key, key, FLAT_KEY_LEN);
	else
		randombytes_buf(t->key, FLAT_KEY_LEN);
	struct flat_index *ix = index_new(buckets_for(expect));
	if (!ix)
		return -1;
	atomic_init(&t->index, ix);
	atomic_init(&t->moves, 0);
	pthread_mutex_init(&t->lock, NULL);
	t->fresh = 1;
	return 0;
}

void flat_table_destroy(struct flat_table *t)
{
	index_free(current(t));
	atomic_store(&t->index, NULL);
	free(t->free);
	free(t->pending);
	sodium_memzero(t->key, sizeof t->key);
	pthread_mutex_destroy(&t->lock);
}

int flat_table_reserve(struct flat_table *t, size_t n)
{
	return n > current(t)->capacity ? grow(t, n) : 0;
}

int flat_table_add(struct flat_table *t, const uint8_t id[FLAT_ID_LEN], uint64_t value,
		   bool replace, uint64_t *old)
{
	uint64_t h = flat_table_hash(t, id);
	struct flat_index *ix = current(t);
	uint32_t n = find(ix, h, id);
	if (n) {
		_Atomic uint64_t *v = &ix->entries[n].value;
		if (old)
			*old = atomic_load_explicit(v, memory_order_relaxed);
		if (!replace)
			return -EEXIST;
		atomic_store_explicit(v, value, memory_order_release);
		return 1;
	}
	if (old)
		*old = 0;
	for (int tries = 0; tries < 8; tries++) {
		if (!(n = alloc_entry(t, ix))) {
			if (grow(t, (size_t)t->count + 1) < 0)
				return -ENOMEM;
			ix = current(t);
			continue;
		}
		/* Not yet visible: the slot store below publishes it. */
		struct flat_entry *e = &ix->entries[n];
		memcpy(e->id, id, FLAT_ID_LEN);
		e->hash_lo = (uint32_t)h;
		atomic_store_explicit(&e->value, value, memory_order_relaxed);
		if (place(t, ix, primary_bucket((uint32_t)h, ix), slot_word(hash_tag(h), n), true)) {
			t->count++;
			return 0;
		}
		/* No path: unpublished, so reusable at once; then grow. */
		list_push(t, &t->free, &t->nfree, n);
		if (grow(t, (size_t)t->count + 1) < 0)
			return -ENOMEM;
		ix = current(t);
	}
	return -ENOMEM;
}

int flat_table_remove(struct flat_table *t, const uint8_t id[FLAT_ID_LEN], uint64_t *old)
{
	uint64_t h = flat_table_hash(t, id);
	struct flat_index *ix = current(t);
	uint32_t b = primary_bucket((uint32_t)h, ix), tag = hash_tag(h);
	for (int pass = 0; pass < 2; pass++, b = alt_bucket(b, tag, ix->nbuckets)) {
		_Atomic uint64_t *s = bucket(ix, b);
		for (int i = 0; i < FLAT_BUCKET_SLOTS; i++) {
			uint64_t w = atomic_load_explicit(&s[i], memory_order_relaxed);
			uint32_t n = (uint32_t)w;
			if (!n || hash_tag(w) != tag || memcmp(ix->entries[n].id, id, FLAT_ID_LEN))
				continue;
			if (old)
				*old = atomic_load_explicit(&ix->entries[n].value, memory_order_relaxed);
			atomic_store_explicit(&s[i], 0, memory_order_release);
			list_push(t, &t->pending, &t->npending, n);
			t->count--;
			return 0;
		}
	}
	return -ENOENT;
}

void flat_table_clear(struct flat_table *t)
{
	struct flat_index *ix = index_new(MIN_BUCKETS);
	if (ix) {
		publish(t, ix);
	} else {
		/* no memory for a fresh generation: empty this one in place */
		ix = current(t);
		for (size_t i = 0; i < index_buckets(ix) * FLAT_BUCKET_SLOTS; i++)
			atomic_store_explicit(&ix->slots[i], 0, memory_order_release);
		cabo_lpm_synchronize(&t->rcu);
	}
	t->count = 0;
	t->fresh = 1;
	t->nfree = t->npending = 0;
}

/* ======================================================================
 * Readers
 * ====================================================================== */

/* A lookup that is sure of a miss: looks again while displacements ran. */
static uint64_t get_stable(struct flat_table *t, const struct flat_index *ix, uint64_t h,
			   const uint8_t *id)
{
	for (;;) {
		unsigned seq = atomic_load_explicit(&t->moves, memory_order_acquire);
		if (seq & 1)
			continue;
		uint32_t n = find(ix, h, id);
		if (n)
			return atomic_load_explicit(&ix->entries[n].value, memory_order_acquire);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&t->moves, memory_order_relaxed) == seq)
			return 0;
	}
}

uint64_t flat_table_get(struct flat_table *t, const uint8_t id[FLAT_ID_LEN])
{
	unsigned phase = cabo_lpm_read_lock(&t->rcu);
	uint64_t v = get_stable(t, current(t), flat_table_hash(t, id), id);
	cabo_lpm_read_unlock(&t->rcu, phase);
	return v;
}

/* The entry number in bucket b with this tag (the id is compared later),
 * 0 if none.  Branch-free over the slots: which slots are occupied is
 * unpredictable, so a branch per slot would mispredict often. */
static inline uint32_t tag_in(const struct flat_index *ix, uint32_t b, uint32_t tag)
{
	_Atomic uint64_t *s = bucket(ix, b);
	uint64_t w[FLAT_BUCKET_SLOTS];
	unsigned match = 0;
	for (int i = 0; i < FLAT_BUCKET_SLOTS; i++) {
		w[i] = load_slot(&s[i]);
		match |= (unsigned)((hash_tag(w[i]) == tag) & ((uint32_t)w[i] != 0)) << i;
	}
	return match ? (uint32_t)w[__builtin_ctz(match)] : 0;
}

/* Three passes over the batch, each issuing its memory accesses before the
 * next pass uses them: hash and prefetch both buckets; find the tag and
 * prefetch the entry; compare ids and read values. */
void flat_table_lookup(struct flat_table *t, const uint8_t *const *ids, unsigned n,
		       uint64_t *values)
{
	uint64_t h[CABO_BATCH_MAX];
	uint32_t b1[CABO_BATCH_MAX], b2[CABO_BATCH_MAX], cand[CABO_BATCH_MAX];
	unsigned phase = cabo_lpm_read_lock(&t->rcu);
	const struct flat_index *ix = current(t);
	unsigned seq = atomic_load_explicit(&t->moves, memory_order_acquire);
	const uint32_t nb = ix->nbuckets;
	for (unsigned i = 0; i < n; i++) {
		h[i] = flat_table_hash(t, ids[i]);
		b1[i] = reduce((uint32_t)h[i], nb);
		b2[i] = alt_bucket(b1[i], hash_tag(h[i]), nb);
		__builtin_prefetch(bucket(ix, b1[i]));
		__builtin_prefetch(bucket(ix, b2[i]));
	}
	for (unsigned i = 0; i < n; i++) {
		uint32_t tag = hash_tag(h[i]);
		uint32_t c = tag_in(ix, b1[i], tag);
		cand[i] = c ? c : tag_in(ix, b2[i], tag);
		__builtin_prefetch(&ix->entries[cand[i]]);
	}
	bool missed = false;
	for (unsigned i = 0; i < n; i++) {
		const struct flat_entry *e = &ix->entries[cand[i]];
		uint64_t v = 0;
		if (cand[i] && memcmp(e->id, ids[i], FLAT_ID_LEN) == 0)
			v = atomic_load_explicit(&e->value, memory_order_acquire);
		else if (cand[i])   /* another id with the same tag: look at all */
			v = get_stable(t, ix, h[i], ids[i]);
		missed |= !v;
		values[i] = v;
	}
	if (missed) {
		atomic_thread_fence(memory_order_acquire);
		if (seq & 1 || atomic_load_explicit(&t->moves, memory_order_relaxed) != seq)
			for (unsigned i = 0; i < n; i++)
				if (!values[i])
					values[i] = get_stable(t, ix, h[i], ids[i]);
	}
	cabo_lpm_read_unlock(&t->rcu, phase);
}

/* ======================================================================
 * Listing and statistics (writer side)
 * ====================================================================== */

static int cmp_entry(const void *a, const void *b)
{
	return memcmp(((const struct flat_entry *)a)->id, ((const struct flat_entry *)b)->id,
		      FLAT_ID_LEN);
}

size_t flat_table_entries(struct flat_table *t, struct flat_entry **out)
{
	const struct flat_index *ix = current(t);
	struct flat_entry *v = cabo_xmalloc(((size_t)t->count + 1) * sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < index_buckets(ix) * FLAT_BUCKET_SLOTS && k < t->count; i++) {
		uint32_t n = (uint32_t)atomic_load_explicit(&ix->slots[i], memory_order_relaxed);
		if (!n)
			continue;
		memcpy(v[k].id, ix->entries[n].id, FLAT_ID_LEN);
		v[k].hash_lo = ix->entries[n].hash_lo;
		atomic_init(&v[k].value, atomic_load(&ix->entries[n].value));
		k++;
	}
	qsort(v, k, sizeof *v, cmp_entry);
	*out = v;
	return k;
}

void flat_table_stats(struct flat_table *t, struct flat_table_stats *s)
{
	const struct flat_index *ix = current(t);
	size_t nb = index_buckets(ix);
	memset(s, 0, sizeof *s);
	s->buckets = nb;
	s->slots = nb * FLAT_BUCKET_SLOTS;
	s->capacity = ix->capacity;
	s->count = t->count;
	s->memory = s->slots * sizeof(uint64_t) + ((size_t)ix->nentries + 1) * sizeof(struct flat_entry)
		+ 2 * (size_t)t->list_cap * sizeof(uint32_t);
	s->grows = t->grows;
	s->displacements = t->displacements;
	uint32_t *primary = cabo_xcalloc(nb, sizeof *primary);
	for (size_t i = 0; i < s->slots; i++) {
		uint32_t n = (uint32_t)atomic_load_explicit(&ix->slots[i], memory_order_relaxed);
		if (!n)
			continue;
		uint32_t p = primary_bucket(ix->entries[n].hash_lo, ix);
		s->in_primary += p == i / FLAT_BUCKET_SLOTS;
		if (++primary[p] > s->max_primary)
			s->max_primary = primary[p];
	}
	free(primary);
}

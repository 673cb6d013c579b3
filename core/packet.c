/* Packet pools (quotas), thread arenas (memory), clones and copy-on-write. */
#include "packet.h"

#include <pthread.h>
#include <stdlib.h>

#include "strbuf.h"

_Thread_local unsigned cabo_thread_index;

enum { CABO_MOVE_MAX = 64 };

/* ---- Arenas: each thread's descriptors and buffers */

struct cabo_arena {
	struct cabo_packet **free;  /* stack of free descriptors, last freed on top */
	uint32_t nfree, free_capacity;
	uint32_t allocated;         /* descriptors created so far */
	void **chunks;              /* memory blocks */
	uint32_t nchunks;
	/* Descriptors other threads freed, taken whole when the stack runs dry. */
	_Atomic(struct cabo_packet *) remote_free;
	struct cabo_arena *next_arena;
	bool orphaned;              /* its thread has ended; the next one takes it */
};

static _Thread_local struct cabo_arena *thread_arena;
static struct cabo_arena *all_arenas;
static pthread_mutex_t arenas_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t arena_key_once = PTHREAD_ONCE_INIT;
static pthread_key_t arena_key;

/* A thread that ends leaves its arena to the next thread that starts. */
static void orphan_arena(void *arena)
{
	struct cabo_arena *a = arena;
	pthread_mutex_lock(&arenas_lock);
	a->orphaned = true;
	pthread_mutex_unlock(&arenas_lock);
}

static void make_arena_key(void)
{
	if (pthread_key_create(&arena_key, orphan_arena) != 0)
		abort();
}

/* Packets may outlive the thread that allocated them (they travel), so an
 * arena lives until the process ends, adopted by a later thread when its
 * own has ended; the list keeps it reachable meanwhile, and exit need not
 * give its memory back piece by piece. */
static struct cabo_arena *my_arena(void)
{
	if (__builtin_expect(thread_arena != NULL, 1))
		return thread_arena;
	pthread_once(&arena_key_once, make_arena_key);
	pthread_mutex_lock(&arenas_lock);
	struct cabo_arena *a = all_arenas;
	while (a && !a->orphaned)
		a = a->next_arena;
	if (a)
		a->orphaned = false;
	else {
		a = cabo_xcalloc(1, sizeof *a);
		a->next_arena = all_arenas;
		all_arenas = a;
	}
	pthread_mutex_unlock(&arenas_lock);
	pthread_setspecific(arena_key, a);
	return thread_arena = a;
}

uint32_t cabo_arena_allocated(void)
{
	return my_arena()->allocated;
}

uint32_t cabo_arena_free(void)
{
	return my_arena()->nfree;
}

/* Adds CABO_POOL_CHUNK descriptors and buffers in one block.  Called only
 * when the free stack is empty, so an arena stops growing once it holds its
 * thread's working set. */
static bool grow(struct cabo_arena *a)
{
	const uint32_t n = CABO_POOL_CHUNK;
	size_t desc_bytes = ((size_t)n * sizeof(struct cabo_packet) + 63) & ~(size_t)63;
	uint8_t *block = aligned_alloc(64, desc_bytes + (size_t)n * CABO_PACKET_BUFFER_SIZE);
	if (!block)
		return false;
	if (a->allocated + n > a->free_capacity) {
		a->free_capacity = a->allocated + n;
		a->free = cabo_xrealloc(a->free, a->free_capacity * sizeof *a->free);
	}
	a->chunks = cabo_xrealloc(a->chunks, (a->nchunks + 1) * sizeof *a->chunks);
	a->chunks[a->nchunks++] = block;
	struct cabo_packet *descs = (struct cabo_packet *)block;
	uint8_t *buffers = block + desc_bytes;
	for (uint32_t i = n; i-- > 0;) {
		struct cabo_packet *p = &descs[i];
		memset(p, 0, sizeof *p);
		p->arena = a;
		p->home_buffer = buffers + (size_t)i * CABO_PACKET_BUFFER_SIZE;
		a->free[a->nfree++] = p;
	}
	a->allocated += n;
	return true;
}

/* Descriptors freed by another thread come back in bundles: the buffer of
 * the bundle's first descriptor lists the others, so the owner takes them
 * back by reading an array, not by chasing a pointer through each
 * descriptor (every one a cache miss, the other core wrote it last). */
struct remote_bundle {
	uint32_t count;
	struct cabo_packet *members[];
};

enum {
	BUNDLE_MAX = (CABO_PACKET_BUFFER_SIZE - sizeof(struct remote_bundle))
		     / sizeof(struct cabo_packet *),
};

static struct remote_bundle *bundle_of(struct cabo_packet *container)
{
	return (struct remote_bundle *)(void *)container->home_buffer;
}

/* Takes back the descriptors other threads freed.  Returns whether any came. */
static bool reclaim_remote(struct cabo_arena *a)
{
	struct cabo_packet *c = atomic_exchange_explicit(&a->remote_free, NULL, memory_order_acquire);
	if (!c)
		return false;
	while (c) {
		struct cabo_packet *next = c->next_free;
		const struct remote_bundle *b = bundle_of(c);
		memcpy(a->free + a->nfree, b->members, b->count * sizeof *b->members);
		a->nfree += b->count;
		a->free[a->nfree++] = c;
		c = next;
	}
	return true;
}

/* ---- Pools: quotas */

struct cabo_pool *cabo_pool_new(const char *name, uint32_t capacity)
{
	struct cabo_pool *pool = cabo_xcalloc(1, sizeof *pool);
	pool->name = cabo_xstrdup(name);
	pool->capacity = capacity;
	pool->buffer_size = CABO_PACKET_BUFFER_SIZE;
	return pool;
}

uint32_t cabo_pool_destroy(struct cabo_pool *pool)
{
	if (!pool)
		return 0;
	uint32_t leaked = cabo_pool_in_use(pool);
	free(pool->name);
	free(pool);
	return leaked;
}

static void count_in(struct cabo_pool *pool, uint32_t n)
{
	uint32_t used;
	if (pool->concurrent)
		used = atomic_fetch_add_explicit(&pool->in_use, n, memory_order_relaxed) + n;
	else {
		used = atomic_load_explicit(&pool->in_use, memory_order_relaxed) + n;
		atomic_store_explicit(&pool->in_use, used, memory_order_relaxed);
	}
	if (used > pool->high_water)
		pool->high_water = used;
}

static void count_out(struct cabo_pool *pool, uint32_t n)
{
	if (pool->concurrent)
		atomic_fetch_sub_explicit(&pool->in_use, n, memory_order_relaxed);
	else
		atomic_store_explicit(&pool->in_use,
				      atomic_load_explicit(&pool->in_use, memory_order_relaxed) - n,
				      memory_order_relaxed);
}

/* Takes up to n free descriptors for pool into out, within its quota;
 * what the quota refuses counts as allocation failures.  Shared by
 * allocation and cloning, which then fill the descriptors in differently. */
static unsigned take_free(struct cabo_pool *pool, struct cabo_packet **out, unsigned n)
{
	uint32_t allowed = cabo_pool_available(pool);
	if (n > allowed) {
		pool->alloc_failures += n - allowed;
		n = allowed;
	}
	struct cabo_arena *a = my_arena();
	unsigned got = 0;
	while (got < n) {
		if (!a->nfree && !reclaim_remote(a) && !grow(a)) {
			pool->alloc_failures += n - got;
			break;
		}
		while (got < n && a->nfree) {
			struct cabo_packet *p = a->free[--a->nfree];
			p->pool = pool;
			out[got++] = p;
		}
	}
	if (got)
		count_in(pool, got);
	return got;
}

static void reset(struct cabo_packet *p, uint32_t length)
{
	p->owner = p;
	p->buffer = p->home_buffer;
	p->buffer_size = CABO_PACKET_BUFFER_SIZE;
	atomic_store_explicit(&p->refs, 1, memory_order_relaxed);
	p->data = p->buffer + CABO_PACKET_HEADROOM;
	p->length = length;
	p->mac_offset = p->network_offset = p->transport_offset = -1;
	memset(&p->anno, 0, sizeof p->anno);
}

unsigned cabo_packet_alloc_batch(struct cabo_pool *pool, uint32_t length,
				 struct cabo_packet **out, unsigned n)
{
	if (length > pool->buffer_size - CABO_PACKET_HEADROOM)
		return 0;
	unsigned got = take_free(pool, out, n);
	for (unsigned i = 0; i < got; i++)
		reset(out[i], length);
	return got;
}

struct cabo_packet *cabo_packet_alloc(struct cabo_pool *pool, uint32_t length)
{
	struct cabo_packet *p;
	return cabo_packet_alloc_batch(pool, length, &p, 1) ? p : NULL;
}

struct cabo_packet *cabo_packet_make(struct cabo_pool *pool, const void *data, uint32_t length)
{
	struct cabo_packet *p = cabo_packet_alloc(pool, length);
	if (p && length)
		memcpy(p->data, data, length);
	return p;
}

struct cabo_packet *cabo_packet_alloc_large(struct cabo_pool *pool, uint32_t length)
{
	if (length <= pool->buffer_size - CABO_PACKET_HEADROOM)
		return cabo_packet_alloc(pool, length);
	struct cabo_packet *p = cabo_packet_alloc(pool, 0);
	if (!p)
		return NULL;
	size_t size = (size_t)length + 2 * CABO_PACKET_HEADROOM;
	uint8_t *buffer = malloc(size);
	if (!buffer || size > UINT32_MAX) {
		free(buffer);
		cabo_packet_free(p);
		return NULL;
	}
	p->external = true;
	p->buffer = buffer;
	p->buffer_size = (uint32_t)size;
	p->data = buffer + CABO_PACKET_HEADROOM;
	p->length = length;
	return p;
}

/* ---- Freeing */

/* What a run of frees gives back, collected so that quota counts and
 * another thread's descriptors go back in one step each. */
struct release {
	struct cabo_pool *pool;        /* packets counted out of pool, not yet applied */
	uint32_t pool_count;
	struct cabo_arena *arena;      /* another thread's descriptors, bundled */
	struct cabo_packet *container; /* the bundle, NULL when empty */
	uint32_t count;                /* members besides the container */
};

static void flush_remote(struct release *rel)
{
	struct cabo_packet *c = rel->container;
	if (!c)
		return;
	bundle_of(c)->count = rel->count;
	struct cabo_arena *a = rel->arena;
	struct cabo_packet *head = atomic_load_explicit(&a->remote_free, memory_order_relaxed);
	do
		c->next_free = head;
	while (!atomic_compare_exchange_weak_explicit(&a->remote_free, &head, c,
						      memory_order_release, memory_order_relaxed));
	rel->container = NULL;
	rel->count = 0;
}

static void flush_release(struct release *rel)
{
	if (rel->pool_count)
		count_out(rel->pool, rel->pool_count);
	rel->pool_count = 0;
	flush_remote(rel);
}

/* Returns a descriptor: onto this thread's free stack when its arena is
 * this thread's, else into the bundle for its arena's remote list. */
static inline __attribute__((always_inline)) void put_free(struct cabo_packet *p,
							      struct release *rel)
{
	struct cabo_pool *pool = p->pool;
	if (rel->pool != pool) {
		if (rel->pool_count)
			count_out(rel->pool, rel->pool_count);
		rel->pool = pool;
		rel->pool_count = 0;
	}
	rel->pool_count++;
	struct cabo_arena *a = p->arena;
	if (a == thread_arena) {
		a->free[a->nfree++] = p;
		return;
	}
	if (rel->container && rel->arena != a)
		flush_remote(rel);
	if (!rel->container) {
		rel->arena = a;
		rel->container = p;
		return;
	}
	bundle_of(rel->container)->members[rel->count++] = p;
	if (rel->count == BUNDLE_MAX)
		flush_remote(rel);
}

static void release_descriptor(struct cabo_packet *p, struct release *rel)
{
	if (p->external) {
		free(p->buffer);
		p->external = false;
	}
	put_free(p, rel);
}

/* Drops n references to owner's buffer; the owner's descriptor returns with
 * the last one. */
static void unref_owner(struct cabo_packet *owner, unsigned n, struct release *rel)
{
	unsigned refs = atomic_load_explicit(&owner->refs, memory_order_acquire);
	/* Holding every reference means nobody else can take one. */
	if (refs == n) {
		release_descriptor(owner, rel);
		return;
	}
	if (!owner->pool->concurrent)
		atomic_store_explicit(&owner->refs, refs - n, memory_order_relaxed);
	else if (atomic_fetch_sub_explicit(&owner->refs, n, memory_order_acq_rel) == n)
		release_descriptor(owner, rel);
}

void cabo_packet_free(struct cabo_packet *p)
{
	if (!p)
		return;
	struct release rel = { 0 };
	struct cabo_packet *owner = p->owner;
	if (owner != p)
		put_free(p, &rel);
	unref_owner(owner, 1, &rel);
	flush_release(&rel);
}

/* The common case: the packet is its buffer's only user, and the buffer
 * is one of the arena's. */
static inline bool frees_alone(const struct cabo_packet *p)
{
	return p->owner == p && !p->external
	       && atomic_load_explicit(&p->refs, memory_order_acquire) == 1;
}

void cabo_packet_free_batch(struct cabo_packet **pkts, unsigned n)
{
	struct release rel = { 0 };
	unsigned i = 0;
	while (i < n) {
		if (frees_alone(pkts[i])) {
			put_free(pkts[i++], &rel);
			continue;
		}
		struct cabo_packet *owner = pkts[i]->owner;
		unsigned run = 0;
		/* Clones of one original usually travel together: one atomic
		 * update for the whole run. */
		for (; i < n && pkts[i]->owner == owner; i++, run++) {
			struct cabo_packet *p = pkts[i];
			if (p != owner)
				put_free(p, &rel);
		}
		unref_owner(owner, run, &rel);
	}
	flush_release(&rel);
}

/* ---- Sharing */

/* `tmpl` is a local copy of the original, so the compiler need not reload
 * its fields after every store into a clone. */
static inline void share(struct cabo_packet *clone, const struct cabo_packet *tmpl)
{
	clone->owner = tmpl->owner;
	clone->buffer = tmpl->buffer;
	clone->buffer_size = tmpl->buffer_size;
	clone->data = tmpl->data;
	clone->length = tmpl->length;
	clone->mac_offset = tmpl->mac_offset;
	clone->network_offset = tmpl->network_offset;
	clone->transport_offset = tmpl->transport_offset;
	clone->anno = tmpl->anno;
}

static void add_refs(struct cabo_packet *owner, unsigned n)
{
	if (owner->pool->concurrent)
		atomic_fetch_add_explicit(&owner->refs, n, memory_order_relaxed);
	else
		atomic_store_explicit(&owner->refs,
				      atomic_load_explicit(&owner->refs, memory_order_relaxed) + n,
				      memory_order_relaxed);
}

unsigned cabo_packet_clone_batch(struct cabo_packet *p, struct cabo_packet **out, unsigned n)
{
	unsigned got = take_free(p->pool, out, n);
	struct cabo_packet tmpl;
	memcpy(&tmpl, p, sizeof tmpl);
	for (unsigned i = 0; i < got; i++)
		share(out[i], &tmpl);
	if (got)
		add_refs(p->owner, got);
	return got;
}

struct cabo_packet *cabo_packet_clone(struct cabo_packet *p)
{
	struct cabo_packet *c;
	return cabo_packet_clone_batch(p, &c, 1) ? c : NULL;
}

static bool fits_pool_buffer(const struct cabo_packet *p, uint32_t headroom,
			     const struct cabo_pool *pool)
{
	return (uint64_t)headroom + p->length + cabo_packet_tailroom(p) <= pool->buffer_size;
}

/* Fills the fresh packet c with p's data, headers and annotations, with
 * `headroom` bytes before the data. */
static void copy_contents(struct cabo_packet *c, const struct cabo_packet *p, uint32_t headroom)
{
	c->data = c->buffer + headroom;
	c->length = p->length;
	/* Stripped headers live on in the headroom (Unstrip brings them back),
	 * so the copy keeps as much of it as fits. */
	uint32_t old_headroom = cabo_packet_headroom(p);
	uint32_t kept = old_headroom < headroom ? old_headroom : headroom;
	memcpy(c->data - kept, p->data - kept, kept + p->length);
	ptrdiff_t shift = (c->data - c->buffer) - (p->data - p->buffer);
	c->mac_offset = p->mac_offset < 0 ? -1 : (int32_t)(p->mac_offset + shift);
	c->network_offset = p->network_offset < 0 ? -1 : (int32_t)(p->network_offset + shift);
	c->transport_offset = p->transport_offset < 0 ? -1 : (int32_t)(p->transport_offset + shift);
	c->anno = p->anno;
}

static struct cabo_packet *copy_with_headroom(struct cabo_packet *p, uint32_t headroom,
					      struct cabo_pool *pool)
{
	struct cabo_packet *c;
	if (fits_pool_buffer(p, headroom, pool))
		c = cabo_packet_alloc(pool, 0);
	else
		c = cabo_packet_alloc_large(pool, p->length + headroom + cabo_packet_tailroom(p));
	if (c)
		copy_contents(c, p, headroom);
	return c;
}

struct cabo_packet *cabo_packet_copy(struct cabo_packet *p)
{
	return copy_with_headroom(p, cabo_packet_headroom(p), p->pool);
}

/* A packet nobody else references changes hands by changing quotas: its
 * buffer moves with it, and no pipeline can see it any more from the
 * other side.  Shared and external buffers are copied. */
static bool rehomable(const struct cabo_packet *p)
{
	return !p->external && !cabo_packet_shared(p);
}

/* Gives the first of in's rehomable packets (flagged in rehome_mask) to
 * pool's quota, as many as it has room for. */
static void rehome(struct cabo_pool *pool, struct cabo_packet **in, unsigned n,
		       const bool *rehome_mask, unsigned wanted)
{
	uint32_t granted = cabo_pool_available(pool);
	if (granted > wanted)
		granted = wanted;
	pool->alloc_failures += wanted - granted;
	if (!granted)
		return;
	count_in(pool, granted);
	struct cabo_pool *from = NULL;
	uint32_t from_count = 0;
	for (unsigned i = 0, done = 0; i < n && done < granted; i++) {
		struct cabo_packet *p = in[i];
		if (!rehome_mask[i])
			continue;
		if (p->pool != from) {
			if (from_count)
				count_out(from, from_count);
			from = p->pool;
			from_count = 0;
		}
		from_count++;
		p->pool = pool;
		done++;
	}
	if (from_count)
		count_out(from, from_count);
}

/* Moves up to CABO_MOVE_MAX packets; the copies' descriptors come from
 * the quota in one step. */
static unsigned move_some(struct cabo_pool *pool, struct cabo_packet **in,
			  struct cabo_packet **out, unsigned n)
{
	struct cabo_packet *fresh[CABO_MOVE_MAX], *released[CABO_MOVE_MAX];
	bool rehome_mask[CABO_MOVE_MAX];
	unsigned ncopy = 0, nrehome = 0;
	for (unsigned i = 0; i < n; i++) {
		const struct cabo_packet *p = in[i];
		rehome_mask[i] = p->pool != pool && rehomable(p);
		nrehome += rehome_mask[i];
		ncopy += p->pool != pool && !rehome_mask[i]
			 && fits_pool_buffer(p, cabo_packet_headroom(p), pool);
	}
	if (nrehome)
		rehome(pool, in, n, rehome_mask, nrehome);
	unsigned nfresh = ncopy ? cabo_packet_alloc_batch(pool, 0, fresh, ncopy) : 0;
	unsigned got = 0, used = 0, nreleased = 0;
	for (unsigned i = 0; i < n; i++) {
		struct cabo_packet *p = in[i], *c = NULL;
		uint32_t headroom = cabo_packet_headroom(p);
		if (p->pool == pool) {   /* ours already, or rehomed */
			out[got++] = p;
			continue;
		}
		if (rehome_mask[i]) {
			released[nreleased++] = p;   /* over the quota */
			continue;
		}
		if (!fits_pool_buffer(p, headroom, pool))
			c = copy_with_headroom(p, headroom, pool);
		else if (used < nfresh) {
			c = fresh[used++];
			copy_contents(c, p, headroom);
		}
		if (c)
			out[got++] = c;
		released[nreleased++] = p;
	}
	/* The originals go back (to another thread, often) in one step. */
	cabo_packet_free_batch(released, nreleased);
	return got;
}

unsigned cabo_packet_move_batch(struct cabo_pool *pool, struct cabo_packet **in,
				struct cabo_packet **out, unsigned n)
{
	unsigned got = 0;
	for (unsigned i = 0; i < n; i += CABO_MOVE_MAX)
		got += move_some(pool, in + i, out + got, n - i < CABO_MOVE_MAX ? n - i : CABO_MOVE_MAX);
	return got;
}

struct cabo_packet *cabo_packet_uniqueify(struct cabo_packet *p)
{
	if (!cabo_packet_shared(p))
		return p;
	struct cabo_packet *c = cabo_packet_copy(p);
	cabo_packet_free(p);
	return c;
}

struct cabo_packet *cabo_packet_push_slow(struct cabo_packet *p, uint32_t n)
{
	if (cabo_packet_headroom(p) >= n) {
		p = cabo_packet_writable(p);
		if (!p)
			return NULL;
		p->data -= n;
		p->length += n;
		return p;
	}
	struct cabo_packet *c = copy_with_headroom(p, n + CABO_PACKET_HEADROOM, p->pool);
	cabo_packet_free(p);
	if (!c)
		return NULL;
	c->data -= n;
	c->length += n;
	return c;
}

struct cabo_packet *cabo_packet_put(struct cabo_packet *p, uint32_t n)
{
	p = cabo_packet_writable(p);
	if (!p)
		return NULL;
	if (cabo_packet_tailroom(p) < n) {
		struct cabo_packet *c = cabo_packet_alloc_large(p->pool,
			cabo_packet_headroom(p) + p->length + n);
		if (!c) {
			cabo_packet_free(p);
			return NULL;
		}
		uint32_t headroom = cabo_packet_headroom(p);
		c->data = c->buffer + headroom;
		memcpy(c->data, p->data, p->length);
		c->length = p->length;
		c->mac_offset = p->mac_offset;
		c->network_offset = p->network_offset;
		c->transport_offset = p->transport_offset;
		c->anno = p->anno;
		cabo_packet_free(p);
		p = c;
	}
	p->length += n;
	return p;
}

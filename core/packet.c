/* Packet pools, clones and copy-on-write. */
#include "packet.h"

#include <stdlib.h>

#include "strbuf.h"

_Thread_local unsigned cabo_thread_index;

static bool reclaim_remote(struct cabo_pool *pool);

enum { CABO_MOVE_MAX = 64 };

/* ---- Pools */

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
	reclaim_remote(pool);
	uint32_t leaked = cabo_pool_in_use(pool);
	for (uint32_t i = 0; i < pool->nchunks; i++)
		free(pool->chunks[i]);
	free(pool->chunks);
	free(pool->free);
	free(pool->name);
	free(pool);
	return leaked;
}

/* Adds up to CABO_POOL_CHUNK packets (descriptors and buffers in one block)
 * without exceeding the quota.  Called only when the free stack is empty, so
 * a pool stops allocating once it has reached its working set. */
static bool grow(struct cabo_pool *pool)
{
	uint32_t n = pool->capacity - pool->allocated;
	if (n > CABO_POOL_CHUNK)
		n = CABO_POOL_CHUNK;
	if (!n)
		return false;
	size_t desc_bytes = ((size_t)n * sizeof(struct cabo_packet) + 63) & ~(size_t)63;
	uint8_t *block = aligned_alloc(64, desc_bytes + (size_t)n * pool->buffer_size);
	if (!block)
		return false;
	/* The free stack grows with the pool, so an idle pipeline with a big
	 * quota costs only what it has used. */
	if (pool->allocated + n > pool->free_capacity) {
		pool->free_capacity = pool->allocated + n;
		pool->free = cabo_xrealloc(pool->free, pool->free_capacity * sizeof *pool->free);
	}
	pool->chunks = cabo_xrealloc(pool->chunks, (pool->nchunks + 1) * sizeof *pool->chunks);
	pool->chunks[pool->nchunks++] = block;
	struct cabo_packet *descs = (struct cabo_packet *)block;
	uint8_t *buffers = block + desc_bytes;
	for (uint32_t i = 0; i < n; i++) {
		struct cabo_packet *p = &descs[i];
		memset(p, 0, sizeof *p);
		p->pool = pool;
		p->home_buffer = buffers + (size_t)i * pool->buffer_size;
		pool->free[pool->nfree++] = p;
	}
	pool->allocated += n;
	return true;
}

static void reset(struct cabo_packet *p, uint32_t length)
{
	p->owner = p;
	p->buffer = p->home_buffer;
	p->buffer_size = p->pool->buffer_size;
	atomic_store_explicit(&p->refs, 1, memory_order_relaxed);
	p->data = p->buffer + CABO_PACKET_HEADROOM;
	p->length = length;
	p->mac_offset = p->network_offset = p->transport_offset = -1;
	memset(&p->anno, 0, sizeof p->anno);
}

static void note_use(struct cabo_pool *pool)
{
	uint32_t used = cabo_pool_in_use(pool);
	if (used > pool->high_water)
		pool->high_water = used;
}

/* Takes back the packets other threads freed.  Returns whether any came. */
static bool reclaim_remote(struct cabo_pool *pool)
{
	struct cabo_packet *p = atomic_exchange_explicit(&pool->remote_free, NULL,
							 memory_order_acquire);
	if (!p)
		return false;
	uint32_t n = 0;
	for (; p; p = p->next_free, n++)
		pool->free[pool->nfree++] = p;
	atomic_fetch_sub_explicit(&pool->remote_count, n, memory_order_relaxed);
	return true;
}

/* Takes up to n free descriptors into out, growing the pool while it may;
 * what the quota refuses counts as allocation failures.  Shared by
 * allocation and cloning, which then fill the descriptors in differently. */
static unsigned take_free(struct cabo_pool *pool, struct cabo_packet **out, unsigned n)
{
	unsigned got = 0;
	while (got < n) {
		if (!pool->nfree && !reclaim_remote(pool) && !grow(pool)) {
			pool->alloc_failures += n - got;
			break;
		}
		while (got < n && pool->nfree)
			out[got++] = pool->free[--pool->nfree];
	}
	note_use(pool);
	return got;
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

/* Descriptors freed by a thread that does not own their pool, collected
 * so that a batch goes back with one compare-and-swap. */
struct remote_chain {
	struct cabo_pool *pool;
	struct cabo_packet *head, *tail;
	uint32_t count;
};

static void flush_remote(struct remote_chain *rc)
{
	if (!rc->count)
		return;
	struct cabo_pool *pool = rc->pool;
	struct cabo_packet *head = atomic_load_explicit(&pool->remote_free, memory_order_relaxed);
	do
		rc->tail->next_free = head;
	while (!atomic_compare_exchange_weak_explicit(&pool->remote_free, &head, rc->head,
						      memory_order_release, memory_order_relaxed));
	atomic_fetch_add_explicit(&pool->remote_count, rc->count, memory_order_relaxed);
	rc->count = 0;
}

/* Returns a descriptor to its pool: onto the free stack when this thread
 * owns the pool, else onto the chain for the pool's remote list. */
static inline void put_free(struct cabo_packet *p, struct remote_chain *rc)
{
	struct cabo_pool *pool = p->pool;
	if (!pool->concurrent || pool->owner_thread == cabo_thread_index) {
		pool->free[pool->nfree++] = p;
		return;
	}
	if (rc->count && rc->pool != pool)
		flush_remote(rc);
	if (!rc->count) {
		rc->pool = pool;
		rc->tail = p;
	}
	p->next_free = rc->head;
	rc->head = p;
	rc->count++;
}

static void release_descriptor(struct cabo_packet *p, struct remote_chain *rc)
{
	if (p->external) {
		free(p->buffer);
		p->external = false;
	}
	put_free(p, rc);
}

/* Drops n references to owner's buffer; the owner's descriptor returns to its
 * pool with the last one. */
static void unref_owner(struct cabo_packet *owner, unsigned n, struct remote_chain *rc)
{
	unsigned refs = atomic_load_explicit(&owner->refs, memory_order_acquire);
	/* Holding every reference means nobody else can take one. */
	if (refs == n) {
		release_descriptor(owner, rc);
		return;
	}
	if (!owner->pool->concurrent)
		atomic_store_explicit(&owner->refs, refs - n, memory_order_relaxed);
	else if (atomic_fetch_sub_explicit(&owner->refs, n, memory_order_acq_rel) == n)
		release_descriptor(owner, rc);
}

void cabo_packet_free(struct cabo_packet *p)
{
	if (!p)
		return;
	struct remote_chain rc = { NULL, NULL, NULL, 0 };
	struct cabo_packet *owner = p->owner;
	if (owner != p)
		put_free(p, &rc);
	unref_owner(owner, 1, &rc);
	flush_remote(&rc);
}

void cabo_packet_free_batch(struct cabo_packet **pkts, unsigned n)
{
	struct remote_chain rc = { NULL, NULL, NULL, 0 };
	unsigned i = 0;
	while (i < n) {
		struct cabo_packet *owner = pkts[i]->owner;
		unsigned run = 0;
		/* Clones of one original usually travel together: one atomic
		 * update for the whole run. */
		for (; i < n && pkts[i]->owner == owner; i++, run++) {
			struct cabo_packet *p = pkts[i];
			if (p != owner)
				put_free(p, &rc);
		}
		unref_owner(owner, run, &rc);
	}
	flush_remote(&rc);
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

static struct cabo_packet *copy_with_headroom(struct cabo_packet *p, uint32_t headroom,
					      struct cabo_pool *pool)
{
	uint32_t tail = cabo_packet_tailroom(p);
	struct cabo_packet *c;
	if ((uint64_t)headroom + p->length + tail <= pool->buffer_size)
		c = cabo_packet_alloc(pool, 0);
	else
		c = cabo_packet_alloc_large(pool, p->length + headroom + tail);
	if (!c)
		return NULL;
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
	return c;
}

struct cabo_packet *cabo_packet_copy(struct cabo_packet *p)
{
	return copy_with_headroom(p, cabo_packet_headroom(p), p->pool);
}

unsigned cabo_packet_move_batch(struct cabo_pool *pool, struct cabo_packet **in,
				struct cabo_packet **out, unsigned n)
{
	struct cabo_packet *copied[CABO_MOVE_MAX];
	unsigned got = 0, ncopied = 0;
	for (unsigned i = 0; i < n; i++) {
		struct cabo_packet *p = in[i];
		if (p->pool == pool) {
			out[got++] = p;
			continue;
		}
		struct cabo_packet *c = copy_with_headroom(p, cabo_packet_headroom(p), pool);
		if (c)
			out[got++] = c;
		copied[ncopied++] = p;
		if (ncopied == CABO_MOVE_MAX) {
			cabo_packet_free_batch(copied, ncopied);
			ncopied = 0;
		}
	}
	/* The originals go back to their pool (another thread's, often) in
	 * one step. */
	cabo_packet_free_batch(copied, ncopied);
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

struct cabo_packet *cabo_packet_push(struct cabo_packet *p, uint32_t n)
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

/* Unit tests of core/packet.h: pools and quotas, clones and copy-on-write,
 * batch frees, data pointer arithmetic at the headroom/tailroom edges, and
 * large (malloc'd) packets.  Written against the header's contract; run under
 * the sanitizers, a buffer freed twice or leaked fails the run too. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "packet.h"

#include "check.h"

enum { HEADROOM = CABO_PACKET_HEADROOM, BUFSZ = CABO_PACKET_BUFFER_SIZE };

/* Fills p's data with a pattern that depends on `seed` and the offset. */
static void fill(struct cabo_packet *p, unsigned seed)
{
	for (uint32_t i = 0; i < p->length; i++)
		p->data[i] = (uint8_t)(seed + i * 7);
}

static bool has_pattern(const uint8_t *d, uint32_t n, unsigned seed)
{
	for (uint32_t i = 0; i < n; i++)
		if (d[i] != (uint8_t)(seed + i * 7))
			return false;
	return true;
}

/* Every free descriptor of this thread's arena is there once (a double
 * release would put one there twice): allocating them all back must give
 * as many distinct packets without growing the arena. */
static int compare_pointers(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;
	return x < y ? -1 : x > y;
}

static bool free_stack_unique(const struct cabo_pool *unused)
{
	(void)unused;
	uint32_t nfree = cabo_arena_free(), allocated = cabo_arena_allocated();
	struct cabo_pool *all = cabo_pool_new("all", nfree);
	struct cabo_packet **p = calloc(nfree + 1, sizeof *p);
	uint32_t got = 0;
	while (got < nfree && (p[got] = cabo_packet_alloc(all, 0)) != NULL)
		got++;
	bool unique = got == nfree && cabo_arena_allocated() == allocated;
	qsort(p, got, sizeof *p, compare_pointers);
	for (uint32_t i = 1; i < got; i++)
		unique = unique && p[i] != p[i - 1];
	for (uint32_t i = 0; i < got; i++)
		cabo_packet_free(p[i]);
	free(p);
	cabo_pool_destroy(all);
	return unique;
}

/* ---- Allocation and quota */

static void test_alloc_free(void)
{
	struct cabo_pool *pool = cabo_pool_new("t", 8);
	CHECK(pool != NULL);
	CHECK(cabo_pool_in_use(pool) == 0);

	struct cabo_packet *p = cabo_packet_alloc(pool, 100);
	CHECK(p != NULL);
	CHECK(p->length == 100);
	CHECK(p->pool == pool);
	CHECK(p->owner == p);
	CHECK(!cabo_packet_shared(p));
	CHECK(cabo_packet_headroom(p) == HEADROOM);
	CHECK(cabo_packet_tailroom(p) == BUFSZ - HEADROOM - 100);
	CHECK(cabo_packet_mac_header(p) == NULL);
	CHECK(cabo_packet_network_header(p) == NULL);
	CHECK(cabo_packet_transport_header(p) == NULL);
	CHECK(p->anno.paint == 0 && p->anno.timestamp_ns == 0 && p->anno.vnode == 0);
	CHECK(cabo_pool_in_use(pool) == 1);
	fill(p, 1);

	/* Annotations of a recycled descriptor start clean. */
	p->anno.paint = 9;
	p->anno.vnode = 3;
	cabo_packet_set_network_header(p, p->data + 14);
	cabo_packet_free(p);
	CHECK(cabo_pool_in_use(pool) == 0);
	p = cabo_packet_alloc(pool, 0);
	CHECK(p != NULL);
	CHECK(p->length == 0);
	CHECK(p->anno.paint == 0 && p->anno.vnode == 0);
	CHECK(cabo_packet_network_header(p) == NULL);
	cabo_packet_free(p);

	const char msg[] = "hello, packet";
	p = cabo_packet_make(pool, msg, sizeof msg);
	CHECK(p != NULL);
	CHECK(p->length == sizeof msg);
	CHECK(memcmp(p->data, msg, sizeof msg) == 0);
	cabo_packet_free(p);

	cabo_packet_free(NULL);   /* no-op */
	CHECK(cabo_pool_in_use(pool) == 0);
	CHECK(cabo_pool_destroy(pool) == 0);
}

static void test_quota(void)
{
	struct cabo_pool *pool = cabo_pool_new("quota", 3);
	struct cabo_packet *p[4];
	for (int i = 0; i < 3; i++) {
		p[i] = cabo_packet_alloc(pool, 60);
		CHECK(p[i] != NULL);
	}
	CHECK(p[0] != p[1] && p[1] != p[2] && p[0] != p[2]);
	CHECK(p[0]->data != p[1]->data && p[1]->data != p[2]->data);
	CHECK(cabo_pool_in_use(pool) == 3);
	CHECK(pool->alloc_failures == 0);

	/* Quota exhausted: NULL, counted, nothing else changes. */
	p[3] = cabo_packet_alloc(pool, 60);
	CHECK(p[3] == NULL);
	CHECK(pool->alloc_failures == 1);
	CHECK(cabo_packet_make(pool, "x", 1) == NULL);
	CHECK(pool->alloc_failures == 2);
	CHECK(cabo_pool_in_use(pool) == 3);
	CHECK(pool->high_water == 3);

	/* One freed, one available again. */
	cabo_packet_free(p[1]);
	p[1] = cabo_packet_alloc(pool, 60);
	CHECK(p[1] != NULL);
	CHECK(cabo_packet_alloc(pool, 60) == NULL);
	CHECK(pool->alloc_failures == 3);

	cabo_packet_free_batch(p, 3);
	CHECK(cabo_pool_in_use(pool) == 0);
	CHECK(pool->high_water == 3);
	CHECK(free_stack_unique(pool));

	/* Packets still in use at destroy are reported. */
	struct cabo_packet *leak = cabo_packet_alloc(pool, 10);
	CHECK(leak != NULL);
	CHECK(cabo_pool_destroy(pool) == 1);

	/* A pool with no quota allocates nothing. */
	pool = cabo_pool_new("empty", 0);
	CHECK(cabo_packet_alloc(pool, 1) == NULL);
	CHECK(pool->alloc_failures == 1);
	CHECK(cabo_pool_destroy(pool) == 0);
}

static void test_alloc_batch(void)
{
	struct cabo_pool *pool = cabo_pool_new("batch", 5);
	struct cabo_packet *p[8];
	CHECK(cabo_packet_alloc_batch(pool, 64, p, 3) == 3);
	/* Only 2 left of the quota: a partial batch, the shortfall counted. */
	CHECK(cabo_packet_alloc_batch(pool, 64, p + 3, 5) == 2);
	CHECK(pool->alloc_failures == 3);
	CHECK(cabo_pool_in_use(pool) == 5);
	for (int i = 0; i < 5; i++) {
		CHECK(p[i]->length == 64);
		CHECK(p[i]->owner == p[i]);
		for (int j = 0; j < i; j++)
			CHECK(p[i] != p[j]);
	}
	CHECK(cabo_packet_alloc_batch(pool, 64, p + 5, 1) == 0);
	cabo_packet_free_batch(p, 5);
	CHECK(cabo_pool_in_use(pool) == 0);
	CHECK(free_stack_unique(pool));
	CHECK(cabo_pool_destroy(pool) == 0);
}

/* The pool grows in chunks up to its quota, never past it. */
static void test_growth(void)
{
	enum { CAP = 2 * CABO_POOL_CHUNK + 10 };
	struct cabo_pool *pool = cabo_pool_new("grow", CAP);
	uint32_t arena_before = cabo_arena_allocated();
	struct cabo_packet **p = calloc(CAP + 1, sizeof *p);
	unsigned got = 0;
	while (got < CAP + 1 && (p[got] = cabo_packet_alloc(pool, 1500)) != NULL) {
		fill(p[got], got);
		got++;
	}
	CHECK(got == CAP);
	/* The arena grew by whole chunks, as little as the quota needed. */
	uint32_t grown = cabo_arena_allocated() - arena_before;
	CHECK(grown % CABO_POOL_CHUNK == 0 && grown < CAP + CABO_POOL_CHUNK);
	uint32_t arena_after = cabo_arena_allocated();
	CHECK(pool->alloc_failures == 1);
	/* Buffers do not overlap: every packet kept its own pattern. */
	unsigned intact = 0;
	for (unsigned i = 0; i < got; i++)
		intact += has_pattern(p[i]->data, 1500, i);
	CHECK(intact == CAP);
	for (unsigned i = 0; i < got; i += CABO_BATCH_MAX)
		cabo_packet_free_batch(p + i, got - i < CABO_BATCH_MAX ? got - i : CABO_BATCH_MAX);
	CHECK(cabo_pool_in_use(pool) == 0);
	CHECK(pool->high_water == CAP);
	/* Reuse does not allocate more descriptors. */
	struct cabo_packet *q = cabo_packet_alloc(pool, 10);
	CHECK(q != NULL);
	CHECK(cabo_arena_allocated() == arena_after);
	cabo_packet_free(q);
	free(p);
	CHECK(cabo_pool_destroy(pool) == 0);
}

/* ---- Clones and copy-on-write */

static void test_clone_shares(void)
{
	struct cabo_pool *pool = cabo_pool_new("clone", 8);
	struct cabo_packet *p = cabo_packet_alloc(pool, 200);
	fill(p, 5);
	p->anno.paint = 7;
	p->anno.dst.ip4 = 0x0100000a;
	cabo_packet_set_network_header(p, p->data + 14);
	CHECK(!cabo_packet_shared(p));

	struct cabo_packet *c = cabo_packet_clone(p);
	CHECK(c != NULL && c != p);
	CHECK(c->data == p->data);
	CHECK(c->buffer == p->buffer);
	CHECK(c->length == 200);
	CHECK(c->owner == p);
	CHECK(c->anno.paint == 7);
	CHECK(c->anno.dst.ip4 == 0x0100000a);
	CHECK(cabo_packet_network_header(c) == c->data + 14);
	CHECK(cabo_packet_shared(p));
	CHECK(cabo_packet_shared(c));
	/* A clone takes a descriptor from the pool. */
	CHECK(cabo_pool_in_use(pool) == 2);

	/* Annotations are per descriptor. */
	c->anno.paint = 1;
	CHECK(p->anno.paint == 7);

	/* A clone of a clone shares the same buffer. */
	struct cabo_packet *cc = cabo_packet_clone(c);
	CHECK(cc != NULL);
	CHECK(cc->data == p->data);
	CHECK(cc->anno.paint == 1);

	/* The original goes first; the clones still read the data, and a new
	 * packet does not get the shared buffer. */
	cabo_packet_free(p);
	struct cabo_packet *n = cabo_packet_alloc(pool, 200);
	CHECK(n != NULL);
	CHECK(n->buffer != c->buffer);
	fill(n, 99);
	CHECK(has_pattern(c->data, 200, 5));
	CHECK(cabo_packet_shared(c));
	cabo_packet_free(cc);
	/* The last clone holds the only reference; it is still a clone, so
	 * writing still has to copy (its owner descriptor is not its own). */
	CHECK(has_pattern(c->data, 200, 5));
	CHECK(cabo_packet_shared(c));
	cabo_packet_free(c);
	cabo_packet_free(n);
	CHECK(cabo_pool_in_use(pool) == 0);
	CHECK(free_stack_unique(pool));
	CHECK(cabo_pool_destroy(pool) == 0);
}

static void test_writable(void)
{
	struct cabo_pool *pool = cabo_pool_new("cow", 8);
	struct cabo_packet *p = cabo_packet_alloc(pool, 100);
	fill(p, 3);

	/* Not shared: writable is the packet itself, no copy. */
	uint8_t *data = p->data;
	CHECK(cabo_packet_writable(p) == p);
	CHECK(p->data == data);
	CHECK(cabo_pool_in_use(pool) == 1);

	/* Shared: writing the clone copies it, the original is untouched. */
	struct cabo_packet *c = cabo_packet_clone(p);
	c->anno.paint = 4;
	cabo_packet_set_transport_header(c, c->data + 34);
	struct cabo_packet *w = cabo_packet_writable(c);
	CHECK(w != NULL);
	CHECK(w->data != p->data);
	CHECK(w->length == 100);
	CHECK(has_pattern(w->data, 100, 3));
	CHECK(w->anno.paint == 4);
	CHECK(cabo_packet_transport_header(w) == w->data + 34);
	CHECK(cabo_packet_headroom(w) == cabo_packet_headroom(p));
	CHECK(!cabo_packet_shared(w));
	memset(w->data, 0xee, w->length);
	CHECK(has_pattern(p->data, 100, 3));
	/* The clone was released by the copy: the original is its own again. */
	CHECK(!cabo_packet_shared(p));
	CHECK(cabo_packet_writable(p) == p);
	CHECK(cabo_pool_in_use(pool) == 2);

	/* Shared the other way: writing the original while a clone lives. */
	c = cabo_packet_clone(p);
	struct cabo_packet *w2 = cabo_packet_writable(p);
	CHECK(w2 != NULL);
	CHECK(w2->data != c->data);
	memset(w2->data, 0x11, w2->length);
	CHECK(has_pattern(c->data, 100, 3));
	CHECK(!cabo_packet_shared(w2));
	struct cabo_packet *all[] = { w, w2, c };
	cabo_packet_free_batch(all, 3);
	CHECK(cabo_pool_in_use(pool) == 0);
	CHECK(free_stack_unique(pool));
	CHECK(cabo_pool_destroy(pool) == 0);
}

/* Copy-on-write with no buffer left: NULL, and the packet is freed. */
static void test_writable_exhausted(void)
{
	struct cabo_pool *pool = cabo_pool_new("cow-full", 2);
	struct cabo_packet *p = cabo_packet_alloc(pool, 50);
	fill(p, 8);
	struct cabo_packet *c = cabo_packet_clone(p);
	CHECK(c != NULL);
	CHECK(cabo_packet_clone(p) == NULL);     /* quota: clones count */
	CHECK(pool->alloc_failures == 1);
	CHECK(cabo_packet_writable(c) == NULL);  /* c is freed */
	CHECK(pool->alloc_failures == 2);
	CHECK(cabo_pool_in_use(pool) == 1);
	CHECK(!cabo_packet_shared(p));
	CHECK(has_pattern(p->data, 50, 8));
	cabo_packet_free(p);
	CHECK(cabo_pool_in_use(pool) == 0);
	CHECK(cabo_pool_destroy(pool) == 0);
}

static void test_clone_batch(void)
{
	struct cabo_pool *pool = cabo_pool_new("clones", 6);
	/* Packets earlier tests leaked on purpose stay out of the arena's stack. */
	uint32_t elsewhere = cabo_arena_allocated() - cabo_arena_free();
	struct cabo_packet *p = cabo_packet_alloc(pool, 80);
	fill(p, 2);
	struct cabo_packet *c[8];
	CHECK(cabo_packet_clone_batch(p, c, 3) == 3);
	for (int i = 0; i < 3; i++) {
		CHECK(c[i]->data == p->data);
		CHECK(c[i]->owner == p);
	}
	CHECK(cabo_pool_in_use(pool) == 4);
	/* Partial: 2 left under the quota. */
	CHECK(cabo_packet_clone_batch(p, c + 3, 4) == 2);
	CHECK(pool->alloc_failures == 2);
	CHECK(cabo_pool_in_use(pool) == 6);

	/* One batch free of originals and clones, interleaved: every buffer
	 * and descriptor comes back exactly once. */
	struct cabo_packet *all[] = { c[0], c[1], p, c[2], c[3], c[4] };
	cabo_packet_free_batch(all, 6);
	CHECK(cabo_pool_in_use(pool) == 0);
	CHECK(cabo_arena_allocated() - cabo_arena_free() == elsewhere);
	CHECK(free_stack_unique(pool));

	/* Runs from several originals mixed in one batch. */
	struct cabo_packet *a = cabo_packet_alloc(pool, 10);
	struct cabo_packet *b = cabo_packet_alloc(pool, 10);
	struct cabo_packet *ac = cabo_packet_clone(a);
	struct cabo_packet *bc[2];
	CHECK(cabo_packet_clone_batch(b, bc, 2) == 2);
	struct cabo_batch batch;
	cabo_batch_init(&batch);
	cabo_batch_add(&batch, bc[0]);
	cabo_batch_add(&batch, a);
	cabo_batch_add(&batch, bc[1]);
	cabo_batch_add(&batch, ac);
	cabo_batch_add(&batch, b);
	CHECK(cabo_pool_in_use(pool) == 5);
	cabo_batch_free(&batch);
	CHECK(batch.count == 0);
	CHECK(cabo_pool_in_use(pool) == 0);
	CHECK(free_stack_unique(pool));

	/* Clones freed first, then the original: the original is not shared
	 * any more once its clones are gone. */
	p = cabo_packet_alloc(pool, 10);
	CHECK(cabo_packet_clone_batch(p, c, 2) == 2);
	cabo_packet_free_batch(c, 2);
	CHECK(!cabo_packet_shared(p));
	CHECK(cabo_packet_writable(p) == p);
	cabo_packet_free(p);
	CHECK(cabo_pool_in_use(pool) == 0);
	CHECK(cabo_pool_destroy(pool) == 0);
}

static void test_copy(void)
{
	struct cabo_pool *pool = cabo_pool_new("copy", 4);
	struct cabo_packet *p = cabo_packet_alloc(pool, 300);
	fill(p, 11);
	p->anno.timestamp_ns = 123456789;
	p->anno.input_port = 2;
	cabo_packet_set_mac_header(p, p->data);
	cabo_packet_set_network_header(p, p->data + 14);
	cabo_packet_pull(p, 14);
	struct cabo_packet *c = cabo_packet_copy(p);
	CHECK(c != NULL);
	CHECK(c->buffer != p->buffer);
	CHECK(c->owner == c);
	CHECK(c->length == 286);
	CHECK(memcmp(c->data, p->data, 286) == 0);
	CHECK(c->anno.timestamp_ns == 123456789 && c->anno.input_port == 2);
	CHECK(cabo_packet_network_header(c) == c->data);
	CHECK(cabo_packet_mac_header(c) == c->data - 14);
	CHECK(!cabo_packet_shared(c) && !cabo_packet_shared(p));
	cabo_packet_free(p);
	cabo_packet_free(c);
	CHECK(cabo_pool_in_use(pool) == 0);
	CHECK(cabo_pool_destroy(pool) == 0);
}

/* ---- Data pointer arithmetic */

static void test_pull_take_unstrip(void)
{
	struct cabo_pool *pool = cabo_pool_new("ptr", 2);
	struct cabo_packet *p = cabo_packet_alloc(pool, 100);
	fill(p, 0);
	uint8_t *start = p->data;
	cabo_packet_set_network_header(p, start + 14);

	cabo_packet_pull(p, 14);
	CHECK(p->data == start + 14 && p->length == 86);
	CHECK(cabo_packet_headroom(p) == HEADROOM + 14);
	/* Header annotations do not move with the data pointer. */
	CHECK(cabo_packet_network_header(p) == start + 14);
	cabo_packet_unstrip(p, 14);
	CHECK(p->data == start && p->length == 100);
	CHECK(has_pattern(p->data, 100, 0));

	/* Unstrip is capped at the headroom. */
	cabo_packet_unstrip(p, HEADROOM + 1000);
	CHECK(cabo_packet_headroom(p) == 0);
	CHECK(p->length == 100 + HEADROOM);
	CHECK(p->data == p->buffer);
	cabo_packet_pull(p, HEADROOM);
	CHECK(p->data == start);

	/* Pull and take are capped at the length. */
	cabo_packet_take(p, 30);
	CHECK(p->length == 70);
	CHECK(cabo_packet_tailroom(p) == BUFSZ - HEADROOM - 70);
	cabo_packet_take(p, 1000);
	CHECK(p->length == 0);
	CHECK(p->data == start);
	p->length = 40;
	cabo_packet_pull(p, 41);
	CHECK(p->length == 0);
	CHECK(p->data == start + 40);
	cabo_packet_pull(p, 0);
	CHECK(p->data == start + 40);
	cabo_packet_free(p);
	CHECK(cabo_pool_destroy(pool) == 0);
}

static void test_push(void)
{
	struct cabo_pool *pool = cabo_pool_new("push", 4);
	struct cabo_packet *p = cabo_packet_alloc(pool, 100);
	fill(p, 4);
	uint8_t *start = p->data;

	/* Within the headroom: the data pointer moves back, same buffer. */
	p = cabo_packet_push(p, 14);
	CHECK(p != NULL);
	CHECK(p->data == start - 14 && p->length == 114);
	CHECK(has_pattern(p->data + 14, 100, 4));
	/* Exactly the rest of the headroom. */
	p = cabo_packet_push(p, HEADROOM - 14);
	CHECK(p != NULL);
	CHECK(cabo_packet_headroom(p) == 0);
	CHECK(p->length == 100 + HEADROOM);
	CHECK(has_pattern(p->data + HEADROOM, 100, 4));
	/* Past the headroom: the data moves to a buffer with room. */
	p = cabo_packet_push(p, 8);
	CHECK(p != NULL);
	CHECK(p->length == 108 + HEADROOM);
	CHECK(has_pattern(p->data + 8 + HEADROOM, 100, 4));
	CHECK(cabo_packet_headroom(p) + p->length + cabo_packet_tailroom(p) == p->buffer_size);
	CHECK(cabo_pool_in_use(pool) == 1);
	cabo_packet_free(p);

	/* Pushing a shared packet makes it private; the clone is untouched. */
	p = cabo_packet_alloc(pool, 60);
	fill(p, 6);
	struct cabo_packet *c = cabo_packet_clone(p);
	struct cabo_packet *q = cabo_packet_push(c, 4);
	CHECK(q != NULL);
	CHECK(!cabo_packet_shared(q));
	CHECK(q->length == 64);
	memset(q->data, 0, 4);
	CHECK(has_pattern(q->data + 4, 60, 6));
	CHECK(q->buffer != p->buffer);
	CHECK(p->length == 60 && has_pattern(p->data, 60, 6));
	CHECK(!cabo_packet_shared(p));
	cabo_packet_free(q);

	/* A push bigger than a pool buffer holds: the result is large. */
	p->length = BUFSZ - HEADROOM;
	fill(p, 7);
	q = cabo_packet_push(p, 1000);
	CHECK(q != NULL);
	CHECK(q->length == BUFSZ - HEADROOM + 1000);
	CHECK(has_pattern(q->data + 1000, BUFSZ - HEADROOM, 7));
	memset(q->data, 1, 1000);
	cabo_packet_free(q);
	CHECK(cabo_pool_in_use(pool) == 0);

	/* A full buffer and no buffer for the move: NULL, the packet freed. */
	struct cabo_packet *full[4];
	CHECK(cabo_packet_alloc_batch(pool, BUFSZ - HEADROOM, full, 4) == 4);
	CHECK(cabo_packet_push(full[0], HEADROOM + 1) == NULL);
	CHECK(cabo_pool_in_use(pool) == 3);
	cabo_packet_free_batch(full + 1, 3);
	CHECK(cabo_pool_in_use(pool) == 0);
	CHECK(cabo_pool_destroy(pool) == 0);
}

static void test_put(void)
{
	struct cabo_pool *pool = cabo_pool_new("put", 4);
	struct cabo_packet *p = cabo_packet_alloc(pool, 100);
	fill(p, 9);
	uint8_t *start = p->data;
	uint32_t tail = cabo_packet_tailroom(p);

	/* Within the tailroom: same buffer, length grows. */
	p = cabo_packet_put(p, 20);
	CHECK(p != NULL && p->data == start && p->length == 120);
	CHECK(has_pattern(p->data, 100, 9));
	CHECK(cabo_packet_tailroom(p) == tail - 20);
	/* Exactly the tailroom. */
	p = cabo_packet_put(p, tail - 20);
	CHECK(p != NULL && p->data == start);
	CHECK(cabo_packet_tailroom(p) == 0);
	/* Past the tailroom: data and headroom kept in a bigger buffer. */
	p = cabo_packet_put(p, 500);
	CHECK(p != NULL);
	CHECK(p->length == 100 + tail + 500);
	CHECK(has_pattern(p->data, 100, 9));
	CHECK(cabo_packet_headroom(p) >= HEADROOM);
	memset(p->data + 100, 0x5a, p->length - 100);
	CHECK(cabo_pool_in_use(pool) == 1);
	cabo_packet_free(p);

	/* Putting onto a shared packet makes it private. */
	p = cabo_packet_alloc(pool, 30);
	fill(p, 10);
	struct cabo_packet *c = cabo_packet_clone(p);
	struct cabo_packet *q = cabo_packet_put(c, 10);
	CHECK(q != NULL && q->buffer != p->buffer);
	CHECK(q->length == 40 && has_pattern(q->data, 30, 10));
	memset(q->data + 30, 0, 10);
	CHECK(p->length == 30 && has_pattern(p->data, 30, 10));
	cabo_packet_free(q);
	cabo_packet_free(p);
	CHECK(cabo_pool_in_use(pool) == 0);
	CHECK(cabo_pool_destroy(pool) == 0);
}

/* ---- Large packets */

static void test_alloc_large(void)
{
	struct cabo_pool *pool = cabo_pool_new("large", 4);

	/* Small enough for a pool buffer: an ordinary packet. */
	struct cabo_packet *p = cabo_packet_alloc_large(pool, 1000);
	CHECK(p != NULL);
	CHECK(p->length == 1000);
	CHECK(!p->external);
	cabo_packet_free(p);

	/* A jumbo frame: the whole length is writable, with headroom. */
	p = cabo_packet_alloc_large(pool, 9000);
	CHECK(p != NULL);
	CHECK(p->length == 9000);
	CHECK(p->external);
	CHECK(cabo_packet_headroom(p) >= HEADROOM);
	CHECK(cabo_packet_headroom(p) + p->length + cabo_packet_tailroom(p) == p->buffer_size);
	fill(p, 12);
	CHECK(cabo_pool_in_use(pool) == 1);
	p = cabo_packet_push(p, 14);
	CHECK(p != NULL && p->length == 9014);
	CHECK(has_pattern(p->data + 14, 9000, 12));

	/* Clones share the large buffer; it is released once, with the last. */
	struct cabo_packet *c[2];
	CHECK(cabo_packet_clone_batch(p, c, 2) == 2);
	CHECK(c[0]->data == p->data && c[1]->data == p->data);
	cabo_packet_free(p);
	CHECK(has_pattern(c[0]->data + 14, 9000, 12));
	struct cabo_packet *w = cabo_packet_writable(c[1]);
	CHECK(w != NULL && w->data != c[0]->data && w->length == 9014);
	CHECK(has_pattern(w->data + 14, 9000, 12));
	memset(w->data, 0, w->length);
	CHECK(has_pattern(c[0]->data + 14, 9000, 12));
	struct cabo_packet *all[] = { c[0], w };
	cabo_packet_free_batch(all, 2);
	CHECK(cabo_pool_in_use(pool) == 0);

	/* A recycled descriptor is an ordinary pooled packet again. */
	struct cabo_packet *q[4];
	CHECK(cabo_packet_alloc_batch(pool, 100, q, 4) == 4);
	for (int i = 0; i < 4; i++) {
		CHECK(!q[i]->external);
		CHECK(q[i]->buffer_size == BUFSZ);
		CHECK(cabo_packet_tailroom(q[i]) == BUFSZ - HEADROOM - 100);
	}
	/* Quota still applies to large packets. */
	CHECK(cabo_packet_alloc_large(pool, 9000) == NULL);
	cabo_packet_free_batch(q, 4);
	CHECK(cabo_pool_in_use(pool) == 0);
	CHECK(free_stack_unique(pool));
	CHECK(cabo_pool_destroy(pool) == 0);
}

/* Pools are quotas over one thread's memory: what one pipeline frees, the
 * next one reuses (the same descriptors, no growth), while each pool's
 * quota holds on its own. */
static void test_pools_share_arena(void)
{
	enum { N = 32 };
	struct cabo_pool *a = cabo_pool_new("a", N), *b = cabo_pool_new("b", N / 2);
	struct cabo_packet *pa[N], *pb[N];
	CHECK(cabo_packet_alloc_batch(a, 64, pa, N) == N);
	uint32_t allocated = cabo_arena_allocated();
	struct cabo_packet *first = pa[N - 1];
	cabo_packet_free_batch(pa, N);
	CHECK(cabo_packet_alloc_batch(b, 64, pb, N) == N / 2);
	CHECK(cabo_arena_allocated() == allocated);
	CHECK(pb[0] == first);   /* the last freed comes back first, still in cache */
	CHECK(pb[0]->pool == b);
	CHECK(b->alloc_failures == N / 2);
	CHECK(cabo_pool_in_use(a) == 0 && cabo_pool_in_use(b) == N / 2);
	/* a's whole quota is still a's, whatever b holds. */
	CHECK(cabo_packet_alloc_batch(a, 64, pa, N) == N);
	cabo_packet_free_batch(pa, N);
	cabo_packet_free_batch(pb, N / 2);
	CHECK(cabo_pool_destroy(a) == 0);
	CHECK(cabo_pool_destroy(b) == 0);
}

/* ---- Crossing pools */

/* A packet nobody shares changes quota and keeps its descriptor; a shared
 * one is copied; what the new quota cannot hold is freed and counted. */
static void test_move_rehomes(void)
{
	struct cabo_pool *from = cabo_pool_new("from", 8), *to = cabo_pool_new("to", 4);
	struct cabo_packet *p[4], *in[3], *out[3];
	CHECK(cabo_packet_alloc_batch(from, 60, p, 4) == 4);
	for (unsigned i = 0; i < 4; i++)
		fill(p[i], i);
	struct cabo_packet *clone = cabo_packet_clone(p[1]);
	CHECK(clone != NULL);
	in[0] = p[0];
	in[1] = clone;   /* shares p[1]'s buffer, which stays with `from` */
	in[2] = p[2];
	CHECK(cabo_packet_move_batch(to, in, out, 3) == 3);
	CHECK(out[0] == p[0] && out[0]->pool == to && has_pattern(out[0]->data, 60, 0));
	CHECK(out[1] != clone && out[1]->pool == to && !cabo_packet_shared(out[1]));
	CHECK(has_pattern(out[1]->data, 60, 1));
	CHECK(out[2] == p[2] && out[2]->pool == to && has_pattern(out[2]->data, 60, 2));
	CHECK(!cabo_packet_shared(p[1]));   /* the clone was freed */
	CHECK(cabo_pool_in_use(to) == 3 && cabo_pool_in_use(from) == 2);
	/* `to` has room for one more. */
	struct cabo_packet *last, *extra = cabo_packet_alloc(from, 60), *refused = NULL;
	CHECK(cabo_packet_move_batch(to, &p[3], &last, 1) == 1 && last == p[3]);
	CHECK(cabo_packet_move_batch(to, &extra, &refused, 1) == 0 && refused == NULL);
	CHECK(to->alloc_failures == 1);
	CHECK(cabo_pool_in_use(to) == 4 && cabo_pool_in_use(from) == 1);
	cabo_packet_free_batch(out, 3);
	cabo_packet_free(last);
	cabo_packet_free(p[1]);
	CHECK(cabo_pool_destroy(from) == 0);
	CHECK(cabo_pool_destroy(to) == 0);
}

/* ---- Frees from another thread */

struct freer {
	struct cabo_packet **pkts;
	unsigned n;
};

static void *free_elsewhere(void *arg)
{
	struct freer *f = arg;
	cabo_packet_free_batch(f->pkts, f->n / 2);
	for (unsigned i = f->n / 2; i < f->n; i++)
		cabo_packet_free(f->pkts[i]);
	return NULL;
}

/* Descriptors another thread frees come home, every one once, in bundles
 * larger than one buffer can list: allocating them all again must not grow
 * the arena. */
static void test_remote_free(void)
{
	enum { N = 1300 };
	/* Hold what is free now, so taking N back must reach the returns. */
	uint32_t held = cabo_arena_free();
	struct cabo_pool *holder = cabo_pool_new("holder", held);
	struct cabo_packet **hold = calloc(held + 1, sizeof *hold);
	CHECK(cabo_packet_alloc_batch(holder, 0, hold, held) == held);
	struct cabo_pool *pool = cabo_pool_new("remote", 2 * N);
	pool->concurrent = true;
	struct cabo_packet **p = calloc(2 * N, sizeof *p);
	CHECK(cabo_packet_alloc_batch(pool, 64, p, N) == N);
	uint32_t allocated = cabo_arena_allocated();
	uint32_t nfree = cabo_arena_free();
	struct freer f = { p, N };
	pthread_t t;
	CHECK(pthread_create(&t, NULL, free_elsewhere, &f) == 0);
	pthread_join(t, NULL);
	CHECK(cabo_pool_in_use(pool) == 0);
	CHECK(cabo_arena_free() == nfree);   /* not back until the stack runs dry */
	/* All of them, and the arena's other free ones, without growing. */
	uint32_t total = nfree + N;
	CHECK(cabo_packet_alloc_batch(pool, 64, p, total) == total);
	CHECK(cabo_arena_allocated() == allocated);
	qsort(p, total, sizeof *p, compare_pointers);
	bool unique = true;
	for (unsigned i = 1; i < total; i++)
		unique = unique && p[i] != p[i - 1];
	CHECK(unique);
	cabo_packet_free_batch(p, total);
	cabo_packet_free_batch(hold, held);
	CHECK(free_stack_unique(pool));
	free(p);
	free(hold);
	CHECK(cabo_pool_destroy(pool) == 0);
	CHECK(cabo_pool_destroy(holder) == 0);
}

int main(void)
{
	test_alloc_free();
	test_quota();
	test_alloc_batch();
	test_growth();
	test_clone_shares();
	test_writable();
	test_writable_exhausted();
	test_clone_batch();
	test_copy();
	test_pull_take_unstrip();
	test_push();
	test_put();
	test_alloc_large();
	test_pools_share_arena();
	test_move_rehomes();
	test_remote_free();
	return check_result();
}

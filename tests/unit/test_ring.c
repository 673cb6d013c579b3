/* Unit tests of core/ring.h and the waker protocol of core/channel.h:
 * capacity rounding and the full/empty edges, index wrap-around at 2^32,
 * partial enqueues, and two threads streaming sequence numbers through
 * rings of several sizes (nothing lost, duplicated or reordered), then a
 * consumer that sleeps whenever its channel is empty and must always be
 * woken (no lost wake-up).  The ring never dereferences what it carries, so
 * the "packets" are sequence numbers cast to pointers; every ring is empty
 * before cabo_ring_destroy (which would free real packets). */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "channel.h"
#include "element.h"
#include "master.h"
#include "ring.h"
#include "router.h"

#include "check.h"

static struct cabo_packet *token(uint64_t n)
{
	return (struct cabo_packet *)(uintptr_t)n;
}

static uint64_t value(const struct cabo_packet *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void test_capacity(void)
{
	static const struct { uint32_t asked, got; } cases[] = {
		{ 0, 2 }, { 1, 2 }, { 2, 2 }, { 3, 4 }, { 4, 4 }, { 5, 8 },
		{ 1023, 1024 }, { 1024, 1024 }, { 1025, 2048 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct cabo_ring r;
		cabo_ring_init(&r, cases[i].asked);
		CHECK(cabo_ring_capacity(&r) == cases[i].got);
		CHECK(cabo_ring_count(&r) == 0);
		cabo_ring_destroy(&r);
	}
}

/* Fills a ring to the brim, overfills it, empties it, underflows it. */
static void test_full_empty(void)
{
	struct cabo_ring r;
	cabo_ring_init(&r, 8);
	struct cabo_packet *in[16], *out[16];
	for (unsigned i = 0; i < 16; i++)
		in[i] = token(i + 1);

	CHECK(cabo_ring_dequeue(&r, out, 16) == 0);
	CHECK(cabo_ring_enqueue(&r, in, 0) == 0);
	CHECK(cabo_ring_enqueue(&r, in, 5) == 5);
	CHECK(cabo_ring_count(&r) == 5);
	/* Only 3 more fit: a partial enqueue takes the first ones. */
	CHECK(cabo_ring_enqueue(&r, in + 5, 10) == 3);
	CHECK(cabo_ring_count(&r) == 8);
	CHECK(cabo_ring_enqueue(&r, in + 8, 1) == 0);
	CHECK(cabo_ring_count(&r) == 8);

	CHECK(cabo_ring_dequeue(&r, out, 0) == 0);
	CHECK(cabo_ring_dequeue(&r, out, 3) == 3);
	CHECK(value(out[0]) == 1 && value(out[1]) == 2 && value(out[2]) == 3);
	CHECK(cabo_ring_count(&r) == 5);
	/* Room again: these go in after slot wrap-around. */
	CHECK(cabo_ring_enqueue(&r, in + 8, 4) == 3);
	CHECK(cabo_ring_count(&r) == 8);
	unsigned n = cabo_ring_dequeue(&r, out, 16);
	CHECK(n == 8);
	for (unsigned i = 0; i < n; i++)
		CHECK(value(out[i]) == i + 4);
	CHECK(cabo_ring_dequeue(&r, out, 16) == 0);
	CHECK(cabo_ring_count(&r) == 0);
	cabo_ring_destroy(&r);
}

/* The smallest ring (capacity 2) alternating one in, one out. */
static void test_tiny(void)
{
	struct cabo_ring r;
	cabo_ring_init(&r, 1);
	struct cabo_packet *p = NULL, *q[3] = { token(7), token(8), token(9) };
	CHECK(cabo_ring_enqueue(&r, q, 3) == 2);
	CHECK(cabo_ring_enqueue(&r, q + 2, 1) == 0);
	for (uint64_t i = 0; i < 1000; i++) {
		struct cabo_packet *t = token(100 + i);
		CHECK(cabo_ring_dequeue(&r, &p, 1) == 1);
		CHECK(value(p) == (i < 2 ? 7 + i : 100 + i - 2));
		CHECK(cabo_ring_enqueue(&r, &t, 1) == 1);
	}
	struct cabo_packet *out[4];
	CHECK(cabo_ring_dequeue(&r, out, 4) == 2);
	CHECK(value(out[0]) == 1098 && value(out[1]) == 1099);
	cabo_ring_destroy(&r);
}

/* Head and tail are free-running 32-bit counters: start them just below
 * 2^32 and stream through the wrap. */
static void test_index_wrap(void)
{
	struct cabo_ring r;
	cabo_ring_init(&r, 8);
	uint32_t start = UINT32_MAX - 5;
	atomic_store(&r.head, start);
	atomic_store(&r.tail, start);
	r.cached_head = r.cached_tail = start;
	uint64_t next_in = 1, next_out = 1;
	bool ok = true;
	for (unsigned round = 0; round < 20; round++) {
		struct cabo_packet *in[8], *out[8];
		unsigned want = 1 + round % 8;
		for (unsigned i = 0; i < want; i++)
			in[i] = token(next_in + i);
		unsigned put = cabo_ring_enqueue(&r, in, want);
		next_in += put;
		ok &= cabo_ring_count(&r) == next_in - next_out;
		unsigned got = cabo_ring_dequeue(&r, out, 1 + (round * 3) % 8);
		for (unsigned i = 0; i < got; i++)
			ok &= value(out[i]) == next_out++;
		ok &= cabo_ring_count(&r) <= 8;
	}
	CHECK(ok);
	CHECK(atomic_load(&r.head) < start); /* it did wrap */
	struct cabo_packet *rest[8];
	unsigned got = cabo_ring_dequeue(&r, rest, 8);
	for (unsigned i = 0; i < got; i++)
		CHECK(value(rest[i]) == next_out++);
	CHECK(next_out == next_in);
	cabo_ring_destroy(&r);
}

/* ---- Two threads */

enum { STREAM = 1000000 };

struct stream {
	struct cabo_ring ring;
	uint64_t n;
	unsigned seed;
	/* consumer's findings */
	uint64_t received, errors, over_capacity;
};

static unsigned next_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

static void *producer(void *arg)
{
	struct stream *s = arg;
	unsigned seed = s->seed;
	uint64_t next = 1;
	struct cabo_packet *batch[37];
	while (next <= s->n) {
		unsigned want = 1 + next_rand(&seed) % 37;
		if (want > s->n - next + 1)
			want = (unsigned)(s->n - next + 1);
		for (unsigned i = 0; i < want; i++)
			batch[i] = token(next + i);
		unsigned put = cabo_ring_enqueue(&s->ring, batch, want);
		next += put;
		if (put < want)
			sched_yield();
	}
	return NULL;
}

static void *consumer(void *arg)
{
	struct stream *s = arg;
	unsigned seed = s->seed * 7 + 1;
	uint64_t expect = 1;
	struct cabo_packet *batch[41];
	while (expect <= s->n) {
		unsigned got = cabo_ring_dequeue(&s->ring, batch, 1 + next_rand(&seed) % 41);
		if (cabo_ring_count(&s->ring) > cabo_ring_capacity(&s->ring))
			s->over_capacity++;
		for (unsigned i = 0; i < got; i++) {
			if (value(batch[i]) != expect)
				s->errors++;
			expect = value(batch[i]) + 1;
		}
		s->received += got;
		if (!got)
			sched_yield();
	}
	return NULL;
}

static void test_two_threads(uint32_t capacity, uint64_t n)
{
	struct stream s;
	memset(&s, 0, sizeof s);
	cabo_ring_init(&s.ring, capacity);
	s.n = n;
	s.seed = capacity;
	pthread_t p, c;
	CHECK(pthread_create(&c, NULL, consumer, &s) == 0);
	CHECK(pthread_create(&p, NULL, producer, &s) == 0);
	pthread_join(p, NULL);
	pthread_join(c, NULL);
	CHECK(s.received == n);
	CHECK(s.errors == 0);
	CHECK(s.over_capacity == 0);
	CHECK(cabo_ring_count(&s.ring) == 0);
	cabo_ring_destroy(&s.ring);
}

/* ---- Sleeping consumer: the producer's send must wake it.
 * cabo_channel_send wakes through cabo_task_wake; with a one-thread master
 * and a router that is not attached that only marks the task scheduled,
 * so the test watches the waker's `asleep` flag instead. */

struct sleepy {
	struct cabo_channel ch;
	struct cabo_waker waker;
	uint64_t n;
	_Atomic bool producer_done;
	uint64_t received, errors, sleeps, lost_wakeups;
};

static void *sleepy_producer(void *arg)
{
	struct sleepy *s = arg;
	/* Another worker than the consumer's (thread 0): a send from the
	 * consumer's own thread takes no fence, it cannot race a sleep. */
	cabo_thread_index = 1;
	unsigned seed = 99;
	uint64_t next = 1;
	struct cabo_packet *batch[8];
	while (next <= s->n) {
		unsigned want = 1 + next_rand(&seed) % 8;
		if (want > s->n - next + 1)
			want = (unsigned)(s->n - next + 1);
		for (unsigned i = 0; i < want; i++)
			batch[i] = token(next + i);
		unsigned put = cabo_channel_send(&s->ch, batch, want);
		next += put;
		/* Pauses now and then, so the consumer often finds the
		 * channel empty and goes to sleep. */
		if (put < want || next_rand(&seed) % 4 == 0)
			sched_yield();
	}
	atomic_store(&s->producer_done, true);
	return NULL;
}

static void *sleepy_consumer(void *arg)
{
	struct sleepy *s = arg;
	uint64_t expect = 1;
	struct cabo_packet *batch[16];
	while (expect <= s->n) {
		unsigned got = cabo_channel_receive(&s->ch, batch, 16);
		for (unsigned i = 0; i < got; i++) {
			if (value(batch[i]) != expect)
				s->errors++;
			expect = value(batch[i]) + 1;
		}
		s->received += got;
		if (got)
			continue;
		if (!cabo_waker_sleep(&s->waker, &s->ch, 1))
			continue; /* packets arrived meanwhile */
		s->sleeps++;
		/* Asleep: only a send may wake us.  If the producer has
		 * finished, the channel holds packets and nobody woke us,
		 * the wake-up was lost. */
		while (atomic_load(&s->waker.asleep)) {
			if (atomic_load(&s->producer_done) && atomic_load(&s->waker.asleep) &&
			    cabo_ring_count(&s->ch.ring) > 0) {
				s->lost_wakeups++;
				atomic_store(&s->waker.asleep, false);
				break;
			}
			sched_yield();
		}
	}
	return NULL;
}

static void test_waker(void)
{
	struct cabo_master m;
	struct cabo_router r;
	struct cabo_element e;
	struct cabo_task t;
	memset(&m, 0, sizeof m);
	memset(&r, 0, sizeof r);
	memset(&e, 0, sizeof e);
	memset(&t, 0, sizeof t);
	m.nthreads = 1;
	r.master = &m;
	e.router = &r;
	t.element = &e;

	struct sleepy s;
	memset(&s, 0, sizeof s);
	s.n = 200000;
	cabo_channel_init(&s.ch, 16);
	s.waker.task = &t;
	atomic_store(&s.waker.asleep, false);
	s.ch.waker = &s.waker;

	/* Single-threaded first: sleeping on a non-empty channel refuses,
	 * a send to a sleeping consumer wakes it. */
	struct cabo_packet *one = token(1), *got[2];
	CHECK(cabo_waker_sleep(&s.waker, &s.ch, 1));
	CHECK(atomic_load(&s.waker.asleep));
	CHECK(cabo_channel_send(&s.ch, &one, 1) == 1);
	CHECK(!atomic_load(&s.waker.asleep));
	CHECK(t.scheduled);
	CHECK(s.ch.high_water == 1);
	CHECK(!cabo_waker_sleep(&s.waker, &s.ch, 1));
	CHECK(!atomic_load(&s.waker.asleep));
	CHECK(cabo_channel_receive(&s.ch, got, 2) == 1 && value(got[0]) == 1);

	pthread_t p, c;
	CHECK(pthread_create(&c, NULL, sleepy_consumer, &s) == 0);
	CHECK(pthread_create(&p, NULL, sleepy_producer, &s) == 0);
	pthread_join(p, NULL);
	pthread_join(c, NULL);
	CHECK(s.received == s.n);
	CHECK(s.errors == 0);
	CHECK(s.lost_wakeups == 0);
	CHECK(s.sleeps > 0);     /* the protocol was exercised */
	CHECK(s.ch.high_water <= 16);
	fprintf(stderr, "waker: %llu sleeps over %llu packets\n", (unsigned long long)s.sleeps,
		(unsigned long long)s.n);
	cabo_channel_destroy(&s.ch);
}

int main(void)
{
	test_capacity();
	test_full_empty();
	test_tiny();
	test_index_wrap();
	test_two_threads(2, STREAM / 4);
	test_two_threads(64, STREAM);
	test_two_threads(1024, STREAM);
	test_waker();
	return check_result();
}

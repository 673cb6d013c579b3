/* A single-producer, single-consumer ring of packet pointers: how packets
 * cross from one worker thread to another without a lock.  The producer owns
 * `head`, the consumer owns `tail`; each keeps a cached copy of the other's
 * index so a batch costs one shared-cache-line read, not one per packet. */
#ifndef CABO_RING_H
#define CABO_RING_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>

struct cabo_packet;

struct cabo_ring {
	alignas(64) _Atomic uint32_t head;   /* next slot the producer fills */
	uint32_t cached_tail;
	alignas(64) _Atomic uint32_t tail;   /* next slot the consumer empties */
	uint32_t cached_head;
	alignas(64) uint32_t mask;
	struct cabo_packet **slots;
};

/* capacity is rounded up to a power of two (at least 2). */
void cabo_ring_init(struct cabo_ring *r, uint32_t capacity);
void cabo_ring_destroy(struct cabo_ring *r);

static inline uint32_t cabo_ring_capacity(const struct cabo_ring *r)
{
	return r->mask + 1;
}

/* Producer: stores up to n packets; returns how many fit. */
static inline unsigned cabo_ring_enqueue(struct cabo_ring *r, struct cabo_packet *const *pkts,
					 unsigned n)
{
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint32_t room = cabo_ring_capacity(r) - (head - r->cached_tail);
	if (room < n) {
		r->cached_tail = atomic_load_explicit(&r->tail, memory_order_acquire);
		room = cabo_ring_capacity(r) - (head - r->cached_tail);
	}
	if (n > room)
		n = room;
	for (unsigned i = 0; i < n; i++)
		r->slots[(head + i) & r->mask] = pkts[i];
	atomic_store_explicit(&r->head, head + n, memory_order_release);
	return n;
}

/* Consumer: takes up to max packets; returns how many. */
static inline unsigned cabo_ring_dequeue(struct cabo_ring *r, struct cabo_packet **out,
					 unsigned max)
{
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint32_t avail = r->cached_head - tail;
	if (avail < max) {
		r->cached_head = atomic_load_explicit(&r->head, memory_order_acquire);
		avail = r->cached_head - tail;
	}
	if (max > avail)
		max = avail;
	for (unsigned i = 0; i < max; i++)
		out[i] = r->slots[(tail + i) & r->mask];
	atomic_store_explicit(&r->tail, tail + max, memory_order_release);
	return max;
}

/* Either side: packets waiting (exact for the caller's own side). */
static inline uint32_t cabo_ring_count(struct cabo_ring *r)
{
	return atomic_load_explicit(&r->head, memory_order_acquire) -
	       atomic_load_explicit(&r->tail, memory_order_acquire);
}

#endif

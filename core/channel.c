/* Channels: rings with a sleeping consumer. */
#include "channel.h"

#include <stddef.h>

#include "packet.h"

_Thread_local bool cabo_channel_pressure;

void cabo_channel_init(struct cabo_channel *c, uint32_t capacity)
{
	cabo_ring_init(&c->ring, capacity);
	c->waker = NULL;
	c->high_water = 0;
}

void cabo_channel_destroy(struct cabo_channel *c)
{
	cabo_ring_destroy(&c->ring);
}

unsigned cabo_channel_send(struct cabo_channel *c, struct cabo_packet *const *pkts, unsigned n)
{
	unsigned sent = cabo_ring_enqueue(&c->ring, pkts, n);
	uint32_t waiting = cabo_ring_count(&c->ring);
	if (waiting >= cabo_ring_capacity(&c->ring) / 4)
		cabo_channel_pressure = true;
	if (waiting > c->high_water)
		c->high_water = waiting;
	struct cabo_waker *w = c->waker;
	if (!sent || !w)
		return sent;
	if (w->task->home_thread == cabo_thread_index) {
		/* The consumer runs on this thread, so it is not halfway into
		 * falling asleep: no fence needed. */
		if (atomic_load_explicit(&w->asleep, memory_order_relaxed)) {
			atomic_store_explicit(&w->asleep, false, memory_order_relaxed);
			cabo_task_schedule(w->task);
		}
		return sent;
	}
	if (!atomic_load_explicit(&w->remote_producers, memory_order_relaxed))
		atomic_store_explicit(&w->remote_producers, true, memory_order_relaxed);
	/* Pairs with the fence in cabo_waker_sleep: either the consumer sees
	 * the packets, or this sees it asleep. */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&w->asleep, memory_order_relaxed) &&
	    atomic_exchange_explicit(&w->asleep, false, memory_order_acq_rel))
		cabo_task_wake(w->task);
	return sent;
}

bool cabo_waker_sleep(struct cabo_waker *w, struct cabo_channel *channels, unsigned n)
{
	atomic_store_explicit(&w->asleep, true, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	for (unsigned i = 0; i < n; i++) {
		if (cabo_ring_count(&channels[i].ring)) {
			atomic_store_explicit(&w->asleep, false, memory_order_relaxed);
			return false;
		}
	}
	return true;
}

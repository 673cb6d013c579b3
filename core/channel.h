/* Channels carry packets between pipelines (a virtual node and its host),
 * possibly running on different worker threads: a lock-free ring plus a
 * consumer task that sleeps while its rings are empty and is woken by the
 * producer, across threads if need be. */
#ifndef CABO_CHANNEL_H
#define CABO_CHANNEL_H

#include <stdbool.h>

#include "ring.h"
#include "task.h"

/* The consumer side: one task may read several channels. */
struct cabo_waker {
	_Atomic bool asleep;
	_Atomic bool remote_producers;   /* a producer on another thread has sent */
	struct cabo_task *task;
};

struct cabo_channel {
	struct cabo_ring ring;
	struct cabo_waker *waker;   /* NULL until the consumer exists */
	uint32_t high_water;        /* most packets seen waiting (producer side) */
};

/* Set by cabo_channel_send when a channel is a quarter full: the consumer
 * should run before more comes, so the producing task's time slice ends. */
extern _Thread_local bool cabo_channel_pressure;

void cabo_channel_init(struct cabo_channel *c, uint32_t capacity);
/* Frees packets still queued. */
void cabo_channel_destroy(struct cabo_channel *c);

/* Producer: queues up to n packets and wakes the consumer if it sleeps.
 * Returns how many were queued; the caller owns (drops) the rest. */
unsigned cabo_channel_send(struct cabo_channel *c, struct cabo_packet *const *pkts, unsigned n);

static inline unsigned cabo_channel_receive(struct cabo_channel *c, struct cabo_packet **out,
					    unsigned max)
{
	return cabo_ring_dequeue(&c->ring, out, max);
}

/* Consumer, after finding its channels empty: marks it asleep and returns
 * true when it may unschedule its task, or false when packets arrived
 * meanwhile (it stays awake).  No wake-up can be lost between the two. */
bool cabo_waker_sleep(struct cabo_waker *w, struct cabo_channel *channels, unsigned n);

/* Fewer packets than this from each ring in a run: the rings see a
 * trickle, not a stream. */
enum { CABO_TRICKLE = 8 };

/* Whether a consumer should try to sleep after a run that found work or
 * not (`worked`) and found only a trickle or not (`trickle`).  A trickle of
 * packets would cost two task runs each, one finding them, one finding
 * nothing, so the consumer sleeps at once, when its producers are on its
 * own thread and a wake-up costs little; a stream keeps it awake. */
static inline bool cabo_waker_should_sleep(struct cabo_waker *w, bool worked, bool trickle)
{
	return !worked
	       || (trickle && !atomic_load_explicit(&w->remote_producers, memory_order_relaxed));
}

#endif

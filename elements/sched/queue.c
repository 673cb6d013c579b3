/*
 * =c
 * SimpleQueue([CAPACITY])
 * =s
 * stores packets in a FIFO queue
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * push input, pull output 0, push output 1
 * =d
 * Stores packets pushed to its input in a first-in-first-out queue and hands
 * them out, oldest first, when output 0 is pulled.  CAPACITY is the most
 * packets the queue holds (default 1000); packets that arrive while the queue
 * is full are dropped (counted by the "drops" handler and under the drop
 * reason "queue full"), or emitted on output 1 when that output is connected.
 *
 * Packets arrive and leave in batches: a pushed batch is copied into the ring
 * of packet pointers in one step, and a pull takes as many packets as asked
 * for in one step.
 *
 * SimpleQueue offers no notification: a task that pulls from it (Unqueue)
 * keeps polling.  Use Queue when the puller should sleep while the queue is
 * empty.
 * =k CAPACITY
 * Most packets the queue holds; an unsigned integer, default 1000.  Setting
 * it to 0 makes a queue that drops everything.
 * =h length read
 * Returns the number of packets in the queue.
 * =h highwater_length read
 * Returns the most packets the queue has held at once.
 * =h capacity read/write
 * Returns or sets the capacity.  A new capacity keeps the packets already
 * queued, oldest first; when it is smaller than the current length the
 * newest packets beyond it are dropped (reason "capacity reduced", not
 * counted in "drops").
 * =h drops read
 * Returns the number of packets that arrived while the queue was full.
 * =h reset_counts write
 * Resets "drops" to 0 and "highwater_length" to the current length.
 * =h reset write
 * Empties the queue: its packets are emitted on output 1 if that output is
 * connected, and dropped (reason "queue reset") otherwise.  Counters are kept.
 * =e
 *   FromDump(in.pcap, STOP true) -> q :: SimpleQueue(500)
 *     -> Unqueue(BURST 32) -> ToDump(out.pcap);
 * =a
 * Queue, Unqueue, RoundRobinSched, PrioSched
 *
 * =c
 * Queue([CAPACITY])
 * =s
 * stores packets in a FIFO queue, notifying its puller
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * push input, pull output 0, push output 1
 * =d
 * Behaves exactly like SimpleQueue (same keyword, handlers and drop
 * behaviour) and in addition keeps an empty notifier: it turns active when a
 * packet arrives at an empty queue, waking the tasks that listen to it
 * (Unqueue and other pull-to-push converters downstream, possibly through
 * schedulers such as RoundRobinSched), and inactive after several pulls in a
 * row have found the queue empty, so that those tasks can sleep instead of
 * polling.  Waiting for a few failed pulls before going to sleep avoids
 * thrashing for queues that hover around empty.
 * =k CAPACITY
 * Most packets the queue holds; an unsigned integer, default 1000.
 * =h length read
 * Returns the number of packets in the queue.
 * =h highwater_length read
 * Returns the most packets the queue has held at once.
 * =h capacity read/write
 * Returns or sets the capacity, keeping the queued packets as SimpleQueue does.
 * =h drops read
 * Returns the number of packets that arrived while the queue was full.
 * =h reset_counts write
 * Resets "drops" to 0 and "highwater_length" to the current length.
 * =h reset write
 * Empties the queue, as SimpleQueue's "reset" does.
 * =e
 *   FromDump(in.pcap, STOP true) -> q :: Queue(1000)
 *     -> Unqueue(BURST 32) -> Discard;
 * =a
 * SimpleQueue, Unqueue, RoundRobinSched, PrioSched
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "task.h"

enum {
	QUEUE_DEFAULT_CAPACITY = 1000,
	/* A ring of pointers this long is half a gigabyte: anything larger is a
	 * typo, not a queue. */
	QUEUE_MAX_CAPACITY = 1u << 26,
	/* Failed pulls in a row before the empty notifier goes inactive
	 * (Click's NotifierQueue waits the same way). */
	QUEUE_SLEEPINESS_TRIGGER = 9,
};

struct queue {
	struct cabo_element e;
	struct cabo_packet **ring;   /* mask + 1 slots, a power of two */
	uint32_t mask;
	uint32_t head, tail;         /* free-running; length is tail - head */
	uint32_t capacity;
	uint32_t highwater;
	uint64_t drops;              /* arrivals while full (Click's `drops`) */
	unsigned sleepiness;         /* failed pulls in a row */
	struct cabo_notifier empty_note;   /* Queue only */
};

enum queue_drop { DROP_FULL, DROP_RESET, DROP_SHRINK };
static const char *const queue_drop_reasons[] = {
	[DROP_FULL] = "queue full",
	[DROP_RESET] = "queue reset",
	[DROP_SHRINK] = "capacity reduced",
	NULL,
};

static inline uint32_t queue_length(const struct queue *q)
{
	return q->tail - q->head;
}

/* ---- Ring */

static uint32_t ring_slots(uint32_t capacity)
{
	uint32_t n = 1;
	while (n < capacity)
		n <<= 1;
	return n;
}

/* Copies n packet pointers in at the tail: at most two memcpy's. */
static inline void ring_put(struct queue *q, struct cabo_packet *const *src, unsigned n)
{
	uint32_t t = q->tail & q->mask;
	uint32_t first = q->mask + 1 - t;
	if (first >= n) {
		memcpy(q->ring + t, src, n * sizeof *src);
	} else {
		memcpy(q->ring + t, src, first * sizeof *src);
		memcpy(q->ring, src + first, (n - first) * sizeof *src);
	}
	q->tail += n;
}

/* Copies n packet pointers out from the head: at most two memcpy's. */
static inline void ring_get(struct queue *q, struct cabo_packet **dst, unsigned n)
{
	uint32_t h = q->head & q->mask;
	uint32_t first = q->mask + 1 - h;
	if (first >= n) {
		memcpy(dst, q->ring + h, n * sizeof *dst);
	} else {
		memcpy(dst, q->ring + h, first * sizeof *dst);
		memcpy(dst + first, q->ring, (n - first) * sizeof *dst);
	}
	q->head += n;
}

/* Packets that cannot be kept go out on output 1 when it exists, else are
 * dropped with `reason`. */
static void discard(struct queue *q, struct cabo_packet **pkts, unsigned n, unsigned reason)
{
	if (!n)
		return;
	if (q->e.noutputs > 1) {
		struct cabo_batch b;
		b.count = n;
		memcpy(b.p, pkts, n * sizeof *pkts);
		cabo_output_push(&q->e, 1, &b);
	} else {
		q->e.drops[reason] += n;
		cabo_packet_free_batch(pkts, n);
	}
}

/* Empties the queue a batch at a time: through discard() (output 1 or a
 * drop) when `may_emit`, else straight to a drop with `reason`. */
static void drain(struct queue *q, unsigned reason, bool may_emit)
{
	struct cabo_packet *pkts[CABO_BATCH_MAX];
	uint32_t n;
	while ((n = queue_length(q)) != 0) {
		if (n > CABO_BATCH_MAX)
			n = CABO_BATCH_MAX;
		ring_get(q, pkts, n);
		if (may_emit) {
			discard(q, pkts, n, reason);
		} else {
			q->e.drops[reason] += n;
			cabo_packet_free_batch(pkts, n);
		}
	}
}

/* ---- Configuration */

static int queue_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct queue *q = (struct queue *)e;
	uint64_t capacity = QUEUE_DEFAULT_CAPACITY;
	cabo_args_read_uint(a, "CAPACITY", CABO_ARG_POSITIONAL, &capacity);
	if (cabo_args_complete(a) < 0)
		return -1;
	if (capacity > QUEUE_MAX_CAPACITY)
		return cabo_errh_error(a->errh, "CAPACITY: too large (at most %u)",
				       (unsigned)QUEUE_MAX_CAPACITY);
	q->capacity = (uint32_t)capacity;
	q->mask = ring_slots(q->capacity) - 1;
	q->ring = cabo_xmalloc(((size_t)q->mask + 1) * sizeof *q->ring);
	q->head = q->tail = 0;
	/* Here rather than in initialize: pullers may start listening to the
	 * notifier before this queue's initialize runs. */
	cabo_notifier_init(&q->empty_note, false);
	return 0;
}

static void queue_cleanup(struct cabo_element *e)
{
	struct queue *q = (struct queue *)e;
	struct cabo_packet *pkts[CABO_BATCH_MAX];
	uint32_t n;
	while (q->ring && (n = queue_length(q)) != 0) {
		if (n > CABO_BATCH_MAX)
			n = CABO_BATCH_MAX;
		ring_get(q, pkts, n);
		cabo_packet_free_batch(pkts, n);
	}
	free(q->ring);
	q->ring = NULL;
}

/* ---- Packets */

static inline void enqueue(struct queue *q, struct cabo_batch *b, bool notify)
{
	uint32_t len = queue_length(q);
	uint32_t room = q->capacity - len;
	unsigned n = b->count <= room ? b->count : room;
	if (n) {
		ring_put(q, b->p, n);
		len += n;
		if (len > q->highwater)
			q->highwater = len;
		if (notify)
			cabo_notifier_set_active(&q->empty_note, true);
	}
	if (__builtin_expect(n < b->count, 0)) {
		q->drops += b->count - n;
		discard(q, b->p + n, b->count - n, DROP_FULL);
	}
	b->count = 0;
}

static void simplequeue_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	enqueue((struct queue *)e, b, false);
}

static void queue_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	enqueue((struct queue *)e, b, true);
}

static inline unsigned dequeue(struct queue *q, struct cabo_batch *b, unsigned max, bool notify)
{
	uint32_t len = queue_length(q);
	if (max > CABO_BATCH_MAX)
		max = CABO_BATCH_MAX;
	unsigned n = len < max ? len : max;
	if (__builtin_expect(!n, 0)) {
		if (notify && ++q->sleepiness >= QUEUE_SLEEPINESS_TRIGGER)
			cabo_notifier_set_active(&q->empty_note, false);
		b->count = 0;
		return 0;
	}
	ring_get(q, b->p, n);
	q->sleepiness = 0;
	b->count = n;
	return n;
}

static unsigned simplequeue_pull(struct cabo_element *e, unsigned port,
				 struct cabo_batch *b, unsigned max)
{
	return dequeue((struct queue *)e, b, max, false);
}

static unsigned queue_pull(struct cabo_element *e, unsigned port,
			   struct cabo_batch *b, unsigned max)
{
	return dequeue((struct queue *)e, b, max, true);
}

static struct cabo_notifier *queue_empty_notifier(struct cabo_element *e, unsigned port)
{
	return &((struct queue *)e)->empty_note;
}

/* ---- Handlers */

static int read_length(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_strbuf_printf(out, "%u", (unsigned)queue_length((struct queue *)e));
	return 0;
}

/* Click's live reconfiguration: the oldest packets stay, up to the new
 * capacity. */
static int write_capacity(struct cabo_element *e, const char *value, const void *arg,
			  struct cabo_errh *errh)
{
	struct queue *q = (struct queue *)e;
	struct cabo_args a;
	uint64_t capacity = 0;
	cabo_args_init(&a, value, errh);
	cabo_args_read_uint(&a, "CAPACITY", CABO_ARG_MP, &capacity);
	int r = cabo_args_complete(&a);
	cabo_args_destroy(&a);
	if (r < 0)
		return -1;
	if (capacity > QUEUE_MAX_CAPACITY)
		return cabo_errh_error(errh, "CAPACITY: too large (at most %u)",
				       (unsigned)QUEUE_MAX_CAPACITY);

	uint32_t slots = ring_slots((uint32_t)capacity);
	struct cabo_packet **ring = cabo_xmalloc((size_t)slots * sizeof *ring);
	uint32_t keep = queue_length(q);
	if (keep > capacity)
		keep = (uint32_t)capacity;
	ring_get(q, ring, keep);
	drain(q, DROP_SHRINK, false);   /* Click frees them, never emits them */
	free(q->ring);
	q->ring = ring;
	q->mask = slots - 1;
	q->head = 0;
	q->tail = keep;
	q->capacity = (uint32_t)capacity;
	return 0;
}

static int write_reset_counts(struct cabo_element *e, const char *value, const void *arg,
			      struct cabo_errh *errh)
{
	struct queue *q = (struct queue *)e;
	q->drops = 0;
	q->highwater = queue_length(q);
	return 0;
}

static int write_reset(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	drain((struct queue *)e, DROP_RESET, true);
	return 0;
}

static const struct cabo_handler queue_handlers[] = {
	{ "length", read_length, NULL, NULL, 0 },
	{ "highwater_length", cabo_read_u32_field, NULL,
	  CABO_FIELD(struct queue, highwater), 0 },
	{ "capacity", cabo_read_u32_field, write_capacity,
	  CABO_FIELD(struct queue, capacity), 0 },
	{ "drops", cabo_read_u64_field, NULL, CABO_FIELD(struct queue, drops), 0 },
	{ "reset_counts", NULL, write_reset_counts, NULL, CABO_HANDLER_BUTTON },
	{ "reset", NULL, write_reset, NULL, CABO_HANDLER_BUTTON },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(simplequeue_class) = {
	.name = "SimpleQueue", .port_count = "1/1-2", .processing = "h/lh",
	.size = sizeof(struct queue), .configure = queue_configure,
	.cleanup = queue_cleanup, .push = simplequeue_push, .pull = simplequeue_pull,
	.handlers = queue_handlers, .drop_reasons = queue_drop_reasons,
};

CABO_ELEMENT_CLASS(queue_class) = {
	.name = "Queue", .port_count = "1/1-2", .processing = "h/lh",
	.size = sizeof(struct queue), .configure = queue_configure,
	.cleanup = queue_cleanup, .push = queue_push, .pull = queue_pull,
	.empty_notifier = queue_empty_notifier,
	.handlers = queue_handlers, .drop_reasons = queue_drop_reasons,
};

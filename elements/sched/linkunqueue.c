/*
 * =c
 * LinkUnqueue(LATENCY, BANDWIDTH)
 * =s
 * link emulator
 * =ports
 * 1 input, 1 output
 * =processing
 * pull input, push output
 * =d
 * Pulls packets from its input and delays them as a serial link with
 * latency LATENCY and bandwidth BANDWIDTH (such as "384kbps" or "10Mbps")
 * would: a packet starts onto the link when the previous one's last bit has
 * been sent, takes LENGTH * 8 / BANDWIDTH seconds to send, and comes out of
 * the far end LATENCY after its last bit was sent.  Packets are pushed out
 * of the output, in order, at that moment, with their timestamp annotation
 * set to it (so ToDump records when each packet reached the far end).
 *
 * LinkUnqueue stores only the packets in transit on the link; it pulls a
 * packet only when the link is free to start sending it, so a queue in front
 * of it fills as a real link's transmit queue would.  To emulate a link fed
 * by a packet queue, use "Queue -> LinkUnqueue"; with a scheduler in between
 * ("Queues -> DRRSched -> LinkUnqueue"), the scheduler decides which tenant's
 * packet is sent next each time the link frees.
 *
 * Times come from the router's clock (simulated under --simtime, where the
 * delays are exact to the nanosecond and serialization times do not drift:
 * fractions of a nanosecond carry over from one packet to the next).  The
 * task sleeps on a timer until the link frees or the next packet arrives,
 * and on the upstream queues' empty notifiers while they are empty.  If the
 * task runs late on the real clock while the link was busy, the packets that
 * would have started in the meantime are pulled at once, back to back.
 * =h latency read
 * Returns LATENCY.
 * =h bandwidth read
 * Returns BANDWIDTH.
 * =h size read
 * Returns the number of packets in, or partially in, the emulated link.
 * =h reset write
 * Drops every packet in, or partially in, the link (reason "link reset").
 * =e
 *   FromDump(in.pcap) -> Queue(100) -> LinkUnqueue(10ms, 1Mbps) -> ToDump(out.pcap);
 * =a
 * Queue, Unqueue, RatedUnqueue, BandwidthRatedUnqueue, DRRSched, WF2QSched
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "schedutil.h"
#include "task.h"

enum { LINK_INITIAL_SLOTS = 64 };
static const uint64_t NS_PER_SEC = 1000000000;

struct linkunqueue {
	struct cabo_element e;
	int64_t latency_ns;
	double bytes_per_sec;       /* BANDWIDTH as given */
	uint64_t bits_per_sec;
	struct cabo_task task;
	struct cabo_timer timer;
	struct sched_signals sig;
	/* Packets in transit, oldest first; each one's timestamp annotation is
	 * when it comes out. */
	struct cabo_packet **ring;  /* mask + 1 slots */
	uint32_t mask, head, tail;  /* free-running */
	int64_t free_ns;            /* when the last packet's last bit is sent */
	uint64_t free_frac;         /* and a fraction of a ns, in 1/bits_per_sec */
	bool busy;                  /* the last pull got a packet: the next one
				     * starts back to back at free_ns */
	uint32_t avg_len;           /* recent mean packet length */
};

enum link_drop { DROP_RESET };
static const char *const link_drop_reasons[] = {
	[DROP_RESET] = "link reset",
	NULL,
};

static inline uint32_t in_transit(const struct linkunqueue *l)
{
	return l->tail - l->head;
}

/* ---- Configuration */

static int link_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct linkunqueue *l = (struct linkunqueue *)e;
	int64_t latency = 0;
	double bw = 0;
	cabo_args_read_time(a, "LATENCY", CABO_ARG_MP, &latency);
	cabo_args_read_bandwidth(a, "BANDWIDTH", CABO_ARG_MP, &bw);
	if (cabo_args_complete(a) < 0)
		return -1;
	if (latency < 0)
		return cabo_errh_error(a->errh, "LATENCY: must not be negative");
	double bits = bw * 8;
	if (!(bits >= 1) || bits > 1e13)
		return cabo_errh_error(a->errh, "BANDWIDTH: must be from 1bps to 10Tbps");
	l->latency_ns = latency;
	l->bytes_per_sec = bw;
	l->bits_per_sec = (uint64_t)(bits + 0.5);
	return 0;
}

static bool link_fire(struct cabo_task *t);
static void link_timer(struct cabo_timer *t);

static int link_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct linkunqueue *l = (struct linkunqueue *)e;
	l->ring = cabo_xmalloc(LINK_INITIAL_SLOTS * sizeof *l->ring);
	l->mask = LINK_INITIAL_SLOTS - 1;
	l->head = l->tail = 0;
	l->free_ns = cabo_element_now(e);
	l->free_frac = 0;
	l->busy = false;
	l->avg_len = 64;
	cabo_task_init(&l->task, e, link_fire, l);
	cabo_timer_init(&l->timer, e, link_timer, l);
	sched_signals_init(&l->sig, e, 0, &l->task);
	cabo_task_schedule(&l->task);
	return 0;
}

static void drop_all(struct linkunqueue *l, bool count)
{
	while (in_transit(l)) {
		struct cabo_packet *p = l->ring[l->head++ & l->mask];
		if (count)
			cabo_element_drop(&l->e, p, DROP_RESET);
		else
			cabo_packet_free(p);
	}
}

static void link_cleanup(struct cabo_element *e)
{
	struct linkunqueue *l = (struct linkunqueue *)e;
	if (l->ring)
		drop_all(l, false);
	free(l->ring);
	l->ring = NULL;
}

/* ---- The link */

/* Doubles the ring: happens only while the number of packets in transit
 * grows to its working set (latency times bandwidth). */
static void grow(struct linkunqueue *l)
{
	uint32_t slots = (l->mask + 1) * 2;
	struct cabo_packet **ring = cabo_xmalloc((size_t)slots * sizeof *ring);
	uint32_t n = in_transit(l);
	for (uint32_t i = 0; i < n; i++)
		ring[i] = l->ring[(l->head + i) & l->mask];
	free(l->ring);
	l->ring = ring;
	l->mask = slots - 1;
	l->head = 0;
	l->tail = n;
}

/* Puts p on the link after the packet before it; stamps when it comes out. */
static void send_packet(struct linkunqueue *l, struct cabo_packet *p)
{
	uint64_t num = (uint64_t)p->length * 8 * NS_PER_SEC + l->free_frac;
	l->free_ns += (int64_t)(num / l->bits_per_sec);
	l->free_frac = num % l->bits_per_sec;
	p->anno.timestamp_ns = l->free_ns + l->latency_ns;
	if (in_transit(l) == l->mask + 1)
		grow(l);
	l->ring[l->tail++ & l->mask] = p;
}

/* Pulls what the link can start sending by `now`; returns packets pulled. */
static unsigned fill_link(struct linkunqueue *l, int64_t now)
{
	unsigned pulled = 0;
	if (!l->busy && l->free_ns < now) {
		l->free_ns = now;   /* an idle link starts sending at once */
		l->free_frac = 0;
	}
	while (l->free_ns <= now) {
		/* Late on a busy link: about as many packets as would have
		 * started by now; otherwise just the one starting now. */
		unsigned ask = 1;
		if (l->free_ns < now) {
			double bytes = (double)(now - l->free_ns) * l->bytes_per_sec / 1e9;
			double want = bytes / l->avg_len + 1;
			ask = want < CABO_BATCH_MAX ? (unsigned)want : CABO_BATCH_MAX;
		}
		struct cabo_batch b;
		unsigned n = sched_signals_maybe(&l->sig) ? cabo_input_pull(&l->e, 0, &b, ask) : 0;
		for (unsigned i = 0; i < n; i++)
			send_packet(l, b.p[i]);
		if (n) {
			uint64_t len = cabo_batch_bytes(&b) / n;
			l->avg_len = len ? (uint32_t)len : 1;
		}
		pulled += n;
		l->busy = n == ask;   /* else the queue ran dry */
		if (!l->busy)
			break;
	}
	return pulled;
}

/* Pushes the packets whose time has come, in batches. */
static unsigned deliver(struct linkunqueue *l, int64_t now)
{
	unsigned total = 0;
	for (;;) {
		struct cabo_batch b;
		b.count = 0;
		while (b.count < CABO_BATCH_MAX && in_transit(l) &&
		       l->ring[l->head & l->mask]->anno.timestamp_ns <= now)
			b.p[b.count++] = l->ring[l->head++ & l->mask];
		if (!b.count)
			return total;
		total += b.count;
		cabo_output_push(&l->e, 0, &b);
	}
}

static bool link_fire(struct cabo_task *t)
{
	struct linkunqueue *l = t->arg;
	int64_t now = cabo_element_now(&l->e);
	unsigned worked = fill_link(l, now);
	worked += deliver(l, now);

	/* Wake up for the oldest packet's arrival, and for the link freeing
	 * unless upstream is known to be empty (its notifier wakes us). */
	int64_t next = in_transit(l) ? l->ring[l->head & l->mask]->anno.timestamp_ns
				     : INT64_MAX;
	bool poll = false;
	if (l->busy || sched_signals_maybe(&l->sig)) {
		if (l->free_ns > now) {
			if (l->free_ns < next)
				next = l->free_ns;
		} else {
			poll = true;   /* the queue gave nothing but may: try again */
		}
	}
	if (next != INT64_MAX)
		cabo_timer_schedule_at(&l->timer, next);
	else
		cabo_timer_unschedule(&l->timer);
	if (!poll)
		cabo_task_unschedule(t);
	return worked > 0;
}

static void link_timer(struct cabo_timer *t)
{
	struct linkunqueue *l = t->arg;
	cabo_task_schedule(&l->task);
}

/* ---- Handlers */

enum { H_LATENCY, H_BANDWIDTH, H_SIZE };

static int read_param(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct linkunqueue *l = (struct linkunqueue *)e;
	switch ((intptr_t)arg) {
	case H_LATENCY:
		cabo_format_interval(out, l->latency_ns);
		break;
	case H_BANDWIDTH:
		sched_unparse_bandwidth(out, l->bytes_per_sec);
		break;
	default:
		cabo_strbuf_printf(out, "%u", (unsigned)in_transit(l));
		break;
	}
	return 0;
}

static int write_reset(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	struct linkunqueue *l = (struct linkunqueue *)e;
	drop_all(l, true);
	l->busy = false;
	l->free_ns = cabo_element_now(e);   /* the link is empty and free */
	l->free_frac = 0;
	cabo_timer_unschedule(&l->timer);
	cabo_task_schedule(&l->task);
	return 0;
}

static const struct cabo_handler link_handlers[] = {
	{ "latency", read_param, NULL, (const void *)H_LATENCY, 0 },
	{ "bandwidth", read_param, NULL, (const void *)H_BANDWIDTH, 0 },
	{ "size", read_param, NULL, (const void *)H_SIZE, 0 },
	{ "reset", NULL, write_reset, NULL, CABO_HANDLER_BUTTON },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(linkunqueue_class) = {
	.name = "LinkUnqueue", .port_count = "1/1", .processing = "l/h",
	.size = sizeof(struct linkunqueue), .configure = link_configure,
	.initialize = link_initialize, .cleanup = link_cleanup,
	.handlers = link_handlers, .drop_reasons = link_drop_reasons,
};

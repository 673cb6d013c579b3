/*
 * =c
 * RatedUnqueue(RATE, [KEYWORDS])
 * =s
 * pull-to-push converter at a packet rate
 * =ports
 * 1 input, 1 output
 * =processing
 * pull input, push output
 * =d
 * Pulls packets at RATE packets per second and pushes them out its output.
 * The rate comes from a token bucket on the router's clock (real time, or
 * simulated time under --simtime) that fills at RATE tokens per second; each
 * packet takes a token.  The bucket holds 20 milliseconds' worth of tokens
 * (at least one) unless BURST_DURATION or BURST_SIZE says otherwise, so after
 * an idle spell up to that many packets go out back to back.  It starts with
 * one token.
 *
 * Each time its task runs, RatedUnqueue pulls as many packets as there are
 * whole tokens (up to a batch of 64) in one pull, and pushes them as one
 * batch.  When the bucket is empty the task sleeps on a timer until the next
 * token is due; when every queue upstream is empty (Queue's empty notifier,
 * possibly behind schedulers) it sleeps until a packet arrives.  It never
 * polls while waiting.
 * =k RATE
 * Unsigned, positive.  Token bucket fill rate in packets per second.
 * =k BURST_DURATION
 * Time.  The bucket holds RATE times this many tokens.  Default 20ms.
 * =k BURST_SIZE
 * Unsigned.  The bucket holds this many tokens (at least 1).  At most one of
 * BURST_DURATION and BURST_SIZE may be given.
 * =k ACTIVE
 * Boolean.  If false, RatedUnqueue pulls nothing until its "active" handler
 * is set to true.  Default true.
 * =h rate read/write
 * Returns or sets RATE.  A bucket sized by BURST_DURATION is resized.
 * =h burst read
 * Returns the bucket size in packets.
 * =h active read/write
 * Same as the ACTIVE keyword.
 * =h count read
 * Returns the number of packets pushed.
 * =h calls read
 * Task statistics, in Click's format: runs of the task, runs that sent
 * nothing, pushes (one per batch), pulls that found the input short of
 * packets, and packets, one per line.
 * =e
 *   FromDump(in.pcap) -> Queue -> RatedUnqueue(1000) -> ToDump(out.pcap);
 * =a
 * BandwidthRatedUnqueue, Unqueue, Shaper, RatedSource, LinkUnqueue
 *
 * =c
 * BandwidthRatedUnqueue(RATE, [KEYWORDS])
 * =s
 * pull-to-push converter at a bandwidth
 * =ports
 * 1 input, 1 output
 * =processing
 * pull input, push output
 * =d
 * Pulls packets at the bandwidth RATE (such as "10Mbps" or "1MBps"; a bare
 * number is bytes per second) and pushes them out its output.  It works like
 * RatedUnqueue with a token bucket counted in bits: a packet may go whenever
 * the bucket is not in debt, and costs 8 times its length, taking the bucket
 * below zero if that is more than is left.  No packet goes until the debt is
 * paid, so over any long stretch exactly RATE leaves, whatever the packet
 * sizes, and any bucket size works (even one smaller than a packet).  The
 * bucket holds 20 milliseconds' worth of bytes unless BURST_DURATION or
 * BURST_BYTES says otherwise: after an idle spell, up to that many bytes
 * plus one packet go out back to back.  It starts empty (one packet may go
 * at once).
 *
 * Packets are pulled in batches of about as many as the bucket allows at the
 * recent average length; any the bucket does not allow yet wait in the
 * element and go first next time, so packets leave exactly when they would
 * if pulled one at a time.  The task sleeps on a timer while the bucket is
 * in debt, and on the upstream queues' notifiers while they are empty.
 * =k RATE
 * Bandwidth, positive.  Token bucket fill rate.
 * =k BURST_DURATION
 * Time.  The bucket holds RATE times this.  Default 20ms.
 * =k BURST_BYTES
 * Unsigned.  The bucket holds this many bytes.  At most one of
 * BURST_DURATION and BURST_BYTES may be given.
 * =k ACTIVE
 * Boolean.  If false, pulls nothing until "active" is set to true.
 * Default true.
 * =h rate read/write
 * Returns or sets RATE, in Click's bandwidth format ("10Mbps").
 * =h burst read
 * Returns the bucket size in bytes.
 * =h active read/write
 * Same as the ACTIVE keyword.
 * =h count read
 * Returns the number of packets pushed.
 * =h calls read
 * Task statistics, as RatedUnqueue's.
 * =e
 *   tenants :: DRRSched(WEIGHTS "2 1") -> BandwidthRatedUnqueue(10Mbps)
 *     -> ToDump(out.pcap);
 * =a
 * RatedUnqueue, BandwidthShaper, LinkUnqueue, DRRSched
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>

#include "element.h"
#include "schedutil.h"
#include "task.h"
#include "tokenbucket.h"

static const int64_t DEFAULT_BURST_NS = 20000000;   /* Click's 20 ms */

struct ratedunqueue {
	struct cabo_element e;
	struct sched_tbgate gate;
	struct sched_signals sig;
	struct cabo_task task;
	struct cabo_timer timer;
	uint64_t count;             /* packets pushed */
	/* Click's "calls" statistics */
	uint64_t runs, empty_runs, pushes, failed_pulls;
	bool active;
};

/* ---- Configuration */

static int configure(struct cabo_element *e, struct cabo_args *a, bool bytes)
{
	struct ratedunqueue *u = (struct ratedunqueue *)e;
	u->active = true;
	cabo_args_read_bool(a, "ACTIVE", 0, &u->active);
	return sched_tbgate_configure(&u->gate, a, bytes, DEFAULT_BURST_NS);
}

static int ratedunqueue_configure(struct cabo_element *e, struct cabo_args *a)
{
	return configure(e, a, false);
}

static int bwratedunqueue_configure(struct cabo_element *e, struct cabo_args *a)
{
	return configure(e, a, true);
}

static bool ratedunqueue_fire(struct cabo_task *t);
static void ratedunqueue_timer(struct cabo_timer *t);

static int ratedunqueue_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct ratedunqueue *u = (struct ratedunqueue *)e;
	cabo_task_init(&u->task, e, ratedunqueue_fire, u);
	cabo_timer_init(&u->timer, e, ratedunqueue_timer, u);
	sched_signals_init(&u->sig, e, 0, &u->task);
	sched_tbgate_start(&u->gate, cabo_element_now(e));
	u->count = u->runs = u->empty_runs = u->pushes = u->failed_pulls = 0;
	if (u->active)
		cabo_task_schedule(&u->task);
	return 0;
}

static void ratedunqueue_cleanup(struct cabo_element *e)
{
	struct ratedunqueue *u = (struct ratedunqueue *)e;
	sched_tbgate_cleanup(&u->gate);
}

/* ---- Task */

static bool ratedunqueue_fire(struct cabo_task *t)
{
	struct ratedunqueue *u = t->arg;
	if (!u->active) {
		cabo_task_unschedule(t);
		return false;
	}
	int64_t now = cabo_element_now(&u->e);
	struct cabo_batch b;
	bool dry;
	unsigned n = sched_tbgate_pull(&u->gate, &u->e, 0, &b, CABO_BATCH_MAX, now, &dry);
	u->runs++;
	if (dry)
		u->failed_pulls++;
	if (n) {
		u->count += n;
		u->pushes++;
		cabo_output_push(&u->e, 0, &b);
	} else {
		u->empty_runs++;
	}
	if (!sched_tbgate_ready(&u->gate, now)) {
		/* Out of tokens: sleep until the next one is due. */
		cabo_task_unschedule(t);
		int64_t at = sched_tbgate_next_ns(&u->gate);
		if (at != INT64_MAX)
			cabo_timer_schedule_at(&u->timer, at);
	} else if (dry && !sched_tbgate_stashed(&u->gate) && sched_signals_idle(&u->sig)) {
		/* Upstream is empty: a notifier wakes us. */
		cabo_task_unschedule(t);
	}
	return n > 0;
}

static void ratedunqueue_timer(struct cabo_timer *t)
{
	struct ratedunqueue *u = t->arg;
	if (u->active)
		cabo_task_schedule(&u->task);
}

/* ---- Handlers */

enum { H_RATE, H_BURST, H_ACTIVE, H_CALLS };

static int read_param(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct ratedunqueue *u = (struct ratedunqueue *)e;
	switch ((intptr_t)arg) {
	case H_RATE:
		return sched_tbgate_read_rate(&u->gate, out);
	case H_BURST:
		return sched_tbgate_read_burst(&u->gate, out);
	case H_CALLS:
		cabo_strbuf_printf(out, "%" PRIu64 " calls to run_task()\n%" PRIu64
				   " empty runs\n%" PRIu64 " pushes\n%" PRIu64
				   " failed pulls\n%" PRIu64 " packets\n",
				   u->runs, u->empty_runs, u->pushes, u->failed_pulls, u->count);
		return 0;
	default:
		cabo_strbuf_puts(out, u->active ? "true" : "false");
		return 0;
	}
}

static int write_param(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	struct ratedunqueue *u = (struct ratedunqueue *)e;
	if ((intptr_t)arg == H_RATE) {
		if (sched_tbgate_write_rate(&u->gate, value, cabo_element_now(e), errh) < 0)
			return -1;
	} else if (cabo_write_bool_field(e, value, CABO_FIELD(struct ratedunqueue, active),
					 errh) < 0) {
		return -1;
	}
	/* Let the task look again at the bucket and the queues. */
	cabo_timer_unschedule(&u->timer);
	if (u->active)
		cabo_task_schedule(&u->task);
	return 0;
}

static const struct cabo_handler ratedunqueue_handlers[] = {
	{ "rate", read_param, write_param, (const void *)H_RATE, 0 },
	{ "burst", read_param, NULL, (const void *)H_BURST, 0 },
	{ "active", read_param, write_param, (const void *)H_ACTIVE, 0 },
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct ratedunqueue, count), 0 },
	{ "calls", read_param, NULL, (const void *)H_CALLS, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(ratedunqueue_class) = {
	.name = "RatedUnqueue", .port_count = "1/1", .processing = "l/h",
	.size = sizeof(struct ratedunqueue), .configure = ratedunqueue_configure,
	.initialize = ratedunqueue_initialize, .cleanup = ratedunqueue_cleanup,
	.handlers = ratedunqueue_handlers, .drop_reasons = NULL,
};

CABO_ELEMENT_CLASS(bandwidthratedunqueue_class) = {
	.name = "BandwidthRatedUnqueue", .port_count = "1/1", .processing = "l/h",
	.size = sizeof(struct ratedunqueue), .configure = bwratedunqueue_configure,
	.initialize = ratedunqueue_initialize, .cleanup = ratedunqueue_cleanup,
	.handlers = ratedunqueue_handlers, .drop_reasons = NULL,
};

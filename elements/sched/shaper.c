/*
 * =c
 * Shaper(RATE, [KEYWORDS])
 * =s
 * shapes traffic to a maximum packet rate
 * =ports
 * 1 input, 1 output
 * =processing
 * pull
 * =d
 * A pull element that lets at most RATE packets per second through: each
 * pull on its output passes on only the packets a token bucket allows, and
 * returns nothing while the bucket is empty.  The bucket fills at RATE
 * tokens per second on the router's clock (simulated under --simtime) and
 * each packet takes one.  By default it holds a single token, so packets
 * leave evenly spaced, with no bursts, as from Click's Shaper; BURST_SIZE or
 * BURST_DURATION allow bursts after idle spells.
 *
 * Unlike Click's Shaper, Cabo's has an empty notifier, so the puller does not
 * spin while the bucket is empty: the notifier turns inactive when the
 * bucket runs dry (a timer turns it back on when the next token is due) and
 * when every queue upstream is empty (their notifiers turn it back on).  A
 * task pulling through Shaper (Unqueue), or a scheduler whose input it is
 * (DRRSched, WF2QSched), thus skips or sleeps on a shaped input while it is
 * over its rate, which makes Shaper a per-tenant cap in front of a shared
 * scheduler.
 *
 * A batch pull takes as many packets as there are whole tokens in one pull
 * from upstream.
 * =k RATE
 * Unsigned, positive.  Packets per second.
 * =k BURST_SIZE
 * Unsigned.  Bucket size in packets (Cabo extension).  Default 1.
 * =k BURST_DURATION
 * Time.  Bucket size as RATE times this (Cabo extension).  At most one of
 * BURST_SIZE and BURST_DURATION may be given.
 * =h rate read/write
 * Returns or sets RATE.
 * =h burst read
 * Returns the bucket size in packets.
 * =e
 *   FromDump(in.pcap) -> Queue -> Shaper(1000) -> Unqueue -> ToDump(out.pcap);
 * =a
 * BandwidthShaper, RatedUnqueue, Queue, Unqueue, DRRSched
 *
 * =c
 * BandwidthShaper(RATE, [KEYWORDS])
 * =s
 * shapes traffic to a maximum bandwidth
 * =ports
 * 1 input, 1 output
 * =processing
 * pull
 * =d
 * A pull element that lets at most the bandwidth RATE (such as "10Mbps" or
 * "1MBps"; a bare number is bytes per second) through.  It is Shaper with a
 * token bucket counted in bits: a packet may go whenever the bucket is not
 * in debt and costs 8 times its length, taking the bucket below zero if that
 * is more than is left; nothing more goes until the debt is paid.  Over any
 * long stretch exactly RATE passes, whatever the packet sizes.  By default
 * the bucket holds nothing beyond the packet in flight, so packets leave
 * paced at RATE; BURST_BYTES or BURST_DURATION allow bursts of that many
 * bytes plus one packet after idle spells.
 *
 * Like Shaper, it has an empty notifier that is inactive while the bucket is
 * in debt or every queue upstream is empty, so pullers sleep rather than
 * spin.  Packets are pulled from upstream in batches of about as many as the
 * bucket allows at the recent average length; any the bucket does not allow
 * yet wait in the element and go first next time, so packets leave exactly
 * as they would one pull at a time.
 * =k RATE
 * Bandwidth, positive.
 * =k BURST_BYTES
 * Unsigned.  Bucket size in bytes (Cabo extension).  Default 0.
 * =k BURST_DURATION
 * Time.  Bucket size as RATE times this (Cabo extension).  At most one of
 * BURST_BYTES and BURST_DURATION may be given.
 * =h rate read/write
 * Returns or sets RATE, in Click's bandwidth format ("10Mbps").
 * =h burst read
 * Returns the bucket size in bytes.
 * =e
 *   // tenant 1 may use at most 2 Mbit/s of the shared link
 *   q0 :: Queue -> [0] drr :: DRRSched;
 *   q1 :: Queue -> BandwidthShaper(2Mbps) -> [1] drr;
 *   drr -> LinkUnqueue(1ms, 10Mbps) -> ToDump(out.pcap);
 * =a
 * Shaper, BandwidthRatedUnqueue, DRRSched, WF2QSched
 */
#include <stddef.h>
#include <stdint.h>

#include "element.h"
#include "schedutil.h"
#include "task.h"
#include "tokenbucket.h"

struct shaper {
	struct cabo_element e;
	struct sched_tbgate gate;
	struct sched_signals sig;
	struct cabo_notifier note;    /* active: a pull may give packets */
	struct cabo_task relay;       /* woken by the upstream notifiers */
	struct cabo_timer timer;      /* next token due */
};

/* ---- Configuration */

static int configure(struct cabo_element *e, struct cabo_args *a, bool bytes)
{
	struct shaper *s = (struct shaper *)e;
	/* Here rather than in initialize: pullers may listen before then. */
	cabo_notifier_init(&s->note, true);
	return sched_tbgate_configure(&s->gate, a, bytes, 0);
}

static int shaper_configure(struct cabo_element *e, struct cabo_args *a)
{
	return configure(e, a, false);
}

static int bwshaper_configure(struct cabo_element *e, struct cabo_args *a)
{
	return configure(e, a, true);
}

static bool shaper_relay(struct cabo_task *t);
static void shaper_timer(struct cabo_timer *t);

static int shaper_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct shaper *s = (struct shaper *)e;
	cabo_task_init(&s->relay, e, shaper_relay, s);
	cabo_timer_init(&s->timer, e, shaper_timer, s);
	sched_signals_init(&s->sig, e, 0, &s->relay);
	sched_tbgate_start(&s->gate, cabo_element_now(e));
	return 0;
}

static void shaper_cleanup(struct cabo_element *e)
{
	struct shaper *s = (struct shaper *)e;
	sched_tbgate_cleanup(&s->gate);
}

/* ---- Notification */

/* After a pull (or a change of rate): says whether the next pull can give
 * packets, and arranges to be told when that changes. */
static void settle(struct shaper *s, int64_t now, bool dry)
{
	if (!sched_tbgate_ready(&s->gate, now)) {
		cabo_notifier_set_active(&s->note, false);
		int64_t at = sched_tbgate_next_ns(&s->gate);
		if (at != INT64_MAX)
			cabo_timer_schedule_at(&s->timer, at);
	} else if (dry && !sched_tbgate_stashed(&s->gate) && sched_signals_idle(&s->sig)) {
		cabo_notifier_set_active(&s->note, false);
	} else {
		cabo_notifier_set_active(&s->note, true);
	}
}

/* The next token is due: the pullers may try again (if upstream turns out
 * empty, the next pull says so). */
static void shaper_timer(struct cabo_timer *t)
{
	struct shaper *s = t->arg;
	cabo_notifier_set_active(&s->note, true);
}

/* A queue upstream got a packet. */
static bool shaper_relay(struct cabo_task *t)
{
	struct shaper *s = t->arg;
	cabo_task_unschedule(t);
	if (s->note.active)
		return false;
	settle(s, cabo_element_now(&s->e), false);
	return s->note.active;
}

static struct cabo_notifier *shaper_empty_notifier(struct cabo_element *e, unsigned port)
{
	return &((struct shaper *)e)->note;
}

/* ---- Packets */

static unsigned shaper_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			    unsigned max)
{
	struct shaper *s = (struct shaper *)e;
	int64_t now = cabo_element_now(e);
	bool dry;
	unsigned n = sched_tbgate_pull(&s->gate, e, 0, b, max, now, &dry);
	settle(s, now, dry);
	return n;
}

/* ---- Handlers */

static int read_rate(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	return sched_tbgate_read_rate(&((struct shaper *)e)->gate, out);
}

static int write_rate(struct cabo_element *e, const char *value, const void *arg,
		      struct cabo_errh *errh)
{
	struct shaper *s = (struct shaper *)e;
	int64_t now = cabo_element_now(e);
	if (sched_tbgate_write_rate(&s->gate, value, now, errh) < 0)
		return -1;
	cabo_timer_unschedule(&s->timer);
	settle(s, now, false);
	return 0;
}

static int read_burst(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	return sched_tbgate_read_burst(&((struct shaper *)e)->gate, out);
}

static const struct cabo_handler shaper_handlers[] = {
	{ "rate", read_rate, write_rate, NULL, 0 },
	{ "burst", read_burst, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(shaper_class) = {
	.name = "Shaper", .port_count = "1/1", .processing = "l/l",
	.size = sizeof(struct shaper), .configure = shaper_configure,
	.initialize = shaper_initialize, .cleanup = shaper_cleanup, .pull = shaper_pull,
	.empty_notifier = shaper_empty_notifier,
	.handlers = shaper_handlers, .drop_reasons = NULL,
};

CABO_ELEMENT_CLASS(bandwidthshaper_class) = {
	.name = "BandwidthShaper", .port_count = "1/1", .processing = "l/l",
	.size = sizeof(struct shaper), .configure = bwshaper_configure,
	.initialize = shaper_initialize, .cleanup = shaper_cleanup, .pull = shaper_pull,
	.empty_notifier = shaper_empty_notifier,
	.handlers = shaper_handlers, .drop_reasons = NULL,
};

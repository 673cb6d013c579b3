/*
 * =c
 * Unqueue([BURST, KEYWORDS])
 * =s
 * pull-to-push converter
 * =ports
 * 1 input, 1 output
 * =processing
 * pull input, push output
 * =d
 * A task that pulls packets from its input whenever they are available and
 * pushes them out of its output.  Each time it runs it pulls at most BURST
 * packets (in batches) and pushes each batch as it comes.
 *
 * When every path upstream ends at a queue with an empty notifier (Queue,
 * possibly behind schedulers such as RoundRobinSched or PrioSched), Unqueue
 * sleeps while all those queues are empty and is woken when a packet
 * arrives.  Otherwise (SimpleQueue, or an element without notification on
 * some path) it keeps polling.
 * =k BURST
 * Most packets pulled each time the task runs; default 1.  A negative BURST
 * pulls until nothing comes back.  Benchmarks use BURST 32 (one batch).
 * =k ACTIVE
 * Boolean.  If false, Unqueue pulls nothing until its "active" handler is set
 * to true.  Default true.
 * =k LIMIT
 * If non-negative, Unqueue pulls at most LIMIT packets in all and then stops.
 * Default -1 (no limit).
 * =h count read
 * Returns the number of packets pulled so far.
 * =h reset write
 * Resets "count" to 0, which lets Unqueue pull LIMIT more packets.
 * =h reset_counts write
 * Same as "reset".
 * =h active read/write
 * Same as the ACTIVE keyword; setting it to true restarts the task.
 * =h burst read/write
 * Same as the BURST keyword.
 * =h limit read/write
 * Same as the LIMIT keyword.
 * =e
 *   FromDump(in.pcap) -> Queue -> Unqueue(BURST 32, LIMIT 100) -> ToDump(out.pcap);
 * =a
 * Queue, SimpleQueue, RoundRobinSched, PrioSched
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>

#include "element.h"
#include "task.h"

enum {
	UNQUEUE_DEFAULT_BURST = 1,
	UNQUEUE_UNLIMITED_BURST = 0x7FFFFFFF,
	/* Notifiers we listen to; with more upstream queues than this we poll. */
	UNQUEUE_MAX_SIGNALS = 32,
};

struct unqueue {
	struct cabo_element e;
	struct cabo_task task;
	int32_t burst;
	int32_t limit;              /* < 0: none */
	uint64_t count;
	bool active;
	unsigned nsignals;          /* 0: no notification, poll */
	struct cabo_notifier *signals[UNQUEUE_MAX_SIGNALS];
};

/* ---- Configuration */

static int read_int32(struct cabo_args *a, const char *kw, unsigned flags, int32_t *out)
{
	int64_t v;
	if (!cabo_args_read_int(a, kw, flags, &v))
		return 0;
	if (v < INT32_MIN || v > INT32_MAX)
		return cabo_errh_error(a->errh, "%s: out of range", kw);
	*out = (int32_t)v;
	return 0;
}

static int unqueue_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct unqueue *u = (struct unqueue *)e;
	u->burst = UNQUEUE_DEFAULT_BURST;
	u->limit = -1;
	u->active = true;
	int r = read_int32(a, "BURST", CABO_ARG_POSITIONAL, &u->burst);
	cabo_args_read_bool(a, "ACTIVE", 0, &u->active);
	r |= read_int32(a, "LIMIT", 0, &u->limit);
	if (cabo_args_complete(a) < 0 || r < 0)
		return -1;
	return 0;
}

static bool unqueue_fire(struct cabo_task *t);

static int unqueue_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct unqueue *u = (struct unqueue *)e;
	u->count = 0;
	if (u->burst < 0)
		u->burst = UNQUEUE_UNLIMITED_BURST;
	else if (u->burst == 0)
		cabo_errh_warning(errh, cabo_landmark_none(),
				  "BURST size 0, no packets will be pulled");
	cabo_task_init(&u->task, e, unqueue_fire, u);

	unsigned n = cabo_notifier_upstream(e, 0, u->signals, UNQUEUE_MAX_SIGNALS);
	if (n >= UNQUEUE_MAX_SIGNALS)
		n = 0;   /* there may be more than we can hold: poll */
	for (unsigned i = 0; i < n; i++)
		if (cabo_notifier_listen(u->signals[i], &u->task) < 0)
			n = 0;   /* some queue cannot wake us: poll */
	u->nsignals = n;

	if (u->active)
		cabo_task_schedule(&u->task);
	return 0;
}

/* ---- Task */

static inline bool limit_reached(const struct unqueue *u)
{
	return u->limit >= 0 && u->count >= (uint64_t)u->limit;
}

static bool unqueue_fire(struct cabo_task *t)
{
	struct unqueue *u = t->arg;
	uint64_t want = (uint64_t)u->burst;
	if (u->limit >= 0) {
		if (u->count >= (uint64_t)u->limit) {
			cabo_task_unschedule(t);
			return false;
		}
		if ((uint64_t)u->limit - u->count < want)
			want = (uint64_t)u->limit - u->count;
	}

	uint64_t done = 0;
	struct cabo_batch b;
	while (done < want && u->active) {
		unsigned ask = want - done < CABO_BATCH_MAX ? (unsigned)(want - done)
							    : CABO_BATCH_MAX;
		unsigned n = cabo_input_pull(&u->e, 0, &b, ask);
		if (!n) {
			/* Sleep until a queue upstream becomes non-empty. */
			if (u->nsignals && !cabo_notifiers_any_active(u->signals, u->nsignals))
				cabo_task_unschedule(t);
			break;
		}
		done += n;
		u->count += n;
		cabo_output_push(&u->e, 0, &b);
		if (n < ask)
			break;   /* upstream ran dry; the next run finds out */
	}
	if (!u->active || limit_reached(u))
		cabo_task_unschedule(t);
	return done > 0;
}

/* ---- Handlers */

static int read_i32(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_strbuf_printf(out, "%" PRId32, *(const int32_t *)((char *)e + (uintptr_t)arg));
	return 0;
}

/* After any write: run again if there is work allowed (Click's rule). */
static void maybe_reschedule(struct unqueue *u)
{
	if (u->active && !u->task.scheduled && !limit_reached(u))
		cabo_task_schedule(&u->task);
}

static int write_active(struct cabo_element *e, const char *value, const void *arg,
			struct cabo_errh *errh)
{
	struct unqueue *u = (struct unqueue *)e;
	if (!cabo_parse_bool(value, &u->active))
		return cabo_errh_error(errh, "expected boolean");
	maybe_reschedule(u);
	return 0;
}

static int write_int(struct cabo_element *e, const char *value, const void *arg,
		     struct cabo_errh *errh)
{
	struct unqueue *u = (struct unqueue *)e;
	int64_t v;
	if (!cabo_parse_int(value, &v) || v < INT32_MIN || v > INT32_MAX)
		return cabo_errh_error(errh, "expected integer");
	int32_t *field = (int32_t *)((char *)e + (uintptr_t)arg);
	*field = (int32_t)v;
	if (field == &u->burst && u->burst < 0)
		u->burst = UNQUEUE_UNLIMITED_BURST;
	maybe_reschedule(u);
	return 0;
}

static int write_reset(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	struct unqueue *u = (struct unqueue *)e;
	u->count = 0;
	maybe_reschedule(u);
	return 0;
}

static const struct cabo_handler unqueue_handlers[] = {
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct unqueue, count), 0 },
	{ "reset", NULL, write_reset, NULL, CABO_HANDLER_BUTTON },
	{ "reset_counts", NULL, write_reset, NULL, CABO_HANDLER_BUTTON },
	{ "active", cabo_read_bool_field, write_active, CABO_FIELD(struct unqueue, active), 0 },
	{ "burst", read_i32, write_int, CABO_FIELD(struct unqueue, burst), 0 },
	{ "limit", read_i32, write_int, CABO_FIELD(struct unqueue, limit), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(unqueue_class) = {
	.name = "Unqueue", .port_count = "1/1", .processing = "l/h",
	.size = sizeof(struct unqueue), .configure = unqueue_configure,
	.initialize = unqueue_initialize, .handlers = unqueue_handlers,
	.drop_reasons = NULL,
};

/*
 * =c
 * Discard([KEYWORDS ACTIVE, BURST])
 * =s
 * drops all packets
 * =ports
 * 1 input, no outputs
 * =processing
 * agnostic
 * =d
 * Discards every packet that arrives on its single input.  Pushed batches are
 * freed in one step.  In pull context a task pulls packets whenever they are
 * available and frees them; it sleeps while the empty notifiers upstream
 * (such as a Queue's) say there is nothing to pull.
 *
 * Discarding is what Discard is for, so its packets are counted in "count",
 * not as drops.
 * =k ACTIVE
 * Boolean.  If false, Discard does not pull.  Default true.  Only meaningful
 * in pull context; false in push context is an error.
 * =k BURST
 * Unsigned.  Most packets to pull per task run.  0 means pull until the
 * input runs dry (at most 4096 per run).  Default 64, one batch (Click's
 * default is 1 packet; Cabo pulls whole batches).  Only meaningful in pull
 * context.
 * =h count read
 * Returns the number of packets discarded.
 * =h reset_counts write
 * Resets "count" to 0.
 * =h active read/write
 * Returns or sets ACTIVE (pull context).
 * =e
 *   InfiniteSource(LIMIT 1000, STOP true) -> d :: Discard;
 * =a
 * Queue, Idle
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "task.h"

enum { UNLIMITED_BURST_CAP = 4096, MAX_NOTIFIERS = 8 };

struct discard {
	struct cabo_element e;
	uint64_t count;
	uint32_t burst;
	bool active;
	bool pull;
	struct cabo_task task;
	struct cabo_notifier *notifiers[MAX_NOTIFIERS];
	unsigned nnotifiers;
};

static int discard_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct discard *d = (struct discard *)e;
	uint64_t burst = CABO_BATCH_MAX;
	d->active = true;
	cabo_args_read_bool(a, "ACTIVE", 0, &d->active);
	cabo_args_read_uint(a, "BURST", 0, &burst);
	if (cabo_args_complete(a) < 0)
		return -1;
	d->burst = burst == 0 || burst > UNLIMITED_BURST_CAP ? UNLIMITED_BURST_CAP
							    : (uint32_t)burst;
	return 0;
}

static bool discard_fire(struct cabo_task *t);

static int discard_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct discard *d = (struct discard *)e;
	d->pull = !e->inputs[0].push;
	if (!d->pull) {
		if (!d->active)
			return cabo_errh_error(errh, "ACTIVE is meaningless in push context");
		return 0;
	}
	cabo_task_init(&d->task, e, discard_fire, d);
	d->nnotifiers = cabo_notifier_upstream(e, 0, d->notifiers, MAX_NOTIFIERS);
	for (unsigned i = 0; i < d->nnotifiers; i++)
		if (cabo_notifier_listen(d->notifiers[i], &d->task) < 0) {
			d->nnotifiers = 0;   /* cannot be woken: poll */
			break;
		}
	if (d->active)
		cabo_task_schedule(&d->task);
	return 0;
}

static void discard_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct discard *d = (struct discard *)e;
	d->count += b->count;
	cabo_packet_free_batch(b->p, b->count);
	b->count = 0;
}

static bool discard_fire(struct cabo_task *t)
{
	struct discard *d = t->arg;
	if (!d->active) {
		cabo_task_unschedule(t);
		return false;
	}
	uint32_t total = 0;
	while (total < d->burst) {
		struct cabo_batch b;
		uint32_t want = d->burst - total;
		unsigned n = cabo_input_pull(&d->e, 0, &b,
					     want > CABO_BATCH_MAX ? CABO_BATCH_MAX : want);
		if (!n)
			break;
		cabo_packet_free_batch(b.p, n);
		total += n;
	}
	d->count += total;
	/* Nothing to pull and every upstream notifier asleep: sleep until one
	 * of them wakes the task. */
	if (!total && d->nnotifiers && !cabo_notifiers_any_active(d->notifiers, d->nnotifiers))
		cabo_task_unschedule(t);
	return total > 0;
}

static int write_active(struct cabo_element *e, const char *value, const void *arg,
			struct cabo_errh *errh)
{
	struct discard *d = (struct discard *)e;
	if (cabo_write_bool_field(e, value, arg, errh) < 0)
		return -1;
	if (d->pull) {
		if (d->active)
			cabo_task_schedule(&d->task);
		else
			cabo_task_unschedule(&d->task);
	}
	return 0;
}

static int write_reset(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	((struct discard *)e)->count = 0;
	return 0;
}

static const struct cabo_handler discard_handlers[] = {
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct discard, count), 0 },
	{ "reset_counts", NULL, write_reset, NULL, CABO_HANDLER_BUTTON },
	{ "active", cabo_read_bool_field, write_active, CABO_FIELD(struct discard, active), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(discard_class) = {
	.name = "Discard", .port_count = "1/0", .processing = "a/a",
	.size = sizeof(struct discard), .configure = discard_configure,
	.initialize = discard_initialize, .push = discard_push,
	.handlers = discard_handlers,
};

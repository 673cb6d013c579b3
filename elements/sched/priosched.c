/*
 * =c
 * PrioSched
 * =s
 * pulls from priority-scheduled inputs
 * =ports
 * any number of inputs, 1 output
 * =processing
 * pull
 * =d
 * Each pull on the output is served from input 0 if it has packets, else
 * from input 1, and so on: a strict priority scheduler in which a lower input
 * number is a higher priority.  A batch pull takes as many packets as it can
 * from input 0, fills the rest from input 1, and so on, which is what the
 * same number of single pulls would give.
 *
 * The inputs are usually Queues or other pull schedulers.  Inputs whose
 * upstream queues all have inactive empty notifiers are not pulled.
 * PrioSched has no notifier of its own: a task downstream (Unqueue) listens
 * to the queues behind it directly.
 * =e
 *   high -> q0 :: Queue -> [0] ps :: PrioSched;
 *   low -> q1 :: Queue -> [1] ps;
 *   ps -> Unqueue(BURST 32) -> Discard;
 * =a
 * RoundRobinSched, Queue, Unqueue
 */
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "task.h"

enum { PRIO_MAX_SIGNALS = 16 };

struct prio_input {
	unsigned nsignals;          /* 0: no notification, always pull */
	struct cabo_notifier *signals[PRIO_MAX_SIGNALS];
};

struct priosched {
	struct cabo_element e;
	struct prio_input *in;
};

static int priosched_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct priosched *s = (struct priosched *)e;
	s->in = cabo_xcalloc(e->ninputs ? e->ninputs : 1, sizeof *s->in);
	for (unsigned i = 0; i < e->ninputs; i++) {
		struct prio_input *in = &s->in[i];
		in->nsignals = cabo_notifier_upstream(e, i, in->signals, PRIO_MAX_SIGNALS);
		if (in->nsignals >= PRIO_MAX_SIGNALS)
			in->nsignals = 0;
	}
	return 0;
}

static void priosched_cleanup(struct cabo_element *e)
{
	struct priosched *s = (struct priosched *)e;
	free(s->in);
	s->in = NULL;
}

static unsigned priosched_pull(struct cabo_element *e, unsigned port,
			       struct cabo_batch *b, unsigned max)
{
	struct priosched *s = (struct priosched *)e;
	if (max > CABO_BATCH_MAX)
		max = CABO_BATCH_MAX;
	b->count = 0;
	for (unsigned i = 0; i < e->ninputs && b->count < max; i++) {
		const struct prio_input *in = &s->in[i];
		if (in->nsignals && !cabo_notifiers_any_active(in->signals, in->nsignals))
			continue;
		if (!b->count) {
			cabo_input_pull(e, i, b, max);
		} else {
			struct cabo_batch tmp;
			unsigned n = cabo_input_pull(e, i, &tmp, max - b->count);
			memcpy(b->p + b->count, tmp.p, n * sizeof *tmp.p);
			b->count += n;
		}
	}
	return b->count;
}

CABO_ELEMENT_CLASS(priosched_class) = {
	.name = "PrioSched", .port_count = "-/1", .processing = "l/l",
	.size = sizeof(struct priosched), .initialize = priosched_initialize,
	.cleanup = priosched_cleanup, .pull = priosched_pull,
	.handlers = NULL, .drop_reasons = NULL,
};

/*
 * =c
 * Idle
 * =s
 * discards packets, never produces any
 * =ports
 * any number of inputs, any number of outputs
 * =processing
 * agnostic
 * =d
 * Idle never pushes a packet to any output and never pulls from any input.
 * A packet pushed into it is dropped (counted with drop reason "idle").
 * Pulling from it returns nothing.  Idle is often used to leave a port
 * deliberately unused, avoiding "not connected" errors.
 *
 * Idle provides an empty notifier that is always asleep, so a task pulling
 * from it (through a Queue, say: `Idle -> Queue -> Discard`) goes to sleep
 * instead of polling.
 * =e
 *   Idle -> [1] rr :: RoundRobinSched;
 * =a
 * Discard, Null
 */
#include "element.h"
#include "task.h"

struct idle {
	struct cabo_element e;
	struct cabo_notifier notifier;   /* never active */
};

enum { DROP_IDLE };
static const char *const idle_drop_reasons[] = { "idle", NULL };

static int idle_configure(struct cabo_element *e, struct cabo_args *a)
{
	cabo_notifier_init(&((struct idle *)e)->notifier, false);
	return cabo_args_complete(a);
}

static void idle_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	for (unsigned i = 0; i < b->count; i++)
		cabo_element_drop(e, b->p[i], DROP_IDLE);
	b->count = 0;
}

static unsigned idle_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			  unsigned max)
{
	b->count = 0;
	return 0;
}

static struct cabo_notifier *idle_empty_notifier(struct cabo_element *e, unsigned port)
{
	return &((struct idle *)e)->notifier;
}

CABO_ELEMENT_CLASS(idle_class) = {
	.name = "Idle", .port_count = "-/-", .processing = "a/a",
	.size = sizeof(struct idle), .configure = idle_configure,
	.push = idle_push, .pull = idle_pull, .empty_notifier = idle_empty_notifier,
	.drop_reasons = idle_drop_reasons,
};

/*
 * =c
 * RoundRobinSwitch
 * =s
 * sends packets to round-robin outputs
 * =ports
 * 1 input, 1 or more outputs
 * =processing
 * push
 * =d
 * Sends each arriving packet out the next output in turn: the first packet
 * out output 0, the next out output 1, and so on, wrapping around after the
 * last output.  The rotation carries over from one batch to the next, so
 * packet k (counting from 0) always leaves output k mod N.  Each output
 * receives its packets in arrival order.
 * =e
 *   src -> rr :: RoundRobinSwitch;
 *   rr[0] -> q0 :: Queue -> ...
 *   rr[1] -> q1 :: Queue -> ...
 * =a
 * Switch, StaticSwitch, PaintSwitch, Tee
 */
#include "element.h"

struct roundrobinswitch {
	struct cabo_element e;
	unsigned next;
};

/* Never used: every output computed below exists. */
enum { DROP_NO_OUTPUT };
static const char *const drop_reasons[] = { "no output", NULL };

static int roundrobinswitch_configure(struct cabo_element *e, struct cabo_args *a)
{
	return cabo_args_complete(a);
}

static void roundrobinswitch_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct roundrobinswitch *rr = (struct roundrobinswitch *)e;
	unsigned n = e->noutputs, next = rr->next;
	if (n == 1) {
		cabo_output_push(e, 0, b);
		return;
	}
	int ports[CABO_BATCH_MAX];
	for (unsigned i = 0; i < b->count; i++) {
		ports[i] = (int)next;
		if (++next == n)
			next = 0;
	}
	rr->next = next;
	cabo_output_push_each(e, b, ports, DROP_NO_OUTPUT);
}

CABO_ELEMENT_CLASS(roundrobinswitch_class) = {
	.name = "RoundRobinSwitch", .port_count = "1/1-", .processing = "h/h",
	.size = sizeof(struct roundrobinswitch), .configure = roundrobinswitch_configure,
	.push = roundrobinswitch_push, .drop_reasons = drop_reasons,
};

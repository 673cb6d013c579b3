/*
 * =c
 * StaticSwitch(OUTPUT)
 * =s
 * sends packet stream to fixed output
 * =ports
 * 1 input, any number of outputs
 * =processing
 * push
 * =d
 * StaticSwitch sends every incoming packet out output OUTPUT.  A negative
 * OUTPUT, or one that names no connected output, drops the packets instead
 * (counted with reason "switched off").
 *
 * StaticSwitch differs from Switch in that OUTPUT cannot be changed while
 * the router runs: it has no switch handler.
 * =k OUTPUT
 * The output to use, or a negative number to drop.  Mandatory.
 * =e
 *   src -> s :: StaticSwitch(1);
 *   s[0] -> Discard;
 *   s[1] -> c :: Counter -> Discard;
 * =a
 * Switch, PaintSwitch, RoundRobinSwitch
 */
#include <limits.h>

#include "element.h"

struct staticswitch {
	struct cabo_element e;
	int output;
};

enum { DROP_OFF };
static const char *const drop_reasons[] = { "switched off", NULL };

static int staticswitch_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct staticswitch *sw = (struct staticswitch *)e;
	int64_t output = -1;
	cabo_args_read_int(a, "OUTPUT", CABO_ARG_MP, &output);
	/* As in Click, an output that is not connected means "drop". */
	sw->output = output < 0 || output >= (int64_t)e->noutputs ? -1 : (int)output;
	return cabo_args_complete(a);
}

static void staticswitch_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	int output = ((struct staticswitch *)e)->output;
	if (output >= 0) {
		cabo_output_push(e, (unsigned)output, b);
		return;
	}
	for (unsigned i = 0; i < b->count; i++)
		cabo_element_drop(e, b->p[i], DROP_OFF);
	b->count = 0;
}

CABO_ELEMENT_CLASS(staticswitch_class) = {
	.name = "StaticSwitch", .port_count = "1/-", .processing = "h/h",
	.size = sizeof(struct staticswitch), .configure = staticswitch_configure,
	.push = staticswitch_push, .drop_reasons = drop_reasons,
};

/*
 * =c
 * Switch([OUTPUT])
 * =s
 * sends packet stream to settable output
 * =ports
 * 1 input, any number of outputs
 * =processing
 * push
 * =d
 * Switch sends every incoming packet out one of its outputs: OUTPUT.  The
 * default OUTPUT is 0; a negative OUTPUT drops the packets instead (counted
 * with reason "switched off").  OUTPUT can be changed at run time with the
 * switch handler.  Switch has as many outputs as the configuration
 * connects; configuring an OUTPUT that is not less than that number is an
 * error.
 * =k OUTPUT
 * The output to use, or a negative number to drop.  Default 0.
 * =h switch read/write
 * Returns or sets OUTPUT.  Writing an integer that names no output sets
 * OUTPUT to -1 (drop), as in Click; writing anything but an integer is an
 * error.
 * =h config read
 * Returns the current OUTPUT (as in Click, the configuration reflects the
 * switch handler).
 * =e
 *   src -> s :: Switch(0);
 *   s[0] -> primary :: Queue -> ...
 *   s[1] -> backup :: Queue -> ...
 *   Script(wait 10s, write s.switch 1)
 * =a
 * StaticSwitch, PaintSwitch, RoundRobinSwitch, Tee
 *
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

/* Switch and StaticSwitch differ only in how OUTPUT is set: StaticSwitch
 * reads it once and has no switch handler. */
struct switch_element {
	struct cabo_element e;
	int output;                   /* < 0: drop */
};

enum { DROP_OFF };
static const char *const drop_reasons[] = { "switched off", NULL };

static int switch_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct switch_element *sw = (struct switch_element *)e;
	int64_t output = 0;
	cabo_args_read_int(a, "OUTPUT", CABO_ARG_POSITIONAL, &output);
	if (cabo_args_complete(a) < 0)
		return -1;
	if (output >= (int64_t)e->noutputs)
		return cabo_errh_error(a->errh, "OUTPUT must be less than %u, the number of outputs",
				       e->noutputs);
	sw->output = output < INT_MIN ? -1 : (int)output;
	return 0;
}

static int staticswitch_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct switch_element *sw = (struct switch_element *)e;
	int64_t output = -1;
	cabo_args_read_int(a, "OUTPUT", CABO_ARG_MP, &output);
	/* As in Click, an output that is not connected means "drop". */
	sw->output = output < 0 || output >= (int64_t)e->noutputs ? -1 : (int)output;
	return cabo_args_complete(a);
}

static void switch_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	int output = ((struct switch_element *)e)->output;
	if (output >= 0) {
		cabo_output_push(e, (unsigned)output, b);
		return;
	}
	for (unsigned i = 0; i < b->count; i++)
		cabo_element_drop(e, b->p[i], DROP_OFF);
	b->count = 0;
}

static int read_switch(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_strbuf_printf(out, "%d", ((struct switch_element *)e)->output);
	return 0;
}

static int write_switch(struct cabo_element *e, const char *value, const void *arg,
			struct cabo_errh *errh)
{
	struct switch_element *sw = (struct switch_element *)e;
	int64_t v;
	if (!cabo_parse_int(value, &v))
		return cabo_errh_error(errh, "Switch output must be integer");
	sw->output = v < INT_MIN || v >= (int64_t)e->noutputs ? -1 : (int)v;
	return 0;
}

static const struct cabo_handler switch_handlers[] = {
	{ "switch", read_switch, write_switch, NULL, 0 },
	{ "config", read_switch, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(switch_class) = {
	.name = "Switch", .port_count = "1/-", .processing = "h/h",
	.size = sizeof(struct switch_element), .configure = switch_configure,
	.push = switch_push, .handlers = switch_handlers, .drop_reasons = drop_reasons,
};

CABO_ELEMENT_CLASS(staticswitch_class) = {
	.name = "StaticSwitch", .port_count = "1/-", .processing = "h/h",
	.size = sizeof(struct switch_element), .configure = staticswitch_configure,
	.push = switch_push, .drop_reasons = drop_reasons,
};

/*
 * =c
 * CheckLength(LENGTH)
 * =s
 * drops or diverts packets longer than a length
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * push
 * =d
 * Packets of at most LENGTH bytes go to output 0.  Longer packets go to
 * output 1 when it is connected (for example to an ICMP "packet too big"
 * error), and are otherwise dropped, counted under the reason "too long".
 * =k LENGTH
 * Unsigned.  The longest packet passed on output 0.
 * =h length read/write
 * Returns or sets LENGTH.
 * =e
 *   ... -> cl :: CheckLength(1500) -> ToDevice(eth0);
 *   cl [1] -> ICMP6Error(2001:db8::1, packettoobig, PMTU 1500) -> ...
 * =a
 * IPFragmenter, ICMP6Error
 */
#include <stddef.h>

#include "element.h"

enum { DROP_TOO_LONG };

static const char *const checklength_drop_reasons[] = { "too long", NULL };

struct checklength {
	struct cabo_element e;
	uint32_t length;
};

static int checklength_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct checklength *c = (struct checklength *)e;
	uint64_t length = 0;
	if (cabo_args_read_uint(a, "LENGTH", CABO_ARG_MP, &length) && length > UINT32_MAX)
		cabo_args_error(a, "LENGTH: out of range");
	c->length = (uint32_t)length;
	return cabo_args_complete(a);
}

static void checklength_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	const struct checklength *c = (const struct checklength *)e;
	int ports[CABO_BATCH_MAX];
	for (unsigned i = 0; i < b->count; i++)
		ports[i] = b->p[i]->length > c->length;
	cabo_output_push_each(e, b, ports, DROP_TOO_LONG);
}

static const struct cabo_handler checklength_handlers[] = {
	{ "length", cabo_read_u32_field, cabo_write_u32_field,
	  CABO_FIELD(struct checklength, length), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(checklength_class) = {
	.name = "CheckLength", .port_count = "1/1-2", .processing = "h/h",
	.size = sizeof(struct checklength),
	.configure = checklength_configure,
	.push = checklength_push,
	.handlers = checklength_handlers,
	.drop_reasons = checklength_drop_reasons,
};

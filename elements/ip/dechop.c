/* Support for the hop-count decrementers (not an element class): see
 * dechop.h. */
#include <stddef.h>

#include "element.h"
#include "dechop.h"

int dechop_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct dechop *d = (struct dechop *)e;
	d->active = d->multicast = true;
	cabo_args_read_bool(a, "ACTIVE", 0, &d->active);
	cabo_args_read_bool(a, "MULTICAST", 0, &d->multicast);
	return cabo_args_complete(a);
}

void dechop_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct dechop *d = (struct dechop *)e;
	struct cabo_batch expired;
	expired.count = 0;
	d->dec_batch(d, b, &expired);
	cabo_output_push(e, 0, b);
	cabo_output_push(e, 1, &expired);
}

unsigned dechop_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b, unsigned max)
{
	struct dechop *d = (struct dechop *)e;
	struct cabo_batch expired;
	expired.count = 0;
	if (!cabo_input_pull(e, 0, b, max))
		return 0;
	d->dec_batch(d, b, &expired);
	cabo_output_push(e, 1, &expired);
	return b->count;
}

const struct cabo_handler dechop_handlers[] = {
	{ "drops", cabo_read_u64_field, NULL, CABO_FIELD(struct dechop, drops), 0 },
	{ "active", cabo_read_bool_field, cabo_write_bool_field,
	  CABO_FIELD(struct dechop, active), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

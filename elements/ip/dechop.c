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

static void run_dec(struct dechop *d, struct cabo_batch *b, struct cabo_batch *expired)
{
	d->dec_batch(d, b, expired);
}

CABO_SPLIT_BATCH_FUNCTIONS(, dechop, struct dechop, run_dec)

const struct cabo_handler dechop_handlers[] = {
	{ "drops", cabo_read_u64_field, NULL, CABO_FIELD(struct dechop, drops), 0 },
	{ "active", cabo_read_bool_field, cabo_write_bool_field,
	  CABO_FIELD(struct dechop, active), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

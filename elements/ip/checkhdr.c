/* Support for the header checkers (not an element class): see checkhdr.h. */
#include <stdint.h>
#include <stdio.h>

#include "element.h"
#include "checkhdr.h"

void checkhdr_reject(struct checkhdr *h, struct cabo_packet *p, int reason,
		     struct cabo_batch *bad)
{
	if (h->drops == 0 || h->verbose) {
		fprintf(stderr, "%s: %s header check failed: %s\n", h->e.name, h->what,
			h->e.cls->drop_reasons[reason]);
		fflush(stderr);
	}
	h->drops++;
	h->reason_drops[reason]++;
	if (h->e.noutputs > 1)
		cabo_batch_add(bad, p);
	else
		cabo_element_drop(&h->e, p, (unsigned)reason);
}

static void run_check(struct checkhdr *h, struct cabo_batch *b, struct cabo_batch *bad)
{
	h->check_batch(h, b, bad);
}

CABO_SPLIT_BATCH_FUNCTIONS(, checkhdr, struct checkhdr, run_check)

static int read_drops(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct checkhdr *h = (struct checkhdr *)e;
	if (!arg) {
		cabo_strbuf_printf(out, "%llu", (unsigned long long)h->drops);
		return 0;
	}
	const char *const *reasons = e->cls->drop_reasons;
	for (unsigned i = 0; reasons[i]; i++)
		cabo_strbuf_printf(out, "%llu\t%s\n", (unsigned long long)h->reason_drops[i],
				   reasons[i]);
	return 0;
}

const struct cabo_handler checkhdr_handlers[] = {
	{ "drops", read_drops, NULL, NULL, 0 },
	{ "drop_details", read_drops, NULL, (const void *)1, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

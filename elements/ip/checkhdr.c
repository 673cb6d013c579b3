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

void checkhdr_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct checkhdr *h = (struct checkhdr *)e;
	struct cabo_batch bad;
	bad.count = 0;
	h->check_batch(h, b, &bad);
	cabo_output_push(e, 0, b);
	cabo_output_push(e, 1, &bad);
}

unsigned checkhdr_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
		       unsigned max)
{
	struct checkhdr *h = (struct checkhdr *)e;
	struct cabo_batch bad;
	bad.count = 0;
	if (!cabo_input_pull(e, 0, b, max))
		return 0;
	h->check_batch(h, b, &bad);
	cabo_output_push(e, 1, &bad);
	return b->count;
}

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

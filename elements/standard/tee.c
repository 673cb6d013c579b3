/*
 * =c
 * Tee([N])
 * =s
 * duplicates packets
 * =ports
 * 1 input, 1 or more outputs
 * =processing
 * push
 * =d
 * Tee sends a copy of each incoming packet out each of its outputs.  It has
 * as many outputs as the configuration connects; N, when given, states how
 * many you expect, and a different number of connected outputs is an error.
 *
 * As in Click, outputs 0 to N-2 receive clones and the last output receives
 * the original packet, and the outputs are served in order (every packet of a
 * batch leaves output 0, then output 1, and so on).  A clone shares the
 * original's data buffer until one of them is modified (copy-on-write), so
 * duplicating is cheap.  When the pipeline's packet pool is exhausted a clone
 * cannot be made: that output misses the packet and the miss is counted as a
 * drop with reason "no buffer for clone".
 *
 * Click's PullTee is not provided.
 * =e
 *   FromDump(in.pcap) -> t :: Tee;
 *   t[0] -> Counter -> Discard;
 *   t[1] -> ToDump(copy.pcap);
 * =a
 * PaintTee, Switch, RoundRobinSwitch
 */
#include "element.h"

struct tee {
	struct cabo_element e;
};

enum { DROP_NO_CLONE };
static const char *const drop_reasons[] = { "no buffer for clone", NULL };

/* Clones are made for up to GROUP outputs at a time, so each packet's clones
 * for those outputs come from one cabo_packet_clone_batch() call (one
 * reference-count update) while the stack holds only GROUP batches. */
enum { GROUP = 4 };

static int tee_configure(struct cabo_element *e, struct cabo_args *a)
{
	uint64_t n = e->noutputs;
	cabo_args_read_uint(a, "N", CABO_ARG_POSITIONAL, &n);
	if (cabo_args_complete(a) < 0)
		return -1;
	if (n != e->noutputs)
		return cabo_errh_error(a->errh, "N is %llu, but %u outputs are connected",
				       (unsigned long long)n, e->noutputs);
	return 0;
}

/* Pushes clones of every packet of b to outputs [first, first + g). */
static void push_clones(struct cabo_element *e, const struct cabo_batch *b,
			unsigned first, unsigned g)
{
	struct cabo_batch out[GROUP];
	for (unsigned k = 0; k < g; k++)
		cabo_batch_init(&out[k]);
	for (unsigned i = 0; i < b->count; i++) {
		struct cabo_packet *c[GROUP];
		unsigned got = cabo_packet_clone_batch(b->p[i], c, g);
		for (unsigned k = 0; k < got; k++)
			cabo_batch_add(&out[k], c[k]);
		e->drops[DROP_NO_CLONE] += g - got;
	}
	for (unsigned k = 0; k < g; k++)
		cabo_output_push(e, first + k, &out[k]);
}

static void tee_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	unsigned last = e->noutputs - 1;
	/* The originals must stay alive until every clone exists: they are
	 * handed on last, to the last output. */
	for (unsigned first = 0; first < last; first += GROUP) {
		unsigned g = last - first < GROUP ? last - first : GROUP;
		push_clones(e, b, first, g);
	}
	cabo_output_push(e, last, b);
}

CABO_ELEMENT_CLASS(tee_class) = {
	.name = "Tee", .port_count = "1/1-", .processing = "h/h",
	.size = sizeof(struct tee), .configure = tee_configure,
	.push = tee_push, .drop_reasons = drop_reasons,
};

/*
 * =c
 * PaintSwitch([ANNO])
 * =s
 * sends each packet to the output its paint annotation names
 * =ports
 * 1 input, any number of outputs
 * =processing
 * push
 * =d
 * PaintSwitch sends every packet out output K, where K is the value of the
 * packet's paint annotation (see Paint).  A packet painted 255 is duplicated
 * and sent out every output (clones to all outputs but the last, the
 * original to the last), so PaintSwitch can have up to 255 outputs.  A
 * packet whose paint names no output is dropped and counted with reason
 * "no output for paint".
 *
 * Packets of one batch keep their order on each output.  When the packet
 * pool is exhausted while duplicating a packet painted 255, the outputs
 * that get no clone are counted with reason "no buffer for clone".
 * =k ANNO
 * The annotation holding the output number.  Click accepts any one-byte
 * annotation here; Cabo keeps only the paint annotation in its packet
 * annotations, so the only accepted value is PAINT (the default).  Any other
 * value is a configuration error.
 * =e
 *   src -> Paint(1) -> q :: Queue -> Unqueue -> ps :: PaintSwitch;
 *   ps[0] -> ToDump(zero.pcap);
 *   ps[1] -> ToDump(one.pcap);
 * =a
 * Paint, PaintTee, Switch, StaticSwitch, RoundRobinSwitch
 */
#include <string.h>

#include "element.h"
#include "paintcolor.h"

struct paintswitch {
	struct cabo_element e;
};

enum { DROP_NO_OUTPUT, DROP_NO_CLONE };
static const char *const drop_reasons[] = {
	"no output for paint",
	"no buffer for clone",
	NULL,
};

enum { PAINT_ALL = 255 };

/* ---- Packets */

/* Sends p out every output: clones to all outputs but the last, p itself
 * to the last (Click's order). */
static void push_all(struct cabo_element *e, struct cabo_packet *p)
{
	unsigned n = e->noutputs;
	if (!n) {
		cabo_element_drop(e, p, DROP_NO_OUTPUT);
		return;
	}
	for (unsigned i = 0; i + 1 < n; i++) {
		struct cabo_packet *q = cabo_packet_clone(p);
		if (q)
			cabo_output_push_one(e, i, q);
		else
			e->drops[DROP_NO_CLONE]++;
	}
	cabo_output_push_one(e, n - 1, p);
}

/* Splits b[from, to) by paint with one pass of cabo_output_push_each. */
static void push_range(struct cabo_element *e, struct cabo_batch *b, unsigned from,
		       unsigned to, const int *ports)
{
	if (from == 0 && to == b->count) {
		cabo_output_push_each(e, b, ports, DROP_NO_OUTPUT);
		return;
	}
	struct cabo_batch part;
	part.count = to - from;
	memcpy(part.p, b->p + from, part.count * sizeof part.p[0]);
	cabo_output_push_each(e, &part, ports + from, DROP_NO_OUTPUT);
}

static void paintswitch_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	int ports[CABO_BATCH_MAX];
	bool any_all = false;
	for (unsigned i = 0; i < b->count; i++) {
		ports[i] = b->p[i]->anno.paint;
		any_all |= ports[i] == PAINT_ALL;
	}
	if (!any_all) {
		cabo_output_push_each(e, b, ports, DROP_NO_OUTPUT);
		return;
	}
	/* Rare: packets painted 255 go everywhere.  Split the batch around
	 * them so every output still sees the packets in arrival order. */
	unsigned n = b->count, start = 0;
	for (unsigned i = 0; i < n; i++) {
		if (ports[i] != PAINT_ALL)
			continue;
		if (i > start)
			push_range(e, b, start, i, ports);
		push_all(e, b->p[i]);
		start = i + 1;
	}
	if (start < n)
		push_range(e, b, start, n, ports);
}

CABO_ELEMENT_CLASS(paintswitch_class) = {
	.name = "PaintSwitch", .port_count = "1/-", .processing = "h/h",
	.size = sizeof(struct paintswitch), .configure = cabo_paint_configure_anno,
	.push = paintswitch_push, .drop_reasons = drop_reasons,
};

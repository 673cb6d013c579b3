/*
 * =c
 * PaintTee(COLOR [, ANNO])
 * =s
 * duplicates packets with a given paint annotation
 * =ports
 * 1 input, 2 outputs
 * =processing
 * agnostic input and output 0, push output 1
 * =d
 * PaintTee passes every packet through output 0.  When a packet's paint
 * annotation equals COLOR (an integer from 0 to 255), it also sends a clone
 * of the packet out output 1.  A clone shares the original's data until one
 * of them is modified (copy-on-write).
 *
 * In push mode the clones of a batch leave output 1 before the originals
 * leave output 0 (Click, packet by packet, also emits the copy first).  In
 * pull mode the clones are pushed out output 1 while the pull is answered.
 * When the pipeline's packet pool is exhausted a clone cannot be made; the
 * miss is counted as a drop with reason "no buffer for clone" and the
 * original still goes out output 0.
 * =k COLOR
 * The colour to match, 0 to 255.  Mandatory.
 * =k ANNO
 * The annotation holding the colour.  Click accepts any one-byte annotation
 * here; Cabo keeps only the paint annotation in its packet annotations, so
 * the only accepted value is PAINT (the default).  Any other value is a
 * configuration error.
 * =h color read/write
 * Returns or sets COLOR.
 * =e
 * Send a copy of packets that leave on the interface they arrived on to an
 * ICMP redirect generator:
 *
 *   src -> Paint(7) -> rt;
 *   rt[7] -> pt :: PaintTee(7) -> Queue -> ToDump(out7.pcap);
 *   pt[1] -> redirects :: Counter -> Discard;
 * =a
 * Paint, PaintSwitch, Tee
 */
#include "element.h"
#include "paintcolor.h"

/* State, configure (COLOR, ANNO) and the color handler are Paint's too:
 * see paintcolor.c. */

enum { DROP_NO_CLONE };
static const char *const drop_reasons[] = { "no buffer for clone", NULL };

/* ---- Packets */

/* Pushes clones of b's packets painted `color` out output 1. */
static void push_clones(struct cabo_paint *pt, const struct cabo_batch *b)
{
	struct cabo_batch c;
	cabo_batch_init(&c);
	for (unsigned i = 0; i < b->count; i++) {
		if (b->p[i]->anno.paint != pt->color)
			continue;
		struct cabo_packet *q = cabo_packet_clone(b->p[i]);
		if (q)
			cabo_batch_add(&c, q);
		else
			pt->e.drops[DROP_NO_CLONE]++;
	}
	cabo_output_push(&pt->e, 1, &c);
}

static void painttee_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	push_clones((struct cabo_paint *)e, b);
	cabo_output_push(e, 0, b);
}

static unsigned painttee_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			      unsigned max)
{
	unsigned n = cabo_input_pull(e, 0, b, max);
	if (n)
		push_clones((struct cabo_paint *)e, b);
	return n;
}

CABO_ELEMENT_CLASS(painttee_class) = {
	.name = "PaintTee", .port_count = "1/2", .processing = "a/ah",
	.size = sizeof(struct cabo_paint), .configure = cabo_paint_configure,
	.push = painttee_push, .pull = painttee_pull,
	.handlers = cabo_paint_handlers, .drop_reasons = drop_reasons,
};

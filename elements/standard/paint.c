/*
 * =c
 * Paint(COLOR [, ANNO])
 * =s
 * sets packet paint annotations
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Sets each packet's paint annotation to COLOR, an integer from 0 to 255.
 * The paint annotation travels with the packet (clones and copies keep it);
 * PaintTee, PaintSwitch and other elements act on it.
 * =k COLOR
 * The colour to paint, 0 to 255.  Mandatory.
 * =k ANNO
 * The annotation to set.  Click accepts any one-byte annotation here; Cabo
 * keeps only the paint annotation in its packet annotations, so the only
 * accepted value is PAINT (the default).  Any other value is a configuration
 * error.
 * =h color read/write
 * Returns or sets the colour to paint.
 * =e
 *   FromDump(a.pcap) -> Paint(0) -> rt;
 *   FromDump(b.pcap) -> Paint(1) -> rt;
 *   rt :: Queue -> Unqueue -> PaintSwitch -> ...
 * =a
 * PaintTee, PaintSwitch
 */
#include "element.h"
#include "paintcolor.h"

/* State, configure (COLOR, ANNO) and the color handler are PaintTee's too:
 * see paintcolor.c. */

static void paint_batch(const struct cabo_paint *pa, struct cabo_batch *b)
{
	uint8_t color = pa->color;
	for (unsigned i = 0; i < b->count; i++)
		b->p[i]->anno.paint = color;
}

static void paint_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	paint_batch((struct cabo_paint *)e, b);
	cabo_output_push(e, 0, b);
}

static unsigned paint_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			   unsigned max)
{
	unsigned n = cabo_input_pull(e, 0, b, max);
	paint_batch((struct cabo_paint *)e, b);
	return n;
}

CABO_ELEMENT_CLASS(paint_class) = {
	.name = "Paint", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct cabo_paint), .configure = cabo_paint_configure,
	.push = paint_push, .pull = paint_pull, .handlers = cabo_paint_handlers,
};

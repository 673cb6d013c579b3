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
#include <stdlib.h>
#include <string.h>

#include "element.h"

struct paint {
	struct cabo_element e;
	uint8_t color;
};

/* ---- Configuration */

static bool parse_color(const char *s, uint8_t *out)
{
	uint64_t v;
	if (!cabo_parse_uint(s, &v) || v > 255)
		return false;
	*out = (uint8_t)v;
	return true;
}

/* ANNO: Cabo has one one-byte colour annotation, named PAINT as in Click. */
static bool read_anno(struct cabo_args *a)
{
	char *anno = NULL;
	bool ok = true;
	if (cabo_args_read_word(a, "ANNO", CABO_ARG_POSITIONAL, &anno) &&
	    strcmp(anno, "PAINT") != 0) {
		cabo_errh_error(a->errh, "ANNO: only the PAINT annotation is supported");
		ok = false;
	}
	free(anno);
	return ok;
}

static int paint_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct paint *pa = (struct paint *)e;
	uint64_t color = 0;
	bool have = cabo_args_read_uint(a, "COLOR", CABO_ARG_MP, &color);
	if (have && color > 255) {
		cabo_errh_error(a->errh, "COLOR: expected an integer from 0 to 255");
		a->failed = true;
	}
	if (!read_anno(a))
		a->failed = true;
	pa->color = (uint8_t)color;
	return cabo_args_complete(a);
}

/* ---- Packets */

static void paint_batch(const struct paint *pa, struct cabo_batch *b)
{
	uint8_t color = pa->color;
	for (unsigned i = 0; i < b->count; i++)
		b->p[i]->anno.paint = color;
}

static void paint_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	paint_batch((struct paint *)e, b);
	cabo_output_push(e, 0, b);
}

static unsigned paint_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			   unsigned max)
{
	unsigned n = cabo_input_pull(e, 0, b, max);
	paint_batch((struct paint *)e, b);
	return n;
}

/* ---- Handlers */

static int read_color(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_strbuf_printf(out, "%u", ((struct paint *)e)->color);
	return 0;
}

static int write_color(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	if (!parse_color(value, &((struct paint *)e)->color))
		return cabo_errh_error(errh, "expected an integer from 0 to 255");
	return 0;
}

static const struct cabo_handler paint_handlers[] = {
	{ "color", read_color, write_color, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(paint_class) = {
	.name = "Paint", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct paint), .configure = paint_configure,
	.push = paint_push, .pull = paint_pull, .handlers = paint_handlers,
};

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
#include <stdlib.h>
#include <string.h>

#include "element.h"

struct painttee {
	struct cabo_element e;
	uint8_t color;
};

enum { DROP_NO_CLONE };
static const char *const drop_reasons[] = { "no buffer for clone", NULL };

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

static int painttee_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct painttee *pt = (struct painttee *)e;
	uint64_t color = 0;
	bool have = cabo_args_read_uint(a, "COLOR", CABO_ARG_MP, &color);
	if (have && color > 255) {
		cabo_errh_error(a->errh, "COLOR: expected an integer from 0 to 255");
		a->failed = true;
	}
	if (!read_anno(a))
		a->failed = true;
	pt->color = (uint8_t)color;
	return cabo_args_complete(a);
}

/* ---- Packets */

/* Pushes clones of b's packets painted `color` out output 1. */
static void push_clones(struct painttee *pt, const struct cabo_batch *b)
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
	push_clones((struct painttee *)e, b);
	cabo_output_push(e, 0, b);
}

static unsigned painttee_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			      unsigned max)
{
	unsigned n = cabo_input_pull(e, 0, b, max);
	if (n)
		push_clones((struct painttee *)e, b);
	return n;
}

/* ---- Handlers */

static int read_color(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_strbuf_printf(out, "%u", ((struct painttee *)e)->color);
	return 0;
}

static int write_color(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	if (!parse_color(value, &((struct painttee *)e)->color))
		return cabo_errh_error(errh, "expected an integer from 0 to 255");
	return 0;
}

static const struct cabo_handler painttee_handlers[] = {
	{ "color", read_color, write_color, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(painttee_class) = {
	.name = "PaintTee", .port_count = "1/2", .processing = "a/ah",
	.size = sizeof(struct painttee), .configure = painttee_configure,
	.push = painttee_push, .pull = painttee_pull,
	.handlers = painttee_handlers, .drop_reasons = drop_reasons,
};

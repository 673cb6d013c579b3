/* The paint annotation's arguments and color handler (see paintcolor.h). */
#include "paintcolor.h"

#include <stdlib.h>
#include <string.h>

/* ANNO: Cabo has one one-byte colour annotation, named PAINT as in Click. */
static void read_anno(struct cabo_args *a)
{
	char *anno = NULL;
	if (cabo_args_read_word(a, "ANNO", CABO_ARG_POSITIONAL, &anno) &&
	    strcmp(anno, "PAINT") != 0)
		cabo_args_error(a, "ANNO: only the PAINT annotation is supported");
	free(anno);
}

int cabo_paint_configure(struct cabo_element *e, struct cabo_args *a)
{
	uint64_t color = 0;
	if (cabo_args_read_uint(a, "COLOR", CABO_ARG_MP, &color) && color > 255)
		cabo_args_error(a, "COLOR: expected an integer from 0 to 255");
	read_anno(a);
	((struct cabo_paint *)e)->color = (uint8_t)color;
	return cabo_args_complete(a);
}

int cabo_paint_configure_anno(struct cabo_element *e, struct cabo_args *a)
{
	read_anno(a);
	return cabo_args_complete(a);
}

static int read_color(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_strbuf_printf(out, "%u", ((struct cabo_paint *)e)->color);
	return 0;
}

static int write_color(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	uint64_t v;
	if (!cabo_parse_uint(value, &v) || v > 255)
		return cabo_errh_error(errh, "expected an integer from 0 to 255");
	((struct cabo_paint *)e)->color = (uint8_t)v;
	return 0;
}

const struct cabo_handler cabo_paint_handlers[] = {
	{ "color", read_color, write_color, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

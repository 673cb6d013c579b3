/* The paint annotation's arguments, shared by Paint, PaintTee and
 * PaintSwitch: ANNO (Click lets it name any one-byte annotation; Cabo has
 * only PAINT) and, for Paint and PaintTee, the COLOR they set or match with
 * its color handler.  Paint and PaintTee use struct cabo_paint as their
 * state, so cabo_paint_configure and cabo_paint_handlers fit both classes. */
#ifndef CABO_ELEMENTS_STANDARD_PAINTCOLOR_H
#define CABO_ELEMENTS_STANDARD_PAINTCOLOR_H

#include <stdint.h>

#include "element.h"

struct cabo_paint {
	struct cabo_element e;
	uint8_t color;
};

/* Paint's and PaintTee's configure: COLOR (mandatory), ANNO. */
int cabo_paint_configure(struct cabo_element *e, struct cabo_args *a);
/* PaintSwitch's configure: ANNO only. */
int cabo_paint_configure_anno(struct cabo_element *e, struct cabo_args *a);
/* The color handler (read/write) of Paint and PaintTee. */
extern const struct cabo_handler cabo_paint_handlers[];

#endif

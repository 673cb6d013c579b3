/* What the printing elements (Print, IPPrint, IP6Print, ARPPrint) share.
 *
 * Each formats the packets of a batch into one reused line buffer and
 * writes the buffer once per batch, on standard error or on its OUTFILE,
 * while ACTIVE.  The state for that (label, active, output file, buffer),
 * the OUTFILE opening, cleanup, push and pull live here once; each element
 * supplies only its format function.
 *
 * An element's state struct starts with struct cabo_printout (which starts
 * with struct cabo_element), so the shared functions can stand in its class
 * directly. */
#ifndef CABO_ELEMENTS_STANDARD_PRINTOUT_H
#define CABO_ELEMENTS_STANDARD_PRINTOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "element.h"
#include "packet.h"
#include "strbuf.h"

struct cabo_printout;

/* Appends p's text (newline included) to po->line, or nothing. */
typedef void (*cabo_printout_format_fn)(struct cabo_printout *po, const struct cabo_packet *p);

struct cabo_printout {
	struct cabo_element e;
	cabo_printout_format_fn format;   /* set by the element's configure */
	char *label;                      /* LABEL (freed by cleanup) */
	bool active;                      /* ACTIVE; the `active' handler's field */
	char *outfilename;                /* OUTFILE, NULL for standard error */
	FILE *outfile;
	struct cabo_strbuf line;          /* reused: no allocation once warm */
};

/* Opens OUTFILE (truncating it) if there is one. */
int cabo_printout_initialize(struct cabo_element *e, struct cabo_errh *errh);
void cabo_printout_cleanup(struct cabo_element *e);
void cabo_printout_push(struct cabo_element *e, unsigned port, struct cabo_batch *b);
unsigned cabo_printout_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			    unsigned max);

/* Click's Timestamp format: 6 decimals, 9 when not whole microseconds. */
void cabo_printout_timestamp(struct cabo_strbuf *sb, int64_t ns);

#endif

/*
 * =c
 * Print([LABEL, MAXLENGTH, KEYWORDS])
 * =s
 * prints packet contents
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Prints one line per packet on standard error, in Click's format, and
 * passes the packet on unchanged: the LABEL and ": " (if LABEL is not
 * empty), the timestamp and ": " (with TIMESTAMP), the packet length right
 * aligned in 4 columns, then " | " and up to MAXLENGTH bytes of data: in hex,
 * grouped 4 bytes (8 digits) by 4 and separated by spaces, or in ASCII, 8
 * characters per space-separated group with unprintable bytes as ".".
 *
 *   ok:   60 | 00000000 00000000 00000000 08004500 00280000 40004006
 *
 * Print is a debugging element: it writes on the packet path, once per
 * batch.  So with two Prints on one path, the first prints the lines of a
 * whole batch before the second prints any (Click interleaves them packet by
 * packet).
 * =k LABEL
 * String.  Text printed at the start of each line.  Default empty.
 * =k MAXLENGTH
 * Integer.  Most content bytes to print; negative prints the whole packet.
 * Default 24.  LENGTH and NBYTES are deprecated synonyms.
 * =k CONTENTS
 * `NONE' (print no data), `HEX' (the default) or `ASCII'; a boolean works
 * too (true means HEX).
 * =k TIMESTAMP
 * Boolean.  If true, print each packet's timestamp annotation as seconds
 * since 1970 with 6 decimals (9 when it is not a whole number of
 * microseconds), as Click does.  Default false.
 * =k PRINTANNO
 * Boolean.  If true, print the packet's 16 user annotation bytes in hex,
 * after the length and a " | ".  Default false.
 * =k HEADROOM
 * Boolean.  If true, print the packet's headroom and tailroom after the
 * length, as " (h64 t1924)".  Default false.
 * =k CPU
 * Boolean.  If true, print the number of the CPU running Print, in
 * parentheses after the label.  (In Click only the kernel module has it.)
 * Default false.
 * =k ACTIVE
 * Boolean.  If false, print nothing.  Default true.
 * =h active read/write
 * Returns or sets ACTIVE.
 * =e
 *   FromDump(in.pcap, STOP true) -> Print(in, 16) -> Discard;
 * =a
 * IPPrint, ToDump
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sched.h>
#include <unistd.h>

#include "element.h"
#include "printout.h"

enum { CONTENTS_NONE, CONTENTS_HEX, CONTENTS_ASCII };

struct print {
	struct cabo_printout po;     /* label, active, line buffer */
	int64_t maxlength;
	int contents;
	bool timestamp;
	bool print_anno;
	bool headroom;
	bool cpu;
};

static void format_packet(struct cabo_printout *po, const struct cabo_packet *pkt);

static int print_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct print *p = (struct print *)e;
	char *label = NULL, *contents = NULL;
	int64_t maxlength = 24;
	p->po.format = format_packet;
	p->po.active = true;
	cabo_args_read_string(a, "LABEL", CABO_ARG_POSITIONAL, &label);
	cabo_args_read_int(a, "MAXLENGTH", CABO_ARG_POSITIONAL, &maxlength);
	cabo_args_read_int(a, "LENGTH", 0, &maxlength);
	cabo_args_read_int(a, "NBYTES", 0, &maxlength);
	cabo_args_read_word(a, "CONTENTS", 0, &contents);
	cabo_args_read_bool(a, "TIMESTAMP", 0, &p->timestamp);
	cabo_args_read_bool(a, "PRINTANNO", 0, &p->print_anno);
	cabo_args_read_bool(a, "ACTIVE", 0, &p->po.active);
	cabo_args_read_bool(a, "HEADROOM", 0, &p->headroom);
	cabo_args_read_bool(a, "CPU", 0, &p->cpu);
	int r = cabo_args_complete(a);
	p->contents = CONTENTS_HEX;
	if (r == 0 && contents) {
		bool b;
		if (cabo_parse_bool(contents, &b))
			p->contents = b ? CONTENTS_HEX : CONTENTS_NONE;
		else if (!strcasecmp(contents, "NONE"))
			p->contents = CONTENTS_NONE;
		else if (!strcasecmp(contents, "HEX"))
			p->contents = CONTENTS_HEX;
		else if (!strcasecmp(contents, "ASCII"))
			p->contents = CONTENTS_ASCII;
		else {
			for (char *c = contents; *c; c++)
				if (*c >= 'a' && *c <= 'z')
					*c = (char)(*c - 'a' + 'A');
			r = cabo_errh_error(a->errh, "bad contents value '%s'; should be 'NONE', 'HEX', or 'ASCII'",
					    contents);
		}
	}
	free(contents);
	if (r < 0) {
		free(label);
		return -1;
	}
	p->po.label = label;
	p->maxlength = maxlength;
	return 0;
}

static void format_packet(struct cabo_printout *po, const struct cabo_packet *pkt)
{
	static const char hex[] = "0123456789abcdef";
	struct print *p = (struct print *)po;
	struct cabo_strbuf *sb = &po->line;
	const char *sep = "";
	if (po->label && *po->label) {
		cabo_strbuf_puts(sb, po->label);
		sep = ": ";
	}
	if (p->cpu) {
		cabo_strbuf_printf(sb, "(%d)", sched_getcpu());
		sep = ": ";
	}
	if (p->timestamp) {
		cabo_strbuf_puts(sb, sep);
		cabo_printout_timestamp(sb, pkt->anno.timestamp_ns);
		sep = ": ";
	}
	cabo_strbuf_printf(sb, "%s%4u", sep, pkt->length);
	if (p->headroom)
		cabo_strbuf_printf(sb, " (h%u t%u)", cabo_packet_headroom(pkt),
				   cabo_packet_tailroom(pkt));
	if (p->print_anno) {
		cabo_strbuf_puts(sb, " | ");
		for (unsigned j = 0; j < CABO_ANNO_USER_SIZE; j++) {
			cabo_strbuf_putc(sb, hex[pkt->anno.user[j] >> 4]);
			cabo_strbuf_putc(sb, hex[pkt->anno.user[j] & 15]);
		}
	}
	uint64_t bytes = p->contents == CONTENTS_NONE ? 0 : (uint64_t)p->maxlength;
	if (p->maxlength < 0 || pkt->length < bytes)
		bytes = pkt->length;
	if (bytes && p->contents != CONTENTS_NONE) {
		cabo_strbuf_puts(sb, " | ");
		const uint8_t *d = pkt->data;
		for (uint64_t i = 0; i < bytes; i++) {
			if (p->contents == CONTENTS_HEX) {
				if (i && i % 4 == 0)
					cabo_strbuf_putc(sb, ' ');
				cabo_strbuf_putc(sb, hex[d[i] >> 4]);
				cabo_strbuf_putc(sb, hex[d[i] & 15]);
			} else {
				if (i % 8 == 0)
					cabo_strbuf_putc(sb, ' ');
				cabo_strbuf_putc(sb, d[i] < 32 || d[i] > 126 ? '.' : (char)d[i]);
			}
		}
	}
	cabo_strbuf_putc(sb, '\n');
}

static const struct cabo_handler print_handlers[] = {
	{ "active", cabo_read_bool_field, cabo_write_bool_field, CABO_FIELD(struct print, po.active), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(print_class) = {
	.name = "Print", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct print), .configure = print_configure,
	.cleanup = cabo_printout_cleanup, .push = cabo_printout_push, .pull = cabo_printout_pull,
	.handlers = print_handlers,
};

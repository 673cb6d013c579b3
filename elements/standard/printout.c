/* The shared part of the printing elements: see printout.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "printout.h"

int cabo_printout_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct cabo_printout *po = (struct cabo_printout *)e;
	if (po->outfilename) {
		po->outfile = fopen(po->outfilename, "wb");
		if (!po->outfile)
			return cabo_errh_error(errh, "%s: %s", po->outfilename, strerror(errno));
	}
	return 0;
}

void cabo_printout_cleanup(struct cabo_element *e)
{
	struct cabo_printout *po = (struct cabo_printout *)e;
	if (po->outfile)
		fclose(po->outfile);
	po->outfile = NULL;
	free(po->label);
	po->label = NULL;
	free(po->outfilename);
	po->outfilename = NULL;
	cabo_strbuf_free(&po->line);
}

void cabo_printout_timestamp(struct cabo_strbuf *sb, int64_t ns)
{
	const char *sign = "";
	if (ns < 0) {
		sign = "-";
		ns = -ns;
	}
	long long sec = ns / 1000000000, sub = ns % 1000000000;
	if (sub % 1000 == 0)
		cabo_strbuf_printf(sb, "%s%lld.%06lld", sign, sec, sub / 1000);
	else
		cabo_strbuf_printf(sb, "%s%lld.%09lld", sign, sec, sub);
}

static void print_batch(struct cabo_printout *po, const struct cabo_batch *b)
{
	if (!po->active || !b->count)
		return;
	cabo_strbuf_clear(&po->line);
	for (unsigned i = 0; i < b->count; i++)
		po->format(po, b->p[i]);
	if (!po->line.length)
		return;
	FILE *f = po->outfile ? po->outfile : stderr;
	fwrite(cabo_strbuf_str(&po->line), 1, po->line.length, f);
	fflush(f);
}

void cabo_printout_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	print_batch((struct cabo_printout *)e, b);
	cabo_output_push(e, 0, b);
}

unsigned cabo_printout_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			    unsigned max)
{
	unsigned n = cabo_input_pull(e, 0, b, max);
	print_batch((struct cabo_printout *)e, b);
	return n;
}

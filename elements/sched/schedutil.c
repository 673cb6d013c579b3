/* Shared scheduler helpers; see schedutil.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedutil.h"

/* ---- Upstream notifiers */

void sched_signals_init(struct sched_signals *s, struct cabo_element *e, unsigned port,
			struct cabo_task *listener)
{
	s->n = cabo_notifier_upstream(e, port, s->sig, SCHED_MAX_SIGNALS);
	if (s->n >= SCHED_MAX_SIGNALS)
		s->n = 0;   /* there may be more than we hold: poll */
	for (unsigned i = 0; listener && i < s->n; i++)
		if (cabo_notifier_listen(s->sig[i], listener) < 0)
			s->n = 0;   /* a queue that cannot wake us: poll */
}

/* ---- Inputs */

unsigned sched_input_fill(struct cabo_element *e, unsigned port, struct sched_input *in,
			  unsigned ask)
{
	if (in->pos < in->held.count)
		return in->held.count - in->pos;
	in->pos = 0;
	in->held.count = 0;
	if (!ask || !sched_signals_maybe(&in->sig))
		return 0;
	if (ask > CABO_BATCH_MAX)
		ask = CABO_BATCH_MAX;
	return cabo_input_pull(e, port, &in->held, ask);
}

void *sched_inputs_new(struct cabo_element *e, size_t size)
{
	return cabo_xcalloc(e->ninputs ? e->ninputs : 1, size);
}

void sched_inputs_init_signals(struct cabo_element *e, void *inputs, size_t size)
{
	for (unsigned i = 0; i < e->ninputs; i++)
		sched_signals_init(&sched_input_at(inputs, size, i)->sig, e, i, NULL);
}

void sched_inputs_free(void *inputs, unsigned n, size_t size)
{
	if (!inputs)
		return;
	for (unsigned i = 0; i < n; i++) {
		struct sched_input *in = sched_input_at(inputs, size, i);
		if (in->pos < in->held.count)
			cabo_packet_free_batch(in->held.p + in->pos, in->held.count - in->pos);
		in->pos = in->held.count = 0;
	}
	free(inputs);
}

void sched_inputs_stats(struct cabo_strbuf *out, void *inputs, unsigned n, size_t size)
{
	for (unsigned i = 0; i < n; i++) {
		const struct sched_input *in = sched_input_at(inputs, size, i);
		cabo_strbuf_printf(out, "%u %" PRIu64 " %" PRIu64 "\n", i, in->packets, in->bytes);
	}
}

void sched_inputs_reset_counts(void *inputs, unsigned n, size_t size)
{
	for (unsigned i = 0; i < n; i++) {
		struct sched_input *in = sched_input_at(inputs, size, i);
		in->packets = in->bytes = 0;
	}
}

/* ---- Weights */

int sched_parse_weights(const char *text, unsigned n, uint32_t max, uint32_t *out,
			struct cabo_errh *errh, const char *what)
{
	char **words;
	unsigned nw = cabo_split_words(text, &words);
	int r = 0;
	if (nw != n) {
		r = cabo_errh_error(errh, "%s: expected %u weight%s (one per input), got %u",
				    what, n, n == 1 ? "" : "s", nw);
		goto done;
	}
	for (unsigned i = 0; i < n; i++) {
		uint64_t w;
		if (!cabo_parse_uint(words[i], &w) || w == 0 || w > max) {
			r = cabo_errh_error(errh, "%s: weight %u should be an integer from 1 to %" PRIu32,
					    what, i, max);
			goto done;
		}
		out[i] = (uint32_t)w;
	}
done:
	cabo_free_strings(words, nw);
	return r;
}

char *sched_args_read_list(struct cabo_args *a, const char *kw)
{
	char *raw = NULL;
	if (!cabo_args_read_raw(a, kw, 0, &raw))
		return NULL;
	char *text = cabo_unquote(raw);
	if (!text)
		cabo_args_error(a, "%s: bad quoting", kw);
	free(raw);
	return text;
}

/* ---- Unparsers */

/* Prints x with up to `digits` fraction digits, trailing zeros removed
 * (Click's cp_unparse_real10). */
static void unparse_real(struct cabo_strbuf *out, double x, int digits)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%.*f", digits, x);
	char *dot = strchr(buf, '.');
	if (dot) {
		char *end = buf + strlen(buf);
		while (end > dot + 1 && end[-1] == '0')
			*--end = '\0';
		if (end == dot + 1)
			*dot = '\0';
	}
	cabo_strbuf_puts(out, buf);
}

void sched_unparse_bandwidth(struct cabo_strbuf *out, double bytes_per_sec)
{
	double bits = bytes_per_sec * 8;
	if (bytes_per_sec >= 536870912.0) {   /* 2^29, where Click switches */
		unparse_real(out, bytes_per_sec / 1e6, 6);
		cabo_strbuf_puts(out, "MBps");
	} else if (bits >= 1e9) {
		unparse_real(out, bits / 1e9, 9);
		cabo_strbuf_puts(out, "Gbps");
	} else if (bits >= 1e6) {
		unparse_real(out, bits / 1e6, 6);
		cabo_strbuf_puts(out, "Mbps");
	} else {
		unparse_real(out, bits / 1e3, 3);
		cabo_strbuf_puts(out, "kbps");
	}
}

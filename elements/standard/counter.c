/*
 * =c
 * Counter([KEYWORDS COUNT_CALL, BYTE_COUNT_CALL])
 * =s
 * measures packet count and rate
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Passes packets unchanged from its input to its output, keeping the number
 * of packets and bytes that passed and their recent arrival rates.
 *
 * Rates are exponentially weighted moving averages, computed as Click does:
 * time is divided into 1 ms epochs; at the end of each epoch the epoch's
 * count updates the average with weight 1/16 (idle epochs count as zeros),
 * and the average is reported per second.  Packet rates keep 10 bits of
 * fraction, byte rates 4.  Cabo counts a whole batch at a time, so a batch
 * falls entirely within one epoch.
 * =k COUNT_CALL
 * Argument is `N HANDLER [VALUE]'.  When the packet count reaches N, call
 * the write handler HANDLER with VALUE (before the batch holding the Nth
 * packet is passed on).
 * =k BYTE_COUNT_CALL
 * Argument is `N HANDLER [VALUE]'.  When the byte count reaches or exceeds
 * N, call the write handler HANDLER with VALUE (before the batch is passed
 * on).
 * =h count read
 * Returns the number of packets that have passed since the last reset.
 * =h byte_count read
 * Returns the number of bytes that have passed since the last reset.
 * =h rate read
 * Returns the recent arrival rate in packets per second (EWMA).
 * =h bit_rate read
 * Returns the recent arrival rate in bits per second (EWMA).
 * =h byte_rate read
 * Returns the recent arrival rate in bytes per second (EWMA).
 * =h reset_counts write
 * Resets the counts and rates to zero.
 * =h reset write
 * Same as reset_counts.
 * =h count_call read/write
 * Returns the COUNT_CALL trigger count, or writes a new COUNT_CALL argument.
 * =h byte_count_call write
 * Writes a new BYTE_COUNT_CALL argument.
 * =e
 *   FromDump(in.pcap, STOP true) -> c :: Counter -> Discard;
 * =a
 * AverageCounter, Discard
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "handlercall.h"

/* ---- Rate EWMA (Click's RateEWMAX with 1 ms epochs, alpha 1/16) */

enum { STABILITY_SHIFT = 4, EPOCHS_PER_SEC = 1000, EPOCH_NS = 1000000 };

struct rate_ewma {
	uint64_t avg;        /* scaled by 2^scale, per epoch */
	uint64_t current;    /* samples in the current epoch */
	int64_t epoch;
	unsigned scale;
};

static void ewma_update_one(struct rate_ewma *r, uint64_t x)
{
	uint64_t scaled = (x << r->scale) + (1u << (STABILITY_SHIFT - 1));
	r->avg += (uint64_t)((int64_t)(scaled - r->avg) >> STABILITY_SHIFT);
}

static void ewma_update_zeros(struct rate_ewma *r, int64_t n)
{
	if (n >= 100) {
		r->avg = 0;
		return;
	}
	for (; n > 0; n--)
		ewma_update_one(r, 0);
}

static inline void ewma_update(struct rate_ewma *r, int64_t now_ns, uint64_t delta)
{
	int64_t epoch = now_ns / EPOCH_NS;
	if (epoch < r->epoch)   /* a coarser clock, or the wall clock set back */
		epoch = r->epoch;
	if (epoch != r->epoch) {
		ewma_update_one(r, r->current);
		if (epoch > r->epoch + 1)
			ewma_update_zeros(r, epoch - r->epoch - 1);
		r->current = 0;
		r->epoch = epoch;
	}
	r->current += delta;
}

static void ewma_reset(struct rate_ewma *r, int64_t now_ns)
{
	r->avg = r->current = 0;
	r->epoch = now_ns / EPOCH_NS;
}

/* Click's cp_unparse_real2: a fixed-point value with frac_bits bits of
 * fraction, printed with as few digits as read back to the same value. */
static void unparse_real2(struct cabo_strbuf *out, uint64_t real, unsigned frac_bits)
{
	cabo_strbuf_printf(out, "%llu", (unsigned long long)(real >> frac_bits));
	uint32_t one = (uint32_t)1 << frac_bits;
	uint32_t frac = (uint32_t)(real & (one - 1));
	if (!frac)
		return;
	cabo_strbuf_putc(out, '.');
	frac = 10 * frac + 5;
	uint32_t allowable = 10, rounder = 5;
	while (rounder < (one >> 1))
		rounder *= 10;
	do {
		if (allowable > one)
			frac += (one >> 1) - rounder;
		cabo_strbuf_putc(out, (char)('0' + (frac >> frac_bits)));
		frac = 10 * (frac & (one - 1));
		allowable *= 10;
	} while (frac > allowable);
}

/* ---- Element */

struct trigger {
	uint64_t at;
	char *handler;       /* NULL: none */
	char *value;
	bool triggered;
};

struct counter {
	struct cabo_element e;
	uint64_t count;
	uint64_t byte_count;
	struct rate_ewma rate;
	struct rate_ewma byte_rate;
	struct trigger count_call;
	struct trigger byte_count_call;
};

static void trigger_clear(struct trigger *t)
{
	free(t->handler);
	free(t->value);
	memset(t, 0, sizeof *t);
}

/* Parses `N HANDLER [VALUE]` (HANDLER may be omitted in handler writes). */
static bool trigger_parse(struct trigger *t, const char *s, bool need_handler)
{
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	const char *w = s;
	while (*s && *s != ' ' && *s != '\t' && *s != '\n')
		s++;
	char *num = cabo_xstrndup(w, (size_t)(s - w));
	uint64_t at;
	bool ok = cabo_parse_uint(num, &at);
	free(num);
	if (!ok)
		return false;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	w = s;
	while (*s && *s != ' ' && *s != '\t' && *s != '\n')
		s++;
	if (s == w && need_handler)
		return false;
	char *handler = s == w ? NULL : cabo_xstrndup(w, (size_t)(s - w));
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		n--;
	trigger_clear(t);
	t->at = at;
	t->handler = handler;
	t->value = cabo_xstrndup(s, n);
	return true;
}

static void trigger_fire(struct counter *c, struct trigger *t)
{
	t->triggered = true;
	if (t->handler)
		cabo_handlercall_write(&c->e, t->handler, t->value);
}

static int counter_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct counter *c = (struct counter *)e;
	char *count_call = NULL, *byte_count_call = NULL;
	cabo_args_read_raw(a, "COUNT_CALL", 0, &count_call);
	cabo_args_read_raw(a, "BYTE_COUNT_CALL", 0, &byte_count_call);
	int r = cabo_args_complete(a);
	if (r == 0 && count_call && !trigger_parse(&c->count_call, count_call, true))
		r = cabo_errh_error(a->errh, "COUNT_CALL type mismatch");
	if (r == 0 && byte_count_call
	    && !trigger_parse(&c->byte_count_call, byte_count_call, true))
		r = cabo_errh_error(a->errh, "BYTE_COUNT_CALL type mismatch");
	free(count_call);
	free(byte_count_call);
	return r;
}

static void reset(struct counter *c)
{
	int64_t now = cabo_element_now(&c->e);
	c->count = c->byte_count = 0;
	c->count_call.triggered = c->byte_count_call.triggered = false;
	ewma_reset(&c->rate, now);
	ewma_reset(&c->byte_rate, now);
}

static int counter_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct counter *c = (struct counter *)e;
	if (c->count_call.handler
	    && cabo_handlercall_check(e, c->count_call.handler, "COUNT_CALL", errh) < 0)
		return -1;
	if (c->byte_count_call.handler
	    && cabo_handlercall_check(e, c->byte_count_call.handler, "BYTE_COUNT_CALL", errh) < 0)
		return -1;
	c->rate.scale = 10;
	c->byte_rate.scale = 4;
	reset(c);
	return 0;
}

static void counter_cleanup(struct cabo_element *e)
{
	struct counter *c = (struct counter *)e;
	trigger_clear(&c->count_call);
	trigger_clear(&c->byte_count_call);
}

/* The fast path: one pass over the lengths, one clock read per batch. */
static inline void count_batch(struct counter *c, const struct cabo_batch *b)
{
	uint64_t bytes = 0;
	unsigned n = b->count;
	for (unsigned i = 0; i < n; i++)
		bytes += b->p[i]->length;
	uint64_t before = c->count;
	c->count += n;
	c->byte_count += bytes;
	int64_t now = cabo_element_now_coarse(&c->e);
	ewma_update(&c->rate, now, n);
	ewma_update(&c->byte_rate, now, bytes);

	if (c->count_call.handler && !c->count_call.triggered
	    && before < c->count_call.at && c->count >= c->count_call.at)
		trigger_fire(c, &c->count_call);
	if (c->byte_count_call.handler && !c->byte_count_call.triggered
	    && c->byte_count >= c->byte_count_call.at)
		trigger_fire(c, &c->byte_count_call);
}

static void counter_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	if (!b->count)
		return;
	count_batch((struct counter *)e, b);
	cabo_output_push(e, 0, b);
}

static unsigned counter_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			     unsigned max)
{
	unsigned n = cabo_input_pull(e, 0, b, max);
	if (n)
		count_batch((struct counter *)e, b);
	return n;
}

/* ---- Handlers */

enum { H_RATE, H_BIT_RATE, H_BYTE_RATE, H_COUNT_CALL, H_BYTE_COUNT_CALL, H_RESET };

static int read_handler(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct counter *c = (struct counter *)e;
	int64_t now = cabo_element_now(e);
	switch ((intptr_t)arg) {
	case H_RATE:
		ewma_update(&c->rate, now, 0);   /* let the rate decay after idle time */
		unparse_real2(out, c->rate.avg * EPOCHS_PER_SEC, c->rate.scale);
		break;
	case H_BIT_RATE:
		/* times 8 by taking 3 bits off the scale */
		ewma_update(&c->byte_rate, now, 0);
		unparse_real2(out, c->byte_rate.avg * EPOCHS_PER_SEC, c->byte_rate.scale - 3);
		break;
	case H_BYTE_RATE:
		ewma_update(&c->byte_rate, now, 0);
		unparse_real2(out, c->byte_rate.avg * EPOCHS_PER_SEC, c->byte_rate.scale);
		break;
	case H_COUNT_CALL:
		if (c->count_call.handler)
			cabo_strbuf_printf(out, "%llu", (unsigned long long)c->count_call.at);
		break;
	}
	return 0;
}

static int write_handler(struct cabo_element *e, const char *value, const void *arg,
			 struct cabo_errh *errh)
{
	struct counter *c = (struct counter *)e;
	switch ((intptr_t)arg) {
	case H_COUNT_CALL:
		if (!trigger_parse(&c->count_call, value, false))
			return cabo_errh_error(errh, "'count_call' first word should be unsigned (count)");
		break;
	case H_BYTE_COUNT_CALL:
		if (!trigger_parse(&c->byte_count_call, value, false))
			return cabo_errh_error(errh, "'byte_count_call' first word should be unsigned (count)");
		break;
	case H_RESET:
		reset(c);
		break;
	}
	return 0;
}

static const struct cabo_handler counter_handlers[] = {
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct counter, count), 0 },
	{ "byte_count", cabo_read_u64_field, NULL, CABO_FIELD(struct counter, byte_count), 0 },
	{ "rate", read_handler, NULL, (const void *)H_RATE, 0 },
	{ "bit_rate", read_handler, NULL, (const void *)H_BIT_RATE, 0 },
	{ "byte_rate", read_handler, NULL, (const void *)H_BYTE_RATE, 0 },
	{ "reset", NULL, write_handler, (const void *)H_RESET, CABO_HANDLER_BUTTON },
	{ "reset_counts", NULL, write_handler, (const void *)H_RESET, CABO_HANDLER_BUTTON },
	{ "count_call", read_handler, write_handler, (const void *)H_COUNT_CALL, 0 },
	{ "byte_count_call", NULL, write_handler, (const void *)H_BYTE_COUNT_CALL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(counter_class) = {
	.name = "Counter", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct counter), .configure = counter_configure,
	.initialize = counter_initialize, .cleanup = counter_cleanup,
	.push = counter_push, .pull = counter_pull, .handlers = counter_handlers,
};

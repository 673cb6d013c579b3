/*
 * =c
 * DRRSched([QUANTUM, KEYWORDS])
 * =s
 * pulls from inputs with deficit round robin scheduling
 * =ports
 * any number of inputs, 1 output
 * =processing
 * pull
 * =d
 * Schedules packets with deficit round robin, from Shreedhar and Varghese's
 * SIGCOMM 1995 paper "Efficient Fair Queuing using Deficit Round Robin".
 * Each input has a deficit counter, in bytes.  The scheduler visits the
 * inputs in turn; an input whose head packet fits in its deficit sends it
 * and pays its length, and goes on sending while the next one fits;
 * otherwise the scheduler moves to the next input, which earns its quantum.
 * An input with nothing to send loses its deficit.  Under saturation every
 * input gets the same number of bytes per round (the quantum) whatever its
 * packet sizes, so a tenant sending large packets cannot crowd out one
 * sending small ones.
 *
 * Cabo adds weights: with WEIGHTS, input I earns QUANTUM times its weight
 * each round, so saturated inputs with weights 3, 2 and 1 get 3/6, 2/6 and
 * 1/6 of the bytes.  Inputs with nothing to send use none of the link: the
 * others share it in proportion to their weights.
 *
 * Like Click's DRRSched, a pull starts at the input the previous pull left
 * off.  Unlike it, a pull keeps going round until it finds a packet when any
 * input has one (it skips at once over rounds in which no packet would fit),
 * and a batch pull gives the same packets in the same order as that many
 * single pulls.  DRRSched pulls from an input in batches of about as many
 * packets as its deficit allows; a packet pulled but not yet sent waits in
 * DRRSched (Click keeps one such head packet per input), and the "stats"
 * handler counts only packets sent.
 *
 * The inputs are usually Queues or other pull elements.  Inputs whose
 * upstream queues all have inactive empty notifiers are not pulled; a task
 * downstream (Unqueue, LinkUnqueue) listens to those queues through
 * DRRSched, and DRRSched never returns an empty pull while it holds a packet,
 * so the task cannot fall asleep on one.
 * =k QUANTUM
 * Unsigned.  Bytes each input earns per round (times its weight).  Default
 * 500.  Must be positive.
 * =k WEIGHTS
 * Space-separated positive integers, one per input (Cabo extension).
 * Input I earns QUANTUM times its weight per round.  Default: all 1.
 * =k MAX_PKT_SIZE
 * Unsigned.  Longest packet DRRSched sends (Cabo extension), such as the
 * MTU of the link it feeds: a longer packet is dropped (reason "packet too
 * long") when it reaches the head of its input.  0, the default, means no
 * limit.
 * =h quantum read/write
 * Returns or sets QUANTUM.
 * =h weights read/write
 * Returns or sets the weights, space-separated, one per input.  A write must
 * give exactly one positive integer per input; deficits already earned are
 * kept.
 * =h max_pkt_size read/write
 * Returns or sets MAX_PKT_SIZE.
 * =h stats read
 * One line per input: "PORT PACKETS BYTES", the packets and bytes it has
 * sent since the last reset.
 * =h reset_counts write
 * Resets the "stats" counters.
 * =e
 *   t0 :: Queue -> [0] drr :: DRRSched(WEIGHTS "3 2 1");
 *   t1 :: Queue -> [1] drr;
 *   t2 :: Queue -> [2] drr;
 *   drr -> LinkUnqueue(1ms, 10Mbps) -> ToDump(out.pcap);
 * =a
 * WF2QSched, StrideSched, RoundRobinSched, PrioSched, Queue, LinkUnqueue,
 * BandwidthShaper
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "element.h"
#include "schedutil.h"
#include "task.h"

enum {
	DRR_DEFAULT_QUANTUM = 500,
	DRR_MAX_WEIGHT = 1000000,
	DRR_DEFAULT_AVG_LEN = 500,
};

struct drr_input {
	struct sched_input in;      /* first: hold buffer, notifiers, stats */
	uint32_t weight;
	uint32_t avg_len;           /* recent mean packet length, for batch sizes */
	uint64_t deficit;           /* bytes */
};

struct drrsched {
	struct cabo_element e;
	uint32_t quantum;
	uint32_t max_pkt;           /* 0: no limit */
	unsigned next;              /* input the next pull starts at */
	struct drr_input *in;
};

enum drr_drop { DROP_TOO_LONG };
static const char *const drr_drop_reasons[] = {
	[DROP_TOO_LONG] = "packet too long",
	NULL,
};

/* ---- Configuration */

static int drr_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct drrsched *s = (struct drrsched *)e;
	uint64_t quantum = DRR_DEFAULT_QUANTUM, max_pkt = 0;
	cabo_args_read_uint(a, "QUANTUM", CABO_ARG_POSITIONAL, &quantum);
	char *weights = sched_args_read_list(a, "WEIGHTS");
	cabo_args_read_uint(a, "MAX_PKT_SIZE", 0, &max_pkt);
	int r = cabo_args_complete(a);
	if (r == 0 && (quantum == 0 || quantum > UINT32_MAX))
		r = cabo_errh_error(a->errh, "QUANTUM: must be from 1 to %" PRIu32, UINT32_MAX);
	if (r == 0 && max_pkt > UINT32_MAX)
		r = cabo_errh_error(a->errh, "MAX_PKT_SIZE: out of range");
	s->in = sched_inputs_new(e, sizeof *s->in);
	for (unsigned i = 0; i < e->ninputs; i++)
		s->in[i].weight = 1;
	if (r == 0 && weights) {
		uint32_t *w = cabo_xcalloc(e->ninputs ? e->ninputs : 1, sizeof *w);
		r = sched_parse_weights(weights, e->ninputs, DRR_MAX_WEIGHT, w, a->errh,
					"WEIGHTS");
		for (unsigned i = 0; r == 0 && i < e->ninputs; i++)
			s->in[i].weight = w[i];
		free(w);
	}
	free(weights);
	s->quantum = (uint32_t)quantum;
	s->max_pkt = (uint32_t)max_pkt;
	return r;
}

static int drr_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct drrsched *s = (struct drrsched *)e;
	sched_inputs_init_signals(e, s->in, sizeof *s->in);
	for (unsigned i = 0; i < e->ninputs; i++)
		s->in[i].avg_len = DRR_DEFAULT_AVG_LEN;
	s->next = 0;
	return 0;
}

static void drr_cleanup(struct cabo_element *e)
{
	struct drrsched *s = (struct drrsched *)e;
	sched_inputs_free(s->in, e->ninputs, sizeof *s->in);
	s->in = NULL;
}

/* ---- Scheduling */

static inline uint64_t quantum_of(const struct drrsched *s, const struct drr_input *d)
{
	return (uint64_t)s->quantum * d->weight;
}

/* The head packet of input i, pulling a batch of about as many packets as
 * its deficit allows when nothing is held; NULL if it has none.  Drops
 * packets longer than MAX_PKT_SIZE. */
static struct cabo_packet *head_of(struct drrsched *s, unsigned i, unsigned room)
{
	struct drr_input *d = &s->in[i];
	for (;;) {
		if (!sched_input_nheld(&d->in)) {
			uint64_t want = d->deficit / d->avg_len + 1;
			unsigned ask = want < room ? (unsigned)want : room;
			unsigned n = sched_input_fill(&s->e, i, &d->in, ask);
			if (!n)
				return NULL;
			uint64_t len = cabo_batch_bytes(&d->in.held) / n;
			d->avg_len = len ? (uint32_t)len : 1;
		}
		struct cabo_packet *p = sched_input_head(&d->in);
		if (!s->max_pkt || p->length <= s->max_pkt)
			return p;
		d->in.pos++;
		cabo_element_drop(&s->e, p, DROP_TOO_LONG);
	}
}

/* A whole round went by with nothing sent, but some inputs hold a packet
 * their deficit does not cover: credits at once the rounds that would pass
 * before the first of them fits (every holding input earns its quantum once
 * per round).  Returns false if no input holds a packet. */
static bool skip_rounds(struct drrsched *s)
{
	uint64_t rounds = UINT64_MAX;
	for (unsigned i = 0; i < s->e.ninputs; i++) {
		struct drr_input *d = &s->in[i];
		struct cabo_packet *p = sched_input_head(&d->in);
		if (!p)
			continue;
		uint64_t need = p->length > d->deficit ? p->length - d->deficit : 0;
		uint64_t q = quantum_of(s, d);
		uint64_t r = (need + q - 1) / q;
		if (r < rounds)
			rounds = r;
	}
	if (rounds == UINT64_MAX)
		return false;
	if (rounds > 1)
		for (unsigned i = 0; i < s->e.ninputs; i++)
			if (sched_input_nheld(&s->in[i].in))
				s->in[i].deficit += (rounds - 1) * quantum_of(s, &s->in[i]);
	return true;
}

static unsigned drr_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			 unsigned max)
{
	struct drrsched *s = (struct drrsched *)e;
	unsigned n = e->ninputs;
	unsigned misses = 0;        /* visits in a row that sent nothing */
	if (max > CABO_BATCH_MAX)
		max = CABO_BATCH_MAX;
	b->count = 0;
	if (!n)
		return 0;
	while (b->count < max) {
		struct drr_input *d = &s->in[s->next];
		struct cabo_packet *p = head_of(s, s->next, max - b->count);
		if (!p) {
			d->deficit = 0;
		} else if (p->length <= d->deficit) {
			d->deficit -= p->length;
			b->p[b->count++] = sched_input_take(&d->in);
			misses = 0;
			continue;
		}
		s->next = s->next + 1 == n ? 0 : s->next + 1;
		s->in[s->next].deficit += quantum_of(s, &s->in[s->next]);
		if (++misses >= n) {
			if (!skip_rounds(s))
				break;
			misses = 0;
		}
	}
	return b->count;
}

/* ---- Handlers */

enum { H_QUANTUM, H_MAX_PKT };

static int read_param(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct drrsched *s = (struct drrsched *)e;
	cabo_strbuf_printf(out, "%" PRIu32, (intptr_t)arg == H_QUANTUM ? s->quantum : s->max_pkt);
	return 0;
}

static int write_param(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	struct drrsched *s = (struct drrsched *)e;
	struct cabo_args a;
	uint64_t v = 0;
	bool quantum = (intptr_t)arg == H_QUANTUM;
	const char *kw = quantum ? "QUANTUM" : "MAX_PKT_SIZE";
	cabo_args_init(&a, value, errh);
	cabo_args_read_uint(&a, kw, CABO_ARG_MP, &v);
	int r = cabo_args_complete(&a);
	cabo_args_destroy(&a);
	if (r < 0)
		return -1;
	if (v > UINT32_MAX || (quantum && v == 0))
		return cabo_errh_error(errh, "%s: must be from %d to %" PRIu32, kw, quantum,
				       UINT32_MAX);
	if (quantum)
		s->quantum = (uint32_t)v;
	else
		s->max_pkt = (uint32_t)v;
	return 0;
}

static int read_weights(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct drrsched *s = (struct drrsched *)e;
	for (unsigned i = 0; i < e->ninputs; i++)
		cabo_strbuf_printf(out, "%s%" PRIu32, i ? " " : "", s->in[i].weight);
	return 0;
}

static int write_weights(struct cabo_element *e, const char *value, const void *arg,
			 struct cabo_errh *errh)
{
	struct drrsched *s = (struct drrsched *)e;
	uint32_t *w = cabo_xcalloc(e->ninputs ? e->ninputs : 1, sizeof *w);
	int r = sched_parse_weights(value, e->ninputs, DRR_MAX_WEIGHT, w, errh, "weights");
	for (unsigned i = 0; r == 0 && i < e->ninputs; i++)
		s->in[i].weight = w[i];
	free(w);
	return r;
}

static int read_stats(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct drrsched *s = (struct drrsched *)e;
	sched_inputs_stats(out, s->in, e->ninputs, sizeof *s->in);
	return 0;
}

static int write_reset_counts(struct cabo_element *e, const char *value, const void *arg,
			      struct cabo_errh *errh)
{
	struct drrsched *s = (struct drrsched *)e;
	sched_inputs_reset_counts(s->in, e->ninputs, sizeof *s->in);
	return 0;
}

static const struct cabo_handler drr_handlers[] = {
	{ "quantum", read_param, write_param, (const void *)H_QUANTUM, 0 },
	{ "weights", read_weights, write_weights, NULL, 0 },
	{ "max_pkt_size", read_param, write_param, (const void *)H_MAX_PKT, 0 },
	{ "stats", read_stats, NULL, NULL, 0 },
	{ "reset_counts", NULL, write_reset_counts, NULL, CABO_HANDLER_BUTTON },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(drrsched_class) = {
	.name = "DRRSched", .port_count = "-/1", .processing = "l/l",
	.size = sizeof(struct drrsched), .configure = drr_configure,
	.initialize = drr_initialize, .cleanup = drr_cleanup, .pull = drr_pull,
	.handlers = drr_handlers, .drop_reasons = drr_drop_reasons,
};

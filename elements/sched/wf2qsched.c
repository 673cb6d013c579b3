/*
 * =c
 * WF2QSched([KEYWORDS])
 * =s
 * pulls from inputs with byte-accurate weighted fair queueing (WF2Q+)
 * =ports
 * any number of inputs, 1 output
 * =processing
 * pull
 * =d
 * Schedules packets with WF2Q+, the worst-case fair weighted fair queueing
 * of Bennett and Zhang ("Hierarchical Packet Fair Queueing Algorithms",
 * SIGCOMM 1996).  Cabo's own element; Click has no counterpart.
 *
 * Each input I has a weight W_I.  WF2QSched keeps a system virtual time V,
 * counted in bytes of link service, and stamps each input's head packet
 * with a virtual start time S (the finish time of the input's previous
 * packet if the input stayed busy, otherwise the later of that and V) and a
 * finish time F = S + LENGTH * (sum of all weights) / W_I.  Each packet sent
 * is the head packet with the smallest F among those already eligible
 * (S <= V); sending it advances V by its length, and V never lags behind
 * the smallest S of a busy input.
 *
 * Saturated inputs get link bytes in proportion to their weights, whatever
 * their packet sizes; idle inputs' shares go to the busy ones in proportion
 * to their weights.  Unlike deficit round robin, the service of each input
 * never runs ahead of its fair share by more than about one packet, so a
 * tenant's packets are spread evenly over time rather than sent in
 * quantum-sized runs: it suits latency-sensitive tenants sharing a link.
 *
 * Virtual times wrap around and are compared as differences, so WF2QSched
 * runs forever.  WF2QSched pulls an input whenever it needs the input's next
 * head packet, in batches of about that input's weighted share of the
 * batch being pulled; packets pulled but not yet sent wait in WF2QSched and
 * are not counted by "stats" until they are sent.  A batch pull gives the
 * same packets in the same order as that many single pulls.
 *
 * The inputs are usually Queues or other pull elements.  Inputs whose
 * upstream queues all have inactive empty notifiers are not pulled; a task
 * downstream (Unqueue, LinkUnqueue) listens to those queues through
 * WF2QSched, which never returns an empty pull while it holds a packet.
 * =k WEIGHTS
 * Space-separated positive integers, one per input, at most 1000000 each.
 * Default: all 1.
 * =h weights read/write
 * Returns or sets the weights.  A write must give one positive integer per
 * input; it applies to packets stamped after it.
 * =h stats read
 * One line per input: "PORT PACKETS BYTES", the packets and bytes it has
 * sent since the last reset.
 * =h reset_counts write
 * Resets the "stats" counters.
 * =e
 *   gold :: Queue -> [0] wfq :: WF2QSched(WEIGHTS "5 1");
 *   bronze :: Queue -> [1] wfq;
 *   wfq -> BandwidthRatedUnqueue(100Mbps) -> ToDump(out.pcap);
 * =a
 * DRRSched, StrideSched, RoundRobinSched, Queue, LinkUnqueue
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "element.h"
#include "schedutil.h"
#include "task.h"

enum {
	WFQ_MAX_WEIGHT = 1000000,
	/* Virtual time counts 1/1024 byte, so the integer division in each
	 * finish time loses less than a thousandth of a byte. */
	WFQ_SCALE_SHIFT = 10,
};
/* Sum of all weights: keeps LENGTH * sum << SCALE far from overflow. */
static const uint64_t WFQ_MAX_WEIGHT_SUM = UINT64_C(1) << 32;

struct wfq_input {
	struct sched_input in;      /* first: hold buffer, notifiers, stats */
	uint32_t weight;
	bool busy;                  /* the head packet is stamped */
	uint64_t start, finish;     /* virtual times of the head packet */
};

struct wf2qsched {
	struct cabo_element e;
	uint64_t vtime;             /* system virtual time V */
	uint64_t wsum;              /* sum of the weights */
	struct wfq_input *in;
};

/* Virtual times wrap: a is before b if b - a is a small positive number. */
static inline bool vt_before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

static inline uint64_t vt_max(uint64_t a, uint64_t b)
{
	return vt_before(a, b) ? b : a;
}

/* ---- Configuration */

static uint64_t weight_sum(const struct wf2qsched *s)
{
	uint64_t sum = 0;
	for (unsigned i = 0; i < s->e.ninputs; i++)
		sum += s->in[i].weight;
	return sum;
}

/* Installs new weights after checking their sum. */
static int set_weights(struct wf2qsched *s, const uint32_t *w, struct cabo_errh *errh,
		       const char *what)
{
	uint64_t sum = 0;
	for (unsigned i = 0; i < s->e.ninputs; i++)
		sum += w[i];
	if (sum > WFQ_MAX_WEIGHT_SUM)
		return cabo_errh_error(errh, "%s: weights add up to more than %" PRIu64, what,
				       WFQ_MAX_WEIGHT_SUM);
	for (unsigned i = 0; i < s->e.ninputs; i++)
		s->in[i].weight = w[i];
	s->wsum = weight_sum(s);
	return 0;
}

static int parse_and_set(struct wf2qsched *s, const char *text, struct cabo_errh *errh,
			 const char *what)
{
	unsigned n = s->e.ninputs;
	uint32_t *w = cabo_xcalloc(n ? n : 1, sizeof *w);
	int r = sched_parse_weights(text, n, WFQ_MAX_WEIGHT, w, errh, what);
	if (r == 0)
		r = set_weights(s, w, errh, what);
	free(w);
	return r;
}

static int wfq_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct wf2qsched *s = (struct wf2qsched *)e;
	char *weights = sched_args_read_list(a, "WEIGHTS");
	int r = cabo_args_complete(a);
	s->in = sched_inputs_new(e, sizeof *s->in);
	for (unsigned i = 0; i < e->ninputs; i++)
		s->in[i].weight = 1;
	s->wsum = weight_sum(s);
	if (r == 0 && weights)
		r = parse_and_set(s, weights, a->errh, "WEIGHTS");
	free(weights);
	return r;
}

static int wfq_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct wf2qsched *s = (struct wf2qsched *)e;
	sched_inputs_init_signals(e, s->in, sizeof *s->in);
	s->vtime = 0;
	return 0;
}

static void wfq_cleanup(struct cabo_element *e)
{
	struct wf2qsched *s = (struct wf2qsched *)e;
	sched_inputs_free(s->in, e->ninputs, sizeof *s->in);
	s->in = NULL;
}

/* ---- Scheduling */

/* Virtual service time of a packet of `len` bytes on input d. */
static inline uint64_t cost(const struct wf2qsched *s, const struct wfq_input *d, uint32_t len)
{
	return (((uint64_t)len * s->wsum) << WFQ_SCALE_SHIFT) / d->weight;
}

/* Makes sure input i has a head packet if it can get one, pulling about its
 * weighted share of `room` packets; stamps a new head.  `cont` says the
 * input has just sent its previous packet (so it stays busy if it has
 * another one now). */
static void refill(struct wf2qsched *s, unsigned i, unsigned room, bool cont)
{
	struct wfq_input *d = &s->in[i];
	if (!sched_input_nheld(&d->in)) {
		uint64_t ask = (uint64_t)room * d->weight / s->wsum + 1;
		sched_input_fill(&s->e, i, &d->in, ask < room ? (unsigned)ask : room);
	}
	struct cabo_packet *p = sched_input_head(&d->in);
	if (!p) {
		d->busy = false;
		return;
	}
	d->start = cont ? d->finish : vt_max(d->finish, s->vtime);
	d->finish = d->start + cost(s, d, p->length);
	d->busy = true;
}

/* WF2Q+ keeps V at least the smallest start time of a busy input, so some
 * busy input is always eligible. */
static void catch_up(struct wf2qsched *s)
{
	bool any = false;
	uint64_t min_start = 0;
	for (unsigned i = 0; i < s->e.ninputs; i++) {
		const struct wfq_input *d = &s->in[i];
		if (d->busy && (!any || vt_before(d->start, min_start))) {
			min_start = d->start;
			any = true;
		}
	}
	if (any)
		s->vtime = vt_max(s->vtime, min_start);
}

/* The eligible input (S <= V) with the smallest finish time, the lowest
 * port on ties; -1 if no input is busy. */
static int select_input(const struct wf2qsched *s)
{
	int best = -1;
	for (unsigned i = 0; i < s->e.ninputs; i++) {
		const struct wfq_input *d = &s->in[i];
		if (d->busy && !vt_before(s->vtime, d->start) &&
		    (best < 0 || vt_before(d->finish, s->in[best].finish)))
			best = (int)i;
	}
	return best;
}

static unsigned wfq_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			 unsigned max)
{
	struct wf2qsched *s = (struct wf2qsched *)e;
	if (max > CABO_BATCH_MAX)
		max = CABO_BATCH_MAX;
	b->count = 0;
	/* Inputs that were idle may have packets now. */
	for (unsigned i = 0; i < e->ninputs; i++)
		if (!s->in[i].busy)
			refill(s, i, max, false);
	catch_up(s);
	while (b->count < max) {
		int i = select_input(s);
		if (i < 0)
			break;
		struct wfq_input *d = &s->in[i];
		struct cabo_packet *p = sched_input_take(&d->in);
		b->p[b->count++] = p;
		s->vtime += (uint64_t)p->length << WFQ_SCALE_SHIFT;
		/* Whether the input stays busy is decided now, as a packet
		 * leaves, even when this batch is full. */
		refill(s, (unsigned)i, b->count < max ? max - b->count : 1, true);
		catch_up(s);
	}
	return b->count;
}

/* ---- Handlers */

static int read_weights(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct wf2qsched *s = (struct wf2qsched *)e;
	for (unsigned i = 0; i < e->ninputs; i++)
		cabo_strbuf_printf(out, "%s%" PRIu32, i ? " " : "", s->in[i].weight);
	return 0;
}

static int write_weights(struct cabo_element *e, const char *value, const void *arg,
			 struct cabo_errh *errh)
{
	return parse_and_set((struct wf2qsched *)e, value, errh, "weights");
}

static int read_stats(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct wf2qsched *s = (struct wf2qsched *)e;
	sched_inputs_stats(out, s->in, e->ninputs, sizeof *s->in);
	return 0;
}

static int write_reset_counts(struct cabo_element *e, const char *value, const void *arg,
			      struct cabo_errh *errh)
{
	struct wf2qsched *s = (struct wf2qsched *)e;
	sched_inputs_reset_counts(s->in, e->ninputs, sizeof *s->in);
	return 0;
}

static const struct cabo_handler wfq_handlers[] = {
	{ "weights", read_weights, write_weights, NULL, 0 },
	{ "stats", read_stats, NULL, NULL, 0 },
	{ "reset_counts", NULL, write_reset_counts, NULL, CABO_HANDLER_BUTTON },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(wf2qsched_class) = {
	.name = "WF2QSched", .port_count = "-/1", .processing = "l/l",
	.size = sizeof(struct wf2qsched), .configure = wfq_configure,
	.initialize = wfq_initialize, .cleanup = wfq_cleanup, .pull = wfq_pull,
	.handlers = wfq_handlers, .drop_reasons = NULL,
};

/*
 * =c
 * StrideSched(TICKETS0, ..., TICKETSN-1)
 * =s
 * pulls from stride-scheduled inputs
 * =ports
 * 1 or more inputs, 1 output
 * =processing
 * pull
 * =d
 * Has one output and N inputs, one ticket count per input.  Performs simple
 * packet-based stride scheduling (Waldspurger and Weihl): input I has a
 * stride inversely proportional to TICKETSI and a pass value that grows by
 * its stride each time it is tried, and each pull tries the inputs in order
 * of pass, smallest first.  Saturated inputs thus send packets in
 * proportion to their tickets (3:2:1 tickets give 3:2:1 packets); an input
 * with 0 tickets is never pulled.
 *
 * Each pull on the output tries the inputs in stride order until one
 * produces a packet or all have been tried.  An input that does not produce
 * a packet is not tried again in the same pull, even if its stride is very
 * short, but its pass still advances.  On equal passes the input that has
 * waited longest goes first (ports in order at the start).  A batch pull
 * gives the same packets in the same order as that many single pulls.
 *
 * The inputs are usually Queues or other pull elements.  Inputs whose
 * upstream queues all have inactive empty notifiers are not pulled (but
 * stride as if tried).  StrideSched counts packets, not bytes: for byte
 * shares use DRRSched or WF2QSched.
 * =h tickets0...tickets15 read/write
 * Returns or sets the number of tickets of input 0 to 15 (Click's per-port
 * handlers; Cabo's handler tables are fixed, so they stop at 15 and fail for
 * ports the element does not have).
 * =h tickets read/write
 * Returns every input's tickets, space-separated; a write sets them all.
 * =h stats read
 * One line per input: "PORT PACKETS BYTES", the packets and bytes it has
 * sent since the last reset.
 * =h reset_counts write
 * Resets the "stats" counters.
 * =e
 *   q0 :: Queue -> [0] ss :: StrideSched(3, 2, 1);
 *   q1 :: Queue -> [1] ss;
 *   q2 :: Queue -> [2] ss;
 *   ss -> Unqueue -> Discard;
 * =a
 * DRRSched, WF2QSched, RoundRobinSched, PrioSched
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "element.h"
#include "schedutil.h"
#include "task.h"

enum {
	STRIDE1 = 1 << 16,
	MAX_TICKETS = 1 << 15,
};

struct stride_input {
	struct sched_input in;      /* first: notifiers and stats */
	uint32_t tickets;
	uint32_t stride;
	uint32_t pass;              /* wraps; compared as differences */
	uint32_t seq;               /* queue order among equal passes */
	bool tried;                 /* in the current single pull */
};

struct stridesched {
	struct cabo_element e;
	struct stride_input *in;
	uint32_t seq;               /* next queue position */
};

static inline bool pass_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* ---- Configuration */

/* Sets input i's tickets; an input joining with tickets starts a stride
 * after the input at the front, as in Click. */
static void set_tickets(struct stridesched *s, unsigned i, uint32_t tickets, bool start)
{
	struct stride_input *c = &s->in[i];
	uint32_t old = c->tickets;
	c->tickets = tickets;
	c->stride = tickets ? STRIDE1 / tickets : 0;
	if (start) {
		c->pass = c->stride;
		c->seq = s->seq++;
	} else if (tickets && !old) {
		bool any = false;
		uint32_t front = 0;
		for (unsigned j = 0; j < s->e.ninputs; j++)
			if (j != i && s->in[j].tickets && (!any || pass_before(s->in[j].pass, front))) {
				front = s->in[j].pass;
				any = true;
			}
		c->pass = any ? front + c->stride : 0;
		c->seq = s->seq++;
	}
}

/* Parses one ticket count; warns and clamps above MAX_TICKETS. */
static int parse_tickets(const char *text, unsigned i, uint32_t *out, struct cabo_errh *errh)
{
	int64_t v;
	if (!cabo_parse_int(text, &v))
		return cabo_errh_error(errh, "argument %u should be number of tickets (integer)", i);
	if (v < 0)
		return cabo_errh_error(errh, "argument %u (number of tickets) must be >= 0", i);
	if (v > MAX_TICKETS) {
		cabo_errh_warning(errh, cabo_landmark_none(), "input %u's tickets reduced to %d", i,
				  MAX_TICKETS);
		v = MAX_TICKETS;
	}
	*out = (uint32_t)v;
	return 0;
}

static int stride_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct stridesched *s = (struct stridesched *)e;
	const char *const *argv;
	unsigned argc = cabo_args_read_rest(a, &argv);
	int r = cabo_args_complete(a);
	s->in = sched_inputs_new(e, sizeof *s->in);
	s->seq = 0;
	if (r < 0)
		return -1;
	if (argc != e->ninputs)
		return cabo_errh_error(a->errh, "need %u arguments, one per input", e->ninputs);
	for (unsigned i = 0; i < argc; i++) {
		uint32_t t = 0;
		if (parse_tickets(argv[i], i, &t, a->errh) < 0)
			r = -1;
		set_tickets(s, i, t, true);
	}
	return r;
}

static int stride_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct stridesched *s = (struct stridesched *)e;
	sched_inputs_init_signals(e, s->in, sizeof *s->in);
	return 0;
}

static void stride_cleanup(struct cabo_element *e)
{
	struct stridesched *s = (struct stridesched *)e;
	sched_inputs_free(s->in, e->ninputs, sizeof *s->in);
	s->in = NULL;
}

/* ---- Scheduling */

/* The untried input with tickets at the front of the stride queue. */
static int front(const struct stridesched *s)
{
	int best = -1;
	for (unsigned i = 0; i < s->e.ninputs; i++) {
		const struct stride_input *c = &s->in[i];
		if (!c->tickets || c->tried)
			continue;
		if (best < 0 || pass_before(c->pass, s->in[best].pass) ||
		    (c->pass == s->in[best].pass && pass_before(c->seq, s->in[best].seq)))
			best = (int)i;
	}
	return best;
}

/* One pull: tries inputs in stride order until one gives a packet. */
static struct cabo_packet *pull_one(struct stridesched *s)
{
	struct cabo_packet *p = NULL;
	unsigned ntried = 0;
	int i;
	while (!p && (i = front(s)) >= 0) {
		struct stride_input *c = &s->in[i];
		if (sched_signals_maybe(&c->in.sig)) {
			struct cabo_batch b;
			if (cabo_input_pull(&s->e, (unsigned)i, &b, 1)) {
				p = b.p[0];
				c->in.packets++;
				c->in.bytes += p->length;
			}
		}
		c->pass += c->stride;
		c->seq = s->seq++;   /* back of the queue among equal passes */
		c->tried = true;
		ntried++;
	}
	for (unsigned j = 0; ntried && j < s->e.ninputs; j++)
		s->in[j].tried = false;
	return p;
}

static unsigned stride_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			    unsigned max)
{
	struct stridesched *s = (struct stridesched *)e;
	if (max > CABO_BATCH_MAX)
		max = CABO_BATCH_MAX;
	b->count = 0;
	struct cabo_packet *p;
	while (b->count < max && (p = pull_one(s)) != NULL)
		b->p[b->count++] = p;
	return b->count;
}

/* ---- Handlers */

static int read_tickets(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct stridesched *s = (struct stridesched *)e;
	uintptr_t port = (uintptr_t)arg;
	if (port == UINTPTR_MAX) {
		for (unsigned i = 0; i < e->ninputs; i++)
			cabo_strbuf_printf(out, "%s%" PRIu32, i ? " " : "", s->in[i].tickets);
		return 0;
	}
	if (port >= e->ninputs)
		return -1;
	cabo_strbuf_printf(out, "%" PRIu32, s->in[port].tickets);
	return 0;
}

static int write_tickets(struct cabo_element *e, const char *value, const void *arg,
			 struct cabo_errh *errh)
{
	struct stridesched *s = (struct stridesched *)e;
	uintptr_t port = (uintptr_t)arg;
	if (port != UINTPTR_MAX) {
		uint32_t t;
		if (port >= e->ninputs)
			return cabo_errh_error(errh, "port %u out of range", (unsigned)port);
		char **words;
		unsigned nw = cabo_split_words(value, &words);
		int r = nw == 1 ? parse_tickets(words[0], (unsigned)port, &t, errh)
				: cabo_errh_error(errh, "tickets value must be integer");
		cabo_free_strings(words, nw);
		if (r == 0)
			set_tickets(s, (unsigned)port, t, false);
		return r;
	}
	char **words;
	unsigned nw = cabo_split_words(value, &words);
	uint32_t *t = cabo_xcalloc(nw ? nw : 1, sizeof *t);
	int r = 0;
	if (nw != e->ninputs)
		r = cabo_errh_error(errh, "need %u ticket counts, one per input", e->ninputs);
	for (unsigned i = 0; r == 0 && i < nw; i++)
		r = parse_tickets(words[i], i, &t[i], errh);
	for (unsigned i = 0; r == 0 && i < nw; i++)
		set_tickets(s, i, t[i], false);
	free(t);
	cabo_free_strings(words, nw);
	return r;
}

static int read_stats(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct stridesched *s = (struct stridesched *)e;
	sched_inputs_stats(out, s->in, e->ninputs, sizeof *s->in);
	return 0;
}

static int write_reset_counts(struct cabo_element *e, const char *value, const void *arg,
			      struct cabo_errh *errh)
{
	struct stridesched *s = (struct stridesched *)e;
	sched_inputs_reset_counts(s->in, e->ninputs, sizeof *s->in);
	return 0;
}

#define TICKETS(n) { "tickets" #n, read_tickets, write_tickets, (const void *)(uintptr_t)(n), 0 }

static const struct cabo_handler stride_handlers[] = {
	TICKETS(0), TICKETS(1), TICKETS(2), TICKETS(3),
	TICKETS(4), TICKETS(5), TICKETS(6), TICKETS(7),
	TICKETS(8), TICKETS(9), TICKETS(10), TICKETS(11),
	TICKETS(12), TICKETS(13), TICKETS(14), TICKETS(15),
	{ "tickets", read_tickets, write_tickets, (const void *)UINTPTR_MAX, 0 },
	{ "stats", read_stats, NULL, NULL, 0 },
	{ "reset_counts", NULL, write_reset_counts, NULL, CABO_HANDLER_BUTTON },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(stridesched_class) = {
	.name = "StrideSched", .port_count = "1-/1", .processing = "l/l",
	.size = sizeof(struct stridesched), .configure = stride_configure,
	.initialize = stride_initialize, .cleanup = stride_cleanup, .pull = stride_pull,
	.handlers = stride_handlers, .drop_reasons = NULL,
};

/*
 * =c
 * RoundRobinSched
 * =s
 * pulls from round-robin inputs
 * =ports
 * any number of inputs, 1 output
 * =processing
 * pull
 * =d
 * Each packet pulled from the output comes from the inputs in turn: starting
 * at the input after the one that produced the previous packet, RoundRobinSched
 * takes the next packet from the first input that has one.  With every input
 * busy, inputs 0, 1, ..., n-1 each supply one packet per round; an input with
 * nothing to give is skipped.
 *
 * A pull of a whole batch gives the same packets in the same order as that
 * many single pulls would: RoundRobinSched asks each input for its fair share
 * of the batch in one pull, asks again those that filled their share while
 * room is left, and then interleaves the packets round by round.
 *
 * The inputs are usually Queues or other pull schedulers.  Inputs whose
 * upstream queues all have inactive empty notifiers are not pulled.
 * RoundRobinSched has no notifier of its own: a task downstream (Unqueue)
 * listens to the queues behind it directly.
 * =e
 *   src0 -> q0 :: Queue -> [0] rr :: RoundRobinSched;
 *   src1 -> q1 :: Queue -> [1] rr;
 *   rr -> Unqueue(BURST 32) -> Discard;
 * =a
 * PrioSched, Queue, Unqueue
 */
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "task.h"

enum { RR_MAX_SIGNALS = 16 };

struct rr_input {
	unsigned nsignals;          /* 0: no notification, always pull */
	struct cabo_notifier *signals[RR_MAX_SIGNALS];
	struct cabo_batch got;      /* packets taken from this input this pull */
};

struct rrsched {
	struct cabo_element e;
	unsigned next;              /* input to try first */
	struct rr_input *in;
	unsigned *cand;             /* scratch: inputs that may give more */
};

static int rrsched_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct rrsched *s = (struct rrsched *)e;
	s->in = cabo_xcalloc(e->ninputs ? e->ninputs : 1, sizeof *s->in);
	s->cand = cabo_xcalloc(e->ninputs ? e->ninputs : 1, sizeof *s->cand);
	for (unsigned i = 0; i < e->ninputs; i++) {
		struct rr_input *in = &s->in[i];
		in->nsignals = cabo_notifier_upstream(e, i, in->signals, RR_MAX_SIGNALS);
		if (in->nsignals >= RR_MAX_SIGNALS)
			in->nsignals = 0;
	}
	s->next = 0;
	return 0;
}

static void rrsched_cleanup(struct cabo_element *e)
{
	struct rrsched *s = (struct rrsched *)e;
	free(s->in);
	free(s->cand);
	s->in = NULL;
	s->cand = NULL;
}

static inline bool input_ready(const struct rr_input *in)
{
	return !in->nsignals || cabo_notifiers_any_active(in->signals, in->nsignals);
}

/* Takes up to `ask` more packets from input i, appending to its list. */
static unsigned take(struct rrsched *s, unsigned i, unsigned ask)
{
	struct cabo_batch *got = &s->in[i].got;
	if (!got->count)
		return cabo_input_pull(&s->e, i, got, ask);
	struct cabo_batch tmp;
	unsigned n = cabo_input_pull(&s->e, i, &tmp, ask);
	memcpy(got->p + got->count, tmp.p, n * sizeof *tmp.p);
	got->count += n;
	return n;
}

static unsigned rrsched_pull(struct cabo_element *e, unsigned port,
			     struct cabo_batch *b, unsigned max)
{
	struct rrsched *s = (struct rrsched *)e;
	unsigned n = e->ninputs;
	if (max > CABO_BATCH_MAX)
		max = CABO_BATCH_MAX;
	b->count = 0;
	if (!n || !max)
		return 0;

	/* Candidates in round-robin order from `next`. */
	unsigned ncand = 0;
	for (unsigned j = 0, i = s->next; j < n; j++, i = i + 1 == n ? 0 : i + 1) {
		s->in[i].got.count = 0;
		if (input_ready(&s->in[i]))
			s->cand[ncand++] = i;
	}

	/* Fill level by level: every candidate still in the running has the
	 * same number of packets; one that gives less than asked is empty. */
	unsigned left = max;
	while (left && ncand) {
		unsigned share = left / ncand, k = 0;
		if (!share) {
			/* A partial round: one each, in order, while room is
			 * left.  If it goes all the way round, every survivor
			 * is one level up and the loop goes on. */
			for (unsigned j = 0; j < ncand && left; j++) {
				unsigned i = s->cand[j];
				if (take(s, i, 1)) {
					left--;
					s->cand[k++] = i;
				}
			}
			ncand = k;
			continue;
		}
		for (unsigned j = 0; j < ncand; j++) {
			unsigned i = s->cand[j];
			unsigned got = take(s, i, share);
			left -= got;
			if (got == share)
				s->cand[k++] = i;
		}
		ncand = k;
	}
	if (left == max)
		return 0;

	/* Interleave: round r holds the r-th packet of every input that gave
	 * more than r, in round-robin order. */
	unsigned last = s->next;
	for (unsigned r = 0; b->count < max - left; r++) {
		for (unsigned j = 0, i = s->next; j < n; j++, i = i + 1 == n ? 0 : i + 1) {
			if (s->in[i].got.count > r) {
				b->p[b->count++] = s->in[i].got.p[r];
				last = i;
			}
		}
	}
	s->next = last + 1 == n ? 0 : last + 1;
	return b->count;
}

CABO_ELEMENT_CLASS(roundrobinsched_class) = {
	.name = "RoundRobinSched", .port_count = "-/1", .processing = "l/l",
	.size = sizeof(struct rrsched), .initialize = rrsched_initialize,
	.cleanup = rrsched_cleanup, .pull = rrsched_pull,
	.handlers = NULL, .drop_reasons = NULL,
};

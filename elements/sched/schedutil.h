/* What the packet schedulers of elements/sched share: the empty notifiers
 * upstream of a pull input, per-input hold buffers with served-traffic
 * counters, and Click's unparsers for times and bandwidths.
 *
 * A scheduler that must look at a packet before deciding when to send it
 * (DRRSched needs the head packet's length, WF2QSched its finish time) keeps
 * the packets it has pulled but not yet sent in the input's hold buffer.  A
 * scheduler returns an empty pull only when every hold buffer is empty, so a
 * task downstream that sleeps on the queues' notifiers never strands held
 * packets. */
#ifndef CABO_ELEMENTS_SCHED_SCHEDUTIL_H
#define CABO_ELEMENTS_SCHED_SCHEDUTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "element.h"
#include "task.h"

enum { SCHED_MAX_SIGNALS = 16 };

/* ---- Upstream notifiers of one pull input */

struct sched_signals {
	unsigned n;      /* 0: some path has no notifier: packets may come any time */
	struct cabo_notifier *sig[SCHED_MAX_SIGNALS];
};

/* Finds the notifiers upstream of e's input `port`.  With a `listener`, the
 * task is woken whenever one of them turns active; if one cannot take
 * another listener the input is treated as having no notifiers (polled). */
void sched_signals_init(struct sched_signals *s, struct cabo_element *e, unsigned port,
			struct cabo_task *listener);

/* True if pulling the input may give packets. */
static inline bool sched_signals_maybe(const struct sched_signals *s)
{
	return !s->n || cabo_notifiers_any_active(s->sig, s->n);
}

/* True if the input is known to be empty: a puller may sleep. */
static inline bool sched_signals_idle(const struct sched_signals *s)
{
	return !sched_signals_maybe(s);
}

/* ---- Scheduler inputs with hold buffers */

struct sched_input {
	struct sched_signals sig;
	struct cabo_batch held;     /* pulled, not yet sent: held.p[pos .. count) */
	unsigned pos;
	uint64_t packets;           /* sent, since the last reset */
	uint64_t bytes;
};

static inline unsigned sched_input_nheld(const struct sched_input *in)
{
	return in->held.count - in->pos;
}

static inline struct cabo_packet *sched_input_head(const struct sched_input *in)
{
	return in->pos < in->held.count ? in->held.p[in->pos] : NULL;
}

/* Removes the head packet and counts it as sent. */
static inline struct cabo_packet *sched_input_take(struct sched_input *in)
{
	struct cabo_packet *p = in->held.p[in->pos++];
	in->packets++;
	in->bytes += p->length;
	return p;
}

/* When the hold buffer is empty and the input may have packets, pulls up to
 * `ask` (at most CABO_BATCH_MAX) packets into it.  Returns how many packets
 * the buffer now holds. */
unsigned sched_input_fill(struct cabo_element *e, unsigned port, struct sched_input *in,
			  unsigned ask);

/* Allocates e->ninputs zeroed inputs of `size` bytes each (a struct that
 * starts with struct sched_input). */
void *sched_inputs_new(struct cabo_element *e, size_t size);
/* Finds every input's upstream notifiers (no listener: the task downstream
 * listens to them itself, through the scheduler). */
void sched_inputs_init_signals(struct cabo_element *e, void *inputs, size_t size);

/* Frees held packets and the array; safe on NULL. */
void sched_inputs_free(void *inputs, unsigned n, size_t size);

/* Input i of an array of per-input structs of `size` bytes. */
static inline struct sched_input *sched_input_at(void *inputs, size_t size, unsigned i)
{
	return (struct sched_input *)((char *)inputs + (size_t)i * size);
}

/* "PORT PACKETS BYTES" per input, one line each. */
void sched_inputs_stats(struct cabo_strbuf *out, void *inputs, unsigned n, size_t size);
void sched_inputs_reset_counts(void *inputs, unsigned n, size_t size);

/* Parses "W0 W1 ..." (exactly n positive integers, each at most `max`) into
 * out.  Returns 0, or -1 with the reason in errh. */
int sched_parse_weights(const char *text, unsigned n, uint32_t max, uint32_t *out,
			struct cabo_errh *errh, const char *what);
/* Reads keyword `kw` as a space-separated list, quoted ("3 2 1") or not
 * (3 2 1).  Returns a malloc'd string, or NULL if absent or badly quoted. */
char *sched_args_read_list(struct cabo_args *a, const char *kw);

/* ---- Click's unparsers */

/* BandwidthArg::unparse: "10Mbps", "384kbps", "1.5Gbps", "1000MBps" (from
 * 2^29 bytes per second up). */
void sched_unparse_bandwidth(struct cabo_strbuf *out, double bytes_per_sec);

#endif

/*
 * =c
 * RatedSource([DATA, RATE, LIMIT, ACTIVE, KEYWORDS])
 * =s
 * generates packets at specified rate
 * =ports
 * no inputs, 1 output
 * =processing
 * agnostic
 * =d
 * Creates packets consisting of DATA and emits them out its single output at
 * RATE packets per second, at most LIMIT of them (a negative LIMIT sends
 * forever), while ACTIVE is true.  Default DATA is the same 70-byte text
 * Click uses; default RATE is 10; default LIMIT is -1; default ACTIVE is
 * true.
 *
 * The pace comes from a token bucket on the router's clock (real time, or
 * simulated time under --simtime): it starts with one token, fills at RATE
 * tokens per second and holds at most 2 tokens (RATE/100 from a RATE of 200
 * up), as in Click.  In push mode a task sends the packets the bucket allows
 * (as one batch) and otherwise sleeps on a timer until the next token is due,
 * so very high rates are reachable.  In pull mode each pull returns the
 * packets the bucket allows.
 *
 * Every packet is a clone of one template packet; its timestamp annotation
 * is set to the time it was sent.
 * =k DATA
 * String.  Same as the DATA argument.
 * =k LENGTH
 * Integer.  If set, packets have exactly this length (DATA is truncated or
 * repeated).  DATASIZE is a deprecated synonym.
 * =k RATE
 * Unsigned.  Same as the RATE argument.
 * =k BANDWIDTH
 * Bandwidth (e.g. 10Mbps).  Sets RATE from the packet length and this
 * target bandwidth.
 * =k LIMIT
 * Integer.  Same as the LIMIT argument.
 * =k ACTIVE
 * Boolean.  Same as the ACTIVE argument.
 * =k STOP
 * Boolean.  If true, stop the router once LIMIT packets are sent.  Default
 * false.
 * =h count read
 * Returns the number of packets generated.
 * =h reset write
 * Resets the count to 0, so the source generates another LIMIT packets.
 * =h data read/write
 * Returns or sets DATA (the written value is used verbatim).
 * =h length read/write
 * Returns or sets LENGTH (-1 when unset).
 * =h rate read/write
 * Returns or sets RATE.
 * =h limit read/write
 * Returns or sets LIMIT; negative means no limit.
 * =h active read/write
 * Makes the element active or inactive.
 * =e
 *   RatedSource(\<0800>, 10, 1000) -> Queue -> ...
 * =a
 * InfiniteSource, TimedSource
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "element.h"
#include "source.h"
#include "task.h"

static const uint64_t TOKEN = 1000000000;   /* one packet, in token-nanoseconds */

struct ratedsource {
	struct cabo_source src;       /* first: the element is a source */
	uint32_t rate;                /* packets per second */
	uint32_t burst;               /* bucket capacity, packets */
	uint64_t tokens;              /* in units of TOKEN per packet */
	int64_t last_ns;              /* last refill */
	bool push;
	struct cabo_task task;
	struct cabo_timer timer;
};

/* ---- Token bucket */

static void set_rate(struct ratedsource *s, uint32_t rate, uint32_t burst)
{
	s->rate = rate;
	s->burst = burst;
	if (s->tokens > (uint64_t)burst * TOKEN)
		s->tokens = (uint64_t)burst * TOKEN;
}

static void refill(struct ratedsource *s, int64_t now)
{
	uint64_t cap = (uint64_t)s->burst * TOKEN;
	if (now > s->last_ns && s->rate && s->tokens < cap) {
		uint64_t elapsed = (uint64_t)(now - s->last_ns);
		uint64_t room = cap - s->tokens;
		if (elapsed >= room / s->rate + 1)
			s->tokens = cap;
		else
			s->tokens += elapsed * s->rate;
	}
	if (now > s->last_ns)
		s->last_ns = now;
}

static void refill_to_one(struct ratedsource *s)
{
	s->tokens = TOKEN;
	s->last_ns = cabo_element_now(&s->src.e);
}

/* Packets the bucket and LIMIT allow now, at most max. */
static unsigned allowed(struct ratedsource *s, int64_t now, unsigned max)
{
	refill(s, now);
	uint64_t n = cabo_source_allowed(&s->src, s->tokens / TOKEN);
	return n > max ? max : (unsigned)n;
}

/* Restarts a sleeping push task with one token, as Click does when the
 * source is switched on or reset; returns whether it did. */
static bool wake(struct ratedsource *s)
{
	if (!(s->src.initialized && s->push && s->src.active && !s->task.scheduled))
		return false;
	refill_to_one(s);
	cabo_task_schedule(&s->task);
	return true;
}

static void written(struct cabo_source *src, enum cabo_source_param param)
{
	struct ratedsource *s = (struct ratedsource *)src;
	switch (param) {
	case CABO_SOURCE_LIMIT:
		if (src->limit < 0)
			src->limit = -1;   /* Click keeps any negative LIMIT as -1 */
		break;
	case CABO_SOURCE_ACTIVE:
		wake(s);
		break;
	case CABO_SOURCE_RESET:
		if (!wake(s) && src->initialized)
			refill_to_one(s);
		break;
	default:
		break;
	}
}

static const struct cabo_source_ops ratedsource_ops = {
	.bad_limit = "syntax error",
	.bad_active = "syntax error",
	.bad_length = "syntax error",
	.written = written,
};

/* ---- Configuration */

static int ratedsource_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct ratedsource *s = (struct ratedsource *)e;
	struct cabo_source *src = &s->src;
	uint64_t rate = 10;
	double bandwidth = 0;
	cabo_source_init(src, &ratedsource_ops);
	cabo_args_read_data(a, "DATA", CABO_ARG_POSITIONAL, &src->data, &src->data_len);
	cabo_args_read_uint(a, "RATE", CABO_ARG_POSITIONAL, &rate);
	cabo_args_read_int(a, "LIMIT", CABO_ARG_POSITIONAL, &src->limit);
	cabo_args_read_bool(a, "ACTIVE", CABO_ARG_POSITIONAL, &src->active);
	cabo_args_read_int(a, "LENGTH", 0, &src->length);
	cabo_args_read_int(a, "DATASIZE", 0, &src->length);
	cabo_args_read_bool(a, "STOP", 0, &src->stop);
	cabo_args_read_bandwidth(a, "BANDWIDTH", 0, &bandwidth);
	/* On failure cleanup frees what was read. */
	if (cabo_args_complete(a) < 0)
		return -1;
	if (rate > UINT32_MAX)
		return cabo_errh_error(a->errh, "RATE: out of range");
	if (cabo_source_configured(src, a->errh) < 0)
		return -1;
	int64_t length = src->length;
	uint64_t burst;
	if (bandwidth > 0) {
		uint64_t plen = length < 0 ? src->data_len : (uint64_t)length;
		if (!plen)
			return cabo_errh_error(a->errh, "BANDWIDTH needs a nonempty packet");
		double r2 = bandwidth / (double)plen;
		rate = r2 > UINT32_MAX ? UINT32_MAX : (uint64_t)r2;
		burst = rate < 200 ? 2 : rate / 100;
		/* Click: room for two packets' worth when LENGTH is given */
		if (length > 0 && burst < 2 * (uint64_t)length)
			burst = 2 * (uint64_t)length;
	} else
		burst = rate < 200 ? 2 : rate / 100;
	set_rate(s, (uint32_t)rate, (uint32_t)burst);
	if (src->limit < 0)
		src->limit = -1;
	return 0;
}

static bool ratedsource_fire(struct cabo_task *t);
static void ratedsource_timer_fire(struct cabo_timer *t);

static int ratedsource_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct ratedsource *s = (struct ratedsource *)e;
	if (cabo_source_make_template(&s->src, errh) < 0)
		return -1;
	s->src.count = 0;
	refill_to_one(s);
	s->push = e->outputs[0].push;
	cabo_timer_init(&s->timer, e, ratedsource_timer_fire, s);
	if (s->push) {
		cabo_task_init(&s->task, e, ratedsource_fire, s);
		if (s->src.active)
			cabo_task_schedule(&s->task);
	}
	s->src.initialized = true;
	return 0;
}

/* ---- Packets */

static bool ratedsource_fire(struct cabo_task *t)
{
	struct ratedsource *s = t->arg;
	struct cabo_source *src = &s->src;
	if (!src->active) {
		cabo_task_unschedule(t);
		return false;
	}
	if (cabo_source_limit_reached(src)) {
		cabo_task_unschedule(t);
		if (src->stop)
			cabo_element_stop_router(&src->e);
		return false;
	}
	int64_t now = cabo_element_now(&src->e);
	unsigned n = allowed(s, now, CABO_BATCH_MAX);
	if (!n) {
		/* Sleep until the next token is due. */
		cabo_task_unschedule(t);
		if (s->rate) {
			uint64_t need = TOKEN - s->tokens;
			cabo_timer_schedule_at(&s->timer, now + (int64_t)((need + s->rate - 1) / s->rate));
		}
		return false;
	}
	struct cabo_batch b;
	src->packet->anno.timestamp_ns = now;
	unsigned got = cabo_source_clone(src, &b, n);
	s->tokens -= got * TOKEN;
	cabo_output_push(&src->e, 0, &b);
	if (cabo_source_limit_reached(src)) {
		cabo_task_unschedule(t);
		if (src->stop)
			cabo_element_stop_router(&src->e);
	}
	return got > 0;
}

static void ratedsource_timer_fire(struct cabo_timer *t)
{
	struct ratedsource *s = t->arg;
	if (s->push && s->src.active && !s->task.scheduled)
		cabo_task_schedule(&s->task);
}

static unsigned ratedsource_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
				 unsigned max)
{
	struct ratedsource *s = (struct ratedsource *)e;
	struct cabo_source *src = &s->src;
	b->count = 0;
	if (!src->active)
		return 0;
	if (cabo_source_limit_reached(src)) {
		if (src->stop)
			cabo_element_stop_router(e);
		return 0;
	}
	int64_t now = cabo_element_now(e);
	unsigned n = allowed(s, now, max > CABO_BATCH_MAX ? CABO_BATCH_MAX : max);
	if (!n)
		return 0;
	src->packet->anno.timestamp_ns = now;
	cabo_source_clone(src, b, n);
	s->tokens -= b->count * TOKEN;
	return b->count;
}

/* ---- Handlers: rate here, the rest shared with the other sources */

static int write_rate(struct cabo_element *e, const char *value, const void *arg,
		      struct cabo_errh *errh)
{
	char *v = cabo_source_trim(value);
	uint64_t u;
	bool ok = cabo_parse_uint(v, &u) && u <= UINT32_MAX;
	free(v);
	if (!ok)
		return cabo_errh_error(errh, "syntax error");
	set_rate((struct ratedsource *)e, (uint32_t)u, u < 200 ? 2 : (uint32_t)(u / 100));
	return 0;
}

static const struct cabo_handler ratedsource_handlers[] = {
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct cabo_source, count), 0 },
	{ "reset", NULL, cabo_source_write, (const void *)CABO_SOURCE_RESET, CABO_HANDLER_BUTTON },
	{ "data", cabo_source_read, cabo_source_write, (const void *)CABO_SOURCE_DATA, 0 },
	{ "rate", cabo_read_u32_field, write_rate, CABO_FIELD(struct ratedsource, rate), 0 },
	{ "limit", cabo_source_read, cabo_source_write, (const void *)CABO_SOURCE_LIMIT, 0 },
	{ "active", cabo_source_read, cabo_source_write, (const void *)CABO_SOURCE_ACTIVE, 0 },
	{ "length", cabo_source_read, cabo_source_write, (const void *)CABO_SOURCE_LENGTH, 0 },
	/* deprecated */
	{ "datasize", cabo_source_read, cabo_source_write, (const void *)CABO_SOURCE_LENGTH, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(ratedsource_class) = {
	.name = "RatedSource", .port_count = "0/1", .processing = "a/a",
	.size = sizeof(struct ratedsource), .configure = ratedsource_configure,
	.initialize = ratedsource_initialize, .cleanup = cabo_source_cleanup,
	.pull = ratedsource_pull, .handlers = ratedsource_handlers,
};

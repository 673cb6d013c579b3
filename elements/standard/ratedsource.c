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
#include <string.h>

#include "element.h"
#include "task.h"

static const char default_data[] =
	"Random bullshit in a packet, at least 64 bytes long. Well, now it is.";

enum { MAX_LENGTH = 1 << 20 };
static const uint64_t TOKEN = 1000000000;   /* one packet, in token-nanoseconds */

struct ratedsource {
	struct cabo_element e;
	struct cabo_packet *packet;   /* template; every packet is a clone */
	uint8_t *data;
	size_t data_len;
	int64_t length;               /* < 0: length of data */
	uint64_t count;
	int64_t limit;                /* < 0: no limit */
	uint32_t rate;                /* packets per second */
	uint32_t burst;               /* bucket capacity, packets */
	uint64_t tokens;              /* in units of TOKEN per packet */
	int64_t last_ns;              /* last refill */
	bool active;
	bool stop;
	bool push;
	bool initialized;
	struct cabo_task task;
	struct cabo_timer timer;
};

/* ---- Template packet */

static struct cabo_packet *make_template(struct cabo_element *e, const uint8_t *data,
					 size_t data_len, int64_t length)
{
	size_t n = length < 0 ? data_len : (size_t)length;
	struct cabo_packet *p = cabo_packet_alloc_large(cabo_element_pool(e), (uint32_t)n);
	if (!p)
		return NULL;
	if (n <= data_len)
		memcpy(p->data, data, n);
	else if (!data_len)
		memset(p->data, 0, n);
	else
		for (size_t i = 0; i < n; i += data_len)
			memcpy(p->data + i, data, n - i < data_len ? n - i : data_len);
	return p;
}

static int setup_packet(struct ratedsource *s, struct cabo_errh *errh)
{
	struct cabo_packet *p = make_template(&s->e, s->data, s->data_len, s->length);
	if (!p)
		return cabo_errh_error(errh, "out of packet memory");
	if (s->packet)
		cabo_packet_free(s->packet);
	s->packet = p;
	return 0;
}

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
	s->last_ns = cabo_element_now(&s->e);
}

static bool limit_reached(const struct ratedsource *s)
{
	return s->limit >= 0 && s->count >= (uint64_t)s->limit;
}

/* Packets the bucket and LIMIT allow now, at most max. */
static unsigned allowed(struct ratedsource *s, int64_t now, unsigned max)
{
	refill(s, now);
	uint64_t n = s->tokens / TOKEN;
	if (s->limit >= 0 && n > (uint64_t)s->limit - s->count)
		n = (uint64_t)s->limit - s->count;
	return n > max ? max : (unsigned)n;
}

/* ---- Configuration */

static int ratedsource_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct ratedsource *s = (struct ratedsource *)e;
	uint8_t *data = NULL;
	size_t data_len = 0;
	uint64_t rate = 10;
	int64_t limit = -1, length = -1;
	double bandwidth = 0;
	bool active = true, stop = false;

	cabo_args_read_data(a, "DATA", CABO_ARG_POSITIONAL, &data, &data_len);
	cabo_args_read_uint(a, "RATE", CABO_ARG_POSITIONAL, &rate);
	cabo_args_read_int(a, "LIMIT", CABO_ARG_POSITIONAL, &limit);
	cabo_args_read_bool(a, "ACTIVE", CABO_ARG_POSITIONAL, &active);
	cabo_args_read_int(a, "LENGTH", 0, &length);
	cabo_args_read_int(a, "DATASIZE", 0, &length);
	cabo_args_read_bool(a, "STOP", 0, &stop);
	cabo_args_read_bandwidth(a, "BANDWIDTH", 0, &bandwidth);
	int r = cabo_args_complete(a);
	if (r == 0 && rate > UINT32_MAX)
		r = cabo_errh_error(a->errh, "RATE: out of range");
	if (r == 0 && length > MAX_LENGTH)
		r = cabo_errh_error(a->errh, "LENGTH: at most %d", MAX_LENGTH);
	if (r < 0) {
		free(data);
		return -1;
	}
	if (!data) {
		data_len = sizeof default_data - 1;
		data = cabo_xmalloc(data_len);
		memcpy(data, default_data, data_len);
	}
	s->data = data;
	s->data_len = data_len;
	s->length = length;
	uint64_t burst;
	if (bandwidth > 0) {
		uint64_t plen = length < 0 ? data_len : (uint64_t)length;
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
	s->limit = limit;
	s->active = active;
	s->stop = stop;
	return 0;
}

static bool ratedsource_fire(struct cabo_task *t);
static void ratedsource_timer_fire(struct cabo_timer *t);

static int ratedsource_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct ratedsource *s = (struct ratedsource *)e;
	if (setup_packet(s, errh) < 0)
		return -1;
	s->count = 0;
	refill_to_one(s);
	s->push = e->outputs[0].push;
	cabo_timer_init(&s->timer, e, ratedsource_timer_fire, s);
	if (s->push) {
		cabo_task_init(&s->task, e, ratedsource_fire, s);
		if (s->active)
			cabo_task_schedule(&s->task);
	}
	s->initialized = true;
	return 0;
}

static void ratedsource_cleanup(struct cabo_element *e)
{
	struct ratedsource *s = (struct ratedsource *)e;
	if (s->packet)
		cabo_packet_free(s->packet);
	s->packet = NULL;
	free(s->data);
}

/* ---- Packets */

static bool ratedsource_fire(struct cabo_task *t)
{
	struct ratedsource *s = t->arg;
	if (!s->active) {
		cabo_task_unschedule(t);
		return false;
	}
	if (limit_reached(s)) {
		cabo_task_unschedule(t);
		if (s->stop)
			cabo_element_stop_router(&s->e);
		return false;
	}
	int64_t now = cabo_element_now(&s->e);
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
	s->packet->anno.timestamp_ns = now;
	unsigned got = cabo_packet_clone_batch(s->packet, b.p, n);
	b.count = got;
	s->tokens -= got * TOKEN;
	s->count += got;
	cabo_output_push(&s->e, 0, &b);
	if (limit_reached(s)) {
		cabo_task_unschedule(t);
		if (s->stop)
			cabo_element_stop_router(&s->e);
	}
	return got > 0;
}

static void ratedsource_timer_fire(struct cabo_timer *t)
{
	struct ratedsource *s = t->arg;
	if (s->push && s->active && !s->task.scheduled)
		cabo_task_schedule(&s->task);
}

static unsigned ratedsource_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
				 unsigned max)
{
	struct ratedsource *s = (struct ratedsource *)e;
	b->count = 0;
	if (!s->active)
		return 0;
	if (limit_reached(s)) {
		if (s->stop)
			cabo_element_stop_router(e);
		return 0;
	}
	int64_t now = cabo_element_now(e);
	unsigned n = allowed(s, now, max > CABO_BATCH_MAX ? CABO_BATCH_MAX : max);
	if (!n)
		return 0;
	s->packet->anno.timestamp_ns = now;
	b->count = cabo_packet_clone_batch(s->packet, b->p, n);
	s->tokens -= b->count * TOKEN;
	s->count += b->count;
	return b->count;
}

/* ---- Handlers */

enum { H_DATA, H_RATE, H_LIMIT, H_ACTIVE, H_RESET, H_LENGTH };

static char *trimmed(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return cabo_xstrndup(s, n);
}

static int read_param(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct ratedsource *s = (struct ratedsource *)e;
	switch ((intptr_t)arg) {
	case H_DATA:
		cabo_strbuf_append(out, (const char *)s->data, s->data_len);
		break;
	case H_RATE:
		cabo_strbuf_printf(out, "%u", s->rate);
		break;
	case H_LIMIT:
		cabo_strbuf_printf(out, "%lld", (long long)(s->limit < 0 ? -1 : s->limit));
		break;
	case H_ACTIVE:
		cabo_strbuf_puts(out, s->active ? "true" : "false");
		break;
	case H_LENGTH:
		cabo_strbuf_printf(out, "%lld", (long long)s->length);
		break;
	}
	return 0;
}

static void wake(struct ratedsource *s)
{
	if (s->initialized && s->push && s->active && !s->task.scheduled) {
		refill_to_one(s);
		cabo_task_schedule(&s->task);
	}
}

static int write_param(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	struct ratedsource *s = (struct ratedsource *)e;
	int kind = (int)(intptr_t)arg;
	char *v = kind == H_DATA ? NULL : trimmed(value);
	int64_t i;
	uint64_t u;
	bool bval;
	int r = 0;
	switch (kind) {
	case H_DATA: {
		size_t n = strlen(value);
		uint8_t *d = cabo_xmalloc(n ? n : 1);
		memcpy(d, value, n);
		free(s->data);
		s->data = d;
		s->data_len = n;
		if (s->initialized)
			r = setup_packet(s, errh);
		break;
	}
	case H_RATE:
		if (!cabo_parse_uint(v, &u) || u > UINT32_MAX)
			r = cabo_errh_error(errh, "syntax error");
		else
			set_rate(s, (uint32_t)u, u < 200 ? 2 : (uint32_t)(u / 100));
		break;
	case H_LIMIT:
		if (!cabo_parse_int(v, &i))
			r = cabo_errh_error(errh, "syntax error");
		else
			s->limit = i < 0 ? -1 : i;
		break;
	case H_ACTIVE:
		if (!cabo_parse_bool(v, &bval))
			r = cabo_errh_error(errh, "syntax error");
		else {
			s->active = bval;
			wake(s);
		}
		break;
	case H_RESET:
		s->count = 0;
		if (s->initialized && s->push && s->active && !s->task.scheduled)
			wake(s);
		else if (s->initialized)
			refill_to_one(s);
		break;
	case H_LENGTH:
		if (!cabo_parse_int(v, &i) || i > MAX_LENGTH)
			r = cabo_errh_error(errh, "syntax error");
		else {
			s->length = i;
			if (s->initialized)
				r = setup_packet(s, errh);
		}
		break;
	}
	free(v);
	return r;
}

static const struct cabo_handler ratedsource_handlers[] = {
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct ratedsource, count), 0 },
	{ "reset", NULL, write_param, (const void *)H_RESET, CABO_HANDLER_BUTTON },
	{ "data", read_param, write_param, (const void *)H_DATA, 0 },
	{ "rate", read_param, write_param, (const void *)H_RATE, 0 },
	{ "limit", read_param, write_param, (const void *)H_LIMIT, 0 },
	{ "active", read_param, write_param, (const void *)H_ACTIVE, 0 },
	{ "length", read_param, write_param, (const void *)H_LENGTH, 0 },
	{ "datasize", read_param, write_param, (const void *)H_LENGTH, 0 },  /* deprecated */
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(ratedsource_class) = {
	.name = "RatedSource", .port_count = "0/1", .processing = "a/a",
	.size = sizeof(struct ratedsource), .configure = ratedsource_configure,
	.initialize = ratedsource_initialize, .cleanup = ratedsource_cleanup,
	.pull = ratedsource_pull, .handlers = ratedsource_handlers,
};

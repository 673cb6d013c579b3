/*
 * =c
 * TimedSource([INTERVAL, DATA, KEYWORDS])
 * =s
 * periodically generates a packet
 * =ports
 * no inputs, 1 output
 * =processing
 * push
 * =d
 * Creates packets consisting of DATA and pushes one out its single output
 * about once every INTERVAL.  Default INTERVAL is 500 milliseconds; default
 * DATA is the same 70-byte text Click uses.  A timer drives it, on the
 * router's clock, so under --simtime it runs at simulated speed.  Each
 * packet is a clone of one template packet, with its timestamp annotation
 * set to the time it was sent.
 *
 * As in Click, the timer is rescheduled from its previous expiry (no drift),
 * and with STOP the router stops one INTERVAL after the last packet.
 * =k DATA
 * String.  Same as the DATA argument.
 * =k INTERVAL
 * Time.  Same as the INTERVAL argument.
 * =k LIMIT
 * Integer.  Stop sending after LIMIT packets; negative sends forever.
 * Default -1.
 * =k ACTIVE
 * Boolean.  If false, send nothing.  Default true.
 * =k HEADROOM
 * Unsigned.  Headroom of generated packets.  Default 64, the default
 * packet headroom.
 * =k STOP
 * Boolean.  If true, stop the router once LIMIT packets are sent.  Default
 * false.
 * =h data read/write
 * Returns or sets DATA (the written value is used verbatim).
 * =h interval read/write
 * Returns or sets INTERVAL (read like Click: "500ms", "1.500000s").
 * =h limit read/write
 * Returns or sets LIMIT.
 * =h active read/write
 * Returns or sets ACTIVE; writing true restarts a stopped source.
 * =h count read
 * Returns the number of packets sent.
 * =h headroom read/write
 * Returns or sets HEADROOM.
 * =h reset write
 * Resets the count to 0 and restarts the source.
 * =e
 *   TimedSource(INTERVAL 0.333) -> ...
 * =a
 * InfiniteSource, RatedSource
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "element.h"
#include "source.h"
#include "task.h"

enum { MAX_HEADROOM = 1 << 16 };

struct timedsource {
	struct cabo_source src;       /* first: the element is a source */
	int64_t interval_ns;
	struct cabo_timer timer;
};

/* After a write of active or reset: send again from now. */
static void restart(struct timedsource *s)
{
	if (s->src.initialized && s->src.active && !cabo_timer_scheduled(&s->timer))
		cabo_timer_schedule_at(&s->timer, cabo_element_now(&s->src.e));
}

static void written(struct cabo_source *src, enum cabo_source_param param)
{
	if (param == CABO_SOURCE_ACTIVE || param == CABO_SOURCE_RESET)
		restart((struct timedsource *)src);
}

static const struct cabo_source_ops timedsource_ops = {
	.bad_limit = "expected integer",
	.bad_active = "bad active",      /* no bad_length: TimedSource has no LENGTH */
	.written = written,
};

static int timedsource_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct timedsource *s = (struct timedsource *)e;
	struct cabo_source *src = &s->src;
	int64_t interval = 500000000;
	uint64_t headroom = CABO_PACKET_HEADROOM;
	cabo_source_init(src, &timedsource_ops);
	cabo_args_read_time(a, "INTERVAL", CABO_ARG_POSITIONAL, &interval);
	cabo_args_read_data(a, "DATA", CABO_ARG_POSITIONAL, &src->data, &src->data_len);
	cabo_args_read_int(a, "LIMIT", 0, &src->limit);
	cabo_args_read_bool(a, "ACTIVE", 0, &src->active);
	cabo_args_read_bool(a, "STOP", 0, &src->stop);
	cabo_args_read_uint(a, "HEADROOM", 0, &headroom);
	/* On failure cleanup frees what was read. */
	if (cabo_args_complete(a) < 0)
		return -1;
	if (headroom > MAX_HEADROOM)
		return cabo_errh_error(a->errh, "HEADROOM: at most %d", MAX_HEADROOM);
	if (interval < 0)
		return cabo_errh_error(a->errh, "INTERVAL: must be positive");
	if (cabo_source_configured(src, a->errh) < 0)
		return -1;
	s->interval_ns = interval;
	src->headroom = (int64_t)headroom;
	return 0;
}

static void timedsource_fire(struct cabo_timer *t);

static int timedsource_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct timedsource *s = (struct timedsource *)e;
	if (cabo_source_make_template(&s->src, errh) < 0)
		return -1;
	cabo_timer_init(&s->timer, e, timedsource_fire, s);
	if (s->src.active)
		cabo_timer_schedule_after(&s->timer, s->interval_ns);
	s->src.initialized = true;
	return 0;
}

static void timedsource_fire(struct cabo_timer *t)
{
	struct timedsource *s = t->arg;
	struct cabo_source *src = &s->src;
	if (!src->active)
		return;
	if (!cabo_source_limit_reached(src)) {
		struct cabo_packet *p = cabo_packet_clone(src->packet);
		if (p) {
			p->anno.timestamp_ns = cabo_element_now(&src->e);
			src->count++;
			cabo_output_push_one(&src->e, 0, p);
		}
		cabo_timer_schedule_at(t, t->expiry_ns + s->interval_ns);
	} else if (src->stop)
		cabo_element_stop_router(&src->e);
}

/* ---- Handlers: interval and headroom here, the rest shared with the
 * other sources */

enum { H_INTERVAL, H_HEADROOM };

static int read_param(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct timedsource *s = (struct timedsource *)e;
	if ((intptr_t)arg == H_INTERVAL)
		cabo_format_interval(out, s->interval_ns);
	else
		cabo_strbuf_printf(out, "%lld", (long long)s->src.headroom);
	return 0;
}

static int write_param(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	struct timedsource *s = (struct timedsource *)e;
	char *v = cabo_source_trim(value);
	int64_t i;
	uint64_t u;
	int r = 0;
	if ((intptr_t)arg == H_INTERVAL) {
		if (!cabo_parse_time(v, &i) || i <= 0)
			r = cabo_errh_error(errh, "bad interval");
		else
			s->interval_ns = i;
	} else if (!cabo_parse_uint(v, &u) || u > MAX_HEADROOM)
		r = cabo_errh_error(errh, "bad headroom");
	else {
		s->src.headroom = (int64_t)u;
		if (s->src.initialized)
			r = cabo_source_make_template(&s->src, errh);
	}
	free(v);
	return r;
}

static const struct cabo_handler timedsource_handlers[] = {
	{ "data", cabo_source_read, cabo_source_write, (const void *)CABO_SOURCE_DATA, 0 },
	{ "limit", cabo_source_read, cabo_source_write, (const void *)CABO_SOURCE_LIMIT, 0 },
	{ "interval", read_param, write_param, (const void *)H_INTERVAL, 0 },
	{ "active", cabo_source_read, cabo_source_write, (const void *)CABO_SOURCE_ACTIVE, 0 },
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct cabo_source, count), 0 },
	{ "headroom", read_param, write_param, (const void *)H_HEADROOM, 0 },
	{ "reset", NULL, cabo_source_write, (const void *)CABO_SOURCE_RESET, CABO_HANDLER_BUTTON },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(timedsource_class) = {
	.name = "TimedSource", .port_count = "0/1", .processing = "h/h",
	.size = sizeof(struct timedsource), .configure = timedsource_configure,
	.initialize = timedsource_initialize, .cleanup = cabo_source_cleanup,
	.handlers = timedsource_handlers,
};

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
#include <string.h>

#include "element.h"
#include "task.h"

static const char default_data[] =
	"Random bullshit in a packet, at least 64 bytes long. Well, now it is.";

enum { MAX_HEADROOM = 1 << 16 };

struct timedsource {
	struct cabo_element e;
	struct cabo_packet *packet;   /* template; every packet is a clone */
	uint8_t *data;
	size_t data_len;
	int64_t interval_ns;
	int64_t limit;
	uint64_t count;
	uint32_t headroom;
	bool active;
	bool stop;
	bool initialized;
	struct cabo_timer timer;
};

static int setup_packet(struct timedsource *s, struct cabo_errh *errh)
{
	struct cabo_pool *pool = cabo_element_pool(&s->e);
	size_t need = (size_t)s->headroom + s->data_len;
	struct cabo_packet *p = cabo_packet_alloc_large(pool, (uint32_t)need);
	if (!p)
		return cabo_errh_error(errh, "out of packet memory");
	/* The buffer holds headroom + data: place the data after HEADROOM. */
	p->data = p->buffer + s->headroom;
	p->length = (uint32_t)s->data_len;
	if (s->data_len)
		memcpy(p->data, s->data, s->data_len);
	if (s->packet)
		cabo_packet_free(s->packet);
	s->packet = p;
	return 0;
}

static int timedsource_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct timedsource *s = (struct timedsource *)e;
	int64_t interval = 500000000, limit = -1;
	uint64_t headroom = CABO_PACKET_HEADROOM;
	uint8_t *data = NULL;
	size_t data_len = 0;
	s->active = true;
	cabo_args_read_time(a, "INTERVAL", CABO_ARG_POSITIONAL, &interval);
	cabo_args_read_data(a, "DATA", CABO_ARG_POSITIONAL, &data, &data_len);
	cabo_args_read_int(a, "LIMIT", 0, &limit);
	cabo_args_read_bool(a, "ACTIVE", 0, &s->active);
	cabo_args_read_bool(a, "STOP", 0, &s->stop);
	cabo_args_read_uint(a, "HEADROOM", 0, &headroom);
	int r = cabo_args_complete(a);
	if (r == 0 && headroom > MAX_HEADROOM)
		r = cabo_errh_error(a->errh, "HEADROOM: at most %d", MAX_HEADROOM);
	if (r == 0 && interval < 0)
		r = cabo_errh_error(a->errh, "INTERVAL: must be positive");
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
	s->interval_ns = interval;
	s->limit = limit;
	s->headroom = (uint32_t)headroom;
	return 0;
}

static void timedsource_fire(struct cabo_timer *t);

static int timedsource_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct timedsource *s = (struct timedsource *)e;
	if (setup_packet(s, errh) < 0)
		return -1;
	cabo_timer_init(&s->timer, e, timedsource_fire, s);
	if (s->active)
		cabo_timer_schedule_after(&s->timer, s->interval_ns);
	s->initialized = true;
	return 0;
}

static void timedsource_cleanup(struct cabo_element *e)
{
	struct timedsource *s = (struct timedsource *)e;
	if (s->packet)
		cabo_packet_free(s->packet);
	s->packet = NULL;
	free(s->data);
}

static void timedsource_fire(struct cabo_timer *t)
{
	struct timedsource *s = t->arg;
	if (!s->active)
		return;
	if (s->limit < 0 || s->count < (uint64_t)s->limit) {
		struct cabo_packet *p = cabo_packet_clone(s->packet);
		if (p) {
			p->anno.timestamp_ns = cabo_element_now(&s->e);
			s->count++;
			cabo_output_push_one(&s->e, 0, p);
		}
		cabo_timer_schedule_at(t, t->expiry_ns + s->interval_ns);
	} else if (s->stop)
		cabo_element_stop_router(&s->e);
}

/* ---- Handlers */

enum { H_DATA, H_INTERVAL, H_LIMIT, H_ACTIVE, H_RESET, H_HEADROOM };

static char *trimmed(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return cabo_xstrndup(s, n);
}

/* Click's Timestamp::unparse_interval. */
static void unparse_interval(struct cabo_strbuf *out, int64_t ns)
{
	if (ns >= 0 && ns < 1000000000) {
		if (ns % 1000000 == 0)
			cabo_strbuf_printf(out, "%lldms", (long long)(ns / 1000000));
		else if (ns % 1000 == 0)
			cabo_strbuf_printf(out, "%lldus", (long long)(ns / 1000));
		else
			cabo_strbuf_printf(out, "%lldns", (long long)ns);
		return;
	}
	long long sec = ns / 1000000000, sub = ns % 1000000000;
	if (sub % 1000 == 0)
		cabo_strbuf_printf(out, "%lld.%06llds", sec, sub / 1000);
	else
		cabo_strbuf_printf(out, "%lld.%09llds", sec, sub);
}

static int read_param(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct timedsource *s = (struct timedsource *)e;
	switch ((intptr_t)arg) {
	case H_DATA:
		cabo_strbuf_append(out, (const char *)s->data, s->data_len);
		break;
	case H_INTERVAL:
		unparse_interval(out, s->interval_ns);
		break;
	case H_LIMIT:
		cabo_strbuf_printf(out, "%lld", (long long)s->limit);
		break;
	case H_ACTIVE:
		cabo_strbuf_puts(out, s->active ? "true" : "false");
		break;
	case H_HEADROOM:
		cabo_strbuf_printf(out, "%u", s->headroom);
		break;
	}
	return 0;
}

static void restart(struct timedsource *s)
{
	if (s->initialized && s->active && !cabo_timer_scheduled(&s->timer))
		cabo_timer_schedule_at(&s->timer, cabo_element_now(&s->e));
}

static int write_param(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	struct timedsource *s = (struct timedsource *)e;
	int kind = (int)(intptr_t)arg;
	char *v = kind == H_DATA ? NULL : trimmed(value);
	int64_t i;
	uint64_t u;
	bool b;
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
	case H_HEADROOM:
		if (!cabo_parse_uint(v, &u) || u > MAX_HEADROOM)
			r = cabo_errh_error(errh, "bad headroom");
		else {
			s->headroom = (uint32_t)u;
			if (s->initialized)
				r = setup_packet(s, errh);
		}
		break;
	case H_INTERVAL:
		if (!cabo_parse_time(v, &i) || i <= 0)
			r = cabo_errh_error(errh, "bad interval");
		else
			s->interval_ns = i;
		break;
	case H_LIMIT:
		if (!cabo_parse_int(v, &i))
			r = cabo_errh_error(errh, "expected integer");
		else
			s->limit = i;
		break;
	case H_ACTIVE:
		if (!cabo_parse_bool(v, &b))
			r = cabo_errh_error(errh, "bad active");
		else {
			s->active = b;
			restart(s);
		}
		break;
	case H_RESET:
		s->count = 0;
		restart(s);
		break;
	}
	free(v);
	return r;
}

static const struct cabo_handler timedsource_handlers[] = {
	{ "data", read_param, write_param, (const void *)H_DATA, 0 },
	{ "limit", read_param, write_param, (const void *)H_LIMIT, 0 },
	{ "interval", read_param, write_param, (const void *)H_INTERVAL, 0 },
	{ "active", read_param, write_param, (const void *)H_ACTIVE, 0 },
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct timedsource, count), 0 },
	{ "headroom", read_param, write_param, (const void *)H_HEADROOM, 0 },
	{ "reset", NULL, write_param, (const void *)H_RESET, CABO_HANDLER_BUTTON },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(timedsource_class) = {
	.name = "TimedSource", .port_count = "0/1", .processing = "h/h",
	.size = sizeof(struct timedsource), .configure = timedsource_configure,
	.initialize = timedsource_initialize, .cleanup = timedsource_cleanup,
	.handlers = timedsource_handlers,
};

/*
 * =c
 * InfiniteSource([DATA, LIMIT, BURST, ACTIVE, KEYWORDS])
 * =s
 * generates packets whenever scheduled
 * =ports
 * no inputs, 1 output
 * =processing
 * agnostic
 * =d
 * Creates packets consisting of DATA.  In push mode a task pushes BURST such
 * packets out the single output every time it runs (which is often).  Stops
 * after LIMIT packets; a negative LIMIT sends forever.  Sends only while
 * ACTIVE is true.  Default DATA is the same 70-byte text Click uses (at least
 * 64 bytes long); default LIMIT is -1; default BURST is 1; default ACTIVE is
 * true.
 *
 * Every packet is a clone of one template packet made at initialization, so
 * generating a packet copies no data; an element that modifies a packet gets
 * a private copy (copy-on-write).  Packets travel in batches of at most 64: a
 * BURST larger than that is pushed as several batches in one task run.  The
 * source of most packet benchmarks:
 * `InfiniteSource(LIMIT 100000000, BURST 32, STOP true, TIMESTAMP false) -> Discard`.
 *
 * In pull mode InfiniteSource returns packets on demand (as many as the
 * puller asks for, up to LIMIT) and provides an empty notifier that goes
 * to sleep once the source is inactive or has reached LIMIT, so pulling
 * tasks downstream can sleep too.
 * =k DATA
 * String.  Packet contents; same as the DATA argument.
 * =k LENGTH
 * Integer.  If set, packets have exactly this length: DATA is truncated, or
 * repeated to fill the length.  DATASIZE is a deprecated synonym.
 * =k LIMIT
 * Integer.  Same as the LIMIT argument.
 * =k BURST
 * Integer, at least 1.  Same as the BURST argument.
 * =k ACTIVE
 * Boolean.  Same as the ACTIVE argument.
 * =k STOP
 * Boolean.  If true, stop the router once LIMIT packets are sent.  Default
 * false.
 * =k END_CALL
 * A write handler ("element.handler value") called once LIMIT packets are
 * sent.  END_CALL and STOP are mutually exclusive.
 * =k TIMESTAMP
 * Boolean.  If true (the default), set the timestamp annotation of generated
 * packets to the current time.  Cabo reads the clock once per batch, so the
 * packets of one batch share a timestamp (Click reads it per packet).
 * =h count read
 * Returns the number of packets generated.
 * =h reset write
 * Resets the count to 0, so the source generates another LIMIT packets (if
 * active).
 * =h data read/write
 * Returns or sets DATA (the written value is used verbatim).
 * =h length read/write
 * Returns or sets LENGTH (-1 when unset).
 * =h limit read/write
 * Returns or sets LIMIT.
 * =h burst read/write
 * Returns or sets BURST.
 * =h active read/write
 * Makes the element active or inactive; writing true restarts a stopped
 * source.
 * =e
 *   InfiniteSource(\<0800>, LIMIT 10, STOP true) -> Queue -> ...
 * =a
 * RatedSource, TimedSource, Discard
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "router.h"
#include "task.h"

static const char default_data[] =
	"Random bullshit in a packet, at least 64 bytes long. Well, now it is.";

enum { MAX_LENGTH = 1 << 20 };

struct infinitesource {
	struct cabo_element e;
	struct cabo_packet *packet;   /* template; every packet is a clone */
	uint64_t count;
	int64_t limit;                /* < 0: no limit */
	int64_t length;               /* < 0: length of data */
	uint32_t burst;
	bool active;
	bool stop;
	bool timestamp;
	bool push;                    /* output resolved to push */
	bool initialized;
	uint8_t *data;
	size_t data_len;
	char *end_call;               /* "handler [value]" or NULL */
	struct cabo_task task;
	struct cabo_notifier notifier;
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

static int setup_packet(struct infinitesource *s, struct cabo_errh *errh)
{
	struct cabo_packet *p = make_template(&s->e, s->data, s->data_len, s->length);
	if (!p)
		return cabo_errh_error(errh, "out of packet memory");
	if (s->packet)
		cabo_packet_free(s->packet);
	s->packet = p;
	return 0;
}

static bool limit_reached(const struct infinitesource *s)
{
	return s->limit >= 0 && s->count >= (uint64_t)s->limit;
}

/* LIMIT reached: STOP or END_CALL. */
static void finish(struct infinitesource *s)
{
	if (s->stop)
		cabo_element_stop_router(&s->e);
	else if (s->end_call) {
		struct cabo_errh errh;
		cabo_errh_init(&errh, stderr);
		const char *sp = strchr(s->end_call, ' ');
		char *h = sp ? cabo_xstrndup(s->end_call, (size_t)(sp - s->end_call))
			     : cabo_xstrdup(s->end_call);
		(void)cabo_element_call_write(&s->e, h, sp ? sp + 1 : "", &errh);
		free(h);
		cabo_errh_destroy(&errh);
	}
}

/* ---- Configuration */

static int infinitesource_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct infinitesource *s = (struct infinitesource *)e;
	int64_t limit = -1, burst = 1, length = -1;
	bool active = true, stop = false, timestamp = true;
	uint8_t *data = NULL;
	size_t data_len = 0;
	char *end_call = NULL;

	cabo_args_read_data(a, "DATA", CABO_ARG_POSITIONAL, &data, &data_len);
	cabo_args_read_int(a, "LIMIT", CABO_ARG_POSITIONAL, &limit);
	cabo_args_read_int(a, "BURST", CABO_ARG_POSITIONAL, &burst);
	cabo_args_read_bool(a, "ACTIVE", CABO_ARG_POSITIONAL, &active);
	cabo_args_read_bool(a, "TIMESTAMP", 0, &timestamp);
	cabo_args_read_int(a, "LENGTH", 0, &length);
	cabo_args_read_int(a, "DATASIZE", 0, &length);
	cabo_args_read_bool(a, "STOP", 0, &stop);
	cabo_args_read_raw(a, "END_CALL", 0, &end_call);
	int r = cabo_args_complete(a);
	if (r == 0 && burst < 1)
		r = cabo_errh_error(a->errh, "burst size must be >= 1");
	if (r == 0 && burst > UINT32_MAX)
		r = cabo_errh_error(a->errh, "BURST: too large");
	if (r == 0 && length > MAX_LENGTH)
		r = cabo_errh_error(a->errh, "LENGTH: at most %d", MAX_LENGTH);
	if (r == 0 && stop && end_call)
		r = cabo_errh_error(a->errh, "END_CALL and STOP are mutually exclusive");
	if (r < 0) {
		free(data);
		free(end_call);
		return -1;
	}
	if (!data) {
		data_len = sizeof default_data - 1;
		data = cabo_xmalloc(data_len);
		memcpy(data, default_data, data_len);
	}
	s->data = data;
	s->data_len = data_len;
	s->limit = limit;
	s->burst = (uint32_t)burst;
	s->length = length;
	s->active = active;
	s->stop = stop;
	s->timestamp = timestamp;
	s->end_call = end_call;
	/* Before any initialize: pullers downstream listen to it then. */
	cabo_notifier_init(&s->notifier, active && !limit_reached(s));
	return 0;
}

/* Checks at initialize that "element.handler" names a write handler, so a
 * typo is a located error rather than a failed call at run time.
 * Router-wide handlers (no dot) are checked when called. */
static int check_write_handler(struct cabo_element *e, const char *spec, const char *what,
			       struct cabo_errh *errh)
{
	const char *dot = strchr(spec, '.');
	if (!dot)
		return 0;
	char *ename = cabo_xstrndup(spec, (size_t)(dot - spec));
	struct cabo_element *target = cabo_element_find(e, ename);
	free(ename);
	if (!target)
		return cabo_errh_error(errh, "%s: no element named '%.*s'", what,
				       (int)(dot - spec), spec);
	const struct cabo_handler *h = cabo_element_handler(target, dot + 1);
	if (!h || !h->write)
		return cabo_errh_error(errh, "%s: no write handler '%s'", what, spec);
	return 0;
}

static bool infinitesource_fire(struct cabo_task *t);

static int infinitesource_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct infinitesource *s = (struct infinitesource *)e;
	if (s->end_call) {
		char *h = cabo_xstrndup(s->end_call, strcspn(s->end_call, " "));
		int r = check_write_handler(e, h, "END_CALL", errh);
		free(h);
		if (r < 0)
			return -1;
	}
	if (setup_packet(s, errh) < 0)
		return -1;
	s->push = e->outputs[0].push;
	if (s->push) {
		cabo_task_init(&s->task, e, infinitesource_fire, s);
		if (s->active)
			cabo_task_schedule(&s->task);
	}
	s->initialized = true;
	return 0;
}

static void infinitesource_cleanup(struct cabo_element *e)
{
	struct infinitesource *s = (struct infinitesource *)e;
	if (s->packet)
		cabo_packet_free(s->packet);
	s->packet = NULL;
	free(s->data);
	free(s->end_call);
}

/* ---- Packets */

static bool infinitesource_fire(struct cabo_task *t)
{
	struct infinitesource *s = t->arg;
	if (!s->active) {
		cabo_task_unschedule(t);
		return false;
	}
	uint64_t want = s->burst;
	if (s->limit >= 0) {
		uint64_t left = limit_reached(s) ? 0 : (uint64_t)s->limit - s->count;
		if (want > left)
			want = left;
	}
	if (s->timestamp && want)
		s->packet->anno.timestamp_ns = cabo_element_now(&s->e);

	uint64_t sent = 0;
	while (sent < want && s->active) {
		struct cabo_batch b;
		unsigned n = want - sent > CABO_BATCH_MAX ? CABO_BATCH_MAX : (unsigned)(want - sent);
		unsigned got = cabo_packet_clone_batch(s->packet, b.p, n);
		if (!got)
			break;          /* pool exhausted: try again next run */
		b.count = got;
		s->count += got;
		sent += got;
		cabo_output_push(&s->e, 0, &b);
		if (got < n)
			break;
	}
	if (limit_reached(s)) {
		cabo_task_unschedule(t);
		finish(s);
	}
	return sent > 0;
}

static unsigned infinitesource_pull(struct cabo_element *e, unsigned port,
				    struct cabo_batch *b, unsigned max)
{
	struct infinitesource *s = (struct infinitesource *)e;
	b->count = 0;
	if (!s->active) {
		cabo_notifier_set_active(&s->notifier, false);
		return 0;
	}
	uint64_t n = max > CABO_BATCH_MAX ? CABO_BATCH_MAX : max;
	if (s->limit >= 0) {
		if (limit_reached(s)) {
			/* Once per run out: the notifier puts pullers to sleep. */
			if (s->notifier.active) {
				cabo_notifier_set_active(&s->notifier, false);
				finish(s);
			}
			return 0;
		}
		if (n > (uint64_t)s->limit - s->count)
			n = (uint64_t)s->limit - s->count;
	}
	if (s->timestamp)
		s->packet->anno.timestamp_ns = cabo_element_now(e);
	b->count = cabo_packet_clone_batch(s->packet, b->p, (unsigned)n);
	s->count += b->count;
	return b->count;
}

static struct cabo_notifier *infinitesource_empty_notifier(struct cabo_element *e, unsigned port)
{
	return &((struct infinitesource *)e)->notifier;
}

/* ---- Handlers */

enum { H_DATA, H_LIMIT, H_BURST, H_ACTIVE, H_RESET, H_LENGTH };

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
	struct infinitesource *s = (struct infinitesource *)e;
	switch ((intptr_t)arg) {
	case H_DATA:
		cabo_strbuf_append(out, (const char *)s->data, s->data_len);
		break;
	case H_LIMIT:
		cabo_strbuf_printf(out, "%lld", (long long)s->limit);
		break;
	case H_BURST:
		cabo_strbuf_printf(out, "%u", s->burst);
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

static int write_param(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	struct infinitesource *s = (struct infinitesource *)e;
	int kind = (int)(intptr_t)arg;
	char *v = kind == H_DATA ? NULL : trimmed(value);
	int64_t i;
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
	case H_LIMIT:
		if (!cabo_parse_int(v, &i))
			r = cabo_errh_error(errh, "limit parameter must be integer");
		else
			s->limit = i;
		break;
	case H_BURST:
		if (!cabo_parse_int(v, &i) || i < 1 || i > UINT32_MAX)
			r = cabo_errh_error(errh, "burstsize parameter must be integer >= 1");
		else
			s->burst = (uint32_t)i;
		break;
	case H_ACTIVE:
		if (!cabo_parse_bool(v, &bval))
			r = cabo_errh_error(errh, "active parameter must be boolean");
		else
			s->active = bval;
		break;
	case H_RESET:
		s->count = 0;
		break;
	case H_LENGTH:
		if (!cabo_parse_int(v, &i) || i > MAX_LENGTH)
			r = cabo_errh_error(errh, "length must be integer");
		else {
			s->length = i;
			if (s->initialized)
				r = setup_packet(s, errh);
		}
		break;
	}
	free(v);
	if (r < 0)
		return r;
	/* Restart a source that has more to send. */
	if (s->initialized && s->active && !limit_reached(s)) {
		if (s->push && !s->task.scheduled)
			cabo_task_schedule(&s->task);
		if (!s->push)
			cabo_notifier_set_active(&s->notifier, true);
	}
	return 0;
}

static const struct cabo_handler infinitesource_handlers[] = {
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct infinitesource, count), 0 },
	{ "reset", NULL, write_param, (const void *)H_RESET, CABO_HANDLER_BUTTON },
	{ "data", read_param, write_param, (const void *)H_DATA, 0 },
	{ "limit", read_param, write_param, (const void *)H_LIMIT, 0 },
	{ "burst", read_param, write_param, (const void *)H_BURST, 0 },
	{ "active", read_param, write_param, (const void *)H_ACTIVE, 0 },
	{ "length", read_param, write_param, (const void *)H_LENGTH, 0 },
	/* deprecated names, as in Click */
	{ "burstsize", read_param, write_param, (const void *)H_BURST, 0 },
	{ "datasize", read_param, write_param, (const void *)H_LENGTH, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(infinitesource_class) = {
	.name = "InfiniteSource", .port_count = "0/1", .processing = "a/a",
	.size = sizeof(struct infinitesource), .configure = infinitesource_configure,
	.initialize = infinitesource_initialize, .cleanup = infinitesource_cleanup,
	.pull = infinitesource_pull, .empty_notifier = infinitesource_empty_notifier,
	.handlers = infinitesource_handlers,
};

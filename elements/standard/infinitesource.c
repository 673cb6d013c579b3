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
#include "handlercall.h"
#include "source.h"
#include "task.h"

struct infinitesource {
	struct cabo_source src;       /* first: the element is a source */
	uint32_t burst;
	bool timestamp;
	bool push;                    /* output resolved to push */
	char *end_call;               /* "handler [value]" or NULL */
	struct cabo_task task;
	struct cabo_notifier notifier;
};

/* LIMIT reached: STOP or END_CALL. */
static void finish(struct infinitesource *s)
{
	if (s->src.stop)
		cabo_element_stop_router(&s->src.e);
	else if (s->end_call) {
		size_t n = strcspn(s->end_call, " ");
		char *h = cabo_xstrndup(s->end_call, n);
		cabo_handlercall_write(&s->src.e, h, s->end_call[n] ? s->end_call + n + 1 : "");
		free(h);
	}
}

/* After any handler write: restart a source that has more to send. */
static void restart(struct infinitesource *s)
{
	struct cabo_source *src = &s->src;
	if (src->initialized && src->active && !cabo_source_limit_reached(src)) {
		if (s->push && !s->task.scheduled)
			cabo_task_schedule(&s->task);
		if (!s->push)
			cabo_notifier_set_active(&s->notifier, true);
	}
}

static void written(struct cabo_source *src, enum cabo_source_param param)
{
	restart((struct infinitesource *)src);
}

static const struct cabo_source_ops infinitesource_ops = {
	.bad_limit = "limit parameter must be integer",
	.bad_active = "active parameter must be boolean",
	.bad_length = "length must be integer",
	.written = written,
};

/* ---- Configuration */

static int infinitesource_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct infinitesource *s = (struct infinitesource *)e;
	struct cabo_source *src = &s->src;
	int64_t burst = 1;
	cabo_source_init(src, &infinitesource_ops);
	s->timestamp = true;
	cabo_args_read_data(a, "DATA", CABO_ARG_POSITIONAL, &src->data, &src->data_len);
	cabo_args_read_int(a, "LIMIT", CABO_ARG_POSITIONAL, &src->limit);
	cabo_args_read_int(a, "BURST", CABO_ARG_POSITIONAL, &burst);
	cabo_args_read_bool(a, "ACTIVE", CABO_ARG_POSITIONAL, &src->active);
	cabo_args_read_bool(a, "TIMESTAMP", 0, &s->timestamp);
	cabo_args_read_int(a, "LENGTH", 0, &src->length);
	cabo_args_read_int(a, "DATASIZE", 0, &src->length);
	cabo_args_read_bool(a, "STOP", 0, &src->stop);
	cabo_args_read_raw(a, "END_CALL", 0, &s->end_call);
	/* On failure cleanup frees what was read. */
	if (cabo_args_complete(a) < 0)
		return -1;
	if (burst < 1)
		return cabo_errh_error(a->errh, "burst size must be >= 1");
	if (burst > UINT32_MAX)
		return cabo_errh_error(a->errh, "BURST: too large");
	if (cabo_source_configured(src, a->errh) < 0)
		return -1;
	if (src->stop && s->end_call)
		return cabo_errh_error(a->errh, "END_CALL and STOP are mutually exclusive");
	s->burst = (uint32_t)burst;
	/* Before any initialize: pullers downstream listen to it then. */
	cabo_notifier_init(&s->notifier, src->active && !cabo_source_limit_reached(src));
	return 0;
}

static bool infinitesource_fire(struct cabo_task *t);

static int infinitesource_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct infinitesource *s = (struct infinitesource *)e;
	if (s->end_call && cabo_handlercall_check(e, s->end_call, "END_CALL", errh) < 0)
		return -1;
	if (cabo_source_make_template(&s->src, errh) < 0)
		return -1;
	s->push = e->outputs[0].push;
	if (s->push) {
		cabo_task_init(&s->task, e, infinitesource_fire, s);
		if (s->src.active)
			cabo_task_schedule(&s->task);
	}
	s->src.initialized = true;
	return 0;
}

static void infinitesource_cleanup(struct cabo_element *e)
{
	cabo_source_cleanup(e);
	free(((struct infinitesource *)e)->end_call);
}

/* ---- Packets */

static bool infinitesource_fire(struct cabo_task *t)
{
	struct infinitesource *s = t->arg;
	struct cabo_source *src = &s->src;
	if (!src->active) {
		cabo_task_unschedule(t);
		return false;
	}
	uint64_t want = cabo_source_allowed(src, s->burst);
	if (s->timestamp && want)
		src->packet->anno.timestamp_ns = cabo_element_now(&src->e);

	uint64_t sent = 0;
	while (sent < want && src->active) {
		struct cabo_batch b;
		unsigned n = want - sent > CABO_BATCH_MAX ? CABO_BATCH_MAX : (unsigned)(want - sent);
		unsigned got = cabo_source_clone(src, &b, n);
		if (!got)
			break;          /* pool exhausted: try again next run */
		sent += got;
		cabo_output_push(&src->e, 0, &b);
		if (got < n)
			break;
	}
	if (cabo_source_limit_reached(src)) {
		cabo_task_unschedule(t);
		finish(s);
	}
	return sent > 0;
}

static unsigned infinitesource_pull(struct cabo_element *e, unsigned port,
				    struct cabo_batch *b, unsigned max)
{
	struct infinitesource *s = (struct infinitesource *)e;
	struct cabo_source *src = &s->src;
	b->count = 0;
	if (!src->active) {
		cabo_notifier_set_active(&s->notifier, false);
		return 0;
	}
	if (cabo_source_limit_reached(src)) {
		/* Once per run out: the notifier puts pullers to sleep. */
		if (s->notifier.active) {
			cabo_notifier_set_active(&s->notifier, false);
			finish(s);
		}
		return 0;
	}
	uint64_t n = cabo_source_allowed(src, max > CABO_BATCH_MAX ? CABO_BATCH_MAX : max);
	if (s->timestamp)
		src->packet->anno.timestamp_ns = cabo_element_now(e);
	return cabo_source_clone(src, b, (unsigned)n);
}

static struct cabo_notifier *infinitesource_empty_notifier(struct cabo_element *e, unsigned port)
{
	return &((struct infinitesource *)e)->notifier;
}

/* ---- Handlers: burst here, the rest shared with the other sources */

static int write_burst(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	struct infinitesource *s = (struct infinitesource *)e;
	char *v = cabo_source_trim(value);
	int64_t i;
	bool ok = cabo_parse_int(v, &i) && i >= 1 && i <= UINT32_MAX;
	free(v);
	if (!ok)
		return cabo_errh_error(errh, "burstsize parameter must be integer >= 1");
	s->burst = (uint32_t)i;
	restart(s);
	return 0;
}

static const struct cabo_handler infinitesource_handlers[] = {
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct cabo_source, count), 0 },
	{ "reset", NULL, cabo_source_write, (const void *)CABO_SOURCE_RESET, CABO_HANDLER_BUTTON },
	{ "data", cabo_source_read, cabo_source_write, (const void *)CABO_SOURCE_DATA, 0 },
	{ "limit", cabo_source_read, cabo_source_write, (const void *)CABO_SOURCE_LIMIT, 0 },
	{ "burst", cabo_read_u32_field, write_burst, CABO_FIELD(struct infinitesource, burst), 0 },
	{ "active", cabo_source_read, cabo_source_write, (const void *)CABO_SOURCE_ACTIVE, 0 },
	{ "length", cabo_source_read, cabo_source_write, (const void *)CABO_SOURCE_LENGTH, 0 },
	/* deprecated names, as in Click */
	{ "burstsize", cabo_read_u32_field, write_burst, CABO_FIELD(struct infinitesource, burst), 0 },
	{ "datasize", cabo_source_read, cabo_source_write, (const void *)CABO_SOURCE_LENGTH, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(infinitesource_class) = {
	.name = "InfiniteSource", .port_count = "0/1", .processing = "a/a",
	.size = sizeof(struct infinitesource), .configure = infinitesource_configure,
	.initialize = infinitesource_initialize, .cleanup = infinitesource_cleanup,
	.pull = infinitesource_pull, .empty_notifier = infinitesource_empty_notifier,
	.handlers = infinitesource_handlers,
};

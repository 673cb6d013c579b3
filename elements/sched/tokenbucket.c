/* Token buckets and the gate the rated elements share; see tokenbucket.h. */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schedutil.h"
#include "tokenbucket.h"

enum {
	/* Most tokens a bucket holds: its level in units stays far from
	 * overflow even with a packet's worth of debt below zero. */
	MAX_BURST_TOKENS = 2000000000,
	DEFAULT_AVG_LEN = 64,
};
/* Fastest fill: 1 Tbit/s, or 10^12 packets per second. */
static const uint64_t MAX_RATE = UINT64_C(1000000000000);

/* ---- Token bucket */

void sched_tb_init(struct sched_tb *tb, uint64_t rate, int64_t capacity, int64_t level,
		   int64_t now)
{
	tb->rate = rate;
	tb->capacity = capacity;
	tb->level = level < capacity ? level : capacity;
	tb->last_ns = now;
}

void sched_tb_refill(struct sched_tb *tb, int64_t now)
{
	if (now <= tb->last_ns)
		return;
	uint64_t elapsed = (uint64_t)(now - tb->last_ns);
	tb->last_ns = now;
	if (tb->level >= tb->capacity || !tb->rate)
		return;
	uint64_t room = (uint64_t)(tb->capacity - tb->level);
	if (elapsed > room / tb->rate)
		tb->level = tb->capacity;
	else
		tb->level += (int64_t)(elapsed * tb->rate);
}

int64_t sched_tb_time_until(const struct sched_tb *tb, int64_t need)
{
	if (tb->level >= need)
		return 0;
	if (!tb->rate || need > tb->capacity)
		return INT64_MAX;
	uint64_t missing = (uint64_t)(need - tb->level);
	return (int64_t)((missing + tb->rate - 1) / tb->rate);
}

/* ---- Gate configuration */

/* Level a packet needs before it may go. */
static inline int64_t threshold(const struct sched_tbgate *g)
{
	return g->bytes ? 0 : SCHED_TB_UNIT;
}

/* Bucket size in tokens from RATE and the burst settings. */
static uint64_t burst_tokens(const struct sched_tbgate *g)
{
	uint64_t t;
	if (g->burst_ns >= 0) {
		double d = (double)g->rate * (double)g->burst_ns / 1e9;
		t = d > (double)MAX_BURST_TOKENS ? (uint64_t)MAX_BURST_TOKENS + 1 : (uint64_t)d;
	} else {
		t = g->bytes ? g->burst_size * 8 : g->burst_size;
	}
	if (!g->bytes && t < 1)
		t = 1;   /* room for one packet */
	return t;
}

static int check_limits(const struct sched_tbgate *g, struct cabo_errh *errh)
{
	if (!g->rate)
		return cabo_errh_error(errh, "RATE: must be positive");
	if (g->rate > MAX_RATE)
		return cabo_errh_error(errh, "RATE: too large");
	if (burst_tokens(g) > MAX_BURST_TOKENS)
		return cabo_errh_error(errh, "burst too large (at most %u %s)",
				       (unsigned)(g->bytes ? MAX_BURST_TOKENS / 8 : MAX_BURST_TOKENS),
				       g->bytes ? "bytes" : "packets");
	return 0;
}

static uint64_t bits_per_sec(double bytes_per_sec)
{
	double bits = bytes_per_sec * 8;
	return bits >= 1e18 ? UINT64_MAX : (uint64_t)llround(bits);
}

int sched_tbgate_configure(struct sched_tbgate *g, struct cabo_args *a, bool bytes,
			   int64_t default_burst_ns)
{
	const char *size_kw = bytes ? "BURST_BYTES" : "BURST_SIZE";
	uint64_t rate = 0, size = 0;
	double bw = 0;
	int64_t dur = -1;
	bool have_dur, have_size;
	g->bytes = bytes;
	if (bytes) {
		cabo_args_read_bandwidth(a, "RATE", CABO_ARG_MP, &bw);
		rate = bits_per_sec(bw);
	} else {
		cabo_args_read_uint(a, "RATE", CABO_ARG_MP, &rate);
		bw = (double)rate;
	}
	have_dur = cabo_args_read_time(a, "BURST_DURATION", 0, &dur);
	have_size = cabo_args_read_uint(a, size_kw, 0, &size);
	if (cabo_args_complete(a) < 0)
		return -1;
	if (have_dur && have_size)
		return cabo_errh_error(a->errh, "BURST_DURATION and %s: give at most one", size_kw);
	if (have_dur && dur < 0)
		return cabo_errh_error(a->errh, "BURST_DURATION: must not be negative");
	g->rate = rate;
	g->bytes_per_sec = bw;
	g->burst_ns = have_size ? -1 : have_dur ? dur : default_burst_ns;
	g->burst_size = size;
	if (have_size && size > MAX_BURST_TOKENS)
		g->burst_size = (uint64_t)MAX_BURST_TOKENS + 1;   /* reported below */
	return check_limits(g, a->errh);
}

void sched_tbgate_start(struct sched_tbgate *g, int64_t now)
{
	int64_t cap = (int64_t)burst_tokens(g) * SCHED_TB_UNIT;
	sched_tb_init(&g->tb, g->rate, cap, threshold(g), now);
	g->stash.count = g->pos = 0;
	g->avg_len = DEFAULT_AVG_LEN;
}

void sched_tbgate_cleanup(struct sched_tbgate *g)
{
	if (g->pos < g->stash.count)
		cabo_packet_free_batch(g->stash.p + g->pos, g->stash.count - g->pos);
	g->stash.count = g->pos = 0;
}

/* ---- Pulling */

static unsigned pull_packets(struct sched_tbgate *g, struct cabo_element *e, unsigned port,
			     struct cabo_batch *b, unsigned max, bool *dry)
{
	if (g->tb.level < SCHED_TB_UNIT)
		return 0;
	uint64_t allowed = (uint64_t)(g->tb.level / SCHED_TB_UNIT);
	unsigned ask = allowed < max ? (unsigned)allowed : max;
	unsigned n = cabo_input_pull(e, port, b, ask);
	g->tb.level -= (int64_t)n * SCHED_TB_UNIT;
	*dry = n < ask;
	return n;
}

/* Refills the empty stash with about as many packets as the level allows. */
static unsigned restock(struct sched_tbgate *g, struct cabo_element *e, unsigned port,
			unsigned room, bool *dry)
{
	uint64_t per = (uint64_t)g->avg_len * 8 * SCHED_TB_UNIT;
	uint64_t want = (uint64_t)g->tb.level / per + 1;
	unsigned ask = want < room ? (unsigned)want : room;
	g->pos = 0;
	unsigned n = cabo_input_pull(e, port, &g->stash, ask);
	if (n) {
		uint64_t len = cabo_batch_bytes(&g->stash) / n;
		g->avg_len = len ? (uint32_t)len : 1;
	}
	*dry = n < ask;
	return n;
}

unsigned sched_tbgate_pull(struct sched_tbgate *g, struct cabo_element *e, unsigned port,
			   struct cabo_batch *b, unsigned max, int64_t now, bool *dry)
{
	b->count = 0;
	*dry = false;
	if (max > CABO_BATCH_MAX)
		max = CABO_BATCH_MAX;
	sched_tb_refill(&g->tb, now);
	if (!g->bytes)
		return pull_packets(g, e, port, b, max, dry);

	while (b->count < max && g->tb.level >= 0) {
		if (g->pos == g->stash.count &&
		    (*dry || !restock(g, e, port, max - b->count, dry)))
			break;
		struct cabo_packet *p = g->stash.p[g->pos++];
		g->tb.level -= (int64_t)p->length * 8 * SCHED_TB_UNIT;
		b->p[b->count++] = p;
	}
	return b->count;
}

bool sched_tbgate_ready(struct sched_tbgate *g, int64_t now)
{
	sched_tb_refill(&g->tb, now);
	return g->tb.level >= threshold(g);
}

int64_t sched_tbgate_next_ns(const struct sched_tbgate *g)
{
	int64_t wait = sched_tb_time_until(&g->tb, threshold(g));
	if (wait == INT64_MAX || g->tb.last_ns > INT64_MAX - wait)
		return INT64_MAX;
	return g->tb.last_ns + wait;
}

/* ---- Handlers */

int sched_tbgate_read_rate(const struct sched_tbgate *g, struct cabo_strbuf *out)
{
	if (g->bytes)
		sched_unparse_bandwidth(out, g->bytes_per_sec);
	else
		cabo_strbuf_printf(out, "%" PRIu64, g->rate);
	return 0;
}

int sched_tbgate_write_rate(struct sched_tbgate *g, const char *value, int64_t now,
			    struct cabo_errh *errh)
{
	size_t n = strlen(value);
	while (n && isspace((unsigned char)value[n - 1]))
		n--;
	while (n && isspace((unsigned char)*value))
		value++, n--;
	char *v = cabo_xstrndup(value, n);
	struct sched_tbgate ng = *g;
	bool ok;
	if (g->bytes) {
		ok = cabo_parse_bandwidth(v, &ng.bytes_per_sec);
		ng.rate = bits_per_sec(ng.bytes_per_sec);
	} else {
		ok = cabo_parse_uint(v, &ng.rate);
		ng.bytes_per_sec = (double)ng.rate;
	}
	free(v);
	if (!ok)
		return cabo_errh_error(errh, g->bytes ? "expected bandwidth (like 10Mbps or 2MBps)"
						      : "expected unsigned integer");
	if (check_limits(&ng, errh) < 0)
		return -1;
	sched_tb_refill(&g->tb, now);   /* tokens earned so far, at the old rate */
	g->rate = ng.rate;
	g->bytes_per_sec = ng.bytes_per_sec;
	g->tb.rate = g->rate;
	g->tb.capacity = (int64_t)burst_tokens(g) * SCHED_TB_UNIT;
	if (g->tb.level > g->tb.capacity)
		g->tb.level = g->tb.capacity;
	return 0;
}

int sched_tbgate_read_burst(const struct sched_tbgate *g, struct cabo_strbuf *out)
{
	uint64_t t = burst_tokens(g);
	cabo_strbuf_printf(out, "%" PRIu64, g->bytes ? t / 8 : t);
	return 0;
}

/* Token buckets for RatedUnqueue, BandwidthRatedUnqueue, Shaper and
 * BandwidthShaper.
 *
 * struct sched_tb is a token bucket on the router's clock (real or
 * simulated).  Its level is kept in token-nanoseconds (one token is
 * SCHED_TB_UNIT), so a refill adds elapsed_ns * rate exactly, with no
 * rounding drift however often it is refilled.
 *
 * struct sched_tbgate puts a bucket in front of a pull input and is all the
 * four elements share.  In packet mode a token is a packet: a pull takes at
 * most as many packets as there are whole tokens, in one batch.  In bandwidth
 * mode a token is a bit and a packet costs 8 * its length: a packet may go
 * whenever the bucket is not in debt, and takes it below zero if it costs
 * more than is left, so the long-run rate is exactly RATE however the packet
 * sizes fall and any bucket size works.  To pull in batches without knowing
 * the lengths beforehand, the gate pulls as many packets as the level would
 * allow at the recent average length and keeps the ones the bucket does not
 * yet allow in a stash, sent first next time: the packets leave exactly as
 * they would one pull at a time. */
#ifndef CABO_ELEMENTS_SCHED_TOKENBUCKET_H
#define CABO_ELEMENTS_SCHED_TOKENBUCKET_H

#include <stdbool.h>
#include <stdint.h>

#include "element.h"

#define SCHED_TB_UNIT INT64_C(1000000000)   /* level units per token */

/* ---- Token bucket */

struct sched_tb {
	uint64_t rate;       /* tokens per second */
	int64_t capacity;    /* most level units held */
	int64_t level;       /* level units; negative while in debt */
	int64_t last_ns;     /* time of the last refill */
};

void sched_tb_init(struct sched_tb *tb, uint64_t rate, int64_t capacity, int64_t level,
		   int64_t now);
void sched_tb_refill(struct sched_tb *tb, int64_t now);
/* Nanoseconds from the last refill until the level reaches `need`;
 * INT64_MAX if never (rate 0). */
int64_t sched_tb_time_until(const struct sched_tb *tb, int64_t need);

/* ---- Gate: a bucket in front of a pull input */

struct sched_tbgate {
	struct sched_tb tb;
	bool bytes;                 /* bandwidth mode: tokens are bits */
	/* As configured, kept for the handlers and rate changes. */
	uint64_t rate;              /* packets or bits per second */
	double bytes_per_sec;       /* bandwidth mode: RATE as given */
	int64_t burst_ns;           /* BURST_DURATION; < 0 when a size was given */
	uint64_t burst_size;        /* BURST_SIZE (packets) or BURST_BYTES */
	struct cabo_batch stash;    /* bandwidth mode: pulled, not yet allowed */
	unsigned pos;               /* next packet of the stash */
	uint32_t avg_len;           /* recent mean packet length */
};

/* Reads RATE (mandatory, first positional: unsigned packets per second, or
 * a bandwidth), BURST_DURATION and BURST_SIZE (BURST_BYTES in bandwidth
 * mode).  Without either burst keyword the bucket holds `default_burst_ns`
 * worth of tokens, at least one packet.  Errors go to a->errh. */
int sched_tbgate_configure(struct sched_tbgate *g, struct cabo_args *a, bool bytes,
			   int64_t default_burst_ns);
/* Starts the bucket at `now` with room for one packet. */
void sched_tbgate_start(struct sched_tbgate *g, int64_t now);
void sched_tbgate_cleanup(struct sched_tbgate *g);

/* Pulls into b (from empty) at most `max` packets the bucket allows now,
 * and takes their tokens.  *dry is set when the input gave fewer packets
 * than asked for (it may be empty). */
unsigned sched_tbgate_pull(struct sched_tbgate *g, struct cabo_element *e, unsigned port,
			   struct cabo_batch *b, unsigned max, int64_t now, bool *dry);
/* True if a packet may go now (refills first). */
bool sched_tbgate_ready(struct sched_tbgate *g, int64_t now);
/* When the next packet may go (call after sched_tbgate_ready said no);
 * INT64_MAX if never. */
int64_t sched_tbgate_next_ns(const struct sched_tbgate *g);
static inline unsigned sched_tbgate_stashed(const struct sched_tbgate *g)
{
	return g->stash.count - g->pos;
}

/* Handlers: "rate" (Click's formats: an integer, or a bandwidth such as
 * "10Mbps") and "burst" (the bucket size in packets or bytes). */
int sched_tbgate_read_rate(const struct sched_tbgate *g, struct cabo_strbuf *out);
/* Sets RATE from a handler write (resizing a BURST_DURATION bucket). */
int sched_tbgate_write_rate(struct sched_tbgate *g, const char *value, int64_t now,
			    struct cabo_errh *errh);
int sched_tbgate_read_burst(const struct sched_tbgate *g, struct cabo_strbuf *out);

#endif

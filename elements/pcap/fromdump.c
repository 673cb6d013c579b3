/*
 * =c
 * FromDump(FILENAME [, TIMING, KEYWORDS])
 * =s
 * reads packets from a tcpdump (pcap or pcapng) file
 * =ports
 * no inputs; 1 or 2 outputs (output 1 takes non-IP packets when FORCE_IP is true)
 * =processing
 * agnostic output 0, push output 1
 * =d
 * Reads packets from FILENAME, a file written by `tcpdump -w', Wireshark or
 * ToDump, and emits them on output 0; FILENAME `-' reads the standard input.
 * Classic pcap files (either byte order, microsecond or nanosecond
 * timestamps) are parsed directly, a regular file mapped into memory, a pipe
 * read through a large buffer; pcapng files are read through libpcap.
 *
 * Each packet is copied into a buffer from the pipeline's packet pool (a frame
 * larger than a pool buffer gets a buffer of its own) and gets its timestamp
 * annotation from the file.  Its MAC header annotation points to the start of
 * the link-layer header (except for raw IP files), and for IPv4 and IPv6
 * packets of the common link types (Ethernet with up to two VLAN tags,
 * raw IP, BSD loopback, Linux cooked, PPP, Cisco HDLC) its network header
 * annotation points to the IP header.
 *
 * In push mode a task emits a batch of up to 32 packets each time it runs.
 * When the packet pool is exhausted it stops for that round and tries again
 * on the next one: no packet is lost.  In pull mode FromDump returns packets
 * as they are asked for and is an empty notifier, asleep while it is
 * inactive, done, or waiting for a TIMING deadline.
 *
 * Errors in the file header or the first record make initialization fail
 * (`FILENAME: reason').  Later errors (a record cut short at the end of the
 * file, a read error, a record claiming more than 262144 captured bytes,
 * libpcap's largest) are printed once, located at the element, and end the
 * trace as if the file ended there.  A record longer than the file's
 * snapshot length is cut to it, as libpcap does.
 * =k TIMING
 * Boolean.  If true, FromDump keeps the pace of the original trace: the
 * first packet is emitted at once, and each later one when as much time has
 * passed since as separates their timestamps.  With `cabo --simtime'
 * FromDump moves the simulated clock forward to each packet's time instead of
 * waiting (stopping at earlier timers of other elements).  Default false.
 * =k STOP
 * Boolean.  If true, FromDump stops the router when the trace is done (or
 * END is reached).  Default false.
 * =k END_CALL
 * A write handler (`element.handler value') to call when the trace is done
 * or END is reached.  END_CALL and STOP are mutually exclusive.  If neither
 * is given and one of END, END_AFTER and INTERVAL is, FromDump just becomes
 * inactive.
 * =k ACTIVE
 * Boolean.  If false, FromDump emits nothing until its active handler is
 * set to true.  Default true.
 * =k SAMPLE
 * Real number between 0 and 1: FromDump emits each packet with this
 * probability (in 28-bit fixed point).  Default 1.
 * =k FORCE_IP
 * Boolean.  If true, FromDump emits only IPv4 and IPv6 packets whose IP
 * header fits in the captured data, with network and transport header
 * annotations set (and the destination address annotation, for IPv4).  Other
 * packets go to output 1 if it exists and are dropped otherwise (counted as
 * `not IP').  Always true for raw IP files.  Default false.
 * =k START
 * Absolute time in seconds since the epoch: packets before it are skipped.
 * =k START_AFTER
 * Time relative to the first packet: the first that much of the trace is
 * skipped.
 * =k END
 * Absolute time in seconds since the epoch: the trace ends at the first
 * packet at or after it.
 * =k END_AFTER
 * Time relative to the first packet in the file: the trace ends at the first
 * packet at least that much later.
 * =k INTERVAL
 * Time relative to the first packet emitted (after START or START_AFTER):
 * the trace ends at the first packet at least that much later.
 * =k MMAP
 * Boolean, accepted for Click compatibility and ignored.
 * =h count read
 * Returns the number of packets emitted on output 0.
 * =h reset_counts write
 * Resets count to 0.
 * =h active read/write
 * Returns or sets ACTIVE; writing true restarts a finished or stopped element.
 * =h stop write
 * Makes FromDump inactive and stops the router.
 * =h encap read
 * Returns the file's link-layer encapsulation by Click's name (ETHER, IP,
 * NULL, SLL, PPP, HDLC, ...; other types as `#N', the libpcap DLT number).
 * =h filename read
 * Returns FILENAME (`<stdin>' for `-').
 * =h filesize read
 * Returns the length of the file in bytes, or `-' when it is not a regular
 * file.
 * =h sampling_prob read
 * Returns the sampling probability (see SAMPLE).
 * =h extend_interval write
 * Takes a time: moves the END time that much later and makes the element
 * active again.
 * =e
 *   FromDump(trace.pcap, STOP true) -> c :: Counter -> ToDump(out.pcap);
 *   FromDump(trace.pcap, TIMING true, FORCE_IP true) -> CheckIPHeader -> ...
 * =a
 * ToDump, tcpdump(1), pcap-savefile(5)
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "dumpreader.h"
#include "element.h"
#include "encap.h"
#include "master.h"
#include "router.h"
#include "task.h"

enum {
	FROMDUMP_BURST = 32,              /* packets per task run */
	FROMDUMP_SKIP_LIMIT = 4096,       /* records skipped (START, SAMPLE) per run */
	SAMPLING_SHIFT = 28,
	SAMPLING_ONE = 1 << SAMPLING_SHIFT,
};

struct fromdump {
	struct cabo_element e;

	/* Configuration */
	char *filename;
	char *end_call;                   /* "handler [value]" or NULL */
	bool timing, stop, active, force_ip;
	bool end_deactivates;             /* END given without STOP/END_CALL */
	uint32_t sample;                  /* fixed point; SAMPLING_ONE = all */
	int64_t first_time, last_time;
	bool have_first_time, first_relative;
	bool have_last_time, last_relative, last_interval;
	bool have_any_times;

	/* The file */
	struct cabo_dumpreader rd;
	bool error_reported;

	/* Running */
	bool initialized, at_end;
	uint64_t count;
	uint32_t rng;
	bool have_timing_offset;
	int64_t timing_offset;            /* clock time minus trace time */
	int64_t wait_until;
	struct cabo_task task;
	struct cabo_timer timer;
	struct cabo_notifier notifier;
};

enum { DROP_NOT_IP };
static const char *const fromdump_drop_reasons[] = { "not IP", NULL };

static const char *print_name(const struct fromdump *fd)
{
	if (!fd->filename)
		return "";
	return strcmp(fd->filename, "-") == 0 ? "<stdin>" : fd->filename;
}

static inline int peek(struct fromdump *fd, struct cabo_dump_record *r)
{
	return cabo_dumpreader_peek(&fd->rd, r);
}

static inline void consume(struct fromdump *fd)
{
	cabo_dumpreader_consume(&fd->rd);
}

/* ---- Configuration */

static int fromdump_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct fromdump *fd = (struct fromdump *)e;
	cabo_dumpreader_init(&fd->rd);
	fd->active = true;
	fd->sample = SAMPLING_ONE;
	double sample = 1;
	bool unused_mmap;
	int64_t start = 0, start_after = 0, end = 0, end_after = 0, interval = 0;

	cabo_args_read_string(a, "FILENAME", CABO_ARG_MP, &fd->filename);
	cabo_args_read_bool(a, "TIMING", CABO_ARG_POSITIONAL, &fd->timing);
	cabo_args_read_bool(a, "STOP", 0, &fd->stop);
	cabo_args_read_bool(a, "ACTIVE", 0, &fd->active);
	bool have_sample = cabo_args_read_double(a, "SAMPLE", 0, &sample);
	cabo_args_read_bool(a, "FORCE_IP", 0, &fd->force_ip);
	bool have_start = cabo_args_read_time(a, "START", 0, &start);
	bool have_start_after = cabo_args_read_time(a, "START_AFTER", 0, &start_after);
	bool have_end = cabo_args_read_time(a, "END", 0, &end);
	bool have_end_after = cabo_args_read_time(a, "END_AFTER", 0, &end_after);
	bool have_interval = cabo_args_read_time(a, "INTERVAL", 0, &interval);
	cabo_args_read_string(a, "END_CALL", 0, &fd->end_call);
	cabo_args_read_bool(a, "MMAP", 0, &unused_mmap);
	if (cabo_args_complete(a) < 0)
		return -1;

	if (have_sample) {
		if (!(sample >= 0))
			return cabo_errh_error(a->errh, "SAMPLE: expected probability between 0 and 1");
		if (sample > 1) {
			cabo_errh_warning(a->errh, cabo_landmark_none(), "SAMPLE probability reduced to 1");
			sample = 1;
		} else if (sample == 0)
			cabo_errh_warning(a->errh, cabo_landmark_none(),
					  "SAMPLE probability is 0; emitting no packets");
		fd->sample = (uint32_t)lround(sample * SAMPLING_ONE);
	}

	if (have_start + have_start_after > 1)
		return cabo_errh_error(a->errh, "START and START_AFTER are mutually exclusive");
	fd->have_first_time = have_start || have_start_after;
	fd->first_time = have_start ? start : start_after;
	fd->first_relative = !have_start;

	if (have_end + have_end_after + have_interval > 1)
		return cabo_errh_error(a->errh, "END, END_AFTER, and INTERVAL are mutually exclusive");
	fd->have_last_time = have_end || have_end_after || have_interval;
	fd->last_time = have_end ? end : have_end_after ? end_after : interval;
	fd->last_relative = have_end_after;
	fd->last_interval = have_interval;

	if (fd->stop && fd->end_call)
		return cabo_errh_error(a->errh, "END_CALL and STOP are mutually exclusive");
	fd->end_deactivates = !fd->stop && !fd->end_call && fd->have_last_time;

	/* Before any initialize: pullers downstream listen to it then. */
	cabo_notifier_init(&fd->notifier, fd->active);
	return 0;
}

/* ---- Header annotations */

static inline uint16_t get16be(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline bool ip_ethertype(uint16_t type)
{
	return type == 0x0800 || type == 0x86DD;
}

/* BSD address families of IPv4 and IPv6 (which differs between systems). */
static bool ip_family(uint32_t family)
{
	return family == 2 || family == 24 || family == 28 || family == 30;
}

static bool force_ipable(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB: case DLT_RAW: case DLT_NULL: case DLT_LOOP:
	case DLT_LINUX_SLL: case DLT_LINUX_SLL2: case DLT_C_HDLC:
	case DLT_PPP: case DLT_PPP_SERIAL:
		return true;
	default:
		return false;
	}
}

/* Offset of the IP header in a frame of link type dlt, or -1 when the frame
 * does not carry IPv4 or IPv6 (as far as the link header says). */
static inline int ip_offset(int dlt, const uint8_t *d, uint32_t len)
{
	switch (dlt) {
	case DLT_EN10MB: {
		if (len < 14)
			return -1;
		unsigned off = 12;   /* the EtherType, after up to two VLAN tags */
		uint16_t type = get16be(d + off);
		for (int tags = 0; tags < 2 && (type == 0x8100 || type == 0x88A8) && len >= off + 6; tags++) {
			off += 4;
			type = get16be(d + off);
		}
		return ip_ethertype(type) ? (int)off + 2 : -1;
	}
	case DLT_RAW:
		return 0;
	case DLT_NULL: {
		if (len < 4)
			return -1;
		uint32_t family = d[0] | d[1] << 8;   /* host order of the capturing machine */
		if (family == 0)
			family = get16be(d + 2);
		return ip_family(family) ? 4 : -1;
	}
	case DLT_LOOP:
		return len >= 4 && ip_family((uint32_t)get16be(d) << 16 | get16be(d + 2)) ? 4 : -1;
	case DLT_LINUX_SLL:
		return len >= 16 && ip_ethertype(get16be(d + 14)) ? 16 : -1;
	case DLT_LINUX_SLL2:
		return len >= 20 && ip_ethertype(get16be(d)) ? 20 : -1;
	case DLT_C_HDLC:
		return len >= 4 && ip_ethertype(get16be(d + 2)) ? 4 : -1;
	case DLT_PPP_SERIAL:
		if (len >= 4 && d[0] == 0xFF)   /* PPP in HDLC framing */
			return d[2] == 0 && (d[3] == 0x21 || d[3] == 0x57) ? 4 : -1;
		if (len >= 4 && (d[0] == 0x0F || d[0] == 0x8F))   /* Cisco HDLC */
			return ip_ethertype(get16be(d + 2)) ? 4 : -1;
		return -1;
	case DLT_PPP: {
		unsigned off = len >= 2 && d[0] == 0xFF && d[1] == 0x03 ? 2 : 0;
		if (len < off + 2)
			return -1;
		if (d[off] == 0x21 || d[off] == 0x57)
			return (int)off + 1;
		if (d[off] == 0 && (d[off + 1] == 0x21 || d[off + 1] == 0x57))
			return (int)off + 2;
		return -1;
	}
	default:
		return -1;
	}
}

/* Sets p's header annotations.  Returns false when FORCE_IP is on and p is
 * not a complete-enough IPv4 or IPv6 packet. */
static inline bool set_headers(struct fromdump *fd, struct cabo_packet *p)
{
	const uint8_t *d = p->data;
	if (fd->rd.dlt != DLT_RAW)
		cabo_packet_set_mac_header(p, d);
	int off = ip_offset(fd->rd.dlt, d, p->length);
	if (!fd->force_ip) {
		if (off >= 0 && (uint32_t)off < p->length)
			cabo_packet_set_network_header(p, d + off);
		return true;
	}
	if (off < 0 || (uint32_t)off >= p->length)
		return false;
	return cabo_encap_mark_ip(p, d + off, p->length - (uint32_t)off);
}

/* ---- Ending */

static void report_error(struct fromdump *fd)
{
	if (!fd->rd.errmsg[0] || fd->error_reported)
		return;
	fd->error_reported = true;
	struct cabo_errh errh;
	cabo_errh_init(&errh, stderr);
	cabo_errh_push_context(&errh, fd->e.where, "While reading '%s :: %s':",
			       fd->e.name, fd->e.cls->name);
	cabo_errh_error(&errh, "%s: %s", print_name(fd), fd->rd.errmsg);
	cabo_errh_destroy(&errh);
}

static void set_active(struct fromdump *fd, bool active);

/* END reached or trace done: STOP, END_CALL, or becoming inactive. */
static void call_end(struct fromdump *fd)
{
	if (fd->stop) {
		fd->active = false;
		cabo_element_stop_router(&fd->e);
	} else if (fd->end_call) {
		struct cabo_errh errh;
		cabo_errh_init(&errh, stderr);
		const char *sp = strchr(fd->end_call, ' ');
		char *h = sp ? cabo_xstrndup(fd->end_call, (size_t)(sp - fd->end_call))
			     : cabo_xstrdup(fd->end_call);
		(void)cabo_element_call_write(&fd->e, h, sp ? sp + 1 : "", &errh);
		free(h);
		cabo_errh_destroy(&errh);
	} else if (fd->end_deactivates)
		fd->active = false;
}

static void reached_end(struct fromdump *fd)
{
	if (fd->at_end)
		return;
	fd->at_end = true;
	report_error(fd);
	call_end(fd);
}

/* ---- Emitting */

enum verdict { EMIT, SKIP, WAIT, SPLIT, STOPPED };
enum fill { FILL_MORE, FILL_END, FILL_WAIT, FILL_STOPPED, FILL_NOMEM };

/* a + b, saturating (times come from files and configurations). */
static int64_t add_time(int64_t a, int64_t b)
{
	int64_t sum;
	if (!__builtin_add_overflow(a, b, &sum))
		return sum;
	return b > 0 ? INT64_MAX : INT64_MIN;
}

static void prepare_times(struct fromdump *fd, int64_t ts)
{
	if (fd->first_relative)
		fd->first_time = add_time(fd->first_time, ts);
	if (fd->last_relative)
		fd->last_time = add_time(fd->last_time, ts);
	else if (fd->last_interval)
		fd->last_time = add_time(fd->last_time, fd->first_time);
	fd->have_any_times = true;
}

static inline uint32_t next_random(struct fromdump *fd)
{
	uint32_t x = fd->rng;   /* xorshift32 */
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return fd->rng = x;
}

/* TIMING: may the record at `due' go now?  With simulated time the clock
 * moves forward to it, but never past another element's timer. */
static enum verdict check_timing(struct fromdump *fd, int64_t due, int64_t *now, unsigned held)
{
	struct cabo_master *m = fd->e.router->master;
	if (!m->simtime) {
		fd->wait_until = due;
		return WAIT;
	}
	if (held)
		return SPLIT;   /* emit what is due first: one batch per instant */
	struct cabo_worker *w = cabo_master_worker(m, 0);
	int64_t target = due;
	if (w->nheap && w->heap[0]->expiry_ns < target)
		target = w->heap[0]->expiry_ns;
	cabo_master_warp(m, target);
	*now = cabo_master_now(m);
	return *now >= due ? EMIT : SPLIT;   /* let the earlier timers run first */
}

/* START/END/SAMPLE/TIMING, in Click's order. */
static enum verdict check_record(struct fromdump *fd, const struct cabo_dump_record *r, int64_t *now,
				 unsigned held)
{
	if (!fd->have_any_times)
		prepare_times(fd, r->ts);
	if (fd->have_first_time) {
		if (r->ts < fd->first_time)
			return SKIP;
		fd->have_first_time = false;
	}
	while (fd->have_last_time && r->ts >= fd->last_time) {
		if (held)
			return SPLIT;   /* earlier packets go out before END_CALL runs */
		fd->have_last_time = false;
		call_end(fd);   /* may extend the interval */
		if (!fd->active)
			return STOPPED;
	}
	if (fd->sample < SAMPLING_ONE && (next_random(fd) & (SAMPLING_ONE - 1)) >= fd->sample)
		return SKIP;
	if (fd->timing) {
		if (*now < 0)
			*now = cabo_element_now(&fd->e);
		if (!fd->have_timing_offset) {
			fd->timing_offset = add_time(*now, -r->ts);
			fd->have_timing_offset = true;
		}
		int64_t due = add_time(r->ts, fd->timing_offset);
		if (due > *now)
			return check_timing(fd, due, now, held);
	}
	return EMIT;
}

static enum fill fill_records(struct fromdump *fd, struct cabo_batch *out,
			      struct cabo_batch *other, unsigned max,
			      struct cabo_packet **pre, unsigned npre, unsigned *used)
{
	struct cabo_pool *pool = cabo_element_pool(&fd->e);
	const uint32_t small = pool->buffer_size - CABO_PACKET_HEADROOM;
	const bool checks = fd->have_first_time || fd->have_last_time ||
			    fd->sample < SAMPLING_ONE || fd->timing;
	const bool to_other = fd->e.noutputs > 1;
	int64_t now = -1;
	unsigned skipped = 0;
	while (out->count + other->count < max) {
		struct cabo_dump_record r;
		if (peek(fd, &r) <= 0)
			return FILL_END;
		if (checks) {
			switch (check_record(fd, &r, &now, out->count + other->count)) {
			case EMIT:
				break;
			case SKIP:
				consume(fd);
				if (++skipped == FROMDUMP_SKIP_LIMIT)
					return FILL_MORE;
				continue;
			case WAIT:
				return FILL_WAIT;
			case SPLIT:
				return FILL_MORE;
			case STOPPED:
				return FILL_STOPPED;
			}
		}
		/* The next records: a few cache lines ahead (never faults). */
		__builtin_prefetch(r.data + 1024);
		__builtin_prefetch(r.data + 1088);
		struct cabo_packet *p;
		if (r.caplen <= small) {
			if (*used == npre)
				return FILL_NOMEM;   /* the record stays for the next round */
			p = pre[(*used)++];
			p->length = r.caplen;
		} else if (!(p = cabo_packet_alloc_large(pool, r.caplen)))
			return FILL_NOMEM;
		memcpy(p->data, r.data, r.caplen);
		p->anno.timestamp_ns = r.ts;
		consume(fd);
		if (set_headers(fd, p))
			cabo_batch_add(out, p);
		else if (to_other)
			cabo_batch_add(other, p);
		else
			cabo_element_drop(&fd->e, p, DROP_NOT_IP);
	}
	return FILL_MORE;
}

/* Moves up to max packets from the file into out (output 0) and other
 * (non-IP packets for output 1), and says why it stopped.  Packets come from
 * the pool max at a time; those left over go back. */
static enum fill fill(struct fromdump *fd, struct cabo_batch *out, struct cabo_batch *other,
		      unsigned max)
{
	struct cabo_pool *pool = cabo_element_pool(&fd->e);
	uint32_t avail = cabo_pool_available(pool);
	struct cabo_packet *pre[CABO_BATCH_MAX];
	unsigned npre = cabo_packet_alloc_batch(pool, 0, pre, max < avail ? max : avail ? avail : 1);
	unsigned used = 0;
	enum fill res = fill_records(fd, out, other, max, pre, npre, &used);
	if (used < npre)
		cabo_packet_free_batch(pre + used, npre - used);
	return res;
}

static bool fromdump_fire(struct cabo_task *t)
{
	struct fromdump *fd = t->arg;
	if (!fd->active) {
		cabo_task_unschedule(t);
		return false;
	}
	struct cabo_batch out, other;
	out.count = other.count = 0;
	enum fill res = fill(fd, &out, &other, FROMDUMP_BURST);
	cabo_dumpreader_release(&fd->rd);
	bool worked = out.count + other.count > 0;
	fd->count += out.count;
	cabo_output_push(&fd->e, 0, &out);
	if (other.count)
		cabo_output_push(&fd->e, 1, &other);
	switch (res) {
	case FILL_END:
		cabo_task_unschedule(t);
		worked = worked || !fd->at_end;   /* ending (maybe stopping) is work */
		reached_end(fd);
		break;
	case FILL_WAIT:
		cabo_task_unschedule(t);
		cabo_timer_schedule_at(&fd->timer, fd->wait_until);
		break;
	case FILL_STOPPED:
		cabo_task_unschedule(t);
		break;
	case FILL_MORE:
	case FILL_NOMEM:
		break;
	}
	return worked;
}

static unsigned fromdump_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			      unsigned max)
{
	struct fromdump *fd = (struct fromdump *)e;
	b->count = 0;
	if (!fd->active) {
		cabo_notifier_set_active(&fd->notifier, false);
		return 0;
	}
	struct cabo_batch other;
	other.count = 0;
	enum fill res = fill(fd, b, &other, max < CABO_BATCH_MAX ? max : CABO_BATCH_MAX);
	cabo_dumpreader_release(&fd->rd);
	fd->count += b->count;
	if (other.count)
		cabo_output_push(e, 1, &other);
	switch (res) {
	case FILL_END:
		if (b->count)
			break;   /* the end comes with the next, empty pull */
		cabo_notifier_set_active(&fd->notifier, false);
		reached_end(fd);
		break;
	case FILL_WAIT:
		cabo_notifier_set_active(&fd->notifier, false);
		cabo_timer_schedule_at(&fd->timer, fd->wait_until);
		break;
	case FILL_STOPPED:
		cabo_notifier_set_active(&fd->notifier, false);
		break;
	case FILL_MORE:
	case FILL_NOMEM:
		break;
	}
	return b->count;
}

static void fromdump_timer_fire(struct cabo_timer *t)
{
	struct fromdump *fd = t->arg;
	if (!fd->active)
		return;
	if (fd->e.outputs[0].push)
		cabo_task_schedule(&fd->task);
	else
		cabo_notifier_set_active(&fd->notifier, true);
}

static void set_active(struct fromdump *fd, bool active)
{
	fd->active = active;
	if (!active || !fd->initialized)
		return;
	fd->at_end = false;
	if (fd->e.outputs[0].push)
		cabo_task_schedule(&fd->task);
	else
		cabo_notifier_set_active(&fd->notifier, true);
}

static struct cabo_notifier *fromdump_empty_notifier(struct cabo_element *e, unsigned port)
{
	struct fromdump *fd = (struct fromdump *)e;
	return port == 0 ? &fd->notifier : NULL;
}

/* ---- Initialization and cleanup */

/* END_CALL must name a write handler (checked now, called later). */
static int check_end_call(struct fromdump *fd, struct cabo_errh *errh)
{
	size_t n = strcspn(fd->end_call, " ");
	const char *dot = memchr(fd->end_call, '.', n);
	if (!dot)
		return 0;   /* router-wide handler: checked when called */
	char *ename = cabo_xstrndup(fd->end_call, (size_t)(dot - fd->end_call));
	char *hname = cabo_xstrndup(dot + 1, n - (size_t)(dot + 1 - fd->end_call));
	struct cabo_element *target = cabo_router_find(fd->e.router, ename);
	const struct cabo_handler *h = target ? cabo_element_handler(target, hname) : NULL;
	int r = 0;
	if (!target)
		r = cabo_errh_error(errh, "END_CALL: no element named '%s'", ename);
	else if (!h || !h->write)
		r = cabo_errh_error(errh, "END_CALL: no write handler '%s.%s'", ename, hname);
	free(ename);
	free(hname);
	return r;
}

static int fromdump_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct fromdump *fd = (struct fromdump *)e;
	const char *name = print_name(fd);
	if (fd->end_call && check_end_call(fd, errh) < 0)
		return -1;

	if (cabo_dumpreader_open(&fd->rd, fd->filename, errh) < 0)
		return -1;

	if (fd->force_ip && !force_ipable(fd->rd.dlt)) {
		char encap[24];
		cabo_encap_unparse(fd->rd.dlt, encap);
		return cabo_errh_error(errh, "%s: can't force IP packets from link type %s", name,
				       encap);
	}
	if (fd->rd.dlt == DLT_RAW)
		fd->force_ip = true;   /* as Click: only valid IP packets */

	/* Errors in the first record are reported here, located. */
	struct cabo_dump_record first;
	if (peek(fd, &first) < 0)
		return cabo_errh_error(errh, "%s: %s", name, fd->rd.errmsg);

	fd->rng = 0x2545F491u ^ (e->index * 2654435761u);
	if (!fd->rng)
		fd->rng = 1;
	cabo_timer_init(&fd->timer, e, fromdump_timer_fire, fd);
	if (e->outputs[0].push) {
		cabo_task_init(&fd->task, e, fromdump_fire, fd);
		if (fd->active)
			cabo_task_schedule(&fd->task);
	}
	fd->initialized = true;
	return 0;
}

static void fromdump_cleanup(struct cabo_element *e)
{
	struct fromdump *fd = (struct fromdump *)e;
	if (fd->initialized)
		cabo_timer_unschedule(&fd->timer);
	cabo_dumpreader_close(&fd->rd);
	free(fd->filename);
	fd->filename = NULL;
	free(fd->end_call);
	fd->end_call = NULL;
}

/* ---- Handlers */

static int write_active(struct cabo_element *e, const char *value, const void *arg,
			struct cabo_errh *errh)
{
	bool active;
	if (!cabo_parse_bool(value, &active))
		return cabo_errh_error(errh, "expected boolean");
	set_active((struct fromdump *)e, active);
	return 0;
}

static int write_stop(struct cabo_element *e, const char *value, const void *arg,
		      struct cabo_errh *errh)
{
	set_active((struct fromdump *)e, false);
	cabo_element_stop_router(e);
	return 0;
}

static int write_reset_counts(struct cabo_element *e, const char *value, const void *arg,
			      struct cabo_errh *errh)
{
	((struct fromdump *)e)->count = 0;
	return 0;
}

static int write_extend_interval(struct cabo_element *e, const char *value, const void *arg,
				 struct cabo_errh *errh)
{
	struct fromdump *fd = (struct fromdump *)e;
	int64_t t;
	if (!cabo_parse_time(value, &t))
		return cabo_errh_error(errh, "'extend_interval' takes a time interval");
	fd->last_time = add_time(fd->last_time, t);
	if (fd->stop || fd->end_call || fd->end_deactivates) {
		fd->have_last_time = true;
		set_active(fd, true);
	}
	return 0;
}

static int read_encap(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	char buf[24];
	cabo_encap_unparse(((struct fromdump *)e)->rd.dlt, buf);
	cabo_strbuf_puts(out, buf);
	return 0;
}

static int read_filename(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_strbuf_puts(out, print_name((struct fromdump *)e));
	return 0;
}

static int read_filesize(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	long long size = cabo_dumpreader_filesize(&((struct fromdump *)e)->rd);
	if (size >= 0)
		cabo_strbuf_printf(out, "%lld", size);
	else
		cabo_strbuf_puts(out, "-");
	return 0;
}

/* The shortest decimal that reads back as the same fixed-point value. */
static int read_sampling_prob(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	uint32_t v = ((struct fromdump *)e)->sample;
	double x = (double)v / SAMPLING_ONE;
	char buf[32];
	for (int digits = 0; digits <= 10; digits++) {
		snprintf(buf, sizeof buf, "%.*f", digits, x);
		if ((uint32_t)lround(strtod(buf, NULL) * SAMPLING_ONE) == v)
			break;
	}
	cabo_strbuf_puts(out, buf);
	return 0;
}

static const struct cabo_handler fromdump_handlers[] = {
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct fromdump, count), 0 },
	{ "reset_counts", NULL, write_reset_counts, NULL, CABO_HANDLER_BUTTON },
	{ "active", cabo_read_bool_field, write_active, CABO_FIELD(struct fromdump, active), 0 },
	{ "stop", NULL, write_stop, NULL, CABO_HANDLER_BUTTON },
	{ "encap", read_encap, NULL, NULL, 0 },
	{ "filename", read_filename, NULL, NULL, 0 },
	{ "filesize", read_filesize, NULL, NULL, 0 },
	{ "sampling_prob", read_sampling_prob, NULL, NULL, 0 },
	{ "extend_interval", NULL, write_extend_interval, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(fromdump_class) = {
	.name = "FromDump", .port_count = "0/1-2", .processing = "a/ah",
	.size = sizeof(struct fromdump), .configure = fromdump_configure,
	.initialize = fromdump_initialize, .cleanup = fromdump_cleanup,
	.pull = fromdump_pull, .empty_notifier = fromdump_empty_notifier,
	.handlers = fromdump_handlers, .drop_reasons = fromdump_drop_reasons,
};

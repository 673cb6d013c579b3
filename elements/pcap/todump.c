/*
 * =c
 * ToDump(FILENAME [, SNAPLEN, ENCAP, KEYWORDS])
 * =s
 * writes packets to a tcpdump (pcap) file
 * =ports
 * 1 input, 0 or 1 outputs
 * =processing
 * agnostic
 * =d
 * Writes the packets it receives to FILENAME in `tcpdump -w' (classic pcap)
 * format, which tcpdump, Wireshark and FromDump read.  FILENAME `-' writes to
 * the standard output.  The file is opened through libpcap
 * (pcap_dump_fopen); records are gathered in a large buffer and written a
 * buffer at a time, so writing costs one system call per few hundred packets.
 * The file is flushed and closed when the router stops.
 *
 * Each record holds at most SNAPLEN bytes of the packet and its full length.
 * Its time is the packet's timestamp annotation, or the current time (real or
 * simulated) when the packet has none.
 *
 * With an output, ToDump passes every packet on after writing it.  With a
 * pull input and no output, ToDump runs a task that pulls packets (sleeping
 * while the queues upstream are empty, when they say so).
 * =k SNAPLEN
 * Unsigned integer: most bytes of each packet written.  0 means the whole
 * packet.  Default 2000.
 * =k ENCAP
 * The link-layer encapsulation recorded in the file header, by Click's name:
 * ETHER (the default), IP (raw IP), NULL, SLL, PPP, PPP_HDLC, HDLC, FDDI,
 * ATM, 802_11, 802_11_RADIO, AIRONET, SUNATM, PRISM; also `#N' (a libpcap DLT
 * number) and libpcap's own names (EN10MB, LINUX_SLL2, LOOP, ...).  It must
 * match the packets' first header, or readers misread the file.
 * =k NANO
 * Boolean.  If true, write nanosecond-precision timestamps (a file with the
 * nanosecond magic number).  Default false.
 * =k UNBUFFERED
 * Boolean.  If true, write every batch to the file as it arrives instead of
 * gathering records.  Default false.
 * =k EXTRA_LENGTH
 * Boolean, accepted for Click compatibility: Cabo packets carry no extra
 * length annotation, so each record's length is the packet's length.
 * =h count read
 * Returns the number of packets written.
 * =h reset_counts write
 * Resets count to 0.
 * =h filename read
 * Returns FILENAME.
 * =e
 *   FromDump(in.pcap, STOP true) -> Strip(14) -> ToDump(out.pcap, ENCAP IP);
 * =a
 * FromDump, tcpdump(1), pcap-savefile(5)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "element.h"
#include "encap.h"
#include "task.h"

enum {
	TODUMP_DEFAULT_SNAPLEN = 2000,
	TODUMP_HEADER_SNAPLEN_MAX = 262144,   /* written when SNAPLEN is 0 */
	TODUMP_BUFFER = 16 * 1024,
	TODUMP_BURST = 32,                    /* packets per task run (pull input) */
	TODUMP_MAX_SIGNALS = 32,
	NS_PER_SEC = 1000000000,
};

struct todump {
	struct cabo_element e;
	char *filename;
	uint32_t snaplen;                     /* UINT32_MAX when SNAPLEN is 0 */
	uint32_t header_snaplen;
	int dlt;
	bool nano, unbuffered;
	FILE *fp;
	pcap_t *dead;
	pcap_dumper_t *dumper;
	uint8_t *buf;                         /* records not yet handed to fp */
	size_t len;
	bool write_failed;
	uint64_t count;
	bool initialized;
	struct cabo_task task;
	unsigned nsignals;                    /* 0: poll */
	struct cabo_notifier *signals[TODUMP_MAX_SIGNALS];
};

/* ---- Configuration */

static int todump_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct todump *td = (struct todump *)e;
	uint64_t snaplen = TODUMP_DEFAULT_SNAPLEN;
	char *encap = NULL;
	bool extra_length = true;
	td->dlt = DLT_EN10MB;

	cabo_args_read_string(a, "FILENAME", CABO_ARG_MP, &td->filename);
	cabo_args_read_uint(a, "SNAPLEN", CABO_ARG_POSITIONAL, &snaplen);
	cabo_args_read_word(a, "ENCAP", CABO_ARG_POSITIONAL, &encap);
	cabo_args_read_bool(a, "NANO", 0, &td->nano);
	cabo_args_read_bool(a, "UNBUFFERED", 0, &td->unbuffered);
	cabo_args_read_bool(a, "EXTRA_LENGTH", 0, &extra_length);
	int r = cabo_args_complete(a);
	if (r == 0 && snaplen > UINT32_MAX)
		r = cabo_errh_error(a->errh, "SNAPLEN: out of range");
	if (r == 0 && encap && (td->dlt = cabo_encap_parse(encap)) < 0)
		r = cabo_errh_error(a->errh, "ENCAP: unknown encapsulation type '%s'", encap);
	free(encap);
	td->snaplen = snaplen ? (uint32_t)snaplen : UINT32_MAX;
	td->header_snaplen = snaplen ? (uint32_t)snaplen : TODUMP_HEADER_SNAPLEN_MAX;
	return r;
}

/* ---- Writing */

static void report_write_error(struct todump *td, int err)
{
	if (td->write_failed)
		return;
	td->write_failed = true;
	struct cabo_errh errh;
	cabo_errh_init(&errh, stderr);
	cabo_errh_push_context(&errh, td->e.where, "While writing '%s :: %s':",
			       td->e.name, td->e.cls->name);
	cabo_errh_error(&errh, "%s: %s", td->filename, strerror(err));
	cabo_errh_destroy(&errh);
}

static void write_out(struct todump *td, const void *data, size_t n)
{
	if (!td->write_failed && fwrite(data, 1, n, td->fp) != n)
		report_write_error(td, errno ? errno : EIO);
}

static void flush_buffer(struct todump *td)
{
	if (td->len)
		write_out(td, td->buf, td->len);
	td->len = 0;
}

/* Appends one record per packet (host byte order, like libpcap). */
static void write_batch(struct todump *td, const struct cabo_batch *b)
{
	int64_t now = -1;
	for (unsigned i = 0; i < b->count; i++) {
		const struct cabo_packet *p = b->p[i];
		uint32_t caplen = p->length < td->snaplen ? p->length : td->snaplen;
		int64_t ts = p->anno.timestamp_ns;
		if (!ts) {
			if (now < 0)
				now = cabo_element_now(&td->e);
			ts = now;
		}
		int64_t sec = ts / NS_PER_SEC, sub = ts % NS_PER_SEC;
		if (sub < 0) {
			sub += NS_PER_SEC;
			sec--;
		}
		uint32_t h[4] = { (uint32_t)sec, (uint32_t)(td->nano ? sub : sub / 1000),
				  caplen, p->length };
		size_t need = sizeof h + caplen;
		if (td->len + need > TODUMP_BUFFER) {
			flush_buffer(td);
			if (need > TODUMP_BUFFER) {   /* a huge packet: straight out */
				write_out(td, h, sizeof h);
				write_out(td, p->data, caplen);
				continue;
			}
		}
		memcpy(td->buf + td->len, h, sizeof h);
		memcpy(td->buf + td->len + sizeof h, p->data, caplen);
		td->len += need;
	}
	td->count += b->count;
	if (td->unbuffered) {
		flush_buffer(td);
		if (!td->write_failed && fflush(td->fp) != 0)
			report_write_error(td, errno);
	}
}

static void todump_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct todump *td = (struct todump *)e;
	write_batch(td, b);
	if (e->noutputs)
		cabo_output_push(e, 0, b);
	else
		cabo_batch_free(b);
}

static unsigned todump_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			    unsigned max)
{
	struct todump *td = (struct todump *)e;
	unsigned n = cabo_input_pull(e, 0, b, max);
	if (n)
		write_batch(td, b);
	return n;
}

/* Pull input and no output: pull and write. */
static bool todump_fire(struct cabo_task *t)
{
	struct todump *td = t->arg;
	struct cabo_batch b;
	unsigned n = cabo_input_pull(&td->e, 0, &b, TODUMP_BURST);
	if (!n) {
		if (td->nsignals && !cabo_notifiers_any_active(td->signals, td->nsignals))
			cabo_task_unschedule(t);   /* woken when a queue upstream fills */
		return false;
	}
	write_batch(td, &b);
	cabo_batch_free(&b);
	return true;
}

/* ---- Initialization and cleanup */

static int todump_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct todump *td = (struct todump *)e;
	if (strcmp(td->filename, "-") == 0) {
		fflush(stdout);
		int fd = dup(STDOUT_FILENO);
		td->fp = fd < 0 ? NULL : fdopen(fd, "wb");
		if (!td->fp && fd >= 0)
			close(fd);
	} else
		td->fp = fopen(td->filename, "wb");
	if (!td->fp)
		return cabo_errh_error(errh, "%s: %s", td->filename, strerror(errno));

	td->dead = pcap_open_dead_with_tstamp_precision(td->dlt, (int)(td->header_snaplen & 0x7FFFFFFF),
						       td->nano ? PCAP_TSTAMP_PRECISION_NANO
								: PCAP_TSTAMP_PRECISION_MICRO);
	if (!td->dead)
		return cabo_errh_error(errh, "%s: %s", td->filename, strerror(ENOMEM));
	td->dumper = pcap_dump_fopen(td->dead, td->fp);
	if (!td->dumper)
		return cabo_errh_error(errh, "%s: %s", td->filename, pcap_geterr(td->dead));
	td->buf = cabo_xmalloc(TODUMP_BUFFER);

	if (!e->inputs[0].push && !e->noutputs) {
		cabo_task_init(&td->task, e, todump_fire, td);
		unsigned n = cabo_notifier_upstream(e, 0, td->signals, TODUMP_MAX_SIGNALS);
		if (n >= TODUMP_MAX_SIGNALS)
			n = 0;
		for (unsigned i = 0; i < n; i++)
			if (cabo_notifier_listen(td->signals[i], &td->task) < 0)
				n = 0;
		td->nsignals = n;
		cabo_task_schedule(&td->task);
	}
	td->initialized = true;
	return 0;
}

static void todump_cleanup(struct cabo_element *e)
{
	struct todump *td = (struct todump *)e;
	if (td->dumper) {
		flush_buffer(td);
		if (!td->write_failed && pcap_dump_flush(td->dumper) < 0)
			report_write_error(td, errno ? errno : EIO);
		pcap_dump_close(td->dumper);   /* closes fp */
	} else if (td->fp)
		fclose(td->fp);
	td->dumper = NULL;
	td->fp = NULL;
	if (td->dead)
		pcap_close(td->dead);
	td->dead = NULL;
	free(td->buf);
	td->buf = NULL;
	free(td->filename);
	td->filename = NULL;
}

/* ---- Handlers */

static int read_filename(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_strbuf_puts(out, ((struct todump *)e)->filename);
	return 0;
}

static int write_reset_counts(struct cabo_element *e, const char *value, const void *arg,
			      struct cabo_errh *errh)
{
	((struct todump *)e)->count = 0;
	return 0;
}

static const struct cabo_handler todump_handlers[] = {
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct todump, count), 0 },
	{ "reset_counts", NULL, write_reset_counts, NULL, CABO_HANDLER_BUTTON },
	{ "filename", read_filename, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(todump_class) = {
	.name = "ToDump", .port_count = "1/0-1", .processing = "a/a",
	.size = sizeof(struct todump), .configure = todump_configure,
	.initialize = todump_initialize, .cleanup = todump_cleanup,
	.push = todump_push, .pull = todump_pull, .handlers = todump_handlers,
	.drop_reasons = NULL,
};

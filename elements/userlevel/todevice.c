/*
 * =c
 * ToDevice(DEVNAME [, KEYWORDS])
 * =s
 * sends packets to a live network device
 * =ports
 * 1 input; 0, 1 or 2 outputs (sent packets on output 0, failed ones on output 1)
 * =processing
 * agnostic input, push outputs
 * =d
 * Sends the packets that arrive on its input out of the network device
 * DEVNAME.  Packets must already have their link-level header (ARP
 * resolution done, for Ethernet); on a device without one (tun) they are
 * raw IP packets.  It needs root or CAP_NET_RAW.
 *
 * ToDevice writes to a Linux packet socket bound to the device (see
 * FromDevice for why packet sockets), non-blocking, with one sendmmsg(2)
 * call per batch.  The socket is opened so that it receives nothing.
 *
 * In push context each pushed batch is sent at once.  When the device
 * cannot take more (the socket would block, or the device's queue is full:
 * EAGAIN, ENOBUFS), the rest of the batch is not sent: it goes to output 1
 * if that exists and is dropped with reason `would block' otherwise.  A
 * pushed packet is never waited for.
 *
 * In pull context a task pulls up to BURST packets whenever they are
 * available and sends them; it sleeps while the empty notifiers upstream
 * (such as a Queue's) say there is nothing to pull.  When the device cannot
 * take more, ToDevice keeps the unsent packets, stops pulling, and retries
 * after a back-off that starts at 10 microseconds and doubles up to 1
 * millisecond, so that the queue upstream fills and drops instead.
 *
 * A packet the device refuses for a reason of its own is not sent: a frame
 * longer than the device's MTU allows (reason `too long'), a frame on a
 * device that is down or gone (`link down'), or another error (`send
 * error').  Packets sent go to output 0 if it exists and are freed otherwise;
 * packets not sent go to output 1 if it exists and are dropped with their
 * reason otherwise.  Either way they count in "drops".
 *
 * Frames that ToDevice sends are not read back by a FromDevice on the same
 * device unless that FromDevice has OUTBOUND true.  Two ToDevice elements
 * for one device are an error, as in Click.
 * =k DEVNAME
 * String.  The device name, as `ip link' shows it.
 * =k BURST
 * Unsigned.  Most packets to pull per task run in pull context (at least
 * 1).  Default 64, one batch (Click's default is 1).
 * =k METHOD
 * Word: LINUX, PCAP or DEFAULT, all of which use a packet socket.
 * =k DEBUG
 * Boolean.  Accepted for Click compatibility; ToDevice counts instead of
 * printing.  Default false.
 * =h count read
 * Returns the number of packets sent.
 * =h drops read
 * Returns the number of packets that could not be sent (dropped or emitted
 * on output 1).
 * =h pulls read
 * Returns the number of times the task pulled from its input (pull
 * context).
 * =h q read
 * Returns true when packets are held back waiting for the device (pull
 * context).
 * =h debug read/write
 * Returns or sets DEBUG.
 * =h reset_counts write
 * Resets count, drops and pulls to 0.
 * =e
 *   FromDevice(eth0, PROMISC true) -> Queue -> ToDevice(eth1);
 * =a
 * FromDevice, Queue, ToDump, packet(7)
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "element.h"
#include "netdev.h"
#include "router.h"
#include "task.h"

enum {
	MAX_NOTIFIERS = 8,
	BACKOFF_MIN_NS = 10000,
	BACKOFF_MAX_NS = 1000000,
};

struct todevice {
	struct cabo_element e;

	/* Configuration */
	char *devname;
	uint32_t burst;
	bool debug;

	/* The socket */
	int fd;
	int ifindex;
	int dlt;

	/* Pull context */
	bool pull;
	struct cabo_task task;
	struct cabo_timer timer;
	struct cabo_notifier *notifiers[MAX_NOTIFIERS];
	unsigned nnotifiers;
	struct cabo_batch held;       /* unsent packets: held.p[held_first..count) */
	unsigned held_first;
	bool q;                       /* held has packets */
	int64_t backoff_ns;

	/* Counters */
	uint64_t count, drops, pulls;

	/* sendmmsg arguments */
	struct mmsghdr msgs[CABO_BATCH_MAX];
	struct iovec iov[CABO_BATCH_MAX];
	struct sockaddr_ll to[CABO_BATCH_MAX];
};

enum { DROP_WOULD_BLOCK, DROP_TOO_LONG, DROP_LINK_DOWN, DROP_SEND_ERROR };
static const char *const todevice_drop_reasons[] = {
	"would block", "too long", "link down", "send error", NULL,
};

/* ---- Configuration */

static int todevice_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct todevice *td = (struct todevice *)e;
	uint64_t burst = CABO_BATCH_MAX;
	char *method = NULL;
	td->fd = -1;
	cabo_args_read_string(a, "DEVNAME", CABO_ARG_MP, &td->devname);
	cabo_args_read_uint(a, "BURST", 0, &burst);
	cabo_args_read_word(a, "METHOD", 0, &method);
	cabo_args_read_bool(a, "DEBUG", 0, &td->debug);
	if (td->devname) {
		const char *why = cabo_netdev_check_name(td->devname);
		if (why)
			cabo_args_error(a, "%s", why);
	}
	if (burst == 0 || burst > UINT32_MAX)
		cabo_args_error(a, "BURST out of range");
	if (method && strcmp(method, "LINUX") != 0 && strcmp(method, "PCAP") != 0 &&
	    strcmp(method, "DEFAULT") != 0)
		cabo_args_error(a, "bad METHOD (expected LINUX, PCAP or DEFAULT)");
	free(method);
	td->burst = (uint32_t)burst;
	return cabo_args_complete(a);
}

static bool todevice_fire(struct cabo_task *t);
static void todevice_timer_fire(struct cabo_timer *t);

static int todevice_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct todevice *td = (struct todevice *)e;
	struct cabo_router *r = e->router;
	for (unsigned i = 0; i < r->nelements; i++) {
		struct cabo_element *o = r->elements[i];
		/* The second one to initialize complains, as in Click. */
		if (o && o != e && o->cls == e->cls && ((struct todevice *)o)->fd >= 0 &&
		    strcmp(((struct todevice *)o)->devname, td->devname) == 0)
			return cabo_errh_error(errh, "duplicate writer for device '%s'", td->devname);
	}
	td->fd = cabo_netdev_open(td->devname, errh, &td->ifindex, &td->dlt);
	if (td->fd < 0)
		return -1;
	/* Protocol 0: the socket receives nothing, it only sends. */
	if (cabo_netdev_bind(td->fd, td->devname, td->ifindex, 0, errh) < 0)
		return -1;
	for (unsigned i = 0; i < CABO_BATCH_MAX; i++) {
		td->to[i] = (struct sockaddr_ll){ .sll_family = AF_PACKET,
						  .sll_ifindex = td->ifindex };
		td->msgs[i].msg_hdr = (struct msghdr){ .msg_name = &td->to[i],
						       .msg_namelen = sizeof td->to[i],
						       .msg_iov = &td->iov[i],
						       .msg_iovlen = 1 };
	}
	td->pull = !e->inputs[0].push;
	if (td->pull) {
		cabo_task_init(&td->task, e, todevice_fire, td);
		cabo_timer_init(&td->timer, e, todevice_timer_fire, td);
		td->nnotifiers = cabo_notifier_upstream(e, 0, td->notifiers, MAX_NOTIFIERS);
		for (unsigned i = 0; i < td->nnotifiers; i++)
			if (cabo_notifier_listen(td->notifiers[i], &td->task) < 0) {
				td->nnotifiers = 0;   /* cannot be woken: poll */
				break;
			}
		cabo_task_schedule(&td->task);
	}
	return 0;
}

static void todevice_cleanup(struct cabo_element *e)
{
	struct todevice *td = (struct todevice *)e;
	if (td->q)
		cabo_packet_free_batch(td->held.p + td->held_first, td->held.count - td->held_first);
	td->q = false;
	if (td->fd >= 0)
		close(td->fd);
	td->fd = -1;
	free(td->devname);
}

/* ---- Sending */

/* The link-level protocol of a frame, for the socket address. */
static uint16_t frame_protocol(const struct todevice *td, const struct cabo_packet *p)
{
	if (td->dlt == DLT_RAW)
		return p->length && p->data[0] >> 4 == 6 ? htons(ETH_P_IPV6) : htons(ETH_P_IP);
	if (p->length < 14)
		return htons(ETH_P_802_3);
	uint16_t type;
	memcpy(&type, p->data + 12, 2);
	return ntohs(type) >= ETH_P_802_3_MIN ? type : htons(ETH_P_802_3);
}

static unsigned reason_for(int err)
{
	switch (err) {
	case EMSGSIZE:
		return DROP_TOO_LONG;
	case ENETDOWN:
	case ENXIO:
	case ENODEV:
		return DROP_LINK_DOWN;
	default:
		return DROP_SEND_ERROR;
	}
}

static void fail_packets(struct todevice *td, struct cabo_packet **p, unsigned n, unsigned reason)
{
	td->drops += n;
	for (unsigned i = 0; i < n; i++)
		cabo_output_push_or_drop(&td->e, 1, p[i], reason);
}

/* Sends b->p[from..count) and passes the sent packets on (output 0) and
 * those refused (output 1 or drop).  Stops when the device would block;
 * returns the index of the first packet not handled (b->count when all
 * were).  Every round sends or refuses at least one packet, so it ends. */
static unsigned transmit(struct todevice *td, struct cabo_batch *b, unsigned from)
{
	unsigned i = from;
	while (i < b->count) {
		unsigned n = b->count - i;
		for (unsigned k = 0; k < n; k++) {
			struct cabo_packet *p = b->p[i + k];
			td->iov[k] = (struct iovec){ p->data, p->length };
			td->to[k].sll_protocol = frame_protocol(td, p);
		}
		int r = sendmmsg(td->fd, td->msgs, n, MSG_DONTWAIT);
		if (r > 0) {
			td->count += (unsigned)r;
			if (td->e.noutputs > 0) {
				struct cabo_batch sent;
				sent.count = (unsigned)r;
				memcpy(sent.p, b->p + i, (unsigned)r * sizeof sent.p[0]);
				cabo_output_push(&td->e, 0, &sent);
			} else
				cabo_packet_free_batch(b->p + i, (unsigned)r);
			i += (unsigned)r;
			continue;
		}
		int err = r < 0 ? errno : EIO;
		if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS)
			break;
		if (err == EINTR)
			err = EIO;   /* not retried: the loop must end */
		unsigned reason = reason_for(err);
		/* A down device refuses the whole rest; other errors are the
		 * first packet's own. */
		unsigned nfail = reason == DROP_LINK_DOWN ? n : 1;
		fail_packets(td, b->p + i, nfail, reason);
		i += nfail;
	}
	return i;
}

static void todevice_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct todevice *td = (struct todevice *)e;
	unsigned done = transmit(td, b, 0);
	if (done < b->count)
		fail_packets(td, b->p + done, b->count - done, DROP_WOULD_BLOCK);
	b->count = 0;
}

/* Pull context: the device would block; keep b->p[from..) and retry later. */
static void hold(struct todevice *td, struct cabo_batch *b, unsigned from)
{
	if (b != &td->held) {
		td->held.count = b->count - from;
		memcpy(td->held.p, b->p + from, td->held.count * sizeof b->p[0]);
		from = 0;
	}
	td->held_first = from;
	td->q = true;
	td->backoff_ns = td->backoff_ns ? td->backoff_ns * 2 : BACKOFF_MIN_NS;
	if (td->backoff_ns > BACKOFF_MAX_NS)
		td->backoff_ns = BACKOFF_MAX_NS;
	cabo_task_unschedule(&td->task);
	cabo_timer_schedule_after(&td->timer, td->backoff_ns);
}

static bool todevice_fire(struct cabo_task *t)
{
	struct todevice *td = t->arg;
	uint64_t before = td->count + td->drops;
	if (td->q) {
		unsigned done = transmit(td, &td->held, td->held_first);
		if (done < td->held.count) {
			hold(td, &td->held, done);
			return td->count + td->drops > before;
		}
		td->q = false;
		td->held.count = 0;
	}
	uint32_t total = 0;
	while (total < td->burst) {
		struct cabo_batch b;
		uint32_t want = td->burst - total;
		td->pulls++;
		unsigned n = cabo_input_pull(&td->e, 0, &b,
					     want > CABO_BATCH_MAX ? CABO_BATCH_MAX : want);
		if (!n)
			break;
		total += n;
		unsigned done = transmit(td, &b, 0);
		if (done < n) {
			hold(td, &b, done);
			return true;
		}
	}
	td->backoff_ns = 0;
	if (!total && td->nnotifiers && !cabo_notifiers_any_active(td->notifiers, td->nnotifiers))
		cabo_task_unschedule(t);
	return total > 0 || td->count + td->drops > before;
}

static void todevice_timer_fire(struct cabo_timer *t)
{
	struct todevice *td = t->arg;
	cabo_task_schedule(&td->task);
}

/* ---- Handlers */

static int write_reset(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	struct todevice *td = (struct todevice *)e;
	td->count = td->drops = td->pulls = 0;
	return 0;
}

static const struct cabo_handler todevice_handlers[] = {
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct todevice, count), 0 },
	{ "drops", cabo_read_u64_field, NULL, CABO_FIELD(struct todevice, drops), 0 },
	{ "pulls", cabo_read_u64_field, NULL, CABO_FIELD(struct todevice, pulls), 0 },
	{ "q", cabo_read_bool_field, NULL, CABO_FIELD(struct todevice, q), 0 },
	{ "debug", cabo_read_bool_field, cabo_write_bool_field,
	  CABO_FIELD(struct todevice, debug), 0 },
	{ "reset_counts", NULL, write_reset, NULL, CABO_HANDLER_BUTTON },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(todevice_class) = {
	.name = "ToDevice", .port_count = "1/0-2", .processing = "a/h",
	.size = sizeof(struct todevice), .configure = todevice_configure,
	.initialize = todevice_initialize, .cleanup = todevice_cleanup,
	.push = todevice_push, .handlers = todevice_handlers,
	.drop_reasons = todevice_drop_reasons,
};

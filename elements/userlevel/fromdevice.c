/*
 * =c
 * FromDevice(DEVNAME [, PROMISC, SNAPLEN, KEYWORDS])
 * =s
 * reads packets from a live network device
 * =ports
 * no inputs; 1 or 2 outputs (output 1 takes non-IP packets when FORCE_IP is true)
 * =processing
 * push
 * =d
 * Reads the frames that the network device DEVNAME receives and emits them on
 * output 0, link-level header included.  It needs root or CAP_NET_RAW.
 *
 * FromDevice uses a Linux packet socket (AF_PACKET, SOCK_RAW) bound to the
 * device.  The socket is non-blocking and registered with the worker: while
 * no frame is waiting FromDevice's task sleeps, and the worker wakes it when
 * the socket is readable.  The task then reads frames with recvmmsg(2), up to
 * 32 per system call, directly into buffers of the pipeline's packet pool
 * (no copy), and emits each call's frames as one batch; it goes back to
 * sleep once the socket is empty, or yields after BURST frames.  A frame
 * longer than a pool buffer (a jumbo frame) is read into a small overflow
 * area behind the buffer and moved to a buffer of its own.  When the pool is
 * exhausted, frames wait in the socket's receive buffer; what overflows it
 * is lost in the kernel and counted by "kernel_drops".
 *
 * Why packet sockets and not libpcap: recvmmsg fills pool buffers in place,
 * one system call per 32 frames, where libpcap's callback would need a copy
 * per frame; ToDevice sends a batch with one sendmmsg(2) where pcap_inject
 * takes a call per frame; and the socket's options (ignoring outgoing frames,
 * kernel timestamps, statistics, a BPF filter) are all set directly.
 * BPF_FILTER still uses libpcap, to compile the expression, which is then
 * attached to the socket.  METHOD LINUX, PCAP and DEFAULT all mean this
 * method.
 *
 * Each packet gets its packet type annotation from the kernel (HOST,
 * BROADCAST, MULTICAST, OTHERHOST, OUTGOING), its timestamp annotation from
 * the kernel's receive time, and its MAC header annotation (Ethernet-like
 * devices); the network header annotation points to the IPv4 or IPv6 header
 * when there is one (after up to two VLAN tags).  Devices without a
 * link-level header (tun) give raw IP packets (the `encap' handler says IP).
 *
 * Linux delivers only copies to packet sockets: the host's own stack still
 * receives every frame FromDevice reads, as Click's user-level FromDevice
 * also documents.  Cabo cannot turn that off (see SNIFFER).  To use Cabo as
 * a router, give it devices on which the host has no addresses and does not
 * forward (for instance devices in their own network namespace, as the
 * tests in tests/netns do), or keep the stack out with a netdev ingress
 * chain that drops everything:
 *
 *   nft add table netdev cabo
 *   nft add chain netdev cabo DEV '{ type filter hook ingress device DEV
 *     priority 0; policy drop; }'
 *
 * Packet sockets get their copies before the ingress hook runs, so
 * FromDevice still reads every frame while the host sees none.
 *
 * Offloads: a frame that the sending host left for the hardware to finish
 * reaches the packet socket unfinished.  With transmit checksum offload
 * (veth's default) TCP and UDP checksums are partial, and with TSO, GSO or
 * GRO a frame can be a 64 KB aggregate.  Forwarding such frames fails at the
 * receiver or at ToDevice ("too long").  Turn these offloads off on the
 * devices involved, as for Click: `ethtool -K DEV tx off tso off gso off gro
 * off' (on veth pairs: on the peers that send into Cabo's devices).
 * =k DEVNAME
 * String.  The device name, as `ip link' shows it.
 * =k PROMISC
 * Boolean.  If true, the device is put in promiscuous mode while FromDevice
 * runs (the mode is dropped when the socket closes).  If false, FromDevice
 * asks for all multicast frames, as Click does.  Default false.
 * =k SNAPLEN
 * Unsigned.  Frames are cut to SNAPLEN bytes (14 to 65535).  Default 2046.
 * =k SNIFFER
 * Boolean.  In Click, false asks FromDevice to keep the kernel from
 * processing the frames too (Click installs firewall rules).  Cabo cannot do
 * that with packet sockets: false is accepted with a warning and changes
 * nothing; see above for what to do instead.  Default true.
 * =k FORCE_IP
 * Boolean.  If true, only IPv4 and IPv6 packets whose IP header is complete
 * are emitted on output 0, with network, transport and (IPv4) destination
 * address annotations; other frames go to output 1 if it exists and are
 * dropped otherwise (reason `not IP').  Default false.
 * =k METHOD
 * Word: LINUX, PCAP or DEFAULT, all of which use a packet socket (see
 * above).  CAPTURE is an old name for METHOD.
 * =k BPF_FILTER
 * String.  A tcpdump(1) filter expression (pcap-filter(7)); only matching
 * frames are read.  The filter is compiled by libpcap and runs in the
 * kernel.  Default empty: every frame.
 * =k PROTOCOL
 * Unsigned.  Only frames of this Ethernet protocol (0x0800 for IPv4) are
 * read.  Default 0: all protocols.
 * =k OUTBOUND
 * Boolean.  If true, FromDevice also emits the frames the host sends on
 * the device (packet type OUTGOING), its own ToDevice's included.  Default
 * false: the kernel is told not to deliver outgoing frames
 * (PACKET_IGNORE_OUTGOING), and any that arrive anyway are ignored.
 * =k HEADROOM
 * Unsigned.  Bytes left in front of the packet data, at most 1024.
 * Default 64, the pool's usual headroom.  Frames longer than a pool buffer
 * get the usual headroom.
 * =k BURST
 * Unsigned.  Most frames read per task run (at least 1).  Default 32
 * (Click's default is 1; Cabo reads whole batches).
 * =k TIMESTAMP
 * Boolean.  If false, packets get no timestamp annotation.  Default true.
 * =h count read
 * Returns the number of packets FromDevice has emitted (on either output).
 * =h reset_counts write
 * Resets count to 0.
 * =h kernel_drops read
 * Returns the number of frames the kernel dropped because the socket's
 * receive buffer was full (PACKET_STATISTICS), since initialization.
 * =h encap read
 * Returns the link-level encapsulation: ETHER or IP.
 * =e
 *   FromDevice(eth0, PROMISC true) -> Queue -> ToDevice(eth1);
 *   FromDevice(eth0, BPF_FILTER "icmp or arp") -> Print(ok) -> Discard;
 * =a
 * ToDevice, FromDump, ToDump, tcpdump(1), packet(7)
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "element.h"
#include "netdev.h"
#include "task.h"
#include "../pcap/encap.h"

enum {
	RECV_BATCH = 32,              /* frames per recvmmsg */
	DEFAULT_SNAPLEN = 2046,
	MAX_HEADROOM = 1024,
	RCVBUF_BYTES = 4 << 20,       /* asked for; the kernel caps it at rmem_max */
	CTRL_SIZE = 64,               /* room for SCM_TIMESTAMPNS */
};

struct fromdevice {
	struct cabo_element e;

	/* Configuration */
	char *devname;
	char *bpf_filter;
	bool promisc, sniffer, force_ip, outbound, timestamp;
	uint32_t snaplen, headroom, burst;
	uint16_t protocol;

	/* The socket */
	int fd;
	int ifindex;
	int dlt;
	bool ignore_outgoing;         /* the kernel filters outgoing frames */
	uint8_t *overflow;            /* RECV_BATCH areas of overflow_size bytes */
	uint32_t overflow_size;
	struct cabo_task task;

	/* Counters */
	uint64_t count;
	uint64_t kernel_drops;

	/* recvmmsg arguments, set up once */
	struct mmsghdr msgs[RECV_BATCH];
	struct iovec iov[RECV_BATCH][2];
	struct sockaddr_ll from[RECV_BATCH];
	uint64_t ctrl[RECV_BATCH][CTRL_SIZE / 8];
};

enum { DROP_NOT_IP, DROP_NO_BUFFER };
static const char *const fromdevice_drop_reasons[] = { "not IP", "no buffer", NULL };

/* ---- Configuration */

static int fromdevice_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct fromdevice *fd = (struct fromdevice *)e;
	uint64_t snaplen = DEFAULT_SNAPLEN, headroom = CABO_PACKET_HEADROOM;
	uint64_t burst = RECV_BATCH, protocol = 0;
	char *method = NULL, *capture = NULL;
	fd->fd = -1;
	fd->sniffer = true;
	fd->timestamp = true;

	cabo_args_read_string(a, "DEVNAME", CABO_ARG_MP, &fd->devname);
	cabo_args_read_bool(a, "PROMISC", CABO_ARG_POSITIONAL, &fd->promisc);
	cabo_args_read_uint(a, "SNAPLEN", CABO_ARG_POSITIONAL, &snaplen);
	cabo_args_read_bool(a, "SNIFFER", 0, &fd->sniffer);
	cabo_args_read_bool(a, "FORCE_IP", 0, &fd->force_ip);
	cabo_args_read_word(a, "METHOD", 0, &method);
	cabo_args_read_word(a, "CAPTURE", 0, &capture);
	cabo_args_read_string(a, "BPF_FILTER", 0, &fd->bpf_filter);
	bool have_protocol = cabo_args_read_uint(a, "PROTOCOL", 0, &protocol);
	cabo_args_read_bool(a, "OUTBOUND", 0, &fd->outbound);
	cabo_args_read_uint(a, "HEADROOM", 0, &headroom);
	cabo_args_read_uint(a, "BURST", 0, &burst);
	cabo_args_read_bool(a, "TIMESTAMP", 0, &fd->timestamp);
	if (fd->devname) {
		const char *why = cabo_netdev_check_name(fd->devname);
		if (why)
			cabo_args_error(a, "%s", why);
	}
	if (snaplen < 14 || snaplen > 65535)
		cabo_args_error(a, "SNAPLEN out of range");
	if (headroom > MAX_HEADROOM)
		cabo_args_error(a, "HEADROOM out of range");
	if (burst == 0 || burst > UINT32_MAX)
		cabo_args_error(a, "BURST out of range");
	if (have_protocol && (protocol == 0 || protocol > 0xFFFF))
		cabo_args_error(a, "PROTOCOL out of range");
	const char *m = method ? method : capture;
	if (m && strcmp(m, "LINUX") != 0 && strcmp(m, "PCAP") != 0 && strcmp(m, "DEFAULT") != 0)
		cabo_args_error(a, "bad METHOD (expected LINUX, PCAP or DEFAULT)");
	free(method);
	free(capture);
	if (cabo_args_complete(a) < 0)
		return -1;
	if (!fd->sniffer)
		cabo_errh_warning(a->errh, cabo_landmark_none(),
				  "SNIFFER false is not supported: the kernel also receives these packets");
	if (fd->bpf_filter && !fd->bpf_filter[0]) {
		free(fd->bpf_filter);
		fd->bpf_filter = NULL;
	}
	fd->snaplen = (uint32_t)snaplen;
	fd->headroom = (uint32_t)headroom;
	fd->burst = (uint32_t)burst;
	fd->protocol = (uint16_t)protocol;
	return 0;
}

/* ---- Opening the socket */

static int attach_filter(struct fromdevice *fd, struct cabo_errh *errh)
{
	pcap_t *pc = pcap_open_dead(fd->dlt, (int)fd->snaplen);
	if (!pc)
		return cabo_errh_error(errh, "%s: BPF_FILTER: out of memory", fd->devname);
	struct bpf_program prog;
	if (pcap_compile(pc, &prog, fd->bpf_filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		cabo_errh_error(errh, "%s: BPF_FILTER: %s", fd->devname, pcap_geterr(pc));
		pcap_close(pc);
		return -1;
	}
	pcap_close(pc);
	/* struct bpf_insn and struct sock_filter have the same layout. */
	struct sock_fprog fprog = { .len = (unsigned short)prog.bf_len,
				    .filter = (struct sock_filter *)prog.bf_insns };
	int r = setsockopt(fd->fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog);
	int err = errno;
	pcap_freecode(&prog);
	if (r < 0)
		return cabo_netdev_errno(errh, fd->devname, "SO_ATTACH_FILTER", err);
	return 0;
}

static void setup_msgs(struct fromdevice *fd)
{
	for (unsigned i = 0; i < RECV_BATCH; i++) {
		struct msghdr *h = &fd->msgs[i].msg_hdr;
		memset(h, 0, sizeof *h);
		h->msg_name = &fd->from[i];
		h->msg_namelen = sizeof fd->from[i];
		h->msg_iov = fd->iov[i];
		h->msg_iovlen = fd->overflow_size ? 2 : 1;
		if (fd->overflow_size)
			fd->iov[i][1] = (struct iovec){ fd->overflow + (size_t)i * fd->overflow_size,
							fd->overflow_size };
		if (fd->timestamp) {
			h->msg_control = fd->ctrl[i];
			h->msg_controllen = sizeof fd->ctrl[i];
		}
	}
}

static bool fromdevice_fire(struct cabo_task *t);

static int fromdevice_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct fromdevice *fd = (struct fromdevice *)e;
	fd->fd = cabo_netdev_open(fd->devname, errh, &fd->ifindex, &fd->dlt);
	if (fd->fd < 0)
		return -1;
	if (fd->force_ip && fd->dlt != DLT_EN10MB && fd->dlt != DLT_RAW)
		return cabo_errh_error(errh, "%s: FORCE_IP needs an Ethernet or IP device", fd->devname);
	if (fd->bpf_filter && attach_filter(fd, errh) < 0)
		return -1;
	int one = 1;
	if (!fd->outbound &&
	    setsockopt(fd->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) == 0)
		fd->ignore_outgoing = true;   /* older kernels: filtered below */
	if (fd->timestamp &&
	    setsockopt(fd->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) < 0)
		return cabo_netdev_errno(errh, fd->devname, "SO_TIMESTAMPNS", errno);
	int rcvbuf = RCVBUF_BYTES;
	(void)setsockopt(fd->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);

	struct packet_mreq mr;
	memset(&mr, 0, sizeof mr);
	mr.mr_ifindex = fd->ifindex;
	mr.mr_type = fd->promisc ? PACKET_MR_PROMISC : PACKET_MR_ALLMULTI;
	if (setsockopt(fd->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0 && fd->promisc)
		cabo_errh_warning(errh, cabo_landmark_none(), "%s: cannot set promiscuous mode: %s",
				  fd->devname, strerror(errno));

	/* Frames longer than what a pool buffer holds after the headroom spill
	 * into the overflow area. */
	uint32_t room = cabo_element_pool(e)->buffer_size - fd->headroom;
	fd->overflow_size = fd->snaplen > room ? fd->snaplen - room : 0;
	if (fd->overflow_size)
		fd->overflow = cabo_xmalloc((size_t)RECV_BATCH * fd->overflow_size);
	setup_msgs(fd);

	if (cabo_netdev_bind(fd->fd, fd->devname, fd->ifindex,
			     fd->protocol ? fd->protocol : ETH_P_ALL, errh) < 0)
		return -1;
	cabo_task_init(&fd->task, e, fromdevice_fire, fd);
	if (cabo_select_add(e, fd->fd, &fd->task) < 0)
		return cabo_errh_error(errh, "%s: descriptor already registered", fd->devname);
	return 0;
}

static void fromdevice_cleanup(struct cabo_element *e)
{
	struct fromdevice *fd = (struct fromdevice *)e;
	if (fd->fd >= 0) {
		cabo_select_remove(e, fd->fd);
		close(fd->fd);   /* also leaves promiscuous mode */
		fd->fd = -1;
	}
	free(fd->overflow);
	free(fd->devname);
	free(fd->bpf_filter);
}

/* ---- Receiving */

/* Offset of the IP header in a frame, or -1. */
static int ip_offset(const struct fromdevice *fd, const uint8_t *d, uint32_t len)
{
	if (fd->dlt == DLT_RAW)
		return 0;
	uint32_t off = 12;
	for (int tags = 0; tags <= 2; tags++) {
		if (off + 2 > len)
			return -1;
		uint16_t type = (uint16_t)(d[off] << 8 | d[off + 1]);
		if (type == ETH_P_IP || type == ETH_P_IPV6)
			return (int)off + 2;
		if (type != ETH_P_8021Q && type != ETH_P_8021AD)
			return -1;
		off += 4;
	}
	return -1;
}

/* Sets the header annotations; false if FORCE_IP refuses the packet. */
static bool set_headers(const struct fromdevice *fd, struct cabo_packet *p)
{
	const uint8_t *d = p->data;
	if (fd->dlt == DLT_EN10MB)
		cabo_packet_set_mac_header(p, d);
	int off = ip_offset(fd, d, p->length);
	if (off < 0 || (uint32_t)off >= p->length)
		return !fd->force_ip;
	const uint8_t *ip = d + off;
	uint32_t room = p->length - (uint32_t)off;
	if (!fd->force_ip) {
		cabo_packet_set_network_header(p, ip);
		return true;
	}
	return cabo_encap_mark_ip(p, ip, room);
}

static int64_t kernel_time(struct msghdr *h)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof ts);
			return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
		}
	return 0;
}

/* Turns received slot i into a finished packet, or NULL (dropped/ignored). */
static struct cabo_packet *take_frame(struct fromdevice *fd, unsigned i, struct cabo_packet *p,
				      uint32_t room)
{
	struct mmsghdr *m = &fd->msgs[i];
	if (fd->from[i].sll_pkttype == PACKET_OUTGOING && !fd->outbound) {
		cabo_packet_free(p);
		return NULL;
	}
	uint32_t len = m->msg_len < fd->snaplen ? m->msg_len : fd->snaplen;
	if (len > room) {
		/* Spilled into the overflow area: a buffer of its own. */
		struct cabo_packet *q = cabo_packet_alloc_large(p->pool, len);
		if (!q) {
			cabo_element_drop(&fd->e, p, DROP_NO_BUFFER);
			return NULL;
		}
		memcpy(q->data, p->data, room);
		memcpy(q->data + room, fd->iov[i][1].iov_base, len - room);
		cabo_packet_free(p);
		p = q;
	} else
		p->length = len;
	p->anno.packet_type = fd->from[i].sll_pkttype;
	if (fd->timestamp)
		p->anno.timestamp_ns = kernel_time(&m->msg_hdr);
	return p;
}

/* One recvmmsg: fills out (output 0) and other (output 1).  Returns the
 * number of frames read, 0 when the socket is empty, -1 when the pool is. */
static int receive(struct fromdevice *fd, unsigned want, struct cabo_batch *out,
		   struct cabo_batch *other)
{
	struct cabo_pool *pool = cabo_element_pool(&fd->e);
	uint32_t avail = cabo_pool_available(pool);
	if (want > avail)
		want = avail;
	struct cabo_packet *pkts[RECV_BATCH];
	unsigned got = want ? cabo_packet_alloc_batch(pool, 0, pkts, want) : 0;
	if (!got)
		return -1;
	const uint32_t room = pool->buffer_size - fd->headroom;
	for (unsigned i = 0; i < got; i++) {
		pkts[i]->data = pkts[i]->buffer + fd->headroom;
		fd->iov[i][0] = (struct iovec){ pkts[i]->data, room };
		fd->msgs[i].msg_hdr.msg_namelen = sizeof fd->from[i];
		if (fd->timestamp)
			fd->msgs[i].msg_hdr.msg_controllen = sizeof fd->ctrl[i];
	}
	int n = recvmmsg(fd->fd, fd->msgs, got, MSG_DONTWAIT | MSG_TRUNC, NULL);
	if (n < 0)
		n = 0;   /* EAGAIN, or an error the socket reported (ENETDOWN): done */
	for (unsigned i = 0; i < (unsigned)n; i++) {
		struct cabo_packet *p = take_frame(fd, i, pkts[i], room);
		if (!p)
			continue;
		if (set_headers(fd, p))
			cabo_batch_add(out, p);
		else if (fd->e.noutputs > 1)
			cabo_batch_add(other, p);
		else
			cabo_element_drop(&fd->e, p, DROP_NOT_IP);
	}
	if ((unsigned)n < got)
		cabo_packet_free_batch(pkts + n, got - (unsigned)n);
	return n;
}

static bool fromdevice_fire(struct cabo_task *t)
{
	struct fromdevice *fd = t->arg;
	uint32_t total = 0;
	bool drained = false;
	while (total < fd->burst) {
		struct cabo_batch out, other;
		out.count = other.count = 0;
		uint32_t want = fd->burst - total;
		if (want > RECV_BATCH)
			want = RECV_BATCH;
		int n = receive(fd, want, &out, &other);
		if (n < 0)
			break;   /* pool exhausted: frames wait in the socket */
		fd->count += out.count + other.count;
		cabo_output_push(&fd->e, 0, &out);
		if (other.count)
			cabo_output_push(&fd->e, 1, &other);
		total += (uint32_t)n;
		if ((uint32_t)n < want) {
			drained = true;
			break;
		}
	}
	/* Empty socket (or no buffers): sleep until poll() finds it readable.
	 * poll is level-triggered, so frames left behind wake the task again. */
	if (drained || total < fd->burst)
		cabo_task_unschedule(t);
	return total > 0;
}

/* ---- Handlers */

static int read_kernel_drops(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct fromdevice *fd = (struct fromdevice *)e;
	struct tpacket_stats st;
	socklen_t len = sizeof st;
	/* Reading the statistics resets them: keep a running total. */
	if (fd->fd >= 0 && getsockopt(fd->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
		fd->kernel_drops += st.tp_drops;
	cabo_strbuf_printf(out, "%llu", (unsigned long long)fd->kernel_drops);
	return 0;
}

static int read_encap(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct fromdevice *fd = (struct fromdevice *)e;
	char buf[24];
	cabo_encap_unparse(fd->fd >= 0 ? fd->dlt : -1, buf);
	cabo_strbuf_puts(out, buf);
	return 0;
}

static int write_reset(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	((struct fromdevice *)e)->count = 0;
	return 0;
}

static const struct cabo_handler fromdevice_handlers[] = {
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct fromdevice, count), 0 },
	{ "reset_counts", NULL, write_reset, NULL, CABO_HANDLER_BUTTON },
	{ "kernel_drops", read_kernel_drops, NULL, NULL, 0 },
	{ "encap", read_encap, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(fromdevice_class) = {
	.name = "FromDevice", .port_count = "0/1-2", .processing = "h/h",
	.size = sizeof(struct fromdevice), .configure = fromdevice_configure,
	.initialize = fromdevice_initialize, .cleanup = fromdevice_cleanup,
	.handlers = fromdevice_handlers, .drop_reasons = fromdevice_drop_reasons,
};

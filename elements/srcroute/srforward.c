/*
 * =c
 * SRForward([ARRIVED, KEYWORDS OFFSET, MAX_HOPS])
 * =s
 * forwards packets along their Cabo source route
 * =ports
 * 1 input, at least 1 output
 * =processing
 * push
 * =d
 * One hop of Cabo source routing (see cabo-srcroute(7)).  Input packets
 * carry a Cabo source-route header OFFSET bytes in (as SRHeaderEncap makes
 * it).  SRForward checks the header, takes the hop its pointer names (an
 * output port number), advances the pointer, decrements the hop limit and
 * sends the packet out that output.  The outputs of the SRForward elements of
 * a virtual topology are its links: output K of one node leads to the next
 * node's SRForward.
 *
 * A packet whose pointer has reached the end of its route has arrived: it
 * leaves unchanged on output ARRIVED, usually to SRHeaderDecap and local
 * delivery.
 *
 * Every other packet is dropped and counted by reason (see the drop_reasons
 * handler): `truncated header' (shorter than its header), `bad version',
 * `empty route' (hop count 0), `bad header length' (the length field
 * disagrees with the hop count), `bad pointer' (pointer beyond the hop
 * count), `too many hops' (hop count above MAX_HOPS), `hop limit exceeded'
 * (hop limit 0 with hops still to take), `pointer not advancing' (the hop
 * limit is smaller than the hops still to take: the pointer was set back, so
 * the packet is in a loop) and `no such port' (the hop names an output this
 * element does not have).  Packets are never printed about.
 *
 * A shared packet (a clone) is copied before its header is changed.
 * =k ARRIVED
 * Output for packets that have arrived.  Default: the last output.
 * =k OFFSET
 * Unsigned integer: where the header starts (14 for Ethernet frames of type
 * 0x88B5).  Default 0.
 * =k MAX_HOPS
 * Integer from 1 to 255: longest route accepted.  Default 64.
 * =h count read
 * Returns the number of packets received.
 * =h forwarded read
 * Returns the number of packets forwarded to a next hop.
 * =h arrived read
 * Returns the number of packets that left on output ARRIVED because their
 * route was exhausted.
 * =h drops read
 * Returns the number of packets dropped, all reasons together.
 * =h port_counts read
 * Returns one line per output: the output number, a tab and the number of
 * packets sent out of it.
 * =h reset_counts write
 * Resets count, forwarded, arrived and port_counts (not drop_reasons).
 * =e
 * A triangle of three nodes; a packet from n1 to n3 through n2 carries
 * HOPS 1 1:
 *
 *   n1 :: SRForward(0); n2 :: SRForward(0); n3 :: SRForward(0);
 *   n1[1] -> n2; n1[2] -> n3;  n2[1] -> n3; n2[2] -> n1;
 *   n3[1] -> n1; n3[2] -> n2;
 *   n1[0] -> d :: SRHeaderDecap -> ...;  n2[0] -> d;  n3[0] -> d;
 * =a
 * SRHeaderEncap, SRHeaderDecap, SRv6End, IPGWOptions, cabo-srcroute(7)
 */
#include <stddef.h>
#include <stdint.h>

#include "element.h"
#include "srhdr.h"

enum { TOO_MANY_HOPS = SR_NCHECKS, HOP_LIMIT, NOT_ADVANCING, NO_PORT, NREASONS };

static const char *const srforward_drop_reasons[] = {
	SR_CHECK_REASONS, "too many hops", "hop limit exceeded", "pointer not advancing",
	"no such port", NULL,
};

struct srforward {
	struct cabo_element e;
	unsigned arrived_port;
	uint32_t offset;
	unsigned max_hops;
	uint64_t count;
	uint64_t forwarded;
	uint64_t arrived;
};

static int srforward_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct srforward *f = (struct srforward *)e;
	int64_t arrived = (int64_t)e->noutputs - 1;
	uint64_t offset = 0, max_hops = 64;
	cabo_args_read_int(a, "ARRIVED", CABO_ARG_POSITIONAL, &arrived);
	cabo_args_read_uint(a, "OFFSET", 0, &offset);
	cabo_args_read_uint(a, "MAX_HOPS", 0, &max_hops);
	if (arrived < 0 || arrived >= (int64_t)e->noutputs)
		cabo_args_error(a, "ARRIVED: must be an output (less than %u, the number of outputs)",
				e->noutputs);
	if (offset > UINT32_MAX)
		cabo_args_error(a, "OFFSET: out of range");
	if (max_hops < 1 || max_hops > SR_MAX_HOPS)
		cabo_args_error(a, "MAX_HOPS: must be between 1 and %d", SR_MAX_HOPS);
	f->arrived_port = (unsigned)arrived;
	f->offset = (uint32_t)offset;
	f->max_hops = (unsigned)max_hops;
	return cabo_args_complete(a);
}

static int drop(struct srforward *f, struct cabo_packet *p, unsigned reason)
{
	cabo_element_drop(&f->e, p, reason);
	return -1;
}

/* Returns the output for p (and updates its header), or -1 when it was
 * dropped; *pp is the packet to send, possibly a private copy. */
static int route(struct srforward *f, struct cabo_packet **pp)
{
	struct cabo_packet *p = *pp;
	int reason = sr_check(p, f->offset);
	if (reason != SR_OK)
		return drop(f, p, (unsigned)reason);
	uint8_t *h = p->data + f->offset;
	unsigned n = h[SR_NHOPS], ptr = h[SR_PTR], hlim = h[SR_HLIM];
	if (n > f->max_hops)
		return drop(f, p, TOO_MANY_HOPS);
	if (ptr == n) {
		f->arrived++;
		return (int)f->arrived_port;
	}
	if (hlim == 0)
		return drop(f, p, HOP_LIMIT);
	if (hlim < n - ptr)
		return drop(f, p, NOT_ADVANCING);
	unsigned port = h[SR_HOPS + ptr];
	if (port >= f->e.noutputs)
		return drop(f, p, NO_PORT);
	p = *pp = cabo_packet_writable(p);
	if (!p)
		return -1;
	h = p->data + f->offset;
	h[SR_PTR] = (uint8_t)(ptr + 1);
	h[SR_HLIM] = (uint8_t)(hlim - 1);
	f->forwarded++;
	return (int)port;
}

static void srforward_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct srforward *f = (struct srforward *)e;
	int ports[CABO_BATCH_MAX];
	unsigned kept = 0;
	f->count += b->count;
	for (unsigned i = 0; i < b->count; i++) {
		struct cabo_packet *p = b->p[i];
		int out = route(f, &p);
		if (out < 0)
			continue;
		ports[kept] = out;
		b->p[kept++] = p;
	}
	b->count = kept;
	cabo_output_push_each(e, b, ports, NO_PORT);
}

/* ---- Handlers */

static int read_drops(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < e->ndrop_reasons; i++)
		n += e->drops[i];
	cabo_strbuf_printf(out, "%llu", (unsigned long long)n);
	return 0;
}

static int read_port_counts(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	for (unsigned i = 0; i < e->noutputs; i++)
		cabo_strbuf_printf(out, "%u\t%llu\n", i, (unsigned long long)e->outputs[i].packets);
	return 0;
}

static int write_reset(struct cabo_element *e, const char *value, const void *arg,
		       struct cabo_errh *errh)
{
	struct srforward *f = (struct srforward *)e;
	f->count = f->forwarded = f->arrived = 0;
	for (unsigned i = 0; i < e->noutputs; i++)
		e->outputs[i].packets = 0;
	return 0;
}

static const struct cabo_handler srforward_handlers[] = {
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct srforward, count), 0 },
	{ "forwarded", cabo_read_u64_field, NULL, CABO_FIELD(struct srforward, forwarded), 0 },
	{ "arrived", cabo_read_u64_field, NULL, CABO_FIELD(struct srforward, arrived), 0 },
	{ "drops", read_drops, NULL, NULL, 0 },
	{ "port_counts", read_port_counts, NULL, NULL, 0 },
	{ "reset_counts", NULL, write_reset, NULL, CABO_HANDLER_BUTTON },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(srforward_class) = {
	.name = "SRForward", .port_count = "1/1-", .processing = "h/h",
	.size = sizeof(struct srforward), .configure = srforward_configure,
	.push = srforward_push, .handlers = srforward_handlers,
	.drop_reasons = srforward_drop_reasons,
};

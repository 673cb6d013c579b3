/*
 * =c
 * SRHeaderDecap([KEYWORDS ETHER])
 * =s
 * removes a Cabo source-route header
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Removes the Cabo source-route header (see cabo-srcroute(7)) from packets
 * whose route is finished, as SRForward emits them on its ARRIVED output,
 * giving back the packet SRHeaderEncap was given.
 *
 * Without ETHER the header starts the packet; it is removed, and when its
 * next header is IPv4 (0x0800) or IPv6 (0x86DD) the network header
 * annotation points to the payload.  With ETHER true the packet is an
 * Ethernet frame of type 0x88B5 with the header after the Ethernet header:
 * the header is removed and the frame's type becomes the header's next
 * header again; the MAC header annotation points to the Ethernet header and
 * the network header annotation to the payload.
 *
 * Packets with a header SRForward would refuse are dropped and counted by
 * reason: `truncated header', `bad version', `empty route', `bad header
 * length', `bad pointer'; so are packets whose route is not finished
 * (`route not finished': the pointer is short of the hop count) and, with
 * ETHER, frames of another type (`not source-routed').
 * =k ETHER
 * Boolean.  If true, packets are Ethernet frames.  Default false.
 * =h count read
 * Returns the number of packets decapsulated.
 * =e
 *   n3 :: SRForward(0, OFFSET 14);
 *   n3[0] -> SRHeaderDecap(ETHER true) -> ToDump(out.pcap);
 * =a
 * SRHeaderEncap, SRForward, cabo-srcroute(7)
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "element.h"
#include "srhdr.h"

enum { NOT_FINISHED = SR_NCHECKS, NOT_SR };

static const char *const srdecap_drop_reasons[] = {
	SR_CHECK_REASONS, "route not finished", "not source-routed", NULL,
};

struct srdecap {
	struct cabo_element e;
	bool ether;
	uint64_t count;
};

static int srdecap_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct srdecap *d = (struct srdecap *)e;
	d->ether = false;
	cabo_args_read_bool(a, "ETHER", 0, &d->ether);
	return cabo_args_complete(a);
}

static struct cabo_packet *srdecap_simple_action(struct cabo_element *e, struct cabo_packet *p)
{
	struct srdecap *d = (struct srdecap *)e;
	uint32_t off = d->ether ? SR_ETHER_HLEN : 0;
	int reason = SR_OK;
	if (d->ether && (p->length < SR_ETHER_HLEN
			 || sr_get16(p->data + SR_ETHER_TYPE) != SR_ETHERTYPE))
		reason = NOT_SR;
	else
		reason = sr_check(p, off);
	if (reason == SR_OK && p->data[off + SR_PTR] != p->data[off + SR_NHOPS])
		reason = NOT_FINISHED;
	if (reason != SR_OK) {
		cabo_element_drop(e, p, (unsigned)reason);
		return NULL;
	}
	uint8_t *h = p->data + off;
	unsigned hlen = h[SR_HLEN] * 4u;
	uint16_t next = sr_get16(h + SR_NEXT);
	if (d->ether) {
		p = cabo_packet_writable(p);
		if (!p)
			return NULL;
		memmove(p->data + hlen, p->data, SR_ETHER_HLEN);
		cabo_packet_pull(p, hlen);
		sr_put16(p->data + SR_ETHER_TYPE, next);
		cabo_packet_set_mac_header(p, p->data);
	} else
		cabo_packet_pull(p, hlen);
	if (next == SR_ETHERTYPE_IP || next == SR_ETHERTYPE_IP6)
		cabo_packet_set_network_header(p, p->data + off);
	else
		p->network_offset = -1;
	p->transport_offset = -1;
	d->count++;
	return p;
}

static const struct cabo_handler srdecap_handlers[] = {
	{ "count", cabo_read_u64_field, NULL, CABO_FIELD(struct srdecap, count), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(srheaderdecap_class) = {
	.name = "SRHeaderDecap", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct srdecap), .configure = srdecap_configure,
	.simple_action = srdecap_simple_action, .handlers = srdecap_handlers,
	.drop_reasons = srdecap_drop_reasons,
};

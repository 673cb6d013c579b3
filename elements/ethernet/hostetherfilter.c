/*
 * =c
 * HostEtherFilter(ETHER [, DROP_OWN, DROP_OTHER, KEYWORDS OFFSET])
 * =s
 * drops Ethernet packets sent to other machines
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * agnostic, but output 1 is push
 * =d
 * Expects Ethernet frames and behaves like the receive filter of an
 * interface whose address is ETHER.  It sets each packet's packet type
 * annotation from the destination address: HOST (the address is ETHER),
 * BROADCAST (FF-FF-FF-FF-FF-FF), MULTICAST (any other group address, low
 * bit of the first byte set) or OTHERHOST, and emits most packets on output 0.
 *
 * If DROP_OWN is true, packets whose source address is ETHER are filtered
 * out; if DROP_OTHER is true, so are OTHERHOST packets (unicast to another
 * address).  Filtered packets go to output 1 when it is connected, and are
 * dropped otherwise (reasons `own source' and `other host').
 *
 * Frames with fewer than 12 bytes from OFFSET to their end (no complete
 * address pair) are filtered the same way, with reason `too short'; Click
 * would read past their data.
 * =k ETHER
 * Ethernet address of this host.
 * =k DROP_OWN
 * Boolean.  Filter out packets sent from ETHER.  Default false.
 * =k DROP_OTHER
 * Boolean.  Filter out packets sent to other hosts.  Default true.
 * =k OFFSET
 * Unsigned integer.  The Ethernet header starts OFFSET bytes into the
 * packet.  Default 0.
 * =h ether read/write
 * Returns or sets ETHER.
 * =e
 *   FromDump(in.pcap, STOP true) -> HostEtherFilter(00:16:3e:00:00:01, DROP_OWN true)
 *     -> Classifier(12/0806, 12/0800) ...
 * =a
 * EtherEncap, Classifier, DropBroadcasts
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "element.h"
#include "etherhdr.h"

struct hostetherfilter {
	struct cabo_element e;
	uint8_t addr[ETHER_ALEN];
	bool drop_own, drop_other;
	uint32_t offset;
};

enum { DROP_OWN, DROP_OTHER, DROP_SHORT };
static const char *const hostetherfilter_drop_reasons[] = {
	[DROP_OWN] = "own source", [DROP_OTHER] = "other host", [DROP_SHORT] = "too short",
	NULL,
};

static int hostetherfilter_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct hostetherfilter *h = (struct hostetherfilter *)e;
	uint64_t offset = 0;
	h->drop_other = true;
	cabo_args_read_ether(a, "ETHER", CABO_ARG_MP, h->addr);
	cabo_args_read_bool(a, "DROP_OWN", CABO_ARG_POSITIONAL, &h->drop_own);
	cabo_args_read_bool(a, "DROP_OTHER", CABO_ARG_POSITIONAL, &h->drop_other);
	cabo_args_read_uint(a, "OFFSET", 0, &offset);
	if (cabo_args_complete(a) < 0)
		return -1;
	if (offset > UINT32_MAX - ETHER_HLEN)
		return cabo_errh_error(a->errh, "OFFSET: out of range");
	h->offset = (uint32_t)offset;
	return 0;
}

static struct cabo_packet *hostetherfilter_simple_action(struct cabo_element *e,
							  struct cabo_packet *p)
{
	struct hostetherfilter *h = (struct hostetherfilter *)e;
	if (p->length < h->offset || p->length - h->offset < 2 * ETHER_ALEN)
		return cabo_element_reject(e, p, DROP_SHORT);
	const uint8_t *eh = p->data + h->offset;
	if (h->drop_own && memcmp(eh + ETHER_SRC, h->addr, ETHER_ALEN) == 0)
		return cabo_element_reject(e, p, DROP_OWN);
	if (memcmp(eh + ETHER_DST, h->addr, ETHER_ALEN) == 0) {
		p->anno.packet_type = CABO_PACKET_HOST;
	} else if (ether_is_broadcast(eh + ETHER_DST)) {
		p->anno.packet_type = CABO_PACKET_BROADCAST;
	} else if (ether_is_group(eh + ETHER_DST)) {
		p->anno.packet_type = CABO_PACKET_MULTICAST;
	} else {
		p->anno.packet_type = CABO_PACKET_OTHERHOST;
		if (h->drop_other)
			return cabo_element_reject(e, p, DROP_OTHER);
	}
	return p;
}

static const struct cabo_handler hostetherfilter_handlers[] = {
	{ "ether", ether_read_addr_field, ether_write_addr_field,
	  CABO_FIELD(struct hostetherfilter, addr), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(hostetherfilter_class) = {
	.name = "HostEtherFilter", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct hostetherfilter), .configure = hostetherfilter_configure,
	.simple_action = hostetherfilter_simple_action,
	.handlers = hostetherfilter_handlers,
	.drop_reasons = hostetherfilter_drop_reasons,
};

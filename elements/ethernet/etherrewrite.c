/*
 * =c
 * EtherRewrite(SRC, DST)
 * =s
 * rewrites source and destination Ethernet addresses
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Overwrites the destination and source addresses of each packet's Ethernet
 * header with DST and SRC, leaving the type alone.  The Ethernet header is
 * the one at the packet's MAC header annotation when that points into the
 * packet data, else the start of the data.
 *
 * Useful when a link has a single possible next hop (a transparent
 * firewall, a point-to-point link), so the addresses never change for a
 * given output.
 *
 * A packet with fewer than 12 bytes from the header start to its end is
 * dropped (reason `too short'); Click would write past its data.
 * =k SRC
 * Ethernet address: the new source address.
 * =k DST
 * Ethernet address: the new destination address.
 * =h src read/write
 * Returns or sets SRC.
 * =h dst read/write
 * Returns or sets DST.
 * =e
 *   FromDump(in.pcap, STOP true)
 *     -> EtherRewrite(00:16:3e:00:00:01, 00:16:3e:00:00:02) -> ToDump(out.pcap);
 * =a
 * EtherEncap, EtherVLANEncap, ARPQuerier, StoreEtherAddress
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "element.h"
#include "etherhdr.h"

struct etherrewrite {
	struct cabo_element e;
	uint8_t addrs[2 * ETHER_ALEN];   /* dst, src */
};

enum { A_DST = offsetof(struct etherrewrite, addrs),
       A_SRC = offsetof(struct etherrewrite, addrs) + ETHER_ALEN };

enum { DROP_SHORT };
static const char *const etherrewrite_drop_reasons[] = { "too short", NULL };

static int etherrewrite_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct etherrewrite *er = (struct etherrewrite *)e;
	cabo_args_read_ether(a, "SRC", CABO_ARG_MP, er->addrs + ETHER_ALEN);
	cabo_args_read_ether(a, "DST", CABO_ARG_MP, er->addrs);
	return cabo_args_complete(a);
}

static struct cabo_packet *etherrewrite_simple_action(struct cabo_element *e,
						       struct cabo_packet *p)
{
	struct etherrewrite *er = (struct etherrewrite *)e;
	const uint8_t *mac = cabo_packet_mac_header(p);
	uint32_t off = 0;
	if (mac && mac >= p->data && mac < p->data + p->length)
		off = (uint32_t)(mac - p->data);
	if (p->length - off < 2 * ETHER_ALEN) {
		cabo_element_drop(e, p, DROP_SHORT);
		return NULL;
	}
	p = cabo_packet_writable(p);
	if (!p)
		return NULL;
	memcpy(p->data + off, er->addrs, 2 * ETHER_ALEN);
	return p;
}

static const struct cabo_handler etherrewrite_handlers[] = {
	{ "src", ether_read_addr_field, ether_write_addr_field, (const void *)A_SRC, 0 },
	{ "dst", ether_read_addr_field, ether_write_addr_field, (const void *)A_DST, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(etherrewrite_class) = {
	.name = "EtherRewrite", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct etherrewrite), .configure = etherrewrite_configure,
	.simple_action = etherrewrite_simple_action, .handlers = etherrewrite_handlers,
	.drop_reasons = etherrewrite_drop_reasons,
};

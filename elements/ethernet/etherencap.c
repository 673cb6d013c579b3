/*
 * =c
 * EtherEncap(ETHERTYPE, SRC, DST)
 * =s
 * encapsulates packets in an Ethernet header
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Puts a 14-byte Ethernet header in front of each packet: destination
 * address DST, source address SRC and type ETHERTYPE, a number in host order
 * (0x0800 for IPv4).  The header goes into the packet's headroom (the data
 * is moved, or copied when the buffer is shared, only when there is not
 * enough), and the packet's MAC header annotation points to it.
 *
 * For IP packets whose next hop must be resolved, use ARPQuerier instead.
 * =k ETHERTYPE
 * Unsigned integer at most 0xFFFF: the Ethernet type.
 * =k SRC
 * Ethernet address: the source address.
 * =k DST
 * Ethernet address: the destination address.
 * =h src read/write
 * Returns or sets SRC.
 * =h dst read/write
 * Returns or sets DST.
 * =h ethertype read/write
 * Returns (in decimal) or sets ETHERTYPE.
 * =h etht read/write
 * Deprecated synonym for ethertype.
 * =e
 *   FromDump(ip.pcap, STOP true) -> Strip(14)
 *     -> EtherEncap(0x0800, 1:1:1:1:1:1, 2:2:2:2:2:2) -> ToDump(out.pcap);
 * =a
 * ARPQuerier, EtherRewrite, EtherVLANEncap, StoreEtherAddress, Strip
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "element.h"
#include "etherhdr.h"

struct etherencap {
	struct cabo_element e;
	uint8_t header[ETHER_HLEN];   /* dst, src, type as they go on the wire */
};

enum { HDR_DST = offsetof(struct etherencap, header) + ETHER_DST,
       HDR_SRC = offsetof(struct etherencap, header) + ETHER_SRC };

static int etherencap_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct etherencap *ee = (struct etherencap *)e;
	uint16_t type = 0;
	ether_read_u16_arg(a, "ETHERTYPE", CABO_ARG_MP, &type, NULL);
	cabo_args_read_ether(a, "SRC", CABO_ARG_MP, ee->header + ETHER_SRC);
	cabo_args_read_ether(a, "DST", CABO_ARG_MP, ee->header + ETHER_DST);
	ether_put16(ee->header + ETHER_TYPE, type);
	return cabo_args_complete(a);
}

static struct cabo_packet *etherencap_simple_action(struct cabo_element *e,
						     struct cabo_packet *p)
{
	struct etherencap *ee = (struct etherencap *)e;
	p = cabo_packet_push(p, ETHER_HLEN);
	if (!p)
		return NULL;
	memcpy(p->data, ee->header, ETHER_HLEN);
	cabo_packet_set_mac_header(p, p->data);
	return p;
}

/* ---- Handlers */

static int read_type(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct etherencap *ee = (struct etherencap *)e;
	cabo_strbuf_printf(out, "%u", ether_get16(ee->header + ETHER_TYPE));
	return 0;
}

static int write_type(struct cabo_element *e, const char *value, const void *arg,
		      struct cabo_errh *errh)
{
	struct etherencap *ee = (struct etherencap *)e;
	char buf[64];
	uint64_t v;
	if (!cabo_copy_trimmed(value, buf, sizeof buf) || !cabo_parse_uint(buf, &v) || v > 0xFFFF)
		return cabo_errh_error(errh, "ETHERTYPE: expected unsigned integer at most 0xFFFF");
	ether_put16(ee->header + ETHER_TYPE, (uint16_t)v);
	return 0;
}

static const struct cabo_handler etherencap_handlers[] = {
	{ "src", ether_read_addr_field, ether_write_addr_field, (const void *)HDR_SRC, 0 },
	{ "dst", ether_read_addr_field, ether_write_addr_field, (const void *)HDR_DST, 0 },
	{ "ethertype", read_type, write_type, NULL, 0 },
	{ "etht", read_type, write_type, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_SIMPLE_BATCH(etherencap, etherencap_simple_action)

CABO_ELEMENT_CLASS(etherencap_class) = {
	.name = "EtherEncap", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct etherencap), .configure = etherencap_configure,
	.push = etherencap_push, .pull = etherencap_pull, .handlers = etherencap_handlers,
};

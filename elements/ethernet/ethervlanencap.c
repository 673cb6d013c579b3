/*
 * =c
 * EtherVLANEncap(ETHERTYPE, SRC, DST, VLAN_TCI [, VLAN_PCP, KEYWORDS VLAN_ID, NATIVE_VLAN])
 * =s
 * encapsulates packets in an 802.1Q VLAN Ethernet header
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Puts an 18-byte 802.1Q Ethernet header in front of each packet:
 * destination DST, source SRC, type 0x8100, the tag control information
 * (TCI), then the encapsulated type ETHERTYPE (host order, 0x0800 for IPv4).
 * The header goes into the packet's headroom and the MAC header annotation
 * points to it.
 *
 * VLAN_TCI is the whole 16-bit TCI (priority code point in the top 3 bits,
 * VLAN ID in the low 12), or the word ANNO: the TCI is then taken from each
 * packet's VLAN TCI annotation.  Instead of VLAN_TCI, the VLAN_ID keyword and
 * VLAN_PCP give the two parts; VLAN_PCP is OR'ed into a VLAN_TCI.  Exactly one
 * of VLAN_TCI and VLAN_ID must be given.
 *
 * When the VLAN ID to send equals NATIVE_VLAN, the packet gets a plain
 * 14-byte Ethernet header (DST, SRC, ETHERTYPE) instead.
 *
 * To tag frames that already have an Ethernet header, use VLANEncap.
 * =k ETHERTYPE
 * Unsigned integer at most 0xFFFF: the encapsulated type.
 * =k SRC
 * Ethernet address: the source address.
 * =k DST
 * Ethernet address: the destination address.
 * =k VLAN_TCI
 * Integer 0 to 0xFFFF, or ANNO.
 * =k VLAN_PCP
 * Priority code point, 0 to 7.  Default 0.
 * =k VLAN_ID
 * VLAN ID, 0 to 0xFFF (0 and 0xFFF are reserved by 802.1Q).
 * =k NATIVE_VLAN
 * Integer -1 to 0xFFF: packets for this VLAN ID get an untagged header; -1
 * means none.  Default 0.
 * =h config read
 * Returns `ETHERTYPE, SRC, DST, VLAN_ID N, VLAN_PCP P' (or `ANNO' for the
 * VLAN part), followed by `, NATIVE_VLAN N' when that is not 0.
 * =h src read/write
 * Returns or sets SRC.
 * =h dst read/write
 * Returns or sets DST.
 * =h ethertype read/write
 * Returns (in decimal) or sets ETHERTYPE.
 * =h vlan_tci read/write
 * Returns or sets VLAN_TCI (`ANNO' in annotation mode).
 * =h vlan_id read/write
 * Returns or sets the VLAN ID.
 * =h vlan_pcp read/write
 * Returns or sets the priority code point.
 * =h native_vlan read/write
 * Returns or sets NATIVE_VLAN.
 * =e
 *   ... -> EtherVLANEncap(0x0800, 1:1:1:1:1:1, 2:2:2:2:2:2, VLAN_ID 1) -> ...
 * =a
 * VLANEncap, VLANDecap, EtherEncap, ARPQuerier
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "element.h"
#include "etherhdr.h"
#include "vlanconf.h"

struct ethervlanencap {
	struct cabo_element e;
	uint8_t addrs[2 * ETHER_ALEN];   /* dst, src */
	uint16_t ethertype;
	struct vlan_conf vc;
	uint16_t tci;                    /* vlan_conf_tci(&vc), cached */
};

enum { A_DST = offsetof(struct ethervlanencap, addrs),
       A_SRC = offsetof(struct ethervlanencap, addrs) + ETHER_ALEN };

static int ethervlanencap_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct ethervlanencap *ev = (struct ethervlanencap *)e;
	struct vlan_args v;
	ether_read_u16_arg(a, "ETHERTYPE", CABO_ARG_MP, &ev->ethertype, NULL);
	cabo_args_read_ether(a, "SRC", CABO_ARG_MP, ev->addrs + ETHER_ALEN);
	cabo_args_read_ether(a, "DST", CABO_ARG_MP, ev->addrs);
	vlan_args_read(a, &v, CABO_ARG_POSITIONAL);
	int r = vlan_args_finish(&v, &ev->vc, cabo_args_complete(a), a->errh);
	ev->tci = vlan_conf_tci(&ev->vc);
	return r;
}

static struct cabo_packet *ethervlanencap_simple_action(struct cabo_element *e,
							 struct cabo_packet *p)
{
	struct ethervlanencap *ev = (struct ethervlanencap *)e;
	uint16_t tci = ev->vc.anno ? vlan_tci_anno(p) : ev->tci;
	bool untagged = (tci & VLAN_ID_MASK) == ev->vc.native;
	p = cabo_packet_push(p, untagged ? ETHER_HLEN : ETHER_VLAN_HLEN);
	if (!p)
		return NULL;
	uint8_t *h = p->data;
	memcpy(h, ev->addrs, 2 * ETHER_ALEN);
	if (untagged) {
		ether_put16(h + ETHER_TYPE, ev->ethertype);
	} else {
		ether_put16(h + ETHER_TYPE, ETHERTYPE_8021Q);
		ether_put16(h + ETHER_TYPE + 2, tci);
		ether_put16(h + ETHER_TYPE + 4, ev->ethertype);
	}
	cabo_packet_set_mac_header(p, h);
	return p;
}

/* ---- Handlers */

enum { H_CONFIG = 100 };

static int read_handler(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct ethervlanencap *ev = (struct ethervlanencap *)e;
	if ((intptr_t)arg == H_CONFIG) {
		char src[18], dst[18];
		cabo_format_ether(ev->addrs + ETHER_ALEN, src);
		cabo_format_ether(ev->addrs, dst);
		cabo_strbuf_printf(out, "%u, %s, %s, ", ev->ethertype, src, dst);
		vlan_conf_unparse(&ev->vc, out);
	} else {
		vlan_encap_read_handler(&ev->vc, ev->ethertype, (intptr_t)arg, out);
	}
	return 0;
}

static int write_handler(struct cabo_element *e, const char *value, const void *arg,
			 struct cabo_errh *errh)
{
	struct ethervlanencap *ev = (struct ethervlanencap *)e;
	return vlan_encap_write_handler(&ev->vc, &ev->tci, &ev->ethertype, (intptr_t)arg,
					value, errh);
}

static const struct cabo_handler ethervlanencap_handlers[] = {
	{ "config", read_handler, NULL, (const void *)H_CONFIG, 0 },
	{ "src", ether_read_addr_field, ether_write_addr_field, (const void *)A_SRC, 0 },
	{ "dst", ether_read_addr_field, ether_write_addr_field, (const void *)A_DST, 0 },
	{ "ethertype", read_handler, write_handler, (const void *)VLAN_H_ETHERTYPE, 0 },
	VLAN_CONF_HANDLERS(read_handler, write_handler),
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(ethervlanencap_class) = {
	.name = "EtherVLANEncap", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct ethervlanencap), .configure = ethervlanencap_configure,
	.simple_action = ethervlanencap_simple_action, .handlers = ethervlanencap_handlers,
};

/*
 * =c
 * VLANEncap([VLAN_TCI, VLAN_PCP, KEYWORDS VLAN_ID, NATIVE_VLAN, ETHERTYPE])
 * =s
 * adds an 802.1Q VLAN tag to Ethernet packets
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Expects Ethernet frames (starting at the packet data) and inserts a 4-byte
 * 802.1Q tag after their source address: the tag protocol identifier
 * ETHERTYPE (0x8100) and the tag control information (TCI: priority code
 * point in the top 3 bits, VLAN ID in the low 12).  The frame then looks like
 * an Ethernet frame of type 0x8100 whose original type follows the tag.  The
 * four bytes come from the packet's headroom (the addresses move back), and
 * the MAC header annotation points to the new start.
 *
 * VLAN_TCI is the whole 16-bit TCI, or the word ANNO: the TCI is then taken
 * from each packet's VLAN TCI annotation (set by VLANDecap).  Instead of
 * VLAN_TCI, VLAN_ID and VLAN_PCP give the two parts; VLAN_PCP is OR'ed into
 * a VLAN_TCI.  Exactly one of VLAN_TCI and VLAN_ID must be given.
 *
 * When the VLAN ID to send equals NATIVE_VLAN, the packet is left untagged.
 *
 * A frame shorter than 12 bytes cannot be tagged and is dropped (reason
 * `too short').
 * =k VLAN_TCI
 * Integer 0 to 0xFFFF, or ANNO.
 * =k VLAN_PCP
 * Priority code point, 0 to 7.  Default 0.
 * =k VLAN_ID
 * VLAN ID, 0 to 0xFFF (0 and 0xFFF are reserved by 802.1Q).
 * =k NATIVE_VLAN
 * Integer -1 to 0xFFF: packets for this VLAN ID are sent untagged; -1 means
 * none.  Default 0.
 * =k ETHERTYPE
 * Tag protocol identifier.  Default 0x8100 (802.1Q); 0x88a8 makes 802.1ad
 * service tags (QinQ), 0x9100 old non-standard ones.
 * =h config read
 * Returns `VLAN_ID N, VLAN_PCP P' (or `ANNO'), followed by `, NATIVE_VLAN N'
 * when that is not 0.
 * =h vlan_tci read/write
 * Returns or sets VLAN_TCI (`ANNO' in annotation mode).
 * =h vlan_id read/write
 * Returns or sets the VLAN ID.
 * =h vlan_pcp read/write
 * Returns or sets the priority code point.
 * =h native_vlan read/write
 * Returns or sets NATIVE_VLAN.
 * =h ethertype read/write
 * Returns (in decimal) or sets ETHERTYPE.
 * =e
 *   FromDump(in.pcap, STOP true) -> VLANEncap(VLAN_ID 10, VLAN_PCP 3)
 *     -> VLANEncap(VLAN_ID 200, ETHERTYPE 0x88a8) -> ToDump(qinq.pcap);
 * =a
 * VLANDecap, EtherVLANEncap
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "element.h"
#include "etherhdr.h"
#include "vlanconf.h"

struct vlanencap {
	struct cabo_element e;
	struct vlan_conf vc;
	uint16_t tci;            /* vlan_conf_tci(&vc), cached */
	uint16_t ethertype;
};

enum { DROP_SHORT };
static const char *const vlanencap_drop_reasons[] = { "too short", NULL };

static int vlanencap_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct vlanencap *ve = (struct vlanencap *)e;
	struct vlan_args v;
	ve->ethertype = ETHERTYPE_8021Q;
	vlan_args_read(a, &v, CABO_ARG_POSITIONAL);
	ether_read_u16_arg(a, "ETHERTYPE", 0, &ve->ethertype, NULL);
	int r = vlan_args_finish(&v, &ve->vc, cabo_args_complete(a), a->errh);
	ve->tci = vlan_conf_tci(&ve->vc);
	return r;
}

static struct cabo_packet *vlanencap_simple_action(struct cabo_element *e,
						    struct cabo_packet *p)
{
	struct vlanencap *ve = (struct vlanencap *)e;
	uint16_t tci = ve->vc.anno ? vlan_tci_anno(p) : ve->tci;
	if ((tci & VLAN_ID_MASK) == ve->vc.native) {
		cabo_packet_set_mac_header(p, p->data);
		return p;
	}
	if (p->length < 2 * ETHER_ALEN) {
		cabo_element_drop(e, p, DROP_SHORT);
		return NULL;
	}
	p = cabo_packet_push(p, 4);
	if (!p)
		return NULL;
	memmove(p->data, p->data + 4, 2 * ETHER_ALEN);
	ether_put16(p->data + ETHER_TYPE, ve->ethertype);
	ether_put16(p->data + ETHER_TYPE + 2, tci);
	cabo_packet_set_mac_header(p, p->data);
	return p;
}

/* ---- Handlers */

enum { H_CONFIG = 100 };

static int read_handler(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct vlanencap *ve = (struct vlanencap *)e;
	if ((intptr_t)arg == H_CONFIG)
		vlan_conf_unparse(&ve->vc, out);
	else
		vlan_encap_read_handler(&ve->vc, ve->ethertype, (intptr_t)arg, out);
	return 0;
}

static int write_handler(struct cabo_element *e, const char *value, const void *arg,
			 struct cabo_errh *errh)
{
	struct vlanencap *ve = (struct vlanencap *)e;
	return vlan_encap_write_handler(&ve->vc, &ve->tci, &ve->ethertype, (intptr_t)arg,
					value, errh);
}

static const struct cabo_handler vlanencap_handlers[] = {
	{ "config", read_handler, NULL, (const void *)H_CONFIG, 0 },
	VLAN_CONF_HANDLERS(read_handler, write_handler),
	{ "ethertype", read_handler, write_handler, (const void *)VLAN_H_ETHERTYPE, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(vlanencap_class) = {
	.name = "VLANEncap", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct vlanencap), .configure = vlanencap_configure,
	.simple_action = vlanencap_simple_action, .handlers = vlanencap_handlers,
	.drop_reasons = vlanencap_drop_reasons,
};

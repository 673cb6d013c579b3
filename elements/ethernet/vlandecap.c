/*
 * =c
 * VLANDecap([ANNO, KEYWORDS ETHERTYPE])
 * =s
 * strips the 802.1Q VLAN tag from Ethernet packets
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Expects Ethernet frames (starting at the packet data) that may carry a
 * VLAN tag.  When the type field is ETHERTYPE (0x8100), the 4-byte tag is
 * removed (the addresses move forward over it), leaving a plain Ethernet
 * frame of the encapsulated type; other frames pass unchanged.  Either way
 * the MAC header annotation points to the start of the frame.  Only the
 * outer tag is removed: use two VLANDecaps for QinQ frames.
 *
 * If ANNO is true (the default), each packet's VLAN TCI annotation is set to
 * the removed TCI, or 0 when the frame was not tagged, so VLANEncap(ANNO)
 * can put it back.
 *
 * Frames shorter than 14 bytes are dropped (reason `too short'), and tagged
 * frames shorter than 18 bytes (reason `truncated VLAN header'); Click would
 * read past their data.
 * =k ANNO
 * Boolean.  Set the VLAN TCI annotation.  Default true.
 * =k ETHERTYPE
 * The tag protocol identifier to remove.  Default 0x8100; 0x88a8 for
 * 802.1ad service tags.
 * =e
 *   FromDump(qinq.pcap, STOP true) -> VLANDecap(ETHERTYPE 0x88a8) -> VLANDecap
 *     -> ToDump(untagged.pcap);
 * =a
 * VLANEncap, EtherVLANEncap
 */
#include <stdint.h>
#include <string.h>

#include "element.h"
#include "etherhdr.h"

struct vlandecap {
	struct cabo_element e;
	bool anno;
	uint16_t ethertype;
};

enum { DROP_SHORT, DROP_TRUNCATED };
static const char *const vlandecap_drop_reasons[] = {
	[DROP_SHORT] = "too short", [DROP_TRUNCATED] = "truncated VLAN header", NULL,
};

static int vlandecap_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct vlandecap *vd = (struct vlandecap *)e;
	vd->anno = true;
	vd->ethertype = ETHERTYPE_8021Q;
	cabo_args_read_bool(a, "ANNO", CABO_ARG_POSITIONAL, &vd->anno);
	ether_read_u16_arg(a, "ETHERTYPE", 0, &vd->ethertype, NULL);
	return cabo_args_complete(a);
}

static struct cabo_packet *vlandecap_simple_action(struct cabo_element *e,
						    struct cabo_packet *p)
{
	struct vlandecap *vd = (struct vlandecap *)e;
	uint16_t tci = 0;
	if (p->length < ETHER_HLEN) {
		cabo_element_drop(e, p, DROP_SHORT);
		return NULL;
	}
	if (ether_get16(p->data + ETHER_TYPE) == vd->ethertype) {
		if (p->length < ETHER_VLAN_HLEN) {
			cabo_element_drop(e, p, DROP_TRUNCATED);
			return NULL;
		}
		tci = ether_get16(p->data + ETHER_TYPE + 2);
		p = cabo_packet_writable(p);
		if (!p)
			return NULL;
		memmove(p->data + 4, p->data, 2 * ETHER_ALEN);
		cabo_packet_pull(p, 4);
	}
	cabo_packet_set_mac_header(p, p->data);
	if (vd->anno)
		set_vlan_tci_anno(p, tci);
	return p;
}

CABO_ELEMENT_CLASS(vlandecap_class) = {
	.name = "VLANDecap", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct vlandecap), .configure = vlandecap_configure,
	.simple_action = vlandecap_simple_action, .drop_reasons = vlandecap_drop_reasons,
};

/*
 * =c
 * FixIPSrc(IPADDR)
 * =s
 * sets IP source field if requested by annotation
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Expects IP packets.  If a packet's Fix IP Source annotation is set,
 * FixIPSrc clears it, changes the IP source address to IPADDR and recomputes
 * the header checksum (the packet is copied first if shared).  Other packets
 * pass unchanged.  Elements such as ICMPError set the annotation: standards
 * require their packets to carry the address of the outgoing interface.
 *
 * The Fix IP Source annotation is user annotation byte 3, as in Click.  A
 * marked packet without an IP header at its network header annotation (or
 * whose header length field is below 20 or beyond the packet) is dropped
 * (reason `no IP header').
 * =k IPADDR
 * IP address.  Mandatory.
 * =e
 *   ... -> FixIPSrc(18.26.4.24) -> ...
 * =a
 * ICMPError
 */
#include <stddef.h>
#include <stdint.h>

#include "element.h"
#include "iphdr.h"


static const char *const fixipsrc_drop_reasons[] = { "no IP header", NULL };

struct fixipsrc {
	struct cabo_element e;
	uint32_t addr;
};

static int fixipsrc_configure(struct cabo_element *e, struct cabo_args *a)
{
	cabo_args_read_ip4(a, "IPADDR", CABO_ARG_MP, &((struct fixipsrc *)e)->addr);
	return cabo_args_complete(a);
}

static struct cabo_packet *fixipsrc_simple_action(struct cabo_element *e, struct cabo_packet *p)
{
	if (!p->anno.user[CABO_ANNO_FIX_IP_SRC])
		return p;
	uint8_t *h = ip_header(p);
	unsigned hlen = h ? (h[0] & 15u) << 2 : 0;
	if (!h || hlen < IPH_MIN || hlen > bytes_from(p, h)) {
		cabo_element_drop(e, p, 0);
		return NULL;
	}
	size_t off = (size_t)(h - p->data);
	p = cabo_packet_writable(p);
	if (!p)
		return NULL;
	h = p->data + off;
	p->anno.user[CABO_ANNO_FIX_IP_SRC] = 0;
	put_addr(h + IPH_SRC, ((struct fixipsrc *)e)->addr);
	ip_header_set_csum(h, hlen);
	return p;
}

CABO_SIMPLE_BATCH(fixipsrc, fixipsrc_simple_action)

CABO_ELEMENT_CLASS(fixipsrc_class) = {
	.name = "FixIPSrc", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct fixipsrc), .configure = fixipsrc_configure,
	.push = fixipsrc_push, .pull = fixipsrc_pull, .drop_reasons = fixipsrc_drop_reasons,
};

/*
 * =c
 * StoreEtherAddress(ADDR, OFFSET)
 * =s
 * stores an Ethernet address in packets
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * agnostic, but output 1 is push
 * =d
 * Writes the Ethernet address ADDR into each packet at byte OFFSET from the
 * start of its data.  OFFSET may also be `src' or `dst', which stand for 6
 * and 0, where an Ethernet header keeps its source and destination
 * addresses.
 *
 * A packet with fewer than OFFSET + 6 bytes is emitted on output 1 when it
 * is connected, and dropped otherwise (reason `offset out of range').
 * =k ADDR
 * Ethernet address to store.
 * =k OFFSET
 * Unsigned integer, `src' or `dst' (in either case).
 * =h addr read/write
 * Returns or sets ADDR.
 * =e
 *   ... -> StoreEtherAddress(00:16:3e:00:00:01, src) -> ToDump(out.pcap);
 * =a
 * EtherEncap, EtherRewrite
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "element.h"
#include "etherhdr.h"

struct storeetheraddress {
	struct cabo_element e;
	uint8_t addr[ETHER_ALEN];
	uint32_t offset;
};

enum { DROP_RANGE };
static const char *const storeetheraddress_drop_reasons[] = { "offset out of range", NULL };

static int storeetheraddress_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct storeetheraddress *s = (struct storeetheraddress *)e;
	char *off = NULL;
	cabo_args_read_ether(a, "ADDR", CABO_ARG_MP, s->addr);
	cabo_args_read_word(a, "OFFSET", CABO_ARG_MP, &off);
	int r = cabo_args_complete(a);
	if (r == 0) {
		uint64_t v;
		if (strcasecmp(off, "src") == 0)
			s->offset = ETHER_SRC;
		else if (strcasecmp(off, "dst") == 0)
			s->offset = ETHER_DST;
		else if (cabo_parse_uint(off, &v) && v <= UINT32_MAX - ETHER_ALEN)
			s->offset = (uint32_t)v;
		else
			r = cabo_errh_error(a->errh, "OFFSET: expected unsigned integer, 'src' or 'dst'");
	}
	free(off);
	return r;
}

static struct cabo_packet *storeetheraddress_simple_action(struct cabo_element *e,
							    struct cabo_packet *p)
{
	struct storeetheraddress *s = (struct storeetheraddress *)e;
	if (p->length < s->offset + ETHER_ALEN)
		return cabo_element_reject(e, p, DROP_RANGE);
	p = cabo_packet_writable(p);
	if (!p)
		return NULL;
	memcpy(p->data + s->offset, s->addr, ETHER_ALEN);
	return p;
}

static const struct cabo_handler storeetheraddress_handlers[] = {
	{ "addr", ether_read_addr_field, ether_write_addr_field,
	  CABO_FIELD(struct storeetheraddress, addr), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(storeetheraddress_class) = {
	.name = "StoreEtherAddress", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct storeetheraddress), .configure = storeetheraddress_configure,
	.simple_action = storeetheraddress_simple_action,
	.handlers = storeetheraddress_handlers,
	.drop_reasons = storeetheraddress_drop_reasons,
};

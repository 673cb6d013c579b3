/*
 * =c
 * StoreIPAddress(OFFSET)
 * StoreIPAddress(ADDR, OFFSET)
 * =s
 * stores IP address in packet
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * agnostic input and output 0, push output 1
 * =d
 * The one-argument form writes the packet's destination IP address
 * annotation into the packet at byte OFFSET; a packet whose annotation is
 * zero is not changed but treated as out of range (see below), as in Click.
 * The two-argument form writes ADDR, which may be 0.0.0.0.
 *
 * OFFSET may also be `src' or `dst': the address is written into that field
 * of the IP header at the packet's network header annotation, and the IP
 * header checksum, and the TCP or UDP checksum of a first fragment (a UDP
 * checksum only when it is not zero), are updated incrementally
 * (RFC 1624).  With a numeric OFFSET no checksum is changed: follow with
 * SetIPChecksum if the address lands in an IP header.
 *
 * Packets are made writable (copied if shared) before the store.  A packet
 * that cannot take the address (OFFSET + 4 beyond its length, no IP header
 * for `src'/`dst', or a zero annotation with the one-argument numeric form)
 * goes out on output 1 if it is connected, and is dropped otherwise, counted
 * under one of the reasons `offset out of range', `no IP header' and `no
 * destination annotation'.
 * =k ADDR
 * IP address to store.
 * =k OFFSET
 * Unsigned integer, `src' or `dst'.
 * =e
 *   ... -> GetIPAddress(16) -> LookupIPRoute(...) -> StoreIPAddress(dst) -> ...
 * =a
 * SetIPAddress, GetIPAddress, SetIPChecksum
 */
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>

#include "element.h"
#include "iphdr.h"

enum { OUT_OF_RANGE, NO_HEADER, NO_ANNO };

static const char *const storeipaddress_drop_reasons[] = {
	"offset out of range", "no IP header", "no destination annotation", NULL,
};

enum { TO_SRC = -IPH_SRC, TO_DST = -IPH_DST };

struct storeipaddress {
	struct cabo_element e;
	int64_t offset;             /* >= 0, or TO_SRC / TO_DST */
	uint32_t addr;
	bool use_address;
};

static int storeipaddress_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct storeipaddress *s = (struct storeipaddress *)e;
	char *offset = NULL;
	s->use_address = a->argc > 1;
	if (s->use_address)
		cabo_args_read_ip4(a, "ADDR", CABO_ARG_MP, &s->addr);
	cabo_args_read_word(a, "OFFSET", CABO_ARG_MP, &offset);
	int r = cabo_args_complete(a);
	if (r == 0) {
		uint64_t v;
		if (strcasecmp(offset, "src") == 0)
			s->offset = TO_SRC;
		else if (strcasecmp(offset, "dst") == 0)
			s->offset = TO_DST;
		else if (cabo_parse_uint(offset, &v) && v <= UINT32_MAX)
			s->offset = (int64_t)v;
		else
			r = cabo_errh_error(a->errh, "type mismatch: OFFSET requires integer");
	}
	free(offset);
	return r;
}

/* The IP header of p if it has one with room for its fixed fields. */
static uint8_t *store_header(struct cabo_packet *p)
{
	uint8_t *h = ip_header(p);
	if (h && ip_transport_offset(p, h) - (h - p->buffer) < IPH_MIN)
		return NULL;
	return h;
}

static void store_in_header(struct cabo_packet *p, uint8_t *h, int field, uint32_t addr)
{
	uint32_t old = get_addr(h + field);
	put_addr(h + field, addr);
	csum_update_addr(h + IPH_SUM, old, addr);
	if (get16(h + IPH_OFF) & IP_OFFMASK)
		return;
	int64_t t = ip_transport_offset(p, h) - (int64_t)cabo_packet_headroom(p);
	if (t < 0 || t > p->length)
		return;
	uint8_t *th = p->data + t;
	uint32_t tlen = p->length - (uint32_t)t;
	if (h[IPH_PROTO] == IP_PROTO_TCP && tlen >= 20)
		csum_update_addr(th + TCP_SUM, old, addr);
	else if (h[IPH_PROTO] == IP_PROTO_UDP && tlen >= 8 && get16(th + UDP_SUM))
		csum_update_addr(th + UDP_SUM, old, addr);
}

/* Returns the packet for output 0, or NULL with *reason set (>= 0) when it
 * cannot take the address, or -1 when it was lost making it writable. */
static struct cabo_packet *store(struct storeipaddress *s, struct cabo_packet *p, int *reason)
{
	uint32_t addr = s->use_address ? s->addr : p->anno.dst.ip4;
	*reason = -1;
	if (s->offset >= 0) {
		if (!addr && !s->use_address)
			*reason = NO_ANNO;
		else if ((uint64_t)s->offset + 4 > p->length)
			*reason = OUT_OF_RANGE;
		if (*reason >= 0)
			return NULL;
		p = cabo_packet_writable(p);
		if (p)
			put_addr(p->data + s->offset, addr);
		return p;
	}
	uint8_t *h = store_header(p);
	if (!h) {
		*reason = NO_HEADER;
		return NULL;
	}
	size_t off = (size_t)(h - p->data);
	p = cabo_packet_writable(p);
	if (p)
		store_in_header(p, p->data + off, (int)-s->offset, addr);
	return p;
}

static void store_batch(struct storeipaddress *s, struct cabo_batch *b, struct cabo_batch *bad)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < b->count; i++) {
		struct cabo_packet *in = b->p[i];
		int reason;
		struct cabo_packet *p = store(s, in, &reason);
		if (p)
			b->p[kept++] = p;
		else if (reason >= 0 && s->e.noutputs > 1)
			cabo_batch_add(bad, in);
		else if (reason >= 0)
			cabo_element_drop(&s->e, in, (unsigned)reason);
	}
	b->count = kept;
}

CABO_SPLIT_BATCH(storeipaddress, struct storeipaddress, store_batch)

CABO_ELEMENT_CLASS(storeipaddress_class) = {
	.name = "StoreIPAddress", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct storeipaddress), .configure = storeipaddress_configure,
	.push = storeipaddress_push, .pull = storeipaddress_pull,
	.drop_reasons = storeipaddress_drop_reasons,
};

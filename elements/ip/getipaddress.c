/*
 * =c
 * GetIPAddress(OFFSET [, ANNO, KEYWORDS IP])
 * =s
 * sets destination IP address annotation from packet data
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Copies the 4 bytes at OFFSET in the packet into the destination IP address
 * annotation.  OFFSET is usually 16, the destination address of an IP
 * packet that starts the data.
 *
 * Instead of OFFSET, the IP keyword may name a field of the IP header at the
 * packet's network header annotation: `src' or `dst'.
 *
 * A packet too short for the 4 bytes at OFFSET, or, with IP, without an IP
 * header at its network header annotation, is dropped (reasons `packet too
 * short' and `no IP header'); Click would read past the data.
 * =k OFFSET
 * Unsigned integer: where the address starts.
 * =k ANNO
 * The annotation to set: only DST_IP_ANNO (the default) or 0, its Click
 * offset, since Cabo keeps one IPv4 address annotation.
 * =k IP
 * `src' or `dst'.  Give either OFFSET or IP, not both.
 * =e
 *   ... -> CheckIPHeader -> GetIPAddress(IP src) -> ...
 * =a
 * SetIPAddress, StoreIPAddress, CheckIPHeader
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "iphdr.h"

enum { TOO_SHORT, NO_HEADER };

static const char *const getipaddress_drop_reasons[] = {
	"packet too short", "no IP header", NULL,
};

enum { FROM_OFFSET, FROM_SRC = IPH_SRC, FROM_DST = IPH_DST };

struct getipaddress {
	struct cabo_element e;
	uint32_t offset;
	int from;
};

static int getipaddress_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct getipaddress *g = (struct getipaddress *)e;
	uint64_t offset = 0;
	char *anno = NULL, *ip = NULL;
	bool have_offset = cabo_args_read_uint(a, "OFFSET", CABO_ARG_POSITIONAL, &offset);
	cabo_args_read_word(a, "ANNO", CABO_ARG_POSITIONAL, &anno);
	cabo_args_read_word(a, "IP", 0, &ip);
	int r = cabo_args_complete(a);
	if (r == 0 && have_offset == (ip != NULL))
		r = cabo_errh_error(a->errh, "set one of OFFSET, IP");
	else if (r == 0 && ip && strcmp(ip, "src") && strcmp(ip, "dst"))
		r = cabo_errh_error(a->errh, "bad IP");
	else if (r == 0 && offset > UINT32_MAX - 4)
		r = cabo_errh_error(a->errh, "OFFSET: out of range");
	else if (r == 0 && anno && strcmp(anno, "DST_IP_ANNO") && strcmp(anno, "0"))
		r = cabo_errh_error(a->errh, "ANNO: only DST_IP_ANNO is available");
	g->offset = (uint32_t)offset;
	g->from = !ip ? FROM_OFFSET : strcmp(ip, "src") == 0 ? FROM_SRC : FROM_DST;
	free(anno);
	free(ip);
	return r;
}

static struct cabo_packet *getipaddress_simple_action(struct cabo_element *e,
						       struct cabo_packet *p)
{
	struct getipaddress *g = (struct getipaddress *)e;
	if (g->from == FROM_OFFSET) {
		if (p->length < g->offset + 4) {
			cabo_element_drop(e, p, TOO_SHORT);
			return NULL;
		}
		p->anno.dst.ip4 = get_addr(p->data + g->offset);
		return p;
	}
	const uint8_t *h = ip_header(p);
	if (!h) {
		cabo_element_drop(e, p, NO_HEADER);
		return NULL;
	}
	p->anno.dst.ip4 = get_addr(h + g->from);
	return p;
}

CABO_SIMPLE_BATCH(getipaddress, getipaddress_simple_action)

CABO_ELEMENT_CLASS(getipaddress_class) = {
	.name = "GetIPAddress", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct getipaddress), .configure = getipaddress_configure,
	.push = getipaddress_push, .pull = getipaddress_pull,
	.drop_reasons = getipaddress_drop_reasons,
};

/*
 * =c
 * SetIPAddress(IPADDR [, ANNO])
 * =s
 * sets destination IP address annotations
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Sets the destination IP address annotation of each packet to IPADDR.
 * Packet data is not touched.
 * =k IPADDR
 * IP address.  Mandatory.
 * =k ANNO
 * The annotation to set.  Click accepts any four-byte annotation here; Cabo
 * keeps one IPv4 address annotation, the destination address, so the only
 * accepted values are DST_IP_ANNO (the default) and its Click offset 0.
 * =h addr read/write
 * Returns or sets IPADDR.
 * =e
 *   ... -> SetIPAddress(10.0.0.1) -> ARPQuerier(...) -> ...
 * =a
 * StoreIPAddress, GetIPAddress
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"

struct setipaddress {
	struct cabo_element e;
	uint32_t addr;          /* network byte order */
};

/* Cabo keeps one four-byte address annotation: the destination address. */
static bool anno_ok(const char *s)
{
	return strcmp(s, "DST_IP_ANNO") == 0 || strcmp(s, "0") == 0;
}

static int setipaddress_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct setipaddress *s = (struct setipaddress *)e;
	char *anno = NULL;
	cabo_args_read_ip4(a, "IPADDR", CABO_ARG_MP, &s->addr);
	cabo_args_read_word(a, "ANNO", CABO_ARG_POSITIONAL, &anno);
	int r = cabo_args_complete(a);
	if (r == 0 && anno && !anno_ok(anno))
		r = cabo_errh_error(a->errh, "ANNO: only DST_IP_ANNO is available");
	free(anno);
	return r;
}

static struct cabo_packet *setipaddress_simple_action(struct cabo_element *e,
						       struct cabo_packet *p)
{
	p->anno.dst.ip4 = ((struct setipaddress *)e)->addr;
	return p;
}

static int read_addr(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	char buf[16];
	cabo_format_ip4(((struct setipaddress *)e)->addr, buf);
	cabo_strbuf_puts(out, buf);
	return 0;
}

static int write_addr(struct cabo_element *e, const char *value, const void *arg,
		      struct cabo_errh *errh)
{
	uint32_t a;
	if (!cabo_parse_ip4(value, &a))
		return cabo_errh_error(errh, "expected IP address");
	((struct setipaddress *)e)->addr = a;
	return 0;
}

static const struct cabo_handler setipaddress_handlers[] = {
	{ "addr", read_addr, write_addr, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(setipaddress_class) = {
	.name = "SetIPAddress", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct setipaddress), .configure = setipaddress_configure,
	.simple_action = setipaddress_simple_action, .handlers = setipaddress_handlers,
};

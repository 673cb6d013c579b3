/*
 * =c
 * Unstrip(LENGTH)
 * =s
 * unstrips bytes from front of packets
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Puts LENGTH bytes back on the front of each packet by moving its data
 * pointer back into the headroom.  The bytes are whatever the headroom holds:
 * after Strip(LENGTH) they are exactly the bytes Strip removed.  No data is
 * copied when the headroom is large enough, even for shared packets (nothing
 * is written).  When it is not, the packet is copied into a buffer with
 * enough headroom: the bytes the old headroom held come along and the bytes
 * in front of them are zero.  If no buffer is left the packet is dropped
 * (reason "no buffer").
 * =k LENGTH
 * Unsigned.  Bytes to put back.  Mandatory.
 * =e
 *   ... -> Strip(14) -> CheckIPHeader -> Unstrip(14) -> ...
 * =a
 * Strip
 */
#include <stdint.h>
#include <string.h>

#include "element.h"

struct unstrip {
	struct cabo_element e;
	uint32_t length;
};

enum { DROP_NO_BUFFER };
static const char *const unstrip_drop_reasons[] = { "no buffer", NULL };

static int unstrip_configure(struct cabo_element *e, struct cabo_args *a)
{
	uint64_t n = 0;
	cabo_args_read_uint(a, "LENGTH", CABO_ARG_MP, &n);
	if (cabo_args_complete(a) < 0)
		return -1;
	if (n > 65535)
		return cabo_errh_error(a->errh, "LENGTH: at most 65535");
	((struct unstrip *)e)->length = (uint32_t)n;
	return 0;
}

static struct cabo_packet *unstrip_simple_action(struct cabo_element *e, struct cabo_packet *p)
{
	uint32_t n = ((struct unstrip *)e)->length;
	if (cabo_packet_headroom(p) >= n) {
		cabo_packet_unstrip(p, n);
		return p;
	}
	/* Slow path: the copy gets fresh headroom.  Keep the bytes the old
	 * headroom held (as Click does) and zero the rest, so no stale buffer
	 * contents leak into the packet. */
	uint8_t saved[CABO_PACKET_HEADROOM];
	uint32_t h = cabo_packet_headroom(p);
	if (h > sizeof saved)
		h = sizeof saved;
	memcpy(saved, p->data - h, h);
	p = cabo_packet_push(p, n);
	if (!p) {
		e->drops[DROP_NO_BUFFER]++;   /* the copy failed; p was freed */
		return NULL;
	}
	memset(p->data, 0, n - h);
	memcpy(p->data + n - h, saved, h);
	return p;
}

CABO_SIMPLE_BATCH(unstrip, unstrip_simple_action)

CABO_ELEMENT_CLASS(unstrip_class) = {
	.name = "Unstrip", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct unstrip), .configure = unstrip_configure,
	.push = unstrip_push, .pull = unstrip_pull, .drop_reasons = unstrip_drop_reasons,
};

/* Ring setup; the fast path is inline in ring.h. */
#include "ring.h"

#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "strbuf.h"

void cabo_ring_init(struct cabo_ring *r, uint32_t capacity)
{
	uint32_t size = 2;
	while (size < capacity && size < (1u << 30))
		size <<= 1;
	memset(r, 0, sizeof *r);
	r->mask = size - 1;
	r->slots = cabo_xcalloc(size, sizeof *r->slots);
}

/* Packets still queued are freed: they belong to whoever owns the ring. */
void cabo_ring_destroy(struct cabo_ring *r)
{
	struct cabo_packet *p;
	while (cabo_ring_dequeue(r, &p, 1))
		cabo_packet_free(p);
	free(r->slots);
	r->slots = NULL;
}

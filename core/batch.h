/* Batches: packets move between elements a vector at a time (VPP/FastClick
 * style) so per-call and per-element overheads are paid once per batch.
 *
 * A batch is a small array that lives on the caller's stack.  Pushing a batch
 * hands its packets to the callee, which may reorder, shrink or reuse the
 * array.  cabo_batch_add() with a full batch is a programming error; sources
 * never build batches larger than CABO_BATCH_MAX. */
#ifndef CABO_BATCH_H
#define CABO_BATCH_H

#include "packet.h"

enum { CABO_BATCH_MAX = 64 };

struct cabo_batch {
	unsigned count;
	struct cabo_packet *p[CABO_BATCH_MAX];
};

static inline void cabo_batch_init(struct cabo_batch *b)
{
	b->count = 0;
}

static inline void cabo_batch_add(struct cabo_batch *b, struct cabo_packet *p)
{
	b->p[b->count++] = p;
}

static inline bool cabo_batch_full(const struct cabo_batch *b)
{
	return b->count == CABO_BATCH_MAX;
}

static inline void cabo_batch_free(struct cabo_batch *b)
{
	cabo_packet_free_batch(b->p, b->count);
	b->count = 0;
}

static inline uint64_t cabo_batch_bytes(const struct cabo_batch *b)
{
	uint64_t bytes = 0;
	for (unsigned i = 0; i < b->count; i++)
		bytes += b->p[i]->length;
	return bytes;
}

#endif

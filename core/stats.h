/* Accounting: what each pipeline (the substrate, every virtual node) and
 * each element used and lost, for handlers and for `cabo --stats`. */
#ifndef CABO_STATS_H
#define CABO_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "strbuf.h"

struct cabo_router;
struct cabo_vnode;

struct cabo_pipeline_stats {
	uint64_t packets_in, bytes_in;     /* virtual nodes: received from the host */
	uint64_t packets_out, bytes_out;   /* virtual nodes: sent to the host */
	uint64_t drops;                    /* every counted drop, nested nodes included */
	uint64_t cycles;                   /* CPU cycles of its tasks, nested nodes included */
	uint32_t pool_in_use, pool_high_water, pool_capacity;
	uint64_t pool_failures;            /* allocations the quota refused */
};

/* A virtual node, seen from its host: its pipeline's figures plus the drops
 * at its interfaces in the host.  A node that failed to start has only
 * those. */
void cabo_vnode_stats(const struct cabo_vnode *v, struct cabo_pipeline_stats *s);
/* "REASON COUNT" lines, reasons added up over the node's elements. */
void cabo_vnode_drop_summary(const struct cabo_vnode *v, struct cabo_strbuf *out);

enum cabo_stats_format { CABO_STATS_TABLE, CABO_STATS_PROMETHEUS };
/* Everything about a router and its virtual nodes, after (or during) a run. */
void cabo_stats_print(FILE *out, struct cabo_router *top, enum cabo_stats_format format);

#endif

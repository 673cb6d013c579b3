/*
 * =c
 * DropBroadcasts
 * =s
 * drops link-level broadcast and multicast packets
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * agnostic input and output 0, push output 1
 * =d
 * Drops packets that arrived as link-level broadcasts or multicasts, as IP
 * routers must not forward them (RFC 1812 5.3.4): packets whose packet type
 * annotation says broadcast or multicast.  They go out on output 1 if it is
 * connected, and are dropped otherwise (reason `link-level broadcast');
 * either way they count in the drops handler.  The first one prints
 * `DropBroadcasts: dropped a packet' on standard error, as in Click.
 *
 * The packet type annotation uses Click's values (host 0, broadcast 1,
 * multicast 2, other host 3, ...); the device reader sets it.  Packets read
 * from trace files have type host and all pass.
 * =h drops read
 * Returns the number of broadcast and multicast packets seen.
 * =e
 *   FromDevice(eth0) -> Classifier(12/0800) -> Strip(14) -> DropBroadcasts -> ...
 * =a
 * FromDevice
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "element.h"


static const char *const dropbroadcasts_drop_reasons[] = { "link-level broadcast", NULL };

struct dropbroadcasts {
	struct cabo_element e;
	uint64_t drops;
};

static void filter(struct dropbroadcasts *d, struct cabo_batch *b, struct cabo_batch *bad)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < b->count; i++) {
		struct cabo_packet *p = b->p[i];
		uint8_t t = p->anno.packet_type;
		if (t != CABO_PACKET_BROADCAST && t != CABO_PACKET_MULTICAST) {
			b->p[kept++] = p;
			continue;
		}
		if (d->drops++ == 0) {
			fputs("DropBroadcasts: dropped a packet\n", stderr);
			fflush(stderr);
		}
		if (d->e.noutputs > 1)
			cabo_batch_add(bad, p);
		else
			cabo_element_drop(&d->e, p, 0);
	}
	b->count = kept;
}

CABO_SPLIT_BATCH(dropbroadcasts, struct dropbroadcasts, filter)

static const struct cabo_handler dropbroadcasts_handlers[] = {
	{ "drops", cabo_read_u64_field, NULL, CABO_FIELD(struct dropbroadcasts, drops), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(dropbroadcasts_class) = {
	.name = "DropBroadcasts", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct dropbroadcasts), .push = dropbroadcasts_push,
	.pull = dropbroadcasts_pull, .handlers = dropbroadcasts_handlers,
	.drop_reasons = dropbroadcasts_drop_reasons,
};

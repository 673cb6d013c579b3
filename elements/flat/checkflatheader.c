/*
 * =c
 * CheckFlatHeader([OFFSET, KEYWORDS OFFSET, VERBOSE])
 * =s
 * checks flat-address header
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * agnostic input and output 0, push output 1
 * =d
 * Input packets should have a flat header (cabo-flat(7); EtherType 0x88B6)
 * starting OFFSET bytes in (default 0).  CheckFlatHeader checks that the
 * packet holds a whole 48-byte header, that the version is 1, that the
 * payload length does not exceed the bytes after the header, and that the
 * hop limit is not 0 (the hop before should have dropped it).  Reserved
 * fields are not checked, so later versions may use them.
 *
 * A valid packet leaves on output 0 with its network header annotation at
 * the flat header, which is how FlatLookup and DecFlatHLIM find the
 * header and the destination id (a 160-bit id does not fit the destination
 * address annotation), and its transport header annotation at the payload.
 * It is shortened to the header and payload length when longer (Ethernet
 * padding, for example); packet data is never written.
 *
 * An invalid packet goes out on output 1 if it is connected; otherwise it is
 * dropped, counted under its reason (see the drop_reasons handler).  The
 * first invalid packet prints a message on standard error
 * (`NAME: flat header check failed: REASON'); with VERBOSE every one does.
 * =k OFFSET
 * Unsigned integer.  Byte position at which the flat header begins.
 * Default 0.
 * =k VERBOSE
 * Boolean.  If true, print a message for every invalid packet, not just the
 * first.  Default false.
 * =h drops read
 * Returns the number of invalid packets seen (emitted on output 1 or
 * dropped).
 * =h drop_details read
 * Returns one line per reason: the number of invalid packets with that
 * reason, a tab, and the reason (`tiny packet', `bad flat version',
 * `bad flat length', `zero hop limit').
 * =e
 *   FromDump(in.pcap, STOP true) -> Classifier(12/88B6) -> Strip(14)
 *     -> c :: CheckFlatHeader -> FlatLookup(FILE ids.txt) -> ...;
 *   c[1] -> ToDump(bad.pcap);
 * =a
 * FlatLookup, FlatEncap, FlatDecap, DecFlatHLIM, CheckIPHeader,
 * cabo-flat(7)
 */
#include <stdint.h>

#include "element.h"
#include "flathdr.h"
#include "../ip/checkhdr.h"

enum { TINY, BAD_VERSION, BAD_LENGTH, ZERO_HLIM, NREASONS };

static const char *const checkflat_drop_reasons[] = {
	"tiny packet", "bad flat version", "bad flat length", "zero hop limit", NULL,
};
_Static_assert(NREASONS <= CHECKHDR_MAX_REASONS, "too many reasons");

static void check_batch(struct checkhdr *h, struct cabo_batch *b, struct cabo_batch *bad);

static int checkflat_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct checkhdr *c = (struct checkhdr *)e;
	uint64_t offset = 0;
	cabo_args_read_uint(a, "OFFSET", CABO_ARG_POSITIONAL, &offset);
	cabo_args_read_bool(a, "VERBOSE", 0, &c->verbose);
	if (offset > UINT32_MAX)
		cabo_args_error(a, "OFFSET: out of range");
	c->offset = (uint32_t)offset;
	c->what = "flat";
	c->check_batch = check_batch;
	return cabo_args_complete(a);
}

/* ---- Packets */

/* -1 for a valid packet (annotated and trimmed), else the reason. */
static inline int check(const struct checkhdr *c, struct cabo_packet *p, uint32_t offset)
{
	int64_t room = (int64_t)p->length - offset;
	if (room < FLAT_HLEN)
		return TINY;
	const uint8_t *h = p->data + offset;
	if (h[FLAT_VER] >> 4 != FLAT_VERSION)
		return BAD_VERSION;
	uint32_t plen = flat_get16(h + FLAT_PLEN);
	if (plen > room - FLAT_HLEN)
		return BAD_LENGTH;
	if (h[FLAT_HLIM] == 0)
		return ZERO_HLIM;
	int32_t nh = (int32_t)(h - p->buffer);
	p->network_offset = nh;
	p->transport_offset = nh + FLAT_HLEN;
	p->length = offset + FLAT_HLEN + plen;
	return -1;
}

static void check_batch(struct checkhdr *h, struct cabo_batch *b, struct cabo_batch *bad)
{
	checkhdr_loop(h, b, bad, check);
}

CABO_ELEMENT_CLASS(checkflatheader_class) = {
	.name = "CheckFlatHeader", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct checkhdr), .configure = checkflat_configure,
	.push = checkhdr_push, .pull = checkhdr_pull,
	.handlers = checkhdr_handlers, .drop_reasons = checkflat_drop_reasons,
};

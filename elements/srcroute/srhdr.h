/* The Cabo source-route header (man page cabo-srcroute(7)), shared by
 * SRHeaderEncap, SRForward and SRHeaderDecap.
 *
 *   byte 0     version (high 4 bits, 1) and flags (low 4 bits, 0)
 *   byte 1     header length in 4-byte words: 2 + ceil(hop count / 4)
 *   byte 2     hop count N, 1..255
 *   byte 3     pointer P: index of the next hop to take, 0..N (N: arrived)
 *   byte 4     hop limit: decremented by every forwarding hop
 *   byte 5     reserved (0)
 *   bytes 6-7  next header: the payload's EtherType
 *   bytes 8-   N hops (output port numbers, one byte each), zero padding
 *
 * It travels as EtherType 0x88B5 (IEEE 802 local experimental 1).  Fields
 * are read and written byte by byte, so the header may be unaligned. */
#ifndef CABO_ELEMENTS_SRCROUTE_SRHDR_H
#define CABO_ELEMENTS_SRCROUTE_SRHDR_H

#include <stdbool.h>
#include <stdint.h>

#include "args.h"
#include "packet.h"

enum {
	SR_ETHERTYPE = 0x88B5,
	SR_VERSION = 1,
	SR_FIXED = 8,                 /* bytes before the hop list */
	SR_MAX_HOPS = 255,            /* the hop count is one byte */
	SR_VER = 0, SR_HLEN = 1, SR_NHOPS = 2, SR_PTR = 3, SR_HLIM = 4, SR_RSVD = 5,
	SR_NEXT = 6, SR_HOPS = 8,

	SR_ETHER_HLEN = 14, SR_ETHER_TYPE = 12,
	SR_ETHERTYPE_IP = 0x0800, SR_ETHERTYPE_IP6 = 0x86DD,
};

/* Header validity, in the order the checks run; the values index the drop
 * reason lists of the elements (which may add reasons of their own after
 * SR_NCHECKS). */
enum sr_check {
	SR_OK = -1,
	SR_TRUNCATED = 0,             /* fewer bytes than the fixed part or the header */
	SR_BAD_VERSION,
	SR_EMPTY_ROUTE,               /* hop count 0 */
	SR_BAD_LENGTH,                /* header length disagrees with the hop count */
	SR_BAD_POINTER,               /* pointer beyond the hop count */
	SR_NCHECKS,
};

#define SR_CHECK_REASONS \
	"truncated header", "bad version", "empty route", "bad header length", "bad pointer"

static inline uint16_t sr_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void sr_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Header bytes for n hops: the fixed part and the hops, padded to 4 bytes. */
static inline unsigned sr_header_len(unsigned nhops)
{
	return SR_FIXED + ((nhops + 3u) & ~3u);
}

/* Checks the header `offset` bytes into p's data. */
static inline int sr_check(const struct cabo_packet *p, uint32_t offset)
{
	int64_t avail = (int64_t)p->length - offset;
	if (avail < SR_FIXED)
		return SR_TRUNCATED;
	const uint8_t *h = p->data + offset;
	if ((h[SR_VER] >> 4) != SR_VERSION)
		return SR_BAD_VERSION;
	unsigned n = h[SR_NHOPS];
	if (n == 0)
		return SR_EMPTY_ROUTE;
	unsigned len = sr_header_len(n);
	if (h[SR_HLEN] * 4u != len)
		return SR_BAD_LENGTH;
	if (avail < len)
		return SR_TRUNCATED;
	if (h[SR_PTR] > n)
		return SR_BAD_POINTER;
	return SR_OK;
}

/* Parses a space-separated list of hops (output ports 0..255) into
 * hops[SR_MAX_HOPS]; returns the count, or -1 with the reason in errh. */
static inline int sr_parse_hops(const char *s, uint8_t *hops, struct cabo_errh *errh)
{
	char **w;
	unsigned n = cabo_split_words(s, &w);
	int r = (int)n;
	if (n == 0)
		r = cabo_errh_error(errh, "HOPS: empty route");
	else if (n > SR_MAX_HOPS)
		r = cabo_errh_error(errh, "HOPS: more than %d hops", SR_MAX_HOPS);
	for (unsigned i = 0; i < n && r >= 0; i++) {
		uint64_t v;
		if (!cabo_parse_uint(w[i], &v) || v > 255)
			r = cabo_errh_error(errh, "HOPS: expected port numbers 0-255, not '%s'", w[i]);
		else
			hops[i] = (uint8_t)v;
	}
	cabo_free_strings(w, n);
	return r;
}

#endif

/*
 * =c
 * CheckIP6Header([BADADDRS, OFFSET])
 * =s
 * checks IPv6 header
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * agnostic input and output 0, push output 1
 * =d
 * Input packets should have IPv6 headers starting OFFSET bytes in (default
 * 0).  CheckIP6Header checks that the packet is long enough to hold the
 * 40-byte IPv6 header, that the version is 6, and that the payload length
 * does not exceed the bytes after the header.  It also checks addresses
 * (RFC 4291): the source may not be a multicast address (ff00::/8, which
 * includes Click's default bad address ffff:...:ffff), the loopback address
 * ::1, or one of BADADDRS; the destination may not be the unspecified address
 * ::, the loopback address, or an interface-local (ff01::/16) or reserved
 * scope 0 (ff00::/16) multicast address.  The unspecified source address ::
 * is valid (Duplicate Address Detection uses it): list it in BADADDRS to
 * refuse it, as a router forwarding between links should.
 *
 * A valid packet leaves on output 0 with its network header annotation at
 * the IPv6 header, its transport header annotation just after the fixed
 * 40-byte header (as in Click: extension headers, if any, start there), its
 * destination address annotation set to the header's destination address,
 * and shortened to 40 + payload length bytes when it is longer (Ethernet
 * padding, for example).  Shortening changes the length only: packet data
 * is never written, so clones stay shared.  Jumbograms (payload length 0
 * with a Jumbo Payload option, RFC 2675) are not recognized: such a packet is
 * cut to its 40-byte header.
 *
 * An invalid packet goes out on output 1 if it is connected; otherwise it is
 * dropped, counted under its reason (see the drop_details handler).  The
 * first invalid packet prints a message on standard error (`NAME: IP6 header
 * check failed: REASON'; Click prints `IP6 header check failed').
 * =k BADADDRS
 * Space-separated list of IPv6 addresses that are not valid source addresses
 * (besides the built-in ones above).  Default empty.
 * =k OFFSET
 * Unsigned integer.  Byte position at which the IPv6 header begins.  Default
 * 0.
 * =h drops read
 * Returns the number of invalid packets seen (emitted on output 1 or
 * dropped).
 * =h drop_details read
 * Returns one line per reason: the number of invalid packets with that
 * reason, a tab, and the reason (`tiny packet', `bad IP6 version', `bad IP6
 * length', `bad source address', `bad destination address').
 * =e
 *   FromDump(in.pcap, STOP true) -> Classifier(12/86dd) -> Strip(14)
 *     -> c :: CheckIP6Header -> ...;
 *   c[1] -> ToDump(bad.pcap, ENCAP IP);
 * =a
 * MarkIP6Header, DecIP6HLIM, CheckIPHeader
 */
#include <stdint.h>
#include <stdlib.h>

#include "element.h"
#include "ip6hdr.h"
#include "../ip/checkhdr.h"

enum { TINY, BAD_VERSION, BAD_LENGTH, BAD_SRC, BAD_DST, NREASONS };

static const char *const checkip6_drop_reasons[] = {
	"tiny packet", "bad IP6 version", "bad IP6 length", "bad source address",
	"bad destination address", NULL,
};
_Static_assert(NREASONS <= CHECKHDR_MAX_REASONS, "too many reasons");

struct checkip6 {
	struct checkhdr h;              /* OFFSET, counts */
	uint8_t (*bad_src)[IP6_ALEN];   /* BADADDRS */
	unsigned nbad;
};

static void check_batch(struct checkhdr *h, struct cabo_batch *b, struct cabo_batch *bad);

/* ---- Configuration */

static bool parse_badaddrs(struct checkip6 *c, const char *s)
{
	char *u = NULL, **w;
	if ((s[0] == '"' || s[0] == '\'') && !(s = u = cabo_unquote(s)))
		return false;
	unsigned n = cabo_split_words(s, &w);
	bool ok = true;
	c->bad_src = n ? cabo_xcalloc(n, IP6_ALEN) : NULL;
	for (unsigned i = 0; i < n && ok; i++)
		ok = cabo_parse_ip6(w[i], c->bad_src[c->nbad++]);
	cabo_free_strings(w, n);
	free(u);
	return ok;
}

static int checkip6_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct checkip6 *c = (struct checkip6 *)e;
	char *bad = NULL;
	uint64_t offset = 0;
	cabo_args_read_raw(a, "BADADDRS", CABO_ARG_POSITIONAL, &bad);
	cabo_args_read_uint(a, "OFFSET", CABO_ARG_POSITIONAL, &offset);
	int r = cabo_args_complete(a);
	if (r == 0 && bad && !parse_badaddrs(c, bad))
		r = cabo_errh_error(a->errh, "BADADDRS: expected list of IPv6 addresses");
	if (r == 0 && offset > UINT32_MAX)
		r = cabo_errh_error(a->errh, "OFFSET: out of range");
	free(bad);
	c->h.offset = (uint32_t)offset;
	c->h.what = "IP6";
	c->h.check_batch = check_batch;
	return r;
}

static void checkip6_cleanup(struct cabo_element *e)
{
	struct checkip6 *c = (struct checkip6 *)e;
	free(c->bad_src);
	c->bad_src = NULL;
}

/* ---- Packets */

static bool bad_source(const struct checkip6 *c, const uint8_t *a)
{
	if (ip6_is_multicast(a) || ip6_is_loopback(a))
		return true;
	for (unsigned i = 0; i < c->nbad; i++)
		if (memcmp(a, c->bad_src[i], IP6_ALEN) == 0)
			return true;
	return false;
}

static bool bad_destination(const uint8_t *a)
{
	/* multicast scope (low 4 bits of byte 1): 0 reserved, 1 interface-local */
	if (ip6_is_multicast(a))
		return (a[1] & 15) <= 1;
	return ip6_is_unspecified(a) || ip6_is_loopback(a);
}

/* Returns -1 for a valid packet (annotated and trimmed), else the reason. */
static int check(const struct checkhdr *h, struct cabo_packet *p, uint32_t offset)
{
	const struct checkip6 *c = (const struct checkip6 *)h;
	int64_t avail = (int64_t)p->length - offset;
	if (avail < IP6H_LEN)
		return TINY;
	const uint8_t *ip = p->data + offset;
	if ((ip[0] >> 4) != 6)
		return BAD_VERSION;
	uint32_t len = IP6H_LEN + (uint32_t)get16(ip + IP6H_PLEN);
	if (len > avail)
		return BAD_LENGTH;
	if (bad_source(c, ip + IP6H_SRC))
		return BAD_SRC;
	if (bad_destination(ip + IP6H_DST))
		return BAD_DST;

	int32_t nh = (int32_t)(ip - p->buffer);
	p->network_offset = nh;
	p->transport_offset = nh + IP6H_LEN;
	p->length -= (uint32_t)(avail - len);
	memcpy(p->anno.dst.ip6, ip + IP6H_DST, IP6_ALEN);
	return -1;
}

static void check_batch(struct checkhdr *h, struct cabo_batch *b, struct cabo_batch *bad)
{
	checkhdr_loop(h, b, bad, check);
}

CABO_ELEMENT_CLASS(checkip6header_class) = {
	.name = "CheckIP6Header", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct checkip6), .configure = checkip6_configure,
	.cleanup = checkip6_cleanup, .push = checkhdr_push, .pull = checkhdr_pull,
	.handlers = checkhdr_handlers, .drop_reasons = checkip6_drop_reasons,
};

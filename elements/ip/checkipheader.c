/*
 * =c
 * CheckIPHeader([OFFSET, KEYWORDS OFFSET, INTERFACES, BADSRC, GOODDST, CHECKSUM, VERBOSE, DETAILS])
 * =s
 * checks IP header
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * agnostic input and output 0, push output 1
 * =d
 * Input packets should have IPv4 headers starting OFFSET bytes in (default
 * 0).  CheckIPHeader checks that the packet is long enough to hold an IP
 * header, and that the header's version, header length, total length and
 * checksum are valid: the total length may not exceed the bytes after
 * OFFSET, nor be smaller than the header length.  If any of INTERFACES,
 * BADSRC and GOODDST is given it also checks the source address (RFC 1812
 * 5.3.7): a packet from a bad source address is invalid unless it is
 * destined to one of the good destination addresses.
 *
 * A valid packet leaves on output 0 with its network header annotation at
 * the IP header and its transport header annotation just after the header
 * (options included), with its destination address annotation set to the
 * header's destination address, and shortened to the IP total length when
 * it is longer (Ethernet padding, for example).  Shortening changes the
 * length only: packet data is never written, so clones stay shared.
 *
 * An invalid packet goes out on output 1 if it is connected; otherwise it is
 * dropped, counted under its reason (see the drop_reasons handler).  The
 * first invalid packet prints a message on standard error, as in Click
 * (`NAME: IP header check failed: REASON'); with VERBOSE every one does.
 *
 * The checks run over a whole batch in one loop, with an inline checksum that
 * sums the header as 32-bit words.
 *
 * CheckIPHeader2 is CheckIPHeader with CHECKSUM false by default: it does
 * not check checksums.
 * =k OFFSET
 * Unsigned integer.  Byte position at which the IP header begins.  Default 0.
 * =k CHECKSUM
 * Boolean.  If true, check each packet's header checksum.  Default true
 * (false for CheckIPHeader2).
 * =k BADSRC
 * Space-separated list of IP addresses: packets with one of these source
 * addresses are invalid (but see GOODDST).  Default empty.
 * =k GOODDST
 * Space-separated list of IP addresses: packets destined to one of these are
 * exempt from the BADSRC check.  Default empty.
 * =k INTERFACES
 * Space-separated list of this router's interface addresses with their
 * prefixes (`18.26.4.9/24'; a bare address means /32).  Adds each
 * interface's broadcast address, plus 0.0.0.0 and 255.255.255.255, to the
 * bad source addresses, and each interface address to the good destination
 * addresses.  Lists given by INTERFACES, BADSRC and GOODDST add up.
 * =k VERBOSE
 * Boolean.  If true, print a message for every invalid packet, not just the
 * first.  Default false.
 * =k DETAILS
 * Boolean, accepted for Click compatibility: Cabo always keeps the counts by
 * reason that Click keeps only with DETAILS true, so drop_details is always
 * available.
 * =h drops read
 * Returns the number of invalid packets seen (emitted on output 1 or
 * dropped).
 * =h drop_details read
 * Returns one line per reason, in Click's format: the number of invalid
 * packets with that reason, a tab, and the reason (`tiny packet', `bad IP
 * version', `bad IP header length', `bad IP length', `bad IP checksum',
 * `bad source address').
 * =e
 *   FromDump(in.pcap, STOP true) -> Strip(14)
 *     -> c :: CheckIPHeader(INTERFACES 18.26.4.9/24)
 *     -> ToDump(out.pcap, ENCAP IP);
 *   c[1] -> ToDump(bad.pcap, ENCAP IP);
 * =a
 * CheckIPHeader2, MarkIPHeader, SetIPChecksum, StripIPHeader, Strip
 *
 * =c
 * CheckIPHeader2([OFFSET, KEYWORDS OFFSET, INTERFACES, BADSRC, GOODDST, CHECKSUM, VERBOSE, DETAILS])
 * =s
 * checks IP header, no checksum
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * agnostic input and output 0, push output 1
 * =d
 * Exactly CheckIPHeader, except that CHECKSUM defaults to false: header
 * checksums are not checked.
 * =k OFFSET
 * As for CheckIPHeader.
 * =k CHECKSUM
 * Boolean.  Default false.
 * =h drops read
 * As for CheckIPHeader.
 * =h drop_details read
 * As for CheckIPHeader.
 * =e
 *   ... -> Strip(14) -> CheckIPHeader2 -> ...
 * =a
 * CheckIPHeader
 */
#include <stdint.h>
#include <stdlib.h>

#include "element.h"
#include "iphdr.h"
#include "checkhdr.h"

/* Click's reasons, in Click's order (drop_details prints them so). */
enum { TINY, BAD_VERSION, BAD_HLEN, BAD_IP_LEN, BAD_CHECKSUM, BAD_SADDR, NREASONS };

static const char *const checkip_drop_reasons[] = {
	"tiny packet", "bad IP version", "bad IP header length", "bad IP length",
	"bad IP checksum", "bad source address", NULL,
};
_Static_assert(NREASONS <= CHECKHDR_MAX_REASONS, "too many reasons");

struct addr_list {
	uint32_t *a;          /* network byte order */
	unsigned n, cap;
};

struct checkip {
	struct checkhdr h;    /* OFFSET, VERBOSE, counts */
	bool checksum;
	bool check_src;       /* bad_src not empty */
	struct addr_list bad_src;
	struct addr_list good_dst;
};

static void check_batch(struct checkhdr *h, struct cabo_batch *b, struct cabo_batch *bad);

/* ---- Configuration */

static void list_add(struct addr_list *l, uint32_t a)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->a[i] == a)
			return;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->a = cabo_xrealloc(l->a, l->cap * sizeof *l->a);
	}
	l->a[l->n++] = a;
}

static bool list_has(const struct addr_list *l, uint32_t a)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->a[i] == a)
			return true;
	return false;
}

/* BADSRC/GOODDST: space-separated addresses. */
static bool parse_addrs(const char *s, struct addr_list *l)
{
	char **w;
	unsigned n = cabo_split_words(s, &w);
	bool ok = true;
	for (unsigned i = 0; i < n && ok; i++) {
		uint32_t a;
		ok = cabo_parse_ip4(w[i], &a);
		if (ok)
			list_add(l, a);
	}
	cabo_free_strings(w, n);
	return ok;
}

/* INTERFACES: "ADDR/PREFIX ..." gives bad sources (each broadcast address,
 * 0.0.0.0 and 255.255.255.255) and good destinations (each address). */
static bool parse_interfaces(const char *s, struct addr_list *bad, struct addr_list *good)
{
	char **w;
	unsigned n = cabo_split_words(s, &w);
	bool ok = true;
	for (unsigned i = 0; i < n && ok; i++) {
		uint32_t a, m = 0xffffffffu;
		ok = cabo_parse_ip4(w[i], &a) || cabo_parse_ip4_prefix(w[i], &a, &m);
		if (ok) {
			list_add(bad, (a & m) | ~m);
			list_add(good, a);
		}
	}
	cabo_free_strings(w, n);
	if (ok) {
		list_add(bad, 0);
		list_add(bad, 0xffffffffu);
	}
	return ok;
}

static int configure(struct cabo_element *e, struct cabo_args *a, bool checksum)
{
	struct checkip *c = (struct checkip *)e;
	uint64_t offset = 0;
	bool verbose = false, details = false;
	char *interfaces = NULL, *badsrc = NULL, *gooddst = NULL;
	cabo_args_read_uint(a, "OFFSET", CABO_ARG_POSITIONAL, &offset);
	cabo_args_read_raw(a, "INTERFACES", 0, &interfaces);
	cabo_args_read_raw(a, "BADSRC", 0, &badsrc);
	cabo_args_read_raw(a, "GOODDST", 0, &gooddst);
	cabo_args_read_bool(a, "CHECKSUM", 0, &checksum);
	cabo_args_read_bool(a, "VERBOSE", 0, &verbose);
	cabo_args_read_bool(a, "DETAILS", 0, &details);
	int r = cabo_args_complete(a);
	if (r == 0 && offset > UINT32_MAX)
		r = cabo_errh_error(a->errh, "OFFSET: out of range");
	if (r == 0 && interfaces && !parse_interfaces(interfaces, &c->bad_src, &c->good_dst))
		r = cabo_errh_error(a->errh, "INTERFACES: expected list of IP prefixes");
	if (r == 0 && badsrc && !parse_addrs(badsrc, &c->bad_src))
		r = cabo_errh_error(a->errh, "BADSRC: expected list of IP addresses");
	if (r == 0 && gooddst && !parse_addrs(gooddst, &c->good_dst))
		r = cabo_errh_error(a->errh, "GOODDST: expected list of IP addresses");
	free(interfaces);
	free(badsrc);
	free(gooddst);
	c->h.offset = (uint32_t)offset;
	c->h.what = "IP";
	c->h.verbose = verbose;
	c->h.check_batch = check_batch;
	c->checksum = checksum;
	c->check_src = c->bad_src.n > 0;
	return r;
}

static int checkip_configure(struct cabo_element *e, struct cabo_args *a)
{
	return configure(e, a, true);
}

static int checkip2_configure(struct cabo_element *e, struct cabo_args *a)
{
	return configure(e, a, false);
}

static void checkip_cleanup(struct cabo_element *e)
{
	struct checkip *c = (struct checkip *)e;
	free(c->bad_src.a);
	free(c->good_dst.a);
}

/* ---- Packets */

/* Returns -1 for a valid packet (annotated and trimmed), else the reason.
 * The configuration comes in arguments the caller loads once per batch:
 * the stores into packets below would otherwise force reloads. */
static inline __attribute__((always_inline)) int
check(const struct checkip *c, struct cabo_packet *p, uint32_t offset, bool checksum,
      bool check_src)
{
	/* A negative plen (OFFSET beyond the data) is tiny too. */
	int64_t plen = (int64_t)p->length - offset;
	if (plen < IPH_MIN)
		return TINY;
	const uint8_t *ip = p->data + offset;
	unsigned hlen = IPH_MIN, len = get16(ip + IPH_LEN);
	if (__builtin_expect(ip[0] == 0x45, 1)) {
		/* version 4 without options: one test instead of two */
		if (len > plen || len < IPH_MIN)
			return BAD_IP_LEN;
		if (checksum && !ip_header_csum_ok(ip, 5))
			return BAD_CHECKSUM;
	} else {
		if ((ip[0] >> 4) != 4)
			return BAD_VERSION;
		hlen = (ip[0] & 15u) << 2;
		if (hlen < IPH_MIN)
			return BAD_HLEN;
		if (len > plen || len < hlen)
			return BAD_IP_LEN;
		if (checksum && !ip_header_csum_ok(ip, hlen >> 2))
			return BAD_CHECKSUM;
	}
	uint32_t dst = get_addr(ip + IPH_DST);
	if (check_src && list_has(&c->bad_src, get_addr(ip + IPH_SRC))
	    && !list_has(&c->good_dst, dst))
		return BAD_SADDR;

	int32_t nh = (int32_t)(ip - p->buffer);
	p->network_offset = nh;
	p->transport_offset = nh + (int32_t)hlen;
	p->length -= (uint32_t)(plen - len);
	p->anno.dst.ip4 = dst;
	return -1;
}

/* One loop per configuration, so the common one (checksum, no source
 * check) runs without tests of either flag. */
static int check_csum(const struct checkhdr *h, struct cabo_packet *p, uint32_t offset)
{
	return check((const struct checkip *)h, p, offset, true, false);
}

static int check_nocsum(const struct checkhdr *h, struct cabo_packet *p, uint32_t offset)
{
	return check((const struct checkip *)h, p, offset, false, false);
}

static int check_any(const struct checkhdr *h, struct cabo_packet *p, uint32_t offset)
{
	const struct checkip *c = (const struct checkip *)h;
	return check(c, p, offset, c->checksum, true);
}

static void check_batch(struct checkhdr *h, struct cabo_batch *b, struct cabo_batch *bad)
{
	const struct checkip *c = (const struct checkip *)h;
	if (c->checksum && !c->check_src)
		checkhdr_loop(h, b, bad, check_csum);
	else if (!c->checksum && !c->check_src)
		checkhdr_loop(h, b, bad, check_nocsum);
	else
		checkhdr_loop(h, b, bad, check_any);
}

CABO_ELEMENT_CLASS(checkipheader_class) = {
	.name = "CheckIPHeader", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct checkip), .configure = checkip_configure,
	.cleanup = checkip_cleanup, .push = checkhdr_push, .pull = checkhdr_pull,
	.handlers = checkhdr_handlers, .drop_reasons = checkip_drop_reasons,
};

CABO_ELEMENT_CLASS(checkipheader2_class) = {
	.name = "CheckIPHeader2", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct checkip), .configure = checkip2_configure,
	.cleanup = checkip_cleanup, .push = checkhdr_push, .pull = checkhdr_pull,
	.handlers = checkhdr_handlers, .drop_reasons = checkip_drop_reasons,
};

/*
 * =c
 * IPFragmenter(MTU [, HONOR_DF, VERBOSE, KEYWORDS HEADROOM])
 * =s
 * fragments large IP packets
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * push
 * =d
 * Expects IP packets with their network header annotation set (by
 * CheckIPHeader, for example).  A packet whose length from its IP header to
 * its end is at most MTU goes out on output 0 unchanged.  A larger one is
 * split into fragments of at most MTU bytes each (RFC 791), emitted on output
 * 0 in order, first fragment first:
 *
 * The first fragment is the packet itself (sharing its buffer, anything
 * before the IP header included) cut after as many multiples of 8 data bytes
 * as fit, with all of its options.  Each later fragment is a new packet made
 * of a copy of the IP header, with only the options whose copy flag (the high
 * bit of the option type) is set, and the next piece of data.  Every fragment
 * has the original identification, its fragment offset (in units of 8 bytes,
 * counted from the original packet's own offset, so fragments of fragments
 * are right), More Fragments set on all but the last (and on the last too if
 * the original had it), its total length and a fresh header checksum.  The
 * annotations of the original are copied to every fragment.  The data of all
 * fragments put end to end is the original data.
 *
 * A packet with the Don't Fragment flag set (unless HONOR_DF is false) that
 * is larger than MTU, or whose header leaves room for fewer than 8 data bytes
 * in MTU, is not fragmented: it goes out on output 1 if that is connected
 * (usually to ICMPError(ADDR, unreachable, needfrag, PMTU MTU), for Path MTU
 * Discovery), and is dropped otherwise (reason `DF set').  Either way it is
 * counted in the drops handler, and the first 5 such packets (all of them
 * with VERBOSE) print a message on standard error, as in Click.
 *
 * With HONOR_DF false, a packet with DF set is fragmented; its fragments get
 * DF cleared and a new random identification, as in Click (the sender set
 * DF so did not expect its identification to be used for reassembly).
 *
 * Packets IPFragmenter cannot handle are dropped and counted by reason (see
 * drop_reasons): no IPv4 header at the network header annotation, a header
 * length below 20 or beyond the IP total length, or an IP total length
 * beyond the packet data (`bad IP header'); no packet buffer for a fragment
 * (`no buffer': the fragments not yet emitted are lost).  A packet longer
 * than its IP total length (link padding) is first cut to that length.
 * =k MTU
 * Unsigned integer from 8 to 65535.  The largest packet, in bytes from the IP
 * header on.  Mandatory.
 * =k HONOR_DF
 * Boolean.  If false, fragment packets even when their Don't Fragment flag is
 * set.  Default true.
 * =k VERBOSE
 * Boolean.  If true, print a message for every packet sent to output 1, not
 * just the first 5.  Default false.
 * =k HEADROOM
 * Unsigned integer, accepted for Click compatibility: fragments always get
 * the packet pool's standard headroom.
 * =h drops read
 * Returns the number of packets that were too large and could not be
 * fragmented (sent to output 1 or dropped).
 * =h fragments read
 * Returns the number of fragments emitted (first fragments included).
 * =e
 *   ... -> fr :: IPFragmenter(576) -> Queue(20) -> ...
 *   fr[1] -> ICMPError(18.26.4.24, unreachable, needfrag, PMTU 576) -> ...
 * =a
 * ICMPError, CheckIPHeader
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "element.h"
#include "iphdr.h"

enum { DF_SET, BAD_HEADER, NO_BUFFER };

static const char *const ipfragmenter_drop_reasons[] = {
	"DF set", "bad IP header", "no buffer", NULL,
};

enum { IPOPT_EOL = 0, IPOPT_NOP = 1, IPOPT_COPIED = 0x80, VERBOSE_LIMIT = 5 };

struct ipfragmenter {
	struct cabo_element e;
	uint32_t mtu;
	bool honor_df;
	bool verbose;
	uint64_t rng;             /* xorshift64 state for identifications */
	uint64_t drops;
	uint64_t fragments;
};

static int ipfragmenter_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct ipfragmenter *f = (struct ipfragmenter *)e;
	uint64_t mtu = 0, headroom = 0;
	f->honor_df = true;
	cabo_args_read_uint(a, "MTU", CABO_ARG_MP, &mtu);
	cabo_args_read_bool(a, "HONOR_DF", CABO_ARG_POSITIONAL, &f->honor_df);
	cabo_args_read_bool(a, "VERBOSE", CABO_ARG_POSITIONAL, &f->verbose);
	cabo_args_read_uint(a, "HEADROOM", 0, &headroom);
	if (cabo_args_complete(a) < 0)
		return -1;
	if (mtu < 8 || mtu > 65535)
		return cabo_errh_error(a->errh, "MTU: must be between 8 and 65535");
	f->mtu = (uint32_t)mtu;
	f->rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)f
		^ (uint64_t)cabo_element_now(e);
	if (!f->rng)
		f->rng = 1;
	return 0;
}

static uint16_t random16(struct ipfragmenter *f)
{
	f->rng ^= f->rng << 13;
	f->rng ^= f->rng >> 7;
	f->rng ^= f->rng << 17;
	return (uint16_t)(f->rng >> 32);
}

/* Copies the options of header h (hlen bytes) that fragments after the
 * first keep into out (if not NULL), padded with EOL to a multiple of 4.
 * Returns their length.  Stops at EOL or at a malformed option. */
static unsigned copy_options(const uint8_t *h, unsigned hlen, uint8_t *out)
{
	unsigned n = 0;
	for (unsigned oi = IPH_MIN; oi < hlen;) {
		unsigned type = h[oi];
		if (type == IPOPT_NOP) {
			oi++;
			continue;
		}
		if (type == IPOPT_EOL || oi + 1 >= hlen || h[oi + 1] < 2 || oi + h[oi + 1] > hlen)
			break;
		unsigned olen = h[oi + 1];
		if (type & IPOPT_COPIED) {
			if (out)
				memcpy(out + n, h + oi, olen);
			n += olen;
		}
		oi += olen;
	}
	for (; n & 3; n++)
		if (out)
			out[n] = IPOPT_EOL;
	return n;
}

/* Collects packets for output 0, pushing whenever the batch fills. */
static void emit(struct ipfragmenter *f, struct cabo_batch *out, struct cabo_packet *p)
{
	if (cabo_batch_full(out)) {
		cabo_output_push(&f->e, 0, out);
		out->count = 0;
	}
	cabo_batch_add(out, p);
}

static void too_big(struct ipfragmenter *f, struct cabo_packet *p, const uint8_t *h,
		    struct cabo_batch *df)
{
	if (f->verbose || f->drops < VERBOSE_LIMIT) {
		char s[16], d[16];
		cabo_format_ip4(get_addr(h + IPH_SRC), s);
		cabo_format_ip4(get_addr(h + IPH_DST), d);
		fprintf(stderr, "%s: IPFragmenter(%u) DF %s %s len=%u\n", f->e.name, f->mtu, s, d,
			p->length);
		fflush(stderr);
	}
	f->drops++;
	if (f->e.noutputs > 1)
		cabo_batch_add(df, p);
	else
		cabo_element_drop(&f->e, p, DF_SET);
}

/* Splits p (IP header at offset nh from p->data, hlen bytes, IP length
 * len > MTU) into fragments appended to out. */
static void fragment(struct ipfragmenter *f, struct cabo_packet *p, uint32_t nh, unsigned hlen,
		     unsigned len, struct cabo_batch *out)
{
	p = cabo_packet_writable(p);
	if (!p) {
		f->e.drops[NO_BUFFER]++;
		return;
	}
	uint8_t *ip = p->data + nh;
	uint16_t off = get16(ip + IPH_OFF);
	bool had_mf = off & IP_MF;
	if (off & IP_DF) {        /* only when DF is not honoured */
		put16(ip + IPH_ID, random16(f));
		off &= (uint16_t)~IP_DF;
	}
	unsigned dlen = len - hlen;
	unsigned first = (f->mtu - hlen) & ~7u;

	/* The first fragment: p's header, rewritten in place; a clone keeps
	 * the rest of the data readable while the others are made. */
	put16(ip + IPH_LEN, (uint16_t)(hlen + first));
	put16(ip + IPH_OFF, off | IP_MF);
	ip_header_set_csum(ip, hlen);
	struct cabo_packet *q = cabo_packet_clone(p);
	if (!q) {
		cabo_element_drop(&f->e, p, NO_BUFFER);
		return;
	}
	cabo_packet_take(q, q->length - (nh + hlen + first));
	emit(f, out, q);
	f->fragments++;

	/* The others: a header with the copied options and the next data. */
	uint8_t hdr[60];
	unsigned ohlen = IPH_MIN + copy_options(ip, hlen, hdr + IPH_MIN);
	memcpy(hdr, ip, IPH_MIN);
	hdr[0] = (uint8_t)(0x40 | ohlen >> 2);
	unsigned chunk = (f->mtu - ohlen) & ~7u;   /* >= 8: ohlen <= hlen */
	const uint8_t *data = ip + hlen;
	struct cabo_pool *pool = cabo_element_pool(&f->e);
	for (unsigned pos = first; pos < dlen; pos += chunk) {
		unsigned n = dlen - pos < chunk ? dlen - pos : chunk;
		q = cabo_packet_alloc_large(pool, ohlen + n);
		if (!q) {
			f->e.drops[NO_BUFFER]++;
			break;
		}
		uint8_t *qh = q->data;
		memcpy(qh, hdr, ohlen);
		memcpy(qh + ohlen, data + pos, n);
		uint16_t qoff = (uint16_t)((off & IP_OFFMASK) + (pos >> 3));
		if (pos + n < dlen || had_mf)
			qoff |= IP_MF;
		put16(qh + IPH_OFF, (uint16_t)(qoff | (off & IP_RF)));
		put16(qh + IPH_LEN, (uint16_t)(ohlen + n));
		ip_header_set_csum(qh, ohlen);
		q->anno = p->anno;
		cabo_packet_set_network_header(q, qh);
		cabo_packet_set_transport_header(q, qh + ohlen);
		emit(f, out, q);
		f->fragments++;
	}
	cabo_packet_free(p);
}

static bool fits(const struct ipfragmenter *f, const struct cabo_packet *p)
{
	const uint8_t *h = ip_header(p);
	return h && bytes_from(p, h) <= f->mtu;
}

static void ipfragmenter_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct ipfragmenter *f = (struct ipfragmenter *)e;
	/* Packets that fit go on as they are, in b, until one does not. */
	unsigned fit = 0;
	while (fit < b->count && fits(f, b->p[fit]))
		fit++;
	if (fit == b->count) {
		cabo_output_push(e, 0, b);
		return;
	}
	struct cabo_batch out, df;
	memcpy(out.p, b->p, fit * sizeof *b->p);
	out.count = fit;
	df.count = 0;
	for (unsigned i = fit; i < b->count; i++) {
		struct cabo_packet *p = b->p[i];
		if (fits(f, p)) {
			emit(f, &out, p);
			continue;
		}
		const uint8_t *h = ip_header(p);
		unsigned hlen = h ? (h[0] & 15u) << 2 : 0;
		unsigned len = h ? get16(h + IPH_LEN) : 0;
		if (!h || (h[0] >> 4) != 4 || hlen < IPH_MIN || len < hlen
		    || len > bytes_from(p, h)) {
			cabo_element_drop(e, p, BAD_HEADER);
			continue;
		}
		uint32_t nh = (uint32_t)(h - p->data);
		if (len <= f->mtu) {      /* only link padding was too much */
			cabo_packet_take(p, bytes_from(p, h) - len);
			emit(f, &out, p);
			continue;
		}
		if ((f->honor_df && (get16(h + IPH_OFF) & IP_DF)) || f->mtu < hlen + 8) {
			too_big(f, p, h, &df);
			continue;
		}
		cabo_packet_take(p, bytes_from(p, h) - len);
		fragment(f, p, nh, hlen, len, &out);
	}
	cabo_output_push(e, 0, &out);
	cabo_output_push(e, 1, &df);
}

static const struct cabo_handler ipfragmenter_handlers[] = {
	{ "drops", cabo_read_u64_field, NULL, CABO_FIELD(struct ipfragmenter, drops), 0 },
	{ "fragments", cabo_read_u64_field, NULL, CABO_FIELD(struct ipfragmenter, fragments), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(ipfragmenter_class) = {
	.name = "IPFragmenter", .port_count = "1/1-2", .processing = "h/h",
	.size = sizeof(struct ipfragmenter), .configure = ipfragmenter_configure,
	.push = ipfragmenter_push,
	.handlers = ipfragmenter_handlers, .drop_reasons = ipfragmenter_drop_reasons,
};

/* IP filter expressions: the tcpdump-like patterns of IPClassifier and
 * IPFilter (Click's syntax and meaning), parsed into a small expression tree
 * and compiled into classification trees (classtree.h).
 *
 * Layers:
 *   ipexpr.c          words and the parser -> struct ipx_set
 *   ipexpr_prim.c     names and Click's checks of each primitive, with
 *                     Click's error messages (ipexpr_impl.h between the two)
 *   ipexpr_compile.c  primitives -> word tests -> ct programs, one per IP
 *                     header length; the lowered IHL 5 program.
 *   here              the matcher.
 *
 * Header offsets.  Tests of IP header fields are relative to the network
 * header; tests of transport fields (ports, TCP flags and window, ICMP type,
 * transp[...]) are relative to the transport header, which starts 4 * IHL
 * bytes after the network header (where CheckIPHeader and MarkIPHeader put
 * the transport header annotation).  Click resolves the two bases per test at
 * run time; here the patterns are compiled once per header length (16
 * programs, or one when no pattern looks past the IP header), and the matcher
 * picks the program by the packet's IHL nibble, so every test is a plain word
 * test at a fixed offset.  IHL 5 gets the optimized program, lowered further
 * for speed (struct ipx_fast); the other lengths, rare, get the compiler's
 * unoptimized chains, which compile in linear time.
 *
 * Short packets.  A primitive never matches a packet too short to hold every
 * byte of the header fields it examines (so `not PRIMITIVE' does match it),
 * including the protocol and fragment fields it checks implicitly.  Inside
 * the fast program (packets at least "safe length" long) these presence
 * tests vanish; the length-checked program for shorter packets makes them. */
#ifndef CABO_IPEXPR_H
#define CABO_IPEXPR_H

#include <stdbool.h>
#include <stdint.h>

#include "classtree.h"
#include "errh.h"
#include "packet.h"

/* ---- Primitive types, Click's encoding (ipfilter.hh) */
enum {
	IPX_UNKNOWN = -1000,        /* no transport protocol */
	IPX_PROTO_TCP_OR_UDP = 256, /* "tcpudp" */
	IPX_PROTO_TRANSP = 257,     /* "transp": any protocol */
	IPX_PROTO_DCCP = 33,
};
enum {
	IPX_TYPE_NONE = 0, IPX_TYPE_TYPE = 1, IPX_TYPE_SYNTAX = 2, IPX_TYPE_INT = 3,
	IPX_TYPE_HOST = 10, IPX_TYPE_PROTO = 11, IPX_TYPE_IPFRAG = 12, IPX_TYPE_PORT = 13,
	IPX_TYPE_TCPOPT = 14, IPX_TYPE_ETHER = 15,
	IPX_TYPE_NET = 30, IPX_TYPE_IPUNFRAG = 31, IPX_TYPE_IPECT = 32, IPX_TYPE_IPCE = 33,
	/* A header field: protocol (0 = IP header) in bits 29-21, bit offset in
	 * bits 20-5, bit length - 1 in bits 4-0. */
	IPX_TYPE_FIELD = 0x40000000,
	IPX_FIELD_PROTO_SHIFT = 21, IPX_FIELD_OFFSET_SHIFT = 5,
};
#define IPX_FIELD(proto, bitoff, nbits)                                          \
	(IPX_TYPE_FIELD | (proto) << IPX_FIELD_PROTO_SHIFT |                     \
	 (bitoff) << IPX_FIELD_OFFSET_SHIFT | ((nbits) - 1))
static inline int ipx_field_proto(int32_t t) { return (t >> IPX_FIELD_PROTO_SHIFT) & 0x1FF; }
static inline unsigned ipx_field_bitoff(int32_t t) { return (t >> IPX_FIELD_OFFSET_SHIFT) & 0xFFFF; }
static inline unsigned ipx_field_nbits(int32_t t) { return (unsigned)(t & 0x1F) + 1; }

enum { IPX_SD_SRC = 1, IPX_SD_DST = 2, IPX_SD_AND = 3, IPX_SD_OR = 4 };
enum { IPX_OP_EQ = 0, IPX_OP_GT = 1, IPX_OP_LT = 2 };

/* A checked primitive.  Meaning (h = the transport header offset):
 *   transp_proto != IPX_UNKNOWN: the protocol byte is transp_proto (6 or 17
 *     for TCP_OR_UDP; no test for other values >= 256);
 *   PORT, TCPOPT and transport FIELDs: the fragment offset is 0;
 *   HOST: src and/or dst address (srcdst) & mask == value & mask, the
 *     combination negated if op_negated (addresses as big-endian numbers);
 *   PROTO (transp_proto < 256 or unknown): protocol byte compared;
 *   IPFRAG: (MF | fragment offset) != 0, or == 0 if op_negated;
 *   PORT: src and/or dst port compared, combination negated if op_negated;
 *   TCPOPT: (TCP flags & mask) == value;
 *   FIELD: the field compared.
 * "Compared" is (x & mask) == value (OP_EQ) or (x & mask) > value (OP_GT),
 * negated if op_negated (for HOST and PORT, the combination is). */
struct ipx_prim {
	int32_t type;
	int32_t data;
	int32_t srcdst;
	int32_t transp_proto;
	int32_t op;
	bool op_negated;
	uint32_t value, mask;
};

/* ---- Expression trees */
enum ipx_kind { IPX_FALSE, IPX_TRUE, IPX_PRIM, IPX_NOT, IPX_AND, IPX_OR, IPX_COND };

struct ipx_node {
	uint32_t kind;
	/* PRIM: a = primitive index; NOT: a; AND/OR: kids[a .. a + b);
	 * COND: a ? b : c */
	uint32_t a, b, c;
};

enum { IPX_DROP = -1 };            /* IPFilter's drop action */

struct ipx_set {
	struct ipx_node *node;
	unsigned nnode, capnode;
	uint32_t *kid;
	unsigned nkid, capkid;
	struct ipx_prim *prim;
	unsigned nprim, capprim;
	unsigned npattern;
	uint32_t *root;                /* per pattern */
	int32_t *action;               /* per pattern: output, or IPX_DROP */
	bool transport;                /* some primitive looks past the IP header */
};

/* Parses n patterns.  IPFilter syntax (filter true): each is "ACTION
 * PATTERN"; IPClassifier syntax: pattern i goes to output i.  Errors and
 * warnings go to errh, prefixed "pattern N: " as in Click.  Returns 0, or -1
 * if there were errors (the set is still valid to free). */
int ipx_parse(struct ipx_set *s, const char *const *patterns, unsigned n, unsigned noutputs,
	      bool filter, struct cabo_errh *errh);
void ipx_set_free(struct ipx_set *s);

/* Byte range [*start, *end) that field type `t` covers in its header (the
 * IP header, or the transport header when ipx_field_proto(t) != 0). */
void ipx_field_bytes(int32_t t, unsigned *start, unsigned *end);

/* ---- Compiled matchers */
enum { IPX_NO_MATCH = 2147483647, IPX_DROPPED = 2147483646 };

/* The fast program for IHL 5 lowered for speed: runs of tests of one word
 * under one mask, each failing into the next ("proto 1? proto 6? proto
 * 17?"), become one node that loads the word once and looks its value up. */
struct ipx_fnode {
	uint32_t mask;
	uint32_t value;             /* n == 1: the value; else index into vals/tgts */
	uint16_t offset;
	uint16_t n;                 /* values compared */
	int16_t yes;                /* n == 1: target on a match */
	int16_t no;                 /* target when no value matches */
};                              /* targets: > 0 node, <= 0 leaf[-target] */

struct ipx_fast {
	struct ipx_fnode *node;     /* NULL: not lowered, use the ct program */
	uint32_t *vals;
	int16_t *tgts;
	int32_t *leaf;
	uint32_t safe_length, word_length;
	uint8_t hl_mask, hl_value;  /* (byte 0 & hl_mask) == hl_value */
};

struct ipx_matcher {
	struct ipx_fast fast;                 /* lowered program for IHL 5 */
	const struct ct_program *by_hl[16];   /* program for each IHL value */
	struct ct_program *prog;              /* 1 or 16 programs */
	unsigned nprog;
	bool per_hl;                          /* nprog == 16 */
};

/* Compiles the set; outputs are the actions (IPX_DROPPED for drop,
 * IPX_NO_MATCH when no pattern matches).  Returns 0 or -1 (too complex,
 * reported to errh). */
int ipx_compile(struct ipx_matcher *m, const struct ipx_set *s, struct cabo_errh *errh);
void ipx_matcher_free(struct ipx_matcher *m);
/* Sets used[k] for every output k < n some packet can reach (s is the set
 * m was compiled from). */
void ipx_matcher_outputs(const struct ipx_matcher *m, const struct ipx_set *s, bool *used,
			 unsigned n);
/* Click's program dump of the IHL 5 program and a line about the others. */
void ipx_matcher_unparse(const struct ipx_matcher *m, struct cabo_strbuf *out);

static inline int ipx_run(const struct ipx_fast *f, const uint8_t *d)
{
	const struct ipx_fnode *node = f->node, *x = node;
	for (;;) {
		uint32_t w = ct_load32(d + x->offset) & x->mask;
		int t;
		if (__builtin_expect(x->n == 1, 1)) {
			/* a branch, not a select: predicted, it lets the next
			 * test start before this one's load completes */
			if (w == x->value)
				t = x->yes;
			else
				t = x->no;
		} else {
			const uint32_t *v = f->vals + x->value;
			t = x->no;
			for (unsigned i = 0; i < x->n; i++)
				if (v[i] == w) {
					t = f->tgts[x->value + i];
					break;
				}
		}
		if (t <= 0)
			return f->leaf[-t];
		x = node + t;
	}
}

/* The output for an IP header at nh with len bytes to the end of the packet
 * and readable bytes of buffer from nh on. */
static inline int ipx_match(const struct ipx_matcher *m, const uint8_t *nh, uint32_t len,
			    uint32_t readable)
{
	const struct ipx_fast *f = &m->fast;
	if (__builtin_expect(f->node && len >= f->safe_length && readable >= f->word_length &&
			     (nh[0] & f->hl_mask) == f->hl_value, 1))
		return ipx_run(f, nh);
	unsigned hl = len ? nh[0] & 15u : 0;
	return ct_match(m->by_hl[hl], nh, len, readable);
}

/* The IP header of a packet: its network header annotation, else (Cabo
 * extension) the start of the data.  Sets *len and *readable. */
static inline const uint8_t *ipx_packet_header(const struct cabo_packet *p, uint32_t *len,
					       uint32_t *readable)
{
	const uint8_t *end = p->data + p->length, *nh = p->data;
	if (p->network_offset >= 0) {
		nh = p->buffer + p->network_offset;
		if (nh > end)
			nh = end;
	}
	*len = (uint32_t)(end - nh);
	*readable = (uint32_t)(p->buffer + p->buffer_size - nh);
	return nh;
}

#endif

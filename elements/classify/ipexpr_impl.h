/* IP filter expressions: what the parser (ipexpr.c) and the primitive
 * checks (ipexpr_prim.c) share. */
#ifndef CABO_IPEXPR_IMPL_H
#define CABO_IPEXPR_IMPL_H

#include <string.h>

#include "ipexpr.h"

enum {
	FIELD_IPLEN = IPX_FIELD(0, 16, 16),
	FIELD_ID = IPX_FIELD(0, 32, 16),
	FIELD_VERSION = IPX_FIELD(0, 0, 4),
	FIELD_HL = IPX_FIELD(0, 4, 4),
	FIELD_TOS = IPX_FIELD(0, 8, 8),
	FIELD_DSCP = IPX_FIELD(0, 8, 6),
	FIELD_TTL = IPX_FIELD(0, 64, 8),
	FIELD_TCP_WIN = IPX_FIELD(6, 112, 16),
	FIELD_ICMP_TYPE = IPX_FIELD(1, 0, 8),
	FIELD_PROTO_MASK = 0x1FF << IPX_FIELD_PROTO_SHIFT,
};

struct ipx_parser {
	struct ipx_set *s;
	char **w;
	unsigned nw;
	unsigned slot;
	struct cabo_errh *errh;
	struct ipx_prim prev;       /* Click's _prev_prim */
	unsigned depth;
	bool aborted;               /* nesting too deep: stop reporting */
};

static inline bool eq(const char *a, const char *b)
{
	return !strcmp(a, b);
}

/* Errors and warnings prefixed "pattern N: " (errors not after an abort). */
void ipx_perror(struct ipx_parser *P, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ipx_pwarning(struct ipx_parser *P, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Click's IPFilter::lookup: the type of a name word and its value in *data;
 * -1 for none, -2 for an error (reported if `report'). */
int ipx_lookup(struct ipx_parser *P, const char *word, int32_t type, int32_t proto, uint32_t *data,
	       bool report);

/* Click's IPFilter::Primitive operations. */
void ipx_prim_clear(struct ipx_prim *p);
void ipx_set_type(struct ipx_parser *P, struct ipx_prim *p, int32_t t);
void ipx_set_srcdst(struct ipx_parser *P, struct ipx_prim *p, int32_t sd);
void ipx_set_transp_proto(struct ipx_parser *P, struct ipx_prim *p, int32_t proto);
/* Completes and checks a primitive (Primitive::check): 0, or -1 reported. */
int ipx_check_prim(struct ipx_parser *P, struct ipx_prim *p, int header, int mask_dt,
		   uint32_t pmask);

#endif

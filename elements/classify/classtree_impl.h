/* Internals shared by classtree.c (expressions, programs) and classcompile.c
 * (the compiler).  Front ends use classtree.h only. */
#ifndef CABO_CLASSTREE_IMPL_H
#define CABO_CLASSTREE_IMPL_H

#include "classtree.h"

#define CT_GROW(arr, n, cap)                                                 \
	do {                                                                 \
		if ((n) >= (cap)) {                                          \
			(cap) = (cap) ? 2 * (cap) : 16;                      \
			(arr) = cabo_xrealloc((arr), (cap) * sizeof *(arr)); \
		}                                                            \
	} while (0)

/* ---- Interning: variable-length uint32 keys to int32 values */
struct ct_hslot {
	uint32_t entry;             /* entry index + 1; 0 = empty */
	uint32_t hash;
};
struct ct_ientry {
	uint32_t off, len;          /* key in pool */
	int32_t value;
};
struct ct_itab {
	struct ct_hslot *slot;
	uint32_t cap;
	struct ct_ientry *entry;
	uint32_t nentry, capentry;
	uint32_t *pool;
	size_t npool, cappool;
};

uint32_t ct_hash(const uint32_t *key, uint32_t len);
int32_t *ct_itab_find(struct ct_itab *t, const uint32_t *key, uint32_t len);
void ct_itab_add(struct ct_itab *t, const uint32_t *key, uint32_t len, int32_t value);
void ct_itab_free(struct ct_itab *t);

/* ---- Expressions */
enum { CT_OP_FALSE, CT_OP_TRUE, CT_OP_ATOM, CT_OP_NOT, CT_OP_AND, CT_OP_OR };

struct ct_atom {
	uint32_t mask, value;       /* packet order; value & ~mask == 0; mask != 0 */
	uint16_t offset;            /* multiple of 4 */
	uint8_t width;              /* last nonzero mask byte + 1 */
	uint8_t short_match;
};

struct ct_enode {
	uint32_t op;
	uint32_t a, b;              /* ATOM: a = atom index; NOT: a; AND/OR: a, b */
};

struct ct_builder {
	struct ct_enode *e;
	uint32_t ne, cape;
	struct ct_atom *atom;
	uint32_t natom, capatom;
	struct ct_itab etab, atab;
};

ct_expr ct_mk(struct ct_builder *b, uint32_t op, uint32_t x, uint32_t y);
uint32_t ct_atom_intern(struct ct_builder *b, unsigned offset, uint32_t mask, uint32_t value,
			bool short_match);

static inline uint32_t ct_atom_end(const struct ct_atom *a)
{
	return (uint32_t)a->offset + a->width;
}

#endif

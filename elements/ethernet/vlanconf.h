/* The VLAN arguments shared by VLANEncap and EtherVLANEncap (Click's
 * VLAN_TCI, VLAN_PCP, VLAN_ID, NATIVE_VLAN), their checks, and the handlers
 * that read and change them. */
#ifndef CABO_ELEMENTS_ETHERNET_VLANCONF_H
#define CABO_ELEMENTS_ETHERNET_VLANCONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "etherhdr.h"

struct vlan_conf {
	int32_t tci;        /* VLAN_TCI as given, or -1 */
	uint16_t id;        /* VLAN_ID */
	uint8_t pcp;        /* VLAN_PCP */
	bool anno;          /* VLAN_TCI ANNO: take the TCI from the annotation */
	int32_t native;     /* NATIVE_VLAN, -1 for none */
};

/* Arguments as read, before the checks (which run after cabo_args_complete
 * so that unknown keywords are reported first). */
struct vlan_args {
	char *tci_word;
	int64_t pcp, id, native;
	bool have_id;
};

/* The TCI to put on the wire (host order): VLAN_TCI, or VLAN_ID, with
 * VLAN_PCP in the top 3 bits. */
static inline uint16_t vlan_conf_tci(const struct vlan_conf *c)
{
	return (uint16_t)((c->tci >= 0 ? (uint32_t)c->tci : c->id) | (uint32_t)c->pcp << VLAN_PCP_SHIFT);
}

static inline void vlan_args_read(struct cabo_args *a, struct vlan_args *v, unsigned tci_flags)
{
	memset(v, 0, sizeof *v);
	cabo_args_read_word(a, "VLAN_TCI", tci_flags, &v->tci_word);
	cabo_args_read_int(a, "VLAN_PCP", CABO_ARG_POSITIONAL, &v->pcp);
	v->have_id = cabo_args_read_int(a, "VLAN_ID", 0, &v->id);
	cabo_args_read_int(a, "NATIVE_VLAN", 0, &v->native);
}

/* "ANNO" or an integer 0..0xFFFF. */
static inline bool vlan_parse_tci(const char *s, int32_t *tci, bool *anno)
{
	uint64_t v;
	if (strcmp(s, "ANNO") == 0) {
		*anno = true;
		*tci = -1;
		return true;
	}
	if (!cabo_parse_uint(s, &v) || v > 0xFFFF)
		return false;
	*anno = false;
	*tci = (int32_t)v;
	return true;
}

/* Checks the arguments and fills c; frees v.  Returns 0 or -1 (reported). */
static inline int vlan_args_finish(struct vlan_args *v, struct vlan_conf *c, int r,
				   struct cabo_errh *errh)
{
	struct vlan_conf n = { -1, 0, 0, false, 0 };
	if (r == 0 && v->tci_word && !vlan_parse_tci(v->tci_word, &n.tci, &n.anno))
		r = cabo_errh_error(errh, "VLAN_TCI: expected integer between 0 and 0xFFFF, or ANNO");
	if (r == 0 && (v->pcp < 0 || v->pcp > 7))
		r = cabo_errh_error(errh, "VLAN_PCP: expected integer between 0 and 7");
	if (r == 0 && (v->id < 0 || v->id > VLAN_ID_MASK))
		r = cabo_errh_error(errh, "VLAN_ID: expected integer between 0 and 0xFFF");
	if (r == 0 && (v->native < -1 || v->native > VLAN_ID_MASK))
		r = cabo_errh_error(errh, "NATIVE_VLAN: expected integer between -1 and 0xFFF");
	if (r == 0 && (v->tci_word != NULL) == v->have_id)
		r = cabo_errh_error(errh, "set exactly one of VLAN_TCI and VLAN_ID");
	free(v->tci_word);
	v->tci_word = NULL;
	if (r < 0)
		return -1;
	n.id = (uint16_t)v->id;
	n.pcp = (uint8_t)v->pcp;
	n.native = (int32_t)v->native;
	*c = n;
	return 0;
}

/* "VLAN_ID 5, VLAN_PCP 0" or "ANNO", then ", NATIVE_VLAN N" unless it is 0. */
static inline void vlan_conf_unparse(const struct vlan_conf *c, struct cabo_strbuf *out)
{
	uint16_t tci = vlan_conf_tci(c);
	if (c->anno)
		cabo_strbuf_puts(out, "ANNO");
	else
		cabo_strbuf_printf(out, "VLAN_ID %u, VLAN_PCP %u", tci & VLAN_ID_MASK,
				   tci >> VLAN_PCP_SHIFT);
	if (c->native != 0)
		cabo_strbuf_printf(out, ", NATIVE_VLAN %d", (int)c->native);
}

/* ---- Handlers on the vlan_conf at byte offset `field` of an element */

enum vlan_handler { VLAN_H_TCI, VLAN_H_ID, VLAN_H_PCP, VLAN_H_NATIVE };

static inline void vlan_conf_read_handler(const struct vlan_conf *c, enum vlan_handler h,
					  struct cabo_strbuf *out)
{
	uint16_t tci = vlan_conf_tci(c);
	switch (h) {
	case VLAN_H_TCI:
		if (c->anno)
			cabo_strbuf_puts(out, "ANNO");
		else
			cabo_strbuf_printf(out, "%u", tci);
		break;
	case VLAN_H_ID:
		cabo_strbuf_printf(out, "%u", tci & VLAN_ID_MASK);
		break;
	case VLAN_H_PCP:
		cabo_strbuf_printf(out, "%u", tci >> VLAN_PCP_SHIFT);
		break;
	case VLAN_H_NATIVE:
		cabo_strbuf_printf(out, "%d", (int)c->native);
		break;
	}
}

static inline int vlan_conf_write_handler(struct vlan_conf *c, enum vlan_handler h,
					  const char *value, struct cabo_errh *errh)
{
	char buf[64];
	int64_t v = 0;
	bool ok = cabo_copy_trimmed(value, buf, sizeof buf);
	if (h == VLAN_H_TCI) {
		int32_t tci;
		bool anno;
		if (!ok || !vlan_parse_tci(buf, &tci, &anno))
			return cabo_errh_error(errh, "VLAN_TCI: expected integer between 0 and 0xFFFF, or ANNO");
		c->tci = tci;
		c->anno = anno;
		return 0;
	}
	ok = ok && cabo_parse_int(buf, &v);
	switch (h) {
	case VLAN_H_ID:
		if (!ok || v < 0 || v > VLAN_ID_MASK)
			return cabo_errh_error(errh, "VLAN_ID: expected integer between 0 and 0xFFF");
		c->id = (uint16_t)v;
		c->tci = -1;
		c->anno = false;
		break;
	case VLAN_H_PCP:
		if (!ok || v < 0 || v > 7)
			return cabo_errh_error(errh, "VLAN_PCP: expected integer between 0 and 7");
		c->pcp = (uint8_t)v;
		break;
	default:
		if (!ok || v < -1 || v > VLAN_ID_MASK)
			return cabo_errh_error(errh, "NATIVE_VLAN: expected integer between -1 and 0xFFF");
		c->native = (int32_t)v;
		break;
	}
	return 0;
}

/* ---- Handlers shared by VLANEncap and EtherVLANEncap: the VLAN fields
 * above plus "ethertype".  *tci is the element's cached vlan_conf_tci(c). */

#define VLAN_H_ETHERTYPE 101   /* beside the enum vlan_handler values */

static inline void vlan_encap_read_handler(const struct vlan_conf *c, uint16_t ethertype,
					   intptr_t h, struct cabo_strbuf *out)
{
	if (h == VLAN_H_ETHERTYPE)
		cabo_strbuf_printf(out, "%u", ethertype);
	else
		vlan_conf_read_handler(c, (enum vlan_handler)h, out);
}

static inline int vlan_encap_write_handler(struct vlan_conf *c, uint16_t *tci,
					   uint16_t *ethertype, intptr_t h, const char *value,
					   struct cabo_errh *errh)
{
	if (h == VLAN_H_ETHERTYPE) {
		char buf[64];
		uint64_t v;
		if (!cabo_copy_trimmed(value, buf, sizeof buf) || !cabo_parse_uint(buf, &v) || v > 0xFFFF)
			return cabo_errh_error(errh, "ETHERTYPE: expected unsigned integer at most 0xFFFF");
		*ethertype = (uint16_t)v;
		return 0;
	}
	if (vlan_conf_write_handler(c, (enum vlan_handler)h, value, errh) < 0)
		return -1;
	*tci = vlan_conf_tci(c);
	return 0;
}

/* The handler table rows "vlan_tci", "vlan_id", "vlan_pcp", "native_vlan". */
#define VLAN_CONF_HANDLERS(rh, wh) \
	{ "vlan_tci", rh, wh, (const void *)VLAN_H_TCI, 0 }, \
	{ "vlan_id", rh, wh, (const void *)VLAN_H_ID, 0 }, \
	{ "vlan_pcp", rh, wh, (const void *)VLAN_H_PCP, 0 }, \
	{ "native_vlan", rh, wh, (const void *)VLAN_H_NATIVE, 0 }

#endif

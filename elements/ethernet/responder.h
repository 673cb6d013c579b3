/* What ARPResponder and IP6NDAdvertiser share: a table of address prefixes
 * and the Ethernet address that answers for each, most specific first; its
 * configuration (arguments `PREFIX... ETH'), the table, add and remove
 * handlers, and what becomes of the packets not answered.
 *
 * An element's state is a struct responder.  Its entries are of its own
 * type, starting with the Ethernet address (uint8_t eth[ETHER_ALEN]); a
 * struct responder_family says how to parse, compare, order and print
 * their prefixes.  Its configure sets `family' and calls
 * responder_configure; its class uses responder_cleanup and
 * responder_handlers; its simple_action looks entries up in `v' itself
 * (the fast path calls nothing through the family). */
#ifndef CABO_ELEMENTS_ETHERNET_RESPONDER_H
#define CABO_ELEMENTS_ETHERNET_RESPONDER_H

#include <stdbool.h>
#include <stddef.h>

#include "element.h"
#include "etherhdr.h"

struct responder_family {
	size_t entry_size;
	const char *prefix_syntax;   /* "IP/MASK", in messages */
	bool warn_duplicates;        /* warn of a prefix given twice in the configuration */
	/* Parses word as a prefix into entry, host bits clear. */
	bool (*parse_prefix)(const char *word, void *entry);
	bool (*same_prefix)(const void *a, const void *b);
	/* x must come before y for the first match to be the most specific. */
	bool (*precedes)(const void *x, const void *y);
	void (*format_prefix)(struct cabo_strbuf *out, const void *entry);
};

struct responder {
	struct cabo_element e;
	const struct responder_family *family;
	void *v;                     /* entries in lookup order */
	unsigned n, cap;
};

int responder_configure(struct cabo_element *e, struct cabo_args *a);
void responder_cleanup(struct cabo_element *e);
extern const struct cabo_handler responder_handlers[];   /* table, add, remove */

/* The answer q keeps the annotations of the query p it answers. */
static inline void responder_copy_annos(struct cabo_packet *q, const struct cabo_packet *p)
{
	q->anno.timestamp_ns = p->anno.timestamp_ns;
	q->anno.input_port = p->anno.input_port;
	q->anno.vnode = p->anno.vnode;
	set_vlan_tci_anno(q, vlan_tci_anno(p));
}

#endif

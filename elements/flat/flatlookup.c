/*
 * =c
 * FlatLookup(ID1 OUT1 [NEXTHOP1], ID2 OUT2 [NEXTHOP2], ..., [KEYWORDS FILE, MISS, CAPACITY])
 * =s
 * exact-match lookup of flat destination ids
 * =ports
 * 1 input, any number of outputs
 * =processing
 * push
 * =d
 * Expects packets with a flat header (cabo-flat(7)) at their network header
 * annotation, as CheckFlatHeader and FlatEncap leave them.  Looks up the
 * header's 160-bit destination id in its table and emits the packet on the
 * id's output.  When the entry has a next hop (an Ethernet address) and the
 * packet has a MAC header annotation in front of the flat header (as
 * FromDump sets it; after Strip(14) the header is still there, in the
 * headroom, for Unstrip(14) to bring back), the Ethernet destination
 * address is rewritten to the next hop (a shared packet is copied first).  A packet whose id is not in the table is
 * handled as MISS says; a packet without a flat header at its annotation is
 * dropped (`no flat header').
 *
 * Each argument is an entry: an id (40 hexadecimal digits, or a dotted IPv4
 * address for an IPv4-derived id; write hexadecimal ids in lower case, as
 * an argument starting with an upper-case word and a space is a keyword
 * argument), an output port, and an optional next-hop Ethernet address.
 * No id may occur twice.
 *
 * The table holds millions of ids: a cuckoo hash with buckets of 8 slots,
 * where an id can be in only two buckets, so a lookup reads two cache lines
 * and the entry, whatever the table holds.  Ids are hashed with SipHash-2-4
 * under a random key drawn when the table is made, so whoever chooses ids
 * cannot aim them at one bucket.  A batch of packets is looked up in three
 * passes, each prefetching what the next one reads.  Entries may be added
 * and removed through the handlers while packets flow: lookups take no
 * lock and see each change whole; the table grows (doubling) in the
 * handler call that needs it, off the packet path.
 * =k FILE
 * A file of entries to load at configuration, one a line: `ID OUTPUT
 * [NEXTHOP]'; `#' starts a comment.  Bad lines are reported as
 * `FILE:LINE: message' (all are counted, the first 100 shown) and make
 * configuration fail.  Entries given as arguments come first.
 * =k MISS
 * What to do with a packet whose destination id is not in the table:
 * `drop' drops it, counted as `no route' (the default); an output number
 * sends it to that output, which entries may also use (a default route);
 * `punt' sends it to the last output, the control output, for a control
 * plane to resolve: entries may not use that output, so it carries misses
 * only.
 * =k CAPACITY
 * Unsigned integer: the number of ids the table should hold without
 * growing.  Default: what the arguments and FILE hold.
 * =h count read
 * Returns the number of ids in the table.
 * =h table read
 * Returns the table, one entry a line, sorted by id: `ID OUTPUT' or
 * `ID OUTPUT NEXTHOP'.
 * =h lookup read/write
 * Write an id, then read the output and next hop its packets would get:
 * `OUTPUT NEXTHOP', `OUTPUT', or `-1' (not in the table; MISS applies).
 * =h add write
 * Adds an entry, `ID OUTPUT [NEXTHOP]'.  Fails if the id is in the table.
 * =h set write
 * Adds an entry, or replaces the output and next hop of the id's entry.
 * =h remove write
 * Removes the entry of an id.  Fails if the id is not in the table.
 * =h clear write
 * Removes every entry in one step.
 * =h flush write
 * Synonym for clear.
 * =e
 *   FromDump(in.pcap, STOP true) -> Classifier(12/88B6) -> Strip(14)
 *       -> CheckFlatHeader -> DecFlatHLIM
 *       -> fl :: FlatLookup(10.0.0.1 0, 6ee5a1c14f8aa3e1f1fd3bd2b6c0a7e1a02cf471 1
 *                           00-16-3E-00-00-01, FILE ids.txt, MISS punt);
 *   fl[0] -> Unstrip(14) -> ToDump(port0.pcap);
 *   fl[1] -> Unstrip(14) -> ToDump(port1.pcap);
 *   fl[2] -> Unstrip(14) -> ToDump(misses.pcap);   // the control output
 * =a
 * CheckFlatHeader, FlatEncap, FlatDecap, DecFlatHLIM, DirectIPLookup,
 * cabo-flat(7)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "flathdr.h"
#include "flattable.h"

enum { NO_ROUTE, NO_HEADER };

static const char *const flatlookup_drop_reasons[] = { "no route", "no flat header", NULL };

struct flatlookup {
	struct cabo_element e;
	struct flat_table table;
	bool table_ready;
	int miss_port;            /* -1: drop */
	int punt_port;            /* -1: no control output */
	uint8_t query[FLAT_ID_LEN];   /* `lookup' id written */
	bool has_query;
};

static struct flatlookup *self(struct cabo_element *e)
{
	return (struct flatlookup *)e;
}

/* ======================================================================
 * Configuration
 * ====================================================================== */

static int read_miss(struct flatlookup *x, struct cabo_args *a, const char *miss)
{
	unsigned nout = x->e.noutputs;
	uint64_t port;
	x->miss_port = x->punt_port = -1;
	if (!miss || strcasecmp(miss, "drop") == 0)
		return 0;
	if (strcasecmp(miss, "punt") == 0) {
		if (!nout)
			return cabo_args_error(a, "MISS: punt needs an output");
		x->miss_port = x->punt_port = (int)nout - 1;
		return 0;
	}
	if (!cabo_parse_uint(miss, &port))
		return cabo_args_error(a, "MISS: expected 'drop', 'punt' or an output number");
	if (port >= nout)
		return cabo_args_error(a, "MISS: output %llu out of range (%u output%s)",
				       (unsigned long long)port, nout, nout == 1 ? "" : "s");
	x->miss_port = (int)port;
	return 0;
}

static int flatlookup_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct flatlookup *x = self(e);
	struct cabo_errh *errh = a->errh;
	char *file = NULL, *miss = NULL;
	uint64_t capacity = 0;
	const char *const *entries;
	cabo_args_read_string(a, "FILE", 0, &file);
	cabo_args_read_word(a, "MISS", 0, &miss);
	cabo_args_read_uint(a, "CAPACITY", 0, &capacity);
	unsigned nentries = cabo_args_read_rest(a, &entries);
	int rc = cabo_args_complete(a);
	if (rc == 0)
		rc = read_miss(x, a, miss);
	if (rc == 0 && capacity > UINT32_MAX)
		rc = cabo_args_error(a, "CAPACITY: out of range");
	free(miss);
	if (rc < 0) {
		free(file);
		return -1;
	}
	if (flat_table_init(&x->table, capacity > nentries ? capacity : nentries, NULL) < 0) {
		free(file);
		return cabo_errh_error(errh, "no memory for the table");
	}
	x->table_ready = true;

	unsigned before = errh->nerrors;
	for (unsigned i = 0; i < nentries; i++) {
		uint8_t id[FLAT_ID_LEN];
		uint64_t value;
		char *why = flat_parse_entry(entries[i], strlen(entries[i]), e->noutputs,
					     x->punt_port, id, &value);
		if (!why)
			why = flat_table_add_entry(&x->table, id, value, false);
		if (why)
			cabo_errh_error(errh, "argument %u: %s", i + 1, why);
		free(why);
	}
	if (file)
		flat_table_load_file(&x->table, file, e->noutputs, x->punt_port, errh);
	free(file);
	return errh->nerrors == before ? 0 : -1;
}

static void flatlookup_cleanup(struct cabo_element *e)
{
	struct flatlookup *x = self(e);
	if (x->table_ready)
		flat_table_destroy(&x->table);
	x->table_ready = false;
}

/* ======================================================================
 * The fast path
 * ====================================================================== */

/* Sets the Ethernet destination of a packet whose MAC header lies in front
 * of its flat header (in the data, or in the headroom after Strip(14));
 * returns the packet, or NULL when a copy failed. */
static struct cabo_packet *set_next_hop(struct cabo_packet *p, uint64_t value)
{
	uint8_t mac[6];
	const uint8_t *m = cabo_packet_mac_header(p), *h = cabo_packet_network_header(p);
	if (!flat_value_mac(value, mac) || !m || m + 14 > h)
		return p;
	p = cabo_packet_writable(p);
	if (p)
		memcpy(cabo_packet_mac_header(p), mac, 6);
	return p;
}

static void flatlookup_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct flatlookup *x = self(e);
	const uint8_t *ids[CABO_BATCH_MAX];
	uint64_t value[CABO_BATCH_MAX];
	int out[CABO_BATCH_MAX];
	unsigned n = 0;
	for (unsigned i = 0; i < b->count; i++) {
		struct cabo_packet *p = b->p[i];
		const uint8_t *h = flat_header(p);
		if (__builtin_expect(!h, 0)) {
			cabo_element_drop(e, p, NO_HEADER);
			continue;
		}
		b->p[n] = p;
		ids[n++] = h + FLAT_DST;
	}
	if (!n) {
		b->count = 0;
		return;
	}
	flat_table_lookup(&x->table, ids, n, value);
	unsigned kept = 0;
	for (unsigned i = 0; i < n; i++) {
		struct cabo_packet *p = b->p[i];
		if (!value[i]) {
			out[kept] = x->miss_port;
		} else {
			out[kept] = flat_value_port(value[i]);
			if (__builtin_expect((value[i] & FLAT_VALUE_HAS_MAC) != 0, 0)
			    && !(p = set_next_hop(p, value[i])))
				continue;
		}
		b->p[kept++] = p;
	}
	b->count = kept;
	cabo_output_push_each(e, b, out, NO_ROUTE);
}

/* ======================================================================
 * Handlers
 * ====================================================================== */

enum { H_ADD, H_SET, H_REMOVE, H_CLEAR, H_LOOKUP };

static int parse_id_value(const char *value, uint8_t id[FLAT_ID_LEN], struct cabo_errh *errh)
{
	char buf[64];
	if (!cabo_copy_trimmed(value, buf, sizeof buf) || !flat_parse_id(buf, id))
		return cabo_errh_error(errh, "expected flat id, not '%s'",
				       cabo_copy_trimmed(value, buf, sizeof buf) ? buf : value);
	return 0;
}

static int write_handler(struct cabo_element *e, const char *value, const void *arg,
			 struct cabo_errh *errh)
{
	struct flatlookup *x = self(e);
	int which = (int)(intptr_t)arg, rc = 0;
	uint8_t id[FLAT_ID_LEN];
	if (which == H_LOOKUP) {
		if (parse_id_value(value, id, errh) < 0)
			return -1;
		memcpy(x->query, id, FLAT_ID_LEN);
		x->has_query = true;
		return 0;
	}
	if (which == H_REMOVE && parse_id_value(value, id, errh) < 0)
		return -1;
	uint64_t v = 0;
	if (which == H_ADD || which == H_SET) {
		char *why = flat_parse_entry(value, strlen(value), e->noutputs, x->punt_port,
					     id, &v);
		if (why) {
			cabo_errh_error(errh, "%s", why);
			free(why);
			return -1;
		}
	}
	pthread_mutex_lock(&x->table.lock);
	if (which == H_CLEAR) {
		flat_table_clear(&x->table);
	} else if (which == H_REMOVE) {
		if (flat_table_remove(&x->table, id, NULL) < 0) {
			char text[FLAT_ID_TEXT];
			flat_format_id(id, text);
			rc = cabo_errh_error(errh, "id '%s' not found", text);
		}
	} else {
		char *why = flat_table_add_entry(&x->table, id, v, which == H_SET);
		if (why)
			rc = cabo_errh_error(errh, "%s", why);
		free(why);
	}
	pthread_mutex_unlock(&x->table.lock);
	return rc;
}

static void format_value(uint64_t v, struct cabo_strbuf *out)
{
	uint8_t mac[6];
	cabo_strbuf_printf(out, "%d", flat_value_port(v));
	if (flat_value_mac(v, mac)) {
		char m[18];
		cabo_format_ether(mac, m);
		cabo_strbuf_printf(out, " %s", m);
	}
}

static int read_table(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct flatlookup *x = self(e);
	struct flat_entry *v;
	pthread_mutex_lock(&x->table.lock);
	size_t n = flat_table_entries(&x->table, &v);
	pthread_mutex_unlock(&x->table.lock);
	for (size_t i = 0; i < n; i++) {
		char text[FLAT_ID_TEXT];
		flat_format_id(v[i].id, text);
		cabo_strbuf_printf(out, "%s ", text);
		format_value(atomic_load_explicit(&v[i].value, memory_order_relaxed), out);
		cabo_strbuf_putc(out, '\n');
	}
	free(v);
	return 0;
}

static int read_count(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_strbuf_printf(out, "%u", flat_table_count(&self(e)->table));
	return 0;
}

static int read_lookup(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct flatlookup *x = self(e);
	if (!x->has_query)
		return 0;
	uint64_t v = flat_table_get(&x->table, x->query);
	if (v)
		format_value(v, out);
	else
		cabo_strbuf_puts(out, "-1");
	return 0;
}

#define H(name, read, write, arg, flags) { name, read, write, (const void *)(intptr_t)(arg), flags }

static const struct cabo_handler flatlookup_handlers[] = {
	H("count", read_count, NULL, 0, 0),
	H("table", read_table, NULL, 0, 0),
	H("lookup", read_lookup, write_handler, H_LOOKUP, 0),
	H("add", NULL, write_handler, H_ADD, 0),
	H("set", NULL, write_handler, H_SET, 0),
	H("remove", NULL, write_handler, H_REMOVE, 0),
	H("clear", NULL, write_handler, H_CLEAR, CABO_HANDLER_BUTTON),
	H("flush", NULL, write_handler, H_CLEAR, CABO_HANDLER_BUTTON),
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(flatlookup_class) = {
	.name = "FlatLookup", .port_count = "1/-", .processing = "h/h",
	.size = sizeof(struct flatlookup), .configure = flatlookup_configure,
	.cleanup = flatlookup_cleanup, .push = flatlookup_push,
	.handlers = flatlookup_handlers, .drop_reasons = flatlookup_drop_reasons,
};

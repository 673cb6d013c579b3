/*
 * =c
 * ARPPrint([LABEL, KEYWORDS TIMESTAMP, ETHER, ACTIVE, OUTFILE])
 * =s
 * pretty-prints ARP packets a la tcpdump
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Prints one line per ARP packet in Click's tcpdump-like format, on standard
 * error (or OUTFILE), and passes every packet on unchanged.  A line is the
 * LABEL and `: ' (if LABEL is not empty), the timestamp annotation and `: '
 * (with TIMESTAMP), the Ethernet addresses `SRC > DST: ' (with ETHER), then
 * one of
 *
 *   arp who-has TPA tell SPA
 *   arp who-has TPA (THA) tell SPA      (a request with a non-zero THA)
 *   arp reply SPA is-at SHA
 *   rarp who-is THA tell SHA            (and `rarp reply THA at TPA')
 *   invarp who-is THA tell SHA          (and `invarp reply THA at TPA')
 *   arp-#OP                             (other operations)
 *
 * followed by ` hardware #HRD' when the hardware type is not Ethernet (1);
 * protocol type 0x1000 (trailers) prefixes the operation with `trailer-'.
 * Hardware addresses of 6 bytes print as Ethernet addresses
 * (00-1A-2B-3C-4D-5E), others as their bytes in hex joined by dashes.
 * ARP for other protocols prints `arp-#OP for proto #PRO (PLN) hardware
 * #HRD (HLN)', and a header cut short `truncated-arp (N)', N being the bytes
 * available from the ARP header on.
 *
 * The ARP header is the one at the packet's network header annotation.  For
 * a packet without one (FromDump sets it for IP packets only), ARPPrint looks
 * after the Ethernet header at the MAC header annotation, or at the start of
 * the data, skipping VLAN tags (types 0x8100, 0x88a8, 0x9100), when the type
 * there is ARP (0x0806); other packets pass silently, as in Click.
 *
 * ARPPrint prints once per batch, like Print.  Differences from Click: Click
 * prints only packets with a network header annotation, reads the address
 * fields at fixed offsets whatever the address lengths, prints nothing at
 * all for other protocols, and glues `hardware #HRD' to the text without a
 * space.
 * =k LABEL
 * String printed at the start of each line.  Default empty.
 * =k TIMESTAMP
 * Boolean.  Print the timestamp annotation, in seconds since 1970 with 6
 * decimals (9 when not a whole number of microseconds).  Default true.
 * =k ETHER
 * Boolean.  Print the Ethernet source and destination addresses when the
 * packet has an Ethernet header before its ARP header.  Default false.
 * =k ACTIVE
 * Boolean.  If false, print nothing.  Default true.
 * =k OUTFILE
 * Filename: write the lines to this file (truncated when the router starts)
 * instead of standard error.
 * =h active read/write
 * Returns or sets ACTIVE.
 * =e
 *   FromDump(in.pcap, STOP true) -> c :: Classifier(12/0806, -);
 *   c[0] -> ARPPrint(arp, ETHER true) -> Discard;
 *   c[1] -> Discard;
 * =a
 * Print, IPPrint, ARPQuerier, ARPResponder
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "etherhdr.h"
#include "../standard/printout.h"

enum { ETHERTYPE_TRAIL = 0x1000, MAX_VLAN_TAGS = 4 };

struct arpprint {
	struct cabo_printout po;     /* label, active, OUTFILE, line buffer */
	bool timestamp, ether;
};

static void format_packet(struct cabo_printout *po, const struct cabo_packet *p);

static int arpprint_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct arpprint *ap = (struct arpprint *)e;
	ap->po.format = format_packet;
	ap->timestamp = true;
	ap->po.active = true;
	cabo_args_read_string(a, "LABEL", CABO_ARG_POSITIONAL, &ap->po.label);
	cabo_args_read_bool(a, "TIMESTAMP", 0, &ap->timestamp);
	cabo_args_read_bool(a, "ETHER", 0, &ap->ether);
	cabo_args_read_bool(a, "ACTIVE", 0, &ap->po.active);
	cabo_args_read_string(a, "OUTFILE", 0, &ap->po.outfilename);
	return cabo_args_complete(a);
}

/* ---- Formatting */

static void put_hw(struct cabo_strbuf *sb, const uint8_t *a, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		cabo_strbuf_printf(sb, i ? "-%02X" : "%02X", a[i]);
}

static void put_ip(struct cabo_strbuf *sb, const uint8_t *a)
{
	cabo_strbuf_printf(sb, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/* Finds the ARP header: the network header annotation, else after the
 * Ethernet header (and VLAN tags) when the frame's type is ARP.  Sets *eh to
 * the Ethernet header when there is one before the ARP header. */
static const uint8_t *find_arp(const struct cabo_packet *p, const uint8_t **eh)
{
	const uint8_t *end = p->data + p->length;
	const uint8_t *mac = cabo_packet_mac_header(p);
	if (!mac || mac < p->data || mac > end)
		mac = p->data;
	*eh = NULL;
	const uint8_t *nh = cabo_packet_network_header(p);
	if (nh) {
		if (nh < p->data || nh > end)
			return NULL;
		if (mac + ETHER_HLEN <= nh)
			*eh = mac;
		return nh;
	}
	if (end - mac < ETHER_HLEN)
		return NULL;
	const uint8_t *t = mac + ETHER_TYPE;
	for (unsigned tags = 0; tags <= MAX_VLAN_TAGS; tags++) {
		uint16_t type = ether_get16(t);
		if (type == ETHERTYPE_ARP) {
			*eh = mac;
			return t + 2;
		}
		if ((type != ETHERTYPE_8021Q && type != ETHERTYPE_8021AD && type != ETHERTYPE_QINQ_OLD)
		    || end - t < 6)
			return NULL;
		t += 4;
	}
	return NULL;
}

static void format_arp(struct cabo_strbuf *sb, const uint8_t *a, size_t len)
{
	if (len < ARP_FIXED) {
		cabo_strbuf_printf(sb, "truncated-arp (%zu)", len);
		return;
	}
	uint16_t hrd = ether_get16(a + ARP_HRD), pro = ether_get16(a + ARP_PRO);
	unsigned hln = a[ARP_HLN], pln = a[ARP_PLN];
	uint16_t op = ether_get16(a + ARP_OP);
	if ((pro != ETHERTYPE_IP && pro != ETHERTYPE_TRAIL) || pln != 4 || hln == 0) {
		cabo_strbuf_printf(sb, "arp-#%u for proto #%u (%u) hardware #%u (%u)", op, pro,
				   pln, hrd, hln);
		return;
	}
	if (len < ARP_FIXED + 2 * (hln + pln)) {
		cabo_strbuf_printf(sb, "truncated-arp (%zu)", len);
		return;
	}
	const uint8_t *sha = a + ARP_FIXED, *spa = sha + hln, *tha = spa + pln, *tpa = tha + hln;
	if (pro == ETHERTYPE_TRAIL)
		cabo_strbuf_puts(sb, "trailer-");
	switch (op) {
	case ARPOP_REQUEST: {
		bool zero = true;
		for (unsigned i = 0; i < hln; i++)
			zero = zero && tha[i] == 0;
		cabo_strbuf_puts(sb, "arp who-has ");
		put_ip(sb, tpa);
		if (!zero) {
			cabo_strbuf_puts(sb, " (");
			put_hw(sb, tha, hln);
			cabo_strbuf_putc(sb, ')');
		}
		cabo_strbuf_puts(sb, " tell ");
		put_ip(sb, spa);
		break;
	}
	case ARPOP_REPLY:
		cabo_strbuf_puts(sb, "arp reply ");
		put_ip(sb, spa);
		cabo_strbuf_puts(sb, " is-at ");
		put_hw(sb, sha, hln);
		break;
	case ARPOP_REVREQUEST:
	case ARPOP_INVREQUEST:
		cabo_strbuf_puts(sb, op == ARPOP_REVREQUEST ? "rarp who-is " : "invarp who-is ");
		put_hw(sb, tha, hln);
		cabo_strbuf_puts(sb, " tell ");
		put_hw(sb, sha, hln);
		break;
	case ARPOP_REVREPLY:
	case ARPOP_INVREPLY:
		cabo_strbuf_puts(sb, op == ARPOP_REVREPLY ? "rarp reply " : "invarp reply ");
		put_hw(sb, tha, hln);
		cabo_strbuf_puts(sb, " at ");
		put_ip(sb, tpa);
		break;
	default:
		cabo_strbuf_printf(sb, "arp-#%u", op);
		break;
	}
	if (hrd != ARPHRD_ETHER)
		cabo_strbuf_printf(sb, " hardware #%u", hrd);
}

static void format_packet(struct cabo_printout *po, const struct cabo_packet *p)
{
	struct arpprint *ap = (struct arpprint *)po;
	const uint8_t *eh;
	const uint8_t *a = find_arp(p, &eh);
	if (!a)
		return;
	struct cabo_strbuf *sb = &po->line;
	if (po->label && *po->label)
		cabo_strbuf_printf(sb, "%s: ", po->label);
	if (ap->timestamp) {
		cabo_printout_timestamp(sb, p->anno.timestamp_ns);
		cabo_strbuf_puts(sb, ": ");
	}
	if (ap->ether && eh) {
		put_hw(sb, eh + ETHER_SRC, ETHER_ALEN);
		cabo_strbuf_puts(sb, " > ");
		put_hw(sb, eh + ETHER_DST, ETHER_ALEN);
		cabo_strbuf_puts(sb, ": ");
	}
	format_arp(sb, a, (size_t)(p->data + p->length - a));
	cabo_strbuf_putc(sb, '\n');
}

static const struct cabo_handler arpprint_handlers[] = {
	{ "active", cabo_read_bool_field, cabo_write_bool_field, CABO_FIELD(struct arpprint, po.active), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(arpprint_class) = {
	.name = "ARPPrint", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct arpprint), .configure = arpprint_configure,
	.initialize = cabo_printout_initialize, .cleanup = cabo_printout_cleanup,
	.push = cabo_printout_push, .pull = cabo_printout_pull, .handlers = arpprint_handlers,
};

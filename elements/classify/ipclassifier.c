/*
 * =c
 * IPClassifier(PATTERN_1, ..., PATTERN_N)
 * =s
 * classifies IP packets by contents
 * =ports
 * 1 input, any number of outputs (one per pattern)
 * =processing
 * push
 * =d
 * Classifies IP packets by tcpdump(1)-like patterns: a packet goes to the
 * output of the first pattern it matches, and is dropped (counted as "no
 * pattern matched") if it matches none.  There must be exactly one pattern
 * per output port.
 *
 * The IP header is where the packet's network header annotation points
 * (CheckIPHeader, MarkIPHeader, and FromDump for IP frames set it); a packet
 * without one is taken to start with its IP header (Click requires the
 * annotation).  The transport header starts right after the IP header and
 * its options (4 * IHL bytes in).
 *
 * A pattern is built from primitives:
 *
 * "ip proto PROTO": PROTO is a protocol name (icmp, igmp, ipip, tcp, udp,
 * and tcpudp for "TCP or UDP") or number.
 *
 * "[SRCORDST] host IPADDR": the packet's source and/or destination address;
 * SRCORDST is "src", "dst", "src or dst" (the default) or "src and dst".
 *
 * "[SRCORDST] net NETADDR": NETADDR is "IPADDR/BITS" or "IPADDR mask MASK".
 *
 * "[SRCORDST] [tcp | udp] port PORT": PORT is a number or a name (echo,
 * discard, daytime, chargen, ftp-data, ftp, ssh, telnet, smtp, domain, dns,
 * bootps, bootpc, tftp, finger, www, pop3, sunrpc, auth, nntp, ntp,
 * netbios-ns, netbios-dgm, netbios-ssn, snmp, snmp-trap, irc, imap3, https,
 * rip, route, imaps, pop3s).  Without "tcp" or "udp" either protocol is
 * accepted.
 *
 * "ip vers V", "ip hl HL", "ip id ID", "ip len LEN", "ip tos TOS", "ip
 * dscp DSCP", "ip ttl TTL": IP header fields.  "ip ect" and "ip ce": the ECN
 * bits say ECN-capable transport, or congestion experienced.  "ip frag":
 * fragments (more-fragments bit or a nonzero offset); "ip unfrag": not
 * fragments.
 *
 * "tcp opt OPT": TCP packets with flag OPT set (syn, fin, ack, rst, psh,
 * urg).  "tcp win WIN": the TCP window field.  "icmp type TYPE": a number or
 * a name (echo-reply, unreachable, sourcequench, redirect, echo,
 * routeradvert, routersolicit, timeexceeded, parameterproblem, timestamp,
 * timestamp-reply, inforeq, inforeq-reply, maskreq, maskreq-reply).
 *
 * "ip[POS:LEN] VALUE": the LEN bytes (1 to 4, within one aligned 4-byte
 * word) at byte POS of the IP header; "ip[POS]" is "ip[POS:1]".
 * "transp[POS:LEN]", "tcp[POS:LEN]", "udp[...]", "icmp[...]": the same in the
 * transport header (the protocol ones also check the protocol).
 *
 * "true" matches every packet, "false" none.
 *
 * Primitives combine with "and", "or", "not" (or "&&", "||", "!"),
 * parentheses, and "C ? A : B" (spaces around the colon); two primitives
 * side by side mean "and".  Every primitive but "tcp opt" takes a relation
 * before its value, "==" (the default) or "!="; integer ones also "<", ">",
 * "<=" and ">=", and most take a mask: "src tcp port & 0xff00 == 0x1200".
 * "src tcp port != 5" matches TCP packets whose source port is not 5, unlike
 * "not src tcp port 5", which also matches non-TCP packets; the same holds
 * for the other port, ICMP type and TCP relations.  Port, ICMP type, TCP
 * option and window, and transport field tests match first fragments only.
 *
 * Much may be left out: "tcp" is "ip proto tcp", "www" is "port www", "syn"
 * is "tcp opt syn", "10.0.0.0/8" is "net 10.0.0.0/8", "unfrag" is "ip
 * unfrag", and a bare value repeats the previous primitive's qualifiers:
 * "src port 80 or 81" is "src port 80 or src port 81".  A pattern that is
 * just "-", "any" or "all" matches every packet.
 *
 * A primitive never matches a packet too short to hold the header fields
 * it examines (so its negation does).
 *
 * The patterns are compiled into decision trees of 32-bit word tests (the
 * Classifier's compiler), with the transport header at a fixed offset: an
 * optimized tree for IP headers without options, and, when some pattern
 * looks past the IP header, a simpler tree (the patterns' tests in order)
 * for each other header length.  A pattern no packet can match draws the
 * warning "output N matches no packets"; Click's errors and warnings (for
 * instance "pattern 1: 'echo' is ambiguous; try 'port echo', 'icmp type
 * echo'") report bad patterns.  Differences from Click: no "ether host"
 * primitive, names from the built-in tables only (not /etc/services), no
 * "patternN" handlers, and a packet too short for a field never matches a
 * test of it (Click's answer depends on how the test was compiled).
 * =h program read
 * The decision tree for IP headers without options, in Click's format
 * (see Classifier): offsets are from the start of the IP header.
 * =e
 *   FromDump(trace.pcap, STOP true) -> Strip(14)
 *   -> c :: IPClassifier(tcp dst port www and syn,
 *                        src net 10.0.0.0/8 and icmp type echo,
 *                        udp port dns or ntp,
 *                        -);
 *   c[0] -> Discard; c[1] -> Discard; c[2] -> Discard; c[3] -> Discard;
 * =a
 * IPFilter, Classifier, CheckIPHeader, MarkIPHeader, tcpdump(1)
 */
#include <stdlib.h>

#include "element.h"
#include "ipexpr.h"

struct ipclassifier {
	struct cabo_element e;
	struct ipx_matcher m;
};

enum { DROP_NO_MATCH };
static const char *const drop_reasons[] = {
	"no pattern matched",
	NULL,
};

static int ipclassifier_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct ipclassifier *c = (struct ipclassifier *)e;
	/* Every argument is a pattern, even one that looks like a keyword. */
	const char *const *patterns = (const char *const *)a->argv;
	unsigned n = a->argc;
	for (unsigned i = 0; i < n; i++)
		a->used[i] = true;
	if (n != e->noutputs) {
		a->failed = true;
		return cabo_errh_error(a->errh, "need %u arguments, one per output port",
				       e->noutputs);
	}
	struct ipx_set s;
	int rc = ipx_parse(&s, patterns, n, e->noutputs, false, a->errh);
	if (!rc)
		rc = ipx_compile(&c->m, &s, a->errh);
	if (!rc) {
		bool *used = cabo_xcalloc(n + 1, sizeof *used);
		ipx_matcher_outputs(&c->m, &s, used, n);
		for (unsigned i = 0; i < n; i++)
			if (!used[i])
				cabo_errh_warning(a->errh, cabo_landmark_none(),
						  "output %u matches no packets", i);
		free(used);
	}
	ipx_set_free(&s);
	if (rc < 0) {
		a->failed = true;
		return rc;
	}
	return cabo_args_complete(a);
}

static void ipclassifier_cleanup(struct cabo_element *e)
{
	ipx_matcher_free(&((struct ipclassifier *)e)->m);
}

static void ipclassifier_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	const struct ipx_matcher *m = &((struct ipclassifier *)e)->m;
	int ports[CABO_BATCH_MAX];
	for (unsigned i = 0; i < b->count; i++) {
		uint32_t len, readable;
		const uint8_t *nh = ipx_packet_header(b->p[i], &len, &readable);
		ports[i] = ipx_match(m, nh, len, readable);
	}
	cabo_output_push_each(e, b, ports, DROP_NO_MATCH);
}

static int read_program(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	ipx_matcher_unparse(&((struct ipclassifier *)e)->m, &sb);
	if (sb.length && sb.data[sb.length - 1] == '\n')
		sb.length--;
	cabo_strbuf_append(out, sb.data ? sb.data : "", sb.length);
	cabo_strbuf_free(&sb);
	return 0;
}

static const struct cabo_handler ipclassifier_handlers[] = {
	{ "program", read_program, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(ipclassifier_class) = {
	.name = "IPClassifier", .port_count = "1/-", .processing = "h/h",
	.size = sizeof(struct ipclassifier), .flags = CABO_CLASS_THREAD_SAFE,
	.configure = ipclassifier_configure, .cleanup = ipclassifier_cleanup,
	.push = ipclassifier_push, .handlers = ipclassifier_handlers,
	.drop_reasons = drop_reasons,
};

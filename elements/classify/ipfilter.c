/*
 * =c
 * IPFilter(ACTION_1 PATTERN_1, ..., ACTION_N PATTERN_N)
 * =s
 * filters IP packets by contents
 * =ports
 * 1 input, any number of outputs
 * =processing
 * push
 * =d
 * Filters IP packets by a list of rules, each an ACTION followed by a
 * tcpdump(1)-like PATTERN in IPClassifier's syntax.  A packet takes the
 * action of the first rule whose pattern it matches.  ACTION is an output
 * port number; "allow", which means output 0; or "drop" (also "deny"), which
 * drops the packet (counted as "dropped by a rule").  A packet that matches
 * no rule is dropped too (counted as "no pattern matched").  A rule with no
 * pattern, or the pattern "-", "any" or "all", matches every packet.
 *
 * As for IPClassifier, the IP header is where the network header annotation
 * points, or the start of the data when it is not set (a Cabo extension),
 * and the rules are compiled into decision trees of word tests.  Errors name
 * the rule ("pattern 3: unknown slot ID 'alow'"); "deny" in an element with
 * more than one output draws Click's warning that it now means "drop".
 * =h program read
 * The decision tree for IP headers without options, in Click's format
 * (see Classifier); "[X]" means drop.
 * =e
 *   // let in web traffic and pings for 10.0.0.0/24, drop the rest
 *   MarkIPHeader(14)
 *   -> IPFilter(allow dst net 10.0.0.0/24 && tcp dst port www,
 *               allow dst net 10.0.0.0/24 && icmp type echo,
 *               deny all)
 *   -> Queue -> ToDevice(eth1);
 * =a
 * IPClassifier, Classifier, CheckIPHeader, MarkIPHeader, tcpdump(1)
 */
#include "element.h"
#include "ipexpr.h"

struct ipfilter {
	struct cabo_element e;
	struct ipx_matcher m;
};

enum { DROP_NO_MATCH, DROP_RULE };
static const char *const drop_reasons[] = {
	"no pattern matched",
	"dropped by a rule",
	NULL,
};

static int ipfilter_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct ipfilter *f = (struct ipfilter *)e;
	const char *const *rules = (const char *const *)a->argv;
	unsigned n = a->argc;
	for (unsigned i = 0; i < n; i++)
		a->used[i] = true;
	struct ipx_set s;
	int rc = ipx_parse(&s, rules, n, e->noutputs, true, a->errh);
	if (!rc)
		rc = ipx_compile(&f->m, &s, a->errh);
	ipx_set_free(&s);
	if (rc < 0) {
		a->failed = true;
		return rc;
	}
	return cabo_args_complete(a);
}

static void ipfilter_cleanup(struct cabo_element *e)
{
	ipx_matcher_free(&((struct ipfilter *)e)->m);
}

static void ipfilter_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	const struct ipx_matcher *m = &((struct ipfilter *)e)->m;
	int ports[CABO_BATCH_MAX];
	unsigned kept = 0;
	for (unsigned i = 0; i < b->count; i++) {
		struct cabo_packet *p = b->p[i];
		uint32_t len, readable;
		const uint8_t *nh = ipx_packet_header(p, &len, &readable);
		int out = ipx_match(m, nh, len, readable);
		if (out == IPX_DROPPED) {
			cabo_element_drop(e, p, DROP_RULE);
			continue;
		}
		ports[kept] = out;
		b->p[kept++] = p;
	}
	b->count = kept;
	cabo_output_push_each(e, b, ports, DROP_NO_MATCH);
}

static int read_program(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	ipx_matcher_unparse(&((struct ipfilter *)e)->m, &sb);
	if (sb.length && sb.data[sb.length - 1] == '\n')
		sb.length--;
	cabo_strbuf_append(out, sb.data ? sb.data : "", sb.length);
	cabo_strbuf_free(&sb);
	return 0;
}

static const struct cabo_handler ipfilter_handlers[] = {
	{ "program", read_program, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(ipfilter_class) = {
	.name = "IPFilter", .port_count = "1/-", .processing = "h/h",
	.size = sizeof(struct ipfilter), .flags = CABO_CLASS_THREAD_SAFE,
	.configure = ipfilter_configure, .cleanup = ipfilter_cleanup,
	.push = ipfilter_push, .handlers = ipfilter_handlers,
	.drop_reasons = drop_reasons,
};

/* The full Internet table used by the route-table test and benchmark:
 * $CABO_DATA/prefixes/bart__prefixes.txt.gz, one prefix a line
 * (`1.0.0.0/24'), IPv4 and IPv6 mixed; IPv6 lines are skipped.  Each prefix
 * gets a synthetic next hop: one of 8 outputs and one of 100 gateways or
 * none (808 pairs, within DirectIPLookup's 1023). */
#ifndef CABO_TEST_LPM_DATA_H
#define CABO_TEST_LPM_DATA_H

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../elements/iproute/iproute.h"

struct lpm_prefix {
	uint32_t addr;      /* host order, host bits clear */
	uint8_t len;
};

/* The path of the table, or NULL when the data directory is unknown. */
static char *lpm_data_path(void)
{
	const char *data = getenv("CABO_DATA");
	const char *top = getenv("top_srcdir");
	if (data && *data)
		return cabo_xasprintf("%s/prefixes/bart__prefixes.txt.gz", data);
	if (top && *top)
		return cabo_xasprintf("%s/../shared/data/prefixes/bart__prefixes.txt.gz", top);
	return NULL;
}

/* Reads the IPv4 prefixes (through zcat); returns how many, or 0 when the
 * file cannot be read. */
static size_t lpm_read_prefixes(const char *path, struct lpm_prefix **out)
{
	if (!path)
		return 0;
	FILE *probe = fopen(path, "r");
	if (!probe)
		return 0;
	fclose(probe);
	char *cmd = cabo_xasprintf("zcat '%s'", path);
	FILE *f = popen(cmd, "r");
	free(cmd);
	if (!f)
		return 0;
	size_t n = 0, cap = 1 << 20;
	struct lpm_prefix *p = cabo_xmalloc(cap * sizeof *p);
	char line[128];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		uint32_t addr, mask;
		if (strchr(line, ':') || !cabo_parse_ip4_prefix(line, &addr, &mask))
			continue;
		if (n == cap)
			p = cabo_xrealloc(p, (cap *= 2) * sizeof *p);
		uint32_t m = ntohl(mask);
		p[n].addr = ntohl(addr) & m;
		p[n].len = (uint8_t)(m ? 32 - __builtin_ctz(m) : 0);
		n++;
	}
	if (pclose(f) != 0 && n == 0) {
		free(p);
		return 0;
	}
	*out = p;
	return n;
}

/* The synthetic next hop of value v: output v % 8, gateway 10.255.0.(v/8 % 101)
 * or none when that is 0. */
static inline int32_t lpm_value_port(uint32_t v)
{
	return (int32_t)(v % 8);
}

static inline uint32_t lpm_value_gw(uint32_t v)
{
	uint32_t g = v / 8 % 101;
	return g ? htonl(0x0aff0000u | g) : 0;
}

static inline struct cabo_iproute lpm_route(uint32_t addr, unsigned len, uint32_t value)
{
	struct cabo_iproute r;
	r.addr = htonl(addr);
	r.mask = htonl(len ? ~(uint32_t)0 << (32 - len) : 0);
	r.gw = lpm_value_gw(value);
	r.port = lpm_value_port(value);
	return r;
}

static inline uint64_t lpm_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#endif

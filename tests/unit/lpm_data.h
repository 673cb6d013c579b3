/* The full Internet table used by the route-table test and benchmark:
 * $CABO_DATA/prefixes/bart__prefixes.txt.gz, one prefix a line
 * (`1.0.0.0/24'), IPv4 and IPv6 mixed; IPv6 lines are skipped.  Each prefix
 * gets a synthetic next hop: one of 8 outputs and one of 100 gateways or
 * none (808 pairs, within DirectIPLookup's 1023). */
#ifndef CABO_TEST_LPM_DATA_H
#define CABO_TEST_LPM_DATA_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../elements/iproute/iproute.h"
#include "prefix_data.h"

struct lpm_prefix {
	uint32_t addr;      /* host order, host bits clear */
	uint8_t len;
};

/* The path of the table, or NULL when the data directory is unknown. */
static char *lpm_data_path(void)
{
	return prefix_data_path("bart__prefixes.txt.gz");
}

static bool lpm_parse_line(char *line, void *prefix)
{
	struct lpm_prefix *p = prefix;
	line[strcspn(line, "\r\n")] = 0;
	uint32_t addr, mask;
	if (strchr(line, ':') || !cabo_parse_ip4_prefix(line, &addr, &mask))
		return false;
	uint32_t m = ntohl(mask);
	p->addr = ntohl(addr) & m;
	p->len = (uint8_t)(m ? 32 - __builtin_ctz(m) : 0);
	return true;
}

/* Reads the IPv4 prefixes (through zcat); returns how many, or 0 when the
 * file cannot be read. */
static size_t lpm_read_prefixes(const char *path, struct lpm_prefix **out)
{
	void *p;
	size_t n = prefix_data_read(path, sizeof **out, 1 << 20, lpm_parse_line, &p);
	if (n)
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

#endif

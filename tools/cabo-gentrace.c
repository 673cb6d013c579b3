/* cabo-gentrace: writes a pcap of synthetic Ethernet/IPv4/UDP frames for tests
 * and benchmarks: random addresses and ports, frame sizes drawn uniformly
 * from a range, valid IP checksums, reproducible from a seed.  Options pin
 * the addresses to subnets (random hosts within them, never the all-zeros or
 * all-ones host of a subnet of 4 addresses or more), the TTL, the Don't
 * Fragment flag and the Ethernet addresses, to make traces a router
 * configuration forwards (confs/iprouter.click).
 *
 * Usage: cabo-gentrace -n COUNT [-s MIN-MAX] [-r SEED] [-S SRCNET/LEN]
 *          [-d DSTNET/LEN] [-t TTL] [-D] [-e SRCMAC,DSTMAC] -o FILE */
#include <arpa/inet.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ETHER_LEN = 14, IP_LEN = 20, UDP_LEN = 8, MIN_FRAME = ETHER_LEN + IP_LEN + UDP_LEN,
       MAX_FRAME = 1514 };

struct subnet {
	uint32_t addr, mask;    /* host byte order; mask 0: any address */
};

struct settings {
	unsigned long count;
	unsigned min_size, max_size;
	uint64_t seed;
	const char *output;
	struct subnet src, dst;
	unsigned ttl;
	bool df;
	uint8_t macs[12];       /* destination, then source */
};

/* xorshift64*: fast, reproducible, good enough for traffic. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned ip_checksum(const uint8_t *h)
{
	uint32_t sum = 0;
	for (int i = 0; i < IP_LEN; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* A random address within net; hosts of subnets of 4 addresses or more are
 * never the network or broadcast address. */
static uint32_t pick(const struct subnet *net, uint32_t r)
{
	uint32_t host = r & ~net->mask;
	if (net->mask && ~net->mask >= 3)
		host = 1 + host % (~net->mask - 1);
	return net->addr | host;
}

static void make_frame(uint8_t *f, unsigned size, uint64_t *rng, const struct settings *s)
{
	memset(f, 0, size);
	memcpy(f, s->macs, sizeof s->macs);
	put16(f + 12, 0x0800);
	uint8_t *ip = f + ETHER_LEN;
	uint64_t r = next_random(rng);
	ip[0] = 0x45;
	put16(ip + 2, size - ETHER_LEN);
	put16(ip + 4, (unsigned)(r & 0xffff));
	if (s->df)
		ip[6] = 0x40;
	ip[8] = (uint8_t)s->ttl;
	ip[9] = 17;
	uint32_t src = pick(&s->src, (uint32_t)(next_random(rng) >> 32));
	uint32_t dst = pick(&s->dst, (uint32_t)(next_random(rng) >> 32));
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	put16(ip + 10, ip_checksum(ip));
	uint8_t *udp = ip + IP_LEN;
	put16(udp, (unsigned)(r >> 16) & 0xffff);
	put16(udp + 2, (unsigned)(r >> 32) & 0xffff);
	put16(udp + 4, size - ETHER_LEN - IP_LEN);
}

static bool parse_subnet(const char *arg, struct subnet *net)
{
	char a[32];
	unsigned len = 32;
	struct in_addr in;
	int n = 0;
	if (sscanf(arg, "%31[0-9.]%n/%u%n", a, &n, &len, &n) < 1 || arg[n] || len > 32
	    || inet_pton(AF_INET, a, &in) != 1)
		return false;
	net->mask = len ? ~0u << (32 - len) : 0;
	net->addr = ntohl(in.s_addr) & net->mask;
	return true;
}

static bool parse_macs(const char *arg, uint8_t *macs)
{
	unsigned m[12];
	int n = 0;
	if (sscanf(arg, "%x:%x:%x:%x:%x:%x,%x:%x:%x:%x:%x:%x%n", &m[6], &m[7], &m[8], &m[9],
		   &m[10], &m[11], &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &n) != 12 || arg[n])
		return false;
	for (int i = 0; i < 12; i++) {
		if (m[i] > 255)
			return false;
		macs[i] = (uint8_t)m[i];
	}
	return true;
}

static const char usage[] =
	"usage: cabo-gentrace -n COUNT [-s MIN-MAX] [-r SEED] [-S SRCNET/LEN] [-d DSTNET/LEN]\n"
	"                     [-t TTL] [-D] [-e SRCMAC,DSTMAC] -o FILE\n";

static int parse(int argc, char **argv, struct settings *s)
{
	static const uint8_t macs[12] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
					  0x00, 0x66, 0x77, 0x88, 0x99, 0xaa };
	int c;
	*s = (struct settings){ .min_size = 64, .max_size = 64, .seed = 1, .ttl = 64 };
	memcpy(s->macs, macs, sizeof macs);
	while ((c = getopt(argc, argv, "n:s:r:o:S:d:t:De:")) != -1) {
		switch (c) {
		case 'n': s->count = strtoul(optarg, NULL, 10); break;
		case 's':
			if (sscanf(optarg, "%u-%u", &s->min_size, &s->max_size) != 2)
				s->max_size = s->min_size = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'r': s->seed = strtoull(optarg, NULL, 10) | 1; break;
		case 'o': s->output = optarg; break;
		case 'S':
		case 'd':
			if (!parse_subnet(optarg, c == 'S' ? &s->src : &s->dst)) {
				fprintf(stderr, "cabo-gentrace: -%c: expected ADDR/LEN, got '%s'\n", c, optarg);
				return -1;
			}
			break;
		case 't':
			s->ttl = (unsigned)strtoul(optarg, NULL, 10);
			if (s->ttl > 255) {
				fputs("cabo-gentrace: -t: TTL must be within 0-255\n", stderr);
				return -1;
			}
			break;
		case 'D': s->df = true; break;
		case 'e':
			if (!parse_macs(optarg, s->macs)) {
				fprintf(stderr, "cabo-gentrace: -e: expected SRCMAC,DSTMAC, got '%s'\n", optarg);
				return -1;
			}
			break;
		default: fputs(usage, stderr); return -1;
		}
	}
	if (!s->count || !s->output) {
		fputs(usage, stderr);
		return -1;
	}
	if (s->min_size < MIN_FRAME || s->max_size > MAX_FRAME || s->min_size > s->max_size) {
		fprintf(stderr, "cabo-gentrace: -s: sizes must be within %d-%d\n", MIN_FRAME, MAX_FRAME);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct settings s;
	if (parse(argc, argv, &s) < 0)
		return 1;
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, MAX_FRAME);
	pcap_dumper_t *out = dead ? pcap_dump_open(dead, s.output) : NULL;
	if (!out) {
		fprintf(stderr, "cabo-gentrace: %s: %s\n", s.output, dead ? pcap_geterr(dead) : "pcap");
		return 1;
	}
	uint64_t rng = s.seed * 0x9E3779B97F4A7C15ULL | 1;
	uint8_t frame[MAX_FRAME];
	for (unsigned long i = 0; i < s.count; i++) {
		unsigned size = s.min_size + (unsigned)(next_random(&rng) % (s.max_size - s.min_size + 1));
		make_frame(frame, size, &rng, &s);
		struct pcap_pkthdr h = { { (time_t)(1700000000 + i / 1000000), (suseconds_t)(i % 1000000) },
					 size, size };
		pcap_dump((u_char *)out, &h, frame);
	}
	pcap_dump_close(out);
	pcap_close(dead);
	return 0;
}

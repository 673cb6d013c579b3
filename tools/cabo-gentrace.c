/* cabo-gentrace: writes a pcap of synthetic Ethernet/IPv4/UDP frames for tests
 * and benchmarks: random addresses and ports, frame sizes drawn uniformly
 * from a range, valid IP checksums, reproducible from a seed.
 *
 * Usage: cabo-gentrace -n COUNT [-s MIN-MAX] [-r SEED] -o FILE */
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ETHER_LEN = 14, IP_LEN = 20, UDP_LEN = 8, MIN_FRAME = ETHER_LEN + IP_LEN + UDP_LEN,
       MAX_FRAME = 1514 };

struct settings {
	unsigned long count;
	unsigned min_size, max_size;
	uint64_t seed;
	const char *output;
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

static void make_frame(uint8_t *f, unsigned size, uint64_t *rng)
{
	static const uint8_t macs[12] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
					  0x00, 0x66, 0x77, 0x88, 0x99, 0xaa };
	memset(f, 0, size);
	memcpy(f, macs, sizeof macs);
	put16(f + 12, 0x0800);
	uint8_t *ip = f + ETHER_LEN;
	uint64_t r = next_random(rng);
	ip[0] = 0x45;
	put16(ip + 2, size - ETHER_LEN);
	put16(ip + 4, (unsigned)(r & 0xffff));
	ip[8] = 64;
	ip[9] = 17;
	uint32_t src = (uint32_t)(next_random(rng) >> 32), dst = (uint32_t)(next_random(rng) >> 32);
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

static int parse(int argc, char **argv, struct settings *s)
{
	int c;
	*s = (struct settings){ 0, 64, 64, 1, NULL };
	while ((c = getopt(argc, argv, "n:s:r:o:")) != -1) {
		switch (c) {
		case 'n': s->count = strtoul(optarg, NULL, 10); break;
		case 's':
			if (sscanf(optarg, "%u-%u", &s->min_size, &s->max_size) != 2)
				s->max_size = s->min_size = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'r': s->seed = strtoull(optarg, NULL, 10) | 1; break;
		case 'o': s->output = optarg; break;
		default: return -1;
		}
	}
	if (!s->count || !s->output) {
		fputs("usage: cabo-gentrace -n COUNT [-s MIN-MAX] [-r SEED] -o FILE\n", stderr);
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
		make_frame(frame, size, &rng);
		struct pcap_pkthdr h = { { (time_t)(1700000000 + i / 1000000), (suseconds_t)(i % 1000000) },
					 size, size };
		pcap_dump((u_char *)out, &h, frame);
	}
	pcap_dump_close(out);
	pcap_close(dead);
	return 0;
}

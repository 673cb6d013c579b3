/* Reading tcpdump trace files (see dumpreader.h). */
#include "dumpreader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "encap.h"
#include "strbuf.h"

enum {
	BUFFER_SIZE = 1 << 20,            /* read buffer: holds any record */
	RELEASE_STEP = 32 << 20,          /* mapped bytes read before dropping them */
	NS_PER_SEC = 1000000000,
	PAGE = 4096,
};

void cabo_dumpreader_init(struct cabo_dumpreader *r)
{
	memset(r, 0, sizeof *r);
	r->fd = -1;
	r->dlt = -1;
	r->name = "";
}

/* ---- Getting bytes: a mapped file, or a buffer refilled with read() */

/* Regular files are mapped whole: no copy through a buffer.  Returns -1 when
 * the file cannot be mapped (a pipe, an empty file): then it is read. */
static int map_file(struct cabo_dumpreader *r)
{
	struct stat st;
	if (fstat(r->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > SIZE_MAX)
		return -1;
	/* Mapping the pages in up front costs one pass in the kernel instead of
	 * a page fault every 4 KiB while packets flow (6-8% of a fast
	 * pipeline); files past 1 GiB fault in as they are read, so a huge
	 * trace starts at once. */
	int flags = MAP_SHARED | (st.st_size <= (1 << 30) ? MAP_POPULATE : 0);
	void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, flags, r->fd, 0);
	if (map == MAP_FAILED)
		return -1;
	(void)madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
	r->buf = map;
	r->len = (size_t)st.st_size;
	r->mapped = true;
	r->file_eof = true;
	return 0;
}

void cabo_dumpreader_release(struct cabo_dumpreader *r)
{
	if (!r->mapped || r->pos - r->released < RELEASE_STEP)
		return;
	size_t upto = r->pos & ~(size_t)(PAGE - 1);
	(void)madvise(r->buf + r->released, upto - r->released, MADV_DONTNEED);
	r->released = upto;
}

/* Makes at least `need` unread bytes available at buf + pos unless the file
 * ends first.  Returns -1 (errmsg set) on a read error. */
static int refill(struct cabo_dumpreader *r, size_t need)
{
	if (r->mapped)
		return 0;   /* the whole file is there already */
	size_t have = r->len - r->pos;
	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, have);
		r->pos = 0;
		r->len = have;
	}
	while (r->len < need && !r->file_eof) {
		ssize_t got = read(r->fd, r->buf + r->len, BUFFER_SIZE - r->len);
		if (got > 0)
			r->len += (size_t)got;
		else if (got == 0)
			r->file_eof = true;
		else if (errno != EINTR) {
			snprintf(r->errmsg, sizeof r->errmsg, "%s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* ---- Classic pcap */

static inline uint32_t get32(const uint8_t *p, bool swapped)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

static int truncated(struct cabo_dumpreader *r, size_t need)
{
	snprintf(r->errmsg, sizeof r->errmsg,
		 "truncated dump file; record needs %zu bytes, only %zu left", need,
		 r->len - r->pos);
	return -1;
}

static int peek_pcap(struct cabo_dumpreader *r, struct cabo_dump_record *rec)
{
	size_t hs = r->header_size;
	if (r->len - r->pos < hs) {
		if (refill(r, hs) < 0)
			return -1;
		if (r->len - r->pos < hs)
			return r->len == r->pos ? 0 : truncated(r, hs);
	}
	const uint8_t *h = r->buf + r->pos;
	uint32_t sec = get32(h, r->swapped), subsec = get32(h + 4, r->swapped);
	uint32_t caplen = get32(h + 8, r->swapped), len = get32(h + 12, r->swapped);
	/* Files before version 2.4 may have the two lengths the other way round. */
	if (r->length_swap == 2 || (r->length_swap == 1 && caplen > len)) {
		uint32_t t = caplen;
		caplen = len;
		len = t;
	}
	if (caplen > CABO_DUMP_MAX_CAPLEN) {
		snprintf(r->errmsg, sizeof r->errmsg,
			 "bad packet header (captured length %u, more than %u); giving up",
			 caplen, (unsigned)CABO_DUMP_MAX_CAPLEN);
		return -1;
	}
	size_t need = hs + caplen;
	if (r->len - r->pos < need) {
		if (refill(r, need) < 0)
			return -1;
		if (r->len - r->pos < need)
			return truncated(r, need);
		h = r->buf + r->pos;
	}
	rec->data = h + hs;
	rec->caplen = caplen > r->snaplen ? r->snaplen : caplen;
	rec->ts = (int64_t)sec * NS_PER_SEC + (int64_t)subsec * r->subsec_ns;
	r->record_size = need;
	return 1;
}

static int open_pcap(struct cabo_dumpreader *r, struct cabo_errh *errh)
{
	if (r->len < 24)
		return cabo_errh_error(errh, "%s: not a tcpdump file (too short)", r->name);
	uint32_t magic;
	memcpy(&magic, r->buf, 4);
	r->swapped = magic != 0xa1b2c3d4 && magic != 0xa1b23c4d && magic != 0xa1b2cd34;
	if (r->swapped)
		magic = __builtin_bswap32(magic);
	r->subsec_ns = magic == 0xa1b23c4d ? 1 : 1000;
	r->header_size = magic == 0xa1b2cd34 ? 24 : 16;   /* Kuznetzov's modified pcap */
	uint16_t major, minor;
	memcpy(&major, r->buf + 4, 2);
	memcpy(&minor, r->buf + 6, 2);
	if (r->swapped) {
		major = __builtin_bswap16(major);
		minor = __builtin_bswap16(minor);
	}
	if (major != 2)
		return cabo_errh_error(errh, "%s: unknown major version %u", r->name, major);
	r->length_swap = minor < 3 ? 2 : minor == 3 ? 1 : 0;
	r->snaplen = get32(r->buf + 16, r->swapped);
	if (r->snaplen == 0 || r->snaplen > CABO_DUMP_MAX_CAPLEN)
		r->snaplen = CABO_DUMP_MAX_CAPLEN;
	r->dlt = cabo_encap_from_linktype(get32(r->buf + 20, r->swapped));
	r->pos = 24;
	r->format = CABO_DUMP_PCAP;
	r->native = !r->swapped && r->header_size == 16 && r->length_swap != 2;
	return 0;
}

/* ---- pcapng, through libpcap */

/* libpcap reads through a stream that first returns the bytes already read
 * to recognise the format, so pipes work too. */
static ssize_t stream_read(void *cookie, char *out, size_t n)
{
	struct cabo_dumpreader *r = cookie;
	if (r->pos < r->len) {
		size_t k = r->len - r->pos < n ? r->len - r->pos : n;
		memcpy(out, r->buf + r->pos, k);
		r->pos += k;
		return (ssize_t)k;
	}
	if (r->mapped)
		return 0;
	for (;;) {
		ssize_t got = read(r->fd, out, n);
		if (got >= 0 || errno != EINTR)
			return got;
	}
}

static int stream_close(void *cookie)
{
	return 0;   /* the reader closes its descriptor itself */
}

static int open_pcapng(struct cabo_dumpreader *r, struct cabo_errh *errh)
{
	cookie_io_functions_t io = { .read = stream_read, .close = stream_close };
	r->stream = fopencookie(r, "r", io);
	if (!r->stream)
		return cabo_errh_error(errh, "%s: %s", r->name, strerror(errno));
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	r->pcap = pcap_fopen_offline_with_tstamp_precision(r->stream, PCAP_TSTAMP_PRECISION_NANO,
							  errbuf);
	if (!r->pcap)
		return cabo_errh_error(errh, "%s: %s", r->name, errbuf);
	r->dlt = pcap_datalink(r->pcap);
	r->snaplen = (uint32_t)pcap_snapshot(r->pcap);
	r->format = CABO_DUMP_PCAPNG;
	return 0;
}

static int peek_pcapng(struct cabo_dumpreader *r, struct cabo_dump_record *rec)
{
	if (!r->ng_pending) {
		struct pcap_pkthdr *h;
		const u_char *data;
		int x = pcap_next_ex(r->pcap, &h, &data);
		if (x == PCAP_ERROR_BREAK)
			return 0;
		if (x != 1) {
			snprintf(r->errmsg, sizeof r->errmsg, "%s", pcap_geterr(r->pcap));
			return -1;
		}
		r->ng_header = h;
		r->ng_data = data;
		r->ng_pending = true;
	}
	rec->data = r->ng_data;
	rec->caplen = r->ng_header->caplen;
	/* pcapng has 64-bit times: keep them in classic pcap's range. */
	int64_t sec = r->ng_header->ts.tv_sec;
	sec = sec < 0 ? 0 : sec > (int64_t)UINT32_MAX ? (int64_t)UINT32_MAX : sec;
	int64_t subsec = r->ng_header->ts.tv_usec;
	subsec = subsec < 0 ? 0 : subsec >= NS_PER_SEC ? NS_PER_SEC - 1 : subsec;
	rec->ts = sec * NS_PER_SEC + subsec;
	return 1;
}

/* ---- Interface */

int cabo_dumpreader_open(struct cabo_dumpreader *r, const char *filename, struct cabo_errh *errh)
{
	bool stdin_ = strcmp(filename, "-") == 0;
	r->name = stdin_ ? "<stdin>" : filename;
	r->fd = stdin_ ? dup(STDIN_FILENO) : open(filename, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0)
		return cabo_errh_error(errh, "%s: %s", r->name, strerror(errno));
	if (map_file(r) < 0)
		r->buf = cabo_xmalloc(BUFFER_SIZE);
	if (refill(r, 24) < 0)
		return cabo_errh_error(errh, "%s: %s", r->name, r->errmsg);
	if (r->len == 0)
		return cabo_errh_error(errh, "%s: empty file", r->name);
	if (r->len < 4)
		return cabo_errh_error(errh, "%s: not a tcpdump file (too short)", r->name);

	uint32_t magic;
	memcpy(&magic, r->buf, 4);
	if (magic == 0x0A0D0D0A)   /* pcapng section header block */
		return open_pcapng(r, errh);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d || magic == 0xa1b2cd34 ||
	    magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1 || magic == 0x34cdb2a1)
		return open_pcap(r, errh);
	return cabo_errh_error(errh, "%s: not a tcpdump file (bad magic number)", r->name);
}

int cabo_dumpreader_peek_any(struct cabo_dumpreader *r, struct cabo_dump_record *rec)
{
	if (r->done)
		return 0;
	int x = r->format == CABO_DUMP_PCAP ? peek_pcap(r, rec) : peek_pcapng(r, rec);
	if (x <= 0) {
		r->done = true;
		r->native = false;   /* nothing more, even if bytes are left */
	}
	return x;
}

long long cabo_dumpreader_filesize(const struct cabo_dumpreader *r)
{
	struct stat st;
	if (r->fd >= 0 && fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode))
		return (long long)st.st_size;
	return -1;
}

void cabo_dumpreader_close(struct cabo_dumpreader *r)
{
	if (r->pcap)
		pcap_close(r->pcap);   /* closes the stream too */
	else if (r->stream)
		fclose(r->stream);
	r->pcap = NULL;
	r->stream = NULL;
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	if (r->mapped)
		munmap(r->buf, r->len);
	else
		free(r->buf);
	r->buf = NULL;
	r->mapped = false;
	r->done = true;
}

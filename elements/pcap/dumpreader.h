/* Reading tcpdump trace files, for FromDump.
 *
 * Classic pcap files (either byte order, microsecond or nanosecond
 * timestamps, Kuznetzov's modified format, versions before 2.4) are parsed
 * here: a regular file is mapped whole, anything else (a pipe, the standard
 * input) is read through a 1 MiB buffer.  pcapng files are read through
 * libpcap, fed from the same buffer so pipes work too.
 *
 * Records are peeked, then consumed, so a record whose packet could not be
 * allocated stays for the next try.  Every error is kept as text in errmsg
 * (Click's wording where Click has one); after an error or the end of the
 * file, peek keeps returning 0. */
#ifndef CABO_ELEMENTS_PCAP_DUMPREADER_H
#define CABO_ELEMENTS_PCAP_DUMPREADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "errh.h"

enum {
	CABO_DUMP_MAX_CAPLEN = 262144,    /* libpcap's largest snapshot length */
	CABO_DUMP_ERRMSG_SIZE = 320,
};

enum cabo_dump_format { CABO_DUMP_NONE, CABO_DUMP_PCAP, CABO_DUMP_PCAPNG };

/* One record, valid until it is consumed. */
struct cabo_dump_record {
	const uint8_t *data;
	uint32_t caplen;                  /* bytes at data (cut to the snapshot length) */
	int64_t ts;                       /* nanoseconds since the epoch */
};

struct cabo_dumpreader {
	const char *name;                 /* for messages: the file name, or "<stdin>" */
	int fd;                           /* -1 when closed */
	enum cabo_dump_format format;
	int dlt;                          /* libpcap DLT code, -1 before open */
	uint32_t snaplen;

	uint8_t *buf;                     /* unread bytes are buf[pos, len) */
	size_t pos, len;
	bool mapped;                      /* buf maps the whole (regular) file */
	size_t released;                  /* mapped bytes before this were dropped */
	bool file_eof;
	size_t record_size;               /* bytes of the peeked record */
	bool swapped;                     /* classic pcap in the other byte order */
	uint32_t subsec_ns;               /* 1000 (microsecond files) or 1 */
	unsigned header_size;             /* record header: 16, or 24 (modified pcap) */
	unsigned length_swap;             /* 0 none; 1 version 2.3 (maybe); 2 older */
	bool native;                      /* classic pcap that peek can read inline */

	pcap_t *pcap;                     /* pcapng */
	FILE *stream;
	struct pcap_pkthdr *ng_header;
	const uint8_t *ng_data;
	bool ng_pending;                  /* ng_header/ng_data: an unconsumed record */

	bool done;                        /* no more records (end of file or error) */
	char errmsg[CABO_DUMP_ERRMSG_SIZE];
};

/* Makes a closed reader (safe to close). */
void cabo_dumpreader_init(struct cabo_dumpreader *r);
/* Opens FILENAME ("-": the standard input) and reads its header.  Errors go
 * to errh as "NAME: reason".  Returns 0 or -1. */
int cabo_dumpreader_open(struct cabo_dumpreader *r, const char *filename,
			 struct cabo_errh *errh);
/* 1: the next record is in *rec (until consume); 0: no more; -1: error
 * (errmsg set; later calls return 0). */
int cabo_dumpreader_peek_any(struct cabo_dumpreader *r, struct cabo_dump_record *rec);
/* Most records of most files: a classic pcap record in this machine's byte
 * order, whole in the buffer, read inline (a call per packet was a tenth of
 * FromDump's time). */
static inline int cabo_dumpreader_peek(struct cabo_dumpreader *r, struct cabo_dump_record *rec)
{
	if (r->native && r->len - r->pos >= 16) {
		uint32_t h[4];
		memcpy(h, r->buf + r->pos, sizeof h);
		uint32_t caplen = h[2];
		if (caplen <= h[3] && caplen <= r->snaplen && r->len - r->pos - 16 >= caplen) {
			rec->data = r->buf + r->pos + 16;
			rec->caplen = caplen;
			rec->ts = (int64_t)h[0] * 1000000000 + (int64_t)h[1] * r->subsec_ns;
			r->record_size = 16 + (size_t)caplen;
			return 1;
		}
	}
	return cabo_dumpreader_peek_any(r, rec);
}
static inline void cabo_dumpreader_consume(struct cabo_dumpreader *r)
{
	if (r->format == CABO_DUMP_PCAP)
		r->pos += r->record_size;
	else
		r->ng_pending = false;
}
/* Gives back the memory of the part of a mapped file already read. */
void cabo_dumpreader_release(struct cabo_dumpreader *r);
/* The file's size, or -1 when it is not a regular file. */
long long cabo_dumpreader_filesize(const struct cabo_dumpreader *r);
void cabo_dumpreader_close(struct cabo_dumpreader *r);

#endif

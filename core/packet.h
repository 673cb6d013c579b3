/* Packets and packet pools.
 *
 * A packet is a descriptor pointing into a data buffer with headroom before
 * and tailroom after the data.  A clone shares its original's buffer;
 * anything that writes packet data first calls cabo_packet_writable(), which
 * copies the data when the buffer is shared (copy-on-write), so a packet an
 * element modifies is a packet of its own.
 *
 * A pool is a quota: each pipeline (each virtual node) has one, and cannot
 * hold more packets than its capacity at once.  The memory behind packets
 * belongs to the thread that allocates them (its arena), shared by all the
 * pipelines that thread runs: a descriptor one tenant frees is the next one
 * another tenant gets, still in cache, so a thousand tenants on a thread
 * touch the memory of a few batches, not of a thousand pools.
 *
 * Fast path rules: no malloc (an arena grows in chunks only until it reaches
 * its working set), no syscalls, and reference counts are updated once per
 * run of packets that share a buffer (cabo_packet_free_batch). */
#ifndef CABO_PACKET_H
#define CABO_PACKET_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum {
	CABO_PACKET_HEADROOM = 64,        /* room to push headers (Unstrip, encaps) */
	CABO_PACKET_BUFFER_SIZE = 2048,   /* bytes per pooled buffer, headroom included */
	CABO_POOL_CHUNK = 256,            /* packets added per arena growth step */
	CABO_ANNO_USER_SIZE = 16,
};

/* Click's packet types: the link-level destination class of a frame. */
enum cabo_packet_type {
	CABO_PACKET_HOST = 0,
	CABO_PACKET_BROADCAST = 1,
	CABO_PACKET_MULTICAST = 2,
	CABO_PACKET_OTHERHOST = 3,
	CABO_PACKET_OUTGOING = 4,
	CABO_PACKET_LOOPBACK = 5,
};

/* Bytes of anno.user with a shared meaning between elements (an element
 * that sets one and another that reads it must agree). */
enum cabo_anno_user_byte {
	CABO_ANNO_PARAM_OFF = 1,    /* ICMP parameter-problem pointer */
	CABO_ANNO_FIX_IP_SRC = 3,   /* nonzero: FixIPSrc rewrites the source */
	CABO_ANNO_VLAN_TCI = 4,     /* 2 bytes, network order: stripped VLAN tag */
};

/* Annotations travel with a packet and are copied by clone and copy. */
struct cabo_anno {
	int64_t timestamp_ns;      /* wall-clock or simulated time; 0 = unset */
	union {
		uint32_t ip4;      /* network byte order */
		uint8_t ip6[16];
	} dst;                     /* destination address annotation */
	uint32_t vnode;            /* tenant / virtual node id; 0 = substrate */
	uint16_t input_port;       /* physical/virtual interface it came in on */
	uint8_t paint;             /* Paint/PaintSwitch colour */
	uint8_t packet_type;       /* enum cabo_packet_type */
	uint8_t user[CABO_ANNO_USER_SIZE];
};

struct cabo_pool;
struct cabo_arena;

struct cabo_packet {
	union {
		uint8_t *data;      /* first byte of packet data */
		struct cabo_packet *next_free; /* while free: in an arena's remote list */
	};
	uint32_t length;            /* bytes of data */
	uint32_t buffer_size;
	uint8_t *buffer;            /* start of the (possibly shared) buffer */
	uint8_t *home_buffer;       /* this descriptor's own buffer */
	struct cabo_packet *owner;  /* packet whose buffer this is; self unless a clone */
	struct cabo_pool *pool;     /* the quota this packet counts against */
	/* Header offsets from `data` at the time they were set, or -1; use the
	 * accessors below.  Stored relative to `buffer` so Strip keeps them valid. */
	int32_t mac_offset;
	int32_t network_offset;
	int32_t transport_offset;
	atomic_uint refs;           /* for owners: descriptors using this buffer */
	struct cabo_arena *arena;   /* the thread's memory this descriptor is part of */
	bool external;              /* buffer was malloc'd (larger than pool buffers) */
	struct cabo_anno anno;
};

struct cabo_pool {
	char *name;
	uint32_t capacity;          /* quota: most packets in use at once */
	uint32_t buffer_size;
	/* Packets of this pool in use.  Atomic updates only when the pool is
	 * concurrent: other threads free its packets. */
	_Atomic uint32_t in_use;
	uint32_t high_water;        /* most packets in use at once */
	uint64_t alloc_failures;    /* quota exhausted */
	/* Set when packets of this pool may be shared across worker threads:
	 * reference counts then need atomic read-modify-writes, which cost as
	 * much as the rest of a simple element on one thread. */
	bool concurrent;
};

/* Index of the worker thread running now (0 for the main thread).  Code
 * compares it with a task's home thread to skip cross-thread protocols,
 * so any other thread that sends packets or wakes tasks must set an index
 * no worker has. */
extern _Thread_local unsigned cabo_thread_index;

/* ---- Pools */
struct cabo_pool *cabo_pool_new(const char *name, uint32_t capacity);
/* Frees the pool; packets still in use are reported by the return value. */
uint32_t cabo_pool_destroy(struct cabo_pool *pool);
static inline uint32_t cabo_pool_in_use(const struct cabo_pool *pool)
{
	return atomic_load_explicit(&pool->in_use, memory_order_relaxed);
}
/* Packets the quota still allows. */
static inline uint32_t cabo_pool_available(const struct cabo_pool *pool)
{
	uint32_t used = cabo_pool_in_use(pool);
	return used < pool->capacity ? pool->capacity - used : 0;
}
/* Descriptors (with buffers) the calling thread's arena holds: in all, and
 * free on its stack. */
uint32_t cabo_arena_allocated(void);
uint32_t cabo_arena_free(void);

/* ---- Allocation: NULL when the pool's quota is exhausted (counted). */
struct cabo_packet *cabo_packet_alloc(struct cabo_pool *pool, uint32_t length);
/* Allocates up to n packets of `length` bytes; returns how many it got. */
unsigned cabo_packet_alloc_batch(struct cabo_pool *pool, uint32_t length,
				 struct cabo_packet **out, unsigned n);
struct cabo_packet *cabo_packet_make(struct cabo_pool *pool, const void *data, uint32_t length);
/* Allocates a packet with room for `length` bytes even beyond the pool's
 * buffer size (e.g. jumbo frames from a capture): slow path, may malloc. */
struct cabo_packet *cabo_packet_alloc_large(struct cabo_pool *pool, uint32_t length);

void cabo_packet_free(struct cabo_packet *p);
void cabo_packet_free_batch(struct cabo_packet **pkts, unsigned n);

/* ---- Sharing */
struct cabo_packet *cabo_packet_clone(struct cabo_packet *p);
/* n clones of p in one step (one reference-count update). */
unsigned cabo_packet_clone_batch(struct cabo_packet *p, struct cabo_packet **out, unsigned n);
/* Deep copy into a new buffer of p's pool. */
struct cabo_packet *cabo_packet_copy(struct cabo_packet *p);
/* Hands n packets to `pool`: how packets cross from one pipeline to
 * another, so each pipeline only ever holds packets of its own pool.  A
 * packet nobody else references changes quota and keeps its buffer; a
 * shared one (clones) is copied (data, headroom contents, header offsets,
 * annotations) and the original freed.  Returns how many made it into
 * out; the rest were freed (quota). */
unsigned cabo_packet_move_batch(struct cabo_pool *pool, struct cabo_packet **in,
				struct cabo_packet **out, unsigned n);
static inline bool cabo_packet_shared(const struct cabo_packet *p)
{
	return p->owner != p || atomic_load_explicit(&p->refs, memory_order_relaxed) > 1;
}
/* Makes p's data private, copying if shared. Returns p, or NULL (p freed)
 * when no buffer is available. */
struct cabo_packet *cabo_packet_uniqueify(struct cabo_packet *p);
static inline struct cabo_packet *cabo_packet_writable(struct cabo_packet *p)
{
	return cabo_packet_shared(p) ? cabo_packet_uniqueify(p) : p;
}

/* ---- Data pointer arithmetic */
static inline uint32_t cabo_packet_headroom(const struct cabo_packet *p)
{
	return (uint32_t)(p->data - p->buffer);
}
static inline uint32_t cabo_packet_tailroom(const struct cabo_packet *p)
{
	return p->buffer_size - cabo_packet_headroom(p) - p->length;
}
/* Removes n bytes from the front (n <= length). */
static inline void cabo_packet_pull(struct cabo_packet *p, uint32_t n)
{
	if (n > p->length)
		n = p->length;
	p->data += n;
	p->length -= n;
}
/* Removes n bytes from the end. */
static inline void cabo_packet_take(struct cabo_packet *p, uint32_t n)
{
	p->length -= n > p->length ? p->length : n;
}
/* Adds n bytes in front, moving data into fresh headroom if needed. Shared
 * packets are made private first. Returns NULL (p freed) on failure. */
struct cabo_packet *cabo_packet_push_slow(struct cabo_packet *p, uint32_t n);
static inline struct cabo_packet *cabo_packet_push(struct cabo_packet *p, uint32_t n)
{
	if (__builtin_expect(cabo_packet_headroom(p) < n || cabo_packet_shared(p), 0))
		return cabo_packet_push_slow(p, n);
	p->data -= n;
	p->length += n;
	return p;
}
/* Adds n bytes at the end (contents unspecified). NULL (p freed) on failure. */
struct cabo_packet *cabo_packet_put(struct cabo_packet *p, uint32_t n);
/* Moves the data pointer back by n bytes of existing headroom without
 * touching data (Unstrip); n is capped at the headroom. */
static inline void cabo_packet_unstrip(struct cabo_packet *p, uint32_t n)
{
	uint32_t room = cabo_packet_headroom(p);
	if (n > room)
		n = room;
	p->data -= n;
	p->length += n;
}

/* ---- Header annotations (NULL when unset) */
static inline uint8_t *cabo_packet_header(const struct cabo_packet *p, int32_t offset)
{
	return offset < 0 ? NULL : p->buffer + offset;
}
static inline uint8_t *cabo_packet_mac_header(const struct cabo_packet *p)
{
	return cabo_packet_header(p, p->mac_offset);
}
static inline uint8_t *cabo_packet_network_header(const struct cabo_packet *p)
{
	return cabo_packet_header(p, p->network_offset);
}
static inline uint8_t *cabo_packet_transport_header(const struct cabo_packet *p)
{
	return cabo_packet_header(p, p->transport_offset);
}
static inline void cabo_packet_set_mac_header(struct cabo_packet *p, const uint8_t *h)
{
	p->mac_offset = (int32_t)(h - p->buffer);
}
static inline void cabo_packet_set_network_header(struct cabo_packet *p, const uint8_t *h)
{
	p->network_offset = (int32_t)(h - p->buffer);
}
static inline void cabo_packet_set_transport_header(struct cabo_packet *p, const uint8_t *h)
{
	p->transport_offset = (int32_t)(h - p->buffer);
}

#endif

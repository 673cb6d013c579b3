/* The writer's view of an IPv6 route table: a path-compressed binary trie
 * (PATRICIA) of the routes.  Every node is a route or a branch point with
 * two children, so the trie holds fewer than two nodes a route, and the
 * routes inside any region are the nodes of one or two subtrees, visited
 * in address order (a prefix before the prefixes inside it).  Lookups never
 * read it; the lookup structure (lpm6.c) is built from it.  Nodes come from
 * chunks of CHUNK and are recycled through a free list. */
#include <stdlib.h>

#include "ip6route.h"

enum { CHUNK = 4096 };

typedef struct cabo_ip6trie_node tnode;

void cabo_ip6trie_init(struct cabo_ip6trie *t)
{
	memset(t, 0, sizeof *t);
}

void cabo_ip6trie_destroy(struct cabo_ip6trie *t)
{
	for (uint32_t i = 0; i < t->nchunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	memset(t, 0, sizeof *t);
}

size_t cabo_ip6trie_memory(const struct cabo_ip6trie *t)
{
	return (size_t)t->nchunks * CHUNK * sizeof(tnode) + t->nchunks * sizeof(void *);
}

static tnode *new_node(struct cabo_ip6trie *t, cabo_u128 key, unsigned len)
{
	tnode *n = t->free;
	if (n) {
		t->free = n->kid[0];
	} else {
		if (!t->nchunks || t->chunk_used == CHUNK) {
			t->chunks = cabo_xrealloc(t->chunks, (t->nchunks + 1) * sizeof *t->chunks);
			t->chunks[t->nchunks++] = cabo_xmalloc(CHUNK * sizeof(tnode));
			t->chunk_used = 0;
		}
		n = (tnode *)t->chunks[t->nchunks - 1] + t->chunk_used++;
	}
	memset(n, 0, sizeof *n);
	key &= cabo_ip6_mask(len);
	n->hi = (uint64_t)(key >> 64);
	n->lo = (uint64_t)key;
	n->len = (uint8_t)len;
	t->nnodes++;
	return n;
}

static void free_node(struct cabo_ip6trie *t, tnode *n)
{
	n->kid[0] = t->free;
	t->free = n;
	t->nnodes--;
}

/* Leading bits a and b have in common (128 when equal). */
static unsigned common_bits(cabo_u128 a, cabo_u128 b)
{
	cabo_u128 x = a ^ b;
	uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
	return hi ? (unsigned)__builtin_clzll(hi) : lo ? 64u + (unsigned)__builtin_clzll(lo) : 128u;
}

tnode *cabo_ip6trie_find(const struct cabo_ip6trie *t, cabo_u128 key, unsigned len)
{
	for (tnode *n = t->root; n && n->len <= len; n = n->kid[cabo_ip6_bit(key, n->len)]) {
		if ((key ^ cabo_ip6trie_key(n)) & cabo_ip6_mask(n->len))
			return NULL;
		if (n->len == len)
			return n->route ? n : NULL;
	}
	return NULL;
}

tnode *cabo_ip6trie_insert(struct cabo_ip6trie *t, cabo_u128 key, unsigned len)
{
	key &= cabo_ip6_mask(len);
	tnode **link = &t->root, *n;
	while ((n = *link)) {
		cabo_u128 nk = cabo_ip6trie_key(n);
		unsigned c = common_bits(key, nk);
		if (c > n->len)
			c = n->len;
		if (c > len)
			c = len;
		if (c == n->len) {                 /* n is key/len or contains it */
			if (n->len == len)
				return n;
			link = &n->kid[cabo_ip6_bit(key, n->len)];
			continue;
		}
		tnode *x = new_node(t, key, len);
		if (c == len) {                    /* key/len contains n */
			x->kid[cabo_ip6_bit(nk, len)] = n;
			*link = x;
			return x;
		}
		tnode *b = new_node(t, key, c);    /* they part at bit c */
		b->kid[cabo_ip6_bit(key, c)] = x;
		b->kid[cabo_ip6_bit(nk, c)] = n;
		*link = b;
		return x;
	}
	return *link = new_node(t, key, len);
}

void cabo_ip6trie_remove(struct cabo_ip6trie *t, tnode *n)
{
	cabo_u128 key = cabo_ip6trie_key(n);
	tnode **link = &t->root, **plink = NULL;
	while (*link != n) {
		plink = link;
		link = &(*link)->kid[cabo_ip6_bit(key, (*link)->len)];
	}
	n->route = 0;
	if (n->kid[0] && n->kid[1])
		return;                            /* stays as a branch point */
	tnode *child = n->kid[0] ? n->kid[0] : n->kid[1];
	*link = child;
	free_node(t, n);
	if (child || !plink)
		return;
	tnode *p = *plink;                         /* lost a child: a bare branch goes */
	if (!p->route) {
		*plink = p->kid[0] ? p->kid[0] : p->kid[1];
		free_node(t, p);
	}
}

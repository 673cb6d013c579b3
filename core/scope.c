/* Parsed scopes and the small containers the parser builds them with:
 * growable arrays, a name map, argument splitting, bodies of elements and
 * variables, and the lookup of class names through nested scopes. */
#include "parser.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- Containers ---- */

void *cfg_vec_reserve(void *arr, unsigned *cap, unsigned need, size_t size)
{
	if (need <= *cap)
		return arr;
	unsigned n = *cap ? *cap : 8;
	while (n < need)
		n *= 2;
	*cap = n;
	return cabo_xrealloc(arr, (size_t)n * size);
}

static size_t hash_name(const char *s)
{
	size_t h = 2166136261u; /* FNV-1a */
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* The slot holding key, or the empty slot where it would go. */
static size_t namemap_slot(const struct namemap *m, const char *key)
{
	size_t mask = m->capacity - 1, i = hash_name(key) & mask;
	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & mask;
	return i;
}

int cfg_namemap_get(const struct namemap *m, const char *key)
{
	if (!m->capacity)
		return -1;
	size_t i = namemap_slot(m, key);
	return m->keys[i] ? (int)m->values[i] : -1;
}

void cfg_namemap_put(struct namemap *m, const char *key, unsigned value)
{
	if ((m->count + 1) * 2 > m->capacity) {
		struct namemap big = { NULL, NULL, m->capacity ? m->capacity * 2 : 16, 0 };
		big.keys = cabo_xcalloc(big.capacity, sizeof *big.keys);
		big.values = cabo_xcalloc(big.capacity, sizeof *big.values);
		for (unsigned i = 0; i < m->capacity; i++)
			if (m->keys[i])
				cfg_namemap_put(&big, m->keys[i], m->values[i]);
		cfg_namemap_free(m);
		*m = big;
	}
	size_t i = namemap_slot(m, key);
	m->count += !m->keys[i];
	m->keys[i] = key; /* the newest copy: an older one may be freed */
	m->values[i] = value;
}

void cfg_namemap_free(struct namemap *m)
{
	free(m->keys);
	free(m->values);
	memset(m, 0, sizeof *m);
}

/* End of the piece starting at s: the next comma (or whitespace) outside
 * quotes, parentheses, brackets and braces.  Each kind is counted apart, so
 * a piece never holds half of a pair of parentheses. */
static const char *piece_end(const char *s, bool at_commas)
{
	static const char open[] = "([{", close[] = ")]}";
	unsigned depth[3] = { 0, 0, 0 };
	char quote = 0;
	for (; *s; s = cabo_config_unit(s, &quote)) {
		const char *o = strchr(open, *s), *c = strchr(close, *s);
		if (quote)
			continue;
		if (o)
			depth[o - open]++;
		else if (c && depth[c - close])
			depth[c - close]--;
		else if (!depth[0] && !depth[1] && !depth[2]
			 && (at_commas ? *s == ',' : isspace((unsigned char)*s)))
			break;
	}
	return s;
}

char *cfg_trimmed_copy(const char *s, const char *e)
{
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return cabo_xstrndup(s, (size_t)(e - s));
}

unsigned cfg_split_args(const char *s, char ***argv)
{
	unsigned n = 0, cap = 0;
	*argv = NULL;
	for (;;) {
		const char *e = piece_end(s, true);
		*VEC_PUSH(*argv, n, cap) = cfg_trimmed_copy(s, e);
		if (!*e)
			break;
		s = e + 1;
	}
	if (!(*argv)[n - 1][0])
		free((*argv)[--n]);
	return n;
}

unsigned cfg_split_words(const char *s, char ***words)
{
	unsigned n = 0, cap = 0;
	*words = NULL;
	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			return n;
		const char *e = piece_end(s, false);
		*VEC_PUSH(*words, n, cap) = cabo_xstrndup(s, (size_t)(e - s));
		s = e;
	}
}

void cfg_free_args(char **argv, unsigned argc)
{
	for (unsigned i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* ---- Bodies and scopes ---- */

void cfg_body_init(struct body *b, unsigned depth, bool is_compound)
{
	memset(b, 0, sizeof *b);
	b->depth = depth;
	b->is_compound = is_compound;
	if (!is_compound)
		return;
	static const char *const pseudo[] = { "input", "output" };
	for (unsigned i = 0; i < 2; i++) {
		struct elem *e = VEC_PUSH(b->elems, b->nelems, b->elems_cap);
		e->name = cabo_xstrdup(pseudo[i]);
		e->pseudo = true;
		cfg_namemap_put(&b->names, e->name, i);
	}
}

void cfg_body_free(struct body *b)
{
	for (unsigned i = 0; i < b->nelems; i++) {
		free(b->elems[i].name);
		free(b->elems[i].class_name);
		free(b->elems[i].config);
	}
	for (unsigned i = 0; i < b->nvars; i++) {
		free(b->vars[i].name);
		free(b->vars[i].value);
		free(b->vars[i].keyword);
	}
	free(b->elems);
	free(b->conns);
	free(b->vars);
	cfg_namemap_free(&b->names);
}

bool cfg_body_define(struct parser *ps, struct body *b, const char *name,
		     char *value, char *keyword, struct cabo_landmark where)
{
	for (unsigned i = 0; i < b->nvars; i++)
		if (strcmp(b->vars[i].name, name) == 0) {
			cabo_errh_lerror(ps->errh, where, "parameter '$%s' multiply defined", name);
			free(value);
			free(keyword);
			return false;
		}
	struct var *v = VEC_PUSH(b->vars, b->nvars, b->vars_cap);
	v->name = cabo_xstrdup(name);
	v->value = value;
	v->keyword = keyword;
	return true;
}

void cfg_body_name_anonymous(struct body *b)
{
	for (unsigned i = 0; i < b->nelems; i++) {
		struct elem *e = &b->elems[i];
		if (!e->anonymous)
			continue;
		/* `Class@N` may have been declared by hand: count up from N. */
		if (cfg_namemap_get(&b->names, e->name) >= 0) {
			char *at = strrchr(e->name, '@');
			unsigned long n = strtoul(at + 1, NULL, 10);
			*at = '\0';
			char *name = NULL;
			do {
				free(name);
				name = cabo_xasprintf("%s@%lu", e->name, ++n);
			} while (cfg_namemap_get(&b->names, name) >= 0);
			free(e->name);
			e->name = name;
		}
		cfg_namemap_put(&b->names, e->name, i);
	}
}

/* What a class name means at this point, or NULL for a primitive. */
const struct classdef *cfg_find_class(const struct parser *ps, const char *name)
{
	for (const struct scope *sc = ps->scope; sc; sc = sc->parent)
		for (unsigned i = sc->nclasses; i-- > 0;)
			if (sc->classes[i]->name && strcmp(sc->classes[i]->name, name) == 0)
				return sc->classes[i];
	return NULL;
}


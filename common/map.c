/*
 * map.c: a string-keyed hash map that keeps its entries in insertion
 * order, for tools that hold one entry per account (csm-nrr, csm-qbr).
 * Open addressing with linear probing over an index of entry numbers;
 * FNV-1a hashing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void
csm_map_init(struct csm_map *m)
{
	memset(m, 0, sizeof(*m));
}

void
csm_map_release(struct csm_map *m, void (*freeval)(void *))
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->ent[i].key);
		if (freeval != NULL)
			freeval(m->ent[i].val);
	}
	free(m->ent);
	free(m->idx);
	memset(m, 0, sizeof(*m));
}

static size_t
slot(const struct csm_map *m, const char *key, size_t n)
{
	size_t mask = m->nidx - 1, i = (size_t)hash(key, n) & mask;

	for (;;) {
		size_t e = m->idx[i];

		if (e == 0 || (m->ent[e - 1].klen == n &&
		    memcmp(m->ent[e - 1].key, key, n) == 0))
			return i;
		i = (i + 1) & mask;
	}
}

static void
rehash(struct csm_map *m)
{
	size_t i;

	free(m->idx);
	m->nidx = m->nidx ? m->nidx * 2 : 64;
	m->idx = csm_xcalloc(m->nidx, sizeof(*m->idx));
	for (i = 0; i < m->n; i++)
		m->idx[slot(m, m->ent[i].key, m->ent[i].klen)] = i + 1;
}

long
csm_map_find(const struct csm_map *m, const char *key, size_t n)
{
	size_t s;

	if (m->nidx == 0)
		return -1;
	s = slot(m, key, n);
	return m->idx[s] ? (long)m->idx[s] - 1 : -1;
}

size_t
csm_map_put(struct csm_map *m, const char *key, size_t n, int *isnew)
{
	size_t s;

	if ((m->n + 1) * 2 > m->nidx)
		rehash(m);
	s = slot(m, key, n);
	if (isnew != NULL)
		*isnew = m->idx[s] == 0;
	if (m->idx[s] != 0)
		return m->idx[s] - 1;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->ent = csm_xreallocarray(m->ent, m->cap, sizeof(*m->ent));
	}
	m->ent[m->n].key = csm_xstrndup(key, n);
	m->ent[m->n].klen = n;
	m->ent[m->n].val = NULL;
	m->idx[s] = ++m->n;
	return m->n - 1;
}

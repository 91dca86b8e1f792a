/*
 * map.c: a string-keyed hash map that keeps its entries in insertion
 * order, for tools that hold one entry per account (csm-nrr, csm-qbr,
 * csm-risk --previous).  Open addressing with linear probing over an index
 * of entry numbers.
 *
 * Keys come from the data, so the hash is keyed: SipHash-1-3 under a
 * random key drawn once per process.  Ids crafted to collide under any
 * fixed hash (100,000 of them made the old FNV-1a table quadratic: 64 s
 * instead of 0.1 s) collide here only by chance.  Output never depends on
 * the key: iteration is in insertion order.
 */
#if defined(__APPLE__)
#include <sys/random.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "csm.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do { \
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
} while (0)

static uint64_t
le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t
csm_siphash13(const unsigned char *key, const void *p, size_t n)
{
	const unsigned char *m = p;
	uint64_t k0 = le64(key), k1 = le64(key + 8);
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t v3 = 0x7465646279746573ULL ^ k1;
	uint64_t b = (uint64_t)n << 56, x;
	size_t i, j;

	for (i = 0; i + 8 <= n; i += 8) {
		x = le64(m + i);
		v3 ^= x;
		SIPROUND;
		v0 ^= x;
	}
	for (j = 0; i + j < n; j++)
		b |= (uint64_t)m[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static unsigned char hashkey[16];
static int keyed;

/*
 * Draws the process's key from the system's entropy; should that fail (an
 * old kernel), from the clock, the process id and an address, which a
 * remote attacker does not know either.
 */
static void
draw_key(void)
{
	struct timespec ts;
	uint64_t mix[4];
	unsigned char zero[16] = {0};

	if (getentropy(hashkey, sizeof(hashkey)) != 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		mix[0] = (uint64_t)ts.tv_sec;
		mix[1] = (uint64_t)ts.tv_nsec;
		mix[2] = (uint64_t)getpid();
		mix[3] = (uint64_t)(uintptr_t)&ts;
		mix[0] = csm_siphash13(zero, mix, sizeof(mix));
		mix[1] = csm_siphash13(zero, mix, sizeof(mix));
		memcpy(hashkey, mix, sizeof(hashkey));
	}
	keyed = 1;
}

static uint64_t
hash(const char *s, size_t n)
{
	return csm_siphash13(hashkey, s, n);
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

/* The slot of key, or the empty slot where it goes; *probes counts the
 * slots looked at. */
static size_t
slot(const struct csm_map *m, const char *key, size_t n, size_t *probes)
{
	size_t mask = m->nidx - 1, i = (size_t)hash(key, n) & mask;

	for (;;) {
		size_t e = m->idx[i];

		(*probes)++;
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

	if (!keyed)
		draw_key();	/* before the first key is hashed */
	free(m->idx);
	m->nidx = m->nidx ? m->nidx * 2 : 64;
	m->idx = csm_xcalloc(m->nidx, sizeof(*m->idx));
	for (i = 0; i < m->n; i++)
		m->idx[slot(m, m->ent[i].key, m->ent[i].klen,
		    &m->probes)] = i + 1;
}

long
csm_map_find(const struct csm_map *m, const char *key, size_t n)
{
	size_t s, probes = 0;

	if (m->nidx == 0)
		return -1;
	s = slot(m, key, n, &probes);
	return m->idx[s] ? (long)m->idx[s] - 1 : -1;
}

size_t
csm_map_put(struct csm_map *m, const char *key, size_t n, int *isnew)
{
	size_t s;

	if ((m->n + 1) * 2 > m->nidx)
		rehash(m);
	s = slot(m, key, n, &m->probes);
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

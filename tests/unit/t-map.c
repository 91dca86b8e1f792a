/*
 * t-map.c: the string-keyed hash map (map.c): insertion order, lookups,
 * growth past many rehashes, keys with NUL bytes and empty keys, its hash
 * (SipHash-1-3) against reference vectors, and keys crafted to collide.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "t.h"

static void
test_put_find(void)
{
	struct csm_map m;
	int isnew = -1;

	csm_map_init(&m);
	T_EQ_INT(csm_map_find(&m, "a", 1), -1);	/* empty map */
	T_EQ_INT(csm_map_put(&m, "b", 1, &isnew), 0);
	T_EQ_INT(isnew, 1);
	T_EQ_INT(csm_map_put(&m, "a", 1, &isnew), 1);
	T_EQ_INT(isnew, 1);
	T_EQ_INT(csm_map_put(&m, "b", 1, &isnew), 0);	/* again: same entry */
	T_EQ_INT(isnew, 0);
	T_EQ_INT(m.n, 2);
	T_EQ_STR(m.ent[0].key, "b");	/* insertion order */
	T_EQ_STR(m.ent[1].key, "a");
	T_EQ_INT(csm_map_find(&m, "a", 1), 1);
	T_EQ_INT(csm_map_find(&m, "ab", 2), -1);
	T_EQ_INT(csm_map_find(&m, "ab", 1), 1);	/* only n bytes count */
	/* the empty key and keys that differ after a NUL are keys too */
	T_EQ_INT(csm_map_put(&m, "", 0, NULL), 2);
	T_EQ_INT(csm_map_put(&m, "x\0y", 3, NULL), 3);
	T_EQ_INT(csm_map_put(&m, "x\0z", 3, NULL), 4);
	T_EQ_INT(csm_map_find(&m, "x\0z", 3), 4);
	T_EQ_INT(csm_map_find(&m, "x", 1), -1);
	csm_map_release(&m, NULL);
}

static void
test_growth(void)
{
	struct csm_map m;
	char key[32];
	size_t i, bad = 0;

	csm_map_init(&m);
	/* 100,000 keys: the index doubles from 64 past 2^17 slots */
	for (i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "A%05zu", i);
		if (csm_map_put(&m, key, strlen(key), NULL) != i)
			bad++;
		m.ent[i].val = csm_xstrdup(key);
	}
	T_EQ_INT(bad, 0);
	T_EQ_INT(m.n, 100000);
	for (i = 0; i < 100000; i += 7) {
		snprintf(key, sizeof(key), "A%05zu", i);
		if (csm_map_find(&m, key, strlen(key)) != (long)i ||
		    strcmp(m.ent[i].val, key) != 0)
			bad++;
	}
	T_EQ_INT(bad, 0);
	T_EQ_INT(csm_map_find(&m, "A100000", 7), -1);
	csm_map_release(&m, free);	/* frees the values too */
	T_EQ_INT(m.n, 0);
}

/*
 * SipHash-1-3 under the key 00 01 .. 0f of the messages 00 01 .. (n-1),
 * n = 0 to 19 (both sides of the 8- and 16-byte blocks): the low 32 bits
 * are the reference vectors of HalfSipHash on 64-bit Linux, which is
 * SipHash-1-3 (lib/tests/siphash_kunit.c, test_vectors_hsiphash).
 */
static void
test_siphash(void)
{
	static const uint32_t want[20] = {
		0x050fc4dc, 0x7d57ca93, 0x4dc7d44d, 0xe7ddf7fb, 0x88d38328,
		0x49533b67, 0xc59f22a7, 0x9bb11140, 0x8d299a8e, 0x6c063de4,
		0x92ff097f, 0xf94dc352, 0x57b4d9a2, 0x1229ffa7, 0xc0f95d34,
		0x2a519956, 0x7d908b66, 0x63dbd80c, 0xb473e63e, 0x8d297d1c
	};
	unsigned char key[16], msg[20];
	size_t i;

	for (i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (i = 0; i < 20; i++)
		msg[i] = (unsigned char)i;
	for (i = 0; i < 20; i++)
		if ((uint32_t)csm_siphash13(key, msg, i) != want[i])
			T_FAIL("siphash13 of %zu bytes: %08x, want %08x", i,
			    (unsigned)csm_siphash13(key, msg, i),
			    (unsigned)want[i]);
}

#define FNV_PRIME 1099511628211ULL
#define CRAFTED 2000
#define MASK 0xfffU	/* the index of 2000 entries has 4096 slots */

static uint64_t
fnv1a(const char *s, size_t n, uint64_t h)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= FNV_PRIME;
	}
	return h;
}

/*
 * Issue 9 item 17: ids crafted so that the map's old hash, FNV-1a, puts
 * them all in one slot of every index up to 4096 slots.  With linear
 * probing the i-th such key looks at i slots: 2000 keys took over
 * 2000 * 1999 / 2 = 1,999,000 probes.  A keyed hash spreads them as it
 * would random ids: at half load about 1.5 probes a key, and each of the
 * six rehashes (64 to 4096 slots) at most as many again, so 10 a key is a
 * generous bound that the old hash misses by a factor of 100.
 *
 * Crafting: the last byte c of a key enters FNV-1a as (h ^ c) * P, P odd,
 * so the low 12 bits are T when (h ^ c) & MASK == U = T * P^-1 & MASK;
 * c only reaches the low 8 bits, so keep the prefixes whose h has U's
 * bits 8-11, and take c = (h ^ U) & 0xff when it is a letter or digit.
 */
static void
test_crafted(void)
{
	struct csm_map m;
	char key[32];
	uint64_t pinv = FNV_PRIME, h, u, target = 0x5a5;
	unsigned long prefix;
	size_t n = 0, bad = 0, i;
	int c, len;

	for (i = 0; i < 5; i++)		/* Newton: P * pinv = 1 mod 2^64 */
		pinv *= 2 - FNV_PRIME * pinv;
	T_EQ_INT((int64_t)(FNV_PRIME * pinv), 1);
	u = target * pinv & MASK;
	csm_map_init(&m);
	for (prefix = 0; n < CRAFTED; prefix++) {
		len = snprintf(key, sizeof(key), "A%07lu", prefix);
		h = fnv1a(key, (size_t)len, 1469598103934665603ULL);
		if (((h ^ u) & MASK & ~0xffU) != 0)
			continue;
		c = (int)((h ^ u) & 0xff);
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z')))
			continue;
		key[len++] = (char)c;
		if ((fnv1a(key, (size_t)len, 1469598103934665603ULL) & MASK) !=
		    target)
			bad++;	/* the crafting is wrong: no test */
		if (csm_map_put(&m, key, (size_t)len, NULL) != n)
			bad++;
		n++;
	}
	T_EQ_INT(bad, 0);
	T_EQ_INT(m.n, CRAFTED);
	T_EQ_INT(m.nidx, 4096);
	if (m.probes > 10 * CRAFTED)
		T_FAIL("%d crafted keys took %zu probes, more than %d",
		    CRAFTED, m.probes, 10 * CRAFTED);
	csm_map_release(&m, NULL);
}

int
main(void)
{
	T_RUN(test_put_find);
	T_RUN(test_growth);
	T_RUN(test_siphash);
	T_RUN(test_crafted);
	T_END();
}

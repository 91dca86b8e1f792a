/*
 * t-map.c: the string-keyed hash map (map.c): insertion order, lookups,
 * growth past many rehashes, keys with NUL bytes and empty keys.
 */
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

int
main(void)
{
	T_RUN(test_put_find);
	T_RUN(test_growth);
	T_END();
}

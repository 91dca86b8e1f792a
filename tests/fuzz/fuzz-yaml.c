/*
 * fuzz-yaml.c: the YAML reader, the tree dumper and the config loader.
 * When csm_yaml_parse makes a tree of the input, csm_node_dump writes it,
 * and that text must parse to the same tree and dump to the same bytes.
 * Then the input is loaded as a config file by csm_cfg_load, whose errors
 * (csm_cfg_die, csm_die) are fine as long as csm_cfg_release then frees
 * everything.  A config that loads is dumped as --dump-config does, and
 * that dump must load again.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "fuzz.h"

/* What one run holds, static so that it survives a longjmp. */
static struct {
	struct csm_node *tree[2];
	char *dump[2];
	size_t dumplen[2];
	struct csm_out o;
	int oopen;
	struct csm_cfg cfg[2];
	int mustlive;		/* dumping: dying now is a bug */
} st;

/* Whether a and b are the same tree: kinds, texts, shapes. */
static int
same(const struct csm_node *a, const struct csm_node *b)
{
	size_t i;

	if (a->kind != b->kind || a->n != b->n)
		return 0;
	if (a->kind == CSM_N_SCALAR && (a->len != b->len ||
	    memcmp(a->str, b->str, a->len) != 0 || a->str[a->len] != '\0'))
		return 0;
	for (i = 0; i < a->n; i++)
		if (!same(a->kid[i], b->kid[i]))
			return 0;
	return 1;
}

/* Dumps tree i (or, when cfg is set, that config) to path. */
static void
dump(const char *path, int i, const struct csm_cfg *cfg)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		abort();
	csm_out_init(&st.o, fd, path, ',');
	st.oopen = 1;
	if (cfg != NULL)
		csm_cfg_dump(cfg, &st.o);
	else
		csm_node_dump(st.tree[i], &st.o);
	st.oopen = 0;
	csm_out_close(&st.o);
}

static void
run(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path("cfg.yaml");
	const char *dpath = fuzz_path("dump.yaml");
	char msg[256];
	long line, col;

	st.tree[0] = csm_yaml_parse((const char *)data, size, "<fuzz>", msg,
	    sizeof(msg), &line, &col);
	if (st.tree[0] != NULL) {
		st.mustlive = 1;
		dump(dpath, 0, NULL);
		st.dump[0] = fuzz_read(dpath, &st.dumplen[0]);
		st.tree[1] = csm_yaml_parse(st.dump[0], st.dumplen[0],
		    "<dump>", msg, sizeof(msg), &line, &col);
		if (st.tree[1] == NULL || !same(st.tree[0], st.tree[1]))
			abort();
		dump(dpath, 1, NULL);
		st.dump[1] = fuzz_read(dpath, &st.dumplen[1]);
		if (st.dumplen[0] != st.dumplen[1] ||
		    memcmp(st.dump[0], st.dump[1], st.dumplen[0]) != 0)
			abort();
		st.mustlive = 0;
	} else if (msg[0] == '\0' || line < 0 || col < 0)
		abort();

	fuzz_write(path, data, size);
	csm_cfg_load(&st.cfg[0], path);
	st.mustlive = 1;
	dump(dpath, 0, &st.cfg[0]);
	csm_cfg_load(&st.cfg[1], dpath);
	if (!same(st.cfg[0].root, st.cfg[1].root))
		abort();
	st.mustlive = 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_setup(argc, argv);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int i;

	memset(&st, 0, sizeof(st));
	if (setjmp(fuzz_jmp) == 0)
		run(data, size);
	else if (st.mustlive)
		abort();
	if (st.oopen)
		csm_out_discard(&st.o);
	for (i = 0; i < 2; i++) {
		csm_node_free(st.tree[i]);
		free(st.dump[i]);
	}
	csm_cfg_release(&st.cfg[0]);
	csm_cfg_release(&st.cfg[1]);
	return 0;
}

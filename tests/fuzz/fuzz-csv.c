/*
 * fuzz-csv.c: the CSV/TSV reader and writer, round trip, in two passes.
 *
 * Pass 1: the input is read as a file by csm_tbl with the delimiter
 * detected (, ; TAB |) and ragged records kept; its records, header first,
 * are written by csm_out with that delimiter and read back, detected
 * again, which must give the same delimiter and the same records.  Then
 * the other ragged modes: skip must give the records of the header's
 * width, and pad the same records padded with empty fields, or die at the
 * first longer one.
 *
 * Pass 2: the same input read as TSV (-t), whatever it holds, written as
 * TSV and read back with -t: the same records, and the TSV written splits
 * as awk -F'\t' would split it (one LF per record, no CR, a record's
 * fields less one tabs).
 *
 * Pass 3: the input read as in pass 1, then read ahead on the reader's
 * thread (csm_tbl_readahead): the same records, and where the first read
 * died (a parse error, a ragged record in error mode), the second dies
 * too, after the same records.
 *
 * Input the reader refuses (csm_die) is fine, as long as csm_tbl_close
 * then frees everything.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "fuzz.h"

/* All the records of a table, each field copied. */
struct rec {
	size_t nf;
	char **f;
	size_t *len;
};

struct table {
	struct rec *rec;
	size_t n;
	size_t cap;
	int delim;
};

/* What one pass holds, static so that it survives a longjmp. */
static struct {
	struct csm_tbl t;
	int topen;
	struct csm_out o;
	int oopen;
	struct table a;
	struct table b;
	int mustlive;		/* past the input: dying now is a bug */
	int padding;		/* in the pad pass, at record padat of a */
	size_t padat;
} st;

static void
add(struct table *tb, char *const *f, const size_t *len, size_t nf)
{
	struct rec *r;
	size_t i;

	if (tb->n == tb->cap) {
		tb->cap = tb->cap ? tb->cap * 2 : 16;
		tb->rec = csm_xreallocarray(tb->rec, tb->cap, sizeof(*tb->rec));
	}
	r = &tb->rec[tb->n++];
	r->nf = 0;
	r->f = csm_xcalloc(nf ? nf : 1, sizeof(*r->f));
	r->len = csm_xcalloc(nf ? nf : 1, sizeof(*r->len));
	for (i = 0; i < nf; i++) {
		r->f[i] = csm_xmalloc(len[i] + 1);
		memcpy(r->f[i], f[i], len[i] + 1);
		r->len[i] = len[i];
		r->nf++;
	}
}

static void
table_free(struct table *tb)
{
	size_t i, j;

	for (i = 0; i < tb->n; i++) {
		for (j = 0; j < tb->rec[i].nf; j++)
			free(tb->rec[i].f[j]);
		free(tb->rec[i].f);
		free(tb->rec[i].len);
	}
	free(tb->rec);
	memset(tb, 0, sizeof(*tb));
}

/*
 * Reads path (delimiter delim, 0 to detect) into tb: header, records;
 * ragged records kept, or with ragged an error; ahead: on the reader's
 * thread.
 */
static void
readwith(const char *path, int delim, struct table *tb, int ragged,
    int ahead)
{
	struct csm_tbl_opts opts = {0, CSM_RAGGED_KEEP};
	char *files[1];

	opts.delim = delim;
	opts.ragged = ragged;
	files[0] = (char *)path;
	st.topen = 1;
	csm_tbl_open(&st.t, files, 1, &opts);
	if (ahead)
		csm_tbl_readahead(&st.t);
	tb->delim = st.t.delim;
	add(tb, st.t.hdr, st.t.hdrlen, st.t.ncols);
	while (csm_tbl_next(&st.t)) {
		if (st.t.nf > 0 && (st.t.f == NULL || st.t.flen == NULL))
			abort();
		add(tb, st.t.f, st.t.flen, st.t.nf);
	}
	st.topen = 0;
	csm_tbl_close(&st.t);
}

static void
readall(const char *path, int delim, struct table *tb)
{
	readwith(path, delim, tb, CSM_RAGGED_KEEP, 0);
}

/* Whether the first r->nf fields of f are r's. */
static int
samerec(const struct rec *r, char *const *f, const size_t *len, size_t nf)
{
	size_t j;

	if (nf < r->nf)
		return 0;
	for (j = 0; j < r->nf; j++)
		if (r->len[j] != len[j] || memcmp(r->f[j], f[j], len[j]) != 0)
			return 0;
	return 1;
}

/* Reads path again with ragged records skipped, then padded. */
static void
ragged(const char *path)
{
	struct csm_tbl_opts opts = {0, CSM_RAGGED_SKIP};
	const struct rec *r;
	char *files[1];
	size_t i = 1, j, nc = st.a.rec[0].nf;

	files[0] = (char *)path;
	st.topen = 1;
	csm_tbl_open(&st.t, files, 1, &opts);
	while (csm_tbl_next(&st.t)) {
		while (i < st.a.n && st.a.rec[i].nf != nc)
			i++;
		if (i == st.a.n || st.t.nf != nc ||
		    !samerec(&st.a.rec[i], st.t.f, st.t.flen, st.t.nf))
			abort();
		i++;
	}
	while (i < st.a.n && st.a.rec[i].nf != nc)
		i++;
	if (i != st.a.n)
		abort();
	st.topen = 0;
	csm_tbl_close(&st.t);

	st.mustlive = 0;
	st.padding = 1;
	st.padat = 1;
	opts.ragged = CSM_RAGGED_PAD;
	st.topen = 1;
	csm_tbl_open(&st.t, files, 1, &opts);
	while (csm_tbl_next(&st.t)) {
		if (st.padat >= st.a.n)
			abort();
		r = &st.a.rec[st.padat++];
		if (r->nf > nc || st.t.nf != nc ||
		    !samerec(r, st.t.f, st.t.flen, st.t.nf))
			abort();
		for (j = r->nf; j < nc; j++)
			if (st.t.flen[j] != 0 || st.t.f[j][0] != '\0')
				abort();
	}
	if (st.padat != st.a.n)
		abort();
	st.padding = 0;
	st.topen = 0;
	csm_tbl_close(&st.t);
}

static void
same(const struct table *a, const struct table *b)
{
	size_t i, j;

	if (a->delim != b->delim || a->n != b->n)
		abort();
	for (i = 0; i < a->n; i++) {
		if (a->rec[i].nf != b->rec[i].nf)
			abort();
		for (j = 0; j < a->rec[i].nf; j++)
			if (a->rec[i].len[j] != b->rec[i].len[j] ||
			    memcmp(a->rec[i].f[j], b->rec[i].f[j],
			    a->rec[i].len[j]) != 0)
				abort();
	}
}

/*
 * Whether TSV text s[0..n) has one line per record of tb, each with the
 * record's fields less one tabs, and no CR.
 */
static void
tsv_lines(const char *s, size_t n, const struct table *tb)
{
	size_t i = 0, rec = 0, tabs = 0;

	if (memchr(s, '\r', n) != NULL)
		abort();
	for (i = 0; i < n; i++) {
		if (s[i] == '\t')
			tabs++;
		else if (s[i] == '\n') {
			if (rec >= tb->n || tabs + 1 != tb->rec[rec].nf)
				abort();
			rec++;
			tabs = 0;
		}
	}
	if (rec != tb->n || (n > 0 && s[n - 1] != '\n'))
		abort();
}

/*
 * Reads in with delim (0: detect), writes what it read with the delimiter
 * used, and reads that back the same way: it must be the same.
 */
static void
roundtrip(const char *in, int delim)
{
	const char *out = fuzz_path("out.csv");
	char *text;
	size_t i, n;
	int fd;

	readall(in, delim, &st.a);
	st.mustlive = 1;

	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		abort();
	csm_out_init(&st.o, fd, out, st.a.delim);
	st.oopen = 1;
	for (i = 0; i < st.a.n; i++) {
		csm_out_fields(&st.o, st.a.rec[i].f, st.a.rec[i].len,
		    st.a.rec[i].nf);
		csm_out_endrec(&st.o);
	}
	st.oopen = 0;
	csm_out_close(&st.o);
	if (st.a.delim == '\t') {
		text = fuzz_read(out, &n);
		tsv_lines(text, n, &st.a);
		free(text);
	}

	/* What the writer wrote, the reader must read back as it was. */
	readall(out, delim, &st.b);
	same(&st.a, &st.b);
}

static void same(const struct table *a, const struct table *b);

/*
 * Reads in on the caller's thread into st.a, then ahead into st.b, each
 * until the end or an error (ragged records an error): the same records,
 * and either both end or both die.
 */
static void
ahead(const char *in)
{
	volatile int died[2], i;	/* live across the longjmp */

	for (i = 0; i < 2; i++) {
		died[i] = 0;
		if (setjmp(fuzz_jmp) == 0)
			readwith(in, 0, i == 0 ? &st.a : &st.b,
			    CSM_RAGGED_ERROR, i);
		else
			died[i] = 1;
		if (st.topen) {
			st.topen = 0;
			csm_tbl_close(&st.t);
		}
	}
	if (died[0] != died[1])
		abort();
	st.b.delim = st.a.delim;	/* open is on this thread in both */
	same(&st.a, &st.b);
}

static void
run(const char *in, int pass)
{
	if (pass == 2)
		ahead(in);
	else if (pass == 0) {
		roundtrip(in, 0);
		ragged(in);
	} else
		roundtrip(in, '\t');
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
	const char *in = fuzz_path("in.csv");
	int pass;

	fuzz_write(in, data, size);
	for (pass = 0; pass < 3; pass++) {
		memset(&st, 0, sizeof(st));
		if (setjmp(fuzz_jmp) == 0)
			run(in, pass);
		else if (st.mustlive)
			abort();	/* our own output, or skip mode, failed */
		else if (st.padding && (st.padat >= st.a.n ||
		    st.a.rec[st.padat].nf <= st.a.rec[0].nf))
			abort();	/* pad mode died, but not at a long record */
		if (st.topen)
			csm_tbl_close(&st.t);
		if (st.oopen)
			csm_out_discard(&st.o);
		table_free(&st.a);
		table_free(&st.b);
	}
	return 0;
}

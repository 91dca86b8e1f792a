/*
 * t-out.c: the writer (out.c): minimal RFC 4180 quoting for CSV (and of
 * the delimiters in a header), TSV escapes, records of one empty field,
 * output past the 64 KiB buffer, how failed writes end (74 with a message
 * on a full disk, quietly by SIGPIPE on a closed pipe), and what a fatal
 * error leaves: whole records and lines only.  Every expected output is
 * written out by hand, or, for random fields through the fast path, by a
 * reference encoder of the rules written here.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "t.h"

/* ---- helpers ---------------------------------------------------------- */

/* A writer on a new temporary file; path receives its name. */
static void
open_tmp(struct csm_out *o, char *path, int delim)
{
	int fd;

	memcpy(path, "/tmp/t-out.XXXXXX", sizeof("/tmp/t-out.XXXXXX"));
	if ((fd = mkstemp(path)) < 0)
		csm_die(70, "mkstemp:");
	csm_out_init(o, fd, path, delim);
}

/* Closes o and returns what was written (caller frees); *n its length. */
static char *
close_read(struct csm_out *o, char *path, size_t *n)
{
	struct csm_buf b;
	char chunk[8192];
	ssize_t r;
	int fd;

	csm_out_close(o);
	csm_buf_init(&b);
	csm_buf_add(&b, "", 0);
	if ((fd = open(path, O_RDONLY)) < 0)
		csm_die(70, "open '%s':", path);
	while ((r = read(fd, chunk, sizeof(chunk))) > 0)
		csm_buf_add(&b, chunk, (size_t)r);
	close(fd);
	unlink(path);
	*n = b.len;
	return csm_buf_detach(&b);
}

static void
field(struct csm_out *o, const char *s)
{
	csm_out_field(o, s, strlen(s));
}

/* Checks that got (n bytes) is exactly want. */
#define T_EQ_MEM(got, n, want) do { \
	size_t t_wn = strlen(want); \
	if ((n) != t_wn || memcmp((got), (want), t_wn) != 0) \
		T_FAIL("wrote \"%.*s\" (%zu bytes), want \"%s\"", \
		    (int)((n) > 200 ? 200 : (n)), (got), (size_t)(n), (want)); \
} while (0)

/* ---- tests ------------------------------------------------------------ */

static void
test_csv_quoting(void)
{
	struct csm_out o;
	char path[32], *s;
	size_t n;

	open_tmp(&o, path, ',');
	field(&o, "h");		/* the header; see test_header_quoting */
	csm_out_endrec(&o);
	field(&o, "plain");
	field(&o, "has,comma");
	field(&o, "say \"hi\"");
	field(&o, "cr\rx");
	field(&o, "lf\nx");
	field(&o, " spaced ");	/* spaces alone need no quotes */
	field(&o, "");
	field(&o, "tab\there");	/* a tab is no delimiter in CSV */
	field(&o, "\"");
	field(&o, "back\\slash");	/* nor is a backslash special */
	csm_out_endrec(&o);
	field(&o, "x;y'z|w");
	csm_out_endrec(&o);
	s = close_read(&o, path, &n);
	T_EQ_MEM(s, n, "h\nplain,\"has,comma\",\"say \"\"hi\"\"\",\"cr\rx\","
	    "\"lf\nx\", spaced ,,tab\there,\"\"\"\",back\\slash\nx;y'z|w\n");
	free(s);
}

static void
test_header_quoting(void)
{
	struct csm_out o;
	char path[32], *s;
	size_t n;

	/*
	 * In the header (the first record), a field holding one of the
	 * delimiters a reader detects (, ; TAB |) is quoted, so that only the
	 * real delimiters count when the file is read back; in the records
	 * after it, only the delimiter itself needs quotes.
	 */
	open_tmp(&o, path, ';');
	field(&o, "a,b");
	field(&o, "c|d");
	field(&o, "e\tf");
	field(&o, "g;h");
	field(&o, "plain");
	csm_out_endrec(&o);
	field(&o, "a,b");
	field(&o, "c|d");
	field(&o, "e\tf");
	field(&o, "g;h");
	field(&o, "plain");
	csm_out_endrec(&o);
	s = close_read(&o, path, &n);
	T_EQ_MEM(s, n, "\"a,b\";\"c|d\";\"e\tf\";\"g;h\";plain\n"
	    "a,b;c|d;e\tf;\"g;h\";plain\n");
	free(s);

	/*
	 * A header whose first field would make the file start like a PDF or
	 * a ZIP archive (which a reader refuses) is quoted, the delimiter
	 * after a short field counting; later records need no quotes.
	 */
	open_tmp(&o, path, ',');
	field(&o, "%PDF-1");
	field(&o, "%PDF-1");
	csm_out_endrec(&o);
	field(&o, "%PDF-1");
	csm_out_endrec(&o);
	s = close_read(&o, path, &n);
	T_EQ_MEM(s, n, "\"%PDF-1\",%PDF-1\n%PDF-1\n");
	free(s);
	open_tmp(&o, path, '-');
	field(&o, "%PDF");
	field(&o, "x");
	csm_out_endrec(&o);
	s = close_read(&o, path, &n);
	T_EQ_MEM(s, n, "\"%PDF\"-x\n");
	free(s);
	open_tmp(&o, path, '-');
	field(&o, "%PD");
	field(&o, "F");
	csm_out_endrec(&o);
	s = close_read(&o, path, &n);
	T_EQ_MEM(s, n, "%PD-F\n");
	free(s);

	/* TSV cannot quote: a BOM first says the file is text. */
	open_tmp(&o, path, '\t');
	field(&o, "PK\x03\x04");
	field(&o, "%PDF-1");
	csm_out_endrec(&o);
	field(&o, "%PDF-1");
	csm_out_endrec(&o);
	s = close_read(&o, path, &n);
	T_EQ_MEM(s, n, "\xEF\xBB\xBFPK\x03\x04\t%PDF-1\n%PDF-1\n");
	free(s);
}

static void
test_tsv_escapes(void)
{
	struct csm_out o;
	char path[32], *s;
	size_t n;

	/*
	 * TSV is never quoted: a tab, LF, CR and backslash are written \t,
	 * \n, \r and \\; a quote, a comma and other control bytes are
	 * data.  The header is no different.
	 */
	open_tmp(&o, path, '\t');
	field(&o, "a,b;c|d");
	field(&o, "t\tx");
	csm_out_endrec(&o);
	field(&o, "q\"\"");
	field(&o, "");
	field(&o, "n\n");
	field(&o, "cr\r\nlf");
	field(&o, "C:\\new\\");
	field(&o, "\\N");
	field(&o, "\b\f\v\x01");
	csm_out_endrec(&o);
	s = close_read(&o, path, &n);
	T_EQ_MEM(s, n, "a,b;c|d\tt\\tx\n"
	    "q\"\"\t\tn\\n\tcr\\r\\nlf\tC:\\\\new\\\\\t\\\\N\t"
	    "\b\f\v\x01\n");
	free(s);
}

static void
test_empty_record(void)
{
	struct csm_out o;
	char path[32], *s;
	size_t n;

	/*
	 * One empty field is written "" so that it does not read back as a
	 * blank line (which is no record); two empty fields are just ",".
	 */
	open_tmp(&o, path, ',');
	field(&o, "");
	csm_out_endrec(&o);
	field(&o, "");
	field(&o, "");
	csm_out_endrec(&o);
	field(&o, "");
	field(&o, "x");
	csm_out_endrec(&o);
	field(&o, "y");
	csm_out_endrec(&o);
	field(&o, "");
	csm_out_endrec(&o);
	s = close_read(&o, path, &n);
	T_EQ_MEM(s, n, "\"\"\n,\n,x\ny\n\"\"\n");
	free(s);

	/* TSV cannot quote: it writes \N, which reads back as empty. */
	open_tmp(&o, path, '\t');
	field(&o, "");
	csm_out_endrec(&o);
	field(&o, "");
	field(&o, "");
	csm_out_endrec(&o);
	s = close_read(&o, path, &n);
	T_EQ_MEM(s, n, "\\N\n\t\n");
	free(s);
}

static void
test_bom_first_field(void)
{
	struct csm_out o;
	struct csm_tbl t;
	struct csm_tbl_opts to = { ',', CSM_RAGGED_ERROR };
	char path[32], *files[1], *s;
	size_t n;

	/*
	 * A record's first field that starts with a BOM is quoted, since a
	 * reader drops a BOM at the start of a file; elsewhere it is not.
	 */
	open_tmp(&o, path, ',');
	field(&o, "\xEF\xBB\xBF" "id");
	field(&o, "\xEF\xBB\xBF" "v");
	csm_out_endrec(&o);
	field(&o, "\xEF\xBB");	/* only part of one */
	field(&o, "x");
	csm_out_endrec(&o);
	s = close_read(&o, path, &n);
	T_EQ_MEM(s, n, "\"\xEF\xBB\xBF" "id\",\xEF\xBB\xBF" "v\n\xEF\xBB,x\n");

	/* ... and so it reads back whole */
	open_tmp(&o, path, ',');
	csm_out_write(&o, s, n);
	csm_out_close(&o);
	free(s);
	files[0] = path;
	csm_tbl_open(&t, files, 1, &to);
	T_EQ_INT(t.hdrlen[0], 5);
	T_OK(memcmp(t.hdr[0], "\xEF\xBB\xBF" "id", 5) == 0);
	csm_tbl_close(&t);
	unlink(path);

	/*
	 * TSV cannot quote: the first field of the output gets another BOM
	 * before it, which the reader drops.  Later records need none.
	 */
	open_tmp(&o, path, '\t');
	field(&o, "\xEF\xBB\xBF" "id");
	field(&o, "v");
	csm_out_endrec(&o);
	field(&o, "\xEF\xBB\xBF" "x");
	field(&o, "y");
	csm_out_endrec(&o);
	s = close_read(&o, path, &n);
	T_EQ_MEM(s, n, "\xEF\xBB\xBF\xEF\xBB\xBF" "id\tv\n\xEF\xBB\xBF" "x\ty\n");
	open_tmp(&o, path, '\t');
	csm_out_write(&o, s, n);
	csm_out_close(&o);
	free(s);
	to.delim = 0;
	csm_tbl_open(&t, files, 1, &to);
	T_EQ_INT(t.delim, '\t');
	T_EQ_INT(t.hdrlen[0], 5);
	T_OK(memcmp(t.hdr[0], "\xEF\xBB\xBF" "id", 5) == 0);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_EQ_INT(t.flen[0], 4);
	T_OK(memcmp(t.f[0], "\xEF\xBB\xBF" "x", 4) == 0);
	csm_tbl_close(&t);
	unlink(path);
}

static void
test_large(void)
{
	/*
	 * 300,000 bytes through fields, a 100,000-byte field of quotes
	 * (each doubled, plus the two around it), and a printf longer than
	 * its 256-byte stack buffer: the 64 KiB buffer is flushed many times
	 * and nothing is lost or reordered.
	 */
	struct csm_out o;
	struct csm_buf want, q;
	char path[32], *s, cell[16];
	size_t n, i;

	csm_buf_init(&want);
	csm_buf_init(&q);
	open_tmp(&o, path, ',');
	for (i = 0; i < 30000; i++) {
		snprintf(cell, sizeof(cell), "%08zu", i);	/* 8 bytes */
		field(&o, cell);
		csm_buf_adds(&want, cell);
		if (i % 10 == 9) {
			csm_out_endrec(&o);
			csm_buf_addc(&want, '\n');
		} else
			csm_buf_addc(&want, ',');
	}
	for (i = 0; i < 100000; i++)
		csm_buf_addc(&q, '"');
	csm_out_field(&o, q.s, q.len);
	csm_out_endrec(&o);
	csm_buf_addc(&want, '"');
	for (i = 0; i < 200000; i++)
		csm_buf_addc(&want, '"');
	csm_buf_adds(&want, "\"\n");
	csm_buf_reset(&q);
	for (i = 0; i < 1000; i++)
		csm_buf_addc(&q, 'a' + (int)(i % 26));
	csm_out_printf(&o, "[%s]%d\n", q.s, 42);
	csm_buf_printf(&want, "[%s]%d\n", q.s, 42);
	s = close_read(&o, path, &n);
	/*
	 * 30000 cells of 8 bytes and a separator, the quoted field and its
	 * newline, "[" 1000 letters "]42" and a newline.
	 */
	T_EQ_INT(n, 30000 * 9 + 200002 + 1 + 1005);
	T_EQ_INT(want.len, n);
	T_OK(n == want.len && memcmp(s, want.s, n) == 0);
	free(s);
	csm_buf_release(&want);
	csm_buf_release(&q);
}

/* ---- how writes fail -------------------------------------------------- */

struct child {
	int status;
	char err[1024];
};

/* Runs fn in a child with stderr captured; fills c. */
static void
run_child(void (*fn)(int), int arg, struct child *c)
{
	char name[] = "/tmp/t-out.XXXXXX";
	int efd = mkstemp(name);
	ssize_t r;
	size_t n = 0;
	pid_t pid;

	if (efd < 0)
		csm_die(70, "mkstemp:");
	unlink(name);
	fflush(NULL);
	if ((pid = fork()) < 0)
		csm_die(70, "fork:");
	if (pid == 0) {
		dup2(efd, 2);
		fn(arg);
		exit(0);
	}
	if (arg >= 0)
		close(arg);
	while (waitpid(pid, &c->status, 0) < 0 && errno == EINTR)
		;
	lseek(efd, 0, SEEK_SET);
	while (n + 1 < sizeof(c->err) &&
	    (r = read(efd, c->err + n, sizeof(c->err) - 1 - n)) > 0)
		n += (size_t)r;
	c->err[n] = '\0';
	close(efd);
}

/* Writes 1 MiB of records to fd, then closes it. */
static void
write_lots(int fd)
{
	struct csm_out o;
	int i;

	csm_out_init(&o, fd, fd == 1 ? "<stdout>" : "/dev/full", ',');
	for (i = 0; i < 65536; i++) {
		field(&o, "0123456");
		field(&o, "abcdefg");
		csm_out_endrec(&o);
	}
	csm_out_close(&o);
}

static void
full_child(int unused)
{
	int fd = open("/dev/full", O_WRONLY);

	(void)unused;
	if (fd < 0)
		exit(99);
	write_lots(fd);
}

static void
test_dev_full(void)
{
	struct child c;

	if (access("/dev/full", W_OK) != 0) {
		printf("t-out: no /dev/full, full-disk test skipped\n");
		return;
	}
	run_child(full_child, -1, &c);
	T_OK(WIFEXITED(c.status));
	T_EQ_INT(WEXITSTATUS(c.status), 74);
	T_EQ_STR(c.err, "t-out: write error on '/dev/full': "
	    "No space left on device\n");
}

/* The pipe's write end becomes stdout; SIGPIPE is ignored first. */
static void
pipe_child(int wfd)
{
	signal(SIGPIPE, SIG_IGN);
	if (dup2(wfd, 1) < 0)
		exit(99);
	close(wfd);
	write_lots(1);
	exit(0);	/* must not get here */
}

static void
test_closed_pipe(void)
{
	struct child c;
	int p[2];

	if (pipe(p) != 0)
		csm_die(70, "pipe:");
	close(p[0]);	/* no reader, ever */
	run_child(pipe_child, p[1], &c);
	T_OK(WIFSIGNALED(c.status));
	if (WIFSIGNALED(c.status))
		T_EQ_INT(WTERMSIG(c.status), SIGPIPE);
	else
		T_FAIL("child exited %d, want death by SIGPIPE",
		    WEXITSTATUS(c.status));
	T_EQ_STR(c.err, "");
}

/* ---- what a fatal error leaves ------------------------------------ */

/*
 * A child writes to diepath in the way diemode says, then dies 65 (as a
 * data error does) while a record or line is half written.
 */
static char diepath[32];
static int diemode;

enum { DIE_CSV, DIE_TSV, DIE_TEXT, DIE_MIXED, DIE_BIG, DIE_DISCARD };

static void
die_child(int unused)
{
	struct csm_out o, o2;
	struct csm_buf big;
	char cell[16];
	int fd = open(diepath, O_WRONLY | O_TRUNC), i;

	(void)unused;
	if (fd < 0)
		exit(99);
	csm_out_init(&o, fd, diepath, diemode == DIE_TSV ? '\t' : ',');
	switch (diemode) {
	case DIE_CSV:
	case DIE_TSV:
		/* 2000 records of 8 + 1 + 30 + 1 = 40 bytes: 80,000 */
		for (i = 0; i < 2000; i++) {
			snprintf(cell, sizeof(cell), "%08d", i);
			field(&o, cell);
			field(&o, "abcdefghijklmnopqrstuvwxyz0123");
			csm_out_endrec(&o);
		}
		field(&o, "half");
		field(&o, "a rec");
		break;
	case DIE_TEXT:
		/* 7000 lines of 11 bytes: 77,000 */
		for (i = 0; i < 7000; i++)
			csm_out_printf(&o, "line %05d\n", i);
		csm_out_puts(&o, "half a line");
		break;
	case DIE_MIXED:
		/* a record of 4 bytes, then text as in DIE_TEXT */
		field(&o, "a");
		field(&o, "b");
		csm_out_endrec(&o);
		for (i = 0; i < 7000; i++)
			csm_out_printf(&o, "line %05d\n", i);
		csm_out_puts(&o, "half a line");
		if (o.cap != 64 * 1024)
			exit(98);	/* text must not grow the buffer */
		break;
	case DIE_BIG:
		/* 10 records of 4 bytes, one of 200,002 */
		for (i = 0; i < 10; i++) {
			snprintf(cell, sizeof(cell), "r%02d", i);
			field(&o, cell);
			csm_out_endrec(&o);
		}
		csm_buf_init(&big);
		for (i = 0; i < 100000; i++)
			csm_buf_adds(&big, "xy");
		field(&o, big.s);
		field(&o, "");
		csm_out_endrec(&o);
		csm_buf_release(&big);
		field(&o, "half");
		break;
	case DIE_DISCARD:
		/* 10 records of 4 bytes, discarded; another writer's half */
		for (i = 0; i < 10; i++) {
			snprintf(cell, sizeof(cell), "r%02d", i);
			field(&o, cell);
			csm_out_endrec(&o);
		}
		csm_out_discard(&o);
		csm_out_init(&o2, open("/dev/null", O_WRONLY), "null", ',');
		field(&o2, "half");
		break;
	}
	csm_die(65, "data error");
}

/* Reads all of path (the caller frees); *n its length. */
static char *
slurp_path(const char *path, size_t *n)
{
	struct csm_buf b;
	char chunk[8192];
	ssize_t r;
	int fd;

	csm_buf_init(&b);
	csm_buf_add(&b, "", 0);
	if ((fd = open(path, O_RDONLY)) < 0)
		csm_die(70, "open '%s':", path);
	while ((r = read(fd, chunk, sizeof(chunk))) > 0)
		csm_buf_add(&b, chunk, (size_t)r);
	close(fd);
	*n = b.len;
	return csm_buf_detach(&b);
}

static void
test_die_whole(void)
{
	struct child c;
	struct csm_buf want;
	char cell[16], *s;
	size_t n;
	int i, fd;

	for (diemode = DIE_CSV; diemode <= DIE_DISCARD; diemode++) {
		memcpy(diepath, "/tmp/t-out.XXXXXX", sizeof("/tmp/t-out.XXXXXX"));
		if ((fd = mkstemp(diepath)) < 0)
			csm_die(70, "mkstemp:");
		close(fd);
		run_child(die_child, -1, &c);
		T_OK(WIFEXITED(c.status));
		T_EQ_INT(WEXITSTATUS(c.status), 65);
		T_EQ_STR(c.err, "t-out: data error\n");
		/* what the file holds: every whole record or line, no more */
		s = slurp_path(diepath, &n);
		unlink(diepath);
		csm_buf_init(&want);
		csm_buf_add(&want, "", 0);
		switch (diemode) {
		case DIE_CSV:
		case DIE_TSV:
			for (i = 0; i < 2000; i++)
				csm_buf_printf(&want, "%08d%c"
				    "abcdefghijklmnopqrstuvwxyz0123\n", i,
				    diemode == DIE_TSV ? '\t' : ',');
			T_EQ_INT(n, 80000);
			break;
		case DIE_TEXT:
		case DIE_MIXED:
			if (diemode == DIE_MIXED)
				csm_buf_adds(&want, "a,b\n");
			for (i = 0; i < 7000; i++)
				csm_buf_printf(&want, "line %05d\n", i);
			T_EQ_INT(n, diemode == DIE_MIXED ? 77004 : 77000);
			break;
		case DIE_BIG:
			for (i = 0; i < 10; i++) {
				snprintf(cell, sizeof(cell), "r%02d\n", i);
				csm_buf_adds(&want, cell);
			}
			for (i = 0; i < 100000; i++)
				csm_buf_adds(&want, "xy");
			csm_buf_adds(&want, ",\n");
			T_EQ_INT(n, 40 + 200002);
			break;
		case DIE_DISCARD:
			T_EQ_INT(n, 0);
			break;
		}
		if (n != want.len || memcmp(s, want.s, n) != 0)
			T_FAIL("mode %d: the file is not the whole records",
			    diemode);
		free(s);
		csm_buf_release(&want);
	}
}

/* ---- the fast path against a reference ------------------------------ */

static unsigned long fp_seed;

static unsigned
fp_rnd(unsigned n)
{
	fp_seed = fp_seed * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((fp_seed >> 33) % n);
}

/*
 * A random field of 0 to 40 bytes: mostly letters and spaces, sometimes
 * a byte that needs quotes or escapes in some dialect (each delimiter,
 * quote, CR, LF, backslash), a BOM, a NUL or a byte above 127; so that
 * every position of an 8-byte word, and the tail after the words, holds
 * one now and then.
 */
static void
fp_field(struct csm_buf *b)
{
	static const char odd[] = ",;|\t\"\r\n\\\0\x80\xFF";
	size_t n = fp_rnd(5) == 0 ? 0 : fp_rnd(41), i;

	csm_buf_reset(b);
	csm_buf_add(b, "", 0);
	if (n >= 3 && fp_rnd(20) == 0) {
		csm_buf_add(b, "\xEF\xBB\xBF", 3);
		n -= 3;
	}
	for (i = 0; i < n; i++) {
		if (fp_rnd(40) == 0)
			csm_buf_addc(b, odd[fp_rnd(sizeof(odd) - 1)]);
		else
			csm_buf_addc(b, "ab c"[fp_rnd(4)]);
	}
}

/*
 * What the writer must write for a field past the header, worked out
 * from the rules alone (RFC 4180 minimal quoting and a record's first
 * field that starts with a BOM quoted; TSV's four escapes).
 */
static void
fp_want(struct csm_buf *w, const char *s, size_t n, int delim, int first)
{
	size_t i;
	int q = 0;

	if (delim == '\t') {
		for (i = 0; i < n; i++)
			switch (s[i]) {
			case '\t': csm_buf_adds(w, "\\t"); break;
			case '\n': csm_buf_adds(w, "\\n"); break;
			case '\r': csm_buf_adds(w, "\\r"); break;
			case '\\': csm_buf_adds(w, "\\\\"); break;
			default: csm_buf_addc(w, s[i]);
			}
		return;
	}
	for (i = 0; i < n; i++)
		q |= s[i] == delim || s[i] == '"' || s[i] == '\r' ||
		    s[i] == '\n';
	q |= first && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0;
	if (!q) {
		csm_buf_add(w, s, n);
		return;
	}
	csm_buf_addc(w, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			csm_buf_addc(w, '"');
		csm_buf_addc(w, s[i]);
	}
	csm_buf_addc(w, '"');
}

static void
test_fast_path(void)
{
	/*
	 * 20,000 random records of 1 to 6 fields in each dialect, written
	 * with csm_out_field and csm_out_fields (the fast path past the
	 * header), several times the 64 KiB buffer: byte for byte what the
	 * rules say, a record of one empty field included ("" or \N).
	 */
	static const int delims[] = { ',', ';', '|', '\t' };
	struct csm_buf want, f[6];
	struct csm_out o;
	char path[32], *got, *fp[6];
	size_t n, nf, i, j, k, fl[6];

	for (k = 0; k < 6; k++)
		csm_buf_init(&f[k]);
	csm_buf_init(&want);
	for (k = 0; k < 4; k++) {
		int d = delims[k];

		fp_seed = 20261129 + k;
		csm_buf_reset(&want);
		csm_buf_add(&want, "", 0);
		open_tmp(&o, path, d);
		field(&o, "h");
		csm_out_endrec(&o);
		csm_buf_adds(&want, "h\n");
		for (i = 0; i < 20000; i++) {
			nf = 1 + fp_rnd(6);
			for (j = 0; j < nf; j++) {
				fp_field(&f[j]);
				fp[j] = f[j].s;
				fl[j] = f[j].len;
				if (j > 0)
					csm_buf_addc(&want, (char)d);
				fp_want(&want, f[j].s, f[j].len, d, j == 0);
			}
			if (nf == 1 && fl[0] == 0)
				csm_buf_adds(&want, d == '\t' ? "\\N" : "\"\"");
			csm_buf_addc(&want, '\n');
			if (i % 2)
				csm_out_fields(&o, fp, fl, nf);
			else
				for (j = 0; j < nf; j++)
					csm_out_field(&o, fp[j], fl[j]);
			csm_out_endrec(&o);
		}
		got = close_read(&o, path, &n);
		T_OK(want.len > 4 * 64 * 1024);
		if (n != want.len || memcmp(got, want.s, n) != 0) {
			for (i = 0; i < n && i < want.len && got[i] == want.s[i];
			    i++)
				;
			T_FAIL("delimiter '%c': differs at byte %zu of %zu",
			    d, i, want.len);
		}
		free(got);
	}
	for (k = 0; k < 6; k++)
		csm_buf_release(&f[k]);
	csm_buf_release(&want);
}

static void
test_delim_changed(void)
{
	/*
	 * A tool may set delim after csm_out_init (csm-risk does): the fast
	 * path then quotes for the new delimiter, not the old.
	 */
	struct csm_out o;
	char path[32], *s;
	size_t n;

	open_tmp(&o, path, ',');
	o.delim = ';';
	field(&o, "a");
	field(&o, "b");
	csm_out_endrec(&o);
	field(&o, "x;y");
	field(&o, "p,q");
	csm_out_endrec(&o);
	o.delim = '\t';
	field(&o, "t\tu");
	field(&o, "v;w");
	csm_out_endrec(&o);
	s = close_read(&o, path, &n);
	T_EQ_MEM(s, n, "a;b\n\"x;y\";p,q\nt\\tu\tv;w\n");
	free(s);
}

int
main(void)
{
	csm_setprogname("t-out");
	T_RUN(test_csv_quoting);
	T_RUN(test_header_quoting);
	T_RUN(test_tsv_escapes);
	T_RUN(test_empty_record);
	T_RUN(test_bom_first_field);
	T_RUN(test_large);
	T_RUN(test_dev_full);
	T_RUN(test_closed_pipe);
	T_RUN(test_die_whole);
	T_RUN(test_fast_path);
	T_RUN(test_delim_changed);
	T_END();
}

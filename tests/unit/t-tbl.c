/*
 * t-tbl.c: reading CSV and TSV (tbl.c).  Every input is written to a
 * temporary file and read back; errors, which exit, are checked in a
 * forked child whose exit status, stdout and stderr are kept.  Expected
 * values (fields, line numbers, messages) are worked out by hand from the
 * inputs written here.
 *
 * Every test runs twice: reading on one thread, then reading ahead
 * (csm_tbl_readahead after each open), which must read the same records
 * and report the same errors after the same records.  Then tests of
 * reading ahead alone: many batches, an error far into the input,
 * stopping early.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "t.h"

/* ---- helpers ---------------------------------------------------------- */

static int ahead;	/* read ahead after each open */

/* csm_tbl_open, then csm_tbl_readahead when the tests read ahead. */
static void
topen(struct csm_tbl *t, char *const *files, size_t n,
    const struct csm_tbl_opts *o)
{
	csm_tbl_open(t, files, n, o);
	if (ahead)
		csm_tbl_readahead(t);
}

/* Writes n bytes to a new temporary file; the caller unlinks and frees. */
static char *
tmpwrite(const char *data, size_t n)
{
	char name[] = "/tmp/t-tbl.XXXXXX";
	int fd = mkstemp(name);
	size_t done = 0;
	ssize_t r;

	if (fd < 0)
		csm_die(70, "mkstemp:");
	while (done < n) {
		r = write(fd, data + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			csm_die(70, "write '%s':", name);
		done += (size_t)r;
	}
	if (close(fd) != 0)
		csm_die(70, "close '%s':", name);
	return csm_xstrdup(name);
}

static char *
tmps(const char *s)
{
	return tmpwrite(s, strlen(s));
}

static void
rmtmp(char *path)
{
	unlink(path);
	free(path);
}

static struct csm_tbl_opts
opts(int delim, int ragged)
{
	struct csm_tbl_opts o;

	o.delim = delim;
	o.ragged = ragged;
	return o;
}

static void
open1(struct csm_tbl *t, char *path, int delim, int ragged)
{
	struct csm_tbl_opts o = opts(delim, ragged);
	char *files[1];

	files[0] = path;
	topen(t, files, 1, &o);
}

/* Whether field i of the current record is s (NUL-terminated text). */
static int
fis(const struct csm_tbl *t, size_t i, const char *s)
{
	size_t n = strlen(s);

	return i < t->nf && t->flen[i] == n && memcmp(t->f[i], s, n) == 0 &&
	    t->f[i][n] == '\0';
}

static int
his(const struct csm_tbl *t, size_t i, const char *s)
{
	size_t n = strlen(s);

	return i < t->ncols && t->hdrlen[i] == n &&
	    memcmp(t->hdr[i], s, n) == 0;
}

/* What a child did: how it ended, and what it wrote. */
struct child {
	int status;
	char out[4096];
	char err[4096];
};

static void
slurp_tmp(int fd, char *buf, size_t sz)
{
	ssize_t r;
	size_t n = 0;

	lseek(fd, 0, SEEK_SET);
	while (n + 1 < sz && (r = read(fd, buf + n, sz - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(fd);
}

static int
tmpfd(void)
{
	char name[] = "/tmp/t-tbl.XXXXXX";
	int fd = mkstemp(name);

	if (fd < 0)
		csm_die(70, "mkstemp:");
	unlink(name);
	return fd;
}

/* Runs fn(arg) in a child, which then exits 0; fills c. */
static void
run_child(void (*fn)(void *), void *arg, struct child *c)
{
	int ofd = tmpfd(), efd = tmpfd();
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) < 0)
		csm_die(70, "fork:");
	if (pid == 0) {
		dup2(ofd, 1);
		dup2(efd, 2);
		fn(arg);
		fflush(stdout);
		exit(0);
	}
	while (waitpid(pid, &c->status, 0) < 0 && errno == EINTR)
		;
	slurp_tmp(ofd, c->out, sizeof(c->out));
	slurp_tmp(efd, c->err, sizeof(c->err));
}

static int
exit_code(const struct child *c)
{
	return WIFEXITED(c->status) ? WEXITSTATUS(c->status) : -1;
}

/* What a child reads: files, options. */
struct rd {
	char *files[2];
	size_t n;
	struct csm_tbl_opts o;
};

/* Reads the whole table, printing "line:nf:first field" for each record. */
static void
readall(void *arg)
{
	struct rd *r = arg;
	struct csm_tbl t;

	topen(&t, r->n ? r->files : NULL, r->n, &r->o);
	while (csm_tbl_next(&t))
		printf("%ld:%zu:%s\n", t.line, t.nf, t.f[0]);
	csm_tbl_close(&t);
}

/* Reads path in a child with the given options. */
static void
read_child(char *path, int delim, int ragged, struct child *c)
{
	struct rd r;

	r.files[0] = path;
	r.n = 1;
	r.o = opts(delim, ragged);
	run_child(readall, &r, c);
}

/* Checks that the child exited code with exactly the message "t-tbl: msg". */
#define T_DIED(c, code, msg) do { \
	char t_m[1024]; \
	snprintf(t_m, sizeof(t_m), "t-tbl: %s\n", (msg)); \
	T_EQ_INT(exit_code(c), (code)); \
	T_EQ_STR((c)->err, t_m); \
} while (0)

/* ---- tests ------------------------------------------------------------ */

static void
test_header_fields(void)
{
	char *p = tmps("id,name\n1,alice\n2,bob\n");
	struct csm_tbl t;

	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(t.ncols, 2);
	T_OK(his(&t, 0, "id"));
	T_OK(his(&t, 1, "name"));
	T_EQ_INT(t.delim, ',');
	T_EQ_STR(t.file, p);
	T_EQ_INT(t.line, 1);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_EQ_INT(t.nf, 2);
	T_OK(fis(&t, 0, "1"));
	T_OK(fis(&t, 1, "alice"));
	T_EQ_STR(t.file, p);
	T_EQ_INT(t.line, 2);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "2"));
	T_OK(fis(&t, 1, "bob"));
	T_EQ_INT(t.line, 3);
	T_EQ_INT(csm_tbl_next(&t), 0);
	T_EQ_INT(csm_tbl_next(&t), 0);	/* stays at the end */
	csm_tbl_close(&t);
	rmtmp(p);
}

static void
test_bom(void)
{
	/* A BOM at the start is dropped; one inside a field is data. */
	char *p = tmps("\xEF\xBB\xBFid,x\n1,\xEF\xBB\xBFy\n");
	struct csm_tbl t;

	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(t.ncols, 2);
	T_OK(his(&t, 0, "id"));
	T_EQ_INT(t.hdrlen[0], 2);
	T_EQ_INT(t.line, 1);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 1, "\xEF\xBB\xBFy"));
	T_EQ_INT(t.line, 2);
	csm_tbl_close(&t);
	rmtmp(p);
}

static void
test_crlf(void)
{
	/* CRLF ends records and is not part of the last field. */
	char *p = tmps("a,b\r\n1,2\r\n3,4");
	struct csm_tbl t;

	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_OK(his(&t, 1, "b"));
	T_EQ_INT(t.hdrlen[1], 1);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 1, "2"));
	T_EQ_INT(t.line, 2);
	T_EQ_INT(csm_tbl_next(&t), 1);	/* no newline at the end */
	T_OK(fis(&t, 0, "3"));
	T_OK(fis(&t, 1, "4"));
	T_EQ_INT(t.line, 3);
	T_EQ_INT(csm_tbl_next(&t), 0);
	csm_tbl_close(&t);
	rmtmp(p);

	/* A lone CR ends records too (old Mac files), as in libcsv. */
	p = tmps("a,b\r1,2\r3,4\r");
	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 1, "2"));
	T_EQ_INT(t.line, 2);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "3"));
	T_EQ_INT(t.line, 3);
	T_EQ_INT(csm_tbl_next(&t), 0);
	csm_tbl_close(&t);
	rmtmp(p);
}

static void
test_quoted(void)
{
	/*
	 * line 1: a,b
	 * line 2: "x,y","say ""hi"""
	 * line 3-4: "line1<LF>line2",z
	 * line 5-6: "p<CRLF>q",""
	 * line 7: r,s
	 */
	char *p = tmps("a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"line1\nline2\",z\n"
	    "\"p\r\nq\",\"\"\nr,s\n");
	struct csm_tbl t;

	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "x,y"));
	T_OK(fis(&t, 1, "say \"hi\""));
	T_EQ_INT(t.line, 2);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "line1\nline2"));
	T_OK(fis(&t, 1, "z"));
	T_EQ_INT(t.line, 3);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "p\r\nq"));
	T_OK(fis(&t, 1, ""));
	T_EQ_INT(t.line, 5);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "r"));
	T_EQ_INT(t.line, 7);
	T_EQ_INT(csm_tbl_next(&t), 0);
	csm_tbl_close(&t);
	rmtmp(p);
}

static void
test_nul_bytes(void)
{
	/* A NUL is data: the field's length counts it. */
	static const char in[] = "a,b\nx\0y,z\n";
	char *p = tmpwrite(in, sizeof(in) - 1);
	struct csm_tbl t;

	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_EQ_INT(t.flen[0], 3);
	T_OK(memcmp(t.f[0], "x\0y", 4) == 0);
	T_OK(fis(&t, 1, "z"));
	csm_tbl_close(&t);
	rmtmp(p);
}

static void
test_big_field(void)
{
	/* 1 MiB unquoted, then 1 MiB quoted with "" and LF in it. */
	const size_t big = 1024 * 1024;
	struct csm_buf b;
	struct csm_tbl t;
	size_t i, bad;
	char *p;

	csm_buf_init(&b);
	csm_buf_adds(&b, "a,b\n");
	for (i = 0; i < big; i++)
		csm_buf_addc(&b, 'a' + (int)(i % 26));
	csm_buf_adds(&b, ",end\n\"");
	for (i = 0; i < big / 4; i++)
		csm_buf_adds(&b, i % 2 ? "\"\"x\ny" : "abcd");
	csm_buf_adds(&b, "\",last\nq,r\n");
	p = tmpwrite(b.s, b.len);
	csm_buf_release(&b);

	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_EQ_INT(t.flen[0], big);
	for (i = 0, bad = 0; i < t.flen[0]; i++)
		bad += t.f[0][i] != 'a' + (int)(i % 26);
	T_EQ_INT(bad, 0);
	T_OK(fis(&t, 1, "end"));
	T_EQ_INT(t.line, 2);
	T_EQ_INT(csm_tbl_next(&t), 1);
	/* big/8 "abcd" (4 bytes) and big/8 "\"x\ny" (4 bytes once read) */
	T_EQ_INT(t.flen[0], big);
	for (i = 0, bad = 0; i < t.flen[0]; i += 4)
		bad += memcmp(t.f[0] + i, i / 4 % 2 ? "\"x\ny" : "abcd",
		    4) != 0;
	T_EQ_INT(bad, 0);
	T_OK(fis(&t, 1, "last"));
	T_EQ_INT(t.line, 3);
	T_EQ_INT(csm_tbl_next(&t), 1);
	/* the quoted field held big/8 newlines */
	T_EQ_INT(t.line, 3 + (long)(big / 8) + 1);
	T_OK(fis(&t, 0, "q"));
	csm_tbl_close(&t);
	rmtmp(p);
}

static void
test_blank_lines(void)
{
	/*
	 * line 1: (LF)  2: (CRLF)  3: (LF)  4: a,b  5: (LF)  6: 1,2
	 * 7: (CRLF)  8: (LF)  9-10: "p<LF>q",3  11: (LF)  12: (CR)
	 * 13: 4,5  14: (LF)
	 */
	char *p = tmps("\n\r\n\na,b\n\n1,2\n\r\n\n\"p\nq\",3\n\n\r4,5\n\n");
	struct csm_tbl t;

	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(t.ncols, 2);
	T_OK(his(&t, 0, "a"));
	T_EQ_INT(t.line, 4);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "1"));
	T_EQ_INT(t.line, 6);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "p\nq"));
	T_EQ_INT(t.line, 9);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "4"));
	T_EQ_INT(t.line, 13);
	T_EQ_INT(csm_tbl_next(&t), 0);
	csm_tbl_close(&t);
	rmtmp(p);

	/* A line of spaces is not blank: it is a record of one field. */
	p = tmps("a\n \n\nb\n");
	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, " "));
	T_EQ_INT(t.line, 2);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "b"));
	T_EQ_INT(t.line, 4);
	csm_tbl_close(&t);
	rmtmp(p);

	/* Nor is a quoted empty field: "" is a record of one empty field. */
	p = tmps("a\n\"\"\nb\n");
	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, ""));
	T_EQ_INT(t.line, 2);
	csm_tbl_close(&t);
	rmtmp(p);
}

static void
test_detect(void)
{
	struct csm_tbl t;
	char *p;

	/* a tab and no comma: TSV */
	p = tmps("a\tb\n1\t2,5\n");
	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(t.delim, '\t');
	T_EQ_INT(t.ncols, 2);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 1, "2,5"));
	csm_tbl_close(&t);
	rmtmp(p);

	/* a tab and a comma: CSV, the tab is data */
	p = tmps("a\tb,c\n1,2\n");
	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(t.delim, ',');
	T_EQ_INT(t.ncols, 2);
	T_OK(his(&t, 0, "a\tb"));
	csm_tbl_close(&t);
	rmtmp(p);

	/* neither: CSV, one column */
	p = tmps("a b\n1\n");
	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(t.delim, ',');
	T_EQ_INT(t.ncols, 1);
	csm_tbl_close(&t);
	rmtmp(p);

	/* -d overrides: ',' on a tab file gives one column */
	p = tmps("a\tb\n1\t2\n");
	open1(&t, p, ',', CSM_RAGGED_ERROR);
	T_EQ_INT(t.delim, ',');
	T_EQ_INT(t.ncols, 1);
	T_OK(his(&t, 0, "a\tb"));
	csm_tbl_close(&t);
	rmtmp(p);

	/* -d ';' */
	p = tmps("a;b,c\n1;2\n");
	open1(&t, p, ';', CSM_RAGGED_ERROR);
	T_EQ_INT(t.delim, ';');
	T_EQ_INT(t.ncols, 2);
	T_OK(his(&t, 1, "b,c"));
	csm_tbl_close(&t);
	rmtmp(p);

	/* The header line is the first that is not blank. */
	p = tmps("\n\r\na\tb\n1\t2,3\n");
	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(t.delim, '\t');
	T_EQ_INT(t.ncols, 2);
	T_EQ_INT(t.line, 3);
	csm_tbl_close(&t);
	rmtmp(p);

	/* A lone CR ends the header line: the comma after it is data. */
	p = tmps("a\tb\rx,y\tz\r");
	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(t.delim, '\t');
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "x,y"));
	T_EQ_INT(t.line, 2);
	csm_tbl_close(&t);
	rmtmp(p);

	/* After a BOM */
	p = tmps("\xEF\xBB\xBF" "a\tb\n");
	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(t.delim, '\t');
	T_OK(his(&t, 0, "a"));
	csm_tbl_close(&t);
	rmtmp(p);
}

/* The delimiter detected in header h, and the number of columns. */
static void
detected(const char *h, int delim, size_t ncols)
{
	char *p = tmps(h);
	struct csm_tbl t;

	open1(&t, p, 0, CSM_RAGGED_KEEP);
	if (t.delim != delim || t.ncols != ncols)
		T_FAIL("header \"%s\": delimiter '%c' and %zu columns, want "
		    "'%c' and %zu", h, t.delim, t.ncols, delim, ncols);
	csm_tbl_close(&t);
	rmtmp(p);
}

static void
test_sniff(void)
{
	/* The most frequent of , ; TAB | outside quotes. */
	detected("a;b;c\n1;2,5;3\n", ';', 3);
	detected("a|b|c\n", '|', 3);
	detected("a,b;c;d\n", ';', 3);
	detected("a\tb\tc,d|e\n", '\t', 3);
	detected("a;b|c|d\n", '|', 3);
	/* Ties: comma, then semicolon, tab, pipe; none at all: comma. */
	detected("a,b;c\n", ',', 2);
	detected("a;b\tc\n", ';', 2);
	detected("a\tb|c\n", '\t', 2);
	detected("a\tb,c|d;e\n", ',', 2);
	detected("abc\n", ',', 1);
	/* Not inside quotes, which may hold "" and line ends. */
	detected("\"x;y;z\",b\n", ',', 2);
	detected("\"a\"\"b;c;d\",e\n", ',', 2);
	detected("\"Account\nID;x;y\";Name;ARR\n", ';', 3);
	detected("\"Account\r\nID,x,y\"|Name|ARR\r\n1|2|3\r\n", '|', 3);
	/* A quote only opens a quoted part at the start of a field. */
	detected("a\t\"b,c\td\n", '\t', 3);
	/* In TSV quotes are data, kept as they are. */
	detected("\"id\"\t\"name\"\n", '\t', 2);
}

static void
test_sniff_far(void)
{
	struct csm_buf b;
	struct csm_tbl t;
	char *p;
	size_t i;

	/*
	 * A TSV file after 70,000 blank lines (more than the 64 KiB read
	 * buffer) is still TSV, its header on line 70,001.
	 */
	csm_buf_init(&b);
	for (i = 0; i < 70000; i++)
		csm_buf_addc(&b, '\n');
	csm_buf_adds(&b, "a\tb\tc,d\n1\t2,3\t4\n");
	p = tmpwrite(b.s, b.len);
	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(t.delim, '\t');
	T_EQ_INT(t.line, 70001);
	T_OK(his(&t, 2, "c,d"));
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 1, "2,3"));
	T_EQ_INT(t.line, 70002);
	csm_tbl_close(&t);
	rmtmp(p);

	/*
	 * A header line of 20,000 columns (140,000 bytes, past the buffer),
	 * one of whose names holds a comma: TSV.
	 */
	csm_buf_reset(&b);
	csm_buf_adds(&b, "x,y");
	for (i = 1; i < 20000; i++)
		csm_buf_printf(&b, "\tc%05zu", i);
	csm_buf_adds(&b, "\n");
	for (i = 1; i < 20000; i++)
		csm_buf_adds(&b, "1\t");
	csm_buf_adds(&b, "2\n");
	p = tmpwrite(b.s, b.len);
	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(t.delim, '\t');
	T_EQ_INT(t.ncols, 20000);
	T_OK(his(&t, 0, "x,y"));
	T_OK(his(&t, 19999, "c19999"));
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 19999, "2"));
	csm_tbl_close(&t);
	rmtmp(p);
	csm_buf_release(&b);
}

/* Whether field i of the current record is s[0..n), NUL after it. */
static int
fisn(const struct csm_tbl *t, size_t i, const char *s, size_t n)
{
	return i < t->nf && t->flen[i] == n && memcmp(t->f[i], s, n) == 0 &&
	    t->f[i][n] == '\0';
}

static void
test_tsv(void)
{
	/*
	 * The header decodes too.  Then, field by field: \t \n \r \\ and
	 * \b \f \v; \N alone is empty, inside a field it stays; \x41 and
	 * a backslash at the end stay; quotes are data; a NUL is data.
	 */
	static const char in[] =
	    "h\\tx\tb\tc\td\te\tf\tg\th\ti\tj\tk\n"
	    "a\\tb\t\\n\\r\\\\\t\\b\\f\\v\t\\N\tx\\N\t\\\\N\t"
	    "\\x41\tend\\\t\"q\"\"\t\"open\tn\0ul\n";
	char *p = tmpwrite(in, sizeof(in) - 1);
	struct csm_tbl t;

	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(t.delim, '\t');
	T_EQ_INT(t.ncols, 11);
	T_OK(his(&t, 0, "h\tx"));
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "a\tb"));
	T_OK(fis(&t, 1, "\n\r\\"));
	T_OK(fis(&t, 2, "\b\f\v"));
	T_OK(fis(&t, 3, ""));
	T_OK(fis(&t, 4, "x\\N"));
	T_OK(fis(&t, 5, "\\N"));
	T_OK(fis(&t, 6, "\\x41"));
	T_OK(fis(&t, 7, "end\\"));
	T_OK(fis(&t, 8, "\"q\"\""));
	T_OK(fis(&t, 9, "\"open"));
	T_OK(fisn(&t, 10, "n\0ul", 4));
	T_EQ_INT(csm_tbl_next(&t), 0);
	csm_tbl_close(&t);
	rmtmp(p);

	/* A lone backslash, and -t on a file with no tab: one column. */
	p = tmps("a,b\n\\\n");
	open1(&t, p, '\t', CSM_RAGGED_ERROR);
	T_EQ_INT(t.ncols, 1);
	T_OK(his(&t, 0, "a,b"));
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "\\"));
	csm_tbl_close(&t);
	rmtmp(p);
}

static void
test_tsv_lines(void)
{
	/*
	 * line 1: a TAB b (CRLF)  2: (CRLF)  3: 1 TAB 2 (CR)  4: 3 TAB 4 (LF)
	 * 5: (LF)  6: (CR)  7: 5 TAB 6 (no line end)
	 */
	char *p = tmps("a\tb\r\n\r\n1\t2\r3\t4\n\n\r5\t6");
	struct csm_tbl t;
	struct csm_buf b;
	struct child c;
	char msg[512];
	size_t i;

	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_OK(his(&t, 1, "b"));
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 1, "2"));
	T_EQ_INT(t.line, 3);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "3"));
	T_EQ_INT(t.line, 4);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 1, "6"));
	T_EQ_INT(t.line, 7);
	T_EQ_INT(csm_tbl_next(&t), 0);
	csm_tbl_close(&t);
	rmtmp(p);

	/* A ragged TSV record is an error naming its line; pad and skip. */
	p = tmps("a\tb\r\n\r\n1\t2\r3\n\n\n4\t5\t6\n7\t8\n");
	read_child(p, 0, CSM_RAGGED_ERROR, &c);
	snprintf(msg, sizeof(msg), "%s:4: expected 2 fields, got 1", p);
	T_DIED(&c, 65, msg);
	T_EQ_STR(c.out, "3:2:1\n");
	read_child(p, 0, CSM_RAGGED_PAD, &c);
	snprintf(msg, sizeof(msg), "%s:7: expected 2 fields, got 3", p);
	T_DIED(&c, 65, msg);
	T_EQ_STR(c.out, "3:2:1\n4:2:3\n");
	read_child(p, 0, CSM_RAGGED_SKIP, &c);
	T_EQ_INT(exit_code(&c), 0);
	snprintf(msg, sizeof(msg), "t-tbl: %s:4: skipped record: expected 2 "
	    "fields, got 1\nt-tbl: %s:7: skipped record: expected 2 fields, "
	    "got 3\n", p, p);
	T_EQ_STR(c.err, msg);
	T_EQ_STR(c.out, "3:2:1\n8:2:7\n");
	rmtmp(p);

	/*
	 * A record longer than the 64 KiB buffer, with an escape across its
	 * end, and a CRLF whose CR is the buffer's last byte: the header is
	 * 5 bytes (a TAB b CR LF), so a record of 65,528 x's, TAB, y puts
	 * its CR at offset 65,535.
	 */
	csm_buf_init(&b);
	csm_buf_adds(&b, "a\tb\r\n");
	for (i = 0; i < 65528; i++)
		csm_buf_addc(&b, 'x');
	csm_buf_adds(&b, "\ty\r\n");
	T_EQ_INT(b.len, 65537);
	T_EQ_INT(b.s[65535], '\r');
	for (i = 0; i < 65534; i++)
		csm_buf_addc(&b, 'z');
	csm_buf_adds(&b, "\\t\\\\\t\\n\n");	/* 65,534 z, \t, \\, TAB, \n */
	p = tmpwrite(b.s, b.len);
	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_EQ_INT(t.flen[0], 65528);
	T_OK(fis(&t, 1, "y"));
	T_EQ_INT(t.line, 2);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_EQ_INT(t.line, 3);
	T_EQ_INT(t.flen[0], 65536);
	T_OK(memcmp(t.f[0] + 65534, "\t\\", 2) == 0);
	T_OK(fis(&t, 1, "\n"));
	T_EQ_INT(csm_tbl_next(&t), 0);
	csm_tbl_close(&t);
	rmtmp(p);
	csm_buf_release(&b);
}

static void
test_cr_lines(void)
{
	struct child c;
	char msg[512], *p;

	/*
	 * After a lone CR line end, and after a CR inside a quoted field, the
	 * lines that follow keep their numbers (an LF ends its own line
	 * unless it comes right after a CR).
	 * line 1: a,b (CR)  2: 1,2 (LF)  3: 3 (LF)
	 */
	p = tmps("a,b\r1,2\n3\n");
	read_child(p, 0, CSM_RAGGED_ERROR, &c);
	snprintf(msg, sizeof(msg), "%s:3: expected 2 fields, got 1", p);
	T_DIED(&c, 65, msg);
	T_EQ_STR(c.out, "2:2:1\n");
	rmtmp(p);

	/* line 1: a,b  2: "x (CR)  3: y",1  4: 3 */
	p = tmps("a,b\n\"x\ry\",1\n3\n");
	read_child(p, 0, CSM_RAGGED_ERROR, &c);
	snprintf(msg, sizeof(msg), "%s:4: expected 2 fields, got 1", p);
	T_DIED(&c, 65, msg);
	T_EQ_STR(c.out, "2:2:x\ry\n");
	rmtmp(p);

	/* the same with CRLF line ends */
	p = tmps("a,b\r\n\"x\ry\",1\r\n\r\n3\r\n");
	read_child(p, 0, CSM_RAGGED_ERROR, &c);
	snprintf(msg, sizeof(msg), "%s:5: expected 2 fields, got 1", p);
	T_DIED(&c, 65, msg);
	rmtmp(p);

	/* and in TSV: a CR ends a line there too */
	p = tmps("a\tb\r1\t2\n3\n");
	read_child(p, 0, CSM_RAGGED_ERROR, &c);
	snprintf(msg, sizeof(msg), "%s:3: expected 2 fields, got 1", p);
	T_DIED(&c, 65, msg);
	rmtmp(p);
}

/* Reads s[0..n) in a child; checks it died 65 with "t-tbl: path[:1]: msg". */
static void
not_text(const char *s, size_t n, int line, const char *msg)
{
	char *p = tmpwrite(s, n), want[900];
	struct child c;

	read_child(p, 0, CSM_RAGGED_ERROR, &c);
	if (line)
		snprintf(want, sizeof(want), "%s:%d: %s", p, line, msg);
	else
		snprintf(want, sizeof(want), "%s: %s", p, msg);
	T_DIED(&c, 65, want);
	T_EQ_STR(c.out, "");
	rmtmp(p);
	/* the same with -d given */
	p = tmpwrite(s, n);
	read_child(p, ',', CSM_RAGGED_ERROR, &c);
	T_EQ_INT(exit_code(&c), 65);
	rmtmp(p);
}

#define NOT_TEXT(lit, line, msg) not_text(lit, sizeof(lit) - 1, line, msg)

static void
test_not_text(void)
{
	static const char utf16[] = "looks like UTF-16 text (it starts with "
	    "a UTF-16 byte-order mark): save it as CSV UTF-8, or convert it "
	    "with iconv -f UTF-16 -t UTF-8";
	static const char utf32[] = "looks like UTF-32 text (it starts with "
	    "a UTF-32 byte-order mark): save it as CSV UTF-8, or convert it "
	    "with iconv -f UTF-32 -t UTF-8";
	static const char zip[] = "looks like an Excel workbook (.xlsx) or "
	    "another ZIP archive: save the sheet as CSV UTF-8";

	NOT_TEXT("\xFF\xFEi\0d\0\n\0", 0, utf16);
	NOT_TEXT("\xFE\xFF\0i\0d\0\n", 0, utf16);
	NOT_TEXT("\xFF\xFE\0\0i\0\0\0\n\0\0\0", 0, utf32);
	NOT_TEXT("\0\0\xFE\xFF\0\0\0i\0\0\0\n", 0, utf32);
	NOT_TEXT("PK\x03\x04\x14\0\x06\0\x08\0[Content_Types].xml", 0, zip);
	NOT_TEXT("PK\x05\x06\0\0\0\0", 0, zip);
	NOT_TEXT("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 0,
	    "looks like an Excel 97-2003 workbook (.xls): save the sheet as "
	    "CSV UTF-8");
	NOT_TEXT("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", 0, "looks like a PDF "
	    "document, not CSV: export the data as CSV UTF-8");
	NOT_TEXT("\x1F\x8B\x08\0\0\0\0\0", 0, "looks like gzip-compressed "
	    "data: decompress it first (gzip -dc)");
	/* where the header starts, after blank lines */
	NOT_TEXT("\r\n\r\n%PDF-1.4\n", 0, "looks like a PDF document, not "
	    "CSV: export the data as CSV UTF-8");
	/* NUL bytes in the header line, after two blank lines */
	NOT_TEXT("\n\ni\0d\0,\0x\0\r\0\n\0", 3, "the header line holds NUL "
	    "bytes: looks like UTF-16 text without a byte-order mark; save it "
	    "as CSV UTF-8, or convert it with iconv -f UTF-16 -t UTF-8");
	NOT_TEXT("\0i\0d\0,\0x\0\n", 1, "the header line holds NUL bytes: "
	    "looks like UTF-16 text without a byte-order mark; save it as CSV "
	    "UTF-8, or convert it with iconv -f UTF-16 -t UTF-8");
	NOT_TEXT("id,x\0y\n", 1, "the header line holds a NUL byte: looks "
	    "like a binary file, not CSV; save it as CSV UTF-8");
	NOT_TEXT("\"i\nd\0\",x\n", 1, "the header line holds a NUL byte: "
	    "looks like a binary file, not CSV; save it as CSV UTF-8");
}

static void
test_bom_is_text(void)
{
	/* After a UTF-8 BOM, what looks like a signature is text. */
	char *p = tmps("\xEF\xBB\xBF%PDF-1.4,x\n1,2\n");
	struct csm_tbl t;

	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_OK(his(&t, 0, "%PDF-1.4"));
	T_EQ_INT(csm_tbl_next(&t), 1);
	csm_tbl_close(&t);
	rmtmp(p);
}

static void
test_spaces(void)
{
	/* Spaces and tabs around fields and quotes-free text are data. */
	char *p = tmps(" a , b \n 1 ,\t2\t\n");
	struct csm_tbl t;

	open1(&t, p, ',', CSM_RAGGED_ERROR);
	T_OK(his(&t, 0, " a "));
	T_OK(his(&t, 1, " b "));
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, " 1 "));
	T_OK(fis(&t, 1, "\t2\t"));
	csm_tbl_close(&t);
	rmtmp(p);

	/* inside quotes too */
	p = tmps("a,b\n\"  x  \",\" \"\n");
	open1(&t, p, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "  x  "));
	T_OK(fis(&t, 1, " "));
	csm_tbl_close(&t);
	rmtmp(p);
}

static void
test_multi(void)
{
	/* The second file has a BOM and a blank line first. */
	char *p1 = tmps("id,v\n1,a\n2,b\n");
	char *p2 = tmps("\xEF\xBB\xBF\nid,v\n3,c\n");
	char *p3 = tmps("id,w\n4,d\n");
	struct csm_tbl_opts o = opts(0, CSM_RAGGED_ERROR);
	struct csm_tbl t;
	struct child c;
	struct rd r;
	char msg[512];
	char *files[2];

	files[0] = p1;
	files[1] = p2;
	topen(&t, files, 2, &o);
	T_EQ_INT(t.ncols, 2);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "1"));
	T_EQ_STR(t.file, p1);
	T_EQ_INT(t.line, 2);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "2"));
	T_EQ_INT(t.line, 3);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 0, "3"));
	T_OK(fis(&t, 1, "c"));
	T_EQ_STR(t.file, p2);
	T_EQ_INT(t.line, 3);
	T_EQ_INT(csm_tbl_next(&t), 0);
	csm_tbl_close(&t);

	/* A differing header is an error at the second file's header. */
	r.files[0] = p1;
	r.files[1] = p3;
	r.n = 2;
	r.o = o;
	run_child(readall, &r, &c);
	snprintf(msg, sizeof(msg),
	    "%s:1: header differs from the header of '%s'", p3, p1);
	T_DIED(&c, 65, msg);
	T_EQ_STR(c.out, "2:2:1\n3:2:2\n");	/* the first file's records */

	/* So is a header with another number of columns. */
	rmtmp(p3);
	p3 = tmps("\n\nid,v,x\n");
	r.files[1] = p3;
	run_child(readall, &r, &c);
	snprintf(msg, sizeof(msg),
	    "%s:3: header differs from the header of '%s'", p3, p1);
	T_DIED(&c, 65, msg);
	rmtmp(p1);
	rmtmp(p2);
	rmtmp(p3);
}

/* Reads a table from standard input, a file put there by the parent. */
static void
stdin_child(void *arg)
{
	struct rd *r = arg;
	int fd = open(r->files[0], O_RDONLY);

	if (fd < 0 || dup2(fd, 0) < 0)
		exit(99);
	close(fd);
	r->files[0] = csm_xstrdup("-");
	readall(r);
	printf("%s\n", r->n ? r->files[0] : "none");
	free(r->files[0]);
}

static void
test_stdin(void)
{
	char *p = tmps("a,b\n1,2\n");
	struct child c;
	struct rd r;

	/* NULL file list: standard input */
	r.files[0] = p;
	r.n = 0;
	r.o = opts(0, CSM_RAGGED_ERROR);
	run_child(stdin_child, &r, &c);
	T_EQ_INT(exit_code(&c), 0);
	T_EQ_STR(c.out, "2:2:1\nnone\n");

	/* "-", with an error to see the name <stdin> */
	rmtmp(p);
	p = tmps("a,b\n1,2,3\n");
	r.files[0] = p;
	r.n = 1;
	run_child(stdin_child, &r, &c);
	T_DIED(&c, 65, "<stdin>:2: expected 2 fields, got 3");
	rmtmp(p);
}

static void
test_ragged(void)
{
	static const char in[] = "a,b,c\n1,2,3\n4,5\n\n6,7,8,9\n10,11,12\n";
	char *p = tmps(in), *q;
	struct csm_tbl t;
	struct child c;
	char msg[512];

	/* error: the first short record, on line 3 */
	read_child(p, 0, CSM_RAGGED_ERROR, &c);
	snprintf(msg, sizeof(msg), "%s:3: expected 3 fields, got 2", p);
	T_DIED(&c, 65, msg);
	T_EQ_STR(c.out, "2:3:1\n");

	/* skip: a warning for each, the others come through */
	read_child(p, 0, CSM_RAGGED_SKIP, &c);
	T_EQ_INT(exit_code(&c), 0);
	T_EQ_STR(c.out, "2:3:1\n6:3:10\n");
	snprintf(msg, sizeof(msg), "t-tbl: %s:3: skipped record: expected 3 "
	    "fields, got 2\nt-tbl: %s:5: skipped record: expected 3 fields, "
	    "got 4\n", p, p);
	T_EQ_STR(c.err, msg);

	/* keep: as they are */
	open1(&t, p, 0, CSM_RAGGED_KEEP);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_EQ_INT(t.nf, 3);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_EQ_INT(t.nf, 2);
	T_OK(fis(&t, 1, "5"));
	T_EQ_INT(t.line, 3);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_EQ_INT(t.nf, 4);
	T_OK(fis(&t, 3, "9"));
	T_EQ_INT(t.line, 5);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_EQ_INT(t.nf, 3);
	T_EQ_INT(t.ncols, 3);
	T_EQ_INT(csm_tbl_next(&t), 0);
	csm_tbl_close(&t);

	/* pad: a long record is still an error */
	read_child(p, 0, CSM_RAGGED_PAD, &c);
	snprintf(msg, sizeof(msg), "%s:5: expected 3 fields, got 4", p);
	T_DIED(&c, 65, msg);
	T_EQ_STR(c.out, "2:3:1\n3:3:4\n");

	/* pad: short records get empty fields */
	q = tmps("a,b,c\n1\n2,3\n4,5,6\n");
	open1(&t, q, 0, CSM_RAGGED_PAD);
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_EQ_INT(t.nf, 3);
	T_OK(fis(&t, 0, "1"));
	T_OK(fis(&t, 1, ""));
	T_OK(fis(&t, 2, ""));
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_EQ_INT(t.nf, 3);
	T_OK(fis(&t, 1, "3"));
	T_OK(fis(&t, 2, ""));
	T_EQ_INT(csm_tbl_next(&t), 1);
	T_OK(fis(&t, 2, "6"));
	T_EQ_INT(csm_tbl_next(&t), 0);
	csm_tbl_close(&t);
	rmtmp(q);
	rmtmp(p);
}

static void
test_bad_quotes(void)
{
	struct child c;
	char msg[512], *p;

	/* unterminated at EOF: the line the record starts on (3) */
	p = tmps("a,b\n\n1,\"two\nthree\n\n");
	read_child(p, 0, CSM_RAGGED_ERROR, &c);
	snprintf(msg, sizeof(msg), "%s:3: unterminated quoted field", p);
	T_DIED(&c, 65, msg);
	T_EQ_STR(c.out, "");
	rmtmp(p);

	/* ... also in the header */
	p = tmps("\"a,b\n");
	read_child(p, 0, CSM_RAGGED_ERROR, &c);
	snprintf(msg, sizeof(msg), "%s:1: unterminated quoted field", p);
	T_DIED(&c, 65, msg);
	rmtmp(p);

	/* a quote inside an unquoted field */
	p = tmps("a,b\n1,2\n3,x\"y\n5,6\n");
	read_child(p, 0, CSM_RAGGED_ERROR, &c);
	snprintf(msg, sizeof(msg), "%s:3: malformed quoted field (a quote "
	    "must open the field, and a closing quote must be followed by a "
	    "delimiter or the end of the line)", p);
	T_DIED(&c, 65, msg);
	T_EQ_STR(c.out, "2:2:1\n");
	rmtmp(p);

	/* text after a closing quote, on the record's second line (3) */
	p = tmps("a,b\n\"x\ny\"z,1\n");
	read_child(p, 0, CSM_RAGGED_ERROR, &c);
	snprintf(msg, sizeof(msg), "%s:3: malformed quoted field (a quote "
	    "must open the field, and a closing quote must be followed by a "
	    "delimiter or the end of the line)", p);
	T_DIED(&c, 65, msg);
	rmtmp(p);

	/* a space after a closing quote: spaces are data, so malformed */
	p = tmps("a,b\n\"x\" ,1\n");
	read_child(p, 0, CSM_RAGGED_ERROR, &c);
	T_EQ_INT(exit_code(&c), 65);
	T_OK(strstr(c.err, ":2: malformed quoted field") != NULL);
	rmtmp(p);
}

static void
test_empty(void)
{
	struct child c;
	char msg[512], *p;

	p = tmps("");
	read_child(p, 0, CSM_RAGGED_ERROR, &c);
	snprintf(msg, sizeof(msg), "%s: no header line (the input is empty)",
	    p);
	T_DIED(&c, 65, msg);
	rmtmp(p);

	/* blank lines and a BOM are no header either */
	p = tmps("\xEF\xBB\xBF\n\r\n\r");
	read_child(p, 0, CSM_RAGGED_ERROR, &c);
	snprintf(msg, sizeof(msg), "%s: no header line (the input is empty)",
	    p);
	T_DIED(&c, 65, msg);
	rmtmp(p);

	/* a header alone is a table of no records */
	p = tmps("a,b\n\n");
	read_child(p, 0, CSM_RAGGED_ERROR, &c);
	T_EQ_INT(exit_code(&c), 0);
	T_EQ_STR(c.out, "");
	T_EQ_STR(c.err, "");
	rmtmp(p);
}

static void
test_cannot_open(void)
{
	char missing[] = "/nonexistent-dir-t-tbl/x.csv", dir[] = "/tmp";
	struct child c;

	read_child(missing, 0, CSM_RAGGED_ERROR, &c);
	T_DIED(&c, 66, "cannot open '/nonexistent-dir-t-tbl/x.csv': "
	    "No such file or directory");
	read_child(dir, 0, CSM_RAGGED_ERROR, &c);
	T_DIED(&c, 66, "cannot read '/tmp': is a directory");
}

/* ---- round trip: whatever is written reads back the same ------------- */

static unsigned long rt_seed;
static jmp_buf rt_jmp;

/* What csm_exit does during the round trip: back to the test. */
static void
rt_exit(int status)
{
	longjmp(rt_jmp, status == 0 ? 1 : status);
}

static unsigned
rt_rnd(unsigned n)
{
	rt_seed = rt_seed * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rt_seed >> 33) % n);
}

/*
 * A random value: pieces that every dialect has to get right (each
 * delimiter, quotes, line ends, backslash escapes and what looks like
 * them, \N, a BOM, spaces, NUL), nothing or a run of them.
 */
static void
rt_value(struct csm_buf *b, int header)
{
	static const char *const piece[] = {
	    ",", ";", "\t", "|", "\"", "\"\"", "\n", "\r", "\r\n", "\\",
	    "\\t", "\\n", "\\N", "N", "\\x", "\xEF\xBB\xBF", " ", "a", "b1",
	    "\xC3\xA9", "\b", "%PDF-", "PK\x03\x04", "\xFF\xFE", "\0"
	};
	unsigned k, npiece = sizeof(piece) / sizeof(piece[0]);

	csm_buf_reset(b);
	csm_buf_add(b, "", 0);
	for (k = rt_rnd(3) == 0 ? 0 : rt_rnd(6) + 1; k > 0; k--) {
		const char *pc = piece[rt_rnd(npiece)];

		if (pc[0] == '\0' && pc[1] == '\0' && header)
			continue;	/* NUL in a header is an error */
		csm_buf_add(b, pc, pc[0] == '\0' ? 1 : strlen(pc));
	}
}

/*
 * Reads path (delimiter delim, 0 to detect) and counts how its delimiter,
 * header and records differ from want and cell[0..n), ncols a row.
 */
static size_t
rt_compare(char *path, int delim, int want, const struct csm_buf *cell,
    size_t ncols, size_t n)
{
	struct csm_tbl_opts to;
	struct csm_tbl t;
	char *files[1];
	size_t i, j, bad = 0;

	files[0] = path;
	to.delim = delim;
	to.ragged = CSM_RAGGED_ERROR;
	topen(&t, files, 1, &to);
	bad += t.delim != want || t.ncols != ncols;
	for (j = 0; j < ncols && j < t.ncols; j++)
		bad += t.hdrlen[j] != cell[j].len ||
		    memcmp(t.hdr[j], cell[j].s, cell[j].len) != 0;
	for (i = ncols; i < n; i += ncols) {
		if (!csm_tbl_next(&t)) {
			bad++;
			break;
		}
		for (j = 0; j < ncols; j++)
			bad += !fisn(&t, j, cell[i + j].s, cell[i + j].len);
	}
	bad += csm_tbl_next(&t) != 0;
	csm_tbl_close(&t);
	return bad;
}

/* rt_compare, or (size_t)-1 when the reader died. */
static size_t
rt_check(char *path, int delim, int want, const struct csm_buf *cell,
    size_t ncols, size_t n)
{
	size_t bad;

	if (setjmp(rt_jmp) != 0) {
		csm_exit = exit;
		return (size_t)-1;
	}
	csm_exit = rt_exit;
	bad = rt_compare(path, delim, want, cell, ncols, n);
	csm_exit = exit;
	return bad;
}

static void
test_roundtrip(void)
{
	/*
	 * 400 random tables for each delimiter, written with csm_out and read
	 * back: every value comes back byte for byte, and a CSV of two
	 * columns or more is detected with its own delimiter.  A TSV is read
	 * back with -t (its header, unquotable, may hold more commas than
	 * tabs), as is a table of one column (no delimiter to detect).
	 */
	static const int delims[] = { ',', ';', '|', '\t' };
	struct csm_buf *cell, v;
	struct csm_out o;
	char path[32];
	size_t ncols, nrows, i, d, round, bad, n;
	int fd;

	csm_buf_init(&v);
	rt_seed = 20261123;
	for (d = 0; d < 4; d++)
		for (round = 0; round < 400; round++) {
			ncols = 1 + rt_rnd(5);
			nrows = rt_rnd(12);
			n = ncols * (nrows + 1);
			cell = csm_xcalloc(n, sizeof(*cell));
			memcpy(path, "/tmp/t-tbl.XXXXXX", 18);
			if ((fd = mkstemp(path)) < 0)
				csm_die(70, "mkstemp:");
			csm_out_init(&o, fd, path, delims[d]);
			for (i = 0; i < n; i++) {
				rt_value(&v, i < ncols);
				csm_buf_init(&cell[i]);
				csm_buf_add(&cell[i], v.s, v.len);
				csm_out_field(&o, v.s, v.len);
				if (i % ncols == ncols - 1)
					csm_out_endrec(&o);
			}
			csm_out_close(&o);
			bad = rt_check(path, ncols > 1 && delims[d] != '\t' ? 0 :
			    delims[d], delims[d], cell, ncols, n);
			for (i = 0; i < n; i++)
				csm_buf_release(&cell[i]);
			free(cell);
			if (bad > 0) {
				T_FAIL("delimiter '%c', table %zu (%zu x %zu, "
				    "kept in %s): %s", delims[d], round,
				    nrows + 1, ncols, path, bad == (size_t)-1 ?
				    "the reader died" : "it reads back otherwise");
				csm_buf_release(&v);
				return;
			}
			unlink(path);
		}
	csm_buf_release(&v);
}

static long
maxrss_kb(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return -1;
#if defined(__APPLE__)
	return ru.ru_maxrss / 1024;	/* bytes there, KiB elsewhere */
#else
	return ru.ru_maxrss;
#endif
}

static void
test_constant_memory(void)
{
	/*
	 * 200,000 records, none longer than the first, read one at a time:
	 * the field arrays must not move or grow after the first record, and
	 * the peak memory must stay well under the file's 5 MB.
	 */
	const long nrec = 200000;
	char tmpl[] = "/tmp/t-tbl.XXXXXX";
	struct csm_tbl t;
	char **f0;
	size_t cap0;
	long i, n, rss0, rss1, bad = 0;
	FILE *fp;
	int fd;

	if ((fd = mkstemp(tmpl)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		csm_die(70, "mkstemp:");
	fputs("id,name,amount,note\n", fp);
	fprintf(fp, "0,%s,0.00,\"%s\"\n", "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnn",
	    "a longest note, with a comma, that sets every buffer's size");
	for (i = 1; i < nrec; i++)
		fprintf(fp, "%ld,name %ld,%ld.%02ld,\"n, %ld\"\n", i, i, i / 7,
		    i % 100, i % 1000);
	if (fclose(fp) != 0)
		csm_die(70, "write '%s':", tmpl);

	open1(&t, tmpl, 0, CSM_RAGGED_ERROR);
	T_EQ_INT(csm_tbl_next(&t), 1);
	f0 = t.f;
	cap0 = t.fcap;
	for (n = 1; n < 1000 && csm_tbl_next(&t); n++)
		;
	rss0 = maxrss_kb();
	while (csm_tbl_next(&t)) {
		n++;
		bad += t.f != f0 || t.fcap != cap0 || t.nf != 4 ||
		    t.line != n + 1;
	}
	rss1 = maxrss_kb();
	T_EQ_INT(n, nrec);
	T_EQ_INT(bad, 0);
	T_EQ_INT(t.fcap, 4);
	if (rss1 - rss0 > 1024)
		T_FAIL("peak memory grew by %ld KiB", rss1 - rss0);
	csm_tbl_close(&t);
	unlink(tmpl);
}

/* ---- reading ahead ------------------------------------------------------ */

/*
 * A table of many records, made to cross batches in every way: quoted
 * fields with commas, quotes and line ends, CRLF and CR line ends, blank
 * lines, records of other widths (ragged, kept), and every 5,000th record
 * a field of 200,000 bytes, larger than a batch.
 */
static char *
many_records(long nrec)
{
	char tmpl[] = "/tmp/t-tbl.XXXXXX";
	long i;
	FILE *fp;
	int fd;

	if ((fd = mkstemp(tmpl)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		csm_die(70, "mkstemp:");
	fputs("id,name,note\n", fp);
	for (i = 1; i <= nrec; i++) {
		const char *eol = i % 3 == 0 ? "\r\n" : i % 11 == 0 ? "\r" :
		    "\n";

		if (i % 97 == 0)
			fputs("\n", fp);
		if (i % 5000 == 0) {
			fprintf(fp, "%ld,big,", i);
			for (fd = 0; fd < 200000; fd++)
				fputc('a' + fd % 26, fp);
		} else if (i % 7 == 0)
			fprintf(fp, "%ld,\"name, %ld\",\"a \"\"note\"\"\non two "
			    "lines\"", i, i);
		else if (i % 13 == 0)
			fprintf(fp, "%ld,short", i);
		else
			fprintf(fp, "%ld,name %ld,", i, i);
		fputs(eol, fp);
	}
	if (fclose(fp) != 0)
		csm_die(70, "write '%s':", tmpl);
	return csm_xstrdup(tmpl);
}

static void
test_ahead_same(void)
{
	/*
	 * Read on one thread and read ahead, side by side, the records are
	 * the same: fields, widths, lines and files, over two files.
	 */
	const long nrec = 40000;
	char *p = many_records(nrec), *files[2];
	struct csm_tbl_opts o = opts(0, CSM_RAGGED_KEEP);
	struct csm_tbl one, two;
	long n = 0, bad = 0;
	size_t i;
	int got;

	files[0] = p;
	files[1] = p;
	csm_tbl_open(&one, files, 2, &o);
	csm_tbl_open(&two, files, 2, &o);
	csm_tbl_readahead(&two);
	while ((got = csm_tbl_next(&one)) != 0) {
		n++;
		if (csm_tbl_next(&two) != 1) {
			bad++;
			break;
		}
		bad += one.nf != two.nf || one.line != two.line ||
		    one.file != two.file;
		for (i = 0; i < one.nf && i < two.nf; i++)
			bad += one.flen[i] != two.flen[i] ||
			    memcmp(one.f[i], two.f[i], one.flen[i] + 1) != 0;
	}
	T_EQ_INT(csm_tbl_next(&two), 0);
	T_EQ_INT(csm_tbl_next(&two), 0);	/* and again at the end */
	T_EQ_INT(n, 2 * nrec);
	T_EQ_INT(bad, 0);
	csm_tbl_close(&one);
	csm_tbl_close(&two);
	rmtmp(p);
}

static long ahead_count;

/* What csm_exit does in the children below: say how far they read. */
static void
count_exit(int status)
{
	printf("%ld records\n", ahead_count);
	fflush(stdout);
	exit(status);
}

/* Reads the whole table ahead, counting the records. */
static void
count_child(void *arg)
{
	struct rd *r = arg;
	struct csm_tbl t;

	csm_exit = count_exit;
	ahead_count = 0;
	csm_tbl_open(&t, r->files, r->n, &r->o);
	csm_tbl_readahead(&t);
	while (csm_tbl_next(&t))
		ahead_count++;
	csm_tbl_close(&t);
	count_exit(0);
}

static void
test_ahead_errors(void)
{
	/*
	 * An error far into the input, read ahead, comes after every record
	 * before it, as on one thread.  Lines: the header is line 1, record
	 * i line i + 1 (one line each, LF), so the 30,001st record, the bad
	 * one, starts on line 30,002.
	 */
	const long good = 30000;
	char tmpl[] = "/tmp/t-tbl.XXXXXX", dir[] = "/tmp";
	struct child c;
	struct rd r;
	char msg[512], *p, *q;
	long i;
	FILE *fp;
	int fd;

	if ((fd = mkstemp(tmpl)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		csm_die(70, "mkstemp:");
	fputs("id,name\n", fp);
	for (i = 1; i <= good; i++)
		fprintf(fp, "%ld,name %ld\n", i, i);
	fputs("30001,bad \"quote\n30002,after\n", fp);
	if (fclose(fp) != 0)
		csm_die(70, "write '%s':", tmpl);
	p = csm_xstrdup(tmpl);
	r.files[0] = p;
	r.n = 1;
	r.o = opts(0, CSM_RAGGED_ERROR);
	run_child(count_child, &r, &c);
	snprintf(msg, sizeof(msg), "%s:30002: malformed quoted field (a quote "
	    "must open the field, and a closing quote must be followed by a "
	    "delimiter or the end of the line)", p);
	T_DIED(&c, 65, msg);
	T_EQ_STR(c.out, "30000 records\n");
	rmtmp(p);

	/* the same file, good to the end: then a second file that is a
	 * directory (66), or has another header (65, on its line 1) */
	p = many_records(good);
	q = tmps("id,other,note\n1,2,3\n");
	r.files[0] = p;
	r.files[1] = dir;
	r.n = 2;
	r.o = opts(0, CSM_RAGGED_KEEP);
	run_child(count_child, &r, &c);
	T_DIED(&c, 66, "cannot read '/tmp': is a directory");
	T_EQ_STR(c.out, "30000 records\n");
	r.files[1] = q;
	run_child(count_child, &r, &c);
	snprintf(msg, sizeof(msg), "%s:1: header differs from the header of "
	    "'%s'", q, p);
	T_DIED(&c, 65, msg);
	T_EQ_STR(c.out, "30000 records\n");

	/*
	 * A record of another width is the caller's error, in order too:
	 * many_records' 13th record has two fields, and is on line 15 (the
	 * header; 12 records of one line each but the 7th, of two; 3, 6, 9
	 * and 12 end in CRLF, 11 in CR; no blank line before it).
	 */
	r.n = 1;
	r.o = opts(0, CSM_RAGGED_ERROR);
	run_child(count_child, &r, &c);
	snprintf(msg, sizeof(msg), "%s:15: expected 3 fields, got 2", p);
	T_DIED(&c, 65, msg);
	T_EQ_STR(c.out, "12 records\n");
	rmtmp(p);
	rmtmp(q);
}

static void
test_ahead_stop(void)
{
	/* Closing before the end stops the thread: after 0, 10 and 30,000
	 * records of 40,000 (the thread then waiting for the ring, or not). */
	static const long stop[] = { 0, 10, 30000 };
	char *p = many_records(40000);
	struct csm_tbl t;
	size_t k;
	long n;

	for (k = 0; k < sizeof(stop) / sizeof(stop[0]); k++) {
		open1(&t, p, 0, CSM_RAGGED_KEEP);
		csm_tbl_readahead(&t);
		for (n = 0; n < stop[k] && csm_tbl_next(&t); n++)
			;
		T_EQ_INT(n, stop[k]);
		csm_tbl_close(&t);
	}
	rmtmp(p);
}

/* Runs a test, saying which way it read when it failed. */
#define RUN(fn) do { \
	T_RUN(fn); \
	if (t_cur_failed) \
		fprintf(stderr, "  (%s)\n", ahead ? "reading ahead" : \
		    "reading on one thread"); \
} while (0)

static void
run_all(void)
{
	RUN(test_header_fields);
	RUN(test_bom);
	RUN(test_crlf);
	RUN(test_quoted);
	RUN(test_nul_bytes);
	RUN(test_big_field);
	RUN(test_blank_lines);
	RUN(test_detect);
	RUN(test_sniff);
	RUN(test_sniff_far);
	RUN(test_tsv);
	RUN(test_tsv_lines);
	RUN(test_cr_lines);
	RUN(test_not_text);
	RUN(test_bom_is_text);
	RUN(test_roundtrip);
	RUN(test_spaces);
	RUN(test_multi);
	RUN(test_stdin);
	RUN(test_ragged);
	RUN(test_bad_quotes);
	RUN(test_empty);
	RUN(test_cannot_open);
	RUN(test_constant_memory);
}

int
main(void)
{
	csm_setprogname("t-tbl");
	ahead = 0;
	run_all();
	ahead = 1;
	run_all();
	T_RUN(test_ahead_same);
	T_RUN(test_ahead_errors);
	T_RUN(test_ahead_stop);
	T_END();
}

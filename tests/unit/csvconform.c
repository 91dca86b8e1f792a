/*
 * csvconform.c: runs the external CSV parser cases (../shared/testdata/csv,
 * copied from other projects' test suites) through tbl.c and out.c.
 *
 *	csvconform [-v] [-x deviations] [DIR]
 *
 * For every <suite>/<case>/ under DIR with an input.csv:
 *
 *   - input.csv is read with csm_tbl (delimiter detected, ragged records
 *     kept as they are) in a child process, since the reader exits on bad
 *     input; the header counts as a row.  The child hands its rows back in
 *     a length-prefixed form, and its exit status and stderr are kept.
 *   - With an expected.json (an array of rows, each an array of strings),
 *     the rows must equal it, unless the case is listed in the deviations
 *     file (tests/csv-deviations.txt) with another outcome that follows
 *     from SPEC section 2; see that file for the outcomes and their rules.
 *   - Without one, the input must either be read or fail with exit 65 and
 *     "file:line: message"; it must fail when its meta.json says upstream
 *     expects an error, or when the deviations file pins an error.
 *   - Whatever was read is written back with csm_out to a temporary file
 *     and read again: the rows must come back identical.
 *
 * A failing case prints what differs; the last line is
 * "csvconform: N passed, N failed" (", N skipped" after it when some case
 * folder had no input.csv).  Exit status 1 on any failure, 2 on a usage
 * or set-up error.  A missing DIR skips everything and exits 0.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"

#define DEFAULT_DIR	"../shared/testdata/csv"
#define DEFAULT_DEV	"tests/csv-deviations.txt"
#define CHILD_SECONDS	30
#define SHOW_MAX	160	/* bytes of a field shown in a message */

/* ---- rows ------------------------------------------------------------- */

struct row {
	size_t n, cap;
	char **f;		/* owned, NUL-terminated, may hold NULs */
	size_t *len;
};

struct rows {
	size_t n, cap;
	struct row *r;
};

static void
rows_newrow(struct rows *rs)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->r = csm_xreallocarray(rs->r, rs->cap, sizeof(*rs->r));
	}
	memset(&rs->r[rs->n], 0, sizeof(rs->r[rs->n]));
	rs->n++;
}

static void
row_add(struct row *r, const char *s, size_t n)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->f = csm_xreallocarray(r->f, r->cap, sizeof(*r->f));
		r->len = csm_xreallocarray(r->len, r->cap, sizeof(*r->len));
	}
	r->f[r->n] = csm_xmalloc(n + 1);
	if (n > 0)
		memcpy(r->f[r->n], s, n);
	r->f[r->n][n] = '\0';
	r->len[r->n] = n;
	r->n++;
}

static void
row_free(struct row *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->f[i]);
	free(r->f);
	free(r->len);
	memset(r, 0, sizeof(*r));
}

static void
rows_free(struct rows *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		row_free(&rs->r[i]);
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}

static int
row_eq(const struct row *a, const struct row *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->len[i] != b->len[i] ||
		    memcmp(a->f[i], b->f[i], a->len[i]) != 0)
			return 0;
	return 1;
}

/* A row of one empty field: what other parsers make of a blank line. */
static int
row_blank(const struct row *r)
{
	return r->n == 1 && r->len[0] == 0;
}

/* ---- showing values --------------------------------------------------- */

/* Writes n bytes of s as a JSON string, cut after max bytes. */
static void
show_str(FILE *fp, const char *s, size_t n, size_t max)
{
	size_t i;

	fputc('"', fp);
	for (i = 0; i < n && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", fp);
		else if (c == '\r')
			fputs("\\r", fp);
		else if (c == '\t')
			fputs("\\t", fp);
		else if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
	if (n > max)
		fprintf(fp, "...(%zu bytes)", n);
}

static void
show_row(FILE *fp, const struct row *r)
{
	size_t i;

	fputc('[', fp);
	for (i = 0; i < r->n && i < 20; i++) {
		if (i > 0)
			fputs(", ", fp);
		show_str(fp, r->f[i], r->len[i], SHOW_MAX);
	}
	if (r->n > 20)
		fprintf(fp, ", ...(%zu fields)", r->n);
	fputc(']', fp);
}

static void
show_rows(FILE *fp, const struct rows *rs)
{
	size_t i;

	fputc('[', fp);
	for (i = 0; i < rs->n; i++) {
		if (i > 0)
			fputs(", ", fp);
		show_row(fp, &rs->r[i]);
	}
	fputs("]\n", fp);
}

/*
 * Compares got with want.  Returns 1 when equal; otherwise prints a
 * diff-like explanation under "FAIL what" and returns 0.
 */
static int
rows_cmp(const char *what, const struct rows *got, const struct rows *want)
{
	size_t i;

	for (i = 0; i < got->n && i < want->n; i++)
		if (!row_eq(&got->r[i], &want->r[i]))
			break;
	if (i == got->n && i == want->n)
		return 1;
	printf("FAIL %s: %zu rows, want %zu; first difference at row %zu\n",
	    what, got->n, want->n, i + 1);
	if (i < want->n) {
		fputs("  - ", stdout);
		show_row(stdout, &want->r[i]);
		fputc('\n', stdout);
	}
	if (i < got->n) {
		fputs("  + ", stdout);
		show_row(stdout, &got->r[i]);
		fputc('\n', stdout);
	}
	return 0;
}

/* ---- a small JSON reader ---------------------------------------------- */

struct jp {
	const char *s;
	size_t n, i;
	const char *err;
};

static void
jp_ws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
	    p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static int
jp_lit(struct jp *p, int c)
{
	jp_ws(p);
	if (p->i < p->n && p->s[p->i] == c) {
		p->i++;
		return 1;
	}
	return 0;
}

static long
jp_hex4(struct jp *p)
{
	long v = 0;
	int k;

	if (p->n - p->i < 4)
		return -1;
	for (k = 0; k < 4; k++) {
		int c = (unsigned char)p->s[p->i++];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static void
utf8_put(struct csm_buf *b, long cp)
{
	if (cp < 0x80) {
		csm_buf_addc(b, (int)cp);
	} else if (cp < 0x800) {
		csm_buf_addc(b, (int)(0xc0 | cp >> 6));
		csm_buf_addc(b, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		csm_buf_addc(b, (int)(0xe0 | cp >> 12));
		csm_buf_addc(b, (int)(0x80 | (cp >> 6 & 0x3f)));
		csm_buf_addc(b, (int)(0x80 | (cp & 0x3f)));
	} else {
		csm_buf_addc(b, (int)(0xf0 | cp >> 18));
		csm_buf_addc(b, (int)(0x80 | (cp >> 12 & 0x3f)));
		csm_buf_addc(b, (int)(0x80 | (cp >> 6 & 0x3f)));
		csm_buf_addc(b, (int)(0x80 | (cp & 0x3f)));
	}
}

/*
 * Reads a JSON string (the opening quote next) into b, with every escape
 * including \uXXXX and surrogate pairs, as UTF-8.  Returns 0 or -1 with
 * p->err set.
 */
static int
jp_str(struct jp *p, struct csm_buf *b)
{
	csm_buf_reset(b);
	csm_buf_add(b, "", 0);
	if (!jp_lit(p, '"')) {
		p->err = "expected a string";
		return -1;
	}
	while (p->i < p->n) {
		unsigned char c = (unsigned char)p->s[p->i++];
		long cp, lo;

		if (c == '"')
			return 0;
		if (c < 0x20) {
			p->err = "control character in a string";
			return -1;
		}
		if (c != '\\') {
			csm_buf_addc(b, c);
			continue;
		}
		if (p->i == p->n)
			break;
		switch (p->s[p->i++]) {
		case '"':
			csm_buf_addc(b, '"');
			break;
		case '\\':
			csm_buf_addc(b, '\\');
			break;
		case '/':
			csm_buf_addc(b, '/');
			break;
		case 'b':
			csm_buf_addc(b, '\b');
			break;
		case 'f':
			csm_buf_addc(b, '\f');
			break;
		case 'n':
			csm_buf_addc(b, '\n');
			break;
		case 'r':
			csm_buf_addc(b, '\r');
			break;
		case 't':
			csm_buf_addc(b, '\t');
			break;
		case 'u':
			if ((cp = jp_hex4(p)) < 0) {
				p->err = "bad \\u escape";
				return -1;
			}
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				p->err = "lone low surrogate";
				return -1;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p->n - p->i < 6 || p->s[p->i] != '\\' ||
				    p->s[p->i + 1] != 'u') {
					p->err = "lone high surrogate";
					return -1;
				}
				p->i += 2;
				lo = jp_hex4(p);
				if (lo < 0xdc00 || lo > 0xdfff) {
					p->err = "high surrogate, no low one";
					return -1;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			utf8_put(b, cp);
			break;
		default:
			p->err = "bad escape";
			return -1;
		}
	}
	p->err = "unterminated string";
	return -1;
}

/*
 * Reads text (an array of arrays of strings) into rs.  Returns 0, or -1
 * with *err pointing at a static message.
 */
static int
json_rows(const char *text, size_t n, struct rows *rs, const char **err,
    size_t *at)
{
	struct jp p = { text, n, 0, NULL };
	struct csm_buf b;
	int ret = -1;

	csm_buf_init(&b);
	if (!jp_lit(&p, '[')) {
		p.err = "expected '['";
		goto out;
	}
	if (!jp_lit(&p, ']')) {
		do {
			struct row *r;

			if (!jp_lit(&p, '[')) {
				p.err = "expected '[' (a row)";
				goto out;
			}
			rows_newrow(rs);
			r = &rs->r[rs->n - 1];
			if (jp_lit(&p, ']'))
				continue;
			do {
				jp_ws(&p);
				if (jp_str(&p, &b) != 0)
					goto out;
				row_add(r, b.s, b.len);
			} while (jp_lit(&p, ','));
			if (!jp_lit(&p, ']')) {
				p.err = "expected ',' or ']' in a row";
				goto out;
			}
		} while (jp_lit(&p, ','));
		if (!jp_lit(&p, ']')) {
			p.err = "expected ',' or ']'";
			goto out;
		}
	}
	jp_ws(&p);
	if (p.i != p.n) {
		p.err = "text after the array";
		goto out;
	}
	ret = 0;
out:
	*err = p.err;
	*at = p.i;
	csm_buf_release(&b);
	return ret;
}

/*
 * The string value of "key" in a flat JSON object, into b.  Returns 1 when
 * the key is there with a string value, 0 otherwise (absent or null).
 * text must be NUL-terminated after its n bytes.
 * meta.json keys are distinct enough that a plain search for the quoted
 * key followed by ':' finds the right one.
 */
static int
json_key_str(const char *text, size_t n, const char *key, struct csm_buf *b)
{
	struct csm_buf k;
	const char *at;
	struct jp p;
	int ret = 0;

	csm_buf_init(&k);
	csm_buf_printf(&k, "\"%s\"", key);
	p.s = text;
	p.n = n;
	p.err = NULL;
	for (at = text; (at = strstr(at, k.s)) != NULL; at++) {
		p.i = (size_t)(at - text) + k.len;
		if (!jp_lit(&p, ':'))
			continue;
		jp_ws(&p);
		ret = jp_str(&p, b) == 0;
		break;
	}
	csm_buf_release(&k);
	return ret;
}

/* ---- files ------------------------------------------------------------ */

/* Reads a whole file into b.  Returns 0, or -1 with errno set. */
static int
slurp_fd(int fd, struct csm_buf *b)
{
	char chunk[65536];
	ssize_t r;

	csm_buf_reset(b);
	csm_buf_add(b, "", 0);
	while ((r = read(fd, chunk, sizeof(chunk))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		csm_buf_add(b, chunk, (size_t)r);
	}
	return 0;
}

static int
slurp(const char *path, struct csm_buf *b)
{
	int fd = open(path, O_RDONLY), ret;

	if (fd < 0)
		return -1;
	ret = slurp_fd(fd, b);
	close(fd);
	return ret;
}

static int
isdir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* An unlinked temporary file open for reading and writing. */
static int
tmpfd(void)
{
	char name[] = "/tmp/csvconform.XXXXXX";
	int fd = mkstemp(name);

	if (fd < 0)
		csm_die(2, "mkstemp:");
	unlink(name);
	return fd;
}

/* ---- running the reader in a child ------------------------------------ */

struct result {
	int status;		/* from waitpid */
	int delim;		/* the delimiter the reader used */
	struct rows rows;	/* header first */
	struct csm_buf err;	/* the child's stderr */
	const char *bad;	/* the child's output was not understood */
};

static void
emit_row(struct csm_out *o, char *const *f, const size_t *len, size_t n)
{
	size_t i;

	csm_out_printf(o, "R%zu\n", n);
	for (i = 0; i < n; i++) {
		csm_out_printf(o, "%zu:", len[i]);
		csm_out_write(o, f[i], len[i]);
	}
}

/* In the child: reads path and writes "D<delim>" and its rows to fd. */
CSM_NORETURN static void
child_read(const char *path, int delim, int fd)
{
	char *files[1];
	struct csm_tbl_opts opts;
	struct csm_tbl t;
	struct csm_out o;

	files[0] = csm_xstrdup(path);
	opts.delim = delim;
	opts.ragged = CSM_RAGGED_KEEP;
	csm_out_init(&o, fd, "<rows>", ',');
	csm_tbl_open(&t, files, 1, &opts);
	csm_out_printf(&o, "D%d\n", t.delim);
	emit_row(&o, t.hdr, t.hdrlen, t.ncols);
	while (csm_tbl_next(&t))
		emit_row(&o, t.f, t.flen, t.nf);
	csm_tbl_close(&t);
	csm_out_close(&o);
	free(files[0]);
	exit(0);
}

/* Decodes what child_read wrote.  Returns 0 or -1. */
static int
decode(const char *s, size_t n, struct result *res)
{
	const char *end = s + n;
	char *ep;
	unsigned long long k, len;

	if (n < 2 || *s != 'D')
		return -1;
	res->delim = (int)strtol(s + 1, &ep, 10);
	if (*ep != '\n')
		return -1;
	s = ep + 1;
	while (s < end) {
		struct row *r;

		if (*s != 'R')
			return -1;
		k = strtoull(s + 1, &ep, 10);
		if (*ep != '\n')
			return -1;
		s = ep + 1;
		rows_newrow(&res->rows);
		r = &res->rows.r[res->rows.n - 1];
		while (k-- > 0) {
			if (s >= end)
				return -1;
			len = strtoull(s, &ep, 10);
			if (ep >= end || *ep != ':' ||
			    len > (unsigned long long)(end - ep - 1))
				return -1;
			row_add(r, ep + 1, (size_t)len);
			s = ep + 1 + len;
		}
	}
	return 0;
}

/*
 * Reads path with csm_tbl in a child (delim 0 detects), filling res.  The
 * caller releases res with result_free.
 */
static void
run_read(const char *path, int delim, struct result *res)
{
	struct csm_buf out;
	int rfd = tmpfd(), efd = tmpfd();
	pid_t pid;

	memset(res, 0, sizeof(*res));
	csm_buf_init(&res->err);
	fflush(NULL);
	if ((pid = fork()) < 0)
		csm_die(2, "fork:");
	if (pid == 0) {
		if (dup2(efd, 2) < 0)
			_exit(70);
		close(efd);
		alarm(CHILD_SECONDS);
		child_read(path, delim, rfd);
	}
	while (waitpid(pid, &res->status, 0) < 0)
		if (errno != EINTR)
			csm_die(2, "waitpid:");
	csm_buf_init(&out);
	if (lseek(rfd, 0, SEEK_SET) != 0 || slurp_fd(rfd, &out) != 0 ||
	    lseek(efd, 0, SEEK_SET) != 0 || slurp_fd(efd, &res->err) != 0)
		csm_die(2, "reading the child's output:");
	close(rfd);
	close(efd);
	if (WIFEXITED(res->status) && WEXITSTATUS(res->status) == 0 &&
	    decode(out.s, out.len, res) != 0)
		res->bad = "the child's rows could not be decoded";
	csm_buf_release(&out);
}

static void
result_free(struct result *res)
{
	rows_free(&res->rows);
	csm_buf_release(&res->err);
}

/* "exit 65", "killed by signal 11", for messages. */
static const char *
status_str(int status, char *buf, size_t n)
{
	if (WIFEXITED(status))
		snprintf(buf, n, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, n, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, n, "status %#x", (unsigned)status);
	return buf;
}

static int
exited(const struct result *res, int code)
{
	return WIFEXITED(res->status) && WEXITSTATUS(res->status) == code;
}

/* Prints why the child did not do what was wanted. */
static void
show_failure(const char *name, const struct result *res, const char *want)
{
	size_t m = res->err.len > 400 ? 400 : res->err.len;
	char st[64];

	printf("FAIL %s: %s, want %s\n", name,
	    status_str(res->status, st, sizeof(st)), want);
	if (res->bad != NULL)
		printf("  %s\n", res->bad);
	if (m > 0)
		printf("  stderr: %.*s%s", (int)m, res->err.s,
		    res->err.s[m - 1] != '\n' ? "\n" : "");
}

/* Whether the child read its input: exit 0, rows, nothing on stderr. */
static int
read_ok(const struct result *res)
{
	return exited(res, 0) && res->bad == NULL && res->err.len == 0;
}

/*
 * Whether the child failed as a data error with exactly one message
 * "csvconform: <path>:<line>: <text>...".  A line of -1 accepts any line
 * (but 0, which names no line); a NULL text accepts any message.
 */
static int
data_error(const struct result *res, const char *path, long line,
    const char *text)
{
	struct csm_buf pre;
	const char *s, *nl;
	char *ep;
	long got;
	int ok = 0;

	if (!exited(res, EX_DATAERR) || res->err.len == 0)
		return 0;
	nl = memchr(res->err.s, '\n', res->err.len);
	if (nl == NULL || (size_t)(nl - res->err.s) + 1 != res->err.len)
		return 0;
	csm_buf_init(&pre);
	csm_buf_printf(&pre, "%s: %s:", csm_progname(), path);
	if (strncmp(res->err.s, pre.s, pre.len) == 0) {
		s = res->err.s + pre.len;
		got = strtol(s, &ep, 10);
		if (ep != s && got > 0 && ep[0] == ':' && ep[1] == ' ' &&
		    (line < 0 || got == line))
			ok = text == NULL ||
			    strncmp(ep + 2, text, strlen(text)) == 0;
	}
	csm_buf_release(&pre);
	return ok;
}

/* ---- the deviations file ---------------------------------------------- */

enum outcome {
	O_MATCH = 0,	/* not listed: the rows equal expected.json */
	O_ERROR,	/* exit 65, "file:LINE: TEXT..." */
	O_NOBLANK,	/* expected minus its [""] rows */
	O_EMPTY,	/* expected minus [""] rows is none: "no header line" */
	O_CRSPLIT,	/* a bare CR in an expected field ends the record */
	O_OK,		/* input-only: must be read without an error */
	O_NKINDS
};

static const char *const outcome_name[O_NKINDS] = {
	"match", "error", "noblank", "empty", "crsplit", "ok"
};

struct dev {
	char *name;		/* suite/case */
	int kind;		/* enum outcome */
	long line;		/* O_ERROR */
	char *text;		/* O_ERROR */
	int used;
	long srcline;
};

struct devs {
	size_t n;
	struct dev *d;
};

static void
dev_bad(const char *file, long line, const char *msg)
{
	fprintf(stderr, "csvconform: %s:%ld: %s\n", file, line, msg);
	exit(2);
}

/*
 * Reads the deviations file: "#" comments, blank lines, and lines
 *	<suite>/<case> <outcome> <reason...>
 * where an error outcome is "error LINE "TEXT"" before the reason.
 */
static void
devs_load(struct devs *ds, const char *file)
{
	struct csm_buf b;
	char *s, *eol, *tok, *e;
	long ln = 0;
	size_t i;
	int k;

	csm_buf_init(&b);
	if (slurp(file, &b) != 0) {
		fprintf(stderr, "csvconform: cannot read '%s': %s\n", file,
		    strerror(errno));
		exit(2);
	}
	ds->n = 0;
	ds->d = NULL;
	for (s = b.s; *s != '\0'; s = eol) {
		struct dev dv;

		memset(&dv, 0, sizeof(dv));
		ln++;
		eol = strchr(s, '\n');
		if (eol == NULL)
			eol = s + strlen(s);
		else
			*eol++ = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '#' || *s == '\0')
			continue;
		tok = s;
		s += strcspn(s, " \t");
		if (*s == '\0')
			dev_bad(file, ln, "no outcome");
		*s++ = '\0';
		if (strchr(tok, '/') == NULL)
			dev_bad(file, ln, "case is not <suite>/<case>");
		dv.name = csm_xstrdup(tok);
		dv.srcline = ln;
		s += strspn(s, " \t");
		tok = s;
		s += strcspn(s, " \t");
		if (*s != '\0')
			*s++ = '\0';
		dv.kind = -1;
		for (k = 1; k < O_NKINDS; k++)
			if (strcmp(tok, outcome_name[k]) == 0)
				dv.kind = k;
		if (dv.kind < 0)
			dev_bad(file, ln, "unknown outcome");
		if (dv.kind == O_ERROR) {
			s += strspn(s, " \t");
			dv.line = strtol(s, &e, 10);
			if (e == s || dv.line <= 0 || (*e != ' ' && *e != '\t'))
				dev_bad(file, ln, "error needs LINE \"TEXT\"");
			s = e + strspn(e, " \t");
			if (*s != '"' || (e = strchr(s + 1, '"')) == NULL ||
			    e == s + 1)
				dev_bad(file, ln, "error needs LINE \"TEXT\"");
			dv.text = csm_xstrndup(s + 1, (size_t)(e - s - 1));
			s = e + 1;
		}
		s += strspn(s, " \t");
		if (*s == '\0')
			dev_bad(file, ln, "no reason given");
		for (i = 0; i < ds->n; i++)
			if (strcmp(ds->d[i].name, dv.name) == 0)
				dev_bad(file, ln, "case listed twice");
		ds->d = csm_xreallocarray(ds->d, ds->n + 1, sizeof(*ds->d));
		ds->d[ds->n++] = dv;
	}
	csm_buf_release(&b);
}

static struct dev *
devs_find(struct devs *ds, const char *name)
{
	size_t i;

	for (i = 0; i < ds->n; i++)
		if (strcmp(ds->d[i].name, name) == 0)
			return &ds->d[i];
	return NULL;
}

static void
devs_free(struct devs *ds)
{
	size_t i;

	for (i = 0; i < ds->n; i++) {
		free(ds->d[i].name);
		free(ds->d[i].text);
	}
	free(ds->d);
}

/* ---- outcomes that reshape expected.json ------------------------------ */

/* Drops the rows of one empty field.  Returns how many it dropped. */
static size_t
drop_blank(struct rows *rs)
{
	size_t i, j = 0, dropped = 0;

	for (i = 0; i < rs->n; i++) {
		if (row_blank(&rs->r[i])) {
			row_free(&rs->r[i]);
			dropped++;
			continue;
		}
		rs->r[j++] = rs->r[i];
	}
	rs->n = j;
	return dropped;
}

/*
 * Ends the record at every CR in a field that is not part of a CRLF, as
 * libcsv (and so tbl.c) does with a bare CR outside quotes: the field is
 * cut there and the rest starts a new record.  Returns how many cuts were
 * made.  Only for cases whose CRs are all outside quotes (see the
 * deviations file).
 */
static size_t
split_cr(struct rows *rs)
{
	struct rows out;
	size_t i, j, cuts = 0;

	memset(&out, 0, sizeof(out));
	for (i = 0; i < rs->n; i++) {
		struct row *r = &rs->r[i];

		rows_newrow(&out);
		for (j = 0; j < r->n; j++) {
			const char *s = r->f[j];
			size_t n = r->len[j], k;

			for (k = 0; k < n; k++) {
				if (s[k] != '\r' || (k + 1 < n &&
				    s[k + 1] == '\n'))
					continue;
				row_add(&out.r[out.n - 1], s, k);
				rows_newrow(&out);
				s += k + 1;
				n -= k + 1;
				k = (size_t)-1;
				cuts++;
			}
			row_add(&out.r[out.n - 1], s, n);
		}
	}
	rows_free(rs);
	*rs = out;
	return cuts;
}

/* ---- one case --------------------------------------------------------- */

struct tally {
	int pass, fail, skip;
	int matched, inonly;
	int kinds[O_NKINDS];
};

static int verbose;

/*
 * Writes rows back with csm_out (delimiter delim) and reads them again:
 * they must come back the same.  Returns 1 when they do.
 */
static int
roundtrip(const char *name, const struct rows *rs, int delim)
{
	char path[] = "/tmp/csvconform.XXXXXX";
	struct csm_out o;
	struct result back;
	struct csm_buf what;
	size_t i;
	int fd, ok;

	if ((fd = mkstemp(path)) < 0)
		csm_die(2, "mkstemp:");
	csm_out_init(&o, fd, path, delim);
	for (i = 0; i < rs->n; i++) {
		csm_out_fields(&o, rs->r[i].f, rs->r[i].len, rs->r[i].n);
		csm_out_endrec(&o);
	}
	csm_out_close(&o);
	run_read(path, delim, &back);
	csm_buf_init(&what);
	csm_buf_printf(&what, "%s (written back and read again)", name);
	if (!read_ok(&back)) {
		show_failure(what.s, &back, "exit 0");
		ok = 0;
	} else
		ok = rows_cmp(what.s, &back.rows, rs);
	csm_buf_release(&what);
	result_free(&back);
	unlink(path);
	return ok;
}

/* Runs one case folder; returns 1 (pass), 0 (fail) or -1 (skipped). */
static int
run_case(const char *dir, const char *name, struct devs *ds,
    struct tally *ta)
{
	struct csm_buf path, text;
	struct rows want;
	struct result res;
	struct dev *dv = devs_find(ds, name);
	const char *jerr;
	size_t at;
	int kind = dv ? dv->kind : O_MATCH, ok = 0, has_exp, meta_err;

	csm_buf_init(&path);
	csm_buf_init(&text);
	memset(&want, 0, sizeof(want));
	memset(&res, 0, sizeof(res));
	csm_buf_init(&res.err);
	csm_buf_printf(&path, "%s/%s/input.csv", dir, name);
	if (!exists(path.s)) {
		csm_buf_release(&path);
		if (dv != NULL)
			dv->used = 1;
		return -1;
	}
	if (dv != NULL)
		dv->used = 1;

	/* What upstream expects: rows, or an error when meta.json says so. */
	csm_buf_reset(&text);
	csm_buf_printf(&text, "%s/%s/expected.json", dir, name);
	has_exp = exists(text.s);
	if (has_exp) {
		if (slurp(text.s, &text) != 0) {
			printf("FAIL %s: cannot read expected.json\n", name);
			goto out;
		}
		if (json_rows(text.s, text.len, &want, &jerr, &at) != 0) {
			printf("FAIL %s: expected.json: offset %zu: %s\n",
			    name, at, jerr);
			goto out;
		}
	}
	meta_err = 0;
	csm_buf_reset(&text);
	csm_buf_printf(&text, "%s/%s/meta.json", dir, name);
	if (exists(text.s)) {
		struct csm_buf v;

		csm_buf_init(&v);
		if (slurp(text.s, &text) == 0 &&
		    json_key_str(text.s, text.len, "expected_outcome", &v))
			meta_err = strcmp(v.s, "rows") != 0;
		csm_buf_release(&v);
	}
	if (has_exp)
		ta->kinds[kind]++;
	else
		ta->inonly++;

	run_read(path.s, 0, &res);
	if (verbose) {
		char st[64];

		printf("%s: %s", name, status_str(res.status, st, sizeof(st)));
		if (dv != NULL)
			printf(" (listed: %s)", outcome_name[kind]);
		putchar('\n');
		if (res.err.len > 0)
			printf("  stderr: %s", res.err.s);
		if (exited(&res, 0)) {
			fputs("  rows: ", stdout);
			show_rows(stdout, &res.rows);
		}
	}

	switch (kind) {
	case O_ERROR:
		ok = data_error(&res, path.s, dv->line, dv->text);
		if (!ok) {
			csm_buf_reset(&text);
			csm_buf_printf(&text,
			    "exit 65 and \"%s: %s:%ld: %s...\"",
			    csm_progname(), path.s, dv->line, dv->text);
			show_failure(name, &res, text.s);
		}
		goto out;
	case O_EMPTY:
		drop_blank(&want);
		if (!has_exp || want.n != 0) {
			printf("FAIL %s: listed as empty, but expected.json "
			    "has %zu rows that are not blank\n", name, want.n);
			goto out;
		}
		ok = exited(&res, EX_DATAERR) && res.err.len > 0 &&
		    strstr(res.err.s, "no header line") != NULL;
		if (!ok)
			show_failure(name, &res, "exit 65, \"no header line\"");
		goto out;
	case O_NOBLANK:
		if (!has_exp || drop_blank(&want) == 0) {
			printf("FAIL %s: listed as noblank, but expected.json "
			    "has no blank rows to drop\n", name);
			goto out;
		}
		break;
	case O_CRSPLIT:
		if (!has_exp || split_cr(&want) == 0) {
			printf("FAIL %s: listed as crsplit, but expected.json "
			    "has no bare CR\n", name);
			goto out;
		}
		drop_blank(&want);
		break;
	case O_OK:
		if (has_exp) {
			printf("FAIL %s: 'ok' is for cases without "
			    "expected.json\n", name);
			goto out;
		}
		break;
	default:
		break;
	}

	if (!has_exp) {
		/* Input-only: read it, or fail with file:line. */
		if (read_ok(&res) && !meta_err) {
			ok = roundtrip(name, &res.rows, res.delim);
			goto out;
		}
		if (kind == O_MATCH && data_error(&res, path.s, -1, NULL)) {
			ok = 1;
			goto out;
		}
		show_failure(name, &res, meta_err ?
		    "exit 65 with file:line (upstream expects an error)" :
		    kind == O_OK ? "exit 0" : "exit 0, or 65 with file:line");
		goto out;
	}
	if (!read_ok(&res)) {
		show_failure(name, &res, "exit 0 and rows");
		goto out;
	}
	ok = rows_cmp(name, &res.rows, &want);
	if (ok)
		ok = roundtrip(name, &res.rows, res.delim);
out:
	if (ok && kind == O_MATCH && has_exp)
		ta->matched++;
	csm_buf_release(&path);
	csm_buf_release(&text);
	rows_free(&want);
	result_free(&res);
	return ok;
}

static int
notdot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Runs every <suite>/<case> under dir, in name order. */
static void
run_all(const char *dir, struct devs *ds, struct tally *ta)
{
	struct dirent **suite, **cs;
	struct csm_buf p, name;
	int ns, nc, i, j, r;

	csm_buf_init(&p);
	csm_buf_init(&name);
	if ((ns = scandir(dir, &suite, notdot, alphasort)) < 0)
		csm_die(2, "cannot read '%s':", dir);
	for (i = 0; i < ns; i++) {
		csm_buf_reset(&p);
		csm_buf_printf(&p, "%s/%s", dir, suite[i]->d_name);
		if (!isdir(p.s) || (nc = scandir(p.s, &cs, notdot,
		    alphasort)) < 0) {
			free(suite[i]);
			continue;
		}
		for (j = 0; j < nc; j++) {
			csm_buf_reset(&name);
			csm_buf_printf(&name, "%s/%s", suite[i]->d_name,
			    cs[j]->d_name);
			free(cs[j]);
			csm_buf_reset(&p);
			csm_buf_printf(&p, "%s/%s", dir, name.s);
			if (!isdir(p.s))
				continue;
			r = run_case(dir, name.s, ds, ta);
			if (r > 0)
				ta->pass++;
			else if (r == 0)
				ta->fail++;
			else
				ta->skip++;
		}
		free(cs);
		free(suite[i]);
	}
	free(suite);
	csm_buf_release(&p);
	csm_buf_release(&name);
}

static void
usage(void)
{
	fputs("usage: csvconform [-v] [-x deviations] [dir]\n", stderr);
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char *dir = DEFAULT_DIR, *devfile = DEFAULT_DEV;
	struct devs ds;
	struct tally ta;
	size_t i;
	int ch, k;

	csm_setprogname("csvconform");
	while ((ch = getopt(argc, argv, "vx:")) != -1) {
		switch (ch) {
		case 'v':
			verbose = 1;
			break;
		case 'x':
			devfile = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage();
	if (argc == 1)
		dir = argv[0];
	if (!isdir(dir)) {
		printf("csvconform: CSV conformance cases (optional conformance "
		    "data not found: skipped)\n");
		return 0;
	}
	/* A test must not die of a pipe its own children close. */
	signal(SIGPIPE, SIG_IGN);
	memset(&ta, 0, sizeof(ta));
	devs_load(&ds, devfile);
	run_all(dir, &ds, &ta);
	for (i = 0; i < ds.n; i++)
		if (!ds.d[i].used) {
			printf("FAIL %s: listed in %s:%ld but no such case\n",
			    ds.d[i].name, devfile, ds.d[i].srcline);
			ta.fail++;
		}
	printf("csvconform: cases with expected rows: %d matched exactly, "
	    "deviations:", ta.matched);
	for (k = 1; k < O_NKINDS; k++)
		if (k != O_OK)
			printf(" %s %d", outcome_name[k], ta.kinds[k]);
	printf("; input-only: %d\n", ta.inonly);
	printf("csvconform: %d passed, %d failed", ta.pass, ta.fail);
	if (ta.skip > 0)
		printf(", %d skipped", ta.skip);
	putchar('\n');
	devs_free(&ds);
	return ta.fail != 0;
}

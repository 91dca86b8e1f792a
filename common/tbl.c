/*
 * tbl.c: reading CSV and TSV one record at a time, on libcsv.
 *
 * libcsv is push-based and knows nothing of lines.  We feed it one
 * segment at a time, each ending at a CR or LF, so that at most one record
 * ends per call and we always know the physical line we are on.  It runs
 * strict (an unterminated or malformed quote is an error) and with space
 * trimming off, so fields pass through byte for byte.  A UTF-8 BOM is
 * dropped; blank lines are skipped; the delimiter is detected from the
 * header line unless given.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "csm.h"

#define READSZ (64 * 1024)

struct csm_tbl_in {
	char *const *files;
	size_t nfiles;
	size_t curfile;
	struct csm_tbl_opts opts;
	int fd;
	const char *name;	/* current file, for messages */
	char *rbuf;
	size_t rpos;
	size_t rlen;
	int eof;
	struct csv_parser p;
	int pinit;

	/* the record being built: field bytes, each followed by a NUL */
	struct csm_buf data;
	size_t *off;
	size_t *len;
	size_t nf;
	size_t cap;
	int done;		/* libcsv ended a record */
	int between;		/* no record begun since the last one ended */
	long recline;		/* line the record began on */
	long line;		/* current physical line */
	int lastcr;		/* the last byte fed was a CR */
	int header;		/* the record being read is a header */
	char empty[1];		/* "", for padded fields */
	size_t nextlf;		/* where the next LF, CR are at or after rpos */
	size_t nextcr;		/* (rlen when none); valid while <= rlen */
};

static int
nospace(unsigned char c)
{
	(void)c;
	return 0;
}

static void
onfield(void *s, size_t n, void *arg)
{
	struct csm_tbl_in *in = arg;

	if (in->nf == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 16;
		in->off = csm_xreallocarray(in->off, in->cap, sizeof(*in->off));
		in->len = csm_xreallocarray(in->len, in->cap, sizeof(*in->len));
	}
	in->off[in->nf] = in->data.len;
	in->len[in->nf] = n;
	csm_buf_grow(&in->data, n + 1);
	if (n > 0)
		memcpy(in->data.s + in->data.len, s, n);
	in->data.len += n;
	in->data.s[in->data.len++] = '\0';
	in->nf++;
}

static void
onrecord(int c, void *arg)
{
	struct csm_tbl_in *in = arg;

	(void)c;
	in->done = 1;
}

static void
parser_init(struct csm_tbl_in *in, int delim)
{
	if (in->pinit)
		csv_free(&in->p);
	if (csv_init(&in->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		csm_die(EX_OSERR, "out of memory");
	csv_set_delim(&in->p, (unsigned char)delim);
	csv_set_space_func(&in->p, nospace);
	in->pinit = 1;
}

/* Reads more input; returns 0 at end of file. */
static int
fill(struct csm_tbl_in *in)
{
	ssize_t r;

	if (in->eof)
		return 0;
	if (in->rpos < in->rlen && in->rpos > 0) {
		memmove(in->rbuf, in->rbuf + in->rpos, in->rlen - in->rpos);
		in->rlen -= in->rpos;
		in->rpos = 0;
	} else if (in->rpos == in->rlen) {
		in->rpos = in->rlen = 0;
	}
	do
		r = read(in->fd, in->rbuf + in->rlen, READSZ - in->rlen);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		csm_die(EX_IOERR, "read error on '%s':", in->name);
	if (r == 0) {
		in->eof = 1;
		return 0;
	}
	in->rlen += (size_t)r;
	in->nextlf = in->nextcr = (size_t)-1;
	return 1;
}

static void
open_file(struct csm_tbl_in *in)
{
	const char *path = in->nfiles ? in->files[in->curfile] : "-";
	struct stat st;

	if (strcmp(path, "-") == 0) {
		in->fd = 0;
		in->name = "<stdin>";
	} else {
		in->name = path;
		in->fd = open(path, O_RDONLY);
		if (in->fd < 0)
			csm_die(EX_NOINPUT, "cannot open '%s':", path);
		if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode))
			csm_die(EX_NOINPUT, "cannot read '%s': is a directory",
			    path);
	}
	in->eof = 0;
	in->rpos = in->rlen = 0;
	in->nextlf = in->nextcr = (size_t)-1;
	in->line = 1;
	in->lastcr = 0;
	in->between = 1;
	in->nf = 0;
	in->done = 0;
	csm_buf_reset(&in->data);
}

static void
close_file(struct csm_tbl_in *in)
{
	if (in->fd > 0 && close(in->fd) != 0)
		csm_die(EX_IOERR, "close '%s':", in->name);
	in->fd = -1;
}

/* The first CR or LF in s[0..n), or NULL. */
static const char *
find_eol(const char *s, size_t n)
{

	const char *lf = memchr(s, '\n', n), *cr;

	cr = memchr(s, '\r', lf ? (size_t)(lf - s) : n);
	return cr ? cr : lf;
}

/*
 * Before the header: drop a BOM and pick the delimiter from the header
 * line, the first line that is not blank (a tab and no comma means TSV).
 * Lines end at LF, CRLF or a lone CR, as records do.  The header line is
 * looked for in the first READSZ bytes only.
 */
static int
start_file(struct csm_tbl_in *in)
{
	size_t i;
	int delim = in->opts.delim, tab = 0, comma = 0;

	while (!in->eof && in->rlen < 3)
		fill(in);
	if (in->rlen >= 3 && memcmp(in->rbuf, "\xEF\xBB\xBF", 3) == 0)
		in->rpos = 3;
	if (delim == 0) {
		for (;;) {
			for (i = in->rpos; i < in->rlen &&
			    (in->rbuf[i] == '\n' || in->rbuf[i] == '\r'); i++)
				;
			if (find_eol(in->rbuf + i, in->rlen - i) != NULL ||
			    in->eof || in->rlen == READSZ)
				break;
			fill(in);
		}
		for (; i < in->rlen && in->rbuf[i] != '\n' &&
		    in->rbuf[i] != '\r'; i++) {
			tab |= in->rbuf[i] == '\t';
			comma |= in->rbuf[i] == ',';
		}
		delim = tab && !comma ? '\t' : ',';
	}
	parser_init(in, delim);
	return delim;
}

static void
parse_error(struct csm_tbl_in *in, int atend)
{
	int e = csv_error(&in->p);

	if (e == CSV_EPARSE && atend)
		csm_die_at(EX_DATAERR, in->name, in->recline,
		    "unterminated quoted field");
	if (e == CSV_EPARSE)
		csm_die_at(EX_DATAERR, in->name, in->line,
		    "malformed quoted field (a quote must open the field, and "
		    "a closing quote must be followed by a delimiter or the "
		    "end of the line)");
	if (e == CSV_ENOMEM || e == CSV_ETOOBIG)
		csm_die(EX_OSERR, "out of memory");
	csm_die_at(EX_SOFTWARE, in->name, in->line, "csv: %s",
	    csv_strerror(e));
}

/*
 * The end of the next segment: just past the next CR or LF, or the end of
 * the buffered input.  The positions found are remembered, so a file
 * whose lines end in CR alone costs no more than one with LF.
 */
static size_t
segment_end(struct csm_tbl_in *in)
{
	const char *p;
	size_t end;

	if (in->nextlf < in->rpos || in->nextlf > in->rlen) {
		p = memchr(in->rbuf + in->rpos, '\n', in->rlen - in->rpos);
		in->nextlf = p ? (size_t)(p - in->rbuf) : in->rlen;
	}
	if (in->nextcr < in->rpos || in->nextcr > in->rlen) {
		p = memchr(in->rbuf + in->rpos, '\r', in->rlen - in->rpos);
		in->nextcr = p ? (size_t)(p - in->rbuf) : in->rlen;
	}
	end = in->nextlf < in->nextcr ? in->nextlf : in->nextcr;
	return end < in->rlen ? end + 1 : in->rlen;
}

/*
 * Feeds libcsv until a record ends or the file does.  Returns 1 with a
 * record in in->data, 0 at the end of the current file.
 */
static int
read_record(struct csm_tbl_in *in)
{
	in->nf = 0;
	in->done = 0;
	csm_buf_reset(&in->data);
	for (;;) {
		const char *seg;
		size_t n;
		char last;

		if (in->rpos == in->rlen && !fill(in)) {
			if (csv_fini(&in->p, onfield, onrecord, in) != 0)
				parse_error(in, 1);
			return in->done;
		}
		seg = in->rbuf + in->rpos;
		n = in->rlen - in->rpos;
		n = segment_end(in) - in->rpos;
		last = seg[n - 1];
		if (in->between && !(n == 1 && (last == '\n' || last == '\r'))) {
			in->between = 0;
			in->recline = in->line;
		}
		if (csv_parse(&in->p, seg, n, onfield, onrecord, in) != n)
			parse_error(in, 0);
		in->rpos += n;
		if (last == '\r' || (last == '\n' && !in->lastcr))
			in->line++;
		in->lastcr = last == '\r';
		if (in->done) {
			in->between = 1;
			return 1;
		}
	}
}

static void
point_fields(struct csm_tbl *t, size_t nf)
{
	struct csm_tbl_in *in = t->in;
	size_t i;

	if (nf > t->fcap) {
		t->fcap = nf;
		t->f = csm_xreallocarray(t->f, nf, sizeof(*t->f));
		t->flen = csm_xreallocarray(t->flen, nf, sizeof(*t->flen));
	}
	t->nf = nf;
	for (i = 0; i < nf; i++) {
		t->f[i] = in->data.s + in->off[i];
		t->flen[i] = in->len[i];
	}
}

/* Reads the header of the current file; dies when there is none. */
static void
read_header(struct csm_tbl *t)
{
	struct csm_tbl_in *in = t->in;
	size_t i;

	t->delim = start_file(in);
	if (!read_record(in))
		csm_die_at(EX_DATAERR, in->name, 0,
		    "no header line (the input is empty)");
	if (t->hdr == NULL) {
		t->ncols = in->nf;
		t->hdr = csm_xcalloc(in->nf, sizeof(*t->hdr));
		t->hdrlen = csm_xcalloc(in->nf, sizeof(*t->hdrlen));
		t->f = csm_xcalloc(in->nf, sizeof(*t->f));
		t->flen = csm_xcalloc(in->nf, sizeof(*t->flen));
		t->fcap = in->nf;
		for (i = 0; i < in->nf; i++) {
			t->hdr[i] = csm_xstrndup(in->data.s + in->off[i],
			    in->len[i]);
			t->hdrlen[i] = in->len[i];
		}
		return;
	}
	for (i = 0; i < in->nf && i < t->ncols; i++)
		if (in->len[i] != t->hdrlen[i] ||
		    memcmp(in->data.s + in->off[i], t->hdr[i], in->len[i]) != 0)
			break;
	if (in->nf != t->ncols || i < t->ncols)
		csm_die_at(EX_DATAERR, in->name, in->recline,
		    "header differs from the header of '%s'",
		    strcmp(in->files[0], "-") == 0 ? "<stdin>" : in->files[0]);
}

void
csm_tbl_open(struct csm_tbl *t, char *const *files, size_t nfiles,
    const struct csm_tbl_opts *opts)
{
	struct csm_tbl_in *in = csm_xcalloc(1, sizeof(*in));

	memset(t, 0, sizeof(*t));
	t->in = in;
	in->files = files;
	in->nfiles = nfiles;
	in->opts = *opts;
	in->rbuf = csm_xmalloc(READSZ);
	csm_buf_init(&in->data);
	open_file(in);
	read_header(t);
	t->file = in->name;
	t->line = in->recline;
}

int
csm_tbl_next(struct csm_tbl *t)
{
	struct csm_tbl_in *in = t->in;

	for (;;) {
		if (!read_record(in)) {
			if (in->curfile + 1 >= in->nfiles)
				return 0;
			close_file(in);
			in->curfile++;
			open_file(in);
			read_header(t);
			continue;
		}
		t->file = in->name;
		t->line = in->recline;
		if (in->nf == t->ncols || in->opts.ragged == CSM_RAGGED_KEEP) {
			point_fields(t, in->nf);
			return 1;
		}
		if (in->opts.ragged == CSM_RAGGED_PAD && in->nf < t->ncols) {
			size_t i;

			point_fields(t, in->nf);
			t->nf = t->ncols;
			for (i = in->nf; i < t->ncols; i++) {
				t->f[i] = in->empty;
				t->flen[i] = 0;
			}
			return 1;
		}
		if (in->opts.ragged == CSM_RAGGED_SKIP) {
			csm_warn_at(in->name, in->recline,
			    "skipped record: expected %zu fields, got %zu",
			    t->ncols, in->nf);
			continue;
		}
		csm_die_at(EX_DATAERR, in->name, in->recline,
		    "expected %zu fields, got %zu", t->ncols, in->nf);
	}
}

void
csm_tbl_close(struct csm_tbl *t)
{
	struct csm_tbl_in *in = t->in;
	size_t i;

	if (in == NULL)
		return;
	close_file(in);
	if (in->pinit)
		csv_free(&in->p);
	csm_buf_release(&in->data);
	free(in->off);
	free(in->len);
	free(in->rbuf);
	free(in);
	for (i = 0; i < t->ncols; i++)
		free(t->hdr[i]);
	free(t->hdr);
	free(t->hdrlen);
	free(t->f);
	free(t->flen);
	memset(t, 0, sizeof(*t));
}

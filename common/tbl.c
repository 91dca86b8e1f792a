/*
 * tbl.c: reading CSV and TSV one record at a time.
 *
 * CSV (any delimiter but a tab) goes through libcsv.  libcsv is push-based
 * and knows nothing of lines.  We feed it one segment at a time, each
 * ending at a CR or LF, so that at most one record ends per call and we
 * always know the physical line we are on.  It runs strict (an
 * unterminated or malformed quote is an error) and with space trimming
 * off, so fields pass through byte for byte.
 *
 * TSV (a tab delimiter) is the dialect of Miller, PostgreSQL COPY and IANA
 * text/tab-separated-values, split here: one line is one record, fields
 * end at tabs, a quote is an ordinary character, and \t \n \r \\ stand
 * for a tab, LF, CR and backslash (and \b \f \v, which PostgreSQL writes,
 * for theirs).  A field that is exactly \N (PostgreSQL's NULL) is empty.
 * Any other backslash, and one that ends a field, is kept as it is.
 *
 * Before the header of each file: a UTF-8 BOM is dropped and blank lines
 * are skipped; a file that is not UTF-8 text (a UTF-16 or UTF-32
 * byte-order mark, a ZIP, OLE2, PDF or gzip signature where the header
 * starts, unless a UTF-8 BOM came first; a NUL byte in the header line) is
 * a data error that says what it looks like; the delimiter is detected
 * from the header unless given.
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
#define SIGSZ 8			/* bytes that a file signature needs */
#define HDRMAX (1024 * 1024)	/* bytes of a header looked at, at most */

struct csm_tbl_in {
	char *const *files;
	size_t nfiles;
	size_t curfile;
	struct csm_tbl_opts opts;
	int fd;
	const char *name;	/* current file, for messages */
	char *rbuf;
	size_t rcap;		/* READSZ, more while a long header line is read */
	size_t rpos;
	size_t rlen;
	int eof;
	int tsv;		/* the current file is TSV */
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
	int lastcr;		/* the last line ended in a CR: an LF next is its */
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
grow_fields(struct csm_tbl_in *in)
{
	in->cap = in->cap ? in->cap * 2 : 16;
	in->off = csm_xreallocarray(in->off, in->cap, sizeof(*in->off));
	in->len = csm_xreallocarray(in->len, in->cap, sizeof(*in->len));
}

/* Appends a field of n bytes, already in data at off, to the record. */
static void
add_field(struct csm_tbl_in *in, size_t off, size_t n)
{
	if (in->nf == in->cap)
		grow_fields(in);
	in->off[in->nf] = off;
	in->len[in->nf] = n;
	in->nf++;
}

/* libcsv's field callback: copies the field into the record. */
static void
onfield(void *s, size_t n, void *arg)
{
	struct csm_tbl_in *in = arg;

	if (in->nf == in->cap)
		grow_fields(in);
	in->off[in->nf] = in->data.len;
	in->len[in->nf] = n;
	if (in->data.cap - in->data.len <= n)	/* no call on the hot path */
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

/*
 * Reads more input after what is buffered, moving the unread part to the
 * front first, and growing the buffer when that part fills it.  Returns 0
 * at end of file.
 */
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
	if (in->rlen == in->rcap) {
		in->rcap *= 2;
		in->rbuf = csm_xreallocarray(in->rbuf, in->rcap, 1);
	}
	do
		r = read(in->fd, in->rbuf + in->rlen, in->rcap - in->rlen);
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

/* What a file that is not UTF-8 text starts with, and what to do. */
static const struct {
	const char *magic;
	size_t n;
	const char *what;
} signatures[] = {
	/* UTF-32 first: its little-endian BOM starts with UTF-16's */
	{ "\xFF\xFE\0\0", 4, "looks like UTF-32 text (it starts with a "
	    "UTF-32 byte-order mark): save it as CSV UTF-8, or convert it "
	    "with iconv -f UTF-32 -t UTF-8" },
	{ "\0\0\xFE\xFF", 4, "looks like UTF-32 text (it starts with a "
	    "UTF-32 byte-order mark): save it as CSV UTF-8, or convert it "
	    "with iconv -f UTF-32 -t UTF-8" },
	{ "\xFF\xFE", 2, "looks like UTF-16 text (it starts with a UTF-16 "
	    "byte-order mark): save it as CSV UTF-8, or convert it with "
	    "iconv -f UTF-16 -t UTF-8" },
	{ "\xFE\xFF", 2, "looks like UTF-16 text (it starts with a UTF-16 "
	    "byte-order mark): save it as CSV UTF-8, or convert it with "
	    "iconv -f UTF-16 -t UTF-8" },
	{ "PK\x03\x04", 4, "looks like an Excel workbook (.xlsx) or another "
	    "ZIP archive: save the sheet as CSV UTF-8" },
	{ "PK\x05\x06", 4, "looks like an Excel workbook (.xlsx) or another "
	    "ZIP archive: save the sheet as CSV UTF-8" },
	{ "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, "looks like an Excel "
	    "97-2003 workbook (.xls): save the sheet as CSV UTF-8" },
	{ "%PDF-", 5, "looks like a PDF document, not CSV: export the data "
	    "as CSV UTF-8" },
	{ "\x1F\x8B", 2, "looks like gzip-compressed data: decompress it "
	    "first (gzip -dc)" },
};

const char *
csm_tbl_nottext(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(signatures) / sizeof(signatures[0]); i++)
		if (n >= signatures[i].n &&
		    memcmp(s, signatures[i].magic, signatures[i].n) == 0)
			return signatures[i].what;
	return NULL;
}

/*
 * Dies when the header line s[0..n) holds a NUL byte: UTF-16 without a
 * byte-order mark (every other byte NUL) or not text at all.
 */
static void
check_nul(struct csm_tbl_in *in, const char *s, size_t n)
{
	size_t i, nul[2] = { 0, 0 };

	if (memchr(s, '\0', n) == NULL)
		return;
	for (i = 0; i < n && i < 64; i++)
		nul[i % 2] += s[i] == '\0';
	if (n >= 4 && (nul[0] == (i + 1) / 2 || nul[1] == i / 2))
		csm_die_at(EX_DATAERR, in->name, in->line, "the header line "
		    "holds NUL bytes: looks like UTF-16 text without a "
		    "byte-order mark; save it as CSV UTF-8, or convert it with "
		    "iconv -f UTF-16 -t UTF-8");
	csm_die_at(EX_DATAERR, in->name, in->line, "the header line holds a "
	    "NUL byte: looks like a binary file, not CSV; save it as CSV "
	    "UTF-8");
}

/* Consumes the blank lines (LF, CRLF, CR) before the header, counting. */
static void
skip_blank_lines(struct csm_tbl_in *in)
{
	for (;;) {
		while (in->rpos < in->rlen) {
			char c = in->rbuf[in->rpos];

			if (c == '\n') {
				if (!in->lastcr)
					in->line++;
			} else if (c == '\r') {
				in->line++;
			} else {
				in->lastcr = 0;
				return;
			}
			in->lastcr = c == '\r';
			in->rpos++;
		}
		if (!fill(in))
			return;
	}
}

/*
 * Finding the delimiter: of , ; TAB |, the one found most often outside
 * quotes in the header, ties going to the earlier in that list, and a
 * comma when there is none.  As in CSV, a quote opens a quoted part only
 * at the start of the line or just after one of the four, "" inside is a
 * quote, and a quoted part may hold line ends: the header ends at the
 * first CR or LF outside quotes.  The same scan finds the end of a header
 * whose delimiter is given (which then starts a field too); with a tab,
 * quotes are data.
 */
static const char cand[] = ",;\t|";

struct sniff {
	size_t count[4];
	int delim;		/* a delimiter given, or 0 */
	int inq;		/* in a quoted part */
	int qpend;		/* in one, just after a quote: "" or its end */
	int start;		/* at the start of a field */
};

/*
 * Looks at s[0..n), the header's next bytes.  Returns the offset of the
 * line end that ends the header, or n when it goes on.
 */
static size_t
sniff_feed(struct sniff *sn, const char *s, size_t n)
{
	const char *p;
	size_t i;

	for (i = 0; i < n; i++) {
		if (sn->qpend) {
			sn->qpend = 0;
			if (s[i] == '"')
				continue;
			sn->inq = 0;
		}
		if (sn->inq) {
			sn->qpend = s[i] == '"';
			continue;
		}
		if (s[i] == '\n' || s[i] == '\r')
			return i;
		if (s[i] == '"' && sn->start && sn->delim != '\t') {
			sn->inq = 1;
			sn->start = 0;
			continue;
		}
		p = memchr(cand, s[i], 4);
		sn->start = p != NULL || s[i] == sn->delim;
		if (p != NULL)
			sn->count[p - cand]++;
	}
	return n;
}

static int
sniff_delim(const struct sniff *sn)
{
	size_t i, best = 0;

	for (i = 1; i < 4; i++)
		if (sn->count[i] > sn->count[best])
			best = i;
	return (unsigned char)cand[best];
}

/*
 * Before the header of a file: refuse what is not UTF-8 text, drop a BOM,
 * skip blank lines, and pick the delimiter from the header (read into the
 * buffer whole, up to HDRMAX bytes).  A TSV header is its first line,
 * quotes or not.  Returns the delimiter.
 */
static int
start_file(struct csm_tbl_in *in)
{
	struct sniff sn;
	size_t end, seen = 0, k, bom = 0;
	const char *eol, *what;
	int delim = in->opts.delim;

	while (!in->eof && in->rlen < SIGSZ)
		fill(in);
	if (in->rlen >= 3 && memcmp(in->rbuf, "\xEF\xBB\xBF", 3) == 0)
		in->rpos = bom = 3;
	skip_blank_lines(in);
	while (!in->eof && in->rlen - in->rpos < SIGSZ)
		fill(in);
	/* A UTF-8 BOM says the file is text, whatever follows. */
	if (!bom && (what = csm_tbl_nottext(in->rbuf + in->rpos,
	    in->rlen - in->rpos)) != NULL)
		csm_die_at(EX_DATAERR, in->name, 0, "%s", what);
	memset(&sn, 0, sizeof(sn));
	sn.start = 1;
	sn.delim = delim;
	/* seen: the header's bytes looked at so far (fill moves rpos) */
	for (;;) {
		k = sniff_feed(&sn, in->rbuf + in->rpos + seen,
		    in->rlen - in->rpos - seen);
		if (in->rpos + seen + k < in->rlen) {
			end = in->rpos + seen + k;
			break;
		}
		seen = in->rlen - in->rpos;
		if (seen >= HDRMAX || !fill(in)) {
			end = in->rlen;
			break;
		}
	}
	if (delim == 0)
		delim = sniff_delim(&sn);
	in->tsv = delim == '\t';
	if (in->tsv && (eol = memchr(in->rbuf + in->rpos, '\n',
	    end - in->rpos)) != NULL)
		end = (size_t)(eol - in->rbuf);
	if (in->tsv && (eol = memchr(in->rbuf + in->rpos, '\r',
	    end - in->rpos)) != NULL)
		end = (size_t)(eol - in->rbuf);
	check_nul(in, in->rbuf + in->rpos, end - in->rpos);
	if (!in->tsv)
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
 * Where the next CR or LF at or after rpos is, or rlen when none is
 * buffered.  The positions found are remembered, so a file whose lines
 * end in CR alone costs no more than one with LF.
 */
static inline size_t
next_eol(struct csm_tbl_in *in)
{
	const char *p;

	if (in->nextlf < in->rpos || in->nextlf > in->rlen) {
		p = memchr(in->rbuf + in->rpos, '\n', in->rlen - in->rpos);
		in->nextlf = p ? (size_t)(p - in->rbuf) : in->rlen;
	}
	if (in->nextcr < in->rpos || in->nextcr > in->rlen) {
		p = memchr(in->rbuf + in->rpos, '\r', in->rlen - in->rpos);
		in->nextcr = p ? (size_t)(p - in->rbuf) : in->rlen;
	}
	return in->nextlf < in->nextcr ? in->nextlf : in->nextcr;
}

/*
 * Feeds libcsv until a record ends or the file does.  Returns 1 with a
 * record in in->data, 0 at the end of the current file.
 */
static int
read_csv(struct csm_tbl_in *in)
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
		n = next_eol(in);
		n = (n < in->rlen ? n + 1 : n) - in->rpos;
		last = seg[n - 1];
		if (in->between && !(n == 1 && (last == '\n' || last == '\r'))) {
			in->between = 0;
			in->recline = in->line;
		}
		if (csv_parse(&in->p, seg, n, onfield, onrecord, in) != n)
			parse_error(in, 0);
		in->rpos += n;
		/* An LF alone right after a CR is the end of the CR's line. */
		if (last == '\r' || (last == '\n' && !(n == 1 && in->lastcr)))
			in->line++;
		in->lastcr = last == '\r';
		if (in->done) {
			in->between = 1;
			return 1;
		}
	}
}

/* The TSV escape for c after a backslash, or -1 when \c is not one. */
static int
tsv_unescape(char c)
{
	switch (c) {
	case 't':
		return '\t';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case '\\':
		return '\\';
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'v':
		return '\v';
	default:
		return -1;
	}
}

/* Decodes the escapes of s[0..n) in place; returns the new length. */
static size_t
tsv_decode(char *s, size_t n)
{
	size_t i, o;
	int c;

	if (n == 2 && s[0] == '\\' && s[1] == 'N')
		return 0;
	for (i = o = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n &&
		    (c = tsv_unescape(s[i + 1])) >= 0) {
			s[o++] = (char)c;
			i++;
		} else
			s[o++] = s[i];
	}
	return o;
}

/* Splits the line in data into fields at its tabs, decoding escapes. */
static void
tsv_split(struct csm_tbl_in *in)
{
	char *s = in->data.s, *end = s + in->data.len, *tab;
	size_t n;

	for (;;) {
		tab = memchr(s, '\t', (size_t)(end - s));
		n = (size_t)((tab ? tab : end) - s);
		if (memchr(s, '\\', n) != NULL)
			n = tsv_decode(s, n);
		s[n] = '\0';
		add_field(in, (size_t)(s - in->data.s), n);
		if (tab == NULL)
			break;
		s = tab + 1;
	}
}

/*
 * Reads the next TSV line that is not blank into in->data and splits it.
 * Returns 1 with a record, 0 at the end of the current file.
 */
static int
read_tsv(struct csm_tbl_in *in)
{
	size_t eol;
	int got = 0;

	in->nf = 0;
	csm_buf_reset(&in->data);
	for (;;) {
		if (in->rpos == in->rlen && !fill(in)) {
			if (!got)
				return 0;
			break;
		}
		if (in->lastcr) {
			in->lastcr = 0;
			if (in->rbuf[in->rpos] == '\n') {
				in->rpos++;
				continue;
			}
		}
		eol = next_eol(in);
		if (!got && eol == in->rpos) {
			/* a blank line */
			in->lastcr = in->rbuf[eol] == '\r';
			in->rpos++;
			in->line++;
			continue;
		}
		if (!got) {
			got = 1;
			in->recline = in->line;
		}
		csm_buf_add(&in->data, in->rbuf + in->rpos, eol - in->rpos);
		if (eol == in->rlen) {
			in->rpos = in->rlen;
			continue;
		}
		in->lastcr = in->rbuf[eol] == '\r';
		in->rpos = eol + 1;
		in->line++;
		break;
	}
	tsv_split(in);
	return 1;
}

static int
read_record(struct csm_tbl_in *in)
{
	return in->tsv ? read_tsv(in) : read_csv(in);
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

/*
 * Reads the header of the current file; dies when there is none, or when
 * it is not the first file's (field by field: the delimiters may differ).
 */
static void
read_header(struct csm_tbl *t)
{
	struct csm_tbl_in *in = t->in;
	size_t i;
	int delim;

	delim = start_file(in);
	if (!read_record(in))
		csm_die_at(EX_DATAERR, in->name, 0,
		    "no header line (the input is empty)");
	if (t->hdr == NULL) {
		t->delim = delim;
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
	in->rcap = READSZ;
	in->rbuf = csm_xmalloc(in->rcap);
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

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
 *
 * Records go into a batch: the field bytes of each, NUL after each, and
 * where each field and record starts.  Read on the caller's thread, a
 * batch holds the one record csm_tbl_next hands out.  Read ahead
 * (csm_tbl_readahead), a thread fills batches of many records, and the
 * caller takes them in order from a ring of NBATCH, so that parsing and
 * what the caller does with the records run on two cores.  The thread
 * never ends the program: an error it meets (a parse error, a read error,
 * a later file that cannot be opened...) is kept with the batch it ends,
 * and csm_tbl_next reports it after handing out every record before it,
 * as reading on one thread would have.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "csm.h"

#define READSZ (64 * 1024)
#define SIGSZ 8			/* bytes that a file signature needs */
#define HDRMAX (1024 * 1024)	/* bytes of a header looked at, at most */
#define NBATCH 4		/* batches in the read-ahead ring */
#define BATCHSZ (64 * 1024)	/* a batch read ahead is full past this many */
#define BATCHREC 1024		/* bytes of fields, or this many records */
#define MSGSZ 8192		/* an error message read ahead, at most */

/* A record of a batch: its fields are off/flen[f0 .. f0+nf). */
struct rec {
	size_t f0;
	size_t nf;
	long line;		/* the line it starts on */
	const char *file;
};

struct batch {
	char *data;		/* field bytes, each followed by a NUL */
	size_t len;
	size_t cap;
	size_t *off;		/* per field: where it starts in data */
	size_t *flen;		/* and its length */
	size_t nf;
	size_t fcap;
	struct rec *rec;
	size_t nrec;
	size_t rcap;
	size_t next;		/* the record csm_tbl_next hands out next */
	int end;		/* the input ends after these records */
};

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

	/* the record being read goes into batch b */
	struct batch *b;
	struct batch one;	/* b when reading on the caller's thread */
	size_t f0;		/* the record's first field in b */
	int done;		/* libcsv ended a record */
	int between;		/* no record begun since the last one ended */
	long recline;		/* line the record began on */
	long line;		/* current physical line */
	int lastcr;		/* the last line ended in a CR: an LF next is its */
	char empty[1];		/* "", for padded fields */
	size_t nextlf;		/* where the next LF, CR are at or after rpos */
	size_t nextcr;		/* (rlen when none); valid while <= rlen */
	char **hdr;		/* the first file's header, which later */
	size_t *hdrlen;		/* files' headers must repeat */
	size_t ncols;

	/* reading ahead: the thread owns everything above but empty */
	int ahead;		/* the thread was started */
	int joined;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t filled;	/* a batch was handed over, */
	pthread_cond_t freed;	/* or handed back */
	struct batch ring[NBATCH];
	size_t head;		/* ring[head]: the oldest batch handed over */
	size_t count;		/* batches handed over and not back yet */
	int stop;		/* csm_tbl_close wants the thread gone */
	struct batch *cur;	/* the caller's batch */
	jmp_buf fail;		/* where an error takes the thread */
	int errstatus;		/* the error that ended the input, or 0 */
	const char *errfile;
	long errline;
	char errmsg[MSGSZ];
};

static int
nospace(unsigned char c)
{
	(void)c;
	return 0;
}

/*
 * An error that ends the input: "file:line: message" (file NULL: no
 * place; line 0: the file alone), a format ending in ':' followed by
 * strerror(errno), as csm_die_at writes it.  Read on the caller's thread,
 * it ends the program now; read ahead, it is kept for csm_tbl_next and
 * the thread stops.
 */
CSM_NORETURN static void
fail(struct csm_tbl_in *in, int status, const char *file, long line,
    const char *fmt, ...) CSM_PRINTF(5, 6);

static void
report(const struct csm_tbl_in *in)
{
	if (in->errfile == NULL)
		csm_die(in->errstatus, "%s", in->errmsg);
	csm_die_at(in->errstatus, in->errfile, in->errline, "%s", in->errmsg);
}

static void
fail(struct csm_tbl_in *in, int status, const char *file, long line,
    const char *fmt, ...)
{
	int saved = errno;
	size_t n = strlen(fmt), k;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(in->errmsg, sizeof(in->errmsg), fmt, ap);
	va_end(ap);
	k = strlen(in->errmsg);
	if (n > 0 && fmt[n - 1] == ':' && k + 2 < sizeof(in->errmsg)) {
		in->errmsg[k++] = ' ';
		if (strerror_r(saved, in->errmsg + k, sizeof(in->errmsg) - k))
			snprintf(in->errmsg + k, sizeof(in->errmsg) - k,
			    "error %d", saved);
	}
	in->errstatus = status;
	in->errfile = file;
	in->errline = line;
	if (in->ahead)
		longjmp(in->fail, 1);
	report(in);
	exit(status);
}

/* Allocation on the reading path: out of memory is an error of fail's. */
static void *
tbl_realloc(struct csm_tbl_in *in, void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		fail(in, EX_OSERR, NULL, 0, "out of memory");
	n *= size;
	if ((p = realloc(p, n > 0 ? n : 1)) == NULL)
		fail(in, EX_OSERR, NULL, 0, "out of memory");
	return p;
}

/* Makes room in b for a field, then for n more bytes of data. */
static void
grow_fields(struct csm_tbl_in *in, struct batch *b)
{
	b->fcap = b->fcap ? b->fcap * 2 : 16;
	b->off = tbl_realloc(in, b->off, b->fcap, sizeof(*b->off));
	b->flen = tbl_realloc(in, b->flen, b->fcap, sizeof(*b->flen));
}

static void
grow_data(struct csm_tbl_in *in, struct batch *b, size_t n)
{
	size_t cap = b->cap ? b->cap : BATCHSZ;

	while (cap - b->len < n) {
		if (cap > SIZE_MAX / 2)
			fail(in, EX_OSERR, NULL, 0, "out of memory");
		cap *= 2;
	}
	b->data = tbl_realloc(in, b->data, cap, 1);
	b->cap = cap;
}

/* Appends a field of n bytes, already in b's data at off, to the record. */
static void
add_field(struct csm_tbl_in *in, size_t off, size_t n)
{
	struct batch *b = in->b;

	if (b->nf == b->fcap)
		grow_fields(in, b);
	b->off[b->nf] = off;
	b->flen[b->nf] = n;
	b->nf++;
}

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

static void onfield(void *p, size_t n, void *arg);

/* onfield when the batch has no room: grows it, then goes on. */
NOINLINE static void
onfield_grow(void *p, size_t n, void *arg)
{
	struct csm_tbl_in *in = arg;
	struct batch *b = in->b;

	if (b->nf == b->fcap)
		grow_fields(in, b);
	if (b->cap - b->len <= n)
		grow_data(in, b, n + 1);
	onfield(p, n, arg);
}

/*
 * libcsv's field callback: copies the field into the batch, NUL after
 * it.  Most fields are short, and calling memcpy costs more than copying
 * them: up to 16 bytes go as two moves of 8, 4 or 1 that may overlap,
 * never reading or writing outside the field.  A call, rare, is the last
 * thing done, so that nothing needs saving around it.
 */
static void
onfield(void *p, size_t n, void *arg)
{
	struct csm_tbl_in *in = arg;
	struct batch *b = in->b;
	const char *s = p;
	size_t nf = b->nf, len = b->len;
	char *d;
	uint64_t w8, x8;
	uint32_t w4, x4;

	if (nf == b->fcap || b->cap - len <= n) {
		onfield_grow(p, n, arg);
		return;
	}
	d = b->data + len;
	b->off[nf] = len;
	b->flen[nf] = n;
	b->nf = nf + 1;
	b->len = len + n + 1;
	d[n] = '\0';
	if (n >= 8 && n <= 16) {
		memcpy(&w8, s, 8);
		memcpy(&x8, s + n - 8, 8);
		memcpy(d, &w8, 8);
		memcpy(d + n - 8, &x8, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(&w4, s, 4);
		memcpy(&x4, s + n - 4, 4);
		memcpy(d, &w4, 4);
		memcpy(d + n - 4, &x4, 4);
	} else if (n > 0 && n < 4) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	} else if (n > 16)
		memcpy(d, s, n);
}

static void
onrecord(int c, void *arg)
{
	struct csm_tbl_in *in = arg;

	(void)c;
	in->done = 1;
}

/* The record begun at field in->f0 of in->b, whose fields are all read. */
static void
end_record(struct csm_tbl_in *in)
{
	struct batch *b = in->b;
	struct rec *r;

	if (b->nrec == b->rcap) {
		b->rcap = b->rcap ? b->rcap * 2 : 64;
		b->rec = tbl_realloc(in, b->rec, b->rcap, sizeof(*b->rec));
	}
	r = &b->rec[b->nrec++];
	r->f0 = in->f0;
	r->nf = b->nf - in->f0;
	r->line = in->recline;
	r->file = in->name;
}

/* Makes b empty. */
static void
batch_reset(struct batch *b)
{
	b->len = b->nf = b->nrec = b->next = 0;
	b->end = 0;
}

static void
batch_release(struct batch *b)
{
	free(b->data);
	free(b->off);
	free(b->flen);
	free(b->rec);
	memset(b, 0, sizeof(*b));
}

static void
parser_init(struct csm_tbl_in *in, int delim)
{
	if (in->pinit)
		csv_free(&in->p);
	if (csv_init(&in->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		fail(in, EX_OSERR, NULL, 0, "out of memory");
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
		in->rbuf = tbl_realloc(in, in->rbuf, in->rcap, 1);
	}
	do
		r = read(in->fd, in->rbuf + in->rlen, in->rcap - in->rlen);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		fail(in, EX_IOERR, NULL, 0, "read error on '%s':", in->name);
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
			fail(in, EX_NOINPUT, NULL, 0, "cannot open '%s':",
			    path);
		if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode))
			fail(in, EX_NOINPUT, NULL, 0, "cannot read '%s': is a "
			    "directory", path);
	}
	in->eof = 0;
	in->rpos = in->rlen = 0;
	in->nextlf = in->nextcr = (size_t)-1;
	in->line = 1;
	in->lastcr = 0;
	in->between = 1;
	in->done = 0;
}

static void
close_file(struct csm_tbl_in *in)
{
	if (in->fd > 0 && close(in->fd) != 0)
		fail(in, EX_IOERR, NULL, 0, "close '%s':", in->name);
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
		fail(in, EX_DATAERR, in->name, in->line, "the header line "
		    "holds NUL bytes: looks like UTF-16 text without a "
		    "byte-order mark; save it as CSV UTF-8, or convert it with "
		    "iconv -f UTF-16 -t UTF-8");
	fail(in, EX_DATAERR, in->name, in->line, "the header line holds a "
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
		fail(in, EX_DATAERR, in->name, 0, "%s", what);
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

CSM_NORETURN static void
parse_error(struct csm_tbl_in *in, int atend)
{
	int e = csv_error(&in->p);

	if (e == CSV_EPARSE && atend)
		fail(in, EX_DATAERR, in->name, in->recline,
		    "unterminated quoted field");
	if (e == CSV_EPARSE)
		fail(in, EX_DATAERR, in->name, in->line,
		    "malformed quoted field (a quote must open the field, and "
		    "a closing quote must be followed by a delimiter or the "
		    "end of the line)");
	if (e == CSV_ENOMEM || e == CSV_ETOOBIG)
		fail(in, EX_OSERR, NULL, 0, "out of memory");
	fail(in, EX_SOFTWARE, in->name, in->line, "csv: %s",
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
 * Feeds libcsv until a record ends or the file does.  Returns 1 with the
 * record's fields added to in->b from in->f0 on, 0 at the end of the
 * current file.
 */
static int
read_csv(struct csm_tbl_in *in)
{
	in->done = 0;
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

/*
 * Splits the line in b's data from start on into fields at its tabs,
 * decoding escapes.
 */
static void
tsv_split(struct csm_tbl_in *in, size_t start)
{
	char *s = in->b->data + start, *end = in->b->data + in->b->len, *tab;
	size_t n;

	for (;;) {
		tab = memchr(s, '\t', (size_t)(end - s));
		n = (size_t)((tab ? tab : end) - s);
		if (memchr(s, '\\', n) != NULL)
			n = tsv_decode(s, n);
		s[n] = '\0';
		add_field(in, (size_t)(s - in->b->data), n);
		if (tab == NULL)
			break;
		s = tab + 1;
	}
	in->b->len++;	/* the NUL after the last field */
}

/* Appends p[0..n) to b's data, with room for a NUL after it. */
static void
add_data(struct csm_tbl_in *in, const char *p, size_t n)
{
	struct batch *b = in->b;

	if (b->cap - b->len <= n)
		grow_data(in, b, n + 1);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

/*
 * Reads the next TSV line that is not blank into in->b and splits it.
 * Returns 1 with a record, 0 at the end of the current file.
 */
static int
read_tsv(struct csm_tbl_in *in)
{
	size_t eol, start = in->b->len;
	int got = 0;

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
		add_data(in, in->rbuf + in->rpos, eol - in->rpos);
		if (eol == in->rlen) {
			in->rpos = in->rlen;
			continue;
		}
		in->lastcr = in->rbuf[eol] == '\r';
		in->rpos = eol + 1;
		in->line++;
		break;
	}
	if (in->b->cap == in->b->len)
		grow_data(in, in->b, 1);
	in->b->data[in->b->len] = '\0';
	tsv_split(in, start);
	return 1;
}

/* Reads a record of the current file into in->b: 0 at its end. */
static int
read_record(struct csm_tbl_in *in)
{
	in->f0 = in->b->nf;
	if (!(in->tsv ? read_tsv(in) : read_csv(in)))
		return 0;
	end_record(in);
	return 1;
}

/* Points t's fields at record r of batch b. */
static void
point_fields(struct csm_tbl *t, const struct batch *b, const struct rec *r)
{
	size_t i, nf = r->nf;

	if (nf > t->fcap) {
		t->fcap = nf;
		t->f = csm_xreallocarray(t->f, nf, sizeof(*t->f));
		t->flen = csm_xreallocarray(t->flen, nf, sizeof(*t->flen));
	}
	t->nf = nf;
	for (i = 0; i < nf; i++) {
		t->f[i] = b->data + b->off[r->f0 + i];
		t->flen[i] = b->flen[r->f0 + i];
	}
}

/*
 * Reads the header of a later file and takes it out of in->b again (its
 * bytes stay where they are until overwritten); fails
 * when there is none, or when it is not the first file's (field by field:
 * the delimiters may differ).
 */
static void
next_header(struct csm_tbl_in *in)
{
	struct batch *b = in->b;
	const struct rec *r;
	size_t i;

	start_file(in);
	if (!read_record(in))
		fail(in, EX_DATAERR, in->name, 0,
		    "no header line (the input is empty)");
	r = &b->rec[--b->nrec];
	for (i = 0; i < r->nf && i < in->ncols; i++)
		if (b->flen[r->f0 + i] != in->hdrlen[i] ||
		    memcmp(b->data + b->off[r->f0 + i], in->hdr[i],
		    in->hdrlen[i]) != 0)
			break;
	b->len = b->off[r->f0];
	b->nf = r->f0;
	if (r->nf != in->ncols || i < in->ncols)
		fail(in, EX_DATAERR, in->name, in->recline,
		    "header differs from the header of '%s'",
		    strcmp(in->files[0], "-") == 0 ? "<stdin>" : in->files[0]);
}

/*
 * Reads the next record of the table into in->b, going on to the next
 * file at the end of one.  Returns 0 at the end of the last.
 */
static int
next_record(struct csm_tbl_in *in)
{
	for (;;) {
		if (read_record(in))
			return 1;
		if (in->curfile + 1 >= in->nfiles)
			return 0;
		close_file(in);
		in->curfile++;
		open_file(in);
		next_header(in);
	}
}

/* ---- reading ahead ---------------------------------------------------- */

/*
 * The thread's side of the ring: hands in->b over (in->b->end set: the
 * last) and returns the next batch to fill, waiting while every batch is
 * full, or NULL when the thread is to stop.  The batch being filled is
 * always ring[(head + count) % NBATCH].
 */
static struct batch *
hand_over(struct csm_tbl_in *in)
{
	struct batch *b = NULL;
	int last = in->b->end;

	pthread_mutex_lock(&in->mu);
	in->count++;
	pthread_cond_signal(&in->filled);
	while (!last && !in->stop && in->count == NBATCH)
		pthread_cond_wait(&in->freed, &in->mu);
	if (!last && !in->stop)
		b = &in->ring[(in->head + in->count) % NBATCH];
	pthread_mutex_unlock(&in->mu);
	if (b != NULL)
		batch_reset(b);
	return b;
}

/* The thread: fills batches until the input ends, or an error ends it. */
static void *
read_ahead(void *arg)
{
	struct csm_tbl_in *in = arg;

	if (setjmp(in->fail) == 0)
		while (next_record(in))
			if ((in->b->len >= BATCHSZ || in->b->nrec >= BATCHREC) &&
			    (in->b = hand_over(in)) == NULL)
				break;
	/* the end of the input, or an error in errmsg, which ends it */
	if (in->b != NULL) {
		in->b->end = 1;
		hand_over(in);
	}
	return NULL;
}

/* The caller's side: the next batch handed over, waiting for it. */
static struct batch *
take_batch(struct csm_tbl_in *in)
{
	struct batch *b;

	pthread_mutex_lock(&in->mu);
	while (in->count == 0)
		pthread_cond_wait(&in->filled, &in->mu);
	b = &in->ring[in->head];
	pthread_mutex_unlock(&in->mu);
	return b;
}

/* Hands the caller's batch (ring[head]) back to the thread. */
static void
give_back(struct csm_tbl_in *in)
{
	pthread_mutex_lock(&in->mu);
	in->head = (in->head + 1) % NBATCH;
	in->count--;
	pthread_cond_signal(&in->freed);
	pthread_mutex_unlock(&in->mu);
}

/*
 * Waits for the thread to end, telling it to stop first.  (A program that
 * dies leaves it running, or ended and not joined: exit ends it.)
 */
static void
join(struct csm_tbl_in *in)
{
	if (in->joined)
		return;
	pthread_mutex_lock(&in->mu);
	in->stop = 1;
	pthread_cond_signal(&in->freed);
	pthread_mutex_unlock(&in->mu);
	pthread_join(in->thread, NULL);
	in->joined = 1;
}

/*
 * The next record read ahead, and its batch in *bp; NULL at the end of
 * the input.  An error that ended the input ends the program here, after
 * every record before it.
 */
static const struct rec *
next_ahead(struct csm_tbl_in *in, const struct batch **bp)
{
	struct batch *b = in->cur;

	for (;;) {
		if (b != NULL && b->next < b->nrec) {
			*bp = b;
			return &b->rec[b->next++];
		}
		if (b != NULL && b->end) {
			join(in);
			if (in->errstatus != 0)
				report(in);
			return NULL;
		}
		if (b != NULL)
			give_back(in);
		b = in->cur = take_batch(in);
	}
}

void
csm_tbl_readahead(struct csm_tbl *t)
{
	struct csm_tbl_in *in = t->in;
	size_t i;

	if (in->ahead)
		return;
	for (i = 0; i < NBATCH; i++)
		memset(&in->ring[i], 0, sizeof(in->ring[i]));
	in->head = in->count = 0;
	in->stop = in->joined = 0;
	in->cur = NULL;
	if (pthread_mutex_init(&in->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&in->filled, NULL) != 0) {
		pthread_mutex_destroy(&in->mu);
		return;
	}
	if (pthread_cond_init(&in->freed, NULL) != 0) {
		pthread_cond_destroy(&in->filled);
		pthread_mutex_destroy(&in->mu);
		return;
	}
	in->b = &in->ring[0];
	in->ahead = 1;
	if (pthread_create(&in->thread, NULL, read_ahead, in) != 0) {
		/* no thread: read on the caller's, as before */
		in->ahead = 0;
		in->b = &in->one;
		pthread_cond_destroy(&in->freed);
		pthread_cond_destroy(&in->filled);
		pthread_mutex_destroy(&in->mu);
	}
}

/* ---- the table -------------------------------------------------------- */

void
csm_tbl_open(struct csm_tbl *t, char *const *files, size_t nfiles,
    const struct csm_tbl_opts *opts)
{
	struct csm_tbl_in *in = csm_xcalloc(1, sizeof(*in));
	struct batch *b = &in->one;
	size_t i;
	int delim;

	memset(t, 0, sizeof(*t));
	t->in = in;
	in->files = files;
	in->nfiles = nfiles;
	in->opts = *opts;
	in->rcap = READSZ;
	in->rbuf = csm_xmalloc(in->rcap);
	in->b = b;
	open_file(in);
	delim = start_file(in);
	if (!read_record(in))
		fail(in, EX_DATAERR, in->name, 0,
		    "no header line (the input is empty)");
	t->delim = delim;
	t->ncols = b->nf;
	t->hdr = csm_xcalloc(b->nf, sizeof(*t->hdr));
	t->hdrlen = csm_xcalloc(b->nf, sizeof(*t->hdrlen));
	t->f = csm_xcalloc(b->nf, sizeof(*t->f));
	t->flen = csm_xcalloc(b->nf, sizeof(*t->flen));
	t->fcap = b->nf;
	for (i = 0; i < b->nf; i++) {
		t->hdr[i] = csm_xstrndup(b->data + b->off[i], b->flen[i]);
		t->hdrlen[i] = b->flen[i];
	}
	in->hdr = t->hdr;
	in->hdrlen = t->hdrlen;
	in->ncols = t->ncols;
	t->file = in->name;
	t->line = in->recline;
}

int
csm_tbl_next(struct csm_tbl *t)
{
	struct csm_tbl_in *in = t->in;
	const struct batch *b = &in->one;
	const struct rec *r;

	for (;;) {
		if (in->ahead) {
			if ((r = next_ahead(in, &b)) == NULL)
				return 0;
		} else {
			batch_reset(&in->one);
			if (!next_record(in))
				return 0;
			r = &in->one.rec[0];
		}
		t->file = r->file;
		t->line = r->line;
		if (r->nf == t->ncols || in->opts.ragged == CSM_RAGGED_KEEP) {
			point_fields(t, b, r);
			return 1;
		}
		if (in->opts.ragged == CSM_RAGGED_PAD && r->nf < t->ncols) {
			size_t i;

			point_fields(t, b, r);
			t->nf = t->ncols;
			for (i = r->nf; i < t->ncols; i++) {
				t->f[i] = in->empty;
				t->flen[i] = 0;
			}
			return 1;
		}
		if (in->opts.ragged == CSM_RAGGED_SKIP) {
			csm_warn_at(r->file, r->line,
			    "skipped record: expected %zu fields, got %zu",
			    t->ncols, r->nf);
			continue;
		}
		csm_die_at(EX_DATAERR, r->file, r->line,
		    "expected %zu fields, got %zu", t->ncols, r->nf);
	}
}

void
csm_tbl_close(struct csm_tbl *t)
{
	struct csm_tbl_in *in = t->in;
	size_t i;

	if (in == NULL)
		return;
	if (in->ahead) {
		join(in);
		for (i = 0; i < NBATCH; i++)
			batch_release(&in->ring[i]);
		pthread_cond_destroy(&in->freed);
		pthread_cond_destroy(&in->filled);
		pthread_mutex_destroy(&in->mu);
	}
	in->ahead = 0;
	close_file(in);
	if (in->pinit)
		csv_free(&in->p);
	batch_release(&in->one);
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

/*
 * out.c: buffered output on a file descriptor, with minimal RFC 4180
 * quoting for CSV and the escapes of TSV (\t \n \r \\, never quotes).
 * Every write is checked: a failure exits 74 naming the output, and a
 * closed pipe ends the program the way SIGPIPE would, with nothing on
 * stderr.
 *
 * The buffer goes out in whole records (csm_out_endrec), and text (reports,
 * or text between records) in whole lines: a record larger than the buffer
 * grows it.  So when a fatal error ends the program
 * (csm_die calls csm_out_atdie), what every open writer wrote ends at a
 * record or line boundary, and it holds every record completed before the
 * error, whatever the buffer size.
 *
 * Past the header, most fields need neither quotes nor escapes: the fast
 * path copies a field into the buffer and looks for the bytes that would
 * need them in the same pass, eight at a time where it can, and leaves
 * the rare field that holds one to the slow path, which starts over.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"

#define OUTSZ (64 * 1024)

static const char bom[] = "\xEF\xBB\xBF";

/* The open writers, for csm_out_atdie. */
static struct csm_out *writers;

static void
unlist(struct csm_out *o)
{
	struct csm_out **p;

	for (p = &writers; *p != NULL; p = &(*p)->next)
		if (*p == o) {
			*p = o->next;
			break;
		}
	o->next = NULL;
}

void
csm_out_init(struct csm_out *o, int fd, const char *name, int delim)
{
	unlist(o);
	o->fd = fd;
	o->name = name;
	o->delim = delim;
	o->nfield = 0;
	o->empty = 0;
	o->cap = OUTSZ;
	o->len = 0;
	o->buf = csm_xmalloc(o->cap);
	o->mark = 0;
	o->nrec = 0;
	o->plain = 0;
	o->sdelim = -1;
	o->failed = 0;
	o->next = writers;
	writers = o;
}

/* The reader of our pipe has gone: end as SIGPIPE would have ended us. */
static void
broken_pipe(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGPIPE);
	_exit(128 + SIGPIPE);
}

/* Writes p[0..n) to the file descriptor, all of it, or ends the program. */
static void
write_all(struct csm_out *o, const char *p, size_t n)
{
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = write(o->fd, p + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EPIPE)
			broken_pipe();
		if (r <= 0) {
			o->failed = 1;
			csm_die(EX_IOERR, "write error on '%s':", o->name);
		}
		done += (size_t)r;
	}
}

/*
 * How much of the buffer is whole: up to the end of the last record while
 * a record is being written or when one ended in the buffer, else up to
 * the last line end (text).
 */
static size_t
whole(const struct csm_out *o)
{
	size_t i;

	if (o->mark > 0 || o->nfield > 0)
		return o->mark;
	for (i = o->len; i > 0 && o->buf[i - 1] != '\n'; i--)
		;
	return i;
}

/*
 * Makes room for n more bytes: writes out what is whole, keeps the rest,
 * and grows the buffer when the record being written does not leave room.
 * A line of text that fills the buffer goes out as it is; text may be left
 * with less room than n, which csm_out_write copies in pieces.
 */
static void
make_room(struct csm_out *o, size_t n)
{
	size_t k = whole(o), cap;

	if (k == 0 && o->nfield == 0)
		k = o->len;	/* a line of text longer than the buffer */
	if (k > 0) {
		write_all(o, o->buf, k);
		o->len -= k;
		memmove(o->buf, o->buf + k, o->len);
		o->mark = 0;
	}
	if (o->nfield > 0 && o->cap - o->len < n) {
		cap = o->cap * 2;
		if (cap - o->len < n)
			cap = o->len + n;
		o->buf = csm_xreallocarray(o->buf, cap, 1);
		o->cap = cap;
	}
}

void
csm_out_flush(struct csm_out *o)
{
	write_all(o, o->buf, o->len);
	o->len = 0;
	o->mark = 0;
}

void
csm_out_write(struct csm_out *o, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		size_t room, k;

		if (o->cap - o->len < n)
			make_room(o, n);
		room = o->cap - o->len;
		k = n < room ? n : room;
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
	}
}

void
csm_out_puts(struct csm_out *o, const char *s)
{
	csm_out_write(o, s, strlen(s));
}

void
csm_out_printf(struct csm_out *o, const char *fmt, ...)
{
	char small[256], *big;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		csm_die(EX_SOFTWARE, "bad format '%s'", fmt);
	if ((size_t)n < sizeof(small)) {
		csm_out_write(o, small, (size_t)n);
		return;
	}
	big = csm_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	csm_out_write(o, big, (size_t)n);
	free(big);
}

/*
 * Whether a CSV field must be quoted: it holds the delimiter, a quote, CR
 * or LF, or it is a record's first field and starts with a UTF-8 BOM,
 * which would be dropped when the record is the first of a file (tbl.c
 * does).
 */
static inline int
needs_quotes(const char *s, size_t n, int delim, int first)
{
	unsigned char lim;
	size_t i;

	if (first && n >= 3 && memcmp(s, bom, 3) == 0)
		return 1;
	/* No special byte is above lim: one compare per byte, mostly. */
	lim = delim > '"' ? (unsigned char)delim : '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= lim && (c == '"' || c == '\n' || c == '\r' ||
		    c == (unsigned char)delim))
			return 1;
	}
	return 0;
}

/*
 * Whether a field of the header (the first record) holds one of the
 * delimiters a reader detects (, ; TAB |): quoted, it does not count when
 * the file is read back, so that only the real delimiters do.
 */
static int
holds_delims(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == ';' || s[i] == '\t' || s[i] == '|')
			return 1;
	return 0;
}

/*
 * Whether the output would start like a file that is not text (tbl.c's
 * csm_tbl_nottext) with s[0..n) as its first field: quoted, it does not.
 */
static int
looks_nottext(const char *s, size_t n, int delim)
{
	char head[8];
	size_t k = n < sizeof(head) ? n : sizeof(head);

	memcpy(head, s, k);
	if (k < sizeof(head))
		head[k++] = (char)delim;
	return csm_tbl_nottext(head, k) != NULL;
}

/*
 * A CSV field: quoted when it must be, or when the header needs it (the
 * common case, a field past the header, is csm_out_field's).
 */
static void
csv_field(struct csm_out *o, const char *s, size_t n)
{
	const char *q;

	if (!needs_quotes(s, n, o->delim, o->nfield == 1) &&
	    (o->nrec > 0 || (!holds_delims(s, n) &&
	    (o->nfield > 1 || !looks_nottext(s, n, o->delim))))) {
		csm_out_write(o, s, n);
		return;
	}
	csm_out_write(o, "\"", 1);
	while ((q = memchr(s, '"', n)) != NULL) {
		csm_out_write(o, s, (size_t)(q - s) + 1);
		csm_out_write(o, "\"", 1);
		n -= (size_t)(q - s) + 1;
		s = q + 1;
	}
	csm_out_write(o, s, n);
	csm_out_write(o, "\"", 1);
}

/*
 * A TSV field: a tab, LF, CR or backslash written as \t, \n, \r, \\.  TSV
 * cannot quote: the header's first field, when it starts with a BOM or
 * like a file that is not text, gets a BOM before it, which the reader
 * drops (and which tells it the file is text).
 */
static void
tsv_field(struct csm_out *o, const char *s, size_t n)
{
	size_t i, start = 0;
	const char *esc;

	if (o->nrec == 0 && o->nfield == 1 && ((n >= 3 &&
	    memcmp(s, bom, 3) == 0) || looks_nottext(s, n, '\t')))
		csm_out_write(o, bom, 3);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c > '\\')
			continue;
		if (c == '\t')
			esc = "\\t";
		else if (c == '\n')
			esc = "\\n";
		else if (c == '\r')
			esc = "\\r";
		else if (c == '\\')
			esc = "\\\\";
		else
			continue;
		csm_out_write(o, s + start, i - start);
		csm_out_write(o, esc, 2);
		start = i + 1;
	}
	csm_out_write(o, s + start, n - start);
}

/*
 * The bytes a field past the header cannot hold as they are: in CSV the
 * delimiter, a quote, CR and LF (quoted); in TSV a tab, LF, CR and
 * backslash (escaped).
 */
static void
make_special(struct csm_out *o)
{
	memset(o->special, 0, sizeof(o->special));
	o->special['\n'] = o->special['\r'] = 1;
	if (o->delim == '\t')
		o->special['\t'] = o->special['\\'] = 1;
	else
		o->special['"'] = o->special[(unsigned char)o->delim] = 1;
	o->sdelim = o->delim;
}

#define ONES 0x0101010101010101ULL

/* Whether one of the eight bytes of w is c. */
static inline uint64_t
has_byte(uint64_t w, unsigned char c)
{
	uint64_t v = w ^ (ONES * c);

	return (v - ONES) & ~v & (ONES << 7);
}

/*
 * Whether one of the eight bytes of w is special (make_special): in both
 * dialects CR, LF and the delimiter, and a quote in CSV or a backslash in
 * TSV.
 */
static inline uint64_t
has_special(uint64_t w, unsigned char delim)
{
	return has_byte(w, '\n') | has_byte(w, '\r') | has_byte(w, delim) |
	    has_byte(w, delim == '\t' ? '\\' : '"');
}

/*
 * Copies s[0..n) to d unless it holds a special byte; returns whether it
 * does (having then written part of it, or nothing).  Up to 7 bytes go
 * one at a time, looked up in the table; a longer field goes a word of 8
 * at a time, its last word overlapping the one before, so that nothing
 * is read or written outside the n bytes.
 */
static inline int
copy_plain(char *d, const char *s, size_t n, unsigned char delim,
    const unsigned char *special)
{
	unsigned char any = 0;
	uint64_t w;
	size_t k;

	if (n < 8) {
		for (k = 0; k < n; k++) {
			unsigned char c = (unsigned char)s[k];

			any |= special[c];
			d[k] = (char)c;
		}
		return any;
	}
	for (k = 0; k + 8 < n; k += 8) {
		memcpy(&w, s + k, 8);
		if (has_special(w, delim))
			return 1;
		memcpy(d + k, &w, 8);
	}
	memcpy(&w, s + n - 8, 8);
	if (has_special(w, delim))
		return 1;
	memcpy(d + n - 8, &w, 8);
	return 0;
}

/*
 * The fast path: appends fields f[0..count) (n[i] bytes each), each with
 * the delimiter before it but a record's first, as long as they fit the
 * buffer and hold no special byte (nor, a CSV record's first, starts
 * with a BOM).  Returns how many it wrote, all of them or up to the
 * field that needs the slow path.
 */
static size_t
plain_fields(struct csm_out *o, char *const *f, const size_t *n,
    size_t count)
{
	const unsigned char *special = o->special;
	unsigned char delim = (unsigned char)o->delim;
	char *d = o->buf + o->len, *end = o->buf + o->cap, *at;
	size_t i, len, filled = 0;
	int sep = o->nfield > 0;	/* (char stores may alias o: a copy) */

	if (!o->plain || o->delim != o->sdelim)
		return 0;
	for (i = 0; i < count; i++) {
		len = n[i];
		if ((size_t)(end - d) <= len)
			break;
		at = d;
		if (sep)
			*d++ = (char)delim;
		else if (len >= 3 && delim != '\t' &&
		    memcmp(f[i], bom, 3) == 0)
			break;
		if (copy_plain(d, f[i], len, delim, special)) {
			d = at;
			break;
		}
		d += len;
		sep = 1;
		filled |= len;
	}
	if (i > 0) {
		o->empty = (o->nfield == 0 || o->empty) && filled == 0;
		o->nfield += (int)i;
		o->len = (size_t)(d - o->buf);
	}
	return i;
}

/* The slow path: the header, and fields that need quotes or escapes. */
static void
any_field(struct csm_out *o, const char *s, size_t n)
{
	if (o->nfield++ > 0) {
		o->empty &= n == 0;
		if (o->len == o->cap)
			make_room(o, 1);
		o->buf[o->len++] = (char)o->delim;
	} else
		o->empty = n == 0;
	if (o->delim == '\t')
		tsv_field(o, s, n);
	else
		csv_field(o, s, n);
}

void
csm_out_field(struct csm_out *o, const char *s, size_t n)
{
	char *f[1];

	f[0] = (char *)s;
	if (plain_fields(o, f, &n, 1) == 0)
		any_field(o, s, n);
}

void
csm_out_fields(struct csm_out *o, char *const *f, const size_t *n,
    size_t count)
{
	size_t i = 0;

	while (i < count) {
		i += plain_fields(o, f + i, n + i, count - i);
		if (i < count) {
			any_field(o, f[i], n[i]);
			i++;
		}
	}
}

void
csm_out_endrec(struct csm_out *o)
{
	/*
	 * A record of one empty field would read back as a blank line, which
	 * is no record: CSV writes it "", TSV \N (PostgreSQL's NULL).
	 */
	if (o->nfield == 1 && o->empty)
		csm_out_write(o, o->delim == '\t' ? "\\N" : "\"\"", 2);
	if (o->len == o->cap)
		make_room(o, 1);
	o->buf[o->len++] = '\n';
	o->nfield = 0;
	o->nrec++;
	if (o->sdelim != o->delim)
		make_special(o);
	o->plain = 1;
	o->mark = o->len;
}

void
csm_out_close(struct csm_out *o)
{
	csm_out_release(o);
	if (close(o->fd) != 0 && errno != EINTR)
		csm_die(EX_IOERR, "write error on '%s':", o->name);
}

void
csm_out_release(struct csm_out *o)
{
	csm_out_flush(o);
	unlist(o);
	free(o->buf);
	o->buf = NULL;
	o->len = o->mark = 0;
}

void
csm_out_discard(struct csm_out *o)
{
	unlist(o);
	free(o->buf);
	o->buf = NULL;
	o->len = o->mark = 0;
	close(o->fd);
}

void
csm_out_atdie(void)
{
	struct csm_out *o;
	size_t done, k;
	ssize_t r;

	signal(SIGPIPE, SIG_IGN);
	for (o = writers; o != NULL; o = o->next) {
		if (o->failed || o->buf == NULL)
			continue;
		k = whole(o);
		for (done = 0; done < k; done += (size_t)r) {
			r = write(o->fd, o->buf + done, k - done);
			if (r < 0 && errno == EINTR)
				r = 0;
			else if (r <= 0)
				break;
		}
	}
	writers = NULL;
}


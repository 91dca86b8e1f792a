/*
 * out.c: buffered output on a file descriptor, with RFC 4180 quoting for
 * CSV and TSV.  Every write is checked: a failure exits 74 naming the
 * output, and a closed pipe ends the program the way SIGPIPE would, with
 * nothing on stderr.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"

#define OUTSZ (64 * 1024)

void
csm_out_init(struct csm_out *o, int fd, const char *name, int delim)
{
	o->fd = fd;
	o->name = name;
	o->delim = delim;
	o->nfield = 0;
	o->empty = 0;
	o->cap = OUTSZ;
	o->len = 0;
	o->buf = csm_xmalloc(o->cap);
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

void
csm_out_flush(struct csm_out *o)
{
	size_t done = 0;
	ssize_t r;

	while (done < o->len) {
		r = write(o->fd, o->buf + done, o->len - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EPIPE)
			broken_pipe();
		if (r <= 0)
			csm_die(EX_IOERR, "write error on '%s':", o->name);
		done += (size_t)r;
	}
	o->len = 0;
}

void
csm_out_write(struct csm_out *o, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		size_t room = o->cap - o->len, k = n < room ? n : room;

		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
		if (o->len == o->cap)
			csm_out_flush(o);
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
 * Whether a field must be quoted: it holds the delimiter, a quote, CR or
 * LF, or it is a record's first field and starts with a UTF-8 BOM, which
 * would be dropped when the record is the first of a file (tbl.c does).
 */
static int
needs_quotes(const char *s, size_t n, int delim, int first)
{
	unsigned char lim;
	size_t i;

	if (first && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
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

void
csm_out_field(struct csm_out *o, const char *s, size_t n)
{
	const char *q;

	if (o->nfield == 0)
		o->empty = 1;
	o->empty &= n == 0;
	if (o->nfield++ > 0) {
		if (o->len == o->cap)
			csm_out_flush(o);
		o->buf[o->len++] = (char)o->delim;
	}
	if (!needs_quotes(s, n, o->delim, o->nfield == 1)) {
		if (o->cap - o->len >= n) {
			memcpy(o->buf + o->len, s, n);
			o->len += n;
		} else
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

void
csm_out_fields(struct csm_out *o, char *const *f, const size_t *n,
    size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		csm_out_field(o, f[i], n[i]);
}

void
csm_out_endrec(struct csm_out *o)
{
	/* A record of one empty field would read back as a blank line. */
	if (o->nfield == 1 && o->empty)
		csm_out_write(o, "\"\"", 2);
	if (o->len == o->cap)
		csm_out_flush(o);
	o->buf[o->len++] = '\n';
	o->nfield = 0;
}

void
csm_out_close(struct csm_out *o)
{
	csm_out_flush(o);
	free(o->buf);
	o->buf = NULL;
	if (close(o->fd) != 0 && errno != EINTR)
		csm_die(EX_IOERR, "write error on '%s':", o->name);
}

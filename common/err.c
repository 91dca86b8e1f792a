/*
 * err.c: messages and exits.  Every message goes to stderr as
 * "prog: [file:[line:] ]message"; a format ending in ':' gets
 * ": strerror(errno)" appended [sbase eprintf].
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

static const char *progname = "csm";

/* csm_q's buffers: a few at once, so one message can quote several values. */
#define QBUFS 4
#define QSIZE (CSM_QMAX * 4 + 8)
static _Thread_local char qbuf[QBUFS][QSIZE];
static _Thread_local unsigned qnext;

void (*csm_exit)(int) = exit;

void
csm_setprogname(const char *argv0)
{
	const char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	progname = slash ? slash + 1 : argv0;
}

const char *
csm_progname(void)
{
	return progname;
}

void
csm_vmsg(const char *file, long line, const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);

	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	if (file != NULL) {
		if (line > 0)
			fprintf(stderr, "%s:%ld: ", file, line);
		else
			fprintf(stderr, "%s: ", file);
	}
	vfprintf(stderr, fmt, ap);
	if (n > 0 && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

void
csm_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	csm_vmsg(NULL, 0, fmt, ap);
	va_end(ap);
}

void
csm_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	csm_vmsg(NULL, 0, fmt, ap);
	va_end(ap);
	csm_out_atdie();
	csm_exit(status);
	exit(status);
}

void
csm_warn_at(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	csm_vmsg(file, line, fmt, ap);
	va_end(ap);
}

void
csm_die_at(int status, const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	csm_vmsg(file, line, fmt, ap);
	va_end(ap);
	csm_out_atdie();
	csm_exit(status);
	exit(status);
}

/* The length of the UTF-8 sequence that starts s[0..n), or 0 if invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t k, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		k = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		k = 4;
	else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((k == 3 && s[0] == 0xe0 && s[1] < 0xa0) ||
	    (k == 3 && s[0] == 0xed && s[1] >= 0xa0) ||
	    (k == 4 && s[0] == 0xf0 && s[1] < 0x90) ||
	    (k == 4 && s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return k;
}

const char *
csm_q(const char *s, size_t n)
{
	char *out = qbuf[qnext++ % QBUFS];
	size_t i = 0, o = 0, shown = 0, k;
	const unsigned char *u = (const unsigned char *)s;

	while (i < n) {
		if (shown == CSM_QMAX) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		k = utf8_len(u + i, n - i);
		if (k > 1) {
			memcpy(out + o, s + i, k);
			o += k;
			i += k;
		} else if (k == 1 && u[i] >= 0x20 && u[i] != 0x7f &&
		    u[i] != '"' && u[i] != '\\') {
			out[o++] = s[i++];
		} else {
			int c = u[i++];

			out[o++] = '\\';
			switch (c) {
			case '"': out[o++] = '"'; break;
			case '\\': out[o++] = '\\'; break;
			case '\n': out[o++] = 'n'; break;
			case '\r': out[o++] = 'r'; break;
			case '\t': out[o++] = 't'; break;
			case '\0': out[o++] = '0'; break;
			default:
				o += (size_t)snprintf(out + o, 4, "x%02x", c);
			}
		}
		shown++;
	}
	out[o] = '\0';
	return out;
}

void
csm_cell_error(int badval, const struct csm_tbl *t, const char *col,
    size_t collen, const char *s, size_t n, const char *what,
    const char *instead)
{
	const char *name = csm_q(col, collen), *text;

	csm_trim(&s, &n);
	text = csm_q(s, n);
	if (badval == CSM_BAD_FAIL || instead == NULL)
		csm_die_at(EX_DATAERR, t->file, t->line,
		    "column '%s': \"%s\" is not %s", name, text, what);
	csm_warn_at(t->file, t->line, "column '%s': \"%s\" is not %s, "
	    "read as %s", name, text, what, instead);
}

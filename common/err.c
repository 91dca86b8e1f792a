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

/*
 * The message is put together first and written with one call, so that
 * the messages of the tools of one pipeline do not interleave; one too
 * long for the buffer (no message should be) is written in parts.  No
 * allocation: this reports running out of memory too.
 */
void
csm_vmsg(const char *file, long line, const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt), len;
	char buf[8192];
	va_list aq;
	int k;

	fflush(stdout);
	if (file == NULL)
		k = snprintf(buf, sizeof(buf), "%s: ", progname);
	else if (line > 0)
		k = snprintf(buf, sizeof(buf), "%s: %s:%ld: ", progname, file,
		    line);
	else
		k = snprintf(buf, sizeof(buf), "%s: %s: ", progname, file);
	len = k > 0 && (size_t)k < sizeof(buf) ? (size_t)k : sizeof(buf);
	va_copy(aq, ap);
	k = len < sizeof(buf) ? vsnprintf(buf + len, sizeof(buf) - len, fmt,
	    aq) : -1;
	va_end(aq);
	if (k >= 0 && len + (size_t)k < sizeof(buf)) {
		len += (size_t)k;
		if (n > 0 && fmt[n - 1] == ':') {
			k = snprintf(buf + len, sizeof(buf) - len, " %s",
			    strerror(saved));
			len = k > 0 && len + (size_t)k < sizeof(buf) ?
			    len + (size_t)k : sizeof(buf) - 1;
		}
		if (len < sizeof(buf) - 1) {
			buf[len++] = '\n';
			fwrite(buf, 1, len, stderr);
			return;
		}
	}
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

const char *
csm_q(const char *s, size_t n)
{
	char *out = qbuf[qnext++ % QBUFS];
	size_t i = 0, o = 0, shown = 0, k;
	const unsigned char *u = (const unsigned char *)s;
	int bad;

	while (i < n) {
		if (shown == CSM_QMAX) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		k = csm_utf8_scan(s + i, n - i, &bad);
		if (bad)
			k = 0;	/* escaped a byte at a time */
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

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
	csm_exit(status);
	exit(status);
}

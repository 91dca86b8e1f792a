/*
 * tcap.h: capturing what the report writers write, for the unit tests of
 * json.c, md.c, html.c, svg.c and utf8.c.  tcap_open gives a writer on a
 * new temporary file, tcap_read closes it and returns its bytes; tcap_run
 * runs a function in a child process with stderr captured, for the
 * one-time warning and for calls that must exit; tcap_misuse checks a
 * table of calls that must die as internal errors.
 */
#ifndef TCAP_H
#define TCAP_H

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "t.h"

struct tcap {
	struct csm_out o;
	char path[32];
};

static inline void
tcap_open(struct tcap *c)
{
	int fd;

	memcpy(c->path, "/tmp/t-cap.XXXXXX", sizeof("/tmp/t-cap.XXXXXX"));
	if ((fd = mkstemp(c->path)) < 0)
		csm_die(70, "mkstemp:");
	csm_out_init(&c->o, fd, c->path, ',');
}

/* Closes the writer; returns what it wrote, NUL-terminated (caller frees). */
static inline char *
tcap_read(struct tcap *c, size_t *n)
{
	struct csm_buf b;
	char chunk[8192];
	ssize_t r;
	int fd;

	csm_out_close(&c->o);
	csm_buf_init(&b);
	csm_buf_add(&b, "", 0);
	if ((fd = open(c->path, O_RDONLY)) < 0)
		csm_die(70, "open '%s':", c->path);
	while ((r = read(fd, chunk, sizeof(chunk))) > 0)
		csm_buf_add(&b, chunk, (size_t)r);
	close(fd);
	unlink(c->path);
	if (n != NULL)
		*n = b.len;
	return csm_buf_detach(&b);
}

struct tcap_child {
	int status;		/* exit status, or 128 + signal */
	char out[8192];		/* what it wrote on stdout */
	char err[4096];		/* and on stderr */
};

static inline void
tcap_slurp(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;

	lseek(fd, 0, SEEK_SET);
	while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(fd);
}

/* Runs fn() in a child, its stdout and stderr captured into *c. */
static inline void
tcap_run(void (*fn)(void), struct tcap_child *c)
{
	char oname[] = "/tmp/t-cap.XXXXXX", ename[] = "/tmp/t-cap.XXXXXX";
	int ofd = mkstemp(oname), efd = mkstemp(ename), st;
	pid_t pid;

	if (ofd < 0 || efd < 0)
		csm_die(70, "mkstemp:");
	unlink(oname);
	unlink(ename);
	fflush(NULL);
	if ((pid = fork()) < 0)
		csm_die(70, "fork:");
	if (pid == 0) {
		dup2(ofd, 1);
		dup2(efd, 2);
		fn();
		fflush(NULL);
		exit(0);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	tcap_slurp(ofd, c->out, sizeof(c->out));
	tcap_slurp(efd, c->err, sizeof(c->err));
}

/* A call that must die as an internal error, and what it must say. */
struct tcap_misuse {
	void (*fn)(void);
	const char *err;
};

/*
 * Runs each of the n cases in a child: each must exit 70 with the one
 * line "<prefix>: <err>", prefix as "t-json: internal error: JSON writer".
 */
static inline void
tcap_misuse(const struct tcap_misuse *cases, size_t n, const char *prefix)
{
	struct tcap_child c;
	char want[256];
	size_t i;

	for (i = 0; i < n; i++) {
		tcap_run(cases[i].fn, &c);
		snprintf(want, sizeof(want), "%s: %s\n", prefix, cases[i].err);
		T_EQ_INT(c.status, 70);
		T_EQ_STR(c.err, want);
	}
}

#endif

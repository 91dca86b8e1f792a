/*
 * t-prev.c: an earlier output read back with --previous (prev.c): a file
 * that does not exist or is empty is a first run, said on stderr; a file
 * with something in it, standard input and what cannot be looked into
 * are left to the reader.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "t.h"
#include "tcap.h"

static char dir[] = "/tmp/t-prev.XXXXXX";
static char path[64];

static void
ask(void)
{
	printf("%d", csm_prev_there(path));
}

/* What csm_prev_there says of p: its answer, and stderr into err. */
static int
run(const char *p, char *err, size_t n)
{
	struct tcap_child c;

	snprintf(path, sizeof(path), "%s", p);
	tcap_run(ask, &c);
	snprintf(err, n, "%s", c.err);
	return c.status == 0 ? atoi(c.out) : -1;
}

static void
put(const char *name, const char *text)
{
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	T_OK(fd >= 0);
	if (fd >= 0) {
		T_OK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
		close(fd);
	}
}

static void
test_there(void)
{
	char p[64], err[4096], want[256];

	/* no file: a first run */
	snprintf(p, sizeof(p), "%s/nosuch.csv", dir);
	T_EQ_INT(run(p, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "csm: --previous '%s' does not exist: "
	    "every account is new\n", p);
	T_EQ_STR(err, want);
	/* an empty file: a first run too */
	put("empty.csv", "");
	snprintf(p, sizeof(p), "%s", path);
	T_EQ_INT(run(p, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "csm: --previous '%s' is empty: every "
	    "account is new\n", p);
	T_EQ_STR(err, want);
	/* one byte is something to read (a header with no rows is the
	 * reader's to say) */
	put("one.csv", "\n");
	snprintf(p, sizeof(p), "%s", path);
	T_EQ_INT(run(p, err, sizeof(err)), 1);
	T_EQ_STR(err, "");
	/* standard input and a directory are left to the reader */
	T_EQ_INT(run("-", err, sizeof(err)), 1);
	T_EQ_STR(err, "");
	T_EQ_INT(run(dir, err, sizeof(err)), 1);
	T_EQ_STR(err, "");
	/* a path through a file is not a missing file: the reader says
	 * what is wrong */
	snprintf(p, sizeof(p), "%s/one.csv/x", dir);
	T_EQ_INT(run(p, err, sizeof(err)), 1);
	T_EQ_STR(err, "");
}

int
main(void)
{
	char p[64];

	if (mkdtemp(dir) == NULL)
		return 2;
	T_RUN(test_there);
	snprintf(p, sizeof(p), "%s/empty.csv", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/one.csv", dir);
	unlink(p);
	rmdir(dir);
	T_END();
}

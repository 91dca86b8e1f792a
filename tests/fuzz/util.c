/*
 * util.c: the helpers every fuzz target links (see fuzz.h): the longjmp
 * that stands in for exit, quiet messages under libFuzzer, scratch files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "fuzz.h"

jmp_buf fuzz_jmp;
char **fuzz_argv;		/* what fuzz_setup made argv: kept for good */

static char dir[4096];
static char *paths[4];		/* static, so never freed */
static const char *names[4];
static size_t npaths;

void
fuzz_exit(int status)
{
	(void)status;
	longjmp(fuzz_jmp, 1);
}

void
fuzz_setup(int *argc, char ***argv)
{
	static char quiet[] = "-close_fd_mask=2";
	int i;

	csm_exit = fuzz_exit;
	if (argc == NULL || argv == NULL || *argc < 1)
		return;
	fuzz_argv = calloc((size_t)*argc + 2, sizeof(*fuzz_argv));
	if (fuzz_argv == NULL)
		abort();
	fuzz_argv[0] = (*argv)[0];
	fuzz_argv[1] = quiet;
	for (i = 1; i < *argc; i++)
		fuzz_argv[i + 1] = (*argv)[i];
	fuzz_argv[*argc + 1] = NULL;
	(*argc)++;
	*argv = fuzz_argv;
}

static void
cleanup(void)
{
	size_t i;

	for (i = 0; i < npaths; i++)
		unlink(paths[i]);
	if (dir[0] != '\0')
		rmdir(dir);
}

const char *
fuzz_path(const char *name)
{
	const char *tmp = getenv("TMPDIR");
	struct csm_buf b;
	size_t i;

	if (dir[0] == '\0') {
		if (tmp == NULL || *tmp == '\0')
			tmp = "/tmp";
		snprintf(dir, sizeof(dir), "%s/csm-fuzz.XXXXXX", tmp);
		if (mkdtemp(dir) == NULL) {
			perror("mkdtemp");
			abort();
		}
		atexit(cleanup);
	}
	for (i = 0; i < npaths; i++)
		if (strcmp(names[i], name) == 0)
			return paths[i];
	if (npaths == sizeof(paths) / sizeof(paths[0]))
		abort();
	csm_buf_init(&b);
	csm_buf_printf(&b, "%s/%s", dir, name);
	names[npaths] = name;
	paths[npaths] = csm_buf_detach(&b);
	return paths[npaths++];
}

void
fuzz_write(const char *path, const void *p, size_t n)
{
	const char *s = p;
	ssize_t r;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(path);
		abort();
	}
	while (n > 0) {
		r = write(fd, s, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			perror(path);
			abort();
		}
		s += r;
		n -= (size_t)r;
	}
	if (close(fd) != 0)
		abort();
}

char *
fuzz_read(const char *path, size_t *n)
{
	struct csm_buf b;
	char chunk[8192];
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		abort();
	}
	csm_buf_init(&b);
	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			abort();
		if (r == 0)
			break;
		csm_buf_add(&b, chunk, (size_t)r);
	}
	close(fd);
	*n = b.len;
	return csm_buf_detach(&b);
}

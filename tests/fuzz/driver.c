/*
 * driver.c: runs a fuzz target once on every input named on the command
 * line, directories meaning every file in them, so that the seed corpora
 * serve as regression tests where clang and libFuzzer are not installed:
 *
 *	build/fuzz-regress/fuzz-csv tests/fuzz/corpus/fuzz-csv a.csv
 *
 * The target's error messages go to /dev/null, as under libFuzzer; the
 * sanitizers' reports still reach stderr.  A crash ends the run there (the
 * sanitizers or abort() do that), and the driver names the input on
 * stderr.  Otherwise it prints "fuzz-csv: N inputs, 0 crashes" and exits 0.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csm.h"
#include "fuzz.h"

/* Defined when the sanitizers are linked in. */
void __sanitizer_set_report_fd(void *fd) __attribute__((weak));
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));
int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

static FILE *err;		/* the real stderr */
static int errfd;
static const char *name;
static const char *current;	/* the input being run */
static size_t ninputs;

static void
say(const char *s)
{
	ssize_t r;
	size_t n = strlen(s);

	while (n > 0 && (r = write(errfd, s, n)) > 0) {
		s += r;
		n -= (size_t)r;
	}
}

/* Names the input that crashed; async-signal-safe. */
static void
crashed(void)
{
	if (current == NULL)
		return;
	say(name);
	say(": crash on '");
	say(current);
	say("'\n");
	current = NULL;
}

static void
onsignal(int sig)
{
	crashed();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
runfile(const char *path)
{
	struct csm_buf b;
	char chunk[8192];
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0) {
		fprintf(err, "%s: cannot open '%s': %s\n", name, path,
		    strerror(errno));
		exit(1);
	}
	csm_buf_init(&b);
	while ((r = read(fd, chunk, sizeof(chunk))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(err, "%s: cannot read '%s': %s\n", name, path,
			    strerror(errno));
			exit(1);
		}
		csm_buf_add(&b, chunk, (size_t)r);
	}
	close(fd);
	current = path;
	LLVMFuzzerTestOneInput((const uint8_t *)(b.s ? b.s : ""), b.len);
	csm_buf_release(&b);
	/* A leak counts as a crash, as under libFuzzer, and names its input. */
	if (__lsan_do_recoverable_leak_check != NULL &&
	    __lsan_do_recoverable_leak_check() != 0) {
		crashed();
		exit(1);
	}
	current = NULL;
	ninputs++;
}

static void
run(const char *path)
{
	struct stat st;
	struct dirent *de;
	char **list = NULL, *p;
	size_t n = 0, i, len;
	DIR *d;

	if (stat(path, &st) != 0) {
		fprintf(err, "%s: cannot open '%s': %s\n", name, path,
		    strerror(errno));
		exit(1);
	}
	if (!S_ISDIR(st.st_mode)) {
		runfile(path);
		return;
	}
	if ((d = opendir(path)) == NULL) {
		fprintf(err, "%s: cannot open '%s': %s\n", name, path,
		    strerror(errno));
		exit(1);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		len = strlen(path) + strlen(de->d_name) + 2;
		p = csm_xmalloc(len);
		snprintf(p, len, "%s/%s", path, de->d_name);
		list = csm_xreallocarray(list, n + 1, sizeof(*list));
		list[n++] = p;
	}
	closedir(d);
	if (n > 0)
		qsort(list, n, sizeof(*list), cmp);
	for (i = 0; i < n; i++) {
		run(list[i]);
		free(list[i]);
	}
	free(list);
}

int
main(int argc, char *argv[])
{
	static const int sigs[] = {SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGSEGV};
	int fd, null, i, one = 1;
	size_t k;
	char *args[] = {argv[0], NULL}, **av = args;

	name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (argc < 2) {
		fprintf(stderr, "usage: %s file|directory ...\n", name);
		return 64;
	}
	/* Keep stderr for ourselves and the sanitizers; the target's goes. */
	fflush(stderr);
	if ((fd = dup(2)) < 0 || (err = fdopen(fd, "w")) == NULL ||
	    (null = open("/dev/null", O_WRONLY)) < 0 || dup2(null, 2) < 0) {
		perror(name);
		return 1;
	}
	close(null);
	setvbuf(err, NULL, _IONBF, 0);
	errfd = fd;
	if (__sanitizer_set_report_fd != NULL)
		__sanitizer_set_report_fd((void *)(long)fd);
	if (__sanitizer_set_death_callback != NULL)
		__sanitizer_set_death_callback(crashed);
	for (k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
		signal(sigs[k], onsignal);
	LLVMFuzzerInitialize(&one, &av);
	for (i = 1; i < argc; i++)
		run(argv[i]);
	printf("%s: %zu inputs, 0 crashes\n", name, ninputs);
	return fflush(stdout) == 0 ? 0 : 1;
}

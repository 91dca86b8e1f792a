/*
 * util.c: the helpers every fuzz target links (see fuzz.h): the longjmp
 * that stands in for exit, quiet messages under libFuzzer, scratch files,
 * and checks of what the report writers wrote.
 */
#include <ctype.h>
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

void
fuzz_check_utf8(const char *s, size_t n)
{
	size_t i = 0;
	int bad;

	while (i < n) {
		i += csm_utf8_scan(s + i, n - i, &bad);
		if (bad)
			abort();
	}
}

/* ---- a strict JSON reader, for checking ------------------------------- */

struct jr {
	const char *s;
	size_t n, i;
};

/* Spaces within a line. */
static void
jr_space(struct jr *r)
{
	while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\t' ||
	    r->s[r->i] == '\r'))
		r->i++;
}

static int
jr_peek(struct jr *r)
{
	return r->i < r->n ? (unsigned char)r->s[r->i] : -1;
}

static void
jr_expect(struct jr *r, char c)
{
	if (jr_peek(r) != c)
		abort();
	r->i++;
}

static void
jr_lit(struct jr *r, const char *lit)
{
	size_t k = strlen(lit);

	if (r->n - r->i < k || memcmp(r->s + r->i, lit, k) != 0)
		abort();
	r->i += k;
}

static void
jr_string(struct jr *r)
{
	int c;

	jr_expect(r, '"');
	for (;;) {
		if ((c = jr_peek(r)) < 0 || c < 0x20)
			abort();
		r->i++;
		if (c == '"')
			return;
		if (c != '\\')
			continue;
		c = jr_peek(r);
		r->i++;
		if (c == 'u') {
			int k;

			for (k = 0; k < 4; k++, r->i++)
				if (r->i >= r->n || !isxdigit(
				    (unsigned char)r->s[r->i]))
					abort();
		} else if (c < 0 || strchr("\"\\/bfnrt", c) == NULL)
			abort();
	}
}

static void
jr_number(struct jr *r)
{
	size_t start = r->i;

	while (r->i < r->n && strchr("+-.0123456789eE", r->s[r->i]) != NULL)
		r->i++;
	if (!csm_json_is_number(r->s + start, r->i - start))
		abort();
}

static void jr_value(struct jr *r, int depth);

/* Spaces, and line ends inside a document's containers. */
static void
jr_ws(struct jr *r)
{
	while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\n' ||
	    r->s[r->i] == '\t' || r->s[r->i] == '\r'))
		r->i++;
}

static void
jr_container(struct jr *r, int depth, char open, char close)
{
	jr_expect(r, open);
	jr_ws(r);
	if (jr_peek(r) == close) {
		r->i++;
		return;
	}
	for (;;) {
		jr_ws(r);
		if (open == '{') {
			jr_string(r);
			jr_ws(r);
			jr_expect(r, ':');
			jr_ws(r);
		}
		jr_value(r, depth + 1);
		jr_ws(r);
		if (jr_peek(r) == close) {
			r->i++;
			return;
		}
		jr_expect(r, ',');
	}
}

static void
jr_value(struct jr *r, int depth)
{
	int c = jr_peek(r);

	if (depth > 64)
		abort();
	if (c == '{')
		jr_container(r, depth, '{', '}');
	else if (c == '[')
		jr_container(r, depth, '[', ']');
	else if (c == '"')
		jr_string(r);
	else if (c == 't')
		jr_lit(r, "true");
	else if (c == 'f')
		jr_lit(r, "false");
	else if (c == 'n')
		jr_lit(r, "null");
	else
		jr_number(r);
}

void
fuzz_check_json(const char *s, size_t n, int lines)
{
	struct jr r;
	const char *nl;
	size_t end;

	if (!lines) {
		r.s = s;
		r.n = n;
		r.i = 0;
		jr_value(&r, 0);
		if (r.i + 1 != n || s[r.i] != '\n')
			abort();
		return;
	}
	for (r.i = 0; r.i < n; r.i = end + 1) {
		if ((nl = memchr(s + r.i, '\n', n - r.i)) == NULL)
			abort();
		end = (size_t)(nl - s);
		r.s = s;
		r.n = end;	/* one value, no line break inside it */
		jr_space(&r);
		jr_value(&r, 0);
		jr_space(&r);
		if (r.i != end)
			abort();
	}
}

/* The first w in s[0..n), or NULL. */
static const char *
find(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(s + i, w, k) == 0)
			return s + i;
	return NULL;
}

void
fuzz_check_svg(const char *s, size_t n)
{
	const char *p = s, *e = s + n, *open, *close;

	while ((open = find(p, (size_t)(e - p), "<svg")) != NULL) {
		if ((close = find(open, (size_t)(e - open), "</svg>")) == NULL)
			abort();
		if (find(open, (size_t)(close - open), "nan") != NULL ||
		    find(open, (size_t)(close - open), "inf") != NULL)
			abort();
		p = close + 6;
	}
}

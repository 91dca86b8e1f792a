/*
 * xalloc.c: allocation that never returns NULL.  Out of memory ends the
 * program with EX_OSERR [git xmalloc].  The caller owns what it gets.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

static void *
check(void *p)
{
	if (p == NULL)
		csm_die(EX_OSERR, "out of memory");
	return p;
}

void *
csm_xmalloc(size_t n)
{
	return check(malloc(n ? n : 1));
}

void *
csm_xcalloc(size_t n, size_t size)
{
	return check(calloc(n ? n : 1, size ? size : 1));
}

void *
csm_xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		csm_die(EX_OSERR, "out of memory");
	n *= size;
	return check(realloc(p, n ? n : 1));
}

char *
csm_xstrdup(const char *s)
{
	return csm_xstrndup(s, strlen(s));
}

char *
csm_xstrndup(const char *s, size_t n)
{
	char *p = csm_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/*
 * buf.c: growable byte strings.  The struct owns its bytes; they are
 * NUL-terminated after every add, and may move when the string grows.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

void
csm_buf_init(struct csm_buf *b)
{
	b->s = NULL;
	b->len = 0;
	b->cap = 0;
}

void
csm_buf_release(struct csm_buf *b)
{
	free(b->s);
	csm_buf_init(b);
}

void
csm_buf_reset(struct csm_buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

void
csm_buf_grow(struct csm_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (need < b->cap * 2)
		need = b->cap * 2;
	if (need < 64)
		need = 64;
	b->s = csm_xreallocarray(b->s, need, 1);
	b->cap = need;
}

void
csm_buf_add(struct csm_buf *b, const void *p, size_t n)
{
	csm_buf_grow(b, n);
	if (n > 0)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
csm_buf_addc(struct csm_buf *b, int c)
{
	csm_buf_grow(b, 1);
	b->s[b->len++] = (char)c;
	b->s[b->len] = '\0';
}

void
csm_buf_adds(struct csm_buf *b, const char *s)
{
	csm_buf_add(b, s, strlen(s));
}

void
csm_buf_printf(struct csm_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		csm_die(EX_SOFTWARE, "bad format '%s'", fmt);
	csm_buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
csm_buf_detach(struct csm_buf *b)
{
	char *s = b->s;

	if (s == NULL)
		s = csm_xstrdup("");
	csm_buf_init(b);
	return s;
}

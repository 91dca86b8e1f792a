/*
 * cols.c: finding columns by name.  A header matches a canonical name
 * exactly or after normalising both (lower case, runs of anything else
 * than letters and digits become '_', trimmed); the config's columns: map
 * (canonical name -> header) comes first.  A missing column gets a "did you
 * mean" from the nearest header.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

static const char *const optional[] = {
	"account_name", "owner", "segment", "arr", "renewal_date",
	"health_score", "health_band", NULL
};

char *
csm_col_norm(const char *s, size_t n, struct csm_buf *b)
{
	size_t i;
	int gap = 0;

	csm_buf_reset(b);
	csm_buf_grow(b, n);
	b->s[0] = '\0';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) && c < 0x80) {
			if (gap && b->len > 0)
				csm_buf_addc(b, '_');
			gap = 0;
			csm_buf_addc(b, tolower(c));
		} else
			gap = 1;
	}
	return b->s;
}

void
csm_cols_init(struct csm_cols *c, const struct csm_tbl *t,
    const struct csm_node *colmap)
{
	struct csm_buf b;
	size_t i;

	csm_buf_init(&b);
	c->n = t->ncols;
	c->name = t->hdr;
	c->len = t->hdrlen;
	c->norm = csm_xcalloc(t->ncols, sizeof(*c->norm));
	for (i = 0; i < t->ncols; i++)
		c->norm[i] = csm_xstrdup(csm_col_norm(t->hdr[i], t->hdrlen[i],
		    &b));
	c->map = colmap;
	c->file = t->file;
	csm_buf_release(&b);
}

void
csm_cols_release(struct csm_cols *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->norm[i]);
	free(c->norm);
	c->norm = NULL;
	c->n = 0;
}

static long
find_header(const struct csm_cols *c, const char *name)
{
	struct csm_buf b;
	size_t i, n = strlen(name);
	long found = -1;

	for (i = 0; i < c->n; i++)
		if (c->len[i] == n && memcmp(c->name[i], name, n) == 0)
			return (long)i;
	csm_buf_init(&b);
	csm_col_norm(name, n, &b);
	for (i = 0; i < c->n && found < 0; i++)
		if (b.len > 0 && strcmp(c->norm[i], b.s) == 0)
			found = (long)i;
	csm_buf_release(&b);
	return found;
}

long
csm_cols_find(const struct csm_cols *c, const char *name)
{
	const struct csm_node *h = csm_node_get(c->map, name);

	if (h != NULL && h->kind == CSM_N_SCALAR)
		return find_header(c, h->str);
	return find_header(c, name);
}

size_t
csm_editdist(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row, prev, tmp, best;

	row = csm_xcalloc(lb + 1, sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

const char *
csm_cols_suggest(const struct csm_cols *c, const char *name)
{
	struct csm_buf b;
	size_t i, d, best = (size_t)-1, limit;
	const char *s = NULL;

	csm_buf_init(&b);
	csm_col_norm(name, strlen(name), &b);
	limit = b.len / 3 > 2 ? b.len / 3 : 2;
	for (i = 0; i < c->n; i++) {
		d = csm_editdist(b.s, c->norm[i]);
		if (d < best && (d <= limit ||
		    (b.len >= 3 && strstr(c->norm[i], b.s) != NULL))) {
			best = d;
			s = c->name[i];
		}
	}
	csm_buf_release(&b);
	return s;
}

int
csm_col_optional(const char *name)
{
	size_t i;

	for (i = 0; optional[i] != NULL; i++)
		if (strcmp(optional[i], name) == 0)
			return 1;
	return 0;
}

/* "a, b, c" for messages, caller frees. */
static char *
header_list(const struct csm_cols *c)
{
	struct csm_buf b;
	size_t i;

	csm_buf_init(&b);
	for (i = 0; i < c->n; i++) {
		if (i > 0)
			csm_buf_adds(&b, ", ");
		csm_buf_add(&b, c->name[i], c->len[i]);
	}
	return csm_buf_detach(&b);
}

size_t
csm_cols_need(const struct csm_cols *c, const char *name, const char *what)
{
	long i = csm_cols_find(c, name);
	const struct csm_node *h = csm_node_get(c->map, name);
	const char *s;
	char *list;

	if (i >= 0)
		return (size_t)i;
	s = csm_cols_suggest(c, h ? h->str : name);
	list = header_list(c);
	if (h != NULL)
		csm_die_at(EX_DATAERR, c->file, 0,
		    "no column '%s' (columns: maps '%s' to it, %s needs it)%s%s%s; "
		    "the columns are: %s", h->str, name, what,
		    s ? ", did you mean '" : "", s ? s : "", s ? "'?" : "", list);
	csm_die_at(EX_DATAERR, c->file, 0,
	    "no column '%s' (%s needs it)%s%s%s; the columns are: %s", name,
	    what, s ? ", did you mean '" : "", s ? s : "", s ? "'?" : "", list);
}

/*
 * md.c: Markdown.  Text from the data is escaped so that an account named
 * "a | b" or "*x*" cannot break a table or turn bold, line ends become
 * spaces, and invalid UTF-8 becomes U+FFFD (utf8.c).  Tables are written
 * by one writer: a header, an alignment row, then rows of cells, either
 * as they come or, padded, held until the end and aligned to the display
 * width of the widest cell of each column.  A page is made of headings,
 * lists and a line of facts, written here too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

/* The bytes csm_md_esc puts a backslash before. */
static int
special(unsigned char c)
{
	return c != '\0' && strchr("|\\`*_[]<>~", c) != NULL;
}

void
csm_md_esc(struct csm_out *o, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, k;
	int bad;

	while (i < n) {
		if (u[i] >= 0x80) {
			k = csm_utf8_scan(s + i, n - i, &bad);
			if (bad) {
				csm_out_write(o, s + start, i - start);
				csm_out_write(o, CSM_UTF8_REPL, 3);
				csm_utf8_replaced();
				start = i + k;
			}
			i += k;
			continue;
		}
		if (u[i] != '\r' && u[i] != '\n' && !special(u[i])) {
			i++;
			continue;
		}
		csm_out_write(o, s + start, i - start);
		if (u[i] == '\r' || u[i] == '\n')
			csm_out_write(o, " ", 1);
		else {
			csm_out_write(o, "\\", 1);
			csm_out_write(o, s + i, 1);
		}
		start = ++i;
	}
	csm_out_write(o, s + start, n - start);
}

size_t
csm_md_width(const char *s, size_t n)
{
	size_t i, w = csm_utf8_width(s, n);

	for (i = 0; i < n; i++)
		if (special((unsigned char)s[i]))
			w++;
	return w;
}

/* ---- tables ------------------------------------------------------------ */

CSM_NORETURN static void
misuse(const char *what)
{
	csm_die(EX_SOFTWARE, "internal error: Markdown table: %s", what);
}

void
csm_md_table_init(struct csm_md_table *t, struct csm_out *o, int flags)
{
	memset(t, 0, sizeof(*t));
	t->o = o;
	t->flags = flags;
	csm_buf_init(&t->held);
}

void
csm_md_table_col(struct csm_md_table *t, const char *head, int right)
{
	if (t->nrow > 0 || t->ncell > 0 || t->started)
		misuse("a column added after the first row");
	t->head = csm_xreallocarray(t->head, t->ncol + 1, sizeof(*t->head));
	t->right = csm_xreallocarray(t->right, t->ncol + 1, 1);
	t->width = csm_xreallocarray(t->width, t->ncol + 1,
	    sizeof(*t->width));
	t->head[t->ncol] = csm_xstrdup(head);
	t->right[t->ncol] = right != 0;
	t->width[t->ncol] = csm_md_width(head, strlen(head));
	if (t->width[t->ncol] < 3)
		t->width[t->ncol] = 3;
	t->ncol++;
}

static void
pad(struct csm_out *o, size_t n)
{
	static const char spaces[] = "                ";

	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		csm_out_write(o, spaces, k);
		n -= k;
	}
}

/* One cell: "| text " padded to width (0: not padded). */
static void
put_cell(struct csm_md_table *t, size_t col, const char *s, size_t n,
    size_t width)
{
	size_t w = width > 0 ? csm_md_width(s, n) : 0;

	csm_out_write(t->o, "| ", 2);
	if (t->right[col] && width > w)
		pad(t->o, width - w);
	csm_md_esc(t->o, s, n);
	if (!t->right[col] && width > w)
		pad(t->o, width - w);
	csm_out_write(t->o, " ", 1);
}

static void
put_head(struct csm_md_table *t)
{
	int padded = (t->flags & CSM_MD_PAD) != 0;
	size_t i, k;

	t->started = 1;
	for (i = 0; i < t->ncol; i++)
		put_cell(t, i, t->head[i], strlen(t->head[i]),
		    padded ? t->width[i] : 0);
	csm_out_write(t->o, "|\n", 2);
	for (i = 0; i < t->ncol; i++) {
		if (padded) {
			/* | :----- | or | -----: | as wide as the column */
			csm_out_write(t->o, t->right[i] ? "| " : "| :",
			    t->right[i] ? 2 : 3);
			for (k = 1; k < t->width[i]; k++)
				csm_out_write(t->o, "-", 1);
			csm_out_write(t->o, t->right[i] ? ": " : " ",
			    t->right[i] ? 2 : 1);
		} else if (t->flags & CSM_MD_TIGHT)
			csm_out_puts(t->o, t->right[i] ? "|---:" : "|---");
		else
			csm_out_puts(t->o, t->right[i] ? "| ---: " : "| --- ");
	}
	csm_out_write(t->o, "|\n", 2);
}

void
csm_md_table_cell(struct csm_md_table *t, const char *s, size_t n)
{
	size_t w;

	if (t->ncell == t->ncol)
		misuse("more cells than columns");
	if (!(t->flags & CSM_MD_PAD)) {
		if (!t->started)
			put_head(t);
		put_cell(t, t->ncell++, s, n, 0);
		return;
	}
	w = csm_md_width(s, n);
	if (w > t->width[t->ncell])
		t->width[t->ncell] = w;
	t->cells = csm_xreallocarray(t->cells, t->nheld + 1,
	    sizeof(*t->cells));
	t->cells[t->nheld].off = t->held.len;
	t->cells[t->nheld].len = n;
	t->nheld++;
	csm_buf_add(&t->held, s, n);
	t->ncell++;
}

void
csm_md_table_cells(struct csm_md_table *t, const char *s)
{
	csm_md_table_cell(t, s, strlen(s));
}

void
csm_md_table_cellf(struct csm_md_table *t, const char *fmt, ...)
{
	char small[128], *big;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		misuse("a bad format");
	if ((size_t)n < sizeof(small)) {
		csm_md_table_cell(t, small, (size_t)n);
		return;
	}
	big = csm_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	csm_md_table_cell(t, big, (size_t)n);
	free(big);
}

void
csm_md_table_row(struct csm_md_table *t)
{
	if (t->ncell != t->ncol)
		misuse("a row with fewer cells than columns");
	if (!(t->flags & CSM_MD_PAD))
		csm_out_write(t->o, "|\n", 2);
	t->ncell = 0;
	t->nrow++;
}

void
csm_md_table_end(struct csm_md_table *t)
{
	const char *held;
	size_t r, i, k = 0;

	if (t->ncell != 0)
		misuse("a row left open");
	if (!t->started)
		put_head(t);
	held = t->held.s != NULL ? t->held.s : "";
	for (r = 0; r < t->nrow && (t->flags & CSM_MD_PAD); r++) {
		for (i = 0; i < t->ncol; i++, k++)
			put_cell(t, i, held + t->cells[k].off,
			    t->cells[k].len, t->width[i]);
		csm_out_write(t->o, "|\n", 2);
	}
	for (i = 0; i < t->ncol; i++)
		free(t->head[i]);
	free(t->head);
	free(t->right);
	free(t->width);
	free(t->cells);
	csm_buf_release(&t->held);
	memset(t, 0, sizeof(*t));
}

/* ---- pages ------------------------------------------------------------- */

void
csm_md_heading(struct csm_out *o, int level, const char *text)
{
	static const char hashes[] = "######";

	if (level < 1 || level > 6)
		csm_die(EX_SOFTWARE, "internal error: Markdown heading of "
		    "level %d, not 1 to 6", level);
	if (level > 1)
		csm_out_write(o, "\n", 1);
	csm_out_write(o, hashes, (size_t)level);
	csm_out_write(o, " ", 1);
	csm_md_esc(o, text, strlen(text));
	csm_out_write(o, "\n\n", 2);
}

void
csm_md_list(struct csm_out *o, const char *title, char *const *items,
    size_t n, int numbered, const char *none)
{
	size_t i;

	csm_md_heading(o, 2, title);
	if (n == 0) {
		csm_md_esc(o, none, strlen(none));
		csm_out_write(o, "\n", 1);
	}
	for (i = 0; i < n; i++) {
		if (numbered)
			csm_out_printf(o, "%zu. ", i + 1);
		else
			csm_out_write(o, "- ", 2);
		csm_md_esc(o, items[i], strlen(items[i]));
		csm_out_write(o, "\n", 1);
	}
}

void
csm_md_facts(struct csm_out *o, const struct csm_md_fact *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			csm_out_puts(o, " \302\267 ");
		csm_out_write(o, "**", 2);
		csm_md_esc(o, f[i].label, strlen(f[i].label));
		csm_out_write(o, "** ", 3);
		csm_md_esc(o, f[i].value, strlen(f[i].value));
	}
	csm_out_write(o, "\n", 1);
}

void
csm_md_para(struct csm_out *o, const struct csm_md_span *sp, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (sp[i].strong)
			csm_out_write(o, "**", 2);
		csm_md_esc(o, sp[i].text, strlen(sp[i].text));
		if (sp[i].strong)
			csm_out_write(o, "**", 2);
	}
	csm_out_write(o, "\n\n", 2);
}

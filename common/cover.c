/*
 * cover.c: coverage, so that a score never degrades silently.  A tool
 * counts, per component or signal, the rows where its value was missing,
 * and per map the texts it had no entry for; at the end the summary on
 * stderr says what was missing, how often, and which texts a map lacked
 * (the five most frequent), and how many rows were left unscored.
 *
 * Counting costs an increment per missing value; a text a map lacks is
 * looked up in a table kept per item, which holds at most COVER_TEXTS
 * distinct texts of at most COVER_TEXTLEN bytes each, so memory stays
 * bounded whatever the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

#define COVER_TEXTS 1000	/* distinct unmatched texts kept per item */
#define COVER_TEXTLEN 256	/* bytes of each kept */
#define COVER_SHOWN 5		/* texts named in the summary */

void
csm_fmt_count(size_t n, char *out)
{
	char digits[32];
	size_t len, i, o = 0;

	len = (size_t)snprintf(digits, sizeof(digits), "%zu", n);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

void
csm_cover_init(struct csm_cover *cv, size_t n)
{
	memset(cv, 0, sizeof(*cv));
	cv->n = n;
	cv->item = csm_xcalloc(n + 1, sizeof(*cv->item));
}

void
csm_cover_name(struct csm_cover *cv, size_t i, const char *kind,
    const char *name)
{
	cv->item[i].kind = kind;
	cv->item[i].name = name;
}

void
csm_cover_release(struct csm_cover *cv)
{
	size_t i;

	for (i = 0; i < cv->n; i++) {
		if (cv->item[i].texts != NULL)
			csm_map_release(cv->item[i].texts, NULL);
		free(cv->item[i].texts);
		free(cv->item[i].count);
	}
	free(cv->item);
	memset(cv, 0, sizeof(*cv));
}

void
csm_cover_unmatched(struct csm_cover *cv, size_t i, const char *s, size_t n)
{
	struct csm_cover_item *it = &cv->item[i];
	size_t k;
	int isnew;

	it->unmatched++;
	csm_trim(&s, &n);
	if (n > COVER_TEXTLEN)
		n = COVER_TEXTLEN;
	if (it->texts == NULL) {
		it->texts = csm_xmalloc(sizeof(*it->texts));
		csm_map_init(it->texts);
	}
	if (it->texts->n >= COVER_TEXTS &&
	    csm_map_find(it->texts, s, n) < 0) {
		it->dropped++;
		return;
	}
	k = csm_map_put(it->texts, s, n, &isnew);
	if (k >= it->ncount) {
		it->ncount = it->ncount ? it->ncount * 2 : 8;
		it->count = csm_xreallocarray(it->count, it->ncount,
		    sizeof(*it->count));
	}
	if (isnew)
		it->count[k] = 0;
	it->count[k]++;
}

void
csm_cover_unscored(struct csm_cover *cv, const char *file, long line)
{
	if (cv->unscored++ == 0) {
		cv->first_file = file;
		cv->first_line = line;
	}
}

/* "1,695 of 7,043 rows<what> (24.1%)" */
static void
share(struct csm_buf *b, size_t k, size_t n, const char *what)
{
	char ks[32], ns[32];
	double pct = n > 0 ? 100.0 * (double)k / (double)n : 0;

	csm_fmt_count(k, ks);
	csm_fmt_count(n, ns);
	csm_buf_printf(b, "%s of %s row%s%s (", ks, ns, n == 1 ? "" : "s",
	    what);
	if (pct < 0.05 && k > 0)
		csm_buf_adds(b, "<0.1%)");
	else
		csm_buf_printf(b, "%.1f%%)", pct);
}

/* The texts a map lacked, most frequent first (then first seen). */
static void
unmatched_texts(const struct csm_cover_item *it, struct csm_buf *b)
{
	size_t *order, i, j, best, shown = 0, rest;
	char num[32];

	order = csm_xcalloc(it->texts->n + 1, sizeof(*order));
	for (i = 0; i < it->texts->n; i++)
		order[i] = i;
	/* a partial selection sort: only the first few are needed */
	for (i = 0; i < it->texts->n && i < COVER_SHOWN; i++) {
		best = i;
		for (j = i + 1; j < it->texts->n; j++)
			if (it->count[order[j]] > it->count[order[best]])
				best = j;
		j = order[i];
		order[i] = order[best];
		order[best] = j;
	}
	csm_buf_adds(b, "; its map has no entry for ");
	rest = it->unmatched;
	for (i = 0; i < it->texts->n && i < COVER_SHOWN; i++) {
		const struct csm_map_ent *e = &it->texts->ent[order[i]];

		csm_fmt_count(it->count[order[i]], num);
		csm_buf_printf(b, "%s\"%s\" (%s)", i == 0 ? "" : ", ",
		    csm_q(e->key, e->klen), num);
		rest -= it->count[order[i]];
		shown++;
	}
	if (rest > 0) {
		csm_fmt_count(rest, num);
		if (it->dropped == 0) {
			char nv[32];

			csm_fmt_count(it->texts->n - shown, nv);
			csm_buf_printf(b, " and %s other text%s (%s)", nv,
			    it->texts->n - shown == 1 ? "" : "s", num);
		} else
			csm_buf_printf(b, " and other texts (%s)", num);
	}
	free(order);
}

void
csm_cover_report(const struct csm_cover *cv, const char *unscored_why)
{
	struct csm_buf b;
	size_t i;

	csm_buf_init(&b);
	for (i = 0; i < cv->n; i++) {
		const struct csm_cover_item *it = &cv->item[i];

		if (it->missing == 0)
			continue;
		csm_buf_reset(&b);
		csm_buf_printf(&b, "coverage: %s '%s' missing on ", it->kind,
		    it->name);
		share(&b, it->missing, cv->rows, "");
		if (it->unmatched > 0)
			unmatched_texts(it, &b);
		csm_warn("%s", b.s);
	}
	if (cv->unscored > 0) {
		csm_buf_reset(&b);
		csm_buf_adds(&b, "coverage: ");
		share(&b, cv->unscored, cv->rows, " unscored");
		csm_buf_printf(&b, ", the first at %s:%ld", cv->first_file,
		    cv->first_line);
		if (unscored_why != NULL)
			csm_buf_printf(&b, ": %s", unscored_why);
		csm_warn("%s", b.s);
	}
	csm_buf_release(&b);
}

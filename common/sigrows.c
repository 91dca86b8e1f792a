/*
 * sigrows.c: the rows of csm-risk and csm-expand.  Every input row comes
 * out with the signal engine's four columns appended (<prefix>_score,
 * _tier, _signals, _reasons) and the tool's own after them, as CSV, TSV,
 * JSON or JSON Lines: each row written as it comes, in constant memory,
 * or with --sort held and written worst first.
 *
 * A held row keeps its sort keys and, in one allocation, for JSON the
 * offsets and lengths of its names and reasons (4 bytes each), the lengths
 * of its fields (a byte each, 5 past 254 bytes), then the bytes of its
 * fields: a row costs its bytes and some 80 more.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

struct csm_sigheld {
	double score;
	int64_t arr;
	size_t seq;
	uint32_t tier;
	uint32_t has_arr;
	uint32_t nsig, nrea;	/* 0 unless the output is JSON */
	unsigned char *mem;
};

void
csm_sigrows_init(struct csm_sigrows *r, const struct csm_cols *cols,
    const struct csm_signals *s, const char *prefix,
    const char *const *extra, int fmt, int sort)
{
	struct csm_buf name;
	size_t i;

	memset(r, 0, sizeof(*r));
	r->fmt = fmt;
	r->parts = fmt == CSM_ROWS_JSON || fmt == CSM_ROWS_JSONL;
	r->sort = sort;
	csm_outhdr_init(&r->oh, cols);
	csm_buf_init(&name);
	csm_buf_printf(&name, "%s_score", prefix);
	r->at_score = csm_outhdr_place(&r->oh, name.s);
	csm_buf_reset(&name);
	csm_buf_printf(&name, "%s_tier", prefix);
	r->at_tier = csm_outhdr_place(&r->oh, name.s);
	csm_buf_reset(&name);
	csm_buf_printf(&name, "%s_signals", prefix);
	r->at_sig = csm_outhdr_place(&r->oh, name.s);
	csm_buf_reset(&name);
	csm_buf_printf(&name, "%s_reasons", prefix);
	r->at_rea = csm_outhdr_place(&r->oh, name.s);
	csm_buf_release(&name);
	for (r->nextra = 0; extra != NULL && extra[r->nextra] != NULL;
	    r->nextra++)
		;
	r->at_extra = csm_xcalloc(r->nextra + 1, sizeof(*r->at_extra));
	for (i = 0; i < r->nextra; i++)
		r->at_extra[i] = csm_outhdr_place(&r->oh, extra[i]);
	r->nout = r->oh.n;
	r->f = csm_xcalloc(r->nout, sizeof(*r->f));
	r->flen = csm_xcalloc(r->nout, sizeof(*r->flen));
	r->npart = 4 * (s->nsig + s->npat) + 1;
	r->part = csm_xcalloc(r->npart, sizeof(*r->part));
}

void
csm_sigrows_release(struct csm_sigrows *r)
{
	size_t i;

	for (i = 0; i < r->nheld; i++)
		free(r->held[i].mem);
	if (r->started)
		csm_rows_release(&r->rows);
	free(r->held);
	free(r->at_extra);
	free(r->f);
	free(r->flen);
	free(r->part);
	csm_outhdr_release(&r->oh);
	memset(r, 0, sizeof(*r));
}

void
csm_sigrows_head(struct csm_sigrows *r, struct csm_out *o)
{
	size_t i;

	csm_rows_init(&r->rows, o, r->fmt);
	r->started = 1;
	for (i = 0; i < r->nout; i++)
		csm_rows_col(&r->rows, r->oh.name[i], r->oh.len[i], NULL, 0);
	csm_rows_head(&r->rows);
}

/* Writes the row in r->f, r->flen, with nsig names and nrea reasons at
 * the (offset, length) pairs in part: the appended columns typed in JSON. */
static void
write_row(struct csm_sigrows *r, const size_t *part, size_t nsig,
    size_t nrea)
{
	size_t i;

	if (!r->rows.json) {
		csm_rows_texts(&r->rows, r->f, r->flen, r->nout);
		return;
	}
	csm_rows_begin(&r->rows);
	for (i = 0; i < r->nout; i++) {
		if (i == r->at_score)
			csm_rows_num(&r->rows, r->f[i], r->flen[i], NULL);
		else if (i == r->at_sig)
			csm_rows_list(&r->rows, r->f[i], r->flen[i], part,
			    nsig);
		else if (i == r->at_rea)
			csm_rows_list(&r->rows, r->f[i], r->flen[i],
			    part + 2 * nsig, nrea);
		else
			csm_rows_str(&r->rows, r->f[i], r->flen[i]);
	}
	csm_rows_end(&r->rows);
}

/* ---- held rows -------------------------------------------------------- */

/* A length for a held row; a field past 4 GiB cannot be held. */
static uint32_t
held_len(const struct csm_tbl *t, size_t n)
{
	if (n > UINT32_MAX)
		csm_die_at(EX_DATAERR, t->file, t->line, "a field of more than "
		    "4 GiB: --sort cannot hold it");
	return (uint32_t)n;
}

/* Writes field length n at p: a byte below 255, else 255 and 4 bytes. */
static unsigned char *
put_len(unsigned char *p, uint32_t n)
{
	if (n < 255) {
		*p++ = (unsigned char)n;
		return p;
	}
	*p++ = 255;
	memcpy(p, &n, sizeof(n));
	return p + sizeof(n);
}

static const unsigned char *
get_len(const unsigned char *p, size_t *n)
{
	uint32_t v;

	if (*p < 255) {
		*n = *p;
		return p + 1;
	}
	memcpy(&v, p + 1, sizeof(v));
	*n = v;
	return p + 1 + sizeof(v);
}

/* Holds the row in r->f, r->flen (parts in a->part) for --sort. */
static void
hold(struct csm_sigrows *r, const struct csm_tbl *t,
    const struct csm_assessment *a, int has_arr, int64_t arr)
{
	struct csm_sigheld *h;
	size_t i, total, np = 0;
	unsigned char *p;
	uint32_t v;

	if (r->nheld == r->capheld) {
		r->capheld = r->capheld ? r->capheld + r->capheld / 2 : 64;
		r->held = csm_xreallocarray(r->held, r->capheld,
		    sizeof(*r->held));
	}
	if (r->parts)
		np = 2 * (a->nnames + a->nreasons);
	total = np * sizeof(v);
	for (i = 0; i < r->nout; i++)
		total += r->flen[i] + (r->flen[i] < 255 ? 1 : 5);
	h = &r->held[r->nheld++];
	h->score = a->score;
	h->arr = arr;
	h->has_arr = has_arr != 0;
	h->seq = r->seq;
	h->tier = (uint32_t)a->tier;
	h->nsig = np > 0 ? (uint32_t)a->nnames : 0;
	h->nrea = np > 0 ? (uint32_t)a->nreasons : 0;
	h->mem = p = csm_xmalloc(total + 1);
	for (i = 0; i < np; i++) {
		v = held_len(t, a->part[i]);
		memcpy(p, &v, sizeof(v));
		p += sizeof(v);
	}
	for (i = 0; i < r->nout; i++)
		p = put_len(p, held_len(t, r->flen[i]));
	for (i = 0; i < r->nout; i++) {
		if (r->flen[i] > 0)
			memcpy(p, r->f[i], r->flen[i]);
		p += r->flen[i];
	}
}

/* Writes held row h, its fields and parts put back. */
static void
write_held(struct csm_sigrows *r, const struct csm_sigheld *h)
{
	size_t i, np = 2 * ((size_t)h->nsig + h->nrea);
	const unsigned char *p = h->mem;
	uint32_t v;

	for (i = 0; i < np; i++) {
		memcpy(&v, p, sizeof(v));
		r->part[i] = v;
		p += sizeof(v);
	}
	for (i = 0; i < r->nout; i++)
		p = get_len(p, &r->flen[i]);
	for (i = 0; i < r->nout; i++) {
		r->f[i] = (char *)p;
		p += r->flen[i];
	}
	write_row(r, r->part, h->nsig, h->nrea);
}

/* Worst first: tier, then ARR (missing last), then score, then input order. */
static int
worst_first(const void *a, const void *b)
{
	const struct csm_sigheld *x = a, *y = b;

	if (x->tier != y->tier)
		return x->tier < y->tier ? -1 : 1;
	if (x->has_arr != y->has_arr)
		return x->has_arr ? -1 : 1;
	if (x->has_arr && x->arr != y->arr)
		return x->arr > y->arr ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- rows ------------------------------------------------------------- */

void
csm_sigrows_add(struct csm_sigrows *r, const struct csm_tbl *t,
    const struct csm_signals *s, const struct csm_assessment *a,
    const char *const *extra, int has_arr, int64_t arr)
{
	const char *tn = csm_signals_tier_name(s, a->tier);
	size_t i;

	for (i = 0; i < t->ncols; i++) {
		r->f[i] = t->f[i];
		r->flen[i] = t->flen[i];
	}
	r->f[r->at_score] = (char *)a->scoretext;
	r->flen[r->at_score] = strlen(a->scoretext);
	r->f[r->at_tier] = (char *)tn;
	r->flen[r->at_tier] = strlen(tn);
	r->f[r->at_sig] = a->names.s;
	r->flen[r->at_sig] = a->names.len;
	r->f[r->at_rea] = a->reasons.s;
	r->flen[r->at_rea] = a->reasons.len;
	for (i = 0; i < r->nextra; i++) {
		r->f[r->at_extra[i]] = (char *)extra[i];
		r->flen[r->at_extra[i]] = strlen(extra[i]);
	}
	if (r->sort)
		hold(r, t, a, has_arr, arr);
	else
		write_row(r, a->part, a->nnames, a->nreasons);
	r->seq++;
}

void
csm_sigrows_finish(struct csm_sigrows *r)
{
	size_t i;

	if (r->nheld > 1)
		qsort(r->held, r->nheld, sizeof(*r->held), worst_first);
	for (i = 0; i < r->nheld; i++)
		write_held(r, &r->held[i]);
	csm_rows_finish(&r->rows);
	r->started = 0;
}

/*
 * lift.c: the lift table that says how well a score predicts an outcome,
 * as csm-eval writes it and csm-fit reports its cross-validation: one row
 * per group of rows (all of them, a band, a value of a column, a quantile
 * bin of the score, a component) with its size, its positives, their rate,
 * capture and lift, and how well the score ranks inside it (AUC with
 * DeLong's 95% interval, KS) and, when rows carry a churn probability,
 * the Brier score.
 *
 * Each format is written by one small function (CSV and TSV through
 * csm_out_field, JSON typed, Markdown as a report) so that the shared JSON
 * and Markdown writers can take them over.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

void
csm_lift_init(struct csm_lift *l, const char *score, int risky)
{
	memset(l, 0, sizeof(*l));
	l->score = score;
	l->risky = risky;
}

void
csm_lift_release(struct csm_lift *l)
{
	size_t i, j;

	for (i = 0; i < l->nrow; i++) {
		free(l->row[i].group);
		for (j = 0; j < l->row[i].nunmatched; j++)
			free(l->row[i].unmatched[j]);
		free(l->row[i].unmatched);
		free(l->row[i].unmatched_rows);
	}
	free(l->row);
	memset(l, 0, sizeof(*l));
}

struct csm_lift_row *
csm_lift_add(struct csm_lift *l, const char *group, const double *risk,
    const unsigned char *y, const double *prob, size_t n)
{
	struct csm_lift_row *r;
	double sq = 0;
	size_t i, np = 0;

	if (l->nrow == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->row = csm_xreallocarray(l->row, l->cap, sizeof(*l->row));
	}
	r = &l->row[l->nrow++];
	memset(r, 0, sizeof(*r));
	r->group = csm_xstrdup(group);
	csm_stat_rank(risk, y, n, &r->rank);
	r->n = n;
	r->npos = r->rank.npos;
	for (i = 0; prob != NULL && i < n; i++)
		if (!isnan(prob[i])) {
			sq += (prob[i] - y[i]) * (prob[i] - y[i]);
			np++;
		}
	if (np > 0) {
		r->has_brier = 1;
		r->brier = sq / (double)np;
	}
	if (l->nrow == 1) {
		l->total = n;
		l->totpos = r->npos;
	}
	return r;
}

/* A score for a bin's name: up to four decimals, no trailing zeros. */
static void
fmt_short(double x, char *out)
{
	size_t n;

	csm_fmt_num(x, 4, out);
	if (strchr(out, '.') == NULL)
		return;
	n = strlen(out);
	while (out[n - 1] == '0')
		n--;
	if (out[n - 1] == '.')
		n--;
	out[n] = '\0';
}

void
csm_lift_bins(struct csm_lift *l, const double *risk, const unsigned char *y,
    const double *prob, const double *score, size_t n, size_t nbins)
{
	size_t *start = csm_xcalloc(nbins + 1, sizeof(*start));
	size_t a, b, k, i;
	char name[300], lo[64], hi[64];

	/*
	 * A run of equal scores goes whole into the bin of its middle rank,
	 * counted from the riskiest row; bins are then runs of rows.
	 */
	for (k = 0; k <= nbins; k++)
		start[k] = n;
	for (a = 0; a < n; a = b) {
		double mid;

		for (b = a + 1; b < n && risk[b] == risk[a]; b++)
			;
		mid = (double)(n - 1) - ((double)a + (double)(b - 1)) / 2;
		k = (size_t)floor(mid * (double)nbins / (double)n);
		if (k >= nbins)
			k = nbins - 1;
		if (start[k] == n || a < start[k])
			start[k] = a;
	}
	/* Riskiest first: bin k holds [start[k], end), end the next start. */
	b = n;
	for (k = 0; k < nbins; k++) {
		double mn, mx;

		if (start[k] == n)
			continue;
		a = start[k];
		mn = mx = score[a];
		for (i = a; i < b; i++) {
			if (score[i] < mn)
				mn = score[i];
			if (score[i] > mx)
				mx = score[i];
		}
		fmt_short(mn, lo);
		fmt_short(mx, hi);
		snprintf(name, sizeof(name), "%s %s..%s", l->score, lo, hi);
		csm_lift_add(l, name, risk + a, y + a, prob ? prob + a : NULL,
		    b - a);
		b = a;
	}
	free(start);
}

/* ---- the cells, formatted once for every format ------------------------ */

enum cell { C_TEXT, C_INT, C_NUM, C_PCT };

#define NCOL 15
static const char *const colname[NCOL] = {"group", "n", "share", "positives",
	"rate", "capture", "lift", "auc", "auc_lo", "auc_hi", "ks", "brier",
	"missing", "unmatched", "auc_lost"};
/* The Markdown report's headings. */
static const char *const mdname[NCOL] = {"group", "rows", "share",
	"positives", "rate", "capture", "lift", "AUC", "AUC low", "AUC high",
	"KS", "Brier", "missing", "unmatched", "AUC lost"};
static const int coltype[NCOL] = {C_TEXT, C_INT, C_PCT, C_INT, C_PCT, C_PCT,
	C_NUM, C_NUM, C_NUM, C_NUM, C_PCT, C_NUM, C_PCT, C_TEXT, C_NUM};

struct cells {
	char v[NCOL][64];	/* "" is n/a; the text columns are apart */
};

static void
pct(double num, double den, char *out)
{
	if (den > 0)
		csm_fmt_num(100 * num / den, 2, out);
}

/*
 * The cells of row r.  AUC and Brier get six decimals in the machine
 * formats (enough to check them against another tool to 1e-6) and four
 * in the report (d).
 */
static void
cells(const struct csm_lift *l, const struct csm_lift_row *r, int d,
    struct cells *c)
{
	const struct csm_rank *rk = &r->rank;

	memset(c, 0, sizeof(*c));
	snprintf(c->v[1], 64, "%zu", r->n);
	pct((double)r->n, (double)l->total, c->v[2]);
	snprintf(c->v[3], 64, "%zu", r->npos);
	pct((double)r->npos, (double)r->n, c->v[4]);
	pct((double)r->npos, (double)l->totpos, c->v[5]);
	if (r->n > 0 && l->totpos > 0)
		csm_fmt_num(((double)r->npos / (double)r->n) /
		    ((double)l->totpos / (double)l->total), 2, c->v[6]);
	if (rk->has_auc) {
		csm_fmt_num(rk->auc, d, c->v[7]);
		csm_fmt_num(100 * rk->ks, 2, c->v[10]);
	}
	if (rk->has_ci) {
		csm_fmt_num(rk->lo, d, c->v[8]);
		csm_fmt_num(rk->hi, d, c->v[9]);
	}
	if (r->has_brier)
		csm_fmt_num(r->brier, d, c->v[11]);
	if (r->comp) {
		csm_fmt_num(100 * r->missing, 2, c->v[12]);
		if (r->has_lost)
			csm_fmt_num(r->lost, d, c->v[14]);
	}
}

/* The unmatched values as text: "Fiber optic (2421); DSL (3)". */
static void
unmatched_text(const struct csm_lift_row *r, struct csm_buf *b)
{
	size_t i;

	csm_buf_reset(b);
	csm_buf_adds(b, "");
	for (i = 0; i < r->nunmatched; i++)
		csm_buf_printf(b, "%s%s (%zu)", i ? "; " : "",
		    r->unmatched[i], r->unmatched_rows[i]);
}

static size_t
ncols(const struct csm_lift *l)
{
	return l->components ? NCOL : NCOL - 3;
}

/* ---- one writer per format --------------------------------------------- */

static void
write_delim(const struct csm_lift *l, struct csm_out *o)
{
	struct cells c;
	struct csm_buf b;
	size_t i, k;

	csm_buf_init(&b);
	for (k = 0; k < ncols(l); k++)
		csm_out_field(o, colname[k], strlen(colname[k]));
	csm_out_endrec(o);
	for (i = 0; i < l->nrow; i++) {
		cells(l, &l->row[i], 6, &c);
		for (k = 0; k < ncols(l); k++) {
			if (k == 0)
				csm_out_field(o, l->row[i].group,
				    strlen(l->row[i].group));
			else if (k == 13) {
				unmatched_text(&l->row[i], &b);
				csm_out_field(o, b.s, b.len);
			} else
				csm_out_field(o, c.v[k], strlen(c.v[k]));
		}
		csm_out_endrec(o);
	}
	csm_buf_release(&b);
}

static void
json_unmatched(const struct csm_lift_row *r, struct csm_json *j)
{
	size_t i;

	if (!r->comp) {
		csm_json_null(j);
		return;
	}
	csm_json_arr_begin(j);
	for (i = 0; i < r->nunmatched; i++) {
		csm_json_obj_begin(j);
		csm_json_key(j, "value");
		csm_json_strz(j, r->unmatched[i]);
		csm_json_key(j, "rows");
		csm_json_int(j, (long long)r->unmatched_rows[i]);
		csm_json_obj_end(j);
	}
	csm_json_arr_end(j);
}

/* JSON: an array of one object per row, or with lines JSON Lines. */
static void
write_json(const struct csm_lift *l, struct csm_out *o, int lines)
{
	struct csm_json j;
	struct cells c;
	size_t i, k;

	csm_json_init(&j, o, lines ? CSM_JSON_LINES : CSM_JSON_DOC, 1);
	if (!lines)
		csm_json_arr_begin(&j);
	for (i = 0; i < l->nrow; i++) {
		cells(l, &l->row[i], 6, &c);
		csm_json_obj_begin(&j);
		for (k = 0; k < ncols(l); k++) {
			csm_json_key(&j, colname[k]);
			if (k == 0)
				csm_json_strz(&j, l->row[i].group);
			else if (k == 13)
				json_unmatched(&l->row[i], &j);
			else
				csm_json_numtext(&j, c.v[k], strlen(c.v[k]));
		}
		csm_json_obj_end(&j);
	}
	if (!lines)
		csm_json_arr_end(&j);
	csm_json_finish(&j);
}

static void
write_md(const struct csm_lift *l, struct csm_out *o)
{
	const struct csm_lift_row *all = l->nrow ? &l->row[0] : NULL;
	struct cells c;
	struct csm_buf b;
	size_t i, k;

	csm_out_puts(o, "# How well ");
	csm_md_esc(o, l->score, strlen(l->score));
	csm_out_puts(o, " predicts the outcome\n\n");
	if (all != NULL) {
		cells(l, all, 4, &c);
		csm_out_printf(o, "%zu rows, %zu with the outcome (%s%%)",
		    all->n, all->npos, c.v[4]);
		if (c.v[7][0])
			csm_out_printf(o, "; AUC %s", c.v[7]);
		if (c.v[8][0])
			csm_out_printf(o, " (95%% CI %s to %s)", c.v[8],
			    c.v[9]);
		csm_out_puts(o, "; a higher ");
		csm_md_esc(o, l->score, strlen(l->score));
		csm_out_puts(o, l->risky ? " is riskier.\n\n" :
		    " is healthier.\n\n");
	}
	for (k = 0; k < ncols(l); k++)
		csm_out_printf(o, "| %s ", mdname[k]);
	csm_out_puts(o, "|\n");
	for (k = 0; k < ncols(l); k++)
		csm_out_puts(o, coltype[k] == C_TEXT ? "| --- " : "| ---: ");
	csm_out_puts(o, "|\n");
	csm_buf_init(&b);
	for (i = 0; i < l->nrow; i++) {
		cells(l, &l->row[i], 4, &c);
		for (k = 0; k < ncols(l); k++) {
			csm_out_puts(o, "| ");
			if (k == 0)
				csm_md_esc(o, l->row[i].group,
				    strlen(l->row[i].group));
			else if (k == 13) {
				unmatched_text(&l->row[i], &b);
				csm_md_esc(o, b.s, b.len);
			} else if (c.v[k][0] == '\0')
				csm_out_puts(o, l->row[i].comp || k < 12 ?
				    "n/a" : "");
			else
				csm_out_printf(o, "%s%s", c.v[k],
				    coltype[k] == C_PCT ? "%" : "");
			csm_out_puts(o, " ");
		}
		csm_out_puts(o, "|\n");
	}
	csm_buf_release(&b);
}

void
csm_lift_write(const struct csm_lift *l, struct csm_out *o, int fmt)
{
	switch (fmt) {
	case CSM_LIFT_JSON:
	case CSM_LIFT_JSONL:
		write_json(l, o, fmt == CSM_LIFT_JSONL);
		break;
	case CSM_LIFT_MD:
		write_md(l, o);
		break;
	default:
		o->delim = fmt == CSM_LIFT_TSV ? '\t' : ',';
		write_delim(l, o);
	}
}

/*
 * stat.c: how well a score ranks a binary outcome, for csm-eval and
 * csm-fit: the area under the ROC curve as the Mann-Whitney statistic
 * (ties counted half) with DeLong's 95% interval, the Kolmogorov-Smirnov
 * distance, quantiles, and the stable order that all of them start from.
 *
 * Everything works on rows sorted by risk, lowest first, so that one sort
 * serves the whole table: a group's rows, taken in the overall order, are
 * sorted already.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

/* The normal quantile of 0.975: a 95% interval is +/- this many SEs. */
#define Z975 1.959963984540054

struct key {
	double v;
	size_t i;
};

static int
cmp_key(const void *pa, const void *pb)
{
	const struct key *a = pa, *b = pb;

	if (a->v != b->v)
		return a->v < b->v ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

size_t *
csm_stat_order(const double *v, size_t n)
{
	struct key *k = csm_xcalloc(n + 1, sizeof(*k));
	size_t *perm = csm_xcalloc(n + 1, sizeof(*perm)), i;

	for (i = 0; i < n; i++) {
		k[i].v = v[i];
		k[i].i = i;
	}
	qsort(k, n, sizeof(*k), cmp_key);
	for (i = 0; i < n; i++)
		perm[i] = k[i].i;
	free(k);
	return perm;
}

/* The end of the run of equal risks that starts at a. */
static size_t
tie_end(const double *risk, size_t n, size_t a)
{
	size_t b = a + 1;

	while (b < n && risk[b] == risk[a])
		b++;
	return b;
}

/*
 * DeLong's variance of the AUC: each positive's placement V10 (the share
 * of negatives it outranks, ties half) and each negative's V01 (the share
 * of positives that outrank it); var = S10/n1 + S01/n0 with S the sample
 * variances of the placements.
 */
static double
delong_var(const double *risk, const unsigned char *y, size_t n,
    double n1, double n0, double auc)
{
	double below_neg = 0, above_pos = n1, s10 = 0, s01 = 0, v;
	size_t a, b, i;

	for (a = 0; a < n; a = b) {
		double pos = 0, neg = 0;

		b = tie_end(risk, n, a);
		for (i = a; i < b; i++) {
			if (y[i])
				pos++;
			else
				neg++;
		}
		above_pos -= pos;
		v = (below_neg + 0.5 * neg) / n0 - auc;
		s10 += pos * v * v;
		v = (above_pos + 0.5 * pos) / n1 - auc;
		s01 += neg * v * v;
		below_neg += neg;
	}
	return s10 / (n1 - 1) / n1 + s01 / (n0 - 1) / n0;
}

void
csm_stat_rank(const double *risk, const unsigned char *y, size_t n,
    struct csm_rank *out)
{
	double n1 = 0, n0, u = 0, below_neg = 0, cpos = 0, cneg = 0, d, se;
	size_t a, b, i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++)
		n1 += y[i] != 0;
	n0 = (double)n - n1;
	out->n = n;
	out->npos = (size_t)n1;
	if (n1 == 0 || n0 == 0)
		return;
	/* U: for each positive, the negatives below it, ties half. */
	for (a = 0; a < n; a = b) {
		double pos = 0, neg = 0;

		b = tie_end(risk, n, a);
		for (i = a; i < b; i++) {
			if (y[i])
				pos++;
			else
				neg++;
		}
		u += pos * (below_neg + 0.5 * neg);
		below_neg += neg;
		cpos += pos;
		cneg += neg;
		d = fabs(cpos / n1 - cneg / n0);
		if (d > out->ks)
			out->ks = d;
	}
	out->has_auc = 1;
	out->auc = u / (n1 * n0);
	if (n1 < 2 || n0 < 2)
		return;
	se = sqrt(delong_var(risk, y, n, n1, n0, out->auc));
	out->has_ci = 1;
	out->lo = out->auc - Z975 * se;
	out->hi = out->auc + Z975 * se;
	if (out->lo < 0)
		out->lo = 0;
	if (out->hi > 1)
		out->hi = 1;
}

void
csm_stat_rank_unsorted(const double *risk, const unsigned char *y, size_t n,
    struct csm_rank *out)
{
	size_t *perm = csm_stat_order(risk, n), i;
	double *sr = csm_xcalloc(n + 1, sizeof(*sr));
	unsigned char *sy = csm_xcalloc(n + 1, 1);

	for (i = 0; i < n; i++) {
		sr[i] = risk[perm[i]];
		sy[i] = y[perm[i]];
	}
	csm_stat_rank(sr, sy, n, out);
	free(perm);
	free(sr);
	free(sy);
}

double
csm_stat_quantile(const double *sorted, size_t n, double q)
{
	double h, lo;
	size_t i;

	if (n == 0)
		return 0;
	if (q <= 0)
		return sorted[0];
	if (q >= 1)
		return sorted[n - 1];
	h = (double)(n - 1) * q;
	lo = floor(h);
	i = (size_t)lo;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] + (h - lo) * (sorted[i + 1] - sorted[i]);
}

/*
 * t-stat.c: the ranking statistics (stat.c): the AUC with ties counted
 * half, DeLong's interval and KS on cases worked out by hand, the edge
 * cases (one class, one positive, all ties, perfect and reversed order),
 * the stable order and the quantiles; and, so that a slip in the one-pass
 * algorithm cannot hide, the same numbers by brute force over every pair
 * on pseudo-random data with many ties.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "t.h"

#define Z 1.959963984540054

static void
test_hand(void)
{
	/*
	 * Risk, lowest first: negatives at 1, 2, 3 and positives at 3, 4, 5
	 * (one tie at 3).  Each positive's placement V10 (negatives below
	 * it, ties half, over n0 = 3): 2.5/3, 3/3, 3/3.  U = 8.5, AUC =
	 * 8.5/9 = 17/18.  Each negative's V01 (positives above it, ties
	 * half, over n1 = 3): 3/3, 3/3, 2.5/3.  Deviations from 17/18:
	 * -1/9, 1/18, 1/18, so S10 = S01 = (1/81 + 2/324) / 2 = 1/108, and
	 * var = S10/3 + S01/3 = 1/162.  lo = 17/18 - Z/sqrt(162) =
	 * 0.79045...; hi = 17/18 + 0.15398... > 1, clamped to 1.
	 * KS: cumulative (F1, F0) after each run of ties: (0, 1/3),
	 * (0, 2/3), (1/3, 1), (2/3, 1), (1, 1): largest gap 2/3.
	 */
	double r[] = {1, 2, 3, 3, 4, 5};
	unsigned char y[] = {0, 0, 0, 1, 1, 1};
	struct csm_rank rk;

	csm_stat_rank(r, y, 6, &rk);
	T_EQ_INT(rk.n, 6);
	T_EQ_INT(rk.npos, 3);
	T_OK(rk.has_auc && rk.has_ci);
	T_EQ_NUM(rk.auc, 17.0 / 18);
	T_EQ_NUM(rk.lo, 17.0 / 18 - Z / sqrt(162.0));
	T_EQ_NUM(rk.hi, 1);
	T_EQ_NUM(rk.ks, 2.0 / 3);

	/* The positive in the tie listed first: a run is a run. */
	{
		double r2[] = {1, 2, 3, 3, 4, 5};
		unsigned char y2[] = {0, 0, 1, 0, 1, 1};

		csm_stat_rank(r2, y2, 6, &rk);
		T_EQ_NUM(rk.auc, 17.0 / 18);
		T_EQ_NUM(rk.ks, 2.0 / 3);
	}
}

static void
test_interval(void)
{
	/*
	 * Negatives at 1, 3; positives at 2, 4.  V10: 1/2 (2 beats 1),
	 * 2/2: AUC 3/4.  V01: 2/2 (1 is below both), 1/2 (3 is below 4).
	 * S10 = ((1/2-3/4)^2 + (1-3/4)^2) / 1 = 1/8, S01 the same; var =
	 * 1/16 + 1/16 = 1/8, SE = 0.35355: lo = 0.75 - 0.69296 = 0.05704,
	 * hi clamped to 1.
	 */
	double r[] = {1, 2, 3, 4};
	unsigned char y[] = {0, 1, 0, 1};
	struct csm_rank rk;

	csm_stat_rank(r, y, 4, &rk);
	T_EQ_NUM(rk.auc, 0.75);
	T_EQ_NUM(rk.lo, 0.75 - Z * sqrt(0.125));
	T_EQ_NUM(rk.hi, 1);
	/* KS: (0, 1/2), (1/2, 1/2), (1/2, 1), (1, 1): 1/2 */
	T_EQ_NUM(rk.ks, 0.5);
}

static void
test_edges(void)
{
	double r[] = {1, 2, 3, 4};
	unsigned char one[] = {1, 1, 1, 1}, sep[] = {0, 0, 1, 1};
	unsigned char rev[] = {1, 1, 0, 0}, single[] = {0, 0, 1, 0};
	double tie[] = {7, 7, 7, 7};
	struct csm_rank rk;

	/* One class: no AUC, no interval. */
	csm_stat_rank(r, one, 4, &rk);
	T_OK(!rk.has_auc && !rk.has_ci);
	T_EQ_INT(rk.npos, 4);
	/* No rows at all. */
	csm_stat_rank(r, one, 0, &rk);
	T_OK(!rk.has_auc);
	/* Perfect: every placement is 1, variance 0: [1, 1]. */
	csm_stat_rank(r, sep, 4, &rk);
	T_EQ_NUM(rk.auc, 1);
	T_EQ_NUM(rk.lo, 1);
	T_EQ_NUM(rk.hi, 1);
	T_EQ_NUM(rk.ks, 1);
	/* Reversed: 0, and the interval [0, 0]. */
	csm_stat_rank(r, rev, 4, &rk);
	T_EQ_NUM(rk.auc, 0);
	T_EQ_NUM(rk.hi, 0);
	/* All tied: every pair counts half, 0.5, no gap: KS 0. */
	csm_stat_rank(tie, sep, 4, &rk);
	T_EQ_NUM(rk.auc, 0.5);
	T_EQ_NUM(rk.lo, 0.5);
	T_EQ_NUM(rk.hi, 0.5);
	T_EQ_NUM(rk.ks, 0);
	/* One positive (at 3, above 1 and 2, below 4): AUC 2/3 but no
	 * sample variance of one placement: no interval. */
	csm_stat_rank(r, single, 4, &rk);
	T_OK(rk.has_auc && !rk.has_ci);
	T_EQ_NUM(rk.auc, 2.0 / 3);
}

static void
test_order(void)
{
	double v[] = {3, 1, 3, 2, -0.5};
	size_t *p = csm_stat_order(v, 5);

	/* -0.5 (4), 1 (1), 2 (3), then the two 3s in input order (0, 2) */
	T_EQ_INT(p[0], 4);
	T_EQ_INT(p[1], 1);
	T_EQ_INT(p[2], 3);
	T_EQ_INT(p[3], 0);
	T_EQ_INT(p[4], 2);
	free(p);
	p = csm_stat_order(v, 0);
	free(p);
}

static void
test_unsorted(void)
{
	/*
	 * test_hand's rows in another order: sorted they are negatives at
	 * 1, 2, 3 and positives at 3, 4, 5, so AUC 17/18, lo 17/18 -
	 * Z/sqrt(162), hi 1 (clamped) and KS 2/3 as worked out there.  The
	 * caller's arrays must come back as they went in.
	 */
	double r[] = {5, 3, 1, 4, 3, 2};
	unsigned char y[] = {1, 0, 0, 1, 1, 0};
	double r0[] = {5, 3, 1, 4, 3, 2};
	unsigned char y0[] = {1, 0, 0, 1, 1, 0};
	struct csm_rank rk;

	csm_stat_rank_unsorted(r, y, 6, &rk);
	T_EQ_INT(rk.n, 6);
	T_EQ_INT(rk.npos, 3);
	T_OK(rk.has_auc && rk.has_ci);
	T_EQ_NUM(rk.auc, 17.0 / 18);
	T_EQ_NUM(rk.lo, 17.0 / 18 - Z / sqrt(162.0));
	T_EQ_NUM(rk.hi, 1);
	T_EQ_NUM(rk.ks, 2.0 / 3);
	T_OK(memcmp(r, r0, sizeof(r)) == 0);
	T_OK(memcmp(y, y0, sizeof(y)) == 0);
	/* Riskiest first: every positive below every negative, AUC 0. */
	{
		double d[] = {6, 5, 4, 3, 2, 1};
		unsigned char yd[] = {0, 0, 0, 1, 1, 1};

		csm_stat_rank_unsorted(d, yd, 6, &rk);
		T_EQ_NUM(rk.auc, 0);
		T_EQ_NUM(rk.ks, 1);
	}
	csm_stat_rank_unsorted(r, y, 0, &rk);
	T_OK(!rk.has_auc);
	T_EQ_INT(rk.n, 0);
}

static void
test_quantile(void)
{
	double s[] = {1, 2, 3, 4};

	/* type 7: h = (n-1)q; 0.5 -> h 1.5 -> 2 + 0.5*(3-2) = 2.5 */
	T_EQ_NUM(csm_stat_quantile(s, 4, 0.5), 2.5);
	/* 0.25 -> h 0.75 -> 1 + 0.75*(2-1) = 1.75 */
	T_EQ_NUM(csm_stat_quantile(s, 4, 0.25), 1.75);
	/* 0.9 -> h 2.7 -> 3 + 0.7 = 3.7 */
	T_EQ_NUM(csm_stat_quantile(s, 4, 0.9), 3.7);
	T_EQ_NUM(csm_stat_quantile(s, 4, 0), 1);
	T_EQ_NUM(csm_stat_quantile(s, 4, 1), 4);
	T_EQ_NUM(csm_stat_quantile(s, 1, 0.3), 1);
	T_EQ_NUM(csm_stat_quantile(s, 0, 0.3), 0);
}

/* The statistics by brute force over every pair, for the cross-check. */
static void
brute(const double *r, const unsigned char *y, size_t n, double *auc,
    double *var, double *ks)
{
	double n1 = 0, n0, u = 0, s10 = 0, s01 = 0, v, f1, f0, d;
	size_t i, j;

	for (i = 0; i < n; i++)
		n1 += y[i];
	n0 = (double)n - n1;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (y[i] && !y[j])
				u += r[i] > r[j] ? 1 : r[i] == r[j] ? 0.5 : 0;
	*auc = u / (n1 * n0);
	for (i = 0; i < n; i++) {
		v = 0;
		for (j = 0; j < n; j++) {
			if (y[i] && !y[j])
				v += (r[i] > r[j] ? 1 : r[i] == r[j] ? 0.5 :
				    0) / n0;
			if (!y[i] && y[j])
				v += (r[j] > r[i] ? 1 : r[j] == r[i] ? 0.5 :
				    0) / n1;
		}
		if (y[i])
			s10 += (v - *auc) * (v - *auc);
		else
			s01 += (v - *auc) * (v - *auc);
	}
	*var = s10 / (n1 - 1) / n1 + s01 / (n0 - 1) / n0;
	/* KS at every distinct value */
	*ks = 0;
	for (i = 0; i < n; i++) {
		f1 = f0 = 0;
		for (j = 0; j < n; j++)
			if (r[j] <= r[i]) {
				if (y[j])
					f1 += 1 / n1;
				else
					f0 += 1 / n0;
			}
		d = fabs(f1 - f0);
		if (d > *ks)
			*ks = d;
	}
}

static void
test_brute(void)
{
	enum { N = 400 };
	double r[N], sr[N], auc, var, ks, lo;
	unsigned char y[N], sy[N];
	unsigned long x = 12345;
	struct csm_rank rk;
	size_t i, *p;
	int round;

	for (round = 0; round < 5; round++) {
		for (i = 0; i < N; i++) {
			x = x * 1103515245 + 12345;
			/* 20 distinct risks: many ties */
			r[i] = (double)((x >> 16) % 20);
			x = x * 1103515245 + 12345;
			/* the outcome leans on the risk */
			y[i] = (x >> 16) % 40 < r[i] + 5 + (unsigned long)round;
		}
		p = csm_stat_order(r, N);
		for (i = 0; i < N; i++) {
			sr[i] = r[p[i]];
			sy[i] = y[p[i]];
		}
		free(p);
		csm_stat_rank(sr, sy, N, &rk);
		brute(r, y, N, &auc, &var, &ks);
		T_EQ_NUM(rk.auc, auc);
		lo = auc - Z * sqrt(var);
		T_EQ_NUM(rk.lo, lo < 0 ? 0 : lo);
		T_EQ_NUM(rk.ks, ks);
	}
}

int
main(void)
{
	T_RUN(test_hand);
	T_RUN(test_interval);
	T_RUN(test_edges);
	T_RUN(test_order);
	T_RUN(test_unsorted);
	T_RUN(test_quantile);
	T_RUN(test_brute);
	T_END();
}

/*
 * t-logit.c: the L2-regularised logistic regression (logit.c) on cases
 * with answers worked out by hand: the intercept alone, one binary
 * feature with a negligible penalty (the log-odds of each group), a
 * penalised one-hot pair (the stationarity equation), a feature that
 * separates the outcome (finite and converged), fitting on a subset of
 * rows, a warm start, and that the same rows give the same bits.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "t.h"

/* Rows of one feature: x[i] in column 0 (NONE when x[i] < 0). */
static void
one_feature(struct csm_logit *m, const double *x, const unsigned char *y,
    size_t n)
{
	size_t i;

	csm_logit_init(m, n, 1, 1);
	for (i = 0; i < n; i++) {
		if (x[i] >= 0) {
			m->col[i] = 0;
			m->val[i] = x[i];
		}
		m->y[i] = y[i];
	}
}

static void
test_intercept(void)
{
	/* No feature: b0 is the log-odds of the rate, unpenalised at any
	 * l2: 3 of 10 -> log(3/7) = -0.84730 */
	double x[10] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
	unsigned char y[10] = {1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
	struct csm_logit m;

	one_feature(&m, x, y, 10);
	T_OK(csm_logit_fit(&m, NULL, 5, 100));
	T_EQ_NUM(m.b0, log(3.0 / 7));
	T_EQ_NUM(m.beta[0], 0);
	T_EQ_NUM(csm_logit_prob(csm_logit_eta(&m, 0)), 0.3);
	csm_logit_release(&m);
}

static void
test_binary(void)
{
	/*
	 * x = 0: 4 rows, 1 with the outcome; x = 1: 4 rows, 3 with it.  With
	 * a negligible penalty the fit matches each group's rate:
	 * b0 = logit(1/4) = log(1/3) = -1.0986; b0 + b1 = logit(3/4) =
	 * log(3), so b1 = 2 log 3 = 2.1972.
	 */
	double x[8] = {0, 0, 0, 0, 1, 1, 1, 1};
	unsigned char y[8] = {1, 0, 0, 0, 1, 1, 1, 0};
	struct csm_logit m;

	one_feature(&m, x, y, 8);
	T_OK(csm_logit_fit(&m, NULL, 1e-9, 100));
	T_OK(fabs(m.b0 - log(1.0 / 3)) < 1e-6);
	T_OK(fabs(m.beta[0] - 2 * log(3.0)) < 1e-6);
	T_OK(m.iter > 1 && m.iter < 20);
	csm_logit_release(&m);
}

static double
sigmoid(double x)
{
	return 1 / (1 + exp(-x));
}

static void
test_penalised(void)
{
	/*
	 * One-hot: group A (column 0) 4 rows, 1 with the outcome; group B
	 * (column 1) 4 rows, 3 with it; l2 = 1.  The groups mirror each
	 * other, so b0 = 0 and bA = -bB.  The gradient in bB is zero where
	 * sum over B of (y - p) = l2 * bB: 3 - 4 sigmoid(b) = b, so b +
	 * 4 sigmoid(b) = 3 (b = 0.5048: 0.5 + 4*0.6225 = 2.990 and
	 * 0.51 + 4*0.6248 = 3.009 bracket it).  The intercept's gradient,
	 * (1 - 4 sigmoid(-b)) + (3 - 4 sigmoid(b)), is 0 there too.
	 */
	unsigned char y[8] = {1, 0, 0, 0, 1, 1, 1, 0};
	struct csm_logit m;
	double b;
	size_t i;

	csm_logit_init(&m, 8, 1, 2);
	for (i = 0; i < 8; i++) {
		m.col[i] = i < 4 ? 0 : 1;
		m.val[i] = 1;
		m.y[i] = y[i];
	}
	T_OK(csm_logit_fit(&m, NULL, 1, 100));
	b = m.beta[1];
	T_OK(fabs(b + 4 * sigmoid(b) - 3) < 1e-9);
	T_OK(b > 0.5 && b < 0.51);
	T_OK(fabs(m.beta[0] + b) < 1e-9);
	T_OK(fabs(m.b0) < 1e-9);
	csm_logit_release(&m);
}

static void
test_separation(void)
{
	/*
	 * x = 1 exactly when the outcome: without a penalty the slope would
	 * grow for ever.  With l2 = 1 the fit stops where the slope's
	 * gradient sum of (y - p) x = l2 * b1, finite and converged.
	 */
	double x[10] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
	unsigned char y[10] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
	struct csm_logit m;
	double g = 0;
	size_t i;

	one_feature(&m, x, y, 10);
	T_OK(csm_logit_fit(&m, NULL, 1, 100));
	T_OK(isfinite(m.b0) && isfinite(m.beta[0]));
	T_OK(m.beta[0] > 1 && m.beta[0] < 20);
	for (i = 5; i < 10; i++)
		g += 1 - csm_logit_prob(csm_logit_eta(&m, i));
	T_OK(fabs(g - m.beta[0]) < 1e-7);
	csm_logit_release(&m);
}

static void
test_subset(void)
{
	/*
	 * Fitting on rows 0-7 of a longer table (use) gives what fitting
	 * those 8 rows alone gives (test_binary's), whatever the others
	 * hold; starting from another fit (warm) ends at the same place.
	 */
	double x[12] = {0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0};
	unsigned char y[12] = {1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1};
	unsigned char use[12] = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
	struct csm_logit m;

	one_feature(&m, x, y, 12);
	T_OK(csm_logit_fit(&m, NULL, 1e-9, 100));
	T_OK(csm_logit_fit(&m, use, 1e-9, 100));
	T_OK(fabs(m.b0 - log(1.0 / 3)) < 1e-6);
	T_OK(fabs(m.beta[0] - 2 * log(3.0)) < 1e-6);
	csm_logit_release(&m);
}

static void
test_deterministic(void)
{
	enum { N = 500 };
	struct csm_logit a, b;
	unsigned long s = 7;
	size_t i, j;

	csm_logit_init(&a, N, 3, 6);
	csm_logit_init(&b, N, 3, 6);
	for (i = 0; i < N; i++) {
		for (j = 0; j < 3; j++) {
			s = s * 1103515245 + 12345;
			a.col[i * 3 + j] = b.col[i * 3 + j] =
			    (uint32_t)(2 * j + (s >> 16) % 2);
			s = s * 1103515245 + 12345;
			a.val[i * 3 + j] = b.val[i * 3 + j] =
			    (double)((s >> 16) % 1000) / 1000;
		}
		s = s * 1103515245 + 12345;
		a.y[i] = b.y[i] = (s >> 16) % 3 == 0;
	}
	T_OK(csm_logit_fit(&a, NULL, 1, 100));
	T_OK(csm_logit_fit(&b, NULL, 1, 100));
	T_OK(a.b0 == b.b0);
	T_OK(memcmp(a.beta, b.beta, 6 * sizeof(double)) == 0);
	T_OK(a.loss == b.loss);
	csm_logit_release(&a);
	csm_logit_release(&b);
}

static void
test_prob(void)
{
	/* 1/(1+e^-x) without overflow at the ends; 0 -> 1/2 */
	T_EQ_NUM(csm_logit_prob(0), 0.5);
	T_EQ_NUM(csm_logit_prob(log(3.0)), 0.75);
	T_OK(csm_logit_prob(1000) == 1);
	T_OK(csm_logit_prob(-1000) == 0);
	T_OK(isfinite(csm_logit_prob(-1e308)));
}

int
main(void)
{
	T_RUN(test_intercept);
	T_RUN(test_binary);
	T_RUN(test_penalised);
	T_RUN(test_separation);
	T_RUN(test_subset);
	T_RUN(test_deterministic);
	T_RUN(test_prob);
	T_END();
}

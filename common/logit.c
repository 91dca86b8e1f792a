/*
 * logit.c: L2-regularised logistic regression by Newton's method (IRLS),
 * for csm-fit: the model it turns into a config, its cross-validation, and
 * the calibration of a score to a churn probability.
 *
 * Rows are sparse: each has k entries (column, value), an unused entry
 * marked with CSM_LOGIT_NONE, and an intercept that is not penalised.
 * The fit minimises
 *
 *	sum over rows of log(1 + e^eta) - y*eta  +  l2/2 * sum of beta^2
 *
 * with eta = b0 + sum of beta[col]*val.  Each step solves the Newton
 * system by Cholesky and halves until the objective falls, so the
 * objective never rises; with l2 > 0 the Hessian is positive definite and
 * the coefficients stay finite even when a feature separates the outcome.
 * The iterations are capped, and every sum is taken in one fixed order:
 * the same rows give the same bits.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

#define MAXHALVE 40

void
csm_logit_init(struct csm_logit *m, size_t n, size_t k, size_t ncol)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	m->n = n;
	m->k = k;
	m->ncol = ncol;
	m->col = csm_xcalloc(n * k + 1, sizeof(*m->col));
	m->val = csm_xcalloc(n * k + 1, sizeof(*m->val));
	m->y = csm_xcalloc(n + 1, 1);
	m->beta = csm_xcalloc(ncol + 1, sizeof(*m->beta));
	for (i = 0; i < n * k; i++)
		m->col[i] = CSM_LOGIT_NONE;
}

void
csm_logit_release(struct csm_logit *m)
{
	free(m->col);
	free(m->val);
	free(m->y);
	free(m->beta);
	memset(m, 0, sizeof(*m));
}

double
csm_logit_eta(const struct csm_logit *m, size_t i)
{
	const uint32_t *c = m->col + i * m->k;
	const double *v = m->val + i * m->k;
	double eta = m->b0;
	size_t j;

	for (j = 0; j < m->k; j++)
		if (c[j] != CSM_LOGIT_NONE)
			eta += m->beta[c[j]] * v[j];
	return eta;
}

double
csm_logit_prob(double eta)
{
	double e;

	if (eta >= 0)
		return 1 / (1 + exp(-eta));
	e = exp(eta);
	return e / (1 + e);
}

/* log(1 + e^eta), without overflow. */
static double
softplus(double eta)
{
	return (eta > 0 ? eta : 0) + log1p(exp(-fabs(eta)));
}

/* The penalised objective at (b0, beta). */
static double
objective(const struct csm_logit *m, const unsigned char *use,
    const double *theta)
{
	const double *beta = theta + 1;
	double f = 0, eta, pen = 0;
	size_t i, j;

	for (i = 0; i < m->n; i++) {
		const uint32_t *c = m->col + i * m->k;
		const double *v = m->val + i * m->k;

		if (use != NULL && !use[i])
			continue;
		eta = theta[0];
		for (j = 0; j < m->k; j++)
			if (c[j] != CSM_LOGIT_NONE)
				eta += beta[c[j]] * v[j];
		f += softplus(eta) - (m->y[i] ? eta : 0);
	}
	for (j = 0; j < m->ncol; j++)
		pen += beta[j] * beta[j];
	return f + m->l2 / 2 * pen;
}

/*
 * Row i's entries that count (a column, a value other than 0) into cc and
 * vv as coefficient indices (the intercept is 0), sorted by column, so
 * that the Hessian's pairs fall in its upper triangle; returns how many.
 */
static size_t
row_entries(const struct csm_logit *m, size_t i, size_t *cc, double *vv)
{
	const uint32_t *c = m->col + i * m->k;
	const double *v = m->val + i * m->k;
	size_t a, j, n = 0;

	for (a = 0; a < m->k; a++) {
		if (c[a] == CSM_LOGIT_NONE || v[a] == 0)
			continue;
		/* insertion: the rows csm-fit builds are in order already */
		for (j = n; j > 0 && cc[j - 1] > (size_t)c[a] + 1; j--) {
			cc[j] = cc[j - 1];
			vv[j] = vv[j - 1];
		}
		cc[j] = (size_t)c[a] + 1;
		vv[j] = v[a];
		n++;
	}
	return n;
}

/* The gradient g and the Hessian h (upper triangle) at theta. */
static void
newton_system(const struct csm_logit *m, const unsigned char *use,
    const double *theta, double *g, double *h)
{
	size_t d = m->ncol + 1, i, a, b, n;
	size_t *cc = csm_xcalloc(m->k + 1, sizeof(*cc));
	double *vv = csm_xcalloc(m->k + 1, sizeof(*vv));
	double eta, p, w, r, wa;

	memset(g, 0, d * sizeof(*g));
	memset(h, 0, d * d * sizeof(*h));
	for (i = 0; i < m->n; i++) {
		if (use != NULL && !use[i])
			continue;
		n = row_entries(m, i, cc, vv);
		eta = theta[0];
		for (a = 0; a < n; a++)
			eta += theta[cc[a]] * vv[a];
		p = csm_logit_prob(eta);
		w = p * (1 - p);
		if (w < 1e-12)
			w = 1e-12;
		r = p - (m->y[i] ? 1 : 0);
		g[0] += r;
		h[0] += w;
		for (a = 0; a < n; a++) {
			double *row = h + cc[a] * d;

			wa = w * vv[a];
			g[cc[a]] += r * vv[a];
			h[cc[a]] += wa;	/* row 0: the intercept */
			row[cc[a]] += wa * vv[a];
			for (b = a + 1; b < n; b++)
				/* x_c^2 counts a same-column pair twice */
				row[cc[b]] += (cc[b] == cc[a] ? 2 : 1) *
				    wa * vv[b];
		}
	}
	for (a = 1; a < d; a++) {
		g[a] += m->l2 * theta[a];
		h[a * d + a] += m->l2;
	}
	free(cc);
	free(vv);
}

/*
 * Solves h x = g in place (x into g) by Cholesky, h's upper triangle
 * overwritten.  A pivot that rounding made non-positive is nudged up.
 */
static void
cholesky_solve(double *h, double *g, size_t d)
{
	size_t i, j, k;
	double s;

	/* h = U'U, U upper triangular, stored in h's upper triangle. */
	for (i = 0; i < d; i++) {
		s = h[i * d + i];
		for (k = 0; k < i; k++)
			s -= h[k * d + i] * h[k * d + i];
		if (!(s > 1e-300))
			s = 1e-12;
		h[i * d + i] = sqrt(s);
		for (j = i + 1; j < d; j++) {
			s = h[i * d + j];
			for (k = 0; k < i; k++)
				s -= h[k * d + i] * h[k * d + j];
			h[i * d + j] = s / h[i * d + i];
		}
	}
	/* U'z = g, then U x = z. */
	for (i = 0; i < d; i++) {
		s = g[i];
		for (k = 0; k < i; k++)
			s -= h[k * d + i] * g[k];
		g[i] = s / h[i * d + i];
	}
	for (i = d; i-- > 0;) {
		s = g[i];
		for (k = i + 1; k < d; k++)
			s -= h[i * d + k] * g[k];
		g[i] = s / h[i * d + i];
	}
}

int
csm_logit_fit(struct csm_logit *m, const unsigned char *use, double l2,
    int maxiter)
{
	size_t d = m->ncol + 1, j;
	double *theta = csm_xcalloc(d, sizeof(*theta));
	double *next = csm_xcalloc(d, sizeof(*next));
	double *g = csm_xcalloc(d, sizeof(*g));
	double *h = csm_xcalloc(d * d, sizeof(*h));
	double f, fn = 0, step, big;
	int it, k;

	m->l2 = l2;
	m->converged = 0;
	theta[0] = m->b0;
	memcpy(theta + 1, m->beta, m->ncol * sizeof(*theta));
	f = objective(m, use, theta);
	for (it = 1; it <= maxiter; it++) {
		newton_system(m, use, theta, g, h);
		cholesky_solve(h, g, d);
		for (step = 1, k = 0; k < MAXHALVE; k++, step /= 2) {
			for (j = 0; j < d; j++)
				next[j] = theta[j] - step * g[j];
			fn = objective(m, use, next);
			if (fn <= f)
				break;
		}
		if (k == MAXHALVE) {
			/* No step lowers it: at the minimum to rounding. */
			m->converged = 1;
			break;
		}
		big = 0;
		for (j = 0; j < d; j++)
			if (fabs(step * g[j]) > big)
				big = fabs(step * g[j]);
		memcpy(theta, next, d * sizeof(*theta));
		m->iter = it;
		if (big < 1e-8 || f - fn <= 1e-14 * (1 + fabs(fn))) {
			f = fn;
			m->converged = 1;
			break;
		}
		f = fn;
	}
	m->b0 = theta[0];
	memcpy(m->beta, theta + 1, m->ncol * sizeof(*theta));
	m->loss = f;
	free(theta);
	free(next);
	free(g);
	free(h);
	return m->converged;
}

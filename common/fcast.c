/*
 * fcast.c: the renewal forecast.  Each renewal in the window is decided on
 * its own: its ARR churns with probability p, or else grows by its gain
 * with probability q, or else renews flat.  The expected loss and gain
 * are sums; their distribution is drawn: ndraws times, every renewal
 * decided by one uniform number, the cents lost and gained summed exactly
 * per draw, per group and in total.  The interval comes from those sums,
 * sorted.
 *
 * Each renewal's numbers come from a stream of its own, keyed by its
 * account and the seed (SipHash-1-3 of the account id under a fixed key,
 * then splitmix64), so that the result depends neither on the order of
 * the rows nor on which other accounts are there, and the renewals of one
 * account are decided by the same numbers (they go together).
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

#define GOLDEN 0x9E3779B97F4A7C15ULL

void
csm_fcast_init(struct csm_fcast *f, size_t ngroup, size_t ndraws,
    uint64_t seed)
{
	size_t cells;

	memset(f, 0, sizeof(*f));
	f->ngroup = ngroup;
	f->ndraws = ndraws;
	f->seed = seed;
	cells = (ngroup + 1) * ndraws;
	f->loss = csm_xcalloc(cells, sizeof(*f->loss));
	f->gain = csm_xcalloc(cells, sizeof(*f->gain));
	f->eloss = csm_xcalloc(ngroup + 1, sizeof(*f->eloss));
	f->egain = csm_xcalloc(ngroup + 1, sizeof(*f->egain));
}

void
csm_fcast_release(struct csm_fcast *f)
{
	free(f->loss);
	free(f->gain);
	free(f->eloss);
	free(f->egain);
	memset(f, 0, sizeof(*f));
}

/* The next number of a splitmix64 stream. */
static uint64_t
splitmix(uint64_t *state)
{
	uint64_t z = (*state += GOLDEN);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

uint64_t
csm_fcast_stream(uint64_t seed, const char *key, size_t n)
{
	static const unsigned char k[16] = "csm-tools fcast";

	return csm_siphash13(k, key, n) ^ (seed * GOLDEN);
}

double
csm_fcast_uniform(uint64_t *state)
{
	return (double)(splitmix(state) >> 11) * 0x1.0p-53;
}

void
csm_fcast_add(struct csm_fcast *f, size_t g, const char *key, size_t n,
    int64_t arr, double p, double q, int64_t gain)
{
	int64_t *lg = f->loss + g * f->ndraws, *gg = f->gain + g * f->ndraws,
	    *lt = f->loss + f->ngroup * f->ndraws,
	    *gt = f->gain + f->ngroup * f->ndraws;
	uint64_t st, tp, tg, u, c, e;
	size_t m;

	f->eloss[g] += (long double)p * arr;
	f->eloss[f->ngroup] += (long double)p * arr;
	f->egain[g] += (long double)(1 - p) * q * gain;
	f->egain[f->ngroup] += (long double)(1 - p) * q * gain;
	if (!(p > 0) && (!(q > 0) || gain == 0))
		return;
	/*
	 * u, the top 53 bits of the stream's number, is 2^53 times
	 * csm_fcast_uniform's number: that is below p when u is below
	 * ceil(p 2^53), and below p + (1 - p) q likewise.  No branches:
	 * random outcomes would mispredict them.
	 */
	tp = (uint64_t)ceil(p * 0x1.0p53);
	tg = (uint64_t)ceil((p + (1 - p) * q) * 0x1.0p53);
	st = csm_fcast_stream(f->seed, key, n);
	for (m = 0; m < f->ndraws; m++) {
		u = splitmix(&st) >> 11;
		c = -(uint64_t)(u < tp);
		e = -(uint64_t)(u >= tp && u < tg);
		lg[m] += (int64_t)((uint64_t)arr & c);
		lt[m] += (int64_t)((uint64_t)arr & c);
		gg[m] += (int64_t)((uint64_t)gain & e);
		gt[m] += (int64_t)((uint64_t)gain & e);
	}
}

/* Half away from zero, for sums of cents that are not negative. */
static int64_t
round_cents(long double x)
{
	x = floorl(x + 0.5L);
	return x > (long double)INT64_MAX ? INT64_MAX : (int64_t)x;
}

void
csm_fcast_expect(const struct csm_fcast *f, size_t g, int64_t *loss,
    int64_t *gain)
{
	*loss = round_cents(f->eloss[g]);
	*gain = round_cents(f->egain[g]);
}

static int
cmp_i64(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return a < b ? -1 : a > b;
}

/* The a-quantile (0 < a <= 1) of n sorted values: the ceil(a n)-th. */
static int64_t
quantile(const int64_t *v, size_t n, double a)
{
	double k = ceil(a * (double)n - 1e-9);

	if (k < 1)
		k = 1;
	if (k > (double)n)
		k = (double)n;
	return v[(size_t)k - 1];
}

void
csm_fcast_interval(const struct csm_fcast *f, size_t g, int64_t start,
    double level, struct csm_fcast_iv *iv)
{
	const int64_t *lg = f->loss + g * f->ndraws,
	    *gg = f->gain + g * f->ndraws;
	double tail = (1 - level) / 2;
	int64_t *kept, *end;
	size_t m, n = f->ndraws;

	memset(iv, 0, sizeof(*iv));
	if (n == 0)
		return;
	kept = csm_xcalloc(n, sizeof(*kept));
	end = csm_xcalloc(n, sizeof(*end));
	for (m = 0; m < n; m++) {
		kept[m] = start - lg[m];
		end[m] = kept[m] + gg[m];
	}
	qsort(kept, n, sizeof(*kept), cmp_i64);
	qsort(end, n, sizeof(*end), cmp_i64);
	iv->kept_lo = quantile(kept, n, tail);
	iv->kept_hi = quantile(kept, n, 1 - tail);
	iv->end_lo = quantile(end, n, tail);
	iv->end_hi = quantile(end, n, 1 - tail);
	free(kept);
	free(end);
}

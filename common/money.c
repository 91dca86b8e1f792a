/*
 * money.c: money that is never wrong.  Amounts are integer cents (int64_t);
 * a cell holds at most CSM_MONEY_MAX currency units either way; every sum
 * and every conversion is checked and reports an overflow instead of
 * wrapping; conversion rates are kept exactly to 9 decimals, so that a
 * rate written as 1.08 multiplies as 1.08 and not as its binary neighbour.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "csm.h"

int
csm_cents_add(int64_t *sum, int64_t v)
{
	if ((v > 0 && *sum > INT64_MAX - v) || (v < 0 && *sum < INT64_MIN - v))
		return -1;
	*sum += v;
	return 0;
}

int
csm_cents_from_num(double x, int64_t *out)
{
	double c;

	if (!isfinite(x) || fabs(x) > (double)CSM_MONEY_MAX)
		return -1;
	c = csm_round(x * 100, 0);
	*out = c == 0 ? 0 : (int64_t)c;
	return 0;
}

/*
 * Digits with at most one point (1.08, 2, 1., .5), read exactly: the whole
 * part (at most 12 digits) and 9 decimals, the tenth rounding half away
 * from zero.  Returns 0 when s is not written that way.
 */
static int
exact_rate(const char *s, size_t n, struct csm_rate *r)
{
	uint64_t whole = 0, frac = 0, scale = CSM_RATE_SCALE;
	size_t i = 0, nint = 0;
	int up = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9') {
		if (++nint > 12)
			return 0;
		whole = whole * 10 + (uint64_t)(s[i++] - '0');
	}
	if (i < n && s[i] == '.')
		i++;
	else if (nint == 0)
		return 0;		/* .5 is read here too, "" is not */
	if (i == n && nint == 0)
		return 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (scale > 1) {
			scale /= 10;
			frac += (uint64_t)(s[i] - '0') * scale;
		} else if (scale == 1) {
			up = s[i] >= '5';
			scale = 0;
		}
	}
	if (i != n)
		return 0;
	frac += (uint64_t)up;
	if (frac >= CSM_RATE_SCALE) {
		whole++;
		frac -= CSM_RATE_SCALE;
	}
	r->whole = whole;
	r->frac = frac;
	return 1;
}

int
csm_rate_parse(const char *s, size_t n, struct csm_rate *r)
{
	double d;

	csm_trim(&s, &n);
	if (csm_parse_num(s, n, &d) != CSM_OK || d < 0 ||
	    d > (double)CSM_RATE_MAX)
		return CSM_BAD;
	if (exact_rate(s, n, r))
		return CSM_OK;
	d = csm_round(d, 9);
	r->whole = (uint64_t)d;
	r->frac = (uint64_t)csm_round((d - (double)r->whole) * 1e9, 0);
	if (r->frac >= CSM_RATE_SCALE) {
		r->whole++;
		r->frac -= CSM_RATE_SCALE;
	}
	return CSM_OK;
}

int
csm_cents_mul_rate(int64_t cents, const struct csm_rate *r, int64_t *out)
{
	uint64_t c, a, b, lo, v, x;
	const uint64_t max = (uint64_t)INT64_MAX;

	c = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	a = c / CSM_RATE_SCALE;
	b = c % CSM_RATE_SCALE;
	lo = b * r->frac;	/* < 10^18: no overflow */
	/* c * whole + a * frac + b * frac / SCALE, rounded */
	if (r->whole != 0 && c > max / r->whole)
		return -1;
	v = c * r->whole;
	if (r->frac != 0 && a > max / r->frac)
		return -1;
	x = a * r->frac;
	if (v > max - x)
		return -1;
	v += x;
	x = lo / CSM_RATE_SCALE + (lo % CSM_RATE_SCALE >= CSM_RATE_SCALE / 2);
	if (v > max - x)
		return -1;
	v += x;
	*out = cents < 0 ? -(int64_t)v : (int64_t)v;
	return 0;
}

int
csm_cell_cents(const struct csm_tbl *t, const struct csm_cols *cols,
    size_t col, int badval, int arr, int64_t *cents)
{
	const char *s = t->f[col], *name = cols->name[col];
	size_t n = t->flen[col], nlen = cols->len[col];
	double d;
	int st;

	st = csm_parse_cents(s, n, cents);
	if (st == CSM_MISSING)
		return CSM_MISSING;
	csm_trim(&s, &n);
	if (st == CSM_OK ? *cents > CSM_CENTS_MAX || *cents < -CSM_CENTS_MAX :
	    csm_num_overflows(s, n) || (csm_parse_num(s, n, &d) == CSM_OK &&
	    fabs(d) > (double)CSM_MONEY_MAX))
		csm_die_at(EX_DATAERR, t->file, t->line, "column '%s': \"%s\" "
		    "is out of range: an amount must be within +/-10^15",
		    csm_q(name, nlen), csm_q(s, n));
	if (st == CSM_BAD) {
		csm_cell_error(badval, t, name, nlen, s, n, "an amount",
		    "missing");
		return CSM_MISSING;
	}
	if (arr && *cents < 0)
		csm_die_at(EX_DATAERR, t->file, t->line, "column '%s': \"%s\" "
		    "is negative: ARR cannot be below 0", csm_q(name, nlen),
		    csm_q(s, n));
	return CSM_OK;
}

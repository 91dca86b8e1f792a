/*
 * fuzz-val.c: the value parsers on the input as one value.  A number must
 * be finite; money must agree with the number it also reads as; a date or
 * a period must read back as itself once formatted; formatted numbers and
 * cents must read back; and every parser must agree with csm_is_missing.
 * The checked money of money.c: a rate is the number to 9 decimals, a
 * conversion is the product to half a cent, and nothing overflows
 * (UBSan would stop it) that the checks let through.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "fuzz.h"

static const char *const datefmts[] = {NULL, "%m/%d/%Y", "%d.%m.%Y",
	"%Y%m%d", "%d %b %Y"};

static void
check_num(const char *s, size_t n, int miss)
{
	char out[64];
	double x, y, r;
	int st, d;

	st = csm_parse_num(s, n, &x);
	if ((st == CSM_MISSING) != miss)
		abort();
	if (st != CSM_OK)
		return;
	if (!isfinite(x) || (x == 0 && signbit(x)))
		abort();
	for (d = 0; d <= 2; d += 2) {
		/* What csm_fmt_num writes must read as the rounded number. */
		r = csm_round(x, d);
		csm_fmt_num(x, d, out);
		if (csm_parse_num(out, strlen(out), &y) != CSM_OK ||
		    fabs(y - r) > 1e-12 * fabs(r) + (d ? 0.005 : 0.5))
			abort();
	}
}

static void
check_cents(const char *s, size_t n, int miss)
{
	char out[32];
	int64_t c, c2;
	double x;
	int st, g;

	st = csm_parse_cents(s, n, &c);
	if ((st == CSM_MISSING) != miss)
		abort();
	/* No number that money can hold (18 digits of cents) is refused. */
	if (st == CSM_BAD && csm_parse_num(s, n, &x) == CSM_OK &&
	    fabs(x) < 9e15 && memchr(s, '%', n) == NULL)
		abort();
	if (st != CSM_OK)
		return;
	/*
	 * The cents are the decimal rounded to 2 places, so within 0.005 of
	 * it; the number is the decimal to within half an ulp, and c / 100.0
	 * rounds twice more.
	 */
	if (csm_parse_num(s, n, &x) == CSM_OK &&
	    fabs((double)c / 100.0 - x) > 0.005 + 1e-12 +
	    4 * DBL_EPSILON * fabs(x))
		abort();
	for (g = 0; g <= 1; g++) {
		csm_fmt_cents(c, g, out);
		if (csm_parse_cents(out, strlen(out), &c2) != CSM_OK ||
		    c2 != c)
			abort();
	}
}

static void
check_date(const char *s, size_t n, int miss)
{
	char out[32];
	long days, again, y;
	size_t i;
	int st, m, d;

	for (i = 0; i < sizeof(datefmts) / sizeof(datefmts[0]); i++) {
		st = csm_parse_date(s, n, datefmts[i], &days);
		if ((st == CSM_MISSING) != miss)
			abort();
		if (st != CSM_OK)
			continue;
		csm_civil_from_days(days, &y, &m, &d);
		if (m < 1 || m > 12 || d < 1 || d > 31 ||
		    csm_days_from_civil(y, m, d) != days)
			abort();
		csm_date_format(days, out);
		if (csm_parse_date(out, strlen(out), NULL, &again) != CSM_OK ||
		    again != days)
			abort();
	}
}

static void
check_period(const char *s, size_t n, int miss)
{
	struct csm_period p, q;
	char out[32];
	long first;
	int st;

	st = csm_parse_period(s, n, &p);
	if ((st == CSM_MISSING) != miss)
		abort();
	if (st != CSM_OK)
		return;
	if ((p.kind != CSM_MONTH && p.kind != CSM_QUARTER) ||
	    p.index < CSM_PERIOD_YEAR_MIN * (p.kind == CSM_MONTH ? 12 : 4))
		abort();
	csm_period_format(&p, out);
	if (csm_parse_period(out, strlen(out), &q) != CSM_OK ||
	    q.kind != p.kind || q.index != p.index)
		abort();
	first = csm_period_first_month(&p);
	if (p.kind == CSM_MONTH ? first != p.index :
	    first / 3 != p.index || first % 3 != 0)
		abort();
}

static void
check_money(const char *s, size_t n)
{
	struct csm_rate r;
	int64_t c, out, sum;
	double x, rv;
	int num = csm_parse_num(s, n, &x) == CSM_OK;

	if (csm_num_overflows(s, n) && num)
		abort();
	if (num && (csm_cents_from_num(x, &out) == 0) !=
	    (fabs(x) <= (double)CSM_MONEY_MAX))
		abort();
	if (csm_rate_parse(s, n, &r) != CSM_OK) {
		if (num && x >= 0 && x <= (double)CSM_RATE_MAX)
			abort();
		return;
	}
	if (!num || r.frac >= CSM_RATE_SCALE || r.whole > CSM_RATE_MAX)
		abort();
	/* half the last of 9 decimals, and the 0.001 of it that csm_round
	 * forgives as binary noise when a rate is not plain decimal text */
	rv = (double)r.whole + (double)r.frac / 1e9;
	if (fabs(rv - x) > 5e-10 + 1.01e-12 + 4 * DBL_EPSILON * x)
		abort();
	if (csm_parse_cents(s, n, &c) != CSM_OK)
		return;
	/* the amount converted at its own value as a rate */
	if (csm_cents_mul_rate(c, &r, &out) == 0 &&
	    fabs((double)out - (double)c * rv) > 0.5 + 1e-12 * fabs((double)c *
	    rv) + 1e-6)
		abort();
	sum = c;
	if (csm_cents_add(&sum, c) == 0 && sum / 2 != c)
		abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_setup(argc, argv);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	int miss, st, b;
	char *copy;

	/* The parsers take a byte range; give them one that ends unreadably. */
	copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, s, size);
	if (setjmp(fuzz_jmp) != 0)
		abort();	/* no parser may die */
	miss = csm_is_missing(copy, size);
	if (miss != 0 && miss != 1)
		abort();
	check_num(copy, size, miss);
	check_cents(copy, size, miss);
	st = csm_parse_bool(copy, size, &b);
	if ((st == CSM_MISSING) != miss || (st == CSM_OK && b != 0 && b != 1))
		abort();
	check_date(copy, size, miss);
	check_period(copy, size, miss);
	check_money(copy, size);
	free(copy);
	return 0;
}

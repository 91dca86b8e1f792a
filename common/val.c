/*
 * val.c: reading values as SPEC section 2 says: numbers ($, thousands
 * separators, %, accounting negatives, exponents), money in exact integer
 * cents, the missing tokens, booleans, dates and reporting periods.  Nothing
 * here depends on the locale: numbers are checked by hand and only a cleaned
 * ASCII form ever reaches strtod.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csm.h"

#define MAXNUM 80	/* longest cleaned number we accept */

void
csm_trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static int
eqi(const char *s, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (word[i] == '\0' ||
		    tolower((unsigned char)s[i]) != (unsigned char)word[i])
			return 0;
	return word[n] == '\0';
}

int
csm_is_missing(const char *s, size_t n)
{
	csm_trim(&s, &n);
	switch (n) {
	case 0:
		return 1;
	case 1:
		return s[0] == '-';
	case 2:
		return eqi(s, n, "na");
	case 3:
		return eqi(s, n, "n/a");
	case 4:
		return eqi(s, n, "null") || eqi(s, n, "none");
	default:
		return 0;
	}
}

/*
 * A number, checked and cleaned: digits (thousands separators dropped),
 * at most one '.', an optional exponent.  neg and pct say what surrounded
 * it.  The cleaned text has no sign.
 */
struct numtok {
	char text[MAXNUM + 1];
	size_t len;
	int neg;
	int pct;
};

static int
scan_number(const char *s, size_t n, struct numtok *t)
{
	size_t i = 0, group = 0, ndig = 0;
	int paren = 0, commas = 0, dot = 0;

	t->len = 0;
	t->neg = 0;
	t->pct = 0;
	if (n > 0 && s[0] == '(' && s[n - 1] == ')') {
		paren = 1;
		s++;
		n -= 2;
		csm_trim(&s, &n);
	}
	if (i < n && (s[i] == '-' || s[i] == '+')) {
		t->neg = s[i] == '-';
		i++;
	}
	if (i < n && s[i] == '$')
		i++;
	if (!paren && !t->neg && i < n && (s[i] == '-' || s[i] == '+')) {
		t->neg = s[i] == '-';	/* $-1,234 */
		i++;
	}
	if (paren && t->neg)
		return CSM_BAD;
	t->neg |= paren;
	for (; i < n; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9') {
			if (t->len >= MAXNUM)
				return CSM_BAD;
			t->text[t->len++] = c;
			ndig++;
			group++;
		} else if (c == ',' && !dot) {
			/* 1,234,567: 1-3 digits, then groups of exactly 3 */
			if (ndig == 0 || (commas ? group != 3 : group > 3))
				return CSM_BAD;
			commas++;
			group = 0;
		} else if (c == '.' && !dot) {
			if ((commas && group != 3) || t->len >= MAXNUM)
				return CSM_BAD;
			dot = 1;
			commas = 0;
			t->text[t->len++] = '.';
		} else
			break;
	}
	if (ndig == 0 || (commas && group != 3))
		return CSM_BAD;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1, edig = 0;

		if (t->len + 2 >= MAXNUM)
			return CSM_BAD;
		t->text[t->len++] = 'e';
		if (j < n && (s[j] == '-' || s[j] == '+'))
			t->text[t->len++] = s[j++];
		for (; j < n && s[j] >= '0' && s[j] <= '9'; j++) {
			if (t->len >= MAXNUM || ++edig > 4)
				return CSM_BAD;
			t->text[t->len++] = s[j];
		}
		if (edig == 0)
			return CSM_BAD;
		i = j;
	}
	if (i < n && s[i] == '%') {
		t->pct = 1;
		i++;
	}
	t->text[t->len] = '\0';
	return i == n ? CSM_OK : CSM_BAD;
}

/*
 * The common case, fast: [-]digits[.digits] with at most 15 digits.  The
 * mantissa and the power of ten are both exact doubles, so one division
 * rounds correctly, as strtod would.  Returns 0 when s is not that simple.
 */
static int
simple_number(const char *s, size_t n, double *out)
{
	static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
		1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
	size_t i = 0, nd = 0, frac = 0;
	int neg = 0, dot = 0;
	int64_t m = 0;

	if (n > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			m = m * 10 + (s[i] - '0');
			frac += dot;
			if (++nd > 15)
				return 0;
		} else if (s[i] == '.' && !dot)
			dot = 1;
		else
			return 0;
	}
	if (nd == 0)
		return 0;
	*out = (double)m / pow10[frac];
	if (neg && m != 0)
		*out = -*out;
	return 1;
}

int
csm_parse_num(const char *s, size_t n, double *out)
{
	struct numtok t;
	double d;

	csm_trim(&s, &n);
	if (simple_number(s, n, out))
		return CSM_OK;
	if (csm_is_missing(s, n))
		return CSM_MISSING;
	if (scan_number(s, n, &t) != CSM_OK)
		return CSM_BAD;
	d = strtod(t.text, NULL);
	if (!isfinite(d))
		return CSM_BAD;
	if (t.pct)
		d /= 100;
	*out = t.neg ? -d : d;
	if (*out == 0)
		*out = 0;	/* no -0 */
	return CSM_OK;
}

int
csm_num_overflows(const char *s, size_t n)
{
	struct numtok t;

	csm_trim(&s, &n);
	return scan_number(s, n, &t) == CSM_OK &&
	    isinf(strtod(t.text, NULL));
}

int
csm_parse_cents(const char *s, size_t n, int64_t *out)
{
	struct numtok t;
	char digits[MAXNUM + 1];
	size_t nd = 0, i;
	long point = -1, exp = 0, k, lead = 0;
	int64_t v = 0;

	csm_trim(&s, &n);
	if (csm_is_missing(s, n))
		return CSM_MISSING;
	if (scan_number(s, n, &t) != CSM_OK || t.pct)
		return CSM_BAD;
	/* Leading zeros are dropped; after the point, each moves it left. */
	for (i = 0; i < t.len && t.text[i] != 'e'; i++) {
		if (t.text[i] == '.')
			point = (long)nd;
		else if (t.text[i] != '0' || nd > 0)
			digits[nd++] = t.text[i];
		else if (point >= 0)
			lead++;
	}
	if (point < 0)
		point = (long)nd;
	point -= lead;
	if (i < t.len)
		exp = strtol(t.text + i + 1, NULL, 10);
	/* cents are the first point+exp+2 digits; the next one rounds */
	k = point + exp + 2;
	if (nd == 0)
		k = 0;		/* zero, however it is written */
	if (k > 18)
		return CSM_BAD;
	for (i = 0; (long)i < k; i++) {
		v = v * 10 + (i < nd ? digits[i] - '0' : 0);
	}
	if (k >= 0 && (size_t)k < nd && digits[k] >= '5')
		v++;
	if (v > 999999999999999999)	/* rounded up to 19 digits */
		return CSM_BAD;
	*out = t.neg ? -v : v;
	return CSM_OK;
}

int
csm_parse_bool(const char *s, size_t n, int *out)
{
	static const char *const yes[] = {"true", "yes", "y", "1", "t"};
	static const char *const no[] = {"false", "no", "n", "0", "f"};
	size_t i;

	csm_trim(&s, &n);
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (eqi(s, n, yes[i])) {
			*out = 1;
			return CSM_OK;
		}
		if (eqi(s, n, no[i])) {
			*out = 0;
			return CSM_OK;
		}
	}
	return csm_is_missing(s, n) ? CSM_MISSING : CSM_BAD;
}

/* Howard Hinnant's days_from_civil, for the proleptic Gregorian calendar. */
long
csm_days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
csm_civil_from_days(long z, long *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int
month_days(long y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static int
digits(const char *s, size_t n, long *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*out = *out * 10 + (s[i] - '0');
	}
	return 1;
}

/* The time part of an ISO 8601 date-time: hh:mm[:ss[.f]][Z|+hh:mm|-hhmm]. */
static int
iso_time(const char *s, size_t n)
{
	size_t i;
	long v;

	if (n < 5 || !digits(s, 2, &v) || v > 24 || s[2] != ':' ||
	    !digits(s + 3, 2, &v) || v > 59)
		return 0;
	for (i = 5; i < n; i++)
		if (!strchr("0123456789:.,Z+-", s[i]))
			return 0;
	return 1;
}

static int
iso_date(const char *s, size_t n, long *days)
{
	long y, m, d;

	if (n < 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
	    !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
		return 0;
	if (m < 1 || m > 12 || d < 1 || d > month_days(y, (int)m))
		return 0;
	if (n > 10 && !((s[10] == 'T' || s[10] == ' ') &&
	    iso_time(s + 11, n - 11)))
		return 0;
	*days = csm_days_from_civil(y, (int)m, (int)d);
	return 1;
}

static int
fmt_date(const char *s, size_t n, const char *fmt, long *days)
{
	char tmp[128];
	struct tm tm;
	const char *end;

	if (n >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	memset(&tm, 0, sizeof(tm));
	tm.tm_mday = 1;
	end = strptime(tmp, fmt, &tm);
	if (end == NULL || *end != '\0')
		return 0;
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > month_days(tm.tm_year + 1900L, tm.tm_mon + 1))
		return 0;
	*days = csm_days_from_civil(tm.tm_year + 1900L, tm.tm_mon + 1,
	    tm.tm_mday);
	return 1;
}

int
csm_parse_date(const char *s, size_t n, const char *fmt, long *days)
{
	csm_trim(&s, &n);
	if (csm_is_missing(s, n))
		return CSM_MISSING;
	if (iso_date(s, n, days))
		return CSM_OK;
	if (fmt != NULL && fmt_date(s, n, fmt, days))
		return CSM_OK;
	return CSM_BAD;
}

void
csm_date_format(long days, char *out)
{
	long y;
	int m, d;

	csm_civil_from_days(days, &y, &m, &d);
	snprintf(out, 32, "%04ld-%02d-%02d", y, m, d);
}

long
csm_date_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL)
		csm_die(EX_OSERR, "cannot read the clock");
	return csm_days_from_civil(tm.tm_year + 1900L, tm.tm_mon + 1,
	    tm.tm_mday);
}

int
csm_parse_period(const char *s, size_t n, struct csm_period *out)
{
	long y, v, days;
	size_t i;

	csm_trim(&s, &n);
	if (csm_is_missing(s, n))
		return CSM_MISSING;
	if (n < 6 || !digits(s, 4, &y) || y < CSM_PERIOD_YEAR_MIN)
		return CSM_BAD;
	i = 4;
	if (s[i] == '-')
		i++;
	if (i < n && (s[i] == 'Q' || s[i] == 'q')) {
		if (n != i + 2 || !digits(s + i + 1, 1, &v) || v < 1 || v > 4)
			return CSM_BAD;
		out->kind = CSM_QUARTER;
		out->index = y * 4 + v - 1;
		return CSM_OK;
	}
	if (n == 7 && s[4] == '-' && digits(s + 5, 2, &v) && v >= 1 &&
	    v <= 12) {
		out->kind = CSM_MONTH;
		out->index = y * 12 + v - 1;
		return CSM_OK;
	}
	if (iso_date(s, n, &days)) {
		long yy;
		int m, d;

		csm_civil_from_days(days, &yy, &m, &d);
		out->kind = CSM_MONTH;
		out->index = yy * 12 + m - 1;
		return CSM_OK;
	}
	return CSM_BAD;
}

void
csm_period_format(const struct csm_period *p, char *out)
{
	if (p->kind == CSM_QUARTER)
		snprintf(out, 32, "%04ld-Q%ld", p->index / 4, p->index % 4 + 1);
	else
		snprintf(out, 32, "%04ld-%02ld", p->index / 12,
		    p->index % 12 + 1);
}

long
csm_period_first_month(const struct csm_period *p)
{
	if (p->kind == CSM_QUARTER)
		return p->index / 4 * 12 + p->index % 4 * 3;
	return p->index;
}

/* 10^n for n of 0-9, exact; pow() for them shows in profiles. */
static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

double
csm_round(double x, int ndigits)
{
	double scale = ndigits >= 0 && ndigits <= 9 ? p10[ndigits] :
	    pow(10, ndigits);
	double v = fabs(x) * scale, f, eps;

	if (!isfinite(v))
		return x;
	f = floor(v);
	/* At most 0.001 of the last digit: 1e-12 * v reaches 0.5 at 5e11. */
	eps = fmin(fmax(1e-9, v * 1e-12), 1e-3);
	if (v - f >= 0.5 - eps)
		f += 1;
	f /= scale;
	if (f == 0)
		return 0;
	return x < 0 ? -f : f;
}

void
csm_fmt_num(double x, int ndigits, char *out)
{
	double r = csm_round(x, ndigits);

	if (r == 0)
		r = 0;
	/*
	 * No need for printf, which costs more than the rest of a row: r is
	 * v / 10^ndigits for a whole v (csm_round), and below 10^15 printf's
	 * %.*f writes exactly v's digits with the point put in.
	 */
	if (ndigits >= 0 && ndigits <= 9 && fabs(r) * p10[ndigits] < 1e15) {
		char tmp[24];
		int64_t v = llround(fabs(r) * p10[ndigits]);
		size_t n = 0, i = 0;

		do
			tmp[n++] = (char)('0' + v % 10);
		while ((v /= 10) > 0 || n <= (size_t)ndigits);
		if (r < 0)
			out[i++] = '-';
		while (n > 0) {
			if (n == (size_t)ndigits)
				out[i++] = '.';
			out[i++] = tmp[--n];
		}
		out[i] = '\0';
		return;
	}
	/* Past about 10^60 the digits would not fit: exponent form. */
	if (snprintf(out, 64, "%.*f", ndigits, r) >= 64)
		snprintf(out, 64, "%.17g", r);
}

void
csm_fmt_cents(int64_t cents, int grouped, char *out)
{
	char tmp[32];
	uint64_t u = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	size_t n, i, o = 0, lead;

	n = (size_t)snprintf(tmp, sizeof(tmp), "%llu",
	    (unsigned long long)(u / 100));
	if (cents < 0)
		out[o++] = '-';
	lead = n % 3 ? n % 3 : 3;
	for (i = 0; i < n; i++) {
		if (grouped && i >= lead && (i - lead) % 3 == 0)
			out[o++] = ',';
		out[o++] = tmp[i];
	}
	snprintf(out + o, 8, ".%02u", (unsigned)(u % 100));
}

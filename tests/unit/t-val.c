/*
 * t-val.c: reading numbers, money, booleans, dates and periods (val.c).
 * Every expected value below is worked out by hand.
 */
#include <stdint.h>
#include <string.h>

#include "csm.h"
#include "t.h"

static int
num(const char *s, double *d)
{
	return csm_parse_num(s, strlen(s), d);
}

static int64_t
cents(const char *s)
{
	int64_t c = -999999;

	if (csm_parse_cents(s, strlen(s), &c) != CSM_OK)
		return -999999;
	return c;
}

static void
test_numbers(void)
{
	double d = 0;

	T_EQ_INT(num("1234.5", &d), CSM_OK);
	T_EQ_NUM(d, 1234.5);
	T_EQ_INT(num("1,234.50", &d), CSM_OK);
	T_EQ_NUM(d, 1234.5);
	T_EQ_INT(num("$1,234", &d), CSM_OK);
	T_EQ_NUM(d, 1234);
	T_EQ_INT(num("-3", &d), CSM_OK);
	T_EQ_NUM(d, -3);
	T_EQ_INT(num("(1,234.00)", &d), CSM_OK);
	T_EQ_NUM(d, -1234);
	T_EQ_INT(num("12%", &d), CSM_OK);
	T_EQ_NUM(d, 0.12);
	T_EQ_INT(num("1e3", &d), CSM_OK);
	T_EQ_NUM(d, 1000);
	T_EQ_INT(num("  42  ", &d), CSM_OK);
	T_EQ_NUM(d, 42);
	T_EQ_INT(num("-$1,000,000.25", &d), CSM_OK);
	T_EQ_NUM(d, -1000000.25);
	T_EQ_INT(num("$-5", &d), CSM_OK);
	T_EQ_NUM(d, -5);
	T_EQ_INT(num(".5", &d), CSM_OK);
	T_EQ_NUM(d, 0.5);
	T_EQ_INT(num("+7", &d), CSM_OK);
	T_EQ_NUM(d, 7);
	T_EQ_INT(num("2.5E-1", &d), CSM_OK);
	T_EQ_NUM(d, 0.25);
}

static void
test_bad_numbers(void)
{
	static const char *const bad[] = {
		"abc", "1,2", "12,34", "1,234,56", "1.2.3", "1e", "--1",
		"(-1)", "1 2", "inf", "nan", "0x10", "$", "%", "1,", ",1",
		"1e99999", "12%%", "1.234,5", NULL
	};
	double d;
	size_t i;

	for (i = 0; bad[i] != NULL; i++)
		if (num(bad[i], &d) != CSM_BAD)
			T_FAIL("'%s' read as a number", bad[i]);
	/* of those, only a number too large for a double overflows */
	T_EQ_INT(csm_num_overflows("1e400", 5), 1);
	T_EQ_INT(csm_num_overflows(" -1e400 ", 8), 1);
	T_EQ_INT(csm_num_overflows("(1e400)", 7), 1);
	T_EQ_INT(csm_num_overflows("$1e400%", 7), 1);
	T_EQ_INT(csm_num_overflows("1e308", 5), 0);	/* finite */
	T_EQ_INT(csm_num_overflows("1e-400", 6), 0);	/* underflows to 0 */
	T_EQ_INT(csm_num_overflows("inf", 3), 0);
	T_EQ_INT(csm_num_overflows("abc", 3), 0);
	T_EQ_INT(csm_num_overflows("1e99999", 7), 0);	/* not read at all */
}

static void
test_missing(void)
{
	static const char *const miss[] = {
		"", " ", "NA", "na", "N/A", "n/a", "null", "NULL", "-", "none",
		"None", " NA ", NULL
	};
	double d;
	int b;
	long days;
	size_t i;

	for (i = 0; miss[i] != NULL; i++) {
		T_OK(csm_is_missing(miss[i], strlen(miss[i])));
		T_EQ_INT(num(miss[i], &d), CSM_MISSING);
		T_EQ_INT(csm_parse_bool(miss[i], strlen(miss[i]), &b),
		    CSM_MISSING);
		T_EQ_INT(csm_parse_date(miss[i], strlen(miss[i]), NULL, &days),
		    CSM_MISSING);
	}
	T_OK(!csm_is_missing("0", 1));
	T_OK(!csm_is_missing("nan", 3));
	T_OK(!csm_is_missing("--", 2));
}

static void
test_money(void)
{
	int64_t c;

	T_EQ_INT(cents("1234.56"), 123456);
	T_EQ_INT(cents("$1,250,000"), 125000000);
	T_EQ_INT(cents("(12.34)"), -1234);
	T_EQ_INT(cents("0.1"), 10);
	T_EQ_INT(cents("0.005"), 1);	/* half a cent rounds away from 0 */
	T_EQ_INT(cents("-0.005"), -1);
	T_EQ_INT(cents("0.0049"), 0);
	T_EQ_INT(cents("19.999"), 2000);
	T_EQ_INT(cents("1e3"), 100000);
	T_EQ_INT(cents("5e-1"), 50);
	T_EQ_INT(cents("92233720368547758.07"), -999999);	/* too big */
	T_EQ_INT(cents("12%"), -999999);
	T_EQ_INT(csm_parse_cents("", 0, &c), CSM_MISSING);
	/* 0.1 + 0.2 in cents is exactly 30, unlike in binary floating point */
	T_EQ_INT(cents("0.1") + cents("0.2"), 30);
}

static void
test_bools(void)
{
	static const char *const yes[] = {"true", "TRUE", "yes", "Y", "1",
		"t", " True ", NULL};
	static const char *const no[] = {"false", "No", "n", "0", "F", NULL};
	size_t i;
	int b;

	for (i = 0; yes[i] != NULL; i++) {
		b = 0;
		T_EQ_INT(csm_parse_bool(yes[i], strlen(yes[i]), &b), CSM_OK);
		T_EQ_INT(b, 1);
	}
	for (i = 0; no[i] != NULL; i++) {
		b = 1;
		T_EQ_INT(csm_parse_bool(no[i], strlen(no[i]), &b), CSM_OK);
		T_EQ_INT(b, 0);
	}
	T_EQ_INT(csm_parse_bool("maybe", 5, &b), CSM_BAD);
	T_EQ_INT(csm_parse_bool("2", 1, &b), CSM_BAD);
}

#define BADDATE (-99999)

static long
date(const char *s, const char *fmt)
{
	long d = 0;

	if (csm_parse_date(s, strlen(s), fmt, &d) != CSM_OK)
		return BADDATE;
	return d;
}

static void
test_dates(void)
{
	char buf[32];

	T_EQ_INT(date("1970-01-01", NULL), 0);
	/* 2026-01-01: 56 years, 14 leap days (1972..2024): 56*365+14 */
	T_EQ_INT(date("2026-01-01", NULL), 20454);
	/* 2026-11-23: + 304 days (Jan..Oct: 31+28+31+30+31+30+31+31+30+31) + 22 */
	T_EQ_INT(date("2026-11-23", NULL), 20454 + 304 + 22);
	T_EQ_INT(date("2024-02-29", NULL), 19782);
	T_EQ_INT(date("2026-03-01T12:00:00Z", NULL), 20454 + 59);
	T_EQ_INT(date("2026-03-01 08:30", NULL), 20454 + 59);
	T_EQ_INT(date("2026-03-01T12:00:00+02:00", NULL), 20454 + 59);
	T_EQ_INT(date("1969-12-31", NULL), -1);
	T_EQ_INT(date("2025-02-29", NULL), BADDATE);	/* not a leap year */
	T_EQ_INT(date("2026-13-01", NULL), BADDATE);
	T_EQ_INT(date("2026-04-31", NULL), BADDATE);
	T_EQ_INT(date("2026-3-1", NULL), BADDATE);
	T_EQ_INT(date("2026-03-01Tnoon", NULL), BADDATE);
	T_EQ_INT(date("03/01/2026", NULL), BADDATE);
	T_EQ_INT(date("03/01/2026", "%m/%d/%Y"), 20454 + 59);
	T_EQ_INT(date("02/30/2026", "%m/%d/%Y"), BADDATE);
	T_EQ_INT(date("2026-03-01", "%m/%d/%Y"), 20454 + 59);
	csm_date_format(20454 + 59, buf);
	T_EQ_STR(buf, "2026-03-01");
	csm_date_format(-1, buf);
	T_EQ_STR(buf, "1969-12-31");
	csm_date_format(19782, buf);
	T_EQ_STR(buf, "2024-02-29");
}

static void
test_periods(void)
{
	struct csm_period p;
	char buf[32];

	T_EQ_INT(csm_parse_period("2026-03", 7, &p), CSM_OK);
	T_EQ_INT(p.kind, CSM_MONTH);
	T_EQ_INT(p.index, 2026 * 12 + 2);
	T_EQ_INT(csm_parse_period("2026-03-31", 10, &p), CSM_OK);
	T_EQ_INT(p.index, 2026 * 12 + 2);
	T_EQ_INT(csm_parse_period("2026-Q3", 7, &p), CSM_OK);
	T_EQ_INT(p.kind, CSM_QUARTER);
	T_EQ_INT(p.index, 2026 * 4 + 2);
	T_EQ_INT(csm_period_first_month(&p), 2026 * 12 + 6);	/* July */
	csm_period_format(&p, buf);
	T_EQ_STR(buf, "2026-Q3");
	T_EQ_INT(csm_parse_period("2026q1", 6, &p), CSM_OK);
	T_EQ_INT(p.index, 2026 * 4);
	T_EQ_INT(csm_parse_period("2026-Q5", 7, &p), CSM_BAD);
	T_EQ_INT(csm_parse_period("2026-13", 7, &p), CSM_BAD);
	T_EQ_INT(csm_parse_period("March", 5, &p), CSM_BAD);
	T_EQ_INT(csm_parse_period("", 0, &p), CSM_MISSING);
	/* years 1900 to 9999 (issue 9 item 9: year 0000 printed 0000--6) */
	T_EQ_INT(csm_parse_period("0000-01", 7, &p), CSM_BAD);
	T_EQ_INT(csm_parse_period("0000-Q1", 7, &p), CSM_BAD);
	T_EQ_INT(csm_parse_period("0001-01-01", 10, &p), CSM_BAD);
	T_EQ_INT(csm_parse_period("1899-12", 7, &p), CSM_BAD);
	T_EQ_INT(csm_parse_period("1899-Q4", 7, &p), CSM_BAD);
	T_EQ_INT(csm_parse_period("1900-01", 7, &p), CSM_OK);
	T_EQ_INT(p.index, 1900 * 12);
	T_EQ_INT(csm_parse_period("9999-Q4", 7, &p), CSM_OK);
	T_EQ_INT(p.index, 9999 * 4 + 3);
	csm_period_format(&p, buf);
	T_EQ_STR(buf, "9999-Q4");
	p.kind = CSM_MONTH;
	p.index = 2025 * 12 + 11;
	csm_period_format(&p, buf);
	T_EQ_STR(buf, "2025-12");
}

static void
test_rounding(void)
{
	char buf[64];

	T_EQ_NUM(csm_round(72.5, 0), 73);
	T_EQ_NUM(csm_round(-72.5, 0), -73);
	T_EQ_NUM(csm_round(72.49, 0), 72);
	T_EQ_NUM(csm_round(1.005, 2), 1.01);	/* 1.005 is 1.00499.. in binary */
	T_EQ_NUM(csm_round(0.1 + 0.2, 1), 0.3);
	/* 0.7*0.5 = 0.35 is 0.34999.. in binary: still half away */
	T_EQ_NUM(csm_round(0.7 * 0.5, 1), 0.4);
	csm_fmt_num(-0.4, 0, buf);
	T_EQ_STR(buf, "0");
	csm_fmt_num(66.666666, 2, buf);
	T_EQ_STR(buf, "66.67");
	csm_fmt_num(74.5, 0, buf);
	T_EQ_STR(buf, "75");
	csm_fmt_num(-0.004, 2, buf);	/* rounds to 0: no minus sign */
	T_EQ_STR(buf, "0.00");
	csm_fmt_num(-0.05, 2, buf);
	T_EQ_STR(buf, "-0.05");
	csm_fmt_num(25, 2, buf);
	T_EQ_STR(buf, "25.00");
	csm_fmt_num(0.5, 9, buf);
	T_EQ_STR(buf, "0.500000000");
	csm_fmt_num(1e300, 2, buf);	/* too long for 64 bytes: %.17g */
	T_EQ_STR(buf, "1.0000000000000001e+300");
	csm_fmt_cents(123456789, 1, buf);
	T_EQ_STR(buf, "1,234,567.89");
	csm_fmt_cents(-5, 0, buf);
	T_EQ_STR(buf, "-0.05");
	csm_fmt_cents(100000, 1, buf);
	T_EQ_STR(buf, "1,000.00");
	csm_fmt_cents(99999, 1, buf);
	T_EQ_STR(buf, "999.99");
	csm_fmt_cents(INT64_MIN + 1, 0, buf);
	T_EQ_STR(buf, "-92233720368547758.07");
}

static void
test_fmt_num_printf(void)
{
	/*
	 * csm_fmt_num writes what printf's %.*f writes of the rounded value
	 * (a rounded 0 without its sign): 400,000 values of every magnitude
	 * from 1e-12 to 1e17, either sign, with 0 to 11 decimals, halves
	 * (x.5, x.05, ...) and whole numbers among them.
	 */
	char got[64], want[64];
	unsigned long seed = 20261129, bad = 0, i;
	double x, r;
	int nd;

	for (i = 0; i < 400000; i++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		nd = (int)((seed >> 40) % 12);
		x = (double)((seed >> 11) % 1000000007) / 1000;
		x *= pow(10, (double)((seed >> 20) % 30) - 14);
		if (i % 7 == 0)
			x = floor(x) + 0.5 / pow(10, nd);	/* a half */
		if (i % 11 == 0)
			x = floor(x);
		if (seed >> 63)
			x = -x;
		csm_fmt_num(x, nd, got);
		r = csm_round(x, nd);
		if (r == 0)
			r = 0;
		if (snprintf(want, sizeof(want), "%.*f", nd, r) >= 64)
			snprintf(want, sizeof(want), "%.17g", r);
		if (strcmp(got, want) != 0 && bad++ < 5)
			T_FAIL("csm_fmt_num(%.17g, %d) == \"%s\", printf \"%s\"",
			    x, nd, got, want);
	}
	T_EQ_INT(bad, 0);
}

int
main(void)
{
	T_RUN(test_numbers);
	T_RUN(test_bad_numbers);
	T_RUN(test_missing);
	T_RUN(test_money);
	T_RUN(test_bools);
	T_RUN(test_dates);
	T_RUN(test_periods);
	T_RUN(test_rounding);
	T_RUN(test_fmt_num_printf);
	T_END();
}

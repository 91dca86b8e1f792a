/*
 * t-text.c: templates and value formats (text.c).
 * Expected strings are worked out by hand from the rules in csm.h.
 */
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "t.h"

/* A one-record table: header a,b,name,when; values given per test. */
static char ha[] = "a", hb[] = "b", hn[] = "name", hw[] = "when";
static char *hdr[] = {ha, hb, hn, hw};
static size_t hdrlen[] = {1, 1, 4, 4};

static const char *
render(const char *tmpl, char *const *vals)
{
	static char out[256];
	struct csm_node nd;
	struct csm_tbl t;
	struct csm_cols cols;
	struct csm_eval ev;
	struct csm_tmpl *tp;
	struct csm_buf b;
	size_t flen[4], i;

	memset(&nd, 0, sizeof(nd));
	nd.kind = CSM_N_SCALAR;
	nd.str = csm_xstrdup(tmpl);
	nd.len = strlen(tmpl);
	nd.file = "t.yaml";
	nd.line = nd.col = 1;
	memset(&t, 0, sizeof(t));
	t.ncols = t.nf = 4;
	t.hdr = hdr;
	t.hdrlen = hdrlen;
	t.f = (char **)vals;
	for (i = 0; i < 4; i++)
		flen[i] = strlen(vals[i]);
	t.flen = flen;
	t.file = "t.csv";
	t.line = 2;
	csm_cols_init(&cols, &t, NULL);
	csm_eval_init(&ev);
	ev.rec = &t;
	ev.cols = &cols;
	ev.today = csm_days_from_civil(2026, 11, 23);
	tp = csm_tmpl_compile(&nd);
	csm_tmpl_bind(tp, &cols);
	csm_buf_init(&b);
	csm_tmpl_render(tp, &ev, &b);
	snprintf(out, sizeof(out), "%s", b.s ? b.s : "");
	csm_buf_release(&b);
	csm_tmpl_free(tp);
	free(nd.str);
	csm_eval_release(&ev);
	csm_cols_release(&cols);
	return out;
}

static void
test_templates(void)
{
	char v0[] = "0.4234", v1[] = "1234567.5", v2[] = "Acme",
	    v3[] = "2026-12-01", m0[] = "", m1[] = "NA";
	char *v[] = {v0, v1, v2, v3};
	char *m[] = {m0, m1, v2, m0};

	T_EQ_STR(render("plain text", v), "plain text");
	/* pct: 0.4234 * 100 = 42.34 -> 42% */
	T_EQ_STR(render("down {a|pct}", v), "down 42%");
	/* money: whole units, grouped, half away from zero: 1,234,568 */
	T_EQ_STR(render("ARR {b|money}", v), "ARR 1,234,568");
	/* days: 2026-11-23 to 2026-12-01 is 8 days; one day is singular */
	T_EQ_STR(render("in {days_until(when)|days}", v), "in 8 days");
	T_EQ_STR(render("{days_until(when) - 7|days}", v), "1 day");
	/* int rounds; num keeps up to two decimals without trailing zeros */
	T_EQ_STR(render("{b|int} {a|num} {a * 10}", v),
	    "1234568 0.42 4.23");
	T_EQ_STR(render("{name}: {lower(name)}", v), "Acme: acme");
	T_EQ_STR(render("{2.50}", v), "2.5");
	/* missing renders n/a, whatever the format */
	T_EQ_STR(render("{a|pct} {b|money} {days_until(when)|days}", m),
	    "n/a n/a n/a");
	T_EQ_STR(render("a {ratio(1, 0)} b", m), "a n/a b");
}

/*
 * Issue 9 item 6: no format ever writes inf or nan.  A value that is not
 * a finite number once scaled is n/a, and so is text that is no number
 * under a format (without one, text is written as it is).
 */
static void
test_nonfinite(void)
{
	char a[] = "1e307", b[] = "1e308", n[] = "inf", w[] = "nan";
	char *v[] = {a, b, n, w};

	/* 1e307 * 100 = 1e309: past the largest double */
	T_EQ_STR(render("down {a|pct}", v), "down n/a");
	T_EQ_STR(render("down {-a * 10|pct}", v), "down n/a");
	/* 1e308 * 10 is inf inside the expression: missing */
	T_EQ_STR(render("{b * 10} {b * 10|int}", v), "n/a n/a");
	/* still finite: 1e306 as a percentage is 1e308 */
	T_OK(strstr(render("{a / 10|pct}", v), "inf") == NULL);
	T_OK(strchr(render("{a / 10|pct}", v), '%') != NULL);
	/* text under a format: inf and nan are no numbers */
	T_EQ_STR(render("{name|int} {when|pct} {name|money} {when|days}", v),
	    "n/a n/a n/a n/a");
	T_EQ_STR(render("{name} {when}", v), "inf nan");
	T_EQ_STR(render("{when|num}", v), "n/a");
}

static const char *
grouped(double x, int digits)
{
	static char out[128];
	struct csm_buf b;

	csm_buf_init(&b);
	csm_buf_adds(&b, "");
	csm_fmt_grouped(x, digits, &b);
	snprintf(out, sizeof(out), "%s", b.s);
	csm_buf_release(&b);
	return out;
}

static const char *
real(double x, int maxdigits)
{
	static char out[64];

	csm_fmt_real(x, maxdigits, out);
	return out;
}

static void
test_number_formats(void)
{
	T_EQ_STR(grouped(1234567.8, 0), "1,234,568");
	T_EQ_STR(grouped(-1234.5, 1), "-1,234.5");
	T_EQ_STR(grouped(999, 0), "999");
	T_EQ_STR(grouped(0, 2), "0.00");
	/* exponent form has no separators (it was "1e+,308") */
	T_EQ_STR(grouped(1e308, 0), "1e+308");
	T_EQ_STR(grouped(-1e308, 0), "-1e+308");
	T_EQ_STR(grouped(1e300, 0), "1e+300");	/* not 1.0000000000000001e+300 */
	T_EQ_STR(grouped(-1.7976931348623157e308, 0), "-1.7976931348623157e+308");
	T_EQ_STR(grouped(HUGE_VAL, 0), "n/a");
	T_EQ_STR(grouped(NAN, 0), "n/a");

	T_EQ_STR(real(0.180555555, 6), "0.180556");
	T_EQ_STR(real(12.5, 6), "12.5");
	T_EQ_STR(real(40, 6), "40");
	T_EQ_STR(real(-0.0000001, 6), "0");
	T_EQ_STR(real(2.50, 2), "2.5");
	T_EQ_STR(real(1e308, 6), "1e+308");
	T_EQ_STR(real(1e300, 6), "1e+300");
	T_EQ_STR(real(2.5e299, 2), "2.5e+299");
	T_EQ_STR(real(-HUGE_VAL, 6), "");
	T_EQ_STR(real(NAN, 2), "");
}

static const char *
money(double x, int digits, const char *cur)
{
	static char out[128];
	struct csm_buf b;

	csm_buf_init(&b);
	csm_buf_adds(&b, "");
	csm_fmt_money(x, digits, cur, &b);
	snprintf(out, sizeof(out), "%s", b.s);
	csm_buf_release(&b);
	return out;
}

/*
 * Money for people in a currency: the symbol of a known code (any case),
 * another code in capitals and a space, a symbol as given (a space after
 * one that ends in a letter or a dot), the minus before it all, and no
 * "-$0" for an amount that rounds to 0.
 */
static void
test_money(void)
{
	T_EQ_STR(money(1234.5, 0, NULL), "$1,235");
	T_EQ_STR(money(1234.5, 0, ""), "$1,235");
	T_EQ_STR(money(-1200, 0, "USD"), "-$1,200");
	T_EQ_STR(money(85, 0, "EUR"), "\342\202\25485");
	T_EQ_STR(money(85, 0, "eur"), "\342\202\25485");
	T_EQ_STR(money(-1234567.891, 2, "GBP"), "-\302\2431,234,567.89");
	T_EQ_STR(money(3000, 0, "CAD"), "CA$3,000");
	T_EQ_STR(money(1200, 0, "CHF"), "CHF 1,200");
	T_EQ_STR(money(1200, 0, "chf"), "CHF 1,200");
	T_EQ_STR(money(-1200, 0, "chf"), "-CHF 1,200");
	T_EQ_STR(money(1200, 0, "kr"), "kr 1,200");
	T_EQ_STR(money(1200, 0, "R$"), "R$1,200");
	T_EQ_STR(money(1200, 0, "Fr."), "Fr. 1,200");
	T_EQ_STR(money(1200, 0, "\342\202\254"), "\342\202\2541,200");
	T_EQ_STR(money(-0.4, 0, "USD"), "$0");
	T_EQ_STR(money(-0.5, 0, "USD"), "-$1");
	T_EQ_STR(money(1e300, 0, "USD"), "$1e+300");
	T_EQ_STR(money(NAN, 0, "USD"), "n/a");
	T_EQ_STR(money(-HUGE_VAL, 0, "EUR"), "n/a");
}

int
main(void)
{
	T_RUN(test_templates);
	T_RUN(test_nonfinite);
	T_RUN(test_number_formats);
	T_RUN(test_money);
	T_END();
}

/*
 * t-svg.c: charts (svg.c): the Unicode sparkline's levels, worked out by
 * hand, the SVG sparkline's exact text for a small series, the line
 * chart's ticks, labels and legend, its bars, intervals and axis titles,
 * and, for series of extreme values (+-1e308, the largest double, inf,
 * nan), charts whose every number is finite and inside the picture.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "csm.h"
#include "t.h"
#include "tcap.h"

static const char *
spark(const double *v, const unsigned char *has, size_t n)
{
	static char out[256];
	struct csm_buf b;

	csm_buf_init(&b);
	csm_buf_adds(&b, "");
	csm_spark_text(v, has, n, &b);
	snprintf(out, sizeof(out), "%s", b.s);
	csm_buf_release(&b);
	return out;
}

#define B1 "\342\226\201"
#define B2 "\342\226\202"
#define B4 "\342\226\204"
#define B5 "\342\226\205"
#define B6 "\342\226\206"
#define B8 "\342\226\210"
#define DOT "\302\267"

static void
test_spark_text(void)
{
	static const double active[] = {60, 72, 85}, logins[] = {2000, 2400,
		2600}, tickets[] = {10, 5, 4}, nps[] = {7, 0, 8}, flat[] = {5, 5},
	    extreme[] = {1e308, -1e308}, extreme3[] = {1e308, -1e308, 0},
	    limits[] = {DBL_MAX, -DBL_MAX, 0}, odd[] = {INFINITY, 1, NAN, 2,
		-INFINITY};
	static const unsigned char nps_has[] = {1, 0, 1};

	/* level = round((v - min) / (max - min) * 7): 0, 3.36 -> 3, 7 */
	T_EQ_STR(spark(active, NULL, 3), B1 B4 B8);
	/* 0, 400/600*7 = 4.67 -> 5, 7 */
	T_EQ_STR(spark(logins, NULL, 3), B1 B6 B8);
	/* 7, 1/6*7 = 1.17 -> 1, 0 */
	T_EQ_STR(spark(tickets, NULL, 3), B8 B2 B1);
	T_EQ_STR(spark(nps, nps_has, 3), B1 DOT B8);
	/* all equal: the middle level, 3 */
	T_EQ_STR(spark(flat, NULL, 2), B4 B4);
	/* 1e308 then -1e308: the span overflows a double, the levels not */
	T_EQ_STR(spark(extreme, NULL, 2), B8 B1);
	/* 0 is half way: 3.5 -> 4 */
	T_EQ_STR(spark(extreme3, NULL, 3), B8 B1 B5);
	T_EQ_STR(spark(limits, NULL, 3), B8 B1 B5);
	/* what is not finite is missing; 1 and 2 are the range */
	T_EQ_STR(spark(odd, NULL, 5), DOT B1 DOT B8 DOT);
	T_EQ_STR(spark(NULL, NULL, 0), "");
}

static char *
svg_spark(const struct csm_spark *sp)
{
	struct tcap c;

	tcap_open(&c);
	csm_svg_spark(&c.o, sp);
	return tcap_read(&c, NULL);
}

static void
test_svg_spark(void)
{
	static const double v[] = {1, 3}, t[] = {2, 2};
	static const unsigned char thas[] = {0, 1}, nothas[] = {0, 0};
	struct csm_spark sp;
	char *s;

	/*
	 * 1 and 3, padded by 8% of 2: 0.84 to 3.16 over y 72 (bottom) to 10
	 * (top): y = 72 - (v - 0.84) / 2.32 * 62: 1 -> 67.724, 3 -> 14.276.
	 * x: 8 and 292, the ends.
	 */
	memset(&sp, 0, sizeof(sp));
	sp.n = 2;
	sp.v = v;
	sp.first = "Q1";
	sp.last = "Q<2>";
	s = svg_spark(&sp);
	T_EQ_STR(s, "<svg viewBox=\"0 0 300 96\" role=\"img\" "
	    "aria-label=\"trend\" xmlns=\"http://www.w3.org/2000/svg\">\n"
	    "<line x1=\"8\" y1=\"76\" x2=\"292\" y2=\"76\" stroke=\"#e2e8f0\"/>\n"
	    "<path fill=\"none\" d=\"M8.0 67.7 L292.0 14.3\" stroke=\"#2563eb\" "
	    "stroke-width=\"2.5\" stroke-linejoin=\"round\" "
	    "stroke-linecap=\"round\"/>\n"
	    "<circle cx=\"8.0\" cy=\"67.7\" r=\"2.5\" fill=\"#fff\" "
	    "stroke=\"#2563eb\" stroke-width=\"2\"/>\n"
	    "<text x=\"8.0\" y=\"90\" font-size=\"10\" fill=\"#94a3b8\" "
	    "text-anchor=\"start\">Q1</text>\n"
	    "<circle cx=\"292.0\" cy=\"14.3\" r=\"4\" fill=\"#2563eb\" "
	    "stroke=\"#2563eb\" stroke-width=\"2\"/>\n"
	    "<text x=\"292.0\" y=\"90\" font-size=\"10\" fill=\"#94a3b8\" "
	    "text-anchor=\"end\">Q&lt;2&gt;</text>\n"
	    "</svg>\n");
	free(s);

	/* a target of 2 in the second period only: a dashed path of one
	 * point (M292.0 41.0: 72 - 1.16 / 2.32 * 62 = 41), drawn first */
	sp.t = t;
	sp.thas = thas;
	s = svg_spark(&sp);
	T_OK(strstr(s, "<path fill=\"none\" d=\"M292.0 41.0\" "
	    "stroke=\"#94a3b8\" stroke-width=\"1.5\" "
	    "stroke-dasharray=\"5 4\"/>\n<path fill=\"none\" "
	    "d=\"M8.0 67.7 L292.0 14.3\"") != NULL);
	free(s);

	/* targets given, none there: no dashed line at all */
	sp.thas = nothas;
	s = svg_spark(&sp);
	T_OK(strstr(s, "stroke-dasharray") == NULL);
	T_OK(strstr(s, "d=\"M8.0 67.7 L292.0 14.3\"") != NULL);
	free(s);
}

/* Every number in a coordinate attribute is finite and in the picture. */
static void
check_numbers(const char *s, double w, double h)
{
	static const char *const attrs[] = {" x=\"", " y=\"", " x1=\"",
		" y1=\"", " x2=\"", " y2=\"", " cx=\"", " cy=\"", " r=\"",
		" d=\"", " viewBox=\"", " width=\"", " height=\"",
		" transform=\"", NULL};
	const char *p, *q;
	double d;
	char *end;
	size_t i;

	if (strstr(s, "nan") || strstr(s, "inf") || strstr(s, "NaN"))
		T_FAIL("nan or inf in %s", s);
	for (i = 0; attrs[i] != NULL; i++)
		for (p = s; (p = strstr(p, attrs[i])) != NULL; ) {
			p += strlen(attrs[i]);
			q = strchr(p, '"');
			while (p < q) {
				if (*p != '-' && (*p < '0' || *p > '9')) {
					p++;
					continue;
				}
				d = strtod(p, &end);
				if (!isfinite(d) || d < 0 ||
				    d > (w > h ? w : h) + 1)
					T_FAIL("out of the picture: %.40s", p);
				p = end > p ? end : p + 1;
			}
		}
}

static void
test_extremes(void)
{
	static const double pool[] = {1e308, -1e308, DBL_MAX, -DBL_MAX, 0,
		1e-308, -5e-324, INFINITY, -INFINITY, NAN, 42, -1, 1e300};
	double v[6], t[6];
	const size_t np = sizeof(pool) / sizeof(pool[0]);
	struct csm_spark sp;
	struct csm_line ln[2];
	struct csm_span sp2[2];
	struct csm_chart ch;
	struct tcap c;
	size_t i, k, n;
	char *s;

	srand(7);
	for (i = 0; i < 400; i++) {
		n = 1 + (size_t)rand() % 6;
		for (k = 0; k < n; k++) {
			v[k] = pool[(size_t)rand() % np];
			t[k] = pool[(size_t)rand() % np];
		}
		memset(&sp, 0, sizeof(sp));
		sp.n = n;
		sp.v = v;
		sp.t = i % 2 ? t : NULL;
		s = svg_spark(&sp);
		check_numbers(s, 300, 96);
		free(s);
		s = (char *)spark(v, NULL, n);
		T_OK(strstr(s, "nan") == NULL);
		memset(&ch, 0, sizeof(ch));
		memset(ln, 0, sizeof(ln));
		ln[0].v = v;
		ln[1].v = t;
		ch.n = n;
		ch.line = ln;
		ch.nline = 2;
		tcap_open(&c);
		csm_svg_chart(&c.o, &ch);
		s = tcap_read(&c, NULL);
		check_numbers(s, 640, 280);
		free(s);
		/* the same as bars, with the values' own intervals (extreme
		 * ends included) and titled axes */
		ch.bars = 1;
		ch.span = sp2;
		sp2[0].lo = t;
		sp2[0].hi = v;
		sp2[1].lo = v;
		sp2[1].hi = t;
		ch.xlabel = "x";
		ch.ylabel = "y";
		tcap_open(&c);
		csm_svg_chart(&c.o, &ch);
		s = tcap_read(&c, NULL);
		check_numbers(s, 640, 280);
		free(s);
	}
}

static char *
chart(const struct csm_chart *ch)
{
	struct tcap c;

	tcap_open(&c);
	csm_svg_chart(&c.o, ch);
	return tcap_read(&c, NULL);
}

static void
test_chart(void)
{
	static const double nrr[] = {100, 105, 98}, grr[] = {90, 92, 95},
	    money[] = {0, 1250000, 1300000}, extreme[] = {1e308, -1e308, 5};
	static const unsigned char grr_has[] = {1, 0, 1};
	static const char *const x[] = {"2026-01", "2026-02", "2026-03"};
	struct csm_line ln[2] = {{"NRR", nrr, NULL}, {"GRR <net>", grr,
		grr_has}};
	struct csm_chart ch;
	char *s;

	memset(&ch, 0, sizeof(ch));
	ch.title = "NRR & GRR";
	ch.unit = "%";
	ch.x = x;
	ch.n = 3;
	ch.line = ln;
	ch.nline = 2;
	s = chart(&ch);
	/*
	 * 90 to 105: a quarter of 15 is 3.75, the step 5: ticks 90, 95,
	 * 100, 105 from y 244 (280 - 36) up to 40, 68 apart.
	 */
	T_OK(strncmp(s, "<svg viewBox=\"0 0 640 280\" role=\"img\" "
	    "aria-label=\"NRR &amp; GRR\"", 64) == 0);
	T_OK(strstr(s, "y1=\"244.0\" x2=\"612\" y2=\"244.0\" "
	    "stroke=\"#94a3b8\"/>\n<text x=\"58\" y=\"248.0\" font-size=\"11\" "
	    "fill=\"#64748b\" text-anchor=\"end\">90%</text>") != NULL);
	T_OK(strstr(s, ">95%</text>") != NULL);
	T_OK(strstr(s, "y=\"112.0\" font-size=\"11\" fill=\"#64748b\" "
	    "text-anchor=\"end\">100%</text>") != NULL);
	T_OK(strstr(s, "y=\"44.0\" font-size=\"11\" fill=\"#64748b\" "
	    "text-anchor=\"end\">105%</text>") != NULL);
	/* x labels at 64, 338 and 612 (640 less a margin of 28) */
	T_OK(strstr(s, "<text x=\"338.0\" y=\"262\" font-size=\"11\" "
	    "fill=\"#64748b\" text-anchor=\"middle\">2026-02</text>") != NULL);
	/* NRR: 100 -> y 108, 105 -> 40, 98 -> 135.2; GRR breaks at the
	 * missing value: two moves, no line */
	T_OK(strstr(s, "d=\"M64.0 108.0 L338.0 40.0 L612.0 135.2\"") != NULL);
	T_OK(strstr(s, "d=\"M64.0 244.0M612.0 176.0\"") != NULL);
	/* the legend, escaped */
	T_OK(strstr(s, ">NRR</text>") != NULL);
	T_OK(strstr(s, ">GRR &lt;net&gt;</text>") != NULL);
	T_OK(strstr(s, "no data") == NULL);
	T_EQ_STR(s + strlen(s) - 7, "</svg>\n");
	free(s);

	/* nothing to draw */
	ch.nline = 0;
	s = chart(&ch);
	T_OK(strstr(s, ">no data</text>") != NULL);
	free(s);

	/* money: 0 to 1,300,000 in steps of 500,000 (a quarter of 1.3M is
	 * 325,000: the step 5 x 10^5), labels with thousands separators */
	ch.unit = NULL;
	ch.nline = 1;
	ln[0].v = money;
	s = chart(&ch);
	T_OK(strstr(s, ">0</text>") != NULL);
	T_OK(strstr(s, ">500,000</text>") != NULL);
	T_OK(strstr(s, ">1,500,000</text>") != NULL);
	free(s);

	/* +-1e308: measured at 1/8 scale, +-1.25e307: a quarter of the span
	 * is 6.25e306, the step 1e307 (8e307 at full scale), the ticks
	 * -2e307 to 2e307: -1.6e+308 to 1.6e+308, two digits tell them apart */
	ln[0].v = extreme;
	s = chart(&ch);
	T_OK(strstr(s, ">1.6e+308</text>") != NULL);
	T_OK(strstr(s, ">-1.6e+308</text>") != NULL);
	T_OK(strstr(s, ">0</text>") != NULL);
	free(s);
}

static size_t
count(const char *s, const char *sub)
{
	size_t n = 0;

	while ((s = strstr(s, sub)) != NULL) {
		n++;
		s++;
	}
	return n;
}

static void
test_bars(void)
{
	static const double nrr[] = {104, 98, 110}, grr[] = {90, 85, 92},
	    glo[] = {88, 80, 91}, ghi[] = {92, 89, 95}, neg[] = {-20};
	static const char *const x[] = {"Enterprise", "Mid-Market",
	    "A segment with a long name"};
	struct csm_line ln[2] = {{"NRR", nrr, NULL}, {"GRR", grr, NULL}};
	struct csm_span sp[2] = {{NULL, NULL}, {glo, ghi}};
	struct csm_chart ch;
	char *s;

	memset(&ch, 0, sizeof(ch));
	ch.unit = "%";
	ch.x = x;
	ch.n = 3;
	ch.line = ln;
	ch.nline = 2;
	ch.bars = 1;
	ch.span = sp;
	s = chart(&ch);
	/*
	 * Bars hold 0: 0 to 110, a quarter is 27.5, the step 50: ticks 0,
	 * 50, 100, 150, y 244 down to 40 (204 for 150: 1.36 a point).
	 * Slots of 548 / 3 = 182.667, bars in the middle 72% (131.52), two
	 * of 65.76, drawn 63.76 wide.  NRR's first bar is centred at 64 +
	 * (182.667 - 131.52) / 2 + 65.76 / 2 = 122.453 (x 90.573), its top
	 * at 244 - 104 x 1.36 = 102.56, 141.44 high.
	 */
	T_OK(strstr(s, "<rect x=\"90.6\" y=\"102.6\" width=\"63.8\" "
	    "height=\"141.4\" fill=\"#2563eb\"/>") != NULL);
	T_OK(strstr(s, ">150%</text>") != NULL);
	/*
	 * GRR's second bar is centred at 64 + 182.667 + 25.573 + 65.76 x 1.5
	 * = 370.88, its interval 80 (y 135.2) to 89 (y 122.96), caps 4 each
	 * side; NRR has no interval
	 */
	T_OK(strstr(s, "d=\"M370.9 135.2 L370.9 123.0 M366.9 135.2 L374.9 "
	    "135.2 M366.9 123.0 L374.9 123.0\"") != NULL);
	T_EQ_INT(count(s, "stroke-width=\"1.5\""), 3);
	/* every label in the middle of its slot: the third cut to
	 * (182.667 - 6) / 6.5 = 27 columns, the last an ellipsis */
	T_OK(strstr(s, "<text x=\"155.3\" y=\"262\" font-size=\"11\" "
	    "fill=\"#64748b\" text-anchor=\"middle\">Enterprise</text>")
	    != NULL);
	T_OK(strstr(s, ">A segment with a long name</text>") != NULL);
	/* its value inside its top, 13 down, in white */
	T_OK(strstr(s, "<text x=\"122.5\" y=\"115.6\" font-size=\"10\" "
	    "fill=\"#fff\" text-anchor=\"middle\">104.0%</text>") != NULL);
	/* GRR's bars have whiskers at their ends: their values go to the
	 * base, 5 above 0 (y 239); the first GRR bar is centred at 64 +
	 * 25.573 + 65.76 x 1.5 = 188.213 */
	T_OK(strstr(s, "<text x=\"188.2\" y=\"239.0\" font-size=\"10\" "
	    "fill=\"#fff\" text-anchor=\"middle\">90.0%</text>") != NULL);
	/* square swatches in the legend */
	T_OK(strstr(s, "<rect x=\"64\" y=\"10\" width=\"12\" "
	    "height=\"12\" fill=\"#2563eb\"/>") != NULL);
	T_OK(strstr(s, "<path fill=\"none\" stroke=\"#2563eb\"") == NULL);
	free(s);

	/* a narrower chart cuts the long label: a plot 232 - 28 - 64 = 140
	 * wide, slots of 46.667, (46.667 - 6) / 6.5 = 6 columns, 5 and the
	 * ellipsis */
	ch.width = 232;
	s = chart(&ch);
	T_OK(strstr(s, ">A seg\342\200\246</text>") != NULL);
	T_OK(strstr(s, ">Enter\342\200\246</text>") != NULL);
	free(s);

	/*
	 * A bar below 0 hangs from it, its value inside its lower end: -20
	 * gives the step 5, ticks -20 (y 244) to 0 (y 40); one bar of 548 x
	 * 0.72 - 2 = 392.56 centred at 338, its label 5 above its end
	 */
	memset(&ch, 0, sizeof(ch));
	ch.x = x;
	ch.n = 1;
	ch.line = ln;
	ch.nline = 1;
	ch.bars = 1;
	ln[0].v = neg;
	s = chart(&ch);
	T_OK(strstr(s, "<rect x=\"141.7\" y=\"40.0\" width=\"392.6\" "
	    "height=\"204.0\" fill=\"#2563eb\"/>\n<text x=\"338.0\" "
	    "y=\"239.0\" font-size=\"10\" fill=\"#fff\" "
	    "text-anchor=\"middle\">-20.0</text>") != NULL);
	free(s);
}

static void
test_axis_titles(void)
{
	static const double v[] = {90, 105};
	static const char *const x[] = {"2026-01", "2026-02"};
	struct csm_line ln[1] = {{"NRR", v, NULL}};
	struct csm_chart ch;
	char *s;

	memset(&ch, 0, sizeof(ch));
	ch.x = x;
	ch.n = 2;
	ch.line = ln;
	ch.nline = 1;
	ch.xlabel = "period <end>";
	ch.ylabel = "NRR (%)";
	s = chart(&ch);
	/*
	 * The titles take room: the plot starts at 82 (not 64) and ends at
	 * 228 (not 244); the y title turned along the middle, (40 + 228) /
	 * 2 = 134; the x one 34 under the axis, in the middle of 82..612
	 */
	T_OK(strstr(s, "<line x1=\"82\" y1=\"228.0\" x2=\"612\"") != NULL);
	T_OK(strstr(s, "<text x=\"347.0\" y=\"262\" font-size=\"11\" "
	    "fill=\"#475569\" text-anchor=\"middle\">period &lt;end&gt;"
	    "</text>") != NULL);
	T_OK(strstr(s, "<text transform=\"translate(14 134.0) rotate(270)\" "
	    "font-size=\"11\" fill=\"#475569\" text-anchor=\"middle\">"
	    "NRR (%)</text>") != NULL);
	/* the line's ends at the plot's edges */
	T_OK(strstr(s, "d=\"M82.0 ") != NULL);
	free(s);
}

int
main(void)
{
	T_RUN(test_spark_text);
	T_RUN(test_svg_spark);
	T_RUN(test_extremes);
	T_RUN(test_chart);
	T_RUN(test_bars);
	T_RUN(test_axis_titles);
	T_END();
}

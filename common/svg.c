/*
 * svg.c: charts for reports.  A sparkline as Unicode blocks for Markdown
 * (csm_spark_text) or as a small inline SVG for HTML (csm_svg_spark), and
 * a chart with labelled axes, several series and a legend, as lines or
 * as groups of bars, with intervals as whiskers (csm_svg_chart).
 *
 * Each is safe by construction: a value that is not finite counts as
 * missing, the range of the values is measured in scaled units so that
 * 1e308 next to -1e308 does not overflow, every level is clamped to the
 * blocks there are, and every coordinate written is a finite number
 * inside the picture.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "csm.h"

/* Whether value i of a series is there and usable. */
static int
present(const double *v, const unsigned char *has, size_t i)
{
	return (has == NULL || has[i]) && isfinite(v[i]);
}

/*
 * The scale at which a range of values is measured: 1, or for values near
 * the limits of a double a fraction that keeps hi - lo (and a margin
 * around it) finite.
 */
static double
scale_of(double lo, double hi)
{
	return fabs(lo) > 1e300 || fabs(hi) > 1e300 ? 0.125 : 1;
}

/*
 * Widens lo..hi to the present values of a series; any says whether it
 * holds values already.  Returns whether it does now.
 */
static int
range(const double *v, const unsigned char *has, size_t n, double *lo,
    double *hi, int any)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!present(v, has, i))
			continue;
		if (!any || v[i] < *lo)
			*lo = v[i];
		if (!any || v[i] > *hi)
			*hi = v[i];
		any = 1;
	}
	return any;
}

/* ---- the Unicode sparkline ---------------------------------------------- */

static const char *const blocks[] = {"\342\226\201", "\342\226\202",
	"\342\226\203", "\342\226\204", "\342\226\205", "\342\226\206",
	"\342\226\207", "\342\226\210"};

void
csm_spark_text(const double *v, const unsigned char *has, size_t n,
    struct csm_buf *b)
{
	double lo = 0, hi = 0, s, t;
	size_t i;
	int level;

	range(v, has, n, &lo, &hi, 0);
	s = scale_of(lo, hi);
	for (i = 0; i < n; i++) {
		if (!present(v, has, i)) {
			csm_buf_adds(b, "\302\267");
			continue;
		}
		level = 3;
		if (hi > lo) {
			t = (v[i] * s - lo * s) / (hi * s - lo * s) * 7;
			t = csm_round(t, 0);
			level = !(t > 0) ? 0 : t >= 7 ? 7 : (int)t;
		}
		csm_buf_adds(b, blocks[level]);
	}
}

/* ---- the SVG sparkline -------------------------------------------------- */

/* The y of scaled value v in a chart from top to bottom (lo..hi). */
static double
chart_y(double v, double lo, double hi, double top, double bottom)
{
	double y = bottom - (v - lo) / (hi - lo) * (bottom - top);

	/* a span that underflows (subnormal values) gives nan: the middle */
	if (!isfinite(y))
		return (top + bottom) / 2;
	return y < 0 ? 0 : y > bottom + top ? bottom + top : y;
}

static double
spark_x(size_t k, size_t n, double left, double right)
{
	return n > 1 ? left + (right - left) * (double)k / (double)(n - 1) :
	    (left + right) / 2;
}

/* One line of the sparkline as a path; a missing value breaks it. */
static void
spark_path(struct csm_out *o, const double *v, const unsigned char *has,
    size_t n, double s, double lo, double hi, int target)
{
	const double left = 8, right = 292, top = 10, bottom = 72;
	size_t k;
	int pen = 0;

	csm_out_puts(o, "<path fill=\"none\" d=\"");
	for (k = 0; k < n; k++) {
		if (!present(v, has, k)) {
			pen = 0;
			continue;
		}
		csm_out_printf(o, "%s%.1f %.1f", pen ? " L" : "M",
		    spark_x(k, n, left, right),
		    chart_y(v[k] * s, lo, hi, top, bottom));
		pen = 1;
	}
	csm_out_puts(o, target ? "\" stroke=\"#94a3b8\" stroke-width=\"1.5\""
	    " stroke-dasharray=\"5 4\"/>\n" : "\" stroke=\"#2563eb\" "
	    "stroke-width=\"2.5\" stroke-linejoin=\"round\" "
	    "stroke-linecap=\"round\"/>\n");
}

void
csm_svg_spark(struct csm_out *o, const struct csm_spark *sp)
{
	const double w = 300, h = 96, left = 8, right = 292, top = 10,
	    bottom = 72;
	double lo = 0, hi = 0, s, pad, x;
	size_t k, n = sp->n;
	int any, anyt = 0;

	any = range(sp->v, sp->has, n, &lo, &hi, 0);
	if (sp->t != NULL) {
		for (k = 0; k < n && !anyt; k++)
			anyt = present(sp->t, sp->thas, k);
		any = range(sp->t, sp->thas, n, &lo, &hi, any);
	}
	s = scale_of(lo, hi);
	lo *= s;
	hi *= s;
	pad = hi > lo ? (hi - lo) * 0.08 : (lo != 0 ? fabs(lo) * 0.1 : 1);
	lo -= pad;
	hi += pad;
	if (!(hi > lo)) {	/* a margin too small to tell apart */
		lo -= 1;
		hi += 1;
	}
	csm_out_printf(o, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	    "aria-label=\"trend\" xmlns=\"http://www.w3.org/2000/svg\">\n",
	    w, h);
	csm_out_printf(o, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" "
	    "y2=\"%.0f\" stroke=\"#e2e8f0\"/>\n", left, bottom + 4, right,
	    bottom + 4);
	if (anyt)
		spark_path(o, sp->t, sp->thas, n, s, lo, hi, 1);
	if (any)
		spark_path(o, sp->v, sp->has, n, s, lo, hi, 0);
	for (k = 0; k < n; k++) {
		x = spark_x(k, n, left, right);
		if (present(sp->v, sp->has, k))
			csm_out_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" "
			    "r=\"%s\" fill=\"%s\" stroke=\"#2563eb\" "
			    "stroke-width=\"2\"/>\n", x,
			    chart_y(sp->v[k] * s, lo, hi, top, bottom),
			    k + 1 == n ? "4" : "2.5",
			    k + 1 == n ? "#2563eb" : "#fff");
		if ((k == 0 && sp->first != NULL) ||
		    (k + 1 == n && sp->last != NULL)) {
			csm_out_printf(o, "<text x=\"%.1f\" y=\"%.0f\" "
			    "font-size=\"10\" fill=\"#94a3b8\" "
			    "text-anchor=\"%s\">", x, h - 6,
			    n == 1 ? "middle" : k == 0 ? "start" : "end");
			csm_html_escz(o, k == 0 ? sp->first : sp->last);
			csm_out_puts(o, "</text>\n");
		}
	}
	csm_out_puts(o, "</svg>\n");
}

/* ---- the line chart ----------------------------------------------------- */

static const char *const palette[] = {"#2563eb", "#16a34a", "#dc2626",
	"#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#475569",
	"#92400e"};

#define NPALETTE (sizeof(palette) / sizeof(palette[0]))

/* A step for about four intervals over span: 1, 2 or 5 times 10^k. */
static double
nice_step(double span)
{
	double raw = span / 4, mag = pow(10, floor(log10(raw))), f = raw / mag;

	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/*
 * The label of a tick: v with as many decimals as the step needs and
 * thousands separators (1,250,000; 0.25); past 10^15, in exponent form with
 * as many digits as tell the ticks apart (1.6e+308).
 */
static void
tick_label(double v, double step, double maxabs, const char *unit,
    struct csm_buf *b)
{
	char tmp[64];
	double m;
	int digits, prec;

	if (maxabs >= 1e15) {
		prec = (int)ceil(log10(maxabs / step)) + 1;
		prec = prec < 1 ? 1 : prec > 15 ? 15 : prec;
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		csm_buf_adds(b, tmp);
	} else {
		for (digits = 0; digits < 6; digits++) {
			m = step * pow(10, digits);
			if (fabs(m - csm_round(m, 0)) <= 1e-6 * fmax(1, m))
				break;
		}
		csm_fmt_grouped(v, digits, b);
	}
	if (unit != NULL)
		csm_buf_adds(b, unit);
}

/* Where a chart draws: its plot area, and its y range in scaled units. */
struct frame {
	double left, right, top, bottom;
	double lo, hi, s;
};

/*
 * The x of value k of series i: on a line, evenly from edge to edge; as a
 * bar, the middle of bar i in the k-th of n slots.
 */
static double
value_x(const struct csm_chart *c, const struct frame *f, size_t k,
    size_t i)
{
	double sw, gw;

	if (!c->bars)
		return spark_x(k, c->n, f->left, f->right);
	sw = (f->right - f->left) / (double)c->n;
	gw = sw * 0.72;
	return f->left + sw * (double)k + (sw - gw) / 2 +
	    gw / (double)c->nline * ((double)i + 0.5);
}

/* The y range of every series and interval: any says whether one is. */
static int
chart_range(const struct csm_chart *c, double *lo, double *hi)
{
	size_t i;
	int any = 0;

	for (i = 0; i < c->nline; i++) {
		any = range(c->line[i].v, c->line[i].has, c->n, lo, hi, any);
		if (c->span == NULL)
			continue;
		if (c->span[i].lo != NULL)
			any = range(c->span[i].lo, NULL, c->n, lo, hi, any);
		if (c->span[i].hi != NULL)
			any = range(c->span[i].hi, NULL, c->n, lo, hi, any);
	}
	if (any && c->bars) {
		*lo = fmin(*lo, 0);
		*hi = fmax(*hi, 0);
	}
	return any;
}

/*
 * Writes at most maxcols columns of s, escaped, ending with U+2026 when
 * it had to be cut.
 */
static void
fit_text(struct csm_out *o, const char *s, size_t maxcols)
{
	size_t n = strlen(s), i = 0, k, cols = 0, w;
	int bad;

	if (csm_utf8_width(s, n) <= maxcols) {
		csm_html_esc(o, s, n);
		return;
	}
	while (i < n) {
		k = csm_utf8_scan(s + i, n - i, &bad);
		w = csm_utf8_width(s + i, k);
		if (cols + w + 1 > maxcols)
			break;
		cols += w;
		i += k;
	}
	csm_html_esc(o, s, i);
	csm_out_puts(o, "\342\200\246");
}

/* Every bar's x label, in the middle of its slot, cut to fit it. */
static void
bar_labels(struct csm_out *o, const struct csm_chart *c, const struct frame *f)
{
	double sw = (f->right - f->left) / (double)c->n;
	size_t k, maxcols = sw > 20 ? (size_t)((sw - 6) / 6.5) : 1;

	for (k = 0; k < c->n; k++) {
		csm_out_printf(o, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" "
		    "fill=\"#64748b\" text-anchor=\"middle\">", f->left + sw *
		    ((double)k + 0.5), f->bottom + 18);
		if (c->x != NULL && c->x[k] != NULL)
			fit_text(o, c->x[k], maxcols);
		csm_out_puts(o, "</text>\n");
	}
}

/*
 * Series i as bars from 0, one in each slot where it has a value, each
 * with its value written inside its end when there is room (one decimal
 * below 1,000, none from there, then the unit).
 */
static void
draw_bars(struct csm_out *o, const struct csm_chart *c,
    const struct frame *f, size_t i, struct csm_buf *b)
{
	const struct csm_line *ln = &c->line[i];
	double bw, x, y0, y1, v;
	size_t k;

	bw = (f->right - f->left) / (double)c->n * 0.72 / (double)c->nline;
	bw = bw > 3 ? bw - 2 : bw;
	y0 = chart_y(0, f->lo, f->hi, f->top, f->bottom);
	for (k = 0; k < c->n; k++) {
		if (!present(ln->v, ln->has, k))
			continue;
		v = ln->v[k];
		x = value_x(c, f, k, i);
		y1 = chart_y(v * f->s, f->lo, f->hi, f->top, f->bottom);
		csm_out_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"%s\"/>\n", x - bw / 2,
		    y1 < y0 ? y1 : y0, bw, fabs(y1 - y0), palette[i %
		    NPALETTE]);
		if (bw < 34 || fabs(y1 - y0) < 18)
			continue;
		csm_buf_reset(b);
		csm_fmt_grouped(v, fabs(v) < 1000 ? 1 : 0, b);
		if (c->unit != NULL)
			csm_buf_adds(b, c->unit);
		/* at the bar's end, or at its base when a whisker is there */
		if (c->span != NULL && c->span[i].lo != NULL &&
		    c->span[i].hi != NULL)
			y1 = y0 + (y1 < y0 ? -18 : 18);
		csm_out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" "
		    "fill=\"#fff\" text-anchor=\"middle\">", x, y1 < y0 ?
		    y1 + 13 : y1 - 5);
		csm_html_esc(o, b->s, b->len);
		csm_out_puts(o, "</text>\n");
	}
}

/* The intervals of series i: a vertical whisker with caps per value. */
static void
draw_span(struct csm_out *o, const struct csm_chart *c,
    const struct frame *f, size_t i)
{
	const struct csm_span *sp = &c->span[i];
	const char *col = c->bars ? "#1f2937" : palette[i % NPALETTE];
	double x, ylo, yhi;
	size_t k;

	if (sp->lo == NULL || sp->hi == NULL)
		return;
	for (k = 0; k < c->n; k++) {
		if (!present(sp->lo, NULL, k) || !present(sp->hi, NULL, k))
			continue;
		x = value_x(c, f, k, i);
		ylo = chart_y(sp->lo[k] * f->s, f->lo, f->hi, f->top,
		    f->bottom);
		yhi = chart_y(sp->hi[k] * f->s, f->lo, f->hi, f->top,
		    f->bottom);
		csm_out_printf(o, "<path fill=\"none\" stroke=\"%s\" "
		    "stroke-width=\"1.5\" d=\"M%.1f %.1f L%.1f %.1f M%.1f "
		    "%.1f L%.1f %.1f M%.1f %.1f L%.1f %.1f\"/>\n", col, x, ylo,
		    x, yhi, x - 4, ylo, x + 4, ylo, x - 4, yhi, x + 4, yhi);
	}
}

/* The axes' titles: the x one centred under the labels, the y one turned. */
static void
axis_titles(struct csm_out *o, const struct csm_chart *c,
    const struct frame *f)
{
	if (c->xlabel != NULL) {
		csm_out_printf(o, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" "
		    "fill=\"#475569\" text-anchor=\"middle\">",
		    (f->left + f->right) / 2, f->bottom + 34);
		csm_html_escz(o, c->xlabel);
		csm_out_puts(o, "</text>\n");
	}
	if (c->ylabel != NULL) {
		csm_out_printf(o, "<text transform=\"translate(14 %.1f) "
		    "rotate(270)\" font-size=\"11\" fill=\"#475569\" "
		    "text-anchor=\"middle\">", (f->top + f->bottom) / 2);
		csm_html_escz(o, c->ylabel);
		csm_out_puts(o, "</text>\n");
	}
}

void
csm_svg_chart(struct csm_out *o, const struct csm_chart *c)
{
	const double w = c->width > 0 ? c->width : 640,
	    h = c->height > 0 ? c->height : 280;
	const double left = c->ylabel != NULL ? 82 : 64, right = w - 28,
	    top = 40, bottom = h - (c->xlabel != NULL ? 52 : 36);
	double lo = 0, hi = 0, s, step, t0 = 0, dn, t, y, x, lx;
	struct csm_buf b;
	struct frame f;
	size_t i, k, every, nt;
	int any = 0, pen;

	any = chart_range(c, &lo, &hi);
	s = scale_of(lo, hi);
	lo *= s;
	hi *= s;
	if (!(hi > lo)) {
		double pad = lo != 0 ? fabs(lo) * 0.1 : 1;

		lo -= pad;
		hi += pad;
		if (!(hi > lo)) {
			lo -= 1;
			hi += 1;
		}
	}
	step = nice_step(hi - lo);
	dn = 0;
	if (isfinite(step) && step > 0) {
		t0 = floor(lo / step) * step;
		dn = csm_round((ceil(hi / step) * step - t0) / step, 0);
	}
	if (!(dn >= 1 && dn <= 12)) {
		step = (hi - lo) / 4;
		t0 = lo;
		dn = 4;
	}
	nt = (size_t)dn;
	lo = t0;
	hi = t0 + (double)nt * step;
	f.left = left;
	f.right = right;
	f.top = top;
	f.bottom = bottom;
	f.lo = lo;
	f.hi = hi;
	f.s = s;

	csm_buf_init(&b);
	csm_out_printf(o, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	    "aria-label=\"", w, h);
	csm_html_escz(o, c->title != NULL ? c->title : "chart");
	csm_out_puts(o, "\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "font-family=\"sans-serif\">\n");

	/* the y axis: grid lines and their labels */
	for (k = 0; k <= nt; k++) {
		t = t0 + (double)k * step;
		y = chart_y(t, lo, hi, top, bottom);
		csm_out_printf(o, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" "
		    "y2=\"%.1f\" stroke=\"%s\"/>\n", left, y, right, y,
		    k == 0 ? "#94a3b8" : "#e2e8f0");
		if (!isfinite(t / s))
			continue;
		csm_buf_reset(&b);
		tick_label(fabs(t) < step * 1e-9 ? 0 : t / s, step / s,
		    fmax(fabs(t0), fabs(t0 + (double)nt * step)) / s, c->unit,
		    &b);
		csm_out_printf(o, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" "
		    "fill=\"#64748b\" text-anchor=\"end\">", left - 6, y + 4);
		csm_html_esc(o, b.s, b.len);
		csm_out_puts(o, "</text>\n");
	}

	/* the x axis: at most eight labels, evenly spaced; every bar's */
	every = (c->n + 7) / 8;
	if (c->bars && c->n > 0)
		bar_labels(o, c, &f);
	for (k = 0; k < c->n && !c->bars; k += every) {
		x = spark_x(k, c->n, left, right);
		csm_out_printf(o, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" "
		    "fill=\"#64748b\" text-anchor=\"middle\">", x, bottom + 18);
		if (c->x != NULL && c->x[k] != NULL)
			csm_html_escz(o, c->x[k]);
		csm_out_puts(o, "</text>\n");
	}

	/* the series, each a path and a dot per value, or bars */
	for (i = 0; i < c->nline && c->bars && c->n > 0; i++)
		draw_bars(o, c, &f, i, &b);
	for (i = 0; i < c->nline && !c->bars; i++) {
		const struct csm_line *ln = &c->line[i];
		const char *col = palette[i % (sizeof(palette) /
		    sizeof(palette[0]))];

		pen = 0;
		csm_out_printf(o, "<path fill=\"none\" stroke=\"%s\" "
		    "stroke-width=\"2\" stroke-linejoin=\"round\" d=\"", col);
		for (k = 0; k < c->n; k++) {
			if (!present(ln->v, ln->has, k)) {
				pen = 0;
				continue;
			}
			csm_out_printf(o, "%s%.1f %.1f", pen ? " L" : "M",
			    spark_x(k, c->n, left, right),
			    chart_y(ln->v[k] * s, lo, hi, top, bottom));
			pen = 1;
		}
		csm_out_puts(o, "\"/>\n");
		for (k = 0; k < c->n; k++)
			if (present(ln->v, ln->has, k))
				csm_out_printf(o, "<circle cx=\"%.1f\" "
				    "cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n",
				    spark_x(k, c->n, left, right),
				    chart_y(ln->v[k] * s, lo, hi, top,
				    bottom), col);
	}

	for (i = 0; i < c->nline && c->n > 0 && c->span != NULL; i++)
		draw_span(o, c, &f, i);

	/* the legend, along the top */
	lx = left;
	for (i = 0; i < c->nline; i++) {
		const char *name = c->line[i].name != NULL ?
		    c->line[i].name : "";
		size_t len = strlen(name);

		if (c->bars)
			csm_out_printf(o, "<rect x=\"%.0f\" y=\"10\" "
			    "width=\"12\" height=\"12\" fill=\"%s\"/>\n", lx,
			    palette[i % NPALETTE]);
		else
			csm_out_printf(o, "<line x1=\"%.0f\" y1=\"16\" "
			    "x2=\"%.0f\" y2=\"16\" stroke=\"%s\" "
			    "stroke-width=\"3\"/>\n", lx, lx + 16,
			    palette[i % NPALETTE]);
		csm_out_printf(o, "<text x=\"%.0f\" y=\"20\" font-size=\"12\" "
		    "fill=\"#334155\">", lx + 22);
		csm_html_esc(o, name, len);
		csm_out_puts(o, "</text>\n");
		lx += 22 + 7.0 * (double)csm_utf8_width(name, len) + 18;
	}
	axis_titles(o, c, &f);
	if (!any)
		csm_out_printf(o, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" "
		    "fill=\"#94a3b8\" text-anchor=\"middle\">no data</text>\n",
		    (left + right) / 2, (top + bottom) / 2);
	csm_out_puts(o, "</svg>\n");
	csm_buf_release(&b);
}

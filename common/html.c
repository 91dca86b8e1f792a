/*
 * html.c: HTML pages.  Every page is one self-contained document (inline
 * CSS and SVG, no scripts, no remote resources) with the one shared
 * stylesheet, so that reports from every tool look alike and print well:
 * a page section (.qbr), KPI cards (.kpi, in a row of four or of k1, k2,
 * k3, k5), lists in cards (.card.good, .card.gap), metric cards with a
 * chart (.metric), tables with numeric columns (td.n) and notes under a
 * cell (.note), and status badges (.st-met, .st-missed, .band-red...).
 * Text from the data is escaped for text and attribute values alike, and
 * invalid UTF-8 becomes U+FFFD (utf8.c).  A page made to be printed adds
 * its paper's size and denser print rules; its parts (a section with its
 * header, KPI cards, lists, metric cards, tables) are written here, so a
 * tool hands over text and writes no markup.
 */
#include <stdlib.h>
#include <string.h>

#include "csm.h"

/* The shared stylesheet, in every page. */
const char csm_html_css[] =
    "*{box-sizing:border-box}\n"
    "html{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "body{margin:0;background:#eef1f5;color:#1f2937;font:14px/1.45 "
    "-apple-system,BlinkMacSystemFont,\"Segoe UI\",Roboto,\"Helvetica Neue\","
    "Arial,sans-serif}\n"
    ".qbr{max-width:1000px;margin:24px auto;background:#fff;padding:36px 44px;"
    "border-radius:10px;box-shadow:0 1px 3px rgba(15,23,42,.08),"
    "0 8px 24px rgba(15,23,42,.06)}\n"
    ".qbr>header{border-bottom:3px solid #1e3a5f;padding-bottom:14px;"
    "margin-bottom:22px}\n"
    ".eyebrow{text-transform:uppercase;letter-spacing:.08em;font-size:11px;"
    "font-weight:600;color:#64748b}\n"
    "h1{margin:4px 0 2px;font-size:28px;color:#0f172a;font-weight:700}\n"
    ".sub{color:#64748b;font-size:13px}\n"
    "h2{font-size:13px;text-transform:uppercase;letter-spacing:.07em;"
    "color:#1e3a5f;margin:26px 0 10px}\n"
    ".kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}\n"
    ".kpi{border:1px solid #e2e8f0;border-radius:8px;padding:12px 14px;"
    "background:#f8fafc}\n"
    ".kpi .k{font-size:11px;text-transform:uppercase;letter-spacing:.06em;"
    "color:#64748b;font-weight:600}\n"
    ".kpi .v{font-size:22px;font-weight:700;color:#0f172a;margin-top:2px}\n"
    ".kpi .d{font-size:12px;color:#64748b}\n"
    ".kpi.roi{background:#1e3a5f;border-color:#1e3a5f}\n"
    ".kpi.roi .k,.kpi.roi .d{color:#cbd5e1}.kpi.roi .v{color:#fff}\n"
    ".band{display:inline-block;font-size:11px;font-weight:600;padding:1px 8px;"
    "border-radius:10px;vertical-align:middle;background:#e2e8f0;color:#334155;"
    "text-transform:uppercase;letter-spacing:.04em}\n"
    ".band-green{background:#dcfce7;color:#166534}"
    ".band-yellow{background:#fef9c3;color:#854d0e}"
    ".band-red{background:#fee2e2;color:#991b1b}\n"
    ".cols{display:grid;grid-template-columns:1fr 1fr;gap:16px;"
    "margin-top:16px}\n"
    ".card{border-radius:8px;padding:4px 16px 10px;border:1px solid #e2e8f0}\n"
    ".card.good{border-left:4px solid #16a34a}"
    ".card.gap{border-left:4px solid #dc2626}\n"
    ".card h2{margin-top:12px}\n"
    ".card ul{margin:0;padding-left:18px}.card li{margin:4px 0}\n"
    ".none{color:#94a3b8;font-style:italic}\n"
    ".metrics{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}\n"
    ".metric{border:1px solid #e2e8f0;border-radius:8px;padding:10px 12px 8px;"
    "break-inside:avoid}\n"
    ".mh{display:flex;justify-content:space-between;align-items:center;"
    "font-size:12px;color:#475569;font-weight:600}\n"
    ".mv{font-size:20px;font-weight:700;color:#0f172a;margin:2px 0}\n"
    ".chg{font-size:12px;font-weight:600;margin-left:6px}\n"
    ".chg.better{color:#15803d}.chg.worse{color:#b91c1c}"
    ".chg.flat{color:#64748b}\n"
    ".st{font-size:10px;font-weight:700;text-transform:uppercase;"
    "letter-spacing:.05em;padding:1px 7px;border-radius:9px}\n"
    ".st-met{background:#dcfce7;color:#166534}"
    ".st-missed{background:#fee2e2;color:#991b1b}"
    ".st-none{background:#f1f5f9;color:#64748b}\n"
    ".metric svg{display:block;width:100%;height:auto;margin:4px 0 2px}\n"
    ".mt{font-size:11px;color:#64748b}\n"
    "table{border-collapse:collapse;width:100%;font-size:13px}\n"
    "th,td{padding:7px 10px;border-bottom:1px solid #e2e8f0;text-align:left}\n"
    "th{font-size:11px;text-transform:uppercase;letter-spacing:.05em;"
    "color:#64748b;font-weight:600}\n"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "tr.total td{font-weight:700;border-bottom:2px solid #1e3a5f}\n"
    ".value-summary{font-size:15px;margin:0 0 8px}\n"
    "ol.focus{margin:0;padding-left:22px}ol.focus li{margin:5px 0}\n"
    "footer{margin-top:26px;font-size:11px;color:#94a3b8;"
    "border-top:1px solid #e2e8f0;padding-top:8px}\n"
    "@page{size:A4;margin:12mm}\n"
    "@media print{body{background:#fff;font-size:12px}"
    ".qbr{box-shadow:none;margin:0;max-width:none;padding:0;border-radius:0;"
    "break-after:page;page-break-after:always}"
    ".qbr:last-of-type{break-after:auto;page-break-after:auto}"
    ".metric,.card,.kpi,table{break-inside:avoid;page-break-inside:avoid}}\n"
    "@media (max-width:720px){.kpis{grid-template-columns:1fr 1fr}"
    ".cols,.metrics{grid-template-columns:1fr}.qbr{padding:20px}}\n"
    ".kpis.k1{grid-template-columns:1fr}"
    ".kpis.k2{grid-template-columns:1fr 1fr}"
    ".kpis.k3{grid-template-columns:repeat(3,1fr)}"
    ".kpis.k5{grid-template-columns:repeat(5,1fr)}\n"
    ".note{color:#64748b;font-size:.9em}\n"
    "@media (max-width:720px){.kpis.k3,.kpis.k5{grid-template-columns:"
    "1fr 1fr}}\n";

void
csm_html_esc(struct csm_out *o, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, k;
	const char *ent;
	int bad;

	while (i < n) {
		if (u[i] >= 0x80) {
			k = csm_utf8_scan(s + i, n - i, &bad);
			if (bad) {
				csm_out_write(o, s + start, i - start);
				csm_out_write(o, CSM_UTF8_REPL, 3);
				csm_utf8_replaced();
				start = i + k;
			}
			i += k;
			continue;
		}
		switch (u[i]) {
		case '&':
			ent = "&amp;";
			break;
		case '<':
			ent = "&lt;";
			break;
		case '>':
			ent = "&gt;";
			break;
		case '"':
			ent = "&quot;";
			break;
		case '\'':
			ent = "&#39;";
			break;
		default:
			i++;
			continue;
		}
		csm_out_write(o, s + start, i - start);
		csm_out_puts(o, ent);
		start = ++i;
	}
	csm_out_write(o, s + start, n - start);
}

void
csm_html_escz(struct csm_out *o, const char *s)
{
	csm_html_esc(o, s, strlen(s));
}

void
csm_html_begin(struct csm_out *o, const char *title, const char *css)
{
	csm_out_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	csm_html_escz(o, title);
	csm_out_puts(o, "</title>\n<style>\n");
	csm_out_puts(o, csm_html_css);
	if (css != NULL)
		csm_out_puts(o, css);
	csm_out_puts(o, "</style>\n</head>\n<body>\n");
}

void
csm_html_end(struct csm_out *o)
{
	csm_out_puts(o, "</body>\n</html>\n");
}

/* ---- pages to print, and their parts ------------------------------------ */

/*
 * The print rules of a page, after the shared stylesheet (which they
 * override): the paper, and cards dense enough that a QBR of six metrics
 * with its lists fits one sheet of A4 or US letter.  The grids keep their
 * columns on paper, which a narrow screen's rules would take away.
 */
static const char *const paper_size[] = {"A4", "letter"};

static const char print_css[] =
    "@media print{body{font-size:10.5px;line-height:1.35}"
    ".qbr>header{padding-bottom:8px;margin-bottom:10px;border-bottom-width:2px}"
    "h1{font-size:21px;margin:2px 0 0}.sub{font-size:11px}"
    "h2{font-size:10.5px;margin:12px 0 6px}"
    ".kpis{grid-template-columns:repeat(4,1fr);gap:8px}"
    ".kpis.k3{grid-template-columns:repeat(3,1fr)}"
    ".kpis.k5{grid-template-columns:repeat(5,1fr)}"
    ".kpi{padding:6px 10px}.kpi .k{font-size:9px}"
    ".kpi .v{font-size:16px;margin-top:0}.kpi .d{font-size:10px}"
    ".cols{grid-template-columns:1fr 1fr;gap:10px;margin-top:10px}"
    ".card{padding:0 10px 6px}.card h2{margin-top:8px}.card li{margin:2px 0}"
    ".metrics{grid-template-columns:repeat(3,1fr);gap:8px}"
    ".metric{padding:6px 10px 5px}.mh{font-size:10.5px}"
    ".mv{font-size:15px;margin:0}.chg{font-size:10px}"
    ".metric svg{margin:2px 0 0}.mt{font-size:9.5px}"
    "th,td{padding:4px 8px}th{font-size:9px}table{font-size:10.5px}"
    "ol.focus li{margin:2px 0}"
    "footer{margin-top:10px;padding-top:4px;font-size:9px}}\n";

void
csm_html_page_begin(struct csm_out *o, const char *title, int paper,
    const char *css)
{
	struct csm_buf b;

	csm_buf_init(&b);
	csm_buf_printf(&b, "@page{size:%s;margin:12mm}\n",
	    paper_size[paper == CSM_PAPER_LETTER]);
	csm_buf_adds(&b, print_css);
	if (css != NULL)
		csm_buf_adds(&b, css);
	csm_html_begin(o, title, b.s);
	csm_buf_release(&b);
}

void
csm_html_section_begin(struct csm_out *o, const char *eyebrow,
    const char *title, const char *sub)
{
	csm_out_puts(o, "<section class=\"qbr\">\n<header>\n"
	    "<div class=\"eyebrow\">");
	csm_html_escz(o, eyebrow);
	csm_out_puts(o, "</div>\n<h1>");
	csm_html_escz(o, title);
	csm_out_puts(o, "</h1>\n");
	if (sub != NULL) {
		csm_out_puts(o, "<div class=\"sub\">");
		csm_html_escz(o, sub);
		csm_out_puts(o, "</div>\n");
	}
	csm_out_puts(o, "</header>\n");
}

void
csm_html_section_end(struct csm_out *o, const char *footer)
{
	if (footer != NULL) {
		csm_out_puts(o, "<footer>");
		csm_html_escz(o, footer);
		csm_out_puts(o, "</footer>\n");
	}
	csm_out_puts(o, "</section>\n");
}

void
csm_html_section_empty(struct csm_out *o, const char *text)
{
	csm_out_puts(o, "<section class=\"qbr\"><p class=\"none\">");
	csm_html_escz(o, text);
	csm_out_puts(o, "</p></section>\n");
}

void
csm_html_heading(struct csm_out *o, const char *text)
{
	csm_out_puts(o, "<h2>");
	csm_html_escz(o, text);
	csm_out_puts(o, "</h2>\n");
}

void
csm_html_div(struct csm_out *o, const char *cls)
{
	csm_out_puts(o, "<div class=\"");
	csm_html_escz(o, cls);
	csm_out_puts(o, "\">\n");
}

void
csm_html_div_end(struct csm_out *o)
{
	csm_out_puts(o, "</div>\n");
}

/* A class made of a name: its a-z and 0-9, at most 20 ("Green!" green). */
static void
name_class(struct csm_out *o, const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i < 20; i++)
		if ((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9'))
			csm_out_write(o, name + i, 1);
}

void
csm_html_kpis(struct csm_out *o, const struct csm_html_kpi *k, size_t n)
{
	size_t i;

	if (n == 4)
		csm_out_puts(o, "<div class=\"kpis\">\n");
	else
		csm_out_printf(o, "<div class=\"kpis k%zu\">\n", n);
	for (i = 0; i < n; i++) {
		csm_out_puts(o, "<div class=\"kpi");
		if (k[i].cls != NULL) {
			csm_out_puts(o, " ");
			csm_html_escz(o, k[i].cls);
		}
		csm_out_puts(o, "\"><div class=\"k\">");
		csm_html_escz(o, k[i].label);
		csm_out_puts(o, "</div><div class=\"v\">");
		csm_html_escz(o, k[i].value);
		if (k[i].badge != NULL) {
			csm_out_puts(o, " <span class=\"band band-");
			name_class(o, k[i].badge);
			csm_out_puts(o, "\">");
			csm_html_escz(o, k[i].badge);
			csm_out_puts(o, "</span>");
		}
		csm_out_puts(o, "</div>");
		if (k[i].detail != NULL) {
			csm_out_puts(o, "<div class=\"d\">");
			csm_html_escz(o, k[i].detail);
			csm_out_puts(o, "</div>");
		}
		csm_out_puts(o, "</div>\n");
	}
	csm_out_puts(o, "</div>\n");
}

/* The items of a list, or the none text when there are none. */
static void
list_items(struct csm_out *o, char *const *items, size_t n, int numbered,
    const char *none)
{
	size_t i;

	if (n == 0) {
		csm_out_puts(o, "<p class=\"none\">");
		csm_html_escz(o, none);
		csm_out_puts(o, "</p>\n");
		return;
	}
	csm_out_puts(o, numbered ? "<ol class=\"focus\">\n" : "<ul>\n");
	for (i = 0; i < n; i++) {
		csm_out_puts(o, "<li>");
		csm_html_escz(o, items[i]);
		csm_out_puts(o, "</li>\n");
	}
	csm_out_puts(o, numbered ? "</ol>\n" : "</ul>\n");
}

void
csm_html_list_card(struct csm_out *o, const char *tone, const char *title,
    char *const *items, size_t n, const char *none)
{
	csm_out_puts(o, "<div class=\"card ");
	csm_html_escz(o, tone);
	csm_out_puts(o, "\"><h2>");
	csm_html_escz(o, title);
	csm_out_puts(o, "</h2>\n");
	list_items(o, items, n, 0, none);
	csm_out_puts(o, "</div>\n");
}

void
csm_html_list(struct csm_out *o, const char *title, char *const *items,
    size_t n, int numbered, const char *none)
{
	csm_html_heading(o, title);
	list_items(o, items, n, numbered, none);
}

void
csm_html_metric(struct csm_out *o, const struct csm_html_metric *m)
{
	csm_out_puts(o, "<div class=\"metric\">\n<div class=\"mh\"><span>");
	csm_html_escz(o, m->label);
	csm_out_puts(o, "</span>");
	if (m->status != NULL) {
		csm_out_puts(o, "<span class=\"st st-");
		name_class(o, m->status);
		csm_out_puts(o, "\">");
		csm_html_escz(o, m->status_text != NULL ? m->status_text :
		    m->status);
		csm_out_puts(o, "</span>");
	}
	csm_out_puts(o, "</div>\n<div class=\"mv\">");
	csm_html_escz(o, m->value);
	if (m->change != NULL) {
		csm_out_puts(o, "<span class=\"chg ");
		name_class(o, m->trend != NULL ? m->trend : "flat");
		csm_out_puts(o, "\">");
		csm_html_escz(o, m->change);
		csm_out_puts(o, "</span>");
	}
	csm_out_puts(o, "</div>\n");
	if (m->chart != NULL)
		csm_svg_spark(o, m->chart);
	csm_out_puts(o, "<div class=\"mt\">");
	if (m->foot != NULL)
		csm_html_escz(o, m->foot);
	csm_out_puts(o, "</div>\n</div>\n");
}

/* ---- tables ------------------------------------------------------------ */

CSM_NORETURN static void
misuse(const char *what)
{
	csm_die(EX_SOFTWARE, "internal error: HTML table: %s", what);
}

void
csm_html_table_init(struct csm_html_table *t, struct csm_out *o)
{
	memset(t, 0, sizeof(*t));
	t->o = o;
}

void
csm_html_table_col(struct csm_html_table *t, const char *head, int right)
{
	if (t->started)
		misuse("a column added after the first row");
	t->head = csm_xreallocarray(t->head, t->ncol + 1, sizeof(*t->head));
	t->right = csm_xreallocarray(t->right, t->ncol + 1, 1);
	t->head[t->ncol] = csm_xstrdup(head);
	t->right[t->ncol] = right != 0;
	t->ncol++;
}

/* The header row, once; and the end of the row before, if one is open. */
static void
table_next(struct csm_html_table *t)
{
	size_t i;

	if (t->inrow) {
		if (t->cell != t->ncol)
			misuse("a row with fewer cells than columns");
		csm_out_puts(t->o, "</tr>\n");
		t->inrow = 0;
	}
	if (t->started)
		return;
	t->started = 1;
	csm_out_puts(t->o, "<table>\n<tr>");
	for (i = 0; i < t->ncol; i++) {
		csm_out_puts(t->o, t->right[i] ? "<th class=\"n\">" : "<th>");
		csm_html_escz(t->o, t->head[i]);
		csm_out_puts(t->o, "</th>");
	}
	csm_out_puts(t->o, "</tr>\n");
}

void
csm_html_table_row(struct csm_html_table *t, const char *cls)
{
	table_next(t);
	if (cls != NULL) {
		csm_out_puts(t->o, "<tr class=\"");
		csm_html_escz(t->o, cls);
		csm_out_puts(t->o, "\">");
	} else
		csm_out_puts(t->o, "<tr>");
	t->inrow = 1;
	t->cell = 0;
}

void
csm_html_table_cell(struct csm_html_table *t, const char *s, const char *note)
{
	if (!t->inrow)
		misuse("a cell outside a row");
	if (t->cell == t->ncol)
		misuse("more cells than columns");
	csm_out_puts(t->o, t->right[t->cell] ? "<td class=\"n\">" : "<td>");
	csm_html_escz(t->o, s);
	if (note != NULL && *note != '\0') {
		csm_out_puts(t->o, "<div class=\"note\">");
		csm_html_escz(t->o, note);
		csm_out_puts(t->o, "</div>");
	}
	csm_out_puts(t->o, "</td>");
	t->cell++;
}

void
csm_html_table_end(struct csm_html_table *t)
{
	size_t i;

	table_next(t);
	csm_out_puts(t->o, "</table>\n");
	for (i = 0; i < t->ncol; i++)
		free(t->head[i]);
	free(t->head);
	free(t->right);
	memset(t, 0, sizeof(*t));
}

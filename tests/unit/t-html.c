/*
 * t-html.c: HTML (html.c): escaping for text and attributes, invalid UTF-8
 * as U+FFFD, the page skeleton around the shared stylesheet, the printed
 * page's paper, and the parts of a page: section, KPI cards, lists,
 * metric cards and tables.
 */
#include "csm.h"
#include "t.h"
#include "tcap.h"

static void
test_escaping(void)
{
	struct tcap c;
	char *s;

	tcap_open(&c);
	csm_html_escz(&c.o, "<script>alert('x' & \"y\")</script>");
	csm_html_esc(&c.o, "|\xc3\xa9\0|", 5);	/* UTF-8 and NUL kept */
	s = tcap_read(&c, NULL);
	T_EQ_STR(s, "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)"
	    "&lt;/script&gt;|\xc3\xa9");
	free(s);
}

static void
latin1(void)
{
	struct csm_out o;

	csm_out_init(&o, 1, "<stdout>", ',');
	csm_html_escz(&o, "Caf\xe9 & \x80<");
	csm_out_close(&o);
}

static void
test_invalid_utf8(void)
{
	struct tcap_child c;

	tcap_run(latin1, &c);
	T_EQ_INT(c.status, 0);
	T_EQ_STR(c.out, "Caf\xef\xbf\xbd &amp; \xef\xbf\xbd&lt;");
	T_EQ_STR(c.err, "t-html: the input is not valid UTF-8: invalid bytes "
	    "are written as U+FFFD (save the file as CSV UTF-8 to keep every "
	    "character)\n");
}

static void
test_page(void)
{
	static const char head[] = "<!DOCTYPE html>\n<html lang=\"en\">\n"
	    "<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<title>A &amp; B: QBR</title>\n<style>\n";
	static const char tail[] = "p{x:1}\n</style>\n</head>\n<body>\n"
	    "<p>hi</p>\n</body>\n</html>\n";
	struct tcap c;
	size_t n, css = strlen(csm_html_css);
	char *s;

	tcap_open(&c);
	csm_html_begin(&c.o, "A & B: QBR", "p{x:1}\n");
	csm_out_puts(&c.o, "<p>hi</p>\n");
	csm_html_end(&c.o);
	s = tcap_read(&c, &n);
	/* head, the shared stylesheet, the page's own rules, the body */
	T_EQ_INT(n, sizeof(head) - 1 + css + sizeof(tail) - 1);
	T_OK(memcmp(s, head, sizeof(head) - 1) == 0);
	T_OK(memcmp(s + sizeof(head) - 1, csm_html_css, css) == 0);
	T_EQ_STR(s + sizeof(head) - 1 + css, tail);
	free(s);
	/* the stylesheet prints on A4 and fetches nothing */
	T_OK(strstr(csm_html_css, "@page{size:A4") != NULL);
	T_OK(strstr(csm_html_css, "url(") == NULL);
	T_OK(strstr(csm_html_css, "@import") == NULL);

	tcap_open(&c);
	csm_html_begin(&c.o, "t", NULL);
	s = tcap_read(&c, &n);
	T_OK(n > css && strcmp(s + n - 24, "</style>\n</head>\n<body>\n") == 0);
	free(s);
}

/* A fragment written by fn into a capture, as a string the caller frees. */
static char *
capture(void (*fn)(struct csm_out *))
{
	struct tcap c;

	tcap_open(&c);
	fn(&c.o);
	return tcap_read(&c, NULL);
}

static void
letter_page(struct csm_out *o)
{
	csm_html_page_begin(o, "t", CSM_PAPER_LETTER, "p{x:1}\n");
}

static void
a4_page(struct csm_out *o)
{
	csm_html_page_begin(o, "t", CSM_PAPER_A4, NULL);
}

/*
 * A page to print: the shared stylesheet, then the paper's @page rule
 * (which wins, coming last), the print rules that keep the grids'
 * columns, then the caller's css.
 */
static void
test_paper(void)
{
	char *s = capture(letter_page), *css, *paper, *print, *mine;

	css = strstr(s, csm_html_css);
	paper = strstr(s, "@page{size:letter;margin:12mm}\n");
	print = strstr(s, "@media print{");
	mine = strstr(s, "p{x:1}\n</style>");
	T_OK(css != NULL && paper != NULL && print != NULL && mine != NULL);
	T_OK(css < paper && paper < mine);
	T_OK(strstr(paper, ".metrics{grid-template-columns:repeat(3,1fr)") !=
	    NULL);
	T_OK(strstr(s, "url(") == NULL);
	free(s);
	s = capture(a4_page);
	paper = strstr(s, "@page{size:A4;margin:12mm}\n");
	/* the shared stylesheet's own A4 rule, then the page's */
	T_OK(paper != NULL && strstr(paper + 1, "@page{size:A4") != NULL);
	T_OK(strstr(s, "size:letter") == NULL);
	free(s);
}

static void
section(struct csm_out *o)
{
	csm_html_section_begin(o, "QBR \302\267 2026-Q4", "A & B",
	    "Account <1>");
	csm_html_section_end(o, "Prepared 'today'");
	csm_html_section_begin(o, "e", "t", NULL);
	csm_html_section_end(o, NULL);
	csm_html_section_empty(o, "No <accounts>.");
}

static void
test_section(void)
{
	char *s = capture(section);

	T_EQ_STR(s, "<section class=\"qbr\">\n<header>\n"
	    "<div class=\"eyebrow\">QBR \302\267 2026-Q4</div>\n"
	    "<h1>A &amp; B</h1>\n<div class=\"sub\">Account &lt;1&gt;</div>\n"
	    "</header>\n<footer>Prepared &#39;today&#39;</footer>\n"
	    "</section>\n"
	    "<section class=\"qbr\">\n<header>\n"
	    "<div class=\"eyebrow\">e</div>\n"
	    "<h1>t</h1>\n</header>\n</section>\n"
	    "<section class=\"qbr\"><p class=\"none\">No &lt;accounts&gt;."
	    "</p></section>\n");
	free(s);
}

static void
kpis(struct csm_out *o)
{
	struct csm_html_kpi k[4] = {
		{"ARR", "$1,200", NULL, NULL, NULL},
		{"Health", "48", "Red <b>!", "down 3", NULL},
		{"R&D", "n/a", NULL, "in 3 days", NULL},
		{"Return", "2.1\303\227", NULL, "$5 value", "roi"}
	};

	csm_html_kpis(o, k, 4);
	csm_html_kpis(o, k, 1);
}

/*
 * KPI cards: four make the stylesheet's grid, another count names its
 * columns (k3); a badge's class keeps its a-z0-9 ("Red <b>!" is band-edb:
 * capitals and the rest dropped), its text is escaped; no detail, no
 * line for it.
 */
static void
test_kpis(void)
{
	char *s = capture(kpis);

	T_EQ_STR(s, "<div class=\"kpis\">\n"
	    "<div class=\"kpi\"><div class=\"k\">ARR</div>"
	    "<div class=\"v\">$1,200</div></div>\n"
	    "<div class=\"kpi\"><div class=\"k\">Health</div>"
	    "<div class=\"v\">48 <span class=\"band band-edb\">Red &lt;b&gt;!"
	    "</span></div><div class=\"d\">down 3</div></div>\n"
	    "<div class=\"kpi\"><div class=\"k\">R&amp;D</div>"
	    "<div class=\"v\">n/a</div><div class=\"d\">in 3 days</div></div>\n"
	    "<div class=\"kpi roi\"><div class=\"k\">Return</div>"
	    "<div class=\"v\">2.1\303\227</div><div class=\"d\">$5 value</div>"
	    "</div>\n</div>\n"
	    "<div class=\"kpis k1\">\n"
	    "<div class=\"kpi\"><div class=\"k\">ARR</div>"
	    "<div class=\"v\">$1,200</div></div>\n</div>\n");
	free(s);
}

static void
lists(struct csm_out *o)
{
	char a[] = "Users up <5%>", b[] = "NPS at 8";
	char *items[] = {a, b};

	csm_html_list_card(o, "good", "Highlights", items, 2, "none");
	csm_html_list_card(o, "gap", "Gaps", items, 0, "No gaps & more.");
	csm_html_list(o, "Focus", items, 2, 1, "none");
	csm_html_list(o, "Focus", items, 0, 1, "Keep it.");
	csm_html_list(o, "Notes", items, 1, 0, "none");
}

static void
test_lists(void)
{
	char *s = capture(lists);

	T_EQ_STR(s, "<div class=\"card good\"><h2>Highlights</h2>\n<ul>\n"
	    "<li>Users up &lt;5%&gt;</li>\n<li>NPS at 8</li>\n</ul>\n</div>\n"
	    "<div class=\"card gap\"><h2>Gaps</h2>\n"
	    "<p class=\"none\">No gaps &amp; more.</p>\n</div>\n"
	    "<h2>Focus</h2>\n<ol class=\"focus\">\n"
	    "<li>Users up &lt;5%&gt;</li>\n"
	    "<li>NPS at 8</li>\n</ol>\n"
	    "<h2>Focus</h2>\n<p class=\"none\">Keep it.</p>\n"
	    "<h2>Notes</h2>\n<ul>\n<li>Users up &lt;5%&gt;</li>\n</ul>\n");
	free(s);
}

static void
metrics(struct csm_out *o)
{
	struct csm_html_metric m;
	struct csm_spark sp;
	double v[2] = {1, 2};

	memset(&m, 0, sizeof(m));
	m.label = "Users & seats";
	m.status = "missed";
	m.value = "9";
	m.change = "-3 (-25%)";
	m.trend = "worse";
	m.foot = "Target 16";
	csm_html_metric(o, &m);
	/* no badge, no change, a chart */
	memset(&sp, 0, sizeof(sp));
	sp.n = 2;
	sp.v = v;
	m.status = NULL;
	m.change = NULL;
	m.chart = &sp;
	m.foot = NULL;
	csm_html_metric(o, &m);
	m.chart = NULL;
	m.status = "none";
	m.status_text = "no target";
	csm_html_metric(o, &m);
}

static void
test_metric(void)
{
	static const char head[] = "<div class=\"metric\">\n"
	    "<div class=\"mh\"><span>Users &amp; seats</span>"
	    "<span class=\"st st-missed\">missed</span></div>\n"
	    "<div class=\"mv\">9<span class=\"chg worse\">-3 (-25%)</span>"
	    "</div>\n<div class=\"mt\">Target 16</div>\n</div>\n"
	    "<div class=\"metric\">\n<div class=\"mh\"><span>Users &amp; seats"
	    "</span></div>\n<div class=\"mv\">9</div>\n<svg ";
	char *s = capture(metrics);
	const char *svg;

	T_OK(strncmp(s, head, sizeof(head) - 1) == 0);
	svg = strstr(s, "</svg>\n<div class=\"mt\"></div>\n</div>\n"
	    "<div class=\"metric\">\n<div class=\"mh\"><span>Users &amp; seats"
	    "</span><span class=\"st st-none\">no target</span></div>\n"
	    "<div class=\"mv\">9</div>\n<div class=\"mt\"></div>\n</div>\n");
	T_OK(svg != NULL && svg[strlen(svg) - 1] == '\n' &&
	    strstr(svg + 1, "<svg") == NULL);
	free(s);
}

static void
table(struct csm_out *o)
{
	struct csm_html_table t;

	csm_html_table_init(&t, o);
	csm_html_table_col(&t, "Item", 0);
	csm_html_table_col(&t, "2026-Q4 <n>", 1);
	csm_html_table_row(&t, NULL);
	csm_html_table_cell(&t, "Hours & more", "40 hours x $85");
	csm_html_table_cell(&t, "$3,400", NULL);
	csm_html_table_row(&t, "total");
	csm_html_table_cell(&t, "Total", "");
	csm_html_table_cell(&t, "$3,400", NULL);
	csm_html_table_end(&t);
	/* no rows: the header alone */
	csm_html_table_init(&t, o);
	csm_html_table_col(&t, "A", 0);
	csm_html_table_end(&t);
}

static void
test_table(void)
{
	char *s = capture(table);

	T_EQ_STR(s, "<table>\n<tr><th>Item</th>"
	    "<th class=\"n\">2026-Q4 &lt;n&gt;</th></tr>\n<tr><td>Hours &amp; more<div class=\"note\">40 hours "
	    "x $85</div></td><td class=\"n\">$3,400</td></tr>\n"
	    "<tr class=\"total\"><td>Total</td>"
	    "<td class=\"n\">$3,400</td></tr>\n"
	    "</table>\n<table>\n<tr><th>A</th></tr>\n</table>\n");
	free(s);
}

static void
short_row(void)
{
	struct csm_html_table t;
	struct csm_out o;

	csm_out_init(&o, 1, "<stdout>", ',');
	csm_html_table_init(&t, &o);
	csm_html_table_col(&t, "A", 0);
	csm_html_table_col(&t, "B", 0);
	csm_html_table_row(&t, NULL);
	csm_html_table_cell(&t, "a", NULL);
	csm_html_table_end(&t);
}

static void
long_row(void)
{
	struct csm_html_table t;
	struct csm_out o;

	csm_out_init(&o, 1, "<stdout>", ',');
	csm_html_table_init(&t, &o);
	csm_html_table_col(&t, "A", 0);
	csm_html_table_row(&t, NULL);
	csm_html_table_cell(&t, "a", NULL);
	csm_html_table_cell(&t, "b", NULL);
}

static void
late_col(void)
{
	struct csm_html_table t;
	struct csm_out o;

	csm_out_init(&o, 1, "<stdout>", ',');
	csm_html_table_init(&t, &o);
	csm_html_table_col(&t, "A", 0);
	csm_html_table_row(&t, NULL);
	csm_html_table_col(&t, "B", 0);
}

static void
cell_outside(void)
{
	struct csm_html_table t;
	struct csm_out o;

	csm_out_init(&o, 1, "<stdout>", ',');
	csm_html_table_init(&t, &o);
	csm_html_table_col(&t, "A", 0);
	csm_html_table_cell(&t, "a", NULL);
}

/* A table used wrongly is an internal error (70), not a broken page. */
static void
test_table_misuse(void)
{
	static const struct tcap_misuse cases[] = {
		{short_row, "a row with fewer cells than columns"},
		{long_row, "more cells than columns"},
		{late_col, "a column added after the first row"},
		{cell_outside, "a cell outside a row"}
	};

	tcap_misuse(cases, sizeof(cases) / sizeof(cases[0]),
	    "t-html: internal error: HTML table");
}

int
main(int argc, char *argv[])
{
	(void)argc;
	csm_setprogname(argv[0]);
	T_RUN(test_escaping);
	T_RUN(test_invalid_utf8);
	T_RUN(test_page);
	T_RUN(test_paper);
	T_RUN(test_section);
	T_RUN(test_kpis);
	T_RUN(test_lists);
	T_RUN(test_metric);
	T_RUN(test_table);
	T_RUN(test_table_misuse);
	T_END();
}

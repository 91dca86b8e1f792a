/*
 * t-md.c: Markdown (md.c): escaping of text, and the table writer in its
 * three layouts, padded to the display width of UTF-8 (wide characters,
 * combining marks, escapes, U+FFFD), with misuse refused (exit 70), and
 * the parts of a page (headings, lists, a line of facts).  The expected
 * texts are written out by hand.
 */
#include "csm.h"
#include "t.h"
#include "tcap.h"

static char *
esc(const char *s)
{
	struct tcap c;

	tcap_open(&c);
	csm_md_esc(&c.o, s, strlen(s));
	return tcap_read(&c, NULL);
}

static void
test_escaping(void)
{
	char *s;

	s = esc("a | b");
	T_EQ_STR(s, "a \\| b");
	free(s);
	s = esc("*bold* _it_ `code` [x](y) <b> ~s~ \\");
	T_EQ_STR(s, "\\*bold\\* \\_it\\_ \\`code\\` \\[x\\](y) \\<b\\> "
	    "\\~s\\~ \\\\");
	free(s);
	s = esc("two\nlines\r\n");
	T_EQ_STR(s, "two lines  ");
	free(s);
	s = esc("Smith, Jones & Co");	/* nothing to escape */
	T_EQ_STR(s, "Smith, Jones & Co");
	free(s);
	s = esc("\xe6\x9d\xb1\xe4\xba\xac | Caf\xc3\xa9");	/* UTF-8 kept */
	T_EQ_STR(s, "\xe6\x9d\xb1\xe4\xba\xac \\| Caf\xc3\xa9");
	free(s);
	/* the width counts the backslashes */
	T_EQ_INT(csm_md_width("a|b", 3), 4);
	T_EQ_INT(csm_md_width("Caf\xc3\xa9_", 6), 6);
}

static void
latin1(void)
{
	struct csm_out o;

	csm_out_init(&o, 1, "<stdout>", ',');
	csm_md_esc(&o, "Caf\xe9 | x\xff", 9);
	csm_md_esc(&o, "\xe9", 1);
	csm_out_close(&o);
}

static void
test_invalid_utf8(void)
{
	struct tcap_child c;

	tcap_run(latin1, &c);
	T_EQ_INT(c.status, 0);
	T_EQ_STR(c.out, "Caf\xef\xbf\xbd \\| x\xef\xbf\xbd\xef\xbf\xbd");
	T_EQ_STR(c.err, "t-md: the input is not valid UTF-8: invalid bytes "
	    "are written as U+FFFD (save the file as CSV UTF-8 to keep every "
	    "character)\n");
}

/* A table of two columns and the given rows (NULL-terminated pairs). */
static char *
table(int flags, const char *const *cells)
{
	struct tcap c;
	struct csm_md_table t;
	size_t i;

	tcap_open(&c);
	csm_md_table_init(&t, &c.o, flags);
	csm_md_table_col(&t, "Tier", 0);
	csm_md_table_col(&t, "ARR", 1);
	for (i = 0; cells[i] != NULL; i += 2) {
		csm_md_table_cells(&t, cells[i]);
		csm_md_table_cellf(&t, "%s", cells[i + 1]);
		csm_md_table_row(&t);
	}
	csm_md_table_end(&t);
	return tcap_read(&c, NULL);
}

static void
test_tables(void)
{
	static const char *const rows[] = {"critical", "160,000.00",
		"a|b", "1", NULL};
	static const char *const none[] = {NULL};
	char *s;

	s = table(0, rows);
	T_EQ_STR(s, "| Tier | ARR |\n| --- | ---: |\n"
	    "| critical | 160,000.00 |\n| a\\|b | 1 |\n");
	free(s);
	s = table(CSM_MD_TIGHT, rows);
	T_EQ_STR(s, "| Tier | ARR |\n|---|---:|\n"
	    "| critical | 160,000.00 |\n| a\\|b | 1 |\n");
	free(s);
	/* padded: Tier is 8 wide (critical), ARR 10 (160,000.00); a\|b is
	 * 4 wide, so 4 spaces after it; 1 gets 9 before it */
	s = table(CSM_MD_PAD, rows);
	T_EQ_STR(s, "| Tier     |        ARR |\n"
	    "| :------- | ---------: |\n"
	    "| critical | 160,000.00 |\n"
	    "| a\\|b     |          1 |\n");
	free(s);
	/* no rows: the header alone; padded to at least 3 (---) */
	s = table(0, none);
	T_EQ_STR(s, "| Tier | ARR |\n| --- | ---: |\n");
	free(s);
	s = table(CSM_MD_PAD, none);
	T_EQ_STR(s, "| Tier | ARR |\n| :--- | --: |\n");
	free(s);
}

static void
test_wide(void)
{
	static const char *const wide[] = {
		"\xe6\x9d\xb1\xe4\xba\xac", "1",	/* 東京: 4 columns */
		"Cafe\xcc\x81", "22",			/* 4 with the mark */
		"Caf\xc3\xa9!", "333",			/* 5 */
		NULL};
	char *s;

	/* Tier column 5 wide (Café!), ARR 3 */
	s = table(CSM_MD_PAD, wide);
	T_EQ_STR(s, "| Tier  | ARR |\n"
	    "| :---- | --: |\n"
	    "| \xe6\x9d\xb1\xe4\xba\xac  |   1 |\n"
	    "| Cafe\xcc\x81  |  22 |\n"
	    "| Caf\xc3\xa9! | 333 |\n");
	free(s);
}

/* A padded table with a Latin-1 cell: U+FFFD, one column wide. */
static void
padded_latin1(void)
{
	static const char *const rows[] = {"Caf\xe9", "1", "ab", "22", NULL};
	char *s = table(CSM_MD_PAD, rows);

	fputs(s, stdout);
	free(s);
}

static void
test_wide_invalid(void)
{
	struct tcap_child c;

	tcap_run(padded_latin1, &c);
	T_EQ_INT(c.status, 0);
	T_EQ_STR(c.out, "| Tier | ARR |\n"
	    "| :--- | --: |\n"
	    "| Caf\xef\xbf\xbd |   1 |\n"
	    "| ab   |  22 |\n");
}

static struct csm_out mo;
static struct csm_md_table mt;

static void
mstart(void)
{
	csm_out_init(&mo, 1, "<stdout>", ',');
	csm_md_table_init(&mt, &mo, 0);
	csm_md_table_col(&mt, "a", 0);
	csm_md_table_col(&mt, "b", 1);
}

static void
m_too_many(void)
{
	mstart();
	csm_md_table_cells(&mt, "1");
	csm_md_table_cells(&mt, "2");
	csm_md_table_cells(&mt, "3");
}

static void
m_too_few(void)
{
	mstart();
	csm_md_table_cells(&mt, "1");
	csm_md_table_row(&mt);
}

static void
m_late_column(void)
{
	mstart();
	csm_md_table_cells(&mt, "1");
	csm_md_table_col(&mt, "c", 0);
}

static void
m_open_row(void)
{
	mstart();
	csm_md_table_cells(&mt, "1");
	csm_md_table_end(&mt);
}

static void
test_misuse(void)
{
	static const struct tcap_misuse cases[] = {
		{m_too_many, "more cells than columns"},
		{m_too_few, "a row with fewer cells than columns"},
		{m_late_column, "a column added after the first row"},
		{m_open_row, "a row left open"},
	};

	tcap_misuse(cases, sizeof(cases) / sizeof(cases[0]),
	    "t-md: internal error: Markdown table");
}

static void
page(struct csm_out *o)
{
	char a[] = "Users up *5%*", b[] = "NPS | 8";
	char *items[] = {a, b};
	struct csm_md_fact f[3] = {
		{"Account", "B_2"}, {"ARR", "$12,000"}, {"Health", "48 (red)"}
	};
	struct csm_md_span sp[3] = {
		{"$3,400", 1}, {" of value in *Q4*: a ", 0}, {"1.1x", 1}
	};

	csm_md_heading(o, 1, "Smith [& Co]: QBR 2026-Q4");
	csm_md_facts(o, f, 3);
	csm_md_list(o, "Highlights", items, 2, 0, "none");
	csm_md_list(o, "Focus", items, 2, 1, "none");
	csm_md_list(o, "Gaps", items, 0, 0, "No gaps *here*.");
	csm_md_heading(o, 3, "Notes");
	csm_md_facts(o, f, 1);
	csm_md_para(o, sp, 3);
	csm_md_para(o, sp + 1, 1);
}

/*
 * The parts of a page: a title (no blank line before it), a line of facts
 * joined by middle dots, sections of lists (a blank line, the heading, a
 * blank line, the items or the none text), paragraphs of spans (bold or
 * not, then a blank line), every text escaped.
 */
static void
test_page(void)
{
	struct tcap c;
	char *s;

	tcap_open(&c);
	page(&c.o);
	s = tcap_read(&c, NULL);
	T_EQ_STR(s, "# Smith \\[& Co\\]: QBR 2026-Q4\n\n"
	    "**Account** B\\_2 \302\267 **ARR** $12,000 \302\267 "
	    "**Health** 48 (red)\n"
	    "\n## Highlights\n\n- Users up \\*5%\\*\n- NPS \\| 8\n"
	    "\n## Focus\n\n1. Users up \\*5%\\*\n2. NPS \\| 8\n"
	    "\n## Gaps\n\nNo gaps \\*here\\*.\n"
	    "\n### Notes\n\n**Account** B\\_2\n"
	    "**$3,400** of value in \\*Q4\\*: a **1.1x**\n\n"
	    " of value in \\*Q4\\*: a \n\n");
	free(s);
}

static void
h0(void)
{
	struct csm_out o;

	csm_out_init(&o, 1, "<stdout>", ',');
	csm_md_heading(&o, 0, "x");
}

static void
h7(void)
{
	struct csm_out o;

	csm_out_init(&o, 1, "<stdout>", ',');
	csm_md_heading(&o, 7, "x");
}

static void
test_heading_misuse(void)
{
	struct tcap_child c;

	tcap_run(h0, &c);
	T_EQ_INT(c.status, 70);
	T_EQ_STR(c.err, "t-md: internal error: Markdown heading of level 0, "
	    "not 1 to 6\n");
	tcap_run(h7, &c);
	T_EQ_INT(c.status, 70);
	T_EQ_STR(c.out, "");
}

int
main(int argc, char *argv[])
{
	(void)argc;
	csm_setprogname(argv[0]);
	T_RUN(test_escaping);
	T_RUN(test_invalid_utf8);
	T_RUN(test_tables);
	T_RUN(test_wide);
	T_RUN(test_wide_invalid);
	T_RUN(test_misuse);
	T_RUN(test_page);
	T_RUN(test_heading_misuse);
	T_END();
}

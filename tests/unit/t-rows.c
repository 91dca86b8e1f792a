/*
 * t-rows.c: tables of rows (rows.c) in every format from the same calls:
 * CSV, TSV, JSON, JSON Lines and Markdown, with text, numbers, lists,
 * missing cells and JSON-only fields; and misuse refused (exit 70).  The
 * expected texts are written out by hand.
 */
#include "csm.h"
#include "t.h"
#include "tcap.h"

/* Two rows: id, arr (money text), tags (a list), nrr (a rate). */
static char *
table(int fmt, int delim)
{
	static const size_t part[] = {0, 1, 2, 3};	/* "a" and "b;c" */
	struct tcap c;
	struct csm_rows r;

	tcap_open(&c);
	c.o.delim = delim;
	csm_rows_init(&r, &c.o, fmt);
	csm_rows_col(&r, "id", 2, "account", 0);
	csm_rows_col(&r, "arr", 3, "ARR", 1);
	csm_rows_col(&r, "tags", 4, NULL, 0);
	csm_rows_col(&r, "nrr", 3, "NRR", 1);
	csm_rows_head(&r);
	csm_rows_begin(&r);
	csm_rows_meta(&r, "from", "2025-01");
	csm_rows_meta(&r, "currency", NULL);
	csm_rows_str(&r, "A,1", 3);
	csm_rows_num(&r, "1234.50", 7, NULL);
	csm_rows_list(&r, "a;b;c", 5, part, 2);
	csm_rows_num(&r, "84.83", 5, "%");
	csm_rows_end(&r);
	csm_rows_begin(&r);
	csm_rows_meta(&r, "from", "2025-01");
	csm_rows_meta(&r, "currency", NULL);
	csm_rows_str(&r, "B|2", 3);
	csm_rows_null(&r);
	csm_rows_list(&r, "", 0, part, 0);
	csm_rows_num(&r, "", 0, "%");
	csm_rows_end(&r);
	csm_rows_finish(&r);
	return tcap_read(&c, NULL);
}

static void
test_formats(void)
{
	char *s;

	s = table(CSM_ROWS_CSV, ',');
	T_EQ_STR(s, "id,arr,tags,nrr\n\"A,1\",1234.50,a;b;c,84.83\n"
	    "B|2,,,\n");
	free(s);
	s = table(CSM_ROWS_TSV, '\t');
	T_EQ_STR(s, "id\tarr\ttags\tnrr\nA,1\t1234.50\ta;b;c\t84.83\n"
	    "B|2\t\t\t\n");
	free(s);
	/* JSON: the JSON-only fields first, numbers typed, null for missing;
	 * the list's parts are "a" (0, 1) and "b;c" (2, 3) */
	s = table(CSM_ROWS_JSON, ',');
	T_EQ_STR(s, "[\n"
	    "  {\"from\": \"2025-01\", \"currency\": null, \"id\": \"A,1\", "
	    "\"arr\": 1234.50, \"tags\": [\"a\", \"b;c\"], \"nrr\": 84.83},\n"
	    "  {\"from\": \"2025-01\", \"currency\": null, \"id\": \"B|2\", "
	    "\"arr\": null, \"tags\": [], \"nrr\": null}\n"
	    "]\n");
	free(s);
	s = table(CSM_ROWS_JSONL, ',');
	T_EQ_STR(s, "{\"from\": \"2025-01\", \"currency\": null, \"id\": "
	    "\"A,1\", \"arr\": 1234.50, \"tags\": [\"a\", \"b;c\"], "
	    "\"nrr\": 84.83}\n"
	    "{\"from\": \"2025-01\", \"currency\": null, \"id\": \"B|2\", "
	    "\"arr\": null, \"tags\": [], \"nrr\": null}\n");
	free(s);
	/* Markdown: labels as headers, the suffix after a number, n/a for
	 * missing, escaped text; no JSON-only fields */
	s = table(CSM_ROWS_MD, ',');
	T_EQ_STR(s, "| account | ARR | tags | NRR |\n"
	    "| --- | ---: | --- | ---: |\n"
	    "| A,1 | 1234.50 | a;b;c | 84.83% |\n"
	    "| B\\|2 | n/a |  | n/a |\n");
	free(s);
}

static void
test_empty(void)
{
	struct tcap c;
	struct csm_rows r;
	char *s;

	/* no rows: the header alone, or an empty array */
	tcap_open(&c);
	csm_rows_init(&r, &c.o, CSM_ROWS_CSV);
	csm_rows_col(&r, "a", 1, NULL, 0);
	csm_rows_head(&r);
	csm_rows_finish(&r);
	s = tcap_read(&c, NULL);
	T_EQ_STR(s, "a\n");
	free(s);
	tcap_open(&c);
	csm_rows_init(&r, &c.o, CSM_ROWS_JSON);
	csm_rows_col(&r, "a", 1, NULL, 0);
	csm_rows_finish(&r);		/* the head comes by itself */
	s = tcap_read(&c, NULL);
	T_EQ_STR(s, "[]\n");
	free(s);
}

/* A row of text cells at once: CSV's fast path, or string by string. */
static void
test_texts(void)
{
	static char a[] = "x,y", b[] = "", c2[] = "\"q\"";
	char *f[] = {a, b, c2};
	size_t n[] = {3, 0, 3};
	struct tcap c;
	struct csm_rows r;
	char *s;
	int fmt;

	for (fmt = CSM_ROWS_CSV; fmt <= CSM_ROWS_JSONL; fmt += 2) {
		tcap_open(&c);
		csm_rows_init(&r, &c.o, fmt);
		csm_rows_col(&r, "a", 1, NULL, 0);
		csm_rows_col(&r, "b", 1, NULL, 0);
		csm_rows_col(&r, "c", 1, NULL, 0);
		csm_rows_head(&r);
		csm_rows_texts(&r, f, n, 3);
		csm_rows_finish(&r);
		s = tcap_read(&c, NULL);
		if (fmt == CSM_ROWS_CSV)
			T_EQ_STR(s, "a,b,c\n\"x,y\",,\"\"\"q\"\"\"\n");
		else
			T_EQ_STR(s, "[\n  {\"a\": \"x,y\", \"b\": \"\", "
			    "\"c\": \"\\\"q\\\"\"}\n]\n");
		free(s);
	}
}

static struct csm_out mo;
static struct csm_rows mr;

static void
mstart(void)
{
	csm_out_init(&mo, 1, "<stdout>", ',');
	csm_rows_init(&mr, &mo, CSM_ROWS_JSON);
	csm_rows_col(&mr, "a", 1, NULL, 0);
}

static void
m_no_head(void)
{
	mstart();
	csm_rows_begin(&mr);
}

static void
m_too_many(void)
{
	mstart();
	csm_rows_head(&mr);
	csm_rows_begin(&mr);
	csm_rows_str(&mr, "x", 1);
	csm_rows_str(&mr, "y", 1);
}

static void
m_too_few(void)
{
	mstart();
	csm_rows_head(&mr);
	csm_rows_begin(&mr);
	csm_rows_end(&mr);
}

static void
m_late_column(void)
{
	mstart();
	csm_rows_head(&mr);
	csm_rows_col(&mr, "b", 1, NULL, 0);
}

static void
m_texts_width(void)
{
	static char a[] = "x";
	char *f[] = {a, a};
	size_t n[] = {1, 1};

	csm_out_init(&mo, 1, "<stdout>", ',');
	csm_rows_init(&mr, &mo, CSM_ROWS_CSV);
	csm_rows_col(&mr, "a", 1, NULL, 0);
	csm_rows_head(&mr);
	csm_rows_texts(&mr, f, n, 2);
}

static void
m_late_meta(void)
{
	mstart();
	csm_rows_head(&mr);
	csm_rows_begin(&mr);
	csm_rows_str(&mr, "x", 1);
	csm_rows_meta(&mr, "k", "v");
}

static void
test_misuse(void)
{
	static const struct tcap_misuse cases[] = {
		{m_no_head, "a row before the head"},
		{m_too_many, "more cells than columns"},
		{m_too_few, "a row with fewer cells than columns"},
		{m_late_column, "a column added after the head"},
		{m_late_meta, "a JSON-only field after the cells"},
		{m_texts_width, "a row with another number of cells"},
	};

	tcap_misuse(cases, sizeof(cases) / sizeof(cases[0]),
	    "t-rows: internal error: table of rows");
}

int
main(int argc, char *argv[])
{
	(void)argc;
	csm_setprogname(argv[0]);
	T_RUN(test_formats);
	T_RUN(test_empty);
	T_RUN(test_texts);
	T_RUN(test_misuse);
	T_END();
}

/*
 * t-expr.c: unit tests of the expression language (common/expr.c) on a
 * table of one record built by hand.  Every expected value is worked out
 * in the comments, not copied from the program's output.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csm.h"
#include "t.h"

enum {
	C_NPS, C_ACCT, C_LOGINS, C_PREV, C_SEG, C_CHAMP, C_QBR, C_NOTES,
	C_SCORE2, C_BIG, C_USDATE, NCOLS
};

static const char *const hdrs[NCOLS] = {
	"nps", "Account ID", "logins_30d", "logins_prev_30d", "segment",
	"champion_left", "last_qbr_date", "notes", "score2", "Big Text",
	"us_date"
};

static char hdrbuf[NCOLS][32];
static char *hdr[NCOLS];
static size_t hdrlen[NCOLS];
static char valbuf[NCOLS][2048];
static char *fld[NCOLS];
static size_t flen[NCOLS];
static struct csm_tbl tbl;
static struct csm_cols cols;
static struct csm_eval ev;

static void
put(int i, const char *v)
{
	size_t n = strlen(v);

	if (n >= sizeof(valbuf[i]))
		abort();
	memcpy(valbuf[i], v, n + 1);
	flen[i] = n;
}

/* The record every test starts from. */
static void
reset(void)
{
	put(C_NPS, "8");
	put(C_ACCT, "A-1");
	put(C_LOGINS, "75");
	put(C_PREV, "100");
	put(C_SEG, "  SMB ");
	put(C_CHAMP, "yes");
	put(C_QBR, "2025-12-01");
	put(C_NOTES, "NA");
	put(C_SCORE2, "8.0");
	put(C_BIG, "");
	put(C_USDATE, "12/01/2025");
	ev.badval = CSM_BAD_FAIL;
	ev.date_format = NULL;
	/* 2026-03-01: 2026-01-01 is day 20454, + 31 (Jan) + 28 (Feb) */
	ev.today = 20513;
}

static void
setup(void)
{
	int i;

	for (i = 0; i < NCOLS; i++) {
		hdrlen[i] = strlen(hdrs[i]);
		memcpy(hdrbuf[i], hdrs[i], hdrlen[i] + 1);
		hdr[i] = hdrbuf[i];
		fld[i] = valbuf[i];
	}
	tbl.ncols = NCOLS;
	tbl.hdr = hdr;
	tbl.hdrlen = hdrlen;
	tbl.f = fld;
	tbl.flen = flen;
	tbl.file = "accounts.csv";
	tbl.line = 17;
	tbl.delim = ',';
	csm_cols_init(&cols, &tbl, NULL);
	csm_eval_init(&ev);
	ev.rec = &tbl;
	ev.cols = &cols;
	reset();
}

/* Compiles and binds src, or fails the test and returns NULL. */
static struct csm_expr *
comp(const char *src)
{
	struct csm_experr err;
	struct csm_expr *e;

	if ((e = csm_expr_compile(src, strlen(src), &err)) == NULL) {
		T_FAIL("%s: compile error at %zu: %s", src, err.col, err.msg);
		return NULL;
	}
	if (csm_expr_bind(e, &cols, &err) != 0) {
		T_FAIL("%s: bind error at %zu: %s", src, err.col, err.msg);
		csm_expr_free(e);
		return NULL;
	}
	return e;
}

static void
num_is(const char *src, double want)
{
	struct csm_expr *e = comp(src);
	struct csm_val v;

	if (e == NULL)
		return;
	csm_expr_eval(e, &ev, &v);
	if (v.type != CSM_T_NUM)
		T_FAIL("%s: type %d, want a number %.17g", src, v.type, want);
	else if (!(fabs(v.num - want) <= 1e-9 * (1 + fabs(want))))
		T_FAIL("%s == %.17g, want %.17g", src, v.num, want);
	csm_expr_free(e);
}

static void
bool_is(const char *src, int want)
{
	struct csm_expr *e = comp(src);
	struct csm_val v;

	if (e == NULL)
		return;
	csm_expr_eval(e, &ev, &v);
	if (v.type != CSM_T_BOOL)
		T_FAIL("%s: type %d, want boolean %d", src, v.type, want);
	else if (v.num != want)
		T_FAIL("%s == %g, want %d", src, v.num, want);
	csm_expr_free(e);
}

static void
str_is(const char *src, const char *want)
{
	struct csm_expr *e = comp(src);
	struct csm_val v;

	if (e == NULL)
		return;
	csm_expr_eval(e, &ev, &v);
	if (v.type != CSM_T_STR)
		T_FAIL("%s: type %d, want string \"%s\"", src, v.type, want);
	else if (v.len != strlen(want) || memcmp(v.str, want, v.len) != 0)
		T_FAIL("%s == \"%.*s\", want \"%s\"", src, (int)v.len, v.str,
		    want);
	csm_expr_free(e);
}

static void
miss(const char *src)
{
	struct csm_expr *e = comp(src);
	struct csm_val v;

	if (e == NULL)
		return;
	csm_expr_eval(e, &ev, &v);
	if (v.type != CSM_T_MISSING)
		T_FAIL("%s: type %d (%g), want missing", src, v.type, v.num);
	csm_expr_free(e);
}

/* src must fail to compile with msg at column col. */
static void
cerr(const char *src, const char *msg, size_t col)
{
	struct csm_experr err;
	struct csm_expr *e;

	if ((e = csm_expr_compile(src, strlen(src), &err)) != NULL) {
		T_FAIL("%.60s: compiled, want error '%s'", src, msg);
		csm_expr_free(e);
		return;
	}
	if (strcmp(err.msg, msg) != 0)
		T_FAIL("%.60s: error '%s', want '%s'", src, err.msg, msg);
	if (err.col != col)
		T_FAIL("%.60s: error at column %zu, want %zu", src, err.col,
		    col);
}

/* src must compile and fail to bind with msg at column col. */
static void
berr(const char *src, const char *msg, size_t col)
{
	struct csm_experr err;
	struct csm_expr *e;

	if ((e = csm_expr_compile(src, strlen(src), &err)) == NULL) {
		T_FAIL("%s: compile error '%s'", src, err.msg);
		return;
	}
	if (csm_expr_bind(e, &cols, &err) == 0)
		T_FAIL("%s: bound, want error '%s'", src, msg);
	else {
		if (strcmp(err.msg, msg) != 0)
			T_FAIL("%s: error '%s', want '%s'", src, err.msg, msg);
		if (err.col != col)
			T_FAIL("%s: error at column %zu, want %zu", src,
			    err.col, col);
	}
	csm_expr_free(e);
}

static void
test_literals(void)
{
	reset();
	num_is("25", 25);
	num_is("2.5", 2.5);
	num_is("1e3", 1000);
	num_is("1E-2", 0.01);
	num_is("25%", 0.25);
	num_is("2.5%", 0.025);
	num_is("-25%", -0.25);		/* the sign applies to 0.25 */
	num_is("100%", 1);
	str_is("'abc'", "abc");
	str_is("\"abc\"", "abc");
	str_is("''", "");
	str_is("'it\\'s'", "it's");
	str_is("\"say \\\"hi\\\"\"", "say \"hi\"");
	str_is("'back\\\\slash'", "back\\slash");
	str_is("\"it's\"", "it's");
	bool_is("true", 1);
	bool_is("false", 0);
	bool_is("TRUE", 1);		/* keywords ignore case */
	bool_is("False", 0);
}

static void
test_precedence(void)
{
	reset();
	num_is("1 + 2 * 3", 7);		/* 1 + 6 */
	num_is("(1 + 2) * 3", 9);
	num_is("10 - 4 - 3", 3);	/* (10 - 4) - 3, not 10 - 1 */
	num_is("24 / 4 / 2", 3);	/* (24 / 4) / 2, not 24 / 2 */
	num_is("-2 * 3", -6);
	num_is("2 * -3", -6);
	num_is("- -2", 2);
	num_is("2 - -2", 4);
	num_is("-(1 + 2) * 2", -6);	/* (-3) * 2 */
	num_is("nps * 10 + 5", 85);	/* 8 * 10 + 5 */
	num_is("1+2*3-4/2", 5);		/* 1 + 6 - 2 */
	num_is("2 * 50%", 1);
	bool_is("1 + 2 < 4", 1);	/* 3 < 4 */
	bool_is("2 * 3 >= 6", 1);
	/* (T and F) or T = T */
	bool_is("1 < 2 and 3 < 2 or true", 1);
	/* T or (T and F) = T; (T or T) and F would be F */
	bool_is("true or true and false", 1);
	/* (not F) and F = F; not (F and F) would be T */
	bool_is("not false and false", 0);
	/* not (1 > 2) = T */
	bool_is("not 1 > 2", 1);
	bool_is("not not true", 1);
	bool_is("(true or false) and false", 0);
	num_is("((((7))))", 7);
	num_is(" \t1\n+\r\n2 ", 3);	/* any white space */
}

static void
test_columns(void)
{
	reset();
	str_is("nps", "8");
	str_is("`Account ID`", "A-1");
	str_is("account_id", "A-1");	/* matched after normalising */
	str_is("segment", "SMB");	/* "  SMB " trimmed */
	num_is("nps + 1", 9);
	num_is("logins_30d / logins_prev_30d", 0.75);
	/* column with column: both read as numbers, 8.0 == 8 */
	bool_is("score2 == nps", 1);
	/* numerically 75 < 100; as strings "75" > "100" */
	bool_is("logins_30d < logins_prev_30d", 1);
	/* column with column, not numbers: trimmed strings */
	bool_is("segment == `Account ID`", 0);
	bool_is("segment != `Account ID`", 1);
	bool_is("segment > `Account ID`", 1);	/* "SMB" > "A-1" */
	/* column with string literal: trimmed text, exact bytes */
	bool_is("segment == 'SMB'", 1);
	bool_is("segment == 'smb'", 0);
	bool_is("segment == ' SMB'", 0);
	bool_is("lower(segment) == 'smb'", 1);
	bool_is("segment > 'A'", 1);
	bool_is("nps == '8'", 1);
	bool_is("score2 == '8'", 0);	/* "8.0" is not "8" as a string */
	/* column with number: the column read as a number */
	bool_is("score2 == 8", 1);
	bool_is("nps > 7.5", 1);
	bool_is("nps != 8", 0);
	/* column with boolean: the column read as a boolean ("yes") */
	bool_is("champion_left == true", 1);
	bool_is("champion_left != true", 0);
	bool_is("not champion_left", 0);
	bool_is("champion_left and nps > 5", 1);
	str_is("champion_left", "yes");
	put(C_NPS, "$1,234.50");
	num_is("nps * 2", 2469);
	put(C_NPS, "12%");
	num_is("nps + 0", 0.12);
	put(C_NPS, " 9 ");
	bool_is("nps == 9", 1);
	reset();
}

static void
test_missing(void)
{
	static const char *const na[] = { "", "NA", "N/A", "null", "NULL",
	    "-", "none", "  ", " na " };
	size_t i;

	for (i = 0; i < sizeof(na) / sizeof(na[0]); i++) {
		put(C_NPS, na[i]);
		bool_is("missing(nps)", 1);
		miss("nps");
		miss("nps + 1");
	}
	put(C_NPS, "");
	miss("nps * 0");		/* missing, not 0 */
	miss("0 * nps");
	miss("-nps");
	miss("nps / 1");
	miss("nps > 5");
	miss("nps <= 5");
	miss("nps == nps");
	miss("nps != 3");
	miss("nps == segment");
	miss("segment == nps");
	miss("lower(notes)");
	miss("segment == notes");
	miss("notes == 'x'");
	num_is("coalesce(nps, 7)", 7);
	str_is("coalesce(notes, segment)", "SMB");
	miss("coalesce(nps, notes)");
	bool_is("missing(notes)", 1);
	bool_is("missing(segment)", 0);
	bool_is("missing(notes + 1)", 1);
	bool_is("missing(ratio(1, 0))", 1);
	bool_is("missing(missing(notes))", 0);	/* a boolean, never missing */
	reset();
}

/* Three-valued logic: M is notes, "NA", read as a boolean. */
static void
test_logic(void)
{
	reset();
	bool_is("true and true", 1);
	bool_is("true and false", 0);
	bool_is("false and true", 0);
	bool_is("false and false", 0);
	miss("true and notes");
	miss("notes and true");
	bool_is("false and notes", 0);
	bool_is("notes and false", 0);
	miss("notes and notes");

	bool_is("true or true", 1);
	bool_is("true or false", 1);
	bool_is("false or true", 1);
	bool_is("false or false", 0);
	bool_is("true or notes", 1);
	bool_is("notes or true", 1);
	miss("false or notes");
	miss("notes or false");
	miss("notes or notes");

	bool_is("not true", 0);
	bool_is("not false", 1);
	miss("not notes");

	/* a condition that is missing is false to if() */
	num_is("if(notes, 1, 2)", 2);
	num_is("if(nps > 100, 1, 2)", 2);
	num_is("if(true, 1, 2)", 1);
	num_is("if(not notes, 1, 2)", 2);
	/* numbers as conditions: true when not zero */
	bool_is("2 and true", 1);
	bool_is("0 or false", 0);
	bool_is("not 0", 1);
	bool_is("not -0.5", 0);
	num_is("if(0.5, 1, 2)", 1);
	num_is("if(nps - 8, 1, 2)", 2);	/* 8 - 8 = 0 */
}

static void
test_functions(void)
{
	reset();
	num_is("min(3, 1, 2)", 1);
	num_is("max(3, 1, 2)", 3);
	num_is("min(-1, -5)", -5);
	num_is("max(nps, 10)", 10);
	num_is("min(100, 40 + nps * 10)", 100);	/* 40 + 80 = 120 */
	miss("min(1, notes, 3)");
	miss("max(notes, 1)");

	num_is("abs(-2.5)", 2.5);
	num_is("abs(3)", 3);
	miss("abs(notes)");

	/* half away from zero */
	num_is("round(2.5)", 3);
	num_is("round(-2.5)", -3);
	num_is("round(2.4)", 2);
	num_is("round(0.5)", 1);
	num_is("round(-0.4)", 0);
	num_is("round(72.5)", 73);
	num_is("round(1234.5678, 2)", 1234.57);
	num_is("round(-1.25, 1)", -1.3);	/* 1.25 is exact in binary */
	num_is("round(1.005, 2)", 1.01);	/* 1.00499999... forgiven */
	num_is("round(2.5, 0)", 3);
	miss("round(notes)");
	miss("round(2.5, notes)");

	num_is("clamp(5, 0, 3)", 3);
	num_is("clamp(-1, 0, 3)", 0);
	num_is("clamp(2, 0, 3)", 2);
	num_is("clamp(nps, 0, 10)", 8);
	miss("clamp(notes, 0, 1)");
	miss("clamp(1, notes, 2)");
	miss("clamp(1, 0, notes)");

	num_is("ratio(3, 4)", 0.75);
	num_is("ratio(0, 3)", 0);
	miss("ratio(3, 0)");
	miss("ratio(3, notes)");
	miss("ratio(notes, 3)");
	num_is("ratio(logins_30d, logins_prev_30d)", 0.75);	/* 75/100 */

	num_is("pct_change(75, 100)", -0.25);	/* (75 - 100) / 100 */
	num_is("pct_change(logins_30d, logins_prev_30d)", -0.25);
	bool_is("pct_change(logins_30d, logins_prev_30d) <= -25%", 1);
	bool_is("pct_change(logins_30d, logins_prev_30d) < -25%", 0);
	miss("pct_change(5, 0)");
	miss("pct_change(5, notes)");
	miss("pct_change(notes, 5)");
	/* (-50 - -100) / |-100| = 50 / 100: up from a negative */
	num_is("pct_change(-50, -100)", 0.5);
	/* (-150 - -100) / 100 = -0.5: further down */
	num_is("pct_change(-150, -100)", -0.5);
	num_is("pct_change(0, 4)", -1);

	num_is("coalesce(notes, nps, 7)", 8);	/* nps read as a number */
	num_is("coalesce(notes, 7)", 7);
	num_is("coalesce(1, notes)", 1);
	str_is("coalesce(notes, 'x')", "x");
	str_is("coalesce(segment, 'x')", "SMB");
	num_is("coalesce(1 / 0, 3)", 3);
	bool_is("coalesce(notes, champion_left, false)", 1);

	str_is("if(true, 'a', 'b')", "a");
	str_is("if(notes, 'a', 'b')", "b");
	str_is("if(false, 'a', segment)", "SMB");
	miss("if(false, 1, notes)");
	num_is("if(champion_left, 0, 100)", 0);
	num_is("if(nps >= 9, 1, if(nps >= 7, 0.5, 0))", 0.5);

	bool_is("in(nps, 7, 8, 9)", 1);		/* 8 is there */
	bool_is("in(nps, 1, 2)", 0);
	bool_is("in(score2, 8)", 1);		/* 8.0 as a number */
	miss("in(notes, 1, 2)");
	bool_is("in(segment, 'ENT', 'SMB')", 1);
	bool_is("in(segment, 'smb')", 0);
	bool_is("in(lower(segment), 'smb', 'mid')", 1);
	bool_is("in(3, notes, 3)", 1);		/* a missing value is skipped */
	bool_is("in(3, notes)", 0);
	bool_is("in(champion_left, false)", 0);
	bool_is("in(nps, score2)", 1);		/* columns: 8 == 8.0 */

	str_is("lower('AbC')", "abc");
	str_is("lower(`Account ID`)", "a-1");
	str_is("lower(segment)", "smb");
	str_is("lower('')", "");
	str_is("lower('\xc3\x84Z')", "\xc3\x84z");	/* ASCII only */
	str_is("lower(if(true, segment, 'X'))", "smb");
}

/*
 * Dates.  today is 2026-03-01 = 20513 (see reset).  2025-12-01 is 20454
 * - 31 = 20423; 2026-02-15 is 20454 + 31 + 14 = 20499; 2026-06-30 is
 * 20454 + 31 + 28 + 31 + 30 + 31 (June 1: 20605) + 29 = 20634.
 */
static void
test_dates(void)
{
	reset();
	num_is("days_since(last_qbr_date)", 90);	/* 20513 - 20423 */
	num_is("days_until(last_qbr_date)", -90);
	bool_is("days_since(last_qbr_date) > 100", 0);
	num_is("days_since('2026-01-01')", 59);		/* 20513 - 20454 */
	num_is("days_until('2026-06-30')", 121);	/* 20634 - 20513 */
	num_is("days_until('2026-03-01')", 0);
	miss("days_since(notes)");
	num_is("days_since(coalesce(notes, last_qbr_date))", 90);
	num_is("days_since(coalesce(notes, '2026-01-01'))", 59);
	num_is("days_since(if(false, notes, '2026-02-15'))", 14);
	put(C_QBR, "2026-02-15T12:00:00Z");
	num_is("days_since(last_qbr_date)", 14);	/* 20513 - 20499 */
	ev.date_format = "%m/%d/%Y";
	num_is("days_since(us_date)", 90);		/* 12/01/2025 */
	num_is("days_since(last_qbr_date)", 14);	/* ISO still read */
	ev.today = 20454;
	num_is("days_since(us_date)", 31);
	reset();
}

/* SPEC 8.2: the missing literal, booleans as numbers, the new functions. */
static void
test_missing_literal(void)
{
	reset();
	miss("missing");
	miss("MISSING");			/* a keyword, in any case */
	miss("missing + 1");
	miss("-missing");
	miss("missing == 1");
	miss("not missing");
	miss("if(true, missing, 5)");
	num_is("if(false, missing, 5)", 5);
	str_is("if(false, missing, 'x')", "x");
	num_is("coalesce(missing, 3)", 3);
	bool_is("missing(missing)", 1);
	bool_is("missing and false", 0);	/* three-valued, as SQL */
	bool_is("missing or true", 1);
	miss("missing and true");
	miss("lower(missing)");
	miss("days_since(missing)");
}

static void
test_bool_arith(void)
{
	reset();
	num_is("true + 1", 2);
	num_is("false * 5", 0);
	num_is("nps * (1 < 2)", 8);		/* 8 * 1 */
	num_is("-(nps > 5)", -1);
	num_is("(nps > 5) / 2", 0.5);
	num_is("min(1 < 2, 3)", 1);
	num_is("round(true)", 1);
	/* counting: SMB == SMB 1, 8 > 5 1, 75 > 100 0 */
	num_is("(segment == 'SMB') + (nps > 5) + (logins_30d > 100)", 2);
	miss("(notes > 1) + 1");		/* NA > 1 is missing */
	/* a boolean is still no value to compare with numbers */
	cerr("(1 < 2) == 3", "cannot compare a boolean with a number", 12);
	cerr("if(true, 1, 1 < 2)", "'if' mixes a number and a boolean", 15);
}

static void
test_math(void)
{
	reset();
	num_is("log(1)", 0);
	num_is("log(exp(2))", 2);
	num_is("round(log(100) / log(10), 9)", 2);
	num_is("exp(0)", 1);
	num_is("exp(-1000)", 0);		/* underflows to 0 */
	num_is("sqrt(16)", 4);
	num_is("sqrt(0)", 0);
	num_is("sqrt(nps * 2)", 4);		/* sqrt(16) */
	num_is("sqrt(true)", 1);
	/* outside the domain, or past the largest double: missing */
	miss("log(0)");
	miss("log(-5)");
	miss("sqrt(-1)");
	miss("exp(1000)");			/* e^1000 is about 10^434 */
	miss("exp(710)");			/* just past 1.8e308 */
	bool_is("exp(709) > 0", 1);		/* 8.2e307: still a number */
	miss("log(notes)");
	miss("sqrt(missing)");
	cerr("log('x')", "'log' needs a number, not a string", 5);
	cerr("exp()", "'exp' takes 1 argument, got 0", 1);
}

static void
test_between_count(void)
{
	reset();
	bool_is("between(nps, 7, 9)", 1);
	bool_is("between(nps, 8, 8)", 1);	/* inclusive at both ends */
	bool_is("between(nps, 9, 10)", 0);
	bool_is("between(nps, 1, 7)", 0);
	bool_is("between(score2, 7.5, 8)", 1);	/* "8.0" as a number */
	/* two columns: as numbers when both read as numbers: 100 > 75 */
	bool_is("between(logins_30d, logins_prev_30d, 200)", 0);
	bool_is("between(lower(segment), 'a', 'z')", 1);	/* "smb" */
	bool_is("between(segment, 'a', 'z')", 0);	/* 'S' < 'a' */
	miss("between(notes, 1, 2)");
	miss("between(1, notes, 2)");
	miss("between(1, 0, missing)");
	cerr("between(true, false, true)", "cannot order booleans with "
	    "'between'", 1);
	cerr("between(1, 'a', 2)", "cannot compare a number with a string",
	    12);

	/* nps > 5 yes, champion_left yes, notes NA (not true), 75 > 100 no */
	num_is("count(nps > 5, champion_left, notes, logins_30d > 100)", 2);
	num_is("count(false)", 0);
	num_is("count(missing, missing)", 0);
	num_is("count(1, 0, 2)", 2);		/* numbers as conditions */
	bool_is("count(nps > 5, champion_left) >= 2", 1);
	cerr("count('x')", "'count' needs a boolean, not a string", 7);
	cerr("count()", "'count' takes at least 1 argument, got 0", 1);
}

static void
test_strings(void)
{
	reset();
	bool_is("contains(segment, 'MB')", 1);	/* "SMB", trimmed */
	bool_is("contains(segment, 'mb')", 0);	/* case counts */
	bool_is("contains(lower(segment), 'mb')", 1);
	bool_is("contains(segment, 'SMB ')", 0);	/* trimmed: no space */
	bool_is("contains(segment, '')", 1);
	bool_is("contains('', 'a')", 0);
	bool_is("contains('abcabd', 'abd')", 1);	/* a second try */
	miss("contains(notes, 'a')");
	miss("contains(segment, notes)");
	bool_is("starts_with(account_id, 'A-')", 1);	/* "A-1" */
	bool_is("starts_with(account_id, 'A-12')", 0);	/* longer */
	bool_is("starts_with('abc', 'abc')", 1);
	bool_is("starts_with('abc', 'bc')", 0);
	/* both strings in scratch space, made one after the other */
	bool_is("starts_with(lower(segment), lower('SM'))", 1);
	miss("starts_with(missing, 'a')");
	cerr("contains(nps, 3)", "'contains' needs a string, not a number",
	    15);
	cerr("starts_with(1 < 2, 'x')", "'starts_with' needs a string, not "
	    "a boolean", 15);
}

static void
test_matches(void)
{
	struct csm_experr err;
	struct csm_expr *e;
	const char *bad = "matches(segment, 'a(')";

	reset();
	bool_is("matches(segment, '^S[A-Z]+$')", 1);
	bool_is("matches(segment, '^s')", 0);
	bool_is("matches(segment, 'M')", 1);	/* anywhere, unanchored */
	bool_is("matches(account_id, '^[A-Z]-[0-9]+$')", 1);
	bool_is("matches(lower(segment), 'mb$')", 1);
	bool_is("matches(last_qbr_date, '^[0-9]{4}-[0-9]{2}-[0-9]{2}$')", 1);
	bool_is("matches(segment, '^(SMB|ENT)$')", 1);
	bool_is("matches(segment, '[{]x{2}')", 0);	/* { in brackets */
	/* the expression's \\ is one backslash: the pattern a\{300 */
	bool_is("matches(segment, 'a\\\\{300')", 0);
	bool_is("matches(segment, '[[:upper:]]{3}')", 1);
	miss("matches(notes, 'x')");
	/* the pattern: a literal, compiled once; a bad one fails there */
	if ((e = csm_expr_compile(bad, strlen(bad), &err)) != NULL) {
		T_FAIL("%s compiled", bad);
		csm_expr_free(e);
	} else {
		/* the rest of the message is the C library's */
		T_OK(strncmp(err.msg, "bad pattern 'a(': ", 18) == 0);
		T_EQ_INT(err.col, 18);
	}
	cerr("matches(segment, segment)", "'matches' needs a pattern in "
	    "quotes, not a column", 18);
	cerr("matches(segment, lower('x'))", "'matches' needs a pattern in "
	    "quotes, not an expression", 18);
	cerr("matches(1, 'x')", "'matches' needs a string, not a number", 9);
	/*
	 * glibc copies x{1,32767} 32767 times (7 s to refuse it), x+ as xx*,
	 * so repetitions of repetitions multiply: the pattern's size once
	 * copied is at most 10000.
	 */
	cerr("matches(segment, 'x{1,300}')", "pattern repeats more than 255 "
	    "times", 18);
	cerr("matches(segment, 'x{300,}')", "pattern repeats more than 255 "
	    "times", 18);
	/* 200 * 200 = 40000 */
	cerr("matches(segment, '(a{1,200}){1,200}')", "pattern too large "
	    "once its repetitions are copied (more than 10000)", 18);
	bool_is("matches(segment, '(a{1,100}){1,100}')", 0);	/* 10000 */
	/* 2^14 = 16384: a+ fourteen times over, stacked or nested */
	cerr("matches(segment, 'a++++++++++++++')", "pattern too large once "
	    "its repetitions are copied (more than 10000)", 18);
	cerr("matches(segment, '((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)')",
	    "pattern too large once its repetitions are copied (more than "
	    "10000)", 18);
	/* 2^13 = 8192 is allowed, and one after the other they add up */
	bool_is("matches(segment, '(((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)')",
	    0);
	bool_is("matches(segment, 'a+b+c+d+e+f+g+h+i+j+k+l+m+n+o+p+q+r+S+')",
	    0);
	bool_is("matches(segment, '[+{]*(S|x{2})M+B?')", 1);
	{
		/* a NUL byte would end the pattern early */
		const char src[] = "matches(segment, 'a\0b')";

		if ((e = csm_expr_compile(src, sizeof(src) - 1, &err)) != NULL) {
			T_FAIL("a NUL in a pattern compiled");
			csm_expr_free(e);
		} else
			T_EQ_STR(err.msg, "pattern holds a NUL byte");
	}
}

static void
test_days_between(void)
{
	reset();
	/* 2026: January 31 days, February 28 */
	num_is("days_between('2026-01-01', '2026-03-01')", 59);
	/* 2025-12-01 to 2026-03-01: 31 + 31 + 28 */
	num_is("days_between(last_qbr_date, '2026-03-01')", 90);
	num_is("days_between('2026-03-01', last_qbr_date)", -90);
	num_is("days_between(last_qbr_date, last_qbr_date)", 0);
	/* 2024 is a leap year: 366 days */
	num_is("days_between('2024-01-01', '2025-01-01')", 366);
	miss("days_between(notes, '2026-01-01')");
	miss("days_between('2026-01-01', missing)");
	cerr("days_between(1, '2026-01-01')", "'days_between' needs a date, "
	    "not a number", 14);
	cerr("days_between('2026-01-01', 'soon')", "'soon' is not a date "
	    "(YYYY-MM-DD)", 28);
}

static void
test_types(void)
{
	reset();
	cerr("'abc' + 1", "'+' needs a number, not a string", 1);
	cerr("1 + 'abc'", "'+' needs a number, not a string", 5);
	cerr("-'x'", "'-' needs a number, not a string", 2);
	cerr("lower(3)", "'lower' needs a string, not a number", 7);
	cerr("lower(nps > 1)", "'lower' needs a string, not a boolean", 11);
	cerr("1 == 'a'", "cannot compare a number with a string", 6);
	cerr("nps > 1 == 'a'", "comparisons cannot be chained, use 'and'", 9);
	cerr("(1 < 2) == 3", "cannot compare a boolean with a number", 12);
	cerr("true < false", "cannot order booleans with '<'", 6);
	cerr("not 'x'", "'not' needs a boolean, not a string", 5);
	cerr("'x' and true", "'and' needs a boolean, not a string", 1);
	cerr("coalesce(1, 'x')", "'coalesce' mixes a number and a string",
	    13);
	cerr("if(true, 1, 'x')", "'if' mixes a number and a string", 13);
	cerr("if('x', 1, 2)", "'if' needs a boolean, not a string", 4);
	cerr("days_since(3)", "'days_since' needs a date, not a number", 12);
	cerr("days_until('soon')", "'soon' is not a date (YYYY-MM-DD)", 12);
	cerr("days_since(lower(x))", "'days_since' needs a date, not a string",
	    12);
	cerr("in(1, 'a')", "cannot compare a number with a string", 7);
	cerr("in(x, 1, y, 'a')", "cannot compare a number with a string", 13);
	/* coalesce became a string for lower's sake; '+' then needs a number */
	cerr("coalesce(nps, 'x') + 1", "'+' needs a number, not a string", 15);
	cerr("lower(coalesce(nps, 1))", "'lower' needs a string, not a number",
	    21);
	/* columns in UTF-8: `Größe` is 7 characters and 9 bytes */
	cerr("`Gr\xc3\xb6\xc3\x9f" "e` + 'x'",
	    "'+' needs a number, not a string", 11);
	/* these are fine: columns take the type their use needs */
	num_is("coalesce(notes, nps) + 1", 9);
	str_is("lower(coalesce(notes, segment))", "smb");
}

static void
test_syntax(void)
{
	char buf[1024];
	char *big;
	size_t i;

	cerr("", "empty expression", 1);
	cerr("   ", "empty expression", 1);
	cerr("1 +", "unexpected end of expression", 4);
	cerr("(1 + 2", "expected ')' to close '(' at column 1", 7);
	cerr("2 * (1 + 2", "expected ')' to close '(' at column 5", 11);
	cerr("(1 + 2 3)", "expected ')' to close '(' at column 1", 8);
	cerr("min(1, 2", "expected ')' to close '(' at column 4", 9);
	cerr("min(1 2)", "expected ')' to close '(' at column 4", 7);
	cerr("min(1,)", "unexpected ')'", 7);
	cerr("min(,1)", "unexpected ','", 5);
	cerr("1 + 2)", "unexpected ')'", 6);
	cerr(")", "unexpected ')'", 1);
	cerr("()", "unexpected ')'", 2);
	cerr("1 2", "unexpected '2'", 3);
	cerr("nps segment", "unexpected 'segment'", 5);
	cerr("a 'b'", "unexpected string", 3);
	cerr("a and", "unexpected end of expression", 6);
	cerr("not", "unexpected end of expression", 4);
	cerr("'abc", "unterminated string", 1);
	cerr("x + \"abc", "unterminated string", 5);
	cerr("'abc\\", "unterminated string", 1);
	cerr("'a\\qb'", "unknown escape '\\q' in string", 3);
	cerr("`Account ID", "unterminated column name", 1);
	cerr("1 + ``", "empty column name", 5);
	cerr("frobnicate(1)", "unknown function 'frobnicate'", 1);
	cerr("rount(x)", "unknown function 'rount', did you mean 'round'?", 1);
	cerr("1 + pct_chnage(a, b)",
	    "unknown function 'pct_chnage', did you mean 'pct_change'?", 5);
	cerr("`min`(1, 2)", "unexpected '('", 6);
	cerr("abs(1, 2)", "'abs' takes 1 argument, got 2", 1);
	cerr("abs()", "'abs' takes 1 argument, got 0", 1);
	cerr("clamp(1, 2)", "'clamp' takes 3 arguments, got 2", 1);
	cerr("1 + min(1)", "'min' takes at least 2 arguments, got 1", 5);
	cerr("in(x)", "'in' takes at least 2 arguments, got 1", 1);
	cerr("coalesce(x)", "'coalesce' takes at least 2 arguments, got 1", 1);
	cerr("round()", "'round' takes 1 or 2 arguments, got 0", 1);
	cerr("round(1, 2, 3)", "'round' takes 1 or 2 arguments, got 3", 1);
	cerr("1 < 2 < 3", "comparisons cannot be chained, use 'and'", 7);
	cerr("1 = 2", "unexpected '=', did you mean '=='?", 3);
	cerr("!x", "unexpected '!', did you mean 'not'?", 1);
	cerr("a && b", "unexpected '&', did you mean 'and'?", 3);
	cerr("a || b", "unexpected '|', did you mean 'or'?", 3);
	cerr("1 # 2", "unexpected character '#'", 3);
	cerr("1 + \x01", "unexpected byte 0x01", 5);
	cerr("3abc", "bad number '3abc'", 1);
	cerr("1.2.3", "bad number '1.2.3'", 1);
	cerr("2 * 1.", "bad number '1.'", 5);
	cerr("1e999", "number '1e999' is out of range", 1);
	cerr("25 %", "unexpected character '%'", 4);
	cerr("25%%", "unexpected character '%'", 4);
	cerr("x %", "unexpected character '%'", 3);
	cerr("true(1)", "unexpected '('", 5);
	/* the first error wins: the string is unterminated, then ')' */
	cerr("min('a", "unterminated string", 5);

	/* 64 nested parentheses are fine, 65 are not */
	for (i = 0; i < 64; i++) {
		buf[i] = '(';
		buf[64 + 1 + i] = ')';
	}
	buf[64] = '7';
	buf[129] = '\0';
	num_is(buf, 7);
	memmove(buf + 1, buf, 130);
	buf[0] = '(';
	buf[130] = ')';
	buf[131] = '\0';
	cerr(buf, "expression nested more than 64 levels deep", 65);
	/* the same for unary minus, not and calls */
	for (i = 0; i < 65; i++)
		buf[i] = '-';
	buf[65] = '1';
	buf[66] = '\0';
	cerr(buf, "expression nested more than 64 levels deep", 65);
	num_is(buf + 1, 1);	/* 64 minus signs: even */
	buf[0] = '\0';
	for (i = 0; i < 65; i++)
		strncat(buf, "not ", sizeof(buf) - strlen(buf) - 1);
	strncat(buf, "true", sizeof(buf) - strlen(buf) - 1);
	cerr(buf, "expression nested more than 64 levels deep", 257);
	bool_is(buf + 4, 1);	/* 64 nots: even */
	buf[0] = '\0';
	for (i = 0; i < 65; i++)
		strncat(buf, "abs(", sizeof(buf) - strlen(buf) - 1);
	cerr(buf, "expression nested more than 64 levels deep", 257);

	/*
	 * 1+1+...: the k-th '+' makes a node k+1 levels high, at column 2k.
	 * 255 of them (256 levels) are fine; the 256th is too many.
	 */
	big = csm_xmalloc(70000);
	big[0] = '1';
	for (i = 1; i <= 255; i++) {
		big[2 * i - 1] = '+';
		big[2 * i] = '1';
	}
	big[511] = '\0';
	num_is(big, 256);
	big[511] = '+';
	big[512] = '1';
	big[513] = '\0';
	cerr(big, "expression too complex (more than 256 levels)", 512);

	/* 64 KiB of text is fine, one byte more is not */
	big[0] = '1';
	memset(big + 1, ' ', 65535);
	big[65536] = '\0';
	num_is(big, 1);
	big[65536] = ' ';
	big[65537] = '\0';
	cerr(big, "expression longer than 65536 bytes", 1);
	free(big);
}

static void
test_bind(void)
{
	struct csm_experr err;
	struct csm_expr *e;
	struct csm_val v;
	struct csm_tbl t2;
	struct csm_cols c2;
	char *h2[2], *f2[2];
	size_t hl2[2], fl2[2];
	char h2a[] = "other", h2b[] = "nps", f2a[] = "x", f2b[] = "42";

	reset();
	berr("nsp + 1", "unknown column 'nsp', did you mean 'nps'?", 1);
	berr("1 + zzzzqqq", "unknown column 'zzzzqqq'", 5);
	berr("`Acount ID` == 'x'",
	    "unknown column 'Acount ID', did you mean 'Account ID'?", 1);
	berr("nps + segmant", "unknown column 'segmant', did you mean "
	    "'segment'?", 7);
	/* absent optional columns read as missing */
	num_is("coalesce(arr, 5)", 5);
	bool_is("missing(renewal_date)", 1);
	miss("owner");
	miss("days_until(renewal_date) <= 90");
	bool_is("missing(health_score) and nps > 1", 1);

	/* bound again to another header, where nps is column 1 */
	if ((e = comp("nps * 2")) == NULL)
		return;
	csm_expr_eval(e, &ev, &v);
	T_EQ_NUM(v.num, 16);
	h2[0] = h2a;
	h2[1] = h2b;
	hl2[0] = 5;
	hl2[1] = 3;
	f2[0] = f2a;
	f2[1] = f2b;
	fl2[0] = 1;
	fl2[1] = 2;
	memset(&t2, 0, sizeof(t2));
	t2.ncols = 2;
	t2.hdr = h2;
	t2.hdrlen = hl2;
	t2.f = f2;
	t2.flen = fl2;
	t2.file = "second.csv";
	t2.line = 2;
	csm_cols_init(&c2, &t2, NULL);
	T_EQ_INT(csm_expr_bind(e, &c2, &err), 0);
	ev.rec = &t2;
	ev.cols = &c2;
	csm_expr_eval(e, &ev, &v);
	T_EQ_INT(v.type, CSM_T_NUM);
	T_EQ_NUM(v.num, 84);	/* 42 * 2 */
	ev.rec = &tbl;
	ev.cols = &cols;
	T_EQ_INT(csm_expr_bind(e, &cols, &err), 0);
	csm_expr_eval(e, &ev, &v);
	T_EQ_NUM(v.num, 16);
	csm_cols_release(&c2);
	csm_expr_free(e);
}

static void
test_nonfinite(void)
{
	reset();
	miss("1e308 * 10");
	miss("1e308 + 1e308");
	miss("-1e308 - 1e308");
	miss("1 / 0");
	miss("0 / 0");
	miss("-1 / 0");
	miss("nps / (nps - 8)");	/* 8 / 0 */
	miss("ratio(1e308, 1e-308)");
	miss("abs(-1e308 * 10)");
	miss("1e308 * 10 > 5");
	miss("round(1e308 * 10)");
	miss("1e308 * 10 * 0 + 3");	/* inf * 0 would be NaN: missing */
	put(C_NPS, "1e308");
	miss("nps * nps");
	num_is("nps / 1e308", 1);
	reset();
}

static void
test_scratch(void)
{
	char big[1001];

	reset();
	memset(big, 'A', 1000);
	big[1000] = '\0';
	put(C_BIG, big);
	/*
	 * The second lower() grows the scratch buffer past the first one's
	 * 1001 bytes, which may move it: the first result must survive.
	 */
	bool_is("lower(`Big Text`) == lower(`Big Text`)", 1);
	bool_is("lower(lower(`Big Text`)) == lower(`Big Text`)", 1);
	bool_is("in(lower(`Big Text`), lower('X'), lower(`Big Text`))", 1);
	bool_is("lower(`Big Text`) == `Big Text`", 0);
	memset(big, 'a', 1000);
	str_is("lower(`Big Text`)", big);
	str_is("coalesce(lower(notes), lower(`Big Text`))", big);
	reset();
}

static void
collect(void *ctx, const char *name)
{
	struct csm_buf *b = ctx;

	csm_buf_adds(b, name);
	csm_buf_addc(b, ';');
}

static void
test_columns_list(void)
{
	struct csm_experr err;
	struct csm_expr *e;
	struct csm_buf b;
	const char *src = "coalesce(nps, `Account ID`) + nps + ratio(a_b, nps)"
	    " + if(true, 1, 2)";

	csm_buf_init(&b);
	e = csm_expr_compile(src, strlen(src), &err);
	T_OK(e != NULL);
	if (e == NULL)
		return;
	csm_expr_columns(e, collect, &b);
	T_EQ_STR(b.s, "nps;Account ID;a_b;");
	csm_expr_free(e);
	csm_buf_release(&b);
}

/* Runs csm_expr_want on src; returns the expression or NULL. */
static struct csm_expr *
want(const char *src, int type)
{
	struct csm_experr err;
	struct csm_expr *e;

	if ((e = comp(src)) == NULL)
		return NULL;
	if (csm_expr_want(e, type, &err) != 0) {
		T_FAIL("%s: want error '%s'", src, err.msg);
		csm_expr_free(e);
		return NULL;
	}
	return e;
}

static void
test_want(void)
{
	struct csm_experr err;
	struct csm_expr *e;
	struct csm_val v;
	double d;

	reset();
	if ((e = want("nps", CSM_T_NUM)) != NULL) {
		csm_expr_eval(e, &ev, &v);
		T_EQ_INT(v.type, CSM_T_NUM);
		T_EQ_NUM(v.num, 8);
		csm_expr_free(e);
	}
	if ((e = want("coalesce(notes, nps)", CSM_T_NUM)) != NULL) {
		csm_expr_eval(e, &ev, &v);
		T_EQ_INT(v.type, CSM_T_NUM);
		T_EQ_NUM(v.num, 8);
		csm_expr_free(e);
	}
	if ((e = want("champion_left", CSM_T_BOOL)) != NULL) {
		csm_expr_eval(e, &ev, &v);
		T_EQ_INT(v.type, CSM_T_BOOL);
		T_EQ_INT(csm_val_true(&v), 1);
		csm_expr_free(e);
	}
	if ((e = want("nps - 8", CSM_T_BOOL)) != NULL) {
		csm_expr_eval(e, &ev, &v);
		T_EQ_INT(csm_val_true(&v), 0);
		csm_expr_free(e);
	}
	if ((e = want("segment", CSM_T_STR)) != NULL) {
		csm_expr_eval(e, &ev, &v);
		T_EQ_INT(v.type, CSM_T_STR);
		csm_expr_free(e);
	}
	if ((e = comp("'abc'")) != NULL) {
		T_EQ_INT(csm_expr_want(e, CSM_T_NUM, &err), -1);
		T_EQ_STR(err.msg, "expected a number, not a string");
		T_EQ_INT(err.col, 1);
		csm_expr_free(e);
	}
	if ((e = want("if(champion_left, 1, nps)", CSM_T_NUM)) != NULL) {
		csm_expr_eval(e, &ev, &v);
		T_EQ_NUM(v.num, 1);
		csm_expr_free(e);
	}
	/* the error points at what cannot be a number: '<' at column 12 */
	if ((e = comp("if(true, 1 < 2, nps)")) != NULL) {
		T_EQ_INT(csm_expr_want(e, CSM_T_NUM, &err), -1);
		T_EQ_STR(err.msg, "expected a number, not a boolean");
		T_EQ_INT(err.col, 12);
		csm_expr_free(e);
	}

	/* csm_expr_num reads a bare column as a number */
	if ((e = comp("nps")) != NULL) {
		T_EQ_INT(csm_expr_num(e, &ev, &d), CSM_OK);
		T_EQ_NUM(d, 8);
		csm_expr_free(e);
	}
	if ((e = comp("if(champion_left, coalesce(notes, nps), 1)")) != NULL) {
		T_EQ_INT(csm_expr_num(e, &ev, &d), CSM_OK);
		T_EQ_NUM(d, 8);
		csm_expr_free(e);
	}
	if ((e = comp("notes")) != NULL) {
		T_EQ_INT(csm_expr_num(e, &ev, &d), CSM_MISSING);
		csm_expr_free(e);
	}
	if ((e = comp("ratio(logins_30d, logins_prev_30d)")) != NULL) {
		T_EQ_INT(csm_expr_num(e, &ev, &d), CSM_OK);
		T_EQ_NUM(d, 0.75);
		csm_expr_free(e);
	}
	if ((e = comp("1 < 2")) != NULL) {
		T_EQ_INT(csm_expr_num(e, &ev, &d), CSM_BAD);
		csm_expr_free(e);
	}
}

static void
test_val(void)
{
	struct csm_val v;
	double d;

	memset(&v, 0, sizeof(v));
	v.type = CSM_T_MISSING;
	T_EQ_INT(csm_val_true(&v), 0);
	T_EQ_INT(csm_val_num(&v, &d), CSM_MISSING);
	v.type = CSM_T_NUM;
	v.num = 0;
	T_EQ_INT(csm_val_true(&v), 0);
	v.num = -2;
	T_EQ_INT(csm_val_true(&v), 1);
	T_EQ_INT(csm_val_num(&v, &d), CSM_OK);
	T_EQ_NUM(d, -2);
	v.type = CSM_T_BOOL;
	v.num = 1;
	T_EQ_INT(csm_val_true(&v), 1);
	T_EQ_INT(csm_val_num(&v, &d), CSM_BAD);
	v.type = CSM_T_STR;
	v.str = "yes";
	v.len = 3;
	T_EQ_INT(csm_val_true(&v), 1);
	v.str = "maybe";
	v.len = 5;
	T_EQ_INT(csm_val_true(&v), 0);
	T_EQ_INT(csm_val_num(&v, &d), CSM_BAD);
	v.str = "1,234";
	v.len = 5;
	T_EQ_INT(csm_val_num(&v, &d), CSM_OK);
	T_EQ_NUM(d, 1234);
}

static struct csm_expr *child_e;

/*
 * Evaluates src in a child process with stderr captured; returns the
 * exit status (-1 if it did not exit) and the message in msg.
 */
static int
run_child(const char *src, char *msg, size_t msgsz)
{
	struct csm_expr *e = comp(src);
	struct csm_val v;
	int fd[2], st;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	msg[0] = '\0';
	if (e == NULL)
		return -1;
	fflush(NULL);
	if (pipe(fd) != 0 || (pid = fork()) < 0) {
		csm_expr_free(e);
		return -1;
	}
	if (pid == 0) {
		child_e = e;	/* reachable when csm_die_at exits */
		close(fd[0]);
		dup2(fd[1], 2);
		csm_expr_eval(e, &ev, &v);
		csm_expr_free(e);
		child_e = NULL;
		csm_eval_release(&ev);
		csm_cols_release(&cols);
		_exit(0);
	}
	close(fd[1]);
	while (got + 1 < msgsz &&
	    (n = read(fd[0], msg + got, msgsz - got - 1)) > 0)
		got += (size_t)n;
	msg[got] = '\0';
	close(fd[0]);
	csm_expr_free(e);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Evaluates src with stderr captured into msg. */
static void
capture(const char *src, struct csm_val *v, char *msg, size_t msgsz)
{
	struct csm_expr *e = comp(src);
	FILE *tmp = tmpfile();
	int saved;
	size_t n;

	msg[0] = '\0';
	v->type = -1;
	if (e == NULL || tmp == NULL) {
		T_FAIL("%s: cannot set up", src);
		csm_expr_free(e);
		if (tmp != NULL)
			fclose(tmp);
		return;
	}
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(tmp), 2);
	csm_expr_eval(e, &ev, v);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(msg, 1, msgsz - 1, tmp);
	msg[n] = '\0';
	fclose(tmp);
	csm_expr_free(e);
}

static void
test_badval(void)
{
	char msg[512];
	struct csm_val v;

	reset();
	put(C_NPS, "abc");
	T_EQ_INT(run_child("nps + 1", msg, sizeof(msg)), EX_DATAERR);
	T_EQ_STR(msg, "t-expr: accounts.csv:17: column 'nps': \"abc\" is not "
	    "a number\n");
	/* named by the header's own text, however it was referenced */
	T_EQ_INT(run_child("account_id * 2", msg, sizeof(msg)), EX_DATAERR);
	T_EQ_STR(msg, "t-expr: accounts.csv:17: column 'Account ID': \"A-1\" "
	    "is not a number\n");
	put(C_CHAMP, "maybe");
	T_EQ_INT(run_child("not champion_left", msg, sizeof(msg)),
	    EX_DATAERR);
	T_EQ_STR(msg, "t-expr: accounts.csv:17: column 'champion_left': "
	    "\"maybe\" is not a boolean\n");
	put(C_QBR, "soon");
	T_EQ_INT(run_child("days_since(last_qbr_date)", msg, sizeof(msg)),
	    EX_DATAERR);
	T_EQ_STR(msg, "t-expr: accounts.csv:17: column 'last_qbr_date': "
	    "\"soon\" is not a date\n");
	/* a number too large for a double says so (SPEC 8.1) */
	put(C_NPS, "-1e400");
	T_EQ_INT(run_child("nps + 1", msg, sizeof(msg)), EX_DATAERR);
	T_EQ_STR(msg, "t-expr: accounts.csv:17: column 'nps': \"-1e400\" is "
	    "not a finite number\n");
	put(C_NPS, "abc");
	/* a value never read as a number is no error */
	T_EQ_INT(run_child("missing(nps)", msg, sizeof(msg)), 0);
	T_EQ_STR(msg, "");
	/* nor one that and() never needed */
	T_EQ_INT(run_child("false and nps > 1", msg, sizeof(msg)), 0);

	ev.badval = CSM_BAD_MISSING;
	capture("nps + 1", &v, msg, sizeof(msg));
	T_EQ_INT(v.type, CSM_T_MISSING);
	T_EQ_STR(msg, "t-expr: accounts.csv:17: column 'nps': \"abc\" is not "
	    "a number, read as missing\n");
	capture("coalesce(nps, 7)", &v, msg, sizeof(msg));
	T_EQ_INT(v.type, CSM_T_NUM);
	T_EQ_NUM(v.num, 7);
	capture("if(champion_left, 1, 2)", &v, msg, sizeof(msg));
	T_EQ_NUM(v.num, 2);
	T_EQ_STR(msg, "t-expr: accounts.csv:17: column 'champion_left': "
	    "\"maybe\" is not a boolean, read as missing\n");
	capture("days_until(last_qbr_date)", &v, msg, sizeof(msg));
	T_EQ_INT(v.type, CSM_T_MISSING);
	capture("nps", &v, msg, sizeof(msg));	/* text: no reading, no warning */
	T_EQ_INT(v.type, CSM_T_STR);
	T_EQ_STR(msg, "");
	reset();
}

int
main(void)
{
	csm_setprogname("t-expr");
	setup();
	T_RUN(test_literals);
	T_RUN(test_precedence);
	T_RUN(test_columns);
	T_RUN(test_missing);
	T_RUN(test_logic);
	T_RUN(test_functions);
	T_RUN(test_dates);
	T_RUN(test_types);
	T_RUN(test_missing_literal);
	T_RUN(test_bool_arith);
	T_RUN(test_math);
	T_RUN(test_between_count);
	T_RUN(test_strings);
	T_RUN(test_matches);
	T_RUN(test_days_between);
	T_RUN(test_syntax);
	T_RUN(test_bind);
	T_RUN(test_nonfinite);
	T_RUN(test_scratch);
	T_RUN(test_columns_list);
	T_RUN(test_want);
	T_RUN(test_val);
	T_RUN(test_badval);
	csm_eval_release(&ev);
	csm_cols_release(&cols);
	T_END();
}

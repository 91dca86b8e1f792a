/*
 * fuzz-expr.c: the expression compiler and evaluator.  The input's first
 * line is an expression, each further line a record of comma-separated
 * values for a fixed header.  The expression is compiled as it is and for
 * each type a caller may want; what compiles is bound to the header and
 * evaluated on every record, as a value, as a number and as a condition,
 * and formatted as templates would.  Numbers must be finite, booleans 0 or
 * 1, and each wanted type must be what comes out; a format never writes
 * inf or nan (SPEC 8.1).  A last pass evaluates with bad_values: fail,
 * where a data error (csm_die) is fine.  The seed corpus covers revision
 * 2 of the language (SPEC 8.2): missing, booleans in arithmetic, log, exp,
 * sqrt, between, count, contains, starts_with, matches, days_between.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "fuzz.h"

#define MAXRECS 8

static const char *const header[] = {
	"a", "b", "c", "d", "s", "x", "nps", "arr", "active_users",
	"licensed_seats", "logins_30d", "logins_prev_30d", "tickets_30d",
	"champion_left", "renewal_date", "last_qbr_date", "segment",
	"Account Name"
};
#define NCOLS (sizeof(header) / sizeof(header[0]))

static const char *const formats[] = {NULL, "num", "pct", "money", "days",
	"int"};

/* What one run holds, static so that it survives a longjmp. */
static struct {
	struct csm_expr *e;
	struct csm_cols cols;
	int colsinit;
	struct csm_eval ev;
	struct csm_buf text;
	char *data[MAXRECS];	/* each record's fields, NUL-separated */
	size_t nrecs;
} st;

static char *hdr[NCOLS];
static size_t hdrlen[NCOLS];
static char *f[NCOLS];
static size_t flen[NCOLS];
static struct csm_tbl tbl;

/* A copy of the line s[0..n), NUL-terminated. */
static char *
record(const char *s, size_t n)
{
	char *p = csm_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/*
 * Points the table's fields at record r, the line buf[0..n), whose commas
 * become NULs; fields the line lacks are empty.
 */
static void
point(size_t r, char *buf, size_t n)
{
	size_t i, j, start = 0;

	for (i = 0; i < NCOLS; i++) {
		f[i] = buf + n;		/* the record's NUL: empty */
		flen[i] = 0;
	}
	for (i = j = 0; j < NCOLS && i <= n; i++) {
		if (i < n && buf[i] != ',')
			continue;
		buf[i] = '\0';
		f[j] = buf + start;
		flen[j++] = i - start;
		start = i + 1;
	}
	tbl.line = (long)r + 2;
}

/* Whether s[0..n) holds "inf" or "nan", in any case. */
static int
infnan(const char *s, size_t n)
{
	size_t i;
	char a, b, c;

	for (i = 0; i + 3 <= n; i++) {
		a = (char)(s[i] | 0x20);
		b = (char)(s[i + 1] | 0x20);
		c = (char)(s[i + 2] | 0x20);
		if ((a == 'i' && b == 'n' && c == 'f') ||
		    (a == 'n' && b == 'a' && c == 'n'))
			return 1;
	}
	return 0;
}

static void
column(void *ctx, const char *name)
{
	size_t *n = ctx;

	if (name == NULL || *name == '\0')
		abort();
	(*n)++;
}

/* Evaluates st.e on the current record every way there is. */
static void
evaluate(int want)
{
	struct csm_val v;
	double x, y;
	size_t i, sum = 0;
	int r, b;

	csm_expr_eval(st.e, &st.ev, &v);
	switch (v.type) {
	case CSM_T_MISSING:
		break;
	case CSM_T_NUM:
		if (!isfinite(v.num))
			abort();
		break;
	case CSM_T_BOOL:
		if (v.num != 0 && v.num != 1)
			abort();
		break;
	case CSM_T_STR:
		if (v.str == NULL && v.len > 0)
			abort();
		for (i = 0; i < v.len; i++)
			sum += (unsigned char)v.str[i];
		break;
	default:
		abort();
	}
	if ((want == CSM_T_NUM && v.type != CSM_T_NUM &&
	    v.type != CSM_T_MISSING) ||
	    (want == CSM_T_BOOL && v.type != CSM_T_BOOL &&
	    v.type != CSM_T_NUM && v.type != CSM_T_MISSING) ||
	    (want == CSM_T_STR && v.type != CSM_T_STR &&
	    v.type != CSM_T_MISSING))
		abort();
	b = csm_val_true(&v);
	if (b != 0 && b != 1)
		abort();
	if (v.type == CSM_T_MISSING && b)
		abort();
	r = csm_val_num(&v, &x);
	if (r == CSM_OK && !isfinite(x))
		abort();
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		csm_buf_reset(&st.text);
		csm_fmt_value(&v, formats[i], &st.text);
		if (st.text.len == 0 && !(v.type == CSM_T_STR && v.len == 0))
			abort();
		/* text passes through as it is, but no number is inf */
		if ((v.type == CSM_T_NUM || formats[i] != NULL) &&
		    infnan(st.text.s, st.text.len))
			abort();
		/*
		 * num and int must write the number rounded: within half a
		 * unit of the last digit, and the up to 0.001 of one that
		 * csm_round forgives as binary noise.
		 */
		if (v.type == CSM_T_NUM && i > 0 && (strcmp(formats[i], "num")
		    == 0 || strcmp(formats[i], "int") == 0) &&
		    (csm_parse_num(st.text.s, st.text.len, &y) != CSM_OK ||
		    fabs(y - v.num) > 1e-12 * fabs(v.num) +
		    (formats[i][0] == 'n' ? 0.00501 : 0.501)))
			abort();
	}

	/* As a number: the same number, or the column's text read as one. */
	r = csm_expr_num(st.e, &st.ev, &y);
	if (r == CSM_OK && !isfinite(y))
		abort();
	if (v.type == CSM_T_NUM && (r != CSM_OK || y != v.num))
		abort();
	if (want == CSM_T_NUM && v.type == CSM_T_MISSING && r != CSM_MISSING)
		abort();
	(void)sum;
}

static void
run(const uint8_t *data, size_t size)
{
	static const int wants[] = {CSM_T_MISSING, CSM_T_NUM, CSM_T_BOOL,
		CSM_T_STR};
	const char *s = (const char *)data, *nl, *end = s + size;
	struct csm_experr err;
	size_t n, w, r, ncol;

	nl = memchr(s, '\n', size);
	n = nl ? (size_t)(nl - s) : size;
	for (r = 0, s = nl ? nl + 1 : end; s < end && r < MAXRECS; r++) {
		nl = memchr(s, '\n', (size_t)(end - s));
		st.data[st.nrecs++] = record(s,
		    nl ? (size_t)(nl - s) : (size_t)(end - s));
		s = nl ? nl + 1 : end;
	}
	if (st.nrecs == 0)
		st.data[st.nrecs++] = record("", 0);
	s = (const char *)data;

	csm_cols_init(&st.cols, &tbl, NULL);
	st.colsinit = 1;
	csm_eval_init(&st.ev);
	st.ev.rec = &tbl;
	st.ev.cols = &st.cols;
	st.ev.today = csm_days_from_civil(2026, 3, 15);
	st.ev.date_format = "%m/%d/%Y";
	st.ev.badval = CSM_BAD_MISSING;

	for (w = 0; w < sizeof(wants) / sizeof(wants[0]); w++) {
		if ((st.e = csm_expr_compile(s, n, &err)) == NULL) {
			if (err.msg[0] == '\0' || err.col == 0 ||
			    err.col > n + 1)
				abort();
			return;
		}
		ncol = 0;
		csm_expr_columns(st.e, column, &ncol);
		if (wants[w] != CSM_T_MISSING &&
		    csm_expr_want(st.e, wants[w], &err) != 0) {
			if (err.msg[0] == '\0')
				abort();
		} else if (csm_expr_bind(st.e, &st.cols, &err) == 0) {
			for (r = 0; r < st.nrecs; r++) {
				point(r, st.data[r], strlen(st.data[r]));
				evaluate(wants[w]);
			}
		} else if (err.msg[0] == '\0' || ncol == 0)
			abort();
		csm_expr_free(st.e);
		st.e = NULL;
	}

	/* bad_values: fail, where a value that cannot be read dies. */
	st.ev.badval = CSM_BAD_FAIL;
	st.e = csm_expr_compile(s, n, &err);
	if (csm_expr_bind(st.e, &st.cols, &err) != 0)
		return;
	for (r = 0; r < st.nrecs; r++) {
		point(r, st.data[r], strlen(st.data[r]));
		evaluate(CSM_T_MISSING);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;

	fuzz_setup(argc, argv);
	for (i = 0; i < NCOLS; i++) {
		hdr[i] = (char *)header[i];
		hdrlen[i] = strlen(header[i]);
	}
	tbl.ncols = tbl.nf = NCOLS;
	tbl.hdr = hdr;
	tbl.hdrlen = hdrlen;
	tbl.f = f;
	tbl.flen = flen;
	tbl.file = "<fuzz>";
	tbl.delim = ',';
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i;

	memset(&st, 0, sizeof(st));
	csm_buf_init(&st.text);
	if (setjmp(fuzz_jmp) == 0)
		run(data, size);
	csm_expr_free(st.e);
	if (st.colsinit)
		csm_cols_release(&st.cols);
	csm_eval_release(&st.ev);
	csm_buf_release(&st.text);
	for (i = 0; i < st.nrecs; i++)
		free(st.data[i]);
	return 0;
}

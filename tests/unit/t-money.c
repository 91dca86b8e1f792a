/*
 * t-money.c: checked money (money.c): sums that report overflow instead
 * of wrapping, amounts from expressions, rates kept exactly to 9
 * decimals, conversions, and amounts read from cells with their errors.
 * Every expected value is worked out by hand in the comments.
 */
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "t.h"

static void
test_add(void)
{
	int64_t s = 1;

	T_EQ_INT(csm_cents_add(&s, 2), 0);
	T_EQ_INT(s, 3);
	s = INT64_MAX - 1;
	T_EQ_INT(csm_cents_add(&s, 1), 0);
	T_EQ_INT(s, INT64_MAX);
	/* one more would wrap to INT64_MIN: refused, the sum kept */
	T_EQ_INT(csm_cents_add(&s, 1), -1);
	T_EQ_INT(s, INT64_MAX);
	s = INT64_MIN;
	T_EQ_INT(csm_cents_add(&s, -1), -1);
	T_EQ_INT(s, INT64_MIN);
	/* opposite signs never overflow: MAX + MIN = -1 */
	s = INT64_MAX;
	T_EQ_INT(csm_cents_add(&s, INT64_MIN), 0);
	T_EQ_INT(s, -1);
	/*
	 * Issue 9 item 2: ten amounts of 9,999,999,999,999,999.99 (999...9
	 * cents, 18 nines) pass INT64_MAX (9.22e18) at the tenth.
	 */
	{
		int64_t sum = 0, big = 999999999999999999LL;
		int i, bad = -1;

		for (i = 0; i < 10 && bad < 0; i++)
			if (csm_cents_add(&sum, big) != 0)
				bad = i;
		T_EQ_INT(bad, 9);
		T_EQ_INT(sum, 9 * big);
	}
}

static void
test_from_num(void)
{
	int64_t c = -1;

	/* 12.345 * 100 is 1234.4999999999998 in binary: still 1235 */
	T_EQ_INT(csm_cents_from_num(12.345, &c), 0);
	T_EQ_INT(c, 1235);
	T_EQ_INT(csm_cents_from_num(-12.345, &c), 0);
	T_EQ_INT(c, -1235);
	T_EQ_INT(csm_cents_from_num(-0.004, &c), 0);	/* -0.4 cents: 0 */
	T_EQ_INT(c, 0);
	T_EQ_INT(csm_cents_from_num(1e15, &c), 0);	/* the limit itself */
	T_EQ_INT(c, 100000000000000000LL);
	T_EQ_INT(csm_cents_from_num(-1e15, &c), 0);
	T_EQ_INT(c, -100000000000000000LL);
	c = 7;
	T_EQ_INT(csm_cents_from_num(1000000000000001.0, &c), -1);
	T_EQ_INT(csm_cents_from_num(-1e300, &c), -1);
	T_EQ_INT(csm_cents_from_num(INFINITY, &c), -1);
	T_EQ_INT(csm_cents_from_num(-INFINITY, &c), -1);
	T_EQ_INT(csm_cents_from_num(NAN, &c), -1);
	T_EQ_INT(c, 7);		/* untouched on failure */
}

static int
rate(const char *s, uint64_t *whole, uint64_t *frac)
{
	struct csm_rate r = {99, 99};
	int st = csm_rate_parse(s, strlen(s), &r);

	*whole = r.whole;
	*frac = r.frac;
	return st;
}

static void
test_rate(void)
{
	uint64_t w, f;

	T_EQ_INT(rate("1.08", &w, &f), CSM_OK);
	T_EQ_INT(w, 1);
	T_EQ_INT(f, 80000000);
	T_EQ_INT(rate(" 2 ", &w, &f), CSM_OK);
	T_EQ_INT(w, 2);
	T_EQ_INT(f, 0);
	T_EQ_INT(rate("1.", &w, &f), CSM_OK);
	T_EQ_INT(w, 1);
	/* .9949999994 read exactly: 0.994999999 (by value it would round
	 * up, 0.4999 of the last digit counting as binary noise) */
	T_EQ_INT(rate(".9949999994999507", &w, &f), CSM_OK);
	T_EQ_INT(w, 0);
	T_EQ_INT(f, 994999999);
	T_EQ_INT(rate(".", &w, &f), CSM_BAD);
	/* the tenth decimal rounds: 4 down (to 0: the caller refuses it) */
	T_EQ_INT(rate("0.0000000004", &w, &f), CSM_OK);
	T_EQ_INT(w, 0);
	T_EQ_INT(f, 0);
	T_EQ_INT(rate("0.0000000005", &w, &f), CSM_OK);
	T_EQ_INT(f, 1);
	/* 0.9999999995 rounds up into the whole part */
	T_EQ_INT(rate("0.9999999995", &w, &f), CSM_OK);
	T_EQ_INT(w, 1);
	T_EQ_INT(f, 0);
	/* other forms through csm_parse_num */
	T_EQ_INT(rate("1e-3", &w, &f), CSM_OK);
	T_EQ_INT(w, 0);
	T_EQ_INT(f, 1000000);
	T_EQ_INT(rate("25%", &w, &f), CSM_OK);
	T_EQ_INT(f, 250000000);
	T_EQ_INT(rate("4e-10", &w, &f), CSM_OK);	/* rounds to 0 */
	T_EQ_INT(w, 0);
	T_EQ_INT(f, 0);
	/* 10^12 is the largest; 12 digits are read exactly, 13 by value */
	T_EQ_INT(rate("999999999999.5", &w, &f), CSM_OK);
	T_EQ_INT(w, 999999999999ULL);
	T_EQ_INT(f, 500000000);
	T_EQ_INT(rate("1000000000000", &w, &f), CSM_OK);
	T_EQ_INT(w, 1000000000000ULL);
	T_EQ_INT(rate("1000000000001", &w, &f), CSM_BAD);
	T_EQ_INT(rate("1e400", &w, &f), CSM_BAD);
	T_EQ_INT(rate("-1", &w, &f), CSM_BAD);
	T_EQ_INT(rate("abc", &w, &f), CSM_BAD);
	T_EQ_INT(rate("", &w, &f), CSM_BAD);
	/* a rate is a number as csm_parse_num reads one: at most 80 chars */
	{
		char longz[120];

		memset(longz, '0', sizeof(longz) - 1);
		longz[1] = '.';
		longz[sizeof(longz) - 1] = '\0';
		T_EQ_INT(rate(longz, &w, &f), CSM_BAD);
	}
}

static int64_t
mul(int64_t c, uint64_t whole, uint64_t frac, int *st)
{
	struct csm_rate r;
	int64_t out = -12345;

	r.whole = whole;
	r.frac = frac;
	*st = csm_cents_mul_rate(c, &r, &out);
	return out;
}

static void
test_mul_rate(void)
{
	int st;

	/* 100.00 at 1.08 is 108.00 */
	T_EQ_INT(mul(10000, 1, 80000000, &st), 10800);
	T_EQ_INT(st, 0);
	T_EQ_INT(mul(-10000, 1, 80000000, &st), -10800);
	/* half a cent rounds away from zero */
	T_EQ_INT(mul(1, 0, 500000000, &st), 1);
	T_EQ_INT(mul(-1, 0, 500000000, &st), -1);
	T_EQ_INT(mul(1, 0, 499999999, &st), 0);
	/* 3 * 0.166666667 = 0.500000001 cents: 1 */
	T_EQ_INT(mul(3, 0, 166666667, &st), 1);
	/* 10^18 * 1.5 = 1.5 * 10^18, through the split c = a * 10^9 + b */
	T_EQ_INT(mul(1000000000000000000LL, 1, 500000000, &st),
	    1500000000000000000LL);
	T_EQ_INT(st, 0);
	/* 1000000000123456789 * 0.000000001 = 1000000000.123456789: 1e9 */
	T_EQ_INT(mul(1000000000123456789LL, 0, 1, &st), 1000000000);
	T_EQ_INT(mul(INT64_MAX, 1, 0, &st), INT64_MAX);
	T_EQ_INT(st, 0);
	/* overflow in each of the three steps */
	mul(INT64_MAX, 2, 0, &st);
	T_EQ_INT(st, -1);
	mul(7000000000000000000LL, 1, 500000000, &st);	/* 1.05e19 */
	T_EQ_INT(st, -1);
	/* INT64_MAX - 1 + rounding: 9223372036854775806 * 1.000000001 */
	mul(INT64_MAX - 1, 1, 1, &st);
	T_EQ_INT(st, -1);
	/* the smallest magnitude that cannot negate is never produced */
	T_EQ_INT(mul(INT64_MIN + 1, 1, 0, &st), INT64_MIN + 1);
	T_EQ_INT(st, 0);
}

/* ---- csm_cell_cents: a table of one record, errors caught ------------- */

static char hbuf[2][16] = {"account_id", "ARR (USD)"};
static char *hdr[2] = {hbuf[0], hbuf[1]};
static size_t hdrlen[2] = {10, 9};
static char fbuf[2][128];
static char *fld[2] = {fbuf[0], fbuf[1]};
static size_t flen[2];
static struct csm_tbl tbl;
static struct csm_cols cols;
static jmp_buf jb;
static int died;

static void
catch_exit(int status)
{
	died = status;
	longjmp(jb, 1);
}

/*
 * Reads "text" as ARR (arr non-zero) or as any amount: returns its status,
 * or the exit status when it died, with stderr in msg.
 */
static int
cell(const char *text, int badval, int arr, int64_t *c, char *msg,
    size_t msgsz)
{
	FILE *tmp = tmpfile();
	volatile int st = -1;
	int saved;
	size_t n;

	msg[0] = '\0';
	if (tmp == NULL) {
		T_FAIL("tmpfile");
		return -1;
	}
	snprintf(fbuf[1], sizeof(fbuf[1]), "%s", text);
	flen[1] = strlen(fbuf[1]);
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(tmp), 2);
	died = -1;
	csm_exit = catch_exit;
	if (setjmp(jb) == 0)
		st = csm_cell_cents(&tbl, &cols, 1, badval, arr, c);
	else
		st = died;
	csm_exit = exit;
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(msg, 1, msgsz - 1, tmp);
	msg[n] = '\0';
	fclose(tmp);
	return st;
}

static void
test_cell(void)
{
	char msg[512];
	int64_t c = 0;

	tbl.ncols = 2;
	tbl.hdr = hdr;
	tbl.hdrlen = hdrlen;
	tbl.f = fld;
	tbl.flen = flen;
	tbl.file = "arr.csv";
	tbl.line = 4;
	csm_cols_init(&cols, &tbl, NULL);

	T_EQ_INT(cell("$1,234.50", CSM_BAD_FAIL, 1, &c, msg, sizeof(msg)),
	    CSM_OK);
	T_EQ_INT(c, 123450);
	T_EQ_STR(msg, "");
	T_EQ_INT(cell(" N/A ", CSM_BAD_FAIL, 1, &c, msg, sizeof(msg)),
	    CSM_MISSING);
	/* exactly 10^15 is allowed, a cent more is not */
	T_EQ_INT(cell("1,000,000,000,000,000.00", CSM_BAD_FAIL, 1, &c, msg,
	    sizeof(msg)), CSM_OK);
	T_EQ_INT(c, 100000000000000000LL);
	T_EQ_INT(cell("1000000000000000.01", CSM_BAD_FAIL, 1, &c, msg,
	    sizeof(msg)), EX_DATAERR);
	T_EQ_STR(msg, "t-money: arr.csv:4: column 'ARR (USD)': "
	    "\"1000000000000000.01\" is out of range: an amount must be "
	    "within +/-10^15\n");
	/* issue 9 item 2's amount: 19 digits, beyond what cents hold */
	T_EQ_INT(cell("9,999,999,999,999,999.99", CSM_BAD_FAIL, 1, &c, msg,
	    sizeof(msg)), EX_DATAERR);
	T_EQ_STR(msg, "t-money: arr.csv:4: column 'ARR (USD)': "
	    "\"9,999,999,999,999,999.99\" is out of range: an amount must be "
	    "within +/-10^15\n");
	/* too large for a double, and below -10^15: out of range too */
	T_EQ_INT(cell("1e400", CSM_BAD_MISSING, 0, &c, msg, sizeof(msg)),
	    EX_DATAERR);
	T_EQ_STR(msg, "t-money: arr.csv:4: column 'ARR (USD)': \"1e400\" is "
	    "out of range: an amount must be within +/-10^15\n");
	T_EQ_INT(cell("-2e15", CSM_BAD_FAIL, 0, &c, msg, sizeof(msg)),
	    EX_DATAERR);
	T_EQ_STR(msg, "t-money: arr.csv:4: column 'ARR (USD)': \"-2e15\" is "
	    "out of range: an amount must be within +/-10^15\n");
	/* negative: an amount may be, ARR may not (issue 9 item 8) */
	T_EQ_INT(cell("(5,000)", CSM_BAD_FAIL, 0, &c, msg, sizeof(msg)),
	    CSM_OK);
	T_EQ_INT(c, -500000);
	T_EQ_INT(cell("(5,000)", CSM_BAD_FAIL, 1, &c, msg, sizeof(msg)),
	    EX_DATAERR);
	T_EQ_STR(msg, "t-money: arr.csv:4: column 'ARR (USD)': \"(5,000)\" is "
	    "negative: ARR cannot be below 0\n");
	/* not an amount: as bad_values says */
	T_EQ_INT(cell("inf", CSM_BAD_FAIL, 1, &c, msg, sizeof(msg)),
	    EX_DATAERR);
	T_EQ_STR(msg, "t-money: arr.csv:4: column 'ARR (USD)': \"inf\" is not "
	    "an amount\n");
	T_EQ_INT(cell("12%", CSM_BAD_MISSING, 1, &c, msg, sizeof(msg)),
	    CSM_MISSING);
	T_EQ_STR(msg, "t-money: arr.csv:4: column 'ARR (USD)': \"12%\" is not "
	    "an amount, read as missing\n");
	csm_cols_release(&cols);
}

int
main(void)
{
	csm_setprogname("t-money");
	T_RUN(test_add);
	T_RUN(test_from_num);
	T_RUN(test_rate);
	T_RUN(test_mul_rate);
	T_RUN(test_cell);
	T_END();
}

/*
 * t-cover.c: coverage (cover.c): counts written with separators, the
 * texts a map lacked counted and ranked (most frequent first, ties in the
 * order first seen), the table's bound, and the summary's lines, nothing
 * when nothing was missing.  Expected text is worked out by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "t.h"

static void
test_fmt_count(void)
{
	char b[32];

	csm_fmt_count(0, b);
	T_EQ_STR(b, "0");
	csm_fmt_count(999, b);
	T_EQ_STR(b, "999");
	csm_fmt_count(1000, b);
	T_EQ_STR(b, "1,000");
	csm_fmt_count(99990, b);
	T_EQ_STR(b, "99,990");
	csm_fmt_count(1234567, b);
	T_EQ_STR(b, "1,234,567");
	csm_fmt_count(4294967295u, b);
	T_EQ_STR(b, "4,294,967,295");
}

/* Runs csm_cover_report with stderr in a file; returns what it wrote. */
static char *
report(const struct csm_cover *cv, const char *why)
{
	static char out[8192];
	char tmpl[] = "/tmp/t-cover.XXXXXX";
	int fd = mkstemp(tmpl), saved = dup(2);
	ssize_t n;

	unlink(tmpl);
	fflush(stderr);
	dup2(fd, 2);
	csm_cover_report(cv, why);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	return out;
}

static void
test_nothing_missing(void)
{
	struct csm_cover cv;

	csm_cover_init(&cv, 2);
	csm_cover_name(&cv, 0, "component", "a");
	csm_cover_name(&cv, 1, "component", "b");
	cv.rows = 10;
	T_EQ_STR(report(&cv, "why"), "");
	csm_cover_release(&cv);
}

static void
test_summary(void)
{
	struct csm_cover cv;
	size_t i;

	csm_cover_init(&cv, 2);
	csm_cover_name(&cv, 0, "component", "contract");
	csm_cover_name(&cv, 1, "signal", "usage");
	cv.rows = 7043;
	/* 1,695 rows of " Two-year " (trimmed), 3 of "Two yr", 1 each of
	 * five more: 1,703 unmatched; 10 more rows blank: 1,713 missing */
	for (i = 0; i < 1695; i++)
		csm_cover_unmatched(&cv, 0, " Two-year ", 10);
	csm_cover_unmatched(&cv, 0, "a", 1);
	for (i = 0; i < 3; i++)
		csm_cover_unmatched(&cv, 0, "Two yr", 6);
	csm_cover_unmatched(&cv, 0, "b", 1);
	csm_cover_unmatched(&cv, 0, "c", 1);
	csm_cover_unmatched(&cv, 0, "d", 1);
	csm_cover_unmatched(&cv, 0, "e\"q", 3);
	cv.item[0].missing = 1703 + 10;
	T_EQ_INT(cv.item[0].unmatched, 1703);
	T_EQ_INT(cv.item[0].texts->n, 7);
	/* the second item: 1 row of 7,043 is under 0.05%: "<0.1%" */
	cv.item[1].missing = 1;
	csm_cover_unscored(&cv, "x.csv", 17);
	csm_cover_unscored(&cv, "x.csv", 30);
	/* 1713 / 7043 = 24.32%; 2 / 7043 = 0.028% */
	T_EQ_STR(report(&cv, "too little"),
	    "t-cover: coverage: component 'contract' missing on 1,713 of "
	    "7,043 rows (24.3%); its map has no entry for \"Two-year\" "
	    "(1,695), \"Two yr\" (3), \"a\" (1), \"b\" (1), \"c\" (1) and 2 "
	    "other texts (2)\n"
	    "t-cover: coverage: signal 'usage' missing on 1 of 7,043 rows "
	    "(<0.1%)\n"
	    "t-cover: coverage: 2 of 7,043 rows unscored (<0.1%), the first "
	    "at x.csv:17: too little\n");
	csm_cover_release(&cv);
}

static void
test_bounded(void)
{
	struct csm_cover cv;
	char text[32], *big;
	size_t i;

	csm_cover_init(&cv, 1);
	csm_cover_name(&cv, 0, "component", "p");
	/* 1,500 distinct texts: 1,000 kept, 500 counted as dropped; a text
	 * already kept is still counted after the table is full */
	for (i = 0; i < 1500; i++) {
		snprintf(text, sizeof(text), "v%zu", i);
		csm_cover_unmatched(&cv, 0, text, strlen(text));
	}
	csm_cover_unmatched(&cv, 0, "v7", 2);
	T_EQ_INT(cv.item[0].texts->n, 1000);
	T_EQ_INT(cv.item[0].dropped, 500);
	T_EQ_INT(cv.item[0].unmatched, 1501);
	/* a text of a megabyte is kept to its first 256 bytes */
	big = csm_xmalloc(1 << 20);
	memset(big, 'x', 1 << 20);
	csm_cover_release(&cv);
	csm_cover_init(&cv, 1);
	csm_cover_name(&cv, 0, "component", "p");
	csm_cover_unmatched(&cv, 0, big, 1 << 20);
	csm_cover_unmatched(&cv, 0, big, 300);
	T_EQ_INT(cv.item[0].texts->n, 1);
	T_EQ_INT(cv.item[0].texts->ent[0].klen, 256);
	T_EQ_INT(cv.item[0].count[0], 2);
	cv.rows = 2;
	cv.item[0].missing = 2;
	/* shown cut at CSM_QMAX characters */
	T_OK(strstr(report(&cv, NULL), "xxx...\" (2)\n") != NULL);
	free(big);
	csm_cover_release(&cv);
}

int
main(void)
{
	csm_setprogname("t-cover");
	T_RUN(test_fmt_count);
	T_RUN(test_nothing_missing);
	T_RUN(test_summary);
	T_RUN(test_bounded);
	T_END();
}

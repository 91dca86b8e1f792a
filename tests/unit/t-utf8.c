/*
 * t-utf8.c: UTF-8 for the report writers (utf8.c): which bytes make one
 * character and which one U+FFFD stands for, the display width of text,
 * and the warning said once per run.
 */
#include "csm.h"
#include "t.h"
#include "tcap.h"

/* scan s: the length taken and whether it was bad */
#define SCAN(s, len, wantbad) do { int t_bad; \
	T_EQ_INT(csm_utf8_scan(s, sizeof(s) - 1, &t_bad), len); \
	T_EQ_INT(t_bad, wantbad); } while (0)

static void
test_scan(void)
{
	SCAN("a", 1, 0);
	SCAN("\xc3\xa9", 2, 0);			/* e-acute */
	SCAN("\xe2\x96\x81", 3, 0);		/* U+2581 */
	SCAN("\xf0\x9f\x98\x80", 4, 0);		/* U+1F600 */
	SCAN("\xef\xbf\xbd", 3, 0);		/* U+FFFD itself */
	SCAN("\xf4\x8f\xbf\xbf", 4, 0);		/* U+10FFFF, the last */
	SCAN("\xe9", 1, 1);			/* Latin-1 e-acute */
	SCAN("\xe9t\xe9", 1, 1);		/* ... before ASCII */
	SCAN("\x80", 1, 1);			/* a lone continuation */
	SCAN("\xc0\xaf", 1, 1);			/* overlong: C0 never starts */
	SCAN("\xc1\xbf", 1, 1);
	SCAN("\xe0\x80\xaf", 1, 1);		/* overlong 3-byte */
	SCAN("\xed\xa0\x80", 1, 1);		/* a surrogate, U+D800 */
	SCAN("\xf0\x80\x80\xaf", 1, 1);		/* overlong 4-byte */
	SCAN("\xf4\x90\x80\x80", 1, 1);		/* past U+10FFFF */
	SCAN("\xf5\x80\x80\x80", 1, 1);
	SCAN("\xff", 1, 1);
	SCAN("\xe2\x82z", 2, 1);		/* cut short: both bytes */
	SCAN("\xf0\x9f\x98", 3, 1);		/* cut by the end */
	SCAN("\xf0\x9f\x98z", 3, 1);
	SCAN("\xc3", 1, 1);
}

static void
test_width(void)
{
	T_EQ_INT(csm_utf8_width("", 0), 0);
	T_EQ_INT(csm_utf8_width("Tier", 4), 4);
	/* Café: 5 bytes, 4 columns; with a combining acute instead, 4 too */
	T_EQ_INT(csm_utf8_width("Caf\xc3\xa9", 5), 4);
	T_EQ_INT(csm_utf8_width("Cafe\xcc\x81", 6), 4);
	/* 東京 (U+6771 U+4EAC): two wide characters, 4 columns */
	T_EQ_INT(csm_utf8_width("\xe6\x9d\xb1\xe4\xba\xac", 6), 4);
	/* 한 (U+D55C) is wide; an emoji U+1F600 too */
	T_EQ_INT(csm_utf8_width("\xed\x95\x9c", 3), 2);
	T_EQ_INT(csm_utf8_width("\xf0\x9f\x98\x80!", 5), 3);
	/* sparkline blocks and the em dash are narrow */
	T_EQ_INT(csm_utf8_width("\xe2\x96\x81\xe2\x96\x88\xe2\x80\x94", 9),
	    3);
	/* a zero-width space takes none; each invalid byte one (U+FFFD) */
	T_EQ_INT(csm_utf8_width("a\xe2\x80\x8b" "b", 5), 2);
	T_EQ_INT(csm_utf8_width("Caf\xe9", 4), 4);
	T_EQ_INT(csm_utf8_width("\xe2\x82z", 3), 2);
	/* NUL counts as a character */
	T_EQ_INT(csm_utf8_width("a\0b", 3), 3);
}

static void
twice(void)
{
	csm_utf8_replaced();
	csm_utf8_replaced();
}

static void
test_warn_once(void)
{
	struct tcap_child c;

	tcap_run(twice, &c);
	T_EQ_INT(c.status, 0);
	T_EQ_STR(c.err, "t-utf8: the input is not valid UTF-8: invalid bytes "
	    "are written as U+FFFD (save the file as CSV UTF-8 to keep every "
	    "character)\n");
}

int
main(int argc, char *argv[])
{
	(void)argc;
	csm_setprogname(argv[0]);
	T_RUN(test_scan);
	T_RUN(test_width);
	T_RUN(test_warn_once);
	T_END();
}

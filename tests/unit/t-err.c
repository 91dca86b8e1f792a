/*
 * t-err.c: csm_q, the quoting of data in messages.
 */
#include <string.h>

#include "csm.h"
#include "t.h"

static void
test_plain(void)
{
	T_EQ_STR(csm_q("abc", 3), "abc");
	T_EQ_STR(csm_q("", 0), "");
	/* UTF-8 passes through whole */
	T_EQ_STR(csm_q("Caf\xc3\xa9", 5), "Caf\xc3\xa9");
}

static void
test_escapes(void)
{
	/* "1\0" then "000": the NUL must not end the text */
	T_EQ_STR(csm_q("1\0000", 3), "1\\00");
	T_EQ_STR(csm_q("a\"b\\c", 5), "a\\\"b\\\\c");
	T_EQ_STR(csm_q("\t\n\r\x1b", 4), "\\t\\n\\r\\x1b");
	/* a Latin-1 e-acute is not UTF-8: shown as a byte */
	T_EQ_STR(csm_q("Caf\xe9", 4), "Caf\\xe9");
	/* a truncated UTF-8 sequence, an overlong one, a surrogate */
	T_EQ_STR(csm_q("\xc3", 1), "\\xc3");
	T_EQ_STR(csm_q("\xc0\xaf", 2), "\\xc0\\xaf");
	T_EQ_STR(csm_q("\xed\xa0\x80", 3), "\\xed\\xa0\\x80");
}

static void
test_cap(void)
{
	char big[1000], want[CSM_QMAX + 4];

	memset(big, 'x', sizeof(big));
	memset(want, 'x', CSM_QMAX);
	memcpy(want + CSM_QMAX, "...", 4);
	T_EQ_STR(csm_q(big, sizeof(big)), want);
	/* exactly CSM_QMAX characters: no "..." */
	want[CSM_QMAX] = '\0';
	T_EQ_STR(csm_q(big, CSM_QMAX), want);
	/* the cap counts characters, and never splits one */
	{
		char u[2 * (CSM_QMAX + 5)];
		const char *q;
		size_t i;

		for (i = 0; i + 1 < sizeof(u); i += 2)
			memcpy(u + i, "\xc3\xa9", 2);
		q = csm_q(u, sizeof(u));
		T_EQ_INT(strlen(q), 2 * CSM_QMAX + 3);
		T_OK(memcmp(q + 2 * CSM_QMAX, "...", 3) == 0);
	}
	/* worst case: every character escaped as \xHH */
	{
		char ctl[CSM_QMAX + 10];

		memset(ctl, 1, sizeof(ctl));
		T_EQ_INT(strlen(csm_q(ctl, sizeof(ctl))), 4 * CSM_QMAX + 3);
	}
}

static void
test_buffers(void)
{
	/* four quoted values in one message stay distinct */
	const char *a = csm_q("a", 1), *b = csm_q("b", 1), *c = csm_q("c", 1),
	    *d = csm_q("d", 1);

	T_EQ_STR(a, "a");
	T_EQ_STR(b, "b");
	T_EQ_STR(c, "c");
	T_EQ_STR(d, "d");
}

int
main(void)
{
	T_RUN(test_plain);
	T_RUN(test_escapes);
	T_RUN(test_cap);
	T_RUN(test_buffers);
	T_END();
}

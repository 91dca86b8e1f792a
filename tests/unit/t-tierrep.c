/*
 * t-tierrep.c: the tier report (tierrep.c): money exact and compact in a
 * currency, each rounding boundary worked out; per-owner lists cut to the
 * top accounts by a heap, whatever order the accounts come in, with the
 * rest counted; counters that refuse a sum past what cents hold.
 */
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "t.h"
#include "tcap.h"

static const char *
money(int64_t cents, const char *cur, int compact)
{
	static char out[64];
	struct csm_buf b;

	csm_buf_init(&b);
	csm_tierrep_money(cents, cur, compact, &b);
	snprintf(out, sizeof(out), "%s", b.s);
	csm_buf_release(&b);
	return out;
}

static void
test_money(void)
{
	/* exact: thousands separators, two decimals, the symbol first */
	T_EQ_STR(money(123456780, "USD", 0), "$1,234,567.80");
	T_EQ_STR(money(0, "USD", 0), "$0.00");
	T_EQ_STR(money(-150, "USD", 0), "-$1.50");
	T_EQ_STR(money(500, "EUR", 0), "\xe2\x82\xac" "5.00");
	T_EQ_STR(money(500, "GBP", 0), "\xc2\xa3" "5.00");
	T_EQ_STR(money(500, "CHF", 0), "CHF 5.00");
	/* a symbol given as letters is spaced from the amount, as csm-qbr
	 * writes it (csm_money_prefix): "kr 5.00"; a code in any case */
	T_EQ_STR(money(500, "kr", 0), "kr 5.00");
	T_EQ_STR(money(500, "eur", 0), "\xe2\x82\xac" "5.00");

	/* compact: whole units below 1,000 (949.50 rounds up to 950) */
	T_EQ_STR(money(94950, "USD", 1), "$950");
	T_EQ_STR(money(0, "USD", 1), "$0");
	/* 999.49 is 999; 999.50 rounds to 1,000: 1.0K */
	T_EQ_STR(money(99949, "USD", 1), "$999");
	T_EQ_STR(money(99950, "USD", 1), "$1.0K");
	/* tenths of K below 100K: 15,249.99 -> 15.2K, 15,250 -> 15.3K */
	T_EQ_STR(money(1524999, "USD", 1), "$15.2K");
	T_EQ_STR(money(1525000, "USD", 1), "$15.3K");
	/* 99,949.99 -> 99.9K; 99,950 -> 100.0K is past: 100K */
	T_EQ_STR(money(9994999, "USD", 1), "$99.9K");
	T_EQ_STR(money(9995000, "USD", 1), "$100K");
	/* whole K to 999K: 856,850.04 -> 857K; 999,499.99 -> 999K */
	T_EQ_STR(money(85685004, "USD", 1), "$857K");
	T_EQ_STR(money(99949999, "USD", 1), "$999K");
	/* 999,500 -> 1,000K is past: 1.0M (tenths of M: 9.995 -> 10) */
	T_EQ_STR(money(99950000, "USD", 1), "$1.0M");
	/* the SPEC headline: 15,246,367.44 is 15.2M, 23,284,910.56 23.3M */
	T_EQ_STR(money(1524636744, "USD", 1), "$15.2M");
	T_EQ_STR(money(2328491056, "USD", 1), "$23.3M");
	/* 999.95M is 1,000.0M: past, 1.0B */
	T_EQ_STR(money(99994999999LL, "USD", 1), "$999.9M");
	T_EQ_STR(money(99995000000LL, "USD", 1), "$1.0B");
	T_EQ_STR(money(123456789012345LL, "USD", 1), "$1234.6B");
	T_EQ_STR(money(INT64_MAX, "USD", 1), "$92233720.4B");
	T_EQ_STR(money(INT64_MIN, "USD", 1), "-$92233720.4B");
	T_EQ_STR(money(-1524636744, "EUR", 1), "-\xe2\x82\xac" "15.2M");
	T_EQ_STR(money(1524636744, "CHF", 1), "CHF 15.2M");
}

/* A config with tiers a (50), b (10), c (1) and one signal. */
static const char config[] =
    "risk:\n"
    "  tiers: [{name: a, min: 50}, {name: b, min: 10}, {name: c, min: 1}]\n"
    "  signals: [{name: s, when: 'true', points: 1}]\n";

static struct csm_cfg cfg;
static struct csm_signals sig;

static void
setup(void)
{
	csm_cfg_load_text(&cfg, config, strlen(config), "t.yaml");
	csm_signals_load(&sig, &cfg, "risk");
}

/*
 * Adds account "A<i>" of owner, at tier with ARR arr (dollars), counted
 * first as the tools do.
 */
static void
add(struct csm_tierrep *r, int i, const char *owner, size_t tier,
    int64_t arr)
{
	struct csm_tierrep_acct a;
	char id[16];
	int64_t cents = arr * 100;
	size_t part[2] = {0, 6};

	snprintf(id, sizeof(id), "A%d", i);
	T_EQ_INT(csm_tierrep_count(r, tier, &cents, NULL), 0);
	memset(&a, 0, sizeof(a));
	a.id = id;
	a.idlen = strlen(id);
	a.owner = owner;
	a.ownerlen = strlen(owner);
	a.has_arr = 1;
	a.arr = cents;
	a.tier = tier;
	a.score = 1;
	a.scoretext = "1";
	a.reasons = "reason";
	a.part = part;
	a.nreasons = 1;
	csm_tierrep_add(r, &a);
}

/*
 * --top 3 keeps each owner's three worst, whatever the order they come
 * in: 40 accounts for Ann, ARR 1..40 at tier b, in a scrambled order (i *
 * 17 mod 41 visits 1..40 once), and A41 at tier a with the least ARR:
 * kept are A41 (tier a first), then the two largest ARR of tier b, A40
 * and A39; the other 38 are counted: ARR 1 + ... + 38 = 741.
 */
static void
test_top(void)
{
	struct csm_tierrep r;
	struct tcap c;
	char *out;
	int i;

	csm_tierrep_init(&r, &sig, CSM_TIERREP_MD, CSM_TIERREP_RISK);
	r.has = CSM_TR_ID | CSM_TR_OWNER | CSM_TR_ARR;
	r.listed = 1;
	r.top = 3;
	r.today = csm_days_from_civil(2026, 11, 23);
	for (i = 1; i <= 40; i++)
		add(&r, i * 17 % 41, "Ann", 1, i * 17 % 41);
	add(&r, 41, "Ann", 0, 0);
	add(&r, 42, "Bob", 2, 5);	/* tier c: counted, not listed */
	tcap_open(&c);
	csm_tierrep_write(&r, &c.o);
	out = tcap_read(&c, NULL);
	/* 41 listed of 42; ARR 1 + ... + 40 = 820 (+ 0), of 825 in all */
	T_EQ_STR(out,
	    "# Churn risk report, 2026-11-23\n\n"
	    "**$820 of $825 ARR at risk**: 41 of 42 accounts, at b or above.\n"
	    "\n"
	    "| Tier  | Accounts |     ARR |\n"
	    "| :---- | -------: | ------: |\n"
	    "| a     |        1 |   $0.00 |\n"
	    "| b     |       40 | $820.00 |\n"
	    "| total |       41 | $820.00 |\n"
	    "\n## Ann\n\n"
	    "- **A41**: a, score 1, ARR $0.00\n  - reason\n"
	    "- **A40**: b, score 1, ARR $40.00\n  - reason\n"
	    "- **A39**: b, score 1, ARR $39.00\n  - reason\n"
	    "- and 38 more at b or above, ARR $741.00\n"
	    "\nBelow b: 1 c and 0 none.\n");
	free(out);
	csm_tierrep_release(&r);
}

/* A sum past what cents hold is refused, and nothing is counted. */
static void
test_count_overflow(void)
{
	struct csm_tierrep r;
	int64_t big = INT64_MAX - 5, one = 6;

	csm_tierrep_init(&r, &sig, CSM_TIERREP_MD, CSM_TIERREP_RISK);
	T_EQ_INT(csm_tierrep_count(&r, 0, &big, NULL), 0);
	T_EQ_INT(csm_tierrep_count(&r, 1, &one, NULL), -1);
	T_EQ_INT(r.count[1], 0);
	T_EQ_INT(r.rows, 1);
	T_EQ_INT(csm_tierrep_count(&r, 1, NULL, &big), 0);
	T_EQ_INT(csm_tierrep_count(&r, 1, NULL, &one), -2);
	T_EQ_INT(r.rows, 2);
	csm_tierrep_release(&r);
}

int
main(void)
{
	setup();
	T_RUN(test_money);
	T_RUN(test_top);
	T_RUN(test_count_overflow);
	csm_signals_release(&sig);
	csm_cfg_release(&cfg);
	T_END();
}

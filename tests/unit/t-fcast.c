/*
 * t-fcast.c: the renewal forecast (fcast.c): expectations and intervals
 * worked out by hand (a sure churn and a coin toss; a binomial count of
 * churned renewals; expansion), that the draws do not depend on the order
 * renewals come in, that one account's renewals go together, that groups
 * add up to the total in every draw, that each draw is decided by the
 * stream's next uniform number, and those numbers.
 */
#include <stdlib.h>

#include "csm.h"
#include "t.h"

/*
 * Three renewals of 100.00 churning with probability 0, 0.5 and 1: the
 * expected loss is 0 + 50 + 100 = 150.00 of 300.00 (GRR 50%); what is kept
 * is 200.00 or 100.00, each about half the time, so the 5% and 95%
 * quantiles are 100.00 and 200.00 (GRR 33.33% to 66.67%).
 */
static void
test_three(void)
{
	struct csm_fcast f;
	struct csm_fcast_iv iv;
	int64_t loss, gain;

	csm_fcast_init(&f, 1, 10000, 1);
	csm_fcast_add(&f, 0, "A", 1, 10000, 0, 0, 0);
	csm_fcast_add(&f, 0, "B", 1, 10000, 0.5, 0, 0);
	csm_fcast_add(&f, 0, "C", 1, 10000, 1, 0, 0);
	csm_fcast_expect(&f, 0, &loss, &gain);
	T_EQ_INT(loss, 15000);
	T_EQ_INT(gain, 0);
	csm_fcast_expect(&f, 1, &loss, &gain);
	T_EQ_INT(loss, 15000);
	csm_fcast_interval(&f, 0, 30000, 0.9, &iv);
	T_EQ_INT(iv.kept_lo, 10000);
	T_EQ_INT(iv.kept_hi, 20000);
	/* no expansion: what ends is what is kept */
	T_EQ_INT(iv.end_lo, 10000);
	T_EQ_INT(iv.end_hi, 20000);
	csm_fcast_release(&f);
}

/*
 * Twenty renewals of 1.00, each churning with probability 0.1: the churned
 * count K is binomial(20, 0.1): P(K <= 1) = 0.3917, P(K <= 2) = 0.6769,
 * P(K <= 3) = 0.8670, P(K <= 4) = 0.9568.  What is kept is 20 - K.  Its
 * 5% quantile is 16.00 (P(K >= 5) = 0.0432 < 0.05 <= P(K >= 4) =
 * 0.1330), its 95% quantile 20.00 (P(K >= 1) = 0.8784 < 0.95).  At level
 * 0.5 the 25% quantile is 17.00 (P(K >= 4) = 0.1330 < 0.25 <= P(K >= 3)
 * = 0.3231) and the 75% quantile 19.00 (P(K >= 2) = 0.6083 < 0.75 <=
 * P(K >= 1) = 0.8784).  The expected loss is 20 x 0.1 = 2.00.
 */
static void
test_binomial(void)
{
	struct csm_fcast f;
	struct csm_fcast_iv iv;
	int64_t loss, gain;
	char key[16];
	int i;

	csm_fcast_init(&f, 1, 20000, 7);
	for (i = 0; i < 20; i++) {
		snprintf(key, sizeof(key), "K%d", i);
		csm_fcast_add(&f, 0, key, strlen(key), 100, 0.1, 0, 0);
	}
	csm_fcast_expect(&f, 0, &loss, &gain);
	T_EQ_INT(loss, 200);
	csm_fcast_interval(&f, 0, 2000, 0.9, &iv);
	T_EQ_INT(iv.kept_lo, 1600);
	T_EQ_INT(iv.kept_hi, 2000);
	csm_fcast_interval(&f, 0, 2000, 0.5, &iv);
	T_EQ_INT(iv.kept_lo, 1700);
	T_EQ_INT(iv.kept_hi, 1900);
	csm_fcast_release(&f);
}

/*
 * Expansion: a renewal of 100.00 churns with probability 0.2, else gains
 * 30.00 with probability 0.5: the expected gain is 0.8 x 0.5 x 30 = 12.00,
 * the expected loss 20.00.  Its ends: 0 (20%), 100.00 (40%), 130.00 (40%):
 * 5% quantile 0, 95% 130.00; what is kept: 0 or 100.00.
 */
static void
test_expansion(void)
{
	struct csm_fcast f;
	struct csm_fcast_iv iv;
	int64_t loss, gain;

	csm_fcast_init(&f, 1, 10000, 3);
	csm_fcast_add(&f, 0, "E", 1, 10000, 0.2, 0.5, 3000);
	csm_fcast_expect(&f, 0, &loss, &gain);
	T_EQ_INT(loss, 2000);
	T_EQ_INT(gain, 1200);
	csm_fcast_interval(&f, 0, 10000, 0.9, &iv);
	T_EQ_INT(iv.kept_lo, 0);
	T_EQ_INT(iv.kept_hi, 10000);
	T_EQ_INT(iv.end_lo, 0);
	T_EQ_INT(iv.end_hi, 13000);
	/* half of a cent rounds away from zero: 0.5 x 1 cent */
	csm_fcast_release(&f);
	csm_fcast_init(&f, 1, 10, 3);
	csm_fcast_add(&f, 0, "H", 1, 1, 0.5, 0, 0);
	csm_fcast_expect(&f, 0, &loss, &gain);
	T_EQ_INT(loss, 1);
	csm_fcast_release(&f);
}

/* Whether two forecasts drew the same sums, draw by draw. */
static int
same_draws(const struct csm_fcast *a, const struct csm_fcast *b)
{
	size_t n = (a->ngroup + 1) * a->ndraws;

	return memcmp(a->loss, b->loss, n * sizeof(*a->loss)) == 0 &&
	    memcmp(a->gain, b->gain, n * sizeof(*a->gain)) == 0;
}

/*
 * The order of the renewals and the other accounts present do not change
 * a renewal's draws; groups add up to the total in every draw; the seed
 * changes the draws, not the expectations; two renewals of one account
 * churn together.
 */
static void
test_streams(void)
{
	static const char *const id[] = {"A1", "A2", "A3", "A4"};
	static const double p[] = {0.3, 0.6, 0.05, 0.5};
	struct csm_fcast a, b, c;
	struct csm_fcast_iv iv;
	size_t i, m;
	int64_t la, lc, g;

	csm_fcast_init(&a, 2, 500, 11);
	csm_fcast_init(&b, 2, 500, 11);
	csm_fcast_init(&c, 2, 500, 12);
	for (i = 0; i < 4; i++) {
		csm_fcast_add(&a, i % 2, id[i], 2, 1000 * (i + 1), p[i], 0.4,
		    50);
		csm_fcast_add(&b, (3 - i) % 2, id[3 - i], 2, 1000 * (4 - i),
		    p[3 - i], 0.4, 50);
		csm_fcast_add(&c, i % 2, id[i], 2, 1000 * (i + 1), p[i], 0.4,
		    50);
	}
	T_OK(same_draws(&a, &b));
	T_OK(!same_draws(&a, &c));
	csm_fcast_expect(&a, 2, &la, &g);
	csm_fcast_expect(&c, 2, &lc, &g);
	/* 0.3 x 1000 + 0.6 x 2000 + 0.05 x 3000 + 0.5 x 4000 = 3650 */
	T_EQ_INT(la, 3650);
	T_EQ_INT(lc, 3650);
	for (m = 0; m < a.ndraws; m++) {
		T_EQ_INT(a.loss[m] + a.loss[a.ndraws + m],
		    a.loss[2 * a.ndraws + m]);
		T_EQ_INT(a.gain[m] + a.gain[a.ndraws + m],
		    a.gain[2 * a.ndraws + m]);
	}
	csm_fcast_release(&a);
	csm_fcast_release(&b);
	csm_fcast_release(&c);

	/* one account, two renewals of 1.00 at 0.5: 0 or 2.00 lost, never
	 * 1.00; a third account's renewal does not change theirs */
	csm_fcast_init(&a, 1, 1000, 5);
	csm_fcast_add(&a, 0, "X", 1, 100, 0.5, 0, 0);
	csm_fcast_add(&a, 0, "X", 1, 100, 0.5, 0, 0);
	for (m = 0; m < a.ndraws; m++)
		T_OK(a.loss[m] == 0 || a.loss[m] == 200);
	csm_fcast_interval(&a, 0, 200, 0.9, &iv);
	T_EQ_INT(iv.kept_lo, 0);
	T_EQ_INT(iv.kept_hi, 200);
	csm_fcast_init(&b, 1, 1000, 5);
	csm_fcast_add(&b, 0, "X", 1, 200, 0.5, 0, 0);
	T_OK(same_draws(&a, &b));
	csm_fcast_add(&b, 0, "Y", 1, 0, 0, 0, 0);
	T_OK(same_draws(&a, &b));
	csm_fcast_release(&a);
	csm_fcast_release(&b);
}

/*
 * Each draw decides a renewal by the next uniform number u of its stream:
 * churn when u < p, else expansion when u < p + (1 - p) q.
 */
static void
test_decisions(void)
{
	struct csm_fcast f;
	uint64_t st = csm_fcast_stream(9, "R1", 2);
	double p = 0.37, q = 0.5, u;
	size_t m;

	csm_fcast_init(&f, 1, 5000, 9);
	csm_fcast_add(&f, 0, "R1", 2, 1000, p, q, 70);
	for (m = 0; m < f.ndraws; m++) {
		u = csm_fcast_uniform(&st);
		T_EQ_INT(f.loss[m], u < p ? 1000 : 0);
		T_EQ_INT(f.gain[m], u >= p && u < p + (1 - p) * q ? 70 : 0);
	}
	csm_fcast_release(&f);
}

/* The uniform numbers are in [0, 1) and spread evenly: 100,000 of them
 * in ten bins of 10,000 each, give or take 400 (four standard
 * deviations, sqrt(100000 x 0.1 x 0.9) = 95). */
static void
test_uniform(void)
{
	uint64_t st = csm_fcast_stream(1, "key", 3), st2;
	size_t bin[10] = {0}, i;
	double u;

	for (i = 0; i < 100000; i++) {
		u = csm_fcast_uniform(&st);
		T_OK(u >= 0 && u < 1);
		bin[(size_t)(u * 10)]++;
	}
	for (i = 0; i < 10; i++)
		T_OK(bin[i] > 9600 && bin[i] < 10400);
	st = csm_fcast_stream(1, "key", 3);
	st2 = csm_fcast_stream(1, "kez", 3);
	T_OK(st != st2);
	T_OK(csm_fcast_stream(2, "key", 3) != st);
}

int
main(void)
{
	T_RUN(test_three);
	T_RUN(test_binomial);
	T_RUN(test_expansion);
	T_RUN(test_streams);
	T_RUN(test_decisions);
	T_RUN(test_uniform);
	T_END();
}

/*
 * t-lift.c: the lift table (lift.c): share, capture and lift relative to
 * the first row, quantile bins that keep ties together, the Brier score
 * over the rows that carry a probability, and the CSV and JSON text,
 * every number worked out in the comments.
 */
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "t.h"

static char path[] = "/tmp/t-lift.XXXXXX";

/*
 * Six accounts, health scores 10, 20, 30, 30, 40, 50; the 10, 20 and one
 * of the 30s churned.  Risk is the score negated (higher is healthier),
 * lowest first: -50, -40, -30 (no), -30 (yes), -20, -10.
 */
static double risk[] = {-50, -40, -30, -30, -20, -10};
static double score[] = {50, 40, 30, 30, 20, 10};
static unsigned char y[] = {0, 0, 0, 1, 1, 1};

/* The table as text in format fmt. */
static char *
text(const struct csm_lift *l, int fmt)
{
	struct csm_out o;
	char *buf = calloc(1, 4096);
	int fd = open(path, O_RDWR | O_TRUNC);
	ssize_t n;

	csm_out_init(&o, fd, path, ',');
	csm_lift_write(l, &o, fmt);
	csm_out_close(&o);
	fd = open(path, O_RDONLY);
	n = read(fd, buf, 4095);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void
test_rows(void)
{
	struct csm_lift l;
	struct csm_lift_row *r;

	csm_lift_init(&l, "health_score", 0);
	r = csm_lift_add(&l, "all", risk, y, NULL, 6);
	/* AUC 17/18 as in t-stat's hand case: same ranks */
	T_EQ_NUM(r->rank.auc, 17.0 / 18);
	T_OK(!r->has_brier);
	T_EQ_INT(l.total, 6);
	T_EQ_INT(l.totpos, 3);
	/*
	 * Three bins, riskiest first.  Each run of equal risks goes to the
	 * bin of its middle rank counted from the riskiest (0): -10 at 0,
	 * -20 at 1, the two -30s at 2.5, -40 at 4, -50 at 5; bin =
	 * floor(rank * 3 / 6): 0, 0, 1, 2, 2.  So: {10, 20} (2 churned),
	 * {30, 30} (1), {40, 50} (0).
	 */
	csm_lift_bins(&l, risk, y, NULL, score, 6, 3);
	T_EQ_INT(l.nrow, 4);
	T_EQ_STR(l.row[1].group, "health_score 10..20");
	T_EQ_INT(l.row[1].n, 2);
	T_EQ_INT(l.row[1].npos, 2);
	T_OK(!l.row[1].rank.has_auc);
	T_EQ_STR(l.row[2].group, "health_score 30..30");
	T_EQ_INT(l.row[2].npos, 1);
	/* one positive and one negative, tied: 0.5, no interval */
	T_EQ_NUM(l.row[2].rank.auc, 0.5);
	T_OK(!l.row[2].rank.has_ci);
	T_EQ_STR(l.row[3].group, "health_score 40..50");
	T_EQ_INT(l.row[3].npos, 0);
	csm_lift_release(&l);

	/* Ten bins of six rows: only the five runs, each its own bin. */
	csm_lift_init(&l, "s", 0);
	csm_lift_add(&l, "all", risk, y, NULL, 6);
	csm_lift_bins(&l, risk, y, NULL, score, 6, 10);
	T_EQ_INT(l.nrow, 6);
	T_EQ_STR(l.row[1].group, "s 10..10");
	T_EQ_STR(l.row[5].group, "s 50..50");
	csm_lift_release(&l);
}

static void
test_brier(void)
{
	/*
	 * Probabilities 0.1, 0.2, NAN (none), 0.5, 0.6, 0.9 for outcomes
	 * 0, 0, 0, 1, 1, 1: squared errors 0.01, 0.04, -, 0.25, 0.16, 0.01
	 * over 5 rows: 0.47 / 5 = 0.094.
	 */
	double p[] = {0.1, 0.2, NAN, 0.5, 0.6, 0.9};
	struct csm_lift l;
	struct csm_lift_row *r;

	csm_lift_init(&l, "health_score", 0);
	r = csm_lift_add(&l, "all", risk, y, p, 6);
	T_OK(r->has_brier);
	T_EQ_NUM(r->brier, 0.094);
	/* no probability at all: no Brier */
	r = csm_lift_add(&l, "none", risk + 2, y + 2, p + 2, 1);
	T_OK(!r->has_brier);
	csm_lift_release(&l);
}

static void
test_text(void)
{
	struct csm_lift l;
	char *s;

	csm_lift_init(&l, "health_score", 0);
	csm_lift_add(&l, "all", risk, y, NULL, 6);
	/*
	 * The group of the two riskiest: 2 of 6 rows (33.33%), both
	 * churned (rate 100.00%), 2 of the 3 churned (capture 66.67%),
	 * lift 100% / 50% = 2.00.  all: KS 2/3 = 66.67%, lo 0.7905 (see
	 * t-stat: 17/18 - 1.96/sqrt(162)), hi 1, six decimals
	 * in CSV and JSON.
	 */
	csm_lift_add(&l, "top", risk + 4, y + 4, NULL, 2);
	s = text(&l, CSM_LIFT_CSV);
	T_EQ_STR(s, "group,n,share,positives,rate,capture,lift,auc,auc_lo,"
	    "auc_hi,ks,brier\n"
	    "all,6,100.00,3,50.00,100.00,1.00,0.944444,0.790455,1.000000,"
	    "66.67,\n"
	    "top,2,33.33,2,100.00,66.67,2.00,,,,,\n");
	free(s);
	s = text(&l, CSM_LIFT_JSON);
	T_EQ_STR(s, "[\n"
	    "  {\"group\": \"all\", \"n\": 6, \"share\": 100.00, "
	    "\"positives\": 3, \"rate\": 50.00, \"capture\": 100.00, "
	    "\"lift\": 1.00, \"auc\": 0.944444, \"auc_lo\": 0.790455, "
	    "\"auc_hi\": 1.000000, \"ks\": 66.67, \"brier\": null},\n"
	    "  {\"group\": \"top\", \"n\": 2, \"share\": 33.33, "
	    "\"positives\": 2, \"rate\": 100.00, \"capture\": 66.67, "
	    "\"lift\": 2.00, \"auc\": null, \"auc_lo\": null, "
	    "\"auc_hi\": null, \"ks\": null, \"brier\": null}\n"
	    "]\n");
	free(s);
	/* JSON Lines: the same objects, one per line, no array. */
	s = text(&l, CSM_LIFT_JSONL);
	T_OK(s[0] == '{' && strchr(s, '\n') != NULL &&
	    strncmp(strchr(s, '\n'), "\n{\"group\": \"top\",", 17) == 0);
	T_OK(strchr(s, '[') == NULL && s[strlen(s) - 1] == '\n');
	free(s);
	csm_lift_release(&l);

	/* An empty table is an empty array. */
	csm_lift_init(&l, "x", 1);
	s = text(&l, CSM_LIFT_JSON);
	T_EQ_STR(s, "[]\n");
	free(s);
	csm_lift_release(&l);
}

int
main(void)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return 2;
	close(fd);
	T_RUN(test_rows);
	T_RUN(test_brier);
	T_RUN(test_text);
	unlink(path);
	T_END();
}

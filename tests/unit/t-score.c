/*
 * t-score.c: the health score engine (score.c): each mapping of a
 * component, the weighted mean with missing components, the minimum
 * coverage (score.min_weight), rounding, bands, scores that stay finite
 * and within 0-100 at the ends of the doubles, and the scorecards of
 * score.segments.  Every expected number is worked out in the comments.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "t.h"

static char path[] = "/tmp/t-score.XXXXXX";

/* One record: columns a, b, plan, and seg (empty unless a test sets it). */
static char h_a[] = "a", h_b[] = "b", h_plan[] = "plan", h_seg[] = "seg";
static char *hdr[] = {h_a, h_b, h_plan, h_seg};
static size_t hdrlen[] = {1, 1, 4, 3};
static char *fld[4];
static size_t flen[4];
static struct csm_tbl tbl;
static struct csm_cols cols;
static struct csm_eval ev;

static const char config[] =
    "score:\n"
    "  missing: renormalize\n"
    "  precision: 1\n"
    "  min_weight: 0\n"
    "  bands: [{name: green, min: 75}, {name: yellow, min: 50},\n"
    "          {name: red, min: 10}]\n"
    "  components:\n"
    "    - {name: lin, weight: 30, value: a, points: [[0, 0], [10, 100]]}\n"
    "    - {name: stp, weight: 20, value: b, steps: [[0, 10], [5, 60], [9, 100]]}\n"
    "    - {name: pln, weight: 40, value: plan,\n"
    "       map: {Gold: 100, Silver: 50}, default: 20}\n"
    "    - {name: raw, weight: 10, value: a * 20}\n";

static void
row(const char *a, const char *b, const char *plan)
{
	fld[0] = (char *)a;
	fld[1] = (char *)b;
	fld[2] = (char *)plan;
	flen[0] = strlen(a);
	flen[1] = strlen(b);
	flen[2] = strlen(plan);
	fld[3] = (char *)"";
	flen[3] = 0;
}

/* The segment of the current row. */
static void
segment(const char *seg)
{
	fld[3] = (char *)seg;
	flen[3] = strlen(seg);
}

static void
load(struct csm_cfg *cfg, struct csm_score *sc, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	T_OK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	csm_cfg_load(cfg, path);
	csm_score_load(sc, cfg);
	csm_score_bind(sc, &cols);
}

/* Scores the current row: returns whether it has a score. */
static int
score(const struct csm_score *sc, double *sub, unsigned char *present,
    double *out)
{
	struct csm_subscore s;
	size_t i;

	for (i = 0; i < sc->ncomp; i++) {
		csm_score_component(sc, i, &ev, &s);
		present[i] = s.status == CSM_OK;
		sub[i] = s.score;
	}
	return csm_score_combine(sc, sub, present, out);
}

static void
test_mappings(void)
{
	struct csm_cfg cfg;
	struct csm_score sc;
	struct csm_subscore s;
	double sub[4], total;
	unsigned char present[4];

	load(&cfg, &sc, config);
	T_EQ_INT(sc.ncomp, 4);
	T_EQ_NUM(sc.total_weight, 100);

	/* a = 2.5: points 0->0, 10->100 give 25; raw 2.5*20 = 50 */
	row("2.5", "7", "Silver");
	csm_score_component(&sc, 0, &ev, &s);
	T_EQ_INT(s.status, CSM_OK);
	T_EQ_NUM(s.value, 2.5);
	T_EQ_NUM(s.score, 25);
	/* b = 7: the last step reached is [5, 60] */
	csm_score_component(&sc, 1, &ev, &s);
	T_EQ_NUM(s.score, 60);
	/* Silver: 50; the text is kept for coverage reports */
	csm_score_component(&sc, 2, &ev, &s);
	T_EQ_NUM(s.score, 50);
	T_EQ_INT(s.len, 6);
	T_OK(memcmp(s.text, "Silver", 6) == 0);
	csm_score_component(&sc, 3, &ev, &s);
	T_EQ_NUM(s.score, 50);
	/* (30*25 + 20*60 + 40*50 + 10*50) / 100 = (750+1200+2000+500)/100
	 * = 44.5; band red (10 <= 44.5 < 50) */
	T_OK(score(&sc, sub, present, &total));
	T_EQ_NUM(total, 44.5);
	T_EQ_STR(csm_score_band(&sc, total), "red");

	/* Outside the points: held at the end scores; raw clamped to 100;
	 * a below the first step: the first score; "gold" matches Gold
	 * ignoring case.  lin 100, stp 10, pln 100, raw min(100, 240) */
	row("12", "-3", " gold ");
	T_OK(score(&sc, sub, present, &total));
	/* (3000 + 200 + 4000 + 1000) / 100 = 82 */
	T_EQ_NUM(total, 82);
	T_EQ_STR(csm_score_band(&sc, total), "green");

	/* Text the map lacks takes the default (20) */
	row("0", "0", "Bronze");
	csm_score_component(&sc, 2, &ev, &s);
	T_EQ_INT(s.status, CSM_OK);
	T_EQ_NUM(s.score, 20);
	/* lin 0, stp 10, pln 20, raw 0: (0 + 200 + 800 + 0) / 100 = 10 */
	T_OK(score(&sc, sub, present, &total));
	T_EQ_NUM(total, 10);
	T_EQ_STR(csm_score_band(&sc, total), "red");
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
}

static void
test_missing(void)
{
	struct csm_cfg cfg;
	struct csm_score sc;
	struct csm_subscore s;
	double sub[4], total;
	unsigned char present[4];

	load(&cfg, &sc, config);
	/* a and b blank: lin, stp and raw missing; renormalised over pln
	 * alone: 100 */
	row("", "NA", "Gold");
	csm_score_component(&sc, 0, &ev, &s);
	T_EQ_INT(s.status, CSM_MISSING);
	T_OK(score(&sc, sub, present, &total));
	T_EQ_NUM(total, 100);
	/* all missing: no score */
	row("", "", "");
	T_OK(!score(&sc, sub, present, &total));
	csm_score_release(&sc);
	csm_cfg_release(&cfg);

	/* missing: zero counts a missing component as 0: pln 100 alone is
	 * 40*100 / 100 = 40; all missing is unscored, not 0 */
	{
		char text[sizeof(config) + 32];

		snprintf(text, sizeof(text), "%s", config);
		memcpy(strstr(text, "renormalize"), "zero       ", 11);
		load(&cfg, &sc, text);
	}
	row("", "", "Gold");
	T_OK(score(&sc, sub, present, &total));
	T_EQ_NUM(total, 40);
	row("", "", "");
	T_OK(!score(&sc, sub, present, &total));
	/* Bronze takes the default 20: 40*20 / 100 = 8, below every band:
	 * "" */
	row("", "", "Bronze");
	T_OK(score(&sc, sub, present, &total));
	T_EQ_NUM(total, 8);
	T_EQ_STR(csm_score_band(&sc, total), "");
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
}

static void
test_unmatched(void)
{
	struct csm_cfg cfg;
	struct csm_score sc;
	struct csm_subscore s;

	/* Without default:, text the map lacks is CSM_BAD, not a score */
	load(&cfg, &sc, "score:\n  bands: [{name: all, min: 0}]\n"
	    "  components:\n"
	    "    - {name: p, weight: 1, value: plan, map: {Gold: 90}}\n");
	row("", "", "Two-year");
	csm_score_component(&sc, 0, &ev, &s);
	T_EQ_INT(s.status, CSM_BAD);
	T_OK(s.len == 8 && memcmp(s.text, "Two-year", 8) == 0);
	/* a number looked up as text: 3 -> "3" */
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
	load(&cfg, &sc, "score:\n  bands: [{name: all, min: 0}]\n"
	    "  components:\n"
	    "    - {name: p, weight: 1, value: a + 1, map: {'3': 90}}\n");
	row("2", "", "");
	csm_score_component(&sc, 0, &ev, &s);
	T_EQ_INT(s.status, CSM_OK);
	T_EQ_NUM(s.score, 90);
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
}

static void
test_rounding(void)
{
	struct csm_cfg cfg;
	struct csm_score sc;
	double sub[4] = {72.45, 0, 0, 0}, total;
	unsigned char present[4] = {1, 0, 0, 0};

	/* precision 1, half away from zero: 72.45 -> 72.5 */
	load(&cfg, &sc, config);
	T_OK(csm_score_combine(&sc, sub, present, &total));
	T_EQ_NUM(total, 72.5);
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
}

static void
test_min_weight(void)
{
	struct csm_cfg cfg;
	struct csm_score sc;
	double sub[4], total;
	unsigned char present[4];
	char text[sizeof(config) + 32];

	/* The default min_weight is 0.5 (the line left out) */
	snprintf(text, sizeof(text), "%s", config);
	memcpy(strstr(text, "  min_weight: 0\n"), "               \n", 16);
	load(&cfg, &sc, text);
	T_EQ_NUM(sc.min_weight, 0.5);
	/* pln (40) alone: 40 of 100 present, under half: unscored */
	row("", "", "Gold");
	T_OK(!score(&sc, sub, present, &total));
	/* lin 30 + stp 20 = 50 of 100: exactly half scores.  a 5 -> 50,
	 * b 5 -> 60; raw a*20 = 100 present too (10): (1500 + 1200 + 1000)
	 * / 60 = 61.666.. -> 61.7 */
	row("5", "5", "");
	T_OK(score(&sc, sub, present, &total));
	T_EQ_NUM(total, 61.7);
	csm_score_release(&sc);
	csm_cfg_release(&cfg);

	/* min_weight 0.95 under missing: zero: pln missing (40) leaves 60 */
	snprintf(text, sizeof(text), "%s", config);
	memcpy(strstr(text, "renormalize"), "zero       ", 11);
	memcpy(strstr(text, "min_weight: 0\n"), "min_weight: 1\n", 14);
	load(&cfg, &sc, text);
	row("5", "5", "");
	T_OK(!score(&sc, sub, present, &total));
	/* everything present: (1500 + 1200 + 4000 + 1000) / 100 = 77 */
	row("5", "5", "Gold");
	T_OK(score(&sc, sub, present, &total));
	T_EQ_NUM(total, 77);
	/* nothing present is unscored whatever min_weight says */
	row("", "", "");
	T_OK(!score(&sc, sub, present, &total));
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
}

/* Points at the ends of the doubles still interpolate to a finite score. */
static void
test_extremes(void)
{
	struct csm_cfg cfg;
	struct csm_score sc;
	struct csm_subscore s;

	load(&cfg, &sc, "score:\n  bands: [{name: all, min: 0}]\n"
	    "  components:\n"
	    "    - {name: p, weight: 1, value: a,\n"
	    "       points: [[-1e308, 0], [1e308, 100]]}\n");
	/* halfway: 50; at 1e308 - the span: t = 1 -> 100 */
	row("0", "", "");
	csm_score_component(&sc, 0, &ev, &s);
	T_EQ_NUM(s.score, 50);
	row("1e308", "", "");
	csm_score_component(&sc, 0, &ev, &s);
	T_EQ_NUM(s.score, 100);
	/* 5e307 is a quarter of the way past the middle: 75 */
	row("5e307", "", "");
	csm_score_component(&sc, 0, &ev, &s);
	T_EQ_NUM(s.score, 75);
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
}

static void
test_calibration(void)
{
	struct csm_cfg cfg;
	struct csm_score sc;
	double p;

	/* Without calibration: no probability. */
	load(&cfg, &sc, config);
	T_EQ_INT(sc.ncal, 0);
	T_OK(!csm_score_churn(&sc, 50, &p));
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
	/*
	 * [[20, 0.6], [50, 0.3], [100, 0.1]]: linear between the pairs, the
	 * end values held outside them.  35 is halfway from 20 to 50:
	 * 0.6 + (0.3 - 0.6) * 15/30 = 0.45; 90 is 0.3 + (0.1 - 0.3) *
	 * 40/50 = 0.14; 0 holds 0.6, 120 holds 0.1.
	 */
	load(&cfg, &sc, "score:\n  bands: [{name: all, min: 0}]\n"
	    "  components: [{name: a, weight: 1, value: a}]\n"
	    "  calibration: [[20, 0.6], [50, 0.3], [100, 0.1]]\n");
	T_EQ_INT(sc.ncal, 3);
	T_OK(csm_score_churn(&sc, 35, &p));
	T_EQ_NUM(p, 0.45);
	T_OK(csm_score_churn(&sc, 90, &p));
	T_EQ_NUM(p, 0.14);
	T_OK(csm_score_churn(&sc, 0, &p));
	T_EQ_NUM(p, 0.6);
	T_OK(csm_score_churn(&sc, 120, &p));
	T_EQ_NUM(p, 0.1);
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
}

static void
test_mapped(void)
{
	struct csm_cfg cfg;
	struct csm_score sc;
	double s;

	load(&cfg, &sc, config);
	/* pln maps Gold and Silver, default 20: exact, any case, trimmed */
	T_OK(csm_score_mapped(&sc.comp[2], "Gold", 4));
	T_OK(csm_score_mapped(&sc.comp[2], " silver ", 8));
	/* the default is not an entry; a points component has no map */
	T_OK(!csm_score_mapped(&sc.comp[2], "Bronze", 6));
	T_OK(!csm_score_mapped(&sc.comp[0], "Gold", 4));
	/* the mapping of a value already evaluated: lin 2.5 -> 25, stp 7
	 * -> 60, Bronze -> the default 20, raw 250 -> clamped 100 */
	T_EQ_INT(csm_score_map(&sc.comp[0], 2.5, NULL, 0, &s), CSM_OK);
	T_EQ_NUM(s, 25);
	T_EQ_INT(csm_score_map(&sc.comp[1], 7, NULL, 0, &s), CSM_OK);
	T_EQ_NUM(s, 60);
	T_EQ_INT(csm_score_map(&sc.comp[2], 0, "Bronze", 6, &s), CSM_OK);
	T_EQ_NUM(s, 20);
	T_EQ_INT(csm_score_map(&sc.comp[3], 250, NULL, 0, &s), CSM_OK);
	T_EQ_NUM(s, 100);
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
	/* without a default: CSM_BAD */
	load(&cfg, &sc, "score:\n  bands: [{name: all, min: 0}]\n"
	    "  components:\n"
	    "    - {name: p, weight: 1, value: plan, map: {Gold: 90}}\n");
	T_EQ_INT(csm_score_map(&sc.comp[0], 0, "Tin", 3, &s), CSM_BAD);
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
}

/*
 * score.segments: Gold reweights the default's components, Tin has its own
 * component and bands; the section's precision (1), min_weight (0) and
 * calibration are shared, the calibration on the default only.
 */
static const char segments[] =
    "score:\n"
    "  precision: 1\n"
    "  min_weight: 0\n"
    "  bands: [{name: hi, min: 50}, {name: lo, min: 0}]\n"
    "  components:\n"
    "    - {name: lin, weight: 30, value: a, points: [[0, 0], [10, 100]]}\n"
    "    - {name: stp, weight: 20, value: b,\n"
    "       steps: [[0, 10], [5, 60], [9, 100]]}\n"
    "  calibration: [[0, 0.9], [100, 0.1]]\n"
    "  segment_column: seg\n"
    "  segments:\n"
    "    Gold:\n"
    "      weights: {stp: 80}\n"
    "    Tin:\n"
    "      components:\n"
    "        - {name: pln, weight: 1, value: plan, map: {x: 100}, default: 0}\n"
    "      bands: [{name: top, min: 90}, {name: rest, min: 0}]\n";

static void
test_segments(void)
{
	struct csm_cfg cfg;
	struct csm_score sc;
	const struct csm_score *card;
	double sub[4], total;
	unsigned char present[4];

	load(&cfg, &sc, segments);
	T_EQ_INT(sc.nseg, 2);
	T_EQ_STR(sc.name, "default");
	T_EQ_STR(sc.segcol, "seg");
	T_EQ_INT(sc.segidx, 3);
	T_OK(csm_score_card(&sc, 0) == &sc);
	T_OK(csm_score_card(&sc, 2) == &sc.seg[1]);
	/* Gold: the default's two components, stp reweighted: 30 + 80 */
	card = csm_score_card(&sc, 1);
	T_EQ_STR(card->name, "Gold");
	T_EQ_INT(card->ncomp, 2);
	T_EQ_NUM(card->comp[0].weight, 30);
	T_EQ_NUM(card->comp[1].weight, 80);
	T_EQ_NUM(card->total_weight, 110);
	T_EQ_INT(card->nband, 2);
	T_EQ_STR(card->band[0].name, "hi");
	T_EQ_INT(card->precision, 1);
	T_EQ_NUM(card->min_weight, 0);
	T_EQ_INT(card->ncal, 0);
	/* Tin: its own component and bands */
	card = csm_score_card(&sc, 2);
	T_EQ_STR(card->name, "Tin");
	T_EQ_INT(card->ncomp, 1);
	T_EQ_STR(card->comp[0].name, "pln");
	T_EQ_NUM(card->total_weight, 1);
	T_EQ_STR(card->band[0].name, "top");
	/* the default is unchanged: 30 + 20 */
	T_EQ_NUM(sc.total_weight, 50);
	T_EQ_INT(sc.ncal, 2);

	/* which scorecard: the segment trimmed, then ignoring case; any
	 * other value, or none, the default */
	row("5", "7", "x");
	T_EQ_INT(csm_score_pick(&sc, &tbl), 0);
	segment("Gold");
	T_EQ_INT(csm_score_pick(&sc, &tbl), 1);
	segment(" gold ");
	T_EQ_INT(csm_score_pick(&sc, &tbl), 1);
	segment("TIN");
	T_EQ_INT(csm_score_pick(&sc, &tbl), 2);
	segment("Silver");
	T_EQ_INT(csm_score_pick(&sc, &tbl), 0);
	segment("Gol");
	T_EQ_INT(csm_score_pick(&sc, &tbl), 0);

	/* a 5 -> lin 50, b 7 -> stp 60.  Default: (30*50 + 20*60) / 50 =
	 * 2700 / 50 = 54.0, hi; Gold: (30*50 + 80*60) / 110 = 6300 / 110 =
	 * 57.27.. -> 57.3, hi */
	T_OK(score(&sc, sub, present, &total));
	T_EQ_NUM(total, 54);
	T_EQ_STR(csm_score_band(&sc, total), "hi");
	card = csm_score_card(&sc, 1);
	T_OK(score(card, sub, present, &total));
	T_EQ_NUM(total, 57.3);
	T_EQ_STR(csm_score_band(card, total), "hi");
	/* Tin: plan x -> 100, top; y -> the default 0, rest */
	card = csm_score_card(&sc, 2);
	T_OK(score(card, sub, present, &total));
	T_EQ_NUM(total, 100);
	T_EQ_STR(csm_score_band(card, total), "top");
	row("5", "7", "y");
	T_OK(score(card, sub, present, &total));
	T_EQ_NUM(total, 0);
	T_EQ_STR(csm_score_band(card, total), "rest");
	csm_score_release(&sc);
	T_EQ_INT(sc.nseg, 0);
	T_OK(sc.seg == NULL);
	csm_cfg_release(&cfg);

	/* segment_column defaults to segment; segments: {} is none */
	load(&cfg, &sc, "score:\n  bands: [{name: all, min: 0}]\n"
	    "  components: [{name: a, weight: 1, value: a}]\n"
	    "  segments: {}\n");
	T_EQ_INT(sc.nseg, 0);
	T_EQ_INT(sc.segidx, -1);
	T_EQ_INT(csm_score_pick(&sc, &tbl), 0);
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
}

int
main(void)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return 2;
	close(fd);
	tbl.ncols = 4;
	tbl.nf = 4;
	tbl.hdr = hdr;
	tbl.hdrlen = hdrlen;
	tbl.f = fld;
	tbl.flen = flen;
	tbl.file = "t.csv";
	tbl.line = 2;
	csm_cols_init(&cols, &tbl, NULL);
	csm_eval_init(&ev);
	ev.rec = &tbl;
	ev.cols = &cols;
	T_RUN(test_mappings);
	T_RUN(test_missing);
	T_RUN(test_unmatched);
	T_RUN(test_rounding);
	T_RUN(test_min_weight);
	T_RUN(test_extremes);
	T_RUN(test_calibration);
	T_RUN(test_mapped);
	T_RUN(test_segments);
	csm_eval_release(&ev);
	csm_cols_release(&cols);
	unlink(path);
	T_END();
}

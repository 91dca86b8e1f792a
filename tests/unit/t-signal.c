/*
 * t-signal.c: the signal engine (signal.c): a section loaded by name,
 * signals fired and their points summed and capped, tiers found and
 * raised by patterns, names and reasons with their offsets, the default
 * reason, missing conditions counted for the coverage summary, points
 * of patterns and negative points (the score from 0 to 100), optional
 * signals off without their columns, and the tier names the command line
 * and --previous use.  Every expected number
 * is worked out in the comments.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "t.h"
#include "tcap.h"

static char path[] = "/tmp/t-signal.XXXXXX";

/* One record: columns a, b, c, d. */
static char h_a[] = "a", h_b[] = "b", h_c[] = "c", h_d[] = "d";
static char *hdr[] = {h_a, h_b, h_c, h_d};
static size_t hdrlen[] = {1, 1, 1, 1};
static char *fld[4];
static size_t flen[4];
static struct csm_tbl tbl;
static struct csm_cols cols;
static struct csm_eval ev;

static const char config[] =
    "risk:\n"
    "  tiers: [{name: crit, min: 80}, {name: high, min: 45},\n"
    "          {name: low, min: 1}]\n"
    "  signals:\n"
    "    - {name: sa, when: a > 1, points: 40, reason: \"a is {a|int}\"}\n"
    "    - {name: sb, when: b, points: 30}\n"
    "    - {name: sc, when: c == 'x', points: 50, reason: c is x}\n"
    "    - {name: sd, when: d > 0, points: 2.125, reason: \"d {d}\"}\n"
    "  patterns:\n"
    "    - {name: pab, all: [sa, sb], tier: crit, reason: a and b}\n"
    "    - {name: pbc, all: [sb, sc], tier: low}\n";

static void
row(const char *a, const char *b, const char *c, const char *d)
{
	fld[0] = (char *)a;
	fld[1] = (char *)b;
	fld[2] = (char *)c;
	fld[3] = (char *)d;
	flen[0] = strlen(a);
	flen[1] = strlen(b);
	flen[2] = strlen(c);
	flen[3] = strlen(d);
}

static void
load(struct csm_cfg *cfg, struct csm_signals *s, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	T_OK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	csm_cfg_load(cfg, path);
	csm_signals_load(s, cfg, "risk");
	csm_signals_bind(s, &cols);
}

/* Part i of the assessment: a name (i < nnames) or a reason, as a string. */
static const char *
part(const struct csm_assessment *a, size_t i)
{
	static char buf[256];
	const char *base = i < a->nnames ? a->names.s : a->reasons.s;
	size_t off = a->part[2 * i], len = a->part[2 * i + 1];

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, base + off, len);
	buf[len] = '\0';
	return buf;
}

static void
test_assess(void)
{
	struct csm_cfg cfg;
	struct csm_signals s;
	struct csm_assessment a;
	struct csm_cover cv;

	load(&cfg, &s, config);
	T_EQ_STR(s.section, "risk");
	T_EQ_INT(s.nsig, 4);
	T_EQ_INT(s.npat, 2);
	T_EQ_INT(s.ntier, 3);
	csm_assessment_init(&a, &s);
	csm_signals_cover(&s, &cv);

	/* sa 40 + sb 30 = 70: high (45 <= 70 < 80); pab fired: crit.
	 * sb has no reason: its name and the column its condition read. */
	row("5", "yes", "y", "0");
	csm_signals_assess(&s, &ev, &cv, &a);
	T_EQ_NUM(a.score, 70);
	T_EQ_STR(a.scoretext, "70");
	T_EQ_INT(a.tier, 0);
	T_EQ_STR(a.names.s, "sa;sb;pab");
	T_EQ_STR(a.reasons.s, "a is 5; sb (b=yes); a and b");
	T_EQ_INT(a.nnames, 3);
	T_EQ_INT(a.nreasons, 3);
	T_EQ_STR(part(&a, 0), "sa");
	T_EQ_STR(part(&a, 2), "pab");
	T_EQ_STR(part(&a, 3), "a is 5");
	T_EQ_STR(part(&a, 4), "sb (b=yes)");
	T_EQ_STR(part(&a, 5), "a and b");
	T_OK(a.fired[0] && a.fired[1] && !a.fired[2] && !a.fired[3]);
	T_OK(a.fired[4] && !a.fired[5]);

	/* 40 + 30 + 50 + 2.125 = 122.125: capped at 100.  pbc's tier (low)
	 * is below crit: it raises nothing, and has no sentence. */
	row("5", "yes", "x", "1");
	csm_signals_assess(&s, &ev, &cv, &a);
	T_EQ_NUM(a.score, 100);
	T_EQ_INT(a.tier, 0);
	T_EQ_STR(a.names.s, "sa;sb;sc;sd;pab;pbc");
	T_EQ_STR(a.reasons.s, "a is 5; sb (b=yes); c is x; d 1; a and b");

	/* Only sd: 2.125, written with two decimals (2.13, half away from
	 * zero); tier low.  a, b and c are blank: three conditions missing. */
	row("", "", "", "3");
	csm_signals_assess(&s, &ev, &cv, &a);
	T_EQ_NUM(a.score, 2.125);
	T_EQ_STR(a.scoretext, "2.13");
	T_EQ_INT(a.tier, 2);
	T_EQ_STR(a.names.s, "sd");
	T_EQ_STR(a.reasons.s, "d 3");

	/* Nothing fires: score 0, tier none (3), empty names and reasons */
	row("0", "no", "y", "0");
	csm_signals_assess(&s, &ev, &cv, &a);
	T_EQ_NUM(a.score, 0);
	T_EQ_INT(a.tier, 3);
	T_EQ_STR(a.names.s, "");
	T_EQ_STR(a.reasons.s, "");
	T_EQ_INT(a.nnames + a.nreasons, 0);

	/* Coverage: sa, sb and sc were missing once (the blank row) */
	T_EQ_INT(cv.n, 4);
	T_EQ_STR(cv.item[0].name, "sa");
	T_EQ_STR(cv.item[0].kind, "signal");
	T_EQ_INT(cv.item[0].missing, 1);
	T_EQ_INT(cv.item[1].missing, 1);
	T_EQ_INT(cv.item[2].missing, 1);
	T_EQ_INT(cv.item[3].missing, 0);

	csm_cover_release(&cv);
	csm_assessment_release(&a);
	csm_signals_release(&s);
	csm_cfg_release(&cfg);
}

/* The default reason shows a blank field as missing, trimmed otherwise. */
static void
test_default_reason(void)
{
	struct csm_cfg cfg;
	struct csm_signals s;
	struct csm_assessment a;

	load(&cfg, &s, "risk:\n"
	    "  signals:\n"
	    "    - {name: either, when: a > 1 or b, points: 10}\n");
	csm_assessment_init(&a, &s);
	row(" 7 ", "", "", "");
	csm_signals_assess(&s, &ev, NULL, &a);
	T_EQ_STR(a.reasons.s, "either (a=7, b=missing)");
	/* the default tiers: 10 is low (min 1) */
	T_EQ_STR(csm_signals_tier_name(&s, a.tier), "low");
	csm_assessment_release(&a);
	csm_signals_release(&s);
	csm_cfg_release(&cfg);
}

/*
 * Patterns add points, signals may take points away: the score is the
 * sum of both, from 0 to 100, and its tier is then raised by patterns.
 */
static void
test_points(void)
{
	struct csm_cfg cfg;
	struct csm_signals s;
	struct csm_assessment a;

	load(&cfg, &s, "risk:\n"
	    "  tiers: [{name: crit, min: 80}, {name: high, min: 45},\n"
	    "          {name: low, min: 1}]\n"
	    "  signals:\n"
	    "    - {name: bad, when: a > 1, points: 50, reason: bad}\n"
	    "    - {name: worse, when: b, points: 40, reason: worse}\n"
	    "    - {name: safe, when: c == 'x', points: -30, reason: safe}\n"
	    "  patterns:\n"
	    "    - {name: both, all: [bad, worse], points: 20}\n"
	    "    - {name: guarded, all: [bad, safe], tier: high,\n"
	    "       points: -10.5}\n");
	T_EQ_INT(s.pat[0].tier, 3);	/* no tier: it raises nothing */
	T_EQ_NUM(s.pat[0].points, 20);
	T_EQ_NUM(s.pat[1].points, -10.5);
	csm_assessment_init(&a, &s);

	/* 50 + 40 = 90, both +20 = 110: capped at 100, crit */
	row("5", "yes", "y", "");
	csm_signals_assess(&s, &ev, NULL, &a);
	T_EQ_NUM(a.score, 100);
	T_EQ_INT(a.tier, 0);
	T_EQ_STR(a.names.s, "bad;worse;both");

	/* 50 - 30 = 20, guarded -10.5 = 9.5: low (1 <= 9.5 < 45), raised
	 * to high by guarded */
	row("5", "no", "x", "");
	csm_signals_assess(&s, &ev, NULL, &a);
	T_EQ_NUM(a.score, 9.5);
	T_EQ_STR(a.scoretext, "9.5");
	T_EQ_INT(a.tier, 1);
	T_EQ_STR(a.names.s, "bad;safe;guarded");
	T_EQ_STR(a.reasons.s, "bad; safe");

	/* -30 alone: floored at 0, none */
	row("0", "no", "x", "");
	csm_signals_assess(&s, &ev, NULL, &a);
	T_EQ_NUM(a.score, 0);
	T_EQ_STR(a.scoretext, "0");
	T_EQ_INT(a.tier, 3);
	T_EQ_STR(a.names.s, "safe");

	/* 50 + 40 - 30 = 60, both +20, guarded -10.5: 69.5, high */
	row("5", "yes", "x", "");
	csm_signals_assess(&s, &ev, NULL, &a);
	T_EQ_NUM(a.score, 69.5);
	T_EQ_INT(a.tier, 1);
	T_EQ_STR(a.names.s, "bad;worse;safe;both;guarded");

	csm_assessment_release(&a);
	csm_signals_release(&s);
	csm_cfg_release(&cfg);
}

/*
 * An optional signal is off when a column it reads (in its condition or
 * its reason) is absent: it never fires, nor does a pattern that needs
 * it, and it is not counted as missing.  One whose columns are there
 * works as any other.
 */
static void
test_optional(void)
{
	struct csm_cfg cfg;
	struct csm_signals s;
	struct csm_assessment a;
	struct csm_cover cv;

	load(&cfg, &s, "risk:\n"
	    "  signals:\n"
	    "    - {name: here, when: a > 1, points: 10, optional: true}\n"
	    "    - {name: gone, when: e > 1, points: 20, optional: true}\n"
	    "    - {name: half, when: a > 1, points: 30, optional: true,\n"
	    "       reason: \"{e}\"}\n"
	    "    - {name: plain, when: b, points: 5, optional: false}\n"
	    "  patterns:\n"
	    "    - {name: both, all: [here, gone], points: 50}\n");
	T_OK(!s.sig[0].off);
	T_OK(s.sig[1].off);
	T_OK(s.sig[2].off);
	T_OK(!s.sig[3].off && !s.sig[3].optional);
	csm_assessment_init(&a, &s);
	csm_signals_cover(&s, &cv);
	/* here 10 + plain 5 = 15; gone, half and both never fire */
	row("5", "yes", "", "");
	csm_signals_assess(&s, &ev, &cv, &a);
	T_EQ_NUM(a.score, 15);
	T_EQ_STR(a.names.s, "here;plain");
	/* a blank: here is missing (counted); gone is off (not counted) */
	row("", "no", "", "");
	csm_signals_assess(&s, &ev, &cv, &a);
	T_EQ_NUM(a.score, 0);
	T_EQ_INT(cv.item[0].missing, 1);
	T_EQ_INT(cv.item[1].missing, 0);
	T_EQ_INT(cv.item[2].missing, 0);
	csm_cover_release(&cv);
	csm_assessment_release(&a);
	csm_signals_release(&s);
	csm_cfg_release(&cfg);
}

static struct csm_signals *arg_s;

static void
bad_tier_arg(void)
{
	csm_signals_tier_arg(arg_s, "usage: t\n", "--min-tier", "hihg");
}

static void
test_tiers(void)
{
	struct csm_cfg cfg;
	struct csm_signals s;
	struct csm_buf b;
	struct tcap_child ch;

	load(&cfg, &s, config);
	T_EQ_INT(csm_signals_tier_find(&s, "crit"), 0);
	T_EQ_INT(csm_signals_tier_find(&s, "low"), 2);
	T_EQ_INT(csm_signals_tier_find(&s, "none"), 3);
	T_EQ_INT(csm_signals_tier_find(&s, "HIGH"), -1);
	T_EQ_INT(csm_signals_tier_find(&s, "medium"), -1);
	T_EQ_STR(csm_signals_tier_name(&s, 1), "high");
	T_EQ_STR(csm_signals_tier_name(&s, 3), "none");
	csm_buf_init(&b);
	csm_signals_tier_list(&s, &b);
	T_EQ_STR(b.s, "crit, high, low, none");
	csm_buf_release(&b);
	/* on the command line, case does not count */
	T_EQ_INT(csm_signals_tier_arg(&s, "", "--min-tier", "HIGH"), 1);
	T_EQ_INT(csm_signals_tier_arg(&s, "", "--min-tier", "None"), 3);
	arg_s = &s;
	tcap_run(bad_tier_arg, &ch);
	T_EQ_INT(ch.status, 64);
	T_EQ_STR(ch.err, "t-signal: --min-tier: 'hihg' is not a tier (crit, "
	    "high, low, none)\nusage: t\n");
	T_EQ_STR(ch.out, "");
	csm_signals_release(&s);
	csm_cfg_release(&cfg);
}

/* Both sections load by name; one the config lacks is a config error. */
static void
no_section(void)
{
	struct csm_cfg cfg;
	struct csm_signals s;

	csm_cfg_load(&cfg, NULL);
	csm_signals_load(&s, &cfg, "nosuch");
}

static void
test_section(void)
{
	struct tcap_child ch;

	tcap_run(no_section, &ch);
	T_EQ_INT(ch.status, 78);
	T_EQ_STR(ch.err, "t-signal: <default>: the config has no nosuch: "
	    "section\n");
}

static struct csm_sigrun *run_r;

static void
top_zero(void)
{
	csm_sigrun_opt(run_r, "usage: t\n", CSM_OPT_TOP, "0");
}

static void
top_no_report(void)
{
	csm_sigrun_done(run_r, "usage: t\n");
}

/* The options both signal tools take (sigrun.c), and the run they set up. */
static void
test_sigrun(void)
{
	struct csm_sigrun r;
	struct csm_cli cli;
	struct csm_cfg cfg;
	struct tcap_child ch;
	int fd;

	csm_sigrun_init(&r);
	T_EQ_INT(r.format, CSM_SIGRUN_DELIM);
	T_EQ_INT(csm_sigrun_opt(&r, "", 'c', "x"), 0);	/* not one of its */
	T_EQ_INT(csm_sigrun_opt(&r, "", 'f', "HTML"), 1);
	T_EQ_INT(csm_sigrun_opt(&r, "", CSM_OPT_SORT, NULL), 1);
	T_EQ_INT(csm_sigrun_opt(&r, "", CSM_OPT_TOP, "3"), 1);
	T_EQ_INT(csm_sigrun_opt(&r, "", CSM_OPT_MIN_TIER, "Low"), 1);
	csm_sigrun_done(&r, "");
	T_EQ_INT(r.format, CSM_SIGRUN_HTML);
	T_EQ_INT(r.report, 1);
	T_EQ_INT(r.sort, 1);
	T_EQ_INT(r.top, 3);
	/* crit 0, high 1, low 2: --min-tier low is 2, and the report lists
	 * down to it in place of the default (high, 1) */
	fd = open(path, O_WRONLY | O_TRUNC);
	T_OK(fd >= 0 && write(fd, config, strlen(config)) ==
	    (ssize_t)strlen(config));
	close(fd);
	csm_cfg_load(&cfg, path);
	csm_cli_init(&cli);
	cli.today = 20000;
	csm_sigrun_load(&r, "", &cli, &cfg, "risk", CSM_TIERREP_RISK,
	    "at_risk", "high");
	T_EQ_INT(r.sig.ntier, 3);
	T_EQ_INT(r.min_tier, 2);
	T_EQ_INT(r.rep.listed, 2);
	T_EQ_INT(r.rep.top, 3);
	T_EQ_INT(r.rep.today, 20000);
	T_EQ_INT(r.rep.fmt, CSM_TIERREP_HTML);
	csm_sigrun_release(&r);
	/* without --min-tier: every row written, the report at high */
	csm_sigrun_init(&r);
	csm_sigrun_done(&r, "");
	T_EQ_INT(r.report, 0);
	csm_sigrun_load(&r, "", &cli, &cfg, "risk", CSM_TIERREP_RISK,
	    "at_risk", "high");
	T_EQ_INT(r.min_tier, 3);
	T_EQ_INT(r.rep.listed, 1);
	csm_sigrun_release(&r);
	csm_cfg_release(&cfg);
	/* --top 0, and --top without -f md or html: usage errors */
	csm_sigrun_init(&r);
	run_r = &r;
	tcap_run(top_zero, &ch);
	T_EQ_INT(ch.status, 64);
	T_EQ_STR(ch.err, "t-signal: --top: '0' is not a whole number of 1 "
	    "or more\nusage: t\n");
	r.top = 2;
	tcap_run(top_no_report, &ch);
	T_EQ_INT(ch.status, 64);
	T_EQ_STR(ch.err, "t-signal: --top limits the report's lists: it "
	    "goes with -f md or -f html\nusage: t\n");
}

int
main(int argc, char *argv[])
{
	int fd = mkstemp(path);

	(void)argc;
	csm_setprogname(argv[0]);
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
	T_RUN(test_assess);
	T_RUN(test_default_reason);
	T_RUN(test_points);
	T_RUN(test_optional);
	T_RUN(test_tiers);
	T_RUN(test_section);
	T_RUN(test_sigrun);
	csm_eval_release(&ev);
	csm_cols_release(&cols);
	unlink(path);
	T_END();
}

/*
 * csm-risk: flag churn risk on every row, say why, and write the weekly
 * risk report.
 *
 * Each signal of the config's risk: section is a condition on the row
 * (`when`) worth some points; risk_score is the sum of the points of the
 * signals and patterns that fired, from 0 to 100, and risk_tier the first
 * tier whose min the score reaches (below all of them: none).  A pattern
 * whose signals all fired adds its points and raises the tier to at least
 * its own.  risk_signals names what fired and risk_reasons says why, one
 * sentence per signal (its reason template, or its name and the values it
 * read).  The signal engine that does all this is common/signal.c, which
 * csm-expand shares.  --previous compares with an earlier output and
 * appends risk_change.
 *
 * CSV and TSV without --sort stream one row at a time in constant memory,
 * as does JSON; --sort holds the rows it writes (common/sigrows.c).  The
 * weekly report (-f md or html, common/tierrep.c) holds only what it
 * prints: the accounts at risk, counters per tier and owner, and what
 * changed.  At the end, a
 * summary on stderr names the signals whose condition was missing and how
 * often (-q: not).  What csm-risk shares with csm-expand around the
 * engine, the options -f, --min-tier, --sort and --top included, is
 * common/sigrun.c; --previous and --fail-on are its own.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

static const char usage_text[] =
    "usage: csm-risk [-hqtV] [-c config] [-d delim]\n"
    "                [-f csv|tsv|md|html|json|jsonl] [--as-of date]\n"
    "                [--fail-on tier] [--fail-on-new tier] [--min-tier tier]\n"
    "                [--previous file] [--sort] [--top n]\n"
    "                [--ragged error|pad|skip] [--columns] [--dump-config]\n"
    "                [file ...]\n";

static const char help_text[] =
    "Append risk_score, risk_tier, risk_signals and risk_reasons to every row\n"
    "of a CSV or TSV, or write the weekly churn-risk report.\n"
    "\n"
    "  -c, --config FILE     config file (default: $CSM_CONFIG, else built in)\n"
    "  -d, --delimiter C     input delimiter (default: detected; 'tab' for TSV)\n"
    "  -t, --tsv             input is TSV\n"
    "  -f, --format F        csv, tsv, md or html (the weekly report: HTML as\n"
    "                        an email), json or jsonl (JSON Lines; default:\n"
    "                        the input's delimiter)\n"
    "      --min-tier T      only rows at tier T or above (the report: the\n"
    "                        tiers it counts as at risk; default\n"
    "                        risk.report.at_risk, high)\n"
    "      --sort            worst first: tier, then ARR, then score\n"
    "      --top N           the report: at most N accounts per owner\n"
    "      --previous FILE   an earlier csm-risk output: append risk_change\n"
    "                        (new, escalated, improved, unchanged); a FILE\n"
    "                        that does not exist or is empty: every account\n"
    "                        is new, with a warning (a first run)\n"
    "      --fail-on T       exit 1 when any row is at tier T or above\n"
    "      --fail-on-new T   exit 1 when an account at tier T or above is\n"
    "                        new or escalated (needs --previous)\n"
    "      --as-of DATE      today's date for days_since/days_until (YYYY-MM-DD)\n"
    CSM_CLI_HELP_SHARED
    "\n"
    "Files are read in order as one table ('-' or none: standard input).\n"
    "Exit status: 0 ok, 1 found (--fail-on, --fail-on-new), 64 usage,\n"
    "65 data error, 66 cannot open input, 74 I/O error, 78 config error.\n"
    "See csm-risk(1) and csm.yaml(5).\n"
    "\n"
    "Examples:\n"
    "  csm-score accounts.csv | csm-risk --min-tier high --sort\n"
    "  csm-score accounts.csv | csm-risk -f md --previous last.csv > risk.md\n"
    "  csm-risk --fail-on-new critical --previous last.csv this.csv >/dev/null\n";

enum {
	OPT_PREVIOUS = CSM_OPT_SIGRUN,
	OPT_FAIL_ON,
	OPT_FAIL_ON_NEW
};

enum change { C_NONE = -1, C_NEW, C_ESCALATED, C_IMPROVED, C_UNCHANGED };

static const char *const change_names[] = {"new", "escalated", "improved",
	"unchanged"};

/* An account of the previous output, by account_id. */
struct prev {
	size_t tier;
	size_t now;		/* its best tier now, ntier+1: not seen */
	char *name;		/* account_name there, or NULL */
};

struct ctx {
	/* the signals, the rows or the weekly report, the coverage */
	struct csm_sigrun r;
	size_t fail_on;		/* ntier + 1: no --fail-on */
	size_t fail_new;	/* ntier + 1: no --fail-on-new */
	int failed;
	long c_id;
	struct csm_buf tmp;
	/* --previous */
	struct csm_map prev;
	int has_prev;
	int first_run;		/* the previous file is missing or empty */
};

static void
usage(FILE *fp, int status)
{
	csm_usage(fp, status, usage_text, help_text);
}

/* ---- --previous ------------------------------------------------------- */

static void
free_prev(void *p)
{
	struct prev *pv = p;

	free(pv->name);
	free(pv);
}

/*
 * The lowest tier of the previous output that this run needs: the
 * report, the tiers it lists and those --fail-on-new alerts on (an account
 * below them that is now at risk is new to the list, or alerts, whatever
 * its tier was); risk_change, every tier but none.  An account at none is
 * as one absent.
 */
static size_t
prev_needed(const struct ctx *c)
{
	size_t k = c->r.sig.ntier - 1;

	if (c->r.report) {
		k = c->r.rep.listed;
		if (c->fail_new < c->r.sig.ntier && c->fail_new > k)
			k = c->fail_new;
		if (k > c->r.sig.ntier - 1)
			k = c->r.sig.ntier - 1;
	}
	return k;
}

/*
 * Reads an earlier csm-risk output: account_id -> its tier, for the
 * accounts at the tiers the run needs (prev_needed), with their names
 * when the report may list them as resolved.  An account listed more
 * than once counts at its highest tier.  A header and no rows is a first
 * run too: every account is new.
 */
static void
load_previous(struct ctx *c, char *path)
{
	struct csm_tbl_opts opts = {0, CSM_RAGGED_ERROR};
	struct csm_tbl pt;
	struct csm_cols pc;
	size_t cid, ctier, k, keep;
	long cname, ti;
	int isnew;
	size_t nrows = 0;

	c->has_prev = 1;
	keep = prev_needed(c);
	if (!csm_prev_there(path)) {
		c->first_run = 1;
		return;
	}
	csm_tbl_open(&pt, &path, 1, &opts);
	csm_cols_init(&pc, &pt, c->r.cfg->columns);
	cid = csm_cols_need(&pc, "account_id", "--previous");
	ctier = csm_cols_need(&pc, "risk_tier", "--previous");
	cname = csm_cols_find(&pc, "account_name");
	while (csm_tbl_next(&pt)) {
		const char *id = pt.f[cid], *tn = pt.f[ctier];
		size_t idn = pt.flen[cid], tnn = pt.flen[ctier];
		struct prev *pv;

		nrows++;
		csm_trim(&id, &idn);
		csm_trim(&tn, &tnn);
		if (tnn == 0)
			ti = (long)c->r.sig.ntier;
		else {
			csm_buf_reset(&c->tmp);
			csm_buf_add(&c->tmp, tn, tnn);
			ti = csm_signals_tier_find(&c->r.sig, c->tmp.s);
		}
		if (ti < 0) {
			csm_buf_reset(&c->tmp);
			csm_signals_tier_list(&c->r.sig, &c->tmp);
			csm_die_at(EX_DATAERR, pt.file, pt.line, "column "
			    "'risk_tier': \"%s\" is not a tier (%s)",
			    csm_q(tn, tnn), c->tmp.s);
		}
		if ((size_t)ti > keep)
			continue;
		k = csm_map_put(&c->prev, id, idn, &isnew);
		if (isnew) {
			pv = csm_xcalloc(1, sizeof(*pv));
			pv->tier = (size_t)ti;
			pv->now = c->r.sig.ntier + 1;
			if (c->r.report && (size_t)ti <= c->r.rep.listed &&
			    cname >= 0 && pt.flen[cname] > 0)
				pv->name = csm_xstrndup(pt.f[cname],
				    pt.flen[cname]);
			c->prev.ent[k].val = pv;
		} else {
			pv = c->prev.ent[k].val;
			if ((size_t)ti < pv->tier)
				pv->tier = (size_t)ti;
			if (c->r.report && pv->name == NULL && (size_t)ti <=
			    c->r.rep.listed && cname >= 0 && pt.flen[cname] > 0)
				pv->name = csm_xstrndup(pt.f[cname],
				    pt.flen[cname]);
		}
	}
	if (nrows == 0) {
		csm_warn("--previous '%s' has no rows: every account is new",
		    path);
		c->first_run = 1;
	}
	csm_cols_release(&pc);
	csm_tbl_close(&pt);
}

/*
 * risk_change of the current row, and its tier in the previous output
 * (*was, ntier when absent); the account is marked as seen.
 */
static int
change_of(struct ctx *c, size_t tier, size_t *was)
{
	const char *id;
	size_t idn, none = c->r.sig.ntier;
	long k;

	*was = none;
	if (c->c_id >= 0) {
		id = c->r.t->f[c->c_id];
		idn = c->r.t->flen[c->c_id];
		csm_trim(&id, &idn);
		k = csm_map_find(&c->prev, id, idn);
		if (k >= 0) {
			struct prev *pv = c->prev.ent[k].val;

			*was = pv->tier;
			if (tier < pv->now)
				pv->now = tier;
		}
	}
	if (tier == *was)
		return C_UNCHANGED;
	if (*was == none)
		return C_NEW;
	return tier < *was ? C_ESCALATED : C_IMPROVED;
}

/*
 * The accounts the previous report listed that it lists no more: at a
 * tier now below the listed ones, or gone from the input.
 */
static void
report_resolved(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->prev.n; i++) {
		const struct prev *pv = c->prev.ent[i].val;

		if (pv->tier > c->r.rep.listed || pv->tier >= c->r.sig.ntier ||
		    pv->now <= c->r.rep.listed)
			continue;
		csm_tierrep_resolved(&c->r.rep, c->prev.ent[i].key,
		    c->prev.ent[i].klen, pv->name, pv->name ?
		    strlen(pv->name) : 0, pv->tier, pv->now);
	}
}

/* ---- one row ---------------------------------------------------------- */

/* The change at the report's tiers: new to the list, or within it. */
static int
report_change(const struct ctx *c, size_t tier, size_t was)
{
	if (!c->has_prev || tier >= c->r.sig.ntier)
		return CSM_CHG_NONE;
	if (was > c->r.rep.listed || was >= c->r.sig.ntier)
		return CSM_CHG_NEW;
	if (tier < was)
		return CSM_CHG_ESCALATED;
	return tier > was ? CSM_CHG_IMPROVED : CSM_CHG_UNCHANGED;
}

/* Assesses the current record and writes, holds or reports it. */
static void
risk_row(struct ctx *c, struct csm_eval *ev)
{
	const char *extra[2] = {NULL, NULL};
	size_t tier, was = c->r.sig.ntier;
	int change = C_NONE;

	csm_sigrun_assess(&c->r, ev);
	tier = c->r.a.tier;
	if (c->has_prev) {
		change = change_of(c, tier, &was);
		extra[0] = change_names[change];
	}
	if (c->fail_on <= c->r.sig.ntier && tier <= c->fail_on)
		c->failed = 1;
	if (c->fail_new <= c->r.sig.ntier && tier <= c->fail_new &&
	    (change == C_NEW || change == C_ESCALATED))
		c->failed = 1;
	csm_sigrun_put(&c->r, ev, extra, report_change(c, tier, was), was);
}

/* ---- main ------------------------------------------------------------- */

/*
 * The columns this run uses, for the checks and --columns: the signals'
 * conditions and reasons, and what the output reads besides.
 */
static void
register_columns(const struct ctx *c, struct csm_colreg *reg)
{
	if (c->has_prev)
		csm_colreg_add(reg, "account_id", 1, "--previous", NULL);
	csm_sigrun_columns(&c->r, reg);
}

/* Frees what the run's context holds (any part may be unset). */
static void
free_ctx(struct ctx *c)
{
	csm_map_release(&c->prev, free_prev);
	csm_buf_release(&c->tmp);
	csm_sigrun_release(&c->r);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CSM_CLI_LONGOPTS,
		CSM_SIGRUN_LONGOPTS,
		{"previous", 1, NULL, OPT_PREVIOUS},
		{"fail-on", 1, NULL, OPT_FAIL_ON},
		{"fail-on-new", 1, NULL, OPT_FAIL_ON_NEW},
		{NULL, 0, NULL, 0}
	};
	static const char *const change_col[] = {"risk_change", NULL};
	struct csm_cli cli;
	struct csm_cfg cfg;
	struct csm_tbl t;
	struct csm_cols cols;
	struct csm_colreg reg;
	struct csm_eval ev;
	struct csm_out o;
	struct ctx c;
	const char *fail_on = NULL, *fail_new = NULL;
	char *previous = NULL;
	int ch;

	csm_cli_progname(argv);
	csm_cli_init(&cli);
	memset(&c, 0, sizeof(c));
	csm_sigrun_init(&c.r);
	while ((ch = getopt_long(argc, argv, CSM_CLI_SHORTOPTS
	    CSM_SIGRUN_SHORTOPTS, longopts, NULL)) != -1) {
		if (csm_cli_opt(&cli, ch, optarg) ||
		    csm_sigrun_opt(&c.r, usage_text, ch, optarg))
			continue;
		switch (ch) {
		case OPT_PREVIOUS:
			previous = optarg;
			break;
		case OPT_FAIL_ON:
			fail_on = optarg;
			break;
		case OPT_FAIL_ON_NEW:
			fail_new = optarg;
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	csm_cli_done(&cli, usage_text, help_text);
	if (fail_new != NULL && previous == NULL)
		csm_usage_error(usage_text, "--fail-on-new needs --previous: "
		    "new and escalated are since the previous output");
	csm_sigrun_done(&c.r, usage_text);

	csm_cli_config(&cli, &cfg);
	csm_sigrun_load(&c.r, usage_text, &cli, &cfg, "risk",
	    CSM_TIERREP_RISK, "at_risk", "high");
	c.fail_on = fail_on ? csm_signals_tier_arg(&c.r.sig, usage_text,
	    "--fail-on", fail_on) : c.r.sig.ntier + 1;
	c.fail_new = fail_new ? csm_signals_tier_arg(&c.r.sig, usage_text,
	    "--fail-on-new", fail_new) : c.r.sig.ntier + 1;
	csm_buf_init(&c.tmp);
	csm_map_init(&c.prev);
	c.has_prev = previous != NULL;
	if (previous != NULL && !cli.columns)
		load_previous(&c, previous);
	c.r.rep.changes = c.has_prev;
	c.r.rep.first_run = c.first_run;

	csm_tbl_open(&t, argv, (size_t)argc, &cli.tbl);
	csm_cols_init(&cols, &t, cfg.columns);
	csm_colreg_init(&reg, &cols);
	register_columns(&c, &reg);
	if (cli.columns) {
		csm_cli_columns(&reg, t.delim);
		csm_colreg_release(&reg);
		free_ctx(&c);
		csm_cols_release(&cols);
		csm_tbl_close(&t);
		csm_cfg_release(&cfg);
		return EX_OK;
	}
	csm_colreg_check(&reg);
	csm_out_init(&o, 1, "<stdout>", ',');
	csm_signals_bind(&c.r.sig, &cols);
	if (c.has_prev)
		csm_cols_need(&cols, "account_id", "--previous");
	if (!cli.quiet)
		csm_colreg_warn(&reg);
	c.c_id = c.has_prev ? csm_cols_find(&cols, "account_id") : -1;
	csm_sigrun_start(&c.r, &t, &cols, "risk", c.has_prev ? change_col :
	    NULL, &o);

	csm_eval_init(&ev);
	ev.rec = &t;
	ev.cols = &cols;
	ev.today = cli.today;
	ev.date_format = cfg.date_format;
	ev.badval = cfg.badval;
	csm_tbl_readahead(&t);		/* parsing on a thread of its own */
	while (csm_tbl_next(&t))
		risk_row(&c, &ev);

	if (c.r.report)
		report_resolved(&c);
	csm_sigrun_finish(&c.r, &o, cli.quiet);
	csm_out_close(&o);
	csm_eval_release(&ev);
	csm_colreg_release(&reg);
	free_ctx(&c);
	csm_cols_release(&cols);
	csm_tbl_close(&t);
	csm_cfg_release(&cfg);
	return c.failed ? 1 : EX_OK;
}

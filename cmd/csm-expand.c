/*
 * csm-expand: flag expansion potential on every row, say why, and write
 * the expansion report per owner; csm-risk's counterpart for growth.
 *
 * The config's expansion: section has the form of risk:, and the same
 * signal engine (common/signal.c) reads it: each signal a condition on
 * the row worth points (negative ones hold an account back), patterns
 * that add points and raise the tier, tiers highest first.  Every row
 * comes out with expansion_score (0-100), expansion_tier,
 * expansion_signals and expansion_reasons appended (common/sigrows.c),
 * streamed, or held for --sort.  -f md or html writes the report
 * (common/tierrep.c): the accounts at expansion.report.opportunity or
 * above, per owner, with the ARR each could add where the data allows
 * (expansion.report.value), holding only what it prints.  At the end, a
 * summary on stderr names the signals whose condition was missing and
 * how often (-q: not).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

static const char usage_text[] =
    "usage: csm-expand [-hqtV] [-c config] [-d delim]\n"
    "                  [-f csv|tsv|md|html|json|jsonl] [--as-of date]\n"
    "                  [--min-tier tier] [--sort] [--top n]\n"
    "                  [--ragged error|pad|skip] [--columns] [--dump-config]\n"
    "                  [file ...]\n";

static const char help_text[] =
    "Append expansion_score, expansion_tier, expansion_signals and\n"
    "expansion_reasons to every row of a CSV or TSV, or write the expansion\n"
    "report per owner.\n"
    "\n"
    "  -c, --config FILE     config file (default: $CSM_CONFIG, else built in)\n"
    "  -d, --delimiter C     input delimiter (default: detected; 'tab' for TSV)\n"
    "  -t, --tsv             input is TSV\n"
    "  -f, --format F        csv, tsv, md or html (the report: HTML as an\n"
    "                        email), json or jsonl (JSON Lines; default: the\n"
    "                        input's delimiter)\n"
    "      --min-tier T      only rows at tier T or above (the report: the\n"
    "                        tiers it lists; default\n"
    "                        expansion.report.opportunity, medium)\n"
    "      --sort            best first: tier, then ARR, then score\n"
    "      --top N           the report: at most N accounts per owner\n"
    "      --as-of DATE      today's date for days_since/days_until (YYYY-MM-DD)\n"
    CSM_CLI_HELP_SHARED
    "\n"
    "Files are read in order as one table ('-' or none: standard input).\n"
    "Exit status: 0 ok, 64 usage, 65 data error, 66 cannot open input,\n"
    "74 I/O error, 78 config error.\n"
    "See csm-expand(1) and csm.yaml(5).\n"
    "\n"
    "Examples:\n"
    "  csm-score accounts.csv | csm-expand -f md > growth.md\n"
    "  csm-score accounts.csv | csm-expand --min-tier high --sort\n";

enum {
	OPT_MIN_TIER = CSM_OPT_TOOL,
	OPT_SORT,
	OPT_TOP
};

enum format { F_DELIM, F_CSV, F_TSV, F_MD, F_HTML, F_JSON, F_JSONL };

struct ctx {
	struct csm_signals sig;
	const struct csm_tbl *t;
	const struct csm_cols *cols;
	const struct csm_cfg *cfg;
	int format;
	int report;		/* -f md or html */
	int sort;
	size_t min_tier;
	long c_arr;
	struct csm_assessment a;
	struct csm_sigrows rows;
	struct csm_tierrep rep;
	struct csm_cover cover;
};

static void
usage(FILE *fp, int status)
{
	csm_usage(fp, status, usage_text, help_text);
}

/* Assesses the current record and writes, holds or reports it. */
static void
expand_row(struct ctx *c, struct csm_eval *ev)
{
	int has_arr = 0;
	int64_t arr = 0;

	c->cover.rows++;
	csm_signals_assess(&c->sig, ev, &c->cover, &c->a);
	/* ARR, for sorting and the report: never below 0 nor past 10^15 */
	if (c->c_arr >= 0)
		has_arr = csm_cell_cents(c->t, c->cols, (size_t)c->c_arr,
		    c->cfg->badval, 1, &arr) == CSM_OK;
	if (c->report)
		csm_tierrep_row(&c->rep, ev, &c->a, has_arr ? &arr : NULL,
		    CSM_CHG_NONE, c->sig.ntier);
	else if (c->a.tier <= c->min_tier)
		csm_sigrows_add(&c->rows, c->t, &c->sig, &c->a, NULL, has_arr,
		    arr);
}

static void
setup(struct ctx *c)
{
	static const int rows_fmt[] = {CSM_ROWS_CSV, CSM_ROWS_CSV,
		CSM_ROWS_TSV, CSM_ROWS_MD, CSM_ROWS_MD, CSM_ROWS_JSON,
		CSM_ROWS_JSONL};

	csm_sigrows_init(&c->rows, c->cols, &c->sig, "expansion", NULL,
	    rows_fmt[c->format], c->sort);
	csm_assessment_init(&c->a, &c->sig);
	c->c_arr = c->report || c->sort ? csm_cols_find(c->cols, "arr") : -1;
	if (c->report)
		csm_tierrep_bind(&c->rep, c->cols);
}

/* The columns this run uses, for the checks and --columns. */
static void
register_columns(const struct ctx *c, struct csm_colreg *reg)
{
	if (c->report)
		csm_tierrep_columns(&c->rep, reg);
	if (c->sort)
		csm_colreg_add(reg, "arr", 0, "--sort",
		    "--sort orders by tier and score only");
	csm_signals_columns(&c->sig, reg);
}

/* Frees what the run's context holds (any part may be unset). */
static void
free_ctx(struct ctx *c)
{
	csm_sigrows_release(&c->rows);
	csm_assessment_release(&c->a);
	csm_cover_release(&c->cover);
	csm_tierrep_release(&c->rep);
	csm_signals_release(&c->sig);
}

static int
format_arg(const char *arg)
{
	static const char *const names[] = {"csv", "tsv", "md", "html",
		"json", "jsonl", NULL};
	static const int fmts[] = {F_CSV, F_TSV, F_MD, F_HTML, F_JSON,
		F_JSONL};

	return fmts[csm_cli_format(usage_text, arg, names)];
}

/* --top N: a whole number from 1. */
static size_t
top_arg(const char *arg)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (end == arg || *end != '\0' || errno != 0 || n < 1)
		csm_usage_error(usage_text, "--top: '%s' is not a whole number "
		    "of 1 or more", arg);
	return (size_t)n;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CSM_CLI_LONGOPTS,
		{"format", 1, NULL, 'f'},
		{"min-tier", 1, NULL, OPT_MIN_TIER},
		{"sort", 0, NULL, OPT_SORT},
		{"top", 1, NULL, OPT_TOP},
		{NULL, 0, NULL, 0}
	};
	struct csm_cli cli;
	struct csm_cfg cfg;
	struct csm_tbl t;
	struct csm_cols cols;
	struct csm_colreg reg;
	struct csm_eval ev;
	struct csm_out o;
	struct ctx c;
	const char *min_tier = NULL;
	size_t top = 0;
	int ch;

	csm_cli_progname(argv);
	csm_cli_init(&cli);
	memset(&c, 0, sizeof(c));
	c.format = F_DELIM;
	while ((ch = getopt_long(argc, argv, CSM_CLI_SHORTOPTS "f:", longopts,
	    NULL)) != -1) {
		if (csm_cli_opt(&cli, ch, optarg))
			continue;
		switch (ch) {
		case 'f':
			c.format = format_arg(optarg);
			break;
		case OPT_MIN_TIER:
			min_tier = optarg;
			break;
		case OPT_SORT:
			c.sort = 1;
			break;
		case OPT_TOP:
			top = top_arg(optarg);
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	csm_cli_done(&cli, usage_text, help_text);
	c.report = c.format == F_MD || c.format == F_HTML;
	if (top > 0 && !c.report)
		csm_usage_error(usage_text, "--top limits the report's lists: "
		    "it goes with -f md or -f html");

	csm_cli_config(&cli, &cfg);
	csm_signals_load(&c.sig, &cfg, "expansion");
	csm_signals_cover(&c.sig, &c.cover);
	c.cfg = &cfg;
	c.min_tier = min_tier ? csm_signals_tier_arg(&c.sig, usage_text,
	    "--min-tier", min_tier) : c.sig.ntier;
	csm_tierrep_init(&c.rep, &c.sig, c.format == F_HTML ?
	    CSM_TIERREP_HTML : CSM_TIERREP_MD, CSM_TIERREP_GROWTH);
	csm_tierrep_config(&c.rep, &cfg, "expansion", "opportunity",
	    "medium");
	if (min_tier != NULL)
		c.rep.listed = c.min_tier;
	c.rep.top = top;
	c.rep.today = cli.today;
	c.rep.date_format = cfg.date_format;

	csm_tbl_open(&t, argv, (size_t)argc, &cli.tbl);
	csm_cols_init(&cols, &t, cfg.columns);
	c.t = &t;
	c.cols = &cols;
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
	csm_signals_bind(&c.sig, &cols);
	if (!cli.quiet)
		csm_colreg_warn(&reg);
	setup(&c);
	o.delim = c.format == F_CSV ? ',' : c.format == F_TSV ? '\t' :
	    t.delim;
	if (!c.report)
		csm_sigrows_head(&c.rows, &o);

	csm_eval_init(&ev);
	ev.rec = &t;
	ev.cols = &cols;
	ev.today = cli.today;
	ev.date_format = cfg.date_format;
	ev.badval = cfg.badval;
	csm_tbl_readahead(&t);		/* parsing on a thread of its own */
	while (csm_tbl_next(&t))
		expand_row(&c, &ev);

	if (c.report)
		csm_tierrep_write(&c.rep, &o);
	else
		csm_sigrows_finish(&c.rows);

	/* before the output ends, so that a tool reading it reports after */
	if (!cli.quiet)
		csm_cover_report(&c.cover, NULL);
	csm_out_close(&o);
	csm_eval_release(&ev);
	csm_colreg_release(&reg);
	free_ctx(&c);
	csm_cols_release(&cols);
	csm_tbl_close(&t);
	csm_cfg_release(&cfg);
	return EX_OK;
}

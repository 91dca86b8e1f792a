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
 * how often (-q: not).  What the two tools share around the engine, the
 * options -f, --min-tier, --sort and --top included, is common/sigrun.c.
 */
#include <getopt.h>
#include <stdio.h>

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

static void
usage(FILE *fp, int status)
{
	csm_usage(fp, status, usage_text, help_text);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CSM_CLI_LONGOPTS,
		CSM_SIGRUN_LONGOPTS,
		{NULL, 0, NULL, 0}
	};
	struct csm_cli cli;
	struct csm_cfg cfg;
	struct csm_tbl t;
	struct csm_cols cols;
	struct csm_colreg reg;
	struct csm_eval ev;
	struct csm_out o;
	struct csm_sigrun r;
	int ch;

	csm_cli_progname(argv);
	csm_cli_init(&cli);
	csm_sigrun_init(&r);
	while ((ch = getopt_long(argc, argv, CSM_CLI_SHORTOPTS
	    CSM_SIGRUN_SHORTOPTS, longopts, NULL)) != -1) {
		if (!csm_cli_opt(&cli, ch, optarg) &&
		    !csm_sigrun_opt(&r, usage_text, ch, optarg))
			usage(stderr, EX_USAGE);
	}
	argc -= optind;
	argv += optind;
	csm_cli_done(&cli, usage_text, help_text);
	csm_sigrun_done(&r, usage_text);

	csm_cli_config(&cli, &cfg);
	csm_sigrun_load(&r, usage_text, &cli, &cfg, "expansion",
	    CSM_TIERREP_GROWTH, "opportunity", "medium");

	csm_tbl_open(&t, argv, (size_t)argc, &cli.tbl);
	csm_cols_init(&cols, &t, cfg.columns);
	csm_colreg_init(&reg, &cols);
	csm_sigrun_columns(&r, &reg);
	if (cli.columns) {
		csm_cli_columns(&reg, t.delim);
		csm_colreg_release(&reg);
		csm_sigrun_release(&r);
		csm_cols_release(&cols);
		csm_tbl_close(&t);
		csm_cfg_release(&cfg);
		return EX_OK;
	}
	csm_colreg_check(&reg);
	csm_out_init(&o, 1, "<stdout>", ',');
	csm_signals_bind(&r.sig, &cols);
	if (!cli.quiet)
		csm_colreg_warn(&reg);
	csm_sigrun_start(&r, &t, &cols, "expansion", NULL, &o);

	csm_eval_init(&ev);
	ev.rec = &t;
	ev.cols = &cols;
	ev.today = cli.today;
	ev.date_format = cfg.date_format;
	ev.badval = cfg.badval;
	csm_tbl_readahead(&t);		/* parsing on a thread of its own */
	while (csm_tbl_next(&t)) {
		csm_sigrun_assess(&r, &ev);
		csm_sigrun_put(&r, &ev, NULL, CSM_CHG_NONE, r.sig.ntier);
	}

	csm_sigrun_finish(&r, &o, cli.quiet);
	csm_out_close(&o);
	csm_eval_release(&ev);
	csm_colreg_release(&reg);
	csm_sigrun_release(&r);
	csm_cols_release(&cols);
	csm_tbl_close(&t);
	csm_cfg_release(&cfg);
	return EX_OK;
}

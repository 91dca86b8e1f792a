/*
 * sigrun.c: a run of a signal filter, what csm-risk and csm-expand share
 * around the signal engine: the options -f, --min-tier, --sort and --top,
 * loading the section and the report's config, the columns the run reads,
 * the output's setup, the assessment of each row with its ARR, where the
 * row goes (written, held or reported) and the end of the output.  The
 * tool adds its own columns and options (csm-risk's --previous).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

void
csm_sigrun_init(struct csm_sigrun *r)
{
	memset(r, 0, sizeof(*r));
	r->format = CSM_SIGRUN_DELIM;
}

/* -f: a format word, as enum csm_sigrun_fmt. */
static int
format_arg(const char *usage, const char *arg)
{
	static const char *const names[] = {"csv", "tsv", "md", "html",
		"json", "jsonl", NULL};
	static const int fmts[] = {CSM_SIGRUN_CSV, CSM_SIGRUN_TSV,
		CSM_SIGRUN_MD, CSM_SIGRUN_HTML, CSM_SIGRUN_JSON,
		CSM_SIGRUN_JSONL};

	return fmts[csm_cli_format(usage, arg, names)];
}

/* --top N: a whole number from 1. */
static size_t
top_arg(const char *usage, const char *arg)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (end == arg || *end != '\0' || errno != 0 || n < 1)
		csm_usage_error(usage, "--top: '%s' is not a whole number "
		    "of 1 or more", csm_q(arg, strlen(arg)));
	return (size_t)n;
}

int
csm_sigrun_opt(struct csm_sigrun *r, const char *usage, int ch,
    const char *arg)
{
	switch (ch) {
	case 'f':
		r->format = format_arg(usage, arg);
		return 1;
	case CSM_OPT_MIN_TIER:
		r->min_tier_arg = arg;
		return 1;
	case CSM_OPT_SORT:
		r->sort = 1;
		return 1;
	case CSM_OPT_TOP:
		r->top = top_arg(usage, arg);
		return 1;
	default:
		return 0;
	}
}

void
csm_sigrun_done(struct csm_sigrun *r, const char *usage)
{
	r->report = r->format == CSM_SIGRUN_MD ||
	    r->format == CSM_SIGRUN_HTML;
	if (r->top > 0 && !r->report)
		csm_usage_error(usage, "--top limits the report's lists: "
		    "it goes with -f md or -f html");
}

void
csm_sigrun_load(struct csm_sigrun *r, const char *usage,
    const struct csm_cli *cli, const struct csm_cfg *cfg,
    const char *section, int kind, const char *listed, const char *dflt)
{
	csm_signals_load(&r->sig, cfg, section);
	csm_signals_cover(&r->sig, &r->cover);
	r->cfg = cfg;
	r->min_tier = r->min_tier_arg ? csm_signals_tier_arg(&r->sig, usage,
	    "--min-tier", r->min_tier_arg) : r->sig.ntier;
	csm_tierrep_init(&r->rep, &r->sig, r->format == CSM_SIGRUN_HTML ?
	    CSM_TIERREP_HTML : CSM_TIERREP_MD, kind);
	csm_tierrep_config(&r->rep, cfg, section, listed, dflt);
	if (r->min_tier_arg != NULL)
		r->rep.listed = r->min_tier;
	r->rep.top = r->top;
	r->rep.today = cli->today;
	r->rep.date_format = cfg->date_format;
}

void
csm_sigrun_columns(const struct csm_sigrun *r, struct csm_colreg *reg)
{
	if (r->report)
		csm_tierrep_columns(&r->rep, reg);
	if (r->sort)
		csm_colreg_add(reg, "arr", 0, "--sort",
		    "--sort orders by tier and score only");
	csm_signals_columns(&r->sig, reg);
}

void
csm_sigrun_start(struct csm_sigrun *r, const struct csm_tbl *t,
    const struct csm_cols *cols, const char *prefix,
    const char *const *extra, struct csm_out *o)
{
	static const int rows_fmt[] = {CSM_ROWS_CSV, CSM_ROWS_CSV,
		CSM_ROWS_TSV, CSM_ROWS_MD, CSM_ROWS_MD, CSM_ROWS_JSON,
		CSM_ROWS_JSONL};

	r->t = t;
	r->cols = cols;
	csm_sigrows_init(&r->rows, cols, &r->sig, prefix, extra,
	    rows_fmt[r->format], r->sort);
	csm_assessment_init(&r->a, &r->sig);
	r->c_arr = r->report || r->sort ? csm_cols_find(cols, "arr") : -1;
	if (r->report)
		csm_tierrep_bind(&r->rep, cols);
	o->delim = r->format == CSM_SIGRUN_CSV ? ',' :
	    r->format == CSM_SIGRUN_TSV ? '\t' : t->delim;
	if (!r->report)
		csm_sigrows_head(&r->rows, o);
}

void
csm_sigrun_assess(struct csm_sigrun *r, struct csm_eval *ev)
{
	r->cover.rows++;
	csm_signals_assess(&r->sig, ev, &r->cover, &r->a);
	/* ARR, for sorting and the report: never below 0 nor past 10^15 */
	r->arr = 0;
	r->has_arr = r->c_arr >= 0 && csm_cell_cents(r->t, r->cols,
	    (size_t)r->c_arr, r->cfg->badval, 1, &r->arr) == CSM_OK;
}

void
csm_sigrun_put(struct csm_sigrun *r, struct csm_eval *ev,
    const char *const *extra, int change, size_t was)
{
	if (r->report)
		csm_tierrep_row(&r->rep, ev, &r->a, r->has_arr ? &r->arr :
		    NULL, change, was);
	else if (r->a.tier <= r->min_tier)
		csm_sigrows_add(&r->rows, r->t, &r->sig, &r->a, extra,
		    r->has_arr, r->arr);
}

void
csm_sigrun_finish(struct csm_sigrun *r, struct csm_out *o, int quiet)
{
	if (r->report)
		csm_tierrep_write(&r->rep, o);
	else
		csm_sigrows_finish(&r->rows);
	/* before the output ends, so that a tool reading it reports after */
	if (!quiet)
		csm_cover_report(&r->cover, NULL);
}

void
csm_sigrun_release(struct csm_sigrun *r)
{
	csm_sigrows_release(&r->rows);
	csm_assessment_release(&r->a);
	csm_cover_release(&r->cover);
	csm_tierrep_release(&r->rep);
	csm_signals_release(&r->sig);
}

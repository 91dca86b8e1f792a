/*
 * csm-score: append a composite customer health score to every row.
 *
 * Each component of the config's score: section evaluates an expression
 * on the row and maps the value to a sub-score from 0 to 100 (points:
 * linear between pairs, steps: the last step reached, map: by text, or the
 * value itself clamped).  health_score is the weighted mean of the
 * sub-scores, the missing ones handled by score.missing; health_band is
 * the first band whose min the rounded score reaches, or unscored when the
 * present components weigh less than score.min_weight.  --explain adds one
 * health_<component> column per component and health_missing.  At the
 * end, a summary on stderr says what was missing (-q: not).
 *
 * The data flows one way: read a record, score it, write it.  Memory does
 * not grow with the number of rows: coverage is counters per component.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

static const char usage_text[] =
    "usage: csm-score [-hqtV] [-c config] [-d delim] [--as-of date] "
    "[--explain]\n"
    "                 [--ragged error|pad|skip] [--columns] [--dump-config]\n"
    "                 [file ...]\n";

static const char help_text[] =
    "Append health_score and health_band to every row of a CSV or TSV.\n"
    "\n"
    "  -c, --config FILE     config file (default: $CSM_CONFIG, else built in)\n"
    "  -d, --delimiter C     input delimiter (default: detected; 'tab' for TSV)\n"
    "  -t, --tsv             input is TSV\n"
    "      --explain         also append health_<component> and health_missing\n"
    "      --as-of DATE      today's date for days_since/days_until (YYYY-MM-DD)\n"
    CSM_CLI_HELP_SHARED
    "\n"
    "Files are read in order as one table ('-' or none: standard input).\n"
    "Exit status: 0 ok, 64 usage, 65 data error, 66 cannot open input,\n"
    "74 I/O error, 78 config error.  See csm-score(1) and csm.yaml(5).\n";

enum { OPT_EXPLAIN = CSM_OPT_TOOL };

/* Output columns: where each appended value goes. */
struct layout {
	struct csm_outhdr hdr;	/* the output header */
	size_t nout;		/* fields per output record */
	long score, band, missing;	/* output index of each */
	long *at_sub;		/* output index of health_<component> */
	double *sub;		/* the row's sub-scores */
	unsigned char *present;	/* which of them it has */
	char **f;		/* the output record, pointers */
	size_t *flen;
	char (*text)[64];	/* storage for the computed fields */
	char *missing_text;
	size_t missing_cap;
};

static void
usage(FILE *fp, int status)
{
	csm_usage(fp, status, usage_text, help_text);
}

static void
setup(struct layout *ly, const struct csm_score *sc,
    const struct csm_cols *cols, int explain, struct csm_out *o)
{
	struct csm_buf name;
	size_t i;

	memset(ly, 0, sizeof(*ly));
	csm_outhdr_init(&ly->hdr, cols);
	ly->score = (long)csm_outhdr_place(&ly->hdr, "health_score");
	ly->band = (long)csm_outhdr_place(&ly->hdr, "health_band");
	ly->missing = -1;
	if (explain) {
		ly->at_sub = csm_xcalloc(sc->ncomp, sizeof(*ly->at_sub));
		csm_buf_init(&name);
		for (i = 0; i < sc->ncomp; i++) {
			csm_buf_reset(&name);
			csm_buf_printf(&name, "health_%s", sc->comp[i].name);
			ly->at_sub[i] = (long)csm_outhdr_place(&ly->hdr,
			    name.s);
		}
		csm_buf_release(&name);
		ly->missing = (long)csm_outhdr_place(&ly->hdr,
		    "health_missing");
	}
	ly->sub = csm_xcalloc(sc->ncomp + 1, sizeof(*ly->sub));
	ly->present = csm_xcalloc(sc->ncomp + 1, sizeof(*ly->present));
	ly->nout = ly->hdr.n;
	ly->f = csm_xcalloc(ly->nout, sizeof(*ly->f));
	ly->flen = csm_xcalloc(ly->nout, sizeof(*ly->flen));
	ly->text = csm_xcalloc(sc->ncomp + 2, sizeof(*ly->text));
	csm_outhdr_write(&ly->hdr, o);
}

static void
free_layout(struct layout *ly)
{
	csm_outhdr_release(&ly->hdr);
	free(ly->at_sub);
	free(ly->sub);
	free(ly->present);
	free(ly->f);
	free(ly->flen);
	free(ly->text);
	free(ly->missing_text);
}

static void
set_field(struct layout *ly, long at, char *s, size_t n)
{
	ly->f[at] = s;
	ly->flen[at] = n;
}

static void
add_missing(struct layout *ly, size_t *len, const char *name)
{
	size_t n = strlen(name);

	if (*len + n + 2 > ly->missing_cap) {
		ly->missing_cap = (*len + n + 2) * 2;
		ly->missing_text = csm_xreallocarray(ly->missing_text,
		    ly->missing_cap, 1);
	}
	if (*len > 0)
		ly->missing_text[(*len)++] = ';';
	memcpy(ly->missing_text + *len, name, n);
	*len += n;
	ly->missing_text[*len] = '\0';
}

/* score.missing fail: a missing component ends the run. */
static void
missing_fail(const struct csm_tbl *t, const struct csm_component *c,
    const struct csm_subscore *sub)
{
	if (sub->status == CSM_BAD)
		csm_die_at(EX_DATAERR, t->file, t->line, "component '%s': "
		    "its map has no entry for \"%s\" and score.missing is "
		    "fail", c->name, csm_q(sub->text, sub->len));
	csm_die_at(EX_DATAERR, t->file, t->line, "component '%s' is "
	    "missing (its value '%s' is missing) and score.missing is fail",
	    c->name, csm_q(c->value_node->str, c->value_node->len));
}

/* Scores the current record and writes it. */
static void
score_row(const struct csm_score *sc, struct layout *ly, struct csm_eval *ev,
    struct csm_cover *cv, struct csm_out *o)
{
	const struct csm_tbl *t = ev->rec;
	struct csm_subscore sub;
	double score;
	size_t i, mlen = 0;
	const char *band;
	char *scoretext = ly->text[sc->ncomp];

	cv->rows++;
	for (i = 0; i < t->ncols; i++)
		set_field(ly, (long)i, t->f[i], t->flen[i]);
	for (i = 0; i < sc->ncomp; i++) {
		const struct csm_component *c = &sc->comp[i];

		csm_score_component(sc, i, ev, &sub);
		ly->present[i] = sub.status == CSM_OK;
		ly->sub[i] = sub.score;
		if (!ly->present[i]) {
			if (sc->missing == 'f')
				missing_fail(t, c, &sub);
			cv->item[i].missing++;
			if (sub.status == CSM_BAD)
				csm_cover_unmatched(cv, i, sub.text, sub.len);
			if (ly->at_sub != NULL)
				set_field(ly, ly->at_sub[i], ly->text[i], 0);
			if (ly->missing >= 0)
				add_missing(ly, &mlen, c->name);
			continue;
		}
		if (ly->at_sub != NULL) {
			csm_fmt_num(sub.score, sc->precision, ly->text[i]);
			set_field(ly, ly->at_sub[i], ly->text[i],
			    strlen(ly->text[i]));
		}
	}
	if (csm_score_combine(sc, ly->sub, ly->present, &score)) {
		csm_fmt_num(score, sc->precision, scoretext);
		band = csm_score_band(sc, score);
	} else {
		csm_cover_unscored(cv, t->file, t->line);
		scoretext[0] = '\0';
		band = CSM_UNSCORED;
	}
	set_field(ly, ly->score, scoretext, strlen(scoretext));
	set_field(ly, ly->band, (char *)band, strlen(band));
	if (ly->missing >= 0)
		set_field(ly, ly->missing, ly->missing_text ?
		    ly->missing_text : scoretext + strlen(scoretext), mlen);
	csm_out_fields(o, ly->f, ly->flen, ly->nout);
	csm_out_endrec(o);
}

/* The columns the config uses, for the checks and --columns. */
static void
register_columns(struct csm_colreg *reg, const struct csm_score *sc)
{
	struct csm_buf who;
	size_t i;

	csm_buf_init(&who);
	for (i = 0; i < sc->ncomp; i++) {
		csm_buf_reset(&who);
		csm_buf_printf(&who, "component %s", sc->comp[i].name);
		csm_colreg_add_expr(reg, sc->comp[i].value, who.s);
	}
	csm_buf_release(&who);
}

/* Why a row is unscored, for the summary. */
static void
unscored_why(const struct csm_score *sc, char *out, size_t n)
{
	char w[64];
	size_t k;

	csm_fmt_num(sc->min_weight, 4, w);
	k = strlen(w);
	while (k > 1 && w[k - 1] == '0' && strchr(w, '.') != NULL)
		w[--k] = '\0';
	if (k > 0 && w[k - 1] == '.')
		w[--k] = '\0';
	snprintf(out, n, "the components present weigh less than "
	    "score.min_weight (%s of the total weight)", w);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CSM_CLI_LONGOPTS,
		{"explain", 0, NULL, OPT_EXPLAIN},
		{NULL, 0, NULL, 0}
	};
	struct csm_cli cli;
	struct csm_cfg cfg;
	struct csm_tbl t;
	struct csm_cols cols;
	struct csm_colreg reg;
	struct csm_eval ev;
	struct csm_out o;
	struct csm_score sc;
	struct csm_cover cv;
	struct layout ly;
	int ch, explain = 0;
	char why[160];
	size_t i;

	csm_setprogname(argv[0]);
	csm_cli_init(&cli);
	while ((ch = getopt_long(argc, argv, CSM_CLI_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (csm_cli_opt(&cli, ch, optarg))
			continue;
		switch (ch) {
		case OPT_EXPLAIN:
			explain = 1;
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	csm_cli_done(&cli, usage_text, help_text);

	csm_cli_config(&cli, &cfg);
	csm_score_load(&sc, &cfg);

	csm_tbl_open(&t, argv, (size_t)argc, &cli.tbl);
	csm_cols_init(&cols, &t, cfg.columns);
	csm_colreg_init(&reg, &cols);
	register_columns(&reg, &sc);
	if (cli.columns) {
		csm_cli_columns(&reg, t.delim);
		csm_colreg_release(&reg);
		csm_cols_release(&cols);
		csm_tbl_close(&t);
		csm_score_release(&sc);
		csm_cfg_release(&cfg);
		return EX_OK;
	}
	csm_colreg_check(&reg);
	csm_score_bind(&sc, &cols);
	if (!cli.quiet)
		csm_colreg_warn(&reg);
	csm_out_init(&o, 1, "<stdout>", t.delim);
	setup(&ly, &sc, &cols, explain, &o);
	csm_cover_init(&cv, sc.ncomp);
	for (i = 0; i < sc.ncomp; i++)
		csm_cover_name(&cv, i, "component", sc.comp[i].name);

	csm_eval_init(&ev);
	ev.rec = &t;
	ev.cols = &cols;
	ev.today = cli.today;
	ev.date_format = cfg.date_format;
	ev.badval = cfg.badval;
	while (csm_tbl_next(&t))
		score_row(&sc, &ly, &ev, &cv, &o);

	/* before the output ends, so that a tool reading it reports after */
	if (!cli.quiet) {
		unscored_why(&sc, why, sizeof(why));
		csm_cover_report(&cv, why);
	}
	csm_out_close(&o);
	csm_cover_release(&cv);
	csm_eval_release(&ev);
	free_layout(&ly);
	csm_colreg_release(&reg);
	csm_cols_release(&cols);
	csm_tbl_close(&t);
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
	return EX_OK;
}

/*
 * csm-score: append a composite customer health score to every row.
 *
 * Each component of the config's score: section evaluates an expression
 * on the row and maps the value to a sub-score from 0 to 100 (points:
 * linear between pairs, steps: the last step reached, map: by text, or the
 * value itself clamped).  health_score is the weighted mean of the
 * sub-scores, the missing ones handled by score.missing; health_band is
 * the first band whose min the rounded score reaches.  With a
 * score.calibration table, churn_probability follows.  --explain adds one
 * health_<component> column per component and health_missing.
 *
 * The data flows one way: read a record, score it, write it.  Memory does
 * not grow with the number of rows.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

static const char usage_text[] =
    "usage: csm-score [-htV] [-c config] [-d delim] [--as-of date] "
    "[--explain]\n"
    "                 [--ragged error|pad|skip] [--dump-config] [file ...]\n";

static const char help_text[] =
    "Append health_score and health_band to every row of a CSV or TSV\n"
    "(and churn_probability when the config has a score.calibration).\n"
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
	size_t nout;		/* fields per output record */
	long score, band, missing;	/* output index of each */
	long prob;		/* churn_probability, or -1 */
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

/*
 * The output index of an appended column: the input's own column when it
 * has one, else the next one after the input's, its name added to extra.
 */
static long
place(const struct csm_cols *cols, const char *name, char ***extra,
    size_t *nextra)
{
	long i = csm_cols_find(cols, name);

	if (i >= 0)
		return i;
	*extra = csm_xreallocarray(*extra, *nextra + 1, sizeof(**extra));
	(*extra)[*nextra] = csm_xstrdup(name);
	return (long)(cols->n + (*nextra)++);
}

static void
write_header(struct csm_out *o, const struct csm_tbl *t, char **extra,
    size_t nextra)
{
	size_t i;

	csm_out_fields(o, t->hdr, t->hdrlen, t->ncols);
	for (i = 0; i < nextra; i++)
		csm_out_field(o, extra[i], strlen(extra[i]));
	csm_out_endrec(o);
}

static void
setup(struct layout *ly, const struct csm_score *sc, const struct csm_tbl *t,
    const struct csm_cols *cols, int explain, struct csm_out *o)
{
	char **extra = NULL, name[256];
	size_t nextra = 0, i;

	memset(ly, 0, sizeof(*ly));
	ly->score = place(cols, "health_score", &extra, &nextra);
	ly->band = place(cols, "health_band", &extra, &nextra);
	ly->prob = sc->ncal > 0 ? place(cols, "churn_probability", &extra,
	    &nextra) : -1;
	ly->missing = -1;
	if (explain) {
		ly->at_sub = csm_xcalloc(sc->ncomp, sizeof(*ly->at_sub));
		for (i = 0; i < sc->ncomp; i++) {
			snprintf(name, sizeof(name), "health_%s",
			    sc->comp[i].name);
			ly->at_sub[i] = place(cols, name, &extra, &nextra);
		}
		ly->missing = place(cols, "health_missing", &extra, &nextra);
	}
	ly->sub = csm_xcalloc(sc->ncomp + 1, sizeof(*ly->sub));
	ly->present = csm_xcalloc(sc->ncomp + 1, sizeof(*ly->present));
	ly->nout = t->ncols + nextra;
	ly->f = csm_xcalloc(ly->nout, sizeof(*ly->f));
	ly->flen = csm_xcalloc(ly->nout, sizeof(*ly->flen));
	ly->text = csm_xcalloc(sc->ncomp + 2, sizeof(*ly->text));
	write_header(o, t, extra, nextra);
	for (i = 0; i < nextra; i++)
		free(extra[i]);
	free(extra);
}

static void
free_layout(struct layout *ly)
{
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

/* Scores the current record and writes it. */
static void
score_row(const struct csm_score *sc, struct layout *ly, struct csm_eval *ev,
    struct csm_out *o)
{
	const struct csm_tbl *t = ev->rec;
	struct csm_subscore sub;
	double score;
	size_t i, mlen = 0;
	const char *band;
	char *scoretext = ly->text[sc->ncomp];

	for (i = 0; i < t->ncols; i++)
		set_field(ly, (long)i, t->f[i], t->flen[i]);
	for (i = 0; i < sc->ncomp; i++) {
		const struct csm_component *c = &sc->comp[i];

		csm_score_component(sc, i, ev, &sub);
		ly->present[i] = sub.status == CSM_OK;
		ly->sub[i] = sub.score;
		if (!ly->present[i]) {
			if (sc->missing == 'f')
				csm_die_at(EX_DATAERR, t->file, t->line,
				    "component '%s' is missing (its value "
				    "'%s' is missing) and score.missing is "
				    "fail", c->name, c->value_node->str);
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
		csm_warn_at(t->file, t->line, "no score: every component is "
		    "missing");
		scoretext[0] = '\0';
		band = "";
	}
	set_field(ly, ly->score, scoretext, strlen(scoretext));
	set_field(ly, ly->band, (char *)band, strlen(band));
	if (ly->prob >= 0) {
		char *p = ly->text[sc->ncomp + 1];
		double d;

		p[0] = '\0';
		if (scoretext[0] != '\0' && csm_score_churn(sc, score, &d))
			csm_fmt_num(d, 4, p);
		set_field(ly, ly->prob, p, strlen(p));
	}
	if (ly->missing >= 0)
		set_field(ly, ly->missing, ly->missing_text ?
		    ly->missing_text : scoretext + strlen(scoretext), mlen);
	csm_out_fields(o, ly->f, ly->flen, ly->nout);
	csm_out_endrec(o);
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
	struct csm_eval ev;
	struct csm_out o;
	struct csm_score sc;
	struct layout ly;
	int ch, explain = 0;

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
	csm_out_init(&o, 1, "<stdout>", ',');
	csm_score_load(&sc, &cfg);

	csm_tbl_open(&t, argv, (size_t)argc, &cli.tbl);
	csm_cols_init(&cols, &t, cfg.columns);
	csm_score_bind(&sc, &cols);
	o.delim = t.delim;
	setup(&ly, &sc, &t, &cols, explain, &o);

	csm_eval_init(&ev);
	ev.rec = &t;
	ev.cols = &cols;
	ev.today = cli.today;
	ev.date_format = cfg.date_format;
	ev.badval = cfg.badval;
	while (csm_tbl_next(&t))
		score_row(&sc, &ly, &ev, &o);

	csm_out_close(&o);
	csm_eval_release(&ev);
	free_layout(&ly);
	csm_cols_release(&cols);
	csm_tbl_close(&t);
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
	return EX_OK;
}

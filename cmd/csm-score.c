/*
 * csm-score: append a composite customer health score to every row.
 *
 * Each component of the config's score: section evaluates an expression
 * on the row and maps the value to a sub-score from 0 to 100 (points:
 * linear between pairs, steps: the last step reached, map: by text, or the
 * value itself clamped).  health_score is the weighted mean of the
 * sub-scores, the missing ones handled by score.missing; health_band is
 * the first band whose min the rounded score reaches, or unscored when the
 * present components weigh less than score.min_weight.  With a
 * score.calibration table, churn_probability follows.  --explain adds one
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
    "usage: csm-score [-hqtV] [-c config] [-d delim] [-f csv|tsv|json|jsonl]\n"
    "                 [--as-of date] [--explain] [--ragged error|pad|skip]\n"
    "                 [--columns] [--dump-config] [file ...]\n";

static const char help_text[] =
    "Append health_score and health_band to every row of a CSV or TSV\n"
    "(and churn_probability when the config has a score.calibration).\n"
    "\n"
    "  -c, --config FILE     config file (default: $CSM_CONFIG, else built in)\n"
    "  -d, --delimiter C     input delimiter (default: detected; 'tab' for TSV)\n"
    "  -t, --tsv             input is TSV\n"
    "  -f, --format F        csv, tsv, json or jsonl (JSON Lines; default: the\n"
    "                        input's delimiter)\n"
    "      --explain         also append health_<component> and health_missing\n"
    "      --as-of DATE      today's date for days_since/days_until (YYYY-MM-DD)\n"
    CSM_CLI_HELP_SHARED
    "\n"
    "Files are read in order as one table ('-' or none: standard input).\n"
    "Exit status: 0 ok, 64 usage, 65 data error, 66 cannot open input,\n"
    "74 I/O error, 78 config error.  See csm-score(1) and csm.yaml(5).\n";

enum { OPT_EXPLAIN = CSM_OPT_TOOL };

enum format { F_DELIM, F_CSV, F_TSV, F_JSON, F_JSONL };

/* How JSON writes an output column: the input's text, or a typed value. */
enum ctype { C_TEXT, C_NUM, C_BAND, C_LIST };

/* Output columns: where each appended value goes. */
struct layout {
	struct csm_outhdr hdr;	/* the output header */
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
	/* the output table: each column's type */
	int format;		/* enum format */
	unsigned char *type;	/* enum ctype */
	size_t *part;		/* health_missing's names, for JSON */
	struct csm_rows rows;
};

static void
usage(FILE *fp, int status)
{
	csm_usage(fp, status, usage_text, help_text);
}

/*
 * The output table (rows.c): the input's columns as text, then the
 * appended ones typed; its head (the CSV or TSV header line, or "[").
 */
static void
columns(struct layout *ly, const struct csm_score *sc, struct csm_out *o)
{
	static const int rows_fmt[] = {CSM_ROWS_CSV, CSM_ROWS_CSV,
		CSM_ROWS_TSV, CSM_ROWS_JSON, CSM_ROWS_JSONL};
	size_t i;

	ly->type = csm_xcalloc(ly->nout, 1);
	ly->type[ly->score] = C_NUM;
	ly->type[ly->band] = C_BAND;
	if (ly->prob >= 0)
		ly->type[ly->prob] = C_NUM;
	for (i = 0; ly->at_sub != NULL && i < sc->ncomp; i++)
		ly->type[ly->at_sub[i]] = C_NUM;
	if (ly->missing >= 0)
		ly->type[ly->missing] = C_LIST;
	ly->part = csm_xcalloc(2 * sc->ncomp + 2, sizeof(*ly->part));
	csm_rows_init(&ly->rows, o, rows_fmt[ly->format]);
	for (i = 0; i < ly->hdr.n; i++)
		csm_rows_col(&ly->rows, ly->hdr.name[i], ly->hdr.len[i], NULL,
		    0);
	csm_rows_head(&ly->rows);
}

static void
setup(struct layout *ly, const struct csm_score *sc,
    const struct csm_cols *cols, int explain, int format, struct csm_out *o)
{
	struct csm_buf name;
	size_t i;

	memset(ly, 0, sizeof(*ly));
	ly->format = format;
	csm_outhdr_init(&ly->hdr, cols);
	ly->score = (long)csm_outhdr_place(&ly->hdr, "health_score");
	ly->band = (long)csm_outhdr_place(&ly->hdr, "health_band");
	ly->prob = sc->ncal > 0 ? (long)csm_outhdr_place(&ly->hdr,
	    "churn_probability") : -1;
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
	columns(ly, sc, o);
}

static void
free_layout(struct layout *ly)
{
	csm_outhdr_release(&ly->hdr);
	free(ly->type);
	free(ly->part);
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

/* Splits health_missing at its ';' into ly->part; returns how many. */
static size_t
missing_parts(struct layout *ly, const char *s, size_t n)
{
	const char *semi;
	size_t k = 0, off = 0;

	while (n > 0) {
		semi = memchr(s + off, ';', n);
		ly->part[2 * k] = off;
		ly->part[2 * k + 1] = semi ? (size_t)(semi - s) - off : n;
		k++;
		if (semi == NULL)
			break;
		n -= ly->part[2 * k - 1] + 1;
		off = (size_t)(semi - s) + 1;
	}
	return k;
}

/*
 * Writes the output record: the input's columns as they are (in JSON,
 * strings holding their text exactly), the appended ones typed (a
 * missing score, sub-score or band is null in JSON).
 */
static void
write_row(struct layout *ly)
{
	struct csm_rows *r = &ly->rows;
	size_t i;

	if (!r->json) {
		csm_rows_texts(r, ly->f, ly->flen, ly->nout);
		return;
	}
	csm_rows_begin(r);
	for (i = 0; i < ly->nout; i++) {
		switch (ly->type[i]) {
		case C_NUM:
			csm_rows_num(r, ly->f[i], ly->flen[i], NULL);
			break;
		case C_BAND:
			if (ly->flen[i] == 0)
				csm_rows_null(r);
			else
				csm_rows_str(r, ly->f[i], ly->flen[i]);
			break;
		case C_LIST:
			csm_rows_list(r, ly->f[i], ly->flen[i], ly->part,
			    missing_parts(ly, ly->f[i], ly->flen[i]));
			break;
		default:
			csm_rows_str(r, ly->f[i], ly->flen[i]);
		}
	}
	csm_rows_end(r);
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
    struct csm_cover *cv)
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
	write_row(ly);
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
		{"format", 1, NULL, 'f'},
		{"explain", 0, NULL, OPT_EXPLAIN},
		{NULL, 0, NULL, 0}
	};
	static const char *const fmt_names[] = {"csv", "tsv", "json",
		"jsonl", NULL};
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
	int ch, explain = 0, format = F_DELIM;
	char why[160];
	size_t i;

	csm_cli_progname(argv);
	csm_cli_init(&cli);
	while ((ch = getopt_long(argc, argv, CSM_CLI_SHORTOPTS "f:", longopts,
	    NULL)) != -1) {
		if (csm_cli_opt(&cli, ch, optarg))
			continue;
		switch (ch) {
		case 'f':
			format = F_CSV + csm_cli_format(usage_text, optarg,
			    fmt_names);
			break;
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
	csm_out_init(&o, 1, "<stdout>", format == F_CSV ? ',' :
	    format == F_TSV ? '\t' : t.delim);
	setup(&ly, &sc, &cols, explain, format, &o);
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
		score_row(&sc, &ly, &ev, &cv);
	csm_rows_finish(&ly.rows);

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

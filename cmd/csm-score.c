/*
 * csm-score: append a composite customer health score to every row.
 *
 * Each component of the config's score: section evaluates an expression
 * on the row and maps the value to a sub-score from 0 to 100 (points:
 * linear between pairs, steps: the last step reached, map: by text, or the
 * value itself clamped).  health_score is the weighted mean of the
 * sub-scores, the missing ones handled by score.missing; health_band is
 * the first band whose min the rounded score reaches, or unscored when the
 * present components weigh less than score.min_weight.  With
 * score.segments, a row whose segment has a scorecard of its own is scored
 * by it, every other row by the default.  With a score.calibration table,
 * churn_probability follows.  --overrides sets the score or band of the
 * accounts it lists until each override expires, and appends
 * health_override with its reason; --previous joins an earlier output on
 * account_id and appends health_prev, health_change and band_change.
 * --explain adds one health_<component> column per component (of every
 * scorecard), which scorecard scored the row, and health_missing.  At the
 * end, a summary on stderr says what was missing (-q: not).
 *
 * The data flows one way: read a record, score it, write it.  Memory does
 * not grow with the number of rows: coverage is counters per component;
 * --previous and --overrides hold their files' accounts.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csm.h"

static const char usage_text[] =
    "usage: csm-score [-hqtV] [-c config] [-d delim] [-f csv|tsv|json|jsonl]\n"
    "                 [--as-of date] [--explain] [--overrides file]\n"
    "                 [--previous file] [--ragged error|pad|skip]\n"
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
    "                        (and health_scorecard with score.segments)\n"
    "      --overrides FILE  scores or bands set by hand (account_id, band or\n"
    "                        score, reason, expires): append health_override\n"
    "      --previous FILE   an earlier csm-score output: append health_prev,\n"
    "                        health_change and band_change\n"
    "      --as-of DATE      today's date for days_since/days_until and the\n"
    "                        overrides' expiry (YYYY-MM-DD)\n"
    CSM_CLI_HELP_SHARED
    "\n"
    "Files are read in order as one table ('-' or none: standard input).\n"
    "Exit status: 0 ok, 64 usage, 65 data error, 66 cannot open input,\n"
    "74 I/O error, 78 config error.  See csm-score(1) and csm.yaml(5).\n"
    "\n"
    "Examples:\n"
    "  csm-score accounts.csv > scored.csv\n"
    "  csm-score --explain -f jsonl accounts.csv > scored.jsonl\n"
    "  csm-score --previous last_week.csv accounts.csv | grep '>red'\n";

enum { OPT_EXPLAIN = CSM_OPT_TOOL, OPT_OVERRIDES, OPT_PREVIOUS };

enum format { F_DELIM, F_CSV, F_TSV, F_JSON, F_JSONL };

/* How JSON writes an output column: the input's text, or a typed value. */
enum ctype { C_TEXT, C_NUM, C_BAND, C_LIST };

/* Output columns: where each appended value goes. */
struct layout {
	struct csm_outhdr hdr;	/* the output header */
	size_t nout;		/* fields per output record */
	long score, band, missing;	/* output index of each */
	long prob;		/* churn_probability, or -1 */
	long override;		/* health_override, or -1 */
	long prev, change, bchange;	/* --previous's columns, or -1 */
	long scorecard;		/* health_scorecard, or -1 */
	long *at_sub;		/* output index of health_<component>, per
				 * scorecard from first[k] on */
	size_t *first;
	size_t nsub;		/* entries of at_sub */
	double *sub;		/* the row's sub-scores */
	unsigned char *present;	/* which of them it has */
	char **f;		/* the output record, pointers */
	size_t *flen;
	char (*text)[64];	/* storage for the sub-scores */
	char scoretext[64], probtext[64], prevtext[64], changetext[64];
	struct csm_buf bchangetext;
	char *missing_text;
	size_t missing_cap;
	/* the output table: each column's type */
	int format;		/* enum format */
	unsigned char *type;	/* enum ctype */
	size_t *part;		/* health_missing's names, for JSON */
	struct csm_rows rows;
};

/* An account of --previous: its score and band there. */
struct prev {
	long line;
	int has_score;
	double score;
	char *band;
};

/* An override in force, from --overrides. */
struct override {
	long line;
	int has_score;
	double score;		/* the score it sets, when has_score */
	char *band;		/* else the band it sets, as the file has it */
	char *reason;
	int used;		/* an input row had its account */
};

struct ctx {
	const struct csm_score *sc;
	const struct csm_cfg *cfg;
	struct layout ly;
	struct csm_eval ev;
	size_t ncard;		/* scorecards: the default and the segments' */
	struct csm_cover *cv;	/* per scorecard: its rows and components */
	struct csm_cover all;	/* every row: the unscored ones */
	char **kind;		/* per scorecard: how the summary names its
				 * components */
	long idcol;		/* account_id, for --previous and --overrides */
	int has_prev;
	struct csm_map prev;	/* account_id -> struct prev */
	char *ovrfile;		/* --overrides, or NULL */
	struct csm_map ovr;	/* account_id -> struct override */
	struct override *reading;	/* the one being read: an error that
					 * ends the run leaves it reachable */
	struct csm_buf tmp;
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
columns(struct layout *ly, size_t maxcomp, struct csm_out *o)
{
	static const int rows_fmt[] = {CSM_ROWS_CSV, CSM_ROWS_CSV,
		CSM_ROWS_TSV, CSM_ROWS_JSON, CSM_ROWS_JSONL};
	size_t i;

	ly->type = csm_xcalloc(ly->nout, 1);
	ly->type[ly->score] = C_NUM;
	ly->type[ly->band] = C_BAND;
	if (ly->prob >= 0)
		ly->type[ly->prob] = C_NUM;
	if (ly->override >= 0)
		ly->type[ly->override] = C_BAND;
	if (ly->prev >= 0) {
		ly->type[ly->prev] = C_NUM;
		ly->type[ly->change] = C_NUM;
		ly->type[ly->bchange] = C_BAND;
	}
	if (ly->scorecard >= 0)
		ly->type[ly->scorecard] = C_BAND;
	for (i = 0; ly->at_sub != NULL && i < ly->nsub; i++)
		ly->type[ly->at_sub[i]] = C_NUM;
	if (ly->missing >= 0)
		ly->type[ly->missing] = C_LIST;
	ly->part = csm_xcalloc(2 * maxcomp + 2, sizeof(*ly->part));
	csm_rows_init(&ly->rows, o, rows_fmt[ly->format]);
	for (i = 0; i < ly->hdr.n; i++)
		csm_rows_col(&ly->rows, ly->hdr.name[i], ly->hdr.len[i], NULL,
		    0);
	csm_rows_head(&ly->rows);
}

/*
 * --explain's health_<component> columns: one per component name of
 * every scorecard, the default's first, then each segment's new names
 * (the config has checked that names reading as one column are one
 * name); at_sub maps scorecard k's component i to its column.
 */
static void
place_subs(struct layout *ly, const struct csm_score *sc, size_t ncard)
{
	struct csm_buf name;
	size_t k, i, j = 0;

	ly->first = csm_xcalloc(ncard + 1, sizeof(*ly->first));
	for (k = 0; k < ncard; k++) {
		ly->first[k] = ly->nsub;
		ly->nsub += csm_score_card(sc, k)->ncomp;
	}
	ly->at_sub = csm_xcalloc(ly->nsub, sizeof(*ly->at_sub));
	csm_buf_init(&name);
	for (k = 0; k < ncard; k++) {
		const struct csm_score *card = csm_score_card(sc, k);

		for (i = 0; i < card->ncomp; i++, j++) {
			size_t c, m;

			/* the column of an earlier scorecard's same name */
			for (c = 0; c < k; c++) {
				const struct csm_score *e = csm_score_card(sc,
				    c);

				for (m = 0; m < e->ncomp; m++)
					if (strcmp(e->comp[m].name,
					    card->comp[i].name) == 0)
						break;
				if (m < e->ncomp) {
					ly->at_sub[j] =
					    ly->at_sub[ly->first[c] + m];
					break;
				}
			}
			if (c < k)
				continue;
			csm_buf_reset(&name);
			csm_buf_printf(&name, "health_%s", card->comp[i].name);
			ly->at_sub[j] = (long)csm_outhdr_place(&ly->hdr,
			    name.s);
		}
	}
	csm_buf_release(&name);
}

static void
setup(struct ctx *c, const struct csm_cols *cols, int explain, int format,
    struct csm_out *o)
{
	struct layout *ly = &c->ly;
	const struct csm_score *sc = c->sc;
	size_t k, maxcomp = 0;

	memset(ly, 0, sizeof(*ly));
	ly->format = format;
	csm_outhdr_init(&ly->hdr, cols);
	ly->score = (long)csm_outhdr_place(&ly->hdr, "health_score");
	ly->band = (long)csm_outhdr_place(&ly->hdr, "health_band");
	ly->prob = sc->ncal > 0 ? (long)csm_outhdr_place(&ly->hdr,
	    "churn_probability") : -1;
	ly->override = c->ovrfile != NULL ?
	    (long)csm_outhdr_place(&ly->hdr, "health_override") : -1;
	ly->prev = ly->change = ly->bchange = -1;
	if (c->has_prev) {
		ly->prev = (long)csm_outhdr_place(&ly->hdr, "health_prev");
		ly->change = (long)csm_outhdr_place(&ly->hdr, "health_change");
		ly->bchange = (long)csm_outhdr_place(&ly->hdr, "band_change");
	}
	ly->scorecard = ly->missing = -1;
	if (explain) {
		if (sc->nseg > 0)
			ly->scorecard = (long)csm_outhdr_place(&ly->hdr,
			    "health_scorecard");
		place_subs(ly, sc, c->ncard);
		ly->missing = (long)csm_outhdr_place(&ly->hdr,
		    "health_missing");
	}
	for (k = 0; k < c->ncard; k++)
		if (csm_score_card(sc, k)->ncomp > maxcomp)
			maxcomp = csm_score_card(sc, k)->ncomp;
	ly->sub = csm_xcalloc(maxcomp + 1, sizeof(*ly->sub));
	ly->present = csm_xcalloc(maxcomp + 1, sizeof(*ly->present));
	ly->nout = ly->hdr.n;
	ly->f = csm_xcalloc(ly->nout, sizeof(*ly->f));
	ly->flen = csm_xcalloc(ly->nout, sizeof(*ly->flen));
	ly->text = csm_xcalloc(maxcomp + 1, sizeof(*ly->text));
	csm_buf_init(&ly->bchangetext);
	columns(ly, maxcomp, o);
}

static void
free_layout(struct layout *ly)
{
	csm_outhdr_release(&ly->hdr);
	free(ly->type);
	free(ly->part);
	free(ly->at_sub);
	free(ly->first);
	free(ly->sub);
	free(ly->present);
	free(ly->f);
	free(ly->flen);
	free(ly->text);
	free(ly->missing_text);
	csm_buf_release(&ly->bchangetext);
}

static void
set_field(struct layout *ly, long at, const char *s, size_t n)
{
	ly->f[at] = (char *)s;
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
missing_fail(const struct csm_tbl *t, const struct csm_score *sc,
    const struct csm_score *card, const struct csm_component *c,
    const struct csm_subscore *sub)
{
	char of[256];

	of[0] = '\0';
	if (sc->nseg > 0)
		snprintf(of, sizeof(of), " of scorecard '%s'",
		    csm_q(card->name, strlen(card->name)));
	if (sub->status == CSM_BAD)
		csm_die_at(EX_DATAERR, t->file, t->line, "component '%s'%s: "
		    "its map has no entry for \"%s\" and score.missing is "
		    "fail", c->name, of, csm_q(sub->text, sub->len));
	csm_die_at(EX_DATAERR, t->file, t->line, "component '%s'%s is "
	    "missing (its value '%s' is missing) and score.missing is fail",
	    c->name, of, csm_q(c->value_node->str, c->value_node->len));
}

/* ---- --overrides ------------------------------------------------------ */

static void
free_override(void *p)
{
	struct override *ov = p;

	free(ov->band);
	free(ov->reason);
	free(ov);
}

/* The band of the scorecard named s[0..n) ignoring case, or NULL. */
static const char *
band_named(const struct csm_score *card, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < card->nband; i++)
		if (strlen(card->band[i].name) == n &&
		    strncasecmp(card->band[i].name, s, n) == 0)
			return card->band[i].name;
	return NULL;
}

/* Whether a scorecard before k has a band named as scorecard k's band i. */
static int
band_listed(const struct ctx *c, size_t k, size_t i)
{
	const char *nm = csm_score_card(c->sc, k)->band[i].name;
	size_t j;

	for (j = 0; j < k; j++)
		if (band_named(csm_score_card(c->sc, j), nm, strlen(nm)))
			return 1;
	return 0;
}

/*
 * The bands of scorecard only (every scorecard when only is ncard), for a
 * message: "green, yellow, red", each name once.
 */
static void
band_list(const struct ctx *c, size_t only, struct csm_buf *b)
{
	size_t k, i;

	csm_buf_reset(b);
	csm_buf_adds(b, "");
	for (k = 0; k < c->ncard; k++) {
		const struct csm_score *card = csm_score_card(c->sc, k);

		if (only < c->ncard && k != only)
			continue;
		for (i = 0; i < card->nband; i++)
			if (only < c->ncard || !band_listed(c, k, i))
				csm_buf_printf(b, "%s%s", b->len > 0 ? ", " :
				    "", card->band[i].name);
	}
}

/* Whether some scorecard has a band named s[0..n), ignoring case. */
static int
any_band(const struct ctx *c, const char *s, size_t n)
{
	size_t k;

	for (k = 0; k < c->ncard; k++)
		if (band_named(csm_score_card(c->sc, k), s, n) != NULL)
			return 1;
	return 0;
}

/* A cell of the current record, trimmed; a missing token (N/A) is empty. */
static void
cell(const struct csm_tbl *t, long col, const char **s, size_t *n)
{
	*s = "";
	*n = 0;
	if (col < 0)
		return;
	*s = t->f[col];
	*n = t->flen[col];
	csm_trim(s, n);
	if (csm_is_missing(*s, *n))
		*n = 0;
}

/* What an override sets: a score from 0 to 100, or a band. */
static void
override_sets(struct ctx *c, const struct csm_tbl *t,
    const struct csm_cols *oc, long cband, long cscore, const char *id,
    size_t idn, struct override *ov)
{
	const char *b, *s;
	size_t bn, sn;

	cell(t, cband, &b, &bn);
	cell(t, cscore, &s, &sn);
	if (bn == 0 && sn == 0)
		csm_die_at(EX_DATAERR, t->file, t->line, "the override of "
		    "'%s' has no band and no score", csm_q(id, idn));
	if (bn > 0 && sn > 0)
		csm_die_at(EX_DATAERR, t->file, t->line, "the override of "
		    "'%s' has both a band and a score: give one",
		    csm_q(id, idn));
	if (sn > 0) {
		if (csm_parse_num(s, sn, &ov->score) != CSM_OK)
			csm_cell_error(CSM_BAD_FAIL, t, oc->name[cscore],
			    oc->len[cscore], s, sn, "a number", NULL);
		/* 80% reads as 0.8, which no one typing it means */
		if (memchr(s, '%', sn) != NULL)
			csm_die_at(EX_DATAERR, t->file, t->line, "column '%s': "
			    "\"%s\" is not a score from 0 to 100 (a score of "
			    "80 is written 80)", csm_q(oc->name[cscore],
			    oc->len[cscore]), csm_q(s, sn));
		if (ov->score < 0 || ov->score > 100)
			csm_die_at(EX_DATAERR, t->file, t->line, "column '%s': "
			    "\"%s\" is not a score from 0 to 100",
			    csm_q(oc->name[cscore], oc->len[cscore]),
			    csm_q(s, sn));
		ov->has_score = 1;
		return;
	}
	if (!any_band(c, b, bn)) {
		band_list(c, c->ncard, &c->tmp);
		csm_die_at(EX_DATAERR, t->file, t->line, "column '%s': \"%s\" "
		    "is not a band (%s)", csm_q(oc->name[cband],
		    oc->len[cband]), csm_q(b, bn), c->tmp.s);
	}
	ov->band = csm_xstrndup(b, bn);
}

/*
 * Reads one override: the account, what it sets, the reason and the
 * expiry date, all checked (a bad one is a data error naming the line).
 * Returns 1 when it is in force at today, 0 when it expired before.
 */
static int
read_override(struct ctx *c, const struct csm_tbl *t,
    const struct csm_cols *oc, const size_t *col, long cband, long cscore,
    long today, struct override *ov)
{
	const char *id, *r, *e;
	size_t idn, rn, en;
	long expires;
	char date[32];

	cell(t, (long)col[0], &id, &idn);
	if (idn == 0)
		csm_die_at(EX_DATAERR, t->file, t->line, "an override without "
		    "an account_id");
	override_sets(c, t, oc, cband, cscore, id, idn, ov);
	cell(t, (long)col[1], &r, &rn);
	if (rn == 0)
		csm_die_at(EX_DATAERR, t->file, t->line, "the override of "
		    "'%s' has no reason", csm_q(id, idn));
	ov->reason = csm_xstrndup(r, rn);
	cell(t, (long)col[2], &e, &en);
	if (en == 0)
		csm_die_at(EX_DATAERR, t->file, t->line, "the override of "
		    "'%s' has no expires date (one that never ends would go "
		    "stale: give a far one)", csm_q(id, idn));
	if (csm_parse_date(e, en, c->cfg->date_format, &expires) != CSM_OK)
		csm_cell_error(CSM_BAD_FAIL, t, oc->name[col[2]],
		    oc->len[col[2]], e, en, "a date", NULL);
	if (expires >= today)
		return 1;
	csm_date_format(expires, date);
	csm_warn_at(t->file, t->line, "the override of '%s' expired on %s: "
	    "ignored", csm_q(id, idn), date);
	return 0;
}

/*
 * Reads --overrides path: account_id -> the override in force.  Every
 * row is checked, expired ones included; an expired row is a warning and
 * ignored; two in force for one account are a data error.
 */
static void
load_overrides(struct ctx *c, char *path, long today)
{
	static const char *const need[] = {"account_id", "reason", "expires"};
	struct csm_tbl_opts opts = {0, CSM_RAGGED_ERROR};
	struct csm_tbl t;
	struct csm_cols oc;
	struct override *ov;
	size_t col[3], i, k;
	long cband, cscore;
	int isnew;

	csm_tbl_open(&t, &path, 1, &opts);
	csm_cols_init(&oc, &t, c->cfg->columns);
	for (i = 0; i < 3; i++)
		col[i] = csm_cols_need(&oc, need[i], "--overrides");
	cband = csm_cols_find(&oc, "band");
	cscore = csm_cols_find(&oc, "score");
	if (cband < 0 && cscore < 0) {
		csm_buf_reset(&c->tmp);
		csm_cols_list(&oc, &c->tmp);
		csm_die_at(EX_DATAERR, t.file, 0, "no column 'band' or "
		    "'score' (--overrides needs one of them); the columns "
		    "are: %s", c->tmp.s);
	}
	while (csm_tbl_next(&t)) {
		const char *id = t.f[col[0]];
		size_t idn = t.flen[col[0]];

		ov = c->reading = csm_xcalloc(1, sizeof(*ov));
		ov->line = t.line;
		if (!read_override(c, &t, &oc, col, cband, cscore, today,
		    ov)) {
			free_override(ov);
			c->reading = NULL;
			continue;
		}
		csm_trim(&id, &idn);
		k = csm_map_put(&c->ovr, id, idn, &isnew);
		if (!isnew) {
			long first = ((struct override *)
			    c->ovr.ent[k].val)->line;

			free_override(ov);
			c->reading = NULL;
			csm_die_at(EX_DATAERR, t.file, t.line, "a second "
			    "override of '%s' in force (the first is at line "
			    "%ld): one account, one override", csm_q(id, idn),
			    first);
		}
		c->ovr.ent[k].val = ov;
		c->reading = NULL;
	}
	csm_cols_release(&oc);
	csm_tbl_close(&t);
}

/* The account_id of t's current record, trimmed. */
static void
account(const struct ctx *c, const struct csm_tbl *t, const char **id,
    size_t *idn)
{
	*id = t->f[c->idcol];
	*idn = t->flen[c->idcol];
	csm_trim(id, idn);
}

/*
 * The override of the current record's account, if one is in force: a
 * score sets the score, and the band follows from the scorecard's bands;
 * a band sets the band and leaves the score.  Returns the reason, or
 * NULL.
 */
static const char *
override_row(struct ctx *c, const struct csm_score *card, int *has,
    double *score, const char **band)
{
	const struct csm_tbl *t = c->ev.rec;
	struct override *ov;
	const char *id;
	size_t idn;
	long k;

	account(c, t, &id, &idn);
	if (idn == 0 || (k = csm_map_find(&c->ovr, id, idn)) < 0)
		return NULL;
	ov = c->ovr.ent[k].val;
	ov->used = 1;
	if (ov->has_score) {
		*score = csm_round(ov->score, card->precision);
		*has = 1;
		*band = csm_score_band(card, *score);
		return ov->reason;
	}
	*band = band_named(card, ov->band, strlen(ov->band));
	if (*band == NULL) {
		band_list(c, csm_score_pick(c->sc, t), &c->tmp);
		csm_die_at(EX_DATAERR, c->ovrfile, ov->line, "the override of "
		    "'%s' sets band '%s', which scorecard '%s' (of %s:%ld) "
		    "does not have: its bands are %s", csm_q(id, idn),
		    csm_q(ov->band, strlen(ov->band)), card->name, t->file,
		    t->line, c->tmp.s);
	}
	return ov->reason;
}

/* After the last row: the overrides of accounts the input lacked. */
static void
overrides_unused(const struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->ovr.n; i++) {
		const struct override *ov = c->ovr.ent[i].val;

		if (!ov->used)
			csm_warn_at(c->ovrfile, ov->line, "no account '%s' in "
			    "the input: its override was not used",
			    csm_q(c->ovr.ent[i].key, c->ovr.ent[i].klen));
	}
}

/* ---- --previous ------------------------------------------------------- */

static void
free_prev(void *p)
{
	struct prev *pv = p;

	free(pv->band);
	free(pv);
}

/*
 * Reads an earlier csm-score output: account_id -> its score and band.
 * A row without an account_id cannot be joined and is passed over; an
 * account listed twice is a data error (the join would be a guess).  A
 * header and no rows is a first run: every account is new.
 */
static void
load_previous(struct ctx *c, char *path)
{
	struct csm_tbl_opts opts = {0, CSM_RAGGED_ERROR};
	struct csm_tbl pt;
	struct csm_cols pc;
	struct prev *pv;
	size_t cid, cscore, cband, nrows = 0, k;
	int isnew;

	if (!csm_prev_there(path))
		return;
	csm_tbl_open(&pt, &path, 1, &opts);
	csm_cols_init(&pc, &pt, c->cfg->columns);
	cid = csm_cols_need(&pc, "account_id", "--previous");
	cscore = csm_cols_need(&pc, "health_score", "--previous");
	cband = csm_cols_need(&pc, "health_band", "--previous");
	while (csm_tbl_next(&pt)) {
		const char *id, *s, *b;
		size_t idn, sn, bn;

		nrows++;
		cell(&pt, (long)cid, &id, &idn);
		if (idn == 0)
			continue;
		pv = csm_xcalloc(1, sizeof(*pv));
		pv->line = pt.line;
		cell(&pt, (long)cscore, &s, &sn);
		if (sn > 0) {
			if (csm_parse_num(s, sn, &pv->score) != CSM_OK) {
				free(pv);
				csm_cell_error(CSM_BAD_FAIL, &pt,
				    pc.name[cscore], pc.len[cscore], s, sn,
				    "a number", NULL);
			}
			if (pv->score < 0 || pv->score > 100) {
				free(pv);
				csm_die_at(EX_DATAERR, pt.file, pt.line,
				    "column '%s': \"%s\" is not a score from "
				    "0 to 100", csm_q(pc.name[cscore],
				    pc.len[cscore]), csm_q(s, sn));
			}
			pv->has_score = 1;
		}
		b = pt.f[cband];
		bn = pt.flen[cband];
		csm_trim(&b, &bn);
		pv->band = csm_xstrndup(b, bn);
		k = csm_map_put(&c->prev, id, idn, &isnew);
		if (!isnew) {
			long first = ((struct prev *)c->prev.ent[k].val)->line;

			free_prev(pv);
			csm_die_at(EX_DATAERR, pt.file, pt.line, "account '%s' "
			    "is listed twice (the first time at line %ld): "
			    "--previous joins on account_id, so it needs one "
			    "row per account", csm_q(id, idn), first);
		}
		c->prev.ent[k].val = pv;
	}
	if (nrows == 0)
		csm_warn("--previous '%s' has no rows: every account is new",
		    path);
	csm_cols_release(&pc);
	csm_tbl_close(&pt);
}

/*
 * health_prev, health_change (this score minus the previous one, both
 * present) and band_change (previous>current, new for an account the
 * previous output lacks, empty when the band is the same, ignoring case).
 */
static void
previous_row(struct ctx *c, int has, double score, const char *band)
{
	struct layout *ly = &c->ly;
	const struct prev *pv = NULL;
	const char *id;
	size_t idn;
	long k;

	ly->prevtext[0] = ly->changetext[0] = '\0';
	csm_buf_reset(&ly->bchangetext);
	account(c, c->ev.rec, &id, &idn);
	if (idn > 0 && (k = csm_map_find(&c->prev, id, idn)) >= 0)
		pv = c->prev.ent[k].val;
	if (pv == NULL)
		csm_buf_adds(&ly->bchangetext, "new");
	else {
		if (pv->has_score) {
			csm_fmt_real(pv->score, 9, ly->prevtext);
			if (has)
				csm_fmt_real(score - pv->score, 9,
				    ly->changetext);
		}
		if (strcasecmp(pv->band, band) != 0)
			csm_buf_printf(&ly->bchangetext, "%s>%s", pv->band,
			    band);
	}
	set_field(ly, ly->prev, ly->prevtext, strlen(ly->prevtext));
	set_field(ly, ly->change, ly->changetext, strlen(ly->changetext));
	set_field(ly, ly->bchange, ly->bchangetext.len ? ly->bchangetext.s :
	    "", ly->bchangetext.len);
}

/* ---- one row ---------------------------------------------------------- */

/*
 * The sub-scores of the row by its scorecard card (index k), counted for
 * the coverage summary, into the --explain columns and health_missing.
 */
static void
components_row(struct ctx *c, size_t k, const struct csm_score *card)
{
	struct layout *ly = &c->ly;
	struct csm_cover *cv = &c->cv[k];
	const struct csm_tbl *t = c->ev.rec;
	struct csm_subscore sub;
	size_t i, mlen = 0;

	if (ly->at_sub != NULL)
		for (i = 0; i < ly->nsub; i++)
			set_field(ly, ly->at_sub[i], "", 0);
	for (i = 0; i < card->ncomp; i++) {
		const struct csm_component *cp = &card->comp[i];
		long at = ly->at_sub ? ly->at_sub[ly->first[k] + i] : -1;

		csm_score_component(card, i, &c->ev, &sub);
		ly->present[i] = sub.status == CSM_OK;
		ly->sub[i] = sub.score;
		if (!ly->present[i]) {
			if (card->missing == 'f')
				missing_fail(t, c->sc, card, cp, &sub);
			cv->item[i].missing++;
			if (sub.status == CSM_BAD)
				csm_cover_unmatched(cv, i, sub.text, sub.len);
			if (ly->missing >= 0)
				add_missing(ly, &mlen, cp->name);
			continue;
		}
		if (at >= 0) {
			csm_fmt_num(sub.score, card->precision, ly->text[i]);
			set_field(ly, at, ly->text[i], strlen(ly->text[i]));
		}
	}
	if (ly->missing >= 0)
		set_field(ly, ly->missing, mlen ? ly->missing_text : "",
		    mlen);
}

/* Scores the current record and writes it. */
static void
score_row(struct ctx *c)
{
	struct layout *ly = &c->ly;
	const struct csm_tbl *t = c->ev.rec;
	size_t k = csm_score_pick(c->sc, t), i;
	const struct csm_score *card = csm_score_card(c->sc, k);
	const char *band, *reason = NULL;
	double score = 0, d;
	int has;

	c->cv[k].rows++;
	c->all.rows++;
	for (i = 0; i < t->ncols; i++)
		set_field(ly, (long)i, t->f[i], t->flen[i]);
	if (ly->scorecard >= 0)
		set_field(ly, ly->scorecard, card->name, strlen(card->name));
	components_row(c, k, card);
	has = csm_score_combine(card, ly->sub, ly->present, &score);
	if (has)
		band = csm_score_band(card, score);
	else {
		csm_cover_unscored(&c->all, t->file, t->line);
		band = CSM_UNSCORED;
	}
	if (ly->override >= 0) {
		reason = override_row(c, card, &has, &score, &band);
		set_field(ly, ly->override, reason ? reason : "",
		    reason ? strlen(reason) : 0);
	}
	ly->scoretext[0] = '\0';
	if (has)
		csm_fmt_num(score, card->precision, ly->scoretext);
	set_field(ly, ly->score, ly->scoretext, strlen(ly->scoretext));
	set_field(ly, ly->band, band, strlen(band));
	if (ly->prob >= 0) {
		ly->probtext[0] = '\0';
		if (has && csm_score_churn(c->sc, score, &d))
			csm_fmt_num(d, 4, ly->probtext);
		set_field(ly, ly->prob, ly->probtext, strlen(ly->probtext));
	}
	if (ly->prev >= 0)
		previous_row(c, has, score, band);
	write_row(ly);
}

/* ---- the run ---------------------------------------------------------- */

/* The columns the config and the options use, for the checks and
 * --columns. */
static void
register_columns(struct csm_colreg *reg, const struct ctx *c)
{
	const struct csm_score *sc = c->sc;
	struct csm_buf who;
	size_t i, k;

	csm_buf_init(&who);
	for (k = 0; k < c->ncard; k++) {
		const struct csm_score *card = csm_score_card(sc, k);

		for (i = 0; i < card->ncomp; i++) {
			csm_buf_reset(&who);
			if (sc->nseg > 0)
				csm_buf_printf(&who, "scorecard %s ",
				    card->name);
			csm_buf_printf(&who, "component %s",
			    card->comp[i].name);
			csm_colreg_add_expr(reg, card->comp[i].value, who.s);
		}
	}
	csm_buf_release(&who);
	if (sc->nseg > 0)
		csm_colreg_add(reg, sc->segcol, 1, "score.segments", NULL);
	if (c->ovrfile != NULL)
		csm_colreg_add(reg, "account_id", 1, "--overrides", NULL);
	if (c->has_prev)
		csm_colreg_add(reg, "account_id", 1, "--previous", NULL);
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

/* The coverage of every scorecard, each component named by its kind. */
static void
cover_init(struct ctx *c)
{
	struct csm_buf b;
	size_t k, i;

	c->cv = csm_xcalloc(c->ncard, sizeof(*c->cv));
	c->kind = csm_xcalloc(c->ncard, sizeof(*c->kind));
	csm_cover_init(&c->all, 0);
	csm_buf_init(&b);
	for (k = 0; k < c->ncard; k++) {
		const struct csm_score *card = csm_score_card(c->sc, k);

		csm_buf_reset(&b);
		if (c->sc->nseg > 0)
			csm_buf_printf(&b, "scorecard '%s': ",
			    csm_q(card->name, strlen(card->name)));
		csm_buf_adds(&b, "component");
		c->kind[k] = csm_buf_detach(&b);
		csm_cover_init(&c->cv[k], card->ncomp);
		for (i = 0; i < card->ncomp; i++)
			csm_cover_name(&c->cv[k], i, c->kind[k],
			    card->comp[i].name);
	}
	csm_buf_release(&b);
}

static void
cover_release(struct ctx *c)
{
	size_t k;

	for (k = 0; k < c->ncard; k++) {
		csm_cover_release(&c->cv[k]);
		free(c->kind[k]);
	}
	free(c->cv);
	free(c->kind);
	csm_cover_release(&c->all);
}

/*
 * With segments, the summary starts with the rows each scorecard scored,
 * when it has anything to say: something was missing, or a segment's
 * scorecard scored no row (a segment value the data never has).
 */
static void
cover_cards(const struct ctx *c)
{
	struct csm_buf b;
	size_t k, i;
	int say = c->all.unscored > 0;
	char num[32], all[32];

	for (k = 0; k < c->ncard; k++) {
		if (k > 0 && c->cv[k].rows == 0)
			say = 1;
		for (i = 0; i < c->cv[k].n; i++)
			if (c->cv[k].item[i].missing > 0)
				say = 1;
	}
	if (c->sc->nseg == 0 || !say)
		return;
	csm_buf_init(&b);
	csm_buf_adds(&b, "coverage: rows per scorecard:");
	for (k = 0; k < c->ncard; k++) {
		const struct csm_score *card = csm_score_card(c->sc, k);

		csm_fmt_count(c->cv[k].rows, num);
		csm_buf_printf(&b, "%s '%s' %s", k == 0 ? "" : ",",
		    csm_q(card->name, strlen(card->name)), num);
	}
	csm_fmt_count(c->all.rows, all);
	csm_buf_printf(&b, " (of %s)", all);
	csm_warn("%s", b.s);
	csm_buf_release(&b);
}

static void
cover_report(const struct ctx *c)
{
	char why[160];
	size_t k;

	cover_cards(c);
	for (k = 0; k < c->ncard; k++)
		csm_cover_report(&c->cv[k], NULL);
	unscored_why(c->sc, why, sizeof(why));
	csm_cover_report(&c->all, why);
}

/* Standard input can feed one reader only. */
static void
one_stdin(char **argv, int argc, const char *previous,
    const char *overrides)
{
	int i, n = argc == 0;

	for (i = 0; i < argc; i++)
		n += strcmp(argv[i], "-") == 0;
	n += previous != NULL && strcmp(previous, "-") == 0;
	n += overrides != NULL && strcmp(overrides, "-") == 0;
	if (n > 1)
		csm_usage_error(usage_text, "standard input can be read once: "
		    "give the input, --previous and --overrides as files");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CSM_CLI_LONGOPTS,
		{"format", 1, NULL, 'f'},
		{"explain", 0, NULL, OPT_EXPLAIN},
		{"overrides", 1, NULL, OPT_OVERRIDES},
		{"previous", 1, NULL, OPT_PREVIOUS},
		{NULL, 0, NULL, 0}
	};
	static const char *const fmt_names[] = {"csv", "tsv", "json",
		"jsonl", NULL};
	struct csm_cli cli;
	struct csm_cfg cfg;
	struct csm_tbl t;
	struct csm_cols cols;
	struct csm_colreg reg;
	struct csm_out o;
	struct csm_score sc;
	struct ctx c;
	char *previous = NULL, *overrides = NULL;
	int ch, explain = 0, format = F_DELIM;

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
		case OPT_OVERRIDES:
			overrides = optarg;
			break;
		case OPT_PREVIOUS:
			previous = optarg;
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	csm_cli_done(&cli, usage_text, help_text);
	one_stdin(argv, argc, previous, overrides);

	csm_cli_config(&cli, &cfg);
	csm_score_load(&sc, &cfg);
	memset(&c, 0, sizeof(c));
	c.sc = &sc;
	c.cfg = &cfg;
	c.ncard = sc.nseg + 1;
	c.ovrfile = overrides;
	c.has_prev = previous != NULL;
	c.idcol = -1;
	csm_map_init(&c.ovr);
	csm_map_init(&c.prev);
	csm_buf_init(&c.tmp);

	csm_tbl_open(&t, argv, (size_t)argc, &cli.tbl);
	csm_cols_init(&cols, &t, cfg.columns);
	csm_colreg_init(&reg, &cols);
	register_columns(&reg, &c);
	if (cli.columns) {
		csm_cli_columns(&reg, t.delim);
		csm_colreg_release(&reg);
		csm_cols_release(&cols);
		csm_tbl_close(&t);
		csm_buf_release(&c.tmp);
		csm_score_release(&sc);
		csm_cfg_release(&cfg);
		return EX_OK;
	}
	csm_colreg_check(&reg);
	csm_score_bind(&sc, &cols);
	if (overrides != NULL || previous != NULL)
		c.idcol = (long)csm_cols_need(&cols, "account_id",
		    overrides != NULL ? "--overrides" : "--previous");
	if (overrides != NULL)
		load_overrides(&c, overrides, cli.today);
	if (previous != NULL)
		load_previous(&c, previous);
	if (!cli.quiet)
		csm_colreg_warn(&reg);
	csm_out_init(&o, 1, "<stdout>", format == F_CSV ? ',' :
	    format == F_TSV ? '\t' : t.delim);
	setup(&c, &cols, explain, format, &o);
	cover_init(&c);

	csm_eval_init(&c.ev);
	c.ev.rec = &t;
	c.ev.cols = &cols;
	c.ev.today = cli.today;
	c.ev.date_format = cfg.date_format;
	c.ev.badval = cfg.badval;
	/* parsing on a thread of its own, while this one scores and writes */
	csm_tbl_readahead(&t);
	while (csm_tbl_next(&t))
		score_row(&c);
	csm_rows_finish(&c.ly.rows);

	/* before the output ends, so that a tool reading it reports after */
	overrides_unused(&c);
	if (!cli.quiet)
		cover_report(&c);
	csm_out_close(&o);
	cover_release(&c);
	csm_eval_release(&c.ev);
	free_layout(&c.ly);
	csm_map_release(&c.ovr, free_override);
	csm_map_release(&c.prev, free_prev);
	csm_buf_release(&c.tmp);
	csm_colreg_release(&reg);
	csm_cols_release(&cols);
	csm_tbl_close(&t);
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
	return EX_OK;
}

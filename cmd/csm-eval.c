/*
 * csm-eval: does the score predict churn?  Reads scored rows (csm-score or
 * csm-risk output, or any numeric column) and a binary outcome, and writes
 * the lift table: for all rows, each band or tier, each value of the --by
 * columns and each quantile bin of the score, the rows, their share, the
 * positives (rows with the outcome), their rate, capture and lift, and how
 * well the score ranks inside the group: AUC (Mann-Whitney, ties half)
 * with DeLong's 95% interval, KS, and the Brier score of
 * churn_probability when the rows carry one.  --components adds a row per
 * component of the config's score: its own AUC, missing share, unmatched
 * map values, and the AUC the score loses without it.
 *
 * The rows are held (a score, an outcome and group ids per row), sorted
 * once by risk; every group is read off that one order.
 */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csm.h"

static const char usage_text[] =
    "usage: csm-eval [-hqtV] [-c config] [-d delim] [-f csv|tsv|md|json|jsonl]\n"
    "                -l expr | --outcomes file [-s column]\n"
    "                [--higher healthy|risky] [-b column,...] [--bins n]\n"
    "                [--components] [--min-auc x] [--as-of date]\n"
    "                [--ragged error|pad|skip] [--columns] [--dump-config]\n"
    "                [file ...]\n";

static const char help_text[] =
    "Say how well a score predicts a binary outcome such as churn: AUC with\n"
    "a 95% interval, KS, Brier, and rate, capture and lift per group.\n"
    "\n"
    "  -l, --label EXPR      the outcome, an expression on the row\n"
    "                        ('Churn == \"Yes\"')\n"
    "      --outcomes FILE   or outcomes joined on account_id: csm-nrr\n"
    "                        --accounts output (movement churn), or a\n"
    "                        churned column of yes/no\n"
    "  -s, --score COL       the score (default: health_score, else\n"
    "                        risk_score)\n"
    "      --higher H        healthy or risky: what a higher score means\n"
    "                        (known for health_score, risk_score and\n"
    "                        churn_probability)\n"
    "  -b, --by COL,...      a row per value of each column\n"
    "      --bins N          a row per score quantile bin (default 10, 0: none)\n"
    "      --components      a row per component of the config's score\n"
    "      --min-auc X       exit 1 when the AUC of all rows is below X\n"
    "  -f, --format F        csv, tsv, md, json or jsonl (default: csv, or\n"
    "                        tsv for TSV input)\n"
    "  -c, --config FILE     config file (default: $CSM_CONFIG, else built in)\n"
    "  -d, --delimiter C     input delimiter (default: detected; 'tab' for TSV)\n"
    "  -t, --tsv             input is TSV\n"
    "      --as-of DATE      today's date for days_since/days_until (YYYY-MM-DD)\n"
    CSM_CLI_HELP_RAGGED
    "  -q, --quiet           no warnings about rows left out (without an\n"
    "                        outcome or a score) or absent optional columns\n"
    CSM_CLI_HELP_REST
    "\n"
    "Files are read in order as one table ('-' or none: standard input).\n"
    "Exit status: 0 ok, 1 the AUC is below --min-auc, 64 usage, 65 data\n"
    "error, 66 cannot open input, 74 I/O error, 78 config error.\n"
    "See csm-eval(1).\n"
    "\n"
    "Examples:\n"
    "  csm-score last_quarter.csv | csm-eval --label 'churned == \"yes\"'\n"
    "  csm-score accounts.csv | csm-eval --outcomes nrr.csv --components -f md\n"
    "  csm-score last_quarter.csv | csm-eval -l churned --min-auc 0.7 >/dev/null\n";

enum {
	OPT_OUTCOMES = CSM_OPT_TOOL,
	OPT_HIGHER,
	OPT_BINS,
	OPT_COMPONENTS,
	OPT_MIN_AUC
};

#define NOGROUP UINT32_MAX
#define MAXBINS 1000
#define NUNMATCHED 5	/* unmatched map values listed per component */

/* The values of a grouping column (a band, a --by column), by id. */
struct groups {
	const char *name;	/* header text, for the group names */
	long col;		/* in the input, or -1: derived from bands */
	struct csm_map val;	/* value -> id (the entry index) */
};

struct ctx {
	const struct csm_tbl *t;
	const struct csm_cols *cols;
	int badval;
	/* the columns */
	long scol, pcol;
	const char *sname;
	int risky;
	struct groups band;
	int has_band;
	struct csm_band *bands;	/* for a derived band, and the order */
	size_t nbands;
	const char *noband;	/* a derived band's rows in none: "none"
				 * for risk tiers, else NULL (the group "") */
	uint32_t *bandgid;	/* derived band (nbands: none) -> group id,
				 * NOGROUP until a row has it */
	struct groups *by;
	size_t nby;
	int quiet;		/* -q: no warnings about rows left out */
	/* --components */
	struct csm_score *sc;
	struct csm_map *unmatched;	/* per component: text -> count */
	size_t **umcount;
	size_t *umcap;
	/* the rows */
	size_t n, cap;
	double *risk, *prob, *sub;
	unsigned char *y;
	uint32_t *gband, *gby;
	/* rows left out for want of a score */
	size_t noscore;
	const char *noscore_file;
	long noscore_line;
};

static void
usage(FILE *fp, int status)
{
	csm_usage(fp, status, usage_text, help_text);
}

static int
format_arg(const char *arg)
{
	static const char *const names[] = {"csv", "tsv", "md", "json",
		"jsonl", NULL};
	static const int fmts[] = {CSM_LIFT_CSV, CSM_LIFT_TSV, CSM_LIFT_MD,
		CSM_LIFT_JSON, CSM_LIFT_JSONL};

	return fmts[csm_cli_format(usage_text, arg, names)];
}

/* ---- the columns ------------------------------------------------------ */

static void
groups_init(struct groups *g, const char *name, long col)
{
	memset(g, 0, sizeof(*g));
	g->name = name;
	g->col = col;
	csm_map_init(&g->val);
}

static uint32_t
groups_put(struct groups *g, const char *s, size_t n)
{
	return (uint32_t)csm_map_put(&g->val, s, n, NULL);
}

/* The index of the header name matches, or -1; an ambiguous match is
 * the checks' to report, so this does not end the run. */
static long
match_idx(const struct csm_cols *cols, const char *name)
{
	struct csm_colmatch m;

	csm_cols_match(cols, name, &m);
	return m.idx;
}

/*
 * The score column's name: --score, else health_score, else risk_score
 * (a columns: entry for one counts as having it), or NULL without either.
 */
static const char *
score_name(const struct csm_cols *cols, const char *score)
{
	static const char *const names[] = {"health_score", "risk_score",
		NULL};
	struct csm_colmatch m;
	size_t i;

	if (score != NULL)
		return score;
	for (i = 0; names[i] != NULL; i++) {
		csm_cols_match(cols, names[i], &m);
		if (m.how != CSM_MATCH_NONE || m.mapped != NULL)
			return names[i];
	}
	return NULL;
}

/* What the score in header column idx is, which says its direction. */
enum skind { S_OTHER, S_HEALTH, S_RISK, S_PROB };

static int
score_kind(const struct csm_cols *cols, long idx)
{
	if (idx < 0)
		return S_OTHER;
	if (idx == match_idx(cols, "health_score"))
		return S_HEALTH;
	if (idx == match_idx(cols, "risk_score"))
		return S_RISK;
	if (idx == match_idx(cols, "churn_probability"))
		return S_PROB;
	return S_OTHER;
}

/*
 * The columns this run uses, for the checks and --columns: what the
 * outcome reads, the score and what goes with it, --by, and with
 * --components what the config's components read (sc, or NULL).
 */
static void
register_columns(struct csm_colreg *reg, const struct csm_label *lb,
    const char *score, char *const *by, size_t nby,
    const struct csm_score *sc)
{
	const struct csm_cols *cols = reg->cols;
	const char *name = score_name(cols, score);
	struct csm_buf who;
	size_t i;
	int kind;

	csm_label_register(lb, reg);
	csm_colreg_add(reg, name != NULL ? name : "health_score", 1,
	    score != NULL ? "--score" : name != NULL ? "the score" :
	    "the score (else risk_score)", NULL);
	kind = score_kind(cols, name != NULL ? match_idx(cols, name) : -1);
	if (kind == S_HEALTH)
		csm_colreg_add(reg, "health_band", 0, "the band rows", NULL);
	else if (kind == S_RISK)
		csm_colreg_add(reg, "risk_tier", 0, "the tier rows", NULL);
	if (kind != S_PROB)
		csm_colreg_add(reg, "churn_probability", 0, "brier", NULL);
	for (i = 0; i < nby; i++)
		csm_colreg_add(reg, by[i], 1, "--by", NULL);
	csm_buf_init(&who);
	for (i = 0; sc != NULL && i < sc->ncomp; i++) {
		csm_buf_reset(&who);
		csm_buf_printf(&who, "component %s", sc->comp[i].name);
		csm_colreg_add_expr(reg, sc->comp[i].value, who.s);
	}
	csm_buf_release(&who);
}

/* The score column, its direction, and what groups it. */
static void
setup_score(struct ctx *c, const struct csm_cfg *cfg, const char *score,
    const char *higher)
{
	const struct csm_node *sec, *list = NULL;
	const char *bandcol = NULL, *name = score_name(c->cols, score);
	int kind;

	if (score != NULL)
		c->scol = (long)csm_cols_need(c->cols, score, "--score");
	else if (name == NULL || (c->scol = match_idx(c->cols, name)) < 0)
		csm_die_at(EX_DATAERR, c->cols->file, 0, "no column "
		    "'health_score' or 'risk_score' to judge: name the score "
		    "with --score");
	c->sname = c->cols->name[c->scol];
	kind = score_kind(c->cols, c->scol);
	if (kind == S_HEALTH) {
		c->risky = 0;
		bandcol = "health_band";
		if ((sec = csm_cfg_section(cfg, "score")) != NULL)
			list = csm_node_get(sec, "bands");
	} else if (kind == S_RISK) {
		c->risky = 1;
		bandcol = "risk_tier";
		if ((sec = csm_cfg_section(cfg, "risk")) != NULL)
			list = csm_node_get(sec, "tiers");
	} else if (kind == S_PROB)
		c->risky = 1;
	else if (higher == NULL)
		csm_usage_error(usage_text, "--score '%s': say with --higher "
		    "whether a higher score is healthy or risky", c->sname);
	if (higher != NULL)
		c->risky = strcasecmp(higher, "risky") == 0;
	if (bandcol != NULL) {
		c->has_band = 1;
		groups_init(&c->band, bandcol, csm_cols_find(c->cols, bandcol));
		if (list != NULL)
			c->bands = csm_cfg_bands(list, &c->nbands);
		if (c->band.col < 0 && c->bands == NULL)
			c->has_band = 0;
		if (kind == S_RISK)
			c->noband = "none";
	}
	if (c->has_band && c->band.col < 0) {
		size_t i;

		c->bandgid = csm_xcalloc(c->nbands + 1, sizeof(*c->bandgid));
		for (i = 0; i <= c->nbands; i++)
			c->bandgid[i] = NOGROUP;
	}
	c->pcol = kind == S_PROB ? -1 : csm_cols_find(c->cols,
	    "churn_probability");
}

static void
setup_by(struct ctx *c, char *const *by, size_t nby)
{
	size_t i, col;

	for (i = 0; i < nby; i++) {
		col = csm_cols_need(c->cols, by[i], "--by");
		c->by = csm_xreallocarray(c->by, c->nby + 1, sizeof(*c->by));
		groups_init(&c->by[c->nby++], c->cols->name[col], (long)col);
	}
}

static void
setup_components(struct ctx *c, struct csm_score *sc)
{
	size_t i;

	c->sc = sc;
	csm_score_bind(sc, c->cols);
	c->unmatched = csm_xcalloc(sc->ncomp, sizeof(*c->unmatched));
	c->umcount = csm_xcalloc(sc->ncomp, sizeof(*c->umcount));
	c->umcap = csm_xcalloc(sc->ncomp, sizeof(*c->umcap));
	for (i = 0; i < sc->ncomp; i++)
		csm_map_init(&c->unmatched[i]);
}

/* ---- reading the rows ------------------------------------------------- */

static void
grow(struct ctx *c)
{
	size_t nc = c->sc ? c->sc->ncomp : 0;

	c->cap = c->cap ? 2 * c->cap : 4096;
	c->risk = csm_xreallocarray(c->risk, c->cap, sizeof(*c->risk));
	c->y = csm_xreallocarray(c->y, c->cap, 1);
	if (c->pcol >= 0)
		c->prob = csm_xreallocarray(c->prob, c->cap, sizeof(*c->prob));
	if (c->has_band)
		c->gband = csm_xreallocarray(c->gband, c->cap,
		    sizeof(*c->gband));
	if (c->nby > 0)
		c->gby = csm_xreallocarray(c->gby, c->cap * c->nby,
		    sizeof(*c->gby));
	if (nc > 0)
		c->sub = csm_xreallocarray(c->sub, c->cap * nc,
		    sizeof(*c->sub));
}

/* A number cell: CSM_OK with *d, or CSM_MISSING (bad ones handled). */
static int
read_num(const struct ctx *c, long col, const char *what, double *d)
{
	const struct csm_tbl *t = c->t;
	int st = csm_parse_num(t->f[col], t->flen[col], d);

	if (st == CSM_OK && !isfinite(*d))
		st = CSM_BAD;
	if (st == CSM_BAD) {
		csm_cell_error(c->badval, t, c->cols->name[col],
		    c->cols->len[col], t->f[col], t->flen[col], what,
		    "missing");
		st = CSM_MISSING;
	}
	return st;
}

static uint32_t
group_of(struct groups *g, const struct csm_tbl *t)
{
	const char *s = t->f[g->col];
	size_t n = t->flen[g->col];

	csm_trim(&s, &n);
	return groups_put(g, s, n);
}

static void
count_unmatched(struct ctx *c, size_t i, const char *s, size_t n)
{
	int isnew;
	size_t k = csm_map_put(&c->unmatched[i], s, n, &isnew);

	if (k >= c->umcap[i]) {
		c->umcap[i] = c->umcap[i] ? 2 * c->umcap[i] : 16;
		c->umcount[i] = csm_xreallocarray(c->umcount[i], c->umcap[i],
		    sizeof(**c->umcount));
	}
	if (isnew)
		c->umcount[i][k] = 0;
	c->umcount[i][k]++;
}

static void
read_components(struct ctx *c, struct csm_eval *ev, double *sub)
{
	const struct csm_score *sc = c->sc;
	struct csm_subscore s;
	size_t i;

	for (i = 0; i < sc->ncomp; i++) {
		csm_score_component(sc, i, ev, &s);
		sub[i] = s.status == CSM_OK ? s.score : NAN;
		if (sc->comp[i].mapping == CSM_MAP_TEXT && s.text != NULL &&
		    (s.status == CSM_BAD ||
		    !csm_score_mapped(&sc->comp[i], s.text, s.len))) {
			const char *p = s.text;
			size_t n = s.len;

			csm_trim(&p, &n);
			count_unmatched(c, i, p, n);
		}
	}
}

/*
 * The group of a derived band: the band score falls in, its group put
 * the first time a row has it (so groups keep the order rows met them).
 */
static uint32_t
derived_band(struct ctx *c, double score)
{
	size_t b = csm_band_find(c->bands, c->nbands, score);
	const char *name;

	if (c->bandgid[b] == NOGROUP) {
		name = b < c->nbands ? c->bands[b].name :
		    c->noband != NULL ? c->noband : "";
		c->bandgid[b] = groups_put(&c->band, name, strlen(name));
	}
	return c->bandgid[b];
}

static void
read_row(struct ctx *c, struct csm_label *lb, struct csm_eval *ev)
{
	const struct csm_tbl *t = c->t;
	double score, p;
	size_t i, n;
	int y;

	if ((y = csm_label_get(lb, ev)) < 0)
		return;
	if (read_num(c, c->scol, "a number", &score) != CSM_OK) {
		if (c->noscore++ == 0) {
			c->noscore_file = t->file;
			c->noscore_line = t->line;
		}
		return;
	}
	if (c->n == c->cap)
		grow(c);
	n = c->n++;
	c->risk[n] = c->risky ? score : -score;
	c->y[n] = (unsigned char)y;
	if (c->pcol >= 0) {
		c->prob[n] = NAN;
		if (read_num(c, c->pcol, "a number", &p) == CSM_OK) {
			if (p < 0 || p > 1)
				csm_die_at(EX_DATAERR, t->file, t->line,
				    "column '%s': \"%s\" is not a probability "
				    "(0 to 1)", csm_q(c->cols->name[c->pcol],
				    c->cols->len[c->pcol]), csm_q(t->f[c->pcol],
				    t->flen[c->pcol]));
			c->prob[n] = p;
		}
	}
	if (c->has_band) {
		if (c->band.col >= 0)
			c->gband[n] = group_of(&c->band, t);
		else
			c->gband[n] = derived_band(c, score);
	}
	for (i = 0; i < c->nby; i++)
		c->gby[n * c->nby + i] = group_of(&c->by[i], t);
	if (c->sc != NULL)
		read_components(c, ev, c->sub + n * c->sc->ncomp);
}

/* ---- the table -------------------------------------------------------- */

struct sorted {
	double *risk, *prob;
	unsigned char *y;
	size_t *perm;		/* row of each sorted position */
	/* one group's rows, in the same order */
	double *grisk, *gprob;
	unsigned char *gy;
};

/* Adds the row of the sorted rows whose id in ids (stride) is id. */
static void
add_group(struct csm_lift *l, const struct ctx *c, struct sorted *s,
    const char *name, const uint32_t *ids, size_t stride, uint32_t id)
{
	size_t i, m = 0;

	for (i = 0; i < c->n; i++) {
		size_t r = s->perm[i];

		if (ids[r * stride] != id)
			continue;
		s->grisk[m] = s->risk[i];
		s->gy[m] = s->y[i];
		if (s->prob != NULL)
			s->gprob[m] = s->prob[i];
		m++;
	}
	csm_lift_add(l, name, s->grisk, s->gy, s->prob ? s->gprob : NULL, m);
}

static void
group_name(struct csm_buf *b, const char *col, const char *val, size_t n)
{
	csm_buf_reset(b);
	csm_buf_printf(b, "%s=", col);
	csm_buf_add(b, val, n);
}

/* The band rows: the config's bands in order, then any others. */
static void
add_bands(struct csm_lift *l, struct ctx *c, struct sorted *s,
    struct csm_buf *b)
{
	struct groups *g = &c->band;
	unsigned char *done = csm_xcalloc(g->val.n + 1, 1);
	size_t i;
	long k;

	for (i = 0; i <= c->nbands && c->bands != NULL; i++) {
		const char *name = i < c->nbands ? c->bands[i].name :
		    c->noband;

		if (name == NULL ||
		    (k = csm_map_find(&g->val, name, strlen(name))) < 0)
			continue;
		done[k] = 1;
		group_name(b, g->name, name, strlen(name));
		add_group(l, c, s, b->s, c->gband, 1, (uint32_t)k);
	}
	for (i = 0; i < g->val.n; i++)
		if (!done[i]) {
			group_name(b, g->name, g->val.ent[i].key,
			    g->val.ent[i].klen);
			add_group(l, c, s, b->s, c->gband, 1, (uint32_t)i);
		}
	free(done);
}

static const struct csm_map *sort_map;

static int
cmp_key(const void *pa, const void *pb)
{
	const struct csm_map_ent *a = &sort_map->ent[*(const size_t *)pa];
	const struct csm_map_ent *b = &sort_map->ent[*(const size_t *)pb];
	size_t n = a->klen < b->klen ? a->klen : b->klen;
	int r = memcmp(a->key, b->key, n);

	if (r != 0)
		return r;
	return (a->klen > b->klen) - (a->klen < b->klen);
}

/* The rows of a --by column, its values in byte order. */
static void
add_by(struct csm_lift *l, struct ctx *c, struct sorted *s, size_t j,
    struct csm_buf *b)
{
	struct groups *g = &c->by[j];
	size_t *ord = csm_xcalloc(g->val.n + 1, sizeof(*ord)), i;

	for (i = 0; i < g->val.n; i++)
		ord[i] = i;
	sort_map = &g->val;
	qsort(ord, g->val.n, sizeof(*ord), cmp_key);
	for (i = 0; i < g->val.n; i++) {
		group_name(b, g->name, g->val.ent[ord[i]].key,
		    g->val.ent[ord[i]].klen);
		add_group(l, c, s, b->s, c->gby + j, c->nby, (uint32_t)ord[i]);
	}
	free(ord);
}

/*
 * The AUC of the health score recomputed from the sub-scores, with
 * component skip left out (or none when skip is ncomp).  score.min_weight
 * does not apply here: the question is what the component adds to the
 * others, which may weigh less than min_weight without it.  Returns 0 when
 * no row has a score or the outcome is all one class there.
 */
static int
recomputed_auc(const struct ctx *c, size_t skip, double *auc)
{
	struct csm_score any = *c->sc;		/* borrowed: not released */
	const struct csm_score *sc = &any;
	double *v = csm_xcalloc(c->n + 1, sizeof(*v));
	unsigned char *y = csm_xcalloc(c->n + 1, 1);
	unsigned char *present = csm_xcalloc(sc->ncomp + 1, 1);
	double score;
	size_t i, j, m = 0;
	struct csm_rank rk;

	any.min_weight = 0;
	for (i = 0; i < c->n; i++) {
		const double *sub = c->sub + i * sc->ncomp;

		for (j = 0; j < sc->ncomp; j++)
			present[j] = j != skip && !isnan(sub[j]);
		if (!csm_score_combine(sc, sub, present, &score))
			continue;
		v[m] = -score;
		y[m++] = c->y[i];
	}
	csm_stat_rank_unsorted(v, y, m, &rk);
	*auc = rk.auc;
	free(v);
	free(y);
	free(present);
	return rk.has_auc;
}

/* The unmatched values of component i, most frequent first. */
static const size_t *sort_count;

static int
cmp_count(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

	if (sort_count[a] != sort_count[b])
		return sort_count[a] > sort_count[b] ? -1 : 1;
	return cmp_key(pa, pb);
}

static void
set_unmatched(struct csm_lift_row *r, const struct ctx *c, size_t i)
{
	const struct csm_map *m = &c->unmatched[i];
	size_t *ord = csm_xcalloc(m->n + 1, sizeof(*ord)), k;

	for (k = 0; k < m->n; k++)
		ord[k] = k;
	sort_map = m;
	sort_count = c->umcount[i];
	qsort(ord, m->n, sizeof(*ord), cmp_count);
	r->nunmatched = m->n < NUNMATCHED ? m->n : NUNMATCHED;
	r->unmatched = csm_xcalloc(r->nunmatched + 1, sizeof(*r->unmatched));
	r->unmatched_rows = csm_xcalloc(r->nunmatched + 1,
	    sizeof(*r->unmatched_rows));
	for (k = 0; k < r->nunmatched; k++) {
		r->unmatched[k] = csm_xstrdup(m->ent[ord[k]].key);
		r->unmatched_rows[k] = c->umcount[i][ord[k]];
	}
	free(ord);
}

/* A row per component: its sub-score alone, over the rows that have it. */
static void
add_components(struct csm_lift *l, const struct ctx *c, struct csm_buf *b)
{
	const struct csm_score *sc = c->sc;
	double *v = csm_xcalloc(c->n + 1, sizeof(*v)), *sv, full = 0, without;
	unsigned char *y = csm_xcalloc(c->n + 1, 1), *sy;
	size_t *perm, i, k, m;
	int has_full = recomputed_auc(c, sc->ncomp, &full);
	struct csm_lift_row *r;

	sv = csm_xcalloc(c->n + 1, sizeof(*sv));
	sy = csm_xcalloc(c->n + 1, 1);
	for (i = 0; i < sc->ncomp; i++) {
		for (k = m = 0; k < c->n; k++) {
			double s = c->sub[k * sc->ncomp + i];

			if (isnan(s))
				continue;
			v[m] = -s;
			y[m++] = c->y[k];
		}
		perm = csm_stat_order(v, m);
		for (k = 0; k < m; k++) {
			sv[k] = v[perm[k]];
			sy[k] = y[perm[k]];
		}
		free(perm);
		csm_buf_reset(b);
		csm_buf_printf(b, "component=%s", sc->comp[i].name);
		r = csm_lift_add(l, b->s, sv, sy, NULL, m);
		r->comp = 1;
		r->missing = 1 - (double)m / (double)c->n;
		set_unmatched(r, c, i);
		if (has_full && recomputed_auc(c, i, &without)) {
			r->has_lost = 1;
			r->lost = full - without;
		}
	}
	free(v);
	free(y);
	free(sv);
	free(sy);
}

static void
build(struct csm_lift *l, struct ctx *c, size_t nbins)
{
	struct sorted s;
	struct csm_buf b;
	double *score;
	size_t i;

	memset(&s, 0, sizeof(s));
	s.perm = csm_stat_order(c->risk, c->n);
	s.risk = csm_xcalloc(c->n + 1, sizeof(*s.risk));
	s.y = csm_xcalloc(c->n + 1, 1);
	s.grisk = csm_xcalloc(c->n + 1, sizeof(*s.grisk));
	s.gy = csm_xcalloc(c->n + 1, 1);
	score = csm_xcalloc(c->n + 1, sizeof(*score));
	if (c->prob != NULL) {
		s.prob = csm_xcalloc(c->n + 1, sizeof(*s.prob));
		s.gprob = csm_xcalloc(c->n + 1, sizeof(*s.gprob));
	}
	for (i = 0; i < c->n; i++) {
		s.risk[i] = c->risk[s.perm[i]];
		s.y[i] = c->y[s.perm[i]];
		score[i] = c->risky ? s.risk[i] : -s.risk[i];
		if (s.prob != NULL)
			s.prob[i] = c->prob[s.perm[i]];
	}
	csm_buf_init(&b);
	csm_lift_add(l, "all", s.risk, s.y, s.prob, c->n);
	if (c->has_band)
		add_bands(l, c, &s, &b);
	for (i = 0; i < c->nby; i++)
		add_by(l, c, &s, i, &b);
	if (nbins > 0)
		csm_lift_bins(l, s.risk, s.y, s.prob, score, c->n, nbins);
	if (c->sc != NULL)
		add_components(l, c, &b);
	csm_buf_release(&b);
	free(score);
	free(s.perm);
	free(s.risk);
	free(s.y);
	free(s.prob);
	free(s.grisk);
	free(s.gy);
	free(s.gprob);
}

/*
 * The checks before the table: enough rows, both outcomes, a ranking.
 * The rows left out are counted in warnings that -q leaves out: the
 * table's n says how many rows were judged.  A score that cannot rank
 * is warned of even then: the table is no judgement of it.
 */
static void
check_rows(const struct ctx *c, const struct csm_label *lb)
{
	size_t i, npos = 0;

	if (!c->quiet)
		csm_label_report(lb);
	if (c->noscore > 0 && !c->quiet)
		csm_warn("rows with no %s: %zu (the first at %s:%ld), left "
		    "out", c->sname, c->noscore, c->noscore_file,
		    c->noscore_line);
	if (c->n == 0)
		csm_die(EX_DATAERR, "no row has both a score and an outcome: "
		    "nothing to judge");
	for (i = 0; i < c->n; i++)
		npos += c->y[i];
	if (npos == 0 || npos == c->n)
		csm_die(EX_DATAERR, "the outcome is %s in all %zu rows: a "
		    "score cannot be judged on one outcome; check the label",
		    npos == 0 ? "false" : "true", c->n);
	for (i = 1; i < c->n && c->risk[i] == c->risk[0]; i++)
		;
	if (i == c->n)
		csm_warn("%s is %.15g in every row: it cannot rank them (AUC "
		    "0.5)", c->sname, c->risky ? c->risk[0] : -c->risk[0]);
}

static void
free_groups(struct groups *g)
{
	csm_map_release(&g->val, NULL);
}

static void
free_ctx(struct ctx *c)
{
	size_t i;

	if (c->has_band)
		free_groups(&c->band);
	for (i = 0; i < c->nby; i++)
		free_groups(&c->by[i]);
	free(c->by);
	free(c->bands);
	free(c->bandgid);
	for (i = 0; c->sc != NULL && i < c->sc->ncomp; i++) {
		csm_map_release(&c->unmatched[i], NULL);
		free(c->umcount[i]);
	}
	free(c->unmatched);
	free(c->umcount);
	free(c->umcap);
	free(c->risk);
	free(c->prob);
	free(c->sub);
	free(c->y);
	free(c->gband);
	free(c->gby);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CSM_CLI_LONGOPTS,
		{"label", 1, NULL, 'l'},
		{"outcomes", 1, NULL, OPT_OUTCOMES},
		{"score", 1, NULL, 's'},
		{"higher", 1, NULL, OPT_HIGHER},
		{"by", 1, NULL, 'b'},
		{"bins", 1, NULL, OPT_BINS},
		{"components", 0, NULL, OPT_COMPONENTS},
		{"min-auc", 1, NULL, OPT_MIN_AUC},
		{"format", 1, NULL, 'f'},
		{NULL, 0, NULL, 0}
	};
	struct csm_cli cli;
	struct csm_cfg cfg;
	struct csm_tbl t;
	struct csm_cols cols;
	struct csm_colreg reg;
	struct csm_eval ev;
	struct csm_out o;
	struct csm_label lb;
	struct csm_score sc;
	struct csm_lift l;
	struct ctx c;
	const char *label = NULL, *score = NULL, *higher = NULL;
	char *outcomes = NULL, **by = NULL;
	double min_auc = -1, d;
	size_t nbins = 10, nby = 0;
	int ch, fmt = -1, components = 0, failed = 0;

	csm_cli_progname(argv);
	csm_cli_init(&cli);
	while ((ch = getopt_long(argc, argv, CSM_CLI_SHORTOPTS "b:f:l:s:",
	    longopts, NULL)) != -1) {
		if (csm_cli_opt(&cli, ch, optarg))
			continue;
		switch (ch) {
		case 'b':
			csm_cli_list_free(by, nby);
			by = csm_cli_list(usage_text, "--by", optarg, &nby);
			break;
		case 'f':
			fmt = format_arg(optarg);
			break;
		case 'l':
			label = optarg;
			break;
		case 's':
			score = optarg;
			break;
		case OPT_OUTCOMES:
			outcomes = optarg;
			break;
		case OPT_HIGHER:
			if (strcasecmp(optarg, "healthy") != 0 &&
			    strcasecmp(optarg, "risky") != 0)
				csm_usage_error(usage_text, "--higher: '%s' is "
				    "not healthy or risky", optarg);
			higher = optarg;
			break;
		case OPT_BINS:
			d = csm_cli_number(usage_text, "--bins", optarg, 0, MAXBINS);
			if (d != floor(d))
				csm_usage_error(usage_text, "--bins: '%s' is "
				    "not a whole number", optarg);
			nbins = (size_t)d;
			break;
		case OPT_COMPONENTS:
			components = 1;
			break;
		case OPT_MIN_AUC:
			min_auc = csm_cli_number(usage_text, "--min-auc", optarg, 0, 1);
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	csm_cli_done(&cli, usage_text, help_text);
	if ((label == NULL) == (outcomes == NULL))
		csm_usage_error(usage_text, "give the outcome with --label or "
		    "--outcomes (one of them)");

	csm_cli_config(&cli, &cfg);
	csm_label_init(&lb);
	if (label != NULL)
		csm_label_expr(&lb, label);
	else if (!cli.columns)
		csm_label_outcomes(&lb, outcomes, cfg.columns);
	if (components) {
		csm_score_load(&sc, &cfg);
		if (sc.nseg > 0)
			csm_cfg_die(sc.segments, "--components judges one "
			    "scorecard, and score.segments gives several: "
			    "judge each with a config of its own, without "
			    "segments (--by health_scorecard compares their "
			    "scores)");
	}

	csm_tbl_open(&t, argv, (size_t)argc, &cli.tbl);
	csm_cols_init(&cols, &t, cfg.columns);
	csm_colreg_init(&reg, &cols);
	register_columns(&reg, &lb, score, by, nby, components ? &sc : NULL);
	if (cli.columns) {
		csm_cli_columns(&reg, t.delim);
		csm_colreg_release(&reg);
		csm_cols_release(&cols);
		csm_tbl_close(&t);
		if (components)
			csm_score_release(&sc);
		csm_label_release(&lb);
		csm_cli_list_free(by, nby);
		csm_cfg_release(&cfg);
		return EX_OK;
	}
	csm_colreg_check(&reg);
	memset(&c, 0, sizeof(c));
	c.t = &t;
	c.cols = &cols;
	c.badval = cfg.badval;
	c.quiet = cli.quiet;
	csm_label_bind(&lb, &cols);
	setup_score(&c, &cfg, score, higher);
	setup_by(&c, by, nby);
	if (components)
		setup_components(&c, &sc);
	if (!cli.quiet)
		csm_colreg_warn(&reg);
	csm_colreg_release(&reg);

	csm_eval_init(&ev);
	ev.rec = &t;
	ev.cols = &cols;
	ev.today = cli.today;
	ev.date_format = cfg.date_format;
	ev.badval = cfg.badval;
	while (csm_tbl_next(&t))
		read_row(&c, &lb, &ev);
	check_rows(&c, &lb);

	csm_lift_init(&l, c.sname, c.risky);
	l.components = components;
	build(&l, &c, nbins);
	if (fmt < 0)
		fmt = t.delim == '\t' ? CSM_LIFT_TSV : CSM_LIFT_CSV;
	csm_out_init(&o, 1, "<stdout>", ',');
	csm_lift_write(&l, &o, fmt);
	csm_out_close(&o);
	if (min_auc >= 0 && l.row[0].rank.auc < min_auc) {
		char a[64];

		csm_fmt_num(l.row[0].rank.auc, 4, a);
		csm_warn("the AUC %s is below --min-auc %g", a, min_auc);
		failed = 1;
	}

	csm_lift_release(&l);
	csm_eval_release(&ev);
	free_ctx(&c);
	csm_cols_release(&cols);
	csm_tbl_close(&t);
	if (components)
		csm_score_release(&sc);
	csm_label_release(&lb);
	csm_cli_list_free(by, nby);
	csm_cfg_release(&cfg);
	return failed ? 1 : EX_OK;
}

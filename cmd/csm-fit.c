/*
 * csm-fit: fit a health score (or risk signals) to history.  Reads rows
 * with a binary outcome (--label or --outcomes, as csm-eval) and fits an
 * L2-regularised logistic regression of the outcome on the features: the
 * --features columns, the base config's component values (-c), or every
 * usable column.  A numeric feature enters as a piecewise-linear function
 * on knots at its quantiles, a text feature one-hot, a missing value as a
 * level of its own when it is common.  The fitted model becomes a config
 * that csm-score loads unchanged: a component per feature (points on the
 * knots, or a map with a default), weighted by how far its effect
 * reaches, so that the score is the model's log-odds on a 0-100 scale;
 * bands cut at churn rates or score quantiles; and a calibration table
 * (score -> churn probability) with which csm-score appends
 * churn_probability.  --risk writes risk signals with points instead.
 * A K-fold cross-validated lift table goes to stderr; comments at the top
 * of the config record the source, the rows, the CV AUC and the
 * coefficients.  The same input gives the same bytes.
 *
 * The rows are held: per feature a number and a level id per row.
 */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csm.h"

static const char usage_text[] =
    "usage: csm-fit [-hqtV] [-c config] [-d delim] -l expr | --outcomes file\n"
    "               [--features column,...] [-k folds] [--l2 l]\n"
    "               [--bands rates:r1,r2|quantiles:q1,q2] [--risk]\n"
    "               [--as-of date] [--ragged error|pad|skip] [--columns]\n"
    "               [--dump-config] [file ...]\n";

static const char help_text[] =
    "Fit a health score to a binary outcome such as churn, by logistic\n"
    "regression, and write it as a config that csm-score loads.\n"
    "\n"
    "  -l, --label EXPR      the outcome, an expression on the row\n"
    "                        ('Churn == \"Yes\"')\n"
    "      --outcomes FILE   or outcomes joined on account_id: csm-nrr\n"
    "                        --accounts output (movement churn), or a\n"
    "                        churned column of yes/no\n"
    "      --features COL,...  the columns to fit on (default: with -c, the\n"
    "                        config's components; else every usable column)\n"
    "  -c, --config FILE     a base config: its score components are features\n"
    "  -k, --folds K         cross-validation folds, 2-50 (default 5)\n"
    "      --l2 L            the ridge penalty, 1e-9 to 1e9 (default 1)\n"
    "      --bands SPEC      rates:R1,R2 (churn probabilities) or\n"
    "                        quantiles:Q1,Q2 (of the score) where bands or\n"
    "                        tiers are cut (default quantiles:20%,50%;\n"
    "                        with --risk quantiles:50%,80%)\n"
    "      --risk            write a risk: section (signals with points)\n"
    "  -d, --delimiter C     input delimiter (default: detected; 'tab' for TSV)\n"
    "  -t, --tsv             input is TSV\n"
    "      --as-of DATE      today's date for days_since/days_until (YYYY-MM-DD)\n"
    CSM_CLI_HELP_RAGGED
    "  -q, --quiet           no warnings the config's comments record (rows\n"
    "                        and features left out, values not mapped) or\n"
    "                        about absent optional columns\n"
    CSM_CLI_HELP_REST
    "\n"
    "The config goes to standard output, the cross-validated lift table to\n"
    "standard error.  Files are read in order as one table ('-' or none:\n"
    "standard input).  Exit status: 0 ok, 64 usage, 65 data error, 66 cannot\n"
    "open input, 74 I/O error, 78 config error.  See csm-fit(1).\n"
    "\n"
    "Examples:\n"
    "  csm-fit --label 'churned == \"yes\"' history.csv > fitted.yaml\n"
    "  csm-score -c fitted.yaml accounts.csv | csm-eval -l 'churned == \"yes\"'\n"
    "  csm-fit --risk -l churned history.csv > risk.yaml\n";

enum {
	OPT_OUTCOMES = CSM_OPT_TOOL,
	OPT_FEATURES,
	OPT_L2,
	OPT_BANDS,
	OPT_RISK
};

#define MINLEVEL	10	/* rows a value needs to get its own score */
#define MAXLEVELS	50	/* values of one column mapped */
#define MAXDISTINCT	1000	/* values a text column may have */
#define NKNOTS		5
#define MAXITER		100
#define MAXCUTS		4
#define CALSTEP		5	/* the calibration table's score step */
#define NOLEV		UINT32_MAX
#define MISSING_KEY	"(missing)"

static const double knot_q[NKNOTS] = {0.05, 0.25, 0.5, 0.75, 0.95};

enum kind { K_NUM = 1, K_CAT, K_DROP };

/* A feature: an input column, or a component of the base config. */
struct feature {
	char *name;		/* the component's name in the output */
	char *label;		/* the header, or the component's value */
	char *ref;		/* the value expression */
	long col;		/* input column, or -1 for a component */
	long comp;		/* base component, or -1 */
	int kind;
	/* the values, per row */
	double *num;		/* NAN when missing or not a number */
	uint32_t *lev;		/* level id, NOLEV when missing */
	struct csm_map levels;	/* text -> id */
	size_t *levcount;
	size_t levcap;
	int numeric;		/* every value so far reads as a number */
	int isdate;		/* every value so far reads as a date: num
				 * holds days_since */
	int toomany;		/* more than MAXDISTINCT texts */
	size_t nmissing;
	/* the basis */
	size_t coef0, ncoef;
	size_t entry;		/* its two entries in each model row */
	double knot[NKNOTS + 1];	/* a numeric's knots, sentinel first */
	size_t nknot;
	int sentinel;		/* knot[0] stands for missing */
	double impval;		/* else missing reads as this: median */
	uint32_t *levcoef;	/* level id -> coefficient, NOLEV: default */
	size_t *kept;		/* the level ids with a coefficient */
	size_t nkept;
	int misslevel;		/* missing has a coefficient: ncoef - 1 */
	/* the fit */
	double *f;		/* log-odds per knot, or per kept level */
	double fmin, fmax;
	double weight;		/* 0-100 */
	double auc;		/* of this feature's effect alone */
	char *why;		/* why it was left out */
	int has_auc;
};

struct band_spec {
	int rates;		/* rates: or quantiles: */
	double cut[MAXCUTS];	/* ascending */
	size_t n;
	const char *text;
};

struct ctx {
	const struct csm_tbl *t;
	const struct csm_cols *cols;
	const struct csm_cfg *cfg;
	long today;		/* --as-of, for days_since */
	struct csm_score base;
	int has_base;
	struct feature *ft;
	size_t nft;
	size_t n, cap;
	unsigned char *y;
	size_t npos;
	struct csm_logit m;
	double cv_auc, cv_lo, cv_hi, cv_brier;
	int cv_ci;
	int folds;
	double l2;
	int risk;
	int quiet;		/* -q: no notes (see note()) */
	struct band_spec bands;
	const char *source;
	const char *outcome;
	int outcome_is_file;
	/*
	 * Work arrays kept here, not in locals, so that they stay reachable
	 * when an error ends the program halfway (LeakSanitizer).
	 */
	unsigned char *used, *named;	/* setup_features's marks */
	double *scores;			/* each row's fitted score */
	double *oof;			/* each row's out-of-fold fit */
	size_t *order;			/* the features, heaviest first */
};

static void
usage(FILE *fp, int status)
{
	csm_usage(fp, status, usage_text, help_text);
}

/*
 * A warning that -q leaves out: about what the fit left out or how it
 * read the data, when the comments of the config written record it too
 * (the rows, the features left out and why, the values mapped).  What
 * nothing else records, or what says that the result may be wrong (no
 * convergence, a feature that gives the outcome away, a score that does
 * not rank), is a csm_warn that -q keeps.
 */
static void note(const struct ctx *c, const char *fmt, ...) CSM_PRINTF(2, 3);

static void
note(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	csm_vmsg(NULL, 0, fmt, ap);
	va_end(ap);
}

static int
cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

static void
bands_arg(struct band_spec *b, const char *arg)
{
	const char *p, *e;
	size_t i;
	double d;

	memset(b, 0, sizeof(*b));
	b->text = arg;
	if (strncasecmp(arg, "rates:", 6) == 0)
		b->rates = 1;
	else if (strncasecmp(arg, "quantiles:", 10) != 0)
		csm_usage_error(usage_text, "--bands: '%s' is not rates:R1,R2 "
		    "or quantiles:Q1,Q2", arg);
	p = strchr(arg, ':') + 1;
	for (;;) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		if (b->n == MAXCUTS || csm_parse_num(p, (size_t)(e - p), &d) !=
		    CSM_OK || !(d > 0) || !(d < 1))
			csm_usage_error(usage_text, "--bands: '%s' needs 1 to "
			    "%d numbers between 0 and 1 (or 0%% and 100%%) "
			    "after the colon", arg, MAXCUTS);
		b->cut[b->n++] = d;
		if (*e == '\0')
			break;
		p = e + 1;
	}
	qsort(b->cut, b->n, sizeof(b->cut[0]), cmp_double);
	for (i = 1; i < b->n; i++)
		if (b->cut[i] == b->cut[i - 1])
			csm_usage_error(usage_text, "--bands: '%s' lists a cut "
			    "twice", arg);
}

/* ---- text for the config ---------------------------------------------- */

/* Whether s[0..n) can go into YAML: valid UTF-8 without NUL bytes. */
static int
yaml_safe(const char *s, size_t n)
{
	size_t i = 0;
	int bad;

	if (memchr(s, '\0', n) != NULL)
		return 0;
	while (i < n) {
		i += csm_utf8_scan(s + i, n - i, &bad);
		if (bad)
			return 0;
	}
	return 1;
}

/* Appends s[0..n) as a YAML double-quoted scalar. */
static void
yaml_str(struct csm_buf *b, const char *s, size_t n)
{
	size_t i;

	csm_buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			csm_buf_addc(b, '\\');
			csm_buf_addc(b, (char)c);
		} else if (c < 0x20 || c == 0x7f)
			csm_buf_printf(b, "\\x%02x", c);
		else
			csm_buf_addc(b, (char)c);
	}
	csm_buf_addc(b, '"');
}

/* Appends s[0..n) as a string literal of the expression language. */
static void
expr_str(struct csm_buf *b, const char *s, size_t n)
{
	size_t i;

	csm_buf_addc(b, '\'');
	for (i = 0; i < n; i++) {
		if (s[i] == '\'' || s[i] == '\\')
			csm_buf_addc(b, '\\');
		csm_buf_addc(b, s[i]);
	}
	csm_buf_addc(b, '\'');
}

/* A number for the config: %.15g, which reads back as the same text. */
static void
num_text(struct csm_buf *b, double x)
{
	char s[64];

	csm_fmt_num(x, 0, s);
	if (x != csm_round(x, 0) || fabs(x) >= 1e15)
		snprintf(s, sizeof(s), "%.15g", x);
	csm_buf_adds(b, s);
}

/* A number with d decimals, trailing zeros dropped. */
static void
dec_text(struct csm_buf *b, double x, int d)
{
	char s[64];
	size_t n;

	csm_fmt_num(x, d, s);
	n = strlen(s);
	if (strchr(s, '.') != NULL) {
		while (s[n - 1] == '0')
			n--;
		if (s[n - 1] == '.')
			n--;
		s[n] = '\0';
	}
	csm_buf_adds(b, s);
}

/*
 * The value csm-score will read for the text buf holds: numbers in the
 * config are read by csm_parse_num, which need not round the last bit as
 * strtod does, so every number csm-fit computes with is read back so.
 */
static double
read_back(const struct csm_buf *b)
{
	double d = 0;

	csm_parse_num(b->s, b->len, &d);
	return d;
}

/* x as num_text writes it, read back. */
static double
as_written(double x)
{
	struct csm_buf b;
	double d;

	csm_buf_init(&b);
	num_text(&b, x);
	d = read_back(&b);
	csm_buf_release(&b);
	return d;
}

/* x rounded to six significant digits, for knots people can read. */
static double
sig6(double x)
{
	char s[64];
	double d = 0;

	snprintf(s, sizeof(s), "%.6g", x);
	csm_parse_num(s, strlen(s), &d);
	return as_written(d);
}

/* x with d decimals, as dec_text writes it, read back. */
static double
dec_written(double x, int d)
{
	struct csm_buf b;
	double v;

	csm_buf_init(&b);
	dec_text(&b, x, d);
	v = read_back(&b);
	csm_buf_release(&b);
	return v;
}

static int
is_plain_name(const char *s)
{
	static const char *const reserved[] = {"and", "or", "not", "true",
		"false", "missing", NULL};
	size_t i;

	if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' ||
		    (s[i] >= '0' && s[i] <= '9')))
			return 0;
	for (i = 0; reserved[i] != NULL; i++)
		if (strcmp(s, reserved[i]) == 0)
			return 0;
	return 1;
}

/* ---- the features ----------------------------------------------------- */

static struct feature *
add_feature(struct ctx *c, const char *name, const char *label)
{
	struct feature *f;

	c->ft = csm_xreallocarray(c->ft, c->nft + 1, sizeof(*c->ft));
	f = &c->ft[c->nft++];
	memset(f, 0, sizeof(*f));
	f->name = csm_xstrdup(name);
	f->label = csm_xstrdup(label);
	f->col = -1;
	f->comp = -1;
	f->numeric = 1;
	f->isdate = 0;
	csm_map_init(&f->levels);
	return f;
}

/* A name for the output: the header normalised, unique among features. */
static char *
unique_name(const struct ctx *c, const char *s, size_t n)
{
	struct csm_buf b, nb;
	size_t i, k;
	char *out;

	csm_buf_init(&b);
	csm_buf_init(&nb);
	csm_col_norm(s, n, &b);
	if (b.s == NULL || b.s[0] == '\0') {
		csm_buf_reset(&b);
		csm_buf_printf(&b, "feature_%zu", c->nft + 1);
	}
	for (k = 1;; k++) {
		csm_buf_reset(&nb);
		csm_buf_adds(&nb, b.s);
		if (k > 1)
			csm_buf_printf(&nb, "_%zu", k);
		for (i = 0; i < c->nft; i++)
			if (strcmp(c->ft[i].name, nb.s) == 0)
				break;
		if (i == c->nft)
			break;
	}
	out = csm_buf_detach(&nb);
	csm_buf_release(&b);
	return out;
}

/* Whether a header can be written in an expression, `quoted`, and YAML. */
static int
nameable(const char *h, size_t hn)
{
	return memchr(h, '`', hn) == NULL && memchr(h, '\0', hn) == NULL &&
	    yaml_safe(h, hn);
}

static void
column_feature(struct ctx *c, size_t col)
{
	const char *h = c->cols->name[col];
	size_t hn = c->cols->len[col];
	struct csm_buf b;
	char *name;
	struct feature *f;

	if (!nameable(h, hn)) {
		csm_warn("column '%s': its name cannot be written in an "
		    "expression: left out", csm_q(h, hn));
		return;
	}
	name = unique_name(c, h, hn);
	csm_buf_init(&b);
	csm_buf_add(&b, h, hn);
	f = add_feature(c, name, b.s);
	f->col = (long)col;
	f->isdate = 1;
	csm_buf_reset(&b);
	if (is_plain_name(f->label))
		csm_buf_adds(&b, f->label);
	else
		csm_buf_printf(&b, "`%s`", f->label);
	f->ref = csm_buf_detach(&b);
	free(name);
}

/* A column a tool appends: never a feature unless named. */
static int
appended(const char *s, size_t n)
{
	return (n > 7 && memcmp(s, "health_", 7) == 0) ||
	    (n > 5 && memcmp(s, "risk_", 5) == 0) ||
	    (n == 17 && memcmp(s, "churn_probability", 17) == 0);
}

/* Marks the header columns that m matched (both, when ambiguous). */
static void
mark_match(unsigned char *mark, const struct csm_colmatch *m)
{
	if (m->idx >= 0)
		mark[m->idx] = 1;
	if (m->other >= 0)
		mark[m->other] = 1;
}

/*
 * With neither --features nor -c, every usable column is a feature: all
 * but the outcome's columns (those in the registry so far), account_id,
 * account_name, the columns the tools append and those whose name no
 * expression can hold (column_feature says so when it leaves one out).
 * Each is registered by its header, as not required.
 */
static void
register_every(struct csm_colreg *reg)
{
	const struct csm_cols *cols = reg->cols;
	unsigned char *skip = csm_xcalloc(cols->n + 1, 1);
	struct csm_colmatch m;
	size_t i, nout;

	csm_colreg_match(reg);
	nout = reg->n;
	for (i = 0; i < nout; i++)
		mark_match(skip, &reg->use[i].m);
	csm_cols_match(cols, "account_id", &m);
	mark_match(skip, &m);
	csm_cols_match(cols, "account_name", &m);
	mark_match(skip, &m);
	for (i = 0; i < cols->n; i++)
		if (!skip[i] && !appended(cols->name[i], cols->len[i]) &&
		    nameable(cols->name[i], cols->len[i]))
			csm_colreg_add(reg, cols->name[i], 0, "feature", NULL);
	free(skip);
}

/*
 * The columns this run uses, for the checks and --columns: what the
 * outcome reads, what the base config's components read, and the
 * features.
 */
static void
register_columns(const struct ctx *c, struct csm_colreg *reg,
    const struct csm_label *lb, char *const *list, size_t nlist)
{
	struct csm_buf who;
	size_t i;

	csm_label_register(lb, reg);
	csm_buf_init(&who);
	for (i = 0; c->has_base && i < c->base.ncomp; i++) {
		csm_buf_reset(&who);
		csm_buf_printf(&who, "component %s", c->base.comp[i].name);
		csm_colreg_add_expr(reg, c->base.comp[i].value, who.s);
	}
	csm_buf_release(&who);
	for (i = 0; i < nlist; i++)
		csm_colreg_add(reg, list[i], 1, "--features", NULL);
	if (nlist == 0 && !c->has_base)
		register_every(reg);
}

static void
setup_features(struct ctx *c, char *const *list, size_t nlist,
    const struct csm_label *lb)
{
	unsigned char *outcome, *named;
	size_t i, col;
	long k;

	outcome = c->used = csm_xcalloc(c->cols->n + 1, 1);
	named = c->named = csm_xcalloc(c->cols->n + 1, 1);
	csm_label_columns(lb, c->cols, outcome);
	for (i = 0; c->has_base && i < c->base.ncomp; i++) {
		const struct csm_component *cp = &c->base.comp[i];
		struct feature *f = add_feature(c, cp->name,
		    cp->value_node->str);

		f->comp = (long)i;
		f->ref = csm_xstrdup(cp->value_node->str);
		f->numeric = cp->mapping != CSM_MAP_TEXT;
	}
	for (i = 0; i < nlist; i++) {
		col = csm_cols_need(c->cols, list[i], "--features");
		if (outcome[col] || named[col])
			csm_usage_error(usage_text, "--features: column '%s' "
			    "is %s", csm_q(c->cols->name[col],
			    c->cols->len[col]), outcome[col] ? "what the "
			    "outcome is read from" : "named twice");
		named[col] = 1;
		column_feature(c, col);
	}
	if (nlist == 0 && !c->has_base) {
		if ((k = csm_cols_find(c->cols, "account_id")) >= 0)
			outcome[k] = 1;
		if ((k = csm_cols_find(c->cols, "account_name")) >= 0)
			outcome[k] = 1;
		for (i = 0; i < c->cols->n; i++)
			if (!outcome[i] && !appended(c->cols->name[i],
			    c->cols->len[i]))
				column_feature(c, i);
	}
	free(c->used);
	free(c->named);
	c->used = c->named = NULL;
	if (c->nft == 0)
		csm_die(EX_DATAERR, "%s: no column to fit on besides the "
		    "outcome", c->cols->file);
}

/* ---- reading ---------------------------------------------------------- */

static void
grow_rows(struct ctx *c)
{
	size_t i;

	c->cap = c->cap ? 2 * c->cap : 4096;
	c->y = csm_xreallocarray(c->y, c->cap, 1);
	for (i = 0; i < c->nft; i++) {
		c->ft[i].num = csm_xreallocarray(c->ft[i].num, c->cap,
		    sizeof(*c->ft[i].num));
		c->ft[i].lev = csm_xreallocarray(c->ft[i].lev, c->cap,
		    sizeof(*c->ft[i].lev));
	}
}

static void
intern(struct feature *f, size_t r, const char *s, size_t n)
{
	size_t k;
	int isnew;

	f->lev[r] = NOLEV;
	if (f->toomany)
		return;
	k = csm_map_put(&f->levels, s, n, &isnew);
	if (k >= f->levcap) {
		f->levcap = f->levcap ? 2 * f->levcap : 64;
		f->levcount = csm_xreallocarray(f->levcount, f->levcap,
		    sizeof(*f->levcount));
	}
	if (isnew)
		f->levcount[k] = 0;
	f->levcount[k]++;
	f->lev[r] = (uint32_t)k;
	if (f->levels.n > MAXDISTINCT)
		f->toomany = 1;
}

static void
read_column(struct ctx *c, struct feature *f, size_t r)
{
	const struct csm_tbl *t = c->t;
	const char *s = t->f[f->col];
	size_t n = t->flen[f->col];
	double d;
	long days;

	f->num[r] = NAN;
	f->lev[r] = NOLEV;
	csm_trim(&s, &n);
	if (n == 0 || csm_is_missing(s, n)) {
		f->nmissing++;
		return;
	}
	if (f->numeric) {
		if (csm_parse_num(s, n, &d) != CSM_OK)
			f->numeric = 0;
		else if (!isfinite(d))
			csm_cell_error(CSM_BAD_FAIL, t, c->cols->name[f->col],
			    c->cols->len[f->col], s, n, "a finite number",
			    NULL);
		else {
			f->num[r] = d;
			f->isdate = 0;
		}
	}
	if (!f->numeric && f->isdate) {
		if (csm_parse_date(s, n, c->cfg->date_format, &days) == CSM_OK)
			f->num[r] = (double)(c->today - days);
		else
			f->isdate = 0;
	}
	intern(f, r, s, n);
}

static void
read_component(struct ctx *c, struct feature *f, size_t r,
    struct csm_eval *ev)
{
	struct csm_subscore s;

	f->num[r] = NAN;
	f->lev[r] = NOLEV;
	csm_score_component(&c->base, (size_t)f->comp, ev, &s);
	if (s.status == CSM_MISSING) {
		f->nmissing++;
		return;
	}
	if (c->base.comp[f->comp].mapping == CSM_MAP_TEXT) {
		const char *p = s.text;
		size_t n = s.len;

		csm_trim(&p, &n);
		intern(f, r, p, n);
	} else
		f->num[r] = s.value;
}

static void
read_row(struct ctx *c, struct csm_label *lb, struct csm_eval *ev)
{
	size_t i, r;
	int y;

	if ((y = csm_label_get(lb, ev)) < 0)
		return;
	if (c->n == c->cap)
		grow_rows(c);
	r = c->n++;
	c->y[r] = (unsigned char)y;
	c->npos += (size_t)y;
	for (i = 0; i < c->nft; i++) {
		if (c->ft[i].comp >= 0)
			read_component(c, &c->ft[i], r, ev);
		else
			read_column(c, &c->ft[i], r);
	}
}

/* ---- what each feature becomes ---------------------------------------- */

/* "column 'Header'" or "component 'name'", for messages. */
static const char *
what(const struct feature *f)
{
	static char buf[CSM_QMAX * 4 + 32];
	const char *s = f->col >= 0 ? f->label : f->name;

	snprintf(buf, sizeof(buf), "%s '%s'", f->col >= 0 ? "column" :
	    "component", csm_q(s, strlen(s)));
	return buf;
}

static void
drop(const struct ctx *c, struct feature *f, const char *fmt, const char *arg)
{
	struct csm_buf b;

	csm_buf_init(&b);
	csm_buf_printf(&b, fmt, arg);
	note(c, "%s %s: left out", what(f), b.s);
	f->why = csm_buf_detach(&b);
	f->kind = K_DROP;
}

static void
decide_numeric(struct ctx *c, struct feature *f)
{
	double *v = csm_xcalloc(c->n + 1, sizeof(*v)), q;
	size_t i, m = 0, d = 0;

	for (i = 0; i < c->n; i++)
		if (!isnan(f->num[i]))
			v[m++] = f->num[i];
	qsort(v, m, sizeof(*v), cmp_double);
	/* Few values: a knot at each; else knots at the quantiles. */
	for (i = 0; i < m && d <= NKNOTS; i++)
		if (i == 0 || v[i] != v[i - 1])
			d++;
	f->nknot = 1;	/* knot[0] is for the sentinel */
	for (i = 0; i < (d <= NKNOTS ? m : NKNOTS); i++) {
		q = sig6(d <= NKNOTS ? v[i] : csm_stat_quantile(v, m,
		    knot_q[i]));
		if (f->nknot == 1 || q > f->knot[f->nknot - 1])
			f->knot[f->nknot++] = q;
	}
	/* Missing reads as the median, or as a knot of its own below. */
	f->impval = sig6(csm_stat_quantile(v, m, 0.5));
	f->knot[0] = floor(f->knot[1]) - 1;
	if (f->nmissing >= MINLEVEL && f->knot[0] < f->knot[1])
		f->sentinel = 1;
	else {
		memmove(f->knot, f->knot + 1, (f->nknot - 1) *
		    sizeof(f->knot[0]));
		f->nknot--;
	}
	free(v);
	if (f->nknot < 2) {
		struct csm_buf b;

		csm_buf_init(&b);
		num_text(&b, f->knot[0]);
		drop(c, f, "has only one value (%s)", b.s);
		csm_buf_release(&b);
		return;
	}
	f->kind = K_NUM;
	f->ncoef = f->nknot;
}

static const struct feature *sort_ft;

static int
cmp_level(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	const struct csm_map_ent *ea = &sort_ft->levels.ent[a];
	const struct csm_map_ent *eb = &sort_ft->levels.ent[b];
	size_t n = ea->klen < eb->klen ? ea->klen : eb->klen;
	int r;

	if (sort_ft->levcount[a] != sort_ft->levcount[b])
		return sort_ft->levcount[a] > sort_ft->levcount[b] ? -1 : 1;
	if ((r = memcmp(ea->key, eb->key, n)) != 0)
		return r;
	return (ea->klen > eb->klen) - (ea->klen < eb->klen);
}

static void
decide_text(const struct ctx *c, struct feature *f)
{
	size_t nlev = f->levels.n, i, pooled = 0, nbad = 0;
	size_t *ord;
	char n1[32];

	if (f->toomany) {
		snprintf(n1, sizeof(n1), "%d", MAXDISTINCT);
		drop(c, f, "has more than %s different values (too many to "
		    "map)", n1);
		return;
	}
	ord = csm_xcalloc(nlev + 1, sizeof(*ord));
	for (i = 0; i < nlev; i++)
		ord[i] = i;
	sort_ft = f;
	qsort(ord, nlev, sizeof(*ord), cmp_level);
	f->levcoef = csm_xcalloc(nlev + 1, sizeof(*f->levcoef));
	f->kept = csm_xcalloc(nlev + 1, sizeof(*f->kept));
	for (i = 0; i < nlev; i++) {
		size_t k = ord[i];
		const struct csm_map_ent *e = &f->levels.ent[k];

		f->levcoef[k] = NOLEV;
		if (f->levcount[k] < MINLEVEL || f->nkept == MAXLEVELS) {
			pooled += f->levcount[k];
			continue;
		}
		if (!yaml_safe(e->key, e->klen) ||
		    (e->klen == strlen(MISSING_KEY) &&
		    memcmp(e->key, MISSING_KEY, e->klen) == 0)) {
			nbad++;
			pooled += f->levcount[k];
			continue;
		}
		f->levcoef[k] = (uint32_t)f->nkept;
		f->kept[f->nkept++] = k;
	}
	if (f->nkept == MAXLEVELS && nlev > MAXLEVELS)
		note(c, "%s: the %d most frequent of its %zu values are "
		    "mapped, the others get the default", what(f), MAXLEVELS,
		    nlev);
	if (nbad > 0)
		note(c, "%s: %zu value%s not valid UTF-8 text (or "
		    "'%s'): %s the default", what(f), nbad, nbad == 1 ?
		    " is" : "s are", MISSING_KEY, nbad == 1 ? "it gets" :
		    "they get");
	f->misslevel = f->nmissing >= MINLEVEL;
	free(ord);
	if (f->nkept == 0 && !f->misslevel) {
		snprintf(n1, sizeof(n1), "%d", MINLEVEL);
		drop(c, f, "has no value in %s rows or more", n1);
		return;
	}
	if (f->nkept + (size_t)f->misslevel + (pooled > 0 ||
	    (f->nmissing > 0 && !f->misslevel)) < 2) {
		struct csm_buf b;

		csm_buf_init(&b);
		if (f->nkept == 1)
			csm_buf_printf(&b, "'%s'", csm_q(
			    f->levels.ent[f->kept[0]].key,
			    f->levels.ent[f->kept[0]].klen));
		else
			csm_buf_adds(&b, "missing");
		drop(c, f, "has only one value (%s)", b.s);
		csm_buf_release(&b);
		return;
	}
	f->kind = K_CAT;
	f->ncoef = f->nkept + (size_t)f->misslevel;
}

static void
decide(struct ctx *c)
{
	size_t i, used = 0, ncoef = 0;

	for (i = 0; i < c->nft; i++) {
		struct feature *f = &c->ft[i];

		if (f->nmissing == c->n)
			drop(c, f, "is missing in every row%s", "");
		else if (f->numeric)
			decide_numeric(c, f);
		else if (f->isdate) {
			/* a date: a number, the days since it */
			char *ref = f->ref;
			struct csm_buf b;

			csm_buf_init(&b);
			csm_buf_printf(&b, "days_since(%s)", ref);
			f->ref = csm_buf_detach(&b);
			free(ref);
			decide_numeric(c, f);
		} else
			decide_text(c, f);
		if (f->kind == K_DROP)
			continue;
		f->coef0 = ncoef;
		ncoef += f->ncoef;
		used++;
	}
	if (used == 0)
		csm_die(EX_DATAERR, "no feature is left to fit on");
}

/* ---- the model -------------------------------------------------------- */

/* The value a numeric feature reads in row r, missing made a knot. */
static double
num_value(const struct feature *f, size_t r)
{
	if (!isnan(f->num[r]))
		return f->num[r];
	return f->sentinel ? f->knot[0] : f->impval;
}

/* The two basis entries of x: linear between the knots around it. */
static void
num_basis(const struct feature *f, double x, uint32_t *col, double *val)
{
	size_t j;
	double t;

	col[0] = (uint32_t)f->coef0;
	val[0] = 1;
	col[1] = CSM_LOGIT_NONE;
	val[1] = 0;
	if (x <= f->knot[0])
		return;
	for (j = 1; j < f->nknot; j++)
		if (x < f->knot[j])
			break;
	if (j == f->nknot) {
		col[0] = (uint32_t)(f->coef0 + f->nknot - 1);
		return;
	}
	t = (x - f->knot[j - 1]) / (f->knot[j] - f->knot[j - 1]);
	if (!(t >= 0 && t <= 1))	/* spans beyond a double: the ends */
		t = t > 1 ? 1 : 0;
	col[0] = (uint32_t)(f->coef0 + j - 1);
	val[0] = 1 - t;
	col[1] = (uint32_t)(f->coef0 + j);
	val[1] = t;
}

/* The coefficient a text feature's row reads, or CSM_LOGIT_NONE. */
static uint32_t
text_coef(const struct feature *f, size_t r)
{
	if (f->lev[r] == NOLEV)
		return f->misslevel ? (uint32_t)(f->coef0 + f->ncoef - 1) :
		    CSM_LOGIT_NONE;
	if (f->levcoef[f->lev[r]] == NOLEV)
		return CSM_LOGIT_NONE;
	return (uint32_t)(f->coef0 + f->levcoef[f->lev[r]]);
}

static void
build_model(struct ctx *c)
{
	size_t i, j, ncoef = 0, k = 0;

	for (j = 0; j < c->nft; j++)
		if (c->ft[j].kind != K_DROP) {
			ncoef += c->ft[j].ncoef;
			k += 2;
		}
	csm_logit_init(&c->m, c->n, k, ncoef);
	for (i = 0; i < c->n; i++) {
		uint32_t *col = c->m.col + i * k;
		double *val = c->m.val + i * k;

		c->m.y[i] = c->y[i];
		for (j = 0; j < c->nft; j++) {
			struct feature *f = &c->ft[j];

			f->entry = (size_t)(col - (c->m.col + i * k));
			if (f->kind == K_NUM)
				num_basis(f, num_value(f, i), col, val);
			else if (f->kind == K_CAT) {
				col[0] = text_coef(f, i);
				val[0] = 1;
			} else
				continue;
			col += 2;
			val += 2;
		}
	}
}

static void
fit(struct ctx *c, const unsigned char *use, const char *what)
{
	if (!csm_logit_fit(&c->m, use, c->l2, MAXITER))
		csm_warn("%s: the fit did not converge in %d Newton steps; "
		    "the coefficients are where it stopped", what, MAXITER);
}

/* A row's position in its fold: positives and negatives dealt apart. */
static void
assign_folds(const struct ctx *c, unsigned char *fold)
{
	size_t *idx = csm_xcalloc(c->n + 1, sizeof(*idx));
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	size_t i, j, m, cls, tmp;

	for (cls = 0; cls < 2; cls++) {
		for (i = m = 0; i < c->n; i++)
			if (c->y[i] == cls)
				idx[m++] = i;
		/* Fisher-Yates with a fixed xorshift64: deterministic. */
		for (i = m; i > 1; i--) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			j = (size_t)(s % i);
			tmp = idx[i - 1];
			idx[i - 1] = idx[j];
			idx[j] = tmp;
		}
		for (i = 0; i < m; i++)
			fold[idx[i]] = (unsigned char)(i % (size_t)c->folds);
	}
	free(idx);
}

/* Fits on every row, then K times on all folds but one. */
static void
cross_validate(struct ctx *c, double *oof)
{
	unsigned char *fold = csm_xcalloc(c->n + 1, 1);
	unsigned char *use = csm_xcalloc(c->n + 1, 1);
	double *beta = csm_xcalloc(c->m.ncol + 1, sizeof(*beta)), b0;
	char what[64];
	size_t i;
	int k, iter;

	fit(c, NULL, "all rows");
	iter = c->m.iter;
	b0 = c->m.b0;
	memcpy(beta, c->m.beta, c->m.ncol * sizeof(*beta));
	assign_folds(c, fold);
	for (k = 0; k < c->folds; k++) {
		for (i = 0; i < c->n; i++)
			use[i] = fold[i] != k;
		snprintf(what, sizeof(what), "fold %d of %d", k + 1, c->folds);
		fit(c, use, what);
		for (i = 0; i < c->n; i++)
			if (fold[i] == k)
				/* rounded: equal predictions of two folds
				 * tie, as they print */
				oof[i] = csm_round(csm_logit_prob(
				    csm_logit_eta(&c->m, i)), 9);
		c->m.b0 = b0;
		memcpy(c->m.beta, beta, c->m.ncol * sizeof(*beta));
	}
	c->m.iter = iter;
	free(fold);
	free(use);
	free(beta);
}

/* The lift table of the out-of-fold probabilities, on stderr. */
static void
cv_report(struct ctx *c, const double *oof)
{
	size_t *perm = csm_stat_order(oof, c->n), i;
	double *r = csm_xcalloc(c->n + 1, sizeof(*r));
	unsigned char *y = csm_xcalloc(c->n + 1, 1);
	struct csm_lift l;
	struct csm_out o;

	for (i = 0; i < c->n; i++) {
		r[i] = oof[perm[i]];
		y[i] = c->y[perm[i]];
	}
	csm_lift_init(&l, "cv_probability", 1);
	csm_lift_add(&l, "all", r, y, r, c->n);
	csm_lift_bins(&l, r, y, r, r, c->n, 10);
	c->cv_auc = l.row[0].rank.auc;
	c->cv_ci = l.row[0].rank.has_ci;
	c->cv_lo = l.row[0].rank.lo;
	c->cv_hi = l.row[0].rank.hi;
	c->cv_brier = l.row[0].brier;
	csm_out_init(&o, 2, "<stderr>", ',');
	csm_out_printf(&o, "%s: %d-fold cross-validation of the fit (each "
	    "row predicted by the model fitted on the other folds):\n\n",
	    csm_progname(), c->folds);
	csm_lift_write(&l, &o, CSM_LIFT_MD);
	csm_out_release(&o);
	csm_lift_release(&l);
	free(perm);
	free(r);
	free(y);
}

/* Each feature's effect: log-odds per knot or value, range, own AUC. */
static void
effects(struct ctx *c)
{
	double *risk = csm_xcalloc(c->n + 1, sizeof(*risk)), total = 0;
	size_t i, j;
	struct csm_rank rk;

	for (j = 0; j < c->nft; j++) {
		struct feature *f = &c->ft[j];

		if (f->kind == K_DROP)
			continue;
		f->f = csm_xcalloc(f->ncoef + 1, sizeof(*f->f));
		for (i = 0; i < f->ncoef; i++)
			f->f[i] = c->m.beta[f->coef0 + i];
		f->fmin = f->fmax = f->kind == K_CAT ? 0 : f->f[0];
		for (i = 0; i < f->ncoef; i++) {
			if (f->f[i] < f->fmin)
				f->fmin = f->f[i];
			if (f->f[i] > f->fmax)
				f->fmax = f->f[i];
		}
		total += f->fmax - f->fmin;
		/* The feature's part of each row's log-odds. */
		for (i = 0; i < c->n; i++) {
			const uint32_t *col = c->m.col + i * c->m.k;
			const double *val = c->m.val + i * c->m.k;
			size_t e;

			risk[i] = 0;
			for (e = f->entry; e < f->entry + 2; e++)
				if (col[e] != CSM_LOGIT_NONE)
					risk[i] += c->m.beta[col[e]] * val[e];
		}
		csm_stat_rank_unsorted(risk, c->y, c->n, &rk);
		f->has_auc = rk.has_auc;
		f->auc = rk.auc;
		if (rk.has_auc && rk.auc >= 0.99)
			csm_warn("%s alone predicts the outcome almost "
			    "perfectly (AUC %.4f): is it the outcome itself, "
			    "or known only after it?", what(f), rk.auc);
	}
	for (j = 0; j < c->nft; j++) {
		struct feature *f = &c->ft[j];

		if (f->kind == K_DROP)
			continue;
		f->weight = total > 0 ? 100 * (f->fmax - f->fmin) / total : 0;
		if (f->weight < 0.005) {
			note(c, "%s has no effect in the fit: left out",
			    what(f));
			f->why = csm_xstrdup("no effect in the fit");
			f->kind = K_DROP;
		}
	}
	free(risk);
}

/* ---- the config -------------------------------------------------------- */

/* Features in the config's order: heaviest first, then input order. */
static const struct feature *sort_all;

static int
cmp_weight(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

	if (sort_all[a].weight != sort_all[b].weight)
		return sort_all[a].weight > sort_all[b].weight ? -1 : 1;
	return (a > b) - (a < b);
}

static size_t *
by_weight(const struct ctx *c, size_t *n)
{
	size_t *ord = csm_xcalloc(c->nft + 1, sizeof(*ord)), i;

	*n = 0;
	for (i = 0; i < c->nft; i++)
		if (c->ft[i].kind != K_DROP)
			ord[(*n)++] = i;
	sort_all = c->ft;
	qsort(ord, *n, sizeof(*ord), cmp_weight);
	return ord;
}

/* The component's value: missing made what the fit read for it. */
static void
value_expr(const struct feature *f, struct csm_buf *b)
{
	struct csm_experr err;
	struct csm_expr *e;
	size_t start = b->len;

	csm_buf_printf(b, "coalesce(%s, ", f->ref);
	if (f->kind == K_NUM)
		num_text(b, f->sentinel ? f->knot[0] : f->impval);
	else
		expr_str(b, MISSING_KEY, strlen(MISSING_KEY));
	csm_buf_addc(b, ')');
	/* A base component's map of numbers: its value as it is. */
	e = csm_expr_compile(b->s + start, b->len - start, &err);
	if (e != NULL) {
		csm_expr_free(e);
		return;
	}
	b->len = start;
	csm_buf_adds(b, f->ref);
}

/* A sub-score: where log-odds fv falls between the feature's extremes. */
static double
subscore(const struct feature *f, double fv)
{
	return 100 * (f->fmax - fv) / (f->fmax - f->fmin);
}

static void
name_text(struct csm_buf *b, const char *s)
{
	if (is_plain_name(s))
		csm_buf_adds(b, s);
	else
		yaml_str(b, s, strlen(s));
}

static void
score_component(const struct feature *f, struct csm_buf *b)
{
	struct csm_buf v;
	size_t i;

	csm_buf_adds(b, "    - name: ");
	name_text(b, f->name);
	if (f->col >= 0) {
		csm_buf_adds(b, "\n      label: ");
		yaml_str(b, f->label, strlen(f->label));
	}
	csm_buf_adds(b, "\n      weight: ");
	dec_text(b, f->weight, 2);
	csm_buf_adds(b, "\n      value: ");
	csm_buf_init(&v);
	csm_buf_adds(&v, "");
	value_expr(f, &v);
	yaml_str(b, v.s, v.len);
	csm_buf_release(&v);
	if (f->kind == K_NUM) {
		csm_buf_adds(b, "\n      points: [");
		for (i = 0; i < f->nknot; i++) {
			csm_buf_adds(b, i ? ", [" : "[");
			num_text(b, f->knot[i]);
			csm_buf_adds(b, ", ");
			dec_text(b, subscore(f, f->f[i]), 1);
			csm_buf_adds(b, "]");
		}
		csm_buf_adds(b, "]\n");
		return;
	}
	csm_buf_adds(b, "\n      map:\n");
	for (i = 0; i < f->nkept; i++) {
		const struct csm_map_ent *e = &f->levels.ent[f->kept[i]];

		csm_buf_adds(b, "        ");
		yaml_str(b, e->key, e->klen);
		csm_buf_adds(b, ": ");
		dec_text(b, subscore(f, f->f[i]), 1);
		csm_buf_addc(b, '\n');
	}
	if (f->misslevel) {
		csm_buf_adds(b, "        ");
		yaml_str(b, MISSING_KEY, strlen(MISSING_KEY));
		csm_buf_adds(b, ": ");
		dec_text(b, subscore(f, f->f[f->ncoef - 1]), 1);
		csm_buf_addc(b, '\n');
	}
	csm_buf_adds(b, "      default: ");
	dec_text(b, subscore(f, 0), 1);
	csm_buf_addc(b, '\n');
}

/* The top-level keys of the base config a fitted one keeps. */
static void
base_keys(const struct ctx *c, struct csm_buf *b)
{
	const struct csm_node *u = c->cfg->user, *nd;
	size_t i;

	if (u == NULL)
		return;
	if ((nd = csm_node_get(u, "columns")) != NULL && nd->n > 0) {
		csm_buf_adds(b, "columns:\n");
		for (i = 0; i + 1 < nd->n; i += 2) {
			csm_buf_adds(b, "  ");
			yaml_str(b, nd->kid[i]->str, nd->kid[i]->len);
			csm_buf_adds(b, ": ");
			yaml_str(b, nd->kid[i + 1]->str, nd->kid[i + 1]->len);
			csm_buf_addc(b, '\n');
		}
	}
	if ((nd = csm_node_get(u, "date_format")) != NULL) {
		csm_buf_adds(b, "date_format: ");
		yaml_str(b, nd->str, nd->len);
		csm_buf_addc(b, '\n');
	}
	if ((nd = csm_node_get(u, "bad_values")) != NULL)
		csm_buf_printf(b, "bad_values: %s\n", nd->str);
}

static void
score_section(const struct ctx *c, const size_t *ord, size_t nord,
    const char *bands, const char *cal, struct csm_buf *b)
{
	size_t i;

	base_keys(c, b);
	csm_buf_adds(b, "score:\n  missing: renormalize\n  precision: 0\n"
	    "  bands:\n");
	csm_buf_adds(b, bands);
	csm_buf_adds(b, "  components:\n");
	for (i = 0; i < nord; i++)
		score_component(&c->ft[ord[i]], b);
	if (cal != NULL) {
		csm_buf_adds(b, "  calibration:\n");
		csm_buf_adds(b, cal);
	}
}

/* Loads config text, dying as a bug would: csm-fit wrote it. */
static void
load_text(struct csm_cfg *cfg, const struct csm_buf *b)
{
	csm_cfg_load_text(cfg, b->s, b->len, "<fitted config>");
}

/* The fitted score of every row, as csm-score computes it from text. */
static double *
score_rows(const struct ctx *c, const size_t *ord, size_t nord,
    const struct csm_score *sc)
{
	double *h = csm_xcalloc(c->n + 1, sizeof(*h));
	double *sub = csm_xcalloc(nord + 1, sizeof(*sub));
	unsigned char *present = csm_xcalloc(nord + 1, 1);
	size_t r, i;

	memset(present, 1, nord);
	for (r = 0; r < c->n; r++) {
		for (i = 0; i < nord; i++) {
			const struct feature *f = &c->ft[ord[i]];
			const char *s = MISSING_KEY;
			size_t n = strlen(MISSING_KEY);

			if (f->kind == K_NUM) {
				csm_score_map(&sc->comp[i], num_value(f, r),
				    NULL, 0, &sub[i]);
				continue;
			}
			if (f->lev[r] != NOLEV) {
				s = f->levels.ent[f->lev[r]].key;
				n = f->levels.ent[f->lev[r]].klen;
			}
			if (csm_score_map(&sc->comp[i], 0, s, n, &sub[i]) !=
			    CSM_OK)
				csm_die(EX_SOFTWARE, "fitted component '%s' "
				    "has no score for '%s'", f->name,
				    csm_q(s, n));
		}
		if (!csm_score_combine(sc, sub, present, &h[r]))
			h[r] = 0;
	}
	free(sub);
	free(present);
	return h;
}

/* How values v rank the outcome: higher riskier when risky, else healthier. */
static void
rank_of(const struct ctx *c, const double *v, int risky, struct csm_rank *rk)
{
	double *risk = csm_xcalloc(c->n + 1, sizeof(*risk));
	size_t i;

	for (i = 0; i < c->n; i++)
		risk[i] = risky ? v[i] : -v[i];
	csm_stat_rank_unsorted(risk, c->y, c->n, rk);
	free(risk);
}

/*
 * The outcome's log-odds as a line in a score (v/100): a + b*v/100, by
 * the same regression with one feature and a negligible penalty.
 */
static void
line_fit(const struct ctx *c, const double *v, double *a, double *b)
{
	struct csm_logit m;
	size_t i;

	csm_logit_init(&m, c->n, 1, 1);
	for (i = 0; i < c->n; i++) {
		m.col[i] = 0;
		m.val[i] = v[i] / 100;
		m.y[i] = c->y[i];
	}
	csm_logit_fit(&m, NULL, 1e-6, MAXITER);
	*a = m.b0;
	*b = m.beta[0];
	csm_logit_release(&m);
}

/* The calibration table: churn probability every CALSTEP points. */
static void
calibration(const struct ctx *c, const double *h, struct csm_buf *cal)
{
	double a, b, p;
	int s;

	line_fit(c, h, &a, &b);
	if (!(b < 0)) {
		csm_warn("the fitted score does not rank the outcome: the "
		    "calibration gives every score the outcome rate");
		a = log((double)c->npos / (double)(c->n - c->npos));
		b = 0;
	}
	for (s = 0; s <= 100; s += CALSTEP) {
		p = csm_logit_prob(a + b * s / 100.0);
		csm_buf_printf(cal, "    - [%d, ", s);
		dec_text(cal, p, 4);
		csm_buf_adds(cal, "]\n");
	}
}

static const char *const band_names[MAXCUTS][MAXCUTS + 1] = {
	{"green", "red"},
	{"green", "yellow", "red"},
	{"green", "yellow", "orange", "red"},
	{"green", "lime", "yellow", "orange", "red"}
};
static const char *const tier_names[MAXCUTS][MAXCUTS] = {
	{"high"},
	{"high", "medium"},
	{"critical", "high", "medium"},
	{"critical", "high", "medium", "low"}
};

static void
cut_text(struct csm_buf *b, const struct band_spec *bs, size_t j)
{
	dec_text(b, 100 * bs->cut[j], 2);
	csm_buf_addc(b, '%');
}

/* Dies: --bands cannot cut there; msg follows "--bands SPEC: ". */
static CSM_NORETURN void
bad_cuts(const struct band_spec *bs, const char *fmt, ...)
{
	va_list ap;
	char msg[300];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	csm_die(EX_DATAERR, "--bands %s: %s", bs->text, msg);
}

/*
 * mins[j]: the score where cut j falls (cuts ascending).  quantiles: the
 * band above the cut starts past the score's quantile q, so the band
 * below holds the scores up to q, ties included (q rounded down to
 * digits decimals, plus one step); a risk tier starts at q, ties included
 * (q rounded up).  rates: the lowest whole score whose churn probability
 * p[score] is at or below the cut (or at or above it, risky: a risk
 * score's probability rises with it).
 */
static void
cut_scores(const struct ctx *c, const double *v, int risky, const double *p,
    int digits, double *mins)
{
	const struct band_spec *bs = &c->bands;
	double *sorted;
	size_t j, s;

	if (!bs->rates) {
		sorted = csm_xcalloc(c->n + 1, sizeof(*sorted));
		memcpy(sorted, v, c->n * sizeof(*sorted));
		qsort(sorted, c->n, sizeof(*sorted), cmp_double);
		for (j = 0; j < bs->n; j++) {
			double q = csm_stat_quantile(sorted, c->n, bs->cut[j]);
			double u = pow(10, digits);

			mins[j] = risky ? ceil(q * u - 1e-9) / u :
			    (floor(q * u + 1e-9) + 1) / u;
		}
		for (j = 1; j < bs->n; j++)
			if (mins[j] <= mins[j - 1]) {
				double q = csm_stat_quantile(sorted, c->n,
				    bs->cut[j]);

				free(sorted);
				bad_cuts(bs, "two cuts fall on one score (%g): "
				    "too many equal scores to cut there", q);
			}
		free(sorted);
		return;
	}
	for (j = 0; j < bs->n; j++) {
		for (s = 0; s <= 100; s++)
			if (risky ? p[s] >= bs->cut[j] : p[s] <= bs->cut[j])
				break;
		if (s > 100)
			bad_cuts(bs, "no score from 0 to 100 has a churn "
			    "probability of %g%% or %s (it is %.4f at 100)",
			    100 * bs->cut[j], risky ? "more" : "less", p[100]);
		mins[j] = (double)s;
	}
	for (j = 1; j < bs->n; j++)
		if (mins[j] == mins[j - 1])
			bad_cuts(bs, "two churn rates fall on one score (%g): "
			    "choose rates further apart", mins[j]);
}

/* The bands: highest first, the last one from 0. */
static void
bands_text(const struct ctx *c, const double *h, const struct csm_score *sc,
    struct csm_buf *out)
{
	const struct band_spec *bs = &c->bands;
	double p[101], mins[MAXCUTS];
	size_t j, s;

	for (s = 0; s <= 100; s++)
		if (!csm_score_churn(sc, (double)s, &p[s]))
			p[s] = 0;
	cut_scores(c, h, 0, p, 0, mins);
	if (bs->rates && mins[bs->n - 1] <= 0)
		bad_cuts(bs, "every score has a churn probability of %g%% or "
		    "less (it is %.4f at 0): the lowest band would be empty",
		    100 * bs->cut[bs->n - 1], p[0]);
	if (!bs->rates && mins[bs->n - 1] > 100)
		bad_cuts(bs, "the score's %g%% quantile is its top, 100: the "
		    "highest band would be empty", 100 * bs->cut[bs->n - 1]);
	for (j = 0; j <= bs->n; j++) {
		csm_buf_printf(out, "    - {name: %s, min: ",
		    band_names[bs->n - 1][j]);
		if (j < bs->n)
			/* green holds the lowest rate: the last cut */
			num_text(out, bs->rates ? mins[j] :
			    mins[bs->n - 1 - j]);
		else
			csm_buf_adds(out, "0");
		csm_buf_adds(out, "}\n");
	}
}

/* ---- --risk: signals with points --------------------------------------- */

enum test { T_LT = 1, T_RANGE, T_GE, T_PRESENT, T_MISSING, T_LEVEL, T_OTHER };

struct sig {
	char *name;
	char *when;
	char *reason;
	double points;
	const struct feature *f;
	int test;
	double lo, hi;
	uint32_t lev;
};

struct sigs {
	struct sig *s;
	size_t n;
};

/* Whether signal s fires on row r, as csm-risk evaluates its `when`. */
static int
fires(const struct sig *s, size_t r)
{
	const struct feature *f = s->f;
	double x;
	uint32_t lev;

	if (f->kind == K_NUM) {
		x = f->num[r];
		switch (s->test) {
		case T_MISSING:
			return isnan(x);
		case T_PRESENT:
			return !isnan(x);
		case T_LT:
			return !isnan(x) && x < s->hi;
		case T_RANGE:
			return !isnan(x) && x >= s->lo && x < s->hi;
		case T_GE:
			return !isnan(x) && x >= s->lo;
		}
		return 0;
	}
	lev = f->lev[r];
	switch (s->test) {
	case T_MISSING:
		return lev == NOLEV;
	case T_PRESENT:
		return lev != NOLEV;
	case T_LEVEL:
		return lev == s->lev;
	case T_OTHER:
		return lev == NOLEV ? !f->misslevel :
		    f->levcoef[lev] == NOLEV;
	}
	return 0;
}

/* Text for a reason: braces would start a template part. */
static void
reason_add(struct csm_buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		csm_buf_addc(b, s[i] == '{' ? '(' : s[i] == '}' ? ')' : s[i]);
}

/* A signal name: the feature's and what fires it, unique, normalised. */
static char *
sig_name(const struct sigs *ss, const char *feature, const char *what)
{
	struct csm_buf b, nb;
	size_t i, k;

	csm_buf_init(&b);
	csm_buf_init(&nb);
	csm_buf_printf(&b, "%s_%s", feature, what);
	for (k = 1;; k++) {
		csm_buf_reset(&nb);
		csm_col_norm(b.s, b.len, &nb);
		if (k > 1)
			csm_buf_printf(&nb, "_%zu", k);
		for (i = 0; i < ss->n; i++)
			if (strcmp(ss->s[i].name, nb.s) == 0)
				break;
		if (i == ss->n)
			break;
	}
	csm_buf_release(&b);
	return csm_buf_detach(&nb);
}

/*
 * Adds a signal worth g log-odds (scaled into points) unless it rounds to
 * nothing or its condition cannot be compiled; returns it or NULL.
 */
static struct sig *
add_sig(struct sigs *ss, const struct feature *f, int test, double g,
    double scale, const char *suffix, const char *when, const char *reason)
{
	struct csm_experr err;
	struct csm_expr *e;
	struct sig *s;
	double pts = dec_written(g * scale, 1);

	if (pts < 0.1)
		return NULL;
	e = csm_expr_compile(when, strlen(when), &err);
	if (e != NULL && csm_expr_want(e, CSM_T_BOOL, &err) != 0) {
		csm_expr_free(e);
		e = NULL;
	}
	if (e == NULL) {
		csm_warn("%s: no signal for '%s' (%s)", what(f), when,
		    err.msg);
		return NULL;
	}
	csm_expr_free(e);
	ss->s = csm_xreallocarray(ss->s, ss->n + 1, sizeof(*ss->s));
	s = &ss->s[ss->n];
	memset(s, 0, sizeof(*s));
	s->name = sig_name(ss, f->name, suffix);
	ss->n++;
	s->f = f;
	s->test = test;
	s->points = pts;
	s->when = csm_xstrdup(when);
	s->reason = csm_xstrdup(reason);
	return s;
}

/* log-odds of a numeric feature at x, as the fit's basis reads it. */
static double
num_effect(const struct feature *f, double x)
{
	uint32_t col[2];
	double val[2], e;

	num_basis(f, x, col, val);
	e = f->f[col[0] - f->coef0] * val[0];
	if (col[1] != CSM_LOGIT_NONE)
		e += f->f[col[1] - f->coef0] * val[1];
	return e;
}

static void
num_signals(struct sigs *ss, const struct feature *f, double scale)
{
	const double *kn = f->knot + f->sentinel;
	size_t nk = f->nknot - (size_t)f->sentinel, j;
	const char *x = f->ref;
	struct csm_buf w, r, sfx, ex;
	double m[NKNOTS], gmiss;
	char a[64], b[64];

	csm_buf_init(&w);
	csm_buf_init(&r);
	csm_buf_init(&sfx);
	csm_buf_init(&ex);
	if (f->col < 0)
		csm_buf_printf(&ex, "(%s)", f->ref);
	else
		csm_buf_adds(&ex, f->ref);
	x = ex.s;
	for (j = 0; j + 1 < nk; j++) {
		snprintf(a, sizeof(a), "%.10g", (kn[j] + kn[j + 1]) / 2);
		csm_parse_num(a, strlen(a), &m[j]);
	}
	for (j = 0; j < nk; j++) {
		struct sig *s;
		int test = nk == 1 ? T_PRESENT : j == 0 ? T_LT :
		    j + 1 == nk ? T_GE : T_RANGE;

		csm_buf_reset(&w);
		csm_buf_reset(&r);
		csm_buf_reset(&sfx);
		if (f->isdate)
			csm_buf_adds(&r, "days since ");
		reason_add(&r, f->label, strlen(f->label));
		snprintf(a, sizeof(a), "%.10g", j > 0 ? m[j - 1] : 0);
		snprintf(b, sizeof(b), "%.10g", j + 1 < nk ? m[j] : 0);
		switch (test) {
		case T_PRESENT:
			csm_buf_printf(&w, "not missing(%s)", x);
			csm_buf_adds(&r, " present");
			csm_buf_adds(&sfx, "present");
			break;
		case T_LT:
			csm_buf_printf(&w, "%s < %s", x, b);
			csm_buf_printf(&r, " below %s", b);
			csm_buf_printf(&sfx, "below_%s", b);
			break;
		case T_RANGE:
			csm_buf_printf(&w, "%s >= %s and %s < %s", x, a, x, b);
			csm_buf_printf(&r, " %s to %s", a, b);
			csm_buf_printf(&sfx, "%s_to_%s", a, b);
			break;
		default:
			csm_buf_printf(&w, "%s >= %s", x, a);
			csm_buf_printf(&r, " %s or more", a);
			csm_buf_printf(&sfx, "%s_plus", a);
		}
		s = add_sig(ss, f, test, f->f[j + (size_t)f->sentinel] -
		    f->fmin, scale, sfx.s, w.s, r.s);
		if (s != NULL) {
			s->lo = j > 0 ? m[j - 1] : 0;
			s->hi = j + 1 < nk ? m[j] : 0;
		}
	}
	gmiss = (f->sentinel ? f->f[0] : num_effect(f, f->impval)) - f->fmin;
	csm_buf_reset(&w);
	csm_buf_reset(&r);
	csm_buf_printf(&w, "missing(%s)", x);
	reason_add(&r, f->label, strlen(f->label));
	csm_buf_adds(&r, " missing");
	add_sig(ss, f, T_MISSING, gmiss, scale, "missing", w.s, r.s);
	csm_buf_release(&w);
	csm_buf_release(&r);
	csm_buf_release(&sfx);
	csm_buf_release(&ex);
}

static void
text_signals(struct sigs *ss, const struct feature *f, double scale)
{
	struct csm_buf w, r, x;
	size_t i;

	csm_buf_init(&w);
	csm_buf_init(&r);
	csm_buf_init(&x);
	if (f->col < 0)
		csm_buf_printf(&x, "(%s)", f->ref);
	else
		csm_buf_adds(&x, f->ref);
	for (i = 0; i < f->nkept; i++) {
		const struct csm_map_ent *e = &f->levels.ent[f->kept[i]];
		struct sig *s;

		csm_buf_reset(&w);
		csm_buf_reset(&r);
		csm_buf_printf(&w, "%s == ", x.s);
		expr_str(&w, e->key, e->klen);
		reason_add(&r, f->label, strlen(f->label));
		csm_buf_adds(&r, " is ");
		reason_add(&r, e->key, e->klen);
		s = add_sig(ss, f, T_LEVEL, f->f[i] - f->fmin, scale, e->key,
		    w.s, r.s);
		if (s != NULL)
			s->lev = (uint32_t)f->kept[i];
	}
	if (f->misslevel) {
		csm_buf_reset(&w);
		csm_buf_reset(&r);
		csm_buf_printf(&w, "missing(%s)", x.s);
		reason_add(&r, f->label, strlen(f->label));
		csm_buf_adds(&r, " missing");
		add_sig(ss, f, T_MISSING, f->f[f->ncoef - 1] - f->fmin, scale,
		    "missing", w.s, r.s);
	}
	csm_buf_reset(&w);
	csm_buf_reset(&r);
	if (!f->misslevel)
		csm_buf_printf(&w, "missing(%s) or ", x.s);
	if (f->nkept == 0)
		csm_buf_printf(&w, "not missing(%s)", x.s);
	else {
		csm_buf_printf(&w, "not in(%s", x.s);
		for (i = 0; i < f->nkept; i++) {
			csm_buf_adds(&w, ", ");
			expr_str(&w, f->levels.ent[f->kept[i]].key,
			    f->levels.ent[f->kept[i]].klen);
		}
		csm_buf_addc(&w, ')');
	}
	reason_add(&r, f->label, strlen(f->label));
	csm_buf_adds(&r, " is another value");
	add_sig(ss, f, T_OTHER, -f->fmin, scale, "other", w.s, r.s);
	csm_buf_release(&w);
	csm_buf_release(&r);
	csm_buf_release(&x);
}

/* Every row's risk_score: the points of its signals, at most 100. */
static double *
risk_rows(const struct ctx *c, const struct sigs *ss)
{
	double *v = csm_xcalloc(c->n + 1, sizeof(*v)), sum;
	size_t r, i;

	for (r = 0; r < c->n; r++) {
		sum = 0;
		for (i = 0; i < ss->n; i++)
			if (fires(&ss->s[i], r))
				sum += ss->s[i].points;
		/* as csm-risk prints it: two decimals at most */
		v[r] = csm_round(sum > 100 ? 100 : sum, 2);
	}
	return v;
}

static void
tiers_text(const struct ctx *c, const double *v, struct csm_buf *out)
{
	const struct band_spec *bs = &c->bands;
	double p[101], mins[MAXCUTS], a = 0, b = 0;
	size_t j, s;

	if (bs->rates) {
		line_fit(c, v, &a, &b);
		if (!(b > 0))
			csm_die(EX_DATAERR, "--bands %s: the risk score does "
			    "not rank the outcome, so no score reaches a churn "
			    "rate", bs->text);
	}
	for (s = 0; s <= 100; s++)
		p[s] = csm_logit_prob(a + b * (double)s / 100);
	cut_scores(c, v, 1, p, 1, mins);
	for (j = 0; j < bs->n; j++) {
		csm_buf_printf(out, "    - {name: %s, min: ",
		    tier_names[bs->n - 1][j]);
		num_text(out, mins[bs->n - 1 - j]);
		csm_buf_adds(out, "}\n");
	}
}

static void
risk_section(const struct ctx *c, const struct sigs *ss, const char *tiers,
    struct csm_buf *b)
{
	size_t i;

	base_keys(c, b);
	csm_buf_adds(b, "risk:\n  tiers:\n");
	csm_buf_adds(b, tiers);
	/* none: the built-in patterns name signals this section lacks */
	csm_buf_adds(b, "  patterns: []\n  signals:\n");
	for (i = 0; i < ss->n; i++) {
		csm_buf_adds(b, "    - name: ");
		name_text(b, ss->s[i].name);
		csm_buf_adds(b, "\n      when: ");
		yaml_str(b, ss->s[i].when, strlen(ss->s[i].when));
		csm_buf_adds(b, "\n      points: ");
		dec_text(b, ss->s[i].points, 1);
		csm_buf_adds(b, "\n      reason: ");
		yaml_str(b, ss->s[i].reason, strlen(ss->s[i].reason));
		csm_buf_addc(b, '\n');
	}
}

static void
free_sigs(struct sigs *ss)
{
	size_t i;

	for (i = 0; i < ss->n; i++) {
		free(ss->s[i].name);
		free(ss->s[i].when);
		free(ss->s[i].reason);
	}
	free(ss->s);
}

/* ---- the comments at the top ------------------------------------------- */

/* Comment lines wrapped before 79 columns. */
struct wrap {
	struct csm_buf *b;
	size_t col;
};

static void
wrap_word(struct wrap *w, const char *s)
{
	size_t n = strlen(s);

	if (w->col > 6 && w->col + 1 + n > 78) {
		csm_buf_adds(w->b, "\n#     ");
		w->col = 7;
	} else if (w->col > 0) {
		csm_buf_addc(w->b, ' ');
		w->col++;
	}
	csm_buf_adds(w->b, s);
	w->col += n;
}

/* Each space-separated word of s, wrapped. */
static void
wrap_words(struct wrap *w, const char *s)
{
	char word[400];
	const char *e;
	size_t n;

	while (*s != '\0') {
		if ((e = strchr(s, ' ')) == NULL)
			e = s + strlen(s);
		n = (size_t)(e - s) < sizeof(word) ? (size_t)(e - s) :
		    sizeof(word) - 1;
		memcpy(word, s, n);
		word[n] = '\0';
		if (n > 0)
			wrap_word(w, word);
		s = *e == ' ' ? e + 1 : e;
	}
}

static void
wrap_line(struct wrap *w, const char *first)
{
	if (w->col > 0)
		csm_buf_addc(w->b, '\n');
	csm_buf_adds(w->b, first);
	w->col = strlen(first);
}

/* Text for a comment line: valid UTF-8, control bytes as '?'. */
static void
comment_add(struct csm_buf *b, const char *s, size_t n)
{
	size_t i = 0, k;
	int bad;

	while (i < n) {
		k = csm_utf8_scan(s + i, n - i, &bad);
		if (bad || (k == 1 && ((unsigned char)s[i] < 0x20 ||
		    s[i] == 0x7f))) {
			csm_buf_addc(b, '?');
			i++;
			continue;
		}
		csm_buf_add(b, s + i, k);
		i += k;
	}
}

static void
coef_text(char *out, size_t n, double x)
{
	snprintf(out, n, "%+.4f", csm_round(x, 4) == 0 ? 0 : x);
}

static void
feature_comment(struct wrap *w, const struct feature *f)
{
	char t[300], v[64];
	size_t i;

	snprintf(t, sizeof(t), "#   %s", f->name);
	wrap_line(w, t);
	if (f->kind == K_DROP) {
		snprintf(t, sizeof(t), "left out (%s)", f->why);
		wrap_word(w, t);
		return;
	}
	snprintf(t, sizeof(t), "(%sweight %.2f, AUC alone %.4f):",
	    f->isdate ? "days since, " : "", f->weight, f->has_auc ? f->auc :
	    0.5);
	wrap_word(w, t);
	if (f->kind == K_NUM) {
		for (i = 0; i < f->nknot; i++) {
			coef_text(v, sizeof(v), f->f[i]);
			if (f->sentinel && i == 0)
				snprintf(t, sizeof(t), "missing %s%s", v,
				    f->nknot > 1 ? "," : "");
			else
				snprintf(t, sizeof(t), "at %.10g %s%s",
				    f->knot[i], v, i + 1 < f->nknot ? "," :
				    "");
			wrap_word(w, t);
		}
		return;
	}
	for (i = 0; i < f->nkept; i++) {
		const struct csm_map_ent *e = &f->levels.ent[f->kept[i]];

		coef_text(v, sizeof(v), f->f[i]);
		snprintf(t, sizeof(t), "\"%s\" %s,", csm_q(e->key, e->klen), v);
		wrap_word(w, t);
	}
	if (f->misslevel) {
		coef_text(v, sizeof(v), f->f[f->ncoef - 1]);
		snprintf(t, sizeof(t), "missing %s,", v);
		wrap_word(w, t);
	}
	wrap_word(w, "other +0.0000");
}

struct summary {
	double auc, brier;
	int has_brier;
	const char *what;	/* "score" or "risk_score" */
};

static void
comments(const struct ctx *c, const struct summary *sm, struct csm_buf *b)
{
	struct wrap w = {b, 0};
	char t[400], a[64];
	size_t i, used = 0, ncoef = 0;

	for (i = 0; i < c->nft; i++)
		if (c->ft[i].kind != K_DROP) {
			used++;
			ncoef += c->ft[i].ncoef;
		}
	csm_buf_printf(b, "# Fitted by csm-fit %s; %s -c loads it as it is.\n",
	    CSM_VERSION, c->risk ? "csm-risk" : "csm-score");
	csm_buf_adds(b, "# source: ");
	comment_add(b, c->source, strlen(c->source));
	csm_buf_adds(b, c->outcome_is_file ? "\n# outcome: from '" :
	    "\n# outcome: ");
	comment_add(b, c->outcome, strlen(c->outcome));
	csm_buf_adds(b, c->outcome_is_file ? "', joined on account_id\n" :
	    "\n");
	csm_fmt_num(100.0 * (double)c->npos / (double)c->n, 2, a);
	csm_buf_printf(b, "# rows: %zu, %zu with the outcome (%s%%)\n", c->n,
	    c->npos, a);
	snprintf(t, sizeof(t), "logistic regression on %zu feature%s (%zu "
	    "coefficients), L2 penalty %g, %d Newton steps", used, used == 1 ?
	    "" : "s", ncoef, c->l2, c->m.iter);
	wrap_line(&w, "# model:");
	wrap_words(&w, t);
	csm_buf_addc(b, '\n');
	w.col = 0;
	csm_buf_printf(b, "# %d-fold cross-validated AUC %.4f", c->folds,
	    c->cv_auc);
	if (c->cv_ci)
		csm_buf_printf(b, " (95%% CI %.4f to %.4f)", c->cv_lo,
		    c->cv_hi);
	csm_buf_printf(b, ", Brier %.4f\n", c->cv_brier);
	csm_buf_printf(b, "# this config's %s on the same rows: AUC %.4f",
	    sm->what, sm->auc);
	if (sm->has_brier)
		csm_buf_printf(b, ", Brier %.4f (by its calibration)",
		    sm->brier);
	csm_buf_printf(b, "\n# %s cut at %s", c->risk ? "tiers" : "bands",
	    c->bands.rates ? "the churn rates" : "the score's quantiles");
	for (i = 0; i < c->bands.n; i++) {
		csm_buf_adds(b, i == 0 ? " " : ", ");
		cut_text(b, &c->bands, i);
	}
	csm_buf_addc(b, '\n');
	csm_buf_adds(b, "# coefficients, in log-odds of the outcome (above 0: "
	    "more likely):\n");
	coef_text(a, sizeof(a), c->m.b0);
	csm_buf_printf(b, "#   intercept %s\n", a);
	for (i = 0; i < c->nft; i++)
		feature_comment(&w, &c->ft[i]);
	csm_buf_addc(b, '\n');
}

/* ---- main -------------------------------------------------------------- */

/* The checks before the fit: both outcomes, enough of each per fold. */
static void
check_rows(const struct ctx *c, const struct csm_label *lb)
{
	size_t nneg = c->n - c->npos;

	if (!c->quiet)
		csm_label_report(lb);
	if (c->n == 0)
		csm_die(EX_DATAERR, "no row has an outcome: nothing to fit");
	if (c->npos == 0 || nneg == 0)
		csm_die(EX_DATAERR, "the outcome is %s in all %zu rows: "
		    "nothing to fit; check the label", c->npos == 0 ?
		    "false" : "true", c->n);
	if (c->npos < (size_t)c->folds || nneg < (size_t)c->folds)
		csm_die(EX_DATAERR, "--folds %d needs %d rows with the outcome "
		    "and %d without, and there %s %zu %s it: use fewer folds",
		    c->folds, c->folds, c->folds, (c->npos < nneg ? c->npos :
		    nneg) == 1 ? "is" : "are", c->npos < nneg ? c->npos : nneg,
		    c->npos < nneg ? "with" : "without");
}

/* The score: section, its calibration and its bands. */
static void
write_score(struct ctx *c, struct csm_buf *out)
{
	static const char placeholder[] = "    - {name: all, min: 0}\n";
	struct csm_buf b, cal, bands;
	struct csm_cfg cfg;
	struct csm_score sc;
	struct csm_rank rk;
	struct summary sm;
	size_t *ord, nord, i;
	double *h, p, sq = 0;

	ord = c->order = by_weight(c, &nord);
	csm_buf_init(&b);
	csm_buf_init(&cal);
	csm_buf_init(&bands);
	/* The score of every row, as csm-score will compute it. */
	score_section(c, ord, nord, placeholder, NULL, &b);
	load_text(&cfg, &b);
	csm_score_load(&sc, &cfg);
	h = c->scores = score_rows(c, ord, nord, &sc);
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
	rank_of(c, h, 0, &rk);
	calibration(c, h, &cal);
	/* The probabilities by the calibration, for Brier and rates. */
	csm_buf_reset(&b);
	score_section(c, ord, nord, placeholder, cal.s, &b);
	load_text(&cfg, &b);
	csm_score_load(&sc, &cfg);
	for (i = 0; i < c->n; i++) {
		csm_score_churn(&sc, h[i], &p);
		sq += (p - c->y[i]) * (p - c->y[i]);
	}
	bands_text(c, h, &sc, &bands);
	csm_score_release(&sc);
	csm_cfg_release(&cfg);
	sm.auc = rk.auc;
	sm.brier = sq / (double)c->n;
	sm.has_brier = 1;
	sm.what = "score";
	comments(c, &sm, out);
	score_section(c, ord, nord, bands.s, cal.s, out);
	free(c->scores);
	free(c->order);
	c->scores = NULL;
	c->order = NULL;
	csm_buf_release(&b);
	csm_buf_release(&cal);
	csm_buf_release(&bands);
}

/* The risk: section: signals, points and tiers. */
static void
write_risk(struct ctx *c, struct csm_buf *out)
{
	struct sigs ss = {NULL, 0};
	struct csm_buf tiers;
	struct csm_rank rk;
	struct summary sm;
	size_t *ord, nord, i;
	double *v, total = 0;

	ord = c->order = by_weight(c, &nord);
	for (i = 0; i < nord; i++)
		total += c->ft[ord[i]].fmax - c->ft[ord[i]].fmin;
	for (i = 0; i < nord; i++) {
		const struct feature *f = &c->ft[ord[i]];

		if (f->kind == K_NUM)
			num_signals(&ss, f, 100 / total);
		else
			text_signals(&ss, f, 100 / total);
	}
	if (ss.n == 0)
		csm_die(EX_DATAERR, "no signal is worth a point: the fit "
		    "found nothing to flag");
	v = c->scores = risk_rows(c, &ss);
	rank_of(c, v, 1, &rk);
	csm_buf_init(&tiers);
	tiers_text(c, v, &tiers);
	sm.auc = rk.auc;
	sm.has_brier = 0;
	sm.brier = 0;
	sm.what = "risk_score";
	comments(c, &sm, out);
	risk_section(c, &ss, tiers.s, out);
	csm_buf_release(&tiers);
	free(c->scores);
	free(c->order);
	c->scores = NULL;
	c->order = NULL;
	free_sigs(&ss);
}

static void
free_features(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->nft; i++) {
		struct feature *f = &c->ft[i];

		free(f->name);
		free(f->label);
		free(f->ref);
		free(f->why);
		free(f->num);
		free(f->lev);
		csm_map_release(&f->levels, NULL);
		free(f->levcount);
		free(f->levcoef);
		free(f->kept);
		free(f->f);
	}
	free(c->ft);
}

/* The source's name for the comments: the files, or <stdin>. */
static char *
source_name(char **argv, int argc)
{
	struct csm_buf b;
	int i;

	csm_buf_init(&b);
	csm_buf_adds(&b, argc == 0 ? "<stdin>" : "");
	for (i = 0; i < argc; i++)
		csm_buf_printf(&b, "%s%s", i ? ", " : "",
		    strcmp(argv[i], "-") == 0 ? "<stdin>" : argv[i]);
	return csm_buf_detach(&b);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CSM_CLI_LONGOPTS,
		{"label", 1, NULL, 'l'},
		{"outcomes", 1, NULL, OPT_OUTCOMES},
		{"features", 1, NULL, OPT_FEATURES},
		{"folds", 1, NULL, 'k'},
		{"l2", 1, NULL, OPT_L2},
		{"bands", 1, NULL, OPT_BANDS},
		{"risk", 0, NULL, OPT_RISK},
		{NULL, 0, NULL, 0}
	};
	struct csm_cli cli;
	struct csm_cfg cfg, check;
	struct csm_tbl t;
	struct csm_cols cols;
	struct csm_colreg reg;
	struct csm_eval ev;
	struct csm_out o;
	struct csm_label lb;
	struct csm_buf out;
	struct ctx c;
	const char *label = NULL, *bands = NULL;
	char *outcomes = NULL, *source, **features = NULL;
	size_t nfeatures = 0;
	double d;
	int ch;

	csm_cli_progname(argv);
	csm_cli_init(&cli);
	memset(&c, 0, sizeof(c));
	c.folds = 5;
	c.l2 = 1;
	while ((ch = getopt_long(argc, argv, CSM_CLI_SHORTOPTS "k:l:",
	    longopts, NULL)) != -1) {
		if (csm_cli_opt(&cli, ch, optarg))
			continue;
		switch (ch) {
		case 'k':
			d = csm_cli_number(usage_text, "--folds", optarg, 2, 50);
			if (d != floor(d))
				csm_usage_error(usage_text, "--folds: '%s' is "
				    "not a whole number", optarg);
			c.folds = (int)d;
			break;
		case 'l':
			label = optarg;
			break;
		case OPT_OUTCOMES:
			outcomes = optarg;
			break;
		case OPT_FEATURES:
			csm_cli_list_free(features, nfeatures);
			features = csm_cli_list(usage_text, "--features", optarg,
			    &nfeatures);
			break;
		case OPT_L2:
			c.l2 = csm_cli_number(usage_text, "--l2", optarg, 1e-9, 1e9);
			break;
		case OPT_BANDS:
			bands = optarg;
			break;
		case OPT_RISK:
			c.risk = 1;
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
	bands_arg(&c.bands, bands != NULL ? bands : c.risk ?
	    "quantiles:50%,80%" : "quantiles:20%,50%");

	csm_cli_config(&cli, &cfg);
	c.cfg = &cfg;
	c.today = cli.today;
	c.quiet = cli.quiet;
	csm_label_init(&lb);
	if (label != NULL)
		csm_label_expr(&lb, label);
	else if (!cli.columns)
		csm_label_outcomes(&lb, outcomes, cfg.columns);
	c.outcome = label != NULL ? label : outcomes;
	c.outcome_is_file = label == NULL;
	if (cli.config != NULL) {
		csm_score_load(&c.base, &cfg);
		c.has_base = 1;
		if (c.base.nseg > 0)
			csm_cfg_die(c.base.segments, "csm-fit fits one "
			    "scorecard, and score.segments gives several: fit "
			    "each segment's rows from a config of its own, "
			    "without segments");
	}

	csm_tbl_open(&t, argv, (size_t)argc, &cli.tbl);
	csm_cols_init(&cols, &t, cfg.columns);
	c.t = &t;
	c.cols = &cols;
	csm_colreg_init(&reg, &cols);
	register_columns(&c, &reg, &lb, features, nfeatures);
	if (cli.columns) {
		csm_cli_columns(&reg, t.delim);
		csm_colreg_release(&reg);
		csm_cols_release(&cols);
		csm_tbl_close(&t);
		if (c.has_base)
			csm_score_release(&c.base);
		csm_label_release(&lb);
		csm_cli_list_free(features, nfeatures);
		csm_cfg_release(&cfg);
		return EX_OK;
	}
	csm_colreg_check(&reg);
	csm_label_bind(&lb, &cols);
	if (c.has_base)
		csm_score_bind(&c.base, &cols);
	setup_features(&c, features, nfeatures, &lb);
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
	source = source_name(argv, argc);
	c.source = source;

	decide(&c);
	build_model(&c);
	c.oof = csm_xcalloc(c.n + 1, sizeof(*c.oof));
	cross_validate(&c, c.oof);
	effects(&c);
	cv_report(&c, c.oof);

	csm_buf_init(&out);
	if (c.risk)
		write_risk(&c, &out);
	else
		write_score(&c, &out);
	/* What csm-score or csm-risk will load, checked as they check it. */
	load_text(&check, &out);
	csm_cfg_release(&check);
	csm_out_init(&o, 1, "<stdout>", ',');
	csm_out_write(&o, out.s, out.len);
	csm_out_close(&o);

	csm_buf_release(&out);
	free(c.oof);
	free(source);
	csm_logit_release(&c.m);
	free_features(&c);
	free(c.y);
	csm_eval_release(&ev);
	csm_cols_release(&cols);
	csm_tbl_close(&t);
	if (c.has_base)
		csm_score_release(&c.base);
	csm_label_release(&lb);
	csm_cli_list_free(features, nfeatures);
	csm_cfg_release(&cfg);
	return EX_OK;
}

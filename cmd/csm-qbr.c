/*
 * csm-qbr: one-page QBR value summaries per account.
 *
 * Reads one row per account per period (YYYY-Qn, YYYY-MM or a date for its
 * month), in any order, groups the rows by account_id and, for each
 * account, compares its current period (--period, else its latest) with
 * the period just before it in its own data: every metric of the config's
 * qbr: section with its previous and current value, change, percent
 * change, target and status, the series over all periods up to the current
 * one, highlights (targets met, improvements of at least highlight_change),
 * gaps (targets missed, declines of at least highlight_change), the focus
 * for next quarter, and the value delivered (the sum of value.items, each
 * with its note) against value.cost as an ROI multiple.
 *
 * The report is written for an audience: internal (everything) or the
 * customer (no health, no account ids, no missed badges, no metric marked
 * internal, focus phrased for the customer).  Output as Markdown
 * (default), CSV, TSV, JSON or a self-contained HTML page that prints on
 * one sheet of the config's paper; the page layouts are made of the parts
 * md.c and html.c write.  --out-dir writes one file per account, each
 * written whole (a temporary file renamed into place).
 *
 * Memory: the expressions are evaluated on each row as it is read and only
 * the numbers (and the few text fields the header shows) are kept, one
 * entry per account and period.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csm.h"

static const char usage_text[] =
    "usage: csm-qbr [-hqtV] [-a account,...] [-c config] [-d delim] "
    "[-f format]\n"
    "               [-o dir] [-p period] [--audience internal|customer]\n"
    "               [--as-of date] [--ragged error|pad|skip] [--columns]\n"
    "               [--dump-config] [file ...]\n";

static const char help_text[] =
    "Write a one-page QBR value summary per account from one row per\n"
    "account per period.\n"
    "\n"
    "  -a, --account ID,...  only these accounts (repeat, or a comma list)\n"
    "  -c, --config FILE     config file (default: $CSM_CONFIG, else built in)\n"
    "  -d, --delimiter C     input delimiter (default: detected; 'tab' for TSV)\n"
    "  -f, --format FMT      md (default), csv, tsv, json, jsonl (JSON Lines)\n"
    "                        or html\n"
    "  -o, --out-dir DIR     one file per account in DIR (created if missing),\n"
    "                        named from the account name and id; their paths\n"
    "                        are printed\n"
    "  -p, --period P        the current period (YYYY-Qn or YYYY-MM; default:\n"
    "                        each account's latest)\n"
    "  -t, --tsv             input is TSV\n"
    "      --audience WHO    internal (default: everything) or customer (no\n"
    "                        health, account ids, missed badges or internal\n"
    "                        metrics; focus phrased for the customer)\n"
    "      --as-of DATE      today's date for days_since/days_until and the\n"
    "                        days to renewal (YYYY-MM-DD)\n"
    CSM_CLI_HELP_SHARED
    "\n"
    "Files are read in order as one table ('-' or none: standard input).\n"
    "Exit status: 0 ok, 64 usage, 65 data error, 66 cannot open input,\n"
    "73 cannot create output, 74 I/O error, 78 config error.\n"
    "See csm-qbr(1) and csm.yaml(5).\n"
    "\n"
    "Examples:\n"
    "  csm-score quarterly.csv | csm-qbr -a A00003,A00019\n"
    "  csm-score quarterly.csv | csm-qbr -f html --audience customer -o qbr/\n";

#define SHORTOPTS CSM_CLI_SHORTOPTS "a:f:o:p:"

enum { OPT_AUDIENCE = CSM_OPT_TOOL };

enum fmt { F_MD, F_CSV, F_TSV, F_JSON, F_JSONL, F_HTML };
static const char *const fmt_names[] = {"md", "csv", "tsv", "json", "jsonl",
	"html", NULL};

enum audience { A_INTERNAL, A_CUSTOMER };
static const char *const audience_names[] = {"internal", "customer", NULL};

enum mfmt { M_NUMBER, M_PERCENT, M_MONEY, M_DAYS };
enum status { ST_NONE, ST_MET, ST_MISSED };
static const char *const status_names[] = {"none", "met", "missed"};

/* ---- the model: the config's qbr: section ------------------------------ */

struct metric {
	const char *name;
	const char *label;
	const struct csm_node *value_node;
	const struct csm_node *target_node;
	struct csm_expr *value;
	struct csm_expr *target;
	struct csm_tmpl *focus;
	int format;		/* enum mfmt */
	int lower;		/* better: lower */
	int internal;		/* internal: true: not for the customer */
};

struct item {
	const char *label;
	const struct csm_node *node;
	struct csm_expr *value;
	struct csm_tmpl *note;	/* the assumptions, or NULL */
};

struct qbr {
	struct metric *m;
	size_t nm;
	struct item *it;
	size_t nit;
	int has_value;		/* a value: section */
	int has_notes;		/* a value item has a note */
	const struct csm_node *cost_node;
	struct csm_expr *cost;
	double hl;		/* highlight_change */
	const char *currency;	/* a code or a symbol */
	int paper;		/* enum csm_paper */
};

/* A temporary file being written in --out-dir, removed if we die. */
static char *tmp_path;

static void
cleanup_exit(int status)
{
	if (tmp_path != NULL)
		unlink(tmp_path);
	exit(status);
}

static void
usage(FILE *fp, int status)
{
	csm_usage(fp, status, usage_text, help_text);
}

static int
word_index(const char *const *words, const char *s)
{
	int i;

	for (i = 0; words[i] != NULL; i++)
		if (strcmp(words[i], s) == 0)
			return i;
	return -1;
}

static void
load_metric(struct metric *m, const struct csm_node *mn)
{
	static const char *const mfmts[] = {"number", "percent", "money",
		"days", NULL};
	const struct csm_node *nd;

	m->name = csm_node_get(mn, "name")->str;
	nd = csm_node_get(mn, "label");
	m->label = nd != NULL && nd->len > 0 ? nd->str : m->name;
	m->value_node = csm_node_get(mn, "value");
	m->value = csm_cfg_expr_as(m->value_node, CSM_T_NUM);
	if ((m->target_node = csm_node_get(mn, "target")) != NULL)
		m->target = csm_cfg_expr_as(m->target_node, CSM_T_NUM);
	nd = csm_node_get(mn, "format");
	m->format = nd ? word_index(mfmts, nd->str) : M_NUMBER;
	nd = csm_node_get(mn, "better");
	m->lower = nd != NULL && strcmp(nd->str, "lower") == 0;
	if ((nd = csm_node_get(mn, "focus")) != NULL)
		m->focus = csm_tmpl_compile(nd);
	nd = csm_node_get(mn, "internal");
	m->internal = nd != NULL && strcmp(nd->str, "true") == 0;
}

static void
load_qbr(struct qbr *q, const struct csm_cfg *cfg)
{
	const struct csm_node *sec = csm_cfg_section(cfg, "qbr");
	const struct csm_node *ms, *val, *items, *nd;
	size_t i;

	if (sec == NULL)
		csm_die(EX_CONFIG, "%s: the config has no qbr: section",
		    cfg->file);
	memset(q, 0, sizeof(*q));
	nd = csm_node_get(sec, "highlight_change");
	q->hl = nd ? csm_cfg_num(nd) : 0.10;
	if ((nd = csm_node_get(sec, "currency")) == NULL)
		nd = csm_node_get(cfg->root, "currency");
	q->currency = nd ? nd->str : "USD";
	nd = csm_node_get(sec, "page");
	q->paper = nd != NULL && strcmp(nd->str, "letter") == 0 ?
	    CSM_PAPER_LETTER : CSM_PAPER_A4;
	ms = csm_node_get(sec, "metrics");
	q->nm = ms->n;
	q->m = csm_xcalloc(ms->n, sizeof(*q->m));
	for (i = 0; i < ms->n; i++)
		load_metric(&q->m[i], ms->kid[i]);
	if ((val = csm_node_get(sec, "value")) != NULL) {
		q->has_value = 1;
		items = csm_node_get(val, "items");
		q->nit = items->n;
		q->it = csm_xcalloc(items->n, sizeof(*q->it));
		for (i = 0; i < items->n; i++) {
			q->it[i].label = csm_node_get(items->kid[i],
			    "label")->str;
			q->it[i].node = csm_node_get(items->kid[i], "value");
			q->it[i].value = csm_cfg_expr_as(q->it[i].node,
			    CSM_T_NUM);
			nd = csm_node_get(items->kid[i], "note");
			if (nd != NULL) {
				q->it[i].note = csm_tmpl_compile(nd);
				q->has_notes = 1;
			}
		}
		if ((q->cost_node = csm_node_get(val, "cost")) != NULL)
			q->cost = csm_cfg_expr_as(q->cost_node, CSM_T_NUM);
	}
}

static void
bind_qbr(struct qbr *q, const struct csm_cols *cols)
{
	size_t i;

	for (i = 0; i < q->nm; i++) {
		csm_cfg_bind(q->m[i].value, q->m[i].value_node, cols);
		if (q->m[i].target != NULL)
			csm_cfg_bind(q->m[i].target, q->m[i].target_node,
			    cols);
		if (q->m[i].focus != NULL)
			csm_tmpl_bind(q->m[i].focus, cols);
	}
	for (i = 0; i < q->nit; i++) {
		csm_cfg_bind(q->it[i].value, q->it[i].node, cols);
		if (q->it[i].note != NULL)
			csm_tmpl_bind(q->it[i].note, cols);
	}
	if (q->cost != NULL)
		csm_cfg_bind(q->cost, q->cost_node, cols);
}

/*
 * Whether fmt is a page, which shows the account's name, ARR, renewal and
 * health: the columns only a page reads are looked up (and checked) only
 * then (and the name for --out-dir's file names).
 */
static int
is_page(int fmt)
{
	return fmt == F_MD || fmt == F_HTML;
}

/*
 * The columns this run uses, for the checks and --columns: account_id and
 * period, the config's expressions, and the columns a page shows (health
 * only to the internal audience).
 */
static void
register_columns(const struct qbr *q, int fmt, int outdir, int audience,
    struct csm_colreg *reg)
{
	struct csm_buf who;
	int page = is_page(fmt);
	size_t i;

	csm_colreg_add(reg, "account_id", 1, "csm-qbr", NULL);
	csm_colreg_add(reg, "period", 1, "csm-qbr", NULL);
	if (page || outdir)
		csm_colreg_add(reg, "account_name", 0, page ? "the page" :
		    "--out-dir", page ? "the pages show no account names" :
		    "the files are named by account_id only");
	if (page) {
		csm_colreg_add(reg, "arr", 0, "the page",
		    "the pages show no ARR");
		csm_colreg_add(reg, "renewal_date", 0, "the page",
		    "the pages show no renewal dates");
	}
	if (page && audience == A_INTERNAL) {
		csm_colreg_add(reg, "health_score", 0, "the page",
		    "the pages show no health score");
		csm_colreg_add(reg, "health_band", 0, "the page",
		    "the pages show no health band");
	}
	csm_buf_init(&who);
	for (i = 0; i < q->nm; i++) {
		csm_buf_reset(&who);
		csm_buf_printf(&who, "metric %s", q->m[i].name);
		csm_colreg_add_expr(reg, q->m[i].value, who.s);
		csm_colreg_add_expr(reg, q->m[i].target, who.s);
		csm_colreg_add_tmpl(reg, q->m[i].focus, who.s);
	}
	for (i = 0; i < q->nit; i++) {
		csm_buf_reset(&who);
		csm_buf_printf(&who, "value item '%s'", q->it[i].label);
		csm_colreg_add_expr(reg, q->it[i].value, who.s);
		csm_colreg_add_tmpl(reg, q->it[i].note, who.s);
	}
	csm_colreg_add_expr(reg, q->cost, "value cost");
	csm_buf_release(&who);
}

static void
free_qbr(struct qbr *q)
{
	size_t i;

	for (i = 0; i < q->nm; i++) {
		csm_expr_free(q->m[i].value);
		csm_expr_free(q->m[i].target);
		csm_tmpl_free(q->m[i].focus);
	}
	for (i = 0; i < q->nit; i++) {
		csm_expr_free(q->it[i].value);
		csm_tmpl_free(q->it[i].note);
	}
	csm_expr_free(q->cost);
	free(q->m);
	free(q->it);
}

/* ---- reading ----------------------------------------------------------- */

/* What is kept of one account's row for one period. */
#define HAS_V 1
#define HAS_T 2
struct prow {
	long pidx;
	long line;
	const char *file;
	double *v;		/* per metric */
	double *t;		/* its target */
	unsigned char *has;	/* HAS_V | HAS_T per metric */
	char **focus;		/* rendered focus text per metric, or NULL */
	int64_t *item;		/* value items in cents */
	unsigned char *has_item;
	char **note;		/* rendered note per value item, or NULL */
	int has_cost;
	int64_t cost;		/* cents */
	char *name;		/* account_name or NULL */
	int has_arr;
	int64_t arr;
	int has_renewal;
	long renewal;
	int has_health;
	double health;
	char *band;		/* health_band or NULL */
};

struct acct {
	char *id;
	struct prow *row;
	size_t n;
	size_t cap;
};

/* Optional columns the header uses, -1 when absent. */
struct hdrcols {
	long name, arr, renewal, health, band;
};

/* A value of an optional header column that cannot be read. */
static int
bad_field(const struct csm_tbl *t, const struct csm_cols *cols, long col,
    int badval, const char *what)
{
	csm_cell_error(badval, t, cols->name[col], cols->len[col], t->f[col],
	    t->flen[col], what, "missing");
	return 0;
}

static char *
text_field(const struct csm_tbl *t, long col)
{
	const char *s;
	size_t n;

	if (col < 0)
		return NULL;
	s = t->f[col];
	n = t->flen[col];
	csm_trim(&s, &n);
	if (csm_is_missing(s, n))
		return NULL;
	return csm_xstrndup(s, n);
}

static void
read_header_fields(struct prow *r, const struct csm_tbl *t,
    const struct csm_cols *cols, const struct hdrcols *hc,
    const struct csm_eval *ev)
{
	int st;

	r->name = text_field(t, hc->name);
	r->band = text_field(t, hc->band);
	if (hc->arr >= 0)
		r->has_arr = csm_cell_cents(t, cols, (size_t)hc->arr,
		    ev->badval, 1, &r->arr) == CSM_OK;
	if (hc->renewal >= 0) {
		st = csm_parse_date(t->f[hc->renewal], t->flen[hc->renewal],
		    ev->date_format, &r->renewal);
		r->has_renewal = st == CSM_OK ? 1 : st == CSM_BAD ?
		    bad_field(t, cols, hc->renewal, ev->badval, "a date") : 0;
	}
	if (hc->health >= 0) {
		st = csm_parse_num(t->f[hc->health], t->flen[hc->health],
		    &r->health);
		r->has_health = st == CSM_OK ? 1 : st == CSM_BAD ?
		    bad_field(t, cols, hc->health, ev->badval, "a number") : 0;
	}
}

/*
 * Money from an expression (what is a value item's label, or "cost"):
 * cents, or a data error naming the record when it is beyond 10^15, or
 * for a cost, below 0 (an expression never yields inf or NaN: missing).
 */
static int64_t
to_cents(double d, const char *what, int cost, const struct csm_tbl *t)
{
	char num[64];
	int64_t c;

	if (csm_cents_from_num(d, &c) != 0) {
		snprintf(num, sizeof(num), "%.6g", d);
		csm_die_at(EX_DATAERR, t->file, t->line, "%s%s%s is %s: money "
		    "must be within +/-10^15", cost ? "" : "value item '",
		    cost ? "the cost" : csm_q(what, strlen(what)),
		    cost ? "" : "'", num);
	}
	if (cost && c < 0) {
		csm_fmt_cents(c, 1, num);
		csm_die_at(EX_DATAERR, t->file, t->line, "the cost is %s: a "
		    "cost cannot be below 0", num);
	}
	return c;
}

/*
 * The largest metric or target a report shows: beyond it a change, a
 * percentage or a chart's range could leave the numbers a double holds.
 * No business metric comes near it, so more is a data error, as money is.
 */
#define METRIC_MAX 1e15

/* A metric's value or target from the current record, checked. */
static int
metric_num(const struct csm_expr *e, struct csm_eval *ev,
    const struct metric *m, int target, double *out)
{
	if (csm_expr_num(e, ev, out) != CSM_OK)
		return 0;
	if (fabs(*out) > METRIC_MAX)
		csm_die_at(EX_DATAERR, ev->rec->file, ev->rec->line, "%s"
		    "metric '%s' is %.6g: a metric must be within +/-10^15",
		    target ? "the target of " : "", csm_q(m->name,
		    strlen(m->name)), *out);
	return 1;
}

/* A template rendered on the current record: a string the caller frees. */
static char *
tmpl_text(const struct csm_tmpl *tp, struct csm_eval *ev)
{
	struct csm_buf b;

	csm_buf_init(&b);
	csm_tmpl_render(tp, ev, &b);
	return b.s != NULL ? csm_buf_detach(&b) : csm_xstrdup("");
}

/* Evaluates everything on the current record into a new row of a. */
static void
read_row(struct acct *a, const struct qbr *q, struct csm_eval *ev,
    const struct csm_cols *cols, const struct hdrcols *hc, long pidx)
{
	const struct csm_tbl *t = ev->rec;
	struct prow *r;
	double d;
	size_t i;

	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 4;
		a->row = csm_xreallocarray(a->row, a->cap, sizeof(*a->row));
	}
	r = &a->row[a->n++];
	memset(r, 0, sizeof(*r));
	r->pidx = pidx;
	r->line = t->line;
	r->file = t->file;
	r->v = csm_xcalloc(q->nm, sizeof(*r->v));
	r->t = csm_xcalloc(q->nm, sizeof(*r->t));
	r->has = csm_xcalloc(q->nm, 1);
	r->focus = csm_xcalloc(q->nm, sizeof(*r->focus));
	read_header_fields(r, t, cols, hc, ev);
	for (i = 0; i < q->nm; i++) {
		const struct metric *m = &q->m[i];

		if (metric_num(m->value, ev, m, 0, &r->v[i]))
			r->has[i] |= HAS_V;
		if (m->target != NULL &&
		    metric_num(m->target, ev, m, 1, &r->t[i]))
			r->has[i] |= HAS_T;
		if (m->focus != NULL)
			r->focus[i] = tmpl_text(m->focus, ev);
	}
	if (q->nit > 0) {
		r->item = csm_xcalloc(q->nit, sizeof(*r->item));
		r->has_item = csm_xcalloc(q->nit, 1);
		r->note = csm_xcalloc(q->nit, sizeof(*r->note));
	}
	for (i = 0; i < q->nit; i++) {
		if (csm_expr_num(q->it[i].value, ev, &d) == CSM_OK) {
			r->item[i] = to_cents(d, q->it[i].label, 0, t);
			r->has_item[i] = 1;
		}
		if (q->it[i].note != NULL)
			r->note[i] = tmpl_text(q->it[i].note, ev);
	}
	if (q->cost != NULL && csm_expr_num(q->cost, ev, &d) == CSM_OK) {
		r->cost = to_cents(d, NULL, 1, t);
		r->has_cost = 1;
	}
}

static void
free_row(struct prow *r, size_t nm, size_t nit)
{
	size_t i;

	for (i = 0; i < nm; i++)
		free(r->focus[i]);
	for (i = 0; r->note != NULL && i < nit; i++)
		free(r->note[i]);
	free(r->note);
	free(r->focus);
	free(r->v);
	free(r->t);
	free(r->has);
	free(r->item);
	free(r->has_item);
	free(r->name);
	free(r->band);
}

static int
cmp_row(const void *x, const void *y)
{
	const struct prow *a = x, *b = y;

	if (a->pidx != b->pidx)
		return a->pidx < b->pidx ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

struct input {
	struct csm_map accts;
	int kind;		/* enum csm_period_kind of every row, or 0 */
	long kind_line;
	const char *kind_file;
};

static const char *
kind_name(int kind)
{
	return kind == CSM_QUARTER ? "a quarter" : "a month";
}

/* Reads every record, grouped by account. */
static void
read_input(struct input *in, struct csm_tbl *t, const struct qbr *q,
    struct csm_eval *ev, const struct csm_cols *cols,
    const struct hdrcols *hc, size_t idcol, size_t percol)
{
	struct csm_period p;
	const char *s;
	size_t n, k;
	int st;

	while (csm_tbl_next(t)) {
		s = t->f[idcol];
		n = t->flen[idcol];
		csm_trim(&s, &n);
		if (n == 0)
			csm_die_at(EX_DATAERR, t->file, t->line, "column '%s' "
			    "is empty: every row needs an account id",
			    csm_q(cols->name[idcol], cols->len[idcol]));
		st = csm_parse_period(t->f[percol], t->flen[percol], &p);
		if (st != CSM_OK)
			csm_cell_error(CSM_BAD_FAIL, t, cols->name[percol],
			    cols->len[percol], t->f[percol], t->flen[percol],
			    "a period (YYYY-Qn, YYYY-MM or YYYY-MM-DD; years "
			    "1900 to 9999)", NULL);
		if (in->kind == 0) {
			in->kind = p.kind;
			in->kind_line = t->line;
			in->kind_file = t->file;
		} else if (p.kind != in->kind)
			csm_die_at(EX_DATAERR, t->file, t->line, "period '%s' "
			    "is %s, but the period at %s:%ld is %s: periods "
			    "must all be quarters or all months",
			    csm_q(t->f[percol], t->flen[percol]),
			    kind_name(p.kind), in->kind_file, in->kind_line,
			    kind_name(in->kind));
		k = csm_map_put(&in->accts, s, n, NULL);
		if (in->accts.ent[k].val == NULL) {
			struct acct *a = csm_xcalloc(1, sizeof(*a));

			a->id = in->accts.ent[k].key;
			in->accts.ent[k].val = a;
		}
		read_row(in->accts.ent[k].val, q, ev, cols, hc, p.index);
	}
}

/* Sorts each account's rows by period; two rows of one period are an error. */
static void
sort_accounts(struct input *in)
{
	char per[32];
	struct csm_period p;
	size_t i, j;

	for (i = 0; i < in->accts.n; i++) {
		struct acct *a = in->accts.ent[i].val;

		qsort(a->row, a->n, sizeof(*a->row), cmp_row);
		for (j = 1; j < a->n; j++) {
			if (a->row[j].pidx != a->row[j - 1].pidx)
				continue;
			p.kind = in->kind;
			p.index = a->row[j].pidx;
			csm_period_format(&p, per);
			csm_die_at(EX_DATAERR, a->row[j].file, a->row[j].line,
			    "account '%s' has a second row for period %s "
			    "(the first is at %s:%ld): a QBR input holds one "
			    "row per account and period", csm_q(a->id,
			    strlen(a->id)), per,
			    a->row[j - 1].file, a->row[j - 1].line);
		}
	}
}

static void
free_input(struct input *in, const struct qbr *q)
{
	size_t i, j;

	for (i = 0; i < in->accts.n; i++) {
		struct acct *a = in->accts.ent[i].val;

		for (j = 0; j < a->n; j++)
			free_row(&a->row[j], q->nm, q->nit);
		free(a->row);
		free(a);
	}
	csm_map_release(&in->accts, NULL);
}

/* ---- the computation: one account's report ------------------------------ */

/* One metric of one account's report. */
struct mres {
	int hp, hc, hch, hpct, ht;
	double prev, cur, change, pct, tgt;
	int status;		/* enum status */
};

struct strs {
	char **s;
	size_t n;
};

/* One account's report: computed once, for one audience, in any format. */
struct report {
	const struct acct *a;
	const struct prow *cur;
	const struct prow *prev;	/* or NULL */
	size_t ncur;			/* rows in the series: row[0..ncur-1] */
	struct mres *mr;
	int has_value;
	int64_t value;			/* cents */
	int has_cost;
	int64_t cost;
	int has_roi;
	double roi;
	struct strs hl, gap, focus;
};

static void
strs_add(struct strs *l, struct csm_buf *b)
{
	l->s = csm_xreallocarray(l->s, l->n + 1, sizeof(*l->s));
	l->s[l->n++] = b->s != NULL ? csm_buf_detach(b) : csm_xstrdup("");
}

static void
strs_free(struct strs *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->s[i]);
	free(l->s);
}

/* Whether the audience sees metric m. */
static int
shown(const struct metric *m, int audience)
{
	return !(m->internal && audience == A_CUSTOMER);
}

/* A value for people, in the metric's format. */
static void
disp(const struct qbr *q, int format, double x, struct csm_buf *b)
{
	double r;
	char tmp[64];

	if (!isfinite(x)) {
		csm_buf_adds(b, "n/a");
		return;
	}
	switch (format) {
	case M_PERCENT:
		csm_fmt_grouped(x * 100, 0, b);
		csm_buf_addc(b, '%');
		break;
	case M_MONEY:
		csm_fmt_money(x, 0, q->currency, b);
		break;
	case M_DAYS:
		csm_fmt_num(x, 0, tmp);
		csm_fmt_grouped(x, 0, b);
		csm_buf_adds(b, strcmp(tmp, "1") == 0 || strcmp(tmp, "-1") == 0 ?
		    " day" : " days");
		break;
	default:
		r = csm_round(x, 1);
		csm_fmt_grouped(x, r == floor(r) ? 0 : 1, b);
	}
}

static void
disp_cents(const struct qbr *q, int64_t c, struct csm_buf *b)
{
	disp(q, M_MONEY, (double)c / 100, b);
}

/* A relative change for people: 0.137 -> 14% (no sign). */
static void
disp_pct(double pct, struct csm_buf *b)
{
	csm_fmt_grouped(fabs(pct) * 100, 0, b);
	csm_buf_addc(b, '%');
}

/* A signed change in the metric's format: +8, -$1,200, +9 pts. */
static void
disp_change(const struct qbr *q, int format, double change,
    struct csm_buf *b)
{
	if (change > 0)
		csm_buf_addc(b, '+');
	else if (change < 0)
		csm_buf_addc(b, '-');
	switch (format) {
	case M_PERCENT:
		csm_fmt_grouped(fabs(change) * 100, 0, b);
		csm_buf_adds(b, " pts");
		break;
	default:
		disp(q, format, fabs(change), b);
	}
}

/* The change with its percentage: "-3 (-25%)", "+13 pts". */
static void
disp_change_pct(const struct qbr *q, const struct metric *m,
    const struct mres *r, struct csm_buf *b)
{
	disp_change(q, m->format, r->change, b);
	if (r->hpct && m->format != M_PERCENT) {
		csm_buf_adds(b, r->change > 0 ? " (+" : r->change < 0 ? " (-" :
		    " (");
		disp_pct(r->pct, b);
		csm_buf_addc(b, ')');
	}
}

/* "up 14% to 66 (from 58)"; percent metrics move in points. */
static void
move_text(const struct qbr *q, const struct metric *m, const struct mres *r,
    struct csm_buf *b)
{
	csm_buf_adds(b, r->change > 0 ? "up " : "down ");
	if (m->format == M_PERCENT) {
		csm_fmt_grouped(fabs(r->change) * 100, 0, b);
		csm_buf_adds(b, " pts");
	} else
		disp_pct(r->pct, b);
	csm_buf_adds(b, " to ");
	disp(q, m->format, r->cur, b);
	csm_buf_adds(b, " (from ");
	disp(q, m->format, r->prev, b);
	csm_buf_addc(b, ')');
}

/*
 * Whether x can be written in the metric's machine format: finite, and
 * still finite as a percent (x 100) for a percent metric.
 */
static int
writable(int format, double x)
{
	return isfinite(x) && (format != M_PERCENT || isfinite(x * 100));
}

/* Says that a change cannot be computed; returns 0, its new has flag. */
static int
out_of_range(const struct acct *a, const struct metric *m, const char *what,
    const struct mres *r)
{
	csm_warn("account '%s', metric '%s': the %s from %g to %g is out of "
	    "range, shown as n/a", csm_q(a->id, strlen(a->id)), m->name, what,
	    r->prev, r->cur);
	return 0;
}

static void
metric_result(const struct acct *a, const struct metric *m, size_t i,
    const struct prow *prev, const struct prow *cur, struct mres *r)
{
	memset(r, 0, sizeof(*r));
	r->hc = (cur->has[i] & HAS_V) != 0;
	r->cur = cur->v[i];
	r->ht = (cur->has[i] & HAS_T) != 0;
	r->tgt = cur->t[i];
	if (prev != NULL && (prev->has[i] & HAS_V)) {
		r->hp = 1;
		r->prev = prev->v[i];
	}
	/*
	 * Values are within +/-10^15, so a change is; its ratio to a tiny
	 * previous value may not be (2 / 1e-300), and beyond 10^15 (10^17
	 * percent) it says nothing: missing, as with a previous value of 0.
	 */
	if (r->hp && r->hc) {
		r->hch = 1;
		r->change = r->cur - r->prev;
		if (r->prev != 0 && fabs(r->change / r->prev) <= METRIC_MAX) {
			r->hpct = 1;
			r->pct = r->change / fabs(r->prev);
		}
	}
	/* 1e308 then -1e308: a change no double holds is not made up */
	if (r->hch && !writable(m->format, r->change))
		r->hch = r->hpct = out_of_range(a, m, "change", r);
	else if (r->hpct && !writable(M_PERCENT, r->pct))
		r->hpct = out_of_range(a, m, "percent change", r);
	r->hp = r->hp && writable(m->format, r->prev);
	r->hc = r->hc && writable(m->format, r->cur);
	r->ht = r->ht && writable(m->format, r->tgt);
	r->status = ST_NONE;
	if (r->hc && r->ht)
		r->status = (m->lower ? r->cur <= r->tgt : r->cur >= r->tgt) ?
		    ST_MET : ST_MISSED;
}

/* Whether the change is a large enough move in direction dir (1 better). */
static int
moved(const struct metric *m, const struct mres *r, double hl, int better)
{
	int up;

	if (!r->hpct || r->change == 0 || fabs(r->pct) < hl)
		return 0;
	up = r->change > 0;
	return better ? up != m->lower : up == m->lower;
}

/* "Active users up 18% to 85 (from 72), meeting the target of 80" */
static void
highlight_text(const struct qbr *q, const struct metric *m,
    const struct mres *r, int up, struct csm_buf *b)
{
	csm_buf_adds(b, m->label);
	if (up) {
		csm_buf_addc(b, ' ');
		move_text(q, m, r, b);
	} else {
		csm_buf_adds(b, " at ");
		disp(q, m->format, r->cur, b);
	}
	if (r->status == ST_MET) {
		csm_buf_adds(b, ", meeting the target of ");
		disp(q, m->format, r->tgt, b);
	}
}

/*
 * "Active users at 42, missing the target of 47"; the customer reads
 * "toward the target of 47".
 */
static void
gap_text(const struct qbr *q, const struct metric *m, const struct mres *r,
    int down, int audience, struct csm_buf *b)
{
	csm_buf_adds(b, m->label);
	if (down) {
		csm_buf_addc(b, ' ');
		move_text(q, m, r, b);
	} else {
		csm_buf_adds(b, " at ");
		disp(q, m->format, r->cur, b);
	}
	if (r->status == ST_MISSED) {
		csm_buf_adds(b, audience == A_CUSTOMER ?
		    ", toward the target of " : ", missing the target of ");
		disp(q, m->format, r->tgt, b);
	}
}

/*
 * The focus for a gap: the metric's focus text, else a sentence.  To the
 * team: "Bring NPS from 6 to the target of 8", "Reverse the trend in
 * Logins: down 25% to 300 (from 400)"; to the customer: "Raise NPS from 6
 * to 8", "Bring Logins back up from 300 to 400".
 */
static void
focus_text(const struct qbr *q, const struct metric *m, const struct mres *r,
    const char *focus, int audience, struct csm_buf *b)
{
	if (focus != NULL)
		csm_buf_adds(b, focus);
	else if (audience == A_CUSTOMER) {
		if (r->status == ST_MISSED)
			csm_buf_printf(b, "%s %s from ", m->lower ? "Reduce" :
			    "Raise", m->label);
		else
			csm_buf_printf(b, "Bring %s back %s from ", m->label,
			    m->lower ? "down" : "up");
		disp(q, m->format, r->cur, b);
		csm_buf_adds(b, " to ");
		disp(q, m->format, r->status == ST_MISSED ? r->tgt : r->prev,
		    b);
	} else if (r->status == ST_MISSED) {
		csm_buf_printf(b, "Bring %s from ", m->label);
		disp(q, m->format, r->cur, b);
		csm_buf_adds(b, " to the target of ");
		disp(q, m->format, r->tgt, b);
	} else {
		csm_buf_printf(b, "Reverse the trend in %s: ", m->label);
		move_text(q, m, r, b);
	}
}

static void
build_report(struct report *rep, const struct qbr *q, const struct acct *a,
    size_t curi, int audience)
{
	struct csm_buf b;
	char max[32];
	size_t i;

	memset(rep, 0, sizeof(*rep));
	rep->a = a;
	rep->cur = &a->row[curi];
	rep->prev = curi > 0 ? &a->row[curi - 1] : NULL;
	rep->ncur = curi + 1;
	rep->mr = csm_xcalloc(q->nm, sizeof(*rep->mr));
	csm_buf_init(&b);
	for (i = 0; i < q->nm; i++) {
		const struct metric *m = &q->m[i];
		struct mres *r = &rep->mr[i];
		int up, down;

		metric_result(a, m, i, rep->prev, rep->cur, r);
		if (!shown(m, audience))
			continue;
		up = moved(m, r, q->hl, 1);
		down = moved(m, r, q->hl, 0);
		if (r->status == ST_MET || up) {
			highlight_text(q, m, r, up, &b);
			strs_add(&rep->hl, &b);
		}
		if (r->status != ST_MISSED && !down)
			continue;
		gap_text(q, m, r, down, audience, &b);
		strs_add(&rep->gap, &b);
		focus_text(q, m, r, rep->cur->focus[i], audience, &b);
		strs_add(&rep->focus, &b);
	}
	for (i = 0; i < q->nit; i++)
		if (rep->cur->has_item[i]) {
			rep->has_value = 1;
			if (csm_cents_add(&rep->value, rep->cur->item[i]) != 0) {
				csm_fmt_cents(INT64_MAX, 1, max);
				csm_die_at(EX_DATAERR, rep->cur->file,
				    rep->cur->line, "the value items add up to "
				    "more than %s", max);
			}
		}
	rep->has_cost = rep->cur->has_cost;
	rep->cost = rep->cur->cost;
	if (rep->has_value && rep->has_cost && rep->cost > 0) {
		rep->has_roi = 1;
		rep->roi = (double)rep->value / (double)rep->cost;
	}
	csm_buf_release(&b);
}

static void
free_report(struct report *rep)
{
	free(rep->mr);
	strs_free(&rep->hl);
	strs_free(&rep->gap);
	strs_free(&rep->focus);
}

/* ---- writing: CSV, TSV, JSON -------------------------------------------- */

struct ctx {
	const struct qbr *q;
	int kind;		/* of the periods */
	long today;
	int fmt;		/* enum fmt */
	int audience;		/* enum audience */
	int nacct;		/* accounts written so far to this output */
	struct csm_json json;	/* F_JSON and F_JSONL */
	struct csm_rows rows;	/* F_CSV and F_TSV */
};

static void
period_text(const struct ctx *c, long pidx, char *out)
{
	struct csm_period p;

	p.kind = c->kind;
	p.index = pidx;
	csm_period_format(&p, out);
}

/* The series of metric i over the report's periods: values or targets. */
static void
series(const struct report *rep, size_t i, int targets, double *v,
    unsigned char *has)
{
	size_t k;

	for (k = 0; k < rep->ncur; k++) {
		const struct prow *r = &rep->a->row[k];

		v[k] = targets ? r->t[i] : r->v[i];
		has[k] = (r->has[i] & (targets ? HAS_T : HAS_V)) != 0;
	}
}

/*
 * A metric's number as CSV, TSV and JSON write it (SPEC 8.3): a percent
 * as a percent number with two decimals (0.05 -> 5.00), money with two
 * decimals, others with up to 6 decimals and no trailing zeros; empty
 * when missing.
 */
static void
machine(int format, int has, double x, char *out)
{
	if (!has)
		out[0] = '\0';
	else if (format == M_PERCENT)
		csm_fmt_num(x * 100, 2, out);
	else if (format == M_MONEY)
		csm_fmt_num(x, 2, out);
	else
		csm_fmt_real(x, 6, out);
}

/* A metric's number as a cell, in the machine form (machine above). */
static void
row_num(struct csm_rows *rw, int format, int has, double x)
{
	char tmp[64];

	machine(format, has, x, tmp);
	csm_rows_num(rw, tmp, strlen(tmp), NULL);
}

static void
csv_header(struct csm_rows *rw, struct csm_out *o, int fmt)
{
	static const char *const h[] = {"account_id", "period", "metric",
		"label", "previous", "current", "change", "pct_change",
		"target", "status"};
	size_t i;

	csm_rows_init(rw, o, fmt == F_TSV ? CSM_ROWS_TSV : CSM_ROWS_CSV);
	for (i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		csm_rows_col(rw, h[i], strlen(h[i]), NULL, 0);
	csm_rows_head(rw);
}

static void
csv_account(struct csm_rows *rw, const struct ctx *c,
    const struct report *rep)
{
	char per[32];
	size_t i;

	period_text(c, rep->cur->pidx, per);
	for (i = 0; i < c->q->nm; i++) {
		const struct metric *m = &c->q->m[i];
		const struct mres *r = &rep->mr[i];

		if (!shown(m, c->audience))
			continue;
		csm_rows_begin(rw);
		csm_rows_str(rw, rep->a->id, strlen(rep->a->id));
		csm_rows_str(rw, per, strlen(per));
		csm_rows_str(rw, m->name, strlen(m->name));
		csm_rows_str(rw, m->label, strlen(m->label));
		row_num(rw, m->format, r->hp, r->prev);
		row_num(rw, m->format, r->hc, r->cur);
		row_num(rw, m->format, r->hch, r->change);
		row_num(rw, M_PERCENT, r->hpct, r->pct);
		row_num(rw, m->format, r->ht, r->tgt);
		csm_rows_str(rw, status_names[r->status],
		    strlen(status_names[r->status]));
		csm_rows_end(rw);
	}
}

static void
json_num(struct csm_json *j, const char *key, int format, int has, double x)
{
	char tmp[64];

	machine(format, has, x, tmp);
	csm_json_key(j, key);
	csm_json_numtext(j, tmp, strlen(tmp));
}

static void
json_strs(struct csm_json *j, const char *key, const struct strs *l)
{
	size_t i;

	csm_json_key(j, key);
	csm_json_arr_begin(j);
	for (i = 0; i < l->n; i++)
		csm_json_strz(j, l->s[i]);
	csm_json_arr_end(j);
}

static void
json_money(struct csm_json *j, const char *key, int has, int64_t cents)
{
	csm_json_key(j, key);
	if (has)
		csm_json_cents(j, cents);
	else
		csm_json_null(j);
}

static void
json_account(struct csm_json *j, const struct ctx *c,
    const struct report *rep)
{
	char per[32];
	size_t i;

	period_text(c, rep->cur->pidx, per);
	csm_json_obj_begin(j);
	csm_json_key(j, "account_id");
	csm_json_strz(j, rep->a->id);
	csm_json_key(j, "period");
	csm_json_strz(j, per);
	csm_json_key(j, "metrics");
	csm_json_arr_begin(j);
	for (i = 0; i < c->q->nm; i++) {
		const struct metric *m = &c->q->m[i];
		const struct mres *r = &rep->mr[i];

		if (!shown(m, c->audience))
			continue;
		csm_json_obj_begin(j);
		csm_json_key(j, "account_id");
		csm_json_strz(j, rep->a->id);
		csm_json_key(j, "period");
		csm_json_strz(j, per);
		csm_json_key(j, "metric");
		csm_json_strz(j, m->name);
		csm_json_key(j, "label");
		csm_json_strz(j, m->label);
		json_num(j, "previous", m->format, r->hp, r->prev);
		json_num(j, "current", m->format, r->hc, r->cur);
		json_num(j, "change", m->format, r->hch, r->change);
		json_num(j, "pct_change", M_PERCENT, r->hpct, r->pct);
		json_num(j, "target", m->format, r->ht, r->tgt);
		csm_json_key(j, "status");
		csm_json_strz(j, status_names[r->status]);
		csm_json_obj_end(j);
	}
	csm_json_arr_end(j);
	json_money(j, "value", rep->has_value, rep->value);
	json_money(j, "cost", rep->has_cost, rep->cost);
	json_num(j, "roi", M_NUMBER, rep->has_roi, rep->roi);
	json_strs(j, "highlights", &rep->hl);
	json_strs(j, "gaps", &rep->gap);
	json_strs(j, "focus", &rep->focus);
	csm_json_obj_end(j);
}

/* ---- the pages: what they say, for either audience ----------------------- */

/* The words of a page that depend on who reads it. */
struct words {
	const char *gaps;
	const char *no_gaps;
	const char *no_focus;
};

static const struct words words[] = {
	{"Gaps", "No gaps this period.",
	    "Keep the current plan: no gaps to close."},
	{"Opportunities", "Nothing to flag this period.",
	    "Keep the current plan."}
};

static const char *
acct_name(const struct report *rep)
{
	return rep->cur->name != NULL ? rep->cur->name : rep->a->id;
}

static void
money_text(const struct ctx *c, int has, int64_t cents, struct csm_buf *b)
{
	if (has)
		disp_cents(c->q, cents, b);
	else
		csm_buf_adds(b, "n/a");
}

/* "in 30 days", "today", "3 days ago": from today to the renewal. */
static void
renewal_days(const struct ctx *c, const struct prow *r, struct csm_buf *b)
{
	long d = r->renewal - c->today;

	if (d == 0)
		csm_buf_adds(b, "today");
	else if (d > 0)
		csm_buf_printf(b, "in %ld day%s", d, d == 1 ? "" : "s");
	else
		csm_buf_printf(b, "%ld day%s ago", -d, d == -1 ? "" : "s");
}

/* "up 5 since 2026-Q3", "unchanged since 2026-Q3"; nothing with no earlier
 * score. */
static void
health_trend(const struct ctx *c, const struct report *rep,
    struct csm_buf *b)
{
	char per[32];
	double ch;

	if (rep->prev == NULL || !rep->prev->has_health)
		return;
	period_text(c, rep->prev->pidx, per);
	ch = csm_round(rep->cur->health - rep->prev->health, 1);
	if (ch == 0)
		csm_buf_printf(b, "unchanged since %s", per);
	else {
		csm_buf_adds(b, ch > 0 ? "up " : "down ");
		disp(c->q, M_NUMBER, fabs(ch), b);
		csm_buf_printf(b, " since %s", per);
	}
}

static void
title_of(const struct ctx *c, const struct report *rep, struct csm_buf *b)
{
	char per[32];

	period_text(c, rep->cur->pidx, per);
	csm_buf_printf(b, "%s: QBR %s", acct_name(rep), per);
}

/* ---- Markdown ---------------------------------------------------------- */

/*
 * The line of facts under the title: account, ARR, renewal (with the days
 * to it) and health (band and change); the customer's has ARR and renewal.
 */
static void
md_facts(struct csm_out *o, const struct ctx *c, const struct report *rep)
{
	struct csm_md_fact f[4];
	struct csm_buf b[3];
	const struct prow *cur = rep->cur;
	size_t n = 0, i;

	for (i = 0; i < 3; i++) {
		csm_buf_init(&b[i]);
		csm_buf_adds(&b[i], "");
	}
	if (c->audience == A_INTERNAL) {
		f[n].label = "Account";
		f[n++].value = rep->a->id;
	}
	money_text(c, cur->has_arr, cur->arr, &b[0]);
	f[n].label = "ARR";
	f[n++].value = b[0].s;
	if (cur->has_renewal) {
		char date[32];

		csm_date_format(cur->renewal, date);
		csm_buf_adds(&b[1], date);
		if (c->audience == A_INTERNAL) {
			csm_buf_adds(&b[1], " (");
			renewal_days(c, cur, &b[1]);
			csm_buf_addc(&b[1], ')');
		}
	} else
		csm_buf_adds(&b[1], "n/a");
	f[n].label = "Renewal";
	f[n++].value = b[1].s;
	if (c->audience == A_INTERNAL) {
		if (cur->has_health) {
			disp(c->q, M_NUMBER, cur->health, &b[2]);
			if (cur->band != NULL)
				csm_buf_printf(&b[2], " (%s)", cur->band);
			if (rep->prev != NULL && rep->prev->has_health) {
				csm_buf_adds(&b[2], ", ");
				health_trend(c, rep, &b[2]);
			}
		} else
			csm_buf_adds(&b[2], "n/a");
		f[n].label = "Health";
		f[n++].value = b[2].s;
	}
	csm_md_facts(o, f, n);
	for (i = 0; i < 3; i++)
		csm_buf_release(&b[i]);
}

/* A table cell from b, which is emptied. */
static void
md_cell(struct csm_md_table *t, struct csm_buf *b)
{
	csm_md_table_cell(t, b->s != NULL ? b->s : "", b->len);
	csm_buf_reset(b);
}

/* "**$3,400** of value in 2026-Q4 against a cost of $3,000: a **1.1x**
 * return." */
static void
md_value_summary(struct csm_out *o, const struct ctx *c,
    const struct report *rep, const char *per)
{
	struct csm_md_span sp[4];
	struct csm_buf b[3];
	size_t n = 0, i;

	for (i = 0; i < 3; i++) {
		csm_buf_init(&b[i]);
		csm_buf_adds(&b[i], "");
	}
	if (!rep->has_value) {
		csm_buf_printf(&b[0], "No value recorded in %s.", per);
		sp[n].text = b[0].s;
		sp[n++].strong = 0;
	} else {
		disp_cents(c->q, rep->value, &b[0]);
		sp[n].text = b[0].s;
		sp[n++].strong = 1;
		csm_buf_printf(&b[1], " of value in %s", per);
		if (rep->has_cost) {
			csm_buf_adds(&b[1], " against a cost of ");
			disp_cents(c->q, rep->cost, &b[1]);
		}
		csm_buf_adds(&b[1], rep->has_roi ? ": a " : ".");
		sp[n].text = b[1].s;
		sp[n++].strong = 0;
		if (rep->has_roi) {
			csm_buf_printf(&b[2], "%.1fx", csm_round(rep->roi, 1));
			sp[n].text = b[2].s;
			sp[n++].strong = 1;
			sp[n].text = " return.";
			sp[n++].strong = 0;
		}
	}
	csm_md_para(o, sp, n);
	for (i = 0; i < 3; i++)
		csm_buf_release(&b[i]);
}

static void
md_value(struct csm_out *o, const struct ctx *c, const struct report *rep,
    const char *per, struct csm_buf *b)
{
	const struct qbr *q = c->q;
	struct csm_md_table t;
	size_t i;

	csm_md_heading(o, 2, "Value delivered");
	md_value_summary(o, c, rep, per);
	csm_md_table_init(&t, o, CSM_MD_TIGHT);
	csm_md_table_col(&t, "Value item", 0);
	if (q->has_notes)
		csm_md_table_col(&t, "Assumptions", 0);
	csm_md_table_col(&t, per, 1);
	for (i = 0; i < q->nit; i++) {
		csm_md_table_cells(&t, q->it[i].label);
		if (q->has_notes)
			csm_md_table_cells(&t, rep->cur->note[i] != NULL ?
			    rep->cur->note[i] : "");
		money_text(c, rep->cur->has_item[i], rep->cur->item[i], b);
		md_cell(&t, b);
		csm_md_table_row(&t);
	}
	csm_md_table_end(&t);
}

/* The metric's series as a Unicode sparkline; a missing value is a dot. */
static void
sparkline(const struct report *rep, size_t i, struct csm_buf *b)
{
	double *v = csm_xcalloc(rep->ncur, sizeof(*v));
	unsigned char *has = csm_xcalloc(rep->ncur, 1);

	series(rep, i, 0, v, has);
	csm_spark_text(v, has, rep->ncur, b);
	free(v);
	free(has);
}

/* A number of the metric's, or n/a; the target's absence is a dash. */
static void
md_value_cell(const struct ctx *c, int format, int has, double x,
    const char *none, struct csm_md_table *t, struct csm_buf *b)
{
	if (has)
		disp(c->q, format, x, b);
	else
		csm_buf_adds(b, none);
	md_cell(t, b);
}

static void
md_metrics(struct csm_out *o, const struct ctx *c, const struct report *rep,
    const char *per, const char *pper, struct csm_buf *b)
{
	const struct qbr *q = c->q;
	struct csm_md_table t;
	int internal = c->audience == A_INTERNAL;
	size_t i;

	csm_md_heading(o, 2, "Metrics");
	csm_md_table_init(&t, o, CSM_MD_TIGHT);
	csm_md_table_col(&t, "Metric", 0);
	csm_md_table_col(&t, pper, 1);
	csm_md_table_col(&t, per, 1);
	csm_md_table_col(&t, "Change", 1);
	csm_md_table_col(&t, "Target", 1);
	if (internal)
		csm_md_table_col(&t, "Status", 0);
	csm_md_table_col(&t, "Trend", 0);
	for (i = 0; i < q->nm; i++) {
		const struct metric *m = &q->m[i];
		const struct mres *r = &rep->mr[i];

		if (!shown(m, c->audience))
			continue;
		csm_md_table_cells(&t, m->label);
		md_value_cell(c, m->format, r->hp, r->prev, "n/a", &t, b);
		md_value_cell(c, m->format, r->hc, r->cur, "n/a", &t, b);
		if (r->hch)
			disp_change_pct(q, m, r, b);
		else
			csm_buf_adds(b, "n/a");
		md_cell(&t, b);
		md_value_cell(c, m->format, r->ht, r->tgt, "\342\200\224", &t,
		    b);
		if (internal)
			csm_md_table_cells(&t, r->status == ST_NONE ?
			    "\342\200\224" : status_names[r->status]);
		sparkline(rep, i, b);
		md_cell(&t, b);
		csm_md_table_row(&t);
	}
	csm_md_table_end(&t);
}

static void
md_account(struct csm_out *o, const struct ctx *c, const struct report *rep)
{
	const struct words *w = &words[c->audience];
	char per[32], pper[32];
	struct csm_buf b;

	csm_buf_init(&b);
	period_text(c, rep->cur->pidx, per);
	if (rep->prev != NULL)
		period_text(c, rep->prev->pidx, pper);
	else
		memcpy(pper, "Previous", 9);
	if (c->nacct > 0)
		csm_out_puts(o, "\n---\n\n");
	title_of(c, rep, &b);
	csm_md_heading(o, 1, b.s);
	csm_buf_reset(&b);
	md_facts(o, c, rep);
	csm_md_list(o, "Highlights", rep->hl.s, rep->hl.n, 0,
	    "No highlights this period.");
	if (c->q->has_value)
		md_value(o, c, rep, per, &b);
	md_metrics(o, c, rep, per, pper, &b);
	csm_md_list(o, w->gaps, rep->gap.s, rep->gap.n, 0, w->no_gaps);
	csm_md_list(o, "Focus for next quarter", rep->focus.s, rep->focus.n,
	    1, w->no_focus);
	csm_buf_release(&b);
}

/* ---- HTML -------------------------------------------------------------- */

/*
 * The cards at the top: ARR, renewal (the days to it), health (band and
 * change) and the return on investment; the customer's leave out health
 * and the days to renewal.
 */
static void
html_kpis(struct csm_out *o, const struct ctx *c, const struct report *rep)
{
	const struct prow *cur = rep->cur;
	struct csm_html_kpi k[4];
	struct csm_buf b[6];
	char date[32];
	size_t n = 0, i;

	memset(k, 0, sizeof(k));
	for (i = 0; i < 6; i++) {
		csm_buf_init(&b[i]);
		csm_buf_adds(&b[i], "");
	}
	money_text(c, cur->has_arr, cur->arr, &b[0]);
	k[n].label = "ARR";
	k[n++].value = b[0].s;

	k[n].label = "Renewal";
	k[n].value = "n/a";
	if (cur->has_renewal) {
		csm_date_format(cur->renewal, date);
		k[n].value = date;
		if (c->audience == A_INTERNAL) {
			renewal_days(c, cur, &b[1]);
			k[n].detail = b[1].s;
		}
	}
	n++;

	if (c->audience == A_INTERNAL) {
		k[n].label = "Health";
		k[n].value = "n/a";
		if (cur->has_health) {
			disp(c->q, M_NUMBER, cur->health, &b[2]);
			k[n].value = b[2].s;
			k[n].badge = cur->band;
			health_trend(c, rep, &b[3]);
			k[n].detail = b[3].len > 0 ? b[3].s :
			    "no earlier score";
		}
		n++;
	}

	k[n].label = "Return on investment";
	k[n].cls = "roi";
	if (rep->has_roi)
		csm_buf_printf(&b[4], "%.1f\303\227", csm_round(rep->roi, 1));
	else
		csm_buf_adds(&b[4], "n/a");
	k[n].value = b[4].s;
	if (rep->has_value) {
		disp_cents(c->q, rep->value, &b[5]);
		csm_buf_adds(&b[5], " value");
		if (rep->has_cost) {
			csm_buf_adds(&b[5], " vs ");
			disp_cents(c->q, rep->cost, &b[5]);
			csm_buf_adds(&b[5], " cost");
		}
		k[n].detail = b[5].s;
	} else
		k[n].detail = "no value recorded";
	n++;
	csm_html_kpis(o, k, n);
	for (i = 0; i < 6; i++)
		csm_buf_release(&b[i]);
}

/*
 * A metric's card: value and change, the status (to the customer only a
 * target met), the series as a chart with its targets dashed, and the
 * target and previous value under it.
 */
static void
html_metric(struct csm_out *o, const struct ctx *c, const struct report *rep,
    size_t i)
{
	const struct metric *m = &c->q->m[i];
	const struct mres *r = &rep->mr[i];
	struct csm_html_metric card;
	struct csm_spark sp;
	struct csm_buf val, chg, foot;
	double *v = csm_xcalloc(rep->ncur, sizeof(*v));
	double *t = csm_xcalloc(rep->ncur, sizeof(*t));
	unsigned char *has = csm_xcalloc(rep->ncur, 1);
	unsigned char *thas = csm_xcalloc(rep->ncur, 1);
	char first[32], last[32], per[32];

	csm_buf_init(&val);
	csm_buf_init(&chg);
	csm_buf_init(&foot);
	memset(&card, 0, sizeof(card));
	card.label = m->label;
	if (c->audience == A_INTERNAL || r->status == ST_MET) {
		card.status = status_names[r->status];
		card.status_text = r->status == ST_NONE ? "no target" :
		    status_names[r->status];
	}
	if (r->hc)
		disp(c->q, m->format, r->cur, &val);
	else
		csm_buf_adds(&val, "n/a");
	card.value = val.s;
	if (r->hch) {
		disp_change_pct(c->q, m, r, &chg);
		card.change = chg.s;
		card.trend = r->change == 0 ? "flat" :
		    (r->change > 0) != m->lower ? "better" : "worse";
	}

	series(rep, i, 0, v, has);
	series(rep, i, 1, t, thas);
	period_text(c, rep->a->row[0].pidx, first);
	period_text(c, rep->a->row[rep->ncur - 1].pidx, last);
	memset(&sp, 0, sizeof(sp));
	sp.n = rep->ncur;
	sp.v = v;
	sp.has = has;
	sp.t = t;
	sp.thas = thas;
	sp.first = first;
	sp.last = last;
	card.chart = &sp;

	csm_buf_adds(&foot, "");
	if (r->ht) {
		csm_buf_adds(&foot, "Target ");
		disp(c->q, m->format, r->tgt, &foot);
	}
	if (rep->prev != NULL) {
		period_text(c, rep->prev->pidx, per);
		csm_buf_printf(&foot, "%s%s: ", r->ht ? " \302\267 " : "",
		    per);
		if (r->hp)
			disp(c->q, m->format, r->prev, &foot);
		else
			csm_buf_adds(&foot, "n/a");
	}
	card.foot = foot.s;
	csm_html_metric(o, &card);
	csm_buf_release(&val);
	csm_buf_release(&chg);
	csm_buf_release(&foot);
	free(v);
	free(t);
	free(has);
	free(thas);
}

/* The value items (each with its note), their total and the cost. */
static void
html_value(struct csm_out *o, const struct ctx *c, const struct report *rep,
    const char *per, struct csm_buf *b)
{
	const struct qbr *q = c->q;
	const struct prow *cur = rep->cur;
	struct csm_html_table t;
	size_t i;

	csm_buf_printf(b, "Value delivered in %s", per);
	csm_html_heading(o, b->s);
	csm_buf_reset(b);
	csm_html_table_init(&t, o);
	csm_html_table_col(&t, "Value item", 0);
	csm_html_table_col(&t, per, 1);
	for (i = 0; i < q->nit; i++) {
		csm_html_table_row(&t, NULL);
		csm_html_table_cell(&t, q->it[i].label, cur->note != NULL ?
		    cur->note[i] : NULL);
		csm_buf_adds(b, "");
		money_text(c, cur->has_item[i], cur->item[i], b);
		csm_html_table_cell(&t, b->s, NULL);
		csm_buf_reset(b);
	}
	csm_html_table_row(&t, "total");
	csm_html_table_cell(&t, "Total value", NULL);
	csm_buf_adds(b, "");
	money_text(c, rep->has_value, rep->value, b);
	csm_html_table_cell(&t, b->s, NULL);
	csm_buf_reset(b);
	if (rep->has_cost) {
		csm_html_table_row(&t, NULL);
		csm_html_table_cell(&t, "Cost", NULL);
		disp_cents(q, rep->cost, b);
		csm_html_table_cell(&t, b->s, NULL);
		csm_buf_reset(b);
	}
	csm_html_table_end(&t);
}

static void
html_account(struct csm_out *o, const struct ctx *c, const struct report *rep)
{
	const struct words *w = &words[c->audience];
	const struct qbr *q = c->q;
	char per[32], pper[32], date[32];
	struct csm_buf eyebrow, sub, b;
	size_t i;

	csm_buf_init(&eyebrow);
	csm_buf_init(&sub);
	csm_buf_init(&b);
	period_text(c, rep->cur->pidx, per);
	csm_buf_printf(&eyebrow, "Quarterly business review \302\267 %s", per);
	if (c->audience == A_INTERNAL)
		csm_buf_printf(&sub, "Account %s", rep->a->id);
	if (rep->prev != NULL) {
		period_text(c, rep->prev->pidx, pper);
		csm_buf_printf(&sub, "%s%s compared with %s", sub.len > 0 ?
		    " \302\267 " : "", per, pper);
	}
	csm_html_section_begin(o, eyebrow.s, acct_name(rep), sub.s);
	html_kpis(o, c, rep);

	csm_html_div(o, "cols");
	csm_html_list_card(o, "good", "Highlights", rep->hl.s, rep->hl.n,
	    "No highlights this period.");
	csm_html_list_card(o, "gap", w->gaps, rep->gap.s, rep->gap.n,
	    w->no_gaps);
	csm_html_div_end(o);
	csm_html_heading(o, "Metrics");
	csm_html_div(o, "metrics");
	for (i = 0; i < q->nm; i++)
		if (shown(&q->m[i], c->audience))
			html_metric(o, c, rep, i);
	csm_html_div_end(o);
	if (q->has_value)
		html_value(o, c, rep, per, &b);
	csm_html_list(o, "Focus for next quarter", rep->focus.s,
	    rep->focus.n, 1, w->no_focus);
	csm_date_format(c->today, date);
	csm_buf_printf(&b, "Prepared %s with csm-qbr", date);
	csm_html_section_end(o, b.s);
	csm_buf_release(&eyebrow);
	csm_buf_release(&sub);
	csm_buf_release(&b);
}

/* ---- documents --------------------------------------------------------- */

static void
doc_begin(struct csm_out *o, struct ctx *c, const char *title)
{
	switch (c->fmt) {
	case F_CSV:
	case F_TSV:
		csv_header(&c->rows, o, c->fmt);
		break;
	case F_JSON:
		csm_json_init(&c->json, o, CSM_JSON_DOC, 3);
		csm_json_arr_begin(&c->json);
		break;
	case F_JSONL:
		csm_json_init(&c->json, o, CSM_JSON_LINES, 0);
		break;
	case F_HTML:
		csm_html_page_begin(o, title, c->q->paper, NULL);
		break;
	}
}

static void
doc_account(struct csm_out *o, struct ctx *c, const struct report *rep)
{
	switch (c->fmt) {
	case F_CSV:
	case F_TSV:
		csv_account(&c->rows, c, rep);
		break;
	case F_JSON:
	case F_JSONL:
		json_account(&c->json, c, rep);
		break;
	case F_HTML:
		html_account(o, c, rep);
		break;
	default:
		md_account(o, c, rep);
	}
	c->nacct++;
}

static void
doc_end(struct csm_out *o, struct ctx *c)
{
	switch (c->fmt) {
	case F_CSV:
	case F_TSV:
		csm_rows_finish(&c->rows);
		break;
	case F_JSON:
		csm_json_arr_end(&c->json);
		csm_json_finish(&c->json);
		break;
	case F_JSONL:
		csm_json_finish(&c->json);
		break;
	case F_HTML:
		if (c->nacct == 0)
			csm_html_section_empty(o, "No accounts.");
		csm_html_end(o);
		break;
	}
}

/* ---- --out-dir --------------------------------------------------------- */

/* Appends s made safe for a file name: a-z, 0-9 and '-', at most max. */
static void
slug(const char *s, size_t max, struct csm_buf *b)
{
	size_t start = b->len, n = 0;
	int dash = 0;

	for (; *s != '\0' && n < max; s++) {
		int ch = (unsigned char)*s;

		if (ch >= 'A' && ch <= 'Z')
			ch += 'a' - 'A';
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			if (dash && n > 0) {
				csm_buf_addc(b, '-');
				n++;
			}
			dash = 0;
			csm_buf_addc(b, ch);
			n++;
		} else
			dash = 1;
	}
	while (b->len > start && b->s[b->len - 1] == '-')
		b->s[--b->len] = '\0';
}

static const char *const exts[] = {"md", "csv", "tsv", "json", "jsonl",
	"html"};

/*
 * The file name for an account, unique among those in used: the name and
 * the id, or for the customer the name alone (the id when there is none).
 */
static char *
file_name(const struct report *rep, int fmt, int audience,
    struct csm_map *used)
{
	struct csm_buf b;
	size_t base;
	int isnew;
	unsigned long nth;

	csm_buf_init(&b);
	if (rep->cur->name != NULL)
		slug(rep->cur->name, 60, &b);
	if (b.len == 0 || audience == A_INTERNAL) {
		if (b.len > 0)
			csm_buf_addc(&b, '-');
		base = b.len;
		slug(rep->a->id, 40, &b);
		if (b.len == base)
			csm_buf_adds(&b, "account");
	}
	base = b.len;
	for (nth = 1;; nth++) {
		if (nth > 1) {
			b.len = base;
			b.s[base] = '\0';
			csm_buf_printf(&b, "-%lu", nth);
		}
		csm_buf_printf(&b, ".%s", exts[fmt]);
		csm_map_put(used, b.s, b.len, &isnew);
		if (isnew)
			return csm_buf_detach(&b);
		b.len = base;
		b.s[base] = '\0';
	}
}

static void
make_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		csm_die(EX_CANTCREAT, "cannot create directory '%s':", dir);
	if (stat(dir, &st) != 0)
		csm_die(EX_CANTCREAT, "cannot use directory '%s':", dir);
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		csm_die(EX_CANTCREAT, "cannot use directory '%s':", dir);
	}
}

/* Writes one account's file whole: a temporary file renamed into place. */
static void
write_file(const char *dir, const char *name, struct ctx *c,
    const struct report *rep, mode_t mode)
{
	struct csm_buf path, tmpl, title;
	struct csm_out o;
	int fd;

	csm_buf_init(&path);
	csm_buf_init(&tmpl);
	csm_buf_init(&title);
	csm_buf_printf(&path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ?
	    "" : "/", name);
	csm_buf_printf(&tmpl, "%s%s.csm-qbr.XXXXXX", dir,
	    dir[strlen(dir) - 1] == '/' ? "" : "/");
	if ((fd = mkstemp(tmpl.s)) < 0)
		csm_die(EX_CANTCREAT, "cannot create a file in '%s':", dir);
	tmp_path = tmpl.s;
	if (fchmod(fd, mode) != 0)
		csm_die(EX_CANTCREAT, "cannot create '%s':", path.s);
	csm_out_init(&o, fd, path.s, c->fmt == F_TSV ? '\t' : ',');
	title_of(c, rep, &title);
	c->nacct = 0;
	doc_begin(&o, c, title.s);
	doc_account(&o, c, rep);
	doc_end(&o, c);
	csm_out_close(&o);
	if (rename(tmpl.s, path.s) != 0)
		csm_die(EX_CANTCREAT, "cannot create '%s':", path.s);
	tmp_path = NULL;
	csm_buf_release(&path);
	csm_buf_release(&tmpl);
	csm_buf_release(&title);
}

/* ---- main -------------------------------------------------------------- */

/*
 * The ids -a asked for, in the order given, each once: "A,B" is two, and
 * so is "-a A -a B"; spaces around an id are dropped, as in the input.
 */
struct wanted {
	struct csm_map ids;	/* id -> non-NULL once found */
};

static void
want_ids(struct wanted *w, const char *arg)
{
	const char *s = arg, *end;
	size_t n;

	for (;;) {
		end = strchr(s, ',');
		n = end != NULL ? (size_t)(end - s) : strlen(s);
		csm_trim(&s, &n);
		if (n == 0)
			csm_usage_error(usage_text, "--account: an empty id in "
			    "'%s'", csm_q(arg, strlen(arg)));
		csm_map_put(&w->ids, s, n, NULL);
		if (end == NULL)
			return;
		s = end + 1;
	}
}

/* Says which ids asked for are not in the input, if any. */
static void
check_found(const struct wanted *w)
{
	struct csm_buf b;
	size_t i, k = 0, missing = 0;

	for (i = 0; i < w->ids.n; i++)
		missing += w->ids.ent[i].val == NULL;
	if (missing == 0)
		return;
	csm_buf_init(&b);
	for (i = 0; i < w->ids.n; i++) {
		const char *id = w->ids.ent[i].key;

		if (w->ids.ent[i].val != NULL)
			continue;
		csm_buf_printf(&b, "%s'%s'", k == 0 ? "" : k + 1 == missing ?
		    " and " : ", ", csm_q(id, strlen(id)));
		k++;
	}
	csm_die(EX_DATAERR, "account%s %s %s not in the input", missing > 1 ?
	    "s" : "", b.s, missing > 1 ? "are" : "is");
}

/* The index of the account's current row, or -1 when it has no period. */
static long
current_row(const struct acct *a, int has_period, long pidx)
{
	size_t i;

	if (!has_period)
		return (long)a->n - 1;
	for (i = 0; i < a->n; i++)
		if (a->row[i].pidx == pidx)
			return (long)i;
	return -1;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CSM_CLI_LONGOPTS,
		{"account", 1, NULL, 'a'},
		{"audience", 1, NULL, OPT_AUDIENCE},
		{"format", 1, NULL, 'f'},
		{"out-dir", 1, NULL, 'o'},
		{"period", 1, NULL, 'p'},
		{NULL, 0, NULL, 0}
	};
	struct csm_cli cli;
	struct csm_cfg cfg;
	struct csm_tbl t;
	struct csm_cols cols;
	struct csm_colreg reg;
	struct csm_eval ev;
	struct csm_out o;
	struct csm_map used;
	struct wanted want;
	struct input in;
	struct hdrcols hc;
	struct qbr q;
	struct ctx c;
	struct csm_period period;
	struct report *rep = NULL;
	const char *outdir = NULL, *period_arg = NULL;
	size_t idcol, percol, nrep = 0, i;
	int ch, fmt = F_MD, audience = A_INTERNAL, some = 0;
	char per[32];
	long cur, found;
	mode_t mask;

	csm_cli_progname(argv);
	csm_cli_init(&cli);
	csm_map_init(&want.ids);
	while ((ch = getopt_long(argc, argv, SHORTOPTS, longopts, NULL)) != -1) {
		if (csm_cli_opt(&cli, ch, optarg))
			continue;
		switch (ch) {
		case 'a':
			want_ids(&want, optarg);
			some = 1;
			break;
		case 'f':
			fmt = csm_cli_format(usage_text, optarg, fmt_names);
			break;
		case 'o':
			if (*optarg == '\0')
				csm_usage_error(usage_text, "--out-dir: the "
				    "directory name is empty");
			outdir = optarg;
			break;
		case 'p':
			if (csm_parse_period(optarg, strlen(optarg), &period) !=
			    CSM_OK)
				csm_usage_error(usage_text, "--period: '%s' is "
				    "not a period (YYYY-Qn or YYYY-MM; years "
				    "1900 to 9999)", csm_q(optarg,
				    strlen(optarg)));
			period_arg = optarg;
			break;
		case OPT_AUDIENCE:
			audience = csm_cli_word(usage_text, "--audience",
			    optarg, audience_names);
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	csm_cli_done(&cli, usage_text, help_text);

	csm_cli_config(&cli, &cfg);
	load_qbr(&q, &cfg);

	csm_tbl_open(&t, argv, (size_t)argc, &cli.tbl);
	csm_cols_init(&cols, &t, cfg.columns);
	csm_colreg_init(&reg, &cols);
	register_columns(&q, fmt, outdir != NULL, audience, &reg);
	if (cli.columns) {
		csm_cli_columns(&reg, t.delim);
		csm_colreg_release(&reg);
		csm_cols_release(&cols);
		csm_tbl_close(&t);
		free_qbr(&q);
		csm_cfg_release(&cfg);
		csm_map_release(&want.ids, NULL);
		return EX_OK;
	}
	csm_colreg_check(&reg);
	csm_out_init(&o, 1, "<stdout>", fmt == F_TSV ? '\t' : ',');
	idcol = csm_cols_need(&cols, "account_id", "csm-qbr");
	percol = csm_cols_need(&cols, "period", "csm-qbr");
	bind_qbr(&q, &cols);
	if (!cli.quiet)
		csm_colreg_warn(&reg);
	csm_colreg_release(&reg);
	hc.name = is_page(fmt) || outdir != NULL ?
	    csm_cols_find(&cols, "account_name") : -1;
	hc.arr = is_page(fmt) ? csm_cols_find(&cols, "arr") : -1;
	hc.renewal = is_page(fmt) ? csm_cols_find(&cols, "renewal_date") : -1;
	hc.health = is_page(fmt) && audience == A_INTERNAL ?
	    csm_cols_find(&cols, "health_score") : -1;
	hc.band = is_page(fmt) && audience == A_INTERNAL ?
	    csm_cols_find(&cols, "health_band") : -1;

	csm_eval_init(&ev);
	ev.rec = &t;
	ev.cols = &cols;
	ev.today = cli.today;
	ev.date_format = cfg.date_format;
	ev.badval = cfg.badval;
	memset(&in, 0, sizeof(in));
	csm_map_init(&in.accts);
	read_input(&in, &t, &q, &ev, &cols, &hc, idcol, percol);
	sort_accounts(&in);
	if (period_arg != NULL && in.kind != 0 && period.kind != in.kind)
		csm_die(EX_DATAERR, "--period: '%s' is %s, but the input's "
		    "periods are %s", period_arg, kind_name(period.kind),
		    in.kind == CSM_QUARTER ? "quarters" : "months");

	c.q = &q;
	c.kind = in.kind;
	c.today = cli.today;
	c.fmt = fmt;
	c.audience = audience;
	c.nacct = 0;
	if (period_arg != NULL)
		period_text(&c, period.index, per);
	rep = csm_xcalloc(in.accts.n + 1, sizeof(*rep));
	for (i = 0; i < in.accts.n; i++) {
		const struct acct *a = in.accts.ent[i].val;

		if (some) {
			if ((found = csm_map_find(&want.ids, a->id,
			    strlen(a->id))) < 0)
				continue;
			want.ids.ent[found].val = (void *)a;
		}
		cur = current_row(a, period_arg != NULL, period.index);
		if (cur < 0 && some)
			csm_die(EX_DATAERR, "account '%s' has no row for "
			    "period %s", csm_q(a->id, strlen(a->id)), per);
		if (cur < 0)
			continue;
		build_report(&rep[nrep++], &q, a, (size_t)cur, audience);
	}
	check_found(&want);
	if (period_arg != NULL && nrep == 0 && in.accts.n > 0)
		csm_die(EX_DATAERR, "no account has a row for period %s", per);

	if (outdir != NULL) {
		mask = umask(0);
		umask(mask);
		make_dir(outdir);
		csm_exit = cleanup_exit;
		csm_map_init(&used);
		for (i = 0; i < nrep; i++) {
			char *name = file_name(&rep[i], fmt, audience, &used);

			write_file(outdir, name, &c, &rep[i],
			    0666 & ~mask);
			csm_out_printf(&o, "%s%s%s\n", outdir,
			    outdir[strlen(outdir) - 1] == '/' ? "" : "/", name);
			free(name);
		}
		csm_map_release(&used, NULL);
	} else {
		struct csm_buf title;

		csm_buf_init(&title);
		if (nrep == 1)
			title_of(&c, &rep[0], &title);
		else
			csm_buf_adds(&title, "QBR summaries");
		doc_begin(&o, &c, title.s);
		for (i = 0; i < nrep; i++)
			doc_account(&o, &c, &rep[i]);
		doc_end(&o, &c);
		csm_buf_release(&title);
	}
	csm_out_close(&o);

	for (i = 0; i < nrep; i++)
		free_report(&rep[i]);
	free(rep);
	free_input(&in, &q);
	csm_map_release(&want.ids, NULL);
	csm_eval_release(&ev);
	csm_cols_release(&cols);
	csm_tbl_close(&t);
	free_qbr(&q);
	csm_cfg_release(&cfg);
	return EX_OK;
}

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
 * for next quarter, and the value delivered (the sum of value.items)
 * against value.cost as an ROI multiple.  Output as Markdown (default),
 * CSV, TSV, JSON or a self-contained, print-ready HTML page; --out-dir
 * writes one file per account, each written whole (a temporary file
 * renamed into place).
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
    "usage: csm-qbr [-hqtV] [-a account] [-c config] [-d delim] [-f format] "
    "[-o dir]\n"
    "               [-p period] [--as-of date] [--ragged error|pad|skip] "
    "[--columns]\n"
    "               [--dump-config] [file ...]\n";

static const char help_text[] =
    "Write a one-page QBR value summary per account from one row per\n"
    "account per period.\n"
    "\n"
    "  -a, --account ID      only the account with this account_id\n"
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
    "      --as-of DATE      today's date for days_since/days_until and the\n"
    "                        days to renewal (YYYY-MM-DD)\n"
    CSM_CLI_HELP_SHARED
    "\n"
    "Files are read in order as one table ('-' or none: standard input).\n"
    "Exit status: 0 ok, 64 usage, 65 data error, 66 cannot open input,\n"
    "73 cannot create output, 74 I/O error, 78 config error.\n"
    "See csm-qbr(1) and csm.yaml(5).\n";

#define SHORTOPTS CSM_CLI_SHORTOPTS "a:f:o:p:"

enum fmt { F_MD, F_CSV, F_TSV, F_JSON, F_JSONL, F_HTML };
static const char *const fmt_names[] = {"md", "csv", "tsv", "json", "jsonl",
	"html", NULL};

enum mfmt { M_NUMBER, M_PERCENT, M_MONEY, M_DAYS };
enum status { ST_NONE, ST_MET, ST_MISSED };
static const char *const status_names[] = {"none", "met", "missed"};

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
};

struct item {
	const char *label;
	const struct csm_node *node;
	struct csm_expr *value;
};

struct qbr {
	struct metric *m;
	size_t nm;
	struct item *it;
	size_t nit;
	int has_value;		/* a value: section */
	const struct csm_node *cost_node;
	struct csm_expr *cost;
	double hl;		/* highlight_change */
};

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

/* One account's report: computed once, written in any format. */
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

/* Optional columns the header uses, -1 when absent. */
struct hdrcols {
	long name, arr, renewal, health, band;
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

/* ---- config ------------------------------------------------------------ */

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
load_qbr(struct qbr *q, const struct csm_cfg *cfg)
{
	static const char *const mfmts[] = {"number", "percent", "money",
		"days", NULL};
	const struct csm_node *sec = csm_cfg_section(cfg, "qbr");
	const struct csm_node *ms, *val, *items, *nd;
	size_t i;

	if (sec == NULL)
		csm_die(EX_CONFIG, "%s: the config has no qbr: section",
		    cfg->file);
	memset(q, 0, sizeof(*q));
	nd = csm_node_get(sec, "highlight_change");
	q->hl = nd ? csm_cfg_num(nd) : 0.10;
	ms = csm_node_get(sec, "metrics");
	q->nm = ms->n;
	q->m = csm_xcalloc(ms->n, sizeof(*q->m));
	for (i = 0; i < ms->n; i++) {
		const struct csm_node *mn = ms->kid[i];
		struct metric *m = &q->m[i];

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
	}
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
	for (i = 0; i < q->nit; i++)
		csm_cfg_bind(q->it[i].value, q->it[i].node, cols);
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
 * period, the config's expressions, and the columns a page shows.
 */
static void
register_columns(const struct qbr *q, int fmt, int outdir,
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
	for (i = 0; i < q->nit; i++)
		csm_expr_free(q->it[i].value);
	csm_expr_free(q->cost);
	free(q->m);
	free(q->it);
}

/* ---- reading ----------------------------------------------------------- */

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

/* Evaluates everything on the current record into a new row of a. */
static void
read_row(struct acct *a, const struct qbr *q, struct csm_eval *ev,
    const struct csm_cols *cols, const struct hdrcols *hc, long pidx)
{
	const struct csm_tbl *t = ev->rec;
	struct csm_buf b;
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
		if (m->focus != NULL) {
			csm_buf_init(&b);
			csm_tmpl_render(m->focus, ev, &b);
			r->focus[i] = b.s != NULL ? csm_buf_detach(&b) :
			    csm_xstrdup("");
		}
	}
	if (q->nit > 0) {
		r->item = csm_xcalloc(q->nit, sizeof(*r->item));
		r->has_item = csm_xcalloc(q->nit, 1);
	}
	for (i = 0; i < q->nit; i++)
		if (csm_expr_num(q->it[i].value, ev, &d) == CSM_OK) {
			r->item[i] = to_cents(d, q->it[i].label, 0, t);
			r->has_item[i] = 1;
		}
	if (q->cost != NULL && csm_expr_num(q->cost, ev, &d) == CSM_OK) {
		r->cost = to_cents(d, NULL, 1, t);
		r->has_cost = 1;
	}
}

static void
free_row(struct prow *r, size_t nm)
{
	size_t i;

	for (i = 0; i < nm; i++)
		free(r->focus[i]);
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
			    "row per account and period", a->id, per,
			    a->row[j - 1].file, a->row[j - 1].line);
		}
	}
}

static void
free_input(struct input *in, size_t nm)
{
	size_t i, j;

	for (i = 0; i < in->accts.n; i++) {
		struct acct *a = in->accts.ent[i].val;

		for (j = 0; j < a->n; j++)
			free_row(&a->row[j], nm);
		free(a->row);
		free(a);
	}
	csm_map_release(&in->accts, NULL);
}

/* ---- the report -------------------------------------------------------- */

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

/* A value for people, in the metric's format. */
static void
disp(int format, double x, struct csm_buf *b)
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
		if (csm_round(x, 0) < 0)
			csm_buf_addc(b, '-');
		csm_buf_addc(b, '$');
		csm_fmt_grouped(fabs(x), 0, b);
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
disp_cents(int64_t c, struct csm_buf *b)
{
	disp(M_MONEY, (double)c / 100, b);
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
disp_change(int format, double change, struct csm_buf *b)
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
	case M_MONEY:
		csm_buf_addc(b, '$');
		csm_fmt_grouped(fabs(change), 0, b);
		break;
	default:
		disp(format, fabs(change), b);
	}
}

/* "up 14% to 66 (from 58)"; percent metrics move in points. */
static void
move_text(const struct metric *m, const struct mres *r, struct csm_buf *b)
{
	csm_buf_adds(b, r->change > 0 ? "up " : "down ");
	if (m->format == M_PERCENT) {
		csm_fmt_grouped(fabs(r->change) * 100, 0, b);
		csm_buf_adds(b, " pts");
	} else
		disp_pct(r->pct, b);
	csm_buf_adds(b, " to ");
	disp(m->format, r->cur, b);
	csm_buf_adds(b, " (from ");
	disp(m->format, r->prev, b);
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

static void
build_report(struct report *rep, const struct qbr *q, const struct acct *a,
    size_t curi)
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
		up = moved(m, r, q->hl, 1);
		down = moved(m, r, q->hl, 0);
		if (r->status == ST_MET || up) {
			csm_buf_adds(&b, m->label);
			if (up) {
				csm_buf_addc(&b, ' ');
				move_text(m, r, &b);
			} else {
				csm_buf_adds(&b, " at ");
				disp(m->format, r->cur, &b);
			}
			if (r->status == ST_MET) {
				csm_buf_adds(&b, ", meeting the target of ");
				disp(m->format, r->tgt, &b);
			}
			strs_add(&rep->hl, &b);
		}
		if (r->status != ST_MISSED && !down)
			continue;
		csm_buf_adds(&b, m->label);
		if (down) {
			csm_buf_addc(&b, ' ');
			move_text(m, r, &b);
		} else {
			csm_buf_adds(&b, " at ");
			disp(m->format, r->cur, &b);
		}
		if (r->status == ST_MISSED) {
			csm_buf_adds(&b, ", missing the target of ");
			disp(m->format, r->tgt, &b);
		}
		strs_add(&rep->gap, &b);
		if (rep->cur->focus[i] != NULL)
			csm_buf_adds(&b, rep->cur->focus[i]);
		else if (r->status == ST_MISSED) {
			csm_buf_printf(&b, "Bring %s from ", m->label);
			disp(m->format, r->cur, &b);
			csm_buf_adds(&b, " to the target of ");
			disp(m->format, r->tgt, &b);
		} else {
			csm_buf_printf(&b, "Reverse the trend in %s: ", m->label);
			move_text(m, r, &b);
		}
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

/* ---- writing ----------------------------------------------------------- */

struct ctx {
	const struct qbr *q;
	int kind;		/* of the periods */
	long today;
	int fmt;		/* enum fmt */
	int nacct;		/* accounts written so far to this output */
	struct csm_json json;	/* F_JSON and F_JSONL */
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

static void
field_num(struct csm_out *o, int format, int has, double x)
{
	char tmp[64];

	machine(format, has, x, tmp);
	csm_out_field(o, tmp, strlen(tmp));
}

static void
csv_header(struct csm_out *o)
{
	static const char *const h[] = {"account_id", "period", "metric",
		"label", "previous", "current", "change", "pct_change",
		"target", "status"};
	size_t i;

	for (i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		csm_out_field(o, h[i], strlen(h[i]));
	csm_out_endrec(o);
}

static void
csv_account(struct csm_out *o, const struct ctx *c, const struct report *rep)
{
	char per[32];
	size_t i;

	period_text(c, rep->cur->pidx, per);
	for (i = 0; i < c->q->nm; i++) {
		const struct metric *m = &c->q->m[i];
		const struct mres *r = &rep->mr[i];

		csm_out_field(o, rep->a->id, strlen(rep->a->id));
		csm_out_field(o, per, strlen(per));
		csm_out_field(o, m->name, strlen(m->name));
		csm_out_field(o, m->label, strlen(m->label));
		field_num(o, m->format, r->hp, r->prev);
		field_num(o, m->format, r->hc, r->cur);
		field_num(o, m->format, r->hch, r->change);
		field_num(o, M_PERCENT, r->hpct, r->pct);
		field_num(o, m->format, r->ht, r->tgt);
		csm_out_field(o, status_names[r->status],
		    strlen(status_names[r->status]));
		csm_out_endrec(o);
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
	csm_json_key(j, "value");
	if (rep->has_value)
		csm_json_cents(j, rep->value);
	else
		csm_json_null(j);
	csm_json_key(j, "cost");
	if (rep->has_cost)
		csm_json_cents(j, rep->cost);
	else
		csm_json_null(j);
	json_num(j, "roi", M_NUMBER, rep->has_roi, rep->roi);
	json_strs(j, "highlights", &rep->hl);
	json_strs(j, "gaps", &rep->gap);
	json_strs(j, "focus", &rep->focus);
	csm_json_obj_end(j);
}

/* ---- Markdown ---------------------------------------------------------- */

static void
md_buf(struct csm_out *o, struct csm_buf *b)
{
	csm_md_esc(o, b->s != NULL ? b->s : "", b->len);
	csm_buf_reset(b);
}

static void
md_str(struct csm_out *o, const char *s)
{
	csm_md_esc(o, s, strlen(s));
}

/* A table cell from b, which is emptied. */
static void
md_cell(struct csm_md_table *t, struct csm_buf *b)
{
	csm_md_table_cell(t, b->s != NULL ? b->s : "", b->len);
	csm_buf_reset(b);
}

/* The text of the header's facts, shared by md and html. */
static const char *
acct_name(const struct report *rep)
{
	return rep->cur->name != NULL ? rep->cur->name : rep->a->id;
}

static void
renewal_text(const struct ctx *c, const struct prow *r, struct csm_buf *b)
{
	char date[32];
	long d;

	if (!r->has_renewal) {
		csm_buf_adds(b, "n/a");
		return;
	}
	csm_date_format(r->renewal, date);
	d = r->renewal - c->today;
	csm_buf_adds(b, date);
	if (d == 0)
		csm_buf_adds(b, " (today)");
	else if (d > 0)
		csm_buf_printf(b, " (in %ld day%s)", d, d == 1 ? "" : "s");
	else
		csm_buf_printf(b, " (%ld day%s ago)", -d, d == -1 ? "" : "s");
}

/* "82 (green), up 5 since 2026-Q3" */
static void
health_text(const struct ctx *c, const struct report *rep, struct csm_buf *b)
{
	char per[32];
	double ch;

	if (!rep->cur->has_health) {
		csm_buf_adds(b, "n/a");
		return;
	}
	disp(M_NUMBER, rep->cur->health, b);
	if (rep->cur->band != NULL)
		csm_buf_printf(b, " (%s)", rep->cur->band);
	if (rep->prev != NULL && rep->prev->has_health) {
		period_text(c, rep->prev->pidx, per);
		ch = csm_round(rep->cur->health - rep->prev->health, 1);
		if (ch == 0)
			csm_buf_printf(b, ", unchanged since %s", per);
		else {
			csm_buf_adds(b, ch > 0 ? ", up " : ", down ");
			disp(M_NUMBER, fabs(ch), b);
			csm_buf_printf(b, " since %s", per);
		}
	}
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

static void
md_list(struct csm_out *o, const char *title, const struct strs *l,
    int numbered, const char *none)
{
	size_t i;

	csm_out_printf(o, "\n## %s\n\n", title);
	if (l->n == 0)
		csm_out_printf(o, "%s\n", none);
	for (i = 0; i < l->n; i++) {
		if (numbered)
			csm_out_printf(o, "%zu. ", i + 1);
		else
			csm_out_puts(o, "- ");
		md_str(o, l->s[i]);
		csm_out_puts(o, "\n");
	}
}

static void
md_value(struct csm_out *o, const struct ctx *c, const struct report *rep,
    const char *per, struct csm_buf *b)
{
	const struct qbr *q = c->q;
	struct csm_md_table t;
	size_t i;

	csm_out_puts(o, "\n## Value delivered\n\n");
	if (rep->has_value) {
		disp_cents(rep->value, b);
		csm_out_printf(o, "**%s** of value in %s", b->s, per);
		csm_buf_reset(b);
		if (rep->has_cost) {
			disp_cents(rep->cost, b);
			csm_out_printf(o, " against a cost of %s", b->s);
			csm_buf_reset(b);
		}
		if (rep->has_roi)
			csm_out_printf(o, ": a **%.1fx** return",
			    csm_round(rep->roi, 1));
		csm_out_puts(o, ".\n\n");
	} else
		csm_out_printf(o, "No value recorded in %s.\n\n", per);
	csm_md_table_init(&t, o, CSM_MD_TIGHT);
	csm_md_table_col(&t, "Value item", 0);
	csm_md_table_col(&t, per, 1);
	for (i = 0; i < q->nit; i++) {
		csm_md_table_cells(&t, q->it[i].label);
		if (rep->cur->has_item[i])
			disp_cents(rep->cur->item[i], b);
		else
			csm_buf_adds(b, "n/a");
		md_cell(&t, b);
		csm_md_table_row(&t);
	}
	csm_md_table_end(&t);
}

static void
md_metrics(struct csm_out *o, const struct ctx *c, const struct report *rep,
    const char *per, const char *pper, struct csm_buf *b)
{
	const struct qbr *q = c->q;
	struct csm_md_table t;
	size_t i;

	csm_out_puts(o, "\n## Metrics\n\n");
	csm_md_table_init(&t, o, CSM_MD_TIGHT);
	csm_md_table_col(&t, "Metric", 0);
	csm_md_table_col(&t, pper, 1);
	csm_md_table_col(&t, per, 1);
	csm_md_table_col(&t, "Change", 1);
	csm_md_table_col(&t, "Target", 1);
	csm_md_table_col(&t, "Status", 0);
	csm_md_table_col(&t, "Trend", 0);
	for (i = 0; i < q->nm; i++) {
		const struct metric *m = &q->m[i];
		const struct mres *r = &rep->mr[i];

		csm_md_table_cells(&t, m->label);
		if (r->hp)
			disp(m->format, r->prev, b);
		else
			csm_buf_adds(b, "n/a");
		md_cell(&t, b);
		if (r->hc)
			disp(m->format, r->cur, b);
		else
			csm_buf_adds(b, "n/a");
		md_cell(&t, b);
		if (r->hch) {
			disp_change(m->format, r->change, b);
			if (r->hpct && m->format != M_PERCENT) {
				csm_buf_adds(b, r->change > 0 ? " (+" :
				    r->change < 0 ? " (-" : " (");
				disp_pct(r->pct, b);
				csm_buf_addc(b, ')');
			}
		} else
			csm_buf_adds(b, "n/a");
		md_cell(&t, b);
		if (r->ht)
			disp(m->format, r->tgt, b);
		else
			csm_buf_adds(b, "\342\200\224");
		md_cell(&t, b);
		csm_md_table_cells(&t, r->status == ST_NONE ? "\342\200\224" :
		    status_names[r->status]);
		sparkline(rep, i, b);
		md_cell(&t, b);
		csm_md_table_row(&t);
	}
	csm_md_table_end(&t);
}

static void
md_account(struct csm_out *o, const struct ctx *c, const struct report *rep)
{
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
	csm_out_puts(o, "# ");
	md_str(o, acct_name(rep));
	csm_out_printf(o, ": QBR %s\n\n**Account** ", per);
	md_str(o, rep->a->id);
	csm_out_puts(o, " \302\267 **ARR** ");
	if (rep->cur->has_arr)
		disp_cents(rep->cur->arr, &b);
	else
		csm_buf_adds(&b, "n/a");
	md_buf(o, &b);
	csm_out_puts(o, " \302\267 **Renewal** ");
	renewal_text(c, rep->cur, &b);
	md_buf(o, &b);
	csm_out_puts(o, " \302\267 **Health** ");
	health_text(c, rep, &b);
	md_buf(o, &b);
	csm_out_puts(o, "\n");

	md_list(o, "Highlights", &rep->hl, 0, "No highlights this period.");
	if (c->q->has_value)
		md_value(o, c, rep, per, &b);
	md_metrics(o, c, rep, per, pper, &b);
	md_list(o, "Gaps", &rep->gap, 0, "No gaps this period.");
	md_list(o, "Focus for next quarter", &rep->focus, 1,
	    "Keep the current plan: no gaps to close.");
	csm_buf_release(&b);
}

/* ---- HTML -------------------------------------------------------------- */

static void
html_buf(struct csm_out *o, struct csm_buf *b)
{
	csm_html_esc(o, b->s != NULL ? b->s : "", b->len);
	csm_buf_reset(b);
}

static void
html_list(struct csm_out *o, const char *cls, const char *title,
    const struct strs *l, const char *none)
{
	size_t i;

	csm_out_printf(o, "<div class=\"card %s\"><h2>%s</h2>\n", cls, title);
	if (l->n == 0)
		csm_out_printf(o, "<p class=\"none\">%s</p>\n", none);
	else {
		csm_out_puts(o, "<ul>\n");
		for (i = 0; i < l->n; i++) {
			csm_out_puts(o, "<li>");
			csm_html_escz(o, l->s[i]);
			csm_out_puts(o, "</li>\n");
		}
		csm_out_puts(o, "</ul>\n");
	}
	csm_out_puts(o, "</div>\n");
}

/*
 * The metric's series as an inline SVG line chart, its targets as a dashed
 * line; a missing value breaks the line.
 */
static void
html_chart(struct csm_out *o, const struct ctx *c, const struct report *rep,
    size_t i)
{
	struct csm_spark sp;
	double *v = csm_xcalloc(rep->ncur, sizeof(*v));
	double *t = csm_xcalloc(rep->ncur, sizeof(*t));
	unsigned char *has = csm_xcalloc(rep->ncur, 1);
	unsigned char *thas = csm_xcalloc(rep->ncur, 1);
	char first[32], last[32];

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
	csm_svg_spark(o, &sp);
	free(v);
	free(t);
	free(has);
	free(thas);
}

static void
html_metric(struct csm_out *o, const struct ctx *c, const struct report *rep,
    size_t i, struct csm_buf *b)
{
	const struct metric *m = &c->q->m[i];
	const struct mres *r = &rep->mr[i];
	char per[32];
	int better;

	csm_out_puts(o, "<div class=\"metric\">\n<div class=\"mh\"><span>");
	csm_html_escz(o, m->label);
	csm_out_printf(o, "</span><span class=\"st st-%s\">%s</span></div>\n"
	    "<div class=\"mv\">", status_names[r->status],
	    r->status == ST_NONE ? "no target" : status_names[r->status]);
	if (r->hc)
		disp(m->format, r->cur, b);
	else
		csm_buf_adds(b, "n/a");
	html_buf(o, b);
	if (r->hch) {
		better = r->change != 0 && (r->change > 0) != m->lower;
		disp_change(m->format, r->change, b);
		if (r->hpct && m->format != M_PERCENT) {
			csm_buf_adds(b, r->change > 0 ? " (+" : r->change < 0 ?
			    " (-" : " (");
			disp_pct(r->pct, b);
			csm_buf_addc(b, ')');
		}
		csm_out_printf(o, "<span class=\"chg %s\">", r->change == 0 ?
		    "flat" : better ? "better" : "worse");
		html_buf(o, b);
		csm_out_puts(o, "</span>");
	}
	csm_out_puts(o, "</div>\n");
	html_chart(o, c, rep, i);
	csm_out_puts(o, "<div class=\"mt\">");
	if (r->ht) {
		csm_buf_adds(b, "Target ");
		disp(m->format, r->tgt, b);
	}
	if (rep->prev != NULL) {
		period_text(c, rep->prev->pidx, per);
		csm_buf_printf(b, "%s%s: ", r->ht ? " \302\267 " : "", per);
		if (r->hp)
			disp(m->format, r->prev, b);
		else
			csm_buf_adds(b, "n/a");
	}
	html_buf(o, b);
	csm_out_puts(o, "</div>\n</div>\n");
}

/* The four cards at the top: ARR, renewal, health, return on investment. */
static void
html_kpis(struct csm_out *o, const struct ctx *c, const struct report *rep,
    struct csm_buf *b)
{
	const struct prow *cur = rep->cur;
	const char *band, *trend;
	char date[32];
	size_t i;
	long d;

	csm_out_puts(o, "<div class=\"kpis\">\n");
	csm_out_puts(o, "<div class=\"kpi\"><div class=\"k\">ARR</div>"
	    "<div class=\"v\">");
	if (cur->has_arr)
		disp_cents(cur->arr, b);
	else
		csm_buf_adds(b, "n/a");
	html_buf(o, b);
	csm_out_puts(o, "</div></div>\n");

	csm_out_puts(o, "<div class=\"kpi\"><div class=\"k\">Renewal</div>"
	    "<div class=\"v\">");
	if (cur->has_renewal) {
		csm_date_format(cur->renewal, date);
		d = cur->renewal - c->today;
		csm_out_printf(o, "%s</div><div class=\"d\">", date);
		if (d == 0)
			csm_out_puts(o, "today");
		else
			csm_out_printf(o, d > 0 ? "in %ld day%s" :
			    "%ld day%s ago", d > 0 ? d : -d,
			    d == 1 || d == -1 ? "" : "s");
	} else
		csm_out_puts(o, "n/a");
	csm_out_puts(o, "</div></div>\n");

	csm_out_puts(o, "<div class=\"kpi\"><div class=\"k\">Health</div>"
	    "<div class=\"v\">");
	if (cur->has_health) {
		disp(M_NUMBER, cur->health, b);
		html_buf(o, b);
		if ((band = cur->band) != NULL) {
			csm_out_puts(o, " <span class=\"band band-");
			for (i = 0; band[i] != '\0' && i < 20; i++)
				if ((band[i] >= 'a' && band[i] <= 'z') ||
				    (band[i] >= '0' && band[i] <= '9'))
					csm_out_write(o, band + i, 1);
			csm_out_puts(o, "\">");
			csm_html_escz(o, band);
			csm_out_puts(o, "</span>");
		}
		csm_out_puts(o, "</div><div class=\"d\">");
		/* only the trend part after the score and band */
		health_text(c, rep, b);
		if ((trend = strstr(b->s, ", ")) != NULL)
			csm_html_escz(o, trend + 2);
		else
			csm_out_puts(o, "no earlier score");
		csm_buf_reset(b);
	} else
		csm_out_puts(o, "n/a");
	csm_out_puts(o, "</div></div>\n");

	csm_out_puts(o, "<div class=\"kpi roi\"><div class=\"k\">Return on "
	    "investment</div><div class=\"v\">");
	if (rep->has_roi)
		csm_out_printf(o, "%.1f\303\227", csm_round(rep->roi, 1));
	else
		csm_out_puts(o, "n/a");
	csm_out_puts(o, "</div><div class=\"d\">");
	if (rep->has_value) {
		disp_cents(rep->value, b);
		csm_buf_adds(b, " value");
		if (rep->has_cost) {
			csm_buf_adds(b, " vs ");
			disp_cents(rep->cost, b);
			csm_buf_adds(b, " cost");
		}
		html_buf(o, b);
	} else
		csm_out_puts(o, "no value recorded");
	csm_out_puts(o, "</div></div>\n</div>\n");
}

static void
html_value(struct csm_out *o, const struct ctx *c, const struct report *rep,
    const char *per, struct csm_buf *b)
{
	const struct qbr *q = c->q;
	const struct prow *cur = rep->cur;
	size_t i;

	csm_out_printf(o, "<h2>Value delivered in %s</h2>\n", per);
	csm_out_printf(o, "<table>\n<tr><th>Value item</th>"
	    "<th class=\"n\">%s</th></tr>\n", per);
	for (i = 0; i < q->nit; i++) {
		csm_out_puts(o, "<tr><td>");
		csm_html_escz(o, q->it[i].label);
		csm_out_puts(o, "</td><td class=\"n\">");
		if (cur->has_item[i])
			disp_cents(cur->item[i], b);
		else
			csm_buf_adds(b, "n/a");
		html_buf(o, b);
		csm_out_puts(o, "</td></tr>\n");
	}
	csm_out_puts(o, "<tr class=\"total\"><td>Total value</td>"
	    "<td class=\"n\">");
	if (rep->has_value)
		disp_cents(rep->value, b);
	else
		csm_buf_adds(b, "n/a");
	html_buf(o, b);
	csm_out_puts(o, "</td></tr>\n");
	if (rep->has_cost) {
		csm_out_puts(o, "<tr><td>Cost</td><td class=\"n\">");
		disp_cents(rep->cost, b);
		html_buf(o, b);
		csm_out_puts(o, "</td></tr>\n");
	}
	csm_out_puts(o, "</table>\n");
}

static void
html_account(struct csm_out *o, const struct ctx *c, const struct report *rep)
{
	const struct qbr *q = c->q;
	char per[32], pper[32], date[32];
	struct csm_buf b;
	size_t i;

	csm_buf_init(&b);
	period_text(c, rep->cur->pidx, per);
	csm_out_printf(o, "<section class=\"qbr\">\n<header>\n"
	    "<div class=\"eyebrow\">Quarterly business review \302\267 %s"
	    "</div>\n<h1>", per);
	csm_html_escz(o, acct_name(rep));
	csm_out_puts(o, "</h1>\n<div class=\"sub\">Account ");
	csm_html_escz(o, rep->a->id);
	if (rep->prev != NULL) {
		period_text(c, rep->prev->pidx, pper);
		csm_out_printf(o, " \302\267 %s compared with %s", per, pper);
	}
	csm_out_puts(o, "</div>\n</header>\n");
	html_kpis(o, c, rep, &b);

	csm_out_puts(o, "<div class=\"cols\">\n");
	html_list(o, "good", "Highlights", &rep->hl, "No highlights this "
	    "period.");
	html_list(o, "gap", "Gaps", &rep->gap, "No gaps this period.");
	csm_out_puts(o, "</div>\n<h2>Metrics</h2>\n<div class=\"metrics\">\n");
	for (i = 0; i < q->nm; i++)
		html_metric(o, c, rep, i, &b);
	csm_out_puts(o, "</div>\n");
	if (q->has_value)
		html_value(o, c, rep, per, &b);

	csm_out_puts(o, "<h2>Focus for next quarter</h2>\n");
	if (rep->focus.n == 0)
		csm_out_puts(o, "<p class=\"none\">Keep the current plan: no "
		    "gaps to close.</p>\n");
	else {
		csm_out_puts(o, "<ol class=\"focus\">\n");
		for (i = 0; i < rep->focus.n; i++) {
			csm_out_puts(o, "<li>");
			csm_html_escz(o, rep->focus.s[i]);
			csm_out_puts(o, "</li>\n");
		}
		csm_out_puts(o, "</ol>\n");
	}
	csm_date_format(c->today, date);
	csm_out_printf(o, "<footer>Prepared %s with csm-qbr</footer>\n"
	    "</section>\n", date);
	csm_buf_release(&b);
}

/* ---- documents --------------------------------------------------------- */

static void
doc_begin(struct csm_out *o, struct ctx *c, const char *title)
{
	switch (c->fmt) {
	case F_CSV:
	case F_TSV:
		csv_header(o);
		break;
	case F_JSON:
		csm_json_init(&c->json, o, CSM_JSON_DOC, 3);
		csm_json_arr_begin(&c->json);
		break;
	case F_JSONL:
		csm_json_init(&c->json, o, CSM_JSON_LINES, 0);
		break;
	case F_HTML:
		csm_html_begin(o, title, NULL);
		break;
	}
}

static void
doc_account(struct csm_out *o, struct ctx *c, const struct report *rep)
{
	switch (c->fmt) {
	case F_CSV:
	case F_TSV:
		csv_account(o, c, rep);
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
	case F_JSON:
		csm_json_arr_end(&c->json);
		csm_json_finish(&c->json);
		break;
	case F_JSONL:
		csm_json_finish(&c->json);
		break;
	case F_HTML:
		if (c->nacct == 0)
			csm_out_puts(o, "<section class=\"qbr\"><p class=\"none\">"
			    "No accounts.</p></section>\n");
		csm_html_end(o);
		break;
	}
}

static void
title_of(const struct ctx *c, const struct report *rep, struct csm_buf *b)
{
	char per[32];

	period_text(c, rep->cur->pidx, per);
	csm_buf_printf(b, "%s: QBR %s", acct_name(rep), per);
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

/* The file name for an account, unique among those in used. */
static char *
file_name(const struct report *rep, int fmt, struct csm_map *used)
{
	struct csm_buf b;
	size_t base, k;
	int isnew;
	unsigned long nth;

	csm_buf_init(&b);
	if (rep->cur->name != NULL)
		slug(rep->cur->name, 60, &b);
	if (b.len > 0)
		csm_buf_addc(&b, '-');
	base = b.len;
	slug(rep->a->id, 40, &b);
	if (b.len == base)
		csm_buf_adds(&b, "account");
	base = b.len;
	for (nth = 1;; nth++) {
		if (nth > 1) {
			b.len = base;
			b.s[base] = '\0';
			csm_buf_printf(&b, "-%lu", nth);
		}
		csm_buf_printf(&b, ".%s", exts[fmt]);
		k = csm_map_put(used, b.s, b.len, &isnew);
		(void)k;
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
	struct input in;
	struct hdrcols hc;
	struct qbr q;
	struct ctx c;
	struct csm_period period;
	struct report *rep = NULL;
	const char *account = NULL, *outdir = NULL, *period_arg = NULL;
	size_t idcol, percol, nrep = 0, i;
	int ch, fmt = F_MD;
	char per[32];
	long k;
	mode_t mask;

	csm_cli_progname(argv);
	csm_cli_init(&cli);
	while ((ch = getopt_long(argc, argv, SHORTOPTS, longopts, NULL)) != -1) {
		if (csm_cli_opt(&cli, ch, optarg))
			continue;
		switch (ch) {
		case 'a':
			account = optarg;
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
				    "1900 to 9999)", optarg);
			period_arg = optarg;
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
	register_columns(&q, fmt, outdir != NULL, &reg);
	if (cli.columns) {
		csm_cli_columns(&reg, t.delim);
		csm_colreg_release(&reg);
		csm_cols_release(&cols);
		csm_tbl_close(&t);
		free_qbr(&q);
		csm_cfg_release(&cfg);
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
	hc.health = is_page(fmt) ? csm_cols_find(&cols, "health_score") : -1;
	hc.band = is_page(fmt) ? csm_cols_find(&cols, "health_band") : -1;

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
	c.nacct = 0;
	if (period_arg != NULL)
		period_text(&c, period.index, per);
	rep = csm_xcalloc(in.accts.n + 1, sizeof(*rep));
	for (i = 0; i < in.accts.n; i++) {
		const struct acct *a = in.accts.ent[i].val;

		if (account != NULL && strcmp(a->id, account) != 0)
			continue;
		k = current_row(a, period_arg != NULL, period.index);
		if (k < 0 && account != NULL)
			csm_die(EX_DATAERR, "account '%s' has no row for "
			    "period %s", account, per);
		if (k < 0)
			continue;
		build_report(&rep[nrep++], &q, a, (size_t)k);
	}
	if (account != NULL && nrep == 0)
		csm_die(EX_DATAERR, "account '%s' is not in the input", account);
	if (period_arg != NULL && nrep == 0 && in.accts.n > 0)
		csm_die(EX_DATAERR, "no account has a row for period %s", per);

	if (outdir != NULL) {
		mask = umask(0);
		umask(mask);
		make_dir(outdir);
		csm_exit = cleanup_exit;
		csm_map_init(&used);
		for (i = 0; i < nrep; i++) {
			char *name = file_name(&rep[i], fmt, &used);

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
	free_input(&in, q.nm);
	csm_eval_release(&ev);
	csm_cols_release(&cols);
	csm_tbl_close(&t);
	free_qbr(&q);
	csm_cfg_release(&cfg);
	return EX_OK;
}

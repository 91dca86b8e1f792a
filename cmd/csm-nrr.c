/*
 * csm-nrr: net and gross revenue retention, logo retention and the ARR
 * bridge between two snapshots; the revenue forecast of the window ahead.
 *
 * Input is wide (one row per account with arr_start and arr_end) or long
 * (one row per account per period with arr).  Rows of one account and
 * period are summed.  Each account's start ARR S and end ARR E give its
 * movement: new, reactivation (long input: new, but it had ARR before the
 * start), expansion, contraction, churn or flat.  Per group (-g) and in
 * total the movements add up to the bridge
 *
 *	arr_start + new + reactivation + expansion - contraction - churn
 *	    = arr_end
 *
 * which is checked exactly (all money is integer cents) before anything
 * is printed.  --accounts prints the movement of every account instead,
 * --series the trailing NRR/GRR of every period (per group with -g), as
 * rows or, with -f html, a page of charts.
 *
 * --merge reads partial --accounts outputs of disjoint sets of accounts
 * (the maps of a map and reduce) and totals them into the summary a
 * single run would print.  --forecast reads accounts with renewal dates
 * and churn probabilities instead, and forecasts GRR and NRR of the window
 * ahead with fcast.c.
 *
 * Memory holds one entry per account, not per row: for each account the
 * ARR of the few periods still needed (at most window + 2 of them; with
 * --series every period the account has) and whether it had ARR before
 * the start; --forecast one per renewal, and the draws.  The input is
 * read once, so it may be a pipe.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csm.h"

static const char usage_text[] =
    "usage: csm-nrr [-hqtV] [-c config] [-d delim] [-f format] "
    "[-g col[,col...]]\n"
    "               [--from period] [--to period] [--wide | --long] "
    "[--accounts]\n"
    "               [--series month|quarter] [--window n] "
    "[--total-label text]\n"
    "               [--merge] [--forecast] [--draws n] [--seed n]\n"
    "               [--as-of date] [--ragged error|pad|skip] [--columns]\n"
    "               [--dump-config] [file ...]\n";

static const char help_text[] =
    "Net and gross revenue retention, logo retention and the ARR bridge;\n"
    "the forecast of the year ahead.\n"
    "\n"
    "  -c, --config FILE     config file (default: $CSM_CONFIG, else built in)\n"
    "  -d, --delimiter C     input delimiter (default: detected; 'tab' for TSV)\n"
    "  -t, --tsv             input is TSV\n"
    "  -f, --format F        csv, tsv, json, jsonl (JSON Lines), md or html\n"
    "                        (default: the input's delimiter)\n"
    "  -g, --group COLS      one row per value of these columns, then total\n"
    "                        (with --series, one series per value)\n"
    "      --total-label T   what the total row says in the first -g column\n"
    "                        (default: total; a group of that value is an\n"
    "                        error)\n"
    "      --from PERIOD     the start snapshot (default: --window periods\n"
    "                        before --to)\n"
    "      --to PERIOD       the end snapshot (default: the latest period)\n"
    "      --wide            input has arr_start and arr_end per account\n"
    "      --long            input has account_id, period and arr\n"
    "      --accounts        print each account's movement instead\n"
    "      --series KIND     month or quarter: trailing NRR/GRR per period\n"
    "      --window N        periods between the snapshots (default: 12\n"
    "                        months or 4 quarters); --forecast: months ahead\n"
    "                        (default 12)\n"
    "      --merge           total partial --accounts outputs of disjoint\n"
    "                        accounts (map and reduce) into the summary\n"
    "      --forecast        expected GRR and NRR of the window ahead, with\n"
    "                        a 90% interval, from arr, renewal_date and\n"
    "                        churn_probability (expansion_probability and\n"
    "                        expansion_rate when there)\n"
    "      --draws N         the forecast's draws, 100 to 1000000 (default\n"
    "                        10000)\n"
    "      --seed N          the forecast's seed (default 1)\n"
    "      --as-of DATE      where the forecast's window starts (default:\n"
    "                        today); no effect on the bridge\n"
    CSM_CLI_HELP_SHARED
    "\n"
    "Periods are YYYY-MM, YYYY-MM-DD (its month) or YYYY-Qn, of the years\n"
    "1900 to 9999, or dates in the config's date_format.\n"
    "Files are read in order as one table ('-' or none: standard input).\n"
    "Exit status: 0 ok, 64 usage, 65 data error, 66 cannot open input,\n"
    "74 I/O error, 78 config error.  See csm-nrr(1) and csm.yaml(5).\n"
    "\n"
    "Examples:\n"
    "  csm-nrr -g segment -f md arr_by_month.csv\n"
    "  csm-nrr --series month -g segment -f html arr_by_month.csv > nrr.html\n"
    "  csm-score -c fitted.yaml accounts.csv | csm-nrr --forecast -g segment\n";

enum {
	OPT_FROM = CSM_OPT_TOOL,
	OPT_TO,
	OPT_WIDE,
	OPT_LONG,
	OPT_ACCOUNTS,
	OPT_SERIES,
	OPT_WINDOW,
	OPT_TOTAL_LABEL,
	OPT_MERGE,
	OPT_FORECAST,
	OPT_DRAWS,
	OPT_SEED
};

enum format { FMT_DEFAULT, FMT_CSV, FMT_TSV, FMT_JSON, FMT_MD, FMT_JSONL,
	FMT_HTML };
enum shape { SHAPE_AUTO, SHAPE_WIDE, SHAPE_LONG };
enum move { MV_NONE, MV_NEW, MV_REACT, MV_EXP, MV_CONTR, MV_CHURN, MV_FLAT };

static const char *const move_name[] = {"", "new", "reactivation",
	"expansion", "contraction", "churn", "flat"};

struct rate {
	const char *code;	/* borrowed from the config */
	size_t len;		/* strlen(code) */
	struct csm_rate r;
};

/* The ARR of one account in one period, and its group then. */
struct ent {
	long p;			/* period index; wide input: 0 start, 1 end */
	int64_t c;		/* cents */
	size_t g;		/* group id (index + 1), 0 without -g */
};

struct acct {
	struct ent *e;		/* sorted by p */
	size_t n, cap;
	int before;		/* had ARR above 0 before the start */
};

/* The sums of one group (or the total) between two snapshots. */
struct tot {
	long accounts;		/* accounts with any movement */
	long acc_start, acc_churned, acc_new, acc_retained;
	int64_t start, expansion, contraction, churn, new, react, end;
	int64_t nrr_num, grr_num;
};

/* Rows a warning is about: how many, and where the first is. */
struct fnote {
	long n;
	char *file;
	long line;
};

/* A renewal in the window: its group, account, ARR and chances. */
struct renewal {
	size_t g, k;
	int64_t arr, gain;
	double p, q;
};

/* What a group holds at the start (the forecast's per-group sums). */
struct fgroup {
	long accounts, renewing;
	int64_t start, renewing_arr;
};

struct run {
	/* options */
	int format;
	int shape;
	int accounts;
	int merge;		/* --merge */
	int forecast;		/* --forecast */
	long draws;		/* --draws */
	unsigned long seed;	/* --seed */
	long today;		/* --as-of */
	long fend;		/* --forecast: the day after the window */
	int series;		/* 0, CSM_MONTH or CSM_QUARTER */
	long window;		/* 0: the default */
	int fromx, tox;		/* given on the command line */
	const char *from_arg, *to_arg;	/* as given, read once the config is */
	struct csm_period from, to;
	char **gname;		/* -g columns as given */
	size_t ng;
	const char *total_label;	/* --total-label */

	/* config */
	struct rate *rate;
	size_t nrate;
	const char *base;
	size_t baselen;		/* strlen(base) */
	const char *date_format;	/* a period may be a date in it */
	double xrate;		/* nrr.forecast.expansion_rate */
	int has_xrate;

	/* columns */
	size_t idcol, percol, arrcol, startcol, endcol;
	size_t mmovcol, mamtcol, mspcol, mepcol;	/* --merge */
	size_t rencol, pcol;	/* --forecast */
	long qcol, xcol;
	long curcol;
	size_t *gcol;

	/* data */
	struct csm_map accts;
	struct acct *acc;	/* parallel to accts.ent */
	size_t acap;
	struct csm_map groups;	/* encoded group tuples */
	long *per;		/* the distinct periods seen, sorted */
	size_t nper, pcap;
	int kind;		/* of the data's periods, 0 before the first */
	const char *kind_file;
	long kind_line;
	long maxp;
	long w;			/* the window in the data's periods */
	struct csm_buf key;

	/* --merge: where each account's row is, and the first row's
	 * snapshots */
	long *mline;
	size_t *mfile;		/* index into files */
	size_t mcap;
	struct csm_map files;
	char *mstart, *mend, *mfirst_file;
	long mfirst_line;

	/* --forecast: the renewals in the window, and each group's sums */
	struct renewal *ren;
	size_t nren, rencap;
	struct fgroup *fg;	/* by group id */
	size_t nfg;
	int64_t fstart;		/* ARR at the start, in total */
	int64_t fgain;		/* every gain, summed */
	struct csm_map fseen;	/* (group, account) pairs counted */
	unsigned char *fseenfl;	/* 1: counted as renewing */
	size_t fseencap;
	unsigned char *facct;	/* by account: 1 counted, 2 renewing */
	size_t facap;
	struct fgroup ftot;	/* the total's counts (accounts, renewing) */
	struct fnote nodate, overdue, noexp;
};

static void
usage(FILE *fp, int status)
{
	csm_usage(fp, status, usage_text, help_text);
}

/* ---- money ------------------------------------------------------------- */

/*
 * a + b, where a and b are sums of ARR: past int64_t is a data error,
 * naming the record t is at when not NULL.
 */
static int64_t
add_cents_at(int64_t a, int64_t b, const struct csm_tbl *t)
{
	char max[32];

	if (csm_cents_add(&a, b) != 0) {
		csm_fmt_cents(INT64_MAX, 1, max);
		if (t != NULL)
			csm_die_at(EX_DATAERR, t->file, t->line, "ARR adds up "
			    "to more than %s", max);
		csm_die(EX_DATAERR, "ARR adds up to more than %s", max);
	}
	return a;
}

static int64_t
add_cents(int64_t a, int64_t b)
{
	return add_cents_at(a, b, NULL);
}

/*
 * Reads a rate of nrr.fx (the schema has checked that it is a number above
 * zero): exactly to 9 decimals, and one that rounds to 0 there is an error
 * rather than an account that silently converts to nothing.
 */
static void
read_rate(struct rate *r, const struct csm_node *nd)
{
	if (csm_rate_parse(nd->str, nd->len, &r->r) != CSM_OK)
		csm_cfg_die(nd, "rate '%s' is too large (at most 10^12)",
		    nd->str);
	if (r->r.whole == 0 && r->r.frac == 0)
		csm_cfg_die(nd, "rate '%s' is 0 at the 9 decimals kept: the "
		    "smallest rate is 0.000000001", nd->str);
}

/*
 * An amount of cents >= 0 converted at rate rt: a result past int64_t,
 * or an amount above 0 that converts to less than half a cent (and so
 * would vanish), is a data error naming the cell.
 */
static int64_t
convert(int64_t cents, const struct rate *rt, const struct csm_tbl *t,
    const struct csm_cols *cols, size_t col)
{
	int64_t c;

	if (csm_cents_mul_rate(cents, &rt->r, &c) != 0)
		csm_die_at(EX_DATAERR, t->file, t->line, "column '%s': \"%s\" "
		    "converted to the base currency is too large",
		    csm_q(cols->name[col], cols->len[col]),
		    csm_q(t->f[col], t->flen[col]));
	if (c == 0 && cents > 0)
		csm_die_at(EX_DATAERR, t->file, t->line, "column '%s': \"%s\" "
		    "%s converts to less than a cent of the base currency",
		    csm_q(cols->name[col], cols->len[col]),
		    csm_q(t->f[col], t->flen[col]), rt->code);
	return c;
}

/* ---- config ------------------------------------------------------------ */

static void
load_nrr(struct run *r, const struct csm_cfg *cfg)
{
	const struct csm_node *sec = csm_cfg_section(cfg, "nrr");
	const struct csm_node *fx, *nd;
	size_t i;

	if (sec == NULL)
		return;
	if ((nd = csm_node_get(sec, "base_currency")) != NULL) {
		r->base = nd->str;
		r->baselen = strlen(r->base);
	}
	if ((fx = csm_node_get(sec, "forecast")) != NULL &&
	    (nd = csm_node_get(fx, "expansion_rate")) != NULL) {
		r->xrate = csm_cfg_num(nd);
		r->has_xrate = 1;
	}
	if ((fx = csm_node_get(sec, "fx")) == NULL)
		return;
	r->nrate = fx->n / 2;
	r->rate = csm_xcalloc(r->nrate + 1, sizeof(*r->rate));
	for (i = 0; i < r->nrate; i++) {
		r->rate[i].code = fx->kid[2 * i]->str;
		r->rate[i].len = strlen(r->rate[i].code);
		read_rate(&r->rate[i], fx->kid[2 * i + 1]);
	}
}

/* ---- reading ----------------------------------------------------------- */

static const struct rate *
row_rate(const struct run *r, const struct csm_tbl *t,
    const struct csm_cols *cols)
{
	static const struct rate one = {NULL, 0, {1, 0}};
	const char *s;
	size_t n, i, pass;

	if (r->curcol < 0)
		return NULL;
	s = t->f[r->curcol];
	n = t->flen[r->curcol];
	csm_trim(&s, &n);
	if (csm_is_missing(s, n))
		return NULL;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < r->nrate; i++)
			if (r->rate[i].len == n && (pass == 0 ?
			    memcmp(r->rate[i].code, s, n) == 0 :
			    strncasecmp(r->rate[i].code, s, n) == 0))
				return &r->rate[i];
	if (r->base != NULL && r->baselen == n &&
	    strncasecmp(r->base, s, n) == 0)
		return &one;
	csm_die_at(EX_DATAERR, t->file, t->line, "column '%s': currency "
	    "\"%s\" has no rate in nrr.fx",
	    csm_q(cols->name[r->curcol], cols->len[r->curcol]), csm_q(s, n));
}

/* An amount of ARR in cents, converted to the base currency. */
static int64_t
amount(const struct csm_tbl *t,
    const struct csm_cols *cols, size_t col, int badval,
    const struct rate *rt)
{
	int64_t c;

	if (csm_cell_cents(t, cols, col, badval, 1, &c) != CSM_OK)
		return 0;
	return rt != NULL && rt->code != NULL ? convert(c, rt, t, cols, col) :
	    c;
}

/* The group id of the current record: its -g values, interned. */
static size_t
group_id(struct run *r, const struct csm_tbl *t)
{
	size_t i;

	if (r->ng == 0)
		return 0;
	csm_buf_reset(&r->key);
	for (i = 0; i < r->ng; i++) {
		size_t n = t->flen[r->gcol[i]];

		csm_buf_add(&r->key, &n, sizeof(n));
		csm_buf_add(&r->key, t->f[r->gcol[i]], n);
	}
	return csm_map_put(&r->groups, r->key.s, r->key.len, NULL) + 1;
}

/* The i-th value of group id g. */
static const char *
group_val(const struct run *r, size_t g, size_t i, size_t *len)
{
	const struct csm_map_ent *e = &r->groups.ent[g - 1];
	const char *s = e->key;
	size_t n;

	for (;;) {
		memcpy(&n, s, sizeof(n));
		s += sizeof(n);
		if (i-- == 0)
			break;
		s += n;
	}
	*len = n;
	return s;
}

static size_t
account(struct run *r, const struct csm_tbl *t, const struct csm_cols *cols)
{
	const char *s = t->f[r->idcol];
	size_t n = t->flen[r->idcol], k;
	int isnew;

	csm_trim(&s, &n);
	if (n == 0)
		csm_die_at(EX_DATAERR, t->file, t->line, "column '%s' is "
		    "empty: every row needs an account id",
		    csm_q(cols->name[r->idcol], cols->len[r->idcol]));
	k = csm_map_put(&r->accts, s, n, &isnew);
	if (isnew) {
		if (k >= r->acap) {
			r->acap = r->acap ? r->acap * 2 : 256;
			r->acc = csm_xreallocarray(r->acc, r->acap,
			    sizeof(*r->acc));
		}
		memset(&r->acc[k], 0, sizeof(r->acc[k]));
	}
	return k;
}

/* The index of period p's entry in a, or where it goes (*found 0). */
static size_t
find_ent(const struct acct *a, long p, int *found)
{
	size_t lo = 0, hi = a->n;

	if (a->n > 0 && a->e[a->n - 1].p < p) {
		*found = 0;
		return a->n;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->e[mid].p < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < a->n && a->e[lo].p == p;
	return lo;
}

static void
add_ent(struct run *r, struct acct *a, long p, int64_t c,
    const struct csm_tbl *t)
{
	int found;
	size_t i = find_ent(a, p, &found);

	if (found) {
		a->e[i].c = add_cents_at(a->e[i].c, c, t);
		return;
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 2;
		a->e = csm_xreallocarray(a->e, a->cap, sizeof(*a->e));
	}
	memmove(&a->e[i + 1], &a->e[i], (a->n - i) * sizeof(*a->e));
	a->n++;
	a->e[i].p = p;
	a->e[i].c = c;
	a->e[i].g = group_id(r, t);
}

/*
 * Drops the entries no longer needed: with --from given, all but the
 * start and the latest; else those more than a window before the latest,
 * which count as "before the start".
 */
static void
prune(const struct run *r, struct acct *a)
{
	size_t i, k = 0;

	for (i = 0; i < a->n; i++) {
		const struct ent *e = &a->e[i];

		if (r->fromx ? (e->p == r->from.index || e->p >= r->maxp) :
		    e->p >= r->maxp - r->w)
			a->e[k++] = *e;
		else if (!r->fromx && e->c > 0)
			a->before = 1;
	}
	a->n = k;
}

/* Keeps what the snapshots need of one long row. */
static void
store(struct run *r, struct acct *a, long p, int64_t c,
    const struct csm_tbl *t)
{
	if (!r->series) {
		if (r->fromx && p < r->from.index) {
			if (c > 0)
				a->before = 1;
			return;
		}
		if (r->tox && (p > r->to.index || (p != r->from.index &&
		    p != r->to.index)))
			return;
		if (!r->fromx && p < r->maxp - r->w) {
			if (c > 0)
				a->before = 1;
			return;
		}
	}
	add_ent(r, a, p, c, t);
	if (!r->series && a->n > (size_t)r->w + 2)
		prune(r, a);
}

static const char *
kind_name(int kind)
{
	return kind == CSM_QUARTER ? "a quarter" : "a month";
}

/* Where period p is, or would go, in the sorted list of periods seen. */
static size_t
period_slot(const struct run *r, long p)
{
	size_t lo = 0, hi = r->nper;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->per[mid] < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
add_period(struct run *r, long p)
{
	size_t lo;

	if (r->nper > 0 && r->per[r->nper - 1] == p)
		return;
	lo = period_slot(r, p);
	if (lo < r->nper && r->per[lo] == p)
		return;
	if (r->nper == r->pcap) {
		r->pcap = r->pcap ? r->pcap * 2 : 32;
		r->per = csm_xreallocarray(r->per, r->pcap, sizeof(*r->per));
	}
	memmove(&r->per[lo + 1], &r->per[lo], (r->nper - lo) *
	    sizeof(*r->per));
	r->per[lo] = p;
	r->nper++;
}

static int
has_period(const struct run *r, long p)
{
	size_t lo = period_slot(r, p);

	return lo < r->nper && r->per[lo] == p;
}

/* The first row fixes the kind of period; options must agree with it. */
static void
set_kind(struct run *r, const struct csm_tbl *t, int kind)
{
	char a[32];

	r->kind = kind;
	r->kind_file = t->file;
	r->kind_line = t->line;
	r->w = r->window > 0 ? r->window : kind == CSM_MONTH ? 12 : 4;
	if (r->fromx && r->from.kind != kind) {
		csm_period_format(&r->from, a);
		csm_die(EX_DATAERR, "--from '%s' is %s, but the input's periods "
		    "are %ss", a, kind_name(r->from.kind), kind == CSM_MONTH ?
		    "month" : "quarter");
	}
	if (r->tox && r->to.kind != kind) {
		csm_period_format(&r->to, a);
		csm_die(EX_DATAERR, "--to '%s' is %s, but the input's periods "
		    "are %ss", a, kind_name(r->to.kind), kind == CSM_MONTH ?
		    "month" : "quarter");
	}
	if (r->series == CSM_MONTH && kind == CSM_QUARTER)
		csm_die(EX_DATAERR, "--series month needs monthly periods, but "
		    "the input's are quarters");
	if (r->tox && !r->fromx && !r->series) {
		r->from.kind = kind;
		r->from.index = r->to.index - r->w;
		r->fromx = 1;
	}
}

/* How a period may be written, for messages. */
static const char *
period_forms(const struct run *r)
{
	static char buf[200];

	if (r->date_format == NULL)
		return "YYYY-MM, YYYY-MM-DD or YYYY-Qn";
	snprintf(buf, sizeof(buf), "YYYY-MM, YYYY-MM-DD, YYYY-Qn or a date "
	    "as date_format '%s' says", csm_q(r->date_format,
	    strlen(r->date_format)));
	return buf;
}

/*
 * Reads a period: a month, a date (its month) or a quarter, or a date in
 * the config's date_format (its month).
 */
static int
read_period(const struct run *r, const char *s, size_t n,
    struct csm_period *p)
{
	long days, y;
	int m, d, st;

	st = csm_parse_period(s, n, p);
	if (st != CSM_BAD || r->date_format == NULL)
		return st;
	if (csm_parse_date(s, n, r->date_format, &days) != CSM_OK)
		return CSM_BAD;
	csm_civil_from_days(days, &y, &m, &d);
	if (y < CSM_PERIOD_YEAR_MIN || y > 9999)
		return CSM_BAD;
	p->kind = CSM_MONTH;
	p->index = y * 12 + m - 1;
	return CSM_OK;
}

static void
period_error(const struct run *r, const struct csm_tbl *t,
    const struct csm_cols *cols, const char *s, size_t n)
{
	char what[240];

	snprintf(what, sizeof(what), "a period (%s; years 1900 to 9999)",
	    period_forms(r));
	csm_cell_error(CSM_BAD_FAIL, t, cols->name[r->percol],
	    cols->len[r->percol], s, n, what, NULL);
}

static void
read_long(struct run *r, struct csm_tbl *t, const struct csm_cols *cols,
    int badval)
{
	struct csm_period p;
	const char *s;
	size_t n, k;
	int64_t c;
	int st;

	while (csm_tbl_next(t)) {
		k = account(r, t, cols);
		s = t->f[r->percol];
		n = t->flen[r->percol];
		st = read_period(r, s, n, &p);
		if (st == CSM_MISSING)
			csm_die_at(EX_DATAERR, t->file, t->line, "column '%s' "
			    "is empty: every row needs a period",
			    csm_q(cols->name[r->percol], cols->len[r->percol]));
		if (st != CSM_OK)
			period_error(r, t, cols, s, n);
		if (r->kind == 0)
			set_kind(r, t, p.kind);
		else if (p.kind != r->kind) {
			csm_trim(&s, &n);
			csm_die_at(EX_DATAERR, t->file, t->line, "period '%s' "
			    "is %s, but the period at %s:%ld is %s: periods "
			    "must all be months or all quarters", csm_q(s, n),
			    kind_name(p.kind), r->kind_file, r->kind_line,
			    kind_name(r->kind));
		}
		c = amount(t, cols, r->arrcol, badval,
		    row_rate(r, t, cols));
		add_period(r, p.index);
		if (r->nper == 1 || p.index > r->maxp)
			r->maxp = p.index;
		store(r, &r->acc[k], p.index, c, t);
	}
}

static void
read_wide(struct run *r, struct csm_tbl *t, const struct csm_cols *cols,
    int badval)
{
	const struct rate *rt;
	size_t k;

	while (csm_tbl_next(t)) {
		k = account(r, t, cols);
		rt = row_rate(r, t, cols);
		add_ent(r, &r->acc[k], 0, amount(t, cols, r->startcol,
		    badval, rt), t);
		add_ent(r, &r->acc[k], 1, amount(t, cols, r->endcol,
		    badval, rt), t);
	}
}

/* ---- the bridge -------------------------------------------------------- */

struct snap {
	int64_t s, e;
	size_t gs, ge;
	int before;
};

static void
snapshot(const struct acct *a, long from, long to, struct snap *sn)
{
	size_t i, k;
	int found;

	memset(sn, 0, sizeof(*sn));
	sn->before = a->before;
	i = find_ent(a, from, &found);
	if (found) {
		sn->s = a->e[i].c;
		sn->gs = a->e[i].g;
	}
	for (k = 0; k < i && !sn->before; k++)
		if (a->e[k].c > 0)
			sn->before = 1;
	i = find_ent(a, to, &found);
	if (found) {
		sn->e = a->e[i].c;
		sn->ge = a->e[i].g;
	}
}

static int
movement(const struct snap *sn, int64_t *amt)
{
	if (sn->s == 0 && sn->e == 0) {
		*amt = 0;
		return MV_NONE;
	}
	if (sn->s == 0) {
		*amt = sn->e;
		return sn->before ? MV_REACT : MV_NEW;
	}
	if (sn->e == 0) {
		*amt = sn->s;
		return MV_CHURN;
	}
	if (sn->e > sn->s) {
		*amt = sn->e - sn->s;
		return MV_EXP;
	}
	if (sn->e < sn->s) {
		*amt = sn->s - sn->e;
		return MV_CONTR;
	}
	*amt = 0;
	return MV_FLAT;
}

static void
tally(struct tot *x, const struct snap *sn, int mv, int64_t amt)
{
	x->accounts++;
	x->start = add_cents(x->start, sn->s);
	x->end = add_cents(x->end, sn->e);
	if (sn->s > 0) {
		x->acc_start++;
		x->nrr_num = add_cents(x->nrr_num, sn->e);
		x->grr_num = add_cents(x->grr_num, sn->e < sn->s ? sn->e :
		    sn->s);
		if (sn->e > 0)
			x->acc_retained++;
	}
	switch (mv) {
	case MV_NEW:
		x->acc_new++;
		x->new = add_cents(x->new, amt);
		break;
	case MV_REACT:
		x->react = add_cents(x->react, amt);
		break;
	case MV_EXP:
		x->expansion = add_cents(x->expansion, amt);
		break;
	case MV_CONTR:
		x->contraction = add_cents(x->contraction, amt);
		break;
	case MV_CHURN:
		x->acc_churned++;
		x->churn = add_cents(x->churn, amt);
		break;
	}
}

/* The bridge must close to the cent; anything else is a bug here. */
static void
reconcile(const struct tot *x, const char *what)
{
	int64_t lhs, rhs, nrr, grr;

	lhs = add_cents(add_cents(add_cents(x->start, x->new), x->react),
	    x->expansion);
	rhs = add_cents(add_cents(x->end, x->contraction), x->churn);
	nrr = add_cents(add_cents(x->start, x->expansion),
	    -add_cents(x->contraction, x->churn));
	grr = add_cents(x->start, -add_cents(x->contraction, x->churn));
	if (lhs != rhs || nrr != x->nrr_num || grr != x->grr_num ||
	    x->acc_start - x->acc_churned != x->acc_retained)
		csm_die(EX_SOFTWARE, "internal error: the bridge of %s does "
		    "not reconcile (%lld != %lld)", what, (long long)lhs,
		    (long long)rhs);
}

/*
 * num / den as a percentage with two decimals, rounded half away from
 * zero, exactly, into out (at least 48 bytes); empty when den is 0.
 */
static void
pct_text(int64_t num, int64_t den, char *out)
{
	uint64_t n, d, q, rem, acc, frac = 0;
	int i, k;

	if (den <= 0 || num < 0) {
		out[0] = '\0';
		return;
	}
	n = (uint64_t)num;
	d = (uint64_t)den;
	q = n / d;
	rem = n % d;
	/* four more decimal digits of the ratio, without overflow */
	for (i = 0; i < 4; i++) {
		int digit = 0;

		acc = 0;
		for (k = 0; k < 10; k++) {
			acc += rem;
			if (acc >= d) {
				acc -= d;
				digit++;
			}
		}
		rem = acc;
		frac = frac * 10 + (uint64_t)digit;
	}
	if (rem >= d - rem)
		frac++;
	if (frac >= 10000) {
		q++;
		frac -= 10000;
	}
	if (q > 0)
		snprintf(out, 48, "%llu%02u.%02u", (unsigned long long)q,
		    (unsigned)(frac / 100), (unsigned)(frac % 100));
	else
		snprintf(out, 48, "%u.%02u", (unsigned)(frac / 100),
		    (unsigned)(frac % 100));
}

/*
 * The percentage num/den as a reader sees it, "86.14%", or n/a when
 * pct_text() gives none; buf holds at least 48 bytes.
 */
static const char *
pct_shown(int64_t num, int64_t den, char *buf)
{
	pct_text(num, den, buf);
	if (buf[0] == '\0')
		return "n/a";
	strcat(buf, "%");
	return buf;
}

/* ---- --merge: partial --accounts outputs ------------------------------ */

/*
 * Whether the current record repeats the header: each partial output
 * starts with one, and partials concatenated (parallel's output, a
 * reducer's input) put the later ones among the rows.
 */
static int
is_header(const struct csm_tbl *t)
{
	size_t i;

	for (i = 0; i < t->nf; i++)
		if (t->flen[i] != t->hdrlen[i] ||
		    memcmp(t->f[i], t->hdr[i], t->flen[i]) != 0)
			return 0;
	return 1;
}

/* Money of a partial: written by csm-nrr, so an empty cell is an error. */
static int64_t
merge_cents(const struct csm_tbl *t, const struct csm_cols *cols,
    size_t col)
{
	int64_t c;

	if (csm_cell_cents(t, cols, col, CSM_BAD_FAIL, 1, &c) != CSM_OK)
		csm_die_at(EX_DATAERR, t->file, t->line, "column '%s' is "
		    "empty: a partial output has an amount in every row",
		    csm_q(cols->name[col], cols->len[col]));
	return c;
}

/*
 * The snapshots of a partial row: both periods, or both empty (wide
 * input).  The first row fixes them; a row with others comes from a map
 * that chose other snapshots, which the merged bridge cannot mix.
 */
static void
merge_periods(struct run *r, const struct csm_tbl *t,
    const struct csm_cols *cols)
{
	struct csm_period a, b;
	const char *s = t->f[r->mspcol], *e = t->f[r->mepcol];
	size_t sn = t->flen[r->mspcol], en = t->flen[r->mepcol];
	int sa, sb;

	csm_trim(&s, &sn);
	csm_trim(&e, &en);
	if (r->mstart != NULL) {
		if (strlen(r->mstart) != sn || memcmp(r->mstart, s, sn) != 0 ||
		    strlen(r->mend) != en || memcmp(r->mend, e, en) != 0)
			csm_die_at(EX_DATAERR, t->file, t->line, "snapshots "
			    "'%s' to '%s', but those at %s:%ld are '%s' to "
			    "'%s': give every partial the same --from and --to",
			    csm_q(s, sn), csm_q(e, en), r->mfirst_file,
			    r->mfirst_line, csm_q(r->mstart, strlen(r->mstart)),
			    csm_q(r->mend, strlen(r->mend)));
		return;
	}
	sa = csm_parse_period(s, sn, &a);
	sb = csm_parse_period(e, en, &b);
	if (sa == CSM_MISSING && sb == CSM_MISSING)
		r->shape = SHAPE_WIDE;
	else if (sa != CSM_OK || sb != CSM_OK || a.kind != b.kind ||
	    a.index >= b.index)
		csm_die_at(EX_DATAERR, t->file, t->line, "columns '%s' and "
		    "'%s': \"%s\" and \"%s\" are not two periods, the first "
		    "before the second (or both empty, for wide input)",
		    csm_q(cols->name[r->mspcol], cols->len[r->mspcol]),
		    csm_q(cols->name[r->mepcol], cols->len[r->mepcol]),
		    csm_q(s, sn), csm_q(e, en));
	else {
		r->kind = a.kind;
		r->from = a;
		r->to = b;
		r->fromx = r->tox = 1;
		add_period(r, a.index);
		add_period(r, b.index);
		r->maxp = b.index;
	}
	r->mstart = csm_xstrndup(s, sn);
	r->mend = csm_xstrndup(e, en);
	r->mfirst_file = csm_xstrdup(t->file);
	r->mfirst_line = t->line;
}

/*
 * Checks the movement and amount of a partial row against its start S
 * and end E, as csm-nrr wrote them; returns whether it is a
 * reactivation.
 */
static int
merge_movement(const struct run *r, const struct csm_tbl *t,
    const struct csm_cols *cols, const struct snap *sn)
{
	const char *s = t->f[r->mmovcol];
	size_t n = t->flen[r->mmovcol], m;
	char a[32], b[32];
	int64_t amt, want;
	int mv;

	csm_trim(&s, &n);
	mv = movement(sn, &amt);
	for (m = MV_NEW; m <= MV_FLAT; m++)
		if (strlen(move_name[m]) == n &&
		    memcmp(move_name[m], s, n) == 0)
			break;
	if (mv == MV_NEW && m == MV_REACT)
		mv = MV_REACT;
	if (m > MV_FLAT || (int)m != mv) {
		csm_fmt_cents(sn->s, 0, a);
		csm_fmt_cents(sn->e, 0, b);
		csm_die_at(EX_DATAERR, t->file, t->line, "column '%s': "
		    "\"%s\" is not the movement from %s to %s (%s)",
		    csm_q(cols->name[r->mmovcol], cols->len[r->mmovcol]),
		    csm_q(s, n), a, b, mv == MV_NONE ? "none: no ARR in "
		    "either snapshot" : mv == MV_NEW ? "new or reactivation" :
		    move_name[mv]);
	}
	want = merge_cents(t, cols, r->mamtcol);
	if (want != amt) {
		csm_fmt_cents(amt, 0, a);
		csm_die_at(EX_DATAERR, t->file, t->line, "column '%s': \"%s\" "
		    "is not the %s amount, %s", csm_q(cols->name[r->mamtcol],
		    cols->len[r->mamtcol]), csm_q(t->f[r->mamtcol],
		    t->flen[r->mamtcol]), move_name[mv], a);
	}
	return mv == MV_REACT;
}

/*
 * Reads partial --accounts outputs: every account once (an account in two
 * partials is a data error naming both rows), each row's movement and
 * amount checked against its ARR, all with the same snapshots.  Each
 * account is kept as the two snapshots it had.
 */
static void
read_merge(struct run *r, struct csm_tbl *t, const struct csm_cols *cols)
{
	struct snap sn;
	struct acct *a;
	size_t k;
	long p0, p1;

	while (csm_tbl_next(t)) {
		if (is_header(t))
			continue;
		k = account(r, t, cols);
		a = &r->acc[k];
		if (k >= r->mcap) {
			r->mcap = r->acap;
			r->mline = csm_xreallocarray(r->mline, r->mcap,
			    sizeof(*r->mline));
			r->mfile = csm_xreallocarray(r->mfile, r->mcap,
			    sizeof(*r->mfile));
		}
		if (a->n > 0)
			csm_die_at(EX_DATAERR, t->file, t->line, "account '%s' "
			    "is also at %s:%ld: partial outputs must hold "
			    "disjoint sets of accounts",
			    csm_q(r->accts.ent[k].key, r->accts.ent[k].klen),
			    r->files.ent[r->mfile[k]].key, r->mline[k]);
		r->mline[k] = t->line;
		r->mfile[k] = csm_map_put(&r->files, t->file,
		    strlen(t->file), NULL);
		merge_periods(r, t, cols);
		memset(&sn, 0, sizeof(sn));
		sn.s = merge_cents(t, cols, r->startcol);
		sn.e = merge_cents(t, cols, r->endcol);
		a->before = merge_movement(r, t, cols, &sn);
		p0 = r->shape == SHAPE_WIDE ? 0 : r->from.index;
		p1 = r->shape == SHAPE_WIDE ? 1 : r->to.index;
		add_ent(r, a, p0, sn.s, t);
		add_ent(r, a, p1, sn.e, t);
	}
}

/* ---- output ------------------------------------------------------------ */

/*
 * The output table (rows.c), and what every JSON object of it carries:
 * the snapshots and the currency of its money.
 */
struct tab {
	struct csm_rows r;
	char from[32], to[32];	/* empty: none (wide input) */
	const char *currency;	/* or NULL */
};

static void
tab_init(struct tab *tb, struct csm_out *o, const struct run *r)
{
	static const int rows_fmt[] = {CSM_ROWS_CSV, CSM_ROWS_CSV,
		CSM_ROWS_TSV, CSM_ROWS_JSON, CSM_ROWS_MD, CSM_ROWS_JSONL};

	memset(tb, 0, sizeof(*tb));
	csm_rows_init(&tb->r, o, rows_fmt[r->format]);
	tb->currency = r->base;
}

static void
tab_col(struct tab *tb, const char *key, const char *label, int num)
{
	csm_rows_col(&tb->r, key, strlen(key), label, num);
}

/* Periods from and to of kind as text into a and b (32 bytes each). */
static void
period_pair(int kind, long from, long to, char *a, char *b)
{
	struct csm_period p;

	p.kind = kind;
	p.index = from;
	csm_period_format(&p, a);
	p.index = to;
	csm_period_format(&p, b);
}

/* The snapshots of the rows to come, from and to, for JSON. */
static void
tab_window(struct tab *tb, const struct run *r, long from, long to)
{
	tb->from[0] = tb->to[0] = '\0';
	if (r->shape != SHAPE_LONG || r->nper == 0)
		return;
	period_pair(r->series ? r->series : r->kind, from, to, tb->from,
	    tb->to);
}

static void
tab_begin(struct tab *tb)
{
	csm_rows_begin(&tb->r);
	csm_rows_meta(&tb->r, "from", tb->from[0] ? tb->from : NULL);
	csm_rows_meta(&tb->r, "to", tb->to[0] ? tb->to : NULL);
	csm_rows_meta(&tb->r, "currency", tb->currency);
}

static void
tab_str(struct tab *tb, const char *s, size_t n)
{
	csm_rows_str(&tb->r, s, n);
}

/* A snapshot's period, missing (JSON null) for wide input. */
static void
tab_period(struct tab *tb, const char *p)
{
	if (p[0] == '\0')
		csm_rows_null(&tb->r);
	else
		tab_str(tb, p, strlen(p));
}

static void
tab_cents(struct tab *tb, int64_t c)
{
	char buf[32];

	csm_fmt_cents(c, tb->r.fmt == CSM_ROWS_MD, buf);
	csm_rows_num(&tb->r, buf, strlen(buf), NULL);
}

static void
tab_count(struct tab *tb, long n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", n);
	csm_rows_num(&tb->r, buf, strlen(buf), NULL);
}

/* A percentage; empty (JSON null, Markdown n/a) when den is 0. */
static void
tab_pct(struct tab *tb, int64_t num, int64_t den)
{
	char buf[48];

	pct_text(num, den, buf);
	csm_rows_num(&tb->r, buf, strlen(buf), "%");
}

static const char *const tot_key[] = {"accounts_start", "accounts_churned",
	"accounts_new", "arr_start", "expansion", "contraction", "churn", "new",
	"reactivation", "arr_end", "nrr", "grr", "logo_retention"};
static const char *const tot_label[] = {"accounts start", "churned",
	"new", "ARR start", "expansion", "contraction", "churn", "new ARR",
	"reactivation", "ARR end", "NRR", "GRR", "logo retention"};

static void
tot_cols(struct tab *tb)
{
	size_t i;

	for (i = 0; i < sizeof(tot_key) / sizeof(tot_key[0]); i++)
		tab_col(tb, tot_key[i], tot_label[i], 1);
}

static void
tot_cells(struct tab *tb, const struct tot *x)
{
	tab_count(tb, x->acc_start);
	tab_count(tb, x->acc_churned);
	tab_count(tb, x->acc_new);
	tab_cents(tb, x->start);
	tab_cents(tb, x->expansion);
	tab_cents(tb, x->contraction);
	tab_cents(tb, x->churn);
	tab_cents(tb, x->new);
	tab_cents(tb, x->react);
	tab_cents(tb, x->end);
	tab_pct(tb, x->nrr_num, x->start);
	tab_pct(tb, x->grr_num, x->start);
	tab_pct(tb, x->acc_retained, x->acc_start);
}

/* Group ids in the byte order of their values. */
static const struct run *sort_run;

static int
cmp_group(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb, i, la, lb;
	const char *sa, *sb;
	int c;

	for (i = 0; i < sort_run->ng; i++) {
		sa = group_val(sort_run, a, i, &la);
		sb = group_val(sort_run, b, i, &lb);
		c = memcmp(sa, sb, la < lb ? la : lb);
		if (c != 0)
			return c;
		if (la != lb)
			return la < lb ? -1 : 1;
	}
	return 0;
}

static void
md_title(struct csm_out *o, const struct run *r, const char *what,
    long from, long to)
{
	char a[32], b[32];

	csm_out_printf(o, "# %s", what);
	if (r->shape == SHAPE_LONG && r->nper > 0) {
		period_pair(r->kind, from, to, a, b);
		csm_out_printf(o, ", %s to %s", a, b);
	} else if (r->shape == SHAPE_WIDE)
		csm_out_puts(o, ", arr_start to arr_end");
	if (r->base != NULL) {
		csm_out_puts(o, " (");
		csm_md_esc(o, r->base, strlen(r->base));
		csm_out_puts(o, ")");
	}
	csm_out_puts(o, "\n\n");
}

static void
md_bridge(struct csm_out *o, const struct tot *x)
{
	static const char *const label[] = {"ARR start", "new",
		"reactivation", "expansion", "contraction", "churn", "ARR end"};
	static const char sign[] = " +++--=";
	int64_t v[7];
	char buf[7][32], pa[48], pb[48], pc[48];
	size_t i, w = 0;

	v[0] = x->start;
	v[1] = x->new;
	v[2] = x->react;
	v[3] = x->expansion;
	v[4] = x->contraction;
	v[5] = x->churn;
	v[6] = x->end;
	for (i = 0; i < 7; i++) {
		csm_fmt_cents(v[i], 1, buf[i]);
		if (strlen(buf[i]) > w)
			w = strlen(buf[i]);
	}
	csm_out_puts(o, "\nThe ARR bridge, total:\n\n```\n");
	for (i = 0; i < 7; i++)
		csm_out_printf(o, "%c %-12s  %*s\n", sign[i], label[i], (int)w,
		    buf[i]);
	csm_out_puts(o, "```\n");
	csm_out_printf(o, "\nNRR %s, GRR %s, logo retention %s.\n",
	    pct_shown(x->nrr_num, x->start, pa),
	    pct_shown(x->grr_num, x->start, pb),
	    pct_shown(x->acc_retained, x->acc_start, pc));
}

static void
snap_range(const struct run *r, long *from, long *to)
{
	if (r->shape == SHAPE_WIDE) {
		*from = 0;
		*to = 1;
		return;
	}
	*to = r->tox ? r->to.index : r->maxp;
	*from = r->fromx ? r->from.index : *to - r->w;
	if (r->nper > 0 && *from >= *to) {
		char a[32], b[32];

		period_pair(r->kind, *from, *to, a, b);
		csm_die(EX_DATAERR, "--from '%s' is not before the latest "
		    "period '%s'", a, b);
	}
}

/* Says on stderr when a snapshot period has no row at all. */
static void
check_snapshots(const struct run *r, long from, long to)
{
	struct csm_period p;
	char a[32];

	if (r->shape != SHAPE_LONG || r->nper == 0)
		return;
	p.kind = r->kind;
	p.index = from;
	csm_period_format(&p, a);
	if (!has_period(r, from))
		csm_warn("no row has the start period '%s': every account "
		    "starts at 0", a);
	p.index = to;
	csm_period_format(&p, a);
	if (!has_period(r, to))
		csm_warn("no row has the end period '%s': every account ends "
		    "at 0", a);
}

/*
 * The total row says total_label in the first group column, so that
 * scripts can find it (awk '$1 == "total"'): a group printed with that
 * value there would be mistaken for it.  Returns such a group's id, or 0.
 */
static size_t
total_clash(const struct run *r, const size_t *order, size_t n)
{
	size_t i, len, tl = strlen(r->total_label);
	const char *s;

	for (i = 0; i < n && r->ng > 0; i++) {
		s = group_val(r, order[i], 0, &len);
		if (len == tl && memcmp(s, r->total_label, tl) == 0)
			return order[i];
	}
	return 0;
}

/*
 * Sorts order[0..n), the ids of the groups with accounts, into byte
 * order.  Returns 0, or without sorting the id of a group that
 * total_clash() finds, for the caller to free what it holds and then call
 * clash_die().
 */
static size_t
sort_groups(const struct run *r, size_t *order, size_t n)
{
	size_t g;

	if ((g = total_clash(r, order, n)) != 0)
		return g;
	sort_run = r;
	qsort(order, n, sizeof(*order), cmp_group);
	return 0;
}

/* Dies saying that group id g would be mistaken for the total row. */
static CSM_NORETURN void
clash_die(const struct run *r, size_t g)
{
	const char *clash;
	size_t clen;

	clash = group_val(r, g, 0, &clen);
	csm_die(EX_DATAERR, "column '%s' has a group '%s', which the "
	    "total row would also say: choose another label for the "
	    "total with --total-label", csm_q(r->gname[0],
	    strlen(r->gname[0])), csm_q(clash, clen));
}

/* The bridge of every group and of the total between two snapshots. */
struct summary {
	long from, to;
	struct tot *g;		/* by group id; [0] unused */
	struct tot all;
	size_t *order;		/* the groups with accounts, in byte order */
	size_t n;
};

static void
summary_release(struct summary *su)
{
	free(su->order);
	free(su->g);
}

static void
summary_compute(const struct run *r, struct summary *su)
{
	struct snap sn;
	size_t i, ng = r->groups.n;
	int64_t amt;
	int mv;

	memset(su, 0, sizeof(*su));
	snap_range(r, &su->from, &su->to);
	check_snapshots(r, su->from, su->to);
	su->g = csm_xcalloc(ng + 1, sizeof(*su->g));
	for (i = 0; i < r->accts.n; i++) {
		snapshot(&r->acc[i], su->from, su->to, &sn);
		if ((mv = movement(&sn, &amt)) == MV_NONE)
			continue;
		tally(&su->g[sn.s > 0 ? sn.gs : sn.ge], &sn, mv, amt);
		tally(&su->all, &sn, mv, amt);
	}
	su->order = csm_xcalloc(ng + 1, sizeof(*su->order));
	for (i = 1; i <= ng; i++) {
		if (su->g[i].accounts > 0)
			su->order[su->n++] = i;
		reconcile(&su->g[i], "a group");
	}
	reconcile(&su->all, "the total");
	if ((i = sort_groups(r, su->order, su->n)) != 0) {
		summary_release(su);
		clash_die(r, i);
	}
}

static void
print_summary(const struct run *r, const struct summary *su,
    struct csm_out *o)
{
	struct tab tb;
	size_t i, j;

	tab_init(&tb, o, r);
	tab_window(&tb, r, su->from, su->to);
	for (i = 0; i < r->ng; i++)
		tab_col(&tb, r->gname[i], NULL, 0);
	tot_cols(&tb);
	if (r->format == FMT_MD)
		md_title(o, r, "Revenue retention", su->from, su->to);
	csm_rows_head(&tb.r);
	for (i = 0; i < su->n; i++) {
		tab_begin(&tb);
		for (j = 0; j < r->ng; j++) {
			size_t len;
			const char *s = group_val(r, su->order[i], j, &len);

			tab_str(&tb, s, len);
		}
		tot_cells(&tb, &su->g[su->order[i]]);
		csm_rows_end(&tb.r);
	}
	tab_begin(&tb);
	for (j = 0; j < r->ng; j++)
		tab_str(&tb, j == 0 ? r->total_label : "", j == 0 ?
		    strlen(r->total_label) : 0);
	tot_cells(&tb, &su->all);
	csm_rows_end(&tb.r);
	csm_rows_finish(&tb.r);
	if (r->format == FMT_MD)
		md_bridge(o, &su->all);
}

static void
print_accounts(const struct run *r, struct csm_out *o)
{
	struct tab tb;
	struct snap sn;
	struct tot all;
	size_t i, j, g;
	long from, to;
	int64_t amt;
	int mv;

	snap_range(r, &from, &to);
	check_snapshots(r, from, to);
	tab_init(&tb, o, r);
	tab_window(&tb, r, from, to);
	tab_col(&tb, "account_id", "account", 0);
	for (i = 0; i < r->ng; i++)
		tab_col(&tb, r->gname[i], NULL, 0);
	tab_col(&tb, "arr_start", "ARR start", 1);
	tab_col(&tb, "arr_end", "ARR end", 1);
	tab_col(&tb, "movement", NULL, 0);
	tab_col(&tb, "amount", NULL, 1);
	/* what --merge needs to know the partials agree (not in the report) */
	if (r->format != FMT_MD) {
		tab_col(&tb, "start_period", NULL, 0);
		tab_col(&tb, "end_period", NULL, 0);
	}
	if (r->format == FMT_MD)
		md_title(o, r, "ARR movements", from, to);
	csm_rows_head(&tb.r);
	memset(&all, 0, sizeof(all));
	for (i = 0; i < r->accts.n; i++) {
		snapshot(&r->acc[i], from, to, &sn);
		if ((mv = movement(&sn, &amt)) == MV_NONE)
			continue;
		tally(&all, &sn, mv, amt);
		tab_begin(&tb);
		tab_str(&tb, r->accts.ent[i].key, r->accts.ent[i].klen);
		g = sn.s > 0 ? sn.gs : sn.ge;
		for (j = 0; j < r->ng; j++) {
			size_t len;
			const char *s = group_val(r, g, j, &len);

			tab_str(&tb, s, len);
		}
		tab_cents(&tb, sn.s);
		tab_cents(&tb, sn.e);
		tab_str(&tb, move_name[mv], strlen(move_name[mv]));
		tab_cents(&tb, amt);
		if (r->format != FMT_MD) {
			tab_period(&tb, tb.from);
			tab_period(&tb, tb.to);
		}
		csm_rows_end(&tb.r);
	}
	reconcile(&all, "the total");
	csm_rows_finish(&tb.r);
}

/*
 * --series: for every period P of the series kind whose snapshot and the
 * one a window before are both in the data, the bridge from P - window to
 * P, per group and in total.  A quarter's snapshot in monthly data is its
 * last month.
 */
struct series {
	long w;			/* the window, in the series' periods */
	size_t np;		/* periods listed */
	long *pi;		/* their index, of the series' kind */
	size_t ng;		/* groups + 1: group id g, 0 the total */
	struct tot *t;		/* np x ng: t[k * ng + g] */
	size_t *order;		/* the groups with accounts, in byte order */
	size_t norder;
};

static void
series_release(struct series *se)
{
	free(se->pi);
	free(se->t);
	free(se->order);
}

/* The groups with accounts in any period, in byte order of their values. */
static void
series_groups(const struct run *r, struct series *se)
{
	size_t g, k;

	se->order = csm_xcalloc(se->ng, sizeof(*se->order));
	for (g = 1; g < se->ng; g++)
		for (k = 0; k < se->np; k++)
			if (se->t[k * se->ng + g].accounts > 0) {
				se->order[se->norder++] = g;
				break;
			}
	if ((g = sort_groups(r, se->order, se->norder)) != 0) {
		series_release(se);
		clash_die(r, g);
	}
}

static void
series_compute(const struct run *r, struct series *se)
{
	struct snap sn;
	struct tot *x;
	long first, last, pi, from, to;
	size_t i, k;
	int64_t amt;
	int mv, conv = r->series == CSM_QUARTER && r->kind == CSM_MONTH;

	memset(se, 0, sizeof(*se));
	se->w = r->window > 0 ? r->window : r->series == CSM_MONTH ? 12 : 4;
	se->ng = r->groups.n + 1;
	if (r->nper == 0)
		return;
	first = r->per[0];
	last = r->per[r->nper - 1];
	if (conv) {
		first /= 3;
		last /= 3;
	}
	for (pi = first + se->w; pi <= last; pi++) {
		to = conv ? pi * 3 + 2 : pi;
		from = conv ? (pi - se->w) * 3 + 2 : pi - se->w;
		if (!has_period(r, to) || !has_period(r, from))
			continue;
		if ((r->fromx && to < r->from.index) ||
		    (r->tox && to > r->to.index))
			continue;
		k = se->np++;
		se->pi = csm_xreallocarray(se->pi, se->np, sizeof(*se->pi));
		se->t = csm_xreallocarray(se->t, se->np * se->ng,
		    sizeof(*se->t));
		se->pi[k] = pi;
		x = &se->t[k * se->ng];
		memset(x, 0, se->ng * sizeof(*x));
		for (i = 0; i < r->accts.n; i++) {
			snapshot(&r->acc[i], from, to, &sn);
			if ((mv = movement(&sn, &amt)) == MV_NONE)
				continue;
			tally(&x[0], &sn, mv, amt);
			if (r->ng > 0)
				tally(&x[sn.s > 0 ? sn.gs : sn.ge], &sn, mv,
				    amt);
		}
		for (i = 0; i < se->ng; i++)
			reconcile(&x[i], i == 0 ? "a period" :
			    "a group in a period");
	}
	series_groups(r, se);
}

/* One row of the series: group g's (0: the total's) bridge of period k. */
static void
series_row(struct tab *tb, const struct run *r, const struct series *se,
    size_t g, size_t k)
{
	char a[32], b[32];
	size_t j, len;
	const char *s;

	period_pair(r->series, se->pi[k], se->pi[k] - se->w, a, b);
	tab_window(tb, r, se->pi[k] - se->w, se->pi[k]);
	tab_begin(tb);
	for (j = 0; j < r->ng; j++) {
		if (g == 0) {
			s = j == 0 ? r->total_label : "";
			len = strlen(s);
		} else
			s = group_val(r, g, j, &len);
		tab_str(tb, s, len);
	}
	tab_str(tb, a, strlen(a));
	tab_str(tb, b, strlen(b));
	tot_cells(tb, &se->t[k * se->ng + g]);
	csm_rows_end(&tb->r);
}

/*
 * The series as rows: without -g one per period, oldest first; with -g
 * each group's periods (those where it has accounts), the groups in byte
 * order, then the total's.
 */
static void
print_series(const struct run *r, const struct series *se,
    struct csm_out *o)
{
	struct tab tb;
	size_t i, k;

	tab_init(&tb, o, r);
	for (i = 0; i < r->ng; i++)
		tab_col(&tb, r->gname[i], NULL, 0);
	tab_col(&tb, "period", NULL, 0);
	tab_col(&tb, "start_period", "from", 0);
	tot_cols(&tb);
	if (r->format == FMT_MD)
		csm_out_printf(o, "# Trailing revenue retention, %ld-%s "
		    "window%s%s%s\n\n", se->w, r->series == CSM_MONTH ?
		    "month" : "quarter", r->base ? " (" : "", r->base ?
		    r->base : "", r->base ? ")" : "");
	csm_rows_head(&tb.r);
	for (i = 0; i < se->norder; i++)
		for (k = 0; k < se->np; k++)
			if (se->t[k * se->ng + se->order[i]].accounts > 0)
				series_row(&tb, r, se, se->order[i], k);
	for (k = 0; k < se->np; k++)
		series_row(&tb, r, se, 0, k);
	csm_rows_finish(&tb.r);
}

/* ---- --forecast: the renewals of the next window ---------------------- */

/* At most this many draws in all groups together (16 bytes each). */
#define FORECAST_MAXCELLS (1L << 25)

/* A date plus n months, the day kept or cut to the month's last. */
static long
add_months(long days, long n)
{
	long y, ny, m0;
	int m, d, last;

	csm_civil_from_days(days, &y, &m, &d);
	m0 = y * 12 + (m - 1) + n;
	ny = m0 / 12;
	m = (int)(m0 % 12) + 1;
	last = (int)(csm_days_from_civil(m == 12 ? ny + 1 : ny, m == 12 ? 1 :
	    m + 1, 1) - csm_days_from_civil(ny, m, 1));
	return csm_days_from_civil(ny, m, d < last ? d : last);
}

/*
 * Counts a row's account k once in group g and once in the total (an
 * account with rows in two groups counts in each, and once in all): as
 * held, and as renewing.
 */
static void
count_account(struct run *r, size_t g, size_t k, int renewing)
{
	struct fgroup *fg = &r->fg[g];
	size_t i, n;
	int isnew;

	if (k >= r->facap) {
		n = r->acap > k ? r->acap : k + 1;
		r->facct = csm_xreallocarray(r->facct, n, 1);
		memset(r->facct + r->facap, 0, n - r->facap);
		r->facap = n;
	}
	if (!(r->facct[k] & 1)) {
		r->facct[k] |= 1;
		r->ftot.accounts++;
	}
	if (renewing && !(r->facct[k] & 2)) {
		r->facct[k] |= 2;
		r->ftot.renewing++;
	}

	csm_buf_reset(&r->key);
	csm_buf_add(&r->key, &g, sizeof(g));
	csm_buf_add(&r->key, &k, sizeof(k));
	i = csm_map_put(&r->fseen, r->key.s, r->key.len, &isnew);
	if (i >= r->fseencap) {
		r->fseencap = r->fseencap ? r->fseencap * 2 : 256;
		r->fseenfl = csm_xreallocarray(r->fseenfl, r->fseencap, 1);
	}
	if (isnew) {
		r->fseenfl[i] = 0;
		fg->accounts++;
	}
	if (renewing && !(r->fseenfl[i] & 1)) {
		r->fseenfl[i] |= 1;
		fg->renewing++;
	}
}

/* A probability cell, 0 to 1 (or 0% to 100%); missing gives -1. */
static double
probability(const struct csm_tbl *t, const struct csm_cols *cols,
    size_t col)
{
	double v;
	int st = csm_parse_num(t->f[col], t->flen[col], &v);

	if (st == CSM_MISSING)
		return -1;
	if (st != CSM_OK || v < 0 || v > 1)
		csm_cell_error(CSM_BAD_FAIL, t, cols->name[col], cols->len[col],
		    t->f[col], t->flen[col], "a probability (0 to 1, or 0% "
		    "to 100%)", NULL);
	return v;
}

/* Remembers the first row of a kind of warning, and counts them. */
static void
note_row(struct fnote *nt, const struct csm_tbl *t)
{
	if (nt->n++ == 0) {
		free(nt->file);
		nt->file = csm_xstrdup(t->file);
		nt->line = t->line;
	}
}

/*
 * What a renewal gains when it expands: its expansion_rate, else the
 * config's nrr.forecast.expansion_rate, times its ARR, in cents.
 */
static int64_t
expansion_gain(const struct run *r, const struct csm_tbl *t,
    const struct csm_cols *cols, int64_t arr, double q)
{
	double x = 0, g;
	int st = CSM_MISSING;

	if (r->xcol >= 0)
		st = csm_parse_num(t->f[r->xcol], t->flen[r->xcol], &x);
	if (st == CSM_BAD || (st == CSM_OK && !(x >= 0)))
		csm_cell_error(CSM_BAD_FAIL, t, cols->name[r->xcol],
		    cols->len[r->xcol], t->f[r->xcol], t->flen[r->xcol],
		    "a rate of growth (0 or more: 20% or 0.2)", NULL);
	if (st == CSM_MISSING) {
		if (!r->has_xrate)
			csm_die_at(EX_DATAERR, t->file, t->line, "an "
			    "expansion_probability of %g needs a rate of "
			    "growth: an expansion_rate column, or "
			    "nrr.forecast.expansion_rate in the config", q);
		x = r->xrate;
	}
	g = (double)arr * x;
	if (!(g <= (double)CSM_CENTS_MAX))
		csm_die_at(EX_DATAERR, t->file, t->line, "ARR grown by %g is "
		    "beyond 10^15", x);
	return (int64_t)floor(g + 0.5);
}

/* Keeps the renewal of the current row: account k of group g. */
static void
add_renewal(struct run *r, const struct csm_tbl *t,
    const struct csm_cols *cols, size_t g, size_t k, int64_t arr)
{
	struct renewal *rn;
	double p, q = 0;

	if ((p = probability(t, cols, r->pcol)) < 0)
		csm_die_at(EX_DATAERR, t->file, t->line, "column '%s' is empty: "
		    "a renewal in the window needs a churn probability "
		    "(csm-score leaves it empty on an unscored row)",
		    csm_q(cols->name[r->pcol], cols->len[r->pcol]));
	if (r->qcol >= 0 && (q = probability(t, cols, (size_t)r->qcol)) < 0) {
		note_row(&r->noexp, t);
		q = 0;
	}
	if (r->nren == r->rencap) {
		r->rencap = r->rencap ? r->rencap * 2 : 256;
		r->ren = csm_xreallocarray(r->ren, r->rencap, sizeof(*r->ren));
	}
	rn = &r->ren[r->nren++];
	rn->g = g;
	rn->k = k;
	rn->arr = arr;
	rn->p = p;
	rn->q = q;
	rn->gain = q > 0 ? expansion_gain(r, t, cols, arr, q) : 0;
	r->fg[g].renewing_arr = add_cents_at(r->fg[g].renewing_arr, arr, t);
	/* every draw's ARR, grown at most by every gain, must fit */
	r->fgain = add_cents_at(r->fgain, rn->gain, t);
	(void)add_cents_at(r->fstart, r->fgain, t);
}

/*
 * Reads the accounts of --forecast: each row's ARR counts in its group's
 * start; a row renewing in the window (its renewal date before the
 * window's end, overdue ones included) is kept with its chances.
 */
static void
read_forecast(struct run *r, struct csm_tbl *t, const struct csm_cols *cols,
    int badval)
{
	struct fgroup *fg;
	size_t k, g;
	int64_t arr;
	long days;
	int st;

	while (csm_tbl_next(t)) {
		k = account(r, t, cols);
		arr = amount(t, cols, r->arrcol, badval, row_rate(r, t, cols));
		if (arr == 0)
			continue;
		g = group_id(r, t);
		if (g >= r->nfg) {
			r->fg = csm_xreallocarray(r->fg, g + 1, sizeof(*r->fg));
			memset(r->fg + r->nfg, 0, (g + 1 - r->nfg) *
			    sizeof(*r->fg));
			r->nfg = g + 1;
		}
		fg = &r->fg[g];
		fg->start = add_cents_at(fg->start, arr, t);
		r->fstart = add_cents_at(r->fstart, arr, t);
		st = csm_parse_date(t->f[r->rencol], t->flen[r->rencol],
		    r->date_format, &days);
		if (st == CSM_BAD) {
			csm_cell_error(badval, t, cols->name[r->rencol],
			    cols->len[r->rencol], t->f[r->rencol],
			    t->flen[r->rencol], "a date", "missing");
			st = CSM_MISSING;
		}
		if (st == CSM_MISSING)
			note_row(&r->nodate, t);
		if (st != CSM_OK || days >= r->fend) {
			count_account(r, g, k, 0);
			continue;
		}
		if (days < r->today)
			note_row(&r->overdue, t);
		count_account(r, g, k, 1);
		add_renewal(r, t, cols, g, k, arr);
	}
}

/* The warnings of a forecast: rows it read otherwise than as given. */
static void
forecast_warn(const struct run *r)
{
	char a[32];

	if (r->nodate.n > 0)
		csm_warn("%ld row%s with ARR and no renewal date (the first at "
		    "%s:%ld) counted as not renewing in the window: %s ARR",
		    r->nodate.n, r->nodate.n == 1 ? "" : "s", r->nodate.file,
		    r->nodate.line, r->nodate.n == 1 ? "it keeps its" :
		    "they keep their");
	if (r->overdue.n > 0) {
		csm_date_format(r->today, a);
		csm_warn("%ld renewal%s before %s (the first at %s:%ld) "
		    "counted in the window, as still to be decided",
		    r->overdue.n, r->overdue.n == 1 ? "" : "s", a,
		    r->overdue.file, r->overdue.line);
	}
	if (r->noexp.n > 0)
		csm_warn("%ld renewal%s without an expansion_probability (the "
		    "first at %s:%ld): no expansion counted for %s",
		    r->noexp.n, r->noexp.n == 1 ? "" : "s", r->noexp.file,
		    r->noexp.line, r->noexp.n == 1 ? "it" : "them");
}

/* The forecast of every group and of the total. */
struct forecast {
	struct csm_fcast f;
	size_t *order;		/* the groups with ARR, in byte order */
	size_t n;
	size_t total;		/* the engine's index of the total */
};

static void
forecast_release(struct forecast *fc)
{
	csm_fcast_release(&fc->f);
	free(fc->order);
}

/* The forecast engine's index of group id g. */
static size_t
fcast_group(const struct run *r, size_t g)
{
	return r->ng > 0 ? g - 1 : 0;
}

static void
forecast_compute(struct run *r, struct forecast *fc)
{
	size_t i, ng = r->groups.n + 1, nf = r->ng > 0 ? r->groups.n : 1;

	memset(fc, 0, sizeof(*fc));
	if (r->nfg < ng) {
		r->fg = csm_xreallocarray(r->fg, ng, sizeof(*r->fg));
		memset(r->fg + r->nfg, 0, (ng - r->nfg) * sizeof(*r->fg));
		r->nfg = ng;
	}
	if ((double)(nf + 1) * (double)r->draws > FORECAST_MAXCELLS)
		csm_die(EX_DATAERR, "-g gives %zu groups: with --draws %ld "
		    "the draws would need %.0f MB; give fewer --draws", nf,
		    r->draws, (double)(nf + 1) * (double)r->draws * 16 / 1e6);
	/* the engine's groups: group id g is g - 1 there (0 without -g) */
	csm_fcast_init(&fc->f, nf, (size_t)r->draws, r->seed);
	fc->total = nf;
	for (i = 0; i < r->nren; i++)
		csm_fcast_add(&fc->f, fcast_group(r, r->ren[i].g),
		    r->accts.ent[r->ren[i].k].key,
		    r->accts.ent[r->ren[i].k].klen, r->ren[i].arr, r->ren[i].p,
		    r->ren[i].q, r->ren[i].gain);
	fc->order = csm_xcalloc(ng, sizeof(*fc->order));
	for (i = 1; i < ng; i++)
		if (r->fg[i].accounts > 0)
			fc->order[fc->n++] = i;
	if ((i = sort_groups(r, fc->order, fc->n)) != 0) {
		forecast_release(fc);
		clash_die(r, i);
	}
}

/* The numbers of one row of the forecast: group id g's, or (g 0) the
 * total's. */
struct frow {
	long accounts, renewing;
	int64_t start, renewing_arr, churn, expansion, end;
	struct csm_fcast_iv iv;
};

static void
forecast_row(const struct run *r, const struct forecast *fc, size_t g,
    struct frow *x)
{
	size_t i;

	memset(x, 0, sizeof(*x));
	if (g == 0) {
		for (i = 0; i < r->nfg; i++)
			x->renewing_arr += r->fg[i].renewing_arr;
		x->accounts = r->ftot.accounts;
		x->renewing = r->ftot.renewing;
		x->start = r->fstart;
	} else {
		x->accounts = r->fg[g].accounts;
		x->renewing = r->fg[g].renewing;
		x->start = r->fg[g].start;
		x->renewing_arr = r->fg[g].renewing_arr;
	}
	i = g == 0 ? fc->total : fcast_group(r, g);
	csm_fcast_expect(&fc->f, i, &x->churn, &x->expansion);
	x->end = x->start - x->churn + x->expansion;
	csm_fcast_interval(&fc->f, i, x->start, 0.9, &x->iv);
}

static const char *const fc_key[] = {"accounts", "renewing", "arr_start",
	"arr_renewing", "expected_churn", "expected_expansion",
	"expected_arr_end", "grr", "grr_lo", "grr_hi", "nrr", "nrr_lo",
	"nrr_hi"};
static const char *const fc_label[] = {"accounts", "renewing", "ARR start",
	"ARR renewing", "expected churn", "expected expansion",
	"expected ARR end", "GRR", "GRR 5%", "GRR 95%", "NRR", "NRR 5%",
	"NRR 95%"};

static void
forecast_cells(struct tab *tb, const struct frow *x)
{
	tab_count(tb, x->accounts);
	tab_count(tb, x->renewing);
	tab_cents(tb, x->start);
	tab_cents(tb, x->renewing_arr);
	tab_cents(tb, x->churn);
	tab_cents(tb, x->expansion);
	tab_cents(tb, x->end);
	tab_pct(tb, x->start - x->churn, x->start);
	tab_pct(tb, x->iv.kept_lo, x->start);
	tab_pct(tb, x->iv.kept_hi, x->start);
	tab_pct(tb, x->end, x->start);
	tab_pct(tb, x->iv.end_lo, x->start);
	tab_pct(tb, x->iv.end_hi, x->start);
}

/* The window as dates, for titles and JSON: as-of and its end. */
static void
forecast_window(const struct run *r, char *from, char *to)
{
	csm_date_format(r->today, from);
	csm_date_format(r->fend, to);
}

/* The Markdown report's closing sentences: the total, and the model. */
static void
md_forecast_note(struct csm_out *o, const struct run *r,
    const struct frow *x)
{
	char a[48], b[48], c[48], n[32], m[32];

	csm_fmt_count((size_t)x->renewing, n);
	csm_fmt_count((size_t)x->accounts, m);
	csm_out_printf(o, "\nExpected GRR %s (90%% interval %s to %s)",
	    pct_shown(x->start - x->churn, x->start, a),
	    pct_shown(x->iv.kept_lo, x->start, b),
	    pct_shown(x->iv.kept_hi, x->start, c));
	csm_out_printf(o, ", NRR %s (%s to %s); %s of %s accounts "
	    "renew in the window.\n", pct_shown(x->end, x->start, a),
	    pct_shown(x->iv.end_lo, x->start, b),
	    pct_shown(x->iv.end_hi, x->start, c), n, m);
	csm_fmt_count((size_t)r->draws, n);
	csm_out_printf(o, "Renewals are independent, drawn %s times (seed "
	    "%lu); an account that does not renew in the window keeps its "
	    "ARR.\n", n, r->seed);
}

static void
print_forecast(const struct run *r, const struct forecast *fc,
    struct csm_out *o)
{
	struct tab tb;
	struct frow x;
	size_t i, j, len;
	const char *s;

	tab_init(&tb, o, r);
	forecast_window(r, tb.from, tb.to);
	for (i = 0; i < r->ng; i++)
		tab_col(&tb, r->gname[i], NULL, 0);
	for (i = 0; i < sizeof(fc_key) / sizeof(fc_key[0]); i++)
		tab_col(&tb, fc_key[i], fc_label[i], 1);
	if (r->format == FMT_MD)
		csm_out_printf(o, "# Revenue forecast, %s to %s%s%s%s\n\n",
		    tb.from, tb.to, r->base ? " (" : "", r->base ? r->base :
		    "", r->base ? ")" : "");
	csm_rows_head(&tb.r);
	for (i = 0; i <= fc->n; i++) {
		forecast_row(r, fc, i < fc->n ? fc->order[i] : 0, &x);
		tab_begin(&tb);
		for (j = 0; j < r->ng; j++) {
			if (i < fc->n)
				s = group_val(r, fc->order[i], j, &len);
			else {
				s = j == 0 ? r->total_label : "";
				len = strlen(s);
			}
			tab_str(&tb, s, len);
		}
		forecast_cells(&tb, &x);
		csm_rows_end(&tb.r);
	}
	csm_rows_finish(&tb.r);
	if (r->format == FMT_MD)
		md_forecast_note(o, r, &x);
}

/* ---- HTML -------------------------------------------------------------- */

/* Rules of the report beyond the shared stylesheet. */
static const char html_css[] =
    ".tw{overflow-x:auto}\n"
    ".nrr table{font-size:12px}.nrr th{font-size:10px;letter-spacing:.03em}\n"
    ".nrr th,.nrr td{padding:6px 5px}.nrr td{white-space:nowrap}\n"
    ".chart svg{display:block;width:100%;height:auto}\n"
    ".note{font-size:12px;color:#64748b;margin:4px 0 0}\n";

/* The percentage num/den as text ("86.14"), and as a number for a chart. */
static int
pct_val(int64_t num, int64_t den, char *text, double *v)
{
	pct_text(num, den, text);
	if (text[0] == '\0')
		return 0;
	*v = strtod(text, NULL);
	return 1;
}

static void
html_pct(struct csm_out *o, int64_t num, int64_t den)
{
	char buf[48];

	csm_out_puts(o, pct_shown(num, den, buf));
}

static void
html_cents(struct csm_out *o, int64_t c)
{
	char buf[32];

	csm_fmt_cents(c, 1, buf);
	csm_out_puts(o, buf);
}

/* The -g values of group g joined by " / ", or the total's label (g 0). */
static void
group_label(const struct run *r, size_t g, struct csm_buf *b)
{
	const char *s;
	size_t j, len;

	csm_buf_reset(b);
	csm_buf_adds(b, "");
	if (g == 0) {
		csm_buf_adds(b, r->total_label);
		return;
	}
	for (j = 0; j < r->ng; j++) {
		s = group_val(r, g, j, &len);
		if (j > 0)
			csm_buf_adds(b, " / ");
		csm_buf_add(b, s, len);
	}
}

/* What the groups are, for headings: "segment", "segment / owner". */
static void
group_kind(const struct run *r, struct csm_buf *b)
{
	size_t j;

	csm_buf_reset(b);
	csm_buf_adds(b, "");
	for (j = 0; j < r->ng; j++) {
		if (j > 0)
			csm_buf_adds(b, " / ");
		csm_buf_adds(b, r->gname[j]);
	}
}

/* The page, its header and the start of its section. */
static void
html_begin(struct csm_out *o, const struct run *r, const char *eyebrow,
    const char *h1, const char *title)
{
	struct csm_buf b;

	csm_html_begin(o, title, html_css);
	csm_out_puts(o, "<section class=\"qbr nrr\">\n<header>\n"
	    "<div class=\"eyebrow\">");
	csm_html_escz(o, eyebrow);
	csm_out_puts(o, "</div>\n<h1>");
	csm_html_escz(o, h1);
	csm_out_puts(o, "</h1>\n<div class=\"sub\">");
	csm_buf_init(&b);
	if (r->ng > 0) {
		group_kind(r, &b);
		csm_out_puts(o, "By ");
		csm_html_esc(o, b.s, b.len);
	} else
		csm_out_puts(o, "All accounts");
	csm_buf_release(&b);
	if (r->base != NULL) {
		csm_out_puts(o, " \302\267 money in ");
		csm_html_escz(o, r->base);
	}
	csm_out_puts(o, "</div>\n</header>\n");
}

static void
html_end(struct csm_out *o, const char *note)
{
	csm_html_section_end(o, note);
	csm_html_end(o);
}

/* NRR, GRR, logo retention and ARR of a bridge, as the four cards. */
static void
html_kpis(struct csm_out *o, const struct tot *x, const char *when)
{
	struct csm_html_kpi k[4];
	char nrr[48], grr[48], logo[48], end[32], start[32], dl[96], de[96];

	memset(k, 0, sizeof(k));
	k[0].label = "NRR";
	k[0].value = pct_shown(x->nrr_num, x->start, nrr);
	k[0].detail = when;
	k[1].label = "GRR";
	k[1].value = pct_shown(x->grr_num, x->start, grr);
	k[1].detail = when;
	k[2].label = "Logo retention";
	k[2].value = pct_shown(x->acc_retained, x->acc_start, logo);
	snprintf(dl, sizeof(dl), "%ld of %ld accounts kept", x->acc_retained,
	    x->acc_start);
	k[2].detail = dl;
	k[3].label = "ARR end";
	csm_fmt_cents(x->end, 1, end);
	k[3].value = end;
	csm_fmt_cents(x->start, 1, start);
	snprintf(de, sizeof(de), "from %s at the start", start);
	k[3].detail = de;
	csm_html_kpis(o, k, 4);
}

static const char html_formulas[] = "NRR = (ARR start + expansion - "
    "contraction - churn) / ARR start; GRR = (ARR start - contraction - "
    "churn) / ARR start; new and reactivated ARR are outside both.  Money "
    "is summed to the cent.  Written by csm-nrr.";

/* The bridge table's header, after the group column. */
static void
html_bridge_head(struct csm_out *o, const char *first)
{
	static const char *const h[] = {"Accounts", "ARR start", "New",
		"Reactivation", "Expansion", "Contraction", "Churn", "ARR end",
		"NRR", "GRR", "Logo retention"};
	size_t i;

	csm_out_puts(o, "<div class=\"tw\"><table>\n<tr><th>");
	csm_html_escz(o, first);
	csm_out_puts(o, "</th>");
	for (i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		csm_out_printf(o, "<th class=\"n\">%s</th>", h[i]);
	csm_out_puts(o, "</tr>\n");
}

static void
html_bridge_row(struct csm_out *o, const char *label, size_t len,
    const struct tot *x, int total)
{
	const int64_t m[] = {x->start, x->new, x->react, x->expansion,
		x->contraction, x->churn, x->end};
	size_t i;

	csm_out_puts(o, total ? "<tr class=\"total\"><td>" : "<tr><td>");
	csm_html_esc(o, label, len);
	csm_out_printf(o, "</td><td class=\"n\">%ld</td>", x->acc_start);
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		csm_out_puts(o, "<td class=\"n\">");
		html_cents(o, m[i]);
		csm_out_puts(o, "</td>");
	}
	csm_out_puts(o, "<td class=\"n\">");
	html_pct(o, x->nrr_num, x->start);
	csm_out_puts(o, "</td><td class=\"n\">");
	html_pct(o, x->grr_num, x->start);
	csm_out_puts(o, "</td><td class=\"n\">");
	html_pct(o, x->acc_retained, x->acc_start);
	csm_out_puts(o, "</td></tr>\n");
}

/* The snapshots as text: "2025-11 to 2026-11", or the wide columns. */
static void
window_text(const struct run *r, long from, long to, char *out, size_t n)
{
	char a[32], b[32];

	if (r->shape != SHAPE_LONG || r->nper == 0) {
		snprintf(out, n, "arr_start to arr_end");
		return;
	}
	period_pair(r->kind, from, to, a, b);
	snprintf(out, n, "%s to %s", a, b);
}

/*
 * The summary as a page: the total's four cards, NRR and GRR per group
 * (and the total) as bars, and the bridge of every group as a table.
 */
static void
html_summary(const struct run *r, const struct summary *su,
    struct csm_out *o)
{
	struct csm_chart ch;
	struct csm_line ln[2];
	struct csm_buf b, kind;
	char win[80], text[48], **x;
	double *v;
	unsigned char *has;
	size_t i, n = su->n + 1, g;
	const struct tot *t;

	window_text(r, su->from, su->to, win, sizeof(win));
	html_begin(o, r, "Revenue retention", win, "Revenue retention");
	html_kpis(o, &su->all, win);

	csm_buf_init(&b);
	csm_buf_init(&kind);
	group_kind(r, &kind);
	x = csm_xcalloc(n, sizeof(*x));
	v = csm_xcalloc(2 * n, sizeof(*v));
	has = csm_xcalloc(2 * n, 1);
	for (i = 0; i < n; i++) {
		g = i < su->n ? su->order[i] : 0;
		t = g != 0 ? &su->g[g] : &su->all;
		group_label(r, g, &b);
		x[i] = csm_xstrdup(b.s);
		has[i] = (unsigned char)pct_val(t->nrr_num, t->start, text,
		    &v[i]);
		has[n + i] = (unsigned char)pct_val(t->grr_num, t->start,
		    text, &v[n + i]);
	}
	memset(&ch, 0, sizeof(ch));
	memset(ln, 0, sizeof(ln));
	ln[0].name = "NRR";
	ln[0].v = v;
	ln[0].has = has;
	ln[1].name = "GRR";
	ln[1].v = v + n;
	ln[1].has = has + n;
	ch.title = "NRR and GRR";
	ch.unit = "%";
	ch.x = (const char *const *)x;
	ch.n = n;
	ch.line = ln;
	ch.nline = 2;
	ch.bars = 1;
	ch.ylabel = "retention (%)";
	ch.xlabel = r->ng > 0 ? kind.s : NULL;
	csm_out_puts(o, "<h2>NRR and GRR");
	if (r->ng > 0) {
		csm_out_puts(o, " by ");
		csm_html_esc(o, kind.s, kind.len);
	}
	csm_out_puts(o, "</h2>\n<div class=\"chart\">\n");
	csm_svg_chart(o, &ch);
	csm_out_puts(o, "</div>\n<h2>The ARR bridge</h2>\n");
	html_bridge_head(o, r->ng > 0 ? kind.s : "");
	for (i = 0; i < su->n; i++) {
		group_label(r, su->order[i], &b);
		html_bridge_row(o, b.s, b.len, &su->g[su->order[i]], 0);
	}
	html_bridge_row(o, r->total_label, strlen(r->total_label), &su->all,
	    1);
	csm_out_puts(o, "</table></div>\n");
	html_end(o, html_formulas);
	for (i = 0; i < n; i++)
		free(x[i]);
	free(x);
	free(v);
	free(has);
	csm_buf_release(&b);
	csm_buf_release(&kind);
}

/* The series' lines on a chart: at most this many groups besides the total. */
#define SERIES_MAXLINES 9

/*
 * The groups a series chart shows: all, or the SERIES_MAXLINES with the
 * most ARR at the end of their latest period, in byte order.  Returns how
 * many, their ids in pick.
 */
static size_t
series_pick(const struct series *se, size_t *pick)
{
	size_t i, j, k, n = 0, g;
	int64_t *arr;

	if (se->norder <= SERIES_MAXLINES) {
		memcpy(pick, se->order, se->norder * sizeof(*pick));
		return se->norder;
	}
	arr = csm_xcalloc(se->norder, sizeof(*arr));
	for (i = 0; i < se->norder; i++)
		for (k = se->np; k-- > 0;)
			if (se->t[k * se->ng + se->order[i]].accounts > 0) {
				arr[i] = se->t[k * se->ng + se->order[i]].end;
				break;
			}
	/* the positions in order of the largest, ties to the first */
	for (n = 0; n < SERIES_MAXLINES; n++) {
		g = se->norder;
		for (i = 0; i < se->norder; i++) {
			for (j = 0; j < n && pick[j] != i; j++)
				;
			if (j == n && (g == se->norder || arr[i] > arr[g]))
				g = i;
		}
		pick[n] = g;
	}
	free(arr);
	/* back to byte order, and to group ids */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && pick[j - 1] > pick[j]; j--) {
			g = pick[j];
			pick[j] = pick[j - 1];
			pick[j - 1] = g;
		}
	for (i = 0; i < n; i++)
		pick[i] = se->order[pick[i]];
	return n;
}

/*
 * One chart of the series: NRR (grr 0) or GRR per period, a line for the
 * total and one for each group picked.
 */
static void
html_series_chart(struct csm_out *o, const struct run *r,
    const struct series *se, int grr, const size_t *pick, size_t npick,
    char **x)
{
	struct csm_chart ch;
	struct csm_line *ln;
	struct csm_buf b, yl, xl;
	char **name, text[48];
	double *v;
	unsigned char *has;
	size_t i, k, g, nl = r->ng == 0 ? 2 : npick + 1;
	const struct tot *t;

	csm_buf_init(&b);
	csm_buf_init(&yl);
	csm_buf_init(&xl);
	ln = csm_xcalloc(nl, sizeof(*ln));
	name = csm_xcalloc(nl, sizeof(*name));
	v = csm_xcalloc(nl * (se->np + 1), sizeof(*v));
	has = csm_xcalloc(nl * (se->np + 1), 1);
	for (i = 0; i < nl; i++) {
		g = i == 0 || r->ng == 0 ? 0 : pick[i - 1];
		if (r->ng == 0) {
			/* without groups: NRR and GRR on one chart */
			name[i] = csm_xstrdup(i == 0 ? "NRR" : "GRR");
		} else {
			group_label(r, g, &b);
			name[i] = csm_xstrdup(b.s);
		}
		for (k = 0; k < se->np; k++) {
			t = &se->t[k * se->ng + g];
			if (g != 0 && t->accounts == 0)
				continue;
			has[i * se->np + k] = (unsigned char)(grr || (r->ng == 0
			    && i == 1) ? pct_val(t->grr_num, t->start, text,
			    &v[i * se->np + k]) : pct_val(t->nrr_num, t->start,
			    text, &v[i * se->np + k]));
		}
		ln[i].name = name[i];
		ln[i].v = v + i * se->np;
		ln[i].has = has + i * se->np;
	}
	memset(&ch, 0, sizeof(ch));
	csm_buf_adds(&yl, r->ng == 0 ? "retention (%)" : grr ? "GRR (%)" :
	    "NRR (%)");
	csm_buf_printf(&xl, "period (the end of each %ld-%s window)", se->w,
	    r->series == CSM_MONTH ? "month" : "quarter");
	ch.title = r->ng == 0 ? "NRR and GRR" : grr ? "GRR" : "NRR";
	ch.unit = "%";
	ch.x = (const char *const *)x;
	ch.n = se->np;
	ch.line = ln;
	ch.nline = nl;
	ch.ylabel = yl.s;
	ch.xlabel = xl.s;
	csm_out_puts(o, "<div class=\"chart\">\n");
	csm_svg_chart(o, &ch);
	csm_out_puts(o, "</div>\n");
	for (i = 0; i < nl; i++)
		free(name[i]);
	free(name);
	free(ln);
	free(v);
	free(has);
	csm_buf_release(&b);
	csm_buf_release(&yl);
	csm_buf_release(&xl);
}

/* A percentage cell of a bridge, and its value for a difference. */
static void
html_pct_cell(struct csm_out *o, int64_t num, int64_t den)
{
	csm_out_puts(o, "<td class=\"n\">");
	html_pct(o, num, den);
	csm_out_puts(o, "</td>");
}

/*
 * A summary row of group g's series: its periods, its first and latest
 * NRR and the change between them, its lowest and highest NRR, and the
 * latest GRR and ARR end.
 */
static void
html_series_row(struct csm_out *o, const struct run *r,
    const struct series *se, size_t g)
{
	const struct tot *t, *first = NULL, *last = NULL;
	double lo = 0, hi = 0, a = 0, z = 0, val;
	char text[48], lotext[48] = "", hitext[48] = "";
	struct csm_buf b;
	size_t k, np = 0;
	int any = 0, hasa = 0, hasz = 0;

	for (k = 0; k < se->np; k++) {
		t = &se->t[k * se->ng + g];
		if (g != 0 && t->accounts == 0)
			continue;
		np++;
		if (first == NULL)
			first = t;
		last = t;
		if (!pct_val(t->nrr_num, t->start, text, &val))
			continue;
		if (!any || val < lo) {
			lo = val;
			memcpy(lotext, text, sizeof(text));
		}
		if (!any || val > hi) {
			hi = val;
			memcpy(hitext, text, sizeof(text));
		}
		any = 1;
	}
	csm_buf_init(&b);
	group_label(r, g, &b);
	csm_out_puts(o, g == 0 ? "<tr class=\"total\"><td>" : "<tr><td>");
	csm_html_esc(o, b.s, b.len);
	csm_buf_release(&b);
	csm_out_printf(o, "</td><td class=\"n\">%zu</td>", np);
	if (first == NULL) {
		csm_out_puts(o, "<td class=\"n\">n/a</td><td class=\"n\">n/a"
		    "</td><td class=\"n\">n/a</td><td class=\"n\">n/a</td>"
		    "<td class=\"n\">n/a</td><td class=\"n\">n/a</td>"
		    "<td class=\"n\">n/a</td></tr>\n");
		return;
	}
	hasa = pct_val(first->nrr_num, first->start, text, &a);
	html_pct_cell(o, first->nrr_num, first->start);
	hasz = pct_val(last->nrr_num, last->start, text, &z);
	html_pct_cell(o, last->nrr_num, last->start);
	if (hasa && hasz)
		csm_out_printf(o, "<td class=\"n\">%+.2f pts</td>",
		    csm_round(z - a, 2) + 0.0);
	else
		csm_out_puts(o, "<td class=\"n\">n/a</td>");
	csm_out_printf(o, "<td class=\"n\">%s%s</td><td class=\"n\">%s%s"
	    "</td>", any ? lotext : "n/a", any ? "%" : "", any ? hitext :
	    "n/a", any ? "%" : "");
	html_pct_cell(o, last->grr_num, last->start);
	csm_out_puts(o, "<td class=\"n\">");
	html_cents(o, last->end);
	csm_out_puts(o, "</td></tr>\n");
}

/* The total's bridge in every period. */
static void
html_series_periods(struct csm_out *o, const struct series *se, char **x)
{
	size_t k;

	html_bridge_head(o, "Period");
	for (k = 0; k < se->np; k++)
		html_bridge_row(o, x[k], strlen(x[k]), &se->t[k * se->ng], 0);
	csm_out_puts(o, "</table></div>\n");
}

/*
 * The series as a page: the latest period's cards, NRR and GRR over the
 * periods as line charts (a line per group and the total), a summary
 * per group and the total's bridge in every period.
 */
static void
html_series(const struct run *r, const struct series *se, struct csm_out *o)
{
	struct csm_period p;
	struct csm_buf b, kind;
	char **x, **fx, h1[80], when[80];
	size_t k, i, *pick, npick;

	csm_buf_init(&b);
	csm_buf_init(&kind);
	group_kind(r, &kind);
	x = csm_xcalloc(se->np + 1, sizeof(*x));
	fx = csm_xcalloc(se->np + 1, sizeof(*fx));
	p.kind = r->series;
	for (k = 0; k < se->np; k++) {
		char a[32];

		p.index = se->pi[k];
		csm_period_format(&p, a);
		x[k] = csm_xstrdup(a);
		p.index = se->pi[k] - se->w;
		csm_period_format(&p, a);
		fx[k] = csm_xstrdup(a);
	}
	if (se->np > 0)
		snprintf(h1, sizeof(h1), "%s to %s", x[0], x[se->np - 1]);
	else
		snprintf(h1, sizeof(h1), "No period has a full window");
	csm_buf_printf(&b, "Trailing revenue retention \302\267 %ld-%s window",
	    se->w, r->series == CSM_MONTH ? "month" : "quarter");
	html_begin(o, r, b.s, h1, "Trailing revenue retention");
	if (se->np > 0) {
		snprintf(when, sizeof(when), "%s, from %s", x[se->np - 1],
		    fx[se->np - 1]);
		html_kpis(o, &se->t[(se->np - 1) * se->ng], when);
	}
	pick = csm_xcalloc(se->norder + 1, sizeof(*pick));
	npick = series_pick(se, pick);
	if (r->ng == 0) {
		csm_out_puts(o, "<h2>NRR and GRR</h2>\n");
		html_series_chart(o, r, se, 0, pick, npick, x);
	} else {
		for (i = 0; i < 2; i++) {
			csm_out_printf(o, "<h2>%s by ", i == 0 ? "NRR" : "GRR");
			csm_html_esc(o, kind.s, kind.len);
			csm_out_puts(o, "</h2>\n");
			html_series_chart(o, r, se, (int)i, pick, npick, x);
		}
		if (npick < se->norder)
			csm_out_printf(o, "<p class=\"note\">The charts show "
			    "the total and the %zu groups with the most ARR "
			    "at the end of their latest period, of %zu; the "
			    "table has them all.</p>\n", npick, se->norder);
	}
	csm_out_puts(o, "<h2>Summary</h2>\n<div class=\"tw\"><table>\n"
	    "<tr><th>");
	csm_html_esc(o, r->ng > 0 ? kind.s : "", r->ng > 0 ? kind.len : 0);
	csm_out_puts(o, "</th><th class=\"n\">Periods</th><th class=\"n\">"
	    "First NRR</th><th class=\"n\">Latest NRR</th><th class=\"n\">"
	    "Change</th><th class=\"n\">Lowest NRR</th><th class=\"n\">"
	    "Highest NRR</th><th class=\"n\">Latest GRR</th>"
	    "<th class=\"n\">Latest ARR end</th></tr>\n");
	for (i = 0; i < se->norder; i++)
		html_series_row(o, r, se, se->order[i]);
	html_series_row(o, r, se, 0);
	csm_out_puts(o, "</table></div>\n");
	csm_out_printf(o, "<h2>Every period, total (each from %ld %ss "
	    "before)</h2>\n", se->w, r->series == CSM_MONTH ? "month" :
	    "quarter");
	html_series_periods(o, se, x);
	html_end(o, html_formulas);
	for (k = 0; k < se->np; k++) {
		free(x[k]);
		free(fx[k]);
	}
	free(x);
	free(fx);
	free(pick);
	csm_buf_release(&b);
	csm_buf_release(&kind);
}

/* An interval's cell: "80.26\342\200\22397.66%", or n/a. */
static void
html_range(struct csm_out *o, const char *lo, const char *hi)
{
	if (lo[0] == '\0' || hi[0] == '\0')
		csm_out_puts(o, "<td class=\"n\">n/a</td>");
	else
		csm_out_printf(o, "<td class=\"n\">%s\342\200\223%s%%</td>", lo,
		    hi);
}

/* The total's four cards: expected GRR and NRR, ARR renewing, churn. */
static void
html_forecast_kpis(struct csm_out *o, const struct frow *x)
{
	struct csm_html_kpi k[4];
	char grr[48], nrr[48], lo[48], hi[48], dg[120], dn[120];
	char ren[32], churn[32], a[32], dr[120], dc[120];

	memset(k, 0, sizeof(k));
	k[0].label = "Expected GRR";
	k[0].value = pct_shown(x->start - x->churn, x->start, grr);
	snprintf(dg, sizeof(dg), "90%% interval %s to %s",
	    pct_shown(x->iv.kept_lo, x->start, lo),
	    pct_shown(x->iv.kept_hi, x->start, hi));
	k[0].detail = dg;
	k[1].label = "Expected NRR";
	k[1].value = pct_shown(x->end, x->start, nrr);
	snprintf(dn, sizeof(dn), "90%% interval %s to %s",
	    pct_shown(x->iv.end_lo, x->start, lo),
	    pct_shown(x->iv.end_hi, x->start, hi));
	k[1].detail = dn;
	k[2].label = "ARR renewing";
	csm_fmt_cents(x->renewing_arr, 1, ren);
	k[2].value = ren;
	csm_fmt_cents(x->start, 1, a);
	snprintf(dr, sizeof(dr), "%ld of %ld accounts, of %s", x->renewing,
	    x->accounts, a);
	k[2].detail = dr;
	k[3].label = "Expected churn";
	csm_fmt_cents(x->churn, 1, churn);
	k[3].value = churn;
	csm_fmt_cents(x->expansion, 1, a);
	snprintf(dc, sizeof(dc), "and %s expansion", a);
	k[3].detail = dc;
	csm_html_kpis(o, k, 4);
}

/*
 * Expected GRR and NRR of the rows (fc->n groups, then the total) as bars,
 * their intervals as whiskers; xl holds the rows' labels.
 */
static void
html_forecast_chart(struct csm_out *o, const struct run *r,
    const struct forecast *fc, char **xl, const struct csm_buf *kind)
{
	struct csm_chart ch;
	struct csm_line ln[2];
	struct csm_span sp[2];
	struct frow x;
	char a[48];
	double *v;
	unsigned char *has;
	size_t i, n = fc->n + 1;

	v = csm_xcalloc(6 * n, sizeof(*v));
	has = csm_xcalloc(2 * n, 1);
	for (i = 0; i < n; i++) {
		forecast_row(r, fc, i < fc->n ? fc->order[i] : 0, &x);
		has[i] = (unsigned char)pct_val(x.start - x.churn, x.start, a,
		    &v[i]);
		has[n + i] = (unsigned char)pct_val(x.end, x.start, a,
		    &v[n + i]);
		(void)pct_val(x.iv.kept_lo, x.start, a, &v[2 * n + i]);
		(void)pct_val(x.iv.kept_hi, x.start, a, &v[3 * n + i]);
		(void)pct_val(x.iv.end_lo, x.start, a, &v[4 * n + i]);
		(void)pct_val(x.iv.end_hi, x.start, a, &v[5 * n + i]);
	}
	memset(&ch, 0, sizeof(ch));
	ln[0].name = "expected GRR";
	ln[0].v = v;
	ln[0].has = has;
	ln[1].name = "expected NRR";
	ln[1].v = v + n;
	ln[1].has = has + n;
	sp[0].lo = v + 2 * n;
	sp[0].hi = v + 3 * n;
	sp[1].lo = v + 4 * n;
	sp[1].hi = v + 5 * n;
	ch.title = "expected GRR and NRR with 90% intervals";
	ch.unit = "%";
	ch.x = (const char *const *)xl;
	ch.n = n;
	ch.line = ln;
	ch.nline = 2;
	ch.bars = 1;
	ch.span = sp;
	ch.ylabel = "retention (%)";
	ch.xlabel = r->ng > 0 ? kind->s : NULL;
	csm_out_puts(o, "<h2>Expected GRR and NRR");
	if (r->ng > 0) {
		csm_out_puts(o, " by ");
		csm_html_esc(o, kind->s, kind->len);
	}
	csm_out_puts(o, ", with 90% intervals</h2>\n<div class=\"chart\">\n");
	csm_svg_chart(o, &ch);
	csm_out_puts(o, "</div>\n");
	free(v);
	free(has);
}

/* The forecast's table: a row per group (labels xl) and the total's. */
static void
html_forecast_table(struct csm_out *o, const struct run *r,
    const struct forecast *fc, char **xl, const struct csm_buf *kind)
{
	static const char *const h[] = {"Renewing accounts", "ARR start",
		"ARR renewing", "Expected churn", "Expected expansion",
		"Expected ARR end", "GRR", "GRR 90% interval", "NRR",
		"NRR 90% interval"};
	struct frow x;
	char a[48], c[48];
	size_t i, k, n = fc->n + 1;
	int64_t m[5];

	csm_out_puts(o, "<h2>The forecast</h2>\n<div class=\"tw\"><table>\n"
	    "<tr><th>");
	csm_html_esc(o, r->ng > 0 ? kind->s : "", r->ng > 0 ? kind->len : 0);
	csm_out_puts(o, "</th>");
	for (i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		csm_out_printf(o, "<th class=\"n\">%s</th>", h[i]);
	csm_out_puts(o, "</tr>\n");
	for (i = 0; i < n; i++) {
		forecast_row(r, fc, i < fc->n ? fc->order[i] : 0, &x);
		csm_out_puts(o, i < fc->n ? "<tr><td>" :
		    "<tr class=\"total\"><td>");
		csm_html_escz(o, xl[i]);
		csm_out_printf(o, "</td><td class=\"n\">%ld of %ld</td>",
		    x.renewing, x.accounts);
		m[0] = x.start;
		m[1] = x.renewing_arr;
		m[2] = x.churn;
		m[3] = x.expansion;
		m[4] = x.end;
		for (k = 0; k < 5; k++) {
			csm_out_puts(o, "<td class=\"n\">");
			html_cents(o, m[k]);
			csm_out_puts(o, "</td>");
		}
		html_pct_cell(o, x.start - x.churn, x.start);
		pct_text(x.iv.kept_lo, x.start, a);
		pct_text(x.iv.kept_hi, x.start, c);
		html_range(o, a, c);
		html_pct_cell(o, x.end, x.start);
		pct_text(x.iv.end_lo, x.start, a);
		pct_text(x.iv.end_hi, x.start, c);
		html_range(o, a, c);
		csm_out_puts(o, "</tr>\n");
	}
	csm_out_puts(o, "</table></div>\n");
}

/*
 * The forecast as a page: the total's cards, expected GRR and NRR per
 * group and the total as bars with their intervals as whiskers, the
 * table, and the model in the footer.
 */
static void
html_forecast(const struct run *r, const struct forecast *fc,
    struct csm_out *o)
{
	struct csm_buf b, kind;
	struct frow x;
	char from[32], to[32], win[80], a[32], **xl;
	size_t i, n = fc->n + 1;

	forecast_window(r, from, to);
	snprintf(win, sizeof(win), "%s to %s", from, to);
	html_begin(o, r, "Revenue forecast", win, "Revenue forecast");
	forecast_row(r, fc, 0, &x);
	html_forecast_kpis(o, &x);
	csm_buf_init(&b);
	csm_buf_init(&kind);
	group_kind(r, &kind);
	xl = csm_xcalloc(n, sizeof(*xl));
	for (i = 0; i < n; i++) {
		group_label(r, i < fc->n ? fc->order[i] : 0, &b);
		xl[i] = csm_xstrdup(b.s);
	}
	html_forecast_chart(o, r, fc, xl, &kind);
	html_forecast_table(o, r, fc, xl, &kind);
	csm_buf_reset(&b);
	csm_fmt_count((size_t)r->draws, a);
	csm_buf_printf(&b, "Each renewal in the window churns, expands or "
	    "renews flat independently of the others, with the probabilities "
	    "of its row; the interval is that of %s draws (seed %lu).  An "
	    "account that does not renew in the window keeps its ARR; "
	    "contraction is not modelled.  Written by csm-nrr.", a, r->seed);
	html_end(o, b.s);
	for (i = 0; i < n; i++)
		free(xl[i]);
	free(xl);
	csm_buf_release(&b);
	csm_buf_release(&kind);
}

/* What the options ask for, from the data read. */
static void
report(struct run *r, struct csm_out *o)
{
	struct series se;
	struct summary su;
	struct forecast fc;

	if (r->forecast) {
		forecast_compute(r, &fc);
		if (r->format == FMT_HTML)
			html_forecast(r, &fc, o);
		else
			print_forecast(r, &fc, o);
		forecast_release(&fc);
	} else if (r->series) {
		series_compute(r, &se);
		if (r->format == FMT_HTML)
			html_series(r, &se, o);
		else
			print_series(r, &se, o);
		series_release(&se);
	} else if (r->accounts)
		print_accounts(r, o);
	else {
		summary_compute(r, &su);
		if (r->format == FMT_HTML)
			html_summary(r, &su, o);
		else
			print_summary(r, &su, o);
		summary_release(&su);
	}
}

/* ---- main -------------------------------------------------------------- */

static void
parse_groups(struct run *r, const char *arg)
{
	size_t i, n;
	char **v = csm_cli_list(usage_text, "-g", arg, &n);

	r->gname = csm_xreallocarray(r->gname, r->ng + n, sizeof(*r->gname));
	for (i = 0; i < n; i++)
		r->gname[r->ng++] = v[i];
	free(v);
}

static void
parse_period_opt(const struct run *r, const char *opt, const char *arg,
    struct csm_period *p)
{
	if (read_period(r, arg, strlen(arg), p) != CSM_OK)
		csm_usage_error(usage_text, "%s: '%s' is not a period "
		    "(%s; years 1900 to 9999)", opt, csm_q(arg, strlen(arg)),
		    period_forms(r));
}

/* Reads --from and --to, which may be dates in the config's date_format. */
static void
resolve_periods(struct run *r)
{
	if (r->fromx)
		parse_period_opt(r, "--from", r->from_arg, &r->from);
	if (r->tox)
		parse_period_opt(r, "--to", r->to_arg, &r->to);
	if (r->fromx && r->tox && (r->from.kind != r->to.kind ||
	    r->from.index >= r->to.index) && !r->series)
		csm_usage_error(usage_text, "--from must be a period before "
		    "--to, of the same kind");
}

/* The options that do not go together, as usage errors. */
static void
check_modes(const struct run *r)
{
	if (r->series && r->accounts)
		csm_usage_error(usage_text, "--series and --accounts do not go "
		    "together");
	if (r->forecast && (r->accounts || r->series || r->merge ||
	    r->fromx || r->tox || r->shape != SHAPE_AUTO))
		csm_usage_error(usage_text, "--forecast reads accounts with "
		    "their renewal dates and prints the window ahead: not with "
		    "--accounts, --series, --merge, --from, --to, --wide or "
		    "--long");
	if (r->merge && (r->accounts || r->series || r->fromx || r->tox ||
	    r->window || r->shape != SHAPE_AUTO))
		csm_usage_error(usage_text, "--merge takes the snapshots from "
		    "its partial outputs and prints their summary: not with "
		    "--accounts, --series, --from, --to, --window, --wide or "
		    "--long");
	if (r->accounts && r->format == FMT_HTML)
		csm_usage_error(usage_text, "--accounts writes rows: -f html is "
		    "for the summary, --series and --forecast");
}

static void
parse_args(struct run *r, struct csm_cli *cli, int *argcp, char ***argvp)
{
	static const struct option longopts[] = {
		CSM_CLI_LONGOPTS,
		{"format", 1, NULL, 'f'},
		{"group", 1, NULL, 'g'},
		{"from", 1, NULL, OPT_FROM},
		{"to", 1, NULL, OPT_TO},
		{"wide", 0, NULL, OPT_WIDE},
		{"long", 0, NULL, OPT_LONG},
		{"accounts", 0, NULL, OPT_ACCOUNTS},
		{"series", 1, NULL, OPT_SERIES},
		{"window", 1, NULL, OPT_WINDOW},
		{"total-label", 1, NULL, OPT_TOTAL_LABEL},
		{"merge", 0, NULL, OPT_MERGE},
		{"forecast", 0, NULL, OPT_FORECAST},
		{"draws", 1, NULL, OPT_DRAWS},
		{"seed", 1, NULL, OPT_SEED},
		{NULL, 0, NULL, 0}
	};
	static const char *const fmt_names[] = {"csv", "tsv", "json",
		"jsonl", "md", "html", NULL};
	static const int fmts[] = {FMT_CSV, FMT_TSV, FMT_JSON, FMT_JSONL,
		FMT_MD, FMT_HTML};
	static const char *const series_words[] = {"month", "quarter", NULL};
	char *end;
	int ch;

	while ((ch = getopt_long(*argcp, *argvp, CSM_CLI_SHORTOPTS "f:g:",
	    longopts, NULL)) != -1) {
		if (csm_cli_opt(cli, ch, optarg))
			continue;
		switch (ch) {
		case 'f':
			r->format = fmts[csm_cli_format(usage_text, optarg,
			    fmt_names)];
			break;
		case 'g':
			parse_groups(r, optarg);
			break;
		case OPT_FROM:
			r->from_arg = optarg;
			r->fromx = 1;
			break;
		case OPT_TO:
			r->to_arg = optarg;
			r->tox = 1;
			break;
		case OPT_WIDE:
			r->shape = SHAPE_WIDE;
			break;
		case OPT_LONG:
			r->shape = SHAPE_LONG;
			break;
		case OPT_ACCOUNTS:
			r->accounts = 1;
			break;
		case OPT_SERIES:
			r->series = csm_cli_word(usage_text, "--series",
			    optarg, series_words) == 0 ? CSM_MONTH :
			    CSM_QUARTER;
			break;
		case OPT_WINDOW:
			r->window = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || r->window < 1 ||
			    r->window > 1200)
				csm_usage_error(usage_text, "--window: '%s' is "
				    "not a whole number from 1 to 1200",
				    csm_q(optarg, strlen(optarg)));
			break;
		case OPT_TOTAL_LABEL:
			r->total_label = optarg;
			break;
		case OPT_MERGE:
			r->merge = 1;
			break;
		case OPT_FORECAST:
			r->forecast = 1;
			break;
		case OPT_DRAWS:
			r->draws = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || r->draws < 100 ||
			    r->draws > 1000000)
				csm_usage_error(usage_text, "--draws: '%s' is "
				    "not a whole number from 100 to 1000000",
				    csm_q(optarg, strlen(optarg)));
			break;
		case OPT_SEED:
			errno = 0;
			r->seed = strtoul(optarg, &end, 10);
			if (end == optarg || *end != '\0' || errno != 0 ||
			    optarg[0] == '-')
				csm_usage_error(usage_text, "--seed: '%s' is "
				    "not a whole number, 0 or more",
				    csm_q(optarg, strlen(optarg)));
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	*argcp -= optind;
	*argvp += optind;
	check_modes(r);
}


/* Whether the header has a column for name (ambiguous counts). */
static int
has_column(const struct csm_cols *cols, const char *name)
{
	struct csm_colmatch m;

	csm_cols_match(cols, name, &m);
	return m.how != CSM_MATCH_NONE;
}

/* Decides the shape, and registers the columns it and -g read. */
static void
register_columns(struct run *r, const struct csm_cols *cols,
    struct csm_colreg *reg)
{
	static const char *const merge_cols[] = {"arr_start", "arr_end",
		"movement", "amount", "start_period", "end_period"};
	size_t i;

	if (r->merge) {
		/* the snapshots' kind comes with the first row */
		r->shape = SHAPE_LONG;
		csm_colreg_add(reg, "account_id", 1, "--merge", NULL);
		for (i = 0; i < sizeof(merge_cols) / sizeof(merge_cols[0]); i++)
			csm_colreg_add(reg, merge_cols[i], 1, "--merge", NULL);
		for (i = 0; i < r->ng; i++)
			csm_colreg_add(reg, r->gname[i], 1, "-g", NULL);
		return;
	}
	if (r->forecast) {
		csm_colreg_add(reg, "account_id", 1, "--forecast", NULL);
		csm_colreg_add(reg, "arr", 1, "--forecast", NULL);
		csm_colreg_add(reg, "renewal_date", 1, "--forecast", NULL);
		csm_colreg_add(reg, "churn_probability", 1, "--forecast",
		    NULL);
		csm_colreg_add(reg, "expansion_probability", 0, "--forecast",
		    "the forecast counts no expansion");
		csm_colreg_add(reg, "expansion_rate", 0, "--forecast", NULL);
		csm_colreg_add(reg, "currency", 0, "nrr.fx", NULL);
		for (i = 0; i < r->ng; i++)
			csm_colreg_add(reg, r->gname[i], 1, "-g", NULL);
		return;
	}
	if (r->shape == SHAPE_AUTO)
		r->shape = has_column(cols, "arr_start") ||
		    has_column(cols, "arr_end") ? SHAPE_WIDE : SHAPE_LONG;
	csm_colreg_add(reg, "account_id", 1, "csm-nrr", NULL);
	if (r->shape == SHAPE_WIDE) {
		csm_colreg_add(reg, "arr_start", 1, "wide input", NULL);
		csm_colreg_add(reg, "arr_end", 1, "wide input", NULL);
	} else {
		csm_colreg_add(reg, "period", 1, "long input", NULL);
		csm_colreg_add(reg, "arr", 1, "long input", NULL);
	}
	csm_colreg_add(reg, "currency", 0, "nrr.fx", NULL);
	for (i = 0; i < r->ng; i++)
		csm_colreg_add(reg, r->gname[i], 1, "-g", NULL);
}

/* The columns of wide or long input. */
static void
setup_input(struct run *r, const struct csm_cols *cols)
{
	r->idcol = csm_cols_need(cols, "account_id", "csm-nrr");
	if (r->shape == SHAPE_WIDE) {
		if (r->fromx || r->tox || r->series)
			csm_usage_error(usage_text, "--from, --to and --series "
			    "need long input (account_id, period, arr)");
		r->startcol = csm_cols_need(cols, "arr_start",
		    "wide input");
		r->endcol = csm_cols_need(cols, "arr_end", "wide input");
	} else {
		r->percol = csm_cols_need(cols, "period", "long input");
		r->arrcol = csm_cols_need(cols, "arr", "long input");
	}
	r->curcol = csm_cols_find(cols, "currency");
}

/* Finds the columns: of the input's shape, or of --merge's partials. */
static void
setup_columns(struct run *r, const struct csm_cols *cols)
{
	size_t i;

	if (r->merge) {
		r->idcol = csm_cols_need(cols, "account_id", "--merge");
		r->startcol = csm_cols_need(cols, "arr_start", "--merge");
		r->endcol = csm_cols_need(cols, "arr_end", "--merge");
		r->mmovcol = csm_cols_need(cols, "movement", "--merge");
		r->mamtcol = csm_cols_need(cols, "amount", "--merge");
		r->mspcol = csm_cols_need(cols, "start_period", "--merge");
		r->mepcol = csm_cols_need(cols, "end_period", "--merge");
		r->curcol = -1;
	} else if (r->forecast) {
		r->idcol = csm_cols_need(cols, "account_id", "--forecast");
		r->arrcol = csm_cols_need(cols, "arr", "--forecast");
		r->rencol = csm_cols_need(cols, "renewal_date", "--forecast");
		r->pcol = csm_cols_need(cols, "churn_probability",
		    "--forecast");
		r->qcol = csm_cols_find(cols, "expansion_probability");
		r->xcol = csm_cols_find(cols, "expansion_rate");
		r->curcol = csm_cols_find(cols, "currency");
	} else
		setup_input(r, cols);
	r->gcol = csm_xcalloc(r->ng + 1, sizeof(*r->gcol));
	for (i = 0; i < r->ng; i++)
		r->gcol[i] = csm_cols_need(cols, r->gname[i], "-g");
}

static void
free_run(struct run *r)
{
	size_t i;

	for (i = 0; i < r->accts.n; i++)
		free(r->acc[i].e);
	free(r->acc);
	csm_map_release(&r->accts, NULL);
	csm_map_release(&r->groups, NULL);
	for (i = 0; i < r->ng; i++)
		free(r->gname[i]);
	free(r->gname);
	free(r->gcol);
	free(r->per);
	free(r->rate);
	csm_buf_release(&r->key);
	free(r->mline);
	free(r->mfile);
	csm_map_release(&r->files, NULL);
	free(r->mstart);
	free(r->mend);
	free(r->mfirst_file);
	free(r->ren);
	free(r->fg);
	csm_map_release(&r->fseen, NULL);
	free(r->fseenfl);
	free(r->facct);
	free(r->nodate.file);
	free(r->overdue.file);
	free(r->noexp.file);
}

int
main(int argc, char *argv[])
{
	struct csm_cli cli;
	struct csm_cfg cfg;
	struct csm_tbl t;
	struct csm_cols cols;
	struct csm_colreg reg;
	struct csm_out o;
	struct run r;

	csm_cli_progname(argv);
	csm_cli_init(&cli);
	memset(&r, 0, sizeof(r));
	r.total_label = "total";
	csm_map_init(&r.accts);
	csm_map_init(&r.groups);
	csm_map_init(&r.files);
	csm_map_init(&r.fseen);
	r.draws = 10000;
	r.seed = 1;
	csm_buf_init(&r.key);
	parse_args(&r, &cli, &argc, &argv);
	csm_cli_done(&cli, usage_text, help_text);

	csm_cli_config(&cli, &cfg);
	load_nrr(&r, &cfg);
	r.date_format = cfg.date_format;
	resolve_periods(&r);
	r.today = cli.today;
	r.fend = add_months(r.today, r.window > 0 ? r.window : 12);

	csm_tbl_open(&t, argv, (size_t)argc, &cli.tbl);
	csm_cols_init(&cols, &t, cfg.columns);
	csm_colreg_init(&reg, &cols);
	register_columns(&r, &cols, &reg);
	if (cli.columns) {
		csm_cli_columns(&reg, t.delim);
		csm_colreg_release(&reg);
		csm_cols_release(&cols);
		csm_tbl_close(&t);
		free_run(&r);
		csm_cfg_release(&cfg);
		return EX_OK;
	}
	csm_colreg_check(&reg);
	csm_out_init(&o, 1, "<stdout>", ',');
	setup_columns(&r, &cols);
	if (!cli.quiet)
		csm_colreg_warn(&reg);
	csm_colreg_release(&reg);
	if (r.format == FMT_DEFAULT)
		r.format = t.delim == '\t' ? FMT_TSV : FMT_CSV;
	o.delim = r.format == FMT_TSV ? '\t' : ',';
	if (r.forecast) {
		read_forecast(&r, &t, &cols, cfg.badval);
		forecast_warn(&r);
	} else if (r.merge)
		read_merge(&r, &t, &cols);
	else if (r.shape == SHAPE_WIDE)
		read_wide(&r, &t, &cols, cfg.badval);
	else
		read_long(&r, &t, &cols, cfg.badval);

	report(&r, &o);

	csm_out_close(&o);
	csm_cols_release(&cols);
	csm_tbl_close(&t);
	free_run(&r);
	csm_cfg_release(&cfg);
	return EX_OK;
}

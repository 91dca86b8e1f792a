/*
 * cfg.c: the config.  The built-in default (common/default.yaml, compiled
 * in) with the user's file put over it, key by key: a key that a user's
 * section omits keeps the default's value, a key it gives (a list of
 * components, signals or metrics included) replaces the default's whole,
 * and columns: entries merge.  The effective tree is checked against the
 * schema of every section, every expression compiled and every number
 * range-checked, before a tool reads any data; errors name
 * file:line:column.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "csm.h"

enum ftype {
	F_MAP = 1,	/* sub: struct field[] */
	F_LIST,		/* a list of maps, sub: struct field[] */
	F_NAME,		/* a non-empty string */
	F_STR,		/* any string */
	F_NUM,		/* a number; 25% is 0.25 */
	F_INT,		/* a whole number from 0 to 9 */
	F_EXPR,		/* an expression of any type */
	F_NUMEXPR,	/* an expression giving a number */
	F_BOOLEXPR,	/* an expression giving a condition */
	F_TMPL,		/* text with {expression|format} parts */
	F_ENUM,		/* sub: NULL-terminated list of words */
	F_NAMES,	/* a list of names */
	F_PAIRS,	/* a list of [x, score] pairs, x increasing */
	F_NUMDICT,	/* a map of names to numbers */
	F_STRDICT,	/* a map of names to strings */
	F_BANDS,	/* a list of {name, min}, min decreasing */
	F_MAPOF,	/* a map of names to maps, sub: struct field[] */
	F_REASON	/* a template, or a list of {when, text} cases */
};

#define REQ 1		/* the key must be there */
#define NONNEG 2	/* a number that is not negative */
#define NONEMPTY 4	/* a list with at least one item */
#define POS 8		/* a number above zero */
#define SUB 16		/* a sub-score, from 0 to 100 */
#define SHARE 32	/* a share, from 0 to 1 */
#define POINTS 64	/* signal points, from -100 to 100 */

struct field {
	const char *key;
	int type;
	const void *sub;
	int flags;
	const char *what;	/* how messages name an item of a list */
};

static const char *const missing_words[] = {"renormalize", "zero", "fail",
	NULL};
static const char *const badval_words[] = {"fail", "missing", NULL};
static const char *const format_words[] = {"number", "percent", "money",
	"days", NULL};
static const char *const better_words[] = {"higher", "lower", NULL};
static const char *const bool_words[] = {"true", "false", NULL};
static const char *const page_words[] = {"a4", "letter", NULL};

static const struct field component[] = {
	{"name", F_NAME, NULL, REQ, NULL},
	{"weight", F_NUM, NULL, REQ | NONNEG, NULL},
	{"value", F_EXPR, NULL, REQ, NULL},
	{"points", F_PAIRS, NULL, SUB, NULL},
	{"steps", F_PAIRS, NULL, SUB, NULL},
	{"map", F_NUMDICT, NULL, SUB, NULL},
	{"default", F_NUM, NULL, SUB, NULL},
	{"label", F_STR, NULL, 0, NULL},
	{NULL, 0, NULL, 0, NULL}
};

/* A segment's scorecard: its own components, or the default's
 * reweighted; its own bands, or the section's. */
static const struct field segment[] = {
	{"components", F_LIST, component, NONEMPTY, "component"},
	{"weights", F_NUMDICT, NULL, NONNEG, NULL},
	{"bands", F_BANDS, NULL, NONEMPTY, "band"},
	{NULL, 0, NULL, 0, NULL}
};

static const struct field score[] = {
	{"missing", F_ENUM, missing_words, 0, NULL},
	{"precision", F_INT, NULL, 0, NULL},
	{"min_weight", F_NUM, NULL, SHARE, NULL},
	{"bands", F_BANDS, NULL, REQ | NONEMPTY, "band"},
	{"components", F_LIST, component, REQ | NONEMPTY, "component"},
	{"calibration", F_PAIRS, NULL, 0, NULL},
	{"segment_column", F_NAME, NULL, 0, NULL},
	{"segments", F_MAPOF, segment, 0, "segment"},
	{NULL, 0, NULL, 0, NULL}
};

/* A case of a reason: its text when its condition holds (none: always). */
static const struct field reason_case[] = {
	{"when", F_BOOLEXPR, NULL, 0, NULL},
	{"text", F_TMPL, NULL, REQ, NULL},
	{NULL, 0, NULL, 0, NULL}
};

static const struct field signal[] = {
	{"name", F_NAME, NULL, REQ, NULL},
	{"when", F_BOOLEXPR, NULL, REQ, NULL},
	{"points", F_NUM, NULL, REQ | POINTS, NULL},
	{"reason", F_REASON, reason_case, 0, "reason case"},
	{"optional", F_ENUM, bool_words, 0, NULL},
	{NULL, 0, NULL, 0, NULL}
};

static const struct field pattern[] = {
	{"name", F_NAME, NULL, REQ, NULL},
	{"all", F_NAMES, NULL, REQ | NONEMPTY, NULL},
	{"tier", F_NAME, NULL, 0, NULL},
	{"points", F_NUM, NULL, POINTS, NULL},
	{"reason", F_REASON, reason_case, 0, "reason case"},
	{NULL, 0, NULL, 0, NULL}
};

/* The weekly report of csm-risk -f md|html. */
static const struct field risk_report[] = {
	{"at_risk", F_NAME, NULL, 0, NULL},
	{"currency", F_NAME, NULL, 0, NULL},
	{NULL, 0, NULL, 0, NULL}
};

static const struct field risk[] = {
	{"tiers", F_BANDS, NULL, REQ | NONEMPTY, "tier"},
	{"signals", F_LIST, signal, REQ | NONEMPTY, "signal"},
	{"patterns", F_LIST, pattern, 0, "pattern"},
	{"report", F_MAP, risk_report, 0, NULL},
	{NULL, 0, NULL, 0, NULL}
};

/* The expansion report of csm-expand -f md|html; value: the ARR an
 * account could add. */
static const struct field expansion_report[] = {
	{"opportunity", F_NAME, NULL, 0, NULL},
	{"currency", F_NAME, NULL, 0, NULL},
	{"value", F_NUMEXPR, NULL, 0, NULL},
	{NULL, 0, NULL, 0, NULL}
};

static const struct field expansion[] = {
	{"tiers", F_BANDS, NULL, REQ | NONEMPTY, "tier"},
	{"signals", F_LIST, signal, REQ | NONEMPTY, "signal"},
	{"patterns", F_LIST, pattern, 0, "pattern"},
	{"report", F_MAP, expansion_report, 0, NULL},
	{NULL, 0, NULL, 0, NULL}
};

static const struct field nrr_forecast[] = {
	{"expansion_rate", F_NUM, NULL, NONNEG, NULL},
	{NULL, 0, NULL, 0, NULL}
};

static const struct field nrr[] = {
	{"fx", F_NUMDICT, NULL, POS, NULL},
	{"base_currency", F_NAME, NULL, 0, NULL},
	{"forecast", F_MAP, nrr_forecast, 0, NULL},
	{NULL, 0, NULL, 0, NULL}
};

static const struct field metric[] = {
	{"name", F_NAME, NULL, REQ, NULL},
	{"label", F_STR, NULL, 0, NULL},
	{"value", F_NUMEXPR, NULL, REQ, NULL},
	{"format", F_ENUM, format_words, 0, NULL},
	{"better", F_ENUM, better_words, 0, NULL},
	{"target", F_NUMEXPR, NULL, 0, NULL},
	{"focus", F_TMPL, NULL, 0, NULL},
	{"internal", F_ENUM, bool_words, 0, NULL},
	{NULL, 0, NULL, 0, NULL}
};

static const struct field value_item[] = {
	{"label", F_NAME, NULL, REQ, NULL},
	{"value", F_NUMEXPR, NULL, REQ, NULL},
	{"note", F_TMPL, NULL, 0, NULL},
	{NULL, 0, NULL, 0, NULL}
};

static const struct field qbr_value[] = {
	{"items", F_LIST, value_item, REQ | NONEMPTY, "value item"},
	{"cost", F_NUMEXPR, NULL, 0, NULL},
	{NULL, 0, NULL, 0, NULL}
};

static const struct field qbr[] = {
	{"metrics", F_LIST, metric, REQ | NONEMPTY, "metric"},
	{"value", F_MAP, qbr_value, 0, NULL},
	{"highlight_change", F_NUM, NULL, NONNEG, NULL},
	{"currency", F_NAME, NULL, 0, NULL},
	{"page", F_ENUM, page_words, 0, NULL},
	{NULL, 0, NULL, 0, NULL}
};

static const struct field top[] = {
	{"columns", F_STRDICT, NULL, 0, NULL},
	{"date_format", F_NAME, NULL, 0, NULL},
	{"bad_values", F_ENUM, badval_words, 0, NULL},
	{"currency", F_NAME, NULL, 0, NULL},
	{"score", F_MAP, score, 0, NULL},
	{"risk", F_MAP, risk, 0, NULL},
	{"expansion", F_MAP, expansion, 0, NULL},
	{"nrr", F_MAP, nrr, 0, NULL},
	{"qbr", F_MAP, qbr, 0, NULL},
	{NULL, 0, NULL, 0, NULL}
};

void
csm_cfg_die(const struct csm_node *nd, const char *fmt, ...)
{
	char at[1024];
	va_list ap;

	snprintf(at, sizeof(at), "%s:%ld:%ld", nd->file, nd->line, nd->col);
	va_start(ap, fmt);
	csm_vmsg(at, 0, fmt, ap);
	va_end(ap);
	csm_exit(EX_CONFIG);
	exit(EX_CONFIG);
}

static const char *
kind_name(int kind)
{
	return kind == CSM_N_MAP ? "a map" : kind == CSM_N_SEQ ? "a list" :
	    "a scalar";
}

static void
want_kind(const struct csm_node *nd, int kind, const char *key)
{
	if (nd->kind != kind)
		csm_cfg_die(nd, "'%s' must be %s, not %s", key,
		    kind_name(kind), kind_name(nd->kind));
}

double
csm_cfg_num(const struct csm_node *nd)
{
	double d;

	if (nd->kind != CSM_N_SCALAR ||
	    csm_parse_num(nd->str, nd->len, &d) != CSM_OK)
		csm_cfg_die(nd, "'%s' is not a number",
		    nd->kind == CSM_N_SCALAR ? nd->str : kind_name(nd->kind));
	return d;
}

static void
check_num(const struct csm_node *nd, const char *key, int flags)
{
	double d;

	if (nd->kind != CSM_N_SCALAR ||
	    csm_parse_num(nd->str, nd->len, &d) != CSM_OK)
		csm_cfg_die(nd, "'%s' must be a number, not %s%s%s", key,
		    nd->kind == CSM_N_SCALAR ? "'" : "",
		    nd->kind == CSM_N_SCALAR ? nd->str : kind_name(nd->kind),
		    nd->kind == CSM_N_SCALAR ? "'" : "");
	if ((flags & NONNEG) && d < 0)
		csm_cfg_die(nd, "'%s' must not be negative, not %s", key,
		    nd->str);
	if ((flags & POS) && d <= 0)
		csm_cfg_die(nd, "'%s' must be above zero, not %s", key,
		    nd->str);
	if ((flags & SUB) && (d < 0 || d > 100))
		csm_cfg_die(nd, "'%s': a score must be from 0 to 100, not %s",
		    key, nd->str);
	if ((flags & SHARE) && (d < 0 || d > 1))
		csm_cfg_die(nd, "'%s' must be a share from 0 to 1 (or 0%% to "
		    "100%%), not %s", key, nd->str);
	if ((flags & POINTS) && (d < -100 || d > 100))
		csm_cfg_die(nd, "'%s' must be from -100 to 100 (a score is 0 "
		    "to 100), not %s", key, nd->str);
}

/* The column inside a scalar's text where the expression's col points. */
static void
expr_die(const struct csm_node *nd, const struct csm_experr *err, size_t off)
{
	struct csm_node at = *nd;

	at.col = nd->col + (nd->quoted ? 1 : 0) + (long)off +
	    (long)(err->col ? err->col - 1 : 0);
	csm_cfg_die(&at, "%s, in expression '%s'", err->msg,
	    csm_q(nd->str, nd->len));
}

struct csm_expr *
csm_cfg_expr_as(const struct csm_node *nd, int type)
{
	struct csm_experr err;
	struct csm_expr *e;

	e = csm_expr_compile(nd->str, nd->len, &err);
	if (e == NULL)
		expr_die(nd, &err, 0);
	if (type != CSM_T_MISSING && csm_expr_want(e, type, &err) != 0) {
		csm_expr_free(e);
		expr_die(nd, &err, 0);
	}
	return e;
}

struct csm_expr *
csm_cfg_expr(const struct csm_node *nd)
{
	return csm_cfg_expr_as(nd, CSM_T_MISSING);
}

struct unknown {
	const struct csm_cols *cols;
	const char *name;	/* the first column the header lacks */
};

static void
find_unknown(void *ctx, const char *name)
{
	struct unknown *u = ctx;

	if (u->name == NULL && csm_cols_find(u->cols, name) < 0 &&
	    !csm_col_optional(name))
		u->name = name;
}

void
csm_cfg_bind(struct csm_expr *e, const struct csm_node *nd,
    const struct csm_cols *c)
{
	struct csm_experr err;
	struct unknown u = {c, NULL};
	struct csm_buf b;
	const char *near;

	if (csm_expr_bind(e, c, &err) == 0)
		return;
	csm_expr_columns(e, find_unknown, &u);
	csm_buf_init(&b);
	if (u.name != NULL) {
		csm_buf_printf(&b, "no column '%s'", csm_q(u.name,
		    strlen(u.name)));
		if ((near = csm_cols_suggest(c, u.name)) != NULL)
			csm_buf_printf(&b, ", did you mean '%s'?",
			    csm_q(near, strlen(near)));
	} else
		csm_buf_adds(&b, err.msg);
	csm_buf_printf(&b, " (needed by '%s' at %s:%ld:%ld); the columns "
	    "are: ", csm_q(nd->str, nd->len), nd->file, nd->line, nd->col +
	    (nd->quoted ? 1 : 0) + (long)(err.col ? err.col - 1 : 0));
	csm_cols_list(c, &b);
	csm_die_at(EX_DATAERR, c->file, 0, "%s", b.s);
}

static const char *const tmpl_formats[] = {"pct", "money", "days", "int",
	"num", NULL};

/* Checks the {expression|format} parts of a template. */
static void
check_tmpl(const struct csm_node *nd)
{
	const char *s = nd->str, *open, *close, *bar;
	struct csm_experr err;
	struct csm_expr *e;
	size_t i, n;

	while ((open = strchr(s, '{')) != NULL) {
		close = strchr(open, '}');
		if (close == NULL) {
			err.col = (size_t)(open - nd->str) + 1;
			snprintf(err.msg, sizeof(err.msg), "'{' is not closed");
			expr_die(nd, &err, 0);
		}
		n = (size_t)(close - open - 1);
		bar = memchr(open + 1, '|', n);
		if (bar != NULL) {
			size_t fl = (size_t)(close - bar - 1);

			for (i = 0; tmpl_formats[i] != NULL; i++)
				if (strlen(tmpl_formats[i]) == fl &&
				    memcmp(tmpl_formats[i], bar + 1, fl) == 0)
					break;
			if (tmpl_formats[i] == NULL) {
				err.col = (size_t)(bar - nd->str) + 2;
				snprintf(err.msg, sizeof(err.msg), "unknown "
				    "format '%.*s', use pct, money, days, int "
				    "or num", (int)fl, bar + 1);
				expr_die(nd, &err, 0);
			}
			n = (size_t)(bar - open - 1);
		}
		e = csm_expr_compile(open + 1, n, &err);
		if (e == NULL)
			expr_die(nd, &err, (size_t)(open - nd->str) + 1);
		csm_expr_free(e);
		s = close + 1;
	}
}

static void check_map(const struct csm_node *nd, const struct field *schema,
    const char *what);

static void
check_pairs(const struct csm_node *nd, const char *key, int flags)
{
	double prev = 0, x;
	size_t i;

	want_kind(nd, CSM_N_SEQ, key);
	if (nd->n == 0)
		csm_cfg_die(nd, "'%s' must list at least one [x, score] pair",
		    key);
	for (i = 0; i < nd->n; i++) {
		const struct csm_node *p = nd->kid[i];

		if (p->kind != CSM_N_SEQ || p->n != 2)
			csm_cfg_die(p, "'%s' items must be [x, score] pairs",
			    key);
		check_num(p->kid[0], key, 0);
		check_num(p->kid[1], key, flags);
		x = csm_cfg_num(p->kid[0]);
		if (i > 0 && x <= prev)
			csm_cfg_die(p->kid[0], "'%s': x must increase from "
			    "pair to pair, but %s follows %g", key,
			    p->kid[0]->str, prev);
		prev = x;
	}
}

static void
check_bands(const struct csm_node *nd, const char *key, const char *what)
{
	double prev = 0, min;
	size_t i, j;

	want_kind(nd, CSM_N_SEQ, key);
	for (i = 0; i < nd->n; i++) {
		const struct csm_node *b = nd->kid[i];
		static const struct field band[] = {
			{"name", F_NAME, NULL, REQ, NULL},
			{"min", F_NUM, NULL, REQ, NULL},
			{NULL, 0, NULL, 0, NULL}
		};

		check_map(b, band, what);
		min = csm_cfg_num(csm_node_get(b, "min"));
		if (i > 0 && min >= prev)
			csm_cfg_die(csm_node_get(b, "min"), "%ss are listed "
			    "highest first, but min %g follows %g", what, min,
			    prev);
		prev = min;
		for (j = 0; j < i; j++)
			if (strcasecmp(csm_node_get(nd->kid[j], "name")->str,
			    csm_node_get(b, "name")->str) == 0)
				csm_cfg_die(csm_node_get(b, "name"),
				    "duplicate %s name '%s' (names are typed "
				    "on the command line, where case does not "
				    "count)", what,
				    csm_node_get(b, "name")->str);
	}
}

static void
check_dict(const struct csm_node *nd, const char *key, int type, int flags)
{
	size_t i;

	want_kind(nd, CSM_N_MAP, key);
	for (i = 1; i < nd->n; i += 2) {
		if (type == F_NUMDICT)
			check_num(nd->kid[i], nd->kid[i - 1]->str, flags);
		else if (nd->kid[i]->kind != CSM_N_SCALAR ||
		    nd->kid[i]->len == 0)
			csm_cfg_die(nd->kid[i], "'%s' must be a header name",
			    nd->kid[i - 1]->str);
	}
}

/*
 * A reason: a template, or a list of cases, each a text with a condition
 * but the last, which may go without (then it is the otherwise).
 */
static void
check_reason(const struct csm_node *nd, const struct field *f)
{
	size_t i;

	if (nd->kind == CSM_N_SCALAR) {
		check_tmpl(nd);
		return;
	}
	if (nd->kind != CSM_N_SEQ)
		csm_cfg_die(nd, "'%s' must be a template or a list of {when, "
		    "text} cases, not %s", f->key, kind_name(nd->kind));
	if (nd->n == 0)
		csm_cfg_die(nd, "'%s' must not be empty", f->key);
	for (i = 0; i < nd->n; i++) {
		check_map(nd->kid[i], f->sub, f->what);
		if (i + 1 < nd->n && csm_node_get(nd->kid[i], "when") == NULL)
			csm_cfg_die(nd->kid[i], "a reason case without 'when' "
			    "holds always: it must come last, as the cases "
			    "after it are never used");
	}
}

static void
check_value(const struct csm_node *nd, const struct field *f)
{
	const char *const *w;
	struct csm_expr *e;
	size_t i;
	double d;

	switch (f->type) {
	case F_MAP:
		check_map(nd, f->sub, f->key);
		break;
	case F_LIST:
		want_kind(nd, CSM_N_SEQ, f->key);
		if ((f->flags & NONEMPTY) && nd->n == 0)
			csm_cfg_die(nd, "'%s' must not be empty", f->key);
		for (i = 0; i < nd->n; i++)
			check_map(nd->kid[i], f->sub, f->what);
		break;
	case F_NAME:
	case F_STR:
		want_kind(nd, CSM_N_SCALAR, f->key);
		if (f->type == F_NAME && nd->len == 0)
			csm_cfg_die(nd, "'%s' must not be empty", f->key);
		break;
	case F_NUM:
		check_num(nd, f->key, f->flags);
		break;
	case F_INT:
		check_num(nd, f->key, NONNEG);
		d = csm_cfg_num(nd);
		if (d != (int)d || d > 9)
			csm_cfg_die(nd, "'%s' must be a whole number from 0 "
			    "to 9, not %s", f->key, nd->str);
		break;
	case F_EXPR:
	case F_NUMEXPR:
	case F_BOOLEXPR:
		want_kind(nd, CSM_N_SCALAR, f->key);
		e = csm_cfg_expr_as(nd, f->type == F_NUMEXPR ? CSM_T_NUM :
		    f->type == F_BOOLEXPR ? CSM_T_BOOL : CSM_T_MISSING);
		csm_expr_free(e);
		break;
	case F_TMPL:
		want_kind(nd, CSM_N_SCALAR, f->key);
		check_tmpl(nd);
		break;
	case F_ENUM:
		want_kind(nd, CSM_N_SCALAR, f->key);
		for (w = f->sub; *w != NULL; w++)
			if (strcmp(*w, nd->str) == 0)
				return;
		{
			/* On the stack: nothing may be left allocated. */
			char list[128];
			size_t len = 0;

			list[0] = '\0';
			for (w = f->sub; *w != NULL && len < sizeof(list); w++)
				len += (size_t)snprintf(list + len,
				    sizeof(list) - len, "%s%s", w == f->sub ?
				    "" : w[1] == NULL ? " or " : ", ", *w);
			csm_cfg_die(nd, "'%s' must be %s, not '%s'", f->key,
			    list, nd->str);
		}
	case F_NAMES:
		want_kind(nd, CSM_N_SEQ, f->key);
		if ((f->flags & NONEMPTY) && nd->n == 0)
			csm_cfg_die(nd, "'%s' must not be empty", f->key);
		for (i = 0; i < nd->n; i++)
			if (nd->kid[i]->kind != CSM_N_SCALAR ||
			    nd->kid[i]->len == 0)
				csm_cfg_die(nd->kid[i], "'%s' must list names",
				    f->key);
		break;
	case F_PAIRS:
		check_pairs(nd, f->key, f->flags);
		break;
	case F_NUMDICT:
	case F_STRDICT:
		check_dict(nd, f->key, f->type, f->flags);
		break;
	case F_BANDS:
		check_bands(nd, f->key, f->what);
		if ((f->flags & NONEMPTY) && nd->n == 0)
			csm_cfg_die(nd, "'%s' must not be empty", f->key);
		break;
	case F_MAPOF:
		want_kind(nd, CSM_N_MAP, f->key);
		for (i = 0; i < nd->n; i += 2) {
			char what[256];

			snprintf(what, sizeof(what), "%s '%s'", f->what,
			    csm_q(nd->kid[i]->str, nd->kid[i]->len));
			check_map(nd->kid[i + 1], f->sub, what);
		}
		break;
	case F_REASON:
		check_reason(nd, f);
		break;
	}
}

static void
unknown_key(const struct csm_node *key, const struct field *schema,
    const char *what)
{
	const struct field *f, *best = NULL;
	size_t d, bestd = (size_t)-1;

	for (f = schema; f->key != NULL; f++) {
		d = csm_editdist(key->str, f->key);
		if (d < bestd) {
			bestd = d;
			best = f;
		}
	}
	if (best != NULL && (bestd <= 2 || bestd <= strlen(key->str) / 3))
		csm_cfg_die(key, "unknown key '%s' in %s, did you mean '%s'?",
		    key->str, what, best->key);
	csm_cfg_die(key, "unknown key '%s' in %s", key->str, what);
}

/* Whether an unquoted expression opens more parentheses than it closes. */
static int
unbalanced(const char *s)
{
	int depth = 0;
	char q = 0;

	for (; *s != '\0'; s++) {
		if (q != 0) {
			if (*s == q)
				q = 0;
		} else if (*s == '\'' || *s == '"' || *s == '`')
			q = *s;
		else if (*s == '(')
			depth++;
		else if (*s == ')')
			depth--;
	}
	return depth > 0;
}

/*
 * In a YAML flow mapping ({value: ratio(a, b)}) a comma ends a plain
 * value: the expression arrives cut short, and the rest as keys without
 * values.  Says so, with the expression put back together and quoted.
 */
static void
flow_cut(const struct csm_node *map, size_t i)
{
	const struct csm_node *v = map->kid[i + 1];
	struct csm_buf whole, q;
	char msg[2048];
	size_t j, k, n;

	csm_buf_init(&whole);
	csm_buf_init(&q);
	csm_buf_add(&whole, v->str, v->len);
	for (j = i + 2; j < map->n && unbalanced(whole.s); j += 2) {
		if (map->kid[j + 1]->kind != CSM_N_SCALAR ||
		    map->kid[j + 1]->len != 0 || map->kid[j]->quoted)
			break;
		csm_buf_adds(&whole, ", ");
		csm_buf_add(&whole, map->kid[j]->str, map->kid[j]->len);
	}
	if (unbalanced(whole.s)) {
		csm_buf_reset(&whole);
		csm_buf_add(&whole, v->str, v->len);
		csm_buf_adds(&whole, ", ...");
	}
	csm_buf_addc(&q, '"');
	for (k = 0; k < whole.len; k++) {
		if (whole.s[k] == '"' || whole.s[k] == '\\')
			csm_buf_addc(&q, '\\');
		csm_buf_addc(&q, whole.s[k]);
	}
	csm_buf_addc(&q, '"');
	csm_buf_release(&whole);
	n = (size_t)snprintf(msg, sizeof(msg), "'%s' is cut short: in a YAML "
	    "flow mapping {...} a comma ends the value; quote the expression",
	    csm_q(v->str, v->len));
	if (q.len <= 2 * CSM_QMAX && n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, ": %s: %s",
		    csm_q(map->kid[i]->str, map->kid[i]->len), q.s);
	csm_buf_release(&q);
	csm_cfg_die(v, "%s", msg);
}

/* partial: the user's section, whose omitted keys come from the default. */
static void
check_map_as(const struct csm_node *nd, const struct field *schema,
    const char *what, int partial)
{
	const struct field *f;
	size_t i;

	if (nd->kind != CSM_N_MAP)
		csm_cfg_die(nd, "%s must be a map, not %s", what,
		    kind_name(nd->kind));
	for (i = 0; i < nd->n; i += 2) {
		for (f = schema; f->key != NULL; f++)
			if (strcmp(f->key, nd->kid[i]->str) == 0)
				break;
		if (f->key == NULL)
			unknown_key(nd->kid[i], schema, what);
		if (nd->flow && (f->type == F_EXPR || f->type == F_NUMEXPR ||
		    f->type == F_BOOLEXPR) &&
		    nd->kid[i + 1]->kind == CSM_N_SCALAR &&
		    !nd->kid[i + 1]->quoted && unbalanced(nd->kid[i + 1]->str))
			flow_cut(nd, i);
		check_value(nd->kid[i + 1], f);
	}
	for (f = schema; f->key != NULL && !partial; f++)
		if ((f->flags & REQ) && csm_node_get(nd, f->key) == NULL)
			csm_cfg_die(nd, "%s has no '%s'", what, f->key);
}

static void
check_map(const struct csm_node *nd, const struct field *schema,
    const char *what)
{
	check_map_as(nd, schema, what, 0);
}

/* The user's file: each section may leave out what the default gives. */
static void
check_user(const struct csm_node *root)
{
	const struct field *f;
	size_t i;

	for (i = 0; i < root->n; i += 2) {
		for (f = top; f->key != NULL; f++)
			if (strcmp(f->key, root->kid[i]->str) == 0)
				break;
		if (f->key == NULL)
			unknown_key(root->kid[i], top, "the config");
		if (f->type == F_MAP)
			check_map_as(root->kid[i + 1], f->sub, f->key, 1);
		else
			check_value(root->kid[i + 1], f);
	}
}

/* Names in a list of maps must be unique; returns the index or -1. */
static long
find_name(const struct csm_node *list, const char *name, size_t upto)
{
	size_t i;

	for (i = 0; list != NULL && i < upto && i < list->n; i++)
		if (strcmp(csm_node_get(list->kid[i], "name")->str, name) == 0)
			return (long)i;
	return -1;
}

static void
check_unique(const struct csm_node *list, const char *what)
{
	size_t i;

	for (i = 0; list != NULL && i < list->n; i++) {
		const struct csm_node *nm = csm_node_get(list->kid[i], "name");

		if (find_name(list, nm->str, i) >= 0)
			csm_cfg_die(nm, "duplicate %s name '%s'", what,
			    nm->str);
	}
}

/* A name that goes into a ';'-separated list (health_missing,
 * risk_signals) must not hold a ';'. */
static void
check_listable(const struct csm_node *list, const char *what,
    const char *where)
{
	size_t i;

	for (i = 0; list != NULL && i < list->n; i++) {
		const struct csm_node *nm = csm_node_get(list->kid[i], "name");

		if (strchr(nm->str, ';') != NULL)
			csm_cfg_die(nm, "%s name '%s' holds a ';', which "
			    "separates the names in %s", what, nm->str, where);
	}
}

/*
 * The suffixes of csm-score's own columns: a component of one of these
 * names would make --explain write two columns of one name (health_score
 * twice).  Names are compared normalised, as the tools read headers.
 */
static const char *const reserved_components[] = {"score", "band",
	"missing", "prev", "change", "override", "scorecard", NULL};

static void
check_component_names(const struct csm_node *comps)
{
	struct csm_buf a, b;
	size_t i, j, k;

	csm_buf_init(&a);
	csm_buf_init(&b);
	for (i = 0; i < comps->n; i++) {
		const struct csm_node *nm = csm_node_get(comps->kid[i], "name");

		csm_col_norm(nm->str, nm->len, &a);
		for (k = 0; reserved_components[k] != NULL; k++)
			if (strcmp(a.s, reserved_components[k]) == 0) {
				csm_buf_release(&a);
				csm_buf_release(&b);
				csm_cfg_die(nm, "component name '%s' is "
				    "reserved: --explain would write its "
				    "sub-score as health_%s, which is "
				    "csm-score's own column", nm->str,
				    reserved_components[k]);
			}
		for (j = 0; j < i; j++) {
			const struct csm_node *o = csm_node_get(comps->kid[j],
			    "name");

			csm_col_norm(o->str, o->len, &b);
			if (strcmp(a.s, b.s) == 0) {
				char col[128];

				snprintf(col, sizeof(col), "%s", a.s);
				csm_buf_release(&a);
				csm_buf_release(&b);
				csm_cfg_die(nm, "component names '%s' and '%s' "
				    "would make two columns that read as one "
				    "(health_%s)", o->str, nm->str, col);
			}
		}
	}
	csm_buf_release(&a);
	csm_buf_release(&b);
}

/*
 * Band names: "unscored" is the band of a row without a score, and a '>'
 * would make --previous's band_change (yellow>red) read two ways.
 */
static void
check_bands_reserved(const struct csm_node *bands)
{
	size_t i;

	for (i = 0; i < bands->n; i++) {
		const struct csm_node *nm = csm_node_get(bands->kid[i], "name");

		if (strcasecmp(nm->str, CSM_UNSCORED) == 0)
			csm_cfg_die(nm, "'%s' is the band of a row with too "
			    "little data to score and cannot be listed",
			    nm->str);
		if (strchr(nm->str, '>') != NULL)
			csm_cfg_die(nm, "band name '%s' holds a '>', which "
			    "separates the bands in band_change (yellow>red)",
			    nm->str);
	}
}

/* Weights are relative: they must add up to more than 0, and stay finite
 * when summed and multiplied by a sub-score. */
static void
check_weight_sum(const struct csm_node *at, double sum)
{
	if (sum <= 0)
		csm_cfg_die(at, "the component weights add up to 0");
	if (!isfinite(sum * 100))
		csm_cfg_die(at, "the component weights are too large (they "
		    "add up to %g): weights are relative, use smaller ones",
		    sum);
}

/* The rules the schema cannot say: one mapping per component, and so on. */
static void
check_components(const struct csm_node *comps)
{
	double sum = 0;
	size_t i;

	check_unique(comps, "component");
	check_component_names(comps);
	check_listable(comps, "component", "health_missing");
	for (i = 0; i < comps->n; i++) {
		const struct csm_node *c = comps->kid[i];
		int kinds = (csm_node_get(c, "points") != NULL) +
		    (csm_node_get(c, "steps") != NULL) +
		    (csm_node_get(c, "map") != NULL);

		if (kinds > 1)
			csm_cfg_die(c, "component '%s' has more than one of "
			    "points, steps and map",
			    csm_node_get(c, "name")->str);
		if (csm_node_get(c, "map") == NULL)
			csm_expr_free(csm_cfg_expr_as(csm_node_get(c, "value"),
			    CSM_T_NUM));
		if (csm_node_get(c, "default") != NULL &&
		    csm_node_get(c, "map") == NULL)
			csm_cfg_die(csm_node_get(c, "default"), "'default' "
			    "goes with 'map'");
		sum += csm_cfg_num(csm_node_get(c, "weight"));
	}
	check_weight_sum(comps, sum);
}

/*
 * A segment's weights: each names a component of the default scorecard,
 * whose weight it replaces; the others keep theirs.
 */
static void
check_reweights(const struct csm_node *w, const struct csm_node *comps)
{
	const struct csm_node *best;
	double sum = 0;
	size_t i, j, d, bestd;

	for (i = 0; i < w->n; i += 2) {
		const struct csm_node *k = w->kid[i];

		if (find_name(comps, k->str, comps->n) >= 0)
			continue;
		best = NULL;
		bestd = (size_t)-1;
		for (j = 0; j < comps->n; j++) {
			const struct csm_node *nm = csm_node_get(comps->kid[j],
			    "name");

			if ((d = csm_editdist(k->str, nm->str)) < bestd) {
				bestd = d;
				best = nm;
			}
		}
		if (best != NULL && (bestd <= 2 || bestd <= k->len / 3))
			csm_cfg_die(k, "'weights': '%s' is not a component of "
			    "the default scorecard, did you mean '%s'?",
			    k->str, best->str);
		csm_cfg_die(k, "'weights': '%s' is not a component of the "
		    "default scorecard", k->str);
	}
	for (j = 0; j < comps->n; j++) {
		const struct csm_node *c = comps->kid[j];
		const struct csm_node *mine = csm_node_get(w,
		    csm_node_get(c, "name")->str);

		sum += csm_cfg_num(mine ? mine : csm_node_get(c, "weight"));
	}
	check_weight_sum(w, sum);
}

/*
 * Component names across the scorecards: --explain writes one
 * health_<name> column per name, so two names that read as one column
 * must be the same name.
 */
static void
check_union_names(const struct csm_node *a, const struct csm_node *b)
{
	struct csm_buf x, y;
	size_t i, j;

	csm_buf_init(&x);
	csm_buf_init(&y);
	for (i = 0; i < a->n; i++) {
		const struct csm_node *na = csm_node_get(a->kid[i], "name");

		csm_col_norm(na->str, na->len, &x);
		for (j = 0; j < b->n; j++) {
			const struct csm_node *nb = csm_node_get(b->kid[j],
			    "name");

			csm_col_norm(nb->str, nb->len, &y);
			if (strcmp(x.s, y.s) != 0 || strcmp(na->str,
			    nb->str) == 0)
				continue;
			csm_buf_release(&x);
			csm_buf_release(&y);
			csm_cfg_die(nb, "component names '%s' and '%s' would "
			    "make two columns that read as one: name the "
			    "component the same in every scorecard", na->str,
			    nb->str);
		}
	}
	csm_buf_release(&x);
	csm_buf_release(&y);
}

/*
 * score.segments: a scorecard per segment value.  Keys are segment values
 * (matched ignoring case, so they must differ ignoring case); "default"
 * names the scorecard of every other row.  Each has its own components or
 * reweights the default's, and may have its own bands.
 */
static void
check_segments(const struct csm_node *sc)
{
	const struct csm_node *segs = csm_node_get(sc, "segments");
	const struct csm_node *col = csm_node_get(sc, "segment_column");
	const struct csm_node *comps = csm_node_get(sc, "components");
	size_t i, j;

	if (segs == NULL) {
		if (col != NULL)
			csm_cfg_die(col, "'segment_column' goes with "
			    "'segments'");
		return;
	}
	for (i = 0; i < segs->n; i += 2) {
		const struct csm_node *k = segs->kid[i], *v = segs->kid[i + 1];
		const struct csm_node *c = csm_node_get(v, "components");
		const struct csm_node *w = csm_node_get(v, "weights");

		if (k->len == 0)
			csm_cfg_die(k, "a segment value must not be empty");
		if (strcasecmp(k->str, CSM_SCORECARD_DEFAULT) == 0)
			csm_cfg_die(k, "'%s' is the scorecard of the rows of "
			    "other segments and cannot be a segment", k->str);
		for (j = 0; j < i; j += 2)
			if (strcasecmp(segs->kid[j]->str, k->str) == 0)
				csm_cfg_die(k, "segments '%s' and '%s' are one "
				    "segment: segment values match ignoring "
				    "case", segs->kid[j]->str, k->str);
		if (c == NULL && w == NULL)
			csm_cfg_die(v, "segment '%s' has neither 'components' "
			    "nor 'weights'", k->str);
		if (c != NULL && w != NULL)
			csm_cfg_die(w, "segment '%s' has both 'components' and "
			    "'weights': 'weights' reweights the default "
			    "components; give a segment's own components "
			    "their weights in place", k->str);
		if (c != NULL) {
			check_components(c);
			check_union_names(comps, c);
			for (j = 0; j < i; j += 2)
				if (csm_node_get(segs->kid[j + 1],
				    "components") != NULL)
					check_union_names(csm_node_get(
					    segs->kid[j + 1], "components"), c);
		} else
			check_reweights(w, comps);
		if (csm_node_get(v, "bands") != NULL)
			check_bands_reserved(csm_node_get(v, "bands"));
	}
}

static void
check_score(const struct csm_node *sc)
{
	check_components(csm_node_get(sc, "components"));
	check_bands_reserved(csm_node_get(sc, "bands"));
	check_segments(sc);
}

/* The tier a report: section names (key): one of the tiers, or none. */
static void
check_report_tier(const struct csm_node *sec, const char *key)
{
	const struct csm_node *rep = csm_node_get(sec, "report");
	const struct csm_node *tiers = csm_node_get(sec, "tiers");
	const struct csm_node *t = rep ? csm_node_get(rep, key) : NULL;

	if (t != NULL && strcmp(t->str, "none") != 0 &&
	    find_name(tiers, t->str, tiers->n) < 0)
		csm_cfg_die(t, "'%s' is not a tier", t->str);
}

/*
 * A section of signals (risk:, expansion:), whose names go in the column
 * listed and whose report: names its tier under report_key.
 */
static void
check_signals(const struct csm_node *rk, const char *listed,
    const char *report_key)
{
	const struct csm_node *sig = csm_node_get(rk, "signals");
	const struct csm_node *pat = csm_node_get(rk, "patterns");
	const struct csm_node *tiers = csm_node_get(rk, "tiers");
	size_t i, j;

	check_unique(sig, "signal");
	check_unique(pat, "pattern");
	check_listable(sig, "signal", listed);
	check_listable(pat, "pattern", listed);
	for (i = 0; i < tiers->n; i++)
		if (strcasecmp(csm_node_get(tiers->kid[i], "name")->str,
		    "none") == 0)
			csm_cfg_die(csm_node_get(tiers->kid[i], "name"),
			    "'%s' is the tier below all tiers and cannot be "
			    "listed", csm_node_get(tiers->kid[i], "name")->str);
	for (i = 0; pat != NULL && i < pat->n; i++) {
		const struct csm_node *all = csm_node_get(pat->kid[i], "all");
		const struct csm_node *tier = csm_node_get(pat->kid[i], "tier");

		if (find_name(sig, csm_node_get(pat->kid[i], "name")->str,
		    sig->n) >= 0)
			csm_cfg_die(csm_node_get(pat->kid[i], "name"),
			    "pattern '%s' has the name of a signal",
			    csm_node_get(pat->kid[i], "name")->str);
		for (j = 0; j < all->n; j++)
			if (find_name(sig, all->kid[j]->str, sig->n) < 0)
				csm_cfg_die(all->kid[j], "pattern '%s' names "
				    "'%s', which is not a signal",
				    csm_node_get(pat->kid[i], "name")->str,
				    all->kid[j]->str);
		if (tier == NULL && csm_node_get(pat->kid[i], "points") == NULL)
			csm_cfg_die(pat->kid[i], "pattern '%s' has neither "
			    "'tier' nor 'points': it would change nothing",
			    csm_node_get(pat->kid[i], "name")->str);
		if (tier != NULL && find_name(tiers, tier->str, tiers->n) < 0)
			csm_cfg_die(tier, "'%s' is not a tier", tier->str);
	}
	check_report_tier(rk, report_key);
}

/* score.calibration: [score, churn probability], falling as scores rise. */
static void
check_calibration(const struct csm_node *cal)
{
	double p, prev = 1;
	size_t i;

	for (i = 0; cal != NULL && i < cal->n; i++) {
		const struct csm_node *pn = cal->kid[i]->kid[1];

		p = csm_cfg_num(pn);
		if (p < 0 || p > 1)
			csm_cfg_die(pn, "'calibration': a churn probability is "
			    "from 0 to 1, not %s", pn->str);
		if (p > prev)
			csm_cfg_die(pn, "'calibration': the churn probability "
			    "must not rise as the score rises, but %s follows "
			    "%g", pn->str, prev);
		prev = p;
	}
}

/*
 * qbr.currency: an ISO 4217 code (EUR) or a symbol (€) that goes before
 * every amount on a page: short, and nothing that reads as part of the
 * number or breaks the line.
 */
static void
check_currency(const struct csm_node *cur)
{
	size_t i;

	if (cur == NULL)
		return;
	for (i = 0; i < cur->len; i++) {
		unsigned char c = (unsigned char)cur->str[i];

		if (c <= ' ' || c == 0x7f || (c >= '0' && c <= '9') ||
		    c == '-' || c == '+' || c == ',')
			break;
	}
	if (i < cur->len || cur->len > 16)
		csm_cfg_die(cur, "'currency' must be a currency code (EUR) or "
		    "symbol (\342\202\254) of at most 16 bytes, without "
		    "spaces, digits, signs or commas, not '%s'",
		    csm_q(cur->str, cur->len));
}

static void
check_config(const struct csm_node *root)
{
	const struct csm_node *s;

	check_map(root, top, "the config");
	check_currency(csm_node_get(root, "currency"));
	if ((s = csm_node_get(root, "score")) != NULL) {
		check_score(s);
		check_calibration(csm_node_get(s, "calibration"));
	}
	if ((s = csm_node_get(root, "risk")) != NULL)
		check_signals(s, "risk_signals", "at_risk");
	if ((s = csm_node_get(root, "expansion")) != NULL)
		check_signals(s, "expansion_signals", "opportunity");
	if ((s = csm_node_get(root, "qbr")) != NULL) {
		check_unique(csm_node_get(s, "metrics"), "metric");
		check_currency(csm_node_get(s, "currency"));
	}
}

/*
 * Parses text into *rootp, which the caller's struct csm_cfg owns, so that
 * csm_cfg_release frees the tree even when it is refused here; frees
 * owned (text read from a file, or NULL) before anything can die.
 */
static void
parse(struct csm_node **rootp, const char *text, size_t n, const char *file,
    char *owned)
{
	char msg[256];
	long line = 0, col = 0;
	struct csm_node *root, at;

	root = csm_yaml_parse(text, n, file, msg, sizeof(msg), &line, &col);
	*rootp = root;
	free(owned);
	if (root == NULL) {
		if (line <= 0)
			csm_die(EX_CONFIG, "%s: %s", file, msg);
		memset(&at, 0, sizeof(at));
		at.file = file;
		at.line = line;
		at.col = col;
		csm_cfg_die(&at, "%s", msg);
	}
	if (root->kind != CSM_N_MAP)
		csm_cfg_die(root, "a config must be a map of sections "
		    "(columns, score, risk, nrr, qbr), not %s",
		    kind_name(root->kind));
}

static char *
read_config(const char *path, size_t *n)
{
	struct csm_buf b;
	char chunk[8192];
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		csm_die(EX_NOINPUT, "cannot open config '%s':", path);
	csm_buf_init(&b);
	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			csm_die(EX_NOINPUT, "cannot read config '%s':", path);
		if (r == 0)
			break;
		csm_buf_add(&b, chunk, (size_t)r);
		if (b.len > CSM_CFG_MAX_BYTES) {
			csm_buf_release(&b);
			close(fd);
			csm_die(EX_CONFIG, "%s: config is larger than 1 MiB",
			    path);
		}
	}
	close(fd);
	*n = b.len;
	return csm_buf_detach(&b);
}

static struct csm_node *
copy_node(const struct csm_node *nd)
{
	struct csm_node *c = csm_xmalloc(sizeof(*c));
	size_t i;

	*c = *nd;
	c->str = nd->str ? csm_xstrndup(nd->str, nd->len) : NULL;
	c->kid = nd->n ? csm_xcalloc(nd->n, sizeof(*c->kid)) : NULL;
	for (i = 0; i < nd->n; i++)
		c->kid[i] = copy_node(nd->kid[i]);
	return c;
}

static void
map_put(struct csm_node *map, const struct csm_node *key,
    const struct csm_node *val)
{
	size_t i;

	for (i = 0; i < map->n; i += 2)
		if (strcmp(map->kid[i]->str, key->str) == 0) {
			csm_node_free(map->kid[i + 1]);
			map->kid[i + 1] = copy_node(val);
			return;
		}
	map->kid = csm_xreallocarray(map->kid, map->n + 2, sizeof(*map->kid));
	map->kid[map->n++] = copy_node(key);
	map->kid[map->n++] = copy_node(val);
}

static void
map_del(struct csm_node *map, const char *key)
{
	size_t i;

	for (i = 0; i < map->n; i += 2)
		if (strcmp(map->kid[i]->str, key) == 0) {
			csm_node_free(map->kid[i]);
			csm_node_free(map->kid[i + 1]);
			memmove(map->kid + i, map->kid + i + 2,
			    (map->n - i - 2) * sizeof(*map->kid));
			map->n -= 2;
			return;
		}
}

/*
 * A key whose default goes with others: when the user's section gives any
 * of them but not the key, the default's value is dropped, not kept.  The
 * default's patterns name the default's signals and tiers; the default's
 * value model reads the columns of the default's metrics and is priced in
 * its currency (US dollars).
 */
static const struct tie {
	const char *section;
	const char *key;
	const char *with[3];
} ties[] = {
	{"risk", "patterns", {"signals", "tiers", NULL}},
	{"risk", "report", {"tiers", NULL, NULL}},
	{"expansion", "patterns", {"signals", "tiers", NULL}},
	{"expansion", "report", {"tiers", "signals", NULL}},
	{"qbr", "value", {"metrics", NULL, NULL}},
	{NULL, NULL, {NULL, NULL, NULL}}
};

static void
untie(struct csm_node *mine, const char *section,
    const struct csm_node *user)
{
	const struct tie *t;
	size_t j;

	for (t = ties; t->section != NULL; t++) {
		if (strcmp(t->section, section) != 0 ||
		    csm_node_get(user, t->key) != NULL)
			continue;
		for (j = 0; t->with[j] != NULL; j++)
			if (csm_node_get(user, t->with[j]) != NULL) {
				map_del(mine, t->key);
				break;
			}
	}
}

/*
 * The default's qbr.value is priced in US dollars: a user's currency
 * (qbr.currency, else the top-level one) that is another drops it, unless
 * the user gives a value model of their own.
 */
static void
untie_currency(struct csm_node *root, const struct csm_node *user)
{
	const struct csm_node *uq = csm_node_get(user, "qbr"), *cur;
	struct csm_node *q = (struct csm_node *)csm_node_get(root, "qbr");

	cur = uq != NULL ? csm_node_get(uq, "currency") : NULL;
	if (cur == NULL)
		cur = csm_node_get(user, "currency");
	if (cur == NULL || cur->kind != CSM_N_SCALAR || q == NULL ||
	    q->kind != CSM_N_MAP || (uq != NULL && uq->kind == CSM_N_MAP &&
	    csm_node_get(uq, "value") != NULL))
		return;
	if (strcasecmp(cur->str, "USD") != 0 && strcmp(cur->str, "$") != 0)
		map_del(q, "value");
}

/*
 * The default with the user's file over it: in a section (and in
 * columns:) each key the user gives replaces the default's, whole; the
 * keys the user omits keep the default's values.
 */
static struct csm_node *
merge(const struct csm_node *dflt, const struct csm_node *user)
{
	struct csm_node *root = copy_node(dflt);
	size_t i, j;

	for (i = 0; user != NULL && i < user->n; i += 2) {
		const struct csm_node *k = user->kid[i], *v = user->kid[i + 1];
		struct csm_node *mine = (struct csm_node *)csm_node_get(root,
		    k->str);

		if (mine != NULL && mine->kind == CSM_N_MAP &&
		    v->kind == CSM_N_MAP) {
			for (j = 0; j < v->n; j += 2)
				map_put(mine, v->kid[j], v->kid[j + 1]);
			untie(mine, k->str, v);
		} else
			map_put(root, k, v);
	}
	if (user != NULL)
		untie_currency(root, user);
	return root;
}

/*
 * The user's own config, $XDG_CONFIG_HOME/csm/csm.yaml (by default
 * ~/.config/csm/csm.yaml), when that file exists: its path, which the
 * caller frees, or NULL.
 */
static char *
user_config(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct csm_buf b;

	csm_buf_init(&b);
	if (xdg != NULL && xdg[0] == '/')
		csm_buf_printf(&b, "%s/csm/csm.yaml", xdg);
	else if (home != NULL && home[0] != '\0')
		csm_buf_printf(&b, "%s/.config/csm/csm.yaml", home);
	else
		return NULL;
	if (access(b.s, F_OK) != 0) {
		csm_buf_release(&b);
		return NULL;
	}
	return csm_buf_detach(&b);
}

void
csm_cfg_load(struct csm_cfg *cfg, const char *path)
{
	const struct csm_node *nd;
	char *text;
	size_t n;

	memset(cfg, 0, sizeof(*cfg));
	if (path == NULL && getenv("CSM_CONFIG") != NULL &&
	    *getenv("CSM_CONFIG") != '\0')
		path = getenv("CSM_CONFIG");
	if (path == NULL)
		path = cfg->found = user_config();
	parse(&cfg->dflt, csm_default_config, strlen(csm_default_config),
	    "<default>", NULL);
	cfg->file = "<default>";
	if (path != NULL) {
		cfg->file = path;
		text = read_config(path, &n);
		parse(&cfg->user, text, n, path, text);
		check_user(cfg->user);
	}
	cfg->root = merge(cfg->dflt, cfg->user);
	check_config(cfg->root);
	cfg->columns = csm_node_get(cfg->root, "columns");
	nd = csm_node_get(cfg->root, "date_format");
	cfg->date_format = nd ? nd->str : NULL;
	nd = csm_node_get(cfg->root, "bad_values");
	cfg->badval = nd && strcmp(nd->str, "missing") == 0 ?
	    CSM_BAD_MISSING : CSM_BAD_FAIL;
}

void
csm_cfg_release(struct csm_cfg *cfg)
{
	csm_node_free(cfg->root);
	csm_node_free(cfg->user);
	csm_node_free(cfg->dflt);
	free(cfg->found);
	memset(cfg, 0, sizeof(*cfg));
}

const struct csm_node *
csm_cfg_section(const struct csm_cfg *cfg, const char *name)
{
	return csm_node_get(cfg->root, name);
}

struct csm_band *
csm_cfg_bands(const struct csm_node *list, size_t *n)
{
	struct csm_band *b = csm_xcalloc(list->n, sizeof(*b));
	size_t i;

	for (i = 0; i < list->n; i++) {
		b[i].name = csm_node_get(list->kid[i], "name")->str;
		b[i].min = csm_cfg_num(csm_node_get(list->kid[i], "min"));
	}
	*n = list->n;
	return b;
}

size_t
csm_band_find(const struct csm_band *b, size_t n, double v)
{
	size_t i;

	for (i = 0; i < n && v < b[i].min; i++)
		;
	return i;
}

void
csm_cfg_dump(const struct csm_cfg *cfg, struct csm_out *o)
{
	csm_out_printf(o, "# csm-tools %s effective config (built-in default"
	    "%s%s)\n", CSM_VERSION, cfg->user ? " with " : "",
	    cfg->user ? cfg->file : "");
	csm_node_dump(cfg->root, o);
}

void
csm_cfg_load_text(struct csm_cfg *cfg, const char *text, size_t n,
    const char *name)
{
	const struct csm_node *nd;

	memset(cfg, 0, sizeof(*cfg));
	parse(&cfg->dflt, csm_default_config, strlen(csm_default_config),
	    "<default>", NULL);
	cfg->file = name;
	parse(&cfg->user, text, n, name, NULL);
	check_map(cfg->user, top, "the config");
	cfg->root = merge(cfg->dflt, cfg->user);
	check_config(cfg->root);
	cfg->columns = csm_node_get(cfg->root, "columns");
	nd = csm_node_get(cfg->root, "date_format");
	cfg->date_format = nd ? nd->str : NULL;
	nd = csm_node_get(cfg->root, "bad_values");
	cfg->badval = nd && strcmp(nd->str, "missing") == 0 ?
	    CSM_BAD_MISSING : CSM_BAD_FAIL;
}

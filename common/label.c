/*
 * label.c: the binary outcome that csm-eval and csm-fit judge a score by,
 * from an expression on the row (--label 'Churn == "Yes"') or from a file
 * of outcomes joined on account_id (--outcomes, e.g. csm-nrr --accounts
 * output, where the movement churn is the outcome).
 *
 * A row whose outcome is missing (a blank label, an account the outcomes
 * file does not list, or one that had no ARR at the start) has none: the
 * tools leave it out and say how many they left out.  An outcome that is
 * not yes or no is a data error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

/* What an outcomes entry holds besides 0 and 1. */
#define NO_OUTCOME 2

void
csm_label_init(struct csm_label *lb)
{
	memset(lb, 0, sizeof(*lb));
	csm_map_init(&lb->out);
	lb->idcol = -1;
}

void
csm_label_release(struct csm_label *lb)
{
	csm_expr_free(lb->expr);
	csm_map_release(&lb->out, NULL);
	free(lb->outv);
	free(lb->outfile);
	memset(lb, 0, sizeof(*lb));
}

void
csm_label_expr(struct csm_label *lb, const char *src)
{
	struct csm_experr err;

	lb->src = src;
	lb->expr = csm_expr_compile(src, strlen(src), &err);
	if (lb->expr != NULL &&
	    csm_expr_want(lb->expr, CSM_T_BOOL, &err) != 0) {
		csm_expr_free(lb->expr);
		lb->expr = NULL;
	}
	if (lb->expr == NULL)
		csm_die(EX_USAGE, "--label '%s': column %zu: %s", src,
		    err.col, err.msg);
}

/* The outcome in an outcomes file's movement column (csm-nrr). */
static int
movement(const struct csm_tbl *t, const struct csm_cols *c, size_t col)
{
	static const char *const stay[] = {"expansion", "contraction", "flat",
		NULL};
	const char *s = t->f[col];
	size_t n = t->flen[col], i;

	csm_trim(&s, &n);
	if (n == 5 && memcmp(s, "churn", 5) == 0)
		return 1;
	for (i = 0; stay[i] != NULL; i++)
		if (n == strlen(stay[i]) && memcmp(s, stay[i], n) == 0)
			return 0;
	if ((n == 3 && memcmp(s, "new", 3) == 0) ||
	    (n == 12 && memcmp(s, "reactivation", 12) == 0))
		return NO_OUTCOME;
	csm_die_at(EX_DATAERR, t->file, t->line, "column '%s': \"%s\" is not "
	    "a movement (churn, contraction, expansion, flat, new, "
	    "reactivation)", csm_q(c->name[col], c->len[col]),
	    csm_q(s, n));
}

/* The outcome in an outcomes file's boolean column. */
static int
boolean(const struct csm_tbl *t, const struct csm_cols *c, size_t col)
{
	int b;

	switch (csm_parse_bool(t->f[col], t->flen[col], &b)) {
	case CSM_OK:
		return b;
	case CSM_MISSING:
		return NO_OUTCOME;
	}
	csm_cell_error(CSM_BAD_FAIL, t, c->name[col], c->len[col], t->f[col],
	    t->flen[col], "an outcome (yes or no, true or false, 1 or 0)",
	    NULL);
	return NO_OUTCOME;
}

static CSM_NORETURN void
no_outcome_column(const struct csm_cols *c)
{
	struct csm_buf b;
	size_t i;

	csm_buf_init(&b);
	for (i = 0; i < c->n; i++) {
		if (i > 0)
			csm_buf_adds(&b, ", ");
		csm_buf_adds(&b, csm_q(c->name[i], c->len[i]));
	}
	csm_die_at(EX_DATAERR, c->file, 0, "no column 'movement' (as csm-nrr "
	    "--accounts writes it) or 'churned' (yes or no) to read the "
	    "outcomes from; the columns are: %s", b.s);
}

void
csm_label_outcomes(struct csm_label *lb, char *path,
    const struct csm_node *colmap)
{
	struct csm_tbl_opts opts = {0, CSM_RAGGED_ERROR};
	struct csm_tbl t;
	struct csm_cols c;
	size_t idc, k, cap = 0;
	long col;
	int ismove = 1, v, isnew;

	lb->src = path;
	lb->outfile = csm_xstrdup(path);
	csm_tbl_open(&t, &path, 1, &opts);
	csm_cols_init(&c, &t, colmap);
	idc = csm_cols_need(&c, "account_id", "--outcomes");
	if ((col = csm_cols_find(&c, "movement")) < 0) {
		ismove = 0;
		col = csm_cols_find(&c, "churned");
	}
	if (col < 0)
		no_outcome_column(&c);
	while (csm_tbl_next(&t)) {
		const char *id = t.f[idc];
		size_t idn = t.flen[idc];

		csm_trim(&id, &idn);
		if (idn == 0)
			csm_die_at(EX_DATAERR, t.file, t.line, "empty "
			    "account_id");
		v = ismove ? movement(&t, &c, (size_t)col) :
		    boolean(&t, &c, (size_t)col);
		k = csm_map_put(&lb->out, id, idn, &isnew);
		if (k >= cap) {
			cap = cap ? 2 * cap : 1024;
			lb->outv = csm_xreallocarray(lb->outv, cap, 1);
		}
		if (!isnew && lb->outv[k] != v)
			csm_die_at(EX_DATAERR, t.file, t.line, "account \"%s\" "
			    "is listed again with another outcome",
			    csm_q(id, idn));
		lb->outv[k] = (unsigned char)v;
	}
	csm_cols_release(&c);
	csm_tbl_close(&t);
}

static void
need_column(void *ctx, const char *name)
{
	if (!csm_col_optional(name))
		csm_cols_need(ctx, name, "--label");
}

void
csm_label_register(const struct csm_label *lb, struct csm_colreg *r)
{
	if (lb->expr != NULL)
		csm_colreg_add_expr(r, lb->expr, "--label");
	else
		csm_colreg_add(r, "account_id", 1, "--outcomes", NULL);
}

void
csm_label_bind(struct csm_label *lb, const struct csm_cols *c)
{
	struct csm_experr err;

	if (lb->expr == NULL) {
		lb->idcol = (long)csm_cols_need(c, "account_id", "--outcomes");
		return;
	}
	csm_expr_columns(lb->expr, need_column, (void *)c);
	if (csm_expr_bind(lb->expr, c, &err) != 0)
		csm_die_at(EX_DATAERR, c->file, 0, "--label: %s", err.msg);
}

struct used {
	const struct csm_cols *c;
	unsigned char *used;
};

static void
mark_used(void *ctx, const char *name)
{
	struct used *u = ctx;
	long i = csm_cols_find(u->c, name);

	if (i >= 0)
		u->used[i] = 1;
}

void
csm_label_columns(const struct csm_label *lb, const struct csm_cols *c,
    unsigned char *used)
{
	struct used u = {c, used};

	if (lb->idcol >= 0)
		used[lb->idcol] = 1;
	if (lb->expr != NULL)
		csm_expr_columns(lb->expr, mark_used, &u);
}

int
csm_label_get(struct csm_label *lb, struct csm_eval *ev)
{
	const struct csm_tbl *t = ev->rec;
	struct csm_val v;
	const char *id;
	size_t idn;
	long k;
	int r = NO_OUTCOME;

	lb->nrows++;
	if (lb->expr != NULL) {
		csm_expr_eval(lb->expr, ev, &v);
		if (v.type == CSM_T_BOOL)
			r = v.num != 0;
		else if (v.type == CSM_T_NUM) {
			if (v.num != 0 && v.num != 1)
				csm_die_at(EX_DATAERR, t->file, t->line, "the "
				    "label is %g, not true or false (1 or 0): "
				    "an outcome is binary", v.num);
			r = v.num != 0;
		}
	} else {
		id = t->f[lb->idcol];
		idn = t->flen[lb->idcol];
		csm_trim(&id, &idn);
		if ((k = csm_map_find(&lb->out, id, idn)) >= 0)
			r = lb->outv[k];
	}
	if (r != NO_OUTCOME)
		return r;
	if (lb->nmissing++ == 0) {
		lb->first_file = t->file;
		lb->first_line = t->line;
	}
	return -1;
}

void
csm_label_report(const struct csm_label *lb)
{
	if (lb->nmissing == 0)
		return;
	if (lb->expr != NULL)
		csm_warn("rows where the label '%s' is missing: %zu of %zu "
		    "(the first at %s:%ld), left out", lb->src, lb->nmissing,
		    lb->nrows, lb->first_file, lb->first_line);
	else
		csm_warn("rows with no outcome in '%s': %zu of %zu (the first "
		    "at %s:%ld), left out", lb->outfile, lb->nmissing,
		    lb->nrows, lb->first_file, lb->first_line);
}

/*
 * signal.c: the signal engine of csm-risk and csm-expand.  A section of
 * the config (risk:, expansion:) lists signals, each a condition on a row
 * (`when`) worth some points with a sentence that says why it fired
 * (`reason`, a template); tiers, highest first, each holding the scores
 * from its min (below all of them: none); and patterns, signals that
 * together mean more than their sum, which raise the tier.
 *
 * Assessing a row evaluates every condition: the score is the sum of the
 * points of the signals that fired and of the patterns whose signals all
 * fired, from 0 to 100 (points may be negative: protective signals); the
 * tier the first whose min the score reaches, raised by any pattern that
 * fired to at least its own; the names of what fired, and one sentence
 * per signal (its reason: the text of the first of its cases whose
 * condition holds; else its name and the values its condition read) and
 * per pattern with a reason.  A condition that is missing does not fire,
 * and is counted for the coverage summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csm.h"

/* ---- loading ---------------------------------------------------------- */

static long
sig_index(const struct csm_signals *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nsig; i++)
		if (strcmp(s->sig[i].name, name) == 0)
			return (long)i;
	return -1;
}

struct colset {
	char ***col;
	size_t *n;
};

static void
add_col(void *p, const char *name)
{
	struct colset *cs = p;
	size_t i;

	for (i = 0; i < *cs->n; i++)
		if (strcmp((*cs->col)[i], name) == 0)
			return;
	*cs->col = csm_xreallocarray(*cs->col, *cs->n + 1, sizeof(**cs->col));
	(*cs->col)[(*cs->n)++] = csm_xstrdup(name);
}

/* A reason: one template, or a list of {when, text} cases (checked). */
static struct csm_reason *
load_reason(const struct csm_node *nd, size_t *n)
{
	struct csm_reason *r;
	const struct csm_node *w;
	size_t i;

	*n = 0;
	if (nd == NULL)
		return NULL;
	if (nd->kind == CSM_N_SCALAR) {
		r = csm_xcalloc(1, sizeof(*r));
		r->text = csm_tmpl_compile(nd);
		*n = 1;
		return r;
	}
	r = csm_xcalloc(nd->n, sizeof(*r));
	for (i = 0; i < nd->n; i++) {
		if ((w = csm_node_get(nd->kid[i], "when")) != NULL) {
			r[i].when_node = w;
			r[i].when = csm_cfg_expr_as(w, CSM_T_BOOL);
		}
		r[i].text = csm_tmpl_compile(csm_node_get(nd->kid[i], "text"));
	}
	*n = nd->n;
	return r;
}

static void
free_reason(struct csm_reason *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		csm_expr_free(r[i].when);
		csm_tmpl_free(r[i].text);
	}
	free(r);
}

static void
load_signal(struct csm_signal *g, const struct csm_node *nd)
{
	struct colset cs = {&g->col, &g->ncol};
	const struct csm_node *o = csm_node_get(nd, "optional");

	g->name = csm_node_get(nd, "name")->str;
	g->optional = o != NULL && strcmp(o->str, "true") == 0;
	g->points = csm_cfg_num(csm_node_get(nd, "points"));
	g->when_node = csm_node_get(nd, "when");
	g->when = csm_cfg_expr_as(g->when_node, CSM_T_BOOL);
	g->reason = load_reason(csm_node_get(nd, "reason"), &g->nreason);
	csm_expr_columns(g->when, add_col, &cs);
	g->colidx = csm_xcalloc(g->ncol + 1, sizeof(*g->colidx));
}

static void
load_pattern(struct csm_signals *s, struct csm_pattern *p,
    const struct csm_node *nd)
{
	const struct csm_node *all = csm_node_get(nd, "all"), *r;
	size_t j;

	p->name = csm_node_get(nd, "name")->str;
	p->nsig = all->n;
	p->sig = csm_xcalloc(all->n, sizeof(*p->sig));
	for (j = 0; j < all->n; j++)
		p->sig[j] = (size_t)sig_index(s, all->kid[j]->str);
	p->tier = s->ntier;
	if ((r = csm_node_get(nd, "tier")) != NULL)
		p->tier = (size_t)csm_signals_tier_find(s, r->str);
	if ((r = csm_node_get(nd, "points")) != NULL)
		p->points = csm_cfg_num(r);
	p->reason = load_reason(csm_node_get(nd, "reason"), &p->nreason);
}

void
csm_signals_load(struct csm_signals *s, const struct csm_cfg *cfg,
    const char *section)
{
	const struct csm_node *sec = csm_cfg_section(cfg, section);
	const struct csm_node *sigs, *pats;
	size_t i;

	if (sec == NULL)
		csm_die(EX_CONFIG, "%s: the config has no %s: section",
		    cfg->file, section);
	memset(s, 0, sizeof(*s));
	s->section = section;
	s->tier = csm_cfg_bands(csm_node_get(sec, "tiers"), &s->ntier);

	sigs = csm_node_get(sec, "signals");
	s->nsig = sigs->n;
	s->sig = csm_xcalloc(sigs->n, sizeof(*s->sig));
	for (i = 0; i < sigs->n; i++)
		load_signal(&s->sig[i], sigs->kid[i]);

	pats = csm_node_get(sec, "patterns");
	s->npat = pats ? pats->n : 0;
	s->pat = csm_xcalloc(s->npat + 1, sizeof(*s->pat));
	for (i = 0; i < s->npat; i++)
		load_pattern(s, &s->pat[i], pats->kid[i]);
}

void
csm_signals_release(struct csm_signals *s)
{
	size_t i, j;

	for (i = 0; i < s->nsig; i++) {
		csm_expr_free(s->sig[i].when);
		free_reason(s->sig[i].reason, s->sig[i].nreason);
		for (j = 0; j < s->sig[i].ncol; j++)
			free(s->sig[i].col[j]);
		free(s->sig[i].col);
		free(s->sig[i].colidx);
	}
	for (i = 0; i < s->npat; i++) {
		free(s->pat[i].sig);
		free_reason(s->pat[i].reason, s->pat[i].nreason);
	}
	free(s->sig);
	free(s->pat);
	free(s->tier);
	memset(s, 0, sizeof(*s));
}

/* ---- tiers ------------------------------------------------------------ */

const char *
csm_signals_tier_name(const struct csm_signals *s, size_t i)
{
	return i < s->ntier ? s->tier[i].name : "none";
}

long
csm_signals_tier_find(const struct csm_signals *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->ntier; i++)
		if (strcmp(s->tier[i].name, name) == 0)
			return (long)i;
	if (strcmp(name, "none") == 0)
		return (long)s->ntier;
	return -1;
}

void
csm_signals_tier_list(const struct csm_signals *s, struct csm_buf *b)
{
	size_t i;

	for (i = 0; i <= s->ntier; i++)
		csm_buf_printf(b, "%s%s", i == 0 ? "" : ", ",
		    csm_signals_tier_name(s, i));
}

size_t
csm_signals_tier_arg(const struct csm_signals *s, const char *usage,
    const char *opt, const char *arg)
{
	struct csm_buf b;
	size_t i;

	for (i = 0; i <= s->ntier; i++)
		if (strcasecmp(csm_signals_tier_name(s, i), arg) == 0)
			return i;
	csm_buf_init(&b);
	csm_signals_tier_list(s, &b);
	fprintf(stderr, "%s: %s: '%s' is not a tier (%s)\n", csm_progname(),
	    opt, csm_q(arg, strlen(arg)), b.s);
	csm_buf_release(&b);
	fputs(usage, stderr);
	csm_exit(EX_USAGE);
	exit(EX_USAGE);
}

/* ---- columns ---------------------------------------------------------- */

void
csm_signals_cover(const struct csm_signals *s, struct csm_cover *cv)
{
	size_t i;

	csm_cover_init(cv, s->nsig);
	for (i = 0; i < s->nsig; i++)
		csm_cover_name(cv, i, "signal", s->sig[i].name);
}

/*
 * An optional signal's column: optional, its absence said in effect (an
 * optional canonical column reads as missing, as in any signal).
 */
struct optcols {
	struct csm_colreg *reg;
	const char *who;
	const char *effect;
};

static void
add_optcol(void *p, const char *name)
{
	struct optcols *oc = p;
	struct csm_buf eff;

	if (!csm_col_optional(name)) {
		csm_colreg_add(oc->reg, name, 0, oc->who, oc->effect);
		return;
	}
	csm_buf_init(&eff);
	csm_buf_printf(&eff, "%s reads it as missing", oc->who);
	csm_colreg_add(oc->reg, name, 0, oc->who, eff.s);
	csm_buf_release(&eff);
}

void
csm_signals_optional(struct csm_colreg *reg, const struct csm_expr *e,
    const struct csm_tmpl *t, const char *who, const char *effect)
{
	struct optcols oc = {reg, who, effect};

	if (e != NULL)
		csm_expr_columns(e, add_optcol, &oc);
	if (t != NULL)
		csm_tmpl_columns(t, add_optcol, &oc);
}

/* The columns of expression e (or template t) of signal g. */
static void
expr_columns(struct csm_colreg *reg, const struct csm_signal *g,
    const struct csm_expr *e, const struct csm_tmpl *t, const char *who,
    const char *effect)
{
	if (g == NULL || !g->optional) {
		if (e != NULL)
			csm_colreg_add_expr(reg, e, who);
		if (t != NULL)
			csm_colreg_add_tmpl(reg, t, who);
		return;
	}
	csm_signals_optional(reg, e, t, who, effect);
}

static void
reason_columns(const struct csm_reason *r, size_t n, struct csm_colreg *reg,
    const struct csm_signal *g, const char *who, const char *effect)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (r[i].when != NULL)
			expr_columns(reg, g, r[i].when, NULL, who, effect);
		expr_columns(reg, g, NULL, r[i].text, who, effect);
	}
}

void
csm_signals_columns(const struct csm_signals *s, struct csm_colreg *reg)
{
	struct csm_buf who, eff;
	size_t i;

	csm_buf_init(&who);
	csm_buf_init(&eff);
	for (i = 0; i < s->nsig; i++) {
		const struct csm_signal *g = &s->sig[i];

		csm_buf_reset(&who);
		csm_buf_printf(&who, "signal %s", g->name);
		csm_buf_reset(&eff);
		csm_buf_printf(&eff, "signal %s (optional) is off", g->name);
		expr_columns(reg, g, g->when, NULL, who.s, eff.s);
		reason_columns(g->reason, g->nreason, reg, g, who.s, eff.s);
	}
	for (i = 0; i < s->npat; i++) {
		csm_buf_reset(&who);
		csm_buf_printf(&who, "pattern %s", s->pat[i].name);
		reason_columns(s->pat[i].reason, s->pat[i].nreason, reg, NULL,
		    who.s, NULL);
	}
	csm_buf_release(&who);
	csm_buf_release(&eff);
}

static void
reason_bind(struct csm_reason *r, size_t n, const struct csm_cols *cols)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (r[i].when != NULL)
			csm_cfg_bind(r[i].when, r[i].when_node, cols);
		csm_tmpl_bind(r[i].text, cols);
	}
}

/* Whether a column an optional signal reads is absent: it is then off. */
struct absent {
	const struct csm_cols *cols;
	int any;
};

static void
find_absent(void *p, const char *name)
{
	struct absent *ab = p;

	if (!csm_col_optional(name) && csm_cols_find(ab->cols, name) < 0)
		ab->any = 1;
}

int
csm_signals_absent(const struct csm_expr *e, const struct csm_tmpl *t,
    const struct csm_cols *cols)
{
	struct absent ab = {cols, 0};

	if (e != NULL)
		csm_expr_columns(e, find_absent, &ab);
	if (t != NULL)
		csm_tmpl_columns(t, find_absent, &ab);
	return ab.any;
}

static int
signal_off(const struct csm_signal *g, const struct csm_cols *cols)
{
	size_t i;

	if (!g->optional)
		return 0;
	if (csm_signals_absent(g->when, NULL, cols))
		return 1;
	for (i = 0; i < g->nreason; i++)
		if (csm_signals_absent(g->reason[i].when, g->reason[i].text,
		    cols))
			return 1;
	return 0;
}

void
csm_signals_bind(struct csm_signals *s, const struct csm_cols *cols)
{
	size_t i, j;

	for (i = 0; i < s->nsig; i++) {
		struct csm_signal *g = &s->sig[i];

		if ((g->off = signal_off(g, cols)) != 0)
			continue;
		csm_cfg_bind(g->when, g->when_node, cols);
		reason_bind(g->reason, g->nreason, cols);
		for (j = 0; j < g->ncol; j++)
			g->colidx[j] = csm_cols_find(cols, g->col[j]);
	}
	for (i = 0; i < s->npat; i++)
		reason_bind(s->pat[i].reason, s->pat[i].nreason, cols);
}

/* ---- assessing a row -------------------------------------------------- */

void
csm_assessment_init(struct csm_assessment *a, const struct csm_signals *s)
{
	memset(a, 0, sizeof(*a));
	csm_buf_init(&a->names);
	csm_buf_init(&a->reasons);
	a->part = csm_xcalloc(4 * (s->nsig + s->npat) + 1, sizeof(*a->part));
	a->fired = csm_xcalloc(s->nsig + s->npat + 1, sizeof(*a->fired));
}

void
csm_assessment_release(struct csm_assessment *a)
{
	csm_buf_release(&a->names);
	csm_buf_release(&a->reasons);
	free(a->part);
	free(a->fired);
	memset(a, 0, sizeof(*a));
}

static void
add_part(struct csm_assessment *a, size_t i, size_t off, size_t len)
{
	a->part[2 * i] = off;
	a->part[2 * i + 1] = len;
}

static void
add_name(struct csm_assessment *a, const char *name)
{
	size_t start;

	if (a->nnames > 0)
		csm_buf_addc(&a->names, ';');
	start = a->names.len;
	csm_buf_adds(&a->names, name);
	add_part(a, a->nnames, start, a->names.len - start);
	a->nnames++;
}

/* The default reason: the signal's name and the values its `when` read. */
static void
default_reason(const struct csm_signal *g, const struct csm_tbl *t,
    struct csm_buf *b)
{
	const char *v;
	size_t i, n;

	csm_buf_adds(b, g->name);
	if (g->ncol == 0)
		return;
	csm_buf_adds(b, " (");
	for (i = 0; i < g->ncol; i++) {
		if (i > 0)
			csm_buf_adds(b, ", ");
		csm_buf_adds(b, g->col[i]);
		csm_buf_addc(b, '=');
		if (g->colidx[i] < 0) {
			csm_buf_adds(b, "missing");
			continue;
		}
		v = t->f[g->colidx[i]];
		n = t->flen[g->colidx[i]];
		csm_trim(&v, &n);
		if (n == 0)
			csm_buf_adds(b, "missing");
		else
			csm_buf_add(b, v, n);
	}
	csm_buf_addc(b, ')');
}

/* The text of the first case of r that holds, or NULL. */
static const struct csm_tmpl *
reason_case(const struct csm_reason *r, size_t n, struct csm_eval *ev)
{
	struct csm_val v;
	size_t i;

	for (i = 0; i < n; i++) {
		if (r[i].when == NULL)
			return r[i].text;
		csm_expr_eval(r[i].when, ev, &v);
		if (csm_val_true(&v))
			return r[i].text;
	}
	return NULL;
}

/*
 * The sentence of a signal (g) or pattern that fired: its reason's case,
 * else for a signal the default reason.  An empty one is left out.
 */
static void
add_reason(struct csm_assessment *a, const struct csm_reason *r, size_t n,
    const struct csm_signal *g, struct csm_eval *ev)
{
	const struct csm_tmpl *t = reason_case(r, n, ev);
	size_t mark = a->reasons.len, start;

	if (t == NULL && g == NULL)
		return;
	if (a->nreasons > 0)
		csm_buf_adds(&a->reasons, "; ");
	start = a->reasons.len;
	if (t != NULL)
		csm_tmpl_render(t, ev, &a->reasons);
	else
		default_reason(g, ev->rec, &a->reasons);
	if (a->reasons.len == start) {
		a->reasons.len = mark;
		a->reasons.s[mark] = '\0';
		return;
	}
	add_part(a, a->nnames + a->nreasons, start, a->reasons.len - start);
	a->nreasons++;
}

void
csm_signals_assess(const struct csm_signals *s, struct csm_eval *ev,
    struct csm_cover *cv, struct csm_assessment *a)
{
	struct csm_val v;
	double sum = 0;
	size_t i, j, tier;

	csm_buf_reset(&a->names);
	csm_buf_reset(&a->reasons);
	csm_buf_adds(&a->names, "");
	csm_buf_adds(&a->reasons, "");
	a->nnames = a->nreasons = 0;
	for (i = 0; i < s->nsig; i++) {
		if (s->sig[i].off) {
			a->fired[i] = 0;
			continue;
		}
		csm_expr_eval(s->sig[i].when, ev, &v);
		if (v.type == CSM_T_MISSING && cv != NULL)
			cv->item[i].missing++;
		a->fired[i] = csm_val_true(&v);
		if (a->fired[i]) {
			sum += s->sig[i].points;
			add_name(a, s->sig[i].name);
		}
	}
	for (i = 0; i < s->npat; i++) {
		for (j = 0; j < s->pat[i].nsig; j++)
			if (!a->fired[s->pat[i].sig[j]])
				break;
		a->fired[s->nsig + i] = j == s->pat[i].nsig;
		if (a->fired[s->nsig + i]) {
			sum += s->pat[i].points;
			add_name(a, s->pat[i].name);
		}
	}
	a->score = sum > 100 ? 100 : sum < 0 ? 0 : sum;
	tier = csm_band_find(s->tier, s->ntier, a->score);
	for (i = 0; i < s->npat; i++)
		if (a->fired[s->nsig + i] && s->pat[i].tier < tier)
			tier = s->pat[i].tier;
	a->tier = tier;
	/* The reasons, numbered after all the names. */
	for (i = 0; i < s->nsig; i++)
		if (a->fired[i])
			add_reason(a, s->sig[i].reason, s->sig[i].nreason,
			    &s->sig[i], ev);
	for (i = 0; i < s->npat; i++)
		if (a->fired[s->nsig + i])
			add_reason(a, s->pat[i].reason, s->pat[i].nreason,
			    NULL, ev);
	/* whole, or with up to two decimals */
	csm_fmt_real(a->score, 2, a->scoretext);
}

/*
 * score.c: the health score of the config's score: section, for every tool
 * that scores rows or judges a score (csm-score, csm-eval, csm-fit).
 *
 * Each component evaluates an expression on the record and maps the value
 * to a sub-score from 0 to 100: points (linear between pairs, the end
 * scores held outside them), steps (the score of the last pair reached),
 * map (by text, with an optional default), or the value itself clamped.
 * The score is the weighted mean of the sub-scores, the missing ones
 * handled by score.missing, rounded to score.precision decimals.  A row
 * whose present components weigh less than score.min_weight of the total
 * is unscored: an empty row never scores green.
 *
 * score.segments gives a segment (a value of the segment column) a
 * scorecard of its own: its components, or the default's reweighted, and
 * optionally its bands; every other row is scored by the default.
 *
 * The config loader has checked the numbers (sub-scores 0-100, weights
 * finite, >= 0, and small enough to sum), so every score is finite and
 * within 0-100.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csm.h"

static void
load_pairs(struct csm_component *c, const struct csm_node *pairs)
{
	size_t i;

	c->npairs = pairs->n;
	c->x = csm_xcalloc(pairs->n, sizeof(*c->x));
	c->s = csm_xcalloc(pairs->n, sizeof(*c->s));
	for (i = 0; i < pairs->n; i++) {
		c->x[i] = csm_cfg_num(pairs->kid[i]->kid[0]);
		c->s[i] = csm_cfg_num(pairs->kid[i]->kid[1]);
	}
}

static void
load_component(struct csm_component *c, const struct csm_node *cn)
{
	const struct csm_node *nd;

	c->node = cn;
	c->name = csm_node_get(cn, "name")->str;
	c->weight = csm_cfg_num(csm_node_get(cn, "weight"));
	c->value_node = csm_node_get(cn, "value");
	c->value = csm_cfg_expr_as(c->value_node,
	    csm_node_get(cn, "map") ? CSM_T_MISSING : CSM_T_NUM);
	c->mapping = CSM_MAP_PLAIN;
	if ((nd = csm_node_get(cn, "points")) != NULL) {
		c->mapping = CSM_MAP_POINTS;
		load_pairs(c, nd);
	} else if ((nd = csm_node_get(cn, "steps")) != NULL) {
		c->mapping = CSM_MAP_STEPS;
		load_pairs(c, nd);
	} else if ((nd = csm_node_get(cn, "map")) != NULL) {
		c->mapping = CSM_MAP_TEXT;
		c->map = nd;
		if ((nd = csm_node_get(cn, "default")) != NULL) {
			c->has_default = 1;
			c->dflt = csm_cfg_num(nd);
		}
	}
}

/* The components of a scorecard, each weight from weights when it names
 * the component (a segment that reweights the default's). */
static void
load_components(struct csm_score *sc, const struct csm_node *comps,
    const struct csm_node *weights)
{
	const struct csm_node *w;
	size_t i;

	sc->ncomp = comps->n;
	sc->comp = csm_xcalloc(comps->n, sizeof(*sc->comp));
	for (i = 0; i < comps->n; i++) {
		load_component(&sc->comp[i], comps->kid[i]);
		if (weights != NULL &&
		    (w = csm_node_get(weights, sc->comp[i].name)) != NULL)
			sc->comp[i].weight = csm_cfg_num(w);
		sc->total_weight += sc->comp[i].weight;
	}
}

/* The scorecard of segment key (its config v): the section's policies. */
static void
load_segment(struct csm_score *card, const struct csm_score *sc,
    const struct csm_node *sec, const struct csm_node *key,
    const struct csm_node *v)
{
	const struct csm_node *nd;

	card->name = key->str;
	card->missing = sc->missing;
	card->precision = sc->precision;
	card->min_weight = sc->min_weight;
	card->segidx = -1;
	nd = csm_node_get(v, "bands");
	card->band = csm_cfg_bands(nd ? nd : csm_node_get(sec, "bands"),
	    &card->nband);
	if ((nd = csm_node_get(v, "components")) != NULL)
		load_components(card, nd, NULL);
	else
		load_components(card, csm_node_get(sec, "components"),
		    csm_node_get(v, "weights"));
}

void
csm_score_load(struct csm_score *sc, const struct csm_cfg *cfg)
{
	const struct csm_node *sec = csm_cfg_section(cfg, "score");
	const struct csm_node *nd, *segs;
	size_t i;

	if (sec == NULL)
		csm_die(EX_CONFIG, "%s: the config has no score: section",
		    cfg->file);
	memset(sc, 0, sizeof(*sc));
	sc->name = CSM_SCORECARD_DEFAULT;
	sc->segidx = -1;
	nd = csm_node_get(sec, "missing");
	sc->missing = nd ? nd->str[0] : 'r';
	nd = csm_node_get(sec, "precision");
	sc->precision = nd ? (int)csm_cfg_num(nd) : 0;
	nd = csm_node_get(sec, "min_weight");
	sc->min_weight = nd ? csm_cfg_num(nd) : 0.5;
	sc->band = csm_cfg_bands(csm_node_get(sec, "bands"), &sc->nband);
	load_components(sc, csm_node_get(sec, "components"), NULL);
	if ((nd = csm_node_get(sec, "calibration")) != NULL) {
		struct csm_component cal;

		load_pairs(&cal, nd);
		sc->ncal = cal.npairs;
		sc->calx = cal.x;
		sc->calp = cal.s;
	}
	segs = csm_node_get(sec, "segments");
	if (segs == NULL || segs->n == 0)
		return;
	sc->segments = segs;
	nd = csm_node_get(sec, "segment_column");
	sc->segcol = nd ? nd->str : "segment";
	sc->nseg = segs->n / 2;
	sc->seg = csm_xcalloc(sc->nseg, sizeof(*sc->seg));
	for (i = 0; i < sc->nseg; i++)
		load_segment(&sc->seg[i], sc, sec, segs->kid[2 * i],
		    segs->kid[2 * i + 1]);
}

static void
bind_card(struct csm_score *sc, const struct csm_cols *cols)
{
	size_t i;

	for (i = 0; i < sc->ncomp; i++)
		csm_cfg_bind(sc->comp[i].value, sc->comp[i].value_node, cols);
}

void
csm_score_bind(struct csm_score *sc, const struct csm_cols *cols)
{
	size_t k;

	bind_card(sc, cols);
	for (k = 0; k < sc->nseg; k++)
		bind_card(&sc->seg[k], cols);
	if (sc->nseg > 0)
		sc->segidx = (long)csm_cols_need(cols, sc->segcol,
		    "score.segments");
}

void
csm_score_release(struct csm_score *sc)
{
	size_t i;

	for (i = 0; i < sc->nseg; i++)
		csm_score_release(&sc->seg[i]);
	free(sc->seg);
	for (i = 0; i < sc->ncomp; i++) {
		csm_expr_free(sc->comp[i].value);
		free(sc->comp[i].x);
		free(sc->comp[i].s);
	}
	free(sc->comp);
	free(sc->band);
	free(sc->calx);
	free(sc->calp);
	memset(sc, 0, sizeof(*sc));
}

size_t
csm_score_pick(const struct csm_score *sc, const struct csm_tbl *t)
{
	const char *s;
	size_t n, k, pass;

	if (sc->segidx < 0 || (size_t)sc->segidx >= t->nf)
		return 0;
	s = t->f[sc->segidx];
	n = t->flen[sc->segidx];
	csm_trim(&s, &n);
	if (n == 0)
		return 0;
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < sc->nseg; k++) {
			const char *name = sc->seg[k].name;

			if (strlen(name) == n && (pass == 0 ?
			    memcmp(name, s, n) == 0 :
			    strncasecmp(name, s, n) == 0))
				return k + 1;
		}
	return 0;
}

const struct csm_score *
csm_score_card(const struct csm_score *sc, size_t k)
{
	return k == 0 ? sc : &sc->seg[k - 1];
}

static double
clamp100(double v)
{
	return v < 0 ? 0 : v > 100 ? 100 : v;
}

/* Linear between the pairs around v: the part t of the way, 0 to 1,
 * halved first when the span is too wide for a double (-1e308, 1e308). */
static double
interpolate(const struct csm_component *c, double v)
{
	size_t i;
	double t;

	if (v <= c->x[0])
		return c->s[0];
	for (i = 1; i < c->npairs; i++)
		if (v <= c->x[i]) {
			if (isfinite(c->x[i] - c->x[i - 1]))
				t = (v - c->x[i - 1]) / (c->x[i] - c->x[i - 1]);
			else
				t = (v / 2 - c->x[i - 1] / 2) /
				    (c->x[i] / 2 - c->x[i - 1] / 2);
			return c->s[i - 1] + (c->s[i] - c->s[i - 1]) * t;
		}
	return c->s[c->npairs - 1];
}

static double
step(const struct csm_component *c, double v)
{
	size_t i;
	double s = c->s[0];

	for (i = 0; i < c->npairs && c->x[i] <= v; i++)
		s = c->s[i];
	return s;
}

/*
 * The map's score for a text value (exact match first, then ignoring
 * case, then the default); returns 0 when it has none.
 */
static int
lookup(const struct csm_component *c, const char *s, size_t n, double *out)
{
	size_t i, pass;

	csm_trim(&s, &n);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < c->map->n; i += 2) {
			const struct csm_node *k = c->map->kid[i];

			if (k->len == n && (pass == 0 ?
			    memcmp(k->str, s, n) == 0 :
			    strncasecmp(k->str, s, n) == 0)) {
				*out = csm_cfg_num(c->map->kid[i + 1]);
				return 1;
			}
		}
	if (c->has_default) {
		*out = c->dflt;
		return 1;
	}
	return 0;
}

/* Component c of a map: its value as text, then its score by the map. */
static void
map_component(const struct csm_component *c, struct csm_eval *ev,
    struct csm_subscore *out)
{
	struct csm_val v;

	csm_expr_eval(c->value, ev, &v);
	switch (v.type) {
	case CSM_T_MISSING:
		out->status = CSM_MISSING;
		return;
	case CSM_T_STR:
		out->text = v.str;
		out->len = v.len;
		break;
	case CSM_T_BOOL:
		out->text = v.num ? "true" : "false";
		out->len = strlen(out->text);
		break;
	default:
		out->value = v.num;
		snprintf(out->buf, sizeof(out->buf), "%.15g", v.num);
		out->text = out->buf;
		out->len = strlen(out->buf);
	}
	out->status = lookup(c, out->text, out->len, &out->score) ? CSM_OK :
	    CSM_BAD;
}

void
csm_score_component(const struct csm_score *sc, size_t i,
    struct csm_eval *ev, struct csm_subscore *out)
{
	const struct csm_component *c = &sc->comp[i];
	double d;

	out->value = 0;
	out->text = NULL;
	out->len = 0;
	out->score = 0;
	if (c->mapping == CSM_MAP_TEXT) {
		map_component(c, ev, out);
		return;
	}
	if (csm_expr_num(c->value, ev, &d) != CSM_OK) {
		out->status = CSM_MISSING;
		return;
	}
	out->status = CSM_OK;
	out->value = d;
	switch (c->mapping) {
	case CSM_MAP_POINTS:
		out->score = interpolate(c, d);
		break;
	case CSM_MAP_STEPS:
		out->score = step(c, d);
		break;
	default:
		out->score = clamp100(d);
	}
}

int
csm_score_combine(const struct csm_score *sc, const double *sub,
    const unsigned char *present, double *score)
{
	double sum = 0, wsum = 0, need;
	size_t i;

	for (i = 0; i < sc->ncomp; i++)
		if (present[i]) {
			sum += sc->comp[i].weight * sub[i];
			wsum += sc->comp[i].weight;
		}
	/* a share of the total, forgiving the last bits of rounding */
	need = sc->min_weight * sc->total_weight * (1 - 1e-12);
	if (wsum <= 0 || wsum < need)
		return 0;
	if (sc->missing == 'z')
		wsum = sc->total_weight;
	*score = csm_round(sum / wsum, sc->precision);
	return 1;
}

const char *
csm_score_band(const struct csm_score *sc, double score)
{
	size_t i = csm_band_find(sc->band, sc->nband, score);

	return i < sc->nband ? sc->band[i].name : "";
}

int
csm_score_churn(const struct csm_score *sc, double score, double *p)
{
	struct csm_component cal;

	if (sc->ncal == 0)
		return 0;
	memset(&cal, 0, sizeof(cal));
	cal.npairs = sc->ncal;
	cal.x = sc->calx;
	cal.s = sc->calp;
	*p = interpolate(&cal, score);
	return 1;
}

int
csm_score_mapped(const struct csm_component *c, const char *s, size_t n)
{
	size_t i, pass;

	if (c->map == NULL)
		return 0;
	csm_trim(&s, &n);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < c->map->n; i += 2) {
			const struct csm_node *k = c->map->kid[i];

			if (k->len == n && (pass == 0 ?
			    memcmp(k->str, s, n) == 0 :
			    strncasecmp(k->str, s, n) == 0))
				return 1;
		}
	return 0;
}

int
csm_score_map(const struct csm_component *c, double v, const char *s,
    size_t n, double *score)
{
	switch (c->mapping) {
	case CSM_MAP_TEXT:
		return lookup(c, s, n, score) ? CSM_OK : CSM_BAD;
	case CSM_MAP_POINTS:
		*score = interpolate(c, v);
		break;
	case CSM_MAP_STEPS:
		*score = step(c, v);
		break;
	default:
		*score = clamp100(v);
	}
	return CSM_OK;
}

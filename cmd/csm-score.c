/*
 * csm-score: append a composite customer health score to every row.
 *
 * Each component of the config's score: section evaluates an expression
 * on the row and maps the value to a sub-score from 0 to 100 (points:
 * linear between pairs, steps: the last step reached, map: by text, or the
 * value itself clamped).  health_score is the weighted mean of the
 * sub-scores, the missing ones handled by score.missing; health_band is
 * the first band whose min the rounded score reaches.  --explain adds one
 * health_<component> column per component and health_missing.
 *
 * The data flows one way: read a record, score it, write it.  Memory does
 * not grow with the number of rows.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csm.h"

static const char usage_text[] =
    "usage: csm-score [-htV] [-c config] [-d delim] [--as-of date] "
    "[--explain]\n"
    "                 [--ragged error|pad|skip] [--dump-config] [file ...]\n";

static const char help_text[] =
    "Append health_score and health_band to every row of a CSV or TSV.\n"
    "\n"
    "  -c, --config FILE     config file (default: $CSM_CONFIG, else built in)\n"
    "  -d, --delimiter C     input delimiter (default: detected; 'tab' for TSV)\n"
    "  -t, --tsv             input is TSV\n"
    "      --explain         also append health_<component> and health_missing\n"
    "      --as-of DATE      today's date for days_since/days_until (YYYY-MM-DD)\n"
    CSM_CLI_HELP_SHARED
    "\n"
    "Files are read in order as one table ('-' or none: standard input).\n"
    "Exit status: 0 ok, 64 usage, 65 data error, 66 cannot open input,\n"
    "74 I/O error, 78 config error.  See csm-score(1) and csm.yaml(5).\n";

enum { OPT_EXPLAIN = CSM_OPT_TOOL };

enum mapping { PLAIN, POINTS, STEPS, MAP };

struct component {
	const char *name;	/* borrowed from the config */
	const struct csm_node *node;
	const struct csm_node *value_node;
	double weight;
	struct csm_expr *value;
	int mapping;		/* enum mapping */
	size_t npairs;
	double *x, *s;		/* points or steps */
	const struct csm_node *map;
	int has_default;
	double dflt;
};

struct score {
	struct component *comp;
	size_t ncomp;
	struct csm_band *band;
	size_t nband;
	int missing;		/* 'r'enormalize, 'z'ero, 'f'ail */
	int precision;
};

/* Output columns: where each appended value goes. */
struct layout {
	size_t nout;		/* fields per output record */
	long score, band, missing;	/* output index of each */
	long *sub;		/* output index of health_<component> */
	char **f;		/* the output record, pointers */
	size_t *flen;
	char (*text)[64];	/* storage for the computed fields */
	char *missing_text;
	size_t missing_cap;
};

static void
usage(FILE *fp, int status)
{
	csm_usage(fp, status, usage_text, help_text);
}

static void
load_pairs(struct component *c, const struct csm_node *pairs)
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

/* Reads score: from the checked config into sc. */
static void
load_score(struct score *sc, const struct csm_cfg *cfg)
{
	const struct csm_node *sec = csm_cfg_section(cfg, "score");
	const struct csm_node *comps, *nd;
	size_t i;

	if (sec == NULL)
		csm_die(EX_CONFIG, "%s: the config has no score: section",
		    cfg->file);
	memset(sc, 0, sizeof(*sc));
	nd = csm_node_get(sec, "missing");
	sc->missing = nd ? nd->str[0] : 'r';
	nd = csm_node_get(sec, "precision");
	sc->precision = nd ? (int)csm_cfg_num(nd) : 0;

	sc->band = csm_cfg_bands(csm_node_get(sec, "bands"), &sc->nband);

	comps = csm_node_get(sec, "components");
	sc->ncomp = comps->n;
	sc->comp = csm_xcalloc(comps->n, sizeof(*sc->comp));
	for (i = 0; i < comps->n; i++) {
		const struct csm_node *cn = comps->kid[i];
		struct component *c = &sc->comp[i];

		c->node = cn;
		c->name = csm_node_get(cn, "name")->str;
		c->weight = csm_cfg_num(csm_node_get(cn, "weight"));
		c->value_node = csm_node_get(cn, "value");
		c->value = csm_cfg_expr_as(c->value_node,
		    csm_node_get(cn, "map") ? CSM_T_MISSING : CSM_T_NUM);
		c->mapping = PLAIN;
		if ((nd = csm_node_get(cn, "points")) != NULL) {
			c->mapping = POINTS;
			load_pairs(c, nd);
		} else if ((nd = csm_node_get(cn, "steps")) != NULL) {
			c->mapping = STEPS;
			load_pairs(c, nd);
		} else if ((nd = csm_node_get(cn, "map")) != NULL) {
			c->mapping = MAP;
			c->map = nd;
			if ((nd = csm_node_get(cn, "default")) != NULL) {
				c->has_default = 1;
				c->dflt = csm_cfg_num(nd);
			}
		}
	}
}

static void
free_score(struct score *sc)
{
	size_t i;

	for (i = 0; i < sc->ncomp; i++) {
		csm_expr_free(sc->comp[i].value);
		free(sc->comp[i].x);
		free(sc->comp[i].s);
	}
	free(sc->comp);
	free(sc->band);
}

static double
clamp100(double v)
{
	return v < 0 ? 0 : v > 100 ? 100 : v;
}

static double
interpolate(const struct component *c, double v)
{
	size_t i;

	if (v <= c->x[0])
		return c->s[0];
	for (i = 1; i < c->npairs; i++)
		if (v <= c->x[i])
			return c->s[i - 1] + (c->s[i] - c->s[i - 1]) *
			    (v - c->x[i - 1]) / (c->x[i] - c->x[i - 1]);
	return c->s[c->npairs - 1];
}

static double
step(const struct component *c, double v)
{
	size_t i;
	double s = c->s[0];

	for (i = 0; i < c->npairs && c->x[i] <= v; i++)
		s = c->s[i];
	return s;
}

/* The map's score for a text value; returns 0 when it has none. */
static int
lookup(const struct component *c, const char *s, size_t n, double *out)
{
	size_t i, pass;

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
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

/*
 * Evaluates component c on the current record into *sub (0-100); returns
 * 0 when the component is missing.
 */
static int
subscore(const struct component *c, struct csm_eval *ev, double *sub)
{
	struct csm_val v;
	char tmp[64];
	double d;

	if (c->mapping == MAP) {
		csm_expr_eval(c->value, ev, &v);
		switch (v.type) {
		case CSM_T_MISSING:
			return 0;
		case CSM_T_STR:
			return lookup(c, v.str, v.len, sub);
		case CSM_T_BOOL:
			return lookup(c, v.num ? "true" : "false",
			    v.num ? 4 : 5, sub);
		default:
			snprintf(tmp, sizeof(tmp), "%.15g", v.num);
			return lookup(c, tmp, strlen(tmp), sub);
		}
	}
	if (csm_expr_num(c->value, ev, &d) != CSM_OK)
		return 0;
	switch (c->mapping) {
	case POINTS:
		*sub = interpolate(c, d);
		break;
	case STEPS:
		*sub = step(c, d);
		break;
	default:
		*sub = clamp100(d);
	}
	return 1;
}

/*
 * The output index of an appended column: the input's own column when it
 * has one, else the next one after the input's, its name added to extra.
 */
static long
place(const struct csm_cols *cols, const char *name, char ***extra,
    size_t *nextra)
{
	long i = csm_cols_find(cols, name);

	if (i >= 0)
		return i;
	*extra = csm_xreallocarray(*extra, *nextra + 1, sizeof(**extra));
	(*extra)[*nextra] = csm_xstrdup(name);
	return (long)(cols->n + (*nextra)++);
}

static void
write_header(struct csm_out *o, const struct csm_tbl *t, char **extra,
    size_t nextra)
{
	size_t i;

	csm_out_fields(o, t->hdr, t->hdrlen, t->ncols);
	for (i = 0; i < nextra; i++)
		csm_out_field(o, extra[i], strlen(extra[i]));
	csm_out_endrec(o);
}

static void
setup(struct layout *ly, const struct score *sc, const struct csm_tbl *t,
    const struct csm_cols *cols, int explain, struct csm_out *o)
{
	char **extra = NULL, name[256];
	size_t nextra = 0, i;

	memset(ly, 0, sizeof(*ly));
	ly->score = place(cols, "health_score", &extra, &nextra);
	ly->band = place(cols, "health_band", &extra, &nextra);
	ly->missing = -1;
	if (explain) {
		ly->sub = csm_xcalloc(sc->ncomp, sizeof(*ly->sub));
		for (i = 0; i < sc->ncomp; i++) {
			snprintf(name, sizeof(name), "health_%s",
			    sc->comp[i].name);
			ly->sub[i] = place(cols, name, &extra, &nextra);
		}
		ly->missing = place(cols, "health_missing", &extra, &nextra);
	}
	ly->nout = t->ncols + nextra;
	ly->f = csm_xcalloc(ly->nout, sizeof(*ly->f));
	ly->flen = csm_xcalloc(ly->nout, sizeof(*ly->flen));
	ly->text = csm_xcalloc(sc->ncomp + 2, sizeof(*ly->text));
	write_header(o, t, extra, nextra);
	for (i = 0; i < nextra; i++)
		free(extra[i]);
	free(extra);
}

static void
free_layout(struct layout *ly)
{
	free(ly->sub);
	free(ly->f);
	free(ly->flen);
	free(ly->text);
	free(ly->missing_text);
}

static void
set_field(struct layout *ly, long at, char *s, size_t n)
{
	ly->f[at] = s;
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

static const char *
band_of(const struct score *sc, double rounded)
{
	size_t i = csm_band_find(sc->band, sc->nband, rounded);

	return i < sc->nband ? sc->band[i].name : "";
}

/* Scores the current record and writes it. */
static void
score_row(const struct score *sc, struct layout *ly, struct csm_eval *ev,
    struct csm_out *o)
{
	const struct csm_tbl *t = ev->rec;
	double sub, sum = 0, wsum = 0, total = 0, rounded;
	size_t i, mlen = 0;
	const char *band;
	char *scoretext = ly->text[sc->ncomp];

	for (i = 0; i < t->ncols; i++)
		set_field(ly, (long)i, t->f[i], t->flen[i]);
	for (i = 0; i < sc->ncomp; i++) {
		const struct component *c = &sc->comp[i];

		total += c->weight;
		if (!subscore(c, ev, &sub)) {
			if (sc->missing == 'f')
				csm_die_at(EX_DATAERR, t->file, t->line,
				    "component '%s' is missing (its value "
				    "'%s' is missing) and score.missing is "
				    "fail", c->name, c->value_node->str);
			if (ly->sub != NULL)
				set_field(ly, ly->sub[i], ly->text[i], 0);
			if (ly->missing >= 0)
				add_missing(ly, &mlen, c->name);
			continue;
		}
		sum += c->weight * sub;
		wsum += c->weight;
		if (ly->sub != NULL) {
			csm_fmt_num(sub, sc->precision, ly->text[i]);
			set_field(ly, ly->sub[i], ly->text[i],
			    strlen(ly->text[i]));
		}
	}
	if (sc->missing == 'z')
		wsum = total;
	if (wsum > 0) {
		rounded = csm_round(sum / wsum, sc->precision);
		csm_fmt_num(rounded, sc->precision, scoretext);
		band = band_of(sc, rounded);
	} else {
		csm_warn_at(t->file, t->line, "no score: every component is "
		    "missing");
		scoretext[0] = '\0';
		band = "";
	}
	set_field(ly, ly->score, scoretext, strlen(scoretext));
	set_field(ly, ly->band, (char *)band, strlen(band));
	if (ly->missing >= 0)
		set_field(ly, ly->missing, ly->missing_text ?
		    ly->missing_text : scoretext + strlen(scoretext), mlen);
	csm_out_fields(o, ly->f, ly->flen, ly->nout);
	csm_out_endrec(o);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CSM_CLI_LONGOPTS,
		{"explain", 0, NULL, OPT_EXPLAIN},
		{NULL, 0, NULL, 0}
	};
	struct csm_cli cli;
	struct csm_cfg cfg;
	struct csm_tbl t;
	struct csm_cols cols;
	struct csm_eval ev;
	struct csm_out o;
	struct score sc;
	struct layout ly;
	int ch, explain = 0;
	size_t i;

	csm_cli_progname(argv);
	csm_cli_init(&cli);
	while ((ch = getopt_long(argc, argv, CSM_CLI_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (csm_cli_opt(&cli, ch, optarg))
			continue;
		switch (ch) {
		case OPT_EXPLAIN:
			explain = 1;
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	csm_cli_done(&cli, usage_text, help_text);

	csm_cli_config(&cli, &cfg);
	csm_out_init(&o, 1, "<stdout>", ',');
	load_score(&sc, &cfg);

	csm_tbl_open(&t, argv, (size_t)argc, &cli.tbl);
	csm_cols_init(&cols, &t, cfg.columns);
	for (i = 0; i < sc.ncomp; i++)
		csm_cfg_bind(sc.comp[i].value, sc.comp[i].value_node, &cols);
	o.delim = t.delim;
	setup(&ly, &sc, &t, &cols, explain, &o);

	csm_eval_init(&ev);
	ev.rec = &t;
	ev.cols = &cols;
	ev.today = cli.today;
	ev.date_format = cfg.date_format;
	ev.badval = cfg.badval;
	while (csm_tbl_next(&t))
		score_row(&sc, &ly, &ev, &o);

	csm_out_close(&o);
	csm_eval_release(&ev);
	free_layout(&ly);
	csm_cols_release(&cols);
	csm_tbl_close(&t);
	free_score(&sc);
	csm_cfg_release(&cfg);
	return EX_OK;
}

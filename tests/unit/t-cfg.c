/*
 * t-cfg.c: the config (cfg.c): the user's file over the built-in default
 * (key by key: a key a section omits keeps the default's value, a key it
 * gives replaces the default's whole; columns: entries merge), what goes
 * with what (the default's patterns with its signals and tiers),
 * $CSM_CONFIG, bands, the dump loading back, and the exit status of a
 * refused config (numbers out of range and score.segments included).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "t.h"

static char path[] = "/tmp/t-cfg.XXXXXX";
static jmp_buf died;
static int status;

static void
catch_exit(int st)
{
	status = st;
	longjmp(died, 1);
}

static void
write_config(const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	T_OK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static size_t
count(const struct csm_cfg *cfg, const char *section, const char *list)
{
	return csm_node_get(csm_cfg_section(cfg, section), list)->n;
}

static void
test_default(void)
{
	struct csm_cfg cfg;

	csm_cfg_load(&cfg, NULL);
	T_EQ_STR(cfg.file, "<default>");
	T_OK(cfg.user == NULL);
	T_EQ_INT(count(&cfg, "score", "components"), 5);
	T_OK(csm_cfg_section(&cfg, "risk") != NULL);
	T_OK(cfg.date_format == NULL);
	T_EQ_INT(cfg.badval, CSM_BAD_FAIL);
	csm_cfg_release(&cfg);
}

static void
test_merge(void)
{
	struct csm_cfg cfg;
	const struct csm_node *c;

	/* columns merge over the default's; other sections stay default */
	write_config("columns: {nps: NPS Score}\nbad_values: missing\n"
	    "date_format: '%m/%d/%Y'\n");
	csm_cfg_load(&cfg, path);
	c = csm_node_get(cfg.columns, "nps");
	T_OK(c != NULL);
	T_EQ_STR(c ? c->str : "", "NPS Score");
	T_EQ_INT(count(&cfg, "score", "components"), 5);
	T_EQ_INT(cfg.badval, CSM_BAD_MISSING);
	T_EQ_STR(cfg.date_format, "%m/%d/%Y");
	csm_cfg_release(&cfg);

	/* the lists a section gives replace the default's whole; the keys
	 * it omits keep the default's values */
	write_config("score:\n  bands: [{name: ok, min: 0}]\n"
	    "  components: [{name: only, weight: 1, value: a}]\n");
	csm_cfg_load(&cfg, path);
	T_EQ_INT(count(&cfg, "score", "components"), 1);
	T_EQ_INT(count(&cfg, "score", "bands"), 1);
	T_EQ_STR(csm_node_get(csm_cfg_section(&cfg, "score"), "missing")->str,
	    "renormalize");
	T_EQ_STR(csm_node_get(csm_cfg_section(&cfg, "score"),
	    "min_weight")->str, "0.5");
	T_OK(csm_cfg_section(&cfg, "risk") != NULL);	/* untouched */
	csm_cfg_release(&cfg);

	/* $CSM_CONFIG when -c is not given */
	setenv("CSM_CONFIG", path, 1);
	csm_cfg_load(&cfg, NULL);
	T_EQ_STR(cfg.file, path);
	T_EQ_INT(count(&cfg, "score", "components"), 1);
	csm_cfg_release(&cfg);
	unsetenv("CSM_CONFIG");
}

/* The text of key in section, or "" when it is not there. */
static const char *
str(const struct csm_cfg *cfg, const char *section, const char *key)
{
	const struct csm_node *nd = csm_node_get(csm_cfg_section(cfg,
	    section), key);

	return nd != NULL && nd->kind == CSM_N_SCALAR ? nd->str : "";
}

static void
test_fallback(void)
{
	struct csm_cfg cfg;

	/* score: a scalar key alone keeps the default's lists */
	write_config("score: {missing: zero, min_weight: 30%}\n");
	csm_cfg_load(&cfg, path);
	T_EQ_STR(str(&cfg, "score", "missing"), "zero");
	T_EQ_STR(str(&cfg, "score", "min_weight"), "30%");
	T_EQ_STR(str(&cfg, "score", "precision"), "0");
	T_EQ_INT(count(&cfg, "score", "components"), 5);
	T_EQ_INT(count(&cfg, "score", "bands"), 3);
	csm_cfg_release(&cfg);

	/* risk: signals of one's own drop the default's patterns (they name
	 * the default's signals); the tiers stay the default's */
	write_config("risk:\n  signals: [{name: s, when: a > 1, points: 5}]\n");
	csm_cfg_load(&cfg, path);
	T_EQ_INT(count(&cfg, "risk", "signals"), 1);
	T_EQ_INT(count(&cfg, "risk", "tiers"), 4);
	T_OK(csm_node_get(csm_cfg_section(&cfg, "risk"), "patterns") == NULL);
	csm_cfg_release(&cfg);

	/* tiers of one's own drop them too (they name the default's tiers) */
	write_config("risk:\n  tiers: [{name: hot, min: 50}]\n");
	csm_cfg_load(&cfg, path);
	T_EQ_INT(count(&cfg, "risk", "tiers"), 1);
	T_EQ_INT(count(&cfg, "risk", "signals"), 8);
	T_OK(csm_node_get(csm_cfg_section(&cfg, "risk"), "patterns") == NULL);
	csm_cfg_release(&cfg);

	/* signals and patterns both given: both kept */
	write_config("risk:\n  signals: [{name: s, when: a > 1, points: 5},"
	    " {name: t, when: b, points: 5}]\n"
	    "  patterns: [{name: p, all: [s, t], tier: high}]\n");
	csm_cfg_load(&cfg, path);
	T_EQ_INT(count(&cfg, "risk", "patterns"), 1);
	T_EQ_INT(count(&cfg, "risk", "tiers"), 4);
	csm_cfg_release(&cfg);

	/* a key that is not a list of them keeps the patterns */
	write_config("risk: {}\n");
	csm_cfg_load(&cfg, path);
	T_EQ_INT(count(&cfg, "risk", "patterns"), 1);
	csm_cfg_release(&cfg);

	/* qbr: metrics of one's own drop the default's value model (it reads
	 * the default metrics' columns); highlight_change stays */
	write_config("qbr:\n  metrics: [{name: m, value: a}]\n");
	csm_cfg_load(&cfg, path);
	T_EQ_INT(count(&cfg, "qbr", "metrics"), 1);
	T_EQ_STR(str(&cfg, "qbr", "highlight_change"), "10%");
	T_OK(csm_node_get(csm_cfg_section(&cfg, "qbr"), "value") == NULL);
	csm_cfg_release(&cfg);
	/* highlight_change alone keeps both */
	write_config("qbr: {highlight_change: 5%}\n");
	csm_cfg_load(&cfg, path);
	T_EQ_INT(count(&cfg, "qbr", "metrics"), 6);
	T_OK(csm_node_get(csm_cfg_section(&cfg, "qbr"), "value") != NULL);
	csm_cfg_release(&cfg);
}

/* The dump of a config loads back to the same effective config. */
static void
test_dump_loads_back(void)
{
	static const char *const configs[] = {
		"",
		"score: {missing: zero}\n",
		"risk:\n  signals: [{name: s, when: a > 1, points: 5}]\n",
		"columns: {arr: ARR (USD)}\nqbr: {highlight_change: 5%}\n",
		"score:\n  segment_column: tier\n  segments:\n"
		"    'Mid-Market: EU': {weights: {adoption: 5}}\n"
		"    SMB:\n      components: [{name: u, weight: 1, value: u}]\n"
		"      bands: [{name: ok, min: 0}]\n",
	};
	char dump[2][65536];
	struct csm_cfg cfg;
	struct csm_out o;
	size_t i, k;
	int fd;

	for (i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		write_config(configs[i]);
		for (k = 0; k < 2; k++) {
			char tmp[] = "/tmp/t-cfg-dump.XXXXXX";
			ssize_t n;

			csm_cfg_load(&cfg, path);
			fd = mkstemp(tmp);
			T_OK(fd >= 0);
			csm_out_init(&o, fd, tmp, ',');
			csm_node_dump(cfg.root, &o);
			csm_out_release(&o);
			lseek(fd, 0, SEEK_SET);
			n = read(fd, dump[k], sizeof(dump[k]) - 1);
			T_OK(n > 0);
			dump[k][n > 0 ? n : 0] = '\0';
			close(fd);
			unlink(tmp);
			csm_cfg_release(&cfg);
			/* the second round loads the first's dump */
			write_config(dump[k]);
		}
		T_EQ_STR(dump[1], dump[0]);
	}
}

static void
test_bands(void)
{
	struct csm_cfg cfg;
	struct csm_band *b;
	size_t n;

	csm_cfg_load(&cfg, NULL);
	b = csm_cfg_bands(csm_node_get(csm_cfg_section(&cfg, "score"),
	    "bands"), &n);
	T_EQ_INT(n, 3);
	T_EQ_STR(b[0].name, "green");
	T_EQ_NUM(b[1].min, 50);
	T_EQ_INT(csm_band_find(b, n, 75), 0);	/* a band holds score >= min */
	T_EQ_INT(csm_band_find(b, n, 74.9), 1);
	T_EQ_INT(csm_band_find(b, n, 0), 2);
	T_EQ_INT(csm_band_find(b, n, -1), 3);	/* below all: none */
	free(b);
	csm_cfg_release(&cfg);
}

/* Loads text as a config; returns the exit status it died with, or 0. */
static int
refused(const char *text)
{
	struct csm_cfg cfg;
	int saved = dup(2), null = open("/dev/null", O_WRONLY);

	write_config(text);
	memset(&cfg, 0, sizeof(cfg));
	status = 0;
	dup2(null, 2);
	csm_exit = catch_exit;
	if (setjmp(died) == 0)
		csm_cfg_load(&cfg, path);
	csm_exit = exit;
	dup2(saved, 2);
	close(saved);
	close(null);
	csm_cfg_release(&cfg);
	return status;
}

static void
test_refused(void)
{
	T_EQ_INT(refused("score: {missing: zero}\n"), 0);
	T_EQ_INT(refused("colums: {}\n"), EX_CONFIG);
	T_EQ_INT(refused("a: &x 1\nb: *x\n"), EX_CONFIG);
	T_EQ_INT(refused("risk:\n  tiers: [{name: hi, min: 1}]\n"
	    "  signals: [{name: s, when: 'a >', points: 1}]\n"), EX_CONFIG);
	T_EQ_INT(refused("bad_values: missing\n"), 0);
	T_EQ_INT(refused(""), 0);
	/* the lists a user gives must still be whole */
	T_EQ_INT(refused("score:\n  components: [{name: a, value: x}]\n"),
	    EX_CONFIG);
	T_EQ_INT(refused("qbr:\n  value: {cost: arr}\n"), EX_CONFIG);
}

#define COMP(extra) "score:\n  components:\n" \
	"    - {name: a, weight: 1, value: x" extra "}\n"

static void
test_numbers(void)
{
	/* sub-scores from 0 to 100 in points, steps, map and default */
	T_EQ_INT(refused(COMP(", points: [[0, 0], [1, 100]]")), 0);
	T_EQ_INT(refused(COMP(", points: [[0, 0], [1, 500]]")), EX_CONFIG);
	T_EQ_INT(refused(COMP(", steps: [[0, -1], [1, 50]]")), EX_CONFIG);
	T_EQ_INT(refused(COMP(", map: {a: 100.5}")), EX_CONFIG);
	T_EQ_INT(refused(COMP(", map: {a: 1}, default: -0.1")), EX_CONFIG);
	T_EQ_INT(refused(COMP(", map: {a: 1}, default: 100")), 0);
	/* x may be anything finite */
	T_EQ_INT(refused(COMP(", points: [[-1e308, 0], [1e308, 9]]")), 0);
	/* numbers that are not finite are not numbers */
	T_EQ_INT(refused(COMP(", points: [[0, 0], [1e999, 9]]")), EX_CONFIG);
	T_EQ_INT(refused("score:\n  bands: [{name: a, min: inf}]\n"),
	    EX_CONFIG);
	T_EQ_INT(refused("score:\n  bands: [{name: a, min: nan}]\n"),
	    EX_CONFIG);
	/* weights: not negative, and summing to something finite */
	T_EQ_INT(refused("score:\n  components:\n"
	    "    - {name: a, weight: 1e308, value: x}\n"
	    "    - {name: b, weight: 1e308, value: y}\n"), EX_CONFIG);
	T_EQ_INT(refused("score:\n  components:\n"
	    "    - {name: a, weight: 1e300, value: x}\n"), 0);
	/* min_weight is a share */
	T_EQ_INT(refused("score: {min_weight: 1}\n"), 0);
	T_EQ_INT(refused("score: {min_weight: 0%}\n"), 0);
	T_EQ_INT(refused("score: {min_weight: 1.5}\n"), EX_CONFIG);
	T_EQ_INT(refused("score: {min_weight: -0.1}\n"), EX_CONFIG);
}

static void
test_names(void)
{
	/* components whose health_<name> is csm-score's own column */
	T_EQ_INT(refused(COMP("") "    - {name: score, weight: 1, "
	    "value: y}\n"), EX_CONFIG);
	T_EQ_INT(refused(COMP("") "    - {name: Band, weight: 1, "
	    "value: y}\n"), EX_CONFIG);
	T_EQ_INT(refused(COMP("") "    - {name: missing, weight: 1, "
	    "value: y}\n"), EX_CONFIG);
	T_EQ_INT(refused(COMP("") "    - {name: scores, weight: 1, "
	    "value: y}\n"), 0);
	/* two names that read as one column */
	T_EQ_INT(refused(COMP("") "    - {name: A, weight: 1, "
	    "value: y}\n"), EX_CONFIG);
	/* names in ';'-separated lists */
	T_EQ_INT(refused(COMP("") "    - {name: 'b;c', weight: 1, "
	    "value: y}\n"), EX_CONFIG);
	T_EQ_INT(refused("risk:\n  signals: [{name: 'a;b', when: x, "
	    "points: 1}]\n"), EX_CONFIG);
	/* unscored is the band of rows without a score */
	T_EQ_INT(refused("score:\n  bands: [{name: Unscored, min: 0}]\n"),
	    EX_CONFIG);
	/* band and tier names differ ignoring case (typed on the command
	 * line, where case does not count); none is below all tiers */
	T_EQ_INT(refused("score:\n  bands: [{name: ok, min: 5}, "
	    "{name: OK, min: 0}]\n"), EX_CONFIG);
	T_EQ_INT(refused("risk:\n  tiers: [{name: None, min: 5}]\n"),
	    EX_CONFIG);
	/* an expression cut short by a YAML flow mapping's comma */
	T_EQ_INT(refused("score:\n  components:\n"
	    "    - {name: a, weight: 1, value: ratio(a, b)}\n"), EX_CONFIG);
	T_EQ_INT(refused("score:\n  components:\n"
	    "    - {name: a, weight: 1, value: 'ratio(a, b)'}\n"), 0);
}

/* A segment of score.segments, given as the YAML under its key. */
#define SEG(key, body) "score:\n  segments:\n    " key ":\n" body

static void
test_segments(void)
{
	/* a segment reweights the default's components, or has its own */
	T_EQ_INT(refused(SEG("Ent", "      weights: {adoption: 60}\n")), 0);
	T_EQ_INT(refused(SEG("Ent", "      components: [{name: u, weight: "
	    "1, value: u}]\n      bands: [{name: ok, min: 0}]\n")), 0);
	T_EQ_INT(refused("score:\n  segments: {}\n"), 0);
	T_EQ_INT(refused("score:\n  segment_column: tier\n  segments:\n"
	    "    Ent: {weights: {support: 0}}\n"), 0);
	/* neither, or both, of components and weights */
	T_EQ_INT(refused(SEG("Ent", "      bands: [{name: ok, min: 0}]\n")),
	    EX_CONFIG);
	T_EQ_INT(refused(SEG("Ent", "      weights: {adoption: 60}\n"
	    "      components: [{name: u, weight: 1, value: u}]\n")),
	    EX_CONFIG);
	/* the schema: unknown keys, empty lists, types */
	T_EQ_INT(refused(SEG("Ent", "      wieghts: {adoption: 60}\n")),
	    EX_CONFIG);
	T_EQ_INT(refused(SEG("Ent", "      components: []\n")), EX_CONFIG);
	T_EQ_INT(refused(SEG("Ent", "      weights: {adoption: -1}\n")),
	    EX_CONFIG);
	T_EQ_INT(refused("score:\n  segments: [Ent]\n"), EX_CONFIG);
	/* weights name the default's components and add up to more than 0 */
	T_EQ_INT(refused(SEG("Ent", "      weights: {adopton: 60}\n")),
	    EX_CONFIG);
	T_EQ_INT(refused(SEG("Ent", "      weights: {adoption: 0, "
	    "engagement: 0, support: 0, sentiment: 0, relationship: 0}\n")),
	    EX_CONFIG);
	/* a segment's components follow the components' rules */
	T_EQ_INT(refused(SEG("Ent", "      components: [{name: u, weight: "
	    "0, value: u}]\n")), EX_CONFIG);
	T_EQ_INT(refused(SEG("Ent", "      components: [{name: scorecard, "
	    "weight: 1, value: u}]\n")), EX_CONFIG);
	T_EQ_INT(refused(SEG("Ent", "      components: [{name: u, weight: "
	    "1, value: u, points: [[0, 0]], steps: [[0, 0]]}]\n")),
	    EX_CONFIG);
	/* one column per name across the scorecards: Adoption is not the
	 * default's adoption */
	T_EQ_INT(refused(SEG("Ent", "      components: [{name: Adoption, "
	    "weight: 1, value: u}]\n")), EX_CONFIG);
	T_EQ_INT(refused(SEG("Ent", "      components: [{name: adoption, "
	    "weight: 1, value: u}]\n")), 0);
	/* segment values: not empty, not default, unique ignoring case */
	T_EQ_INT(refused(SEG("''", "      weights: {adoption: 1}\n")),
	    EX_CONFIG);
	T_EQ_INT(refused(SEG("Default", "      weights: {adoption: 1}\n")),
	    EX_CONFIG);
	T_EQ_INT(refused("score:\n  segments:\n"
	    "    Ent: {weights: {adoption: 1}}\n"
	    "    ENT: {weights: {adoption: 2}}\n"), EX_CONFIG);
	/* the bands' rules, and no '>' (band_change is old>new) */
	T_EQ_INT(refused(SEG("Ent", "      weights: {adoption: 1}\n"
	    "      bands: [{name: unscored, min: 0}]\n")), EX_CONFIG);
	T_EQ_INT(refused(SEG("Ent", "      weights: {adoption: 1}\n"
	    "      bands: []\n")), EX_CONFIG);
	T_EQ_INT(refused("score:\n  bands: [{name: 'a>b', min: 0}]\n"),
	    EX_CONFIG);
	/* segment_column goes with segments */
	T_EQ_INT(refused("score:\n  segment_column: tier\n"), EX_CONFIG);
}

int
main(void)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return 2;
	close(fd);
	T_RUN(test_default);
	T_RUN(test_merge);
	T_RUN(test_bands);
	T_RUN(test_refused);
	T_RUN(test_fallback);
	T_RUN(test_dump_loads_back);
	T_RUN(test_numbers);
	T_RUN(test_names);
	T_RUN(test_segments);
	unlink(path);
	T_END();
}

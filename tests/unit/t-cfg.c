/*
 * t-cfg.c: the config (cfg.c): the user's file over the built-in default
 * (a section replaces the default's whole, columns: entries merge),
 * $CSM_CONFIG, bands, and the exit status of a refused config.
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

	/* a section given replaces the default's whole */
	write_config("score:\n  bands: [{name: ok, min: 0}]\n"
	    "  components: [{name: only, weight: 1, value: a}]\n");
	csm_cfg_load(&cfg, path);
	T_EQ_INT(count(&cfg, "score", "components"), 1);
	T_EQ_INT(count(&cfg, "score", "bands"), 1);
	T_OK(csm_node_get(csm_cfg_section(&cfg, "score"), "missing") == NULL);
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
	T_EQ_INT(refused("score: {missing: zero}\n"), EX_CONFIG);
	T_EQ_INT(refused("colums: {}\n"), EX_CONFIG);
	T_EQ_INT(refused("a: &x 1\nb: *x\n"), EX_CONFIG);
	T_EQ_INT(refused("risk:\n  tiers: [{name: hi, min: 1}]\n"
	    "  signals: [{name: s, when: 'a >', points: 1}]\n"), EX_CONFIG);
	T_EQ_INT(refused("bad_values: missing\n"), 0);
	T_EQ_INT(refused(""), 0);
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
	unlink(path);
	T_END();
}

/*
 * cli.c: the options every tool shares (-c, -d, -t, --as-of,
 * --dump-config, --ragged, -q, --columns, -h, -V), so that each tool's
 * getopt loop handles only its own.  Words people type (formats, modes,
 * tiers) match ignoring case.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csm.h"

void
csm_cli_init(struct csm_cli *cli)
{
	memset(cli, 0, sizeof(*cli));
	cli->tbl.delim = 0;
	cli->tbl.ragged = CSM_RAGGED_ERROR;
	cli->today = csm_date_today();
}

void
csm_cli_progname(char **argv)
{
	char *slash;

	if (argv[0] == NULL)
		return;
	csm_setprogname(argv[0]);
	if ((slash = strrchr(argv[0], '/')) != NULL && slash[1] != '\0')
		argv[0] = slash + 1;
}

void
csm_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	csm_vmsg(NULL, 0, fmt, ap);
	va_end(ap);
	fputs(usage, stderr);
	exit(EX_USAGE);
}

static int
delimiter(const char *arg)
{
	if (strcmp(arg, "\\t") == 0 || strcasecmp(arg, "tab") == 0)
		return '\t';
	if (strlen(arg) != 1 || arg[0] == '"' || arg[0] == '\n' ||
	    arg[0] == '\r')
		csm_die(EX_USAGE, "-d: delimiter must be one character other "
		    "than a quote or a line end, or 'tab', not '%s'", arg);
	return (unsigned char)arg[0];
}

int
csm_cli_opt(struct csm_cli *cli, int ch, const char *arg)
{
	long days;

	switch (ch) {
	case 'c':
		cli->config = arg;
		return 1;
	case 'd':
		cli->tbl.delim = delimiter(arg);
		return 1;
	case 't':
		cli->tbl.delim = '\t';
		return 1;
	case CSM_OPT_ASOF:
		if (strlen(arg) != 10 ||
		    csm_parse_date(arg, strlen(arg), NULL, &days) != CSM_OK)
			csm_die(EX_USAGE, "--as-of: '%s' is not a date "
			    "(YYYY-MM-DD)", arg);
		cli->today = days;
		return 1;
	case CSM_OPT_DUMP:
		cli->dump_config = 1;
		return 1;
	case CSM_OPT_RAGGED:
		if (strcasecmp(arg, "error") == 0)
			cli->tbl.ragged = CSM_RAGGED_ERROR;
		else if (strcasecmp(arg, "pad") == 0)
			cli->tbl.ragged = CSM_RAGGED_PAD;
		else if (strcasecmp(arg, "skip") == 0)
			cli->tbl.ragged = CSM_RAGGED_SKIP;
		else
			csm_die(EX_USAGE, "--ragged: '%s' is not one of error, "
			    "pad, skip", arg);
		return 1;
	case 'q':
		cli->quiet = 1;
		return 1;
	case CSM_OPT_COLUMNS:
		cli->columns = 1;
		return 1;
	case 'h':
		cli->help = 1;
		return 1;
	case 'V':
		cli->version = 1;
		return 1;
	default:
		return 0;
	}
}

void
csm_usage(FILE *fp, int status, const char *usage, const char *help)
{
	fputs(usage, fp);
	if (status == EX_OK && help != NULL)
		fputs(help, fp);
	if (fclose(fp) != 0 && status == EX_OK)
		csm_die(EX_IOERR, "write error on '<stdout>':");
	exit(status);
}

void
csm_cli_done(const struct csm_cli *cli, const char *usage, const char *help)
{
	if (cli->help)
		csm_usage(stdout, EX_OK, usage, help);
	if (cli->version) {
		printf("%s (csm-tools) %s\n"
		    "Copyright (c) 2026 the csm-tools authors; BSD 2-Clause "
		    "License (see LICENSE)\n", csm_progname(), CSM_VERSION);
		if (fclose(stdout) != 0)
			csm_die(EX_IOERR, "write error on '<stdout>':");
		exit(EX_OK);
	}
}

void
csm_cli_config(const struct csm_cli *cli, struct csm_cfg *cfg)
{
	struct csm_out o;

	csm_cfg_load(cfg, cli->config);
	if (!cli->dump_config)
		return;
	csm_out_init(&o, 1, "<stdout>", ',');
	csm_cfg_dump(cfg, &o);
	csm_out_close(&o);
	csm_cfg_release(cfg);
	exit(EX_OK);
}

int
csm_cli_word(const char *usage, const char *opt, const char *arg,
    const char *const *words)
{
	struct csm_buf b;
	int i;

	for (i = 0; words[i] != NULL; i++)
		if (strcasecmp(words[i], arg) == 0)
			return i;
	csm_buf_init(&b);
	for (i = 0; words[i] != NULL; i++)
		csm_buf_printf(&b, "%s%s", i == 0 ? "" : ", ", words[i]);
	fflush(stdout);
	fprintf(stderr, "%s: %s: '%s' is not one of %s\n", csm_progname(), opt,
	    csm_q(arg, strlen(arg)), b.s);
	csm_buf_release(&b);
	fputs(usage, stderr);
	exit(EX_USAGE);
}

double
csm_cli_number(const char *usage, const char *opt, const char *arg,
    double lo, double hi)
{
	double d;

	if (csm_parse_num(arg, strlen(arg), &d) != CSM_OK || !(d >= lo) ||
	    !(d <= hi))
		csm_usage_error(usage, "%s: '%s' is not a number from %g to %g",
		    opt, csm_q(arg, strlen(arg)), lo, hi);
	return d;
}

char **
csm_cli_list(const char *usage, const char *opt, const char *arg, size_t *n)
{
	const char *p = arg, *e;
	char **v = NULL;

	*n = 0;
	for (;;) {
		if ((e = strchr(p, ',')) == NULL)
			e = p + strlen(p);
		if (e == p)
			csm_usage_error(usage, "%s: '%s' names an empty column",
			    opt, csm_q(arg, strlen(arg)));
		v = csm_xreallocarray(v, *n + 1, sizeof(*v));
		v[(*n)++] = csm_xstrndup(p, (size_t)(e - p));
		if (*e == '\0')
			return v;
		p = e + 1;
	}
}

void
csm_cli_list_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
csm_cli_format(const char *usage, const char *arg, const char *const *names)
{
	return csm_cli_word(usage, "--format", arg, names);
}

void
csm_cli_columns(struct csm_colreg *r, int delim)
{
	struct csm_out o;

	csm_out_init(&o, 1, "<stdout>", delim);
	csm_colreg_print(r, &o);
	csm_out_close(&o);
}

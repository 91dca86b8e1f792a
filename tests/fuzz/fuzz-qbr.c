/*
 * fuzz-qbr.c: csm-qbr's report renderers fed arbitrary rows.  The input
 * is the body of a CSV file under a fixed header (account, period, ARR,
 * renewal, health, and columns for a number, a percent, a money and a
 * days metric and two value items); csm-qbr's own code (cmd/csm-qbr.c,
 * included, its main renamed) reads it, builds every account's report and
 * writes it as Markdown, CSV, JSON, JSON Lines and HTML, for the team
 * and for the customer (an internal metric, notes on the value items, a
 * currency symbol, letter paper).  Input that is not data (a bad period,
 * two rows of one period) may end in a data error; once the reports are
 * built nothing may fail.  Every output must be valid UTF-8 and hold no
 * inf or nan in a number, the JSON must parse (and each JSON Lines line),
 * the SVG coordinates must be finite, and an --out-dir file name is safe
 * (a-z, 0-9, '-' and its extension) for either audience.
 */
#define main csm_qbr_main
int csm_qbr_main(int argc, char *argv[]);
#include "../../cmd/csm-qbr.c"
#undef main

#include "fuzz.h"

static const char header[] = "account_id,account_name,period,arr,"
    "renewal_date,health_score,health_band,users,target_users,seats,spend,"
    "budget,days,hours\n";

static const char config[] =
    "bad_values: missing\n"
    "qbr:\n"
    "  highlight_change: 10%\n"
    "  currency: \"R$\"\n"
    "  page: letter\n"
    "  metrics:\n"
    "    - {name: users, label: \"Users <&> | *x*\", value: users,\n"
    "       format: number, better: higher, target: target_users}\n"
    "    - {name: adoption, label: Adoption, value: \"ratio(users, seats)\",\n"
    "       format: percent, better: higher, target: 80%,\n"
    "       focus: \"Activate {seats - users|int} seats ({users|pct})\"}\n"
    "    - {name: spend, label: Spend, value: spend, format: money,\n"
    "       better: lower, target: budget}\n"
    "    - {name: days, label: Days to value, value: days, format: days,\n"
    "       better: lower, internal: true}\n"
    "  value:\n"
    "    items:\n"
    "      - {label: Hours saved, value: hours * 85,\n"
    "         note: \"{hours|int} hours <x> {account_name}\"}\n"
    "      - {label: Spend avoided, value: spend}\n"
    "    cost: arr / 4\n";

static struct csm_cfg cfg;
static struct qbr q;

/* What one run holds, static so that it survives a longjmp. */
static struct {
	struct csm_tbl t;
	int topen;
	struct csm_cols cols;
	int copen;
	struct csm_eval ev;
	int eopen;
	struct input in;
	int iopen;
	struct report *rep;
	size_t nrep;
	struct csm_out o;
	int oopen;
	int mustlive;		/* the reports are built: dying is a bug */
} st;

/* Writes every report in format fmt and checks what came out. */
static void
render(int fmt, const struct ctx *proto)
{
	const char *path = fuzz_path("out");
	struct ctx c = *proto;
	char *text;
	size_t i, n;
	int fd;

	c.fmt = fmt;
	c.nacct = 0;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		abort();
	csm_out_init(&st.o, fd, path, fmt == F_TSV ? '\t' : ',');
	st.oopen = 1;
	doc_begin(&st.o, &c, "QBR summaries");
	for (i = 0; i < st.nrep; i++)
		doc_account(&st.o, &c, &st.rep[i]);
	doc_end(&st.o, &c);
	st.oopen = 0;
	csm_out_close(&st.o);
	text = fuzz_read(path, &n);
	switch (fmt) {
	case F_JSON:
		fuzz_check_utf8(text, n);
		fuzz_check_json(text, n, 0);
		break;
	case F_JSONL:
		fuzz_check_utf8(text, n);
		fuzz_check_json(text, n, 1);
		break;
	case F_HTML:
		fuzz_check_utf8(text, n);
		fuzz_check_svg(text, n);
		break;
	case F_MD:
		fuzz_check_utf8(text, n);
		break;
	}
	free(text);
}

static void
free_reports(void)
{
	size_t i;

	for (i = 0; i < st.nrep; i++)
		free_report(&st.rep[i]);
	free(st.rep);
	st.rep = NULL;
	st.nrep = 0;
}

/* Every --out-dir file name is made of a-z, 0-9 and '-', and ".html". */
static void
check_names(int audience)
{
	struct csm_map used;
	size_t i, n;
	char *name;

	csm_map_init(&used);
	for (i = 0; i < st.nrep; i++) {
		name = file_name(&st.rep[i], F_HTML, audience, &used);
		n = strlen(name);
		if (n <= 5 || strcmp(name + n - 5, ".html") != 0 ||
		    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
		    n - 5 || name[0] == '-')
			abort();
		free(name);
	}
	csm_map_release(&used, NULL);
}

static void
run(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path("in.csv");
	struct csm_tbl_opts opts = {',', CSM_RAGGED_PAD};
	struct csm_buf b;
	struct hdrcols hc;
	struct ctx c;
	char *files[1];
	size_t idcol, percol, i;
	int audience;
	long k;

	csm_buf_init(&b);
	csm_buf_adds(&b, header);
	csm_buf_add(&b, data, size);
	fuzz_write(path, b.s, b.len);
	csm_buf_release(&b);

	files[0] = (char *)path;
	st.topen = 1;
	csm_tbl_open(&st.t, files, 1, &opts);
	csm_cols_init(&st.cols, &st.t, cfg.columns);
	st.copen = 1;
	idcol = csm_cols_need(&st.cols, "account_id", "fuzz");
	percol = csm_cols_need(&st.cols, "period", "fuzz");
	bind_qbr(&q, &st.cols);
	hc.name = csm_cols_find(&st.cols, "account_name");
	hc.arr = csm_cols_find(&st.cols, "arr");
	hc.renewal = csm_cols_find(&st.cols, "renewal_date");
	hc.health = csm_cols_find(&st.cols, "health_score");
	hc.band = csm_cols_find(&st.cols, "health_band");
	csm_eval_init(&st.ev);
	st.eopen = 1;
	st.ev.rec = &st.t;
	st.ev.cols = &st.cols;
	st.ev.today = csm_days_from_civil(2026, 11, 23);
	st.ev.date_format = cfg.date_format;
	st.ev.badval = cfg.badval;
	memset(&st.in, 0, sizeof(st.in));
	csm_map_init(&st.in.accts);
	st.iopen = 1;
	read_input(&st.in, &st.t, &q, &st.ev, &st.cols, &hc, idcol, percol);
	sort_accounts(&st.in);

	for (audience = A_INTERNAL; audience <= A_CUSTOMER; audience++) {
		st.rep = csm_xcalloc(st.in.accts.n + 1, sizeof(*st.rep));
		for (i = 0; i < st.in.accts.n; i++) {
			const struct acct *a = st.in.accts.ent[i].val;

			if ((k = current_row(a, 0, 0)) >= 0)
				build_report(&st.rep[st.nrep++], &q, a,
				    (size_t)k, audience);
		}
		st.mustlive = 1;
		memset(&c, 0, sizeof(c));
		c.q = &q;
		c.kind = st.in.kind;
		c.today = st.ev.today;
		c.audience = audience;
		render(F_MD, &c);
		render(F_CSV, &c);
		render(F_TSV, &c);
		render(F_JSON, &c);
		render(F_JSONL, &c);
		render(F_HTML, &c);
		check_names(audience);
		free_reports();
		st.mustlive = 0;
	}
}

static void
cleanup(void)
{
	free_reports();
	if (st.iopen)
		free_input(&st.in, &q);
	if (st.eopen)
		csm_eval_release(&st.ev);
	if (st.copen)
		csm_cols_release(&st.cols);
	if (st.topen)
		csm_tbl_close(&st.t);
	if (st.oopen)
		csm_out_discard(&st.o);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path;

	fuzz_setup(argc, argv);
	path = fuzz_path("cfg.yaml");
	fuzz_write(path, config, sizeof(config) - 1);
	csm_cfg_load(&cfg, path);
	load_qbr(&q, &cfg);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	memset(&st, 0, sizeof(st));
	if (setjmp(fuzz_jmp) == 0)
		run(data, size);
	else if (st.mustlive)
		abort();	/* a renderer died */
	cleanup();
	return 0;
}

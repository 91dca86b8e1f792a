/*
 * fuzz-risk.c: csm-risk's weekly report and JSON fed arbitrary rows.  The
 * first byte chooses options (--previous, --min-tier, --top 2);
 * the rest, up to a NUL byte, is the body of a CSV file under a fixed
 * header (the default config's columns, owner, ARR and renewal date), and
 * what follows the NUL names the previous report's accounts and tiers,
 * two bytes an account.  csm-risk's own code (cmd/csm-risk.c, included,
 * its main renamed) reads and assesses every row into the report and the
 * rows held as for --sort, then writes the report in Markdown and HTML,
 * and the rows as CSV, JSON and JSON Lines.  Rows that are not data may end in a data
 * error; once every row is read nothing may fail.  Every output must be
 * valid UTF-8, and the JSON must parse (and each JSON Lines line).
 */
#define main csm_risk_main
int csm_risk_main(int argc, char *argv[]);
#include "../../cmd/csm-risk.c"
#undef main

#include <fcntl.h>
#include <unistd.h>

#include "fuzz.h"

static const char header[] = "account_id,account_name,owner,arr,logins_30d,"
    "logins_prev_30d,tickets_30d,nps,last_qbr_date,renewal_date,"
    "champion_left,renewal_email_unanswered,health_score\n";

/* The default config, but a value that cannot be read is missing. */
static const char config[] = "bad_values: missing\n";

static struct csm_cfg cfg;

/* The column main appends with --previous. */
static const char *const change_col[] = {"risk_change", NULL};

/* What one run holds, static so that it survives a longjmp. */
static struct {
	struct ctx c;
	int copen;		/* c's buffers, map and run are set up */
	struct csm_cli cli;
	struct csm_tbl t;
	int topen;
	struct csm_cols cols;
	int colsopen;
	struct csm_eval ev;
	int eopen;
	struct csm_out o;
	int oopen;
	int mustlive;		/* every row is read: dying is a bug */
} st;

/* The previous report: "id,name,tier" rows from pairs of bytes. */
static void
write_previous(const char *path, const uint8_t *p, size_t n)
{
	static const char *const tiers[] = {"critical", "high", "medium",
		"low", "none", ""};
	struct csm_buf b;
	size_t i;

	csm_buf_init(&b);
	csm_buf_adds(&b, "account_id,account_name,risk_tier\n");
	for (i = 0; i + 1 < n; i += 2)
		csm_buf_printf(&b, "A%u,Old %u,%s\n", p[i] % 16, p[i] % 16,
		    tiers[p[i + 1] % 6]);
	fuzz_write(path, b.s, b.len);
	csm_buf_release(&b);
}

/* Writes the held rows (or, streamed, nothing more) in format fmt. */
static void
render(int fmt)
{
	const char *path = fuzz_path("out");
	char *text;
	size_t n;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		abort();
	csm_out_init(&st.o, fd, path, ',');
	st.oopen = 1;
	if (fmt == CSM_SIGRUN_MD || fmt == CSM_SIGRUN_HTML) {
		st.c.r.rep.fmt = fmt == CSM_SIGRUN_MD ? CSM_TIERREP_MD :
		    CSM_TIERREP_HTML;
		csm_tierrep_write(&st.c.r.rep, &st.o);
	} else {
		st.c.r.rows.fmt = fmt == CSM_SIGRUN_CSV ? CSM_ROWS_CSV :
		    fmt == CSM_SIGRUN_JSON ? CSM_ROWS_JSON : CSM_ROWS_JSONL;
		csm_sigrows_head(&st.c.r.rows, &st.o);
		csm_sigrows_finish(&st.c.r.rows);
	}
	st.oopen = 0;
	csm_out_close(&st.o);
	text = fuzz_read(path, &n);
	if (fmt != CSM_SIGRUN_CSV)
		fuzz_check_utf8(text, n);
	if (fmt == CSM_SIGRUN_JSON || fmt == CSM_SIGRUN_JSONL)
		fuzz_check_json(text, n, fmt == CSM_SIGRUN_JSONL);
	free(text);
}

static void
run(const uint8_t *data, size_t size)
{
	const char *in = fuzz_path("in.csv"), *prev = fuzz_path("prev.csv");
	struct csm_tbl_opts opts = {',', CSM_RAGGED_PAD};
	const uint8_t *nul;
	struct csm_buf b;
	char *files[1];
	size_t body;
	int flags;

	if (size == 0)
		return;
	flags = data[0];
	data++;
	size--;
	nul = memchr(data, '\0', size);
	body = nul != NULL ? (size_t)(nul - data) : size;
	csm_buf_init(&b);
	csm_buf_adds(&b, header);
	csm_buf_add(&b, data, body);
	fuzz_write(in, b.s, b.len);
	csm_buf_release(&b);

	/*
	 * What main does, the output aside: the report and the rows held
	 * (as JSON's, which keep the most) both, whatever the sort.
	 */
	csm_sigrun_init(&st.c.r);
	st.c.r.format = CSM_SIGRUN_MD;
	st.c.r.sort = 1;
	st.c.r.top = flags & 8 ? 2 : 0;
	csm_sigrun_done(&st.c.r, "fuzz");
	csm_buf_init(&st.c.tmp);
	csm_map_init(&st.c.prev);
	st.copen = 1;
	st.cli.today = csm_days_from_civil(2026, 11, 23);
	csm_sigrun_load(&st.c.r, "fuzz", &st.cli, &cfg, "risk",
	    CSM_TIERREP_RISK, "at_risk", "high");
	if (flags & 4) {
		st.c.r.min_tier = (size_t)(flags >> 4) %
		    (st.c.r.sig.ntier + 1);
		st.c.r.rep.listed = st.c.r.min_tier;
	}
	st.c.fail_on = st.c.r.sig.ntier + 1;
	st.c.fail_new = st.c.r.sig.ntier + 1;
	if ((flags & 1) && nul != NULL) {
		st.c.has_prev = 1;
		write_previous(prev, nul + 1, size - body - 1);
		load_previous(&st.c, (char *)prev);
	}
	st.c.r.rep.changes = st.c.has_prev;
	st.c.r.rep.first_run = st.c.first_run;

	files[0] = (char *)in;
	st.topen = 1;
	csm_tbl_open(&st.t, files, 1, &opts);
	csm_cols_init(&st.cols, &st.t, cfg.columns);
	st.colsopen = 1;
	csm_signals_bind(&st.c.r.sig, &st.cols);
	st.c.c_id = st.c.has_prev ? csm_cols_find(&st.cols, "account_id") :
	    -1;
	/* o only gets the delimiter: the report writes no head */
	csm_sigrun_start(&st.c.r, &st.t, &st.cols, "risk", st.c.has_prev ?
	    change_col : NULL, &st.o);
	csm_eval_init(&st.ev);
	st.eopen = 1;
	st.ev.rec = &st.t;
	st.ev.cols = &st.cols;
	st.ev.today = st.c.r.rep.today;
	st.ev.date_format = cfg.date_format;
	st.ev.badval = cfg.badval;
	while (csm_tbl_next(&st.t)) {
		const char *extra[2] = {NULL, NULL};
		size_t was;

		risk_row(&st.c, &st.ev);	/* into the report */
		/* and into the rows, as -f json would hold them */
		if (st.c.has_prev)
			extra[0] = change_names[change_of(&st.c,
			    st.c.r.a.tier, &was)];
		if (st.c.r.a.tier <= st.c.r.min_tier)
			csm_sigrows_add(&st.c.r.rows, &st.t, &st.c.r.sig,
			    &st.c.r.a, extra, st.c.r.has_arr, st.c.r.arr);
	}
	st.mustlive = 1;
	report_resolved(&st.c);
	render(CSM_SIGRUN_MD);
	render(CSM_SIGRUN_HTML);
	render(CSM_SIGRUN_CSV);
	render(CSM_SIGRUN_JSON);
	render(CSM_SIGRUN_JSONL);
}

static void
cleanup(void)
{
	struct ctx *c = &st.c;

	if (st.oopen)
		csm_out_discard(&st.o);
	if (st.eopen)
		csm_eval_release(&st.ev);
	if (st.copen) {
		csm_map_release(&c->prev, free_prev);
		csm_buf_release(&c->tmp);
		csm_sigrun_release(&c->r);
	}
	if (st.colsopen)
		csm_cols_release(&st.cols);
	if (st.topen)
		csm_tbl_close(&st.t);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path;

	fuzz_setup(argc, argv);
	path = fuzz_path("cfg.yaml");
	fuzz_write(path, config, sizeof(config) - 1);
	csm_cfg_load(&cfg, path);
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

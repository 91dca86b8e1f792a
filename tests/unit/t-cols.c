/*
 * t-cols.c: columns by name (cols.c): normalising names, finding a column
 * exactly, after normalising, or through the config's columns: map, the
 * "did you mean" suggestion, edit distances, the error for a missing
 * required column, ambiguous headers, capped header lists, the output
 * header (exact names replace, others are kept), and the registry of the
 * columns a tool uses (its checks, warnings and --columns table).
 * Expected values are worked out by hand.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "t.h"

static const char *const headers[] = {
	"Account ID", "ARR (USD)", "logins_30d", "Renewal Date",
	"Health Score", "Owner Email"
};
#define NHDR (sizeof(headers) / sizeof(headers[0]))

/* A table with only a header, as csm_cols_init sees one; fake_free frees. */
static void
fake_table(struct csm_tbl *t, const char *const *hdr, size_t n)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->hdr = csm_xcalloc(n, sizeof(*t->hdr));
	t->hdrlen = csm_xcalloc(n, sizeof(*t->hdrlen));
	for (i = 0; i < n; i++) {
		t->hdr[i] = csm_xstrdup(hdr[i]);
		t->hdrlen[i] = strlen(hdr[i]);
	}
	t->ncols = n;
	t->file = "accounts.csv";
	t->line = 1;
}

static void
fake_free(struct csm_tbl *t)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		free(t->hdr[i]);
	free(t->hdr);
	free(t->hdrlen);
}

/* A scalar node, for a hand-built columns: map. */
static struct csm_node *
scalar(const char *s)
{
	struct csm_node *nd = csm_xcalloc(1, sizeof(*nd));

	nd->kind = CSM_N_SCALAR;
	nd->str = csm_xstrdup(s);
	nd->len = strlen(s);
	nd->file = "cfg.yaml";
	nd->line = 1;
	nd->col = 1;
	return nd;
}

/* A map from pairs: kv[0] -> kv[1], kv[2] -> kv[3], ... */
static struct csm_node *
map(const char *const *kv, size_t n)
{
	struct csm_node *nd = csm_xcalloc(1, sizeof(*nd));
	size_t i;

	nd->kind = CSM_N_MAP;
	nd->n = n;
	nd->kid = csm_xcalloc(n, sizeof(*nd->kid));
	for (i = 0; i < n; i++)
		nd->kid[i] = scalar(kv[i]);
	nd->file = "cfg.yaml";
	return nd;
}

static void
map_free(struct csm_node *nd)
{
	size_t i;

	for (i = 0; i < nd->n; i++) {
		free(nd->kid[i]->str);
		free(nd->kid[i]);
	}
	free(nd->kid);
	free(nd);
}

static const char *
norm(const char *s, struct csm_buf *b)
{
	return csm_col_norm(s, strlen(s), b);
}

/* ---- tests ------------------------------------------------------------ */

static void
test_norm(void)
{
	struct csm_buf b;

	csm_buf_init(&b);
	T_EQ_STR(norm("Account ID", &b), "account_id");
	T_EQ_STR(norm("ARR (USD)", &b), "arr_usd");
	T_EQ_STR(norm("  --x--  ", &b), "x");
	T_EQ_STR(norm("", &b), "");
	T_EQ_INT(b.len, 0);
	T_EQ_STR(norm("account_id", &b), "account_id");
	T_EQ_STR(norm("a__b--c", &b), "a_b_c");
	T_EQ_STR(norm("30d Logins", &b), "30d_logins");
	T_EQ_STR(norm("NPS %", &b), "nps");
	T_EQ_STR(norm("---", &b), "");
	/* bytes outside ASCII are not alphanumerics: é (2 bytes) is a gap */
	T_EQ_STR(norm("Caf\xC3\xA9 Name", &b), "caf_name");
	/* only n bytes are read */
	T_EQ_STR(csm_col_norm("Owner Email", 5, &b), "owner");
	csm_buf_release(&b);
}

static void
test_find(void)
{
	struct csm_tbl t;
	struct csm_cols c;

	fake_table(&t, headers, NHDR);
	csm_cols_init(&c, &t, NULL);
	T_EQ_INT(c.n, NHDR);
	T_EQ_STR(c.file, "accounts.csv");
	T_EQ_STR(c.norm[1], "arr_usd");
	/* exact */
	T_EQ_INT(csm_cols_find(&c, "Account ID"), 0);
	T_EQ_INT(csm_cols_find(&c, "logins_30d"), 2);
	T_EQ_INT(csm_cols_find(&c, "Owner Email"), 5);
	/* normalised, either side */
	T_EQ_INT(csm_cols_find(&c, "account_id"), 0);
	T_EQ_INT(csm_cols_find(&c, "arr_usd"), 1);
	T_EQ_INT(csm_cols_find(&c, "LOGINS 30D"), 2);
	T_EQ_INT(csm_cols_find(&c, "renewal_date"), 3);
	T_EQ_INT(csm_cols_find(&c, "health-score"), 4);
	/* not there */
	T_EQ_INT(csm_cols_find(&c, "arr"), -1);
	T_EQ_INT(csm_cols_find(&c, "nps"), -1);
	T_EQ_INT(csm_cols_find(&c, ""), -1);
	T_EQ_INT(csm_cols_find(&c, "()"), -1);	/* normalises to "" */
	csm_cols_release(&c);
	fake_free(&t);
}

static void
test_find_exact_first(void)
{
	/* "seats" matches both exactly (1) and after normalising (0). */
	static const char *const hdr[] = { "Seats", "seats", "SEATS!" };
	struct csm_tbl t;
	struct csm_cols c;
	struct csm_colmatch m;

	fake_table(&t, hdr, 3);
	csm_cols_init(&c, &t, NULL);
	T_EQ_INT(csm_cols_find(&c, "seats"), 1);
	T_EQ_INT(csm_cols_find(&c, "SEATS!"), 2);
	T_EQ_INT(csm_cols_find(&c, "Seats"), 0);
	/* "SEATS" is none of them exactly and all three normalised:
	 * ambiguous, not the first */
	csm_cols_match(&c, "SEATS", &m);
	T_EQ_INT(m.how, CSM_MATCH_AMBIGUOUS);
	T_EQ_INT(m.idx, 0);
	T_EQ_INT(m.other, 1);
	csm_cols_match(&c, "seats", &m);
	T_EQ_INT(m.how, CSM_MATCH_EXACT);
	csm_cols_match(&c, "nps", &m);
	T_EQ_INT(m.how, CSM_MATCH_NONE);
	T_EQ_INT(m.idx, -1);
	csm_cols_release(&c);
	fake_free(&t);
}

static void
test_find_map(void)
{
	static const char *const kv[] = {
		"arr", "ARR (USD)",
		"nps", "health score",	/* a header matched after normalising */
		"owner", "Cust Owner"	/* a header that is not there */
	};
	struct csm_node *m = map(kv, 6);
	struct csm_tbl t;
	struct csm_cols c;

	fake_table(&t, headers, NHDR);
	csm_cols_init(&c, &t, m);
	T_EQ_INT(csm_cols_find(&c, "arr"), 1);	/* -1 without the map */
	T_EQ_INT(csm_cols_find(&c, "nps"), 4);
	/* the map names the header; it is not there, so neither is owner */
	T_EQ_INT(csm_cols_find(&c, "owner"), -1);
	/* names the map does not mention are found as before */
	T_EQ_INT(csm_cols_find(&c, "account_id"), 0);
	T_EQ_INT(csm_cols_find(&c, "ARR (USD)"), 1);
	csm_cols_release(&c);
	map_free(m);
	fake_free(&t);
}

static void
test_suggest(void)
{
	struct csm_tbl t;
	struct csm_cols c;

	fake_table(&t, headers, NHDR);
	csm_cols_init(&c, &t, NULL);
	/* one letter dropped: distance 1 to account_id */
	T_EQ_STR(csm_cols_suggest(&c, "acount_id"), "Account ID");
	/* one letter changed: distance 1 to renewal_date */
	T_EQ_STR(csm_cols_suggest(&c, "Renewel Date"), "Renewal Date");
	/* logins30d vs logins_30d: one insertion */
	T_EQ_STR(csm_cols_suggest(&c, "logins30d"), "logins_30d");
	/* too far by distance, but a part of a header */
	T_EQ_STR(csm_cols_suggest(&c, "health"), "Health Score");
	T_EQ_STR(csm_cols_suggest(&c, "owner"), "Owner Email");
	/* nothing near */
	T_OK(csm_cols_suggest(&c, "zzzzzz") == NULL);
	T_OK(csm_cols_suggest(&c, "churn_risk") == NULL);
	csm_cols_release(&c);
	fake_free(&t);
}

static void
test_editdist(void)
{
	T_EQ_INT(csm_editdist("", ""), 0);
	T_EQ_INT(csm_editdist("", "abc"), 3);
	T_EQ_INT(csm_editdist("abc", ""), 3);
	T_EQ_INT(csm_editdist("abc", "abc"), 0);
	T_EQ_INT(csm_editdist("abc", "abd"), 1);	/* c -> d */
	T_EQ_INT(csm_editdist("ab", "ba"), 2);	/* no transpositions */
	T_EQ_INT(csm_editdist("flaw", "lawn"), 2);	/* -f, +n */
	T_EQ_INT(csm_editdist("kitten", "sitting"), 3);	/* k->s, e->i, +g */
	T_EQ_INT(csm_editdist("sitting", "kitten"), 3);	/* symmetric */
	T_EQ_INT(csm_editdist("sunday", "saturday"), 3);	/* +a +t n->r */
	T_EQ_INT(csm_editdist("intention", "execution"), 5);
	T_EQ_INT(csm_editdist("acount_id", "account_id"), 1);
}

static void
test_optional(void)
{
	T_EQ_INT(csm_col_optional("account_name"), 1);
	T_EQ_INT(csm_col_optional("owner"), 1);
	T_EQ_INT(csm_col_optional("segment"), 1);
	T_EQ_INT(csm_col_optional("arr"), 1);
	T_EQ_INT(csm_col_optional("renewal_date"), 1);
	T_EQ_INT(csm_col_optional("health_score"), 1);
	T_EQ_INT(csm_col_optional("account_id"), 0);
	T_EQ_INT(csm_col_optional("nps"), 0);
	T_EQ_INT(csm_col_optional("Owner"), 0);	/* canonical names only */
}

/* ---- csm_cols_need, whose error exits -------------------------------- */

struct need {
	const struct csm_cols *c;
	const char *name;
};

static void
need_child(const struct need *nd)
{
	size_t i = csm_cols_need(nd->c, nd->name, "score");

	printf("%zu\n", i);
}

/* Runs csm_cols_need in a child; returns its wait status, stderr in err. */
static int
run_need(const struct csm_cols *c, const char *name, char *err, size_t sz)
{
	char tmpl[] = "/tmp/t-cols.XXXXXX";
	struct need nd;
	int fd = mkstemp(tmpl), status;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	if (fd < 0)
		csm_die(70, "mkstemp:");
	unlink(tmpl);
	nd.c = c;
	nd.name = name;
	fflush(NULL);
	if ((pid = fork()) < 0)
		csm_die(70, "fork:");
	if (pid == 0) {
		dup2(fd, 2);
		need_child(&nd);
		exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	lseek(fd, 0, SEEK_SET);
	while (n + 1 < sz && (r = read(fd, err + n, sz - 1 - n)) > 0)
		n += (size_t)r;
	err[n] = '\0';
	close(fd);
	return status;
}

#define LIST "the columns are: Account ID, ARR (USD), logins_30d, " \
	"Renewal Date, Health Score, Owner Email\n"

static void
test_need(void)
{
	static const char *const kv[] = { "account_id", "Cust #" };
	struct csm_node *m = map(kv, 2);
	struct csm_tbl t;
	struct csm_cols c;
	char err[2048];
	int st;

	fake_table(&t, headers, NHDR);
	csm_cols_init(&c, &t, NULL);
	T_EQ_INT(csm_cols_need(&c, "arr_usd", "score"), 1);
	T_EQ_INT(csm_cols_need(&c, "Owner Email", "score"), 5);

	/* a typo: the headers listed, the nearest suggested */
	st = run_need(&c, "acount_id", err, sizeof(err));
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 65);
	T_EQ_STR(err, "t-cols: accounts.csv: no column 'acount_id' (score "
	    "needs it), did you mean 'Account ID'?; " LIST);

	/* nothing near: no suggestion */
	st = run_need(&c, "churn_risk", err, sizeof(err));
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 65);
	T_EQ_STR(err, "t-cols: accounts.csv: no column 'churn_risk' (score "
	    "needs it); " LIST);
	csm_cols_release(&c);

	/* through the map, to a header that is not there */
	csm_cols_init(&c, &t, m);
	st = run_need(&c, "account_id", err, sizeof(err));
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 65);
	T_EQ_STR(err, "t-cols: accounts.csv: no column 'Cust #' (columns: "
	    "maps 'account_id' to it, score needs it); " LIST);
	csm_cols_release(&c);
	map_free(m);
	fake_free(&t);
}

/* ---- ambiguous headers, the output header, the registry ------------- */

/* Runs fn(arg) in a child; returns its wait status, its stderr in err and
 * its stdout in out (when out is not NULL). */
static int
run_child(void (*fn)(const void *), const void *arg, char *err, size_t sz,
    char *out, size_t osz)
{
	char tmpl[] = "/tmp/t-cols.XXXXXX", tmpl2[] = "/tmp/t-cols.XXXXXX";
	int fd = mkstemp(tmpl), fd2 = mkstemp(tmpl2), status;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	if (fd < 0 || fd2 < 0)
		csm_die(70, "mkstemp:");
	unlink(tmpl);
	unlink(tmpl2);
	fflush(NULL);
	if ((pid = fork()) < 0)
		csm_die(70, "fork:");
	if (pid == 0) {
		dup2(fd, 2);
		dup2(fd2, 1);
		fn(arg);
		fflush(NULL);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	lseek(fd, 0, SEEK_SET);
	while (n + 1 < sz && (r = read(fd, err + n, sz - 1 - n)) > 0)
		n += (size_t)r;
	err[n] = '\0';
	n = 0;
	lseek(fd2, 0, SEEK_SET);
	while (out != NULL && n + 1 < osz &&
	    (r = read(fd2, out + n, osz - 1 - n)) > 0)
		n += (size_t)r;
	if (out != NULL)
		out[n] = '\0';
	close(fd);
	close(fd2);
	return status;
}

struct findarg {
	const struct csm_cols *c;
	const char *name;
};

static void
find_child(const void *p)
{
	const struct findarg *a = p;

	printf("%ld\n", csm_cols_find(a->c, a->name));
}

static void
test_ambiguous(void)
{
	static const char *const hdr[] = { "LICENSED_SEATS", "nps",
		"Licensed-Seats", "nps", "Owner" };
	static const char *const kv[] = { "seats", "licensed seats",
		"owner", "Owner" };
	struct csm_node *m = map(kv, 4);
	struct csm_tbl t;
	struct csm_cols c;
	struct findarg a;
	char err[2048];
	int st;

	fake_table(&t, hdr, 5);
	csm_cols_init(&c, &t, m);
	a.c = &c;
	/* two headers normalise to licensed_seats, neither exactly */
	a.name = "licensed_seats";
	st = run_child(find_child, &a, err, sizeof(err), NULL, 0);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 65);
	T_EQ_STR(err, "t-cols: accounts.csv: column 'licensed_seats': "
	    "headers 'LICENSED_SEATS' (field 1) and 'Licensed-Seats' "
	    "(field 3) both match it; say which under columns: "
	    "(licensed_seats: LICENSED_SEATS)\n");
	/* an exact match wins over the normalised one */
	T_EQ_INT(csm_cols_find(&c, "Licensed-Seats"), 2);
	/* the same header twice: columns: cannot tell them apart */
	a.name = "nps";
	st = run_child(find_child, &a, err, sizeof(err), NULL, 0);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 65);
	T_EQ_STR(err, "t-cols: accounts.csv: column 'nps': the header has "
	    "two columns named 'nps' (fields 2 and 4); rename or remove "
	    "one\n");
	/* columns: to a name that is itself ambiguous */
	a.name = "seats";
	st = run_child(find_child, &a, err, sizeof(err), NULL, 0);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 65);
	T_EQ_STR(err, "t-cols: accounts.csv: column 'seats' (columns: maps "
	    "it to 'licensed seats'): headers 'LICENSED_SEATS' (field 1) "
	    "and 'Licensed-Seats' (field 3) both match it; say which under "
	    "columns: (seats: LICENSED_SEATS)\n");
	/* columns: naming one exactly is the way out */
	T_EQ_INT(csm_cols_find(&c, "owner"), 4);
	csm_cols_release(&c);
	map_free(m);
	fake_free(&t);
}

static void
test_list_cap(void)
{
	static char names[100000][8];
	const char *hdr[100000];
	struct csm_tbl t;
	struct csm_cols c;
	struct csm_buf b;
	size_t i;

	for (i = 0; i < 100000; i++) {
		snprintf(names[i], sizeof(names[i]), "h%zu", i + 1);
		hdr[i] = names[i];
	}
	/* 21 headers: 20 listed, "and 1 more" */
	fake_table(&t, hdr, 21);
	csm_cols_init(&c, &t, NULL);
	csm_buf_init(&b);
	csm_cols_list(&c, &b);
	T_EQ_STR(b.s, "h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12, "
	    "h13, h14, h15, h16, h17, h18, h19, h20 and 1 more");
	csm_cols_release(&c);
	fake_free(&t);
	/* 100,000 headers: still 20, and the count with separators */
	fake_table(&t, hdr, 100000);
	csm_cols_init(&c, &t, NULL);
	csm_buf_reset(&b);
	csm_cols_list(&c, &b);
	T_OK(b.len < 200);
	T_OK(strstr(b.s, "h20 and 99,980 more") != NULL);
	csm_cols_release(&c);
	fake_free(&t);
	/* a header of 1000 bytes is cut at CSM_QMAX characters */
	{
		static char big[1001];
		const char *one[1] = {big};

		memset(big, 'x', 1000);
		fake_table(&t, one, 1);
		csm_cols_init(&c, &t, NULL);
		csm_buf_reset(&b);
		csm_cols_list(&c, &b);
		T_EQ_INT(b.len, CSM_QMAX + 3);
		csm_cols_release(&c);
		fake_free(&t);
	}
	csm_buf_release(&b);
}

static void
place_child(const void *p)
{
	struct csm_outhdr h;

	csm_outhdr_init(&h, p);
	csm_outhdr_place(&h, "health_score");
	csm_outhdr_release(&h);
}

static void
test_outhdr(void)
{
	static const char *const hdr[] = { "Health Score", "health_band",
		"x" };
	static const char *const twice[] = { "health_score", "x",
		"health_score" };
	struct csm_tbl t;
	struct csm_cols c;
	struct csm_outhdr h;
	char err[1024];
	int st;

	fake_table(&t, hdr, 3);
	csm_cols_init(&c, &t, NULL);
	csm_outhdr_init(&h, &c);
	/* "Health Score" only normalises to health_score: kept, and the
	 * column appended; health_band is exactly there: replaced */
	T_EQ_INT(csm_outhdr_place(&h, "health_score"), 3);
	T_EQ_INT(csm_outhdr_place(&h, "health_band"), 1);
	T_EQ_INT(csm_outhdr_place(&h, "health_x"), 4);
	T_EQ_INT(h.n, 5);
	T_EQ_STR(h.name[0], "Health Score");
	T_EQ_STR(h.name[3], "health_score");
	T_EQ_INT(h.len[4], 8);
	csm_outhdr_release(&h);
	csm_cols_release(&c);
	fake_free(&t);

	/* two columns named exactly health_score: one would go stale */
	fake_table(&t, twice, 3);
	csm_cols_init(&c, &t, NULL);
	st = run_child(place_child, &c, err, sizeof(err), NULL, 0);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 65);
	T_EQ_STR(err, "t-cols: accounts.csv: the header has two columns "
	    "named 'health_score' (fields 1 and 3): one would be replaced "
	    "and the other left stale; remove one\n");
	csm_cols_release(&c);
	fake_free(&t);
}

struct regarg {
	const struct csm_cols *c;
	int quiet;
	int print;
};

static void
reg_child(const void *p)
{
	const struct regarg *a = p;
	struct csm_colreg r;
	struct csm_out o;

	csm_colreg_init(&r, a->c);
	csm_colreg_add(&r, "account_id", 1, "csm-risk", NULL);
	csm_colreg_add(&r, "arr", 0, "the report", "the report shows no ARR");
	csm_colreg_add(&r, "arr", 0, "--sort", "--sort ignores ARR");
	csm_colreg_add(&r, "arr", 0, "the report", "the report shows no ARR");
	csm_colreg_add(&r, "owner", 0, "the report", NULL);
	csm_colreg_add(&r, "logins_30d", 1, "signal x", NULL);
	csm_colreg_add(&r, "renewal_date", 0, "signal y",
	    "signal y reads it as missing");
	if (a->print) {
		csm_out_init(&o, 1, "<stdout>", ',');
		csm_colreg_print(&r, &o);
		csm_out_close(&o);
	} else {
		csm_colreg_check(&r);
		if (!a->quiet)
			csm_colreg_warn(&r);
	}
	csm_colreg_release(&r);
}

static void
test_registry(void)
{
	static const char *const kv[] = { "owner", "Cust Owner" };
	struct csm_node *m = map(kv, 2);
	struct csm_tbl t;
	struct csm_cols c;
	struct regarg a;
	char err[2048], out[2048];
	int st;

	fake_table(&t, headers, NHDR);
	csm_cols_init(&c, &t, NULL);
	a.c = &c;
	a.quiet = 0;
	a.print = 0;
	/* arr absent: one warning for both users, with the nearest header;
	 * renewal_date is there (normalised); owner has nothing to say */
	st = run_child(reg_child, &a, err, sizeof(err), NULL, 0);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	T_EQ_STR(err, "t-cols: accounts.csv: no column 'arr' (did you mean "
	    "'ARR (USD)'? map it under columns:); the report shows no ARR; "
	    "--sort ignores ARR\n");
	/* -q: nothing */
	a.quiet = 1;
	st = run_child(reg_child, &a, err, sizeof(err), NULL, 0);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	T_EQ_STR(err, "");
	/* --columns: every entry, the header it matched, how */
	a.print = 1;
	st = run_child(reg_child, &a, err, sizeof(err), out, sizeof(out));
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	T_EQ_STR(out, "column,required,header,match,used_by\n"
	    "account_id,yes,Account ID,normalised,csm-risk\n"
	    "arr,no,,none,the report; --sort\n"
	    "owner,no,,none,the report\n"
	    "logins_30d,yes,logins_30d,exact,signal x\n"
	    "renewal_date,no,Renewal Date,normalised,signal y\n");
	csm_cols_release(&c);

	/* a columns: entry naming a header that is not there: 65, with the
	 * config position and the headers */
	csm_cols_init(&c, &t, m);
	a.print = 0;
	st = run_child(reg_child, &a, err, sizeof(err), NULL, 0);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 65);
	T_EQ_STR(err, "t-cols: accounts.csv: columns: maps 'owner' to "
	    "'Cust Owner' (cfg.yaml:1:1), which is not a header; the "
	    "columns are: Account ID, ARR (USD), logins_30d, Renewal Date, "
	    "Health Score, Owner Email\n");
	a.print = 1;
	st = run_child(reg_child, &a, err, sizeof(err), out, sizeof(out));
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	T_OK(strstr(out, "\nowner,no,,none,the report\n") != NULL);
	csm_cols_release(&c);
	map_free(m);
	fake_free(&t);
}

int
main(void)
{
	csm_setprogname("t-cols");
	T_RUN(test_norm);
	T_RUN(test_find);
	T_RUN(test_find_exact_first);
	T_RUN(test_find_map);
	T_RUN(test_suggest);
	T_RUN(test_editdist);
	T_RUN(test_optional);
	T_RUN(test_need);
	T_RUN(test_ambiguous);
	T_RUN(test_list_cap);
	T_RUN(test_outhdr);
	T_RUN(test_registry);
	T_END();
}

/*
 * t-label.c: the outcome (label.c): an expression read as a condition,
 * 0/1 numbers, a missing label left out and counted; outcomes joined on
 * account_id from csm-nrr --accounts output (churn 1, other movements 0,
 * new and reactivation no outcome) or from a churned column; the columns
 * the label reads and registers.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "t.h"

static char path[] = "/tmp/t-label.XXXXXX";

/* One record: account_id, churned, n. */
static char h_id[] = "Account ID", h_ch[] = "churned", h_n[] = "n";
static char *hdr[] = {h_id, h_ch, h_n};
static size_t hdrlen[] = {10, 7, 1};
static char *fld[3];
static size_t flen[3];
static struct csm_tbl tbl;
static struct csm_cols cols;
static struct csm_eval ev;

static void
row(const char *id, const char *ch, const char *n)
{
	fld[0] = (char *)id;
	fld[1] = (char *)ch;
	fld[2] = (char *)n;
	flen[0] = strlen(id);
	flen[1] = strlen(ch);
	flen[2] = strlen(n);
	tbl.line++;
}

static void
file(const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	T_OK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void
test_expr(void)
{
	struct csm_label lb;
	unsigned char used[3] = {0, 0, 0};

	csm_label_init(&lb);
	csm_label_expr(&lb, "churned == 'yes' or n > 3");
	csm_label_bind(&lb, &cols);
	csm_label_columns(&lb, &cols, used);
	T_OK(!used[0] && used[1] && used[2]);
	/* what --columns lists: the expression's two columns, for --label */
	{
		struct csm_colreg r;

		csm_colreg_init(&r, &cols);
		csm_label_register(&lb, &r);
		T_EQ_INT(r.n, 2);
		T_EQ_STR(r.use[0].name, "churned");
		T_EQ_STR(r.use[1].name, "n");
		T_EQ_STR(r.use[0].users.s, "--label");
		csm_colreg_release(&r);
	}
	row("A1", "yes", "0");
	T_EQ_INT(csm_label_get(&lb, &ev), 1);
	row("A2", "no", "1");
	T_EQ_INT(csm_label_get(&lb, &ev), 0);
	row("A3", "no", "5");
	T_EQ_INT(csm_label_get(&lb, &ev), 1);
	/* churned missing and n 1: missing or false is missing: none */
	row("A4", "", "1");
	T_EQ_INT(csm_label_get(&lb, &ev), -1);
	T_EQ_INT(lb.nrows, 4);
	T_EQ_INT(lb.nmissing, 1);
	T_EQ_INT(lb.first_line, tbl.line);
	csm_label_release(&lb);

	/* A bare column reads as a boolean; a number 0 or 1 is one too. */
	csm_label_init(&lb);
	csm_label_expr(&lb, "churned");
	csm_label_bind(&lb, &cols);
	row("A1", " Yes ", "0");
	T_EQ_INT(csm_label_get(&lb, &ev), 1);
	row("A1", "0", "0");
	T_EQ_INT(csm_label_get(&lb, &ev), 0);
	row("A1", "N/A", "0");
	T_EQ_INT(csm_label_get(&lb, &ev), -1);
	csm_label_release(&lb);
	csm_label_init(&lb);
	csm_label_expr(&lb, "n - 1");
	csm_label_bind(&lb, &cols);
	row("A1", "", "2");
	T_EQ_INT(csm_label_get(&lb, &ev), 1);
	row("A1", "", "1");
	T_EQ_INT(csm_label_get(&lb, &ev), 0);
	csm_label_release(&lb);
}

static void
test_movement(void)
{
	struct csm_label lb;
	unsigned char used[3] = {0, 0, 0};

	file("account_id,segment,arr_start,arr_end,movement,amount\n"
	    "A1,SMB,1000.00,0.00,churn,1000.00\n"
	    "A2,SMB,1000.00,900.00,contraction,100.00\n"
	    " A3 ,SMB,1000.00,1200.00,expansion,200.00\n"
	    "A4,SMB,1000.00,1000.00,flat,0.00\n"
	    "A5,SMB,0.00,300.00,new,300.00\n"
	    "A6,SMB,0.00,900.00,reactivation,900.00\n"
	    "A1,SMB,1000.00,0.00,churn,1000.00\n");
	csm_label_init(&lb);
	csm_label_outcomes(&lb, path, NULL);
	/* "Account ID" matches account_id */
	csm_label_bind(&lb, &cols);
	csm_label_columns(&lb, &cols, used);
	T_OK(used[0] && !used[1] && !used[2]);
	/* --outcomes reads account_id, required */
	{
		struct csm_colreg r;

		csm_colreg_init(&r, &cols);
		csm_label_register(&lb, &r);
		T_EQ_INT(r.n, 1);
		T_EQ_STR(r.use[0].name, "account_id");
		T_OK(r.use[0].required);
		T_EQ_STR(r.use[0].users.s, "--outcomes");
		csm_colreg_release(&r);
	}
	row("A1", "", "");
	T_EQ_INT(csm_label_get(&lb, &ev), 1);
	row("A2", "", "");
	T_EQ_INT(csm_label_get(&lb, &ev), 0);
	/* ids are trimmed on both sides */
	row("A3  ", "", "");
	T_EQ_INT(csm_label_get(&lb, &ev), 0);
	row("A4", "", "");
	T_EQ_INT(csm_label_get(&lb, &ev), 0);
	/* new, reactivation: no ARR at the start, no outcome */
	row("A5", "", "");
	T_EQ_INT(csm_label_get(&lb, &ev), -1);
	row("A6", "", "");
	T_EQ_INT(csm_label_get(&lb, &ev), -1);
	/* not in the file */
	row("A7", "", "");
	T_EQ_INT(csm_label_get(&lb, &ev), -1);
	T_EQ_INT(lb.nmissing, 3);
	csm_label_release(&lb);
}

static void
test_churned(void)
{
	struct csm_label lb;

	file("account_id,churned\nB1,yes\nB2,no\nB3,\nB4,1\n");
	csm_label_init(&lb);
	csm_label_outcomes(&lb, path, NULL);
	csm_label_bind(&lb, &cols);
	row("B1", "", "");
	T_EQ_INT(csm_label_get(&lb, &ev), 1);
	row("B2", "", "");
	T_EQ_INT(csm_label_get(&lb, &ev), 0);
	row("B3", "", "");
	T_EQ_INT(csm_label_get(&lb, &ev), -1);
	row("B4", "", "");
	T_EQ_INT(csm_label_get(&lb, &ev), 1);
	csm_label_release(&lb);
}

int
main(void)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return 2;
	close(fd);
	tbl.ncols = 3;
	tbl.hdr = hdr;
	tbl.hdrlen = hdrlen;
	tbl.f = fld;
	tbl.flen = flen;
	tbl.file = "t.csv";
	tbl.line = 1;
	csm_cols_init(&cols, &tbl, NULL);
	csm_eval_init(&ev);
	ev.rec = &tbl;
	ev.cols = &cols;
	T_RUN(test_expr);
	T_RUN(test_movement);
	T_RUN(test_churned);
	csm_eval_release(&ev);
	csm_cols_release(&cols);
	unlink(path);
	T_END();
}

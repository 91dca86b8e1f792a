/*
 * csm.h: the shared library of csm-tools, and the only header cmd/ includes.
 *
 * Modules, one concern per file:
 *   err.c     messages and exits         csm_warn, csm_die, csm_die_at
 *   xalloc.c  allocation that dies       csm_xmalloc, csm_xstrdup, ...
 *   buf.c     growable strings           struct csm_buf
 *   map.c     string-keyed hash map      struct csm_map
 *   val.c     reading values             numbers, money, booleans, dates, periods
 *   money.c   checked money              cents sums, rates, amounts in cells
 *   tbl.c     reading CSV/TSV            struct csm_tbl (libcsv underneath;
 *                                        read ahead on a thread of its own)
 *   out.c     writing CSV/TSV/text       struct csm_out
 *   cols.c    columns by name            csm_cols_find, struct csm_colreg
 *   expr.c    the expression language    struct csm_expr
 *   yaml.c    YAML to a checked tree     struct csm_node (libyaml underneath)
 *   cfg.c     the config                 struct csm_cfg, the schema, --dump-config
 *   score.c   the health score           struct csm_score, components, bands
 *   cover.c   coverage                   struct csm_cover, the summary
 *   signal.c  the signal engine          struct csm_signals: risk, expansion
 *   tierrep.c the tier report            struct csm_tierrep: md, html email
 *   sigrows.c rows with signals appended struct csm_sigrows: stream or --sort
 *   text.c    report text                templates, value formats
 *   utf8.c    UTF-8 for reports          csm_utf8_scan, csm_utf8_width
 *   json.c    writing JSON               struct csm_json
 *   md.c      writing Markdown           csm_md_esc, struct csm_md_table
 *   html.c    writing HTML               csm_html_begin, csm_html_esc
 *   svg.c     charts                     csm_spark_text, csm_svg_chart
 *   rows.c    tables in any format       struct csm_rows
 *   cli.c     shared options             struct csm_cli
 *   sigrun.c  a signal filter's run      struct csm_sigrun: options to output
 *   stat.c    ranking statistics         AUC with DeLong's interval, KS
 *   label.c   the binary outcome         struct csm_label: --label, --outcomes
 *   lift.c    the lift table             struct csm_lift, its formats
 *   logit.c   logistic regression        struct csm_logit: L2, Newton
 *   prev.c    --previous                 csm_prev_there: a first run
 *   fcast.c   the renewal forecast       struct csm_fcast: drawn renewals
 *
 * Ownership: a function that returns a pointer says in its comment who frees
 * it.  Fields handed out by the reader are borrowed and live until the next
 * record is read.
 */
#ifndef CSM_H
#define CSM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sysexits.h>

#define CSM_VERSION "0.2.0"

#if defined(__GNUC__)
#define CSM_NORETURN __attribute__((noreturn))
#define CSM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CSM_NORETURN
#define CSM_PRINTF(f, a)
#endif

/* ---- err.c ------------------------------------------------------------ */

/*
 * Messages go to stderr as "prog: message".  A format ending in ':' gets
 * ": strerror(errno)" appended.  The _at forms put "file:line: " (or
 * "file: " when line is 0) before the message.
 */
void csm_setprogname(const char *argv0);
const char *csm_progname(void);
void csm_warn(const char *fmt, ...) CSM_PRINTF(1, 2);
CSM_NORETURN void csm_die(int status, const char *fmt, ...) CSM_PRINTF(2, 3);
void csm_warn_at(const char *file, long line, const char *fmt, ...)
    CSM_PRINTF(3, 4);
CSM_NORETURN void csm_die_at(int status, const char *file, long line,
    const char *fmt, ...) CSM_PRINTF(4, 5);
void csm_vmsg(const char *file, long line, const char *fmt, va_list ap);
/*
 * Quotes data for a message: s[0..n) with control bytes, NUL, '"' and '\\'
 * escaped (\n, \0, \x1b, \", \\) and cut after CSM_QMAX characters with
 * "...", so that no message repeats a huge field or stops at a NUL.
 * Returns one of a few static buffers (per thread), reused after four calls:
 * good for the arguments of one message.
 */
#define CSM_QMAX 100
const char *csm_q(const char *s, size_t n);
/*
 * A cell that cannot be read as what ("a number"): with badval
 * CSM_BAD_FAIL, or instead NULL, "file:line: column 'C': "text" is not
 * what" and exit 65; else the same as a warning ending ", read as
 * <instead>".  The text is trimmed and quoted with csm_q.
 */
struct csm_tbl;
void csm_cell_error(int badval, const struct csm_tbl *t, const char *col,
    size_t collen, const char *s, size_t n, const char *what,
    const char *instead);
/*
 * How csm_die and the other fatal errors end the program: exit(3) unless
 * a fuzz target or test sets a function that longjmps back instead.
 */
extern void (*csm_exit)(int status);

/* ---- xalloc.c --------------------------------------------------------- */

/* These never return NULL: they die with EX_OSERR.  The caller frees. */
void *csm_xmalloc(size_t n);
void *csm_xcalloc(size_t n, size_t size);
void *csm_xreallocarray(void *p, size_t n, size_t size);
char *csm_xstrdup(const char *s);
char *csm_xstrndup(const char *s, size_t n);

/* ---- buf.c ------------------------------------------------------------ */

/*
 * A growable byte string, always NUL-terminated once anything was added.
 * The buffer owns s; csm_buf_release frees it.  s may move on every add.
 */
struct csm_buf {
	char *s;
	size_t len;
	size_t cap;
};

void csm_buf_init(struct csm_buf *b);
void csm_buf_release(struct csm_buf *b);
void csm_buf_reset(struct csm_buf *b);
void csm_buf_grow(struct csm_buf *b, size_t extra);
void csm_buf_add(struct csm_buf *b, const void *p, size_t n);
void csm_buf_addc(struct csm_buf *b, int c);
void csm_buf_adds(struct csm_buf *b, const char *s);
void csm_buf_printf(struct csm_buf *b, const char *fmt, ...) CSM_PRINTF(2, 3);
/* Hands s to the caller (who frees it) and leaves b empty. */
char *csm_buf_detach(struct csm_buf *b);

/* ---- map.c: string-keyed hash map ------------------------------------ */

/*
 * Entries stay in insertion order in ent[0..n-1] (iterate over those);
 * a hash index finds them, keyed per process (SipHash-1-3 under a random
 * key) so that crafted keys cannot make it quadratic.  Keys are copied and
 * owned by the map; values are the caller's (csm_map_release can free
 * them).
 */
struct csm_map_ent {
	char *key;		/* NUL-terminated copy */
	size_t klen;
	void *val;
};

struct csm_map {
	struct csm_map_ent *ent;
	size_t n;
	size_t cap;		/* of ent */
	size_t *idx;		/* hash slots: entry index + 1, 0 when empty */
	size_t nidx;		/* a power of two */
	size_t probes;		/* slots looked at by csm_map_put, rehashing
				 * included: for tests of the worst case */
};

void csm_map_init(struct csm_map *m);
/* Frees the keys and the tables, and each value with freeval if given. */
void csm_map_release(struct csm_map *m, void (*freeval)(void *));
/* The index of key's entry, added (with val NULL) when new; *isnew says
 * which, when isnew is not NULL. */
size_t csm_map_put(struct csm_map *m, const char *key, size_t n, int *isnew);
/* The index of key's entry, or -1. */
long csm_map_find(const struct csm_map *m, const char *key, size_t n);
/* SipHash-1-3 of p[0..n) under the 16-byte key: the map's hash. */
uint64_t csm_siphash13(const unsigned char *key, const void *p, size_t n);

/* ---- val.c: reading values, as SPEC section 2 says -------------------- */

enum csm_vstat {
	CSM_OK = 0,	/* a value was read */
	CSM_MISSING,	/* empty, NA, N/A, null, -, none */
	CSM_BAD		/* text that is not of the type asked for */
};

/*
 * Each parser takes a byte range (not NUL-terminated), trims surrounding
 * spaces and tabs, and returns an enum csm_vstat.  *out is set only on
 * CSM_OK.  None depends on the locale.
 */
int csm_is_missing(const char *s, size_t n);
/* Narrows s[0..n) past leading and trailing spaces and tabs. */
void csm_trim(const char **s, size_t *n);
int csm_parse_num(const char *s, size_t n, double *out);
/*
 * Whether s[0..n) is written as a number that csm_parse_num refuses only
 * because it is too large for a double (1e400): for saying so in messages.
 */
int csm_num_overflows(const char *s, size_t n);
/* Money in integer cents; more than two decimals round half away from 0. */
int csm_parse_cents(const char *s, size_t n, int64_t *out);
int csm_parse_bool(const char *s, size_t n, int *out);
/*
 * Dates as days since 1970-01-01: YYYY-MM-DD, an ISO 8601 date-time (the
 * date part is used), or, when fmt is not NULL, the strptime format fmt.
 */
int csm_parse_date(const char *s, size_t n, const char *fmt, long *days);
/* The days since 1970-01-01 of a valid civil date; see also csm_date_ymd. */
long csm_days_from_civil(long y, int m, int d);
void csm_civil_from_days(long days, long *y, int *m, int *d);
/* Writes YYYY-MM-DD and a NUL into out, which holds at least 32 bytes. */
void csm_date_format(long days, char *out);
/* Today's date in local time. */
long csm_date_today(void);

/*
 * A reporting period: a month (YYYY-MM, or YYYY-MM-DD for its month) or a
 * quarter (YYYY-Qn), of a year from CSM_PERIOD_YEAR_MIN to 9999 (earlier
 * years are placeholders such as 0001-01-01 or 1899-12-30, not periods).
 * index counts months (year*12 + month-1) or quarters (year*4 +
 * quarter-1) so that consecutive periods differ by 1.
 */
#define CSM_PERIOD_YEAR_MIN 1900
enum csm_period_kind { CSM_MONTH = 1, CSM_QUARTER };
struct csm_period {
	int kind;
	long index;
};
int csm_parse_period(const char *s, size_t n, struct csm_period *out);
/* Writes "2026-03" or "2026-Q1" and a NUL into out (at least 32 bytes). */
void csm_period_format(const struct csm_period *p, char *out);
/* A month or quarter as the month index of its first month. */
long csm_period_first_month(const struct csm_period *p);

/*
 * Rounds x to digits decimals, half away from zero, forgiving the last bits
 * of binary noise (72.49999999999 counts as 72.5).
 */
double csm_round(double x, int digits);
/* Formats x rounded to digits decimals into out (at least 64 bytes);
 * a value too large for that is written in exponent form (%.17g). */
void csm_fmt_num(double x, int digits, char *out);
/*
 * Formats cents as "-1234.56", or with thousands separators "-1,234.56" when
 * grouped is non-zero, into out (at least 32 bytes).
 */
void csm_fmt_cents(int64_t cents, int grouped, char *out);

/* ---- money.c: checked money ------------------------------------------- */

/*
 * Money is integer cents.  An amount read from a cell or computed by an
 * expression is at most CSM_MONEY_MAX currency units either way, so that a
 * sum of many fits; sums are still checked and never wrap.
 */
#define CSM_MONEY_MAX 1000000000000000LL	/* 10^15 units */
#define CSM_CENTS_MAX (CSM_MONEY_MAX * 100)

/* Adds v to *sum: 0, or -1 (and *sum unchanged) when the sum would not
 * fit in int64_t. */
int csm_cents_add(int64_t *sum, int64_t v);
/* x currency units as cents, rounded half away from zero: 0, or -1 when
 * x is not finite or beyond +/-CSM_MONEY_MAX. */
int csm_cents_from_num(double x, int64_t *out);

/*
 * A conversion rate, kept exactly to 9 decimals: whole + frac / 10^9.
 */
#define CSM_RATE_SCALE 1000000000ULL
#define CSM_RATE_MAX 1000000000000LL	/* 10^12 */
struct csm_rate {
	uint64_t whole;
	uint64_t frac;		/* < CSM_RATE_SCALE */
};

/*
 * Reads a rate: digits with one point are read exactly (1.08 is 1.08),
 * other numbers (1e-3, 25%) through csm_parse_num; either way rounded
 * half away from zero to 9 decimals.  CSM_OK, or CSM_BAD when s is not a
 * number, is negative or is above CSM_RATE_MAX.  A rate that rounds to 0
 * is returned as 0: the caller decides whether that is allowed.
 */
int csm_rate_parse(const char *s, size_t n, struct csm_rate *r);
/* cents * r, rounded half away from zero to the cent: 0, or -1 when the
 * result would not fit in int64_t. */
int csm_cents_mul_rate(int64_t cents, const struct csm_rate *r,
    int64_t *out);
/*
 * Reads the amount in field col of t's current record (columns named by
 * cols) into *cents.  Returns CSM_OK, or CSM_MISSING for an empty cell or
 * a missing token, and for text that is not an amount when badval is
 * CSM_BAD_MISSING (with a warning).  Data errors (65) naming the file,
 * line, column and text: text that is not an amount when badval is
 * CSM_BAD_FAIL; an amount beyond +/-CSM_MONEY_MAX (or too large to read,
 * 1e400); and, when arr is non-zero, an amount below 0 (ARR cannot be).
 */
struct csm_cols;
int csm_cell_cents(const struct csm_tbl *t, const struct csm_cols *cols,
    size_t col, int badval, int arr, int64_t *cents);

/* ---- tbl.c: reading CSV and TSV --------------------------------------- */

enum csm_ragged {
	CSM_RAGGED_ERROR = 0,	/* a record of another width is a data error */
	CSM_RAGGED_PAD,		/* short records padded, long ones an error */
	CSM_RAGGED_SKIP,	/* records of another width skipped, with a warning */
	CSM_RAGGED_KEEP		/* records come as they are: nf may differ */
};

/*
 * One table read from a list of files (NULL or "-" is standard input), as
 * one table when they share a header (field by field).  Records come one
 * at a time, in constant memory; a field may be any length.
 *
 * Each file's delimiter is opts->delim, or when that is 0 the one of
 * , ; TAB | found most often outside quotes in its header line (ties in
 * that order; none: a comma).  A tab means TSV, the dialect of Miller and
 * PostgreSQL COPY: no quoting, \t \n \r \\ (and \b \f \v) decoded,
 * a field of just \N empty, any other backslash kept.  Any other
 * delimiter means CSV (RFC 4180, strict).  A file that is not UTF-8 text
 * (UTF-16/UTF-32 BOM, ZIP/XLSX, XLS, PDF or gzip signature, NUL in the
 * header line) is a data error saying what it looks like.
 *
 * After csm_tbl_open, header fields are in hdr/hdrlen (ncols of them).
 * After csm_tbl_next returns 1, the record's fields are f[i] (flen[i] bytes,
 * NUL-terminated, may hold NUL bytes) for i < nf (which is ncols unless
 * the ragged mode is CSM_RAGGED_KEEP), file names the input,
 * and line is the line the record starts on.  All of these are borrowed
 * from the reader and valid until the next call.
 *
 * Errors (cannot open: 66; not text, malformed CSV, ragged record, header
 * mismatch: 65; read error: 74) print "prog: file:line: message" and exit.
 *
 * csm_tbl_readahead starts a thread that reads and parses the records
 * ahead of csm_tbl_next, in batches (a ring of a few, so memory stays
 * bounded), so that a tool's work on a record overlaps the parsing of the
 * next ones.  What csm_tbl_next hands out is the same, and so are the
 * errors: each is reported by csm_tbl_next after every record before it,
 * never by the thread.  Call it after csm_tbl_open, before the first
 * csm_tbl_next that should read ahead; without threads it does nothing.
 * csm_tbl_close tells the thread to stop and waits for it.
 */
struct csm_tbl {
	size_t ncols;
	size_t nf;		/* fields in this record: ncols unless KEEP */
	char **hdr;
	size_t *hdrlen;
	char **f;
	size_t *flen;
	const char *file;
	long line;
	int delim;		/* the first file's delimiter: '\t' is TSV */
	size_t fcap;		/* private */
	struct csm_tbl_in *in;	/* private */
};

struct csm_tbl_opts {
	int delim;		/* 0: detect from the header line */
	int ragged;		/* enum csm_ragged */
};

void csm_tbl_open(struct csm_tbl *t, char *const *files, size_t nfiles,
    const struct csm_tbl_opts *opts);
/*
 * What a file whose header starts with s[0..n) looks like when that is a
 * signature of something other than UTF-8 text ("looks like an Excel
 * workbook ...: save the sheet as CSV UTF-8"), or NULL.  A static string.
 */
const char *csm_tbl_nottext(const char *s, size_t n);
int csm_tbl_next(struct csm_tbl *t);
void csm_tbl_readahead(struct csm_tbl *t);
void csm_tbl_close(struct csm_tbl *t);

/* ---- out.c: writing ---------------------------------------------------- */

/*
 * A buffered writer on a file descriptor.  Every write is checked: a failed
 * write exits 74 with a message naming the output, and a closed pipe
 * (EPIPE) ends the program as SIGPIPE would, quietly.
 *
 * Fields are written as CSV (minimal RFC 4180 quoting) or, when delim is a
 * tab, as TSV (\t \n \r \\ escapes, no quoting), the dialects tbl.c
 * reads back the same.  Output leaves the buffer in whole records
 * (csm_out_endrec ends one), and text written between records or without
 * any in whole lines; a record larger than the buffer grows it.  After a
 * fatal error (csm_die), csm_out_atdie writes every record or line
 * completed before it, and nothing after.
 *
 * The writer is on a list of open writers from csm_out_init until
 * csm_out_close or csm_out_discard, which one of them must end it.
 */
struct csm_out {
	int fd;
	const char *name;
	int delim;		/* field separator for csm_out_field */
	int nfield;		/* fields written in the current record */
	int empty;		/* the record's fields so far are all empty */
	char *buf;
	size_t len;
	size_t cap;
	size_t mark;		/* buf[0..mark) holds whole records */
	int failed;		/* a write failed: write nothing more */
	unsigned long nrec;	/* records ended: 0 while writing the header */
	int plain;		/* past the header: the fast path */
	struct csm_out *next;	/* private: the list of open writers */
	int sdelim;		/* private: the delim that special is for, */
	unsigned char special[256];	/* and the bytes that a field
					 * cannot hold as they are */
};

void csm_out_init(struct csm_out *o, int fd, const char *name, int delim);
/*
 * Writes one field: quoted only when it must be (RFC 4180), or escaped
 * when delim is a tab (TSV).  In the first record (the header), a CSV
 * field holding , ; TAB or | is quoted too, so that the delimiter is
 * detected right when the output is read back.
 */
void csm_out_field(struct csm_out *o, const char *s, size_t n);
void csm_out_fields(struct csm_out *o, char *const *f, const size_t *n,
    size_t count);
/* Ends the record: a record of one empty field is written "" (TSV: \N). */
void csm_out_endrec(struct csm_out *o);
void csm_out_write(struct csm_out *o, const void *p, size_t n);
void csm_out_puts(struct csm_out *o, const char *s);
void csm_out_printf(struct csm_out *o, const char *fmt, ...) CSM_PRINTF(2, 3);
/* Writes out everything buffered, whole or not. */
void csm_out_flush(struct csm_out *o);
/* Flushes, frees the buffer and closes fd; dies 74 on failure. */
void csm_out_close(struct csm_out *o);
/*
 * Flushes and frees the buffer but leaves fd open: for a writer on
 * standard error, or on a descriptor the caller closes.
 */
void csm_out_release(struct csm_out *o);
/* Frees the buffer and closes fd, writing nothing more (an abandoned file). */
void csm_out_discard(struct csm_out *o);
/*
 * For csm_die and the other fatal errors: writes what is whole in every
 * open writer's buffer (records, or lines of text), ignoring write errors
 * and SIGPIPE, and forgets the writers.
 */
void csm_out_atdie(void);

/* ---- cols.c: columns by name ------------------------------------------ */

/*
 * Normalises a header or column name: lower case, every run of
 * non-alphanumerics becomes '_', leading and trailing '_' trimmed.  Writes a
 * NUL-terminated string into buf (caller-owned, returned for convenience).
 */
char *csm_col_norm(const char *s, size_t n, struct csm_buf *buf);

/*
 * A header with the config's columns: map, for finding columns by
 * canonical name.  Borrowed from the table and the config.
 */
struct csm_cols {
	size_t n;
	char **name;		/* header text, borrowed */
	size_t *len;
	char **norm;		/* normalised header names, owned */
	const struct csm_node *map;	/* config columns: (canonical -> header) */
	const char *file;	/* where the header came from, for messages */
};

void csm_cols_init(struct csm_cols *c, const struct csm_tbl *t,
    const struct csm_node *colmap);
void csm_cols_release(struct csm_cols *c);
/*
 * Finds a column by canonical name or header text: the columns: map first,
 * then an exact header match, then a match after normalising both.
 * Returns its index or -1.
 */
long csm_cols_find(const struct csm_cols *c, const char *name);
/* As csm_cols_find, but a missing column is a data error (65) that lists
 * the headers and suggests the nearest; what says who needs it. */
size_t csm_cols_need(const struct csm_cols *c, const char *name,
    const char *what);
/* The header most like name, or NULL when none is close. */
const char *csm_cols_suggest(const struct csm_cols *c, const char *name);
/* Whether name is an optional canonical column (owner, arr, ...). */
int csm_col_optional(const char *name);
/* Edit distance, for "did you mean". */
size_t csm_editdist(const char *a, const char *b);

struct csm_expr;
struct csm_tmpl;

/*
 * How a name matches the header: an exact match wins; else a header that
 * matches after normalising; two headers equally good are ambiguous.
 * csm_cols_find dies 65 on an ambiguous match; csm_cols_match only says.
 */
enum csm_match {
	CSM_MATCH_NONE = 0,
	CSM_MATCH_EXACT,
	CSM_MATCH_NORM,
	CSM_MATCH_AMBIGUOUS
};

struct csm_colmatch {
	int how;		/* enum csm_match */
	long idx;		/* the header's index, or -1 */
	long other;		/* CSM_MATCH_AMBIGUOUS: a second one */
	const struct csm_node *mapped;	/* the columns: entry used, or NULL */
};

void csm_cols_match(const struct csm_cols *c, const char *name,
    struct csm_colmatch *m);
/* Dies 65 naming the headers of an ambiguous match of name. */
CSM_NORETURN void csm_cols_ambiguous(const struct csm_cols *c,
    const char *name, const struct csm_colmatch *m);
/*
 * Appends the headers to b for a message, "a, b, c", at most
 * CSM_LIST_MAX of them, each quoted with csm_q, then "and 99,990 more".
 */
#define CSM_LIST_MAX 20
void csm_cols_list(const struct csm_cols *c, struct csm_buf *b);

/*
 * The header of a filter's output: the input's columns, then the columns
 * the tool appends.  An appended column replaces an input column only
 * when the input's header is exactly its name (re-scoring a scored file);
 * a header that only normalises to it (a CRM's "Health Score") is kept and
 * the column appended.  name[i] is borrowed from the table for i < nin and
 * owned after; csm_outhdr_release frees what is owned.
 */
struct csm_outhdr {
	size_t n;		/* output columns */
	size_t nin;		/* input columns */
	char **name;
	size_t *len;
	const char *file;	/* the input, for messages */
};

void csm_outhdr_init(struct csm_outhdr *h, const struct csm_cols *c);
/*
 * The output index of the appended column name.  Two input columns named
 * exactly name are a data error (65): one would be left stale.
 */
size_t csm_outhdr_place(struct csm_outhdr *h, const char *name);
/* Writes the header as one record. */
void csm_outhdr_write(const struct csm_outhdr *h, struct csm_out *o);
void csm_outhdr_release(struct csm_outhdr *h);

/*
 * The columns a tool uses, one entry per canonical name, filled by the
 * tool (its own columns, and every column its expressions read) before it
 * binds anything.  It drives the checks every tool makes (ambiguous
 * headers, columns: entries naming absent headers), the warning for an
 * absent optional column, and --columns.  The registry owns its entries.
 */
struct csm_coluse {
	char *name;		/* canonical name */
	int required;
	struct csm_buf users;	/* who reads it, "; "-separated */
	struct csm_buf effects;	/* what its absence costs, or empty */
	struct csm_colmatch m;	/* filled by csm_colreg_match */
};

struct csm_colreg {
	const struct csm_cols *cols;	/* borrowed */
	struct csm_coluse *use;
	size_t n, cap;
};

void csm_colreg_init(struct csm_colreg *r, const struct csm_cols *c);
void csm_colreg_release(struct csm_colreg *r);
/*
 * Registers name as used by user (a short phrase: "the report", "signal
 * low_health").  effect says what the output lacks when an optional column
 * is absent ("the report shows no ARR"), or NULL for nothing to say.  A
 * name registered again gathers its users and effects; required wins.
 */
void csm_colreg_add(struct csm_colreg *r, const char *name, int required,
    const char *user, const char *effect);
/* Registers every column e reads: optional ones (csm_col_optional) with
 * the effect "<user> reads it as missing", the others required. */
void csm_colreg_add_expr(struct csm_colreg *r, const struct csm_expr *e,
    const char *user);
/* The same for the expressions of a template. */
void csm_colreg_add_tmpl(struct csm_colreg *r, const struct csm_tmpl *t,
    const char *user);
/* Matches every entry against the header (csm_cols_match). */
void csm_colreg_match(struct csm_colreg *r);
/*
 * Matches, then checks: an ambiguous header, or a columns: entry naming a
 * header that is not there, is a data error (65).  An absent required
 * column is left to the binding, which names who needs it.
 */
void csm_colreg_check(struct csm_colreg *r);
/*
 * After the checks and the binding: a warning for each absent optional
 * column with an effect, once, with the nearest header no other column
 * matched ("no column 'arr' (did you mean 'ARR (USD)'? map it under
 * columns:); the report shows no ARR").  Tools skip it under -q.
 */
void csm_colreg_warn(const struct csm_colreg *r);
/*
 * Writes the --columns table: column, required, header, match (exact,
 * normalised, columns, none or ambiguous) and used_by, one row per entry.
 */
void csm_colreg_print(struct csm_colreg *r, struct csm_out *o);

/* ---- expr.c: the expression language ---------------------------------- */

enum csm_type { CSM_T_MISSING = 0, CSM_T_NUM, CSM_T_BOOL, CSM_T_STR };

/*
 * A value.  A string points into the record or into the evaluator's
 * scratch space, valid until the next csm_expr_eval on the same context.
 */
struct csm_val {
	int type;		/* enum csm_type */
	double num;		/* CSM_T_NUM; CSM_T_BOOL: 0 or 1 */
	const char *str;	/* CSM_T_STR */
	size_t len;
};

struct csm_expr;

/*
 * Where an expression's error was found: the message and the 1-based
 * column inside the expression text.
 */
struct csm_experr {
	char msg[200];
	size_t col;
};

/*
 * Compiles src (n bytes).  Returns the expression, owned by the caller
 * (csm_expr_free), or NULL with *err filled.
 */
struct csm_expr *csm_expr_compile(const char *src, size_t n,
    struct csm_experr *err);
/*
 * Says what the caller reads the result as: CSM_T_NUM (a value), CSM_T_BOOL
 * (a condition) or CSM_T_STR.  A bare column (`value: nps`, `when:
 * champion_left`) is then read as that type, with csm_expr_eval's data
 * error naming the column; a result that can never be of the type ('abc'
 * as a value) fails here.  Call after compile, before eval.  Returns 0, or
 * -1 with *err filled.  Without it, a bare column yields its text.
 */
int csm_expr_want(struct csm_expr *e, int type, struct csm_experr *err);
void csm_expr_free(struct csm_expr *e);
/*
 * Resolves the expression's column references against a header.  A
 * reference to an absent optional column (csm_col_optional) reads as
 * missing.  Returns 0, or -1 with *err naming the first unknown column
 * (err->col points at it) and suggesting the nearest header.
 */
int csm_expr_bind(struct csm_expr *e, const struct csm_cols *c,
    struct csm_experr *err);
/* Calls fn for every column name the expression references. */
void csm_expr_columns(const struct csm_expr *e,
    void (*fn)(void *ctx, const char *name), void *ctx);

enum csm_badval {
	CSM_BAD_FAIL = 0,	/* a value that cannot be read is a data error */
	CSM_BAD_MISSING		/* it reads as missing, with a warning */
};

/*
 * What an evaluation needs besides the expression: the record, today's
 * date, the date format, and scratch space for strings.
 */
struct csm_eval {
	const struct csm_tbl *rec;	/* the current record */
	const struct csm_cols *cols;	/* for naming columns in messages */
	long today;			/* days since 1970-01-01 (--as-of) */
	const char *date_format;	/* config date_format or NULL */
	int badval;			/* enum csm_badval */
	struct csm_buf scratch;
};

void csm_eval_init(struct csm_eval *ev);
void csm_eval_release(struct csm_eval *ev);
/*
 * Evaluates e on ev->rec into *out.  A column value that cannot be read as
 * the type needed is a data error naming file, line, column and text.
 */
void csm_expr_eval(const struct csm_expr *e, struct csm_eval *ev,
    struct csm_val *out);
/*
 * Evaluates e as a number: CSM_OK with *out, or CSM_MISSING.  A column
 * that cannot be read as a number is handled as in csm_expr_eval.
 */
int csm_expr_num(const struct csm_expr *e, struct csm_eval *ev, double *out);
/* The value as a condition: true, or false when false or missing. */
int csm_val_true(const struct csm_val *v);
/* The value as a number: CSM_OK, CSM_MISSING or CSM_BAD (not a number). */
int csm_val_num(const struct csm_val *v, double *out);

/* ---- yaml.c: YAML to a checked tree ----------------------------------- */

enum csm_node_kind { CSM_N_SCALAR = 1, CSM_N_SEQ, CSM_N_MAP };

/*
 * A node of a config tree.  A map's kids alternate key, value (n counts
 * both).  Scalars keep their text and whether they were quoted.
 * Positions are 1-based.
 */
struct csm_node {
	int kind;
	char *str;		/* scalar text, NUL-terminated */
	size_t len;
	int quoted;
	int flow;		/* a map or list written in flow style {...} [...] */
	size_t n;
	struct csm_node **kid;
	const char *file;	/* borrowed from the tree's owner */
	long line;
	long col;
};

/*
 * Parses YAML text into a tree: one document; aliases, anchors, tags,
 * duplicate keys, complex keys, more than 1 MiB or nesting deeper than 64
 * are refused.  Returns the root (owned by the caller, csm_node_free) or
 * NULL with msg (and *line, *col) set.
 */
struct csm_node *csm_yaml_parse(const char *text, size_t n, const char *file,
    char *msg, size_t msgsz, long *line, long *col);
void csm_node_free(struct csm_node *nd);
/* The value of key in map, or NULL. */
const struct csm_node *csm_node_get(const struct csm_node *map,
    const char *key);
/* Writes the tree as YAML that csm_yaml_parse reads back the same. */
void csm_node_dump(const struct csm_node *nd, struct csm_out *o);

/* ---- cfg.c: the config ------------------------------------------------ */

#define CSM_CFG_MAX_BYTES (1024L * 1024)
#define CSM_CFG_MAX_DEPTH 64

/*
 * The effective config: the built-in default with the user's sections
 * put over it (a section replaces the default's whole; columns: entries
 * merge).  Loaded and checked against the schema of every section, every
 * expression compiled, before any data is read.
 */
struct csm_cfg {
	const char *file;	/* the user's file, or "<default>" */
	char *found;		/* the XDG config's path, when that was read */
	struct csm_node *root;	/* the effective tree */
	struct csm_node *user;	/* the user's tree, or NULL */
	struct csm_node *dflt;	/* the built-in tree */
	const struct csm_node *columns;	/* columns: map or NULL */
	const char *date_format;	/* NULL when not set */
	int badval;		/* enum csm_badval from bad_values: */
};

/* The built-in default config, YAML text. */
extern const char csm_default_config[];

/*
 * Loads path, or $CSM_CONFIG when path is NULL, or the user's config
 * $XDG_CONFIG_HOME/csm/csm.yaml (~/.config/csm/csm.yaml) when it exists,
 * over the built-in default (alone when none of these is there).  Dies 66
 * when the file cannot be opened and 78 with "file:line:col: message" when
 * it is not a valid config.
 */
void csm_cfg_load(struct csm_cfg *cfg, const char *path);
/*
 * The same with the user's config given as text (n bytes, borrowed only
 * during the call), named name in messages: csm-fit checks what it writes.
 */
void csm_cfg_load_text(struct csm_cfg *cfg, const char *text, size_t n,
    const char *name);
void csm_cfg_release(struct csm_cfg *cfg);
/* A top-level section ("score", "risk", ...) of the effective config. */
const struct csm_node *csm_cfg_section(const struct csm_cfg *cfg,
    const char *name);
/* Dies 78 with "file:line:col: message" about node nd. */
CSM_NORETURN void csm_cfg_die(const struct csm_node *nd, const char *fmt, ...)
    CSM_PRINTF(2, 3);
/* Reads a checked scalar (the schema has already vouched for its type). */
double csm_cfg_num(const struct csm_node *nd);
/* Compiles a checked expression scalar; the caller frees the result. */
struct csm_expr *csm_cfg_expr(const struct csm_node *nd);
/* The same, for an expression whose value must be of type (CSM_T_NUM,
 * CSM_T_BOOL or CSM_T_STR): a bare column then reads as that type. */
struct csm_expr *csm_cfg_expr_as(const struct csm_node *nd, int type);
/* Binds a compiled config expression to the header; an unknown column is
 * a data error (65) naming the config position and the header. */
void csm_cfg_bind(struct csm_expr *e, const struct csm_node *nd,
    const struct csm_cols *c);
/* A band of a score (score.bands) or a tier of risk (risk.tiers). */
struct csm_band {
	const char *name;	/* borrowed from the config */
	double min;		/* the band holds values >= min */
};

/*
 * Reads a checked list of {name, min}, highest first, into an array the
 * caller frees; *n gets its length.
 */
struct csm_band *csm_cfg_bands(const struct csm_node *list, size_t *n);
/* The index of the first band whose min v reaches, or n when none. */
size_t csm_band_find(const struct csm_band *b, size_t n, double v);
/* Writes the effective config as YAML. */
void csm_cfg_dump(const struct csm_cfg *cfg, struct csm_out *o);

/* ---- score.c: the health score ---------------------------------------- */

/* How a component maps its value to a sub-score. */
enum csm_mapping {
	CSM_MAP_PLAIN = 0,	/* the value itself, clamped to 0-100 */
	CSM_MAP_POINTS,		/* linear between (x, score) pairs */
	CSM_MAP_STEPS,		/* the score of the last pair reached */
	CSM_MAP_TEXT		/* map: a score per text value, default: */
};

/* A component of score:, read from the checked config (names borrowed). */
struct csm_component {
	const char *name;
	const struct csm_node *node;
	const struct csm_node *value_node;
	double weight;
	struct csm_expr *value;
	int mapping;		/* enum csm_mapping */
	size_t npairs;
	double *x, *s;		/* points or steps */
	const struct csm_node *map;
	int has_default;
	double dflt;
};

/*
 * The score: section: components, bands and policies.  It is the default
 * scorecard, and holds the scorecards of score.segments in seg[]: each a
 * struct csm_score of its own components (or the default's reweighted)
 * and bands (or the section's), with the section's missing, precision and
 * min_weight; the calibration is the section's, on the default only.
 */
struct csm_score {
	struct csm_component *comp;
	size_t ncomp;
	struct csm_band *band;
	size_t nband;
	int missing;		/* score.missing: 'r'enormalize, 'z'ero, 'f'ail */
	int precision;		/* decimals of the score */
	double total_weight;
	double min_weight;	/* share of total_weight a row needs present */
	size_t ncal;		/* score.calibration pairs, or 0 */
	double *calx, *calp;	/* score -> churn probability */
	const char *name;	/* the scorecard: "default", or its segment */
	struct csm_score *seg;	/* score.segments' scorecards, or NULL */
	size_t nseg;
	const struct csm_node *segments;	/* score.segments, or NULL */
	const char *segcol;	/* score.segment_column (default segment) */
	long segidx;		/* its column once bound, or -1 */
};

/* The band of a row left without a score (a reserved band name). */
#define CSM_UNSCORED "unscored"
/* The name of the scorecard of rows without one of their own. */
#define CSM_SCORECARD_DEFAULT "default"

/*
 * One component evaluated on a record.  status is CSM_OK (score holds the
 * sub-score), CSM_MISSING (the value is missing) or CSM_BAD (a map has no
 * entry for the text and no default).  value is the numeric value when
 * there is one; text/len the text a map looked up (borrowed from the
 * record, the evaluator or buf: valid until the next evaluation).
 */
struct csm_subscore {
	int status;
	double value;
	const char *text;
	size_t len;
	double score;
	char buf[64];
};

/*
 * Reads score: from the checked config into sc, the segments' scorecards
 * included; sc borrows from cfg and owns the rest (csm_score_release).
 */
void csm_score_load(struct csm_score *sc, const struct csm_cfg *cfg);
/* Binds every scorecard's expressions to the header, and with segments
 * finds the segment column (a missing one: dies 65). */
void csm_score_bind(struct csm_score *sc, const struct csm_cols *cols);
void csm_score_release(struct csm_score *sc);
/*
 * The scorecard of t's current record: the segment's whose value is the
 * segment column's text (trimmed; an exact match first, then one that
 * ignores case), else sc itself.  Returns its index, 0 for sc and k + 1
 * for sc->seg[k]; csm_score_card gives the scorecard of an index.
 */
size_t csm_score_pick(const struct csm_score *sc, const struct csm_tbl *t);
const struct csm_score *csm_score_card(const struct csm_score *sc,
    size_t k);
/* Evaluates component i on ev's current record into *out. */
void csm_score_component(const struct csm_score *sc, size_t i,
    struct csm_eval *ev, struct csm_subscore *out);
/*
 * The weighted score of the sub-scores sub[i] where present[i] is
 * non-zero, by score.missing (renormalize or zero), rounded to the
 * precision: returns 1 with *score, or 0 when the row is unscored (the
 * present components weigh nothing, or less than score.min_weight of the
 * total weight): its health_score is empty and its band CSM_UNSCORED.
 * score.missing fail is the caller's to apply.
 */
int csm_score_combine(const struct csm_score *sc, const double *sub,
    const unsigned char *present, double *score);
/* The name of the band of a rounded score, or "" below every band. */
const char *csm_score_band(const struct csm_score *sc, double score);
/*
 * The churn probability of a score by score.calibration (linear between
 * pairs, the end values held outside them): returns 1 with *p, or 0 when
 * the config has no calibration.
 */
int csm_score_churn(const struct csm_score *sc, double score, double *p);
/*
 * Whether map component c has an entry for the text s[0..n) (trimmed;
 * exact or ignoring case, as the lookup matches), the default aside.
 */
int csm_score_mapped(const struct csm_component *c, const char *s,
    size_t n);
/*
 * The sub-score component c gives a value already evaluated: the number v,
 * or for a map the text s[0..n).  Returns CSM_OK with *score, or CSM_BAD
 * when a map has no entry for the text and no default.
 */
int csm_score_map(const struct csm_component *c, double v, const char *s,
    size_t n, double *score);

/* ---- cover.c: coverage, for the summary of what was missing ----------- */

/*
 * Per component or signal: the rows where its value was missing and, for a
 * map, the texts it had no entry for.  The tool increments missing itself
 * (the row path stays an increment); texts are kept in bounded memory.
 */
struct csm_cover_item {
	const char *kind;	/* "component", "signal"; borrowed */
	const char *name;	/* borrowed */
	size_t missing;		/* rows where the value was missing */
	size_t unmatched;	/* rows whose text a map had no entry for */
	size_t dropped;		/* of them, texts past the table's cap */
	struct csm_map *texts;	/* unmatched text -> index into count */
	size_t *count;
	size_t ncount;
};

struct csm_cover {
	size_t rows;		/* rows seen; the tool counts them */
	size_t unscored;	/* rows left without a score */
	const char *first_file;	/* where the first unscored row is */
	long first_line;
	struct csm_cover_item *item;
	size_t n;
};

/* n items, each named by csm_cover_name; csm_cover_release frees. */
void csm_cover_init(struct csm_cover *cv, size_t n);
void csm_cover_name(struct csm_cover *cv, size_t i, const char *kind,
    const char *name);
void csm_cover_release(struct csm_cover *cv);
/* Item i's map had no entry for s[0..n) (counted trimmed). */
void csm_cover_unmatched(struct csm_cover *cv, size_t i, const char *s,
    size_t n);
/* A row left unscored, at file:line (file borrowed for the run). */
void csm_cover_unscored(struct csm_cover *cv, const char *file, long line);
/*
 * The summary, one warning per item that had missing values ("coverage:
 * component 'x' missing on 1,695 of 7,043 rows (24.1%); its map has no
 * entry for "Two-year" (1,695)") and one for the unscored rows, followed
 * by ": why" when why is not NULL.  Prints nothing when nothing was
 * missing.
 */
void csm_cover_report(const struct csm_cover *cv, const char *why);
/* Writes n with thousands separators ("99,990") into out (32 bytes). */
void csm_fmt_count(size_t n, char *out);

/* ---- signal.c: the signal engine of csm-risk and csm-expand ----------- */

/*
 * A config section of signals (risk:, expansion:): each signal a
 * condition on a row worth points (from -100 to 100), with a reason;
 * tiers, highest first (below all of them: none, tier ntier); patterns
 * of signals that together add points, raise the tier, or both.  A row's
 * score is the sum of the points of what fired, from 0 to 100; its tier
 * the first whose min the score reaches, raised by the patterns that
 * fired.  Names are borrowed from the config, which must outlive the
 * signals; expressions and templates are owned.
 *
 * A reason is a list of cases: the sentence is the text of the first
 * whose condition holds (a case without one always holds); a reason
 * given as one template is one such case.  A sentence that comes out
 * empty is left out.
 */
struct csm_reason {
	const struct csm_node *when_node;
	struct csm_expr *when;		/* NULL: always */
	struct csm_tmpl *text;
};

struct csm_signal {
	const char *name;
	const struct csm_node *when_node;
	struct csm_expr *when;
	double points;
	struct csm_reason *reason;
	size_t nreason;		/* 0: the default reason (when no case
				 * holds, too) */
	char **col;		/* the columns `when` reads, for that */
	long *colidx;		/* bound: their fields, or -1 */
	size_t ncol;
	int optional;		/* optional: true: off when a column is absent */
	int off;		/* bound: optional, and a column is absent */
};

struct csm_pattern {
	const char *name;
	size_t *sig;		/* the indices of its signals */
	size_t nsig;
	size_t tier;		/* it raises the tier to at least this
				 * (ntier: it raises nothing) */
	double points;		/* added to the score */
	struct csm_reason *reason;
	size_t nreason;		/* 0: no sentence (nor when no case holds) */
};

struct csm_signals {
	const char *section;	/* "risk", "expansion" */
	struct csm_band *tier;
	size_t ntier;		/* tier ntier is "none" */
	struct csm_signal *sig;
	size_t nsig;
	struct csm_pattern *pat;
	size_t npat;
};

/*
 * What one row got.  names holds the names of the signals, then the
 * patterns, that fired, ';'-separated; reasons their sentences,
 * "; "-separated; part the (offset, length) of each: nnames names in
 * names, then nreasons sentences in reasons.  scoretext is the score as
 * the output column holds it (whole, or up to two decimals).  fired[i]
 * says whether signal i, and fired[nsig + j] whether pattern j, fired.
 * All is overwritten by the next assessment.
 */
struct csm_assessment {
	double score;
	size_t tier;
	char scoretext[64];
	struct csm_buf names;
	struct csm_buf reasons;
	size_t nnames, nreasons;
	size_t *part;
	unsigned char *fired;
};

/*
 * Reads the section named section of the checked config into s (dies 78
 * when the config has none); csm_signals_release frees what s owns.
 */
void csm_signals_load(struct csm_signals *s, const struct csm_cfg *cfg,
    const char *section);
void csm_signals_release(struct csm_signals *s);
/*
 * Registers every column the signals and patterns read (csm_colreg_add_*);
 * an optional signal's as optional, its absence turning the signal off.
 */
void csm_signals_columns(const struct csm_signals *s, struct csm_colreg *reg);
/*
 * Binds every expression to the header (an unknown column dies 65).  An
 * optional signal that reads a column the header lacks (other than the
 * optional canonical ones, which read as missing) is off: it never fires
 * (nor do the patterns that need it) and is not counted as missing.
 */
void csm_signals_bind(struct csm_signals *s, const struct csm_cols *cols);
/*
 * For what a section uses only where the data has it (an optional signal,
 * the report's value): registers the columns e and t read (either may be
 * NULL) as optional, their absence costing effect (the optional canonical
 * ones read as missing); csm_signals_absent says whether one the header
 * lacks is among them.
 */
void csm_signals_optional(struct csm_colreg *reg, const struct csm_expr *e,
    const struct csm_tmpl *t, const char *who, const char *effect);
int csm_signals_absent(const struct csm_expr *e, const struct csm_tmpl *t,
    const struct csm_cols *cols);
/* Initialises cv with one item per signal, for the coverage summary. */
void csm_signals_cover(const struct csm_signals *s, struct csm_cover *cv);
/* The name of tier i, "none" for i == ntier (a static or borrowed string). */
const char *csm_signals_tier_name(const struct csm_signals *s, size_t i);
/* The tier named exactly name, ntier for "none", or -1. */
long csm_signals_tier_find(const struct csm_signals *s, const char *name);
/* Appends "critical, high, ..., none" to b, for messages. */
void csm_signals_tier_list(const struct csm_signals *s, struct csm_buf *b);
/*
 * A tier named on the command line by option opt, ignoring case; another
 * name is a usage error listing the tiers (usage text printed, exit 64).
 */
size_t csm_signals_tier_arg(const struct csm_signals *s, const char *usage,
    const char *opt, const char *arg);
/* a's buffers, sized for s; csm_assessment_release frees them. */
void csm_assessment_init(struct csm_assessment *a,
    const struct csm_signals *s);
void csm_assessment_release(struct csm_assessment *a);
/*
 * Assesses ev's current record into a; a condition that is missing counts
 * in cv's item of its signal (cv may be NULL).  Data errors as in
 * csm_expr_eval.
 */
void csm_signals_assess(const struct csm_signals *s, struct csm_eval *ev,
    struct csm_cover *cv, struct csm_assessment *a);

/* ---- tierrep.c: the tier report (csm-risk's weekly report, csm-expand's) */

/*
 * A report of the accounts at the listed tiers (tier <= listed), in
 * Markdown or as a self-contained HTML email (inline styles, no scripts,
 * no remote resources, 600 pixels wide): a headline with the money at
 * those tiers, compact in the currency ("$2.2M of $23.3M ARR at risk");
 * a table of the listed tiers, exact; with changes, what changed since the
 * previous report (new, escalated, resolved); per owner (owner names as
 * given, trimmed by the caller; none: "No owner") the listed accounts,
 * worst first (tier, ARR, score, input order), with tier, score, ARR,
 * value, renewal, change and reasons, and with top only the top ones and
 * a line for the rest; then a line counting the lower tiers.
 *
 * Call csm_tierrep_count for every row, then csm_tierrep_add for each row
 * at a listed tier; csm_tierrep_resolved for the accounts that left the
 * list; csm_tierrep_write once at the end.  The report holds only what it
 * prints: a copy of each listed account's texts and numbers in one
 * allocation (with top, at most top per owner), counters per tier and
 * per owner, and the changes.  It borrows s and the strings set below.
 */
enum csm_tierrep_fmt { CSM_TIERREP_MD = 0, CSM_TIERREP_HTML };
/* What it is about, for its words and colours. */
enum csm_tierrep_kind { CSM_TIERREP_RISK = 0, CSM_TIERREP_GROWTH };
/* An account's change since the previous report, at the listed tiers. */
enum csm_tierrep_change {
	CSM_CHG_NONE = 0, CSM_CHG_NEW, CSM_CHG_ESCALATED, CSM_CHG_IMPROVED,
	CSM_CHG_UNCHANGED
};
/* The columns the input has, for csm_tierrep.has. */
enum {
	CSM_TR_ID = 1, CSM_TR_NAME = 2, CSM_TR_OWNER = 4, CSM_TR_ARR = 8,
	CSM_TR_RENEWAL = 16, CSM_TR_VALUE = 32
};

/* One account, as csm_tierrep_add reads it (borrowed for the call). */
struct csm_tierrep_acct {
	const char *id, *name, *owner, *renewal;	/* or NULL */
	size_t idlen, namelen, ownerlen, renewallen;
	int has_arr, has_value;
	int64_t arr, value;	/* cents */
	size_t tier;
	double score;
	const char *scoretext;
	int change;		/* enum csm_tierrep_change */
	size_t was;		/* the tier before, for escalated and improved */
	const char *reasons;	/* nreasons sentences at (offset, length) */
	const size_t *part;	/* pairs in part */
	size_t nreasons;
};

struct csm_tierrep {
	/* set after csm_tierrep_init, before the first row */
	int fmt;		/* enum csm_tierrep_fmt */
	int kind;		/* enum csm_tierrep_kind */
	int has;		/* CSM_TR_* */
	size_t listed;		/* the lowest tier listed (default: ntier) */
	size_t top;		/* accounts listed per owner, 0: all */
	const char *currency;	/* a code or a symbol (default "USD") */
	long today;
	const char *date_format;
	int changes;		/* a changes section (--previous) */
	int first_run;		/* ... with no previous report */
	long c_id, c_name, c_owner, c_renewal;	/* csm_tierrep_bind */
	const struct csm_node *value_node;	/* report.value */
	struct csm_expr *value_expr;		/* owned, or NULL */
	/* private */
	const struct csm_signals *sig;
	size_t rows;
	size_t *count;		/* per tier, over every row */
	int64_t *arr, *value;
	int64_t arrall;
	struct csm_map owners;	/* owner -> its accounts */
	struct csm_tr_change *chg;	/* private to tierrep.c */
	size_t nchg, capchg;
	size_t seq;
};

void csm_tierrep_init(struct csm_tierrep *r, const struct csm_signals *s,
    int fmt, int kind);
void csm_tierrep_release(struct csm_tierrep *r);
/*
 * Counts a row at tier with its ARR and value in cents (NULL: none).
 * Returns 0, or when a sum would not fit in cents (nothing counted) -1
 * for the ARR's, -2 for the value's.
 */
int csm_tierrep_count(struct csm_tierrep *r, size_t tier,
    const int64_t *arr, const int64_t *value);
/* Adds a row counted already, when it is at a listed tier. */
void csm_tierrep_add(struct csm_tierrep *r, const struct csm_tierrep_acct *a);
/* An account listed in the previous report (at was) that is now at tier
 * now below the listed ones, or gone (now > ntier). */
void csm_tierrep_resolved(struct csm_tierrep *r, const char *id,
    size_t idlen, const char *name, size_t namelen, size_t was, size_t now);
/*
 * Sets listed, currency and the value from the config: the tier the
 * section's report: key names (checked by the config loader), else the
 * tier named dflt, else every tier but none; the currency of the
 * section's report:, else the config's top-level currency, else USD; the
 * section's report.value, an expression giving an account's value in
 * the currency (csm-expand: the ARR it could add).  Call after init.
 */
void csm_tierrep_config(struct csm_tierrep *r, const struct csm_cfg *cfg,
    const char *section, const char *key, const char *dflt);
/* Writes the report. */
void csm_tierrep_write(struct csm_tierrep *r, struct csm_out *o);
/*
 * The report's columns of the input (account_id, account_name, owner,
 * arr, renewal_date, and what report.value reads, all optional, with what
 * their absence costs), for the registry; csm_tierrep_bind finds them in
 * the header and sets has.  A value that reads a column the header lacks
 * is left out: the report shows none.
 */
void csm_tierrep_columns(const struct csm_tierrep *r, struct csm_colreg *reg);
void csm_tierrep_bind(struct csm_tierrep *r, const struct csm_cols *cols);
/*
 * Counts ev's current record, assessed as a, with its ARR in cents (NULL:
 * none) and its value (report.value: missing is none, below 0 counts as
 * 0, past 10^15 is a data error), and adds it when it is at a listed
 * tier, with its change and previous tier.  A sum past what cents hold is
 * a data error at the record's line.
 */
void csm_tierrep_row(struct csm_tierrep *r, struct csm_eval *ev,
    const struct csm_assessment *a, const int64_t *arr, int change,
    size_t was);
/*
 * Appends cents as money in the currency cur: exact with thousands
 * separators ("$1,234,567.80") or, compact, rounded to three figures or
 * so ("$950", "$15.2K", "$857K", "$1.2M", "$3.4B").  USD, EUR, GBP, JPY,
 * INR, CAD and AUD get their symbols; another code of three capitals goes
 * before the amount with a space ("CHF 1.2M"), anything else as given.
 */
void csm_tierrep_money(int64_t cents, const char *cur, int compact,
    struct csm_buf *b);

/* ---- text.c: templates and escaping for reports ----------------------- */

/*
 * A template: text with {expression} or {expression|format} parts, format
 * one of pct (0.423 -> 42%), money (1234567.8 -> 1,234,568), days
 * (1 day, 45 days), int (rounded), num (up to two decimals, the default).
 * A missing value renders as "n/a".
 */
struct csm_tmpl;

/* Compiles the template scalar nd (checked by the config loader already);
 * the caller frees it with csm_tmpl_free. */
struct csm_tmpl *csm_tmpl_compile(const struct csm_node *nd);
/* Binds its expressions to a header, as csm_cfg_bind does. */
void csm_tmpl_bind(struct csm_tmpl *t, const struct csm_cols *c);
/* Calls fn for every column its expressions reference (as
 * csm_expr_columns; a name may come more than once). */
void csm_tmpl_columns(const struct csm_tmpl *t,
    void (*fn)(void *ctx, const char *name), void *ctx);
/* Appends the rendered text for ev's current record to out. */
void csm_tmpl_render(const struct csm_tmpl *t, struct csm_eval *ev,
    struct csm_buf *out);
void csm_tmpl_free(struct csm_tmpl *t);
/* Formats one value as a template format would (fmt NULL: num). */
void csm_fmt_value(const struct csm_val *v, const char *fmt,
    struct csm_buf *out);

/*
 * Formats x for machines into out (at least 64 bytes): up to maxdigits
 * decimals, trailing zeros dropped (0.180556, 12, 0.5), never "-0"; a
 * value too large for that in exponent form, with the fewest digits that
 * read back as x (1e+300, not 1.0000000000000001e+300).  A value that is
 * not finite gives the empty string: missing.
 */
void csm_fmt_real(double x, int maxdigits, char *out);
/*
 * Appends x for people, rounded to digits decimals with thousands
 * separators: 1234567.8 -> "1,234,568" (digits 0).  A value that only
 * exponent form can hold stays as it is ("1e+308"), a value that is not
 * finite is "n/a".
 */
void csm_fmt_grouped(double x, int digits, struct csm_buf *b);
/*
 * Appends what goes before an amount in currency: its symbol for a code
 * that has one ("$" for USD, "\u20ac" for EUR, any case), the code and a
 * space for another ("CHF "), a symbol as given; NULL or "" is USD.
 */
void csm_money_prefix(const char *currency, struct csm_buf *b);
/*
 * Appends x as money for people, as csm_fmt_grouped writes it, after the
 * currency's sign and its minus: -$1,200, €85, CHF 1,200.  currency is an
 * ISO 4217 code (any case; USD, EUR, GBP, JPY and a dozen more give their
 * symbol, as $ and €, CA$ and A$; another code is written in capitals
 * with a space: "CHF 1,200") or the symbol itself (R$, kr: a space follows
 * one that ends in a letter or a dot); NULL or "" is USD.  Not finite:
 * "n/a".
 */
void csm_fmt_money(double x, int digits, const char *currency,
    struct csm_buf *b);

/* ---- utf8.c: UTF-8 for the report formats ------------------------------ */

#define CSM_UTF8_REPL "\xEF\xBF\xBD"	/* U+FFFD, the replacement character */

/*
 * How many bytes of s[0..n) (n > 0) to take as one character: a valid
 * UTF-8 sequence (*bad 0), or else the bytes one U+FFFD stands for (*bad
 * 1): the longest start of a sequence that breaks off, at least one byte.
 */
size_t csm_utf8_scan(const char *s, size_t n, int *bad);
/*
 * The columns s[0..n) takes in a monospace font: wide East Asian
 * characters and emoji two, combining marks and invisible format
 * characters none, an invalid sequence one (its U+FFFD), others one.
 */
size_t csm_utf8_width(const char *s, size_t n);
/*
 * Says on stderr, the first time in a run only, that invalid UTF-8 in the
 * input was written as U+FFFD.  The JSON, Markdown and HTML writers call
 * it; CSV and TSV pass bytes through as they are.
 */
void csm_utf8_replaced(void);

/* ---- json.c: writing JSON ---------------------------------------------- */

/*
 * A typed JSON writer on an output.  It puts the commas, colons and line
 * breaks and checks every call: a value where a key belongs, a key in an
 * array, an end that does not match, a second value at the top of a
 * document or csm_json_finish with a container open is an internal error
 * (exit 70), so its output is valid JSON or nothing at all.  Numbers that
 * are not finite are written as null; strings are escaped, their invalid
 * UTF-8 replaced with U+FFFD.
 *
 * CSM_JSON_DOC writes one value followed by a newline; containers less
 * deep than block (0 is the top) put each member on its own line,
 * indented two spaces a level, deeper ones stay on one line:
 * block 1 gives "[\n  {\"a\": 1, \"b\": [2]},\n  ...\n]\n".
 * CSM_JSON_LINES writes any number of top-level values, each on one line
 * (JSON Lines).
 *
 * The writer borrows o; it holds nothing to free.
 */
enum csm_json_mode { CSM_JSON_DOC = 0, CSM_JSON_LINES };

#define CSM_JSON_MAXDEPTH 32

struct csm_json_level {
	char kind;		/* '{' or '[' */
	char key;		/* an object's key is written, its value not */
	size_t n;		/* members so far */
};

struct csm_json {
	struct csm_out *o;
	int mode;		/* enum csm_json_mode */
	int block;
	int depth;
	size_t ntop;		/* top-level values written */
	struct csm_json_level lv[CSM_JSON_MAXDEPTH];
};

void csm_json_init(struct csm_json *j, struct csm_out *o, int mode,
    int block);
void csm_json_obj_begin(struct csm_json *j);
void csm_json_obj_end(struct csm_json *j);
void csm_json_arr_begin(struct csm_json *j);
void csm_json_arr_end(struct csm_json *j);
/* An object's key: k NUL-terminated, or n bytes of k. */
void csm_json_key(struct csm_json *j, const char *k);
void csm_json_keyn(struct csm_json *j, const char *k, size_t n);
/* A string: n bytes of s (which may hold NUL bytes), or s to its NUL. */
void csm_json_str(struct csm_json *j, const char *s, size_t n);
void csm_json_strz(struct csm_json *j, const char *s);
/* x rounded to digits decimals (0 to 17): 1234.50 with 2. */
void csm_json_num(struct csm_json *j, double x, int digits);
/* x with up to maxdigits decimals, trailing zeros dropped (csm_fmt_real). */
void csm_json_real(struct csm_json *j, double x, int maxdigits);
void csm_json_int(struct csm_json *j, long long v);
/* Money: cents as a number with two decimals, exactly (-1234.05). */
void csm_json_cents(struct csm_json *j, int64_t cents);
/*
 * A number already formatted as text (the exact same text a CSV column
 * holds): the empty string is null, text that is not a JSON number an
 * internal error.
 */
void csm_json_numtext(struct csm_json *j, const char *s, size_t n);
void csm_json_bool(struct csm_json *j, int b);
void csm_json_null(struct csm_json *j);
/* Checks that the output is complete: every container closed and, in a
 * document, its one value written. */
void csm_json_finish(struct csm_json *j);
/* Whether s[0..n) is a number as JSON writes them (RFC 8259). */
int csm_json_is_number(const char *s, size_t n);

/* ---- md.c: writing Markdown -------------------------------------------- */

/*
 * Writes n bytes of s as Markdown text: | \ ` * _ [ ] < > ~ get a
 * backslash, line ends become spaces, invalid UTF-8 becomes U+FFFD.  Safe
 * in a table cell, a list item and a heading.
 */
void csm_md_esc(struct csm_out *o, const char *s, size_t n);
/* The display width of s once csm_md_esc has escaped it. */
size_t csm_md_width(const char *s, size_t n);

/*
 * A Markdown table: columns first (header text, right-aligned or not),
 * then rows of cells, each cell text escaped with csm_md_esc:
 *
 *	| Metric | 2026-Q4 |       (CSM_MD_TIGHT: |---|---:|;
 *	| --- | ---: |             default: | --- | ---: |)
 *	| Active users | 42 |
 *
 * With CSM_MD_PAD every cell is padded to the display width of its
 * column's widest cell, and the alignment row is as wide (| :--- | ---: |);
 * the rows are then held until csm_md_table_end.  A row with too few or
 * too many cells is an internal error (exit 70).  The table borrows o and
 * owns copies of everything else until csm_md_table_end, which writes what
 * is left and frees them.
 */
enum { CSM_MD_PAD = 1, CSM_MD_TIGHT = 2 };

struct csm_md_cell {
	size_t off, len;
};

struct csm_md_table {
	struct csm_out *o;
	int flags;
	size_t ncol;
	char **head;
	unsigned char *right;
	size_t *width;
	size_t ncell;		/* cells in the current row */
	size_t nrow;
	int started;		/* the header is written */
	struct csm_buf held;	/* CSM_MD_PAD: the cells' text */
	struct csm_md_cell *cells;
	size_t nheld;
};

void csm_md_table_init(struct csm_md_table *t, struct csm_out *o, int flags);
void csm_md_table_col(struct csm_md_table *t, const char *head, int right);
/* A cell: n bytes of s, s to its NUL, or printf-formatted. */
void csm_md_table_cell(struct csm_md_table *t, const char *s, size_t n);
void csm_md_table_cells(struct csm_md_table *t, const char *s);
void csm_md_table_cellf(struct csm_md_table *t, const char *fmt, ...)
    CSM_PRINTF(2, 3);
/* Ends the row. */
void csm_md_table_row(struct csm_md_table *t);
void csm_md_table_end(struct csm_md_table *t);

/*
 * The parts of a Markdown page, their text escaped: a heading of level 1
 * to 6 ("## text", then a blank line; below level 1 a blank line comes
 * first, as it ends what was above); a section that is a list (a level-2
 * heading, then "- item" lines, or "1. item" lines when numbered, or the
 * none text alone when n is 0); a line of facts in bold-label pairs
 * joined by a middle dot: "**ARR** $14,160 · **Renewal** 2027-03-18"; and
 * a paragraph.
 */
struct csm_md_fact {
	const char *label;
	const char *value;
};
/* A paragraph of spans, each in bold when strong, then a blank line. */
struct csm_md_span {
	const char *text;
	int strong;
};
void csm_md_heading(struct csm_out *o, int level, const char *text);
void csm_md_list(struct csm_out *o, const char *title, char *const *items,
    size_t n, int numbered, const char *none);
void csm_md_facts(struct csm_out *o, const struct csm_md_fact *f, size_t n);
void csm_md_para(struct csm_out *o, const struct csm_md_span *sp, size_t n);

/* ---- html.c: writing HTML ---------------------------------------------- */

/*
 * Writes n bytes of s (or s to its NUL) escaped for HTML text and
 * attribute values (& < > " '), invalid UTF-8 as U+FFFD.  Good for SVG.
 */
void csm_html_esc(struct csm_out *o, const char *s, size_t n);
void csm_html_escz(struct csm_out *o, const char *s);
/* The stylesheet every page carries (see html.c for its classes). */
extern const char csm_html_css[];
/*
 * Begins a self-contained page: doctype, head with the title (escaped)
 * and the shared stylesheet followed by css (more rules, or NULL), and
 * opens the body.  csm_html_end closes it.
 */
void csm_html_begin(struct csm_out *o, const char *title, const char *css);
void csm_html_end(struct csm_out *o);

/*
 * A page made to be printed: csm_html_begin with, after the shared
 * stylesheet, the paper's @page rule (12 mm margins) and print rules that
 * keep the grids' columns and make the cards dense, then css (or NULL).
 */
enum csm_paper { CSM_PAPER_A4 = 0, CSM_PAPER_LETTER };
void csm_html_page_begin(struct csm_out *o, const char *title, int paper,
    const char *css);
/*
 * The parts of a page; every text is escaped, nothing is kept.  A section
 * is one printed page (.qbr): a header with an eyebrow line, the title as
 * h1 and a sub line (NULL: none), and at its end a footer (NULL: none).
 */
void csm_html_section_begin(struct csm_out *o, const char *eyebrow,
    const char *title, const char *sub);
void csm_html_section_end(struct csm_out *o, const char *footer);
/* A section that only says text (a page with nothing to report). */
void csm_html_section_empty(struct csm_out *o, const char *text);
/* An h2 heading; a div of a stylesheet class ("cols": two columns side
 * by side, "metrics": a grid of metric cards) and its end. */
void csm_html_heading(struct csm_out *o, const char *text);
void csm_html_div(struct csm_out *o, const char *cls);
void csm_html_div_end(struct csm_out *o);
/*
 * A row of n KPI cards (as many columns as cards, up to 5): each a label,
 * a value, a badge after the value (NULL: none; its class is band-<its
 * a-z0-9>, as band-red), a detail line under it (NULL: none) and cls, a
 * class of the card (NULL, or "roi": the dark one).
 */
struct csm_html_kpi {
	const char *label;
	const char *value;
	const char *badge;
	const char *detail;
	const char *cls;
};
void csm_html_kpis(struct csm_out *o, const struct csm_html_kpi *k,
    size_t n);
/*
 * A list of n items: in a card with a coloured edge (tone "good" or
 * "gap") under its title, or as a section (an h2 title, then the items,
 * numbered or not); the none text in their place when n is 0.
 */
void csm_html_list_card(struct csm_out *o, const char *tone,
    const char *title, char *const *items, size_t n, const char *none);
void csm_html_list(struct csm_out *o, const char *title, char *const *items,
    size_t n, int numbered, const char *none);
/*
 * A metric card: its label with a status badge (status: met, missed,
 * none or NULL for no badge; status_text what the badge says, NULL: the
 * status), the value with the change after it (NULL: none; trend better,
 * worse or flat colours it), a sparkline (NULL: none) and a foot line.
 */
struct csm_html_metric {
	const char *label;
	const char *status;
	const char *status_text;
	const char *value;
	const char *change;
	const char *trend;
	const struct csm_spark *chart;
	const char *foot;
};
void csm_html_metric(struct csm_out *o, const struct csm_html_metric *m);
/*
 * A table: columns first (header, right-aligned numbers or not), then
 * rows, each begun with csm_html_table_row (cls: a class of the row, as
 * "total", or NULL) and given one cell per column (note: a smaller line
 * under the cell's text, or NULL); csm_html_table_end closes it and
 * frees.  A row with too few or too many cells is an internal error
 * (exit 70).  The table borrows o and owns copies of the headers.
 */
struct csm_html_table {
	struct csm_out *o;
	size_t ncol;
	char **head;
	unsigned char *right;
	size_t cell;		/* cells in the current row */
	int started;		/* the header row is written */
	int inrow;
};
void csm_html_table_init(struct csm_html_table *t, struct csm_out *o);
void csm_html_table_col(struct csm_html_table *t, const char *head,
    int right);
void csm_html_table_row(struct csm_html_table *t, const char *cls);
void csm_html_table_cell(struct csm_html_table *t, const char *s,
    const char *note);
void csm_html_table_end(struct csm_html_table *t);

/* ---- svg.c: charts ----------------------------------------------------- */

/*
 * In every chart a series is n values v[i], each present when has is NULL
 * or has[i] is non-zero, and finite: a value that is not counts as
 * missing.  Nothing a chart writes can hold inf or nan.
 *
 * csm_spark_text appends a Unicode sparkline to b: per value a block from
 * U+2581 (the lowest) to U+2588 (the highest), scaled between the
 * series' least and greatest value (all equal: U+2584), a missing value
 * a middle dot U+00B7.
 */
void csm_spark_text(const double *v, const unsigned char *has, size_t n,
    struct csm_buf *b);

/*
 * A sparkline for HTML: a 300 x 96 SVG with the values as a line with a
 * dot each (the last one larger and filled), a target series as a dashed
 * line, and the first and last labels under the ends.  All is borrowed.
 */
struct csm_spark {
	size_t n;
	const double *v;
	const unsigned char *has;
	const double *t;		/* targets, or NULL */
	const unsigned char *thas;
	const char *first, *last;	/* labels, or NULL */
};

void csm_svg_spark(struct csm_out *o, const struct csm_spark *sp);

/*
 * A line chart: x labels (at most eight shown, evenly spaced), a y axis
 * with grid lines at round numbers and their labels (unit after each:
 * "%"), one coloured line per series with a dot per value, and a legend
 * with the series' names along the top.  With no value at all it says "no
 * data".  width and height 0 mean 640 x 280.  All is borrowed.
 *
 * xlabel and ylabel title the axes (under the x labels; along the y axis,
 * turned).  bars draws a group of bars per x label instead, one per
 * series, from 0 (the y axis then holds 0), each with its value inside
 * its end when there is room (inside its base when it has a whisker),
 * every x label shown and cut to its slot with "...".  span, when not
 * NULL, gives each series (nline of them) an interval per value, lo[i]
 * to hi[i], drawn as a whisker through the dot or the bar's top; the y
 * axis holds the intervals.
 */
struct csm_line {
	const char *name;
	const double *v;
	const unsigned char *has;
};

struct csm_span {
	const double *lo, *hi;		/* n values each, or NULL: none */
};

struct csm_chart {
	const char *title;		/* for screen readers */
	const char *unit;		/* after each y label, or NULL */
	const char *const *x;		/* n labels */
	size_t n;
	const struct csm_line *line;
	size_t nline;
	int width, height;
	const char *xlabel, *ylabel;	/* axis titles, or NULL */
	int bars;			/* bars from 0 instead of lines */
	const struct csm_span *span;	/* nline intervals, or NULL */
};

void csm_svg_chart(struct csm_out *o, const struct csm_chart *c);

/* ---- rows.c: tables written row by row --------------------------------- */

/*
 * A table written row by row as CSV, TSV, JSON (an array of objects, one
 * a line), JSON Lines (an object a line) or a Markdown table, so that a
 * tool hands over rows and writes no format itself.  Declare the columns
 * (key: the CSV header and the JSON key; label: the Markdown header, NULL
 * for the key; right: right-aligned in Markdown), call csm_rows_head (the
 * CSV header line, or "["), then per row csm_rows_begin, one typed call
 * per column in order, csm_rows_end; csm_rows_finish ends the output
 * ("]", the Markdown table) and frees.  A row with too few or too many
 * cells is an internal error (exit 70).
 *
 * Cells: text (a JSON string); a number as the text CSV holds, "1234.50"
 * (a JSON number; empty is missing: JSON null, Markdown "n/a"; Markdown
 * appends suffix, as "%"); a list, whose text s CSV and Markdown write as
 * it is and JSON as an array of the parts (offset, length pairs in part);
 * missing (csm_rows_null: an empty field, JSON null, Markdown "n/a").
 * csm_rows_meta adds a field only JSON has, before the row's cells.
 *
 * The table borrows o and owns copies of the keys and labels until
 * csm_rows_finish, or csm_rows_release (which frees, writing nothing).
 */
enum csm_rows_fmt {
	CSM_ROWS_CSV = 0, CSM_ROWS_TSV, CSM_ROWS_JSON, CSM_ROWS_JSONL,
	CSM_ROWS_MD
};

struct csm_rows {
	struct csm_out *o;
	int fmt;		/* enum csm_rows_fmt */
	int json;		/* JSON or JSON Lines */
	int started;		/* csm_rows_head was called */
	size_t ncol;
	char **key;
	size_t *keylen;
	char **label;
	unsigned char *right;
	size_t cell;		/* cells written in the current row */
	struct csm_json j;
	struct csm_md_table md;
};

void csm_rows_init(struct csm_rows *r, struct csm_out *o, int fmt);
void csm_rows_col(struct csm_rows *r, const char *key, size_t n,
    const char *label, int right);
void csm_rows_head(struct csm_rows *r);
void csm_rows_begin(struct csm_rows *r);
void csm_rows_meta(struct csm_rows *r, const char *key, const char *val);
void csm_rows_str(struct csm_rows *r, const char *s, size_t n);
void csm_rows_num(struct csm_rows *r, const char *s, size_t n,
    const char *suffix);
void csm_rows_list(struct csm_rows *r, const char *s, size_t n,
    const size_t *part, size_t nparts);
void csm_rows_null(struct csm_rows *r);
/*
 * A whole row of text cells, begun and ended: in CSV and TSV at the cost
 * of csm_out_fields alone (the row path of the filters), in the other
 * formats as csm_rows_str cell by cell.
 */
void csm_rows_texts(struct csm_rows *r, char *const *f, const size_t *n,
    size_t count);
void csm_rows_end(struct csm_rows *r);
void csm_rows_finish(struct csm_rows *r);
void csm_rows_release(struct csm_rows *r);

/* ---- sigrows.c: the rows of csm-risk and csm-expand -------------------- */

/*
 * The rows of a signal filter: every input column (text), then
 * <prefix>_score (a number), _tier, _signals and _reasons (lists in
 * JSON), then the tool's extra columns (text), each placed by csm_outhdr
 * (an input column of exactly that name is replaced).  Written in the
 * format fmt (enum csm_rows_fmt) as they come, in constant memory, or
 * with sort held and written worst first by csm_sigrows_finish: tier,
 * then ARR (missing last), then score, all descending, then input order.
 * A held row costs its bytes and some 80 more: its keys, a byte per field
 * for its length (5 past 254), and for JSON 4 bytes per place of a name
 * or reason.  The rows borrow the table's header names (as csm_outhdr
 * does), so the table outlives them, and own the rest.
 */
struct csm_sigheld;

struct csm_sigrows {
	struct csm_outhdr oh;	/* the output header */
	size_t nout;
	size_t at_score, at_tier, at_sig, at_rea;
	size_t *at_extra;
	size_t nextra;
	int fmt;		/* enum csm_rows_fmt, for csm_sigrows_head */
	int parts;		/* held rows keep their parts (JSON) */
	int sort;
	int started;		/* rows is set up */
	struct csm_rows rows;
	char **f;		/* the row being written */
	size_t *flen;
	size_t *part;
	size_t npart;
	struct csm_sigheld *held;
	size_t nheld, capheld;
	size_t seq;
};

/*
 * Places the columns after cols' (extra: NULL or a NULL-terminated list
 * of names); s sizes the work space.  Two input columns named exactly as
 * one appended are a data error (65).
 */
void csm_sigrows_init(struct csm_sigrows *r, const struct csm_cols *cols,
    const struct csm_signals *s, const char *prefix,
    const char *const *extra, int fmt, int sort);
/* Writes the header (CSV, TSV) or opens the array (JSON) on o. */
void csm_sigrows_head(struct csm_sigrows *r, struct csm_out *o);
/*
 * The current record of t with assessment a (tier named by s) and the
 * extra columns' texts: written, or held with its ARR for --sort.
 */
void csm_sigrows_add(struct csm_sigrows *r, const struct csm_tbl *t,
    const struct csm_signals *s, const struct csm_assessment *a,
    const char *const *extra, int has_arr, int64_t arr);
/* Writes the held rows, worst first, and ends the output. */
void csm_sigrows_finish(struct csm_sigrows *r);
void csm_sigrows_release(struct csm_sigrows *r);

/* ---- cli.c: options every tool shares --------------------------------- */

/*
 * Options every tool takes, for getopt_long:
 *   -c, --config FILE   -d, --delimiter C   -t, --tsv   --as-of DATE
 *   --dump-config   --ragged error|pad|skip   -q, --quiet   --columns
 *   -h, --help   -V, --version
 */
enum {
	CSM_OPT_ASOF = 0x100,
	CSM_OPT_DUMP,
	CSM_OPT_RAGGED,
	CSM_OPT_COLUMNS,
	CSM_OPT_TOOL		/* tools number their own long-only options from here */
};

#define CSM_CLI_SHORTOPTS "c:d:qthV"
#define CSM_CLI_LONGOPTS \
	{"config", 1, NULL, 'c'}, \
	{"delimiter", 1, NULL, 'd'}, \
	{"tsv", 0, NULL, 't'}, \
	{"as-of", 1, NULL, CSM_OPT_ASOF}, \
	{"dump-config", 0, NULL, CSM_OPT_DUMP}, \
	{"ragged", 1, NULL, CSM_OPT_RAGGED}, \
	{"quiet", 0, NULL, 'q'}, \
	{"columns", 0, NULL, CSM_OPT_COLUMNS}, \
	{"help", 0, NULL, 'h'}, \
	{"version", 0, NULL, 'V'}

/*
 * The --help lines of the shared options every tool lists last.  A tool
 * whose -q leaves out other things (it has no coverage summary) writes
 * CSM_CLI_HELP_RAGGED, its own -q lines, then CSM_CLI_HELP_REST.
 */
#define CSM_CLI_HELP_SHARED \
    CSM_CLI_HELP_RAGGED \
    "  -q, --quiet           no coverage summary and no warnings about absent\n" \
    "                        optional columns\n" \
    CSM_CLI_HELP_REST
#define CSM_CLI_HELP_RAGGED \
    "      --ragged MODE     a record of another width: error (default), pad\n" \
    "                        (short ones padded with empty fields) or skip\n"
#define CSM_CLI_HELP_REST \
    "      --columns         print the columns the config and the tool use,\n" \
    "                        the header each matched, and exit\n" \
    "      --dump-config     print the effective config as YAML and exit\n" \
    "  -h, --help            this help\n" \
    "  -V, --version         the version\n"

struct csm_cli {
	const char *config;	/* -c, or NULL */
	struct csm_tbl_opts tbl;
	long today;		/* --as-of, default today */
	int dump_config;
	int quiet;		/* -q */
	int columns;		/* --columns */
	int help;
	int version;
};

void csm_cli_init(struct csm_cli *cli);
/*
 * Sets the program name from argv[0] (csm_setprogname) and points argv[0]
 * at that short name, so that getopt's own messages ("unrecognized
 * option") say "csm-score:" as every other message does.
 */
void csm_cli_progname(char **argv);
/*
 * Handles one of the shared options; returns 1 if ch was one, 0 if not.
 * A bad argument is a usage error: it prints the message and exits 64.
 */
int csm_cli_opt(struct csm_cli *cli, int ch, const char *arg);
/*
 * Prints the usage text (and the help text when status is EX_OK) to fp,
 * checks the write, and exits with status.
 */
CSM_NORETURN void csm_usage(FILE *fp, int status, const char *usage,
    const char *help);
/* After getopt: --help and --version print and exit 0; else returns. */
void csm_cli_done(const struct csm_cli *cli, const char *usage,
    const char *help);
/*
 * Loads the config the options name (csm_cfg_load); with --dump-config
 * prints it to standard output and exits 0.
 */
void csm_cli_config(const struct csm_cli *cli, struct csm_cfg *cfg);
/* Prints "prog: message" and the usage text to stderr, exits 64. */
CSM_NORETURN void csm_usage_error(const char *usage, const char *fmt, ...)
    CSM_PRINTF(2, 3);
/*
 * A word typed on the command line (a format, a mode): the index of arg
 * in the NULL-terminated words, ignoring case.  Anything else is a usage
 * error: "opt: 'arg' is not one of w1, w2, w3", the usage, exit 64.
 */
int csm_cli_word(const char *usage, const char *opt, const char *arg,
    const char *const *words);
/*
 * A number typed on the command line, from lo to hi (25% is 0.25); else a
 * usage error "opt: 'arg' is not a number from lo to hi", exit 64.
 */
double csm_cli_number(const char *usage, const char *opt, const char *arg,
    double lo, double hi);
/*
 * The comma-separated column names of option opt's argument, as an array
 * of *n strings (freed with csm_cli_list_free).  An empty name is a usage
 * error: "opt: 'a,,b' names an empty column", exit 64.
 */
char **csm_cli_list(const char *usage, const char *opt, const char *arg,
    size_t *n);
void csm_cli_list_free(char **v, size_t n);
/* csm_cli_word for -f/--format. */
int csm_cli_format(const char *usage, const char *arg,
    const char *const *names);
/*
 * --columns: prints the registry's table (csm_colreg_print) to standard
 * output with the input's delimiter; the caller then releases and exits 0.
 */
void csm_cli_columns(struct csm_colreg *r, int delim);

/* ---- sigrun.c: a run of csm-risk or csm-expand ------------------------ */

/*
 * What the two signal filters share around the engine.  In order:
 * csm_sigrun_init; per option csm_sigrun_opt (1: it was one of -f,
 * --min-tier, --sort, --top, given with CSM_SIGRUN_LONGOPTS); after
 * getopt csm_sigrun_done (-f md and html are the report; --top without
 * it is a usage error); after the config csm_sigrun_load (the section's
 * signals, --min-tier, the report's config: its lowest listed tier is
 * <section>.report.<listed>, default dflt, or --min-tier); the columns
 * with csm_sigrun_columns; once the header is bound csm_sigrun_start
 * (the rows with the tool's extra columns, o's delimiter, the header);
 * per row csm_sigrun_assess (a, and the ARR for --sort and the report),
 * then csm_sigrun_put (reported with change and was, or written or held
 * at min_tier and above with extra's texts); csm_sigrun_finish (the
 * report or the held rows, then the coverage summary unless quiet);
 * csm_sigrun_release.  The run borrows cfg, the table and its columns.
 */
enum {
	CSM_OPT_MIN_TIER = CSM_OPT_TOOL,
	CSM_OPT_SORT,
	CSM_OPT_TOP,
	CSM_OPT_SIGRUN		/* the tool numbers its own from here */
};

#define CSM_SIGRUN_SHORTOPTS "f:"
#define CSM_SIGRUN_LONGOPTS \
	{"format", 1, NULL, 'f'}, \
	{"min-tier", 1, NULL, CSM_OPT_MIN_TIER}, \
	{"sort", 0, NULL, CSM_OPT_SORT}, \
	{"top", 1, NULL, CSM_OPT_TOP}

enum csm_sigrun_fmt {
	CSM_SIGRUN_DELIM = 0, CSM_SIGRUN_CSV, CSM_SIGRUN_TSV, CSM_SIGRUN_MD,
	CSM_SIGRUN_HTML, CSM_SIGRUN_JSON, CSM_SIGRUN_JSONL
};

struct csm_sigrun {
	struct csm_signals sig;
	int format;		/* enum csm_sigrun_fmt */
	int report;		/* -f md or html */
	int sort;
	const char *min_tier_arg;	/* --min-tier, or NULL */
	size_t min_tier;	/* the lowest tier written (ntier: all) */
	size_t top;
	const struct csm_cfg *cfg;
	const struct csm_tbl *t;
	const struct csm_cols *cols;
	long c_arr;
	struct csm_assessment a;	/* the current row's */
	int has_arr;
	int64_t arr;
	struct csm_sigrows rows;
	struct csm_tierrep rep;
	struct csm_cover cover;	/* the rows where each condition was missing */
};

void csm_sigrun_init(struct csm_sigrun *r);
int csm_sigrun_opt(struct csm_sigrun *r, const char *usage, int ch,
    const char *arg);
void csm_sigrun_done(struct csm_sigrun *r, const char *usage);
void csm_sigrun_load(struct csm_sigrun *r, const char *usage,
    const struct csm_cli *cli, const struct csm_cfg *cfg,
    const char *section, int kind, const char *listed, const char *dflt);
void csm_sigrun_columns(const struct csm_sigrun *r, struct csm_colreg *reg);
void csm_sigrun_start(struct csm_sigrun *r, const struct csm_tbl *t,
    const struct csm_cols *cols, const char *prefix,
    const char *const *extra, struct csm_out *o);
void csm_sigrun_assess(struct csm_sigrun *r, struct csm_eval *ev);
void csm_sigrun_put(struct csm_sigrun *r, struct csm_eval *ev,
    const char *const *extra, int change, size_t was);
void csm_sigrun_finish(struct csm_sigrun *r, struct csm_out *o, int quiet);
void csm_sigrun_release(struct csm_sigrun *r);

/* ---- stat.c: how well a score ranks a binary outcome ------------------ */

/*
 * The ranking statistics of n rows sorted by risk, lowest first: y[i] is
 * 1 for a row with the outcome.  auc is the probability that a positive
 * row has a higher risk than a negative one, ties counted half (the
 * Mann-Whitney U over n1*n0); lo and hi its 95% interval by DeLong's
 * method, clamped to [0, 1]; ks the largest gap between the cumulative
 * shares of positives and negatives (0-1).  has_auc is 0 without both
 * classes (auc and ks are then 0), has_ci 0 without two of each.
 */
struct csm_rank {
	size_t n, npos;
	int has_auc;
	double auc;
	int has_ci;
	double lo, hi;
	double ks;
};

void csm_stat_rank(const double *risk, const unsigned char *y, size_t n,
    struct csm_rank *out);
/*
 * csm_stat_rank of n rows in any order: sorts copies of risk and y by
 * risk (as csm_stat_order does) and ranks those.  risk and y, the
 * caller's, are left as they are.
 */
void csm_stat_rank_unsorted(const double *risk, const unsigned char *y,
    size_t n, struct csm_rank *out);
/*
 * The permutation that sorts v ascending, equal values in their order
 * (stable): an array of n indices that the caller frees.
 */
size_t *csm_stat_order(const double *v, size_t n);
/*
 * The q-quantile (0-1) of n sorted values, linear between order
 * statistics (R's type 7, numpy's default); 0 when n is 0.
 */
double csm_stat_quantile(const double *sorted, size_t n, double q);

/* ---- label.c: the outcome a score is judged by ------------------------ */

/*
 * A binary outcome per row: an expression (--label) or a file of outcomes
 * joined on account_id (--outcomes: a movement column as csm-nrr
 * --accounts writes, churn the outcome, new and reactivation none; or a
 * churned/churn column of yes/no).  The label owns its expression and
 * outcomes; src is borrowed from the caller.
 */
struct csm_label {
	struct csm_expr *expr;	/* --label, or NULL */
	const char *src;	/* its text, or the outcomes file */
	struct csm_map out;	/* --outcomes: account_id -> index into outv */
	unsigned char *outv;	/* 0, 1, or 2: no outcome */
	char *outfile;
	long idcol;		/* account_id in the scored table */
	size_t nrows;		/* rows asked about */
	size_t nmissing;	/* of them, rows without an outcome */
	const char *first_file;	/* where the first of those was */
	long first_line;
};

void csm_label_init(struct csm_label *lb);
void csm_label_release(struct csm_label *lb);
/* Compiles --label src as a condition; a bad one exits 64. */
void csm_label_expr(struct csm_label *lb, const char *src);
/* Reads --outcomes path whole (dies 65/66). */
void csm_label_outcomes(struct csm_label *lb, char *path,
    const struct csm_node *colmap);
/* Binds to the scored table's header; a column it lacks exits 65. */
void csm_label_bind(struct csm_label *lb, const struct csm_cols *c);
/*
 * Registers with r the columns the label reads: the --label expression's
 * (as csm_colreg_add_expr), or account_id, required, for --outcomes.
 */
void csm_label_register(const struct csm_label *lb, struct csm_colreg *r);
/* Sets used[i] for every column i of c the label reads. */
void csm_label_columns(const struct csm_label *lb, const struct csm_cols *c,
    unsigned char *used);
/*
 * The outcome of ev's current record: 1, 0, or -1 when it has none (then
 * counted for csm_label_report).  A label that is a number other than 0
 * or 1 is a data error.
 */
int csm_label_get(struct csm_label *lb, struct csm_eval *ev);
/* Warns how many rows had no outcome and were left out, if any. */
void csm_label_report(const struct csm_label *lb);

/* ---- lift.c: the lift table ------------------------------------------- */

enum csm_lift_fmt { CSM_LIFT_CSV, CSM_LIFT_TSV, CSM_LIFT_MD, CSM_LIFT_JSON,
	CSM_LIFT_JSONL };

/*
 * A row of the table: a group's size and positives, its ranking
 * statistics and Brier score, and for a component (comp) its missing
 * share, unmatched map values (most frequent first) and the AUC lost when
 * it is left out.  The row owns group and the unmatched values.
 */
struct csm_lift_row {
	char *group;
	size_t n, npos;
	struct csm_rank rank;
	int has_brier;
	double brier;
	int comp;
	double missing;		/* 0-1 */
	char **unmatched;
	size_t *unmatched_rows;
	size_t nunmatched;
	int has_lost;
	double lost;
};

/*
 * The table.  The first row added is the whole (share, capture and lift
 * are relative to it).  score names the score column; risky says that a
 * higher score is riskier.  components adds the columns missing,
 * unmatched and auc_lost.  score is borrowed.
 */
struct csm_lift {
	const char *score;
	int risky;
	int components;
	size_t total, totpos;
	struct csm_lift_row *row;
	size_t nrow, cap;
};

void csm_lift_init(struct csm_lift *l, const char *score, int risky);
void csm_lift_release(struct csm_lift *l);
/*
 * Adds the row of a group of n rows sorted by risk, lowest first (risk,
 * y as for csm_stat_rank; prob the churn probability or NAN, or NULL).
 * Returns the row, owned by l and valid until the next add.
 */
struct csm_lift_row *csm_lift_add(struct csm_lift *l, const char *group,
    const double *risk, const unsigned char *y, const double *prob, size_t n);
/*
 * Adds up to nbins rows, riskiest first, for the quantile bins of n rows
 * sorted by risk; rows of equal risk stay in one bin.  score holds the
 * rows' score as the input gave it, for the names ("health_score 0..41").
 */
void csm_lift_bins(struct csm_lift *l, const double *risk,
    const unsigned char *y, const double *prob, const double *score,
    size_t n, size_t nbins);
/*
 * Writes the table as CSV, TSV, JSON (an array of typed objects, null for
 * n/a), JSON Lines (the same objects, one per line) or Markdown.
 */
void csm_lift_write(const struct csm_lift *l, struct csm_out *o, int fmt);

/* ---- logit.c: logistic regression ------------------------------------- */

#define CSM_LOGIT_NONE UINT32_MAX

/*
 * L2-regularised logistic regression on sparse rows: row i has k entries,
 * col[i*k+j] (a coefficient index below ncol, or CSM_LOGIT_NONE) with
 * val[i*k+j]; y[i] is 0 or 1.  The model owns col, val, y and beta; the
 * caller fills col, val and y after csm_logit_init.
 */
struct csm_logit {
	size_t n, k, ncol;
	uint32_t *col;
	double *val;
	unsigned char *y;
	double b0;		/* the intercept, not penalised */
	double *beta;		/* ncol coefficients */
	double l2;
	double loss;		/* the penalised objective at the fit */
	int iter;		/* Newton steps taken */
	int converged;
};

void csm_logit_init(struct csm_logit *m, size_t n, size_t k, size_t ncol);
void csm_logit_release(struct csm_logit *m);
/*
 * Fits b0 and beta on the rows i with use[i] (use NULL: every row),
 * starting from their current values (0 after init): minimises the
 * log-loss summed over the rows plus l2/2 times the sum of squared beta,
 * with at most maxiter Newton steps.  l2 must be above 0.  Returns
 * whether it converged.
 */
int csm_logit_fit(struct csm_logit *m, const unsigned char *use, double l2,
    int maxiter);
/* The linear predictor b0 + sum beta*val of row i. */
double csm_logit_eta(const struct csm_logit *m, size_t i);
/* 1 / (1 + e^-eta), computed without overflow. */
double csm_logit_prob(double eta);

/* ---- prev.c: an earlier output read back (--previous) ----------------- */

/*
 * Whether the --previous file path has anything to read.  One that does
 * not exist, or is empty, is a weekly job's first run: it says so on
 * stderr ("--previous 'x' does not exist: every account is new") and
 * returns 0.  Standard input ("-") and a pipe are not looked into, and any
 * other trouble (a file that cannot be opened) is left to the reader: 1.
 */
int csm_prev_there(const char *path);
/* ---- fcast.c: the renewal forecast ----------------------------------- */

/*
 * A forecast of the renewals in a window, each independent of the others:
 * a renewal of arr cents churns (loses arr) with probability p, else
 * expands (gains gain cents) with probability q, else renews flat.  Groups
 * 0 to ngroup - 1 are the caller's; group ngroup is the total, to which
 * every renewal counts as well.  The expected loss and gain are summed
 * exactly (long double); their distribution is drawn ndraws times, the
 * cents of each draw summed exactly.  A renewal's uniform numbers come
 * from its own stream (csm_fcast_stream of its account key and the seed):
 * the result does not depend on the order renewals are added in, and the
 * renewals of one key go together.  The forecast owns its arrays; the
 * caller keeps every sum of arr and of gain within int64_t.
 */
struct csm_fcast {
	size_t ngroup, ndraws;
	uint64_t seed;
	int64_t *loss, *gain;		/* (ngroup + 1) x ndraws */
	long double *eloss, *egain;	/* ngroup + 1 expectations */
};

/* The ends of an interval of a group's ARR: kept (start - churn, GRR's
 * numerator) and end (kept + expansion, NRR's numerator), in cents. */
struct csm_fcast_iv {
	int64_t kept_lo, kept_hi, end_lo, end_hi;
};

void csm_fcast_init(struct csm_fcast *f, size_t ngroup, size_t ndraws,
    uint64_t seed);
void csm_fcast_release(struct csm_fcast *f);
/* Adds a renewal of group g; key[0..n) names its account (borrowed). */
void csm_fcast_add(struct csm_fcast *f, size_t g, const char *key, size_t n,
    int64_t arr, double p, double q, int64_t gain);
/* Group g's expected loss and gain, rounded half away from zero to cents. */
void csm_fcast_expect(const struct csm_fcast *f, size_t g, int64_t *loss,
    int64_t *gain);
/*
 * Group g's central interval at level (0.9: 90%) for a group of start
 * cents: the (1 - level) / 2 and (1 + level) / 2 quantiles of what is
 * kept and what ends, each the ceil(a n)-th of the n draws sorted (so
 * that at least level of the draws lie between the ends).
 */
void csm_fcast_interval(const struct csm_fcast *f, size_t g, int64_t start,
    double level, struct csm_fcast_iv *iv);
/* The start of key's stream under seed, and its next uniform in [0, 1). */
uint64_t csm_fcast_stream(uint64_t seed, const char *key, size_t n);
double csm_fcast_uniform(uint64_t *state);

#endif /* CSM_H */

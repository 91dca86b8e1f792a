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
 *   tbl.c     reading CSV/TSV            struct csm_tbl (libcsv underneath)
 *   out.c     writing CSV/TSV/text       struct csm_out
 *   cols.c    columns by name            csm_col_norm, csm_cols_find
 *   expr.c    the expression language    struct csm_expr
 *   yaml.c    YAML to a checked tree     struct csm_node (libyaml underneath)
 *   cfg.c     the config                 struct csm_cfg, the schema, --dump-config
 *   text.c    report text                templates, Markdown/HTML escaping
 *   cli.c     shared options             struct csm_cli
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

#define CSM_VERSION "0.1.0"

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
 * one table when they share a header.  Records come one at a time, in
 * constant memory; a field may be any length.
 *
 * After csm_tbl_open, header fields are in hdr/hdrlen (ncols of them).
 * After csm_tbl_next returns 1, the record's fields are f[i] (flen[i] bytes,
 * NUL-terminated, may hold NUL bytes) for i < nf (which is ncols unless
 * the ragged mode is CSM_RAGGED_KEEP), file names the input,
 * and line is the line the record starts on.  All of these are borrowed
 * from the reader and valid until the next call.
 *
 * Errors (cannot open: 66; malformed CSV, ragged record, header mismatch:
 * 65; read error: 74) print "prog: file:line: message" and exit.
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
	int delim;		/* the delimiter in use: ',' or '\t' or other */
	size_t fcap;		/* private */
	struct csm_tbl_in *in;	/* private */
};

struct csm_tbl_opts {
	int delim;		/* 0: detect from the header line */
	int ragged;		/* enum csm_ragged */
};

void csm_tbl_open(struct csm_tbl *t, char *const *files, size_t nfiles,
    const struct csm_tbl_opts *opts);
int csm_tbl_next(struct csm_tbl *t);
void csm_tbl_close(struct csm_tbl *t);

/* ---- out.c: writing ---------------------------------------------------- */

/*
 * A buffered writer on a file descriptor.  Every write is checked: a failed
 * write exits 74 with a message naming the output, and a closed pipe
 * (EPIPE) ends the program as SIGPIPE would, quietly.
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
};

void csm_out_init(struct csm_out *o, int fd, const char *name, int delim);
/* Writes one field, quoted only when it must be (RFC 4180). */
void csm_out_field(struct csm_out *o, const char *s, size_t n);
void csm_out_fields(struct csm_out *o, char *const *f, const size_t *n,
    size_t count);
void csm_out_endrec(struct csm_out *o);
void csm_out_write(struct csm_out *o, const void *p, size_t n);
void csm_out_puts(struct csm_out *o, const char *s);
void csm_out_printf(struct csm_out *o, const char *fmt, ...) CSM_PRINTF(2, 3);
void csm_out_flush(struct csm_out *o);
/* Flushes, frees the buffer and closes fd; dies 74 on failure. */
void csm_out_close(struct csm_out *o);
/* Writes n bytes of s as a JSON string, quotes included. */
void csm_out_json_str(struct csm_out *o, const char *s, size_t n);

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
 * Loads path, or $CSM_CONFIG when path is NULL, or the built-in default
 * when neither is set.  Dies 66 when the file cannot be opened and 78 with
 * "file:line:col: message" when it is not a valid config.
 */
void csm_cfg_load(struct csm_cfg *cfg, const char *path);
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
/* Appends the rendered text for ev's current record to out. */
void csm_tmpl_render(const struct csm_tmpl *t, struct csm_eval *ev,
    struct csm_buf *out);
void csm_tmpl_free(struct csm_tmpl *t);
/* Formats one value as a template format would (fmt NULL: num). */
void csm_fmt_value(const struct csm_val *v, const char *fmt,
    struct csm_buf *out);

/*
 * Writes n bytes of s escaped for a Markdown table cell (| \ ` * _ [ ] < >
 * ~ escaped with a backslash, line ends as spaces) or for HTML text and
 * attributes (& < > " ').
 */
void csm_out_md(struct csm_out *o, const char *s, size_t n);
void csm_out_html(struct csm_out *o, const char *s, size_t n);

/* ---- cli.c: options every tool shares --------------------------------- */

/*
 * Options every tool takes, for getopt_long:
 *   -c, --config FILE   -d, --delimiter C   -t, --tsv   --as-of DATE
 *   --dump-config   --ragged error|pad|skip   -h, --help   -V, --version
 */
enum {
	CSM_OPT_ASOF = 0x100,
	CSM_OPT_DUMP,
	CSM_OPT_RAGGED,
	CSM_OPT_TOOL		/* tools number their own long-only options from here */
};

#define CSM_CLI_SHORTOPTS "c:d:thV"
#define CSM_CLI_LONGOPTS \
	{"config", 1, NULL, 'c'}, \
	{"delimiter", 1, NULL, 'd'}, \
	{"tsv", 0, NULL, 't'}, \
	{"as-of", 1, NULL, CSM_OPT_ASOF}, \
	{"dump-config", 0, NULL, CSM_OPT_DUMP}, \
	{"ragged", 1, NULL, CSM_OPT_RAGGED}, \
	{"help", 0, NULL, 'h'}, \
	{"version", 0, NULL, 'V'}

/* The --help lines of the shared options every tool lists last. */
#define CSM_CLI_HELP_SHARED \
    "      --ragged MODE     a record of another width: error (default), pad\n" \
    "                        (short ones padded with empty fields) or skip\n" \
    "      --dump-config     print the effective config as YAML and exit\n" \
    "  -h, --help            this help\n" \
    "  -V, --version         the version\n"

struct csm_cli {
	const char *config;	/* -c, or NULL */
	struct csm_tbl_opts tbl;
	long today;		/* --as-of, default today */
	int dump_config;
	int help;
	int version;
};

void csm_cli_init(struct csm_cli *cli);
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

#endif /* CSM_H */

/*
 * expr.c: the expression language of SPEC section 2 and its revision 2
 * (section 8.2: the missing literal, booleans as 0/1 in arithmetic, log exp
 * sqrt between count contains starts_with matches days_between).
 *
 * csm_expr_compile parses the text once, by recursive descent, into a flat
 * array of nodes (children are indices, so the array may grow while it is
 * built) and types every node as it is made.  A column reference yields the
 * column's text until its user says what it needs: '+' makes it read as a
 * number, 'and' as a boolean, days_since as a date, and coalesce or if pass
 * the need on to their arguments.  So 'abc' + 1 or lower(3) fail at compile
 * time, and only a column's text can fail per row.
 *
 * csm_expr_bind resolves the names to field indices.  csm_expr_eval walks
 * the tree per record without allocating: the only strings it makes are
 * lower()'s, written into ev->scratch and handled as offsets while the
 * evaluation runs, so that the buffer may move under them.  matches()
 * compiles its pattern once, with the expression.
 */
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

#define MAXLEN		65536	/* bytes of expression text */
#define MAXNEST		64	/* nested parentheses, calls, '-' and 'not' */
#define MAXHEIGHT	256	/* levels of the tree, operator chains included */
#define NONE		(-1L)

/* Static types: what a node yields when it is not missing. */
enum {
	Y_NUM = 1,
	Y_BOOL,
	Y_STR,
	Y_COL,		/* a column's text, to be read as its user needs */
	Y_DATE,		/* days since 1970-01-01, only as an argument */
	Y_ANY		/* the missing literal: whatever its user needs */
};

/* How a comparison or in() compares. */
enum {
	M_NUM = 1,
	M_STR,
	M_BOOL,
	M_DYN		/* column with column: numbers if both read as such */
};

enum {
	O_NUM, O_BOOL, O_STR, O_COL,
	O_NEG, O_ADD, O_SUB, O_MUL, O_DIV,
	O_LT, O_LE, O_GT, O_GE, O_EQ, O_NE,
	O_AND, O_OR, O_NOT,
	F_MIN, F_MAX, F_ABS, F_ROUND, F_CLAMP, F_RATIO, F_PCT, F_SINCE,
	F_UNTIL, F_COALESCE, F_MISSING, F_IF, F_IN, F_LOWER,
	O_MISS, F_LOG, F_EXP, F_SQRT, F_BETWEEN, F_COUNT, F_CONTAINS,
	F_STARTS, F_MATCHES, F_DAYS
};

/* Operator names for messages, by op. */
static const char *const opname[] = {
	"number", "boolean", "string", "column",
	"-", "+", "-", "*", "/",
	"<", "<=", ">", ">=", "==", "!=",
	"and", "or", "not",
	"min", "max", "abs", "round", "clamp", "ratio", "pct_change",
	"days_since", "days_until", "coalesce", "missing", "if", "in", "lower",
	"missing", "log", "exp", "sqrt", "between", "count", "contains",
	"starts_with", "matches", "days_between"
};

static const struct func {
	const char *name;
	int op;
	unsigned min;
	unsigned max;		/* 0: no limit */
} funcs[] = {
	{ "abs", F_ABS, 1, 1 },
	{ "between", F_BETWEEN, 3, 3 },
	{ "clamp", F_CLAMP, 3, 3 },
	{ "coalesce", F_COALESCE, 2, 0 },
	{ "contains", F_CONTAINS, 2, 2 },
	{ "count", F_COUNT, 1, 0 },
	{ "days_between", F_DAYS, 2, 2 },
	{ "days_since", F_SINCE, 1, 1 },
	{ "days_until", F_UNTIL, 1, 1 },
	{ "exp", F_EXP, 1, 1 },
	{ "if", F_IF, 3, 3 },
	{ "in", F_IN, 2, 0 },
	{ "log", F_LOG, 1, 1 },
	{ "lower", F_LOWER, 1, 1 },
	{ "matches", F_MATCHES, 2, 2 },
	{ "max", F_MAX, 2, 0 },
	{ "min", F_MIN, 2, 0 },
	{ "missing", F_MISSING, 1, 1 },
	{ "pct_change", F_PCT, 2, 2 },
	{ "ratio", F_RATIO, 2, 2 },
	{ "round", F_ROUND, 1, 2 },
	{ "sqrt", F_SQRT, 1, 1 },
	{ "starts_with", F_STARTS, 2, 2 },
};
#define NFUNCS (sizeof(funcs) / sizeof(funcs[0]))

struct node {
	unsigned char op;
	unsigned char type;	/* Y_* */
	unsigned char mode;	/* O_COL: read as Y_*; comparisons, in: M_* */
	unsigned short height;
	uint32_t kid;		/* first child in kids[] */
	uint32_t nkid;
	size_t at;		/* 1-based column in the text */
	long col;		/* O_COL: field index, -1 absent, -2 unbound */
	double num;		/* O_NUM, O_BOOL */
	char *str;		/* O_STR: the text; O_COL: the name; owned */
	size_t len;
	regex_t *re;		/* F_MATCHES: the compiled pattern, owned */
};

struct csm_expr {
	struct node *node;
	size_t nnode;
	size_t capnode;
	uint32_t *kids;
	size_t nkids;
	size_t capkids;
	uint32_t root;
};

/* ---- lexer ------------------------------------------------------------ */

enum {
	K_EOF, K_ERR, K_NUM, K_STR, K_NAME, K_QNAME,
	K_LP, K_RP, K_COMMA, K_PLUS, K_MINUS, K_STAR, K_SLASH,
	K_LT, K_LE, K_GT, K_GE, K_EQ, K_NE,
	K_AND, K_OR, K_NOT, K_TRUE, K_FALSE
};

struct parser {
	const char *s;
	size_t n;
	size_t i;		/* next byte to read */
	int tok;		/* K_* */
	size_t tpos;		/* the token's bytes: s[tpos..tend) */
	size_t tend;
	size_t tcol;		/* the token's column */
	size_t cbyte;		/* a byte offset whose column is ccol */
	size_t ccol;
	double tnum;		/* K_NUM */
	struct csm_buf tstr;	/* K_STR: the text; K_NAME, K_QNAME: the name */
	int depth;
	int failed;
	struct csm_experr *err;
	struct csm_expr *e;
	uint32_t *stk;		/* arguments of the calls being parsed */
	size_t nstk;
	size_t capstk;
};

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

static int
isalpha_(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
lowc(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* The 1-based column of byte pos, counting UTF-8 characters. */
static size_t
column(const char *s, size_t pos)
{
	size_t i, col = 1;

	for (i = 0; i < pos; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			col++;
	return col;
}

static void perr(struct parser *, size_t, const char *, ...) CSM_PRINTF(3, 4);
static void perrc(struct parser *, size_t, const char *, ...) CSM_PRINTF(3, 4);

/*
 * Records an error at byte pos (perr) or at column col (perrc).  Only the
 * first counts: later ones are its consequences.
 */
static void
perr(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = 1;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	p->err->col = column(p->s, pos);
}

static void
perrc(struct parser *p, size_t col, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = 1;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	p->err->col = col;
}

static int
keyword(const char *s, size_t n)
{
	static const struct {
		const char *w;
		int tok;
	} kw[] = {
		{ "and", K_AND }, { "or", K_OR }, { "not", K_NOT },
		{ "true", K_TRUE }, { "false", K_FALSE }
	};
	size_t i, j;

	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		if (strlen(kw[i].w) != n)
			continue;
		for (j = 0; j < n && lowc((unsigned char)s[j]) == kw[i].w[j]; j++)
			;
		if (j == n)
			return kw[i].tok;
	}
	return K_NAME;
}

static int
lexnum(struct parser *p)
{
	const char *s = p->s;
	size_t i = p->i, end, j;
	double x;

	while (i < p->n && isdig((unsigned char)s[i]))
		i++;
	if (i < p->n && s[i] == '.' && i + 1 < p->n &&
	    isdig((unsigned char)s[i + 1])) {
		i++;
		while (i < p->n && isdig((unsigned char)s[i]))
			i++;
	}
	if (i < p->n && (s[i] == 'e' || s[i] == 'E')) {
		j = i + 1;
		if (j < p->n && (s[j] == '+' || s[j] == '-'))
			j++;
		if (j < p->n && isdig((unsigned char)s[j])) {
			i = j;
			while (i < p->n && isdig((unsigned char)s[i]))
				i++;
		}
	}
	end = i;
	if (i < p->n && s[i] == '%')
		i++;
	if (i < p->n && (isalpha_((unsigned char)s[i]) ||
	    isdig((unsigned char)s[i]) || s[i] == '.')) {
		while (i < p->n && (isalpha_((unsigned char)s[i]) ||
		    isdig((unsigned char)s[i]) || s[i] == '.'))
			i++;
		perr(p, p->tpos, "bad number '%.*s'", (int)(i - p->tpos),
		    s + p->tpos);
		return K_ERR;
	}
	p->i = i;
	p->tend = i;
	if (csm_parse_num(s + p->tpos, end - p->tpos, &x) != CSM_OK ||
	    !isfinite(x)) {
		perr(p, p->tpos, "number '%.*s' is out of range",
		    (int)(end - p->tpos), s + p->tpos);
		return K_ERR;
	}
	if (end < i)
		x /= 100;
	p->tnum = x;
	return K_NUM;
}

static int
lexstr(struct parser *p)
{
	const char *s = p->s;
	int q = s[p->i++];

	csm_buf_reset(&p->tstr);
	csm_buf_grow(&p->tstr, 0);
	for (;;) {
		if (p->i >= p->n) {
			perr(p, p->tpos, "unterminated string");
			return K_ERR;
		}
		if (s[p->i] == q)
			break;
		if (s[p->i] == '\\') {
			if (p->i + 1 >= p->n) {
				perr(p, p->tpos, "unterminated string");
				return K_ERR;
			}
			if (s[p->i + 1] != '\\' && s[p->i + 1] != '\'' &&
			    s[p->i + 1] != '"') {
				perr(p, p->i, "unknown escape '\\%c' in string",
				    s[p->i + 1]);
				return K_ERR;
			}
			p->i++;
		}
		csm_buf_addc(&p->tstr, s[p->i++]);
	}
	p->tend = ++p->i;
	return K_STR;
}

static int
lexop(struct parser *p)
{
	const char *s = p->s;
	int c = (unsigned char)s[p->i], c2;

	c2 = p->i + 1 < p->n ? (unsigned char)s[p->i + 1] : 0;
	p->tend = p->i + 1;
	switch (c) {
	case '(':
		return K_LP;
	case ')':
		return K_RP;
	case ',':
		return K_COMMA;
	case '+':
		return K_PLUS;
	case '-':
		return K_MINUS;
	case '*':
		return K_STAR;
	case '/':
		return K_SLASH;
	case '<':
	case '>':
		if (c2 == '=') {
			p->tend++;
			return c == '<' ? K_LE : K_GE;
		}
		return c == '<' ? K_LT : K_GT;
	case '=':
	case '!':
		if (c2 == '=') {
			p->tend++;
			return c == '=' ? K_EQ : K_NE;
		}
		perr(p, p->i, "unexpected '%c', did you mean '%s'?", c,
		    c == '=' ? "==" : "not");
		return K_ERR;
	case '&':
	case '|':
		perr(p, p->i, "unexpected '%c', did you mean '%s'?", c,
		    c == '&' ? "and" : "or");
		return K_ERR;
	}
	if (c > ' ' && c < 0x7f)
		perr(p, p->i, "unexpected character '%c'", c);
	else
		perr(p, p->i, "unexpected byte 0x%02x", c);
	return K_ERR;
}

/* Reads the next token into p. */
static void
next(struct parser *p)
{
	const char *s = p->s;
	size_t i;
	int c;

	if (p->tok == K_ERR)
		return;
	while (p->i < p->n && (s[p->i] == ' ' || s[p->i] == '\t' ||
	    s[p->i] == '\n' || s[p->i] == '\r'))
		p->i++;
	p->tpos = p->tend = p->i;
	for (; p->cbyte < p->tpos; p->cbyte++)
		if (((unsigned char)s[p->cbyte] & 0xc0) != 0x80)
			p->ccol++;
	p->tcol = p->ccol;
	if (p->i >= p->n) {
		p->tok = K_EOF;
		return;
	}
	c = (unsigned char)s[p->i];
	if (isdig(c)) {
		p->tok = lexnum(p);
	} else if (isalpha_(c)) {
		for (i = p->i; i < p->n && (isalpha_((unsigned char)s[i]) ||
		    isdig((unsigned char)s[i])); i++)
			;
		p->tok = keyword(s + p->i, i - p->i);
		csm_buf_reset(&p->tstr);
		csm_buf_add(&p->tstr, s + p->i, i - p->i);
		p->i = p->tend = i;
	} else if (c == '\'' || c == '"') {
		p->tok = lexstr(p);
	} else if (c == '`') {
		for (i = p->i + 1; i < p->n && s[i] != '`'; i++)
			;
		if (i >= p->n) {
			perr(p, p->tpos, "unterminated column name");
			p->tok = K_ERR;
		} else if (i == p->i + 1) {
			perr(p, p->tpos, "empty column name");
			p->tok = K_ERR;
		} else if (memchr(s + p->i + 1, '\0', i - p->i - 1) != NULL) {
			/* Names are C strings: one would end there. */
			perr(p, p->tpos, "NUL byte in column name");
			p->tok = K_ERR;
		} else {
			csm_buf_reset(&p->tstr);
			csm_buf_add(&p->tstr, s + p->i + 1, i - p->i - 1);
			p->i = p->tend = i + 1;
			p->tok = K_QNAME;
		}
	} else {
		p->tok = lexop(p);
		if (p->tok != K_ERR)
			p->i = p->tend;
	}
}

/* Reports the current token as unexpected. */
static void
unexpected(struct parser *p)
{
	size_t len = p->tend - p->tpos;

	if (p->tok == K_ERR)
		return;
	if (p->tok == K_EOF)
		perr(p, p->tpos, "unexpected end of expression");
	else if (p->tok == K_STR)
		perr(p, p->tpos, "unexpected string");
	else if (len > 40)
		perr(p, p->tpos, "unexpected '%.40s...'", p->s + p->tpos);
	else
		perr(p, p->tpos, "unexpected '%.*s'", (int)len, p->s + p->tpos);
}

/* ---- types ------------------------------------------------------------ */

static const char *
tname(int type)
{
	switch (type) {
	case Y_NUM:
		return "a number";
	case Y_BOOL:
		return "a boolean";
	case Y_STR:
		return "a string";
	case Y_DATE:
		return "a date";
	case Y_ANY:
		return "missing";
	}
	return "a column";
}

/*
 * Makes node i yield type want, or reports that it cannot: a column is
 * told how to read its text, coalesce and if pass want on to their value
 * arguments, a string literal becomes a date, and a number may serve as
 * a boolean.  what names the operator that needs it, or is NULL.
 */
static int
coerce(struct parser *p, uint32_t i, int want, const char *what)
{
	struct node *n = &p->e->node[i];
	const uint32_t *k = p->e->kids + n->kid;
	uint32_t j;
	long d;
	int pass;

	if (n->type == want || (want == Y_BOOL && n->type == Y_NUM))
		return 0;
	/* In arithmetic a boolean counts as 1 or 0 (not as a value: what). */
	if (want == Y_NUM && n->type == Y_BOOL && what != NULL)
		return 0;
	if (n->op == O_MISS) {
		n->type = (unsigned char)want;
		return 0;
	}
	if (n->op == O_COL && n->type == Y_COL) {
		if (want != Y_STR)
			n->type = n->mode = (unsigned char)want;
		return 0;
	}
	if (n->op == F_COALESCE || n->op == F_IF) {
		/*
		 * Columns last: one already told to read as another type
		 * has a sibling that fixed that type, and the error is
		 * better reported there.
		 */
		for (pass = 0; pass < 2; pass++)
			for (j = n->op == F_IF ? 1 : 0; j < n->nkid; j++)
				if ((p->e->node[k[j]].op == O_COL) == pass &&
				    coerce(p, k[j], want, what) != 0)
					return -1;
		n->type = (unsigned char)want;
		return 0;
	}
	if (want == Y_DATE && n->op == O_STR) {
		if (csm_parse_date(n->str, n->len, NULL, &d) != CSM_OK) {
			perrc(p, n->at, "'%.*s' is not a date (YYYY-MM-DD)",
			    n->len > 40 ? 40 : (int)n->len, n->str);
			return -1;
		}
		free(n->str);
		n->str = NULL;
		n->len = 0;
		n->op = O_NUM;
		n->num = (double)d;
		n->type = Y_DATE;
		return 0;
	}
	if (what != NULL)
		perrc(p, n->at, "'%s' needs %s, not %s", what, tname(want),
		    tname(n->type));
	else
		perrc(p, n->at, "expected %s, not %s", tname(want),
		    tname(n->type));
	return -1;
}

/*
 * Finds the one type that the nk nodes k can all yield, and makes them
 * yield it; Y_COL when all are columns (decided per row).  cmp says the
 * nodes are compared rather than chosen from.
 */
static int
unify(struct parser *p, const uint32_t *k, uint32_t nk, int cmp,
    const char *what)
{
	const struct node *nd;
	uint32_t j;
	int t = Y_COL;

	for (j = 0; j < nk; j++) {
		nd = &p->e->node[k[j]];
		if (nd->type == Y_COL || nd->type == Y_ANY || nd->type == t)
			continue;
		if (t == Y_COL) {
			t = nd->type;
			continue;
		}
		if (cmp)
			perrc(p, nd->at, "cannot compare %s with %s", tname(t),
			    tname(nd->type));
		else
			perrc(p, nd->at, "'%s' mixes %s and %s", what, tname(t),
			    tname(nd->type));
		return -1;
	}
	if (t != Y_COL)
		for (j = 0; j < nk; j++)
			if (coerce(p, k[j], t, what) != 0)
				return -1;
	return t;
}

/*
 * glibc compiles a repetition by copying what it repeats: x{1,32767} took
 * 7 s to refuse, and repetitions of repetitions multiply ((a+)+)+ ... 2^n.
 * So a pattern's size is estimated as its tree would be once copied, and
 * refused beyond MAXPATSIZE; a count above 255 (POSIX's RE_DUP_MAX
 * minimum) is refused outright.
 */
#define MAXREPEAT	255
#define MAXPATSIZE	10000
#define MAXPATNEST	64

/* The count of the {n}, {n,} or {n,m} at s[*i] (past it after), or 0. */
static unsigned long
bound(const char *s, size_t n, size_t *i)
{
	unsigned long lo = 0, hi = 0, v;
	int comma = 0;

	for ((*i)++; *i < n && (isdig((unsigned char)s[*i]) ||
	    s[*i] == ','); (*i)++) {
		if (s[*i] == ',') {
			comma = 1;
			continue;
		}
		v = (comma ? hi : lo) * 10 + (unsigned long)(s[*i] - '0');
		if (v > MAXREPEAT)
			v = MAXREPEAT + 1;
		if (comma)
			hi = v;
		else
			lo = v;
	}
	if (*i < n && s[*i] == '}')
		(*i)++;
	return hi > lo ? hi : lo;	/* {n,} copies n times */
}

/* Skips the bracket expression at s[*i]: [^]a-z[:alpha:]]. */
static void
skip_bracket(const char *s, size_t n, size_t *i)
{
	size_t j = *i + 1;
	char end;

	if (j < n && s[j] == '^')
		j++;
	if (j < n && s[j] == ']')
		j++;
	while (j < n && s[j] != ']') {
		if (s[j] == '[' && j + 1 < n && (s[j + 1] == ':' ||
		    s[j + 1] == '.' || s[j + 1] == '=')) {
			end = s[j + 1];
			for (j += 2; j + 1 < n && !(s[j] == end &&
			    s[j + 1] == ']'); j++)
				;
			j++;
		}
		j++;
	}
	*i = j + 1;
}

/*
 * Checks the size of an extended regular expression once its repetitions
 * are copied: per group, the sum of its parts, a part repeated m times
 * (x{n,m}; x+ is x and x*) counting m times.  Returns 0, or -1 with the
 * error set at the pattern.
 */
static int
check_pattern(struct parser *p, const struct node *pat)
{
	const char *s = pat->str;
	size_t i = 0, n = pat->len, depth = 0;
	unsigned long sum[MAXPATNEST + 1], last[MAXPATNEST + 1], f;

	sum[0] = last[0] = 0;
	while (i < n) {
		f = 0;
		switch (s[i]) {
		case '(':
			if (++depth > MAXPATNEST) {
				perrc(p, pat->at, "pattern nested more than %d "
				    "levels deep", MAXPATNEST);
				return -1;
			}
			sum[depth] = last[depth] = 0;
			i++;
			continue;
		case ')':
			if (depth > 0) {
				last[depth - 1] = sum[depth] ? sum[depth] : 1;
				sum[depth - 1] += last[depth - 1];
				depth--;
			}
			i++;
			break;
		case '|':
			last[depth] = 0;
			i++;
			continue;
		case '{':
			if ((f = bound(s, n, &i)) > MAXREPEAT) {
				perrc(p, pat->at, "pattern repeats more than %d "
				    "times", MAXREPEAT);
				return -1;
			}
			break;
		case '+':
			f = 2;
			i++;
			break;
		case '*':
		case '?':
			i++;
			continue;
		case '[':
			skip_bracket(s, n, &i);
			last[depth] = 1;
			sum[depth]++;
			break;
		case '\\':
			i++;
			/* FALLTHROUGH */
		default:
			i++;
			last[depth] = 1;
			sum[depth]++;
		}
		if (f > 1) {
			sum[depth] += last[depth] * (f - 1);
			last[depth] *= f;
		}
		if (sum[depth] > MAXPATSIZE || last[depth] > MAXPATSIZE) {
			perrc(p, pat->at, "pattern too large once its "
			    "repetitions are copied (more than %d)", MAXPATSIZE);
			return -1;
		}
	}
	return 0;
}

/*
 * Compiles the pattern of matches(s, re), which must be a string literal,
 * once: a bad pattern is an error at the pattern's column.
 */
static int
compile_pattern(struct parser *p, struct node *n, const struct node *pat)
{
	char msg[100];
	regex_t *re;
	int rc;

	if (pat->op != O_STR) {
		perrc(p, pat->at, "'matches' needs a pattern in quotes, not %s",
		    pat->op == O_COL ? "a column" : "an expression");
		return -1;
	}
	if (memchr(pat->str, '\0', pat->len) != NULL) {
		perrc(p, pat->at, "pattern holds a NUL byte");
		return -1;
	}
	if (check_pattern(p, pat) != 0)
		return -1;
	re = csm_xmalloc(sizeof(*re));
	if ((rc = regcomp(re, pat->str, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(rc, re, msg, sizeof(msg));
		free(re);
		if (msg[0] >= 'A' && msg[0] <= 'Z')
			msg[0] = (char)(msg[0] - 'A' + 'a');
		perrc(p, pat->at, "bad pattern '%.40s%s': %s", pat->str,
		    pat->len > 40 ? "..." : "", msg);
		return -1;
	}
	n->re = re;
	return 0;
}

/* Types node i from its children, which are typed already. */
static int
check(struct parser *p, uint32_t i)
{
	struct node *n = &p->e->node[i];
	const uint32_t *k = p->e->kids + n->kid;
	const char *what = opname[n->op];
	uint32_t j;
	int t;

	switch (n->op) {
	case O_NEG:
	case O_ADD:
	case O_SUB:
	case O_MUL:
	case O_DIV:
	case F_MIN:
	case F_MAX:
	case F_ABS:
	case F_ROUND:
	case F_CLAMP:
	case F_RATIO:
	case F_PCT:
	case F_LOG:
	case F_EXP:
	case F_SQRT:
		for (j = 0; j < n->nkid; j++)
			if (coerce(p, k[j], Y_NUM, what) != 0)
				return -1;
		n->type = Y_NUM;
		break;
	case O_LT:
	case O_LE:
	case O_GT:
	case O_GE:
	case O_EQ:
	case O_NE:
	case F_IN:
	case F_BETWEEN:
		if ((t = unify(p, k, n->nkid, 1, what)) < 0)
			return -1;
		if (t == Y_BOOL && n->op != O_EQ && n->op != O_NE &&
		    n->op != F_IN) {
			perrc(p, n->at, "cannot order booleans with '%s'", what);
			return -1;
		}
		n->mode = t == Y_NUM ? M_NUM : t == Y_STR ? M_STR :
		    t == Y_BOOL ? M_BOOL : M_DYN;
		n->type = Y_BOOL;
		break;
	case O_AND:
	case O_OR:
	case O_NOT:
		for (j = 0; j < n->nkid; j++)
			if (coerce(p, k[j], Y_BOOL, what) != 0)
				return -1;
		n->type = Y_BOOL;
		break;
	case F_SINCE:
	case F_UNTIL:
	case F_DAYS:
		for (j = 0; j < n->nkid; j++)
			if (coerce(p, k[j], Y_DATE, what) != 0)
				return -1;
		n->type = Y_NUM;
		break;
	case F_COUNT:
		for (j = 0; j < n->nkid; j++)
			if (coerce(p, k[j], Y_BOOL, what) != 0)
				return -1;
		n->type = Y_NUM;
		break;
	case F_CONTAINS:
	case F_STARTS:
		for (j = 0; j < n->nkid; j++)
			if (coerce(p, k[j], Y_STR, what) != 0)
				return -1;
		n->type = Y_BOOL;
		break;
	case F_MATCHES:
		if (coerce(p, k[0], Y_STR, what) != 0 ||
		    compile_pattern(p, n, &p->e->node[k[1]]) != 0)
			return -1;
		n->type = Y_BOOL;
		break;
	case F_COALESCE:
		if ((t = unify(p, k, n->nkid, 0, what)) < 0)
			return -1;
		n->type = (unsigned char)t;
		break;
	case F_IF:
		if (coerce(p, k[0], Y_BOOL, what) != 0 ||
		    (t = unify(p, k + 1, 2, 0, what)) < 0)
			return -1;
		n->type = (unsigned char)t;
		break;
	case F_MISSING:
		n->type = Y_BOOL;
		break;
	case F_LOWER:
		if (coerce(p, k[0], Y_STR, what) != 0)
			return -1;
		n->type = Y_STR;
		break;
	}
	return 0;
}

/* ---- parser ----------------------------------------------------------- */

/* Appends a node with nk children k, checked and typed; NONE on error. */
static long
mk(struct parser *p, int op, size_t at, const uint32_t *k, size_t nk)
{
	struct csm_expr *e = p->e;
	struct node *n;
	unsigned h = 0;
	size_t j;

	for (j = 0; j < nk; j++)
		if (e->node[k[j]].height > h)
			h = e->node[k[j]].height;
	if (h + 1 > MAXHEIGHT) {
		perrc(p, at, "expression too complex (more than %d levels)",
		    MAXHEIGHT);
		return NONE;
	}
	if (e->nnode == e->capnode) {
		e->capnode = e->capnode ? e->capnode * 2 : 16;
		e->node = csm_xreallocarray(e->node, e->capnode,
		    sizeof(*e->node));
	}
	/* kids is never NULL once a node exists: kids + kid must be valid. */
	if (e->kids == NULL || e->nkids + nk > e->capkids) {
		e->capkids = e->capkids ? e->capkids * 2 : 16;
		if (e->capkids < e->nkids + nk)
			e->capkids = e->nkids + nk;
		e->kids = csm_xreallocarray(e->kids, e->capkids,
		    sizeof(*e->kids));
	}
	n = &e->node[e->nnode];
	memset(n, 0, sizeof(*n));
	n->op = (unsigned char)op;
	n->height = (unsigned short)(h + 1);
	n->at = at;
	n->col = -2;
	n->kid = (uint32_t)e->nkids;
	n->nkid = (uint32_t)nk;
	if (nk > 0)
		memcpy(e->kids + e->nkids, k, nk * sizeof(*k));
	e->nkids += nk;
	e->nnode++;
	if (check(p, (uint32_t)(e->nnode - 1)) != 0)
		return NONE;
	return (long)(e->nnode - 1);
}

static int
enter(struct parser *p)
{
	if (++p->depth > MAXNEST) {
		perr(p, p->tpos, "expression nested more than %d levels deep",
		    MAXNEST);
		return -1;
	}
	return 0;
}

static long parse_or(struct parser *);

static const struct func *
findfunc(const char *name, size_t n)
{
	size_t i, j;

	for (i = 0; i < NFUNCS; i++) {
		if (strlen(funcs[i].name) != n)
			continue;
		for (j = 0; j < n && lowc((unsigned char)name[j]) ==
		    funcs[i].name[j]; j++)
			;
		if (j == n)
			return &funcs[i];
	}
	return NULL;
}

/* How many leading bytes a and b share. */
static size_t
common_prefix(const char *a, const char *b)
{
	size_t i;

	for (i = 0; a[i] != '\0' && a[i] == b[i]; i++)
		;
	return i;
}

/*
 * An unknown function, with the nearest name; of two as near, the one
 * that shares the longer start (rount: round rather than count).
 */
static void
badfunc(struct parser *p)
{
	const char *name = p->tstr.s, *best = NULL;
	size_t i, d, bestd = (size_t)-1, len = p->tstr.len;

	for (i = 0; i < NFUNCS; i++) {
		d = csm_editdist(name, funcs[i].name);
		if (d < bestd || (d == bestd && common_prefix(name,
		    funcs[i].name) > common_prefix(name, best))) {
			bestd = d;
			best = funcs[i].name;
		}
	}
	if (bestd <= 2 && bestd < len)
		perr(p, p->tpos, "unknown function '%.40s', did you mean '%s'?",
		    name, best);
	else
		perr(p, p->tpos, "unknown function '%.40s'", name);
}

/* name ( args ): the current token is the name. */
static long
parse_call(struct parser *p)
{
	const struct func *f;
	size_t at = p->tcol, lp, base = p->nstk, nargs;
	long a, r;

	if ((f = findfunc(p->tstr.s, p->tstr.len)) == NULL) {
		badfunc(p);
		return NONE;
	}
	next(p);
	lp = p->tcol;
	next(p);
	if (p->tok == K_RP) {
		next(p);
	} else {
		for (;;) {
			if ((a = parse_or(p)) == NONE)
				return NONE;
			if (p->nstk == p->capstk) {
				p->capstk = p->capstk ? p->capstk * 2 : 16;
				p->stk = csm_xreallocarray(p->stk, p->capstk,
				    sizeof(*p->stk));
			}
			p->stk[p->nstk++] = (uint32_t)a;
			if (p->tok == K_COMMA) {
				next(p);
				continue;
			}
			if (p->tok != K_RP) {
				if (p->tok != K_ERR)
					perr(p, p->tpos, "expected ')' to close "
					    "'(' at column %zu", lp);
				return NONE;
			}
			next(p);
			break;
		}
	}
	nargs = p->nstk - base;
	if (nargs < f->min || (f->max != 0 && nargs > f->max)) {
		if (f->min == f->max)
			perrc(p, at, "'%s' takes %u argument%s, got %zu",
			    f->name, f->min, f->min == 1 ? "" : "s", nargs);
		else if (f->max == 0)
			perrc(p, at, "'%s' takes at least %u argument%s, got "
			    "%zu", f->name, f->min, f->min == 1 ? "" : "s",
			    nargs);
		else
			perrc(p, at, "'%s' takes %u or %u arguments, got %zu",
			    f->name, f->min, f->max, nargs);
		return NONE;
	}
	r = mk(p, f->op, at, p->stk + base, nargs);
	p->nstk = base;
	return r;
}

static long
leaf(struct parser *p, int op)
{
	long i = mk(p, op, p->tcol, NULL, 0);
	struct node *n;

	if (i == NONE)
		return NONE;
	n = &p->e->node[i];
	switch (op) {
	case O_NUM:
		n->num = p->tnum;
		n->type = Y_NUM;
		break;
	case O_BOOL:
		n->num = p->tok == K_TRUE;
		n->type = Y_BOOL;
		break;
	case O_STR:
	case O_COL:
		n->str = csm_xstrndup(p->tstr.s, p->tstr.len);
		n->len = p->tstr.len;
		n->type = op == O_STR ? Y_STR : Y_COL;
		n->mode = Y_COL;
		break;
	case O_MISS:
		n->type = Y_ANY;
		break;
	}
	next(p);
	return i;
}

static long
parse_primary(struct parser *p)
{
	size_t lp, j;
	long x;

	switch (p->tok) {
	case K_NUM:
		return leaf(p, O_NUM);
	case K_STR:
		return leaf(p, O_STR);
	case K_TRUE:
	case K_FALSE:
		return leaf(p, O_BOOL);
	case K_NAME:
		for (j = p->i; j < p->n && (p->s[j] == ' ' || p->s[j] == '\t' ||
		    p->s[j] == '\n' || p->s[j] == '\r'); j++)
			;
		if (j < p->n && p->s[j] == '(') {
			if (enter(p) != 0)
				return NONE;
			x = parse_call(p);
			p->depth--;
			return x;
		}
		if (findfunc(p->tstr.s, p->tstr.len) != NULL &&
		    findfunc(p->tstr.s, p->tstr.len)->op == F_MISSING)
			return leaf(p, O_MISS);	/* `missing` alone */
		return leaf(p, O_COL);
	case K_QNAME:
		return leaf(p, O_COL);
	case K_LP:
		lp = p->tcol;
		if (enter(p) != 0)
			return NONE;
		next(p);
		if ((x = parse_or(p)) == NONE)
			return NONE;
		p->depth--;
		if (p->tok != K_RP) {
			if (p->tok != K_ERR)
				perr(p, p->tpos, "expected ')' to close '(' at "
				    "column %zu", lp);
			return NONE;
		}
		next(p);
		return x;
	}
	unexpected(p);
	return NONE;
}

static long
parse_unary(struct parser *p)
{
	size_t at = p->tcol;
	uint32_t k;
	long x;
	struct node *n;

	if (p->tok != K_MINUS)
		return parse_primary(p);
	if (enter(p) != 0)
		return NONE;
	next(p);
	if ((x = parse_unary(p)) == NONE)
		return NONE;
	p->depth--;
	n = &p->e->node[x];
	if (n->op == O_NUM && n->type == Y_NUM) {
		n->num = -n->num;
		n->at = at;
		return x;
	}
	k = (uint32_t)x;
	return mk(p, O_NEG, at, &k, 1);
}

static long
parse_mul(struct parser *p)
{
	uint32_t k[2];
	size_t at;
	long x, y;
	int op;

	if ((x = parse_unary(p)) == NONE)
		return NONE;
	while (p->tok == K_STAR || p->tok == K_SLASH) {
		op = p->tok == K_STAR ? O_MUL : O_DIV;
		at = p->tcol;
		next(p);
		if ((y = parse_unary(p)) == NONE)
			return NONE;
		k[0] = (uint32_t)x;
		k[1] = (uint32_t)y;
		if ((x = mk(p, op, at, k, 2)) == NONE)
			return NONE;
	}
	return x;
}

static long
parse_add(struct parser *p)
{
	uint32_t k[2];
	size_t at;
	long x, y;
	int op;

	if ((x = parse_mul(p)) == NONE)
		return NONE;
	while (p->tok == K_PLUS || p->tok == K_MINUS) {
		op = p->tok == K_PLUS ? O_ADD : O_SUB;
		at = p->tcol;
		next(p);
		if ((y = parse_mul(p)) == NONE)
			return NONE;
		k[0] = (uint32_t)x;
		k[1] = (uint32_t)y;
		if ((x = mk(p, op, at, k, 2)) == NONE)
			return NONE;
	}
	return x;
}

static int
cmpop(int tok)
{
	switch (tok) {
	case K_LT:
		return O_LT;
	case K_LE:
		return O_LE;
	case K_GT:
		return O_GT;
	case K_GE:
		return O_GE;
	case K_EQ:
		return O_EQ;
	case K_NE:
		return O_NE;
	}
	return -1;
}

static long
parse_cmp(struct parser *p)
{
	uint32_t k[2];
	size_t at;
	long x, y;
	int op;

	if ((x = parse_add(p)) == NONE)
		return NONE;
	if ((op = cmpop(p->tok)) < 0)
		return x;
	at = p->tcol;
	next(p);
	if ((y = parse_add(p)) == NONE)
		return NONE;
	if (cmpop(p->tok) >= 0) {
		perr(p, p->tpos, "comparisons cannot be chained, use 'and'");
		return NONE;
	}
	k[0] = (uint32_t)x;
	k[1] = (uint32_t)y;
	return mk(p, op, at, k, 2);
}

static long
parse_not(struct parser *p)
{
	size_t at = p->tcol;
	uint32_t k;
	long x;

	if (p->tok != K_NOT)
		return parse_cmp(p);
	if (enter(p) != 0)
		return NONE;
	next(p);
	if ((x = parse_not(p)) == NONE)
		return NONE;
	p->depth--;
	k = (uint32_t)x;
	return mk(p, O_NOT, at, &k, 1);
}

static long
parse_and(struct parser *p)
{
	uint32_t k[2];
	size_t at;
	long x, y;

	if ((x = parse_not(p)) == NONE)
		return NONE;
	while (p->tok == K_AND) {
		at = p->tcol;
		next(p);
		if ((y = parse_not(p)) == NONE)
			return NONE;
		k[0] = (uint32_t)x;
		k[1] = (uint32_t)y;
		if ((x = mk(p, O_AND, at, k, 2)) == NONE)
			return NONE;
	}
	return x;
}

static long
parse_or(struct parser *p)
{
	uint32_t k[2];
	size_t at;
	long x, y;

	if ((x = parse_and(p)) == NONE)
		return NONE;
	while (p->tok == K_OR) {
		at = p->tcol;
		next(p);
		if ((y = parse_and(p)) == NONE)
			return NONE;
		k[0] = (uint32_t)x;
		k[1] = (uint32_t)y;
		if ((x = mk(p, O_OR, at, k, 2)) == NONE)
			return NONE;
	}
	return x;
}

struct csm_expr *
csm_expr_compile(const char *src, size_t n, struct csm_experr *err)
{
	struct parser p;
	struct csm_expr *e;
	long root = NONE;

	memset(&p, 0, sizeof(p));
	p.ccol = 1;
	p.s = src;
	p.n = n;
	p.err = err;
	err->msg[0] = '\0';
	err->col = 0;
	if (n > MAXLEN) {
		snprintf(err->msg, sizeof(err->msg),
		    "expression longer than %d bytes", MAXLEN);
		err->col = 1;
		return NULL;
	}
	e = csm_xcalloc(1, sizeof(*e));
	p.e = e;
	csm_buf_init(&p.tstr);
	next(&p);
	if (p.tok == K_EOF)
		perr(&p, 0, "empty expression");
	else if ((root = parse_or(&p)) != NONE && p.tok != K_EOF)
		unexpected(&p);
	csm_buf_release(&p.tstr);
	free(p.stk);
	if (p.failed) {
		csm_expr_free(e);
		return NULL;
	}
	e->root = (uint32_t)root;
	return e;
}

int
csm_expr_want(struct csm_expr *e, int type, struct csm_experr *err)
{
	struct parser p;
	int want;

	switch (type) {
	case CSM_T_NUM:
		want = Y_NUM;
		break;
	case CSM_T_BOOL:
		want = Y_BOOL;
		break;
	case CSM_T_STR:
		want = Y_STR;
		break;
	default:
		csm_die(EX_SOFTWARE, "csm_expr_want: bad type %d", type);
	}
	memset(&p, 0, sizeof(p));
	p.err = err;
	p.e = e;
	err->msg[0] = '\0';
	err->col = 0;
	return coerce(&p, e->root, want, NULL);
}

void
csm_expr_free(struct csm_expr *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nnode; i++) {
		free(e->node[i].str);
		if (e->node[i].re != NULL) {
			regfree(e->node[i].re);
			free(e->node[i].re);
		}
	}
	free(e->node);
	free(e->kids);
	free(e);
}

int
csm_expr_bind(struct csm_expr *e, const struct csm_cols *c,
    struct csm_experr *err)
{
	struct node *n;
	const char *sug;
	size_t i;
	long col;

	for (i = 0; i < e->nnode; i++) {
		n = &e->node[i];
		if (n->op != O_COL)
			continue;
		col = csm_cols_find(c, n->str);
		if (col < 0 && !csm_col_optional(n->str)) {
			sug = csm_cols_suggest(c, n->str);
			if (sug != NULL)
				snprintf(err->msg, sizeof(err->msg),
				    "unknown column '%.60s', did you mean "
				    "'%.60s'?", n->str, sug);
			else
				snprintf(err->msg, sizeof(err->msg),
				    "unknown column '%.60s'", n->str);
			err->col = n->at;
			return -1;
		}
		n->col = col < 0 ? -1 : col;
	}
	return 0;
}

void
csm_expr_columns(const struct csm_expr *e,
    void (*fn)(void *ctx, const char *name), void *ctx)
{
	size_t i, j;

	for (i = 0; i < e->nnode; i++) {
		if (e->node[i].op != O_COL)
			continue;
		for (j = 0; j < i; j++)
			if (e->node[j].op == O_COL &&
			    strcmp(e->node[j].str, e->node[i].str) == 0)
				break;
		if (j == i)
			fn(ctx, e->node[i].str);
	}
}

/* ---- evaluation ------------------------------------------------------- */

/*
 * A value while an evaluation runs: a string made by lower() lives in
 * ev->scratch, which may move, so it is held as an offset (scr set).
 */
struct ival {
	int t;			/* CSM_T_* */
	int scr;
	double num;
	const char *s;
	size_t off;
	size_t len;
};

static const char *
sptr(const struct csm_eval *ev, const struct ival *v)
{
	return v->scr ? ev->scratch.s + v->off : v->s;
}

static void
setnum(struct ival *v, double x)
{
	if (isfinite(x)) {
		v->t = CSM_T_NUM;
		v->num = x;
	} else
		v->t = CSM_T_MISSING;
}

static void
setbool(struct ival *v, int b)
{
	v->t = CSM_T_BOOL;
	v->num = b != 0;
}

static void
eval(const struct csm_expr *e, struct csm_eval *ev, uint32_t i,
    struct ival *v);

/* A value that cannot be read as type what: a data error or missing. */
static void
badval(const struct csm_eval *ev, const struct node *n, const char *s,
    size_t len, const char *what)
{
	const char *name = n->str;
	size_t nlen = strlen(n->str);

	if (ev->cols != NULL && (size_t)n->col < ev->cols->n) {
		name = ev->cols->name[n->col];
		nlen = ev->cols->len[n->col];
	}
	csm_cell_error(ev->badval, ev->rec, name, nlen, s, len, what,
	    "missing");
}

/* Reads column reference n as mode (Y_*: Y_COL for its text). */
static void
readcol(const struct csm_eval *ev, const struct node *n, int mode,
    struct ival *v)
{
	const struct csm_tbl *rec = ev->rec;
	const char *s;
	size_t len;
	double x;
	long d;
	int b;

	v->t = CSM_T_MISSING;
	v->scr = 0;
	if (n->col < 0 || (size_t)n->col >= rec->ncols) {
		if (n->col == -2)
			csm_die(EX_SOFTWARE, "expression not bound to a header");
		return;
	}
	s = rec->f[n->col];
	len = rec->flen[n->col];
	switch (mode) {
	case Y_NUM:
		switch (csm_parse_num(s, len, &x)) {
		case CSM_OK:
			if (isfinite(x)) {
				setnum(v, x);
				return;
			}
			break;
		case CSM_MISSING:
			return;
		}
		/* 1e400: a number, but none a double holds (SPEC 8.1) */
		badval(ev, n, s, len, csm_num_overflows(s, len) ?
		    "a finite number" : "a number");
		return;
	case Y_BOOL:
		switch (csm_parse_bool(s, len, &b)) {
		case CSM_OK:
			setbool(v, b);
			return;
		case CSM_MISSING:
			return;
		}
		badval(ev, n, s, len, "a boolean");
		return;
	case Y_DATE:
		switch (csm_parse_date(s, len, ev->date_format, &d)) {
		case CSM_OK:
			setnum(v, (double)d);
			return;
		case CSM_MISSING:
			return;
		}
		badval(ev, n, s, len, "a date");
		return;
	}
	if (csm_is_missing(s, len))
		return;
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	v->t = CSM_T_STR;
	v->s = s;
	v->len = len;
}

/* A number, or 0 when missing. */
static int
evnum(const struct csm_expr *e, struct csm_eval *ev, uint32_t i, double *x)
{
	struct ival v;

	eval(e, ev, i, &v);
	if (v.t == CSM_T_MISSING)
		return 0;
	*x = v.num;
	return 1;
}

/* A condition: 1 true, 0 false, -1 missing. */
static int
evtruth(const struct csm_expr *e, struct csm_eval *ev, uint32_t i)
{
	struct ival v;

	eval(e, ev, i, &v);
	if (v.t == CSM_T_BOOL || v.t == CSM_T_NUM)
		return v.num != 0;
	return -1;
}

/* Compares two values that are not missing. */
static int
cmpval(const struct csm_eval *ev, int mode, const struct ival *a,
    const struct ival *b)
{
	const char *as, *bs;
	double x, y;
	size_t n;
	int r;

	if (mode == M_STR || mode == M_DYN) {
		as = sptr(ev, a);
		bs = sptr(ev, b);
		if (mode == M_DYN && csm_parse_num(as, a->len, &x) == CSM_OK &&
		    csm_parse_num(bs, b->len, &y) == CSM_OK)
			return (x > y) - (x < y);
		n = a->len < b->len ? a->len : b->len;
		if (n > 0 && (r = memcmp(as, bs, n)) != 0)
			return r < 0 ? -1 : 1;
		return (a->len > b->len) - (a->len < b->len);
	}
	return (a->num > b->num) - (a->num < b->num);
}

static void
evlower(const struct csm_expr *e, struct csm_eval *ev, uint32_t i,
    struct ival *v)
{
	struct csm_buf *b = &ev->scratch;
	const char *s;
	char *d;
	size_t j;

	eval(e, ev, i, v);
	if (v->t == CSM_T_MISSING)
		return;
	csm_buf_grow(b, v->len);
	s = sptr(ev, v);
	d = b->s + b->len;
	for (j = 0; j < v->len; j++)
		d[j] = (char)lowc((unsigned char)s[j]);
	d[v->len] = '\0';
	v->scr = 1;
	v->off = b->len;
	b->len += v->len;
}

/* between(x, lo, hi): lo <= x <= hi, as the comparisons compare. */
static void
evbetween(const struct csm_expr *e, struct csm_eval *ev,
    const struct node *n, struct ival *v)
{
	const uint32_t *k = e->kids + n->kid;
	struct ival x, lo, hi;

	eval(e, ev, k[0], &x);
	if (x.t == CSM_T_MISSING)
		return;
	eval(e, ev, k[1], &lo);
	if (lo.t == CSM_T_MISSING)
		return;
	eval(e, ev, k[2], &hi);
	if (hi.t == CSM_T_MISSING)
		return;
	setbool(v, cmpval(ev, n->mode, &lo, &x) <= 0 &&
	    cmpval(ev, n->mode, &x, &hi) <= 0);
}

/* contains(s, sub) and starts_with(s, prefix), byte for byte. */
static void
evsubstr(const struct csm_expr *e, struct csm_eval *ev,
    const struct node *n, struct ival *v)
{
	const uint32_t *k = e->kids + n->kid;
	struct ival a, b;
	const char *s, *sub;
	size_t i;

	eval(e, ev, k[0], &a);
	if (a.t == CSM_T_MISSING)
		return;
	eval(e, ev, k[1], &b);
	if (b.t == CSM_T_MISSING)
		return;
	s = sptr(ev, &a);	/* both now: lower() may have moved scratch */
	sub = sptr(ev, &b);
	if (n->op == F_STARTS) {
		setbool(v, b.len <= a.len && memcmp(s, sub, b.len) == 0);
		return;
	}
	for (i = 0; i + b.len <= a.len; i++)
		if (memcmp(s + i, sub, b.len) == 0) {
			setbool(v, 1);
			return;
		}
	setbool(v, 0);
}

/*
 * matches(s, re): the pattern compiled with the expression, run on a
 * NUL-terminated copy of s in the scratch space (a NUL byte in s ends it).
 */
static void
evmatches(const struct csm_expr *e, struct csm_eval *ev,
    const struct node *n, struct ival *v)
{
	struct csm_buf *b = &ev->scratch;
	struct ival a;
	char *d;

	eval(e, ev, e->kids[n->kid], &a);
	if (a.t == CSM_T_MISSING)
		return;
	csm_buf_grow(b, a.len + 1);
	d = b->s + b->len;
	memcpy(d, sptr(ev, &a), a.len);
	d[a.len] = '\0';
	setbool(v, regexec(n->re, d, 0, NULL, 0) == 0);
}

static void
eval(const struct csm_expr *e, struct csm_eval *ev, uint32_t i,
    struct ival *v)
{
	const struct node *n = &e->node[i];
	const uint32_t *k = e->kids + n->kid;
	struct ival a, b;
	double x, y, z;
	uint32_t j;
	int c, ta, tb;

	v->t = CSM_T_MISSING;
	v->scr = 0;
	switch (n->op) {
	case O_NUM:
		v->t = CSM_T_NUM;
		v->num = n->num;
		return;
	case O_BOOL:
		setbool(v, n->num != 0);
		return;
	case O_STR:
		v->t = CSM_T_STR;
		v->s = n->str;
		v->len = n->len;
		return;
	case O_COL:
		readcol(ev, n, n->mode, v);
		return;
	case O_NEG:
		if (evnum(e, ev, k[0], &x))
			setnum(v, -x);
		return;
	case O_ADD:
	case O_SUB:
	case O_MUL:
	case O_DIV:
		if (!evnum(e, ev, k[0], &x) || !evnum(e, ev, k[1], &y))
			return;
		if (n->op == O_ADD)
			setnum(v, x + y);
		else if (n->op == O_SUB)
			setnum(v, x - y);
		else if (n->op == O_MUL)
			setnum(v, x * y);
		else if (y != 0)
			setnum(v, x / y);
		return;
	case O_LT:
	case O_LE:
	case O_GT:
	case O_GE:
	case O_EQ:
	case O_NE:
		eval(e, ev, k[0], &a);
		if (a.t == CSM_T_MISSING)
			return;
		eval(e, ev, k[1], &b);
		if (b.t == CSM_T_MISSING)
			return;
		c = cmpval(ev, n->mode, &a, &b);
		setbool(v, n->op == O_LT ? c < 0 : n->op == O_LE ? c <= 0 :
		    n->op == O_GT ? c > 0 : n->op == O_GE ? c >= 0 :
		    n->op == O_EQ ? c == 0 : c != 0);
		return;
	case O_AND:
		if ((ta = evtruth(e, ev, k[0])) == 0 ||
		    (tb = evtruth(e, ev, k[1])) == 0)
			setbool(v, 0);
		else if (ta == 1 && tb == 1)
			setbool(v, 1);
		return;
	case O_OR:
		if ((ta = evtruth(e, ev, k[0])) == 1 ||
		    (tb = evtruth(e, ev, k[1])) == 1)
			setbool(v, 1);
		else if (ta == 0 && tb == 0)
			setbool(v, 0);
		return;
	case O_NOT:
		if ((ta = evtruth(e, ev, k[0])) >= 0)
			setbool(v, !ta);
		return;
	case F_MIN:
	case F_MAX:
		if (!evnum(e, ev, k[0], &x))
			return;
		for (j = 1; j < n->nkid; j++) {
			if (!evnum(e, ev, k[j], &y))
				return;
			if (n->op == F_MIN ? y < x : y > x)
				x = y;
		}
		setnum(v, x);
		return;
	case F_ABS:
		if (evnum(e, ev, k[0], &x))
			setnum(v, fabs(x));
		return;
	case F_ROUND:
		if (!evnum(e, ev, k[0], &x))
			return;
		y = 0;
		if (n->nkid > 1 && !evnum(e, ev, k[1], &y))
			return;
		y = y < 0 ? 0 : y > 15 ? 15 : y;	/* digits: 0 to 15 */
		setnum(v, csm_round(x, (int)y));
		return;
	case F_CLAMP:
		if (evnum(e, ev, k[0], &x) && evnum(e, ev, k[1], &y) &&
		    evnum(e, ev, k[2], &z))
			setnum(v, x < y ? y : x > z ? z : x);
		return;
	case F_RATIO:
		if (evnum(e, ev, k[0], &x) && evnum(e, ev, k[1], &y) && y != 0)
			setnum(v, x / y);
		return;
	case F_PCT:
		if (evnum(e, ev, k[0], &x) && evnum(e, ev, k[1], &y) && y != 0)
			setnum(v, (x - y) / fabs(y));
		return;
	case F_SINCE:
		if (evnum(e, ev, k[0], &x))
			setnum(v, (double)ev->today - x);
		return;
	case F_UNTIL:
		if (evnum(e, ev, k[0], &x))
			setnum(v, x - (double)ev->today);
		return;
	case F_COALESCE:
		for (j = 0; j < n->nkid; j++) {
			eval(e, ev, k[j], v);
			if (v->t != CSM_T_MISSING)
				return;
		}
		return;
	case F_MISSING:
		eval(e, ev, k[0], &a);
		setbool(v, a.t == CSM_T_MISSING);
		return;
	case F_IF:
		eval(e, ev, evtruth(e, ev, k[0]) == 1 ? k[1] : k[2], v);
		return;
	case F_IN:
		eval(e, ev, k[0], &a);
		if (a.t == CSM_T_MISSING)
			return;
		for (j = 1; j < n->nkid; j++) {
			eval(e, ev, k[j], &b);
			if (b.t != CSM_T_MISSING &&
			    cmpval(ev, n->mode, &a, &b) == 0) {
				setbool(v, 1);
				return;
			}
		}
		setbool(v, 0);
		return;
	case F_LOWER:
		evlower(e, ev, k[0], v);
		return;
	case O_MISS:
		return;
	case F_LOG:
		if (evnum(e, ev, k[0], &x) && x > 0)
			setnum(v, log(x));
		return;
	case F_EXP:
		if (evnum(e, ev, k[0], &x))
			setnum(v, exp(x));	/* too large: inf, so missing */
		return;
	case F_SQRT:
		if (evnum(e, ev, k[0], &x) && x >= 0)
			setnum(v, sqrt(x));
		return;
	case F_BETWEEN:
		evbetween(e, ev, n, v);
		return;
	case F_COUNT:
		for (j = 0, x = 0; j < n->nkid; j++)
			if (evtruth(e, ev, k[j]) == 1)
				x++;
		setnum(v, x);
		return;
	case F_CONTAINS:
	case F_STARTS:
		evsubstr(e, ev, n, v);
		return;
	case F_MATCHES:
		evmatches(e, ev, n, v);
		return;
	case F_DAYS:
		if (evnum(e, ev, k[0], &x) && evnum(e, ev, k[1], &y))
			setnum(v, y - x);
		return;
	}
	csm_die(EX_SOFTWARE, "expr: bad node %d", n->op);
}

void
csm_eval_init(struct csm_eval *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->rec = NULL;
	ev->cols = NULL;
	ev->date_format = NULL;
	ev->badval = CSM_BAD_FAIL;
	csm_buf_init(&ev->scratch);
}

void
csm_eval_release(struct csm_eval *ev)
{
	csm_buf_release(&ev->scratch);
}

void
csm_expr_eval(const struct csm_expr *e, struct csm_eval *ev,
    struct csm_val *out)
{
	struct ival v;

	ev->scratch.len = 0;
	eval(e, ev, e->root, &v);
	out->type = v.t;
	out->num = v.t == CSM_T_NUM || v.t == CSM_T_BOOL ? v.num : 0;
	out->str = v.t == CSM_T_STR ? sptr(ev, &v) : NULL;
	out->len = v.t == CSM_T_STR ? v.len : 0;
}

/*
 * Evaluates node i as a number: what coerce does at compile time, done
 * now for a node that yields a column's text.
 */
static void
evalnum(const struct csm_expr *e, struct csm_eval *ev, uint32_t i,
    struct ival *v)
{
	const struct node *n = &e->node[i];
	const uint32_t *k = e->kids + n->kid;
	uint32_t j;

	if (n->type != Y_COL) {
		eval(e, ev, i, v);
		return;
	}
	switch (n->op) {
	case O_COL:
		readcol(ev, n, Y_NUM, v);
		return;
	case F_COALESCE:
		for (j = 0; j < n->nkid; j++) {
			evalnum(e, ev, k[j], v);
			if (v->t != CSM_T_MISSING)
				return;
		}
		return;
	case F_IF:
		evalnum(e, ev, evtruth(e, ev, k[0]) == 1 ? k[1] : k[2], v);
		return;
	}
	eval(e, ev, i, v);
}

int
csm_expr_num(const struct csm_expr *e, struct csm_eval *ev, double *out)
{
	struct ival v;

	ev->scratch.len = 0;
	evalnum(e, ev, e->root, &v);
	switch (v.t) {
	case CSM_T_NUM:
		*out = v.num;
		return CSM_OK;
	case CSM_T_MISSING:
		return CSM_MISSING;
	case CSM_T_STR:
		return csm_parse_num(sptr(ev, &v), v.len, out);
	}
	return CSM_BAD;
}

int
csm_val_true(const struct csm_val *v)
{
	int b;

	switch (v->type) {
	case CSM_T_NUM:
	case CSM_T_BOOL:
		return v->num != 0;
	case CSM_T_STR:
		return csm_parse_bool(v->str, v->len, &b) == CSM_OK && b;
	}
	return 0;
}

int
csm_val_num(const struct csm_val *v, double *out)
{
	switch (v->type) {
	case CSM_T_NUM:
		*out = v->num;
		return CSM_OK;
	case CSM_T_STR:
		return csm_parse_num(v->str, v->len, out);
	case CSM_T_MISSING:
		return CSM_MISSING;
	}
	return CSM_BAD;
}

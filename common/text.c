/*
 * text.c: what reports need besides CSV: templates ("logins down
 * {-pct_change(logins_30d, logins_prev_30d)|pct}") rendered per record,
 * and value formats: numbers for people (1,234,567; -$1,200) and for
 * machines (0.180556, no trailing zeros).  Escaping for Markdown and
 * HTML is in md.c and html.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csm.h"

struct part {
	char *text;		/* literal text before the expression */
	size_t len;
	struct csm_expr *e;	/* NULL for the trailing text */
	const char *fmt;	/* a static format name, or NULL */
};

struct csm_tmpl {
	struct part *part;
	size_t n;
	const struct csm_node *node;
};

static const char *const formats[] = {"pct", "money", "days", "int", "num",
	NULL};

struct csm_tmpl *
csm_tmpl_compile(const struct csm_node *nd)
{
	struct csm_tmpl *t = csm_xcalloc(1, sizeof(*t));
	const char *s = nd->str, *open, *close, *bar;
	struct csm_experr err;
	size_t i, n;

	t->node = nd;
	for (;;) {
		t->part = csm_xreallocarray(t->part, t->n + 1,
		    sizeof(*t->part));
		memset(&t->part[t->n], 0, sizeof(t->part[t->n]));
		open = strchr(s, '{');
		close = open ? strchr(open, '}') : NULL;
		if (open == NULL || close == NULL) {
			t->part[t->n].text = csm_xstrdup(s);
			t->part[t->n++].len = strlen(s);
			return t;
		}
		t->part[t->n].text = csm_xstrndup(s, (size_t)(open - s));
		t->part[t->n].len = (size_t)(open - s);
		n = (size_t)(close - open - 1);
		bar = memchr(open + 1, '|', n);
		if (bar != NULL) {
			for (i = 0; formats[i] != NULL; i++)
				if (strlen(formats[i]) ==
				    (size_t)(close - bar - 1) &&
				    memcmp(formats[i], bar + 1,
				    (size_t)(close - bar - 1)) == 0)
					t->part[t->n].fmt = formats[i];
			if (t->part[t->n].fmt == NULL)
				csm_cfg_die(nd, "unknown format '%.*s'",
				    (int)(close - bar - 1), bar + 1);
			n = (size_t)(bar - open - 1);
		}
		t->part[t->n].e = csm_expr_compile(open + 1, n, &err);
		if (t->part[t->n].e == NULL)
			csm_cfg_die(nd, "%s, in template '%s'", err.msg,
			    nd->str);
		t->n++;
		s = close + 1;
	}
}

void
csm_tmpl_bind(struct csm_tmpl *t, const struct csm_cols *c)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->part[i].e != NULL)
			csm_cfg_bind(t->part[i].e, t->node, c);
}

void
csm_tmpl_columns(const struct csm_tmpl *t,
    void (*fn)(void *ctx, const char *name), void *ctx)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->part[i].e != NULL)
			csm_expr_columns(t->part[i].e, fn, ctx);
}

void
csm_fmt_value(const struct csm_val *v, const char *fmt, struct csm_buf *out)
{
	char tmp[64];
	double d;
	size_t n;

	if (v->type == CSM_T_MISSING) {
		csm_buf_adds(out, "n/a");
		return;
	}
	if (v->type == CSM_T_STR && fmt == NULL) {
		csm_buf_add(out, v->str, v->len);
		return;
	}
	if (v->type == CSM_T_BOOL) {
		csm_buf_adds(out, v->num ? "true" : "false");
		return;
	}
	/*
	 * A number, or text read as one: whatever is not a finite number
	 * once scaled (1e307 as a percentage) is n/a, never inf or nan.
	 */
	if (csm_val_num(v, &d) != CSM_OK || !isfinite(d) ||
	    (fmt != NULL && strcmp(fmt, "pct") == 0 && !isfinite(d * 100))) {
		csm_buf_adds(out, "n/a");
		return;
	}
	if (fmt == NULL || strcmp(fmt, "num") == 0) {
		csm_fmt_num(d, 2, tmp);
		n = strlen(tmp);
		while (n > 0 && tmp[n - 1] == '0' && !strchr(tmp, 'e'))
			n--;
		if (n > 0 && tmp[n - 1] == '.')
			n--;
		csm_buf_add(out, tmp, n);
	} else if (strcmp(fmt, "pct") == 0) {
		csm_fmt_num(d * 100, 0, tmp);
		csm_buf_adds(out, tmp);
		csm_buf_addc(out, '%');
	} else if (strcmp(fmt, "money") == 0) {
		double r = csm_round(d, 0);

		if (fabs(r) < 9e16) {
			csm_fmt_cents((int64_t)r * 100, 1, tmp);
			tmp[strlen(tmp) - 3] = '\0';	/* drop ".00" */
		} else
			csm_fmt_num(r, 0, tmp);
		csm_buf_adds(out, tmp);
	} else if (strcmp(fmt, "days") == 0) {
		csm_fmt_num(d, 0, tmp);
		csm_buf_adds(out, tmp);
		csm_buf_adds(out, strcmp(tmp, "1") == 0 ||
		    strcmp(tmp, "-1") == 0 ? " day" : " days");
	} else {
		csm_fmt_num(d, 0, tmp);
		csm_buf_adds(out, tmp);
	}
}

void
csm_tmpl_render(const struct csm_tmpl *t, struct csm_eval *ev,
    struct csm_buf *out)
{
	struct csm_val v;
	size_t i;

	for (i = 0; i < t->n; i++) {
		csm_buf_add(out, t->part[i].text, t->part[i].len);
		if (t->part[i].e == NULL)
			continue;
		csm_expr_eval(t->part[i].e, ev, &v);
		csm_fmt_value(&v, t->part[i].fmt, out);
	}
}

void
csm_tmpl_free(struct csm_tmpl *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->part[i].text);
		csm_expr_free(t->part[i].e);
	}
	free(t->part);
	free(t);
}

/*
 * Rewrites a number csm_fmt_num gave in exponent form (%.17g:
 * 1.0000000000000001e+300) with the fewest digits that read back as the
 * same double (1e+300).
 */
static void
shortest(double x, char *out)
{
	int prec;

	if (strchr(out, 'e') == NULL)
		return;
	for (prec = 1; prec < 17; prec++) {
		snprintf(out, 64, "%.*g", prec, x);
		if (strtod(out, NULL) == x)
			return;
	}
	snprintf(out, 64, "%.17g", x);
}

void
csm_fmt_real(double x, int maxdigits, char *out)
{
	size_t n;

	if (!isfinite(x)) {
		out[0] = '\0';
		return;
	}
	csm_fmt_num(x, maxdigits, out);
	shortest(x, out);
	if (strchr(out, 'e') == NULL && strchr(out, '.') != NULL) {
		n = strlen(out);
		while (out[n - 1] == '0')
			n--;
		if (out[n - 1] == '.')
			n--;
		out[n] = '\0';
	}
	if (strcmp(out, "-0") == 0)
		memcpy(out, "0", 2);
}

void
csm_fmt_grouped(double x, int digits, struct csm_buf *b)
{
	char tmp[64];
	const char *s = tmp;
	size_t i, intlen;

	csm_fmt_num(x, digits, tmp);
	if (isfinite(x))
		shortest(x, tmp);
	if (strchr(tmp, 'e') != NULL || !isfinite(x)) {
		/* 1e+308 stays as it is: no separators in an exponent */
		csm_buf_adds(b, isfinite(x) ? tmp : "n/a");
		return;
	}
	if (*s == '-') {
		csm_buf_addc(b, '-');
		s++;
	}
	intlen = strcspn(s, ".");
	for (i = 0; i < intlen; i++) {
		if (i > 0 && (intlen - i) % 3 == 0)
			csm_buf_addc(b, ',');
		csm_buf_addc(b, s[i]);
	}
	csm_buf_adds(b, s + intlen);
}

/*
 * The symbols of the best-known ISO 4217 codes, as English text writes
 * them (Unicode CLDR): the dollars other than the US one keep a letter
 * prefix so that a page never mistakes them for US dollars.
 */
static const struct {
	char code[4];
	const char *sym;
} symbols[] = {
	{"USD", "$"}, {"EUR", "\342\202\254"}, {"GBP", "\302\243"},
	{"JPY", "\302\245"}, {"CNY", "CN\302\245"}, {"INR", "\342\202\271"},
	{"KRW", "\342\202\251"}, {"ILS", "\342\202\252"}, {"BRL", "R$"},
	{"CAD", "CA$"}, {"AUD", "A$"}, {"NZD", "NZ$"}, {"MXN", "MX$"},
	{"HKD", "HK$"}, {"TWD", "NT$"}, {"VND", "\342\202\253"},
	{"PHP", "\342\202\261"}
};

static int
ascii_letter(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

void
csm_money_prefix(const char *currency, struct csm_buf *b)
{
	size_t i, n;

	if (currency == NULL || *currency == '\0')
		currency = "USD";
	n = strlen(currency);
	if (n == 3 && ascii_letter(currency[0]) && ascii_letter(currency[1]) &&
	    ascii_letter(currency[2])) {
		for (i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++)
			if (strncasecmp(symbols[i].code, currency, 3) == 0) {
				csm_buf_adds(b, symbols[i].sym);
				return;
			}
		for (i = 0; i < 3; i++)
			csm_buf_addc(b, currency[i] >= 'a' ?
			    currency[i] - 'a' + 'A' : currency[i]);
		csm_buf_addc(b, ' ');
		return;
	}
	csm_buf_adds(b, currency);
	if (ascii_letter(currency[n - 1]) || currency[n - 1] == '.')
		csm_buf_addc(b, ' ');
}

void
csm_fmt_money(double x, int digits, const char *currency, struct csm_buf *b)
{
	if (!isfinite(x)) {
		csm_buf_adds(b, "n/a");
		return;
	}
	if (csm_round(x, digits) < 0)
		csm_buf_addc(b, '-');
	csm_money_prefix(currency, b);
	csm_fmt_grouped(fabs(x), digits, b);
}

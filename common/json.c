/*
 * json.c: the one JSON writer of every tool.  Values are typed (strings,
 * numbers with a given number of decimals, integers, money in cents,
 * booleans, null), and the writer keeps the nesting: it puts the commas,
 * the colons and the line breaks, and it refuses a call that would make
 * invalid JSON (a value where a key belongs, an unclosed container, a
 * second document) as an internal error.  A number that is not finite is
 * written as null, so inf and nan cannot appear; a string is escaped and
 * its invalid UTF-8 replaced with U+FFFD (see utf8.c).
 *
 * Layout: in a document, containers less deep than the writer's block
 * depth put each member on its own line, indented two spaces a level;
 * deeper ones stay on one line ({"a": 1, "b": [2, 3]}).  In JSON Lines
 * every top-level value is one line.
 */
#include <math.h>
#include <string.h>

#include "csm.h"

static const char hex[] = "0123456789abcdef";

CSM_NORETURN static void
misuse(const char *what)
{
	csm_die(EX_SOFTWARE, "internal error: JSON writer: %s", what);
}

void
csm_json_init(struct csm_json *j, struct csm_out *o, int mode, int block)
{
	memset(j, 0, sizeof(*j));
	j->o = o;
	j->mode = mode;
	j->block = mode == CSM_JSON_LINES ? 0 : block;
}

static int
is_block(const struct csm_json *j, int depth)
{
	return depth < j->block;
}

static void
newline(struct csm_json *j, int depth)
{
	int i;

	csm_out_write(j->o, "\n", 1);
	for (i = 0; i < depth; i++)
		csm_out_write(j->o, "  ", 2);
}

/*
 * What comes before a value (or a key): the separator from the previous
 * member and, in a block, the line break.  Checks that a value may come.
 */
static void
before(struct csm_json *j, int iskey)
{
	struct csm_json_level *lv;

	if (j->depth == 0) {
		if (iskey)
			misuse("a key outside an object");
		if (j->mode == CSM_JSON_DOC && j->ntop > 0)
			misuse("a second value at the top of a document");
		return;
	}
	lv = &j->lv[j->depth - 1];
	if (lv->kind == '{' && !iskey && !lv->key)
		misuse("a value in an object without its key");
	if (lv->kind == '{' && iskey && lv->key)
		misuse("two keys in a row");
	if (lv->kind == '[' && iskey)
		misuse("a key in an array");
	if (lv->kind == '{' && !iskey) {
		lv->key = 0;
		return;		/* after "key": */
	}
	if (lv->n++ > 0)
		csm_out_write(j->o, ",", 1);
	if (is_block(j, j->depth - 1))
		newline(j, j->depth);
	else if (lv->n > 1)
		csm_out_write(j->o, " ", 1);
}

/* After a complete value: a top-level value ends its line. */
static void
after(struct csm_json *j)
{
	if (j->depth == 0) {
		j->ntop++;
		csm_out_write(j->o, "\n", 1);
	}
}

static void
open_level(struct csm_json *j, char kind)
{
	before(j, 0);
	if (j->depth == CSM_JSON_MAXDEPTH)
		misuse("nested too deep");
	j->lv[j->depth].kind = kind;
	j->lv[j->depth].key = 0;
	j->lv[j->depth].n = 0;
	j->depth++;
	csm_out_write(j->o, &kind, 1);
}

static void
close_level(struct csm_json *j, char kind)
{
	struct csm_json_level *lv;
	char end = kind == '{' ? '}' : ']';

	if (j->depth == 0 || j->lv[j->depth - 1].kind != kind)
		misuse(kind == '{' ? "the end of an object that is not open" :
		    "the end of an array that is not open");
	lv = &j->lv[j->depth - 1];
	if (lv->key)
		misuse("a key without its value");
	j->depth--;
	if (lv->n > 0 && is_block(j, j->depth))
		newline(j, j->depth);
	csm_out_write(j->o, &end, 1);
	after(j);
}

void
csm_json_obj_begin(struct csm_json *j)
{
	open_level(j, '{');
}

void
csm_json_obj_end(struct csm_json *j)
{
	close_level(j, '{');
}

void
csm_json_arr_begin(struct csm_json *j)
{
	open_level(j, '[');
}

void
csm_json_arr_end(struct csm_json *j)
{
	close_level(j, '[');
}

/* Writes s[0..n) as a JSON string literal, quotes included. */
static void
quote(struct csm_out *o, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	char esc[6] = {'\\', 'u', '0', '0', 0, 0};
	size_t i = 0, start = 0, k;
	int bad;

	csm_out_write(o, "\"", 1);
	while (i < n) {
		if (u[i] >= 0x80) {
			k = csm_utf8_scan(s + i, n - i, &bad);
			if (bad) {
				csm_out_write(o, s + start, i - start);
				csm_out_write(o, CSM_UTF8_REPL, 3);
				csm_utf8_replaced();
				start = i + k;
			}
			i += k;
			continue;
		}
		if (u[i] >= 0x20 && u[i] != '"' && u[i] != '\\') {
			i++;
			continue;
		}
		csm_out_write(o, s + start, i - start);
		switch (u[i]) {
		case '"':
			csm_out_write(o, "\\\"", 2);
			break;
		case '\\':
			csm_out_write(o, "\\\\", 2);
			break;
		case '\n':
			csm_out_write(o, "\\n", 2);
			break;
		case '\r':
			csm_out_write(o, "\\r", 2);
			break;
		case '\t':
			csm_out_write(o, "\\t", 2);
			break;
		default:
			esc[4] = hex[u[i] >> 4];
			esc[5] = hex[u[i] & 0xf];
			csm_out_write(o, esc, 6);
		}
		start = ++i;
	}
	csm_out_write(o, s + start, n - start);
	csm_out_write(o, "\"", 1);
}

void
csm_json_keyn(struct csm_json *j, const char *k, size_t n)
{
	before(j, 1);
	quote(j->o, k, n);
	csm_out_write(j->o, ": ", 2);
	j->lv[j->depth - 1].key = 1;
}

void
csm_json_key(struct csm_json *j, const char *k)
{
	csm_json_keyn(j, k, strlen(k));
}

void
csm_json_str(struct csm_json *j, const char *s, size_t n)
{
	before(j, 0);
	quote(j->o, s, n);
	after(j);
}

void
csm_json_strz(struct csm_json *j, const char *s)
{
	csm_json_str(j, s, strlen(s));
}

/* Writes number text that is already known to be valid JSON. */
static void
raw_number(struct csm_json *j, const char *s, size_t n)
{
	before(j, 0);
	csm_out_write(j->o, s, n);
	after(j);
}

void
csm_json_null(struct csm_json *j)
{
	raw_number(j, "null", 4);
}

void
csm_json_bool(struct csm_json *j, int b)
{
	if (b)
		raw_number(j, "true", 4);
	else
		raw_number(j, "false", 5);
}

void
csm_json_num(struct csm_json *j, double x, int digits)
{
	char tmp[64];

	if (!isfinite(x) || digits < 0 || digits > 17) {
		csm_json_null(j);
		return;
	}
	csm_fmt_num(x, digits, tmp);
	if (strchr(tmp, 'e') != NULL)
		csm_fmt_real(x, digits, tmp);	/* the shortest exponent form */
	raw_number(j, tmp, strlen(tmp));
}

void
csm_json_real(struct csm_json *j, double x, int maxdigits)
{
	char tmp[64];

	if (!isfinite(x) || maxdigits < 0 || maxdigits > 17) {
		csm_json_null(j);
		return;
	}
	csm_fmt_real(x, maxdigits, tmp);
	raw_number(j, tmp, strlen(tmp));
}

void
csm_json_int(struct csm_json *j, long long v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%lld", v);

	raw_number(j, tmp, (size_t)n);
}

void
csm_json_cents(struct csm_json *j, int64_t cents)
{
	char tmp[32];

	csm_fmt_cents(cents, 0, tmp);
	raw_number(j, tmp, strlen(tmp));
}

int
csm_json_is_number(const char *s, size_t n)
{
	size_t i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		if (++i >= n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == n;
}

void
csm_json_numtext(struct csm_json *j, const char *s, size_t n)
{
	if (n == 0) {
		csm_json_null(j);
		return;
	}
	if (!csm_json_is_number(s, n))
		misuse("number text that is not a JSON number");
	raw_number(j, s, n);
}

void
csm_json_finish(struct csm_json *j)
{
	if (j->depth > 0)
		misuse("a container left open");
	if (j->mode == CSM_JSON_DOC && j->ntop != 1)
		misuse("a document without its value");
}

/*
 * t-yaml.c: unit tests of yaml.c: the tree csm_yaml_parse builds (flow
 * style remembered), every refusal with its message and position, the dump read back to an equal
 * tree, and the hostile inputs of ../shared/testdata/yaml, which must be
 * refused or read without a crash, a leak or a hang.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "t.h"

#define HOSTILE "../shared/testdata/yaml"

static const char file[] = "t.yaml";

static struct csm_node *
parse(const char *text, size_t n, char *msg, size_t msgsz, long *line,
    long *col)
{
	return csm_yaml_parse(text, n, file, msg, msgsz, line, col);
}

/* Parses text that must be good; the caller frees the tree. */
static struct csm_node *
good(const char *text)
{
	char msg[200];
	long line, col;
	struct csm_node *nd;

	nd = parse(text, strlen(text), msg, sizeof(msg), &line, &col);
	if (nd == NULL)
		T_FAIL("parse: %ld:%ld: %s", line, col, msg);
	return nd;
}

/* Checks that text is refused with msg at line:col. */
static void
refused(const char *text, size_t n, const char *want, long wline, long wcol)
{
	char msg[200];
	long line = -1, col = -1;
	struct csm_node *nd;

	nd = parse(text, n, msg, sizeof(msg), &line, &col);
	if (nd != NULL) {
		T_FAIL("accepted, want '%s': %.60s", want, text);
		csm_node_free(nd);
		return;
	}
	T_EQ_STR(msg, want);
	T_EQ_INT(line, wline);
	T_EQ_INT(col, wcol);
}

static void
scalar(const struct csm_node *nd, const char *str, int quoted, long line,
    long col)
{
	T_OK(nd != NULL);
	if (nd == NULL)
		return;
	T_EQ_INT(nd->kind, CSM_N_SCALAR);
	T_EQ_STR(nd->str, str);
	T_EQ_INT(nd->len, strlen(str));
	T_EQ_INT(nd->quoted, quoted);
	T_EQ_INT(nd->line, line);
	T_EQ_INT(nd->col, col);
	T_OK(nd->file == file);
}

static FILE *tmp;

/* Writes nd with csm_node_dump; the caller frees the text. */
static char *
dump(const struct csm_node *nd, size_t *len)
{
	struct csm_out o;
	char *s;
	off_t n;
	int fd;

	if (tmp == NULL && (tmp = tmpfile()) == NULL) {
		perror("tmpfile");
		exit(1);
	}
	fd = fileno(tmp);
	if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
		perror("tmpfile");
		exit(1);
	}
	csm_out_init(&o, dup(fd), "<tmpfile>", ',');
	csm_node_dump(nd, &o);
	csm_out_close(&o);
	n = lseek(fd, 0, SEEK_END);
	s = csm_xmalloc((size_t)n + 1);
	if (n < 0 || pread(fd, s, (size_t)n, 0) != n) {
		perror("tmpfile");
		exit(1);
	}
	s[n] = '\0';
	*len = (size_t)n;
	return s;
}

/*
 * Whether b is a as read back: same kinds, texts, and quoted where a was
 * (strict: quoted exactly as a).
 */
static int
same_tree(const struct csm_node *a, const struct csm_node *b, int strict)
{
	size_t i;

	if (a->kind != b->kind || a->n != b->n)
		return 0;
	if (a->kind == CSM_N_SCALAR && (a->len != b->len ||
	    memcmp(a->str, b->str, a->len) != 0 || (a->quoted && !b->quoted) ||
	    (strict && a->quoted != b->quoted)))
		return 0;
	for (i = 0; i < a->n; i++)
		if (!same_tree(a->kid[i], b->kid[i], strict))
			return 0;
	return 1;
}

/*
 * Dumps t, parses that, dumps again: the trees must be equal and the two
 * texts identical.  Returns the first text (the caller frees it), or NULL.
 */
static char *
roundtrip(const struct csm_node *t, int strict)
{
	char msg[200], *y1, *y2;
	size_t n1, n2;
	long line, col;
	struct csm_node *t2;

	y1 = dump(t, &n1);
	t2 = parse(y1, n1, msg, sizeof(msg), &line, &col);
	if (t2 == NULL) {
		T_FAIL("dump does not parse: %ld:%ld: %s\n%s", line, col, msg,
		    y1);
		free(y1);
		return NULL;
	}
	if (!same_tree(t, t2, strict)) {
		T_FAIL("dump reads back different:\n%s", y1);
		csm_node_free(t2);
		free(y1);
		return NULL;
	}
	y2 = dump(t2, &n2);
	if (n1 != n2 || memcmp(y1, y2, n1) != 0) {
		T_FAIL("second dump differs:\n%s---\n%s", y1, y2);
		free(y1);
		y1 = NULL;
	}
	free(y2);
	csm_node_free(t2);
	return y1;
}

static void
test_shape(void)
{
	static const char text[] =
	    "# a small config\n"
	    "name: demo\n"
	    "score:\n"
	    "  weights:\n"
	    "    usage: 0.4\n"
	    "    'nps score': \"x\"\n"
	    "  bands: [[0, 0], [0.5, 50]]\n"
	    "list:\n"
	    "  - name: a\n"
	    "    expr: |\n"
	    "      a + b\n"
	    "  - b\n"
	    "empty:\n";
	const struct csm_node *r, *s, *w, *b, *l;
	struct csm_node *root;

	if ((root = good(text)) == NULL)
		return;
	r = root;
	T_EQ_INT(r->kind, CSM_N_MAP);
	T_EQ_INT(r->n, 8);
	T_EQ_INT(r->line, 2);
	T_EQ_INT(r->col, 1);
	T_OK(r->file == file);
	scalar(r->kid[0], "name", 0, 2, 1);
	scalar(r->kid[1], "demo", 0, 2, 7);
	scalar(csm_node_get(r, "name"), "demo", 0, 2, 7);

	s = csm_node_get(r, "score");
	T_OK(s != NULL && s->kind == CSM_N_MAP && s->n == 4);
	T_EQ_INT(s->line, 4);
	T_EQ_INT(s->col, 3);
	w = csm_node_get(s, "weights");
	T_OK(w != NULL && w->kind == CSM_N_MAP && w->n == 4);
	scalar(csm_node_get(w, "usage"), "0.4", 0, 5, 12);
	scalar(w->kid[2], "nps score", 1, 6, 5);
	scalar(csm_node_get(w, "nps score"), "x", 1, 6, 18);

	b = csm_node_get(s, "bands");
	T_OK(b != NULL && b->kind == CSM_N_SEQ && b->n == 2);
	T_EQ_INT(b->line, 7);
	T_EQ_INT(b->col, 10);
	T_OK(b->kid[1]->kind == CSM_N_SEQ && b->kid[1]->n == 2);
	scalar(b->kid[1]->kid[0], "0.5", 0, 7, 20);
	scalar(b->kid[1]->kid[1], "50", 0, 7, 25);

	l = csm_node_get(r, "list");
	T_OK(l != NULL && l->kind == CSM_N_SEQ && l->n == 2);
	T_EQ_INT(l->line, 9);
	T_EQ_INT(l->col, 3);
	T_OK(l->kid[0]->kind == CSM_N_MAP && l->kid[0]->n == 4);
	scalar(csm_node_get(l->kid[0], "name"), "a", 0, 9, 11);
	scalar(csm_node_get(l->kid[0], "expr"), "a + b\n", 1, 10, 11);
	scalar(l->kid[1], "b", 0, 12, 5);

	scalar(csm_node_get(r, "empty"), "", 0, 13, 7);
	T_OK(csm_node_get(r, "nothere") == NULL);
	T_OK(csm_node_get(r, "nam") == NULL);
	T_OK(csm_node_get(NULL, "name") == NULL);
	T_OK(csm_node_get(b, "name") == NULL);
	csm_node_free(root);
	csm_node_free(NULL);
}

/* Text of n levels of flow sequences, "[[...]]"; the caller frees it. */
static char *
nested_flow(size_t n)
{
	char *s = csm_xmalloc(2 * n + 1);

	memset(s, '[', n);
	memset(s + n, ']', n);
	s[2 * n] = '\0';
	return s;
}

/* Text of n levels of block maps, "k:\n  k:\n ... k: v". */
static char *
nested_block(size_t n)
{
	struct csm_buf b;
	size_t i;

	csm_buf_init(&b);
	for (i = 0; i < n; i++) {
		csm_buf_printf(&b, "%*sk:", (int)(2 * i), "");
		csm_buf_adds(&b, i + 1 < n ? "\n" : " v\n");
	}
	return csm_buf_detach(&b);
}

#define E_ALIAS "aliases are not allowed in a config"
#define E_ANCHOR "anchors are not allowed in a config"
#define E_TAG "tags are not allowed in a config"
#define E_KEY "a key must be a plain name"
#define E_DOCS "more than one YAML document"

/* Maps and lists remember whether they were written in flow style, so
 * that an expression cut by a flow mapping's comma can be told. */
static void
test_flow(void)
{
	struct csm_node *nd = good("a: {b: 1, c: [2, 3]}\nd:\n  - e: 4\n");
	const struct csm_node *a = csm_node_get(nd, "a");
	const struct csm_node *d = csm_node_get(nd, "d");

	T_EQ_INT(nd->flow, 0);
	T_EQ_INT(a->flow, 1);
	T_EQ_INT(csm_node_get(a, "c")->flow, 1);
	T_EQ_INT(d->flow, 0);
	T_EQ_INT(d->kid[0]->flow, 0);
	T_EQ_INT(csm_node_get(a, "b")->flow, 0);	/* scalars: 0 */
	csm_node_free(nd);
	/* the comma ends a plain value: the rest is a key with no value */
	nd = good("{v: ratio(a, b)}\n");
	T_EQ_INT(nd->n, 4);
	T_EQ_STR(nd->kid[1]->str, "ratio(a");
	T_EQ_STR(nd->kid[2]->str, "b)");
	T_EQ_INT(nd->kid[3]->len, 0);
	csm_node_free(nd);
}

static void
test_refusals(void)
{
	static const struct {
		const char *text;
		const char *msg;
		long line;
		long col;
	} bad[] = {
		{ "a: 1\nb: *x\n", E_ALIAS, 2, 4 },
		{ "a: 1\nb: [1, *x]\n", E_ALIAS, 2, 8 },
		{ "a: &x 1\n", E_ANCHOR, 1, 4 },
		{ "a: 1\nb: &x\n  c: 1\n", E_ANCHOR, 2, 4 },
		{ "a: !!str 1\n", E_TAG, 1, 4 },
		{ "a: 1\nb: !x [1]\n", E_TAG, 2, 4 },
		{ "--- !!map\na: 1\n", E_TAG, 1, 5 },
		{ "a: 1\nb: 2\na: 3\n", "duplicate key 'a', first at line 1",
		  3, 1 },
		{ "x:\n  a: 1\n  'a': 2\n",
		  "duplicate key 'a', first at line 2", 3, 3 },
		{ "x: {a: 1, b: 2, \"b\": 3}\n",
		  "duplicate key 'b', first at line 1", 1, 17 },
		{ "? [a]\n: 1\n", E_KEY, 1, 3 },
		{ "x: {[a]: 1}\n", E_KEY, 1, 5 },
		{ "x:\n  ? a: 1\n  : 2\n", E_KEY, 2, 5 },
		{ "a: 1\n---\nb: 2\n", E_DOCS, 2, 1 },
		{ "a: 1\n...\n---\nb: 2\n", E_DOCS, 3, 1 },
		{ "a: 1\n...\nb: 2\n",
		  "did not find expected <document start>", 3, 1 },
		{ "a: [1, 2\nb: 3\n",
		  "did not find expected ',' or ']' while parsing a flow "
		  "sequence", 2, 2 },
		{ "a:\n  b: 1\n c: 2\n",
		  "did not find expected key while parsing a block mapping",
		  3, 2 },
		{ "a: 'x\n",
		  "found unexpected end of stream while scanning a quoted "
		  "scalar", 2, 1 },
		{ "a: 1\nb: x\x01y\n", "control characters are not allowed",
		  2, 5 },
		{ "a: 1\nb: \xe9t\xe9\n", "invalid trailing UTF-8 octet",
		  2, 5 },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(bad[i].text, strlen(bad[i].text), bad[i].msg,
		    bad[i].line, bad[i].col);
}

static void
test_limits(void)
{
	char *s, msg[8];
	long line, col;
	struct csm_node *nd;
	size_t n = (size_t)CSM_CFG_MAX_BYTES;

	/* 64 levels are fine, 65 are not; flow and block alike. */
	s = nested_flow(CSM_CFG_MAX_DEPTH);
	csm_node_free(good(s));
	free(s);
	s = nested_flow(CSM_CFG_MAX_DEPTH + 1);
	refused(s, strlen(s), "nesting deeper than 64 levels", 1, 65);
	free(s);
	s = nested_block(CSM_CFG_MAX_DEPTH);
	csm_node_free(good(s));
	free(s);
	s = nested_block(CSM_CFG_MAX_DEPTH + 1);
	refused(s, strlen(s), "nesting deeper than 64 levels", 65, 129);
	free(s);

	/* A million levels stop at the 65th, long before libyaml slows. */
	s = nested_flow(500000);
	refused(s, strlen(s), "nesting deeper than 64 levels", 1, 65);
	free(s);

	/* 1 MiB is fine (a comment: an empty map), one byte more is not. */
	s = csm_xmalloc(n + 1);
	memset(s, 'x', n + 1);
	s[0] = '#';
	nd = parse(s, n, msg, sizeof(msg), &line, &col);
	T_OK(nd != NULL && nd->kind == CSM_N_MAP && nd->n == 0);
	csm_node_free(nd);
	refused(s, n + 1, "config is larger than 1 MiB", 0, 0);
	free(s);

	/* A short message buffer truncates; none at all is allowed too. */
	nd = parse("a: *x", 5, msg, sizeof(msg), &line, &col);
	T_OK(nd == NULL);
	T_EQ_STR(msg, "aliases");
	T_OK(parse("a: *x", 5, NULL, 0, NULL, NULL) == NULL);
}

static void
test_empty(void)
{
	static const char *const empty[] = {
		"", "\n", "# nothing\n", "---\n", "--- # x\n...\n", "~\n",
		"null\n", "--- null\n", "NULL", "%YAML 1.1\n---\n",
	};
	struct csm_node *nd;
	size_t i;

	for (i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		if ((nd = good(empty[i])) == NULL)
			continue;
		if (nd->kind != CSM_N_MAP || nd->n != 0)
			T_FAIL("'%s' is not an empty map", empty[i]);
		T_OK(nd->file == file);
		T_OK(nd->line >= 1 && nd->col >= 1);
		csm_node_free(nd);
	}

	/* A quoted empty string is a string, not an empty document. */
	if ((nd = good("''")) != NULL) {
		T_EQ_INT(nd->kind, CSM_N_SCALAR);
		T_EQ_INT(nd->quoted, 1);
		csm_node_free(nd);
	}
}

static void
test_dump(void)
{
	static const char text[] =
	    "name: demo\n"
	    "score:\n"
	    "  weights: {usage: 0.4, nps: -1}\n"
	    "  bands: [[0, 0], [0.5, 50], [1, 100]]\n"
	    "  flat: [a, 'b c', \"d,e\", -1, 25%]\n"
	    "  note: 'it''s \"quoted\": yes'\n"
	    "  multi: |\n"
	    "    line one\n"
	    "    line two: with colon\n"
	    "  folded: >-\n"
	    "    one\n"
	    "    two\n"
	    "  ctl: \"tab\\there\\x01\\x7f\\u0085\\u2028 end \"\n"
	    "  url: http://example.com/a#b\n"
	    "  empty:\n"
	    "  blank: ''\n"
	    "  maps: {}\n"
	    "  seqs: []\n"
	    "'key: colon': 1\n"
	    "\"key #hash\": 2\n"
	    "'- dash': 3\n"
	    "\"\": empty key\n"
	    "\"line\\nbreak\": 4\n"
	    "risk:\n"
	    "  rules:\n"
	    "    - name: churn\n"
	    "      when: days_since(last_login) > 30 and not champion_left\n"
	    "      levels: [[1, low], [2, high]]\n"
	    "    - name: nps\n"
	    "      sub:\n"
	    "        - - a: 1\n"
	    "            b: 2\n"
	    "          - [x]\n"
	    "        -\n"
	    "        - {}\n"
	    "    - plain\n";
	static const char want[] =
	    "name: demo\n"
	    "score:\n"
	    "  weights:\n"
	    "    usage: 0.4\n"
	    "    nps: -1\n"
	    "  bands: [[0, 0], [0.5, 50], [1, 100]]\n"
	    "  flat: [a, \"b c\", \"d,e\", -1, 25%]\n"
	    "  note: \"it's \\\"quoted\\\": yes\"\n"
	    "  multi: \"line one\\nline two: with colon\\n\"\n"
	    "  folded: \"one two\"\n"
	    "  ctl: \"tab\\there\\x01\\x7F\\x85\\u2028 end \"\n"
	    "  url: http://example.com/a#b\n"
	    "  empty:\n"
	    "  blank: \"\"\n"
	    "  maps: {}\n"
	    "  seqs: []\n"
	    "\"key: colon\": 1\n"
	    "\"key #hash\": 2\n"
	    "\"- dash\": 3\n"
	    "\"\": empty key\n"
	    "\"line\\nbreak\": 4\n"
	    "risk:\n"
	    "  rules:\n"
	    "    - name: churn\n"
	    "      when: days_since(last_login) > 30 and not champion_left\n"
	    "      levels: [[1, low], [2, high]]\n"
	    "    - name: nps\n"
	    "      sub:\n"
	    "        - - a: 1\n"
	    "            b: 2\n"
	    "          - [x]\n"
	    "        -\n"
	    "        - {}\n"
	    "    - plain\n";
	struct csm_node *t;
	char *y;

	if ((t = good(text)) == NULL)
		return;
	if ((y = roundtrip(t, 1)) != NULL) {
		T_EQ_STR(y, want);
		free(y);
	}
	csm_node_free(t);

	/* Root shapes other than a block map. */
	if ((t = good("[1, [2, 3]]")) != NULL) {
		free(roundtrip(t, 1));
		csm_node_free(t);
	}
	if ((t = good("{}")) != NULL) {
		if ((y = roundtrip(t, 1)) != NULL)
			T_EQ_STR(y, "{}\n");
		free(y);
		csm_node_free(t);
	}
	if ((t = good("'~'")) != NULL) {
		if ((y = roundtrip(t, 1)) != NULL)
			T_EQ_STR(y, "\"~\"\n");
		free(y);
		csm_node_free(t);
	}
	if ((t = good("- a\n- b: 1\n")) != NULL) {
		if ((y = roundtrip(t, 1)) != NULL)
			T_EQ_STR(y, "- a\n- b: 1\n");
		free(y);
		csm_node_free(t);
	}
}

/* ---- trees built here, for what the parser cannot be given ------------ */

static struct csm_node *
mk(int kind, const char *s, size_t n, int quoted)
{
	struct csm_node *nd = csm_xcalloc(1, sizeof(*nd));

	nd->kind = kind;
	nd->file = file;
	if (kind == CSM_N_SCALAR) {
		nd->str = csm_xstrndup(s, n);
		nd->len = n;
		nd->quoted = quoted;
	}
	return nd;
}

static void
add(struct csm_node *p, struct csm_node *kid)
{
	p->kid = csm_xreallocarray(p->kid, p->n + 1, sizeof(*p->kid));
	p->kid[p->n++] = kid;
}

/*
 * Characters that matter to plain scalars, each as one token: the YAML
 * indicators, blanks, line breaks, NUL, and Unicode that YAML 1.1 reads
 * as a break, a BOM or a control.
 */
static const char *const tok[] = {
	" ", "\t", "\n", "-", "?", ":", ",", "[", "]", "{", "}", "#", "&",
	"*", "!", "|", ">", "'", "\"", "%", "@", "`", "a", "1", ".", "~",
	"\\", "/", "\r", "\x01", "\xc3\xa9", "\xc2\x85", "\xe2\x80\xa8",
	"\xef\xbb\xbf", "\xc2\x9f", "\xf0\x9f\x98\x80", "+", "=",
};
#define NTOK (sizeof(tok) / sizeof(tok[0]))

/*
 * Every string of up to three tokens, plain, as a key, a value, a block
 * sequence item, a flow sequence item and the root: the dump reads back
 * to the same text, and dumps the same again.
 */
static void
test_dump_plain(void)
{
	struct csm_buf b;
	struct csm_node *t, *m, *s, *r;
	size_t i, j, len, idx[3], fails = 0;
	char *y;

	csm_buf_init(&b);
	for (len = 0; len <= 3; len++) {
		size_t total = 1;

		for (i = 0; i < len; i++)
			total *= NTOK;
		for (j = 0; j < total; j++) {
			size_t v = j;

			csm_buf_reset(&b);
			for (i = 0; i < len; i++) {
				idx[i] = v % NTOK;
				v /= NTOK;
				csm_buf_adds(&b, tok[idx[i]]);
			}
			t = mk(CSM_N_MAP, NULL, 0, 0);
			add(t, mk(CSM_N_SCALAR, b.s ? b.s : "", b.len, 0));
			add(t, mk(CSM_N_SCALAR, b.s ? b.s : "", b.len, 0));
			add(t, mk(CSM_N_SCALAR, "f", 1, 0));
			s = mk(CSM_N_SEQ, NULL, 0, 0);
			add(s, mk(CSM_N_SCALAR, b.s ? b.s : "", b.len, 0));
			add(s, mk(CSM_N_SCALAR, "x", 1, 0));
			add(t, s);
			add(t, mk(CSM_N_SCALAR, "b", 1, 0));
			s = mk(CSM_N_SEQ, NULL, 0, 0);
			m = mk(CSM_N_MAP, NULL, 0, 0);
			add(m, mk(CSM_N_SCALAR, b.s ? b.s : "", b.len, 0));
			add(m, mk(CSM_N_SCALAR, b.s ? b.s : "", b.len, 0));
			add(s, m);
			add(s, mk(CSM_N_SCALAR, b.s ? b.s : "", b.len, 0));
			add(t, s);
			if (b.len > 0 && strcmp(b.s, "f") != 0 &&
			    strcmp(b.s, "b") != 0) {
				y = roundtrip(t, 0);
				fails += y == NULL;
				free(y);
			}
			csm_node_free(t);
			r = mk(CSM_N_SCALAR, b.s ? b.s : "", b.len, 0);
			y = roundtrip(r, 0);
			csm_node_free(r);
			fails += y == NULL;
			free(y);
			if (fails > 5)
				goto out;
		}
	}
out:
	csm_buf_release(&b);
}

/* What a config writes plain stays plain. */
static void
test_dump_keeps_plain(void)
{
	static const char *const plain[] = {
		"-1", "0.5", "25%", "$1,234", "a b", "a:b", "x-y",
		"http://h/p?q=1#f", "days_since(d) > 30", "\xc3\xa9", "~",
		"null", "yes", "a'b", "a\"b", "-x", "2026-03-01",
	};
	static const char *const flow[] = {
		"-1", "0.5", "25%", "a b", "x-y", "~", "-x", "+1", "1e3",
		"2026-03-01", "a.b",
	};
	struct csm_node *t, *s;
	size_t i;

	t = mk(CSM_N_MAP, NULL, 0, 0);
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		add(t, mk(CSM_N_SCALAR, plain[i], strlen(plain[i]), 0));
		add(t, mk(CSM_N_SCALAR, plain[i], strlen(plain[i]), 0));
	}
	add(t, mk(CSM_N_SCALAR, "flow", 4, 0));
	s = mk(CSM_N_SEQ, NULL, 0, 0);
	for (i = 0; i < sizeof(flow) / sizeof(flow[0]); i++)
		add(s, mk(CSM_N_SCALAR, flow[i], strlen(flow[i]), 0));
	add(t, s);
	free(roundtrip(t, 1));
	csm_node_free(t);
}

static uint64_t rng = 88172645463325252ULL;

static size_t
rnd(size_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (size_t)(rng % n);
}

static struct csm_node *
rscalar(void)
{
	static const char *const easy[] = { "a", "b", " ", "1", "." };
	struct csm_buf b;
	struct csm_node *nd;
	size_t i, n;

	csm_buf_init(&b);
	n = rnd(5) == 0 ? 0 : rnd(12);
	if (rnd(40) == 0)
		n = 400 + rnd(400);	/* as a key, written "? key" */
	for (i = 0; i < n; i++)
		csm_buf_adds(&b, rnd(3) == 0 ? tok[rnd(NTOK)] : easy[rnd(5)]);
	nd = mk(CSM_N_SCALAR, b.s ? b.s : "", b.len, (int)rnd(2));
	csm_buf_release(&b);
	return nd;
}

static int
haskey(const struct csm_node *m, const struct csm_node *k)
{
	size_t i;

	for (i = 0; i < m->n; i += 2)
		if (m->kid[i]->len == k->len &&
		    memcmp(m->kid[i]->str, k->str, k->len) == 0)
			return 1;
	return 0;
}

static struct csm_node *
rtree(int depth)
{
	struct csm_node *nd, *k;
	size_t i, n;
	int kind = depth <= 0 ? CSM_N_SCALAR : (int)rnd(3) + 1;

	if (kind == CSM_N_SCALAR)
		return rscalar();
	nd = mk(kind, NULL, 0, 0);
	n = rnd(5);
	for (i = 0; i < n; i++) {
		if (kind == CSM_N_SEQ) {
			add(nd, rtree(depth - 1));
			continue;
		}
		k = rscalar();
		if (haskey(nd, k)) {
			csm_node_free(k);
			continue;
		}
		add(nd, k);
		add(nd, rtree(depth - 1));
	}
	return nd;
}

/* Random trees, with random texts, read back equal. */
static void
test_dump_random(void)
{
	struct csm_node *t;
	int i;
	char *y;

	for (i = 0; i < 3000; i++) {
		t = rtree(1 + (int)rnd(6));
		y = roundtrip(t, 0);
		csm_node_free(t);
		if (y == NULL)
			break;
		free(y);
	}
}

/* ---- hostile inputs ---------------------------------------------------- */

static char *
slurp(const char *path, size_t *n)
{
	FILE *fp;
	char *s;
	long len;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	s = csm_xmalloc((size_t)len + 1);
	*n = fread(s, 1, (size_t)len, fp);
	s[*n] = '\0';
	fclose(fp);
	return s;
}

/* Every case parses or is refused with a message; none may crash. */
static void
test_hostile_all(void)
{
	struct csm_buf path;
	struct dirent *de;
	DIR *d;
	char msg[200], *s;
	size_t n, ncase = 0;
	long line, col;
	struct csm_node *nd;

	if ((d = opendir(HOSTILE)) == NULL)
		return;
	csm_buf_init(&path);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		csm_buf_reset(&path);
		csm_buf_printf(&path, "%s/%s/in.yaml", HOSTILE, de->d_name);
		if ((s = slurp(path.s, &n)) == NULL)
			continue;
		ncase++;
		msg[0] = 'X';
		nd = parse(s, n, msg, sizeof(msg), &line, &col);
		if (nd == NULL && msg[0] == '\0')
			T_FAIL("%s: refused without a message", de->d_name);
		if (nd == NULL && msg[0] == 'X')
			T_FAIL("%s: refused, message not set", de->d_name);
		if (nd != NULL)
			free(roundtrip(nd, 1));
		csm_node_free(nd);
		free(s);
	}
	closedir(d);
	csm_buf_release(&path);
	T_OK(ncase >= 33);
}

/* The cases that must be refused, and why. */
static void
test_hostile(void)
{
	static const struct {
		const char *name;
		const char *msg;
		long line;
		long col;
	} want[] = {
		{ "k8s-cve-2019-11253-billion-laughs",
		  "anchors are not allowed in a config", 3, 6 },
		{ "go-yaml-limit-excessive-aliasing",
		  "anchors are not allowed in a config", 1, 5 },
		{ "go-yaml-limit-1000kb-of-maps",
		  "anchors are not allowed in a config", 1, 4 },
		{ "pyyaml-recursive-anchor",
		  "anchors are not allowed in a config", 1, 3 },
		{ "pyyaml-undefined-anchor",
		  "anchors are not allowed in a config", 2, 3 },
		{ "pyyaml-duplicate-mapping-key",
		  "anchors are not allowed in a config", 2, 1 },
		{ "yts-3GZX", "anchors are not allowed in a config", 1, 19 },
		{ "yts-X38W", "anchors are not allowed in a config", 1, 3 },
		{ "go-yaml-limit-nested-flow-seqs",
		  "nesting deeper than 64 levels", 1, 65 },
		{ "go-yaml-limit-1000-indent-lines",
		  "nesting deeper than 64 levels", 1, 129 },
		/* A map as a key comes before the depth limit. */
		{ "go-yaml-limit-nested-flow-maps",
		  "a key must be a plain name", 1, 5 },
		/* 2,048,000 bytes: the size limit comes first. */
		{ "go-yaml-limit-nested-block-seqs",
		  "config is larger than 1 MiB", 0, 0 },
		{ "pyyaml-duplicate-key",
		  "duplicate key 'foo', first at line 2", 3, 1 },
		{ "yts-M5DY", "a key must be a plain name", 1, 3 },
		{ "yts-6ZKB", "more than one YAML document", 2, 1 },
		{ "libyaml-clusterfuzz-5607885063061504",
		  "found unexpected end of stream while scanning a quoted "
		  "scalar", 2, 1 },
	};
	struct csm_buf path;
	DIR *d;
	char *s;
	size_t i, n;

	if ((d = opendir(HOSTILE)) == NULL) {
		printf("t-yaml: hostile YAML inputs (optional conformance "
		    "data not found: skipped)\n");
		return;
	}
	closedir(d);
	csm_buf_init(&path);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		csm_buf_reset(&path);
		csm_buf_printf(&path, "%s/%s/in.yaml", HOSTILE, want[i].name);
		if ((s = slurp(path.s, &n)) == NULL) {
			T_FAIL("%s: cannot read", path.s);
			continue;
		}
		refused(s, n, want[i].msg, want[i].line, want[i].col);
		/* The block one again, within the size limit. */
		if (n > (size_t)CSM_CFG_MAX_BYTES)
			refused(s, (size_t)CSM_CFG_MAX_BYTES,
			    "nesting deeper than 64 levels", 1, 129);
		free(s);
	}
	csm_buf_release(&path);
}

/* ---- big but fine ------------------------------------------------------ */

/* Near 1 MiB of keys and of items: read and dumped in good time. */
static void
test_big(void)
{
	struct csm_buf b;
	struct csm_node *t;
	size_t i;

	csm_buf_init(&b);
	for (i = 0; b.len < (size_t)CSM_CFG_MAX_BYTES - 64; i++)
		csm_buf_printf(&b, "key%zu: %zu\n", i, i);
	if ((t = good(b.s)) != NULL) {
		T_EQ_INT(t->n, 2 * i);
		free(roundtrip(t, 1));
		csm_node_free(t);
	}
	csm_buf_reset(&b);
	csm_buf_adds(&b, "a: [");
	for (i = 0; b.len < (size_t)CSM_CFG_MAX_BYTES - 64; i++)
		csm_buf_printf(&b, "%zu, ", i);
	csm_buf_adds(&b, "x]\n");
	if ((t = good(b.s)) != NULL) {
		T_EQ_INT(t->kid[1]->n, i + 1);
		free(roundtrip(t, 1));
		csm_node_free(t);
	}
	csm_buf_release(&b);
}

int
main(void)
{
	T_RUN(test_shape);
	T_RUN(test_flow);
	T_RUN(test_refusals);
	T_RUN(test_limits);
	T_RUN(test_empty);
	T_RUN(test_dump);
	T_RUN(test_dump_plain);
	T_RUN(test_dump_keeps_plain);
	T_RUN(test_dump_random);
	T_RUN(test_hostile);
	T_RUN(test_hostile_all);
	T_RUN(test_big);
	if (tmp != NULL)
		fclose(tmp);
	T_END();
}

/*
 * yaml.c: YAML text to a checked tree of struct csm_node, and the tree back
 * to YAML.  libyaml's event parser reads the text; the tree is built here,
 * one event at a time, refusing what a config has no use for and what
 * makes YAML dangerous: aliases, anchors, tags, keys that are not scalars,
 * duplicate keys, a second document, more than 1 MiB of text and nesting
 * deeper than 64 levels.  The depth check stops the event loop at once, so
 * hostile input never reaches libyaml 0.2.5's quadratic paths.
 *
 * csm_node_dump writes block-style YAML with two-space indents and flow
 * style for flat sequences; csm_yaml_parse reads it back to an equal tree.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "csm.h"

/* ---- parsing ----------------------------------------------------------- */

/* An open sequence or map, with a hash of its keys when it is a map. */
struct frame {
	struct csm_node *nd;
	size_t cap;		/* kid slots allocated */
	size_t *ht;		/* kid index + 1 of each key; 0 is empty */
	size_t htcap;		/* a power of two, or 0 */
	size_t nkeys;
};

struct parse {
	const char *file;
	char *msg;
	size_t msgsz;
	long line;
	long col;
	struct csm_node *root;
	struct frame stk[CSM_CFG_MAX_DEPTH];
	size_t depth;
	int ndocs;
};

static int fail(struct parse *, const yaml_mark_t *, const char *, ...)
    CSM_PRINTF(3, 4);

/* Sets the message and position (libyaml's 0-based mark, or none); -1. */
static int
fail(struct parse *ps, const yaml_mark_t *mark, const char *fmt, ...)
{
	va_list ap;

	if (ps->msgsz > 0) {
		va_start(ap, fmt);
		vsnprintf(ps->msg, ps->msgsz, fmt, ap);
		va_end(ap);
	}
	ps->line = mark ? (long)mark->line + 1 : 0;
	ps->col = mark ? (long)mark->column + 1 : 0;
	return -1;
}

static size_t
hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	while (n-- > 0) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 32));
}

static int
same(const struct csm_node *k, const char *s, size_t n)
{
	return k->len == n && memcmp(k->str, s, n) == 0;
}

/* The key of the map on f that equals s, or NULL. */
static const struct csm_node *
findkey(const struct frame *f, const char *s, size_t n)
{
	size_t i, mask;
	const struct csm_node *k;

	if (f->htcap == 0)
		return NULL;
	mask = f->htcap - 1;
	for (i = hash(s, n) & mask; f->ht[i] != 0; i = (i + 1) & mask) {
		k = f->nd->kid[f->ht[i] - 1];
		if (same(k, s, n))
			return k;
	}
	return NULL;
}

static void
htput(size_t *ht, size_t htcap, const struct csm_node *k, size_t idx)
{
	size_t i, mask = htcap - 1;

	for (i = hash(k->str, k->len) & mask; ht[i] != 0; i = (i + 1) & mask)
		continue;
	ht[i] = idx + 1;
}

/* Records the key at kid[idx] of the map on f, which is not yet there. */
static void
addkey(struct frame *f, size_t idx)
{
	size_t i, ncap, *nht;

	if ((f->nkeys + 1) * 2 > f->htcap) {
		ncap = f->htcap ? f->htcap * 2 : 16;
		nht = csm_xcalloc(ncap, sizeof(*nht));
		for (i = 0; i < f->htcap; i++)
			if (f->ht[i] != 0)
				htput(nht, ncap, f->nd->kid[f->ht[i] - 1],
				    f->ht[i] - 1);
		free(f->ht);
		f->ht = nht;
		f->htcap = ncap;
	}
	htput(f->ht, f->htcap, f->nd->kid[idx], idx);
	f->nkeys++;
}

static struct csm_node *
newnode(struct parse *ps, int kind, const yaml_mark_t *mark)
{
	struct csm_node *nd = csm_xcalloc(1, sizeof(*nd));

	nd->kind = kind;
	nd->file = ps->file;
	nd->line = (long)mark->line + 1;
	nd->col = (long)mark->column + 1;
	return nd;
}

/* Refuses a duplicate key, showing the key short and without controls. */
static int
dupkey(struct parse *ps, const yaml_mark_t *mark, const struct csm_node *k)
{
	struct csm_buf b;
	size_t i;
	int c;

	csm_buf_init(&b);
	for (i = 0; i < k->len && i < 60; i++) {
		c = (unsigned char)k->str[i];
		csm_buf_addc(&b, c < 0x20 || c == 0x7f ? '?' : c);
	}
	while (i < k->len && ((unsigned char)k->str[i] & 0xc0) == 0x80)
		csm_buf_addc(&b, k->str[i++]);
	if (i < k->len)
		csm_buf_adds(&b, "...");
	fail(ps, mark, "duplicate key '%s', first at line %ld",
	    b.s ? b.s : "", k->line);
	csm_buf_release(&b);
	return -1;
}

/*
 * Checks a node event against its place in the tree and, when it may
 * stay, adds its node there (and opens it, for a sequence or a map).
 */
static int
node(struct parse *ps, const yaml_event_t *ev)
{
	const yaml_mark_t *mark = &ev->start_mark;
	const yaml_char_t *anchor, *tag;
	const struct csm_node *dup;
	struct csm_node *nd, *p;
	struct frame *f = NULL;
	int kind, iskey = 0;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		kind = CSM_N_SCALAR;
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		kind = CSM_N_SEQ;
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	default:
		kind = CSM_N_MAP;
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	}
	if (anchor != NULL)
		return fail(ps, mark, "anchors are not allowed in a config");
	if (tag != NULL)
		return fail(ps, mark, "tags are not allowed in a config");
	if (ps->depth > 0) {
		f = &ps->stk[ps->depth - 1];
		iskey = f->nd->kind == CSM_N_MAP && f->nd->n % 2 == 0;
	}
	if (iskey && kind != CSM_N_SCALAR)
		return fail(ps, mark, "a key must be a plain name");
	if (iskey && (dup = findkey(f, (const char *)ev->data.scalar.value,
	    ev->data.scalar.length)) != NULL)
		return dupkey(ps, mark, dup);
	if (kind != CSM_N_SCALAR && ps->depth == CSM_CFG_MAX_DEPTH)
		return fail(ps, mark, "nesting deeper than %d levels",
		    CSM_CFG_MAX_DEPTH);

	nd = newnode(ps, kind, mark);
	if (kind == CSM_N_SEQ)
		nd->flow = ev->data.sequence_start.style ==
		    YAML_FLOW_SEQUENCE_STYLE;
	else if (kind == CSM_N_MAP)
		nd->flow = ev->data.mapping_start.style ==
		    YAML_FLOW_MAPPING_STYLE;
	if (kind == CSM_N_SCALAR) {
		nd->len = ev->data.scalar.length;
		nd->str = csm_xmalloc(nd->len + 1);
		if (nd->len > 0)
			memcpy(nd->str, ev->data.scalar.value, nd->len);
		nd->str[nd->len] = '\0';
		switch (ev->data.scalar.style) {
		case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		case YAML_LITERAL_SCALAR_STYLE:
		case YAML_FOLDED_SCALAR_STYLE:
			nd->quoted = 1;
			break;
		default:
			break;
		}
	}
	if (f == NULL) {
		ps->root = nd;
	} else {
		p = f->nd;
		if (p->n == f->cap) {
			f->cap = f->cap ? f->cap * 2 : 4;
			p->kid = csm_xreallocarray(p->kid, f->cap,
			    sizeof(*p->kid));
		}
		p->kid[p->n++] = nd;
		if (iskey)
			addkey(f, p->n - 1);
	}
	if (kind != CSM_N_SCALAR) {
		f = &ps->stk[ps->depth++];
		memset(f, 0, sizeof(*f));
		f->nd = nd;
	}
	return 0;
}

static void
pop(struct parse *ps)
{
	struct frame *f = &ps->stk[--ps->depth];

	free(f->ht);
	memset(f, 0, sizeof(*f));
}

/* One event; 1 at the end of the stream, -1 with the message set. */
static int
event(struct parse *ps, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (ps->ndocs++ > 0)
			return fail(ps, &ev->start_mark,
			    "more than one YAML document");
		return 0;
	case YAML_ALIAS_EVENT:
		return fail(ps, &ev->start_mark,
		    "aliases are not allowed in a config");
	case YAML_SCALAR_EVENT:
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return node(ps, ev);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (ps->depth > 0)
			pop(ps);
		return 0;
	default:
		return 0;
	}
}

/* Turns libyaml's error into the message and position. */
static void
yamlerr(struct parse *ps, const yaml_parser_t *p, const char *text, size_t n)
{
	yaml_mark_t mark = p->problem_mark;
	const char *problem = p->problem ? p->problem : "invalid YAML";
	const char *ctx = p->context;
	size_t i, end;

	if (p->error == YAML_MEMORY_ERROR) {
		fail(ps, NULL, "out of memory");
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		/* The reader gives a byte offset, not a mark. */
		memset(&mark, 0, sizeof(mark));
		end = p->problem_offset < n ? p->problem_offset : n;
		for (i = 0; i < end; i++) {
			if (text[i] == '\n') {
				mark.line++;
				mark.column = 0;
			} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
				mark.column++;
			}
		}
	}
	if (ctx == NULL)
		fail(ps, &mark, "%s", problem);
	else if (strncmp(ctx, "while ", 6) == 0)
		fail(ps, &mark, "%s %s", problem, ctx);
	else
		fail(ps, &mark, "%s while %s", problem, ctx);
}

/* Whether a plain scalar reads as YAML's null: an empty document. */
static int
isnull(const struct csm_node *nd)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (nd->kind != CSM_N_SCALAR || nd->quoted)
		return 0;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(nd->str, nulls[i]) == 0 &&
		    nd->len == strlen(nulls[i]))
			return 1;
	return 0;
}

struct csm_node *
csm_yaml_parse(const char *text, size_t n, const char *file, char *msg,
    size_t msgsz, long *line, long *col)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	yaml_mark_t start = { 0, 0, 0 };
	struct parse ps;
	struct csm_node *root;
	int r;

	memset(&ps, 0, sizeof(ps));
	ps.file = file;
	ps.msg = msg;
	ps.msgsz = msg ? msgsz : 0;
	if (ps.msgsz > 0)
		msg[0] = '\0';
	r = 0;
	if (n > (size_t)CSM_CFG_MAX_BYTES) {
		r = fail(&ps, NULL, "config is larger than 1 MiB");
		goto out;
	}
	if (!yaml_parser_initialize(&parser)) {
		r = fail(&ps, NULL, "out of memory");
		goto out;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, n);
	while (r == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			yamlerr(&ps, &parser, text, n);
			r = -1;
			break;
		}
		r = event(&ps, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
out:
	while (ps.depth > 0)
		pop(&ps);
	if (r < 0) {
		csm_node_free(ps.root);
		if (line != NULL)
			*line = ps.line;
		if (col != NULL)
			*col = ps.col;
		return NULL;
	}
	/* An empty document, or none, is an empty map. */
	if (ps.root != NULL && isnull(ps.root)) {
		start.line = (size_t)ps.root->line - 1;
		start.column = (size_t)ps.root->col - 1;
		csm_node_free(ps.root);
		ps.root = NULL;
	}
	root = ps.root ? ps.root : newnode(&ps, CSM_N_MAP, &start);
	if (line != NULL)
		*line = 0;
	if (col != NULL)
		*col = 0;
	return root;
}

void
csm_node_free(struct csm_node *nd)
{
	size_t i;

	if (nd == NULL)
		return;
	for (i = 0; i < nd->n; i++)
		csm_node_free(nd->kid[i]);
	free(nd->kid);
	free(nd->str);
	free(nd);
}

const struct csm_node *
csm_node_get(const struct csm_node *map, const char *key)
{
	size_t i, n;

	if (map == NULL || key == NULL || map->kind != CSM_N_MAP)
		return NULL;
	n = strlen(key);
	for (i = 0; i + 1 < map->n; i += 2)
		if (map->kid[i]->kind == CSM_N_SCALAR &&
		    same(map->kid[i], key, n))
			return map->kid[i + 1];
	return NULL;
}

/* ---- dumping ----------------------------------------------------------- */

/* Where a scalar goes: each place has its own rules for plain text. */
enum place { P_BLOCK, P_FLOW, P_KEY, P_ROOT };

/*
 * A simple key (one that is not "? key") must end within 1024 characters
 * of its start; a longer one is written in the explicit form.
 */
#define SIMPLE_KEY_MAX 1000

/*
 * Decodes one UTF-8 character of s (n > 0 bytes) into *cp; returns its
 * length, or 0 when s does not start with well-formed UTF-8.
 */
static size_t
utf8(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned long c = s[0], min;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/*
 * Whether a character may appear as itself in a scalar: printable, and
 * not one of the characters YAML 1.1 reads as a line break or a BOM.
 */
static int
printable(unsigned long c)
{
	if (c < 0x80)
		return c >= 0x20 && c != 0x7f;
	if (c < 0xa0 || c == 0x2028 || c == 0x2029 || c == 0xfeff)
		return 0;
	return c <= 0xfffd || c >= 0x10000;
}

/*
 * Whether s reads back as the same plain scalar at place pl.  The rules
 * are stricter than YAML's, never looser.
 */
static int
plainok(const char *s, size_t n, enum place pl)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long c;
	size_t i, k;

	if (n == 0 || u[0] == ' ' || u[n - 1] == ' ' || u[n - 1] == ':')
		return 0;
	if (strchr("?:,[]{}#&*!|>'\"%@`", u[0]) != NULL)
		return 0;
	if (u[0] == '-' && (n == 1 || u[1] == ' '))
		return 0;
	if (n >= 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "...", 3) == 0))
		return 0;
	for (i = 0; i < n; i += k) {
		if ((k = utf8(u + i, n - i, &c)) == 0 || !printable(c))
			return 0;
		if (i + 1 < n && ((c == ':' && u[i + 1] == ' ') ||
		    (c == ' ' && u[i + 1] == '#')))
			return 0;
		if (pl == P_FLOW && c != 0 && c < 0x80 &&
		    strchr(",[]{}:", (int)c) != NULL)
			return 0;
	}
	return 1;
}

/* Writes s double-quoted, escaping what cannot stand for itself. */
static void
putquoted(struct csm_buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long c;
	size_t i, k, run;

	csm_buf_addc(b, '"');
	for (i = run = 0; i < n; i += k) {
		k = utf8(u + i, n - i, &c);
		if (k > 0 && printable(c) && c != '"' && c != '\\')
			continue;
		csm_buf_add(b, s + run, i - run);
		if (k == 0) {
			/* Not UTF-8, which no YAML text can hold: the byte. */
			csm_buf_printf(b, "\\x%02X", u[i]);
			k = 1;
		} else if (c == '"' || c == '\\') {
			csm_buf_addc(b, '\\');
			csm_buf_addc(b, (int)c);
		} else if (c == '\n') {
			csm_buf_adds(b, "\\n");
		} else if (c == '\t') {
			csm_buf_adds(b, "\\t");
		} else if (c <= 0xff) {
			csm_buf_printf(b, "\\x%02lX", c);
		} else if (c <= 0xffff) {
			csm_buf_printf(b, "\\u%04lX", c);
		} else {
			csm_buf_printf(b, "\\U%08lX", c);
		}
		run = i + k;
	}
	csm_buf_add(b, s + run, n - run);
	csm_buf_addc(b, '"');
}

static void
putscalar(struct csm_buf *b, const struct csm_node *nd, enum place pl)
{
	if (nd->kind != CSM_N_SCALAR)
		csm_buf_adds(b, "\"\"");
	else if (!nd->quoted && plainok(nd->str, nd->len, pl) &&
	    !(pl == P_ROOT && isnull(nd)))
		csm_buf_add(b, nd->str, nd->len);
	else
		putquoted(b, nd->str, nd->len);
}

/* A sequence of scalars only. */
static int
flat(const struct csm_node *nd)
{
	size_t i;

	if (nd->kind != CSM_N_SEQ)
		return 0;
	for (i = 0; i < nd->n; i++)
		if (nd->kid[i]->kind != CSM_N_SCALAR)
			return 0;
	return 1;
}

/* A node written on one line: a scalar, {}, or a flow sequence. */
static int
oneline(const struct csm_node *nd)
{
	size_t i;

	if (nd->kind == CSM_N_SCALAR || nd->n == 0 || flat(nd))
		return 1;
	if (nd->kind != CSM_N_SEQ)
		return 0;
	for (i = 0; i < nd->n; i++)
		if (!flat(nd->kid[i]))
			return 0;
	return 1;
}

static void
putline(struct csm_buf *b, const struct csm_node *nd, enum place pl)
{
	size_t i;

	if (nd->kind == CSM_N_SCALAR) {
		putscalar(b, nd, pl);
	} else if (nd->kind == CSM_N_MAP) {
		csm_buf_adds(b, "{}");
	} else {
		csm_buf_addc(b, '[');
		for (i = 0; i < nd->n; i++) {
			if (i > 0)
				csm_buf_adds(b, ", ");
			putline(b, nd->kid[i], P_FLOW);
		}
		csm_buf_addc(b, ']');
	}
}

static void
indent(struct csm_buf *b, size_t n)
{
	while (n-- > 0)
		csm_buf_addc(b, ' ');
}

static void putblock(struct csm_buf *, const struct csm_node *, size_t, int);

/*
 * Writes what follows "key:" or "-": the rest of the line, and a block
 * indented by ind below it.  An empty plain scalar is written as nothing.
 */
static void
putvalue(struct csm_buf *b, const struct csm_node *nd, size_t ind)
{
	if (nd->kind == CSM_N_SCALAR && nd->len == 0 && !nd->quoted) {
		csm_buf_addc(b, '\n');
	} else if (oneline(nd)) {
		csm_buf_addc(b, ' ');
		putline(b, nd, P_BLOCK);
		csm_buf_addc(b, '\n');
	} else {
		csm_buf_addc(b, '\n');
		putblock(b, nd, ind, 0);
	}
}

/*
 * Writes a map or sequence in block style at indent ind; the first line's
 * indent is already written when inl is set (after "- ").
 */
static void
putblock(struct csm_buf *b, const struct csm_node *nd, size_t ind, int inl)
{
	struct csm_buf key;
	size_t i;

	csm_buf_init(&key);
	for (i = 0; i < nd->n; i += nd->kind == CSM_N_MAP ? 2 : 1) {
		if (i > 0 || !inl)
			indent(b, ind);
		if (nd->kind == CSM_N_SEQ) {
			csm_buf_addc(b, '-');
			if (oneline(nd->kid[i])) {
				putvalue(b, nd->kid[i], ind + 2);
			} else {
				csm_buf_addc(b, ' ');
				putblock(b, nd->kid[i], ind + 2, 1);
			}
			continue;
		}
		csm_buf_reset(&key);
		putscalar(&key, nd->kid[i], P_KEY);
		if (key.len > SIMPLE_KEY_MAX) {
			csm_buf_adds(b, "? ");
			csm_buf_add(b, key.s, key.len);
			csm_buf_addc(b, '\n');
			indent(b, ind);
		} else {
			csm_buf_add(b, key.s, key.len);
		}
		csm_buf_addc(b, ':');
		if (i + 1 < nd->n)
			putvalue(b, nd->kid[i + 1], ind + 2);
		else
			csm_buf_addc(b, '\n');
	}
	csm_buf_release(&key);
}

void
csm_node_dump(const struct csm_node *nd, struct csm_out *o)
{
	struct csm_buf b;

	if (nd == NULL)
		return;
	csm_buf_init(&b);
	if (oneline(nd)) {
		putline(&b, nd, P_ROOT);
		csm_buf_addc(&b, '\n');
	} else {
		putblock(&b, nd, 0, 0);
	}
	csm_out_write(o, b.s, b.len);
	csm_buf_release(&b);
}

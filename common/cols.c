/*
 * cols.c: finding columns by name.  A header matches a canonical name
 * exactly or after normalising both (lower case, runs of anything else
 * than letters and digits become '_', trimmed); the config's columns: map
 * (canonical name -> header) comes first.  A missing column gets a "did you
 * mean" from the nearest header.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

static const char *const optional[] = {
	"account_name", "owner", "segment", "arr", "renewal_date",
	"health_score", "health_band", NULL
};

char *
csm_col_norm(const char *s, size_t n, struct csm_buf *b)
{
	size_t i;
	int gap = 0;

	csm_buf_reset(b);
	csm_buf_grow(b, n);
	b->s[0] = '\0';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) && c < 0x80) {
			if (gap && b->len > 0)
				csm_buf_addc(b, '_');
			gap = 0;
			csm_buf_addc(b, tolower(c));
		} else
			gap = 1;
	}
	return b->s;
}

void
csm_cols_init(struct csm_cols *c, const struct csm_tbl *t,
    const struct csm_node *colmap)
{
	struct csm_buf b;
	size_t i;

	csm_buf_init(&b);
	c->n = t->ncols;
	c->name = t->hdr;
	c->len = t->hdrlen;
	c->norm = csm_xcalloc(t->ncols, sizeof(*c->norm));
	for (i = 0; i < t->ncols; i++)
		c->norm[i] = csm_xstrdup(csm_col_norm(t->hdr[i], t->hdrlen[i],
		    &b));
	c->map = colmap;
	c->file = t->file;
	csm_buf_release(&b);
}

void
csm_cols_release(struct csm_cols *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->norm[i]);
	free(c->norm);
	c->norm = NULL;
	c->n = 0;
}

/* How name matches the headers: exact first, then after normalising. */
static void
match_header(const struct csm_cols *c, const char *name,
    struct csm_colmatch *m)
{
	struct csm_buf b;
	size_t i, n = strlen(name);

	m->how = CSM_MATCH_NONE;
	m->idx = m->other = -1;
	for (i = 0; i < c->n; i++)
		if (c->len[i] == n && memcmp(c->name[i], name, n) == 0) {
			if (m->idx >= 0) {
				m->other = (long)i;
				m->how = CSM_MATCH_AMBIGUOUS;
				return;
			}
			m->idx = (long)i;
			m->how = CSM_MATCH_EXACT;
		}
	if (m->idx >= 0)
		return;
	csm_buf_init(&b);
	csm_col_norm(name, n, &b);
	for (i = 0; i < c->n && b.len > 0; i++)
		if (strcmp(c->norm[i], b.s) == 0) {
			if (m->idx >= 0) {
				m->other = (long)i;
				m->how = CSM_MATCH_AMBIGUOUS;
				break;
			}
			m->idx = (long)i;
			m->how = CSM_MATCH_NORM;
		}
	csm_buf_release(&b);
}

void
csm_cols_match(const struct csm_cols *c, const char *name,
    struct csm_colmatch *m)
{
	const struct csm_node *h = csm_node_get(c->map, name);

	if (h != NULL && h->kind == CSM_N_SCALAR) {
		match_header(c, h->str, m);
		m->mapped = h;
	} else {
		match_header(c, name, m);
		m->mapped = NULL;
	}
}

void
csm_cols_ambiguous(const struct csm_cols *c, const char *name,
    const struct csm_colmatch *m)
{
	char a[CSM_QMAX * 4 + 8], b[CSM_QMAX * 4 + 8], n[CSM_QMAX * 4 + 8];
	char via[CSM_QMAX * 4 + 40] = "";

	snprintf(a, sizeof(a), "%s", csm_q(c->name[m->idx], c->len[m->idx]));
	snprintf(b, sizeof(b), "%s", csm_q(c->name[m->other],
	    c->len[m->other]));
	snprintf(n, sizeof(n), "%s", csm_q(name, strlen(name)));
	if (m->mapped != NULL)
		snprintf(via, sizeof(via), " (columns: maps it to '%s')",
		    csm_q(m->mapped->str, m->mapped->len));
	if (strcmp(a, b) == 0)
		csm_die_at(EX_DATAERR, c->file, 0, "column '%s'%s: the header "
		    "has two columns named '%s' (fields %ld and %ld); rename "
		    "or remove one", n, via, a, m->idx + 1, m->other + 1);
	csm_die_at(EX_DATAERR, c->file, 0, "column '%s'%s: headers '%s' "
	    "(field %ld) and '%s' (field %ld) both match it; say which under "
	    "columns: (%s: %s)", n, via, a, m->idx + 1, b, m->other + 1, n, a);
}

long
csm_cols_find(const struct csm_cols *c, const char *name)
{
	struct csm_colmatch m;

	csm_cols_match(c, name, &m);
	if (m.how == CSM_MATCH_AMBIGUOUS)
		csm_cols_ambiguous(c, name, &m);
	return m.idx;
}

size_t
csm_editdist(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row, prev, tmp, best;

	row = csm_xcalloc(lb + 1, sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

/* The header most like name, skipping the headers skip[i] marks. */
static const char *
suggest(const struct csm_cols *c, const char *name,
    const unsigned char *skip)
{
	struct csm_buf b;
	size_t i, d, best = (size_t)-1, limit;
	const char *s = NULL;

	csm_buf_init(&b);
	csm_col_norm(name, strlen(name), &b);
	limit = b.len / 3 > 2 ? b.len / 3 : 2;
	for (i = 0; i < c->n; i++) {
		if (skip != NULL && skip[i])
			continue;
		d = csm_editdist(b.s, c->norm[i]);
		if (d < best && (d <= limit ||
		    (b.len >= 3 && strstr(c->norm[i], b.s) != NULL))) {
			best = d;
			s = c->name[i];
		}
	}
	csm_buf_release(&b);
	return s;
}

const char *
csm_cols_suggest(const struct csm_cols *c, const char *name)
{
	return suggest(c, name, NULL);
}

int
csm_col_optional(const char *name)
{
	size_t i;

	for (i = 0; optional[i] != NULL; i++)
		if (strcmp(optional[i], name) == 0)
			return 1;
	return 0;
}

void
csm_cols_list(const struct csm_cols *c, struct csm_buf *b)
{
	char num[32];
	size_t i;

	for (i = 0; i < c->n && i < CSM_LIST_MAX; i++) {
		if (i > 0)
			csm_buf_adds(b, ", ");
		csm_buf_adds(b, csm_q(c->name[i], c->len[i]));
	}
	if (c->n > CSM_LIST_MAX) {
		csm_fmt_count(c->n - CSM_LIST_MAX, num);
		csm_buf_printf(b, " and %s more", num);
	}
}

size_t
csm_cols_need(const struct csm_cols *c, const char *name, const char *what)
{
	long i = csm_cols_find(c, name);
	const struct csm_node *h = csm_node_get(c->map, name);
	const char *s;
	struct csm_buf list;

	if (i >= 0)
		return (size_t)i;
	s = csm_cols_suggest(c, h ? h->str : name);
	csm_buf_init(&list);
	csm_buf_adds(&list, "");
	csm_cols_list(c, &list);
	if (h != NULL)
		csm_die_at(EX_DATAERR, c->file, 0,
		    "no column '%s' (columns: maps '%s' to it, %s needs it)%s%s%s; "
		    "the columns are: %s", csm_q(h->str, h->len), name, what,
		    s ? ", did you mean '" : "", s ? csm_q(s, strlen(s)) : "",
		    s ? "'?" : "", list.s);
	csm_die_at(EX_DATAERR, c->file, 0,
	    "no column '%s' (%s needs it)%s%s%s; the columns are: %s", name,
	    what, s ? ", did you mean '" : "", s ? csm_q(s, strlen(s)) : "",
	    s ? "'?" : "", list.s);
}

/* ---- the output header of a filter ------------------------------------ */

void
csm_outhdr_init(struct csm_outhdr *h, const struct csm_cols *c)
{
	size_t i;

	h->n = h->nin = c->n;
	h->name = csm_xcalloc(c->n + 1, sizeof(*h->name));
	h->len = csm_xcalloc(c->n + 1, sizeof(*h->len));
	for (i = 0; i < c->n; i++) {
		h->name[i] = c->name[i];
		h->len[i] = c->len[i];
	}
	h->file = c->file;
}

size_t
csm_outhdr_place(struct csm_outhdr *h, const char *name)
{
	size_t i, n = strlen(name);
	long at = -1;

	for (i = 0; i < h->n; i++) {
		if (h->len[i] != n || memcmp(h->name[i], name, n) != 0)
			continue;
		if (i >= h->nin)
			csm_die(EX_SOFTWARE, "internal error: column '%s' "
			    "appended twice", name);
		if (at >= 0)
			csm_die_at(EX_DATAERR, h->file, 0, "the header has two "
			    "columns named '%s' (fields %ld and %zu): one "
			    "would be replaced and the other left stale; "
			    "remove one", csm_q(name, n), at + 1, i + 1);
		at = (long)i;
	}
	if (at >= 0)
		return (size_t)at;
	h->name = csm_xreallocarray(h->name, h->n + 1, sizeof(*h->name));
	h->len = csm_xreallocarray(h->len, h->n + 1, sizeof(*h->len));
	h->name[h->n] = csm_xstrdup(name);
	h->len[h->n] = n;
	return h->n++;
}

void
csm_outhdr_write(const struct csm_outhdr *h, struct csm_out *o)
{
	csm_out_fields(o, h->name, h->len, h->n);
	csm_out_endrec(o);
}

void
csm_outhdr_release(struct csm_outhdr *h)
{
	size_t i;

	for (i = h->nin; i < h->n; i++)
		free(h->name[i]);
	free(h->name);
	free(h->len);
	memset(h, 0, sizeof(*h));
}

/* ---- the columns a tool uses ------------------------------------------ */

void
csm_colreg_init(struct csm_colreg *r, const struct csm_cols *c)
{
	memset(r, 0, sizeof(*r));
	r->cols = c;
}

void
csm_colreg_release(struct csm_colreg *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->use[i].name);
		csm_buf_release(&r->use[i].users);
		csm_buf_release(&r->use[i].effects);
	}
	free(r->use);
	memset(r, 0, sizeof(*r));
}

/* Appends s to a "; "-separated list unless it is there already. */
static void
add_item(struct csm_buf *b, const char *s)
{
	size_t n = strlen(s);
	const char *p;

	for (p = b->s; p != NULL && (p = strstr(p, s)) != NULL; p += n)
		if ((p == b->s || p[-1] == ' ') && (p[n] == '\0' ||
		    p[n] == ';'))
			return;
	if (b->len > 0)
		csm_buf_adds(b, "; ");
	csm_buf_adds(b, s);
}

void
csm_colreg_add(struct csm_colreg *r, const char *name, int required,
    const char *user, const char *effect)
{
	struct csm_coluse *u = NULL;
	size_t i;

	for (i = 0; i < r->n && u == NULL; i++)
		if (strcmp(r->use[i].name, name) == 0)
			u = &r->use[i];
	if (u == NULL) {
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 16;
			r->use = csm_xreallocarray(r->use, r->cap,
			    sizeof(*r->use));
		}
		u = &r->use[r->n++];
		memset(u, 0, sizeof(*u));
		u->name = csm_xstrdup(name);
		csm_buf_init(&u->users);
		csm_buf_init(&u->effects);
		u->m.idx = u->m.other = -1;
	}
	u->required |= required != 0;
	if (user != NULL)
		add_item(&u->users, user);
	if (effect != NULL)
		add_item(&u->effects, effect);
}

struct exprcols {
	struct csm_colreg *r;
	const char *user;
};

static void
add_exprcol(void *ctx, const char *name)
{
	struct exprcols *x = ctx;
	struct csm_buf eff;

	if (!csm_col_optional(name)) {
		csm_colreg_add(x->r, name, 1, x->user, NULL);
		return;
	}
	csm_buf_init(&eff);
	csm_buf_printf(&eff, "%s reads it as missing", x->user);
	csm_colreg_add(x->r, name, 0, x->user, eff.s);
	csm_buf_release(&eff);
}

void
csm_colreg_add_expr(struct csm_colreg *r, const struct csm_expr *e,
    const char *user)
{
	struct exprcols x = {r, user};

	if (e != NULL)
		csm_expr_columns(e, add_exprcol, &x);
}

void
csm_colreg_add_tmpl(struct csm_colreg *r, const struct csm_tmpl *t,
    const char *user)
{
	struct exprcols x = {r, user};

	if (t != NULL)
		csm_tmpl_columns(t, add_exprcol, &x);
}

void
csm_colreg_match(struct csm_colreg *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		csm_cols_match(r->cols, r->use[i].name, &r->use[i].m);
}

/*
 * The header most like name among those no other column of the registry
 * matched (account_id is no suggestion for account_name); the caller
 * has matched the registry.
 */
static const char *
suggest_free(const struct csm_colreg *r, const char *name)
{
	unsigned char *taken = csm_xcalloc(r->cols->n + 1, 1);
	const char *s;
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->use[i].m.idx >= 0)
			taken[r->use[i].m.idx] = 1;
	s = suggest(r->cols, name, taken);
	free(taken);
	return s;
}

/* A columns: entry names a header that is not there: a data error. */
static void
mapped_absent(const struct csm_colreg *r, const struct csm_coluse *u)
{
	const struct csm_cols *c = r->cols;
	const struct csm_node *h = u->m.mapped;
	const char *s = suggest_free(r, h->str);
	char near[CSM_QMAX * 4 + 40] = "";
	struct csm_buf list;

	if (s != NULL)
		snprintf(near, sizeof(near), "; did you mean '%s'?",
		    csm_q(s, strlen(s)));
	csm_buf_init(&list);
	csm_buf_adds(&list, "");
	csm_cols_list(c, &list);
	csm_die_at(EX_DATAERR, c->file, 0, "columns: maps '%s' to '%s' "
	    "(%s:%ld:%ld), which is not a header%s; the columns are: %s",
	    u->name, csm_q(h->str, h->len), h->file, h->line, h->col, near,
	    list.s);
}

/* An optional column is absent: say what the output lacks, and how to
 * map the nearest header. */
static void
optional_absent(const struct csm_colreg *r, const struct csm_coluse *u)
{
	const struct csm_cols *c = r->cols;
	const char *s = suggest_free(r, u->name);

	if (s != NULL)
		csm_warn_at(c->file, 0, "no column '%s' (did you mean '%s'? "
		    "map it under columns:); %s", u->name, csm_q(s, strlen(s)),
		    u->effects.s);
	else
		csm_warn_at(c->file, 0, "no column '%s'; %s", u->name,
		    u->effects.s);
}

void
csm_colreg_check(struct csm_colreg *r)
{
	const struct csm_coluse *u;
	size_t i;

	csm_colreg_match(r);
	for (i = 0; i < r->n; i++) {
		u = &r->use[i];
		if (u->m.how == CSM_MATCH_AMBIGUOUS)
			csm_cols_ambiguous(r->cols, u->name, &u->m);
		if (u->m.how == CSM_MATCH_NONE && u->m.mapped != NULL)
			mapped_absent(r, u);
	}
}

void
csm_colreg_warn(const struct csm_colreg *r)
{
	const struct csm_coluse *u;
	size_t i;

	for (i = 0; i < r->n; i++) {
		u = &r->use[i];
		if (u->m.how == CSM_MATCH_NONE && !u->required &&
		    u->effects.len > 0)
			optional_absent(r, u);
	}
}

void
csm_colreg_print(struct csm_colreg *r, struct csm_out *o)
{
	static const char *const how[] = {"none", "exact", "normalised",
		"ambiguous"};
	const struct csm_cols *c = r->cols;
	const struct csm_coluse *u;
	struct csm_buf b;
	size_t i;

	csm_colreg_match(r);
	csm_buf_init(&b);
	csm_out_field(o, "column", 6);
	csm_out_field(o, "required", 8);
	csm_out_field(o, "header", 6);
	csm_out_field(o, "match", 5);
	csm_out_field(o, "used_by", 7);
	csm_out_endrec(o);
	for (i = 0; i < r->n; i++) {
		u = &r->use[i];
		csm_buf_reset(&b);
		csm_buf_adds(&b, "");
		if (u->m.idx >= 0)
			csm_buf_add(&b, c->name[u->m.idx], c->len[u->m.idx]);
		if (u->m.how == CSM_MATCH_AMBIGUOUS) {
			csm_buf_adds(&b, "; ");
			csm_buf_add(&b, c->name[u->m.other],
			    c->len[u->m.other]);
		}
		csm_out_field(o, u->name, strlen(u->name));
		csm_out_field(o, u->required ? "yes" : "no",
		    u->required ? 3 : 2);
		csm_out_field(o, b.s, b.len);
		if (u->m.mapped != NULL && u->m.how != CSM_MATCH_NONE &&
		    u->m.how != CSM_MATCH_AMBIGUOUS)
			csm_out_field(o, "columns", 7);
		else
			csm_out_field(o, how[u->m.how], strlen(how[u->m.how]));
		csm_out_field(o, u->users.s ? u->users.s : "", u->users.len);
		csm_out_endrec(o);
	}
	csm_buf_release(&b);
}

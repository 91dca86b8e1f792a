/*
 * rows.c: a table written row by row in the format the user asked for,
 * so that a tool hands over rows and never writes a format itself: CSV
 * or TSV (out.c: a header line, then records), JSON (an array of
 * objects, one a line, keyed by the columns), JSON Lines (an object a
 * line) or a Markdown table (md.c).  Cells are typed: text, a number as
 * its CSV text (a JSON number, null when empty), or a list (one field of
 * CSV, an array in JSON).
 */
#include <stdlib.h>
#include <string.h>

#include "csm.h"

CSM_NORETURN static void
misuse(const char *what)
{
	csm_die(EX_SOFTWARE, "internal error: table of rows: %s", what);
}

void
csm_rows_init(struct csm_rows *r, struct csm_out *o, int fmt)
{
	memset(r, 0, sizeof(*r));
	r->o = o;
	r->fmt = fmt;
	r->json = fmt == CSM_ROWS_JSON || fmt == CSM_ROWS_JSONL;
}

void
csm_rows_col(struct csm_rows *r, const char *key, size_t n,
    const char *label, int right)
{
	if (r->started)
		misuse("a column added after the head");
	r->key = csm_xreallocarray(r->key, r->ncol + 1, sizeof(*r->key));
	r->keylen = csm_xreallocarray(r->keylen, r->ncol + 1,
	    sizeof(*r->keylen));
	r->label = csm_xreallocarray(r->label, r->ncol + 1,
	    sizeof(*r->label));
	r->right = csm_xreallocarray(r->right, r->ncol + 1, 1);
	r->key[r->ncol] = csm_xstrndup(key, n);
	r->keylen[r->ncol] = n;
	r->label[r->ncol] = csm_xstrdup(label != NULL ? label :
	    r->key[r->ncol]);
	r->right[r->ncol] = right != 0;
	r->ncol++;
}

void
csm_rows_head(struct csm_rows *r)
{
	size_t i;

	r->started = 1;
	switch (r->fmt) {
	case CSM_ROWS_JSON:
		csm_json_init(&r->j, r->o, CSM_JSON_DOC, 1);
		csm_json_arr_begin(&r->j);
		break;
	case CSM_ROWS_JSONL:
		csm_json_init(&r->j, r->o, CSM_JSON_LINES, 0);
		break;
	case CSM_ROWS_MD:
		csm_md_table_init(&r->md, r->o, 0);
		for (i = 0; i < r->ncol; i++)
			csm_md_table_col(&r->md, r->label[i], r->right[i]);
		break;
	default:
		for (i = 0; i < r->ncol; i++)
			csm_out_field(r->o, r->key[i], r->keylen[i]);
		csm_out_endrec(r->o);
	}
}

void
csm_rows_begin(struct csm_rows *r)
{
	if (!r->started)
		misuse("a row before the head");
	r->cell = 0;
	if (r->json)
		csm_json_obj_begin(&r->j);
}

void
csm_rows_meta(struct csm_rows *r, const char *key, const char *val)
{
	if (!r->json)
		return;
	if (r->cell > 0)
		misuse("a JSON-only field after the cells");
	csm_json_key(&r->j, key);
	if (val != NULL)
		csm_json_strz(&r->j, val);
	else
		csm_json_null(&r->j);
}

/* The key of the next cell in JSON; returns whether the format is JSON. */
static int
next_cell(struct csm_rows *r)
{
	if (r->cell == r->ncol)
		misuse("more cells than columns");
	if (r->json)
		csm_json_keyn(&r->j, r->key[r->cell], r->keylen[r->cell]);
	r->cell++;
	return r->json;
}

void
csm_rows_str(struct csm_rows *r, const char *s, size_t n)
{
	if (next_cell(r))
		csm_json_str(&r->j, s, n);
	else if (r->fmt == CSM_ROWS_MD)
		csm_md_table_cell(&r->md, s, n);
	else
		csm_out_field(r->o, s, n);
}

void
csm_rows_num(struct csm_rows *r, const char *s, size_t n,
    const char *suffix)
{
	if (next_cell(r))
		csm_json_numtext(&r->j, s, n);
	else if (r->fmt == CSM_ROWS_MD && n == 0)
		csm_md_table_cells(&r->md, "n/a");
	else if (r->fmt == CSM_ROWS_MD)
		csm_md_table_cellf(&r->md, "%.*s%s", (int)n, s,
		    suffix != NULL ? suffix : "");
	else
		csm_out_field(r->o, s, n);
}

void
csm_rows_null(struct csm_rows *r)
{
	if (next_cell(r))
		csm_json_null(&r->j);
	else if (r->fmt == CSM_ROWS_MD)
		csm_md_table_cells(&r->md, "n/a");
	else
		csm_out_field(r->o, "", 0);
}

void
csm_rows_list(struct csm_rows *r, const char *s, size_t n,
    const size_t *part, size_t nparts)
{
	size_t i;

	if (!next_cell(r)) {
		if (r->fmt == CSM_ROWS_MD)
			csm_md_table_cell(&r->md, s, n);
		else
			csm_out_field(r->o, s, n);
		return;
	}
	csm_json_arr_begin(&r->j);
	for (i = 0; i < nparts; i++)
		csm_json_str(&r->j, s + part[2 * i], part[2 * i + 1]);
	csm_json_arr_end(&r->j);
}

void
csm_rows_texts(struct csm_rows *r, char *const *f, const size_t *n,
    size_t count)
{
	size_t i;

	if (r->fmt == CSM_ROWS_CSV || r->fmt == CSM_ROWS_TSV) {
		/* the row path of csm-score and csm-risk: no cell by cell */
		if (!r->started || count != r->ncol)
			misuse(!r->started ? "a row before the head" :
			    "a row with another number of cells");
		csm_out_fields(r->o, f, n, count);
		csm_out_endrec(r->o);
		return;
	}
	csm_rows_begin(r);
	for (i = 0; i < count; i++)
		csm_rows_str(r, f[i], n[i]);
	csm_rows_end(r);
}

void
csm_rows_end(struct csm_rows *r)
{
	if (r->cell != r->ncol)
		misuse("a row with fewer cells than columns");
	if (r->json)
		csm_json_obj_end(&r->j);
	else if (r->fmt == CSM_ROWS_MD)
		csm_md_table_row(&r->md);
	else
		csm_out_endrec(r->o);
}

void
csm_rows_finish(struct csm_rows *r)
{
	if (!r->started)
		csm_rows_head(r);
	if (r->fmt == CSM_ROWS_JSON)
		csm_json_arr_end(&r->j);
	if (r->json)
		csm_json_finish(&r->j);
	else if (r->fmt == CSM_ROWS_MD)
		csm_md_table_end(&r->md);
	csm_rows_release(r);
}

void
csm_rows_release(struct csm_rows *r)
{
	size_t i;

	for (i = 0; i < r->ncol; i++) {
		free(r->key[i]);
		free(r->label[i]);
	}
	free(r->key);
	free(r->keylen);
	free(r->label);
	free(r->right);
	r->key = r->label = NULL;
	r->keylen = NULL;
	r->right = NULL;
	r->ncol = 0;
}

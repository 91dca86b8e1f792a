/*
 * tierrep.c: the tier report, csm-risk's weekly risk report and
 * csm-expand's expansion report, in Markdown or as a self-contained HTML
 * email.  A headline with the money at the listed tiers, compact and in
 * the config's currency ("$15.2M of $23.3M ARR at risk"); a table of the
 * listed tiers, exact; with a previous report, what changed (new,
 * escalated, resolved); then per owner the listed accounts, worst first,
 * with tier, score, ARR, renewal and reasons; then one line counting the
 * lower tiers.
 *
 * The report holds only what it prints: per listed account (per owner
 * only the top ones when a top is set; the others are counted) its texts
 * and numbers in one allocation, per tier and per owner counters, and the
 * changes.  Memory grows with the accounts listed, not with the rows.
 *
 * The HTML is an email: every style is inline (a style attribute, as
 * email clients drop <style> elements), the layout is tables 600 pixels
 * wide at most, and there are no scripts, images or other resources.
 * Text from the data is escaped by md.c and html.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"

/* A listed account: what its line prints, in one allocation. */
struct tr_acct {
	struct tr_owner *owner;
	int64_t arr, value;
	double score;
	size_t seq;
	size_t tier, was;
	long renewal;		/* days, when has & TR_DATE */
	unsigned char change;	/* enum csm_tierrep_change */
	unsigned char has;	/* TR_ARR, TR_VALUE, TR_DATE */
	uint32_t len[4];	/* id, name, score text, renewal text */
	uint32_t nrea;
	uint32_t part[];	/* (offset, length) per reason, then texts */
};

enum { TR_ARR = 1, TR_VALUE = 2, TR_DATE = 4 };

/* The kind of a resolved change, after CSM_CHG_NEW and CSM_CHG_ESCALATED. */
#define TR_RESOLVED 3

/* An owner: the accounts held (a heap of the best when top is set). */
struct tr_owner {
	const char *name;	/* the map's key */
	size_t namelen;
	struct tr_acct **acc;
	size_t nacc, cap;
	size_t total;		/* accounts listed, held or not */
	int64_t arr, value;	/* their sums */
	size_t narr, nvalue;	/* how many have an ARR, a value */
};

/* A line of the changes section: new or escalated (acct), or resolved. */
struct csm_tr_change {
	int kind;	/* CSM_CHG_NEW, CSM_CHG_ESCALATED, TR_RESOLVED */
	size_t tier, was;	/* resolved: was, and tier ntier + 1: gone */
	int64_t arr;
	int has_arr;
	double score;
	size_t seq;
	char *id, *name, *owner;	/* owned; NULL when absent */
	size_t idlen, namelen, ownerlen;
};

/* ---- money ------------------------------------------------------------ */

/* c / d rounded half up, for c >= 0 and d > 0 even. */
static int64_t
div_round(int64_t c, int64_t d)
{
	return (int64_t)(((uint64_t)c + (uint64_t)d / 2) / (uint64_t)d);
}

void
csm_tierrep_money(int64_t cents, const char *cur, int compact,
    struct csm_buf *b)
{
	char tmp[32];
	int64_t c = cents, t;

	if (c < 0) {
		csm_buf_addc(b, '-');
		c = c == INT64_MIN ? INT64_MAX : -c;
	}
	/* c is now at least 0 */
	csm_money_prefix(cur, b);
	if (!compact) {
		csm_fmt_cents(c, 1, tmp);
		csm_buf_adds(b, tmp);
		return;
	}
	/* 950; 15.2K; 857K; 15.2M; 1.2B, each rounded half away from 0 */
	if ((t = div_round(c, 100)) < 1000) {
		csm_buf_printf(b, "%lld", (long long)t);
		return;
	}
	if ((t = div_round(c, 10000)) < 1000) {
		csm_buf_printf(b, "%lld.%lldK", (long long)(t / 10),
		    (long long)(t % 10));
		return;
	}
	if ((t = div_round(c, 100000)) < 1000) {
		csm_buf_printf(b, "%lldK", (long long)t);
		return;
	}
	if ((t = div_round(c, 10000000)) < 10000) {
		csm_buf_printf(b, "%lld.%lldM", (long long)(t / 10),
		    (long long)(t % 10));
		return;
	}
	t = div_round(c, 10000000000LL);
	csm_buf_printf(b, "%lld.%lldB", (long long)(t / 10),
	    (long long)(t % 10));
}

/* ---- collecting ------------------------------------------------------- */

/* The words of a kind of report. */
static const struct words {
	const char *title;	/* of the report */
	const char *state;	/* what the listed accounts are */
	const char *section;	/* the one section, without owners */
	const char *value;	/* what the value is */
	const char *accent;	/* the headline's colour */
} words[] = {
	{"Churn risk report", "at risk", "Accounts at risk", "value",
	    "#b91c1c"},
	{"Expansion report", "with expansion signals",
	    "Accounts with expansion signals", "expansion ARR", "#15803d"}
};

void
csm_tierrep_init(struct csm_tierrep *r, const struct csm_signals *s,
    int fmt, int kind)
{
	memset(r, 0, sizeof(*r));
	r->c_id = r->c_name = r->c_owner = r->c_renewal = -1;
	r->sig = s;
	r->fmt = fmt;
	r->kind = kind;
	r->listed = s->ntier;
	r->currency = "USD";
	r->count = csm_xcalloc(s->ntier + 1, sizeof(*r->count));
	r->arr = csm_xcalloc(s->ntier + 1, sizeof(*r->arr));
	r->value = csm_xcalloc(s->ntier + 1, sizeof(*r->value));
	csm_map_init(&r->owners);
}

static void
free_owner(void *p)
{
	struct tr_owner *ow = p;
	size_t i;

	for (i = 0; i < ow->nacc; i++)
		free(ow->acc[i]);
	free(ow->acc);
	free(ow);
}

void
csm_tierrep_release(struct csm_tierrep *r)
{
	size_t i;

	for (i = 0; i < r->nchg; i++) {
		free(r->chg[i].id);
		free(r->chg[i].name);
		free(r->chg[i].owner);
	}
	free(r->chg);
	free(r->count);
	free(r->arr);
	free(r->value);
	csm_expr_free(r->value_expr);
	csm_map_release(&r->owners, free_owner);
	memset(r, 0, sizeof(*r));
}

int
csm_tierrep_count(struct csm_tierrep *r, size_t tier, const int64_t *arr,
    const int64_t *value)
{
	int64_t a = r->arrall, at = r->arr[tier], v = r->value[tier];

	if (arr != NULL && (csm_cents_add(&a, *arr) != 0 ||
	    csm_cents_add(&at, *arr) != 0))
		return -1;
	if (value != NULL && csm_cents_add(&v, *value) != 0)
		return -2;
	r->arrall = a;
	r->arr[tier] = at;
	r->value[tier] = v;
	r->count[tier]++;
	r->rows++;
	return 0;
}

/* The order of the report: tier, then ARR (missing last), then score,
 * all worst first, then input order. */
struct tr_key {
	size_t tier;
	int has_arr;
	int64_t arr;
	double score;
	size_t seq;
};

static int
key_cmp(const struct tr_key *x, const struct tr_key *y)
{
	if (x->tier != y->tier)
		return x->tier < y->tier ? -1 : 1;
	if (x->has_arr != y->has_arr)
		return x->has_arr ? -1 : 1;
	if (x->has_arr && x->arr != y->arr)
		return x->arr > y->arr ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static struct tr_key
acct_key(const struct tr_acct *a)
{
	struct tr_key k;

	k.tier = a->tier;
	k.has_arr = (a->has & TR_ARR) != 0;
	k.arr = a->arr;
	k.score = a->score;
	k.seq = a->seq;
	return k;
}

static int
acct_cmp(const struct tr_acct *a, const struct tr_acct *b)
{
	struct tr_key x = acct_key(a), y = acct_key(b);

	return key_cmp(&x, &y);
}

/* A heap with the least bad held account at the top, for --top. */
static void
sift_down(struct tr_acct **h, size_t n, size_t i)
{
	struct tr_acct *t;
	size_t c;

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && acct_cmp(h[c + 1], h[c]) > 0)
			c++;
		if (acct_cmp(h[c], h[i]) <= 0)
			return;
		t = h[c];
		h[c] = h[i];
		h[i] = t;
		i = c;
	}
}

static void
sift_up(struct tr_acct **h, size_t i)
{
	struct tr_acct *t;
	size_t p;

	while (i > 0 && acct_cmp(h[p = (i - 1) / 2], h[i]) < 0) {
		t = h[p];
		h[p] = h[i];
		h[i] = t;
		i = p;
	}
}

static uint32_t
len32(size_t n)
{
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* Copies n bytes of s (NULL when n is 0) to p; returns the end. */
static char *
put(char *p, const char *s, size_t n)
{
	if (n > 0)
		memcpy(p, s, n);
	return p + n;
}

/* The account a as the report keeps it, in one allocation. */
static struct tr_acct *
new_acct(struct csm_tierrep *r, const struct csm_tierrep_acct *a,
    struct tr_owner *ow, const struct tr_key *k)
{
	struct tr_acct *h;
	uint32_t len[4];
	size_t i, total = 0, nrea = a->nreasons, slen;
	char *p;

	len[0] = a->id ? len32(a->idlen) : 0;
	len[1] = a->name ? len32(a->namelen) : 0;
	len[2] = len32(strlen(a->scoretext));
	len[3] = a->renewal ? len32(a->renewallen) : 0;
	for (i = 0; i < 4; i++)
		total += len[i];
	for (i = 0; i < nrea; i++)
		total += len32(a->part[2 * i + 1]);
	h = csm_xmalloc(sizeof(*h) + 2 * nrea * sizeof(h->part[0]) + total);
	h->owner = ow;
	h->arr = a->has_arr ? a->arr : 0;
	h->value = a->has_value ? a->value : 0;
	h->score = a->score;
	h->seq = k->seq;
	h->tier = a->tier;
	h->was = a->was;
	h->change = (unsigned char)a->change;
	h->has = (a->has_arr ? TR_ARR : 0) | (a->has_value ? TR_VALUE : 0);
	h->renewal = 0;
	if (a->renewal != NULL && csm_parse_date(a->renewal, a->renewallen,
	    r->date_format, &h->renewal) == CSM_OK)
		h->has |= TR_DATE;
	memcpy(h->len, len, sizeof(len));
	h->nrea = len32(nrea);
	p = (char *)(h->part + 2 * nrea);
	p = put(p, a->id, len[0]);
	p = put(p, a->name, len[1]);
	p = put(p, a->scoretext, len[2]);
	p = put(p, a->renewal, len[3]);
	for (i = 0, slen = 0; i < nrea; i++) {
		uint32_t n = len32(a->part[2 * i + 1]);

		h->part[2 * i] = len32(slen);
		h->part[2 * i + 1] = n;
		put(p + slen, a->reasons + a->part[2 * i], n);
		slen += n;
	}
	return h;
}

/* The texts of a held account: id, name, score, renewal, then reasons. */
static const char *
acct_text(const struct tr_acct *h, int which)
{
	const char *p = (const char *)(h->part + 2 * h->nrea);
	int i;

	for (i = 0; i < which; i++)
		p += h->len[i];
	return p;
}

static struct tr_owner *
owner_of(struct csm_tierrep *r, const struct csm_tierrep_acct *a)
{
	const char *s = "";
	size_t n = 0, k;
	struct tr_owner *ow;
	int isnew;

	if ((r->has & CSM_TR_OWNER) && a->owner != NULL) {
		s = a->owner;
		n = a->ownerlen;
	}
	k = csm_map_put(&r->owners, s, n, &isnew);
	if (isnew) {
		ow = csm_xcalloc(1, sizeof(*ow));
		ow->name = r->owners.ent[k].key;
		ow->namelen = r->owners.ent[k].klen;
		r->owners.ent[k].val = ow;
	}
	return r->owners.ent[k].val;
}

static char *
copy_or_null(const char *s, size_t n)
{
	return s != NULL ? csm_xstrndup(s, n) : NULL;
}

static struct csm_tr_change *
new_change(struct csm_tierrep *r)
{
	struct csm_tr_change *c;

	if (r->nchg == r->capchg) {
		r->capchg = r->capchg ? 2 * r->capchg : 16;
		r->chg = csm_xreallocarray(r->chg, r->capchg, sizeof(*r->chg));
	}
	c = &r->chg[r->nchg++];
	memset(c, 0, sizeof(*c));
	c->seq = r->seq++;
	return c;
}

void
csm_tierrep_add(struct csm_tierrep *r, const struct csm_tierrep_acct *a)
{
	struct tr_owner *ow;
	struct tr_key k;
	struct tr_acct *h;

	if (a->tier > r->listed)
		return;
	ow = owner_of(r, a);
	k.tier = a->tier;
	k.has_arr = a->has_arr;
	k.arr = a->arr;
	k.score = a->score;
	k.seq = r->seq++;
	ow->total++;
	if (a->has_arr) {
		ow->arr += a->arr;	/* within the checked total */
		ow->narr++;
	}
	if (a->has_value) {
		ow->value += a->value;
		ow->nvalue++;
	}
	if (r->changes && !r->first_run && (a->change == CSM_CHG_NEW ||
	    a->change == CSM_CHG_ESCALATED)) {
		struct csm_tr_change *c = new_change(r);

		c->kind = a->change;
		c->tier = a->tier;
		c->was = a->was;
		c->arr = a->arr;
		c->has_arr = a->has_arr;
		c->score = a->score;
		c->seq = k.seq;
		c->id = copy_or_null(a->id, a->idlen);
		c->idlen = a->idlen;
		c->name = copy_or_null(a->name, a->namelen);
		c->namelen = a->namelen;
		if ((r->has & CSM_TR_OWNER) && a->owner != NULL) {
			c->owner = csm_xstrndup(a->owner, a->ownerlen);
			c->ownerlen = a->ownerlen;
		}
	}
	if (r->top > 0 && ow->nacc == r->top) {
		struct tr_key least = acct_key(ow->acc[0]);

		if (key_cmp(&k, &least) >= 0)
			return;		/* not among the top: counted only */
		h = new_acct(r, a, ow, &k);
		free(ow->acc[0]);
		ow->acc[0] = h;
		sift_down(ow->acc, ow->nacc, 0);
		return;
	}
	if (ow->nacc == ow->cap) {
		ow->cap = ow->cap ? 2 * ow->cap : 4;
		ow->acc = csm_xreallocarray(ow->acc, ow->cap, sizeof(*ow->acc));
	}
	h = new_acct(r, a, ow, &k);
	ow->acc[ow->nacc++] = h;
	if (r->top > 0)
		sift_up(ow->acc, ow->nacc - 1);
}

void
csm_tierrep_resolved(struct csm_tierrep *r, const char *id, size_t idlen,
    const char *name, size_t namelen, size_t was, size_t now)
{
	struct csm_tr_change *c = new_change(r);

	c->kind = TR_RESOLVED;
	c->was = was;
	c->tier = now;
	c->id = copy_or_null(id, idlen);
	c->idlen = idlen;
	c->name = copy_or_null(name, namelen);
	c->namelen = namelen;
}

/* ---- what both formats say -------------------------------------------- */

/* n with thousands separators, for people: "1,234". */
static const char *
count_text(size_t n, char out[32])
{
	csm_fmt_count(n, out);
	return out;
}

static const char *
tier_name(const struct csm_tierrep *r, size_t i)
{
	return csm_signals_tier_name(r->sig, i);
}

static void
add_money(const struct csm_tierrep *r, int64_t cents, int compact,
    struct csm_buf *b)
{
	csm_tierrep_money(cents, r->currency, compact, b);
}

/* "at high or above", "at critical" (the top tier), "at any tier". */
static void
at_phrase(const struct csm_tierrep *r, struct csm_buf *b)
{
	if (r->listed >= r->sig->ntier)
		csm_buf_adds(b, "at any tier");
	else if (r->listed == 0)
		csm_buf_printf(b, "at %s", tier_name(r, 0));
	else
		csm_buf_printf(b, "at %s or above", tier_name(r, r->listed));
}

struct totals {
	size_t n;		/* listed accounts */
	int64_t arr, value;	/* their ARR and value */
};

static struct totals
listed_totals(const struct csm_tierrep *r)
{
	struct totals t = {0, 0, 0};
	size_t i;

	for (i = 0; i <= r->listed && i <= r->sig->ntier; i++) {
		t.n += r->count[i];
		t.arr += r->arr[i];
		t.value += r->value[i];
	}
	return t;
}

/*
 * The headline in two parts: what stands out ("$2.2M of $23.3M ARR at
 * risk") and the rest ("34 of 200 accounts, at high or above").
 */
static void
headline(const struct csm_tierrep *r, struct csm_buf *strong,
    struct csm_buf *rest)
{
	const struct words *w = &words[r->kind];
	struct totals t = listed_totals(r);
	const char *s = r->rows == 1 ? "" : "s";
	char a[32], b[32];

	if (r->has & CSM_TR_VALUE) {
		add_money(r, t.value, 1, strong);
		csm_buf_printf(strong, " of %s", w->value);
		csm_buf_printf(rest, "%s of %s account%s %s, ",
		    count_text(t.n, a), count_text(r->rows, b), s, w->state);
	} else if (r->has & CSM_TR_ARR) {
		add_money(r, t.arr, 1, strong);
		csm_buf_adds(strong, " of ");
		add_money(r, r->arrall, 1, strong);
		csm_buf_printf(strong, " ARR %s", w->state);
		csm_buf_printf(rest, "%s of %s account%s, ",
		    count_text(t.n, a), count_text(r->rows, b), s);
	} else
		csm_buf_printf(strong, "%s of %s account%s %s",
		    count_text(t.n, a), count_text(r->rows, b), s, w->state);
	at_phrase(r, rest);
}

/* "Below high: 22 medium, 80 low and 64 none." */
static void
lower_line(const struct csm_tierrep *r, struct csm_buf *b)
{
	size_t i, nt = r->sig->ntier;
	char n[32];

	csm_buf_printf(b, "Below %s: ", tier_name(r, r->listed));
	for (i = r->listed + 1; i <= nt; i++)
		csm_buf_printf(b, "%s%s %s", i == r->listed + 1 ? "" :
		    i == nt ? " and " : ", ", count_text(r->count[i], n),
		    tier_name(r, i));
	csm_buf_addc(b, '.');
}

/* "in 343 days", "today", "22 days ago" */
static void
days_phrase(const struct csm_tierrep *r, long day, struct csm_buf *b)
{
	long d = day - r->today;

	if (d == 0)
		csm_buf_adds(b, "today");
	else if (d > 0)
		csm_buf_printf(b, "in %ld day%s", d, d == 1 ? "" : "s");
	else
		csm_buf_printf(b, "%ld day%s ago", -d, d == -1 ? "" : "s");
}

/* "new", "escalated from high", "improved from critical", or nothing. */
static void
change_phrase(const struct csm_tierrep *r, const struct tr_acct *h,
    struct csm_buf *b)
{
	if (!r->changes || r->first_run)
		return;
	if (h->change == CSM_CHG_NEW)
		csm_buf_adds(b, "new");
	else if (h->change == CSM_CHG_ESCALATED)
		csm_buf_printf(b, "escalated from %s", tier_name(r, h->was));
	else if (h->change == CSM_CHG_IMPROVED)
		csm_buf_printf(b, "improved from %s", tier_name(r, h->was));
}

static int
cmp_acct(const void *a, const void *b)
{
	return acct_cmp(*(struct tr_acct *const *)a,
	    *(struct tr_acct *const *)b);
}

static int
cmp_owner(const void *a, const void *b)
{
	const struct tr_owner *x = *(struct tr_owner *const *)a;
	const struct tr_owner *y = *(struct tr_owner *const *)b;

	return acct_cmp(x->acc[0], y->acc[0]);
}

/* The owners in the order of their worst account, each's sorted. */
static struct tr_owner **
sorted_owners(struct csm_tierrep *r)
{
	struct tr_owner **o = csm_xcalloc(r->owners.n + 1, sizeof(*o));
	size_t i;

	for (i = 0; i < r->owners.n; i++) {
		o[i] = r->owners.ent[i].val;
		qsort(o[i]->acc, o[i]->nacc, sizeof(*o[i]->acc), cmp_acct);
	}
	qsort(o, r->owners.n, sizeof(*o), cmp_owner);
	return o;
}

static int
cmp_change(const void *a, const void *b)
{
	const struct csm_tr_change *x = a, *y = b;
	struct tr_key kx, ky;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->kind == TR_RESOLVED) {
		if (x->was != y->was)
			return x->was < y->was ? -1 : 1;
		return x->seq < y->seq ? -1 : x->seq > y->seq;
	}
	kx.tier = x->tier;
	kx.has_arr = x->has_arr;
	kx.arr = x->arr;
	kx.score = x->score;
	kx.seq = x->seq;
	ky.tier = y->tier;
	ky.has_arr = y->has_arr;
	ky.arr = y->arr;
	ky.score = y->score;
	ky.seq = y->seq;
	return key_cmp(&kx, &ky);
}

/* The changes sorted (new, escalated, resolved); counts in n[kind]. */
static void
sort_changes(struct csm_tierrep *r, size_t n[3])
{
	size_t i;

	n[0] = n[1] = n[2] = 0;
	for (i = 0; i < r->nchg; i++)
		n[r->chg[i].kind - 1]++;
	if (r->nchg > 1)
		qsort(r->chg, r->nchg, sizeof(*r->chg), cmp_change);
}

/* "2 new, 1 escalated, 0 resolved." */
static void
changes_line(const size_t n[3], struct csm_out *o)
{
	char a[32], b[32], c[32];

	csm_out_printf(o, "%s new, %s escalated, %s resolved.",
	    count_text(n[0], a), count_text(n[1], b), count_text(n[2], c));
}

/* What the accounts an owner's list leaves out add up to. */
static void
more_line(const struct csm_tierrep *r, const struct tr_owner *ow,
    struct csm_buf *b)
{
	int64_t arr = ow->arr, value = ow->value;
	size_t i, narr = ow->narr, nvalue = ow->nvalue;
	char n[32];

	for (i = 0; i < ow->nacc; i++) {
		arr -= ow->acc[i]->arr;
		value -= ow->acc[i]->value;
		narr -= (ow->acc[i]->has & TR_ARR) != 0;
		nvalue -= (ow->acc[i]->has & TR_VALUE) != 0;
	}
	csm_buf_printf(b, "and %s more ", count_text(ow->total - ow->nacc,
	    n));
	at_phrase(r, b);
	if (r->has & CSM_TR_ARR) {
		csm_buf_adds(b, ", ARR ");
		if (narr > 0)
			add_money(r, arr, 0, b);
		else
			csm_buf_adds(b, "n/a");
	}
	if (r->has & CSM_TR_VALUE) {
		csm_buf_printf(b, ", %s ", words[r->kind].value);
		if (nvalue > 0)
			add_money(r, value, 0, b);
		else
			csm_buf_adds(b, "n/a");
	}
}

/* ---- Markdown --------------------------------------------------------- */

static void
md_buf(struct csm_out *o, const struct csm_buf *b)
{
	csm_md_esc(o, b->s, b->len);
}

/* "**Name** (ID)", or the ID alone, or the name alone. */
static void
md_account(struct csm_out *o, const char *name, size_t nn, const char *id,
    size_t in)
{
	if (nn > 0) {
		csm_out_puts(o, "**");
		csm_md_esc(o, name, nn);
		csm_out_puts(o, "**");
		if (in > 0) {
			csm_out_puts(o, " (");
			csm_md_esc(o, id, in);
			csm_out_puts(o, ")");
		}
	} else if (in > 0) {
		csm_out_puts(o, "**");
		csm_md_esc(o, id, in);
		csm_out_puts(o, "**");
	} else
		csm_out_puts(o, "**(no name)**");
}

static void
md_table(const struct csm_tierrep *r, struct csm_out *o)
{
	struct csm_md_table t;
	struct totals tot = listed_totals(r);
	struct csm_buf b;
	char n[32];
	size_t i;

	csm_buf_init(&b);
	csm_md_table_init(&t, o, CSM_MD_PAD);
	csm_md_table_col(&t, "Tier", 0);
	csm_md_table_col(&t, "Accounts", 1);
	if (r->has & CSM_TR_ARR)
		csm_md_table_col(&t, "ARR", 1);
	if (r->has & CSM_TR_VALUE)
		csm_md_table_col(&t, r->kind == CSM_TIERREP_GROWTH ?
		    "Expansion ARR" : "Value", 1);
	for (i = 0; i <= r->listed + (r->listed > 0); i++) {
		int total = i > r->listed;

		csm_md_table_cells(&t, total ? "total" : tier_name(r, i));
		csm_md_table_cells(&t, count_text(total ? tot.n :
		    r->count[i], n));
		if (r->has & CSM_TR_ARR) {
			csm_buf_reset(&b);
			add_money(r, total ? tot.arr : r->arr[i], 0, &b);
			csm_md_table_cells(&t, b.s);
		}
		if (r->has & CSM_TR_VALUE) {
			csm_buf_reset(&b);
			add_money(r, total ? tot.value : r->value[i], 0, &b);
			csm_md_table_cells(&t, b.s);
		}
		csm_md_table_row(&t);
	}
	csm_md_table_end(&t);
	csm_buf_release(&b);
}

/* ", owner Bob" or ", no owner" in a line of the changes. */
static void
owner_words(const struct csm_tr_change *c, struct csm_buf *b)
{
	if (c->owner != NULL && c->ownerlen > 0) {
		csm_buf_adds(b, ", owner ");
		csm_buf_add(b, c->owner, c->ownerlen);
	} else
		csm_buf_adds(b, ", no owner");
}

static void
md_changes(struct csm_tierrep *r, struct csm_out *o)
{
	static const char *const title[] = {"New", "Escalated", "Resolved"};
	struct csm_buf b;
	size_t n[3], i, k;

	csm_out_puts(o, "\n## Changes since the previous report\n\n");
	if (r->first_run) {
		csm_out_puts(o, "No previous report to compare with: every "
		    "account listed is new.\n");
		return;
	}
	sort_changes(r, n);
	changes_line(n, o);
	csm_out_puts(o, "\n");
	csm_buf_init(&b);
	for (k = 0, i = 0; k < 3; k++) {
		if (n[k] == 0)
			continue;
		csm_out_printf(o, "\n### %s\n\n", title[k]);
		for (; i < r->nchg && r->chg[i].kind == (int)k + 1; i++) {
			const struct csm_tr_change *c = &r->chg[i];

			csm_out_puts(o, "- ");
			md_account(o, c->name, c->name ? c->namelen : 0, c->id,
			    c->id ? c->idlen : 0);
			csm_buf_reset(&b);
			if (c->kind == TR_RESOLVED) {
				csm_buf_printf(&b, "was %s, ",
				    tier_name(r, c->was));
				if (c->tier <= r->sig->ntier)
					csm_buf_printf(&b, "now %s",
					    tier_name(r, c->tier));
				else
					csm_buf_adds(&b, "no longer in the "
					    "input");
			} else {
				if (c->kind == CSM_CHG_ESCALATED)
					csm_buf_printf(&b, "%s to ",
					    tier_name(r, c->was));
				csm_buf_adds(&b, tier_name(r, c->tier));
				if (r->has & CSM_TR_ARR) {
					csm_buf_adds(&b, ", ARR ");
					if (c->has_arr)
						add_money(r, c->arr, 0, &b);
					else
						csm_buf_adds(&b, "n/a");
				}
				if (r->has & CSM_TR_OWNER)
					owner_words(c, &b);
			}
			csm_out_puts(o, ": ");
			md_buf(o, &b);
			csm_out_puts(o, "\n");
		}
	}
	csm_buf_release(&b);
}

/* The words after an account's name: tier, score, money, renewal, change. */
static void
item_words(const struct csm_tierrep *r, const struct tr_acct *h,
    struct csm_buf *b)
{
	size_t mark;

	csm_buf_printf(b, "%s, score ", tier_name(r, h->tier));
	csm_buf_add(b, acct_text(h, 2), h->len[2]);
	if (r->has & CSM_TR_ARR) {
		csm_buf_adds(b, ", ARR ");
		if (h->has & TR_ARR)
			add_money(r, h->arr, 0, b);
		else
			csm_buf_adds(b, "n/a");
	}
	if (r->has & CSM_TR_VALUE) {
		csm_buf_printf(b, ", %s ", words[r->kind].value);
		if (h->has & TR_VALUE)
			add_money(r, h->value, 0, b);
		else
			csm_buf_adds(b, "n/a");
	}
	if (r->has & CSM_TR_RENEWAL) {
		csm_buf_adds(b, ", renewal ");
		if (h->len[3] == 0)
			csm_buf_adds(b, "n/a");
		else {
			csm_buf_add(b, acct_text(h, 3), h->len[3]);
			if (h->has & TR_DATE) {
				csm_buf_adds(b, " (");
				days_phrase(r, h->renewal, b);
				csm_buf_addc(b, ')');
			}
		}
	}
	mark = b->len;
	csm_buf_adds(b, ", ");
	change_phrase(r, h, b);
	if (b->len == mark + 2) {
		b->len = mark;
		b->s[mark] = '\0';
	}
}

static void
md_item(const struct csm_tierrep *r, const struct tr_acct *h,
    struct csm_out *o, struct csm_buf *b)
{
	const char *rea = acct_text(h, 4);
	uint32_t i;

	csm_out_puts(o, "- ");
	md_account(o, acct_text(h, 1), h->len[1], acct_text(h, 0), h->len[0]);
	csm_out_puts(o, ": ");
	csm_buf_reset(b);
	item_words(r, h, b);
	md_buf(o, b);
	csm_out_puts(o, "\n");
	for (i = 0; i < h->nrea; i++) {
		csm_out_puts(o, "  - ");
		csm_md_esc(o, rea + h->part[2 * i], h->part[2 * i + 1]);
		csm_out_puts(o, "\n");
	}
}

static void
md_owners(struct csm_tierrep *r, struct csm_out *o)
{
	struct tr_owner **ow = sorted_owners(r);
	struct csm_buf b;
	size_t i, j;

	csm_buf_init(&b);
	if (r->owners.n == 0 || !(r->has & CSM_TR_OWNER))
		csm_out_printf(o, "\n## %s\n\n", words[r->kind].section);
	if (r->owners.n == 0) {
		csm_out_puts(o, "No account ");
		at_phrase(r, &b);
		md_buf(o, &b);
		csm_out_puts(o, ".\n");
	}
	for (i = 0; i < r->owners.n; i++) {
		if (r->has & CSM_TR_OWNER) {
			csm_out_puts(o, "\n## ");
			if (ow[i]->namelen == 0)
				csm_out_puts(o, "No owner");
			else
				csm_md_esc(o, ow[i]->name, ow[i]->namelen);
			csm_out_puts(o, "\n\n");
		}
		for (j = 0; j < ow[i]->nacc; j++)
			md_item(r, ow[i]->acc[j], o, &b);
		if (ow[i]->total > ow[i]->nacc) {
			csm_buf_reset(&b);
			more_line(r, ow[i], &b);
			csm_out_puts(o, "- ");
			md_buf(o, &b);
			csm_out_puts(o, "\n");
		}
	}
	csm_buf_release(&b);
	free(ow);
}

static void
write_md(struct csm_tierrep *r, struct csm_out *o)
{
	struct csm_buf strong, rest;
	char date[32];

	csm_date_format(r->today, date);
	csm_out_printf(o, "# %s, %s\n\n", words[r->kind].title, date);
	csm_buf_init(&strong);
	csm_buf_init(&rest);
	headline(r, &strong, &rest);
	csm_out_puts(o, "**");
	md_buf(o, &strong);
	csm_out_puts(o, "**");
	csm_out_puts(o, (r->has & (CSM_TR_VALUE | CSM_TR_ARR)) ? ": " : ", ");
	md_buf(o, &rest);
	csm_out_puts(o, ".\n\n");
	md_table(r, o);
	if (r->changes)
		md_changes(r, o);
	md_owners(r, o);
	if (r->listed < r->sig->ntier) {
		csm_buf_reset(&rest);
		lower_line(r, &rest);
		csm_out_puts(o, "\n");
		md_buf(o, &rest);
		csm_out_puts(o, "\n");
	}
	csm_buf_release(&strong);
	csm_buf_release(&rest);
}

/* ---- HTML email ------------------------------------------------------- */

#define FONT "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI'," \
    "Roboto,Helvetica,Arial,sans-serif;"
#define TH "padding:6px 8px;border-bottom:2px solid #e2e8f0;font-size:11px;" \
    "font-weight:600;letter-spacing:.05em;text-transform:uppercase;" \
    "color:#64748b;"
#define TD "padding:8px 6px;border-bottom:1px solid #e2e8f0;vertical-align:top;"
#define TDA "padding:8px 6px 2px;vertical-align:top;"	/* above reasons */
#define NUM "white-space:nowrap;font-variant-numeric:tabular-nums;"
#define SMALL "font-size:12px;color:#64748b;"
#define H2 "margin:28px 0 8px;padding-bottom:6px;border-bottom:1px solid " \
    "#e2e8f0;font-size:16px;line-height:1.3;color:#0f172a;"
#define TABLE "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" " \
    "cellspacing=\"0\" border=\"0\" style=\"border-collapse:collapse;"

/* Tier colours by rank, text on background: reds for risk, greens for
 * growth; tiers past the third, and none, grey. */
static const char *const palette[2][3][2] = {
	{{"#991b1b", "#fee2e2"}, {"#9a3412", "#ffedd5"},
	    {"#854d0e", "#fef9c3"}},
	{{"#166534", "#dcfce7"}, {"#115e59", "#ccfbf1"},
	    {"#1e40af", "#dbeafe"}}
};

static void
h_buf(struct csm_out *o, const struct csm_buf *b)
{
	csm_html_esc(o, b->s, b->len);
}

static void
h_badge(const struct csm_tierrep *r, size_t tier, struct csm_out *o)
{
	const char *fg = "#334155", *bg = "#e2e8f0";

	if (tier >= r->sig->ntier) {
		fg = "#64748b";
		bg = "#f1f5f9";
	} else if (tier < 3) {
		fg = palette[r->kind][tier][0];
		bg = palette[r->kind][tier][1];
	}
	csm_out_printf(o, "<span style=\"display:inline-block;padding:1px 8px;"
	    "border-radius:10px;font-size:11px;font-weight:700;"
	    "letter-spacing:.04em;text-transform:uppercase;white-space:nowrap;"
	    "color:%s;background-color:%s;\">", fg, bg);
	csm_html_escz(o, tier_name(r, tier));
	csm_out_puts(o, "</span>");
}

static void
h_account(struct csm_out *o, const char *name, size_t nn, const char *id,
    size_t in)
{
	csm_out_puts(o, "<strong>");
	if (nn > 0)
		csm_html_esc(o, name, nn);
	else if (in > 0)
		csm_html_esc(o, id, in);
	else
		csm_out_puts(o, "(no name)");
	csm_out_puts(o, "</strong>");
	if (nn > 0 && in > 0) {
		csm_out_puts(o, " <span style=\"" SMALL "\">");
		csm_html_esc(o, id, in);
		csm_out_puts(o, "</span>");
	}
}

static void
h_money(const struct csm_tierrep *r, int64_t cents, int has,
    struct csm_out *o, struct csm_buf *b)
{
	csm_buf_reset(b);
	if (has)
		add_money(r, cents, 0, b);
	else
		csm_buf_adds(b, "n/a");
	h_buf(o, b);
}

static void
h_table(const struct csm_tierrep *r, struct csm_out *o)
{
	struct totals tot = listed_totals(r);
	struct csm_buf b;
	char n[32];
	size_t i;

	csm_buf_init(&b);
	csm_out_puts(o, TABLE "margin:0 0 4px;\">\n<tr><th align=\"left\" "
	    "style=\"" TH "\">Tier</th><th align=\"right\" style=\"" TH
	    "\">Accounts</th>");
	if (r->has & CSM_TR_ARR)
		csm_out_puts(o, "<th align=\"right\" style=\"" TH
		    "\">ARR</th>");
	if (r->has & CSM_TR_VALUE)
		csm_out_printf(o, "<th align=\"right\" style=\"" TH
		    "\">%s</th>", r->kind == CSM_TIERREP_GROWTH ?
		    "Expansion ARR" : "Value");
	csm_out_puts(o, "</tr>\n");
	for (i = 0; i <= r->listed + (r->listed > 0); i++) {
		int total = i > r->listed;
		const char *bold = total ? "font-weight:700;" : "";

		csm_out_printf(o, "<tr><td style=\"" TD "%s\">", bold);
		if (total)
			csm_out_puts(o, "Total");
		else
			h_badge(r, i, o);
		csm_out_printf(o, "</td><td align=\"right\" style=\"" TD NUM
		    "%s\">%s</td>", bold, count_text(total ? tot.n :
		    r->count[i], n));
		if (r->has & CSM_TR_ARR) {
			csm_out_printf(o, "<td align=\"right\" style=\"" TD NUM
			    "%s\">", bold);
			h_money(r, total ? tot.arr : r->arr[i], 1, o, &b);
			csm_out_puts(o, "</td>");
		}
		if (r->has & CSM_TR_VALUE) {
			csm_out_printf(o, "<td align=\"right\" style=\"" TD NUM
			    "%s\">", bold);
			h_money(r, total ? tot.value : r->value[i], 1, o, &b);
			csm_out_puts(o, "</td>");
		}
		csm_out_puts(o, "</tr>\n");
	}
	csm_out_puts(o, "</table>\n");
	csm_buf_release(&b);
}

static void
h_changes(struct csm_tierrep *r, struct csm_out *o)
{
	static const char *const title[] = {"New", "Escalated", "Resolved"};
	struct csm_buf b;
	size_t n[3], i, k;

	csm_out_puts(o, "<h2 style=\"" H2 "\">Changes since the previous "
	    "report</h2>\n");
	if (r->first_run) {
		csm_out_puts(o, "<p style=\"margin:0;\">No previous report to "
		    "compare with: every account listed is new.</p>\n");
		return;
	}
	sort_changes(r, n);
	csm_out_puts(o, "<p style=\"margin:0;\">");
	changes_line(n, o);
	csm_out_puts(o, "</p>\n");
	csm_buf_init(&b);
	for (k = 0, i = 0; k < 3; k++) {
		if (n[k] == 0)
			continue;
		csm_out_printf(o, "<p style=\"margin:12px 0 4px;"
		    "font-weight:600;\">%s</p>\n<ul style=\"margin:0;"
		    "padding-left:20px;\">\n", title[k]);
		for (; i < r->nchg && r->chg[i].kind == (int)k + 1; i++) {
			const struct csm_tr_change *c = &r->chg[i];

			csm_out_puts(o, "<li style=\"margin:3px 0;\">");
			h_account(o, c->name, c->name ? c->namelen : 0, c->id,
			    c->id ? c->idlen : 0);
			csm_out_puts(o, ": ");
			if (c->kind == TR_RESOLVED) {
				csm_out_puts(o, "was ");
				h_badge(r, c->was, o);
				if (c->tier <= r->sig->ntier) {
					csm_out_puts(o, ", now ");
					h_badge(r, c->tier, o);
				} else
					csm_out_puts(o, ", no longer in the "
					    "input");
				csm_out_puts(o, "</li>\n");
				continue;
			}
			if (c->kind == CSM_CHG_ESCALATED) {
				h_badge(r, c->was, o);
				csm_out_puts(o, " to ");
			}
			h_badge(r, c->tier, o);
			if (r->has & CSM_TR_ARR) {
				csm_out_puts(o, ", ARR ");
				h_money(r, c->arr, c->has_arr, o, &b);
			}
			if (r->has & CSM_TR_OWNER) {
				csm_out_puts(o, ", ");
				if (c->owner != NULL && c->ownerlen > 0) {
					csm_out_puts(o, "owner ");
					csm_html_esc(o, c->owner, c->ownerlen);
				} else
					csm_out_puts(o, "no owner");
			}
			csm_out_puts(o, "</li>\n");
		}
		csm_out_puts(o, "</ul>\n");
	}
	csm_buf_release(&b);
}

static size_t
h_ncols(const struct csm_tierrep *r)
{
	return 2 + ((r->has & CSM_TR_ARR) != 0) +
	    ((r->has & CSM_TR_VALUE) != 0) + ((r->has & CSM_TR_RENEWAL) != 0);
}

/*
 * An account: a row of its name, tier, money and renewal, then a row the
 * table's width with its reasons, so that they read at 600 pixels.
 */
static void
h_item(const struct csm_tierrep *r, const struct tr_acct *h,
    struct csm_out *o, struct csm_buf *b)
{
	const char *rea = acct_text(h, 4);
	const char *td = h->nrea > 0 ? TDA : TD;
	uint32_t i;

	csm_out_printf(o, "<tr><td style=\"%s\">", td);
	h_account(o, acct_text(h, 1), h->len[1], acct_text(h, 0), h->len[0]);
	csm_out_printf(o, "</td>\n<td style=\"%swhite-space:nowrap;\">", td);
	h_badge(r, h->tier, o);
	csm_out_puts(o, "<br><span style=\"" SMALL "\">score ");
	csm_html_esc(o, acct_text(h, 2), h->len[2]);
	csm_out_puts(o, "</span>");
	csm_buf_reset(b);
	change_phrase(r, h, b);
	if (b->len > 0) {
		csm_out_puts(o, "<br><span style=\"" SMALL "\">");
		h_buf(o, b);
		csm_out_puts(o, "</span>");
	}
	csm_out_puts(o, "</td>");
	if (r->has & CSM_TR_ARR) {
		csm_out_printf(o, "<td align=\"right\" style=\"%s" NUM "\">",
		    td);
		h_money(r, h->arr, (h->has & TR_ARR) != 0, o, b);
		csm_out_puts(o, "</td>");
	}
	if (r->has & CSM_TR_VALUE) {
		csm_out_printf(o, "<td align=\"right\" style=\"%s" NUM "\">",
		    td);
		h_money(r, h->value, (h->has & TR_VALUE) != 0, o, b);
		csm_out_puts(o, "</td>");
	}
	if (r->has & CSM_TR_RENEWAL) {
		csm_out_printf(o, "<td style=\"%s" NUM "\">", td);
		if (h->len[3] == 0)
			csm_out_puts(o, "n/a");
		else
			csm_html_esc(o, acct_text(h, 3), h->len[3]);
		if (h->has & TR_DATE) {
			csm_buf_reset(b);
			days_phrase(r, h->renewal, b);
			csm_out_puts(o, "<br><span style=\"" SMALL "\">");
			h_buf(o, b);
			csm_out_puts(o, "</span>");
		}
		csm_out_puts(o, "</td>");
	}
	csm_out_puts(o, "</tr>\n");
	if (h->nrea == 0)
		return;
	csm_out_printf(o, "<tr><td colspan=\"%zu\" style=\"padding:0 6px 8px;"
	    "border-bottom:1px solid #e2e8f0;\"><ul style=\"margin:0;"
	    "padding-left:18px;font-size:12px;color:#475569;\">", h_ncols(r));
	for (i = 0; i < h->nrea; i++) {
		csm_out_puts(o, "<li>");
		csm_html_esc(o, rea + h->part[2 * i], h->part[2 * i + 1]);
		csm_out_puts(o, "</li>");
	}
	csm_out_puts(o, "</ul></td></tr>\n");
}

static void
h_owners(struct csm_tierrep *r, struct csm_out *o)
{
	struct tr_owner **ow = sorted_owners(r);
	struct csm_buf b;
	size_t i, j;

	csm_buf_init(&b);
	if (r->owners.n == 0 || !(r->has & CSM_TR_OWNER))
		csm_out_printf(o, "<h2 style=\"" H2 "\">%s</h2>\n",
		    words[r->kind].section);
	if (r->owners.n == 0) {
		at_phrase(r, &b);
		csm_out_puts(o, "<p style=\"margin:0;\">No account ");
		h_buf(o, &b);
		csm_out_puts(o, ".</p>\n");
	}
	for (i = 0; i < r->owners.n; i++) {
		if (r->has & CSM_TR_OWNER) {
			csm_out_puts(o, "<h2 style=\"" H2 "\">");
			if (ow[i]->namelen == 0)
				csm_out_puts(o, "No owner");
			else
				csm_html_esc(o, ow[i]->name, ow[i]->namelen);
			csm_out_puts(o, "</h2>\n");
		}
		/* the same widths in every owner's table */
		csm_out_puts(o, TABLE "\">\n<tr><th align=\"left\" style=\""
		    TH "\">Account</th><th align=\"left\" width=\"84\" "
		    "style=\"" TH "\">Tier</th>");
		if (r->has & CSM_TR_ARR)
			csm_out_puts(o, "<th align=\"right\" width=\"96\" "
			    "style=\"" TH "\">ARR</th>");
		if (r->has & CSM_TR_VALUE)
			csm_out_printf(o, "<th align=\"right\" width=\"96\" "
			    "style=\"" TH "\">%s</th>", r->kind ==
			    CSM_TIERREP_GROWTH ? "Expansion" : "Value");
		if (r->has & CSM_TR_RENEWAL)
			csm_out_puts(o, "<th align=\"left\" width=\"84\" "
			    "style=\"" TH "\">Renewal</th>");
		csm_out_puts(o, "</tr>\n");
		for (j = 0; j < ow[i]->nacc; j++)
			h_item(r, ow[i]->acc[j], o, &b);
		if (ow[i]->total > ow[i]->nacc) {
			csm_buf_reset(&b);
			more_line(r, ow[i], &b);
			csm_out_printf(o, "<tr><td colspan=\"%zu\" style=\""
			    "padding:8px;" SMALL "\">", h_ncols(r));
			h_buf(o, &b);
			csm_out_puts(o, "</td></tr>\n");
		}
		csm_out_puts(o, "</table>\n");
	}
	csm_buf_release(&b);
	free(ow);
}

static void
write_html(struct csm_tierrep *r, struct csm_out *o)
{
	const struct words *w = &words[r->kind];
	struct csm_buf strong, rest;
	char date[32];

	csm_date_format(r->today, date);
	csm_out_printf(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<title>%s, %s</title>\n</head>\n", w->title, date);
	csm_out_puts(o, "<body style=\"margin:0;padding:0;"
	    "background-color:#f1f5f9;\">\n<table role=\"presentation\" "
	    "width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
	    "style=\"background-color:#f1f5f9;\">\n<tr><td align=\"center\" "
	    "style=\"padding:24px 8px;\">\n<table role=\"presentation\" "
	    "width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
	    "style=\"width:100%;max-width:600px;background-color:#ffffff;"
	    "border:1px solid #e2e8f0;border-radius:8px;" FONT "font-size:14px;"
	    "line-height:1.45;color:#1f2937;text-align:left;\">\n"
	    "<tr><td style=\"padding:24px 20px 28px;\">\n");
	csm_out_printf(o, "<p style=\"margin:0;font-size:11px;font-weight:600;"
	    "letter-spacing:.08em;text-transform:uppercase;color:#64748b;\">"
	    "%s &middot; %s</p>\n", w->title, date);
	csm_buf_init(&strong);
	csm_buf_init(&rest);
	headline(r, &strong, &rest);
	csm_out_printf(o, "<h1 style=\"margin:6px 0 4px;font-size:24px;"
	    "line-height:1.25;font-weight:700;color:%s;\">", w->accent);
	h_buf(o, &strong);
	csm_out_puts(o, "</h1>\n<p style=\"margin:0 0 16px;color:#475569;\">");
	if (rest.len > 0 && rest.s[0] >= 'a' && rest.s[0] <= 'z')
		rest.s[0] = (char)(rest.s[0] - 'a' + 'A');
	h_buf(o, &rest);
	csm_out_puts(o, ".</p>\n");
	h_table(r, o);
	if (r->changes)
		h_changes(r, o);
	h_owners(r, o);
	if (r->listed < r->sig->ntier) {
		csm_buf_reset(&rest);
		lower_line(r, &rest);
		csm_out_puts(o, "<p style=\"margin:24px 0 0;" SMALL "\">");
		h_buf(o, &rest);
		csm_out_puts(o, "</p>\n");
	}
	csm_out_puts(o, "</td></tr>\n</table>\n</td></tr>\n</table>\n"
	    "</body>\n</html>\n");
	csm_buf_release(&strong);
	csm_buf_release(&rest);
}

void
csm_tierrep_write(struct csm_tierrep *r, struct csm_out *o)
{
	if (r->fmt == CSM_TIERREP_HTML)
		write_html(r, o);
	else
		write_md(r, o);
}

/* ---- config ----------------------------------------------------------- */

void
csm_tierrep_config(struct csm_tierrep *r, const struct csm_cfg *cfg,
    const char *section, const char *key, const char *dflt)
{
	const struct csm_node *rep = csm_node_get(csm_cfg_section(cfg,
	    section), "report");
	const struct csm_node *nd;
	long t;

	nd = rep != NULL ? csm_node_get(rep, key) : NULL;
	if (nd != NULL)
		t = csm_signals_tier_find(r->sig, nd->str);
	else if ((t = csm_signals_tier_find(r->sig, dflt)) < 0 ||
	    (size_t)t >= r->sig->ntier)
		t = (long)r->sig->ntier - 1;
	r->listed = t < 0 ? r->sig->ntier : (size_t)t;
	if (rep != NULL && (nd = csm_node_get(rep, "currency")) != NULL)
		r->currency = nd->str;
	else if ((nd = csm_node_get(cfg->root, "currency")) != NULL)
		r->currency = nd->str;
	if (rep != NULL && (nd = csm_node_get(rep, "value")) != NULL) {
		r->value_node = nd;
		r->value_expr = csm_cfg_expr_as(nd, CSM_T_NUM);
	}
}

/* ---- rows of the input ------------------------------------------------ */

void
csm_tierrep_columns(const struct csm_tierrep *r, struct csm_colreg *reg)
{
	struct csm_buf eff;

	if (r->value_expr != NULL) {
		csm_buf_init(&eff);
		csm_buf_printf(&eff, "the report shows no %s",
		    words[r->kind].value);
		csm_signals_optional(reg, r->value_expr, NULL, "report.value",
		    eff.s);
		csm_buf_release(&eff);
	}
	csm_colreg_add(reg, "account_id", 0, "the report", NULL);
	csm_colreg_add(reg, "account_name", 0, "the report",
	    "the report shows no account names");
	csm_colreg_add(reg, "owner", 0, "the report",
	    "the report does not group accounts by owner");
	csm_colreg_add(reg, "arr", 0, "the report", "the report shows no ARR");
	csm_colreg_add(reg, "renewal_date", 0, "the report",
	    "the report shows no renewal dates");
}

void
csm_tierrep_bind(struct csm_tierrep *r, const struct csm_cols *cols)
{
	r->c_id = csm_cols_find(cols, "account_id");
	r->c_name = csm_cols_find(cols, "account_name");
	r->c_owner = csm_cols_find(cols, "owner");
	r->c_renewal = csm_cols_find(cols, "renewal_date");
	r->has |= (r->c_id >= 0 ? CSM_TR_ID : 0) |
	    (r->c_name >= 0 ? CSM_TR_NAME : 0) |
	    (r->c_owner >= 0 ? CSM_TR_OWNER : 0) |
	    (r->c_renewal >= 0 ? CSM_TR_RENEWAL : 0) |
	    (csm_cols_find(cols, "arr") >= 0 ? CSM_TR_ARR : 0);
	if (r->value_expr == NULL)
		return;
	if (csm_signals_absent(r->value_expr, NULL, cols)) {
		/* where the data allows: without its columns, no value */
		csm_expr_free(r->value_expr);
		r->value_expr = NULL;
		return;
	}
	csm_cfg_bind(r->value_expr, r->value_node, cols);
	r->has |= CSM_TR_VALUE;
}

/*
 * The value of the current record in cents: 0 with *v, or -1 when it is
 * missing.  Below 0 it counts as 0; past 10^15 it is a data error.
 */
static int
row_value(const struct csm_tierrep *r, struct csm_eval *ev, int64_t *v)
{
	const struct csm_tbl *t = ev->rec;
	double d;

	if (csm_expr_num(r->value_expr, ev, &d) != CSM_OK)
		return -1;
	if (d < 0)
		d = 0;
	if (csm_cents_from_num(d, v) != 0)
		csm_die_at(EX_DATAERR, t->file, t->line, "report.value '%s' "
		    "gives %g, beyond 10^15 (%s:%ld:%ld)",
		    csm_q(r->value_node->str, r->value_node->len), d,
		    r->value_node->file, r->value_node->line,
		    r->value_node->col);
	return 0;
}

/* Field col of t's record, trimmed; NULL when col is absent or the value
 * missing (empty, NA, none...). */
static const char *
row_field(const struct csm_tbl *t, long col, size_t *n)
{
	const char *s;

	*n = 0;
	if (col < 0)
		return NULL;
	s = t->f[col];
	*n = t->flen[col];
	csm_trim(&s, n);
	if (csm_is_missing(s, *n)) {
		*n = 0;
		return NULL;
	}
	return s;
}

void
csm_tierrep_row(struct csm_tierrep *r, struct csm_eval *ev,
    const struct csm_assessment *as, const int64_t *arr, int change,
    size_t was)
{
	const struct csm_tbl *t = ev->rec;
	struct csm_tierrep_acct a;
	const int64_t *value = NULL;
	int64_t v;
	char max[32];
	int err;

	if ((r->has & CSM_TR_VALUE) && row_value(r, ev, &v) == 0)
		value = &v;
	if ((err = csm_tierrep_count(r, as->tier, arr, value)) != 0) {
		csm_fmt_cents(INT64_MAX, 1, max);
		csm_die_at(EX_DATAERR, t->file, t->line, "%s adds up to more "
		    "than %s", err == -1 ? "ARR" : words[r->kind].value, max);
	}
	if (as->tier > r->listed)
		return;
	memset(&a, 0, sizeof(a));
	a.id = row_field(t, r->c_id, &a.idlen);
	a.name = row_field(t, r->c_name, &a.namelen);
	a.owner = row_field(t, r->c_owner, &a.ownerlen);
	a.renewal = row_field(t, r->c_renewal, &a.renewallen);
	a.has_arr = arr != NULL;
	a.arr = arr != NULL ? *arr : 0;
	a.has_value = value != NULL;
	a.value = value != NULL ? *value : 0;
	a.tier = as->tier;
	a.score = as->score;
	a.scoretext = as->scoretext;
	a.change = change;
	a.was = was;
	a.reasons = as->reasons.s;
	a.part = as->part + 2 * as->nnames;
	a.nreasons = as->nreasons;
	csm_tierrep_add(r, &a);
}

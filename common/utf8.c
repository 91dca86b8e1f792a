/*
 * utf8.c: UTF-8 for the report formats.  JSON, HTML and Markdown output
 * must be valid UTF-8 whatever the input holds (a Latin-1 "Caf\xe9" from
 * an Excel export), so their writers walk text with csm_utf8_scan and put
 * U+FFFD in place of each invalid sequence, and the first replacement of
 * a run says so once on stderr.  Markdown tables are padded to the
 * display width of their cells: wide East Asian characters take two
 * columns, combining marks none.  Nothing here depends on the locale.
 */
#include <stddef.h>

#include "csm.h"

static int warned;

size_t
csm_utf8_scan(const char *s, size_t n, int *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t k, i;

	*bad = 0;
	if (n == 0)
		return 0;
	if (u[0] < 0x80)
		return 1;
	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		k = 2;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		k = 3;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		k = 4;
	else {
		*bad = 1;
		return 1;
	}
	/* The second byte's range excludes overlongs and surrogates. */
	if (u[0] == 0xe0)
		lo = 0xa0;
	else if (u[0] == 0xed)
		hi = 0x9f;
	else if (u[0] == 0xf0)
		lo = 0x90;
	else if (u[0] == 0xf4)
		hi = 0x8f;
	/* Invalid: the longest prefix that could have begun a sequence. */
	for (i = 1; i < k; i++) {
		if (i >= n || u[i] < (i == 1 ? lo : 0x80) ||
		    u[i] > (i == 1 ? hi : 0xbf)) {
			*bad = 1;
			return i;
		}
	}
	return k;
}

/* The code point of a valid sequence of k bytes. */
static unsigned long
decode(const unsigned char *u, size_t k)
{
	unsigned long cp;
	size_t i;

	if (k == 1)
		return u[0];
	cp = u[0] & (0x7f >> k);
	for (i = 1; i < k; i++)
		cp = cp << 6 | (u[i] & 0x3f);
	return cp;
}

/* Sorted ranges of code points, for the width. */
struct range {
	unsigned long lo, hi;
};

/* Combining marks and invisible format characters: no column. */
static const struct range zero[] = {
	{0x0300, 0x036f}, {0x0483, 0x0489}, {0x0591, 0x05bd}, {0x05bf, 0x05bf},
	{0x05c1, 0x05c2}, {0x05c4, 0x05c5}, {0x05c7, 0x05c7}, {0x0610, 0x061a},
	{0x064b, 0x065f}, {0x0670, 0x0670}, {0x06d6, 0x06dc}, {0x06df, 0x06e4},
	{0x06e7, 0x06e8}, {0x06ea, 0x06ed}, {0x0e31, 0x0e31}, {0x0e34, 0x0e3a},
	{0x0e47, 0x0e4e}, {0x1ab0, 0x1aff}, {0x1dc0, 0x1dff}, {0x200b, 0x200f},
	{0x202a, 0x202e}, {0x2060, 0x2064}, {0x20d0, 0x20ff}, {0xfe00, 0xfe0f},
	{0xfe20, 0xfe2f}, {0xfeff, 0xfeff}, {0xe0001, 0xe0001},
	{0xe0020, 0xe007f}, {0xe0100, 0xe01ef}
};

/* East Asian wide and fullwidth characters, and emoji: two columns. */
static const struct range wide[] = {
	{0x1100, 0x115f}, {0x231a, 0x231b}, {0x2329, 0x232a}, {0x23e9, 0x23ec},
	{0x23f0, 0x23f0}, {0x23f3, 0x23f3}, {0x25fd, 0x25fe}, {0x2614, 0x2615},
	{0x2648, 0x2653}, {0x267f, 0x267f}, {0x2693, 0x2693}, {0x26a1, 0x26a1},
	{0x26aa, 0x26ab}, {0x26bd, 0x26be}, {0x26c4, 0x26c5}, {0x26ce, 0x26ce},
	{0x26d4, 0x26d4}, {0x26ea, 0x26ea}, {0x26f2, 0x26f3}, {0x26f5, 0x26f5},
	{0x26fa, 0x26fa}, {0x26fd, 0x26fd}, {0x2705, 0x2705}, {0x270a, 0x270b},
	{0x2728, 0x2728}, {0x274c, 0x274c}, {0x274e, 0x274e}, {0x2753, 0x2755},
	{0x2757, 0x2757}, {0x2795, 0x2797}, {0x27b0, 0x27b0}, {0x27bf, 0x27bf},
	{0x2b1b, 0x2b1c}, {0x2b50, 0x2b50}, {0x2b55, 0x2b55}, {0x2e80, 0x303e},
	{0x3041, 0x33ff}, {0x3400, 0x4dbf}, {0x4e00, 0x9fff}, {0xa000, 0xa4cf},
	{0xa960, 0xa97f}, {0xac00, 0xd7a3}, {0xf900, 0xfaff}, {0xfe10, 0xfe19},
	{0xfe30, 0xfe6f}, {0xff00, 0xff60}, {0xffe0, 0xffe6},
	{0x16fe0, 0x16fe4}, {0x17000, 0x18aff}, {0x1b000, 0x1b2ff},
	{0x1f004, 0x1f004}, {0x1f0cf, 0x1f0cf}, {0x1f18e, 0x1f18e},
	{0x1f191, 0x1f19a}, {0x1f200, 0x1f251}, {0x1f300, 0x1f64f},
	{0x1f680, 0x1f6ff}, {0x1f900, 0x1f9ff}, {0x1fa70, 0x1faff},
	{0x20000, 0x3fffd}
};

static int
in_ranges(unsigned long cp, const struct range *r, size_t n)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cp > r[mid].hi)
			lo = mid + 1;
		else if (cp < r[mid].lo)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

size_t
csm_utf8_width(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long cp;
	size_t i = 0, k, w = 0;
	int bad;

	while (i < n) {
		if (u[i] < 0x80) {
			w++;
			i++;
			continue;
		}
		k = csm_utf8_scan(s + i, n - i, &bad);
		if (bad)
			w++;	/* shown as U+FFFD */
		else {
			cp = decode(u + i, k);
			if (in_ranges(cp, wide, sizeof(wide) / sizeof(wide[0])))
				w += 2;
			else if (!in_ranges(cp, zero,
			    sizeof(zero) / sizeof(zero[0])))
				w++;
		}
		i += k;
	}
	return w;
}

void
csm_utf8_replaced(void)
{
	if (warned)
		return;
	warned = 1;
	csm_warn("the input is not valid UTF-8: invalid bytes are written as "
	    "U+FFFD (save the file as CSV UTF-8 to keep every character)");
}

/*
 * t.h: the unit-test harness, one header.  A test file defines its tests as
 * plain functions, lists them in main with T_RUN, and ends with T_END,
 * which prints "N passed, N failed" and returns non-zero on any failure.
 *
 *	static void
 *	test_sum(void)
 *	{
 *		T_EQ_INT(1 + 1, 2);
 *	}
 *	int main(void) { T_RUN(test_sum); T_END(); }
 */
#ifndef T_H
#define T_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int t_pass, t_fail, t_cur_failed;

#define T_FAIL(...) do { \
	fprintf(stderr, "%s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); \
	fputc('\n', stderr); \
	t_cur_failed = 1; \
} while (0)
#define T_OK(c) do { if (!(c)) T_FAIL("failed: %s", #c); } while (0)
#define T_EQ_INT(a, b) do { long long t_a = (a), t_b = (b); \
	if (t_a != t_b) T_FAIL("%s == %lld, want %lld", #a, t_a, t_b); } while (0)
#define T_EQ_STR(a, b) do { const char *t_a = (a), *t_b = (b); \
	if (t_a == NULL || strcmp(t_a, t_b) != 0) \
		T_FAIL("%s == \"%s\", want \"%s\"", #a, t_a ? t_a : "(null)", t_b); \
} while (0)
#define T_EQ_NUM(a, b) do { double t_a = (a), t_b = (b); \
	if (!(fabs(t_a - t_b) <= 1e-9 * (1 + fabs(t_b)))) \
		T_FAIL("%s == %.17g, want %.17g", #a, t_a, t_b); } while (0)
#define T_RUN(fn) do { t_cur_failed = 0; fn(); \
	if (t_cur_failed) { t_fail++; fprintf(stderr, "FAIL %s\n", #fn); } \
	else t_pass++; } while (0)
#define T_END() do { printf("%s: %d passed, %d failed\n", __FILE__, t_pass, t_fail); \
	return t_fail != 0; } while (0)

#endif

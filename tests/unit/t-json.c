/*
 * t-json.c: the JSON writer (json.c): layout by depth, JSON Lines, every
 * value type, numbers that cannot be written (inf, nan: null), string
 * escaping and U+FFFD for invalid UTF-8 with one warning, and every misuse
 * refused with exit 70 before it can write invalid JSON.  The expected
 * texts are written out by hand.
 */
#include <math.h>

#include "csm.h"
#include "t.h"
#include "tcap.h"

/* ---- layout ------------------------------------------------------------ */

static void
test_rows(void)
{
	struct tcap c;
	struct csm_json j;
	char *s;

	/* block 1: the array's members on lines, each row on one */
	tcap_open(&c);
	csm_json_init(&j, &c.o, CSM_JSON_DOC, 1);
	csm_json_arr_begin(&j);
	csm_json_obj_begin(&j);
	csm_json_key(&j, "id");
	csm_json_strz(&j, "A1");
	csm_json_key(&j, "n");
	csm_json_int(&j, 3);
	csm_json_key(&j, "tags");
	csm_json_arr_begin(&j);
	csm_json_strz(&j, "x");
	csm_json_strz(&j, "y");
	csm_json_arr_end(&j);
	csm_json_obj_end(&j);
	csm_json_obj_begin(&j);
	csm_json_key(&j, "id");
	csm_json_strz(&j, "B2");
	csm_json_key(&j, "n");
	csm_json_null(&j);
	csm_json_key(&j, "tags");
	csm_json_arr_begin(&j);
	csm_json_arr_end(&j);
	csm_json_obj_end(&j);
	csm_json_arr_end(&j);
	csm_json_finish(&j);
	s = tcap_read(&c, NULL);
	T_EQ_STR(s, "[\n"
	    "  {\"id\": \"A1\", \"n\": 3, \"tags\": [\"x\", \"y\"]},\n"
	    "  {\"id\": \"B2\", \"n\": null, \"tags\": []}\n"
	    "]\n");
	free(s);

	/* an empty document array, and an empty object */
	tcap_open(&c);
	csm_json_init(&j, &c.o, CSM_JSON_DOC, 1);
	csm_json_arr_begin(&j);
	csm_json_arr_end(&j);
	csm_json_finish(&j);
	s = tcap_read(&c, NULL);
	T_EQ_STR(s, "[]\n");
	free(s);
}

static void
test_nested_blocks(void)
{
	struct tcap c;
	struct csm_json j;
	char *s;

	/* block 3: array, object and the inner array on lines; deeper inline */
	tcap_open(&c);
	csm_json_init(&j, &c.o, CSM_JSON_DOC, 3);
	csm_json_arr_begin(&j);
	csm_json_obj_begin(&j);
	csm_json_key(&j, "a");
	csm_json_strz(&j, "x");
	csm_json_key(&j, "m");
	csm_json_arr_begin(&j);
	csm_json_obj_begin(&j);
	csm_json_key(&j, "k");
	csm_json_int(&j, 1);
	csm_json_key(&j, "l");
	csm_json_bool(&j, 1);
	csm_json_obj_end(&j);
	csm_json_obj_begin(&j);
	csm_json_key(&j, "k");
	csm_json_int(&j, 2);
	csm_json_obj_end(&j);
	csm_json_arr_end(&j);
	csm_json_key(&j, "e");
	csm_json_arr_begin(&j);
	csm_json_arr_end(&j);
	csm_json_key(&j, "f");
	csm_json_arr_begin(&j);
	csm_json_strz(&j, "one");
	csm_json_arr_end(&j);
	csm_json_obj_end(&j);
	csm_json_arr_end(&j);
	csm_json_finish(&j);
	s = tcap_read(&c, NULL);
	T_EQ_STR(s, "[\n"
	    "  {\n"
	    "    \"a\": \"x\",\n"
	    "    \"m\": [\n"
	    "      {\"k\": 1, \"l\": true},\n"
	    "      {\"k\": 2}\n"
	    "    ],\n"
	    "    \"e\": [],\n"
	    "    \"f\": [\n"
	    "      \"one\"\n"
	    "    ]\n"
	    "  }\n"
	    "]\n");
	free(s);
}

static void
test_lines(void)
{
	struct tcap c;
	struct csm_json j;
	char *s;
	int i;

	/* JSON Lines: any number of top-level values, one per line, inline */
	tcap_open(&c);
	csm_json_init(&j, &c.o, CSM_JSON_LINES, 3);
	for (i = 1; i <= 2; i++) {
		csm_json_obj_begin(&j);
		csm_json_key(&j, "i");
		csm_json_int(&j, i);
		csm_json_key(&j, "v");
		csm_json_arr_begin(&j);
		csm_json_num(&j, i / 4.0, 2);
		csm_json_arr_end(&j);
		csm_json_obj_end(&j);
	}
	csm_json_finish(&j);
	s = tcap_read(&c, NULL);
	T_EQ_STR(s, "{\"i\": 1, \"v\": [0.25]}\n{\"i\": 2, \"v\": [0.50]}\n");
	free(s);

	/* no line at all is fine in JSON Lines */
	tcap_open(&c);
	csm_json_init(&j, &c.o, CSM_JSON_LINES, 0);
	csm_json_finish(&j);
	s = tcap_read(&c, NULL);
	T_EQ_STR(s, "");
	free(s);
}

/* ---- values ------------------------------------------------------------ */

static void
test_numbers(void)
{
	struct tcap c;
	struct csm_json j;
	char *s;

	tcap_open(&c);
	csm_json_init(&j, &c.o, CSM_JSON_DOC, 0);
	csm_json_arr_begin(&j);
	csm_json_num(&j, 5, 2);			/* 5.00 */
	csm_json_num(&j, 0.125, 2);		/* half away from 0: 0.13 */
	csm_json_num(&j, -0.001, 2);		/* rounds to 0: "0.00" */
	csm_json_num(&j, 1234.5, 0);		/* 1235 */
	csm_json_real(&j, 0.1805555555, 6);	/* 0.180556 */
	csm_json_real(&j, 12.5000, 6);		/* 12.5 */
	csm_json_real(&j, -0.0000001, 6);	/* -0 -> 0 */
	csm_json_real(&j, 40, 6);		/* 40 */
	csm_json_num(&j, INFINITY, 2);		/* null */
	csm_json_num(&j, -INFINITY, 2);
	csm_json_real(&j, NAN, 6);
	csm_json_num(&j, 1e308, 2);		/* too long for %f: exponent */
	csm_json_num(&j, -1e300, 2);		/* the shortest that reads back */
	csm_json_int(&j, -9007199254740993LL);
	csm_json_cents(&j, -123405);		/* -1234.05 */
	csm_json_cents(&j, 7);			/* 0.07 */
	csm_json_numtext(&j, "84.83", 5);
	csm_json_numtext(&j, "", 0);		/* null */
	csm_json_numtext(&j, "1e+308", 6);
	csm_json_bool(&j, 0);
	csm_json_null(&j);
	csm_json_arr_end(&j);
	csm_json_finish(&j);
	s = tcap_read(&c, NULL);
	T_EQ_STR(s, "[5.00, 0.13, 0.00, 1235, 0.180556, 12.5, 0, 40, null, "
	    "null, null, 1e+308, -1e+300, -9007199254740993, -1234.05, 0.07, 84.83, "
	    "null, 1e+308, false, null]\n");
	free(s);
}

static void
test_is_number(void)
{
	static const char *const good[] = {"0", "-0", "12", "-3.25", "0.5",
		"1e5", "1E+308", "2.5e-3", NULL};
	static const char *const bad[] = {"", "-", "01", "1.", ".5", "+1",
		"1e", "1e+", "inf", "-nan", "NaN", "0x10", "1,000", "1 ", NULL};
	size_t i;

	for (i = 0; good[i] != NULL; i++)
		if (!csm_json_is_number(good[i], strlen(good[i])))
			T_FAIL("\"%s\" is a JSON number", good[i]);
	for (i = 0; bad[i] != NULL; i++)
		if (csm_json_is_number(bad[i], strlen(bad[i])))
			T_FAIL("\"%s\" is not a JSON number", bad[i]);
}

static void
test_strings(void)
{
	static const char in[] = "a\"b\\c/\n\r\t\x01\x1f\x7f\xC3\xA9\0z";
	struct tcap c;
	struct csm_json j;
	char *s;
	size_t n;

	tcap_open(&c);
	csm_json_init(&j, &c.o, CSM_JSON_LINES, 0);
	csm_json_str(&j, in, sizeof(in) - 1);
	csm_json_str(&j, "", 0);
	csm_json_obj_begin(&j);
	csm_json_keyn(&j, "k\"\n", 3);		/* keys are escaped too */
	csm_json_strz(&j, "v");
	csm_json_obj_end(&j);
	csm_json_finish(&j);
	s = tcap_read(&c, &n);
	/* '/', DEL and UTF-8 pass as they are; control bytes as \u00XX */
	T_EQ_INT(n, strlen(s));
	T_EQ_STR(s, "\"a\\\"b\\\\c/\\n\\r\\t\\u0001\\u001f\x7f\xC3\xA9"
	    "\\u0000z\"\n\"\"\n{\"k\\\"\\n\": \"v\"}\n");
	free(s);
}

/* Invalid UTF-8 of several kinds, written twice: one warning. */
static void
bad_utf8(void)
{
	struct csm_out o;
	struct csm_json j;

	csm_out_init(&o, 1, "<stdout>", ',');
	csm_json_init(&j, &o, CSM_JSON_LINES, 0);
	/* Latin-1 e-acute; a lone continuation byte; a 3-byte sequence cut
	 * short (one U+FFFD for both bytes); an overlong "/"; a surrogate;
	 * a sequence cut by the end of the string */
	csm_json_strz(&j, "Caf\xe9");
	csm_json_strz(&j, "a\x80" "b");
	csm_json_strz(&j, "\xe2\x82" "z");
	csm_json_strz(&j, "\xc0\xaf");
	csm_json_strz(&j, "\xed\xa0\x80");
	csm_json_strz(&j, "ok\xf0\x9f\x98");
	csm_json_finish(&j);
	csm_out_close(&o);
}

static void
bad_utf8_key(void)
{
	struct csm_out o;
	struct csm_json j;

	csm_out_init(&o, 1, "<stdout>", ',');
	csm_json_init(&j, &o, CSM_JSON_LINES, 0);
	csm_json_obj_begin(&j);
	csm_json_key(&j, "Caf\xe9");
	csm_json_strz(&j, "\xff");
	csm_json_obj_end(&j);
	csm_json_finish(&j);
	csm_out_close(&o);
}

static void
test_invalid_utf8(void)
{
	struct tcap_child c;

	tcap_run(bad_utf8, &c);
	T_EQ_INT(c.status, 0);
	T_EQ_STR(c.out, "\"Caf\xef\xbf\xbd\"\n"
	    "\"a\xef\xbf\xbd" "b\"\n"
	    "\"\xef\xbf\xbdz\"\n"
	    "\"\xef\xbf\xbd\xef\xbf\xbd\"\n"
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"\n"
	    "\"ok\xef\xbf\xbd\"\n");
	T_EQ_STR(c.err, "t-json: the input is not valid UTF-8: invalid bytes "
	    "are written as U+FFFD (save the file as CSV UTF-8 to keep every "
	    "character)\n");

	tcap_run(bad_utf8_key, &c);
	T_EQ_INT(c.status, 0);
	T_EQ_STR(c.out, "{\"Caf\xef\xbf\xbd\": \"\xef\xbf\xbd\"}\n");
}

/* ---- misuse ------------------------------------------------------------ */

static struct csm_out mo;
static struct csm_json mj;

static void
mstart(int mode)
{
	csm_out_init(&mo, 1, "<stdout>", ',');
	csm_json_init(&mj, &mo, mode, 1);
}

static void
m_value_without_key(void)
{
	mstart(CSM_JSON_DOC);
	csm_json_obj_begin(&mj);
	csm_json_int(&mj, 1);
}

static void
m_key_at_top(void)
{
	mstart(CSM_JSON_LINES);
	csm_json_key(&mj, "k");
}

static void
m_key_in_array(void)
{
	mstart(CSM_JSON_DOC);
	csm_json_arr_begin(&mj);
	csm_json_key(&mj, "k");
}

static void
m_two_keys(void)
{
	mstart(CSM_JSON_DOC);
	csm_json_obj_begin(&mj);
	csm_json_key(&mj, "a");
	csm_json_key(&mj, "b");
}

static void
m_key_without_value(void)
{
	mstart(CSM_JSON_DOC);
	csm_json_obj_begin(&mj);
	csm_json_key(&mj, "a");
	csm_json_obj_end(&mj);
}

static void
m_wrong_end(void)
{
	mstart(CSM_JSON_DOC);
	csm_json_arr_begin(&mj);
	csm_json_obj_end(&mj);
}

static void
m_end_nothing(void)
{
	mstart(CSM_JSON_LINES);
	csm_json_arr_end(&mj);
}

static void
m_second_document(void)
{
	mstart(CSM_JSON_DOC);
	csm_json_int(&mj, 1);
	csm_json_int(&mj, 2);
}

static void
m_unfinished(void)
{
	mstart(CSM_JSON_DOC);
	csm_json_arr_begin(&mj);
	csm_json_finish(&mj);
}

static void
m_empty_document(void)
{
	mstart(CSM_JSON_DOC);
	csm_json_finish(&mj);
}

static void
m_bad_numtext(void)
{
	mstart(CSM_JSON_LINES);
	csm_json_numtext(&mj, "-nan", 4);
}

static void
m_too_deep(void)
{
	int i;

	mstart(CSM_JSON_LINES);
	for (i = 0; i <= CSM_JSON_MAXDEPTH; i++)
		csm_json_arr_begin(&mj);
}

static void
test_misuse(void)
{
	static const struct tcap_misuse cases[] = {
		{m_value_without_key, "a value in an object without its key"},
		{m_key_at_top, "a key outside an object"},
		{m_key_in_array, "a key in an array"},
		{m_two_keys, "two keys in a row"},
		{m_key_without_value, "a key without its value"},
		{m_wrong_end, "the end of an object that is not open"},
		{m_end_nothing, "the end of an array that is not open"},
		{m_second_document, "a second value at the top of a document"},
		{m_unfinished, "a container left open"},
		{m_empty_document, "a document without its value"},
		{m_bad_numtext, "number text that is not a JSON number"},
		{m_too_deep, "nested too deep"},
	};

	tcap_misuse(cases, sizeof(cases) / sizeof(cases[0]),
	    "t-json: internal error: JSON writer");
}

int
main(int argc, char *argv[])
{
	(void)argc;
	csm_setprogname(argv[0]);
	T_RUN(test_rows);
	T_RUN(test_nested_blocks);
	T_RUN(test_lines);
	T_RUN(test_numbers);
	T_RUN(test_is_number);
	T_RUN(test_strings);
	T_RUN(test_invalid_utf8);
	T_RUN(test_misuse);
	T_END();
}

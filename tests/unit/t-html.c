/*
 * t-html.c: HTML (html.c): escaping for text and attributes, invalid UTF-8
 * as U+FFFD, and the page skeleton around the shared stylesheet.
 */
#include "csm.h"
#include "t.h"
#include "tcap.h"

static void
test_escaping(void)
{
	struct tcap c;
	char *s;

	tcap_open(&c);
	csm_html_escz(&c.o, "<script>alert('x' & \"y\")</script>");
	csm_html_esc(&c.o, "|\xc3\xa9\0|", 5);	/* UTF-8 and NUL kept */
	s = tcap_read(&c, NULL);
	T_EQ_STR(s, "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)"
	    "&lt;/script&gt;|\xc3\xa9");
	free(s);
}

static void
latin1(void)
{
	struct csm_out o;

	csm_out_init(&o, 1, "<stdout>", ',');
	csm_html_escz(&o, "Caf\xe9 & \x80<");
	csm_out_close(&o);
}

static void
test_invalid_utf8(void)
{
	struct tcap_child c;

	tcap_run(latin1, &c);
	T_EQ_INT(c.status, 0);
	T_EQ_STR(c.out, "Caf\xef\xbf\xbd &amp; \xef\xbf\xbd&lt;");
	T_EQ_STR(c.err, "t-html: the input is not valid UTF-8: invalid bytes "
	    "are written as U+FFFD (save the file as CSV UTF-8 to keep every "
	    "character)\n");
}

static void
test_page(void)
{
	static const char head[] = "<!DOCTYPE html>\n<html lang=\"en\">\n"
	    "<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<title>A &amp; B: QBR</title>\n<style>\n";
	static const char tail[] = "p{x:1}\n</style>\n</head>\n<body>\n"
	    "<p>hi</p>\n</body>\n</html>\n";
	struct tcap c;
	size_t n, css = strlen(csm_html_css);
	char *s;

	tcap_open(&c);
	csm_html_begin(&c.o, "A & B: QBR", "p{x:1}\n");
	csm_out_puts(&c.o, "<p>hi</p>\n");
	csm_html_end(&c.o);
	s = tcap_read(&c, &n);
	/* head, the shared stylesheet, the page's own rules, the body */
	T_EQ_INT(n, sizeof(head) - 1 + css + sizeof(tail) - 1);
	T_OK(memcmp(s, head, sizeof(head) - 1) == 0);
	T_OK(memcmp(s + sizeof(head) - 1, csm_html_css, css) == 0);
	T_EQ_STR(s + sizeof(head) - 1 + css, tail);
	free(s);
	/* the stylesheet prints on A4 and fetches nothing */
	T_OK(strstr(csm_html_css, "@page{size:A4") != NULL);
	T_OK(strstr(csm_html_css, "url(") == NULL);
	T_OK(strstr(csm_html_css, "@import") == NULL);

	tcap_open(&c);
	csm_html_begin(&c.o, "t", NULL);
	s = tcap_read(&c, &n);
	T_OK(n > css && strcmp(s + n - 24, "</style>\n</head>\n<body>\n") == 0);
	free(s);
}

int
main(int argc, char *argv[])
{
	(void)argc;
	csm_setprogname(argv[0]);
	T_RUN(test_escaping);
	T_RUN(test_invalid_utf8);
	T_RUN(test_page);
	T_END();
}

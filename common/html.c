/*
 * html.c: HTML pages.  Every page is one self-contained document (inline
 * CSS and SVG, no scripts, no remote resources) with the one shared
 * stylesheet, so that reports from every tool look alike and print well:
 * a page section (.qbr), KPI cards (.kpi), lists in cards (.card.good,
 * .card.gap), metric cards with a chart (.metric), tables with numeric
 * columns (td.n) and status badges (.st-met, .st-missed, .band-red...).
 * Text from the data is escaped for text and attribute values alike, and
 * invalid UTF-8 becomes U+FFFD (utf8.c).
 */
#include <string.h>

#include "csm.h"

/* The shared stylesheet, in every page. */
const char csm_html_css[] =
    "*{box-sizing:border-box}\n"
    "html{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "body{margin:0;background:#eef1f5;color:#1f2937;font:14px/1.45 "
    "-apple-system,BlinkMacSystemFont,\"Segoe UI\",Roboto,\"Helvetica Neue\","
    "Arial,sans-serif}\n"
    ".qbr{max-width:1000px;margin:24px auto;background:#fff;padding:36px 44px;"
    "border-radius:10px;box-shadow:0 1px 3px rgba(15,23,42,.08),"
    "0 8px 24px rgba(15,23,42,.06)}\n"
    ".qbr>header{border-bottom:3px solid #1e3a5f;padding-bottom:14px;"
    "margin-bottom:22px}\n"
    ".eyebrow{text-transform:uppercase;letter-spacing:.08em;font-size:11px;"
    "font-weight:600;color:#64748b}\n"
    "h1{margin:4px 0 2px;font-size:28px;color:#0f172a;font-weight:700}\n"
    ".sub{color:#64748b;font-size:13px}\n"
    "h2{font-size:13px;text-transform:uppercase;letter-spacing:.07em;"
    "color:#1e3a5f;margin:26px 0 10px}\n"
    ".kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}\n"
    ".kpi{border:1px solid #e2e8f0;border-radius:8px;padding:12px 14px;"
    "background:#f8fafc}\n"
    ".kpi .k{font-size:11px;text-transform:uppercase;letter-spacing:.06em;"
    "color:#64748b;font-weight:600}\n"
    ".kpi .v{font-size:22px;font-weight:700;color:#0f172a;margin-top:2px}\n"
    ".kpi .d{font-size:12px;color:#64748b}\n"
    ".kpi.roi{background:#1e3a5f;border-color:#1e3a5f}\n"
    ".kpi.roi .k,.kpi.roi .d{color:#cbd5e1}.kpi.roi .v{color:#fff}\n"
    ".band{display:inline-block;font-size:11px;font-weight:600;padding:1px 8px;"
    "border-radius:10px;vertical-align:middle;background:#e2e8f0;color:#334155;"
    "text-transform:uppercase;letter-spacing:.04em}\n"
    ".band-green{background:#dcfce7;color:#166534}"
    ".band-yellow{background:#fef9c3;color:#854d0e}"
    ".band-red{background:#fee2e2;color:#991b1b}\n"
    ".cols{display:grid;grid-template-columns:1fr 1fr;gap:16px;"
    "margin-top:16px}\n"
    ".card{border-radius:8px;padding:4px 16px 10px;border:1px solid #e2e8f0}\n"
    ".card.good{border-left:4px solid #16a34a}"
    ".card.gap{border-left:4px solid #dc2626}\n"
    ".card h2{margin-top:12px}\n"
    ".card ul{margin:0;padding-left:18px}.card li{margin:4px 0}\n"
    ".none{color:#94a3b8;font-style:italic}\n"
    ".metrics{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}\n"
    ".metric{border:1px solid #e2e8f0;border-radius:8px;padding:10px 12px 8px;"
    "break-inside:avoid}\n"
    ".mh{display:flex;justify-content:space-between;align-items:center;"
    "font-size:12px;color:#475569;font-weight:600}\n"
    ".mv{font-size:20px;font-weight:700;color:#0f172a;margin:2px 0}\n"
    ".chg{font-size:12px;font-weight:600;margin-left:6px}\n"
    ".chg.better{color:#15803d}.chg.worse{color:#b91c1c}"
    ".chg.flat{color:#64748b}\n"
    ".st{font-size:10px;font-weight:700;text-transform:uppercase;"
    "letter-spacing:.05em;padding:1px 7px;border-radius:9px}\n"
    ".st-met{background:#dcfce7;color:#166534}"
    ".st-missed{background:#fee2e2;color:#991b1b}"
    ".st-none{background:#f1f5f9;color:#64748b}\n"
    ".metric svg{display:block;width:100%;height:auto;margin:4px 0 2px}\n"
    ".mt{font-size:11px;color:#64748b}\n"
    "table{border-collapse:collapse;width:100%;font-size:13px}\n"
    "th,td{padding:7px 10px;border-bottom:1px solid #e2e8f0;text-align:left}\n"
    "th{font-size:11px;text-transform:uppercase;letter-spacing:.05em;"
    "color:#64748b;font-weight:600}\n"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "tr.total td{font-weight:700;border-bottom:2px solid #1e3a5f}\n"
    ".value-summary{font-size:15px;margin:0 0 8px}\n"
    "ol.focus{margin:0;padding-left:22px}ol.focus li{margin:5px 0}\n"
    "footer{margin-top:26px;font-size:11px;color:#94a3b8;"
    "border-top:1px solid #e2e8f0;padding-top:8px}\n"
    "@page{size:A4;margin:12mm}\n"
    "@media print{body{background:#fff;font-size:12px}"
    ".qbr{box-shadow:none;margin:0;max-width:none;padding:0;border-radius:0;"
    "break-after:page;page-break-after:always}"
    ".qbr:last-of-type{break-after:auto;page-break-after:auto}"
    ".metric,.card,.kpi,table{break-inside:avoid;page-break-inside:avoid}}\n"
    "@media (max-width:720px){.kpis{grid-template-columns:1fr 1fr}"
    ".cols,.metrics{grid-template-columns:1fr}.qbr{padding:20px}}\n";

void
csm_html_esc(struct csm_out *o, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, k;
	const char *ent;
	int bad;

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
		switch (u[i]) {
		case '&':
			ent = "&amp;";
			break;
		case '<':
			ent = "&lt;";
			break;
		case '>':
			ent = "&gt;";
			break;
		case '"':
			ent = "&quot;";
			break;
		case '\'':
			ent = "&#39;";
			break;
		default:
			i++;
			continue;
		}
		csm_out_write(o, s + start, i - start);
		csm_out_puts(o, ent);
		start = ++i;
	}
	csm_out_write(o, s + start, n - start);
}

void
csm_html_escz(struct csm_out *o, const char *s)
{
	csm_html_esc(o, s, strlen(s));
}

void
csm_html_begin(struct csm_out *o, const char *title, const char *css)
{
	csm_out_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	csm_html_escz(o, title);
	csm_out_puts(o, "</title>\n<style>\n");
	csm_out_puts(o, csm_html_css);
	if (css != NULL)
		csm_out_puts(o, css);
	csm_out_puts(o, "</style>\n</head>\n<body>\n");
}

void
csm_html_end(struct csm_out *o)
{
	csm_out_puts(o, "</body>\n</html>\n");
}

/* report_html.h - the HTML every part of the report page writes (the page
 * in report.c, its sections in report_sections.c and report_scaling.c):
 * text escaped, a cell, and a chart's SVG inlined as a figure. Not for
 * other modules: use report.h. */
#ifndef POOLBENCH_REPORT_HTML_H
#define POOLBENCH_REPORT_HTML_H

#include <stddef.h>

#include "plot.h"
#include "strbuf.h"

/* The largest chart the page inlines or copies beside itself. */
#define REPORT_SVG_MAX (16u * 1024 * 1024)

/* Append text with & < > " ' escaped. */
void report_html_text(struct strbuf *b, const char *text);

/* Append <tag>text</tag>, text escaped. */
void report_html_cell(struct strbuf *b, const char *tag, const char *text);

/* Append chart c (its SVG in dir, inlined) as a figure; number makes its
 * ids unique in the page. Returns 0, or -1 with a message. */
int report_figure(struct strbuf *b, const char *dir,
                  const struct plot_chart *c, size_t number, char *err,
                  size_t err_len);

#endif /* POOLBENCH_REPORT_HTML_H */

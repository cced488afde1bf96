/* report_html.c - the HTML every part of the report page writes: text
 * escaped, a cell, and a chart inlined as a figure (report_html.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report_html.h"

/* ---- HTML --------------------------------------------------------------- */

void report_html_text(struct strbuf *b, const char *text)
{
    /* Runs of plain characters in one append: a page of 100,000 rows. */
    for (const char *s = text; s != NULL && *s != '\0';) {
        size_t n = strcspn(s, "&<>\"'");
        strbuf_append(b, s, n);
        s += n;
        switch (*s) {
        case '&': strbuf_append(b, "&amp;", 5); break;
        case '<': strbuf_append(b, "&lt;", 4); break;
        case '>': strbuf_append(b, "&gt;", 4); break;
        case '"': strbuf_append(b, "&quot;", 6); break;
        case '\'': strbuf_append(b, "&#39;", 5); break;
        default: continue;
        }
        s++;
    }
}

void report_html_cell(struct strbuf *b, const char *tag, const char *text)
{
    strbuf_printf(b, "<%s>", tag);
    report_html_text(b, text);
    strbuf_printf(b, "</%s>", tag);
}

/* ---- charts, inlined ---------------------------------------------------- */

/* Append the SVG in path, its ids prefixed so that several charts can
 * live in one page without clashing. */
static int inline_svg(struct strbuf *b, const char *path,
                      const char *prefix, char *err, size_t err_len)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, err_len, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size > REPORT_SVG_MAX) {
        fclose(f);
        snprintf(err, err_len, "%s: not a chart of at most %u bytes", path,
                 REPORT_SVG_MAX);
        return -1;
    }
    char *text = malloc((size_t)st.st_size + 1);
    size_t len = text != NULL ? fread(text, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (text == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    text[len] = '\0';
    char *s = strstr(text, "<svg");
    if (s == NULL) {
        free(text);
        snprintf(err, err_len, "%s: no <svg> element", path);
        return -1;
    }
    /* gnuplot repeats its group ids (gnuplot_plot_N) within one chart;
     * nothing refers to them, so they are dropped (marks[0]). */
    static const char *const marks[] = {
        " id=\"gnuplot_plot_", "id='", "id=\"", "href='#", "href=\"#",
        "url(#",
    };
    enum { NMARKS = sizeof(marks) / sizeof(marks[0]) };
    /* Each mark's next place at or after s, searched again only once s
     * has passed it: a search per mark per step scanned a large chart
     * to its end for every id in it. */
    char *next[NMARKS];
    for (size_t m = 0; m < NMARKS; m++)
        next[m] = strstr(s, marks[m]);
    while (*s != '\0') {
        size_t best = strlen(s), which = 0;
        for (size_t m = 0; m < NMARKS; m++) {
            if (next[m] != NULL && next[m] < s)
                next[m] = strstr(s, marks[m]);
            if (next[m] != NULL && (size_t)(next[m] - s) < best) {
                best = (size_t)(next[m] - s);
                which = m;
            }
        }
        strbuf_printf(b, "%.*s", (int)best, s);
        s += best;
        if (*s == '\0')
            break;
        s += strlen(marks[which]);
        if (which == 0) {
            char *end = strchr(s, '"');
            s = end != NULL ? end + 1 : s + strlen(s);
            continue;
        }
        strbuf_printf(b, "%s%s-", marks[which], prefix);
    }
    free(text);
    return 0;
}

/* Append s with every byte outside [A-Za-z0-9._~/-] percent-encoded: a
 * file name as a relative URL. */
static void html_href(struct strbuf *b, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
            (*c >= '0' && *c <= '9') || strchr("._~/-", *c) != NULL)
            strbuf_printf(b, "%c", *c);
        else
            strbuf_printf(b, "%%%02X", *c);
    }
}

/* One chart as a figure, its SVG inlined, sized to its column, and linked
 * to its full-size file: dir is the charts' folder beside the page. A
 * chart still in a hidden folder (the private drawing folder, removed
 * afterwards: the page goes to a device) gets no link. */
int report_figure(struct strbuf *b, const char *dir,
                  const struct plot_chart *c, size_t number, char *err,
                  size_t err_len)
{
    char svg[4400], prefix[32];
    const char *base = strrchr(dir, '/');
    base = base != NULL ? base + 1 : dir;
    int link = base[0] != '.' && base[0] != '\0';
    snprintf(svg, sizeof(svg), "%s/%s.svg", dir, c->name);
    snprintf(prefix, sizeof(prefix), "c%zu", number);
    strbuf_printf(b, "<figure id=\"chart-");
    report_html_text(b, c->name);
    strbuf_printf(b, "\" class=\"chart ");
    report_html_text(b, c->kind);
    strbuf_printf(b, "\">\n");
    if (link) {
        strbuf_printf(b, "<a class=\"full\" href=\"");
        html_href(b, base);
        strbuf_printf(b, "/");
        html_href(b, c->name);
        strbuf_printf(b, ".svg\">");
    }
    if (inline_svg(b, svg, prefix, err, err_len) != 0)
        return -1;
    strbuf_printf(b, "%s\n<figcaption>", link ? "</a>" : "");
    report_html_text(b, c->title);
    strbuf_printf(b, " (<code>");
    if (link) {
        report_html_text(b, base);
        strbuf_printf(b, "/");
    }
    report_html_text(b, c->name);
    strbuf_printf(b, ".svg</code>%s)</figcaption>\n</figure>\n",
                  link ? ", full size: click the chart" : "");
    return 0;
}

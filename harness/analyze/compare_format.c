/* compare_format.c - the output formats of `poolbench compare`: a table
 * of {name, print function}, so that a format is one function and one
 * line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare_impl.h"
#include "textesc.h"

/* ---- cells ------------------------------------------------------------- */

/* A value of the compared metric in its unit. */
static void fmt_value(const struct compare_options *o, double v, char *buf,
                      size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else if (o->normalize_speedup)
        snprintf(buf, len, "%.2fx", v);
    else if (o->metric == COMPARE_NS_PER_TASK)
        snprintf(buf, len, "%.1f ns", v);
    else if (v < 1e-6)
        snprintf(buf, len, "%.0f ns", v * 1e9);
    else if (v < 1e-3)
        snprintf(buf, len, "%.1f us", v * 1e6);
    else if (v < 1.0)
        snprintf(buf, len, "%.3f ms", v * 1e3);
    else
        snprintf(buf, len, "%.3f s", v);
}

static void fmt_p(double p, char *buf, size_t len)
{
    if (p >= 0.001)
        snprintf(buf, len, "%.3f", p);
    else
        snprintf(buf, len, "%.1e", p);
}

enum {
    C_WORKLOAD, C_EXECUTOR, C_WORKERS, C_MODE, C_CHUNK, C_N, C_BASE, C_NEW,
    C_RATIO, C_CI, C_P, C_PADJ, C_VERDICT, NCOLS
};

static const char *const col_heads[NCOLS] = {
    "workload", "executor", "j", "mode", "chunk", "n", "base", "new",
    "ratio", "95% CI", "p", "adj p", "verdict",
};

/* Right-aligned columns (numbers). */
static const int col_right[NCOLS] = {
    0, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 0,
};

/* One table row of text cells. */
struct cells {
    char c[NCOLS][320];
};

/* "2", or "2 (cpus)" when the count was given relative to the machine
 * and matched that way. */
static void workers_cell(const struct compare_report *r,
                         const struct results_row *row, char *buf,
                         size_t len)
{
    const char *spec = compare_workers_spec(row);
    char num[32];
    snprintf(num, sizeof(num), "%u", row->workers);
    if (r->match_spec && spec != NULL && strcmp(spec, num) != 0)
        snprintf(buf, len, "%u (%s)", row->workers, spec);
    else
        snprintf(buf, len, "%s", num);
}

static void match_cells(const struct compare_report *r,
                        const struct compare_match *m, struct cells *out)
{
    const struct results_row *row = m->base;
    memset(out, 0, sizeof(*out));
    view_instance_label(row, out->c[C_WORKLOAD], sizeof(out->c[0]));
    view_executor_label(row, out->c[C_EXECUTOR], sizeof(out->c[0]));
    workers_cell(r, row, out->c[C_WORKERS], sizeof(out->c[0]));
    snprintf(out->c[C_MODE], sizeof(out->c[0]), "%s", row->mode);
    if (row->chunk_auto && m->new_row->chunk != row->chunk)
        snprintf(out->c[C_CHUNK], sizeof(out->c[0]), "auto");
    else
        snprintf(out->c[C_CHUNK], sizeof(out->c[0]), "%llu",
                 (unsigned long long)row->chunk);
    if (m->bv != NULL)
        snprintf(out->c[C_N], sizeof(out->c[0]), "%zu/%zu", m->nb, m->nn);
    else
        snprintf(out->c[C_N], sizeof(out->c[0]), "-");
    /* A row compared per task shows per-task time. */
    struct compare_options o = r->opt;
    if (m->per_task)
        o.metric = COMPARE_NS_PER_TASK;
    fmt_value(&o, m->base_median, out->c[C_BASE], sizeof(out->c[0]));
    fmt_value(&o, m->new_median, out->c[C_NEW], sizeof(out->c[0]));
    if (isnan(m->ratio))
        snprintf(out->c[C_RATIO], sizeof(out->c[0]), "-");
    else
        snprintf(out->c[C_RATIO], sizeof(out->c[0]), "%.3f", m->ratio);
    if (isnan(m->ci_low))
        snprintf(out->c[C_CI], sizeof(out->c[0]), "-");
    else
        snprintf(out->c[C_CI], sizeof(out->c[0]), "[%.3f, %.3f]%s",
                 m->ci_low, m->ci_high, m->ci_short ? "*" : "");
    if (m->tested)
        fmt_p(m->mwu.p, out->c[C_P], sizeof(out->c[0]));
    else
        snprintf(out->c[C_P], sizeof(out->c[0]), "-");
    if (m->in_family)
        fmt_p(m->p_adj, out->c[C_PADJ], sizeof(out->c[0]));
    else
        snprintf(out->c[C_PADJ], sizeof(out->c[0]), "-");
    compare_verdict_text(r, m, out->c[C_VERDICT], sizeof(out->c[0]));
}

/* Escape the header's values and a row's cells in place. */
static void header_safe(struct compare_header_line *h, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        results_term_safe(h[k].base, sizeof(h[k].base));
        results_term_safe(h[k].new_v, sizeof(h[k].new_v));
    }
}

static void cells_safe(struct cells *c)
{
    for (int k = 0; k < NCOLS; k++)
        results_term_safe(c->c[k], sizeof(c->c[k]));
}

/* ---- text -------------------------------------------------------------- */

/* The gate's rule in words: "slower by more than 5% with holm-adjusted
 * p < 0.01, outside the spread of 5 base runs". */
static void rule_text(const struct compare_report *r, char *buf, size_t len)
{
    const struct compare_options *o = &r->opt;
    int n = snprintf(buf, len, "slower by more than %g%%%s with %s%s p < %g",
                     o->threshold_pct, o->gate_on_ci ? " (95% CI bound)"
                                                     : "",
                     o->correction == COMPARE_NONE
                         ? "unadjusted"
                         : compare_correction_name(o->correction),
                     o->correction == COMPARE_NONE ? "" : "-adjusted",
                     o->alpha);
    if (r->nbases > 1 && n > 0 && (size_t)n < len)
        snprintf(buf + n, len - n, ", outside the spread of %zu base runs",
                 r->nbases);
}

/* What was not compared, in words: "2 not tested, 1 only in base". */
static void missing_text(const struct compare_report *r, char *buf,
                         size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t v = 0; v < COMPARE_NVERDICTS && n < len; v++) {
        if (v == COMPARE_SAME || v == COMPARE_FASTER ||
            v == COMPARE_SLOWER || v == COMPARE_BASELINE ||
            r->by_verdict[v] == 0)
            continue;
        n += (size_t)snprintf(buf + n, len - n, "%s%zu %s", n ? ", " : "",
                              r->by_verdict[v],
                              compare_verdict_name((enum compare_verdict)v));
    }
    if (r->nonly_base > 0 && n < len)
        n += (size_t)snprintf(buf + n, len - n, "%s%zu only in base",
                              n ? ", " : "", r->nonly_base);
    if (r->nonly_new > 0 && n < len)
        snprintf(buf + n, len - n, "%s%zu only in new", n ? ", " : "",
                 r->nonly_new);
}

static void gate_line(FILE *f, const struct compare_report *r,
                      const char *bold, const char *plain)
{
    char rule[256], why[512];
    rule_text(r, rule, sizeof(rule));
    missing_text(r, why, sizeof(why));
    if (r->regressions == 0 && r->cannot_fire) {
        compare_cannot_fire_text(r, why, sizeof(why));
        fprintf(f, "%sgate: FAILED%s: %s\n", bold, plain, why);
    } else if (r->regressions == 0 && !compare_complete(r))
        fprintf(f, "%sgate: %s%s: %zu of %zu configurations not compared "
                "(%s)%s\n", bold, r->opt.allow_unmatched ? "passed"
                                                         : "FAILED", plain,
                r->nconfigs - r->ncompared, r->nconfigs, why,
                r->opt.allow_unmatched ? ", allowed by --allow-unmatched"
                                       : "; --allow-unmatched accepts "
                                         "that");
    else if (r->regressions > 0)
        fprintf(f, "%sgate: FAILED%s: %zu configuration%s %s\n", bold, plain,
                r->regressions, r->regressions == 1 ? "" : "s", rule);
    else
        fprintf(f, "%sgate: passed%s: no configuration %s\n", bold, plain,
                rule);
}

/* "9 matched: 2 faster, 1 slower, ...". */
static void counts_line(FILE *f, const struct compare_report *r)
{
    fprintf(f, "%zu matched:", r->nmatches);
    const char *sep = " ";
    for (size_t v = 0; v < COMPARE_NVERDICTS; v++) {
        if (r->by_verdict[v] == 0)
            continue;
        fprintf(f, "%s%zu %s", sep, r->by_verdict[v],
                compare_verdict_name((enum compare_verdict)v));
        sep = ", ";
    }
    fprintf(f, "; %zu only in base, %zu only in new\n", r->nonly_base,
            r->nonly_new);
}

/* The machines side by side, then what the numbers are. */
static void text_header(FILE *f, const struct compare_report *r,
                        const char *bold, const char *plain)
{
    struct compare_header_line h[COMPARE_HEADER_MAX];
    size_t nh = compare_header_lines(r, h, sizeof(h) / sizeof(h[0]));
    header_safe(h, nh);
    int wk = 0, wb = 4;
    for (size_t k = 0; k < nh; k++) {
        if ((int)strlen(h[k].key) > wk)
            wk = (int)strlen(h[k].key);
        if ((int)strlen(h[k].base) > wb)
            wb = (int)strlen(h[k].base);
    }
    fprintf(f, "  %-*s  %-*s  %s\n", wk, "", wb, "base", "new");
    for (size_t k = 0; k < nh; k++)
        fprintf(f, "%s %-*s  %-*s  %s%s%s\n", h[k].differs ? "*" : " ", wk,
                h[k].key, wb, h[k].base, h[k].differs ? bold : "",
                h[k].new_v, h[k].differs ? plain : "");
    for (int side = 0; side < 2; side++) {
        const struct results_file *rf = side ? r->new_file : r->base;
        size_t used = compare_machines_used(rf);
        char path[512];
        if (used > 1)
            fprintf(f, "  (%s holds runs of %zu machines; the first is "
                    "shown)\n", textesc_ctl(rf->path, path, sizeof(path)),
                    used);
    }
    fprintf(f, "  (* differs)\n\n");
    fprintf(f, "metric: %s\nratio = new / base, 95%% CI by Hodges-Lehmann "
            "(Moses); p = two-sided Mann-Whitney U; adj p = %s over %zu "
            "tested\n", compare_metric_doc(&r->opt),
            compare_correction_name(r->opt.correction), r->ntested);
    if (r->nbases > 1)
        fprintf(f, "base: the samples of %zu runs pooled; a regression must "
                "also lie outside the runs' 95%% prediction interval\n",
                r->nbases);
    fputc('\n', f);
}

/* Every match as an aligned row; the verdict of a regression in bold. */
static int text_rows(FILE *f, const struct compare_report *r,
                     const char *bold, const char *plain)
{
    /* The cells are made twice, for the widths and then for printing:
     * kept for every row they cost kilobytes a row, gigabytes for a
     * fleet's 100,000. */
    struct cells *cells = malloc(sizeof(*cells));
    if (cells == NULL)
        return -1;
    int w[NCOLS];
    for (int c = 0; c < NCOLS; c++)
        w[c] = (int)strlen(col_heads[c]);
    for (size_t k = 0; k < r->nmatches; k++) {
        match_cells(r, &r->matches[k], cells);
        cells_safe(cells);
        for (int c = 0; c < NCOLS; c++)
            if ((int)strlen(cells->c[c]) > w[c])
                w[c] = (int)strlen(cells->c[c]);
    }
    for (int c = 0; c < NCOLS; c++)
        fprintf(f, "%s%*s", c ? "  " : "",
                c == NCOLS - 1 ? 0 : (col_right[c] ? w[c] : -w[c]),
                col_heads[c]);
    fputc('\n', f);
    for (size_t k = 0; k < r->nmatches; k++) {
        const struct compare_match *m = &r->matches[k];
        match_cells(r, m, cells);
        cells_safe(cells);
        for (int c = 0; c < NCOLS; c++) {
            int hi = c == C_VERDICT && m->regression;
            fprintf(f, "%s%s%*s%s", c ? "  " : "", hi ? bold : "",
                    c == NCOLS - 1 ? 0 : (col_right[c] ? w[c] : -w[c]),
                    cells->c[c], hi ? plain : "");
        }
        fputc('\n', f);
    }
    free(cells);
    return 0;
}

/* Each match's note as "OPEN label CLOSE: note", after head once (text
 * and markdown share it); labels and notes made terminal-safe. */
static void print_notes(FILE *f, const struct compare_report *r,
                        const char *head, const char *open,
                        const char *close)
{
    int notes = 0;
    for (size_t k = 0; k < r->nmatches; k++) {
        const struct compare_match *m = &r->matches[k];
        if (m->note[0] == '\0')
            continue;
        char label[512], note[sizeof(m->note)];
        view_config_label(m->base, label, sizeof(label));
        results_term_safe(label, sizeof(label));
        fprintf(f, "%s%s%s%s: %s\n", notes++ ? "" : head, open, label,
                close, textesc_ctl(m->note, note, sizeof(note)));
    }
}

/* The notes of the matches, and the rows only one side has. */
static void text_notes(FILE *f, const struct compare_report *r)
{
    int starred = 0;
    for (size_t k = 0; k < r->nmatches; k++)
        starred |= r->matches[k].ci_short;
    if (starred)
        fprintf(f, "* too few samples for a 95%% interval: [min, max] of "
                "the ratios\n");
    print_notes(f, r, "\nnotes:\n", "  ", "");
    for (int side = 0; side < 2; side++) {
        size_t n = side ? r->nonly_new : r->nonly_base;
        const struct results_row **only = side ? r->only_new : r->only_base;
        if (n == 0)
            continue;
        char name[512];
        fprintf(f, "\nonly in %s (%zu, not compared):\n",
                textesc_ctl(side ? r->new_name : r->base_name, name,
                          sizeof(name)), n);
        for (size_t k = 0; k < n; k++) {
            char label[512];
            view_config_label(only[k], label, sizeof(label));
            results_term_safe(label, sizeof(label));
            fprintf(f, "  %s\n", label);
        }
    }
}

static int print_text(FILE *f, const struct compare_report *r)
{
    int tty = isatty(fileno(f));
    const char *bold = tty ? "\033[1m" : "", *plain = tty ? "\033[0m" : "";
    char count[128];
    compare_count_text(r, count, sizeof(count));
    fprintf(f, "%s\n", count);
    text_header(f, r, bold, plain);
    if (text_rows(f, r, bold, plain) != 0)
        return -1;
    text_notes(f, r);
    fputc('\n', f);
    counts_line(f, r);
    gate_line(f, r, bold, plain);
    return 0;
}

/* ---- markdown ---------------------------------------------------------- */

/* A table cell: '|' escaped, newlines flattened. */
static void md_cell(FILE *f, const char *s, int bold)
{
    fputs(bold ? " **" : " ", f);
    for (const char *p = s; *p; p++) {
        if (*p == '|')
            fputs("\\|", f);
        else if (*p == '\n' || *p == '\r')
            fputc(' ', f);
        else
            fputc(*p, f);
    }
    fputs(bold ? "** |" : " |", f);
}

/* The header row and alignment row of the results table. */
static void md_table_head(FILE *f)
{
    fputc('|', f);
    for (int c = 0; c < NCOLS; c++)
        md_cell(f, col_heads[c], 0);
    fputs("\n|", f);
    for (int c = 0; c < NCOLS; c++)
        fputs(col_right[c] ? " ---: |" : " --- |", f);
    fputc('\n', f);
}

static void md_table_row(FILE *f, const struct compare_report *r,
                         const struct compare_match *m)
{
    struct cells cells;
    match_cells(r, m, &cells);
    cells_safe(&cells);
    fputc('|', f);
    for (int c = 0; c < NCOLS; c++)
        md_cell(f, cells.c[c], c == C_VERDICT &&
                (m->regression || m->verdict == COMPARE_FAILED));
    fputc('\n', f);
}

/* A row worth showing outside the fold: a significant change, or any
 * row that was not compared (never hidden). */
static int md_changed(const struct compare_match *m)
{
    return m->verdict != COMPARE_SAME && m->verdict != COMPARE_BASELINE;
}

/* Regressed rows named in the verdict line, at most. */
#define MD_NAMED_MAX 10

/* The first line: the verdict, naming the regressed rows. */
static void md_verdict(FILE *f, const struct compare_report *r)
{
    char rule[256], why[512];
    rule_text(r, rule, sizeof(rule));
    if (r->regressions == 0 && r->cannot_fire) {
        compare_cannot_fire_text(r, why, sizeof(why));
        fprintf(f, "**Gate: failed**: %s.\n\n", why);
        return;
    }
    if (r->regressions == 0 && !compare_complete(r)) {
        missing_text(r, why, sizeof(why));
        fprintf(f, "**Gate: %s**: %zu of %zu configurations not compared "
                "(%s)%s.\n\n", r->opt.allow_unmatched ? "passed" : "failed",
                r->nconfigs - r->ncompared, r->nconfigs, why,
                r->opt.allow_unmatched ? ", allowed by --allow-unmatched"
                                       : "");
        return;
    }
    if (r->regressions == 0) {
        fprintf(f, "**Gate: passed**: no configuration %s.\n\n", rule);
        return;
    }
    fprintf(f, "**Gate: failed**: %zu configuration%s %s:", r->regressions,
            r->regressions == 1 ? "" : "s", rule);
    size_t named = 0;
    for (size_t k = 0; k < r->nmatches && named < MD_NAMED_MAX; k++) {
        if (!r->matches[k].regression)
            continue;
        char label[512];
        view_config_label(r->matches[k].base, label, sizeof(label));
        results_term_safe(label, sizeof(label));
        fprintf(f, "%s `%s` (%+.1f%%)", named++ ? "," : "", label,
                (r->opt.normalize_speedup ? 1.0 / r->matches[k].ratio
                                          : r->matches[k].ratio) * 100 -
                    100);
    }
    if (r->regressions > named)
        fprintf(f, " and %zu more", r->regressions - named);
    fputs(".\n\n", f);
}

/* The machine fields that differ (kernel, OS image, compiler, ...: the
 * history keeps one chain across them), above the fold. */
static void md_machine_diff(FILE *f, const struct compare_report *r)
{
    struct compare_header_line h[COMPARE_HEADER_MAX];
    size_t nh = compare_header_lines(r, h, sizeof(h) / sizeof(h[0]));
    int any = 0;
    header_safe(h, nh);
    for (size_t k = 0; k < nh; k++) {
        if (!h[k].differs || strcmp(h[k].key, "file") == 0 ||
            strcmp(h[k].key, "created") == 0)
            continue;
        fprintf(f, "%s %s `%s` -> `%s`", any++ ? "," : "Machine differs:",
                h[k].key, h[k].base, h[k].new_v);
    }
    if (any)
        fputs(".\n\n", f);
}

/* The rows only one side has: not compared, so never folded away. */
static void md_only(FILE *f, const struct compare_report *r,
                    const char *bname, const char *nname)
{
    for (int side = 0; side < 2; side++) {
        size_t n = side ? r->nonly_new : r->nonly_base;
        const struct results_row **only = side ? r->only_new : r->only_base;
        if (n == 0)
            continue;
        fprintf(f, "Only in `%s` (%zu, not compared):\n\n",
                side ? nname : bname, n);
        for (size_t k = 0; k < n; k++) {
            char label[512];
            view_config_label(only[k], label, sizeof(label));
            results_term_safe(label, sizeof(label));
            fprintf(f, "- `%s`\n", label);
        }
        fputc('\n', f);
    }
}

static int print_markdown(FILE *f, const struct compare_report *r)
{
    char bname[512], nname[512];
    textesc_ctl(r->base_name, bname, sizeof(bname));
    textesc_ctl(r->new_name, nname, sizeof(nname));
    char count[128];
    compare_count_text(r, count, sizeof(count));
    fprintf(f, "**%s**\n\n", count);
    md_verdict(f, r);
    fprintf(f, "### poolbench compare: `%s` vs `%s`\n\n", bname, nname);
    fprintf(f, "Metric: %s. Ratio = new / base with a 95%% Hodges-Lehmann "
            "interval; p = two-sided Mann-Whitney U, adj p = %s-adjusted "
            "over the %zu rows tested.%s\n\n", compare_metric_doc(&r->opt),
            compare_correction_name(r->opt.correction), r->ntested,
            r->nbases > 1 ? " Base: the samples of the last runs pooled; "
                            "a regression also lies outside the runs' 95% "
                            "prediction interval." : "");
    size_t changed = 0;
    for (size_t k = 0; k < r->nmatches; k++)
        changed += md_changed(&r->matches[k]) != 0;
    if (changed == 0) {
        fprintf(f, "No configuration changed significantly (%zu "
                "matched).\n\n", r->nmatches);
    } else {
        fprintf(f, "Changed or not compared: %zu of %zu matched "
                "configurations.\n\n", changed, r->nmatches);
        md_table_head(f);
        for (size_t k = 0; k < r->nmatches; k++)
            if (md_changed(&r->matches[k]))
                md_table_row(f, r, &r->matches[k]);
        fputc('\n', f);
    }

    md_only(f, r, bname, nname);
    md_machine_diff(f, r);
    fprintf(f, "<details><summary>All %zu configurations, the machines "
            "and notes</summary>\n\n", r->nmatches);
    struct compare_header_line h[COMPARE_HEADER_MAX];
    size_t nh = compare_header_lines(r, h, sizeof(h) / sizeof(h[0]));
    header_safe(h, nh);
    fprintf(f, "| | base | new |\n| --- | --- | --- |\n|");
    for (size_t k = 0; k < nh; k++) {
        md_cell(f, h[k].key, h[k].differs);
        md_cell(f, h[k].base, h[k].differs);
        md_cell(f, h[k].new_v, h[k].differs);
        fputs(k + 1 < nh ? "\n|" : "\n", f);
    }
    fprintf(f, "\nDiffering machine fields are in bold.\n\n");
    md_table_head(f);
    for (size_t k = 0; k < r->nmatches; k++)
        md_table_row(f, r, &r->matches[k]);
    print_notes(f, r, "\nNotes:\n\n", "- `", "`");
    fputc('\n', f);
    counts_line(f, r);
    fputs("\n</details>\n", f);
    return 0;
}

/* The formats, in enum compare_format order: a new format is its print
 * function and one line here. */
static const struct compare_format_def {
    const char *name;
    int (*print)(FILE *f, const struct compare_report *r);
} formats[] = {
    [COMPARE_TEXT] = { "text", print_text },
    [COMPARE_MARKDOWN] = { "markdown", print_markdown },
    [COMPARE_JSON] = { "json", compare_print_json },
    [COMPARE_BMF] = { "bmf", compare_print_bmf },
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

int compare_format_find(const char *name)
{
    for (size_t k = 0; k < NFORMATS; k++)
        if (strcmp(formats[k].name, name) == 0)
            return (int)k;
    return -1;
}

void compare_format_names(char *buf, size_t len)
{
    size_t n = 0;
    if (len > 0)
        buf[0] = '\0';
    for (size_t k = 0; k < NFORMATS && n < len; k++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s",
                              k == 0 ? "" : k + 1 == NFORMATS ? " or " : ", ",
                              formats[k].name);
}

int compare_print(FILE *f, const struct compare_report *r)
{
    int rc = -1;
    if ((size_t)r->opt.format < NFORMATS)
        rc = formats[r->opt.format].print(f, r);
    if (fflush(f) != 0 || ferror(f))
        rc = -1;
    return rc;
}

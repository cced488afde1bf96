/* paired_format.c - the report of the paired comparison: text, markdown
 * and json, each opening with "compared N of M configurations". */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "paired.h"

static const char *const verdict_names[] = {
    [PAIRED_SAME] = "same",
    [PAIRED_FASTER] = "faster",
    [PAIRED_SLOWER] = "slower",
    [PAIRED_NOT_TESTED] = "not tested",
};

/* "same; could detect >= 3.1%", "slower: regression (> 5%)", ... */
static void verdict_text(const struct paired_report *r,
                         const struct paired_row *row, char *buf,
                         size_t len)
{
    switch (row->verdict) {
    case PAIRED_SAME:
        snprintf(buf, len, "same; could detect >= %.1f%%",
                 100 * (row->detectable - 1));
        return;
    case PAIRED_SLOWER:
        snprintf(buf, len, row->regression ? "slower: regression (> %g%%)"
                 : "slower, within the %g%% threshold",
                 r->opt.threshold_pct);
        return;
    case PAIRED_FASTER:
        snprintf(buf, len, "faster");
        return;
    case PAIRED_NOT_TESTED:
        snprintf(buf, len, "not tested: %s", row->note);
        return;
    }
}

static void headline(const struct paired_report *r, char *buf, size_t len)
{
    snprintf(buf, len, "compared %zu of %zu configurations (A/B in one "
             "run, paired by round: '%s' against '%s')", r->ntested,
             r->nrows, r->new_side, r->base_side);
}

/* The gate's last line: what failed, or that it passed. */
static void gate_line(const struct paired_report *r, char *buf, size_t len)
{
    size_t untested = r->nrows - r->ntested;
    if (r->regressions > 0)
        snprintf(buf, len, "gate: FAILED: %zu regression%s beyond %g%%",
                 r->regressions, r->regressions == 1 ? "" : "s",
                 r->opt.threshold_pct);
    else if (r->ntested == 0)
        snprintf(buf, len, "gate: FAILED: nothing could be tested");
    else if (untested > 0 && !r->allow_untested)
        snprintf(buf, len, "gate: FAILED: %zu configuration%s not tested "
                 "(--allow-unmatched lets them pass)", untested,
                 untested == 1 ? "" : "s");
    else
        snprintf(buf, len, "gate: passed%s", untested > 0
                 ? " (untested configurations allowed)" : "");
}

static void checksum_line(FILE *f, const struct paired_report *r,
                          const char *pre)
{
    if (r->checksum_differs == 0) {
        fprintf(f, "%schecksums: both sides computed the same values\n",
                pre);
        return;
    }
    fprintf(f, "%schecksums DIFFER in %zu configuration%s: the builds "
            "compute different values\n", pre, r->checksum_differs,
            r->checksum_differs == 1 ? "" : "s");
}

static int print_text(FILE *f, const struct paired_report *r, int md)
{
    char line[600], v[400];
    headline(r, line, sizeof(line));
    fprintf(f, md ? "**%s**\n\n" : "%s\n", line);
    fprintf(f, "%sgate: slower by more than %g%% at alpha %g (%s over the "
            "rows tested); detectable = 80%% power at alpha %.3g\n",
            md ? "- " : "", r->opt.threshold_pct, r->opt.alpha,
            compare_correction_name(r->opt.correction), r->row_alpha);
    checksum_line(f, r, md ? "- " : "");
    if (r->outside > 0)
        fprintf(f, "%s%zu row%s outside the A/B pairs (no side) not "
                "compared\n", md ? "- " : "", r->outside,
                r->outside == 1 ? "" : "s");
    int width = 13; /* "configuration" */
    for (size_t k = 0; k < r->nrows; k++)
        if ((int)strlen(r->rows[k].name) > width)
            width = (int)strlen(r->rows[k].name);
    if (md)
        fprintf(f, "\n| configuration | pairs | new/base | 95%% interval "
                "| p (adj) | verdict |\n|---|---:|---:|---|---:|---|\n");
    else
        fprintf(f, "%-*s %5s %8s %17s %8s  %s\n", width, "configuration",
                "pairs", "new/base", "95% interval", "p (adj)", "verdict");
    for (size_t k = 0; k < r->nrows; k++) {
        const struct paired_row *row = &r->rows[k];
        char ci[64] = "-", ratio[32] = "-", p[32] = "-";
        if (isfinite(row->est))
            snprintf(ratio, sizeof(ratio), "%.3f", row->est);
        if (isfinite(row->lo))
            snprintf(ci, sizeof(ci), "[%.3f, %.3f]%s", row->lo, row->hi,
                     row->ci_short ? "*" : "");
        if (isfinite(row->p_adj))
            snprintf(p, sizeof(p), "%.2g", row->p_adj);
        verdict_text(r, row, v, sizeof(v));
        if (md)
            fprintf(f, "| %s | %zu | %s | %s | %s | %s |\n", row->name,
                    row->npairs, ratio, ci, p, v);
        else
            fprintf(f, "%-*s %5zu %8s %17s %8s  %s\n", width, row->name,
                    row->npairs, ratio, ci, p, v);
    }
    gate_line(r, line, sizeof(line));
    fprintf(f, "%s%s\n", md ? "\n" : "", line);
    return ferror(f) ? -1 : 0;
}

static void add_num(cJSON *o, const char *key, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static cJSON *row_json(const struct paired_report *r,
                       const struct paired_row *row)
{
    cJSON *o = cJSON_CreateObject();
    char v[400];
    cJSON_AddStringToObject(o, "name", row->name);
    cJSON_AddNumberToObject(o, "pairs", (double)row->npairs);
    add_num(o, "ratio", row->est);
    add_num(o, "ci_low", row->lo);
    add_num(o, "ci_high", row->hi);
    cJSON_AddBoolToObject(o, "ci_short", row->ci_short);
    add_num(o, "w_plus", row->wsr.w_plus);
    add_num(o, "p", row->in_family ? row->wsr.p : NAN);
    cJSON_AddBoolToObject(o, "exact", row->wsr.exact);
    add_num(o, "p_adj", row->p_adj);
    add_num(o, "detectable_ratio", row->detectable);
    cJSON_AddStringToObject(o, "verdict", verdict_names[row->verdict]);
    verdict_text(r, row, v, sizeof(v));
    cJSON_AddStringToObject(o, "verdict_text", v);
    cJSON_AddBoolToObject(o, "regression", row->regression);
    cJSON_AddBoolToObject(o, "checksum_differs", row->checksum_differs);
    cJSON *d = cJSON_AddArrayToObject(o, "log_ratios");
    for (size_t k = 0; k < row->npairs; k++)
        cJSON_AddItemToArray(d, cJSON_CreateNumber(row->d[k]));
    return o;
}

/* One line: the summary comes first, as in every format. */
static int print_json(FILE *f, const struct paired_report *r)
{
    char line[600];
    cJSON *o = cJSON_CreateObject();
    headline(r, line, sizeof(line));
    cJSON_AddStringToObject(o, "summary", line);
    cJSON_AddNumberToObject(o, "compared", (double)r->ntested);
    cJSON_AddNumberToObject(o, "configurations", (double)r->nrows);
    cJSON_AddStringToObject(o, "base_side", r->base_side);
    cJSON_AddStringToObject(o, "new_side", r->new_side);
    cJSON_AddStringToObject(o, "metric", r->opt.metric == COMPARE_CPU
                            ? "cpu" : r->opt.metric == COMPARE_NS_PER_TASK
                            ? "ns_per_task" : "wall");
    cJSON_AddNumberToObject(o, "threshold_pct", r->opt.threshold_pct);
    cJSON_AddNumberToObject(o, "alpha", r->opt.alpha);
    cJSON_AddNumberToObject(o, "row_alpha", r->row_alpha);
    cJSON_AddStringToObject(o, "correction",
                            compare_correction_name(r->opt.correction));
    cJSON_AddNumberToObject(o, "regressions", (double)r->regressions);
    cJSON_AddNumberToObject(o, "checksums_differ",
                            (double)r->checksum_differs);
    cJSON *rows = cJSON_AddArrayToObject(o, "rows");
    for (size_t k = 0; k < r->nrows; k++)
        cJSON_AddItemToArray(rows, row_json(r, &r->rows[k]));
    gate_line(r, line, sizeof(line));
    cJSON_AddStringToObject(o, "gate", line);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (text == NULL)
        return -1;
    fprintf(f, "%s\n", text);
    free(text);
    return ferror(f) ? -1 : 0;
}

int paired_print(FILE *f, const struct paired_report *r)
{
    switch (r->opt.format) {
    case COMPARE_MARKDOWN:
        return print_text(f, r, 1);
    case COMPARE_JSON:
        return print_json(f, r);
    default:
        return print_text(f, r, 0);
    }
}

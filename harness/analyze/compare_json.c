/* compare_json.c - compare's machine formats: JSON, and Bencher Metric
 * Format (BMF). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_impl.h"

/* ---- json -------------------------------------------------------------- */

static cJSON *config_json(const struct results_row *row)
{
    cJSON *o = cJSON_CreateObject();
    char label[512];
    if (o == NULL)
        return NULL;
    view_config_label(row, label, sizeof(label));
    cJSON_AddStringToObject(o, "name", label);
    cJSON_AddStringToObject(o, "workload", row->workload);
    cJSON_AddStringToObject(o, "executor", row->executor);
    cJSON_AddNumberToObject(o, "workers", row->workers);
    if (compare_workers_spec(row) != NULL)
        cJSON_AddStringToObject(o, "workers_spec", compare_workers_spec(row));
    cJSON_AddStringToObject(o, "mode", row->mode);
    cJSON_AddNumberToObject(o, "chunk", (double)row->chunk);
    cJSON_AddStringToObject(o, "transport", row->transport);
    cJSON_AddStringToObject(o, "params", row->params);
    return o;
}

static cJSON *side_json(const struct results_row *row, const double *v,
                        size_t n)
{
    cJSON *o = cJSON_CreateObject();
    struct stats_summary s;
    if (o == NULL)
        return NULL;
    cJSON_AddNumberToObject(o, "tasks", (double)row->tasks);
    cJSON_AddStringToObject(o, "checksum", row->checksum);
    if (row->failure != NULL)
        cJSON_AddStringToObject(o, "failure", row->failure);
    else
        cJSON_AddNullToObject(o, "failure");
    if (v != NULL && stats_summarize(v, n, &s) == 0)
        cJSON_AddItemToObject(o, "stats", results_stats_json(&s));
    else
        cJSON_AddNullToObject(o, "stats");
    return o;
}

/* One matched configuration: both sides, the ratio, the test and the
 * verdict. */
static cJSON *match_json(const struct compare_report *r,
                         const struct compare_match *m)
{
    cJSON *o = config_json(m->base);
    cJSON_AddItemToObject(o, "base", side_json(m->base, m->bv, m->nb));
    cJSON_AddItemToObject(o, "new", side_json(m->new_row, m->nv,
                                              m->nn));
    results_json_number(o, "base_median", m->base_median);
    results_json_number(o, "new_median", m->new_median);
    results_json_number(o, "ratio", m->ratio);
    results_json_number(o, "ratio_hl", m->est);
    results_json_number(o, "ratio_ci95_low", m->ci_low);
    results_json_number(o, "ratio_ci95_high", m->ci_high);
    if (m->tested) {
        cJSON_AddNumberToObject(o, "u", m->mwu.u);
        cJSON_AddNumberToObject(o, "p", m->mwu.p);
        cJSON_AddBoolToObject(o, "p_exact", m->mwu.exact);
    } else {
        cJSON_AddNullToObject(o, "u");
        cJSON_AddNullToObject(o, "p");
        cJSON_AddNullToObject(o, "p_exact");
    }
    results_json_number(o, "p_adjusted", m->p_adj);
    if (r->nbases > 1) {
        cJSON_AddNumberToObject(o, "base_runs", (double)m->nruns);
        results_json_number(o, "prediction_low", m->pi_low);
        results_json_number(o, "prediction_high", m->pi_high);
    }
    cJSON_AddStringToObject(o, "verdict",
                            compare_verdict_name(m->verdict));
    cJSON_AddBoolToObject(o, "regression", m->regression);
    cJSON_AddBoolToObject(o, "per_task", m->per_task);
    if (isinf(m->detect_pct))
        cJSON_AddStringToObject(o, "detectable_pct", "none");
    else
        results_json_number(o, "detectable_pct", m->detect_pct);
    if (m->note[0] != '\0')
        cJSON_AddStringToObject(o, "note", m->note);
    else
        cJSON_AddNullToObject(o, "note");
    return o;
}

static cJSON *report_json(const struct compare_report *r)
{
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        return NULL;
    char count[128];
    compare_count_text(r, count, sizeof(count));
    cJSON_AddStringToObject(root, "schema", "poolbench-compare/1");
    cJSON_AddStringToObject(root, "summary", count);
    cJSON_AddNumberToObject(root, "compared", (double)r->ncompared);
    cJSON_AddNumberToObject(root, "configurations", (double)r->nconfigs);
    results_json_number(root, "alpha_per_row", r->alpha_row);
    cJSON_AddBoolToObject(root, "cannot_fire", r->cannot_fire);
    if (r->reps_needed > 0)
        cJSON_AddNumberToObject(root, "repetitions_needed",
                                (double)r->reps_needed);
    else
        cJSON_AddNullToObject(root, "repetitions_needed");
    cJSON_AddBoolToObject(root, "allow_unmatched", r->opt.allow_unmatched);
    cJSON_AddStringToObject(root, "metric", compare_metric_word(&r->opt));
    cJSON_AddStringToObject(root, "metric_doc", compare_metric_doc(&r->opt));
    cJSON_AddNumberToObject(root, "threshold_pct", r->opt.threshold_pct);
    cJSON_AddNumberToObject(root, "alpha", r->opt.alpha);
    cJSON_AddNumberToObject(root, "ci_level", COMPARE_CI_LEVEL);
    cJSON_AddStringToObject(root, "correction",
                            compare_correction_name(r->opt.correction));
    cJSON_AddNumberToObject(root, "tested", (double)r->ntested);
    cJSON_AddStringToObject(root, "gate_on", r->opt.gate_on_ci ? "ci"
                                                                : "ratio");
    cJSON_AddNumberToObject(root, "base_runs", (double)r->nbases);
    cJSON_AddBoolToObject(root, "matched_on_workers_spec", r->match_spec);
    for (int side = 0; side < 2; side++) {
        const struct results_file *rf = side ? r->new_file : r->base;
        const struct results_machine *m = compare_machine_of(rf);
        cJSON *s = cJSON_AddObjectToObject(root, side ? "new" : "base");
        cJSON_AddStringToObject(s, "path", side ? r->new_name
                                                : r->base_name);
        cJSON_AddStringToObject(s, "created", rf->created);
        cJSON_AddNumberToObject(s, "machines_used",
                                (double)compare_machines_used(rf));
        if (m != NULL)
            cJSON_AddItemToObject(s, "machine", cJSON_Duplicate(m->json, 1));
    }
    struct compare_header_line h[COMPARE_HEADER_MAX];
    size_t nh = compare_header_lines(r, h, sizeof(h) / sizeof(h[0]));
    cJSON *diff = cJSON_AddArrayToObject(root, "machine_differences");
    for (size_t k = 0; k < nh; k++) {
        if (!h[k].differs)
            continue;
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "field", h[k].key);
        cJSON_AddStringToObject(d, "base", h[k].base);
        cJSON_AddStringToObject(d, "new", h[k].new_v);
        cJSON_AddItemToArray(diff, d);
    }
    cJSON *cmp = cJSON_AddArrayToObject(root, "comparisons");
    for (size_t k = 0; k < r->nmatches; k++) {
        cJSON *o = match_json(r, &r->matches[k]);
        cJSON_AddItemToArray(cmp, o);
    }
    for (int side = 0; side < 2; side++) {
        size_t n = side ? r->nonly_new : r->nonly_base;
        const struct results_row **only = side ? r->only_new : r->only_base;
        cJSON *a = cJSON_AddArrayToObject(root, side ? "only_in_new"
                                                     : "only_in_base");
        for (size_t k = 0; k < n; k++)
            cJSON_AddItemToArray(a, config_json(only[k]));
    }
    cJSON *counts = cJSON_AddObjectToObject(root, "counts");
    for (size_t v = 0; v < COMPARE_NVERDICTS; v++)
        cJSON_AddNumberToObject(counts,
                                compare_verdict_name((enum compare_verdict)v),
                                (double)r->by_verdict[v]);
    cJSON_AddNumberToObject(root, "regressions", (double)r->regressions);
    cJSON_AddStringToObject(root, "gate", compare_status(r) != 0
                                              ? "failed" : "passed");
    return root;
}

/* ---- Bencher Metric Format -------------------------------------------- */

/* "factorial n=300,skew=1/threads/j=2/unordered/chunk=125". */
static void bmf_name(const struct results_row *row, char *buf, size_t len)
{
    char inst[256], ex[96];
    view_instance_label(row, inst, sizeof(inst));
    view_executor_label(row, ex, sizeof(ex));
    snprintf(buf, len, "%s/%s/j=%u/%s/chunk=%llu", inst, ex, row->workers,
             row->mode, (unsigned long long)row->chunk);
}

static cJSON *bmf_metric(double value, double lower, double upper)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "value", value);
    if (isfinite(lower) && isfinite(upper)) {
        cJSON_AddNumberToObject(o, "lower_value", lower);
        cJSON_AddNumberToObject(o, "upper_value", upper);
    }
    return o;
}

/* The new run's metric for row: median and 95% CI of the median. */
static void bmf_add(cJSON *root, const struct compare_report *r,
                    const struct results_row *row, const double *v,
                    size_t n, const struct compare_match *m)
{
    struct stats_summary s;
    char name[512];
    double scale;
    const char *measure = compare_bmf_measure(&r->opt, &scale);
    if (v == NULL || stats_summarize(v, n, &s) != 0)
        return;
    bmf_name(row, name, sizeof(name));
    cJSON *b = cJSON_AddObjectToObject(root, name);
    cJSON_AddItemToObject(b, measure, bmf_metric(s.median * scale,
                                                 s.ci95_low * scale,
                                                 s.ci95_high * scale));
    if (m != NULL && m->tested && isfinite(m->ratio))
        cJSON_AddItemToObject(b, "ratio", bmf_metric(m->ratio, m->ci_low,
                                                     m->ci_high));
}

/* Add a new-side row that compare did not measure (only in new, or its
 * base failed), unless it has nothing to report. */
static void bmf_add_unmatched(cJSON *root, const struct compare_report *r,
                              const struct results_row *row)
{
    double *v = NULL;
    size_t n = 0;
    enum compare_verdict no;
    char why[256];
    if (row->failure != NULL ||
        (r->opt.normalize_speedup && view_is_baseline(row)))
        return;
    if (compare_row_values(&r->views[r->nbases],
                           (size_t)(row - r->new_file->rows), &r->opt, &v,
                           &n, &no, why, sizeof(why)) == 0)
        bmf_add(root, r, row, v, n, NULL);
    free(v);
}

static cJSON *report_bmf(const struct compare_report *r)
{
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        return NULL;
    for (size_t k = 0; k < r->nmatches; k++) {
        const struct compare_match *m = &r->matches[k];
        if (m->nv != NULL)
            bmf_add(root, r, m->new_row, m->nv, m->nn, m);
        else
            bmf_add_unmatched(root, r, m->new_row);
    }
    for (size_t k = 0; k < r->nonly_new; k++)
        bmf_add_unmatched(root, r, r->only_new[k]);
    return root;
}

static int print_tree(FILE *f, cJSON *root)
{
    char *text = root != NULL ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL)
        return -1;
    fputs(text, f);
    fputc('\n', f);
    cJSON_free(text);
    return 0;
}

int compare_print_json(FILE *f, const struct compare_report *r)
{
    return print_tree(f, report_json(r));
}

int compare_print_bmf(FILE *f, const struct compare_report *r)
{
    return print_tree(f, report_bmf(r));
}


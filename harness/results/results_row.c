/* results_row.c - reading one row of poolbench/1: its fields checked
 * against the schema (with results_check.c), its strings and samples
 * copied to the file's pool so that the row's tree can go (see
 * results_impl.h); and finding a row's samples by name. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "results.h"
#include "results_impl.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "k=v,k=v" with keys sorted, so equal parameter sets compare equal. */
static int canonical_params(struct results_reader *r, const cJSON *params,
                            const char *where, char **out)
{
    size_t n = (size_t)cJSON_GetArraySize(params);
    char **items = calloc(n + 1, sizeof(*items));
    size_t total = 1;
    int rc = -1;
    if (items == NULL)
        return results_oom(r);
    size_t k = 0;
    for (const cJSON *c = params->child; c != NULL; c = c->next, k++) {
        char val[512];
        if (cJSON_IsString(c))
            snprintf(val, sizeof(val), "%s", c->valuestring);
        else if (cJSON_IsNumber(c) && isfinite(c->valuedouble))
            snprintf(val, sizeof(val), "%.17g", c->valuedouble);
        else if (cJSON_IsBool(c))
            snprintf(val, sizeof(val), "%s",
                     cJSON_IsTrue(c) ? "true" : "false");
        else {
            results_fail(r,
                         "%s.params.%s: expected a string, number or "
                         "boolean, found %s",
                         where, c->string, results_type_name(c));
            goto out;
        }
        size_t len = strlen(c->string) + strlen(val) + 2;
        items[k] = malloc(len);
        if (items[k] == NULL) {
            results_oom(r);
            goto out;
        }
        snprintf(items[k], len, "%s=%s", c->string, val);
        total += len;
    }
    qsort(items, n, sizeof(*items), cmp_str);
    *out = malloc(total);
    if (*out == NULL) {
        results_oom(r);
        goto out;
    }
    (*out)[0] = '\0';
    for (k = 0; k < n; k++) {
        if (k > 0)
            strcat(*out, ",");
        strcat(*out, items[k]);
    }
    rc = 0;
out:
    for (k = 0; k < n; k++)
        free(items[k]);
    free(items);
    return rc;
}

int results_params_key(const cJSON *params, char **out, char *err,
                       size_t err_len)
{
    struct results_reader r = { "params", err, err_len, NULL };
    *out = NULL;
    if (!cJSON_IsObject(params))
        return results_fail(&r, "expected an object");
    return canonical_params(&r, params, "params", out);
}

const struct results_series *results_series_find(
    const struct results_row *row, const char *name)
{
    for (size_t k = 0; k < row->nseries; k++)
        if (strcmp(row->series[k].name, name) == 0)
            return &row->series[k];
    return NULL;
}

static int read_samples(struct results_reader *r, const cJSON *samples,
                        const char *where, struct results_row *row)
{
    if (!cJSON_IsObject(samples))
        return results_fail(r, "%s.samples: expected an object, found %s",
                            where, results_type_name(samples));
    size_t n = (size_t)cJSON_GetArraySize(samples);
    row->series = results_pool_alloc(r->pool, (n > 0 ? n : 1) *
                                                  sizeof(*row->series));
    if (row->series == NULL)
        return results_oom(r);
    for (const cJSON *a = samples->child; a != NULL; a = a->next) {
        if (!cJSON_IsArray(a))
            return results_fail(r,
                                "%s.samples.%s: expected an array of numbers, "
                                "found %s",
                                where, a->string, results_type_name(a));
        struct results_series *s = &row->series[row->nseries++];
        s->name = results_pool_intern(r->pool, a->string);
        s->n = 0;
        if (s->name == NULL)
            return results_oom(r);
        size_t m = (size_t)cJSON_GetArraySize(a);
        if (m > RESULTS_MAX_SAMPLES)
            return results_fail(r,
                                "%s.samples.%s: %zu samples; at most %d are "
                                "accepted",
                                where, a->string, m, RESULTS_MAX_SAMPLES);
        s->v = results_pool_alloc(r->pool, (m > 0 ? m : 1) * sizeof(*s->v));
        if (s->v == NULL)
            return results_oom(r);
        for (const cJSON *x = a->child; x != NULL; x = x->next) {
            if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
                return results_fail(r,
                                    "%s.samples.%s[%zu]: expected a finite "
                                    "number, found %s",
                                    where, a->string, s->n,
                                    results_type_name(x));
            if (x->valuedouble < 0)
                return results_fail(r, "%s.samples.%s[%zu]: %g is negative",
                                    where, a->string, s->n, x->valuedouble);
            s->v[s->n++] = x->valuedouble;
        }
    }
    if (results_series_find(row, RESULTS_WALL_S) == NULL)
        return results_fail(r, "%s.samples: no wall_s array", where);
    return 0;
}

static int read_timeline(struct results_reader *r, const cJSON *tl,
                         const char *where, struct results_row *row)
{
    if (tl == NULL || cJSON_IsNull(tl))
        return 0;
    if (!cJSON_IsArray(tl))
        return results_fail(r,
                            "%s.timeline: expected an array of [t_s, done] "
                            "pairs, found %s",
                            where, results_type_name(tl));
    size_t n = (size_t)cJSON_GetArraySize(tl);
    row->timeline = results_pool_alloc(r->pool, (n > 0 ? n : 1) *
                                                    sizeof(*row->timeline));
    if (row->timeline == NULL)
        return results_oom(r);
    for (const cJSON *p = tl->child; p != NULL; p = p->next) {
        const cJSON *t = cJSON_GetArrayItem(p, 0);
        const cJSON *d = cJSON_GetArrayItem(p, 1);
        if (!cJSON_IsArray(p) || cJSON_GetArraySize(p) != 2 ||
            !cJSON_IsNumber(t) || !cJSON_IsNumber(d) ||
            !isfinite(t->valuedouble) || t->valuedouble < 0 ||
            d->valuedouble < 0 || d->valuedouble > 1.8e19)
            return results_fail(r,
                                "%s.timeline[%zu]: expected [t_s, done] with "
                                "t_s >= 0 and done >= 0",
                                where, row->ntimeline);
        row->timeline[row->ntimeline].t_s = t->valuedouble;
        row->timeline[row->ntimeline].done = (uint64_t)d->valuedouble;
        row->ntimeline++;
    }
    return 0;
}

int results_read_row(struct results_reader *r, const cJSON *o, size_t idx,
                     struct results_row *row, double *machine_index)
{
    char where[64];
    double v;
    snprintf(where, sizeof(where), "results[%zu]", idx);
    row->ns_per_task = row->speedup = row->efficiency = NAN;
    row->harness_ns_per_task = NAN;
    if (!cJSON_IsObject(o))
        return results_fail(r, "%s: expected an object, found %s", where,
                            results_type_name(o));
    if (results_want_string(r, o, where, "workload", 0, &row->workload) ||
        results_want_string(r, o, where, "executor", 0, &row->executor) ||
        results_want_string(r, o, where, "mode", 0, &row->mode) ||
        results_want_string(r, o, where, "transport", 0, &row->transport) ||
        results_want_string(r, o, where, "checksum", 0, &row->checksum) ||
        results_want_string(r, o, where, "failure", 1, &row->failure))
        return -1;
    if (strcmp(row->mode, "ordered") != 0 &&
        strcmp(row->mode, "unordered") != 0)
        return results_fail(r, "%s.mode: '%s'; expected ordered or unordered",
                            where, row->mode);
    if (strlen(row->checksum) != 16 ||
        strspn(row->checksum, "0123456789abcdef") != 16)
        return results_fail(r,
                            "%s.checksum: '%s'; expected 16 lowercase hex "
                            "digits",
                            where, row->checksum);
    if (results_want_number(r, o, where, "workers", 1, POOLBENCH_MAX_WORKERS,
                            1, &v))
        return -1;
    row->workers = (unsigned)v;
    if (results_want_number(r, o, where, "chunk", 1, 1.8e19, 1, &v))
        return -1;
    row->chunk = (uint64_t)v;
    if (results_want_number(r, o, where, "tasks", 0, 1.8e19, 1, &v))
        return -1;
    row->tasks = (uint64_t)v;
    if (results_want_number(r, o, where, "errors", 0, 1.8e19, 1, &v))
        return -1;
    row->errors = (uint64_t)v;
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(o, "params");
    if (!cJSON_IsObject(params))
        return results_fail(r, "%s.params: expected an object, found %s",
                            where, results_type_name(params));
    char *key;
    if (canonical_params(r, params, where, &key) != 0)
        return -1;
    row->params = results_pool_intern(r->pool, key);
    free(key);
    if (row->params == NULL)
        return results_oom(r);
    if (read_samples(r, cJSON_GetObjectItemCaseSensitive(o, "samples"),
                     where, row) != 0)
        return -1;
    if (read_timeline(r, cJSON_GetObjectItemCaseSensitive(o, "timeline"),
                      where, row) != 0)
        return -1;
    if (results_want_optional_number(r, o, where, "ns_per_task",
                                     &row->ns_per_task) ||
        results_want_optional_number(r, o, where, "speedup", &row->speedup) ||
        results_want_optional_number(r, o, where, "efficiency",
                                     &row->efficiency) ||
        results_want_optional_number(r, o, where, "harness_ns_per_task",
                                     &row->harness_ns_per_task))
        return -1;
    /* Its range is checked by the caller, once the machines are known
     * (results_check_range). */
    if (cJSON_GetObjectItemCaseSensitive(o, "machine_index") != NULL &&
        results_want_number(r, o, where, "machine_index", -INFINITY,
                            INFINITY, 0, machine_index))
        return -1;
    row->run_index = -1;
    if (cJSON_GetObjectItemCaseSensitive(o, "run_index") != NULL) {
        if (results_want_number(r, o, where, "run_index", 0, 1e9, 1, &v))
            return -1;
        row->run_index = (long)v;
    }
    row->chunk_auto = cJSON_IsTrue(
        cJSON_GetObjectItemCaseSensitive(o, "chunk_auto"));
    if (results_want_string(r, o, where, "role", 1, &row->role) ||
        results_want_string(r, o, where, "command", 1, &row->command) ||
        results_want_string(r, o, where, "tasks_source", 1,
                            &row->tasks_source) ||
        results_want_string(r, o, where, "workers_spec", 1,
                            &row->workers_spec) ||
        results_want_string(r, o, where, "side", 1, &row->side))
        return -1;
    if (row->side != NULL && (strchr(row->workload, '@') == NULL ||
                              strcmp(strchr(row->workload, '@') + 1,
                                     row->side) != 0))
        return results_fail(r,
                            "%s.side: '%s' but the workload is '%s'; an A/B "
                            "row's workload is NAME@SIDE",
                            where, row->side, row->workload);
    const cJSON *pr = cJSON_GetObjectItemCaseSensitive(o,
                                                       "precision_reached");
    row->precision_reached = -1;
    if (pr != NULL && !cJSON_IsNull(pr)) {
        if (!cJSON_IsBool(pr))
            return results_fail(
                r,
                "%s.precision_reached: expected true or false, "
                "found %s",
                where, results_type_name(pr));
        row->precision_reached = cJSON_IsTrue(pr);
    }
    if (cJSON_GetObjectItemCaseSensitive(o, "disturbed") != NULL) {
        if (results_want_number(r, o, where, "disturbed", 0, 1e9, 1, &v))
            return -1;
        row->disturbed = (uint64_t)v;
    }
    return 0;
}

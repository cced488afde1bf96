/* results_write.c - writing poolbench/1: the one row writer, the file's
 * text and where it goes (through util/fs). See results.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fs.h"
#include "results.h"

int results_check_writable(const char *path, char *err, size_t err_len)
{
    return fs_check_writable(path, err, err_len);
}

/* The file's text: the tree and a final newline; NULL when out of
 * memory. */
static char *file_text(const cJSON *root, size_t *len)
{
    char *text = cJSON_Print(root);
    if (text == NULL)
        return NULL;
    size_t n = strlen(text);
    char *grown = realloc(text, n + 2);
    if (grown == NULL) {
        cJSON_free(text);
        return NULL;
    }
    grown[n] = '\n';
    grown[n + 1] = '\0';
    *len = n + 1;
    return grown;
}

int results_write_atomic(const char *path, const cJSON *root, char *err,
                         size_t err_len)
{
    size_t len;
    char *text = file_text(root, &len);
    if (text == NULL) {
        snprintf(err, err_len, "%s: out of memory formatting JSON", path);
        return -1;
    }
    int rc = fs_write_atomic(path, text, len, err, err_len);
    free(text);
    return rc;
}

int results_default_stem(const char *prefix, const char *host, char *stem,
                         size_t len, char *err, size_t err_len)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    if (mkdir("results", 0777) != 0 && errno != EEXIST) {
        snprintf(err, err_len, "cannot create folder results/: %s; give "
                 "-o FILE", strerror(errno));
        return -1;
    }
    snprintf(stem, len, "results/%s%s-%s", prefix,
             host != NULL && host[0] != '\0' ? host : "host", stamp);
    return 0;
}

int results_write_new(const char *stem, const cJSON *root, char *path,
                      size_t path_len, char *err, size_t err_len)
{
    size_t len;
    char *text = file_text(root, &len);
    if (text == NULL) {
        snprintf(err, err_len, "%s.json: out of memory formatting JSON",
                 stem);
        return -1;
    }
    int rc = fs_write_unique(stem, ".json", RESULTS_MAX_SUFFIX, text, len,
                             path, path_len, err, err_len);
    free(text);
    return rc;
}

cJSON *results_row_new(const struct results_row_head *h)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) {
        cJSON_Delete(h->params);
        return NULL;
    }
    cJSON_AddStringToObject(o, "workload", h->workload);
    if (h->side != NULL)
        cJSON_AddStringToObject(o, "side", h->side);
    cJSON_AddStringToObject(o, "executor", h->executor);
    cJSON_AddNumberToObject(o, "workers", h->workers);
    if (h->workers_spec != NULL)
        cJSON_AddStringToObject(o, "workers_spec", h->workers_spec);
    cJSON_AddStringToObject(o, "mode", h->mode);
    cJSON_AddNumberToObject(o, "chunk", (double)h->chunk);
    cJSON_AddBoolToObject(o, "chunk_auto", h->chunk_auto);
    cJSON_AddStringToObject(o, "transport", h->transport);
    cJSON_AddItemToObject(o, "params", h->params != NULL
                                           ? h->params : cJSON_CreateObject());
    cJSON_AddNumberToObject(o, "tasks", (double)h->tasks);
    if (h->tasks_source != NULL)
        cJSON_AddStringToObject(o, "tasks_source", h->tasks_source);
    cJSON_AddNumberToObject(o, "errors", (double)h->errors);
    cJSON_AddStringToObject(o, "checksum", h->checksum);
    if (h->failure != NULL)
        cJSON_AddStringToObject(o, "failure", h->failure);
    else
        cJSON_AddNullToObject(o, "failure");
    cJSON_AddObjectToObject(o, "samples");
    cJSON_AddObjectToObject(o, "stats");
    return o;
}

int results_row_add_series(cJSON *row, const char *group, const char *name,
                           const double *v, size_t n, int with_stats)
{
    cJSON *samples = cJSON_GetObjectItemCaseSensitive(row, group);
    if (samples == NULL)
        samples = cJSON_AddObjectToObject(row, group);
    cJSON *stats = cJSON_GetObjectItemCaseSensitive(row, "stats");
    cJSON *arr = cJSON_AddArrayToObject(samples, name);
    struct stats_summary sum;
    if (arr == NULL)
        return -1;
    for (size_t k = 0; k < n; k++) {
        cJSON *x = cJSON_CreateNumber(v[k]);
        if (x == NULL)
            return -1;
        cJSON_AddItemToArray(arr, x);
    }
    if (with_stats && stats != NULL && stats_summarize(v, n, &sum) == 0)
        cJSON_AddItemToObject(stats, name, results_stats_json(&sum));
    return 0;
}

/* A number, or null when it is not finite (no value to give). */
static void add_num(cJSON *o, const char *key, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

cJSON *results_stats_json(const struct stats_summary *s)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    /* Without an interval (too few samples) its bounds are null too, so
     * that nothing presents [min, max] of 3 samples as 95%. */
    int ci = isfinite(s->ci_level);
    cJSON_AddNumberToObject(o, "n", (double)s->n);
    cJSON_AddNumberToObject(o, "median", s->median);
    cJSON_AddNumberToObject(o, "mean", s->mean);
    add_num(o, "stddev", s->stddev);
    cJSON_AddNumberToObject(o, "min", s->min);
    cJSON_AddNumberToObject(o, "max", s->max);
    cJSON_AddNumberToObject(o, "mad", s->mad);
    add_num(o, "ci95_low", ci ? s->ci95_low : NAN);
    add_num(o, "ci95_high", ci ? s->ci95_high : NAN);
    add_num(o, "ci_level", s->ci_level);
    cJSON_AddNumberToObject(o, "outliers", (double)s->outliers);
    return o;
}

void results_json_number(cJSON *o, const char *key, double v)
{
    cJSON *item = isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
    if (item == NULL)
        return;
    if (cJSON_GetObjectItemCaseSensitive(o, key) != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(o, key, item);
    else
        cJSON_AddItemToObject(o, key, item);
}

/* merge.c - `poolbench merge`: many results files into one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "merge.h"

/* Index of a machine block identical to m in machines, appending a copy
 * when there is none; -1 on allocation failure. */
static int machine_slot(cJSON *machines, const cJSON *m)
{
    int k = 0;
    for (const cJSON *c = machines->child; c != NULL; c = c->next, k++)
        if (cJSON_Compare(c, m, 1))
            return k;
    cJSON *copy = cJSON_Duplicate(m, 1);
    if (copy == NULL || !cJSON_AddItemToArray(machines, copy)) {
        cJSON_Delete(copy);
        return -1;
    }
    return k;
}

/* Set o[key] to the number v, replacing any value it had. */
static int set_number(cJSON *o, const char *key, double v)
{
    cJSON *num = cJSON_CreateNumber(v);
    if (num == NULL)
        return -1;
    if (cJSON_GetObjectItemCaseSensitive(o, key) != NULL)
        return cJSON_ReplaceItemInObjectCaseSensitive(o, key, num) ? 0 : -1;
    return cJSON_AddItemToObject(o, key, num) ? 0 : -1;
}

/* Append f's runs to merged (one, or the runs of a merged file). */
static int add_runs(cJSON *merged, const struct results_file *f)
{
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(f->root, "config");
    const cJSON *inner = cJSON_GetObjectItemCaseSensitive(cfg, "merged");
    if (cJSON_IsArray(inner) && cJSON_GetArraySize(inner) > 0) {
        for (const cJSON *c = inner->child; c != NULL; c = c->next) {
            cJSON *copy = cJSON_Duplicate(c, 1);
            if (copy == NULL || !cJSON_AddItemToArray(merged, copy)) {
                cJSON_Delete(copy);
                return -1;
            }
        }
        return 0;
    }
    cJSON *run = cJSON_CreateObject();
    if (run == NULL || !cJSON_AddItemToArray(merged, run)) {
        cJSON_Delete(run);
        return -1;
    }
    cJSON_AddStringToObject(run, "path", f->path);
    cJSON_AddStringToObject(run, "created", f->created);
    if (cfg != NULL)
        cJSON_AddItemToObject(run, "config", cJSON_Duplicate(cfg, 1));
    else
        cJSON_AddNullToObject(run, "config");
    return 0;
}

int merge_build(const struct results_file *files, size_t n, int argc,
                char **argv, cJSON **out, char *err, size_t err_len)
{
    char created[64];
    time_t now = time(NULL);
    struct tm tm;
    size_t *slots = NULL;
    *out = NULL;
    for (size_t i = 0; i < n; i++)
        if (files[i].nrows == 0) {
            snprintf(err, err_len, "%s: results is empty; nothing to merge",
                     files[i].path);
            return -1;
        }
    gmtime_r(&now, &tm);
    strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        goto oom;
    cJSON_AddStringToObject(root, "schema", RESULTS_SCHEMA);
    cJSON_AddStringToObject(root, "created", created);
    cJSON *machines = cJSON_CreateArray();
    cJSON *cfg = cJSON_CreateObject();
    cJSON *results = cJSON_CreateArray();
    if (machines == NULL || cfg == NULL || results == NULL) {
        cJSON_Delete(machines);
        cJSON_Delete(cfg);
        cJSON_Delete(results);
        goto oom;
    }
    /* "machine" first, filled in below, so the file reads as usual. */
    cJSON_AddNullToObject(root, "machine");
    cJSON_AddItemToObject(root, "machines", machines);
    cJSON_AddItemToObject(root, "config", cfg);
    cJSON_AddItemToObject(root, "results", results);
    cJSON *av = cJSON_AddArrayToObject(cfg, "argv");
    cJSON_AddItemToArray(av, cJSON_CreateString("poolbench"));
    for (int k = 0; k < argc; k++)
        cJSON_AddItemToArray(av, cJSON_CreateString(argv[k]));
    cJSON *merged = cJSON_AddArrayToObject(cfg, "merged");
    if (merged == NULL)
        goto oom;

    for (size_t i = 0; i < n; i++) {
        const struct results_file *f = &files[i];
        cJSON *in_results = cJSON_GetObjectItemCaseSensitive(f->root,
                                                             "results");
        size_t run0 = (size_t)cJSON_GetArraySize(merged);
        slots = calloc(f->nmachines, sizeof(*slots));
        if (slots == NULL)
            goto oom;
        for (size_t m = 0; m < f->nmachines; m++) {
            int s = machine_slot(machines, f->machines[m].json);
            if (s < 0)
                goto oom;
            slots[m] = (size_t)s;
        }
        if (add_runs(merged, f) != 0)
            goto oom;
        for (size_t k = 0; k < f->nrows; k++) {
            const struct results_row *row = &f->rows[k];
            size_t run = run0;
            /* A merged input's rows keep their run (from the reader),
             * shifted. */
            if (row->run_index >= 0 &&
                run0 + (size_t)row->run_index <
                    (size_t)cJSON_GetArraySize(merged))
                run += (size_t)row->run_index;
            /* Moved, not copied: a copy doubled the memory of a merge
             * of large files. */
            cJSON *copy = cJSON_DetachItemViaPointer(in_results, row->json);
            if (copy == NULL || !cJSON_AddItemToArray(results, copy)) {
                cJSON_Delete(copy);
                goto oom;
            }
            if (set_number(copy, "machine_index",
                           (double)slots[row->machine_index]) != 0 ||
                set_number(copy, "run_index", (double)run) != 0)
                goto oom;
        }
        free(slots);
        slots = NULL;
    }
    cJSON *first = cJSON_Duplicate(machines->child, 1);
    if (first == NULL ||
        !cJSON_ReplaceItemInObjectCaseSensitive(root, "machine", first)) {
        cJSON_Delete(first);
        goto oom;
    }
    *out = root;
    return 0;
oom:
    free(slots);
    cJSON_Delete(root);
    snprintf(err, err_len, "out of memory");
    return -1;
}


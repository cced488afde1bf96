/* merge.c - `poolbench merge`: many results files into one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "args.h"
#include "exit.h"
#include "merge.h"
#include "scaling.h"

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

static void usage(FILE *f)
{
    fprintf(f,
"usage: poolbench merge A.json B.json... -o ALL.json\n"
"\n"
"Combine results files (of one machine or of many) into one poolbench/1\n"
"file, so that report and plot can show them side by side. The output\n"
"has a \"machines\" array with each input's machine block (identical\n"
"blocks kept once; \"machine\" repeats the first for one-machine readers),\n"
"and every result carries \"machine_index\" into it and \"run_index\"\n"
"into config.merged, the list of input runs (path, created, config).\n"
"Merged inputs are flattened.\n"
"\n"
"  -o, --output FILE      the merged file, written atomically (required)\n"
"  -h, --help             this help\n"
"\n"
"Exit status: 0 written, 2 bad usage or an unusable input (one line\n"
"naming it; the output file is not touched), 3 the output could not be\n"
"written.\n");
}

int merge_main(int argc, char **argv)
{
    const char *output = NULL;
    char err[1024];
    struct results_file *files = NULL;
    size_t nfiles = 0;
    cJSON *root = NULL;
    int rc = EXIT_USAGE;
    int parsed = args_output_only("merge", argc, argv, &output, err,
                                  sizeof(err));
    if (parsed == ARGS_HELP) {
        usage(stdout);
        return 0;
    }
    if (parsed != 0) {
        fprintf(stderr, "poolbench merge: %s\n", err);
        return EXIT_USAGE;
    }
    if (output == NULL) {
        fprintf(stderr, "poolbench merge: no output file; add -o "
                "ALL.json\n");
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        fprintf(stderr, "poolbench merge: no input files; expected "
                "A.json B.json... -o ALL.json\n");
        return EXIT_USAGE;
    }
    if (results_check_writable(output, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench merge: %s\n", err);
        return EXIT_USAGE;
    }
    files = calloc((size_t)(argc - optind), sizeof(*files));
    if (files == NULL) {
        fprintf(stderr, "poolbench merge: out of memory\n");
        return EXIT_USAGE;
    }
    for (int k = optind; k < argc; k++) {
        if (results_load(argv[k], &files[nfiles], err, sizeof(err)) != 0) {
            fprintf(stderr, "poolbench merge: %s\n", err);
            goto out;
        }
        nfiles++;
    }
    /* Each run's scaling models, as run writes them for one. */
    if (merge_build(files, nfiles, argc, argv, &root, err,
                    sizeof(err)) != 0 ||
        scaling_derive_json(root, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench merge: %s\n", err);
        goto out;
    }
    /* A failed write (a full disk) is not bad usage: exit 3 as run does. */
    if (results_write_atomic(output, root, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench merge: %s\n", err);
        rc = EXIT_RUN_FAILED;
        goto out;
    }
    printf("merged %zu file%s: %d results from %d machine%s into %s\n",
           nfiles, nfiles == 1 ? "" : "s",
           cJSON_GetArraySize(cJSON_GetObjectItem(root, "results")),
           cJSON_GetArraySize(cJSON_GetObjectItem(root, "machines")),
           cJSON_GetArraySize(cJSON_GetObjectItem(root, "machines")) == 1
               ? "" : "s", output);
    rc = 0;
out:
    cJSON_Delete(root);
    for (size_t k = 0; k < nfiles; k++)
        results_free(&files[k]);
    free(files);
    return rc;
}

/* merge.c - `poolbench merge`: many results files into one.
 *
 * The inputs may be a fleet's (100,000 rows, hundreds of MB): no tree of
 * all rows is built. The file's small parts (machines, config, the
 * scaling models) are a cJSON tree printed once; each row is copied
 * from its input's text into the gap the tree's empty "results" array
 * leaves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "fs.h"
#include "merge.h"
#include "scaling.h"
#include "strbuf.h"

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

/* Where a row sits in the merged file. */
struct place {
    size_t machine;     /* machine_index */
    long run;           /* run_index */
};

/* The merged file's top: schema, created, machine (filled in last),
 * machines, config {argv, merged}, results [] (rows go in as text). */
static cJSON *new_root(int argc, char **argv, cJSON **machines,
                       cJSON **merged)
{
    char created[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        return NULL;
    cJSON_AddStringToObject(root, "schema", RESULTS_SCHEMA);
    cJSON_AddStringToObject(root, "created", created);
    /* "machine" first, filled in below, so the file reads as usual. */
    cJSON_AddNullToObject(root, "machine");
    *machines = cJSON_AddArrayToObject(root, "machines");
    cJSON *cfg = cJSON_AddObjectToObject(root, "config");
    cJSON *av = cJSON_AddArrayToObject(cfg, "argv");
    cJSON_AddItemToArray(av, cJSON_CreateString("poolbench"));
    for (int k = 0; k < argc; k++)
        cJSON_AddItemToArray(av, cJSON_CreateString(argv[k]));
    *merged = cJSON_AddArrayToObject(cfg, "merged");
    if (cJSON_AddArrayToObject(root, "results") == NULL || *merged == NULL ||
        *machines == NULL) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* The merged file as read: every input's rows (shallow copies, their
 * strings in the inputs' pools) with machine_index and run_index as
 * written, and a machine per slot; for the scaling models. Free its
 * rows and machines arrays only. */
static int merged_model(const struct results_file *files, size_t n,
                        cJSON *root, cJSON *machines, cJSON *merged,
                        struct results_file *all)
{
    size_t nrows = 0, nmachines = 0;
    memset(all, 0, sizeof(*all));
    for (size_t i = 0; i < n; i++) {
        nrows += files[i].nrows;
        nmachines += files[i].nmachines;
    }
    all->path = (char *)"the results being written";
    all->root = root;
    all->rows = calloc(nrows, sizeof(*all->rows));
    all->machines = calloc(nmachines, sizeof(*all->machines));
    if (all->rows == NULL || all->machines == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct results_file *f = &files[i];
        size_t run0 = (size_t)cJSON_GetArraySize(merged);
        size_t *slots = calloc(f->nmachines, sizeof(*slots));
        if (slots == NULL)
            return -1;
        for (size_t m = 0; m < f->nmachines; m++) {
            int s = machine_slot(machines, f->machines[m].json);
            if (s < 0) {
                free(slots);
                return -1;
            }
            if ((size_t)s == all->nmachines)
                all->machines[all->nmachines++] = f->machines[m];
            slots[m] = (size_t)s;
        }
        if (add_runs(merged, f) != 0) {
            free(slots);
            return -1;
        }
        size_t nruns = (size_t)cJSON_GetArraySize(merged);
        for (size_t k = 0; k < f->nrows; k++) {
            struct results_row *row = &all->rows[all->nrows++];
            *row = f->rows[k];
            row->machine_index = slots[f->rows[k].machine_index];
            /* A merged input's rows keep their run (from the reader),
             * shifted. */
            row->run_index = (long)run0;
            if (f->rows[k].run_index >= 0 &&
                run0 + (size_t)f->rows[k].run_index < nruns)
                row->run_index += f->rows[k].run_index;
        }
        free(slots);
    }
    return 0;
}

/* Append row as cJSON prints it (the input's object with machine_index
 * and run_index set) at the depth of results[] in the file: cJSON
 * prints an object alone two tabs less deep (the root object and the
 * array each add one). For rows that already carry those keys (an input
 * made by merge). Returns 0, or -1 out of memory. */
static int reprint_row(struct strbuf *b, const struct results_file *f,
                       const struct results_row *in, const struct place *at)
{
    cJSON *o = results_row_json(f, in);
    char *text = NULL;
    int rc = -1;
    if (o == NULL ||
        set_number(o, "machine_index", (double)at->machine) != 0 ||
        set_number(o, "run_index", (double)at->run) != 0)
        goto out;
    text = cJSON_Print(o);
    if (text == NULL)
        goto out;
    /* Strings in JSON text hold no raw newline: each one is a line. */
    for (char *p = text, *nl; *p != '\0'; p = nl + 1) {
        nl = strchr(p, '\n');
        if (nl == NULL) {
            strbuf_append(b, p, strlen(p));
            break;
        }
        strbuf_append(b, p, (size_t)(nl - p) + 1);
        strbuf_append(b, "\t\t", 2);
    }
    rc = b->oom ? -1 : 0;
out:
    cJSON_free(text);
    cJSON_Delete(o);
    return rc;
}

/* Whether the row's text names key (a quoted key; a string value that
 * quotes it only sends the row the slow way). */
static int names(const char *text, size_t len, const char *key)
{
    return memmem(text, len, key, strlen(key)) != NULL;
}

/* The pieces of the merged file as they are made: parts point into the
 * inputs' text, or (own_off[k] != NONE) into own, which may still move. */
struct pieces {
    struct fs_part *parts;
    size_t *own_off;
    size_t n, cap;
    struct strbuf own;          /* what merge wrote itself */
};

#define NONE ((size_t)-1)

static void piece(struct pieces *ps, const void *p, size_t len, size_t off)
{
    ps->parts[ps->n] = (struct fs_part){ p, len };
    ps->own_off[ps->n++] = off;
}

/* Append row: the input's text as written, with machine_index and
 * run_index added before its closing brace. Parsing and printing each
 * row again (cJSON) was most of the time of a fleet's merge; the JSON is
 * the same, key for key. Returns 0, or -1 out of memory. */
static int append_row(struct pieces *ps, const struct results_file *f,
                      const struct results_row *in, const struct place *at)
{
    const char *text = f->text + in->json_off;
    size_t len = in->json_len, off = ps->own.len;
    if (names(text, len, "\"machine_index\"") ||
        names(text, len, "\"run_index\"")) {
        if (reprint_row(&ps->own, f, in, at) != 0)
            return -1;
        piece(ps, NULL, ps->own.len - off, off);
        return 0;
    }
    /* The scan's span ends at the closing brace. */
    while (len > 0 && text[len - 1] != '}')
        len--;
    if (len == 0)
        return -1;
    piece(ps, text, len - 1, NONE);
    strbuf_printf(&ps->own, ", \"machine_index\": %zu, \"run_index\": "
                  "%ld}", at->machine, at->run);
    piece(ps, NULL, ps->own.len - off, off);
    return ps->own.oom ? -1 : 0;
}

/* top (the printed file without rows) with the rows of files[0..n)
 * (placed as at[] says) in its empty "results" array, and a final
 * newline, as pieces into out. */
static int print_file(const char *top, const struct results_file *files,
                      size_t n, size_t nrows, const struct place *at,
                      struct merge_text *out)
{
    static const char gap[] = "\n\t\"results\":\t[]";
    struct pieces ps = { 0 };
    const char *end = strstr(top, gap);
    if (end == NULL)
        return -1;
    end += sizeof(gap) - 2; /* at the ']' */
    ps.cap = 3 * nrows + 3;
    ps.parts = malloc(ps.cap * sizeof(*ps.parts));
    ps.own_off = malloc(ps.cap * sizeof(*ps.own_off));
    if (ps.parts == NULL || ps.own_off == NULL)
        goto fail;
    piece(&ps, top, (size_t)(end - top), NONE);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < files[i].nrows; j++, k++) {
            if (k > 0)
                piece(&ps, ", ", 2, NONE);
            if (append_row(&ps, &files[i], &files[i].rows[j], &at[k]) != 0)
                goto fail;
        }
    piece(&ps, end, strlen(end), NONE);
    piece(&ps, "\n", 1, NONE);
    for (size_t q = 0; q < ps.n; q++)
        if (ps.own_off[q] != NONE)
            ps.parts[q].p = ps.own.p + ps.own_off[q];
    free(ps.own_off);
    out->parts = ps.parts;
    out->nparts = ps.n;
    out->own = ps.own.p;
    return 0;
fail:
    free(ps.parts);
    free(ps.own_off);
    free(ps.own.p);
    return -1;
}

void merge_text_free(struct merge_text *m)
{
    free(m->parts);
    free(m->own);
    cJSON_free(m->top);
    memset(m, 0, sizeof(*m));
}

int merge_build(const struct results_file *files, size_t n, int argc,
                char **argv, struct merge_text *out, char *err,
                size_t err_len)
{
    struct results_file all = { 0 };
    cJSON *machines = NULL, *merged = NULL, *models = NULL;
    char *top = NULL;
    struct place *at = NULL;
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        if (files[i].nrows == 0) {
            snprintf(err, err_len, "%s: results is empty; nothing to merge",
                     files[i].path);
            return -1;
        }
        if (files[i].text == NULL) {
            snprintf(err, err_len, "%s: read without its text "
                     "(RESULTS_KEEP_TEXT); cannot merge it", files[i].path);
            return -1;
        }
    }
    cJSON *root = new_root(argc, argv, &machines, &merged);
    if (root == NULL || merged_model(files, n, root, machines, merged,
                                     &all) != 0)
        goto oom;
    /* Each run's scaling models, as run writes them for one. */
    models = scaling_models_json(&all, err, err_len);
    if (models == NULL)
        goto fail;
    cJSON_AddItemToObject(root, "scaling_models", models);
    cJSON *first = cJSON_Duplicate(machines->child, 1);
    if (first == NULL ||
        !cJSON_ReplaceItemInObjectCaseSensitive(root, "machine", first)) {
        cJSON_Delete(first);
        goto oom;
    }
    /* The tree (its scaling models are most of it) and the rows' copy
     * go before the rows' text is assembled: a fleet's merge had them
     * all at once. */
    out->nmachines = (size_t)cJSON_GetArraySize(machines);
    top = cJSON_Print(root);
    cJSON_Delete(root);
    root = NULL;
    at = malloc((all.nrows + 1) * sizeof(*at));
    if (top == NULL || at == NULL)
        goto oom;
    for (size_t k = 0; k < all.nrows; k++)
        at[k] = (struct place){ all.rows[k].machine_index,
                                all.rows[k].run_index };
    out->nrows = all.nrows;
    free(all.rows);
    free(all.machines);
    memset(&all, 0, sizeof(all));
    if (print_file(top, files, n, out->nrows, at, out) != 0)
        goto oom;
    out->top = top;
    free(at);
    return 0;
oom:
    snprintf(err, err_len, "out of memory");
fail:
    cJSON_free(top);
    free(at);
    free(all.rows);
    free(all.machines);
    cJSON_Delete(root);
    return -1;
}

/* merge.c - `poolbench merge`: many results files into one.
 *
 * The inputs may be a fleet's (100,000 rows, hundreds of MB): no tree of
 * all rows is built, nor of all scaling models. The file's small parts
 * (machines, config) are a cJSON tree printed once; each row is copied
 * from its input's text into the gap the tree's empty "results" array
 * leaves, and each scaling model, printed as made, into the gap of its
 * empty "scaling_models". */
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

/* Give every row of files[0..n) its place in the merged file, in the
 * row itself: machine_index into machines (identical blocks kept once)
 * and run_index into merged (the input runs, a merged input's own runs
 * in turn). Returns 0, or -1 out of memory. */
static int place_rows(struct results_file *files, size_t n, cJSON *machines,
                      cJSON *merged)
{
    for (size_t i = 0; i < n; i++) {
        struct results_file *f = &files[i];
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
            slots[m] = (size_t)s;
        }
        if (add_runs(merged, f) != 0) {
            free(slots);
            return -1;
        }
        size_t nruns = (size_t)cJSON_GetArraySize(merged);
        for (size_t k = 0; k < f->nrows; k++) {
            struct results_row *row = &f->rows[k];
            long run = (long)run0;
            /* A merged input's rows keep their run (from the reader),
             * shifted. */
            if (row->run_index >= 0 &&
                run0 + (size_t)row->run_index < nruns)
                run += row->run_index;
            row->machine_index = slots[row->machine_index];
            row->run_index = run;
        }
        free(slots);
    }
    return 0;
}

/* Append o as cJSON prints it at the depth of an element of a top-level
 * array (results[], scaling_models[]): cJSON prints an object alone two
 * tabs less deep (the root object and the array each add one). Returns
 * 0, or -1 out of memory. */
static int append_nested(struct strbuf *b, const cJSON *o)
{
    char *text = cJSON_Print(o);
    if (text == NULL)
        return -1;
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
    cJSON_free(text);
    return b->oom ? -1 : 0;
}

/* scaling_model_fn: model printed onto the "scaling_models" text ctx. */
static int add_model(void *ctx, cJSON *model)
{
    struct strbuf *b = ctx;
    if (model != NULL && b->len > 0)
        strbuf_append(b, ", ", 2);
    int rc = model != NULL ? append_nested(b, model) : -1;
    cJSON_Delete(model);
    return rc;
}

/* The scaling models of files[0..n) as the elements of the merged
 * file's "scaling_models" into b, computed file by file: an instance is
 * one machine's and one run's, so no instance spans two inputs, and
 * one input's view at a time costs half a fleet's merge less. Returns
 * 0, or -1 with a message. */
static int models_text(const struct results_file *files, size_t n,
                       struct strbuf *b, char *err, size_t err_len)
{
    for (size_t i = 0; i < n; i++) {
        struct results_file one = {
            .path = (char *)"the results being written",
            .rows = files[i].rows, .nrows = files[i].nrows };
        if (scaling_models_each(&one, add_model, b, err, err_len) != 0)
            return -1;
    }
    return 0;
}

/* Append row as cJSON prints it (the input's object with its
 * machine_index and run_index set), for rows that already carry those
 * keys (an input made by merge). Returns 0, or -1 out of memory. */
static int reprint_row(struct strbuf *b, const struct results_file *f,
                       const struct results_row *in)
{
    cJSON *o = results_row_json(f, in);
    int rc = -1;
    if (o != NULL &&
        set_number(o, "machine_index", (double)in->machine_index) == 0 &&
        set_number(o, "run_index", (double)in->run_index) == 0)
        rc = append_nested(b, o);
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
                      const struct results_row *in)
{
    const char *text = f->text + in->json_off;
    size_t len = in->json_len, off = ps->own.len;
    if (names(text, len, "\"machine_index\"") ||
        names(text, len, "\"run_index\"")) {
        if (reprint_row(&ps->own, f, in) != 0)
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
                  "%ld}", in->machine_index, in->run_index);
    piece(ps, NULL, ps->own.len - off, off);
    return ps->own.oom ? -1 : 0;
}

/* The ']' of top-level key's empty array in top (as cJSON prints it:
 * no string holds a raw newline or tab), or NULL. */
static const char *empty_array(const char *top, const char *key)
{
    char gap[64];
    snprintf(gap, sizeof(gap), "\n\t\"%s\":\t[]", key);
    const char *at = strstr(top, gap);
    return at != NULL ? at + strlen(gap) - 1 : NULL;
}

/* top (the printed file without rows or models) with the rows of
 * files[0..n) in its empty "results" array, the models text (which this
 * takes) in its empty "scaling_models" array, and a final newline, as
 * pieces into out. */
static int print_file(const char *top, struct strbuf *models,
                      const struct results_file *files, size_t n,
                      size_t nrows, struct merge_text *out)
{
    struct pieces ps = { .own = *models };
    const char *rows_end = empty_array(top, "results");
    const char *models_end = empty_array(top, "scaling_models");
    size_t models_len = models->len;
    memset(models, 0, sizeof(*models));
    ps.cap = 3 * nrows + 5;
    ps.parts = malloc(ps.cap * sizeof(*ps.parts));
    ps.own_off = malloc(ps.cap * sizeof(*ps.own_off));
    if (ps.parts == NULL || ps.own_off == NULL || rows_end == NULL ||
        models_end == NULL || models_end < rows_end)
        goto fail;
    piece(&ps, top, (size_t)(rows_end - top), NONE);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < files[i].nrows; j++, k++) {
            if (k > 0)
                piece(&ps, ", ", 2, NONE);
            if (append_row(&ps, &files[i], &files[i].rows[j]) != 0)
                goto fail;
        }
    piece(&ps, rows_end, (size_t)(models_end - rows_end), NONE);
    piece(&ps, NULL, models_len, 0);
    piece(&ps, models_end, strlen(models_end), NONE);
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

int merge_build(struct results_file *files, size_t n, int argc,
                char **argv, struct merge_text *out, char *err,
                size_t err_len)
{
    cJSON *machines = NULL, *merged = NULL;
    struct strbuf models = { 0 };
    char *top = NULL;
    size_t nrows = 0;
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
        nrows += files[i].nrows;
    }
    cJSON *root = new_root(argc, argv, &machines, &merged);
    if (root == NULL || place_rows(files, n, machines, merged) != 0 ||
        cJSON_AddArrayToObject(root, "scaling_models") == NULL)
        goto oom;
    /* Each run's scaling models, as run writes them for one. */
    if (models_text(files, n, &models, err, err_len) != 0)
        goto fail;
    cJSON *first = cJSON_Duplicate(machines->child, 1);
    if (first == NULL ||
        !cJSON_ReplaceItemInObjectCaseSensitive(root, "machine", first)) {
        cJSON_Delete(first);
        goto oom;
    }
    out->nmachines = (size_t)cJSON_GetArraySize(machines);
    out->nrows = nrows;
    top = cJSON_Print(root);
    cJSON_Delete(root);
    root = NULL;
    if (top == NULL || print_file(top, &models, files, n, nrows, out) != 0)
        goto oom;
    out->top = top;
    return 0;
oom:
    snprintf(err, err_len, "out of memory");
fail:
    cJSON_free(top);
    free(models.p);
    cJSON_Delete(root);
    return -1;
}

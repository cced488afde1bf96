/* pyfunc.c - a user's Python function, called once per item under the
 * Python executors (py-serial, py-pool, py-threadpool, py-tpe, py-ppe).
 *
 * -p func=MODULE:FUNCTION names the function; -p path=FILE.py loads the
 * module from that file (path=DIR puts DIR first on sys.path), else it is
 * imported from the interpreter's own path. Task i calls FUNCTION(item):
 * the int i (items=index), line i of a list file as a str (list=), or the
 * absolute path of file i of a tree as a str (dir=, or the built-in
 * corpus with items=files), i mod count past the end.
 *
 * The tasks run only in scripts/pypeer.py: native executors skip this
 * workload (peer_only), and run_task only fails its task.
 *
 * Value of task i: the first 8 bytes, big-endian, of the SHA-256 of the
 * UTF-8 text canon(return value): repr() for None, bool, int, float, str
 * and bytes; tuples and lists written as repr writes them with canon of
 * each element; dicts, sets and frozensets with their entries' canon
 * sorted. Any other type fails the row (its repr may hold an address).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "input.h"
#include "workload.h"

#define PYFUNC_DEFAULT_TASKS 1000 /* items = index, no -n */

enum {
    P_FUNC, P_PATH, P_ITEMS, P_DIR, P_LIST, P_FILES, P_SIZE_MB,
    P_CORPUS_SEED,
};

static const struct wl_param pyfunc_params[] = {
    { "func", WL_PARAM_STRING, NULL,
      "MODULE:FUNCTION called once per item", 0, 0, NULL },
    { "path", WL_PARAM_STRING, NULL,
      "FILE.py the module is loaded from, or DIR put first on sys.path "
      "(default: the interpreter's own path)", 0, 0, NULL },
    { "items", WL_PARAM_CHOICE, "auto",
      "what f gets: auto (list, dir, else index), index (int), lines "
      "(str) or files (str path; default the built-in corpus)", 0, 0,
      "auto|index|lines|files" },
    { "dir", WL_PARAM_STRING, NULL,
      "items: the files under PATH in sorted order", 0, 0, NULL },
    { "list", WL_PARAM_STRING, NULL,
      "items: the lines of FILE", 0, 0, NULL },
    INPUT_CORPUS_PARAMS,
    { 0 },
};

struct pyfunc_state {
    char *func;      /* MODULE:FUNCTION */
    char *path;      /* absolute, or NULL */
    struct input_set in;
    uint64_t ntasks;
};

static void pyfunc_release(void *state)
{
    struct pyfunc_state *st = state;
    if (st == NULL)
        return;
    input_free(&st->in);
    free(st->func);
    free(st->path);
    free(st);
}

/* [A-Za-z_][A-Za-z0-9_]* words joined by dots. */
static int dotted(const char *s, size_t len)
{
    int start = 1;
    if (len == 0)
        return 0;
    for (size_t k = 0; k < len; k++) {
        char c = s[k];
        int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '_';
        if (c == '.') {
            if (start)
                return 0;
            start = 1;
            continue;
        }
        if (!alpha && !(c >= '0' && c <= '9' && !start))
            return 0;
        start = 0;
    }
    return !start;
}

static int check_func(const char *func, char *err, size_t err_len)
{
    const char *colon = strchr(func, ':');
    if (colon == NULL || !dotted(func, (size_t)(colon - func)) ||
        !dotted(colon + 1, strlen(colon + 1))) {
        snprintf(err, err_len, "pyfunc: func=%s: expected MODULE:FUNCTION "
                 "(Python names, e.g. mymod:work or pkg.mod:Cls.method)",
                 func);
        return -1;
    }
    return 0;
}

static enum input_kind pyfunc_kind(const union wl_value *a)
{
    switch (a[P_ITEMS].c.index) {
    case 1: return INPUT_INDEX;
    case 2: return INPUT_LINES;
    case 3: return INPUT_FILES;
    }
    if (a[P_LIST].s != NULL)
        return INPUT_LINES;
    return a[P_DIR].s != NULL ? INPUT_FILES : INPUT_INDEX;
}

static int pyfunc_prepare(struct wl_setup *s)
{
    const union wl_value *a = s->args;
    struct stat sb;
    if (a[P_FUNC].s == NULL) {
        snprintf(s->err, s->err_len, "pyfunc: no function; give -p "
                 "func=MODULE:FUNCTION (and -p path=FILE.py)");
        return -1;
    }
    if (check_func(a[P_FUNC].s, s->err, s->err_len) != 0)
        return -1;
    struct pyfunc_state *st = calloc(1, sizeof(*st));
    if (st == NULL || (st->func = strdup(a[P_FUNC].s)) == NULL) {
        snprintf(s->err, s->err_len, "out of memory");
        free(st);
        return -1;
    }
    if (a[P_PATH].s != NULL) {
        st->path = realpath(a[P_PATH].s, NULL);
        if (st->path == NULL || stat(st->path, &sb) != 0 ||
            !(S_ISREG(sb.st_mode) || S_ISDIR(sb.st_mode))) {
            snprintf(s->err, s->err_len, "pyfunc: path=%s: %s; expected a "
                     "FILE.py or a folder", a[P_PATH].s,
                     st->path == NULL ? strerror(errno)
                                      : "not a file or folder");
            goto fail;
        }
    }
    struct input_spec spec = {
        .kind = pyfunc_kind(a), .list = a[P_LIST].s, .dir = a[P_DIR].s,
        .cache_dir = s->cache_dir, .corpus = input_corpus_spec(&a[P_FILES]),
    };
    if (input_setup(&st->in, &spec, "pyfunc: items", s->ntasks, PYFUNC_DEFAULT_TASKS, &st->ntasks,
                    s->err, s->err_len) != 0)
        goto fail;
    s->state = st;
    s->ntasks_out = st->ntasks;
    return 0;
fail:
    pyfunc_release(st);
    return -1;
}

/* Only a Python peer runs these tasks (plan.c never pairs pyfunc with a
 * native executor); a caller that does gets a failed task, not a guess. */
static void pyfunc_run_task(void *state, void *wstate, uint64_t i,
                            struct task_result *out)
{
    (void)state;
    (void)wstate;
    (void)i;
    out->status = TASK_ERROR;
    out->error = ENOTSUP;
}

static void items_json(const struct pyfunc_state *st, FILE *out)
{
    const struct input_set *in = &st->in;
    if (in->kind == INPUT_LINES) {
        fputs(",\"items\":\"lines\",\"lines\":[", out);
        for (size_t k = 0; k < in->nlines; k++) {
            fputs(k ? "," : "", out);
            corpus_json_string(out, in->lines[k]);
        }
        fputc(']', out);
        return;
    }
    if (in->kind != INPUT_FILES) {
        fputs(",\"items\":\"index\"", out);
        return;
    }
    fputs(",\"items\":\"files\",\"root\":", out);
    corpus_json_string(out, in->c.root);
    fputs(",\"files\":[", out);
    for (size_t k = 0; k < in->c.count; k++) {
        fputs(k ? "," : "", out);
        corpus_json_string(out, corpus_path(&in->c, k));
    }
    fputs("],\"errs\":[", out);
    int first = 1;
    for (size_t k = 0; k < in->c.count; k++) {
        if (in->c.files[k].err == 0)
            continue;
        fprintf(out, "%s[%zu,%d]", first ? "" : ",", k,
                (int)in->c.files[k].err);
        first = 0;
    }
    fputc(']', out);
}

/* {"func": "mod:f", "path": "/abs/mod.py" or null, "items": "index" |
 *  "lines" (+ "lines": [...]) | "files" (+ "root", "files", "errs")} */
static int pyfunc_peer(void *state, FILE *out, char *err, size_t err_len)
{
    const struct pyfunc_state *st = state;
    fputs("{\"func\":", out);
    corpus_json_string(out, st->func);
    fputs(",\"path\":", out);
    if (st->path != NULL)
        corpus_json_string(out, st->path);
    else
        fputs("null", out);
    items_json(st, out);
    fputc('}', out);
    if (ferror(out)) {
        snprintf(err, err_len, "pyfunc: out of memory");
        return -1;
    }
    return 0;
}

const struct workload wl_pyfunc = {
    .abi = WORKLOAD_ABI,
    .name = "pyfunc",
    .summary = "your Python function once per item, under the py-* "
               "executors (Pool, ThreadPool, TPE, PPE, a loop)",
    .value_doc = "first 8 bytes of SHA-256 of canon(f(item)) (repr, "
                 "containers sorted), big-endian",
    .params = pyfunc_params,
    .default_tasks = 0,
    .prepare = pyfunc_prepare,
    .run_task = pyfunc_run_task,
    .release = pyfunc_release,
    .peer = pyfunc_peer,
    .peer_only = 1,
};

/* hyperfine.c - hyperfine's --export-json into a poolbench/1 results file.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hyperfine.h"
#include "bounds.h"
#include "machine.h"
#include "results.h"
#include "stats.h"
#include "view.h"

#define HF_MAX_BYTES (64u * 1024 * 1024)
#define HF_MAX_ARGS 256
#define HF_MAX_TIMES 1000000

/* What a `poolbench run` command line says about its configuration. */
struct hf_cmd {
    int poolbench;              /* it is a `poolbench run` */
    char workload[128];
    char executor[64];
    unsigned workers;
    unsigned long long tasks;   /* 0 = unknown */
    char mode[16];
    unsigned long long chunk;   /* 0 = auto */
    char transport[8];
    char *params[HF_MAX_ARGS];  /* "k=v" pointing into words */
    size_t nparams;
    char words[8192];           /* the split command line */
};

static int hf_fail(char *err, size_t err_len, const char *name,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int hf_fail(char *err, size_t err_len, const char *name,
                   const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(err, err_len, "%s: %s", name, msg);
    return -1;
}

/* Split cmd into words (single and double quotes group, no escapes). */
static size_t split_words(const char *cmd, char *store, size_t store_len,
                          char **words, size_t max)
{
    size_t n = 0, used = 0;
    const char *s = cmd;
    while (*s != '\0' && n < max) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0')
            break;
        words[n++] = store + used;
        char quote = 0;
        while (*s != '\0' && (quote || (*s != ' ' && *s != '\t'))) {
            if (!quote && (*s == '\'' || *s == '"'))
                quote = *s;
            else if (quote && *s == quote)
                quote = 0;
            else if (used + 1 < store_len)
                store[used++] = *s;
            s++;
        }
        if (used < store_len)
            store[used++] = '\0';
    }
    if (store_len > 0)
        store[store_len - 1] = '\0';
    return n;
}

/* Value of option word k (short -x V, -xV, long --name V, --name=V). */
static const char *opt_value(char **w, size_t n, size_t *k,
                             const char *shrt, const char *lng)
{
    const char *a = w[*k];
    size_t ll = strlen(lng);
    if (strcmp(a, shrt) == 0 || strcmp(a, lng) == 0)
        return *k + 1 < n ? w[++*k] : NULL;
    if (strncmp(a, lng, ll) == 0 && a[ll] == '=')
        return a + ll + 1;
    if (shrt[0] != '\0' && strncmp(a, shrt, 2) == 0 && a[2] != '\0' &&
        a[1] != '-')
        return a + 2;
    return NULL;
}

static void parse_command(const char *cmd, struct hf_cmd *c)
{
    char *w[HF_MAX_ARGS];
    memset(c, 0, sizeof(*c));
    snprintf(c->workload, sizeof(c->workload), "command");
    snprintf(c->executor, sizeof(c->executor), "process");
    snprintf(c->mode, sizeof(c->mode), "unordered");
    snprintf(c->transport, sizeof(c->transport), "none");
    c->workers = 1;
    size_t n = split_words(cmd, c->words, sizeof(c->words), w, HF_MAX_ARGS);
    size_t k = 0;
    for (; k + 1 < n; k++) {
        const char *base = strrchr(w[k], '/');
        base = base != NULL ? base + 1 : w[k];
        if (strcmp(base, "poolbench") == 0 && strcmp(w[k + 1], "run") == 0)
            break;
    }
    if (k + 1 >= n)
        return;
    c->poolbench = 1;
    snprintf(c->workload, sizeof(c->workload), "all");
    snprintf(c->executor, sizeof(c->executor), "all");
    for (k += 2; k < n; k++) {
        const char *v;
        size_t at = k;
        if ((v = opt_value(w, n, &k, "-w", "--workloads")) != NULL)
            snprintf(c->workload, sizeof(c->workload), "%s", v);
        else if ((k = at, v = opt_value(w, n, &k, "-e", "--executors")))
            snprintf(c->executor, sizeof(c->executor), "%s", v);
        else if ((k = at, v = opt_value(w, n, &k, "-j", "--workers")))
            c->workers = (unsigned)strtoul(v, NULL, 10);
        else if ((k = at, v = opt_value(w, n, &k, "-n", "--tasks")))
            c->tasks = strtoull(v, NULL, 10);
        else if ((k = at, v = opt_value(w, n, &k, "", "--mode")))
            snprintf(c->mode, sizeof(c->mode), "%s", v);
        else if ((k = at, v = opt_value(w, n, &k, "", "--chunk")))
            c->chunk = strtoull(v, NULL, 10);
        else if ((k = at, v = opt_value(w, n, &k, "", "--transport")))
            snprintf(c->transport, sizeof(c->transport), "%s", v);
        else if ((k = at, v = opt_value(w, n, &k, "-p", "--param")) &&
                 c->nparams < HF_MAX_ARGS && strchr(v, '=') != NULL)
            c->params[c->nparams++] = (char *)v;
        else
            k = at;
    }
    if (c->workers == 0)
        c->workers = 1;
    if (strcmp(c->mode, "ordered") != 0)
        snprintf(c->mode, sizeof(c->mode), "unordered");
    if (strcmp(c->executor, "procs") == 0 &&
        strcmp(c->transport, "pipe") != 0)
        snprintf(c->transport, sizeof(c->transport), "shm");
}

/* A finite number >= 0 at key of o, or -1 with a message. */
static int want_num(const cJSON *o, const char *key, const char *name,
                    size_t idx, int nullable, double *out, char *err,
                    size_t err_len)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    if (nullable && (j == NULL || cJSON_IsNull(j))) {
        *out = NAN;
        return 0;
    }
    if (!cJSON_IsNumber(j) || !isfinite(j->valuedouble) ||
        j->valuedouble < 0)
        return hf_fail(err, err_len, name, "results[%zu].%s: expected a "
                       "number of seconds >= 0%s", idx, key,
                       j == NULL ? ", found nothing" : "");
    *out = j->valuedouble;
    return 0;
}

/* A parameter value as a JSON number when it is a whole number (as the
 * driver writes integer parameters), else as the string given. */
static cJSON *param_item(const char *v)
{
    char *end;
    errno = 0;
    long long i = strtoll(v, &end, 10);
    if (v[0] != '\0' && *end == '\0' && errno == 0 &&
        i > -(1LL << 53) && i < (1LL << 53))
        return cJSON_CreateNumber((double)i);
    return cJSON_CreateString(v);
}

/* One hyperfine result's numbers, checked. */
struct hf_row {
    const char *command;
    double mean, sd, median, min, max, user, sys;
    double *times;              /* owned */
    int ntimes;
    unsigned long long nonzero; /* runs that exited non-zero */
    const cJSON *params;        /* "parameters", or NULL */
};

/* Read and check result idx of a hyperfine file into *h. Returns 0, or
 * -1 with a message naming the field. */
static int read_hf_row(const cJSON *r, size_t idx, const char *name,
                       struct hf_row *h, char *err, size_t err_len)
{
    const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(r, "command");
    memset(h, 0, sizeof(*h));
    if (!cJSON_IsObject(r))
        return hf_fail(err, err_len, name, "results[%zu]: expected an "
                       "object", idx);
    if (!cJSON_IsString(cmd) || cmd->valuestring[0] == '\0')
        return hf_fail(err, err_len, name, "results[%zu].command: expected "
                       "the command line as a string", idx);
    h->command = cmd->valuestring;
    if (want_num(r, "mean", name, idx, 0, &h->mean, err, err_len) ||
        want_num(r, "stddev", name, idx, 1, &h->sd, err, err_len) ||
        want_num(r, "median", name, idx, 0, &h->median, err, err_len) ||
        want_num(r, "min", name, idx, 0, &h->min, err, err_len) ||
        want_num(r, "max", name, idx, 0, &h->max, err, err_len) ||
        want_num(r, "user", name, idx, 0, &h->user, err, err_len) ||
        want_num(r, "system", name, idx, 0, &h->sys, err, err_len))
        return -1;
    const cJSON *times = cJSON_GetObjectItemCaseSensitive(r, "times");
    h->ntimes = cJSON_GetArraySize(times);
    if (!cJSON_IsArray(times) || h->ntimes < 1 ||
        h->ntimes > HF_MAX_TIMES)
        return hf_fail(err, err_len, name, "results[%zu].times: expected a "
                       "non-empty array of run times in seconds", idx);
    h->times = malloc((size_t)h->ntimes * sizeof(*h->times));
    if (h->times == NULL)
        return hf_fail(err, err_len, name, "out of memory");
    int k = 0;
    for (const cJSON *t = times->child; t != NULL; t = t->next, k++) {
        if (!cJSON_IsNumber(t) || !isfinite(t->valuedouble) ||
            t->valuedouble < 0) {
            free(h->times);
            return hf_fail(err, err_len, name, "results[%zu].times[%d]: "
                           "expected a number of seconds >= 0", idx, k);
        }
        h->times[k] = t->valuedouble;
    }
    const cJSON *codes = cJSON_GetObjectItemCaseSensitive(r, "exit_codes");
    for (const cJSON *x = cJSON_IsArray(codes) ? codes->child : NULL;
         x != NULL; x = x->next)
        if (!cJSON_IsNumber(x) || x->valuedouble != 0)
            h->nonzero++;
    h->params = cJSON_GetObjectItemCaseSensitive(r, "parameters");
    if (h->params != NULL && !cJSON_IsNull(h->params) &&
        !cJSON_IsObject(h->params)) {
        free(h->times);
        return hf_fail(err, err_len, name, "results[%zu].parameters: "
                       "expected an object of name: value", idx);
    }
    return 0;
}

/* The row's params: those of a poolbench command line, the command of
 * any other, and hyperfine's --parameter-* values (workload, executor,
 * workers and tasks among them set c's fields instead). */
static cJSON *row_params(const struct hf_row *h, struct hf_cmd *c)
{
    cJSON *pj = cJSON_CreateObject();
    for (size_t p = 0; p < c->nparams; p++) {
        char *eq = strchr(c->params[p], '=');
        *eq = '\0';
        const char *key = strchr(c->params[p], '.');
        key = key != NULL ? key + 1 : c->params[p];
        if (!cJSON_HasObjectItem(pj, key))
            cJSON_AddItemToObject(pj, key, param_item(eq + 1));
    }
    if (!c->poolbench)
        cJSON_AddStringToObject(pj, "command", h->command);
    for (const cJSON *p = h->params != NULL ? h->params->child : NULL;
         p != NULL; p = p->next) {
        const char *pv = cJSON_IsString(p) ? p->valuestring : NULL;
        char num[64];
        if (pv == NULL && cJSON_IsNumber(p)) {
            snprintf(num, sizeof(num), "%.17g", p->valuedouble);
            pv = num;
        }
        if (pv == NULL)
            continue;
        if (strcmp(p->string, "workload") == 0)
            snprintf(c->workload, sizeof(c->workload), "%s", pv);
        else if (strcmp(p->string, "executor") == 0)
            snprintf(c->executor, sizeof(c->executor), "%s", pv);
        else if (strcmp(p->string, "workers") == 0)
            c->workers = (unsigned)strtoul(pv, NULL, 10);
        else if (strcmp(p->string, "tasks") == 0)
            c->tasks = strtoull(pv, NULL, 10);
        else if (!cJSON_HasObjectItem(pj, p->string))
            cJSON_AddItemToObject(pj, p->string, param_item(pv));
    }
    if (c->workers < 1 || c->workers > POOLBENCH_MAX_WORKERS)
        c->workers = 1;
    return pj;
}

/* hyperfine's own summary, kept beside the samples. */
static void add_hyperfine(cJSON *o, const struct hf_row *h)
{
    cJSON *hf = cJSON_AddObjectToObject(o, "hyperfine");
    cJSON_AddNumberToObject(hf, "mean", h->mean);
    if (isfinite(h->sd))
        cJSON_AddNumberToObject(hf, "stddev", h->sd);
    else
        cJSON_AddNullToObject(hf, "stddev");
    cJSON_AddNumberToObject(hf, "median", h->median);
    cJSON_AddNumberToObject(hf, "min", h->min);
    cJSON_AddNumberToObject(hf, "max", h->max);
    cJSON_AddNumberToObject(hf, "user", h->user);
    cJSON_AddNumberToObject(hf, "system", h->sys);
}

static cJSON *convert_one(const cJSON *r, size_t idx, const char *name,
                          char *err, size_t err_len)
{
    struct hf_row h;
    struct hf_cmd c;
    char why[128];
    if (read_hf_row(r, idx, name, &h, err, err_len) != 0)
        return NULL;
    parse_command(h.command, &c);
    if (h.nonzero > 0)
        snprintf(why, sizeof(why), "%llu of %d runs exited non-zero",
                 h.nonzero, h.ntimes);
    struct results_row_head head = {
        .workload = c.workload, .executor = c.executor,
        .mode = c.mode, .chunk = c.chunk > 0 ? c.chunk : 1,
        .chunk_auto = c.chunk == 0, .transport = c.transport,
        .errors = h.nonzero,
        /* Nothing was folded: hyperfine sees exit codes, not values. */
        .checksum = "0000000000000000",
        .failure = h.nonzero > 0 ? why : NULL,
    };
    head.params = row_params(&h, &c);
    head.workers = c.workers;
    head.tasks = c.tasks;
    cJSON *o = results_row_new(&head);
    if (o == NULL) {
        free(h.times);
        hf_fail(err, err_len, name, "out of memory");
        return NULL;
    }
    cJSON_AddObjectToObject(o, "errors_by_kind");
    cJSON_AddNumberToObject(o, "worker_deaths", 0);
    cJSON_AddStringToObject(o, "command", h.command);
    if (c.poolbench && strcmp(c.workload, "noop") == 0 && c.tasks == 1)
        cJSON_AddStringToObject(o, "role", "baseline");
    results_row_add_series(o, "samples", RESULTS_WALL_S, h.times,
                           (size_t)h.ntimes, 1);
    results_row_add_series(o, "samples", RESULTS_USER_S, &h.user, 1, 0);
    results_row_add_series(o, "samples", RESULTS_SYS_S, &h.sys, 1, 0);
    add_hyperfine(o, &h);
    free(h.times);
    return o;
}


int hyperfine_convert(const char *name, const char *text, size_t len,
                      long long mtime, cJSON **out, char *err,
                      size_t err_len)
{
    *out = NULL;
    if (len == 0)
        return hf_fail(err, err_len, name, "empty file; expected hyperfine "
                       "--export-json output");
    cJSON *in = cJSON_ParseWithLength(text, len);
    if (in == NULL)
        return hf_fail(err, err_len, name, "not valid JSON; expected "
                       "hyperfine --export-json output");
    const cJSON *results = cJSON_GetObjectItemCaseSensitive(in, "results");
    if (!cJSON_IsObject(in) || !cJSON_IsArray(results)) {
        cJSON_Delete(in);
        return hf_fail(err, err_len, name, "no \"results\" array; expected "
                       "hyperfine --export-json output");
    }
    if (cJSON_GetArraySize(results) == 0) {
        cJSON_Delete(in);
        return hf_fail(err, err_len, name, "\"results\" is empty: hyperfine "
                       "timed no command");
    }
    cJSON *root = cJSON_CreateObject();
    char created[64];
    time_t t = (time_t)mtime;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_AddStringToObject(root, "schema", RESULTS_SCHEMA);
    cJSON_AddStringToObject(root, "created", created);
    struct machine_info m;
    machine_read(&m);
    cJSON_AddItemToObject(root, "machine", machine_to_json(&m));
    cJSON *cfg = cJSON_AddObjectToObject(root, "config");
    cJSON_AddStringToObject(cfg, "source", "hyperfine");
    cJSON_AddStringToObject(cfg, "hyperfine_file", name);
    cJSON *rows = cJSON_AddArrayToObject(root, "results");
    size_t idx = 0;
    for (const cJSON *r = results->child; r != NULL; r = r->next, idx++) {
        cJSON *row = convert_one(r, idx, name, err, err_len);
        if (row == NULL) {
            cJSON_Delete(in);
            cJSON_Delete(root);
            return -1;
        }
        cJSON_AddItemToArray(rows, row);
    }
    cJSON_Delete(in);
    /* Speedups against the same instance's fastest serial row (whole
     * processes, so start-up included), as every reader computes them. */
    if (view_derive_json(root, NULL, err, err_len) != 0) {
        cJSON_Delete(root);
        return -1;
    }
    *out = root;
    return 0;
}

int hyperfine_convert_file(const char *in, cJSON **root, char *err,
                           size_t err_len)
{
    struct stat st;
    size_t len;
    char *text = results_read_input(in, "a hyperfine --export-json file",
                                    HF_MAX_BYTES, &len, &st, err, err_len);
    if (text == NULL)
        return -1;
    int rc = hyperfine_convert(in, text, len, (long long)st.st_mtime, root,
                               err, err_len);
    free(text);
    return rc;
}

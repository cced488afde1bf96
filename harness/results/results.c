/* results.c - reading poolbench/1: a validating reader that turns a file
 * into rows (writing is in results_write.c). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "bounds.h"
#include "results.h"
#include "results_impl.h"
#include "textesc.h"

/* ---- terminal safety -------------------------------------------------- */

void results_term_safe(char *buf, size_t len)
{
    char *copy = strdup(buf);
    if (copy == NULL)
        return;
    textesc_ctl(copy, buf, len);
    free(copy);
}

/* ---- reading ---------------------------------------------------------- */

/* Reader state: where we are, for messages like results[3].samples. */
struct reader {
    const char *name;
    char *err;
    size_t err_len;
};

/* Whether an allocation of the reader failed on this thread since the
 * last load began. cJSON_Parse returns NULL for a failed allocation as
 * for bad text: its allocations go through json_malloc, which notes a
 * failure here, so that a big file read without memory is not called
 * invalid. */
_Thread_local int results_reader_oom;

static void *json_malloc(size_t size)
{
    void *p = malloc(size);
    if (p == NULL)
        results_reader_oom = 1;
    return p;
}

/* cJSON's hooks are global; set them once, before the first parse. */
static void json_hooks(void)
{
    static int set;
    if (!set) {
        cJSON_Hooks hooks = { .malloc_fn = json_malloc, .free_fn = free };
        cJSON_InitHooks(&hooks);
        set = 1;
    }
}

int results_out_of_memory(void)
{
    return results_reader_oom;
}

static int oom(struct reader *r)
{
    results_reader_oom = 1;
    snprintf(r->err, r->err_len, "out of memory reading %s", r->name);
    results_term_safe(r->err, r->err_len);
    return -1;
}

static int fail(struct reader *r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(r->err, r->err_len, "%s: %s", r->name, msg);
    /* Messages quote the file's strings: keep them off the terminal. */
    results_term_safe(r->err, r->err_len);
    return -1;
}

/* Offset of the first byte that is not valid UTF-8, or -1. */
static long utf8_invalid_at(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return (long)i;
        }
        for (size_t k = 1; k <= n; k++) {
            if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
                return (long)i;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        /* Overlong forms, surrogates and values past U+10FFFF. */
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
            (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return (long)i;
        i += n + 1;
    }
    return -1;
}

static int depth_of(const cJSON *j)
{
    int best = 0;
    for (const cJSON *c = j->child; c != NULL; c = c->next) {
        int d = depth_of(c);
        if (d > best)
            best = d;
    }
    return best + 1;
}

static const char *type_name(const cJSON *j)
{
    if (j == NULL)
        return "nothing";
    if (cJSON_IsString(j))
        return "a string";
    if (cJSON_IsNumber(j))
        return "a number";
    if (cJSON_IsBool(j))
        return "a boolean";
    if (cJSON_IsNull(j))
        return "null";
    if (cJSON_IsArray(j))
        return "an array";
    if (cJSON_IsObject(j))
        return "an object";
    return "something else";
}

static int want_string(struct reader *r, const cJSON *o, const char *where,
                       const char *key, int nullable, const char **out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    if (nullable && (j == NULL || cJSON_IsNull(j))) {
        *out = NULL;
        return 0;
    }
    if (!cJSON_IsString(j))
        return fail(r, "%s.%s: expected a string, found %s", where, key,
                    type_name(j));
    *out = j->valuestring;
    return 0;
}

/* A finite number in [min, max]; whole when whole is set. */
static int want_number(struct reader *r, const cJSON *o, const char *where,
                       const char *key, double min, double max, int whole,
                       double *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(j))
        return fail(r, "%s.%s: expected a number, found %s", where, key,
                    type_name(j));
    double v = j->valuedouble;
    if (!isfinite(v))
        return fail(r, "%s.%s: expected a finite number", where, key);
    if (v < min || v > max || (whole && v != floor(v)))
        return fail(r, "%s.%s: %g is out of range; expected %s from %g "
                    "to %g", where, key, v, whole ? "a whole number" :
                    "a number", min, max);
    *out = v;
    return 0;
}

/* An optional number that may be absent or null (then NAN). */
static int want_optional_number(struct reader *r, const cJSON *o,
                                const char *where, const char *key,
                                double *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = NAN;
    if (j == NULL || cJSON_IsNull(j))
        return 0;
    if (!cJSON_IsNumber(j) || !isfinite(j->valuedouble))
        return fail(r, "%s.%s: expected a finite number or null, found %s",
                    where, key, type_name(j));
    *out = j->valuedouble;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "k=v,k=v" with keys sorted, so equal parameter sets compare equal. */
static int canonical_params(struct reader *r, const cJSON *params,
                            const char *where, char **out)
{
    size_t n = (size_t)cJSON_GetArraySize(params);
    char **items = calloc(n + 1, sizeof(*items));
    size_t total = 1;
    int rc = -1;
    if (items == NULL)
        return oom(r);
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
            fail(r, "%s.params.%s: expected a string, number or boolean, "
                 "found %s", where, c->string, type_name(c));
            goto out;
        }
        size_t len = strlen(c->string) + strlen(val) + 2;
        items[k] = malloc(len);
        if (items[k] == NULL) {
            oom(r);
            goto out;
        }
        snprintf(items[k], len, "%s=%s", c->string, val);
        total += len;
    }
    qsort(items, n, sizeof(*items), cmp_str);
    *out = malloc(total);
    if (*out == NULL) {
        oom(r);
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
    struct reader r = { "params", err, err_len };
    *out = NULL;
    if (!cJSON_IsObject(params))
        return fail(&r, "expected an object");
    return canonical_params(&r, params, "params", out);
}

static int read_samples(struct reader *r, const cJSON *samples,
                        const char *where, struct results_row *row)
{
    if (!cJSON_IsObject(samples))
        return fail(r, "%s.samples: expected an object, found %s", where,
                    type_name(samples));
    size_t n = (size_t)cJSON_GetArraySize(samples);
    row->series = calloc(n > 0 ? n : 1, sizeof(*row->series));
    if (row->series == NULL)
        return oom(r);
    for (const cJSON *a = samples->child; a != NULL; a = a->next) {
        if (!cJSON_IsArray(a))
            return fail(r, "%s.samples.%s: expected an array of numbers, "
                        "found %s", where, a->string, type_name(a));
        struct results_series *s = &row->series[row->nseries++];
        s->name = a->string;
        size_t m = (size_t)cJSON_GetArraySize(a);
        if (m > RESULTS_MAX_SAMPLES)
            return fail(r, "%s.samples.%s: %zu samples; at most %d are "
                        "accepted", where, a->string, m,
                        RESULTS_MAX_SAMPLES);
        s->v = malloc((m > 0 ? m : 1) * sizeof(*s->v));
        if (s->v == NULL)
            return oom(r);
        for (const cJSON *x = a->child; x != NULL; x = x->next) {
            if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
                return fail(r, "%s.samples.%s[%zu]: expected a finite "
                            "number, found %s", where, a->string, s->n,
                            type_name(x));
            if (x->valuedouble < 0)
                return fail(r, "%s.samples.%s[%zu]: %g is negative", where,
                            a->string, s->n, x->valuedouble);
            s->v[s->n++] = x->valuedouble;
        }
    }
    if (results_series_find(row, RESULTS_WALL_S) == NULL)
        return fail(r, "%s.samples: no wall_s array", where);
    return 0;
}

static int read_timeline(struct reader *r, const cJSON *tl,
                         const char *where, struct results_row *row)
{
    if (tl == NULL || cJSON_IsNull(tl))
        return 0;
    if (!cJSON_IsArray(tl))
        return fail(r, "%s.timeline: expected an array of [t_s, done] "
                    "pairs, found %s", where, type_name(tl));
    size_t n = (size_t)cJSON_GetArraySize(tl);
    row->timeline = calloc(n > 0 ? n : 1, sizeof(*row->timeline));
    if (row->timeline == NULL)
        return oom(r);
    for (const cJSON *p = tl->child; p != NULL; p = p->next) {
        const cJSON *t = cJSON_GetArrayItem(p, 0);
        const cJSON *d = cJSON_GetArrayItem(p, 1);
        if (!cJSON_IsArray(p) || cJSON_GetArraySize(p) != 2 ||
            !cJSON_IsNumber(t) || !cJSON_IsNumber(d) ||
            !isfinite(t->valuedouble) || t->valuedouble < 0 ||
            d->valuedouble < 0 || d->valuedouble > 1.8e19)
            return fail(r, "%s.timeline[%zu]: expected [t_s, done] with "
                        "t_s >= 0 and done >= 0", where, row->ntimeline);
        row->timeline[row->ntimeline].t_s = t->valuedouble;
        row->timeline[row->ntimeline].done = (uint64_t)d->valuedouble;
        row->ntimeline++;
    }
    return 0;
}

static int read_row(struct reader *r, cJSON *o, size_t idx,
                    size_t nmachines, struct results_row *row)
{
    char where[64];
    double v;
    snprintf(where, sizeof(where), "results[%zu]", idx);
    row->json = o;
    row->ns_per_task = row->speedup = row->efficiency = NAN;
    if (!cJSON_IsObject(o))
        return fail(r, "%s: expected an object, found %s", where,
                    type_name(o));
    if (want_string(r, o, where, "workload", 0, &row->workload) ||
        want_string(r, o, where, "executor", 0, &row->executor) ||
        want_string(r, o, where, "mode", 0, &row->mode) ||
        want_string(r, o, where, "transport", 0, &row->transport) ||
        want_string(r, o, where, "checksum", 0, &row->checksum) ||
        want_string(r, o, where, "failure", 1, &row->failure))
        return -1;
    if (strcmp(row->mode, "ordered") != 0 &&
        strcmp(row->mode, "unordered") != 0)
        return fail(r, "%s.mode: '%s'; expected ordered or unordered",
                    where, row->mode);
    if (strlen(row->checksum) != 16 ||
        strspn(row->checksum, "0123456789abcdef") != 16)
        return fail(r, "%s.checksum: '%s'; expected 16 lowercase hex "
                    "digits", where, row->checksum);
    if (want_number(r, o, where, "workers", 1,
                    POOLBENCH_MAX_WORKERS, 1, &v))
        return -1;
    row->workers = (unsigned)v;
    if (want_number(r, o, where, "chunk", 1, 1.8e19, 1, &v))
        return -1;
    row->chunk = (uint64_t)v;
    if (want_number(r, o, where, "tasks", 0, 1.8e19, 1, &v))
        return -1;
    row->tasks = (uint64_t)v;
    if (want_number(r, o, where, "errors", 0, 1.8e19, 1, &v))
        return -1;
    row->errors = (uint64_t)v;
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(o, "params");
    if (!cJSON_IsObject(params))
        return fail(r, "%s.params: expected an object, found %s", where,
                    type_name(params));
    if (canonical_params(r, params, where, &row->params) != 0)
        return -1;
    if (read_samples(r, cJSON_GetObjectItemCaseSensitive(o, "samples"),
                     where, row) != 0)
        return -1;
    if (read_timeline(r, cJSON_GetObjectItemCaseSensitive(o, "timeline"),
                      where, row) != 0)
        return -1;
    if (want_optional_number(r, o, where, "ns_per_task", &row->ns_per_task)
        || want_optional_number(r, o, where, "speedup", &row->speedup) ||
        want_optional_number(r, o, where, "efficiency", &row->efficiency))
        return -1;
    const cJSON *mi = cJSON_GetObjectItemCaseSensitive(o, "machine_index");
    if (mi != NULL) {
        if (want_number(r, o, where, "machine_index", 0,
                        (double)nmachines - 1, 1, &v))
            return -1;
        row->machine_index = (size_t)v;
    }
    row->run_index = -1;
    if (cJSON_GetObjectItemCaseSensitive(o, "run_index") != NULL) {
        if (want_number(r, o, where, "run_index", 0, 1e9, 1, &v))
            return -1;
        row->run_index = (long)v;
    }
    row->chunk_auto = cJSON_IsTrue(
        cJSON_GetObjectItemCaseSensitive(o, "chunk_auto"));
    if (want_string(r, o, where, "role", 1, &row->role) ||
        want_string(r, o, where, "command", 1, &row->command) ||
        want_string(r, o, where, "tasks_source", 1, &row->tasks_source) ||
        want_string(r, o, where, "workers_spec", 1, &row->workers_spec) ||
        want_string(r, o, where, "side", 1, &row->side))
        return -1;
    if (row->side != NULL && (strchr(row->workload, '@') == NULL ||
                              strcmp(strchr(row->workload, '@') + 1,
                                     row->side) != 0))
        return fail(r, "%s.side: '%s' but the workload is '%s'; an A/B "
                    "row's workload is NAME@SIDE", where, row->side,
                    row->workload);
    const cJSON *pr = cJSON_GetObjectItemCaseSensitive(o,
                                                       "precision_reached");
    row->precision_reached = -1;
    if (pr != NULL && !cJSON_IsNull(pr)) {
        if (!cJSON_IsBool(pr))
            return fail(r, "%s.precision_reached: expected true or false, "
                        "found %s", where, type_name(pr));
        row->precision_reached = cJSON_IsTrue(pr);
    }
    if (cJSON_GetObjectItemCaseSensitive(o, "disturbed") != NULL) {
        if (want_number(r, o, where, "disturbed", 0, 1e9, 1, &v))
            return -1;
        row->disturbed = (uint64_t)v;
    }
    return 0;
}

/* The top-level "ab" object of an A/B run (absent in other files): the
 * base and new sides' labels, two different strings. */
static int read_ab(struct reader *r, const cJSON *ab,
                   struct results_file *out)
{
    if (ab == NULL)
        return 0;
    if (!cJSON_IsObject(ab))
        return fail(r, "ab: expected an object, found %s", type_name(ab));
    if (want_string(r, ab, "ab", "base", 0, &out->ab_base) ||
        want_string(r, ab, "ab", "new", 0, &out->ab_new))
        return -1;
    if (strcmp(out->ab_base, out->ab_new) == 0)
        return fail(r, "ab: base and new are both '%s'; expected two "
                    "different labels", out->ab_base);
    return 0;
}

/* The top-level "warnings" array (absent in older files). */
static int read_warnings(struct reader *r, const cJSON *w,
                         struct results_file *out)
{
    if (w == NULL || cJSON_IsNull(w))
        return 0;
    if (!cJSON_IsArray(w))
        return fail(r, "warnings: expected an array of {kind, message, "
                    "result}, found %s", type_name(w));
    size_t n = (size_t)cJSON_GetArraySize(w);
    out->warnings = calloc(n > 0 ? n : 1, sizeof(*out->warnings));
    if (out->warnings == NULL)
        return oom(r);
    for (const cJSON *o = w->child; o != NULL; o = o->next) {
        struct results_warning *x = &out->warnings[out->nwarnings];
        char where[48];
        double v;
        snprintf(where, sizeof(where), "warnings[%zu]", out->nwarnings);
        if (!cJSON_IsObject(o))
            return fail(r, "%s: expected an object, found %s", where,
                        type_name(o));
        if (want_string(r, o, where, "kind", 0, &x->kind) ||
            want_string(r, o, where, "message", 0, &x->message) ||
            want_string(r, o, where, "remedy", 1, &x->remedy))
            return -1;
        const cJSON *res = cJSON_GetObjectItemCaseSensitive(o, "result");
        x->result = -1;
        if (res != NULL && !cJSON_IsNull(res)) {
            if (out->nrows == 0 ||
                want_number(r, o, where, "result", 0,
                            (double)out->nrows - 1, 1, &v))
                return out->nrows == 0
                           ? fail(r, "%s.result: no results to refer to",
                                  where)
                           : -1;
            x->result = (long)v;
        }
        out->nwarnings++;
    }
    return 0;
}

static int read_machine(struct reader *r, cJSON *m, const char *where,
                        struct results_machine *out)
{
    double v;
    if (!cJSON_IsObject(m))
        return fail(r, "%s: expected an object, found %s", where,
                    type_name(m));
    out->json = m;
    if (want_string(r, m, where, "hostname", 1, &out->hostname) ||
        want_string(r, m, where, "os", 1, &out->os) ||
        want_string(r, m, where, "kernel", 1, &out->kernel) ||
        want_string(r, m, where, "cpu_model", 1, &out->cpu_model) ||
        want_string(r, m, where, "affinity", 1, &out->affinity) ||
        want_string(r, m, where, "clocksource", 1, &out->clocksource) ||
        want_string(r, m, where, "governor", 1, &out->governor) ||
        want_string(r, m, where, "compiler", 1, &out->compiler) ||
        want_string(r, m, where, "build_type", 1, &out->build_type) ||
        want_string(r, m, where, "poolbench_version", 1, &out->version) ||
        want_string(r, m, where, "git_commit", 1, &out->git_commit))
        return -1;
    if (want_number(r, m, where, "cpus_online", 0, 1e6, 1, &v))
        return -1;
    out->cpus_online = (long)v;
    out->cpus_usable = out->cpus_online;
    const cJSON *aff = cJSON_GetObjectItemCaseSensitive(m, "affinity_count");
    if (cJSON_IsNumber(aff) && aff->valuedouble >= 1 &&
        aff->valuedouble < (double)out->cpus_online)
        out->cpus_usable = (long)aff->valuedouble;
    if (want_number(r, m, where, "mem_total_bytes", 0, 1e20, 0, &v))
        return -1;
    out->mem_total_bytes = v;
    return 0;
}

/* The JSON text into out->root: valid UTF-8 without NUL bytes, one value
 * and nothing after it, not nested too deep. Returns 0 or -1. */
static int parse_text(struct reader *r, const char *text, size_t len,
                      struct results_file *out)
{
    if (len == 0)
        return fail(r, "empty file; expected a poolbench/1 results JSON");
    long bad_at = utf8_invalid_at((const unsigned char *)text, len);
    if (bad_at >= 0)
        return fail(r, "not valid UTF-8 at byte %ld; expected JSON text",
                    bad_at);
    if (memchr(text, '\0', len) != NULL)
        return fail(r, "contains a NUL byte; expected JSON text");
    const char *end = NULL;
    json_hooks();
    out->root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (out->root == NULL && results_reader_oom)
        return oom(r);
    if (out->root == NULL) {
        const char *at = cJSON_GetErrorPtr();
        long off = at != NULL && at >= text && at <= text + len
                       ? (long)(at - text) : -1;
        return fail(r, "not valid JSON (error near byte %ld%s)", off,
                    off >= (long)len - 1 ? ": truncated?" : "");
    }
    while (end != NULL && end < text + len &&
           (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
        end++;
    if (end != NULL && end < text + len)
        return fail(r, "text after the JSON value at byte %ld; expected one "
                    "object", (long)(end - text));
    if (depth_of(out->root) > RESULTS_MAX_DEPTH)
        return fail(r, "nested deeper than %d levels; not a results file",
                    RESULTS_MAX_DEPTH);
    return 0;
}

/* The tree in out->root, checked against the schema, into out. */
static int read_tree(struct reader *r, struct results_file *out)
{
    cJSON *root = out->root;
    if (!cJSON_IsObject(root)) {
        fail(r, "top level is %s; expected an object", type_name(root));
        return -1;
    }
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
    if (schema == NULL) {
        fail(r, "no \"schema\" field; expected \"%s\" (is this a "
             "poolbench results file?)", RESULTS_SCHEMA);
        return -1;
    }
    if (!cJSON_IsString(schema) ||
        strcmp(schema->valuestring, RESULTS_SCHEMA) != 0) {
        fail(r, "schema is %s%s%s; this poolbench reads \"%s\"",
             cJSON_IsString(schema) ? "\"" : "",
             cJSON_IsString(schema) ? schema->valuestring
                                    : type_name(schema),
             cJSON_IsString(schema) ? "\"" : "", RESULTS_SCHEMA);
        return -1;
    }
    if (want_string(r, root, "top level", "created", 0, &out->created))
        return -1;
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(root, "config"), "source");
    out->source = cJSON_IsString(src) ? src->valuestring : NULL;
    const cJSON *written = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(root, "config"), "output");
    out->output = NULL;
    if (cJSON_IsString(written) && written->valuestring[0] != '\0') {
        /* A name with a control character is not cited (it would be
         * printed into charts and pages): the file's own path is. */
        const unsigned char *c = (const unsigned char *)written->valuestring;
        while (*c >= 0x20 && *c != 0x7f)
            c++;
        out->output = *c == '\0' ? written->valuestring : NULL;
    }
    const cJSON *suite = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(root, "config"), "suite");
    out->suite = cJSON_IsString(suite) ? suite->valuestring : NULL;
    cJSON *machines = cJSON_GetObjectItemCaseSensitive(root, "machines");
    cJSON *machine = cJSON_GetObjectItemCaseSensitive(root, "machine");
    if (machines != NULL) {
        if (!cJSON_IsArray(machines) || cJSON_GetArraySize(machines) < 1) {
            fail(r, "machines: expected a non-empty array of objects");
            return -1;
        }
        out->nmachines = (size_t)cJSON_GetArraySize(machines);
    } else {
        out->nmachines = 1;
    }
    out->machines = calloc(out->nmachines, sizeof(*out->machines));
    if (out->machines == NULL) {
        oom(r);
        return -1;
    }
    if (machines != NULL) {
        size_t k = 0;
        for (cJSON *m = machines->child; m != NULL; m = m->next, k++) {
            char where[32];
            snprintf(where, sizeof(where), "machines[%zu]", k);
            if (read_machine(r, m, where, &out->machines[k]) != 0)
                return -1;
        }
    } else if (read_machine(r, machine, "machine", &out->machines[0])) {
        return -1;
    }
    cJSON *results = cJSON_GetObjectItemCaseSensitive(root, "results");
    if (!cJSON_IsArray(results)) {
        fail(r, "results: expected an array, found %s",
             type_name(results));
        return -1;
    }
    size_t n = (size_t)cJSON_GetArraySize(results);
    out->rows = calloc(n > 0 ? n : 1, sizeof(*out->rows));
    if (out->rows == NULL) {
        oom(r);
        return -1;
    }
    for (cJSON *o = results->child; o != NULL; o = o->next) {
        struct results_row *row = &out->rows[out->nrows++];
        if (read_row(r, o, out->nrows - 1, out->nmachines, row) != 0)
            return -1;
    }
    if (read_warnings(r, cJSON_GetObjectItemCaseSensitive(root, "warnings"),
                      out) != 0)
        return -1;
    return read_ab(r, cJSON_GetObjectItemCaseSensitive(root, "ab"), out);
}


int results_parse(const char *name, const char *text, size_t len,
                  struct results_file *out, char *err, size_t err_len)
{
    struct reader r = { name, err, err_len };
    results_reader_oom = 0;
    memset(out, 0, sizeof(*out));
    out->path = strdup(name);
    if (out->path == NULL)
        return oom(&r);
    if (parse_text(&r, text, len, out) != 0 || read_tree(&r, out) != 0) {
        results_free(out);
        return -1;
    }
    return 0;
}

int results_load(const char *path, struct results_file *out, char *err,
                 size_t err_len)
{
    size_t len;
    results_reader_oom = 0;
    memset(out, 0, sizeof(*out));
    char *buf = results_read_text(path, &len, err, err_len);
    if (buf == NULL)
        return -1;
    int rc = results_parse(path, buf, len, out, err, err_len);
    free(buf);
    return rc;
}

void results_free(struct results_file *f)
{
    for (size_t k = 0; k < f->nrows; k++) {
        struct results_row *row = &f->rows[k];
        for (size_t s = 0; s < row->nseries; s++)
            free(row->series[s].v);
        free(row->series);
        free(row->timeline);
        free(row->params);
    }
    free(f->rows);
    free(f->warnings);
    free(f->machines);
    cJSON_Delete(f->root);
    free(f->path);
    memset(f, 0, sizeof(*f));
}

const struct results_series *results_series_find(
    const struct results_row *row, const char *name)
{
    for (size_t k = 0; k < row->nseries; k++)
        if (strcmp(row->series[k].name, name) == 0)
            return &row->series[k];
    return NULL;
}

int results_row_stats(const struct results_row *row, const char *name,
                      struct stats_summary *out)
{
    const struct results_series *s = results_series_find(row, name);
    if (s == NULL || s->n == 0) {
        memset(out, 0, sizeof(*out));
        return -1;
    }
    return stats_summarize(s->v, s->n, out);
}

const char *results_cited_path(const struct results_file *f)
{
    return f->output != NULL ? f->output : f->path;
}

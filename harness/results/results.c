/* results.c - reading poolbench/1: a validating reader that turns a file
 * into rows (writing is in results_write.c). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "bounds.h"
#include "results.h"
#include "results_impl.h"

/* ---- reading ---------------------------------------------------------- */

/* Whether an allocation of the reader failed on this thread since the
 * last load began. cJSON_Parse returns NULL for a failed allocation as
 * for bad text: its allocations go through json_malloc, which notes a
 * failure here, so that a big file read without memory is not called
 * invalid. */
_Thread_local int results_reader_oom;

void *results_json_malloc(size_t size)
{
    void *p = malloc(size);
    if (p == NULL)
        results_reader_oom = 1;
    return p;
}

/* cJSON's hooks are global; set them once, before the first parse. */
void results_json_hooks(void)
{
    static int set;
    if (!set) {
        cJSON_Hooks hooks = {.malloc_fn = results_json_malloc,
                             .free_fn = free};
        cJSON_InitHooks(&hooks);
        set = 1;
    }
}

int results_out_of_memory(void)
{
    return results_reader_oom;
}

/* Offset of the first byte that is not valid UTF-8, or -1. */
static long utf8_invalid_at(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        uint32_t cp;
        uint64_t word;
        /* A results file is mostly ASCII: eight bytes at a time. */
        if (i + 8 <= len) {
            memcpy(&word, s + i, 8);
            if ((word & UINT64_C(0x8080808080808080)) == 0) {
                i += 8;
                continue;
            }
        }
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

/* The top-level "ab" object of an A/B run (absent in other files): the
 * base and new sides' labels, two different strings. */
static int read_ab(struct results_reader *r, const cJSON *ab,
                   struct results_file *out)
{
    if (ab == NULL)
        return 0;
    if (!cJSON_IsObject(ab))
        return results_fail(r, "ab: expected an object, found %s",
                            results_type_name(ab));
    if (results_want_string(r, ab, "ab", "base", 0, &out->ab_base) ||
        results_want_string(r, ab, "ab", "new", 0, &out->ab_new))
        return -1;
    if (strcmp(out->ab_base, out->ab_new) == 0)
        return results_fail(r,
                            "ab: base and new are both '%s'; expected two "
                            "different labels",
                            out->ab_base);
    return 0;
}

/* The top-level "warnings" array (absent in older files). */
static int read_warnings(struct results_reader *r, const cJSON *w,
                         struct results_file *out)
{
    if (w == NULL || cJSON_IsNull(w))
        return 0;
    if (!cJSON_IsArray(w))
        return results_fail(r,
                            "warnings: expected an array of {kind, message, "
                            "result}, found %s",
                            results_type_name(w));
    size_t n = (size_t)cJSON_GetArraySize(w);
    out->warnings = calloc(n > 0 ? n : 1, sizeof(*out->warnings));
    if (out->warnings == NULL)
        return results_oom(r);
    for (const cJSON *o = w->child; o != NULL; o = o->next) {
        struct results_warning *x = &out->warnings[out->nwarnings];
        char where[48];
        double v;
        snprintf(where, sizeof(where), "warnings[%zu]", out->nwarnings);
        if (!cJSON_IsObject(o))
            return results_fail(r, "%s: expected an object, found %s", where,
                                results_type_name(o));
        if (results_want_string(r, o, where, "kind", 0, &x->kind) ||
            results_want_string(r, o, where, "message", 0, &x->message) ||
            results_want_string(r, o, where, "remedy", 1, &x->remedy))
            return -1;
        const cJSON *res = cJSON_GetObjectItemCaseSensitive(o, "result");
        x->result = -1;
        if (res != NULL && !cJSON_IsNull(res)) {
            if (out->nrows == 0 ||
                results_want_number(r, o, where, "result", 0,
                                    (double)out->nrows - 1, 1, &v))
                return out->nrows == 0
                           ? results_fail(
                                 r, "%s.result: no results to refer to", where)
                           : -1;
            x->result = (long)v;
        }
        out->nwarnings++;
    }
    return 0;
}

static int read_machine(struct results_reader *r, cJSON *m, const char *where,
                        struct results_machine *out)
{
    double v;
    if (!cJSON_IsObject(m))
        return results_fail(r, "%s: expected an object, found %s", where,
                            results_type_name(m));
    out->json = m;
    if (results_want_string(r, m, where, "hostname", 1, &out->hostname) ||
        results_want_string(r, m, where, "os", 1, &out->os) ||
        results_want_string(r, m, where, "kernel", 1, &out->kernel) ||
        results_want_string(r, m, where, "cpu_model", 1, &out->cpu_model) ||
        results_want_string(r, m, where, "affinity", 1, &out->affinity) ||
        results_want_string(r, m, where, "clocksource", 1,
                            &out->clocksource) ||
        results_want_string(r, m, where, "governor", 1, &out->governor) ||
        results_want_string(r, m, where, "compiler", 1, &out->compiler) ||
        results_want_string(r, m, where, "build_type", 1, &out->build_type) ||
        results_want_string(r, m, where, "poolbench_version", 1,
                            &out->version) ||
        results_want_string(r, m, where, "git_commit", 1, &out->git_commit))
        return -1;
    if (results_want_number(r, m, where, "cpus_online", 0, 1e6, 1, &v))
        return -1;
    out->cpus_online = (long)v;
    out->cpus_usable = out->cpus_online;
    const cJSON *aff = cJSON_GetObjectItemCaseSensitive(m, "affinity_count");
    if (cJSON_IsNumber(aff) && aff->valuedouble >= 1 &&
        aff->valuedouble < (double)out->cpus_online)
        out->cpus_usable = (long)aff->valuedouble;
    if (results_want_number(r, m, where, "mem_total_bytes", 0, 1e20, 0, &v))
        return -1;
    out->mem_total_bytes = v;
    return 0;
}

/* The scan's verdict on the text as a message; 0 when it is fine. */
static int scan_verdict(struct results_reader *r, const struct results_scan *s,
                        size_t len)
{
    long off = (long)s->error_at;
    switch (s->status) {
    case RESULTS_SCAN_OK:
        return 0;
    case RESULTS_SCAN_OOM:
        return results_oom(r);
    case RESULTS_SCAN_DEEP:
        return results_fail(r,
                            "nested deeper than %d levels; not a results "
                            "file",
                            RESULTS_MAX_DEPTH);
    case RESULTS_SCAN_TRAILING:
        return results_fail(r,
                            "text after the JSON value at byte %ld; "
                            "expected one object",
                            off);
    case RESULTS_SCAN_TRUNCATED:
    case RESULTS_SCAN_SYNTAX:
        break;
    }
    return results_fail(r, "not valid JSON (error near byte %ld%s)", off,
                        off >= (long)len - 1 ? ": truncated?" : "");
}

/* The file without its rows into out->root: the text with the results
 * array cut to [] (its rows were read as the scan passed, see
 * take_elem), so the tree holds only the machine blocks, config and
 * warnings. */
static int parse_skeleton(struct results_reader *r, const char *text,
                          size_t len, const struct results_scan *s,
                          struct results_file *out)
{
    char *cut = NULL;
    if (s->found) {
        size_t tail = len - s->results_end;
        cut = malloc(s->results_off + 2 + tail + 1);
        if (cut == NULL)
            return results_oom(r);
        memcpy(cut, text, s->results_off);
        memcpy(cut + s->results_off, "[]", 2);
        memcpy(cut + s->results_off + 2, text + s->results_end, tail);
        len = s->results_off + 2 + tail;
        cut[len] = '\0';
        text = cut;
    }
    results_json_hooks();
    out->root = cJSON_ParseWithLength(text, len);
    free(cut);
    if (out->root == NULL && results_reader_oom)
        return results_oom(r);
    if (out->root == NULL)  /* the scan accepted it: cJSON should too */
        return results_fail(r, "not valid JSON");
    return 0;
}

/* What a results[] element that is not an object is, for messages. */
static const char *kind_name(enum results_elem_kind kind)
{
    switch (kind) {
    case RESULTS_ELEM_ARRAY:
        return "an array";
    case RESULTS_ELEM_STRING:
        return "a string";
    case RESULTS_ELEM_NUMBER:
        return "a number";
    case RESULTS_ELEM_BOOL:
        return "a boolean";
    case RESULTS_ELEM_NULL:
        return "null";
    case RESULTS_ELEM_OBJECT:
        break;
    }
    return "an object";
}

/* The rows as the scan hands them over, each checked as it comes. A
 * row's error waits in a buffer of its own: the rest of the text (its
 * syntax, then schema, machines, ...) is checked after the scan, and
 * its errors come first, as they did when the rows were read last. */
struct rows_in {
    struct results_reader r;    /* r.err: the first bad row's error */
    struct results_file *out;
    double *machine_index;      /* each row's (NAN when absent), checked
                                   once the machines are known: they
                                   may come after the rows */
    size_t cap;                 /* rows room */
    int failed;                 /* the last row read is bad */
};

static int grow_rows(struct rows_in *in)
{
    size_t cap = in->cap ? 2 * in->cap : 1024;
    struct results_row *rows = realloc(in->out->rows, cap * sizeof(*rows));
    if (rows != NULL)
        in->out->rows = rows;
    double *mi = realloc(in->machine_index, cap * sizeof(*mi));
    if (mi != NULL)
        in->machine_index = mi;
    if (rows == NULL || mi == NULL) {
        results_oom(&in->r);
        return -1;
    }
    in->cap = cap;
    return 0;
}

/* results_elem_fn: the next row, read from its tree into out->rows;
 * called no more after a bad one. */
static int take_elem(void *ctx, enum results_elem_kind kind, size_t off,
                     size_t len, const cJSON *tree)
{
    struct rows_in *in = ctx;
    size_t k = in->out->nrows;
    if (k == in->cap && grow_rows(in) != 0)
        return -1;
    struct results_row *row = &in->out->rows[in->out->nrows++];
    memset(row, 0, sizeof(*row));
    in->machine_index[k] = NAN;
    if (kind != RESULTS_ELEM_OBJECT) {
        results_fail(&in->r, "results[%zu]: expected an object, found %s", k,
                     kind_name(kind));
    } else if (tree == NULL) {
        results_fail(&in->r, "results[%zu]: not valid JSON", k);
    } else {
        row->json_off = off;
        row->json_len = len;
        if (results_read_row(&in->r, tree, k, row,
                             &in->machine_index[k]) == 0)
            return 0;
        if (results_reader_oom)
            return -1;
    }
    in->failed = 1;
    return 1;
}

/* The rows' verdict once the file's machines are known: each
 * machine_index in range (a bad row's too, when its check got that
 * far), then the bad row's error if there is one. */
static int rows_verdict(struct results_reader *r, struct rows_in *in,
                        struct results_file *out)
{
    char where[64];
    for (size_t k = 0; k < out->nrows; k++) {
        double v = in->machine_index[k];
        if (isnan(v))
            continue;
        snprintf(where, sizeof(where), "results[%zu]", k);
        if (results_check_range(r, where, "machine_index", v, 0,
                                (double)out->nmachines - 1, 1) != 0)
            return -1;
        out->rows[k].machine_index = (size_t)v;
    }
    if (in->failed) {
        snprintf(r->err, r->err_len, "%s", in->r.err);
        return -1;
    }
    if (out->rows == NULL)
        out->rows = calloc(1, sizeof(*out->rows));
    return out->rows == NULL ? results_oom(r) : 0;
}

/* The JSON text into out->root and its rows into in: valid UTF-8
 * without NUL bytes, one value and nothing after it, not nested too
 * deep. Returns 0 or -1. */
static int parse_text(struct results_reader *r, const char *text,
                      size_t len, struct rows_in *in,
                      struct results_file *out)
{
    struct results_scan scan;
    if (len == 0)
        return results_fail(r, "empty file; expected a poolbench/1 results "
                               "JSON");
    long bad_at = utf8_invalid_at((const unsigned char *)text, len);
    if (bad_at >= 0)
        return results_fail(r,
                            "not valid UTF-8 at byte %ld; expected JSON "
                            "text",
                            bad_at);
    if (memchr(text, '\0', len) != NULL)
        return results_fail(r, "contains a NUL byte; expected JSON text");
    results_scan_text(text, len, RESULTS_MAX_DEPTH, take_elem, in, &scan);
    if (scan_verdict(r, &scan, len) != 0)
        return -1;
    return parse_skeleton(r, text, len, &scan, out);
}

/* The tree in out->root checked against the schema, and the verdict on
 * the rows read into out (in). */
static int read_tree(struct results_reader *r, struct rows_in *in,
                     struct results_file *out)
{
    cJSON *root = out->root;
    if (!cJSON_IsObject(root)) {
        results_fail(r, "top level is %s; expected an object",
                     results_type_name(root));
        return -1;
    }
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
    if (schema == NULL) {
        results_fail(r,
                     "no \"schema\" field; expected \"%s\" (is this a "
                     "poolbench results file?)",
                     RESULTS_SCHEMA);
        return -1;
    }
    if (!cJSON_IsString(schema) ||
        strcmp(schema->valuestring, RESULTS_SCHEMA) != 0) {
        results_fail(r, "schema is %s%s%s; this poolbench reads \"%s\"",
                     cJSON_IsString(schema) ? "\"" : "",
                     cJSON_IsString(schema) ? schema->valuestring
                                            : results_type_name(schema),
                     cJSON_IsString(schema) ? "\"" : "", RESULTS_SCHEMA);
        return -1;
    }
    if (results_want_string(r, root, "top level", "created", 0, &out->created))
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
            results_fail(r, "machines: expected a non-empty array of objects");
            return -1;
        }
        out->nmachines = (size_t)cJSON_GetArraySize(machines);
    } else {
        out->nmachines = 1;
    }
    out->machines = calloc(out->nmachines, sizeof(*out->machines));
    if (out->machines == NULL) {
        results_oom(r);
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
        results_fail(r, "results: expected an array, found %s",
                     results_type_name(results));
        return -1;
    }
    if (rows_verdict(r, in, out) != 0)
        return -1;
    if (read_warnings(r, cJSON_GetObjectItemCaseSensitive(root, "warnings"),
                      out) != 0)
        return -1;
    return read_ab(r, cJSON_GetObjectItemCaseSensitive(root, "ab"), out);
}


int results_parse(const char *name, const char *text, size_t len,
                  struct results_file *out, char *err, size_t err_len)
{
    struct results_reader r = { name, err, err_len, NULL };
    struct rows_in in = { .out = out };
    int rc = -1;
    results_reader_oom = 0;
    memset(out, 0, sizeof(*out));
    out->path = strdup(name);
    out->pool = results_pool_new();
    in.r = (struct results_reader){ name, malloc(err_len), err_len,
                                    out->pool };
    r.pool = out->pool;
    if (out->path == NULL || out->pool == NULL || in.r.err == NULL)
        results_oom(&r);
    else if (parse_text(&r, text, len, &in, out) == 0 &&
             read_tree(&r, &in, out) == 0)
        rc = 0;
    if (rc != 0)
        results_free(out);
    free(in.r.err);
    free(in.machine_index);
    return rc;
}

int results_load_flags(const char *path, int flags, struct results_file *out,
                       char *err, size_t err_len)
{
    size_t len;
    results_reader_oom = 0;
    memset(out, 0, sizeof(*out));
    char *buf = results_read_text(path, &len, err, err_len);
    if (buf == NULL)
        return -1;
    int rc = results_parse(path, buf, len, out, err, err_len);
    if (rc == 0 && (flags & RESULTS_KEEP_TEXT)) {
        out->text = buf;
        out->text_len = len;
        return 0;
    }
    free(buf);
    return rc;
}

int results_load(const char *path, struct results_file *out, char *err,
                 size_t err_len)
{
    return results_load_flags(path, 0, out, err, err_len);
}

cJSON *results_row_json(const struct results_file *f,
                        const struct results_row *row)
{
    if (f->text == NULL || row->json_off + row->json_len > f->text_len)
        return NULL;
    results_json_hooks();
    return cJSON_ParseWithLength(f->text + row->json_off, row->json_len);
}

void results_free(struct results_file *f)
{
    free(f->rows);
    free(f->warnings);
    free(f->machines);
    cJSON_Delete(f->root);
    results_pool_free(f->pool);
    free(f->text);
    free(f->path);
    memset(f, 0, sizeof(*f));
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

/* results_scan.c - one pass of yajl (a streaming parser) over a results
 * file's text: checks its syntax and depth and finds where each row is,
 * without building a tree of the whole file (a cJSON tree costs about
 * nine times the text; a fleet's file is hundreds of MB). The reader
 * then parses one row at a time (results.c). */
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "results_impl.h"

/* The scan's state, the context of every callback. */
struct scan {
    yajl_handle h;
    struct results_scan *out;
    int depth;                  /* containers open */
    int max_depth;
    int results_key;            /* the last depth-1 key was "results" */
    int in_results;             /* inside the results array */
    size_t elem_off;            /* where the open element began */
    int stats_key;              /* the last key of a row was "stats" */
    size_t stats_off, stats_end; /* the open row's stats object */
    int done;                   /* the top-level value ended */
    size_t end;                 /* and here */
    int finishing;              /* in yajl_complete_parse: at the end */
    size_t len;                 /* of the text */
};

/* yajl's allocations, noted like cJSON's so that a file read without
 * memory is reported as such (yajl's own small buffers come first). */
static void *scan_malloc(void *ctx, size_t n)
{
    (void)ctx;
    void *p = malloc(n);
    if (p == NULL)
        results_reader_oom = 1;
    return p;
}

static void *scan_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    void *q = realloc(p, n);
    if (q == NULL)
        results_reader_oom = 1;
    return q;
}

static void scan_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

/* Offset just past the token the callback is about. */
static size_t pos(struct scan *s)
{
    /* yajl_complete_parse counts in a buffer of its own. */
    if (s->finishing)
        return s->len;
    return yajl_get_bytes_consumed(s->h);
}

static int push(struct scan *s, size_t off, size_t len,
                enum results_elem_kind kind)
{
    struct results_scan *o = s->out;
    if (o->nelems == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 1024;
        struct results_elem *e = realloc(o->elems, cap * sizeof(*e));
        if (e == NULL) {
            results_reader_oom = 1;
            o->status = RESULTS_SCAN_OOM;
            return 0;
        }
        o->elems = e;
        o->cap = cap;
    }
    o->elems[o->nelems++] = (struct results_elem){
        .off = off, .len = len, .kind = kind,
        .skip_off = s->stats_end > 0 ? s->stats_off : 0,
        .skip_len = s->stats_end > 0 ? s->stats_end - s->stats_off : 0 };
    s->stats_off = s->stats_end = 0;
    return 1;
}

/* A value begins at level depth + 1. Returns 0 to stop the parse. */
static int value(struct scan *s, enum results_elem_kind kind)
{
    if (s->depth + 1 > s->max_depth) {
        s->out->status = RESULTS_SCAN_DEEP;
        return 0;
    }
    if (s->in_results && s->depth == 2 && kind != RESULTS_ELEM_OBJECT)
        return push(s, 0, 0, kind);
    if (s->depth == 0 && kind != RESULTS_ELEM_OBJECT &&
        kind != RESULTS_ELEM_ARRAY) {
        /* A lone scalar: the whole value; stop to check what follows. */
        s->done = 1;
        s->end = pos(s);
        return 0;
    }
    return 1;
}

static int on_null(void *ctx)
{
    return value(ctx, RESULTS_ELEM_NULL);
}

static int on_bool(void *ctx, int b)
{
    (void)b;
    return value(ctx, RESULTS_ELEM_BOOL);
}

static int on_number(void *ctx, const char *n, size_t len)
{
    (void)n;
    (void)len;
    return value(ctx, RESULTS_ELEM_NUMBER);
}

static int on_string(void *ctx, const unsigned char *str, size_t len)
{
    (void)str;
    (void)len;
    return value(ctx, RESULTS_ELEM_STRING);
}

static int on_key(void *ctx, const unsigned char *key, size_t len)
{
    struct scan *s = ctx;
    if (s->depth == 1)
        s->results_key = !s->out->found && len == 7 &&
                         memcmp(key, "results", 7) == 0;
    if (s->in_results && s->depth == 3)
        s->stats_key = len == 5 && memcmp(key, "stats", 5) == 0;
    return 1;
}

static int on_start_map(void *ctx)
{
    struct scan *s = ctx;
    if (!value(s, RESULTS_ELEM_OBJECT))
        return 0;
    if (s->in_results && s->depth == 2) {
        s->elem_off = pos(s) - 1;
        s->stats_off = s->stats_end = 0;
    }
    if (s->in_results && s->depth == 3 && s->stats_key)
        s->stats_off = pos(s) - 1;
    s->depth++;
    return 1;
}

/* A container closed: the top-level value may be complete. */
static int closed(struct scan *s)
{
    s->depth--;
    if (s->depth == 0) {
        s->done = 1;
        s->end = pos(s);
        return 0;   /* stop here: what follows is checked by hand */
    }
    return 1;
}

static int on_end_map(void *ctx)
{
    struct scan *s = ctx;
    if (s->in_results && s->depth == 3 &&
        !push(s, s->elem_off, pos(s) - s->elem_off, RESULTS_ELEM_OBJECT))
        return 0;
    if (s->in_results && s->depth == 4 && s->stats_key) {
        s->stats_end = pos(s);
        s->stats_key = 0;
    }
    return closed(s);
}

static int on_start_array(void *ctx)
{
    struct scan *s = ctx;
    if (!value(s, RESULTS_ELEM_ARRAY))
        return 0;
    if (s->in_results && s->depth == 2 &&
        !push(s, 0, 0, RESULTS_ELEM_ARRAY))
        return 0;
    if (s->depth == 1 && s->results_key) {
        s->out->found = 1;
        s->out->results_off = pos(s) - 1;
        s->in_results = 1;
    }
    s->results_key = 0;
    s->depth++;
    return 1;
}

static int on_end_array(void *ctx)
{
    struct scan *s = ctx;
    if (s->in_results && s->depth == 2) {
        s->in_results = 0;
        s->out->results_end = pos(s);
    }
    return closed(s);
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_bool,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = on_end_map,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end_array,
};

/* After the value: only white space may follow. */
static void check_rest(const char *text, size_t len, struct scan *s)
{
    size_t k = s->end;
    while (k < len && (text[k] == ' ' || text[k] == '\n' ||
                       text[k] == '\r' || text[k] == '\t'))
        k++;
    if (k < len) {
        s->out->status = RESULTS_SCAN_TRAILING;
        s->out->error_at = k;
    }
}

int results_scan_text(const char *text, size_t len, int max_depth,
                      struct results_scan *out)
{
    yajl_alloc_funcs af = { scan_malloc, scan_realloc, scan_free, NULL };
    struct scan s = { .out = out, .max_depth = max_depth, .len = len };
    memset(out, 0, sizeof(*out));
    s.h = yajl_alloc(&callbacks, &af, &s);
    if (s.h == NULL) {
        results_reader_oom = 1;
        out->status = RESULTS_SCAN_OOM;
        return 0;
    }
    /* The text was checked for UTF-8 already. */
    yajl_config(s.h, yajl_dont_validate_strings, 1);
    yajl_status st = yajl_parse(s.h, (const unsigned char *)text, len);
    if (st == yajl_status_ok && !s.done) {
        s.finishing = 1;
        st = yajl_complete_parse(s.h);
    }
    if (out->status != RESULTS_SCAN_OK) {
        /* set by a callback: too deep, out of memory */
    } else if (s.done) {
        check_rest(text, len, &s);
    } else if (results_reader_oom) {
        out->status = RESULTS_SCAN_OOM;
    } else if (st == yajl_status_error) {
        size_t at = s.finishing ? len : yajl_get_bytes_consumed(s.h);
        out->status = at >= len ? RESULTS_SCAN_TRUNCATED
                                : RESULTS_SCAN_SYNTAX;
        out->error_at = at;
    } else {
        out->status = RESULTS_SCAN_TRUNCATED;
        out->error_at = len;
    }
    yajl_free(s.h);
    return 0;
}

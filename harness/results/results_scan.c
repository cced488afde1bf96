/* results_scan.c - one pass of yajl (a streaming parser) over a results
 * file's text: checks its syntax and depth, finds the rows and builds
 * each row's tree as it goes (results_tree.c), one row at a time: never
 * a tree of the whole file (a cJSON tree costs about nine times the
 * text; a fleet's file is hundreds of MB). The reader checks each row
 * as it comes (results.c). */
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "results_impl.h"

/* The scan's state, the context of every callback. */
struct scan {
    yajl_handle h;
    struct results_scan *out;
    const char *text;
    int depth;                  /* containers open */
    int max_depth;
    int results_key;            /* the last depth-1 key was "results" */
    int in_results;             /* inside the results array */
    int in_row;                 /* inside an object element of it, whose
                                   tree is being built */
    int rows_done;              /* fn wants no more elements */
    size_t elem_off;            /* where the open element began */
    struct results_tree *tree;
    results_elem_fn *fn;
    void *ctx;
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

/* What the tree builder answered: 0 goes on; -1, out of memory, stops
 * the parse (returns 0). */
static int built(struct scan *s, int rc)
{
    if (rc == 0)
        return 1;
    s->out->status = RESULTS_SCAN_OOM;
    return 0;
}

/* Hand an element to fn; returns 0 to stop the parse. */
static int deliver(struct scan *s, enum results_elem_kind kind, size_t off,
                   size_t len, const cJSON *tree)
{
    int rc = s->fn(s->ctx, kind, off, len, tree);
    if (rc < 0) {
        s->out->status = RESULTS_SCAN_OOM;
        return 0;
    }
    s->rows_done = rc > 0;
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
        return s->rows_done || deliver(s, kind, 0, 0, NULL);
    if (s->depth == 0 && kind != RESULTS_ELEM_OBJECT &&
        kind != RESULTS_ELEM_ARRAY) {
        /* A lone scalar: the whole value; stop to check what follows. */
        s->done = 1;
        s->end = pos(s);
        return 0;
    }
    return 1;
}

/* The text between the quotes of the string token just read when yajl
 * gave str decoded in a buffer of its own (the string has escapes),
 * else NULL. */
static const char *raw_string(struct scan *s, const unsigned char *str,
                              size_t *raw_len)
{
    const char *p = (const char *)str;
    if (p >= s->text && p <= s->text + s->len)
        return NULL;
    /* Back from the closing quote to the one no backslash escapes. */
    size_t close = pos(s) - 1, k = close;
    for (;;) {
        size_t slashes = 0;
        if (s->text[--k] != '"')
            continue;
        while (s->text[k - slashes - 1] == '\\')
            slashes++;
        if (slashes % 2 == 0)
            break;
    }
    *raw_len = close - (k + 1);
    return s->text + k + 1;
}

static int on_null(void *ctx)
{
    struct scan *s = ctx;
    return value(s, RESULTS_ELEM_NULL) &&
           (!s->in_row || built(s, results_tree_literal(s->tree,
                                                        cJSON_NULL)));
}

static int on_bool(void *ctx, int b)
{
    struct scan *s = ctx;
    return value(s, RESULTS_ELEM_BOOL) &&
           (!s->in_row ||
            built(s, results_tree_literal(s->tree,
                                          b ? cJSON_True : cJSON_False)));
}

static int on_number(void *ctx, const char *n, size_t len)
{
    struct scan *s = ctx;
    return value(s, RESULTS_ELEM_NUMBER) &&
           (!s->in_row || built(s, results_tree_number(s->tree, n, len)));
}

static int on_string(void *ctx, const unsigned char *str, size_t len)
{
    struct scan *s = ctx;
    size_t raw_len = 0;
    if (!value(s, RESULTS_ELEM_STRING))
        return 0;
    if (!s->in_row)
        return 1;
    const char *raw = raw_string(s, str, &raw_len);
    return built(s, results_tree_string(s->tree, (const char *)str, len,
                                        raw, raw_len));
}

static int on_key(void *ctx, const unsigned char *key, size_t len)
{
    struct scan *s = ctx;
    size_t raw_len = 0;
    if (s->depth == 1)
        s->results_key = !s->out->found && len == 7 &&
                         memcmp(key, "results", 7) == 0;
    if (!s->in_row)
        return 1;
    const char *raw = raw_string(s, key, &raw_len);
    return built(s, results_tree_key(s->tree, (const char *)key, len, raw,
                                     raw_len));
}

static int on_start_map(void *ctx)
{
    struct scan *s = ctx;
    if (!value(s, RESULTS_ELEM_OBJECT))
        return 0;
    if (s->in_results && s->depth == 2 && !s->rows_done) {
        s->elem_off = pos(s) - 1;
        s->in_row = 1;
        if (!built(s, results_tree_begin(s->tree)))
            return 0;
    }
    s->depth++;
    return !s->in_row || built(s, results_tree_open(s->tree, cJSON_Object));
}

/* A container closed: the top-level value may be complete. */
static int closed(struct scan *s)
{
    s->depth--;
    if (s->in_row)
        results_tree_close(s->tree);
    if (s->in_row && s->in_results && s->depth == 2) {
        s->in_row = 0;
        size_t end = pos(s);
        return deliver(s, RESULTS_ELEM_OBJECT, s->elem_off,
                       end - s->elem_off, results_tree_row(s->tree));
    }
    if (s->depth == 0) {
        s->done = 1;
        s->end = pos(s);
        return 0;   /* stop here: what follows is checked by hand */
    }
    return 1;
}

static int on_end_map(void *ctx)
{
    return closed(ctx);
}

static int on_start_array(void *ctx)
{
    struct scan *s = ctx;
    if (!value(s, RESULTS_ELEM_ARRAY))
        return 0;
    if (s->in_results && s->depth == 2 && !s->rows_done &&
        !deliver(s, RESULTS_ELEM_ARRAY, 0, 0, NULL))
        return 0;
    if (s->depth == 1 && s->results_key) {
        s->out->found = 1;
        s->out->results_off = pos(s) - 1;
        s->in_results = 1;
    }
    s->results_key = 0;
    s->depth++;
    return !s->in_row || built(s, results_tree_open(s->tree, cJSON_Array));
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
                      results_elem_fn *fn, void *ctx,
                      struct results_scan *out)
{
    yajl_alloc_funcs af = { scan_malloc, scan_realloc, scan_free, NULL };
    struct scan s = { .out = out, .text = text, .max_depth = max_depth,
                      .fn = fn, .ctx = ctx, .len = len };
    memset(out, 0, sizeof(*out));
    s.tree = results_tree_new();
    if (s.tree != NULL)
        s.h = yajl_alloc(&callbacks, &af, &s);
    if (s.h == NULL) {
        results_tree_free(s.tree);
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
    results_tree_free(s.tree);
    return 0;
}

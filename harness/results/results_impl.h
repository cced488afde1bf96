/* results_impl.h - what the reader's files share (not for callers). */
#ifndef POOLBENCH_RESULTS_IMPL_H
#define POOLBENCH_RESULTS_IMPL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "results.h"

/* Whether an allocation of the reader failed on this thread since the
 * last load began (results_out_of_memory reads it). */
extern _Thread_local int results_reader_oom;

/* ---- results.c: the reader's allocator ---- */

/* cJSON's allocator for the reader (notes a failure) and installing it;
 * results_json_hooks is called before any parse. */
void *results_json_malloc(size_t size);
void results_json_hooks(void);

/* ---- results_check.c: the reader's checks ---- */

/* Reader state: the file's name for messages like results[3].samples,
 * where they go, and the pool the rows' strings are copied to. */
struct results_reader {
    const char *name;
    char *err;
    size_t err_len;
    struct results_pool *pool;
};

/* "out of memory reading NAME" into r->err; returns -1. */
int results_oom(struct results_reader *r);

/* "NAME: " and the message into r->err, made safe to print; -1. */
int results_fail(struct results_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "a string", "an object", ... for messages; "nothing" for NULL. */
const char *results_type_name(const cJSON *j);

/* o[key] as a string (the pool's copy) into *out; NULL when nullable
 * and absent or null. Returns 0, or -1 with "WHERE.KEY: expected a
 * string, found ...". */
int results_want_string(struct results_reader *r, const cJSON *o,
                        const char *where, const char *key, int nullable,
                        const char **out);

/* o[key], a finite number in [min, max] (whole when whole is set), into
 * *out. Returns 0, or -1 with a message. */
int results_want_number(struct results_reader *r, const cJSON *o,
                        const char *where, const char *key, double min,
                        double max, int whole, double *out);

/* v in [min, max] (whole when whole is set). Returns 0, or -1 with
 * "WHERE.KEY: V is out of range; ...". */
int results_check_range(struct results_reader *r, const char *where,
                        const char *key, double v, double min, double max,
                        int whole);

/* o[key], a finite number or absent or null (then NAN), into *out.
 * Returns 0, or -1 with a message. */
int results_want_optional_number(struct results_reader *r, const cJSON *o,
                                 const char *where, const char *key,
                                 double *out);

/* ---- results_row.c: one row ---- */

/* Check row object o (results[idx]) and read it into *row (zeroed), its
 * strings and arrays in r->pool (o may be freed after); its
 * machine_index into *machine_index, whose range is the caller's to
 * check (left alone when the row has none). Returns 0, or -1 with a
 * message. */
int results_read_row(struct results_reader *r, const cJSON *o, size_t idx,
                     struct results_row *row, double *machine_index);

/* ---- results_pool.c: the arena a file's rows live in ---- */

/* A bump arena of large blocks: what a pool hands out, and the scratch
 * memory results_tree.c reuses from row to row. Zeroed, then
 * block_bytes set, it is empty. */
struct results_arena {
    struct results_block *blocks; /* the newest first */
    size_t block_bytes;           /* a new block's size */
};

/* n bytes of a, aligned for any type; NULL (and results_reader_oom set)
 * when out of memory. A request over a quarter of a block gets a block
 * of its own, behind the current one so that its free space is kept. */
void *results_arena_alloc(struct results_arena *a, size_t n);

/* Empty a for reuse, keeping its memory as one block as large as all of
 * its blocks were (block_bytes at least): what needed several blocks
 * once fits in one next time. Returns 0, or -1 (results_reader_oom set)
 * when out of memory. */
int results_arena_reset(struct results_arena *a);

/* Free a's blocks; a is empty after. */
void results_arena_free(struct results_arena *a);

/* A new empty pool, or NULL when out of memory. */
struct results_pool *results_pool_new(void);

/* n bytes, aligned for any type, freed with the pool; NULL (and
 * results_reader_oom set) when out of memory. */
void *results_pool_alloc(struct results_pool *p, size_t n);

/* The pool's one copy of s (NULL for NULL); NULL and results_reader_oom
 * set when out of memory. */
const char *results_pool_intern(struct results_pool *p, const char *s);

/* Free p and everything allocated from it; NULL is fine. */
void results_pool_free(struct results_pool *p);

/* ---- results_tree.c: a row's tree, built as the scan reads it ---- */

/* The builder's state (scratch memory reused from row to row). */
struct results_tree;

/* A new builder, or NULL (results_reader_oom set) when out of memory. */
struct results_tree *results_tree_new(void);

/* Free t and its nodes; NULL is fine. */
void results_tree_free(struct results_tree *t);

/* Start a row, forgetting the last one's nodes. Returns 0, or -1 when
 * out of memory (then and below: results_reader_oom set). */
int results_tree_begin(struct results_tree *t);

/* Open an object or array (type cJSON_Object or cJSON_Array), the row's
 * own object first. Returns 0 or -1. */
int results_tree_open(struct results_tree *t, int type);

/* Close the innermost open container. */
void results_tree_close(struct results_tree *t);

/* A member's name (key[0..len), decoded); raw is its text between the
 * quotes when it has escapes, else NULL. Returns 0 or -1. */
int results_tree_key(struct results_tree *t, const char *key, size_t len,
                     const char *raw, size_t raw_len);

/* A string value, as results_tree_key takes a name. Returns 0 or -1. */
int results_tree_string(struct results_tree *t, const char *s, size_t len,
                        const char *raw, size_t raw_len);

/* A number, as its text s[0..len). Returns 0 or -1. */
int results_tree_number(struct results_tree *t, const char *s, size_t len);

/* null, true or false (type cJSON_NULL, cJSON_True, cJSON_False).
 * Returns 0 or -1. */
int results_tree_literal(struct results_tree *t, int type);

/* The row's tree once its object closed: what cJSON_Parse gives for its
 * text, its "stats" object empty; valid until the next row begins. NULL
 * when cJSON would not read the text (a UTF-16 surrogate escaped alone:
 * yajl lets it through). */
const cJSON *results_tree_row(const struct results_tree *t);

/* ---- results_scan.c: one pass over the text ---- */

/* What a results[] element is, as far as the scan looks. */
enum results_elem_kind {
    RESULTS_ELEM_OBJECT, RESULTS_ELEM_ARRAY, RESULTS_ELEM_STRING,
    RESULTS_ELEM_NUMBER, RESULTS_ELEM_BOOL, RESULTS_ELEM_NULL
};

/* Called with each element of the top-level "results" array, in order:
 * its kind and, for an object, its text [off, off + len) and its tree
 * (results_tree_row: NULL when cJSON would not read it), valid during
 * the call only. Returns 0 to be called with the next element, 1 to be
 * called no more (the scan still checks the rest of the text), -1 to
 * stop the scan (out of memory). */
typedef int results_elem_fn(void *ctx, enum results_elem_kind kind,
                            size_t off, size_t len, const cJSON *tree);

/* How a scan ended. */
enum results_scan_status {
    RESULTS_SCAN_OK,            /* one value, then only white space */
    RESULTS_SCAN_SYNTAX,        /* not JSON: error_at */
    RESULTS_SCAN_TRUNCATED,     /* the text ends inside the value */
    RESULTS_SCAN_TRAILING,      /* text after the value at error_at */
    RESULTS_SCAN_DEEP,          /* nested deeper than the limit */
    RESULTS_SCAN_OOM
};

/* The outline of a file's text: the one pass of a streaming parser. */
struct results_scan {
    enum results_scan_status status;
    size_t error_at;
    int found;                  /* a top-level "results" array */
    size_t results_off, results_end; /* its text: '[' .. past ']' */
};

/* Scan text[0..len) (valid UTF-8 without NUL bytes) with yajl, checking
 * its syntax and depth (at most max_depth levels), finding the top-level
 * "results" array and handing each of its elements to fn (with ctx), a
 * row's tree built on the way. Returns 0 with s->status set. */
int results_scan_text(const char *text, size_t len, int max_depth,
                      results_elem_fn *fn, void *ctx,
                      struct results_scan *s);

#endif /* POOLBENCH_RESULTS_IMPL_H */

/* results_tree.c - a row's cJSON tree built from yajl's events as the
 * scan passes over it (results_scan.c): the text is tokenized once, not
 * once by yajl and again by cJSON, and the nodes live in scratch memory
 * reused from row to row, not a malloc and a free each. The tree is the
 * one cJSON_Parse gives for the row's text, with its "stats" object left
 * empty (derived from the samples, never read: a third of a row's
 * numbers), so results_read_row reads it as before. */
#include <float.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "results_impl.h"

#define TREE_BLOCK_BYTES (64u * 1024)

struct results_tree {
    struct results_arena scratch; /* the row's nodes and strings */
    cJSON *open[RESULTS_MAX_DEPTH + 1]; /* open containers, the row's
                                           object first */
    int depth;                  /* entries of open[] */
    const char *key;            /* the name of the member to come */
    int stats_key;              /* that name is the row's "stats" */
    int skip;                   /* containers open inside a skipped
                                   "stats" object */
    int invalid;                /* cJSON would not read the row */
};

struct results_tree *results_tree_new(void)
{
    struct results_tree *t = calloc(1, sizeof(*t));
    if (t == NULL)
        results_reader_oom = 1;
    else
        t->scratch.block_bytes = TREE_BLOCK_BYTES;
    return t;
}

void results_tree_free(struct results_tree *t)
{
    if (t == NULL)
        return;
    results_arena_free(&t->scratch);
    free(t);
}

int results_tree_begin(struct results_tree *t)
{
    if (results_arena_reset(&t->scratch) != 0)
        return -1;
    t->depth = 0;
    t->key = NULL;
    t->stats_key = t->skip = t->invalid = 0;
    return 0;
}

static void *scratch(struct results_tree *t, size_t n)
{
    return results_arena_alloc(&t->scratch, n);
}

static char *scratch_string(struct results_tree *t, const char *s,
                            size_t len)
{
    char *copy = scratch(t, len + 1);
    if (copy != NULL) {
        memcpy(copy, s, len);
        copy[len] = '\0';
    }
    return copy;
}

static unsigned hex4(const char *s)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

/* Whether cJSON reads the escapes of raw (a string's text between its
 * quotes, valid JSON) as yajl does: cJSON refuses a UTF-16 surrogate
 * that is not the first half of a pair followed by the second, which
 * yajl lets through. */
static int cjson_reads(const char *raw, size_t len)
{
    for (size_t k = 0; k + 1 < len; k++) {
        if (raw[k] != '\\')
            continue;
        if (raw[++k] != 'u')
            continue;
        unsigned c = hex4(raw + k + 1);
        k += 4;
        if (c >= 0xdc00 && c <= 0xdfff)
            return 0;
        if (c < 0xd800 || c > 0xdbff)
            continue;
        if (len - (k + 1) < 6 || raw[k + 1] != '\\' || raw[k + 2] != 'u')
            return 0;
        c = hex4(raw + k + 3);
        if (c < 0xdc00 || c > 0xdfff)
            return 0;
        k += 6;
    }
    return 1;
}

/* A new node of type under the innermost open container (named by the
 * pending key in an object); NULL when out of memory. */
static cJSON *add(struct results_tree *t, int type)
{
    cJSON *n = scratch(t, sizeof(*n));
    if (n == NULL)
        return NULL;
    memset(n, 0, sizeof(*n));
    n->type = type;
    if (t->depth == 0)
        return n;
    cJSON *parent = t->open[t->depth - 1];
    n->string = (char *)t->key;
    t->key = NULL;
    t->stats_key = 0;
    /* As cJSON links them: the first child's prev is the last child. */
    if (parent->child == NULL) {
        parent->child = n;
    } else {
        cJSON *last = parent->child->prev;
        last->next = n;
        n->prev = last;
    }
    parent->child->prev = n;
    return n;
}

int results_tree_open(struct results_tree *t, int type)
{
    if (t->skip > 0) {
        t->skip++;
        return 0;
    }
    int stats = t->stats_key && t->depth == 1 && type == cJSON_Object;
    cJSON *n = add(t, type);
    if (n == NULL)
        return -1;
    if (stats)
        t->skip = 1;
    else
        t->open[t->depth++] = n;
    return 0;
}

void results_tree_close(struct results_tree *t)
{
    if (t->skip > 0)
        t->skip--;
    else
        t->depth--;
}

const cJSON *results_tree_row(const struct results_tree *t)
{
    return t->invalid || t->depth > 0 ? NULL : t->open[0];
}

int results_tree_key(struct results_tree *t, const char *key, size_t len,
                     const char *raw, size_t raw_len)
{
    if (t->skip > 0)
        return 0;
    if (raw != NULL && !cjson_reads(raw, raw_len))
        t->invalid = 1;
    t->stats_key = t->depth == 1 && len == 5 && memcmp(key, "stats", 5) == 0;
    t->key = scratch_string(t, key, len);
    return t->key == NULL ? -1 : 0;
}

int results_tree_string(struct results_tree *t, const char *s, size_t len,
                        const char *raw, size_t raw_len)
{
    if (t->skip > 0)
        return 0;
    if (raw != NULL && !cjson_reads(raw, raw_len))
        t->invalid = 1;
    cJSON *n = add(t, cJSON_String);
    if (n == NULL)
        return -1;
    n->valuestring = scratch_string(t, s, len);
    return n->valuestring == NULL ? -1 : 0;
}

/* The digits of a number that a double holds exactly: up to 2^53. */
#define EXACT_DIGITS_MAX (UINT64_C(1) << 53)

/* s[0..len), a number yajl checked, as strtod reads it, when one IEEE
 * operation gives it: its digits as an integer m of at most 2^53 and a
 * power of ten 10^e with |e| <= 22, both exact doubles, so m * 10^e or
 * m / 10^-e is the correctly rounded value, which strtod returns too
 * (Clinger's fast path). Most numbers a run writes take it, and strtod
 * was the reader's largest cost. Returns 0 when it does not apply. */
static int exact_number(const char *s, size_t len, double *out)
{
    static const double pow10[] = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    };
    const char *p = s, *end = s + len;
    uint64_t m = 0;
    long e = 0, exp = 0;
    int neg = *p == '-', exp_neg = 0, in_fraction = 0;
    if (FLT_EVAL_METHOD != 0)   /* x87: no single rounding */
        return 0;
    for (p += neg; p < end && *p != 'e' && *p != 'E'; p++) {
        if (*p == '.') {
            in_fraction = 1;
            continue;
        }
        if (m > (EXACT_DIGITS_MAX - 9) / 10)
            return 0;
        m = m * 10 + (uint64_t)(*p - '0');
        e -= in_fraction;
    }
    if (p < end) {
        p++;
        exp_neg = *p == '-';
        p += *p == '-' || *p == '+';
        for (; p < end && exp <= 1000; p++)
            exp = exp * 10 + (*p - '0');
    }
    e += exp_neg ? -exp : exp;
    if (e < -22 || e > 22)
        return 0;
    double v = e < 0 ? (double)m / pow10[-e] : (double)m * pow10[e];
    *out = neg ? -v : v;
    return 1;
}

int results_tree_number(struct results_tree *t, const char *s, size_t len)
{
    char small[64];
    double v;
    if (t->skip > 0)
        return 0;
    cJSON *n = add(t, cJSON_Number);
    if (n == NULL)
        return -1;
    if (!exact_number(s, len, &v)) {
        char *text = len < sizeof(small) ? small : scratch(t, len + 1);
        if (text == NULL)
            return -1;
        /* yajl checked the syntax: strtod reads all of it, as cJSON's. */
        memcpy(text, s, len);
        text[len] = '\0';
        v = strtod(text, NULL);
    }
    n->valuedouble = v;
    n->valueint = v >= INT_MAX ? INT_MAX : v <= (double)INT_MIN ? INT_MIN
                                                                : (int)v;
    return 0;
}

int results_tree_literal(struct results_tree *t, int type)
{
    if (t->skip > 0)
        return 0;
    return add(t, type) == NULL ? -1 : 0;
}

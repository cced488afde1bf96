/* input.h - the inputs of a user's own work (cmd, pyfunc): one item per
 * task, either the task index, a line of a list file, or a file of a tree
 * (a user's folder, or the built-in corpus that hashing reads), in sorted
 * path order. With more tasks than items, task i takes item i mod count.
 */
#ifndef POOLBENCH_INPUT_H
#define POOLBENCH_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "corpus.h"

/* What a task's item is. */
enum input_kind {
    INPUT_INDEX, /* the task index i itself */
    INPUT_LINES, /* line i mod count of a list file */
    INPUT_FILES, /* file i mod count of a tree, sorted by relative path */
};

/* Where the items come from, from the workload's parameters. */
struct input_spec {
    enum input_kind kind;
    const char *list;            /* INPUT_LINES: the list file */
    const char *dir;             /* INPUT_FILES: a user's tree, or NULL
                                    for the built-in corpus */
    struct corpus_spec corpus;   /* the built-in corpus, when dir is NULL */
    const char *cache_dir;       /* where the built-in corpus lives */
};

/* The prepared items. */
struct input_set {
    enum input_kind kind;
    struct corpus c;     /* INPUT_FILES */
    char *text;          /* INPUT_LINES: the list file, lines cut at '\n' */
    char **lines;
    size_t nlines;
};

/* Prepare in from spec. Returns 0, or -1 with a one-line message (a list
 * that cannot be read, is empty or holds a NUL byte; a tree that cannot
 * be listed). */
int input_prepare(struct input_set *in, const struct input_spec *spec,
                  char *err, size_t err_len);

/* Items there are: 0 for INPUT_INDEX (any count). */
size_t input_count(const struct input_set *in);

/* The item of task i, for a command's {} or a function's argument:
 * INPUT_FILES an absolute path (root/relative), INPUT_LINES the line,
 * INPUT_INDEX the decimal index. Into buf (len bytes); returns buf, or
 * NULL when it does not fit. */
const char *input_item(const struct input_set *in, uint64_t i, char *buf,
                       size_t len);

/* The same item as a key that does not depend on the machine: the
 * relative path for INPUT_FILES (the tree's root is left out). */
const char *input_key(const struct input_set *in, uint64_t i, char *buf,
                      size_t len);

/* Bytes of the file of task i as listed (INPUT_FILES), else 0: what the
 * task's command read, for MB/s. */
uint64_t input_size(const struct input_set *in, uint64_t i);

/* The errno met listing the file of task i (INPUT_FILES), else 0. */
int input_error(const struct input_set *in, uint64_t i);

/* Free what input_prepare built. */
void input_free(struct input_set *in);

#endif /* POOLBENCH_INPUT_H */

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
#include "workload.h"

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

/* The built-in corpus's parameters, last in the table of a workload whose
 * items may be that corpus (cmd, pyfunc), in this order; their values
 * make input_spec.corpus (input_corpus_spec). */
#define INPUT_CORPUS_PARAMS \
    { "files", WL_PARAM_INT, "2000", \
      "built-in corpus: number of files", 1, 10000000, NULL }, \
    { "size_mb", WL_PARAM_INT, "64", \
      "built-in corpus: total size in MiB", 1, 1048576, NULL }, \
    { "corpus_seed", WL_PARAM_INT, "1", \
      "built-in corpus: generator seed", 0, 9007199254740992.0, NULL }

/* The corpus spec from the values of INPUT_CORPUS_PARAMS, a[0..3). */
struct corpus_spec input_corpus_spec(const union wl_value *a);

/* Prepare in from spec. Returns 0, or -1 with a one-line message (a list
 * that cannot be read, is empty or holds a NUL byte; a tree that cannot
 * be listed). */
int input_prepare(struct input_set *in, const struct input_spec *spec,
                  char *err, size_t err_len);

/* What a workload's prepare does with its items: refuse lines without a
 * list ("WHO=lines needs -p list=FILE", who naming the workload and its
 * parameter: "cmd: input"), input_prepare, and the task count into
 * *ntasks: given when > 0 (-n), else one task per item, else
 * default_tasks. Returns 0, or -1 with a one-line message. */
int input_setup(struct input_set *in, const struct input_spec *spec,
                const char *who, uint64_t given, uint64_t default_tasks,
                uint64_t *ntasks, char *err, size_t err_len);

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

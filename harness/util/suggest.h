/* suggest.h - "did you mean": the known name closest to a mistyped one. */
#ifndef POOLBENCH_SUGGEST_H
#define POOLBENCH_SUGGEST_H

#include <stddef.h>

/* The candidate closest to word by edit distance (insertions, deletions,
 * substitutions, and swaps of two neighbours), or NULL when none is
 * within a third of word's length (at least 1, at most 3 edits). A
 * candidate may be NULL (skipped). */
const char *suggest_closest(const char *word, const char *const *candidates,
                            size_t n);

/* " (did you mean 'NAME'?)" into buf when there is a close candidate,
 * else "". Returns buf. */
char *suggest_hint(const char *word, const char *const *candidates,
                   size_t n, char *buf, size_t len);

struct option;

/* " (did you mean '--NAME'?)" into buf when arg is a mistyped long
 * option ("--thresold", "--thresold=5") close to one of longopts (a
 * getopt_long table ending with a zero entry), else "". Returns buf.
 * run and compare share it. */
char *suggest_option(const char *arg, const struct option *longopts,
                     char *buf, size_t len);

#endif /* POOLBENCH_SUGGEST_H */

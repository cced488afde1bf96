/* compare_match.h - which rows of compare's files are one configuration:
 * the matching key (what the user chose, see compare.h), the check that
 * a file holds each configuration once, and the pairing of a new file's
 * rows with its base runs'. It knows rows, not numbers: compare.c
 * measures the pairs. For compare's own files; others use compare.h. */
#ifndef POOLBENCH_COMPARE_MATCH_H
#define POOLBENCH_COMPARE_MATCH_H

#include <stddef.h>

#include "results.h"

/* The row's "workers_spec" ("cpus", "2xcpus", "2") or NULL when the file
 * has none. */
const char *compare_workers_spec(const struct results_row *r);

/* Whether every row of files[0..n) carries a workers_spec: then the
 * worker count is matched as given (-j cpus matches -j cpus), not as the
 * machine resolved it. */
int compare_all_have_spec(const struct results_file *const *files,
                          size_t n);

/* How the rows of a new file pair with those of its base runs. */
struct compare_pairing {
    size_t nbases;
    long *at;             /* new row j's configuration in base run k is
                             bases[k]->rows[at[j * nbases + k]], or -1
                             where that run lacks it; owned */
    const struct results_row **base; /* per new row: its row in the
                                        newest run that has it, or NULL
                                        (only in the new file); owned */
    const struct results_row **only_base; /* bases[0]'s rows that no new
                                             row has, in file order;
                                             owned */
    size_t nonly_base;
};

/* Pair every row of new_file with the rows of the same configuration in
 * bases[0..nbases) (bases[0] the newest; nbases >= 1), matching workers
 * on their spec when spec is set, into *out. Returns 0, or -1 with a
 * one-line message in err (a configuration twice in bases[0] or in
 * new_file, or out of memory); *out is then empty. */
int compare_pair_rows(const struct results_file *const *bases,
                      size_t nbases, const struct results_file *new_file,
                      int spec, struct compare_pairing *out, char *err,
                      size_t err_len);

/* Free what compare_pair_rows made; safe on a zeroed pairing. */
void compare_pairing_free(struct compare_pairing *p);

#endif /* POOLBENCH_COMPARE_MATCH_H */

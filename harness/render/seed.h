/* seed.h - the seed experiment's table: the seed's published Python
 * figures beside what `poolbench run --suite seed` measured here.
 *
 * Like with like: each native row against the native serial baseline
 * (the view's), each Python row against the fastest py-serial row, and
 * the seed's own figures against the seed's own serial loop. Every
 * number and verdict comes from the view (speedups and their intervals;
 * view_ratio for pairs other than a row and its baseline), so the table
 * cannot disagree with show, the report or compare. */
#ifndef POOLBENCH_SEED_H
#define POOLBENCH_SEED_H

#include <stdio.h>

#include "strbuf.h"
#include "view.h"

/* The seed's figures, in seconds (NAN: the seed did not measure it).
 * heavy: factorial(300) tasks, else factorial(20); executor: the native
 * peer of the seed's construct ("futures" stands for
 * ThreadPoolExecutor); py2_s, py3_s: CPython 2 and 3. */
struct seed_fig {
    int heavy;
    const char *executor;
    const char *python;    /* the Python peer executor that reruns it */
    double py2_s, py3_s;
};

/* The seed's figures, serial first in each case; seed_nfigs of them. */
extern const struct seed_fig seed_figs[];
extern const size_t seed_nfigs;

/* Print the seed table and its notes for v (a file written by `run
 * --suite seed`) to out: per case the native and Python rows here with
 * their speedups and verdicts, beside the seed's; then the notes where
 * native code differs, the seed's Python findings checked, map vs
 * unordered, sorted vs shuffled, lock vs none. Rows missing from v are
 * shown as "-" or left out. */
void seed_print(FILE *out, const struct results_view *v);

/* The seed table as an HTML section ("seed") of the report: nothing
 * when v holds no seed factorial rows. Executor names are fixed words;
 * no text of the file is written. */
void seed_html(struct strbuf *b, const struct results_view *v);

#endif /* POOLBENCH_SEED_H */

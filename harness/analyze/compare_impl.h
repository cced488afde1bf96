/* compare_impl.h - what compare's output formats share. Not for other
 * modules: use compare.h. */
#ifndef POOLBENCH_COMPARE_IMPL_H
#define POOLBENCH_COMPARE_IMPL_H

#include <stdio.h>

#include "compare.h"
#include "compare_match.h"

/* Lines of the side-by-side header: file, created, and the machine keys
 * compare_describe.c lists (checked there). */
#define COMPARE_HEADER_MAX 17

/* One line of the side-by-side header. */
struct compare_header_line {
    const char *key;
    char base[320], new_v[320];
    int differs;
};

/* The compared metric's name ("wall", "speedup", ...). */
const char *compare_metric_word(const struct compare_options *o);

/* What the compared numbers are, for headers. */
const char *compare_metric_doc(const struct compare_options *o);

/* The Bencher measure slug of the metric, and its scale from our unit. */
const char *compare_bmf_measure(const struct compare_options *o,
                                double *scale);

/* The machine a file's rows were measured on (the first row's). */
const struct results_machine *compare_machine_of(
    const struct results_file *f);

/* How many distinct machines f's rows come from. */
size_t compare_machines_used(const struct results_file *f);

/* The header (file, created, every machine key) into out[0..max).
 * Returns the count. */
size_t compare_header_lines(const struct compare_report *r,
                            struct compare_header_line *out, size_t max);

/* The JSON and BMF formats. Return 0, or -1 on a write error. */
int compare_print_json(FILE *f, const struct compare_report *r);
int compare_print_bmf(FILE *f, const struct compare_report *r);

#endif /* POOLBENCH_COMPARE_IMPL_H */

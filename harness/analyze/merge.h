/* merge.h - `poolbench merge`: several results files (one machine or
 * many) into one poolbench/1 file, each result keeping the machine and
 * the run it came from, so that compare, plot and report can put many
 * machines side by side. */
#ifndef POOLBENCH_MERGE_H
#define POOLBENCH_MERGE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "fs.h"
#include "results.h"

/* A merged file's text, in pieces (write them with
 * fs_write_atomic_parts): the rows are the inputs' text, not a copy of
 * it, so write before the inputs are freed. */
struct merge_text {
    struct fs_part *parts;
    size_t nparts;
    size_t nrows;       /* results it holds */
    size_t nmachines;   /* distinct machine blocks */
    char *top, *own;    /* the pieces merge made itself */
};

/* The merged document of files[0..n) (each loaded with
 * RESULTS_KEEP_TEXT) into *out: "machines" holds every input's machine
 * blocks, an identical block only once; "machine" repeats machines[0]
 * for readers that know only one machine; each result (the input's
 * object as written, key for key) carries "machine_index" into
 * "machines" and "run_index" into "config.merged", which lists every
 * input run (path, created, config) in order; "scaling_models" as run
 * writes them. Inputs made by merge are flattened. argv (argc entries)
 * is recorded as config.argv. The inputs' rows get the machine_index
 * and run_index they have in the merged file. Returns 0, or -1 with a
 * message (an input with no results, out of memory). */
int merge_build(struct results_file *files, size_t n, int argc,
                char **argv, struct merge_text *out, char *err,
                size_t err_len);

/* Free what merge_build made; safe on a zeroed struct. */
void merge_text_free(struct merge_text *m);

#endif /* POOLBENCH_MERGE_H */

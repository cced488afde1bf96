/* merge.h - `poolbench merge`: several results files (one machine or
 * many) into one poolbench/1 file, each result keeping the machine and
 * the run it came from, so that compare, plot and report can put many
 * machines side by side. */
#ifndef POOLBENCH_MERGE_H
#define POOLBENCH_MERGE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "results.h"

/* Build the merged document of files[0..n) into *out (a new tree the
 * caller deletes): "machines" holds every input's machine blocks, an
 * identical block only once; "machine" repeats machines[0] for readers
 * that know only one machine; each result carries "machine_index" into
 * "machines" and "run_index" into "config.merged", which lists every
 * input run (path, created, config) in order. Inputs made by merge are
 * flattened. argv (argc entries) is recorded as config.argv. The rows'
 * JSON objects are moved into *out, not copied (each row's json then
 * belongs to *out; free the files with results_free as usual). Returns
 * 0, or -1 with a message (an input with no results, out of memory). */
int merge_build(const struct results_file *files, size_t n, int argc,
                char **argv, cJSON **out, char *err, size_t err_len);

#endif /* POOLBENCH_MERGE_H */

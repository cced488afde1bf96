/* report.h - `poolbench report`: one self-contained HTML page of results.
 *
 * The page holds the machine metadata, a summary table per results file,
 * every chart `poolbench plot` can draw (inline SVG), whole-process times
 * from imported hyperfine files beside poolbench's own, and "findings":
 * sentences computed from the numbers, each written only when the data
 * supports it. No external URL, no script, nothing fetched.
 */
#ifndef POOLBENCH_REPORT_H
#define POOLBENCH_REPORT_H

#include <stddef.h>

#include "plot.h"
#include "results.h"

/* Append the findings for files[0..nfiles) to out as one sentence per
 * line (plain text, no markup), under heading lines: "#FILE" when there
 * are several files or machines, "=QUESTION" before the sentences that
 * answer one of the seed's questions. Returns the number of sentences. */
size_t report_findings(const struct results_file *files, size_t nfiles,
                       struct strbuf *out);

/* Write the report of files[0..nfiles) to path (atomically: a temporary
 * file beside it, then rename). Charts are drawn with gnuplot in a
 * temporary folder and inlined. Returns 0, or -1 with a message. */
int report_write(const struct results_file *files, size_t nfiles,
                 const char *path, char *err, size_t err_len);

/* `poolbench report RESULTS.json... [-o FILE.html]`; argv[0] ==
 * "report". Returns the exit status: 0, or 2 (bad usage, a bad file, no
 * gnuplot, an unwritable output). */
int report_main(int argc, char **argv);

#endif /* POOLBENCH_REPORT_H */

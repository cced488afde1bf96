/* report.h - `poolbench report`: one self-contained HTML page of results.
 *
 * The page opens with a banner when a file carries warnings (busy
 * machine, precision not reached), a table of contents and a summary that
 * fits one screen: per instance the best configuration, its speedup with
 * the 95% interval, the verdict and the warnings (the numbers of the
 * terminal summary, from the results view). Then one section per workload:
 * its findings (findings.h), its charts (inline SVG, as `poolbench plot`
 * draws them) beside a short table; findings across workloads; hyperfine
 * whole-process times beside poolbench's own; the machine; and every row
 * in a folded table. No external URL, no script, nothing fetched.
 */
#ifndef POOLBENCH_REPORT_H
#define POOLBENCH_REPORT_H

#include <stddef.h>

#include "results.h"
#include "strbuf.h"

/* Append the findings (findings.h) of files[0..nfiles) to out as one
 * sentence per line (plain text, no markup), under heading lines: "#FILE"
 * when there are several files, "=QUESTION" before the sentences of one
 * kind. Files imported from hyperfine have none. Returns the number of
 * sentences. */
size_t report_findings(const struct results_file *files, size_t nfiles,
                       struct strbuf *out);

/* Write the report of files[0..nfiles) to path (atomically: a temporary
 * file beside it, then rename). Charts are drawn with gnuplot in a
 * temporary folder and inlined. Returns 0, or -1 with a message. */
int report_write(const struct results_file *files, size_t nfiles,
                 const char *path, char *err, size_t err_len);

#endif /* POOLBENCH_REPORT_H */

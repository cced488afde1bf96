/* hyperfine.h - hyperfine's --export-json into a poolbench/1 results file.
 *
 * hyperfine times whole processes; poolbench times the run inside one.
 * Importing hyperfine's JSON lets plot, report and compare treat both
 * alike. Each hyperfine result becomes one row:
 *   - workload, executor, workers, tasks, mode, chunk, transport and -p
 *     parameters are read from the command when it is `poolbench run`
 *     (hyperfine's "parameters" override them: workload, executor,
 *     workers, tasks; any other parameter becomes a row parameter);
 *     any other command becomes workload "command", executor "process",
 *     with the command line as parameter "command";
 *   - samples.wall_s is hyperfine's "times"; user_s and sys_s hold its mean
 *     "user" and "system" as a single sample (hyperfine keeps no series);
 *   - the checksum is 0000000000000000 (nothing was folded), "command"
 *     and "hyperfine" {mean, stddev, median, min, max, user, system} are
 *     kept verbatim, and a `poolbench run -w noop -n 1` row gets
 *     "role": "baseline": the cost of a process that does almost nothing;
 *   - "machine" is the importing machine, "created" the file's mtime and
 *     "config" {"source": "hyperfine", "hyperfine_file": ...}.
 */
#ifndef POOLBENCH_HYPERFINE_H
#define POOLBENCH_HYPERFINE_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Convert hyperfine JSON text (name is used in messages; mtime is the
 * "created" time) into a new poolbench/1 tree in *out. Returns 0, or -1
 * with a one-line message naming the file and the bad field. */
int hyperfine_convert(const char *name, const char *text, size_t len,
                      long long mtime, cJSON **out, char *err,
                      size_t err_len);

/* Read the hyperfine file at path (at most 64 MiB) and convert it as
 * hyperfine_convert does, its mtime as "created". Returns 0, or -1 with
 * a one-line message naming the file. */
int hyperfine_convert_file(const char *path, cJSON **out, char *err,
                           size_t err_len);

#endif /* POOLBENCH_HYPERFINE_H */

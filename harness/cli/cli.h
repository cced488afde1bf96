/* cli.h - the commands: one file per command (cli/NAME.c) that parses
 * its argv and calls the layers below; main.c holds only the table.
 *
 * Every cmd_NAME takes argv[0] == the command's name and returns the exit
 * status (harness/util/exit.h): 0 ok, 1 a regression (compare), 2 bad
 * usage or input, 3 a run or a write failed, 130 interrupted (run). */
#ifndef POOLBENCH_CLI_H
#define POOLBENCH_CLI_H

#include <stddef.h>

#include "results.h"

int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_import_hyperfine(int argc, char **argv);
int cmd_ab(int argc, char **argv);

/* `poolbench compare AB.json` or `compare --paired AB.json` (the paired
 * comparison of an A/B run, analyze/paired.h): returns the exit status
 * (0 pass, 1 a regression, 2 bad usage, or a configuration not tested
 * without --allow-unmatched, or nothing tested), or -1 when argv is not
 * a paired comparison (two files, --baseline) and cmd_compare goes on. */
int cli_compare_paired(int argc, char **argv);

/* Load the results files names[0..n), or RESULTS_LATEST when n == 0 (the
 * file `run` just wrote; a one-line error naming it and usage when it is
 * missing). On success *files holds *nfiles loaded files (free each with
 * results_free, then the array) and 0 is returned; else, after printing
 * "poolbench CMD: why" on stderr, the exit status: EXIT_RUN_FAILED when
 * memory ran out, EXIT_USAGE for a missing or unusable file. */
int cli_load_inputs(const char *cmd, const char *usage, char *const *names,
                    size_t n, struct results_file **files, size_t *nfiles);

struct compare_options;

/* The options compare and its paired form share, by which: 't'
 * --threshold PCT (a trailing % allowed), 'a' --alpha A, 'm' --metric
 * wall|cpu|ns_per_task, 'c' --correction holm|bh|none; arg into o.
 * Returns 0, or -1 with a one-line message naming the option and what it
 * accepts. */
int cli_compare_option(char which, const char *arg,
                       struct compare_options *o, char *err,
                       size_t err_len);

/* Free what cli_load_inputs loaded. */
void cli_free_inputs(struct results_file *files, size_t nfiles);

/* Accept only -h/--help for a command that takes no options: 1 after
 * printing "usage: poolbench CMD" and help, 0 when argv has nothing
 * else, -1 after naming the unexpected argument on stderr. */
int cli_no_options(const char *cmd, int argc, char **argv,
                   const char *help);

#endif /* POOLBENCH_CLI_H */

/* show.h - `poolbench show`: a results file for people, as pyperf show:
 * the summary (the answer), then every row as a table. */
#ifndef POOLBENCH_SHOW_H
#define POOLBENCH_SHOW_H

/* The file `show`, `plot` and `report` read when none is named. */
#define SHOW_DEFAULT_INPUT "results/latest.json"

/* `poolbench show [RESULTS.json] [--format text|markdown|csv|json]
 * [--summary|--table]`; argv[0] == "show". Returns the exit status: 0, or
 * 2 for bad usage or a bad file. */
int show_main(int argc, char **argv);

#endif /* POOLBENCH_SHOW_H */

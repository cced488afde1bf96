/* history_main.h - `poolbench history`: the history database's commands
 * (add, list, show, export, prune, trend, check). */
#ifndef POOLBENCH_HISTORY_MAIN_H
#define POOLBENCH_HISTORY_MAIN_H

/* `poolbench history SUBCOMMAND ...`; argv[0] == "history". Returns the
 * exit status: 0, 2 bad usage or input, 3 a database error while
 * writing. */
int history_main(int argc, char **argv);

#endif /* POOLBENCH_HISTORY_MAIN_H */

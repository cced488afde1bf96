/* paths.h - where poolbench finds the files it ships beside the binary. */
#ifndef POOLBENCH_PATHS_H
#define POOLBENCH_PATHS_H

/* The folder of the shipped scripts (gnuplot templates, pypeer.py):
 * $POOLBENCH_SCRIPTS_DIR when set, else the source tree's scripts/ when
 * it is still there (a build tree), else the installed data folder.
 * Returns a static buffer or the environment's string. */
const char *paths_scripts_dir(void);

#endif /* POOLBENCH_PATHS_H */

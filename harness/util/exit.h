/* exit.h - the exit statuses of every poolbench command (DESIGN.md).
 *
 * Each command returns one of these to main, which alone exits. It sits
 * in the bottom layer because every command speaks this vocabulary. */
#ifndef POOLBENCH_EXIT_H
#define POOLBENCH_EXIT_H

#define EXIT_REGRESSION 1  /* a comparison found a regression */
#define EXIT_USAGE 2       /* bad usage or bad input; nothing tested */
#define EXIT_RUN_FAILED 3  /* a run failed (timeout, broken pool, write) */
#define EXIT_NO_BASELINE 4 /* compare --baseline NAME or run --tasks-from
                              NAME: no such stored run for this machine
                              (CI turns it into a warning) */
#define EXIT_INTERRUPTED 130 /* stopped by a signal; what was measured
                                is written */

#endif /* POOLBENCH_EXIT_H */

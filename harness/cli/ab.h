/* ab.h - `poolbench ab`: two poolbench binaries (the base build and the
 * pull request's) measured round by round on this machine, merged into
 * one A/B results file that `poolbench compare AB.json` tests pairwise.
 *
 * Round k runs `BIN run RUN-ARGS -r 1 -o FILE` once with each binary,
 * the base first in even rounds and the new one first in odd rounds
 * (ABBA), so that neither always follows the other. Round 0's base run
 * calibrates; every later run takes its task counts with --tasks-from
 * that file when both binaries have the option, else RUN-ARGS must fix
 * them with -n. Every row of round k on side s becomes repetition k of
 * "NAME@s" (s = base or new), with samples.round = k. */
#ifndef POOLBENCH_AB_H
#define POOLBENCH_AB_H

#define AB_DEFAULT_ROUNDS 10
#define AB_MAX_ROUNDS 1000

/* cmd_ab (cli.h): `poolbench ab --base BIN --new BIN [-r ROUNDS] [-o
 * FILE] -- RUN-ARGS`. Returns the exit status: 0, 2 bad usage, 3 a run
 * failed (the round's command and its status are named), 130
 * interrupted (nothing written). */

#endif /* POOLBENCH_AB_H */

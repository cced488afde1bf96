/* bounds.h - bounds that several layers check, defined once. */
#ifndef POOLBENCH_BOUNDS_H
#define POOLBENCH_BOUNDS_H

/* Most workers of one configuration: executors refuse more (exec), -j
 * caps at it (run) and the results reader rejects more (results), so a
 * file poolbench wrote always reads back. */
#define POOLBENCH_MAX_WORKERS 4096

#endif /* POOLBENCH_BOUNDS_H */

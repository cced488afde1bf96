/* executors.h - the one list of built-in executors.
 *
 * Adding an executor takes two edits: its file in harness/exec/ (which
 * exports `const struct executor executor_<name>` and is listed in
 * exec/meson.build) and one line here. Order is display order
 * (`poolbench list`, `-e all`).
 */
#ifndef POOLBENCH_EXECUTORS_H
#define POOLBENCH_EXECUTORS_H

#include "executor.h"

#define EXECUTORS(X) \
    X(serial)        \
    X(threads)       \
    X(procs)         \
    X(futures)

#define EXECUTOR_DECLARE(name) extern const struct executor executor_##name;
EXECUTORS(EXECUTOR_DECLARE)
#undef EXECUTOR_DECLARE

#endif /* POOLBENCH_EXECUTORS_H */

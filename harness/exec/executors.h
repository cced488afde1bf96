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
    X(futures)       \
    X(py_serial)     \
    X(py_pool)       \
    X(py_threadpool) \
    X(py_tpe)        \
    X(py_ppe)

#define EXECUTOR_DECLARE(name) extern const struct executor executor_##name;
EXECUTORS(EXECUTOR_DECLARE)
#undef EXECUTOR_DECLARE

#endif /* POOLBENCH_EXECUTORS_H */

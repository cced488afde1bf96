/* workloads.h - the one list of built-in workloads.
 *
 * Adding a built-in workload takes two edits beside its file in workloads/
 * (which exports `const struct workload wl_<name>`): one line here and its
 * name in workload_sources in workloads/meson.build. scripts/new-workload.sh
 * NAME makes all three. Order is display order.
 */
#ifndef POOLBENCH_WORKLOADS_H
#define POOLBENCH_WORKLOADS_H

#include "workload.h"

#define WORKLOADS(X) \
    X(noop)          \
    X(factorial)     \
    X(hashing)       \
    X(shuffled)      \
    X(contended)     \
    X(latency)       \
    X(blocklock)     \
    X(crawl)         \
    X(cmd)           \
    X(pyfunc)

#define WORKLOAD_DECLARE(name) extern const struct workload wl_##name;
WORKLOADS(WORKLOAD_DECLARE)
#undef WORKLOAD_DECLARE

#endif /* POOLBENCH_WORKLOADS_H */

/* plugin_dupname.c - a plugin reusing a built-in name: must be refused. */
#include "workload.h"

static void dupname_run(void *state, void *wstate, uint64_t i,
                        struct task_result *out)
{
    (void)state;
    (void)wstate;
    out->value = i + 1;
}

const struct workload poolbench_workload = {
    .abi = WORKLOAD_ABI,
    .name = "hashing",
    .summary = "test plugin that tries to replace a built-in workload",
    .value_doc = "i + 1",
    .default_tasks = 10,
    .run_task = dupname_run,
};

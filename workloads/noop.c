/* noop.c - the empty task: measures an executor's own cost per task.
 *
 * Value of task i: i. The checksum of n tasks is n(n-1)/2 mod 2^64.
 */
#include "workload.h"

static void noop_run(void *state, void *wstate, uint64_t i,
                     struct task_result *out)
{
    (void)state;
    (void)wstate;
    out->value = i;
}

/* Python peer: nothing to describe. */
static int noop_peer(void *state, FILE *out, char *err, size_t err_len)
{
    (void)state;
    (void)err;
    (void)err_len;
    fputs("{}", out);
    return 0;
}

const struct workload wl_noop = {
    .abi = WORKLOAD_ABI,
    .name = "noop",
    .summary = "an empty task: the executor's own overhead per task",
    .value_doc = "i",
    .params = NULL,
    .default_tasks = 100000,
    .run_task = noop_run,
    .peer = noop_peer,
};

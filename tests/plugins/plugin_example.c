/* plugin_example.c - a workload built as a plugin (tests and README).
 *
 * Build it outside the tree with
 *     cc -shared -fPIC $(pkg-config --cflags poolbench) \
 *        -o collatz.so plugin_example.c
 * and run it with `poolbench run --plugin ./collatz.so -w collatz`.
 *
 * Task i counts the Collatz steps of start + i down to 1.
 * Value of task i: that number of steps.
 */
#include <stdlib.h>

#include "workload.h"

enum { P_START };

static const struct wl_param collatz_params[] = {
    { "start", WL_PARAM_INT, "1", "first number of the range", 1,
      1000000000000.0, NULL },
    { 0 },
};

static int collatz_prepare(struct wl_setup *s)
{
    uint64_t *start = malloc(sizeof(*start));
    if (start == NULL)
        return -1;
    *start = (uint64_t)s->args[P_START].i;
    s->state = start;
    s->ntasks_out = s->ntasks;
    return 0;
}

static void collatz_run(void *state, void *wstate, uint64_t i,
                        struct task_result *out)
{
    (void)wstate;
    uint64_t x = *(const uint64_t *)state + i, steps = 0;
    while (x != 1) {
        x = (x & 1) ? 3 * x + 1 : x / 2;
        steps++;
    }
    out->value = steps;
}

static void collatz_release(void *state)
{
    free(state);
}

const struct workload poolbench_workload = {
    .abi = WORKLOAD_ABI,
    .name = "collatz",
    .summary = "example plugin: Collatz steps of start + i",
    .value_doc = "steps of start + i down to 1",
    .params = collatz_params,
    .default_tasks = 10000,
    .prepare = collatz_prepare,
    .run_task = collatz_run,
    .release = collatz_release,
};

/* plugin_slowdown.c - one workload built twice for the gate's tests: the
 * second build does a fixed fraction more work per task.
 *
 * Compile with -DEXTRA_WORK_PCT=N (default 0): each task runs its loop
 * work * (100 + N) / 100 times. The task's value depends only on the
 * first `work` iterations, so every build gives the same checksum and
 * compare sees the same work done more slowly: a real slowdown of about
 * N percent of pure CPU work, not an edited number. */
#include <stdint.h>
#include <stdlib.h>

#include "workload.h"

#ifndef EXTRA_WORK_PCT
#define EXTRA_WORK_PCT 0
#endif

enum { P_WORK };

static const struct wl_param spin_params[] = {
    { "work", WL_PARAM_INT, "2000", "loop iterations per task", 1, 1e9,
      NULL },
    { 0 },
};

static int spin_prepare(struct wl_setup *s)
{
    uint64_t *work = malloc(sizeof(*work));
    if (work == NULL)
        return -1;
    *work = (uint64_t)s->args[P_WORK].i;
    s->state = work;
    s->ntasks_out = s->ntasks;
    return 0;
}

/* An xorshift step: dependent arithmetic the compiler cannot fold. */
static uint64_t step(uint64_t x)
{
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}

static void spin_run(void *state, void *wstate, uint64_t i,
                     struct task_result *out)
{
    (void)wstate;
    uint64_t work = *(const uint64_t *)state;
    uint64_t total = work * (100 + EXTRA_WORK_PCT) / 100;
    uint64_t x = i * 0x9e3779b97f4a7c15ULL + 1, value = 0;
    for (uint64_t k = 0; k < total; k++) {
        x = step(x);
        if (k + 1 == work)
            value = x;
    }
    /* Keep the extra iterations: their result feeds nothing else. */
    __asm__ volatile("" : : "r"(x));
    out->value = value;
}

static void spin_release(void *state)
{
    free(state);
}

const struct workload poolbench_workload = {
    .abi = WORKLOAD_ABI,
    .name = "spin",
    .summary = "test plugin: xorshift loop, EXTRA_WORK_PCT more per build",
    .value_doc = "the xorshift state after `work` steps",
    .params = spin_params,
    .default_tasks = 1000,
    .prepare = spin_prepare,
    .run_task = spin_run,
    .release = spin_release,
};

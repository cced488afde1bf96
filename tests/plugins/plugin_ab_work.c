/* plugin_ab_work.c - the A/B fixture: one workload built several times,
 * each build doing EXTRA_WORK_PCT percent more CPU work per task than the
 * plain one (-DEXTRA_WORK_PCT=N; meson builds 0, 5, 10 and 25), while
 * every build computes the same value per task, so the checksums agree.
 * A real slowdown of a known size, for tests of the paired comparison
 * (tests/cli/ab_cli_test.sh) and for scripts/ab-bench.sh.
 *
 * Task i: `work` rounds of a 64-bit mixing step seeded with i.
 * Value of task i: the state after those rounds. The extra rounds go on
 * from that state and are kept from the optimizer, not from the value.
 */
#include <stdlib.h>

#include "workload.h"

#ifndef EXTRA_WORK_PCT
#define EXTRA_WORK_PCT 0
#endif

/* Added to every value: a build that computes something else (the A/B
 * checksum check), 0 in the others. */
#ifndef VALUE_SALT
#define VALUE_SALT 0
#endif

enum { P_WORK };

static const struct wl_param abwork_params[] = {
    { "work", WL_PARAM_INT, "20000", "mixing rounds per task", 1,
      100000000.0, NULL },
    { 0 },
};

static int abwork_prepare(struct wl_setup *s)
{
    uint64_t *work = malloc(sizeof(*work));
    if (work == NULL)
        return -1;
    *work = (uint64_t)s->args[P_WORK].i;
    s->state = work;
    s->ntasks_out = s->ntasks;
    return 0;
}

/* One round: a multiply and a xor-shift, so no closed form shortcuts n
 * rounds. */
static uint64_t mix(uint64_t x, uint64_t n)
{
    for (uint64_t k = 0; k < n; k++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        x ^= x >> 29;
    }
    return x;
}

static void abwork_run(void *state, void *wstate, uint64_t i,
                       struct task_result *out)
{
    (void)wstate;
    uint64_t work = *(const uint64_t *)state;
    uint64_t x = mix(i + 1, work);
    uint64_t extra = work * EXTRA_WORK_PCT / 100;
    uint64_t y = mix(x, extra);
    /* The extra rounds' result must look used, or they are dropped. */
    __asm__ volatile("" : : "r"(y));
    out->value = x + VALUE_SALT;
}

static void abwork_release(void *state)
{
    free(state);
}

const struct workload poolbench_workload = {
    .abi = WORKLOAD_ABI,
    .name = "abwork",
    .summary = "A/B fixture: CPU rounds per task, plus a fixed extra share",
    .value_doc = "state after `work` mixing rounds seeded with i + 1",
    .params = abwork_params,
    .default_tasks = 1000,
    .prepare = abwork_prepare,
    .run_task = abwork_run,
    .release = abwork_release,
};

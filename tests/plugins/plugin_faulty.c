/* plugin_faulty.c - a workload whose task `at` fails on purpose, for the
 * fault tests: it returns an error, segfaults, aborts, _exits or hangs.
 *
 * Value of task i: i (0 for the faulting task when it returns an error).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "workload.h"

enum { P_FAULT, P_AT };
enum { F_NONE, F_ERROR, F_SEGV, F_ABORT, F_EXIT, F_HANG };

static const struct wl_param faulty_params[] = {
    { "fault", WL_PARAM_CHOICE, "none", "what task `at` does",
      0, 0, "none|error|segv|abort|exit|hang" },
    { "at", WL_PARAM_INT, "3", "index of the faulting task", 0, 1e9,
      NULL },
    { 0 },
};

struct faulty {
    int64_t fault;
    uint64_t at;
    /* A page nobody may touch. The crash is a real invalid access, not
     * raise(): a thread pool may block signals, and a blocked raise()d
     * SIGSEGV would only stay pending; nor a null pointer, which the
     * sanitizers would report as undefined behaviour instead. */
    volatile int *guard;
};

static int faulty_prepare(struct wl_setup *s)
{
    struct faulty *f = malloc(sizeof(*f));
    if (f == NULL)
        return -1;
    f->guard = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
                    -1, 0);
    if (f->guard == MAP_FAILED) {
        free(f);
        return -1;
    }
    f->fault = s->args[P_FAULT].c.index;
    f->at = (uint64_t)s->args[P_AT].i;
    s->state = f;
    s->ntasks_out = s->ntasks;
    return 0;
}

static void faulty_run(void *state, void *wstate, uint64_t i,
                       struct task_result *out)
{
    const struct faulty *f = state;
    (void)wstate;
    out->value = i;
    if (i != f->at)
        return;
    switch (f->fault) {
    case F_ERROR:
        out->status = TASK_ERROR;
        out->error = EIO;
        out->value = 0;
        break;
    case F_SEGV:
        *f->guard = 1;
        break;
    case F_ABORT:
        abort();
    case F_EXIT:
        _exit(3);
    case F_HANG:
        for (;;)
            pause();
    }
}

static void faulty_release(void *state)
{
    struct faulty *f = state;
    munmap((void *)f->guard, 4096);
    free(f);
}

const struct workload poolbench_workload = {
    .abi = WORKLOAD_ABI,
    .name = "faulty",
    .summary = "test plugin: task `at` errors, crashes, exits or hangs",
    .value_doc = "i",
    .params = faulty_params,
    .default_tasks = 100,
    .prepare = faulty_prepare,
    .run_task = faulty_run,
    .release = faulty_release,
};

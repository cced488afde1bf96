/* executor.c - the executor registry and what every executor shares. */
#include <stdio.h>
#include <string.h>

#include "executor.h"
#include "executors.h"

#define EXECUTOR_ADDRESS(name) &executor_##name,
const struct executor *const executor_list[] = {
    EXECUTORS(EXECUTOR_ADDRESS)
    NULL,
};
#undef EXECUTOR_ADDRESS

const struct executor *executor_find(const char *name)
{
    for (size_t k = 0; executor_list[k] != NULL; k++)
        if (strcmp(executor_list[k]->name, name) == 0)
            return executor_list[k];
    return NULL;
}

char *executor_names(unsigned mask, unsigned want, char *buf, size_t len)
{
    size_t used = 0;
    if (len > 0)
        buf[0] = '\0';
    for (size_t k = 0; executor_list[k] != NULL; k++) {
        if ((executor_list[k]->flags & mask) != want || used >= len)
            continue;
        int n = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
                         executor_list[k]->name);
        used += n > 0 ? (size_t)n : 0;
    }
    return buf;
}

const struct executor *executor_baseline(void)
{
    for (size_t k = 0; executor_list[k] != NULL; k++)
        if (executor_list[k]->flags & EXEC_BASELINE)
            return executor_list[k];
    return NULL; /* not reached: serial has it (test_executor.c) */
}

const char *executor_variant_name(const struct executor *ex, unsigned v)
{
    if (ex->variants == NULL)
        return v == 0 ? "none" : NULL;
    for (unsigned k = 0; ex->variants[k] != NULL; k++)
        if (k == v)
            return ex->variants[k];
    return NULL;
}

int executor_variant_find(const struct executor *ex, const char *name)
{
    if (ex->variants == NULL)
        return -1;
    for (int k = 0; ex->variants[k] != NULL; k++)
        if (strcmp(ex->variants[k], name) == 0)
            return k;
    return -1;
}

uint64_t executor_auto_chunk(uint64_t ntasks, unsigned workers,
                             uint64_t chunk)
{
    if (chunk > 0)
        return chunk;
    if (workers == 0)
        workers = 1;
    uint64_t per = 4 * (uint64_t)workers;
    uint64_t c = (ntasks + per - 1) / per;
    return c > 0 ? c : 1;
}

void executor_mark(struct task_result *results, uint64_t count,
                   int32_t status, int32_t error)
{
    for (uint64_t k = 0; k < count; k++) {
        results[k].status = status;
        results[k].error = error;
        results[k].value = 0;
        results[k].bytes = 0;
        results[k].wait_ns = 0;
    }
}

int executor_report_cut(struct exec_report *rep, const char *name,
                        int stuck, double grace_s)
{
    const char *why = rep->timed_out ? "time limit reached" : "interrupted";
    if (stuck) {
        rep->broken = 1;
        snprintf(rep->err, sizeof(rep->err), "%s: %s, and a worker is still "
                 "inside a task after %.1f s (threads cannot be killed; use "
                 "-e procs to isolate hanging tasks)", name, why, grace_s);
    } else {
        snprintf(rep->err, sizeof(rep->err), "%s: %s", name, why);
    }
    return -1;
}

/* compare_describe.c - what every compare format says about a
 * comparison besides its rows: the metric and the machines side by side.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_impl.h"

/* ---- metric ------------------------------------------------------------- */

const char *compare_metric_word(const struct compare_options *o)
{
    if (o->normalize_speedup)
        return "speedup";
    switch (o->metric) {
    case COMPARE_WALL: return "wall";
    case COMPARE_CPU: return "cpu";
    case COMPARE_NS_PER_TASK: return "ns_per_task";
    }
    return "?";
}

/* What the compared numbers are, for headers. */
const char *compare_metric_doc(const struct compare_options *o)
{
    if (o->normalize_speedup)
        return "speedup over " VIEW_BASELINE_EXECUTOR " (the fastest "
               VIEW_BASELINE_EXECUTOR " median wall_s / each repetition's "
               "wall_s); higher is better";
    switch (o->metric) {
    case COMPARE_WALL: return "wall_s per repetition; lower is better";
    case COMPARE_CPU: return "user_s + sys_s per repetition; lower is better";
    case COMPARE_NS_PER_TASK:
        return "wall_s * 1e9 / tasks per repetition; lower is better";
    }
    return "?";
}

/* The Bencher measure slug of the metric, and its scale from our unit
 * (Bencher's built-in latency is in nanoseconds). */
const char *compare_bmf_measure(const struct compare_options *o,
                               double *scale)
{
    *scale = 1.0;
    if (o->normalize_speedup)
        return "speedup";
    switch (o->metric) {
    case COMPARE_WALL:
        *scale = 1e9;
        return "latency";
    case COMPARE_CPU:
        *scale = 1e9;
        return "cpu-time";
    case COMPARE_NS_PER_TASK:
        return "ns-per-task";
    }
    return "?";
}

/* ---- machines ---------------------------------------------------------- */

static const char *const machine_keys[] = {
    "hostname", "os", "kernel", "arch", "cpu_model", "cpus_online",
    "affinity", "affinity_count", "mem_total_bytes", "clocksource",
    "governor", "compiler", "build_type", "poolbench_version", "git_commit",
};

#define NMACHINE_KEYS (sizeof(machine_keys) / sizeof(machine_keys[0]))
_Static_assert(2 + NMACHINE_KEYS == COMPARE_HEADER_MAX,
               "the header holds file, created and every machine key");

/* The machine a file's rows were measured on (the first row's). */
const struct results_machine *compare_machine_of(const struct results_file *f)
{
    size_t k = f->nrows > 0 ? f->rows[0].machine_index : 0;
    return k < f->nmachines ? &f->machines[k] : NULL;
}

/* How many distinct machines f's rows come from. */
size_t compare_machines_used(const struct results_file *f)
{
    size_t n = 0;
    for (size_t m = 0; m < f->nmachines; m++)
        for (size_t k = 0; k < f->nrows; k++)
            if (f->rows[k].machine_index == m) {
                n++;
                break;
            }
    return n;
}

static void machine_value(const struct results_machine *m, const char *key,
                          char *buf, size_t len)
{
    const cJSON *j = m != NULL ? cJSON_GetObjectItemCaseSensitive(m->json,
                                                                  key)
                               : NULL;
    if (cJSON_IsString(j))
        snprintf(buf, len, "%s", j->valuestring);
    else if (cJSON_IsNumber(j) && strcmp(key, "mem_total_bytes") == 0)
        snprintf(buf, len, "%.1f GiB", j->valuedouble / (1024.0 * 1024 *
                                                         1024));
    else if (cJSON_IsNumber(j))
        snprintf(buf, len, "%.0f", j->valuedouble);
    else
        snprintf(buf, len, "unknown");
}


/* The header: file, created, every machine key. Returns the count. */
size_t compare_header_lines(const struct compare_report *r,
                           struct compare_header_line *out, size_t max)
{
    size_t n = 0;
    const struct results_machine *mb = compare_machine_of(r->base);
    const struct results_machine *mn = compare_machine_of(r->new_file);
    if (max < 2 + NMACHINE_KEYS)
        return 0;
    out[n].key = "file";
    snprintf(out[n].base, sizeof(out[n].base), "%s", r->base_name);
    snprintf(out[n].new_v, sizeof(out[n].new_v), "%s", r->new_name);
    out[n++].differs = 0;
    out[n].key = "created";
    snprintf(out[n].base, sizeof(out[n].base), "%s", r->base->created);
    snprintf(out[n].new_v, sizeof(out[n].new_v), "%s", r->new_file->created);
    out[n++].differs = 0;
    for (size_t k = 0; k < NMACHINE_KEYS; k++) {
        out[n].key = machine_keys[k];
        machine_value(mb, machine_keys[k], out[n].base, sizeof(out[n].base));
        machine_value(mn, machine_keys[k], out[n].new_v,
                      sizeof(out[n].new_v));
        out[n].differs = strcmp(out[n].base, out[n].new_v) != 0;
        n++;
    }
    return n;
}


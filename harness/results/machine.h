/* machine.h - what machine and build a result was measured on. */
#ifndef POOLBENCH_MACHINE_H
#define POOLBENCH_MACHINE_H

#include <stdint.h>

#include <cjson/cJSON.h>

/* Metadata; strings are "" when unknown (never NULL). */
struct machine_info {
    char hostname[256];
    char os[128];          /* PRETTY_NAME from /etc/os-release */
    char kernel[128];      /* uname -r */
    char arch[65];         /* uname -m */
    char cpu_model[128];
    long cpus_online;
    char affinity[256];    /* CPUs this process may run on, "0-3,6" */
    long affinity_count;
    uint64_t mem_total_bytes;
    char clocksource[64];
    char governor[64];     /* "" when cpufreq is not exposed */
    char compiler[128];
    char build_type[32];
    char version[32];
    char git_commit[64];
};

/* Read this machine's metadata; fields that cannot be read stay "". */
void machine_read(struct machine_info *m);

/* The metadata as a JSON object (schema poolbench/1 "machine"); NULL on
 * allocation failure. Unknown strings are written as null. */
cJSON *machine_to_json(const struct machine_info *m);

/* Print the metadata as aligned "key: value" lines. */
void machine_print(const struct machine_info *m);

#endif /* POOLBENCH_MACHINE_H */

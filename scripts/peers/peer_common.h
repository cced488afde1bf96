/* peer_common.h - what the peer programs share: arguments, the clock, a
 * median, the result record and the output line.
 *
 * Each peer runs N empty tasks on W workers R times and prints one line,
 * "PEER ns_per_task=X checksum=HEX", X the median over R of the wall time
 * of the whole map divided by N. As poolbench's ns_per_task (wall_s /
 * tasks), the wall covers first dispatch to last result and excludes
 * creating the pool. A task records a 32-byte result (as struct
 * task_result: status, error, value, bytes, wait) so that the peers pay
 * the store poolbench pays; the checksum (sum of values mod 2^64,
 * n(n-1)/2) proves every task ran.
 */
#ifndef PEER_COMMON_H
#define PEER_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct peer_result {
    int32_t status;
    int32_t error;
    uint64_t value;
    uint64_t bytes;
    uint64_t wait_ns;
};

struct peer_args {
    uint64_t n;
    unsigned workers;
    unsigned reps;
};

static inline double peer_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* peer N WORKERS REPS; defaults 200000 2 7. */
static inline void peer_parse(int argc, char **argv, struct peer_args *a)
{
    a->n = argc > 1 ? strtoull(argv[1], NULL, 10) : 200000;
    a->workers = argc > 2 ? (unsigned)atoi(argv[2]) : 2;
    a->reps = argc > 3 ? (unsigned)atoi(argv[3]) : 7;
    if (a->n < 1 || a->workers < 1 || a->reps < 1) {
        fprintf(stderr, "usage: %s [N [WORKERS [REPS]]]\n", argv[0]);
        exit(2);
    }
}

static int peer_cmp(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static inline double peer_median(double *v, unsigned n)
{
    qsort(v, n, sizeof(*v), peer_cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static inline uint64_t peer_checksum(const struct peer_result *r,
                                     uint64_t n)
{
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; i++)
        sum += r[i].value;
    return sum;
}

static inline void peer_print(const char *name, double med_s, uint64_t n,
                              uint64_t checksum)
{
    printf("%s ns_per_task=%.2f checksum=%016llx\n", name,
           med_s / (double)n * 1e9, (unsigned long long)checksum);
}

#endif

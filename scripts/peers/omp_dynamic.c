/* omp_dynamic.c - N empty tasks under OpenMP schedule(dynamic,1).
 *
 * The peer of `poolbench run -e threads --chunk 1`: each task is claimed
 * with libgomp's atomic add and records its result. The team is started
 * by a warm-up region first (pool creation is not timed); the wall is the
 * parallel loop. Build: gcc -O2 -fopenmp omp_dynamic.c
 */
#include <omp.h>

#include "peer_common.h"

int main(int argc, char **argv)
{
    struct peer_args a;
    peer_parse(argc, argv, &a);
    omp_set_num_threads((int)a.workers);
    omp_set_dynamic(0);
    struct peer_result *res = calloc(a.n, sizeof(*res));
    double *t = calloc(a.reps, sizeof(*t));
    if (res == NULL || t == NULL)
        return 1;
    memset(res, 0, a.n * sizeof(*res)); /* touched: no page faults */
#pragma omp parallel
    {
        (void)0; /* start the team */
    }
    for (unsigned r = 0; r < a.reps; r++) {
        double t0 = peer_now_s();
        long long n = (long long)a.n;
#pragma omp parallel for schedule(dynamic, 1)
        for (long long i = 0; i < n; i++) {
            struct peer_result *o = &res[i];
            o->status = 0;
            o->error = 0;
            o->value = (uint64_t)i;
            o->bytes = 0;
            o->wait_ns = 0;
        }
        t[r] = peer_now_s() - t0;
    }
    peer_print("omp-dynamic-1", peer_median(t, a.reps), a.n,
               peer_checksum(res, a.n));
    return 0;
}

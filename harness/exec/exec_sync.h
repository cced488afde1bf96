/* exec_sync.h - futex parking and clocks shared by the parallel executors.
 *
 * Workers and consumers park on 32-bit futex words instead of spinning:
 * on a 2-core machine a spinning consumer steals a core from the workers.
 * The wait helpers take a timeout so that a parked consumer still notices
 * a stop request or a deadline. `shared` selects a futex that works across
 * fork() (no FUTEX_PRIVATE_FLAG) for words in MAP_SHARED memory.
 */
#ifndef POOLBENCH_EXEC_SYNC_H
#define POOLBENCH_EXEC_SYNC_H

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <linux/futex.h>
#include <sys/syscall.h>

#include "clock.h"
#include "executor.h"

/* Hot shared words are padded to this so that two of them never share a
 * line (128: adjacent-line prefetch pairs 64-byte lines on x86). */
#define EXEC_CACHE_LINE 128

/* Spins of a consumer before it parks: about a microsecond. */
#define EXEC_SPIN 64

/* Polls of a consumer that waits for a batch of completions (not for
 * the next one) before it sleeps: a few, for one already on its way.
 * Polling longer reads the lines the workers are writing, and each read
 * takes the line from its writer; at chunk 1 (batches of 195 chunks, 2
 * workers, noop, builds alternated) futures read 87-90 ns a task with
 * 16-64 polls against 63-67 with 0-4, and procs shm 56.7 against 50.4.
 * The threads consumer, paced by a clock read per chunk, stays behind
 * the workers and polls little: no difference there (54 and 57 ns). */
#define EXEC_BATCH_SPIN 4

/* Longest single park of a consumer, so stop and deadlines are seen. */
#define EXEC_PARK_NS 20000000LL

static inline void exec_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#endif
}

/* Sleep while *word == expect, at most timeout_ns (< 0: no limit).
 * Returns 0 when woken or the value differs, -1 with errno ETIMEDOUT or
 * EINTR otherwise; callers re-check their condition in any case. */
static inline int exec_futex_wait(atomic_uint *word, unsigned expect,
                                  long long timeout_ns, int shared)
{
    struct timespec ts, *tsp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = (time_t)(timeout_ns / 1000000000LL);
        ts.tv_nsec = (long)(timeout_ns % 1000000000LL);
        tsp = &ts;
    }
    int op = FUTEX_WAIT | (shared ? 0 : FUTEX_PRIVATE_FLAG);
    long r = syscall(SYS_futex, (void *)word, op, expect, tsp, NULL, 0);
    if (r == -1 && errno == EAGAIN)
        return 0;
    return r == 0 ? 0 : -1;
}

/* Wake up to n sleepers on word. */
static inline void exec_futex_wake(atomic_uint *word, int n, int shared)
{
    int op = FUTEX_WAKE | (shared ? 0 : FUTEX_PRIVATE_FLAG);
    syscall(SYS_futex, (void *)word, op, n, NULL, NULL, 0);
}


/* How long a consumer may park at now_ns (CLOCK_MONOTONIC): until
 * deadline_ns (0 = none), but no longer than EXEC_PARK_NS. */
static inline long long exec_park_ns_at(int64_t deadline_ns, int64_t now_ns)
{
    if (deadline_ns == 0)
        return EXEC_PARK_NS;
    int64_t left = deadline_ns - now_ns;
    if (left < 0)
        return 0;
    return left < EXEC_PARK_NS ? left : EXEC_PARK_NS;
}

/* exec_park_ns_at now; the clock is read only when there is a deadline. */
static inline long long exec_park_ns(int64_t deadline_ns)
{
    return exec_park_ns_at(deadline_ns,
                           deadline_ns != 0 ? clock_mono_ns() : 0);
}

/* 1 if a run must be cut: *job->stop was set (rep->interrupted) or the
 * deadline (0: none) is at or before now_ns (rep->timed_out). */
static inline int exec_cut_at(const struct exec_job *job,
                              int64_t deadline_ns, struct exec_report *rep,
                              int64_t now_ns)
{
    if (job->stop != NULL && *job->stop) {
        rep->interrupted = 1;
        return 1;
    }
    if (deadline_ns != 0 && now_ns >= deadline_ns) {
        rep->timed_out = 1;
        return 1;
    }
    return 0;
}

/* exec_cut_at now; the clock is read only when there is a deadline. */
static inline int exec_should_cut(const struct exec_job *job,
                                  int64_t deadline_ns,
                                  struct exec_report *rep)
{
    return exec_cut_at(job, deadline_ns, rep,
                       deadline_ns != 0 ? clock_mono_ns() : 0);
}

#endif /* POOLBENCH_EXEC_SYNC_H */

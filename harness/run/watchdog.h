/* watchdog.h - a thread that ends a repetition stuck past its time limit.
 *
 * Executors honour --timeout themselves, but a task stuck under serial
 * (or any executor bug) would hang the run forever. The watchdog notices
 * a repetition still running WATCHDOG_GRACE_S after its limit and calls
 * fire(), which saves what was measured and ends the process: no hang,
 * nothing lost. */
#ifndef POOLBENCH_WATCHDOG_H
#define POOLBENCH_WATCHDOG_H

#include <pthread.h>
#include <stdatomic.h>

#define WATCHDOG_GRACE_S 3.0

/* Called on the watchdog's thread with the stuck configuration's index;
 * it must end the process (the stuck thread cannot be undone). */
typedef void watchdog_fire_fn(void *arg, long k);

struct watchdog {
    pthread_t tid;
    int started;
    pthread_mutex_t lock;     /* with wake: quit ends the wait at once */
    pthread_cond_t wake;
    int quit;                 /* under lock */
    atomic_long current;      /* index of the running config, or -1 */
    _Atomic double deadline;  /* monotonic seconds; 0 = none */
    watchdog_fire_fn *fire;
    void *arg;
};

/* Start the watchdog (w zeroed); without it the run still works,
 * unguarded. */
void watchdog_start(struct watchdog *w, watchdog_fire_fn *fire, void *arg);

/* Arm it for configuration k's repetition with its limit (k < 0 or
 * timeout_s <= 0 disarms). Safe on a watchdog that did not start. */
void watchdog_arm(struct watchdog *w, long k, double timeout_s);

/* Stop and join the thread; safe on a watchdog that did not start. */
void watchdog_stop(struct watchdog *w);

#endif /* POOLBENCH_WATCHDOG_H */

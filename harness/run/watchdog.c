/* watchdog.c - ends a repetition stuck past its limit (see watchdog.h). */
#include <time.h>

#include "clock.h"
#include "watchdog.h"

#define WATCHDOG_TICK_NS 100000000L

static void *watchdog_main(void *arg)
{
    struct watchdog *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += WATCHDOG_TICK_NS;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        if (!w->quit)
            pthread_cond_timedwait(&w->wake, &w->lock, &until);
        if (w->quit)
            break;
        double deadline = atomic_load(&w->deadline);
        long k = atomic_load(&w->current);
        if (deadline == 0 || k < 0 ||
            clock_mono_s() < deadline + WATCHDOG_GRACE_S)
            continue;
        w->fire(w->arg, k);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

void watchdog_start(struct watchdog *w, watchdog_fire_fn *fire, void *arg)
{
    pthread_condattr_t attr;
    w->fire = fire;
    w->arg = arg;
    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&w->wake, &attr);
    pthread_condattr_destroy(&attr);
    atomic_init(&w->current, -1);
    atomic_init(&w->deadline, 0.0);
    w->started = pthread_create(&w->tid, NULL, watchdog_main, w) == 0;
}

void watchdog_arm(struct watchdog *w, long k, double timeout_s)
{
    if (!w->started)
        return;
    atomic_store(&w->deadline, k >= 0 && timeout_s > 0
                                   ? clock_mono_s() + timeout_s : 0.0);
    atomic_store(&w->current, k);
}

void watchdog_stop(struct watchdog *w)
{
    if (!w->started)
        return;
    pthread_mutex_lock(&w->lock);
    w->quit = 1;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->tid, NULL);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    w->started = 0;
}

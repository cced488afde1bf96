/* threads.c - N pthreads claiming chunks from one atomic counter.
 *
 * The model is multiprocessing.dummy.Pool. create() starts the threads;
 * each calls worker_init and parks on a futex until run() says go. A
 * worker claims chunk c with one fetch_add on `next` (alone on its cache
 * line), runs its tasks straight into results[] (allocated and touched at
 * create, 32 bytes per task and nothing else per task) and publishes the
 * chunk through a 32-bit slot per chunk: in ordered mode slot[c] = 1, in
 * unordered mode the chunk id goes to the next position of a completion
 * ring (slot[pos] = c + 1). The calling thread is the consumer: it reads
 * slots in order, delivers, and parks on a futex when nothing is ready,
 * asking to be woken only once `batch` more chunks are done so that a
 * fine-grained run does not pay a wake-up per chunk.
 *
 * A thread stuck in a task cannot be killed. On a timeout or a stop, no
 * further chunk is handed out, unclaimed tasks are delivered as
 * TASK_TIMEOUT / TASK_CANCELLED, and in-flight chunks get a grace period;
 * if they are still running after it the pool reports itself broken and
 * those tasks are not delivered. Use `procs` when tasks may hang: it is
 * the executor that isolates them.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base.h"

/* How long in-flight chunks may run on after a timeout or stop. */
#define THR_GRACE_NS 1000000000LL

/* Largest number of chunks (slot values are chunk id + 1 in 32 bits). */
#define THR_MAX_CHUNKS (UINT32_MAX - 1)

enum thr_phase {
    THR_WAIT = 0, /* created, waiting for run() */
    THR_RUN = 1,  /* claim and run chunks */
    THR_QUIT = 2, /* leave */
};

/* Per-worker state, written only by its thread, on its own line. */
struct thr_worker {
    _Alignas(EXEC_CACHE_LINE) struct exec_pool *pool;
    pthread_t tid;
    unsigned id;
    int started;       /* pthread_create succeeded (written by creator) */
    int init_ok;       /* worker_init succeeded */
    void *wstate;
    /* Tasks run: stored by the worker before it publishes the chunk, so
     * the consumer reads an exact count once the chunk is delivered. */
    atomic_uint_fast64_t tasks;
    int64_t cpu0_ns;   /* its CPU clock when run() started (consumer) */
};

struct exec_pool {
    /* The claim counter, alone: every claim bounces this line. */
    _Alignas(EXEC_CACHE_LINE) atomic_uint_fast64_t next;
    /* Completions so far (ordered: a count; unordered: ring positions). */
    _Alignas(EXEC_CACHE_LINE) atomic_uint_fast64_t ndone;
    /* Consumer parking: sleeping flag, wake threshold, futex word. */
    _Alignas(EXEC_CACHE_LINE) atomic_uint cons_sleep;
    atomic_uint cons_event;
    atomic_uint_fast64_t cons_want;
    /* Worker phase (futex word) and start-up handshake. */
    _Alignas(EXEC_CACHE_LINE) atomic_uint phase;
    atomic_uint nready;   /* workers done with worker_init (futex word) */
    atomic_uint init_bad; /* a worker_init failed */

    _Alignas(EXEC_CACHE_LINE) struct exec_base b;
    uint64_t batch;       /* chunks per consumer wake-up once going */
    int broken;           /* threads may still touch the pool: leak it */
    struct task_result *results; /* ntasks, mmap'd */
    size_t results_len;
    atomic_uint *slots;   /* nchunks, mmap'd */
    size_t slots_len;
    struct thr_worker *workers;
    unsigned nworkers;
};

/* mmap an array and touch it now, so that run() does not pay the page
 * faults (they are pool start-up, timed as startup_s). */
static void *thr_map(size_t len)
{
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    return m == MAP_FAILED ? NULL : m;
}

/* Publish chunk c as done and wake the consumer if it asked for it.
 * The Dekker pair with thr_wait_slot's fence is made of seq_cst
 * operations, not a fence here (one fewer per chunk; the RMWs are
 * barriers already on x86): if our load of cons_sleep misses the
 * consumer's store, our slot exchange and ndone increment come before
 * its fence in the single order and its loads after the fence see them;
 * if it sees the store, our load of cons_want sees the want stored before
 * that fence. The exchanges are also releases: the consumer's acquire
 * load of the slot makes the chunk's results visible. */
static void thr_publish(struct exec_pool *p, uint64_t c)
{
    uint64_t n;
    if (p->b.cfg.mode == EXEC_ORDERED) {
        atomic_exchange_explicit(&p->slots[c], 1, memory_order_seq_cst);
        n = atomic_fetch_add_explicit(&p->ndone, 1,
                                      memory_order_seq_cst) + 1;
    } else {
        /* the position only has to be unique; the slot carries the
         * results */
        n = atomic_fetch_add_explicit(&p->ndone, 1,
                                      memory_order_seq_cst) + 1;
        atomic_exchange_explicit(&p->slots[n - 1], (unsigned)(c + 1),
                                 memory_order_seq_cst);
    }
    if (atomic_load_explicit(&p->cons_sleep, memory_order_seq_cst) &&
        n >= atomic_load_explicit(&p->cons_want, memory_order_seq_cst) &&
        atomic_exchange_explicit(&p->cons_sleep, 0, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&p->cons_event, 1, memory_order_relaxed);
        exec_futex_wake(&p->cons_event, 1, 0);
    }
}

static void thr_work(struct exec_pool *p, struct thr_worker *w)
{
    const struct exec_job *job = &p->b.job;
    uint64_t tasks = 0;
    for (;;) {
        /* relaxed: the claim only needs atomicity; the job was set up
         * before the phase store this thread acquired. */
        uint64_t c = atomic_fetch_add_explicit(&p->next, 1,
                                               memory_order_relaxed);
        if (c >= p->b.nchunks)
            return;
        uint64_t first, count = exec_base_span(&p->b, c, &first);
        for (uint64_t k = 0; k < count; k++)
            executor_run_one(job, w->wstate, first + k,
                             &p->results[first + k]);
        /* relaxed: the slot's release store in thr_publish orders it */
        tasks += count;
        atomic_store_explicit(&w->tasks, tasks, memory_order_relaxed);
        thr_publish(p, c);
    }
}

/* Park until phase differs from cur; returns the new phase. */
static unsigned thr_wait_phase(struct exec_pool *p, unsigned cur)
{
    unsigned ph;
    while ((ph = atomic_load_explicit(&p->phase, memory_order_acquire)) ==
           cur)
        exec_futex_wait(&p->phase, cur, -1, 0);
    return ph;
}

static void *thr_main(void *arg)
{
    struct thr_worker *w = arg;
    struct exec_pool *p = w->pool;
    const struct workload *wl = p->b.job.wl;

    w->init_ok = 1;
    if (wl->worker_init != NULL &&
        wl->worker_init(p->b.job.state, w->id, &w->wstate) != 0) {
        w->init_ok = 0;
        atomic_store_explicit(&p->init_bad, 1, memory_order_relaxed);
    }
    /* release: create() reads init_bad after seeing every worker ready */
    atomic_fetch_add_explicit(&p->nready, 1, memory_order_release);
    exec_futex_wake(&p->nready, 1, 0);

    if (thr_wait_phase(p, THR_WAIT) == THR_RUN && w->init_ok) {
        thr_work(p, w);
        thr_wait_phase(p, THR_RUN);
    }
    if (w->init_ok && wl->worker_fini != NULL)
        wl->worker_fini(p->b.job.state, w->wstate);
    return NULL;
}

/* Tell the workers to leave and join them. Workers that do not leave
 * within the grace period (stuck in a task) are detached and the pool is
 * leaked for them; returns the number left behind. */
static unsigned thr_stop_workers(struct exec_pool *p, int64_t grace_ns)
{
    unsigned stuck = 0;
    atomic_store_explicit(&p->phase, THR_QUIT, memory_order_release);
    exec_futex_wake(&p->phase, INT_MAX, 0);
    int64_t end = clock_mono_ns() + grace_ns;
    for (unsigned k = 0; k < p->nworkers; k++) {
        struct thr_worker *w = &p->workers[k];
        if (!w->started)
            continue;
        if (!p->broken) {
            pthread_join(w->tid, NULL);
            continue;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t left = end - clock_mono_ns();
        if (left < 0)
            left = 0;
        ts.tv_sec += (time_t)(left / 1000000000LL);
        ts.tv_nsec += (long)(left % 1000000000LL);
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        if (pthread_timedjoin_np(w->tid, NULL, &ts) != 0) {
            pthread_detach(w->tid);
            stuck++;
        }
    }
    return stuck;
}

static void thr_free(struct exec_pool *p)
{
    if (p->results != NULL)
        munmap(p->results, p->results_len);
    if (p->slots != NULL)
        munmap(p->slots, p->slots_len);
    free(p->workers);
    free(p);
}

static int thr_create(const struct exec_config *cfg,
                      const struct exec_job *job, struct exec_pool **pool,
                      char *err, size_t err_len)
{
    struct exec_pool *p = NULL;
    struct exec_base b;
    sigset_t all, old;
    int masked = 0;

    if (exec_base_init(&b, &executor_threads, cfg, job, err, err_len))
        return -1;
    uint64_t nchunks = b.nchunks;
    if (nchunks > THR_MAX_CHUNKS) {
        snprintf(err, err_len, "threads: %llu chunks is too many (at most "
                 "%llu; use a larger chunk)", (unsigned long long)nchunks,
                 (unsigned long long)THR_MAX_CHUNKS);
        return -1;
    }
    p = aligned_alloc(EXEC_CACHE_LINE,
                      (sizeof(*p) + EXEC_CACHE_LINE - 1) /
                          EXEC_CACHE_LINE * EXEC_CACHE_LINE);
    if (p == NULL)
        goto oom;
    memset(p, 0, sizeof(*p));
    p->b = b;
    p->batch = nchunks / 1024 > 1 ? nchunks / 1024 : 1;
    p->nworkers = cfg->workers;
    p->results_len = job->ntasks * sizeof(*p->results);
    p->results = thr_map(p->results_len);
    if (p->results == NULL)
        goto oom;
    p->slots_len = nchunks * sizeof(*p->slots);
    p->slots = thr_map(p->slots_len);
    if (p->slots == NULL)
        goto oom;
    p->workers = aligned_alloc(EXEC_CACHE_LINE,
                               cfg->workers * sizeof(*p->workers));
    if (p->workers == NULL)
        goto oom;
    memset(p->workers, 0, cfg->workers * sizeof(*p->workers));

    /* Workers inherit a full signal mask, so SIGINT reaches the thread
     * that runs the driver and its handler can set job->stop. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    masked = 1;
    for (unsigned k = 0; k < cfg->workers; k++) {
        struct thr_worker *w = &p->workers[k];
        w->pool = p;
        w->id = k;
        int rc = pthread_create(&w->tid, NULL, thr_main, w);
        if (rc != 0) {
            snprintf(err, err_len, "threads: pthread_create: %s",
                     strerror(rc));
            goto fail;
        }
        w->started = 1;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    masked = 0;

    unsigned r;
    while ((r = atomic_load_explicit(&p->nready, memory_order_acquire)) <
           cfg->workers)
        exec_futex_wait(&p->nready, r, -1, 0);
    if (atomic_load_explicit(&p->init_bad, memory_order_relaxed)) {
        snprintf(err, err_len, "threads: %s: worker_init failed",
                 job->wl->name);
        goto fail;
    }
    *pool = p;
    return 0;

oom:
    snprintf(err, err_len, "threads: out of memory for %llu tasks",
             (unsigned long long)job->ntasks);
fail:
    if (masked)
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (p != NULL) {
        if (p->workers != NULL)
            thr_stop_workers(p, 0);
        thr_free(p);
    }
    return -1;
}

/* Park the consumer until *slot is set or (by_count) the workers'
 * completion count reaches want, or the park times out. Returns 1 if
 * *slot is set. The Dekker pair with thr_publish is *slot, and with
 * by_count also ndone: whichever the worker stored last before its fence,
 * either we see it here or it sees us asleep and wants us. */
static int thr_wait_slot(struct exec_pool *p, atomic_uint *slot,
                         uint64_t want, int by_count)
{
    for (int s = 0; s < EXEC_SPIN; s++) {
        if (atomic_load_explicit(slot, memory_order_acquire))
            return 1;
        exec_cpu_relax();
    }
    unsigned ev = atomic_load_explicit(&p->cons_event, memory_order_relaxed);
    atomic_store_explicit(&p->cons_want, want, memory_order_relaxed);
    atomic_store_explicit(&p->cons_sleep, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_seq_cst); /* see thr_publish */
    if (!atomic_load_explicit(slot, memory_order_acquire) &&
        (!by_count ||
         atomic_load_explicit(&p->ndone, memory_order_relaxed) < want))
        exec_futex_wait(&p->cons_event, ev,
                        exec_park_ns(p->b.deadline_ns), 0);
    atomic_store_explicit(&p->cons_sleep, 0, memory_order_relaxed);
    return atomic_load_explicit(slot, memory_order_acquire) != 0;
}

static void thr_deliver(struct exec_pool *p, uint64_t c,
                        struct exec_report *rep)
{
    exec_base_deliver(&p->b, c, p->results, rep);
}

/* Fill rep->workers: tasks each ran, CPU its thread used since run()
 * began (read from outside, so run() waits for no worker to notice the
 * end; a stuck thread is read as well). */
static void thr_stats(struct exec_pool *p, struct exec_report *rep)
{
    for (unsigned k = 0; rep->workers != NULL && k < p->nworkers; k++) {
        struct thr_worker *w = &p->workers[k];
        exec_base_stat(&p->b, rep, k,
                       atomic_load_explicit(&w->tasks,
                                            memory_order_relaxed),
                       exec_base_thread_cpu_ns(w->tid) - w->cpu0_ns, 0);
    }
}

static int thr_run(struct exec_pool *p, struct exec_report *rep)
{
    const int ordered = p->b.cfg.mode == EXEC_ORDERED;
    const uint64_t nchunks = p->b.nchunks;
    uint64_t limit = nchunks; /* slots that will be published */
    uint64_t claimed = nchunks;
    uint64_t head = 0;
    int cut = 0, eager = 1;
    int64_t grace_end = 0;

    if (exec_base_start(&p->b, rep) != 0)
        return -1;
    for (unsigned k = 0; rep->workers != NULL && k < p->nworkers; k++)
        p->workers[k].cpu0_ns = exec_base_thread_cpu_ns(p->workers[k].tid);
    /* release: workers acquire the phase before touching the job */
    atomic_store_explicit(&p->phase, THR_RUN, memory_order_release);
    exec_futex_wake(&p->phase, INT_MAX, 0);

    while (head < limit) {
        atomic_uint *slot = &p->slots[head];
        unsigned v = atomic_load_explicit(slot, memory_order_acquire);
        if (v != 0) {
            thr_deliver(p, ordered ? head : v - 1, rep);
            head++;
            eager = 0;
            if ((head & 1023) == 0 && !cut && exec_base_should_cut(&p->b, rep))
                goto cut_now;
            continue;
        }
        if (!cut && exec_base_should_cut(&p->b, rep))
            goto cut_now;
        if (cut && clock_mono_ns() >= grace_end) {
            p->broken = 1;
            break;
        }
        uint64_t n = atomic_load_explicit(&p->ndone, memory_order_relaxed);
        uint64_t want;
        int by_count = 1;
        if (!ordered && n > head) {
            /* the worker that claimed ring position head is late with
             * its store: wait for exactly that */
            want = head + 1;
            by_count = 0;
        } else if (eager) {
            want = n + 1; /* the next completion, whichever it is */
        } else {
            want = head + p->batch;
        }
        if (want > limit)
            want = limit;
        eager = !thr_wait_slot(p, slot, want, by_count);
        continue;
cut_now:
        /* Hand out nothing more: every later claim is >= nchunks. */
        claimed = atomic_exchange_explicit(&p->next, nchunks,
                                           memory_order_relaxed);
        if (claimed > nchunks)
            claimed = nchunks;
        cut = 1;
        grace_end = clock_mono_ns() + THR_GRACE_NS;
        p->b.deadline_ns = 0;
        limit = claimed;
        if (!ordered)
            exec_base_deliver_cut(&p->b, claimed, nchunks, p->results, rep);
    }
    if (p->broken && ordered) {
        /* Deliver what did finish past the stuck chunks, in order. */
        for (uint64_t c = head; c < limit; c++)
            if (atomic_load_explicit(&p->slots[c], memory_order_acquire))
                thr_deliver(p, c, rep);
    }
    if (cut && ordered)
        exec_base_deliver_cut(&p->b, claimed, nchunks, p->results, rep);
    thr_stats(p, rep);
    if (!cut)
        return 0;
    return executor_report_cut(rep, "threads", p->broken, THR_GRACE_NS / 1e9);
}

static void thr_destroy(struct exec_pool *p)
{
    if (p == NULL)
        return;
    if (thr_stop_workers(p, THR_GRACE_NS) > 0)
        return; /* a stuck thread may still write to the pool: leak it */
    thr_free(p);
}

const struct executor executor_threads = {
    .name = "threads",
    .summary = "N pthreads claiming chunks from one atomic counter",
    .models = "multiprocessing.dummy.Pool",
    .variants = NULL,
    .create = thr_create,
    .run = thr_run,
    .destroy = thr_destroy,
};

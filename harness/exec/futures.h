/* futures.h - concurrent.futures for task indices, on a thread pool.
 *
 * A futures executor runs tasks of one prepared workload on N threads.
 * futures_submit(ex, i) queues task i and returns a future; the future
 * later holds the task's struct task_result. Futures come from a slab of
 * `capacity` made at creation: submit does not allocate, and a future is
 * given back with future_release() once the caller is done with it (C has
 * no garbage collector). futures_submit_range() queues a run of tasks as
 * one future whose results go to a caller's array: the executor's
 * `futures` backend submits chunks that way.
 *
 * Like Python's: result() blocks and reports the task's status (a failed
 * task's status and error come through it), done-callbacks run in the
 * thread that completes the future (or at once in the caller's if it is
 * already done), cancel() succeeds only for a future not yet started,
 * wait() returns on FIRST_COMPLETED or ALL_COMPLETED, as_completed()
 * yields futures in completion order, shutdown() waits for or cancels
 * what is pending. Every function may be called from any thread unless
 * it says otherwise; the thread that created the executor keeps the
 * futures it releases for its own next submissions, so that its submit and
 * release take no atomic operation (another thread's submit may then see
 * EAGAIN while some of them wait there).
 *
 * Only a thread backend exists: a forked backend would need the futures
 * themselves in shared memory and callbacks that cannot run in the
 * parent; `-e procs` covers processes.
 */
#ifndef POOLBENCH_FUTURES_H
#define POOLBENCH_FUTURES_H

#include <stddef.h>
#include <stdint.h>

#include "workload.h"

struct futures_executor; /* a pool of threads and a slab of futures */
struct future;           /* one submitted task or run of tasks */
struct futures_iter;     /* an as_completed iteration */

/* Where a future is in its life. */
enum future_state {
    FUTURE_PENDING = 0,   /* queued, not started: cancel() works */
    FUTURE_RUNNING = 1,   /* a worker is running it */
    FUTURE_FINISHED = 2,  /* ran; result() has its status */
    FUTURE_CANCELLED = 3, /* cancelled before it started */
};

/* When futures_wait() returns. */
enum futures_return_when {
    FUTURES_ALL_COMPLETED = 0,   /* every future is done */
    FUTURES_FIRST_COMPLETED = 1, /* at least one is done */
};

/* futures_shutdown() flags. */
#define FUTURES_WAIT 1           /* return after running futures finish */
#define FUTURES_CANCEL_PENDING 2 /* cancel futures not yet started */

/* Done-callbacks per future (Python allows any number; here a fixed
 * number keeps futures allocation-free). */
#define FUTURES_MAX_CALLBACKS 4

/* A done-callback; f is finished or cancelled. It must not release f. */
typedef void future_callback_fn(struct future *f, void *arg);

/* Start `workers` threads running tasks of wl (state from its prepare;
 * worker_init/worker_fini run in each thread) with room for `capacity`
 * live futures. Returns 0, or -1 with a message in err and nothing
 * running. */
int futures_create(struct futures_executor **ex, const struct workload *wl,
                   void *state, unsigned workers, size_t capacity,
                   char *err, size_t err_len);

/* Queue task i. Returns its future, or NULL with errno EAGAIN (all
 * `capacity` futures are live: release some) or ESHUTDOWN. */
struct future *futures_submit(struct futures_executor *ex, uint64_t i);

/* Queue tasks [first, first + count) as one future; their results are
 * written to out[0..count), which must stay valid until it is done.
 * Returns as futures_submit(). */
struct future *futures_submit_range(struct futures_executor *ex,
                                    uint64_t first, uint64_t count,
                                    struct task_result *out);

/* For the thread that created ex only: with hold set, its submissions
 * are held back and put in the ring a group at a time, with one
 * claim of the ring per group, and parked workers are not woken for
 * them; clearing the hold puts in the rest and wakes one parked worker,
 * which wakes the next while more is queued. Workers see a held future
 * only once its group is in, and parked ones only at hold(0), which must
 * follow. A held future is otherwise like any other (cancel, callbacks,
 * release). */
void futures_hold(struct futures_executor *ex, int hold);

/* Wait until f is done, at most timeout_s (< 0: no limit). Returns the
 * task's status (enum task_status; TASK_CANCELLED if it was cancelled),
 * and copies its result to *out if out is not NULL; for a range, the
 * first task that did not succeed, or the first task if all did. Returns
 * -1 with errno ETIMEDOUT if f is not done in time. */
int future_result(struct future *f, double timeout_s,
                  struct task_result *out);

/* Cancel f if it has not started. Returns 1 if f is now cancelled (done
 * callbacks have run), 0 if it is running or finished. */
int future_cancel(struct future *f);

/* f's state now. */
enum future_state future_state(const struct future *f);

/* 1 if f is finished or cancelled. */
int future_done(const struct future *f);

/* Where f's results are: the `out` of futures_submit_range(), or a
 * one-task future's own result (as result() copies it). Read them only
 * once f is done, and not after f is released. */
struct task_result *future_results(struct future *f);

/* The tasks f stands for: first index and count. */
uint64_t future_first(const struct future *f);
uint64_t future_count(const struct future *f);

/* Call fn(f, arg) once f is done: from the thread that completes it, or
 * now from this thread if it already is. Returns 0, or -1 with errno
 * EBUSY when f has FUTURES_MAX_CALLBACKS already. Not to be called for
 * the same future from two threads at once. */
int future_add_done_callback(struct future *f, future_callback_fn *fn,
                             void *arg);

/* Give f back to the slab. f must be done (else -1, errno EBUSY) and not
 * used again; waits for its done-callbacks to return. Returns 0. */
int future_release(struct future *f);

/* Wait for the n futures of fs (all of one executor) until `when` holds
 * or timeout_s passes (< 0: no limit). Returns how many are done. */
size_t futures_wait(struct future *const *fs, size_t n,
                    enum futures_return_when when, double timeout_s);

/* Start an as_completed iteration over the n futures of fs, with room
 * for `capacity` futures not yet yielded (0: n). More futures may be
 * added later with futures_iter_add(). Uses one done-callback of each.
 * Returns NULL with errno ENOMEM or EBUSY. One thread iterates. */
struct futures_iter *futures_as_completed(struct future *const *fs,
                                          size_t n, size_t capacity);

/* Add f to the iteration. Returns 0, or -1 with errno ENOSPC (capacity
 * futures not yet yielded) or EBUSY (f has no callback left). */
int futures_iter_add(struct futures_iter *it, struct future *f);

/* futures_submit_range() and futures_iter_add() in one step, cheaper:
 * the callback is in place before a worker can see the future. Returns
 * as futures_submit_range(), or NULL with errno ENOSPC. */
struct future *futures_iter_submit_range(struct futures_iter *it,
                                         struct futures_executor *ex,
                                         uint64_t first, uint64_t count,
                                         struct task_result *out);

/* futures_submit() and futures_iter_add() in one step, as
 * futures_iter_submit_range() for one task whose result stays in the
 * future (read it with future_result()). */
struct future *futures_iter_submit(struct futures_iter *it,
                                   struct futures_executor *ex, uint64_t i);

/* Let next() sleep until `batch` futures are ready (or every added one
 * is done) rather than wake for each: fewer wake-ups, coarser timing.
 * Default 1. */
void futures_iter_set_batch(struct futures_iter *it, size_t batch);

/* The next future to complete, waiting at most timeout_s (< 0: no
 * limit). NULL with errno 0 when every added future has been yielded,
 * ETIMEDOUT when none completed in time. */
struct future *futures_iter_next(struct futures_iter *it, double timeout_s);

/* How many added futures have not been pushed to the iteration yet (not
 * done, or done with their callbacks still running). From the iterating
 * thread. */
size_t futures_iter_pending(struct futures_iter *it);

/* End the iteration. Waits until every added future is done (cancel them
 * first not to wait). */
void futures_iter_free(struct futures_iter *it);

/* Tasks worker k (0 <= k < workers) has run so far, and the CPU seconds
 * its thread has used so far (its thread CPU clock, read from here).
 * Returns 0, or -1 if there is no worker k. */
int futures_worker_stat(struct futures_executor *ex, unsigned k,
                        uint64_t *tasks, double *cpu_s);

/* Refuse new submissions; with FUTURES_CANCEL_PENDING cancel what has not
 * started; with FUTURES_WAIT wait for what runs. Idempotent. */
void futures_shutdown(struct futures_executor *ex, int how);

/* Shut down (waiting, cancelling what is pending), join the threads and
 * free everything. Futures and iterations must not be used after. */
void futures_destroy(struct futures_executor *ex);

#endif /* POOLBENCH_FUTURES_H */

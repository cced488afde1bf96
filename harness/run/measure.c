/* measure.c - one repetition: timed, folded into the checksum, metered
 * for noise, kept or set apart (see measure.h); and what a
 * configuration's repetitions add up to. The probe of the harness's own
 * cost is in measure_harness.c, the rounds in measure_rounds.c. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "measure.h"
#include "measure_impl.h"
#include "results.h"
#include "stats.h"

/* In enum run_series order. */
const char *const measure_series_names[S_COUNT] = {
    RESULTS_WALL_S, RESULTS_STARTUP_S, RESULTS_FIRST_RESULT_S,
    RESULTS_USER_S, RESULTS_SYS_S, RESULTS_VCSW, RESULTS_IVCSW,
    RESULTS_PEAK_RSS, RESULTS_BYTES, RESULTS_MB_PER_S, RESULTS_LOCK_WAIT_S,
    RESULTS_FOREIGN_CPU_S, RESULTS_STEAL_S, RESULTS_CPUS_AVAILABLE,
    RESULTS_PROBE_SPEED, RESULTS_WORKER_SPEED_MIN, RESULTS_CYCLES,
    RESULTS_INSTRUCTIONS, RESULTS_ROUND,
};

/* Per-repetition accumulator that the deliver callback folds into. */
struct run_fold {
    const struct measure_ctx *ctx;
    double t0;
    double first_result_s;
    uint64_t checksum;
    uint64_t delivered;
    uint64_t by_status[TASK_STATUS_COUNT];
    uint64_t bytes;
    uint64_t wait_ns;
    int64_t first_error_task;
    int32_t first_error_status;
    int32_t first_error_code;
    struct run_timeline *tl;
};

double measure_now_s(const struct measure_ctx *ctx)
{
    return ctx->now != NULL ? ctx->now() : clock_mono_s();
}

static double tv_s(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

const char *measure_status_word(int32_t status)
{
    switch (status) {
    case TASK_OK: return "ok";
    case TASK_ERROR: return "error";
    case TASK_SIGNALED: return "signaled";
    case TASK_TIMEOUT: return "timeout";
    case TASK_CANCELLED: return "cancelled";
    case TASK_EXITED: return "exit";
    }
    return "unknown";
}

/* Add repetition f's task counts to c. Tasks never delivered (a task stuck
 * in a thread the executor could not stop, or one the watchdog gave up on)
 * count as errors of kind missing, so errors_by_kind always adds up to
 * errors whatever the executor. */
static void fold_counts(struct run_config *c, const struct run_fold *f,
                        int32_t missing)
{
    uint64_t undelivered = c->inst->ntasks > f->delivered
                               ? c->inst->ntasks - f->delivered : 0;
    for (int s = 0; s < TASK_STATUS_COUNT; s++)
        c->by_status[s] += f->by_status[s];
    c->by_status[missing] += undelivered;
    c->errors += f->delivered - f->by_status[TASK_OK] + undelivered;
    if (c->first_error_task < 0 && f->first_error_task >= 0) {
        c->first_error_task = f->first_error_task;
        c->first_error_status = f->first_error_status;
        c->first_error_code = f->first_error_code;
    }
}

void measure_count_stuck(struct run_config *c)
{
    if (c->live != NULL)
        fold_counts(c, c->live, TASK_TIMEOUT);
}

static void timeline_add(struct run_timeline *tl, double t, uint64_t done)
{
    if (tl->n == RUN_TIMELINE_CAP) {
        for (size_t k = 0; k < RUN_TIMELINE_CAP / 2; k++) {
            tl->t_s[k] = tl->t_s[2 * k + 1];
            tl->done[k] = tl->done[2 * k + 1];
        }
        tl->n = RUN_TIMELINE_CAP / 2;
        tl->stride *= 2;
    }
    tl->t_s[tl->n] = t;
    tl->done[tl->n] = done;
    tl->n++;
}

/* Fold one delivered chunk. The clock is read only when its value is
 * kept: at the first delivery (first_result_s) and at each timeline
 * point, not per chunk, where it was most of the harness's own cost per
 * task at chunk 1 (a clock_gettime takes 25-40 ns on this VM). The
 * executors whose consumers poll the workers' slot lines pace themselves
 * (exec_base_deliver). */
static void deliver(void *ctx, uint64_t first, uint64_t count,
                    const struct task_result *results)
{
    struct run_fold *f = ctx;
    int first_delivery = f->delivered == 0;
    for (uint64_t k = 0; k < count; k++) {
        const struct task_result *r = &results[k];
        uint32_t s = (uint32_t)r->status;
        f->by_status[s < TASK_STATUS_COUNT ? s : TASK_ERROR]++;
        if (r->status == TASK_OK) {
            f->checksum += r->value; /* unsigned: wraps mod 2^64 */
        } else if (f->first_error_task < 0) {
            f->first_error_task = (int64_t)(first + k);
            f->first_error_status = r->status;
            f->first_error_code = r->error;
        }
        f->bytes += r->bytes;
        f->wait_ns += r->wait_ns;
    }
    f->delivered += count;
    struct run_timeline *tl = f->tl;
    int point = ++tl->since >= tl->stride;
    if (!first_delivery && !point)
        return;
    double t = measure_now_s(f->ctx) - f->t0;
    if (first_delivery)
        f->first_result_s = t;
    if (!point)
        return;
    tl->since = 0;
    timeline_add(tl, t, f->delivered);
}

/* Why a repetition was cut short, into c->failure. */
static void say_cut(struct run_config *c, const struct exec_report *rep)
{
    if (rep->interrupted)
        snprintf(c->failure, sizeof(c->failure), "interrupted");
    else if (rep->timed_out)
        snprintf(c->failure, sizeof(c->failure), "time limit of %gs "
                 "reached: %s", c->cfg.timeout_s, rep->err);
    else
        snprintf(c->failure, sizeof(c->failure), "%s: %s", c->ex->name,
                 rep->err[0] ? rep->err : "not every task was delivered");
    c->broken = rep->broken;
}

/* The checksum of a clean repetition must not change between
 * repetitions. */
static void check_checksum(struct run_config *c, const struct run_fold *f)
{
    if (c->failure[0] == '\0' && f->by_status[TASK_OK] == c->inst->ntasks) {
        if (c->have_checksum && c->checksum != f->checksum)
            snprintf(c->failure, sizeof(c->failure), "checksum changed "
                     "between repetitions: %016" PRIx64 " then %016" PRIx64,
                     c->checksum, f->checksum);
        c->checksum = f->checksum;
        c->have_checksum = 1;
    } else if (!c->have_checksum) {
        c->checksum = f->checksum; /* partial: errors say so */
    }
}

/* What the process and its reaped children used, and the machine. */
struct rep_marks {
    struct rusage self, kids;
    struct noise_snap snap;
    uint64_t cycles, instr;
    int have_hw;
};

static void mark(struct rep_marks *m, const struct noise_hw *hw)
{
    getrusage(RUSAGE_SELF, &m->self);
    getrusage(RUSAGE_CHILDREN, &m->kids);
    m->have_hw = noise_hw_read(hw, &m->cycles, &m->instr) == 0;
    noise_snap(&m->snap);
}

/* The sample of one repetition from its marks and times. */
static void fill_sample(struct run_sample *s, const struct run_fold *f,
                        const struct rep_marks *a, const struct rep_marks *b,
                        double t0, double t1, double t2, double t3,
                        const struct measure_ctx *ctx)
{
    double wall = t2 - t1;
    struct noise_rep nr;
    for (int k = 0; k < S_COUNT; k++)
        s->v[k] = NAN;
    s->v[S_WALL] = wall;
    s->v[S_STARTUP] = (t1 - t0) + (t3 - t2);
    s->v[S_FIRST] = f->delivered > 0 ? f->first_result_s : wall;
    s->v[S_USER] = tv_s(b->self.ru_utime) - tv_s(a->self.ru_utime) +
                   tv_s(b->kids.ru_utime) - tv_s(a->kids.ru_utime);
    s->v[S_SYS] = tv_s(b->self.ru_stime) - tv_s(a->self.ru_stime) +
                  tv_s(b->kids.ru_stime) - tv_s(a->kids.ru_stime);
    s->v[S_VCSW] = (double)(b->self.ru_nvcsw - a->self.ru_nvcsw +
                            b->kids.ru_nvcsw - a->kids.ru_nvcsw);
    s->v[S_IVCSW] = (double)(b->self.ru_nivcsw - a->self.ru_nivcsw +
                             b->kids.ru_nivcsw - a->kids.ru_nivcsw);
    long rss_kb = b->self.ru_maxrss > b->kids.ru_maxrss ? b->self.ru_maxrss
                                                        : b->kids.ru_maxrss;
    s->v[S_RSS] = (double)rss_kb * 1024.0;
    s->v[S_BYTES] = (double)f->bytes;
    s->v[S_MBPS] = wall > 0 ? (double)f->bytes / wall / 1e6 : 0;
    s->v[S_WAIT] = (double)f->wait_ns * 1e-9;
    noise_between(&a->snap, &b->snap, ctx->cpus_online, ctx->cpu_limit,
                  &nr);
    s->span_s = b->snap.mono_s - a->snap.mono_s;
    s->v[S_FOREIGN] = nr.foreign_cpu_s;
    s->v[S_STEAL] = nr.steal_s;
    s->v[S_CPUS] = nr.cpus_available;
    s->v[S_PROBE] = ctx->last_probe_s;
    s->v[S_ROUND] = (double)ctx->round;
    if (a->have_hw && b->have_hw) {
        s->v[S_CYCLES] = (double)(b->cycles - a->cycles);
        s->v[S_INSTR] = (double)(b->instr - a->instr);
    }
}

/* The slowest worker's tasks per CPU-second into S_WORKER_SPEED (record.c
 * divides it by serial's), and whether the workers ran at very uneven
 * speeds: a vCPU the host slowed shows here even when steal does not.
 * Workers with too little CPU time to time are left out. */
static void worker_speeds(struct run_sample *s,
                          const struct exec_worker_stat *ws, unsigned n)
{
    double slow = NAN, fast = NAN;
    for (unsigned k = 0; k < n; k++) {
        if (ws[k].tasks == 0 || ws[k].cpu_s < MEASURE_MIN_WORKER_CPU_S)
            continue;
        double v = (double)ws[k].tasks / ws[k].cpu_s;
        if (isnan(slow) || v < slow)
            slow = v;
        if (isnan(fast) || v > fast)
            fast = v;
    }
    s->v[S_WORKER_SPEED] = slow;
    s->uneven = !isnan(slow) && slow < MEASURE_SLOW_WORKER * fast;
}

const char *const measure_why_names[MEASURE_WHY_COUNT] = {
    "foreign_cpu", "steal", "slow_probe", "uneven_workers",
};

void measure_why_text(unsigned why, char *buf, size_t len)
{
    size_t n = 0;
    if (len > 0)
        buf[0] = '\0';
    for (int k = 0; k < MEASURE_WHY_COUNT && n < len; k++)
        if (why & (1u << k))
            n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "",
                                  measure_why_names[k]);
}

/* Why the repetition of sample s was disturbed (MEASURE_WHY_* bits, 0:
 * it was not). /proc/stat counts in clock ticks: two ticks (one at each
 * end) are rounding, not noise. */
unsigned measure_disturbed(const struct run_sample *s,
                           const struct measure_ctx *c)
{
    double tick = 1.0 / (double)sysconf(_SC_CLK_TCK);
    double allowed = c->o->noise_limit * s->span_s + 2 * tick;
    unsigned why = 0;
    if (s->v[S_FOREIGN] > allowed)
        why |= MEASURE_WHY_FOREIGN_CPU;
    if (s->v[S_STEAL] > allowed)
        why |= MEASURE_WHY_STEAL;
    if (s->uneven)
        why |= MEASURE_WHY_UNEVEN;
    if (!isnan(c->best_probe_s) && !isnan(s->v[S_PROBE]) &&
        s->v[S_PROBE] > MEASURE_SLOW_PROBE * c->best_probe_s)
        why |= MEASURE_WHY_SLOW_PROBE;
    return why;
}

/* Append s to a growable sample array. */
static int push(struct run_sample **arr, size_t *n, size_t *cap,
                const struct run_sample *s)
{
    if (*n == *cap) {
        size_t ncap = *cap ? 2 * *cap : 8;
        struct run_sample *grown = realloc(*arr, ncap * sizeof(*grown));
        if (grown == NULL)
            return -1;
        *arr = grown;
        *cap = ncap;
    }
    (*arr)[(*n)++] = *s;
    return 0;
}

/* Keep the sample of a repetition: counted, or set apart to be retried
 * when it was disturbed and retries are left. */
static void keep_sample(struct run_config *c, struct run_sample *s,
                        const struct measure_ctx *ctx)
{
    s->why = measure_disturbed(s, ctx);
    s->disturbed = s->why != 0;
    if (s->disturbed)
        c->ndisturbed++;
    if (s->disturbed && c->retries < ctx->o->retry_disturbed) {
        c->retries++;
        if (push(&c->apart, &c->napart, &c->cap_apart, s) != 0)
            snprintf(c->failure, sizeof(c->failure), "out of memory");
        c->last = &c->apart;
        c->nlast = &c->napart;
        return;
    }
    c->retries = 0;
    if (push(&c->samples, &c->nsamples, &c->cap, s) != 0)
        snprintf(c->failure, sizeof(c->failure), "out of memory");
    c->last = &c->samples;
    c->nlast = &c->nsamples;
}

/* Run one repetition of c; measured says whether it counts. Returns 0,
 * or -1 when the configuration failed (c->failure says why). */
int measure_rep(struct run_config *c, int measured, struct measure_ctx *ctx)
{
    const struct workload *wl = c->inst->wl;
    char err[256] = "";
    struct run_timeline tl = { .n = 0, .stride = 1, .since = 0 };
    struct run_fold f = { .ctx = ctx, .first_error_task = -1, .tl = &tl };
    struct exec_job job = {
        .wl = wl, .state = c->inst->state, .ntasks = c->inst->ntasks,
        .deliver = deliver, .deliver_ctx = &f, .stop = ctx->stop,
    };
    struct exec_report rep;
    struct exec_pool *pool = NULL;
    struct rep_marks a, b;
    struct run_sample s;
    struct exec_worker_stat *ws = calloc(c->cfg.workers, sizeof(*ws));

    memset(&rep, 0, sizeof(rep));
    rep.workers = ws; /* NULL: the executor measures no worker */
    if (wl->before_rep != NULL &&
        wl->before_rep(c->inst->state, err, sizeof(err)) != 0) {
        snprintf(c->failure, sizeof(c->failure), "%s: %s", wl->name, err);
        free(ws);
        return -1;
    }
    mark(&a, &ctx->hw);
    double t0 = measure_now_s(ctx);
    if (c->ex->create(&c->cfg, &job, &pool, err, sizeof(err)) != 0) {
        snprintf(c->failure, sizeof(c->failure), "%s: %s", c->ex->name,
                 err);
        free(ws);
        return -1;
    }
    double t1 = measure_now_s(ctx);
    f.t0 = t1;
    c->live = &f;
    int rc = c->ex->run(pool, &rep);
    double t2 = measure_now_s(ctx);
    if (!rep.broken)
        c->ex->destroy(pool);
    double t3 = measure_now_s(ctx);
    mark(&b, &ctx->hw);

    c->worker_deaths += rep.worker_deaths;
    if (rc != 0 || f.delivered != c->inst->ntasks)
        say_cut(c, &rep);
    /* A Python peer checks its own shared state (pypeer.py). */
    if (rc == 0 && f.delivered == c->inst->ntasks &&
        wl->after_rep != NULL && !(c->ex->flags & EXEC_PYTHON) &&
        wl->after_rep(c->inst->state, c->inst->ntasks, err,
                      sizeof(err)) != 0)
        snprintf(c->failure, sizeof(c->failure), "%s: verification "
                 "failed: %s", wl->name, err);
    check_checksum(c, &f);
    if (!measured && c->failure[0] == '\0') {
        c->live = NULL;
        free(ws);
        return 0;
    }
    /* A failed repetition is still recorded: what it measured is data. */
    fill_sample(&s, &f, &a, &b, t0, t1, t2, t3, ctx);
    worker_speeds(&s, ws, ws != NULL ? c->cfg.workers : 0);
    free(ws);
    keep_sample(c, &s, ctx);
    fold_counts(c, &f, TASK_TIMEOUT);
    c->live = NULL;
    /* Close the timeline with its last point. */
    if (tl.n == 0 || tl.done[tl.n - 1] != f.delivered) {
        if (tl.n == RUN_TIMELINE_CAP)
            tl.n--;
        timeline_add(&tl, t2 - t1, f.delivered);
    }
    c->tl = tl;
    return c->failure[0] != '\0' ? -1 : 0;
}

double measure_serial_once(struct run_instance *in, struct measure_ctx *ctx,
                           char *err, size_t err_len)
{
    struct run_config c;
    memset(&c, 0, sizeof(c));
    c.inst = in;
    c.ex = ctx->serial != NULL ? ctx->serial : executor_baseline();
    c.cfg.workers = 1;
    c.cfg.chunk = executor_auto_chunk(in->ntasks, 1, 0);
    c.cfg.timeout_s = ctx->o->timeout_s;
    c.first_error_task = -1;
    if (ctx->around != NULL)
        ctx->around(ctx->around_arg, MEASURE_CALIBRATING);
    int rc = measure_rep(&c, 1, ctx);
    if (ctx->around != NULL)
        ctx->around(ctx->around_arg, -1);
    double wall = c.nsamples > 0 ? c.samples[0].v[S_WALL]
                                 : c.napart > 0 ? c.apart[0].v[S_WALL] : -1;
    free(c.samples);
    free(c.apart);
    if (rc != 0 || c.errors > 0) {
        snprintf(err, err_len, "%s: calibration: %s", in->label,
                 c.failure[0] ? c.failure : "a task failed");
        return -1;
    }
    return wall;
}

/* Serial's tasks per CPU-second on instance in: the best median of its
 * serial configurations (the reference worker_speed_min divides by), or
 * NAN without one. */
double measure_serial_speed(const struct run_plan *p,
                            const struct run_instance *in)
{
    double best = NAN;
    for (size_t k = 0; k < p->nconfigs; k++) {
        const struct run_config *c = &p->configs[k];
        if (c->inst != in || !(c->ex->flags & EXEC_BASELINE) ||
            c->nsamples == 0)
            continue;
        double *v = malloc(c->nsamples * sizeof(*v));
        size_t n = 0;
        if (v == NULL)
            continue;
        for (size_t s = 0; s < c->nsamples; s++)
            if (isfinite(c->samples[s].v[S_WORKER_SPEED]))
                v[n++] = c->samples[s].v[S_WORKER_SPEED];
        double med = n > 0 ? stats_median(v, n) : NAN;
        free(v);
        if (isnan(best) || med > best)
            best = med;
    }
    return best;
}

double measure_precision_pct(const struct run_config *c)
{
    struct stats_summary s;
    double pct = INFINITY;
    if (c->nsamples < RUN_MIN_PRECISE_REPEAT)
        return INFINITY;
    double *v = malloc(c->nsamples * sizeof(*v));
    if (v == NULL)
        return INFINITY;
    for (size_t k = 0; k < c->nsamples; k++)
        v[k] = c->samples[k].v[S_WALL];
    if (stats_summarize(v, c->nsamples, &s) == 0)
        pct = stats_ci_pct(&s);
    free(v);
    return pct;
}

/* warnings.c - what makes an answer less trustworthy (see warnings.h). */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stats.h"
#include "units.h"
#include "warnings.h"

/* A median this close to the clock's resolution is mostly clock. */
#define WARN_CLOCK_FACTOR 1000.0

/* Workers slower per CPU-second than this share of serial's speed make
 * a speedup short of what the CPUs allowed. */
#define WARN_SLOW_WORKERS 0.85
#define WARN_CPU_BOUND 0.8
#define WARN_TASK_CPU_S 1e-6

/* Load average over a minute above this share of the CPUs: busy. */
#define WARN_LOAD_SHARE 0.5

static void add(cJSON *w, const char *kind, long result,
                const char *remedy, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* One warning: what happened (message) and what to do about it
 * (remedy), for the run (result -1) or a row. */
static void add(cJSON *w, const char *kind, long result,
                const char *remedy, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return;
    cJSON_AddStringToObject(o, "kind", kind);
    cJSON_AddStringToObject(o, "message", msg);
    cJSON_AddStringToObject(o, "remedy", remedy);
    if (result >= 0)
        cJSON_AddNumberToObject(o, "result", (double)result);
    else
        cJSON_AddNullToObject(o, "result");
    cJSON_AddItemToArray(w, o);
}

/* Whether frequency boost (turbo) is on: 1, 0, or -1 unknown. */
static int warnings_boost(void)
{
    static const struct {
        const char *path;
        int on_when; /* the value that means boost is on */
    } files[] = {
        { "/sys/devices/system/cpu/cpufreq/boost", 1 },
        { "/sys/devices/system/cpu/intel_pstate/no_turbo", 0 },
    };
    for (size_t k = 0; k < sizeof(files) / sizeof(*files); k++) {
        FILE *f = fopen(files[k].path, "re");
        int v;
        if (f == NULL)
            continue;
        int n = fscanf(f, "%d", &v);
        fclose(f);
        if (n == 1)
            return v == files[k].on_when;
    }
    return -1;
}

static double loadavg1(void)
{
    double l = NAN;
    FILE *f = fopen("/proc/loadavg", "re");
    if (f == NULL)
        return NAN;
    if (fscanf(f, "%lf", &l) != 1)
        l = NAN;
    fclose(f);
    return l;
}

int warnings_machine(const struct machine_info *m, double quota,
                     int boost, cJSON *w, FILE *out)
{
    char msg[512];
    int n = 0;
    const char *kinds[4], *texts[4], *remedies[4];
    char governor[600], quota_text[200], quota_fix[200];
    size_t k = 0;
    if (!isnan(quota) && quota < (double)m->cpus_online) {
        snprintf(quota_text, sizeof(quota_text), "a CPU quota of %.2f CPUs "
                 "(cgroup cpu.max) is below the %ld online CPUs: more "
                 "workers than that cannot all run", quota, m->cpus_online);
        snprintf(quota_fix, sizeof(quota_fix), "use -j %.0f or fewer "
                 "workers, or raise the cgroup's cpu.max", floor(quota) > 0
                 ? floor(quota) : 1);
        kinds[k] = "cpu_quota";
        remedies[k] = quota_fix;
        texts[k++] = quota_text;
    }
    if (m->governor[0] != '\0' && strcmp(m->governor, "performance") != 0) {
        snprintf(governor, sizeof(governor), "the CPU frequency governor is "
                 "'%s', not 'performance': the clock moves with load",
                 m->governor);
        kinds[k] = "governor";
        remedies[k] = "set the governor to performance (cpupower "
                      "frequency-set -g performance), or compare only runs "
                      "made under the same one";
        texts[k++] = governor;
    }
    if (boost == 1) {
        kinds[k] = "boost";
        remedies[k] = "turn boost off (write 0 to /sys/devices/system/cpu/"
                      "cpufreq/boost), or compare only runs made with it on";
        texts[k++] = "frequency boost (turbo) is on: the clock depends on "
                     "temperature and on how many cores are busy";
    }
    if (strcmp(m->build_type, "release") != 0 &&
        strcmp(m->build_type, "plain") != 0 &&
        strcmp(m->build_type, "minsize") != 0) {
        snprintf(msg, sizeof(msg), "poolbench was built as '%s', not "
                 "release: its own overhead is larger than it should be",
                 m->build_type);
        kinds[k] = "debug_build";
        remedies[k] = "rebuild with meson setup --buildtype=release";
        texts[k++] = msg;
    }
    for (size_t q = 0; q < k; q++) {
        if (w != NULL)
            add(w, kinds[q], -1, remedies[q], "%s", texts[q]);
        if (out != NULL)
            fprintf(out, "poolbench: warning: %s; next: %s\n", texts[q],
                    remedies[q]);
        n++;
    }
    return n;
}

int warnings_precheck(const struct machine_info *m, double cpu_quota,
                      int with_machine, FILE *out)
{
    int n = with_machine ? warnings_machine(m, cpu_quota, warnings_boost(),
                                            NULL, out)
                         : 0;
    double load = loadavg1();
    if (!isnan(load) && load > WARN_LOAD_SHARE * (double)m->cpus_online) {
        fprintf(out, "poolbench: warning: the machine is busy before the "
                "run (load average %.2f on %ld CPUs); repetitions it "
                "disturbs are marked; next: stop what else is running, or "
                "add --retry-disturbed 2\n", load, m->cpus_online);
        n++;
    }
    return n;
}

/* The median of series s over c's counted samples, or NAN. */
static double median_series(const struct run_config *c, int s)
{
    double *v = malloc((c->nsamples > 0 ? c->nsamples : 1) * sizeof(*v));
    size_t n = 0;
    double med = NAN;
    if (v == NULL)
        return NAN;
    for (size_t k = 0; k < c->nsamples; k++)
        if (isfinite(c->samples[k].v[s]))
            v[n++] = c->samples[k].v[s];
    if (n > 0)
        med = stats_median(v, n);
    free(v);
    return med;
}

/* The median share of one CPU that others took during c's repetitions
 * (foreign CPU time over the metered interval), or NAN. */
static double foreign_share(const struct run_config *c)
{
    double *v = malloc((c->nsamples > 0 ? c->nsamples : 1) * sizeof(*v));
    size_t n = 0;
    double med = NAN;
    if (v == NULL)
        return NAN;
    for (size_t k = 0; k < c->nsamples; k++)
        if (isfinite(c->samples[k].v[S_FOREIGN]) &&
            c->samples[k].span_s > 0)
            v[n++] = c->samples[k].v[S_FOREIGN] / c->samples[k].span_s;
    if (n > 0)
        med = stats_median(v, n);
    free(v);
    return med;
}

/* The median CPUs available during c's repetitions, counting as foreign
 * only what exceeds /proc/stat's rounding (two clock ticks), or NAN. */
static double cpus_available(const struct run_config *c, long cpus)
{
    double tick = 1.0 / (double)sysconf(_SC_CLK_TCK);
    double *v = malloc((c->nsamples > 0 ? c->nsamples : 1) * sizeof(*v));
    size_t n = 0;
    double med = NAN;
    if (v == NULL)
        return NAN;
    for (size_t k = 0; k < c->nsamples; k++) {
        const struct run_sample *x = &c->samples[k];
        if (!isfinite(x->v[S_FOREIGN]) || !(x->span_s > 0))
            continue;
        double foreign = x->v[S_FOREIGN] - 2 * tick;
        double steal = isfinite(x->v[S_STEAL]) ? x->v[S_STEAL] : 0;
        v[n++] = (double)cpus - ((foreign > 0 ? foreign : 0) + steal) /
                 x->span_s;
    }
    if (n > 0)
        med = stats_median(v, n);
    free(v);
    return med;
}

/* Why c's repetitions were disturbed, counted by reason over the kept
 * and the retried ones: "foreign_cpu 2, uneven_workers 1". */
static void why_counts(const struct run_config *c, char *buf, size_t len)
{
    size_t count[MEASURE_WHY_COUNT] = { 0 }, n = 0;
    for (size_t k = 0; k < c->nsamples + c->napart; k++) {
        const struct run_sample *x = k < c->nsamples
                                         ? &c->samples[k]
                                         : &c->apart[k - c->nsamples];
        for (int b = 0; b < MEASURE_WHY_COUNT; b++)
            count[b] += (x->why >> b) & 1u;
    }
    buf[0] = '\0';
    for (int b = 0; b < MEASURE_WHY_COUNT && n < len; b++)
        if (count[b] > 0)
            n += (size_t)snprintf(buf + n, len - n, "%s%s %zu",
                                  n ? ", " : "", measure_why_names[b],
                                  count[b]);
}

/* Others' share of a CPU from which busy_machine names what to stop. */
#define BUSY_NAMED_SHARE 0.05

/* busy_machine for one configuration. */
static void busy(const struct run_config *c, long cpus, const char *busiest,
                 long idx, cJSON *w)
{
    size_t reps = c->nsamples + c->napart;
    char why[200], fix[500], who[300] = "stop what else is running";
    double avail = cpus_available(c, cpus);
    double share = foreign_share(c);
    why_counts(c, why, sizeof(why));
    /* A process is named only when others took a share worth stopping;
     * below it the time went where no process here shows it. */
    if (!(share >= BUSY_NAMED_SHARE))
        snprintf(who, sizeof(who), "rerun when the machine is quieter "
                 "(other processes used under %.0f%% of a CPU: a VM's host "
                 "can take CPU time without showing it)",
                 100 * BUSY_NAMED_SHARE);
    else if (busiest != NULL && busiest[0] != '\0')
        snprintf(who, sizeof(who), "stop what else is running (while "
                 "measuring, most CPU went to %s)", busiest);
    snprintf(fix, sizeof(fix), "%s, or %s", who, c->napart > 0
             ? "raise --retry-disturbed"
             : "rerun with --retry-disturbed 2 to run disturbed "
               "repetitions again");
    /* Workers can use at most the CPUs there are. */
    long want = (long)c->cfg.workers < cpus ? (long)c->cfg.workers : cpus;
    if (c->ndisturbed > 0)
        add(w, "busy_machine", idx, fix, "%s x%u: %zu of %zu repetitions "
            "disturbed (%s; others used %.0f%% of a CPU%s)", c->ex->name,
            c->cfg.workers, c->ndisturbed, reps, why,
            100 * (isnan(share) ? 0 : share),
            c->napart > 0 ? "; retried" : "");
    /* Fewer CPUs than workers that could have used them: the speedup
     * says more about the machine than about the executor. */
    else if (!isnan(avail) && c->cfg.workers > 1 &&
             avail < 0.9 * (double)want - 0.5)
        add(w, "busy_machine", idx, fix,
            "%s x%u: only %.1f CPUs were "
            "available to %u workers; the speedup is the machine's",
            c->ex->name, c->cfg.workers, avail, c->cfg.workers);
}

/* slow_workers: every worker of c ran slower per CPU-second than the plain
 * loop did, so its speedup is short of what its CPUs allowed: memory or
 * cache contention, SMT siblings, or a host that slows the vCPUs without
 * reporting steal. Not a busy machine (others did not take the CPUs). */
/* Whether the instance's tasks are CPU work worth timing per worker: its
 * serial rows spent at least WARN_CPU_BOUND of their time on the CPU
 * (not asleep or waiting: latency), at least WARN_TASK_CPU_S a task (not
 * noop, where every worker's CPU is the executor's own overhead). */
static int cpu_bound(const struct run_plan *p, const struct run_instance *in)
{
    for (size_t k = 0; k < p->nconfigs; k++) {
        const struct run_config *c = &p->configs[k];
        if (c->inst != in || !(c->ex->flags & EXEC_BASELINE) ||
            c->nsamples == 0)
            continue;
        double wall = median_series(c, S_WALL);
        double cpu = median_series(c, S_USER) + median_series(c, S_SYS);
        return wall > 0 && cpu >= WARN_CPU_BOUND * wall &&
               cpu / (double)in->ntasks >= WARN_TASK_CPU_S;
    }
    return 0;
}

static void slow(const struct run_plan *p, const struct run_config *c,
                 long cpus, long idx, cJSON *w)
{
    if (!cpu_bound(p, c->inst))
        return;
    double ref = measure_serial_speed(p, c->inst);
    double speed = median_series(c, S_WORKER_SPEED) / ref;
    if ((c->ex->flags & EXEC_SERIAL_LIKE) || c->cfg.workers < 2 ||
        (long)c->cfg.workers > cpus || !(speed < WARN_SLOW_WORKERS))
        return;
    add(w, "slow_workers", idx, "read the speedup as the machine's limit "
        "at this worker count; try fewer workers (-j) and compare "
        "worker_speed_min",
        "%s x%u: workers ran at %.0f%% of "
        "serial's speed per CPU-second (lock, cache or host contention)",
        c->ex->name, c->cfg.workers, 100 * speed);
}

/* precision_not_reached, with what it would take: the half-width
 * shrinks about as 1 / sqrt(n), so PCT needs about n (got / PCT)^2
 * repetitions, each costing this row's median wall plus startup. */
static void imprecise(const struct run_options *o,
                      const struct run_config *c, long idx, cJSON *w)
{
    double got = measure_precision_pct(c);
    double per = median_series(c, S_WALL) + median_series(c, S_STARTUP);
    char fix[300], t[32];
    if (isfinite(got) && got > 0 && o->precision_pct > 0) {
        double need = ceil((double)c->nsamples * (got / o->precision_pct) *
                           (got / o->precision_pct));
        units_format_time(need * (isfinite(per) ? per : 0), t, sizeof(t));
        snprintf(fix, sizeof(fix), "about %.0f repetitions (about %s of "
                 "this row alone) would reach +-%.1f%%: raise --max-time, "
                 "or ask --precision %.1f", need, t, o->precision_pct,
                 ceil(got));
    } else {
        snprintf(fix, sizeof(fix), "raise --max-time: fewer than %d "
                 "repetitions ran, too few for an interval",
                 RUN_MIN_PRECISE_REPEAT);
    }
    add(w, "precision_not_reached", idx, fix, "%s x%u: +-%.1f%% after "
        "%zu repetitions (asked: %.1f%%)", c->ex->name, c->cfg.workers,
        got, c->nsamples, o->precision_pct);
}

/* too_short: medians near the clock's resolution, or a serial row whose
 * calibration missed --min-time (the task cap, or a workload that
 * chooses its own count), or that -n made under half of it. */
static void too_short(const struct run_options *o,
                      const struct run_config *c, double wall,
                      double clock_res, long idx, cJSON *w)
{
    const struct run_instance *in = c->inst;
    char t[32], limit[32], fix[300];
    units_format_time(wall, t, sizeof(t));
    units_format_time(o->min_time_s, limit, sizeof(limit));
    if (wall < WARN_CLOCK_FACTOR * clock_res) {
        snprintf(fix, sizeof(fix), "use --min-time 0.1 (or more) so that "
                 "tasks are calibrated, or a larger -n than %llu",
                 (unsigned long long)in->ntasks);
        add(w, "too_short", idx, fix, "%s x%u: a median of %s is near the "
            "clock's resolution (%.3g s)", c->ex->name, c->cfg.workers, t,
            clock_res);
        return;
    }
    if (!(c->ex->flags & EXEC_BASELINE) || !(o->min_time_s > 0))
        return;
    int calibrated = in->tasks_source == RUN_TASKS_CALIBRATED ||
                     in->tasks_source == RUN_TASKS_CAPPED;
    double reached = calibrated && isfinite(in->calib_s) ? in->calib_s
                                                         : wall;
    if (calibrated && reached < o->min_time_s) {
        char r[32];
        units_format_time(reached, r, sizeof(r));
        snprintf(fix, sizeof(fix), "%s: use --min-time %.3g or less (what "
                 "%llu tasks take), or heavier tasks (-p)",
                 in->tasks_source == RUN_TASKS_CAPPED
                     ? "the task cap 2^22 was reached" : "calibration "
                     "stopped short", floor(reached * 1000) / 1000,
                 (unsigned long long)in->ntasks);
        add(w, "too_short", idx, fix, "serial: calibration reached %s of "
            "--min-time %s (%s, %llu tasks)", r, limit,
            in->tasks_source == RUN_TASKS_CAPPED ? "task cap"
                                                 : "calibration stopped",
            (unsigned long long)in->ntasks);
    } else if (!calibrated && wall < o->min_time_s / 2) {
        snprintf(fix, sizeof(fix), "use about -n %.0f for --min-time %s, "
                 "or drop -n to calibrate", ceil((double)in->ntasks *
                 o->min_time_s / (wall > 0 ? wall : 1e-9)), limit);
        add(w, "too_short", idx, fix, "serial: %s, under half of "
            "--min-time %s (%s)", t, limit,
            in->tasks_source == RUN_TASKS_OPTION ? "-n set it"
            : in->tasks_source == RUN_TASKS_BASELINE ? "--tasks-from set it"
                                                 : "the workload's default");
    }
}

/* A/B: the two builds of a pair computed different values. */
static void ab_checksum(const struct run_config *c, long idx, cJSON *w)
{
    const struct run_config *d = c->partner;
    if (d == NULL || d > c || !c->have_checksum || !d->have_checksum ||
        c->errors > 0 || d->errors > 0 || c->checksum == d->checksum)
        return;
    add(w, "ab_checksum", idx, "check which build computes the right "
        "values: the two did different work, so their times do not "
        "compare like for like", "%s x%u: the two builds computed "
        "different values (checksum %016" PRIx64 " vs %s's %016" PRIx64
        ")", c->ex->name, c->cfg.workers, c->checksum, d->inst->wl->name,
        d->checksum);
}

void warnings_collect(const struct run_options *o, const struct run_plan *p,
                      const struct machine_info *m, double cpu_quota,
                      const char *busiest, const long *index, cJSON *w)
{
    struct timespec res;
    double clock_res = clock_getres(CLOCK_MONOTONIC, &res) == 0
                           ? (double)res.tv_sec + res.tv_nsec * 1e-9 : 1e-9;
    if (w == NULL)
        return;
    warnings_machine(m, cpu_quota, warnings_boost(), w, NULL);
    for (size_t k = 0; k < p->nconfigs; k++) {
        const struct run_config *c = &p->configs[k];
        if (index[k] < 0 || c->nsamples == 0)
            continue;
        double wall = median_series(c, S_WALL);
        long cpus = m->affinity_count > 0 ? m->affinity_count
                                           : m->cpus_online;
        busy(c, cpus, busiest, index[k], w);
        slow(p, c, cpus, index[k], w);
        ab_checksum(c, index[k], w);
        if (c->precision_reached == 0)
            imprecise(o, c, index[k], w);
        too_short(o, c, wall, clock_res, index[k], w);
    }
}

/* noise.c - the noise meter: /proc/stat, rusage, cgroup v2, a reference
 * probe and hardware counters (see noise.h). */
#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "noise.h"

/* Iterations of the probe kernel: about 0.2 ms on a 3 GHz core. */
#define PROBE_ITERS 200000u
#define PROBE_TRIES 3

static double tv_s(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

/* The aggregate "cpu" line of /proc/stat, in seconds. */
static int read_proc_stat(double *busy_s, double *steal_s)
{
    unsigned long long v[8] = { 0 };
    FILE *f = fopen("/proc/stat", "re");
    if (f == NULL)
        return -1;
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
                   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
    fclose(f);
    if (n < 8)
        return -1;
    double tick = (double)sysconf(_SC_CLK_TCK);
    if (!(tick > 0))
        return -1;
    /* user nice system idle iowait irq softirq steal: guest time is
     * already inside user and nice. */
    *busy_s = (double)(v[0] + v[1] + v[2] + v[5] + v[6]) / tick;
    *steal_s = (double)v[7] / tick;
    return 0;
}

void noise_snap(struct noise_snap *s)
{
    struct rusage self, kids;
    memset(s, 0, sizeof(*s));
    s->have_stat = read_proc_stat(&s->busy_s, &s->steal_s) == 0;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    s->own_s = tv_s(self.ru_utime) + tv_s(self.ru_stime) +
               tv_s(kids.ru_utime) + tv_s(kids.ru_stime);
    s->mono_s = clock_mono_s();
}

void noise_between(const struct noise_snap *a, const struct noise_snap *b,
                   long cpus_online, double cpu_limit,
                   struct noise_rep *out)
{
    double wall = b->mono_s - a->mono_s;
    out->foreign_cpu_s = out->steal_s = out->cpus_available = NAN;
    if (!a->have_stat || !b->have_stat || !(wall > 0) || cpus_online < 1)
        return;
    double busy = b->busy_s - a->busy_s;
    double own = b->own_s - a->own_s;
    double foreign = busy - own;
    /* Ticks and rusage are sampled at different instants and
     * granularities: a small negative difference is rounding. */
    out->foreign_cpu_s = foreign > 0 ? foreign : 0;
    out->steal_s = b->steal_s - a->steal_s;
    if (out->steal_s < 0)
        out->steal_s = 0;
    double avail = ((double)cpus_online * wall - out->foreign_cpu_s -
                    out->steal_s) / wall;
    if (cpu_limit > 0 && avail > cpu_limit)
        avail = cpu_limit;
    out->cpus_available = avail > 0 ? avail : 0;
}

/* ---- cgroup v2 ---------------------------------------------------------- */

/* This process's cgroup v2 path ("/user.slice/x"), into buf. */
static int cgroup_path(char *buf, size_t len)
{
    char line[1024];
    int found = -1;
    FILE *f = fopen("/proc/self/cgroup", "re");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "0::", 3) == 0) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(buf, len, "%s", line + 3);
            found = 0;
            break;
        }
    }
    fclose(f);
    return found;
}

/* The quota of one cgroup folder in CPUs, or NAN ("max" or unreadable). */
static double quota_of(const char *dir)
{
    char path[1200], word[32];
    long long period = 0;
    snprintf(path, sizeof(path), "/sys/fs/cgroup%s/cpu.max", dir);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return NAN;
    int n = fscanf(f, "%31s %lld", word, &period);
    fclose(f);
    if (n != 2 || strcmp(word, "max") == 0 || period <= 0)
        return NAN;
    char *end;
    double quota = strtod(word, &end);
    if (*end != '\0' || !(quota > 0))
        return NAN;
    return quota / (double)period;
}

double noise_cpu_quota(uint64_t *nr_throttled, double *throttled_s)
{
    char dir[1024], path[1200], key[64];
    unsigned long long v;
    double best = NAN;
    *nr_throttled = 0;
    *throttled_s = NAN;
    if (cgroup_path(dir, sizeof(dir)) != 0)
        return NAN;
    snprintf(path, sizeof(path), "/sys/fs/cgroup%s/cpu.stat", dir);
    FILE *f = fopen(path, "re");
    if (f != NULL) {
        while (fscanf(f, "%63s %llu", key, &v) == 2) {
            if (strcmp(key, "nr_throttled") == 0)
                *nr_throttled = v;
            else if (strcmp(key, "throttled_usec") == 0)
                *throttled_s = (double)v * 1e-6;
        }
        fclose(f);
    }
    /* A parent's quota limits its children too: take the smallest. */
    for (;;) {
        double q = quota_of(dir);
        if (!isnan(q) && (isnan(best) || q < best))
            best = q;
        char *slash = strrchr(dir, '/');
        if (slash == NULL || dir[0] == '\0' || strcmp(dir, "/") == 0)
            break;
        if (slash == dir)
            slash[1] = '\0';
        else
            *slash = '\0';
        if (strcmp(dir, "/") == 0) {
            q = quota_of("");
            if (!isnan(q) && (isnan(best) || q < best))
                best = q;
            break;
        }
    }
    return best;
}

long noise_affinity_count(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) != 0)
        return 1;
    long n = CPU_COUNT(&set);
    return n > 0 ? n : 1;
}

/* ---- the reference probe ------------------------------------------------ */

/* A fixed amount of dependent integer work that no compiler can fold:
 * the result feeds a volatile sink. */
static volatile uint64_t probe_sink;

static double probe_once(void)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    double t0 = clock_mono_s();
    for (unsigned k = 0; k < PROBE_ITERS; k++)
        x = x * 6364136223846793005ull + 1442695040888963407ull + (x >> 29);
    double t = clock_mono_s() - t0;
    probe_sink = x;
    return t;
}

double noise_probe_s(void)
{
    cpu_set_t saved, one;
    double slowest = NAN;
    if (sched_getaffinity(0, sizeof(saved), &saved) != 0)
        return NAN;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &saved))
            continue;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        if (sched_setaffinity(0, sizeof(one), &one) != 0)
            continue;
        double best = INFINITY;
        for (int t = 0; t < PROBE_TRIES; t++) {
            double s = probe_once();
            if (s < best)
                best = s;
        }
        if (isnan(slowest) || best > slowest)
            slowest = best;
    }
    sched_setaffinity(0, sizeof(saved), &saved);
    return slowest;
}

/* ---- other processes ---------------------------------------------------- */

/* PF_KTHREAD in /proc/PID/stat's flags (linux/sched.h). */
#define NOISE_PF_KTHREAD 0x00200000UL

/* One /proc/PID/stat: its name (between the first '(' and the last ')',
 * which may hold spaces), parent, CPU time and its reaped children's;
 * -1 for a kernel thread. */
static int read_proc(int pid, struct noise_proc *out)
{
    char path[64], line[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return -1;
    char *got = fgets(line, sizeof(line), f);
    fclose(f);
    char *open = got != NULL ? strchr(line, '(') : NULL;
    char *close = got != NULL ? strrchr(line, ')') : NULL;
    unsigned long utime, stime, flags;
    long cutime, cstime;
    int ppid;
    if (open == NULL || close == NULL || close < open ||
        sscanf(close + 2, "%*c %d %*d %*d %*d %*d %lu %*u %*u %*u %*u %lu "
               "%lu %ld %ld", &ppid, &flags, &utime, &stime, &cutime,
               &cstime) != 6)
        return -1;
    /* A kernel thread works for others (a kworker converting our own
     * writes' extents took 1.5 s in make bench): nothing to stop. */
    if (flags & NOISE_PF_KTHREAD)
        return -1;
    out->pid = pid;
    out->ppid = ppid;
    snprintf(out->comm, sizeof(out->comm), "%.*s",
             (int)(close - open - 1), open + 1);
    double tck = (double)sysconf(_SC_CLK_TCK);
    out->cpu_s = (double)(utime + stime) / tck;
    out->child_s = (double)(cutime + cstime) / tck;
    return 0;
}

/* Whether p descends from pid self (by the parents in the snapshot). */
static int descends(const struct noise_procs *s, int pid, int self)
{
    for (int depth = 0; pid > 1 && depth < 64; depth++) {
        if (pid == self)
            return 1;
        int parent = 0;
        for (size_t k = 0; k < s->n && parent == 0; k++)
            if (s->p[k].pid == pid)
                parent = s->p[k].ppid;
        pid = parent;
    }
    return 0;
}

int noise_procs_snap(struct noise_procs *out)
{
    size_t cap = 256;
    memset(out, 0, sizeof(*out));
    DIR *d = opendir("/proc");
    if (d == NULL)
        return -1;
    out->p = malloc(cap * sizeof(*out->p));
    for (struct dirent *e; out->p != NULL && (e = readdir(d)) != NULL;) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end != '\0' || pid <= 0)
            continue;
        if (out->n == cap) {
            struct noise_proc *grown = realloc(out->p, 2 * cap *
                                               sizeof(*grown));
            if (grown == NULL)
                break;
            out->p = grown;
            cap *= 2;
        }
        if (read_proc((int)pid, &out->p[out->n]) == 0)
            out->n++;
    }
    closedir(d);
    if (out->p == NULL)
        return -1;
    /* Leave out this process and what it started: not foreign. */
    int self = (int)getpid();
    size_t kept = 0;
    for (size_t k = 0; k < out->n; k++)
        if (!descends(out, out->p[k].pid, self))
            out->p[kept++] = out->p[k];
    out->n = kept;
    return 0;
}

int noise_procs_top(const struct noise_procs *a, const struct noise_procs *b,
                    double min_s, char *buf, size_t len)
{
    const struct noise_proc *best = NULL;
    double most = min_s, most_children = 0;
    if (len > 0)
        buf[0] = '\0';
    for (size_t k = 0; k < b->n; k++) {
        const struct noise_proc *now = &b->p[k], *then = NULL;
        for (size_t q = 0; q < a->n && then == NULL; q++)
            if (a->p[q].pid == now->pid &&
                strcmp(a->p[q].comm, now->comm) == 0)
                then = &a->p[q];
        /* one that started in between used all of its CPU in between */
        double own = now->cpu_s - (then != NULL ? then->cpu_s : 0);
        double children = now->child_s - (then != NULL ? then->child_s : 0);
        if (own + children > most) {
            most = own + children;
            most_children = children;
            best = now;
        }
    }
    if (best == NULL)
        return -1;
    snprintf(buf, len, "%s (pid %d, %.2f s of CPU%s)", best->comm, best->pid,
             most, most_children > most / 2
                       ? ", most of it by children that have finished"
                       : "");
    return 0;
}

void noise_procs_free(struct noise_procs *s)
{
    free(s->p);
    memset(s, 0, sizeof(*s));
}

/* ---- hardware counters -------------------------------------------------- */

static int hw_counter(uint64_t config)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.size = sizeof(attr);
    attr.type = PERF_TYPE_HARDWARE;
    attr.config = config;
    attr.disabled = 0;
    attr.inherit = 1;         /* threads and children started later */
    attr.exclude_kernel = 1;  /* allowed at perf_event_paranoid <= 2 */
    attr.exclude_hv = 1;
    return (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1,
                        PERF_FLAG_FD_CLOEXEC);
}

void noise_hw_open(struct noise_hw *hw)
{
    hw->why[0] = '\0';
    hw->fd_cycles = hw_counter(PERF_COUNT_HW_CPU_CYCLES);
    if (hw->fd_cycles < 0) {
        snprintf(hw->why, sizeof(hw->why), "no hardware cycle counter "
                 "(perf_event_open: %s)", strerror(errno));
        hw->fd_instr = -1;
        return;
    }
    hw->fd_instr = hw_counter(PERF_COUNT_HW_INSTRUCTIONS);
    if (hw->fd_instr < 0) {
        snprintf(hw->why, sizeof(hw->why), "no hardware instruction "
                 "counter (perf_event_open: %s)", strerror(errno));
        close(hw->fd_cycles);
        hw->fd_cycles = -1;
    }
}

int noise_hw_read(const struct noise_hw *hw, uint64_t *cycles,
                  uint64_t *instr)
{
    if (hw->fd_cycles < 0 || hw->fd_instr < 0)
        return -1;
    if (read(hw->fd_cycles, cycles, sizeof(*cycles)) !=
            (ssize_t)sizeof(*cycles) ||
        read(hw->fd_instr, instr, sizeof(*instr)) !=
            (ssize_t)sizeof(*instr))
        return -1;
    return 0;
}

void noise_hw_close(struct noise_hw *hw)
{
    if (hw->fd_cycles >= 0)
        close(hw->fd_cycles);
    if (hw->fd_instr >= 0)
        close(hw->fd_instr);
    hw->fd_cycles = hw->fd_instr = -1;
}

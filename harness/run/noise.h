/* noise.h - the noise meter: was the machine quiet while we measured?
 *
 * Per repetition it tells how much CPU time other processes took, how
 * much the hypervisor stole, and how many CPUs poolbench effectively had;
 * between rounds a short reference probe on each CPU indexes the
 * machine's speed, which catches a host that slows the whole VM without
 * reporting steal. Everything degrades to "unknown" (NAN, or a probe that
 * says it is missing) where the kernel does not offer a source.
 */
#ifndef POOLBENCH_NOISE_H
#define POOLBENCH_NOISE_H

#include <stddef.h>
#include <stdint.h>

/* A snapshot of the machine's and this process's CPU accounting. */
struct noise_snap {
    double mono_s;          /* CLOCK_MONOTONIC */
    double busy_s;          /* all CPUs: user+nice+system+irq+softirq */
    double steal_s;         /* all CPUs: steal */
    double own_s;           /* this process + reaped children, user+sys */
    int have_stat;          /* /proc/stat could be read */
};

/* What happened between two snapshots. */
struct noise_rep {
    double foreign_cpu_s;   /* CPU time others used (>= 0), NAN unknown */
    double steal_s;         /* CPU time the hypervisor took, NAN unknown */
    double cpus_available;  /* (online x wall - foreign - steal) / wall,
                               capped by cpu_limit; NAN unknown */
};

/* Take a snapshot now. Never fails: unreadable sources leave have_stat
 * 0 and the result of noise_between NAN. */
void noise_snap(struct noise_snap *s);

/* The noise between a (before) and b (after), for a machine with
 * cpus_online CPUs of which at most cpu_limit (affinity and quota; <= 0:
 * no limit) are ours. /proc/stat counts in clock ticks (10 ms), so the
 * figures are that coarse over short intervals. */
void noise_between(const struct noise_snap *a, const struct noise_snap *b,
                   long cpus_online, double cpu_limit,
                   struct noise_rep *out);

/* The cgroup v2 CPU quota of this process in CPUs (cpu.max quota /
 * period, the smallest along the cgroup path), or NAN when there is none
 * or it cannot be read. *nr_throttled and *throttled_s get cpu.stat's
 * counters where exposed (else 0 and NAN). */
double noise_cpu_quota(uint64_t *nr_throttled, double *throttled_s);

/* The number of CPUs in this process's affinity mask (>= 1). */
long noise_affinity_count(void);

/* The reference probe: a fixed integer kernel (a few tenths of a
 * millisecond), run pinned once on each CPU of the affinity mask, best of
 * a few tries each. Returns the slowest CPU's time in seconds (the
 * machine is as fast as its slowest CPU for a parallel run), or NAN when
 * it could not run. The calling thread's affinity is restored. */
double noise_probe_s(void);

/* Every other process's CPU time, to name what ran beside a run. */
struct noise_proc {
    int pid, ppid;
    char comm[32];          /* /proc/PID/stat's name */
    double cpu_s;           /* utime + stime so far */
    double child_s;         /* its children's, once it reaped them */
};
struct noise_procs {
    struct noise_proc *p;   /* owned; NULL when /proc could not be read */
    size_t n;
};

/* Snapshot /proc/PID/stat of every process but this one and its
 * descendants (workers, Python peers and their pools) and kernel
 * threads. Returns 0, or -1
 * (out is then empty) when /proc cannot be read or memory runs out. */
int noise_procs_snap(struct noise_procs *out);

/* The process that used the most CPU between a and b, as "NAME (pid N,
 * X s of CPU)" into buf: its own CPU and that of the children it reaped
 * meanwhile (a build's compilers count for the make or ninja that ran
 * them, though they are gone by b), all of it for one that started after
 * a. Returns 0, or -1 (buf "") when none used more than min_s. */
int noise_procs_top(const struct noise_procs *a, const struct noise_procs *b,
                    double min_s, char *buf, size_t len);

/* Free a snapshot; safe on an empty one. */
void noise_procs_free(struct noise_procs *s);

/* Hardware counters (perf_event_open: cycles and instructions of this
 * process and of threads and children started after open, folded in when
 * they exit). */
struct noise_hw {
    int fd_cycles, fd_instr;  /* -1 when unavailable */
    char why[128];            /* why unavailable ("" when available) */
};

/* Open the counters; where the kernel or the VM does not offer them,
 * both fds are -1 and why says so. Never fails otherwise. */
void noise_hw_open(struct noise_hw *hw);

/* Read the counters into *cycles and *instr; -1 when unavailable. */
int noise_hw_read(const struct noise_hw *hw, uint64_t *cycles,
                  uint64_t *instr);

/* Close the counters; safe on unavailable ones. */
void noise_hw_close(struct noise_hw *hw);

#endif /* POOLBENCH_NOISE_H */

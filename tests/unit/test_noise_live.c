/* test_noise_live.c - the noise meter on the real machine: it sees a
 * busy process that is not ours, and our own work is not foreign. On the
 * live machine, so in the `measure` suite, not `unit`; the amounts are CPU
 * time, not wall time, so a busy machine changes how long they take, not
 * what they assert. The arithmetic is in test_noise.c. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "noise.h"

/* Spin until this process has used cpu_s of CPU time: a fixed amount of
 * work whatever the load, not a fixed time. */
static void spin_cpu(double cpu_s)
{
    volatile uint64_t x = 0;
    struct timespec t;
    do {
        for (int k = 0; k < 100000; k++)
            x += (uint64_t)k;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    } while ((double)t.tv_sec + (double)t.tv_nsec * 1e-9 < cpu_s);
}

static void spin_a_little(void)
{
    spin_cpu(0.3);
}

/* As a compiler under make: a child named pb-cc spins, and is reaped. */
static void spin_in_a_child(void)
{
    pid_t kid = fork();
    if (kid == 0) {
        prctl(PR_SET_NAME, "pb-cc");
        spin_cpu(0.3);
        _exit(0);
    }
    waitpid(kid, NULL, 0);
}

/* Start a process outside our tree (a grandchild re-parented away) named
 * name, and wait until it has started: it waits for a byte on go[1],
 * runs work, says so on ready[0] and waits to be killed. Makes both
 * pipes. */
static void start_outsider(const char *name, int go[2], int ready[2],
                           void (*work)(void))
{
    char c;
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(ready), 0);
    pid_t mid = fork();
    assert_true(mid >= 0);
    if (mid == 0) {
        if (fork() == 0) {
            prctl(PR_SET_NAME, name);
            (void)!write(ready[1], "n", 1);
            (void)!read(go[0], &c, 1);
            work();
            (void)!write(ready[1], "x", 1);
            pause();
        }
        _exit(0);
    }
    waitpid(mid, NULL, 0);
    assert_int_equal(read(ready[0], &c, 1), 1); /* named, re-parented */
}

/* Recomputed from the two snapshots as the rule says: the CPU each
 * process and the children it reaped used between them (all of it for
 * one that started in between); returns the top one's name, and the
 * use of the one called `name` in *used. */
static const char *busiest(const struct noise_procs *a,
                           const struct noise_procs *b, const char *name,
                           double *used)
{
    const char *top = NULL;
    double most = -1;
    for (size_t k = 0; k < b->n; k++) {
        double u = b->p[k].cpu_s + b->p[k].child_s;
        for (size_t q = 0; q < a->n; q++)
            if (a->p[q].pid == b->p[k].pid &&
                strcmp(a->p[q].comm, b->p[k].comm) == 0) {
                u -= a->p[q].cpu_s + a->p[q].child_s;
                break;
            }
        if (strcmp(b->p[k].comm, name) == 0)
            *used = u;
        if (u > most) {
            most = u;
            top = b->p[k].comm;
        }
    }
    return top;
}

/* What ran beside a run is named: a process outside our tree (a
 * grandchild re-parented away, named pb-spinner) that used 0.3 s of CPU
 * between two snapshots is the busiest; our own child, spinning twice as
 * much, is left out as ours. CPU time, not wall time, decides. */
static void test_names_busiest(void **state)
{
    (void)state;
    struct noise_procs a, b;
    char who[200], c;
    int go[2], ready[2];
    start_outsider("pb-spinner", go, ready, spin_a_little);
    pid_t own = fork();
    assert_true(own >= 0);
    if (own == 0) {
        prctl(PR_SET_NAME, "pb-ours");
        (void)!write(ready[1], "n", 1);
        (void)!read(go[0], &c, 1);
        spin_cpu(0.6);
        (void)!write(ready[1], "x", 1);
        pause();
    }
    assert_int_equal(read(ready[0], &c, 1), 1);
    assert_int_equal(noise_procs_snap(&a), 0);
    assert_int_equal(write(go[1], "gg", 2), 2);
    assert_int_equal(read(ready[0], &c, 1), 1);
    assert_int_equal(read(ready[0], &c, 1), 1);
    assert_int_equal(noise_procs_snap(&b), 0);
    int rc = noise_procs_top(&a, &b, 0.1, who, sizeof(who));
    double spinner_used = -1;
    kill(own, SIGKILL);
    waitpid(own, NULL, 0);
    /* Others run here too (the machine is shared): the spinner is in
     * both snapshots with its 0.3 s, our child in neither, and the one
     * named is the one that used the most, whoever it is. */
    const char *top = busiest(&a, &b, "pb-spinner", &spinner_used);
    for (size_t k = 0; k < b.n; k++) {
        assert_string_not_equal(b.p[k].comm, "pb-ours");
        if (strcmp(b.p[k].comm, "pb-spinner") == 0)
            kill(b.p[k].pid, SIGKILL);
    }
    for (size_t q = 0; q < a.n; q++)
        assert_string_not_equal(a.p[q].comm, "pb-ours");
    assert_true(spinner_used >= 0.25);
    assert_int_equal(rc, 0);
    assert_non_null(top);
    assert_non_null(strstr(who, top));
    noise_procs_free(&a);
    noise_procs_free(&b);
}

/* A process outside our tree runs a child that spins 0.3 s of CPU and is
 * gone before the second snapshot (a compiler under make): its CPU
 * counts for the parent that reaped it, which is named with it, and the
 * name says it went to finished children. */
static void test_names_parent_of_finished_child(void **state)
{
    (void)state;
    struct noise_procs a, b;
    char who[200], c;
    int go[2], ready[2];
    start_outsider("pb-make", go, ready, spin_in_a_child);
    assert_int_equal(noise_procs_snap(&a), 0);
    assert_int_equal(write(go[1], "g", 1), 1);
    assert_int_equal(read(ready[0], &c, 1), 1); /* the child is reaped */
    assert_int_equal(noise_procs_snap(&b), 0);
    int rc = noise_procs_top(&a, &b, 0.1, who, sizeof(who));
    double used = -1;
    const char *top = busiest(&a, &b, "pb-make", &used);
    struct noise_procs a1 = { NULL, 0 }, b1 = { NULL, 0 };
    for (size_t k = 0; k < b.n; k++) {
        assert_string_not_equal(b.p[k].comm, "pb-cc"); /* gone */
        if (strcmp(b.p[k].comm, "pb-make") == 0) {
            kill(b.p[k].pid, SIGKILL);
            b1.p = &b.p[k];
            b1.n = 1;
        }
    }
    for (size_t q = 0; q < a.n; q++)
        if (strcmp(a.p[q].comm, "pb-make") == 0) {
            a1.p = &a.p[q];
            a1.n = 1;
        }
    assert_true(used >= 0.25);
    assert_int_equal(rc, 0);
    assert_non_null(top);
    assert_non_null(strstr(who, top));
    /* Others run here too, and may have used more: alone, it is named,
     * with its child's CPU, and the name says where that went. */
    assert_int_equal(a1.n, 1);
    assert_int_equal(b1.n, 1);
    assert_int_equal(noise_procs_top(&a1, &b1, 0.1, who, sizeof(who)), 0);
    assert_non_null(strstr(who, "pb-make"));
    assert_non_null(strstr(who, "by children that have finished"));
    noise_procs_free(&a);
    noise_procs_free(&b);
}

/* A child spins while we wait: its CPU time is foreign to us (it is not
 * reaped inside the interval) and must show. The child says when it has
 * started and when it has used 0.6 s more of CPU (spin_cpu), however long
 * a busy machine makes that take: the interval holds that CPU time for
 * sure, and the child was runnable all along, so a CPU was never free
 * of foreign work. */
static void test_sees_busy_child(void **state)
{
    (void)state;
    struct noise_snap a, b;
    struct noise_rep r;
    int go[2], done[2];
    char c;
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(done), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct timespec t;
        close(go[0]);
        close(done[0]);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        if (write(go[1], "g", 1) != 1)
            _exit(1);
        spin_cpu((double)t.tv_sec + (double)t.tv_nsec * 1e-9 + 0.6);
        if (write(done[1], "d", 1) != 1)
            _exit(1);
        for (;;)
            spin_cpu(1e9);
    }
    close(go[1]);
    close(done[1]);
    assert_int_equal(read(go[0], &c, 1), 1);
    noise_snap(&a);
    assert_true(a.have_stat);
    assert_int_equal(read(done[0], &c, 1), 1);
    noise_snap(&b);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(go[0]);
    close(done[0]);
    noise_between(&a, &b, sysconf(_SC_NPROCESSORS_ONLN), 0, &r);
    /* The child used 0.6 s of CPU, less what it used before a (between
     * its write and our snapshot). */
    assert_true(r.foreign_cpu_s > 0.3);
    assert_true(r.cpus_available >= 0 &&
                r.cpus_available <= sysconf(_SC_NPROCESSORS_ONLN) - 0.3);
}

/* Our own work is not foreign: spinning ourselves leaves foreign small
 * relative to what we used. */
static void test_own_work_is_not_foreign(void **state)
{
    (void)state;
    struct noise_snap a, b;
    struct noise_rep r;
    volatile uint64_t x = 0;
    noise_snap(&a);
    /* Until we used 0.3 CPU-seconds (however long a loaded machine
     * takes to give them), at most 30 s. */
    do {
        for (int k = 0; k < 100000; k++)
            x += (uint64_t)k;
        noise_snap(&b);
    } while (b.own_s - a.own_s < 0.3 && b.mono_s - a.mono_s < 30);
    noise_between(&a, &b, sysconf(_SC_NPROCESSORS_ONLN), 1.0, &r);
    assert_true(b.own_s - a.own_s > 0.2);
    /* Capped by the limit given. */
    assert_true(r.cpus_available <= 1.0);
}

/* Kernel threads are left out of the snapshot: nothing a user could
 * stop. */
static void test_no_kernel_threads(void **state)
{
    (void)state;
    struct noise_procs s;
    assert_int_equal(noise_procs_snap(&s), 0);
    size_t kthreads = 0;
    DIR *d = opendir("/proc");
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        char path[300], line[1024];
        int pid = atoi(e->d_name);
        if (pid <= 0)
            continue;
        snprintf(path, sizeof(path), "/proc/%d/stat", pid);
        FILE *f = fopen(path, "re");
        if (f == NULL)
            continue;
        char *got = fgets(line, sizeof(line), f);
        fclose(f);
        char *close = got != NULL ? strrchr(line, ')') : NULL;
        unsigned long flags = 0;
        if (close == NULL ||
            sscanf(close + 2, "%*c %*d %*d %*d %*d %*d %lu", &flags) != 1 ||
            !(flags & 0x00200000UL)) /* PF_KTHREAD */
            continue;
        kthreads++;
        for (size_t k = 0; k < s.n; k++)
            assert_int_not_equal(s.p[k].pid, pid);
    }
    closedir(d);
    printf("# %zu kernel threads left out; %zu processes in the "
           "snapshot\n", kthreads, s.n);
    noise_procs_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sees_busy_child),
        cmocka_unit_test(test_own_work_is_not_foreign),
        cmocka_unit_test(test_names_busiest),
        cmocka_unit_test(test_names_parent_of_finished_child),
        cmocka_unit_test(test_no_kernel_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

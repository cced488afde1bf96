/* run.c - `poolbench run`: run/driver measures and writes the results
 * file; this command wires what is done with it next to the layers that
 * do it (render/summary shows it, store/history stores it). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "driver.h"
#include "history.h"
#include "machine.h"
#include "noise.h"
#include "scaling.h"
#include "seed.h"
#include "summary.h"
#include "table.h"
#include "view.h"

/* The answer of a results file: the summary, and every row with -v. */
static int show_written(const char *path, int verbose)
{
    struct results_file f;
    struct results_view v;
    char err[512];
    if (results_load(path, &f, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench run: %s\n", err);
        return -1;
    }
    if (view_build(&f, &v, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench run: %s\n", err);
        results_free(&f);
        return -1;
    }
    if (verbose) {
        table_print(stdout, &v, TABLE_TEXT);
        putchar('\n');
    }
    summary_print(stdout, &v, summary_colour_wanted(stdout));
    view_free(&v);
    results_free(&f);
    return 0;
}

/* run --save NAME: the written file into the history. */
static int save_written(const char *path, const char *name, const char *db,
                        char *err, size_t err_len)
{
    struct history *h = NULL;
    long long id;
    if (history_check_name(name, err, err_len) != 0 ||
        history_open(history_default_path(db), HISTORY_CREATE, &h, err,
                     err_len) != 0)
        return -1;
    int rc = history_add_file(h, path, name, &id, err, err_len);
    if (rc == 0)
        printf("history: stored as run %lld of '%s' in %s\n", id, name,
               history_where(h));
    history_close(h);
    return rc;
}

/* run --save NAME, before measuring: what save_written will need. */
static int check_save(const char *name, const char *db, char *err,
                      size_t err_len)
{
    if (history_check_name(name, err, err_len) != 0)
        return -1;
    return history_check_writable(history_default_path(db), err, err_len);
}

/* run --tasks-from NAME[@COMMIT]: the stored run of this machine's
 * identity (its fingerprint as a results file of this run would give). */
static int load_stored(const char *spec, const char *db,
                       const struct machine_info *m, struct results_file *out,
                       char *label, size_t label_len, char *err,
                       size_t err_len)
{
    uint64_t throttled;
    double throttled_s, quota = noise_cpu_quota(&throttled, &throttled_s);
    struct results_machine rm = {
        .cpu_model = m->cpu_model, .cpus_online = m->cpus_online,
        .cpus_usable = m->affinity_count > 0 &&
                               m->affinity_count < m->cpus_online
                           ? m->affinity_count : m->cpus_online,
        .mem_total_bytes = (double)m->mem_total_bytes,
    };
    cJSON *q = cJSON_CreateObject();
    if (q != NULL && isfinite(quota))
        cJSON_AddNumberToObject(q, "cpu_quota", quota);
    rm.json = q;
    int rc = history_load_named(db, spec, &rm, out, label, label_len, err,
                                err_len);
    cJSON_Delete(q);
    return rc;
}

/* --suite seed: the seed's figures beside the run's. */
static void suite_done(const char *name, const char *path)
{
    struct results_file f;
    struct results_view v;
    char err[512];
    if (strcmp(name, "seed") != 0)
        return;
    if (results_load(path, &f, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench: seed table: %s\n", err);
        return;
    }
    if (view_build(&f, &v, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench: seed table: %s\n", err);
        results_free(&f);
        return;
    }
    seed_print(stdout, &v);
    view_free(&v);
    results_free(&f);
}

int cmd_run(int argc, char **argv)
{
    static const struct driver_hooks hooks = {
        .show = show_written,
        .save = save_written,
        .suite = suite_done,
        .check_save = check_save,
        .load_run = load_stored,
        .derive = scaling_derive_json,
    };
    return driver_main(argc, argv, &hooks);
}

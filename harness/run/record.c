/* record.c - a run as a poolbench/1 results file (see record.h). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "noise.h"
#include "python.h"
#include "record.h"
#include "results.h"
#include "stats.h"
#include "view.h"
#include "warnings.h"

static const char *const tasks_sources[] = { "default", "option",
                                             "calibrated", "baseline",
                                             "capped" };

static cJSON *params_json(const struct run_instance *in)
{
    cJSON *o = cJSON_CreateObject();
    size_t np = registry_param_count(in->wl);
    for (size_t k = 0; o != NULL && k < np; k++) {
        const struct wl_param *p = &in->wl->params[k];
        if (in->texts[k] == NULL)
            continue;
        switch (p->type) {
        case WL_PARAM_INT:
            cJSON_AddNumberToObject(o, p->name, (double)in->args[k].i);
            break;
        case WL_PARAM_REAL:
            cJSON_AddNumberToObject(o, p->name, in->args[k].d);
            break;
        default:
            cJSON_AddStringToObject(o, p->name, in->texts[k]);
            break;
        }
    }
    return o;
}

char *record_params_key(const struct run_instance *in, char *err,
                        size_t err_len)
{
    cJSON *o = params_json(in);
    char *key = NULL;
    if (o == NULL)
        snprintf(err, err_len, "out of memory");
    else
        results_params_key(o, &key, err, err_len);
    cJSON_Delete(o);
    return key;
}

/* The probe speed of a sample: the run's best probe over the slower of
 * the probes around it (1 = as fast as the machine was at its best). */
static double probe_speed(const struct run_sample *s,
                          const struct measure_ctx *mc)
{
    double raw = s->v[S_PROBE];
    return raw > 0 && mc->best_probe_s > 0 ? mc->best_probe_s / raw : NAN;
}

/* One series of samples into row's group, with its summary when
 * with_stats. A series with an unknown value (NAN) in any repetition is
 * left out: a reader must not mistake a gap for a zero. wall_s is always
 * written, empty for a configuration that measured nothing. */
static void add_series(cJSON *row, const char *group, int with_stats, int s,
                       const struct run_sample *v, size_t n,
                       const struct measure_ctx *mc, double serial_speed)
{
    double *x = malloc((n > 0 ? n : 1) * sizeof(*x));
    if (x == NULL)
        return;
    for (size_t k = 0; k < n; k++) {
        x[k] = s == S_PROBE ? probe_speed(&v[k], mc)
               : s == S_WORKER_SPEED ? v[k].v[s] / serial_speed
                                     : v[k].v[s];
        if (!isfinite(x[k]) && s != S_WALL) {
            free(x);
            return;
        }
    }
    /* The round is an index, not a measurement: no summary. */
    results_row_add_series(row, group, measure_series_names[s], x, n,
                           with_stats && s != S_ROUND);
    free(x);
}

/* Whether every value of series s is zero (bytes, lock wait of workloads
 * that have none: left out to keep files small). */
static int all_zero(const struct run_sample *v, size_t n, int s)
{
    for (size_t k = 0; k < n; k++)
        if (v[k].v[s] != 0)
            return 0;
    return 1;
}

static void add_samples(cJSON *row, const char *group, int with_stats,
                        const struct run_sample *v, size_t n,
                        const struct measure_ctx *mc, double serial_speed)
{
    for (int s = 0; s < S_COUNT; s++) {
        if ((s == S_BYTES || s == S_MBPS) && all_zero(v, n, S_BYTES))
            continue;
        if (s == S_WAIT && all_zero(v, n, S_WAIT))
            continue;
        add_series(row, group, with_stats, s, v, n, mc, serial_speed);
    }
}

static void add_errors(cJSON *o, const struct run_config *c)
{
    cJSON *kinds = cJSON_AddObjectToObject(o, "errors_by_kind");
    for (int s = 1; s < TASK_STATUS_COUNT; s++)
        if (c->by_status[s] > 0)
            cJSON_AddNumberToObject(kinds, measure_status_word(s),
                                    (double)c->by_status[s]);
    if (c->first_error_task >= 0) {
        char msg[256], code[64];
        int32_t st = c->first_error_status, e = c->first_error_code;
        /* A command's exit status is not an errno. */
        if (st == TASK_EXITED)
            snprintf(code, sizeof(code), "status %d", (int)e);
        else
            snprintf(code, sizeof(code), "%s", e == 0 ? ""
                     : st == TASK_SIGNALED ? strsignal(e) : strerror(e));
        snprintf(msg, sizeof(msg), "task %" PRId64 ": %s%s%s",
                 c->first_error_task, measure_status_word(st),
                 code[0] ? ": " : "", code);
        cJSON_AddStringToObject(o, "first_error", msg);
    }
    cJSON_AddNumberToObject(o, "worker_deaths", (double)c->worker_deaths);
}

/* Why each repetition of a group was disturbed, aligned with its
 * samples: an array of reason names per repetition ([] when quiet). */
static void add_why(cJSON *why, const char *group,
                    const struct run_sample *v, size_t n)
{
    cJSON *arr = cJSON_AddArrayToObject(why, group);
    for (size_t k = 0; arr != NULL && k < n; k++) {
        cJSON *names = cJSON_CreateArray();
        for (int b = 0; names != NULL && b < MEASURE_WHY_COUNT; b++)
            if (v[k].why & (1u << b))
                cJSON_AddItemToArray(names, cJSON_CreateString(
                                                measure_why_names[b]));
        cJSON_AddItemToArray(arr, names);
    }
}

static cJSON *config_json(const struct run_config *c,
                          const struct run_plan *p,
                          const struct measure_ctx *mc)
{
    double ref = measure_serial_speed(p, c->inst);
    char hex[17];
    snprintf(hex, sizeof(hex), "%016" PRIx64, c->checksum);
    struct results_row_head h = {
        .workload = c->inst->wl->name, .side = registry_side(c->inst->wl),
        .executor = c->ex->name,
        .workers = c->cfg.workers, .workers_spec = c->workers_spec,
        .mode = c->cfg.mode == EXEC_ORDERED ? "ordered" : "unordered",
        .chunk = c->cfg.chunk, .chunk_auto = c->chunk_asked == 0,
        .transport = c->transport, .params = params_json(c->inst),
        .tasks = c->inst->ntasks,
        .tasks_source = tasks_sources[c->inst->tasks_source],
        .errors = c->errors, .checksum = hex,
        .failure = c->failure[0] != '\0' ? c->failure : NULL,
    };
    cJSON *o = results_row_new(&h);
    if (o == NULL)
        return NULL;
    add_errors(o, c);
    if (isfinite(c->harness_ns_per_task))
        cJSON_AddNumberToObject(o, "harness_ns_per_task",
                                c->harness_ns_per_task);
    else
        cJSON_AddNullToObject(o, "harness_ns_per_task");
    cJSON_AddNumberToObject(o, "disturbed", (double)c->ndisturbed);
    cJSON *why = cJSON_AddObjectToObject(o, "disturbed_why");
    if (why != NULL) {
        add_why(why, "samples", c->samples, c->nsamples);
        if (c->napart > 0)
            add_why(why, "samples_disturbed", c->apart, c->napart);
    }
    if (c->precision_reached >= 0)
        cJSON_AddBoolToObject(o, "precision_reached", c->precision_reached);
    add_samples(o, "samples", 1, c->samples, c->nsamples, mc, ref);
    if (c->napart > 0)
        add_samples(o, "samples_disturbed", 0, c->apart, c->napart, mc, ref);
    cJSON *tl = cJSON_AddArrayToObject(o, "timeline");
    for (size_t k = 0; k < c->tl.n; k++) {
        cJSON *pt = cJSON_CreateArray();
        cJSON_AddItemToArray(pt, cJSON_CreateNumber(c->tl.t_s[k]));
        cJSON_AddItemToArray(pt, cJSON_CreateNumber((double)c->tl.done[k]));
        cJSON_AddItemToArray(tl, pt);
    }
    return o;
}

/* The median of the run's probes in milliseconds: the machine's speed
 * index, so that two runs can be told apart by it. */
static double probe_ms(const struct run_plan *p)
{
    size_t n = 0;
    for (size_t k = 0; k < p->nconfigs; k++)
        n += p->configs[k].nsamples;
    double *v = malloc((n > 0 ? n : 1) * sizeof(*v)), med = NAN;
    if (v == NULL)
        return NAN;
    n = 0;
    for (size_t k = 0; k < p->nconfigs; k++)
        for (size_t s = 0; s < p->configs[k].nsamples; s++)
            if (isfinite(p->configs[k].samples[s].v[S_PROBE]))
                v[n++] = p->configs[k].samples[s].v[S_PROBE] * 1e3;
    if (n > 0)
        med = stats_median(v, n);
    free(v);
    return med;
}

/* With a py-* executor selected, machine.python: what the interpreter
 * says of itself (version, implementation, whether the GIL is on), or
 * {"error": why} when it cannot be asked. */
static void python_json(cJSON *m, const struct run_options *o)
{
    char info[1024];
    int any = 0;
    for (size_t e = 0; e < o->nexecutors; e++)
        any |= (o->executors[e]->flags & EXEC_PYTHON) != 0;
    if (!any)
        return;
    /* Within --timeout: a hung interpreter must not hold the file
     * back longer than a repetition would. */
    cJSON *py = python_info_within(info, sizeof(info), o->timeout_s) == 0
                    ? cJSON_Parse(info) : NULL;
    if (py == NULL) {
        py = cJSON_CreateObject();
        cJSON_AddStringToObject(py, "error", info);
    }
    cJSON_AddItemToObject(m, "python", py);
}

static cJSON *machine_json(const struct record_ctx *rc, double quota,
                           uint64_t throttled, double throttled_s)
{
    cJSON *m = machine_to_json(rc->m);
    if (m == NULL)
        return NULL;
    results_json_number(m, "cpu_quota", quota);
    cJSON_AddNumberToObject(m, "cpu_nr_throttled", (double)throttled);
    results_json_number(m, "cpu_throttled_s", throttled_s);
    results_json_number(m, "probe_ms", probe_ms(rc->p));
    if (rc->mc->hw.fd_cycles >= 0)
        cJSON_AddStringToObject(m, "hw_counters", "cycles,instructions");
    else
        cJSON_AddStringToObject(m, "hw_counters", rc->mc->hw.why);
    python_json(m, rc->o);
    return m;
}

static cJSON *config_block(const struct record_ctx *rc)
{
    const struct run_options *o = rc->o;
    cJSON *cfg = cJSON_CreateObject();
    cJSON *av = cJSON_AddArrayToObject(cfg, "argv");
    cJSON_AddItemToArray(av, cJSON_CreateString("poolbench"));
    for (int k = 0; k < rc->argc; k++)
        cJSON_AddItemToArray(av, cJSON_CreateString(rc->argv[k]));
    if (o->tasks_from != NULL)
        cJSON_AddStringToObject(cfg, "tasks_from", o->tasks_from_label);
    cJSON_AddNumberToObject(cfg, "repeat", (double)o->repeat);
    cJSON_AddNumberToObject(cfg, "warmup", (double)o->warmup);
    cJSON_AddNumberToObject(cfg, "timeout_s", o->timeout_s);
    cJSON_AddBoolToObject(cfg, "quick", o->quick);
    cJSON_AddBoolToObject(cfg, "interleaved", 1);
    cJSON_AddBoolToObject(cfg, "interrupted", rc->interrupted);
    if (rc->suite != NULL)
        cJSON_AddStringToObject(cfg, "suite", rc->suite);
    cJSON_AddStringToObject(cfg, "cache_dir", rc->p->cache_dir);
    cJSON_AddNumberToObject(cfg, "min_time_s", o->min_time_s);
    results_json_number(cfg, "precision_pct",
                        o->precision_pct > 0 ? o->precision_pct : NAN);
    cJSON_AddNumberToObject(cfg, "max_repeat", (double)o->max_repeat);
    results_json_number(cfg, "max_time_s",
                        o->max_time_s > 0 ? o->max_time_s : NAN);
    cJSON_AddNumberToObject(cfg, "noise_limit", o->noise_limit);
    cJSON_AddNumberToObject(cfg, "retry_disturbed",
                            (double)o->retry_disturbed);
    cJSON *cal = cJSON_AddArrayToObject(cfg, "calibration");
    for (size_t i = 0; i < rc->p->ninsts; i++) {
        const struct run_instance *in = &rc->p->insts[i];
        if (in->calib_from == 0)
            continue;
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "instance", in->label);
        cJSON_AddNumberToObject(c, "from_tasks", (double)in->calib_from);
        results_json_number(c, "from_s", in->calib_from_s);
        cJSON_AddNumberToObject(c, "tasks", (double)in->ntasks);
        results_json_number(c, "serial_s", in->calib_s);
        cJSON_AddItemToArray(cal, c);
    }
    return cfg;
}

/* A/B: "ab": {"base": LABEL, "new": LABEL}, the labels of the first
 * paired instance (the base side is the plugin given first). */
static void add_ab(cJSON *root, const struct run_plan *p)
{
    for (size_t i = 0; i < p->ninsts; i++) {
        const struct run_instance *in = &p->insts[i];
        if (in->twin == NULL)
            continue;
        const char *a = registry_side(in->twin->wl);
        const char *b = registry_side(in->wl);
        const struct workload *sides[2];
        size_t len = strcspn(in->wl->name, "@");
        char name[REGISTRY_NAME_MAX];
        snprintf(name, sizeof(name), "%.*s", (int)len, in->wl->name);
        /* The load order says which side is the base, not -w's order. */
        if (registry_sides(name, sides, 2) == 2 && sides[0] == in->wl) {
            const char *t = a;
            a = b;
            b = t;
        }
        cJSON *ab = cJSON_AddObjectToObject(root, "ab");
        cJSON_AddStringToObject(ab, "base", a);
        cJSON_AddStringToObject(ab, "new", b);
        return;
    }
}

cJSON *record_build(const struct record_ctx *rc, char *err, size_t err_len)
{
    char created[64];
    time_t now = time(NULL);
    struct tm tm;
    uint64_t throttled;
    double throttled_s;
    double quota = noise_cpu_quota(&throttled, &throttled_s);
    long *index = calloc(rc->p->nconfigs + 1, sizeof(*index));
    gmtime_r(&now, &tm);
    strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);

    cJSON *root = cJSON_CreateObject();
    if (root == NULL || index == NULL) {
        snprintf(err, err_len, "out of memory building results");
        free(index);
        cJSON_Delete(root);
        return NULL;
    }
    cJSON_AddStringToObject(root, "schema", RESULTS_SCHEMA);
    cJSON_AddStringToObject(root, "created", created);
    cJSON_AddItemToObject(root, "machine",
                          machine_json(rc, quota, throttled, throttled_s));
    cJSON_AddItemToObject(root, "config", config_block(rc));
    add_ab(root, rc->p);
    cJSON *res = cJSON_AddArrayToObject(root, "results");
    long written = 0;
    for (size_t k = 0; k < rc->p->nconfigs; k++) {
        const struct run_config *c = &rc->p->configs[k];
        index[k] = -1;
        if (c->nsamples == 0 && c->napart == 0 && c->failure[0] == '\0')
            continue;
        cJSON_AddItemToArray(res, config_json(c, rc->p, rc->mc));
        index[k] = written++;
    }
    warnings_collect(rc->o, rc->p, rc->m, quota, rc->mc->busiest, index,
                     cJSON_AddArrayToObject(root, "warnings"));
    free(index);
    /* Speedups, efficiencies and ns per task come from the view, as every
     * reader computes them: one derivation for all; the scaling models
     * from the same view, the tree read back once. */
    if (view_derive_json(root, rc->derive, err, err_len) != 0) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

int record_default_output(const struct machine_info *m, char *stem,
                          size_t stem_len, char *path, size_t path_len,
                          char *err, size_t err_len)
{
    if (results_default_stem("", m->hostname, stem, stem_len, err,
                             err_len) != 0)
        return -1;
    snprintf(path, path_len, "%s.json", stem);
    return 0;
}

int record_write(const char *stem, char *path, size_t path_len,
                 const cJSON *root, char *err, size_t err_len)
{
    if (stem != NULL && stem[0] != '\0')
        return results_write_new(stem, root, path, path_len, err, err_len);
    return results_write_atomic(path, root, err, err_len);
}

void record_rescue(const cJSON *root, const char *why)
{
    const char *tmp = getenv("TMPDIR");
    char path[4096], err2[512];
    snprintf(path, sizeof(path), "%s/poolbench-rescue-%ld.json",
             tmp != NULL && tmp[0] == '/' ? tmp : "/tmp", (long)getpid());
    fprintf(stderr, "poolbench run: %s\n", why);
    if (results_write_atomic(path, root, err2, sizeof(err2)) == 0)
        fprintf(stderr, "poolbench run: the results were saved to %s "
                "instead\n", path);
    else
        fprintf(stderr, "poolbench run: and could not be saved elsewhere: "
                "%s\n", err2);
}

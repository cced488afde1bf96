/* plan.c - instances and configurations of one run (see plan.h). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "plan.h"

#define MAX_SETS 256         /* parameter sets per workload */

/* Whether ex runs tasks on workers (every executor but the plain loops,
 * native and Python). */
static int is_parallel(const struct executor *ex)
{
    return !(ex->flags & EXEC_SERIAL_LIKE);
}

/* The folder workloads may cache generated data in (--corpus-dir, else
 * $XDG_CACHE_HOME/poolbench, else ~/.cache/poolbench, else a private
 * per-user folder in $TMPDIR or /tmp), into buf. */
static void plan_cache_dir(const char *override, char *buf, size_t len)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (override != NULL)
        snprintf(buf, len, "%s", override);
    else if (xdg != NULL && xdg[0] == '/')
        snprintf(buf, len, "%s/poolbench", xdg);
    else if (home != NULL && home[0] != '\0')
        snprintf(buf, len, "%s/.cache/poolbench", home);
    else {
        /* One private folder per user in a shared one; corpus_open
         * creates it 0700 and refuses it unless it is the caller's. */
        const char *tmp = getenv("TMPDIR");
        snprintf(buf, len, "%s/poolbench-cache-%ld",
                 tmp != NULL && tmp[0] == '/' ? tmp : "/tmp",
                 (long)geteuid());
    }
}

/* ---- parameter sets ----------------------------------------------------- */

/* The -p values that apply to parameter key of workload wl, or NULL. */
static struct run_param_arg *param_for(struct run_options *o,
                                       const struct workload *wl,
                                       const char *key)
{
    struct run_param_arg *unscoped = NULL;
    for (size_t k = 0; k < o->nparams; k++) {
        struct run_param_arg *p = &o->params[k];
        if (strcmp(p->key, key) != 0)
            continue;
        if (p->scope != NULL && registry_scope_matches(p->scope, wl))
            return p;
        if (p->scope == NULL)
            unscoped = p;
    }
    return unscoped;
}

/* The scoped -p WL.KEY that took the place of unscoped p for a selected
 * workload that has p's key, or NULL: then p was unused because it was
 * overridden, not because no workload takes it. */
static const struct run_param_arg *param_shadowing(
    const struct run_options *o, const struct run_param_arg *p)
{
    for (size_t w = 0; w < o->nworkloads; w++) {
        const struct workload *wl = registry_find(o->workloads[w]);
        for (size_t q = 0; wl != NULL && q < registry_param_count(wl); q++) {
            if (strcmp(wl->params[q].name, p->key) != 0)
                continue;
            for (size_t k = 0; k < o->nparams; k++) {
                const struct run_param_arg *s = &o->params[k];
                if (s->scope != NULL && registry_scope_matches(s->scope, wl) &&
                    strcmp(s->key, p->key) == 0)
                    return s;
            }
        }
    }
    return NULL;
}

/* Every -p must be taken by some selected workload. */
static int check_params_used(struct run_options *o, char *err,
                             size_t err_len)
{
    for (size_t k = 0; k < o->nparams; k++) {
        struct run_param_arg *p = &o->params[k];
        if (p->used)
            continue;
        const struct workload *sides[2];
        if (p->scope != NULL && registry_find(p->scope) == NULL &&
            registry_sides(p->scope, sides, 2) == 0) {
            snprintf(err, err_len, "-p %s.%s: unknown workload '%s'",
                     p->scope, p->key, p->scope);
            return -1;
        }
        const struct run_param_arg *over =
            p->scope == NULL ? param_shadowing(o, p) : NULL;
        if (over != NULL) {
            snprintf(err, err_len, "-p %s=%s: every selected workload that "
                     "takes '%s' has it from -p %s.%s=%s instead; give "
                     "one of the two", p->key, p->values, p->key,
                     over->scope, over->key, over->values);
            return -1;
        }
        const struct workload *wl =
            p->scope == NULL ? registry_find(o->workloads[0])
            : registry_find(p->scope) != NULL ? registry_find(p->scope)
                                              : sides[0];
        char keys[512] = "";
        for (size_t q = 0; q < registry_param_count(wl); q++) {
            strcat(keys, q ? ", " : "");
            strncat(keys, wl->params[q].name,
                    sizeof(keys) - strlen(keys) - 3);
        }
        if (p->scope != NULL)
            snprintf(err, err_len, "-p %s.%s: '%s' has no parameter '%s' "
                     "(or is not selected with -w); it takes: %s",
                     p->scope, p->key, wl->name, p->key,
                     keys[0] ? keys : "none");
        else
            snprintf(err, err_len, "-p %s: no selected workload has a "
                     "parameter '%s'; %s takes: %s", p->key, p->key,
                     wl->name, keys[0] ? keys : "none");
        return -1;
    }
    return 0;
}

/* The values swept for each parameter of wl into vals/nvals; returns the
 * number of sets (their product), or -1. */
static int param_values(struct run_options *o, const struct workload *wl,
                        char *vals[][RUN_MAX_LIST], size_t *nvals,
                        char *err, size_t err_len)
{
    size_t total = 1;
    for (size_t k = 0; k < registry_param_count(wl); k++) {
        struct run_param_arg *p = param_for(o, wl, wl->params[k].name);
        if (p == NULL) {
            vals[k][0] = (char *)wl->params[k].def;
            nvals[k] = 1;
            continue;
        }
        p->used = 1;
        char what[128];
        snprintf(what, sizeof(what), "-p %s", p->key);
        char *copy = run_options_keep(o, p->values);
        if (copy == NULL) {
            snprintf(err, err_len, "-p: out of memory");
            return -1;
        }
        /* A command is one value, commas and all: never a sweep. */
        int n = 1;
        if (wl->params[k].type == WL_PARAM_TEXT)
            vals[k][0] = copy;
        else
            n = args_split(what, copy, vals[k], RUN_MAX_LIST, err, err_len);
        if (n < 0)
            return -1;
        nvals[k] = (size_t)n;
        for (int v = 0; v < n; v++) {
            union wl_value tmp;
            if (registry_param_parse(wl, k, vals[k][v], &tmp, err,
                                     err_len) != 0)
                return -1;
        }
        total *= (size_t)n;
        if (total > MAX_SETS) {
            snprintf(err, err_len, "%s: more than %d parameter sets in the "
                     "sweep", wl->name, MAX_SETS);
            return -1;
        }
    }
    return (int)total;
}

/* Expand workload wl's parameter values into instances. Returns the count
 * added, or -1. */
static int expand(struct run_options *o, const struct workload *wl,
                  struct run_plan *p, char *err, size_t err_len)
{
    size_t np = registry_param_count(wl);
    char *vals[REGISTRY_MAX_PARAMS][RUN_MAX_LIST];
    size_t nvals[REGISTRY_MAX_PARAMS];
    int total = param_values(o, wl, vals, nvals, err, err_len);
    if (total < 0)
        return -1;
    struct run_instance *grown = realloc(p->insts, (p->ninsts +
                                         (size_t)total) * sizeof(*grown));
    if (grown == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    p->insts = grown;
    for (size_t set = 0; set < (size_t)total; set++) {
        struct run_instance *in = &p->insts[p->ninsts++];
        memset(in, 0, sizeof(*in));
        in->wl = wl;
        in->calib_from_s = in->calib_s = NAN;
        size_t used = (size_t)snprintf(in->label, sizeof(in->label), "%s",
                                       wl->name);
        size_t rest = set;
        for (size_t k = 0; k < np; k++) {
            const char *text = vals[k][rest % nvals[k]];
            rest /= nvals[k];
            in->texts[k] = text;
            if (text != NULL)
                registry_param_parse(wl, k, text, &in->args[k], err,
                                     err_len);
            if (text != NULL && used < sizeof(in->label))
                used += (size_t)snprintf(in->label + used,
                                         sizeof(in->label) - used, "%s%s=%s",
                                         strchr(in->label, ' ') ? "," : " ",
                                         wl->params[k].name, text);
        }
    }
    return total;
}

/* A py-* executor runs only workloads with a Python peer, and a
 * peer-only workload (pyfunc) only under a py-* executor: refuse the
 * others before anything is prepared. */
static int check_peers(const struct run_options *o, char *err,
                       size_t err_len)
{
    int any_peer = 0;
    for (size_t e = 0; e < o->nexecutors; e++)
        any_peer |= (o->executors[e]->flags & EXEC_PYTHON) != 0;
    for (size_t k = 0; k < o->nworkloads && !any_peer; k++) {
        const struct workload *wl = registry_find(o->workloads[k]);
        if (wl == NULL || !wl->peer_only)
            continue;
        snprintf(err, err_len, "-w %s: runs only under the Python "
                 "executors py-serial, py-pool, py-threadpool, py-tpe, "
                 "py-ppe (give one with -e)", wl->name);
        return -1;
    }
    for (size_t e = 0; e < o->nexecutors; e++) {
        if (!(o->executors[e]->flags & EXEC_PYTHON))
            continue;
        for (size_t k = 0; k < o->nworkloads; k++) {
            const struct workload *wl = registry_find(o->workloads[k]);
            if (wl == NULL || wl->peer != NULL)
                continue;
            snprintf(err, err_len, "-e %s: workload '%s' has no Python peer "
                     "(built-in noop, factorial, hashing, shuffled, "
                     "contended, latency, pyfunc have one)",
                     o->executors[e]->name, wl->name);
            return -1;
        }
    }
    return 0;
}

/* The parameters part of an instance label ("n=300,skew=1"), or "". */
static const char *label_params(const struct run_instance *in)
{
    const char *sp = strchr(in->label, ' ');
    return sp != NULL ? sp + 1 : "";
}

/* A/B: each instance of a labelled workload ("NAME@new") gets as twin the
 * earlier instance of the other side with the same NAME and parameters. */
static void link_twins(struct run_plan *p)
{
    for (size_t i = 0; i < p->ninsts; i++) {
        struct run_instance *in = &p->insts[i];
        const char *side = registry_side(in->wl);
        size_t len = strcspn(in->wl->name, "@");
        for (size_t j = 0; side != NULL && j < i; j++) {
            struct run_instance *t = &p->insts[j];
            const char *tside = registry_side(t->wl);
            if (tside != NULL && strcmp(tside, side) != 0 &&
                strncmp(t->wl->name, in->wl->name, len + 1) == 0 &&
                strcmp(label_params(t), label_params(in)) == 0) {
                in->twin = t;
                break;
            }
        }
    }
}

/* A/B: configuration c's partner is the same configuration of its
 * instance's twin. */
static void link_partners(struct run_plan *p)
{
    for (size_t k = 0; k < p->nconfigs; k++) {
        struct run_config *c = &p->configs[k];
        for (size_t q = 0; c->inst->twin != NULL && q < k; q++) {
            struct run_config *d = &p->configs[q];
            if (d->inst == c->inst->twin && d->partner == NULL &&
                d->ex == c->ex && d->cfg.workers == c->cfg.workers &&
                d->cfg.mode == c->cfg.mode &&
                d->chunk_asked == c->chunk_asked &&
                strcmp(d->transport, c->transport) == 0) {
                c->partner = d;
                d->partner = c;
                break;
            }
        }
    }
}

int plan_instances(struct run_options *o, struct run_plan *p, char *err,
                   size_t err_len)
{
    if (check_peers(o, err, err_len) != 0)
        return -1;
    p->max_workers = 1;
    for (size_t w = 0; w < o->nworkers; w++)
        if (o->workers[w] > p->max_workers)
            p->max_workers = o->workers[w];
    plan_cache_dir(o->corpus_dir, p->cache_dir, sizeof(p->cache_dir));
    for (size_t k = 0; k < o->nworkloads; k++)
        if (expand(o, registry_find(o->workloads[k]), p, err, err_len) < 0)
            return -1;
    link_twins(p);
    return check_params_used(o, err, err_len);
}

/* ---- preparing ---------------------------------------------------------- */

/* Bytes of memory the kernel says can be had without swapping, or 0. */
static uint64_t mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "re");
    char line[256];
    unsigned long long kb = 0;
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof(line), f) != NULL)
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
            break;
    fclose(f);
    return (uint64_t)kb * 1024;
}

/* Parallel executors keep one struct task_result per task (results are
 * handed back in chunks, and ordered delivery must hold them): refuse a
 * task count whose results cannot fit, instead of dying mid-run. */
static int check_memory(const struct run_options *o,
                        const struct run_instance *in, char *err,
                        size_t err_len)
{
    int parallel = 0;
    for (size_t e = 0; e < o->nexecutors; e++)
        if (is_parallel(o->executors[e]))
            parallel = 1;
    uint64_t need = in->ntasks * (uint64_t)sizeof(struct task_result);
    uint64_t have = mem_available();
    if (!parallel || have == 0 || need < have / 2)
        return 0;
    snprintf(err, err_len, "%s: %" PRIu64 " tasks need %.1f GiB for their "
             "results, more than half of the %.1f GiB of memory available; "
             "give fewer tasks with -n", in->label, in->ntasks,
             (double)need / (1u << 30), (double)have / (1u << 30));
    return -1;
}

int plan_prepare(const struct run_options *o, struct run_plan *p,
                 struct run_instance *in, uint64_t ntasks, char *err,
                 size_t err_len)
{
    const struct workload *wl = in->wl;
    char why[1024] = "";
    if (in->prepared && wl->release != NULL)
        wl->release(in->state);
    in->prepared = 0;
    in->state = NULL;
    struct wl_setup setup = {
        .ntasks = ntasks, .max_workers = p->max_workers, .args = in->args,
        .cache_dir = p->cache_dir, .err = why, .err_len = sizeof(why),
    };
    if (wl->prepare != NULL) {
        if (wl->prepare(&setup) != 0) {
            snprintf(err, err_len, "%.300s: %.700s", in->label,
                     why[0] ? why : "prepare failed");
            return -1;
        }
    } else {
        setup.ntasks_out = ntasks;
    }
    in->state = setup.state;
    in->prepared = 1;
    in->ntasks = setup.ntasks_out;
    if (in->ntasks == 0 || in->ntasks > RUN_MAX_TASKS) {
        snprintf(err, err_len, "%s: %" PRIu64 " tasks; expected 1 to %llu "
                 "(give -n)", in->label, in->ntasks, RUN_MAX_TASKS);
        return -1;
    }
    return check_memory(o, in, err, err_len);
}

/* ---- configurations ----------------------------------------------------- */

static void config_init(struct run_config *c, struct run_instance *in,
                        const struct executor *ex, unsigned workers,
                        const char *spec, int mode, uint64_t chunk,
                        double timeout_s)
{
    memset(c, 0, sizeof(*c));
    c->inst = in;
    c->ex = ex;
    c->cfg.workers = workers;
    c->workers_spec = spec;
    c->cfg.mode = (enum exec_mode)mode;
    c->chunk_asked = chunk;
    c->cfg.chunk = executor_auto_chunk(in->ntasks, workers, chunk);
    c->cfg.timeout_s = timeout_s;
    c->first_error_task = -1;
    c->precision_reached = -1;
    c->harness_ns_per_task = NAN; /* until measure_harness_cost */
}

/* The configurations of one instance under one executor. */
static void add_executor(const struct run_options *o, struct run_plan *p,
                         struct run_instance *in, const struct executor *ex)
{
    int parallel = is_parallel(ex);
    if (in->wl->peer_only && !(ex->flags & EXEC_PYTHON))
        return; /* pyfunc: only Python runs it (check_peers) */
    size_t nt = ex->variants != NULL && o->ntransports > 0
                    ? o->ntransports : 1;
    for (size_t w = 0; w < (parallel ? o->nworkers : 1); w++)
        for (size_t md = 0; md < (parallel ? o->nmodes : 1); md++)
            for (size_t ch = 0; ch < o->nchunks; ch++)
                for (size_t t = 0; t < nt; t++) {
                    struct run_config *c = &p->configs[p->nconfigs++];
                    config_init(c, in, ex, parallel ? o->workers[w] : 1,
                                parallel ? o->workers_spec[w] : "1",
                                o->modes[md], o->chunks[ch], o->timeout_s);
                    /* Checked by the options: every name exists. */
                    if (ex->variants != NULL && o->ntransports > 0)
                        c->cfg.variant = (unsigned)executor_variant_find(
                            ex, o->transports[t]);
                    c->transport = executor_variant_name(ex,
                                                         c->cfg.variant);
                }
}

int plan_configs(const struct run_options *o, struct run_plan *p,
                 char *err, size_t err_len)
{
    size_t cap = p->ninsts * o->nexecutors * o->nworkers * o->nmodes *
                 o->nchunks * (o->ntransports > 0 ? o->ntransports : 1);
    p->configs = calloc(cap > 0 ? cap : 1, sizeof(*p->configs));
    if (p->configs == NULL) {
        snprintf(err, err_len, "out of memory planning %zu runs", cap);
        return -1;
    }
    for (size_t i = 0; i < p->ninsts; i++)
        for (size_t e = 0; e < o->nexecutors; e++)
            add_executor(o, p, &p->insts[i], o->executors[e]);
    link_partners(p);
    return 0;
}

void plan_free(struct run_plan *p)
{
    for (size_t k = 0; k < p->nconfigs; k++) {
        free(p->configs[k].samples);
        free(p->configs[k].apart);
    }
    free(p->configs);
    for (size_t i = 0; i < p->ninsts; i++)
        if (p->insts[i].prepared && p->insts[i].wl->release != NULL)
            p->insts[i].wl->release(p->insts[i].state);
    free(p->insts);
    memset(p, 0, sizeof(*p));
}

/* options.c - the options of `poolbench run` (see options.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "noise.h"
#include "options.h"
#include "python.h"
#include "registry.h"
#include "suggest.h"
#include "sweep.h"

static void usage(FILE *f)
{
    char native[256], python[256];
    executor_names(EXEC_PYTHON, 0, native, sizeof(native));
    executor_names(EXEC_PYTHON, EXEC_PYTHON, python, sizeof(python));
    fprintf(f,
"usage: poolbench run [options]\n"
"\n"
"Run workloads under executors; print the answer per workload and write\n"
"every timing as JSON.\n"
"\n"
"What to run:\n"
"  -w, --workloads LIST   workloads (default: every one but blocklock,\n"
"                         which runs only when named; poolbench list)\n"
"  -e, --executors LIST   %s (default: these)\n"
"                         and the Python peers (python3):\n"
"                         %s\n"
"      --python INTERP    the interpreter the py-* executors run (default:\n"
"                         $POOLBENCH_PYTHON or python3)\n"
"  -j, --workers LIST     worker counts: N, cpus or Kxcpus (cpus: the CPUs\n"
"                         this process may use; default: 1,cpus); sweep\n"
"                         (1,2,4,.. the CPUs, 2x), sweep:M or A..B (A,\n"
"                         powers of two, B); serial always runs once\n"
"      --mode LIST        ordered,unordered delivery (default: unordered)\n"
"      --chunk LIST       tasks per claim: N or auto = ceil(tasks / (4 x\n"
"                         workers)) (default: auto)\n"
"      --transport LIST   an executor's variants; procs: shm,pipe\n"
"                         (default: each executor's first)\n"
"  -p, --param K=V[,V..]  workload parameter, or a sweep of values; K may\n"
"                         be WORKLOAD.K to set it for one workload only\n"
"      --plugin SO        load workloads from a shared object (repeatable;\n"
"                         also POOLBENCH_PLUGIN_PATH); this runs its code;\n"
"                         LABEL=SO loads its NAME as NAME@LABEL: two\n"
"                         builds, base=old.so and new=new.so, are an A/B\n"
"                         run of -w NAME in the same rounds\n"
"      --trust-plugins    load plugins others could have changed\n"
"      --suite NAME       a preset of these options, given first; --suite\n"
"                         list names them\n"
"\n"
"How long and how precisely:\n"
"  -n, --tasks N          tasks per run, 1..2^32 (default: calibrated)\n"
"      --min-time SEC     without -n, tasks so that one serial repetition\n"
"                         lasts at least SEC (default %.2g; 0: the\n"
"                         workload's own default)\n"
"  -r, --repeat N         measured repetitions per configuration (def. %d)\n"
"      --precision PCT    repeat until each 95%% interval of the median is\n"
"                         within +-PCT%% (at least %d repetitions, or -r)\n"
"      --max-repeat N     under --precision, at most N (default %d)\n"
"      --max-time SEC     under --precision, a budget for all repetitions\n"
"      --warmup N         repetitions run first and not counted (def. %d)\n"
"      --noise-limit F    a repetition is disturbed when other processes\n"
"                         took more than F of one CPU (default %.2f)\n"
"      --retry-disturbed N  run a disturbed repetition again, N times\n"
"      --timeout SEC      time limit per repetition (default: %.0f; 0 =\n"
"                         none)\n"
"      --quick            smoke run: 3 repetitions, no warm-up, short\n"
"\n"
"Where results go:\n"
"  -o, --output FILE      results file (default: results/HOST-TIME.json\n"
"                         and results/latest.json)\n"
"      --save NAME        also store the run in the history under NAME\n"
"      --db PATH          history database (default: $POOLBENCH_DB or\n"
"                         results/history.sqlite)\n"
"      --tasks-from B     take every instance's task count from the\n"
"                         baseline B (a results file, or a run stored as\n"
"                         NAME[@COMMIT] on this machine), so that compare\n"
"                         matches every configuration; an instance B\n"
"                         lacks is calibrated (said on stderr)\n"
"      --corpus-dir DIR   where workloads keep generated data (default:\n"
"                         $XDG_CACHE_HOME/poolbench or ~/.cache/poolbench)\n"
"  -v, --table            print every row after the summary\n"
"      --no-progress      no progress bar (none is drawn off a terminal)\n"
"  -h, --help             this help\n"
"\n"
"Lists are comma-separated: -w factorial,noop -e serial,threads -j 1,2,4.\n"
"Exit status: 0 done, 2 bad usage or input, 3 a run failed (time limit,\n"
"verification, checksum mismatch), 4 --tasks-from NAME: no such stored\n"
"run on this machine (no baseline), 130 interrupted (results kept).\n",
            native, python, RUN_DEFAULT_MIN_TIME_S, RUN_DEFAULT_REPEAT,
            RUN_MIN_PRECISE_REPEAT, RUN_DEFAULT_MAX_REPEAT,
            RUN_DEFAULT_WARMUP, RUN_DEFAULT_NOISE_LIMIT,
            RUN_DEFAULT_TIMEOUT_S);
}

char *run_options_keep(struct run_options *o, const char *text)
{
    char **grown = realloc(o->list_storage,
                           (o->nstorage + 1) * sizeof(*grown));
    if (grown == NULL)
        return NULL;
    o->list_storage = grown;
    char *copy = strdup(text);
    if (copy != NULL)
        o->list_storage[o->nstorage++] = copy;
    return copy;
}

static int split_list(struct run_options *o, const char *what,
                      const char *text, char **items, char *err,
                      size_t err_len)
{
    char *copy = run_options_keep(o, text);
    if (copy == NULL) {
        snprintf(err, err_len, "%s: out of memory", what);
        return -1;
    }
    return args_split(what, copy, items, RUN_MAX_LIST, err, err_len);
}

/* "4", "cpus" or "Kxcpus" into a worker count. */
static int worker_count(const char *text, long cpus, unsigned *out,
                        char *err, size_t err_len)
{
    uint64_t v, k = 1;
    const char *x = strstr(text, "xcpus");
    if (strcmp(text, "cpus") == 0 ||
        (x != NULL && x[5] == '\0' && x > text)) {
        if (x != NULL) {
            char num[32];
            snprintf(num, sizeof(num), "%.*s", (int)(x - text), text);
            if (args_u64("-j/--workers", num, 1, 64, &k, err,
                         err_len) != 0) {
                /* Say which number is limited: K, not the count. */
                snprintf(err, err_len, "-j/--workers '%s': the factor K of "
                         "Kxcpus goes from 1 to 64 (a worker count is at "
                         "most %d; this machine has %ld CPUs)", text,
                         EXEC_MAX_WORKERS, cpus > 0 ? cpus : 1);
                return -1;
            }
        }
        v = k * (uint64_t)(cpus > 0 ? cpus : 1);
        if (v > EXEC_MAX_WORKERS)
            v = EXEC_MAX_WORKERS;
    } else if (args_u64("-j/--workers", text, 1, EXEC_MAX_WORKERS, &v, err,
                        err_len) != 0) {
        snprintf(err, err_len, "-j/--workers '%s': expected a whole number "
                 "from 1 to %d, cpus, or Kxcpus such as 2xcpus", text,
                 EXEC_MAX_WORKERS);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

/* Worker counts; a spec that resolves to a count already listed (2 and
 * cpus on a 2-CPU machine) is measured once, under its first name. */
static int parse_workers(struct run_options *o, const char *text, char *err,
                         size_t err_len)
{
    char *items[RUN_MAX_LIST];
    /* "cpus" is what this process may run on (taskset, cpusets), so that
     * a pinned run stands for a smaller machine. */
    long cpus = noise_affinity_count();
    int n = split_list(o, "-j/--workers", text, items, err, err_len);
    o->nworkers = 0;
    for (int k = 0; k < n; k++) {
        unsigned ws[RUN_MAX_LIST];
        char specs[RUN_MAX_LIST][SWEEP_SPEC_LEN];
        size_t nw;
        int sw = sweep_expand(items[k], cpus, EXEC_MAX_WORKERS, ws, specs,
                              RUN_MAX_LIST, &nw, err, err_len);
        if (sw < 0 ||
            (sw == 0 && worker_count(items[k], cpus, ws, err, err_len)))
            return -1;
        if (sw == 0)
            nw = 1;
        for (size_t j = 0; j < nw; j++) {
            size_t q = 0;
            while (q < o->nworkers && o->workers[q] != ws[j])
                q++;
            if (q < o->nworkers)
                continue;
            if (o->nworkers >= RUN_MAX_LIST) {
                snprintf(err, err_len, "-j/--workers: more than %d worker "
                         "counts", RUN_MAX_LIST);
                return -1;
            }
            const char *spec = sw ? run_options_keep(o, specs[j])
                                  : items[k];
            if (spec == NULL) {
                snprintf(err, err_len, "-j/--workers: out of memory");
                return -1;
            }
            o->workers_spec[o->nworkers] = spec;
            o->workers[o->nworkers++] = ws[j];
        }
    }
    return n > 0 ? 0 : -1;
}

static int parse_executors(struct run_options *o, const char *text,
                           char *err, size_t err_len)
{
    char *items[RUN_MAX_LIST];
    int n = split_list(o, "-e/--executors", text, items, err, err_len);
    for (int k = 0; k < n; k++) {
        o->executors[k] = executor_find(items[k]);
        if (o->executors[k] != NULL)
            continue;
        const char *names[RUN_MAX_LIST];
        char list[256] = "", hint[96];
        size_t e = 0;
        for (; executor_list[e] != NULL && e < RUN_MAX_LIST; e++) {
            names[e] = executor_list[e]->name;
            strcat(list, e ? ", " : "");
            strncat(list, names[e], sizeof(list) - strlen(list) - 3);
        }
        snprintf(err, err_len, "-e/--executors: unknown executor '%s'%s; "
                 "expected one of %s", items[k],
                 suggest_hint(items[k], names, e, hint, sizeof(hint)),
                 list);
        return -1;
    }
    o->nexecutors = n > 0 ? (size_t)n : 0;
    return n > 0 ? 0 : -1;
}

/* A/B: -w NAME of a plugin loaded as NAME@base and NAME@new selects both
 * sides, in load order, in place of item k. Returns 0 (nothing to expand
 * leaves item k as it is), or -1 when the list grows too long. */
static int expand_sides(struct run_options *o, size_t k, char *err,
                        size_t err_len)
{
    const struct workload *sides[2];
    size_t n = registry_sides(o->workloads[k], sides, 2);
    if (n == 0)
        return 0;
    if (o->nworkloads + n - 1 > RUN_MAX_LIST) {
        snprintf(err, err_len, "-w/--workloads: more than %d workloads",
                 RUN_MAX_LIST);
        return -1;
    }
    memmove(&o->workloads[k + n], &o->workloads[k + 1],
            (o->nworkloads - k - 1) * sizeof(o->workloads[0]));
    for (size_t s = 0; s < n; s++)
        o->workloads[k + s] = (char *)sides[s]->name;
    o->nworkloads += n - 1;
    return 0;
}

static int parse_workloads(struct run_options *o, const char *text,
                           char *err, size_t err_len)
{
    int n = split_list(o, "-w/--workloads", text, o->workloads, err,
                       err_len);
    if (n < 0)
        return -1;
    o->nworkloads = (size_t)n;
    for (size_t k = 0; k < o->nworkloads; k++) {
        if (registry_find(o->workloads[k]) != NULL)
            continue;
        if (expand_sides(o, k, err, err_len) != 0)
            return -1;
        if (registry_find(o->workloads[k]) != NULL)
            continue;
        const char *names[RUN_MAX_LIST];
        char list[512] = "", hint[96];
        size_t r = 0;
        for (; r < registry_count() && r < RUN_MAX_LIST; r++) {
            names[r] = registry_at(r)->name;
            strcat(list, r ? ", " : "");
            strncat(list, names[r], sizeof(list) - strlen(list) - 3);
        }
        suggest_hint(o->workloads[k], names, r, hint, sizeof(hint));
        snprintf(err, err_len, "-w/--workloads: unknown workload '%s'%s; "
                 "expected one of %s%s", o->workloads[k], hint, list,
                 hint[0] ? "" : " (a plugin's workload needs --plugin "
                 "PATH.so first)");
        return -1;
    }
    return 0;
}

/* A list of words from choices ("ordered|unordered") into out[] as their
 * indices; duplicates are refused by args_split, so out needs one slot
 * per choice. */
static int parse_choices(struct run_options *o, const char *what,
                         const char *choices, const char *text, int *out,
                         size_t *nout, char *err, size_t err_len)
{
    char *items[RUN_MAX_LIST];
    int n = split_list(o, what, text, items, err, err_len);
    if (n < 0)
        return -1;
    *nout = 0;
    for (int k = 0; k < n; k++) {
        int c = args_choice(choices, items[k]);
        if (c < 0) {
            char list[64];
            snprintf(list, sizeof(list), "%s", choices);
            for (char *bar = strchr(list, '|'); bar != NULL;
                 bar = strchr(bar, '|'))
                *bar = ',';
            snprintf(err, err_len, "%s: '%s'; expected one or more of %s",
                     what, items[k], list);
            return -1;
        }
        out[(*nout)++] = c;
    }
    return 0;
}

/* Whether some selected executor has a variant called name. */
static int any_has_variant(const struct run_options *o, const char *name)
{
    for (size_t e = 0; e < o->nexecutors; e++)
        if (executor_variant_find(o->executors[e], name) >= 0)
            return 1;
    return 0;
}

/* --transport: variant names; each selected executor that has variants
 * must have every one named (procs: shm, pipe). One without variants
 * (serial, threads, ...) takes only "none" or a name another selected
 * executor has: a name no executor knows is a typo, not a no-op. */
static int parse_transports(struct run_options *o, const char *text,
                            char *err, size_t err_len)
{
    int n = split_list(o, "--transport", text, (char **)o->transports, err,
                       err_len);
    if (n < 0)
        return -1;
    o->ntransports = (size_t)n;
    for (size_t e = 0; e < o->nexecutors; e++) {
        const struct executor *ex = o->executors[e];
        for (size_t k = 0; ex->variants == NULL && k < o->ntransports;
             k++) {
            if (strcmp(o->transports[k], "none") == 0 ||
                any_has_variant(o, o->transports[k]))
                continue;
            snprintf(err, err_len, "--transport: '%s'; %s has no "
                     "transports (only 'none'; procs: shm, pipe)",
                     o->transports[k], ex->name);
            return -1;
        }
        if (ex->variants == NULL)
            continue;
        for (size_t k = 0; k < o->ntransports; k++) {
            if (executor_variant_find(ex, o->transports[k]) >= 0)
                continue;
            char list[128] = "";
            for (size_t v = 0; ex->variants[v] != NULL; v++) {
                strcat(list, v ? ", " : "");
                strncat(list, ex->variants[v], sizeof(list) - strlen(list)
                        - 3);
            }
            snprintf(err, err_len, "--transport: '%s'; %s has %s",
                     o->transports[k], ex->name, list);
            return -1;
        }
    }
    return 0;
}

static int parse_chunks(struct run_options *o, const char *text, char *err,
                        size_t err_len)
{
    char *items[RUN_MAX_LIST];
    int n = split_list(o, "--chunk", text, items, err, err_len);
    for (int k = 0; k < n; k++) {
        if (strcmp(items[k], "auto") == 0) {
            o->chunks[k] = 0;
            continue;
        }
        char e[256];
        if (args_u64("--chunk", items[k], 1, RUN_MAX_TASKS, &o->chunks[k], e,
                     sizeof(e)) != 0) {
            snprintf(err, err_len, "--chunk '%s': expected auto or a whole "
                     "number from 1 to %llu", items[k], RUN_MAX_TASKS);
            return -1;
        }
    }
    o->nchunks = n > 0 ? (size_t)n : 0;
    return n > 0 ? 0 : -1;
}

static int parse_param(struct run_options *o, const char *text, char *err,
                       size_t err_len)
{
    const char *eq = strchr(text, '=');
    if (eq == NULL || eq == text) {
        snprintf(err, err_len, "-p '%s': expected KEY=VALUE (or "
                 "WORKLOAD.KEY=VALUE)", text);
        return -1;
    }
    if (o->nparams == RUN_MAX_PARAM_ARGS) {
        snprintf(err, err_len, "-p: more than %d parameters",
                 RUN_MAX_PARAM_ARGS);
        return -1;
    }
    char *copy = strdup(text);
    if (copy == NULL)
        return -1;
    struct run_param_arg *p = &o->params[o->nparams++];
    copy[eq - text] = '\0';
    p->values = copy + (eq - text) + 1;
    char *dot = strchr(copy, '.');
    if (dot != NULL) {
        *dot = '\0';
        p->scope = copy;
        p->key = dot + 1;
    } else {
        p->scope = NULL;
        p->key = copy;
    }
    if (p->values[0] == '\0') {
        snprintf(err, err_len, "-p '%s': empty value", text);
        return -1;
    }
    for (size_t k = 0; k + 1 < o->nparams; k++) {
        const struct run_param_arg *q = &o->params[k];
        int same_scope = (q->scope == NULL && p->scope == NULL) ||
                         (q->scope != NULL && p->scope != NULL &&
                          strcmp(q->scope, p->scope) == 0);
        if (same_scope && strcmp(q->key, p->key) == 0) {
            snprintf(err, err_len, "-p %s: given twice; give several "
                     "values as -p %s=A,B", text, p->key);
            return -1;
        }
    }
    return 0;
}

void run_options_free(struct run_options *o)
{
    for (size_t k = 0; k < o->nstorage; k++)
        free(o->list_storage[k]);
    free(o->list_storage);
    for (size_t k = 0; k < o->nparams; k++)
        free((char *)(o->params[k].scope != NULL ? o->params[k].scope
                                                 : o->params[k].key));
    memset(o, 0, sizeof(*o));
}

enum {
    O_WARMUP = 256, O_MODE, O_CHUNK, O_TRANSPORT, O_PLUGIN, O_CORPUS,
    O_TIMEOUT, O_QUICK, O_NOPROGRESS, O_MINTIME, O_PRECISION, O_MAXREPEAT,
    O_MAXTIME, O_NOISE, O_RETRY, O_SAVE, O_DB, O_TRUST, O_TASKS_FROM,
    O_PYTHON,
};

static const struct option longopts[] = {
    { "workloads", required_argument, NULL, 'w' },
    { "executors", required_argument, NULL, 'e' },
    { "workers", required_argument, NULL, 'j' },
    { "tasks", required_argument, NULL, 'n' },
    { "repeat", required_argument, NULL, 'r' },
    { "warmup", required_argument, NULL, O_WARMUP },
    { "mode", required_argument, NULL, O_MODE },
    { "chunk", required_argument, NULL, O_CHUNK },
    { "transport", required_argument, NULL, O_TRANSPORT },
    { "param", required_argument, NULL, 'p' },
    { "plugin", required_argument, NULL, O_PLUGIN },
    { "trust-plugins", no_argument, NULL, O_TRUST },
    { "corpus-dir", required_argument, NULL, O_CORPUS },
    { "python", required_argument, NULL, O_PYTHON },
    { "output", required_argument, NULL, 'o' },
    { "timeout", required_argument, NULL, O_TIMEOUT },
    { "min-time", required_argument, NULL, O_MINTIME },
    { "precision", required_argument, NULL, O_PRECISION },
    { "max-repeat", required_argument, NULL, O_MAXREPEAT },
    { "max-time", required_argument, NULL, O_MAXTIME },
    { "noise-limit", required_argument, NULL, O_NOISE },
    { "retry-disturbed", required_argument, NULL, O_RETRY },
    { "save", required_argument, NULL, O_SAVE },
    { "db", required_argument, NULL, O_DB },
    { "tasks-from", required_argument, NULL, O_TASKS_FROM },
    { "quick", no_argument, NULL, O_QUICK },
    { "no-progress", no_argument, NULL, O_NOPROGRESS },
    { "table", no_argument, NULL, 'v' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { 0 },
};

/* "unknown option '--presicion' (did you mean '--precision'?)". */
static void unknown_option(const char *arg, char *err, size_t err_len)
{
    char hint[96];
    snprintf(err, err_len, "unknown option '%s'%s; see `poolbench run "
             "--help`", arg, suggest_option(arg, longopts, hint,
                                            sizeof(hint)));
}

/* The text-valued options, kept for the list parsers after getopt. */
struct texts {
    const char *wl, *ex, *j, *mode, *chunk, *transport;
    int have_repeat, have_warmup, have_min_time, have_max_repeat;
};

/* A text option that may not be empty: optarg into *dst, or -1 with
 * "OPT: empty; expected WHAT". */
static int nonempty(const char *opt, const char *what, const char **dst,
                    char *err, size_t err_len)
{
    if (optarg[0] == '\0') {
        snprintf(err, err_len, "%s: empty; expected %s", opt, what);
        return -1;
    }
    *dst = optarg;
    return 0;
}

/* One option of getopt's; -1 with err set on a bad value, 1 for help. */
static int take(int c, char **argv, struct run_options *o, struct texts *t,
                char *err, size_t err_len)
{
    switch (c) {
    case 'w': t->wl = optarg; return 0;
    case 'e': t->ex = optarg; return 0;
    case 'j': t->j = optarg; return 0;
    case O_MODE: t->mode = optarg; return 0;
    case O_CHUNK: t->chunk = optarg; return 0;
    case O_TRANSPORT: t->transport = optarg; return 0;
    case 'n':
        return args_u64("-n/--tasks", optarg, 1, RUN_MAX_TASKS, &o->tasks,
                        err, err_len);
    case 'r':
        t->have_repeat = 1;
        return args_u64("-r/--repeat", optarg, 1, 100000, &o->repeat, err,
                        err_len);
    case O_WARMUP:
        t->have_warmup = 1;
        return args_u64("--warmup", optarg, 0, 100000, &o->warmup, err,
                        err_len);
    case O_MINTIME:
        t->have_min_time = 1;
        return args_double("--min-time", optarg, 0, 3600, &o->min_time_s,
                           err, err_len);
    case O_PRECISION:
        return args_double("--precision", optarg, 0.01, 100,
                           &o->precision_pct, err, err_len);
    case O_MAXREPEAT:
        t->have_max_repeat = 1;
        return args_u64("--max-repeat", optarg, 1, 100000, &o->max_repeat,
                        err, err_len);
    case O_MAXTIME:
        if (args_double("--max-time", optarg, 0, 1e7, &o->max_time_s,
                        err, err_len) != 0)
            return -1;
        /* 0 used to mean "no budget" without saying so: refuse it. */
        if (!(o->max_time_s > 0)) {
            snprintf(err, err_len, "--max-time '%s': must be > 0 (seconds "
                     "for all repetitions, e.g. 60)", optarg);
            return -1;
        }
        return 0;
    case O_NOISE:
        return args_double("--noise-limit", optarg, 0, 1024,
                           &o->noise_limit, err, err_len);
    case O_RETRY:
        return args_u64("--retry-disturbed", optarg, 0, 100,
                        &o->retry_disturbed, err, err_len);
    case 'p':
        return parse_param(o, optarg, err, err_len);
    case O_TRUST:
        registry_trust_plugins(1);
        return 0;
    case O_PLUGIN:
        return registry_load_plugin(optarg, err, err_len);
    case O_PYTHON:
        return python_set_interpreter(optarg, err, err_len);
    case O_CORPUS:
        return nonempty("--corpus-dir", "a folder", &o->corpus_dir, err,
                        err_len);
    case O_SAVE:
        return nonempty("--save", "a branch or label such as main",
                        &o->save_name, err, err_len);
    case O_DB: o->db_path = optarg; return 0;
    case O_TASKS_FROM:
        return nonempty("--tasks-from", "a results file or a stored run "
                        "NAME[@COMMIT]", &o->tasks_from, err, err_len);
    case 'o': o->output = optarg; return 0;
    case O_TIMEOUT:
        return args_double("--timeout", optarg, 0, 1e7, &o->timeout_s, err,
                           err_len);
    case O_QUICK: o->quick = 1; return 0;
    case O_NOPROGRESS: o->progress = 0; return 0;
    case 'v': o->verbose = 1; return 0;
    case 'h':
        usage(stdout);
        return 1;
    case ':':
        snprintf(err, err_len, "option '%s' needs a value; see "
                 "`poolbench run --help`", argv[optind - 1]);
        return -1;
    default:
        unknown_option(argv[optind - 1], err, err_len);
        return -1;
    }
}

/* Defaults that depend on what was given, and checks across options. */
static int settle(struct run_options *o, const struct texts *t, char *err,
                  size_t err_len)
{
    if (!t->have_min_time)
        o->min_time_s = o->quick ? RUN_QUICK_MIN_TIME_S
                                 : RUN_DEFAULT_MIN_TIME_S;
    if (o->precision_pct > 0) {
        if (t->have_repeat && o->repeat < RUN_MIN_PRECISE_REPEAT) {
            snprintf(err, err_len, "-r %llu with --precision: use -r %d "
                     "or more (or leave -r out): --precision needs at "
                     "least %d repetitions, as fewer give no real 95%% "
                     "interval of the median", (unsigned long long)o->repeat,
                     RUN_MIN_PRECISE_REPEAT, RUN_MIN_PRECISE_REPEAT);
            return -1;
        }
        if (!t->have_repeat)
            o->repeat = RUN_MIN_PRECISE_REPEAT;
        if (!t->have_max_repeat)
            o->max_repeat = RUN_DEFAULT_MAX_REPEAT;
        if (o->max_repeat < o->repeat) {
            snprintf(err, err_len, "--max-repeat %llu is below the %llu "
                     "repetitions --precision starts with",
                     (unsigned long long)o->max_repeat,
                     (unsigned long long)o->repeat);
            return -1;
        }
    } else if (t->have_max_repeat || o->max_time_s > 0) {
        snprintf(err, err_len, "%s goes with --precision PCT; without it "
                 "-r gives a fixed count", t->have_max_repeat
                 ? "--max-repeat" : "--max-time");
        return -1;
    } else {
        o->repeat = t->have_repeat ? o->repeat
                                   : (o->quick ? 3 : RUN_DEFAULT_REPEAT);
        o->max_repeat = o->repeat;
    }
    o->warmup = t->have_warmup ? o->warmup
                               : (o->quick ? 0 : RUN_DEFAULT_WARMUP);
    if (o->db_path != NULL && o->save_name == NULL &&
        o->tasks_from == NULL) {
        snprintf(err, err_len, "--db goes with --save NAME or --tasks-from "
                 "NAME (the run is stored only when it has a name)");
        return -1;
    }
    if (o->tasks_from != NULL && o->tasks > 0) {
        snprintf(err, err_len, "--tasks-from takes every task count from "
                 "the baseline; drop -n");
        return -1;
    }
    return 0;
}

/* A py-* executor without its interpreter is refused before anything
 * runs, not found out row by row after the native ones were measured. */
static int check_python(const struct run_options *o, char *err,
                        size_t err_len)
{
    for (size_t e = 0; e < o->nexecutors; e++) {
        char why[400];
        if (!(o->executors[e]->flags & EXEC_PYTHON))
            continue;
        if (python_check_interpreter(why, sizeof(why)) == 0)
            return 0;
        snprintf(err, err_len, "-e %s: %s", o->executors[e]->name, why);
        return -1;
    }
    return 0;
}

/* Workloads, executors, workers and the other lists. */
static int lists(struct run_options *o, const struct texts *t, char *err,
                 size_t err_len)
{
    if (t->wl != NULL) {
        if (parse_workloads(o, t->wl, err, err_len) != 0)
            return -1;
    } else {
        for (size_t r = 0; r < registry_count() && r < RUN_MAX_LIST; r++)
            if (registry_by_default(registry_at(r)))
                o->workloads[o->nworkloads++] =
                    (char *)registry_at(r)->name;
    }
    if (t->ex != NULL) {
        if (parse_executors(o, t->ex, err, err_len) != 0 ||
            check_python(o, err, err_len) != 0)
            return -1;
    } else {
        /* The native ones: the Python peers are asked for by name. */
        for (size_t e = 0; executor_list[e] != NULL; e++)
            if (!(executor_list[e]->flags & EXEC_PYTHON))
                o->executors[o->nexecutors++] = executor_list[e];
    }
    if (parse_workers(o, t->j != NULL ? t->j : "1,cpus", err, err_len) != 0)
        return -1;
    if (parse_choices(o, "--mode", "ordered|unordered", t->mode, o->modes,
                      &o->nmodes, err, err_len) != 0 ||
        parse_chunks(o, t->chunk, err, err_len) != 0 ||
        (t->transport != NULL &&
         parse_transports(o, t->transport, err, err_len) != 0))
        return -1;
    return 0;
}

int run_options_parse(int argc, char **argv, struct run_options *o,
                      char *err, size_t err_len)
{
    /* Without --transport, each executor runs its default variant. */
    struct texts t = { .mode = "unordered", .chunk = "auto" };
    o->timeout_s = RUN_DEFAULT_TIMEOUT_S;
    o->noise_limit = RUN_DEFAULT_NOISE_LIMIT;
    o->progress = 1;
    optind = 1;
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":w:e:j:n:r:p:o:vh", longopts,
                            NULL);
        if (c == -1)
            break;
        int rc = take(c, argv, o, &t, err, err_len);
        if (rc != 0)
            return rc;
    }
    if (optind < argc) {
        snprintf(err, err_len, "unexpected argument '%s'; see "
                 "`poolbench run --help`", argv[optind]);
        return -1;
    }
    if (registry_load_env(err, err_len) != 0 ||
        settle(o, &t, err, err_len) != 0 || lists(o, &t, err, err_len) != 0)
        return -1;
    return 0;
}

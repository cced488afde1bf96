/* driver.c - `poolbench run`: plan the sweep, measure it in interleaved
 * rounds, fold every result into a checksum, write one results file.
 *
 * Every configuration is prepared once (its workload instance is shared by
 * all executors), then repetitions run round-robin: round r runs one
 * repetition of every configuration before round r + 1 starts, so that a
 * machine that drifts (thermal, a noisy neighbour) spreads the drift over
 * all configurations instead of punishing the last one.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "args.h"
#include "driver.h"
#include "executor.h"
#include "machine.h"
#include "progress.h"
#include "registry.h"
#include "results.h"
#include "stats.h"
#include "suite.h"

#define MAX_LIST 64          /* items in one -w/-e/-j/--mode/--chunk list */
#define MAX_PARAM_ARGS 64    /* -p options */
#define MAX_SETS 256         /* parameter sets per workload */
#define MAX_TASKS (1ULL << 32)
#define TIMELINE_CAP 512     /* points kept per timeline */
#define DEFAULT_REPEAT 5
#define DEFAULT_WARMUP 1
#define DEFAULT_TIMEOUT_S 600.0

/* Set by SIGINT/SIGTERM; executors stop starting chunks when they see it. */
static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_flag = 1;
    stop_signal = sig;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- options ---------------------------------------------------------- */

struct param_arg {
    const char *scope;   /* workload name, or NULL for every workload */
    const char *key;
    char *values;        /* comma list, owned */
    int used;
};

struct options {
    char *workloads[MAX_LIST];
    size_t nworkloads;
    const struct executor *executors[MAX_LIST];
    size_t nexecutors;
    unsigned workers[MAX_LIST];
    size_t nworkers;
    int modes[2];                /* enum exec_mode */
    size_t nmodes;
    uint64_t chunks[MAX_LIST];   /* 0 = auto */
    size_t nchunks;
    int transports[2];           /* enum exec_transport */
    size_t ntransports;
    struct param_arg params[MAX_PARAM_ARGS];
    size_t nparams;
    uint64_t tasks;              /* 0 = workload default */
    uint64_t repeat;
    uint64_t warmup;
    double timeout_s;
    int quick;
    int progress;
    const char *output;
    const char *corpus_dir;
    char **list_storage;         /* strdup'd lists the items point into */
    size_t nstorage;
};

static void usage(FILE *f)
{
    fprintf(f,
"usage: poolbench run [options]\n"
"\n"
"Run workloads under executors and write every timing as JSON.\n"
"\n"
"  -w, --workloads LIST   workloads to run (default: every built-in one;\n"
"                         see `poolbench list`)\n"
"  -e, --executors LIST   serial,threads,procs,futures (default: all)\n"
"  -j, --workers LIST     worker counts (default: 1 and the online CPUs);\n"
"                         serial always runs once, with 1\n"
"  -n, --tasks N          tasks per run, 1..2^32 (default: per workload)\n"
"  -r, --repeat N         measured repetitions per configuration (def. %d)\n"
"      --warmup N         repetitions run first and not counted (def. %d)\n"
"      --mode LIST        ordered,unordered delivery (default: unordered)\n"
"      --chunk LIST       tasks per claim: N or auto = ceil(tasks / (4 x\n"
"                         workers)) (default: auto)\n"
"      --transport LIST   procs only: shm,pipe (default: shm)\n"
"  -p, --param K=V[,V..]  workload parameter, or a sweep of values; K may\n"
"                         be WORKLOAD.K to set it for one workload only\n"
"      --plugin SO        load workloads from a shared object (repeatable;\n"
"                         also POOLBENCH_PLUGIN_PATH); this runs its code\n"
"      --trust-plugins    load plugins even if others could change them\n"
"      --corpus-dir DIR   where workloads keep generated data (default:\n"
"                         $XDG_CACHE_HOME/poolbench or ~/.cache/poolbench)\n"
"  -o, --output FILE      results file (default: results/HOST-TIME.json\n"
"                         and results/latest.json)\n"
"      --timeout SEC      time limit per repetition (default: %.0f; 0 = none)\n"
"      --quick            smoke run: 3 repetitions, no warm-up, a tenth of\n"
"                         the default tasks\n"
"      --no-progress      no progress bar (none is drawn off a terminal)\n"
"      --suite NAME       a preset of the options above, given first: seed\n"
"                         (the seed experiment, then its table) or default\n"
"                         (what make bench runs)\n"
"  -h, --help             this help\n"
"\n"
"Lists are comma-separated: -w factorial,noop -e serial,threads -j 1,2,4.\n"
"Exit status: 0 done, 2 bad usage or input, 3 a run failed (time limit,\n"
"verification, checksum mismatch), 130 interrupted (results kept).\n",
            DEFAULT_REPEAT, DEFAULT_WARMUP, DEFAULT_TIMEOUT_S);
}

/* Keep a strdup of text alive for the whole run; NULL on failure. */
static char *keep(struct options *o, const char *text)
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

static int split_list(struct options *o, const char *what, const char *text,
                      char **items, char *err, size_t err_len)
{
    char *copy = keep(o, text);
    if (copy == NULL) {
        snprintf(err, err_len, "%s: out of memory", what);
        return -1;
    }
    return args_split(what, copy, items, MAX_LIST, err, err_len);
}

static int parse_workers(struct options *o, const char *text, char *err,
                         size_t err_len)
{
    char *items[MAX_LIST];
    int n = split_list(o, "-j/--workers", text, items, err, err_len);
    for (int k = 0; k < n; k++) {
        uint64_t v;
        if (args_u64("-j/--workers", items[k], 1, EXEC_MAX_WORKERS, &v,
                     err, err_len) != 0)
            return -1;
        o->workers[k] = (unsigned)v;
    }
    o->nworkers = n > 0 ? (size_t)n : 0;
    return n > 0 ? 0 : -1;
}

static int parse_executors(struct options *o, const char *text, char *err,
                           size_t err_len)
{
    char *items[MAX_LIST];
    int n = split_list(o, "-e/--executors", text, items, err, err_len);
    for (int k = 0; k < n; k++) {
        o->executors[k] = executor_find(items[k]);
        if (o->executors[k] == NULL) {
            char names[256] = "";
            for (size_t e = 0; executor_list[e] != NULL; e++) {
                strcat(names, e ? ", " : "");
                strcat(names, executor_list[e]->name);
            }
            snprintf(err, err_len, "-e/--executors: unknown executor '%s'; "
                     "expected one of %s", items[k], names);
            return -1;
        }
    }
    o->nexecutors = n > 0 ? (size_t)n : 0;
    return n > 0 ? 0 : -1;
}

/* A list of words from choices ("ordered|unordered") into out[] as their
 * indices; duplicates are refused by args_split, so out needs one slot per
 * choice. */
static int parse_choices(struct options *o, const char *what,
                         const char *choices, const char *text, int *out,
                         size_t *nout, char *err, size_t err_len)
{
    char *items[MAX_LIST];
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

static int parse_chunks(struct options *o, const char *text, char *err,
                        size_t err_len)
{
    char *items[MAX_LIST];
    int n = split_list(o, "--chunk", text, items, err, err_len);
    for (int k = 0; k < n; k++) {
        if (strcmp(items[k], "auto") == 0) {
            o->chunks[k] = 0;
            continue;
        }
        char e[256];
        if (args_u64("--chunk", items[k], 1, MAX_TASKS, &o->chunks[k], e,
                     sizeof(e)) != 0) {
            snprintf(err, err_len, "--chunk '%s': expected auto or a whole "
                     "number from 1 to %llu", items[k], MAX_TASKS);
            return -1;
        }
    }
    o->nchunks = n > 0 ? (size_t)n : 0;
    return n > 0 ? 0 : -1;
}

static int parse_param(struct options *o, const char *text, char *err,
                       size_t err_len)
{
    const char *eq = strchr(text, '=');
    if (eq == NULL || eq == text) {
        snprintf(err, err_len, "-p '%s': expected KEY=VALUE (or "
                 "WORKLOAD.KEY=VALUE)", text);
        return -1;
    }
    if (o->nparams == MAX_PARAM_ARGS) {
        snprintf(err, err_len, "-p: more than %d parameters",
                 MAX_PARAM_ARGS);
        return -1;
    }
    char *copy = strdup(text);
    if (copy == NULL)
        return -1;
    struct param_arg *p = &o->params[o->nparams++];
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
        const struct param_arg *q = &o->params[k];
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

static void options_free(struct options *o)
{
    for (size_t k = 0; k < o->nstorage; k++)
        free(o->list_storage[k]);
    free(o->list_storage);
    for (size_t k = 0; k < o->nparams; k++)
        free((char *)(o->params[k].scope != NULL ? o->params[k].scope
                                                 : o->params[k].key));
}

/* Parse argv into o. Returns 0, 1 when --help was printed, -1 on error. */
static int parse_options(int argc, char **argv, struct options *o,
                         char *err, size_t err_len)
{
    enum { O_WARMUP = 256, O_MODE, O_CHUNK, O_TRANSPORT, O_PLUGIN,
           O_CORPUS, O_TIMEOUT, O_QUICK, O_NOPROGRESS };
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
        { "corpus-dir", required_argument, NULL, O_CORPUS },
        { "output", required_argument, NULL, 'o' },
        { "timeout", required_argument, NULL, O_TIMEOUT },
        { "quick", no_argument, NULL, O_QUICK },
        { "no-progress", no_argument, NULL, O_NOPROGRESS },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    const char *wl_text = NULL, *ex_text = NULL, *j_text = NULL;
    const char *mode_text = "unordered", *chunk_text = "auto";
    const char *transport_text = "shm";
    int have_repeat = 0, have_warmup = 0;

    o->timeout_s = DEFAULT_TIMEOUT_S;
    o->progress = 1;
    optind = 1;
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":w:e:j:n:r:p:o:h", longopts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case 'w': wl_text = optarg; break;
        case 'e': ex_text = optarg; break;
        case 'j': j_text = optarg; break;
        case 'n':
            if (args_u64("-n/--tasks", optarg, 1, MAX_TASKS, &o->tasks, err,
                         err_len) != 0)
                return -1;
            break;
        case 'r':
            if (args_u64("-r/--repeat", optarg, 1, 100000, &o->repeat, err,
                         err_len) != 0)
                return -1;
            have_repeat = 1;
            break;
        case O_WARMUP:
            if (args_u64("--warmup", optarg, 0, 100000, &o->warmup, err,
                         err_len) != 0)
                return -1;
            have_warmup = 1;
            break;
        case O_MODE: mode_text = optarg; break;
        case O_CHUNK: chunk_text = optarg; break;
        case O_TRANSPORT: transport_text = optarg; break;
        case 'p':
            if (parse_param(o, optarg, err, err_len) != 0)
                return -1;
            break;
        case O_PLUGIN:
            if (registry_load_plugin(optarg, err, err_len) != 0)
                return -1;
            break;
        case O_CORPUS:
            if (optarg[0] == '\0') {
                snprintf(err, err_len, "--corpus-dir: empty path");
                return -1;
            }
            o->corpus_dir = optarg;
            break;
        case 'o':
            o->output = optarg;
            break;
        case O_TIMEOUT:
            if (args_double("--timeout", optarg, 0, 1e7, &o->timeout_s, err,
                            err_len) != 0)
                return -1;
            break;
        case O_QUICK: o->quick = 1; break;
        case O_NOPROGRESS: o->progress = 0; break;
        case 'h':
            usage(stdout);
            return 1;
        case ':':
            snprintf(err, err_len, "option '%s' needs a value; see "
                     "`poolbench run --help`", argv[optind - 1]);
            return -1;
        default:
            snprintf(err, err_len, "unknown option '%s'; see "
                     "`poolbench run --help`", argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        snprintf(err, err_len, "unexpected argument '%s'; see "
                 "`poolbench run --help`", argv[optind]);
        return -1;
    }
    if (registry_load_env(err, err_len) != 0)
        return -1;

    o->repeat = have_repeat ? o->repeat : (o->quick ? 3 : DEFAULT_REPEAT);
    o->warmup = have_warmup ? o->warmup : (o->quick ? 0 : DEFAULT_WARMUP);

    if (wl_text != NULL) {
        int n = split_list(o, "-w/--workloads", wl_text, o->workloads, err,
                           err_len);
        if (n < 0)
            return -1;
        o->nworkloads = (size_t)n;
        for (size_t k = 0; k < o->nworkloads; k++)
            if (registry_find(o->workloads[k]) == NULL) {
                char names[512] = "";
                for (size_t r = 0; r < registry_count(); r++) {
                    strcat(names, r ? ", " : "");
                    strncat(names, registry_at(r)->name,
                            sizeof(names) - strlen(names) - 3);
                }
                snprintf(err, err_len, "-w/--workloads: unknown workload "
                         "'%s'; expected one of %s", o->workloads[k],
                         names);
                return -1;
            }
    } else {
        for (size_t r = 0; r < registry_count() && r < MAX_LIST; r++)
            o->workloads[o->nworkloads++] = (char *)registry_at(r)->name;
    }
    if (ex_text != NULL) {
        if (parse_executors(o, ex_text, err, err_len) != 0)
            return -1;
    } else {
        for (size_t e = 0; executor_list[e] != NULL; e++)
            o->executors[o->nexecutors++] = executor_list[e];
    }
    if (j_text != NULL) {
        if (parse_workers(o, j_text, err, err_len) != 0)
            return -1;
    } else {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        o->workers[o->nworkers++] = 1;
        if (cpus > 1)
            o->workers[o->nworkers++] =
                (unsigned)(cpus < EXEC_MAX_WORKERS ? cpus : EXEC_MAX_WORKERS);
    }
    if (parse_choices(o, "--mode", "ordered|unordered", mode_text, o->modes,
                      &o->nmodes, err, err_len) != 0 ||
        parse_chunks(o, chunk_text, err, err_len) != 0 ||
        parse_choices(o, "--transport", "shm|pipe", transport_text,
                      o->transports, &o->ntransports, err, err_len) != 0)
        return -1;
    return 0;
}

/* ---- plan ------------------------------------------------------------- */

/* One workload with one parameter set, prepared once. */
struct instance {
    const struct workload *wl;
    union wl_value args[REGISTRY_MAX_PARAMS];
    const char *texts[REGISTRY_MAX_PARAMS]; /* value as given, or NULL */
    char label[256];     /* "factorial n=300,skew=1" */
    void *state;
    uint64_t ntasks;
    int prepared;
    char failure[512];   /* prepare failed: why */
};

/* A completion timeline: (t, done) points, halved when full so that a run
 * of any length costs the same small memory. */
struct timeline {
    struct results_point pts[TIMELINE_CAP];
    size_t n;
    uint64_t stride;     /* record every stride-th delivery */
    uint64_t since;      /* deliveries since the last point */
};

/* Per-repetition accumulator that the deliver callback folds into. */
struct fold {
    double t0;
    double first_result_s;
    uint64_t checksum;
    uint64_t delivered;
    uint64_t by_status[5];
    uint64_t bytes;
    uint64_t wait_ns;
    int64_t first_error_task;
    int32_t first_error_status;
    int32_t first_error_code;
    struct timeline *tl;
};

enum {
    S_WALL, S_STARTUP, S_FIRST, S_USER, S_SYS, S_VCSW, S_IVCSW, S_RSS,
    S_BYTES, S_MBPS, S_WAIT, S_COUNT
};

static const char *const series_names[S_COUNT] = {
    "wall_s", "startup_s", "first_result_s", "user_s", "sys_s",
    "voluntary_ctxsw", "involuntary_ctxsw", "peak_rss_bytes",
    "bytes", "mb_per_s", "lock_wait_s",
};

/* One configuration: instance x executor x workers x mode x chunk x
 * transport, and what was measured of it. */
struct config {
    struct instance *inst;
    const struct executor *ex;
    struct exec_config cfg;
    uint64_t chunk_asked;     /* 0 = auto */
    double *samples[S_COUNT]; /* repeat entries each */
    size_t nsamples;
    uint64_t checksum;
    int have_checksum;
    uint64_t errors;
    uint64_t by_status[5];
    uint64_t worker_deaths;
    int64_t first_error_task;
    int32_t first_error_status, first_error_code;
    struct timeline tl;       /* of the last measured repetition */
    char failure[512];
    int done;                 /* no more repetitions (failed) */
    int broken;
    const struct fold *live;  /* the repetition running, for the watchdog */
};

/* Add repetition f's task counts to c. Tasks never delivered (a task stuck
 * in a thread the executor could not stop, or one the watchdog gave up on)
 * count as errors of kind missing, so errors_by_kind always adds up to
 * errors whatever the executor. */
static void fold_counts(struct config *c, const struct fold *f,
                        int32_t missing)
{
    uint64_t undelivered = c->inst->ntasks > f->delivered
                               ? c->inst->ntasks - f->delivered : 0;
    for (int s = 0; s < 5; s++)
        c->by_status[s] += f->by_status[s];
    c->by_status[missing] += undelivered;
    c->errors += f->delivered - f->by_status[TASK_OK] + undelivered;
    if (c->first_error_task < 0 && f->first_error_task >= 0) {
        c->first_error_task = f->first_error_task;
        c->first_error_status = f->first_error_status;
        c->first_error_code = f->first_error_code;
    }
}

static void deliver(void *ctx, uint64_t first, uint64_t count,
                    const struct task_result *results)
{
    struct fold *f = ctx;
    double t = mono_s() - f->t0;
    if (f->delivered == 0)
        f->first_result_s = t;
    for (uint64_t k = 0; k < count; k++) {
        const struct task_result *r = &results[k];
        uint32_t s = (uint32_t)r->status;
        f->by_status[s < 5 ? s : TASK_ERROR]++;
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
    struct timeline *tl = f->tl;
    if (++tl->since < tl->stride)
        return;
    tl->since = 0;
    if (tl->n == TIMELINE_CAP) {
        for (size_t k = 0; k < TIMELINE_CAP / 2; k++)
            tl->pts[k] = tl->pts[2 * k + 1];
        tl->n = TIMELINE_CAP / 2;
        tl->stride *= 2;
    }
    tl->pts[tl->n].t_s = t;
    tl->pts[tl->n].done = f->delivered;
    tl->n++;
}

static double tv_s(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

static const char *status_word(int32_t status)
{
    switch (status) {
    case TASK_OK: return "ok";
    case TASK_ERROR: return "error";
    case TASK_SIGNALED: return "signaled";
    case TASK_TIMEOUT: return "timeout";
    case TASK_CANCELLED: return "cancelled";
    }
    return "unknown";
}

/* Run one repetition of c; measured says whether it counts. Returns 0,
 * or -1 when the configuration failed (c->failure says why). */
static int run_rep(struct config *c, int measured)
{
    const struct workload *wl = c->inst->wl;
    char err[256] = "";
    struct timeline tl = { .n = 0, .stride = 1, .since = 0 };
    struct fold f = { .first_error_task = -1, .tl = &tl };
    struct exec_job job = {
        .wl = wl, .state = c->inst->state, .ntasks = c->inst->ntasks,
        .deliver = deliver, .deliver_ctx = &f, .stop = &stop_flag,
    };
    struct exec_report rep;
    struct exec_pool *pool = NULL;
    struct rusage self0, kids0, self1, kids1;

    memset(&rep, 0, sizeof(rep));
    if (wl->before_rep != NULL &&
        wl->before_rep(c->inst->state, err, sizeof(err)) != 0) {
        snprintf(c->failure, sizeof(c->failure), "%s: %s", wl->name, err);
        return -1;
    }
    getrusage(RUSAGE_SELF, &self0);
    getrusage(RUSAGE_CHILDREN, &kids0);
    double t0 = mono_s();
    if (c->ex->create(&c->cfg, &job, &pool, err, sizeof(err)) != 0) {
        snprintf(c->failure, sizeof(c->failure), "%s: %s", c->ex->name,
                 err);
        return -1;
    }
    double t1 = mono_s();
    f.t0 = t1;
    c->live = &f;
    int rc = c->ex->run(pool, &rep);
    c->live = NULL;
    double t2 = mono_s();
    if (!rep.broken)
        c->ex->destroy(pool);
    double t3 = mono_s();
    getrusage(RUSAGE_SELF, &self1);
    getrusage(RUSAGE_CHILDREN, &kids1);

    c->worker_deaths += rep.worker_deaths;
    if (rc != 0 || f.delivered != c->inst->ntasks) {
        if (rep.interrupted)
            snprintf(c->failure, sizeof(c->failure), "interrupted");
        else if (rep.timed_out)
            snprintf(c->failure, sizeof(c->failure), "time limit of %gs "
                     "reached: %s", c->cfg.timeout_s, rep.err);
        else
            snprintf(c->failure, sizeof(c->failure), "%s: %s",
                     c->ex->name, rep.err[0] ? rep.err :
                     "not every task was delivered");
        c->broken = rep.broken;
    }
    if (rc == 0 && f.delivered == c->inst->ntasks &&
        wl->after_rep != NULL &&
        wl->after_rep(c->inst->state, c->inst->ntasks, err,
                      sizeof(err)) != 0)
        snprintf(c->failure, sizeof(c->failure), "%s: verification "
                 "failed: %s", wl->name, err);
    if (c->failure[0] == '\0' && f.by_status[TASK_OK] ==
        c->inst->ntasks) {
        if (c->have_checksum && c->checksum != f.checksum)
            snprintf(c->failure, sizeof(c->failure), "checksum changed "
                     "between repetitions: %016" PRIx64 " then %016" PRIx64,
                     c->checksum, f.checksum);
        c->checksum = f.checksum;
        c->have_checksum = 1;
    } else if (!c->have_checksum) {
        c->checksum = f.checksum; /* partial: errors say so */
    }
    if (!measured && c->failure[0] == '\0')
        return 0;

    /* A failed repetition is still recorded: what it measured is data. */
    size_t k = c->nsamples++;
    double wall = t2 - t1;
    c->samples[S_WALL][k] = wall;
    c->samples[S_STARTUP][k] = (t1 - t0) + (t3 - t2);
    c->samples[S_FIRST][k] = f.delivered > 0 ? f.first_result_s : wall;
    c->samples[S_USER][k] = tv_s(self1.ru_utime) - tv_s(self0.ru_utime) +
                            tv_s(kids1.ru_utime) - tv_s(kids0.ru_utime);
    c->samples[S_SYS][k] = tv_s(self1.ru_stime) - tv_s(self0.ru_stime) +
                           tv_s(kids1.ru_stime) - tv_s(kids0.ru_stime);
    c->samples[S_VCSW][k] = (double)(self1.ru_nvcsw - self0.ru_nvcsw +
                                     kids1.ru_nvcsw - kids0.ru_nvcsw);
    c->samples[S_IVCSW][k] = (double)(self1.ru_nivcsw - self0.ru_nivcsw +
                                      kids1.ru_nivcsw - kids0.ru_nivcsw);
    long rss_kb = self1.ru_maxrss > kids1.ru_maxrss ? self1.ru_maxrss
                                                    : kids1.ru_maxrss;
    c->samples[S_RSS][k] = (double)rss_kb * 1024.0;
    c->samples[S_BYTES][k] = (double)f.bytes;
    c->samples[S_MBPS][k] = wall > 0 ? (double)f.bytes / wall / 1e6 : 0;
    c->samples[S_WAIT][k] = (double)f.wait_ns * 1e-9;

    fold_counts(c, &f, rep.timed_out ? TASK_TIMEOUT
                       : rep.interrupted ? TASK_CANCELLED : TASK_ERROR);
    /* Close the timeline with its last point. */
    if (tl.n == 0 || tl.pts[tl.n - 1].done != f.delivered) {
        if (tl.n == TIMELINE_CAP)
            tl.n--;
        tl.pts[tl.n].t_s = wall;
        tl.pts[tl.n].done = f.delivered;
        tl.n++;
    }
    c->tl = tl;
    return c->failure[0] != '\0' ? -1 : 0;
}

/* ---- parameter sets --------------------------------------------------- */

/* The -p values that apply to parameter key of workload wl, or NULL. */
static struct param_arg *param_for(struct options *o,
                                   const struct workload *wl,
                                   const char *key)
{
    struct param_arg *unscoped = NULL;
    for (size_t k = 0; k < o->nparams; k++) {
        struct param_arg *p = &o->params[k];
        if (strcmp(p->key, key) != 0)
            continue;
        if (p->scope != NULL && strcmp(p->scope, wl->name) == 0)
            return p;
        if (p->scope == NULL)
            unscoped = p;
    }
    return unscoped;
}

/* The scoped -p WL.KEY that took the place of unscoped p for a selected
 * workload that has p's key, or NULL: then p was unused because it was
 * overridden, not because no workload takes it. */
static const struct param_arg *param_shadowing(const struct options *o,
                                               const struct param_arg *p)
{
    for (size_t w = 0; w < o->nworkloads; w++) {
        const struct workload *wl = registry_find(o->workloads[w]);
        for (size_t q = 0; wl != NULL && q < registry_param_count(wl); q++) {
            if (strcmp(wl->params[q].name, p->key) != 0)
                continue;
            for (size_t k = 0; k < o->nparams; k++) {
                const struct param_arg *s = &o->params[k];
                if (s->scope != NULL && strcmp(s->scope, wl->name) == 0 &&
                    strcmp(s->key, p->key) == 0)
                    return s;
            }
        }
    }
    return NULL;
}

/* Every -p must be taken by some selected workload. */
static int check_params_used(struct options *o, char *err, size_t err_len)
{
    for (size_t k = 0; k < o->nparams; k++) {
        struct param_arg *p = &o->params[k];
        if (p->used)
            continue;
        if (p->scope != NULL && registry_find(p->scope) == NULL) {
            snprintf(err, err_len, "-p %s.%s: unknown workload '%s'",
                     p->scope, p->key, p->scope);
            return -1;
        }
        const struct param_arg *over =
            p->scope == NULL ? param_shadowing(o, p) : NULL;
        if (over != NULL) {
            snprintf(err, err_len, "-p %s=%s: every selected workload that "
                     "takes '%s' has it from -p %s.%s=%s instead; give "
                     "one of the two", p->key, p->values, p->key,
                     over->scope, over->key, over->values);
            return -1;
        }
        const struct workload *wl =
            p->scope != NULL ? registry_find(p->scope)
                             : registry_find(o->workloads[0]);
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

/* Expand workload wl's parameter values into instances (the cartesian
 * product of every swept parameter). Returns the count added, or -1. */
static int expand_instances(struct options *o, const struct workload *wl,
                            struct instance **insts, size_t *ninsts,
                            char *err, size_t err_len)
{
    size_t np = registry_param_count(wl);
    char *vals[REGISTRY_MAX_PARAMS][MAX_LIST];
    size_t nvals[REGISTRY_MAX_PARAMS];
    size_t total = 1;

    for (size_t k = 0; k < np; k++) {
        struct param_arg *p = param_for(o, wl, wl->params[k].name);
        if (p == NULL) {
            vals[k][0] = (char *)wl->params[k].def;
            nvals[k] = 1;
            continue;
        }
        p->used = 1;
        char what[128];
        snprintf(what, sizeof(what), "-p %s", p->key);
        char *copy = keep(o, p->values);
        if (copy == NULL) {
            snprintf(err, err_len, "-p: out of memory");
            return -1;
        }
        int n = args_split(what, copy, vals[k], MAX_LIST, err, err_len);
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
    struct instance *grown = realloc(*insts, (*ninsts + total) *
                                     sizeof(**insts));
    if (grown == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    *insts = grown;
    for (size_t set = 0; set < total; set++) {
        struct instance *in = &(*insts)[(*ninsts)++];
        memset(in, 0, sizeof(*in));
        in->wl = wl;
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
    return (int)total;
}

/* ---- JSON ------------------------------------------------------------- */

static cJSON *params_json(const struct instance *in)
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

static double median_of(const struct config *c, int s)
{
    return stats_median(c->samples[s], c->nsamples);
}

/* The serial baseline of c's instance: the fastest measured serial
 * configuration (serial may run at several chunk sizes), or NULL. */
static const struct config *serial_of(const struct config *configs,
                                      size_t n, const struct config *c)
{
    const struct config *best = NULL;
    double best_wall = 0;
    for (size_t k = 0; k < n; k++) {
        const struct config *s = &configs[k];
        if (s->inst != c->inst || strcmp(s->ex->name, "serial") != 0 ||
            s->nsamples == 0 || s->failure[0] != '\0')
            continue;
        double wall = median_of(s, S_WALL);
        if (best == NULL || wall < best_wall) {
            best = s;
            best_wall = wall;
        }
    }
    return best;
}

static cJSON *config_json(const struct config *configs, size_t n,
                          const struct config *c)
{
    cJSON *o = cJSON_CreateObject();
    char hex[17];
    if (o == NULL)
        return NULL;
    cJSON_AddStringToObject(o, "workload", c->inst->wl->name);
    cJSON_AddStringToObject(o, "executor", c->ex->name);
    cJSON_AddNumberToObject(o, "workers", c->cfg.workers);
    cJSON_AddStringToObject(o, "mode", c->cfg.mode == EXEC_ORDERED
                                           ? "ordered" : "unordered");
    cJSON_AddNumberToObject(o, "chunk", (double)c->cfg.chunk);
    cJSON_AddBoolToObject(o, "chunk_auto", c->chunk_asked == 0);
    cJSON_AddStringToObject(o, "transport",
                            !c->ex->uses_transport ? "none"
                            : c->cfg.transport == EXEC_PIPE ? "pipe"
                                                            : "shm");
    cJSON_AddItemToObject(o, "params", params_json(c->inst));
    cJSON_AddNumberToObject(o, "tasks", (double)c->inst->ntasks);
    cJSON_AddNumberToObject(o, "errors", (double)c->errors);
    cJSON *kinds = cJSON_AddObjectToObject(o, "errors_by_kind");
    for (int s = 1; s < 5; s++)
        if (c->by_status[s] > 0)
            cJSON_AddNumberToObject(kinds, status_word(s),
                                    (double)c->by_status[s]);
    if (c->first_error_task >= 0) {
        char msg[256];
        snprintf(msg, sizeof(msg), "task %" PRId64 ": %s%s%s",
                 c->first_error_task, status_word(c->first_error_status),
                 c->first_error_code ? ": " : "",
                 c->first_error_code == 0 ? ""
                 : c->first_error_status == TASK_SIGNALED
                     ? strsignal(c->first_error_code)
                     : strerror(c->first_error_code));
        cJSON_AddStringToObject(o, "first_error", msg);
    }
    cJSON_AddNumberToObject(o, "worker_deaths", (double)c->worker_deaths);
    snprintf(hex, sizeof(hex), "%016" PRIx64, c->checksum);
    cJSON_AddStringToObject(o, "checksum", hex);
    if (c->failure[0] != '\0')
        cJSON_AddStringToObject(o, "failure", c->failure);
    else
        cJSON_AddNullToObject(o, "failure");

    cJSON *samples = cJSON_AddObjectToObject(o, "samples");
    cJSON *stats = cJSON_AddObjectToObject(o, "stats");
    for (int s = 0; s < S_COUNT; s++) {
        if ((s == S_BYTES || s == S_MBPS) && median_of(c, S_BYTES) == 0)
            continue;
        if (s == S_WAIT && median_of(c, S_WAIT) == 0)
            continue;
        cJSON *arr = cJSON_AddArrayToObject(samples, series_names[s]);
        for (size_t k = 0; k < c->nsamples; k++)
            cJSON_AddItemToArray(arr, cJSON_CreateNumber(c->samples[s][k]));
        struct stats_summary sum;
        if (stats_summarize(c->samples[s], c->nsamples, &sum) == 0)
            cJSON_AddItemToObject(stats, series_names[s],
                                  results_stats_json(&sum));
    }
    cJSON *tl = cJSON_AddArrayToObject(o, "timeline");
    for (size_t k = 0; k < c->tl.n; k++) {
        cJSON *pt = cJSON_CreateArray();
        cJSON_AddItemToArray(pt, cJSON_CreateNumber(c->tl.pts[k].t_s));
        cJSON_AddItemToArray(pt,
                             cJSON_CreateNumber((double)c->tl.pts[k].done));
        cJSON_AddItemToArray(tl, pt);
    }
    double wall = median_of(c, S_WALL);
    const struct config *base = serial_of(configs, n, c);
    if (c->nsamples > 0 && c->inst->ntasks > 0)
        cJSON_AddNumberToObject(o, "ns_per_task",
                                wall * 1e9 / (double)c->inst->ntasks);
    else
        cJSON_AddNullToObject(o, "ns_per_task");
    if (base != NULL && c->nsamples > 0 && wall > 0) {
        double speedup = median_of(base, S_WALL) / wall;
        cJSON_AddNumberToObject(o, "speedup", speedup);
        cJSON_AddNumberToObject(o, "efficiency", speedup / c->cfg.workers);
    } else {
        cJSON_AddNullToObject(o, "speedup");
        cJSON_AddNullToObject(o, "efficiency");
    }
    return o;
}

static cJSON *build_json(int argc, char **argv, const struct options *o,
                         const struct machine_info *m,
                         const struct config *configs, size_t n,
                         const char *cache_dir, int interrupted)
{
    char created[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);

    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        return NULL;
    cJSON_AddStringToObject(root, "schema", RESULTS_SCHEMA);
    cJSON_AddStringToObject(root, "created", created);
    cJSON_AddItemToObject(root, "machine", machine_to_json(m));
    cJSON *cfg = cJSON_AddObjectToObject(root, "config");
    cJSON *av = cJSON_AddArrayToObject(cfg, "argv");
    cJSON_AddItemToArray(av, cJSON_CreateString("poolbench"));
    for (int k = 0; k < argc; k++)
        cJSON_AddItemToArray(av, cJSON_CreateString(argv[k]));
    cJSON_AddNumberToObject(cfg, "repeat", (double)o->repeat);
    cJSON_AddNumberToObject(cfg, "warmup", (double)o->warmup);
    cJSON_AddNumberToObject(cfg, "timeout_s", o->timeout_s);
    cJSON_AddBoolToObject(cfg, "quick", o->quick);
    cJSON_AddBoolToObject(cfg, "interleaved", 1);
    cJSON_AddBoolToObject(cfg, "interrupted", interrupted);
    cJSON_AddStringToObject(cfg, "cache_dir", cache_dir);
    cJSON *res = cJSON_AddArrayToObject(root, "results");
    for (size_t k = 0; k < n; k++)
        if (configs[k].nsamples > 0 || configs[k].failure[0] != '\0')
            cJSON_AddItemToArray(res, config_json(configs, n, &configs[k]));
    return root;
}

/* ---- the summary table ------------------------------------------------ */

static void format_time(double s, char *buf, size_t len)
{
    if (!(s == s))
        snprintf(buf, len, "-");
    else if (s >= 1)
        snprintf(buf, len, "%.3f s", s);
    else if (s >= 1e-3)
        snprintf(buf, len, "%.3f ms", s * 1e3);
    else
        snprintf(buf, len, "%.1f us", s * 1e6);
}

static void print_table(const struct config *configs, size_t n)
{
    int width = 8; /* the label column fits the longest label */
    for (size_t k = 0; k < n; k++) {
        int len = (int)strlen(configs[k].inst->label);
        if (len > width)
            width = len;
    }
    printf("%-*s %-9s %3s %-9s %7s %11s %9s %10s %8s %6s %6s  %s\n",
           width, "workload", "executor", "j", "mode", "chunk", "wall(med)",
           "+-ci95%", "ns/task", "speedup", "eff", "errors", "checksum");
    for (size_t k = 0; k < n; k++) {
        const struct config *c = &configs[k];
        if (c->nsamples == 0 && c->failure[0] == '\0')
            continue;
        struct stats_summary s;
        char wall[32] = "-", ci[32] = "-", nspt[32] = "-", sp[32] = "-",
             eff[32] = "-", ex[32];
        if (stats_summarize(c->samples[S_WALL], c->nsamples, &s) == 0) {
            format_time(s.median, wall, sizeof(wall));
            snprintf(ci, sizeof(ci), "%.1f", s.median > 0
                     ? 100 * (s.ci95_high - s.ci95_low) / 2 / s.median : 0);
            snprintf(nspt, sizeof(nspt), "%.1f",
                     s.median * 1e9 / (double)c->inst->ntasks);
            const struct config *base = serial_of(configs, n, c);
            if (base != NULL && s.median > 0) {
                double su = median_of(base, S_WALL) / s.median;
                snprintf(sp, sizeof(sp), "%.2fx", su);
                snprintf(eff, sizeof(eff), "%.2f", su / c->cfg.workers);
            }
        }
        if (c->ex->uses_transport && c->cfg.transport == EXEC_PIPE)
            snprintf(ex, sizeof(ex), "%s/pipe", c->ex->name);
        else
            snprintf(ex, sizeof(ex), "%s", c->ex->name);
        printf("%-*s %-9s %3u %-9s %7" PRIu64 " %11s %9s %10s %8s %6s "
               "%6" PRIu64 "  %016" PRIx64 "%s%s\n", width, c->inst->label,
               ex, c->cfg.workers, c->cfg.mode == EXEC_ORDERED ? "ordered"
                                                               : "unordered",
               c->cfg.chunk, wall, ci, nspt, sp, eff, c->errors,
               c->checksum, c->failure[0] ? "  FAILED: " : "", c->failure);
    }
}

/* ---- the watchdog ----------------------------------------------------- */

/* Executors honour --timeout themselves, but a task stuck under serial
 * (or any executor bug) would hang the run forever. The watchdog thread
 * notices a repetition that is still running WATCHDOG_GRACE_S after its
 * time limit, writes what was measured with that configuration marked
 * failed, and ends the process: no hang, nothing lost. */
#define WATCHDOG_GRACE_S 3.0
#define WATCHDOG_TICK_NS 100000000L

struct watchdog {
    pthread_t tid;
    int started;
    pthread_mutex_t lock;     /* with wake: quit ends the wait at once */
    pthread_cond_t wake;
    int quit;                 /* under lock */
    atomic_long current;      /* index of the running config, or -1 */
    _Atomic double deadline;  /* monotonic seconds; 0 = none */
    /* What the rescue writes; read only while the main thread is stuck. */
    int argc;
    char **argv;
    const struct options *o;
    const struct machine_info *m;
    struct config *configs;
    size_t nconfigs;
    char *out_path;
    size_t out_path_len;
    const char *out_stem;   /* "" with -o */
    const char *cache_dir;
};

static cJSON *build_json(int argc, char **argv, const struct options *o,
                         const struct machine_info *m,
                         const struct config *configs, size_t n,
                         const char *cache_dir, int interrupted);
static void rescue_results(const cJSON *root, const char *why);
static int write_output(const char *stem, char *path, size_t path_len,
                        const cJSON *root, char *err, size_t err_len);

static void *watchdog_main(void *arg)
{
    struct watchdog *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += WATCHDOG_TICK_NS;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        if (!w->quit)
            pthread_cond_timedwait(&w->wake, &w->lock, &until);
        if (w->quit)
            break;
        double deadline = atomic_load(&w->deadline);
        long k = atomic_load(&w->current);
        if (deadline == 0 || k < 0 || mono_s() < deadline + WATCHDOG_GRACE_S)
            continue;
        struct config *c = &w->configs[k];
        snprintf(c->failure, sizeof(c->failure), "a task ran %.0fs past the "
                 "time limit and could not be stopped under %s; use -e "
                 "procs to isolate tasks that may hang", WATCHDOG_GRACE_S,
                 c->ex->name);
        fprintf(stderr, "\npoolbench run: %s: %s\n", c->inst->label,
                c->failure);
        /* The stuck repetition never returns: count its tasks here, the
         * undelivered ones as timed out, as the other executors do. */
        if (c->live != NULL)
            fold_counts(c, c->live, TASK_TIMEOUT);
        cJSON *root = build_json(w->argc, w->argv, w->o, w->m, w->configs,
                                 w->nconfigs, w->cache_dir, 0);
        char err[512];
        if (root != NULL &&
            write_output(w->out_stem, w->out_path, w->out_path_len, root,
                         err, sizeof(err)) == 0)
            fprintf(stderr, "poolbench run: kept what was measured in "
                    "%s\n", w->out_path);
        else if (root != NULL)
            rescue_results(root, err);
        _exit(EXIT_RUN_FAILED);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* Start the watchdog; without it the run still works, unguarded. */
static void watchdog_start(struct watchdog *w)
{
    pthread_condattr_t attr;
    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&w->wake, &attr);
    pthread_condattr_destroy(&attr);
    atomic_init(&w->current, -1);
    atomic_init(&w->deadline, 0.0);
    w->started = pthread_create(&w->tid, NULL, watchdog_main, w) == 0;
}

static void watchdog_stop(struct watchdog *w)
{
    if (!w->started)
        return;
    pthread_mutex_lock(&w->lock);
    w->quit = 1;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->tid, NULL);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    w->started = 0;
}

/* Arm the watchdog for config k's repetition (or disarm with k < 0). */
static void watchdog_arm(struct watchdog *w, long k, double timeout_s)
{
    atomic_store(&w->deadline, k >= 0 && timeout_s > 0
                                   ? mono_s() + timeout_s : 0.0);
    atomic_store(&w->current, k);
}

/* ---- main ------------------------------------------------------------- */

/* Bytes of memory the kernel says can be had without swapping, or 0. */
static uint64_t mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
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
static int check_memory(const struct options *o, const struct instance *in,
                        char *err, size_t err_len)
{
    int parallel = 0;
    for (size_t e = 0; e < o->nexecutors; e++)
        if (strcmp(o->executors[e]->name, "serial") != 0)
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

void driver_cache_dir(const char *override, char *buf, size_t len)
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

/* The default output's stem, results/HOST-YYYYmmddTHHMMSSZ (creating
 * results/ if missing), and the first name it would get in buf; the file
 * is made by results_write_new, which adds -2, -3, ... on a collision. */
static int default_output(const struct machine_info *m, char *stem,
                          size_t stem_len, char *buf, size_t len, char *err,
                          size_t err_len)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    if (mkdir("results", 0777) != 0 && errno != EEXIST) {
        snprintf(err, err_len, "cannot create folder results/: %s; give "
                 "-o FILE", strerror(errno));
        return -1;
    }
    snprintf(stem, stem_len, "results/%s-%s",
             m->hostname[0] ? m->hostname : "host", stamp);
    snprintf(buf, len, "%s.json", stem);
    return 0;
}

/* Write the results to -o's path, or (stem set) to a new default name,
 * which then goes into path. */
static int write_output(const char *stem, char *path, size_t path_len,
                        const cJSON *root, char *err, size_t err_len)
{
    if (stem != NULL && stem[0] != '\0')
        return results_write_new(stem, root, path, path_len, err, err_len);
    return results_write_atomic(path, root, err, err_len);
}

/* The results file could not be written (a full disk, say): measuring
 * may have taken hours, so keep the data in the temporary folder and say
 * where, after the original error. */
static void rescue_results(const cJSON *root, const char *why)
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

static int install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    /* A second Ctrl-C kills at once, for a task that will not stop. */
    sa.sa_flags = SA_RESETHAND;
    if (sigaction(SIGINT, &sa, NULL) != 0 ||
        sigaction(SIGTERM, &sa, NULL) != 0)
        return -1;
    return 0;
}

int driver_main(int argc, char **argv)
{
    struct options o;
    char err[1024] = "";
    char out_path[4096], out_stem[4096] = "", cache_dir[4096];
    struct instance *insts = NULL;
    size_t ninsts = 0;
    struct config *configs = NULL;
    size_t nconfigs = 0;
    struct machine_info m;
    struct suite_plan plan;
    int status = EXIT_USAGE;
    int notice = 0;   /* the "preparing" line is on the terminal */

    memset(&o, 0, sizeof(o));
    if (suite_expand(&argc, &argv, &plan, err, sizeof(err)) != 0)
        goto out;
    if (install_signals() != 0) {
        snprintf(err, sizeof(err), "cannot install signal handlers: %s",
                 strerror(errno));
        status = EXIT_RUN_FAILED;
        goto out;
    }
    int rc = parse_options(argc, argv, &o, err, sizeof(err));
    if (rc != 0) {
        status = rc > 0 ? 0 : EXIT_USAGE;
        goto out;
    }
    for (size_t k = 0; k < o.nworkloads; k++)
        if (expand_instances(&o, registry_find(o.workloads[k]), &insts,
                             &ninsts, err, sizeof(err)) < 0)
            goto out;
    if (check_params_used(&o, err, sizeof(err)) != 0)
        goto out;

    machine_read(&m);
    if (o.output != NULL) {
        /* Checked before the copy, which would cut a long name short. */
        if (results_check_writable(o.output, err, sizeof(err)) != 0)
            goto out;
        snprintf(out_path, sizeof(out_path), "%s", o.output);
    } else if (default_output(&m, out_stem, sizeof(out_stem), out_path,
                              sizeof(out_path), err, sizeof(err)) != 0) {
        goto out;
    }
    if (results_check_writable(out_path, err, sizeof(err)) != 0)
        goto out;
    driver_cache_dir(o.corpus_dir, cache_dir, sizeof(cache_dir));

    /* Plan every configuration before preparing anything. */
    unsigned max_workers = 1;
    for (size_t w = 0; w < o.nworkers; w++)
        if (o.workers[w] > max_workers)
            max_workers = o.workers[w];
    size_t cap = ninsts * o.nexecutors * o.nworkers * o.nmodes *
                 o.nchunks * o.ntransports;
    configs = calloc(cap > 0 ? cap : 1, sizeof(*configs));
    if (configs == NULL) {
        snprintf(err, sizeof(err), "out of memory planning %zu runs", cap);
        goto out;
    }
    status = 0;
    /* On a terminal only, and erased after: a usage error found while
     * preparing (a bad dir=) must stay one line. */
    notice = isatty(STDERR_FILENO);
    if (notice)
        fprintf(stderr, "poolbench: preparing %zu workload instance%s",
                ninsts, ninsts == 1 ? "" : "s");
    for (size_t i = 0; i < ninsts; i++) {
        struct instance *in = &insts[i];
        const struct workload *wl = in->wl;
        uint64_t ask = o.tasks;
        if (ask == 0) {
            ask = wl->default_tasks;
            if (o.quick && ask >= 10)
                ask /= 10;
        }
        struct wl_setup setup = {
            .ntasks = ask, .max_workers = max_workers, .args = in->args,
            .cache_dir = cache_dir, .err = err, .err_len = sizeof(err),
        };
        err[0] = '\0';
        if (wl->prepare != NULL) {
            if (wl->prepare(&setup) != 0) {
                char why[sizeof(err)];
                snprintf(why, sizeof(why), "%s",
                         err[0] ? err : "prepare failed");
                snprintf(err, sizeof(err), "%.300s: %.700s", in->label, why);
                status = EXIT_USAGE;
                goto out;
            }
        } else {
            setup.ntasks_out = ask;
        }
        in->state = setup.state;
        in->prepared = 1;
        in->ntasks = setup.ntasks_out;
        if (in->ntasks == 0 || in->ntasks > MAX_TASKS) {
            snprintf(err, sizeof(err), "%s: %" PRIu64 " tasks; expected 1 "
                     "to %llu (give -n)", in->label, in->ntasks, MAX_TASKS);
            status = EXIT_USAGE;
            goto out;
        }
        if (check_memory(&o, in, err, sizeof(err)) != 0) {
            status = EXIT_USAGE;
            goto out;
        }
        for (size_t e = 0; e < o.nexecutors; e++) {
            const struct executor *ex = o.executors[e];
            int serial = strcmp(ex->name, "serial") == 0;
            for (size_t w = 0; w < (serial ? 1 : o.nworkers); w++)
                for (size_t md = 0; md < (serial ? 1 : o.nmodes); md++)
                    for (size_t ch = 0; ch < o.nchunks; ch++)
                        for (size_t t = 0; t < (ex->uses_transport
                                                ? o.ntransports : 1); t++) {
                            struct config *c = &configs[nconfigs++];
                            c->inst = in;
                            c->ex = ex;
                            c->cfg.workers = serial ? 1 : o.workers[w];
                            c->cfg.mode = (enum exec_mode)o.modes[md];
                            c->chunk_asked = o.chunks[ch];
                            c->cfg.chunk = executor_auto_chunk(
                                in->ntasks, c->cfg.workers, o.chunks[ch]);
                            c->cfg.transport =
                                (enum exec_transport)o.transports[t];
                            c->cfg.timeout_s = o.timeout_s;
                            c->first_error_task = -1;
                        }
        }
    }
    if (notice) {
        fprintf(stderr, "\r\033[K");
        notice = 0;
    }
    for (size_t k = 0; k < nconfigs; k++)
        for (int s = 0; s < S_COUNT; s++) {
            configs[k].samples[s] = calloc(o.repeat + o.warmup + 1,
                                           sizeof(double));
            if (configs[k].samples[s] == NULL) {
                snprintf(err, sizeof(err), "out of memory");
                status = EXIT_USAGE;
                goto out;
            }
        }

    struct watchdog wd = {
        .argc = argc, .argv = argv, .o = &o, .m = &m, .configs = configs,
        .nconfigs = nconfigs, .out_path = out_path,
        .out_path_len = sizeof(out_path), .out_stem = out_stem,
        .cache_dir = cache_dir,
    };
    if (o.timeout_s > 0)
        watchdog_start(&wd);
    struct progress prog;
    progress_begin(&prog, o.progress, (o.warmup + o.repeat) * nconfigs);
    int broken = 0;
    for (uint64_t round = 0; round < o.warmup + o.repeat && !stop_flag &&
                             !broken; round++) {
        for (size_t k = 0; k < nconfigs && !stop_flag && !broken; k++) {
            struct config *c = &configs[k];
            if (c->done) {
                progress_step(&prog, 1, c->inst->label);
                continue;
            }
            watchdog_arm(&wd, (long)k, o.timeout_s);
            if (run_rep(c, round >= o.warmup) != 0) {
                c->done = 1;
                broken = c->broken;
            }
            watchdog_arm(&wd, -1, 0);
            progress_step(&prog, 1, c->inst->label);
        }
    }
    progress_end(&prog);
    watchdog_stop(&wd);

    /* The same workload instance must give the same checksum under every
     * executor: poolbench's proof that a fast executor did the work. */
    for (size_t k = 0; k < nconfigs; k++) {
        struct config *c = &configs[k];
        if (c->failure[0] != '\0' || c->errors > 0 || !c->have_checksum)
            continue;
        for (size_t q = 0; q < k; q++) {
            const struct config *d = &configs[q];
            if (d->inst == c->inst && d->failure[0] == '\0' &&
                d->errors == 0 && d->have_checksum &&
                d->checksum != c->checksum) {
                snprintf(c->failure, sizeof(c->failure), "checksum %016"
                         PRIx64 " differs from %s's %016" PRIx64,
                         c->checksum, d->ex->name, d->checksum);
                break;
            }
        }
    }

    cJSON *root = build_json(argc, argv, &o, &m, configs, nconfigs,
                             cache_dir, stop_flag != 0);
    if (root == NULL) {
        snprintf(err, sizeof(err), "out of memory building results");
        status = EXIT_RUN_FAILED;
        goto out;
    }
    print_table(configs, nconfigs);
    if (write_output(out_stem, out_path, sizeof(out_path), root, err,
                     sizeof(err)) != 0) {
        rescue_results(root, err);
        err[0] = '\0';
        cJSON_Delete(root);
        status = EXIT_RUN_FAILED;
        goto out;
    }
    printf("results: %s\n", out_path);
    if (o.output == NULL) {
        if (results_write_atomic("results/latest.json", root, err,
                                 sizeof(err)) != 0) {
            /* The dated file holds everything; only the copy failed. */
            status = EXIT_RUN_FAILED;
            goto out;
        }
        printf("results: results/latest.json\n");
    }
    suite_after_run(&plan, out_path);
    cJSON_Delete(root);
    err[0] = '\0';
    for (size_t k = 0; k < nconfigs; k++)
        if (configs[k].failure[0] != '\0' && status == 0)
            status = EXIT_RUN_FAILED;
    if (stop_flag) {
        fprintf(stderr, "poolbench: interrupted by %s; kept what was "
                "measured\n", strsignal(stop_signal));
        status = EXIT_INTERRUPTED;
    }
    if (broken) {
        fprintf(stderr, "poolbench: a pool could not be stopped (a task "
                "that never returns under threads?); exiting\n");
        fflush(NULL);
        _exit(EXIT_RUN_FAILED);
    }
out:
    if (notice)
        fprintf(stderr, "\r\033[K");
    if (err[0] != '\0')
        fprintf(stderr, "poolbench run: %s\n", err);
    for (size_t k = 0; k < nconfigs; k++)
        for (int s = 0; s < S_COUNT; s++)
            free(configs[k].samples[s]);
    free(configs);
    for (size_t i = 0; i < ninsts; i++)
        if (insts[i].prepared && insts[i].wl->release != NULL)
            insts[i].wl->release(insts[i].state);
    free(insts);
    options_free(&o);
    suite_free(&plan);
    return status;
}

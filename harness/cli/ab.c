/* ab.c - `poolbench ab`: two binaries round by round (see ab.h). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ab.h"
#include "args.h"
#include "cli.h"
#include "exit.h"
#include "results.h"
#include "view.h"

#define AB_MAX_SERIES 64

static const char *const side_names[2] = { "base", "new" };

/* One series of one configuration, over the rounds. */
struct ab_series {
    char name[64];
    double *v;
    size_t n, cap;
};

/* One configuration of one side, over the rounds. */
struct ab_acc {
    char key[1024];
    int side;
    cJSON *row;               /* round 0's row, reshaped at the end */
    uint64_t tasks;
    struct ab_series series[AB_MAX_SERIES];
    size_t nseries;
};

struct ab {
    const char *bins[2];
    unsigned long rounds;
    const char *out;
    char **run_args;
    int nrun_args;
    char dir[4096];           /* the rounds' files */
    int tasks_from;           /* both binaries take --tasks-from */
    struct ab_acc *accs;
    size_t naccs;
    cJSON *machine;           /* round 0 base's */
};

static void usage(FILE *f)
{
    fprintf(f,
"usage: poolbench ab --base BIN --new BIN [-r ROUNDS] [-o FILE] -- RUN-ARGS\n"
"\n"
"Measure two poolbench builds (their built-in workloads and executors)\n"
"round by round on this machine: each round runs `BIN run RUN-ARGS -r 1`\n"
"with each binary, in alternating order, and the rounds are merged into\n"
"one A/B results file (workloads NAME@base and NAME@new, samples.round)\n"
"for `poolbench compare FILE`. Task counts: round 0's base run calibrates\n"
"and the others take them with --tasks-from where both binaries have it;\n"
"otherwise give -n in RUN-ARGS.\n"
"\n"
"      --base BIN         the base build's poolbench\n"
"      --new BIN          the candidate build's poolbench\n"
"  -r, --rounds N         rounds, 2..%d (default %d)\n"
"  -o, --output FILE      the A/B results file (default results/ab.json)\n"
"  -h, --help             this help\n"
"Exit status: 0 written, 2 bad usage, 3 a round's run failed, 130\n"
"interrupted (nothing is written).\n",
            AB_MAX_ROUNDS, AB_DEFAULT_ROUNDS);
}

/* Run argv with stdout to /dev/null; returns its exit status, or -1. */
static int spawn(char **argv)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (freopen("/dev/null", "w", stdout) == NULL)
            _exit(127);
        execv(argv[0], argv);
        fprintf(stderr, "poolbench ab: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Whether bin's `run --help` offers --tasks-from. */
static int has_tasks_from(const char *bin, const char *dir)
{
    char path[4200], cmd[8600];
    snprintf(path, sizeof(path), "%s/help.txt", dir);
    snprintf(cmd, sizeof(cmd), "'%s' run --help > '%s' 2>&1", bin, path);
    if (strchr(bin, '\'') != NULL || system(cmd) != 0)
        return 0;
    size_t len;
    char err[256];
    char *text = results_read_text(path, &len, err, sizeof(err));
    int yes = text != NULL && strstr(text, "--tasks-from") != NULL;
    free(text);
    return yes;
}

/* Whether RUN-ARGS fix the task count (-n N, -nN, --tasks[=]N): then
 * every round does the same tasks without --tasks-from. */
static int fixes_tasks(const struct ab *a)
{
    for (int k = 0; k < a->nrun_args; k++) {
        const char *x = a->run_args[k];
        if (strncmp(x, "-n", 2) == 0 || strcmp(x, "--tasks") == 0 ||
            strncmp(x, "--tasks=", 8) == 0)
            return 1;
    }
    return 0;
}

/* One run of round k on side s into *path. Returns 0, or the exit
 * status to give (3) with a message. */
static int run_round(struct ab *a, unsigned long k, int s, char *path,
                     size_t len, char *err, size_t err_len)
{
    char r0[4200], **argv = calloc((size_t)a->nrun_args + 12,
                                   sizeof(*argv));
    int n = 0;
    if (argv == NULL)
        return EXIT_RUN_FAILED;
    snprintf(path, len, "%s/round%lu-%s.json", a->dir, k, side_names[s]);
    snprintf(r0, sizeof(r0), "%s/round0-base.json", a->dir);
    argv[n++] = (char *)a->bins[s];
    argv[n++] = "run";
    for (int i = 0; i < a->nrun_args; i++)
        argv[n++] = a->run_args[i];
    argv[n++] = "-r";
    argv[n++] = "1";
    argv[n++] = "--no-progress";
    if (a->tasks_from && !(k == 0 && s == 0)) {
        argv[n++] = "--tasks-from";
        argv[n++] = r0;
    }
    argv[n++] = "-o";
    argv[n++] = path;
    int rc = spawn(argv);
    free(argv);
    if (rc != 0) {
        snprintf(err, err_len, "round %lu, %s: %s run exited %d", k,
                 side_names[s], a->bins[s], rc);
        /* Ctrl-C reached the round's run too: stop, as interrupted. */
        return rc == EXIT_INTERRUPTED ? EXIT_INTERRUPTED : EXIT_RUN_FAILED;
    }
    return 0;
}

static struct ab_acc *find_acc(struct ab *a, const char *key, int side)
{
    for (size_t k = 0; k < a->naccs; k++)
        if (a->accs[k].side == side && strcmp(a->accs[k].key, key) == 0)
            return &a->accs[k];
    struct ab_acc *grown = realloc(a->accs, (a->naccs + 1) *
                                   sizeof(*grown));
    if (grown == NULL)
        return NULL;
    a->accs = grown;
    struct ab_acc *acc = &a->accs[a->naccs++];
    memset(acc, 0, sizeof(*acc));
    snprintf(acc->key, sizeof(acc->key), "%s", key);
    acc->side = side;
    return acc;
}

static int push(struct ab_acc *acc, const char *name, double v)
{
    struct ab_series *s = NULL;
    for (size_t k = 0; k < acc->nseries && s == NULL; k++)
        if (strcmp(acc->series[k].name, name) == 0)
            s = &acc->series[k];
    if (s == NULL) {
        if (acc->nseries == AB_MAX_SERIES)
            return 0;
        s = &acc->series[acc->nseries++];
        snprintf(s->name, sizeof(s->name), "%s", name);
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        double *grown = realloc(s->v, cap * sizeof(*grown));
        if (grown == NULL)
            return -1;
        s->v = grown;
        s->cap = cap;
    }
    s->v[s->n++] = v;
    return 0;
}

/* Fold one round's file into the accumulators. */
static int fold(struct ab *a, const struct results_file *f, unsigned long k,
                int side, char *err, size_t err_len)
{
    if (k == 0 && side == 0 && f->nmachines > 0)
        a->machine = cJSON_Duplicate(f->machines[0].json, 1);
    for (size_t i = 0; i < f->nrows; i++) {
        const struct results_row *r = &f->rows[i];
        char key[1024];
        if (r->side != NULL) {
            snprintf(err, err_len, "%s: RUN-ARGS make an A/B run already "
                     "(--plugin LABEL=SO); ab compares two poolbench "
                     "builds", r->workload);
            return -1;
        }
        view_match_key(r, key, sizeof(key));
        struct ab_acc *acc = find_acc(a, key, side);
        if (acc == NULL)
            return -1;
        if (acc->row == NULL) {
            acc->row = results_row_json(f, r);
            acc->tasks = r->tasks;
        } else if (acc->tasks != r->tasks) {
            snprintf(err, err_len, "%s: %llu tasks in round %lu, %llu in "
                     "round 0; fix them with -n in RUN-ARGS", r->workload,
                     (unsigned long long)r->tasks, k,
                     (unsigned long long)acc->tasks);
            return -1;
        }
        if (r->failure != NULL)
            cJSON_ReplaceItemInObject(acc->row, "failure",
                                      cJSON_CreateString(r->failure));
        const struct results_series *w = results_series_find(r, "wall_s");
        for (size_t s = 0; s < r->nseries; s++)
            for (size_t j = 0; j < r->series[s].n; j++)
                if (strcmp(r->series[s].name, "round") != 0 &&
                    push(acc, r->series[s].name, r->series[s].v[j]) != 0)
                    return -1;
        for (size_t j = 0; w != NULL && j < w->n; j++)
            if (push(acc, "round", (double)k) != 0)
                return -1;
    }
    return 0;
}

/* acc's row as an A/B row: NAME@side, its side, the rounds' samples and
 * their summaries; derived fields are filled again by the view. */
static cJSON *build_row(struct ab_acc *acc)
{
    cJSON *row = acc->row;
    const struct ab_series *round = NULL;
    char name[512];
    acc->row = NULL;
    const cJSON *wl = cJSON_GetObjectItemCaseSensitive(row, "workload");
    snprintf(name, sizeof(name), "%s@%s", cJSON_GetStringValue(wl),
             side_names[acc->side]);
    cJSON_ReplaceItemInObject(row, "workload", cJSON_CreateString(name));
    cJSON_DeleteItemFromObject(row, "side");
    cJSON_AddStringToObject(row, "side", side_names[acc->side]);
    static const char *const drop[] = { "samples", "stats",
        "samples_disturbed", "speedup", "efficiency", "ns_per_task",
        "speedup_ci95", "timeline", "disturbed", NULL };
    for (size_t k = 0; drop[k] != NULL; k++)
        cJSON_DeleteItemFromObject(row, drop[k]);
    cJSON_AddObjectToObject(row, "samples");
    cJSON_AddObjectToObject(row, "stats");
    for (size_t k = 0; k < acc->nseries; k++)
        if (strcmp(acc->series[k].name, "round") == 0)
            round = &acc->series[k];
    for (size_t k = 0; round != NULL && k < acc->nseries; k++) {
        const struct ab_series *s = &acc->series[k];
        /* A series some round left out (a counter) cannot be aligned. */
        if (s->n == round->n)
            results_row_add_series(row, "samples", s->name, s->v, s->n,
                                   s != round);
    }
    return row;
}

static cJSON *build(struct ab *a, int argc, char **argv)
{
    cJSON *root = cJSON_CreateObject();
    char created[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_AddStringToObject(root, "schema", RESULTS_SCHEMA);
    cJSON_AddStringToObject(root, "created", created);
    cJSON_AddItemToObject(root, "machine", a->machine);
    a->machine = NULL;
    cJSON *config = cJSON_AddObjectToObject(root, "config");
    cJSON *av = cJSON_AddArrayToObject(config, "argv");
    for (int k = 0; k < argc; k++)
        cJSON_AddItemToArray(av, cJSON_CreateString(argv[k]));
    cJSON_AddNumberToObject(config, "repeat", (double)a->rounds);
    cJSON_AddStringToObject(config, "ab_base_binary", a->bins[0]);
    cJSON_AddStringToObject(config, "ab_new_binary", a->bins[1]);
    cJSON *ab = cJSON_AddObjectToObject(root, "ab");
    cJSON_AddStringToObject(ab, "base", side_names[0]);
    cJSON_AddStringToObject(ab, "new", side_names[1]);
    cJSON *res = cJSON_AddArrayToObject(root, "results");
    for (int side = 0; side < 2; side++)
        for (size_t k = 0; k < a->naccs; k++)
            if (a->accs[k].side == side)
                cJSON_AddItemToArray(res, build_row(&a->accs[k]));
    cJSON_AddArrayToObject(root, "warnings");
    return root;
}

/* Parse argv; RUN-ARGS follow "--". Returns 0, 1 for help, -1. */
static int parse(int argc, char **argv, struct ab *a, char *err,
                 size_t err_len)
{
    static const struct option longopts[] = {
        { "base", required_argument, NULL, 'b' },
        { "new", required_argument, NULL, 'N' },
        { "rounds", required_argument, NULL, 'r' },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    static const char *const ours[] = { "-r", "--repeat", "-o", "--output",
        "--precision", "--save", "--tasks-from", "--max-time", NULL };
    a->rounds = AB_DEFAULT_ROUNDS;
    a->out = "results/ab.json";
    optind = 0;
    opterr = 0;
    for (int opt; (opt = getopt_long(argc, argv, "+:r:o:h", longopts,
                                     NULL)) != -1;) {
        uint64_t u;
        switch (opt) {
        case 'b': a->bins[0] = optarg; break;
        case 'N': a->bins[1] = optarg; break;
        case 'o': a->out = optarg; break;
        case 'r':
            if (args_u64("-r/--rounds", optarg, 2, AB_MAX_ROUNDS, &u, err,
                         err_len) != 0)
                return -1;
            a->rounds = (unsigned long)u;
            break;
        case 'h': usage(stdout); return 1;
        case ':':
            snprintf(err, err_len, "option '%s' needs a value; see "
                     "`poolbench ab --help`", argv[optind - 1]);
            return -1;
        default:
            snprintf(err, err_len, "unknown option '%s'; see `poolbench "
                     "ab --help`", argv[optind - 1]);
            return -1;
        }
    }
    if (a->bins[0] == NULL || a->bins[1] == NULL) {
        snprintf(err, err_len, "expected --base BIN and --new BIN, the two "
                 "poolbench builds to measure");
        return -1;
    }
    for (int s = 0; s < 2; s++)
        if (access(a->bins[s], X_OK) != 0) {
            snprintf(err, err_len, "--%s %s: not an executable file",
                     side_names[s], a->bins[s]);
            return -1;
        }
    if (optind < argc && strcmp(argv[optind - 1], "--") != 0) {
        snprintf(err, err_len, "unexpected argument '%s'; RUN-ARGS go "
                 "after --", argv[optind]);
        return -1;
    }
    a->run_args = argv + optind;
    a->nrun_args = argc - optind;
    for (int k = 0; k < a->nrun_args; k++)
        for (size_t o = 0; ours[o] != NULL; o++)
            if (strcmp(a->run_args[k], ours[o]) == 0) {
                snprintf(err, err_len, "%s in RUN-ARGS: ab sets it (one "
                         "repetition per round; -r/--rounds counts "
                         "rounds)", ours[o]);
                return -1;
            }
    return results_check_writable(a->out, err, err_len);
}

/* Every round, both sides, folded. Returns 0 or an exit status. */
static int rounds(struct ab *a, char *err, size_t err_len)
{
    for (unsigned long k = 0; k < a->rounds; k++) {
        for (int i = 0; i < 2; i++) {
            int side = (int)((k + (unsigned long)i) & 1);
            char path[4300];
            struct results_file f;
            int rc = run_round(a, k, side, path, sizeof(path), err,
                               err_len);
            if (rc != 0)
                return rc;
            /* Each row's object is kept as written: keep the text. */
            if (results_load_flags(path, RESULTS_KEEP_TEXT, &f, err,
                                   err_len) != 0)
                return EXIT_RUN_FAILED;
            rc = fold(a, &f, k, side, err, err_len);
            results_free(&f);
            if (k > 0 || side != 0)
                unlink(path); /* round 0's base: --tasks-from reads it */
            if (rc != 0)
                return EXIT_USAGE;
        }
        fprintf(stderr, "poolbench ab: round %lu of %lu done\n", k + 1,
                a->rounds);
    }
    return 0;
}

int cmd_ab(int argc, char **argv)
{
    struct ab a;
    char err[1024];
    int rc;
    memset(&a, 0, sizeof(a));
    rc = parse(argc, argv, &a, err, sizeof(err));
    if (rc != 0) {
        if (rc < 0)
            fprintf(stderr, "poolbench ab: %s\n", err);
        return rc > 0 ? 0 : EXIT_USAGE;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(a.dir, sizeof(a.dir), "%s/poolbench-ab-XXXXXX",
             tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
    if (mkdtemp(a.dir) == NULL) {
        fprintf(stderr, "poolbench ab: %s: %s\n", a.dir, strerror(errno));
        return EXIT_RUN_FAILED;
    }
    a.tasks_from = !fixes_tasks(&a) && has_tasks_from(a.bins[0], a.dir) &&
                   has_tasks_from(a.bins[1], a.dir);
    char help[4200];
    snprintf(help, sizeof(help), "%s/help.txt", a.dir);
    unlink(help);
    rc = rounds(&a, err, sizeof(err));
    if (rc == 0) {
        cJSON *root = build(&a, argc, argv);
        if (view_derive_json(root, NULL, err, sizeof(err)) != 0 ||
            results_write_atomic(a.out, root, err, sizeof(err)) != 0)
            rc = EXIT_RUN_FAILED;
        else
            fprintf(stderr, "poolbench ab: results: %s\n", a.out);
        cJSON_Delete(root);
    }
    if (rc != 0)
        fprintf(stderr, "poolbench ab: %s\n", err);
    char path[4300];
    snprintf(path, sizeof(path), "%s/round0-base.json", a.dir);
    unlink(path);
    rmdir(a.dir);
    for (size_t k = 0; k < a.naccs; k++) {
        for (size_t s = 0; s < a.accs[k].nseries; s++)
            free(a.accs[k].series[s].v);
        cJSON_Delete(a.accs[k].row);
    }
    free(a.accs);
    cJSON_Delete(a.machine);
    return rc;
}

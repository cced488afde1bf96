/* history.c - `poolbench history add|list|show|export|prune|trend|
 * check`: the history database on the command line (see history.h);
 * trend draws with render/trend. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "exit.h"
#include "history.h"
#include "textesc.h"
#include "trend.h"
#include "units.h"
#include "view.h"

#define ERR_LEN 1024

/* What a subcommand was given. */
struct hopts {
    const char *db;      /* --db, or NULL */
    const char *name;    /* --name */
    const char *output;  /* -o */
    const char *keep;    /* --keep */
    struct trend_filter filter;
    char *lists[3];      /* -w -e -j text, split in place (owned) */
};

static const char usage_text[] =
"usage: poolbench history add FILE... --name NAME [--db PATH]\n"
"       poolbench history list [--name NAME] [--db PATH]\n"
"       poolbench history show ID [--db PATH]\n"
"       poolbench history export ID -o FILE [--db PATH]\n"
"       poolbench history prune --keep N [--name NAME] [--db PATH]\n"
"       poolbench history trend -o DIR [--name NAME] [-w W] [-e E] [-j J]\n"
"                               [-p K=V]... [--db PATH]\n"
"       poolbench history check [--db PATH]\n\n"
"The history database keeps results files by name (a branch, a label),\n"
"commit and machine fingerprint (CPU model, usable CPUs, memory; a new\n"
"kernel or OS image is shown by compare, not a new machine). add stores\n"
"each file whole (one transaction per file, every file checked first);\n"
"export gives a stored file back byte for byte; prune keeps the newest N\n"
"runs of each name; trend draws each configuration's median wall time\n"
"(time per task where task counts differ) and 95% CI over the stored\n"
"runs, labelled by commit and date, a colour per configuration\n"
"(gnuplot: DIR/trend-*.svg, .png, .dat, .gp); check runs SQLite's\n"
"integrity check (PostgreSQL: no row without its run).\n\n"
"  --db PATH   the database (else $POOLBENCH_DB, else " HISTORY_DEFAULT_DB
"):\n"
"              a file, or postgresql://[user@]host[:port]/dbname (the\n"
"              password from ~/.pgpass, PGPASSFILE or PGPASSWORD)\n"
"Exit status: 0 done, 2 bad usage or input (unknown id or name, no\n"
"database), 3 a database error while writing.\n";

static int fail_usage(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "poolbench history: ");
    fprintf(stderr, fmt, a, b);
    fprintf(stderr, "\n");
    return EXIT_USAGE;
}

/* Parse the subcommand's options; which lists the letters it takes. */
static int parse(int argc, char **argv, const char *which, struct hopts *o,
                 char *err, size_t err_len)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'D' },
        { "name", required_argument, NULL, 'N' },
        { "keep", required_argument, NULL, 'K' },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    optind = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":w:e:j:p:o:h", longopts, NULL);
        if (c == -1)
            break;
        if (c == 'h')
            return ARGS_HELP;
        if (c == '?' || c == ':') {
            snprintf(err, err_len, "%s '%s' (see poolbench history --help)",
                     c == '?' ? "unknown option" : "missing value for",
                     argv[optind - 1]);
            return -1;
        }
        if (c != 'D' && strchr(which, c) == NULL) {
            snprintf(err, err_len, "%s does not take '%s' (see poolbench "
                     "history --help)", argv[0], argv[optind - 1]);
            return -1;
        }
        switch (c) {
        case 'D': o->db = optarg; break;
        case 'N': o->name = optarg; break;
        case 'K': o->keep = optarg; break;
        case 'o': o->output = optarg; break;
        case 'w': case 'e': case 'j': {
            int k = c == 'w' ? 0 : c == 'e' ? 1 : 2;
            free(o->lists[k]);
            o->lists[k] = strdup(optarg);
            if (o->lists[k] == NULL) {
                snprintf(err, err_len, "out of memory");
                return -1;
            }
            break;
        }
        case 'p':
            if (strchr(optarg, '=') == NULL || optarg[0] == '=') {
                snprintf(err, err_len, "-p '%.60s': expected KEY=VALUE",
                         optarg);
                return -1;
            }
            if (o->filter.nparams == TREND_MAX_FILTER) {
                snprintf(err, err_len, "-p: at most %d", TREND_MAX_FILTER);
                return -1;
            }
            o->filter.params[o->filter.nparams++] = optarg;
            break;
        }
    }
    if (o->name != NULL && history_check_name(o->name, err, err_len) != 0)
        return -1;
    return 0;
}

/* Open the database; a read command wants it to exist. Returns 0 or the
 * exit status (the message printed). */
static int open_db(const struct hopts *o, enum history_mode mode,
                   struct history **db)
{
    char err[ERR_LEN];
    int rc = history_open(history_default_path(o->db), mode, db, err,
                          sizeof(err));
    if (rc == 0)
        return 0;
    fprintf(stderr, "poolbench history: %s\n", err);
    return rc == -1 && mode == HISTORY_CREATE ? EXIT_RUN_FAILED
                                               : EXIT_USAGE;
}

static int parse_id(const char *text, long long *id)
{
    char err[ERR_LEN];
    int64_t v;
    if (text == NULL) {
        fprintf(stderr, "poolbench history: missing run ID (see poolbench "
                "history list)\n");
        return EXIT_USAGE;
    }
    if (args_i64("run ID", text, 1, INT64_MAX, &v, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench history: %s\n", err);
        return EXIT_USAGE;
    }
    *id = v;
    return 0;
}

/* ---- subcommands -------------------------------------------------------- */

static int history_cmd_add(int argc, char **argv, struct hopts *o)
{
    char err[ERR_LEN];
    struct history *db = NULL;
    if (optind >= argc)
        return fail_usage("add: no results file given%s%s", "", "");
    if (o->name == NULL)
        return fail_usage("add: --name NAME is required (a branch or a "
                          "label)%s%s", "", "");
    /* Every file first: a bad one in a batch stores nothing. */
    for (int k = optind; k < argc; k++)
        if (history_check_file(argv[k], err, sizeof(err)) != 0) {
            if (results_out_of_memory()) {
                fprintf(stderr, "poolbench history: %s\n", err);
                return EXIT_RUN_FAILED;
            }
            return fail_usage("%s%s", err, "");
        }
    int rc = open_db(o, HISTORY_CREATE, &db);
    if (rc != 0)
        return rc;
    for (int k = optind; k < argc; k++) {
        long long id;
        if (history_add_file(db, argv[k], o->name, &id, err,
                             sizeof(err)) != 0) {
            fprintf(stderr, "poolbench history: %s\n", err);
            history_close(db);
            return EXIT_RUN_FAILED;
        }
        printf("stored %s as run %lld\n", argv[k], id);
        /* Line by line even into a pipe: what is said is stored. */
        fflush(stdout);
    }
    history_close(db);
    return 0;
}

static int history_cmd_list(int argc, char **argv, struct hopts *o)
{
    char err[ERR_LEN];
    struct history *db = NULL;
    struct history_run *runs = NULL;
    size_t n = 0;
    if (optind < argc)
        return fail_usage("list: unexpected argument '%s'%s", argv[optind],
                          "");
    int rc = open_db(o, HISTORY_READ_ONLY, &db);
    if (rc != 0)
        return rc;
    if (history_list(db, o->name, &runs, &n, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench history: %s\n", err);
        history_close(db);
        return EXIT_USAGE;
    }
    history_close(db);
    if (n == 0 && o->name != NULL) {
        free(runs);
        return fail_usage("no run named '%s' in the database%s", o->name,
                          "");
    }
    /* 6+2+20+1+12+1+20+1+16+1+5 = 85 columns, wider where a name or a
     * commit is longer: never a value cut short. */
    char name[512], commit[512], created[512];
    int nw = 20, cw = 12;
    for (size_t k = 0; k < n; k++) {
        int ln = (int)strlen(textesc_ctl(runs[k].name, name, sizeof(name)));
        int lc = (int)strlen(textesc_ctl(runs[k].commit, commit,
                                         sizeof(commit)));
        nw = ln > nw ? ln : nw;
        cw = lc > cw ? lc : cw;
    }
    printf("%6s  %-*s %-*s %-20s %-16s %5s\n", "ID", nw, "NAME", cw,
           "COMMIT", "CREATED", "MACHINE", "ROWS");
    for (size_t k = 0; k < n; k++) {
        textesc_ctl(runs[k].name, name, sizeof(name));
        textesc_ctl(runs[k].commit[0] ? runs[k].commit : "-", commit,
                    sizeof(commit));
        textesc_ctl(runs[k].created, created, sizeof(created));
        printf("%6lld  %-*s %-*s %-20s %-16s %5zu\n", runs[k].id, nw, name,
               cw, commit, created, runs[k].fingerprint, runs[k].nrows);
    }
    free(runs);
    return 0;
}

/* text after indent, broken at spaces into lines of at most width
 * characters (a longer word gets a line of its own, whole). */
static void print_wrapped(const char *indent, const char *text, size_t width)
{
    while (*text != '\0') {
        size_t len = strlen(text), cut = len;
        if (len > width) {
            cut = width;
            while (cut > 0 && text[cut] != ' ')
                cut--;
            if (cut == 0)
                cut = strcspn(text, " ");
        }
        printf("%s%.*s\n", indent, (int)cut, text);
        text += cut;
        while (*text == ' ')
            text++;
    }
}

static int history_cmd_show(int argc, char **argv, struct hopts *o)
{
    char err[ERR_LEN], a[2048], b[512];
    struct history *db = NULL;
    struct history_run run;
    struct results_file f = { 0 };
    struct results_view v = { 0 };
    long long id;
    if (optind + 1 < argc)
        return fail_usage("show: unexpected argument '%s'%s",
                          argv[optind + 1], "");
    int rc = parse_id(optind < argc ? argv[optind] : NULL, &id);
    if (rc == 0)
        rc = open_db(o, HISTORY_READ_ONLY, &db);
    if (rc != 0)
        return rc;
    if (history_get(db, id, &run, err, sizeof(err)) != 0 ||
        history_load_run(db, id, &f, err, sizeof(err)) != 0 ||
        view_build(&f, &v, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench history: %s\n", err);
        rc = EXIT_USAGE;
        goto done;
    }
    printf("run %lld\n", run.id);
    printf("  name:      %s\n", textesc_ctl(run.name, a, sizeof(a)));
    printf("  commit:    %s\n", textesc_ctl(run.commit, a, sizeof(a)));
    printf("  created:   %s\n", textesc_ctl(run.created, a, sizeof(a)));
    printf("  added:     %s\n", run.added_at);
    printf("  machine:   %s\n", run.fingerprint);
    print_wrapped("             ", textesc_ctl(run.machine, a, sizeof(a)),
                  85);
    printf("  file:      %zu bytes, %zu rows\n\n", run.bytes, run.nrows);
    /* The configuration column is as wide as its widest label: a value
     * cut short ("chunk=50" for 5000) would name another configuration. */
    int cw = (int)strlen("configuration");
    for (size_t k = 0; k < v.nrows; k++) {
        view_config_label(v.rows[k].r, b, sizeof(b));
        int len = (int)strlen(textesc_ctl(b, a, sizeof(a)));
        cw = len > cw ? len : cw;
    }
    printf("  %-*s %10s %21s %7s\n", cw, "configuration", "median",
           "95% CI", "speedup");
    for (size_t k = 0; k < v.nrows; k++) {
        const struct view_row *r = &v.rows[k];
        char med[32], lo[32], hi[32], ci[80], sp[32] = "-";
        view_config_label(r->r, b, sizeof(b));
        textesc_ctl(b, a, sizeof(a));
        if (!r->usable) {
            printf("  %-*s %10s\n", cw, a, r->r->failure ? "failed" : "-");
            continue;
        }
        units_format_time(r->wall.median, med, sizeof(med));
        units_format_time(r->wall.ci95_low, lo, sizeof(lo));
        units_format_time(r->wall.ci95_high, hi, sizeof(hi));
        snprintf(ci, sizeof(ci), "%s..%s", lo, hi);
        if (isfinite(r->speedup))
            snprintf(sp, sizeof(sp), "%.2fx", r->speedup);
        printf("  %-*s %10s %21s %7s\n", cw, a, med, ci, sp);
    }
done:
    view_free(&v);
    results_free(&f);
    history_close(db);
    return rc;
}

static int history_cmd_export(int argc, char **argv, struct hopts *o)
{
    char err[ERR_LEN];
    struct history *db = NULL;
    long long id;
    if (optind + 1 < argc)
        return fail_usage("export: unexpected argument '%s'%s",
                          argv[optind + 1], "");
    if (o->output == NULL)
        return fail_usage("export: -o FILE is required%s%s", "", "");
    int rc = parse_id(optind < argc ? argv[optind] : NULL, &id);
    if (rc == 0)
        rc = open_db(o, HISTORY_READ_ONLY, &db);
    if (rc != 0)
        return rc;
    if (history_export(db, id, o->output, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench history: %s\n", err);
        rc = EXIT_USAGE;
    }
    history_close(db);
    return rc;
}

static int history_cmd_prune(int argc, char **argv, struct hopts *o)
{
    char err[ERR_LEN];
    struct history *db = NULL;
    uint64_t keep;
    size_t removed = 0;
    if (optind < argc)
        return fail_usage("prune: unexpected argument '%s'%s", argv[optind],
                          "");
    if (o->keep == NULL)
        return fail_usage("prune: --keep N is required%s%s", "", "");
    if (args_u64("--keep", o->keep, 1, 1000000000, &keep, err,
                 sizeof(err)) != 0)
        return fail_usage("%s%s", err, "");
    int rc = open_db(o, HISTORY_MUST_EXIST, &db);
    if (rc != 0)
        return rc;
    if (history_prune(db, o->name, (size_t)keep, &removed, err,
                      sizeof(err)) != 0) {
        fprintf(stderr, "poolbench history: %s\n", err);
        rc = EXIT_RUN_FAILED;
    } else {
        printf("pruned %zu run%s\n", removed, removed == 1 ? "" : "s");
    }
    history_close(db);
    return rc;
}

static int history_cmd_trend(int argc, char **argv, struct hopts *o)
{
    char err[ERR_LEN];
    struct history *db = NULL;
    struct trend_filter *f = &o->filter;
    if (optind < argc)
        return fail_usage("trend: unexpected argument '%s'%s", argv[optind],
                          "");
    if (o->output == NULL)
        return fail_usage("trend: -o DIR is required%s%s", "", "");
    f->name = o->name;
    int n;
    if (o->lists[0] != NULL) {
        n = args_split("-w", o->lists[0], f->workloads, TREND_MAX_FILTER,
                       err, sizeof(err));
        if (n < 0)
            return fail_usage("%s%s", err, "");
        f->nworkloads = (size_t)n;
    }
    if (o->lists[1] != NULL) {
        n = args_split("-e", o->lists[1], f->executors, TREND_MAX_FILTER,
                       err, sizeof(err));
        if (n < 0)
            return fail_usage("%s%s", err, "");
        f->nexecutors = (size_t)n;
    }
    if (o->lists[2] != NULL) {
        char *items[TREND_MAX_FILTER];
        n = args_split("-j", o->lists[2], items, TREND_MAX_FILTER, err,
                       sizeof(err));
        if (n < 0)
            return fail_usage("%s%s", err, "");
        for (int k = 0; k < n; k++) {
            uint64_t w;
            if (args_u64("-j", items[k], 1, 1u << 20, &w, err,
                         sizeof(err)) != 0)
                return fail_usage("%s%s", err, "");
            f->workers[f->nworkers++] = (unsigned)w;
        }
    }
    int rc = open_db(o, HISTORY_READ_ONLY, &db);
    if (rc != 0)
        return rc;
    size_t ncharts = 0;
    struct trend *t = NULL;
    if (trend_begin(f, o->output, &t, err, sizeof(err)) != 0 ||
        history_points(db, f->name, trend_add, t, err, sizeof(err)) != 0 ||
        trend_end(t, &ncharts, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench history: %s\n", err);
        rc = EXIT_USAGE;
    } else if (ncharts == 0) {
        fprintf(stderr, "poolbench history: no stored configuration "
                "matches%s; see poolbench history list\n",
                o->name != NULL ? " in runs of that name" : "");
        rc = EXIT_USAGE;
    }
    trend_free(t);
    history_close(db);
    return rc;
}

static int history_cmd_check(int argc, char **argv, struct hopts *o)
{
    char err[ERR_LEN];
    struct history *db = NULL;
    if (optind < argc)
        return fail_usage("check: unexpected argument '%s'%s", argv[optind],
                          "");
    int rc = open_db(o, HISTORY_READ_ONLY, &db);
    if (rc != 0)
        return rc;
    if (history_integrity_check(db, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench history: %s\n", err);
        rc = EXIT_RUN_FAILED;
    } else {
        printf("ok (schema version %d)\n", history_schema_version(db));
    }
    history_close(db);
    return rc;
}

/* The subcommands: name, the option letters each takes (D: --db is
 * always taken; N --name, K --keep), and the function. */
static const struct {
    const char *name;
    const char *opts;
    int (*fn)(int argc, char **argv, struct hopts *o);
} subs[] = {
    { "add", "N", history_cmd_add },
    { "list", "N", history_cmd_list },
    { "show", "", history_cmd_show },
    { "export", "o", history_cmd_export },
    { "prune", "KN", history_cmd_prune },
    { "trend", "Nowejp", history_cmd_trend },
    { "check", "", history_cmd_check },
};

#define NSUBS (sizeof(subs) / sizeof(subs[0]))

int cmd_history(int argc, char **argv)
{
    if (argc < 2)
        return fail_usage("expected a subcommand: add, list, show, export, "
                          "prune, trend or check%s%s", "", "");
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    for (size_t k = 0; k < NSUBS; k++) {
        if (strcmp(argv[1], subs[k].name) != 0)
            continue;
        struct hopts o = { 0 };
        char err[ERR_LEN];
        int rc = parse(argc - 1, argv + 1, subs[k].opts, &o, err,
                       sizeof(err));
        if (rc == ARGS_HELP) {
            fputs(usage_text, stdout);
            rc = 0;
        } else if (rc != 0) {
            rc = fail_usage("%s%s", err, "");
        } else {
            rc = subs[k].fn(argc - 1, argv + 1, &o);
        }
        for (size_t l = 0; l < 3; l++)
            free(o.lists[l]);
        return rc;
    }
    return fail_usage("unknown subcommand '%s'; expected add, list, show, "
                      "export, prune, trend or check%s", argv[1], "");
}

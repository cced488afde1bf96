/* compare.c - the `poolbench compare` command line: two files, or a
 * new file against stored runs of the history database (--baseline NAME
 * [--window K]). */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "compare_scaling.h"
#include "compare.h"
#include "exit.h"
#include "history.h"
#include "suggest.h"

static void usage(FILE *f)
{
    char names[128];
    compare_format_names(names, sizeof(names));
    fprintf(f,
"usage: poolbench compare BASE.json NEW.json [options]\n"
"       poolbench compare --baseline NAME[@COMMIT] NEW.json [--window K]\n"
"                         [options]\n"
"       poolbench compare [--paired] AB.json [--allow-unmatched] [options]\n"
"\n"
"Match the configurations of two results files (same workload, executor,\n"
"workers, mode, chunk, transport and params) and test each for a real\n"
"change: both medians, the ratio new/base with a 95%% confidence interval\n"
"(Hodges-Lehmann/Moses, distribution-free), and the two-sided Mann-Whitney\n"
"U p-value on the raw samples (exact up to %d samples per side without\n"
"ties, else normal approximation with tie and continuity correction),\n"
"corrected for testing many rows at once.\n"
"\n"
"      --baseline NAME    the base is the newest run stored as NAME (run\n"
"                         --save NAME) on this machine (same fingerprint\n"
"                         as NEW.json); NAME@COMMIT: at that commit\n"
"      --window K         the last K (2..%d) runs of NAME: each\n"
"                         configuration's samples pooled over the runs\n"
"                         that have it, and a regression must also lie\n"
"                         outside the 95%% prediction interval of a run's\n"
"                         median (mean +- t(0.975, K-1) sd sqrt(1 + 1/K)\n"
"                         of the K runs' medians): run-to-run noise is no\n"
"                         alarm\n"
"      --db PATH          the history database (default $POOLBENCH_DB,\n"
"                         else %s)\n"
"      --threshold PCT    a regression is a configuration significantly\n"
"                         slower by more than PCT percent (default %g)\n"
"      --alpha A          significant means adjusted p < A, 0 < A < 1\n"
"                         (default %g)\n"
"      --correction C     holm (default): the chance of any false alarm\n"
"                         over all rows tested stays below alpha; bh\n"
"                         (Benjamini-Hochberg): false alarms are a\n"
"                         fraction alpha of the rows flagged; none: each\n"
"                         row alone at alpha\n"
"      --gate-on G        ratio (default): gate on the median ratio; ci:\n"
"                         on the bound of its 95%% interval nearest 1\n"
"      --metric M         per repetition, wall: wall_s; cpu: user_s +\n"
"                         sys_s; ns_per_task: wall_s * 1e9 / tasks\n"
"                         (default wall)\n"
"      --normalize speedup\n"
"                         compare speedup over %s (the fastest %s\n"
"                         median wall_s / each repetition's wall_s, within\n"
"                         each file, as `run` computes speedup) instead\n"
"                         of time: how well each executor scales, not how\n"
"                         fast the clock is; workers given as -j cpus or\n"
"                         2xcpus match across machines by that name;\n"
"                         text and markdown then compare the scaling models\n"
"                         (contention, crosstalk with 95%% intervals)\n"
"      --format F         %s (default text); markdown (a CI job\n"
"                         summary) opens with the verdict\n"
"      --paired           AB.json is an A/B run (run --plugin base=OLD.so\n"
"                         --plugin new=NEW.so, or poolbench ab): each\n"
"                         configuration's new/base per round, Wilcoxon\n"
"                         signed-rank test on the log ratios, the\n"
"                         Hodges-Lehmann ratio with its 95%% interval and\n"
"                         the slowdown it could detect (80%% power); the\n"
"                         default for one file with two sides\n"
"      --allow-unmatched  configurations not compared (only in one file,\n"
"                         too few samples, failed, or not tested: the\n"
"                         slowdown they could detect is above the\n"
"                         threshold) do not fail the gate\n"
"  -h, --help             this help\n"
"\n"
"The first line says \"compared N of M configurations\". A configuration\n"
"matches on what was chosen (workers and chunk as given: -j cpus, chunk\n"
"auto), not on what calibration decided; where task counts differ,\n"
"per-task time is compared and the row says so. Verdicts: faster or\n"
"slower (adjusted p < alpha), same (with the smallest slowdown it could\n"
"detect: \"same; could detect >= 12%%\"), not tested (that slowdown is\n"
"above the threshold), too few samples (fewer than %d on a side),\n"
"failed. Under --normalize speedup, slower means scales worse.\n"
"Exit status: 0 no regression, 1 a regression, 2 bad usage or unusable\n"
"input: also when nothing matched, a configuration was not compared\n"
"(without --allow-unmatched), or no regression could be flagged at these\n"
"repetitions; 4 no stored run named NAME for this machine, or fewer\n"
"than 2 under --window (no baseline).\n",
            STATS_MWU_EXACT_MAX, COMPARE_WINDOW_MAX, HISTORY_DEFAULT_DB,
            COMPARE_DEFAULT_THRESHOLD_PCT, COMPARE_DEFAULT_ALPHA,
            VIEW_BASELINE_EXECUTOR, VIEW_BASELINE_EXECUTOR, names,
            COMPARE_MIN_SAMPLES);
}

/* The command line, parsed. */
struct cli {
    struct compare_options o;
    const char *paths[2];   /* BASE.json NEW.json, or NEW.json in [1] */
    const char *baseline;   /* NAME[@COMMIT], or NULL */
    size_t window;          /* 0: none */
    const char *db;         /* --db, or NULL */
};

enum {
    O_THRESHOLD = 256, O_ALPHA, O_METRIC, O_NORMALIZE, O_FORMAT,
    O_BASELINE, O_WINDOW, O_CORRECTION, O_GATE_ON, O_DB, O_ALLOW,
};

/* Parse one option's value into c. Returns 0 or -1 with a message. */
static int parse_opt(int opt, const char *arg, struct cli *c, char *err,
                     size_t err_len)
{
    struct compare_options *o = &c->o;
    char names[128];
    int k;
    uint64_t u;
    switch (opt) {
    case O_THRESHOLD: return cli_compare_option('t', arg, o, err, err_len);
    case O_ALPHA: return cli_compare_option('a', arg, o, err, err_len);
    case O_METRIC: return cli_compare_option('m', arg, o, err, err_len);
    case O_NORMALIZE:
        if (strcmp(arg, "speedup") != 0) {
            snprintf(err, err_len, "--normalize '%s': expected speedup",
                     arg);
            return -1;
        }
        o->normalize_speedup = 1;
        return 0;
    case O_FORMAT:
        k = compare_format_find(arg);
        if (k < 0) {
            compare_format_names(names, sizeof(names));
            snprintf(err, err_len, "--format '%s': expected %s", arg,
                     names);
            return -1;
        }
        o->format = (enum compare_format)k;
        return 0;
    case O_CORRECTION:
        return cli_compare_option('c', arg, o, err, err_len);
    case O_GATE_ON:
        k = args_choice("ratio|ci", arg);
        if (k < 0) {
            snprintf(err, err_len, "--gate-on '%s': expected ratio or ci",
                     arg);
            return -1;
        }
        o->gate_on_ci = k == 1;
        return 0;
    case O_BASELINE:
        c->baseline = arg;
        return 0;
    case O_WINDOW:
        if (args_u64("--window", arg, 2, COMPARE_WINDOW_MAX, &u, err,
                     err_len) != 0) {
            snprintf(err, err_len, "--window '%s': expected a number of "
                     "runs from 2 to %d", arg, COMPARE_WINDOW_MAX);
            return -1;
        }
        c->window = (size_t)u;
        return 0;
    case O_DB:
        c->db = arg;
        return 0;
    case O_ALLOW:
        o->allow_unmatched = 1;
        return 0;
    }
    snprintf(err, err_len, "internal error: option %d", opt);
    return -1;
}

/* Check what the options say together, and take the paths. */
static int check_cli(int argc, char **argv, struct cli *c, char *err,
                     size_t err_len)
{
    int want = c->baseline != NULL ? 1 : 2;
    int got = argc - optind;
    if (c->o.normalize_speedup && c->o.metric != COMPARE_WALL) {
        snprintf(err, err_len, "--normalize speedup works on wall time; "
                 "drop --metric %s", c->o.metric == COMPARE_CPU
                                         ? "cpu" : "ns_per_task");
        return -1;
    }
    if (c->window > 0 && c->baseline == NULL) {
        snprintf(err, err_len, "--window takes the last runs of a stored "
                 "name; add --baseline NAME");
        return -1;
    }
    if (c->window > 0 && strchr(c->baseline, '@') != NULL) {
        snprintf(err, err_len, "--window takes the last runs of NAME, not "
                 "of one commit; drop @COMMIT from --baseline");
        return -1;
    }
    if (got != want) {
        if (got > want)
            snprintf(err, err_len, "unexpected argument '%s'; expected %s",
                     argv[optind + want], want == 1 ? "NEW.json after "
                     "--baseline" : "BASE.json NEW.json");
        else if (want == 1)
            snprintf(err, err_len, "expected the new results file after "
                     "--baseline NAME; got none");
        else
            snprintf(err, err_len, "expected two results files, BASE.json "
                     "NEW.json; got %d (see `poolbench compare --help`)",
                     got);
        return -1;
    }
    c->paths[0] = want == 2 ? argv[optind] : NULL;
    c->paths[1] = argv[optind + want - 1];
    return 0;
}

/* Parse argv into *c. Returns 0, 1 for --help, or -1 with a message. */
static int parse_args(int argc, char **argv, struct cli *c, char *err,
                      size_t err_len)
{
    static const struct option longopts[] = {
        { "threshold", required_argument, NULL, O_THRESHOLD },
        { "alpha", required_argument, NULL, O_ALPHA },
        { "metric", required_argument, NULL, O_METRIC },
        { "normalize", required_argument, NULL, O_NORMALIZE },
        { "format", required_argument, NULL, O_FORMAT },
        { "baseline", required_argument, NULL, O_BASELINE },
        { "window", required_argument, NULL, O_WINDOW },
        { "correction", required_argument, NULL, O_CORRECTION },
        { "gate-on", required_argument, NULL, O_GATE_ON },
        { "db", required_argument, NULL, O_DB },
        { "allow-unmatched", no_argument, NULL, O_ALLOW },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    memset(c, 0, sizeof(*c));
    c->o.threshold_pct = COMPARE_DEFAULT_THRESHOLD_PCT;
    c->o.alpha = COMPARE_DEFAULT_ALPHA;
    c->o.metric = COMPARE_WALL;
    c->o.format = COMPARE_TEXT;
    c->o.correction = COMPARE_HOLM;
    optind = 0; /* a full restart of getopt, for callers that parse twice */
    opterr = 0;
    for (;;) {
        int opt = getopt_long(argc, argv, ":h", longopts, NULL);
        if (opt == -1)
            break;
        if (opt == 'h') {
            usage(stdout);
            return 1;
        }
        if (opt == ':') {
            snprintf(err, err_len, "option '%s' needs a value; see "
                     "`poolbench compare --help`", argv[optind - 1]);
            return -1;
        }
        if (opt == '?') {
            char hint[96];
            snprintf(err, err_len, "unknown option '%s'%s; see "
                     "`poolbench compare --help`", argv[optind - 1],
                     suggest_option(argv[optind - 1], longopts, hint,
                                    sizeof(hint)));
            return -1;
        }
        if (parse_opt(opt, optarg, c, err, err_len) != 0)
            return -1;
    }
    return check_cli(argc, argv, c, err, err_len);
}

/* The stored base runs of --baseline: loaded into runs[0..*n) (newest
 * first), with a label for the report in name. Returns 0; HISTORY_NOT_FOUND
 * (no database, no such run on this machine, fewer than 2 for --window);
 * or -1 with a message (a bad name, a database error). */
static int load_baseline(const struct cli *c,
                         const struct results_file *new_file,
                         struct results_file *runs, size_t *n, char *name,
                         size_t name_len, char *err, size_t err_len)
{
    struct history *db = NULL;
    long long ids[COMPARE_WINDOW_MAX];
    char fp[17], spec[HISTORY_NAME_MAX + 64];
    const char *path = history_default_path(c->db);
    int rc = -1;
    *n = 0;
    snprintf(spec, sizeof(spec), "%s", c->baseline);
    char *at = strrchr(spec, '@');
    if (at != NULL)
        *at++ = '\0';
    if (history_check_name(spec, err, err_len) != 0)
        return -1;
    if (new_file->nmachines == 0 || new_file->nrows == 0) {
        snprintf(err, err_len, "%s: results is empty; nothing to compare",
                 new_file->path);
        return -1;
    }
    size_t mi = new_file->rows[0].machine_index;
    history_fingerprint(&new_file->machines[mi < new_file->nmachines ? mi
                                                                     : 0],
                        fp, NULL, 0);
    rc = history_open(path, HISTORY_READ_ONLY, &db, err, err_len);
    if (rc != 0)
        return rc == HISTORY_NOT_FOUND ? HISTORY_NOT_FOUND : -1;
    size_t k = c->window > 0 ? c->window : 1, got = 0;
    if (at != NULL)
        rc = history_by_commit(db, spec, at, fp, &ids[0], err, err_len);
    else
        rc = history_last_k(db, spec, fp, k, ids, &got, err, err_len);
    if (rc != 0) {
        if (rc == HISTORY_NOT_FOUND) {
            size_t used = strlen(err);
            snprintf(err + used, err_len - used, " (the machine of %s); "
                     "store one with `poolbench run --save %s`",
                     new_file->path, spec);
            rc = HISTORY_NOT_FOUND;
        } else {
            rc = -1;
        }
        goto out;
    }
    if (at != NULL)
        got = 1;
    if (c->window > 0 && got < 2) {
        snprintf(err, err_len, "--window %zu: only 1 run named '%s' on the "
                 "machine of %s in %s; a between-run bound needs 2 or more",
                 c->window, spec, new_file->path, history_where(db));
        /* Not enough baseline yet (a new runner): no baseline, which CI
         * may take as a warning, rather than bad usage. */
        rc = HISTORY_NOT_FOUND;
        goto out;
    }
    for (size_t i = 0; i < got; i++) {
        if (history_load_run(db, ids[i], &runs[i], err, err_len) != 0) {
            rc = -1;
            goto out;
        }
        (*n)++;
    }
    if (got == 1)
        snprintf(name, name_len, "%s run %lld%s%.12s", spec, ids[0],
                 runs[0].machines[0].git_commit != NULL ? " at " : "",
                 runs[0].machines[0].git_commit != NULL
                     ? runs[0].machines[0].git_commit : "");
    else
        snprintf(name, name_len, "%s, last %zu runs (%lld..%lld)", spec,
                 got, ids[got - 1], ids[0]);
    rc = 0;
out:
    history_close(db);
    return rc;
}

int cmd_compare(int argc, char **argv)
{
    struct cli c;
    char err[1024], base_label[HISTORY_NAME_MAX + 128];
    struct results_file new_file, *runs = NULL;
    const struct results_file **bases = NULL;
    struct compare_report r;
    size_t nruns = 0;
    int rc = cli_compare_paired(argc, argv); /* one A/B file, --paired */
    if (rc >= 0)
        return rc;
    rc = parse_args(argc, argv, &c, err, sizeof(err));
    if (rc > 0)
        return 0;
    if (rc < 0) {
        results_term_safe(err, sizeof(err));
        fprintf(stderr, "poolbench compare: %s\n", err);
        return EXIT_USAGE;
    }
    size_t max = c.window > 0 ? c.window : 1;
    runs = calloc(max, sizeof(*runs));
    bases = calloc(max, sizeof(*bases));
    if (runs == NULL || bases == NULL) {
        free(runs);
        free(bases);
        fprintf(stderr, "poolbench compare: out of memory\n");
        return EXIT_USAGE;
    }
    memset(&new_file, 0, sizeof(new_file));
    rc = EXIT_USAGE;
    if (c.baseline == NULL) {
        if (results_load(c.paths[0], &runs[0], err, sizeof(err)) != 0)
            goto fail;
        nruns = 1;
    }
    if (results_load(c.paths[1], &new_file, err, sizeof(err)) != 0)
        goto fail;
    if (c.baseline != NULL) {
        int got = load_baseline(&c, &new_file, runs, &nruns, base_label,
                                sizeof(base_label), err, sizeof(err));
        if (got == HISTORY_NOT_FOUND)
            rc = EXIT_NO_BASELINE;
        if (got != 0)
            goto fail;
    }
    for (size_t k = 0; k < nruns; k++)
        bases[k] = &runs[k];
    if (compare_runs(bases, nruns, &new_file, &c.o, &r, err,
                     sizeof(err)) != 0)
        goto fail;
    if (c.baseline != NULL)
        r.base_name = base_label;
    if (compare_print(stdout, &r) != 0) {
        fprintf(stderr, "poolbench compare: cannot write the report to "
                "standard output\n");
        compare_report_free(&r);
        goto out;
    }
    rc = compare_status(&r);
    if (rc != 0 && r.regressions == 0 && r.cannot_fire) {
        compare_cannot_fire_text(&r, err, sizeof(err));
        fprintf(stderr, "poolbench compare: %s\n", err);
    } else if (rc != 0 && r.regressions == 0) {
        fprintf(stderr, "poolbench compare: %zu of %zu configurations not "
                "compared (listed above); --allow-unmatched accepts "
                "that\n", r.nconfigs - r.ncompared, r.nconfigs);
    }
    compare_report_free(&r);
    /* Across machines, what the scaling models say. */
    if (c.o.normalize_speedup && nruns == 1 &&
        (c.o.format == COMPARE_TEXT || c.o.format == COMPARE_MARKDOWN) &&
        compare_scaling_print(stdout, c.o.format == COMPARE_MARKDOWN,
                              bases[0], &new_file, err, sizeof(err)) != 0)
        goto fail;
    goto out;
fail:
    if (results_out_of_memory())
        rc = EXIT_RUN_FAILED; /* not a bad file: memory ran out */
    results_term_safe(err, sizeof(err)); /* quotes the files */
    fprintf(stderr, "poolbench compare: %s\n", err);
out:
    results_free(&new_file);
    for (size_t k = 0; k < max; k++)
        results_free(&runs[k]);
    free(runs);
    free(bases);
    return rc;
}

/* compare_paired.c - `poolbench compare AB.json` and `compare --paired
 * AB.json`: the command line of the paired comparison (analyze/paired.h).
 * cli/compare.c hands argv here first. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "exit.h"
#include "cli.h"
#include "paired.h"

/* compare's options that take a value, for the scan below. */
static const char *const valued[] = {
    "--threshold", "--alpha", "--metric", "--normalize", "--format",
    "--baseline", "--window", "--correction", "--gate-on", "--db", NULL,
};

/* Is argv a paired comparison? --paired, or one file and no
 * --baseline. */
static int wants_paired(int argc, char **argv)
{
    int files = 0, paired = 0, baseline = 0;
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k];
        if (strcmp(a, "--") == 0) {
            files += argc - k - 1;
            break;
        }
        if (strcmp(a, "--paired") == 0)
            paired = 1;
        if (strncmp(a, "--baseline", 10) == 0)
            baseline = 1;
        if (a[0] != '-' || a[1] == '\0') {
            files++;
            continue;
        }
        for (size_t v = 0; valued[v] != NULL; v++)
            if (strcmp(a, valued[v]) == 0)
                k++;
    }
    return paired || (files == 1 && !baseline);
}

enum {
    O_THRESHOLD = 256, O_ALPHA, O_METRIC, O_FORMAT, O_CORRECTION, O_PAIRED,
    O_ALLOW,
};

static int parse_opt(int opt, const char *arg, struct paired_report *r,
                     char *err, size_t err_len)
{
    struct compare_options *o = &r->opt;
    int k;
    switch (opt) {
    case O_THRESHOLD: return cli_compare_option('t', arg, o, err, err_len);
    case O_ALPHA: return cli_compare_option('a', arg, o, err, err_len);
    case O_METRIC: return cli_compare_option('m', arg, o, err, err_len);
    case O_FORMAT:
        k = args_choice("text|markdown|json", arg);
        if (k < 0) {
            snprintf(err, err_len, "--format '%s': a paired comparison "
                     "prints text, markdown or json", arg);
            return -1;
        }
        o->format = k == 0 ? COMPARE_TEXT : k == 1 ? COMPARE_MARKDOWN
                                                   : COMPARE_JSON;
        return 0;
    case O_CORRECTION:
        return cli_compare_option('c', arg, o, err, err_len);
    case O_PAIRED:
        return 0;
    case O_ALLOW:
        r->allow_untested = 1;
        return 0;
    }
    snprintf(err, err_len, "internal error: option %d", opt);
    return -1;
}

/* Parse argv into r's options and *path. Returns 0, or -1 with a
 * message. */
static int parse_args(int argc, char **argv, struct paired_report *r,
                      const char **path, char *err, size_t err_len)
{
    static const struct option longopts[] = {
        { "threshold", required_argument, NULL, O_THRESHOLD },
        { "alpha", required_argument, NULL, O_ALPHA },
        { "metric", required_argument, NULL, O_METRIC },
        { "format", required_argument, NULL, O_FORMAT },
        { "correction", required_argument, NULL, O_CORRECTION },
        { "paired", no_argument, NULL, O_PAIRED },
        { "allow-unmatched", no_argument, NULL, O_ALLOW },
        { 0 },
    };
    r->opt.threshold_pct = COMPARE_DEFAULT_THRESHOLD_PCT;
    r->opt.alpha = COMPARE_DEFAULT_ALPHA;
    optind = 0;
    opterr = 0;
    for (;;) {
        int opt = getopt_long(argc, argv, ":", longopts, NULL);
        if (opt == -1)
            break;
        if (opt == ':') {
            snprintf(err, err_len, "option '%s' needs a value; see "
                     "`poolbench compare --help`", argv[optind - 1]);
            return -1;
        }
        if (opt == '?') {
            snprintf(err, err_len, "%s: not an option of a paired "
                     "comparison (--threshold, --alpha, --metric, "
                     "--format, --correction, --allow-unmatched)",
                     argv[optind - 1]);
            return -1;
        }
        if (parse_opt(opt, optarg, r, err, err_len) != 0)
            return -1;
    }
    if (argc - optind != 1) {
        snprintf(err, err_len, "--paired takes one A/B results file (run "
                 "--plugin base=OLD.so --plugin new=NEW.so, or poolbench "
                 "ab); got %d", argc - optind);
        return -1;
    }
    *path = argv[optind];
    return 0;
}

int cli_compare_paired(int argc, char **argv)
{
    struct paired_report r, opts;
    struct results_file f;
    const char *path = NULL;
    char err[1024];
    for (int k = 1; k < argc; k++)
        if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0)
            return -1; /* compare's help covers both */
    if (!wants_paired(argc, argv))
        return -1;
    memset(&opts, 0, sizeof(opts));
    memset(&f, 0, sizeof(f));
    if (parse_args(argc, argv, &opts, &path, err, sizeof(err)) != 0 ||
        results_load(path, &f, err, sizeof(err)) != 0)
        goto fail;
    if (!paired_is_ab(&f)) {
        int asked = 0;
        for (int k = 1; k < argc; k++)
            asked |= strcmp(argv[k], "--paired") == 0;
        results_free(&f);
        if (!asked)
            return -1; /* one plain file: compare says what it needs */
        snprintf(err, sizeof(err), "%s: not an A/B run (no row has a "
                 "side); make one with run --plugin base=OLD.so --plugin "
                 "new=NEW.so or poolbench ab", path);
        goto fail;
    }
    if (paired_analyze(&f, &opts.opt, &r, err, sizeof(err)) != 0)
        goto fail;
    r.allow_untested = opts.allow_untested;
    int rc = paired_print(stdout, &r) != 0 ? EXIT_USAGE
                                           : paired_exit_status(&r);
    paired_report_free(&r);
    results_free(&f);
    return rc;
fail:
    results_term_safe(err, sizeof(err));
    fprintf(stderr, "poolbench compare: %s\n", err);
    results_free(&f);
    return EXIT_USAGE;
}

/* args.c - strict parsing of command-line numbers and lists. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

int args_u64(const char *what, const char *text, uint64_t min, uint64_t max,
             uint64_t *out, char *err, size_t err_len)
{
    const char *p = text;
    while (*p == ' ')
        p++;
    if (*p < '0' || *p > '9')
        goto bad;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(p, &end, 10);
    if (errno != 0 || end == p || *end != '\0')
        goto bad;
    if (v < min || v > max)
        goto bad;
    *out = v;
    return 0;
bad:
    snprintf(err, err_len,
             "%s '%s': expected a whole number from %" PRIu64 " to %" PRIu64,
             what, text, min, max);
    return -1;
}

int args_i64(const char *what, const char *text, int64_t min, int64_t max,
             int64_t *out, char *err, size_t err_len)
{
    errno = 0;
    char *end = NULL;
    long long v = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < min || v > max) {
        snprintf(err, err_len,
                 "%s '%s': expected a whole number from %" PRId64
                 " to %" PRId64, what, text, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int args_double(const char *what, const char *text, double min, double max,
                double *out, char *err, size_t err_len)
{
    errno = 0;
    char *end = NULL;
    double v = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !isfinite(v) ||
        v < min || v > max) {
        snprintf(err, err_len, "%s '%s': expected a number from %g to %g",
                 what, text, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int args_split(const char *what, char *text, char **items, size_t max,
               char *err, size_t err_len)
{
    size_t n = 0;
    char *p = text;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma != NULL)
            *comma = '\0';
        if (*p == '\0') {
            snprintf(err, err_len, "%s: empty item in the list; expected "
                     "comma-separated values like a,b", what);
            return -1;
        }
        for (size_t k = 0; k < n; k++)
            if (strcmp(items[k], p) == 0) {
                snprintf(err, err_len, "%s: '%s' is listed twice", what, p);
                return -1;
            }
        if (n == max) {
            snprintf(err, err_len, "%s: more than %zu items", what, max);
            return -1;
        }
        items[n++] = p;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return (int)n;
}

int args_choice(const char *choices, const char *word)
{
    size_t wlen = strlen(word);
    int k = 0;
    const char *p = choices;
    while (p != NULL && *p != '\0') {
        const char *bar = strchr(p, '|');
        size_t len = bar != NULL ? (size_t)(bar - p) : strlen(p);
        if (len == wlen && strncmp(p, word, len) == 0)
            return k;
        k++;
        p = bar != NULL ? bar + 1 : NULL;
    }
    return -1;
}

int args_output_only(const char *cmd, int argc, char **argv,
                     const char **output, char *err, size_t err_len)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    optind = 0; /* a full restart of getopt: commands may run twice */
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":o:h", longopts, NULL);
        if (c == -1)
            return 0;
        switch (c) {
        case 'o':
            if (optarg[0] == '\0') {
                snprintf(err, err_len, "-o: empty file name");
                return -1;
            }
            *output = optarg;
            break;
        case 'h':
            return ARGS_HELP;
        case ':':
            snprintf(err, err_len, "option '%s' needs a value; see "
                     "`poolbench %s --help`", argv[optind - 1], cmd);
            return -1;
        default:
            snprintf(err, err_len, "unknown option '%s'; see `poolbench %s "
                     "--help`", argv[optind - 1], cmd);
            return -1;
        }
    }
}

/* sweep.c - worker sweeps (see sweep.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep.h"

/* Append count w with spec (NULL: the number) unless it is already the
 * last; -1 when full. */
static int push(unsigned w, const char *spec, unsigned *out,
                char (*specs)[SWEEP_SPEC_LEN], size_t cap, size_t *n)
{
    if (*n > 0 && out[*n - 1] >= w)
        return 0;
    if (*n >= cap)
        return -1;
    out[*n] = w;
    if (spec != NULL)
        snprintf(specs[*n], SWEEP_SPEC_LEN, "%s", spec);
    else
        snprintf(specs[*n], SWEEP_SPEC_LEN, "%u", w);
    (*n)++;
    return 0;
}

/* A whole number in 1..max from the text s (all of it). */
static int number(const char *s, unsigned max, unsigned *v)
{
    char *end;
    if (*s < '0' || *s > '9')
        return -1;
    unsigned long x = strtoul(s, &end, 10);
    if (*end != '\0' || x < 1 || x > max)
        return -1;
    *v = (unsigned)x;
    return 0;
}

/* lo, the powers of two between, and hi. */
static int range(unsigned lo, unsigned hi, unsigned *out,
                 char (*specs)[SWEEP_SPEC_LEN], size_t cap, size_t *n)
{
    if (push(lo, NULL, out, specs, cap, n) != 0)
        return -1;
    for (unsigned p = 1; p < hi; p *= 2)
        if (p > lo && push(p, NULL, out, specs, cap, n) != 0)
            return -1;
    return push(hi, NULL, out, specs, cap, n);
}

int sweep_expand(const char *text, long cpus, unsigned max, unsigned *out,
                 char (*specs)[SWEEP_SPEC_LEN], size_t cap, size_t *n,
                 char *err, size_t err_len)
{
    unsigned c = cpus > 0 ? (unsigned)cpus : 1, lo, hi;
    const char *dots = strstr(text, "..");
    int rc = 0;
    *n = 0;
    if (strcmp(text, "sweep") == 0) {
        for (unsigned p = 1; p < c && rc == 0; p *= 2)
            rc = push(p, NULL, out, specs, cap, n);
        if (rc == 0)
            rc = push(c < max ? c : max, "cpus", out, specs, cap, n);
        if (rc == 0)
            rc = push(2 * c < max ? 2 * c : max, "2xcpus", out, specs, cap,
                      n);
    } else if (strncmp(text, "sweep:", 6) == 0) {
        if (number(text + 6, max, &hi) != 0) {
            snprintf(err, err_len, "-j/--workers '%s': expected sweep:M "
                     "with M a whole number from 1 to %u", text, max);
            return -1;
        }
        rc = range(1, hi, out, specs, cap, n);
    } else if (dots != NULL) {
        char first[32];
        snprintf(first, sizeof(first), "%.*s", (int)(dots - text), text);
        if (number(first, max, &lo) != 0 || number(dots + 2, max, &hi) ||
            lo > hi) {
            snprintf(err, err_len, "-j/--workers '%s': expected A..B with "
                     "whole numbers 1 <= A <= B <= %u, such as 1..64", text,
                     max);
            return -1;
        }
        rc = range(lo, hi, out, specs, cap, n);
    } else {
        return 0;
    }
    if (rc != 0) {
        snprintf(err, err_len, "-j/--workers '%s': more than %zu worker "
                 "counts", text, cap);
        return -1;
    }
    return 1;
}

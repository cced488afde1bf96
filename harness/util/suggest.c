/* suggest.c - "did you mean" by edit distance (see suggest.h). */
#include <stdio.h>
#include <string.h>

#include <getopt.h>

#include "suggest.h"

#define SUGGEST_MAX_LEN 64

/* Optimal string alignment distance (Damerau-Levenshtein without
 * repeated edits of one substring), or SUGGEST_MAX_LEN when a string is
 * too long to be a name worth suggesting. */
static size_t distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    size_t d[SUGGEST_MAX_LEN + 1][SUGGEST_MAX_LEN + 1];
    if (na > SUGGEST_MAX_LEN || nb > SUGGEST_MAX_LEN)
        return SUGGEST_MAX_LEN;
    for (size_t i = 0; i <= na; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[na][nb];
}

const char *suggest_closest(const char *word, const char *const *candidates,
                            size_t n)
{
    size_t limit = strlen(word) / 3;
    const char *best = NULL;
    size_t best_d = 0;
    if (limit < 1)
        limit = 1;
    if (limit > 3)
        limit = 3;
    for (size_t k = 0; k < n; k++) {
        if (candidates[k] == NULL)
            continue;
        size_t d = distance(word, candidates[k]);
        if (d <= limit && (best == NULL || d < best_d)) {
            best = candidates[k];
            best_d = d;
        }
    }
    return best;
}

char *suggest_hint(const char *word, const char *const *candidates,
                   size_t n, char *buf, size_t len)
{
    const char *s = suggest_closest(word, candidates, n);
    if (len > 0)
        buf[0] = '\0';
    if (s != NULL)
        snprintf(buf, len, " (did you mean '%s'?)", s);
    return buf;
}

char *suggest_option(const char *arg, const struct option *longopts,
                     char *buf, size_t len)
{
    const char *names[128];
    char word[64];
    size_t n = 0;
    if (len > 0)
        buf[0] = '\0';
    if (strncmp(arg, "--", 2) != 0)
        return buf;
    for (; longopts[n].name != NULL && n < 128; n++)
        names[n] = longopts[n].name;
    snprintf(word, sizeof(word), "%s", arg + 2);
    word[strcspn(word, "=")] = '\0';
    const char *close = suggest_closest(word, names, n);
    if (close != NULL)
        snprintf(buf, len, " (did you mean '--%s'?)", close);
    return buf;
}

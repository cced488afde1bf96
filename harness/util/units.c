/* units.c - times for people, from one table of units (as wrk's units.c):
 * the text of a time and the unit of a chart's axis cannot disagree. */
#include <math.h>
#include <stdio.h>

#include "units.h"

/* From the largest down: a time takes the first unit it reaches. */
static const struct time_unit {
    const char *name;
    double scale;    /* display value = seconds x scale */
    const char *fmt; /* digits shown */
} time_units[] = {
    { "s", 1, "%.3f s" },
    { "ms", 1e3, "%.3f ms" },
    { "us", 1e6, "%.1f us" },
    { "ns", 1e9, "%.1f ns" },
};

#define NUNITS (sizeof(time_units) / sizeof(time_units[0]))

/* The unit of time s: the largest it reaches, else the smallest. */
static const struct time_unit *unit_of(double s)
{
    for (size_t k = 0; k + 1 < NUNITS; k++)
        if (s * time_units[k].scale >= 1)
            return &time_units[k];
    return &time_units[NUNITS - 1];
}

void units_format_time(double s, char *buf, size_t len)
{
    if (!isfinite(s)) {
        snprintf(buf, len, "-");
        return;
    }
    const struct time_unit *u = unit_of(s);
    snprintf(buf, len, u->fmt, s * u->scale);
}

void units_time_scale(double max_s, double *scale, const char **unit)
{
    const struct time_unit *u = unit_of(max_s);
    *scale = u->scale;
    *unit = u->name;
}

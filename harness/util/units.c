/* units.c - numbers with their units, for people: times and sizes. */
#include <math.h>
#include <stdio.h>

#include "units.h"

void units_format_time(double s, char *buf, size_t len)
{
    if (!isfinite(s))
        snprintf(buf, len, "-");
    else if (s >= 1)
        snprintf(buf, len, "%.3f s", s);
    else if (s >= 1e-3)
        snprintf(buf, len, "%.3f ms", s * 1e3);
    else if (s >= 1e-6)
        snprintf(buf, len, "%.1f us", s * 1e6);
    else
        snprintf(buf, len, "%.1f ns", s * 1e9);
}

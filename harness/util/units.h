/* units.h - times for people, from one table of units. */
#ifndef POOLBENCH_UNITS_H
#define POOLBENCH_UNITS_H

#include <stddef.h>

/* A time in seconds as "1.234 s", "6.380 ms", "12.3 us" or "4.1 ns" into
 * buf (one format everywhere: tables, summaries, charts); "-" when s is
 * not finite. */
void units_format_time(double s, char *buf, size_t len);

/* The unit an axis of times up to max_s reads in (the same table): its
 * name ("s", "ms", "us", "ns") and the factor from seconds to it. */
void units_time_scale(double max_s, double *scale, const char **unit);

#endif /* POOLBENCH_UNITS_H */

/* units.h - numbers with their units, for people: times and sizes. */
#ifndef POOLBENCH_UNITS_H
#define POOLBENCH_UNITS_H

#include <stddef.h>

/* A time in seconds as "1.234 s", "6.380 ms", "12.3 us" or "4.1 ns" into
 * buf (one format everywhere: tables, summaries, charts); "-" when s is
 * not finite. */
void units_format_time(double s, char *buf, size_t len);

#endif /* POOLBENCH_UNITS_H */

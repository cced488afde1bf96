/* report_scaling.h - the report's scaling model table of an instance.
 * Not for other modules: use report.h. */
#ifndef POOLBENCH_REPORT_SCALING_H
#define POOLBENCH_REPORT_SCALING_H

#include <stddef.h>

#include "strbuf.h"
#include "view.h"

/* The scaling models of instance i of v as a table (a line when no
 * executor has enough worker counts; nothing without parallel rows). */
void report_scaling_table(struct strbuf *b, const struct results_view *v,
                          size_t i);

#endif /* POOLBENCH_REPORT_SCALING_H */

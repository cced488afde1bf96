/* findings_impl.h - what the findings modules share: findings_core.c
 * (adding a finding, shared comparisons) at the bottom; findings.c (the
 * list and the findings about one instance) calls findings_compare.c
 * (those that compare instances or delivery modes); neither is called
 * back. Not for other modules. */
#ifndef POOLBENCH_FINDINGS_IMPL_H
#define POOLBENCH_FINDINGS_IMPL_H

#include "findings.h"

#define FINDINGS_MAX_PAIRS 8 /* same-work pairs named per checksum */

/* The list being built. */
struct findings_ctx {
    const struct results_view *v;
    struct findings *out;
    int oom;                 /* an allocation failed */
};

/* Append a finding (text printf-style); sets c->oom when out of memory. */
void findings_add(struct findings_ctx *c, enum finding_kind kind,
                  size_t inst, size_t other, enum view_verdict verdict,
                  const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Whether two instances are of the same machine and run. */
int findings_same_part(const struct view_inst *a, const struct view_inst *b);

/* Where a's wall-time interval lies against b's. */
enum view_verdict findings_vs_wall(const struct view_row *a,
                                   const struct view_row *b);

/* (c) one parameter across its values, everything else equal. */
void findings_params(struct findings_ctx *c);

/* (d) workloads that did the same work. */
void findings_same_work(struct findings_ctx *c);

/* (e) ordered vs unordered delivery on instance i. */
void findings_delivery(struct findings_ctx *c, size_t i);

#endif /* POOLBENCH_FINDINGS_IMPL_H */

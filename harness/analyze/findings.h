/* findings.h - sentences computed from a results view, each naming what
 * it compares, each claiming a difference only when the 95% intervals
 * do not overlap (view_ci_verdict).
 *
 * Findings are data-driven: no workload or parameter name is known here.
 * A parameter that takes several values among instances of one workload
 * (everything else equal) is compared across its values; workloads that
 * did the same work (equal checksums for equal task counts, shared
 * parameters equal) are compared with each other. Renaming a workload or
 * a parameter in the file renames it in the sentence and nothing else.
 *
 * Every instance a finding compares belongs to one part (machine and
 * run) of the file: a merged file never compares across machines.
 */
#ifndef POOLBENCH_FINDINGS_H
#define POOLBENCH_FINDINGS_H

#include <stddef.h>

#include "view.h"

/* What a finding answers; findings_kind_question says it in words. */
enum finding_kind {
    FINDING_AT_CPUS = 0, /* each executor at the CPU count vs serial */
    FINDING_BEST,        /* the fastest configuration of an instance */
    FINDING_BREAKEVEN,   /* every parallel row lost to serial; where the
                            break-even between light and heavy lies */
    FINDING_PARAM,       /* one parameter's values, everything else equal */
    FINDING_SAME_WORK,   /* workloads with the same checksums */
    FINDING_DELIVERY,    /* ordered vs unordered: the first result */
    FINDING_OVERSUB,     /* more workers than CPUs, per executor */
    FINDING_NKINDS
};

/* One finding. */
struct finding {
    enum finding_kind kind;
    size_t inst;               /* the instance it is about (view insts),
                                  or FINDING_NONE when it is about several
                                  (oversubscription, break-even range) */
    size_t other;              /* the instance compared with, or
                                  FINDING_NONE */
    enum view_verdict verdict; /* what the intervals showed; VIEW_SAME
                                  when no difference is claimed */
    char text[768];            /* one sentence, plain text (escape it for
                                  a terminal or HTML) */
};

#define FINDING_NONE ((size_t)-1)

/* Every finding of one view, in kind order then instance order. */
struct findings {
    struct finding *items;     /* owned */
    size_t n, cap;
};

/* Compute the findings of v into *out (zeroed first). Linear in the rows
 * apart from sorting. Returns 0, or -1 with a message in err (out of
 * memory); *out is then empty. */
int findings_build(const struct results_view *v, struct findings *out,
                   char *err, size_t err_len);

/* Free what findings_build made; safe on a zeroed struct. */
void findings_free(struct findings *fs);

/* The question a kind answers ("Do more workers than CPUs help?"). */
const char *findings_kind_question(enum finding_kind kind);


/* A short name of a kind ("oversubscription"). */
const char *findings_kind_name(enum finding_kind kind);

#endif /* POOLBENCH_FINDINGS_H */

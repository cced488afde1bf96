/* findings_core.c - what every findings module builds on: the kinds
 * and their questions, adding a finding, and the comparisons they share.
 * findings.c and findings_compare.c call it; it calls neither, so the
 * modules call one way. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "findings_impl.h"

static const struct {
    const char *name;
    const char *question;
} kinds[FINDING_NKINDS] = {
    [FINDING_AT_CPUS] = { "at-cpus", "Processes, threads or futures, and "
                          "how many workers, for each workload?" },
    [FINDING_BEST] = { "best", "Which configuration is fastest?" },
    [FINDING_BREAKEVEN] = { "break-even", "When does a pool lose to the "
                            "plain loop (the seed's light tasks)?" },
    [FINDING_PARAM] = { "parameter", "What does each parameter change, "
                        "everything else equal?" },
    [FINDING_SAME_WORK] = { "same-work", "Workloads that did the same "
                            "work: which way is faster?" },
    [FINDING_DELIVERY] = { "delivery", "map or apply_async: when does the "
                           "first result arrive?" },
    [FINDING_OVERSUB] = { "oversubscription",
                          "Do more workers than CPUs help?" },
};

const char *findings_kind_question(enum finding_kind kind)
{
    return kind < FINDING_NKINDS ? kinds[kind].question : "?";
}

const char *findings_kind_name(enum finding_kind kind)
{
    return kind < FINDING_NKINDS ? kinds[kind].name : "?";
}

void findings_add(struct findings_ctx *c, enum finding_kind kind,
                  size_t inst, size_t other, enum view_verdict verdict,
                  const char *fmt, ...)
{
    struct findings *fs = c->out;
    if (fs->n == fs->cap) {
        size_t cap = fs->cap ? 2 * fs->cap : 16;
        struct finding *grown = realloc(fs->items, cap * sizeof(*grown));
        if (grown == NULL) {
            c->oom = 1;
            return;
        }
        fs->items = grown;
        fs->cap = cap;
    }
    struct finding *f = &fs->items[fs->n++];
    f->kind = kind;
    f->inst = inst;
    f->other = other;
    f->verdict = verdict;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->text, sizeof(f->text), fmt, ap);
    va_end(ap);
}

int findings_same_part(const struct view_inst *a, const struct view_inst *b)
{
    return a->machine == b->machine && a->run == b->run;
}

/* Where a's wall-time interval lies against b's. */
enum view_verdict findings_vs_wall(const struct view_row *a,
                                 const struct view_row *b)
{
    return view_ci_verdict(a->wall.ci95_low, a->wall.ci95_high,
                           b->wall.ci95_low, b->wall.ci95_high);
}

/* compare_scaling.c - under --normalize speedup, the scaling models of
 * the two files side by side (see compare_scaling.h): whose contention
 * or crosstalk is higher, said only when the 95% intervals do not
 * overlap. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compare_scaling.h"
#include "scaling.h"

/* The group of s for the same workload, params and executor as g of
 * view gv, or NULL. */
static const struct scaling_group *same_group(
    const struct results_view *gv, const struct scaling_group *g,
    const struct results_view *v, const struct scaling_set *s)
{
    const struct view_inst *gi = &gv->insts[g->inst];
    for (size_t k = 0; k < s->n; k++) {
        const struct view_inst *in = &v->insts[s->g[k].inst];
        if (strcmp(in->workload, gi->workload) == 0 &&
            strcmp(in->params, gi->params) == 0 &&
            strcmp(s->g[k].label, g->label) == 0)
            return &s->g[k];
    }
    return NULL;
}

static const char *word(enum view_verdict v)
{
    return v == VIEW_LOWER ? "lower" : v == VIEW_HIGHER ? "higher"
                                                        : "no different";
}

/* "contention 4.8% [4.5, 5.1] on A, 9.8% [9.0, 10.7] on B: higher on
 * B" for one parameter. */
static void one(FILE *out, const char *indent, const char *what,
                double a, double alo, double ahi, double b, double blo,
                double bhi)
{
    enum view_verdict v = view_ci_verdict(blo, bhi, alo, ahi);
    fprintf(out, "%s%s %.3g%% [%.3g, %.3g] on base, %.3g%% [%.3g, %.3g] "
            "on new: %s%s\n", indent, what, 100 * a, 100 * alo, 100 * ahi,
            100 * b, 100 * blo, 100 * bhi, word(v),
            v == VIEW_SAME ? " (intervals overlap)" : " on new");
}

static void pair(FILE *out, int markdown, const struct results_view *av,
                 const struct scaling_group *a,
                 const struct scaling_group *b)
{
    const struct scaling_model *ma = &a->m, *mb = &b->m;
    const char *in = markdown ? "  - " : "    ";
    char label[300];
    snprintf(label, sizeof(label), "%s", av->insts[a->inst].label);
    results_term_safe(label, sizeof(label));
    fprintf(out, markdown ? "- `%s`, %s:\n" : "  %s, %s:\n", label,
            a->label);
    if (ma->status != SCALING_FIT || mb->status != SCALING_FIT) {
        char wa[256], wb[256];
        scaling_describe(a, wa, sizeof(wa));
        scaling_describe(b, wb, sizeof(wb));
        fprintf(out, "%sbase %s\n%snew  %s\n", in, strchr(wa, ' ') + 1, in,
                strchr(wb, ' ') + 1);
        return;
    }
    one(out, in, "contention", ma->p.sigma, ma->sigma_lo, ma->sigma_hi,
        mb->p.sigma, mb->sigma_lo, mb->sigma_hi);
    if (ma->law == SCALING_USL || mb->law == SCALING_USL)
        one(out, in, "crosstalk", ma->p.kappa, ma->kappa_lo, ma->kappa_hi,
            mb->p.kappa, mb->kappa_lo, mb->kappa_hi);
}

int compare_scaling_print(FILE *out, int markdown,
                          const struct results_file *base,
                          const struct results_file *new_file, char *err,
                          size_t err_len)
{
    struct results_view av, bv;
    struct scaling_set as, bs;
    int rc = -1, header = 0;
    memset(&as, 0, sizeof(as));
    memset(&bs, 0, sizeof(bs));
    if (view_build(base, &av, err, err_len) != 0)
        return -1;
    if (view_build(new_file, &bv, err, err_len) != 0) {
        view_free(&av);
        return -1;
    }
    if (scaling_of_view(&av, &as, err, err_len) != 0 ||
        scaling_of_view(&bv, &bs, err, err_len) != 0)
        goto out;
    for (size_t k = 0; k < as.n; k++) {
        const struct scaling_group *b = same_group(&av, &as.g[k], &bv, &bs);
        if (b == NULL || (as.g[k].m.status == SCALING_TOO_FEW &&
                          b->m.status == SCALING_TOO_FEW))
            continue;
        if (!header)
            fprintf(out, markdown ? "\n### Scaling models\n\n95%% "
                    "intervals; a difference only where they do not "
                    "overlap.\n\n" : "\nscaling models (95%% intervals; "
                    "a difference only where they do not overlap):\n");
        header = 1;
        pair(out, markdown, &av, &as.g[k], b);
    }
    rc = 0;
out:
    scaling_set_free(&as);
    scaling_set_free(&bs);
    view_free(&av);
    view_free(&bv);
    return rc;
}

/* scaling_view.c - the scaling models of a results view: which rows make
 * a model, its words, and its place in the results file (see
 * scaling.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scaling.h"

/* Whether row vr of instance in belongs to a model: the rows the scaling
 * chart draws (with chunk sizes swept, the "auto" ones). */
static int model_row(const struct view_inst *in, const struct view_row *vr)
{
    if (!vr->usable || view_is_baseline(vr->r))
        return 0;
    return !(in->chunk_varies && in->has_auto) || vr->r->chunk_auto;
}

/* Every repetition of instance i's rows of label number q (which[a]:
 * row a's label number), as points. */
static size_t group_points(const struct results_view *v, size_t i,
                           const size_t *which, size_t q,
                           struct scaling_point *pts, double *max_n)
{
    const struct view_inst *in = &v->insts[i];
    size_t n = 0;
    *max_n = 0;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        if (which[a] != q)
            continue;
        const struct results_series *s = results_series_find(vr->r,
                                                             "wall_s");
        for (size_t k = 0; s != NULL && k < s->n; k++) {
            if (!(s->v[k] > 0))
                continue;
            pts[n].n = vr->r->workers;
            pts[n].x = (double)vr->r->tasks / s->v[k];
            n++;
        }
        if (vr->r->workers > *max_n)
            *max_n = vr->r->workers;
    }
    return n;
}

/* The distinct variant labels of instance i's model rows into labels,
 * and each row's label number into which[] (SIZE_MAX: not in a model):
 * each row is labelled once, not once per label (a sweep's instance has
 * thousands of rows and dozens of labels). Returns how many labels. */
static size_t group_labels(const struct results_view *v, size_t i,
                           char (*labels)[128], size_t cap, size_t *which,
                           size_t *npoints)
{
    const struct view_inst *in = &v->insts[i];
    size_t n = 0;
    *npoints = 0;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        which[a] = SIZE_MAX;
        if (!model_row(in, vr))
            continue;
        const struct results_series *s = results_series_find(vr->r,
                                                             "wall_s");
        *npoints += s != NULL ? s->n : 0;
        char l[128];
        view_variant_label(v, vr, 1, l, sizeof(l));
        size_t q = 0;
        while (q < n && strcmp(labels[q], l) != 0)
            q++;
        if (q == n && n < cap)
            memcpy(labels[n++], l, sizeof(l));
        if (q < n)
            which[a] = q;
    }
    return n;
}

static int add_group(struct scaling_set *s, const struct results_view *v,
                     size_t i, const char *label, const size_t *which,
                     size_t q, struct scaling_point *pts, char *err,
                     size_t err_len)
{
    double max_n;
    size_t n = group_points(v, i, which, q, pts, &max_n);
    if (max_n <= 1)
        return 0; /* a plain loop, not a pool */
    struct scaling_group *g = realloc(s->g, (s->n + 1) * sizeof(*g));
    if (g == NULL) {
        snprintf(err, err_len, "out of memory fitting scaling models");
        return -1;
    }
    s->g = g;
    g = &s->g[s->n];
    memset(g, 0, sizeof(*g));
    g->inst = i;
    snprintf(g->label, sizeof(g->label), "%s", label);
    const struct view_inst *in = &v->insts[i];
    g->base_x = NAN;
    if (in->baseline >= 0) {
        const struct view_row *b = &v->rows[in->baseline];
        g->base_x = (double)b->r->tasks / b->wall.median;
    }
    if (scaling_fit(pts, n, SCALING_SEED, &g->m, err, err_len) != 0)
        return -1;
    s->n++;
    return 0;
}

/* Add instance i's models to s. Returns 0, or -1 (s freed). */
static int add_instance(const struct results_view *v, size_t i,
                        struct scaling_set *s, char *err, size_t err_len)
{
    char labels[64][128];
    size_t npoints = 0, nl = 0;
    size_t *which = malloc((v->insts[i].nrows + 1) * sizeof(*which));
    if (which != NULL)
        nl = group_labels(v, i, labels, 64, which, &npoints);
    struct scaling_point *pts = malloc((npoints + 1) * sizeof(*pts));
    int rc = pts != NULL && which != NULL ? 0 : -1;
    if (rc != 0)
        snprintf(err, err_len, "out of memory fitting scaling models");
    for (size_t k = 0; rc == 0 && k < nl; k++)
        rc = add_group(s, v, i, labels[k], which, k, pts, err, err_len);
    free(pts);
    free(which);
    if (rc != 0)
        scaling_set_free(s);
    return rc;
}

int scaling_of_view(const struct results_view *v, struct scaling_set *s,
                    char *err, size_t err_len)
{
    memset(s, 0, sizeof(*s));
    for (size_t i = 0; i < v->ninsts; i++)
        if (add_instance(v, i, s, err, err_len) != 0)
            return -1;
    return 0;
}

int scaling_of_instance(const struct results_view *v, size_t inst,
                        struct scaling_set *s, char *err, size_t err_len)
{
    memset(s, 0, sizeof(*s));
    return add_instance(v, inst, s, err, err_len);
}

void scaling_set_free(struct scaling_set *s)
{
    for (size_t k = 0; k < s->n; k++)
        scaling_free(&s->g[k].m);
    free(s->g);
    memset(s, 0, sizeof(*s));
}

/* ---- words -------------------------------------------------------------- */

/* A fraction as a percentage with two significant digits at most. */
static void pct(double f, char *buf, size_t len)
{
    double p = 100 * f;
    if (!isfinite(p))
        snprintf(buf, len, "?");
    else if (p == 0 || fabs(p) >= 1)
        snprintf(buf, len, "%.1f", p);
    else
        snprintf(buf, len, "%.2g", p);
}

static void workers_text(double n, char *buf, size_t len)
{
    if (isinf(n))
        snprintf(buf, len, "none");
    else
        snprintf(buf, len, "%.0f", n);
}

/* "contention 3.1% [2.4, 3.9], crosstalk ~0 (Amdahl)". */
static size_t describe_params(const struct scaling_model *m, char *buf,
                              size_t len)
{
    char s[16], sl[16], sh[16], k[16], kl[16], kh[16];
    pct(m->p.sigma, s, sizeof(s));
    pct(m->sigma_lo, sl, sizeof(sl));
    pct(m->sigma_hi, sh, sizeof(sh));
    size_t n = (size_t)snprintf(buf, len, "contention %s%% [%s, %s], ", s,
                                sl, sh);
    if (m->law == SCALING_AMDAHL || m->p.kappa < SCALING_ZERO_KAPPA)
        return n + (size_t)snprintf(buf + n, len > n ? len - n : 0,
                                    "crosstalk ~0 (%s)",
                                    m->law == SCALING_AMDAHL ? "Amdahl"
                                                             : "USL");
    pct(m->p.kappa, k, sizeof(k));
    pct(m->kappa_lo, kl, sizeof(kl));
    pct(m->kappa_hi, kh, sizeof(kh));
    return n + (size_t)snprintf(buf + n, len > n ? len - n : 0,
                                "crosstalk %s%% [%s, %s] (USL)", k, kl,
                                kh);
}

/* "; peak near 28 workers [22, 35] (predicted: measured up to 16)". */
static void describe_peak(const struct scaling_model *m, char *buf,
                          size_t len)
{
    if (isinf(m->peak_n)) {
        /* Amdahl's ceiling: lambda / sigma, in units of one worker. */
        if (m->p.sigma > 0)
            snprintf(buf, len, "; no peak, ceiling %.3gx one worker",
                     1 / m->p.sigma);
        else
            snprintf(buf, len, "; no peak, no ceiling seen");
        return;
    }
    char lo[16], hi[16];
    workers_text(m->peak_lo, lo, sizeof(lo));
    workers_text(m->peak_hi, hi, sizeof(hi));
    if (isinf(m->peak_hi))
        snprintf(hi, sizeof(hi), "none");
    int beyond = m->peak_n > m->max_n;
    snprintf(buf, len, "; peak near %.0f workers [%s, %s]%s", m->peak_n,
             lo, isinf(m->peak_hi) ? "-" : hi,
             beyond ? " (predicted: beyond the measured" : "");
    if (beyond) {
        size_t n = strlen(buf);
        snprintf(buf + n, len - n, " %.0f)", m->max_n);
    }
}

void scaling_describe(const struct scaling_group *g, char *buf,
                      size_t len)
{
    const struct scaling_model *m = &g->m;
    size_t n = (size_t)snprintf(buf, len, "%s: ", g->label);
    if (n >= len)
        return;
    if (m->status == SCALING_TOO_FEW) {
        snprintf(buf + n, len - n, "no scaling model: %zu worker "
                 "count%s measured, %d needed (-j sweep)", m->nlevels,
                 m->nlevels == 1 ? "" : "s", SCALING_MIN_LEVELS);
        return;
    }
    if (m->status == SCALING_NO_FIT) {
        char off[16], noise[16];
        pct(m->lof_rms, off, sizeof(off));
        pct(m->rep_rms, noise, sizeof(noise));
        snprintf(buf + n, len - n, "model does not fit (the curve misses "
                 "the medians by %s%%, repetitions vary %s%%)", off,
                 isnan(m->rep_rms) ? "?" : noise);
        return;
    }
    n += describe_params(m, buf + n, len - n);
    if (n < len)
        describe_peak(m, buf + n, len - n);
}

/* ---- the results file --------------------------------------------------- */

static void add_num(cJSON *o, const char *key, double x)
{
    if (isfinite(x))
        cJSON_AddNumberToObject(o, key, x);
    else
        cJSON_AddNullToObject(o, key);
}

static void add_pair(cJSON *o, const char *key, double lo, double hi)
{
    cJSON *a = cJSON_AddArrayToObject(o, key);
    if (a == NULL)
        return;
    cJSON_AddItemToArray(a, isfinite(lo) ? cJSON_CreateNumber(lo)
                                         : cJSON_CreateNull());
    cJSON_AddItemToArray(a, isfinite(hi) ? cJSON_CreateNumber(hi)
                                         : cJSON_CreateNull());
}

static const char *status_word(enum scaling_status s)
{
    return s == SCALING_FIT ? "fit"
           : s == SCALING_NO_FIT ? "no_fit" : "too_few";
}

/* [workers, throughput, low, high] at each measured worker count, then
 * at doublings of the largest up to SCALING_AHEAD times it (marked
 * "predicted" by peak_predicted's rule: beyond max_workers_measured). */
static void curve_json(cJSON *o, const struct scaling_model *m)
{
    cJSON *c = cJSON_AddArrayToObject(o, "curve");
    size_t nl = m->nlevels < SCALING_MAX_LEVELS ? m->nlevels
                                                : SCALING_MAX_LEVELS;
    double at[SCALING_MAX_LEVELS + 8];
    size_t n = 0;
    for (size_t l = 0; l < nl; l++)
        at[n++] = m->levels[l];
    for (double w = 2 * m->max_n; w <= SCALING_AHEAD * m->max_n; w *= 2)
        at[n++] = w;
    for (size_t k = 0; c != NULL && k < n; k++) {
        double p[4] = { at[k], NAN, NAN, NAN };
        scaling_band(m, at[k], &p[1], &p[2], &p[3]);
        cJSON_AddItemToArray(c, cJSON_CreateDoubleArray(p, 4));
    }
}

/* The fitted numbers of a model that fits. */
static void fit_json(cJSON *o, const struct scaling_model *m)
{
    add_num(o, "lambda", m->p.lambda);
    add_num(o, "sigma", m->p.sigma);
    add_pair(o, "sigma_ci95", m->sigma_lo, m->sigma_hi);
    add_num(o, "kappa", m->p.kappa);
    add_pair(o, "kappa_ci95", m->kappa_lo, m->kappa_hi);
    add_num(o, "peak_workers", m->peak_n);
    add_pair(o, "peak_ci95", m->peak_lo, m->peak_hi);
    cJSON_AddBoolToObject(o, "peak_predicted",
                          !(m->peak_n <= m->max_n));
    curve_json(o, m);
}

cJSON *scaling_json(const struct results_view *v,
                    const struct scaling_group *g)
{
    const struct view_inst *in = &v->insts[g->inst];
    const struct scaling_model *m = &g->m;
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    cJSON_AddStringToObject(o, "workload", in->workload);
    cJSON_AddStringToObject(o, "params", in->params);
    cJSON_AddNumberToObject(o, "tasks", (double)in->tasks);
    cJSON_AddStringToObject(o, "executor", g->label);
    if (in->run >= 0)
        cJSON_AddNumberToObject(o, "run_index", (double)in->run);
    cJSON_AddStringToObject(o, "status", status_word(m->status));
    cJSON_AddNumberToObject(o, "worker_counts", (double)m->nlevels);
    cJSON_AddNumberToObject(o, "repetitions", (double)m->npoints);
    add_num(o, "max_workers_measured", m->max_n);
    if (m->status == SCALING_TOO_FEW)
        return o;
    cJSON_AddStringToObject(o, "law", m->law == SCALING_USL ? "usl"
                                                            : "amdahl");
    if (m->status == SCALING_FIT)
        fit_json(o, m);
    if (m->status == SCALING_FIT && !isnan(m->alt_sigma_lo)) {
        /* The law not chosen, with its own intervals. */
        int usl = m->law == SCALING_AMDAHL;
        const struct scaling_params *q = usl ? &m->usl : &m->amdahl;
        cJSON *alt = cJSON_AddObjectToObject(o, "other_law");
        cJSON_AddStringToObject(alt, "law", usl ? "usl" : "amdahl");
        add_num(alt, "lambda", q->lambda);
        add_num(alt, "sigma", q->sigma);
        add_pair(alt, "sigma_ci95", m->alt_sigma_lo, m->alt_sigma_hi);
        add_num(alt, "kappa", q->kappa);
        add_pair(alt, "kappa_ci95", m->alt_kappa_lo, m->alt_kappa_hi);
    }
    cJSON *a = cJSON_AddObjectToObject(o, "aicc");
    add_num(a, "amdahl", m->aicc_amdahl);
    add_num(a, "usl", m->aicc_usl);
    cJSON *l = cJSON_AddObjectToObject(o, "lack_of_fit");
    add_num(l, "f", m->lof_f);
    add_num(l, "p", m->lof_p);
    add_num(l, "rms", m->lof_rms);
    add_num(l, "repetition_rms", m->rep_rms);
    cJSON *b = cJSON_AddObjectToObject(o, "bootstrap");
    cJSON_AddNumberToObject(b, "resamples", (double)m->nboot);
    cJSON_AddNumberToObject(b, "seed", (double)SCALING_SEED);
    return o;
}

/* fn(ctx, model) for each scaling model of view v, one instance's at a
 * time: a fleet's file has 100,000 instances, all their models at once
 * cost more than the rows. */
static int models_each(const struct results_view *v, scaling_model_fn *fn,
                       void *ctx, char *err, size_t err_len)
{
    struct scaling_set s;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < v->ninsts; i++) {
        rc = scaling_of_instance(v, i, &s, err, err_len);
        for (size_t k = 0; rc == 0 && k < s.n; k++)
            if (fn(ctx, scaling_json(v, &s.g[k])) != 0) {
                snprintf(err, err_len, "out of memory deriving scaling "
                         "models");
                rc = -1;
            }
        scaling_set_free(&s);
    }
    return rc;
}

int scaling_models_each(const struct results_file *f, scaling_model_fn *fn,
                        void *ctx, char *err, size_t err_len)
{
    struct results_view v;
    if (view_build(f, &v, err, err_len) != 0)
        return -1;
    int rc = models_each(&v, fn, ctx, err, err_len);
    view_free(&v);
    return rc;
}

/* scaling_model_fn: append model to the array ctx (dropped when NULL:
 * out of memory). */
static int add_to_array(void *ctx, cJSON *model)
{
    cJSON_AddItemToArray(ctx, model);
    return 0;
}

/* An empty array for the models, or NULL with a message. */
static cJSON *models_array(char *err, size_t err_len)
{
    cJSON *arr = cJSON_CreateArray();
    if (arr == NULL)
        snprintf(err, err_len, "out of memory deriving scaling models");
    return arr;
}

cJSON *scaling_models_json(const struct results_file *f, char *err,
                           size_t err_len)
{
    cJSON *arr = models_array(err, err_len);
    if (arr != NULL &&
        scaling_models_each(f, add_to_array, arr, err, err_len) != 0) {
        cJSON_Delete(arr);
        return NULL;
    }
    return arr;
}

int scaling_derive_json(cJSON *root, const struct results_view *v,
                        char *err, size_t err_len)
{
    cJSON *arr = models_array(err, err_len);
    if (arr == NULL)
        return -1;
    if (models_each(v, add_to_array, arr, err, err_len) != 0) {
        cJSON_Delete(arr);
        return -1;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(root, "scaling_models");
    cJSON_AddItemToObject(root, "scaling_models", arr);
    return 0;
}

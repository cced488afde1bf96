/* scaling.c - Amdahl and USL fits with bootstrap intervals (see
 * scaling.h). scaling_view.c applies them to a results view. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scaling.h"

#define LM_MAX_ITER 300
#define LM_MU_MAX 1e12

/* The points sorted by workers, as log throughput. */
struct fitdata {
    double *n;
    double *y;
    size_t len;
    size_t *level_end;   /* end index of each run of equal n */
    size_t nlevels;
};

/* ---- the model ---------------------------------------------------------- */

static double denom(const double th[3], double n)
{
    return 1 + th[1] * (n - 1) + th[2] * n * (n - 1);
}

/* log X(n) for th = (log lambda, sigma, kappa). */
static double log_model(const double th[3], double n)
{
    return th[0] + log(n) - log(denom(th, n));
}

double scaling_throughput(const struct scaling_params *p, double n)
{
    return p->lambda * n / (1 + p->sigma * (n - 1) +
                            p->kappa * n * (n - 1));
}

static double sse_of(const struct fitdata *d, const double th[3])
{
    double s = 0;
    for (size_t i = 0; i < d->len; i++) {
        double r = d->y[i] - log_model(th, d->n[i]);
        s += r * r;
    }
    return s;
}

/* The best log lambda for fixed sigma and kappa: the mean offset. */
static double best_intercept(const struct fitdata *d, const double th[3])
{
    double s = 0;
    for (size_t i = 0; i < d->len; i++)
        s += d->y[i] - log(d->n[i]) + log(denom(th, d->n[i]));
    return s / (double)d->len;
}

/* Solve a[k][k] x = b in place by elimination with partial pivoting.
 * Returns 0, or -1 when singular. */
static int solve(double a[3][3], double b[3], int k)
{
    for (int c = 0; c < k; c++) {
        int piv = c;
        for (int r = c + 1; r < k; r++)
            if (fabs(a[r][c]) > fabs(a[piv][c]))
                piv = r;
        if (!(fabs(a[piv][c]) > 0))
            return -1;
        for (int q = 0; q < k; q++) {
            double t = a[c][q];
            a[c][q] = a[piv][q];
            a[piv][q] = t;
        }
        double t = b[c];
        b[c] = b[piv];
        b[piv] = t;
        for (int r = c + 1; r < k; r++) {
            double f = a[r][c] / a[c][c];
            for (int q = c; q < k; q++)
                a[r][q] -= f * a[c][q];
            b[r] -= f * b[c];
        }
    }
    for (int c = k - 1; c >= 0; c--) {
        for (int q = c + 1; q < k; q++)
            b[c] -= a[c][q] * b[q];
        b[c] /= a[c][c];
    }
    return 0;
}

/* J'J and J'r at th for the first np parameters. */
static void normal_eqs(const struct fitdata *d, const double th[3], int np,
                       double jtj[3][3], double jtr[3])
{
    memset(jtj, 0, 9 * sizeof(double));
    memset(jtr, 0, 3 * sizeof(double));
    for (size_t i = 0; i < d->len; i++) {
        double n = d->n[i], den = denom(th, n);
        double j[3] = { 1, -(n - 1) / den, -n * (n - 1) / den };
        double r = d->y[i] - log_model(th, n);
        for (int p = 0; p < np; p++) {
            jtr[p] += j[p] * r;
            for (int q = 0; q < np; q++)
                jtj[p][q] += j[p] * j[q];
        }
    }
}

/* Levenberg-Marquardt from th, with sigma in [0, 1] and kappa >= 0 (a
 * parameter on its bound that the step would push out is held there).
 * np 2: Amdahl (kappa stays 0), 3: USL. Returns the final SSE. */
static double lm_fit(const struct fitdata *d, int np, double th[3])
{
    static const double lo[3] = { -INFINITY, 0, 0 };
    static const double hi[3] = { INFINITY, 1, INFINITY };
    double cur = sse_of(d, th), mu = 1e-3;
    for (int it = 0; it < LM_MAX_ITER && cur > 0; it++) {
        double jtj[3][3], jtr[3];
        int free_p[3], k = 0;
        normal_eqs(d, th, np, jtj, jtr);
        for (int p = 0; p < np; p++)
            if (!((th[p] <= lo[p] && jtr[p] < 0) ||
                  (th[p] >= hi[p] && jtr[p] > 0)))
                free_p[k++] = p;
        if (k == 0)
            break;
        double gain = -1;
        while (mu < LM_MU_MAX) {
            double a[3][3], b[3], trial[3];
            for (int p = 0; p < k; p++) {
                for (int q = 0; q < k; q++)
                    a[p][q] = jtj[free_p[p]][free_p[q]];
                a[p][p] += mu * jtj[free_p[p]][free_p[p]] + 1e-300;
                b[p] = jtr[free_p[p]];
            }
            memcpy(trial, th, sizeof(trial));
            if (solve(a, b, k) == 0) {
                for (int p = 0; p < k; p++) {
                    int q = free_p[p];
                    trial[q] = fmin(hi[q], fmax(lo[q], th[q] + b[p]));
                }
                double s = sse_of(d, trial);
                if (s < cur) {
                    gain = (cur - s) / cur;
                    cur = s;
                    memcpy(th, trial, sizeof(trial));
                    mu = fmax(mu / 3, 1e-12);
                    break;
                }
            }
            mu *= 4;
        }
        if (gain < 1e-13)
            break;
    }
    return cur;
}

/* The law fitted from several starting points (sigma and kappa spread
 * over their plausible decades); the best into th. */
static double fit_multi(const struct fitdata *d, int np, double th[3])
{
    static const double sig0[] = { 0.001, 0.05, 0.5 };
    static const double kap0[] = { 0, 1e-5, 1e-3, 0.05 };
    double best = INFINITY;
    for (size_t s = 0; s < 3; s++)
        for (size_t q = 0; q < (np == 3 ? 4u : 1u); q++) {
            double t[3] = { 0, sig0[s], np == 3 ? kap0[q] : 0 };
            t[0] = best_intercept(d, t);
            double e = lm_fit(d, np, t);
            if (e < best) {
                best = e;
                memcpy(th, t, sizeof(t));
            }
        }
    return best;
}

/* ---- statistics --------------------------------------------------------- */

/* Continued fraction of the incomplete beta function (Lentz). */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double qab = a + b, qap = a + 1, qam = a - 1;
    double c = 1, dd = 1 - qab * x / qap;
    if (fabs(dd) < tiny)
        dd = tiny;
    dd = 1 / dd;
    double h = dd;
    for (int m = 1; m <= 500; m++) {
        double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        dd = 1 + aa * dd;
        c = 1 + aa / c;
        dd = 1 / (fabs(dd) < tiny ? tiny : dd);
        c = fabs(c) < tiny ? tiny : c;
        h *= dd * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        dd = 1 + aa * dd;
        c = 1 + aa / c;
        dd = 1 / (fabs(dd) < tiny ? tiny : dd);
        c = fabs(c) < tiny ? tiny : c;
        double del = dd * c;
        h *= del;
        if (fabs(del - 1) < 1e-15)
            break;
    }
    return h;
}

/* The regularized incomplete beta function I_x(a, b). */
static double beta_inc(double a, double b, double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) +
                       a * log(x) + b * log1p(-x));
    if (x < (a + 1) / (a + b + 2))
        return front * beta_cf(a, b, x) / a;
    return 1 - front * beta_cf(b, a, 1 - x) / b;
}

double scaling_f_sf(double f, double d1, double d2)
{
    if (!(f > 0))
        return 1;
    if (isinf(f))
        return 0;
    return beta_inc(d2 / 2, d1 / 2, d2 / (d2 + d1 * f));
}

/* AICc of a least-squares fit with np curve parameters (and the noise
 * variance); INFINITY when the points cannot carry the correction. */
static double aicc(double sse, size_t n, int np)
{
    double k = np + 1.0, nn = (double)n;
    if (nn - k - 1 <= 0)
        return INFINITY;
    return nn * log(fmax(sse, 1e-300) / nn) + 2 * k +
           2 * k * (k + 1) / (nn - k - 1);
}

/* The q-quantile of sorted v[0..n) (linear between ranks); an infinite
 * neighbour gives infinity. */
static double quantile(const double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double pos = q * (double)(n - 1);
    size_t i = (size_t)pos;
    if (i + 1 >= n)
        return v[n - 1];
    if (isinf(v[i]) || isinf(v[i + 1]))
        return isinf(v[i]) ? v[i] : v[i + 1];
    return v[i] + (pos - (double)i) * (v[i + 1] - v[i]);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The 2.5% and 97.5% points of v[0..n) (reordered). */
static void interval(double *v, size_t n, double *lo, double *hi)
{
    qsort(v, n, sizeof(*v), cmp_double);
    *lo = quantile(v, n, 0.025);
    *hi = quantile(v, n, 0.975);
}

static double peak_of(double sigma, double kappa)
{
    if (!(kappa > 0) || sigma >= 1)
        return INFINITY;
    return sqrt((1 - sigma) / kappa);
}

/* Lack of fit of th against the level means: sets the model's F, p and
 * rms. */
static void lack_of_fit(const struct fitdata *d, const double th[3],
                        int np, struct scaling_model *m)
{
    double ss_pe = 0, ss_lof = 0, sq = 0;
    size_t start = 0;
    for (size_t l = 0; l < d->nlevels; l++) {
        size_t end = d->level_end[l];
        double mean = 0;
        for (size_t i = start; i < end; i++)
            mean += d->y[i];
        mean /= (double)(end - start);
        for (size_t i = start; i < end; i++)
            ss_pe += (d->y[i] - mean) * (d->y[i] - mean);
        double off = mean - log_model(th, d->n[start]);
        ss_lof += (double)(end - start) * off * off;
        sq += off * off;
        start = end;
    }
    double df_lof = (double)d->nlevels - np;
    double df_pe = (double)(d->len - d->nlevels);
    m->lof_rms = sqrt(sq / (double)d->nlevels);
    m->rep_rms = df_pe >= 1 ? sqrt(ss_pe / df_pe) : NAN;
    m->lof_f = m->lof_p = NAN;
    if (df_lof >= 1 && df_pe >= 1 && ss_pe > 0) {
        m->lof_f = (ss_lof / df_lof) / (ss_pe / df_pe);
        m->lof_p = scaling_f_sf(m->lof_f, df_lof, df_pe);
    }
}

/* ---- the fit ------------------------------------------------------------ */

static int cmp_point(const void *a, const void *b)
{
    const struct scaling_point *p = a, *q = b;
    if (p->n != q->n)
        return p->n < q->n ? -1 : 1;
    return p->x < q->x ? -1 : p->x > q->x;
}

static uint64_t next_rand(uint64_t *s)
{
    /* splitmix64: small, and the same stream on every platform. */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Fill d from pts (sorted copy). Returns 0, or -1 with a message. */
static int data_init(struct fitdata *d, const struct scaling_point *pts,
                     size_t n, char *err, size_t err_len)
{
    struct scaling_point *s = malloc((n ? n : 1) * sizeof(*s));
    d->n = malloc((n ? n : 1) * sizeof(double));
    d->y = malloc((n ? n : 1) * sizeof(double));
    d->level_end = malloc((n ? n : 1) * sizeof(size_t));
    if (s == NULL || d->n == NULL || d->y == NULL || d->level_end == NULL) {
        free(s);
        snprintf(err, err_len, "out of memory fitting the scaling model");
        return -1;
    }
    memcpy(s, pts, n * sizeof(*s));
    qsort(s, n, sizeof(*s), cmp_point);
    d->len = n;
    d->nlevels = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(s[i].n >= 1) || !isfinite(s[i].n) || !(s[i].x > 0) ||
            !isfinite(s[i].x)) {
            snprintf(err, err_len, "scaling point %zu: expected workers >= "
                     "1 and a finite throughput > 0", i);
            free(s);
            return -1;
        }
        d->n[i] = s[i].n;
        d->y[i] = log(s[i].x);
        if (i > 0 && s[i].n != s[i - 1].n)
            d->level_end[d->nlevels++] = i;
    }
    if (n > 0)
        d->level_end[d->nlevels++] = n;
    free(s);
    return 0;
}

static void data_free(struct fitdata *d)
{
    free(d->n);
    free(d->y);
    free(d->level_end);
}

static void set_params(struct scaling_params *p, const double th[3])
{
    p->lambda = exp(th[0]);
    p->sigma = th[1];
    p->kappa = th[2];
}

/* Resample d into r, each level keeping its count. A draw is the
 * level's mean plus a deviation widened by sqrt(k / (k - 1)): resampling
 * k values shrinks their spread by that much, which would narrow the
 * intervals where repetitions are few. */
static void resample(const struct fitdata *d, struct fitdata *r,
                     uint64_t *rng)
{
    size_t start = 0;
    for (size_t l = 0; l < d->nlevels; l++) {
        size_t end = d->level_end[l], k = end - start;
        double mean = 0;
        for (size_t i = start; i < end; i++)
            mean += d->y[i];
        mean /= (double)k;
        double widen = k > 1 ? sqrt((double)k / (double)(k - 1)) : 1;
        for (size_t i = start; i < end; i++)
            r->y[i] = mean + widen * (d->y[start + next_rand(rng) % k] -
                                      mean);
        start = end;
    }
}

/* The bootstrap of the chosen law around th: m->boot and the
 * intervals. Returns 0, or -1 when out of memory. */
static int bootstrap(const struct fitdata *d, const double th[3], int np,
                     uint64_t seed, struct scaling_model *m)
{
    struct fitdata r = *d;
    double *sig = malloc(SCALING_BOOT * sizeof(double));
    double *kap = malloc(SCALING_BOOT * sizeof(double));
    double *pk = malloc(SCALING_BOOT * sizeof(double));
    r.y = malloc(d->len * sizeof(double));
    m->boot = malloc(SCALING_BOOT * 3 * sizeof(double));
    int rc = -1;
    if (sig == NULL || kap == NULL || pk == NULL || r.y == NULL ||
        m->boot == NULL)
        goto out;
    uint64_t rng = seed;
    for (size_t b = 0; b < SCALING_BOOT; b++) {
        double t[3];
        memcpy(t, th, sizeof(t));
        resample(d, &r, &rng);
        lm_fit(&r, np, t);
        memcpy(&m->boot[3 * m->nboot], t, sizeof(t));
        sig[m->nboot] = t[1];
        kap[m->nboot] = t[2];
        pk[m->nboot] = peak_of(t[1], t[2]);
        m->nboot++;
    }
    interval(sig, m->nboot, &m->sigma_lo, &m->sigma_hi);
    interval(kap, m->nboot, &m->kappa_lo, &m->kappa_hi);
    interval(pk, m->nboot, &m->peak_lo, &m->peak_hi);
    rc = 0;
out:
    free(sig);
    free(kap);
    free(pk);
    free(r.y);
    return rc;
}

/* Both laws (into ta, tu), the choice (th, np), and whether it fits. */
static void fit_laws(const struct fitdata *d, struct scaling_model *m,
                     double ta[3], double tu[3], double th[3], int *np)
{
    double sa = fit_multi(d, 2, ta);
    set_params(&m->amdahl, ta);
    m->aicc_amdahl = aicc(sa, d->len, 2);
    /* The USL's three parameters pass through any three worker counts:
     * it is a candidate only where a fourth can refute it. */
    m->aicc_usl = INFINITY;
    if (d->nlevels > SCALING_MIN_LEVELS) {
        double su = fit_multi(d, 3, tu);
        set_params(&m->usl, tu);
        m->aicc_usl = aicc(su, d->len, 3);
    } else {
        m->usl.lambda = m->usl.sigma = m->usl.kappa = NAN;
    }
    m->law = m->aicc_usl < m->aicc_amdahl ? SCALING_USL : SCALING_AMDAHL;
    *np = m->law == SCALING_USL ? 3 : 2;
    memcpy(th, m->law == SCALING_USL ? tu : ta, 3 * sizeof(double));
    set_params(&m->p, th);
    lack_of_fit(d, th, *np, m);
    int rejected = isnan(m->lof_p) || m->lof_p < SCALING_LOF_ALPHA;
    if (rejected && m->lof_rms > SCALING_LOF_RMS)
        m->status = SCALING_NO_FIT;
}

int scaling_fit(const struct scaling_point *pts, size_t n, uint64_t seed,
                struct scaling_model *m, char *err, size_t err_len)
{
    struct fitdata d;
    memset(m, 0, sizeof(*m));
    memset(&d, 0, sizeof(d));
    m->sigma_lo = m->sigma_hi = m->kappa_lo = m->kappa_hi = NAN;
    m->peak_n = m->peak_lo = m->peak_hi = NAN;
    m->lof_f = m->lof_p = m->lof_rms = m->rep_rms = NAN;
    m->alt_sigma_lo = m->alt_sigma_hi = NAN;
    m->alt_kappa_lo = m->alt_kappa_hi = NAN;
    m->aicc_amdahl = m->aicc_usl = NAN;
    m->p.lambda = m->p.sigma = m->p.kappa = NAN;
    m->amdahl = m->usl = m->p;
    if (data_init(&d, pts, n, err, err_len) != 0) {
        data_free(&d);
        return -1;
    }
    m->npoints = n;
    m->nlevels = d.nlevels;
    m->max_n = n > 0 ? d.n[n - 1] : NAN;
    for (size_t l = 0; l < d.nlevels && l < SCALING_MAX_LEVELS; l++)
        m->levels[l] = d.n[l == 0 ? 0 : d.level_end[l - 1]];
    m->status = SCALING_TOO_FEW;
    if (d.nlevels < SCALING_MIN_LEVELS) {
        data_free(&d);
        return 0;
    }
    m->status = SCALING_FIT;
    double th[3], ta[3], tu[3];
    int np;
    fit_laws(&d, m, ta, tu, th, &np);
    m->peak_n = peak_of(m->p.sigma, m->p.kappa);
    int rc = bootstrap(&d, th, np, seed, m);
    if (rc == 0 && d.nlevels > SCALING_MIN_LEVELS) {
        /* The other law's intervals too, for readers who hold a theory
         * (blocklock is Amdahl by construction). */
        struct scaling_model alt;
        memset(&alt, 0, sizeof(alt));
        rc = bootstrap(&d, np == 3 ? ta : tu, np == 3 ? 2 : 3, seed, &alt);
        m->alt_sigma_lo = alt.sigma_lo;
        m->alt_sigma_hi = alt.sigma_hi;
        m->alt_kappa_lo = alt.kappa_lo;
        m->alt_kappa_hi = alt.kappa_hi;
        scaling_free(&alt);
    }
    data_free(&d);
    if (rc != 0) {
        scaling_free(m);
        snprintf(err, err_len, "out of memory fitting the scaling model");
    }
    return rc;
}

void scaling_free(struct scaling_model *m)
{
    free(m->boot);
    m->boot = NULL;
    m->nboot = 0;
}

int scaling_band(const struct scaling_model *m, double n, double *mid,
                 double *lo, double *hi)
{
    *mid = *lo = *hi = NAN;
    if (m->status != SCALING_FIT || m->nboot == 0)
        return -1;
    double *v = malloc(m->nboot * sizeof(double));
    if (v == NULL)
        return -1;
    for (size_t b = 0; b < m->nboot; b++)
        v[b] = exp(log_model(&m->boot[3 * b], n));
    *mid = scaling_throughput(&m->p, n);
    interval(v, m->nboot, lo, hi);
    free(v);
    return 0;
}

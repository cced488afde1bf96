/* stats.c - robust summary statistics over repetition samples. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Samples up to this many are sorted by insertion, in memory on the
 * stack: a row has a handful, and qsort's call through cmp_double per
 * comparison and a malloc per sort cost more than the sorting. */
#define STATS_SMALL_N 32

/* Sort a[0..n) ascending, keeping equal values (0 and -0) in order, as
 * glibc's qsort (a merge sort) does: the same array either way. */
static void sort_doubles(double *a, size_t n)
{
    if (n > STATS_SMALL_N) {
        qsort(a, n, sizeof(*a), cmp_double);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        double x = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > x; j--)
            a[j] = a[j - 1];
        a[j] = x;
    }
}

/* Room for n values: small (STATS_SMALL_N of them) when they fit, else
 * *heap, which the caller frees; NULL when out of memory. */
static double *room(size_t n, double *small, double **heap)
{
    *heap = NULL;
    if (n <= STATS_SMALL_N)
        return small;
    *heap = malloc(n * sizeof(**heap));
    return *heap;
}

/* v sorted ascending into room for n (see room); NULL when out of
 * memory. */
static double *sorted_copy(const double *v, size_t n, double *small,
                           double **heap)
{
    double *s = room(n, small, heap);
    if (s == NULL)
        return NULL;
    if (n > 0)
        memcpy(s, v, n * sizeof(*v));
    sort_doubles(s, n);
    return s;
}

/* Median of an already sorted array. */
static double sorted_median(const double *s, size_t n)
{
    if (n == 0)
        return NAN;
    if (n % 2 == 1)
        return s[n / 2];
    return (s[n / 2 - 1] + s[n / 2]) / 2.0;
}

double stats_median(const double *v, size_t n)
{
    double small[STATS_SMALL_N], *heap;
    if (n == 0)
        return NAN;
    double *s = sorted_copy(v, n, small, &heap);
    double m = s != NULL ? sorted_median(s, n) : NAN;
    free(heap);
    return m;
}

double stats_mean(const double *v, size_t n)
{
    if (n == 0)
        return NAN;
    /* Kahan summation: samples can span many orders of magnitude. */
    double sum = 0, c = 0;
    for (size_t k = 0; k < n; k++) {
        double y = v[k] - c;
        double t = sum + y;
        c = (t - sum) - y;
        sum = t;
    }
    return sum / (double)n;
}

double stats_mad(const double *v, size_t n)
{
    double small[STATS_SMALL_N], *heap;
    if (n == 0)
        return NAN;
    double *d = room(n, small, &heap);
    if (d == NULL)
        return NAN;
    double med = stats_median(v, n);
    for (size_t k = 0; k < n; k++)
        d[k] = fabs(v[k] - med);
    double mad = stats_median(d, n);
    free(heap);
    return mad;
}

void stats_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi,
                           double *covered)
{
    double alpha_half = (1.0 - level) / 2.0;
    /* Walk the binomial(n, 1/2) CDF once, in log space so that large n
     * neither underflows nor costs more than O(n). */
    double log_pmf = -(double)n * log(2.0); /* P(B = 0) */
    double cdf = exp(log_pmf);              /* P(B <= j - 1), j = 1 */
    double cdf_best = 0;
    size_t best = 0; /* largest j with P(B <= j - 1) <= alpha/2 */
    for (size_t j = 1; j <= n / 2 + 1 && cdf <= alpha_half; j++) {
        best = j;
        cdf_best = cdf;
        log_pmf += log((double)(n - j + 1)) - log((double)j); /* P(B=j) */
        cdf += exp(log_pmf);
    }
    if (best == 0) {
        *lo = n > 0 ? 1 : 0;
        *hi = n;
        *covered = n > 0 ? 1.0 - 2.0 * exp(-(double)n * log(2.0)) : 0.0;
        return;
    }
    *lo = best;
    *hi = n - best + 1;
    *covered = 1.0 - 2.0 * cdf_best;
}

double stats_ci_pct(const struct stats_summary *s)
{
    if (isnan(s->ci_level) || !(s->median > 0))
        return INFINITY;
    double below = s->median - s->ci95_low, above = s->ci95_high - s->median;
    return 100 * (below > above ? below : above) / s->median;
}

size_t stats_outliers(const double *v, size_t n)
{
    if (n < 3)
        return 0;
    double med = stats_median(v, n);
    /* The robust scale: MAD / 0.6745, or with MAD 0 (most samples equal
     * the median) sqrt(pi/2) MeanAD, which still sees a lone spike. */
    double scale = stats_mad(v, n) / 0.6745;
    if (!(scale > 0)) {
        double sum = 0;
        for (size_t k = 0; k < n; k++)
            sum += fabs(v[k] - med);
        scale = 1.253314 * sum / (double)n;
    }
    if (!(scale > 0))
        return 0;
    size_t count = 0;
    for (size_t k = 0; k < n; k++)
        if (fabs(v[k] - med) / scale > 3.5)
            count++;
    return count;
}

int stats_summarize(const double *v, size_t n, struct stats_summary *out)
{
    double small[STATS_SMALL_N], *heap;
    memset(out, 0, sizeof(*out));
    if (n == 0)
        return -1;
    double *s = sorted_copy(v, n, small, &heap);
    if (s == NULL)
        return -1;
    out->n = n;
    out->min = s[0];
    out->max = s[n - 1];
    out->median = sorted_median(s, n);
    out->mean = stats_mean(v, n);
    double ss = 0;
    for (size_t k = 0; k < n; k++)
        ss += (v[k] - out->mean) * (v[k] - out->mean);
    out->stddev = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
    out->mad = stats_mad(v, n);
    size_t lo, hi;
    double covered;
    stats_median_ci_ranks(n, 0.95, &lo, &hi, &covered);
    out->ci95_low = s[lo - 1];
    out->ci95_high = s[hi - 1];
    out->ci_level = n > STATS_MIN_CI_N ? covered : NAN;
    out->outliers = stats_outliers(v, n);
    free(heap);
    return 0;
}

/* ---- two-sample comparison -------------------------------------------- */

/* A value to rank, and whether its rank counts: from the first sample
 * (Mann-Whitney), or of a positive difference (Wilcoxon signed-rank). */
struct tagged {
    double v;
    int marked;
};

static int cmp_tagged(const void *a, const void *b)
{
    double x = ((const struct tagged *)a)->v;
    double y = ((const struct tagged *)b)->v;
    return (x > y) - (x < y);
}

/* Sort all[0..n) and return the sum of the marked values' ranks (1-based,
 * mid-ranks for ties); *ties gets the tie term sum(t^3 - t) over groups
 * of t equal values. */
static double rank_sum_marked(struct tagged *all, size_t n, double *ties)
{
    double sum = 0;
    *ties = 0;
    qsort(all, n, sizeof(*all), cmp_tagged);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && all[j + 1].v == all[i].v)
            j++;
        double t = (double)(j - i + 1);
        double mid = ((double)i + (double)j) / 2.0 + 1.0;
        for (size_t k = i; k <= j; k++)
            if (all[k].marked)
                sum += mid;
        *ties += t * t * t - t;
        i = j + 1;
    }
    return sum;
}

int stats_mwu_counts(size_t nx, size_t ny, double *count)
{
    size_t n = nx + ny, k = nx, m = ny, top = nx * ny;
    if (n > 60)
        return -1;
    /* The generating function of U is the q-binomial coefficient
     * [n choose k]_q = prod_{i=1..k} (1 - q^(m+i)) / (1 - q^i). Each
     * partial product is itself [m+i choose i]_q, a polynomial with
     * integer coefficients, so multiplying by (1 - q^(m+i)) and then
     * dividing by (1 - q^i) stays exact in 64-bit integers (the largest
     * coefficient, C(60, 30) ~ 1.2e17, fits). */
    int64_t *poly = calloc(top + n + 1, sizeof(*poly));
    if (poly == NULL)
        return -1;
    size_t deg = 0;
    poly[0] = 1;
    for (size_t i = 1; i <= k; i++) {
        size_t a = m + i;
        deg += a;
        for (size_t d = deg; d >= a; d--)
            poly[d] -= poly[d - a];
        for (size_t d = i; d <= deg; d++)
            poly[d] += poly[d - i];
        deg -= i;
    }
    for (size_t u = 0; u <= top; u++)
        count[u] = (double)poly[u];
    free(poly);
    return 0;
}

int stats_mann_whitney(const double *x, size_t nx, const double *y,
                       size_t ny, struct stats_mwu *out)
{
    memset(out, 0, sizeof(*out));
    if (nx == 0 || ny == 0)
        return -1;
    size_t n = nx + ny;
    struct tagged *all = malloc(n * sizeof(*all));
    if (all == NULL)
        return -1;
    for (size_t k = 0; k < nx; k++)
        all[k] = (struct tagged){ x[k], 1 };
    for (size_t k = 0; k < ny; k++)
        all[nx + k] = (struct tagged){ y[k], 0 };
    double ties;
    double r1 = rank_sum_marked(all, n, &ties); /* the first sample's */
    free(all);
    double fx = (double)nx, fy = (double)ny, fn = (double)n;
    double u = r1 - fx * (fx + 1) / 2.0;
    double mu = fx * fy / 2.0;
    out->u = u;

    if (ties == 0 && nx <= STATS_MWU_EXACT_MAX &&
        ny <= STATS_MWU_EXACT_MAX) {
        size_t top = nx * ny;
        double *count = malloc((top + 1) * sizeof(*count));
        if (count == NULL || stats_mwu_counts(nx, ny, count) != 0) {
            free(count);
            memset(out, 0, sizeof(*out));
            return -1;
        }
        size_t ui = (size_t)llround(u);
        double total = 0, le = 0, ge = 0;
        for (size_t k = 0; k <= top; k++) {
            total += count[k];
            if (k <= ui)
                le += count[k];
            if (k >= ui)
                ge += count[k];
        }
        free(count);
        double p = 2.0 * (le < ge ? le : ge) / total;
        out->p = p < 1.0 ? p : 1.0;
        out->exact = 1;
        return 0;
    }

    double var = fx * fy / 12.0 * ((fn + 1) - ties / (fn * (fn - 1)));
    if (!(var > 0)) {
        /* Every value equal: no evidence of any difference. */
        out->p = 1.0;
        return 0;
    }
    double z = (fabs(u - mu) - 0.5) / sqrt(var);
    if (z < 0)
        z = 0;
    out->z = z;
    double p = erfc(z / sqrt(2.0));
    out->p = p < 1.0 ? p : 1.0;
    return 0;
}

/* The largest k with P(X <= k - 1) <= tail for a statistic X on
 * 0..top whose null law is count[]/total, or 0 when even k = 1 exceeds
 * it; *at gets P(X <= k - 1) for that k (0 when k is 0). */
static size_t critical_from_counts(const double *count, size_t top,
                                   double total, double tail, double *at)
{
    size_t best = 0;
    double cum = 0;
    *at = 0;
    for (size_t k = 1; k <= top / 2 + 1; k++) {
        cum += count[k - 1];
        if (cum / total > tail)
            break;
        best = k;
        *at = cum / total;
    }
    return best;
}

/* The largest k with P(U <= k - 1) <= tail under the null law of U for
 * sides nb and nn, or 0 when even k = 1 exceeds it; *at gets P(U <= k -
 * 1) for that k (0 when k is 0). */
static size_t mwu_critical(size_t nb, size_t nn, double tail, double *at)
{
    size_t top = nb * nn, best = 0;
    *at = 0;
    if (nb <= STATS_MWU_EXACT_MAX && nn <= STATS_MWU_EXACT_MAX) {
        double *count = malloc((top + 1) * sizeof(*count));
        if (count != NULL && stats_mwu_counts(nb, nn, count) == 0) {
            double total = 0;
            for (size_t k = 0; k <= top; k++)
                total += count[k];
            best = critical_from_counts(count, top, total, tail, at);
            free(count);
            return best;
        }
        free(count);
    }
    double mu = (double)top / 2.0;
    double sd = sqrt((double)top * (double)(nb + nn + 1) / 12.0);
    for (size_t k = 1; k <= top / 2 + 1; k++) {
        /* P(U <= k - 1) with continuity correction. */
        double zk = ((double)k - 1 + 0.5 - mu) / sd;
        double pk = 0.5 * erfc(-zk / sqrt(2.0));
        if (pk > tail)
            break;
        best = k;
        *at = pk;
    }
    return best;
}

int stats_ratio_ci(const double *base, size_t nb, const double *new_v,
                   size_t nn, double level, double *est, double *lo,
                   double *hi)
{
    *est = *lo = *hi = NAN;
    if (nb == 0 || nn == 0)
        return -1;
    for (size_t i = 0; i < nb; i++)
        if (!(base[i] > 0))
            return -1;
    size_t top = nb * nn;
    double *r = malloc(top * sizeof(*r));
    if (r == NULL)
        return -1;
    for (size_t i = 0; i < nb; i++)
        for (size_t j = 0; j < nn; j++)
            r[i * nn + j] = new_v[j] / base[i];
    sort_doubles(r, top);
    /* Hodges-Lehmann on the log scale: the log is monotone, so the
     * median log ratio sits between the same middle ratios that bound
     * the interval, and the estimate can never fall outside it. */
    *est = top % 2 == 1 ? r[top / 2]
                        : exp((log(r[top / 2 - 1]) + log(r[top / 2])) / 2);
    double at;
    size_t c = mwu_critical(nb, nn, (1.0 - level) / 2.0, &at);
    int rc = 0;
    if (c == 0) {
        *lo = r[0];
        *hi = r[top - 1];
        rc = 1;
    } else {
        *lo = r[c - 1];
        *hi = r[top - c];
    }
    free(r);
    return rc;
}

double stats_ratio_ci_level(size_t nb, size_t nn, double level)
{
    double at;
    if (nb == 0 || nn == 0)
        return NAN;
    size_t c = mwu_critical(nb, nn, (1.0 - level) / 2.0, &at);
    return c > 0 ? 1.0 - 2.0 * at : NAN;
}

double stats_mwu_min_p(size_t nx, size_t ny)
{
    if (nx == 0 || ny == 0)
        return 1.0;
    if (nx <= STATS_MWU_EXACT_MAX && ny <= STATS_MWU_EXACT_MAX) {
        /* The two extreme orderings, of C(nx + ny, nx) equally likely
         * ones: 2 / C(nx + ny, nx), built up as a product that stays
         * exact in a double for these sizes. */
        double c = 1;
        for (size_t i = 1; i <= nx; i++)
            c = c * (double)(ny + i) / (double)i;
        double p = 2.0 / c;
        return p < 1.0 ? p : 1.0;
    }
    /* The normal approximation stats_mann_whitney uses, at U = nx ny
     * (no ties: the tie term only makes sigma smaller). */
    double fx = (double)nx, fy = (double)ny;
    double sd = sqrt(fx * fy / 12.0 * (fx + fy + 1));
    double z = (fx * fy / 2.0 - 0.5) / sd;
    double p = erfc(z / sqrt(2.0));
    return p < 1.0 ? p : 1.0;
}

double stats_norm_quantile(double p)
{
    if (!(p > 0))
        return -INFINITY;
    if (!(p < 1))
        return INFINITY;
    /* Bisection on Phi(z) = erfc(-z / sqrt 2) / 2: slow but exact to the
     * last bits, and called a handful of times per comparison. */
    double lo = -40, hi = 40;
    for (int k = 0; k < 200 && hi - lo > 1e-13; k++) {
        double mid = (lo + hi) / 2;
        if (0.5 * erfc(-mid / sqrt(2.0)) < p)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}

/* ---- paired comparison (A/B) -------------------------------------------- */

int stats_wsr_counts(size_t n, double *count)
{
    size_t top = n * (n + 1) / 2;
    if (n > STATS_WSR_EXACT_MAX)
        return -1;
    /* Subsets of the ranks {1..n} by their sum: add rank r to every
     * subset found so far (counts reach 2^n <= 2^50, exact in a
     * double). */
    for (size_t w = 0; w <= top; w++)
        count[w] = 0;
    count[0] = 1;
    for (size_t r = 1; r <= n; r++)
        for (size_t w = r * (r + 1) / 2; w >= r; w--)
            count[w] += count[w - r];
    return 0;
}

/* P(T <= w) and P(T >= w) of the exact null law of T for n ranks. */
static int wsr_exact_tails(size_t n, double w, double *le, double *ge)
{
    size_t top = n * (n + 1) / 2;
    double *count = malloc((top + 1) * sizeof(*count));
    if (count == NULL || stats_wsr_counts(n, count) != 0) {
        free(count);
        return -1;
    }
    size_t wi = (size_t)llround(w);
    double total = ldexp(1.0, (int)n);
    *le = *ge = 0;
    for (size_t k = 0; k <= top; k++) {
        if (k <= wi)
            *le += count[k];
        if (k >= wi)
            *ge += count[k];
    }
    *le /= total;
    *ge /= total;
    free(count);
    return 0;
}

int stats_wilcoxon(const double *d, size_t n, struct stats_wsr *out)
{
    memset(out, 0, sizeof(*out));
    out->p = out->p_min = 1.0;
    struct tagged *s = malloc((n > 0 ? n : 1) * sizeof(*s));
    if (s == NULL)
        return -1;
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        if (d[k] == 0) {
            out->zeros++;
            continue;
        }
        s[m++] = (struct tagged){ fabs(d[k]), d[k] > 0 };
    }
    out->n = m;
    if (m == 0) {
        free(s);
        return 0; /* nothing but ties: no evidence either way */
    }
    double ties;
    double wplus = rank_sum_marked(s, m, &ties); /* of |d| with d > 0 */
    free(s);
    out->w_plus = wplus;
    double fm = (double)m, mu = fm * (fm + 1) / 4.0;
    double var = fm * (fm + 1) * (2 * fm + 1) / 24.0 - ties / 48.0;
    if (ties == 0 && out->zeros == 0 && m <= STATS_WSR_EXACT_MAX) {
        double le, ge;
        if (wsr_exact_tails(m, wplus, &le, &ge) != 0)
            return -1;
        double p = 2.0 * (le < ge ? le : ge);
        out->p = p < 1.0 ? p : 1.0;
        out->p_min = ldexp(2.0, -(int)m) < 1.0 ? ldexp(2.0, -(int)m) : 1.0;
        out->exact = 1;
        return 0;
    }
    if (!(var > 0))
        return 0;
    double sd = sqrt(var);
    double z = (fabs(wplus - mu) - 0.5) / sd;
    out->z = z > 0 ? z : 0;
    out->p = erfc(out->z / sqrt(2.0));
    if (out->p > 1.0)
        out->p = 1.0;
    /* Every difference on one side: T = m(m+1)/2, as far from mu as T
     * gets. */
    double zmax = (fm * (fm + 1) / 2.0 - mu - 0.5) / sd;
    out->p_min = zmax > 0 ? erfc(zmax / sqrt(2.0)) : 1.0;
    return 0;
}

/* The largest k with P(T <= k - 1) <= tail under the null law of T for n
 * ranks, or 0 when even k = 1 exceeds it. */
static size_t wsr_critical(size_t n, double tail)
{
    size_t top = n * (n + 1) / 2, best = 0;
    if (n <= STATS_WSR_EXACT_MAX) {
        double *count = malloc((top + 1) * sizeof(*count));
        if (count != NULL && stats_wsr_counts(n, count) == 0) {
            double at;
            best = critical_from_counts(count, top, ldexp(1.0, (int)n),
                                        tail, &at);
            free(count);
            return best;
        }
        free(count);
    }
    double fn = (double)n, mu = (double)top / 2.0;
    double sd = sqrt(fn * (fn + 1) * (2 * fn + 1) / 24.0);
    double z = stats_norm_quantile(1.0 - tail);
    double k = floor(mu + 0.5 - z * sd);
    return k >= 1 ? (size_t)k : 0;
}

int stats_walsh_ci(const double *d, size_t n, double level, double *est,
                   double *lo, double *hi)
{
    *est = *lo = *hi = NAN;
    if (n == 0 || n > STATS_WALSH_MAX)
        return -1;
    size_t top = n * (n + 1) / 2, w = 0;
    double *a = malloc(top * sizeof(*a));
    if (a == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j < n; j++)
            a[w++] = (d[i] + d[j]) / 2.0;
    sort_doubles(a, top);
    *est = sorted_median(a, top);
    size_t c = wsr_critical(n, (1.0 - level) / 2.0);
    int rc = 0;
    if (c == 0) {
        *lo = a[0];
        *hi = a[top - 1];
        rc = 1;
    } else {
        *lo = a[c - 1];
        *hi = a[top - c];
    }
    free(a);
    return rc;
}

double stats_wsr_detectable(const double *d, size_t n, double alpha,
                            double power)
{
    if (n < 2)
        return INFINITY;
    double sigma = 1.4826 * stats_mad(d, n);
    if (!(sigma > 0)) {
        /* Half the differences equal: the sample spread instead. */
        double mean = stats_mean(d, n), ss = 0;
        for (size_t k = 0; k < n; k++)
            ss += (d[k] - mean) * (d[k] - mean);
        sigma = sqrt(ss / (double)(n - 1));
    }
    double zsum = stats_norm_quantile(1.0 - alpha / 2.0) +
                  stats_norm_quantile(power);
    /* The signed-rank test needs pi/3 times the pairs a t-test needs
     * for the same power on normal data (efficiency 3/pi). */
    return zsum * sigma / sqrt((double)n * 3.0 / M_PI);
}

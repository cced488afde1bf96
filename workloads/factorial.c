/* factorial.c - the seed's CPU burn: n! with OpenSSL BIGNUM.
 *
 * Task i computes n! (n = 300 by default, the seed's reduce over
 * range(1, 300) rounded to a whole factorial) 1 + i % skew times, like the
 * seed's cal(f) that loops f times; skew = 1 makes every task equal.
 * Value of task i: n! mod (2^61 - 1), the same for every i.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/bn.h>

#include "workload.h"

#define FACTORIAL_MODULUS 0x1fffffffffffffffULL /* 2^61 - 1, a prime */

enum { P_N, P_SKEW };

static const struct wl_param factorial_params[] = {
    { "n", WL_PARAM_INT, "300", "compute n! per repetition",
      0, 100000, NULL },
    { "skew", WL_PARAM_INT, "1",
      "task i repeats the factorial 1 + i % skew times (1 = uniform)",
      1, 1000, NULL },
    { 0 },
};

struct factorial_state {
    uint64_t n;
    uint64_t skew;
};

static int factorial_prepare(struct wl_setup *s)
{
    struct factorial_state *st = malloc(sizeof(*st));
    if (st == NULL) {
        snprintf(s->err, s->err_len, "out of memory");
        return -1;
    }
    st->n = (uint64_t)s->args[P_N].i;
    st->skew = (uint64_t)s->args[P_SKEW].i;
    s->state = st;
    s->ntasks_out = s->ntasks;
    return 0;
}

/* Each worker keeps one BIGNUM that grows to n!'s size once and is then
 * reused, so the hot path does not allocate. */
static int factorial_worker_init(void *state, unsigned worker_id,
                                 void **wstate)
{
    (void)state;
    (void)worker_id;
    BIGNUM *bn = BN_new();
    if (bn == NULL)
        return -1;
    *wstate = bn;
    return 0;
}

static void factorial_run(void *state, void *wstate, uint64_t i,
                          struct task_result *out)
{
    const struct factorial_state *st = state;
    BIGNUM *bn = wstate;
    BIGNUM *own = NULL;
    if (bn == NULL) {
        own = BN_new();
        bn = own;
    }
    if (bn == NULL) {
        out->status = TASK_ERROR;
        out->error = ENOMEM;
        return;
    }
    uint64_t reps = 1 + i % st->skew;
    for (uint64_t r = 0; r < reps; r++) {
        if (!BN_one(bn))
            goto fail;
        for (uint64_t k = 2; k <= st->n; k++)
            if (!BN_mul_word(bn, (BN_ULONG)k))
                goto fail;
    }
    BN_ULONG rem = BN_mod_word(bn, (BN_ULONG)FACTORIAL_MODULUS);
    if (rem == (BN_ULONG)-1)
        goto fail;
    out->value = (uint64_t)rem;
    BN_free(own);
    return;
fail:
    out->status = TASK_ERROR;
    out->error = ENOMEM;
    BN_free(own);
}

static void factorial_worker_fini(void *state, void *wstate)
{
    (void)state;
    BN_free(wstate);
}

static void factorial_release(void *state)
{
    free(state);
}

/* Python peer: reduce(lambda x, y: x * y, range(1, n + 1)), 1 + i % skew
 * times, as the seed. */
static int factorial_peer(void *state, FILE *out, char *err, size_t err_len)
{
    const struct factorial_state *st = state;
    (void)err;
    (void)err_len;
    fprintf(out, "{\"n\":%llu,\"skew\":%llu}", (unsigned long long)st->n,
            (unsigned long long)st->skew);
    return 0;
}

const struct workload wl_factorial = {
    .abi = WORKLOAD_ABI,
    .name = "factorial",
    .summary = "CPU-bound: n! with OpenSSL BIGNUM, as the seed's reduce",
    .value_doc = "n! mod (2^61 - 1) (the same for every task)",
    .params = factorial_params,
    .default_tasks = 2000,
    .prepare = factorial_prepare,
    .worker_init = factorial_worker_init,
    .run_task = factorial_run,
    .worker_fini = factorial_worker_fini,
    .release = factorial_release,
    .peer = factorial_peer,
};

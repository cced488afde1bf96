/* hashing.c - the seed's md5 of every file of a tree, in sorted order.
 *
 * Task i digests the contents of file i (sorted by relative path, byte
 * order) of the built-in corpus or of -p dir=PATH, with an OpenSSL EVP
 * digest, reading through one reusable buffer per worker. With -n larger
 * than the file count, task i reads file i mod count.
 * Value of task i: the first 8 bytes of the digest, big-endian.
 * out->bytes: the bytes read, from which the driver reports MB/s.
 */
#include "corpus.h"
#include "workload.h"

static const struct wl_param hashing_params[] = {
    CORPUS_PARAMS,
    { 0 },
};

static int hashing_prepare(struct wl_setup *setup)
{
    return corpus_task_prepare(setup, -1);
}

const struct workload wl_hashing = {
    .abi = WORKLOAD_ABI,
    .name = "hashing",
    .summary = "I/O + digest: hash every file of a tree in sorted path "
               "order, as the seed's md5 walk",
    .value_doc = "first 8 bytes of the file's digest, big-endian",
    .params = hashing_params,
    .default_tasks = 0,
    .prepare = hashing_prepare,
    .before_rep = corpus_task_before_rep,
    .worker_init = corpus_task_worker_init,
    .run_task = corpus_task_run,
    .worker_fini = corpus_task_worker_fini,
    .release = corpus_task_release,
    .peer = corpus_task_peer,
};

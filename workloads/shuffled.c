/* shuffled.c - hashing with the file order shuffled, as the seed's
 * random.shuffle(file_list) experiment: does visiting files out of
 * directory order cost anything?
 *
 * Task i digests file perm[i] mod count, where perm is a permutation of
 * [0, ntasks) drawn from -p seed=N (Fisher-Yates over xoshiro256**), so
 * for any -n the files read are the same multiset as hashing's.
 * Value of task i: as hashing, the first 8 bytes of the file's digest,
 * big-endian; the checksum therefore equals hashing's.
 */
#include "corpus.h"
#include "workload.h"

static const struct wl_param shuffled_params[] = {
    CORPUS_PARAMS,
    { "seed", WL_PARAM_INT, "42", "seed of the visiting order", 0,
      9007199254740992.0, NULL },
    { 0 },
};

static int shuffled_prepare(struct wl_setup *setup)
{
    return corpus_task_prepare(setup, CORPUS_P_COUNT);
}

const struct workload wl_shuffled = {
    .abi = WORKLOAD_ABI,
    .name = "shuffled",
    .summary = "hashing with the files visited in a seeded random order",
    .value_doc = "same as hashing: first 8 bytes of the file's digest, "
                 "big-endian",
    .params = shuffled_params,
    .default_tasks = 0,
    .prepare = shuffled_prepare,
    .before_rep = corpus_task_before_rep,
    .worker_init = corpus_task_worker_init,
    .run_task = corpus_task_run,
    .worker_fini = corpus_task_worker_fini,
    .release = corpus_task_release,
    .peer = corpus_task_peer,
};

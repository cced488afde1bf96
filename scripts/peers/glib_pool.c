/* glib_pool.c - N empty tasks pushed one by one to a GLib GThreadPool.
 *
 * The peer of `poolbench run -e futures --chunk 1` (a submit per task,
 * results consumed as they complete): g_thread_pool_push per task; each
 * task records its result and counts itself done; the pusher waits until
 * the last is done. The pool (exclusive threads, started at creation) is
 * made before the clock starts. Build:
 *   gcc -O2 glib_pool.c $(pkg-config --cflags --libs glib-2.0)
 */
#include <glib.h>

#include "peer_common.h"

struct job {
    struct peer_result *res;
    gint done;  /* tasks finished (atomic) */
    guint64 n;
    GMutex lock;
    GCond all_done;
};

static void task(gpointer data, gpointer user)
{
    struct job *j = user;
    guint64 i = (guint64)GPOINTER_TO_SIZE(data) - 1;
    struct peer_result *o = &j->res[i];
    o->status = 0;
    o->error = 0;
    o->value = i;
    o->bytes = 0;
    o->wait_ns = 0;
    if ((guint64)g_atomic_int_add(&j->done, 1) + 1 == j->n) {
        g_mutex_lock(&j->lock);
        g_cond_signal(&j->all_done);
        g_mutex_unlock(&j->lock);
    }
}

int main(int argc, char **argv)
{
    struct peer_args a;
    struct job j;
    GError *err = NULL;
    peer_parse(argc, argv, &a);
    memset(&j, 0, sizeof(j));
    j.n = a.n;
    j.res = calloc(a.n, sizeof(*j.res));
    double *t = calloc(a.reps, sizeof(*t));
    if (j.res == NULL || t == NULL || a.n > G_MAXINT)
        return 1;
    g_mutex_init(&j.lock);
    g_cond_init(&j.all_done);
    GThreadPool *pool = g_thread_pool_new(task, &j, (gint)a.workers, TRUE,
                                          &err);
    if (pool == NULL) {
        fprintf(stderr, "glib_pool: %s\n", err->message);
        return 1;
    }
    for (unsigned r = 0; r < a.reps; r++) {
        g_atomic_int_set(&j.done, 0);
        double t0 = peer_now_s();
        for (guint64 i = 0; i < a.n; i++)
            g_thread_pool_push(pool, GSIZE_TO_POINTER(i + 1), NULL);
        g_mutex_lock(&j.lock);
        while ((guint64)g_atomic_int_get(&j.done) < a.n)
            g_cond_wait(&j.all_done, &j.lock);
        g_mutex_unlock(&j.lock);
        t[r] = peer_now_s() - t0;
    }
    g_thread_pool_free(pool, FALSE, TRUE);
    peer_print("glib-push", peer_median(t, a.reps), a.n,
               peer_checksum(j.res, a.n));
    return 0;
}

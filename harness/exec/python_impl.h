/* python_impl.h - what python.c (the five py-* executors: create, run,
 * destroy, the result frames read as tasks) and python_peer.c (the
 * interpreter process: spawning it, its pipes, its stderr, reading and
 * writing with a deadline, python_info) share. Internal to harness/exec:
 * use python.h.
 */
#ifndef POOLBENCH_PYTHON_IMPL_H
#define POOLBENCH_PYTHON_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base.h"

#define PY_TAIL 400        /* bytes of the peer's stderr kept */

struct exec_pool {
    struct exec_base b;
    const char *kind;        /* "serial", "pool", ... for the peer */
    pid_t pid;               /* the interpreter, its process group's
                                leader; 0 once reaped */
    int status;              /* its wait status once reaped */
    int to_fd, from_fd, err_fd;
    unsigned char *in;       /* bytes read from from_fd, not parsed */
    size_t in_len, in_cap;
    int eof;                 /* from_fd closed */
    char tail[PY_TAIL + 1];  /* last stderr bytes */
    size_t tail_len;
    struct task_result *results;
    unsigned char *got;      /* per task: its result arrived */
    uint64_t *arrived;       /* per chunk: tasks arrived */
    uint64_t next;           /* ORDERED: next chunk to deliver */
};

/* The interpreter did not get its pool ready within a repetition's time
 * limit: python_info then does not wait on it again (a hung interpreter
 * must not hold the results file back by another time limit). */
void python_note_unresponsive(void);

/* Close *fd if open and set it to -1. */
void python_close(int *fd);

/* Start the interpreter on pypeer.py (arg: its one argument, or NULL)
 * in its own process group with pipes for stdin, stdout and stderr;
 * *pid, *to, *from, *errp get the parent's ends, non-blocking. Returns
 * 0, or -1 with a message. */
int python_spawn(const char *arg, pid_t *pid, int *to, int *from,
                 int *errp, char *err, size_t err_len);

/* Keep the last PY_TAIL bytes the peer wrote on stderr. */
void python_drain_err(struct exec_pool *p);

/* Reap the interpreter if it has exited; 1 if it is gone. */
int python_reaped(struct exec_pool *p);

/* Kill the whole process group and reap the interpreter. */
void python_kill(struct exec_pool *p);

/* Why the peer is gone, into err: how it ended and its last stderr
 * line. */
void python_why_dead(struct exec_pool *p, char *err, size_t err_len);

/* Write all of buf to the peer before deadline_ns. Returns 1, 0
 * (deadline or stop; rep says which) or -1 (the peer is gone). */
int python_write(struct exec_pool *p, const char *buf, size_t len,
                 int64_t deadline_ns, struct exec_report *rep);

/* Read one frame: *type, and its *len bytes at *payload, consumed (the
 * *consumed bytes) by the next call. Returns 1, 0 (deadline or stop) or
 * -1 (the peer is gone, a frame too big: err says why). */
int python_frame(struct exec_pool *p, size_t *consumed, int *type,
                 const unsigned char **payload, uint32_t *len,
                 int64_t deadline_ns, struct exec_report *rep, char *err,
                 size_t err_len);

#endif /* POOLBENCH_PYTHON_IMPL_H */

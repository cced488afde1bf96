/* cmd_spawn.c - the command line of cmd split into words, the item
 * substituted, the command started with posix_spawn and waited for (see
 * cmd_impl.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd_impl.h"

extern char **environ;

/* ---- splitting ---------------------------------------------------------- */

void cmd_words_free(struct cmd_words *w)
{
    free(w->argv);
    free(w->text);
    memset(w, 0, sizeof(*w));
}

/* One word from *pp into *out; returns 1 (a word), 0 (no more) or -1. */
static int next_word(const char **pp, char **out, char *err, size_t err_len)
{
    const char *p = *pp;
    char *o = *out;
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    if (*p == '\0')
        return 0;
    while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n') {
        if (*p == '\'') {
            const char *end = strchr(p + 1, '\'');
            if (end == NULL)
                goto open_quote;
            memcpy(o, p + 1, (size_t)(end - p - 1));
            o += end - p - 1;
            p = end + 1;
        } else if (*p == '"') {
            for (p++; *p != '"'; p++) {
                if (*p == '\0')
                    goto open_quote;
                if (*p == '\\' && p[1] != '\0' && strchr("\"\\$`", p[1]))
                    p++;
                *o++ = *p;
            }
            p++;
        } else if (*p == '\\') {
            if (p[1] == '\0') {
                snprintf(err, err_len, "run: ends with a backslash; "
                         "write \\\\ for one");
                return -1;
            }
            *o++ = p[1];
            p += 2;
        } else {
            *o++ = *p++;
        }
    }
    *o++ = '\0';
    *pp = p;
    *out = o;
    return 1;
open_quote:
    snprintf(err, err_len, "run: a quote is not closed; quote with '...' "
             "or \"...\" (no expansion is done)");
    return -1;
}

int cmd_split(const char *line, struct cmd_words *w, char *err,
              size_t err_len)
{
    size_t len = strlen(line);
    memset(w, 0, sizeof(*w));
    w->text = malloc(len + 1);
    w->argv = calloc(len / 2 + 2, sizeof(*w->argv));
    if (w->text == NULL || w->argv == NULL) {
        snprintf(err, err_len, "run: out of memory");
        goto fail;
    }
    const char *p = line;
    char *o = w->text;
    for (;;) {
        char *start = o;
        int rc = next_word(&p, &o, err, err_len);
        if (rc < 0)
            goto fail;
        if (rc == 0)
            break;
        w->argv[w->argc++] = start;
    }
    if (w->argc == 0) {
        snprintf(err, err_len, "run: no command; expected e.g. "
                 "-p 'run=gzip -c {}'");
        goto fail;
    }
    return 0;
fail:
    cmd_words_free(w);
    return -1;
}

/* ---- substitution ------------------------------------------------------- */

int cmd_has_marker(const char *word)
{
    return strstr(word, "{}") != NULL || strstr(word, "{#}") != NULL;
}

size_t cmd_subst_len(const char *word, size_t item_len, size_t index_len)
{
    size_t n = 1;
    for (const char *p = word; *p != '\0';) {
        if (strncmp(p, "{}", 2) == 0) {
            n += item_len;
            p += 2;
        } else if (strncmp(p, "{#}", 3) == 0) {
            n += index_len;
            p += 3;
        } else {
            n++;
            p++;
        }
    }
    return n;
}

char *cmd_subst(const char *word, const char *item, const char *index,
                char *out)
{
    for (const char *p = word; *p != '\0';) {
        if (strncmp(p, "{}", 2) == 0) {
            out = stpcpy(out, item);
            p += 2;
        } else if (strncmp(p, "{#}", 3) == 0) {
            out = stpcpy(out, index);
            p += 3;
        } else {
            *out++ = *p++;
        }
    }
    *out++ = '\0';
    return out;
}

/* ---- spawning ----------------------------------------------------------- */

int cmd_findable(const char *argv0)
{
    char path[4096];
    if (strchr(argv0, '/') != NULL)
        return access(argv0, X_OK) == 0;
    const char *dirs = getenv("PATH");
    for (const char *d = dirs != NULL ? dirs : "/bin:/usr/bin"; d != NULL;
         d = strchr(d, ':') != NULL ? strchr(d, ':') + 1 : NULL) {
        size_t n = strcspn(d, ":");
        snprintf(path, sizeof(path), "%.*s/%s", (int)n, n ? d : ".",
                 argv0);
        if (access(path, X_OK) == 0)
            return 1;
    }
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The attributes every command starts with: no signal blocked, and the
 * signals poolbench handles back to their defaults. In poolbench's
 * process group, like xargs's children, so that Ctrl-C at the terminal
 * reaches them too; with a time limit in a group of its own instead, so
 * that the limit kills what it started as well. */
static int spawn_attr(posix_spawnattr_t *a, int own_group)
{
    sigset_t none, dflt;
    sigemptyset(&none);
    sigemptyset(&dflt);
    sigaddset(&dflt, SIGINT);
    sigaddset(&dflt, SIGTERM);
    sigaddset(&dflt, SIGPIPE);
    sigaddset(&dflt, SIGCHLD);
    sigaddset(&dflt, SIGHUP);
    sigaddset(&dflt, SIGALRM);
    if (posix_spawnattr_init(a) != 0)
        return -1;
    posix_spawnattr_setflags(a, (own_group ? POSIX_SPAWN_SETPGROUP : 0) |
                                POSIX_SPAWN_SETSIGMASK |
                                POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(a, 0);
    posix_spawnattr_setsigmask(a, &none);
    posix_spawnattr_setsigdefault(a, &dflt);
    return 0;
}

static int spawn_files(posix_spawn_file_actions_t *fa, int out_w,
                       int keep_stderr)
{
    if (posix_spawn_file_actions_init(fa) != 0)
        return -1;
    posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
    if (out_w >= 0)
        posix_spawn_file_actions_adddup2(fa, out_w, 1);
    else
        posix_spawn_file_actions_addopen(fa, 1, "/dev/null", O_WRONLY, 0);
    if (!keep_stderr)
        posix_spawn_file_actions_addopen(fa, 2, "/dev/null", O_WRONLY, 0);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
    /* Descriptors poolbench's executors hold open (pipes, eventfds) are
     * none of the command's business. */
    posix_spawn_file_actions_addclosefrom_np(fa, 3);
#endif
    return 0;
}

static void reap(pid_t pid, int *status)
{
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
}

/* Wait for pid (and read out_fd into ctx until EOF), at most timeout_ms. */
static void wait_child(pid_t pid, int out_fd, EVP_MD_CTX *ctx,
                       int64_t timeout_ms, unsigned char *buf,
                       size_t buf_len, struct cmd_outcome *o)
{
    int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
    int reaped = 0;
    int pidfd = -1;
#ifdef SYS_pidfd_open
    if (timeout_ms > 0)
        pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
    while (!reaped || out_fd >= 0) {
        if (out_fd < 0 && deadline == 0) {
            reap(pid, &o->status);
            reaped = 1;
            break;
        }
        struct pollfd pf[2];
        int n = 0, wait_ms = -1;
        if (out_fd >= 0)
            pf[n++] = (struct pollfd){ .fd = out_fd, .events = POLLIN };
        if (!reaped && pidfd >= 0)
            pf[n++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
        if (deadline > 0) {
            int64_t left = deadline - now_ms();
            if (left <= 0)
                break;
            wait_ms = left > 1000000 ? 1000000 : (int)left;
            /* Without a pidfd, look at the child every 5 ms. */
            if (!reaped && pidfd < 0 && wait_ms > 5)
                wait_ms = 5;
        }
        if (n > 0 && poll(pf, (nfds_t)n, wait_ms) < 0 && errno != EINTR)
            break;
        if (n == 0 && wait_ms > 0)
            poll(NULL, 0, wait_ms);
        if (out_fd >= 0) {
            ssize_t r = read(out_fd, buf, buf_len);
            if (r > 0) {
                EVP_DigestUpdate(ctx, buf, (size_t)r);
                o->out_bytes += (uint64_t)r;
            } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                close(out_fd);
                out_fd = -1;
            }
        }
        if (!reaped && waitpid(pid, &o->status, WNOHANG) == pid)
            reaped = 1;
    }
    if (!reaped || out_fd >= 0) {
        /* The time limit: the command and whatever it started. */
        o->timed_out = 1;
        kill(-pid, SIGKILL);
        if (!reaped)
            reap(pid, &o->status);
    }
    if (out_fd >= 0)
        close(out_fd);
    if (pidfd >= 0)
        close(pidfd);
}

void cmd_spawn_wait(char *const argv[], EVP_MD_CTX *ctx, int keep_stderr,
                    int64_t timeout_ms, unsigned char *buf, size_t buf_len,
                    struct cmd_outcome *o)
{
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t fa;
    int pipe_fd[2] = { -1, -1 };
    pid_t pid = 0;
    memset(o, 0, sizeof(*o));
    if (ctx != NULL && (pipe2(pipe_fd, O_CLOEXEC) != 0 ||
                        EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)) {
        o->spawn_errno = errno ? errno : EIO;
        goto out;
    }
    if (spawn_attr(&attr, timeout_ms > 0) != 0) {
        o->spawn_errno = ENOMEM;
        goto out;
    }
    if (spawn_files(&fa, pipe_fd[1], keep_stderr) != 0) {
        posix_spawnattr_destroy(&attr);
        o->spawn_errno = ENOMEM;
        goto out;
    }
    int rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        o->spawn_errno = rc;
        goto out;
    }
    if (pipe_fd[1] >= 0) {
        close(pipe_fd[1]);
        pipe_fd[1] = -1;
        fcntl(pipe_fd[0], F_SETFL, O_NONBLOCK);
    }
    wait_child(pid, pipe_fd[0], ctx, timeout_ms, buf, buf_len, o);
    pipe_fd[0] = -1; /* closed by wait_child */
    if (ctx != NULL && !o->timed_out) {
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx, o->out_md, &len);
    }
out:
    if (pipe_fd[0] >= 0)
        close(pipe_fd[0]);
    if (pipe_fd[1] >= 0)
        close(pipe_fd[1]);
}

/* plot_gp.c - talking to gnuplot safely: text only as single-quoted
 * literals (gnuplot expands nothing inside them), finding the program
 * and its templates, running it in a folder of ours (see plot.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs.h"
#include "plot_impl.h"
#include "textesc.h"

#define PLOT_STDERR_MAX 4096 /* gnuplot stderr kept for a message */

extern char **environ;

/* text as printable UTF-8 on one line: a control character (newline,
 * ESC, ...) becomes a space, a byte that is not UTF-8 '?', and each quote
 * is doubled when quote is set. */
static void buf_plain(struct strbuf *b, const char *text, int quote)
{
    for (const char *s = text; *s != '\0';) {
        size_t n = textesc_char_len(s);
        if (n == 0)
            strbuf_append(b, (unsigned char)*s < 0x20 ||
                            (unsigned char)*s == 0x7f ? " " : "?", 1);
        else if (quote && *s == '\'')
            strbuf_append(b, "''", 2);
        else
            strbuf_append(b, s, n);
        s += n ? n : 1;
    }
}

void plot_gp_literal(struct strbuf *b, const char *text)
{
    /* In single quotes gnuplot expands nothing: no `command`, no @macro,
     * no backslash escape; '' is the only sequence it reads specially. */
    strbuf_append(b, "'", 1);
    buf_plain(b, text, 1);
    strbuf_append(b, "'", 1);
}

/* "# text" on one line of a .dat file: no newline can end the comment
 * and start a data line. */
void plot_buf_dat_comment(struct strbuf *b, const char *text)
{
    strbuf_append(b, "# ", 2);
    buf_plain(b, text, 0);
    strbuf_append(b, "\n", 1);
}

static void buf_gp_string(struct strbuf *b, const char *text)
{
    plot_gp_literal(b, text);
}

void plot_buf_gp_var(struct strbuf *b, const char *name, const char *text)
{
    strbuf_printf(b, "%s = ", name);
    buf_gp_string(b, text);
    strbuf_printf(b, "\n");
}

void plot_buf_gp_array(struct strbuf *b, const char *name,
                         char (*items)[128], size_t n)
{
    strbuf_printf(b, "array %s[%zu] = [", name, n);
    for (size_t k = 0; k < n; k++) {
        strbuf_printf(b, "%s", k ? ", " : "");
        buf_gp_string(b, items[k]);
    }
    strbuf_printf(b, "]\n");
}

int plot_find_gnuplot(char *path, size_t path_len, char *err,
                      size_t err_len)
{
    const char *env = getenv("POOLBENCH_GNUPLOT");
    if (env != NULL && env[0] != '\0') {
        if (access(env, X_OK) == 0) {
            snprintf(path, path_len, "%s", env);
            return 0;
        }
        snprintf(err, err_len, "POOLBENCH_GNUPLOT=%s is not an executable "
                 "file", env);
        return -1;
    }
    const char *paths = getenv("PATH");
    char copy[8192];
    snprintf(copy, sizeof(copy), "%s",
             paths != NULL ? paths : "/usr/bin:/bin");
    for (char *save = NULL, *d = strtok_r(copy, ":", &save); d != NULL;
         d = strtok_r(NULL, ":", &save)) {
        snprintf(path, path_len, "%s/gnuplot", d);
        if (access(path, X_OK) == 0)
            return 0;
    }
    snprintf(err, err_len, "gnuplot not found on PATH; install it "
             "(Debian: apt-get install gnuplot-nox) or set "
             "POOLBENCH_GNUPLOT");
    return -1;
}


int plot_gnuplot_start(const char *gnuplot, const char *dir,
                       const char *script, const char *define,
                       struct plot_job *job, char *err, size_t err_len)
{
    int fds[2];
    /* Close-on-exec: a second gnuplot must not hold the first one's
     * pipe open (its end of file would wait for both). */
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(err, err_len, "pipe: %s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    char *args[] = { "gnuplot", (char *)script, NULL, NULL, NULL };
    if (define != NULL) {
        args[1] = "-e";
        args[2] = (char *)define;
        args[3] = (char *)script;
    }
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
                                              0);
    if (rc == 0)
        rc = posix_spawn_file_actions_addchdir_np(&fa, dir);
    if (rc == 0)
        rc = posix_spawn(&job->pid, gnuplot, &fa, NULL, args, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        snprintf(err, err_len, "cannot run %s: %s", gnuplot, strerror(rc));
        close(fds[0]);
        return -1;
    }
    fs_track_child(job->pid);
    job->err_fd = fds[0];
    return 0;
}

int plot_gnuplot_finish(struct plot_job *job, const char *where, char *err,
                        size_t err_len)
{
    char out[PLOT_STDERR_MAX];
    size_t got = 0;
    for (;;) {
        char tmp[1024];
        ssize_t n = read(job->err_fd, tmp, sizeof(tmp));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t take = (size_t)n < sizeof(out) - 1 - got
                          ? (size_t)n : sizeof(out) - 1 - got;
        memcpy(out + got, tmp, take);
        got += take;
    }
    out[got] = '\0';
    close(job->err_fd);
    int status;
    while (waitpid(job->pid, &status, 0) < 0 && errno == EINTR)
        ;
    fs_untrack_child(job->pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    /* gnuplot names the script line and the problem on its last line. */
    char *last = out;
    for (char *s = out; *s != '\0'; s++)
        if (*s == '\n' && s[1] != '\0' && s[1] != '\n')
            last = s + 1;
    last[strcspn(last, "\n")] = '\0';
    snprintf(err, err_len, "gnuplot failed on %s (%s %d)%s%s", where,
             WIFEXITED(status) ? "exit" : "signal",
             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
             last[0] ? ": " : "", last);
    return -1;
}

void plot_gnuplot_kill(struct plot_job *job)
{
    kill(job->pid, SIGKILL);
    close(job->err_fd);
    while (waitpid(job->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    fs_untrack_child(job->pid);
}

int plot_gnuplot_run(const char *gnuplot, const char *dir,
                     const char *script, const char *define,
                     const char *where, char *err, size_t err_len)
{
    struct plot_job job;
    if (plot_gnuplot_start(gnuplot, dir, script, define, &job, err,
                           err_len) != 0)
        return -1;
    return plot_gnuplot_finish(&job, where, err, err_len);
}

/* Whether the last bytes of fd (of size) end as a whole chart: "</svg>"
 * and white space, or PNG's IEND chunk. */
static int tail_complete(int fd, off_t size, int png)
{
    static const unsigned char iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D',
                                            0xae, 0x42, 0x60, 0x82 };
    unsigned char tail[64];
    size_t n = size < (off_t)sizeof(tail) ? (size_t)size : sizeof(tail);
    if (n < sizeof(iend) ||
        pread(fd, tail, n, size - (off_t)n) != (ssize_t)n)
        return 0;
    if (png)
        return memcmp(tail + n - sizeof(iend), iend, sizeof(iend)) == 0;
    while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == ' ' ||
                     tail[n - 1] == '\r' || tail[n - 1] == '\t'))
        n--;
    return n >= 6 && memcmp(tail + n - 6, "</svg>", 6) == 0;
}

int plot_output_check(const char *path, const char *what, char *err,
                      size_t err_len)
{
    /* The kind from the final name: path may be NAME.png.tmp. */
    size_t len = strlen(what);
    int png = len > 4 && strcmp(what + len - 4, ".png") == 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, err_len, "cannot write %s: gnuplot left no file (%s)",
                 what, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int whole = tail_complete(fd, st.st_size, png);
    /* A delayed write error (a full disk) shows only here. */
    int synced = fsync(fd) == 0;
    int sync_errno = errno;
    close(fd);
    if (!whole || !synced) {
        snprintf(err, err_len, "cannot write %s: %s", what,
                 !synced ? strerror(sync_errno)
                         : "gnuplot wrote it incomplete (is the disk "
                           "full?)");
        return -1;
    }
    return 0;
}

/* fs.c - files poolbench writes: created, never followed, renamed in. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fs.h"

#define FS_MAX_DIRS 4        /* private folders alive at once */
#define FS_MAX_CHILDREN 4    /* children fs_track_child keeps */
#define FS_PATH_MAX 4096

void fs_dir_of(const char *path, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(buf, len, ".");
    else if (slash == path)
        snprintf(buf, len, "/");
    else
        snprintf(buf, len, "%.*s", (int)(slash - path), path);
}

/* Six characters from [A-Za-z0-9] for a temporary name. Predictable
 * names would only cost a retry: O_EXCL|O_NOFOLLOW never opens a file
 * someone else made. */
static void fs_suffix(char out[7])
{
    static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                              "qrstuvwxyz0123456789";
    static unsigned counter;
    unsigned char rnd[6];
    if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd)) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 20) ^
                     (uint64_t)++counter * 0x9E3779B97F4A7C15ull;
        for (int k = 0; k < 6; k++, x >>= 8)
            rnd[k] = (unsigned char)x;
    }
    for (int k = 0; k < 6; k++)
        out[k] = set[rnd[k] % (sizeof(set) - 1)];
    out[6] = '\0';
}

int fs_write_all(int fd, const void *data, size_t len)
{
    const char *buf = data;
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Write parts[0..n) to fd through a buffer of FS_STAGE_BYTES, so that
 * many small parts are few writes. Returns 0, or -1 with errno. */
#define FS_STAGE_BYTES (1u << 20)
static int write_parts(int fd, const struct fs_part *parts, size_t n)
{
    char *stage = n > 1 ? malloc(FS_STAGE_BYTES) : NULL;
    size_t used = 0;
    int rc = 0;
    for (size_t k = 0; k < n && rc == 0; k++) {
        if (stage == NULL || parts[k].len > FS_STAGE_BYTES / 2) {
            if (used > 0 && fs_write_all(fd, stage, used) != 0)
                rc = -1;
            used = 0;
            if (rc == 0 && fs_write_all(fd, parts[k].p, parts[k].len) != 0)
                rc = -1;
            continue;
        }
        if (used + parts[k].len > FS_STAGE_BYTES) {
            if (fs_write_all(fd, stage, used) != 0)
                rc = -1;
            used = 0;
        }
        memcpy(stage + used, parts[k].p, parts[k].len);
        used += parts[k].len;
    }
    if (rc == 0 && used > 0 && fs_write_all(fd, stage, used) != 0)
        rc = -1;
    int saved = errno;
    free(stage);
    errno = saved;
    return rc;
}

static int fs_open_new(const char *path)
{
    return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                0666);
}

int fs_write_new(const char *path, const void *buf, size_t len, char *err,
                 size_t err_len)
{
    int fd = fs_open_new(path);
    if (fd < 0) {
        snprintf(err, err_len, "cannot create %s: %s", path,
                 strerror(errno));
        return -1;
    }
    int rc = fs_write_all(fd, buf, len);
    if (close(fd) != 0)
        rc = -1;
    if (rc != 0) {
        snprintf(err, err_len, "cannot write %s: %s", path,
                 strerror(errno));
        unlink(path);
    }
    return rc;
}

static void fs_block(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, old);
}

/* An existing output that is not a regular file: a character device or
 * a FIFO is written through (-o /dev/stdout, a pipe to another tool);
 * renaming a temp file over it would replace the device node. */
static int is_write_through(const struct stat *st)
{
    return S_ISCHR(st->st_mode) || S_ISFIFO(st->st_mode);
}

/* Write buf to a character device or FIFO in place. O_NONBLOCK so that
 * a FIFO nobody reads fails (ENXIO) instead of hanging. */
static int write_through(const char *path, const struct fs_part *parts,
                         size_t n, char *err, size_t err_len)
{
    int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    int flags;
    if (fd < 0) {
        snprintf(err, err_len, "%s: cannot open for writing: %s", path,
                 errno == ENXIO ? "no process reads this FIFO"
                                : strerror(errno));
        return -1;
    }
    flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ||
        write_parts(fd, parts, n) != 0) {
        snprintf(err, err_len, "%s: cannot write: %s", path,
                 strerror(errno));
        close(fd);
        return -1;
    }
    if (close(fd) != 0 && errno != EINTR) {
        snprintf(err, err_len, "%s: cannot write: %s", path,
                 strerror(errno));
        return -1;
    }
    return 0;
}

int fs_check_writable(const char *path, char *err, size_t err_len)
{
    struct stat st;
    char dir[FS_PATH_MAX];
    if (path[0] == '\0') {
        snprintf(err, err_len, "output path is empty; expected a file path");
        return -1;
    }
    /* The folder and the temporary name need room: refuse before any
     * work is done. */
    if (strlen(path) >= FS_PATH_MAX - 32) {
        snprintf(err, err_len, "output path is %zu bytes long; at most %d "
                 "are accepted", strlen(path), FS_PATH_MAX - 33);
        return -1;
    }
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, err_len, "%s is a directory; expected a file "
                     "path", path);
            return -1;
        }
        if (is_write_through(&st)) {
            if (access(path, W_OK) != 0) {
                snprintf(err, err_len, "%s: not writable: %s", path,
                         strerror(errno));
                return -1;
            }
            return 0;
        }
        if (!S_ISREG(st.st_mode)) {
            snprintf(err, err_len, "%s is not a regular file; expected a "
                     "file path, a character device or a FIFO", path);
            return -1;
        }
    }
    fs_dir_of(path, dir, sizeof(dir));
    if (stat(dir, &st) != 0) {
        snprintf(err, err_len, "%s: folder %s does not exist; create it or "
                 "choose another -o", path, dir);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, err_len, "%s: %s is not a folder", path, dir);
        return -1;
    }
    if (access(dir, W_OK) != 0) {
        snprintf(err, err_len, "%s: folder %s is not writable: %s", path,
                 dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* Create a temporary file beside path and write buf to it, synced; its
 * name goes into tmp. Returns 0, or -1 with a message (nothing left). */
static int write_temp(const char *path, const struct fs_part *parts,
                      size_t n, char *tmp, size_t tmp_len, char *err,
                      size_t err_len)
{
    char dir[FS_PATH_MAX], sfx[7];
    const char *base = strrchr(path, '/');
    int fd = -1;
    base = base != NULL ? base + 1 : path;
    if (base[0] == '\0') {
        snprintf(err, err_len, "%s: not a file name", path);
        return -1;
    }
    fs_dir_of(path, dir, sizeof(dir));
    for (int tries = 0; fd < 0 && tries < 100; tries++) {
        fs_suffix(sfx);
        snprintf(tmp, tmp_len, "%s/.%.200s.tmp.%s", dir, base, sfx);
        fd = fs_open_new(tmp);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        snprintf(err, err_len, "%s: cannot create a temporary file in %s: "
                 "%s", path, dir, strerror(errno));
        return -1;
    }
    if (write_parts(fd, parts, n) != 0 || fsync(fd) != 0) {
        snprintf(err, err_len, "%s: cannot write: %s", path,
                 strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0) {
        snprintf(err, err_len, "%s: cannot write: %s", path,
                 strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* The rename is durable only once the folder is synced. */
static void sync_dir_of(const char *path)
{
    char dir[FS_PATH_MAX];
    fs_dir_of(path, dir, sizeof(dir));
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
}

int fs_write_atomic_parts(const char *path, const struct fs_part *parts,
                          size_t n, char *err, size_t err_len)
{
    char tmp[2 * FS_PATH_MAX + 32];
    struct stat st;
    int rc = -1;
    sigset_t old;
    if (stat(path, &st) == 0 && is_write_through(&st))
        return write_through(path, parts, n, err, err_len);
    fs_block(&old);
    if (write_temp(path, parts, n, tmp, sizeof(tmp), err, err_len) != 0)
        goto out;
    if (rename(tmp, path) != 0) {
        snprintf(err, err_len, "%s: cannot rename the temporary file into "
                 "place: %s", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    sync_dir_of(path);
    rc = 0;
out:
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}

int fs_write_atomic(const char *path, const void *buf, size_t len,
                    char *err, size_t err_len)
{
    struct fs_part one = { buf, len };
    return fs_write_atomic_parts(path, &one, 1, err, err_len);
}

/* Move tmp to path unless path exists: 0, or -1 with errno (EEXIST). */
static int move_no_replace(const char *tmp, const char *path)
{
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        return -1;
    /* A file system without RENAME_NOREPLACE: link fails on EEXIST too. */
    if (link(tmp, path) != 0)
        return -1;
    unlink(tmp);
    return 0;
}

int fs_write_unique(const char *stem, const char *ext, unsigned max,
                    const void *buf, size_t len, char *path,
                    size_t path_len, char *err, size_t err_len)
{
    char tmp[2 * FS_PATH_MAX + 32];
    int rc = -1;
    sigset_t old;
    snprintf(path, path_len, "%s%s", stem, ext);
    fs_block(&old);
    struct fs_part one = { buf, len };
    if (write_temp(path, &one, 1, tmp, sizeof(tmp), err, err_len) != 0)
        goto out;
    for (unsigned k = 1; k <= max; k++) {
        if (k > 1)
            snprintf(path, path_len, "%s-%u%s", stem, k, ext);
        if (move_no_replace(tmp, path) == 0) {
            sync_dir_of(path);
            rc = 0;
            goto out;
        }
        if (errno != EEXIST) {
            snprintf(err, err_len, "%s: cannot move the temporary file "
                     "into place: %s", path, strerror(errno));
            break;
        }
    }
    if (rc != 0 && errno == EEXIST)
        snprintf(err, err_len, "%s%s: %u files of that name exist "
                 "already; give -o FILE", stem, ext, max);
    unlink(tmp);
out:
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}

/* ---- private folders, removed on a fatal signal ------------------------ */

static char fs_dirs[FS_MAX_DIRS][FS_PATH_MAX];
static volatile sig_atomic_t fs_ndirs;
/* Children a signal kills first (0: a free slot); plot runs two
 * gnuplots at once. */
static volatile sig_atomic_t fs_children[FS_MAX_CHILDREN];
static struct sigaction fs_old_int, fs_old_term, fs_old_hup;

/* Remove the files of dir and dir itself with async-signal-safe calls
 * only (getdents64, unlinkat): this runs in the signal handler. */
static void fs_remove_flat(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    char buf[4096] __attribute__((aligned(8)));
    for (int pass = 0; pass < 64; pass++) {
        int removed = 0;
        lseek(fd, 0, SEEK_SET);
        for (;;) {
            long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
            if (n <= 0)
                break;
            for (long off = 0; off < n;) {
                /* struct linux_dirent64: ino, off, reclen, type, name */
                unsigned short reclen;
                memcpy(&reclen, buf + off + 16, sizeof(reclen));
                const char *name = buf + off + 19;
                if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
                    unlinkat(fd, name, 0) == 0)
                    removed = 1;
                off += reclen;
            }
        }
        if (!removed)
            break;
    }
    close(fd);
    rmdir(dir);
}

static void fs_on_signal(int sig)
{
    int saved = errno;
    for (int k = 0; k < FS_MAX_CHILDREN; k++) {
        pid_t child = (pid_t)fs_children[k];
        if (child > 0) {
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
        }
    }
    for (int k = (int)fs_ndirs - 1; k >= 0; k--)
        fs_remove_flat(fs_dirs[k]);
    fs_ndirs = 0;
    /* Die of the signal, as if there were no handler. */
    signal(sig, SIG_DFL);
    errno = saved;
    raise(sig);
}

int fs_private_dir(const char *dir, const char *tag, char *out,
                   size_t out_len, char *err, size_t err_len)
{
    sigset_t old;
    int rc = -1;
    if (snprintf(out, out_len, "%s/.poolbench-%s-XXXXXX", dir, tag) >=
            (int)out_len || strlen(out) >= FS_PATH_MAX) {
        snprintf(err, err_len, "%s: folder name too long", dir);
        return -1;
    }
    fs_block(&old);
    if (fs_ndirs == FS_MAX_DIRS) {
        snprintf(err, err_len, "too many temporary folders");
        goto out;
    }
    if (mkdtemp(out) == NULL) {
        snprintf(err, err_len, "cannot create a temporary folder in %s: %s",
                 dir, strerror(errno));
        goto out;
    }
    if (fs_ndirs == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = fs_on_signal;
        sigfillset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &fs_old_int);
        sigaction(SIGTERM, &sa, &fs_old_term);
        sigaction(SIGHUP, &sa, &fs_old_hup);
    }
    snprintf(fs_dirs[fs_ndirs], FS_PATH_MAX, "%s", out);
    fs_ndirs++;
    rc = 0;
out:
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}

void fs_private_dir_remove(const char *dir)
{
    sigset_t old;
    fs_block(&old);
    fs_remove_flat(dir);
    for (int k = 0; k < (int)fs_ndirs; k++)
        if (strcmp(fs_dirs[k], dir) == 0) {
            for (int q = k; q + 1 < (int)fs_ndirs; q++)
                memcpy(fs_dirs[q], fs_dirs[q + 1], FS_PATH_MAX);
            fs_ndirs--;
            if (fs_ndirs == 0) {
                sigaction(SIGINT, &fs_old_int, NULL);
                sigaction(SIGTERM, &fs_old_term, NULL);
                sigaction(SIGHUP, &fs_old_hup, NULL);
            }
            break;
        }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

int fs_track_child(pid_t pid)
{
    for (int k = 0; k < FS_MAX_CHILDREN; k++)
        if (fs_children[k] == 0) {
            fs_children[k] = (sig_atomic_t)pid;
            return 0;
        }
    return -1;
}

void fs_untrack_child(pid_t pid)
{
    for (int k = 0; k < FS_MAX_CHILDREN; k++)
        if (fs_children[k] == (sig_atomic_t)pid)
            fs_children[k] = 0;
}

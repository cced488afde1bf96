/* fs.h - files poolbench writes: created, never followed, renamed in.
 *
 * Every output goes through a name poolbench creates itself with
 * O_CREAT|O_EXCL|O_NOFOLLOW (or a private folder it made with mkdtemp)
 * and is renamed over its final name. A symlink planted at the final name
 * is then replaced, never written through. Modes are 0666 (files) and
 * 0700 (private folders) minus the umask.
 */
#ifndef POOLBENCH_FS_H
#define POOLBENCH_FS_H

#include <stddef.h>
#include <sys/types.h>

/* The folder part of path ("." when it has none) into buf. */
void fs_dir_of(const char *path, char *buf, size_t len);

/* Check that path can be written, before any work is done: its folder
 * exists and is writable, path is a regular file, a character device or
 * a FIFO if it exists (not a folder, socket or block device), and its
 * length leaves room for a temporary name. Returns 0 or -1 with a
 * one-line message. */
int fs_check_writable(const char *path, char *err, size_t err_len);

/* Write all len bytes of data to fd, again after EINTR and short
 * writes (a pipe, a socket). Returns 0, or -1 with errno (0 when write
 * returned 0). */
int fs_write_all(int fd, const void *data, size_t len);

/* Write buf[0..len) to path atomically: a new file ".NAME.tmp.XXXXXX"
 * beside it, fsync, rename over path (a symlink at path is replaced). An
 * existing character device or FIFO at path is written through instead
 * (never replaced); a FIFO nobody reads is an error, not a hang.
 * SIGINT/SIGTERM/SIGHUP wait until the rename is done, so a killed
 * process leaves the old file or the new one, never a temporary one.
 * Returns 0, or -1 with "PATH: why" in err and nothing left behind. */
int fs_write_atomic(const char *path, const void *buf, size_t len,
                    char *err, size_t err_len);

/* One piece of a file written in parts. */
struct fs_part {
    const void *p;
    size_t len;
};

/* fs_write_atomic of parts[0..n), one after the other: a large file made
 * of pieces already in memory (a merge of a fleet's files) is written
 * without first being copied into one buffer. */
int fs_write_atomic_parts(const char *path, const struct fs_part *parts,
                          size_t n, char *err, size_t err_len);

/* Write buf[0..len) as a new file STEM EXT, or STEM-2 EXT, STEM-3 EXT,
 * ... up to max: the first name that does not exist, never replacing a
 * file (runs started in the same second each keep their results). The
 * name used goes into path. Returns 0, or -1 with a message in err. */
int fs_write_unique(const char *stem, const char *ext, unsigned max,
                    const void *buf, size_t len, char *path,
                    size_t path_len, char *err, size_t err_len);

/* Create path, which must not exist yet (not even as a symlink), and
 * write buf[0..len) to it. For files inside a private folder. Returns 0,
 * or -1 with a message in err. */
int fs_write_new(const char *path, const void *buf, size_t len, char *err,
                 size_t err_len);

/* Create the private folder DIR/.poolbench-TAG-XXXXXX (mode 0700) into
 * out, and remember it: SIGINT, SIGTERM or SIGHUP remove it (and kill the
 * children named by fs_track_child) before the process dies of the
 * signal.
 * Returns 0, or -1 with a message in err. */
int fs_private_dir(const char *dir, const char *tag, char *out,
                   size_t out_len, char *err, size_t err_len);

/* Remove a folder made by fs_private_dir (the files in it, then itself)
 * and forget it. */
void fs_private_dir_remove(const char *dir);

/* Track child pid: a signal kills it before removing the private
 * folders it writes into. Returns 0, or -1 when four are tracked
 * already. */
int fs_track_child(pid_t pid);

/* Forget pid (it was reaped). */
void fs_untrack_child(pid_t pid);

#endif /* POOLBENCH_FS_H */

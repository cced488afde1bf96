/* results_input.c - reading a user-given input file whole, without ever
 * blocking on a FIFO or device, with a size limit. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results.h"
#include "results_impl.h"

/* Open a user-given input for reading without ever blocking on it: a
 * FIFO or device is refused before anything waits on it. Fills *st.
 * Returns the descriptor, or -1 with "PATH: not a regular file; expected
 * WHAT" (or the open error) in err. */
static int results_open_input(const char *path, const char *what,
                              struct stat *st, char *err, size_t err_len)
{
    /* O_NONBLOCK: opening a FIFO for reading blocks until a writer comes;
     * the regular-file check must come first. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    int flags;
    if (fd < 0) {
        snprintf(err, err_len, "%s: cannot open: %s", path,
                 strerror(errno));
        return -1;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        snprintf(err, err_len, "%s: not a regular file; expected %s", path,
                 what);
        close(fd);
        return -1;
    }
    flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        snprintf(err, err_len, "%s: cannot read: %s", path,
                 strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

char *results_read_input(const char *path, const char *what,
                         size_t max_bytes, size_t *len, struct stat *st,
                         char *err, size_t err_len)
{
    struct stat own;
    struct stat *sp = st != NULL ? st : &own;
    results_reader_oom = 0;
    int fd = results_open_input(path, what, sp, err, err_len);
    if (fd < 0)
        return NULL;
    if ((uint64_t)sp->st_size > max_bytes) {
        snprintf(err, err_len, "%s: %lld bytes is larger than the %zu bytes "
                 "%s may have", path, (long long)sp->st_size, max_bytes,
                 what);
        close(fd);
        return NULL;
    }
    size_t want = (size_t)sp->st_size, got = 0;
    char *buf = malloc(want + 1);
    if (buf == NULL) {
        results_reader_oom = 1;
        snprintf(err, err_len, "out of memory reading %s", path);
        close(fd);
        return NULL;
    }
    while (got < want) {
        ssize_t n = read(fd, buf + got, want - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* a file that shrank is read as far as it goes */
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    *len = got;
    return buf;
}

char *results_read_text(const char *path, size_t *len, char *err,
                        size_t err_len)
{
    return results_read_input(path, "a results JSON file",
                              RESULTS_MAX_BYTES, len, NULL, err, err_len);
}


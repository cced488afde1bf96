/* input.c - the items of cmd and pyfunc (see input.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus_impl.h"
#include "input.h"

#define INPUT_LIST_MAX (1u << 30) /* a list file larger is refused */

/* Read all of path into a NUL-terminated buffer. */
static char *read_list(const char *path, size_t *len, char *err,
                       size_t err_len)
{
    struct stat sb;
    char *buf = NULL;
    size_t used = 0, cap = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, err_len, "list=%s: %s", path, strerror(errno));
        goto fail;
    }
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(err, err_len, "list=%s: not a regular file; expected "
                 "a text file, one item per line", path);
        goto fail;
    }
    for (;;) {
        if (used + 1 >= cap) {
            size_t ncap = cap ? 2 * cap : 65536;
            char *grown = ncap <= INPUT_LIST_MAX ? realloc(buf, ncap) : NULL;
            if (grown == NULL) {
                snprintf(err, err_len, "list=%s: larger than %u MiB, or out "
                         "of memory", path, INPUT_LIST_MAX >> 20);
                goto fail;
            }
            buf = grown;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + used, cap - used - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, err_len, "list=%s: %s", path, strerror(errno));
            goto fail;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    close(fd);
    buf[used] = '\0';
    *len = used;
    return buf;
fail:
    if (fd >= 0)
        close(fd);
    free(buf);
    return NULL;
}

/* Cut the list into lines: one item per '\n'-terminated line (a last
 * line without '\n' counts too); a trailing '\r' is kept, as xargs -d
 * '\n' keeps it. */
static int cut_lines(struct input_set *in, const char *path, size_t len,
                     char *err, size_t err_len)
{
    size_t n = 0;
    if (memchr(in->text, '\0', len) != NULL) {
        snprintf(err, err_len, "list=%s: holds a NUL byte; expected text, "
                 "one item per line", path);
        return -1;
    }
    for (size_t k = 0; k < len; k++)
        n += in->text[k] == '\n';
    if (len > 0 && in->text[len - 1] != '\n')
        n++;
    if (n == 0) {
        snprintf(err, err_len, "list=%s: empty; expected one item per "
                 "line", path);
        return -1;
    }
    in->lines = malloc(n * sizeof(*in->lines));
    if (in->lines == NULL) {
        snprintf(err, err_len, "list=%s: out of memory", path);
        return -1;
    }
    char *p = in->text;
    for (size_t k = 0; k < n; k++) {
        char *nl = strchr(p, '\n');
        in->lines[k] = p;
        if (nl != NULL)
            *nl = '\0';
        p = nl != NULL ? nl + 1 : p + strlen(p);
    }
    in->nlines = n;
    return 0;
}

int input_prepare(struct input_set *in, const struct input_spec *spec,
                  char *err, size_t err_len)
{
    memset(in, 0, sizeof(*in));
    corpus_init(&in->c);
    in->kind = spec->kind;
    if (spec->kind == INPUT_LINES) {
        size_t len = 0;
        in->text = read_list(spec->list, &len, err, err_len);
        if (in->text == NULL ||
            cut_lines(in, spec->list, len, err, err_len) != 0)
            goto fail;
        return 0;
    }
    if (spec->kind != INPUT_FILES)
        return 0;
    if (spec->dir != NULL) {
        if (corpus_scan(&in->c, spec->dir, err, err_len) != 0)
            goto fail;
        return 0;
    }
    if (spec->cache_dir == NULL) {
        snprintf(err, err_len, "no cache folder for the corpus; give "
                 "--corpus-dir DIR or -p dir=PATH");
        goto fail;
    }
    if (corpus_open(&in->c, spec->cache_dir, &spec->corpus, NULL, err,
                    err_len) != 0)
        goto fail;
    return 0;
fail:
    input_free(in);
    return -1;
}

struct corpus_spec input_corpus_spec(const union wl_value *a)
{
    return (struct corpus_spec){ .files = (uint64_t)a[0].i,
                                 .bytes = (uint64_t)a[1].i << 20,
                                 .seed = (uint64_t)a[2].i };
}

int input_setup(struct input_set *in, const struct input_spec *spec,
                const char *who, uint64_t given, uint64_t default_tasks,
                uint64_t *ntasks, char *err, size_t err_len)
{
    if (spec->kind == INPUT_LINES && spec->list == NULL) {
        memset(in, 0, sizeof(*in));
        snprintf(err, err_len, "%s=lines needs -p list=FILE", who);
        return -1;
    }
    if (input_prepare(in, spec, err, err_len) != 0)
        return -1;
    size_t count = input_count(in);
    *ntasks = given > 0 ? given : count > 0 ? count : default_tasks;
    return 0;
}

size_t input_count(const struct input_set *in)
{
    switch (in->kind) {
    case INPUT_LINES: return in->nlines;
    case INPUT_FILES: return in->c.count;
    case INPUT_INDEX: return 0;
    }
    return 0;
}

static const char *fit(char *buf, size_t len, int n)
{
    return n >= 0 && (size_t)n < len ? buf : NULL;
}

const char *input_item(const struct input_set *in, uint64_t i, char *buf,
                       size_t len)
{
    switch (in->kind) {
    case INPUT_LINES:
        return fit(buf, len, snprintf(buf, len, "%s",
                                      in->lines[i % in->nlines]));
    case INPUT_FILES:
        return fit(buf, len, snprintf(buf, len, "%s/%s", in->c.root,
                                      corpus_path(&in->c,
                                                  i % in->c.count)));
    case INPUT_INDEX:
        break;
    }
    return fit(buf, len, snprintf(buf, len, "%" PRIu64, i));
}

const char *input_key(const struct input_set *in, uint64_t i, char *buf,
                      size_t len)
{
    if (in->kind == INPUT_FILES)
        return fit(buf, len, snprintf(buf, len, "%s",
                                      corpus_path(&in->c, i % in->c.count)));
    return input_item(in, i, buf, len);
}

uint64_t input_size(const struct input_set *in, uint64_t i)
{
    return in->kind == INPUT_FILES ? in->c.files[i % in->c.count].size : 0;
}

int input_error(const struct input_set *in, uint64_t i)
{
    if (in->kind != INPUT_FILES)
        return 0;
    return in->c.files[i % in->c.count].err;
}

void input_free(struct input_set *in)
{
    corpus_free(&in->c);
    free(in->lines);
    free(in->text);
    in->lines = NULL;
    in->text = NULL;
    in->nlines = 0;
}

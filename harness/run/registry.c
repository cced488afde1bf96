/* registry.c - the built-in workloads, --plugin shared objects, and the
 * parsing of workload parameters. */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "fsperm.h"
#include "registry.h"
#include "workloads.h"

#define WORKLOAD_ADDRESS(name) &wl_##name,
static const struct workload *const builtin[] = {
    WORKLOADS(WORKLOAD_ADDRESS)
};
#undef WORKLOAD_ADDRESS

#define NBUILTIN (sizeof(builtin) / sizeof(builtin[0]))

/* Plugins stay loaded until exit: their workloads are referenced by every
 * result row made with them. */
static const struct workload *plugins[REGISTRY_MAX];
static size_t nplugins;

/* What plugins[] points to: each plugin's struct copied up to the peer
 * hook, which stays NULL. A plugin built against a workload.h without
 * the hook exports a shorter struct, and reading past it would read
 * whatever follows it in the plugin. */
static struct workload plugin_copies[REGISTRY_MAX];

/* A/B: the label each plugin was loaded under (--plugin LABEL=PATH), or
 * "" when none, and the name it is known by then ("NAME@LABEL"). */
static char plugin_sides[REGISTRY_MAX][REGISTRY_SIDE_MAX + 1];
static char plugin_names[REGISTRY_MAX][REGISTRY_NAME_MAX];

/* --trust-plugins: load plugins whatever their owner and mode. */
static int trust_all;

size_t registry_count(void)
{
    return NBUILTIN + nplugins;
}

/* A workload that runs the user's own work (cmd's command: a TEXT
 * parameter without a default; pyfunc's function, which only the Python
 * executors run) runs only when named. */
static int asks_for_work(const struct workload *wl)
{
    if (wl->peer_only)
        return 1;
    for (size_t k = 0; k < registry_param_count(wl); k++)
        if (wl->params[k].type == WL_PARAM_TEXT && wl->params[k].def == NULL)
            return 1;
    return 0;
}

int registry_by_default(const struct workload *wl)
{
    static const char *const named_only[] = { "blocklock", NULL };
    if (asks_for_work(wl))
        return 0;
    for (size_t k = 0; k < NBUILTIN; k++) {
        if (builtin[k] != wl)
            continue;
        for (size_t q = 0; named_only[q] != NULL; q++)
            if (strcmp(wl->name, named_only[q]) == 0)
                return 0;
    }
    return 1;
}

const struct workload *registry_at(size_t k)
{
    if (k < NBUILTIN)
        return builtin[k];
    if (k - NBUILTIN < nplugins)
        return plugins[k - NBUILTIN];
    return NULL;
}

const struct workload *registry_find(const char *name)
{
    for (size_t k = 0; k < registry_count(); k++)
        if (strcmp(registry_at(k)->name, name) == 0)
            return registry_at(k);
    return NULL;
}

size_t registry_param_count(const struct workload *wl)
{
    size_t n = 0;
    while (wl->params != NULL && wl->params[n].name != NULL)
        n++;
    return n;
}

int registry_param_index(const struct workload *wl, const char *key)
{
    size_t n = registry_param_count(wl);
    for (size_t k = 0; k < n; k++)
        if (strcmp(wl->params[k].name, key) == 0)
            return (int)k;
    return -1;
}

int registry_param_parse(const struct workload *wl, size_t k,
                         const char *text, union wl_value *out, char *err,
                         size_t err_len)
{
    const struct wl_param *p = &wl->params[k];
    char what[128];
    snprintf(what, sizeof(what), "%s: %s=", wl->name, p->name);
    memset(out, 0, sizeof(*out));
    switch (p->type) {
    case WL_PARAM_INT: {
        int64_t v;
        char e[256];
        if (args_i64("", text, (int64_t)p->min, (int64_t)p->max, &v, e,
                     sizeof(e)) != 0) {
            snprintf(err, err_len,
                     "%s%s: expected a whole number from %.0f to %.0f",
                     what, text, p->min, p->max);
            return -1;
        }
        out->i = v;
        return 0;
    }
    case WL_PARAM_REAL: {
        double v;
        char e[256];
        if (args_double("", text, p->min, p->max, &v, e, sizeof(e)) != 0) {
            snprintf(err, err_len, "%s%s: expected a number from %g to %g",
                     what, text, p->min, p->max);
            return -1;
        }
        out->d = v;
        return 0;
    }
    case WL_PARAM_CHOICE: {
        int c = args_choice(p->choices, text);
        if (c < 0) {
            snprintf(err, err_len, "%s%s: expected one of %s", what, text,
                     p->choices);
            return -1;
        }
        out->c.index = c;
        out->c.word = text;
        return 0;
    }
    case WL_PARAM_STRING:
    case WL_PARAM_TEXT:
        if (text[0] == '\0') {
            snprintf(err, err_len, "%s: expected a non-empty value", what);
            return -1;
        }
        out->s = text;
        return 0;
    }
    snprintf(err, err_len, "%s: unknown parameter type", what);
    return -1;
}

/* A declared workload must be usable before anything calls it. */
static int check_workload(const char *path, const struct workload *wl,
                          char *err, size_t err_len)
{
    if (wl->abi != WORKLOAD_ABI) {
        snprintf(err, err_len, "%s: workload ABI %u, but this poolbench "
                 "takes ABI %d; rebuild the plugin against this workload.h",
                 path, wl->abi, WORKLOAD_ABI);
        return -1;
    }
    if (wl->name == NULL || wl->name[0] == '\0' ||
        strspn(wl->name, "abcdefghijklmnopqrstuvwxyz0123456789_-") !=
            strlen(wl->name)) {
        snprintf(err, err_len, "%s: workload name must be [a-z0-9_-]+",
                 path);
        return -1;
    }
    if (wl->run_task == NULL) {
        snprintf(err, err_len, "%s: workload '%s' has no run_task", path,
                 wl->name);
        return -1;
    }
    size_t np = registry_param_count(wl);
    if (np > REGISTRY_MAX_PARAMS) {
        snprintf(err, err_len, "%s: '%s' declares %zu parameters; at most "
                 "%d", path, wl->name, np, REGISTRY_MAX_PARAMS);
        return -1;
    }
    for (size_t k = 0; k < np; k++) {
        const struct wl_param *p = &wl->params[k];
        union wl_value v;
        char e[256];
        if (p->type == WL_PARAM_CHOICE && p->choices == NULL) {
            snprintf(err, err_len, "%s: '%s' parameter %s has no choices",
                     path, wl->name, p->name);
            return -1;
        }
        if (p->def != NULL &&
            registry_param_parse(wl, k, p->def, &v, e, sizeof(e)) != 0) {
            snprintf(err, err_len, "%s: bad default: %s", path, e);
            return -1;
        }
    }
    return 0;
}

void registry_trust_plugins(int trust)
{
    trust_all = trust;
}

/* Split path into its folder and file name (both in buffers of len). */
static void split_path(const char *path, char *dir, char *base, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        snprintf(dir, len, ".");
        snprintf(base, len, "%s", path);
    } else {
        snprintf(dir, len, "%.*s", (int)(slash - path + (slash == path)),
                 path);
        snprintf(base, len, "%s", slash + 1);
    }
}

/* Is the folder behind dfd one poolbench may load plugins from? With
 * sticky_ok, a folder writable by others is accepted when its sticky bit
 * keeps them from renaming or replacing a file they do not own (/tmp):
 * enough for one named file, not for a folder whose every .so is loaded.
 * Returns 0, or -1 with a message. */
static int check_dir(int dfd, const char *what, const char *dir,
                     int sticky_ok, char *err, size_t err_len)
{
    struct stat st;
    char why[160];
    if (fstat(dfd, &st) != 0) {
        snprintf(err, err_len, "%s: folder %s: %s", what, dir,
                 strerror(errno));
        return -1;
    }
    if (trust_all)
        return 0;
    if (fsperm_check(&st, FSPERM_CALLER_ROOT, why, sizeof(why)) == 0)
        return 0;
    if (sticky_ok && (st.st_mode & S_ISVTX) &&
        (st.st_uid == 0 || st.st_uid == geteuid()))
        return 0;
    snprintf(err, err_len, "%s: refused: its folder %s is %s, so another "
             "user could plant code that poolbench would run; fix the "
             "folder or give --trust-plugins", what, dir, why);
    return -1;
}

const char *registry_side(const struct workload *wl)
{
    for (size_t k = 0; k < nplugins; k++)
        if (plugins[k] == wl)
            return plugin_sides[k][0] != '\0' ? plugin_sides[k] : NULL;
    return NULL;
}

size_t registry_sides(const char *name, const struct workload **out,
                      size_t max)
{
    size_t n = 0, len = strlen(name);
    for (size_t k = 0; k < nplugins; k++)
        if (plugin_sides[k][0] != '\0' &&
            strncmp(plugins[k]->name, name, len) == 0 &&
            plugins[k]->name[len] == '@' && n < max)
            out[n++] = plugins[k];
    return n;
}

int registry_scope_matches(const char *scope, const struct workload *wl)
{
    if (strcmp(scope, wl->name) == 0)
        return 1;
    size_t len = strcspn(wl->name, "@");
    return registry_side(wl) != NULL && strlen(scope) == len &&
           strncmp(scope, wl->name, len) == 0;
}

/* A/B: the label part of --plugin LABEL=PATH, or 0 when text is a plain
 * path (no '=' before any '/', or a label that is not [a-z0-9_-]+). */
static size_t label_len(const char *text)
{
    size_t len = strspn(text, "abcdefghijklmnopqrstuvwxyz0123456789_-");
    return len > 0 && text[len] == '=' ? len : 0;
}

/* The name a plugin's workload is known by: its own, or "NAME@LABEL"
 * when loaded under a label; refused when taken, or when the same NAME
 * would be both labelled and not (-w NAME would be ambiguous), or when
 * a third label is given (A/B compares two builds). */
static int side_name(const char *what, const struct workload *wl,
                     const char *side, char *name, size_t len, char *err,
                     size_t err_len)
{
    const struct workload *sides[3];
    size_t nsides = registry_sides(wl->name, sides, 3);
    if (side == NULL) {
        snprintf(name, len, "%s", wl->name);
        if (nsides > 0) {
            snprintf(err, err_len, "%s: '%s' is already loaded under a "
                     "label (%s); give this one a label too, LABEL=PATH",
                     what, wl->name, sides[0]->name);
            return -1;
        }
    } else {
        snprintf(name, len, "%s@%s", wl->name, side);
        if (registry_find(wl->name) != NULL) {
            snprintf(err, err_len, "%s: a workload named '%s' already "
                     "exists; A/B loads two builds of a plugin's "
                     "workload, each under a label", what, wl->name);
            return -1;
        }
        if (nsides >= 2 && registry_find(name) == NULL) {
            snprintf(err, err_len, "%s: '%s' is already loaded under two "
                     "labels (%s, %s); A/B compares two builds", what,
                     wl->name, sides[0]->name, sides[1]->name);
            return -1;
        }
    }
    if (registry_find(name) != NULL) {
        snprintf(err, err_len, "%s: a workload named '%s' already "
                 "exists; plugins cannot replace one", what, name);
        return -1;
    }
    return 0;
}

/* dlopen the checked file through its descriptor (/proc/self/fd/FD), so
 * that the very file checked is the one mapped. Returns the handle, or
 * NULL with "WHAT: cannot load as a shared object: why" in err. */
static void *dlopen_fd(int fd, const char *real, const char *what,
                       char *err, size_t err_len)
{
    char fdpath[64];
    /* Without /proc (rare) the checked real path is the best left. The
     * fd is not closed once loaded (see below): at most one per plugin. */
    snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
    void *h = dlopen(access(fdpath, F_OK) == 0 ? fdpath : real,
                     RTLD_NOW | RTLD_LOCAL);
    if (h != NULL)
        return h;
    const char *why_dl = dlerror();
    /* dlerror names the /proc path; the user gave another. */
    if (why_dl != NULL && strncmp(why_dl, fdpath, strlen(fdpath)) == 0 &&
        strncmp(why_dl + strlen(fdpath), ": ", 2) == 0)
        why_dl += strlen(fdpath) + 2;
    snprintf(err, err_len, "%s: cannot load as a shared object: %s", what,
             why_dl != NULL ? why_dl : "unknown error");
    return NULL;
}

int registry_load_plugin(const char *arg, char *err, size_t err_len)
{
    char side[REGISTRY_SIDE_MAX + 1] = "";
    size_t llen = label_len(arg);
    const char *path = arg + (llen > 0 ? llen + 1 : 0);
    char what[4200], real[PATH_MAX], dir[PATH_MAX], base[PATH_MAX];
    char why[160];
    struct stat st;
    int dfd = -1, fd = -1;
    void *h = NULL;

    snprintf(what, sizeof(what), "--plugin %s", arg);
    if (llen > REGISTRY_SIDE_MAX) {
        snprintf(err, err_len, "%s: label longer than %d characters", what,
                 REGISTRY_SIDE_MAX);
        return -1;
    }
    if (llen > 0)
        snprintf(side, sizeof(side), "%.*s", (int)llen, arg);
    /* Check what will be mapped, not the name: the real path's folder
     * and the file opened from it without following links; then load
     * that very file through /proc/self/fd, so nothing can be swapped
     * in between. */
    if (realpath(path, real) == NULL) {
        snprintf(err, err_len, "%s: %s", what, strerror(errno));
        return -1;
    }
    split_path(real, dir, base, sizeof(dir));
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        snprintf(err, err_len, "%s: folder %s: %s", what, dir,
                 strerror(errno));
        goto fail;
    }
    if (check_dir(dfd, what, dir, 1, err, err_len) != 0)
        goto fail;
    fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, err_len, "%s: %s", what, strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, err_len, "%s: not a regular file; expected "
                 "a shared object (.so)", what);
        goto fail;
    }
    if (!trust_all &&
        fsperm_check(&st, FSPERM_CALLER_ROOT, why, sizeof(why)) != 0) {
        snprintf(err, err_len, "%s: refused: the file is %s, so another "
                 "user could change the code poolbench would run; fix it "
                 "or give --trust-plugins", what, why);
        goto fail;
    }
    if (nplugins == REGISTRY_MAX) {
        snprintf(err, err_len, "%s: more than %d plugins", what,
                 REGISTRY_MAX);
        goto fail;
    }
    h = dlopen_fd(fd, real, what, err, err_len);
    if (h == NULL)
        goto fail;
    const struct workload *wl = dlsym(h, WORKLOAD_PLUGIN_SYMBOL);
    if (wl == NULL) {
        snprintf(err, err_len, "%s: no '%s' symbol; a plugin "
                 "exports const struct workload %s", what,
                 WORKLOAD_PLUGIN_SYMBOL, WORKLOAD_PLUGIN_SYMBOL);
        goto fail;
    }
    if (check_workload(path, wl, err, err_len) != 0)
        goto fail;
    if (side_name(what, wl, side[0] ? side : NULL, plugin_names[nplugins],
                  sizeof(plugin_names[nplugins]), err, err_len) != 0)
        goto fail;
    memset(&plugin_copies[nplugins], 0, sizeof(plugin_copies[nplugins]));
    memcpy(&plugin_copies[nplugins], wl, offsetof(struct workload, peer));
    plugin_copies[nplugins].name = plugin_names[nplugins];
    snprintf(plugin_sides[nplugins], sizeof(plugin_sides[nplugins]), "%s",
             side);
    plugins[nplugins] = &plugin_copies[nplugins];
    nplugins++;
    /* fd stays open: the loader knows the plugin by its /proc name and
     * would take a later plugin opened on the same number for it. */
    close(dfd);
    /* Loading ran the plugin's code: say whose. */
    fprintf(stderr, "poolbench: loaded plugin %s from %s\n",
            plugin_names[nplugins - 1], real);
    return 0;
fail:
    if (h != NULL)
        dlclose(h); /* fd stays open, as above: it may not unload */
    else if (fd >= 0)
        close(fd);
    if (dfd >= 0)
        close(dfd);
    return -1;
}

static int has_so_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".so") == 0;
}

static int load_dir(const char *dir, char *err, size_t err_len)
{
    struct dirent **list = NULL;
    /* Every .so here is loaded: the folder itself must be trusted, even
     * a sticky one (anyone may add a file to /tmp). */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        snprintf(err, err_len, "POOLBENCH_PLUGIN_PATH: %s: %s", dir,
                 strerror(errno));
        return -1;
    }
    int checked = check_dir(dfd, "POOLBENCH_PLUGIN_PATH", dir, 0, err,
                            err_len);
    close(dfd);
    if (checked != 0)
        return -1;
    int n = scandir(dir, &list, NULL, alphasort);
    if (n < 0) {
        snprintf(err, err_len, "POOLBENCH_PLUGIN_PATH: %s: %s", dir,
                 strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int k = 0; k < n; k++) {
        if (rc == 0 && has_so_suffix(list[k]->d_name)) {
            char path[4096];
            snprintf(path, sizeof(path), "%s/%s", dir, list[k]->d_name);
            rc = registry_load_plugin(path, err, err_len);
        }
        free(list[k]);
    }
    free(list);
    return rc;
}

int registry_load_env(char *err, size_t err_len)
{
    const char *env = getenv("POOLBENCH_PLUGIN_PATH");
    if (env == NULL || env[0] == '\0')
        return 0;
    char *copy = strdup(env);
    if (copy == NULL)
        return -1;
    int rc = 0;
    char *save = NULL;
    for (char *p = strtok_r(copy, ":", &save); p != NULL && rc == 0;
         p = strtok_r(NULL, ":", &save)) {
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
            rc = load_dir(p, err, err_len);
        else
            rc = registry_load_plugin(p, err, err_len);
    }
    free(copy);
    return rc;
}

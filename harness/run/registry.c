/* registry.c - the built-in workloads, --plugin shared objects, and the
 * parsing of workload parameters. */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
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

size_t registry_count(void)
{
    return NBUILTIN + nplugins;
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

int registry_load_plugin(const char *path, char *err, size_t err_len)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, err_len, "--plugin %s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, err_len, "--plugin %s: not a regular file; expected "
                 "a shared object (.so)", path);
        return -1;
    }
    if (nplugins == REGISTRY_MAX) {
        snprintf(err, err_len, "--plugin %s: more than %d plugins", path,
                 REGISTRY_MAX);
        return -1;
    }
    /* dlopen wants a slash to take a path rather than search. */
    char full[4096];
    snprintf(full, sizeof(full), "%s%s", strchr(path, '/') ? "" : "./",
             path);
    void *h = dlopen(full, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        const char *why = dlerror();
        snprintf(err, err_len, "--plugin %s: cannot load as a shared "
                 "object: %s", path, why != NULL ? why : "unknown error");
        return -1;
    }
    const struct workload *wl = dlsym(h, WORKLOAD_PLUGIN_SYMBOL);
    if (wl == NULL) {
        snprintf(err, err_len, "--plugin %s: no '%s' symbol; a plugin "
                 "exports const struct workload %s", path,
                 WORKLOAD_PLUGIN_SYMBOL, WORKLOAD_PLUGIN_SYMBOL);
        goto fail;
    }
    if (check_workload(path, wl, err, err_len) != 0)
        goto fail;
    if (registry_find(wl->name) != NULL) {
        snprintf(err, err_len, "--plugin %s: a workload named '%s' already "
                 "exists; plugins cannot replace one", path, wl->name);
        goto fail;
    }
    plugins[nplugins++] = wl;
    return 0;
fail:
    dlclose(h);
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

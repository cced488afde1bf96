/* machine.c - what machine and build a result was measured on. */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "build_info.h"
#include "config.h"
#include "machine.h"

/* Copy the first line of a small file into buf; "" when unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    if (fgets(buf, (int)len, f) == NULL)
        buf[0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    fclose(f);
}

/* The value of "key<sep>value" in a file of such lines, trimmed. */
static void read_keyed(const char *path, const char *key, char sep,
                       char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    char line[512];
    size_t klen = strlen(key);
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, key, klen) != 0)
            continue;
        char *p = line + klen;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != sep)
            continue;
        p++;
        while (*p == ' ' || *p == '"')
            p++;
        p[strcspn(p, "\"\n")] = '\0';
        snprintf(buf, len, "%s", p);
        break;
    }
    fclose(f);
}

/* "0-3,6" from a CPU set. */
static long affinity_string(char *buf, size_t len)
{
    cpu_set_t set;
    buf[0] = '\0';
    if (sched_getaffinity(0, sizeof(set), &set) != 0)
        return 0;
    size_t used = 0;
    long count = 0;
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (!CPU_ISSET(c, &set))
            continue;
        int end = c;
        while (end + 1 < CPU_SETSIZE && CPU_ISSET(end + 1, &set))
            end++;
        count += end - c + 1;
        int w = end > c
                    ? snprintf(buf + used, len - used, "%s%d-%d",
                               used ? "," : "", c, end)
                    : snprintf(buf + used, len - used, "%s%d",
                               used ? "," : "", c);
        if (w < 0 || (size_t)w >= len - used)
            break;
        used += (size_t)w;
        c = end;
    }
    return count;
}

void machine_read(struct machine_info *m)
{
    memset(m, 0, sizeof(*m));
    struct utsname u;
    if (uname(&u) == 0) {
        snprintf(m->kernel, sizeof(m->kernel), "%s", u.release);
        snprintf(m->arch, sizeof(m->arch), "%s", u.machine);
    }
    if (gethostname(m->hostname, sizeof(m->hostname) - 1) != 0)
        m->hostname[0] = '\0';
    read_keyed("/etc/os-release", "PRETTY_NAME", '=', m->os,
               sizeof(m->os));
    read_keyed("/proc/cpuinfo", "model name", ':', m->cpu_model,
               sizeof(m->cpu_model));
    m->cpus_online = sysconf(_SC_NPROCESSORS_ONLN);
    m->affinity_count = affinity_string(m->affinity, sizeof(m->affinity));
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        m->mem_total_bytes = (uint64_t)pages * (uint64_t)page;
    read_line("/sys/devices/system/clocksource/clocksource0/"
              "current_clocksource", m->clocksource, sizeof(m->clocksource));
    read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
              m->governor, sizeof(m->governor));
#if defined(__clang__)
    snprintf(m->compiler, sizeof(m->compiler), "clang %s", __clang_version__);
#elif defined(__GNUC__)
    snprintf(m->compiler, sizeof(m->compiler), "gcc %s", __VERSION__);
#endif
    snprintf(m->build_type, sizeof(m->build_type), "%s",
             POOLBENCH_BUILD_TYPE);
    snprintf(m->version, sizeof(m->version), "%s", POOLBENCH_VERSION);
    snprintf(m->git_commit, sizeof(m->git_commit), "%s",
             strcmp(POOLBENCH_GIT_COMMIT, "unknown") == 0
                 ? "" : POOLBENCH_GIT_COMMIT);
}

static void add_string(cJSON *o, const char *key, const char *v)
{
    if (v[0] != '\0')
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

cJSON *machine_to_json(const struct machine_info *m)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    add_string(o, "hostname", m->hostname);
    add_string(o, "os", m->os);
    add_string(o, "kernel", m->kernel);
    add_string(o, "arch", m->arch);
    add_string(o, "cpu_model", m->cpu_model);
    cJSON_AddNumberToObject(o, "cpus_online", (double)m->cpus_online);
    add_string(o, "affinity", m->affinity);
    cJSON_AddNumberToObject(o, "affinity_count",
                            (double)m->affinity_count);
    cJSON_AddNumberToObject(o, "mem_total_bytes",
                            (double)m->mem_total_bytes);
    add_string(o, "clocksource", m->clocksource);
    add_string(o, "governor", m->governor);
    add_string(o, "compiler", m->compiler);
    add_string(o, "build_type", m->build_type);
    add_string(o, "poolbench_version", m->version);
    add_string(o, "git_commit", m->git_commit);
    return o;
}

static const char *or_unknown(const char *s)
{
    return s[0] != '\0' ? s : "(unknown)";
}

void machine_print(const struct machine_info *m)
{
    printf("hostname:          %s\n", or_unknown(m->hostname));
    printf("os:                %s\n", or_unknown(m->os));
    printf("kernel:            %s (%s)\n", or_unknown(m->kernel),
           or_unknown(m->arch));
    printf("cpu_model:         %s\n", or_unknown(m->cpu_model));
    printf("cpus_online:       %ld\n", m->cpus_online);
    printf("affinity:          %s (%ld CPUs)\n", or_unknown(m->affinity),
           m->affinity_count);
    printf("mem_total_bytes:   %llu (%.1f GiB)\n",
           (unsigned long long)m->mem_total_bytes,
           (double)m->mem_total_bytes / (1024.0 * 1024 * 1024));
    printf("clocksource:       %s\n", or_unknown(m->clocksource));
    printf("governor:          %s\n",
           m->governor[0] ? m->governor : "(not exposed)");
    printf("compiler:          %s\n", or_unknown(m->compiler));
    printf("build_type:        %s\n", or_unknown(m->build_type));
    printf("poolbench_version: %s\n", or_unknown(m->version));
    printf("git_commit:        %s\n", or_unknown(m->git_commit));
}

/* main.c - the command line: the commands table, as git's git.c. Each
 * command lives in harness/cli/NAME.c; what a command needs from main
 * (plugins trusted before its arguments are read) is a flag in its row,
 * never a comparison of its name. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "exit.h"
#include "machine.h"
#include "registry.h"
#include "suggest.h"

/* The command loads workload plugins: --trust-plugins, anywhere before a
 * "--", is taken out of its arguments and in force before it starts. */
#define CMD_TAKES_PLUGINS (1u << 0)

struct command {
    const char *name;
    int (*fn)(int argc, char **argv); /* argv[0] == name; exit status */
    unsigned flags;                   /* CMD_* */
    const char *summary;              /* one line for `poolbench --help` */
};

static const struct command commands[] = {
    { "run", cmd_run, CMD_TAKES_PLUGINS,
      "run workloads under executors, write results JSON" },
    { "list", cmd_list, CMD_TAKES_PLUGINS,
      "workloads with their parameters, and executors" },
    { "info", cmd_info, 0, "this machine's metadata" },
    { "show", cmd_show, 0,
      "a results file: the answer per workload, then every row" },
    { "compare", cmd_compare, 0,
      "two results files: what is faster or slower, for real" },
    { "ab", cmd_ab, 0,
      "two poolbench builds round by round: one A/B results file" },
    { "merge", cmd_merge, 0,
      "combine results files (many machines) into one" },
    { "plot", cmd_plot, 0,
      "charts (SVG, PNG) of results files, via gnuplot" },
    { "report", cmd_report, 0,
      "one self-contained HTML report of results files" },
    { "history", cmd_history, 0,
      "the history database: add, list, show, export, trend" },
    { "import-hyperfine", cmd_import_hyperfine, 0,
      "hyperfine JSON into a poolbench/1 results file" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
    fprintf(f, "usage: poolbench COMMAND [options]\n\n"
               "Threads, processes or futures: how many workers, what "
               "chunk size, for this\nwork on this machine? poolbench "
               "measures it.\n\ncommands:\n");
    for (size_t k = 0; k < NCOMMANDS; k++)
        fprintf(f, "  %-17s %s\n", commands[k].name, commands[k].summary);
    fprintf(f, "\n`poolbench COMMAND --help` tells more. Exit status: 0 ok, "
               "1 a comparison found\na regression, 2 bad usage or input, "
               "3 a run failed, 4 no stored baseline,\n130 interrupted.\n");
}

/* --trust-plugins taken out of argv (wherever it is, before a "--"), so
 * that it is in force before the first --plugin is loaded. */
static void take_trust_plugins(int *argc, char **argv)
{
    int out = 1;
    int in = 1;
    for (; in < *argc; in++) {
        if (strcmp(argv[in], "--") == 0)
            break;
        if (strcmp(argv[in], "--trust-plugins") == 0)
            registry_trust_plugins(1);
        else
            argv[out++] = argv[in];
    }
    while (in < *argc)
        argv[out++] = argv[in++];
    argv[out] = NULL;
    *argc = out;
}

static int unknown_command(const char *cmd)
{
    const char *names[NCOMMANDS];
    char hint[96];
    for (size_t k = 0; k < NCOMMANDS; k++)
        names[k] = commands[k].name;
    fprintf(stderr, "poolbench: unknown command '%s'%s; expected one of: ",
            cmd, suggest_hint(cmd, names, NCOMMANDS, hint, sizeof(hint)));
    for (size_t k = 0; k < NCOMMANDS; k++)
        fprintf(stderr, "%s%s", k ? ", " : "", commands[k].name);
    fprintf(stderr, " (see poolbench --help)\n");
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
        strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        struct machine_info m;
        machine_read(&m);
        printf("poolbench %s%s%s (%s, %s)\n", m.version,
               m.git_commit[0] ? " " : "", m.git_commit, m.build_type,
               m.compiler);
        return 0;
    }
    for (size_t k = 0; k < NCOMMANDS; k++) {
        if (strcmp(cmd, commands[k].name) != 0)
            continue;
        int n = argc - 1;
        if (commands[k].flags & CMD_TAKES_PLUGINS)
            take_trust_plugins(&n, argv + 1);
        return commands[k].fn(n, argv + 1);
    }
    return unknown_command(cmd);
}

/* test_cmd.c - the cmd workload's own parts: splitting a command line
 * into words (quotes, escapes, refusals), substituting {} and {#}, and
 * posix_spawn + wait with real programs (an exit status, a signal, a
 * time-out that kills the process group, stdout digested, descriptors
 * not inherited, stdin empty).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "cmd_impl.h"

static void split_ok(const char *line, int argc, ...)
{
    struct cmd_words w;
    char err[256] = "";
    va_list ap;
    assert_int_equal(cmd_split(line, &w, err, sizeof(err)), 0);
    assert_int_equal(w.argc, argc);
    va_start(ap, argc);
    for (int k = 0; k < argc; k++)
        assert_string_equal(w.argv[k], va_arg(ap, const char *));
    va_end(ap);
    assert_null(w.argv[argc]);
    cmd_words_free(&w);
}

static void split_bad(const char *line, const char *needle)
{
    struct cmd_words w;
    char err[256] = "";
    assert_int_equal(cmd_split(line, &w, err, sizeof(err)), -1);
    assert_non_null(strstr(err, needle));
}

static void test_split(void **state)
{
    (void)state;
    split_ok("gzip -c {}", 3, "gzip", "-c", "{}");
    split_ok("  a\t b  ", 2, "a", "b");
    split_ok("echo 'a b' \"c d\" e\\ f", 4, "echo", "a b", "c d", "e f");
    split_ok("x 'it''s' \"q\\\"q\" \"\\n\"", 4, "x", "its", "q\"q", "\\n");
    split_ok("x '' \"\"", 3, "x", "", "");
    split_ok("x $HOME ~ * ; |", 6, "x", "$HOME", "~", "*", ";", "|");
    split_ok("a,b c,d", 2, "a,b", "c,d");
    split_bad("echo 'open", "not closed");
    split_bad("echo \"open", "not closed");
    split_bad("echo a\\", "backslash");
    split_bad("   ", "no command");
}

static void test_subst(void **state)
{
    (void)state;
    char out[128];
    const char *w = "in={}/{#}.{}{x}";
    size_t n = cmd_subst_len(w, 3, 2);
    char *end = cmd_subst(w, "a b", "17", out);
    assert_string_equal(out, "in=a b/17.a b{x}");
    assert_int_equal((size_t)(end - out), n);
    assert_int_equal(n, strlen(out) + 1);
    assert_true(cmd_has_marker("-o{#}"));
    assert_true(cmd_has_marker("{}"));
    assert_false(cmd_has_marker("{x} { }"));
}

static void spawn(const char *script, EVP_MD_CTX *ctx, int64_t ms,
                  struct cmd_outcome *o)
{
    static unsigned char buf[4096];
    char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
    cmd_spawn_wait(argv, ctx, 0, ms, buf, sizeof(buf), o);
}

/* Whether pid has died (no longer there, or a zombie): SIGKILL is
 * delivered at once but acted on when the process next runs, so look
 * for up to 20 s, however loaded the machine. */
static int gone(int pid)
{
    char path[64], stat[256];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    for (int k = 0; k < 2000; k++) {
        FILE *f = fopen(path, "r");
        if (f == NULL)
            return 1;
        size_t n = fread(stat, 1, sizeof(stat) - 1, f);
        fclose(f);
        stat[n] = '\0';
        const char *close_paren = strrchr(stat, ')');
        if (close_paren != NULL && close_paren[1] == ' ' &&
            (close_paren[2] == 'Z' || close_paren[2] == 'X'))
            return 1;
        usleep(10000);
    }
    return 0;
}

static void test_spawn_outcomes(void **state)
{
    (void)state;
    struct cmd_outcome o;
    spawn("exit 0", NULL, 0, &o);
    assert_int_equal(o.spawn_errno, 0);
    assert_true(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0);
    spawn("exit 7", NULL, 0, &o);
    assert_true(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 7);
    spawn("kill -USR1 $$", NULL, 0, &o);
    assert_true(WIFSIGNALED(o.status) && WTERMSIG(o.status) == SIGUSR1);
    /* The limit kills the group: the sleeping grandchild too. */
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    char script[128], pidfile[] = "/tmp/pb-test-cmd-XXXXXX";
    int pfd = mkstemp(pidfile);
    assert_true(pfd >= 0);
    close(pfd);
    snprintf(script, sizeof(script), "sleep 60 & echo $! > %s; sleep 60",
             pidfile);
    spawn(script, ctx, 300, &o);
    assert_true(o.timed_out);
    FILE *f = fopen(pidfile, "r");
    int bg = 0;
    assert_non_null(f);
    assert_int_equal(fscanf(f, "%d", &bg), 1);
    fclose(f);
    unlink(pidfile);
    assert_true(gone(bg));
    /* Not found: an errno, nothing run. */
    char *argv[] = { "no-such-program-pb", NULL };
    unsigned char b[16];
    cmd_spawn_wait(argv, NULL, 0, 0, b, sizeof(b), &o);
    assert_int_not_equal(o.spawn_errno, 0);
    assert_false(cmd_findable("no-such-program-pb"));
    assert_true(cmd_findable("sh"));
    EVP_MD_CTX_free(ctx);
}

static void test_spawn_digest_and_fds(void **state)
{
    (void)state;
    struct cmd_outcome o;
    unsigned char want[32];
    unsigned int len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    /* stdin is empty: cat adds nothing to the output. */
    spawn("printf abc; cat", ctx, 0, &o);
    EVP_Digest("abc", 3, want, &len, EVP_sha256(), NULL);
    assert_memory_equal(o.out_md, want, 32);
    assert_int_equal(o.out_bytes, 3);
    /* A descriptor of ours without O_CLOEXEC is not the command's. */
    int fd = open("/dev/null", O_RDONLY);
    assert_true(fd > 2);
    char script[64];
    snprintf(script, sizeof(script), "test -e /proc/$$/fd/%d", fd);
    spawn(script, NULL, 0, &o);
    assert_true(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 1);
    close(fd);
    EVP_MD_CTX_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_subst),
        cmocka_unit_test(test_spawn_outcomes),
        cmocka_unit_test(test_spawn_digest_and_fds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

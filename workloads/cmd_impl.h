/* cmd_impl.h - what cmd.c (the workload: parameters, inputs, the task
 * value) and cmd_spawn.c (splitting the command line, substituting the
 * item, posix_spawn, waiting with a time limit, digesting stdout) share.
 * Not for other modules.
 */
#ifndef POOLBENCH_CMD_IMPL_H
#define POOLBENCH_CMD_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/evp.h>

/* A command line split into words (simple shell-like quoting: '...'
 * literal, "..." with \" \\ \$ \` escapes, \ outside quotes escapes the
 * next byte; no expansion of any kind). */
struct cmd_words {
    char **argv;  /* argc words, then NULL; point into text */
    int argc;
    char *text;   /* the words, NUL-separated */
};

/* Split line into w. Returns 0, or -1 with a message (an unterminated
 * quote, a trailing backslash, no word at all). */
int cmd_split(const char *line, struct cmd_words *w, char *err,
              size_t err_len);

void cmd_words_free(struct cmd_words *w);

/* Bytes word needs once every {} is item and every {#} is index
 * (including the NUL). */
size_t cmd_subst_len(const char *word, size_t item_len, size_t index_len);

/* Write word with {} -> item and {#} -> index into out (cmd_subst_len
 * bytes); returns the byte after the NUL. */
char *cmd_subst(const char *word, const char *item, const char *index,
                char *out);

/* Whether word holds {} or {#}. */
int cmd_has_marker(const char *word);

/* How a spawned command ended. */
struct cmd_outcome {
    int spawn_errno; /* posix_spawn failed with this; the rest unset */
    int timed_out;   /* killed (with its process group) at the limit */
    int status;      /* waitpid status when it ended by itself */
    unsigned char out_md[EVP_MAX_MD_SIZE]; /* SHA-256 of stdout (digest) */
    uint64_t out_bytes;                   /* bytes it wrote on stdout */
};

/* Start argv (searched in PATH when argv[0] has no '/'), stdin from
 * /dev/null, stdout to /dev/null or (ctx not NULL) into a SHA-256
 * digest, stderr to /dev/null unless keep_stderr; wait for it. With
 * timeout_ms > 0 it runs in a process group of its own, killed whole at
 * the limit; else in poolbench's (Ctrl-C reaches it). buf (buf_len
 * bytes) is the read buffer. Only this child is waited for (waitpid on
 * its pid). */
void cmd_spawn_wait(char *const argv[], EVP_MD_CTX *ctx, int keep_stderr,
                    int64_t timeout_ms, unsigned char *buf, size_t buf_len,
                    struct cmd_outcome *out);

/* Whether argv0 names an executable (a path, or a name found in PATH). */
int cmd_findable(const char *argv0);

#endif /* POOLBENCH_CMD_IMPL_H */

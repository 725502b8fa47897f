/* Compile step: the command, found with the sandbox's PATH; which files it needs executable, and
 * verified execution. */
#ifndef LANDRUN_COMMAND_H
#define LANDRUN_COMMAND_H

#include <limits.h>
#include <stddef.h>

#include "policy.h"
#include "sandbox.h"
#include "util.h"

/* Resolves command with the sandbox's PATH (sb->path_env: the environment step comes first);
 * with [exec] verify, makes the verified copy (sb->exec_fd); with [exec], lists the files that
 * must be executable for it (sb->exec_chain). On failure sb->command_status is 126 or 127 when
 * the command itself is at fault. */
int lr_command_compile(struct lr_sandbox *sb, const struct lr_policy *p, const char *command,
		       struct lr_error *err);

/* Finds cmd with the sandbox's PATH. Returns 0, or the exit status to use (127 not found, 126 not
 * executable) with err set. */
int lr_resolve_command(const char *cmd, const char *path_env, char *out, size_t size, struct lr_error *err);

/* The files that must be executable to run the command: the file itself, its ELF interpreter
 * (PT_INTERP) and, for #! scripts, the interpreter chain. fd (or -1) is an open copy of the
 * first file to read instead of path (a verified memfd). Returns how many paths were written. */
int lr_exec_chain(int fd, const char *path, char out[][PATH_MAX], int max, struct lr_error *err);

/* SHA-256 of everything read from fd; each block is also written to copy_fd when >= 0. */
int lr_sha256_fd(int fd, int copy_fd, unsigned char digest[32]);
void lr_sha256_hex(const unsigned char digest[32], char hex[65]);

/* Copies path (never following a final symlink) into a sealed memfd while hashing it. Returns
 * the memfd when the digest matches, else -1 with err set (and 126 in *status). */
int lr_verified_copy(const char *path, const unsigned char want[32], int *status, struct lr_error *err);

#endif

/* Exec control: which files a command needs executable, and verified execution. */
#ifndef LANDRUN_EXECCTL_H
#define LANDRUN_EXECCTL_H

#include <limits.h>
#include <stddef.h>

#include "util.h"

enum { LR_EXEC_CHAIN_MAX = 6 };

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

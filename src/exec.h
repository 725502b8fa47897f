/* Finding the command and replacing landrun with it. */
#ifndef LANDRUN_EXEC_H
#define LANDRUN_EXEC_H

#include <stddef.h>

#include "policy.h"
#include "sandbox.h"

/* Finds cmd with the sandbox's PATH. Returns 0, or the exit status to use (127 not found, 126 not
 * executable) with err set. */
int lr_resolve_command(const char *cmd, const char *path_env, char *out, size_t size, struct lr_error *err);

/* Applies sb and executes path. Only returns on failure: the exit status (125 when a sandbox step
 * failed, 126/127 when execve did), with err set. */
int lr_exec_sandboxed(const struct lr_sandbox *sb, const struct lr_policy *p, const char *path,
		      char *const argv[], struct lr_error *err);

#endif

/* Exec in place: landrun applies the sandbox to itself and becomes the command. */
#ifndef LANDRUN_EXEC_H
#define LANDRUN_EXEC_H

#include "policy.h"
#include "sandbox.h"

/* Applies sb and executes path. Only returns on failure: the exit status (125 when a sandbox step
 * failed, 126/127 when execve did), with err set. */
int lr_exec_sandboxed(const struct lr_sandbox *sb, const struct lr_policy *p, const char *path,
		      char *const argv[], struct lr_error *err);

#endif

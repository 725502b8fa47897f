/* Compile step: the command's environment (an allowlist of the caller's variables, [env] set and
 * unset, a safe PATH). */
#ifndef LANDRUN_ENV_H
#define LANDRUN_ENV_H

#include "policy.h"
#include "sandbox.h"
#include "util.h"

/* Fills sb->envp, sb->path_env and sb->secret_names from environ and p's [env] rules. */
int lr_env_compile(struct lr_sandbox *sb, const struct lr_policy *p, const char *const *environ,
		   struct lr_error *err);

#endif

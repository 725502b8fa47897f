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

/* Does [env] secrets = name this variable (name[0..len))? Its value is masked where it is shown. */
bool lr_env_is_secret(const struct lr_policy *p, const char *name, size_t len);

#endif

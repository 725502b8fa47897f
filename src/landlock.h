/* Compile step: the policy's filesystem, network and scope rules into a Landlock ruleset fd. */
#ifndef LANDRUN_LANDLOCK_H
#define LANDRUN_LANDLOCK_H

#include "policy.h"
#include "sandbox.h"
#include "util.h"

/* Detects the ABI, decides what can be enforced (strict refuses what cannot, best-effort notes
 * it), and fills sb's ruleset_fd, handled rights and rule counts. */
int lr_landlock_compile(struct lr_sandbox *sb, const struct lr_policy *p, const struct lr_compile_opts *o,
			struct lr_error *err);

#endif

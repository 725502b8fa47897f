/* What the base policy of `landrun learn` grants, to judge the learned uses by.
 *
 * The tracer records paths while the command runs, and the command can change what a path names
 * (re-point a link it may write) between a call's return and the tracer's look at it. Under a base
 * policy the command could only have used what the base grants, so a learned grant outside it is
 * no use of the command's: it is written as a comment, never as a grant. The base's paths are
 * resolved as the Landlock compile resolves them (resolve.h: no link inside a write grant is
 * followed), before the command runs, and judged by name: a use is inside when the rights it needs
 * are all granted by the base's rules on it or on the directories above it, as Landlock adds them
 * up. */
#ifndef LANDRUN_LEARN_BASE_H
#define LANDRUN_LEARN_BASE_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"
#include "sandbox.h"
#include "util.h"

struct lr_base_grant {
	const char *path; /* resolved: the kernel's name of the object the rule is on */
	uint64_t rights;  /* the Landlock rights the policy word grants (files: only file rights) */
	bool dir;
};

struct lr_learn_base {
	struct lr_arena arena;
	struct lr_vec grants; /* struct lr_base_grant */
	bool everything;      /* the filesystem is not restricted (unrestricted = yes, --unconfined) */
};

void lr_learn_base_init(struct lr_learn_base *b);
void lr_learn_base_free(struct lr_learn_base *b);

/* The grants of p as compiled into sb (its private_tmp and [exec] chain included). An optional
 * path that is absent grants nothing; one that cannot be resolved any more is left out (it then
 * grants nothing to judge by, the safe side). 0, or -1 with err set (out of memory). */
int lr_learn_base_build(struct lr_learn_base *b, const struct lr_policy *p, const struct lr_sandbox *sb,
			struct lr_error *err);

/* Adds one grant (path resolved already); for the build and the tests. 0, or -1 (out of memory). */
int lr_learn_base_add(struct lr_learn_base *b, const char *path, uint64_t rights, bool dir);

/* Does the base grant every right of rights on path (absolute, resolved), by its rules on path and
 * on the directories above it? */
bool lr_learn_base_allows(const struct lr_learn_base *b, const char *path, uint64_t rights);

#endif

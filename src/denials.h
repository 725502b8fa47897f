/* --log-denials: one line on stderr for each call the sandbox denies, naming the rule (seccomp) or
 * the missing Landlock right and the policy line that would grant it. See landrun(1). */
#ifndef LANDRUN_DENIALS_H
#define LANDRUN_DENIALS_H

#include <stdio.h>

#include "policy.h"
#include "sandbox.h"
#include "trace.h"

struct lr_denials {
	const struct lr_sandbox *sb; /* compiled with trace_denials */
	const struct lr_policy *p;
	FILE *out;
};

/* Sets t's callbacks to report through d (which must outlive the run). */
void lr_denials_tracer(struct lr_tracer *t, struct lr_denials *d);

#endif

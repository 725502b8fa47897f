/* landrun check: an exposure report of a policy, in the spirit of `systemd-analyze security`. */
#ifndef LANDRUN_CHECK_H
#define LANDRUN_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "policy.h"
#include "util.h"

/* One weakness of a policy: how much it weighs, where it comes from and how to fix it. */
struct lr_finding {
	int weight;       /* tenths of a point of exposure */
	const char *id;   /* stable short name (static) */
	const char *what; /* arena */
	const char *fix;  /* static */
	struct lr_origin at; /* the rule or setting that causes it; line 0: its absence in the file */
};

struct lr_check_report {
	struct lr_arena arena;
	struct lr_vec findings; /* struct lr_finding: heaviest first, then by id */
	int score;              /* tenths: 0 (tight) .. 100 (no sandbox), the capped sum of weights */
};

void lr_check_init(struct lr_check_report *r);
void lr_check_free(struct lr_check_report *r);
/* Fills r from p; environ gives HOME and PATH. Fails only on out of memory or an unreadable policy
 * directory. */
int lr_check_policy(struct lr_check_report *r, const struct lr_policy *p, const char *const *environ,
		    struct lr_error *err);
/* OK, MEDIUM, EXPOSED or UNSAFE. */
const char *lr_check_verdict(int score);
/* The weight the finding id always has (tenths), or -1. */
int lr_check_weight(const char *id);
void lr_check_print(FILE *out, const struct lr_check_report *r, const char *title);
void lr_check_print_json(FILE *out, const struct lr_check_report *r, const char *title, bool first);

/* landrun check [--threshold N] [--json] [POLICY...]: argv[0] is "check". Exit status 0, 1 (a
 * score above the threshold) or 125 (a policy that does not load). */
int lr_check_main(int argc, char **argv, const struct lr_env_ctx *ctx);

#endif

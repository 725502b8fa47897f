/* landrun learn: run a command traced, with no restriction beyond a base policy, and write the
 * smallest policy under which it runs the same way. See landrun(1), LEARNING A POLICY. */
#ifndef LANDRUN_LEARN_H
#define LANDRUN_LEARN_H

#include "policy.h"

/* argv[0] is "learn": [-o FILE] [-p|--policy BASE] [--syscalls] [--] COMMAND [ARG...]. Returns
 * the command's exit status (the policy is written whatever it is), or 125 when landrun failed.
 * *signal_out: the signal the command died of, for the caller to re-raise (0: none). */
int lr_learn_main(int argc, char **argv, const struct lr_env_ctx *ctx, int *signal_out);

#endif

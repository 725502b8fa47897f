/* Compile step: process state for the sandbox (rlimits, capabilities, inherited fds, session). */
#ifndef LANDRUN_PROCESS_H
#define LANDRUN_PROCESS_H

#include <linux/capability.h>

#include "policy.h"
#include "sandbox.h"
#include "util.h"

/* Plans what apply sets: rlimits (no core dumps unless asked), capabilities to keep, fds to keep
 * (socket activation's too), a new session. */
int lr_process_compile(struct lr_sandbox *sb, const struct lr_policy *p, const char *const *environ,
		       struct lr_error *err);

/* This process's capability sets, read with the raw syscall: async-signal-safe, for the apply
 * step too. */
int lr_caps_get(struct __user_cap_header_struct *hdr, struct __user_cap_data_struct data[2]);

#endif

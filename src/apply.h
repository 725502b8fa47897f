/* Applying a compiled sandbox and executing the command: the steps between compile and exec, run
 * by landrun itself (exec in place) or by a child (the supervisor's, the library's spawn). Only
 * raw, async-signal-safe syscalls: everything was prepared at compile time.
 *
 * Layers, lowest first; a module includes headers of its own layer or below, never above:
 *   data     util, syscall_groups, baseline, landlock_abi, seccomp_prebuilt, bpf_dispatch,
 *            resolve, tmpdir, trace
 *   policy   policy, names and landlock_rights (tables over the policy's words), policy_guard
 *   compile  sandbox (the steps in order), workdir, env, command, landlock, seccomp, process
 *   apply    apply
 *   run      exec (in place), supervise, lib, and what reads a sandbox or a policy to report:
 *            explain, denials, check, learn, cli */
#ifndef LANDRUN_APPLY_H
#define LANDRUN_APPLY_H

#include <signal.h>

#include "policy.h"
#include "sandbox.h"
#include "util.h"

/* The steps between compile and exec, in order. keep (sorted, may be NULL) lists more fds to leave
 * open besides the sandbox's own and sb->exec_fd. On failure returns -1 with *step naming the step
 * (a static string) and errno preserved. */
int lr_sandbox_apply(const struct lr_sandbox *sb, const int *keep, unsigned nkeep, const char **step);
/* The same for a caller that may have other threads (landrun_apply): Landlock and seccomp cover
 * every thread (TSYNC; Landlock's needs ABI 8, below which strict refuses a threaded caller). */
int lr_sandbox_apply_self(const struct lr_sandbox *sb, const char **step);

/* The tail of every path to the command: lr_sandbox_apply, then the exec of the command with
 * sb->envp (sb->exec_fd, the verified copy, when >= 0; else path). Only returns on failure: -1
 * with *step naming the step ("execve" when the exec itself failed) and errno preserved. */
int lr_sandbox_exec(const struct lr_sandbox *sb, const char *path, char *const argv[], const int *keep,
		    unsigned nkeep, const char **step);

/* The fds a child of the library uses in place of the sandbox's own: copies it may have moved out
 * of the way of its file actions (a caller's dup2 onto fd 3 is common, and these were opened
 * early, at compile). helper_sock: the socket of the library's metadata helper (notify_pool.h),
 * which serves every child of a compiled sandbox; -1 to start one for this command (the CLI).
 * ruleset_fd: the Landlock ruleset. */
struct lr_child_fds {
	int helper_sock;
	int helper_pid; /* the library's helper's pid, named the child's tracer (notify.h); -1 */
	int ruleset_fd;
};

/* The same with the child's own fds (above). */
int lr_sandbox_exec_served(const struct lr_sandbox *sb, const struct lr_child_fds *fds, const char *path,
			   char *const argv[], const int *keep, unsigned nkeep, const char **step);

/* In a child, before it unblocks any signal: caught signals get their default action back (exec
 * would do it; until then a handler of the caller's must not run in the child), ignored ones stay
 * ignored. sigchld, when not NULL, is the disposition SIGCHLD had before the caller changed it:
 * the command inherits that one. */
void lr_child_reset_signals(const struct sigaction *sigchld);

/* A sorted list of fds for lr_close_fds_except. */
struct lr_fd_list {
	const int *fd;
	unsigned n;
};
/* Closes every fd > 2 that none of the sorted lists holds (entries < 3 are ignored). */
int lr_close_fds_except(const struct lr_fd_list *lists, unsigned nlists);

/* What landrun says when a step of lr_sandbox_exec failed with errnum: the exit status (125 for a
 * sandbox step, 126/127 for the exec) with the message in err; the same for exec in place and a
 * supervised run. p (may be NULL: then the EACCES hint names both possible causes) tells whether
 * an EACCES came from the command or from its interpreter. Not async-signal-safe: the caller
 * runs it after the failure, in the process that reports it. */
int lr_exec_failure(const struct lr_sandbox *sb, const struct lr_policy *p, const char *path, const char *step,
		    int errnum, struct lr_error *err);

#endif

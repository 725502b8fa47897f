/* Supervised runs: landrun stays alive as the command's parent, for what exec in place cannot do
 * (a private tmp directory removed at the end, a timeout, die-with-parent).
 *
 * Process groups and the terminal. The sandbox always runs in a process group of its own (the
 * child's pid; with [process] new_session = yes, in a session of its own), so that a timeout can
 * signal everything the command started without touching landrun's own job (other members of a
 * shell pipeline). For Ctrl-C and Ctrl-Z to behave as without landrun:
 *  - when landrun's group is the foreground group of its controlling terminal (the first of fds
 *    0, 1, 2 that is one), the terminal is handed to the sandbox's group (tcsetpgrp, by both the
 *    child and the supervisor, with SIGTTOU blocked) and taken back when the command ends;
 *  - when the sandbox stops (Ctrl-Z, or a background read: SIGTTIN), the supervisor takes the
 *    terminal back and stops itself with the same signal, so the shell sees the job stopped and
 *    prints the usual message; when continued (fg, bg) it gives the terminal back to the sandbox
 *    if it is in the foreground again, and continues the sandbox's group;
 *  - INT TERM HUP QUIT USR1 USR2 WINCH CONT TSTP TTIN TTOU sent to landrun are forwarded to the
 *    sandbox's group.
 * Known limits: in a shell pipeline, handing the terminal to the sandbox puts landrun's job (the
 * other pipeline members) in the background, so one of them that reads the terminal (`landrun
 * cmd | less`) gets SIGTTIN (the shell then shows the job stopped and `fg` resumes it); exec in
 * place has no such limit. The timeout's clock keeps running while the job is stopped (as with
 * timeout(1)), and it is acted on at expiry even then: a timer sends landrun SIGCONT at each
 * deadline (the one signal that continues a stopped process whatever its mask), so neither a
 * command that stops itself nor one that stops landrun can hold the timeout off. A process of the
 * sandbox that leaves its process group (setsid, setpgid) escapes the forwarded signals.
 *
 * Nothing outlives the command. landrun is a child subreaper (PR_SET_CHILD_SUBREAPER): what the
 * command leaves behind, setsid daemons included, is re-parented to it, not to init. When the
 * command ends (exit, signal, timeout, landrun's parent's death), its process group and then every
 * remaining child, round after round, get SIGKILL at once (no grace: the command is over) and are
 * reaped, until landrun has no child left; only then is private_tmp removed. The children are
 * listed from /proc/self/task/TID/children: without it (no /proc, a kernel without
 * CONFIG_PROC_CHILDREN) only the group is killed. This kills every child of the calling process:
 * call lr_supervise from one that has no other. The command can signal landrun itself unless
 * Landlock scopes signals (ABI 6, [process] signals): below that, a SIGSTOP to landrun is undone
 * by the timer above, but a SIGKILL ends landrun and what it would enforce.
 *
 * Signals are received through a signalfd: no handlers, no global state. lr_supervise blocks the
 * signals above (and SIGCHLD) while it runs, so call it from a single-threaded process. */
#ifndef LANDRUN_SUPERVISE_H
#define LANDRUN_SUPERVISE_H

#include <stdbool.h>

#include "policy.h"
#include "sandbox.h"
#include "tmpdir.h"
#include "trace.h"
#include "util.h"

struct lr_supervise_opts {
	long timeout_ms;         /* 0: none. On expiry: SIGTERM (then SIGCONT) to the sandbox's process
				  * group, SIGKILL after kill_grace_ms; when the command has ended, whatever
				  * is left is killed (as after any end of the command) */
	long kill_grace_ms;      /* default used when 0: 5000 */
	bool die_with_parent;    /* PR_SET_PDEATHSIG(SIGKILL) in the child, checked against a parent
				  * (the supervisor) that already died. The supervisor also asks to be told
				  * when its own parent dies (PR_SET_PDEATHSIG, a real-time signal, restored
				  * on return): it then kills the sandbox's group, cleans up and returns 137
				  * with *signal_out = SIGKILL */
	struct lr_tracer *tracer; /* non-NULL: the command runs traced (trace.h): --log-denials, learn.
				  * The child stops itself before applying the sandbox and is seized */
	const struct lr_tmpdir *private_tmp; /* a directory to remove recursively (through its
				  * fds, without following symlinks, not crossing mount points) once
				  * nothing of the command runs any more, whatever the outcome: also when
				  * it was killed, timed out or could not start; NULL: none. Its name is
				  * removed only if it still refers to it (else a warning in err) */
	const struct lr_policy *policy; /* the policy sb was compiled from, for the message when the
				  * exec fails (apply.h: lr_exec_failure); NULL: a vaguer EACCES hint */
};

/* Starts path/argv (envp = sb->envp; sb->exec_fd, when >= 0, is executed instead of path) in a
 * child under the sandbox and supervises it. Returns the status landrun should exit with: the
 * child's exit code; 124 on timeout (like timeout(1)); 128+N when the child died of signal N (and
 * *signal_out = N so the caller can re-raise it to die the same way: lr_die_by_signal); 125 with
 * err set when landrun itself failed before the command ran (fork failed, or the child's sandbox
 * step failed: reported with errno through a CLOEXEC pipe); 126/127 with err set when execve failed
 * (EACCES / ENOENT), as the in-place path does. err may also be set while the command's status is
 * returned: a warning that private_tmp could not be removed entirely.
 *
 * Meant for a process that exits right after (the CLI): once the child is started, the supervisor
 * closes every fd > 2 it does not need (it leaves sb->ruleset_fd and sb->exec_fd, which sb owns,
 * and the private tmp's fds).
 * signal_out may be NULL; o may be NULL (no timeout, no private tmp). */
int lr_supervise(const struct lr_sandbox *sb, const char *path, char *const argv[],
		 const struct lr_supervise_opts *o, int *signal_out, struct lr_error *err);

/* Dies like a process killed by sig (default action, unblocked, no core dump), else
 * _exit(128+sig). */
_Noreturn void lr_die_by_signal(int sig);

#endif

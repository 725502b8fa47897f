/* metadata = granted: the helper that answers the command's metadata calls (seccomp user
 * notification), and the loading of the metadata program on the command's side.
 *
 * The process that becomes the command starts the helper before landlock_restrict_self (so the
 * helper is outside the command's Landlock domain: the command can neither signal nor ptrace it,
 * Landlock refusing ptrace towards a process outside the domain), with the command's credentials
 * and capabilities already set. The helper shares that process's memory and fd table (CLONE_VM,
 * CLONE_FILES: nothing is copied). The program is loaded with SECCOMP_FILTER_FLAG_NEW_LISTENER,
 * so the listener is in the helper's table at once; the helper then takes a copy of the table
 * (landrun waiting: landrun keeps its own, and with it the caller's POSIX record locks), and
 * sleeps until landrun has executed the command or exited (the kernel clears the word
 * set_tid_address named, and wakes it). The exec closes landrun's listener (O_CLOEXEC). The
 * command keeps its PID, signals and exit status. The helper is not the command's child (a
 * double fork, in its own
 * session), answers until no process of the sandbox is left (the listener reports POLLHUP), and
 * if it dies every notified call fails with ENOSYS: the kernel's own fail-closed.
 * Until the command's first notified call it runs as SCHED_BATCH (waking, it does not preempt
 * the command) and is not confined yet (its seccomp load is for the commands that make such
 * calls).
 * Async-signal-safe on landrun's side: raw syscalls on what compile prepared. */
#ifndef LANDRUN_NOTIFY_H
#define LANDRUN_NOTIFY_H

#include <stdbool.h>

#include "sandbox.h"

struct lr_resolver;

/* Helper side, shared by the CLI's helper and the library's (notify_pool.h); raw syscalls only
 * (the library's helper is a fork of a process that may have threads).
 * lr_notify_confine: the helper's own seccomp allow list (every other call kills it), after
 * checking that this kernel's notifications fit the helper's buffers; 0 or -1.
 * lr_notify_serve: answers listener (-1: none) and every listener that arrives on ctl (-1: no
 * control socket; one SCM_RIGHTS message each), all watched at once; a listener reporting
 * POLLHUP (no process of its sandbox left) is closed, one that cannot be watched is closed at
 * once (its calls then fail with ENOSYS). Returns when every holder of ctl's other end has
 * closed it and no listener is left. */
int lr_notify_confine(const struct lr_sandbox *sb);
/* Closes every fd of the helper but fd (the caller's pipes, landrun's end of the socket: a helper
 * holding that end would wait for itself, and a caller reading a pipe for EOF would wait for the
 * helper); -1 when it could not (the helper must then end, failing closed). */
int lr_notify_keep_only(int fd);
void lr_notify_serve(const struct lr_sandbox *sb, struct lr_resolver *rs, int ctl, int listener);

/* The helper a listener goes to: the CLI's own, being started (handoff: what it shares with
 * landrun; intermediate: the process that started it, reaped once the listener is made; sock -1),
 * or the library's (sock: the sandbox's control socket, notify_pool.h; intermediate -1, handoff
 * NULL). The process
 * that becomes the command names pid its tracer (PR_SET_PTRACER): under Yama's ptrace_scope 1
 * (Ubuntu's default) only a declared tracer or an ancestor may read a process's memory, and the
 * helper is neither. */
struct lr_handoff;
struct lr_notify {
	int sock;
	int intermediate;
	int pid; /* the helper's, -1 when unknown */
	struct lr_handoff *handoff; /* the CLI's helper: what it shares with landrun (notify.c) */
};

/* Starts the CLI's helper (n filled), or -1 with errno and *step. */
int lr_notify_start(const struct lr_sandbox *sb, struct lr_notify *n, const char **step);

/* Loads sb->metadata_bpf (metadata none or granted; all_threads: TSYNC). For granted, helper is
 * the helper (above): the listener goes to it (the CLI's takes its copy of the fd table, this
 * process waiting), and this process's copies of the listener and of helper->sock are closed. When a listener is already on the way (landrun under landrun: the
 * kernel allows one) the calls are refused instead (EPERM), and the CLI's helper, given nothing,
 * exits. -1 with errno and *step. */
int lr_metadata_load(const struct lr_sandbox *sb, struct lr_notify *helper, bool all_threads, const char **step);

/* The CLI's own helper, the program folded into the deny list (sb->metadata_folded, metadata.c):
 * loads bpf[0] with the listener, the last step before the exec, and leaves the listener to the
 * helper. -1 with errno and *step. */
int lr_notify_load_last(const struct lr_sandbox *sb, struct lr_notify *helper, const char **step);

#endif

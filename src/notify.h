/* metadata = granted: the helper that answers the command's metadata calls (seccomp user
 * notification), and the loading of the metadata program on the command's side.
 *
 * The process that becomes the command forks the helper before landlock_restrict_self (so the
 * helper is outside the command's Landlock domain: the command can neither signal nor ptrace it,
 * Landlock refusing ptrace towards a process outside the domain), with the command's credentials
 * and capabilities already set, then installs the program with SECCOMP_FILTER_FLAG_NEW_LISTENER,
 * sends the listener to the helper over a socket pair and closes it, and executes: the command
 * keeps its PID, signals and exit status. The helper is not the command's child (a double fork,
 * in its own session), answers until no process of the sandbox is left (the listener reports
 * POLLHUP), and if it dies every notified call fails with ENOSYS: the kernel's own fail-closed.
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
 * lr_notify_serve: answers every listener that arrives on ctl (one SCM_RIGHTS message each),
 * all watched at once; a listener reporting POLLHUP (no process of its sandbox left) is closed,
 * one that cannot be watched is closed at once (its calls then fail with ENOSYS). Returns when
 * every holder of ctl's other end has closed it and no listener is left. */
int lr_notify_confine(void);
void lr_notify_serve(struct lr_resolver *rs, int ctl);

/* Starts the helper: returns landrun's end of the socket it waits on, or -1 with errno. */
int lr_notify_start(const struct lr_sandbox *sb);

/* Loads sb->metadata_bpf (metadata none or granted; all_threads: TSYNC). For granted, helper_sock
 * is lr_notify_start's socket (or the library's helper's, notify_pool.h): the listener goes to
 * the helper, and both are closed. When a
 * listener is already on the way (landrun under landrun: the kernel allows one) the calls are
 * refused instead (EPERM), and the helper, sent nothing, exits. -1 with errno and *step. */
int lr_metadata_load(const struct lr_sandbox *sb, int helper_sock, bool all_threads, const char **step);

#endif

/* The library's metadata helper: metadata = granted under landrun_spawn and landrun_apply.
 *
 * One helper process per compiled sandbox, started by landrun_compile, serves every child: each
 * child, between fork and exec, loads the metadata program with SECCOMP_FILTER_FLAG_NEW_LISTENER
 * and sends the listener over the sandbox's control socket (SOCK_SEQPACKET: one message per
 * child, atomic however many threads spawn), so that a spawn pays one seccomp load and one
 * sendmsg, not a fork. The helper answers as the CLI's does (notify.h, metadata.h).
 *
 * The helper is
 *  - not the caller's child: started through an intermediate that exits at once (a clone child,
 *    exit signal 0, reaped by its own pid with __WCLONE), it is re-parented, so the caller's
 *    wait(-1) never reaps it and no SIGCHLD of it reaches the caller;
 *  - started with the caller's uid, gids and groups as they are at landrun_compile, and with no
 *    capability at all (effective, permitted, inheritable, ambient, and the bounding set when it
 *    may be dropped): a root caller lends nothing to a child's chmod;
 *  - outside every child's Landlock domain (started before any child restricts itself), not
 *    dumpable, in its own session, confined by the allow list of notify.c;
 *  - a fork of a process that may have threads: it runs raw syscalls only (no malloc, no stdio).
 * It exits when landrun_sandbox_free has closed the control socket (and every process holding a
 * copy of it: a fork of the caller) and no child is left. */
#ifndef LANDRUN_NOTIFY_POOL_H
#define LANDRUN_NOTIFY_POOL_H

#include "sandbox.h"

/* Starts the helper for sb (sb->metadata == LR_METADATA_GRANTED) and waits until it serves:
 * returns the caller's end of its control socket (O_CLOEXEC) and the helper's pid in *pid (the
 * children name it their tracer, notify.h), or -1 with errno and *what naming the step that
 * failed. */
int lr_notify_pool_start(const struct lr_sandbox *sb, int *pid, const char **what);

#endif

/* A ptrace tracer for supervised runs: --log-denials (seccomp denials reported at
 * PTRACE_EVENT_SECCOMP, Landlock denials at the exit of path and port syscalls) and `landrun learn`
 * (what a command uses, at the exit of successful calls).
 *
 * The supervised child stops itself (SIGSTOP) before it applies the sandbox; the supervisor seizes
 * it there (PTRACE_SEIZE with TRACEFORK/VFORK/CLONE/EXEC/SECCOMP/SYSGOOD and EXITKILL), so every
 * process and thread of the sandbox is traced from before the seccomp filter is loaded: a
 * SECCOMP_RET_TRACE action with no tracer would fail the call with ENOSYS instead.
 *
 * x86_64 only: register layout and syscall numbers are read as x86_64 (x32 and i386 entries are
 * killed by the filter anyway). Job control stops of traced processes are not honoured (the
 * tracer resumes them), a limit of the traced modes only. */
#ifndef LANDRUN_TRACE_H
#define LANDRUN_TRACE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "util.h"

/* What the syscall does with its path or address arguments. */
enum lr_trace_op {
	LR_OP_NONE = 0, LR_OP_OPEN, LR_OP_MKDIR, LR_OP_MKNOD, LR_OP_UNLINK, LR_OP_RMDIR,
	LR_OP_RENAME, LR_OP_LINK, LR_OP_SYMLINK, LR_OP_TRUNCATE, LR_OP_EXEC,
	LR_OP_CONNECT, LR_OP_BIND, LR_OP_SOCKET,
};

/* One syscall of a traced process, decoded at its entry. */
struct lr_trace_call {
	pid_t pid;
	int nr;
	uint64_t args[6];
	enum lr_trace_op op;
	uint64_t flags;        /* open flags (openat2: from struct open_how), unlinkat flags */
	char path[PATH_MAX];   /* the path argument made absolute (dirfd, cwd); "" if none or if it
				* cannot be decoded (unreadable, too long): --log-denials then prints no
				* Landlock line for the call, learn records no use of it, and the call's
				* result is its own either way */
	char path2[PATH_MAX];  /* rename and link: the new name */
	bool existed;          /* path existed at entry (lstat) */
	struct sockaddr_storage addr; /* connect, bind */
	bool has_addr;
	long ret;              /* at exit: the result, -errno on failure */
	bool seccomp_denied;   /* failed by the tracer at PTRACE_EVENT_SECCOMP */
};

/* SECCOMP_RET_TRACE data that asks the tracer to watch the call's result (--log-denials compiles it
 * for the path and port syscalls): only those calls stop twice, the others run untraced. */
#define LR_TRACE_OBSERVE 0xffffu

/* The syscalls whose results are worth observing for Landlock denials; returns how many. */
int lr_trace_observed_syscalls(int *out, int max);

struct lr_tracer {
	bool syscall_stops; /* stop at every syscall's entry and exit; without it, on_exit is called
			     * for the calls the filter marks with LR_TRACE_OBSERVE */
	bool all_calls;     /* on_entry for every syscall (exit and exit_group have no exit stop) */
	/* At PTRACE_EVENT_SECCOMP (but LR_TRACE_OBSERVE): data is the filter's 16-bit SECCOMP_RET_DATA,
	 * a denial. Returns the errno the call fails with; the call is skipped whatever happens: with
	 * EPERM when this returns <= 0, is NULL, or the stop cannot be decoded. */
	int (*on_seccomp)(void *ctx, const struct lr_trace_call *call, unsigned data);
	void (*on_exit)(void *ctx, const struct lr_trace_call *call);  /* calls with an op */
	void (*on_entry)(void *ctx, const struct lr_trace_call *call); /* with all_calls */
	void *ctx;
	struct lr_vec procs; /* internal: struct lr_trace_proc */
};

void lr_trace_init(struct lr_tracer *t);
void lr_trace_free(struct lr_tracer *t);

/* Can this machine trace (architecture, Yama's ptrace_scope)? -1 with err set if not. */
int lr_trace_supported(struct lr_error *err);

/* In the supervisor, right after fork: waits for the child's self-stop, seizes it with the
 * options above and lets it run on: 0. 1 if the child ended before its stop (reaped, its wait
 * status in *status). -1 with err set on failure (the child is not reaped: the caller kills
 * and reaps it). */
int lr_trace_attach(pid_t child, int *status, struct lr_error *err);

/* Handles pending stops of the traced processes without blocking, at most a bounded number per
 * call: *more is then set (call again soon). Returns true once main has ended; main is left
 * unreaped (its process group can still be signalled), for the caller to reap. */
bool lr_trace_events(struct lr_tracer *t, pid_t main, bool *more);

/* The executable of pid (readlink /proc/PID/exe) into buf; "?" if unknown. */
const char *lr_trace_exe(pid_t pid, char *buf, size_t size);

#endif

/* The ptrace tracer core: seize, follow forks, threads and execs, decode path and address
 * arguments, hand each interesting stop to the mode's callbacks. See trace.h. */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

/* Per traced thread: the call it is in. */
struct lr_trace_proc {
	pid_t pid;
	bool want_exit; /* an observed call: stop at its exit */
	struct lr_trace_call call;
};

#if defined(__x86_64__)
#define LR_AUDIT_ARCH 0xc000003eu /* AUDIT_ARCH_X86_64 */

/* Which arguments of a syscall are paths (and their dirfds) or socket addresses. -1: none,
 * dirfd -1: relative to the working directory. */
static const struct path_sys {
	int nr;
	enum lr_trace_op op;
	signed char dirfd, path, dirfd2, path2, flags;
} path_syscalls[] = {
	{ SYS_open, LR_OP_OPEN, -1, 0, -1, -1, 1 },
	{ SYS_openat, LR_OP_OPEN, 0, 1, -1, -1, 2 },
	{ SYS_openat2, LR_OP_OPEN, 0, 1, -1, -1, -1 },
	{ SYS_creat, LR_OP_OPEN, -1, 0, -1, -1, -1 },
	{ SYS_mkdir, LR_OP_MKDIR, -1, 0, -1, -1, -1 },
	{ SYS_mkdirat, LR_OP_MKDIR, 0, 1, -1, -1, -1 },
	{ SYS_mknod, LR_OP_MKNOD, -1, 0, -1, -1, 1 },
	{ SYS_mknodat, LR_OP_MKNOD, 0, 1, -1, -1, 2 },
	{ SYS_unlink, LR_OP_UNLINK, -1, 0, -1, -1, -1 },
	{ SYS_unlinkat, LR_OP_UNLINK, 0, 1, -1, -1, 2 },
	{ SYS_rmdir, LR_OP_RMDIR, -1, 0, -1, -1, -1 },
	{ SYS_rename, LR_OP_RENAME, -1, 0, -1, 1, -1 },
	{ SYS_renameat, LR_OP_RENAME, 0, 1, 2, 3, -1 },
	{ SYS_renameat2, LR_OP_RENAME, 0, 1, 2, 3, -1 },
	{ SYS_link, LR_OP_LINK, -1, 0, -1, 1, -1 },
	{ SYS_linkat, LR_OP_LINK, 0, 1, 2, 3, -1 },
	{ SYS_symlink, LR_OP_SYMLINK, -1, 1, -1, -1, -1 },
	{ SYS_symlinkat, LR_OP_SYMLINK, 1, 2, -1, -1, -1 },
	{ SYS_truncate, LR_OP_TRUNCATE, -1, 0, -1, -1, -1 },
	{ SYS_execve, LR_OP_EXEC, -1, 0, -1, -1, -1 },
	{ SYS_execveat, LR_OP_EXEC, 0, 1, -1, -1, 4 },
	{ SYS_connect, LR_OP_CONNECT, -1, -1, -1, -1, -1 },
	{ SYS_bind, LR_OP_BIND, -1, -1, -1, -1, -1 },
	{ SYS_socket, LR_OP_SOCKET, -1, -1, -1, -1, -1 },
};
#endif

int lr_trace_observed_syscalls(int *out, int max)
{
	int n = 0;
#if defined(__x86_64__)
	for (size_t i = 0; i < LR_ARRAY_LEN(path_syscalls) && n < max; i++)
		if (path_syscalls[i].op != LR_OP_SOCKET)
			out[n++] = path_syscalls[i].nr;
#else
	(void)out;
	(void)max;
#endif
	return n;
}

void lr_trace_init(struct lr_tracer *t)
{
	*t = (struct lr_tracer){ 0 };
	lr_vec_init(&t->procs, sizeof(struct lr_trace_proc));
}

void lr_trace_free(struct lr_tracer *t)
{
	lr_vec_free(&t->procs);
}

int lr_trace_supported(struct lr_error *err)
{
#if !defined(__x86_64__)
	return lr_fail(err, NULL, "tracing (--log-denials, learn) is implemented for x86_64 only");
#else
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	unsigned long long scope = 0;
	char line[16];
	if (f) {
		if (!fgets(line, sizeof(line), f) || (line[strcspn(line, "\n")] = '\0', !lr_parse_uint(line, 3, &scope)))
			scope = 0;
		fclose(f);
	}
	/* 1 (tracing one's own descendants) is what we do; 2 needs CAP_SYS_PTRACE, 3 forbids it */
	if (scope >= 3)
		return lr_fail(err, NULL, "tracing is disabled on this machine (kernel.yama.ptrace_scope = 3); "
			       "--log-denials and learn need ptrace");
	if (scope == 2 && geteuid() != 0)
		return lr_fail(err, NULL, "tracing needs CAP_SYS_PTRACE here (kernel.yama.ptrace_scope = 2): "
			       "run as root or lower the setting to 1");
	(void)err;
	return 0;
#endif
}

const char *lr_trace_exe(pid_t pid, char *buf, size_t size)
{
	char link[64];
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(link, buf, size - 1);
	if (n <= 0)
		return "?";
	buf[n] = '\0';
	return buf;
}

int lr_trace_attach(pid_t child, int *status, struct lr_error *err)
{
	int st;
	pid_t w;
	while ((w = waitpid(child, &st, WUNTRACED)) < 0 && errno == EINTR)
		;
	if (w == child && !WIFSTOPPED(st)) {
		*status = st; /* ended before its stop (reaped): its report says why */
		return 1;
	}
	if (w != child)
		return lr_fail(err, NULL, "waiting for the child to stop failed: %s", strerror(errno));
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
		    PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL;
	if (ptrace(PTRACE_SEIZE, child, 0, opts) < 0) {
		int e = errno;
		kill(child, SIGKILL);
		return lr_fail(err, NULL, "ptrace(PTRACE_SEIZE) failed: %s; the command was not run", strerror(e));
	}
	/* out of its stop; the seized child's next stops come to us */
	kill(child, SIGCONT);
	return 0;
}

#if defined(__x86_64__)
static struct lr_trace_proc *proc_of(struct lr_tracer *t, pid_t pid)
{
	for (size_t i = 0; i < t->procs.len; i++) {
		struct lr_trace_proc *p = lr_vec_at(&t->procs, i);
		if (p->pid == pid)
			return p;
	}
	for (size_t i = 0; i < t->procs.len; i++) {
		struct lr_trace_proc *p = lr_vec_at(&t->procs, i);
		if (p->pid == 0) {
			p->pid = pid;
			return p;
		}
	}
	struct lr_trace_proc *p = lr_vec_push(&t->procs);
	if (p)
		p->pid = pid;
	return p;
}

static void forget(struct lr_tracer *t, pid_t pid)
{
	for (size_t i = 0; i < t->procs.len; i++) {
		struct lr_trace_proc *p = lr_vec_at(&t->procs, i);
		if (p->pid == pid) {
			p->pid = 0;
			p->want_exit = false;
		}
	}
}

/* PEEKDATA works for a tracer even where process_vm_readv is refused (e.g. after the tracee
 * executed an unreadable file). Aligned words only: one that straddles the end of a mapping
 * would fail the read of bytes that are all mapped. */
static bool peek_mem(pid_t pid, uint64_t addr, char *out, size_t size)
{
	const uint64_t w = sizeof(long);
	if (addr + size < addr)
		return false; /* wraps around: not an address the tracee has */
	for (uint64_t at = addr & ~(w - 1); at < addr + size; at += w) {
		errno = 0;
		/* NOLINTNEXTLINE(performance-no-int-to-ptr): an address in the tracee */
		long word = ptrace(PTRACE_PEEKDATA, pid, (void *)(uintptr_t)at, NULL);
		if (errno)
			return false;
		uint64_t from = at < addr ? addr : at, to = at + w < addr + size ? at + w : addr + size;
		memcpy(out + (from - addr), (const char *)&word + (from - at), (size_t)(to - from));
	}
	return true;
}

static bool read_mem(pid_t pid, uint64_t addr, void *out, size_t size)
{
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): an address in the tracee */
	struct iovec local = { out, size }, remote = { (void *)(uintptr_t)addr, size };
	if (process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)size)
		return true;
	return peek_mem(pid, addr, out, size);
}

/* Reads a NUL-terminated string from the tracee a page at a time (a read past the page the string
 * ends in could fault). False if it cannot be read or does not fit in out: a cut path would name
 * another file, so the caller leaves the path undecoded. */
static bool read_string(pid_t pid, uint64_t addr, char *out, size_t size)
{
	const uint64_t page = 4096; /* the smallest page size: a chunk never crosses a page */
	for (size_t n = 0; n < size;) {
		size_t chunk = (size_t)(page - (addr + n) % page);
		if (chunk > size - n)
			chunk = size - n;
		if (!read_mem(pid, addr + n, out + n, chunk))
			return false;
		if (memchr(out + n, '\0', chunk))
			return true;
		n += chunk;
	}
	return false;
}

/* Removes "." and empty components and resolves ".." against the component before it, in place
 * (an absolute path; ".." at the root stays at the root), so that "/a/b/../c" is matched against
 * the grants as "/a/c", the name the kernel checked ("/a/b" is a real directory when the call
 * got that far; a symlink among the components is not followed, as elsewhere). */
static void normalize_path(char *p)
{
	char *out = p; /* p[0] == '/' */
	const char *in = p;
	while (*in) {
		while (*in == '/')
			in++;
		const char *end = strchrnul(in, '/');
		size_t len = (size_t)(end - in);
		if (len == 0 || (len == 1 && in[0] == '.')) {
			/* nothing */
		} else if (len == 2 && in[0] == '.' && in[1] == '.') {
			while (out > p && *--out != '/')
				;
		} else {
			*out++ = '/';
			memmove(out, in, len);
			out += len;
		}
		in = end;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

/* dirfd + path as the tracee sees them, made absolute (lexically: no symlink resolution). */
static void resolve_at(pid_t pid, long dirfd, uint64_t addr, char *out, size_t size)
{
	char rel[PATH_MAX], base[PATH_MAX], link[64];
	out[0] = '\0';
	if (!addr || !read_string(pid, addr, rel, sizeof(rel)))
		return;
	if (rel[0] == '/') {
		snprintf(out, size, "%s", rel);
		normalize_path(out);
		return;
	}
	if ((int)dirfd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
	else
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, (int)dirfd);
	ssize_t n = readlink(link, base, sizeof(base) - 1);
	if (n <= 0)
		return;
	base[n] = '\0';
	int len;
	if (!rel[0] || strcmp(rel, ".") == 0)
		len = snprintf(out, size, "%s", base);
	else
		len = snprintf(out, size, "%s%s%s", base, strcmp(base, "/") == 0 ? "" : "/",
			       strncmp(rel, "./", 2) == 0 ? rel + 2 : rel);
	if (len < 0 || (size_t)len >= size)
		out[0] = '\0'; /* too long to name */
	else if (out[0] == '/')
		normalize_path(out);
}

static void decode_call(pid_t pid, struct lr_trace_call *c)
{
	c->op = LR_OP_NONE;
	c->path[0] = c->path2[0] = '\0';
	c->has_addr = false;
	c->seccomp_denied = false;
	c->flags = 0;
	const struct path_sys *ps = NULL;
	for (size_t i = 0; i < LR_ARRAY_LEN(path_syscalls); i++)
		if (path_syscalls[i].nr == c->nr)
			ps = &path_syscalls[i];
	if (!ps)
		return;
	c->op = ps->op;
	if (ps->flags >= 0)
		c->flags = c->args[(int)ps->flags];
	if (c->nr == SYS_creat)
		c->flags = O_CREAT | O_WRONLY | O_TRUNC;
	if (c->nr == SYS_openat2) {
		struct open_how how;
		if (read_mem(pid, c->args[2], &how, sizeof(how)))
			c->flags = how.flags;
	}
	if (ps->path >= 0) {
		long dirfd = ps->dirfd >= 0 ? (long)(int)c->args[(int)ps->dirfd] : AT_FDCWD;
		resolve_at(pid, dirfd, c->args[(int)ps->path], c->path, sizeof(c->path));
		struct stat st;
		c->existed = c->path[0] && lstat(c->path, &st) == 0;
	}
	if (ps->path2 >= 0) {
		long dirfd = ps->dirfd2 >= 0 ? (long)(int)c->args[(int)ps->dirfd2] : AT_FDCWD;
		resolve_at(pid, dirfd, c->args[(int)ps->path2], c->path2, sizeof(c->path2));
	}
	if (c->op == LR_OP_CONNECT || c->op == LR_OP_BIND) {
		size_t len = c->args[2] < sizeof(c->addr) ? (size_t)c->args[2] : sizeof(c->addr);
		memset(&c->addr, 0, sizeof(c->addr));
		c->has_addr = len >= sizeof(sa_family_t) && read_mem(pid, c->args[1], &c->addr, len);
	}
}

/* Skips the call the tracee is stopped in and makes it return -errnum. A denied call must never
 * run: if the registers cannot be changed, the tracee is killed instead. */
static void fail_call(pid_t pid, int errnum)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) == 0) {
		regs.orig_rax = (unsigned long long)-1;
		regs.rax = (unsigned long long)(long long)-errnum;
		if (ptrace(PTRACE_SETREGS, pid, NULL, &regs) == 0)
			return;
	}
	kill(pid, SIGKILL);
}

/* What a syscall stop came to. */
enum stop_verdict {
	STOP_UNREAD, /* not read or not decoded: nothing decided (a seccomp stop then fails closed) */
	STOP_DONE,   /* answered; no exit stop wanted */
	STOP_WATCH,  /* an observed call: stop at its exit */
};

static enum stop_verdict seccomp_stop(struct lr_tracer *t, struct lr_trace_proc *p, unsigned data)
{
	if (data == LR_TRACE_OBSERVE) {
		p->want_exit = true;
		return STOP_WATCH;
	}
	/* every other RET_TRACE of the filter is a denial: the call never runs, and fails with EPERM
	 * when the mode names no errno */
	int e = t->on_seccomp ? t->on_seccomp(t->ctx, &p->call, data) : 0;
	fail_call(p->pid, e > 0 ? e : EPERM);
	p->call.seccomp_denied = true;
	return STOP_DONE;
}

static enum stop_verdict syscall_stop(struct lr_tracer *t, pid_t pid)
{
	struct __ptrace_syscall_info info;
	memset(&info, 0, sizeof(info));
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): this request takes the buffer's size there */
	if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info) <= 0)
		return STOP_UNREAD;
	struct lr_trace_proc *p = proc_of(t, pid);
	if (!p)
		return STOP_UNREAD;
	struct lr_trace_call *c = &p->call;
	bool seccomp = info.op == PTRACE_SYSCALL_INFO_SECCOMP;
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY || seccomp) {
		if (info.arch != LR_AUDIT_ARCH)
			return STOP_UNREAD;
		/* with syscall stops, the seccomp stop follows the entry stop of the same call */
		if (!seccomp || !t->syscall_stops || c->nr != (int)info.entry.nr) {
			c->pid = pid;
			c->nr = (int)info.entry.nr;
			memcpy(c->args, info.entry.args, sizeof(c->args));
			decode_call(pid, c);
			if (t->all_calls && t->on_entry)
				t->on_entry(t->ctx, c);
		}
		return seccomp ? seccomp_stop(t, p, info.seccomp.ret_data) : STOP_DONE;
	}
	if (info.op != PTRACE_SYSCALL_INFO_EXIT)
		return STOP_UNREAD;
	p->want_exit = false; /* at an exit: whatever call it was, it is over */
	if (c->pid != pid)
		return STOP_DONE;
	c->ret = (long)info.exit.rval;
	if (t->on_exit && !c->seccomp_denied && c->op != LR_OP_NONE)
		t->on_exit(t->ctx, c);
	c->pid = 0; /* answered: a stray exit stop (after exec) finds nothing */
	return STOP_DONE;
}

/* Is pid inside an observed call (stopped at an event within it: exec, fork, a signal)? */
static bool watching(const struct lr_tracer *t, pid_t pid)
{
	for (size_t i = 0; i < t->procs.len; i++) {
		const struct lr_trace_proc *p = lr_vec_at(&t->procs, i);
		if (p->pid == pid)
			return p->want_exit;
	}
	return false;
}

static void resume(const struct lr_tracer *t, pid_t pid, int sig, bool want_exit)
{
	ptrace(t->syscall_stops || want_exit ? PTRACE_SYSCALL : PTRACE_CONT, pid, 0, sig);
}

/* Was the seccomp stop pid is in one for an observed call only? Unknown counts as no. */
static bool observe_only(pid_t pid)
{
	unsigned long data;
	return ptrace(PTRACE_GETEVENTMSG, pid, NULL, &data) == 0 && data == LR_TRACE_OBSERVE;
}

static void handle_stop(struct lr_tracer *t, pid_t pid, int st)
{
	int sig = WSTOPSIG(st), event = st >> 16;
	if (sig == (SIGTRAP | 0x80) || event == PTRACE_EVENT_SECCOMP) {
		enum stop_verdict v = syscall_stop(t, pid);
		/* a call the filter denied must never run, decoded or not */
		if (event == PTRACE_EVENT_SECCOMP && v == STOP_UNREAD && !observe_only(pid))
			fail_call(pid, EPERM);
		resume(t, pid, 0, v == STOP_WATCH);
	} else if (event) {
		/* a group stop, a new child's first stop, fork/clone/exec events: on it goes */
		resume(t, pid, 0, watching(t, pid));
	} else {
		resume(t, pid, sig, watching(t, pid)); /* a signal for the tracee: delivered */
	}
}

/* Handles the stop or end of pid, which waitid reported. */
static void one_event(struct lr_tracer *t, pid_t pid)
{
	int st;
	pid_t w;
	while ((w = waitpid(pid, &st, __WALL | WNOHANG)) < 0 && errno == EINTR)
		;
	if (w != pid)
		return;
	if (WIFSTOPPED(st))
		handle_stop(t, pid, st);
	else if (WIFEXITED(st) || WIFSIGNALED(st))
		forget(t, pid);
}

/* A busy sandbox (threads in steady syscalls) always has another stop pending: the supervisor must
 * get back to its timeout and signals in between. */
enum { EVENTS_PER_CALL = 256 };

bool lr_trace_events(struct lr_tracer *t, pid_t main, bool *more)
{
	*more = false;
	for (int n = 0; n < EVENTS_PER_CALL; n++) {
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		/* looked at first, not reaped: main's pid must stay ours until the caller is done */
		if (waitid(P_ALL, 0, &si, WEXITED | WSTOPPED | WNOHANG | WNOWAIT | __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return errno == ECHILD; /* nothing left (cannot happen: main is never reaped here) */
		}
		if (si.si_pid == 0)
			return false;
		bool ended = si.si_code == CLD_EXITED || si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED;
		if (si.si_pid == main && ended) {
			forget(t, main);
			return true;
		}
		one_event(t, si.si_pid);
	}
	*more = true;
	return false;
}
#else
bool lr_trace_events(struct lr_tracer *t, pid_t main, bool *more)
{
	(void)t;
	*more = false;
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	return waitid(P_PID, (id_t)main, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == main;
}
#endif

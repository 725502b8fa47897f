/* The library's metadata helper (see notify_pool.h). */
#include "notify_pool.h"

#include <errno.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apply.h"
#include "notify.h"
#include "process.h"
#include "resolve.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* The helper's own stack: a fresh mapping rather than a copy of the calling thread's, which may
 * be a small thread stack. An answer takes about 100 KiB (an xattr value is up to 64 KiB, and
 * a few PATH_MAX buffers); MAP_NORESERVE: only the pages touched cost. */
enum { HELPER_STACK = 1024 * 1024, GUARD = 4096, INTERMEDIATE_STACK = 16384 };

struct start {
	const struct lr_sandbox *sb;
	int ctl;         /* the helper's end of the control socket */
	char *stack_top; /* of the helper's stack (the helper runs on its copy of the mapping) */
	int helper;      /* its pid, written by the intermediate (shared memory) */
};

/* Every capability gone: the bounding set first (dropping it needs CAP_SETPCAP, which the
 * capset removes; without it there is nothing to drop it with, and the helper never executes
 * anything that could gain from it), the ambient set, then effective, permitted, inheritable. */
static int drop_capabilities(void)
{
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];
	if (lr_caps_get(&hdr, data) < 0)
		return -1;
	for (unsigned cap = 0; (data[0].effective & (1u << CAP_SETPCAP)) && cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				break; /* past the kernel's last capability */
			return -1;
		}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -1;
	memset(data, 0, sizeof(data));
	return (int)syscall(SYS_capset, &hdr, data);
}

/* As many listeners as the hard fd limit lets it hold: a full table closes the next listener
 * (that child's notified calls then fail with ENOSYS). */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* The helper: a copy of the caller's memory, with the calling thread only. Raw syscalls only
 * from here on (another thread of the caller may have held a lock of malloc or stdio). */
static int helper_main(void *arg)
{
	const struct start *st = arg;
	int ctl = st->ctl;
	prctl(PR_SET_NAME, "landrun-notify", 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* its /proc is root's: nothing reads its memory */
	/* nothing of the caller's: not its pipes (a reader waiting for EOF), not another sandbox's
	 * control socket (whose helper would then never see it closed) */
	if (lr_notify_keep_only(ctl) < 0)
		_exit(1); /* the caller sees no "ready": landrun_compile fails */
	/* the caller's handlers are not to run here; the signals its thread blocked for the start */
	lr_child_reset_signals(NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	raise_fd_limit();
	if (drop_capabilities() < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(1); /* the caller sees no "ready": landrun_compile fails */
	/* ready before the allow list, which has no send: if the list cannot be loaded (it can
	 * wherever a child's filter can), the helper is gone and every spawn fails (sendmsg) */
	char ready = 1;
	if (send(ctl, &ready, 1, MSG_NOSIGNAL) != 1 || lr_notify_confine(st->sb) < 0)
		_exit(1);
	struct lr_resolver rs;
	lr_resolver_init(&rs);
	rs.write_dirs = st->sb->write_dirs; /* read only: the copy this fork was given */
	lr_notify_serve(st->sb, &rs, ctl, -1);
	_exit(0);
}

/* Shares the caller's memory (CLONE_VM, the calling thread waiting: CLONE_VFORK), so that only
 * the helper's fork copies it; its own session, then the helper, then gone: the helper is
 * re-parented, not the caller's child. */
static int intermediate(void *arg)
{
	struct start *st = arg;
	setsid();
	/* CLONE_UNTRACED: a tracer of the caller does not follow the helper */
	int helper = clone(helper_main, st->stack_top, SIGCHLD | CLONE_UNTRACED, (void *)st);
	st->helper = helper; /* in the caller's memory (CLONE_VM): the children's tracer (notify.h) */
	_exit(helper < 0 ? 1 : 0);
}

/* The intermediate, exit signal 0: no SIGCHLD for the caller, and invisible to its wait(-1)
 * (which waits for SIGCHLD children only); reaped here by pid with __WCLONE. Every signal is
 * blocked meanwhile in this thread: no handler of the caller's runs on the shared memory. */
static int run_intermediate(struct start *st)
{
	_Alignas(16) char stack[INTERMEDIATE_STACK];
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int pid = clone(intermediate, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | CLONE_UNTRACED, st);
	int e = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return errno = e, -1;
	int status = 0;
	while (waitpid(pid, &status, __WCLONE) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return errno = EAGAIN, -1; /* its clone of the helper failed (RLIMIT_NPROC, memory) */
	return 0;
}

int lr_notify_pool_start(const struct lr_sandbox *sb, int *pid, const char **what)
{
	int sv[2];
	*what = "socketpair";
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	*what = "mmap (the helper's stack)";
	/* fd -1: what MAP_ANONYMOUS asks (cppcheck's posix library does not know it) */
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE;
	// cppcheck-suppress invalidFunctionArg
	char *stack = mmap(NULL, HELPER_STACK, PROT_READ | PROT_WRITE, flags, -1, 0);
	int rc = stack == MAP_FAILED ? -1 : 0;
	if (!rc) {
		mprotect(stack, GUARD, PROT_NONE); /* an overflow faults instead of writing below */
		struct start st = { sb, sv[1], stack + HELPER_STACK, -1 };
		*what = "clone (the metadata helper)";
		rc = run_intermediate(&st);
		*pid = st.helper;
	}
	int e = errno;
	if (stack != MAP_FAILED)
		munmap(stack, HELPER_STACK); /* the helper has its own copy */
	close(sv[1]);
	char ready = 0;
	ssize_t n = 0;
	*what = "the metadata helper's start (capabilities, seccomp user notification)";
	while (!rc && (n = recv(sv[0], &ready, 1, 0)) < 0 && errno == EINTR)
		;
	if (!rc && n != 1) { /* it exited before it could serve */
		rc = -1;
		e = n < 0 ? errno : ENOSYS;
	}
	if (rc) {
		close(sv[0]);
		errno = e;
		return -1;
	}
	return sv[0];
}

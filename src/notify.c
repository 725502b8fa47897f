/* The metadata helper and the loading of the metadata program (see notify.h). */
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <linux/close_range.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "metadata.h"
#include "netcalls.h"
#include "raw_syscall.h"

#define NATIVE_ARCH LR_NATIVE_ARCH

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

/* ---- the helper's own confinement --------------------------------------------------------- */

/* What the helper's loop calls, and nothing else: everything else kills it (and a dead helper
 * fails every notified call). No exec, no socket, no signal to anyone, no ptrace. */
static const int helper_calls[] = {
#ifdef SYS_poll
	SYS_poll,
#endif
#ifdef SYS_readlink
	SYS_readlink,
#endif
	SYS_ppoll, SYS_ioctl, SYS_process_vm_readv, SYS_openat, SYS_openat2, SYS_close, SYS_newfstatat,
	SYS_fstat, SYS_statx, SYS_fstatfs, SYS_readlinkat, SYS_fchdir, SYS_fchmodat, SYS_fchmodat2, SYS_fchownat,
	SYS_utimensat, SYS_setxattr, SYS_removexattr, SYS_exit_group, SYS_exit, SYS_rt_sigreturn,
	SYS_restart_syscall, SYS_brk, SYS_munmap,
	/* the serve loop: listeners arrive on the control socket, all watched by one epoll */
	SYS_recvmsg, SYS_epoll_create1, SYS_epoll_ctl, SYS_epoll_pwait,
#ifdef SYS_epoll_wait
	SYS_epoll_wait,
#endif
	/* the resolver's judgement of a link in a sticky world-writable directory */
	SYS_geteuid,
};

/* And, for the socket calls it makes for the command (netcalls.h): the command's socket and
 * passed fds taken (pidfd), the call itself, a worker forked for a call that waits. */
static const int helper_net_calls[] = {
	SYS_pidfd_open, SYS_pidfd_getfd, SYS_pidfd_send_signal, SYS_getsockopt, SYS_fcntl, SYS_connect,
	SYS_sendmsg, SYS_process_vm_writev, SYS_read, SYS_write, SYS_clone,
};

enum { HELPER_BPF_MAX = 80 };

static int confine_helper(bool net)
{
	struct sock_filter f[HELPER_BPF_MAX];
	int calls[LR_ARRAY_LEN(helper_calls) + LR_ARRAY_LEN(helper_net_calls)];
	unsigned n = 0, nums = 0;
	for (size_t i = 0; i < LR_ARRAY_LEN(helper_calls); i++)
		calls[nums++] = helper_calls[i];
	for (size_t i = 0; net && i < LR_ARRAY_LEN(helper_net_calls); i++)
		calls[nums++] = helper_net_calls[i];
	unsigned kill = 3 + nums, allow = kill + 1;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 0, (unsigned char)(kill - n - 1));
	n++;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (unsigned i = 0; i < nums; i++, n++)
		f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)calls[i],
						    (unsigned char)(allow - n - 1), 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = (unsigned short)n, .filter = f };
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* ---- the helper --------------------------------------------------------------------------- */

int lr_notify_keep_only(int fd)
{
	if (fd > 0 && syscall(SYS_close_range, 0, (unsigned)fd - 1, 0) < 0)
		return -1;
	return (int)syscall(SYS_close_range, (unsigned)fd + 1, ~0U, 0);
}

/* What came on the control socket: a listener (its fd), a message without one (-1: a sender
 * could not attach it, or the fd could not be installed here: the kernel closed it), or the end
 * (-2: every holder of the other end closed it). */
enum { CTL_NO_FD = -1, CTL_END = -2 };

/* A listener to take (the socket calls are notified: the sender's own sendmsg of its listener
 * would be one of them, answered by nobody): the sender's pidfd and its end of a channel of
 * its own, on which it writes the listener's number once it has one and waits for the answer.
 * The helper takes the listener with pidfd_getfd. */
static int take_listener_from(int pidfd, int chan)
{
	int no = -1, listener = -1;
	ssize_t n;
	while ((n = read(chan, &no, sizeof(no))) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(no) && no >= 0)
		listener = (int)syscall(SYS_pidfd_getfd, pidfd, no, 0);
	char done = listener >= 0 ? 1 : 0;
	while (write(chan, &done, 1) < 0 && errno == EINTR)
		;
	return listener >= 0 ? listener : CTL_NO_FD;
}

static int receive_listener(int ctl, int flags)
{
	char byte;
	struct iovec iov = { &byte, 1 };
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	ssize_t n;
	while ((n = recvmsg(ctl, &msg, MSG_CMSG_CLOEXEC | flags)) < 0 && errno == EINTR)
		;
	if (n < 0 && errno == EAGAIN)
		return CTL_NO_FD;
	if (n <= 0)
		return CTL_END;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
		return CTL_NO_FD;
	int fd[2] = { -1, -1 };
	if (c->cmsg_len == CMSG_LEN(sizeof(int))) {
		memcpy(fd, CMSG_DATA(c), sizeof(int));
		return fd[0];
	}
	if (c->cmsg_len != CMSG_LEN(2 * sizeof(int)))
		return CTL_NO_FD;
	memcpy(fd, CMSG_DATA(c), sizeof(fd));
	int listener = take_listener_from(fd[0], fd[1]);
	close(fd[0]);
	close(fd[1]);
	return listener;
}

/* The notification's size as this kernel writes it must fit what the helper reads into. */
static bool sizes_fit(void)
{
	struct seccomp_notif_sizes sz;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		return false;
	return sz.seccomp_notif <= sizeof(struct seccomp_notif) && sz.seccomp_notif_resp <= sizeof(struct seccomp_notif_resp);
}

int lr_notify_confine(const struct lr_sandbox *sb)
{
	/* the workers of the socket calls end by themselves, reaped by the kernel */
	if (sb->net.on && signal(SIGCHLD, SIG_IGN) == SIG_ERR)
		return -1;
	return sizes_fit() && confine_helper(sb->net.on) == 0 ? 0 : -1;
}

/* One notification of listener: false when the listener is of no more use (closed then). */
static bool answer_one(const struct lr_sandbox *sb, struct lr_resolver *rs, int listener)
{
	struct seccomp_notif req;
	memset(&req, 0, sizeof(req)); /* the kernel refuses a buffer that is not zeroed */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return errno == EINTR || errno == ENOENT; /* ENOENT: the caller is gone already */
	struct seccomp_notif_resp resp;
	bool answer = sb->net.on && lr_netcalls_is(&req) ? lr_netcalls_answer(&sb->net, rs, listener, &req, &resp)
							 : lr_metadata_answer(rs, listener, &req, &resp);
	if (answer)
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp); /* ENOENT: the caller died meanwhile */
	return true;
}

static int watch(int ep, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* A listener that cannot be watched (the kernel's epoll limits) is closed: its process's notified
 * calls fail with ENOSYS. */
static void take_listener(int ep, int listener, unsigned *nlisteners)
{
	/* The command and the helper hand the CPU to each other (Linux 6.6; older kernels refuse
	 * the flag and wake the other side as usual): a round trip of about 6 us instead of 35. */
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	if (watch(ep, listener) == 0)
		(*nlisteners)++;
	else
		close(listener);
}

enum { EVENTS = 64 };

void lr_notify_serve(const struct lr_sandbox *sb, struct lr_resolver *rs, int ctl, int listener)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || (ctl >= 0 && watch(ep, ctl) < 0))
		return;
	unsigned nlisteners = 0;
	bool ctl_open = ctl >= 0;
	if (listener >= 0)
		take_listener(ep, listener, &nlisteners);
	while (ctl_open || nlisteners) {
		struct epoll_event ev[EVENTS];
		int n = epoll_wait(ep, ev, EVENTS, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		for (int i = 0; i < n; i++) {
			int fd = ev[i].data.fd;
			if (fd == ctl) { /* queued listeners are taken before the end is seen */
				int got = ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR) ? receive_listener(ctl, MSG_DONTWAIT) : CTL_NO_FD;
				if (got >= 0)
					take_listener(ep, got, &nlisteners);
				if (got == CTL_END) {
					close(ctl);
					ctl_open = false;
				}
			} else if (ev[i].events & EPOLLIN ? !answer_one(sb, rs, fd) : (ev[i].events & (EPOLLHUP | EPOLLERR)) != 0) {
				close(fd); /* HUP: no process of its sandbox is left */
				nlisteners--;
			}
		}
	}
}

/* Waits for the command's first notified call: false when none will come (no process of the
 * sandbox is left) or the listener fails. */
static bool first_call(int listener)
{
	for (;;) {
		struct pollfd pfd = { .fd = listener, .events = POLLIN };
		int n = poll(&pfd, 1, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)))
			return false;
		if (pfd.revents & POLLIN)
			return true;
	}
}

/* What landrun and the helper it starts share until landrun has executed the command (or exited):
 * the helper is a clone of landrun with its memory and fd table (CLONE_VM, CLONE_FILES), so that
 * nothing is copied at its start and the listener is in its table the moment the kernel makes it.
 * It lives at the top of the helper's stack mapping, which landrun does not otherwise touch.
 *
 * The fd table: once the listener is made, the helper takes a copy of the table for itself
 * (unshare) while landrun waits, so that landrun keeps the table it came with. POSIX record locks
 * and directory notifications belong to a table: the caller's locks stay the command's, where a
 * landrun on a copy would leave them to the helper, which drops them. */
struct lr_handoff {
	const struct lr_sandbox *sb;
	uint64_t mask;     /* the helper's signal mask once landrun is gone (the kernel's sigset) */
	int helper;        /* the helper's pid, written by the intermediate */
	int listener;      /* its number in the shared fd table; -1: none was made */
	uint32_t landrun;  /* RUNNING, then LISTENING (the program loaded: take the table), then 0:
			    * landrun's clear_child_tid, which the kernel clears, waking the helper,
			    * when landrun's exec leaves this memory or when landrun exits */
	uint32_t helped;   /* WAITING, then TAKEN or NOT_TAKEN: the helper's answer; 0 when the
			    * helper is gone (its clear_child_tid) */
	int error;         /* NOT_TAKEN: unshare's errno */
};

enum { RUNNING = 1, LISTENING = 2 };
enum { WAITING = 1, TAKEN = 2, NOT_TAKEN = 3 };

/* Waits while *word is v; false when the futex call fails otherwise than by the word's change or
 * a signal (an outer filter refusing it). Raw calls: this runs beside landrun. */
static bool wait_while(uint32_t *word, uint32_t v)
{
	while (__atomic_load_n(word, __ATOMIC_ACQUIRE) == v) {
		long r = lr_raw_syscall4(SYS_futex, (long)word, FUTEX_WAIT, v, 0);
		if (r < 0 && r != -EAGAIN && r != -EINTR)
			return false;
	}
	return true;
}

/* Until landrun is gone this process runs beside it, in the same memory, TLS included: only raw
 * calls (no errno written), every signal blocked (no handler of landrun's runs here). It takes a
 * table of its own once landrun has made the listener, answers, and waits for landrun to go. A
 * failure ends it: its clear_child_tid tells landrun, which fails closed. */
static bool wait_for_exec(struct lr_handoff *h)
{
	if (!wait_while(&h->landrun, RUNNING))
		return false;
	if (__atomic_load_n(&h->landrun, __ATOMIC_ACQUIRE) != LISTENING)
		return true; /* landrun gone before it loaded the program */
	/* a copy of the table with the listener only (none: landrun under landrun refuses instead),
	 * by close_range, which container profiles and landrun's own baseline allow, unlike unshare */
	int l = h->listener;
	long r = l > 0 ? lr_raw_syscall4(SYS_close_range, 0, l - 1, CLOSE_RANGE_UNSHARE, 0)
		       : lr_raw_syscall4(SYS_close_range, l == 0 ? 1 : 0, ~0U, CLOSE_RANGE_UNSHARE, 0);
	if (r == 0 && l > 0)
		r = lr_raw_syscall4(SYS_close_range, l + 1, ~0U, 0, 0);
	h->error = (int)-r;
	__atomic_store_n(&h->helped, r == 0 ? TAKEN : NOT_TAKEN, __ATOMIC_RELEASE);
	lr_raw_syscall4(SYS_futex, (long)&h->helped, FUTEX_WAKE, 1, 0);
	return r == 0 && wait_while(&h->landrun, LISTENING);
}

static int helper_main(void *arg)
{
	struct lr_handoff *h = arg;
	if (!wait_for_exec(h))
		_exit(0);
	/* landrun's memory is this process's alone from here on, and this table a copy of its own */
	lr_raw_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, (long)&h->mask, 0, sizeof(h->mask));
	prctl(PR_SET_NAME, "landrun-notify", 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* its /proc is root's: nothing reads its memory */
	const struct lr_sandbox *sb = h->sb;
	int listener = h->listener; /* and nothing of landrun's: not the terminal, not its pipes */
	if (listener < 0)
		_exit(0); /* none made: landrun under landrun refuses the calls itself */
	/* Confined before the first notification is read, not sooner: a command that makes no
	 * metadata call (most runs) pays nothing for the helper's own seccomp load. Before that, the
	 * usual policy again, an answer being what the command waits for: a matter of speed only,
	 * so not a reason to stop (the command, of the same user, may have made this process
	 * SCHED_IDLE meanwhile, which an unprivileged process cannot leave: EPERM). */
	if (!first_call(listener))
		_exit(0);
	struct sched_param normal = { 0 };
	(void)sched_setscheduler(0, SCHED_OTHER, &normal);
	if (lr_notify_confine(sb) < 0)
		_exit(0);
	struct lr_resolver rs;
	lr_resolver_init(&rs);
	rs.write_dirs = sb->write_dirs; /* read only: landrun's, left to this process */
	/* the command's one listener, served until the sandbox has no process left */
	lr_notify_serve(sb, &rs, -1, listener);
	_exit(0);
}

/* The intermediate: shares landrun's memory and fd table (landrun waiting: CLONE_VFORK). Its own
 * session, then the helper, then gone: the helper is re-parented, not the command's child. */
static int intermediate(void *arg)
{
	struct lr_handoff *h = arg;
	setsid();
	/* SCHED_BATCH, inherited by the helper until the first notification: its wake-ups (landrun
	 * gone, the end of a command that made no metadata call) do not preempt the command */
	struct sched_param normal = { 0 };
	sched_setscheduler(0, SCHED_BATCH, &normal);
	/* every signal blocked, for the helper to inherit (glibc's own sigset functions leave out the
	 * two it keeps for itself); the old mask is this task's own, landrun's */
	uint64_t all = ~(uint64_t)0;
	if (lr_raw_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, (long)&all, (long)&h->mask, sizeof(all)) < 0)
		_exit(1); /* no helper (h->helper -1): landrun fails closed */
	/* CLONE_UNTRACED: under --log-denials the tracer follows the command's forks, not this one.
	 * CLONE_CHILD_CLEARTID: the helper's end clears helped, waking landrun if it waits. */
	h->helper = clone(helper_main, (char *)h, CLONE_VM | CLONE_FILES | CLONE_UNTRACED | CLONE_CHILD_CLEARTID | SIGCHLD,
			  h, NULL, NULL, &h->helped);
	_exit(h->helper < 0 ? 1 : 0);
}

/* The intermediate, gone since the helper was started: reaped (ECHILD when SIGCHLD is ignored:
 * then it reaped itself). Here rather than at the start: by now it has exited. */
static void reap_intermediate(const struct lr_notify *n)
{
	while (n->intermediate > 0 && waitpid(n->intermediate, NULL, 0) < 0 && errno == EINTR)
		;
}

enum { INTERMEDIATE_STACK = 16384, HELPER_STACK = 1024 * 1024, GUARD = 4096 };

int lr_notify_start(const struct lr_sandbox *sb, struct lr_notify *n, const char **step)
{
	*n = (struct lr_notify){ -1, -1, -1, NULL };
	*step = "mmap (the metadata helper's stack)";
	/* fd -1: what MAP_ANONYMOUS asks (cppcheck's posix library does not know it) */
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE;
	// cppcheck-suppress invalidFunctionArg
	char *stack = mmap(NULL, HELPER_STACK, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	if (mprotect(stack, GUARD, PROT_NONE) < 0) /* an overflow faults instead of writing below */
		return -1;
	/* the stack grows down from the handoff, aligned as a stack top must be */
	char *top = stack + HELPER_STACK - sizeof(struct lr_handoff);
	top -= (uintptr_t)top & 63;
	struct lr_handoff *h = (struct lr_handoff *)(void *)top;
	*h = (struct lr_handoff){ .sb = sb, .helper = -1, .listener = -1, .landrun = RUNNING, .helped = WAITING };
	/* the kernel clears the word and wakes its waiter when this process executes or exits; the
	 * answer is the caller's thread id (anything else: a filter answered, the helper would never
	 * wake) */
	*step = "set_tid_address (for the metadata helper)";
	long tid = syscall(SYS_set_tid_address, &h->landrun);
	if (tid != syscall(SYS_gettid))
		return tid < 0 ? -1 : (errno = EPERM, -1); /* its errno, or answered without the call */
	*step = "clone (the metadata helper)";
	/* landrun is suspended while the intermediate runs: part of its stack is the intermediate's */
	_Alignas(16) char istack[INTERMEDIATE_STACK];
	int pid = clone(intermediate, istack + sizeof(istack),
			CLONE_VM | CLONE_FILES | CLONE_VFORK | CLONE_UNTRACED | SIGCHLD, h);
	if (pid < 0)
		return -1;
	n->intermediate = pid;
	n->pid = h->helper;
	n->handoff = h;
	if (h->helper < 0) { /* its clone failed (RLIMIT_NPROC, memory): the command never runs */
		reap_intermediate(n);
		errno = EAGAIN;
		return -1;
	}
	return 0;
}

/* ---- the command's side ------------------------------------------------------------------- */

static int send_fds(int sock, const int *fds, unsigned nfds)
{
	char byte = 0;
	struct iovec iov = { &byte, 1 };
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = CMSG_SPACE(nfds * sizeof(int)) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
	memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	ssize_t n;
	while ((n = sendmsg(sock, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	return n == 1 ? 0 : -1;
}

/* Before the load, when the socket calls are notified (netcalls.h): this process's pidfd and a
 * channel to the helper, which will take the listener itself (see take_listener_from). Returns
 * this side of the channel, or -1. */
static int offer_listener(int sock)
{
	int pidfd = (int)syscall(SYS_pidfd_open, (pid_t)syscall(SYS_getpid), 0), chan[2] = { -1, -1 };
	int rc = pidfd >= 0 ? socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, chan) : -1;
	int fds[2] = { pidfd, chan[1] };
	if (rc == 0)
		rc = send_fds(sock, fds, 2);
	int e = errno;
	if (pidfd >= 0)
		close(pidfd);
	if (chan[1] >= 0)
		close(chan[1]);
	if (rc < 0 && chan[0] >= 0)
		close(chan[0]);
	errno = e;
	return rc < 0 ? -1 : chan[0];
}

/* After the load: the listener's number on the channel, then the helper's word that it took it
 * (before this process may close it). */
static int hand_over(int chan, int listener)
{
	ssize_t n;
	while ((n = write(chan, &listener, sizeof(listener))) < 0 && errno == EINTR)
		;
	char done = 0;
	while (n == (ssize_t)sizeof(listener) && (n = read(chan, &done, 1)) < 0 && errno == EINTR)
		;
	return n == 1 && done ? 0 : (errno = ESRCH, -1);
}

static long load(const struct sock_filter *f, unsigned short len, unsigned long flags)
{
	/* the kernel only reads the program: the cast drops const for the uapi struct */
	struct sock_fprog prog = { .len = len, .filter = (struct sock_filter *)f };
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

/* The same program answering EPERM where it would notify. */
static long load_refusing(const struct lr_sandbox *sb, unsigned long flags)
{
	struct sock_filter f[LR_METADATA_BPF_MAX];
	memcpy(f, sb->metadata_bpf, sb->metadata_len * sizeof(f[0]));
	for (unsigned i = 0; i < sb->metadata_len; i++)
		if (f[i].code == (BPF_RET | BPF_K) && f[i].k == SECCOMP_RET_USER_NOTIF)
			f[i].k = SECCOMP_RET_ERRNO | EPERM;
	return load(f, sb->metadata_len, flags);
}

/* prog with a listener (SECCOMP_FILTER_FLAG_NEW_LISTENER, *listener set), or, under an outer
 * listener (landrun under landrun: the kernel allows one), the same program refusing the calls
 * instead (EPERM: refusing, or the metadata program's copy), failing closed (*listener -1). 0 or
 * -1 with errno. */
static int load_listening(const struct lr_sandbox *sb, const struct sock_filter *prog, unsigned short len,
			  const struct sock_filter *refusing, bool all_threads, int *listener)
{
	unsigned long tsync = all_threads ? SECCOMP_FILTER_FLAG_TSYNC : 0;
	/* TSYNC with a listener: a thread that cannot follow is ESRCH, as the fd takes the return */
	unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER |
			      (all_threads ? SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH : 0);
	/* The socket calls: once the helper has a call, a signal no longer drops it (its worker
	 * answers for the signal, see netcalls.c). Linux 5.19; before, as it was. */
	unsigned long killable = sb->net.on ? SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV : 0;
	long fd = load(prog, len, flags | killable);
	if (fd < 0 && errno == EINVAL && killable)
		fd = load(prog, len, flags);
	*listener = fd >= 0 ? (int)fd : -1;
	if (fd >= 0)
		return 0;
	if (errno != EBUSY)
		return -1;
	return (refusing ? load(refusing, len, tsync) : load_refusing(sb, tsync)) == 0 ? 0 : -1;
}

/* The listener made, the CLI's helper takes its copy of the fd table (struct lr_handoff), this
 * process waiting for its answer. */
static int hand_over_table(struct lr_handoff *h, int listener)
{
	/* with no listener the helper only leaves the table (or is gone: as good) */
	h->listener = listener;
	__atomic_store_n(&h->landrun, LISTENING, __ATOMIC_RELEASE);
	if (syscall(SYS_futex, &h->landrun, FUTEX_WAKE, 1, NULL, NULL, 0) < 0)
		return -1;
	uint32_t v;
	while ((v = __atomic_load_n(&h->helped, __ATOMIC_ACQUIRE)) == WAITING)
		if (syscall(SYS_futex, &h->helped, FUTEX_WAIT, v, NULL, NULL, 0) < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
	if (v == TAKEN || listener < 0)
		return 0;
	/* its errno, written before its answer (which its end may have cleared since); or ESRCH:
	 * the helper is gone */
	errno = h->error ? h->error : ESRCH;
	return -1;
}

/* The CLI's helper shares this process's fd table, the listener in it already: the helper takes
 * a copy for itself, listener and all, and serves it once this process has executed; this process
 * keeps the table it came with and closes its listener (last: the exec does, O_CLOEXEC). With no
 * listener made (landrun under landrun), the helper still leaves the table, then ends. */
static int leave_listener(const struct lr_sandbox *sb, struct lr_notify *helper, const struct sock_filter *prog,
			  unsigned short len, const struct sock_filter *refusing, bool last, const char **step)
{
	*step = "seccomp(SECCOMP_SET_MODE_FILTER)"; /* with SECCOMP_FILTER_FLAG_NEW_LISTENER */
	int listener = -1;
	int rc = load_listening(sb, prog, len, refusing, false, &listener);
	if (!rc) {
		*step = "the notification helper's own fd table (futex, close_range)";
		rc = hand_over_table(helper->handoff, listener);
		if (!rc && !last && listener >= 0)
			close(listener);
	}
	int e = errno;
	reap_intermediate(helper);
	errno = e;
	return rc;
}

int lr_notify_load_last(const struct lr_sandbox *sb, struct lr_notify *helper, const char **step)
{
	if (!helper->handoff)
		return errno = EINVAL, -1;
	return leave_listener(sb, helper, sb->bpf[0], sb->bpf_len[0], sb->bpf0_refusing, true, step);
}

/* The library's helper serves every child over the sandbox's socket (notify_pool.h): the listener
 * is sent on it, or, when the socket calls are notified (this process's sendmsg of its listener
 * would be one of them, answered by nobody), taken by the helper (offer_listener). */
static int send_listener(const struct lr_sandbox *sb, struct lr_notify *helper, bool all_threads, const char **step)
{
	int chan = -1, listener = -1, rc = 0;
	if (sb->net.on) {
		*step = "sendmsg (this process's pidfd to the notification helper, which is not running)";
		chan = offer_listener(helper->sock);
		rc = chan < 0 ? -1 : 0;
	}
	if (!rc) {
		*step = "seccomp(SECCOMP_SET_MODE_FILTER)"; /* with SECCOMP_FILTER_FLAG_NEW_LISTENER */
		rc = load_listening(sb, sb->metadata_bpf, sb->metadata_len, NULL, all_threads, &listener);
	}
	int e = errno;
	if (listener >= 0) {
		*step = chan >= 0 ? "the seccomp listener taken by the notification helper"
				  : "sendmsg (the seccomp listener to the metadata helper, which is not running)";
		rc = chan >= 0 ? hand_over(chan, listener) : send_fds(helper->sock, (const int[]){ listener }, 1);
		e = errno;
		close(listener);
	}
	if (chan >= 0)
		close(chan);
	close(helper->sock);
	helper->sock = -1;
	errno = e;
	return rc;
}

int lr_metadata_load(const struct lr_sandbox *sb, struct lr_notify *helper, bool all_threads, const char **step)
{
	*step = "seccomp(SECCOMP_SET_MODE_FILTER)";
	if (!helper) {
		long rc = load(sb->metadata_bpf, sb->metadata_len, all_threads ? SECCOMP_FILTER_FLAG_TSYNC : 0);
		if (rc > 0)
			errno = EBUSY;
		return rc != 0 ? -1 : 0;
	}
	if (!helper->handoff)
		return send_listener(sb, helper, all_threads, step);
	return leave_listener(sb, helper, sb->metadata_bpf, sb->metadata_len, NULL, false, step);
}

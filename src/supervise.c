/* Supervised runs: the command in a child under the sandbox, landrun waiting as its parent to
 * forward signals, mirror job control, enforce a timeout and clean up. See supervise.h. */
#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"

enum { DEFAULT_KILL_GRACE_MS = 5000 };

/* Received by landrun, passed on to the sandbox's process group. */
static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
				 SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU };

/* The supervisor's own parent-death signal (die_with_parent): not forwarded, not used by glibc. */
#define PARENT_DIED_SIG (SIGRTMAX - 1)

/* What the child writes to the CLOEXEC pipe when it fails before the command runs. */
struct child_report {
	int error;
	char step[120];
};

/* Everything the child needs, prepared before fork. */
struct child_ctx {
	const struct lr_sandbox *sb;
	const char *path;
	char *const *argv;
	int report_fd;
	int tty_fd;      /* the controlling terminal to take, or -1 */
	bool die_with_parent;
	bool traced;     /* stop for the tracer to seize us before the sandbox is applied */
	pid_t supervisor;
	const sigset_t *mask;                /* the caller's signal mask, for the command */
	const struct sigaction *old_sigchld; /* the caller's SIGCHLD disposition */
};

struct sup {
	const struct lr_sandbox *sb;
	pid_t pid;          /* the child; also its process group */
	int sigfd;
	int tty_fd;         /* our controlling terminal (one of 0, 1, 2), or -1 */
	bool tty_given;     /* the sandbox's group is the terminal's foreground group */
	bool die_with_parent;
	pid_t parent;       /* the supervisor's parent when it started */
	bool timed_out, parent_died;
	int64_t term_at, kill_at; /* deadlines (CLOCK_MONOTONIC ms) of the timeout, -1: none */
	timer_t wakeup;     /* sends us SIGCONT at the next deadline: wakes a stopped supervisor */
	bool has_wakeup;
	int status;         /* wait status once reaped */
	struct lr_tracer *tracer; /* traced run: the tracer waits for every process but main */
	bool trace_more;    /* the tracer stopped with events still pending: come back at once */
	int report[2];      /* the child's failure report (CLOEXEC pipe) */
	int children_fd;    /* the list of our children (open_children_list), or -1 */
	/* what lr_supervise changed in the calling process, restored when it returns */
	sigset_t old_mask;
	struct sigaction old_sigchld;
	int old_pdeath, old_subreaper;
};

/* ---- the child: async-signal-safe calls only, from fork to execve ---------------------------- */

static _Noreturn void child_fail(const struct child_ctx *c, const char *step)
{
	struct child_report r = { .error = errno ? errno : EINVAL };
	size_t n = strlen(step);
	if (n >= sizeof(r.step))
		n = sizeof(r.step) - 1;
	memcpy(r.step, step, n);
	r.step[n] = '\0';
	ssize_t w = write(c->report_fd, &r, sizeof(r));
	(void)w;
	_exit(LR_EXIT_NOT_FOUND);
}

/* The supervisor seizes the child while it is stopped, before the seccomp filter. A stopped
 * child whose supervisor died first would stay stopped for ever, holding the caller's pipes: for
 * the stop, the child dies with the supervisor (set before the check that it is still there),
 * and afterwards only if it was asked to. */
static void stop_for_the_tracer(const struct child_ctx *c)
{
	if (!c->die_with_parent) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
			child_fail(c, "prctl(PR_SET_PDEATHSIG)");
		if (getppid() != c->supervisor)
			_exit(LR_EXIT_NOT_FOUND); /* the supervisor is already gone */
	}
	kill(getpid(), SIGSTOP);
	if (!c->die_with_parent && prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
		child_fail(c, "prctl(PR_SET_PDEATHSIG)");
}

/* The order, and why: the caller's signal handlers are reset before anything can unblock a signal
 * (one must never run in the child); the parent-death signal is set before the check that the
 * supervisor is still there, so that its death cannot fall between the two; the process group and
 * the terminal are taken while SIGTTOU is still blocked (tcsetpgrp from the background would stop
 * us); the caller's mask is restored for the command; a traced child stops for the tracer before
 * the sandbox, so that the tracer is attached when the seccomp filter starts to report denials. */
static _Noreturn void run_child(const struct child_ctx *c)
{
	/* an ignored SIGCHLD is ignored again, as the command would inherit it */
	lr_child_reset_signals(c->old_sigchld);
	if (c->die_with_parent) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
			child_fail(c, "prctl(PR_SET_PDEATHSIG)");
		if (getppid() != c->supervisor)
			_exit(LR_EXIT_NOT_FOUND); /* the supervisor is already gone: nobody to report to */
	}
	if (!c->sb->new_session) {
		/* new_session: the sandbox's setsid makes the group, and a group leader could not */
		if (setpgid(0, 0) < 0)
			child_fail(c, "setpgid");
		if (c->tty_fd >= 0)
			tcsetpgrp(c->tty_fd, getpid()); /* best effort: the supervisor does it too */
	}
	if (sigprocmask(SIG_SETMASK, c->mask, NULL) < 0)
		child_fail(c, "sigprocmask");
	const char *step;
	if (c->traced)
		stop_for_the_tracer(c);
	/* the report pipe stays open until the exec closes it (O_CLOEXEC): EOF means it started */
	lr_sandbox_exec(c->sb, c->path, c->argv, &c->report_fd, 1, &step);
	child_fail(c, step);
}

/* ---- the supervisor -------------------------------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* To the sandbox's group; to the child alone while that group does not exist yet (new_session:
 * before its setsid). Only before the child is reaped: its pid cannot be reused until then. */
static void signal_sandbox(const struct sup *s, int sig)
{
	if (killpg(s->pid, sig) < 0 && errno == ESRCH)
		kill(s->pid, sig);
}

static bool in_foreground(const struct sup *s)
{
	return s->tty_fd >= 0 && tcgetpgrp(s->tty_fd) == getpgrp();
}

static void give_terminal(struct sup *s)
{
	if (!s->sb->new_session && in_foreground(s) && tcsetpgrp(s->tty_fd, s->pid) == 0)
		s->tty_given = true;
}

static void take_terminal(struct sup *s)
{
	if (s->tty_given)
		tcsetpgrp(s->tty_fd, getpgrp()); /* SIGTTOU is blocked: allowed from the background */
	s->tty_given = false;
}

/* Continued (fg, bg, or a SIGCONT to landrun): the terminal back to the sandbox if we are in the
 * foreground, then the sandbox's group continued. */
static void resume_sandbox(struct sup *s)
{
	give_terminal(s);
	signal_sandbox(s, SIGCONT);
}

/* Stops landrun the way the sandbox stopped, so that its parent (the shell) sees the job stopped
 * by the same signal; returns once continued. The terminal stop signals are discarded by the
 * kernel in an orphaned process group: then this returns at once, as the command would have run
 * on without landrun. */
static void stop_like(int sig)
{
	if (sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU) {
		kill(getpid(), SIGSTOP);
		return;
	}
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	sigemptyset(&dfl.sa_mask);
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, sig);
	sigaction(sig, &dfl, &old);
	kill(getpid(), sig);                  /* pending: it is blocked */
	sigprocmask(SIG_UNBLOCK, &one, NULL); /* delivered here: we stop */
	sigprocmask(SIG_BLOCK, &one, NULL);
	sigaction(sig, &old, NULL);
}

static bool deadline_passed(const struct sup *s)
{
	int64_t next = s->kill_at >= 0 ? s->kill_at : s->term_at;
	return next >= 0 && now_ms() >= next;
}

/* Arms the wake-up timer for the next deadline (or disarms it). Its signal is SIGCONT: the one
 * signal that continues a stopped process whatever its mask, so that a stopped landrun (mirroring
 * the sandbox's stop, or stopped by someone else) still acts on the timeout. */
static void arm_wakeup(const struct sup *s)
{
	if (!s->has_wakeup)
		return;
	int64_t next = s->kill_at >= 0 ? s->kill_at : s->term_at;
	struct itimerspec its = { 0 };
	if (next >= 0) {
		its.it_value.tv_sec = next / 1000;
		its.it_value.tv_nsec = (long)(next % 1000) * 1000000 + 1; /* never all zero: that disarms */
	}
	timer_settime(s->wakeup, TIMER_ABSTIME, &its, NULL);
}

static void mirror_stop(struct sup *s, int sig)
{
	if (s->timed_out || s->parent_died) {
		signal_sandbox(s, SIGCONT); /* being killed: let it run into the signal */
		return;
	}
	take_terminal(s);
	stop_like(sig);
	/* The SIGCONT that woke us is queued for the signalfd: take it here, handled once. */
	sigset_t cont;
	sigemptyset(&cont);
	sigaddset(&cont, SIGCONT);
	struct timespec zero = { 0, 0 };
	while (sigtimedwait(&cont, NULL, &zero) == SIGCONT)
		;
	if (deadline_passed(s))
		return; /* woken by the timer: the loop acts on the timeout, the sandbox stays stopped */
	resume_sandbox(s);
}

/* Reaps the sandbox's orphans, re-parented to us (a child subreaper) while the command runs, so
 * that they do not pile up as zombies; the child itself is left alone. Traced runs: the tracer
 * reaps them. */
static void reap_orphans(const struct sup *s)
{
	for (;;) {
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0 || si.si_pid == s->pid)
			return;
		waitpid(si.si_pid, NULL, WNOHANG);
	}
}

/* The list of this (single-threaded) process's children, opened before the command starts: what
 * the command does later (fill the fd table, lower our limits) cannot keep it from being read.
 * -1 without /proc or on a kernel without CONFIG_PROC_CHILDREN. */
static int open_children_list(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* SIGKILLs every child listed in fd (open_children_list). A listed child cannot be reaped by
 * anyone else, so its pid is still its own when signalled. Returns how many, -1 if the children
 * cannot be listed. */
static int kill_children(int fd)
{
	char buf[512];
	if (fd < 0)
		return -1;
	int n = 0;
	long pid = 0;
	ssize_t got;
	off_t off = 0;
	while ((got = pread(fd, buf, sizeof(buf), off)) > 0) {
		off += got;
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				pid = pid * 10 + (buf[i] - '0');
				continue;
			}
			if (pid > 0 && pid <= INT_MAX && kill((pid_t)pid, SIGKILL) == 0)
				n++;
			pid = 0;
		}
	}
	if (pid > 0 && pid <= INT_MAX && kill((pid_t)pid, SIGKILL) == 0)
		n++;
	return got < 0 ? -1 : n;
}

/* Once the command has ended (and is reaped): kills and reaps every process it left behind, also
 * those that left its process group (setsid) and were re-parented to us. SIGKILL at once: the
 * command is over, what it left running has no claim to a grace period, and a signal it could
 * catch would let it fork on. A process forking while this runs: its child is killed on a later
 * round (a fork with SIGKILL pending fails), until nothing is left to wait for. */
static void end_descendants(int children_fd)
{
	for (;;) {
		bool listed = kill_children(children_fd) >= 0;
		/* without the list: only what has ended already (see supervise.h) */
		pid_t w = waitpid(-1, NULL, __WALL | (listed ? 0 : WNOHANG));
		if (w > 0 || (w < 0 && errno == EINTR))
			continue;
		return; /* ECHILD: nothing left */
	}
}

/* Has the child ended? Not reaped: its group can still be signalled. Untraced, its stops are
 * mirrored on the way. */
static bool child_ended(struct sup *s)
{
	if (s->tracer)
		/* traced: every stop and exit of the sandbox comes to the tracer (job control is not
		 * mirrored, see trace.h) */
		return lr_trace_events(s->tracer, s->pid, &s->trace_more);
	for (;;) {
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)s->pid, &si, WEXITED | WSTOPPED | WNOHANG | WNOWAIT) < 0) {
			if (errno == EINTR)
				continue;
			return false; /* not ours to wait for (cannot happen: SIGCHLD is SIG_DFL) */
		}
		if (si.si_pid == 0)
			return false;
		if (si.si_code == CLD_STOPPED) {
			memset(&si, 0, sizeof(si));
			if (waitid(P_PID, (id_t)s->pid, &si, WSTOPPED | WNOHANG) == 0 && si.si_pid == s->pid)
				mirror_stop(s, si.si_status);
			continue;
		}
		return true;
	}
}

/* Looks at the child without reaping it first, so that its group can still be signalled. Returns
 * true once it has ended and is reaped. */
static bool check_child(struct sup *s)
{
	if (!s->tracer)
		reap_orphans(s);
	if (!child_ended(s))
		return false;
	/* Nothing of the sandbox outlives the command: its group first, while the pid is still the
	 * child's; what left the group is found by end_descendants. */
	signal_sandbox(s, SIGKILL);
	while (waitpid(s->pid, &s->status, 0) < 0 && errno == EINTR)
		;
	return true;
}

static void handle_signals(struct sup *s)
{
	struct signalfd_siginfo buf[16];
	ssize_t n;
	while ((n = read(s->sigfd, buf, sizeof(buf))) > 0) {
		for (size_t i = 0; i < (size_t)n / sizeof(buf[0]); i++) {
			int sig = (int)buf[i].ssi_signo;
			if (sig == SIGCHLD)
				continue; /* check_child looks after every wake-up */
			if (sig == PARENT_DIED_SIG) {
				if (s->die_with_parent && !s->parent_died && getppid() != s->parent) {
					s->parent_died = true;
					signal_sandbox(s, SIGKILL);
				}
				continue;
			}
			if (sig == SIGCONT && buf[i].ssi_code == SI_TIMER)
				continue; /* the wake-up timer: the loop looks at the deadlines */
			if (sig == SIGCONT)
				resume_sandbox(s);
			else
				signal_sandbox(s, sig);
		}
	}
}

static int poll_timeout(int64_t deadline)
{
	if (deadline < 0)
		return -1;
	int64_t left = deadline - now_ms();
	return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

static void supervise_loop(struct sup *s, const struct lr_supervise_opts *o)
{
	long grace = o->kill_grace_ms > 0 ? o->kill_grace_ms : DEFAULT_KILL_GRACE_MS;
	s->term_at = o->timeout_ms > 0 ? now_ms() + o->timeout_ms : -1;
	s->kill_at = -1;
	arm_wakeup(s);
	for (;;) {
		if (check_child(s))
			return;
		struct pollfd p = { .fd = s->sigfd, .events = POLLIN };
		int wait_ms = s->trace_more ? 0 : poll_timeout(s->kill_at >= 0 ? s->kill_at : s->term_at);
		poll(&p, 1, wait_ms); /* EINTR: as a wake-up */
		int64_t now = now_ms();
		if (s->term_at >= 0 && now >= s->term_at) {
			s->timed_out = true;
			s->term_at = -1;
			signal_sandbox(s, SIGTERM);
			signal_sandbox(s, SIGCONT); /* a stopped sandbox must run to die of it */
			s->kill_at = now + grace;
			arm_wakeup(s);
		} else if (s->kill_at >= 0 && now >= s->kill_at) {
			s->kill_at = -1;
			arm_wakeup(s);
			signal_sandbox(s, SIGKILL);
		}
		handle_signals(s);
	}
}

/* ---- setting up and tearing down ------------------------------------------------------------- */

/* Closes every fd > 2 but keep (any order, entries < 3 ignored). */
static void close_fds_except(int *keep, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	const struct lr_fd_list sorted = { keep, n };
	lr_close_fds_except(&sorted, 1);
}

/* The first of 0, 1, 2 that is our controlling terminal, or -1. */
static int controlling_tty(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (tcgetpgrp(fd) >= 0)
			return fd;
	return -1;
}

static int child_status(struct sup *s, int report_fd, int *signal_out, struct lr_error *err,
			const char *path, const struct lr_policy *policy)
{
	struct child_report r;
	ssize_t n = read(report_fd, &r, sizeof(r));
	if (n == (ssize_t)sizeof(r)) {
		r.step[sizeof(r.step) - 1] = '\0';
		return lr_exec_failure(s->sb, policy, path, r.step, r.error, err);
	}
	if (s->timed_out)
		return LR_EXIT_TIMEOUT;
	if (WIFSIGNALED(s->status)) {
		if (signal_out)
			*signal_out = WTERMSIG(s->status);
		return 128 + WTERMSIG(s->status);
	}
	return WEXITSTATUS(s->status);
}

/* Seizes the child at its self-stop. 0: traced; 1: it ended before (reaped, s->status set), and
 * its report, if any, says why; -1: failed (err set; the child is killed and reaped). */
static int start_tracing(struct sup *s, struct lr_tracer *t, struct lr_error *err)
{
	int rc = lr_trace_attach(s->pid, &s->status, err);
	if (rc < 0) {
		kill(s->pid, SIGKILL); /* not reaped yet: the pid is still the child's */
		while (waitpid(s->pid, &s->status, 0) < 0 && errno == EINTR)
			;
	} else if (rc == 0) {
		s->tracer = t;
	}
	return rc;
}

/* Blocks the signals the loop reads through the signalfd, and gives SIGCHLD its default action:
 * neither ignored (no zombie to wait for) nor SA_NOCLDSTOP (no stop reports). */
static void take_signals(struct sup *s, sigset_t *block)
{
	sigemptyset(block);
	for (size_t i = 0; i < LR_ARRAY_LEN(forwarded); i++)
		sigaddset(block, forwarded[i]);
	sigaddset(block, SIGCHLD);
	sigaddset(block, PARENT_DIED_SIG);
	sigprocmask(SIG_BLOCK, block, &s->old_mask);
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &s->old_sigchld);
}

/* Everything the supervisor needs before the child exists, in this order: told of its parent's
 * death (and that parent still there), a subreaper (what the command leaves behind is re-parented
 * to us, not to init) with the list of its children opened now, while the command cannot yet
 * starve us of fds, the timeout's wake-up timer, the signalfd and the report pipe. 0, or -1 with
 * err set: the command is not run. */
static int set_up(struct sup *s, const struct lr_supervise_opts *o, const sigset_t *block, struct lr_error *err)
{
	if (s->die_with_parent) {
		prctl(PR_GET_PDEATHSIG, &s->old_pdeath, 0, 0, 0);
		if (prctl(PR_SET_PDEATHSIG, PARENT_DIED_SIG, 0, 0, 0) < 0)
			return lr_fail(err, NULL, "prctl(PR_SET_PDEATHSIG) failed: %s; the command was not run", strerror(errno));
		if (getppid() != s->parent)
			return lr_fail(err, NULL, "landrun's parent has exited; the command was not run");
	}
	prctl(PR_GET_CHILD_SUBREAPER, &s->old_subreaper, 0, 0, 0);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return lr_fail(err, NULL, "prctl(PR_SET_CHILD_SUBREAPER) failed: %s; the command was not run", strerror(errno));
	s->children_fd = open_children_list();
	if (o->timeout_ms > 0) {
		struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGCONT };
		if (timer_create(CLOCK_MONOTONIC, &ev, &s->wakeup) < 0)
			return lr_fail(err, NULL, "timer_create failed: %s; the command was not run", strerror(errno));
		s->has_wakeup = true; /* timers are not inherited by fork */
	}
	s->sigfd = signalfd(-1, block, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s->sigfd < 0 || pipe2(s->report, O_CLOEXEC | O_NONBLOCK) < 0)
		return lr_fail(err, NULL, "%s failed: %s; the command was not run", s->sigfd < 0 ? "signalfd" : "pipe",
			       strerror(errno));
	return 0;
}

/* Forks the child (run_child) into a process group of its own, handed the terminal when landrun
 * has it in the foreground. 0, or -1 with err set. */
static int start_child(struct sup *s, const char *path, char *const argv[], const struct lr_supervise_opts *o,
		       struct lr_error *err)
{
	const struct lr_sandbox *sb = s->sb;
	bool take_tty = !sb->new_session && in_foreground(s);
	struct child_ctx c = { .sb = sb, .path = path, .argv = argv, .report_fd = s->report[1],
			       .tty_fd = take_tty ? s->tty_fd : -1, .die_with_parent = o->die_with_parent,
			       .supervisor = getpid(), .mask = &s->old_mask, .old_sigchld = &s->old_sigchld,
			       .traced = o->tracer != NULL };
	s->pid = fork();
	if (s->pid == 0)
		run_child(&c);
	if (s->pid < 0)
		return lr_fail(err, NULL, "fork failed: %s; the command was not run", strerror(errno));
	close(s->report[1]);
	s->report[1] = -1;
	if (!sb->new_session) {
		/* both sides, as shells do: whichever runs first, the group exists from here on */
		setpgid(s->pid, s->pid);
		/* not give_terminal(): the child may have taken the terminal already, and then we
		 * no longer look like the foreground, yet must take it back at the end */
		if (take_tty && tcsetpgrp(s->tty_fd, s->pid) == 0)
			s->tty_given = true;
	}
	return 0;
}

/* Whatever happened: nothing the command started survives, its private tmp is removed, and the
 * calling process gets back its signal mask, SIGCHLD action and prctl settings. */
static void tear_down(struct sup *s, const struct lr_supervise_opts *o, struct lr_error *err)
{
	if (s->pid > 0)
		end_descendants(s->children_fd);
	if (s->children_fd >= 0)
		close(s->children_fd);
	if (s->has_wakeup)
		timer_delete(s->wakeup);
	prctl(PR_SET_CHILD_SUBREAPER, s->old_subreaper, 0, 0, 0);
	if (o->private_tmp)
		lr_tmpdir_remove(o->private_tmp, err);
	if (s->die_with_parent)
		prctl(PR_SET_PDEATHSIG, s->old_pdeath, 0, 0, 0);
	if (s->sigfd >= 0) {
		struct signalfd_siginfo buf[16];
		while (read(s->sigfd, buf, sizeof(buf)) > 0)
			; /* for the command, which has ended */
		close(s->sigfd);
	}
	for (int i = 0; i < 2; i++)
		if (s->report[i] >= 0)
			close(s->report[i]);
	sigaction(SIGCHLD, &s->old_sigchld, NULL);
	sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
}

int lr_supervise(const struct lr_sandbox *sb, const char *path, char *const argv[],
		 const struct lr_supervise_opts *o, int *signal_out, struct lr_error *err)
{
	const struct lr_supervise_opts none = { 0 };
	struct lr_error dummy = { 0 };
	if (!o)
		o = &none;
	if (!err)
		err = &dummy;
	if (signal_out)
		*signal_out = 0;
	if (!sb || !path || !argv) {
		lr_fail(err, NULL, "lr_supervise: no sandbox or no command");
		return LR_EXIT_LANDRUN;
	}
	struct sup s = { .sb = sb, .pid = -1, .sigfd = -1, .tty_fd = controlling_tty(), .report = { -1, -1 },
			 .children_fd = -1, .die_with_parent = o->die_with_parent, .parent = getppid() };
	sigset_t block;
	take_signals(&s, &block);
	int status = LR_EXIT_LANDRUN;
	if (set_up(&s, o, &block, err) || start_child(&s, path, argv, o, err))
		goto out;
	int traced = o->tracer ? start_tracing(&s, o->tracer, err) : 0;
	if (traced < 0) {
		take_terminal(&s);
		goto out;
	}
	int keep[] = { s.sigfd, s.report[0], sb->ruleset_fd, sb->exec_fd, o->private_tmp ? o->private_tmp->fd : -1,
		       o->private_tmp ? o->private_tmp->parent_fd : -1, s.children_fd };
	close_fds_except(keep, LR_ARRAY_LEN(keep));
	if (traced == 0)
		supervise_loop(&s, o);
	take_terminal(&s);
	status = child_status(&s, s.report[0], signal_out, err, path, o->policy);
out:
	tear_down(&s, o, err);
	return status;
}

_Noreturn void lr_die_by_signal(int sig)
{
	if (sig > 0 && sig < NSIG) {
		/* landrun's memory is no business of a core file */
		struct rlimit no_core = { 0, 0 };
		setrlimit(RLIMIT_CORE, &no_core);
		struct sigaction dfl = { .sa_handler = SIG_DFL };
		sigemptyset(&dfl.sa_mask);
		sigaction(sig, &dfl, NULL);
		sigset_t one;
		sigemptyset(&one);
		sigaddset(&one, sig);
		sigprocmask(SIG_UNBLOCK, &one, NULL);
		kill(getpid(), sig);
	}
	_exit(128 + sig);
}

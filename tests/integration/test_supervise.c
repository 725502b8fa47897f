/* Supervised runs (lr_supervise): exit status and signal death passed on, timeout, signal
 * forwarding, job control, private tmp removal, die-with-parent, the sandbox in the child.
 * lr_supervise blocks signals and closes the caller's fds, as the CLI about to exit may: each test
 * runs it in a forked "supervisor" process that reports through shared memory. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "policy.h"
#include "sandbox.h"
#include "supervise.h"

extern char **environ;

static char *T, *secret;

static void setup(void) { T = lrt_mkdtemp_with_secret("/var/tmp", &secret); }
static void teardown(void) { lrt_rmrf(T); free(T); free(secret); }
TestSuite(supervise, .init = setup, .fini = teardown, .timeout = 60);

/* What the supervisor process saw, in memory shared with the test. */
struct sv_shared {
	int status, sig;
	bool err_set;
	char msg[1024];
	long long elapsed_ms;
	bool secret_readable; /* by the supervisor, after the run */
	bool terminal_back;   /* the terminal's foreground group is the supervisor's again */
};

struct sv_run {
	pid_t supervisor;
	int out;                /* the command's stdout */
	struct sv_shared *sh;
};

struct sv_setup {
	bool own_group;  /* the supervisor in a process group of its own (job control tests) */
	bool middle;     /* fork a middle process between the test and the supervisor */
	int tty;         /* >= 0: a pty slave to make the supervisor's controlling terminal */
};

static struct lr_sandbox *compile(const char *extra)
{
	struct lr_policy *p = calloc(1, sizeof(*p));
	struct lr_sandbox *sb = calloc(1, sizeof(*sb));
	struct lr_env_ctx ctx = { .environ = (const char *const *)environ };
	struct lr_error err = { 0 };
	char *pol = lrt_policy(T, "sv", extra);
	lr_policy_init(p);
	cr_assert_eq(lr_policy_load(p, &ctx, pol, &err), 0, "%s", err.msg);
	lr_sandbox_init(sb);
	const char *const envp[] = { "PATH=/usr/bin:/bin", "LANG=C", NULL };
	cr_assert_eq(lr_sandbox_compile(sb, p, NULL, envp, &err), 0, "%s", err.msg);
	free(pol);
	/* the policy is leaked: the sandbox's strings may point into it */
	return sb;
}

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static _Noreturn void supervisor_main(struct lr_sandbox *sb, char *const argv[], const struct lr_supervise_opts *o,
				      const struct sv_setup *su, int out, struct sv_shared *sh)
{
	if (su->own_group)
		setpgid(0, 0);
	if (su->tty >= 0) {
		setsid();
		ioctl(su->tty, TIOCSCTTY, 0);
		dup2(su->tty, 0);
	}
	dup2(out, 1);
	/* nothing left running after a failed test holds the harness's stderr */
	int devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, 2);
	struct lr_error err = { 0 };
	long long t0 = mono_ms();
	sh->status = lr_supervise(sb, argv[0], argv, o, &sh->sig, &err);
	sh->elapsed_ms = mono_ms() - t0;
	sh->err_set = err.set;
	memcpy(sh->msg, err.msg, sizeof(sh->msg));
	sh->secret_readable = access(secret, R_OK) == 0;
	sh->terminal_back = su->tty >= 0 && tcgetpgrp(0) == getpgrp();
	_exit(0);
}

static struct sv_run start(struct lr_sandbox *sb, char *const argv[], const struct lr_supervise_opts *o,
			   const struct sv_setup *su)
{
	struct sv_run r = { 0 };
	r.sh = mmap(NULL, sizeof(*r.sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert(r.sh != MAP_FAILED);
	int pfd[2];
	cr_assert_eq(pipe2(pfd, O_CLOEXEC), 0);
	fflush(NULL);
	r.supervisor = fork();
	cr_assert(r.supervisor >= 0);
	if (r.supervisor == 0) {
		if (su && su->middle) {
			/* the supervisor's parent, which the test kills */
			pid_t pid = fork();
			if (pid != 0) {
				close(pfd[1]);
				if (pid > 0)
					sleep(60);
				_exit(0);
			}
		}
		const struct sv_setup none = { .tty = -1 };
		supervisor_main(sb, argv, o, su ? su : &none, pfd[1], r.sh);
	}
	close(pfd[1]);
	r.out = pfd[0];
	return r;
}

/* Waits for the supervisor (the test's child, or adopted as a subreaper) and returns its report;
 * the command's stdout is left open. */
static struct sv_shared *finish_open(struct sv_run *r, pid_t pid)
{
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "supervisor process status %#x", st);
	return r->sh;
}

static struct sv_shared *finish(struct sv_run *r, pid_t pid)
{
	finish_open(r, pid);
	close(r->out);
	return r->sh;
}

static struct sv_shared *run(struct lr_sandbox *sb, char *const argv[], const struct lr_supervise_opts *o)
{
	struct sv_run r = start(sb, argv, o, NULL);
	return finish(&r, r.supervisor);
}

/* Reads the command's first line of output (its pid, from sv_sleep). */
static void read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	while (n + 1 < size) {
		struct pollfd p = { fd, POLLIN, 0 };
		/* no deadline of its own: a loaded machine may take long; the suite's timeout bounds it */
		cr_assert_eq(poll(&p, 1, -1), 1, "no output from the command");
		ssize_t got = read(fd, buf + n, 1);
		cr_assert_eq(got, 1);
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
}

static char *helper(const char *name)
{
	char *dir = lrt_helpers_dir();
	char *p = lrt_fmt("%s/%s", dir, name);
	free(dir);
	return p;
}

/* A private tmp made by the test, held open as the sandbox holds its own (leaked: the fds go
 * with the supervisor process). */
static struct lr_tmpdir *hold(const char *path)
{
	struct lr_tmpdir *t = calloc(1, sizeof(*t));
	cr_assert(t);
	cr_assert_eq(lr_tmpdir_hold(t, path), 0, "%s: %s", path, strerror(errno));
	return t;
}

static bool gone(pid_t pid)
{
	return kill(pid, 0) < 0 && errno == ESRCH;
}

/* The /proc/PID/stat state letter, or '?' */
static char proc_state(pid_t pid)
{
	char *path = lrt_fmt("/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	free(path);
	char buf[512] = "", *p;
	if (!f)
		return '?';
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (p = strrchr(buf, ')')) && p[1] == ' ' ? p[2] : '?';
}

/* Waits for pid to be in state want (the suite's timeout bounds the wait); false if it ended. */
static bool wait_state(pid_t pid, char want)
{
	for (;;) {
		char st = proc_state(pid);
		if (st == want)
			return true;
		if (st == '?' || st == 'Z')
			return false;
		usleep(10000);
	}
}

/* Reaps pid, adopted by this process as a subreaper (the suite's timeout bounds the wait);
 * returns its wait status. */
static int reap_adopted(pid_t pid)
{
	int st;
	pid_t got;
	while ((got = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	cr_assert(got == pid, "waitpid %d: %s", (int)pid, strerror(errno));
	return st;
}

/* argv for the probe helper: op and argument */
#define PROBE(op, arg) ((char *const[]){ (char *)lrt_probe(), op, arg, NULL })

/* ---- status ------------------------------------------------------------------------------- */

Test(supervise, exit_status_is_passed_on)
{
	struct lr_sandbox *sb = compile("");
	struct sv_shared *sh = run(sb, PROBE("exit", "42"), NULL);
	cr_expect_eq(sh->status, 42);
	cr_expect_eq(sh->sig, 0);
	cr_expect(!sh->err_set, "%s", sh->msg);
	sh = run(sb, PROBE("exit", "0"), NULL);
	cr_expect_eq(sh->status, 0);
	lr_sandbox_free(sb);
}

Test(supervise, signal_death_is_reported)
{
	struct lr_sandbox *sb = compile("");
	struct sv_shared *sh = run(sb, PROBE("signal", "15"), NULL);
	cr_expect_eq(sh->status, 128 + 15);
	cr_expect_eq(sh->sig, 15);
	sh = run(sb, PROBE("signal", "9"), NULL);
	cr_expect_eq(sh->status, 128 + 9);
	cr_expect_eq(sh->sig, 9);
	cr_expect(!sh->err_set, "%s", sh->msg);
	lr_sandbox_free(sb);
}

Test(supervise, die_by_signal_dies_the_same_way)
{
	const int sigs[] = { SIGTERM, SIGUSR1, SIGINT, SIGKILL };
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		pid_t pid = fork();
		if (pid == 0) {
			/* blocked and ignored beforehand: it must die all the same */
			signal(sigs[i], SIG_IGN);
			sigset_t set;
			sigemptyset(&set);
			sigaddset(&set, sigs[i]);
			sigprocmask(SIG_BLOCK, &set, NULL);
			lr_die_by_signal(sigs[i]);
		}
		int st;
		cr_assert_eq(waitpid(pid, &st, 0), pid);
		cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i], "signal %d: status %#x", sigs[i], st);
		cr_expect(!WCOREDUMP(st));
	}
}

/* ---- timeout and signals ------------------------------------------------------------------ */

Test(supervise, timeout_terminates_the_command)
{
	struct lr_sandbox *sb = compile("");
	char *const argv[] = { helper("sv_sleep"), "30", NULL };
	struct lr_supervise_opts o = { .timeout_ms = 2000 }; /* long enough to start under load */
	struct sv_run r = start(sb, argv, &o, NULL);
	char line[64];
	read_line(r.out, line, sizeof(line));
	pid_t pid = atoi(line);
	struct sv_shared *sh = finish(&r, r.supervisor);
	cr_expect_eq(sh->status, 124);
	cr_expect_eq(sh->sig, 0);
	cr_expect(sh->elapsed_ms >= 2000 && sh->elapsed_ms < 6500, "%lld ms", sh->elapsed_ms);
	cr_expect(gone(pid), "the command (%d) is still there", (int)pid);
	cr_expect(!sh->err_set, "%s", sh->msg);
	lr_sandbox_free(sb);
}

Test(supervise, timeout_kills_what_ignores_sigterm_and_its_group)
{
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	struct lr_sandbox *sb = compile("");
	char *const argv[] = { helper("sv_sleep"), "30", "if", NULL };
	struct lr_supervise_opts o = { .timeout_ms = 2000, .kill_grace_ms = 300 };
	struct sv_run r = start(sb, argv, &o, NULL);
	char line[64];
	read_line(r.out, line, sizeof(line));
	int pid, grandchild;
	cr_assert_eq(sscanf(line, "%d %d", &pid, &grandchild), 2, "%s", line);
	struct sv_shared *sh = finish_open(&r, r.supervisor);
	cr_expect_eq(sh->status, 124);
	cr_expect(sh->elapsed_ms >= 2300 && sh->elapsed_ms < 6500, "%lld ms", sh->elapsed_ms);
	cr_expect(gone(pid));
	/* the grandchild, orphaned, came to the supervisor (a subreaper): killed and reaped */
	cr_expect(lrt_writers_gone(r.out), "the grandchild %d outlived the supervisor", grandchild);
	close(r.out);
	lr_sandbox_free(sb);
}

Test(supervise, timeout_kills_the_rest_of_the_group_when_the_command_ends)
{
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	struct lr_sandbox *sb = compile("");
	/* sv_sleep dies of SIGTERM; the grandchild it forks ignores it */
	char *const argv[] = { "/bin/sh", "-c", lrt_fmt("%s 30 i & wait", helper("sv_sleep")), NULL };
	struct lr_supervise_opts o = { .timeout_ms = 2000 };
	struct sv_run r = start(sb, argv, &o, NULL);
	char line[64];
	read_line(r.out, line, sizeof(line));
	int grandchild = atoi(line);
	struct sv_shared *sh = finish_open(&r, r.supervisor);
	cr_expect_eq(sh->status, 124);
	cr_expect(sh->elapsed_ms < 6500, "%lld ms: waited for the grace period", sh->elapsed_ms);
	cr_expect(lrt_writers_gone(r.out), "the grandchild %d outlived the supervisor", grandchild);
	close(r.out);
	lr_sandbox_free(sb);
}

/* fork, setsid, fork: a daemon out of the command's process group, which ignores SIGTERM and
 * holds the command's stdout. The supervisor, a child subreaper, gets it back and kills it. */
static void daemon_is_killed(const char *seconds, const char *flags, long timeout_ms, int want_status)
{
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 0), 0); /* the test process must not adopt it */
	struct lr_sandbox *sb = compile("");
	char *const argv[] = { helper("sv_sleep"), (char *)seconds, (char *)flags, NULL };
	struct lr_supervise_opts o = { .timeout_ms = timeout_ms, .kill_grace_ms = 300 };
	struct sv_run r = start(sb, argv, &o, NULL);
	char line[64];
	read_line(r.out, line, sizeof(line));
	int daemon = atoi(line);
	cr_assert_gt(daemon, 0, "%s", line);
	struct sv_shared *sh = finish_open(&r, r.supervisor);
	cr_expect_eq(sh->status, want_status);
	cr_expect(lrt_writers_gone(r.out), "the daemon %d outlived the supervisor", daemon);
	close(r.out);
	lr_sandbox_free(sb);
}

Test(supervise, setsid_daemon_is_killed_at_timeout)
{
	daemon_is_killed("30", "d", 500, 124);
}

Test(supervise, setsid_daemon_is_killed_when_the_command_exits)
{
	daemon_is_killed("0", "d", 0, 0);
}

/* The command stops itself: the supervisor, stopped with it (as a shell job), is woken by the
 * timeout, which kills it and the daemon writing on meanwhile. Without the wake-up this hangs
 * until the suite's timeout. */
Test(supervise, timeout_fires_while_the_command_is_stopped)
{
	daemon_is_killed("30", "ds", 500, 124);
}

/* Twin: a stopped command without a timeout keeps the supervisor stopped (job control), and
 * continuing it lets the command end normally. */
Test(supervise, stopped_command_without_timeout_waits_to_be_continued)
{
	struct lr_sandbox *sb = compile("");
	char *const argv[] = { helper("sv_sleep"), "0", "s", NULL };
	struct sv_run r = start(sb, argv, NULL, NULL);
	char line[64];
	read_line(r.out, line, sizeof(line));
	pid_t pid = atoi(line);
	int st = 0;
	cr_assert_eq(waitpid(r.supervisor, &st, WUNTRACED), r.supervisor);
	cr_assert(WIFSTOPPED(st), "supervisor status %#x", st);
	cr_expect_eq(proc_state(pid), 'T');
	cr_assert_eq(kill(r.supervisor, SIGCONT), 0);
	struct sv_shared *sh = finish(&r, r.supervisor);
	cr_expect_eq(sh->status, 0);
	lr_sandbox_free(sb);
}

Test(supervise, sigterm_to_landrun_is_forwarded)
{
	struct lr_sandbox *sb = compile("");
	char *const argv[] = { helper("sv_sleep"), "30", NULL };
	struct sv_run r = start(sb, argv, NULL, NULL);
	char line[64];
	read_line(r.out, line, sizeof(line));
	pid_t pid = atoi(line);
	cr_assert_eq(kill(r.supervisor, SIGTERM), 0);
	struct sv_shared *sh = finish(&r, r.supervisor);
	cr_expect_eq(sh->status, 128 + SIGTERM);
	cr_expect_eq(sh->sig, SIGTERM);
	cr_expect(sh->elapsed_ms < 5000, "%lld ms", sh->elapsed_ms);
	cr_expect(gone(pid));
	lr_sandbox_free(sb);
}

Test(supervise, other_signals_are_forwarded)
{
	struct lr_sandbox *sb = compile("");
	const int sigs[] = { SIGINT, SIGHUP, SIGUSR1, SIGQUIT };
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		char *const argv[] = { helper("sv_sleep"), "30", NULL };
		struct sv_run r = start(sb, argv, NULL, NULL);
		char line[64];
		read_line(r.out, line, sizeof(line));
		cr_assert_eq(kill(r.supervisor, sigs[i]), 0);
		struct sv_shared *sh = finish(&r, r.supervisor);
		cr_expect_eq(sh->status, 128 + sigs[i]);
		cr_expect_eq(sh->sig, sigs[i]);
	}
	lr_sandbox_free(sb);
}

Test(supervise, stop_and_continue_are_mirrored)
{
	struct lr_sandbox *sb = compile("");
	char *const argv[] = { helper("sv_sleep"), "30", NULL };
	const struct sv_setup su = { .own_group = true, .tty = -1 };
	struct sv_run r = start(sb, argv, NULL, &su);
	char line[64];
	read_line(r.out, line, sizeof(line));
	pid_t pid = atoi(line);
	/* as a shell's job: the supervisor stops when the sandbox does, with the same signal */
	cr_assert_eq(kill(r.supervisor, SIGTSTP), 0);
	int st = 0;
	pid_t got = waitpid(r.supervisor, &st, WUNTRACED);
	cr_assert_eq(got, r.supervisor, "the supervisor did not stop");
	cr_expect(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP, "supervisor status %#x", st);
	cr_expect_eq(proc_state(pid), 'T');
	cr_assert_eq(kill(r.supervisor, SIGCONT), 0);
	cr_expect(wait_state(pid, 'S'), "the command was not continued: %c", proc_state(pid));
	cr_assert_eq(kill(r.supervisor, SIGTERM), 0);
	struct sv_shared *sh = finish(&r, r.supervisor);
	cr_expect_eq(sh->status, 128 + SIGTERM);
	lr_sandbox_free(sb);
}

Test(supervise, terminal_is_handed_over_and_ctrl_c_reaches_the_command)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		cr_skip_test("no pseudo-terminal: %s", strerror(errno));
	int slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert(slave >= 0, "%s", strerror(errno));
	struct lr_sandbox *sb = compile("");
	char *const argv[] = { helper("sv_sleep"), "30", NULL };
	const struct sv_setup su = { .tty = slave };
	struct sv_run r = start(sb, argv, NULL, &su);
	close(slave);
	char line[64];
	read_line(r.out, line, sizeof(line));
	pid_t pid = atoi(line);
	/* the sandbox's group owns the terminal, so ^C goes to it */
	cr_expect_eq(tcgetpgrp(master), pid);
	cr_assert_eq(write(master, "\003", 1), 1);
	struct sv_shared *sh = finish(&r, r.supervisor);
	cr_expect_eq(sh->status, 128 + SIGINT);
	cr_expect_eq(sh->sig, SIGINT);
	cr_expect(sh->terminal_back, "the terminal was not given back to the supervisor");
	close(master);
	lr_sandbox_free(sb);
}

Test(supervise, new_session_gets_its_own_session_and_group)
{
	struct lr_sandbox *sb = compile("");
	sb->new_session = true; /* compiled in place this fails in a group leader: set it directly */
	char *const argv[] = { helper("sv_sleep"), "30", "f", NULL };
	struct lr_supervise_opts o = { .timeout_ms = 2000 };
	struct sv_run r = start(sb, argv, &o, NULL);
	char line[64];
	read_line(r.out, line, sizeof(line));
	int pid, grandchild;
	cr_assert_eq(sscanf(line, "%d %d", &pid, &grandchild), 2, "%s", line);
	cr_expect_eq(getsid(pid), pid);
	cr_expect_eq(getpgid(grandchild), pid);
	struct sv_shared *sh = finish(&r, r.supervisor);
	cr_expect_eq(sh->status, 124);
	cr_expect(gone(pid));
	lr_sandbox_free(sb);
}

/* ---- die with parent ---------------------------------------------------------------------- */

Test(supervise, command_dies_with_the_supervisor)
{
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	struct lr_sandbox *sb = compile("");
	char *const argv[] = { helper("sv_sleep"), "30", NULL };
	struct lr_supervise_opts o = { .die_with_parent = true };
	struct sv_run r = start(sb, argv, &o, NULL);
	char line[64];
	read_line(r.out, line, sizeof(line));
	pid_t pid = atoi(line);
	cr_assert_eq(kill(r.supervisor, SIGKILL), 0);
	int st;
	cr_assert_eq(waitpid(r.supervisor, &st, 0), r.supervisor);
	st = reap_adopted(pid);
	cr_expect(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "command status %#x", st);
	close(r.out);
	lr_sandbox_free(sb);
}

Test(supervise, supervisor_kills_and_cleans_up_when_its_parent_dies)
{
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	struct lr_sandbox *sb = compile("");
	char *tmp = lrt_fmt("%s/private", T);
	mkdir(tmp, 0700);
	lrt_write(lrt_fmt("%s/f", tmp), "x");
	char *const argv[] = { helper("sv_sleep"), "30", NULL };
	struct lr_supervise_opts o = { .die_with_parent = true, .private_tmp = hold(tmp) };
	const struct sv_setup su = { .middle = true, .tty = -1 };
	struct sv_run r = start(sb, argv, &o, &su);
	char line[64];
	read_line(r.out, line, sizeof(line));
	pid_t pid = atoi(line);
	/* the supervisor is the middle process's child: find it as the command's parent */
	char *path = lrt_fmt("/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	cr_assert(f);
	int supervisor = 0;
	cr_assert_eq(fscanf(f, "%*d %*s %*c %d", &supervisor), 1);
	fclose(f);
	cr_assert_eq(kill(r.supervisor, SIGKILL), 0); /* the middle process */
	int st;
	cr_assert_eq(waitpid(r.supervisor, &st, 0), r.supervisor);
	st = reap_adopted(supervisor);
	cr_assert(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "supervisor status %#x", st);
	cr_expect_eq(r.sh->status, 128 + SIGKILL);
	cr_expect_eq(r.sh->sig, SIGKILL);
	cr_expect(gone(pid));
	cr_expect_eq(access(tmp, F_OK), -1, "the private tmp survived");
	close(r.out);
	lr_sandbox_free(sb);
}

/* ---- private tmp -------------------------------------------------------------------------- */

/* A private tmp with files, a deep tree, a locked directory, and symlinks out. */
static char *make_private_tmp(const char *outside)
{
	char *tmp = lrt_fmt("%s/private", T);
	cr_assert_eq(mkdir(tmp, 0700), 0);
	lrt_write(lrt_fmt("%s/file", tmp), "x");
	cr_assert_eq(symlink(outside, lrt_fmt("%s/link-to-file", tmp)), 0);
	char *outdir = lrt_fmt("%s", outside);
	*strrchr(outdir, '/') = '\0';
	cr_assert_eq(symlink(outdir, lrt_fmt("%s/link-to-dir", tmp)), 0);
	cr_assert_eq(symlink("/nonexistent", lrt_fmt("%s/dangling", tmp)), 0);
	cr_assert_eq(mkfifo(lrt_fmt("%s/fifo", tmp), 0600), 0);
	char *locked = lrt_fmt("%s/locked", tmp);
	cr_assert_eq(mkdir(locked, 0700), 0);
	lrt_write(lrt_fmt("%s/inside", locked), "x");
	cr_assert_eq(mkdir(lrt_fmt("%s/sub", locked), 0700), 0);
	chmod(locked, 0);
	char *readonly = lrt_fmt("%s/readonly", tmp); /* can be read, but not emptied as it is */
	cr_assert_eq(mkdir(readonly, 0700), 0);
	lrt_write(lrt_fmt("%s/inside", readonly), "x");
	chmod(readonly, 0500);
	char *deep = lrt_fmt("%s", tmp);
	for (int i = 0; i < 80; i++) {
		deep = lrt_fmt("%s/d%d", deep, i);
		cr_assert_eq(mkdir(deep, 0700), 0);
		if (i % 10 == 0)
			lrt_write(lrt_fmt("%s/f", deep), "x");
	}
	return tmp;
}

Test(supervise, private_tmp_is_removed_without_following_symlinks)
{
	char *outside = lrt_fmt("%s/outside/keep", T);
	mkdir(lrt_fmt("%s/outside", T), 0755);
	lrt_write(outside, "keep me");
	lrt_write(lrt_fmt("%s/outside/also", T), "keep me too");
	char *tmp = make_private_tmp(outside);
	struct lr_sandbox *sb = compile("");
	struct lr_supervise_opts o = { .private_tmp = hold(tmp) };
	struct sv_shared *sh = run(sb, PROBE("exit", "3"), &o);
	cr_expect_eq(sh->status, 3);
	cr_expect(!sh->err_set, "%s", sh->msg);
	cr_expect_eq(access(tmp, F_OK), -1, "%s survived", tmp);
	cr_expect_eq(access(outside, F_OK), 0, "the symlink's target was removed");
	cr_expect_eq(access(lrt_fmt("%s/outside/also", T), F_OK), 0, "the linked directory was emptied");
	lr_sandbox_free(sb);
}

Test(supervise, private_tmp_is_removed_after_a_timeout)
{
	char *outside = lrt_fmt("%s/keep", T);
	lrt_write(outside, "keep me");
	char *tmp = make_private_tmp(outside);
	struct lr_sandbox *sb = compile(lrt_fmt("rw = %s\n", tmp));
	char *const argv[] = { helper("sv_sleep"), "30", NULL };
	struct lr_supervise_opts o = { .timeout_ms = 200, .private_tmp = hold(tmp) };
	struct sv_shared *sh = run(sb, argv, &o);
	cr_expect_eq(sh->status, 124);
	cr_expect(!sh->err_set, "%s", sh->msg);
	cr_expect_eq(access(tmp, F_OK), -1, "%s survived", tmp);
	cr_expect_eq(access(outside, F_OK), 0);
	lr_sandbox_free(sb);
}

Test(supervise, private_tmp_written_by_the_sandbox_is_removed)
{
	char *tmp = lrt_fmt("%s/private", T);
	cr_assert_eq(mkdir(tmp, 0700), 0);
	/* metadata = any: compiled here as for the library, which runs no metadata helper */
	struct lr_sandbox *sb = compile(lrt_fmt("rw = %s\nmetadata = any\n", tmp));
	char *const argv[] = { "/bin/sh", "-c", lrt_fmt("mkdir -p %1$s/a/b && echo x > %1$s/a/b/f && ln -s %2$s %1$s/a/s && chmod 0 %1$s/a && chmod 0 %1$s", tmp, secret), NULL };
	struct lr_supervise_opts o = { .private_tmp = hold(tmp) };
	struct sv_shared *sh = run(sb, argv, &o);
	cr_expect_eq(sh->status, 0, "%s", sh->msg);
	cr_expect(!sh->err_set, "%s", sh->msg);
	cr_expect_eq(access(tmp, F_OK), -1, "%s survived", tmp);
	cr_expect_eq(access(secret, F_OK), 0);
	lr_sandbox_free(sb);
}

/* The command renames its tmp aside and moves another directory (another user's, when run as
 * root) in its place: the supervisor empties the directory it made, not the one with its name. */
Test(supervise, private_tmp_swapped_for_another_directory_is_left_alone)
{
	char *box = lrt_fmt("%s/box", T);
	cr_assert_eq(mkdir(box, 0755), 0);
	char *tmp = lrt_fmt("%s/private", box), *victim = lrt_fmt("%s/victim", box);
	cr_assert_eq(mkdir(tmp, 0700), 0);
	lrt_write(lrt_fmt("%s/mine", tmp), "x");
	cr_assert_eq(mkdir(victim, 0700), 0);
	cr_assert_eq(mkdir(lrt_fmt("%s/sub", victim), 0700), 0);
	lrt_write(lrt_fmt("%s/precious", victim), "x");
	lrt_write(lrt_fmt("%s/sub/precious", victim), "x");
	if (geteuid() == 0) {
		const char *owned[] = { victim, lrt_fmt("%s/sub", victim), lrt_fmt("%s/precious", victim),
					lrt_fmt("%s/sub/precious", victim) };
		for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
			cr_assert_eq(lchown(owned[i], 65534, 65534), 0);
	}
	struct lr_sandbox *sb = compile(lrt_fmt("rw = %s\n", box));
	char *const argv[] = { "/bin/sh", "-c", lrt_fmt("mv %1$s %1$s.aside && mv %2$s %1$s", tmp, victim), NULL };
	struct lr_supervise_opts o = { .private_tmp = hold(tmp) };
	struct sv_shared *sh = run(sb, argv, &o);
	cr_expect_eq(sh->status, 0, "%s", sh->msg);
	cr_expect_eq(access(lrt_fmt("%s/precious", tmp), F_OK), 0, "the other directory was emptied");
	cr_expect_eq(access(lrt_fmt("%s/sub/precious", tmp), F_OK), 0, "the other directory was emptied");
	cr_expect_eq(access(lrt_fmt("%s.aside/mine", tmp), F_OK), -1, "the private tmp was not emptied");
	cr_expect(sh->err_set && lrt_contains(sh->msg, "moved it away and put another directory in its place"),
		  "%s", sh->msg);
	lr_sandbox_free(sb);
}

/* ---- the sandbox and failures ------------------------------------------------------------- */

Test(supervise, sandbox_is_applied_in_the_child_only)
{
	struct lr_sandbox *sb = compile("");
	struct sv_run r = start(sb, PROBE("read", secret), NULL, NULL);
	char line[128];
	read_line(r.out, line, sizeof(line));
	struct sv_shared *sh = finish(&r, r.supervisor);
	cr_expect_eq(sh->status, 1);
	cr_expect(lrt_contains(line, "denied EACCES"), "%s", line);
	cr_expect(sh->secret_readable, "the supervisor was sandboxed too");
	lr_sandbox_free(sb);
}

Test(supervise, failing_sandbox_step_is_125_and_the_command_does_not_run)
{
	/* a directory of its own: landlock refuses a grant that could rewrite the policy in T */
	char *work = lrt_fmt("%s/work", T);
	mkdir(work, 0755);
	char *marker = lrt_fmt("%s/ran", work);
	struct lr_sandbox *sb = compile(lrt_fmt("rw = %s\n", work));
	/* a soft limit above the hard one: setrlimit fails with EINVAL, root or not */
	sb->rlimit_set[LR_RLIMIT_NOFILE] = true;
	sb->rlimits[LR_RLIMIT_NOFILE] = (struct rlimit){ .rlim_cur = 64, .rlim_max = 32 };
	char *tmp = lrt_fmt("%s/private", T);
	mkdir(tmp, 0700);
	struct lr_supervise_opts o = { .private_tmp = hold(tmp) };
	struct sv_shared *sh = run(sb, PROBE("write", marker), &o);
	cr_expect_eq(sh->status, 125);
	cr_expect(sh->err_set);
	cr_expect(lrt_contains(sh->msg, "setrlimit failed: Invalid argument; the command was not run"), "%s", sh->msg);
	cr_expect_eq(access(marker, F_OK), -1, "the command ran");
	cr_expect_eq(access(tmp, F_OK), -1, "the private tmp was left behind");
	lr_sandbox_free(sb);
}

Test(supervise, missing_or_unexecutable_command_is_127_or_126)
{
	struct lr_sandbox *sb = compile("");
	char *const missing[] = { "/nonexistent/landrun-cmd", NULL };
	struct sv_shared *sh = run(sb, missing, NULL);
	cr_expect_eq(sh->status, 127);
	cr_expect(sh->err_set);
	cr_expect(lrt_contains(sh->msg, "/nonexistent/landrun-cmd: cannot execute: No such file or directory"), "%s",
		  sh->msg);
	char *const not_exec[] = { secret, NULL };
	sh = run(sb, not_exec, NULL);
	cr_expect_eq(sh->status, 126);
	cr_expect(sh->err_set);
	cr_expect(lrt_contains(sh->msg, secret), "%s", sh->msg);
	lr_sandbox_free(sb);
}

Test(supervise, supervisor_keeps_no_stray_fds)
{
	struct lr_sandbox *sb = compile("");
	int stray = open("/dev/null", O_RDONLY); /* inherited by the supervisor process, not CLOEXEC */
	cr_assert(stray > 2);
	char *const argv[] = { helper("sv_sleep"), "30", NULL };
	struct sv_run r = start(sb, argv, NULL, NULL);
	char line[64];
	read_line(r.out, line, sizeof(line));
	char *fdpath = lrt_fmt("/proc/%d/fd/%d", (int)r.supervisor, stray);
	struct stat st;
	bool open_still;
	while ((open_still = lstat(fdpath, &st) == 0) && proc_state(r.supervisor) != 'Z')
		usleep(10000); /* closed once the command runs: no deadline of its own */
	cr_expect(!open_still, "fd %d is still open in the supervisor", stray);
	kill(r.supervisor, SIGTERM);
	finish(&r, r.supervisor);
	close(stray);
	lr_sandbox_free(sb);
}

/* liblandrun with metadata = granted: one helper per compiled sandbox answers the metadata calls
 * of every child of landrun_spawn (and of landrun_apply). Each attack asserts the file unchanged
 * beside a granted twin that works; the file outside every grant is the test user's own (root's
 * or nobody's), as a user's files anywhere are what the helper keeps the children from. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "landrun.h"

static char *T, *work, *outside, *secret, *mine, *other;
static void setup(void)
{
	T = lrt_mkdtemp("/var/tmp");
	work = lrt_fmt("%s/work", T);
	outside = lrt_fmt("%s/outside", T);
	secret = lrt_fmt("%s/secret", outside);
	mine = lrt_fmt("%s/mine", work);
	other = lrt_fmt("%s/other", work);
	cr_assert(mkdir(work, 0755) == 0 && mkdir(outside, 0755) == 0);
	lrt_write(secret, "hash\n");
	lrt_write(mine, "mine\n");
	lrt_write(other, "other\n");
	chmod(secret, 0600);
	chmod(mine, 0600);
	chmod(other, 0600);
}
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(libmetadata, .init = setup, .fini = teardown);

/* base.ini, the helpers, rw = work, ro = outside; metadata as base.ini says (granted). */
static landrun_sandbox *compile(void)
{
	landrun_error err = { 0 };
	landrun_policy *p = landrun_policy_new();
	char *pol = lrt_policy(T, "meta", lrt_fmt("rw = %s\nro = %s\n", work, outside));
	cr_assert_eq(landrun_policy_load(p, pol, &err), 0, "%s", err.msg);
	char *const envp[] = { "PATH=/usr/bin", "LANG=C", NULL };
	landrun_options o = { .envp = envp };
	landrun_sandbox *sb = landrun_compile(p, &o, &err);
	cr_assert(sb, "%s", err.msg);
	free(pol);
	return sb; /* the policy must outlive the sandbox only for landrun_describe: leaked */
}

/* A spawned child; stdout into *out_fd when not NULL, stdin from *in_fd when not NULL. */
static pid_t spawn(landrun_sandbox *sb, const char *const args[], int *out_fd, int *in_fd)
{
	int o[2] = { -1, -1 }, i[2] = { -1, -1 };
	cr_assert(pipe2(o, O_CLOEXEC) == 0 && pipe2(i, O_CLOEXEC) == 0);
	landrun_file_actions *fa = landrun_file_actions_new();
	landrun_file_actions_adddup2(fa, o[1], 1);
	landrun_file_actions_adddup2(fa, i[0], 0);
	char *argv[8] = { "probe" };
	for (int n = 0; args[n] && n < 6; n++)
		argv[n + 1] = (char *)args[n];
	landrun_error err = { 0 };
	pid_t pid = landrun_spawn(sb, lrt_probe(), argv, fa, &err);
	landrun_file_actions_free(fa);
	close(o[1]);
	close(i[0]);
	cr_assert(pid > 0, "%s", err.msg);
	if (out_fd)
		*out_fd = o[0];
	else
		close(o[0]);
	if (in_fd)
		*in_fd = i[1];
	else
		close(i[1]);
	return pid;
}

/* Runs the probe to its end: its exit status, its output in out. */
static int run(landrun_sandbox *sb, const char *const args[], char *out, size_t size)
{
	int fd;
	pid_t pid = spawn(sb, args, &fd, NULL);
	size_t got = 0;
	ssize_t n;
	while (got + 1 < size && (n = read(fd, out + got, size - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(fd);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#define EXPECT_RUN(sb, want_status, want_out, ...)                                                          \
	do {                                                                                                \
		char out_[512];                                                                             \
		int st_ = run(sb, LRT_ARGS(__VA_ARGS__), out_, sizeof(out_));                              \
		cr_expect_eq(st_, want_status, "%s: status %d: %s", #__VA_ARGS__, st_, out_);               \
		cr_expect(lrt_contains(out_, want_out), "%s: want \"%s\": %s", #__VA_ARGS__, want_out, out_); \
	} while (0)

Test(libmetadata, chmod_utimes_xattr_in_the_grant_are_performed_and_outside_refused)
{
	landrun_sandbox *sb = compile();
	struct stat before, after;
	cr_assert(stat(secret, &before) == 0);
	EXPECT_RUN(sb, 1, "denied EPERM", "chmod", secret, "644");
	EXPECT_RUN(sb, 1, "denied EPERM", "fchmod-ro", secret, "644"); /* opened read-only under ro */
	EXPECT_RUN(sb, 1, "denied EPERM", "utime-set", secret);
	cr_expect_eq(lrt_mode_of(secret), 0600, "the file outside every grant changed mode");
	cr_assert(stat(secret, &after) == 0);
	cr_expect_eq(after.st_mtim.tv_sec, before.st_mtim.tv_sec, "the file outside every grant got a new mtime");
	EXPECT_RUN(sb, 0, "ok", "chmod", mine, "640");
	cr_expect_eq(lrt_mode_of(mine), 0640, "chmod in the write grant was not performed");
	EXPECT_RUN(sb, 0, "ok", "fchmod-ro", mine, "604");
	cr_expect_eq(lrt_mode_of(mine), 0604);
	EXPECT_RUN(sb, 0, "ok", "utime-set", mine);
	cr_assert(stat(mine, &after) == 0);
	cr_expect_eq(after.st_mtim.tv_sec, 978307200, "utimensat in the write grant was not performed");
	char v[8];
	if (setxattr(other, "user.setup", "1", 1, 0) == 0) {
		EXPECT_RUN(sb, 1, "denied EPERM", "setxattr", secret);
		cr_expect(getxattr(secret, "user.landrun", v, sizeof(v)) < 0 && errno == ENODATA, "the xattr was set outside");
		EXPECT_RUN(sb, 0, "ok", "setxattr", mine);
		cr_expect_eq(getxattr(mine, "user.landrun", v, sizeof(v)), 1, "setxattr in the write grant was not performed");
	}
	/* a link outside the grants leading to /proc/self/fd/0 (a pipe): refused, and the helper
	 * is still there for the next child (it was killed by its own allow list before) */
	EXPECT_RUN(sb, 1, "denied EPERM", "chmod", "/dev/stdin", "600");
	EXPECT_RUN(sb, 0, "ok", "chmod", mine, "600");
	cr_expect_eq(lrt_mode_of(mine), 0600);
	landrun_sandbox_free(sb);
}

/* The fds of this process below 64 whose /proc link starts with prefix, as a bit set. */
static unsigned long long fds_linked_to(const char *prefix)
{
	unsigned long long set = 0;
	for (int fd = 0; fd < 64; fd++) {
		char link[64];
		ssize_t n = readlink(lrt_fmt("/proc/self/fd/%d", fd), link, sizeof(link) - 1);
		if (n > 0 && (link[n] = '\0', strncmp(link, prefix, strlen(prefix)) == 0))
			set |= 1ULL << fd;
	}
	return set;
}

/* A caller's dup2 onto a low fd (3 is common) may land on the helper's socket, opened at compile:
 * the child moves it out of the way, and its calls are still served. */
Test(libmetadata, a_file_action_on_the_helpers_socket_does_not_take_it)
{
	unsigned long long before = fds_linked_to("socket:");
	landrun_sandbox *sb = compile();
	unsigned long long added = fds_linked_to("socket:") & ~before;
	cr_assert(added && !(added & (added - 1)), "the compile did not add one socket (%#llx)", added);
	int sock = __builtin_ctzll(added);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cr_assert(null >= 0);
	landrun_file_actions *fa = landrun_file_actions_new();
	landrun_file_actions_adddup2(fa, null, sock);
	char *argv[] = { "probe", "chmod", mine, "640", NULL };
	landrun_error err = { 0 };
	pid_t pid = landrun_spawn(sb, lrt_probe(), argv, fa, &err);
	cr_assert(pid > 0, "%s", err.msg);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", (unsigned)st);
	cr_expect_eq(lrt_mode_of(mine), 0640, "the chmod in the grant was not performed");
	landrun_file_actions_free(fa);
	close(null);
	landrun_sandbox_free(sb);
}

/* The probe's status and output for args under sb, with a dup2 of /dev/null onto fd. */
static int spawn_dup2_onto(landrun_sandbox *sb, int fd, const char *const args[], char *out, size_t size)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC), o[2];
	cr_assert(null >= 0 && pipe2(o, O_CLOEXEC) == 0);
	landrun_file_actions *fa = landrun_file_actions_new();
	landrun_file_actions_adddup2(fa, null, fd);
	landrun_file_actions_adddup2(fa, o[1], 1);
	char *argv[8] = { "probe" };
	for (size_t i = 0; args[i] && i < 6; i++)
		argv[i + 1] = (char *)args[i];
	landrun_error err = { 0 };
	pid_t pid = landrun_spawn(sb, lrt_probe(), argv, fa, &err);
	cr_assert(pid > 0, "spawn with a dup2 onto fd %d: %s", fd, err.msg);
	close(o[1]);
	ssize_t n = read(o[0], out, size - 1);
	out[n > 0 ? n : 0] = '\0';
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	landrun_file_actions_free(fa);
	close(o[0]);
	close(null);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The same for the Landlock ruleset, also opened at compile: a dup2 onto its number took it, and
 * the spawn failed (landlock_restrict_self: EBADFD). The child moves it out of the way: the
 * sandbox holds (nothing read outside the grants) and the chmod in the grant is served. */
Test(libmetadata, a_file_action_on_the_ruleset_fd_does_not_take_it)
{
	landrun_sandbox *sb = compile();
	unsigned long long rulesets = fds_linked_to("anon_inode:[landlock-ruleset]");
	if (!rulesets)
		cr_skip_test("no Landlock ruleset fd (a kernel without Landlock)");
	int rs = __builtin_ctzll(rulesets);
	char *unlisted = lrt_fmt("%s/unlisted", T), out[256];
	lrt_write(unlisted, "not granted\n");
	int status = spawn_dup2_onto(sb, rs, LRT_ARGS("read", unlisted), out, sizeof(out));
	cr_expect(status == 1 && lrt_contains(out, "denied EACCES"), "a read outside the grants: status %d: %s", status, out);
	status = spawn_dup2_onto(sb, rs, LRT_ARGS("chmod", mine, "640"), out, sizeof(out));
	cr_expect(status == 0 && lrt_contains(out, "ok"), "the chmod in the grant: status %d: %s", status, out);
	cr_expect_eq(lrt_mode_of(mine), 0640, "the chmod in the grant was not performed");
	landrun_sandbox_free(sb);
}

struct stress {
	landrun_sandbox *sb;
	int first, count;
	atomic_int *done; /* children that did what they must */
	int failures;
	char why[256];
};

/* Every child chmods its file in the grant (must work); every tenth also chmods the file outside
 * every grant (must fail with EPERM). */
static void *stress_thread(void *arg)
{
	struct stress *s = arg;
	char file[64];
	for (int i = s->first; i < s->first + s->count; i++) {
		snprintf(file, sizeof(file), "%s/f%d", work, i % 64);
		char *argv_in[] = { "probe", "chmod", file, "640", NULL };
		char *argv_pair[] = { "probe", "chmod-pair", file, secret, NULL };
		landrun_file_actions *fa = landrun_file_actions_new();
		landrun_file_actions_addopen(fa, 1, "/dev/null", O_WRONLY, 0);
		landrun_error err = { 0 };
		pid_t pid = landrun_spawn(s->sb, lrt_probe(), i % 10 == 0 ? argv_pair : argv_in, fa, &err);
		landrun_file_actions_free(fa);
		int st = 0;
		if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			atomic_fetch_add(s->done, 1);
		} else if (!s->failures++) {
			snprintf(s->why, sizeof(s->why), "child %d: pid %d, status %#x: %.160s", i, pid, (unsigned)st, err.msg);
		}
	}
	return NULL;
}

/* The figure: 32 threads spawn 10,000 children in all, all served by the one helper. */
Test(libmetadata, thirty_two_threads_ten_thousand_children_each_served, .timeout = 600)
{
	enum { THREADS = 32, TOTAL = 10000 };
	for (int i = 0; i < 64; i++) {
		char *f = lrt_fmt("%s/f%d", work, i);
		lrt_write(f, "x");
		chmod(f, 0600);
		free(f);
	}
	landrun_sandbox *sb = compile();
	pthread_t th[THREADS];
	struct stress s[THREADS];
	atomic_int done = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0, first = 0; i < THREADS; i++) {
		int count = TOTAL / THREADS + (i < TOTAL % THREADS);
		s[i] = (struct stress){ .sb = sb, .first = first, .count = count, .done = &done };
		first += count;
		cr_assert_eq(pthread_create(&th[i], NULL, stress_thread, &s[i]), 0);
	}
	int failures = 0;
	const char *why = "";
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		failures += s[i].failures;
		if (s[i].failures && !why[0])
			why = s[i].why;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_expect_eq(failures, 0, "%d of %d children failed; the first: %s", failures, TOTAL, why);
	cr_expect_eq(atomic_load(&done), TOTAL);
	cr_expect_eq(lrt_mode_of(secret), 0600, "the file outside every grant changed mode");
	for (int i = 0; i < 64; i++)
		cr_expect_eq(lrt_mode_of(lrt_fmt("%s/f%d", work, i)), 0640, "f%d: the chmod in the grant was not performed", i);
	cr_expect_eq(waitpid(-1, NULL, WNOHANG), -1, "a zombie or stray child is left (the helper?)");
	fprintf(stderr, "library metadata stress: %d children from %d threads in %.1f s\n", TOTAL, THREADS,
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	landrun_sandbox_free(sb);
}

/* Waits for the probe's "ready" line on fd. */
static void wait_ready(int fd)
{
	char buf[128] = "";
	size_t got = 0;
	ssize_t n;
	while (!strstr(buf, "ready\n") && got + 1 < sizeof(buf) && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		buf[got += (size_t)n] = '\0';
	cr_assert(strstr(buf, "ready\n"), "the first chmod did not go through: %s", buf);
}

static int finish(pid_t pid, int out, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;
	while (got + 1 < size && (n = read(out, buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(out);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Killed, the helper takes nothing with it: the running child's notified calls fail (ENOSYS),
 * none is performed, and a later spawn fails instead of running unserved. */
Test(libmetadata, the_helper_killed_every_call_fails_and_nothing_is_performed)
{
	cr_assert(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
	landrun_sandbox *sb = compile();
	int out, in;
	pid_t pid = spawn(sb, LRT_ARGS("chmod-wait", mine, other), &out, &in);
	wait_ready(out);
	cr_expect_eq(lrt_mode_of(mine), 0644, "the first chmod, served, was not performed");
	pid_t helper = lrt_find_helper();
	cr_assert_gt(helper, 0, "no helper among our children");
	cr_assert(kill(helper, SIGKILL) == 0);
	cr_assert_eq(waitpid(helper, NULL, 0), helper);
	close(in); /* the child goes on to its second chmod */
	char buf[256];
	cr_expect_eq(finish(pid, out, buf, sizeof(buf)), 1, "%s", buf);
	cr_expect(lrt_contains(buf, "denied ENOSYS"), "%s", buf);
	cr_expect_eq(lrt_mode_of(other), 0600, "a call was performed with the helper dead");
	char *argv[] = { "probe", "chmod", other, "640", NULL };
	landrun_error err = { 0 };
	cr_expect_eq(landrun_spawn(sb, lrt_probe(), argv, NULL, &err), -1, "a child was run without its helper");
	cr_expect(lrt_contains(err.msg, "metadata helper"), "%s", err.msg);
	cr_expect_eq(lrt_mode_of(other), 0600);
	landrun_sandbox_free(sb);
}

/* landrun_sandbox_free while a child runs: the child is still served; the helper leaves when it
 * is gone (and only then). */
Test(libmetadata, a_child_outliving_the_freed_sandbox_is_still_served)
{
	cr_assert(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
	landrun_sandbox *sb = compile();
	pid_t helper = lrt_find_helper();
	cr_assert_gt(helper, 0, "no helper among our children");
	int out, in;
	pid_t pid = spawn(sb, LRT_ARGS("chmod-wait", mine, other), &out, &in);
	wait_ready(out);
	landrun_sandbox_free(sb);
	close(in);
	char buf[256];
	cr_expect_eq(finish(pid, out, buf, sizeof(buf)), 0, "%s", buf);
	cr_expect_eq(lrt_mode_of(other), 0644, "the chmod after the free was not performed");
	/* and now it is gone: freed, no child left */
	cr_expect_eq(waitpid(helper, NULL, 0), helper, "the helper did not exit");
}

/* "CapEff:\t0000000000000000" and the like, from a status file. */
static char *status_line(const char *status, const char *key)
{
	const char *l = strstr(status, key);
	return lrt_fmt("%.*s", l ? (int)strcspn(l, "\n") : 0, l ? l : "");
}

static char *read_status(pid_t pid)
{
	static char buf[4096];
	FILE *f = fopen(lrt_fmt("/proc/%d/status", pid), "r");
	cr_assert(f, "/proc/%d/status: %s", pid, strerror(errno));
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The helper acts for the children: the caller's uid and gids, and no capability, whoever the
 * caller is (root's would let a child's chmod reach what root may change). */
Test(libmetadata, the_helper_has_no_capability)
{
	cr_assert(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
	landrun_sandbox *sb = compile();
	pid_t helper = lrt_find_helper();
	cr_assert_gt(helper, 0, "no helper among our children");
	char *status = lrt_fmt("%s", read_status(helper));
	/* the bounding set too where it can be dropped (CAP_SETPCAP: root); it only bounds what an
	 * exec could gain, and the helper executes nothing */
	static const char *const zero[] = { "CapInh:", "CapPrm:", "CapEff:", "CapAmb:", "CapBnd:" };
	for (size_t i = 0; i < LRT_LEN(zero) - !lrt_is_root(); i++)
		cr_expect_str_eq(status_line(status, zero[i]), lrt_fmt("%s\t0000000000000000", zero[i]), "%s", status);
	cr_expect_str_eq(status_line(status, "NoNewPrivs:"), "NoNewPrivs:\t1");
	char *mine_status = read_status(getpid());
	cr_expect_str_eq(status_line(status, "Uid:"), status_line(mine_status, "Uid:"));
	cr_expect_str_eq(status_line(status, "Gid:"), status_line(mine_status, "Gid:"));
	cr_expect_str_eq(status_line(status, "Groups:"), status_line(mine_status, "Groups:"));
	/* the twin: as root, this process has what the helper dropped */
	if (lrt_is_root())
		cr_expect_str_neq(status_line(mine_status, "CapEff:"), "CapEff:\t0000000000000000");
	landrun_sandbox_free(sb);
}

static atomic_int sigchld_seen;
static void on_sigchld(int sig)
{
	(void)sig;
	atomic_fetch_add(&sigchld_seen, 1);
}

/* The caller (a child of this test, which is the subreaper the helper goes to): compiles, says
 * so and waits (the test finds the helper), spawns one child, frees the sandbox, says so and
 * waits for this test to have seen the helper exit; then only its own child ever sent it
 * SIGCHLD, and wait(-1) finds nothing else. Exit 0, or what went wrong. */
static int caller_main(int report, int go)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); /* not left waiting when the test fails */
	struct sigaction sa = { .sa_handler = on_sigchld };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	landrun_sandbox *sb = compile();
	char c = 'c';
	if (write(report, &c, 1) != 1 || read(go, &c, 1) != 1)
		return 4;
	char *argv[] = { "probe", "chmod", mine, "640", NULL };
	landrun_error err = { 0 };
	pid_t pid = landrun_spawn(sb, lrt_probe(), argv, NULL, &err);
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 2;
	if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD)
		return 3; /* something else to reap: the helper or its intermediate */
	landrun_sandbox_free(sb);
	c = 'f';
	if (write(report, &c, 1) != 1 || read(go, &c, 1) != 1)
		return 4;
	if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD)
		return 5;
	return atomic_load(&sigchld_seen) == 1 ? 0 : 6;
}

Test(libmetadata, the_callers_wait_and_sigchld_see_only_its_children)
{
	cr_assert(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
	int report[2], go[2];
	cr_assert(pipe(report) == 0 && pipe(go) == 0);
	pid_t caller = fork();
	cr_assert(caller >= 0);
	if (caller == 0)
		_exit(caller_main(report[1], go[0]));
	close(report[1]); /* a caller that fails early is an end of file here, not a wait forever */
	close(go[0]);
	char c;
	cr_assert_eq(read(report[0], &c, 1), 1, "the caller did not get as far as the compile");
	pid_t helper = lrt_find_helper();
	cr_assert_gt(helper, 0, "the helper was not re-parented to the subreaper");
	cr_assert_eq(write(go[1], "g", 1), 1);
	cr_assert_eq(read(report[0], &c, 1), 1, "the caller did not get as far as the free");
	cr_expect_eq(waitpid(helper, NULL, 0), helper, "the helper did not exit after the free");
	cr_assert_eq(write(go[1], "g", 1), 1);
	int st;
	cr_assert_eq(waitpid(caller, &st, 0), caller);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "the caller saw more than its child (exit %d: 3/5 something to reap, 6 SIGCHLD count)", WEXITSTATUS(st));
	cr_expect_eq(lrt_mode_of(mine), 0640);
}

/* landrun_apply in a forked child: its own metadata calls go to the sandbox's helper too. Exit 0
 * when the chmod in the grant works and the one outside fails with EPERM (landrun_apply closes
 * every fd above 2: the status says it all). */
Test(libmetadata, landrun_apply_is_served_by_the_same_helper)
{
	landrun_sandbox *sb = compile();
	pid_t pid = fork();
	if (pid == 0) {
		const char *step = NULL;
		if (landrun_apply(sb, &step) != 0)
			_exit(2);
		if (chmod(mine, 0640) != 0)
			_exit(3);
		_exit(chmod(secret, 0644) < 0 && errno == EPERM ? 0 : 4);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit %d (2 apply failed, 3 the grant's chmod failed, 4 the "
		  "outside chmod was not refused)", WEXITSTATUS(st));
	cr_expect_eq(lrt_mode_of(secret), 0600, "the file outside every grant changed mode");
	cr_expect_eq(lrt_mode_of(mine), 0640);
	landrun_sandbox_free(sb);
}

/* landrun_apply closes every fd above 2 of its caller, the sandbox's among them: the files the
 * caller opens afterwards may take their numbers, and landrun_sandbox_free must not close them.
 * The granted twin: the chmod in the grant is served after the apply. Exit 0 when every file of
 * the caller's survives the free. */
Test(libmetadata, landrun_sandbox_free_after_landrun_apply_leaves_the_callers_fds_alone)
{
	landrun_sandbox *sb = compile();
	pid_t pid = fork();
	if (pid == 0) {
		const char *step = NULL;
		if (landrun_apply(sb, &step) != 0)
			_exit(2);
		if (chmod(mine, 0640) != 0)
			_exit(3);
		enum { N = 32 };
		int fds[N];
		for (int i = 0; i < N; i++)
			if ((fds[i] = open(other, O_RDONLY)) < 0)
				_exit(4);
		landrun_sandbox_free(sb);
		for (int i = 0; i < N; i++)
			if (fcntl(fds[i], F_GETFD) < 0)
				_exit(5);
		_exit(0);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit %d (2 apply failed, 3 the grant's chmod failed, 4 "
		  "open failed, 5 landrun_sandbox_free closed a file of the caller's)", WEXITSTATUS(st));
	cr_expect_eq(lrt_mode_of(mine), 0640);
	landrun_sandbox_free(sb);
}

/* The helper's socket closed by the caller (it is not the caller's to know) and its number taken by
 * a unix socket to another process: a spawn must not send the child's seccomp listener there (the
 * peer could answer every call with "continue": a chmod outside every grant). The spawn fails and
 * nothing reaches the peer; a sandbox compiled again serves its child (the granted twin). */
Test(libmetadata, a_spawn_after_the_helpers_socket_was_replaced_sends_nothing)
{
	unsigned long long before = fds_linked_to("socket:");
	landrun_sandbox *sb = compile();
	unsigned long long added = fds_linked_to("socket:") & ~before;
	cr_assert(added && !(added & (added - 1)), "the compile did not add one socket (%#llx)", added);
	int sock = __builtin_ctzll(added);
	int sv[2];
	cr_assert(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
	cr_assert_eq(dup3(sv[0], sock, O_CLOEXEC), sock); /* closes the helper's socket, takes its number */
	close(sv[0]);
	char *argv[] = { "probe", "chmod", secret, "666", NULL };
	landrun_error err = { 0 };
	pid_t pid = landrun_spawn(sb, lrt_probe(), argv, NULL, &err);
	char byte;
	cr_expect(recv(sv[1], &byte, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN, "the child's listener reached the peer");
	if (pid > 0) { /* its chmod waits on a listener nobody answers: not for this test to wait */
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	cr_expect_lt(pid, 0, "the spawn went on with another socket in the helper's place");
	pid_t applier = fork(); /* a child: were it applied, the sandbox would be this process's */
	if (applier == 0) {
		const char *step = "";
		_exit(landrun_apply(sb, &step) != 0 && errno == EBADF ? 0 : 1);
	}
	int st;
	cr_assert_eq(waitpid(applier, &st, 0), applier);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "landrun_apply went on with another socket in the helper's place");
	cr_expect(recv(sv[1], &byte, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN, "the caller's listener reached the peer");
	cr_expect_eq(lrt_mode_of(secret), 0600, "the file outside every grant changed mode");
	close(sv[1]);
	landrun_sandbox_free(sb); /* the peer's socket is left alone: its number is the caller's now */
	cr_expect(fcntl(sock, F_GETFD) >= 0, "landrun_sandbox_free closed the caller's socket");
	close(sock);
	sb = compile();
	EXPECT_RUN(sb, 0, "ok", "chmod", mine, "640");
	cr_expect_eq(lrt_mode_of(mine), 0640, "the chmod in the grant was not performed");
	landrun_sandbox_free(sb);
}

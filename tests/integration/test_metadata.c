/* [filesystem] metadata: chmod, chown, utimes and xattr changes. Landlock does not check them;
 * with metadata = granted (the default) a helper outside the sandbox performs them only beneath
 * the rw and rwx directories. Each attack asserts the file's mode, times or xattrs unchanged,
 * beside a granted twin that works. The file outside every grant stands in for /etc/shadow: run
 * as root it is root's, and root without capabilities could chmod it before. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common.h"

static char *T, *work, *outside, *secret, *mine;
static void setup(void)
{
	T = lrt_mkdtemp("/var/tmp");
	work = lrt_fmt("%s/work", T);
	outside = lrt_fmt("%s/outside", T);
	secret = lrt_fmt("%s/secret", outside);
	mine = lrt_fmt("%s/mine", work);
	cr_assert(mkdir(work, 0755) == 0 && mkdir(outside, 0755) == 0 && mkdir(lrt_fmt("%s/pol", T), 0755) == 0);
	lrt_write(secret, "hash\n");
	lrt_write(mine, "mine\n");
	chmod(secret, 0600);
	chmod(mine, 0600);
}
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(metadata, .init = setup, .fini = teardown);

/* The probe under the staged default policy (metadata = granted by default), from work. */
static struct lrt_result *under_default(const char *const probe_args[])
{
	const char *args[16] = { "--rox", lrt_helpers_dir(), "-p", lrt_fmt("%s/default.ini", lrt_policies()), "--",
				 lrt_probe() };
	size_t n = 6;
	for (size_t i = 0; probe_args[i] && n < LRT_LEN(args) - 1; i++)
		args[n++] = probe_args[i];
	args[n] = NULL;
	return lrt_run(work, args);
}

/* A policy: base.ini, the helpers, rw = ${CWD}, ro = outside, and metadata = mode. */
static char *policy(const char *mode)
{
	return lrt_policy(lrt_fmt("%s/pol", T), mode,
			  lrt_fmt("[filesystem]\nrw = ${CWD}\nro = %s\nmetadata = %s\n", outside, mode));
}

#define DENIED(r, errname, what)                                                                          \
	do {                                                                                              \
		cr_expect_eq((r)->status, 1, "%s: status %d: %s%s", what, (r)->status, (r)->out, (r)->err);  \
		cr_expect(lrt_contains((r)->out, "denied " errname), "%s: %s%s", what, (r)->out, (r)->err); \
		lrt_free(r);                                                                              \
	} while (0)

Test(metadata, chmod_outside_every_grant_is_refused_and_in_the_grant_performed)
{
	struct lrt_result *r = under_default(LRT_ARGS("chmod", secret, "644"));
	DENIED(r, "EPERM", "chmod outside every grant");
	cr_expect_eq(lrt_mode_of(secret), 0600, "the file outside every grant changed mode");
	r = under_default(LRT_ARGS("chmod", mine, "640"));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(mine), 0640, "chmod in the write grant was not performed");
	r = under_default(LRT_ARGS("chmod", "mine", "604")); /* relative: the command's cwd */
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(mine), 0604);
}

/* The command never holds the listener, which landrun sends to the helper and closes before the
 * exec (holding it, the command could answer its own calls and chmod whatever it owns). The twin:
 * the helper, which has it, answers. */
Test(metadata, the_command_holds_no_listener_and_the_helper_answers)
{
	struct lrt_result *r = under_default(LRT_ARGS("fds"));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	cr_expect_str_eq(r->out, "", "the command holds fds beyond stdio: %s", r->out);
	lrt_free(r);
	r = under_default(LRT_ARGS("chmod", mine, "640"));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(mine), 0640, "the helper did not answer");
}

Test(metadata, fchmod_of_a_file_opened_read_only_under_an_ro_grant_is_refused)
{
	char *pol = policy("granted");
	struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", secret));
	LRT_EXPECT(r, 0, "ok"); /* the ro grant opens it */
	r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "fchmod-ro", secret, "644"));
	DENIED(r, "EPERM", "fchmod of a file opened read-only under ro");
	cr_expect_eq(lrt_mode_of(secret), 0600);
	r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "fchmod-ro", mine, "640"));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(mine), 0640);
}

/* The helper walks up from the file's directory to a write directory, one ".." at a time: six
 * levels below the grant the file is the grant's, six levels below an ro directory it is not;
 * by path and by fd alike. */
Test(metadata, a_file_deep_outside_is_refused_and_deep_in_the_grant_performed)
{
	char *pol = policy("granted");
	const char *deep = "a/b/c/d/e";
	char *in = lrt_fmt("%s/%s/f", work, deep), *out = lrt_fmt("%s/%s/f", outside, deep);
	for (const char *p = deep;; p++) { /* a, a/b, ... a/b/c/d/e in both */
		if (*p && *p != '/')
			continue;
		int n = (int)(p - deep);
		cr_assert(mkdir(lrt_fmt("%s/%.*s", work, n, deep), 0755) == 0);
		cr_assert(mkdir(lrt_fmt("%s/%.*s", outside, n, deep), 0755) == 0);
		if (!*p)
			break;
	}
	lrt_write(in, "in\n");
	lrt_write(out, "out\n");
	chmod(in, 0600);
	chmod(out, 0600);
	struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "chmod", out, "644"));
	DENIED(r, "EPERM", "chmod six levels below an ro directory");
	r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "fchmod-ro", out, "644"));
	DENIED(r, "EPERM", "fchmod six levels below an ro directory");
	cr_expect_eq(lrt_mode_of(out), 0600);
	r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "chmod", in, "640"));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(in), 0640);
	r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "fchmod-ro", in, "604"));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(in), 0604);
}

/* An fd's file is judged by the directory its name leads to: a removed file has none, and is
 * refused even in the grant; the same file, still there, is changed. */
Test(metadata, fchmod_of_a_removed_file_is_refused)
{
	char *gone = lrt_fmt("%s/gone", work);
	lrt_write(gone, "x\n");
	struct lrt_result *r = under_default(LRT_ARGS("fchmod-unlinked", gone, "644"));
	DENIED(r, "EPERM", "fchmod of a removed file");
	r = under_default(LRT_ARGS("fchmod-ro", mine, "640"));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(mine), 0640);
}

Test(metadata, chmod_through_a_link_planted_in_the_write_grant_is_refused)
{
	char *link = lrt_fmt("%s/link", work), *into = lrt_fmt("%s/into", T);
	cr_assert(symlink(secret, link) == 0 && symlink(mine, into) == 0);
	struct lrt_result *r = under_default(LRT_ARGS("chmod", link, "644"));
	DENIED(r, "EPERM", "chmod through a link planted in the write grant");
	cr_expect_eq(lrt_mode_of(secret), 0600, "the link's target outside the grant changed mode");
	/* twin: a link outside the write grants, leading into one, is followed */
	r = under_default(LRT_ARGS("chmod", into, "640"));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(mine), 0640);
	/* the link itself, not followed, is the grant's */
	r = under_default(LRT_ARGS("lchown", link));
	LRT_EXPECT(r, 0, "ok");
}

/* /proc/self is the command's, not the helper's: the object its fd names is judged */
Test(metadata, chmod_of_proc_self_fd_judges_the_commands_fd)
{
	char *pol = policy("granted");
	struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "chmod-opath", secret, "644"));
	DENIED(r, "EPERM", "chmod /proc/self/fd/N of a file outside every grant");
	cr_expect_eq(lrt_mode_of(secret), 0600);
	r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "chmod-opath", mine, "640"));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(mine), 0640);
}

Test(metadata, utimensat_outside_every_grant_is_refused)
{
	struct stat before, after;
	cr_assert(stat(secret, &before) == 0);
	struct lrt_result *r = under_default(LRT_ARGS("utime-set", secret));
	DENIED(r, "EPERM", "utimensat outside every grant");
	cr_assert(stat(secret, &after) == 0);
	cr_expect_eq(after.st_mtim.tv_sec, before.st_mtim.tv_sec, "the file outside every grant got a new mtime");
	cr_expect_eq(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
	r = under_default(LRT_ARGS("utime-set", mine));
	LRT_EXPECT(r, 0, "ok");
	cr_assert(stat(mine, &after) == 0);
	cr_expect_eq(after.st_mtim.tv_sec, 978307200, "utimensat in the write grant was not performed");
}

Test(metadata, setxattr_outside_every_grant_is_refused)
{
	if (setxattr(mine, "user.setup", "1", 1, 0) != 0)
		cr_skip_test("%s has no user extended attributes: %s", T, strerror(errno));
	char v[8];
	struct lrt_result *r = under_default(LRT_ARGS("setxattr", secret));
	DENIED(r, "EPERM", "setxattr outside every grant");
	cr_expect(getxattr(secret, "user.landrun", v, sizeof(v)) < 0 && errno == ENODATA, "the xattr was set outside");
	char *pol = policy("granted");
	r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "fsetxattr-ro", secret));
	DENIED(r, "EPERM", "fsetxattr on a file opened read-only under ro");
	cr_expect(getxattr(secret, "user.landrun", v, sizeof(v)) < 0 && errno == ENODATA);
	r = under_default(LRT_ARGS("setxattr", mine));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(getxattr(mine, "user.landrun", v, sizeof(v)), 1, "setxattr in the write grant was not performed");
}

/* /dev/stdin leads to /proc/self/fd/0 (a pipe here): the helper judges the command's fd, not its
 * own, and lives on (a lookup of its own /proc/self killed it: every later call failed ENOSYS). */
Test(metadata, chmod_of_dev_stdin_is_refused_and_the_helper_lives_on)
{
	struct lrt_result *r = under_default(LRT_ARGS("chmod", "/dev/stdin", "600"));
	DENIED(r, "EPERM", "chmod /dev/stdin (a pipe, outside every grant)");
	r = lrt_run(work, LRT_ARGS("--rox", lrt_helpers_dir(), "-p", lrt_fmt("%s/default.ini", lrt_policies()), "--",
				  "/bin/sh", "-c", lrt_fmt("%s chmod /dev/stdin 600; %s chmod %s 640", lrt_probe(), lrt_probe(), mine)));
	cr_expect(lrt_contains(r->out, "denied EPERM\nok\n"), "%s%s", r->out, r->err);
	lrt_free(r);
	cr_expect_eq(lrt_mode_of(mine), 0640, "the chmod after /dev/stdin's was not performed");
}

/* A second thread rewrites the path between the grant's file and the secret while the first
 * calls chmod: the helper reads the path once, and performs the call on what it judged. */
Test(metadata, a_thread_rewriting_the_path_never_changes_the_file_outside)
{
	for (int round = 0; round < 3; round++) {
		chmod(mine, 0600);
		struct lrt_result *r = under_default(LRT_ARGS("chmod-race", mine, secret, "2000"));
		cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
		int ok = -1, denied = -1;
		cr_expect(sscanf(r->out, "ok %d denied %d", &ok, &denied) == 2, "%s", r->out);
		cr_expect_gt(ok, 0, "no chmod of the granted path went through: the test proves nothing (%s)", r->out);
		lrt_free(r);
		cr_assert_eq(lrt_mode_of(secret), 0600, "round %d: the file outside every grant changed mode", round);
	}
}

Test(metadata, fifty_processes_chmod_in_parallel_in_the_cwd)
{
	struct lrt_result *r = under_default(LRT_ARGS("fork-chmod", "50"));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	cr_expect(lrt_contains(r->out, "failed 0"), "%s%s", r->out, r->err);
	lrt_free(r);
	for (int i = 0; i < 50; i++)
		cr_expect_eq(lrt_mode_of(lrt_fmt("%s/f%d", work, i)), 0640, "f%d", i);
}

Test(metadata, none_refuses_even_in_the_cwd_and_any_allows_outside)
{
	struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", policy("none"), "--", lrt_probe(), "chmod", mine, "640"));
	DENIED(r, "EPERM", "metadata = none, chmod in the cwd");
	cr_expect_eq(lrt_mode_of(mine), 0600);
	r = lrt_run(work, LRT_ARGS("-p", policy("none"), "--", lrt_probe(), "write", lrt_fmt("%s/new", work)));
	LRT_EXPECT(r, 0, "ok"); /* the file itself stays writable */
	/* any: today's residual, which Landlock alone leaves open */
	r = lrt_run(work, LRT_ARGS("-p", policy("any"), "--", lrt_probe(), "chmod", secret, "640"));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(secret), 0640, "metadata = any: the residual is documented as open");
}

/* fchmod(AT_FDCWD, ...) is EBADF for the kernel: the helper must not read it as the current
 * directory (a directory in a write grant, so no escape, but not the call made). */
Test(metadata, fchmod_of_at_fdcwd_is_ebadf_and_chmod_dot_performed)
{
	struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", policy("granted"), "--", lrt_probe(), "fchmod-fdcwd", "700"));
	DENIED(r, "EBADF", "fchmod(AT_FDCWD)");
	cr_expect_eq(lrt_mode_of(work), 0755, "fchmod(AT_FDCWD) changed the current directory");
	r = lrt_run(work, LRT_ARGS("-p", policy("granted"), "--", lrt_probe(), "chmod", ".", "750"));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(work), 0750, "chmod . in the write grant was not performed");
}

/* The inode flags (chattr), as FS_IOC_GETFLAGS reads them. */
static int inode_flags(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), flags = 0;
	cr_assert(fd >= 0, "%s: %s", path, strerror(errno));
	int rc = ioctl(fd, FS_IOC_GETFLAGS, &flags);
	int e = errno;
	close(fd);
	if (rc < 0)
		cr_skip_test("FS_IOC_GETFLAGS on %s: %s (a filesystem without inode flags)", path, strerror(e));
	return flags;
}

/* chattr +d (nodump) on the file outside every grant, opened read-only, its owner asking: the
 * flag ioctls, FS_IOC_FSSETXATTR and file_setattr(2) change an inode's attributes, which no
 * Landlock right covers. Refused with granted (the helper does not make them) and none; made
 * with metadata = any, the twin. */
Test(metadata, inode_flags_outside_every_grant_are_refused_and_set_with_any)
{
	static const char *const ops[] = { "setflags-ro", "fssetxattr-ro", "file-setattr" };
	cr_assert_eq(inode_flags(secret) & FS_NODUMP_FL, 0);
	for (size_t i = 0; i < LRT_LEN(ops); i++) {
		/* outside is ro: the file opens, read-only */
		struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", policy("granted"), "--", lrt_probe(), ops[i], secret));
		if (i == 2)
			DENIED(r, "ENOSYS", ops[i]);
		else
			DENIED(r, "EPERM", ops[i]);
		r = lrt_run(work, LRT_ARGS("-p", policy("none"), "--", lrt_probe(), ops[i], mine));
		DENIED(r, "EPERM", ops[i]);
		cr_expect_eq(inode_flags(secret) & FS_NODUMP_FL, 0, "%s: the flag was set outside every grant", ops[i]);
		cr_expect_eq(inode_flags(mine) & FS_NODUMP_FL, 0, "%s: the flag was set with metadata = none", ops[i]);
	}
	struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", policy("any"), "--", lrt_probe(), "setflags-ro", secret));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_neq(inode_flags(secret) & FS_NODUMP_FL, 0, "metadata = any: chattr +d was not made");
}

/* The inode's generation number, as FS_IOC_GETVERSION reads it; -1 where there is none. */
static long generation(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	cr_assert(fd >= 0, "%s: %s", path, strerror(errno));
	int gen = 0; /* the kernel writes an int */
	int rc = ioctl(fd, FS_IOC_GETVERSION, &gen);
	close(fd);
	return rc < 0 ? -1 : (long)(unsigned)gen;
}

/* ext4's own command for the generation number (EXT4_IOC_SETVERSION, 'f' 4; FS_IOC_SETVERSION is
 * 'v' 2), which the owner may make on a file opened read-only: refused like FS_IOC_SETVERSION
 * outside every grant (granted) and everywhere (none); made with metadata = any, the twin. */
Test(metadata, ext4_setversion_outside_every_grant_is_refused_and_made_with_any)
{
	long before = generation(secret);
	if (before < 0)
		cr_skip_test("no generation number here (not ext4)");
	int fd = open(mine, O_RDONLY | O_CLOEXEC);
	long g = generation(mine);
	bool supported = fd >= 0 && ioctl(fd, _IOW('f', 4, long), &g) == 0;
	if (fd >= 0)
		close(fd);
	if (!supported)
		cr_skip_test("EXT4_IOC_SETVERSION refused here (metadata_csum)");
	struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", policy("granted"), "--", lrt_probe(), "ext4-setversion-ro", secret));
	DENIED(r, "EPERM", "EXT4_IOC_SETVERSION outside every grant");
	cr_expect_eq(generation(secret), before, "the generation changed outside every grant");
	long mine_before = generation(mine);
	r = lrt_run(work, LRT_ARGS("-p", policy("none"), "--", lrt_probe(), "ext4-setversion-ro", mine));
	DENIED(r, "EPERM", "EXT4_IOC_SETVERSION with metadata = none");
	cr_expect_eq(generation(mine), mine_before, "the generation changed with metadata = none");
	r = lrt_run(work, LRT_ARGS("-p", policy("any"), "--", lrt_probe(), "ext4-setversion-ro", secret));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(generation(secret), (long)(unsigned)(before + 1), "metadata = any: the generation was not changed");
}

/* The helper's return from SCHED_BATCH to the usual policy is a matter of speed: where it fails
 * (the sandboxed command, of the same user, made its helper SCHED_IDLE, which an unprivileged
 * process may not leave; here an outer filter makes the call fail) the helper still serves the
 * command. It had exited: every chmod in the grant failed with ENOSYS. Outside every grant the
 * call is refused as usual. */
Test(metadata, helper_serves_when_its_scheduling_policy_cannot_be_restored)
{
	char *failsys = lrt_fmt("%s/failsys", lrt_helpers_dir());
	const char *const prefix[] = { failsys, lrt_fmt("%d", SYS_sched_setscheduler), "EPERM", "--", NULL };
	struct lrt_result *r = lrt_run_prefixed(work, NULL, prefix,
						LRT_ARGS("-p", policy("granted"), "--", lrt_probe(), "chmod", mine, "640"));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(mine), 0640, "chmod in the grant was not served");
	r = lrt_run_prefixed(work, NULL, prefix, LRT_ARGS("-p", policy("granted"), "--", lrt_probe(), "chmod", secret, "644"));
	DENIED(r, "EPERM", "chmod outside every grant");
	cr_expect_eq(lrt_mode_of(secret), 0600, "the file outside every grant changed mode");
	free(failsys);
}

Test(metadata, explain_says_what_is_confined_and_how)
{
	struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", policy("granted"), "--explain", "--", lrt_probe()));
	LRT_EXPECT(r, 0, "metadata         granted: chmod, chown, utimes and xattr changes only beneath the rw");
	r = lrt_run(work, LRT_ARGS("-p", policy("none"), "--explain", "--", lrt_probe()));
	LRT_EXPECT(r, 0, "fail with EPERM");
	r = lrt_run(work, LRT_ARGS("-p", policy("any"), "--explain", "--", lrt_probe()));
	LRT_EXPECT(r, 0, "are NOT restricted");
}

/* Reads fd into buf (NUL-terminated) until it holds "ready\n", the end, or no room: the length. */
static size_t read_until_ready(int fd, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;
	buf[0] = '\0';
	while (!strstr(buf, "ready\n") && (n = read(fd, buf + got, size - 1 - got)) > 0)
		buf[got += (size_t)n] = '\0';
	return got;
}

/* Killed, the helper takes nothing with it: every notified call fails (ENOSYS), none performed. */
Test(metadata, the_helper_killed_every_call_fails_and_nothing_is_performed)
{
	char *other = lrt_fmt("%s/other", work);
	lrt_write(other, "x\n");
	chmod(other, 0600);
	cr_assert(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
	int in[2], out[2];
	cr_assert(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0);
	const char *argv[] = { lrt_landrun(), "--rox", lrt_helpers_dir(), "-p", lrt_fmt("%s/default.ini", lrt_policies()),
			       "--", lrt_probe(), "chmod-wait", mine, other, NULL };
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		if (chdir(work) == 0)
			execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	char buf[256];
	size_t got = read_until_ready(out[0], buf, sizeof(buf));
	ssize_t n;
	cr_assert(strstr(buf, "ready\n"), "the first chmod did not go through: %s", buf);
	cr_expect_eq(lrt_mode_of(mine), 0644);
	pid_t helper = lrt_find_helper();
	cr_assert_gt(helper, 0, "no helper among our children");
	cr_assert(kill(helper, SIGKILL) == 0);
	cr_assert_eq(waitpid(helper, NULL, 0), helper);
	close(in[1]); /* the command goes on */
	while ((n = read(out[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		buf[got += (size_t)n] = '\0';
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %d: %s", status, buf);
	cr_expect(strstr(buf, "denied ENOSYS"), "%s", buf);
	cr_expect_eq(lrt_mode_of(other), 0600, "a call was performed with the helper dead");
}

/* The seccomp filters of a command under mode: "Seccomp_filters:\tN" from its own status file. */
static char *filters_under(const char *mode)
{
	char *pol = lrt_policy(lrt_fmt("%s/pol", T), lrt_fmt("filters-%s", mode),
			       lrt_fmt("[filesystem]\nrw = ${CWD}\nro = /proc/self/status\nmetadata = %s\n", mode));
	struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "status"));
	cr_expect_eq(r->status, 0, "%s: %s%s", mode, r->out, r->err);
	const char *line = strstr(r->out, "Seccomp_filters:");
	char *filters = lrt_fmt("%.*s", line ? (int)strcspn(line, "\n") : 0, line ? line : "");
	lrt_free(r);
	return filters;
}

/* metadata = none is the head of the deny-list program, not a filter of its own: the command has
 * as many filters as with metadata = any (one load fewer per run and per library spawn), and still
 * every metadata call fails with EPERM, in the write grant too. granted, with the CLI's own helper,
 * is the tail of the deny list, loaded with the listener: no filter of its own either. */
Test(metadata, none_adds_no_filter_of_its_own_and_still_refuses)
{
	char *any = filters_under("any"), *none = filters_under("none"), *granted = filters_under("granted");
	cr_assert(any[0], "no Seccomp_filters line");
	cr_expect_str_eq(none, any, "none: %s, any: %s", none, any);
	cr_expect_str_eq(granted, any, "granted: %s, any: %s", granted, any);
	struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", policy("none"), "--", lrt_probe(), "chmod", mine, "640"));
	DENIED(r, "EPERM", "chmod in the write grant under metadata = none");
	cr_expect_eq(lrt_mode_of(mine), 0600);
	r = lrt_run(work, LRT_ARGS("-p", policy("none"), "--", lrt_probe(), "setxattr", mine));
	DENIED(r, "EPERM", "setxattr under metadata = none");
	/* the deny list behind it still answers: a baseline call, and an ioctl it checks by argument
	 * (the head lets other ioctls through to it) */
	r = lrt_run(work, LRT_ARGS("-p", policy("none"), "--", lrt_probe(), "keyctl"));
	cr_expect_eq(r->status, 1, "keyctl under the deny list: %s%s", r->out, r->err);
	lrt_free(r);
	r = lrt_run(work, LRT_ARGS("-p", policy("none"), "--", lrt_probe(), "tiocsti", "low"));
	DENIED(r, "EPERM", "TIOCSTI under metadata = none");
	r = lrt_run(work, LRT_ARGS("-p", policy("none"), "--", lrt_probe(), "read", mine));
	LRT_EXPECT(r, 0, "ok");
}

/* A policy: rw = ${CWD}, metadata = granted, and the [syscalls] lines given. */
static char *policy_with_syscalls(const char *name, const char *syscalls)
{
	return lrt_policy(lrt_fmt("%s/pol", T), name,
			  lrt_fmt("[filesystem]\nrw = ${CWD}\nro = %s\nmetadata = granted\n[syscalls]\n%s\n", outside, syscalls));
}

/* granted behind the deny list keeps the verdict of two filters: a chmod the deny list refuses
 * fails with the deny list's errno, and is not performed by the helper, in the write grant too
 * (were the program in front, its notification would take the call to the helper first). The
 * twin: the same policy without the denial, and the deny list's other answers. */
Test(metadata, a_call_the_deny_list_refuses_is_refused_in_the_write_grant_too)
{
	char *pol = policy_with_syscalls("deny-chmod", "deny = chmod:errno:EACCES fchmodat:errno:EACCES fchmodat2:errno:EACCES");
	struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "chmod", mine, "640"));
	DENIED(r, "EACCES", "chmod in the write grant, denied by [syscalls]");
	cr_expect_eq(lrt_mode_of(mine), 0600, "the helper performed a call the deny list refuses");
	r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "utimes", mine));
	LRT_EXPECT(r, 0, "ok"); /* not denied: the helper performs it */
	r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "keyctl"));
	cr_expect_eq(r->status, 1, "keyctl under the deny list: %s%s", r->out, r->err);
	lrt_free(r);
	r = lrt_run(work, LRT_ARGS("-p", policy_with_syscalls("no-deny", ""), "--", lrt_probe(), "chmod", mine, "640"));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(mine), 0640, "chmod in the write grant was not performed");
}

/* A deny list that logs (or traces, --log-denials) answers below a notification: folded, a log
 * answer would let a metadata call through unjudged, so the program stays a filter of its own
 * (one filter more than metadata = any). chmod outside is refused, in the grant
 * performed, the helper taking its listener from the fd table landrun keeps for it. */
Test(metadata, with_a_logging_deny_list_the_program_stays_a_filter_of_its_own)
{
	char *pol = policy_with_syscalls("log-chmod", "deny = sched_yield:log");
	struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "chmod", secret, "644"));
	DENIED(r, "EPERM", "chmod outside every grant, the deny list logging it");
	cr_expect_eq(lrt_mode_of(secret), 0600, "chmod outside every grant was performed");
	r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "chmod", mine, "640"));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(mine), 0640, "chmod in the write grant was not performed");
	char *any = filters_under("any");
	char *logpol = lrt_policy(lrt_fmt("%s/pol", T), "log-status",
				  lrt_fmt("[filesystem]\nrw = ${CWD}\nro = /proc/self/status\nmetadata = granted\n"
					  "[syscalls]\ndeny = sched_yield:log\n"));
	r = lrt_run(work, LRT_ARGS("-p", logpol, "--", lrt_probe(), "status"));
	const char *line = strstr(r->out, "Seccomp_filters:");
	cr_assert(line && any[0], "no Seccomp_filters line: %s%s", r->out, r->err);
	unsigned with_log = 0, without = 0;
	cr_assert(sscanf(line, "Seccomp_filters: %u", &with_log) == 1 && sscanf(any, "Seccomp_filters: %u", &without) == 1);
	cr_expect_eq(with_log, without + 1, "%s / %s", line, any);
	lrt_free(r);
}

/* The helper shares landrun's fd table until landrun has executed the command, then keeps only the
 * listener: the caller's pipe is not held by it. The command closes its stdout and stderr and waits
 * on its stdin: the caller reads the end of its output while the command (and so the helper)
 * still runs. The twin: the same command keeping its stdout holds the pipe open. */
static bool output_ends_while_the_command_waits(const char *script)
{
	int in[2], out[2];
	cr_assert(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0);
	const char *argv[] = { lrt_landrun(), "-p", lrt_fmt("%s/default.ini", lrt_policies()), "--", "/bin/sh", "-c",
			       script, NULL };
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		if (dup2(in[0], 0) == 0 && dup2(out[1], 1) == 1 && dup2(out[1], 2) == 2 && chdir(work) == 0)
			execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	bool ended = false;
	for (;;) { /* the end, the command still waiting; or the line the twin prints */
		char buf[256];
		struct pollfd pfd = { out[0], POLLIN, 0 };
		if (poll(&pfd, 1, 30000) <= 0)
			break;
		ssize_t n = read(out[0], buf, sizeof(buf));
		if (n <= 0) {
			ended = n == 0;
			break;
		}
		if (memchr(buf, '\n', (size_t)n))
			break; /* the twin: its line came, its stdout still open */
	}
	cr_expect(waitpid(pid, NULL, WNOHANG) == 0, "the command ended before its stdin did");
	close(in[1]); /* the command ends */
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
	close(out[0]);
	return ended;
}

Test(metadata, the_helper_holds_none_of_the_callers_pipes)
{
	cr_expect(output_ends_while_the_command_waits("exec >&- 2>&-; read x; exit 0"),
		  "a process of landrun's still holds the caller's pipe");
	cr_expect(!output_ends_while_the_command_waits("echo waiting; read x; exit 0"),
		  "the twin's open stdout did not hold the pipe");
}

/* POSIX record locks (fcntl, lockf) belong to the process's fd table as a whole: the command must
 * get the caller's table, not a copy, or its locks stay with the helper, which drops them when it
 * closes landrun's fds. The caller locks a file, passes it as stderr, and landrun runs a command
 * that makes a metadata call (by then the helper has closed every fd but its listener) and waits:
 * the lock is still held, by the command's process. */
static void expect_lock_kept(const char *const argv[])
{
	char *lockfile = lrt_fmt("%s/lockfile", T);
	int in[2], out[2];
	cr_assert(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		/* its only fd, 2: closing any fd of a file drops the process's locks on it */
		close(2);
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		if (open(lockfile, O_RDWR | O_CREAT, 0600) != 2 || fcntl(2, F_SETLK, &fl) < 0 || dup2(in[0], 0) != 0 ||
		    dup2(out[1], 1) != 1 || chdir(work) < 0)
			_exit(127);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	char buf[64];
	read_until_ready(out[0], buf, sizeof(buf));
	cr_expect(strstr(buf, "ready\n"), "the command did not start: %s", buf);
	int fd = open(lockfile, O_RDWR);
	cr_assert(fd >= 0);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	cr_assert(fcntl(fd, F_GETLK, &fl) == 0);
	cr_expect_eq(fl.l_type, F_WRLCK, "the caller's lock was released (the command's table is not the caller's)");
	cr_expect_eq(fl.l_pid, pid, "the lock is held by %d, not by the command %d", (int)fl.l_pid, (int)pid);
	close(fd);
	close(in[1]);
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
	close(out[0]);
}

Test(metadata, the_callers_record_locks_stay_the_commands)
{
	const char *script = "chmod 600 mine && echo ready; read x; exit 0";
	expect_lock_kept((const char *const[]){ lrt_landrun(), "-p", lrt_fmt("%s/default.ini", lrt_policies()), "--",
						"/bin/sh", "-c", script, NULL });
	/* landrun under landrun: the inner one makes no listener (the outer has one), and its
	 * helper still leaves the table before the exec */
	char *landrun_dir = strdup(lrt_landrun());
	*strrchr(landrun_dir, '/') = '\0';
	char *outer = lrt_policy(lrt_fmt("%s/pol", T), "lock-outer",
				 lrt_fmt("[filesystem]\nrw = ${CWD}\nrox = %s\nro = %s/pol %s\n", landrun_dir, T,
					 lrt_policies()));
	expect_lock_kept((const char *const[]){ lrt_landrun(), "-p", outer, "--", lrt_landrun(), "-p",
						lrt_fmt("%s/default.ini", lrt_policies()), "--", "/bin/sh", "-c",
						"echo ready; read x; exit 0", NULL });
	free(landrun_dir);
}

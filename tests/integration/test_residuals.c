/* What the sandbox does not stop (landrun(1), landrun.ini(5)): each test shows a limitation that
 * is documented as such. They pass while the limitation exists; the day a kernel or landrun closes
 * one, its test fails with a message saying so, and the documentation must change with it. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common.h"

static char *T, *work, *outside;
static void setup(void)
{
	T = lrt_mkdtemp("/var/tmp");
	work = lrt_fmt("%s/work", T);
	outside = lrt_fmt("%s/outside", T);
	mkdir(work, 0755);
	mkdir(outside, 0755);
}
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(residual, .init = setup, .fini = teardown);

/* The staged copy of the default policy (a source tree under /tmp would be writable by its own
 * rw /tmp, which landrun refuses). */
static char *default_ini(void)
{
	return lrt_fmt("%s/default.ini", lrt_policies());
}

/* The probe under the default policy, from the work directory. */
static struct lrt_result *under_default(const char *op, const char *arg)
{
	return lrt_run(work, LRT_ARGS("--rox", lrt_helpers_dir(), "-p", default_ini(), "--", lrt_probe(), op, arg));
}

static const char *loader(void)
{
	static const char *const known[] = { "/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1",
					     "/lib/ld-linux-armhf.so.3", "/lib/ld-linux.so.2" };
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (access(known[i], X_OK) == 0)
			return known[i];
	return NULL;
}

/* Execute is checked by execve only: the loader maps and runs any readable ELF file. */
Test(residual, the_loader_runs_a_readable_file_that_execve_refuses)
{
	const char *ld = loader();
	if (!ld || lrt_abi_below(1))
		cr_skip_test("no known dynamic loader here, or no Landlock");
	char *ro = lrt_fmt("%s/ro", T);
	mkdir(ro, 0755);
	cr_assert_eq(system(lrt_fmt("cp /bin/true %s/true", ro)), 0);
	char *pol = lrt_policy(T, "ro", lrt_fmt("ro = %s\n", ro));
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "exec", lrt_fmt("%s/true", ro)));
	cr_expect_eq(r->status, 1, "execve of a read-only file must be refused: %s%s", r->out, r->err);
	cr_expect(lrt_contains(r->out, "denied EACCES"), "%s", r->out);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("-p", pol, "--", ld, lrt_fmt("%s/true", ro)));
	cr_expect_eq(r->status, 0, "residual gone: \"ld.so FILE\" no longer runs a readable file (%s); update "
		     "WHAT THE SANDBOX DOES NOT STOP", r->err);
	lrt_free(r);
}

/* Landlock does not check chmod, utimes or setxattr. The default (metadata = granted) refuses them
 * on a file the user owns outside every grant: the residual closed, now an attack that fails. */
Test(residual, metadata_of_a_file_outside_every_grant_is_refused_by_default)
{
	char *f = lrt_fmt("%s/mine", outside);
	lrt_write(f, "private\n");
	chmod(f, 0600);
	struct stat before, st;
	cr_assert(stat(f, &before) == 0);
	struct lrt_result *r = lrt_run(work, LRT_ARGS("--rox", lrt_helpers_dir(), "-p", default_ini(), "--", lrt_probe(), "chmod", f, "644"));
	cr_expect_eq(r->status, 1, "chmod on a file outside every grant: %s%s", r->out, r->err);
	lrt_free(r);
	cr_expect(stat(f, &st) == 0 && (st.st_mode & 0777) == 0600, "chmod changed a file outside every grant");
	r = under_default("utime-set", f);
	cr_expect_eq(r->status, 1, "utimensat on a file outside every grant: %s", r->out);
	lrt_free(r);
	cr_expect(stat(f, &st) == 0 && st.st_mtim.tv_sec == before.st_mtim.tv_sec, "utimensat changed a file outside");
	if (setxattr(f, "user.probe", "1", 1, 0) != 0)
		return; /* this filesystem has no user xattrs: nothing to show */
	r = under_default("setxattr", f);
	cr_expect_eq(r->status, 1, "setxattr(user.*) on a file outside every grant: %s", r->out);
	lrt_free(r);
	char v[4];
	cr_expect(getxattr(f, "user.landrun", v, sizeof(v)) < 0, "setxattr changed a file outside every grant");
}

/* With metadata = any, what Landlock alone leaves: chmod, utimes and setxattr anywhere the user
 * owns a file. */
Test(residual, metadata_any_changes_a_file_outside_every_grant)
{
	char *f = lrt_fmt("%s/mine", outside);
	lrt_write(f, "private\n");
	chmod(f, 0600);
	char *pol = lrt_fmt("%s/any.ini", T);
	lrt_write(pol, lrt_fmt("[policy]\ninclude = %s\n[filesystem]\nmetadata = any\nrox = %s\n", default_ini(),
			       lrt_helpers_dir()));
	struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "chmod", f, "644"));
	cr_expect_eq(r->status, 0, "residual gone: chmod under metadata = any is refused now (%s%s); update "
		     "WHAT THE SANDBOX DOES NOT STOP", r->out, r->err);
	lrt_free(r);
	struct stat st;
	cr_expect(stat(f, &st) == 0 && (st.st_mode & 0777) == 0644, "residual: chmod works on a file outside every grant");
	r = lrt_run(work, LRT_ARGS("-p", pol, "--", lrt_probe(), "utimes", f));
	cr_expect_eq(r->status, 0, "residual gone: utimes under metadata = any is refused now (%s)", r->out);
	lrt_free(r);
}

/* Landlock cannot restrict UDP by port: udp = yes reaches any port. */
Test(residual, udp_yes_sends_to_any_port)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	cr_assert(s >= 0 && bind(s, (struct sockaddr *)&a, sizeof(a)) == 0);
	getsockname(s, (struct sockaddr *)&a, &len);
	char *pol = lrt_policy(T, "udp", "[network]\nudp = yes\nconnect_tcp = 443\n");
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "udp-send",
						   lrt_fmt("%d", ntohs(a.sin_port))));
	cr_expect_eq(r->status, 0, "residual gone: a UDP datagram to an ungranted port is refused now (%s%s)",
		     r->out, r->err);
	char buf[4];
	/* the datagram was sent before the probe exited: it is waiting in the socket */
	cr_expect_eq(recv(s, buf, sizeof(buf), MSG_DONTWAIT), 1, "residual: the datagram reached port %d",
		     ntohs(a.sin_port));
	close(s);
	lrt_free(r);
}

/* Landlock restricts bind, not listen or accept: a granted port serves whoever reaches it. */
Test(residual, listen_after_bind_on_a_granted_port_accepts)
{
	if (lrt_abi_below(4))
		cr_skip_test("TCP port rules need Landlock ABI 4");
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	cr_assert(s >= 0 && bind(s, (struct sockaddr *)&a, sizeof(a)) == 0);
	getsockname(s, (struct sockaddr *)&a, &len);
	close(s); /* a port that was free a moment ago */
	char *port = lrt_fmt("%d", ntohs(a.sin_port));
	char *pol = lrt_policy(T, "srv", lrt_fmt("[network]\nbind_tcp = %s\nconnect_tcp = %s\n", port, port));
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "listen-accept", port));
	cr_expect_eq(r->status, 0, "residual gone: listen/accept on a granted bind port is refused now (%s%s)",
		     r->out, r->err);
	lrt_free(r);
	/* twin: without the bind grant, the same server cannot start */
	char *pol2 = lrt_policy(T, "nosrv", lrt_fmt("[network]\nconnect_tcp = %s\n", port));
	r = lrt_run(T, LRT_ARGS("-p", pol2, "--", lrt_probe(), "listen-accept", port));
	cr_expect_eq(r->status, 1, "%s%s", r->out, r->err);
	lrt_free(r);
}

/* landrun executes in place: what the command leaves running in the background outlives it. */
Test(residual, an_in_place_run_leaves_a_background_child_alive)
{
	struct lrt_result *r = lrt_run(work, LRT_ARGS("--", "sh", "-c", "sleep 600 </dev/null >/dev/null 2>&1 & echo $!"));
	cr_assert_eq(r->status, 0, "%s", r->err);
	pid_t pid = (pid_t)atoi(r->out);
	cr_assert_gt(pid, 1, "%s", r->out);
	/* landrun and the shell have exited (lrt_run waited for them); the child is still there */
	cr_expect_eq(kill(pid, 0), 0, "residual gone: the background child of an in-place run died with it");
	kill(pid, SIGKILL);
	lrt_free(r);
}

/* private_tmp is private to the user (mode 0700), not to the run: while it runs, another sandbox
 * of the same user whose policy grants its parent (/tmp, as the default does) reads it. */
Test(residual, private_tmp_is_reachable_by_another_sandbox_granted_its_parent)
{
	char *fifo = lrt_fmt("%s/go", work), *where = lrt_fmt("%s/where", work);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	char *pol = lrt_policy(T, "pt", "[filesystem]\nprivate_tmp = yes\nrw = ${CWD}\n");
	lrt_free(lrt_run(work, LRT_ARGS("-p", pol, "--", "true"))); /* skips here if a capped ABI refuses it */
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		/* run A: a secret in its private tmp, then it waits on the fifo */
		struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", pol, "--", "sh", "-c",
			"echo s3cret > \"$TMPDIR/secret\" && echo \"$TMPDIR\" > where.tmp && mv where.tmp where && cat go"));
		_exit(r->status);
	}
	struct stat st;
	int status;
	while (stat(where, &st) != 0) { /* a condition, not a time: the suite's timeout bounds it */
		cr_assert_eq(waitpid(pid, &status, WNOHANG), 0, "run A ended early: %d", status);
		usleep(10000);
	}
	char dir[4096] = "";
	FILE *f = fopen(where, "r");
	cr_assert(f && fgets(dir, sizeof(dir), f));
	fclose(f);
	dir[strcspn(dir, "\n")] = '\0';
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--", "cat", lrt_fmt("%s/secret", dir)));
	int fd = open(fifo, O_WRONLY);
	close(fd); /* releases run A */
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "run A: %d", status);
	cr_expect(lrt_contains(r->out, "s3cret"), "residual gone: another sandbox no longer reads a private_tmp "
		  "under the /tmp it is granted (%s%s); update landrun.ini(5)", r->out, r->err);
	lrt_free(r);
}

/* CPU affinity of the user's other processes: Landlock scopes signals and ptrace, not affinity,
 * which the kernel lets any process change on processes of the same user (holding no capability
 * the caller lacks), and the baseline leaves it (thread pools pin their threads by id; the other
 * process can set it back). Niceness, scheduling policy and I/O priority are refused
 * (syscalls/scheduling_of_another_process_denied). Shown on the supervising landrun. */
Test(residual, cpu_affinity_of_a_process_outside_the_sandbox_can_be_set)
{
	char *pol = lrt_policy(T, "affinity", "");
	struct lrt_result *r = lrt_run(work, LRT_ARGS("--supervise", "-p", pol, "--", lrt_probe(), "affinity", "parent"));
	if (lrt_is_root())
		/* the kernel's own rule: a target holding capabilities the caller lacks, as root's
		 * supervisor does, is refused */
		cr_expect(r->status == 1 && lrt_contains(r->out, "denied EPERM"), "%s%s", r->out, r->err);
	else
		cr_expect_eq(r->status, 0, "residual gone: sched_setaffinity on the supervisor is refused (%s%s); update "
			     "landrun(1) and landrun.ini(5)", r->out, r->err);
	lrt_free(r);
	free(pol);
}

/* An open descriptor keeps its access: an unconnected unix datagram socket the caller hands in
 * sends to any pathname socket under unix = none (under unix = PATH it is judged:
 * test_netcalls.c). */
Test(residual, an_inherited_datagram_socket_sends_anywhere)
{
	char *path = lrt_fmt("%s/listener", outside);
	int srv = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	cr_assert(srv >= 0 && bind(srv, (struct sockaddr *)&a, sizeof(a)) == 0);
	int handed = socket(AF_UNIX, SOCK_DGRAM, 0);
	cr_assert(handed >= 0);
	char *pol = lrt_policy(T, "fd0", "");
	lrt_free(lrt_run(work, LRT_ARGS("-p", pol, "--", "true"))); /* a capped ABI skips here */
	const char *argv[] = { lrt_landrun(), "-p", pol, "--", lrt_probe(), "fd0-send", path, NULL };
	pid_t pid = lrt_start_quiet(argv, handed, work);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	char got;
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "probe: %d", st);
	cr_expect_eq(recv(srv, &got, 1, MSG_DONTWAIT), 1, "residual gone: an inherited datagram socket no longer "
		     "reaches a pathname socket under unix = none; update landrun(1) and landrun.ini(5)");
	close(srv);
	close(handed);
	free(pol);
	free(path);
}

/* A bind mount of part of a write grant under another name is not recognised: a link planted in
 * the grant is followed when the policy names a path through the other name. */
Test(residual, a_bind_mount_alias_of_a_write_grant_is_not_recognised)
{
	if (!lrt_is_root())
		cr_skip_test("bind mounts need root");
	char *w = lrt_fmt("%s/w", T), *sub = lrt_fmt("%s/w/sub", T), *alias = lrt_fmt("%s/alias", T);
	char *secret = lrt_fmt("%s/secret", outside);
	mkdir(w, 0755);
	mkdir(sub, 0755);
	mkdir(alias, 0755);
	lrt_write(secret, "TOPSECRET\n");
	char *pre = lrt_policy(T, "pre", lrt_fmt("rw = %s\n", w));
	lrt_free(lrt_run(work, LRT_ARGS("-p", pre, "--", "true"))); /* a capped ABI skips here, before mounting */
	if (mount(sub, alias, NULL, MS_BIND, NULL) != 0)
		cr_skip_test("mount --bind refused here: %s", strerror(errno));
	cr_assert_eq(symlink(outside, lrt_fmt("%s/l", sub)), 0); /* as a run granted w would plant it */
	char *pol = lrt_policy(T, "alias", lrt_fmt("rw = %s\nro = %s/l\n", w, alias));
	struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", pol, "--", "cat", lrt_fmt("%s/l/secret", alias)));
	/* twin: the grant's own spelling of the link is refused */
	char *pol2 = lrt_policy(T, "direct", lrt_fmt("rw = %s\nro = %s/l\n", w, sub));
	struct lrt_result *r2 = lrt_run(work, LRT_ARGS("-p", pol2, "--", "cat", lrt_fmt("%s/l/secret", sub)));
	umount2(alias, MNT_DETACH);
	cr_expect_eq(r2->status, 125, "%s", r2->err);
	cr_expect(lrt_contains(r->out, "TOPSECRET"), "residual gone: a link reached through a bind mount of a write "
		  "grant is refused (%s%s); update landrun(1) and landrun.ini(5)", r->out, r->err);
	lrt_free(r);
	lrt_free(r2);
}

/* Process state in the sandbox: privileges, fds, environment, exit status and PID. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

static char *T, *policy;

static void setup(void)
{
	T = lrt_mkdtemp("/var/tmp");
	policy = lrt_policy(T, "proc", "ro = /proc\n");
}
static void teardown(void) { lrt_rmrf(T); free(T); free(policy); }
TestSuite(process, .init = setup, .fini = teardown);

Test(process, no_new_privs_seccomp_and_no_capabilities)
{
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", policy, "--", lrt_probe(), "status"));
	cr_assert_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "NoNewPrivs:\t1"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "Seccomp:\t2"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "CapInh:\t0000000000000000"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "CapPrm:\t0000000000000000"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "CapEff:\t0000000000000000"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "CapAmb:\t0000000000000000"), "%s", r->out);
	if (lrt_is_root()) /* an unprivileged caller cannot drop the bounding set (nor use it) */
		cr_expect(lrt_contains(r->out, "CapBnd:\t0000000000000000"), "%s", r->out);
	lrt_free(r);
}

Test(process, capability_kept_when_asked)
{
	if (!lrt_is_root())
		cr_skip_test("keeping a capability needs one to keep: runs as root");
	char *pol = lrt_policy(T, "caps", "ro = /proc\n[process]\ncapabilities = CAP_NET_BIND_SERVICE\n");
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "status"));
	cr_expect(lrt_contains(r->out, "CapEff:\t0000000000000400"), "%s%s", r->out, r->err);
	cr_expect(lrt_contains(r->out, "CapBnd:\t0000000000000400"), "%s%s", r->out, r->err);
	lrt_free(r);
}

/* Runs a shell line: fds and env set up by the shell, then exec landrun. */
static struct lrt_result *sh(const char *script)
{
	/* no subshell: $$ must be the PID that exec hands to landrun */
	char *out = lrt_fmt("%s/out", T);
	char *cmd = NULL;
	char *full = lrt_fmt("exec >%s 2>&1; cd %s && %s", out, T, script);
	struct lrt_result *r = calloc(1, sizeof(*r));
	int st = system(full);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	FILE *f = fopen(out, "r");
	if (f) {
		size_t n = fread(r->out, 1, sizeof(r->out) - 1, f);
		r->out[n] = '\0';
		fclose(f);
	}
	free(cmd);
	free(out);
	free(full);
	return r;
}

Test(process, fds_above_2_are_closed)
{
	struct lrt_result *r = sh(lrt_fmt("exec 7</dev/null 9</dev/null; exec %s -p %s -- %s fds", lrt_landrun(), policy, lrt_probe()));
	cr_expect_eq(r->status, 0, "%s", r->out);
	cr_expect_str_empty(r->out, "leaked fds: %s", r->out);
	lrt_free(r);
	char *pol = lrt_policy(T, "keep", "[process]\nkeep_fds = 7\n");
	r = sh(lrt_fmt("exec 7</dev/null 9</dev/null; exec %s -p %s -- %s fds", lrt_landrun(), pol, lrt_probe()));
	cr_expect_str_eq(r->out, "7\n", "%s", r->out);
	lrt_free(r);
}

Test(process, socket_activation_fds_pass)
{
	/* $$ is the shell's PID, which landrun (exec'd in place) keeps */
	struct lrt_result *r = sh(lrt_fmt("exec 3</dev/null 4</dev/null 5</dev/null; LISTEN_FDS=2 LISTEN_PID=$$ exec %s -p %s -- %s fds",
					  lrt_landrun(), policy, lrt_probe()));
	cr_expect_str_eq(r->out, "3\n4\n", "%s", r->out);
	lrt_free(r);
}

Test(process, same_pid_exec_in_place)
{
	struct lrt_result *r = sh(lrt_fmt("echo $$; exec %s -p %s -- %s pid", lrt_landrun(), policy, lrt_probe()));
	char a[32], b[32];
	cr_assert_eq(sscanf(r->out, "%31s %31s", a, b), 2, "%s", r->out);
	cr_expect_str_eq(a, b);
	lrt_free(r);
}

Test(process, environment_is_an_allowlist)
{
	char *const env[] = { "PATH=/home/evil/bin:/usr/bin", "LANG=C.UTF-8", "LD_PRELOAD=/tmp/evil.so",
			      "LD_LIBRARY_PATH=/tmp", "GITHUB_TOKEN=ghp_secret", "AWS_SECRET=x",
			      "DB_PASSWORD=x", "API_KEY=x", "BASH_ENV=/tmp/x", "RANDOM_VAR=1", "TERM=xterm", NULL };
	struct lrt_result *r = lrt_run_env(T, env, LRT_ARGS("-p", policy, "--env", "RANDOM_VAR", "--env", "SET_ME=yes",
							   "--", lrt_probe(), "env"));
	cr_assert_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "LANG=C.UTF-8"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "TERM=xterm"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "RANDOM_VAR=1"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "SET_ME=yes"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "PATH=/usr/local/bin:/usr/bin:/bin"), "%s", r->out);
	const char *never[] = { "LD_PRELOAD", "LD_LIBRARY_PATH", "ghp_secret", "AWS_SECRET", "DB_PASSWORD",
				"API_KEY", "BASH_ENV", "evil" };
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		cr_expect(!lrt_contains(r->out, never[i]), "%s leaked: %s", never[i], r->out);
	lrt_free(r);
	/* without --env, an unlisted variable is not passed */
	r = lrt_run_env(T, env, LRT_ARGS("-p", policy, "--", lrt_probe(), "env"));
	cr_expect(!lrt_contains(r->out, "RANDOM_VAR"), "%s", r->out);
	lrt_free(r);
}

Test(process, keep_of_a_dangerous_variable_is_refused)
{
	char *pol = lrt_policy(T, "ld", "[env]\nkeep = LD_PRELOAD\n");
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "env"));
	cr_expect_eq(r->status, 125);
	cr_expect(lrt_contains(r->err, "LD_PRELOAD is never passed"), "%s", r->err);
	lrt_free(r);
}

Test(process, exit_status_passes_through)
{
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", policy, "--", lrt_probe(), "exit", "42"));
	cr_expect_eq(r->status, 42);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("-p", policy, "--", lrt_probe(), "signal", "15"));
	cr_expect_eq(r->signal, SIGTERM, "status %d", r->status);
	lrt_free(r);
}

Test(process, exit_codes_125_126_127)
{
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", policy, "--", "no-such-command-xyz"));
	cr_expect_eq(r->status, 127, "%s", r->err);
	cr_expect(lrt_contains(r->err, "not found"), "%s", r->err);
	lrt_free(r);
	char *noexec = lrt_fmt("%s/noexec", T);
	lrt_write(noexec, "#!/bin/sh\n");
	r = lrt_run(T, LRT_ARGS("-p", policy, "--", noexec));
	cr_expect_eq(r->status, 126, "%s", r->err);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("-p", "/nonexistent/policy.ini", "--", lrt_probe(), "pid"));
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "landrun: "), "%s", r->err);
	lrt_free(r);
}

Test(process, arguments_after_command_are_not_options)
{
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", policy, lrt_probe(), "exit", "--explain"));
	cr_expect_eq(r->status, 0, "%s", r->err); /* atoi("--explain") == 0: the probe ran */
	cr_expect(!lrt_contains(r->out, "[filesystem]"), "%s", r->out);
	lrt_free(r);
}

Test(process, refuses_to_run_setuid)
{
	if (!lrt_is_root())
		cr_skip_test("creating a binary setuid to another user needs root");
	char *copy = lrt_fmt("%s/landrun-suid", T);
	cr_assert_eq(system(lrt_fmt("cp %s %s && chmod 4755 %s", lrt_landrun(), copy, copy)), 0);
	char *marker = lrt_fmt("%s/ran", T);
	int st = system(lrt_fmt("setpriv --reuid=65534 --regid=65534 --clear-groups %s -- /usr/bin/touch %s 2>%s/err",
				copy, marker, T));
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 125, "status %d", st);
	cr_expect_neq(access(marker, F_OK), 0, "the command ran");
	FILE *f = fopen(lrt_fmt("%s/err", T), "r");
	char line[256] = "";
	cr_assert(f && fgets(line, sizeof(line), f));
	fclose(f);
	cr_expect(lrt_contains(line, "refusing to run setuid"), "%s", line);
}

Test(process, supervised_timeout_private_tmp_and_status)
{
	char *pol = lrt_policy(T, "sv", "[filesystem]\nprivate_tmp = yes\n[process]\ntimeout = 2s\n");
	/* the command sees a fresh 0700 TMPDIR it can write; landrun removes it afterwards */
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", "/bin/sh", "-c",
					       "stat -c %a \"$TMPDIR\" && touch \"$TMPDIR/f\" && echo \"$TMPDIR\""));
	cr_expect_eq(r->status, 0, "%s", r->err);
	char dir[256] = "";
	cr_assert_eq(sscanf(r->out, "700\n%255s", dir), 1, "%s", r->out);
	cr_expect_neq(access(dir, F_OK), 0, "%s was left behind", dir);
	lrt_free(r);
	/* timeout: 124, like timeout(1) */
	r = lrt_run(T, LRT_ARGS("-p", pol, "--", "/bin/sh", "-c", "sleep 30"));
	cr_expect_eq(r->status, 124, "%s", r->err);
	lrt_free(r);
	/* exit status and signal death pass through the supervisor */
	r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "exit", "42"));
	cr_expect_eq(r->status, 42, "%s", r->err);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "signal", "15"));
	cr_expect_eq(r->signal, SIGTERM, "status %d", r->status);
	lrt_free(r);
	/* and the sandbox still applies to the supervised command */
	r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "bpf"));
	cr_expect(lrt_contains(r->out, "denied EPERM"), "%s", r->out);
	lrt_free(r);
}

/* ---- supervised runs end what the command left ------------------------------------------- */

/* Runs landrun with args, its stdout a pipe; returns its exit status once it has exited, and in
 * *out the pipe's read end (what the command left running may still hold the write end). */
static int run_with_stdout_pipe(const char *const args[], int *out)
{
	static char *const env[] = { "PATH=/usr/bin:/bin", "LANG=C", NULL };
	const char *abi = getenv("LANDRUN_TEST_ABI"), *argv[32];
	size_t n = 0;
	argv[n++] = lrt_landrun();
	if (abi && *abi) {
		argv[n++] = "--test-abi";
		argv[n++] = abi;
	}
	for (size_t i = 0; args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	int p[2];
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		dup2(p[1], 1);
		dup2(devnull, 0);
		dup2(devnull, 2);
		execve(argv[0], (char *const *)argv, env);
		_exit(98);
	}
	close(p[1]);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	*out = p[0];
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* sv_sleep 0 d: starts a daemon (fork, setsid, fork; it ignores SIGTERM and holds stdout), prints
 * its pid, and exits at once. */
static void daemon_after_exit(const char *flag, const char *extra, bool want_gone)
{
	char *pol = lrt_policy(T, "daemon", extra);
	char *sv_sleep = lrt_fmt("%s/sv_sleep", lrt_helpers_dir());
	/* under make check-abi, strict mode may refuse the policy: lrt_run then skips the test */
	lrt_free(flag ? lrt_run(T, LRT_ARGS(flag, "-p", pol, "--", "/bin/true"))
		      : lrt_run(T, LRT_ARGS("-p", pol, "--", "/bin/true")));
	int out;
	int status = flag ? run_with_stdout_pipe(LRT_ARGS(flag, "-p", pol, "--", sv_sleep, "0", "d"), &out)
			  : run_with_stdout_pipe(LRT_ARGS("-p", pol, "--", sv_sleep, "0", "d"), &out);
	cr_expect_eq(status, 0);
	char line[64] = "";
	ssize_t n = read(out, line, sizeof(line) - 1); /* the daemon's line comes first */
	cr_assert_gt(n, 0);
	int daemon = atoi(line);
	cr_assert_gt(daemon, 0, "%s", line);
	bool gone = lrt_writers_gone(out);
	if (!gone)
		kill(daemon, SIGKILL); /* alive (it holds the pipe): the pid is its own */
	close(out);
	if (want_gone)
		cr_expect(gone, "the daemon %d outlived landrun", daemon);
	else
		cr_expect(!gone, "the daemon %d did not survive exec in place", daemon);
}

Test(process, supervise_option_kills_a_setsid_daemon_when_the_command_exits)
{
	daemon_after_exit("--supervise", "", true);
}

Test(process, supervise_key_kills_a_setsid_daemon_when_the_command_exits)
{
	daemon_after_exit(NULL, "[process]\nsupervise = yes\n", true);
}

/* Twin, and the documented limit: exec in place leaves no landrun to end what the command left */
Test(process, in_place_run_leaves_a_setsid_daemon_running)
{
	daemon_after_exit(NULL, "", false);
}

/* private_tmp: the grant is on the directory landrun created and holds, not on its name. Held at
 * its first landlock_add_rule (after the directory is made, before its rule), landrun sees the
 * name swapped for a link to an outside directory, as another sandbox of the same user granted
 * $TMPDIR could do; the command's writes through $TMPDIR must not land outside. */
static struct lrt_result *private_tmp_swapped(const char *base, const char *hook)
{
	char *pol = lrt_policy(T, "ptswap", "[filesystem]\nprivate_tmp = yes\nrw = ${CWD}\n");
	char *gate = lrt_fmt("%s/gate", lrt_helpers_dir()), *tmpdir = lrt_fmt("TMPDIR=%s", base);
	char *const env[] = { "PATH=/usr/bin:/bin", "LANG=C", tmpdir, NULL };
	const char *const prefix[] = { gate, "445" /* landlock_add_rule */, hook, "--", NULL };
	char *work = lrt_fmt("%s/work", T);
	mkdir(work, 0755);
	lrt_free(lrt_run_env(work, env, LRT_ARGS("-p", pol, "--", "true"))); /* a capped ABI skips here */
	struct lrt_result *r = lrt_run_prefixed(work, env, prefix,
		LRT_ARGS("-p", pol, "--", "sh", "-c", "echo planted > \"$TMPDIR/x\" && echo wrote"));
	free(pol);
	free(gate);
	free(tmpdir);
	free(work);
	return r;
}

Test(process, private_tmp_swapped_for_a_link_grants_nothing_outside)
{
	char *base = lrt_fmt("%s/tmpbase", T), *out = lrt_fmt("%s/outside", T);
	mkdir(base, 0755);
	mkdir(out, 0755);
	char *hook = lrt_fmt("d=$(ls -d %s/landrun-tmp.*) && mv \"$d\" \"$d.aside\" && ln -s %s \"$d\"", base, out);
	struct lrt_result *r = private_tmp_swapped(base, hook);
	cr_expect_neq(r->status, 0, "the write went through: %s%s", r->out, r->err);
	cr_expect(lrt_contains(r->err, "Permission denied"), "%s", r->err);
	cr_expect_neq(access(lrt_fmt("%s/x", out), F_OK), 0, "the command wrote outside through the swapped name");
	lrt_free(r);
	/* twin: nothing swapped, the command writes its private tmp */
	r = private_tmp_swapped(base, "true");
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	cr_expect(lrt_contains(r->out, "wrote"), "%s", r->out);
	lrt_free(r);
	free(hook);
	free(base);
	free(out);
}

/* Everyday jobs under the shipped policies, with the real tools: git under the embedded default,
 * make and cc (build), python3 and pip (python), node and npm (node), curl and a web server (curl,
 * serve), a systemd unit (service). Each job is paired with the attack its policy stops: $HOME's
 * secrets, other processes' /proc files, ports not granted, files outside the granted tree. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static char *T, *home, *work, *env_home;

static void setup(void)
{
	T = lrt_mkdtemp("/var/tmp");
	home = lrt_fmt("%s/home", T);
	work = lrt_fmt("%s/work", T);
	mkdir(home, 0755);
	mkdir(work, 0755);
	mkdir(lrt_fmt("%s/.ssh", home), 0700);
	mkdir(lrt_fmt("%s/.config", home), 0755);
	mkdir(lrt_fmt("%s/.config/git", home), 0755);
	lrt_write(lrt_fmt("%s/.gitconfig", home),
		  "[user]\n\tname = Job Tester\n\temail = jobs@example.org\n[alias]\n\tst = status --short\n");
	lrt_write(lrt_fmt("%s/.config/git/ignore", home), "ignored-by-user.txt\n");
	lrt_write(lrt_fmt("%s/.ssh/id_rsa", home), "PRIVATE KEY\n");
	lrt_write(lrt_fmt("%s/.git-credentials", home), "https://user:token@example.org\n");
	lrt_write(lrt_fmt("%s/.config/git/credentials", home), "https://user:token@example.org\n");
	lrt_write(lrt_fmt("%s/.bash_history", home), "history\n");
	env_home = lrt_fmt("HOME=%s", home);
}
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(jobs, .init = setup, .fini = teardown, .timeout = 120);

static struct lrt_result *job(const char *cwd, const char *const args[])
{
	char *const env[] = { "PATH=/usr/bin:/bin", env_home, "LANG=C", NULL };
	return lrt_run_env(cwd, env, args);
}

/* The staged copy of a shipped policy: a source tree under /tmp is writable by the default. */
static char *policy(const char *name) { return lrt_fmt("%s/%s.ini", lrt_policies(), name); }

static void need(const char *tool)
{
	if (access(lrt_fmt("/usr/bin/%s", tool), X_OK) != 0)
		cr_skip_test("/usr/bin/%s is not installed (make check installs it: build-aux/deps.sh jobs)", tool);
}

/* Outside any sandbox: the test's own set-up, which must work. */
static void sh(const char *cwd, const char *script)
{
	/* the test's own environment (a GIT_AUTHOR_NAME, a pyenv PATH) stays out of it */
	char *file = lrt_fmt("%s/setup.sh", T);
	lrt_write(file, script);
	char *cmd = lrt_fmt("cd '%s' && env -i PATH=/usr/bin:/bin %s LANG=C sh %s >/dev/null 2>&1", cwd, env_home, file);
	cr_assert_eq(system(cmd), 0, "set-up failed: %s", script);
}

/* Every file of $HOME but git's configuration stays unreadable under policy pol (NULL: the default). */
static void home_secrets_unreadable(const char *pol)
{
	static const char *const secrets[] = { ".ssh/id_rsa", ".git-credentials", ".config/git/credentials",
					       ".bash_history" };
	for (size_t i = 0; i < LRT_LEN(secrets); i++) {
		char *path = lrt_fmt("%s/%s", home, secrets[i]);
		struct lrt_result *r = pol ? job(work, LRT_ARGS("-p", pol, "--", "cat", path))
					   : job(work, LRT_ARGS("--", "cat", path));
		cr_expect_neq(r->status, 0, "%s read under %s: %s", secrets[i], pol ? pol : "the default", r->out);
		cr_expect(lrt_contains(r->err, "Permission denied"), "%s: %s", secrets[i], r->err);
		cr_expect(!lrt_contains(r->out, "KEY") && !lrt_contains(r->out, "token"), "%s", r->out);
		lrt_free(r);
	}
	struct lrt_result *r = pol ? job(work, LRT_ARGS("-p", pol, "--", "ls", home))
				   : job(work, LRT_ARGS("--", "ls", home));
	cr_expect_neq(r->status, 0, "$HOME listed: %s", r->out);
	lrt_free(r);
}

/* ---- git under the embedded default ------------------------------------------------------------ */

Test(jobs, default_runs_git_status_log_diff_with_the_users_gitconfig)
{
	need("git");
	sh(work, "git init -q . && echo one > file && git add file && git commit -qm first-commit && echo two >> file "
		 "&& touch ignored-by-user.txt");
	struct lrt_result *r = job(work, LRT_ARGS("--", "git", "status"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "modified:   file"), "%s", r->out);
	/* ~/.config/git/ignore was read: the file it names is not listed as untracked */
	cr_expect(!lrt_contains(r->out, "ignored-by-user.txt"), "%s", r->out);
	lrt_free(r);
	r = job(work, LRT_ARGS("--", "git", "log", "--format=%an %s"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect_str_eq(r->out, "Job Tester first-commit\n");
	lrt_free(r);
	r = job(work, LRT_ARGS("--", "git", "diff"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "\n+two\n"), "%s", r->out);
	lrt_free(r);
	/* ~/.gitconfig was read: its alias works */
	r = job(work, LRT_ARGS("--", "git", "st"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect_str_eq(r->out, " M file\n");
	lrt_free(r);
	/* the twin of the attacks below: git's configuration is readable, read-only */
	r = job(work, LRT_ARGS("--", "cat", lrt_fmt("%s/.gitconfig", home)));
	cr_expect_eq(r->status, 0, "%s", r->err);
	lrt_free(r);
	r = job(work, LRT_ARGS("--", "sh", "-c", "echo '[core] fsmonitor = planted' >> ~/.gitconfig"));
	cr_expect_neq(r->status, 0, "~/.gitconfig was writable");
	lrt_free(r);
	home_secrets_unreadable(NULL);
}

/* ---- /proc under the embedded default ------------------------------------------------------------ */

/* A process outside the sandbox, of the same user, with a secret in its command line and its
 * environment; it waits on a pipe the test holds. */
static pid_t start_sibling(int *hold)
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		dup2(p[0], 0);
		close(p[1]);
		char *const argv[] = { "sh", "-c", "read x", "sibling-arg-SECRET", NULL };
		char *const envp[] = { "PATH=/usr/bin:/bin", "SIBLING_TOKEN=env-SECRET", NULL };
		execve("/bin/sh", argv, envp);
		_exit(127);
	}
	close(p[0]);
	*hold = p[1];
	/* it is there once its command line is: the exec has happened */
	char *cmdline = lrt_fmt("/proc/%d/cmdline", (int)pid);
	for (;;) {
		char buf[256] = "";
		int fd = open(cmdline, O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n > 0 && memmem(buf, (size_t)n, "sibling-arg-SECRET", 18))
			return pid;
		sched_yield();
	}
}

static void stop_sibling(pid_t pid, int hold)
{
	close(hold);
	waitpid(pid, NULL, 0);
}

Test(jobs, default_reads_the_machines_proc_files_not_other_processes)
{
	/* the machine, and the command itself (landrun executes in place: its /proc/self) */
	struct lrt_result *r = job(work, LRT_ARGS("--", "sh", "-c",
						  "cat /proc/cpuinfo /proc/meminfo /proc/stat /proc/loadavg >/dev/null && "
						  "exec cat /proc/self/status"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "Name:\tcat\n"), "%s", r->out);
	lrt_free(r);
	need("python3");
	r = job(work, LRT_ARGS("--", "python3", "-c", "import os; n = os.cpu_count(); print(n is not None and n > 0)"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect_str_eq(r->out, "True\n", "%s", r->err);
	lrt_free(r);

	int hold;
	pid_t sib = start_sibling(&hold);
	static const char *const files[] = { "environ", "cmdline", "status", "maps" };
	for (size_t i = 0; i < LRT_LEN(files); i++) {
		char *path = lrt_fmt("/proc/%d/%s", (int)sib, files[i]);
		/* twin: outside the sandbox the user reads them */
		if (strcmp(files[i], "environ") == 0 || strcmp(files[i], "cmdline") == 0) {
			char *cmd = lrt_fmt("grep -q SECRET %s", path);
			cr_expect_eq(system(cmd), 0, "%s is not readable even outside the sandbox", path);
		}
		r = job(work, LRT_ARGS("--", "cat", path));
		cr_expect_neq(r->status, 0, "%s read under the default: %s", path, r->out);
		cr_expect(!lrt_contains(r->out, "SECRET"), "%s", r->out);
		lrt_free(r);
		r = job(work, LRT_ARGS("--", "cat", lrt_fmt("/proc/1/%s", files[i])));
		cr_expect_neq(r->status, 0, "/proc/1/%s read under the default: %s", files[i], r->out);
		lrt_free(r);
	}
	/* from a child of the command, whose /proc/self is no grant, and through /proc/self/../PID */
	r = job(work, LRT_ARGS("--", "sh", "-c", lrt_fmt("cat /proc/self/../%d/cmdline; cat /proc/%d/environ", (int)sib, (int)sib)));
	cr_expect_neq(r->status, 0);
	cr_expect(!lrt_contains(r->out, "SECRET"), "%s", r->out);
	lrt_free(r);
	/* a supervised run: /proc/self was resolved in the supervisor, whose memory and environment
	 * the kernel keeps from a sandboxed process */
	r = job(work, LRT_ARGS("--supervise", "--", "sh", "-c", "cat /proc/$PPID/environ || cat /proc/$PPID/maps"));
	cr_expect_neq(r->status, 0, "the supervisor's environment or maps: %s", r->out);
	lrt_free(r);
	stop_sibling(sib, hold);
}

Test(jobs, default_runs_node_reading_its_machine)
{
	need("node");
	struct lrt_result *r = job(work, LRT_ARGS("--", "node", "-e",
						  "const os = require('os'); console.log(os.cpus().length > 0, "
						  "os.totalmem() > 0, os.loadavg().length)"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect_str_eq(r->out, "true true 3\n", "%s", r->err);
	lrt_free(r);
}

/* ---- build.ini ------------------------------------------------------------------------------------ */

static void write_c_project(void)
{
	lrt_write(lrt_fmt("%s/app.c", work), "#include <stdio.h>\nint main(void) { puts(\"app ok\"); return 0; }\n");
	lrt_write(lrt_fmt("%s/Makefile", work), "app: app.c\n\t$(CC) -o $@ app.c\ntest: app\n\t./app\n");
}

/* The README's example: the default's ${CWD} is read-write, not executable, so what a build
 * builds does not run; -p build runs it. */
Test(jobs, build_runs_make_test_where_the_default_refuses)
{
	need("make");
	need("cc");
	write_c_project();
	struct lrt_result *r = job(work, LRT_ARGS("--", "make", "test"));
	cr_expect_neq(r->status, 0, "the default executed a file of the current directory: %s", r->out);
	cr_expect(lrt_contains(r->err, "./app: Permission denied"), "%s", r->err);
	lrt_free(r);
	r = job(work, LRT_ARGS("-p", policy("build"), "--", "make", "test"));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	cr_expect(lrt_contains(r->out, "app ok\n"), "%s", r->out);
	lrt_free(r);
	/* temporary files are private: TMPDIR is the run's own directory, /tmp is not writable */
	r = job(work, LRT_ARGS("-p", policy("build"), "--", "sh", "-c",
			       "echo t > \"$TMPDIR/t\" && cat \"$TMPDIR/t\" && echo $TMPDIR"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "t\n") && lrt_contains(r->out, "/landrun-tmp."), "%s", r->out);
	lrt_free(r);
	char *planted = lrt_fmt("/tmp/landrun-jobs-planted.%d", (int)getpid());
	r = job(work, LRT_ARGS("-p", policy("build"), "--", "sh", "-c", lrt_fmt("echo x > %s", planted)));
	cr_expect_neq(r->status, 0);
	cr_expect_neq(access(planted, F_OK), 0, "the build wrote /tmp");
	lrt_free(r);
	home_secrets_unreadable(policy("build"));
}

Test(jobs, build_runs_cmake)
{
	need("cmake");
	need("cc");
	write_c_project();
	lrt_write(lrt_fmt("%s/CMakeLists.txt", work),
		  "cmake_minimum_required(VERSION 3.10)\nproject(app C)\nadd_executable(app2 app.c)\n");
	struct lrt_result *r = job(work, LRT_ARGS("-p", policy("build"), "--", "sh", "-c",
						  "cmake -S . -B out >/dev/null && cmake --build out >/dev/null && ./out/app2"));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	cr_expect_str_eq(r->out, "app ok\n", "%s", r->err);
	lrt_free(r);
}

/* ---- python.ini ----------------------------------------------------------------------------------- */

Test(jobs, python_venv_and_offline_pip_install)
{
	need("python3");
	if (system("/usr/bin/python3 -c 'import ensurepip' 2>/dev/null") != 0)
		cr_skip_test("python3-venv is not installed (make check installs it: build-aux/deps.sh jobs)");
	/* a project in a directory, and a wheel, both made here: no index, no network */
	mkdir(lrt_fmt("%s/vendor", work), 0755);
	mkdir(lrt_fmt("%s/vendor/hello", work), 0755);
	mkdir(lrt_fmt("%s/vendor/hello/hello", work), 0755);
	lrt_write(lrt_fmt("%s/vendor/hello/setup.py", work),
		  "from setuptools import setup\nsetup(name='hello', version='1.0', packages=['hello'])\n");
	lrt_write(lrt_fmt("%s/vendor/hello/hello/__init__.py", work), "def hi(): return 'dir ok'\n");
	sh(work, "/usr/bin/python3 -c \"import zipfile; z = zipfile.ZipFile('vendor/wheel-1.0-py3-none-any.whl', 'w'); "
		 "z.writestr('wheel_pkg/__init__.py', 'def hi(): return \\\"wheel ok\\\"\\n'); "
		 "z.writestr('wheel-1.0.dist-info/METADATA', 'Metadata-Version: 2.1\\nName: wheel-pkg-test\\nVersion: 1.0\\n'); "
		 "z.writestr('wheel-1.0.dist-info/WHEEL', 'Wheel-Version: 1.0\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n'); "
		 "z.writestr('wheel-1.0.dist-info/RECORD', ''); z.close()\"");
	char *pol = policy("python");
	struct lrt_result *r = job(work, LRT_ARGS("-p", pol, "--", "python3", "-m", "venv", ".venv"));
	cr_assert_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
	r = job(work, LRT_ARGS("-p", pol, "--", ".venv/bin/pip", "install", "-q", "--no-index", "--no-build-isolation",
			       "./vendor/hello", "./vendor/wheel-1.0-py3-none-any.whl"));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
	r = job(work, LRT_ARGS("-p", pol, "--", ".venv/bin/python", "-c",
			       "import hello, wheel_pkg; print(hello.hi(), wheel_pkg.hi())"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect_str_eq(r->out, "dir ok wheel ok\n", "%s", r->err);
	lrt_free(r);
	/* attack twins: $HOME, and the network, from inside the venv */
	home_secrets_unreadable(pol);
	r = job(work, LRT_ARGS("-p", pol, "--", ".venv/bin/python", "-c",
			       lrt_fmt("print(open('%s/.ssh/id_rsa').read())", home)));
	cr_expect_neq(r->status, 0, "%s", r->out);
	cr_expect(lrt_contains(r->err, "PermissionError"), "%s", r->err);
	lrt_free(r);
	r = job(work, LRT_ARGS("-p", pol, "--", ".venv/bin/python", "-c",
			       "import socket; socket.create_connection(('127.0.0.1', 443), timeout=5)"));
	cr_expect_neq(r->status, 0);
	cr_expect(lrt_contains(r->err, "PermissionError"), "%s", r->err);
	lrt_free(r);
}

/* ---- node.ini ------------------------------------------------------------------------------------- */

Test(jobs, node_npm_install_and_ci_of_local_packages_offline)
{
	need("node");
	need("npm");
	char *pol = policy("node");
	mkdir(lrt_fmt("%s/vendor", work), 0755);
	mkdir(lrt_fmt("%s/vendor/greet", work), 0755);
	lrt_write(lrt_fmt("%s/vendor/greet/package.json", work), "{\"name\":\"greet\",\"version\":\"1.0.0\",\"main\":\"index.js\"}\n");
	lrt_write(lrt_fmt("%s/vendor/greet/index.js", work), "module.exports = () => 'greet ok';\n");
	mkdir(lrt_fmt("%s/vendor/shout", work), 0755);
	lrt_write(lrt_fmt("%s/vendor/shout/package.json", work), "{\"name\":\"shout\",\"version\":\"1.0.0\",\"main\":\"index.js\"}\n");
	lrt_write(lrt_fmt("%s/vendor/shout/index.js", work), "module.exports = (s) => s.toUpperCase();\n");
	lrt_write(lrt_fmt("%s/package.json", work), "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true}\n");
	/* a plain run of node: no denial at all */
	struct lrt_result *r = job(work, LRT_ARGS("--log-denials", "-p", pol, "--", "node", "-e",
						  "console.log(require('os').cpus().length > 0)"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect_str_eq(r->out, "true\n");
	cr_expect(!lrt_contains(r->err, "denied"), "%s", r->err);
	lrt_free(r);
	/* a tarball made with npm pack, and a directory */
	char *greet = lrt_fmt("%s/vendor/greet", work);
	r = job(greet, LRT_ARGS("-p", pol, "--", "npm", "pack", "-q"));
	cr_assert_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
	cr_assert_eq(access(lrt_fmt("%s/greet-1.0.0.tgz", greet), F_OK), 0);
	r = job(work, LRT_ARGS("-p", pol, "--", "npm", "install", "--no-audit", "./vendor/greet/greet-1.0.0.tgz",
			       "./vendor/shout"));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
	static const char use[] = "console.log(require('shout')(require('greet')()))";
	r = job(work, LRT_ARGS("-p", pol, "--", "node", "-e", use));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect_str_eq(r->out, "GREET OK\n", "%s", r->err);
	lrt_free(r);
	/* npm ci from the lock file, into a fresh node_modules */
	lrt_rmrf(lrt_fmt("%s/node_modules", work));
	r = job(work, LRT_ARGS("-p", pol, "--", "npm", "ci", "--no-audit"));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
	r = job(work, LRT_ARGS("-p", pol, "--", "node", "-e", use));
	cr_expect_str_eq(r->out, "GREET OK\n", "%s", r->err);
	lrt_free(r);
	/* npm's cache is in the current directory (where npm pack leaves it out), not in $HOME */
	struct stat st;
	cr_expect_eq(stat(lrt_fmt("%s/node_modules/.cache/npm", work), &st), 0, "no npm cache in node_modules/.cache");
	cr_expect_neq(stat(lrt_fmt("%s/.npm", home), &st), 0, "npm wrote ~/.npm");
	home_secrets_unreadable(pol);
	r = job(work, LRT_ARGS("-p", pol, "--", "node", "-e",
			       lrt_fmt("require('fs').readFileSync('%s/.git-credentials')", home)));
	cr_expect_neq(r->status, 0);
	cr_expect(lrt_contains(r->err, "EACCES"), "%s", r->err);
	lrt_free(r);
	/* nothing of the machine outside the current directory is writable */
	r = job(work, LRT_ARGS("-p", pol, "--", "node", "-e", lrt_fmt("require('fs').writeFileSync('%s/planted', 'x')", T)));
	cr_expect_neq(r->status, 0);
	cr_expect_neq(access(lrt_fmt("%s/planted", T), F_OK), 0);
	lrt_free(r);
}

/* ---- serve.ini and curl.ini ----------------------------------------------------------------------- */

/* A TCP port free on loopback now (bound, read, released). */
static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		  getsockname(fd, (struct sockaddr *)&a, &len) == 0);
	close(fd);
	return ntohs(a.sin_port);
}

struct server {
	pid_t pid;
	int out; /* its stdout and stderr */
	char seen[8192];
};

/* landrun args... in cwd with env, in the background; returns once its output holds ready, or
 * false when it ended first (s->seen holds what it printed). */
static bool start_server(struct server *s, const char *cwd, char *const env[], const char *const args[],
			 const char *ready)
{
	int p[2];
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	size_t n = 0;
	while (args[n])
		n++;
	const char **argv = calloc(n + 2, sizeof(char *));
	argv[0] = lrt_landrun();
	memcpy(argv + 1, args, n * sizeof(char *));
	s->pid = fork();
	cr_assert_neq(s->pid, -1);
	if (s->pid == 0) {
		/* ended with the test's process, also when the test stops before stop_server (a skip
		 * under check-abi, a failed assertion): the kernel's signal, from outside the sandbox */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], 1);
		dup2(p[1], 2);
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		if (chdir(cwd) < 0)
			_exit(99);
		execve(argv[0], (char *const *)argv, env);
		_exit(98);
	}
	free(argv);
	close(p[1]);
	s->out = p[0];
	size_t have = 0;
	s->seen[0] = '\0';
	while (!strstr(s->seen, ready)) {
		ssize_t got = read(s->out, s->seen + have, sizeof(s->seen) - 1 - have);
		if (got <= 0)
			return false;
		have += (size_t)got;
		s->seen[have] = '\0';
	}
	return true;
}

static void stop_server(struct server *s)
{
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
	close(s->out);
}

Test(jobs, serve_and_curl_on_granted_ports_only)
{
	need("python3");
	need("curl");
	char *site = lrt_fmt("%s/site", work);
	mkdir(site, 0755);
	lrt_write(lrt_fmt("%s/index.txt", site), "hello from the site\n");
	lrt_write(lrt_fmt("%s/outside.txt", work), "outside SECRET\n");
	cr_assert_eq(symlink("../outside.txt", lrt_fmt("%s/leak.txt", site)), 0);
	int port = free_port();
	char ports[16];
	snprintf(ports, sizeof(ports), "%d", port);
	char *const env[] = { "PATH=/usr/bin:/bin", env_home, "LANG=C", NULL };
	struct server s;
	bool up = start_server(&s, site, env,
			       LRT_ARGS("-p", policy("serve"), "--bind-tcp", ports, "--", "python3", "-u", "-m",
					"http.server", "--bind", "127.0.0.1", ports),
			       "Serving HTTP");
	cr_assert(up, "the server did not start: %s", s.seen);
	char *url = lrt_fmt("http://127.0.0.1:%d/", port);
	struct lrt_result *r = job(work, LRT_ARGS("-p", policy("curl"), "--connect-tcp", ports, "--", "curl", "-fsS",
						  "-o", "got.txt", lrt_fmt("%sindex.txt", url)));
	cr_expect_eq(r->status, 0, "%s", r->err);
	lrt_free(r);
	r = job(work, LRT_ARGS("--", "cat", "got.txt"));
	cr_expect_str_eq(r->out, "hello from the site\n");
	lrt_free(r);
	/* the server reads its directory only: a link out of it is not served */
	r = job(work, LRT_ARGS("-p", policy("curl"), "--connect-tcp", ports, "--", "curl", "-fsS", lrt_fmt("%sleak.txt", url)));
	cr_expect_eq(r->status, 22, "%s%s", r->out, r->err);
	cr_expect(!lrt_contains(r->out, "SECRET"), "%s", r->out);
	lrt_free(r);
	/* curl connects to the granted ports only */
	r = job(work, LRT_ARGS("-p", policy("curl"), "--", "curl", "-fsS", lrt_fmt("%sindex.txt", url)));
	cr_expect_eq(r->status, 7, "an ungranted port was reached: %s%s", r->out, r->err);
	lrt_free(r);
	/* and the server binds the granted ports only */
	int other = free_port();
	char others[16];
	snprintf(others, sizeof(others), "%d", other);
	r = job(site, LRT_ARGS("-p", policy("serve"), "--", "python3", "-m", "http.server", "--bind", "127.0.0.1", others));
	cr_expect_neq(r->status, 0, "bound an ungranted port: %s", r->out);
	cr_expect(lrt_contains(r->err, "PermissionError"), "%s", r->err);
	lrt_free(r);
	stop_server(&s);
	/* curl keeps $HOME out of reach too */
	home_secrets_unreadable(policy("curl"));
}

/* ---- service.ini and the example unit --------------------------------------------------------------- */

static char *example_unit(void)
{
	/* the source tree, or the copy next to the staged policies (a run as nobody, which may not
	 * read the checkout) */
	char *path = lrt_fmt("%s/examples/landrun-example.service", LANDRUN_SRCDIR);
	FILE *f = fopen(path, "r");
	if (!f)
		f = fopen(path = lrt_fmt("%s/../examples/landrun-example.service", lrt_policies()), "r");
	cr_assert(f, "cannot read %s", path);
	static char text[8192];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* text with every from replaced by to; malloc'd */
static char *replace(const char *text, const char *from, const char *to)
{
	char *out = lrt_fmt("%s", "");
	for (const char *p; (p = strstr(text, from)); text = p + strlen(from))
		out = lrt_fmt("%s%.*s%s", out, (int)(p - text), text, to);
	return lrt_fmt("%s%s", out, text);
}

Test(jobs, example_unit_verifies_and_its_command_serves_the_state_directory)
{
	need("python3");
	need("curl");
	char *unit = example_unit();
	char *line = strstr(unit, "\nExecStart=");
	cr_assert(line, "no ExecStart= in the example unit");
	line = lrt_fmt("%.*s", (int)strcspn(line + 11, "\n"), line + 11);
	cr_assert(lrt_contains(line, "/usr/bin/landrun -p service "), "%s", line);
	/* systemd-analyze verify: no warning for the unit, with landrun where it is installed */
	if (access("/usr/bin/systemd-analyze", X_OK) == 0) {
		char *dir = lrt_fmt("%s/units", T);
		mkdir(dir, 0755);
		lrt_write(lrt_fmt("%s/landrun-example.service", dir), replace(unit, "/usr/bin/landrun", lrt_landrun()));
		char *cmd = lrt_fmt("/usr/bin/systemd-analyze verify %s/landrun-example.service 2>&1", dir);
		FILE *p = popen(cmd, "r");
		char out[4096] = "";
		size_t n = fread(out, 1, sizeof(out) - 1, p);
		out[n] = '\0';
		cr_expect_eq(pclose(p), 0, "%s", out);
		cr_expect_str_eq(out, "", "systemd-analyze verify warns");
		/* twin: a unit with a mistake is reported */
		lrt_write(lrt_fmt("%s/landrun-example.service", dir),
			  replace(replace(unit, "/usr/bin/landrun", lrt_landrun()), "Type=exec", "Type=execc"));
		p = popen(cmd, "r");
		n = fread(out, 1, sizeof(out) - 1, p);
		out[n] = '\0';
		pclose(p);
		cr_expect(lrt_contains(out, "execc"), "a broken unit passed: %s", out);
	}
	/* run the unit's command as systemd would: STATE_DIRECTORY set, the port free here */
	char *state = lrt_fmt("%s/state", T);
	mkdir(state, 0755);
	lrt_write(lrt_fmt("%s/index.txt", state), "state ok\n");
	int port = free_port();
	char ports[16];
	snprintf(ports, sizeof(ports), "%d", port);
	char *cmd = replace(replace(replace(line, "/usr/bin/landrun ", ""), "-p service", lrt_fmt("-p %s", policy("service"))),
			    "${STATE_DIRECTORY}", state);
	cmd = replace(cmd, "8080", ports);
	const char *argv[32];
	size_t n = 0;
	for (char *save = NULL, *w = strtok_r(cmd, " ", &save); w && n < 31; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	char *state_env = lrt_fmt("STATE_DIRECTORY=%s", state);
	char *const env[] = { "PATH=/usr/bin:/bin", env_home, "LANG=C", state_env, NULL };
	struct server s;
	cr_assert(start_server(&s, "/", env, argv, "Serving HTTP"), "the unit's command did not start: %s", s.seen);
	struct lrt_result *r = job(work, LRT_ARGS("-p", policy("curl"), "--connect-tcp", ports, "--", "curl", "-fsS",
						  lrt_fmt("http://127.0.0.1:%d/index.txt", port)));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect_str_eq(r->out, "state ok\n");
	lrt_free(r);
	stop_server(&s);
	/* the daemon writes its state directory and nothing else */
	char *const env2[] = { "PATH=/usr/bin:/bin", env_home, "LANG=C", state_env, NULL };
	r = lrt_run_env("/", env2, LRT_ARGS("-p", policy("service"), "--", "sh", "-c",
					    lrt_fmt("echo s > \"$STATE_DIRECTORY/written\" && echo x > %s/planted", T)));
	cr_expect_neq(r->status, 0);
	cr_expect_eq(access(lrt_fmt("%s/written", state), F_OK), 0, "%s", r->err);
	cr_expect_neq(access(lrt_fmt("%s/planted", T), F_OK), 0, "wrote outside the state directory");
	lrt_free(r);
	/* without StateDirectory= in the unit, landrun refuses to start */
	char *const env3[] = { "PATH=/usr/bin:/bin", env_home, "LANG=C", NULL };
	r = lrt_run_env("/", env3, LRT_ARGS("-p", policy("service"), "--", "true"));
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "service.ini:") && lrt_contains(r->err, "STATE_DIRECTORY"), "%s", r->err);
	lrt_free(r);
}

/* ---- every shipped policy: listed, and its exposure bounded ----------------------------------------- */

Test(jobs, shipped_job_policies_are_listed_and_checked)
{
	static const char names[][8] = { "build", "python", "node", "curl", "serve", "service" };
	struct lrt_result *r = job(work, LRT_ARGS("policies"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	for (size_t i = 0; i < LRT_LEN(names); i++)
		cr_expect(lrt_contains(r->out, lrt_fmt("\n%s", names[i])) || strncmp(r->out, names[i], strlen(names[i])) == 0,
			  "%s not listed: %s", names[i], r->out);
	lrt_free(r);
	char *state = lrt_fmt("%s/state", T);
	mkdir(state, 0755);
	char *const env[] = { "PATH=/usr/bin:/bin", env_home, "LANG=C", lrt_fmt("STATE_DIRECTORY=%s", state), NULL };
	for (size_t i = 0; i < LRT_LEN(names); i++) {
		r = lrt_run_env(work, env, LRT_ARGS("check", "--threshold", "3", policy(names[i])));
		cr_expect_eq(r->status, 0, "%s: %s%s", names[i], r->out, r->err);
		lrt_free(r);
	}
}

/* serve publishes ro = ${CWD} to whoever connects: started from $HOME, a hidden directory of it
 * or /, it would hand out the keys there. Refused, the command does not run; check says the same.
 * The twin: from a work directory it reads what is there, and nothing of $HOME. */
Test(jobs, serve_refuses_to_publish_home_or_the_root)
{
	const char *dirs[] = { home, lrt_fmt("%s/.ssh", home), "/" };
	const char *why[] = { "is $HOME", "is a hidden directory of $HOME", "is the root of the filesystem" };
	const char *key = lrt_fmt("%s/.ssh/id_rsa", home);
	for (size_t i = 0; i < LRT_LEN(dirs); i++) {
		struct lrt_result *r = job(dirs[i], LRT_ARGS("-p", policy("serve"), "--", "cat", key));
		cr_expect_eq(r->status, 125, "%s: %s%s", dirs[i], r->out, r->err);
		cr_expect(!lrt_contains(r->out, "PRIVATE KEY"), "%s: the key was read: %s", dirs[i], r->out);
		cr_expect(lrt_contains(r->err, "serve.ini:") && lrt_contains(r->err, why[i]) &&
			  lrt_contains(r->err, "ro = ${CWD} would let the command read all of it"), "%s: %s", dirs[i], r->err);
		lrt_free(r);
	}
	struct lrt_result *r = job(home, LRT_ARGS("check", "--threshold", "3", policy("serve")));
	cr_expect_neq(r->status, 0, "%s", r->out);
	cr_expect(lrt_contains(r->out, "rw-workdir") && lrt_contains(r->out, "is $HOME"), "%s", r->out);
	lrt_free(r);
	lrt_write(lrt_fmt("%s/index.html", work), "published\n");
	r = job(work, LRT_ARGS("-p", policy("serve"), "--", "cat", "index.html"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "published"), "%s", r->out);
	lrt_free(r);
	r = job(work, LRT_ARGS("-p", policy("serve"), "--", "cat", key));
	cr_expect_neq(r->status, 0, "%s", r->out);
	cr_expect(!lrt_contains(r->out, "PRIVATE KEY"), "%s", r->out);
	lrt_free(r);
}

/* service's rw = ${env:STATE_DIRECTORY}: the environment chooses the directory, and a unit that
 * names too wide a one (/var/lib itself, /, the home directory, /etc) is refused: the command does
 * not run, nothing is written there; check says the same. The twin: a directory of its own. */
Test(jobs, service_refuses_a_state_directory_shared_by_everything)
{
	const char *dirs[] = { "/var/lib", "/", home, "/etc" };
	const char *why[] = { "a directory every service or user shares", "the root of the filesystem", "is $HOME",
			      "a system directory" };
	for (size_t i = 0; i < LRT_LEN(dirs); i++) {
		char *const env[] = { "PATH=/usr/bin:/bin", env_home, "LANG=C", lrt_fmt("STATE_DIRECTORY=%s", dirs[i]), NULL };
		char *marker = lrt_fmt("%s/landrun-state-test", dirs[i]);
		struct lrt_result *r = lrt_run_env(work, env, LRT_ARGS("-p", policy("service"), "--", "sh", "-c",
								      lrt_fmt("echo x > %s", marker)));
		cr_expect_eq(r->status, 125, "%s: %s%s", dirs[i], r->out, r->err);
		cr_expect(lrt_contains(r->err, "taken from the environment") && lrt_contains(r->err, why[i]), "%s: %s",
			  dirs[i], r->err);
		cr_expect_neq(access(marker, F_OK), 0, "%s: the command ran", dirs[i]);
		lrt_free(r);
		r = lrt_run_env(work, env, LRT_ARGS("check", "--threshold", "3", policy("service")));
		cr_expect(lrt_contains(r->out, "rw-workdir") && lrt_contains(r->out, "taken from the environment"), "%s: %s",
			  dirs[i], r->out);
		lrt_free(r);
	}
	char *state = lrt_fmt("%s/own-state", T);
	mkdir(state, 0755);
	char *const env[] = { "PATH=/usr/bin:/bin", env_home, "LANG=C", lrt_fmt("STATE_DIRECTORY=%s", state), NULL };
	struct lrt_result *r = lrt_run_env(work, env, LRT_ARGS("-p", policy("service"), "--", "sh", "-c",
							      "echo x > \"$STATE_DIRECTORY/written\""));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect_eq(access(lrt_fmt("%s/written", state), F_OK), 0);
	lrt_free(r);
}

/* Load: many landrun processes at once, each sandboxed with nothing leaked into it, and nothing
 * left behind. (The library's 10,000 spawns from 32 threads are in test_library.c.) */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

static char *T, *policy, *loadprobe;

static void setup(void)
{
	T = lrt_mkdtemp("/var/tmp");
	policy = lrt_policy(T, "load", "ro = /proc\n");
	char *helpers = lrt_helpers_dir();
	loadprobe = lrt_fmt("%s/loadprobe", helpers);
	free(helpers);
}
static void teardown(void) { lrt_rmrf(T); free(T); free(policy); free(loadprobe); }
TestSuite(load, .init = setup, .fini = teardown);

/* Starts `landrun -p policy -- loadprobe self wait` with stdin on gate and stdout and stderr into
 * out (a file). */
static pid_t start_landrun(int gate, const char *out)
{
	pid_t pid = fork();
	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(gate, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(98);
		char *const argv[] = { (char *)lrt_landrun(), "-p", policy, "--", loadprobe, "self", "wait", NULL };
		char *const envp[] = { "PATH=/usr/bin:/bin", "LANG=C", NULL };
		execve(argv[0], argv, envp);
		_exit(99);
	}
	return pid;
}

/* How many processes in /proc have this one as their parent (zombies included). */
static int children_in_proc(void)
{
	DIR *d = opendir("/proc");
	cr_assert(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char *path = lrt_fmt("/proc/%s/stat", e->d_name);
		FILE *f = fopen(path, "r");
		free(path);
		if (!f)
			continue; /* gone meanwhile */
		char buf[512];
		size_t got = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[got] = '\0';
		/* "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses */
		const char *rp = strrchr(buf, ')');
		char state;
		int ppid;
		if (rp && sscanf(rp + 1, " %c %d", &state, &ppid) == 2 && ppid == getpid())
			n++;
	}
	closedir(d);
	return n;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	cr_assert(f, "%s", path);
	char *buf = calloc(1, 4096);
	cr_assert(buf);
	size_t got = fread(buf, 1, 4095, f);
	buf[got] = '\0';
	fclose(f);
	return buf;
}

/* 200 landrun processes alive at the same time: each command sees only fds 0, 1, 2, runs with
 * seccomp and no_new_privs, and exits 0; all are reaped and none is left in /proc. */
Test(load, two_hundred_concurrent_cli_runs, .timeout = 300)
{
	enum { N = 200 };
	int gate[2];
	cr_assert_eq(pipe2(gate, O_CLOEXEC), 0);
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		char *out = lrt_fmt("%s/out.%d", T, i);
		pids[i] = start_landrun(gate[0], out);
		free(out);
	}
	close(gate[0]);
	/* every command waits for the gate to close: none may have ended yet */
	int st = 0;
	pid_t early = waitpid(-1, &st, WNOHANG);
	cr_expect_eq(early, 0, "a landrun process ended before the gate opened (status %d)", st);
	close(gate[1]);

	int failed = 0;
	for (int i = 0; i < N; i++) {
		if (pids[i] == early)
			continue;
		cr_assert_eq(waitpid(pids[i], &st, 0), pids[i]);
		char *out = lrt_fmt("%s/out.%d", T, i);
		char *text = read_text(out);
		bool ok = WIFEXITED(st) && WEXITSTATUS(st) == 0 && lrt_contains(text, "fds 0 1 2\n") &&
			  lrt_contains(text, "Seccomp:\t2\n") && lrt_contains(text, "NoNewPrivs:\t1\n");
		if (!ok && failed++ < 3)
			cr_log_error("run %d: status %d: %s", i, st, text);
		free(text);
		free(out);
	}
	cr_expect_eq(failed, 0, "%d of %d concurrent runs failed or leaked an fd", failed, N);
	cr_expect_eq(waitpid(-1, NULL, WNOHANG), -1, "a child is left to reap");
	cr_expect_eq(errno, ECHILD);
	cr_expect_eq(children_in_proc(), 0, "a child (or zombie) of the test is still in /proc");
}

/* The twin of the fd check: an fd the caller leaks into landrun is seen by the probe's check. */
Test(load, the_fd_check_sees_a_leaked_fd)
{
	int gate[2];
	cr_assert_eq(pipe2(gate, O_CLOEXEC), 0);
	char *out = lrt_fmt("%s/out.leak", T);
	/* [process] keep_fds passes fd 7 on purpose: the probe must report it and fail */
	char *pol = lrt_policy(T, "leak", "ro = /proc\n[process]\nkeep_fds = 7\n");
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int seven = open("/dev/null", O_RDONLY);
		if (fd < 0 || seven < 0 || dup2(seven, 7) < 0 || dup2(gate[0], 0) < 0 || dup2(fd, 1) < 0 ||
		    dup2(fd, 2) < 0)
			_exit(98);
		char *const argv[] = { (char *)lrt_landrun(), "-p", pol, "--", loadprobe, "self", NULL };
		char *const envp[] = { "PATH=/usr/bin:/bin", NULL };
		execve(argv[0], argv, envp);
		_exit(99);
	}
	close(gate[0]);
	close(gate[1]);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	char *text = read_text(out);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d: %s", st, text);
	cr_expect(lrt_contains(text, "fds 0 1 2 7\n"), "%s", text);
	free(text);
	free(out);
	free(pol);
}

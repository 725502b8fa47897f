/* gate: run a program traced and hold it at the entry of its first call of one syscall while a
 * hook command runs, to put an attacker's move exactly between two of its steps (no timing).
 *
 *   gate NR HOOK -- PROG [ARG...]
 *
 * PROG runs as gate's traced child. At the entry of its first syscall number NR, gate runs
 * `sh -c HOOK` and waits for it; the hook's exit status must be 0. Then gate detaches and waits
 * for PROG, whose exit status (or 128 + signal) it returns. Exit status 120: gate's own failure,
 * 121: PROG never made the call, 122: the hook failed. Only the first thread is traced, which
 * is enough for a single-threaded PROG. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static int exit_status(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int run_hook(const char *hook)
{
	int st;
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", hook, (char *)NULL);
		_exit(127);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc < 5 || strcmp(argv[3], "--") != 0) {
		fprintf(stderr, "usage: gate NR HOOK -- PROG [ARG...]\n");
		return 120;
	}
	long nr = strtol(argv[1], NULL, 0);
	pid_t pid = fork();
	if (pid < 0)
		return 120;
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(120);
		raise(SIGSTOP);
		execvp(argv[4], argv + 4);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st) ||
	    ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)) < 0)
		return 120;
	int sig = 0;
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig) < 0)
			return 120;
		if (waitpid(pid, &st, 0) != pid)
			return 120;
		if (WIFEXITED(st) || WIFSIGNALED(st))
			return 121;
		sig = 0;
		if (!WIFSTOPPED(st))
			continue;
		if (WSTOPSIG(st) != (SIGTRAP | 0x80)) {
			sig = WSTOPSIG(st) == SIGTRAP ? 0 : WSTOPSIG(st); /* exec's SIGTRAP is ours */
			continue;
		}
		/* which stop this is comes from the kernel: signal stops in between cannot confuse it */
		struct __ptrace_syscall_info info;
		if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info) <= 0)
			return 120;
		if (info.op == PTRACE_SYSCALL_INFO_ENTRY && (long)info.entry.nr == nr)
			break;
	}
	int hook = run_hook(argv[2]);
	if (ptrace(PTRACE_DETACH, pid, NULL, NULL) < 0)
		return 120;
	if (waitpid(pid, &st, 0) != pid)
		return 120;
	return hook < 0 ? 122 : exit_status(st);
}

/* sv_sleep: a long-running command for the supervisor tests.
 * usage: sv_sleep SECONDS [FLAGS]   FLAGS: i = ignore SIGTERM, f = fork a grandchild that does
 * the same, d = first start a daemon (fork, setsid, fork: out of the process group, re-parented)
 * that ignores SIGTERM, keeps stdout open and sleeps, s = stop itself (SIGSTOP) once ready.
 * Prints "PID\n" (with f: "PID GRANDCHILD_PID\n"; with d, first a line "DAEMON_PID\n") once
 * ready, then sleeps. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

/* fork, setsid, fork: the daemon prints its pid and sleeps; returns once it exists. */
static int start_daemon(void)
{
	pid_t middle = fork();
	if (middle < 0)
		return -1;
	if (middle == 0) {
		setsid();
		pid_t daemon = fork();
		if (daemon == 0) {
			signal(SIGTERM, SIG_IGN);
			printf("%d\n", (int)getpid());
			fflush(stdout);
			for (;;)
				pause();
		}
		_exit(daemon < 0);
	}
	int st;
	return waitpid(middle, &st, 0) == middle && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: sv_sleep SECONDS [FLAGS]\n");
		return 2;
	}
	const char *flags = argc > 2 ? argv[2] : "";
	if (strchr(flags, 'i'))
		signal(SIGTERM, SIG_IGN);
	if (strchr(flags, 'd') && start_daemon() < 0)
		return 3;
	pid_t grandchild = 0;
	if (strchr(flags, 'f') && (grandchild = fork()) < 0)
		return 3;
	if (grandchild > 0)
		printf("%d %d\n", (int)getpid(), (int)grandchild);
	else if (!strchr(flags, 'f'))
		printf("%d\n", (int)getpid());
	fflush(stdout);
	if (strchr(flags, 's'))
		raise(SIGSTOP);
	time_t end = time(NULL) + atoi(argv[1]);
	while (time(NULL) < end)
		sleep(1);
	return 0;
}

/* sv_sleep: a long-running command for the supervisor tests.
 * usage: sv_sleep SECONDS [FLAGS]   FLAGS: i = ignore SIGTERM, f = fork a grandchild that does
 * the same. Prints "PID\n" (with f: "PID GRANDCHILD_PID\n") once ready, then sleeps. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: sv_sleep SECONDS [FLAGS]\n");
		return 2;
	}
	const char *flags = argc > 2 ? argv[2] : "";
	if (strchr(flags, 'i'))
		signal(SIGTERM, SIG_IGN);
	pid_t grandchild = 0;
	if (strchr(flags, 'f') && (grandchild = fork()) < 0)
		return 3;
	if (grandchild > 0)
		printf("%d %d\n", (int)getpid(), (int)grandchild);
	else if (!strchr(flags, 'f'))
		printf("%d\n", (int)getpid());
	fflush(stdout);
	time_t end = time(NULL) + atoi(argv[1]);
	while (time(NULL) < end)
		sleep(1);
	return 0;
}

/* fetch-all.c: "git fetch" in many repositories at once, each in
 * its own sandboxed child. The policy is read and compiled once.
 *
 *   cc -o fetch-all fetch-all.c $(pkg-config --cflags --libs landrun)
 *   ./fetch-all git ~/src/a ~/src/b ...
 *
 * POLICY (git: the shipped git.ini) is a file or a NAME; each
 * repository is granted read-write. This program is in landrun(3). */
#include <errno.h>
#include <fcntl.h>
#include <landrun.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

static void die(const char *what, const landrun_error *err)
{
	fprintf(stderr, "fetch-all: %s: %s\n", what, err->msg);
	exit(1);
}

int main(int argc, char **argv)
{
	landrun_error err = { 0 };
	if (argc < 3) {
		fprintf(stderr, "usage: fetch-all POLICY REPO...\n");
		return 2;
	}
	landrun_policy *policy = landrun_policy_new();
	if (!policy || landrun_policy_load(policy, argv[1], &err))
		die(argv[1], &err);
	for (int i = 2; i < argc; i++) {
		/* grants take absolute paths */
		char *dir = realpath(argv[i], NULL);
		if (!dir) {
			perror(argv[i]);
			return 1;
		}
		if (landrun_policy_set(policy, "filesystem", "rw", dir,
				       &err))
			die(dir, &err);
		free(dir);
	}
	landrun_sandbox *sb = landrun_compile(policy, NULL, &err);
	if (!sb)
		die(argv[1], &err);

	/* Start them all: landrun_spawn returns once a child has
	 * executed git (or failed, then reaped). */
	pid_t *pids = calloc((size_t)argc, sizeof(pid_t));
	char *const args[] = { "git", "fetch", "--quiet", NULL };
	for (int i = 2; i < argc; i++) {
		landrun_file_actions *fa = landrun_file_actions_new();
		if (!fa ||
		    landrun_file_actions_addopen(fa, 0, "/dev/null",
						 O_RDONLY, 0) ||
		    landrun_file_actions_addchdir(fa, argv[i])) {
			perror("fetch-all");
			return 1;
		}
		pids[i] = landrun_spawn(sb, "/usr/bin/git", args, fa,
					&err);
		if (pids[i] < 0)
			fprintf(stderr, "fetch-all: %s\n", err.msg);
		landrun_file_actions_free(fa);
	}
	int failed = 0;
	for (int i = 2; i < argc; i++) {
		int status;
		if (pids[i] < 0) {
			failed++;
			continue;
		}
		while (waitpid(pids[i], &status, 0) < 0)
			if (errno != EINTR) {
				perror("waitpid");
				return 1;
			}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "fetch-all: %s: git fetch failed\n",
				argv[i]);
			failed++;
		}
	}
	free(pids);
	landrun_sandbox_free(sb);
	landrun_policy_free(policy); /* after the sandbox */
	return failed ? 1 : 0;
}

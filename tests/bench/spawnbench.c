/* spawnbench LANDRUN [N [POLICY]]: throughput of starting /bin/true N times (default 2000) three ways:
 *   lib    GIT_POLICY (policies/git.ini) compiled once, then landrun_spawn + waitpid per run
 *   posix  posix_spawn + waitpid, no sandbox: the floor
 *   cli    posix_spawn of `LANDRUN --policy GIT_POLICY -- /bin/true`: parse, compile and
 *          apply every time
 * Run from the repository root. The N runs of each are done in 20 blocks, interleaved in
 * rotating order like bench's rounds, so machine drift hits all three alike; ratios are medians
 * of per-block ratios.
 * With POLICY, first times landrun_policy_load + landrun_compile of it in this process: the
 * parse+compile cost without the process start-up that timing `landrun --explain` includes. */
#include "bench.h"
#include "landrun.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum { BLOCKS = 20, LIB = 0, POSIX, CLI, METHODS };
static const char *const method_names[METHODS] = { "landrun_spawn", "posix_spawn", "landrun CLI" };

static const landrun_sandbox *sb;
static const landrun_file_actions *lfa;
static posix_spawn_file_actions_t pfa;
static char *landrun_bin, *git_policy;

static void reap(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			perror("waitpid");
			exit(1);
		}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "spawnbench: child failed (wait status %#x)\n", (unsigned)st);
		exit(1);
	}
}

static void spawn_one(int method)
{
	static char *true_argv[] = { "/bin/true", NULL };
	char *cli_argv[] = { landrun_bin, "--policy", git_policy, "--", "/bin/true", NULL };
	pid_t pid;
	if (method == LIB) {
		landrun_error err = { 0 };
		pid = landrun_spawn(sb, "/bin/true", true_argv, lfa, &err);
		if (pid < 0) {
			fprintf(stderr, "spawnbench: %s\n", err.msg);
			exit(1);
		}
	} else {
		char **argv = method == POSIX ? true_argv : cli_argv;
		int rc = posix_spawn(&pid, argv[0], &pfa, NULL, argv, environ);
		if (rc) {
			fprintf(stderr, "spawnbench: %s: %s\n", argv[0], strerror(rc));
			exit(1);
		}
	}
	reap(pid);
}

static void time_compile(const char *policy)
{
	enum { RUNS = 30 };
	double t[RUNS];
	for (int i = 0; i < RUNS; i++) {
		landrun_error err = { 0 };
		double t0 = now_ns();
		landrun_policy *p = landrun_policy_new();
		landrun_sandbox *s = NULL;
		if (!p || landrun_policy_load(p, policy, &err) || !(s = landrun_compile(p, NULL, &err))) {
			fprintf(stderr, "spawnbench: %s\n", err.set ? err.msg : "out of memory");
			exit(1);
		}
		landrun_sandbox_free(s);
		landrun_policy_free(p);
		t[i] = (now_ns() - t0) / 1e3;
	}
	double med = quantile(t, RUNS, 0.5);
	printf("load+compile %s: median %.0f us, p10 %.0f us, p90 %.0f us (%d runs)\n", policy, med,
	       t[(int)(0.1 * (RUNS - 1) + 0.5)], t[(int)(0.9 * (RUNS - 1) + 0.5)], RUNS);
	figure("parse+compile BIG, library (in-process)", med, "us", "<= 5000");
}

int main(int argc, char *argv[])
{
	if (argc < 3) {
		fprintf(stderr, "usage: spawnbench LANDRUN GIT_POLICY [N [POLICY]]\n");
		return 2;
	}
	landrun_bin = argv[1];
	git_policy = argv[2];
	if (argc > 4)
		time_compile(argv[4]);
	int per_block = (argc > 3 ? atoi(argv[3]) : 2000) / BLOCKS;
	if (per_block < 1)
		per_block = 1;

	landrun_error err = { 0 };
	landrun_policy *p = landrun_policy_new();
	landrun_sandbox *s = NULL;
	if (!p || landrun_policy_load(p, git_policy, &err) || !(s = landrun_compile(p, NULL, &err))) {
		fprintf(stderr, "spawnbench: %s\n", err.set ? err.msg : "out of memory");
		return 1;
	}
	sb = s;

	/* All three send stdout and stderr to /dev/null. */
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	landrun_file_actions *fa = landrun_file_actions_new();
	if (devnull < 0 || !fa || landrun_file_actions_adddup2(fa, devnull, 1) ||
	    landrun_file_actions_adddup2(fa, devnull, 2)) {
		perror("spawnbench: file actions");
		return 1;
	}
	lfa = fa;
	posix_spawn_file_actions_init(&pfa);
	posix_spawn_file_actions_adddup2(&pfa, devnull, 1);
	posix_spawn_file_actions_adddup2(&pfa, devnull, 2);

	for (int m = 0; m < METHODS; m++) /* warm-up */
		for (int i = 0; i < 5; i++)
			spawn_one(m);

	double rate[METHODS][BLOCKS], total[METHODS] = { 0 };
	for (int b = 0; b < BLOCKS; b++)
		for (int j = 0; j < METHODS; j++) {
			int m = (b + j) % METHODS;
			double t0 = now_ns();
			for (int i = 0; i < per_block; i++)
				spawn_one(m);
			double dt = now_ns() - t0;
			total[m] += dt;
			rate[m][b] = per_block / (dt / 1e9);
		}

	printf("%-14s %10s %12s   (%d runs each, %d blocks)\n", "method", "spawns/s", "block median",
	       per_block * BLOCKS, BLOCKS);
	for (int m = 0; m < METHODS; m++) {
		double r[BLOCKS];
		memcpy(r, rate[m], sizeof(r));
		printf("%-14s %10.0f %12.0f\n", method_names[m], per_block * BLOCKS / (total[m] / 1e9),
		       quantile(r, BLOCKS, 0.5));
	}
	double vs_posix[BLOCKS], vs_cli[BLOCKS];
	for (int b = 0; b < BLOCKS; b++) {
		vs_posix[b] = rate[LIB][b] / rate[POSIX][b];
		vs_cli[b] = rate[LIB][b] / rate[CLI][b];
	}
	figure("landrun_spawn spawns/s", per_block * BLOCKS / (total[LIB] / 1e9), "/s", "");
	figure("landrun_spawn / posix_spawn throughput", quantile(vs_posix, BLOCKS, 0.5), "x", ">= 0.90");
	figure("landrun_spawn / CLI throughput", quantile(vs_cli, BLOCKS, 0.5), "x", ">= 1.8");

	landrun_file_actions_free(fa);
	landrun_sandbox_free(s);
	landrun_policy_free(p);
	return 0;
}

/* bench: runs named commands interleaved and compares them.
 *
 *   bench [-n ROUNDS] [-V] [-u UNIT] [-b BASE] [-r A/B<=T] [-d "A - B<=T"] [-a NAME<=T] [-m NAME<=T]
 *         -- NAME CMD [ARG...] [:: NAME CMD [ARG...]]...
 *
 * Round r runs every command once, starting with command r mod k, so slow drift of the machine
 * (frequency, other load, cache state) hits all commands alike instead of whichever ran last.
 * Each run is posix_spawn + wait4 with stdout and stderr on /dev/null, timed in microseconds.
 * With -V the command prints a number instead (e.g. ns per call) and that number is the sample.
 *
 * Printed per command: median, p10, p90, the median of per-round ratios to BASE, and the peak
 * RSS (ru_maxrss; glibc's posix_spawn uses CLONE_VFORK, and the kernel carries the old mm's
 * high-water mark across exec, so the figure is at least this harness's own RSS: run.sh builds
 * it static to keep that small). As FIGURE lines graded against the target T: -r the median of
 * per-round ratios A/B, -d the median of per-round differences "A - B" (spaces required: names
 * contain '-'), -a the median of NAME, -m the peak RSS of NAME in KiB.
 * A NAME starting with '?' is optional: if it is missing or fails, it is skipped with the reason.
 * Exit status: 0, or 1 if a non-optional command could not run. */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct cmd {
	const char *name;
	char **argv;
	int optional, skip;
	double *v; /* one sample per round */
	long maxrss;
};

static int devnull = -1;
static int value_mode;

/* Runs c once; returns 0 and the sample in *out, or -1 after saying why. */
static int run_once(struct cmd *c, double *out)
{
	posix_spawn_file_actions_t fa;
	int pfd[2] = { -1, -1 };
	posix_spawn_file_actions_init(&fa);
	if (value_mode && pipe2(pfd, O_CLOEXEC)) {
		perror("bench: pipe");
		exit(1);
	}
	posix_spawn_file_actions_adddup2(&fa, value_mode ? pfd[1] : devnull, 1);
	posix_spawn_file_actions_adddup2(&fa, devnull, 2);

	pid_t pid;
	double t0 = now_ns();
	int rc = posix_spawn(&pid, c->argv[0], &fa, NULL, c->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		if (value_mode) {
			close(pfd[0]);
			close(pfd[1]);
		}
		printf("%s: cannot run %s: %s\n", c->name, c->argv[0], strerror(rc));
		return -1;
	}
	char buf[128] = "";
	if (value_mode) {
		close(pfd[1]);
		size_t len = 0;
		ssize_t k;
		while ((k = read(pfd[0], buf + len, sizeof(buf) - 1 - len)) > 0 || (k < 0 && errno == EINTR))
			len += k > 0 ? (size_t)k : 0;
		buf[len] = '\0';
		close(pfd[0]);
	}
	int st;
	struct rusage ru;
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("bench: wait4");
			exit(1);
		}
	double t1 = now_ns();
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("%s: %s exited with %s %d\n", c->name, c->argv[0],
		       WIFEXITED(st) ? "status" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		return -1;
	}
	if (ru.ru_maxrss > c->maxrss)
		c->maxrss = ru.ru_maxrss;
	if (!value_mode) {
		*out = (t1 - t0) / 1e3;
		return 0;
	}
	char *end;
	*out = strtod(buf, &end);
	if (end == buf) {
		printf("%s: printed no number\n", c->name);
		return -1;
	}
	return 0;
}

static struct cmd *find(struct cmd *cmds, int k, const char *name, size_t len)
{
	for (int i = 0; i < k; i++)
		if (strlen(cmds[i].name) == len && strncmp(cmds[i].name, name, len) == 0)
			return &cmds[i];
	return NULL;
}

/* Median over rounds of a[r] / b[r], or of a[r] - b[r]. */
static double compare(const struct cmd *a, const struct cmd *b, int n, int diff)
{
	double *q = malloc(sizeof(double) * (size_t)n);
	if (!q)
		exit(1);
	for (int r = 0; r < n; r++)
		q[r] = diff ? a->v[r] - b->v[r] : a->v[r] / b->v[r];
	double m = quantile(q, (size_t)n, 0.5);
	free(q);
	return m;
}

static double median_of(const struct cmd *c, int n)
{
	double *q = malloc(sizeof(double) * (size_t)n);
	if (!q)
		exit(1);
	memcpy(q, c->v, sizeof(double) * (size_t)n);
	double m = quantile(q, (size_t)n, 0.5);
	free(q);
	return m;
}

/* Splits "A/B<=T" or "NAME<=T" into the part before the comparison and the target "<= T". */
static const char *split_target(const char *spec, size_t *len)
{
	const char *t = strpbrk(spec, "<>");
	*len = t ? (size_t)(t - spec) : strlen(spec);
	return t ? t : "";
}

int main(int argc, char *argv[])
{
	int n = 200, opt;
	const char *unit = "us", *base = NULL;
	const char *specs[64];
	char kinds[64];
	int nspecs = 0;
	while ((opt = getopt(argc, argv, "n:Vu:b:r:d:a:m:")) != -1) {
		switch (opt) {
		case 'n': n = atoi(optarg); break;
		case 'V': value_mode = 1; break;
		case 'u': unit = optarg; break;
		case 'b': base = optarg; break;
		case 'r': case 'd': case 'a': case 'm':
			if (nspecs < 64) {
				kinds[nspecs] = (char)opt;
				specs[nspecs++] = optarg;
			}
			break;
		default: return 2;
		}
	}
	if (n < 1 || optind >= argc) {
		fprintf(stderr, "usage: bench [-n ROUNDS] [-V] [-u UNIT] [-b BASE] [-r A/B<=T] [-d \"A - B<=T\"] "
				"[-a NAME<=T] [-m NAME<=T] -- NAME CMD [ARG...] [:: NAME CMD ...]\n");
		return 2;
	}
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0) {
		perror("/dev/null");
		return 1;
	}

	/* Commands: "::"-separated groups of NAME CMD ARG... (each argv ends where "::" was) */
	struct cmd cmds[32];
	int k = 0;
	for (int i = optind; i < argc && k < 32;) {
		struct cmd *c = &cmds[k++];
		memset(c, 0, sizeof(*c));
		c->optional = argv[i][0] == '?';
		c->name = argv[i] + c->optional;
		c->argv = &argv[++i];
		while (i < argc && strcmp(argv[i], "::") != 0)
			i++;
		if (i < argc)
			argv[i++] = NULL;
		c->v = calloc((size_t)n, sizeof(double));
		if (!c->v || !c->argv[0]) {
			fprintf(stderr, "bench: %s: no command\n", c->name);
			return 2;
		}
		if (access(c->argv[0], X_OK)) {
			printf("%s: skipped: %s: %s\n", c->name, c->argv[0], strerror(errno));
			c->skip = 1;
		}
	}

	/* Warm-up: page cache, dynamic loader caches; also finds commands that fail outright. */
	int failed = 0;
	double sample;
	for (int w = 0; w < 3; w++)
		for (int i = 0; i < k; i++)
			if (!cmds[i].skip && run_once(&cmds[i], &sample)) {
				printf("%s: %s\n", cmds[i].name, cmds[i].optional ? "skipped" : "FAILED");
				failed |= !cmds[i].optional;
				cmds[i].skip = 1;
			}
	for (int i = 0; i < k; i++)
		cmds[i].maxrss = 0;
	for (int r = 0; r < n; r++)
		for (int j = 0; j < k; j++) {
			struct cmd *c = &cmds[(r + j) % k];
			if (!c->skip && run_once(c, &c->v[r])) {
				printf("%s: failed in round %d\n", c->name, r);
				failed |= !c->optional;
				c->skip = 1;
			}
		}

	struct cmd *b = base ? find(cmds, k, base, strlen(base)) : NULL;
	if (b && b->skip)
		b = NULL;
	char hdr[64] = "";
	if (b)
		snprintf(hdr, sizeof(hdr), "/ %s", b->name);
	printf("%-18s %10s %10s %10s %10s %12s   (%d rounds)\n", "command", "median", "p10", "p90", hdr,
	       "peak RSS", n);
	for (int i = 0; i < k; i++) {
		struct cmd *c = &cmds[i];
		if (c->skip) {
			printf("%-18s %10s\n", c->name, "skipped");
			continue;
		}
		double *q = malloc(sizeof(double) * (size_t)n);
		if (!q)
			return 1;
		memcpy(q, c->v, sizeof(double) * (size_t)n);
		double p10 = quantile(q, (size_t)n, 0.10), p50 = q[(size_t)(0.5 * (n - 1) + 0.5)];
		double p90 = q[(size_t)(0.9 * (n - 1) + 0.5)];
		free(q);
		char rel[32] = "";
		if (b)
			snprintf(rel, sizeof(rel), "%.3fx", compare(c, b, n, 0));
		printf("%-18s %7.1f %-2s %7.1f %-2s %7.1f %-2s %10s %8ld KiB\n", c->name, p50, unit, p10, unit,
		       p90, unit, rel, c->maxrss);
	}
	if (b)
		printf("(ratios: median over rounds of command / %s in the same round)\n", b->name);

	for (int s = 0; s < nspecs; s++) {
		size_t len;
		const char *target = split_target(specs[s], &len);
		const char *sep = kinds[s] == 'r' ? "/" : kinds[s] == 'd' ? " - " : NULL;
		const char *mid = sep ? memmem(specs[s], len, sep, strlen(sep)) : NULL;
		struct cmd *x = find(cmds, k, specs[s], mid ? (size_t)(mid - specs[s]) : len);
		const char *yname = mid ? mid + strlen(sep) : NULL;
		struct cmd *y = mid ? find(cmds, k, yname, len - (size_t)(yname - specs[s])) : NULL;
		char name[128];
		snprintf(name, sizeof(name), "%s%.*s", kinds[s] == 'm' ? "peak RSS " : "", (int)len, specs[s]);
		const char *u = kinds[s] == 'r' ? "x" : kinds[s] == 'm' ? "KiB" : unit;
		if (!x || x->skip || (sep && (!y || y->skip)))
			printf("FIGURE|%s|n/a|%s%s%s|skipped\n", name, target, *target ? " " : "", *target ? u : "");
		else if (sep)
			figure(name, compare(x, y, n, kinds[s] == 'd'), u, target);
		else
			figure(name, kinds[s] == 'a' ? median_of(x, n) : (double)x->maxrss, u, target);
	}
	return failed;
}

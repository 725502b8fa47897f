/* parsebench: does the cost of a policy grow linearly with its rules? For 1,000, 10,000 and
 * 100,000 path rules (`ro = ?/nonexistent/landrun-bench/N`, one a line; optional and missing, so
 * compiling opens each path once and skips it), times in this process:
 *   parse    landrun_policy_load_string of the text
 *   compile  parse + landrun_compile (Landlock ruleset, seccomp program, environment)
 * Prints the median of ROUNDS (7) per size, the cost per rule, and as figures the per-rule cost of
 * 100,000 rules relative to 10,000: about 1 when the cost is linear. (1,000 rules fit in the
 * caches and in memory malloc keeps between rounds; from 10,000 on, every round page-faults its
 * memory afresh, so 1,000 is the fast case, shown but not the base of the ratio.) */
#include "bench.h"
#include "landrun.h"

enum { ROUNDS = 7 };

/* "[filesystem]" and n rule lines; malloc'd. */
static char *policy_text(int n)
{
	size_t cap = 16 + (size_t)n * 48;
	char *s = malloc(cap);
	if (!s) {
		perror("parsebench");
		exit(1);
	}
	size_t len = (size_t)snprintf(s, cap, "[filesystem]\n");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "ro = ?/nonexistent/landrun-bench/%d\n", i);
	return s;
}

/* One parse (and compile when asked) of text; returns the time in ns. */
static double run_once(const char *text, int compile)
{
	char *const envp[] = { "PATH=/usr/bin:/bin", NULL };
	landrun_options o = { .envp = envp };
	landrun_error err = { 0 };
	double t0 = now_ns();
	landrun_policy *p = landrun_policy_new();
	if (!p || landrun_policy_load_string(p, text, "bench.ini", &err) != 0) {
		fprintf(stderr, "parsebench: %s\n", err.msg);
		exit(1);
	}
	landrun_sandbox *sb = NULL;
	if (compile && !(sb = landrun_compile(p, &o, &err))) {
		fprintf(stderr, "parsebench: %s\n", err.msg);
		exit(1);
	}
	double t = now_ns() - t0;
	landrun_sandbox_free(sb);
	landrun_policy_free(p);
	return t;
}

static double median_ns(const char *text, int compile)
{
	double v[ROUNDS];
	for (int r = 0; r < ROUNDS; r++)
		v[r] = run_once(text, compile);
	return quantile(v, ROUNDS, 0.5);
}

int main(void)
{
	static const int sizes[] = { 1000, 10000, 100000 };
	enum { NSIZES = sizeof(sizes) / sizeof(sizes[0]) };
	double per_rule[2][NSIZES];
	printf("%8s %12s %14s %12s %14s\n", "rules", "parse ms", "parse ns/rule", "compile ms", "compile ns/rule");
	for (int i = 0; i < NSIZES; i++) {
		char *text = policy_text(sizes[i]);
		double parse = median_ns(text, 0), compile = median_ns(text, 1);
		per_rule[0][i] = parse / sizes[i];
		per_rule[1][i] = compile / sizes[i];
		printf("%8d %12.2f %14.0f %12.2f %14.0f\n", sizes[i], parse / 1e6, per_rule[0][i], compile / 1e6,
		       per_rule[1][i]);
		free(text);
	}
	figure("parse per rule, 100k/10k rules", per_rule[0][2] / per_rule[0][1], "x", "<= 1.5");
	figure("parse+compile per rule, 100k/10k rules", per_rule[1][2] / per_rule[1][1], "x", "<= 1.5");
	figure("parse per rule at 100k rules", per_rule[0][NSIZES - 1], "ns", "");
	figure("parse+compile per rule at 100k rules", per_rule[1][NSIZES - 1], "ns", "");
	return 0;
}

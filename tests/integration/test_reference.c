/* The bench measures landrun against a reference (tests/bench/reference.c) that does the same
 * kernel work and nothing else, built from what refgen (landrun's own code with its kernel calls
 * recorded) saw. A reference that did less would make landrun look slow for nothing, or hide a
 * step landrun skipped: a command run under each must see the same sandbox. Checked here: the
 * outcome of a battery of operations (Landlock and seccomp denials, grants that work), and the
 * state of a waiting process read from outside: /proc/PID/status (seccomp filters, no_new_privs,
 * capability sets), /proc/PID/limits, and the capability sets again through libcap-ng, an oracle
 * independent of landrun's own code. */
#include <criterion/criterion.h>
#include <cap-ng.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

/* What a run of one policy needs: its directories, the compiled reference. */
struct ref_case {
	char *cwd;    /* where landrun and the reference run: ${CWD} */
	char *build;  /* the record and the reference */
	char *secret; /* a file no policy grants */
	char *reference;
	char *record; /* refgen's output */
	const char *include; /* the policy under test: a shipped file, or "default" (the embedded one) */
	char *policy;        /* it, and execute on the probe's directory */
};

static char *helper(const char *name)
{
	char *dir = lrt_helpers_dir();
	char *p = lrt_fmt("%s/%s", dir, name);
	free(dir);
	return p;
}

/* The landrun arguments: -p POLICY -- tail... */
static const char *const *policy_args(const struct ref_case *c, const char *tail[], size_t ntail)
{
	const char **a = calloc(ntail + 4, sizeof(*a)), **p = a;
	*p++ = "-p";
	*p++ = c->policy;
	*p++ = "--";
	memcpy(p, tail, ntail * sizeof(*p));
	return a;
}

static void build_reference(struct ref_case *c)
{
	c->cwd = lrt_mkdtemp("/var/tmp");
	c->build = lrt_mkdtemp("/var/tmp");
	char *secret_dir = lrt_mkdtemp_with_secret("/var/tmp", &c->secret);
	(void)secret_dir;
	char *helpers = lrt_helpers_dir();
	c->policy = lrt_fmt("%s/policy.ini", c->build);
	/* metadata = any, udp = yes (not dns): the reference models no helper (the bench measures
	 * it apart) */
	lrt_write(c->policy, lrt_fmt("[policy]\ninclude = %s\n[filesystem]\nrox = %s\nmetadata = any\n[network]\nudp = yes\n",
				     c->include, helpers));
	const char *cmd[] = { lrt_probe(), "wait" };
	char *refgen = helper("refgen");
	struct lrt_result *r = lrt_run_cli(refgen, c->cwd, policy_args(c, cmd, 2));
	cr_assert_eq(r->status, 0, "refgen: %d %s", r->status, r->err);
	char *header = lrt_fmt("%s/ref.h", c->build);
	lrt_write(header, r->out);
	c->record = lrt_fmt("%s", r->out);
	lrt_free(r);
	char *src = helper("reference.src"), *inc = lrt_helpers_dir();
	c->reference = lrt_fmt("%s/reference", c->build);
	char *iflag = lrt_fmt("-I%s", inc), *dflag = lrt_fmt("-DREF_HEADER=\"%s\"", header);
	r = lrt_run_program(NULL, LRT_ARGS("/usr/bin/cc", "-std=gnu11", "-D_GNU_SOURCE", "-O2", "-static-pie",
					   iflag, dflag, "-o", c->reference, "-x", "c", src));
	cr_assert_eq(r->status, 0, "cc: %s%s", r->out, r->err);
	lrt_free(r);
}

/* landrun and the reference each run `probe OP ARG`: the same outcome. Returns landrun's. */
static bool same_outcome(const struct ref_case *c, const char *op, const char *arg)
{
	const char *cmd[] = { lrt_probe(), op, arg };
	struct lrt_result *l = lrt_run(c->cwd, policy_args(c, cmd, 3));
	struct lrt_result *r = lrt_run_program(c->cwd, LRT_ARGS(c->reference, lrt_probe(), op, arg));
	cr_expect_str_eq(r->out, l->out, "probe %s %s: the reference saw %s%s, landrun %s%s", op, arg, r->out,
			 r->err, l->out, l->err);
	cr_expect_eq(r->status, l->status, "probe %s %s: status %d vs %d", op, arg, r->status, l->status);
	bool ok = l->status == 0;
	lrt_free(l);
	lrt_free(r);
	return ok;
}

static void append(char **s, const char *more)
{
	char *n = lrt_fmt("%s%s", *s, more);
	free(*s);
	*s = n;
}

/* The lines of /proc/PID/FILE that start with one of the prefixes ("" takes every line). */
static void proc_lines(pid_t pid, const char *file, const char *const prefixes[], char **out)
{
	char *path = lrt_fmt("/proc/%d/%s", (int)pid, file), line[512];
	FILE *f = fopen(path, "r");
	cr_assert(f, "%s unreadable", path);
	while (fgets(line, sizeof(line), f))
		for (const char *const *p = prefixes; *p; p++)
			if (strncmp(line, *p, strlen(*p)) == 0) {
				append(out, line);
				break;
			}
	fclose(f);
	free(path);
}

/* The capability sets of pid as libcap-ng reads them. */
static void capng_sets(pid_t pid, char **out)
{
	static const struct { capng_type_t type; const char *name; } sets[] = {
		{ CAPNG_EFFECTIVE, "effective" }, { CAPNG_PERMITTED, "permitted" },
		{ CAPNG_INHERITABLE, "inheritable" }, { CAPNG_BOUNDING_SET, "bounding" },
	};
	capng_setpid(pid);
	cr_assert_eq(capng_get_caps_process(), 0, "libcap-ng cannot read the capabilities of %d", (int)pid);
	for (size_t i = 0; i < LRT_LEN(sets); i++) {
		append(out, sets[i].name);
		for (unsigned cap = 0; cap <= CAP_LAST_CAP; cap++)
			if (capng_have_capability(sets[i].type, cap))
				append(out, lrt_fmt(" %s", capng_capability_to_name(cap)));
		append(out, "\n");
	}
}

/* Starts argv (probe wait at its end) with stdin a pipe, waits for "ready", reads its state from
 * outside, then closes stdin and reaps it. */
static char *state_of(const char *cwd, const char *const argv[])
{
	int in[2], out[2];
	cr_assert(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		if (chdir(cwd) < 0)
			_exit(99);
		static char *const env[] = { "PATH=/usr/bin:/bin", "LANG=C", NULL };
		execve(argv[0], (char *const *)argv, env);
		_exit(98);
	}
	close(in[0]);
	close(out[1]);
	char ready[16] = "";
	ssize_t n = read(out[0], ready, sizeof(ready) - 1); /* blocks until the probe runs */
	cr_assert(n > 0 && strncmp(ready, "ready", 5) == 0, "%s did not start: %.*s", argv[0], (int)(n > 0 ? n : 0), ready);
	static const char *const status_lines[] = { "Seccomp", "NoNewPrivs", "Cap", NULL };
	static const char *const every_line[] = { "", NULL };
	char *state = lrt_fmt("%s", "");
	proc_lines(pid, "status", status_lines, &state);
	proc_lines(pid, "limits", every_line, &state);
	capng_sets(pid, &state);
	close(in[1]);
	close(out[0]);
	int st;
	waitpid(pid, &st, 0);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: status %d", argv[0], st);
	return state;
}

static void same_state(const struct ref_case *c)
{
	const char *cmd[] = { lrt_probe(), "wait" };
	const char *const *args = policy_args(c, cmd, 2);
	size_t n = 0;
	while (args[n])
		n++;
	const char **argv = calloc(n + 4, sizeof(*argv)), **a = argv;
	*a++ = lrt_landrun();
	const char *abi = getenv("LANDRUN_TEST_ABI");
	if (abi && *abi) {
		*a++ = "--test-abi";
		*a++ = abi;
	}
	memcpy(a, args, n * sizeof(*a));
	char *under_landrun = state_of(c->cwd, argv);
	char *under_reference = state_of(c->cwd, LRT_ARGS(c->reference, lrt_probe(), "wait"));
	cr_expect_str_eq(under_reference, under_landrun, "the reference:\n%s\nlandrun:\n%s", under_reference, under_landrun);
	/* and the state is a sandbox's, so that two runs that both did nothing cannot pass */
	cr_expect(lrt_contains(under_landrun, "NoNewPrivs:\t1"), "%s", under_landrun);
	cr_expect(!lrt_contains(under_landrun, "Seccomp_filters:\t0"), "%s", under_landrun);
	cr_expect(lrt_contains(under_landrun, "CapEff:\t0000000000000000"), "%s", under_landrun);
	cr_expect(lrt_contains(under_landrun, "Max core file size        0"), "%s", under_landrun);
	/* libcap-ng, independently of landrun's own capability code: nothing effective or permitted,
	 * and as root (CAP_SETPCAP) an empty bounding set too */
	cr_expect(lrt_contains(under_landrun, "effective\npermitted\ninheritable\n"), "%s", under_landrun);
	if (lrt_is_root())
		cr_expect(lrt_contains(under_landrun, "\nbounding\n"), "%s", under_landrun);
}

/* Every object the record grants is read under both: a rule the reference left out shows. */
static void each_recorded_rule_is_the_same(const struct ref_case *c, const char *record)
{
	const char *p = strstr(record, "ref_path_rules[] = {");
	cr_assert(p, "no path rules in the record");
	unsigned n = 0;
	for (p = strchr(p, '\n'); p && strncmp(p, "\n\t{ \"", 5) == 0; p = strchr(p + 1, '\n')) {
		const char *start = p + 5, *end = strchr(start, '"');
		char *path = lrt_fmt("%.*s", (int)(end - start), start);
		if (!strchr(path, '\\')) { /* escaped names are left out: none in these policies */
			cr_expect(same_outcome(c, "read", path), "%s is granted", path);
			n++;
		}
		free(path);
	}
	cr_expect(n >= 4, "only %u rules recorded", n);
}

static void same_sandbox(struct ref_case *c)
{
	build_reference(c);
	same_state(c);
	each_recorded_rule_is_the_same(c, c->record);
	char *inside = lrt_fmt("%s/file", c->cwd), *outside = lrt_fmt("%s.new", c->secret);
	/* what each policy grants: the command's own directory, the system's files */
	cr_expect(same_outcome(c, "write", inside), "writing in the working directory works");
	cr_expect(same_outcome(c, "read", inside));
	cr_expect(same_outcome(c, "read", "/etc/passwd"));
	cr_expect(same_outcome(c, "exec", "/usr/bin/true"));
	/* what they do not: other files, sockets, the baseline's calls */
	cr_expect(!same_outcome(c, "read", c->secret), "reading a file outside the grants is denied");
	cr_expect(!same_outcome(c, "write", outside));
	cr_expect(!same_outcome(c, "read", "/etc/shadow"));
	cr_expect(!same_outcome(c, "mkdir", "/var/tmp/landrun-reference-test"));
	same_outcome(c, "connect", "443"); /* git.ini grants it (refused: no listener), the default not */
	cr_expect(!same_outcome(c, "connect", "8080"));
	cr_expect(!same_outcome(c, "bind", "8080"));
	cr_expect(!same_outcome(c, "abstract-connect", "landrun-reference-test"));
	cr_expect(!same_outcome(c, "unshare-user", ""));
	cr_expect(!same_outcome(c, "mount", ""));
	cr_expect(!same_outcome(c, "keyctl", ""));
	cr_expect(!same_outcome(c, "bpf", ""));
}

Test(reference, sees_the_same_sandbox_as_landrun_under_git_ini)
{
	struct ref_case c = { .include = lrt_fmt("%s/git.ini", lrt_policies()) };
	same_sandbox(&c);
}

Test(reference, sees_the_same_sandbox_as_landrun_under_the_default)
{
	struct ref_case c = { .include = "default" };
	same_sandbox(&c);
}

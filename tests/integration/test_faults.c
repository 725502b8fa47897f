/* Fault injection: every step between landrun's start and the command's exec is made to fail by an
 * outer seccomp filter (helpers/failsys), and landrun must fail closed: exit 125, a message naming
 * the step, and the command (which would create a marker file) never ran. Each is paired with the
 * same run without the fault, which creates the marker. Then the real-world versions: the Landlock
 * syscalls blocked with EPERM (container profiles) or missing (ENOSYS). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

/* T holds the policies; W, beneath it, is what they grant read-write */
static char *T, *W;
static void setup(void) { T = lrt_mkdtemp_with_writable("/var/tmp", &W); }
static void teardown(void) { lrt_rmrf(T); free(T); free(W); }
TestSuite(faults, .init = setup, .fini = teardown);

static char *failsys(void)
{
	char *dir = lrt_helpers_dir();
	char *f = lrt_fmt("%s/failsys", dir);
	free(dir);
	return f;
}

/* A policy that lets the command create the marker in T, with extra INI text. */
static char *policy(const char *name, const char *extra)
{
	char *text = lrt_fmt("[filesystem]\nrw = %s\n%s\n", W, extra);
	char *p = lrt_policy(T, name, text);
	free(text);
	return p;
}

/* landrun [flags] -p pol -- touch MARKER, under failsys spec errnum when spec is not NULL. */
static struct lrt_result *run_touch(const char *spec, const char *errnum, const char *pol, const char *flag,
				    const char *marker)
{
	const char *const prefix[] = { failsys(), spec, errnum, "--", NULL };
	const char *const args[] = { "-p", pol, flag ? flag : "-q", "--", "/usr/bin/touch", marker, NULL };
	return lrt_run_prefixed(T, NULL, spec ? prefix : NULL, args);
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* The twin first (no fault: the marker appears), then the fault: 125, the step named, no marker. */
static void expect_fails_closed(const char *pol, const char *flag, const char *spec, const char *errnum,
				const char *step)
{
	char *marker = lrt_fmt("%s/marker", W);
	unlink(marker);
	struct lrt_result *r = run_touch(NULL, NULL, pol, flag, marker);
	cr_assert_eq(r->status, 0, "control run: status %d: %s", r->status, r->err);
	cr_assert(exists(marker), "control run: the command did not run");
	lrt_free(r);
	unlink(marker);
	r = run_touch(spec, errnum, pol, flag, marker);
	cr_expect_eq(r->status, 125, "%s %s: status %d: %s", spec, errnum, r->status, r->err);
	cr_expect(lrt_contains(r->err, step), "%s %s: want \"%s\": %s", spec, errnum, step, r->err);
	cr_expect(!lrt_contains(r->err, "failsys:"), "failsys itself failed: %s", r->err);
	cr_expect(!exists(marker), "%s %s: the command ran although a step failed", spec, errnum);
	lrt_free(r);
	free(marker);
}

#define APPLY_FAILED(step) step " failed: Operation not permitted; the command was not run"
#define SUPERVISED "[process]\ntimeout = 600s\n"

/* One step made to fail: the policy (extra INI text; with verify, [exec] verify = touch's digest,
 * whose copy goes through memfd_create and sealing), the flag, the failsys spec and errno, and
 * the message that names the step. */
struct fault {
	char extra[64];
	bool verify;
	char flag[16]; /* "": none */
	char spec[64], errnum[8];
	char step[128];
	bool root_only;        /* the bounding set is dropped only by a landrun that has CAP_SETPCAP */
	char asan_reason[128]; /* not "": skipped in the sanitized build, for this reason */
};

#define FAULT_AT(x, v, fl, sp, en, st) .extra = (x), .verify = (v), .flag = (fl), .spec = (sp), .errnum = (en), .step = (st)

static struct fault faults[] = {
	/* exec in place: the apply steps, in their order */
	{ FAULT_AT("", false, "", "prlimit64", "EPERM", APPLY_FAILED("setrlimit")),
	  .asan_reason = "ASan's runtime calls getrlimit (prlimit64) at start-up: the fault stops it before landrun runs" },
	{ FAULT_AT("", false, "", "capget", "EPERM", APPLY_FAILED("capget")) },
	{ FAULT_AT("", false, "", "prctl:arg0=PR_CAPBSET_DROP", "EPERM", APPLY_FAILED("prctl(PR_CAPBSET_DROP)")), .root_only = true },
	{ FAULT_AT("", false, "", "capset", "EPERM", APPLY_FAILED("capset")) },
	{ FAULT_AT("", false, "", "prctl:arg0=PR_CAP_AMBIENT", "EPERM", APPLY_FAILED("prctl(PR_CAP_AMBIENT)")) },
	{ FAULT_AT("", false, "", "prctl:arg0=PR_SET_NO_NEW_PRIVS", "EPERM", APPLY_FAILED("prctl(PR_SET_NO_NEW_PRIVS)")) },
	{ FAULT_AT("", false, "", "landlock_restrict_self", "EPERM", APPLY_FAILED("landlock_restrict_self")) },
	/* best-effort does not make a failed restriction optional */
	{ FAULT_AT("", false, "--best-effort", "landlock_restrict_self", "EPERM", APPLY_FAILED("landlock_restrict_self")) },
	/* landrun's own close_range: the metadata helper's fails first otherwise (see below) */
	{ FAULT_AT("metadata = any\n", false, "", "close_range", "EPERM", APPLY_FAILED("close_range")) },
	{ FAULT_AT("[process]\nnew_session = yes\n", false, "", "setsid", "EPERM", APPLY_FAILED("setsid")) },
	{ FAULT_AT("", false, "", "seccomp", "EPERM", APPLY_FAILED("seccomp(SECCOMP_SET_MODE_FILTER)")) },
	{ FAULT_AT("", false, "--best-effort", "seccomp", "EINVAL",
	  "seccomp(SECCOMP_SET_MODE_FILTER) failed: Invalid argument; the command was not run") },
	/* compile steps: the ruleset (arg2 = flags = 0: not the version query), its rules (the write
	 * grants come first: base.ini's rw = /dev/null is the first rule), the verified copy (landrun
	 * writes to no fd above 2 before exec but that copy) */
	{ FAULT_AT("", false, "", "landlock_create_ruleset:arg2=0", "ENOMEM", "landlock_create_ruleset: Cannot allocate memory") },
	{ FAULT_AT("", false, "--best-effort", "landlock_create_ruleset:arg2=0", "ENOMEM",
	  "landlock_create_ruleset: Cannot allocate memory") },
	{ FAULT_AT("", false, "", "landlock_add_rule", "ENOMEM", "landlock_add_rule(/dev/null): Cannot allocate memory") },
	{ FAULT_AT("", false, "--best-effort", "landlock_add_rule", "ENOMEM", "landlock_add_rule(/dev/null): Cannot allocate memory") },
	{ FAULT_AT("", true, "", "memfd_create", "EMFILE", "verify: memfd_create: Too many open files") },
	{ FAULT_AT("", true, "", "fcntl:arg1=F_ADD_SEALS", "EPERM", "verify: sealing the copy of /usr/bin/touch: Operation not permitted") },
	{ FAULT_AT("", true, "", "write:arg0>=3", "EIO", "verify: copying /usr/bin/touch: Input/output error") },
	/* supervised runs: landrun stays as the parent; the child's failure travels to the supervisor
	 * through the report pipe */
	{ FAULT_AT(SUPERVISED, false, "", "clone,clone3", "EAGAIN", "fork failed: Resource temporarily unavailable; the command was not run" ),
	  .asan_reason = "LeakSanitizer clones at exit: the fault makes it fail after landrun refused correctly" },
	{ FAULT_AT(SUPERVISED, false, "", "signalfd4", "EMFILE", "signalfd failed: Too many open files; the command was not run") },
	{ FAULT_AT(SUPERVISED, false, "", "pipe2", "EMFILE", "pipe failed: Too many open files; the command was not run") },
	{ FAULT_AT(SUPERVISED "die_with_parent = yes\n", false, "", "prctl:arg0=PR_SET_PDEATHSIG", "EPERM",
	  "prctl(PR_SET_PDEATHSIG) failed: Operation not permitted; the command was not run") },
	{ FAULT_AT(SUPERVISED, false, "", "setpgid", "EPERM", APPLY_FAILED("setpgid")) },
	{ FAULT_AT(SUPERVISED, false, "", "prctl:arg0=PR_SET_NO_NEW_PRIVS", "EPERM", APPLY_FAILED("prctl(PR_SET_NO_NEW_PRIVS)")) },
	{ FAULT_AT(SUPERVISED, false, "", "landlock_restrict_self", "EPERM", APPLY_FAILED("landlock_restrict_self")) },
	{ FAULT_AT(SUPERVISED, false, "", "seccomp", "EPERM", APPLY_FAILED("seccomp(SECCOMP_SET_MODE_FILTER)")) },
	{ FAULT_AT("private_tmp = yes\n", false, "", "mkdir", "EACCES", "private_tmp: cannot create") },
};

ParameterizedTestParameters(faults, step_fails_closed)
{
	return cr_make_param_array(struct fault, faults, LRT_LEN(faults));
}

/* [exec] verify = touch's digest. */
static char *verify_policy(void)
{
	struct lrt_result *d = lrt_run(NULL, LRT_ARGS("digest", "/usr/bin/touch"));
	cr_assert_eq(d->status, 0, "%s", d->err);
	char *p = policy("verify", lrt_fmt("[exec]\n%s", d->out));
	lrt_free(d);
	return p;
}

ParameterizedTest(struct fault *f, faults, step_fails_closed)
{
	if (LRT_SANITIZED && *f->asan_reason)
		cr_skip_test("%s", f->asan_reason);
	if (f->root_only && !lrt_is_root())
		cr_skip_test("the bounding set is dropped only by a landrun that has CAP_SETPCAP (root)");
	expect_fails_closed(f->verify ? verify_policy() : policy("p", f->extra), *f->flag ? f->flag : NULL, f->spec,
			    f->errnum, f->step);
}

/* landrun digest: a file it cannot read is an error (125), never a digest of nothing. */
Test(faults, digest_read)
{
	if (LRT_SANITIZED)
		cr_skip_test("the dynamic loader reads libasan with read(2): the fault stops it before landrun runs");
	const char *const prefix[] = { failsys(), "read", "EIO", "--", NULL };
	struct lrt_result *r = lrt_run(NULL, LRT_ARGS("digest", "/usr/bin/touch"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "verify = /usr/bin/touch sha256:"), "%s", r->out);
	lrt_free(r);
	r = lrt_run_prefixed(NULL, NULL, prefix, LRT_ARGS("digest", "/usr/bin/touch"));
	cr_expect_eq(r->status, 125, "%s%s", r->out, r->err);
	cr_expect(lrt_contains(r->err, "digest: /usr/bin/touch: Input/output error"), "%s", r->err);
	cr_expect(!lrt_contains(r->out, "sha256:"), "a digest was printed: %s", r->out);
	lrt_free(r);
}

/* ---- the real world: Landlock blocked (EPERM) or missing (ENOSYS) ---------------------------- */

#define ALL_LANDLOCK "landlock_create_ruleset,landlock_add_rule,landlock_restrict_self"

static void expect_landlock_refused(const char *errnum, const char *why)
{
	char *pol = policy("p", "");
	expect_fails_closed(pol, NULL, ALL_LANDLOCK, errnum, "Landlock is unavailable");
	char *marker = lrt_fmt("%s/marker", W);
	struct lrt_result *r = run_touch(ALL_LANDLOCK, errnum, pol, NULL, marker);
	cr_expect(lrt_contains(r->err, why), "want \"%s\": %s", why, r->err);
	cr_expect(lrt_contains(r->err, "best-effort"), "the message says how to run anyway: %s", r->err);
	lrt_free(r);
}

/* Landlock blocked (container profiles) or missing: the errno failsys gives, and why landrun says */
struct landlock_gone {
	char errnum[8], why[64];
};

static struct landlock_gone landlock_gone[] = {
	{ "EPERM", "the Landlock syscalls are blocked: EPERM" },
	{ "ENOSYS", "the kernel was built without Landlock: ENOSYS" },
};

ParameterizedTestParameters(faults, landlock_gone_strict_refuses)
{
	return cr_make_param_array(struct landlock_gone, landlock_gone, LRT_LEN(landlock_gone));
}

ParameterizedTest(struct landlock_gone *g, faults, landlock_gone_strict_refuses)
{
	expect_landlock_refused(g->errnum, g->why);
}

/* Best-effort runs with only the syscall filter, says so, and the filter is in force. */
static void expect_best_effort_seccomp_only(const char *errnum, const char *why)
{
	char *pol = policy("p", "");
	const char *const prefix[] = { failsys(), ALL_LANDLOCK, errnum, "--", NULL };
	/* failsys's own filter alone: one */
	struct lrt_result *r = lrt_run_prefixed(T, NULL, prefix, LRT_ARGS("--best-effort", "-p", pol, "--", "/bin/grep",
									  "^Seccomp_filters:", "/proc/self/status"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "Seccomp_filters:\t2"), "landrun's filter is not loaded: %s", r->out);
	cr_expect(lrt_contains(r->err, "warning: Landlock is unavailable"), "%s", r->err);
	cr_expect(lrt_contains(r->err, why), "want \"%s\": %s", why, r->err);
	cr_expect(lrt_contains(r->err, "only the syscall filter applies"), "%s", r->err);
	lrt_free(r);
	/* and it is landrun's: a baseline denial holds (keyctl, in the hardened baseline; the twin, the
	 * granted operation, is the marker above) */
	char *marker = lrt_fmt("%s/marker", W);
	unlink(marker);
	r = run_touch(ALL_LANDLOCK, errnum, pol, "--best-effort", marker);
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(exists(marker), "best-effort did not run the command");
	lrt_free(r);
	r = lrt_run_prefixed(T, NULL, prefix, LRT_ARGS("--best-effort", "-p", pol, "--", lrt_probe(), "keyctl"));
	cr_expect_eq(r->status, 1, "keyctl allowed without Landlock: %s%s", r->out, r->err);
	cr_expect(lrt_contains(r->out, "denied EPERM"), "%s", r->out);
	lrt_free(r);
	r = lrt_run_prefixed(T, NULL, prefix, LRT_ARGS("--best-effort", "--explain", "-p", pol));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, lrt_fmt("Landlock unavailable: %s", why)), "%s", r->out);
	cr_expect(lrt_contains(r->out, "enforced rights: none (NOT restricted)"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "enforced TCP: connect NOT restricted, bind NOT restricted"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "seccomp rules"), "%s", r->out);
	lrt_free(r);
}

ParameterizedTestParameters(faults, landlock_gone_best_effort_keeps_seccomp)
{
	return cr_make_param_array(struct landlock_gone, landlock_gone, LRT_LEN(landlock_gone));
}

ParameterizedTest(struct landlock_gone *g, faults, landlock_gone_best_effort_keeps_seccomp)
{
	expect_best_effort_seccomp_only(g->errnum, g->why);
}

Test(faults, landlock_blocked_explain_says_why)
{
	char *pol = policy("p", "");
	const char *const prefix[] = { failsys(), ALL_LANDLOCK, "EPERM", "--", NULL };
	struct lrt_result *r = lrt_run_prefixed(T, NULL, prefix, LRT_ARGS("--explain", "-p", pol));
	/* strict: --explain refuses the same way a run would, and says why */
	cr_expect_eq(r->status, 125, "%s%s", r->out, r->err);
	cr_expect(lrt_contains(r->err, "the Landlock syscalls are blocked: EPERM"), "%s", r->err);
	lrt_free(r);
}

/* Whether every writer of the pipe fd reads from ends within a generous deadline (EOF): a
 * helper landrun started may still be exiting when landrun has, one that holds the pipe for ever
 * never ends. */
static bool writers_end(int fd)
{
	char buf[512];
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int n = poll(&pfd, 1, 30000);
		if (n <= 0)
			return false;
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r == 0)
			return true;
		if (r < 0)
			return false;
	}
}

/* landrun -p pol -- touch marker, under failsys spec errnum when spec is not NULL, with its stdout
 * and stderr on a pipe: its status, and whether every writer of that pipe is gone once it has
 * exited (no process of landrun's left holding it). */
static int run_piped(const char *spec, const char *errnum, const char *pol, const char *marker, bool *gone)
{
	int p[2];
	cr_assert(pipe2(p, O_CLOEXEC) == 0);
	char *fs = failsys();
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		if (dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0 || chdir(T) < 0)
			_exit(127);
		if (spec)
			execl(fs, fs, spec, errnum, "--", lrt_landrun(), "-p", pol, "--", "/usr/bin/touch", marker, (char *)NULL);
		else
			execl(lrt_landrun(), lrt_landrun(), "-p", pol, "--", "/usr/bin/touch", marker, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	*gone = writers_end(p[0]);
	close(p[0]);
	free(fs);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The CLI's metadata helper sleeps until the kernel clears the word landrun names with
 * set_tid_address (at landrun's exec or exit), and the two answer each other with futexes around
 * the helper's own copy of the fd table (close_range with CLOSE_RANGE_UNSHARE, arg2 = 2): a filter
 * that refuses one of them, or answers
 * set_tid_address without making it (errno 0), stops landrun before the command, and no helper
 * is left behind holding the caller's pipe (it would sleep for ever). The control run: the same
 * policy without the filter. */
Test(faults, the_metadata_helpers_start_fails_closed, .timeout = 240)
{
	char *pol = policy("helper-start", "metadata = granted\n"), *marker = lrt_fmt("%s/marker", W);
	bool gone;
	int status = run_piped(NULL, NULL, pol, marker, &gone);
	cr_assert_eq(status, 0, "control run: status %d", status);
	cr_expect(gone, "control run: a process of landrun's still holds its output");
	unlink(marker);
	/* the last: landrun fails before it loads the program, and the helper, started before the
	 * steps that may fail and under the same outer filter, cannot close landrun's fds either: it
	 * must end rather than hold the caller's pipes for ever */
	const char *const cases[][2] = { { "set_tid_address", "EPERM" }, { "set_tid_address", "0" },
					 { "futex", "EPERM" }, { "close_range:arg2=2", "ENOMEM" },
					 { "close_range,landlock_restrict_self", "EPERM" } };
	for (size_t i = 0; i < LRT_LEN(cases); i++) {
		status = run_piped(cases[i][0], cases[i][1], pol, marker, &gone);
		cr_expect_eq(status, 125, "%s %s: status %d", cases[i][0], cases[i][1], status);
		cr_expect(gone, "%s %s: a helper outlived landrun, holding the caller's pipe", cases[i][0], cases[i][1]);
		cr_expect(access(marker, F_OK) != 0, "%s %s: the command ran although a step failed", cases[i][0],
			  cases[i][1]);
		unlink(marker);
	}
	/* unshare is not among them: container profiles refuse it (so does landrun's own baseline,
	 * for landrun under landrun), and the helper takes its copy of the table by close_range */
	status = run_piped("unshare", "EPERM", pol, marker, &gone);
	cr_expect_eq(status, 0, "unshare refused: status %d", status);
	cr_expect(access(marker, F_OK) == 0, "unshare refused: the command did not run");
	free(marker);
}


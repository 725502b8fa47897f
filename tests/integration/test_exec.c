/* [exec]: the execution allow list, memfd execution, verified execution, and env hygiene. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static char *T;
static void setup(void) { T = lrt_mkdtemp("/var/tmp"); }
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(exec, .init = setup, .fini = teardown);

/* The system readable but not executable; what may run comes from [exec] and extra. */
static char *policy(const char *name, const char *extra)
{
	char *path = lrt_fmt("%s/%s.ini", T, name);
	lrt_write(path, lrt_fmt("[filesystem]\nro = /usr /etc ?/lib ?/lib64 ?/bin %s /dev/null\n%s\n",
				lrt_helpers_dir(), extra));
	return path;
}

static struct lrt_result *run(const char *pol, const char *const probe_args[])
{
	return lrt_run_probe(T, NULL, pol, probe_args);
}

#define EXPECT LRT_EXPECT

Test(exec, allow_none_runs_the_command_but_nothing_else)
{
	char *pol = policy("none", "[exec]\nallow = none\n");
	/* the command and its ELF loader are allowed automatically */
	EXPECT(run(pol, LRT_ARGS("exec", "/usr/bin/true")), 1, "denied EACCES");
	/* twin: naming /usr/bin/true in the allow list lets the child run */
	char *pol2 = policy("one", "[exec]\nallow = /usr/bin/true\n");
	EXPECT(run(pol2, LRT_ARGS("exec", "/usr/bin/true")), 0, "");
	/* ...but only that file */
	EXPECT(run(pol2, LRT_ARGS("exec", "/usr/bin/false")), 1, "denied EACCES");
}

Test(exec, rox_grants_add_to_the_allow_list_unless_none)
{
	char *pol = policy("rox", "rox = /usr/bin\n[exec]\nallow = /usr/bin/true\n");
	EXPECT(run(pol, LRT_ARGS("exec", "/usr/bin/false")), 1, ""); /* ran: false exits 1, no "denied" */
	char *pol2 = policy("roxnone", "rox = /usr/bin\n[exec]\nallow = none\n");
	EXPECT(run(pol2, LRT_ARGS("exec", "/usr/bin/false")), 1, "denied EACCES");
}

/* allow = none next to an allow list: the list would stay executable while none (and --explain)
 * said nothing may run; the combination is refused, naming both lines, in either order and across
 * an include. */
Test(exec, allow_none_with_an_allow_list_is_refused)
{
	char *pol = policy("both", "[exec]\nallow = none\nallow = /usr/bin\n");
	struct lrt_result *r = run(pol, LRT_ARGS("exec", "/usr/bin/false"));
	cr_expect_eq(r->status, 125, "%s", r->err);
	char *want = lrt_fmt("landrun: %s:5: allow = /usr/bin, but allow = none was given at %s:4", pol, pol);
	cr_expect(lrt_contains(r->err, want), "want \"%s\": %s", want, r->err);
	cr_expect(!lrt_contains(r->out, "ran"), "nothing runs: %s", r->out);
	lrt_free(r);
	char *inc = policy("inc", "[exec]\nallow = /usr/bin\n");
	char *pol2 = lrt_fmt("%s/top.ini", T);
	lrt_write(pol2, lrt_fmt("[policy]\ninclude = %s\n[exec]\nallow = none\n", inc));
	char *const env[] = { "PATH=/usr/bin:/bin", NULL };
	for (int mode = 0; mode < 2; mode++) {
		r = mode ? lrt_run_env(T, env, LRT_ARGS("check", pol2))
			 : lrt_run(T, LRT_ARGS("--explain", "-p", pol2, "--", "/usr/bin/true"));
		cr_expect_eq(r->status, 125, "%s", r->err);
		want = lrt_fmt("%s:4: allow = none, but allow = /usr/bin was given at %s:4", pol2, inc);
		cr_expect(lrt_contains(r->err, want), "want \"%s\": %s", want, r->err);
		lrt_free(r);
	}
	/* twin: none alone runs the command, and --explain lists only its chain */
	char *none = policy("none", "[exec]\nallow = none\n");
	r = lrt_run(T, LRT_ARGS("--explain", "-p", none, "--", "/usr/bin/true"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "[exec]  may execute:\n  /usr/bin/true  (the command)\n"), "%s", r->out);
	lrt_free(r);
}

Test(exec, copy_into_a_writable_directory_is_not_executable)
{
	char *rw = lrt_fmt("%s/rw", T);
	mkdir(rw, 0755);
	cr_assert_eq(system(lrt_fmt("cp /usr/bin/true %s/true", rw)), 0);
	char *pol = policy("copy", lrt_fmt("rw = %s\n[exec]\nallow = /usr/bin/true\n", rw));
	EXPECT(run(pol, LRT_ARGS("exec", lrt_fmt("%s/true", rw))), 1, "denied EACCES");
	EXPECT(run(pol, LRT_ARGS("exec", "/usr/bin/true")), 0, "");
}

Test(exec, memfd_execution_is_closed_with_exec_control)
{
	char *pol = policy("memfd", "[exec]\nallow = /usr/bin/true\n");
	EXPECT(run(pol, LRT_ARGS("memfd-exec", "/usr/bin/true")), 1, "denied ENOSYS");
	/* with [exec], baseline_except does not lift the memfd rule */
	char *pol3 = policy("memfd3", "[exec]\nallow = /usr/bin/true\n[syscalls]\nbaseline_except = memfd_create\n");
	EXPECT(run(pol3, LRT_ARGS("memfd-exec", "/usr/bin/true")), 1, "denied ENOSYS");
	/* twin: without [exec] and with the baseline item lifted, Landlock alone does not stop it */
	char *pol2 = policy("nomemfd", lrt_fmt("rox = /usr ?/lib ?/lib64 %s\n[syscalls]\nbaseline_except = memfd_create\n",
					       lrt_helpers_dir()));
	struct lrt_result *r = run(pol2, LRT_ARGS("memfd-exec", "/usr/bin/true"));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
}

Test(exec, shebang_interpreter_is_allowed_automatically)
{
	char *script = lrt_fmt("%s/script.sh", T);
	lrt_write(script, "#!/bin/sh\necho script-ran\n");
	chmod(script, 0755);
	char *pol = lrt_fmt("%s/sh.ini", T);
	lrt_write(pol, lrt_fmt("[filesystem]\nro = /usr /etc ?/lib ?/lib64 ?/bin %s /dev/null\n[exec]\nallow = none\n", T));
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", script));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect_str_eq(r->out, "script-ran\n");
	lrt_free(r);
	/* the interpreter may run the script, but the script cannot start other programs */
	lrt_write(script, "#!/bin/sh\n/usr/bin/true && echo child-ran\n");
	r = lrt_run(T, LRT_ARGS("-p", pol, "--", script));
	cr_expect(!lrt_contains(r->out, "child-ran"), "%s", r->out);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("-p", pol, "--explain", "--", script));
	cr_expect(lrt_contains(r->out, "(its interpreter)"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "warning: "), "%s", r->out);
	lrt_free(r);
}

static char *digest_of(const char *path)
{
	struct lrt_result *r = lrt_run(T, LRT_ARGS("digest", path));
	cr_assert_eq(r->status, 0, "%s", r->err);
	char *d = strstr(r->out, "sha256:");
	cr_assert(d, "%s", r->out);
	char *hex = lrt_fmt("%.71s", d);
	lrt_free(r);
	return hex;
}

Test(exec, digest_prints_verify_lines)
{
	struct lrt_result *r = lrt_run(T, LRT_ARGS("digest", "/usr/bin/true"));
	cr_expect_eq(r->status, 0);
	cr_expect(lrt_contains(r->out, "verify = /usr/bin/true sha256:"), "%s", r->out);
	cr_expect_eq(strlen(r->out), strlen("verify = /usr/bin/true sha256:") + 64 + 1);
	lrt_free(r);
}

Test(exec, verify_right_digest_runs_wrong_digest_never_does)
{
	char *bin = lrt_fmt("%s/tool", T);
	cr_assert_eq(system(lrt_fmt("cp /usr/bin/true %s", bin)), 0);
	char *good = lrt_fmt("%s/good.ini", T), *bad = lrt_fmt("%s/bad.ini", T);
	char *base = lrt_fmt("[policy]\ninclude = %s/base.ini\n[filesystem]\nro = %s\n", lrt_policies(), T);
	lrt_write(good, lrt_fmt("%s[exec]\nverify = %s %s\n", base, bin, digest_of(bin)));
	lrt_write(bad, lrt_fmt("%s[exec]\nverify = %s %s\n", base, bin, digest_of("/usr/bin/false")));
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", good, "--", bin));
	cr_expect_eq(r->status, 0, "%s", r->err);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("-p", bad, "--", bin));
	cr_expect_eq(r->status, 126, "%s", r->err);
	cr_expect(lrt_contains(r->err, "but the policy expects sha256:"), "%s", r->err);
	lrt_free(r);
}

struct swapper {
	const char *dir;
	volatile int stop;
};

/* Swaps the tool between two binaries as fast as it can (rename is atomic). */
static void *swap_loop(void *arg)
{
	struct swapper *s = arg;
	char *a = lrt_fmt("%s/a", s->dir), *b = lrt_fmt("%s/b", s->dir), *tool = lrt_fmt("%s/tool", s->dir);
	char *tmp = lrt_fmt("%s/tmp", s->dir);
	for (int i = 0; !s->stop; i++) {
		if (link(i % 2 ? a : b, tmp) == 0)
			rename(tmp, tool);
	}
	return NULL;
}

Test(exec, binary_swapped_during_verification_never_runs)
{
	char *d = lrt_fmt("%s/swap", T);
	mkdir(d, 0755);
	/* a = true (exit 0, the verified one), b = false (exit 1) */
	cr_assert_eq(system(lrt_fmt("cp /usr/bin/true %s/a && cp /usr/bin/false %s/b && cp %s/a %s/tool", d, d, d, d)), 0);
	char *pol = lrt_fmt("%s/swap.ini", T);
	lrt_write(pol, lrt_fmt("[policy]\ninclude = %s/base.ini\n[filesystem]\nro = %s\n[exec]\nverify = %s/tool %s\n",
			       lrt_policies(), d, d, digest_of(lrt_fmt("%s/a", d))));
	/* unswapped, it runs (and a run the ABI cap refuses skips here, before the swapper starts,
	 * whose renames would race the removal of the test's directory) */
	struct lrt_result *r0 = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_fmt("%s/tool", d)));
	cr_expect_eq(r0->status, 0, "%s", r0->err);
	lrt_free(r0);
	struct swapper s = { d, 0 };
	pthread_t th;
	pthread_create(&th, NULL, swap_loop, &s);
	int ran_a = 0, refused = 0, other = 0;
	for (int i = 0; i < 60; i++) {
		struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_fmt("%s/tool", d)));
		if (r->status == 0)
			ran_a++;
		else if (r->status == 126 || r->status == 127)
			refused++; /* digest mismatch, or caught mid-rename */
		else
			other++;
		lrt_free(r);
	}
	s.stop = 1;
	pthread_join(th, NULL);
	cr_expect_eq(other, 0, "the unverified binary ran %d times (verified %d, refused %d)", other, ran_a, refused);
	cr_expect_gt(ran_a + refused, 0);
}

Test(exec, env_proxy_credentials_stripped_secrets_by_name_only)
{
	char *pol = lrt_fmt("%s/env.ini", T);
	lrt_write(pol, lrt_fmt("[policy]\ninclude = %s/base.ini\n[filesystem]\nrox = %s\n[env]\nkeep = https_proxy\nsecrets = GITHUB_TOKEN\n",
			       lrt_policies(), lrt_helpers_dir()));
	char *const env[] = { "PATH=/usr/bin", "https_proxy=http://bob:hunter2@proxy.example:3128/",
			      "GITHUB_TOKEN=ghp_passed", "NPM_TOKEN=npm_not_passed", "LD_PRELOAD=/x.so", NULL };
	struct lrt_result *r = lrt_run_env(T, env, LRT_ARGS("-p", pol, "--", lrt_probe(), "env"));
	cr_assert_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "https_proxy=http://proxy.example:3128/"), "%s", r->out);
	cr_expect(!lrt_contains(r->out, "hunter2"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "GITHUB_TOKEN=ghp_passed"), "%s", r->out);
	cr_expect(!lrt_contains(r->out, "npm_not_passed"), "%s", r->out);
	cr_expect(!lrt_contains(r->out, "LD_PRELOAD"), "%s", r->out);
	lrt_free(r);
	r = lrt_run_env(T, env, LRT_ARGS("-p", pol, "--explain"));
	cr_expect(lrt_contains(r->out, "GITHUB_TOKEN=******** (secret)"), "%s", r->out);
	cr_expect(!lrt_contains(r->out, "ghp_passed"), "%s", r->out);
	lrt_free(r);
	/* strip_proxy_credentials = no keeps them (twin) */
	char *pol2 = lrt_fmt("%s/env2.ini", T);
	lrt_write(pol2, lrt_fmt("[policy]\ninclude = %s\n[env]\nstrip_proxy_credentials = no\n", pol));
	r = lrt_run_env(T, env, LRT_ARGS("-p", pol2, "--", lrt_probe(), "env"));
	cr_expect(lrt_contains(r->out, "hunter2"), "%s", r->out);
	lrt_free(r);
	const char *refused[] = { "LD_PRELOAD", "DYLD_X", "LANDRUN_X", "_HIDDEN", "A-B" };
	for (size_t i = 0; i < 5; i++) {
		char *p3 = lrt_fmt("%s/env3.ini", T);
		lrt_write(p3, lrt_fmt("[env]\nsecrets = %s\n", refused[i]));
		r = lrt_run_env(T, env, LRT_ARGS("-p", p3, "--", "/bin/true"));
		cr_expect_eq(r->status, 125, "%s accepted", refused[i]);
		lrt_free(r);
	}
}

/* A failed exec is reported the same way in place and supervised: which file lacks execute. */
Test(exec, exec_failure_message_is_the_same_in_place_and_supervised)
{
	char *none = policy("noexec", "");
	char *cmd_only = policy("cmdonly", "rox = /usr/bin/true\n");
	const char *const expected[] = {
		"/usr/bin/true: permission denied: the policy does not grant execute on it (add it",
		"/usr/bin/true: permission denied: execute is granted on the command but not on its interpreter",
	};
	const char *pols[] = { none, cmd_only };
	for (int i = 0; i < 2; i++) {
		struct lrt_result *in_place = lrt_run(T, LRT_ARGS("-p", pols[i], "--", "/usr/bin/true"));
		struct lrt_result *supervised = lrt_run(T, LRT_ARGS("--supervise", "-p", pols[i], "--", "/usr/bin/true"));
		cr_expect_eq(in_place->status, 126, "%s", in_place->err);
		cr_expect_eq(supervised->status, 126, "%s", supervised->err);
		cr_expect(lrt_contains(in_place->err, expected[i]), "%s", in_place->err);
		cr_expect_str_eq(supervised->err, in_place->err);
		lrt_free(in_place);
		lrt_free(supervised);
	}
	free(none);
	free(cmd_only);
}

/* verify names a file, not a spelling: a command reached through a symbolic link to its directory
 * (/bin/x and /usr/bin/x on merged /usr) is verified by a line of either spelling, so a wrong
 * digest stops it whichever name runs it; the right digest, by either spelling, runs it. */
Test(exec, verify_holds_for_every_spelling_of_the_command)
{
	char *real = lrt_fmt("%s/real", T), *alias = lrt_fmt("%s/alias", T);
	char *tool = lrt_fmt("%s/tool", real), *aliased = lrt_fmt("%s/tool", alias);
	mkdir(real, 0755);
	cr_assert_eq(symlink("real", alias), 0);
	char *cp = lrt_fmt("cp /usr/bin/true %s", tool);
	cr_assert_eq(system(cp), 0);
	char *base = lrt_fmt("[policy]\ninclude = %s/base.ini\n[filesystem]\nro = %s\n[env]\npath = %s\n", lrt_policies(), T, alias);
	const char *const names[] = { tool, aliased };
	for (int line = 0; line < 2; line++) {
		char *bad = lrt_fmt("%s/bad%d.ini", T, line), *good = lrt_fmt("%s/good%d.ini", T, line);
		char *bad_text = lrt_fmt("%s[exec]\nverify = %s %s\n", base, names[line], digest_of("/usr/bin/false"));
		char *good_text = lrt_fmt("%s[exec]\nverify = %s %s\n", base, names[line], digest_of(tool));
		lrt_write(bad, bad_text);
		lrt_write(good, good_text);
		const char *const run_as[] = { tool, aliased, "tool" };
		for (size_t i = 0; i < LRT_LEN(run_as); i++) {
			struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", bad, "--", run_as[i]));
			cr_expect_eq(r->status, 126, "verify = %s, run as %s: %s", names[line], run_as[i], r->err);
			cr_expect(lrt_contains(r->err, "but the policy expects sha256:"), "%s", r->err);
			lrt_free(r);
			r = lrt_run(T, LRT_ARGS("-p", good, "--", run_as[i]));
			cr_expect_eq(r->status, 0, "verify = %s, run as %s: %s", names[line], run_as[i], r->err);
			lrt_free(r);
		}
		free(good_text), free(bad_text), free(good), free(bad);
	}
	free(base), free(cp), free(aliased), free(tool), free(alias), free(real);
}

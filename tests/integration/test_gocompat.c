/* Go landrun's command lines: the flags it has and landrun took over, each refused or denied
 * without it and granted with it. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static char *T;
static void setup(void) { T = lrt_mkdtemp("/var/tmp"); }
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(gocompat, .init = setup, .fini = teardown);

/* The system and the probe, as Go landrun users write them. */
static char *go_rox(void)
{
	return lrt_fmt("/usr,/lib,/lib64,%s", lrt_helpers_dir());
}

Test(gocompat, ignore_missing_skips_absent_paths_only)
{
	char *data = lrt_fmt("%s/data", T), *gone = lrt_fmt("%s/gone", T), *other = lrt_fmt("%s/other", T);
	lrt_write(data, "x\n");
	lrt_write(other, "y\n");
	char *ro = lrt_fmt("%s,%s", data, gone);
	/* without it an absent path is an error: nothing runs */
	struct lrt_result *no = lrt_run(T, LRT_ARGS("--rox", go_rox(), "--ro", ro, "--", lrt_probe(), "read", data));
	cr_expect_eq(no->status, 125, "%s%s", no->out, no->err);
	cr_expect(lrt_contains(no->err, gone), "%s", no->err);
	lrt_free(no);
	/* given before or after the paths, in both spellings; the policy file's paths too */
	char *pol = lrt_policy(T, "missing", lrt_fmt("[filesystem]\nro = %s/policy-gone\n", T));
	const char *spell[] = { "--ignore-missing", "-ignore-missing" };
	for (size_t i = 0; i < LRT_LEN(spell); i++) {
		struct lrt_result *ok = lrt_run(T, LRT_ARGS("--ro", ro, spell[i], "-p", pol, "--rox", go_rox(), "--",
							   lrt_probe(), "read", data));
		cr_expect_eq(ok->status, 0, "%s: %s%s", spell[i], ok->out, ok->err);
		lrt_free(ok);
	}
	/* what is present is still the only grant */
	no = lrt_run(T, LRT_ARGS("--ignore-missing", "--rox", go_rox(), "--ro", ro, "--", lrt_probe(), "read", other));
	cr_expect_eq(no->status, 1, "%s%s", no->out, no->err);
	cr_expect(lrt_contains(no->out, "EACCES"), "%s", no->out);
	lrt_free(no);
}

/* A copy of the probe in dir/bin/name, and what it takes to run it by name with only dir/bin in
 * PATH: the system executable, dir readable (not executable). */
static char *probe_copy(const char *dir, const char *name)
{
	char *bin = lrt_fmt("%s/bin", dir), *to = lrt_fmt("%s/%s", bin, name);
	mkdir(bin, 0755);
	struct lrt_result *r = lrt_run(NULL, LRT_ARGS("--unrestricted-filesystem", "--", "/bin/cp", lrt_probe(), to));
	cr_assert_eq(r->status, 0, "%s", r->err);
	lrt_free(r);
	chmod(to, 0755);
	return to;
}

Test(gocompat, add_exec_grants_the_resolved_command_only)
{
	char *p1 = probe_copy(T, "p1"), *p2 = probe_copy(T, "p2");
	char *path = lrt_fmt("PATH=%s/bin", T);
	/* readable, not executable: the kernel refuses the exec */
	struct lrt_result *no = lrt_run(T, LRT_ARGS("--rox", "/usr,/lib,/lib64", "--ro", T, "--env", path, "--", "p1", "pid"));
	cr_expect_eq(no->status, 126, "%s%s", no->out, no->err);
	lrt_free(no);
	/* found with the sandbox's PATH, that file (and not its neighbour) becomes executable */
	const char *spell[] = { "--add-exec", "-add-exec" };
	for (size_t i = 0; i < LRT_LEN(spell); i++) {
		struct lrt_result *ok = lrt_run(T, LRT_ARGS(spell[i], "--rox", "/usr,/lib,/lib64", "--ro", T, "--env", path,
							   "--", "p1", "exec", p2, "pid"));
		cr_expect_eq(ok->status, 1, "%s: %s%s", spell[i], ok->out, ok->err);
		cr_expect(lrt_contains(ok->out, "denied EACCES"), "%s: %s", spell[i], ok->out);
		lrt_free(ok);
	}
	struct lrt_result *ok = lrt_run(T, LRT_ARGS("--add-exec", "--rox", "/usr,/lib,/lib64", "--ro", T, "--env", path,
						   "--", "p1", "pid"));
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	lrt_free(ok);
	ok = lrt_run(T, LRT_ARGS("--add-exec", "--explain", "--rox", "/usr,/lib,/lib64", "--ro", T, "--env", path, "--", "p1"));
	cr_expect(lrt_contains(ok->out, lrt_fmt("add_command: %s", p1)), "%s%s", ok->out, ok->err);
	lrt_free(ok);
}

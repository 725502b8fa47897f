/* A policy its own sandbox could rewrite is refused (guard), and `landrun check` reports a policy's
 * exposure (check). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static char *T, *pol_dir, *work;

/* T/pol holds the policies, T/work is where the command may write. */
static void setup(void)
{
	T = lrt_mkdtemp("/var/tmp");
	pol_dir = lrt_fmt("%s/pol", T);
	work = lrt_fmt("%s/work", T);
	mkdir(pol_dir, 0755);
	mkdir(work, 0755);
}

static void teardown(void)
{
	lrt_rmrf(T);
	free(T);
	free(pol_dir);
	free(work);
}

TestSuite(guard, .init = setup, .fini = teardown);
TestSuite(check, .init = setup, .fini = teardown);

/* Runs `probe write T/pol/ran` under policy, from T. */
static struct lrt_result *write_marker(const char *policy, const char *more_flag, const char *more_arg)
{
	char *marker = lrt_fmt("%s/ran", pol_dir);
	struct lrt_result *r = more_flag
		? lrt_run(T, LRT_ARGS("-p", policy, more_flag, more_arg, "--", lrt_probe(), "write", marker))
		: lrt_run(T, LRT_ARGS("-p", policy, "--", lrt_probe(), "write", marker));
	free(marker);
	return r;
}

static void expect_refused(struct lrt_result *r, const char *policy_file)
{
	cr_expect_eq(r->status, 125, "status %d: %s", r->status, r->err);
	char *want = lrt_fmt("the policy file %s is writable inside its own sandbox (by this grant)", policy_file);
	cr_expect(lrt_contains(r->err, want), "want \"%s\": %s", want, r->err);
	cr_expect(lrt_contains(r->err, "move the policy out of it or narrow the grant"), "%s", r->err);
	free(want);
	char *marker = lrt_fmt("%s/ran", pol_dir);
	cr_expect_eq(access(marker, F_OK), -1, "the command ran");
	free(marker);
	lrt_free(r);
}

Test(guard, policy_in_its_own_rw_grant_is_refused)
{
	char *pol = lrt_policy(pol_dir, "p", lrt_fmt("rw = %s\n", pol_dir));
	struct lrt_result *r = write_marker(pol, NULL, NULL);
	char *line = lrt_fmt("landrun: %s:5: the policy file", pol);
	cr_expect(lrt_contains(r->err, line), "the grant's FILE:LINE: %s", r->err);
	expect_refused(r, pol);
}

Test(guard, read_only_grant_on_the_policy_directory_runs)
{
	char *pol = lrt_policy(pol_dir, "p", lrt_fmt("ro = %s\nrw = %s\n", pol_dir, work));
	/* the granted twin: writing in work succeeds, writing beside the policy does not */
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "write", lrt_fmt("%s/ok", work)));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
	r = write_marker(pol, NULL, NULL);
	cr_expect_eq(r->status, 1, "%s%s", r->out, r->err);
	lrt_free(r);
}

Test(guard, a_grant_on_a_parent_directory_is_refused)
{
	char *pol = lrt_policy(pol_dir, "p", lrt_fmt("rw = %s\n", T));
	expect_refused(write_marker(pol, NULL, NULL), pol);
}

Test(guard, a_file_grant_on_the_policy_itself_is_refused)
{
	char *pol = lrt_fmt("%s/p.ini", pol_dir);
	char *text = lrt_fmt("rw = %s\n", pol);
	lrt_policy(pol_dir, "p", text);
	expect_refused(write_marker(pol, NULL, NULL), pol);
}

Test(guard, an_included_policy_in_a_rw_grant_is_refused)
{
	/* the main policy sits in T (not granted); the file it includes sits in the writable T/pol */
	char *inc = lrt_fmt("%s/inc.ini", pol_dir);
	lrt_write(inc, "[network]\nudp = no\n");
	char *pol = lrt_policy(T, "main", lrt_fmt("rw = %s\n[policy]\ninclude = %s\n", pol_dir, inc));
	expect_refused(write_marker(pol, NULL, NULL), inc);
}

Test(guard, a_symlinked_spelling_of_the_directory_is_refused)
{
	char *alias = lrt_fmt("%s/alias", T);
	cr_assert_eq(symlink(pol_dir, alias), 0);
	if (lrt_is_root())
		cr_assert_eq(lchown(alias, 0, 0), 0); /* a link root owns is followed in a grant */
	char *pol = lrt_policy(pol_dir, "p", "");
	struct lrt_result *r = write_marker(pol, "--rw", alias);
	if (!lrt_is_root()) {
		/* a link owned by the user is refused before the guard is reached: also no run */
		cr_expect_eq(r->status, 125, "%s", r->err);
		lrt_free(r);
		return;
	}
	expect_refused(r, pol);
}

Test(guard, a_policy_reached_through_a_symlinked_directory_is_refused)
{
	/* the policy is read as T/alias/p.ini, the grant names the real T/pol */
	char *alias = lrt_fmt("%s/alias", T);
	cr_assert_eq(symlink(pol_dir, alias), 0);
	lrt_policy(pol_dir, "p", "");
	char *pol = lrt_fmt("%s/p.ini", alias);
	expect_refused(write_marker(pol, "--rw", pol_dir), pol);
}

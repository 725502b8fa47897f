/* A policy its own sandbox could rewrite is refused (guard), and `landrun check` reports a policy's
 * exposure (check). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
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
	/* T/alias lies outside every write grant: followed (whoever owns it), and the guard sees the
	 * directory it leads to */
	char *alias = lrt_fmt("%s/alias", T);
	cr_assert_eq(symlink(pol_dir, alias), 0);
	if (lrt_is_root())
		cr_assert_eq(lchown(alias, 65534, 65534), 0); /* ownership is no criterion either way */
	char *pol = lrt_policy(pol_dir, "p", "");
	expect_refused(write_marker(pol, "--rw", alias), pol);
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

Test(guard, a_policy_file_that_is_a_symlink_is_guarded_where_its_target_is)
{
	/* the policy is read as T/link.ini, a symlink to T/pol/p.ini; the grant names T/pol */
	lrt_policy(pol_dir, "p", "");
	char *target = lrt_fmt("%s/p.ini", pol_dir), *link = lrt_fmt("%s/link.ini", T);
	cr_assert_eq(symlink(target, link), 0);
	expect_refused(write_marker(link, "--rw", pol_dir), link);
	/* the twin: the directory of the link itself is not the policy's; granting it runs */
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", link, "--rw", work, "--", lrt_probe(), "pid"));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
	free(target);
	free(link);
}

/* A policy reached through a link inside one of its own write grants: the command could replace
 * the link, and the next run would read the command's policy (unrestricted = yes). Refused, the
 * link named; the marker in work, which the policy grants, shows whether the command ran. */
static void expect_link_refused(const char *policy_arg, const char *link)
{
	char *marker = lrt_fmt("%s/ran", work);
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", policy_arg, "--", lrt_probe(), "write", marker));
	cr_expect_eq(r->status, 125, "%s: status %d: %s", policy_arg, r->status, r->err);
	char *want = lrt_fmt("is reached through %s, a symbolic link inside the write grant rw = %s (", link, work);
	cr_expect(lrt_contains(r->err, want), "want \"%s\": %s", want, r->err);
	cr_expect_eq(access(marker, F_OK), -1, "the command ran");
	lrt_free(r);
	free(want);
	free(marker);
}

Test(guard, a_policy_reached_through_a_link_in_a_write_grant_is_refused)
{
	/* the real policy sits in T/pol, outside its grants; the links sit in work, which it grants */
	char *pol = lrt_policy(pol_dir, "p", lrt_fmt("rw = %s\n", work));
	char *link = lrt_fmt("%s/link.ini", work), *dir_link = lrt_fmt("%s/pdir", work);
	cr_assert_eq(symlink(pol, link), 0);
	cr_assert_eq(symlink(pol_dir, dir_link), 0);
	expect_link_refused(link, link);                            /* the file a link */
	expect_link_refused(lrt_fmt("%s/p.ini", dir_link), dir_link); /* a directory on the way */
	/* relative to the current directory, as -p ./link.ini */
	struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", "./link.ini", "--", lrt_probe(), "pid"));
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "a symbolic link inside the write grant"), "%s", r->err);
	lrt_free(r);
	/* an include through such a link */
	char *inc = lrt_fmt("%s/inc.ini", pol_dir), *inc_link = lrt_fmt("%s/inc.ini", work);
	lrt_write(inc, "[network]\nudp = no\n");
	cr_assert_eq(symlink(inc, inc_link), 0);
	char *main_pol = lrt_policy(T, "main", lrt_fmt("rw = %s\n[policy]\ninclude = %s\n", work, inc_link));
	expect_link_refused(main_pol, inc_link);
	/* the twin: the same links in T, which no grant covers, are followed */
	char *outside = lrt_fmt("%s/outside.ini", T), *outside_dir = lrt_fmt("%s/outside", T);
	cr_assert_eq(symlink(pol, outside), 0);
	cr_assert_eq(symlink(pol_dir, outside_dir), 0);
	char *inc_outside = lrt_fmt("%s/inc-outside.ini", T);
	cr_assert_eq(symlink(inc, inc_outside), 0);
	const char *fine[] = { outside, lrt_fmt("%s/p.ini", outside_dir),
			       lrt_policy(T, "main2", lrt_fmt("rw = %s\n[policy]\ninclude = %s\n", work, inc_outside)) };
	for (size_t i = 0; i < 3; i++) {
		char *marker = lrt_fmt("%s/ran", work);
		unlink(marker);
		r = lrt_run(T, LRT_ARGS("-p", fine[i], "--", lrt_probe(), "write", marker));
		cr_expect_eq(r->status, 0, "%s: %s%s", fine[i], r->out, r->err);
		cr_expect_eq(access(marker, F_OK), 0, "%s: the command did not run", fine[i]);
		lrt_free(r);
		free(marker);
	}
}

/* ---- landrun check ------------------------------------------------------------------------- */

static struct lrt_result *check(const char *const args[])
{
	char *const env[] = { "PATH=/usr/bin:/bin", "HOME=/nonexistent", "LANG=C", NULL };
	return lrt_run_env(T, env, args);
}

static char *shipped(const char *name)
{
	return lrt_fmt("%s/%s.ini", lrt_policies(), name);
}

Test(check, embedded_default_is_checked_without_a_policy)
{
	struct lrt_result *r = check(LRT_ARGS("check"));
	cr_expect(lrt_contains(r->out, "<embedded default>\n"), "%s", r->out);
	cr_expect(!lrt_contains(r->out, "read-etc") && !lrt_contains(r->out, "read-secrets"), "%s", r->out);
	/* git's ~/.gitconfig, the one dotfile the default reads, is reported */
	cr_expect(lrt_contains(r->out, "read-dotfiles") && lrt_contains(r->out, "/.gitconfig: a dotfile"), "%s", r->out);
	LRT_EXPECT(r, 0, "exposure 1.5 OK\n");
}

Test(check, shipped_policies_scores_in_order)
{
	struct lrt_result *r = check(LRT_ARGS("check", shipped("base"), shipped("default"), shipped("git"), shipped("shell")));
	cr_expect_eq(r->status, 0, "%s", r->err);
	/* base is the tightest; default reads ~/.gitconfig; shell adds the tty; git UDP to the
	 * nameservers (DNS) */
	const char *want[] = { "base.ini\n", "exposure 1.0 OK\n", "default.ini\n", "exposure 1.5 OK\n",
			       "git.ini\n", "exposure 1.5 OK\n", "shell.ini\n", "exposure 2.5 OK\n" };
	const char *at = r->out;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *next = strstr(at, want[i]);
		cr_expect(next != NULL, "want \"%s\" after: %s", want[i], at);
		at = next ? next + strlen(want[i]) : at;
	}
	lrt_free(r);
}

Test(check, a_finding_names_weight_id_origin_and_fix)
{
	char *git = shipped("git");
	struct lrt_result *r = check(LRT_ARGS("check", git));
	char *line = lrt_fmt("  0.5  udp-dns              %s:24: UDP to the nameservers only", git);
	cr_expect(lrt_contains(r->out, line), "want \"%s\": %s", line, r->out);
	LRT_EXPECT(r, 0, "; fix: udp = no, unless the command resolves names itself (DNS)\n");
}

Test(check, threshold_exit_status)
{
	char *git = shipped("git");
	struct lrt_result *r = check(LRT_ARGS("check", "--threshold", "1.4", git));
	LRT_EXPECT(r, 1, "exposure 1.5 OK");
	r = check(LRT_ARGS("check", "--threshold", "1.5", git));
	LRT_EXPECT(r, 0, "exposure 1.5 OK");
	r = check(LRT_ARGS("check", "--threshold", "10", git));
	LRT_EXPECT(r, 0, "exposure 1.5 OK");
	const char *bad[] = { "10.5", "11", "x", "1.", "-1", "2.55" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = check(LRT_ARGS("check", "--threshold", bad[i], git));
		cr_expect_eq(r->status, 125, "%s: %d", bad[i], r->status);
		cr_expect(lrt_contains(r->err, "expected a score from 0.0 to 10.0"), "%s", r->err);
		lrt_free(r);
	}
	r = check(LRT_ARGS("check", "--no-such-option"));
	cr_expect_eq(r->status, 125);
	cr_expect(lrt_contains(r->err, "usage: landrun check"), "%s", r->err);
	lrt_free(r);
}

Test(check, a_policy_without_a_sandbox_is_unsafe)
{
	char *pol = lrt_fmt("%s/open.ini", T);
	lrt_write(pol, "[filesystem]\nunrestricted = yes\n[network]\nconnect_tcp = any\nbind_tcp = any\n"
		       "udp = yes\n[syscalls]\nbaseline = none\n[process]\ncapabilities = net_admin\n");
	struct lrt_result *r = check(LRT_ARGS("check", pol));
	char *line = lrt_fmt("fs-unrestricted      %s:2: the filesystem is not restricted", pol);
	cr_expect(lrt_contains(r->out, line), "%s", r->out);
	LRT_EXPECT(r, 0, "exposure 10.0 UNSAFE\n");
	r = check(LRT_ARGS("check", "--threshold", "9.9", pol));
	LRT_EXPECT(r, 1, "exposure 10.0 UNSAFE\n");
}

Test(check, a_policy_error_is_125_with_its_line)
{
	char *bad = lrt_fmt("%s/bad.ini", T);
	lrt_write(bad, "[network]\nconnect_tcp = 99999\n");
	struct lrt_result *r = check(LRT_ARGS("check", shipped("base"), bad));
	cr_expect_eq(r->status, 125, "%s", r->err);
	char *where = lrt_fmt("landrun: %s:2: ", bad);
	cr_expect(lrt_contains(r->err, where), "%s", r->err);
	cr_expect(lrt_contains(r->out, "exposure 1.0 OK"), "the good policy is still reported: %s", r->out);
	lrt_free(r);
}

Test(check, reports_a_policy_its_sandbox_could_rewrite)
{
	char *pol = lrt_policy(pol_dir, "p", lrt_fmt("rw = %s\n", pol_dir));
	struct lrt_result *r = check(LRT_ARGS("check", pol));
	char *line = lrt_fmt("5.0  policy-writable      %s:5: rw = %s: the policy file %s is writable", pol, pol_dir, pol);
	cr_expect(lrt_contains(r->out, line), "want \"%s\": %s", line, r->out);
	LRT_EXPECT(r, 0, "exposure 6.0 EXPOSED\n");
}

Test(check, json_output)
{
	struct lrt_result *r = check(LRT_ARGS("check", "--json", shipped("git"), shipped("base")));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect_eq(strncmp(r->out, "[\n{\"policy\":", 12), 0, "%s", r->out);
	cr_expect(lrt_contains(r->out, "\"score\":1.5,\"verdict\":\"OK\",\"findings\":[{\"weight\":0.5,"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "\"id\":\"udp-dns\",\"file\":"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "\"line\":24,"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "]},\n{\"policy\":"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "]}\n]\n"), "%s", r->out);
	lrt_free(r);
}

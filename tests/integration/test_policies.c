/* The shipped policies run the real tools they are for, and still keep $HOME out of reach. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static char *T, *home, *work, *env_home;

static void setup(void)
{
	T = lrt_mkdtemp("/var/tmp");
	home = lrt_fmt("%s/home", T);
	work = lrt_fmt("%s/work", T);
	mkdir(home, 0755);
	mkdir(work, 0755);
	lrt_write(lrt_fmt("%s/.secret", home), "token\n");
	env_home = lrt_fmt("HOME=%s", home);
}
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(policies, .init = setup, .fini = teardown);

static struct lrt_result *in_work(const char *const args[])
{
	char *const env[] = { "PATH=/usr/bin:/bin", env_home, "LANG=C", NULL };
	return lrt_run_env(work, env, args);
}

Test(policies, git_clones_a_local_repository)
{
	char *up = lrt_fmt("%s/upstream", T);
	char *mk = lrt_fmt("git init -q %s && cd %s && echo hi > README && git add README && "
			   "git -c user.name=t -c user.email=t@e commit -qm one", up, up);
	cr_assert_eq(system(mk), 0);
	char *git = lrt_fmt("%s/git.ini", lrt_policies());
	struct lrt_result *r = in_work(LRT_ARGS("-p", git, "--ro", up, "--", "git", "clone", "-q", up, "clone"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect_eq(access(lrt_fmt("%s/clone/README", work), F_OK), 0);
	lrt_free(r);
	/* without the grant on the upstream, the same clone fails */
	r = in_work(LRT_ARGS("-p", git, "--", "git", "clone", "-q", up, "clone2"));
	cr_expect_neq(r->status, 0, "%s", r->err);
	cr_expect_neq(access(lrt_fmt("%s/clone2/README", work), F_OK), 0);
	lrt_free(r);
	r = in_work(LRT_ARGS("-p", git, "--", "sh", "-c", "cat ~/.secret"));
	cr_expect_neq(r->status, 0);
	cr_expect(lrt_contains(r->err, "Permission denied"), "%s", r->err);
	lrt_free(r);
}

Test(policies, git_policy_by_name)
{
	struct lrt_result *r = in_work(LRT_ARGS("--explain", "-p", "git"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "git.ini"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "connect_tcp      443"), "%s", r->out);
	lrt_free(r);
}

Test(policies, shell_pipeline)
{
	struct lrt_result *r = in_work(LRT_ARGS("-p", lrt_fmt("%s/shell.ini", lrt_policies()), "--", "sh", "-c",
					       "printf 'b\\na\\nb\\n' > in && sort in | uniq -c | tr -s ' ' > out && cat out"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect_str_eq(r->out, " 1 a\n 2 b\n");
	lrt_free(r);
	r = in_work(LRT_ARGS("-p", lrt_fmt("%s/shell.ini", lrt_policies()), "--", "sh", "-c", "cat ~/.secret"));
	cr_expect_neq(r->status, 0);
	lrt_free(r);
}

Test(policies, default_file_matches_embedded_default)
{
	char *file = lrt_fmt("%s/default.ini", lrt_policies());
	struct lrt_result *a = in_work(LRT_ARGS("--explain", "-p", file));
	struct lrt_result *b = in_work(LRT_ARGS("--explain"));
	cr_assert_eq(a->status, 0, "%s", a->err);
	/* same rules: compare the text after the sources line, with origins' file names removed */
	char *ea = strstr(a->out, "[filesystem]"), *eb = strstr(b->out, "[filesystem]");
	cr_assert(ea && eb);
	char *fa = lrt_fmt("%s", ea), *fb = lrt_fmt("%s", eb);
	for (char *p; (p = strstr(fa, file));)
		memmove(p, p + strlen(file), strlen(p + strlen(file)) + 1);
	for (char *p; (p = strstr(fb, "<embedded default>"));)
		memmove(p, p + 18, strlen(p + 18) + 1);
	cr_expect_str_eq(fa, fb);
	lrt_free(a);
	lrt_free(b);
}

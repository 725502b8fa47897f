/* The shipped policies run the real tools they are for, and still keep $HOME out of reach. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
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

/* ---- the embedded default, wherever and by whomever it is started ---------------------------- */

static struct lrt_result *in_dir(const char *cwd, const char *const args[])
{
	char *const env[] = { "PATH=/usr/bin:/bin", env_home, "LANG=C", NULL };
	return lrt_run_env(cwd, env, args);
}

Test(policies, default_runs_everyday_commands)
{
	struct lrt_result *r = in_work(LRT_ARGS("--", "sh", "-c",
						"ls /usr >/dev/null && date >/dev/null && id -un && grep -c '^root:' /etc/passwd && "
						"git --version >/dev/null && echo made > out && cat out"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "\n1\nmade\n"), "%s", r->out);
	lrt_free(r);
}

/* Run as root, a command under /etc read whole would read the password hashes. */
Test(policies, default_keeps_etc_shadow_from_root)
{
	if (!lrt_is_root())
		cr_skip_test("as an unprivileged user /etc/shadow is unreadable anyway: the twin cannot succeed");
	if (lrt_abi_below(1) || access("/etc/shadow", R_OK) != 0)
		cr_skip_test("no Landlock, or no /etc/shadow here");
	struct lrt_result *r = in_work(LRT_ARGS("--", "cat", "/etc/shadow"));
	cr_expect_neq(r->status, 0, "/etc/shadow was readable under the default: %s", r->out);
	cr_expect(lrt_contains(r->err, "Permission denied"), "%s", r->err);
	cr_expect(!lrt_contains(r->out, "root:"), "%s", r->out);
	lrt_free(r);
	/* twin: a policy that names it reads it */
	char *pol = lrt_fmt("%s/shadow.ini", T);
	/* the staged copy of default.ini: a source tree under /tmp would be writable by its own rw /tmp */
	lrt_write(pol, lrt_fmt("[policy]\ninclude = %s/default.ini\n[filesystem]\nro = /etc/shadow\n", lrt_policies()));
	r = in_work(LRT_ARGS("-p", pol, "--", "cat", "/etc/shadow"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "root:"), "%s", r->out);
	lrt_free(r);
}

/* rw = ${CWD} started from /, $HOME or a parent of it gives the command all of it: refused, the
 * command does not run. */
Test(policies, default_refuses_to_run_from_home_its_parent_or_the_root)
{
	const char *const *cmd = LRT_ARGS("--", "sh", "-c", "echo planted > planted-by-sandbox");
	const char *dirs[] = { home, T, "/" };
	const char *why[] = { "is $HOME", "is a parent of $HOME", "is the root of the filesystem" };
	for (size_t i = 0; i < 3; i++) {
		struct lrt_result *r = in_dir(dirs[i], cmd);
		cr_expect_eq(r->status, 125, "%s: %s", dirs[i], r->err);
		char *want = lrt_fmt("landrun: <embedded default>:");
		cr_expect(lrt_contains(r->err, want) && lrt_contains(r->err, why[i]) &&
			  lrt_contains(r->err, "cd to a work directory"), "%s: %s", dirs[i], r->err);
		cr_expect(strchr(r->err, '\n') == r->err + strlen(r->err) - 1, "one line: %s", r->err);
		cr_expect_neq(access(lrt_fmt("%s/planted-by-sandbox", dirs[i]), F_OK), 0, "%s", dirs[i]);
		lrt_free(r);
	}
	/* the shipped policies that grant ${CWD} refuse the same */
	struct lrt_result *r = in_dir(home, LRT_ARGS("-p", lrt_fmt("%s/shell.ini", lrt_policies()), "--", "true"));
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "default.ini:") && lrt_contains(r->err, "is $HOME"), "%s", r->err);
	lrt_free(r);
	/* twin: from a directory below $HOME the command runs and writes there */
	char *proj = lrt_fmt("%s/proj", home);
	mkdir(proj, 0755);
	r = in_dir(proj, cmd);
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect_eq(access(lrt_fmt("%s/planted-by-sandbox", proj), F_OK), 0);
	lrt_free(r);
	/* and naming the directory, not ${CWD}, is the user's explicit choice */
	r = in_dir(home, LRT_ARGS("--rox", "/usr,?/lib,?/lib64,?/bin", "--rw", home, "--", "true"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	lrt_free(r);
	/* `--rw .` (Go landrun's spelling) is the current directory, judged as ${CWD} is */
	r = in_dir(home, LRT_ARGS("--rox", "/usr,?/lib,?/lib64,?/bin", "--rw", ".", "--", "sh", "-c",
				  "echo planted > planted-by-sandbox"));
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "is $HOME"), "%s", r->err);
	cr_expect_neq(access(lrt_fmt("%s/planted-by-sandbox", home), F_OK), 0);
	lrt_free(r);
	r = in_dir(proj, LRT_ARGS("--rox", "/usr,?/lib,?/lib64,?/bin", "--rw", "./", "--", "true"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	lrt_free(r);
	/* every other spelling of it, or of its parent, is judged where it leads */
	const char *spellings[] = { ".//", "./.", "${CWD}/.", "${CWD}//", "${PWD}/x/..", "proj/.." };
	for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		mkdir(lrt_fmt("%s/x", home), 0755);
		mkdir(lrt_fmt("%s/proj", home), 0755);
		r = in_dir(home, LRT_ARGS("--rox", "/usr,?/lib,?/lib64,?/bin", "--rw", spellings[i], "--", "sh", "-c",
					  "echo planted > planted-by-sandbox"));
		cr_expect_eq(r->status, 125, "--rw %s: %s", spellings[i], r->err);
		cr_expect(lrt_contains(r->err, "is $HOME"), "--rw %s: %s", spellings[i], r->err);
		cr_expect_neq(access(lrt_fmt("%s/planted-by-sandbox", home), F_OK), 0, "--rw %s", spellings[i]);
		lrt_free(r);
	}
	r = in_dir(proj, LRT_ARGS("--rox", "/usr,?/lib,?/lib64,?/bin", "--rw", "..", "--", "true"));
	cr_expect_eq(r->status, 125, "--rw .. from $HOME/proj: %s", r->err);
	lrt_free(r);
	/* twin: a subdirectory of $HOME named relative to it */
	r = in_dir(home, LRT_ARGS("--rox", "/usr,?/lib,?/lib64,?/bin", "--rw", "proj", "--", "sh", "-c",
				  "echo planted > proj/planted-by-sandbox"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect_eq(access(lrt_fmt("%s/planted-by-sandbox", proj), F_OK), 0);
	lrt_free(r);
	/* a hidden directory of $HOME holds what runs outside the sandbox (~/.config, ~/.local/bin) */
	char *dot = lrt_fmt("%s/.config", home);
	mkdir(dot, 0755);
	r = in_dir(dot, cmd);
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "is a hidden directory of $HOME"), "%s", r->err);
	cr_expect_neq(access(lrt_fmt("%s/planted-by-sandbox", dot), F_OK), 0);
	lrt_free(r);
}

Test(policies, default_refuses_a_system_directory_and_check_flags_it)
{
	struct lrt_result *r = in_dir("/etc", LRT_ARGS("--", "true"));
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "the current directory /etc is a system directory"), "%s", r->err);
	lrt_free(r);
	r = in_dir("/", LRT_ARGS("check"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "rw-workdir           <embedded default>:"), "%s", r->out);
	lrt_free(r);
	r = in_dir(work, LRT_ARGS("check"));
	cr_expect(!lrt_contains(r->out, "rw-workdir"), "%s", r->out);
	lrt_free(r);
	if (!lrt_is_root())
		return; /* nobody cannot write below /var/lib in the first place */
	/* as root, a service's state below /var (dpkg's maintainer scripts, systemd) is refused too */
	char *state = lrt_mkdtemp("/var/lib");
	r = in_dir(state, LRT_ARGS("--", "sh", "-c", "echo planted > planted-by-sandbox"));
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "a service's state, as root"), "%s", r->err);
	cr_expect_neq(access(lrt_fmt("%s/planted-by-sandbox", state), F_OK), 0);
	lrt_free(r);
	lrt_rmrf(state);
	free(state);
}

/* Landlock cannot carve .git out of a writable grant: said, not hidden. */
Test(policies, a_writable_git_repository_is_named_by_explain_and_v)
{
	struct lrt_result *r = in_work(LRT_ARGS("--explain", "--", "true"));
	cr_expect(!lrt_contains(r->out, "/.git,"), "no .git yet: %s", r->out);
	lrt_free(r);
	mkdir(lrt_fmt("%s/.git", work), 0755);
	r = in_work(LRT_ARGS("--explain", "--", "true"));
	char *want = lrt_fmt("note: rw = %s (<embedded default>:", work);
	cr_expect(lrt_contains(r->out, want) && lrt_contains(r->out, lrt_fmt("holds %s/.git, writable too", work)),
		  "want \"%s\": %s", want, r->out);
	lrt_free(r);
	r = in_work(LRT_ARGS("-v", "--", "true"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->err, "/.git, writable too (Landlock cannot carve it out)"), "%s", r->err);
	lrt_free(r);
	r = in_work(LRT_ARGS("check"));
	cr_expect(lrt_contains(r->out, "rw-git"), "%s", r->out);
	lrt_free(r);
	/* and the hook really is plantable: the residual the note is about */
	r = in_work(LRT_ARGS("--", "sh", "-c", "mkdir -p .git/hooks && echo planted > .git/hooks/post-checkout"));
	cr_expect_eq(r->status, 0, "residual gone? %s", r->err);
	cr_expect_eq(access(lrt_fmt("%s/.git/hooks/post-checkout", work), F_OK), 0,
		     "residual: a hook planted in a writable .git (if this fails, Landlock can now protect .git)");
	lrt_free(r);
}

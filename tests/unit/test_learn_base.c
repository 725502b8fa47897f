/* learn: what a base policy grants, judged by name as Landlock adds rights up (learn_base.h). */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "landlock_abi.h"
#include "landlock_rights.h"
#include "learn_base.h"
#include "policy.h"
#include "sandbox.h"
#include "unit.h"

TestSuite(learn_base);

#define RO lr_access_rights(LR_RO)
#define RW lr_access_rights(LR_RW)
#define RUN (lr_access_rights(LR_EXEC) & LR_FS_FILE_RIGHTS)

Test(learn_base, rights_add_up_beneath_directories_and_files_grant_only_themselves)
{
	struct lr_learn_base b;
	lr_learn_base_init(&b);
	cr_assert_eq(lr_learn_base_add(&b, "/usr", lr_access_rights(LR_ROX), true), 0);
	cr_assert_eq(lr_learn_base_add(&b, "/srv/job", RO, true), 0);
	cr_assert_eq(lr_learn_base_add(&b, "/srv/job/out", RW, true), 0);
	cr_assert_eq(lr_learn_base_add(&b, "/etc/passwd", RO, false), 0);
	cr_assert_eq(lr_learn_base_add(&b, "/dev/null", RW, false), 0);
	/* the grants */
	cr_expect(lr_learn_base_allows(&b, "/usr", RO));
	cr_expect(lr_learn_base_allows(&b, "/usr/bin/git", RUN));
	cr_expect(lr_learn_base_allows(&b, "/srv/job/out/a/b", RW));
	cr_expect(lr_learn_base_allows(&b, "/srv/job/out/a/b", RO));
	cr_expect(lr_learn_base_allows(&b, "/etc/passwd", RO & LR_FS_FILE_RIGHTS));
	cr_expect(lr_learn_base_allows(&b, "/dev/null", RW & LR_FS_FILE_RIGHTS));
	/* the attacks: beyond them */
	cr_expect(!lr_learn_base_allows(&b, "/usr/bin/git", RW & LR_FS_FILE_RIGHTS), "written in a rox tree");
	cr_expect(!lr_learn_base_allows(&b, "/srv/job", RW), "a read grant written");
	cr_expect(!lr_learn_base_allows(&b, "/srv/job/outside", RW), "a sibling named alike");
	cr_expect(!lr_learn_base_allows(&b, "/srv/job2", RO), "a name that only starts alike");
	cr_expect(!lr_learn_base_allows(&b, "/srv/job/f", RUN), "executed where only read");
	cr_expect(!lr_learn_base_allows(&b, "/etc/passwd/x", RO), "beneath a file grant");
	cr_expect(!lr_learn_base_allows(&b, "/etc", RO), "the directory of a file grant");
	cr_expect(!lr_learn_base_allows(&b, "/secret", RO));
	cr_expect(!lr_learn_base_allows(&b, "/", RO));
	lr_learn_base_free(&b);
	/* unrestricted: everything */
	lr_learn_base_init(&b);
	b.everything = true;
	cr_expect(lr_learn_base_allows(&b, "/secret", RW));
	lr_learn_base_free(&b);
}

/* The base's paths are judged by the names they resolve to: a link outside every write grant is
 * followed, as the compile follows it; the link's own name grants nothing. A file grant is a file's
 * rights only, [exec] allow = none takes execution from rox. */
Test(learn_base, base_paths_are_resolved_as_the_compile_resolves_them)
{
	char *t = lrt_mkdtemp("/var/tmp");
	char real[PATH_MAX];
	char *dir = lrt_fmt("%s/dir", t), *link = lrt_fmt("%s/link", t), *file = lrt_fmt("%s/file", t),
	     *tools = lrt_fmt("%s/tools", t);
	mkdir(dir, 0755);
	mkdir(tools, 0755);
	cr_assert_eq(symlink(dir, link), 0);
	lrt_write(file, "");
	cr_assert(realpath(t, real));
	char *text = lrt_fmt("[filesystem]\nro = %s %s\nrox = %s\n[exec]\nallow = none\n", link, file, tools);
	struct lr_env_ctx ctx = { .environ = (const char *const[]){ NULL } };
	struct lr_policy p;
	struct lr_sandbox sb;
	struct lr_error err = { 0 };
	lr_policy_init(&p);
	lr_sandbox_init(&sb);
	cr_assert_eq(lr_policy_load_string(&p, &ctx, text, "t.ini", &err), 0, "%s", err.msg);
	struct lr_learn_base b;
	lr_learn_base_init(&b);
	cr_assert_eq(lr_learn_base_build(&b, &p, &sb, &err), 0, "%s", err.msg);
	char *in_dir = lrt_fmt("%s/dir/x", real), *by_link = lrt_fmt("%s/link/x", real),
	     *the_file = lrt_fmt("%s/file", real), *tool = lrt_fmt("%s/tools/t", real);
	cr_expect(lr_learn_base_allows(&b, in_dir, RO), "%s", in_dir);
	cr_expect(!lr_learn_base_allows(&b, by_link, RO), "%s", by_link);
	cr_expect(lr_learn_base_allows(&b, the_file, RO & LR_FS_FILE_RIGHTS));
	cr_expect(!lr_learn_base_allows(&b, the_file, LR_FS_READ_DIR), "a directory right on a file");
	cr_expect(lr_learn_base_allows(&b, tool, RO & LR_FS_FILE_RIGHTS));
	cr_expect(!lr_learn_base_allows(&b, tool, RUN), "allow = none: rox does not execute");
	lr_learn_base_free(&b);
	lr_sandbox_free(&sb);
	lr_policy_free(&p);
	lrt_rmrf(t);
	free(tool);
	free(the_file);
	free(by_link);
	free(in_dir);
	free(text);
	free(tools);
	free(file);
	free(link);
	free(dir);
	free(t);
}

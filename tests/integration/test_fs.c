/* Filesystem rights: each attempt the policy does not grant fails, and its granted twin works. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static char *T, *policy;

/* T/ro (read-only), T/rw and T/rw2 (read-write), T/rwx (read-write-execute), T/secret (nothing). */
static void setup(void)
{
	T = lrt_mkdtemp("/var/tmp");
	const char *dirs[] = { "ro", "rw", "rw2", "rwx", "secret" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char *d = lrt_fmt("%s/%s", T, dirs[i]);
		mkdir(d, 0755);
		char *f = lrt_fmt("%s/file", d);
		lrt_write(f, "content\n");
		free(f);
		free(d);
	}
	char *extra = lrt_fmt("ro = %s/ro\nrw = %s/rw %s/rw2\nrwx = %s/rwx\n[syscalls]\nbaseline = hardened\n", T, T, T, T);
	policy = lrt_policy(T, "fs", extra);
	free(extra);
}

static void teardown(void)
{
	lrt_rmrf(T);
	free(T);
	free(policy);
}

TestSuite(fs, .init = setup, .fini = teardown);

/* Runs `probe OP a [b]` under the policy; returns the probe's exit status (0 ok, 1 denied). */
static int probe(const char *op, const char *a, const char *b, char *out, size_t size)
{
	struct lrt_result *r = lrt_run(T, b ? LRT_ARGS("-p", policy, "--", lrt_probe(), op, a, b)
					    : LRT_ARGS("-p", policy, "--", lrt_probe(), op, a));
	int st = r->status;
	if (out)
		snprintf(out, size, "%.120s%.120s", r->out, r->err);
	lrt_free(r);
	return st;
}

#define P(...) lrt_fmt(__VA_ARGS__)

Test(fs, read_granted_and_denied)
{
	char out[256];
	cr_expect_eq(probe("read", P("%s/ro/file", T), NULL, out, sizeof(out)), 0, "%s", out);
	cr_expect_eq(probe("read", P("%s/secret/file", T), NULL, out, sizeof(out)), 1, "%s", out);
	cr_expect(lrt_contains(out, "EACCES"), "%s", out);
}

Test(fs, write_granted_and_denied)
{
	cr_expect_eq(probe("write", P("%s/rw/new", T), NULL, NULL, 0), 0);
	cr_expect_eq(probe("write", P("%s/ro/new", T), NULL, NULL, 0), 1);
	cr_expect_eq(probe("write", P("%s/ro/file", T), NULL, NULL, 0), 1);
	cr_expect_eq(access(P("%s/ro/new", T), F_OK), -1);
}

Test(fs, truncate_granted_and_denied)
{
	cr_expect_eq(probe("truncate", P("%s/rw/file", T), NULL, NULL, 0), 0);
	cr_expect_eq(probe("truncate", P("%s/ro/file", T), NULL, NULL, 0), 1);
	struct stat st;
	cr_assert_eq(stat(P("%s/ro/file", T), &st), 0);
	cr_expect_eq(st.st_size, 8);
}

Test(fs, mkdir_unlink_mkfifo)
{
	cr_expect_eq(probe("mkdir", P("%s/rw/d", T), NULL, NULL, 0), 0);
	cr_expect_eq(probe("mkdir", P("%s/ro/d", T), NULL, NULL, 0), 1);
	cr_expect_eq(probe("unlink", P("%s/rw/file", T), NULL, NULL, 0), 0);
	cr_expect_eq(probe("unlink", P("%s/ro/file", T), NULL, NULL, 0), 1);
	cr_expect_eq(probe("mkfifo", P("%s/rw/fifo", T), NULL, NULL, 0), 0);
	cr_expect_eq(probe("mkfifo", P("%s/ro/fifo", T), NULL, NULL, 0), 1);
}

Test(fs, rename_across_directories)
{
	/* one ruleset, one layer: rename between two rw grants works (refer) */
	cr_expect_eq(probe("rename", P("%s/rw/file", T), P("%s/rw2/moved", T), NULL, 0), 0);
	cr_expect_eq(probe("rename", P("%s/ro/file", T), P("%s/rw/stolen", T), NULL, 0), 1);
	cr_expect_eq(probe("rename", P("%s/secret/file", T), P("%s/rw/stolen", T), NULL, 0), 1);
}

Test(fs, hardlink_escape)
{
	cr_expect_eq(probe("link", P("%s/rw/file", T), P("%s/rw2/linked", T), NULL, 0), 0);
	cr_expect_eq(probe("link", P("%s/secret/file", T), P("%s/rw/linked", T), NULL, 0), 1);
	cr_expect_eq(access(P("%s/rw/linked", T), F_OK), -1);
}

Test(fs, symlink_escape)
{
	/* a symlink the sandbox plants in its rw dir does not reach outside */
	cr_expect_eq(probe("symlink", P("%s/secret/file", T), P("%s/rw/s", T), NULL, 0), 0);
	cr_expect_eq(probe("read", P("%s/rw/s", T), NULL, NULL, 0), 1);
	cr_expect_eq(probe("symlink", P("%s/ro/file", T), P("%s/rw/ok", T), NULL, 0), 0);
	cr_expect_eq(probe("read", P("%s/rw/ok", T), NULL, NULL, 0), 0);
}

Test(fs, proc_self_root_escape)
{
	char *extra = P("ro = %s/ro /proc\n", T);
	char *pol = lrt_policy(T, "proc", extra);
	struct lrt_result *ok = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", P("/proc/self/root%s/ro/file", T)));
	struct lrt_result *no = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", P("/proc/self/root%s/secret/file", T)));
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	cr_expect_eq(no->status, 1, "%s%s", no->out, no->err);
	lrt_free(ok);
	lrt_free(no);
}

Test(fs, execute_only_where_granted)
{
	/* a copy of an allowed binary in a writable directory is not executable */
	char *in_rw = P("%s/rw/probe", T), *in_rwx = P("%s/rwx/probe", T);
	char *cmd = P("cp %s %s && cp %s %s && chmod 755 %s %s", lrt_probe(), in_rw, lrt_probe(), in_rwx, in_rw, in_rwx);
	cr_assert_eq(system(cmd), 0);
	char out[256];
	cr_expect_eq(probe("exec", in_rwx, "pid", out, sizeof(out)), 0, "%s", out);
	cr_expect_eq(probe("exec", in_rw, "pid", out, sizeof(out)), 1, "%s", out);
	cr_expect(lrt_contains(out, "EACCES"), "%s", out);
}

Test(fs, landlock_exec_denial_is_126_with_reason)
{
	char *copy = P("%s/rw/probe", T);
	cr_assert_eq(system(P("cp %s %s", lrt_probe(), copy)), 0);
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", policy, "--", copy, "pid"));
	cr_expect_eq(r->status, 126, "%s", r->err);
	cr_expect(lrt_contains(r->err, "does not grant execute"), "%s", r->err);
	lrt_free(r);
}

Test(fs, file_rule_masks_directory_rights)
{
	/* a single file can be granted: rights are masked to those that apply to files */
	char *extra = P("ro = %s/secret/file\n", T);
	char *pol = lrt_policy(T, "file", extra);
	struct lrt_result *ok = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", P("%s/secret/file", T)));
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	struct lrt_result *no = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "write", P("%s/secret/other", T)));
	cr_expect_eq(no->status, 1, "%s%s", no->out, no->err);
	lrt_free(ok);
	lrt_free(no);
}

Test(fs, planted_symlink_in_policy_is_refused)
{
	/* a policy path that is a symlink not owned by root is not followed */
	char *link = P("%s/rw/link", T);
	cr_assert_eq(symlink(P("%s/secret", T), link), 0);
	if (lrt_is_root())
		cr_assert_eq(lchown(link, 65534, 65534), 0); /* as if planted by another user */
	/* alone, and right after a directory grant: then landrun first tries the rule on the link
	 * itself (a directory right, which the kernel refuses on anything but a directory) */
	const char *texts[] = { P("ro = %s\n", link), P("ro = %s/ro\nro = %s\n", T, link) };
	for (size_t i = 0; i < 2; i++) {
		char *pol = lrt_policy(T, "link", texts[i]);
		struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", P("%s/secret/file", T)));
		cr_expect_eq(r->status, 125, "%s: %s", texts[i], r->err);
		cr_expect(lrt_contains(r->err, "symbolic link"), "%s", r->err);
		lrt_free(r);
	}
}

Test(fs, unrestricted_no_keeps_the_filesystem_restricted)
{
	/* "unrestricted = no" once turned the restriction off: the setting is a yes/no, not a flag */
	char *pol = lrt_policy(T, "restricted", P("ro = %s/ro\nunrestricted = no\n", T));
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", P("%s/secret/file", T)));
	cr_expect_eq(r->status, 1, "%s%s", r->out, r->err);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", P("%s/ro/file", T)));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
	/* nor the syscall filter's truncate(2) denial below Landlock ABI 3 */
	r = lrt_run(T, LRT_ARGS("--test-abi", "2", "--best-effort", "-p", pol, "--", lrt_probe(), "truncate",
				P("%s/ro/file", T)));
	cr_expect_eq(r->status, 1, "%s%s", r->out, r->err);
	cr_expect(lrt_contains(r->out, "denied EPERM"), "%s%s", r->out, r->err);
	lrt_free(r);
}

/* A path with blanks (and " ;", which would start a comment) is granted in double quotes, in a
 * policy file and on the command line; its neighbours stay denied. */
Test(fs, quoted_path_with_blanks_granted_and_denied)
{
	char *ab = P("%s/secret/a b", T), *cd = P("%s/secret/c ;d", T), out[256];
	lrt_write(ab, "ab\n");
	lrt_write(cd, "cd\n");
	/* the twin: without the grant, the file is not readable */
	cr_expect_eq(probe("read", ab, NULL, out, sizeof(out)), 1, "%s", out);
	char *extra = P("ro = %s/ro \"%s\" ; a comment\n", T, ab);
	char *pol = lrt_policy(T, "quoted", extra);
	struct lrt_result *ok = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", ab));
	struct lrt_result *no = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", cd));
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	cr_expect_eq(no->status, 1, "%s%s", no->out, no->err);
	lrt_free(ok);
	lrt_free(no);
	/* on the command line, with a comma list: the quoted word is one path */
	char *flag = P("%s/ro,\"%s\"", T, cd);
	ok = lrt_run(T, LRT_ARGS("-p", policy, "--ro", flag, "--", lrt_probe(), "read", cd));
	no = lrt_run(T, LRT_ARGS("-p", policy, "--ro", flag, "--", lrt_probe(), "read", ab));
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	cr_expect_eq(no->status, 1, "%s%s", no->out, no->err);
	lrt_free(ok);
	lrt_free(no);
}

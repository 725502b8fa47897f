/* Filesystem rights: each attempt the policy does not grant fails, and its granted twin works. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
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
	/* a policy path that is a symlink in a directory the policy lets the sandbox write is not
	 * followed, whoever owns it (as root, the link is root's, as one the sandbox made would be) */
	char *link = P("%s/rw/link", T);
	cr_assert_eq(symlink(P("%s/secret", T), link), 0);
	/* alone, and right after a directory grant: then landrun first tries the rule on the link
	 * itself (a directory right, which the kernel refuses on anything but a directory); the write
	 * grant named before the link, and after it */
	const char *texts[] = { P("rw = %s/rw\nro = %s\n", T, link), P("ro = %s/ro\nro = %s\nrw = %s/rw\n", T, link, T) };
	for (size_t i = 0; i < 2; i++) {
		char *pol = lrt_policy(T, "link", texts[i]);
		struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", P("%s/secret/file", T)));
		cr_expect_eq(r->status, 125, "%s: %s", texts[i], r->err);
		char *want = P("%s is a symbolic link inside the write grant rw = %s/rw (%s:", link, T, pol);
		cr_expect(lrt_contains(r->err, want), "want \"%s\": %s", want, r->err);
		lrt_free(r);
	}
}

/* ---- links the sandbox planted in a write grant, for a later run of the same policy ----------- */

/* How each run is made: directly (openat2 as the kernel has it), then under failsys making
 * openat2 (437 on every architecture) fail as container seccomp profiles do, with ENOSYS or EPERM:
 * landrun then walks every path itself. */
enum { NWAYS = 3 };

static void openat2_ways(const char *const *ways[NWAYS])
{
	char *failsys = P("%s/failsys", lrt_helpers_dir());
	static const char *const errnums[] = { "ENOSYS", "EPERM" };
	ways[0] = NULL;
	for (size_t i = 0; i < 2; i++) {
		const char **prefix = calloc(5, sizeof(*prefix));
		cr_assert(prefix);
		prefix[0] = failsys;
		prefix[1] = "437";
		prefix[2] = errnums[i];
		prefix[3] = "--";
		ways[i + 1] = prefix;
	}
}

/* Run 1, under the fs policy (rw = T/rw, which stands in for /tmp): replaces path by a link to
 * target, as any command may in a directory it writes. */
static void plant(const char *path, const char *target)
{
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", policy, "--", "/bin/sh", "-c", "rm -rf \"$1\" && ln -s \"$2\" \"$1\"",
						  "sh", path, target));
	cr_assert_eq(r->status, 0, "run 1: %s%s", r->out, r->err);
	lrt_free(r);
	struct stat st;
	cr_assert_eq(lstat(path, &st), 0);
	cr_assert(S_ISLNK(st.st_mode), "run 1 did not plant its link");
	cr_assert_eq(st.st_uid, getuid(), "the link is the sandbox's own (root's, run as root)");
}

static struct lrt_result *run_probe_with(const char *const *prefix, const char *pol, const char *op, const char *arg)
{
	return lrt_run_prefixed(T, NULL, prefix, LRT_ARGS("-p", pol, "--", lrt_probe(), op, arg));
}

/* T/rw/jobdir/data and T/secret/data, each holding "file". */
static void make_jobdir(void)
{
	mkdir(P("%s/rw/jobdir", T), 0755);
	mkdir(P("%s/rw/jobdir/data", T), 0755);
	lrt_write(P("%s/rw/jobdir/data/file", T), "job\n");
	mkdir(P("%s/secret/data", T), 0755);
	lrt_write(P("%s/secret/data/file", T), "secret\n");
}

static void expect_secret_untouched(const char *dir)
{
	struct stat st;
	cr_expect_eq(stat(P("%s/file", dir), &st), 0);
	cr_expect_eq(st.st_size, 7, "the outside file was changed");
	cr_expect_eq(access(P("%s/new", dir), F_OK), -1, "a file was created outside every grant");
}

Test(fs, planted_intermediate_link_does_not_redirect_a_grant)
{
	const char *const *ways[NWAYS];
	openat2_ways(ways);
	make_jobdir();
	char *data = P("%s/rw/jobdir/data", T);
	/* the write grant on T/rw named after the grant through it, and before */
	char *pols[] = { lrt_policy(T, "after", P("rw = %s\nrw = %s/rw\n", data, T)),
			 lrt_policy(T, "before", P("rw = %s/rw\nro = %s\n", T, data)) };
	/* the twin: while jobdir is a real directory, the grant works */
	for (size_t w = 0; w < NWAYS; w++) {
		const char *const *prefix = ways[w];
		struct lrt_result *r = run_probe_with(prefix, pols[0], "write", P("%s/new", data));
		cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
		lrt_free(r);
		r = run_probe_with(prefix, pols[1], "read", P("%s/file", data));
		cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
		lrt_free(r);
	}
	plant(P("%s/rw/jobdir", T), P("%s/secret", T));
	char *want = P("%s/rw/jobdir (on the way to %s) is a symbolic link inside the write grant rw = %s/rw (", T, data, T);
	for (size_t w = 0; w < NWAYS; w++) {
		const char *const *prefix = ways[w];
		for (size_t i = 0; i < 2; i++) {
			struct lrt_result *r = run_probe_with(prefix, pols[i], i ? "read" : "write",
							      P("%s/%s", data, i ? "file" : "new"));
			cr_expect_eq(r->status, 125, "%s: %s%s", pols[i], r->out, r->err);
			cr_expect(lrt_contains(r->err, want), "want \"%s\": %s", want, r->err);
			cr_expect(!lrt_contains(r->out, "secret"), "%s", r->out);
			lrt_free(r);
		}
	}
	expect_secret_untouched(P("%s/secret/data", T));
}

Test(fs, planted_final_link_does_not_redirect_a_grant_even_root_owned)
{
	const char *const *ways[NWAYS];
	openat2_ways(ways);
	char *cache = P("%s/rw/jobcache", T);
	mkdir(cache, 0755);
	lrt_write(P("%s/file", cache), "job\n");
	char *pols[] = { lrt_policy(T, "cache", P("rw = %s/rw\nrw = %s\n", T, cache)),
			 lrt_policy(T, "cache_ro", P("ro = %s\nrw = %s/rw\n", cache, T)) };
	for (size_t w = 0; w < NWAYS; w++) {
		const char *const *prefix = ways[w];
		struct lrt_result *r = run_probe_with(prefix, pols[0], "write", P("%s/new", cache));
		cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
		lrt_free(r);
		r = run_probe_with(prefix, pols[1], "read", P("%s/file", cache));
		cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
		lrt_free(r);
	}
	lrt_write(P("%s/secret/file", T), "secret\n");
	plant(cache, P("%s/secret", T)); /* as root: a root-owned link */
	char *want = P("%s is a symbolic link inside the write grant rw = %s/rw (", cache, T);
	for (size_t w = 0; w < NWAYS; w++) {
		const char *const *prefix = ways[w];
		for (size_t i = 0; i < 2; i++) {
			struct lrt_result *r = run_probe_with(prefix, pols[i], i ? "read" : "write",
							      P("%s/%s", cache, i ? "file" : "new"));
			cr_expect_eq(r->status, 125, "%s: %s%s", pols[i], r->out, r->err);
			cr_expect(lrt_contains(r->err, want), "want \"%s\": %s", want, r->err);
			lrt_free(r);
		}
	}
	expect_secret_untouched(P("%s/secret", T));
}

Test(fs, link_outside_every_write_grant_is_followed_whoever_owns_it)
{
	const char *const *ways[NWAYS];
	openat2_ways(ways);
	/* T/links is granted nothing: its links are the administrator's, followed even when another
	 * user owns them (ownership is no criterion either way) */
	char *links = P("%s/links", T), *link = P("%s/links/secret", T);
	mkdir(links, 0755);
	cr_assert_eq(symlink(P("%s/secret", T), link), 0);
	if (lrt_is_root())
		cr_assert_eq(lchown(link, 65534, 65534), 0);
	char *pol = lrt_policy(T, "outside", P("rw = %s/rw /tmp\nro = %s %s/data/file\n", T, link, link));
	mkdir(P("%s/secret/data", T), 0755);
	lrt_write(P("%s/secret/data/file", T), "secret\n");
	for (size_t w = 0; w < NWAYS; w++) {
		const char *const *prefix = ways[w];
		/* final and intermediate link */
		struct lrt_result *r = run_probe_with(prefix, pol, "read", P("%s/secret/file", T));
		cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
		lrt_free(r);
		r = run_probe_with(prefix, pol, "read", P("%s/secret/data/file", T));
		cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
		lrt_free(r);
		/* merged /usr: /bin -> usr/bin lies in /, which no write grant covers */
		r = lrt_run_prefixed(T, NULL, prefix, LRT_ARGS("-p", pol, "--", "/bin/sh", "-c", "exit 0"));
		cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
		lrt_free(r);
	}
	/* the attack twin: the same link inside the write grant */
	cr_assert_eq(rename(link, P("%s/rw/secret", T)), 0);
	char *planted = lrt_policy(T, "inside", P("rw = %s/rw\nro = %s/rw/secret\n", T, T));
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", planted, "--", lrt_probe(), "read", P("%s/secret/file", T)));
	cr_expect_eq(r->status, 125, "%s%s", r->out, r->err);
	lrt_free(r);
}

Test(fs, a_link_in_a_bind_mounted_spelling_of_a_write_grant_is_refused)
{
	/* T/alias is T/rw bind-mounted: the sandbox writes T/rw, so T/alias/link is its to plant;
	 * landrun compares directories by device and inode, not by name */
	if (!lrt_is_root())
		cr_skip_test("a bind mount needs root");
	char *alias = P("%s/alias", T);
	mkdir(alias, 0755);
	char *pre = lrt_policy(T, "pre", P("rw = %s/rw\n", T));
	lrt_free(lrt_run(T, LRT_ARGS("-p", pre, "--", "true"))); /* a capped ABI skips here, before mounting */
	if (mount(P("%s/rw", T), alias, NULL, MS_BIND, NULL) != 0)
		cr_skip_test("cannot bind-mount here: %s", strerror(errno));
	int made = symlink(P("%s/secret", T), P("%s/rw/link", T));
	char *inside = lrt_policy(T, "alias", P("rw = %s/rw\nro = %s/link\n", T, alias));
	char *outside = lrt_policy(T, "alias2", P("rw = %s/rw2\nro = %s/link\n", T, alias));
	struct lrt_result *no = lrt_run(T, LRT_ARGS("-p", inside, "--", lrt_probe(), "read", P("%s/secret/file", T)));
	struct lrt_result *ok = lrt_run(T, LRT_ARGS("-p", outside, "--", lrt_probe(), "read", P("%s/secret/file", T)));
	umount2(alias, MNT_DETACH);
	cr_assert_eq(made, 0);
	cr_expect_eq(no->status, 125, "%s%s", no->out, no->err);
	char *want = P("%s/link is a symbolic link inside the write grant rw = %s/rw (", alias, T);
	cr_expect(lrt_contains(no->err, want), "want \"%s\": %s", want, no->err);
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	lrt_free(no);
	lrt_free(ok);
}

Test(fs, procfs_links_lead_where_the_kernel_says)
{
	/* /proc/self/cwd is a magic link (no path to resolve): the kernel follows it, then the walk
	 * goes on from there; the twin: the directory it does not lead to stays closed */
	char *pol = lrt_policy(T, "proc_cwd", P("rw = %s/rw\nro = /proc/self/cwd/secret\n", T));
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", P("%s/secret/file", T)));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", P("%s/ro/file", T)));
	cr_expect_eq(r->status, 1, "%s%s", r->out, r->err);
	lrt_free(r);
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

/* A read grant that resolves beneath a directory granted before with every right it asks needs no
 * rule of its own (-v says "covered by FILE:LINE"); what it grants still works. A grant that asks
 * more, or leads elsewhere, or is only beneath in text (..), keeps its rule. */
Test(fs, a_grant_covered_by_an_earlier_directory_grant_adds_no_rule_and_still_works)
{
	/* T/cover: real/ (a file, sub/) and its spellings through links outside every write grant */
	char *d = P("%s/cover", T);
	mkdir(d, 0755);
	mkdir(P("%s/real", d), 0755);
	mkdir(P("%s/real/sub", d), 0755);
	lrt_write(P("%s/real/file", d), "x\n");
	lrt_write(P("%s/real/sub/file", d), "x\n");
	cr_assert_eq(symlink("real", P("%s/rel", d)), 0);               /* relative, like /bin -> usr/bin */
	cr_assert_eq(symlink(P("%s/real/sub", d), P("%s/abs", d)), 0); /* absolute, like /etc/localtime */
	cr_assert_eq(symlink(P("%s/secret", T), P("%s/away", d)), 0);  /* leads outside real/ */
	/* a program in real/ and in real/sub/: executable only where rox says */
	struct lrt_result *r = lrt_run_program(NULL, LRT_ARGS("/bin/cp", "/bin/true", P("%s/real/true", d)));
	lrt_free(r);
	r = lrt_run_program(NULL, LRT_ARGS("/bin/cp", "/bin/true", P("%s/real/sub/true", d)));
	lrt_free(r);
	/* lrt_policy's text ends with this, from its line 5 on */
	char *pol = lrt_policy(T, "cover", P("ro = %s/real\n     %s/rel %s/abs/file %s/real/sub\n"
					     "     %s/away %s/real/../../secret/file\n"
					     "rox = %s/rel/sub\n", d, d, d, d, d, d, d));
	r = lrt_run(T, LRT_ARGS("-v", "-p", pol, "--", lrt_probe(), "read", P("%s/rel/file", d)));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	char *by = P("covered by %s:5 (ro = %s/real), no rule of its own", pol, d);
	cr_expect(lrt_contains(r->err, P("ro = %s/rel (", d)) && lrt_contains(r->err, P("that is %s/real: %s", d, by)),
		  "%s", r->err);
	cr_expect(lrt_contains(r->err, P("that is %s/real/sub/file: %s", d, by)), "%s", r->err);
	cr_expect(lrt_contains(r->err, P("ro = %s/real/sub (", d)), "%s", r->err);
	/* outside real/, beneath it in text only, or asking execute: each keeps its rule */
	cr_expect(!lrt_contains(r->err, P("ro = %s/away (", d)), "%s", r->err);
	cr_expect(!lrt_contains(r->err, "secret/file ("), "%s", r->err);
	cr_expect(!lrt_contains(r->err, P("rox = %s/rel/sub", d)), "%s", r->err);
	lrt_free(r);
	/* and every one of them grants what it says */
	const char *reads[] = { "real/file", "rel/file", "abs/file", "real/sub/file", "away/file" };
	for (size_t i = 0; i < LRT_LEN(reads); i++) {
		r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", P("%s/%s", d, reads[i])));
		cr_expect_eq(r->status, 0, "%s: %s%s", reads[i], r->out, r->err);
		lrt_free(r);
	}
	r = lrt_run(T, LRT_ARGS("-p", pol, "--", P("%s/real/sub/true", d)));
	cr_expect_eq(r->status, 0, "rox on real/sub (through rel/sub): %s%s", r->out, r->err);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("-p", pol, "--", P("%s/real/true", d)));
	cr_expect_eq(r->status, 126, "real/ is read-only: %s%s", r->out, r->err);
	lrt_free(r);
}

/* A grant spelt through a magic procfs link (/proc/self/root/...) is not beneath /proc, whatever
 * its text says: ro = /proc granted before does not cover it, -v does not say so, and it grants
 * what it names. Without the last link in the spelling (a relative one, as /bin -> usr/bin), the
 * path is opened in one call and was never judged by its text. */
Test(fs, a_grant_through_a_magic_link_is_not_covered_by_a_grant_of_proc)
{
	char *d = P("%s/magic", T);
	mkdir(d, 0755);
	mkdir(P("%s/data", d), 0755);
	lrt_write(P("%s/data/file", d), "x\n");
	cr_assert_eq(symlink("data", P("%s/link", d)), 0);
	char *pol = lrt_policy(T, "magic", P("ro = /proc /proc/self/root%s/link/file\n", d));
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-v", "-p", pol, "--", lrt_probe(), "read", P("%s/data/file", d)));
	cr_expect_eq(r->status, 0, "the grant through /proc/self/root was left out: %s%s", r->out, r->err);
	cr_expect(!lrt_contains(r->err, "(ro = /proc)"), "-v claims a cover the kernel does not see: %s", r->err);
	lrt_free(r);
	/* the twin: nothing else grants the file, a sibling stays denied */
	lrt_write(P("%s/data/other", d), "x\n");
	r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", P("%s/data/other", d)));
	cr_expect_eq(r->status, 1, "data/other is granted by nothing: %s%s", r->out, r->err);
	lrt_free(r);
}

/* A link in a sticky world-writable directory (/tmp) owned by another user, neither landrun's user
 * nor the directory's owner, was planted where anyone may create names: the kernel follows none
 * (fs.protected_symlinks), and landrun, which resolves links itself, follows none either, whatever
 * that setting is here. The twin: the same link owned by landrun's user leads where it says. */
Test(fs, another_users_link_in_a_sticky_shared_directory_is_not_followed)
{
	char *shared = P("%s/shared", T), *link = P("%s/shared/l", T);
	cr_assert_eq(mkdir(shared, 0777), 0);
	cr_assert_eq(chmod(shared, 01777), 0);
	cr_assert_eq(symlink(P("%s/secret", T), link), 0);
	char *pol = lrt_policy(T, "shared", P("ro = %s\n", link));
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", P("%s/secret/file", T)));
	cr_expect_eq(r->status, 0, "the user's own link: %s%s", r->out, r->err);
	lrt_free(r);
	if (!lrt_is_root())
		cr_skip_test("giving a link another owner needs root (the root run checks it)");
	cr_assert_eq(lchown(link, 65534, (gid_t)-1), 0);
	r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", P("%s/secret/file", T)));
	cr_expect_eq(r->status, 125, "another user's link was followed: %s%s", r->out, r->err);
	cr_expect(lrt_contains(r->err, P("%s: Permission denied", link)), "%s", r->err);
	lrt_free(r);
	/* nor when the grant is optional, nor through it to a file beneath */
	pol = lrt_policy(T, "shared2", P("ro = ?%s/file\n", link));
	r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", P("%s/secret/file", T)));
	cr_expect_eq(r->status, 125, "%s%s", r->out, r->err);
	lrt_free(r);
}

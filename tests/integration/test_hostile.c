/* Hostile inputs to the landrun binary: huge policies, many rules, deep includes, NUL bytes,
 * invalid UTF-8, paths longer than PATH_MAX, a huge environment and a huge argv. Each ends in
 * correct behaviour or one clear error line, never a crash. Timing is measured by `make bench`
 * (parse cost per rule), not asserted here. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static char *T, *loadprobe;
static char *const small_env[] = { "PATH=/usr/bin:/bin", "LANG=C", NULL };

static void setup(void)
{
	T = lrt_mkdtemp("/var/tmp");
	char *helpers = lrt_helpers_dir();
	loadprobe = lrt_fmt("%s/loadprobe", helpers);
	free(helpers);
}
static void teardown(void) { lrt_rmrf(T); free(T); free(loadprobe); }
TestSuite(hostile, .init = setup, .fini = teardown);

/* Writes dir/name.ini (see lrt_policy) followed by lines times line_fmt, each formatted with
 * its number; returns the path. */
static char *policy_with_lines(const char *name, const char *extra, const char *line_fmt, int lines)
{
	char *path = lrt_policy(T, name, extra);
	FILE *f = fopen(path, "a");
	cr_assert(f);
	for (int i = 0; i < lines; i++) {
		fprintf(f, line_fmt, i);
		fputc('\n', f);
	}
	cr_assert_eq(fclose(f), 0);
	return path;
}

static off_t file_size(const char *path)
{
	struct stat st;
	cr_assert_eq(stat(path, &st), 0, "%s", path);
	return st.st_size;
}

/* The command ran sandboxed (loadprobe self: fds 0-2, seccomp, no_new_privs) and exited 0. */
#define EXPECT_SANDBOXED_RUN(r)                                                                    \
	do {                                                                                       \
		cr_expect_eq((r)->status, 0, "status %d: %s%s", (r)->status, (r)->out, (r)->err);  \
		cr_expect(lrt_contains((r)->out, "fds 0 1 2\n"), "%s", (r)->out);                   \
		lrt_free(r);                                                                       \
	} while (0)

/* A one-line error: "landrun: " + what, status st. */
#define EXPECT_ERROR(r, st, what)                                                                  \
	do {                                                                                       \
		cr_expect_eq((r)->status, st, "status %d: %s%s", (r)->status, (r)->out, (r)->err); \
		cr_expect(lrt_contains((r)->err, what), "want \"%s\" in: %.2000s", what, (r)->err); \
		cr_expect_eq((r)->signal, 0);                                                      \
		lrt_free(r);                                                                       \
	} while (0)

/* ---- size ----------------------------------------------------------------------------------- */

/* 100,000 rules in a 10 MB file (comment lines fill the rest): parsed, compiled, the command runs. */
Test(hostile, ten_megabyte_policy_with_100000_rules_runs, .timeout = 300)
{
	/* ~110 bytes a pair: an optional missing path and a comment line */
	char *pol = policy_with_lines("big", "ro = /proc\n",
				      "ro = ?/nonexistent/landrun-hostile/%06d\n"
				      "; padding padding padding padding padding padding padding padding", 100000);
	cr_assert_geq(file_size(pol), 10000000);
	struct lrt_result *r = lrt_run_env(T, small_env, LRT_ARGS("-p", pol, "--", loadprobe, "self"));
	EXPECT_SANDBOXED_RUN(r);
	free(pol);
}

/* 100,000 rules on an existing directory, under a soft RLIMIT_NOFILE of 1024: the rule fds must
 * not pile up. The grant works; its twin outside it is denied. */
Test(hostile, more_existing_paths_than_open_files_allowed, .timeout = 300)
{
	char *dir = lrt_fmt("%s/granted", T);
	cr_assert_eq(mkdir(dir, 0755), 0);
	char *fmt = lrt_fmt("ro = %s ; %%d", dir);
	char *pol = policy_with_lines("many", "ro = /proc\n", fmt, 100000);
	char *inside = lrt_fmt("%s/f", dir), *outside = lrt_fmt("%s/f", T);
	lrt_write(inside, "x");
	lrt_write(outside, "x");
	struct rlimit rl;
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	rl.rlim_cur = rl.rlim_max < 1024 ? rl.rlim_max : 1024;
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	struct lrt_result *r = lrt_run_env(T, small_env, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", inside));
	LRT_EXPECT(r, 0, "ok");
	r = lrt_run_env(T, small_env, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", outside));
	LRT_EXPECT(r, 1, "denied EACCES");
	free(dir);
	free(fmt);
	free(pol);
	free(inside);
	free(outside);
}

/* ---- structure ------------------------------------------------------------------------------ */

/* 40 files, each including the next: refused at the ninth level, naming the include line. */
Test(hostile, includes_nested_past_the_limit)
{
	for (int i = 0; i < 40; i++) {
		char *path = lrt_fmt("%s/n%d.ini", T, i);
		char *text = lrt_fmt("[policy]\ninclude = n%d.ini\n", i + 1);
		lrt_write(path, text);
		free(path);
		free(text);
	}
	char *top = lrt_fmt("%s/n0.ini", T);
	struct lrt_result *r = lrt_run_env(T, small_env, LRT_ARGS("-p", top, "--", loadprobe, "self"));
	char *want = lrt_fmt("landrun: %s/n7.ini:2: includes nested deeper than 8", T);
	EXPECT_ERROR(r, 125, want);
	free(want);
	free(top);
}

/* Policy files refused whole, with one error line: past the documented 16 MiB limit, before
 * reading (a sparse file); a NUL byte, at its line. */
struct refused_file_case {
	char name[12];   /* the file's, in the test directory */
	char text[40];   /* its bytes, NUL included */
	size_t len;      /* how many of them */
	off_t size;      /* then extended to this size (sparse); 0: as written */
	char before[8];  /* the message: "landrun: " before, the file's path, after */
	char after[40];
};

#define NUL_POLICY "[filesystem]\nro = /usr\nro = /e\0tc\n"

static struct refused_file_case refused_files[] = {
	{ "huge.ini", "", 0, (16 << 20) + 1, "policy ", " is larger than 16777216 bytes" },
	{ "nul.ini", NUL_POLICY, sizeof(NUL_POLICY) - 1, 0, "", ":3: NUL byte in policy file" },
};

ParameterizedTestParameters(hostile, malformed_policy_file_is_refused)
{
	return cr_make_param_array(struct refused_file_case, refused_files, LRT_LEN(refused_files));
}

ParameterizedTest(struct refused_file_case *c, hostile, malformed_policy_file_is_refused)
{
	char *pol = lrt_fmt("%s/%s", T, c->name);
	int fd = open(pol, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, c->text, c->len), (ssize_t)c->len);
	if (c->size)
		cr_assert_eq(ftruncate(fd, c->size), 0);
	close(fd);
	struct lrt_result *r = lrt_run_env(T, small_env, LRT_ARGS("-p", pol, "--", loadprobe, "self"));
	char *want = lrt_fmt("landrun: %s%s%s", c->before, pol, c->after);
	EXPECT_ERROR(r, 125, want);
	free(want);
	free(pol);
}

/* ---- invalid UTF-8 ---------------------------------------------------------------------------- */

/* Linux names are bytes: a directory named with invalid UTF-8 is granted like any other, and the
 * grant covers that directory only. */
Test(hostile, invalid_utf8_in_a_path_is_just_bytes)
{
	char *dir = lrt_fmt("%s/caf\xe9\xff\xfe", T), *twin = lrt_fmt("%s/caf\xe9", T);
	cr_assert_eq(mkdir(dir, 0755), 0);
	cr_assert_eq(mkdir(twin, 0755), 0);
	char *extra = lrt_fmt("rw = %s\n", dir);
	char *pol = lrt_policy(T, "utf8", extra);
	char *inside = lrt_fmt("%s/new", dir), *outside = lrt_fmt("%s/new", twin);
	struct lrt_result *r = lrt_run_env(T, small_env, LRT_ARGS("-p", pol, "--", lrt_probe(), "write", inside));
	LRT_EXPECT(r, 0, "ok");
	r = lrt_run_env(T, small_env, LRT_ARGS("-p", pol, "--", lrt_probe(), "write", outside));
	LRT_EXPECT(r, 1, "denied EACCES");
	/* and on the command line */
	r = lrt_run_env(T, small_env, LRT_ARGS("-p", pol, "--rw", twin, "--", lrt_probe(), "write", outside));
	LRT_EXPECT(r, 0, "ok");
	free(dir);
	free(twin);
	free(extra);
	free(pol);
	free(inside);
	free(outside);
}

/* A key or a section name with invalid UTF-8 is an unknown name, reported at its line. */
struct bad_name_case {
	char name[16];  /* the policy file's */
	char text[48];  /* its lines after lrt_policy's */
	char want[64];  /* the message after "landrun: POLICY:" */
};

static struct bad_name_case bad_names[] = {
	{ "badkey", "r\xff\xfeo = /usr\n", "5: unknown key \"r\xff\xfeo\" in [filesystem]" },
	{ "badsection", "[files\xc3\x28ystem]\nro = /usr\n", "6: unknown section [files\xc3\x28ystem]" },
};

ParameterizedTestParameters(hostile, invalid_utf8_in_a_key_or_section_is_an_error)
{
	return cr_make_param_array(struct bad_name_case, bad_names, LRT_LEN(bad_names));
}

ParameterizedTest(struct bad_name_case *c, hostile, invalid_utf8_in_a_key_or_section_is_an_error)
{
	char *pol = lrt_policy(T, c->name, c->text);
	struct lrt_result *r = lrt_run_env(T, small_env, LRT_ARGS("-p", pol, "--", loadprobe, "self"));
	char *want = lrt_fmt("landrun: %s:%s", pol, c->want);
	EXPECT_ERROR(r, 125, want);
	free(want);
	free(pol);
}

/* ---- PATH_MAX --------------------------------------------------------------------------------- */

/* "/aaa.../bbb.../..." of about len bytes, each component 200 bytes. */
static char *long_path(size_t len)
{
	char *p = malloc(len + 202);
	cr_assert(p);
	size_t n = 0;
	while (n < len) {
		p[n++] = '/';
		memset(p + n, n < 200 ? 'a' : 'b', 200);
		n += 200;
	}
	p[n] = '\0';
	return p;
}

/* A path in a policy, given through a variable (a line holds at most 197 bytes): longer than
 * PATH_MAX, an error naming FILE:LINE and the length, not a truncated path; just under PATH_MAX
 * and missing, the reason is still in the message, after a cut path. */
struct long_path_case {
	char name[8];       /* the policy file's */
	size_t len;         /* about this many bytes: long_path's */
	bool relative;      /* ${env:LONG} without the leading slash: joined to the policy's directory */
	char text[40];      /* the policy's lines after lrt_policy's, naming ${env:LONG} */
	int line;           /* the line the error names */
	char too_long[24];  /* what the error says is longer than PATH_MAX; "": not too long */
	char also[40];      /* more the message says, or "" */
};

static struct long_path_case long_paths[] = {
	{ "long", 5000, false, "ro = ${env:LONG}\n", 5, "path", "" },
	{ "near", 3800, false, "ro = ${env:LONG}\n", 5, "", "...: No such file or directory" },
	{ "inc", 5000, true, "[policy]\ninclude = ${env:LONG}\n", 6, "include: name", "" },
};

ParameterizedTestParameters(hostile, policy_paths_near_and_past_path_max)
{
	return cr_make_param_array(struct long_path_case, long_paths, LRT_LEN(long_paths));
}

ParameterizedTest(struct long_path_case *c, hostile, policy_paths_near_and_past_path_max)
{
	char *lp = long_path(c->len);
	const char *value = c->relative ? lp + 1 : lp;
	char *var = lrt_fmt("LONG=%s", value);
	char *const env[] = { "PATH=/usr/bin:/bin", var, NULL };
	char *pol = lrt_policy(T, c->name, c->text);
	struct lrt_result *r = lrt_run_env(T, env, LRT_ARGS("-p", pol, "--", loadprobe, "self"));
	const char *start = c->relative ? "aaa" : "/aaa";
	char *want = *c->too_long ? lrt_fmt("landrun: %s:%d: %s of %zu bytes is longer than PATH_MAX (4096): \"%s", pol,
					    c->line, c->too_long, strlen(value), start)
				  : lrt_fmt("landrun: %s:%d: %s", pol, c->line, start);
	if (*c->also)
		cr_expect(lrt_contains(r->err, c->also), "%.2000s", r->err);
	EXPECT_ERROR(r, 125, want);
	free(want);
	free(pol);
	free(var);
	free(lp);
}

/* A policy named on the command line by a path longer than PATH_MAX. */
Test(hostile, policy_named_by_a_path_longer_than_path_max)
{
	char *lp = long_path(5000);
	struct lrt_result *r = lrt_run_env(T, small_env, LRT_ARGS("-p", lp, "--", loadprobe, "self"));
	char *want = lrt_fmt("landrun: policy path of %zu bytes is longer than PATH_MAX (4096): \"/aaa", strlen(lp));
	EXPECT_ERROR(r, 125, want);
	free(want);
	free(lp);
}

Test(hostile, command_line_path_longer_than_path_max)
{
	char *lp = long_path(5000);
	struct lrt_result *r = lrt_run_env(T, small_env, LRT_ARGS("--ro", lp, "--", loadprobe, "self"));
	char *want = lrt_fmt("landrun: command line:%d: path of %zu bytes is longer than PATH_MAX (4096): \"/aaa",
			     2 + lrt_injected_args(), strlen(lp));
	EXPECT_ERROR(r, 125, want);
	free(want);
	free(lp);
}

Test(hostile, command_name_longer_than_path_max)
{
	char *lp = long_path(5000);
	char *pol = lrt_policy(T, "cmd", "");
	struct lrt_result *r = lrt_run_env(T, small_env, LRT_ARGS("-p", pol, "--", lp));
	char *want = lrt_fmt("landrun: command name of %zu bytes is too long (at most 4095): /aaa", strlen(lp));
	EXPECT_ERROR(r, 127, want);
	free(want);
	free(pol);
	free(lp);
}

/* ---- environment and argv --------------------------------------------------------------------- */

/* 10,000 variables: the allow list still applies to every one of them. */
Test(hostile, ten_thousand_environment_variables, .timeout = 120)
{
	enum { N = 10000, KEPT = 100 };
	char **env = calloc(N + 4, sizeof(*env));
	cr_assert(env);
	size_t n = 0;
	env[n++] = "PATH=/usr/bin:/bin";
	env[n++] = "LANG=C";
	env[n++] = "LD_PRELOAD=/nonexistent/evil.so";
	for (int i = 0; i < N - 3; i++)
		env[n++] = i < KEPT ? lrt_fmt("KEEPME_%d=v%d", i, i) : lrt_fmt("DROPME_%d=v%d", i, i);
	char *pol = lrt_policy(T, "env", "[env]\nkeep = KEEPME_*\n");
	struct lrt_result *r = lrt_run_env(T, env, LRT_ARGS("-p", pol, "--", lrt_probe(), "env"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	int kept = 0;
	for (const char *s = r->out; (s = strstr(s, "KEEPME_")); s++)
		kept++;
	cr_expect_eq(kept, KEPT, "%d of %d allowed variables passed", kept, KEPT);
	cr_expect(!lrt_contains(r->out, "DROPME_"), "a variable outside the allow list passed");
	cr_expect(!lrt_contains(r->out, "LD_PRELOAD"), "LD_PRELOAD passed");
	cr_expect(lrt_contains(r->out, "LANG=C\n"), "%.500s", r->out);
	lrt_free(r);
	for (size_t i = 3; i < n; i++)
		free(env[i]);
	free(env);
	free(pol);
}

/* 100,000 arguments pass through intact: the command sees them all, in order. */
Test(hostile, argv_of_100000_arguments_passes_intact, .timeout = 120)
{
	enum { N = 100000, FIXED = 5 };
	char *pol = lrt_policy(T, "argv", "");
	const char **args = calloc(N + FIXED + 1, sizeof(*args));
	cr_assert(args);
	const char *fixed[FIXED] = { "-p", pol, "--", loadprobe, "args" };
	memcpy(args, fixed, sizeof(fixed));
	uint64_t h = 0xcbf29ce484222325ULL;
	for (int i = 0; i < N; i++) {
		char *a = lrt_fmt("%d", i);
		args[FIXED + i] = a;
		for (size_t j = 0; j <= strlen(a); j++) {
			h ^= (unsigned char)a[j];
			h *= 0x100000001b3ULL;
		}
	}
	struct lrt_result *r = lrt_run_env(T, small_env, args);
	char *want = lrt_fmt("%d %016llx\n", N, (unsigned long long)h);
	cr_expect_eq(r->status, 0, "%.500s", r->err);
	cr_expect_str_eq(r->out, want);
	lrt_free(r);
	free(want);
	for (int i = 0; i < N; i++)
		free((char *)args[FIXED + i]);
	free(args);
	free(pol);
}

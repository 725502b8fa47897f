/* The fuzzers' inputs replayed without clang: every seed in tests/fuzz/corpus/ and every input
 * that once crashed a harness (tests/fuzz/regressions/) goes through the same code the harness
 * drives, in the same shape, and must end in a result or a clean error. `make fuzz` replays them
 * under ASan/UBSan; here they run on every `make check`. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "env.h"
#include "sandbox.h"
#include "unit.h"

/* The harnesses' fixed environment (tests/fuzz/fuzz_policy.c, fuzz_cli.c). */
static const char *const fuzz_environ[] = {
	"HOME=/tmp", "FUZZ=value", "PATH=/usr/bin:/bin", "LANG=C", "LD_PRELOAD=x.so",
	"http_proxy=http://user:pw@proxy:3128/", NULL,
};

static char *T;

static void setup(void) { T = lrt_mkdtemp("/var/tmp"); }
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(fuzz_inputs, .init = setup, .fini = teardown);

/* Reads a whole file; *size gets its length. */
static char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	cr_assert(f, "%s", path);
	struct stat st;
	cr_assert_eq(fstat(fileno(f), &st), 0);
	char *buf = malloc((size_t)st.st_size + 1);
	cr_assert(buf);
	*size = fread(buf, 1, (size_t)st.st_size, f);
	buf[*size] = '\0';
	fclose(f);
	return buf;
}

static void write_bytes(const char *path, const char *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	cr_assert(f && fwrite(data, 1, size, f) == size && fclose(f) == 0, "%s", path);
}

/* Calls fn on every file of tests/fuzz/DIR/HARNESS; returns how many. */
static int for_each_input(const char *dir, const char *harness, void (*fn)(const char *path))
{
	char *top = lrt_fmt("%s/tests/fuzz/%s/%s", LANDRUN_SRCDIR, dir, harness);
	DIR *d = opendir(top);
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char *path = lrt_fmt("%s/%s", top, e->d_name);
		fn(path);
		free(path);
		n++;
	}
	if (d)
		closedir(d);
	free(top);
	return n;
}

/* fuzz_policy: up to the first NUL byte is main.ini, the rest inc.ini next to it; the file is
 * loaded and its environment compiled, then the same text is parsed as a string. */
static void replay_policy(const char *input)
{
	size_t size;
	char *data = slurp(input, &size);
	size_t main_len = strlen(data);
	char *main_path = lrt_fmt("%s/main.ini", T), *inc_path = lrt_fmt("%s/inc.ini", T);
	write_bytes(main_path, data, main_len);
	write_bytes(inc_path, main_len < size ? data + main_len + 1 : "", main_len < size ? size - main_len - 1 : 0);

	struct lr_env_ctx ctx = { .environ = fuzz_environ, .policy_dirs = { T, LANDRUN_SRCDIR "/policies", NULL } };
	struct lr_error err = { 0 };
	struct lr_policy p;
	lr_policy_init(&p);
	int rc = lr_policy_load(&p, &ctx, main_path, &err);
	cr_expect(rc == 0 ? !err.set : err.set && err.msg[0], "%s: rc %d without a message", input, rc);
	if (rc == 0) {
		struct lr_sandbox sb;
		lr_sandbox_init(&sb);
		lr_env_compile(&sb, &p, fuzz_environ, &err);
		lr_sandbox_free(&sb);
	}
	lr_policy_free(&p);

	err = (struct lr_error){ 0 };
	lr_policy_init(&p);
	rc = lr_policy_load_string(&p, &ctx, data, "<fuzz>", &err);
	cr_expect(rc == 0 ? !err.set : err.set && err.msg[0], "%s: string: rc %d without a message", input, rc);
	lr_policy_free(&p);
	free(main_path);
	free(inc_path);
	free(data);
}

/* fuzz_cli: the input split on NUL bytes is the arguments after "landrun --explain", which never
 * runs the command; the real binary must print an explanation or fail cleanly. */
static void replay_cli(const char *input)
{
	size_t size;
	char *data = slurp(input, &size);
	size_t n = 1;
	for (size_t i = 0; i < size; i++)
		n += data[i] == '\0';
	const char **args = calloc(n + 2, sizeof(*args));
	cr_assert(args);
	args[0] = "--explain";
	size_t argc = 1;
	for (char *s = data; argc < n + 1; s += strlen(s) + 1)
		args[argc++] = s;
	struct lrt_result *r = lrt_run_env(T, (char *const *)fuzz_environ, args);
	cr_expect(r->signal == 0 && (r->status == 0 || r->status == 125 || r->status == 2),
		  "%s: status %d: %s", input, r->status, r->err);
	cr_expect(r->status == 0 || lrt_contains(r->err, "landrun"), "%s: no message: %s", input, r->err);
	lrt_free(r);
	free(args);
	free(data);
}

Test(fuzz_inputs, policy_seeds_and_regressions_parse_or_fail_cleanly)
{
	int n = for_each_input("corpus", "fuzz_policy", replay_policy);
	cr_expect_gt(n, 0, "no seeds found under tests/fuzz/corpus/fuzz_policy");
	for_each_input("regressions", "fuzz_policy", replay_policy);
}

Test(fuzz_inputs, cli_seeds_and_regressions_explain_or_fail_cleanly, .timeout = 120)
{
	int n = for_each_input("corpus", "fuzz_cli", replay_cli);
	cr_expect_gt(n, 0, "no seeds found under tests/fuzz/corpus/fuzz_cli");
	cr_expect_gt(for_each_input("regressions", "fuzz_cli", replay_cli), 0);
}

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

/* libFuzzer harness for the policy parser: files, includes, variables, then the environment step.
 * The input up to its first NUL byte is main.ini; what follows is inc.ini, next to it, so that
 * "include = inc.ini" (or "inc", or ${POLICY_DIR}/inc.ini) resolves and inc.ini can include
 * main.ini back (cycles). Only parsing and lr_env_compile run: compiling Landlock or seccomp
 * would not sandbox us, but applying would, and neither is the parser.
 * The input up to its first NUL is also a file name: "/" + it, written by lr_policy_quote into
 * "ro = WORD" (when the line fits), must read back as exactly that path (abort otherwise). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"
#include "env.h"
#include "sandbox.h"

#ifndef FUZZ_POLICY_DIR
#define FUZZ_POLICY_DIR "policies"
#endif

static char dir[] = "/tmp/landrun-fuzz.XXXXXX"; /* per process: parallel jobs do not share files */
static char main_path[64], inc_path[64];

/* A small fixed environment: the parser reads ${HOME} and ${env:NAME} from it, lr_env_compile
 * filters it (a proxy with credentials exercises their stripping). */
static const char *const fuzz_environ[] = {
	"HOME=/tmp", "FUZZ=value", "PATH=/usr/bin:/bin", "LANG=C", "LD_PRELOAD=x.so",
	"http_proxy=http://user:pw@proxy:3128/", NULL,
};

static void cleanup(void)
{
	unlink(main_path);
	unlink(inc_path);
	rmdir(dir);
}

static void write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "w");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort(); /* not a finding: the scratch directory is broken */
}

/* What learn writes, the parser reads back byte for byte. */
static void quote_round_trip(const struct lr_env_ctx *ctx, const uint8_t *data, size_t len)
{
	char path[256], word[256 * 4 + 3], text[sizeof(word) + 32];
	if (len + 2 > sizeof(path))
		return;
	path[0] = '/';
	memcpy(path + 1, data, len);
	path[len + 1] = '\0';
	int n = lr_policy_quote(path, word, sizeof(word));
	if (n < 0)
		abort();
	if (n + (int)strlen("ro =  ; comment") > LR_POLICY_LINE_MAX)
		return;
	snprintf(text, sizeof(text), "[filesystem]\nro = %s ; comment\n", word);
	struct lr_error err = { 0 };
	struct lr_policy p;
	lr_policy_init(&p);
	if (lr_policy_load_string(&p, ctx, text, "<quote>", &err) != 0 || p.paths.len != 1 ||
	    strcmp(((const struct lr_path_rule *)lr_vec_at(&p.paths, 0))->path, path) != 0)
		abort();
	lr_policy_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!main_path[0]) {
		if (!mkdtemp(dir))
			abort();
		snprintf(main_path, sizeof(main_path), "%s/main.ini", dir);
		snprintf(inc_path, sizeof(inc_path), "%s/inc.ini", dir);
		atexit(cleanup);
	}
	const uint8_t *nul = memchr(data, '\0', size);
	size_t main_len = nul ? (size_t)(nul - data) : size;
	write_file(main_path, data, main_len);
	write_file(inc_path, nul ? nul + 1 : data, nul ? size - main_len - 1 : 0);

	/* policy_dirs[1]: the shipped policies, so that "include = base" finds them */
	struct lr_env_ctx ctx = { .environ = fuzz_environ, .policy_dirs = { dir, FUZZ_POLICY_DIR, NULL } };
	quote_round_trip(&ctx, data, main_len);
	struct lr_error err = { 0 };
	struct lr_policy p;
	lr_policy_init(&p);
	if (lr_policy_load(&p, &ctx, main_path, &err) == 0) {
		struct lr_sandbox sb;
		lr_sandbox_init(&sb);
		lr_env_compile(&sb, &p, fuzz_environ, &err);
		lr_sandbox_free(&sb);
	}
	lr_policy_free(&p);

	/* The same text as a string (no directory: relative includes go by name). */
	char *text = malloc(main_len + 1);
	if (!text)
		return 0;
	memcpy(text, data, main_len);
	text[main_len] = '\0';
	err = (struct lr_error){ 0 };
	lr_policy_init(&p);
	lr_policy_load_string(&p, &ctx, text, "<fuzz>", &err);
	lr_policy_free(&p);
	free(text);
	return 0;
}

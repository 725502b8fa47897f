/* The shell completions (completions/, generated into the build directory from the option table):
 * every option of the CLI is completed, bash and fish complete options and the policy names of
 * `landrun policies`, and a policy's name is never run as shell code by the completion. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

/* The generated completions; LANDRUN_TEST_COMPLETIONS: a staged copy (the unprivileged run). */
static const char *completions(void)
{
	const char *dir = getenv("LANDRUN_TEST_COMPLETIONS");
	return dir && *dir ? dir : LANDRUN_TESTS_BIN "/../completions";
}
#define COMPLETION(file) lrt_fmt("%s/%s", completions(), file)

static char *T;
static void setup(void) { T = lrt_mkdtemp("/var/tmp"); }
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(completion, .init = setup, .fini = teardown);

/* The whole of a file, malloc'd; NULL when it cannot be read. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *text = calloc(1, 1 << 20);
	size_t n = text ? fread(text, 1, (1 << 20) - 1, f) : 0;
	(void)n;
	fclose(f);
	return text;
}

/* Reading the source and the build directory: the unprivileged run of a 0700 checkout cannot,
 * and the root run checks the same files. */
static FILE *open_or_skip(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f && !lrt_is_root())
		cr_skip_test("%s is not readable by this user", path);
	cr_assert(f, "cannot read %s", path);
	return f;
}

/* Does word occur in text between delimiters (quotes, spaces, brackets, '=' before a value)? */
static bool has_word(const char *text, const char *word)
{
	size_t len = strlen(word);
	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word))
		if ((p == text || strchr(" '\t{,(", p[-1])) && p[len] && strchr(" '=[,})\n", p[len]))
			return true;
	return false;
}

/* The line of the bash completion that lists scope's options taking a value ("main_arg='"). */
static char *bash_list(const char *text, const char *var)
{
	const char *p = strstr(text, var);
	cr_assert(p, "the bash completion has no %s", var);
	p += strlen(var);
	return lrt_fmt(" %.*s ", (int)strcspn(p, "'"), p);
}

Test(completion, every_option_of_the_table_is_completed_by_each_shell)
{
	struct lrt_option opts[256];
	size_t n = lrt_option_table(opts, LRT_LEN(opts));
	char *bash = slurp(COMPLETION("landrun.bash")), *zsh = slurp(COMPLETION("_landrun")),
	     *fish = slurp(COMPLETION("landrun.fish"));
	cr_assert(bash && zsh && fish, "the completions were not generated in %s", completions());
	char *with_value = bash_list(bash, "main_arg='"), *without = bash_list(bash, "main_flag='");
	for (size_t i = 0; i < n; i++) {
		char *opt = lrt_fmt("--%s", opts[i].name), *spaced = lrt_fmt(" --%s ", opts[i].name);
		bool takes = opts[i].takes_value;
		cr_expect(lrt_contains(takes ? with_value : without, spaced),
			  "bash: %s is not completed as an option %s a value", opt, takes ? "with" : "without");
		cr_expect(has_word(zsh, opt), "zsh: %s is not completed", opt);
		cr_expect(lrt_contains(fish, lrt_fmt("-l %s ", opts[i].name)), "fish: %s is not completed", opt);
		free(opt);
		free(spaced);
	}
	static const char *const subs[] = { "learn", "check", "digest", "policies" };
	for (size_t i = 0; i < LRT_LEN(subs); i++) {
		cr_expect(lrt_contains(bash, lrt_fmt("local %s_arg=", subs[i])), "bash: no subcommand %s", subs[i]);
		cr_expect(has_word(zsh, subs[i]), "zsh: no subcommand %s", subs[i]);
		cr_expect(lrt_contains(fish, lrt_fmt("-a %s\n", subs[i])), "fish: no subcommand %s", subs[i]);
	}
	free(with_value);
	free(without);
	free(bash);
	free(zsh);
	free(fish);
}

/* The names `landrun policies` lists (lines that do not start with a space), one per line. */
static char *policy_names(char *const env[])
{
	struct lrt_result *r = lrt_run_env(NULL, env, LRT_ARGS("policies"));
	cr_assert_eq(r->status, 0, "%s", r->err);
	char *names = calloc(1, sizeof(r->out));
	for (char *line = strtok(r->out, "\n"); line; line = strtok(NULL, "\n"))
		if (*line != ' ') {
			strncat(names, line, strcspn(line, " "));
			strcat(names, "\n");
		}
	lrt_free(r);
	return names;
}

static const char bash_complete[] =
	"f=$1; shift; . \"$f\" || exit 1; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _landrun; "
	"printf '%s\\n' \"${COMPREPLY[@]}\"";

/* COMPREPLY of the bash completion for the words landrun args..., the last the cursor's. */
static struct lrt_result *bash_completes(const char *cwd, char *const env[], const char *const args[])
{
	return lrt_run_prefixed_as_typed(cwd, env,
					 LRT_ARGS("/bin/bash", "-c", bash_complete, "bash", COMPLETION("landrun.bash")), args);
}

static void skip_without_bash(void)
{
	if (access("/bin/bash", X_OK) != 0)
		cr_skip_test("bash is not installed");
	fclose(open_or_skip(COMPLETION("landrun.bash")));
}

Test(completion, bash_completes_options_and_the_policies_found)
{
	skip_without_bash();
	char *cwd = lrt_fmt("%s/empty", T);
	mkdir(cwd, 0755);
	char *env[] = { "PATH=/usr/bin:/bin", lrt_fmt("XDG_CONFIG_HOME=%s", T), NULL };
	struct lrt_result *r = bash_completes(cwd, env, LRT_ARGS("--pol"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect_str_eq(r->out, "--policy\n");
	lrt_free(r);
	r = bash_completes(cwd, env, LRT_ARGS("lea"));
	cr_expect(lrt_contains(r->out, "learn\n"), "%s", r->out);
	lrt_free(r);
	r = bash_completes(cwd, env, LRT_ARGS("--log-level", ""));
	cr_expect_str_eq(r->out, "error\ninfo\ndebug\n");
	lrt_free(r);
	/* -p: every name landrun policies lists (the user's directory too), nothing else (cwd is empty) */
	mkdir(lrt_fmt("%s/landrun", T), 0755);
	lrt_write(lrt_fmt("%s/landrun/mine.ini", T), "; mine.ini - a user's policy\n");
	char *want = policy_names(env);
	cr_assert(lrt_contains(want, "default\n") && lrt_contains(want, "mine\n"), "%s", want);
	const char *const *const forms[] = { LRT_ARGS("-p", ""), LRT_ARGS("--policy", ""),
					     LRT_ARGS("--policy", "=", ""), LRT_ARGS("learn", "-p", "") };
	for (size_t i = 0; i < LRT_LEN(forms); i++) {
		r = bash_completes(cwd, env, forms[i]);
		cr_expect_str_eq(r->out, want, "%s %s: %s", forms[i][0], forms[i][1], r->err);
		lrt_free(r);
	}
	/* after the command, its own completion (or files): no landrun option */
	r = bash_completes(cwd, env, LRT_ARGS("-p", "default", "ls", "--pol"));
	cr_expect(!lrt_contains(r->out, "--policy"), "%s", r->out);
	lrt_free(r);
	free(want);
	free(cwd);
}

/* A policy file's name is data: a name that is shell code must be offered as it is, never run.
 * compgen -W, the usual way to offer a word list, expands the words it is given: the control
 * shows that this name runs its code there, so the test would see it run. */
Test(completion, bash_never_runs_a_policy_name)
{
	skip_without_bash();
	char *dir = lrt_fmt("%s/landrun", T), *cwd = lrt_fmt("%s/cwd", T), *control = lrt_fmt("%s/control", T);
	mkdir(dir, 0755);
	mkdir(cwd, 0755);
	mkdir(control, 0755);
	lrt_write(lrt_fmt("%s/$(id>pwned).ini", dir), "; planted\n");
	char *env[] = { "PATH=/usr/bin:/bin", lrt_fmt("XDG_CONFIG_HOME=%s", T), NULL };

	struct lrt_result *r = bash_completes(cwd, env, LRT_ARGS("-p", "$("));
	cr_expect_eq(access(lrt_fmt("%s/pwned", cwd), F_OK), -1, "the completion ran a policy's name");
	cr_expect(lrt_contains(r->out, "$(id>pwned)\n"), "the name is not offered as it is: %s %s", r->out, r->err);
	lrt_free(r);

	r = lrt_run_prefixed_as_typed(control, env,
			     LRT_ARGS("/bin/bash", "-c",
				      "compgen -W \"$(\"$1\" \"$2\" | grep -v '^ ' | cut -d' ' -f1)\" -- '$('", "bash"),
			     LRT_ARGS("policies"));
	cr_expect_eq(access(lrt_fmt("%s/pwned", control), F_OK), 0, "control: compgen -W did not run the name: %s", r->err);
	lrt_free(r);
	free(dir);
	free(cwd);
	free(control);
}

static const char fish_complete[] = "source $argv[1]; and complete -C (string join ' ' -- $argv[2..-1])";

Test(completion, fish_completes_options_and_the_policies_found)
{
	if (access("/usr/bin/fish", X_OK) != 0)
		cr_skip_test("fish is not installed (the fish completion is checked where it is)");
	fclose(open_or_skip(COMPLETION("landrun.fish")));
	char *env[] = { "PATH=/usr/bin:/bin", lrt_fmt("HOME=%s", T), lrt_fmt("XDG_CONFIG_HOME=%s", T), NULL };
	const char *const prefix[] = { "/usr/bin/fish", "-c", fish_complete, COMPLETION("landrun.fish"), NULL };
	struct lrt_result *r = lrt_run_prefixed_as_typed(T, env, prefix, LRT_ARGS("--pol"));
	cr_expect(lrt_contains(r->out, "--policy\tread a policy"), "%s %s", r->out, r->err);
	lrt_free(r);
	r = lrt_run_prefixed_as_typed(T, env, prefix, LRT_ARGS("-p", ""));
	cr_expect(lrt_contains(r->out, "default\tthe policy landrun applies"), "%s %s", r->out, r->err);
	lrt_free(r);
	r = lrt_run_prefixed_as_typed(T, env, prefix, LRT_ARGS("learn", "--sys"));
	cr_expect(lrt_contains(r->out, "--syscalls\t"), "%s %s", r->out, r->err);
	lrt_free(r);
}

Test(completion, zsh_and_fish_completions_parse)
{
	static const struct {
		char shell[16], file[16];
	} cases[] = { { "/usr/bin/zsh", "_landrun" }, { "/usr/bin/fish", "landrun.fish" } };
	int checked = 0;
	for (size_t i = 0; i < LRT_LEN(cases); i++) {
		if (access(cases[i].shell, X_OK) != 0)
			continue;
		char *path = COMPLETION(cases[i].file);
		fclose(open_or_skip(path));
		struct lrt_result *r =
			lrt_run_prefixed_as_typed(NULL, NULL, LRT_ARGS(cases[i].shell, "-n", path, "--"), LRT_ARGS("x"));
		cr_expect_eq(r->status, 0, "%s -n %s: %s", cases[i].shell, path, r->err);
		lrt_free(r);
		free(path);
		checked++;
	}
	if (!checked)
		cr_skip_test("neither zsh nor fish is installed");
}

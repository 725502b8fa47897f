/* Policy files: reading, includes (relative, by name, the embedded default, cycles, depth),
 * variables, inih's line length limit and NUL bytes, and the origins rules remember. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "unit.h"

static const char *const test_env[] = { "HOME=/home/tester", "TMPDIR=/scratch", "FOO=bar", "USER=someone-else", NULL };

static char *T;           /* scratch directory */
static char *DIRS;        /* T/dirs: the policy directory for NAME lookups */
static struct lr_env_ctx CTX;
static struct lr_policy P;
static struct lr_error E;

static void setup(void)
{
	T = lrt_mkdtemp("/var/tmp");
	DIRS = lrt_fmt("%s/dirs", T);
	mkdir(DIRS, 0755);
	CTX = (struct lr_env_ctx){ .environ = test_env, .policy_dirs = { DIRS } };
	lr_policy_init(&P);
	memset(&E, 0, sizeof(E));
}

static void teardown(void)
{
	lr_policy_free(&P);
	lrt_rmrf(T);
	free(DIRS);
	free(T);
}

TestSuite(files, .init = setup, .fini = teardown);

/* Writes T/rel and returns its malloc'd full path. */
static char *put(const char *rel, const char *text)
{
	char *path = lrt_fmt("%s/%s", T, rel);
	lrt_write(path, text);
	return path;
}

/* Creates the directory T/rel. */
static void subdir(const char *rel)
{
	char *path = lrt_fmt("%s/%s", T, rel);
	cr_assert_eq(mkdir(path, 0755), 0, "%s", path);
	free(path);
}

static const struct lr_path_rule *path_at(size_t i)
{
	cr_assert_lt(i, P.paths.len);
	return lr_vec_at(&P.paths, i);
}

static const char *source_at(size_t i)
{
	cr_assert_lt(i, P.sources.len);
	return *(const char **)lr_vec_at(&P.sources, i);
}

static int load_text(const char *text)
{
	return lr_policy_load_string(&P, &CTX, text, "t.ini", &E);
}

/* The single path rule of "[filesystem]\nro = WORD" with WORD expanded. */
static const char *expanded(const char *word)
{
	char *text = lrt_fmt("[filesystem]\nro = %s\n", word);
	int rc = load_text(text);
	free(text);
	cr_assert_eq(rc, 0, "%s: %s", word, E.msg);
	cr_assert_eq(P.paths.len, 1);
	return path_at(0)->path;
}

/* ---- files --------------------------------------------------------------------------------- */

Test(files, load_by_path_records_file_and_lines)
{
	char *a = put("a.ini", "; first\n[filesystem]\nro = /etc\n");
	cr_assert_eq(lr_policy_load(&P, &CTX, a, &E), 0, "%s", E.msg);
	cr_expect_str_eq(path_at(0)->at.file, a);
	cr_expect_eq(path_at(0)->at.line, 3);
	cr_expect_str_eq(source_at(0), a);
	free(a);
}

Test(files, load_missing_file)
{
	char *path = lrt_fmt("%s/nope.ini", T);
	cr_expect_eq(lr_policy_load(&P, &CTX, path, &E), -1);
	char *want = lrt_fmt("cannot open policy %s: No such file or directory", path);
	cr_expect_str_eq(E.msg, want);
	free(want);
	free(path);
}

Test(files, load_a_directory)
{
	cr_expect_eq(lr_policy_load(&P, &CTX, DIRS, &E), -1);
	char *want = lrt_fmt("policy %s is not a regular file", DIRS);
	cr_expect_str_eq(E.msg, want);
	free(want);
}

Test(files, load_a_file_over_16_MiB)
{
	char *path = put("big.ini", "");
	cr_assert_eq(truncate(path, (16 << 20) + 1), 0);
	cr_expect_eq(lr_policy_load(&P, &CTX, path, &E), -1);
	char *want = lrt_fmt("policy %s is larger than 16777216 bytes", path);
	cr_expect_str_eq(E.msg, want);
	free(want);
	free(path);
}

/* BUG: read_policy (src/policy.c) opens the file with a blocking O_RDONLY before its fstat
 * S_ISREG check, so a named pipe (e.g. -p on a FIFO, or an include of one) blocks forever in
 * open() instead of failing with "policy PATH is not a regular file". O_NONBLOCK on the open (or an
 * lstat/stat first) would make it fail at once. */
Test(files, a_fifo_is_refused_without_blocking, .timeout = 5)
{
	char *path = lrt_fmt("%s/fifo.ini", T);
	cr_assert_eq(mkfifo(path, 0644), 0);
	cr_expect_eq(lr_policy_load(&P, &CTX, path, &E), -1);
	char *want = lrt_fmt("policy %s is not a regular file", path);
	cr_expect_str_eq(E.msg, want);
	free(want);
	free(path);
}

Test(files, nul_byte_is_refused_with_its_line)
{
	char *path = lrt_fmt("%s/nul.ini", T);
	static const char text[] = "[filesystem]\nro = /etc\nro = /u\0sr\n";
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	cr_expect_eq(lr_policy_load(&P, &CTX, path, &E), -1);
	char *want = lrt_fmt("%s:3: NUL byte in policy file", path);
	cr_expect_str_eq(E.msg, want);
	cr_expect_eq(P.paths.len, 0, "nothing of the file is applied");
	free(want);
	free(path);
}

Test(files, plain_name_is_looked_up_in_the_policy_dirs)
{
	char *shared = put("dirs/shared.ini", "[filesystem]\nrox = /opt\n");
	cr_assert_eq(lr_policy_load(&P, &CTX, "shared", &E), 0, "%s", E.msg);
	cr_expect_str_eq(path_at(0)->path, "/opt");
	cr_expect_str_eq(path_at(0)->at.file, shared);
	free(shared);
}

Test(files, plain_name_searches_dirs_in_order)
{
	char *second = lrt_fmt("%s/second", T);
	mkdir(second, 0755);
	CTX.policy_dirs[1] = second;
	char *only2 = put("second/only2.ini", "[filesystem]\nro = /two\n");
	free(put("second/both.ini", "[filesystem]\nro = /second\n"));
	free(put("dirs/both.ini", "[filesystem]\nro = /first\n"));
	cr_assert_eq(lr_policy_load(&P, &CTX, "both", &E), 0, "%s", E.msg);
	cr_assert_eq(lr_policy_load(&P, &CTX, "only2", &E), 0, "%s", E.msg);
	cr_expect_str_eq(path_at(0)->path, "/first");
	cr_expect_str_eq(path_at(1)->at.file, only2);
	free(only2);
	free(second);
}

Test(files, unknown_name_lists_where_it_looked)
{
	cr_expect_eq(lr_policy_load(&P, &CTX, "nosuch", &E), -1);
	char *want = lrt_fmt("no policy named \"nosuch\" (looked for nosuch.ini in %s)", DIRS);
	cr_expect_str_eq(E.msg, want);
	free(want);
}

Test(files, unknown_name_with_two_dirs_and_with_none)
{
	CTX.policy_dirs[1] = "/nonexistent/b";
	cr_expect_eq(lr_policy_load(&P, &CTX, "nosuch", &E), -1);
	char *want = lrt_fmt("no policy named \"nosuch\" (looked for nosuch.ini in %s, /nonexistent/b)", DIRS);
	cr_expect_str_eq(E.msg, want);
	free(want);
	struct lr_env_ctx none = { .environ = test_env };
	UT_EXPECT_ERROR(&none, "[policy]\ninclude = nosuch\n",
			"t.ini:2: no policy named \"nosuch\" (looked for nosuch.ini in (no policy directory))");
}

Test(files, name_default_falls_back_to_the_embedded_text)
{
	cr_assert_eq(lr_policy_load(&P, &CTX, "default", &E), 0, "%s", E.msg);
	cr_expect_str_eq(source_at(0), "<embedded default>");
	/* policies/default.ini line 17: "rox = /usr" */
	cr_expect_str_eq(path_at(0)->path, "/usr");
	cr_expect_eq(path_at(0)->access, LR_ROX);
	cr_expect_str_eq(path_at(0)->at.file, "<embedded default>");
	cr_expect_eq(path_at(0)->at.line, 17);
	cr_expect(P.connect_any.set);
	cr_expect_not(P.udp.on);
}

Test(files, default_ini_in_a_policy_dir_wins_over_the_embedded_text)
{
	char *def = put("dirs/default.ini", "[filesystem]\nro = /mine\n");
	cr_assert_eq(load_text("[policy]\ninclude = default\n"), 0, "%s", E.msg);
	cr_assert_eq(P.paths.len, 1);
	cr_expect_str_eq(path_at(0)->path, "/mine");
	cr_expect_str_eq(path_at(0)->at.file, def);
	free(def);
}

/* ---- includes ------------------------------------------------------------------------------ */

Test(files, include_relative_to_the_including_file)
{
	subdir("sub");
	char *a = put("sub/a.ini", "[policy]\ninclude = b.ini\n[filesystem]\nro = /a\n");
	char *b = put("sub/b.ini", "\n[filesystem]\nro = /b\n");
	free(put("b.ini", "[filesystem]\nro = /wrong\n")); /* a decoy one directory up */
	cr_assert_eq(lr_policy_load(&P, &CTX, a, &E), 0, "%s", E.msg);
	cr_assert_eq(P.paths.len, 2);
	cr_expect_str_eq(path_at(0)->path, "/b");
	cr_expect_str_eq(path_at(0)->at.file, b);
	cr_expect_eq(path_at(0)->at.line, 3);
	cr_expect_str_eq(path_at(1)->path, "/a");
	cr_expect_str_eq(path_at(1)->at.file, a);
	cr_expect_eq(path_at(1)->at.line, 4);
	cr_assert_eq(P.sources.len, 2);
	cr_expect_str_eq(source_at(0), a);
	cr_expect_str_eq(source_at(1), b);
	free(a);
	free(b);
}

Test(files, include_plain_name_next_to_the_file_before_the_policy_dirs)
{
	char *a = put("a.ini", "[policy]\ninclude = tools\n");
	char *near = put("tools.ini", "[filesystem]\nro = /near\n");
	free(put("dirs/tools.ini", "[filesystem]\nro = /far\n"));
	cr_assert_eq(lr_policy_load(&P, &CTX, a, &E), 0, "%s", E.msg);
	cr_assert_eq(P.paths.len, 1);
	cr_expect_str_eq(path_at(0)->path, "/near");
	cr_expect_str_eq(path_at(0)->at.file, near);
	free(a);
	free(near);
}

Test(files, include_plain_name_falls_back_to_the_policy_dirs)
{
	char *a = put("a.ini", "[policy]\ninclude = tools\n");
	char *far = put("dirs/tools.ini", "[filesystem]\nro = /far\n");
	cr_assert_eq(lr_policy_load(&P, &CTX, a, &E), 0, "%s", E.msg);
	cr_expect_str_eq(path_at(0)->path, "/far");
	cr_expect_str_eq(path_at(0)->at.file, far);
	free(a);
	free(far);
}

Test(files, include_absolute_and_with_a_variable)
{
	char *b = put("b.ini", "[filesystem]\nro = /b\n");
	char *text = lrt_fmt("[policy]\ninclude = %s ${env:FOO}\n", b);
	free(put("dirs/bar.ini", "[filesystem]\nro = /bar\n"));
	cr_assert_eq(load_text(text), 0, "%s", E.msg);
	cr_assert_eq(P.paths.len, 2);
	cr_expect_str_eq(path_at(0)->path, "/b");
	cr_expect_str_eq(path_at(1)->path, "/bar");
	free(text);
	free(b);
}

Test(files, include_of_a_missing_absolute_file)
{
	char *text = lrt_fmt("[policy]\ninclude = %s/gone.ini\n", T);
	char *want = lrt_fmt("t.ini:2: cannot open policy %s/gone.ini: No such file or directory", T);
	UT_EXPECT_ERROR(&CTX, text, want);
	free(want);
	free(text);
}

Test(files, include_of_a_missing_relative_path)
{
	char *a = put("a.ini", "[policy]\ninclude = sub/x.ini\n");
	cr_expect_eq(lr_policy_load(&P, &CTX, a, &E), -1);
	char *want = lrt_fmt("%s:2: include: sub/x.ini not found next to %s", a, a);
	cr_expect_str_eq(E.msg, want);
	free(want);
	free(a);
	UT_EXPECT_ERROR(&CTX, "[policy]\ninclude = x.ini\n", "t.ini:2: include: x.ini not found next to t.ini");
}

Test(files, include_default_falls_back_to_the_embedded_text)
{
	char *a = put("a.ini", "[policy]\ninclude = default\n[filesystem]\nro = /mine\n");
	cr_assert_eq(lr_policy_load(&P, &CTX, a, &E), 0, "%s", E.msg);
	cr_assert_eq(P.sources.len, 2);
	cr_expect_str_eq(source_at(1), "<embedded default>");
	cr_expect_str_eq(path_at(0)->path, "/usr");
	cr_expect_str_eq(path_at(0)->at.file, "<embedded default>");
	const struct lr_path_rule *last = path_at(P.paths.len - 1);
	cr_expect_str_eq(last->path, "/mine");
	cr_expect_eq(last->at.line, 4);
	free(a);
}

Test(files, include_cycle_is_an_error)
{
	char *a = put("a.ini", "[policy]\ninclude = b.ini\n");
	char *b = put("b.ini", "; b\n[policy]\ninclude = a.ini\n");
	cr_expect_eq(lr_policy_load(&P, &CTX, a, &E), -1);
	char *want = lrt_fmt("%s:3: include cycle: %s is already being read", b, a);
	cr_expect_str_eq(E.msg, want);
	free(want);
	free(a);
	free(b);
}

Test(files, include_of_itself_is_a_cycle)
{
	char *a = put("a.ini", "[policy]\ninclude = a\n");
	cr_expect_eq(lr_policy_load(&P, &CTX, a, &E), -1);
	char *want = lrt_fmt("%s:2: include cycle: %s is already being read", a, a);
	cr_expect_str_eq(E.msg, want);
	free(want);
	free(a);
}

Test(files, including_the_same_file_twice_in_sequence_is_not_a_cycle)
{
	free(put("b.ini", "[filesystem]\nro = /b\n"));
	char *a = put("a.ini", "[policy]\ninclude = b b.ini\n");
	cr_assert_eq(lr_policy_load(&P, &CTX, a, &E), 0, "%s", E.msg);
	cr_expect_eq(P.paths.len, 2);
	free(a);
}

/* f0 includes f1 ... includes f<last>; f<last> includes last_include (or nothing). */
static char *chain(int last, const char *last_include)
{
	for (int i = 0; i <= last; i++) {
		char *name = lrt_fmt("f%d.ini", i);
		char *text = i < last ? lrt_fmt("[policy]\ninclude = f%d.ini\n", i + 1)
				      : lrt_fmt("[policy]\ninclude = %s\n[filesystem]\nro = /leaf\n", last_include);
		free(put(name, text));
		free(text);
		free(name);
	}
	return lrt_fmt("%s/f0.ini", T);
}

Test(files, eight_nested_files_are_allowed)
{
	char *f0 = chain(7, "");
	cr_assert_eq(lr_policy_load(&P, &CTX, f0, &E), 0, "%s", E.msg);
	cr_expect_eq(P.sources.len, 8);
	cr_expect_str_eq(path_at(0)->path, "/leaf");
	free(f0);
}

Test(files, a_ninth_nested_file_is_refused)
{
	char *f0 = chain(8, "");
	cr_expect_eq(lr_policy_load(&P, &CTX, f0, &E), -1);
	char *want = lrt_fmt("%s/f7.ini:2: includes nested deeper than 8 (is there a loop?)", T);
	cr_expect_str_eq(E.msg, want);
	free(want);
	free(f0);
}

Test(files, embedded_default_as_a_ninth_level_is_refused)
{
	char *f0 = chain(7, "default");
	cr_expect_eq(lr_policy_load(&P, &CTX, f0, &E), -1);
	char *want = lrt_fmt("%s/f7.ini:2: includes nested deeper than 8", T);
	cr_expect_str_eq(E.msg, want);
	free(want);
	free(f0);
}

Test(files, errors_in_an_included_file_name_that_file)
{
	char *a = put("a.ini", "[policy]\ninclude = b\n");
	char *b = put("b.ini", "[network]\n\nudp = perhaps\n");
	cr_expect_eq(lr_policy_load(&P, &CTX, a, &E), -1);
	char *want = lrt_fmt("%s:3: udp = \"perhaps\": expected yes, no or dns", b);
	cr_expect_str_eq(E.msg, want);
	free(want);
	free(a);
	free(b);
}

Test(files, policy_dir_variable_is_the_files_directory)
{
	subdir("sub");
	char *a = put("sub/a.ini", "[filesystem]\nro = ${POLICY_DIR}/data\n");
	cr_assert_eq(lr_policy_load(&P, &CTX, a, &E), 0, "%s", E.msg);
	char *want = lrt_fmt("%s/sub/data", T);
	cr_expect_str_eq(path_at(0)->path, want);
	free(want);
	free(a);
}

Test(files, policy_dir_of_a_relative_path_is_absolute)
{
	subdir("sub");
	free(put("sub/a.ini", "[policy]\ninclude = b\n[filesystem]\nro = ${POLICY_DIR}/a\n"));
	free(put("sub/b.ini", "[filesystem]\nro = ${POLICY_DIR}/b\n"));
	cr_assert_eq(chdir(T), 0);
	char cwd[4096];
	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	cr_assert_eq(lr_policy_load(&P, &CTX, "sub/a.ini", &E), 0, "%s", E.msg);
	cr_assert_eq(P.paths.len, 2);
	char *b = lrt_fmt("%s/sub/b", cwd), *a = lrt_fmt("%s/sub/a", cwd);
	cr_expect_str_eq(path_at(0)->path, b);
	cr_expect_str_eq(path_at(1)->path, a);
	cr_expect_str_eq(path_at(1)->at.file, "sub/a.ini");
	free(a);
	free(b);
}

Test(files, policy_dir_variable_in_text_is_the_first_policy_dir)
{
	char *want = lrt_fmt("%s/x", DIRS);
	cr_expect_str_eq(expanded("${POLICY_DIR}/x"), want);
	free(want);
}

Test(files, policy_dir_variable_without_any_dir)
{
	struct lr_env_ctx none = { .environ = test_env };
	UT_EXPECT_ERROR(&none, "[filesystem]\nro = ${POLICY_DIR}\n", "t.ini:2: ${POLICY_DIR} has no value here");
}

/* ---- variables ----------------------------------------------------------------------------- */

Test(files, home_comes_from_the_environment)
{
	cr_expect_str_eq(expanded("${HOME}/.config"), "/home/tester/.config");
}

Test(files, empty_home_falls_back_to_the_password_database)
{
	static const char *const env[] = { "HOME=", NULL };
	CTX.environ = env;
	struct passwd *pw = getpwuid(getuid());
	cr_assert_not_null(pw);
	char *want = lrt_fmt("%s/x", pw->pw_dir);
	cr_expect_str_eq(expanded("${HOME}/x"), want);
	free(want);
}

Test(files, cwd_and_pwd_are_the_working_directory)
{
	char cwd[4096];
	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	char *want = lrt_fmt("%s|%s", cwd, cwd);
	cr_expect_str_eq(expanded("${CWD}|${PWD}"), want);
	free(want);
}

Test(files, tmpdir_from_the_environment_or_tmp)
{
	cr_expect_str_eq(expanded("${TMPDIR}/x"), "/scratch/x");
	lr_policy_free(&P);
	lr_policy_init(&P);
	static const char *const env[] = { "TMPDIR=", NULL };
	CTX.environ = env;
	cr_expect_str_eq(expanded("${TMPDIR}/x"), "/tmp/x");
}

Test(files, uid_and_user_come_from_the_process_not_the_environment)
{
	struct passwd *pw = getpwuid(getuid());
	cr_assert_not_null(pw);
	char *want = lrt_fmt("/u/%u/%s", (unsigned)getuid(), pw->pw_name);
	cr_expect_str_eq(expanded("/u/${UID}/${USER}"), want);
	free(want);
}

Test(files, env_variable_and_adjacent_text)
{
	cr_expect_str_eq(expanded("/a${env:FOO}b${env:FOO}"), "/abarbbar");
}

/* The error messages of whole inputs: one row a case, named after the test it came from. */
static struct ut_error_case error_cases[] = {
	{ "env_variable_must_be_set", "[filesystem]\nro = /x${env:NOPE}\n",
	  "t.ini:2: ${env:NOPE}: environment variable NOPE is not set" },
	/* a name is matched whole: FO is not FOO */
	{ "env_variable_must_be_set", "[filesystem]\nro = /${env:FO}\n",
	  "t.ini:2: ${env:FO}: environment variable FO is not set" },
	{ "unknown_variable_with_a_suggestion", "[filesystem]\nro = ${HOEM}/x\n",
	  "t.ini:2: unknown variable ${HOEM}; did you mean ${HOME}? (known: HOME CWD TMPDIR UID USER POLICY_DIR env:NAME)" },
	{ "unknown_variable_without_a_suggestion", "[filesystem]\nro = /${SOMETHING_ELSE}\n",
	  "t.ini:2: unknown variable ${SOMETHING_ELSE} (known: HOME CWD TMPDIR UID USER POLICY_DIR env:NAME)" },
	{ "unknown_variable_without_a_suggestion", "[filesystem]\nro = /${}\n",
	  "t.ini:2: unknown variable ${} (known: HOME CWD TMPDIR UID USER POLICY_DIR env:NAME)" },
	{ "unterminated_variable", "[filesystem]\nro = ${HOME/x\n",
	  "t.ini:2: unterminated ${ in \"${HOME/x\"" },
	{ "unterminated_variable", "[env]\nset = A=${\n",
	  "t.ini:2: unterminated ${ in \"${\"" },
};

UT_ERROR_CASES(files, error_message, &CTX, error_cases)

Test(files, value_too_long_once_expanded)
{
	size_t n = 9000;
	char *big = malloc(n + 8);
	memcpy(big, "BIG=/", 5);
	memset(big + 5, 'a', n);
	big[5 + n] = '\0';
	const char *env[] = { big, NULL };
	CTX.environ = env;
	UT_EXPECT_ERROR(&CTX, "[filesystem]\nro = ${env:BIG}\n", "t.ini:2: \"${env:BIG}\" is too long once expanded");
	free(big);
}

/* ---- inih's line buffer: 200 bytes for the line, "\r\n" and a NUL, so 197 bytes of text ---- */

/* "[filesystem]\n" and a line of exactly len bytes ("ro = /aaa..."), then term. */
static char *long_line_text(size_t len, const char *term)
{
	char *line = malloc(len + 1);
	memcpy(line, "ro = /", 6);
	memset(line + 6, 'a', len - 6);
	line[len] = '\0';
	char *text = lrt_fmt("[filesystem]\n%s%s", line, term);
	free(line);
	return text;
}

static void expect_line_fits(size_t len, const char *term)
{
	char *text = long_line_text(len, term);
	struct lr_error err = { 0 };
	struct lr_policy p;
	lr_policy_init(&p);
	cr_expect_eq(lr_policy_load_string(&p, &CTX, text, "t.ini", &err), 0, "%zu bytes: %s", len, err.msg);
	cr_expect_eq(p.paths.len, 1, "%zu bytes", len);
	if (p.paths.len == 1)
		cr_expect_eq(strlen(((struct lr_path_rule *)lr_vec_at(&p.paths, 0))->path), len - 5,
			     "%zu bytes: the path was cut", len);
	lr_policy_free(&p);
	free(text);
}

static void expect_line_too_long(size_t len, const char *term)
{
	char *text = long_line_text(len, term);
	char *want = lrt_fmt("t.ini:2: line is %zu bytes long; the INI parser reads at most 197: "
			     "split the list over indented continuation lines", len);
	UT_EXPECT_ERROR(&CTX, text, want);
	free(want);
	free(text);
}

/* A line of len bytes ending in term: it fits (197 bytes or less, "\r" not counted, with or
 * without a final newline) or is refused. */
struct line_case {
	unsigned len;
	char term[24];
	bool fits;
};

static struct line_case line_cases[] = {
	{ 196, "\n", true }, { 197, "\n", true }, { 197, "\n[network]\nudp = no\n", true },
	{ 198, "\n", false }, { 199, "\n", false }, { 200, "\n", false }, { 500, "\n", false },
	/* the same without a final newline */
	{ 197, "", true }, { 198, "", false }, { 199, "", false },
	/* with crlf: cr is not counted */
	{ 196, "\r\n", true }, { 197, "\r\n", true }, { 198, "\r\n", false }, { 200, "\r\n", false },
};

ParameterizedTestParameters(files, line_limit)
{
	return cr_make_param_array(struct line_case, line_cases, LRT_LEN(line_cases));
}

ParameterizedTest(struct line_case *c, files, line_limit)
{
	if (c->fits)
		expect_line_fits(c->len, c->term);
	else
		expect_line_too_long(c->len, c->term);
}

Test(files, a_long_line_later_in_the_file_names_its_line)
{
	char *line = long_line_text(250, "\n");
	char *text = lrt_fmt("; one\n\n%s", line);
	UT_EXPECT_ERROR(&CTX, text, "t.ini:4: line is 250 bytes long; the INI parser reads at most 197: "
				    "split the list over indented continuation lines");
	free(text);
	free(line);
}

Test(files, continuation_lines_split_a_long_list)
{
	char *text = lrt_fmt("[filesystem]\nro = /%0180d\n  /%0180d\n", 1, 2);
	cr_assert_eq(load_text(text), 0, "%s", E.msg);
	cr_expect_eq(P.paths.len, 2);
	cr_expect_eq(path_at(1)->at.line, 3);
	free(text);
}

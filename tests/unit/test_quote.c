/* Quoted words in policies: what lr_policy_quote writes, the real parser reads back byte for byte,
 * whatever the bytes (random names full of newlines, quotes, backslashes, ;#=[]${}? and blanks),
 * and a name can never turn into policy lines of its own. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "unit.h"

static const char *const test_env[] = { "HOME=/home/tester", NULL };
static const struct lr_env_ctx CTX = { .environ = test_env };

static struct lr_policy P;
static struct lr_error E;

static void setup(void)
{
	lr_policy_init(&P);
	memset(&E, 0, sizeof(E));
}
static void teardown(void) { lr_policy_free(&P); }
TestSuite(quote, .init = setup, .fini = teardown);

static int load(const char *text)
{
	return lr_policy_load_string(&P, &CTX, text, "t.ini", &E);
}

static const struct lr_path_rule *path_at(size_t i)
{
	cr_assert_lt(i, P.paths.len);
	return lr_vec_at(&P.paths, i);
}

/* "key = " + the quoted word + a trailing comment, parsed; the path read back must be path. */
static void round_trip(const char *path, const char *key, bool optional)
{
	char word[PATH_MAX * 4 + 3], line[PATH_MAX * 4 + 64];
	int n = lr_policy_quote(path, word, sizeof(word));
	cr_assert_gt(n, 0, "cannot quote %s", path);
	cr_assert_eq((size_t)n, strlen(word));
	cr_assert_null(strchr(word, '\n'), "a newline was written: %s", word);
	snprintf(line, sizeof(line), "[filesystem]\n%s = %s%s ; comment ;\n[exec]\nallow = %s\n", key,
		 optional ? "?" : "", word, word);
	lr_policy_free(&P);
	lr_policy_init(&P);
	memset(&E, 0, sizeof(E));
	cr_assert_eq(load(line), 0, "%s\nerror: %s", line, E.msg);
	cr_assert_eq(P.paths.len, 2, "%s", line);
	cr_assert_str_eq(path_at(0)->path, path, "%s", line);
	cr_assert_eq(path_at(0)->optional, optional);
	cr_assert_str_eq(path_at(1)->path, path);
	cr_assert_eq(path_at(1)->access, LR_EXEC);
	cr_assert(!P.fs_any.set, "%s", line);
}

Test(quote, plain_paths_are_written_as_they_are)
{
	char out[64];
	cr_expect_eq(lr_policy_quote("/usr/lib/x86_64-linux-gnu", out, sizeof(out)), 25);
	cr_expect_str_eq(out, "/usr/lib/x86_64-linux-gnu");
	lr_policy_quote("/a b", out, sizeof(out));
	cr_expect_str_eq(out, "\"/a b\"");
	lr_policy_quote("/a\"b\\c\nd\te\x01\x7f", out, sizeof(out));
	cr_expect_str_eq(out, "\"/a\\\"b\\\\c\\nd\\te\\x01\\x7f\"");
	lr_policy_quote("/${HOME};#=[x]?", out, sizeof(out));
	cr_expect_str_eq(out, "\"/${HOME};#=[x]?\"");
	cr_expect_eq(lr_policy_quote("", out, sizeof(out)), 2);
	cr_expect_str_eq(out, "\"\"");
	cr_expect_eq(lr_policy_quote("/abc", out, 4), -1, "no room for the NUL");
	cr_expect_eq(lr_policy_quote("/a b", out, 6), -1);
}

Test(quote, utf8_names_stay_readable_but_display_tricks_are_escaped)
{
	char out[64];
	lr_policy_quote("/home/jos\xc3\xa9", out, sizeof(out));
	cr_expect_str_eq(out, "\"/home/jos\xc3\xa9\"");
	/* U+202E RIGHT-TO-LEFT OVERRIDE would make the line display otherwise than it parses */
	lr_policy_quote("/a\xe2\x80\xae", out, sizeof(out));
	cr_expect_str_eq(out, "\"/a\\xe2\\x80\\xae\"");
	/* U+0085 (a C1 control), a lone continuation byte, an overlong encoding */
	lr_policy_quote("/\xc2\x85\x80\xc0\xaf", out, sizeof(out));
	cr_expect_str_eq(out, "\"/\\xc2\\x85\\x80\\xc0\\xaf\"");
}

Test(quote, hostile_names_read_back_exactly)
{
	round_trip("/tmp/x\n[filesystem]\nunrestricted = yes", "rw", false);
	round_trip("/tmp/a b", "ro", true);
	round_trip("/tmp/c ;d", "ro", false);
	round_trip("/tmp/\" ; \"", "ro", false);
	round_trip("/tmp/${HOME}", "rox", false);
	round_trip("/tmp/\\\\\\", "ro", false);
	round_trip("/tmp/?x #y =z [s]", "ro", false);
	round_trip("/tmp/\r\n\t\v\f", "dev", true);
}

/* A fixed seed: a failure is the same failure on every run. */
static unsigned next(unsigned long long *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(*s >> 33);
}

Test(quote, random_names_read_back_exactly)
{
	static const char special[] = "\n\r\t \"\\;#=[]${}?,:'\x7f\x80\xc3\xa9\xe2\x80\xae\xff";
	unsigned long long seed = 20240611;
	char path[48];
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = 1 + next(&seed) % (sizeof(path) - 2);
		path[0] = '/';
		for (size_t i = 1; i < len; i++) {
			unsigned r = next(&seed);
			path[i] = r % 3 ? special[(r >> 4) % (sizeof(special) - 1)] : (char)(1 + (r >> 4) % 255);
		}
		path[len] = '\0';
		round_trip(path, iter % 2 ? "ro" : "rw", iter % 3 == 0);
	}
}

/* Quoted text is literal: no ${...} expansion, no comment, no word split; an unquoted piece next to
 * it still expands. */
Test(quote, quoted_text_is_literal_and_concatenates)
{
	cr_assert_eq(load("[filesystem]\nro = \"/x ${HOME} ;y\" ${HOME}\"/My Documents\" ?\"/o p\"\n"), 0, "%s", E.msg);
	cr_assert_eq(P.paths.len, 3);
	cr_expect_str_eq(path_at(0)->path, "/x ${HOME} ;y");
	cr_expect_str_eq(path_at(1)->path, "/home/tester/My Documents");
	cr_expect_str_eq(path_at(2)->path, "/o p");
	cr_expect(path_at(2)->optional);
	cr_expect(!path_at(0)->optional);
}

Test(quote, escapes)
{
	cr_assert_eq(load("[filesystem]\nro = \"/\\\\\\\"\\n\\t\\x41\\xff\"\n"), 0, "%s", E.msg);
	cr_expect_str_eq(path_at(0)->path, "/\\\"\n\tA\xff");
}

static void expect_error(const char *text, const char *msg)
{
	cr_assert_neq(load(text), 0, "accepted: %s", text);
	cr_expect(strstr(E.msg, msg) != NULL, "%s: %s", text, E.msg);
	cr_expect_eq(strncmp(E.msg, "t.ini:2: ", 9), 0, "%s", E.msg);
}

Test(quote, unterminated_quote_is_an_error) { expect_error("[filesystem]\nro = \"/a ; b\n", "unterminated quote"); }
Test(quote, unknown_escape_is_an_error) { expect_error("[filesystem]\nro = \"/a\\q\"\n", "bad escape"); }
Test(quote, nul_escape_is_an_error) { expect_error("[filesystem]\nro = \"/a\\x00\"\n", "bad escape"); }
Test(quote, short_hex_escape_is_an_error) { expect_error("[filesystem]\nro = \"/a\\x4\"\n", "bad escape"); }
Test(quote, trailing_backslash_is_an_error) { expect_error("[filesystem]\nro = \"/a\\\"\n", "unterminated quote"); }
Test(quote, quoted_relative_path_is_refused) { expect_error("[filesystem]\nro = \"a b\"\n", "not an absolute path"); }

/* The command line takes the same words: a comma or a blank inside quotes is part of the path. */
Test(quote, policy_set_takes_quoted_words)
{
	struct lr_origin at = { "command line", 2 };
	cr_assert_eq(lr_policy_set(&P, &CTX, "filesystem", "ro", "\"/a,b c\"", &at, &E), 0, "%s", E.msg);
	cr_expect_str_eq(path_at(0)->path, "/a,b c");
}

/* Other keys split quoted words whole, and a quoted word is no name there. */
Test(quote, other_keys_refuse_quoted_names)
{
	cr_expect_neq(load("[syscalls]\nallow = \"read write\"\n"), 0);
	cr_expect(strstr(E.msg, "unknown syscall") != NULL, "%s", E.msg);
}

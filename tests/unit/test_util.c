/* util.c (suggestions, numbers, words, errors, arena, vectors) and names.c (name tables). */
#include <cpuid.h>
#include <criterion/criterion.h>
#include <linux/capability.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "names.h"
#include "nettle_cpuid.h"
#include "policy.h"
#include "util.h"

TestSuite(util);

static const char *const sections[] = { "policy", "filesystem", "network", "process", "syscalls", "env" };

Test(util, suggest_close_words)
{
	cr_expect_str_eq(lr_suggest("netwrk", sections, 6), "network");
	cr_expect_str_eq(lr_suggest("NETWORK", sections, 6), "network");
	cr_expect_str_eq(lr_suggest("proces", sections, 6), "process");
	cr_expect_str_eq(lr_suggest("evn", sections, 6), "env");
}

Test(util, suggest_distance_two_but_not_three)
{
	static const char *const c[] = { "abcdef" };
	cr_expect_str_eq(lr_suggest("abcd", c, 1), "abcdef");
	cr_expect_str_eq(lr_suggest("abXdeY", c, 1), "abcdef");
	cr_expect_str_eq(lr_suggest("abc", c, 1), "abcdef"); /* too far, but a prefix */
	cr_expect_null(lr_suggest("bcd", c, 1));
	cr_expect_null(lr_suggest("XbXdXf", c, 1));
}

Test(util, suggest_prefers_the_closest_then_the_first)
{
	static const char *const c[] = { "cat", "hat", "bat" };
	cr_expect_str_eq(lr_suggest("hat", c, 3), "hat");
	cr_expect_str_eq(lr_suggest("mat", c, 3), "cat");
	static const char *const d[] = { "abcxx", "abcx" };
	cr_expect_str_eq(lr_suggest("abc", d, 2), "abcx");
}

Test(util, suggest_skips_null_candidates_and_handles_none)
{
	static const char *const c[] = { NULL, "read", NULL };
	cr_expect_str_eq(lr_suggest("raed", c, 3), "read");
	cr_expect_null(lr_suggest("read", c, 0));
	cr_expect_null(lr_suggest("zzzzzz", sections, 6));
}

Test(util, suggest_ignores_words_over_64_bytes)
{
	char w[70];
	memset(w, 'a', 65);
	w[65] = '\0';
	const char *c[] = { w };
	cr_expect_null(lr_suggest(w, c, 1));
}

/* BUG: util.h documents lr_suggest as "the closest candidate to word (edit distance <= 2, or a
 * prefix)", but src/util.c (lr_suggest) only computes the edit distance: a word that is a prefix
 * of a longer candidate ("@file" for "@file-system") gets no suggestion. */
Test(util, suggest_a_candidate_the_word_is_a_prefix_of)
{
	static const char *const c[] = { "@file-system", "@network-io" };
	cr_expect_str_eq(lr_suggest("@file", c, 2), "@file-system");
	cr_expect_str_eq(lr_suggest("@net", c, 2), "@network-io");
}

Test(util, parse_uint_accepts_whole_decimal_numbers)
{
	unsigned long long v = 99;
	cr_expect(lr_parse_uint("0", 10, &v));
	cr_expect_eq(v, 0);
	cr_expect(lr_parse_uint("10", 10, &v));
	cr_expect_eq(v, 10);
	cr_expect(lr_parse_uint("010", 10, &v));
	cr_expect_eq(v, 10);
	cr_expect(lr_parse_uint("18446744073709551615", ULLONG_MAX, &v));
	cr_expect_eq(v, ULLONG_MAX);
}

Test(util, parse_uint_refuses_everything_else)
{
	static const char *const bad[] = { "", "-1", "+1", " 1", "1 ", "1a", "0x10", "1.0", "11",
					   "18446744073709551616", "99999999999999999999999" };
	for (size_t i = 0; i < LR_ARRAY_LEN(bad); i++) {
		unsigned long long v = 77;
		cr_expect_not(lr_parse_uint(bad[i], 10, &v), "\"%s\" accepted", bad[i]);
		cr_expect_eq(v, 77, "\"%s\" wrote the output", bad[i]);
	}
	unsigned long long v = 0;
	cr_expect_not(lr_parse_uint("18446744073709551615", ULLONG_MAX - 1, &v));
}

/* Collects the words of s, "|"-joined. */
static char *words(const char *s, bool commas)
{
	static char out[256];
	size_t o = 0, len;
	const char *w;
	out[0] = '\0';
	while ((w = lr_next_word(&s, &len, commas)))
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%.*s", o ? "|" : "", (int)len, w);
	return out;
}

Test(util, next_word_splits_on_whitespace)
{
	cr_expect_str_eq(words("  a bb\tccc \n d ", false), "a|bb|ccc|d");
	cr_expect_str_eq(words("80,443, 22", false), "80,443,|22");
	cr_expect_str_eq(words("", false), "");
	cr_expect_str_eq(words(" \t ", false), "");
	cr_expect_str_eq(words(",,,", false), ",,,");
}

Test(util, next_word_with_commas)
{
	cr_expect_str_eq(words("80,443, 22 ,8080", true), "80|443|22|8080");
	cr_expect_str_eq(words(",,a,,", true), "a");
	cr_expect_str_eq(words(", ,", true), "");
}

Test(util, next_word_advances_the_cursor)
{
	const char *s = "one two";
	size_t len = 0;
	const char *w = lr_next_word(&s, &len, false);
	cr_expect_str_eq(w, "one two");
	cr_expect_eq(len, 3);
	cr_expect_str_eq(s, " two");
	cr_expect_null(lr_next_word(&(const char *){ "" }, &len, true));
}

Test(util, fail_formats_the_origin)
{
	struct lr_error e = { 0 };
	cr_expect_eq(lr_fail(&e, &(struct lr_origin){ "a.ini", 7 }, "bad %s", "thing"), -1);
	cr_expect(e.set);
	cr_expect_str_eq(e.msg, "a.ini:7: bad thing");
	struct lr_error f = { 0 };
	lr_fail(&f, &(struct lr_origin){ "command line", 0 }, "x");
	cr_expect_str_eq(f.msg, "command line: x");
	struct lr_error g = { 0 };
	lr_fail(&g, NULL, "plain");
	cr_expect_str_eq(g.msg, "plain");
	cr_expect_eq(lr_fail(NULL, NULL, "ignored"), -1);
}

Test(util, fail_keeps_the_first_error)
{
	struct lr_error e = { 0 };
	lr_fail(&e, NULL, "first");
	lr_fail(&e, NULL, "second");
	cr_expect_str_eq(e.msg, "first");
}

Test(util, fail_truncates_long_messages)
{
	struct lr_error e = { 0 };
	char big[2000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	lr_fail(&e, &(struct lr_origin){ "f", 1 }, "%s", big);
	cr_expect_eq(strlen(e.msg), sizeof(e.msg) - 1);
	cr_expect_eq(strncmp(e.msg, "f:1: xxx", 8), 0);
}

Test(util, arena_and_vec)
{
	struct lr_arena a = { 0 };
	char *s = lr_arena_strndup(&a, "hello world", 5);
	cr_expect_str_eq(s, "hello");
	cr_expect_str_eq(lr_arena_strdup(&a, ""), "");
	void *big = lr_arena_alloc(&a, 100000);
	cr_expect_not_null(big);
	memset(big, 1, 100000);
	cr_expect_str_eq(s, "hello");
	lr_arena_free(&a);
	cr_expect_null(a.head);

	struct lr_vec v;
	lr_vec_init(&v, sizeof(int));
	for (int i = 0; i < 100; i++)
		*(int *)lr_vec_push(&v) = i * 3;
	cr_expect_eq(v.len, 100);
	cr_expect_eq(*(int *)lr_vec_at(&v, 99), 297);
	cr_expect_eq(*(int *)lr_vec_at(&v, 0), 0);
	lr_vec_free(&v);
	cr_expect_eq(v.len, 0);
	cr_expect_null(v.items);
}

/* ---- names.c ------------------------------------------------------------------------------- */

Test(names, families)
{
	cr_expect_eq(lr_family_from_name("unix"), 1);
	cr_expect_eq(lr_family_from_name("local"), 1);
	cr_expect_eq(lr_family_from_name("INET"), 2);
	cr_expect_eq(lr_family_from_name("inet6"), 10);
	cr_expect_eq(lr_family_from_name("netlink"), 16);
	cr_expect_eq(lr_family_from_name("vsock"), 40);
	cr_expect_eq(lr_family_from_name("mctp"), 45);
	cr_expect_eq(lr_family_from_name("bogus"), -1);
	cr_expect_eq(lr_family_from_name(""), -1);
	cr_expect_str_eq(lr_family_name(10), "inet6");
	cr_expect_str_eq(lr_family_name(0), "?");
	cr_expect_str_eq(lr_family_name(46), "?");
	cr_expect_str_eq(lr_family_name(-1), "?");
	cr_expect_str_eq(lr_family_suggest("inett6"), "inet6");
}

Test(names, capabilities)
{
	cr_expect_eq(lr_cap_from_name("CAP_NET_ADMIN"), 12);
	cr_expect_eq(lr_cap_from_name("net_admin"), 12);
	cr_expect_eq(lr_cap_from_name("cap_net_bind_service"), 10);
	cr_expect_eq(lr_cap_from_name("chown"), 0);
	cr_expect_eq(lr_cap_from_name("net_admn"), -1);
	cr_expect_str_eq(lr_cap_suggest("CAP_NET_ADMN"), "net_admin");
	for (unsigned c = 0; c <= CAP_LAST_CAP; c++)
		cr_expect_eq(lr_cap_from_name(lr_cap_name(c)), (int)c, "CAP %u: %s", c, lr_cap_name(c));
	cr_expect_str_eq(lr_cap_name(CAP_LAST_CAP + 1), "?");
}

Test(util, passwd_lookup)
{
	char name[64], home[256], tiny[3];
	cr_assert(lr_passwd_lookup(0, name, sizeof(name), home, sizeof(home)));
	cr_expect_str_eq(name, "root");
	cr_expect_str_eq(home, "/root");
	cr_expect(lr_passwd_lookup(0, NULL, 0, home, sizeof(home)));
	cr_expect_not(lr_passwd_lookup(0, tiny, sizeof(tiny), NULL, 0), "a name that does not fit");
	cr_expect_not(lr_passwd_lookup(4000000000u, name, sizeof(name), NULL, 0), "an unlisted uid");
}

Test(util, env_lookup)
{
	static const char *const env[] = { "A=1", "AB=2", "B=", NULL };
	cr_expect_str_eq(lr_env_lookup(env, "AB", 2), "2");
	cr_expect_str_eq(lr_env_lookup(env, "A", 1), "1");
	cr_expect_str_eq(lr_env_lookup(env, "B", 1), "");
	cr_expect_null(lr_env_lookup(env, "C", 1));
	cr_expect_null(lr_env_lookup(NULL, "A", 1));
}

Test(names, errnos)
{
	cr_expect_eq(lr_errno_from_name("EPERM"), EPERM);
	cr_expect_eq(lr_errno_from_name("EACCES"), EACCES);
	cr_expect_eq(lr_errno_from_name("ENOSYS"), ENOSYS);
	cr_expect_eq(lr_errno_from_name("eperm"), -1);
	cr_expect_eq(lr_errno_from_name("ENOPE"), -1);
	cr_expect_str_eq(lr_errno_name(EPERM), "EPERM");
	cr_expect_str_eq(lr_errno_name(ENOENT), "ENOENT");
	cr_expect_str_eq(lr_errno_suggest("EACESS"), "EACCES");
}

/* BUG (minor): lr_errno_from_name (src/names.c) only knows strerrorname_np's one name per number,
 * so the standard aliases EWOULDBLOCK (= EAGAIN), ENOTSUP (= EOPNOTSUPP) and EDEADLOCK (= EDEADLK)
 * are "unknown errno name" in deny = NAME:errno:ENAME and action = errno:ENAME. */
Test(names, errno_aliases)
{
	cr_expect_eq(lr_errno_from_name("EWOULDBLOCK"), EAGAIN);
	cr_expect_eq(lr_errno_from_name("ENOTSUP"), EOPNOTSUPP);
	cr_expect_eq(lr_errno_from_name("EDEADLOCK"), EDEADLK);
}

Test(names, dangerous_environment_names)
{
	static const char *const yes[] = { "LD_PRELOAD", "LD_", "GCONV_PATH", "BASH_ENV", "ENV", "A_TOKEN", "A_KEY",
					   "A_SECRET", "A_PASSWORD", "a_token", "LD_*", "X_KEY*" };
	static const char *const no[] = { "ld_preload", "LD", "XLD_PRELOAD", "ENVX", "A_KEYS", "TOKEN", "KEY",
					  "PASSWORD", "GCONV", "PATH", "HOME", "ENV_" };
	for (size_t i = 0; i < LR_ARRAY_LEN(yes); i++)
		cr_expect(lr_env_name_is_dangerous(yes[i], strlen(yes[i])), "%s", yes[i]);
	for (size_t i = 0; i < LR_ARRAY_LEN(no); i++)
		cr_expect_not(lr_env_name_is_dangerous(no[i], strlen(no[i])), "%s", no[i]);
	/* only the first len bytes count */
	cr_expect(lr_env_name_is_dangerous("ENV=x", 3));
	cr_expect_not(lr_env_name_is_dangerous("LD_PRELOAD", 2));
}

Test(names, rlimit_keys)
{
	cr_expect_str_eq(lr_rlimit_key(LR_RLIMIT_NOFILE), "rlimit_nofile");
	cr_expect_str_eq(lr_rlimit_key(LR_RLIMIT_CORE), "rlimit_core");
	cr_expect_eq(lr_rlimit_resource(LR_RLIMIT_AS), RLIMIT_AS);
	cr_expect_eq(lr_rlimit_resource(LR_RLIMIT_NPROC), RLIMIT_NPROC);
	cr_expect_eq(lr_rlimit_resource(LR_RLIMIT_CPU), RLIMIT_CPU);
	cr_expect_eq(lr_rlimit_resource(LR_RLIMIT_FSIZE), RLIMIT_FSIZE);
}

/* The CLI answers nettle's start-up CPU probe from glibc's (nettle_cpuid.c): what nettle decides
 * from (leaf 1 ECX/EDX: AES-NI, PCLMUL; leaf 7 EBX/ECX/EDX: SHA-NI) is what the CPU says. Leaf 1's
 * EBX holds the APIC id of whichever CPU ran the instruction: not compared. */
Test(util, nettle_cpu_probe_answers_what_the_cpu_says)
{
	uint32_t got[4], a, b, c, d;
	__wrap__nettle_cpuid(1, got);
	__cpuid_count(1, 0, a, b, c, d);
	(void)a;
	(void)b;
	cr_expect_eq(got[2], c, "leaf 1 ECX: %#x, the CPU %#x", got[2], c);
	cr_expect_eq(got[3], d, "leaf 1 EDX: %#x, the CPU %#x", got[3], d);
	__wrap__nettle_cpuid(7, got);
	__cpuid_count(7, 0, a, b, c, d);
	cr_expect(got[1] == b && got[2] == c && got[3] == d, "leaf 7: %#x %#x %#x, the CPU %#x %#x %#x", got[1], got[2],
		  got[3], b, c, d);
	__wrap__nettle_cpuid(0, got);
	__cpuid_count(0, 0, a, b, c, d);
	cr_expect(got[0] >= 7 || a < 7, "leaf 7 is there: the highest leaf says so (%u, the CPU %u)", got[0], a);
	cr_expect(got[1] == 0 && got[2] == 0 && got[3] == 0, "no vendor");
}

Test(util, env_names_that_look_like_secrets)
{
	static const char *const yes[] = { "MY_TOKEN", "PGPASSWORD", "DB_PASSWD", "GOOGLE_CREDENTIALS", "npm_auth",
					   "API_KEY", "KEY", "SSH_KEY_PATH", "AWS_SECRET_ACCESS_KEY", "OAuthToken" };
	static const char *const no[] = { "HOME", "LANG", "KEYBOARD", "MONKEY", "TURKEY_X", "PATH", "EDITOR" };
	for (size_t i = 0; i < LR_ARRAY_LEN(yes); i++)
		cr_expect(lr_env_name_looks_secret(yes[i], strlen(yes[i])), "%s", yes[i]);
	for (size_t i = 0; i < LR_ARRAY_LEN(no); i++)
		cr_expect(!lr_env_name_looks_secret(no[i], strlen(no[i])), "%s", no[i]);
}

Test(util, shell_words_copy_back_as_one_word)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "/usr/bin", "/usr/bin" }, { "--ro", "--ro" }, { "a b", "'a b'" }, { "it's", "'it'\\''s'" },
		{ "", "''" }, { "$HOME", "'$HOME'" }, { "a\nb", "'a\nb'" },
	};
	for (size_t i = 0; i < LR_ARRAY_LEN(cases); i++) {
		char buf[64] = "";
		FILE *f = fmemopen(buf, sizeof(buf), "w");
		cr_assert(f);
		lr_put_shell_word(f, cases[i].in);
		fclose(f);
		cr_expect_str_eq(buf, cases[i].out);
	}
}

/* lr_sfmt (the metadata helper's snprintf, async-signal-safe) gives what snprintf gives, cut
 * where snprintf cuts, with the same return value. */
Test(util, sfmt_matches_snprintf)
{
	char a[32], b[32];
	static const int nums[] = { 0, 7, -1, 12345, 2147483647, -2147483647 - 1 };
	for (size_t i = 0; i < LR_ARRAY_LEN(nums); i++) {
		for (size_t size = 1; size <= sizeof(a); size += 5) {
			int na = lr_sfmt(a, size, "/proc/%d/fd/%s%%%u", nums[i], "x", (unsigned)nums[i]);
			int nb = snprintf(b, size, "/proc/%d/fd/%s%%%u", nums[i], "x", (unsigned)nums[i]);
			cr_expect_eq(na, nb, "%d, size %zu", nums[i], size);
			cr_expect_str_eq(a, b, "%d, size %zu", nums[i], size);
		}
	}
}

/* The command line: --explain, the embedded default, strict/best-effort, policy errors. */
#include <cpuid.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"

static char *T;
static void setup(void) { T = lrt_mkdtemp("/var/tmp"); }
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(cli, .init = setup, .fini = teardown);

Test(cli, explain_prints_rules_with_origins_and_runs_nothing)
{
	char *pol = lrt_policy(T, "ex", "[network]\nconnect_tcp = 443\n");
	char *marker = lrt_fmt("%s/marker", T);
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--explain", "-p", pol, "--", "/usr/bin/touch", marker));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "Landlock ABI"), "%s", r->out);
	cr_expect(lrt_contains(r->out, lrt_fmt("connect_tcp      443  (%s:6)", pol)), "%s", r->out);
	cr_expect(lrt_contains(r->out, "base.ini:"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "seccomp rules"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "passed to the command:"), "%s", r->out);
	cr_expect_eq(access(marker, F_OK), -1, "--explain ran the command");
	lrt_free(r);
}

Test(cli, embedded_default_reads_cwd_not_home)
{
	char *home = lrt_fmt("%s/home", T), *work = lrt_fmt("%s/home/work", T);
	mkdir(home, 0755);
	mkdir(work, 0755);
	lrt_write(lrt_fmt("%s/.secret", home), "token\n");
	lrt_write(lrt_fmt("%s/data", work), "data\n");
	char *env_home = lrt_fmt("HOME=%s", home);
	char *const env[] = { "PATH=/usr/bin:/bin", env_home, NULL };
	struct lrt_result *ok = lrt_run_env(work, env, LRT_ARGS("--", "cat", "data"));
	cr_expect_eq(ok->status, 0, "%s", ok->err);
	cr_expect_str_eq(ok->out, "data\n");
	struct lrt_result *no = lrt_run_env(work, env, LRT_ARGS("cat", lrt_fmt("%s/.secret", home)));
	cr_expect_eq(no->status, 1, "%s", no->err);
	cr_expect(lrt_contains(no->err, "Permission denied"), "%s", no->err);
	struct lrt_result *w = lrt_run_env(work, env, LRT_ARGS("sh", "-c", "echo x > new && echo y > /tmp/landrun-default-test.$$ && rm /tmp/landrun-default-test.$$"));
	cr_expect_eq(w->status, 0, "%s", w->err);
	struct lrt_result *net = lrt_run_env(work, env, LRT_ARGS("--explain"));
	cr_expect(lrt_contains(net->out, "<embedded default>"), "%s", net->out);
	cr_expect(lrt_contains(net->out, "enforced TCP: connect restricted, bind restricted"), "%s", net->out);
}

Test(cli, strict_refuses_what_the_abi_cannot_enforce)
{
	char *pol = lrt_policy(T, "abi", "");
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--test-abi", "3", "-p", pol, "--", lrt_probe(), "pid"));
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "TCP connect restrictions: requires Landlock ABI 4 (Linux 6.7), this kernel offers 3"), "%s", r->err);
	cr_expect(!lrt_contains(r->out, "\n") || r->out[0] == '\0', "the command ran: %s", r->out);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("--test-abi", "3", "--best-effort", "-p", pol, "--", lrt_probe(), "pid"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->err, "warning: not enforced: TCP connect restrictions"), "%s", r->err);
	lrt_free(r);
	char *floor = lrt_policy(T, "floor", "[policy]\ncompat = best-effort\nmin_abi = 5\n");
	r = lrt_run(T, LRT_ARGS("--test-abi", "4", "-p", floor, "--", lrt_probe(), "pid"));
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "min_abi = 5"), "%s", r->err);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("--test-abi", "2", "-p", pol, "--", lrt_probe(), "pid"));
	cr_expect_eq(r->status, 125);
	cr_expect(lrt_contains(r->err, "truncate"), "%s", r->err);
	lrt_free(r);
}

Test(cli, best_effort_explain_says_what_is_dropped)
{
	char *pol = lrt_policy(T, "be", "[network]\nabstract_unix = isolated\n");
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--test-abi", "5", "--best-effort", "--explain", "-p", pol));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "Landlock ABI 5 (kernel offers"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "not enforced: abstract unix socket isolation"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "abstract_unix    shared (not enforced)"), "%s", r->out);
	lrt_free(r);
}

/* A policy whose one line is text; returns landrun's stderr after a run that must fail with 125. */
static char *policy_error(const char *text)
{
	char *pol = lrt_fmt("%s/bad.ini", T);
	lrt_write(pol, text);
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", "/bin/true"));
	cr_expect_eq(r->status, 125, "%s: %s", text, r->err);
	char *err = lrt_fmt("%s", r->err);
	lrt_free(r);
	return err;
}

Test(cli, policy_errors_name_file_line_and_fix)
{
	char *e = policy_error("[filesystem]\nro = /usr\nrp = /etc\n");
	cr_expect(lrt_contains(e, "bad.ini:3: unknown key \"rp\" in [filesystem]; did you mean ro?"), "%s", e);
	e = policy_error("[filesytem]\nro = /usr\n");
	cr_expect(lrt_contains(e, "bad.ini:2: unknown section [filesytem]; did you mean [filesystem]?"), "%s", e);
	e = policy_error("[syscalls]\ndeny = ptrace prtcl\n");
	cr_expect(lrt_contains(e, ":2: unknown syscall \"prtcl\"; did you mean prctl?"), "%s", e);
	e = policy_error("[syscalls]\ndeny = @mout\n");
	cr_expect(lrt_contains(e, ":2: unknown syscall group \"@mout\"; did you mean @mount?"), "%s", e);
	e = policy_error("[syscalls]\ndeny = ptrace:errno:EPRM\n");
	cr_expect(lrt_contains(e, "unknown errno name \"EPRM\"; did you mean EPERM?"), "%s", e);
	e = policy_error("[process]\ncapabilities = CAP_NET_BIND_SERVIC\n");
	cr_expect(lrt_contains(e, "did you mean net_bind_service?"), "%s", e);
	e = policy_error("[filesystem]\nro = /nonexistent/landrun\n");
	cr_expect(lrt_contains(e, ":2: /nonexistent/landrun: No such file or directory (prefix the path with ? if it may be absent)"), "%s", e);
	e = policy_error("[filesystem]\nro = ${NOPE}/x\n");
	cr_expect(lrt_contains(e, ":2: unknown variable ${NOPE}"), "%s", e);
	e = policy_error("[filesystem]\nro = ${env:LANDRUN_UNSET_VAR}\n");
	cr_expect(lrt_contains(e, "LANDRUN_UNSET_VAR is not set"), "%s", e);
	e = policy_error("[network]\nconnect_tcp = 99999\n");
	cr_expect(lrt_contains(e, ":2: connect_tcp: \"99999\" is not a port"), "%s", e);
	e = policy_error("ro = /usr\n");
	cr_expect(lrt_contains(e, ":1: \"ro\" is outside any section"), "%s", e);
	e = policy_error("[filesystem]\nthis is not ini\n");
	cr_expect(lrt_contains(e, ":2: syntax error"), "%s", e);
}

Test(cli, long_line_is_an_error_not_a_truncation)
{
	/* a deny list longer than inih's line buffer must never be silently shortened */
	char line[400] = "deny =";
	while (strlen(line) < 300)
		strcat(line, " ptrace");
	char *e = policy_error(lrt_fmt("[syscalls]\n%s\n", line));
	cr_expect(lrt_contains(e, "bad.ini:2: line is"), "%s", e);
	cr_expect(lrt_contains(e, "indented continuation lines"), "%s", e);
}

Test(cli, include_cycle_and_depth)
{
	lrt_write(lrt_fmt("%s/a.ini", T), "[policy]\ninclude = b.ini\n");
	lrt_write(lrt_fmt("%s/b.ini", T), "[policy]\ninclude = a.ini\n");
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", lrt_fmt("%s/a.ini", T), "--", "/bin/true"));
	cr_expect_eq(r->status, 125);
	cr_expect(lrt_contains(r->err, "include cycle"), "%s", r->err);
	lrt_free(r);
}

Test(cli, optional_paths_are_skipped_and_noted)
{
	char *pol = lrt_policy(T, "opt", "ro = ?/nonexistent/landrun-optional\n");
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-v", "-p", pol, "--", lrt_probe(), "pid"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->err, "skipped optional ro = ?/nonexistent/landrun-optional"), "%s", r->err);
	lrt_free(r);
}

Test(cli, continuation_lines_add_to_the_key)
{
	char *dir = lrt_fmt("%s/cont", T);
	mkdir(dir, 0755);
	lrt_write(lrt_fmt("%s/f", dir), "x\n");
	char *pol = lrt_policy(T, "cont", lrt_fmt("ro = /etc/hostname\n   %s\n", dir));
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "read", lrt_fmt("%s/f", dir)));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
}

Test(cli, version_and_help)
{
	char *env_xdg = lrt_fmt("XDG_CONFIG_HOME=%s", T);
	char *const env[] = { "PATH=/usr/bin:/bin", env_xdg, NULL };
	struct lrt_result *r = lrt_run_env(T, env, LRT_ARGS("--version"));
	cr_expect_eq(r->status, 0);
	cr_expect(lrt_contains(r->out, "landrun "));
	cr_expect(lrt_contains(r->out, "Landlock ABI: this build knows up to "), "%s", r->out);
	long abi = syscall(444 /* landlock_create_ruleset */, NULL, 0, 1 /* VERSION */);
	cr_expect(lrt_contains(r->out, abi > 0 ? lrt_fmt("; the kernel offers %ld\n", abi) : "; the kernel offers none"),
		  "%s", r->out);
	cr_expect(lrt_contains(r->out, lrt_fmt("in search order:\n  %s/landrun\n  /etc/landrun\n", T)), "%s", r->out);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("--help"));
	cr_expect(lrt_contains(r->out, "usage: landrun"));
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("--no-such-flag", "true"));
	cr_expect_eq(r->status, 125);
	lrt_free(r);
}

Test(cli, go_flags_take_relative_paths_and_udp)
{
	char *d = lrt_fmt("%s/rel", T);
	mkdir(d, 0755);
	lrt_write(lrt_fmt("%s/f", d), "x\n");
	char *helpers = lrt_helpers_dir();
	char *rox = lrt_fmt("/usr,/lib,/lib64,%s", helpers);
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--rox", rox, "--ro", "rel", "--", lrt_probe(), "read", "rel/f"));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
	char af_inet[8], dgram[8];
	snprintf(af_inet, 8, "%d", AF_INET);
	snprintf(dgram, 8, "%d", SOCK_DGRAM);
	r = lrt_run(T, LRT_ARGS("--rox", rox, "--", lrt_probe(), "socket", af_inet, dgram));
	cr_expect_eq(r->status, 1, "%s%s", r->out, r->err);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("--rox", rox, "--udp", "--", lrt_probe(), "socket", af_inet, dgram));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
}

Test(cli, policy_dir_variable_is_absolute)
{
	char *sub = lrt_fmt("%s/pd", T);
	mkdir(sub, 0755);
	lrt_write(lrt_fmt("%s/f", sub), "x\n");
	lrt_write(lrt_fmt("%s/pd/p.ini", T), lrt_fmt("[policy]\ninclude = %s/base.ini\n[filesystem]\nrox = %s\nro = ${POLICY_DIR}\n",
						  lrt_policies(), lrt_helpers_dir()));
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", "./pd/p.ini", "--", lrt_probe(), "read", lrt_fmt("%s/f", sub)));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
}

Test(cli, new_session_as_group_leader_fails_closed_with_a_reason)
{
	char *pol = lrt_policy(T, "sess", "[process]\nnew_session = yes\n");
	char *marker = lrt_fmt("%s/ran", T);
	/* like a shell job: landrun leads its process group but not a session (perl, essential on
	 * Debian, does the setpgid): setsid() in place is impossible, so it refuses first */
	int st = system(lrt_fmt("perl -e 'setpgrp(0, 0); exec @ARGV' %s -p %s -- /usr/bin/touch %s 2>%s/err",
				lrt_landrun(), pol, marker, T));
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 125, "status %d", st);
	cr_expect_neq(access(marker, F_OK), 0);
	/* twins: a plain child of a shell, and a session leader made by setsid(1), both work */
	st = system(lrt_fmt("sh -c '%s -p %s -- %s pid; true' >/dev/null 2>&1", lrt_landrun(), pol, lrt_probe()));
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
	st = system(lrt_fmt("setsid -w %s -p %s -- %s pid >/dev/null 2>&1", lrt_landrun(), pol, lrt_probe()));
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
}

Test(cli, no_landlock_strict_refuses_best_effort_keeps_seccomp)
{
	char *pol = lrt_policy(T, "nol", "");
	char *marker = lrt_fmt("%s/ran", T);
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--test-abi", "0", "-p", pol, "--", "/usr/bin/touch", marker));
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "Landlock is unavailable"), "%s", r->err);
	cr_expect_neq(access(marker, F_OK), 0, "strict ran the command");
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("--test-abi", "0", "--best-effort", "-p", pol, "--", lrt_probe(), "bpf"));
	cr_expect_eq(r->status, 1, "%s%s", r->out, r->err);
	cr_expect(lrt_contains(r->out, "denied EPERM"), "seccomp must still apply: %s", r->out);
	cr_expect(lrt_contains(r->err, "warning: Landlock is unavailable"), "%s", r->err);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("--test-abi", "0", "--best-effort", "--explain", "-p", pol));
	cr_expect(lrt_contains(r->out, "Landlock unavailable"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "enforced rights: none (NOT restricted)"), "%s", r->out);
	lrt_free(r);
}

Test(cli, clustered_short_options_do_not_overflow)
{
	/* found by the fuzzer: -vvvvvvvv is eight options in one argument */
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-vvvvvvvvqqqqvvvv", "--explain"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	lrt_free(r);
}

/* --timing: three steps, each timed from main() (the clock is only read when it is asked for),
 * in order, and the command still runs; -timing (getopt's single-dash spelling) works too. */
Test(cli, timing_prints_each_step_in_order)
{
	char *pol = lrt_policy(T, "tm", "");
	const char *spellings[] = { "--timing", "-timing" };
	for (size_t i = 0; i < 2; i++) {
		struct lrt_result *r = lrt_run(T, LRT_ARGS(spellings[i], "-p", pol, "--", "/bin/sh", "-c", "exit 7"));
		cr_expect_eq(r->status, 7, "%s", r->err);
		long t[3] = { -1, -1, -1 };
		const char *p = r->err;
		for (int k = 0; k < 3; k++) {
			p = strstr(p, "landrun: timing:");
			cr_assert(p, "%s: step %d missing in: %s", spellings[i], k, r->err);
			t[k] = strtol(p + strlen("landrun: timing:"), NULL, 10);
			p++;
		}
		cr_expect(t[0] >= 0 && t[0] <= t[1] && t[1] <= t[2] && t[2] < 10000000, "%s: %ld %ld %ld", spellings[i],
			  t[0], t[1], t[2]);
		lrt_free(r);
	}
}

/* A systemd service talks to its manager through these: they pass by default; a variable the
 * policy does not keep is still dropped, and an unset still wins. */
Test(cli, systemd_service_variables_pass_unrelated_ones_do_not)
{
	char *const env[] = { "PATH=/usr/bin:/bin",	    "NOTIFY_SOCKET=/run/systemd/notify",
			      "WATCHDOG_USEC=30000000",	    "WATCHDOG_PID=4242",
			      "INVOCATION_ID=0123456789abcdef", "JOURNAL_STREAM=8:12345",
			      "UNRELATED_SETTING=leak",	    NULL };
	static const char *const want[] = { "NOTIFY_SOCKET=/run/systemd/notify\n", "WATCHDOG_USEC=30000000\n",
					    "WATCHDOG_PID=4242\n", "INVOCATION_ID=0123456789abcdef\n",
					    "JOURNAL_STREAM=8:12345\n" };
	char *pol = lrt_policy(T, "svc", "");
	struct lrt_result *r = lrt_run_env(T, env, LRT_ARGS("-p", pol, "--", lrt_probe(), "env"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	for (size_t i = 0; i < LRT_LEN(want); i++)
		cr_expect(lrt_contains(r->out, want[i]), "missing %s in %s", want[i], r->out);
	cr_expect(!lrt_contains(r->out, "UNRELATED_SETTING"), "%s", r->out);
	lrt_free(r);
	char *unset = lrt_policy(T, "svc-unset", "[env]\nunset = NOTIFY_SOCKET\n");
	r = lrt_run_env(T, env, LRT_ARGS("-p", unset, "--", lrt_probe(), "env"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(!lrt_contains(r->out, "NOTIFY_SOCKET"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "WATCHDOG_USEC=30000000\n"), "%s", r->out);
	lrt_free(r);
}

/* A Type=notify service reaches its manager's socket with the line the manual gives: NOTIFY_SOCKET
 * passes by default, and unix = ${env:NOTIFY_SOCKET} lets the notification through (Linux 7.1 and
 * later grant that socket alone; below Landlock ABI 9 best-effort runs it as unix = any, as
 * documented). Without the line, unix = none refuses the socket and the manager hears nothing. */
Test(cli, a_notify_service_reaches_its_socket_with_the_documented_line)
{
	char *sock = lrt_fmt("%s/notify", T);
	int l = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
	cr_assert(l >= 0 && bind(l, (struct sockaddr *)&a, sizeof(a)) == 0, "listener %s", sock);
	char *const env[] = { "PATH=/usr/bin:/bin", lrt_fmt("NOTIFY_SOCKET=%s", sock), NULL };
	const char *notify = "exec \"$0\" unix-send \"$NOTIFY_SOCKET\"";
	char *with = lrt_policy(T, "notify", "[network]\nunix = ${env:NOTIFY_SOCKET}\n");
	struct lrt_result *r =
		lrt_run_env(T, env, LRT_ARGS("--best-effort", "-p", with, "--", "/bin/sh", "-c", notify, lrt_probe()));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	char buf[16];
	cr_expect_eq(recv(l, buf, sizeof(buf), 0), 1, "the manager got nothing: %s%s", r->out, r->err);
	lrt_free(r);
	char *without = lrt_policy(T, "no-notify", "");
	r = lrt_run_env(T, env, LRT_ARGS("-p", without, "--", "/bin/sh", "-c", notify, lrt_probe()));
	cr_expect_eq(r->status, 1, "%s%s", r->out, r->err);
	cr_expect(recv(l, buf, sizeof(buf), 0) < 0 && errno == EAGAIN, "a notification got through unix = none");
	lrt_free(r);
	close(l);
}

/* -p NAME: $XDG_CONFIG_HOME/landrun, else ~/.config/landrun, before /etc/landrun and the
 * shipped policies. */
Test(cli, policy_names_are_found_in_the_user_config_dir_first)
{
	char *xdg = lrt_fmt("%s/xdg", T), *home = lrt_fmt("%s/home", T);
	char *xdg_dir = lrt_fmt("%s/landrun", xdg), *home_dir = lrt_fmt("%s/.config/landrun", home);
	mkdir(xdg, 0755);
	mkdir(xdg_dir, 0755);
	mkdir(home, 0755);
	mkdir(lrt_fmt("%s/.config", home), 0755);
	mkdir(home_dir, 0755);
	char *in_xdg = lrt_policy(xdg_dir, "mine", "");
	char *in_home = lrt_policy(home_dir, "mine", "");
	char *shell = lrt_policy(home_dir, "shell", "");
	char *env_home = lrt_fmt("HOME=%s", home), *env_xdg = lrt_fmt("XDG_CONFIG_HOME=%s", xdg);
	char *const both[] = { "PATH=/usr/bin:/bin", env_home, env_xdg, NULL };
	char *const home_only[] = { "PATH=/usr/bin:/bin", env_home, NULL };
	char *const relative_xdg[] = { "PATH=/usr/bin:/bin", env_home, "XDG_CONFIG_HOME=xdg", NULL };
	char *const neither[] = { "PATH=/usr/bin:/bin", NULL };
	struct lrt_result *r = lrt_run_env(T, both, LRT_ARGS("-p", "mine", "--explain"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, in_xdg) && !lrt_contains(r->out, in_home), "%s", r->out);
	lrt_free(r);
	r = lrt_run_env(T, home_only, LRT_ARGS("-p", "mine", "--explain"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, in_home), "%s", r->out);
	lrt_free(r);
	r = lrt_run_env(T, relative_xdg, LRT_ARGS("-p", "mine", "--explain"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, in_home), "a relative XDG_CONFIG_HOME is ignored: %s", r->out);
	lrt_free(r);
	/* the user's shell.ini replaces the shipped one */
	r = lrt_run_env(T, home_only, LRT_ARGS("-p", "shell", "--explain"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, shell), "%s", r->out);
	lrt_free(r);
	r = lrt_run_env(T, neither, LRT_ARGS("-p", "mine", "--explain"));
	cr_expect_eq(r->status, 125, "%s", r->out);
	cr_expect(lrt_contains(r->err, "no policy named \"mine\"") && lrt_contains(r->err, "/etc/landrun"), "%s", r->err);
	lrt_free(r);
}

/* A policy in the user's config dir that the command could rewrite is refused like any other;
 * the same policy granting that directory read-only runs. */
Test(cli, user_config_policy_inside_its_write_grant_is_refused)
{
	char *home = lrt_fmt("%s/home", T), *dir = lrt_fmt("%s/home/.config/landrun", T);
	mkdir(home, 0755);
	mkdir(lrt_fmt("%s/.config", home), 0755);
	mkdir(dir, 0755);
	lrt_policy(dir, "writes-itself", lrt_fmt("rw = %s\n", dir));
	lrt_policy(dir, "reads-itself", lrt_fmt("ro = %s\n", dir));
	char *env_home = lrt_fmt("HOME=%s", home);
	char *const env[] = { "PATH=/usr/bin:/bin", env_home, NULL };
	struct lrt_result *r = lrt_run_env(T, env, LRT_ARGS("-p", "writes-itself", "--", lrt_probe(), "pid"));
	cr_expect_eq(r->status, 125, "%s%s", r->out, r->err);
	cr_expect(lrt_contains(r->err, "writes-itself.ini"), "%s", r->err);
	lrt_free(r);
	r = lrt_run_env(T, env, LRT_ARGS("-p", "reads-itself", "--", lrt_probe(), "pid"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	lrt_free(r);
}

Test(cli, policies_lists_names_paths_and_descriptions)
{
	char *xdg = lrt_fmt("%s/xdg", T), *dir = lrt_fmt("%s/xdg/landrun", T);
	mkdir(xdg, 0755);
	mkdir(dir, 0755);
	lrt_write(lrt_fmt("%s/build.ini", dir), "; build.ini - compile the project, no network\n[filesystem]\nro = /usr\n");
	lrt_write(lrt_fmt("%s/git.ini", dir), "# my own git\n");
	lrt_write(lrt_fmt("%s/notes.txt", dir), "; not a policy\n");
	char *env_xdg = lrt_fmt("XDG_CONFIG_HOME=%s", xdg);
	char *const env[] = { "PATH=/usr/bin:/bin", env_xdg, NULL };
	struct lrt_result *r = lrt_run_env(T, env, LRT_ARGS("policies"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, lrt_fmt("build        %s/build.ini\n             compile the project, no network\n", dir)), "%s", r->out);
	cr_expect(lrt_contains(r->out, lrt_fmt("git          %s/git.ini\n             my own git\n", dir)), "%s", r->out);
	cr_expect(lrt_contains(r->out, "git.ini\n             (not used: a directory searched earlier has it)\n"), "%s", r->out);
	cr_expect(lrt_contains(r->out, "base         "), "%s", r->out);
	cr_expect(!lrt_contains(r->out, "notes"), "%s", r->out);
	lrt_free(r);
}

/* A policy's name and first comment are anybody's text: listed, a terminal escape in them (one
 * that sets the window title, a C1 CSI in its UTF-8 form) or a line feed in a name prints as '?',
 * so no name or comment drives the terminal or adds a line the completions would read as a
 * policy. Other text, UTF-8 included, is printed as it is. */
Test(cli, policies_prints_no_control_character_of_a_name_or_comment)
{
	char *xdg = lrt_fmt("%s/xdg", T), *dir = lrt_fmt("%s/xdg/landrun", T);
	mkdir(xdg, 0755);
	mkdir(dir, 0755);
	lrt_write(lrt_fmt("%s/esc.ini", dir), "; \033]0;owned\007title \302\233" "31mred \302\251 kept\n");
	lrt_write(lrt_fmt("%s/a\nfake  etc.ini", dir), "; two lines\n");
	char *const env[] = { "PATH=/usr/bin:/bin", lrt_fmt("XDG_CONFIG_HOME=%s", xdg), NULL };
	struct lrt_result *r = lrt_run_env(T, env, LRT_ARGS("policies"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(!strpbrk(r->out, "\033\007") && !strstr(r->out, "\302\233"), "a control character is printed: %s", r->out);
	cr_expect(lrt_contains(r->out, "\n             ?]0;owned?title ??31mred \302\251 kept\n"), "%s", r->out);
	cr_expect(lrt_contains(r->out, lrt_fmt("a?fake  etc  %s/a?fake  etc.ini\n", dir)), "the line feed of a name: %s", r->out);
	cr_expect(!lrt_contains(r->out, "\nfake"), "a name's line feed began a line: %s", r->out);
	/* the twin: an ordinary name and comment are listed as they are */
	lrt_write(lrt_fmt("%s/plain.ini", dir), "; plain text\n");
	lrt_free(r);
	r = lrt_run_env(T, env, LRT_ARGS("policies"));
	cr_expect(lrt_contains(r->out, lrt_fmt("\nplain        %s/plain.ini\n             plain text\n", dir)), "%s", r->out);
	lrt_free(r);
}

Test(cli, print_default_prints_the_embedded_policy)
{
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--print-default"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	FILE *f = fopen(lrt_fmt("%s/default.ini", lrt_policies()), "r");
	cr_assert(f);
	static char want[65536];
	size_t n = fread(want, 1, sizeof(want) - 1, f);
	fclose(f);
	want[n] = '\0';
	cr_expect_str_eq(r->out, want);
	lrt_free(r);
	/* what it prints is a policy that loads */
	lrt_write(lrt_fmt("%s/printed.ini", T), want);
	char *work = lrt_fmt("%s/work", T); /* the default grants the working directory read-write */
	mkdir(work, 0755);
	r = lrt_run(work, LRT_ARGS("-p", lrt_fmt("%s/printed.ini", T), "--explain"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	lrt_free(r);
}

/* Every entry of the option table (read from the source, so that a new option without a help
 * line fails here) is in --help. */
Test(cli, help_lists_every_option)
{
	struct lrt_option opts[256];
	size_t n = lrt_option_table(opts, LRT_LEN(opts));
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--help"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	for (size_t i = 0; i < n; i++)
		cr_expect(lrt_contains(r->out, lrt_fmt("--%s", opts[i].name)), "--help does not list --%s", opts[i].name);
	for (size_t i = 0; i < 3; i++) {
		static const char *const subs[] = { "digest PATH", "policies", "learn [-o FILE]" };
		cr_expect(lrt_contains(r->out, lrt_fmt("landrun %s", subs[i])), "%s", r->out);
	}
	lrt_free(r);
}

Test(cli, subcommands_print_their_usage)
{
	static const char *const subs[] = { "learn", "check", "digest", "policies" };
	for (size_t i = 0; i < LRT_LEN(subs); i++) {
		struct lrt_result *r = lrt_run(T, LRT_ARGS(subs[i], "--help"));
		cr_expect_eq(r->status, 0, "%s: %s", subs[i], r->err);
		cr_expect(lrt_contains(r->out, lrt_fmt("usage: landrun %s", subs[i])), "%s", r->out);
		lrt_free(r);
	}
	/* not --help: still the subcommand's own error */
	struct lrt_result *r = lrt_run(T, LRT_ARGS("check", "--nosuch"));
	cr_expect_eq(r->status, 125, "%s", r->out);
	lrt_free(r);
}

/* `landrun --ro` used to print "option -" and a byte of garbage. */
Test(cli, an_option_without_its_value_is_named)
{
	static const struct {
		char arg[16], want[64];
	} cases[] = {
		{ "--ro", "landrun: option --ro needs a value" },
		{ "-ro", "landrun: option --ro needs a value" },
		{ "--connect-tcp", "landrun: option --connect-tcp needs a value" },
		{ "-p", "landrun: option -p needs a value" },
		{ "--policy", "landrun: option --policy needs a value" },
		{ "--udp=yes", "landrun: option --udp takes no value: --udp=yes" },
		{ "--nosuch", "landrun: --nosuch: unknown option" },
	};
	for (size_t i = 0; i < LRT_LEN(cases); i++) {
		struct lrt_result *r = lrt_run(T, LRT_ARGS(cases[i].arg));
		cr_expect_eq(r->status, 125, "%s", cases[i].arg);
		cr_expect(lrt_contains(r->err, cases[i].want), "%s: %s", cases[i].arg, r->err);
		lrt_free(r);
	}
}

/* "#" after a value is not a comment: the error says how one is written; " ;" is one. */
Test(cli, hash_after_a_value_explains_comments)
{
	char *hash = lrt_policy(T, "hash", "[network]\nconnect_tcp = 443 # https\n");
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", hash, "--explain"));
	cr_expect_eq(r->status, 125, "%s", r->out);
	cr_expect(lrt_contains(r->err, "a comment after a value starts with \" ;\""), "%s", r->err);
	lrt_free(r);
	char *semi = lrt_policy(T, "semi", "[network]\nconnect_tcp = 443 ; https\n");
	r = lrt_run(T, LRT_ARGS("-p", semi, "--explain"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "connect_tcp      443  ("), "%s", r->out);
	lrt_free(r);
	/* inside quotes "#" is text, and an error there gets no comment advice */
	char *quoted = lrt_policy(T, "quoted", "[filesystem]\nro = \"/nonexistent #x\"\n");
	r = lrt_run(T, LRT_ARGS("-p", quoted, "--explain"));
	cr_expect_eq(r->status, 125, "%s", r->out);
	cr_expect(!lrt_contains(r->err, "comment"), "%s", r->err);
	lrt_free(r);
}

/* nettle, asked by landrun's SHA-256 (digest, verify), picks SHA-NI exactly when the CPU has it,
 * although the CLI answers nettle's CPU probe from glibc's (src/nettle_cpuid.c). */
Test(cli, sha256_uses_the_cpu_instructions_the_cpu_has)
{
	unsigned a, b, c, d;
	__cpuid_count(7, 0, a, b, c, d);
	(void)a;
	(void)c;
	(void)d;
	bool sha_ni = b & (1u << 29);
	char *const env[] = { "PATH=/usr/bin:/bin", "NETTLE_FAT_VERBOSE=1", NULL };
	struct lrt_result *r = lrt_run_env(NULL, env, LRT_ARGS("digest", "/bin/true"));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	if (!lrt_contains(r->err, "libnettle: fat library initialization"))
		cr_skip_test("this nettle is not a fat build: it probes no CPU (%s)", r->err);
	cr_expect_eq(lrt_contains(r->err, "using sha_ni instructions"), sha_ni, "CPU sha_ni %d: %s", sha_ni, r->err);
	lrt_free(r);
}

/* Access flags without -p replace the embedded default: a command then not executable (no /usr)
 * gets one hint line with the command line that adds the flags to the default instead, which
 * runs. No hint with -p, nor when the command itself exits 127. */
Test(cli, flags_that_replaced_the_default_hint_at_it_on_126)
{
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--ro", T, "--", "/bin/true"));
	cr_expect_eq(r->status, 126, "%s", r->err);
	char *tail = lrt_fmt(" --ro %s -- /bin/true\n", T);
	cr_expect(lrt_contains(r->err, "landrun: hint: the access flags replaced the embedded default policy") &&
		  lrt_contains(r->err, "to add them to it instead: landrun -p default ") && lrt_contains(r->err, tail),
		  "%s", r->err);
	lrt_free(r);
	char *def = lrt_fmt("%s/default.ini", lrt_policies());
	r = lrt_run(T, LRT_ARGS("-p", def, "--ro", T, "--", "/bin/true"));
	cr_expect_eq(r->status, 0, "the suggested command runs: %s", r->err);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("-p", def, "--ro", T, "--", "/nonexistent/cmd"));
	cr_expect_eq(r->status, 127, "%s", r->err);
	cr_expect(!lrt_contains(r->err, "hint"), "-p given: %s", r->err);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("--rox", "/usr", "--ro", "/", "--supervise", "--", "/bin/sh", "-c", "exit 127"));
	cr_expect_eq(r->status, 127, "%s", r->err);
	cr_expect(!lrt_contains(r->err, "hint"), "the command's own 127: %s", r->err);
	lrt_free(r);
	free(def);
	free(tail);
}

/* --env NAME of a credential: keep refuses the names ending in _TOKEN, _KEY, _SECRET, _PASSWORD and
 * says to name them in secrets =; another name that looks like one passes as before, with one
 * note pointing at secrets =. An ordinary name: no note. */
Test(cli, env_flag_of_a_secret_suggests_secrets)
{
	char *const env[] = { "PATH=/usr/bin:/bin", "MY_TOKEN=t0k", "PGPASSWORD=pw", "EDITOR=vi", NULL };
	struct lrt_result *r = lrt_run_env(T, env, LRT_ARGS("--env", "MY_TOKEN", "--", "/usr/bin/env"));
	cr_expect_eq(r->status, 125, "%s%s", r->out, r->err);
	cr_expect(lrt_contains(r->err, "secrets = MY_TOKEN") && !lrt_contains(r->out, "t0k"), "%s%s", r->out, r->err);
	lrt_free(r);
	r = lrt_run_env(T, env, LRT_ARGS("--env", "PGPASSWORD", "--", "/usr/bin/env"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "PGPASSWORD=pw\n"), "behaviour unchanged: %s", r->out);
	cr_expect(lrt_contains(r->err, "landrun: note: --env PGPASSWORD looks like a secret: [env] secrets = PGPASSWORD"),
		  "%s", r->err);
	lrt_free(r);
	r = lrt_run_env(T, env, LRT_ARGS("--env", "EDITOR", "--", "/usr/bin/env"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, "EDITOR=vi\n") && !lrt_contains(r->err, "note"), "%s%s", r->out, r->err);
	lrt_free(r);
}

/* --explain --json parses, and a path holding a blank, quotes, a line feed and a byte that is not
 * UTF-8 comes back byte for byte (os.fsencode undoes the \udcXX escape); the degradations match
 * the ABI in use. --json alone is refused. */
Test(cli, explain_json_parses_with_hostile_path_names)
{
	if (system("python3 -c 'import json' 2>/dev/null") != 0)
		cr_skip_test("python3 is not installed (build-aux/deps.sh test installs it)");
	char *dir = lrt_fmt("%s/a \"q\"\nb\xe9 x", T);
	cr_assert_eq(mkdir(dir, 0755), 0);
	char *extra = lrt_fmt("ro = \"%s/a \\\"q\\\"\\nb\\xe9 x\"\n", T);
	char *pol = lrt_policy(T, "json", extra);
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--explain", "--json", "-p", pol, "--", "/bin/true"));
	cr_assert_eq(r->status, 0, "%s", r->err);
	char *out = lrt_fmt("%s/out.json", T), *check = lrt_fmt("%s/check.py", T);
	lrt_write(out, r->out);
	lrt_free(r);
	char *script = lrt_fmt(
		"import json, os, sys\n"
		"d = json.load(open(sys.argv[1]))\n"
		"want = os.fsencode(sys.argv[2])\n"
		"g = [x for x in d['filesystem']['grants'] if os.fsencode(x['path']) == want]\n"
		"assert len(g) == 1, d['filesystem']['grants']\n"
		"assert g[0]['access'] == 'ro' and g[0]['origin'] == sys.argv[3] + ':5', g[0]\n"
		"assert set(g[0]['rights_enforced']) <= set(g[0]['rights_asked']) == {'read_file', 'read_dir'}, g[0]\n"
		"assert d['command'] == '/bin/true' or d['command'].endswith('/true'), d['command']\n"
		"assert isinstance(d['landlock']['abi'], int) and isinstance(d['seccomp']['rules'], int)\n"
		"assert d['network']['connect_tcp']['any'] is False and d['network']['udp']['allowed'] is False\n"
		"shared = 'signals: signals shared' in d['degraded']\n"
		"assert shared == (sys.argv[4] == '1'), d['degraded']\n"
		"assert any(e['name'] == 'PATH' for e in d['env']['passed']) or d['env']['path']\n");
	lrt_write(check, script);
	char *cmd = lrt_fmt("python3 -m json.tool '%s' >/dev/null && python3 '%s' '%s' \"$(printf '%%s/a \"q\"\\nb\\351 x' '%s')\" '%s' %d",
			    out, check, out, T, pol, lrt_abi_below(6) ? 1 : 0);
	cr_expect_eq(system(cmd), 0, "%s", cmd);
	r = lrt_run(T, LRT_ARGS("--json", "--", "/bin/true"));
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "--json is a form of --explain"), "%s", r->err);
	lrt_free(r);
	free(cmd), free(script), free(check), free(out), free(pol), free(extra), free(dir);
}

/* A symbolic link named src/landrun beside a policies/ directory of someone else's (a sandboxed
 * command can leave both in its write grant) is not a source tree: -p NAME does not find the
 * planted policy through it, whatever path landrun was executed by. The granted twin: the same
 * policy named by its path is read, and landrun executed by its own path finds its own shipped
 * policies. */
Test(cli, a_link_named_src_landrun_does_not_make_its_directory_the_shipped_policies)
{
	char real[PATH_MAX];
	cr_assert(realpath(lrt_landrun(), real), "%s", lrt_landrun());
	char *src = lrt_fmt("%s/src", T), *pols = lrt_fmt("%s/policies", T), *link = lrt_fmt("%s/src/landrun", T);
	cr_assert(mkdir(src, 0755) == 0 && mkdir(pols, 0755) == 0);
	cr_assert(symlink(real, link) == 0);
	lrt_write(lrt_fmt("%s/default.ini", pols), "[filesystem]\nro = /usr\n");
	char *planted = lrt_fmt("%s/plantedpol.ini", pols);
	char *work = lrt_fmt("%s/work", T);
	cr_assert(mkdir(work, 0755) == 0);
	lrt_write(planted, lrt_fmt("[filesystem]\nrox = /usr\nrw = %s\n", work));
	struct lrt_result *r = lrt_run_cli(link, T, LRT_ARGS("-p", "plantedpol", "--explain", "--", "/bin/true"));
	cr_expect(!lrt_contains(r->out, planted), "the planted policy was read through the link:\n%s", r->out);
	cr_expect_neq(r->status, 0, "a policy named plantedpol was found: %s%s", r->out, r->err);
	lrt_free(r);
	/* the same through a directory link: T/bin/src -> the binary's own directory */
	char *bin = lrt_fmt("%s/bin", T), *dirlink = lrt_fmt("%s/bin/src", T);
	cr_assert(mkdir(bin, 0755) == 0);
	cr_assert(symlink(pols, lrt_fmt("%s/bin/policies", T)) == 0);
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", real);
	*strrchr(dir, '/') = '\0';
	cr_assert(symlink(dir, dirlink) == 0);
	r = lrt_run_cli(lrt_fmt("%s/landrun", dirlink), T, LRT_ARGS("-p", "plantedpol", "--explain", "--", "/bin/true"));
	cr_expect(!lrt_contains(r->out, planted), "the planted policy was read through the directory link:\n%s", r->out);
	lrt_free(r);
	r = lrt_run_cli(real, T, LRT_ARGS("-p", planted, "--explain", "--", "/bin/true"));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, planted), "the policy named by its path was not read:\n%s", r->out);
	lrt_free(r);
}

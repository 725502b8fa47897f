/* Go landrun's command lines: the flags it has and landrun took over, each refused or denied
 * without it and granted with it. */
#include <criterion/criterion.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
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

/* A copy of the probe in dir/bin/name, and what it takes to run it by name with only dir/bin in
 * PATH: the system executable, dir readable (not executable). */
static char *probe_copy(const char *dir, const char *name)
{
	char *bin = lrt_fmt("%s/bin", dir), *to = lrt_fmt("%s/%s", bin, name);
	mkdir(bin, 0755);
	struct lrt_result *r = lrt_run(NULL, LRT_ARGS("--unrestricted-filesystem", "--", "/bin/cp", lrt_probe(), to));
	cr_assert_eq(r->status, 0, "%s", r->err);
	lrt_free(r);
	chmod(to, 0755);
	return to;
}

Test(gocompat, add_exec_grants_the_resolved_command_only)
{
	char *p1 = probe_copy(T, "p1"), *p2 = probe_copy(T, "p2");
	char *path = lrt_fmt("PATH=%s/bin", T);
	/* readable, not executable: the kernel refuses the exec */
	struct lrt_result *no = lrt_run(T, LRT_ARGS("--rox", "/usr,/lib,/lib64", "--ro", T, "--env", path, "--", "p1", "pid"));
	cr_expect_eq(no->status, 126, "%s%s", no->out, no->err);
	lrt_free(no);
	/* found with the sandbox's PATH, that file (and not its neighbour) becomes executable */
	const char *spell[] = { "--add-exec", "-add-exec" };
	for (size_t i = 0; i < LRT_LEN(spell); i++) {
		struct lrt_result *ok = lrt_run(T, LRT_ARGS(spell[i], "--rox", "/usr,/lib,/lib64", "--ro", T, "--env", path,
							   "--", "p1", "exec", p2, "pid"));
		cr_expect_eq(ok->status, 1, "%s: %s%s", spell[i], ok->out, ok->err);
		cr_expect(lrt_contains(ok->out, "denied EACCES"), "%s: %s", spell[i], ok->out);
		lrt_free(ok);
	}
	struct lrt_result *ok = lrt_run(T, LRT_ARGS("--add-exec", "--rox", "/usr,/lib,/lib64", "--ro", T, "--env", path,
						   "--", "p1", "pid"));
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	lrt_free(ok);
	ok = lrt_run(T, LRT_ARGS("--add-exec", "--explain", "--rox", "/usr,/lib,/lib64", "--ro", T, "--env", path, "--", "p1"));
	cr_expect(lrt_contains(ok->out, lrt_fmt("add_command: %s", p1)), "%s%s", ok->out, ok->err);
	lrt_free(ok);
}

/* An abstract unix socket listening under name; its fd. */
static int abstract_listener(const char *name)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	memcpy(a.sun_path + 1, name, strlen(name));
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&a, len) == 0 && listen(fd, 4) == 0);
	return fd;
}

Test(gocompat, unrestricted_scoped_shares_abstract_sockets_and_signals)
{
	if (lrt_abi_below(6))
		cr_skip_test("capped below Landlock ABI 6: scoping is not enforced by default (abi/scopes_need_6)");
	char name[64];
	snprintf(name, sizeof(name), "landrun-gocompat-%d", getpid());
	int fd = abstract_listener(name);
	char *me = lrt_fmt("%d", getpid());
	char *pol = lrt_policy(T, "scoped", "[network]\nunix = any\n");
	struct lrt_result *no = lrt_run_probe(T, NULL, pol, LRT_ARGS("abstract-connect", name));
	cr_expect(no->status == 1 && lrt_contains(no->out, "EPERM"), "%s%s", no->out, no->err);
	lrt_free(no);
	no = lrt_run_probe(T, NULL, pol, LRT_ARGS("kill", me));
	cr_expect(no->status == 1 && lrt_contains(no->out, "EPERM"), "%s%s", no->out, no->err);
	lrt_free(no);
	const char *spell[] = { "--unrestricted-scoped", "-unrestricted-scoped" };
	for (size_t i = 0; i < LRT_LEN(spell); i++) {
		struct lrt_result *ok = lrt_run_probe(T, spell[i], pol, LRT_ARGS("abstract-connect", name));
		cr_expect_eq(ok->status, 0, "%s: %s%s", spell[i], ok->out, ok->err);
		lrt_free(ok);
		ok = lrt_run_probe(T, spell[i], pol, LRT_ARGS("kill", me));
		cr_expect_eq(ok->status, 0, "%s: %s%s", spell[i], ok->out, ok->err);
		lrt_free(ok);
	}
	close(fd);
}

static int landlock_abi(void)
{
	long abi = syscall(444 /* landlock_create_ruleset */, NULL, 0, 1U /* VERSION */);
	return abi < 0 ? 0 : (int)abi;
}

Test(gocompat, unix_flag_grants_the_listed_sockets)
{
	char *bus = lrt_fmt("%s/bus", T), *agent = lrt_fmt("%s/agent", T), *other = lrt_fmt("%s/other", T);
	int fds[] = { lrt_unix_listener(bus, false), lrt_unix_listener(agent, false), lrt_unix_listener(other, false) };
	char *pol = lrt_policy(T, "unix", "");
	/* no grant: no unix socket at all */
	struct lrt_result *no = lrt_run_probe(T, NULL, pol, LRT_ARGS("unix-connect", bus));
	cr_expect(no->status == 1 && lrt_contains(no->out, "denied EAFNOSUPPORT"), "%s%s", no->out, no->err);
	lrt_free(no);
	/* repeated, a comma list, relative to the current directory, both spellings */
	const char *args[] = { "--unix", "bus", "-unix=agent,?gone", "-p", pol, "--", lrt_probe(), "unix-connect", NULL, NULL };
	const size_t target = 8;
	const char *ex[] = { "--explain", "--best-effort", "--unix", "bus", "-unix=agent,?gone", "-p", pol, NULL };
	struct lrt_result *e = lrt_run(T, ex);
	cr_expect(lrt_contains(e->out, bus) && lrt_contains(e->out, agent) && lrt_contains(e->out, lrt_fmt("?%s/gone", T)) &&
		  !lrt_contains(e->out, other), "%s%s", e->out, e->err);
	lrt_free(e);
	/* Landlock's resolve_unix from ABI 9, the helper's check below (netcalls.h) */
	const char *want[] = { bus, agent, other };
	for (size_t i = 0; i < LRT_LEN(want); i++) {
		args[target] = want[i];
		struct lrt_result *r = lrt_run(T, args);
		cr_expect_eq(r->status, i < 2 ? 0 : 1, "%s: %s%s", want[i], r->out, r->err);
		lrt_free(r);
	}
	for (size_t i = 0; i < LRT_LEN(fds); i++)
		close(fds[i]);
}

/* landrun's stderr at a log level given by the environment (env_level, may be NULL) and flags. */
static struct lrt_result *at_level(const char *env_level, const char *flag)
{
	char *pol = lrt_policy(T, "level", lrt_fmt("[filesystem]\nro = ?%s/gone\n", T));
	char *level = env_level ? lrt_fmt("LANDRUN_LOG_LEVEL=%s", env_level) : NULL;
	char *const env[] = { "PATH=/usr/bin:/bin", level, NULL };
	const char *args[] = { "--test-abi", "3", "--best-effort", "-p", pol, flag, "--", lrt_probe(), "pid", NULL };
	if (!flag) {
		args[5] = "--";
		args[6] = lrt_probe();
		args[7] = "pid";
		args[8] = NULL;
	}
	return lrt_run_env(T, env, args);
}

Test(gocompat, log_level_and_its_environment_variable)
{
	struct { const char *env, *flag; bool warning, note; } rows[] = {
		{ NULL, NULL, true, false },
		{ NULL, "--log-level=error", false, false },
		{ NULL, "-log-level=info", true, false },
		{ NULL, "--log-level=DEBUG", true, true },
		{ "error", NULL, false, false },
		{ "debug", NULL, true, true },
		{ "debug", "--log-level=error", false, false },
		{ "error", "-v", true, true },
	};
	for (size_t i = 0; i < LRT_LEN(rows); i++) {
		struct lrt_result *r = at_level(rows[i].env, rows[i].flag);
		cr_expect_eq(r->status, 0, "row %zu: %s%s", i, r->out, r->err);
		cr_expect_eq(lrt_contains(r->err, "warning: not enforced"), rows[i].warning, "row %zu: %s", i, r->err);
		cr_expect_eq(lrt_contains(r->err, "skipped optional"), rows[i].note, "row %zu: %s", i, r->err);
		lrt_free(r);
	}
	/* an unknown level is refused wherever it comes from: the command does not run */
	struct lrt_result *r = at_level("loud", NULL);
	cr_expect(r->status == 125 && lrt_contains(r->err, "LANDRUN_LOG_LEVEL") && !lrt_contains(r->out, "\n"),
		  "%s%s", r->out, r->err);
	lrt_free(r);
	r = at_level(NULL, "--log-level=loud");
	cr_expect(r->status == 125 && lrt_contains(r->err, "expected error, info or debug"), "%s%s", r->out, r->err);
	lrt_free(r);
}

/* The flags landrun gave landlock_restrict_self, as strace saw the call ("" when strace is
 * missing, "none" when no call was made). */
static char *restrict_flags_seen(const char *const args[])
{
	if (access("/usr/bin/strace", X_OK) != 0)
		return lrt_fmt("%s", "");
	char *log = lrt_fmt("%s/strace.log", T);
	unlink(log);
	struct lrt_result *r = lrt_run_prefixed(T, NULL, LRT_ARGS("/usr/bin/strace", "-f", "-qq", "-e",
								 "trace=landlock_restrict_self", "-o", log), args);
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
	FILE *f = fopen(log, "r");
	char line[256], *seen = NULL;
	while (f && fgets(line, sizeof(line), f)) {
		char *call = strstr(line, "landlock_restrict_self(");
		char *comma = call ? strchr(call, ',') : NULL;
		if (comma)
			seen = lrt_fmt("%.*s", (int)strcspn(comma + 2, ")"), comma + 2);
	}
	if (f)
		fclose(f);
	return seen ? seen : lrt_fmt("%s", "none");
}

Test(gocompat, landlock_log_flags_reach_restrict_self)
{
	char *pol = lrt_policy(T, "log", "");
	/* below ABI 7: strict refuses naming the ABI, nothing runs; best-effort warns and runs */
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--test-abi", "6", "--log-disable-subdomains", "-p", pol, "--", lrt_probe(), "pid"));
	cr_expect(r->status == 125 && lrt_contains(r->err, "requires Landlock ABI 7 (Linux 6.15), this kernel offers 6") && !r->out[0],
		  "%s%s", r->out, r->err);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("--test-abi", "6", "--best-effort", "-log-disable-subdomains", "-p", pol, "--", lrt_probe(), "pid"));
	cr_expect(r->status == 0 && lrt_contains(r->err, "warning: not enforced: landlock_log"), "%s%s", r->out, r->err);
	lrt_free(r);
	/* the policy key, its words checked */
	char *bad = lrt_policy(T, "badlog", "[policy]\nlandlock_log = verbose\n");
	r = lrt_run(T, LRT_ARGS("--explain", "-p", bad));
	cr_expect(r->status == 125 && lrt_contains(r->err, "landlock_log: unknown word \"verbose\""), "%s", r->err);
	lrt_free(r);
	if (lrt_abi_below(7))
		cr_skip_test("capped below Landlock ABI 7: the flags are refused or dropped, as tested above");
	char *keyed = lrt_policy(T, "keyed", "[policy]\nlandlock_log = disable-originating\n    disable-subdomains\n");
	r = lrt_run(T, LRT_ARGS("--explain", "-p", keyed, "--log-enable-subprocesses"));
	/* the option's position moves by what make check-abi puts in front */
	char *want = lrt_fmt("landlock_log: disable-originating enable-subprocesses disable-subdomains  (command line:%d)",
			     4 + lrt_injected_args());
	cr_expect(lrt_contains(r->out, want), "want \"%s\": %s%s", want, r->out, r->err);
	free(want);
	lrt_free(r);
	/* the flags as the kernel receives them: none without the options, each one's bit with it */
	struct { const char *flag, *want; } rows[] = {
		{ "--log-level=info", "0" },
		{ "--log-disable-originating", "0x1" },
		{ "--log-enable-subprocesses", "0x2" },
		{ "-log-disable-subdomains", "0x4" },
	};
	for (size_t i = 0; i < LRT_LEN(rows); i++) {
		char *seen = restrict_flags_seen(LRT_ARGS(rows[i].flag, "-p", pol, "--", lrt_probe(), "pid"));
		if (!seen[0])
			cr_skip_test("strace is not installed: the flags given to landlock_restrict_self cannot be seen");
		cr_expect_str_eq(seen, rows[i].want, "%s", rows[i].flag);
	}
	char *seen = restrict_flags_seen(LRT_ARGS("-p", keyed, "--log-enable-subprocesses", "--", lrt_probe(), "pid"));
	cr_expect_str_eq(seen, "0x7");
}

/* --connect-udp PORTS: Landlock ABI 10 (Linux 7.2), the helper's check below it; --bind-udp PORTS:
 * ABI 10, below which strict refuses and best-effort runs them as udp = yes; either way the socket
 * filter lets UDP sockets through only when they are given. */
Test(gocompat, udp_port_flags)
{
	const char *rox = go_rox();
	/* no UDP flag: the socket filter refuses UDP sockets */
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--rox", rox, "--", lrt_probe(), "udp-send", "9"));
	cr_expect(r->status == 1 && lrt_contains(r->out, "denied"), "%s%s", r->out, r->err);
	lrt_free(r);
	if (landlock_abi() < 10 || lrt_abi_below(10)) {
		/* bind ports need Landlock (ABI 10); connect ports the helper judges below it */
		r = lrt_run(T, LRT_ARGS("--rox", rox, "--bind-udp", "9", "--", lrt_probe(), "udp-send", "9"));
		cr_expect(r->status == 125 && lrt_contains(r->err, "Linux 7.2") && lrt_contains(r->err, "requires Landlock ABI 10") &&
			  !r->out[0], "%s%s", r->out, r->err);
		lrt_free(r);
		const char *spell[][2] = { { "-bind-udp", "5353" }, { "--bind-udp=none", NULL } };
		for (size_t i = 0; i < LRT_LEN(spell); i++) {
			const char *args[] = { "--best-effort", "--rox", rox, spell[i][0], spell[i][1], "--", lrt_probe(), "udp-send", "9", NULL };
			if (!spell[i][1]) /* the =value spelling: one argument less */
				memmove(&args[4], &args[5], sizeof(args) - 5 * sizeof(args[0]));
			r = lrt_run(T, args);
			cr_expect_eq(r->status, 0, "%s: %s%s", spell[i][0], r->out, r->err);
			cr_expect(lrt_contains(r->err, "warning: not enforced: UDP port restrictions"), "%s", r->err);
			lrt_free(r);
		}
	}
	r = lrt_run(T, LRT_ARGS("--rox", rox, "--connect-udp", "9", "--", lrt_probe(), "udp-send", "9"));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("--rox", rox, "--connect-udp", "9", "--", lrt_probe(), "udp-send", "10"));
	cr_expect(r->status == 1 && lrt_contains(r->out, "denied"), "%s%s", r->out, r->err);
	lrt_free(r);
}

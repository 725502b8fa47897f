/* --log-denials: each denial is reported as one line of an exact format, the call still fails
 * with the errno the policy gives it, and the granted twin prints no denial line. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static char *T;

static void setup(void) { T = lrt_mkdtemp("/var/tmp"); }
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(denials, .init = setup, .fini = teardown);

/* The probe under base + extra with --log-denials; caller frees. */
static struct lrt_result *logged(const char *extra, const char *const probe_args[])
{
	char *pol = lrt_policy(T, "den", extra);
	struct lrt_result *r = lrt_run_probe(T, "--log-denials", pol, probe_args);
	free(pol);
	return r;
}

/* The whole line must be "landrun: denied " + what + " (pid N, EXE)" where EXE is the probe. */
static void expect_line(const struct lrt_result *r, const char *what)
{
	char exe[PATH_MAX];
	cr_assert(realpath(lrt_probe(), exe));
	char *head = lrt_fmt("landrun: denied %s (pid ", what);
	char *tail = lrt_fmt(", %s)\n", exe);
	const char *at = strstr(r->err, head);
	cr_assert(at, "want a line starting \"%s\": %s", head, r->err);
	const char *p = at + strlen(head);
	cr_expect(*p >= '1' && *p <= '9', "pid: %s", at);
	while (*p >= '0' && *p <= '9')
		p++;
	cr_expect(strncmp(p, tail, strlen(tail)) == 0, "want the line to end \"%s\": %s", tail, at);
	free(head);
	free(tail);
}

static void expect_no_line(struct lrt_result *r, int status, const char *out)
{
	cr_expect_eq(r->status, status, "status %d: %s%s", r->status, r->out, r->err);
	cr_expect(lrt_contains(r->out, out), "want \"%s\": %s%s", out, r->out, r->err);
	cr_expect(!lrt_contains(r->err, "landrun: denied"), "no denial line expected: %s", r->err);
	lrt_free(r);
}

static void expect_denied(struct lrt_result *r, const char *errname, const char *what)
{
	cr_expect_eq(r->status, 1, "status %d: %s%s", r->status, r->out, r->err);
	char *want = lrt_fmt("denied %s", errname);
	cr_expect(lrt_contains(r->out, want), "want \"%s\": %s%s", want, r->out, r->err);
	free(want);
	expect_line(r, what);
	lrt_free(r);
}

Test(denials, ptrace_attach)
{
	expect_denied(logged("", LRT_ARGS("ptrace", "1")), "EPERM",
		      "ptrace(PTRACE_ATTACH) by [syscalls] baseline ptrace");
	/* twin: allowed by name, the call reaches the kernel and no line is printed (the kernel's own
	 * answer for pid 1 does not matter here) */
	struct lrt_result *r = logged("[syscalls]\nallow = ptrace\n", LRT_ARGS("ptrace", "1"));
	cr_expect(!lrt_contains(r->err, "landrun: denied"), "%s", r->err);
	lrt_free(r);
}

Test(denials, tiocsti)
{
	expect_denied(logged("", LRT_ARGS("tiocsti", "low")), "EPERM", "ioctl(0, TIOCSTI) by [syscalls] baseline ioctl");
	expect_denied(logged("", LRT_ARGS("tiocsti", "high")), "EPERM", "ioctl(0, TIOCSTI) by [syscalls] baseline ioctl");
	expect_no_line(logged("", LRT_ARGS("tcgets")), 0, "passed-filter");
}

Test(denials, socket_family)
{
	expect_denied(logged("", LRT_ARGS("socket", "17", "3")), "EAFNOSUPPORT",
		      "socket(AF_PACKET, SOCK_RAW) by [network] families");
	expect_no_line(logged("[network]\nunix = any\n", LRT_ARGS("socket", "1", "1")), 0, "ok");
	expect_denied(logged("", LRT_ARGS("socket", "1", "1")), "EAFNOSUPPORT",
		      "socket(AF_UNIX, SOCK_STREAM) by [network] unix = none");
}

/* A child cloned with CLONE_UNTRACED would not be attached to the tracer: refused while tracing. */
Test(denials, clone_untraced_is_refused_while_tracing)
{
	expect_denied(logged("", LRT_ARGS("clone-untraced")), "EPERM",
		      "clone(CLONE_UNTRACED) by --log-denials (a CLONE_UNTRACED child would escape the tracer)");
	/* twins: a plain fork is traced and allowed; without tracing the flag means nothing and passes */
	expect_no_line(logged("", LRT_ARGS("fork")), 0, "ok");
	char *pol = lrt_policy(T, "untraced", "");
	struct lrt_result *r = lrt_run_probe(T, NULL, pol, LRT_ARGS("clone-untraced"));
	LRT_EXPECT(r, 0, "ok");
	free(pol);
}

Test(denials, explicit_deny_rule_names_its_line)
{
	char *pol = lrt_fmt("%s/den.ini", T);
	char *what = lrt_fmt("personality(0xffffffff) by [syscalls] deny = personality (%s:6)", pol);
	expect_denied(logged("[syscalls]\ndeny = personality\n", LRT_ARGS("personality", "0xffffffff")), "EPERM", what);
	/* twin: the baseline lets the query through */
	expect_no_line(logged("", LRT_ARGS("personality", "0xffffffff")), 0, "ok");
	free(what);
	free(pol);
}

Test(denials, file_read_outside_the_grants)
{
	char *secret = lrt_fmt("%s/secret", T);
	lrt_write(secret, "s3cret\n");
	char *what = lrt_fmt("openat(\"%s\", O_RDONLY): read_file not granted; add \"ro = %s\" to [filesystem]",
			     secret, secret);
	expect_denied(logged("", LRT_ARGS("read", secret)), "EACCES", what);
	char *grant = lrt_fmt("ro = %s\n", secret);
	expect_no_line(logged(grant, LRT_ARGS("read", secret)), 0, "ok");
	free(grant);
	free(what);
	free(secret);
}

Test(denials, tcp_connect_to_a_port_not_granted)
{
	/* nothing listens on it: granted, the kernel refuses the connection instead */
	expect_denied(logged("", LRT_ARGS("connect", "4242")), "EACCES",
		      "connect(127.0.0.1:4242): connect_tcp 4242 not granted; add \"connect_tcp = 4242\" to [network]");
	expect_no_line(logged("[network]\nconnect_tcp = 4242\n", LRT_ARGS("connect", "4242")), 1, "denied ECONNREFUSED");
}

Test(denials, policy_key_turns_it_on)
{
	char *pol = lrt_policy(T, "key", "[process]\nlog_denials = yes\n");
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "ptrace", "1"));
	expect_denied(r, "EPERM", "ptrace(PTRACE_ATTACH) by [syscalls] baseline ptrace");
	/* without it: the same denial, no line */
	char *quiet = lrt_policy(T, "quiet", "");
	r = lrt_run(T, LRT_ARGS("-p", quiet, "--", lrt_probe(), "ptrace", "1"));
	cr_expect(lrt_contains(r->out, "denied EPERM") && !lrt_contains(r->err, "landrun: denied"), "%s%s", r->out, r->err);
	lrt_free(r);
	free(quiet);
	free(pol);
}

Test(denials, threads_and_children_are_followed)
{
	/* a denial in a forked child is reported too (the shell forks the probe) */
	char *pol = lrt_policy(T, "sh", "");
	char *cmd = lrt_fmt("%s ptrace 1; exit 0", lrt_probe());
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--log-denials", "-p", pol, "--", "/bin/sh", "-c", cmd));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	expect_line(r, "ptrace(PTRACE_ATTACH) by [syscalls] baseline ptrace");
	lrt_free(r);
	free(cmd);
	free(pol);
}

Test(denials, allow_list_default_deny)
{
	/* with default = deny, a call off the list is named with that rule; a call on it still has
	 * its Landlock result watched */
	const char *list = "[syscalls]\ndefault = deny\nallow = read write close exit_group execve mmap brk arch_prctl "
			   "set_tid_address set_robust_list rseq prlimit64 mprotect getrandom munmap newfstatat fstat "
			   "pread64 access openat\n";
	expect_denied(logged(list, LRT_ARGS("personality", "0xffffffff")), "EPERM",
		      "personality(0xffffffff) by [syscalls] default = deny");
	char *secret = lrt_fmt("%s/secret", T);
	lrt_write(secret, "s3cret\n");
	char *what = lrt_fmt("openat(\"%s\", O_RDONLY): read_file not granted; add \"ro = %s\" to [filesystem]",
			     secret, secret);
	expect_denied(logged(list, LRT_ARGS("read", secret)), "EACCES", what);
	char *extra = lrt_fmt("[filesystem]\nro = %s\n%s", secret, list);
	expect_no_line(logged(extra, LRT_ARGS("read", secret)), 0, "ok");
	free(extra);
	free(what);
	free(secret);
}

Test(denials, timeout_holds_while_the_sandbox_is_busy)
{
	/* many processes opening files without pause always have a stop pending for the tracer: the
	 * supervisor must still get round to its timeout */
	char *pol = lrt_policy(T, "busy", "[process]\ntimeout = 1s\n");
	const char *cmd = "for i in $(seq 64); do (while :; do : </dev/null; done) & done; wait";
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--log-denials", "-p", pol, "--", "/bin/sh", "-c", cmd));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_expect_eq(r->status, 124, "%s%s", r->out, r->err);
	cr_expect_lt(t1.tv_sec - t0.tv_sec, 10, "the 1s timeout took %lds", (long)(t1.tv_sec - t0.tv_sec));
	lrt_free(r);
	free(pol);
}

/* A relative path with "..": reported (and matched against the grants) under the name the kernel
 * checked, not the spelling the command used. */
Test(denials, relative_read_with_dotdot_is_reported_resolved)
{
	char *inside = lrt_fmt("%s/inside", T), *outside = lrt_fmt("%s/outside", T);
	cr_assert_eq(mkdir(inside, 0755), 0);
	cr_assert_eq(mkdir(outside, 0755), 0);
	char *secret = lrt_fmt("%s/secret", outside);
	lrt_write(secret, "s3cret\n");
	/* inside is granted: spelt inside/../outside/secret, the file looked beneath the grant */
	char *pol = lrt_policy(T, "den", lrt_fmt("ro = %s\n", inside));
	char *what = lrt_fmt("openat(\"%s\", O_RDONLY): read_file not granted; add \"ro = %s\" to [filesystem]",
			     secret, secret);
	expect_denied(lrt_run_probe(inside, "--log-denials", pol, LRT_ARGS("read", "../outside/secret")), "EACCES",
		      what);
	/* twin: granted under its resolved name, the relative read succeeds and nothing is reported */
	char *grant = lrt_policy(T, "den", lrt_fmt("ro = %s\nro = %s\n", inside, secret));
	expect_no_line(lrt_run_probe(inside, "--log-denials", grant, LRT_ARGS("read", "../outside/secret")), 0, "ok");
	free(what);
	free(secret);
}

/* A create or mkdir in a directory suggests the directory, not the new name; so does an existing
 * file opened to be created if absent (written again, it is created after a clean). */
Test(denials, creating_in_a_directory_suggests_the_directory)
{
	char *dir = lrt_fmt("%s/out", T), *fresh = lrt_fmt("%s/new", dir), *old = lrt_fmt("%s/old", dir);
	char *sub = lrt_fmt("%s/sub", dir);
	mkdir(dir, 0755);
	lrt_write(old, "old\n");
	char *create = lrt_fmt("openat(\"%s\", O_WRONLY|O_CREAT): make_reg not granted; add \"rw = %s\" to [filesystem]",
			       fresh, dir);
	char *mk = lrt_fmt("mkdir(\"%s\"): make_dir not granted; add \"rw = %s\" to [filesystem]", sub, dir);
	char *again = lrt_fmt("openat(\"%s\", O_WRONLY|O_CREAT): write_file not granted; add \"rw = %s\" to [filesystem] "
			      "(it creates the file there; \"rw = %s\" grants this file only)", old, dir, old);
	expect_denied(logged("", LRT_ARGS("write", fresh)), "EACCES", create);
	expect_denied(logged("", LRT_ARGS("mkdir", sub)), "EACCES", mk);
	expect_denied(logged("", LRT_ARGS("write", old)), "EACCES", again);
	/* the twin: the directory suggested grants all three */
	char *grant = lrt_fmt("rw = %s\n", dir);
	expect_no_line(logged(grant, LRT_ARGS("write", fresh)), 0, "ok");
	expect_no_line(logged(grant, LRT_ARGS("mkdir", sub)), 0, "ok");
	cr_assert_eq(unlink(old), 0);
	expect_no_line(logged(grant, LRT_ARGS("write", old)), 0, "ok");
	free(grant), free(again), free(mk), free(create), free(sub), free(old), free(fresh), free(dir);
}

/* /proc/self and /proc/PID name one process: a grant there would not hold for the processes the
 * command starts, so reading suggests /proc, writing suggests nothing. */
Test(denials, per_process_proc_paths_are_never_suggested)
{
	static const char *const reads[] = { "/proc/self/status", "/proc/1/status", "/proc/thread-self/comm" };
	for (size_t i = 0; i < LRT_LEN(reads); i++) {
		char *what = lrt_fmt("openat(\"%s\", O_RDONLY): read_file not granted; add \"ro = /proc\" to [filesystem] "
				     "(a grant under /proc/self or /proc/PID would hold for one process only)", reads[i]);
		expect_denied(logged("", LRT_ARGS("read", reads[i])), "EACCES", what);
		free(what);
	}
	expect_denied(logged("", LRT_ARGS("write", "/proc/self/comm")), "EACCES",
		      "openat(\"/proc/self/comm\", O_WRONLY|O_CREAT): write_file not granted; a grant under /proc/self "
		      "or /proc/PID would hold for one process only, so none is suggested");
	/* the twin: what is suggested grants it */
	expect_no_line(logged("ro = /proc\n", LRT_ARGS("read", "/proc/self/status")), 0, "ok");
}

/* A refused UDP socket suggests udp = yes, which lets it through. */
Test(denials, udp_socket_suggests_udp)
{
	expect_denied(logged("", LRT_ARGS("socket", "2", "2")), "EPERM",
		      "socket(AF_INET, SOCK_DGRAM) by [network] (inet sockets: TCP streams only); add \"udp = yes\" to [network]");
	expect_no_line(logged("[network]\nudp = yes\n", LRT_ARGS("socket", "2", "2")), 0, "ok");
	/* a raw socket is not UDP: nothing suggested */
	struct lrt_result *r = logged("", LRT_ARGS("socket", "2", "3"));
	cr_expect(lrt_contains(r->err, "landrun: denied socket(AF_INET, SOCK_RAW)") && !lrt_contains(r->err, "udp = yes"),
		  "%s", r->err);
	lrt_free(r);
}

/* A metadata call the deny list denies is denied under --log-denials too, with the policy's errno
 * and a line, in the write grant as well: the denial (a trace stop here, which ranks below a
 * notification) is judged before the notification that would take the call to the helper. The
 * twin: without the denial the helper makes it, and no line is printed. */
Test(denials, a_metadata_call_the_deny_list_denies_is_denied_in_the_write_grant)
{
	char *w = lrt_fmt("%s/w", T), *f = lrt_fmt("%s/w/f", T);
	cr_assert(mkdir(w, 0755) == 0);
	lrt_write(f, "x\n");
	cr_assert(chmod(f, 0600) == 0);
	const char *grant = lrt_fmt("[filesystem]\nrw = %s\nmetadata = granted\n", w);
	struct lrt_result *r = logged(lrt_fmt("%s[syscalls]\ndeny = chmod:errno:EACCES fchmodat:errno:EACCES "
					      "fchmodat2:errno:EACCES\n", grant), LRT_ARGS("chmod", f, "640"));
	cr_expect_eq(r->status, 1, "status %d: %s%s", r->status, r->out, r->err);
	cr_expect(lrt_contains(r->out, "denied EACCES"), "%s%s", r->out, r->err);
	cr_expect(lrt_contains(r->err, "landrun: denied "), "no denial line: %s", r->err);
	lrt_free(r);
	cr_expect_eq(lrt_mode_of(f), 0600, "the helper made a chmod the deny list denies");
	expect_no_line(logged(grant, LRT_ARGS("chmod", f, "640")), 0, "ok");
	cr_expect_eq(lrt_mode_of(f), 0640, "the helper did not make the granted chmod");
}

/* A deny list that logs cannot carry the notifying program (a log answer would let a metadata
 * call through unjudged), and as a filter of its own the program's notifications would outrank
 * the trace stops of --log-denials: the run is refused, saying why. The twin: metadata = any. */
Test(denials, a_deny_list_that_logs_and_the_helper_are_refused_together)
{
	char *w = lrt_fmt("%s/w", T);
	cr_assert(mkdir(w, 0755) == 0);
	struct lrt_result *r = logged(lrt_fmt("[filesystem]\nrw = %s\nmetadata = granted\n[syscalls]\n"
					      "deny = sched_yield:log\n", w), LRT_ARGS("read", "/dev/null"));
	cr_expect_eq(r->status, 125, "status %d: %s%s", r->status, r->out, r->err);
	cr_expect(lrt_contains(r->err, "--log-denials: the [syscalls] programs cannot carry"), "%s", r->err);
	lrt_free(r);
	expect_no_line(logged(lrt_fmt("[filesystem]\nrw = %s\nmetadata = any\n[syscalls]\ndeny = sched_yield:log\n", w),
			      LRT_ARGS("read", "/dev/null")), 0, "ok");
}

/* Under --log-denials the deny list marks connect to be observed (a trace stop that lets it through):
 * the helper still makes the connects it judges, here a unix socket by path (the helper's below
 * Landlock ABI 9). The listed socket connects, another one is refused. */
Test(denials, the_socket_calls_the_helper_judges_are_judged_under_log_denials)
{
	char *ok = lrt_fmt("%s/ok.sock", T), *other = lrt_fmt("%s/other.sock", T);
	int fds[] = { lrt_unix_listener(ok, false), lrt_unix_listener(other, false) };
	char *extra = lrt_fmt("[network]\nunix = %s\n", ok);
	struct lrt_result *r = logged(extra, LRT_ARGS("unix-connect", other));
	cr_expect(r->status == 1 && (lrt_contains(r->out, "denied EACCES") || lrt_contains(r->out, "denied EPERM")),
		  "a socket not listed: %s%s", r->out, r->err);
	lrt_free(r);
	r = logged(extra, LRT_ARGS("unix-connect", ok));
	cr_expect_eq(r->status, 0, "the listed socket: %s%s", r->out, r->err);
	lrt_free(r);
	for (size_t i = 0; i < LRT_LEN(fds); i++)
		close(fds[i]);
}

/* Under --log-denials the allow list's denials (default = deny) are trace stops too: a metadata
 * call it does not allow is denied, with a line, in the write grant, not made by the helper. The
 * twin: the allow list that allows it. */
Test(denials, a_metadata_call_the_allow_list_denies_is_denied_in_the_write_grant)
{
	char *w = lrt_fmt("%s/w", T), *f = lrt_fmt("%s/w/f", T);
	cr_assert(mkdir(w, 0755) == 0);
	lrt_write(f, "x\n");
	cr_assert(chmod(f, 0600) == 0);
	const char *allow = "@default @io-event @signal @process @timer @basic-io\n"
			    "  read write openat close fstat newfstatat statx lseek mmap mprotect munmap brk ioctl\n"
			    "  pread64 readlink readlinkat getcwd fcntl access faccessat faccessat2 dup dup2 dup3\n"
			    "  pipe pipe2 getdents64 prlimit64 getrandom rseq set_robust_list";
	const char *grant = lrt_fmt("[filesystem]\nrw = %s\nmetadata = granted\n[syscalls]\ndefault = deny\n", w);
	struct lrt_result *r = logged(lrt_fmt("%sallow = %s\n", grant, allow), LRT_ARGS("chmod", f, "640"));
	cr_expect_eq(r->status, 1, "status %d: %s%s", r->status, r->out, r->err);
	cr_expect(lrt_contains(r->err, "landrun: denied "), "no denial line: %s", r->err);
	lrt_free(r);
	cr_expect_eq(lrt_mode_of(f), 0600, "the helper made a chmod the allow list denies");
	r = logged(lrt_fmt("%sallow = %s\n  chmod fchmodat fchmodat2\n", grant, allow), LRT_ARGS("chmod", f, "640"));
	cr_expect_eq(r->status, 0, "status %d: %s%s", r->status, r->out, r->err);
	lrt_free(r);
	cr_expect_eq(lrt_mode_of(f), 0640, "the helper did not make the allowed chmod");
}

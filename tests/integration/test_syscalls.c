/* The seccomp baseline and [syscalls]: each denial attempted, with a granted twin. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

static char *T;

static void setup(void) { T = lrt_mkdtemp("/var/tmp"); }
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(syscalls, .init = setup, .fini = teardown);

/* Runs the probe under base + extra; returns the result (caller frees). */
static struct lrt_result *under(const char *extra, const char *const probe_args[])
{
	char *pol = lrt_policy(T, "sys", extra);
	struct lrt_result *r = lrt_run_probe(T, NULL, pol, probe_args);
	free(pol);
	return r;
}

#define EXPECT LRT_EXPECT

Test(syscalls, tiocsti_denied_even_with_high_bits)
{
	EXPECT(under("", LRT_ARGS("tiocsti", "low")), 1, "denied EPERM");
	EXPECT(under("", LRT_ARGS("tiocsti", "high")), 1, "denied EPERM");
	/* twin: other ioctls on the same fd reach the kernel (ENOTTY: stdin is /dev/null) */
	EXPECT(under("", LRT_ARGS("tcgets")), 0, "passed-filter");
	/* and removing the item by name lets TIOCSTI through to the kernel */
	EXPECT(under("[syscalls]\nallow = ioctl\n", LRT_ARGS("tiocsti", "high")), 0, "passed-filter");
}

Test(syscalls, x32_abi_is_killed)
{
	struct lrt_result *r = under("", LRT_ARGS("x32"));
	cr_expect_eq(r->signal, SIGSYS, "status %d: %s%s", r->status, r->out, r->err);
	lrt_free(r);
}

Test(syscalls, i386_entry_is_killed)
{
	/* twin first: outside the sandbox the i386 entry works (if the kernel has IA32 emulation) */
	int st = system(lrt_fmt("%s i386 >/dev/null 2>&1", lrt_probe()));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		cr_skip_test("this kernel has no i386 emulation (int 0x80 fails outside the sandbox too)");
	struct lrt_result *r = under("", LRT_ARGS("i386"));
	cr_expect_eq(r->signal, SIGSYS, "status %d: %s%s", r->status, r->out, r->err);
	lrt_free(r);
}

Test(syscalls, namespaces_denied)
{
	EXPECT(under("", LRT_ARGS("unshare-user")), 1, "denied EPERM");
	EXPECT(under("", LRT_ARGS("clone-newuser")), 1, "denied EPERM");
	/* twin: a plain fork works */
	EXPECT(under("", LRT_ARGS("fork")), 0, "ok");
}

Test(syscalls, namespaces_allowed_by_name)
{
	struct lrt_result *r = under("[syscalls]\nallow = @namespaces\n", LRT_ARGS("clone-newuser"));
	/* the filter no longer stops it: success, or a kernel refusal other than the filter's EPERM */
	cr_expect(r->status == 0 || !lrt_contains(r->out, "EPERM"), "%s%s", r->out, r->err);
	lrt_free(r);
}

Test(syscalls, clone3_and_io_uring_get_enosys)
{
	EXPECT(under("", LRT_ARGS("thread-clone3")), 1, "denied ENOSYS");
	EXPECT(under("", LRT_ARGS("io_uring")), 1, "denied ENOSYS");
}

Test(syscalls, debug_and_kernel_interfaces_denied)
{
	char *ppid = lrt_fmt("%d", getpid());
	EXPECT(under("", LRT_ARGS("ptrace", ppid)), 1, "denied EPERM");
	EXPECT(under("", LRT_ARGS("bpf")), 1, "denied EPERM");
	EXPECT(under("", LRT_ARGS("mount")), 1, "denied EPERM");
	EXPECT(under("", LRT_ARGS("keyctl")), 1, "denied EPERM");
	/* twin: the keyring group removed by name reaches the kernel */
	struct lrt_result *r = under("[syscalls]\nallow = @keyring\n", LRT_ARGS("keyctl"));
	cr_expect(!lrt_contains(r->out, "EPERM"), "%s", r->out);
	lrt_free(r);
	free(ppid);
}

Test(syscalls, personality_query_only)
{
	EXPECT(under("", LRT_ARGS("personality", "0xffffffff")), 0, "ok");
	EXPECT(under("", LRT_ARGS("personality", "0x0040000")), 1, "denied EPERM");
	EXPECT(under("", LRT_ARGS("personality-hi", "0x0040000")), 1, "denied EPERM");
}

Test(syscalls, setuid_chmod_denied)
{
	char *f = lrt_fmt("%s/w/f", T);
	char *d = lrt_fmt("%s/w", T);
	cr_assert_eq(system(lrt_fmt("mkdir -p %s && touch %s", d, f)), 0);
	char *rw = lrt_fmt("rw = %s\n", d);
	EXPECT(under(rw, LRT_ARGS("chmod", f, "755")), 0, "ok");
	EXPECT(under(rw, LRT_ARGS("chmod", f, "4755")), 1, "denied EPERM");
	EXPECT(under(rw, LRT_ARGS("chmod", f, "2755")), 1, "denied EPERM");
	EXPECT(under(rw, LRT_ARGS("chmod-hi", f, "4755")), 1, "denied EPERM");
}

Test(syscalls, socket_families_and_types)
{
	char af_packet[8], af_inet[8], af_inet6[8], raw[8], stream[8], dgram[8];
	snprintf(af_packet, 8, "%d", AF_PACKET);
	snprintf(af_inet, 8, "%d", AF_INET);
	snprintf(af_inet6, 8, "%d", AF_INET6);
	snprintf(raw, 8, "%d", SOCK_RAW);
	snprintf(stream, 8, "%d", SOCK_STREAM);
	snprintf(dgram, 8, "%d", SOCK_DGRAM);
	EXPECT(under("", LRT_ARGS("socket", af_packet, raw)), 1, "denied EAFNOSUPPORT");
	/* high bits set in every argument: the kernel ignores them, so must the filter */
	EXPECT(under("", LRT_ARGS("socket", af_packet, raw, "0", "hi")), 1, "denied EAFNOSUPPORT");
	EXPECT(under("", LRT_ARGS("socket", af_inet, stream, "262", "hi")), 1, "denied EPERM");
	EXPECT(under("", LRT_ARGS("socket", af_inet, dgram, "0", "hi")), 1, "denied EPERM");
	EXPECT(under("", LRT_ARGS("socket", af_inet, raw, "1")), 1, "denied EPERM");
	EXPECT(under("", LRT_ARGS("socket", af_inet, stream, "262")), 1, "denied EPERM"); /* MPTCP */
	EXPECT(under("", LRT_ARGS("socket", af_inet, stream, "132")), 1, "denied EPERM"); /* SCTP */
	EXPECT(under("", LRT_ARGS("socket", af_inet, dgram)), 1, "denied EPERM");        /* UDP */
	EXPECT(under("", LRT_ARGS("socket", af_inet6, stream)), 0, "ok");
	EXPECT(under("", LRT_ARGS("socket", af_inet, stream, "6")), 0, "ok");
	EXPECT(under("[network]\nudp = yes\n", LRT_ARGS("socket", af_inet, dgram)), 0, "ok");
	EXPECT(under("[network]\nudp = yes\n", LRT_ARGS("udp-send", "9")), 0, "ok");
	EXPECT(under("[network]\nfamilies = unix\n", LRT_ARGS("socket", af_inet, stream)), 1, "denied EAFNOSUPPORT");
	/* socket type flags share the field: SOCK_DGRAM|SOCK_CLOEXEC is still UDP */
	char dgram_cloexec[16];
	snprintf(dgram_cloexec, 16, "%d", SOCK_DGRAM | SOCK_CLOEXEC);
	EXPECT(under("", LRT_ARGS("socket", af_inet, dgram_cloexec)), 1, "denied EPERM");
	char unixs[8];
	snprintf(unixs, 8, "%d", AF_UNIX);
	EXPECT(under("", LRT_ARGS("socketpair", unixs)), 0, "ok");
	EXPECT(under("", LRT_ARGS("socketpair", af_inet)), 1, "denied EAFNOSUPPORT");
}

Test(syscalls, deny_list_with_actions)
{
	char *ppid = lrt_fmt("%d", getpid());
	EXPECT(under("[syscalls]\ndeny = getpid:errno:EACCES\n", LRT_ARGS("pid")), 0, "-1");
	EXPECT(under("[syscalls]\ndeny = mkdir:errno:EROFS\n", LRT_ARGS("mkdir", "/tmp/x")), 1, "denied EROFS");
	struct lrt_result *r = under("[syscalls]\ndeny = kill:kill\n", LRT_ARGS("kill", ppid));
	cr_expect_eq(r->signal, SIGSYS, "status %d %s", r->status, r->out);
	lrt_free(r);
	EXPECT(under("[syscalls]\naction = errno:EACCES\n", LRT_ARGS("bpf")), 1, "denied EACCES");
}

Test(syscalls, default_deny_allowlist)
{
	const char *allow = "[syscalls]\ndefault = deny\nallow = @system-service\n";
	EXPECT(under(allow, LRT_ARGS("fork")), 0, "ok");
	/* the baseline still holds inside an allowlist that names the syscalls through a group */
	EXPECT(under(allow, LRT_ARGS("tiocsti", "high")), 1, "denied EPERM");
	EXPECT(under(allow, LRT_ARGS("tcgets")), 0, "passed-filter");
	EXPECT(under(allow, LRT_ARGS("unshare-user")), 1, "denied EPERM");
	char af_inet[8], stream[8], dgram[8];
	snprintf(af_inet, 8, "%d", AF_INET);
	snprintf(stream, 8, "%d", SOCK_STREAM);
	snprintf(dgram, 8, "%d", SOCK_DGRAM);
	EXPECT(under(allow, LRT_ARGS("socket", af_inet, stream)), 0, "ok");
	EXPECT(under(allow, LRT_ARGS("socket", af_inet, dgram)), 1, "denied");
	/* a syscall outside the allowlist gets the action */
	EXPECT(under("[syscalls]\ndefault = deny\nallow = @system-service\ndeny = mkdir\n", LRT_ARGS("mkdir", "/tmp/y")), 1, "denied EPERM");
}

Test(syscalls, allow_lifts_baseline_only_when_default_is_allow)
{
	/* with default = deny, naming ioctl in the allow list keeps the TIOCSTI denial */
	EXPECT(under("[syscalls]\ndefault = deny\nallow = @system-service ioctl\n", LRT_ARGS("tiocsti", "high")), 1, "denied EPERM");
	/* baseline_except lifts it in either mode */
	EXPECT(under("[syscalls]\ndefault = deny\nallow = @system-service\nbaseline_except = ioctl\n",
		     LRT_ARGS("tiocsti", "high")), 0, "passed-filter");
	/* (metadata = any: else the metadata rule, not the baseline, refuses a chmod outside the grants) */
	EXPECT(under("[syscalls]\nbaseline_except = @chmod\n[filesystem]\nmetadata = any\n", LRT_ARGS("chmod", "/nonexistent", "4755")), 1, "ENOENT");
	EXPECT(under("[syscalls]\nallow = @chmod\n[filesystem]\nmetadata = any\n", LRT_ARGS("chmod", "/nonexistent", "4755")), 1, "ENOENT");
	EXPECT(under("", LRT_ARGS("chmod", "/nonexistent", "4755")), 1, "EPERM");
}

Test(syscalls, socket_rules_are_network_policy_not_liftable_by_allow)
{
	char af_inet[8], dgram[8];
	snprintf(af_inet, 8, "%d", AF_INET);
	snprintf(dgram, 8, "%d", SOCK_DGRAM);
	EXPECT(under("[syscalls]\nallow = socket\n", LRT_ARGS("socket", af_inet, dgram)), 1, "denied EPERM");
	EXPECT(under("[syscalls]\nbaseline_except = socket\n", LRT_ARGS("socket", af_inet, dgram)), 1, "denied EPERM");
}

Test(syscalls, log_action_cannot_weaken_a_denial)
{
	struct lrt_result *r = under("[syscalls]\ndeny = ioctl:log\n", LRT_ARGS("pid"));
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "deny = ioctl:log would let ioctl through"), "%s", r->err);
	lrt_free(r);
	/* on a syscall the baseline does not deny, log is fine: the call goes through */
	EXPECT(under("[syscalls]\ndeny = getppid:log\n", LRT_ARGS("pid")), 0, "");
}

/* The calls every process needs cannot be denied: landrun execs the command after loading the
 * filter, and a process that cannot exit_group dies of SIGSEGV in glibc's _exit instead. */
Test(syscalls, essentials_cannot_be_denied)
{
	char *dir = lrt_fmt("%s/d", T);
	struct lrt_result *r = under("[syscalls]\ndeny = exit_group\n", LRT_ARGS("mkdir", dir));
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "sys.ini:") &&
		  lrt_contains(r->err, ": exit_group cannot be denied: no process could end"), "%s", r->err);
	lrt_free(r);
	r = under("[syscalls]\ndeny = execve\n", LRT_ARGS("mkdir", dir));
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "execve cannot be denied: landrun loads the filter before it executes the "
				       "command; to keep the command from running other programs use [exec] allow = none"),
		  "%s", r->err);
	lrt_free(r);
	/* the twin: another call denied, the probe runs and sees the denial */
	EXPECT(under("[syscalls]\ndeny = mkdir\n", LRT_ARGS("mkdir", dir)), 1, "denied EPERM");
	free(dir);
}

/* An allow list holds the essentials even when it does not name them: the syscalls /bin/true uses,
 * learned, without exit_group, exit, rt_sigreturn, restart_syscall and execve, still run it. */
Test(syscalls, allow_list_always_holds_the_essentials)
{
	char *learned = lrt_fmt("%s/learned.ini", T);
	struct lrt_result *r = lrt_run(T, LRT_ARGS("learn", "--unconfined", "--syscalls", "-o", learned, "--", "/bin/true"));
	cr_assert_eq(r->status, 0, "learn: %s", r->err);
	lrt_free(r);
	FILE *f = fopen(learned, "r");
	cr_assert_not_null(f);
	char text[16384];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	cr_assert(lrt_contains(text, " exit_group"), "%s", text);
	static const char *const essentials[] = { " exit_group", " exit", " rt_sigreturn", " restart_syscall", " execve" };
	for (size_t i = 0; i < sizeof(essentials) / sizeof(essentials[0]); i++) {
		size_t len = strlen(essentials[i]);
		for (char *p = text; (p = strstr(p, essentials[i]));) {
			if (p[len] == ' ' || p[len] == '\n')
				memmove(p, p + len, strlen(p + len) + 1);
			else
				p += len;
		}
	}
	cr_expect(!lrt_contains(text, " exit_group") && lrt_contains(text, "default = deny"), "%s", text);
	char *pol = lrt_fmt("%s/trimmed.ini", T);
	lrt_write(pol, text);
	r = lrt_run(T, LRT_ARGS("-p", pol, "--", "/bin/true"));
	cr_expect_eq(r->status, 0, "status %d: %s", r->status, r->err);
	lrt_free(r);
	free(pol);
	free(learned);
}

/* TIOCSPGRP / TIOCSCTTY would make the sandbox the terminal's foreground group: refused, compared
 * as 32 bits like TIOCSTI. stdin is /dev/null: ENOTTY means the call reached the kernel. */
Test(syscalls, terminal_foreground_ioctls_denied_even_with_high_bits)
{
	EXPECT(under("", LRT_ARGS("tty-ioctl", "tiocspgrp", "low")), 1, "denied EPERM");
	EXPECT(under("", LRT_ARGS("tty-ioctl", "tiocspgrp", "high")), 1, "denied EPERM");
	EXPECT(under("", LRT_ARGS("tty-ioctl", "tiocsctty", "low")), 1, "denied EPERM");
	EXPECT(under("", LRT_ARGS("tty-ioctl", "tiocsctty", "high")), 1, "denied EPERM");
	/* twin: lifting the ioctl item lets them through to the kernel */
	EXPECT(under("[syscalls]\nbaseline_except = ioctl\n", LRT_ARGS("tty-ioctl", "tiocspgrp", "high")), 0, "passed-filter");
	EXPECT(under("[syscalls]\nbaseline_except = ioctl\n", LRT_ARGS("tty-ioctl", "tiocsctty", "low")), 0, "passed-filter");
}

/* A memfd that can become executable would give back the execution Landlock takes away: refused
 * wherever [filesystem] is restricted, with ENOSYS so callers fall back to a file. */
Test(syscalls, executable_memfd_denied_under_filesystem_restrictions)
{
	EXPECT(under("", LRT_ARGS("memfd", "0x1")), 1, "denied ENOSYS");
	EXPECT(under("", LRT_ARGS("memfd", "0x11")), 1, "denied ENOSYS");   /* MFD_EXEC */
	EXPECT(under("", LRT_ARGS("memfd", "0x1", "hi")), 1, "denied ENOSYS");
	EXPECT(under("", LRT_ARGS("memfd-exec", "/usr/bin/true")), 1, "denied ENOSYS");
	/* twins: MFD_NOEXEC_SEAL (Linux 6.3) passes; lifting the item, or no filesystem rules */
	EXPECT(under("", LRT_ARGS("memfd", "0x9")), 0, "ok");
	EXPECT(under("[syscalls]\nbaseline_except = memfd_create\n", LRT_ARGS("memfd", "0x1")), 0, "ok");
	EXPECT(under("[filesystem]\nunrestricted = yes\n", LRT_ARGS("memfd", "0x1")), 0, "ok");
}

/* prlimit64 on another process of the same user: the command could take the supervisor's file
 * descriptors away (and so keep it from ending what the command left running). Its own limits
 * stay settable. */
Test(syscalls, prlimit_of_another_process_denied)
{
	char *pol = lrt_policy(T, "sys", "");
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--supervise", "-p", pol, "--", lrt_probe(), "prlimit", "parent"));
	EXPECT(r, 1, "denied EPERM");
	/* twins: its own limits; the supervisor's once the item is lifted (set to what they are) */
	EXPECT(under("", LRT_ARGS("prlimit", "self")), 0, "ok");
	char *lifted = lrt_policy(T, "lifted", "[syscalls]\nbaseline_except = prlimit64\n");
	r = lrt_run(T, LRT_ARGS("--supervise", "-p", lifted, "--", lrt_probe(), "prlimit", "parent"));
	EXPECT(r, 0, "ok");
	free(pol);
	free(lifted);
}

/* A process of the test's user outside the sandbox, without capabilities (the kernel itself
 * refuses to renice a process holding capabilities the caller lacks: root's would prove nothing).
 * It ends when *hold is closed. */
static pid_t bystander(int *hold)
{
	int p[2];
	cr_assert(pipe(p) == 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		close(p[1]);
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
		char c;
		_exit(syscall(SYS_capset, &h, d) == 0 && read(p[0], &c, 1) == 0 ? 0 : 1);
	}
	close(p[0]);
	*hold = p[1];
	return pid;
}

/* Another process's scheduling: the command could make any process of the user (the supervisor,
 * its own metadata helper) SCHED_IDLE or nice 19, which an unprivileged process can never undo.
 * Its own stays settable. (The probe sets the value the process has: nothing changes.) */
Test(syscalls, scheduling_of_another_process_denied)
{
	int hold;
	pid_t other = bystander(&hold);
	char *pid = lrt_fmt("%d", (int)other);
	char *pol = lrt_policy(T, "sys", "");
	EXPECT(under("", LRT_ARGS("sched", pid)), 1, "denied EPERM");
	EXPECT(under("", LRT_ARGS("renice", pid)), 1, "denied EPERM");
	/* twins: its own; the other's once the items are lifted */
	EXPECT(under("", LRT_ARGS("sched", "self")), 0, "ok");
	EXPECT(under("", LRT_ARGS("renice", "self")), 0, "ok");
	const char *lift = "[syscalls]\nbaseline_except = sched_setscheduler setpriority\n";
	EXPECT(under(lift, LRT_ARGS("sched", pid)), 0, "ok");
	EXPECT(under(lift, LRT_ARGS("renice", pid)), 0, "ok");
	close(hold);
	int st;
	cr_assert_eq(waitpid(other, &st, 0), other);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the bystander could not drop its capabilities");
	free(pol);
	free(pid);
}

/* File handles skip path checks where CAP_DAC_READ_SEARCH is kept. */
Test(syscalls, file_handles_denied)
{
	char *file = lrt_fmt("%s/handle", T);
	lrt_write(file, "x");
	/* twin first: the file system gives handles at all */
	int st = system(lrt_fmt("%s name-to-handle %s >/dev/null 2>&1", lrt_probe(), file));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		cr_skip_test("the file system under %s gives no file handles", T);
	char *ro = lrt_fmt("ro = %s\n", T);
	EXPECT(under(ro, LRT_ARGS("name-to-handle", file)), 1, "denied ENOSYS");
	char *lifted = lrt_fmt("%s[syscalls]\nbaseline_except = name_to_handle_at\n", ro);
	EXPECT(under(lifted, LRT_ARGS("name-to-handle", file)), 0, "ok");
	/* open_by_handle_at: the filter's errno (EACCES here) rather than the kernel's EPERM */
	EXPECT(under(lrt_fmt("%saction = errno:EACCES\n", lifted), LRT_ARGS("open-by-handle", file)), 1, "denied EACCES");
	/* twin: lifted, the call reaches the kernel, which opens the file where the capability is
	 * kept (root) and answers EPERM without it */
	char *both = lrt_fmt("%s[syscalls]\nbaseline_except = name_to_handle_at open_by_handle_at\n", ro);
	if (lrt_is_root())
		EXPECT(under(lrt_fmt("%s[process]\ncapabilities = dac_read_search\n", both), LRT_ARGS("open-by-handle", file)),
		       0, "ok");
	EXPECT(under(both, LRT_ARGS("open-by-handle", file)), 1, "denied EPERM");
}

/* dev = DIR: ioctl on the devices beneath the directory (a pty under /dev/pts here); opening them
 * still needs a read or write grant. */
Test(syscalls, dev_directory_grants_ioctl_beneath)
{
	if (lrt_abi_below(5))
		cr_skip_test("capped below Landlock ABI 5: no device ioctl restrictions");
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
		cr_skip_test("no pseudo-terminals here");
	char *pts = ptsname(m);
	cr_assert(pts);
	EXPECT(under("rw = /dev/pts\ndev = /dev/pts\n", LRT_ARGS("dev-ioctl", pts)), 0, "ok");
	/* twin: the same open without the dev grant, the ioctl refused by Landlock */
	EXPECT(under("rw = /dev/pts\n", LRT_ARGS("dev-ioctl", pts)), 1, "denied EACCES");
	/* a directory that is neither: still refused for a regular file */
	char *file = lrt_fmt("%s/plain", T);
	lrt_write(file, "x");
	struct lrt_result *r = under(lrt_fmt("dev = %s\n", file), LRT_ARGS("exit", "0"));
	cr_expect(r->status == 125 && lrt_contains(r->err, "not a device file or a directory"), "%s", r->err);
	lrt_free(r);
	close(m);
}

/* Applying the sandbox and executing the command (see apply.h). Everything here between fork and
 * exec is async-signal-safe: raw syscalls on what compile prepared, no allocation, no stdio. */
#include "apply.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock_abi.h"
#include "names.h"
#include "notify.h"
#include "process.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

static int apply_rlimits(const struct lr_sandbox *sb)
{
	for (int i = 0; i < LR_RLIMIT_COUNT; i++)
		if (sb->rlimit_set[i] && setrlimit(lr_rlimit_resource(i), &sb->rlimits[i]) < 0)
			return -1;
	return 0;
}

static int apply_caps(const struct lr_sandbox *sb, const char **step)
{
	/* Bounding set first: dropping it needs CAP_SETPCAP, which the capset below removes.
	 * Without CAP_SETPCAP it cannot be dropped, and need not be: no_new_privs keeps exec from
	 * gaining anything from it. */
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];
	*step = "capget";
	if (lr_caps_get(&hdr, data) < 0)
		return -1;
	bool can_setpcap = data[0].effective & (1u << CAP_SETPCAP);
	*step = "prctl(PR_CAPBSET_DROP)";
	for (unsigned cap = 0; can_setpcap && cap <= 63; cap++) {
		if (sb->caps_keep & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap) < 0) {
			if (errno == EINVAL)
				break; /* past the kernel's last capability */
			return -1;
		}
	}
	for (int i = 0; i < 2; i++) {
		uint32_t keep = (uint32_t)(sb->caps_keep >> (32 * i));
		data[i].effective = data[i].permitted = data[i].inheritable = keep;
	}
	*step = "capset";
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -1;
	*step = "prctl(PR_CAP_AMBIENT)";
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -1;
	for (unsigned cap = 0; cap <= 63; cap++)
		if ((sb->caps_keep & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return -1;
	return 0;
}

enum { FD_LISTS_MAX = 4 };

int lr_close_fds_except(const struct lr_fd_list *lists, unsigned nlists)
{
	unsigned at[FD_LISTS_MAX] = { 0 }, from = 3;
	if (nlists > FD_LISTS_MAX)
		return errno = EINVAL, -1;
	for (;;) {
		/* the smallest fd not looked at yet, of all lists: the lists merged in order */
		int which = -1;
		for (unsigned l = 0; l < nlists; l++)
			if (at[l] < lists[l].n &&
			    (which < 0 || lists[l].fd[at[l]] < lists[which].fd[at[which]]))
				which = (int)l;
		if (which < 0)
			break;
		int keep = lists[which].fd[at[which]++];
		if (keep < 3)
			continue;
		unsigned fd = (unsigned)keep;
		if (fd > from && syscall(SYS_close_range, from, fd - 1, 0) < 0)
			return -1;
		if (fd + 1 > from)
			from = fd + 1;
	}
	return (int)syscall(SYS_close_range, from, ~0U, 0);
}

/* Threads of this process: field 20 of /proc/self/stat, read with raw calls (async-signal-safe);
 * 0 when it cannot be read. */
static long count_threads(void)
{
	char buf[1024];
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	const char *p = strrchr(buf, ')'); /* the command name before it may hold anything */
	int field = 2;
	for (p = p ? p + 1 : buf + n; *p && field < 20; p++)
		field += *p == ' ';
	long threads = 0;
	for (; field == 20 && *p >= '0' && *p <= '9'; p++)
		threads = threads * 10 + (*p - '0');
	return threads;
}

/* landlock_restrict_self's flags. all_threads (landrun_apply: the caller may have threads): at
 * ABI 8 TSYNC restricts every thread; below it, strict refuses a process with more than one
 * thread (or one it cannot count), since the others would stay unrestricted. */
static int restrict_flags(const struct lr_sandbox *sb, bool all_threads, uint32_t *flags, const char **step)
{
	*flags = sb->restrict_flags;
	if (!all_threads)
		return 0;
	if (sb->abi >= 8) {
		*flags |= LR_RESTRICT_SELF_TSYNC;
		return 0;
	}
	if (sb->strict && count_threads() != 1) {
		*step = "landlock_restrict_self: this process has other threads, and restricting them too needs "
			"Landlock ABI 8 (Linux 7.0, LANDLOCK_RESTRICT_SELF_TSYNC); apply in a single-threaded child "
			"(landrun_spawn, or fork) or use compat = best-effort";
		errno = EOPNOTSUPP;
		return -1;
	}
	return 0;
}

/* The order, and why:
 *  - rlimits first: raising a hard limit needs CAP_SYS_RESOURCE, which the next step may drop;
 *  - capabilities, the bounding set before capset (see apply_caps);
 *  - no_new_privs before landlock_restrict_self and seccomp: an unprivileged process needs it
 *    for both (and the capabilities are gone by now), and it keeps exec from gaining privileges;
 *  - the metadata helper (metadata = granted) after them, with the command's capabilities and
 *    no_new_privs, and before landlock_restrict_self, outside the command's domain (notify.h);
 *    named this process's tracer at once, before a filter may deny the prctl;
 *  - the metadata program right after Landlock: the listener is sent and closed before the
 *    fds are, and the calls made until the exec are none of its; or, for the CLI's own helper,
 *    as the tail of the deny list (metadata.c), loaded last with it;
 *  - landlock_restrict_self, then close_range: the ruleset fd (and, with defer_close, the rule
 *    fds) must still be open for restrict_self, and close_range is what closes them;
 *  - setsid, which needs none of the above undone;
 *  - seccomp last: from here on the filter judges every syscall, and the steps above (prctl,
 *    landlock_restrict_self, close_range, setsid) are nothing a command needs, so a filter may
 *    well deny them; only the exec follows, which every filter allows. */
static int apply_steps(const struct lr_sandbox *sb, const int *keep, unsigned nkeep, bool all_threads,
		       const struct lr_child_fds *fds, const char **step)
{
	int helper_sock = fds->helper_sock, ruleset_fd = fds->ruleset_fd;
	*step = "setrlimit";
	if (apply_rlimits(sb))
		return -1;
	if (apply_caps(sb, step)) /* names the call that failed */
		return -1;
	*step = "prctl(PR_SET_NO_NEW_PRIVS)";
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	/* the library's helper serves every child (helper_sock >= 0); the CLI starts one per command */
	struct lr_notify notify = { helper_sock, -1, fds->helper_pid, NULL };
	bool with_helper = lr_sandbox_has_helper(sb);
	if (with_helper && helper_sock < 0 && lr_notify_start(sb, &notify, step) < 0)
		return -1;
	/* the helper may read this process's memory under Yama's ptrace_scope 1 (notify.h); without
	 * Yama the call fails (EINVAL), and nothing is needed */
	if (with_helper && notify.pid > 0)
		(void)prctl(PR_SET_PTRACER, (unsigned long)notify.pid, 0, 0, 0);
	if (ruleset_fd >= 0) {
		uint32_t flags;
		if (restrict_flags(sb, all_threads, &flags, step))
			return -1;
		*step = all_threads && (flags & LR_RESTRICT_SELF_TSYNC) ? "landlock_restrict_self(TSYNC)"
									 : "landlock_restrict_self";
		if (syscall(LR_SYS_landlock_restrict_self, ruleset_fd, flags) < 0)
			return -1;
	}
	if (sb->metadata_len && !sb->metadata_folded &&
	    lr_metadata_load(sb, with_helper ? &notify : NULL, all_threads, step))
		return -1;
	*step = "close_range";
	/* the verified copy is executed after this: it stays open (O_CLOEXEC closes it then) */
	const struct lr_fd_list keep_lists[] = {
		{ sb->keep_fds, sb->nkeep_fds },
		{ keep, keep ? nkeep : 0 },
		{ &sb->exec_fd, sb->exec_fd >= 0 },
	};
	if (lr_close_fds_except(keep_lists, LR_ARRAY_LEN(keep_lists)))
		return -1;
	if (sb->new_session) {
		*step = "setsid";
		/* already leading its own session (setsid(1) started it): nothing to do */
		if (setsid() < 0 && !(errno == EPERM && getsid(0) == getpid()))
			return -1;
	}
	for (int i = 0; i < 2; i++) {
		if (!sb->bpf_len[i])
			continue;
		if (i == 0 && sb->metadata_folded && with_helper) { /* the CLI's own helper */
			if (lr_notify_load_last(sb, &notify, step))
				return -1;
			continue;
		}
		*step = "seccomp(SECCOMP_SET_MODE_FILTER)";
		/* the kernel only reads the program: the cast drops const for the uapi struct */
		struct sock_fprog prog = { .len = sb->bpf_len[i], .filter = (struct sock_filter *)sb->bpf[i] };
		/* TSYNC: every thread, or none (a positive return names a thread that could not follow) */
		long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, all_threads ? SECCOMP_FILTER_FLAG_TSYNC : 0, &prog);
		if (rc > 0)
			errno = EBUSY;
		if (rc != 0)
			return -1;
	}
	return 0;
}

int lr_sandbox_apply(const struct lr_sandbox *sb, const int *keep, unsigned nkeep, const char **step)
{
	const struct lr_child_fds own = { -1, -1, sb->ruleset_fd };
	return apply_steps(sb, keep, nkeep, false, &own, step);
}

int lr_sandbox_apply_self(const struct lr_sandbox *sb, const char **step)
{
	const struct lr_child_fds own = { sb->notify_sock, sb->notify_pid, sb->ruleset_fd };
	return apply_steps(sb, NULL, 0, true, &own, step);
}

int lr_sandbox_exec(const struct lr_sandbox *sb, const char *path, char *const argv[], const int *keep,
		    unsigned nkeep, const char **step)
{
	const struct lr_child_fds own = { -1, -1, sb->ruleset_fd };
	return lr_sandbox_exec_served(sb, &own, path, argv, keep, nkeep, step);
}

int lr_sandbox_exec_served(const struct lr_sandbox *sb, const struct lr_child_fds *fds, const char *path,
			   char *const argv[], const int *keep, unsigned nkeep, const char **step)
{
	if (apply_steps(sb, keep, nkeep, false, fds, step) < 0)
		return -1;
	*step = "execve";
	if (sb->exec_fd >= 0)
		/* the verified, sealed copy: the bytes that were hashed are the bytes that run */
		syscall(SYS_execveat, sb->exec_fd, "", argv, sb->envp, AT_EMPTY_PATH);
	else
		execve(path, argv, sb->envp);
	return -1;
}

void lr_child_reset_signals(const struct sigaction *sigchld)
{
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;
		if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &sa) < 0)
			continue;
		bool own_sigchld = sig == SIGCHLD && sigchld;
		if (own_sigchld)
			sa = *sigchld;
		bool plain = !(sa.sa_flags & SA_SIGINFO);
		bool ignored = plain && sa.sa_handler == SIG_IGN;
		if (!own_sigchld && plain && (ignored || sa.sa_handler == SIG_DFL))
			continue;
		struct sigaction set = { .sa_handler = ignored ? SIG_IGN : SIG_DFL };
		sigemptyset(&set.sa_mask);
		sigaction(sig, &set, NULL);
	}
}

/* After a Landlock EACCES: is the command itself under an execute grant? (Text compare on the
 * canonical path; stat and readlink are not restricted by Landlock.) */
static bool execute_granted(const struct lr_policy *p, const char *path)
{
	char real[PATH_MAX];
	if (!realpath(path, real))
		return false;
	for (size_t i = 0; i < p->paths.len; i++) {
		const struct lr_path_rule *r = lr_vec_at(&p->paths, i);
		char rp[PATH_MAX];
		if ((r->access != LR_ROX && r->access != LR_RWX) || !realpath(r->path, rp))
			continue;
		if (lr_path_beneath(real, rp))
			return true;
	}
	return false;
}

int lr_exec_failure(const struct lr_sandbox *sb, const struct lr_policy *p, const char *path, const char *step,
		    int errnum, struct lr_error *err)
{
	if (strcmp(step, "execve") != 0)
		return lr_fail(err, NULL, "%s failed: %s; the command was not run", step, strerror(errnum)), LR_EXIT_LANDRUN;
	if (errnum == EACCES && (sb->handled_fs & LR_FS_EXECUTE)) {
		if (!p)
			return lr_fail(err, NULL, "%s: permission denied: the policy does not grant execute on it or "
				       "on its interpreter (add them to rox = or rwx = in [filesystem])", path), LR_EXIT_CANNOT_EXECUTE;
		if (!execute_granted(p, path))
			return lr_fail(err, NULL, "%s: permission denied: the policy does not grant execute on it "
				       "(add it, or a directory above it, to rox = or rwx = in [filesystem])", path), LR_EXIT_CANNOT_EXECUTE;
		return lr_fail(err, NULL, "%s: permission denied: execute is granted on the command but not on "
			       "its interpreter (ELF loader or #! interpreter): add that to rox =", path), LR_EXIT_CANNOT_EXECUTE;
	}
	if (errnum == ENOENT)
		return lr_fail(err, NULL, "%s: cannot execute: %s (a missing ELF interpreter or #! interpreter?)",
			       path, strerror(errnum)), LR_EXIT_NOT_FOUND;
	return lr_fail(err, NULL, "%s: cannot execute: %s", path, strerror(errnum)), LR_EXIT_CANNOT_EXECUTE;
}

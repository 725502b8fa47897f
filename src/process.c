/* Process state for the sandbox: rlimits, capabilities, inherited fds, session; and the ordered
 * apply step that runs between compile and exec using raw syscalls only. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "process.h"
#include "landlock_abi.h"
#include "names.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

static const char *env_get(const char *const *environ, const char *name)
{
	return lr_env_lookup(environ, name, strlen(name));
}

/* systemd socket activation: fds 3 .. 3+LISTEN_FDS-1 are ours when LISTEN_PID is this process. */
static unsigned listen_fds(const char *const *environ)
{
	const char *pid = env_get(environ, "LISTEN_PID"), *fds = env_get(environ, "LISTEN_FDS");
	unsigned long long p, n;
	if (!pid || !fds || !lr_parse_uint(pid, 1ULL << 31, &p) || !lr_parse_uint(fds, 4096, &n))
		return 0;
	return p == (unsigned long long)getpid() ? (unsigned)n : 0;
}

static int cmp_int(const void *a, const void *b)
{
	return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

static int plan_fds(struct lr_sandbox *sb, const struct lr_policy *p, const char *const *environ,
		    struct lr_error *err)
{
	unsigned nlisten = sb->socket_activation ? listen_fds(environ) : 0;
	size_t n = p->keep_fds.len + nlisten;
	if (!n)
		return 0;
	int *fds = lr_arena_alloc(&sb->arena, n * sizeof(int));
	if (!fds)
		return lr_fail(err, NULL, "out of memory");
	for (size_t i = 0; i < p->keep_fds.len; i++)
		fds[i] = *(int *)lr_vec_at(&p->keep_fds, i);
	for (unsigned i = 0; i < nlisten; i++)
		fds[p->keep_fds.len + i] = 3 + (int)i;
	qsort(fds, n, sizeof(int), cmp_int);
	sb->keep_fds = fds;
	sb->nkeep_fds = (unsigned)n;
	if (nlisten)
		lr_sandbox_note(sb, false, "socket activation: keeping fds 3..%u (LISTEN_FDS)", 2 + nlisten);
	return 0;
}

/* This process's capability sets (raw: async-signal-safe, for the apply step too). */
static int get_caps(struct __user_cap_header_struct *hdr, struct __user_cap_data_struct data[2])
{
	*hdr = (struct __user_cap_header_struct){ _LINUX_CAPABILITY_VERSION_3, 0 };
	memset(data, 0, 2 * sizeof(*data));
	return (int)syscall(SYS_capget, hdr, data);
}

static int plan_caps(struct lr_sandbox *sb, const struct lr_policy *p, struct lr_error *err)
{
	sb->caps_keep = p->caps_keep;
	if (!sb->caps_keep)
		return 0;
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];
	if (get_caps(&hdr, data) < 0)
		return lr_fail(err, &p->caps_set.at, "cannot read this process's capabilities: %s", strerror(errno));
	uint64_t permitted = data[0].permitted | (uint64_t)data[1].permitted << 32;
	for (unsigned cap = 0; cap <= CAP_LAST_CAP; cap++)
		if ((sb->caps_keep & (1ULL << cap)) && !(permitted & (1ULL << cap)))
			return lr_fail(err, &p->caps_set.at, "capabilities: cannot keep CAP_%s: landrun does not have it",
				       lr_cap_name(cap));
	return 0;
}

int lr_process_compile(struct lr_sandbox *sb, const struct lr_policy *p, const char *const *environ,
		       struct lr_error *err)
{
	for (int i = 0; i < LR_RLIMIT_COUNT; i++) {
		if (p->rlimits[i].set) {
			sb->rlimits[i].rlim_cur = sb->rlimits[i].rlim_max = p->rlimits[i].value;
			sb->rlimit_set[i] = true;
		}
	}
	if (!p->rlimits[LR_RLIMIT_CORE].set) {
		/* No core dumps by default: they would write the sandbox's memory outside it. */
		sb->rlimit_set[LR_RLIMIT_CORE] = true;
	}
	sb->new_session = p->new_session.value == LR_YES;
	if (sb->new_session && sb->in_place && getpgrp() == getpid() && getsid(0) != getpid())
		/* exec in place (the CLI): setsid() fails for a process group leader that does not lead
		 * its session already, and there is no fork to get around it */
		return lr_fail(err, &p->new_session.at, "new_session = yes, but landrun is a process group leader "
			       "(started as a shell job or a service), so it cannot start a session in place; "
			       "start it as setsid landrun ... or drop new_session");
	if (plan_fds(sb, p, environ, err) || plan_caps(sb, p, err))
		return -1;
	return 0;
}

/* ---- apply: raw syscalls only from here on ------------------------------------------------ */

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
	if (get_caps(&hdr, data) < 0)
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

/* Closes every fd > 2 except the two sorted keep lists (the sandbox's and the caller's). */
static int close_fds(const struct lr_sandbox *sb, const int *extra, unsigned nextra)
{
	unsigned from = 3, i = 0, j = 0;
	while (i < sb->nkeep_fds || j < nextra) {
		int take_a = j >= nextra || (i < sb->nkeep_fds && sb->keep_fds[i] <= extra[j]);
		unsigned fd = (unsigned)(take_a ? sb->keep_fds[i++] : extra[j++]);
		if (fd > from && syscall(SYS_close_range, from, fd - 1, 0) < 0)
			return -1;
		if (fd + 1 > from)
			from = fd + 1;
	}
	return (int)syscall(SYS_close_range, from, ~0U, 0);
}

int lr_sandbox_apply(const struct lr_sandbox *sb, const int *keep, unsigned nkeep, const char **step)
{
	*step = "setrlimit";
	if (apply_rlimits(sb))
		return -1;
	if (apply_caps(sb, step)) /* names the call that failed */
		return -1;
	*step = "prctl(PR_SET_NO_NEW_PRIVS)";
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	if (sb->ruleset_fd >= 0) {
		*step = "landlock_restrict_self";
		if (syscall(LR_SYS_landlock_restrict_self, sb->ruleset_fd, 0) < 0)
			return -1;
	}
	*step = "close_range";
	if (close_fds(sb, keep, nkeep))
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
		*step = "seccomp(SECCOMP_SET_MODE_FILTER)";
		/* the kernel only reads the program: the cast drops const for the uapi struct */
		struct sock_fprog prog = { .len = sb->bpf_len[i], .filter = (struct sock_filter *)sb->bpf[i] };
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
			return -1;
	}
	return 0;
}

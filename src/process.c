/* Compile step: process state for the sandbox (rlimits, capabilities, inherited fds, session),
 * planned here and set by apply.c. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "process.h"
#include "names.h"

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
	if (nlisten && lr_sandbox_note(sb, false, "socket activation: keeping fds 3..%u (LISTEN_FDS)", 2 + nlisten))
		return lr_fail(err, NULL, "out of memory");
	return 0;
}

int lr_caps_get(struct __user_cap_header_struct *hdr, struct __user_cap_data_struct data[2])
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
	if (lr_caps_get(&hdr, data) < 0)
		return lr_fail(err, &p->capabilities.at, "cannot read this process's capabilities: %s", strerror(errno));
	uint64_t permitted = data[0].permitted | (uint64_t)data[1].permitted << 32;
	for (unsigned cap = 0; cap <= CAP_LAST_CAP; cap++)
		if ((sb->caps_keep & (1ULL << cap)) && !(permitted & (1ULL << cap)))
			return lr_fail(err, &p->capabilities.at, "capabilities: cannot keep CAP_%s: landrun does not have it",
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
	sb->new_session = p->new_session.on;
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

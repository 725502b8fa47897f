/* The hardened syscall baseline as a constant table (see baseline.h). */
#include "baseline.h"

#include <stdio.h>
#include <string.h>

#define MEMBERS(...) ((const char *const[]){ __VA_ARGS__, NULL })

const struct lr_baseline_item lr_baseline[] = {
	{ "@namespaces", LR_BASELINE_DENY, MEMBERS("unshare", "setns") },
	{ "@namespaces", LR_BASELINE_CLONE, MEMBERS("clone") },
	{ "clone3", LR_BASELINE_ENOSYS, NULL },
	{ "@mount", LR_BASELINE_DENY, NULL },
	{ "@io_uring", LR_BASELINE_ENOSYS, NULL },
	{ "@keyring", LR_BASELINE_DENY, NULL },
	{ "bpf", LR_BASELINE_DENY, NULL },
	{ "perf_event_open", LR_BASELINE_DENY, NULL },
	{ "userfaultfd", LR_BASELINE_DENY, NULL },
	{ "ptrace", LR_BASELINE_DENY, NULL },
	{ "process_vm_readv", LR_BASELINE_DENY, NULL },
	{ "process_vm_writev", LR_BASELINE_DENY, NULL },
	{ "pidfd_getfd", LR_BASELINE_DENY, NULL },
	{ "kcmp", LR_BASELINE_DENY, NULL },
	{ "ioctl", LR_BASELINE_IOCTL, NULL },
	{ "@module", LR_BASELINE_DENY, NULL },
	{ "@reboot", LR_BASELINE_DENY, NULL },
	{ "@swap", LR_BASELINE_DENY, NULL },
	{ "@clock", LR_BASELINE_DENY, NULL },
	{ "@raw-io", LR_BASELINE_DENY, NULL },
	{ "@obsolete", LR_BASELINE_DENY, NULL },
	{ "personality", LR_BASELINE_PERSONALITY, NULL },
	{ "@chmod", LR_BASELINE_CHMOD, NULL },
	/* file handles skip every path check where CAP_DAC_READ_SEARCH is kept (capabilities =);
	 * name_to_handle_at fails with ENOSYS so callers (systemd's mount-id lookups) fall back */
	{ "open_by_handle_at", LR_BASELINE_DENY, NULL },
	{ "name_to_handle_at", LR_BASELINE_ENOSYS, NULL },
	/* an executable memfd gives back the execution Landlock takes away: see emit_memfd in
	 * seccomp.c */
	{ "memfd_create", LR_BASELINE_MEMFD, NULL },
	/* another process's limits: see emit_prlimit in seccomp.c */
	{ "prlimit64", LR_BASELINE_PRLIMIT, NULL },
	/* another process's scheduling: see emit_sched_self in seccomp.c */
	{ "sched_setscheduler", LR_BASELINE_SCHED, NULL },
	{ "sched_setparam", LR_BASELINE_SCHED, NULL },
	{ "sched_setattr", LR_BASELINE_SCHED, NULL },
	{ "setpriority", LR_BASELINE_SCHED, NULL },
	{ "ioprio_set", LR_BASELINE_SCHED, NULL },
};
const size_t lr_baseline_count = sizeof(lr_baseline) / sizeof(lr_baseline[0]);

bool lr_baseline_is_item(const char *name)
{
	for (size_t i = 0; i < lr_baseline_count; i++)
		if (strcmp(lr_baseline[i].name, name) == 0)
			return true;
	return false;
}

const char *lr_baseline_groups(char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < lr_baseline_count; i++) {
		const char *name = lr_baseline[i].name;
		if (name[0] != '@' || (i > 0 && strcmp(lr_baseline[i - 1].name, name) == 0))
			continue;
		int n = snprintf(buf + len, size - len, "%s%s", len ? " " : "", name);
		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
	return buf;
}

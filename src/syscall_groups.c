/* Constant syscall group tables (after systemd's SystemCallFilter= sets) and name/number lookup. */
#include "syscall_groups.h"

#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

/*
 * Members are x86_64 names only; a name that does not exist on the running architecture (e.g.
 * "open" on aarch64) simply does not resolve there and is skipped by the filter compiler.
 * Names ported from other architectures' tables (the *32, *_time64, socketcall, ... variants
 * systemd lists) are left out on purpose.
 */

/* Calls practically every program makes before main() or in libc internals. */
static const char *const g_default[] = {
	/* life cycle */
	"execve", "exit", "exit_group", "restart_syscall", "rt_sigreturn",
	/* memory; mseal only ever restricts the caller, and runtimes may seal at startup */
	"brk", "mmap", "mprotect", "munmap", "membarrier", "mseal",
	/* threads and TLS */
	"arch_prctl", "get_thread_area", "set_thread_area", "set_tid_address", "rseq",
	"get_robust_list", "set_robust_list",
	"futex", "futex_waitv", "futex_wait", "futex_wake", "futex_requeue",
	/* identity queries */
	"getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid", "getresuid",
	"getresgid", "getgroups", "getpgid", "getpgrp", "getsid",
	/* time and sleeping */
	"clock_getres", "clock_gettime", "clock_nanosleep", "gettimeofday", "time", "nanosleep",
	"pause",
	/* misc */
	"getrandom", "getrlimit", "prlimit64", "sched_getaffinity", "sched_yield",
	/* x86_64 uprobe trampolines call these inside traced processes */
	"uretprobe", "uprobe",
	NULL,
};

static const char *const g_io_uring[] = {
	"io_uring_setup", "io_uring_enter", "io_uring_register", NULL,
};

static const char *const g_aio[] = {
	"io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents",
	"@io_uring", NULL,
};

static const char *const g_basic_io[] = {
	"read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2",
	"pwritev2", "lseek", "close", "close_range", "dup", "dup2", "dup3", NULL,
};

static const char *const g_chown[] = {
	"chown", "fchown", "fchownat", "lchown", NULL,
};

static const char *const g_clock[] = {
	"settimeofday", "clock_settime", "clock_adjtime", "adjtimex", NULL,
};

static const char *const g_cpu_emulation[] = {
	"modify_ldt", NULL,
};

static const char *const g_debug[] = {
	"ptrace", "perf_event_open", "pidfd_getfd", "lookup_dcookie", NULL,
};

static const char *const g_file_system[] = {
	/* open, create, remove, rename */
	"open", "openat", "openat2", "creat", "close", "mkdir", "mkdirat", "mknod", "mknodat",
	"rmdir", "unlink", "unlinkat", "rename", "renameat", "renameat2", "link", "linkat",
	"symlink", "symlinkat", "readlink", "readlinkat",
	/* metadata */
	"stat", "lstat", "fstat", "newfstatat", "statx", "statfs", "fstatfs", "access",
	"faccessat", "faccessat2", "chmod", "fchmod", "fchmodat", "fchmodat2", "utime", "utimes",
	"futimesat", "utimensat", "truncate", "ftruncate", "fallocate", "fcntl",
	"file_getattr", "file_setattr",
	/* mapping files (also in @default) */
	"mmap", "munmap",
	/* directories */
	"getcwd", "chdir", "fchdir", "getdents", "getdents64",
	/* extended attributes */
	"getxattr", "lgetxattr", "fgetxattr", "getxattrat", "setxattr", "lsetxattr", "fsetxattr",
	"setxattrat", "listxattr", "llistxattr", "flistxattr", "listxattrat", "removexattr",
	"lremovexattr", "fremovexattr", "removexattrat",
	/* change notification */
	"inotify_init", "inotify_init1", "inotify_add_watch", "inotify_rm_watch",
	NULL,
};

static const char *const g_io_event[] = {
	"select", "pselect6", "poll", "ppoll", "epoll_create", "epoll_create1", "epoll_ctl",
	"epoll_ctl_old", "epoll_wait", "epoll_wait_old", "epoll_pwait", "epoll_pwait2", "eventfd",
	"eventfd2", NULL,
};

static const char *const g_ipc[] = {
	"pipe", "pipe2", "memfd_create",
	/* SysV */
	"msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semtimedop", "semctl",
	"shmget", "shmat", "shmdt", "shmctl",
	/* POSIX message queues */
	"mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
	/* cross-process memory access */
	"process_vm_readv", "process_vm_writev", "process_madvise",
	NULL,
};

static const char *const g_keyring[] = {
	"add_key", "request_key", "keyctl", NULL,
};

static const char *const g_landlock[] = {
	"landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self", NULL,
};

static const char *const g_memlock[] = {
	"mlock", "mlock2", "mlockall", "munlock", "munlockall", NULL,
};

static const char *const g_module[] = {
	"init_module", "finit_module", "delete_module", NULL,
};

static const char *const g_mount[] = {
	"mount", "umount2", "pivot_root", "chroot",
	/* the fd-based mount API */
	"fsopen", "fsconfig", "fsmount", "fspick", "open_tree", "open_tree_attr", "move_mount",
	"mount_setattr", "statmount", "listmount",
	NULL,
};

static const char *const g_chmod[] = {
	"chmod", "fchmod", "fchmodat", "fchmodat2", NULL,
};

/* unshare/setns only: clone's CLONE_NEW* flags are checked by the filter compiler instead. */
static const char *const g_namespaces[] = {
	"unshare", "setns", NULL,
};

static const char *const g_network_io[] = {
	"socket", "socketpair", "bind", "connect", "listen", "accept", "accept4", "getsockname",
	"getpeername", "getsockopt", "setsockopt", "shutdown", "sendto", "sendmsg", "sendmmsg",
	"recvfrom", "recvmsg", "recvmmsg", NULL,
};

/* Unimplemented or long-removed calls that libseccomp still names on x86_64. */
static const char *const g_obsolete[] = {
	"_sysctl", "afs_syscall", "create_module", "get_kernel_syms", "query_module", "getpmsg",
	"putpmsg", "security", "sysfs", "tuxcall", "uselib", "ustat", "vserver", NULL,
};

static const char *const g_pkey[] = {
	"pkey_alloc", "pkey_free", "pkey_mprotect", NULL,
};

static const char *const g_privileged[] = {
	"@chown", "@clock", "@module", "@raw-io", "@reboot", "@swap",
	"_sysctl", "acct", "bpf", "capset", "chroot", "pivot_root", "fanotify_init",
	"fanotify_mark", "nfsservctl", "open_by_handle_at", "quotactl", "quotactl_fd",
	"sethostname", "setdomainname", "setuid", "setreuid", "setresuid", "setfsuid", "setgroups",
	"vhangup", "lsm_set_self_attr", NULL,
};

static const char *const g_process[] = {
	"fork", "vfork", "clone", "clone3", "execveat", "wait4", "waitid", "kill", "tkill", "tgkill",
	"rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_open", "pidfd_send_signal",
	"process_mrelease", "getrusage", "times", "capget", "prctl", "@namespaces", NULL,
};

static const char *const g_raw_io[] = {
	"ioperm", "iopl", NULL,
};

static const char *const g_reboot[] = {
	"reboot", "kexec_load", "kexec_file_load", NULL,
};

static const char *const g_resources[] = {
	"setrlimit", "setpriority", "ioprio_set", "sched_setaffinity", "sched_setattr",
	"sched_setparam", "sched_setscheduler", "set_mempolicy", "set_mempolicy_home_node",
	"mbind", "migrate_pages", "move_pages", NULL,
};

static const char *const g_sandbox[] = {
	"@landlock", "seccomp", NULL,
};

static const char *const g_setuid[] = {
	"setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups", NULL,
};

static const char *const g_signal[] = {
	"rt_sigaction", "rt_sigprocmask", "rt_sigpending", "rt_sigsuspend", "rt_sigtimedwait",
	"sigaltstack", "signalfd", "signalfd4", NULL,
};

static const char *const g_swap[] = {
	"swapon", "swapoff", NULL,
};

static const char *const g_sync[] = {
	"sync", "syncfs", "fsync", "fdatasync", "msync", "sync_file_range", NULL,
};

/* What an ordinary unprivileged daemon needs: the usual base for an allow-list. */
static const char *const g_system_service[] = {
	"@default", "@aio", "@basic-io", "@chown", "@file-system", "@io-event", "@ipc",
	"@keyring", "@memlock", "@network-io", "@process", "@resources", "@setuid", "@signal",
	"@sync", "@timer",
	/* file data movement and hints */
	"copy_file_range", "sendfile", "splice", "tee", "vmsplice", "readahead", "fadvise64",
	"cachestat", "flock", "name_to_handle_at", "ioctl", "umask",
	/* memory */
	"madvise", "mincore", "mremap", "remap_file_pages", "get_mempolicy", "userfaultfd",
	"map_shadow_stack",
	/* scheduling queries */
	"getcpu", "getpriority", "ioprio_get", "sched_getattr", "sched_getparam",
	"sched_getscheduler", "sched_get_priority_max", "sched_get_priority_min",
	"sched_rr_get_interval",
	/* process attributes */
	"capget", "capset", "setfsuid", "setfsgid", "setpgid", "setsid", "personality", "kcmp",
	"lsm_get_self_attr", "lsm_list_modules",
	/* system information */
	"uname", "sysinfo",
	NULL,
};

static const char *const g_timer[] = {
	"alarm", "getitimer", "setitimer", "timer_create", "timer_delete", "timer_settime",
	"timer_gettime", "timer_getoverrun", "timerfd_create", "timerfd_settime", "timerfd_gettime",
	"times", NULL,
};

/* Sorted by name, so --explain and the man page list them in a stable order. */
const struct lr_syscall_group lr_syscall_groups[] = {
	{ "@aio", "Asynchronous I/O (POSIX AIO and io_uring)", g_aio },
	{ "@basic-io", "Reading, writing, seeking and closing file descriptors", g_basic_io },
	{ "@chmod", "Changing file modes (the baseline refuses setuid/setgid bits)", g_chmod },
	{ "@chown", "Changing file ownership", g_chown },
	{ "@clock", "Setting the system clock", g_clock },
	{ "@cpu-emulation", "CPU emulation and segment descriptor tweaks", g_cpu_emulation },
	{ "@debug", "Debugging, tracing and performance monitoring", g_debug },
	{ "@default", "Calls every process needs (startup, threads, time, identity)", g_default },
	{ "@file-system", "File and directory access, metadata and xattrs", g_file_system },
	{ "@io-event", "Waiting for events on file descriptors (poll, epoll, eventfd)", g_io_event },
	{ "@io_uring", "The io_uring interface", g_io_uring },
	{ "@ipc", "Pipes, SysV/POSIX IPC and cross-process memory access", g_ipc },
	{ "@keyring", "The kernel keyring", g_keyring },
	{ "@landlock", "Creating and applying Landlock rulesets", g_landlock },
	{ "@memlock", "Locking memory into RAM", g_memlock },
	{ "@module", "Loading and unloading kernel modules", g_module },
	{ "@mount", "Mounting, unmounting and inspecting mounts; chroot and pivot_root", g_mount },
	{ "@namespaces", "Entering or creating namespaces (unshare, setns)", g_namespaces },
	{ "@network-io", "Socket creation and socket I/O", g_network_io },
	{ "@obsolete", "Unusual, obsolete or unimplemented calls", g_obsolete },
	{ "@pkey", "Memory protection keys", g_pkey },
	{ "@privileged", "Calls that need elevated privileges", g_privileged },
	{ "@process", "Creating, signalling and waiting for processes; namespaces", g_process },
	{ "@raw-io", "Raw I/O port access", g_raw_io },
	{ "@reboot", "Rebooting and loading a new kernel", g_reboot },
	{ "@resources", "Changing resource limits, priorities and memory policy", g_resources },
	{ "@sandbox", "Setting up sandboxes (Landlock, seccomp)", g_sandbox },
	{ "@setuid", "Changing user and group IDs", g_setuid },
	{ "@signal", "Signal handling", g_signal },
	{ "@swap", "Enabling and disabling swap", g_swap },
	{ "@sync", "Flushing file data to storage", g_sync },
	{ "@system-service", "Everything a typical unprivileged service needs", g_system_service },
	{ "@timer", "Interval timers and timer file descriptors", g_timer },
};
const size_t lr_syscall_groups_count = sizeof(lr_syscall_groups) / sizeof(lr_syscall_groups[0]);

/* Linux 6.8 .. 6.17 additions (nothing new in 6.18); common numbers on x86_64 and aarch64. */
const struct lr_extra_syscall lr_extra_syscalls[] = {
	{ "statmount", 457 },         { "listmount", 458 },
	{ "lsm_get_self_attr", 459 }, { "lsm_set_self_attr", 460 },
	{ "lsm_list_modules", 461 },  { "mseal", 462 },
	{ "setxattrat", 463 },        { "getxattrat", 464 },
	{ "listxattrat", 465 },       { "removexattrat", 466 },
	{ "open_tree_attr", 467 },    { "file_getattr", 468 },
	{ "file_setattr", 469 },
#if defined(__x86_64__)
	/* x86_64-only (6.11, 6.18) and below 424, so not in the unified range above. */
	{ "uretprobe", 335 },         { "uprobe", 336 },
#endif
};
const size_t lr_extra_syscalls_count = sizeof(lr_extra_syscalls) / sizeof(lr_extra_syscalls[0]);

/* Syscalls in no group. Listed only so lr_syscall_name can return a constant string for every
 * number libseccomp knows on x86_64 or aarch64, instead of libseccomp's heap copy. */
static const char *const ungrouped[] = {
	"syslog", "memfd_secret", NULL,
};

const struct lr_syscall_group *lr_syscall_group_find(const char *name)
{
	for (size_t i = 0; i < lr_syscall_groups_count; i++)
		if (strcmp(lr_syscall_groups[i].name, name) == 0)
			return &lr_syscall_groups[i];
	return NULL;
}

static int extra_resolve(const char *name)
{
	for (size_t i = 0; i < lr_extra_syscalls_count; i++)
		if (strcmp(lr_extra_syscalls[i].name, name) == 0)
			return lr_extra_syscalls[i].nr;
	return -1;
}

int lr_syscall_resolve(const char *name)
{
	/* libseccomp gives -1 for unknown names and a negative pseudo-number for names that exist
	 * only on other architectures: both mean "not a syscall here". */
	int nr = seccomp_syscall_resolve_name(name);
	return nr >= 0 ? nr : extra_resolve(name);
}

static const char *find_in(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return *list;
	return NULL;
}

/* Our own constant copy of a syscall name, so callers never own (or leak) a string. */
static const char *intern(const char *name)
{
	const char *c = find_in(ungrouped, name);
	for (size_t i = 0; !c && i < lr_syscall_groups_count; i++)
		c = find_in(lr_syscall_groups[i].members, name);
	for (size_t i = 0; !c && i < lr_extra_syscalls_count; i++)
		if (strcmp(lr_extra_syscalls[i].name, name) == 0)
			c = lr_extra_syscalls[i].name;
	return c;
}

const char *lr_syscall_name(int nr)
{
	if (nr < 0) /* libseccomp would name other architectures' pseudo-numbers */
		return NULL;
	char *s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
	const char *c = s ? intern(s) : NULL;
	free(s);
	if (c)
		return c;
	for (size_t i = 0; i < lr_extra_syscalls_count; i++)
		if (lr_extra_syscalls[i].nr == nr)
			return lr_extra_syscalls[i].name;
	return NULL;
}

/* A compiled sandbox: everything prepared before exec, so applying it makes only raw syscalls. */
#ifndef LANDRUN_SANDBOX_H
#define LANDRUN_SANDBOX_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "netcalls.h"
#include "policy.h"
#include "resolve.h"
#include "tmpdir.h"
#include "util.h"

struct lr_compile_opts {
	int abi_cap;   /* test only: pretend the kernel offers at most this ABI (0: no cap; -1: no
			* Landlock at all) */
	bool verbose;  /* keep notes about optional items, and the .git a write grant holds */
	bool no_prebuilt;   /* always compile the seccomp program with libseccomp */
	bool defer_close;   /* single-threaded exec-in-place: leave rule fds to O_CLOEXEC and
			     * the fd closing step instead of closing each one */
	bool socket_activation; /* keep LISTEN_FDS fds and variables (the CLI, not the library) */
	bool in_place;          /* the caller itself will exec (the CLI), not a child */
	bool supervised;        /* the CLI stays as the command's parent: private_tmp applies */
	bool trace_denials;     /* --log-denials: seccomp denials become SECCOMP_RET_TRACE (a traced
				 * child only; implies no_prebuilt) */
	bool notify_pool;       /* the library: one helper per compiled sandbox serves metadata =
				 * granted for every child (notify_pool.h) */
	const char *command;    /* the command as given: resolved with the sandbox's PATH, verified
				 * if [exec] verify names it, its interpreters allowed by [exec] */
};

/* What a traced seccomp denial stands for: the rule that denied it and the errno it fails with. */
struct lr_deny_origin {
	const char *rule; /* "[syscalls] baseline ptrace", "[syscalls] deny = x (FILE:LINE)" */
	int errnum;
};

/* A line for --explain / -v: something dropped, skipped or worth knowing. */
struct lr_note {
	const char *text; /* arena */
	bool warning;     /* printed even without -v */
};

/* The notification program (metadata calls, socket calls): an architecture check and a search
 * tree over syscall numbers. */
enum { LR_METADATA_BPF_MAX = 128 };

/* The most files one command needs executable: itself, its ELF interpreter, #! interpreters. */
enum { LR_EXEC_CHAIN_MAX = 6 };

struct lr_sandbox {
	struct lr_arena arena;
	struct lr_vec notes; /* struct lr_note */

	/* Landlock */
	int kernel_abi;     /* as reported (0: unavailable) */
	int abi;            /* used: kernel_abi, lowered by the test cap */
	const char *landlock_missing; /* why there is no Landlock, or NULL */
	int ruleset_fd;     /* -1: no Landlock ruleset */
	uint64_t handled_fs, handled_net, scoped;
	uint32_t restrict_flags; /* for landlock_restrict_self: [policy] landlock_log (ABI 7) */
	bool strict;             /* compat = strict: landrun_apply refuses what it cannot enforce */
	unsigned fs_rules, net_rules;

	/* seccomp: [0] the deny list (baseline, denials); [1] the allow list with default = deny */
	const struct sock_filter *bpf[2];
	unsigned short bpf_len[2];
	unsigned seccomp_rules;
	bool seccomp_prebuilt; /* the program came from the build-time table */
	/* trace_denials: SECCOMP_RET_TRACE's data indexes this table (which rule, which errno) */
	bool trace_denials;
	const struct lr_deny_origin *deny_origins;
	unsigned ndeny_origins;

	/* [filesystem] metadata as enforced (metadata.h): ANY loads no program; NONE loads
	 * metadata_bpf, which fails the metadata calls with EPERM; GRANTED loads it answering
	 * SECCOMP_RET_USER_NOTIF, a helper (notify.h) deciding by write_dirs. */
	enum lr_metadata metadata;
	struct sock_filter metadata_bpf[LR_METADATA_BPF_MAX];
	unsigned short metadata_len;
	bool metadata_folded;        /* the program is part of bpf[0], not a filter of its own: its head
				      * (NONE), or its tail (the CLI's own helper: bpf[0] is loaded with
				      * the listener, or as bpf0_refusing under a listener already) */
	const struct sock_filter *bpf0_refusing;
	struct lr_vec write_dirs;    /* struct lr_write_dir: the rw, rwx and private_tmp directories */
	struct lr_net_rules net;     /* the socket calls the helper makes (netcalls.h); metadata_bpf
				      * notifies them too when net.on */
	int notify_sock;             /* the library's helper (notify_pool.h): its control socket; -1 */
	int notify_pid;              /* and its pid; -1 */

	/* process */
	struct rlimit rlimits[LR_RLIMIT_COUNT];
	bool rlimit_set[LR_RLIMIT_COUNT];
	uint64_t caps_keep;
	int *keep_fds; /* sorted, ascending */
	unsigned nkeep_fds;
	bool new_session;
	bool socket_activation;
	bool in_place;
	bool verbose; /* notes about optional items are kept (-v, --explain): not formatted otherwise */
	const char *private_tmp; /* created for this run (0700), removed by the supervisor */
	struct lr_tmpdir tmp;    /* private_tmp, held open */

	/* environment: NULL-terminated, strings in the arena */
	char **envp;
	const char *path_env; /* the PATH the command is resolved with */
	const char *const *secret_names; /* NULL-terminated names whose values --explain masks */

	/* the command (when compiled for one) */
	const char *command_path; /* resolved */
	int command_status;       /* 126 / 127 when resolving or verifying it failed */
	int exec_fd;              /* >= 0: the verified copy to execute instead of command_path */
	const char *exec_chain[LR_EXEC_CHAIN_MAX]; /* files [exec] made executable for it: itself, interpreters */
	unsigned nexec_chain;
	struct lr_vec libraries;  /* const char * (arena): add_libraries, the ELF loader and libraries */
	const char *loader_cache; /* add_libraries: /etc/ld.so.cache, read only (the loader's index) */
};

/* Whether a helper answers notifications for this sandbox (metadata = granted, socket calls). */
static inline bool lr_sandbox_has_helper(const struct lr_sandbox *sb)
{
	return sb->metadata == LR_METADATA_GRANTED || sb->net.on;
}

void lr_sandbox_init(struct lr_sandbox *sb);
void lr_sandbox_free(struct lr_sandbox *sb);
/* Adds a note (a warning when warning) for -v and --explain; -1 when out of memory, which must
 * fail the compile: a dropped warning could hide that something is NOT restricted. */
int lr_sandbox_note(struct lr_sandbox *sb, bool warning, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), warn_unused_result));

/* Compiles p into sb: the working-directory checks, private_tmp, then the steps in order (see
 * sandbox.c). */
int lr_sandbox_compile(struct lr_sandbox *sb, const struct lr_policy *p, const struct lr_compile_opts *o,
		       const char *const *environ, struct lr_error *err);

#endif

/* liblandrun: compile a sandbox policy once, then apply it in the current process or in many
 * children. The CLI landrun(1) is a client of this API. See landrun(3). */
#ifndef LANDRUN_H
#define LANDRUN_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LANDRUN_API_VERSION 1

typedef struct landrun_policy landrun_policy;
typedef struct landrun_sandbox landrun_sandbox;

/* Errors carry the same one-line message the CLI prints ("FILE:LINE: what is wrong ..."). */
typedef struct landrun_error {
	int set;
	char msg[1024];
} landrun_error;

/* -- policies ------------------------------------------------------------------------------ */

landrun_policy *landrun_policy_new(void);
void landrun_policy_free(landrun_policy *p);
/* A file path, or a NAME looked up as NAME.ini in the policy directory ("default" is embedded). */
int landrun_policy_load(landrun_policy *p, const char *path_or_name, landrun_error *err);
/* Policy text; name is used in messages. Relative includes are looked up in the policy
 * directory (the text has no directory of its own). */
int landrun_policy_load_string(landrun_policy *p, const char *text, const char *name, landrun_error *err);
/* One "key = value" of [section], as in a policy file: ("filesystem", "rw", "/srv/job") or
 * ("syscalls", "deny", "ptrace"). Adds to what the policy holds. */
int landrun_policy_set(landrun_policy *p, const char *section, const char *key, const char *value,
		       landrun_error *err);

/* -- compiling ----------------------------------------------------------------------------- */

typedef struct landrun_options {
	int abi_cap;        /* testing: pretend the kernel offers at most this Landlock ABI (0: off,
			     * -1: pretend Landlock is missing) */
	char *const *envp;  /* the environment to filter (NULL: environ) */
} landrun_options;

/* Everything that can fail happens here: paths opened, ruleset built, BPF compiled, environment
 * filtered; with metadata = granted, the helper that serves every child's metadata calls started
 * (freed with the sandbox, see landrun(3)). The result is immutable and may be shared by threads. */
landrun_sandbox *landrun_compile(const landrun_policy *p, const landrun_options *opts, landrun_error *err);
void landrun_sandbox_free(landrun_sandbox *sb);
/* What --explain prints. */
void landrun_describe(const landrun_sandbox *sb, FILE *out);
/* The environment the command will get (NULL-terminated; owned by sb). */
char *const *landrun_sandbox_envp(const landrun_sandbox *sb);

/* -- applying ------------------------------------------------------------------------------ */

/* Applies the sandbox to the calling process (rlimits, capabilities, no_new_privs, Landlock,
 * fds, session, seccomp). Async-signal-safe: raw syscalls only, no allocation, so it may run
 * between fork/vfork and exec. Returns 0, or -1 with errno set and *step naming what failed. */
int landrun_apply(const landrun_sandbox *sb, const char **step);

/* posix_spawn-like file actions run in the child before the sandbox is applied. */
typedef struct landrun_file_actions landrun_file_actions;
landrun_file_actions *landrun_file_actions_new(void);
void landrun_file_actions_free(landrun_file_actions *fa);
int landrun_file_actions_adddup2(landrun_file_actions *fa, int fd, int newfd);
int landrun_file_actions_addopen(landrun_file_actions *fa, int fd, const char *path, int flags, mode_t mode);
int landrun_file_actions_addclose(landrun_file_actions *fa, int fd);
int landrun_file_actions_addchdir(landrun_file_actions *fa, const char *path);

/* Starts path (not searched in PATH) with argv in a new child under the sandbox, with the
 * sandbox's environment. Uses clone(CLONE_VM|CLONE_VFORK): returns once the child has
 * executed the command or failed. Thread-safe. Returns the child's PID (reap it with waitpid),
 * or -1 with err set (the child, if any, has been reaped). */
pid_t landrun_spawn(const landrun_sandbox *sb, const char *path, char *const argv[],
		    const landrun_file_actions *fa, landrun_error *err);

#ifdef __cplusplus
}
#endif

#endif

/* Finding the command with the sandbox's PATH, applying the sandbox and executing in place. */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "landlock_abi.h"

static int check_candidate(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return EACCES;
	return 0;
}

int lr_resolve_command(const char *cmd, const char *path_env, char *out, size_t size, struct lr_error *err)
{
	if (!*cmd)
		return lr_fail(err, NULL, "empty command name"), 127;
	if (strchr(cmd, '/')) {
		int e = check_candidate(cmd);
		if (snprintf(out, size, "%s", cmd) >= (int)size)
			return lr_fail(err, NULL, "command name of %zu bytes is too long (at most %zu): %.64s...",
				       strlen(cmd), size - 1, cmd), 127;
		if (e == ENOENT || e == ENOTDIR)
			return lr_fail(err, NULL, "%s: %s", cmd, strerror(e)), 127;
		if (e)
			return lr_fail(err, NULL, "%s: cannot execute: %s", cmd, strerror(e)), 126;
		return 0;
	}
	int first_error = 0;
	for (const char *dir = path_env; dir;) {
		const char *colon = strchr(dir, ':');
		size_t dlen = colon ? (size_t)(colon - dir) : strlen(dir);
		/* An empty PATH element would mean the current directory: never search it. */
		if (dlen && snprintf(out, size, "%.*s/%s", (int)dlen, dir, cmd) < (int)size) {
			int e = check_candidate(out);
			if (!e)
				return 0;
			if (e != ENOENT && e != ENOTDIR && !first_error)
				first_error = e;
		}
		dir = colon ? colon + 1 : NULL;
	}
	if (first_error)
		return lr_fail(err, NULL, "%s: cannot execute: %s", cmd, strerror(first_error)), 126;
	return lr_fail(err, NULL, "%s: command not found in PATH=%s (the sandbox's PATH; see [env] path)", cmd,
		       path_env),
	       127;
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

int lr_exec_sandboxed(const struct lr_sandbox *sb, const struct lr_policy *p, const char *path,
		      char *const argv[], struct lr_error *err)
{
	const char *step;
	int keep = sb->exec_fd;
	if (lr_sandbox_apply(sb, keep >= 0 ? &keep : NULL, keep >= 0, &step) < 0)
		return lr_fail(err, NULL, "%s failed: %s; the command was not run", step, strerror(errno)), 125;
	if (sb->exec_fd >= 0)
		/* the verified, sealed copy: the bytes that were hashed are the bytes that run */
		syscall(SYS_execveat, sb->exec_fd, "", argv, sb->envp, AT_EMPTY_PATH);
	else
		execve(path, argv, sb->envp);
	int e = errno;
	if (e == EACCES && (sb->handled_fs & LR_FS_EXECUTE)) {
		if (!execute_granted(p, path))
			return lr_fail(err, NULL, "%s: permission denied: the policy does not grant execute on it "
				       "(add it, or a directory above it, to rox = or rwx = in [filesystem])", path), 126;
		return lr_fail(err, NULL, "%s: permission denied: execute is granted on the command but not on "
			       "its interpreter (ELF loader or #! interpreter): add that to rox =", path), 126;
	}
	if (e == ENOENT)
		return lr_fail(err, NULL, "%s: cannot execute: %s (a missing ELF interpreter or #! interpreter?)",
			       path, strerror(e)), 127;
	return lr_fail(err, NULL, "%s: cannot execute: %s", path, strerror(e)), 126;
}

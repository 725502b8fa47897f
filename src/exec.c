/* Exec in place: applying the sandbox to landrun itself and executing the command. */
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

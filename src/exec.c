/* Exec in place: landrun applies the sandbox to itself and becomes the command. */
#include "exec.h"

#include <errno.h>

#include "apply.h"

int lr_exec_sandboxed(const struct lr_sandbox *sb, const struct lr_policy *p, const char *path,
		      char *const argv[], struct lr_error *err)
{
	const char *step;
	lr_sandbox_exec(sb, path, argv, NULL, 0, &step);
	return lr_exec_failure(sb, p, path, step, errno, err);
}

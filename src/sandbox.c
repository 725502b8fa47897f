/* Compiling a policy into a sandbox: the steps in order, and the sandbox's own bookkeeping. */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "sandbox.h"

void lr_sandbox_init(struct lr_sandbox *sb)
{
	*sb = (struct lr_sandbox){ .ruleset_fd = -1 };
	lr_vec_init(&sb->notes, sizeof(struct lr_note));
}

void lr_sandbox_free(struct lr_sandbox *sb)
{
	if (sb->ruleset_fd >= 0)
		close(sb->ruleset_fd);
	lr_vec_free(&sb->notes);
	lr_arena_free(&sb->arena);
	sb->ruleset_fd = -1;
}

int lr_sandbox_note(struct lr_sandbox *sb, bool warning, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	struct lr_note *n = lr_vec_push(&sb->notes);
	if (!n || !(n->text = lr_arena_strdup(&sb->arena, buf)))
		return -1;
	n->warning = warning;
	return 0;
}

int lr_sandbox_compile(struct lr_sandbox *sb, const struct lr_policy *p, const struct lr_compile_opts *o,
		       const char *const *environ, struct lr_error *err)
{
	if (lr_landlock_compile(sb, p, o, err) || lr_seccomp_compile(sb, p, !(o && o->no_prebuilt), err) ||
	    lr_env_compile(sb, p, environ, err) || lr_process_compile(sb, p, environ, err))
		return -1;
	return 0;
}

/* Compiling a policy into a sandbox: the steps in order (each in its own file), and the sandbox's
 * own bookkeeping. */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "env.h"
#include "landlock.h"
#include "metadata.h"
#include "netcalls.h"
#include "process.h"
#include "sandbox.h"
#include "seccomp_compile.h"
#include "workdir.h"

void lr_sandbox_init(struct lr_sandbox *sb)
{
	*sb = (struct lr_sandbox){ .ruleset_fd = -1, .exec_fd = -1, .notify_sock = -1, .notify_pid = -1, .tmp = { .fd = -1, .parent_fd = -1 } };
	lr_vec_init(&sb->notes, sizeof(struct lr_note));
	lr_vec_init(&sb->libraries, sizeof(const char *));
	lr_vec_init(&sb->write_dirs, sizeof(struct lr_write_dir));
	lr_net_rules_init(&sb->net);
}

void lr_sandbox_free(struct lr_sandbox *sb)
{
	if (sb->ruleset_fd >= 0)
		close(sb->ruleset_fd);
	if (sb->exec_fd >= 0)
		close(sb->exec_fd);
	sb->exec_fd = -1;
	if (sb->private_tmp)
		lr_tmpdir_unlink(&sb->tmp); /* still empty: the command never ran */
	lr_tmpdir_close(&sb->tmp);
	lr_vec_free(&sb->notes);
	lr_vec_free(&sb->libraries);
	lr_vec_free(&sb->write_dirs);
	lr_net_rules_free(&sb->net);
	lr_arena_free(&sb->arena);
	sb->ruleset_fd = -1;
}

int lr_sandbox_note(struct lr_sandbox *sb, bool warning, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is right above (a known
	 * false positive of clang 14's analyser) */
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	struct lr_note *n = lr_vec_push(&sb->notes);
	if (!n || !(n->text = lr_arena_strdup(&sb->arena, buf)))
		return -1;
	n->warning = warning;
	return 0;
}

/* [filesystem] private_tmp: a fresh directory only this run can see, created 0700 with a 077 umask
 * (never loosened by a chmod after), under $TMPDIR or /tmp. */
static int make_private_tmp(struct lr_sandbox *sb, const struct lr_policy *p, const char *const *environ,
			    struct lr_error *err)
{
	const char *base = lr_env_lookup(environ, "TMPDIR", 6);
	if (!base || base[0] != '/')
		base = "/tmp";
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/landrun-tmp.XXXXXX", base) >= (int)sizeof(path))
		return lr_fail(err, &p->private_tmp.at, "private_tmp: TMPDIR is too long");
	mode_t old = umask(077);
	char *made = mkdtemp(path);
	int e = errno;
	umask(old);
	if (!made)
		return lr_fail(err, &p->private_tmp.at, "private_tmp: cannot create %s: %s", path, strerror(e));
	if (!(sb->private_tmp = lr_arena_strdup(&sb->arena, path))) {
		rmdir(path);
		return lr_fail(err, NULL, "out of memory");
	}
	if (lr_tmpdir_hold(&sb->tmp, sb->private_tmp) < 0) {
		e = errno;
		rmdir(path);
		sb->private_tmp = NULL;
		return lr_fail(err, &p->private_tmp.at, "private_tmp: cannot open %s: %s", path, strerror(e));
	}
	return 0;
}

/* The order, and why:
 *  - the working-directory refusal first: nothing is created for a policy that is refused;
 *  - private_tmp before the environment, which points TMPDIR at it, and before Landlock, which
 *    grants it read-write;
 *  - the environment before the command, because the command is resolved with the sandbox's PATH
 *    (not landrun's);
 *  - the command before Landlock, because of the exec chain: with [exec], the command and its
 *    interpreters are the files Landlock makes executable;
 *  - Landlock before seccomp: the kernel's Landlock ABI, detected there, decides whether the
 *    filter must deny truncate(2) in Landlock's place;
 *  - process state last: it depends on none of the others. */
int lr_sandbox_compile(struct lr_sandbox *sb, const struct lr_policy *p, const struct lr_compile_opts *o,
		       const char *const *environ, struct lr_error *err)
{
	if (lr_workdir_refuse(p, environ, err))
		return -1;
	if (o && o->verbose && lr_git_notes(sb, p))
		return lr_fail(err, NULL, "out of memory");
	if (p->private_tmp.on) {
		if (!(o && o->supervised)) {
			if (lr_sandbox_note(sb, true, "private_tmp needs a supervising landrun: ignored here"))
				return lr_fail(err, NULL, "out of memory");
		} else if (make_private_tmp(sb, p, environ, err)) {
			return -1;
		}
	}
	sb->socket_activation = o && o->socket_activation;
	sb->in_place = o && o->in_place;
	sb->verbose = o && o->verbose;
	sb->trace_denials = o && o->trace_denials;
	if (lr_env_compile(sb, p, environ, err))
		return -1;
	if (o && o->command && lr_command_compile(sb, p, o->command, err))
		return -1;
	if (!(o && o->command) && p->verify.len &&
	    lr_sandbox_note(sb, true, "[exec] verify applies to the command landrun runs itself: ignored here"))
		return lr_fail(err, NULL, "out of memory");
	if (!(o && o->command) && p->add_libraries.on &&
	    lr_sandbox_note(sb, true, "[exec] add_libraries applies to the command landrun runs itself: ignored here"))
		return lr_fail(err, NULL, "out of memory");
	if (lr_landlock_compile(sb, p, o, err) || lr_seccomp_compile(sb, p, o && (o->no_prebuilt || o->trace_denials) ? 0 : LR_SECCOMP_PREBUILT, err) ||
	    lr_process_compile(sb, p, environ, err) || lr_netcalls_compile(sb, p, o, err) ||
	    lr_metadata_compile(sb, p, o, err))
		return -1;
	return 0;
}

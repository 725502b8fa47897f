/* liblandrun's public API (landrun.h): policies, compiling, applying, spawning. */
#include "landrun.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apply.h"
#include "explain.h"
#include "notify_pool.h"
#include "policy.h"
#include "sandbox.h"

#ifndef LANDRUN_POLICY_DIR
#define LANDRUN_POLICY_DIR "/usr/local/share/landrun/policies"
#endif

extern char **environ;

struct landrun_policy {
	struct lr_policy p;
	struct lr_env_ctx ctx;
};

/* A descriptor the sandbox holds, as compile opened it. landrun_apply closes every fd above 2 of
 * its caller (these with them), and a caller may close what it does not know is the library's:
 * by then the number may name another file of the caller's, which neither landrun_sandbox_free
 * closes nor a spawn uses. */
struct held_fd {
	dev_t dev;
	ino_t ino;
};

struct landrun_sandbox {
	struct lr_sandbox sb;
	const struct landrun_policy *policy; /* for landrun_describe; must outlive the sandbox */
	struct held_fd ruleset, exec, notify;
};

static void hold(int fd, struct held_fd *h)
{
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0)
		*h = (struct held_fd){ st.st_dev, st.st_ino };
}

/* Whether fd (>= 0) is still the file compile opened. */
static bool still_held(int fd, const struct held_fd *h)
{
	struct stat st;
	return fstat(fd, &st) == 0 && st.st_dev == h->dev && st.st_ino == h->ino;
}

static bool still_notify_sock(const landrun_sandbox *s)
{
	return s->sb.notify_sock >= 0 && still_held(s->sb.notify_sock, &s->notify);
}

static int copy_error(landrun_error *out, const struct lr_error *in)
{
	if (out) {
		out->set = 1;
		snprintf(out->msg, sizeof(out->msg), "%s", in->msg);
	}
	return -1;
}

landrun_policy *landrun_policy_new(void)
{
	landrun_policy *lp = calloc(1, sizeof(*lp));
	if (!lp)
		return NULL;
	lr_policy_init(&lp->p);
	lp->ctx.environ = (const char *const *)environ;
	lp->ctx.policy_dirs[0] = LANDRUN_POLICY_DIR;
	return lp;
}

void landrun_policy_free(landrun_policy *lp)
{
	if (!lp)
		return;
	lr_policy_free(&lp->p);
	free(lp);
}

int landrun_policy_load(landrun_policy *lp, const char *path_or_name, landrun_error *err)
{
	struct lr_error e = { 0 };
	lp->ctx.environ = (const char *const *)environ; /* setenv may have moved it since */
	return lr_policy_load(&lp->p, &lp->ctx, path_or_name, &e) ? copy_error(err, &e) : 0;
}

int landrun_policy_load_string(landrun_policy *lp, const char *text, const char *name, landrun_error *err)
{
	struct lr_error e = { 0 };
	lp->ctx.environ = (const char *const *)environ;
	return lr_policy_load_string(&lp->p, &lp->ctx, text, name ? name : "<string>", &e) ? copy_error(err, &e) : 0;
}

int landrun_policy_set(landrun_policy *lp, const char *section, const char *key, const char *value,
		       landrun_error *err)
{
	struct lr_error e = { 0 };
	lp->ctx.environ = (const char *const *)environ;
	struct lr_origin at = { "landrun_policy_set", 0 };
	return lr_policy_set(&lp->p, &lp->ctx, section, key, value, &at, &e) ? copy_error(err, &e) : 0;
}

landrun_sandbox *landrun_compile(const landrun_policy *lp, const landrun_options *opts, landrun_error *err)
{
	landrun_sandbox *s = calloc(1, sizeof(*s));
	struct lr_error e = { 0 };
	if (!s) {
		lr_fail(&e, NULL, "out of memory");
		copy_error(err, &e);
		return NULL;
	}
	lr_sandbox_init(&s->sb);
	s->policy = lp;
	/* verbose: landrun_describe is the library's --explain, with the same notes; a compile is
	 * made once for many spawns */
	struct lr_compile_opts o = { .abi_cap = opts ? opts->abi_cap : 0, .verbose = true, .notify_pool = true };
	char *const *envp = opts && opts->envp ? opts->envp : environ;
	const char *what;
	if (lr_sandbox_compile(&s->sb, &lp->p, &o, (const char *const *)envp, &e) ||
	    (lr_sandbox_has_helper(&s->sb) && (s->sb.notify_sock = lr_notify_pool_start(&s->sb, &s->sb.notify_pid, &what)) < 0 &&
	     lr_fail(&e, NULL, "metadata = granted: %s failed: %s (metadata = none refuses the metadata calls without "
		     "a helper)", what, strerror(errno)))) {
		copy_error(err, &e);
		landrun_sandbox_free(s);
		return NULL;
	}
	hold(s->sb.ruleset_fd, &s->ruleset);
	hold(s->sb.exec_fd, &s->exec);
	hold(s->sb.notify_sock, &s->notify);
	return s;
}

void landrun_sandbox_free(landrun_sandbox *s)
{
	if (!s)
		return;
	/* the helper goes once the children it serves are gone too; after a landrun_apply in this
	 * process the numbers are no longer the sandbox's (closed there) and are left alone (a compile
	 * that failed has held nothing yet, and closes what it opened) */
	bool compiled = s->ruleset.ino || s->exec.ino || s->notify.ino;
	if (compiled && s->sb.ruleset_fd >= 0 && !still_held(s->sb.ruleset_fd, &s->ruleset))
		s->sb.ruleset_fd = -1;
	if (compiled && s->sb.exec_fd >= 0 && !still_held(s->sb.exec_fd, &s->exec))
		s->sb.exec_fd = -1;
	if (still_notify_sock(s))
		close(s->sb.notify_sock);
	lr_sandbox_free(&s->sb);
	free(s);
}

void landrun_describe(const landrun_sandbox *s, FILE *out)
{
	lr_explain(out, &s->policy->p, &s->sb, NULL);
}

char *const *landrun_sandbox_envp(const landrun_sandbox *s)
{
	return s->sb.envp;
}

/* A sandbox whose helper's socket number names something else by now is not used: the listener
 * would go to whatever holds the number (a unix socket to another process, which could answer
 * every metadata call with "continue"). */
static const char stale_sock[] = "the metadata helper's socket (closed since landrun_compile: by a landrun_apply "
				 "in this process, or by the caller; compile again)";

int landrun_apply(const landrun_sandbox *s, const char **step)
{
	const char *dummy;
	if (s->sb.notify_sock >= 0 && !still_notify_sock(s)) {
		*(step ? step : &dummy) = stale_sock;
		return errno = EBADF, -1;
	}
	return lr_sandbox_apply_self(&s->sb, step ? step : &dummy);
}

/* ---- file actions ------------------------------------------------------------------------- */

enum fa_kind { FA_DUP2, FA_OPEN, FA_CLOSE, FA_CHDIR };

struct file_action {
	enum fa_kind kind;
	int fd, newfd, flags;
	mode_t mode;
	char *path;
};

struct landrun_file_actions {
	struct file_action *v;
	size_t n, cap;
	int *keep; /* target fds > 2, sorted: the sandbox's fd closing spares them */
	size_t nkeep;
};

landrun_file_actions *landrun_file_actions_new(void)
{
	return calloc(1, sizeof(landrun_file_actions));
}

void landrun_file_actions_free(landrun_file_actions *fa)
{
	if (!fa)
		return;
	for (size_t i = 0; i < fa->n; i++)
		free(fa->v[i].path);
	free(fa->v);
	free(fa->keep);
	free(fa);
}

static int keep_target(landrun_file_actions *fa, int fd)
{
	if (fd <= 2)
		return 0;
	int *k = realloc(fa->keep, (fa->nkeep + 1) * sizeof(int));
	if (!k)
		return -1;
	fa->keep = k;
	size_t i = fa->nkeep++;
	while (i > 0 && k[i - 1] > fd) {
		k[i] = k[i - 1];
		i--;
	}
	k[i] = fd;
	return 0;
}

static struct file_action *push(landrun_file_actions *fa, enum fa_kind kind)
{
	if (fa->n == fa->cap) {
		size_t cap = fa->cap ? fa->cap * 2 : 4;
		struct file_action *v = realloc(fa->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		fa->v = v;
		fa->cap = cap;
	}
	struct file_action *a = &fa->v[fa->n++];
	*a = (struct file_action){ .kind = kind };
	return a;
}

int landrun_file_actions_adddup2(landrun_file_actions *fa, int fd, int newfd)
{
	struct file_action *a;
	if (fd < 0 || newfd < 0)
		return errno = EBADF, -1;
	if (!(a = push(fa, FA_DUP2)) || keep_target(fa, newfd))
		return errno = ENOMEM, -1;
	a->fd = fd;
	a->newfd = newfd;
	return 0;
}

int landrun_file_actions_addopen(landrun_file_actions *fa, int fd, const char *path, int flags, mode_t mode)
{
	struct file_action *a;
	if (fd < 0)
		return errno = EBADF, -1;
	if (!(a = push(fa, FA_OPEN)) || !(a->path = strdup(path)) || keep_target(fa, fd))
		return errno = ENOMEM, -1;
	a->fd = fd;
	a->flags = flags;
	a->mode = mode;
	return 0;
}

int landrun_file_actions_addclose(landrun_file_actions *fa, int fd)
{
	struct file_action *a = push(fa, FA_CLOSE);
	if (!a)
		return errno = ENOMEM, -1;
	a->fd = fd;
	return 0;
}

int landrun_file_actions_addchdir(landrun_file_actions *fa, const char *path)
{
	struct file_action *a = push(fa, FA_CHDIR);
	if (!a || !(a->path = strdup(path)))
		return errno = ENOMEM, -1;
	return 0;
}

/* ---- spawn -------------------------------------------------------------------------------- */

/* Shared with the child (CLONE_VM): it reports a failure here before _exit, and the parent,
 * suspended by CLONE_VFORK until then, reads it. */
struct spawn_ctx {
	const struct lr_sandbox *sb;
	const char *path;
	char *const *argv;
	const landrun_file_actions *fa;
	sigset_t parent_mask;
	int error;
	const char *step;
};

static int run_file_actions(const landrun_file_actions *fa, const char **step)
{
	for (size_t i = 0; fa && i < fa->n; i++) {
		const struct file_action *a = &fa->v[i];
		switch (a->kind) {
		case FA_DUP2:
			*step = "file action dup2";
			if (a->fd == a->newfd ? fcntl(a->fd, F_SETFD, 0) < 0 : dup2(a->fd, a->newfd) < 0)
				return -1;
			break;
		case FA_OPEN: {
			*step = "file action open";
			int fd = open(a->path, a->flags, a->mode);
			if (fd < 0)
				return -1;
			if (fd != a->fd && (dup2(fd, a->fd) < 0 || close(fd) < 0))
				return -1;
			break;
		}
		case FA_CLOSE:
			*step = "file action close";
			if (close(a->fd) < 0 && errno != EBADF)
				return -1;
			break;
		case FA_CHDIR:
			*step = "file action chdir";
			if (chdir(a->path) < 0)
				return -1;
			break;
		}
	}
	return 0;
}

/* Whether a file action replaces or closes fd, and the highest fd the actions name. */
static bool actions_touch(const landrun_file_actions *fa, int fd, int *highest)
{
	bool touched = false;
	*highest = fd;
	for (size_t i = 0; fa && i < fa->n; i++) {
		const struct file_action *a = &fa->v[i];
		int target = a->kind == FA_DUP2 ? a->newfd : a->kind == FA_CHDIR ? -1 : a->fd;
		touched |= target == fd;
		if (target > *highest)
			*highest = target;
		if (a->kind == FA_DUP2 && a->fd > *highest)
			*highest = a->fd;
	}
	return touched;
}

/* fd, or a copy above every fd the file actions name when one of them would replace or close it
 * (-1 with *step set when the copy fails; fd itself when it is -1). */
static int out_of_the_way(int fd, const landrun_file_actions *fa, const char *what, const char **step)
{
	int highest;
	if (fd < 0 || !actions_touch(fa, fd, &highest))
		return fd;
	*step = what;
	return fcntl(fd, F_DUPFD_CLOEXEC, highest + 1);
}

/* The child: only async-signal-safe calls from here to execve. The order, and why: the parent's
 * signal handlers are reset before its mask is restored (a handler must not run in a child that
 * shares its memory); the file actions come before the sandbox, which may deny the paths they
 * open, and the fds they make are kept through its fd closing (fa->keep). */
static int spawn_child(void *arg)
{
	struct spawn_ctx *c = arg;
	const char *step = "resetting signal handlers";
	lr_child_reset_signals(NULL);
	sigprocmask(SIG_SETMASK, &c->parent_mask, NULL);
	const landrun_file_actions *fa = c->fa;
	const struct lr_sandbox *sb = c->sb;
	struct lr_child_fds fds = {
		out_of_the_way(sb->notify_sock, fa, "fcntl(F_DUPFD_CLOEXEC) (the metadata helper's socket, out of the file actions' way)", &step),
		sb->notify_pid,
		out_of_the_way(sb->ruleset_fd, fa, "fcntl(F_DUPFD_CLOEXEC) (the Landlock ruleset, out of the file actions' way)", &step),
	};
	bool moved = (fds.helper_sock >= 0 || sb->notify_sock < 0) && (fds.ruleset_fd >= 0 || sb->ruleset_fd < 0);
	if (moved && run_file_actions(fa, &step) == 0)
		lr_sandbox_exec_served(sb, &fds, c->path, c->argv, fa ? fa->keep : NULL, fa ? (unsigned)fa->nkeep : 0, &step);
	c->error = errno ? errno : EINVAL;
	c->step = step;
	_exit(LR_EXIT_NOT_FOUND);
}

pid_t landrun_spawn(const landrun_sandbox *s, const char *path, char *const argv[],
		    const landrun_file_actions *fa, landrun_error *err)
{
	/* The child runs on this buffer while this thread waits in clone (CLONE_VFORK). */
	enum { CHILD_STACK = 32 * 1024 };
	_Alignas(16) char stack[CHILD_STACK];
	struct spawn_ctx c = { .sb = &s->sb, .path = path, .argv = argv, .fa = fa };
	struct lr_error e = { 0 };
	if (s->sb.notify_sock >= 0 && !still_notify_sock(s)) {
		lr_fail(&e, NULL, "%s: %s; the command was not run", path, stale_sock);
		copy_error(err, &e);
		return errno = EBADF, -1;
	}
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &c.parent_mask);
	pid_t pid = clone(spawn_child, stack + CHILD_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, &c);
	int clone_errno = errno;
	pthread_sigmask(SIG_SETMASK, &c.parent_mask, NULL);
	if (pid < 0) {
		lr_fail(&e, NULL, "clone: %s", strerror(clone_errno));
		copy_error(err, &e);
		return -1;
	}
	if (c.error) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		lr_fail(&e, NULL, "%s: %s failed: %s; the command was not run", path, c.step, strerror(c.error));
		copy_error(err, &e);
		errno = c.error;
		return -1;
	}
	return pid;
}

/* The current directory as a grant: where rw = ${CWD} must not be started from, and the git
 * repository a writable grant may hold. */
#include "workdir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"
#include "util.h"

/* Trees that hold no user's work: granting any directory in them writable gives the command the
 * system (its programs, configuration, devices, kernel settings, daemons' sockets). */
static const char *const system_trees[] = { "/usr", "/etc", "/boot", "/proc", "/sys", "/dev", "/run",
					    "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" };
/* Directories whose subdirectories are work places (/srv/job, /var/lib/ci/ws, /opt/app) but that
 * are not one themselves: they hold every service's or every user's data. */
static const char *const shared_roots[] = { "/var", "/var/lib", "/var/cache", "/var/log", "/var/spool",
					    "/var/mail", "/srv", "/opt", "/home", "/mnt", "/media", "/root" };

/* dir is home, a parent of it, or in one of its hidden directories (~/.config, ~/.local/bin,
 * ~/.cargo/bin: configuration and programs the user runs outside the sandbox). Both real paths. */
static const char *home_danger(const char *dir, const char *home)
{
	char real[PATH_MAX];
	if (!home || home[0] != '/' || !realpath(home, real))
		return NULL;
	if (strcmp(real, dir) == 0)
		return "$HOME";
	if (lr_path_beneath(real, dir))
		return "a parent of $HOME";
	size_t n = strlen(real);
	bool at_root = n == 1; /* HOME=/ */
	if (lr_path_beneath(dir, real) && dir[at_root ? 1 : n + 1] == '.')
		return "a hidden directory of $HOME";
	return NULL;
}

/* home_danger for $HOME and for uid's passwd entry: HOME may be unset, or another user's (sudo
 * keeps it). */
static const char *homes_danger(const char *dir, const char *const *environ, uid_t uid)
{
	const char *env_home = lr_env_lookup(environ, "HOME", 4);
	const char *why = home_danger(dir, env_home);
	char pw_home[PATH_MAX];
	if (!why && lr_passwd_lookup(uid, NULL, 0, pw_home, sizeof(pw_home)) && !(env_home && strcmp(env_home, pw_home) == 0))
		why = home_danger(dir, pw_home);
	return why;
}

/* Below /var everything but /var/tmp is some service's state (dpkg's maintainer scripts, systemd,
 * spools, logs): as root, no place to grant writable. Other users can write there only what they
 * own (a CI user's /var/lib/jenkins/workspace), which their own permissions already bound. */
static bool root_system_state(const char *dir, uid_t uid)
{
	return uid == 0 && lr_path_beneath(dir, "/var") && !lr_path_beneath(dir, "/var/tmp");
}

/* / itself, or in a system tree. */
static const char *system_danger(const char *dir)
{
	if (strcmp(dir, "/") == 0)
		return "the root of the filesystem";
	for (size_t i = 0; i < LR_ARRAY_LEN(system_trees); i++)
		if (lr_path_beneath(dir, system_trees[i]))
			return "a system directory";
	return NULL;
}

static bool shared_root(const char *dir)
{
	for (size_t i = 0; i < LR_ARRAY_LEN(shared_roots); i++)
		if (strcmp(dir, shared_roots[i]) == 0)
			return true;
	return false;
}

const char *lr_workdir_danger(const char *dir, const char *const *environ, uid_t uid)
{
	const char *why = system_danger(dir);
	if (!why && root_system_state(dir, uid))
		why = "a system directory (a service's state, as root)";
	if (!why)
		why = homes_danger(dir, environ, uid);
	return why || !shared_root(dir) ? why : "a system directory";
}

/* A write grant the environment chose (${env:NAME}): not /, a system tree, a directory shared by
 * every service or user (/var/lib itself, /srv, /home), nor $HOME and its parents; a directory of
 * its own below them (/var/lib/NAME, systemd's StateDirectory=) is what such a variable is for, for
 * root too. */
static const char *env_grant_danger(const char *dir, const char *const *environ, uid_t uid)
{
	const char *why = system_danger(dir);
	if (!why && shared_root(dir))
		why = "a directory every service or user shares";
	return why ? why : homes_danger(dir, environ, uid);
}

const char *lr_grant_danger(const struct lr_path_rule *r, const char *real, const char *const *environ, uid_t uid)
{
	bool writes = r->access == LR_RW || r->access == LR_RWX;
	if (r->workdir == LR_WORKDIR_ENV)
		return writes ? env_grant_danger(real, environ, uid) : NULL;
	if (r->workdir && writes)
		return lr_workdir_danger(real, environ, uid);
	if (r->workdir == LR_WORKDIR_EXACT && (r->access == LR_RO || r->access == LR_ROX))
		return lr_workdir_read_danger(real, environ, uid);
	return NULL;
}

const char *lr_workdir_read_danger(const char *dir, const char *const *environ, uid_t uid)
{
	if (strcmp(dir, "/") == 0)
		return "the root of the filesystem";
	if (lr_path_beneath(dir, "/proc"))
		return "a system directory (the processes' files)";
	if (uid == 0 && lr_path_beneath(dir, "/etc"))
		return "a system directory (its private keys and password hashes, as root)";
	return homes_danger(dir, environ, uid);
}

int lr_workdir_refuse(const struct lr_policy *p, const char *const *environ, struct lr_error *err)
{
	for (size_t i = 0; i < p->paths.len; i++) {
		const struct lr_path_rule *r = lr_vec_at(&p->paths, i);
		if (!r->workdir)
			continue;
		/* ${CWD} alone was expanded from getcwd(): already the real path. A word derived from
		 * it (${CWD}/., ${CWD}/.., --rw .//) or from the environment is judged where it really
		 * leads; one that leads nowhere grants nothing (optional) or fails later. */
		char real[PATH_MAX];
		const char *dir = r->path;
		if (r->workdir != LR_WORKDIR_EXACT && !(dir = realpath(r->path, real)))
			continue;
		const char *why = lr_grant_danger(r, dir, environ, geteuid());
		if (!why)
			continue;
		if (r->workdir == LR_WORKDIR_EXACT && (r->access == LR_RO || r->access == LR_ROX))
			return lr_fail(err, &r->at, "the current directory %s is %s: %s = ${CWD} would let the "
				       "command read all of it (keys, tokens, history) and pass it on; cd to the "
				       "directory meant, or pass a policy (-p) that names what to grant",
				       r->path, why, lr_access_name(r->access));
		if (r->workdir == LR_WORKDIR_EXACT)
			return lr_fail(err, &r->at, "the current directory %s is %s: %s = ${CWD} would make all of it "
				       "writable; cd to a work directory, or pass a policy (-p) that names what to grant",
				       r->path, why, lr_access_name(r->access));
		if (r->workdir == LR_WORKDIR_ENV)
			return lr_fail(err, &r->at, "%s = %s, taken from the environment, leads to %s, which is %s: it "
				       "would make all of it writable; point the variable at a directory of its own",
				       lr_access_name(r->access), r->path, dir, why);
		return lr_fail(err, &r->at, "%s = %s, taken from the current directory, leads to %s, which is %s: "
			       "it would make all of it writable; cd to a work directory, or name what to grant",
			       lr_access_name(r->access), r->path, dir, why);
	}
	return 0;
}

bool lr_holds_git(const char *dir)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s%s.git", dir, dir[strlen(dir) - 1] == '/' ? "" : "/");
	return n > 0 && (size_t)n < sizeof(path) && access(path, F_OK) == 0;
}

int lr_git_notes(struct lr_sandbox *sb, const struct lr_policy *p)
{
	for (size_t i = 0; i < p->paths.len; i++) {
		const struct lr_path_rule *r = lr_vec_at(&p->paths, i);
		if ((r->access == LR_RW || r->access == LR_RWX) && lr_holds_git(r->path) &&
		    lr_sandbox_note(sb, false, "%s = %s (%s:%d) holds %s/.git, writable too (Landlock cannot carve "
				    "it out): hooks or core.fsmonitor planted there run at your next git command",
				    lr_access_name(r->access), r->path, r->at.file, r->at.line, r->path))
			return -1;
	}
	return 0;
}

/* The current directory as a grant: rw = ${CWD} started from /, $HOME or a system directory gives
 * the command all of it; a writable git repository runs code outside the sandbox later. */
#ifndef LANDRUN_WORKDIR_H
#define LANDRUN_WORKDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy.h"

struct lr_sandbox;

/* Why dir (a real path) is no place to grant writable as the work directory to a process of uid,
 * or NULL: "the root of the filesystem", "$HOME", "a parent of $HOME", "a hidden directory of
 * $HOME", "a system directory" (for root also anything below /var but /var/tmp). environ gives
 * HOME; uid's passwd entry is asked as well, so that a HOME set to something else does not hide
 * the user's home. */
const char *lr_workdir_danger(const char *dir, const char *const *environ, uid_t uid);

/* Why dir (a real path) is no place to grant readable as the work directory (ro = ${CWD}, as a
 * server publishing it does), or NULL: "the root of the filesystem", $HOME, a parent or a hidden
 * directory of it (its keys and tokens), /proc (every process's environment), /etc as root. */
const char *lr_workdir_read_danger(const char *dir, const char *const *environ, uid_t uid);

/* Why the grant r, leading to real (its real path), gives the command too much, or NULL: a rw / rwx
 * grant built on ${CWD} (lr_workdir_danger) or on ${env:NAME} (/, a system tree, a directory
 * every service or user shares, $HOME and its parents), a ro / rox grant written exactly ${CWD}
 * (lr_workdir_read_danger). */
const char *lr_grant_danger(const struct lr_path_rule *r, const char *real, const char *const *environ, uid_t uid);

/* Refuses (-1, err set) a grant lr_grant_danger names. */
int lr_workdir_refuse(const struct lr_policy *p, const char *const *environ, struct lr_error *err);

/* Does dir hold .git (a repository or a worktree's .git file)? */
bool lr_holds_git(const char *dir);

/* A note (-v, --explain) per writable grant that holds .git: Landlock cannot carve it out. */
int lr_git_notes(struct lr_sandbox *sb, const struct lr_policy *p);

#endif

/* A sandbox must not be able to rewrite its own policy: the next run would obey the new text. */
#ifndef LANDRUN_POLICY_GUARD_H
#define LANDRUN_POLICY_GUARD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "landlock_abi.h"
#include "policy.h"
#include "resolve.h"
#include "util.h"

/* Landlock rights that let the sandbox change a file, or what a directory holds. */
#define LR_FS_WRITE_RIGHTS                                                                         \
	(LR_FS_WRITE_FILE | LR_FS_REMOVE_DIR | LR_FS_REMOVE_FILE | LR_FS_MAKE_CHAR | LR_FS_MAKE_DIR |   \
	 LR_FS_MAKE_REG | LR_FS_MAKE_SOCK | LR_FS_MAKE_FIFO | LR_FS_MAKE_BLOCK | LR_FS_MAKE_SYM |      \
	 LR_FS_REFER | LR_FS_TRUNCATE)

/* The directories that hold the policy files, and all their parents, by device and inode (so any
 * spelling of them, symbolic links included, is recognised). Found the first time a directory
 * grant is checked: a policy whose write grants are all files (base.ini's /dev/null) costs no
 * extra syscall. */
struct lr_policy_guard {
	struct lr_vec dirs; /* struct lr_guarded_dir */
	bool built;
};

void lr_policy_guard_init(struct lr_policy_guard *g);
void lr_policy_guard_free(struct lr_policy_guard *g);
/* Could a grant on st (a directory holding a policy file or above it, or the file itself) rewrite
 * one of p's policy files? 1 (*file names it), 0, or -1 when a policy file's directory cannot be
 * examined. */
int lr_policy_guard_check(struct lr_policy_guard *g, const struct lr_policy *p, const struct stat *st,
			  const char **file, struct lr_error *err);

/* A policy file read through a symbolic link (lr_policy_file.via_link) is refused when the link
 * lies inside a write grant (rs holds them all): the command could replace the link, and the next
 * run would read its policy. It is also opened again to be sure it is the file that was read. */
int lr_policy_guard_links(struct lr_resolver *rs, const struct lr_policy *p, struct lr_error *err);

#endif

/* Landlock access rights: what a policy access word grants, what an ABI knows, their names (for
 * the Landlock compiler, --explain and the denial reports). */
#ifndef LANDRUN_LANDLOCK_RIGHTS_H
#define LANDRUN_LANDLOCK_RIGHTS_H

#include <stddef.h>
#include <stdint.h>

#include "landlock_abi.h"
#include "policy.h"

/* Rights a policy access word grants, before masking to the ABI and to files. */
uint64_t lr_access_rights(enum lr_access a);
/* Rights one path rule of p grants, before masking to the ABI and to files: its access word's,
 * less execute under [exec] allow = none (rox and rwx then grant no execution). */
uint64_t lr_rule_rights(const struct lr_policy *p, const struct lr_path_rule *r);
uint64_t lr_fs_rights_for_abi(int abi);
/* Rights that mean something on a non-directory. */
#define LR_FS_FILE_RIGHTS                                                                          \
	(LR_FS_EXECUTE | LR_FS_WRITE_FILE | LR_FS_READ_FILE | LR_FS_TRUNCATE | LR_FS_IOCTL_DEV)
/* One Landlock ABI: the Linux release that brought it, and what landrun uses it for. */
struct lr_abi_info {
	int abi;
	const char *linux_version;
	const char *adds;
};
/* ABI 1 .. LR_LANDLOCK_ABI_KNOWN, in order; *n set to their number. */
const struct lr_abi_info *lr_abi_table(size_t *n);
/* "7.1" for ABI 9; "?" for an ABI this build does not know. */
const char *lr_abi_linux(int abi);

/* "read_file,read_dir" style list of the rights in mask, into buf. */
const char *lr_fs_rights_str(uint64_t mask, char *buf, size_t size);

#endif

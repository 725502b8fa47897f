/* Named syscall groups (systemd-style "@group" sets) and syscalls too new for libseccomp 2.5.4. */
#ifndef LANDRUN_SYSCALL_GROUPS_H
#define LANDRUN_SYSCALL_GROUPS_H
#include <stddef.h>
struct lr_syscall_group {
	const char *name;              /* "@file-system" */
	const char *help;              /* one line, for --explain and the man page */
	const char *const *members;    /* NULL-terminated; syscall names or "@other-group" */
};
extern const struct lr_syscall_group lr_syscall_groups[];
extern const size_t lr_syscall_groups_count;
/* NULL if unknown */
const struct lr_syscall_group *lr_syscall_group_find(const char *name);

/* Syscalls newer than libseccomp 2.5.4's table (its x86_64 names stop at 456). Numbers are from
 * the unified syscall table (identical on x86_64 and aarch64 for numbers >= 424). */
struct lr_extra_syscall { const char *name; int nr; };
extern const struct lr_extra_syscall lr_extra_syscalls[];
extern const size_t lr_extra_syscalls_count;
/* -1 if unknown: first libseccomp (seccomp_syscall_resolve_name), then lr_extra_syscalls */
int lr_syscall_resolve(const char *name);
/* name for a number (libseccomp first, then the extra table), NULL if none; for messages */
const char *lr_syscall_name(int nr);
#endif

/* The hardened syscall baseline: its items as data. The policy reader checks baseline_except
 * against it; the seccomp compiler turns it into rules. */
#ifndef LANDRUN_BASELINE_H
#define LANDRUN_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

/* How an item is enforced. A policy removes an item by naming it (or one of its syscalls) in
 * allow or baseline_except. */
enum lr_baseline_kind {
	LR_BASELINE_DENY,        /* denied outright */
	LR_BASELINE_ENOSYS,      /* fails with ENOSYS so callers fall back */
	LR_BASELINE_CLONE,       /* argument-checked: the namespace flags of clone */
	LR_BASELINE_IOCTL,       /* argument-checked: TIOCSTI and friends */
	LR_BASELINE_PERSONALITY, /* argument-checked: only the harmless personalities */
	LR_BASELINE_CHMOD,       /* argument-checked: no setuid/setgid bits */
	LR_BASELINE_MEMFD,       /* argument-checked: no executable memfd */
	LR_BASELINE_PRLIMIT,     /* argument-checked: only this process's own limits */
	LR_BASELINE_SCHED,       /* argument-checked: only this process's own scheduling */
};

struct lr_baseline_item {
	const char *name; /* "@group" or a syscall name: what baseline_except takes */
	enum lr_baseline_kind kind;
	const char *const *members; /* NULL: the item's name is the only member */
};

extern const struct lr_baseline_item lr_baseline[];
extern const size_t lr_baseline_count;

/* Is name a baseline item (what baseline_except takes besides syscall names)? */
bool lr_baseline_is_item(const char *name);

/* The items that are groups, space-separated in table order ("@namespaces @mount ..."), into
 * buf (truncated to size). */
const char *lr_baseline_groups(char *buf, size_t size);

#endif

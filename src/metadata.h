/* [filesystem] metadata: the calls that change a file's metadata (mode, owner, times, extended
 * attributes), which Landlock does not check. Compile step: the seccomp program that refuses
 * them (none) or hands them to the helper (granted, see notify.h). Helper side: the decision for
 * one notified call, and the call performed on the object the helper opened itself. */
#ifndef LANDRUN_METADATA_H
#define LANDRUN_METADATA_H

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "policy.h"
#include "resolve.h"
#include "sandbox.h"

/* The architecture the programs judge (seccomp_data.arch); calls of any other are not this
 * family's (the baseline kills them). */
#if defined(__x86_64__)
#define LR_NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define LR_NATIVE_ARCH AUDIT_ARCH_AARCH64
#else /* an undeclared name: the build stops here on an architecture not listed */
#define LR_NATIVE_ARCH lr_metadata_knows_x86_64_and_aarch64_only
#endif

/* The enforced mode (sb->metadata) and its program (sb->metadata_bpf): granted becomes none
 * where no helper will run (a compile for neither the CLI nor the library) or nothing is granted
 * for writing, any where the filesystem is not restricted and the policy does not say otherwise.
 * Notes say why. */
int lr_metadata_compile(struct lr_sandbox *sb, const struct lr_policy *p, const struct lr_compile_opts *o,
			struct lr_error *err);

/* The syscall names of the family, NULL-terminated (for --explain and the documentation). */
extern const char *const lr_metadata_calls[];

/* Helper side. rs holds the write directories (rs->write_dirs); listener is the notification
 * fd (for SECCOMP_IOCTL_NOTIF_ID_VALID). Fills resp for req: the call performed by the helper
 * on what it opened (its result), or refused (EPERM; EACCES where the kernel would say so).
 * Returns false when the target is gone (no answer is needed). Changes the helper's cwd. */
bool lr_metadata_answer(struct lr_resolver *rs, int listener, const struct seccomp_notif *req,
			struct seccomp_notif_resp *resp);

/* Shared with the socket calls (netcalls.h). */

/* The target's directory fd or current directory (AT_FDCWD; tid: the calling thread's), opened
 * O_PATH; -1 with errno. */
int lr_target_dir(pid_t tid, int fd);

/* len bytes at addr in the memory of pid, read once into buf: 0, or ESRCH (gone), EPERM (not
 * readable by the helper), EFAULT. */
int lr_target_read(pid_t pid, uint64_t addr, void *buf, size_t len);

/* /proc/self and /proc/thread-self in path, spelt as the target's /proc/TID; 0 or an errno. */
int lr_own_proc(char *path, size_t size, pid_t tid);

/* What a path led to: the object (O_PATH), and the directory it was found in (-1 for a
 * directory, which is judged by itself). */
struct lr_object {
	int fd, parent;
	struct stat st;
};

/* Opens what path names from base (the target's cwd or dirfd), following a trailing link when
 * follow, but no link planted in a write directory (EPERM). 0, or an errno; o is filled as far
 * as it got (lr_object_close). Changes the helper's cwd. */
int lr_open_path(struct lr_resolver *rs, int base, const char *path, bool follow, struct lr_object *o);
void lr_object_close(struct lr_object *o);

/* Whether the directory dir is a top (is_top(ctx, its stat)) or lies beneath one. */
bool lr_dir_beneath(int dir, bool (*is_top)(const void *ctx, const struct stat *st), const void *ctx);

#endif

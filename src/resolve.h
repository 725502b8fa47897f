/* Opening a policy's paths without following a symbolic link the sandbox could have planted.
 *
 * A sandboxed command may create symbolic links wherever it may write. If a later run of the same
 * policy followed such a link while opening a path for a grant (or a policy file), the command of
 * the first run would choose where the second run's grant lands: `rw = /tmp/job/data` after
 * `rm -rf /tmp/job; ln -s ~ /tmp/job`. So a link is followed only when the directory holding it
 * lies outside every write grant of the policy, whoever owns the link (a link the sandbox made as
 * root is root's). Merged-/usr links (/bin -> usr/bin) live in /, which no sane policy grants. */
#ifndef LANDRUN_RESOLVE_H
#define LANDRUN_RESOLVE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "util.h"

/* A directory the sandbox may write: links beneath it are never followed. */
struct lr_write_dir {
	dev_t dev;
	ino_t ino;
	const char *key;  /* "rw", "rwx", "private_tmp" */
	const char *path; /* as the policy names it */
	struct lr_origin at;
};

struct lr_resolver {
	struct lr_vec write_dirs; /* struct lr_write_dir */
	int root_fd;              /* "/", opened the first time a path has a link; -1 before */
	struct stat root;         /* its stat: where a walk up from a link's directory stops */
	bool no_openat2;          /* openat2 refused (old kernel, container seccomp): walk every path */
	bool followed;            /* the last lr_resolve followed at least one link */
	/* Where the last lr_resolve's fd was opened, no link followed from there on: the path asked
	 * when no link was on the way, else the links' targets spelt out in text (real_buf); NULL
	 * when not known as text (a magic procfs link, a walk without openat2). The text may hold
	 * "." or ".." components, as a link's target did. */
	const char *real;
	char real_buf[PATH_MAX];
	/* /proc/self as procfs names it ("1234"), read the first time a path starts with it; "" when
	 * /proc is not procfs or the link cannot be read (then such paths are walked) */
	char proc_self[24];
	bool proc_self_read;
};

/* Where lr_resolve stopped: the link (its directory's path as reached, and its name) and the
 * write grant holding it. */
struct lr_planted {
	char link[PATH_MAX];
	const struct lr_write_dir *grant;
};

enum { LR_RESOLVE_PLANTED = -2 };

void lr_resolver_init(struct lr_resolver *rs);
void lr_resolver_free(struct lr_resolver *rs);
/* Records a write grant's directory (st of the opened directory). 0, or -1 (out of memory). */
int lr_resolver_add_write_dir(struct lr_resolver *rs, const struct stat *st, const char *key,
			      const char *path, const struct lr_origin *at);

/* Opens path (absolute) with O_PATH, following every symbolic link except one whose directory
 * lies beneath a recorded write directory. Returns the fd (of what the path names, never a link
 * unless it was swapped in during the walk: the caller's fstat sees that), -1 with errno, or
 * LR_RESOLVE_PLANTED with *planted filled. rs->followed says whether a link was followed. */
int lr_resolve(struct lr_resolver *rs, const char *path, struct lr_planted *planted);

/* Whether the directory dir (an fd) is a recorded write directory or lies beneath one, by device
 * and inode walking up with "..": 0 with *hit (NULL when none), or -1 with errno. */
int lr_resolver_beneath(struct lr_resolver *rs, int dir, const struct lr_write_dir **hit);

/* "rw = /tmp (FILE:LINE)", for messages. Returns buf. */
const char *lr_write_dir_str(const struct lr_write_dir *d, char *buf, size_t size);

/* The write directory st names (same device and inode), or NULL. */
const struct lr_write_dir *lr_write_dir_of(const struct lr_resolver *rs, const struct stat *st);

/* open(2) refusing any symbolic link on the way: -1 with errno ELOOP when there is one, ENOSYS
 * when the kernel (or a seccomp profile) refuses openat2, so that the caller cannot tell. */
int lr_open_no_symlinks(const char *path, int flags);

#endif

/* A directory made for the run ([filesystem] private_tmp): held open from its creation, emptied
 * and removed through fds once nothing of the command runs any more. See tmpdir.h. */
#include "tmpdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

int lr_tmpdir_hold(struct lr_tmpdir *t, const char *path)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	char parent[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	struct stat st;
	*t = (struct lr_tmpdir){ .path = path, .name = slash ? slash + 1 : path, .fd = -1, .parent_fd = -1 };
	if (n >= sizeof(parent) || !*t->name) {
		errno = EINVAL;
		return -1;
	}
	memcpy(parent, path, n);
	parent[n] = '\0';
	t->parent_fd = open(slash ? (n ? parent : "/") : ".", flags);
	if (t->parent_fd < 0)
		return -1;
	t->fd = openat(t->parent_fd, t->name, flags);
	if (t->fd < 0 || fstat(t->fd, &st) < 0) {
		int e = errno;
		lr_tmpdir_close(t);
		errno = e;
		return -1;
	}
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	return 0;
}

int lr_tmpdir_unlink(const struct lr_tmpdir *t)
{
	struct stat st;
	if (t->fd < 0 || t->parent_fd < 0) {
		errno = EBADF;
		return -1;
	}
	if (fstatat(t->parent_fd, t->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (st.st_dev != t->dev || st.st_ino != t->ino) {
		errno = EXDEV;
		return -1;
	}
	/* nothing of the command runs any more: the name cannot be swapped between the two calls */
	return unlinkat(t->parent_fd, t->name, AT_REMOVEDIR);
}

void lr_tmpdir_close(struct lr_tmpdir *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->parent_fd >= 0)
		close(t->parent_fd);
	t->fd = t->parent_fd = -1;
}

/* fd-relative and never following a symlink: nftw hands out paths, so a sandbox process still
 * running could swap a directory for a symlink between its lstat and our unlink and have files
 * outside removed; its callback takes no context either. At most RM_DEPTH directories are open
 * at a time: deeper ones are moved up to the top and removed on a later pass. */
enum { RM_DEPTH = 32, RM_MAX_PASSES = 1000 };

struct rm_ctx {
	int root;
	dev_t dev;
	unsigned long moved;
	int error;                  /* the first failure, 0: none */
	char failed[NAME_MAX + 32]; /* and what failed */
};

static void rm_note(struct rm_ctx *c, const char *what, const char *name)
{
	if (c->error || errno == ENOENT)
		return;
	c->error = errno;
	snprintf(c->failed, sizeof(c->failed), "%s %s", what, name);
}

/* Opens a directory to empty: on the same filesystem, and made rwx for us (the sandbox may have
 * chmod'ed it: Landlock does not restrict chmod). */
static DIR *rm_open(struct rm_ctx *c, int parent, const char *name)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd = openat(parent, name, flags);
	if (fd < 0 && errno == EACCES && fchmodat(parent, name, S_IRWXU, AT_SYMLINK_NOFOLLOW) == 0)
		fd = openat(parent, name, flags);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) < 0) {
		close(fd);
		fd = -1;
	} else if (fd >= 0 && st.st_dev != c->dev) {
		close(fd);
		fd = -1;
		errno = EXDEV; /* a mount point: not ours to empty */
	}
	if (fd < 0) {
		rm_note(c, "cannot open", name);
		return NULL;
	}
	if ((st.st_mode & S_IRWXU) != S_IRWXU)
		fchmod(fd, (st.st_mode & 07777) | S_IRWXU);
	DIR *d = fdopendir(fd);
	if (!d) {
		rm_note(c, "cannot read", name);
		close(fd);
	}
	return d;
}

/* One walk of the tree; true if it removed or moved anything. */
static bool rm_pass(struct rm_ctx *c)
{
	struct {
		DIR *dir;
		char name[NAME_MAX + 1]; /* in the level above */
	} lv[RM_DEPTH];
	bool progress = false;
	int depth = 0;
	if (!(lv[0].dir = rm_open(c, c->root, ".")))
		return false;
	while (depth >= 0) {
		errno = 0;
		struct dirent *e = readdir(lv[depth].dir);
		if (!e) {
			if (errno)
				rm_note(c, "cannot read directory", depth ? lv[depth].name : ".");
			closedir(lv[depth].dir);
			if (--depth >= 0) {
				if (unlinkat(dirfd(lv[depth].dir), lv[depth + 1].name, AT_REMOVEDIR) == 0)
					progress = true;
				else
					rm_note(c, "cannot remove", lv[depth + 1].name);
			}
			continue;
		}
		const char *name = e->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		int dfd = dirfd(lv[depth].dir);
		bool is_dir = e->d_type == DT_DIR;
		struct stat st;
		if (e->d_type == DT_UNKNOWN)
			is_dir = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
		if (unlinkat(dfd, name, is_dir ? AT_REMOVEDIR : 0) == 0) {
			progress = true;
			continue;
		}
		if (!is_dir || (errno != ENOTEMPTY && errno != EEXIST)) {
			/* a directory swapped in for a file is found again on the next pass */
			if (errno != EISDIR)
				rm_note(c, "cannot remove", name);
			continue;
		}
		if (depth + 1 == RM_DEPTH) {
			char top[32];
			int rc;
			do {
				snprintf(top, sizeof(top), ".landrun-rm.%lu", c->moved++);
				rc = renameat2(dfd, name, c->root, top, RENAME_NOREPLACE);
				if (rc < 0 && errno == EINVAL)
					rc = renameat(dfd, name, c->root, top);
			} while (rc < 0 && errno == EEXIST);
			if (rc == 0)
				progress = true;
			else
				rm_note(c, "cannot move", name);
			continue;
		}
		DIR *d = rm_open(c, dfd, name);
		if (!d)
			continue;
		depth++;
		lv[depth].dir = d;
		snprintf(lv[depth].name, sizeof(lv[depth].name), "%s", name);
	}
	return progress;
}

void lr_tmpdir_remove(const struct lr_tmpdir *t, struct lr_error *err)
{
	/* through the fd held since its creation: the path may name another directory by now (the
	 * command, as root, can rename its tmp aside and move someone else's in its place) */
	struct stat st;
	if (t->fd < 0 || fstat(t->fd, &st) < 0) {
		lr_fail(err, NULL, "private tmp %s: not held open; not removed", t->path);
		return;
	}
	if ((st.st_mode & S_IRWXU) != S_IRWXU)
		fchmod(t->fd, (st.st_mode & 07777) | S_IRWXU); /* chmod'ed by the sandbox */
	struct rm_ctx c = { .root = t->fd, .dev = st.st_dev };
	for (int pass = 0; pass < RM_MAX_PASSES; pass++) {
		c.error = 0; /* only the last pass's failures count: earlier ones may have been races */
		if (!rm_pass(&c))
			break;
	}
	if (lr_tmpdir_unlink(t) == 0 || (errno == ENOENT && fstat(t->fd, &st) == 0 && st.st_nlink == 0))
		return; /* removed (by us, or by the command itself) */
	if (errno == EXDEV || errno == ENOENT)
		lr_fail(err, NULL, "private tmp %s: the command moved it away%s; its emptied directory is left "
			"where the command put it", t->path, errno == EXDEV ? " and put another directory in its place "
			"(left as it is)" : "");
	else if (c.error)
		lr_fail(err, NULL, "private tmp %s not removed: %s: %s", t->path, c.failed, strerror(c.error));
	else
		lr_fail(err, NULL, "private tmp %s not removed: %s", t->path, strerror(errno));
}

/* Refusing a policy its own sandbox could rewrite: the policy files' directories and parents. */
#include "policy_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct lr_guarded_dir {
	dev_t dev;
	ino_t ino;
	size_t file; /* index in p->files of a policy file beneath it */
};

void lr_policy_guard_init(struct lr_policy_guard *g)
{
	lr_vec_init(&g->dirs, sizeof(struct lr_guarded_dir));
	g->built = false;
}

void lr_policy_guard_free(struct lr_policy_guard *g)
{
	lr_vec_free(&g->dirs);
}

static bool guarded(const struct lr_policy_guard *g, const struct stat *st)
{
	for (size_t i = 0; i < g->dirs.len; i++) {
		const struct lr_guarded_dir *d = lr_vec_at(&g->dirs, i);
		if (d->dev == st->st_dev && d->ino == st->st_ino)
			return true;
	}
	return false;
}

/* From the file's directory up to the root: DIR, DIR/.., DIR/../.. (".." after a symbolic link
 * is the real parent, so these are the real directories above, whatever the spelling). One stat
 * per level, and it stops at a directory already known: an earlier policy file's parents are all
 * there too, so a second file in the same directory costs one stat. */
static int walk_up(struct lr_policy_guard *g, const struct lr_policy_file *f, size_t index,
		   struct lr_error *err)
{
	char path[PATH_MAX];
	const char *dir = f->dir;
	struct stat st;
	/* a policy file that is a symlink (dotfile managers) lives where its target is; one opened
	 * with no link on the way is none (no lstat) */
	if (f->via_link && lstat(f->path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if (!realpath(f->path, path))
			return lr_fail(err, NULL, "policy %s: cannot resolve the symbolic link: %s", f->path, strerror(errno));
		*strrchr(path, '/') = '\0';
		dir = path[0] ? path : "/";
	}
	size_t len = strlen(dir);
	if (len >= sizeof(path))
		return lr_fail(err, NULL, "policy %s: its directory name is too long", f->path);
	memmove(path, dir, len + 1);
	if (stat(path, &st) < 0)
		return lr_fail(err, NULL, "policy %s: cannot stat its directory %s: %s", f->path, f->dir, strerror(errno));
	while (!guarded(g, &st)) {
		struct lr_guarded_dir *d = lr_vec_push(&g->dirs);
		if (!d)
			return lr_fail(err, NULL, "out of memory");
		*d = (struct lr_guarded_dir){ st.st_dev, st.st_ino, index };
		if (len + 3 >= sizeof(path))
			return lr_fail(err, NULL, "policy %s: too many directories above it", f->path);
		memcpy(path + len, "/..", 4);
		len += 3;
		if (stat(path, &st) < 0) /* the root's ".." is the root itself, found as guarded */
			return lr_fail(err, NULL, "policy %s: cannot stat %s: %s", f->path, path, strerror(errno));
	}
	return 0;
}

static int guard_build(struct lr_policy_guard *g, const struct lr_policy *p, struct lr_error *err)
{
	g->built = true;
	for (size_t i = 0; i < p->files.len; i++)
		if (walk_up(g, lr_vec_at(&p->files, i), i, err))
			return -1;
	return 0;
}

int lr_policy_guard_check(struct lr_policy_guard *g, const struct lr_policy *p, const struct stat *st,
			  const char **file, struct lr_error *err)
{
	*file = NULL;
	if (!S_ISDIR(st->st_mode)) {
		for (size_t i = 0; i < p->files.len && !*file; i++) {
			const struct lr_policy_file *f = lr_vec_at(&p->files, i);
			if (f->dev == st->st_dev && f->ino == st->st_ino)
				*file = f->path;
		}
		return *file != NULL;
	}
	if (!g->built && p->files.len && guard_build(g, p, err))
		return -1;
	for (size_t i = 0; i < g->dirs.len && !*file; i++) {
		const struct lr_guarded_dir *d = lr_vec_at(&g->dirs, i);
		if (d->dev == st->st_dev && d->ino == st->st_ino)
			*file = ((const struct lr_policy_file *)lr_vec_at(&p->files, d->file))->path;
	}
	return *file != NULL;
}

/* The path the file was opened by, absolute: its directory was made absolute when it was read. */
static int absolute_path(const struct lr_policy_file *f, char *buf, size_t size, struct lr_error *err)
{
	const char *base = strrchr(f->path, '/');
	int n = f->path[0] == '/' ? snprintf(buf, size, "%s", f->path)
				 : snprintf(buf, size, "%s/%s", f->dir, base ? base + 1 : f->path);
	if (n < 0 || (size_t)n >= size)
		return lr_fail(err, NULL, "policy %s: its path is too long", f->path);
	return 0;
}

static int check_file_links(struct lr_resolver *rs, const struct lr_policy_file *f, struct lr_error *err)
{
	char path[PATH_MAX], grant[PATH_MAX + 128];
	struct lr_planted planted;
	struct stat st;
	if (absolute_path(f, path, sizeof(path), err))
		return -1;
	int fd = lr_resolve(rs, path, &planted);
	if (fd == LR_RESOLVE_PLANTED)
		return lr_fail(err, NULL, "the policy %s is reached through %s, a symbolic link inside the write grant %s: "
			       "the sandboxed command could replace it and choose the next run's policy; name the policy's real path "
			       "or move it out of the grant", f->path, planted.link,
			       lr_write_dir_str(planted.grant, grant, sizeof(grant)));
	if (fd < 0)
		return lr_fail(err, NULL, "policy %s: cannot open it again: %s", f->path, strerror(errno));
	int rc = fstat(fd, &st);
	int e = errno;
	close(fd);
	if (rc < 0)
		return lr_fail(err, NULL, "policy %s: %s", f->path, strerror(e));
	if (st.st_dev != f->dev || st.st_ino != f->ino)
		return lr_fail(err, NULL, "policy %s was replaced while landrun read it; run again", f->path);
	return 0;
}

int lr_policy_guard_links(struct lr_resolver *rs, const struct lr_policy *p, struct lr_error *err)
{
	if (!rs->write_dirs.len)
		return 0; /* nowhere to plant a link */
	for (size_t i = 0; i < p->files.len; i++) {
		const struct lr_policy_file *f = lr_vec_at(&p->files, i);
		if (f->via_link && check_file_links(rs, f, err))
			return -1;
	}
	return 0;
}

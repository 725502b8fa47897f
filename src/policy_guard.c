/* Refusing a policy its own sandbox could rewrite: the policy files' directories and parents. */
#include "policy_guard.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

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
	/* a policy file that is a symlink (dotfile managers) lives where its target is */
	if (lstat(f->path, &st) == 0 && S_ISLNK(st.st_mode)) {
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

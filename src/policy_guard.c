/* Refusing a policy its own sandbox could rewrite: the policy files' directories and parents. */
#include "policy_guard.h"

#include <errno.h>
#include <fcntl.h>
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

/* From the file's directory up to the root by "..": the real parents, whatever the spelling. Stops
 * at a directory already known (an earlier policy file's parents are all there too). */
static int walk_up(struct lr_policy_guard *g, const struct lr_policy_file *f, size_t index,
		   struct lr_error *err)
{
	int fd = open(f->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return lr_fail(err, NULL, "policy %s: cannot open its directory %s: %s", f->path, f->dir, strerror(e));
	}
	while (!guarded(g, &st)) {
		struct lr_guarded_dir *d = lr_vec_push(&g->dirs);
		if (!d) {
			close(fd);
			return lr_fail(err, NULL, "out of memory");
		}
		*d = (struct lr_guarded_dir){ st.st_dev, st.st_ino, index };
		int up = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = up;
		if (fd < 0 || fstat(fd, &st) < 0)
			break; /* the root's ".." is the root itself, found as guarded above */
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

int lr_policy_guard_build(struct lr_policy_guard *g, const struct lr_policy *p, struct lr_error *err)
{
	for (size_t i = 0; i < p->files.len; i++)
		if (walk_up(g, lr_vec_at(&p->files, i), i, err))
			return -1;
	return 0;
}

const char *lr_policy_guard_match(const struct lr_policy_guard *g, const struct lr_policy *p,
				  const struct stat *st)
{
	if (S_ISDIR(st->st_mode)) {
		for (size_t i = 0; i < g->dirs.len; i++) {
			const struct lr_guarded_dir *d = lr_vec_at(&g->dirs, i);
			if (d->dev == st->st_dev && d->ino == st->st_ino)
				return ((const struct lr_policy_file *)lr_vec_at(&p->files, d->file))->path;
		}
		return NULL;
	}
	for (size_t i = 0; i < p->files.len; i++) {
		const struct lr_policy_file *f = lr_vec_at(&p->files, i);
		if (f->dev == st->st_dev && f->ino == st->st_ino)
			return f->path;
	}
	return NULL;
}

/* The base policy's grants for `landrun learn`, resolved as the Landlock compile resolves them. */
#include "learn_base.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "landlock_rights.h"
#include "policy_guard.h"
#include "resolve.h"

void lr_learn_base_init(struct lr_learn_base *b)
{
	memset(b, 0, sizeof(*b));
	lr_vec_init(&b->grants, sizeof(struct lr_base_grant));
}

void lr_learn_base_free(struct lr_learn_base *b)
{
	lr_vec_free(&b->grants);
	lr_arena_free(&b->arena);
}

int lr_learn_base_add(struct lr_learn_base *b, const char *path, uint64_t rights, bool dir)
{
	struct lr_base_grant *g = lr_vec_push(&b->grants);
	if (!g)
		return -1;
	g->path = lr_arena_strdup(&b->arena, path);
	g->rights = dir ? rights : rights & LR_FS_FILE_RIGHTS;
	g->dir = dir;
	if (!g->path) {
		b->grants.len--;
		return -1;
	}
	return 0;
}

/* What fd (opened for path) is, added under the kernel's name for it; a write grant's directory is
 * recorded for the paths after it. 0, or -1 (out of memory). */
static int add_opened(struct lr_learn_base *b, struct lr_resolver *rs, int fd, const char *path, uint64_t rights,
		      bool write_dir)
{
	static const struct lr_origin base_at = { "base policy", 0 };
	struct stat st;
	char proc[64], name[PATH_MAX];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	ssize_t n = fstat(fd, &st) == 0 && !S_ISLNK(st.st_mode) ? readlink(proc, name, sizeof(name) - 1) : -1;
	int rc = 0;
	if (n > 0 && name[0] == '/') {
		name[n] = '\0';
		bool dir = S_ISDIR(st.st_mode);
		if (dir && write_dir && lr_resolver_add_write_dir(rs, &st, "rw", path, &base_at))
			rc = -1;
		else
			rc = lr_learn_base_add(b, name, rights, dir);
	}
	return rc;
}

/* One policy path resolved (no link inside a write grant followed) and added. A path that cannot
 * be opened grants nothing here. 0, or -1 (out of memory). */
static int add_resolved(struct lr_learn_base *b, struct lr_resolver *rs, const char *path, uint64_t rights,
			bool write_dir)
{
	struct lr_planted planted;
	int fd = lr_resolve(rs, path, &planted);
	if (fd < 0)
		return 0; /* absent, or a planted link: the compile refused the latter already */
	int rc = add_opened(b, rs, fd, path, rights, write_dir);
	close(fd);
	return rc;
}

int lr_learn_base_build(struct lr_learn_base *b, const struct lr_policy *p, const struct lr_sandbox *sb,
			struct lr_error *err)
{
	if (p->fs_any.on) {
		b->everything = true;
		return 0;
	}
	struct lr_resolver rs;
	lr_resolver_init(&rs);
	int rc = 0;
	/* the write grants first, as the compile adds them: they decide which links are followed */
	for (size_t i = 0; !rc && i < p->paths.len; i++) {
		const struct lr_path_rule *r = lr_vec_at(&p->paths, i);
		uint64_t rights = lr_rule_rights(p, r);
		if (rights & LR_FS_WRITE_RIGHTS)
			rc = add_resolved(b, &rs, r->path, rights, true);
	}
	/* the directory held since its creation, as the compile grants it: not its name again */
	if (!rc && sb->private_tmp)
		rc = add_opened(b, &rs, sb->tmp.fd, sb->private_tmp, lr_access_rights(LR_RW), true);
	for (size_t i = 0; !rc && i < p->paths.len; i++) {
		const struct lr_path_rule *r = lr_vec_at(&p->paths, i);
		uint64_t rights = lr_rule_rights(p, r);
		if (!(rights & LR_FS_WRITE_RIGHTS))
			rc = add_resolved(b, &rs, r->path, rights, false);
	}
	for (unsigned i = 0; !rc && i < sb->nexec_chain; i++)
		rc = add_resolved(b, &rs, sb->exec_chain[i], lr_access_rights(LR_EXEC), false);
	lr_resolver_free(&rs);
	return rc ? lr_fail(err, NULL, "learn: out of memory") : 0;
}

bool lr_learn_base_allows(const struct lr_learn_base *b, const char *path, uint64_t rights)
{
	if (b->everything)
		return true;
	uint64_t granted = 0;
	for (size_t i = 0; i < b->grants.len && (granted & rights) != rights; i++) {
		const struct lr_base_grant *g = lr_vec_at(&b->grants, i);
		if (g->dir ? lr_path_beneath(path, g->path) : strcmp(path, g->path) == 0)
			granted |= g->rights;
	}
	return (granted & rights) == rights;
}

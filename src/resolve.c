/* Resolving a path component by component, judging each symbolic link by the directory it is in.
 *
 * Fast path: one openat2(RESOLVE_NO_SYMLINKS), which succeeds whenever no link is on the way (the
 * usual case: a link needs no judging when there is none). On ELOOP the path is walked one
 * component at a time from an fd of the directory reached so far: readlinkat tells a link (and
 * gives its target) in one call, anything else is opened with O_NOFOLLOW relative to that fd, so
 * what is judged is what is used, whatever the sandbox renames meanwhile. After each link followed
 * the rest is tried with openat2 again. Without openat2 (an old kernel, or a container's seccomp
 * profile answering EPERM or ENOSYS) every path is walked. */
#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

/* As the kernel (MAXSYMLINKS); and a bound on the walk up from a link's directory. */
enum { MAX_LINKS = 40, MAX_DEPTH = PATH_MAX / 2 };

void lr_resolver_init(struct lr_resolver *rs)
{
	lr_vec_init(&rs->write_dirs, sizeof(struct lr_write_dir));
	rs->root_fd = -1;
	rs->no_openat2 = false;
	rs->followed = false;
	rs->real = NULL;
	rs->proc_self_read = false;
}

void lr_resolver_free(struct lr_resolver *rs)
{
	lr_vec_free(&rs->write_dirs);
	if (rs->root_fd >= 0)
		close(rs->root_fd);
	rs->root_fd = -1;
}

int lr_resolver_add_write_dir(struct lr_resolver *rs, const struct stat *st, const char *key,
			      const char *path, const struct lr_origin *at)
{
	struct lr_write_dir *d = lr_vec_push(&rs->write_dirs);
	if (!d)
		return -1;
	*d = (struct lr_write_dir){ st->st_dev, st->st_ino, key, path, *at };
	return 0;
}

const char *lr_write_dir_str(const struct lr_write_dir *d, char *buf, size_t size)
{
	const char *file = d->at.file ? d->at.file : "default";
	if (d->at.line > 0)
		snprintf(buf, size, "%s = %s (%s:%d)", d->key, d->path, file, d->at.line);
	else
		snprintf(buf, size, "%s = %s (%s)", d->key, d->path, file);
	return buf;
}

static int openat2_no_symlinks(int dirfd, const char *path, int flags)
{
	struct open_how how = { .flags = (unsigned long long)flags, .resolve = RESOLVE_NO_SYMLINKS };
	int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	/* O_PATH opens fail with EPERM only by a seccomp filter; E2BIG: an older struct open_how */
	if (fd < 0 && (errno == EPERM || errno == E2BIG))
		errno = ENOSYS;
	return fd;
}

int lr_open_no_symlinks(const char *path, int flags)
{
	return openat2_no_symlinks(AT_FDCWD, path, flags);
}

static bool same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

const struct lr_write_dir *lr_write_dir_of(const struct lr_resolver *rs, const struct stat *st)
{
	for (size_t i = 0; i < rs->write_dirs.len; i++) {
		const struct lr_write_dir *d = lr_vec_at(&rs->write_dirs, i);
		if (d->dev == st->st_dev && d->ino == st->st_ino)
			return d;
	}
	return NULL;
}

/* The write grant dir (dir_st its stat) lies beneath: dir itself or one above it, *hit NULL if none. By device and
 * inode, walking up with "..": a bind-mounted alias of a write grant is recognised too, as
 * Landlock (whose rules sit on inodes) would let the sandbox write through it. Only links pay it,
 * and a link in / (merged /usr) costs nothing: the root's stat is kept. 0, or -1 with errno. */
static int beneath_write_dir(struct lr_resolver *rs, int dir, const struct stat *dir_st,
			     const struct lr_write_dir **hit)
{
	struct stat st = *dir_st, prev;
	int up = -1, rc = 0;
	for (unsigned depth = 0; !(*hit = lr_write_dir_of(rs, &st)) && !same_inode(&st, &rs->root); depth++) {
		int next = depth < MAX_DEPTH ? openat(up >= 0 ? up : dir, "..", O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
		if (next < 0 && depth >= MAX_DEPTH)
			errno = ELOOP; /* fail closed rather than guess */
		if (up >= 0)
			close(up);
		up = next;
		prev = st;
		if (up < 0 || fstat(up, &st) < 0) {
			rc = -1;
			break;
		}
		if (same_inode(&st, &prev))
			break; /* a top other than our root: nothing above */
	}
	int e = errno;
	if (up >= 0)
		close(up);
	errno = e;
	return rc;
}

static int open_root(struct lr_resolver *rs)
{
	if (rs->root_fd >= 0)
		return 0;
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &rs->root) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	rs->root_fd = fd;
	return 0;
}

int lr_resolver_beneath(struct lr_resolver *rs, int dir, const struct lr_write_dir **hit)
{
	struct stat st;
	*hit = NULL;
	if (open_root(rs) < 0 || fstat(dir, &st) < 0)
		return -1;
	return beneath_write_dir(rs, dir, &st, hit);
}

struct walk {
	struct lr_resolver *rs;
	int dir;              /* the directory reached (rs->root_fd is never closed here) */
	char where[PATH_MAX]; /* its path as reached, for the message naming a link; "" is / */
	size_t wlen;
	bool where_cut;       /* where is no longer its path: a name did not fit, or a magic link */
	char rest[PATH_MAX];  /* what remains to resolve from dir */
};

static void walk_cd(struct walk *w, int fd)
{
	if (w->dir >= 0 && w->dir != w->rs->root_fd)
		close(w->dir);
	w->dir = fd;
}

static void where_push(struct walk *w, const char *name, size_t n)
{
	if (w->wlen + 1 + n >= sizeof(w->where)) {
		w->where_cut = true; /* the message only: a cut name still locates the link */
		return;
	}
	w->where[w->wlen++] = '/';
	memcpy(w->where + w->wlen, name, n + 1);
	w->wlen += n;
}

static void where_pop(struct walk *w)
{
	char *slash = strrchr(w->where, '/');
	if (slash) {
		*slash = '\0';
		w->wlen = (size_t)(slash - w->where);
	}
}

/* The link's target replaces the link in what remains; an absolute one restarts from /. */
static int follow(struct walk *w, const char *target, size_t tlen, const char *remaining)
{
	char next[PATH_MAX];
	size_t rlen = strlen(remaining);
	if (tlen + rlen >= sizeof(next)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(next, target, tlen);
	memcpy(next + tlen, remaining, rlen + 1);
	memcpy(w->rest, next, tlen + rlen + 1);
	if (target[0] == '/') {
		walk_cd(w, w->rs->root_fd);
		w->wlen = 0;
		w->where[0] = '\0';
		w->where_cut = false;
	}
	return 0;
}

/* The path ended on the directory reached: an fd the caller owns. */
static int take_dir(struct walk *w)
{
	if (w->dir == w->rs->root_fd)
		return openat(w->dir, ".", O_PATH | O_CLOEXEC);
	int fd = w->dir;
	w->dir = -1;
	return fd;
}

/* /proc/self/fd/N, /proc/self/cwd, and /dev/stdin through them: procfs links are magic, they lead
 * to an object (a pipe reads "pipe:[N]", a deleted file "PATH (deleted)"), not to a path to
 * resolve, and no process can create a link there. procfs has an anonymous device (major 0): a
 * directory whose stat is known to be elsewhere costs no fstatfs. */
static bool in_procfs(int dir, const struct stat *st)
{
	struct statfs fs;
	if (st && major(st->st_dev) != 0)
		return false;
	return fstatfs(dir, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
}

/* A link in a sticky world-writable directory (/tmp, /var/tmp, /dev/shm) that neither landrun's
 * user nor the directory's owner owns: another user's, planted where anyone may create names.
 * The kernel follows none (fs.protected_symlinks, EACCES); landrun, which follows links itself,
 * follows none either, whatever that setting says: such a link would aim a grant at any file of
 * the user running landrun. Fails closed when the link cannot be stat'ed. */
static bool foreign_shared_link(int dir, const struct stat *dir_st, const char *name)
{
	if (!(dir_st->st_mode & S_ISVTX) || !(dir_st->st_mode & S_IWOTH))
		return false;
	struct stat link;
	if (fstatat(dir, name, &link, AT_SYMLINK_NOFOLLOW) < 0)
		return true;
	return link.st_uid != geteuid() && link.st_uid != dir_st->st_uid;
}

/* A link in the walk: refused inside a write grant, else its target takes its place. false to
 * go on walking, true when *result is what lr_resolve returns (an fd, -1 or LR_RESOLVE_PLANTED). */
static bool through_link(struct walk *w, const char *name, const char *target, size_t tlen,
			 const char *remaining, unsigned *links, struct lr_planted *planted, int *result)
{
	struct lr_resolver *rs = w->rs;
	const struct lr_write_dir *grant = NULL;
	struct stat st;
	bool at_root = w->dir == rs->root_fd, judged = rs->write_dirs.len > 0;
	rs->followed = true;
	*result = -1;
	if (at_root) /* the merged-/usr links: nothing to ask the kernel */
		st = rs->root;
	else if (fstat(w->dir, &st) < 0)
		return true;
	bool procfs = !at_root && in_procfs(w->dir, &st);
	if (judged && !procfs && beneath_write_dir(rs, w->dir, &st, &grant) < 0)
		return true;
	if (grant) {
		lr_sfmt(planted->link, sizeof(planted->link), "%s/%s", w->where, name);
		planted->grant = grant;
		*result = LR_RESOLVE_PLANTED;
		return true;
	}
	if (!procfs && foreign_shared_link(w->dir, &st, name)) {
		errno = EACCES; /* as open(2) answers under fs.protected_symlinks */
		return true;
	}
	if (++*links > MAX_LINKS) {
		errno = ELOOP;
		return true;
	}
	if (procfs) { /* the kernel follows it: no path says where a magic link leads */
		remaining += strspn(remaining, "/"); /* what remains is relative to the object */
		bool more = *remaining != '\0';
		int fd = openat(w->dir, name, O_PATH | O_CLOEXEC | (more ? O_DIRECTORY : 0));
		if (fd < 0 || !more) {
			*result = fd;
			return true;
		}
		walk_cd(w, fd);
		where_push(w, name, strlen(name));
		/* /proc/self/root/srv is /srv, not beneath /proc: from here on (until an absolute link
		 * restarts from /) the text names the link, not where the walk is */
		w->where_cut = true;
		memmove(w->rest, remaining, strlen(remaining) + 1);
	} else if (follow(w, target, tlen, remaining) < 0) {
		return true;
	}
	if (w->rs->no_openat2)
		return false;
	/* the rest in one call when no other link is on the way */
	*result = openat2_no_symlinks(w->dir, w->rest[0] ? w->rest : ".", O_PATH | O_CLOEXEC);
	if (*result >= 0 && !procfs && !w->where_cut &&
	    lr_sfmt(rs->real_buf, sizeof(rs->real_buf), "%s%s%s", w->where, w->rest[0] == '/' ? "" : "/", w->rest) <
		    (int)sizeof(rs->real_buf))
		rs->real = rs->real_buf;
	if (*result >= 0 || (errno != ELOOP && errno != EAGAIN && errno != ENOSYS))
		return true;
	w->rs->no_openat2 = errno == ENOSYS;
	return false;
}

static int walk_steps(struct walk *w, struct lr_planted *planted)
{
	unsigned links = 0;
	const char *p = w->rest;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			return take_dir(w);
		const char *end = strchrnul(p, '/'), *after = end;
		while (*after == '/')
			after++;
		size_t n = (size_t)(end - p);
		if (n > NAME_MAX) {
			errno = ENAMETOOLONG;
			return -1;
		}
		char name[NAME_MAX + 1], target[PATH_MAX];
		memcpy(name, p, n);
		name[n] = '\0';
		p = end;
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) { /* the real parent, as the kernel resolves it */
			int up = openat(w->dir, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (up < 0)
				return -1;
			walk_cd(w, up);
			where_pop(w);
			continue;
		}
		ssize_t t = readlinkat(w->dir, name, target, sizeof(target));
		if (t < 0 && errno != EINVAL)
			return -1; /* ENOENT, ENOTDIR, EACCES: as open would say */
		if (t < 0) { /* not a link */
			int fd = openat(w->dir, name, O_PATH | O_CLOEXEC | O_NOFOLLOW | (*after ? O_DIRECTORY : 0));
			if (fd < 0 || !*after)
				return fd;
			walk_cd(w, fd);
			where_push(w, name, n);
			continue;
		}
		if ((size_t)t >= sizeof(target)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		int result;
		if (through_link(w, name, target, (size_t)t, p, &links, planted, &result))
			return result;
		p = w->rest;
	}
}

static int walk(struct lr_resolver *rs, const char *path, struct lr_planted *planted)
{
	struct walk w = { .rs = rs, .dir = -1 };
	size_t len = strlen(path);
	if (len >= sizeof(w.rest)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(w.rest, path, len + 1);
	if (open_root(rs) < 0)
		return -1;
	if (path[0] == '/') {
		w.dir = rs->root_fd;
	} else { /* a command named relative to the current directory */
		int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cwd < 0)
			return -1;
		w.dir = cwd;
		memcpy(w.where, ".", 2);
		w.wlen = 1;
	}
	int fd = walk_steps(&w, planted);
	int e = errno;
	walk_cd(&w, -1);
	errno = e;
	return fd;
}

/* /proc/self/REST spelt /proc/PID/REST into buf, PID as procfs gives it to this process (which
 * may differ from getpid() in another PID namespace): the kernel's own link, in a filesystem where
 * no process can make one, resolved once per compile instead of walked for every path (the
 * default grants five files there). path itself when it does not start so, or the link is not
 * procfs's. */
static const char *proc_self_spelled(struct lr_resolver *rs, const char *path, char *buf, size_t size)
{
	if (strncmp(path, "/proc/self/", 11) != 0)
		return path;
	if (!rs->proc_self_read) {
		struct statfs fs;
		ssize_t n = statfs("/proc", &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC
				    ? readlink("/proc/self", rs->proc_self, sizeof(rs->proc_self) - 1)
				    : -1;
		rs->proc_self[n > 0 && strspn(rs->proc_self, "0123456789") == (size_t)n ? n : 0] = '\0';
		rs->proc_self_read = true;
	}
	if (!rs->proc_self[0] || lr_sfmt(buf, size, "/proc/%s/%s", rs->proc_self, path + 11) >= (int)size)
		return path;
	return buf;
}

int lr_resolve(struct lr_resolver *rs, const char *path, struct lr_planted *planted)
{
	rs->followed = false;
	rs->real = NULL;
	if (!rs->no_openat2) {
		const char *spelled = proc_self_spelled(rs, path, rs->real_buf, sizeof(rs->real_buf));
		int fd = openat2_no_symlinks(AT_FDCWD, spelled, O_PATH | O_CLOEXEC);
		if (fd >= 0) {
			rs->real = spelled;
			return fd;
		}
		if (errno == ENOSYS)
			rs->no_openat2 = true;
		else if (errno != ELOOP && errno != EAGAIN)
			return -1;
	}
	return walk(rs, path, planted);
}

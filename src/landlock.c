/* Policy -> Landlock ruleset fd: detect the ABI, decide what can be enforced, add the rules. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "landlock_abi.h"
#include "landlock_rights.h"
#include "netcalls.h"
#include "policy_guard.h"
#include "resolve.h"
#include "sandbox.h"

static const char *landlock_unavailable_reason(int e)
{
	switch (e) {
	case ENOSYS: return "the kernel was built without Landlock: ENOSYS";
	case EOPNOTSUPP: return "Landlock is disabled at boot (add landlock to the lsm= kernel parameter)";
	case EPERM: return "the Landlock syscalls are blocked: EPERM, as container and service seccomp profiles do";
	default: return strerror(e);
	}
}

/* One feature the policy relies on and the ABI that enforces it. */
struct feature {
	const char *what;
	int abi;
	bool needed;
	const struct lr_origin *at;
};

/* Strict: the first feature the ABI lacks is an error. Best-effort: it is dropped with a note. */
static int check_features(struct lr_sandbox *sb, const struct lr_policy *p, const struct feature *f,
			  size_t n, struct lr_error *err)
{
	bool strict = p->compat.is == LR_STRICT;
	for (size_t i = 0; i < n; i++) {
		if (!f[i].needed || sb->abi >= f[i].abi)
			continue;
		if (sb->abi == 0 && strict)
			return lr_fail(err, NULL, "Landlock is unavailable (%s), so the policy's %s cannot be enforced; "
				       "use compat = best-effort (or --best-effort) to run with the syscall filter only",
				       sb->landlock_missing ? sb->landlock_missing : "ABI 0", f[i].what);
		if (sb->abi == 0)
			continue; /* one loud warning below says it all */
		if (strict)
			return lr_fail(err, f[i].at->line ? f[i].at : NULL,
				       "%s: requires Landlock ABI %d (Linux %s), this kernel offers %d%s%s; "
				       "use compat = best-effort (or --best-effort) to run without it",
				       f[i].what, f[i].abi, lr_abi_linux(f[i].abi), sb->abi, sb->landlock_missing ? ": " : "",
				       sb->landlock_missing ? sb->landlock_missing : "");
		if (lr_sandbox_note(sb, true, "not enforced: %s (needs Landlock ABI %d, Linux %s; this kernel has %d)",
				    f[i].what, f[i].abi, lr_abi_linux(f[i].abi), sb->abi))
			return lr_fail(err, NULL, "out of memory");
	}
	return 0;
}

static bool strict_compat(const struct lr_policy *p)
{
	return p->compat.is == LR_STRICT;
}

static bool has_access(const struct lr_policy *p, enum lr_access a, const struct lr_origin **at)
{
	for (size_t i = 0; i < p->paths.len; i++) {
		const struct lr_path_rule *r = lr_vec_at(&p->paths, i);
		if (r->access == a || (a == LR_RW && r->access == LR_RWX)) {
			*at = &r->at;
			return true;
		}
	}
	return false;
}

static int detect_abi(struct lr_sandbox *sb, const struct lr_compile_opts *o)
{
	long abi = syscall(LR_SYS_landlock_create_ruleset, NULL, 0, LR_LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		sb->kernel_abi = 0;
		sb->landlock_missing = landlock_unavailable_reason(errno);
	} else {
		sb->kernel_abi = (int)abi;
	}
	sb->abi = sb->kernel_abi;
	if (o && o->abi_cap > 0 && sb->abi > o->abi_cap)
		sb->abi = o->abi_cap;
	if (o && o->abi_cap < 0) {
		sb->abi = 0;
		sb->landlock_missing = "pretended by --test-abi 0";
	}
	return 0;
}

/* Decides what the ruleset handles; fails (strict) when the ABI cannot enforce the policy. */
static int plan(struct lr_sandbox *sb, const struct lr_policy *p, const struct lr_compile_opts *o,
		struct lr_error *err)
{
	static const struct lr_origin implicit = { NULL, 0 };
	const struct lr_origin *rw_at = &implicit, *dev_at = &implicit;
	bool fs = !p->fs_any.on;
	bool tcp_connect = !p->connect_any.on, tcp_bind = !p->bind_any.on;
	bool has_rw = has_access(p, LR_RW, &rw_at);
	bool has_dev = has_access(p, LR_DEV, &dev_at);
	bool scope_unix = p->abstract_unix_isolated.on, scope_sig = p->signals_isolated.on;
	bool unix_paths = p->unix_sockets.is == LR_UNIX_PATHS;
	bool udp_connect = p->connect_udp_any.set && !p->connect_udp_any.on;
	bool udp_bind = p->bind_udp_any.set && !p->bind_udp_any.on;
	const struct lr_origin *udp_at = udp_connect ? &p->connect_udp_any.at : &p->bind_udp_any.at;
	const struct lr_origin *net_at = p->connect_any.set ? &p->connect_any.at : &implicit;
	/* below ABI 9 and 10 the helper makes the socket calls instead (netcalls.h), where one can
	 * run; UDP bind ports it does not judge */
	if (lr_helper_possible(o)) {
		unix_paths = false;
		udp_connect = false;
		udp_at = &p->bind_udp_any.at;
	}
	struct feature features[] = {
		{ "filesystem restrictions", 1, fs, &implicit },
		{ "renaming and linking across directories (refer)", 2, fs && has_rw, rw_at },
		{ "denying truncate outside rw grants", 3, fs, &implicit },
		{ "TCP connect restrictions", 4, tcp_connect, net_at },
		{ "TCP bind restrictions", 4, tcp_bind, p->bind_any.set ? &p->bind_any.at : &implicit },
		{ "device ioctl grants (dev =)", 5, fs && has_dev, dev_at },
		{ "abstract unix socket isolation", 6, p->abstract_unix_isolated.set && scope_unix, &p->abstract_unix_isolated.at },
		{ "signal isolation", 6, p->signals_isolated.set && scope_sig, &p->signals_isolated.at },
		{ "unix = PATH (only the listed unix sockets; best-effort runs it as unix = any)", 9, unix_paths,
		  &p->unix_sockets.at },
		{ "landlock_log (Landlock's audit flags)", 7, p->landlock_log_flags != 0, &p->landlock_log.at },
		{ "UDP port restrictions (connect_udp, bind_udp; best-effort runs them as udp = yes)", 10,
		  udp_connect || udp_bind, udp_at },
	};
	if (p->min_abi.set && sb->abi < p->min_abi.n)
		return lr_fail(err, &p->min_abi.at, "min_abi = %d but this kernel offers Landlock ABI %d%s%s",
			       p->min_abi.n, sb->abi, sb->landlock_missing ? ": " : "",
			       sb->landlock_missing ? sb->landlock_missing : "");
	if (check_features(sb, p, features, LR_ARRAY_LEN(features), err))
		return -1;
	if (fs)
		sb->handled_fs = lr_fs_rights_for_abi(sb->abi);
	if (sb->abi >= 7)
		sb->restrict_flags = p->landlock_log_flags;
	sb->strict = strict_compat(p);
	/* resolve_unix (ABI 9) is handled unless unix = any: with unix = PATH the rules grant the
	 * listed sockets; with none no rule does (the filter refuses socket(AF_UNIX) anyway). Below
	 * ABI 9, best-effort has noted that unix = PATH runs as unix = any. */
	if (sb->abi >= 9 && p->unix_sockets.is != LR_UNIX_ANY)
		sb->handled_fs |= LR_FS_RESOLVE_UNIX;
	else
		sb->handled_fs &= ~LR_FS_RESOLVE_UNIX;
	if (sb->abi >= 4) {
		sb->handled_net = (tcp_connect ? LR_NET_CONNECT_TCP : 0) | (tcp_bind ? LR_NET_BIND_TCP : 0);
	}
	if (sb->abi >= 10) {
		bool udp_connect_ports = p->connect_udp_any.set && !p->connect_udp_any.on;
		sb->handled_net |= (udp_connect_ports ? LR_NET_CONNECT_SEND_UDP : 0) | (udp_bind ? LR_NET_BIND_UDP : 0);
	}
	if (sb->abi >= 6) {
		sb->scoped = (scope_unix ? LR_SCOPE_ABSTRACT_UNIX_SOCKET : 0) | (scope_sig ? LR_SCOPE_SIGNAL : 0);
	} else if ((scope_unix && !p->abstract_unix_isolated.set) || (scope_sig && !p->signals_isolated.set)) {
		if (lr_sandbox_note(sb, false, "not enforced: abstract unix socket and signal isolation (needs Landlock ABI 6, Linux 6.12)"))
			return lr_fail(err, NULL, "out of memory");
	}
	return 0;
}

static int add_rule_fd(const struct lr_sandbox *sb, int fd, uint64_t rights)
{
	struct lr_landlock_path_beneath_attr attr = { .allowed_access = rights, .parent_fd = fd };
	return (int)syscall(LR_SYS_landlock_add_rule, sb->ruleset_fd, LR_LANDLOCK_RULE_PATH_BENEATH, &attr, 0);
}

/* Rule fds are held until every rule is added, then closed by one close_range instead of a close
 * each: by exec's fd-closing step in the CLI (defer_close), here in the library, where fds a..b
 * all held are all this compile's own (fds are unique), so a close_range over such a run closes
 * nothing another thread opened. Only fds below the fd limit less some headroom for the steps
 * that follow (seccomp export, verified copy, supervisor pipes) are held: a policy with more
 * paths than RLIMIT_NOFILE allows open fds still compiles, its later rules closing their fds one
 * by one. */
enum { HOLD_MIN = 256, HOLD_HEADROOM = 64 };

struct rule_fds {
	bool until_exec;    /* the CLI: exec's fd-closing step closes them */
	int below;          /* fds from here up are closed at once */
	struct lr_vec held; /* int, ascending: the library's held fds */
};

static void rule_fds_init(struct rule_fds *h, bool until_exec, size_t npaths)
{
	struct rlimit rl;
	h->until_exec = until_exec;
	lr_vec_init(&h->held, sizeof(int));
	if (npaths + HOLD_HEADROOM < HOLD_MIN || getrlimit(RLIMIT_NOFILE, &rl) < 0 ||
	    rl.rlim_cur < HOLD_MIN + HOLD_HEADROOM)
		h->below = HOLD_MIN;
	else
		h->below = rl.rlim_cur > INT_MAX ? INT_MAX : (int)(rl.rlim_cur - HOLD_HEADROOM);
}

static void hold_or_close(struct rule_fds *h, int fd)
{
	if (fd < h->below) {
		if (h->until_exec)
			return;
		int *slot = lr_vec_push(&h->held);
		if (slot) {
			*slot = fd;
			return;
		}
	}
	close(fd);
}

static int cmp_fd(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void close_held(struct rule_fds *h)
{
	lr_vec_sort(&h->held, cmp_fd);
	const int *fd = h->held.items;
	for (size_t i = 0, j; i < h->held.len; i = j + 1) {
		for (j = i; j + 1 < h->held.len && fd[j + 1] == fd[j] + 1; j++)
			;
		if (syscall(SYS_close_range, fd[i], fd[j], 0) < 0)
			for (size_t k = i; k <= j; k++)
				close(fd[k]);
	}
	lr_vec_free(&h->held);
}

/* What the filesystem rules of one compile share. */
struct fs_rules {
	struct lr_sandbox *sb;
	const struct lr_policy *p;
	struct lr_policy_guard guard; /* built the first time a directory write grant is checked */
	struct rule_fds fds;
	struct lr_resolver rs;  /* the write grants' directories, once found */
	struct lr_vec relinked; /* struct relinked: write grants reached through a link */
	struct lr_vec covers;   /* struct cover: directories with a rule, by their real path */
};

/* A directory rule added, with the path it was opened at (no link followed, no . or ..): a later
 * read grant that resolves beneath it, with no right it lacks, needs no rule of its own. On
 * merged-/usr systems /bin, /sbin and /lib lead beneath /usr, /etc/localtime to /usr/share. */
struct cover {
	const char *path;
	uint64_t rights;
	const struct lr_path_rule *r;
};

/* A write grant found through a link, while the write grants were not all known yet. */
struct relinked {
	struct lr_path_rule r;
	dev_t dev;
	ino_t ino;
};

enum { RULE_SKIPPED = -3, RULE_COVERED = -4 }; /* apart from LR_RESOLVE_PLANTED */

/* A link on the way to path lies in a directory the sandbox may write. */
static int refuse_planted(const struct lr_origin *at, const char *path, const struct lr_planted *pl,
			  struct lr_error *err)
{
	char grant[PATH_MAX + 128];
	bool final = strcmp(pl->link, path) == 0;
	return lr_fail(err, at, "%s%s%s%s is a symbolic link inside the write grant %s: the sandbox could have planted it; "
		       "name the real path instead", pl->link, final ? "" : " (on the way to ", final ? "" : path,
		       final ? "" : ")", lr_write_dir_str(pl->grant, grant, sizeof(grant)));
}

/* An absolute path with no empty, "." or ".." component and no trailing slash (except "/"): its
 * text says where it is. */
static bool clean_path(const char *p)
{
	if (p[0] != '/')
		return false;
	for (const char *c = p; *c; c++) {
		if (*c != '/')
			continue;
		const char *n = c + 1;
		if (*n == '/' || (*n == '\0' && c != p) || (n[0] == '.' && (n[1] == '/' || n[1] == '\0')) ||
		    (n[0] == '.' && n[1] == '.' && (n[2] == '/' || n[2] == '\0')))
			return false;
	}
	return true;
}

/* The covers are kept sorted by path: a grant asks for each directory above it (a handful) by
 * binary search, not every cover (a policy of 1,000 directories would cost a million compares). */
static int cmp_text(const char *key, size_t len, const char *path)
{
	int d = strncmp(key, path, len);
	return d ? d : path[len] ? -1 : 0; /* a key that is a prefix of path sorts first */
}

/* The first cover whose path is not below key[0..len) in that order. */
static size_t cover_lower_bound(const struct lr_vec *covers, const char *key, size_t len)
{
	size_t lo = 0, hi = covers->len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_text(key, len, ((const struct cover *)lr_vec_at(covers, mid))->path) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A cover of the directory key[0..len) with every right of rights, or NULL. */
static const struct cover *cover_of(const struct lr_vec *covers, const char *key, size_t len, uint64_t rights)
{
	for (size_t i = cover_lower_bound(covers, key, len); i < covers->len; i++) {
		const struct cover *cv = lr_vec_at(covers, i);
		if (cmp_text(key, len, cv->path) != 0)
			break;
		if ((cv->rights & rights) == rights)
			return cv;
	}
	return NULL;
}

/* The directory rule, added before, that grants every right of rights where the last resolve
 * ended (rs.real) or above it, or NULL. Both paths were opened with no link followed on their
 * text, so one beneath the other in text is beneath it in the hierarchy Landlock walks. (Were a
 * directory renamed in between, the rule left out would only deny what it granted: never more
 * access.) */
static const struct cover *covering(const struct fs_rules *c, uint64_t rights)
{
	const char *real = c->rs.real;
	if (!real || !clean_path(real))
		return NULL;
	const struct cover *cv = cover_of(&c->covers, "/", 1, rights);
	for (size_t k = 1; !cv; k++)
		if (real[k] == '/' || real[k] == '\0') {
			cv = cover_of(&c->covers, real, k, rights);
			if (real[k] == '\0')
				break;
		}
	return cv;
}

/* After a rule on a directory: remembered as a cover where the last resolve ended. */
static int remember_cover(struct fs_rules *c, const struct lr_path_rule *r, uint64_t rights)
{
	const char *real = c->rs.real;
	if (!real || !clean_path(real))
		return 0;
	if (real != r->path && !(real = lr_arena_strdup(&c->sb->arena, real)))
		return -1;
	size_t at = cover_lower_bound(&c->covers, real, strlen(real));
	if (!lr_vec_push(&c->covers))
		return -1;
	struct cover *first = lr_vec_at(&c->covers, 0);
	memmove(first + at + 1, first + at, (c->covers.len - 1 - at) * sizeof(*first));
	first[at] = (struct cover){ real, rights, r };
	return 0;
}

static int note_covered(struct lr_sandbox *sb, const struct lr_path_rule *r, const char *real, const struct cover *cv)
{
	const char *file = r->at.file ? r->at.file : "default", *cfile = cv->r->at.file ? cv->r->at.file : "default";
	bool same = strcmp(real, r->path) == 0;
	return lr_sandbox_note(sb, false, "%s = %s%s (%s:%d)%s%s: covered by %s:%d (%s = %s), no rule of its own",
			       lr_access_name(r->access), r->optional ? "?" : "", r->path, file, r->at.line,
			       same ? "" : ", that is ", same ? "" : real, cfile, cv->r->at.line,
			       lr_access_name(cv->r->access), cv->r->path);
}

/* Opens a policy path for a rule, following no symbolic link that lies inside a write grant
 * (resolve.h); one outside them all is followed, whoever owns it (system links like
 * /lib -> usr/lib). Ownership is no trust: a link the sandbox made as root is root's.
 *
 * cover_rights (0: none) asks whether a directory rule added before already grants them where the
 * path leads: then the path needs no rule (RULE_COVERED). dir_rights (0: none) asks to try the
 * rule before the fstat: the kernel refuses directory rights on anything but a directory
 * (EINVAL), so success proves a directory and saves the fstat (a third of the syscalls of a large
 * policy); *rule_added is then set and *st unset. Returns the fd, RULE_SKIPPED (an optional path
 * that is absent), RULE_COVERED or -1. */
static int open_rule_path(struct fs_rules *c, const struct lr_path_rule *r, uint64_t cover_rights,
			  uint64_t dir_rights, bool *rule_added, struct stat *st, struct lr_error *err)
{
	struct lr_sandbox *sb = c->sb;
	struct lr_planted planted;
	int fd = lr_resolve(&c->rs, r->path, &planted);
	*rule_added = false;
	if (fd == LR_RESOLVE_PLANTED) {
		refuse_planted(&r->at, r->path, &planted, err);
		return -1; /* spelt out here and below: the analyser cannot see into lr_fail */
	}
	const struct cover *cv = fd >= 0 && cover_rights ? covering(c, cover_rights) : NULL;
	if (cv) {
		hold_or_close(&c->fds, fd);
		if (sb->verbose && note_covered(sb, r, c->rs.real, cv)) {
			lr_fail(err, NULL, "out of memory");
			return -1;
		}
		return RULE_COVERED;
	}
	if (fd >= 0 && dir_rights) {
		if (add_rule_fd(sb, fd, dir_rights) == 0) {
			*rule_added = true;
			return fd;
		}
		if (errno != EINVAL) {
			int e = errno;
			close(fd);
			lr_fail(err, &r->at, "landlock_add_rule(%s): %s", r->path, strerror(e));
			return -1;
		}
	}
	if (fd >= 0 && fstat(fd, st) < 0) { /* never hand back an fd with *st unset */
		close(fd);
		fd = -1;
	}
	if (fd >= 0 && S_ISLNK(st->st_mode)) { /* only if swapped in between the walk's two calls */
		close(fd);
		lr_fail(err, &r->at, "%s became a symbolic link while landrun opened it; name the real path instead", r->path);
		return -1;
	}
	if (fd >= 0)
		return fd;
	int e = errno;
	if (r->optional && (e == ENOENT || e == ENOTDIR)) {
		if (sb->verbose && lr_sandbox_note(sb, false, "skipped optional %s = ?%s (%s:%d): %s", lr_access_name(r->access),
				    r->path, r->at.file, r->at.line, strerror(e))) {
			lr_fail(err, NULL, "out of memory");
			return -1;
		}
		return RULE_SKIPPED;
	}
	/* a path near PATH_MAX is cut so that the reason still fits in the message */
	size_t len = strlen(r->path);
	lr_fail(err, &r->at, "%.*s%s: %s%s", len > 400 ? 400 : (int)len, r->path, len > 400 ? "..." : "",
		strerror(e), e == ENOENT ? " (prefix the path with ? if it may be absent)" : "");
	return -1; /* spelt out: callers test fd < 0, and the analyser cannot see into lr_fail */
}

/* One path-beneath rule on an opened path (the caller closes the fd). */
static int add_path_beneath(struct lr_sandbox *sb, int fd, uint64_t rights, const char *path,
			    const struct lr_origin *at, struct lr_error *err)
{
	int rc = add_rule_fd(sb, fd, rights);
	int e = errno;
	if (rc < 0)
		return lr_fail(err, at, "landlock_add_rule(%s): %s", path, strerror(e));
	sb->fs_rules++;
	return 0;
}

/* A grant that lets the sandbox write one of the policy files it was built from. */
static int refuse_writable_policy(struct lr_policy_guard *g, const struct lr_policy *p,
				  const struct lr_path_rule *r, const struct stat *st, uint64_t rights,
				  struct lr_error *err)
{
	const char *file;
	int hit = rights & LR_FS_WRITE_RIGHTS ? lr_policy_guard_check(g, p, st, &file, err) : 0;
	if (hit <= 0)
		return hit;
	return lr_fail(err, &r->at, "the policy file %s is writable inside its own sandbox (by this grant): the sandboxed "
		       "command could rewrite its own policy; move the policy out of it or narrow the grant", file);
}

static uint64_t rule_rights(const struct lr_sandbox *sb, const struct lr_policy *p, const struct lr_path_rule *r)
{
	return lr_rule_rights(p, r) & sb->handled_fs;
}

/* The rule on an opened, stat'ed path: rights masked to a file's, dev = checked, the guard. */
static int add_stated_rule(struct fs_rules *c, const struct lr_path_rule *r, int fd, const struct stat *st,
			   uint64_t rights, bool guarded, struct lr_error *err)
{
	if (!S_ISDIR(st->st_mode))
		rights &= LR_FS_FILE_RIGHTS;
	/* dev = DIR: ioctl on the devices beneath it (opening them still needs ro/rw) */
	if (r->access == LR_DEV && !S_ISCHR(st->st_mode) && !S_ISBLK(st->st_mode) && !S_ISDIR(st->st_mode)) {
		close(fd);
		return lr_fail(err, &r->at, "dev = %s: not a device file or a directory", r->path);
	}
	if (guarded && refuse_writable_policy(&c->guard, c->p, r, st, rights, err)) {
		close(fd);
		return -1;
	}
	int rc = rights ? add_path_beneath(c->sb, fd, rights, r->path, &r->at, err) : 0;
	hold_or_close(&c->fds, fd);
	if (!rc && rights && S_ISDIR(st->st_mode) && remember_cover(c, r, rights))
		return lr_fail(err, NULL, "out of memory");
	return rc;
}

/* One write grant: its directory is recorded before any other path is opened, so that no link
 * the sandbox could have planted in it is followed. key names it in messages. */
static int add_write_grant(struct fs_rules *c, const struct lr_path_rule *r, const char *key, uint64_t rights,
			   struct lr_error *err)
{
	struct stat st;
	bool added;
	int fd = open_rule_path(c, r, 0, 0, &added, &st, err);
	if (fd == RULE_SKIPPED)
		return 0;
	if (fd < 0)
		return -1;
	if (S_ISDIR(st.st_mode) && lr_resolver_add_write_dir(&c->rs, &st, key, r->path, &r->at)) {
		close(fd);
		return lr_fail(err, NULL, "out of memory");
	}
	struct relinked *l = c->rs.followed ? lr_vec_push(&c->relinked) : NULL;
	if (l)
		*l = (struct relinked){ *r, st.st_dev, st.st_ino };
	if (c->rs.followed && !l) {
		close(fd);
		return lr_fail(err, NULL, "out of memory");
	}
	return add_stated_rule(c, r, fd, &st, rights, true, err);
}

/* A write grant reached through a link was judged against the write grants found before it:
 * judged again against all of them, it must lead to the same directory. */
static int recheck_relinked(struct fs_rules *c, struct lr_error *err)
{
	for (size_t i = 0; i < c->relinked.len; i++) {
		const struct relinked *l = lr_vec_at(&c->relinked, i);
		struct lr_planted planted;
		struct stat st;
		int fd = lr_resolve(&c->rs, l->r.path, &planted);
		if (fd == LR_RESOLVE_PLANTED)
			return refuse_planted(&l->r.at, l->r.path, &planted, err);
		int rc = fd < 0 ? -1 : fstat(fd, &st);
		int e = errno;
		if (fd >= 0)
			close(fd);
		if (rc < 0)
			return lr_fail(err, &l->r.at, "%s: %s", l->r.path, strerror(e));
		if (st.st_dev != l->dev || st.st_ino != l->ino)
			return lr_fail(err, &l->r.at, "%s changed while landrun opened it; run again", l->r.path);
	}
	return 0;
}

/* private_tmp: the rule goes on the directory landrun created and has held open since, never on
 * its name again: another sandbox of the same user granted its parent (/tmp) could have swapped
 * the name for a link to anywhere in between. A fresh directory of this run: it cannot hold a
 * policy, the guard is not asked. */
static int add_private_tmp_grant(struct fs_rules *c, struct lr_error *err)
{
	struct lr_sandbox *sb = c->sb;
	const struct lr_origin *at = &c->p->private_tmp.at;
	struct stat st;
	if (fstat(sb->tmp.fd, &st) < 0)
		return lr_fail(err, at, "private_tmp %s: %s", sb->private_tmp, strerror(errno));
	if (lr_resolver_add_write_dir(&c->rs, &st, "private_tmp", sb->private_tmp, at))
		return lr_fail(err, NULL, "out of memory");
	return add_path_beneath(sb, sb->tmp.fd, lr_access_rights(LR_RW) & sb->handled_fs, sb->private_tmp, at, err);
}

/* rw, rwx and private_tmp, first: they decide which links are followed. */
static int add_write_grants(struct fs_rules *c, struct lr_error *err)
{
	const struct lr_policy *p = c->p;
	for (size_t i = 0; i < p->paths.len; i++) {
		const struct lr_path_rule *r = lr_vec_at(&p->paths, i);
		uint64_t rights = rule_rights(c->sb, p, r);
		if ((rights & LR_FS_WRITE_RIGHTS) &&
		    add_write_grant(c, r, lr_access_name(r->access), rights, err))
			return -1;
	}
	if (c->sb->private_tmp && add_private_tmp_grant(c, err))
		return -1;
	return recheck_relinked(c, err);
}

static int add_read_grants(struct fs_rules *c, struct lr_error *err)
{
	const struct lr_policy *p = c->p;
	bool last_was_dir = true;
	for (size_t i = 0; i < p->paths.len; i++) {
		const struct lr_path_rule *r = lr_vec_at(&p->paths, i);
		uint64_t rights = rule_rights(c->sb, p, r);
		if (rights & LR_FS_WRITE_RIGHTS)
			continue; /* added by add_write_grants */
		/* The stat is needed anyway by dev = (a device?). Policies list files together and
		 * directories together: the rule-first try is made after a directory only, so a run of
		 * files does not pay a refused landlock_add_rule each. */
		bool try_dir = last_was_dir && (rights & ~LR_FS_FILE_RIGHTS) && r->access != LR_DEV;
		/* dev = is checked (a device or a directory?) even where covered */
		uint64_t cover = r->access == LR_DEV ? 0 : rights;
		struct stat st;
		bool added;
		int fd = open_rule_path(c, r, cover, try_dir ? rights : 0, &added, &st, err);
		if (fd == RULE_SKIPPED || fd == RULE_COVERED)
			continue;
		last_was_dir = added || (fd >= 0 && S_ISDIR(st.st_mode));
		if (fd < 0)
			return -1;
		if (added) {
			c->sb->fs_rules++;
			hold_or_close(&c->fds, fd);
			if (remember_cover(c, r, rights))
				return lr_fail(err, NULL, "out of memory");
			continue;
		}
		if (add_stated_rule(c, r, fd, &st, rights, false, err))
			return -1;
	}
	return 0;
}

/* One file the command needs to read, and execute or map executable (rights): the same symlink
 * rule as policy paths, no link inside a write grant is followed. */
static int add_exec_file_rule(struct fs_rules *c, const char *f, const char *what, uint64_t rights,
			      struct lr_error *err)
{
	struct lr_sandbox *sb = c->sb;
	struct lr_path_rule r = { .path = f, .access = LR_EXEC, .at = { what, 0 } };
	struct stat st;
	bool added;
	int fd = open_rule_path(c, &r, 0, 0, &added, &st, err);
	if (fd < 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return lr_fail(err, NULL, "%s: %s is not a regular file", what, f);
	}
	int rc = add_path_beneath(sb, fd, rights & sb->handled_fs, f, NULL, err);
	close(fd);
	return rc;
}

/* [exec]: the command and its interpreter chain, exactly those files (a verified command runs from
 * its sealed copy, so its path on disk is not made executable); add_libraries: its loader and
 * libraries, exactly those files. */
static int add_exec_chain_rules(struct fs_rules *c, struct lr_error *err)
{
	struct lr_sandbox *sb = c->sb;
	for (unsigned i = sb->exec_fd >= 0 ? 1 : 0; i < sb->nexec_chain; i++)
		if (add_exec_file_rule(c, sb->exec_chain[i], "[exec] command chain", LR_FS_READ_FILE | LR_FS_EXECUTE, err))
			return -1;
	for (size_t i = 0; i < sb->libraries.len; i++)
		if (add_exec_file_rule(c, *(const char **)lr_vec_at(&sb->libraries, i), "[exec] add_libraries",
				       LR_FS_READ_FILE | LR_FS_EXECUTE, err))
			return -1;
	if (sb->loader_cache && add_exec_file_rule(c, sb->loader_cache, "[exec] add_libraries", LR_FS_READ_FILE, err))
		return -1;
	return 0;
}

/* [network] unix = PATH (ABI 9): resolve_unix on each listed socket, or beneath a directory. The
 * same symlink rule as [filesystem] paths (open_rule_path). */
static int add_unix_rules(struct fs_rules *c, struct lr_error *err)
{
	const struct lr_policy *p = c->p;
	for (size_t i = 0; i < p->unix_paths.len; i++) {
		const struct lr_path_rule *r = lr_vec_at(&p->unix_paths, i);
		struct stat st;
		bool added;
		int fd = open_rule_path(c, r, 0, 0, &added, &st, err);
		if (fd == RULE_SKIPPED)
			continue;
		if (fd < 0)
			return -1;
		int rc = !S_ISSOCK(st.st_mode) && !S_ISDIR(st.st_mode)
				 ? lr_fail(err, &r->at, "unix = %s: not a unix socket or a directory", r->path)
				 : add_path_beneath(c->sb, fd, LR_FS_RESOLVE_UNIX, r->path, &r->at, err);
		close(fd);
		if (rc)
			return -1;
	}
	return 0;
}

/* Write grants first (links are judged by them), then the policy files read through a link, the
 * other grants, the [exec] chain, the unix sockets. The guard compares each write grant's fstat
 * (done anyway to open it) with the policy files. files: [filesystem] is restricted (else only
 * the unix socket rules are added). */
static int add_fs_rules(struct lr_sandbox *sb, const struct lr_policy *p, bool files, bool defer_close,
			struct lr_error *err)
{
	struct fs_rules c = { .sb = sb, .p = p };
	lr_policy_guard_init(&c.guard);
	rule_fds_init(&c.fds, defer_close, p->paths.len);
	lr_resolver_init(&c.rs);
	lr_vec_init(&c.relinked, sizeof(struct relinked));
	lr_vec_init(&c.covers, sizeof(struct cover));
	int rc = files ? add_write_grants(&c, err) : 0;
	if (!rc && files)
		rc = lr_policy_guard_links(&c.rs, p, err);
	if (!rc && files)
		rc = add_read_grants(&c, err);
	if (!rc && files)
		rc = add_exec_chain_rules(&c, err);
	if (!rc && (sb->handled_fs & LR_FS_RESOLVE_UNIX))
		rc = add_unix_rules(&c, err);
	close_held(&c.fds);
	if (!rc) { /* kept for metadata = granted, whose helper decides by them */
		lr_vec_free(&sb->write_dirs);
		sb->write_dirs = c.rs.write_dirs;
		lr_vec_init(&c.rs.write_dirs, sizeof(struct lr_write_dir));
	}
	lr_vec_free(&c.relinked);
	lr_vec_free(&c.covers);
	lr_resolver_free(&c.rs);
	lr_policy_guard_free(&c.guard);
	return rc;
}

static int add_port_rules(struct lr_sandbox *sb, const struct lr_policy *p, struct lr_error *err)
{
	for (size_t i = 0; i < p->ports.len + p->udp_ports.len; i++) {
		bool udp = i >= p->ports.len;
		const struct lr_port_rule *r = udp ? lr_vec_at(&p->udp_ports, i - p->ports.len) : lr_vec_at(&p->ports, i);
		uint64_t right = udp ? (r->bind ? LR_NET_BIND_UDP : LR_NET_CONNECT_SEND_UDP)
				     : (r->bind ? LR_NET_BIND_TCP : LR_NET_CONNECT_TCP);
		if (!(sb->handled_net & right))
			continue;
		for (unsigned port = r->lo; port <= r->hi; port++) {
			struct lr_landlock_net_port_attr attr = { .allowed_access = right, .port = port };
			if (syscall(LR_SYS_landlock_add_rule, sb->ruleset_fd, LR_LANDLOCK_RULE_NET_PORT, &attr, 0) < 0)
				return lr_fail(err, &r->at, "landlock_add_rule(port %u): %s", port, strerror(errno));
			sb->net_rules++;
		}
	}
	return 0;
}

int lr_landlock_compile(struct lr_sandbox *sb, const struct lr_policy *p,
			const struct lr_compile_opts *o, struct lr_error *err)
{
	detect_abi(sb, o);
	if (plan(sb, p, o, err))
		return -1;
	/* the library's landrun_apply may run in a threaded caller: below ABI 8 best-effort restricts
	 * the calling thread only (strict refuses there, when it sees other threads) */
	if (!(o && o->in_place) && !sb->strict && sb->abi > 0 && sb->abi < 8 &&
	    lr_sandbox_note(sb, false, "landrun_apply in a process with other threads restricts the calling thread "
			    "only (LANDLOCK_RESTRICT_SELF_TSYNC needs Landlock ABI 8, Linux 7.0; this kernel has %d)",
			    sb->abi))
		return lr_fail(err, NULL, "out of memory");
	if (sb->abi == 0) {
		/* Best-effort without Landlock: say so loudly, seccomp still applies. */
		if ((!p->fs_any.on || !p->connect_any.on || !p->bind_any.on) &&
		    lr_sandbox_note(sb, true, "Landlock is unavailable (%s): files and network are NOT restricted, only the syscall filter applies",
				    sb->landlock_missing ? sb->landlock_missing : "ABI 0"))
			return lr_fail(err, NULL, "out of memory"); /* never run without the warning */
		return 0;
	}
	if (!sb->handled_fs && !sb->handled_net && !sb->scoped)
		return 0;
	struct lr_landlock_ruleset_attr attr = {
		.handled_access_fs = sb->handled_fs,
		.handled_access_net = sb->handled_net,
		.scoped = sb->scoped,
	};
	int fd = (int)syscall(LR_SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return lr_fail(err, NULL, "landlock_create_ruleset: %s", strerror(errno));
	sb->ruleset_fd = fd;
	/* not only resolve_unix handled: [filesystem] is restricted */
	bool files = sb->handled_fs & ~LR_FS_RESOLVE_UNIX;
	if (sb->handled_fs && add_fs_rules(sb, p, files, o && o->defer_close, err))
		return -1;
	return add_port_rules(sb, p, err);
}

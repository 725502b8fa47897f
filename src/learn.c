/* landrun learn: the command runs traced under a base policy (or, with --unconfined, under no
 * restriction at all); every successful path, socket and exec call is recorded at its exit, and
 * under a base policy every path and port call it denied, then folded into a policy:
 * system trees as directories, the working directory and the temporary directory read-write,
 * files under $HOME one by one (optional), other paths one by one, the exec allow list, TCP ports,
 * udp, and with --syscalls an allow list of the syscalls seen. */
#include "learn.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "landlock_abi.h"
#include "landlock_rights.h"
#include "learn_base.h"
#include "names.h"
#include "sandbox.h"
#include "supervise.h"
#include "syscall_groups.h"
#include "trace.h"
#include "workdir.h"

extern char **environ;

enum { MAX_NR = 1024 };

/* What a path was used for. */
enum {
	U_READ = 1, U_WRITE = 2, U_DIR = 4, U_EXEC = 8, U_CREATE = 16, U_UNIX_SOCKET = 32,
	U_OUTSIDE = 64, /* the base policy does not grant it: a comment, never a grant */
};

struct use {
	const char *path; /* canonical where it exists */
	unsigned flags;
	const char *exe;  /* the first program that used it */
};

struct port_use {
	unsigned port;
	bool bind;
	bool denied;      /* by the base policy: a suggestion, not a grant */
	const char *exe;
};

struct learn {
	struct lr_arena arena;
	struct lr_vec uses;  /* struct use */
	struct lr_learn_base base; /* what the base policy grants: no learned grant goes beyond it */
	struct lr_vec denied; /* struct use: what the base policy denied (EACCES, EPERM) */
	bool under_base;     /* a base policy restricts the run: its denials are worth reporting */
	bool denying;        /* the call being recorded was denied: record into denied */
	struct lr_vec ports; /* struct port_use */
	bool udp;
	uint64_t families;   /* socket families created */
	uint32_t netlink;    /* netlink protocols used */
	bool want_syscalls;
	unsigned char syscalls[MAX_NR];
	char cwd[PATH_MAX], home[PATH_MAX], tmp[PATH_MAX];
	bool cwd_var;        /* paths beneath cwd are written ${CWD}: a rerun would not refuse it */
	char output[PATH_MAX]; /* -o FILE, resolved: a write grant holding it makes the rerun refuse */
	const char *output_in; /* the write grant that holds it */
	bool out_of_memory;  /* a use could not be recorded: the policy would be incomplete */
};

/* Where the recorded paths are folded into one directory grant each. Not /etc: it holds secrets
 * (shadow, ssh host keys, TLS private keys) that a command run as root could then read, so its
 * files are granted one by one. */
static const char *const system_trees[] = { "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
					    "/opt", "/proc", "/sys" };

/* The path with symbolic links resolved (Landlock grants follow them too); for a path that does
 * not exist (any more), its resolved parent and its name. */
static void canonical(const char *path, char *out, size_t size)
{
	char buf[PATH_MAX];
	if (realpath(path, buf)) {
		snprintf(out, size, "%s", buf);
		return;
	}
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", path);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if (realpath(parent, buf) && snprintf(out, size, "%s/%s", buf, slash + 1) < (int)size)
			return;
	}
	snprintf(out, size, "%s", path);
}

/* A use of path, resolved already (the kernel's name of an object the command opened, or
 * canonical()'s). */
static void record_resolved(struct learn *l, const char *canon, unsigned flags, pid_t pid)
{
	char exe[PATH_MAX];
	struct lr_vec *into = l->denying ? &l->denied : &l->uses;
	struct use *u = lr_vec_push(into);
	if (!u) {
		l->out_of_memory = true;
		return;
	}
	u->path = lr_arena_strdup(&l->arena, canon);
	u->exe = lr_arena_strdup(&l->arena, lr_trace_exe(pid, exe, sizeof(exe)));
	u->flags = flags;
	if (!u->path || !u->exe) {
		into->len--;
		l->out_of_memory = true;
	}
}

/* A use of a path the command named: resolved now, after the call. The command may have changed
 * what it names since (re-pointed a link on the way): the base policy bounds what is granted of
 * it (learn_base.h). */
static void record(struct learn *l, const char *path, unsigned flags, pid_t pid)
{
	if (!path[0])
		return;
	char canon[PATH_MAX];
	canonical(path, canon, sizeof(canon));
	record_resolved(l, canon, flags, pid);
}

/* A change to a directory's entries (create, remove, rename) needs write on the directory. */
static void record_parent(struct learn *l, const char *path, pid_t pid)
{
	char parent[PATH_MAX];
	if (!strchr(path, '/'))
		return;
	lr_path_parent(path, parent, sizeof(parent));
	record(l, parent, U_WRITE | U_DIR, pid);
}

static void record_port(struct learn *l, const struct lr_trace_call *c)
{
	unsigned port;
	if (c->addr.ss_family == AF_INET)
		port = ntohs(((const struct sockaddr_in *)&c->addr)->sin_port);
	else
		port = ntohs(((const struct sockaddr_in6 *)&c->addr)->sin6_port);
	if (c->op == LR_OP_BIND && port == 0)
		return; /* an ephemeral port: nothing to grant */
	char exe[PATH_MAX];
	struct port_use *p = lr_vec_push(&l->ports);
	if (!p) {
		l->out_of_memory = true;
		return;
	}
	p->port = port;
	p->bind = c->op == LR_OP_BIND;
	p->denied = l->denying;
	p->exe = lr_arena_strdup(&l->arena, lr_trace_exe(c->pid, exe, sizeof(exe)));
}

/* Is fd of pid a UDP socket? (its inode in /proc/PID/net/udp or udp6) */
static bool is_udp_socket(pid_t pid, int fd)
{
	char link[64], target[64];
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	unsigned long ino;
	if (n <= 0)
		return false;
	target[n] = '\0';
	char *end;
	if (strncmp(target, "socket:[", 8) != 0 || !isdigit((unsigned char)target[8]) ||
	    ((ino = strtoul(target + 8, &end, 10)), *end != ']'))
		return false;
	static const char *const tables[] = { "udp", "udp6" };
	for (size_t t = 0; t < LR_ARRAY_LEN(tables); t++) {
		char path[64], line[512];
		snprintf(path, sizeof(path), "/proc/%d/net/%s", (int)pid, tables[t]);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		bool found = false;
		while (!found && fgets(line, sizeof(line), f)) {
			/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
			char *save = NULL, *field = strtok_r(line, " \t", &save);
			for (int k = 0; field && k < 9; k++)
				field = strtok_r(NULL, " \t", &save);
			if (field && isdigit((unsigned char)field[0]) && strtoul(field, NULL, 10) == ino)
				found = true;
		}
		fclose(f);
		if (found)
			return true;
	}
	return false;
}

/* The file an open call returned, as the kernel names it: /proc/PID/fd/FD read at the call's exit,
 * while the calling thread is stopped. That is what was opened, whatever the path argument names
 * by now: another process of the command cannot change an entry of this fd table. A thread sharing
 * the table can close the fd and open another file under the same number in between; that file
 * was opened by the command too, and the base policy bounds what is granted of it either way.
 * false when the fd is gone or is no file of a filesystem (a pipe or socket reopened through
 * /proc: nothing to grant). */
static bool opened_file(const struct lr_trace_call *c, char *out, size_t size, struct stat *st)
{
	char link[64];
	snprintf(link, sizeof(link), "/proc/%d/fd/%ld", (int)c->pid, c->ret);
	ssize_t n = readlink(link, out, size - 1);
	if (n <= 0 || out[0] != '/' || stat(link, st) < 0)
		return false;
	out[n] = '\0';
	/* a file removed since: the kernel appends " (deleted)" to the name it had */
	static const char deleted[] = " (deleted)";
	size_t len = (size_t)n, dl = sizeof(deleted) - 1;
	if (st->st_nlink == 0 && len > dl && strcmp(out + len - dl, deleted) == 0)
		out[len - dl] = '\0';
	return true;
}

/* A file that existed, opened to be created if it did not (a build's output, written again): a
 * rerun after it was removed (make clean) creates it, which takes its directory. Granted through
 * the directory when the base allows that and the directory is a place for work (not $HOME, /,
 * a system tree: only the file is granted there). */
static void record_recreated(struct learn *l, const char *opened, pid_t pid)
{
	char parent[PATH_MAX];
	lr_path_parent(opened, parent, sizeof(parent));
	if (strcmp(opened, "/") == 0 || l->denying ||
	    !lr_learn_base_allows(&l->base, parent, lr_access_rights(LR_RW)) ||
	    lr_workdir_danger(parent, (const char *const *)environ, geteuid()))
		return;
	record_resolved(l, parent, U_WRITE | U_DIR, pid);
}

static void record_open(struct learn *l, const struct lr_trace_call *c)
{
	struct stat st;
	char opened[PATH_MAX];
	unsigned acc = (unsigned)(c->flags & O_ACCMODE), f = 0;
	bool by_fd = c->ret >= 0 && opened_file(c, opened, sizeof(opened), &st);
	if (c->ret >= 0 && !by_fd)
		return;
	if ((c->flags & O_DIRECTORY) || (by_fd ? S_ISDIR(st.st_mode) : stat(c->path, &st) == 0 && S_ISDIR(st.st_mode)))
		f |= U_DIR | U_READ;
	if (acc == O_RDONLY || acc == O_RDWR)
		f |= U_READ;
	if (acc == O_WRONLY || acc == O_RDWR || (c->flags & O_TRUNC))
		f |= U_WRITE;
	if ((c->flags & O_CREAT) && !c->existed) {
		f |= U_CREATE | U_WRITE;
		if (by_fd && strcmp(opened, "/") != 0) {
			char parent[PATH_MAX];
			lr_path_parent(opened, parent, sizeof(parent));
			record_resolved(l, parent, U_WRITE | U_DIR, c->pid);
		} else if (!by_fd) {
			record_parent(l, c->path, c->pid);
		}
	} else if ((c->flags & O_CREAT) && by_fd && S_ISREG(st.st_mode)) {
		record_recreated(l, opened, c->pid);
	}
	if (c->flags & O_PATH)
		return; /* O_PATH opens need no access right */
	if (by_fd)
		record_resolved(l, opened, f, c->pid);
	else
		record(l, c->path, f, c->pid);
}

/* The file executed and its interpreters. After a successful exec, /proc/PID/exe is the program the
 * kernel loaded, and its ELF interpreter is read through it; the path argument and a #! chain read
 * by name could have been changed by another process of the command since: the base policy bounds
 * them (learn_base.h). */
static void record_exec(struct learn *l, const struct lr_trace_call *c)
{
	char chain[LR_EXEC_CHAIN_MAX][PATH_MAX];
	struct lr_error err = { 0 };
	int n = lr_exec_chain(-1, c->path, chain, LR_EXEC_CHAIN_MAX, &err);
	record(l, c->path, U_EXEC | U_READ, c->pid);
	for (int i = 1; i < n; i++)
		record(l, chain[i], U_EXEC | U_READ, c->pid);
	if (c->ret < 0)
		return; /* denied: the process still runs the program it had */
	char link[64], exe[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)c->pid);
	ssize_t len = readlink(link, exe, sizeof(exe) - 1);
	int fd = len > 0 ? open(link, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return;
	exe[len] = '\0';
	n = lr_exec_chain(fd, exe, chain, LR_EXEC_CHAIN_MAX, &err);
	close(fd);
	if (exe[0] == '/')
		record_resolved(l, exe, U_EXEC | U_READ, c->pid);
	for (int i = 1; i < n; i++)
		record(l, chain[i], U_EXEC | U_READ, c->pid);
}

static void on_entry_call(void *ctx, const struct lr_trace_call *c)
{
	struct learn *l = ctx;
	if (c->nr >= 0 && c->nr < MAX_NR)
		l->syscalls[c->nr] = 1;
}

static void on_exit_call(void *ctx, const struct lr_trace_call *c)
{
	struct learn *l = ctx;
	bool ok = c->ret >= 0 || (c->op == LR_OP_CONNECT && c->ret == -EINPROGRESS);
	/* what the base policy denied (Landlock fails a call with EACCES, seccomp with EPERM here) */
	l->denying = !ok && l->under_base && (c->ret == -EACCES || c->ret == -EPERM) && c->op != LR_OP_SOCKET;
	if (!ok && !l->denying)
		return;
	int af = c->addr.ss_family;
	switch (c->op) {
	case LR_OP_OPEN: record_open(l, c); break;
	case LR_OP_EXEC: record_exec(l, c); break;
	case LR_OP_MKDIR:
	case LR_OP_MKNOD:
	case LR_OP_SYMLINK:
	case LR_OP_UNLINK:
	case LR_OP_RMDIR: record_parent(l, c->path, c->pid); break;
	case LR_OP_RENAME:
		record_parent(l, c->path, c->pid);
		record_parent(l, c->path2, c->pid);
		break;
	case LR_OP_LINK:
		record(l, c->path, U_READ, c->pid);
		record_parent(l, c->path2, c->pid);
		break;
	case LR_OP_TRUNCATE: record(l, c->path, U_WRITE, c->pid); break;
	case LR_OP_CONNECT:
	case LR_OP_BIND:
		if (c->has_addr && (af == AF_INET || af == AF_INET6)) {
			if (is_udp_socket(c->pid, (int)c->args[0]))
				l->udp |= !l->denying;
			else
				record_port(l, c);
		} else if (c->has_addr && af == AF_UNIX) {
			const struct sockaddr_un {
				sa_family_t f;
				char p[108];
			} *un = (const void *)&c->addr;
			if (un->p[0])
				record(l, un->p, U_UNIX_SOCKET, c->pid);
		}
		break;
	case LR_OP_SOCKET: {
		unsigned fam = (unsigned)c->args[0], type = (unsigned)c->args[1] & 0xf;
		if (fam < 64)
			l->families |= 1ULL << fam;
		if (fam == AF_NETLINK && (unsigned)c->args[2] < 32)
			l->netlink |= 1U << (unsigned)c->args[2];
		if ((fam == AF_INET || fam == AF_INET6) && type == SOCK_DGRAM)
			l->udp = true;
		break;
	}
	default: break;
	}
}

/* ---- folding and writing the policy ---------------------------------------------------------- */

/* Every name in the policy comes from the command (the files it made, the programs it ran, its
 * arguments): it is written as a quoted word (lr_policy_quote), in grants and in comments alike, so
 * that no name can end a line and write policy lines of its own. A name quoted is at most 4 bytes
 * per byte, plus the quotes. */
enum { QUOTED_MAX = PATH_MAX * 4 + 3 };

/* A name as shown in a comment. */
static const char *shown(const char *name, char *buf, size_t size)
{
	if (lr_policy_quote(name, buf, size) < 0)
		snprintf(buf, size, "(a name too long to show)");
	return buf;
}

/* One comment line (fmt starts with ";"), cut to what the policy reader takes. The names in it are
 * shown quoted; a line break that got in all the same is replaced. */
__attribute__((format(printf, 2, 3))) static void put_comment(FILE *out, const char *fmt, ...)
{
	char line[LR_POLICY_LINE_MAX + 1];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		memcpy(line + sizeof(line) - 4, "...", 4);
	for (char *c = line; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	fprintf(out, "%s\n", line);
}

/* The variable a rerun expands to the directory path is beneath, the one nearest to it: ${CWD},
 * ${TMPDIR} or ${HOME} (policy variables), so that the policy runs again from another checkout,
 * for another user or with another TMPDIR. NULL: path is written as it is. */
static const char *path_variable(const struct learn *l, const char *path, size_t *dir_len)
{
	const struct {
		const char *name, *dir;
		bool usable;
	} vars[] = {
		{ "${CWD}", l->cwd, l->cwd_var },
		{ "${TMPDIR}", l->tmp, l->tmp[0] != '\0' },
		{ "${HOME}", l->home, l->home[0] != '\0' },
	};
	const char *best = NULL;
	*dir_len = 0;
	for (size_t i = 0; i < LR_ARRAY_LEN(vars); i++) {
		size_t n = strlen(vars[i].dir);
		if (vars[i].usable && n > *dir_len && lr_path_beneath(path, vars[i].dir)) {
			best = vars[i].name;
			*dir_len = n;
		}
	}
	return best;
}

/* "lead WORD" for path (lead: "KEY = " or the indent of a list line, then "?" when optional), the
 * directory it is beneath written as a variable (path_variable); a comment and a warning instead
 * when that line is longer than the policy reader takes. */
static void put_path(FILE *out, const struct learn *l, const char *lead, const char *path)
{
	char word[QUOTED_MAX];
	size_t dir_len;
	const char *var = path_variable(l, path, &dir_len);
	int n = var ? (path[dir_len] ? lr_policy_quote(path + dir_len, word, sizeof(word)) : (word[0] = '\0', 0))
		    : lr_policy_quote(path, word, sizeof(word));
	size_t vlen = var ? strlen(var) : 0;
	if (n >= 0 && strlen(lead) + vlen + (size_t)n <= LR_POLICY_LINE_MAX) {
		fprintf(out, "%s%s%s\n", lead, var ? var : "", word);
		return;
	}
	fprintf(stderr, "landrun: learn: warning: %zu-byte path %.80s...: too long for a policy line (at most %d bytes), "
		"written as a comment, not granted\n", strlen(path), n >= 0 ? word : path, LR_POLICY_LINE_MAX);
	put_comment(out, "; not granted, too long for a policy line: %s%s%s", lead, var ? var : "",
		    n >= 0 ? word : "(too long to show)");
}

static const char *access_key(unsigned flags)
{
	return (flags & U_EXEC) ? ((flags & U_WRITE) ? "rwx" : "rox") : (flags & U_WRITE) ? "rw" : "ro";
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct use *)a)->path, ((const struct use *)b)->path);
}

/* Several uses of one directory or tree, summed up for the comment above its line. */
struct bucket {
	const char *path;
	unsigned flags;
	unsigned files, written, executed;
	const char *exe;   /* the first program that used it */
	bool more_exes;    /* and others did too */
};

static void add_to(struct bucket *b, const struct use *u)
{
	b->flags |= u->flags;
	b->files++;
	b->written += !!(u->flags & U_WRITE);
	b->executed += !!(u->flags & U_EXEC);
	if (!b->exe)
		b->exe = u->exe;
	else if (strcmp(b->exe, u->exe) != 0)
		b->more_exes = true;
}

static void comment(FILE *out, const struct bucket *b, const char *why)
{
	char exe[QUOTED_MAX], written[48] = "", executed[32] = "";
	if (b->written)
		snprintf(written, sizeof(written), ", %u written or created", b->written);
	if (b->executed)
		snprintf(executed, sizeof(executed), ", %u executed", b->executed);
	put_comment(out, "; %s: %s by %s%s: %u file%s%s%s", why, (b->flags & U_WRITE) ? "used" : "read",
		    b->exe ? shown(b->exe, exe, sizeof(exe)) : "?", b->more_exes ? " and others" : "", b->files,
		    b->files == 1 ? "" : "s", written, executed);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static void grant(FILE *out, struct learn *l, const struct bucket *b, const char *why, bool optional)
{
	comment(out, b, why);
	bool opt = optional || !exists(b->path);
	put_path(out, l, (b->flags & U_WRITE) ? (opt ? "rw = ?" : "rw = ") : (opt ? "ro = ?" : "ro = "), b->path);
	if ((b->flags & U_WRITE) && !l->output_in && l->output[0] && lr_path_beneath(l->output, b->path))
		l->output_in = b->path;
}

/* Paths that are neither in a tree nor in the working or temporary directory, one by one: a
 * directory written or listed covers what is beneath it. */
static void write_others(FILE *out, struct learn *l, const struct use *u, size_t n)
{
	const char *covered = NULL;
	unsigned covered_flags = 0;
	for (size_t i = 0; i < n; i++) {
		if (u[i].flags == U_UNIX_SOCKET || (u[i].flags & U_EXEC && !(u[i].flags & ~(U_EXEC | U_READ))))
			continue; /* sockets are not Landlock's (ABI 7); executed files: [exec] below */
		if (covered && lr_path_beneath(u[i].path, covered) && (u[i].flags & ~covered_flags & U_WRITE) == 0)
			continue;
		bool in_home = l->home[0] && lr_path_beneath(u[i].path, l->home);
		char name[QUOTED_MAX], exe[QUOTED_MAX];
		if ((u[i].flags & U_DIR) && !(u[i].flags & U_WRITE) &&
		    (strcmp(u[i].path, "/") == 0 || lr_path_beneath(l->home, u[i].path) || lr_path_beneath(l->cwd, u[i].path))) {
			put_comment(out, "; %s listed by %s: not granted (it would grant everything beneath it)",
				    shown(u[i].path, name, sizeof(name)), shown(u[i].exe, exe, sizeof(exe)));
			continue;
		}
		struct bucket b = { .path = u[i].path };
		add_to(&b, &u[i]);
		grant(out, l, &b, in_home ? "under $HOME, used by this command only" : shown(u[i].path, name, sizeof(name)), in_home);
		if (u[i].flags & U_DIR) {
			covered = u[i].path;
			covered_flags = u[i].flags;
		}
	}
}

/* What the base policy denied, one path a line: suggestions for the reader, not grants (the
 * command may have probed what it does not need, or been steered to ask for more). */
static void write_denied(FILE *out, struct learn *l)
{
	enum { MAX_SHOWN = 200 };
	lr_vec_sort(&l->denied, by_path);
	struct use *u = l->denied.items;
	size_t shown_count = 0, skipped = 0;
	for (size_t i = 0; i < l->denied.len; i++) {
		unsigned flags = u[i].flags;
		while (i + 1 < l->denied.len && strcmp(u[i + 1].path, u[i].path) == 0)
			flags |= u[++i].flags;
		if (flags == U_UNIX_SOCKET)
			continue;
		if (shown_count++ == 0)
			fprintf(out, "; denied by the base policy (EACCES or EPERM): grant what the command needs\n");
		if (shown_count > MAX_SHOWN) {
			skipped++;
			continue;
		}
		char name[QUOTED_MAX];
		put_comment(out, "; denied by the base policy: %s = %s", access_key(flags), shown(u[i].path, name, sizeof(name)));
	}
	if (skipped)
		fprintf(out, "; ... and %zu more paths denied\n", skipped);
}

/* The Landlock rights the learned line for flags grants: ro or rw (files: their file rights only),
 * and with exec, those of an [exec] allow entry. */
static uint64_t use_rights(unsigned flags)
{
	uint64_t r = 0;
	if (flags & U_WRITE)
		r = lr_access_rights(LR_RW);
	else if (flags & (U_READ | U_DIR))
		r = lr_access_rights(LR_RO);
	if (flags & U_EXEC)
		r |= lr_access_rights(LR_EXEC);
	return flags & U_DIR ? r : r & LR_FS_FILE_RIGHTS;
}

/* The uses the base policy does not grant: marked U_OUTSIDE, and said on stderr. The command could
 * not have used them under it: the tracer was shown another path than the one used (a link
 * re-pointed between the call and the look), or Landlock does not restrict that use at this ABI. */
static void mark_outside(struct learn *l, struct use *u, size_t n)
{
	enum { MAX_WARNED = 20 };
	size_t outside = 0;
	for (size_t i = 0; i < n; i++) {
		if (u[i].flags == U_UNIX_SOCKET || lr_learn_base_allows(&l->base, u[i].path, use_rights(u[i].flags)))
			continue;
		u[i].flags |= U_OUTSIDE;
		if (outside++ < MAX_WARNED)
			fprintf(stderr, "landrun: learn: warning: %.200s: not in the base policy, written as a comment, "
				"not granted (its name changed while it was recorded?)\n", u[i].path);
	}
	if (outside > MAX_WARNED)
		fprintf(stderr, "landrun: learn: warning: and %zu more paths not in the base policy\n", outside - MAX_WARNED);
}

static void write_outside(FILE *out, const struct use *u, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char name[QUOTED_MAX];
		if (u[i].flags & U_OUTSIDE)
			put_comment(out, "; not in the base policy: %s = %s", access_key(u[i].flags),
				    shown(u[i].path, name, sizeof(name)));
	}
}

/* Is the use folded into the directory grant dir (with rights of its own when forced_write)? Only
 * when the base grants that whole directory so: a learned grant is never wider than the base's. */
static bool folds_into(const struct learn *l, const struct use *u, const char *dir, bool forced_write)
{
	unsigned flags = (u->flags & (U_READ | U_WRITE)) | U_DIR | U_READ | (forced_write ? U_WRITE : 0);
	return lr_path_beneath(u->path, dir) && lr_learn_base_allows(&l->base, dir, use_rights(flags));
}

static void write_filesystem(FILE *out, struct learn *l)
{
	lr_vec_sort(&l->uses, by_path);
	struct use *u = l->uses.items;
	size_t n = l->uses.len;
	/* merge the uses of one path */
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && strcmp(u[m - 1].path, u[i].path) == 0)
			u[m - 1].flags |= u[i].flags;
		else
			u[m++] = u[i];
	}
	l->uses.len = m;
	mark_outside(l, u, m);
	struct bucket trees[LR_ARRAY_LEN(system_trees)] = { 0 }, cwd = { .path = l->cwd }, tmp = { .path = l->tmp };
	/* a directory above $HOME is never granted whole: its paths are taken one by one */
	bool fold_cwd = l->cwd[0] && !(l->home[0] && lr_path_beneath(l->home, l->cwd));
	bool fold_tmp = l->tmp[0] && !(l->home[0] && lr_path_beneath(l->home, l->tmp));
	struct use *others = calloc(m ? m : 1, sizeof(*others));
	size_t nothers = 0;
	if (!others) {
		l->out_of_memory = true;
		return;
	}
	for (size_t i = 0; i < m; i++) {
		if (u[i].flags & U_OUTSIDE)
			continue;
		if (u[i].flags == U_UNIX_SOCKET) {
			others[nothers++] = u[i];
			continue;
		}
		if (fold_cwd && folds_into(l, &u[i], l->cwd, true)) {
			add_to(&cwd, &u[i]);
			continue;
		}
		if (fold_tmp && folds_into(l, &u[i], l->tmp, true)) {
			add_to(&tmp, &u[i]);
			continue;
		}
		size_t t = 0;
		while (t < LR_ARRAY_LEN(system_trees) && !folds_into(l, &u[i], system_trees[t], false))
			t++;
		if (t < LR_ARRAY_LEN(system_trees)) {
			trees[t].path = system_trees[t];
			add_to(&trees[t], &u[i]);
		} else {
			others[nothers++] = u[i];
		}
	}
	for (size_t t = 0; t < LR_ARRAY_LEN(system_trees); t++)
		if (trees[t].files)
			grant(out, l, &trees[t], "system tree", false);
	if (cwd.files) {
		cwd.flags |= U_WRITE;
		grant(out, l, &cwd, "the working directory", false);
	}
	if (tmp.files) {
		tmp.flags |= U_WRITE;
		grant(out, l, &tmp, "the temporary directory", false);
	}
	for (size_t i = 0; i < nothers; i++) {
		char name[QUOTED_MAX], exe[QUOTED_MAX];
		if (others[i].flags == U_UNIX_SOCKET)
			put_comment(out, "; unix socket %s connected by %s (Landlock ABI 7 does not restrict it)",
				    shown(others[i].path, name, sizeof(name)), shown(others[i].exe, exe, sizeof(exe)));
	}
	write_others(out, l, others, nothers);
	free(others);
	write_outside(out, u, m);
	write_denied(out, l);
}

static void write_exec(FILE *out, struct learn *l)
{
	const struct use *u = l->uses.items;
	for (size_t i = 0; i < l->uses.len; i++) {
		if (!(u[i].flags & U_EXEC) || (u[i].flags & U_OUTSIDE))
			continue;
		if (ftell(out) == 0)
			fprintf(out, "; files executed, their ELF and #! interpreters\nallow =\n");
		put_path(out, l, "  ", u[i].path);
	}
}

static int by_port(const void *a, const void *b)
{
	const struct port_use *x = a, *y = b;
	return x->denied != y->denied ? (int)x->denied - (int)y->denied
	     : x->bind != y->bind    ? (int)x->bind - (int)y->bind
				      : (int)x->port - (int)y->port;
}

/* A pathname unix socket connected to or bound, other than glibc's nscd probe (made by every
 * user lookup, and harmless to refuse). */
static bool used_unix_sockets(const struct learn *l)
{
	for (size_t i = 0; i < l->uses.len; i++) {
		const struct use *u = lr_vec_at(&l->uses, i);
		if ((u->flags & U_UNIX_SOCKET) && strcmp(u->path, "/var/run/nscd/socket") != 0 &&
		    strcmp(u->path, "/run/nscd/socket") != 0)
			return true;
	}
	return false;
}

static void write_network(FILE *out, struct learn *l)
{
	lr_vec_sort(&l->ports, by_port);
	struct port_use *p = l->ports.items;
	for (size_t i = 0; i < l->ports.len; i++) {
		if (i && p[i].port == p[i - 1].port && p[i].bind == p[i - 1].bind && p[i].denied == p[i - 1].denied)
			continue;
		char exe[QUOTED_MAX];
		const char *key = p[i].bind ? "bind_tcp" : "connect_tcp";
		if (p[i].denied) {
			put_comment(out, "; denied by the base policy: %s = %u (by %s)", key, p[i].port,
				    p[i].exe ? shown(p[i].exe, exe, sizeof(exe)) : "?");
			continue;
		}
		put_comment(out, "; %s by %s", p[i].bind ? "bound" : "connected to", p[i].exe ? shown(p[i].exe, exe, sizeof(exe)) : "?");
		fprintf(out, "%s = %u\n", key, p[i].port);
	}
	if (l->udp)
		fprintf(out, "; UDP sockets were used (Landlock cannot restrict them by port)\nudp = yes\n");
	if (used_unix_sockets(l))
		fprintf(out, "; pathname unix sockets were used (unix = PATH ... grants only those, from Linux 7.1)\n"
			"unix = any\n");
	if (l->netlink & ~LR_NETLINK_ROUTE_ONLY) {
		fprintf(out, "; netlink protocols beyond route were used\nnetlink =");
		for (int proto = 0; proto < 32; proto++)
			if ((l->netlink | LR_NETLINK_ROUTE_ONLY) & (1U << proto)) {
				const char *name = lr_netlink_name(proto);
				if (name)
					fprintf(out, " %s", name);
				else
					fprintf(out, " %d", proto);
			}
		fputc('\n', out);
	}
	uint64_t extra = l->families & ~LR_DEFAULT_FAMILIES;
	if (extra) {
		fprintf(out, "; socket families beyond the default set were used\nfamilies =");
		for (int af = 0; af < 64; af++)
			if ((l->families | LR_DEFAULT_FAMILIES) & (1ULL << af))
				fprintf(out, " %s", lr_family_name(af) ? lr_family_name(af) : "?");
		fputc('\n', out);
	}
}

static void write_syscalls(FILE *out, const struct learn *l)
{
	fprintf(out, "\n[syscalls]\n; the syscalls seen (landrun's own steps after the filter included)\n"
		"default = deny\nallow =");
	unsigned col = 0;
	for (int nr = 0; nr < MAX_NR; nr++) {
		const char *name = l->syscalls[nr] ? lr_syscall_name(nr) : NULL;
		if (!name)
			continue;
		if (col == 0 || col + strlen(name) > 90) {
			fprintf(out, "\n ");
			col = 1;
		}
		fprintf(out, " %s", name);
		col += (unsigned)strlen(name) + 1;
	}
	fputc('\n', out);
}

/* A section, written only when body writes something into it: an empty section in a learned
 * policy says nothing and reads as if something was left out. */
static void write_section(FILE *out, struct learn *l, const char *header, void (*body)(FILE *, struct learn *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m) {
		l->out_of_memory = true;
		return;
	}
	body(m, l);
	if (fclose(m) != 0)
		l->out_of_memory = true;
	else if (len)
		fprintf(out, "%s%s", header, buf);
	free(buf);
}

static void write_policy(FILE *out, struct learn *l, const char *base, char **command, int status, int sig)
{
	char from[LR_POLICY_LINE_MAX + 1], word[QUOTED_MAX];
	size_t o = 0;
	for (char **a = command; *a && o < sizeof(from); a++)
		o += (size_t)snprintf(from + o, sizeof(from) - o, " %s", shown(*a, word, sizeof(word)));
	put_comment(out, "; learned by landrun learn from:%s", from);
	if (base)
		put_comment(out, "; under the base policy %s", shown(base, word, sizeof(word)));
	else
		fprintf(out, "; unconfined (--unconfined): the command ran with no sandbox\n");
	if (sig)
		put_comment(out, "; the command was killed by signal %d (%s)", sig, strsignal(sig));
	else
		fprintf(out, "; the command exited with status %d\n", status);
	fputc('\n', out);
	write_section(out, l, "[filesystem]\n", write_filesystem);
	write_section(out, l, "\n[exec]\n", write_exec);
	write_section(out, l, "\n[network]\n", write_network);
	if (l->want_syscalls)
		write_syscalls(out, l);
}

/* ---- running ----------------------------------------------------------------------------------- */

/* --unconfined: no restriction at all, the command runs as it would without landrun, observed. */
static const char unrestricted_base[] =
	"[filesystem]\nunrestricted = yes\n"
	"[network]\nconnect_tcp = any\nbind_tcp = any\nudp = yes\nunix = any\nnetlink = any\n"
	"[syscalls]\nbaseline = none\n";

#define LEARN_USAGE "usage: landrun learn [-o FILE] (-p BASE | --unconfined) [--syscalls] -- COMMAND [ARG...]"

struct learn_args {
	const char *output, *base;
	bool syscalls, unconfined;
	char **command;
};

static int parse_learn_args(int argc, char **argv, struct learn_args *a, struct lr_error *err)
{
	int i = 1;
	for (; i < argc; i++) {
		const char *s = argv[i];
		if (strcmp(s, "--") == 0) {
			i++;
			break;
		}
		if (s[0] != '-')
			break;
		if ((strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) && i + 1 < argc)
			a->output = argv[++i];
		else if ((strcmp(s, "-p") == 0 || strcmp(s, "--policy") == 0) && i + 1 < argc)
			a->base = argv[++i];
		else if (strncmp(s, "--policy=", 9) == 0)
			a->base = s + 9;
		else if (strncmp(s, "--output=", 9) == 0)
			a->output = s + 9;
		else if (strcmp(s, "--syscalls") == 0)
			a->syscalls = true;
		else if (strcmp(s, "--unconfined") == 0)
			a->unconfined = true;
		else
			return lr_fail(err, NULL, "learn: %s: unknown option or missing value (" LEARN_USAGE ")", s);
	}
	a->command = argv + i;
	if (!a->command[0])
		return lr_fail(err, NULL, "learn: no command given (" LEARN_USAGE ")");
	if (a->base && a->unconfined)
		return lr_fail(err, NULL, "learn: -p and --unconfined exclude each other: the command runs under BASE, or unconfined");
	if (!a->base && !a->unconfined)
		return lr_fail(err, NULL, "learn: without a base policy the command would run with no sandbox at all; "
			       "give one with -p BASE (e.g. -p default), or --unconfined to run it unconfined");
	return 0;
}

static void learn_dirs(struct learn *l)
{
	if (!getcwd(l->cwd, sizeof(l->cwd)))
		l->cwd[0] = '\0';
	const char *home = getenv("HOME"), *tmp = getenv("TMPDIR");
	if (home && home[0] == '/' && strcmp(home, "/") != 0)
		canonical(home, l->home, sizeof(l->home));
	canonical(tmp && tmp[0] == '/' ? tmp : "/tmp", l->tmp, sizeof(l->tmp));
	if (strcmp(l->tmp, "/") == 0)
		l->tmp[0] = '\0';
	/* rw = ${CWD} is refused where the directory is no place for work: the path is written then */
	l->cwd_var = l->cwd[0] && !lr_workdir_danger(l->cwd, (const char *const *)environ, geteuid());
}

/* Runs the command traced under the base policy; the uses are in l. */
static int run_traced(struct learn *l, const struct learn_args *a, const struct lr_env_ctx *ctx,
		      int *signal_out, struct lr_error *err)
{
	if (!a->command || !a->command[0])
		return lr_fail(err, NULL, "learn: no command given"), LR_EXIT_LANDRUN;
	struct lr_policy p;
	lr_policy_init(&p);
	int rc = a->base ? lr_policy_load(&p, ctx, a->base, err)
			 : lr_policy_load_string(&p, ctx, unrestricted_base, "<learn: no restriction>", err);
	if (rc) {
		lr_policy_free(&p);
		return LR_EXIT_LANDRUN;
	}
	struct lr_sandbox sb;
	lr_sandbox_init(&sb);
	struct lr_compile_opts o = { .supervised = true, .command = a->command[0] };
	int status = LR_EXIT_LANDRUN;
	if (lr_sandbox_compile(&sb, &p, &o, (const char *const *)environ, err)) {
		status = sb.command_status ? sb.command_status : LR_EXIT_LANDRUN;
	} else if (lr_learn_base_build(&l->base, &p, &sb, err)) {
		status = LR_EXIT_LANDRUN;
	} else {
		struct lr_tracer t;
		lr_trace_init(&t);
		t.syscall_stops = true;
		t.all_calls = a->syscalls;
		t.on_exit = on_exit_call;
		t.on_entry = on_entry_call;
		t.ctx = l;
		struct lr_supervise_opts so = { .tracer = &t, .timeout_ms = p.timeout_ms.n,
						.private_tmp = sb.private_tmp ? &sb.tmp : NULL, .policy = &p };
		status = lr_supervise(&sb, sb.command_path, a->command, &so, signal_out, err);
		sb.private_tmp = NULL;
		lr_trace_free(&t);
	}
	lr_sandbox_free(&sb);
	lr_policy_free(&p);
	return status;
}

/* The output file, made (or found) before the command runs: a regular file, whose identity is kept.
 * Not through a symbolic link, which an earlier learned command may have planted there. */
static int prepare_output(const char *path, struct stat *st)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW, 0666);
	if (fd < 0 || fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		fprintf(stderr, "landrun: learn: cannot write %s: %s\n", path, fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd); /* the supervisor closes what it does not use: the file is opened again at the end */
	return 0;
}

/* The output file opened again after the run, and emptied: the command may have replaced the name
 * (with a link to a file of the user's, say) while it ran, so the file opened must be the one made
 * before. NULL (said on stderr) if not. */
static FILE *open_output(const char *path, const struct stat *before)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_dev != before->st_dev || st.st_ino != before->st_ino ||
	    ftruncate(fd, 0) < 0) {
		fprintf(stderr, "landrun: learn: cannot write %s: %s\n", path,
			fd < 0 || errno ? strerror(errno) : "the command replaced it while it ran; nothing written");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	FILE *out = fdopen(fd, "w");
	if (!out) {
		fprintf(stderr, "landrun: learn: cannot write %s: %s\n", path, strerror(errno));
		close(fd);
	}
	return out;
}

static int write_output(struct learn *l, const struct learn_args *a, const struct stat *before, int status, int sig)
{
	FILE *out = a->output ? open_output(a->output, before) : stdout;
	if (!out)
		return LR_EXIT_LANDRUN;
	if (a->output)
		canonical(a->output, l->output, sizeof(l->output));
	write_policy(out, l, a->base, a->command, status, sig);
	if (l->output_in)
		fprintf(stderr, "landrun: learn: warning: %s is inside the learned write grant %s: landrun refuses "
			"a policy the sandbox could rewrite; move it out (e.g. to ~/.config/landrun/NAME.ini) before "
			"running it\n", a->output, l->output_in);
	int rc = fflush(out);
	if (a->output && fclose(out) != 0)
		rc = EOF;
	if (rc != 0) {
		fprintf(stderr, "landrun: learn: cannot write %s\n", a->output ? a->output : "stdout");
		return LR_EXIT_LANDRUN;
	}
	if (l->out_of_memory) {
		fprintf(stderr, "landrun: learn: out of memory: the policy written is incomplete\n");
		return LR_EXIT_LANDRUN;
	}
	return status;
}

int lr_learn_main(int argc, char **argv, const struct lr_env_ctx *ctx, int *signal_out)
{
	struct lr_error err = { 0 };
	struct learn_args a = { 0 };
	struct stat before = { 0 };
	*signal_out = 0;
	if (parse_learn_args(argc, argv, &a, &err) || lr_trace_supported(&err)) {
		fprintf(stderr, "landrun: %s\n", err.msg);
		return LR_EXIT_LANDRUN;
	}
	if (a.output && prepare_output(a.output, &before))
		return LR_EXIT_LANDRUN;
	struct learn *l = calloc(1, sizeof(*l));
	if (!l) {
		fprintf(stderr, "landrun: out of memory\n");
		return LR_EXIT_LANDRUN;
	}
	lr_vec_init(&l->uses, sizeof(struct use));
	lr_vec_init(&l->denied, sizeof(struct use));
	lr_vec_init(&l->ports, sizeof(struct port_use));
	lr_learn_base_init(&l->base);
	l->want_syscalls = a.syscalls;
	l->under_base = a.base != NULL;
	learn_dirs(l);
	if (a.unconfined)
		fprintf(stderr, "landrun: learn: warning: --unconfined: the command runs with no sandbox at all, "
			"with every right you have\n");
	fflush(NULL);
	int status = run_traced(l, &a, ctx, signal_out, &err);
	if (err.set)
		fprintf(stderr, "landrun: %s\n", err.msg);
	bool ran = !(err.set && status >= LR_EXIT_LANDRUN && status <= LR_EXIT_NOT_FOUND && !*signal_out);
	if (ran) {
		errno = 0;
		status = write_output(l, &a, &before, status, *signal_out);
	}
	lr_vec_free(&l->uses);
	lr_vec_free(&l->denied);
	lr_vec_free(&l->ports);
	lr_learn_base_free(&l->base);
	lr_arena_free(&l->arena);
	free(l);
	return status;
}

/* --log-denials: the tracer's callbacks. Seccomp denials arrive as SECCOMP_RET_TRACE stops whose
 * data indexes the sandbox's origins table; Landlock denials are recognised at the exit of path
 * and port syscalls that failed with EACCES or EPERM, by checking the right the call needed
 * against the policy's grants (the kernel's own Landlock audit records need the audit subsystem,
 * which an unprivileged landrun cannot read). */
#include "denials.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock_abi.h"
#include "landlock_rights.h"
#include "names.h"
#include "syscall_groups.h"
#include "workdir.h"

extern char **environ;

struct named {
	unsigned long value;
	const char *name;
};

static const struct named ptrace_requests[] = {
	{ 0, "PTRACE_TRACEME" }, { 1, "PTRACE_PEEKTEXT" }, { 2, "PTRACE_PEEKDATA" },
	{ 3, "PTRACE_PEEKUSER" }, { 4, "PTRACE_POKETEXT" }, { 5, "PTRACE_POKEDATA" },
	{ 6, "PTRACE_POKEUSER" }, { 7, "PTRACE_CONT" }, { 8, "PTRACE_KILL" },
	{ 9, "PTRACE_SINGLESTEP" }, { 12, "PTRACE_GETREGS" }, { 13, "PTRACE_SETREGS" },
	{ 16, "PTRACE_ATTACH" }, { 17, "PTRACE_DETACH" }, { 24, "PTRACE_SYSCALL" },
	{ 0x4200, "PTRACE_SETOPTIONS" }, { 0x4201, "PTRACE_GETEVENTMSG" }, { 0x4202, "PTRACE_GETSIGINFO" },
	{ 0x4206, "PTRACE_SEIZE" }, { 0x4207, "PTRACE_INTERRUPT" }, { 0x4208, "PTRACE_LISTEN" },
};

static const struct named ioctls[] = {
	{ 0x5412, "TIOCSTI" }, { 0x541C, "TIOCLINUX" }, { 0x5401, "TCGETS" }, { 0x5402, "TCSETS" },
	{ 0x540E, "TIOCSCTTY" }, { 0x5410, "TIOCSPGRP" },
};

static const struct named ns_flags[] = {
	{ CLONE_NEWNS, "CLONE_NEWNS" }, { CLONE_NEWCGROUP, "CLONE_NEWCGROUP" }, { CLONE_NEWUTS, "CLONE_NEWUTS" },
	{ CLONE_NEWIPC, "CLONE_NEWIPC" }, { CLONE_NEWUSER, "CLONE_NEWUSER" }, { CLONE_NEWPID, "CLONE_NEWPID" },
	{ CLONE_NEWNET, "CLONE_NEWNET" }, { CLONE_UNTRACED, "CLONE_UNTRACED" },
};

static const struct named sock_types[] = {
	{ 1, "SOCK_STREAM" }, { 2, "SOCK_DGRAM" }, { 3, "SOCK_RAW" }, { 4, "SOCK_RDM" },
	{ 5, "SOCK_SEQPACKET" }, { 6, "SOCK_DCCP" }, { 10, "SOCK_PACKET" },
};

static const char *lookup(const struct named *t, size_t n, unsigned long v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	return NULL;
}

static void family_str(int af, char *buf, size_t size)
{
	const char *name = lr_family_name(af);
	if (!name) {
		snprintf(buf, size, "%d", af);
		return;
	}
	size_t n = (size_t)snprintf(buf, size, "AF_%s", name);
	for (size_t i = 3; i < n && i < size; i++)
		buf[i] = (char)toupper((unsigned char)buf[i]);
}

/* The first argument (ioctl: the request) by name where a table exists, else "". */
static void decode_args(const struct lr_trace_call *c, char *buf, size_t size)
{
	const char *name = lr_syscall_name(c->nr), *s;
	buf[0] = '\0';
	if (!name)
		return;
	if (strcmp(name, "ptrace") == 0 && (s = lookup(ptrace_requests, LR_ARRAY_LEN(ptrace_requests), c->args[0])))
		snprintf(buf, size, "%s", s);
	else if (strcmp(name, "ioctl") == 0) {
		uint32_t req = (uint32_t)c->args[1];
		if ((s = lookup(ioctls, LR_ARRAY_LEN(ioctls), req)))
			snprintf(buf, size, "%d, %s", (int)c->args[0], s);
		else
			snprintf(buf, size, "%d, %#x", (int)c->args[0], req);
	} else if (strcmp(name, "socket") == 0 || strcmp(name, "socketpair") == 0) {
		char fam[32];
		family_str((int)(uint32_t)c->args[0], fam, sizeof(fam));
		s = lookup(sock_types, LR_ARRAY_LEN(sock_types), c->args[1] & 0xf);
		if (s)
			snprintf(buf, size, "%s, %s", fam, s);
		else
			snprintf(buf, size, "%s, %u", fam, (unsigned)(c->args[1] & 0xf));
	} else if (strcmp(name, "clone") == 0 || strcmp(name, "unshare") == 0) {
		size_t off = 0;
		for (size_t i = 0; i < LR_ARRAY_LEN(ns_flags) && off < size; i++)
			if (c->args[0] & ns_flags[i].value)
				off += (size_t)snprintf(buf + off, size - off, "%s%s", off ? "|" : "", ns_flags[i].name);
	} else if (strcmp(name, "personality") == 0) {
		snprintf(buf, size, "%#x", (unsigned)c->args[0]);
	} else if (c->path[0]) {
		int n = snprintf(buf, size, "\"%s\"", c->path);
		if (n < 0 || (size_t)n >= size)
			buf[0] = '\0';
	}
}

/* A UDP socket refused by the inet socket rule, which lets them through only with udp = yes (or
 * a UDP port key). */
static bool udp_refused(const struct lr_trace_call *c, const char *rule)
{
	static const char inet_rule[] = "[network] (inet sockets:";
	const char *name = lr_syscall_name(c->nr);
	unsigned fam = (unsigned)c->args[0], type = (unsigned)c->args[1] & 0xf, proto = (unsigned)c->args[2];
	return name && strcmp(name, "socket") == 0 && strncmp(rule, inet_rule, sizeof(inet_rule) - 1) == 0 &&
	       (fam == AF_INET || fam == AF_INET6) && type == SOCK_DGRAM && (proto == 0 || proto == IPPROTO_UDP);
}

static int on_seccomp(void *ctx, const struct lr_trace_call *c, unsigned data)
{
	const struct lr_denials *d = ctx;
	if (data >= d->sb->ndeny_origins)
		return EPERM; /* not one of ours: fail closed */
	const struct lr_deny_origin *o = &d->sb->deny_origins[data];
	char args[256], exe[PATH_MAX];
	decode_args(c, args, sizeof(args));
	const char *name = lr_syscall_name(c->nr);
	fprintf(d->out, "landrun: denied %s(%s) by %s%s (pid %d, %s)\n", name ? name : "?", args, o->rule,
		udp_refused(c, o->rule) ? "; add \"udp = yes\" to [network]" : "", (int)c->pid, lr_trace_exe(c->pid, exe, sizeof(exe)));
	fflush(d->out);
	return o->errnum;
}

/* ---- Landlock ------------------------------------------------------------------------------ */

/* Does a policy grant cover right on path (lexically, and with symlinks resolved)? */
static bool granted(const struct lr_denials *d, const char *path, uint64_t right)
{
	char real[PATH_MAX], rule_real[PATH_MAX];
	bool have_real = realpath(path, real) != NULL;
	for (size_t i = 0; i < d->p->paths.len; i++) {
		const struct lr_path_rule *r = lr_vec_at(&d->p->paths, i);
		if ((lr_access_rights(r->access) & right) != right)
			continue;
		if (lr_path_beneath(path, r->path))
			return true;
		if (have_real && realpath(r->path, rule_real) && lr_path_beneath(real, rule_real))
			return true;
	}
	for (unsigned i = 0; i < d->sb->nexec_chain; i++)
		if ((right & ~(LR_FS_EXECUTE | LR_FS_READ_FILE)) == 0 && strcmp(d->sb->exec_chain[i], path) == 0)
			return true;
	if (d->sb->private_tmp && lr_path_beneath(path, d->sb->private_tmp))
		return true;
	return false;
}

static void open_flags_str(uint64_t f, char *buf, size_t size)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	size_t off = (size_t)snprintf(buf, size, "%s", acc[f & O_ACCMODE]);
	static const struct named more[] = { { O_CREAT, "O_CREAT" }, { O_TRUNC, "O_TRUNC" }, { O_APPEND, "O_APPEND" },
					     { O_DIRECTORY, "O_DIRECTORY" }, { O_EXCL, "O_EXCL" } };
	for (size_t i = 0; i < LR_ARRAY_LEN(more) && off < size; i++)
		if (f & more[i].value)
			off += (size_t)snprintf(buf + off, size - off, "|%s", more[i].name);
}

/* The right the call needed and the path it is needed on (the parent directory for changes to a
 * directory's entries). 0: not a call Landlock checks. */
static uint64_t needed_right(const struct lr_trace_call *c, char *subject, size_t size)
{
	snprintf(subject, size, "%s", c->path);
	struct stat st;
	bool dir = c->existed && stat(c->path, &st) == 0 && S_ISDIR(st.st_mode);
	switch (c->op) {
	case LR_OP_OPEN: {
		if ((c->flags & O_CREAT) && !c->existed) {
			lr_path_parent(c->path, subject, size);
			return LR_FS_MAKE_REG;
		}
		uint64_t acc = c->flags & O_ACCMODE, r = 0;
		if (dir || (c->flags & O_DIRECTORY))
			return LR_FS_READ_DIR;
		if (acc == O_RDONLY || acc == O_RDWR)
			r |= LR_FS_READ_FILE;
		if (acc == O_WRONLY || acc == O_RDWR)
			r |= LR_FS_WRITE_FILE;
		if (c->flags & O_TRUNC)
			r |= LR_FS_TRUNCATE;
		return r;
	}
	case LR_OP_EXEC: return LR_FS_EXECUTE;
	case LR_OP_TRUNCATE: return LR_FS_TRUNCATE;
	case LR_OP_MKDIR: lr_path_parent(c->path, subject, size); return LR_FS_MAKE_DIR;
	case LR_OP_MKNOD: lr_path_parent(c->path, subject, size); return LR_FS_MAKE_REG;
	case LR_OP_SYMLINK: lr_path_parent(c->path, subject, size); return LR_FS_MAKE_SYM;
	case LR_OP_RMDIR: lr_path_parent(c->path, subject, size); return LR_FS_REMOVE_DIR;
	case LR_OP_UNLINK:
		lr_path_parent(c->path, subject, size);
		return (c->flags & AT_REMOVEDIR) ? LR_FS_REMOVE_DIR : LR_FS_REMOVE_FILE;
	case LR_OP_RENAME:
	case LR_OP_LINK: lr_path_parent(c->path2, subject, size); return LR_FS_MAKE_REG;
	default: return 0;
	}
}

static const char *access_word(uint64_t right)
{
	if (right & LR_FS_EXECUTE)
		return "rox";
	if (right & ~(LR_FS_READ_FILE | LR_FS_READ_DIR))
		return "rw";
	return "ro";
}

/* /proc/self, /proc/thread-self or /proc/PID, and beneath: a grant there names one process (at
 * best landrun's, which the command replaces), never the children it starts. */
static bool per_process_proc(const char *path)
{
	if (strncmp(path, "/proc/", 6) != 0)
		return false;
	const char *name = path + 6;
	size_t n = strcspn(name, "/");
	if ((n == 4 && strncmp(name, "self", 4) == 0) || (n == 11 && strncmp(name, "thread-self", 11) == 0))
		return true;
	size_t digits = strspn(name, "0123456789");
	return n > 0 && digits == n;
}

/* The policy line that would grant right on subject, into buf: "" when none is worth saying. */
static void suggest_fs(const struct lr_trace_call *c, uint64_t right, const char *subject, char *buf, size_t size)
{
	const char *word = access_word(right);
	struct stat st;
	char dir[PATH_MAX];
	if (per_process_proc(subject)) {
		/* the whole of /proc to read (Landlock still keeps other domains' processes out of
		 * reach), nothing to write: no grant holds for the processes the command starts */
		if (strcmp(word, "ro") == 0)
			snprintf(buf, size, "; add \"ro = /proc\" to [filesystem] (a grant under /proc/self or /proc/PID "
				 "would hold for one process only)");
		else
			snprintf(buf, size, "; a grant under /proc/self or /proc/PID would hold for one process only, "
				 "so none is suggested");
		return;
	}
	/* an existing file opened to be created if absent (a build output written again): the next
	 * run after it is removed creates it, which takes its directory, unless that directory is
	 * no place for work ($HOME, /, a system directory) */
	if (c->op == LR_OP_OPEN && (c->flags & O_CREAT) && c->existed && lstat(c->path, &st) == 0 &&
	    S_ISREG(st.st_mode) && strcmp(word, "rw") == 0) {
		lr_path_parent(subject, dir, sizeof(dir));
		if (strcmp(dir, subject) != 0 && !lr_workdir_danger(dir, (const char *const *)environ, geteuid())) {
			snprintf(buf, size, "; add \"rw = %s\" to [filesystem] (it creates the file there; "
				 "\"rw = %s\" grants this file only)", dir, subject);
			return;
		}
	}
	snprintf(buf, size, "; add \"%s = %s\" to [filesystem]", word, subject);
}

static void fs_denial(const struct lr_denials *d, const struct lr_trace_call *c)
{
	char subject[PATH_MAX], rights[160], what[PATH_MAX + 64], exe[PATH_MAX], hint[2 * PATH_MAX + 128];
	uint64_t right = needed_right(c, subject, sizeof(subject)) & d->sb->handled_fs;
	if (!right || !c->path[0] || d->p->fs_any.on || granted(d, subject, right))
		return; /* not a Landlock denial: discretionary access control, or a right not handled */
	const char *name = lr_syscall_name(c->nr);
	char flags[128] = "";
	if (c->op == LR_OP_OPEN) {
		flags[0] = ',';
		flags[1] = ' ';
		open_flags_str(c->flags, flags + 2, sizeof(flags) - 2);
	}
	int n = snprintf(what, sizeof(what), "%s(\"%s\"%s)", name ? name : "?", c->path, flags);
	if (n < 0 || (size_t)n >= sizeof(what))
		return;
	suggest_fs(c, right, subject, hint, sizeof(hint));
	fprintf(d->out, "landrun: denied %s: %s not granted%s (pid %d, %s)\n", what,
		lr_fs_rights_str(right, rights, sizeof(rights)), hint, (int)c->pid, lr_trace_exe(c->pid, exe, sizeof(exe)));
	fflush(d->out);
}

static void net_denial(const struct lr_denials *d, const struct lr_trace_call *c)
{
	bool bind = c->op == LR_OP_BIND;
	uint64_t right = bind ? LR_NET_BIND_TCP : LR_NET_CONNECT_TCP;
	int af = c->addr.ss_family;
	if (!c->has_addr || (af != AF_INET && af != AF_INET6) || !(d->sb->handled_net & right) || c->ret != -EACCES)
		return;
	char host[INET6_ADDRSTRLEN + 2] = "?", exe[PATH_MAX];
	unsigned port;
	if (af == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)&c->addr;
		inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
		port = ntohs(a->sin_port);
	} else {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&c->addr;
		char h[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &a->sin6_addr, h, sizeof(h));
		snprintf(host, sizeof(host), "[%s]", h);
		port = ntohs(a->sin6_port);
	}
	for (size_t i = 0; i < d->p->ports.len; i++) {
		const struct lr_port_rule *r = lr_vec_at(&d->p->ports, i);
		if (r->bind == bind && r->lo <= port && port <= r->hi)
			return; /* granted: some other cause */
	}
	const char *key = bind ? "bind_tcp" : "connect_tcp";
	fprintf(d->out, "landrun: denied %s(%s:%u): %s %u not granted; add \"%s = %u\" to [network] (pid %d, %s)\n",
		bind ? "bind" : "connect", host, port, key, port, key, port, (int)c->pid,
		lr_trace_exe(c->pid, exe, sizeof(exe)));
	fflush(d->out);
}

static void on_exit_call(void *ctx, const struct lr_trace_call *c)
{
	const struct lr_denials *d = ctx;
	if (c->ret != -EACCES && c->ret != -EPERM)
		return;
	if (c->op == LR_OP_CONNECT || c->op == LR_OP_BIND)
		net_denial(d, c);
	else if (c->op != LR_OP_SOCKET)
		fs_denial(d, c);
}

void lr_denials_tracer(struct lr_tracer *t, struct lr_denials *d)
{
	t->on_seccomp = on_seccomp;
	t->on_exit = on_exit_call;
	t->ctx = d;
	/* the filter marks the path and port syscalls (LR_TRACE_OBSERVE): only they stop at exit */
	t->syscall_stops = false;
}

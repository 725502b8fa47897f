/* The socket calls the helper makes for the command (see netcalls.h).
 *
 * One call, in order: the calling thread's pidfd, the socket taken from it (pidfd_getfd), its
 * domain, type and protocol asked of the socket itself; the arguments read once from the
 * target's memory; the notification checked still valid (the thread, not a reuse of its id,
 * made the call); the destination judged; the call made by the helper with an address it built
 * itself (a unix path as the /proc/self/fd name of the socket it opened and judged). Data is
 * read after the check, chunk by chunk, each chunk checked again: it is the command's own.
 *
 * The helper never blocks for one command: it makes every call non-blocking, and when the
 * command's socket is blocking and the call would wait, a fork of the helper (a worker) waits
 * for it, answers and exits; it checks every 100 ms that the call is still wanted. */
#include "netcalls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "landlock_abi.h"
#include "metadata.h"
#include "sandbox.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* Linux 6.9: a pidfd of one thread */
#endif
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SO_PROTOCOL
#define SO_PROTOCOL 38
#endif
#ifndef SO_DOMAIN
#define SO_DOMAIN 39
#endif

const unsigned lr_netcalls_nr[] = {
	SYS_connect, SYS_sendmsg, SYS_sendmmsg,
#if defined(__x86_64__)
	/* x32's connect, sendto, sendmsg, sendmmsg: the baseline kills x32 calls; picked out all
	 * the same, and refused */
	0x40000000u | 42, 0x40000000u | 44, 0x40000000u | 518, 0x40000000u | 538,
#endif
};
const unsigned lr_netcalls_count = LR_ARRAY_LEN(lr_netcalls_nr);

/* ---- compile ------------------------------------------------------------------------------ */

void lr_net_rules_init(struct lr_net_rules *n)
{
	*n = (struct lr_net_rules){ .on = false };
	lr_vec_init(&n->unix_grants, sizeof(struct lr_unix_grant));
}

void lr_net_rules_free(struct lr_net_rules *n)
{
	lr_vec_free(&n->unix_grants);
}

bool lr_helper_possible(const struct lr_compile_opts *o)
{
	return o && (o->in_place || o->supervised || o->notify_pool);
}

static bool udp_ports_restricted(const struct lr_policy *p)
{
	return p->connect_udp_any.set && !p->connect_udp_any.on;
}

/* connect rules naming addresses (ADDR/PREFIX:PORTS), which Landlock cannot judge. */
static bool tcp_addresses(const struct lr_policy *p)
{
	return !p->connect_any.on && lr_ports_have_addresses(&p->ports);
}

static bool udp_addresses(const struct lr_policy *p)
{
	return udp_ports_restricted(p) && lr_ports_have_addresses(&p->udp_ports);
}

bool lr_netcalls_needed(const struct lr_policy *p, int abi)
{
	bool unix_paths = p->unix_sockets.is == LR_UNIX_PATHS && abi < 9;
	bool udp = p->udp.on && ((udp_ports_restricted(p) && abi < 10) || p->udp_dns.on || udp_addresses(p));
	return unix_paths || udp || tcp_addresses(p);
}

/* glibc's "nameserver" line: the word, a blank, the address up to the next blank. */
static bool nameserver_line(const char *line, size_t len, struct lr_nameserver *ns)
{
	static const char key[] = "nameserver";
	size_t k = sizeof(key) - 1;
	if (len <= k || strncmp(line, key, k) != 0 || (line[k] != ' ' && line[k] != '\t'))
		return false;
	size_t at = k;
	while (at < len && (line[at] == ' ' || line[at] == '\t'))
		at++;
	char word[INET6_ADDRSTRLEN + 32];
	size_t w = 0;
	while (at < len && line[at] != ' ' && line[at] != '\t' && line[at] != '\r' && w + 1 < sizeof(word))
		word[w++] = line[at++];
	word[w] = '\0';
	struct in_addr a4;
	if (inet_aton(word, &a4)) { /* glibc takes the forms inet_aton knows */
		*ns = (struct lr_nameserver){ .family = AF_INET };
		memcpy(ns->addr, &a4, 4);
		return true;
	}
	char *scope = strchr(word, '%'); /* fe80::1%eth0: the address without its scope */
	if (scope)
		*scope = '\0';
	*ns = (struct lr_nameserver){ .family = AF_INET6 };
	return inet_pton(AF_INET6, word, ns->addr) == 1;
}

unsigned lr_parse_nameservers(const char *text, struct lr_nameserver *out)
{
	unsigned n = 0;
	for (const char *line = text; *line && n < LR_NAMESERVERS_MAX;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (nameserver_line(line, len, &out[n]))
			n++;
		line += len + (end ? 1 : 0);
	}
	if (!n) { /* glibc's default: the local host */
		out[0] = (struct lr_nameserver){ .family = AF_INET, .addr = { 127, 0, 0, 1 } };
		n = 1;
	}
	return n;
}

enum { RESOLV_CONF_MAX = 65536 };

static int read_nameservers(struct lr_net_rules *n, const struct lr_origin *at, struct lr_error *err)
{
	static const char path[] = "/etc/resolv.conf";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT)
		return lr_fail(err, at, "udp = dns: %s: %s", path, strerror(errno));
	char *text = malloc(RESOLV_CONF_MAX + 1);
	if (!text) {
		if (fd >= 0)
			close(fd);
		return lr_fail(err, NULL, "out of memory");
	}
	size_t len = 0;
	ssize_t r = 0;
	while (fd >= 0 && len < RESOLV_CONF_MAX && (r = read(fd, text + len, RESOLV_CONF_MAX - len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		len += (size_t)r;
	}
	char extra;
	bool too_long = fd >= 0 && r >= 0 && len == RESOLV_CONF_MAX && read(fd, &extra, 1) == 1;
	int e = errno;
	if (fd >= 0)
		close(fd);
	text[len] = '\0';
	int rc = 0;
	if (r < 0)
		rc = lr_fail(err, at, "udp = dns: reading %s: %s", path, strerror(e));
	else if (too_long)
		rc = lr_fail(err, at, "udp = dns: %s is over %d bytes", path, RESOLV_CONF_MAX);
	else
		n->ndns = lr_parse_nameservers(text, n->dns);
	free(text);
	return rc;
}

/* unix = PATH: each socket or directory, opened following no link planted in a write grant. */
static int record_unix_grants(struct lr_sandbox *sb, const struct lr_policy *p, struct lr_error *err)
{
	struct lr_resolver rs;
	lr_resolver_init(&rs);
	struct lr_vec own = rs.write_dirs;
	rs.write_dirs = sb->write_dirs; /* borrowed: given back before the free */
	int rc = 0;
	for (size_t i = 0; !rc && i < p->unix_paths.len; i++) {
		const struct lr_path_rule *r = lr_vec_at(&p->unix_paths, i);
		struct lr_planted planted;
		struct stat st;
		int fd = lr_resolve(&rs, r->path, &planted);
		if (fd == LR_RESOLVE_PLANTED) {
			rc = lr_fail(err, &r->at, "unix = %s: the symbolic link %s lies in a directory the sandbox may "
				     "write; name the socket by its real path", r->path, planted.link);
			break;
		}
		if (fd < 0 && errno == ENOENT && r->optional)
			continue;
		if (fd < 0 || fstat(fd, &st) < 0) {
			rc = lr_fail(err, &r->at, "unix = %s: %s", r->path, strerror(errno));
		} else if (!S_ISSOCK(st.st_mode) && !S_ISDIR(st.st_mode)) {
			rc = lr_fail(err, &r->at, "unix = %s: not a unix socket or a directory", r->path);
		} else {
			struct lr_unix_grant *g = lr_vec_push(&sb->net.unix_grants);
			if (!g)
				rc = lr_fail(err, NULL, "out of memory");
			else
				*g = (struct lr_unix_grant){ st.st_dev, st.st_ino, S_ISDIR(st.st_mode) };
		}
		if (fd >= 0)
			close(fd);
	}
	rs.write_dirs = own;
	lr_resolver_free(&rs);
	return rc;
}

/* The connect ports, TCP then UDP, in one array of the arena. */
static int copy_ports(struct lr_sandbox *sb, const struct lr_policy *p, struct lr_error *err)
{
	struct lr_net_rules *n = &sb->net;
	size_t total = p->ports.len + p->udp_ports.len;
	if (!total)
		return 0;
	struct lr_port_rule *out = lr_arena_alloc(&sb->arena, total * sizeof(*out));
	if (!out)
		return lr_fail(err, NULL, "out of memory");
	for (size_t i = 0; i < p->ports.len; i++) {
		const struct lr_port_rule *r = lr_vec_at(&p->ports, i);
		if (!r->bind)
			out[n->ntcp++] = *r;
	}
	for (size_t i = 0; i < p->udp_ports.len; i++) {
		const struct lr_port_rule *r = lr_vec_at(&p->udp_ports, i);
		if (!r->bind)
			out[n->ntcp + n->nudp++] = *r;
	}
	n->ports = out;
	return 0;
}

int lr_netcalls_compile(struct lr_sandbox *sb, const struct lr_policy *p, const struct lr_compile_opts *o,
			struct lr_error *err)
{
	struct lr_net_rules *n = &sb->net;
	if (!lr_helper_possible(o) || !lr_netcalls_needed(p, sb->abi))
		return 0;
	n->on = true;
	n->unix_sockets = p->unix_sockets.is;
	/* what Landlock enforces for the command, the helper enforces for the calls it makes */
	n->abstract_isolated = (sb->scoped & LR_SCOPE_ABSTRACT_UNIX_SOCKET) != 0;
	n->tcp_connect = (sb->handled_net & LR_NET_CONNECT_TCP) != 0 || tcp_addresses(p);
	n->udp_dns = p->udp_dns.on;
	bool ports_any = p->connect_udp_any.set && p->connect_udp_any.on;
	n->udp_connect = udp_ports_restricted(p) || (n->udp_dns && !ports_any);
	if (copy_ports(sb, p, err))
		return -1;
	if (n->udp_dns && read_nameservers(n, &p->udp_dns.at, err))
		return -1;
	if (n->unix_sockets == LR_UNIX_PATHS && record_unix_grants(sb, p, err))
		return -1;
	if (lr_sandbox_note(sb, false, "the helper makes connect, sendto, sendmsg and sendmmsg for the command: %s%s%s%s",
			    p->unix_sockets.is == LR_UNIX_PATHS ? "unix = PATH below Landlock ABI 9; " : "",
			    n->udp_dns ? "udp = dns; " : "", udp_ports_restricted(p) ? "connect_udp below Landlock ABI 10; " : "",
			    tcp_addresses(p) || udp_addresses(p) ? "connect rules by address" : ""))
		return lr_fail(err, NULL, "out of memory");
	return 0;
}

/* ---- helper: the socket and the thread ---------------------------------------------------- */

enum { DATA_MAX = 65536, CONTROL_MAX = 4096, IOV_MAX_ = 1024, FDS_MAX = 253 };

/* One call being answered. */
struct job {
	const struct lr_net_rules *n;
	struct lr_resolver *rs;
	int listener;
	const struct seccomp_notif *req;
	pid_t tid;
	int pidfd;    /* the calling thread's (Linux 6.9), else its process's */
	int sock;     /* the target's socket, taken */
	int domain, type, protocol;
	bool blocking; /* the call would wait (no O_NONBLOCK, no MSG_DONTWAIT) */
	struct lr_object obj; /* a unix path's socket, opened and judged */
	int cwd;      /* the target's current directory (a relative unix path), -1 */
};

static bool still_wanted(const struct job *j)
{
	return ioctl(j->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &j->req->id) == 0;
}

/* /proc/TID/status into buf (NUL-terminated); false when it cannot be read. */
static bool read_status(pid_t tid, char *buf, size_t size)
{
	char path[64];
	lr_sfmt(path, sizeof(path), "/proc/%d/status", tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

/* A value of /proc/TID/status ("Key:\tHEX" or "Key:\tDEC"), base 16 or 10. */
static bool status_value(const char *buf, const char *key, int base, unsigned long long *v)
{
	const char *at = strstr(buf, key);
	if (!at)
		return false;
	at += strlen(key);
	while (*at == ' ' || *at == '\t')
		at++;
	char *end;
	*v = strtoull(at, &end, base);
	return end != at;
}

/* The thread group of tid (kernels before 6.9 have no thread pidfd). */
static pid_t tgid_of(pid_t tid)
{
	char buf[4096];
	unsigned long long v;
	if (!read_status(tid, buf, sizeof(buf)) || !status_value(buf, "\nTgid:", 10, &v) || !v || v > INT_MAX)
		return -1;
	return (pid_t)v;
}

static int open_pidfd(pid_t tid)
{
	int fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
	if (fd >= 0 || errno != EINVAL)
		return fd;
	pid_t tgid = tgid_of(tid);
	return tgid > 0 ? (int)syscall(SYS_pidfd_open, tgid, 0) : (errno = ESRCH, -1);
}

static int take_fd(const struct job *j, int fd)
{
	return (int)syscall(SYS_pidfd_getfd, j->pidfd, fd, 0);
}

/* The target's socket fd, and what it is. 0 or an errno. */
static int take_socket(struct job *j, int fd)
{
	if ((j->pidfd = open_pidfd(j->tid)) < 0)
		return errno == ESRCH ? ESRCH : EPERM;
	if ((j->sock = take_fd(j, fd)) < 0)
		return errno == EBADF ? EBADF : EPERM;
	socklen_t len = sizeof(int);
	if (getsockopt(j->sock, SOL_SOCKET, SO_DOMAIN, &j->domain, &len) < 0)
		return errno;
	len = sizeof(int);
	if (getsockopt(j->sock, SOL_SOCKET, SO_TYPE, &j->type, &len) < 0)
		return errno;
	len = sizeof(int);
	if (getsockopt(j->sock, SOL_SOCKET, SO_PROTOCOL, &j->protocol, &len) < 0)
		return errno;
	int fl = fcntl(j->sock, F_GETFL);
	j->blocking = fl >= 0 && !(fl & O_NONBLOCK);
	return 0;
}

/* ---- helper: the destination -------------------------------------------------------------- */

/* An address as the helper passes it. */
struct addr {
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
		struct sockaddr_un un;
		struct sockaddr_storage ss;
	} u;
	socklen_t len; /* 0: none */
};

/* Whether the first bits of a (4 or 16 bytes) are those of want. */
static bool prefix_matches(const unsigned char *a, const unsigned char *want, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;
	if (memcmp(a, want, whole) != 0)
		return false;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return !rest || (a[whole] & mask) == (want[whole] & mask);
}

/* Whether a rule of r[0..n) allows port at address a of family (a rule without an address allows
 * the port anywhere). */
static bool rule_allows(const struct lr_port_rule *r, unsigned n, int family, const unsigned char *a, unsigned port)
{
	for (unsigned i = 0; i < n; i++)
		if (port >= r[i].lo && port <= r[i].hi &&
		    (!r[i].family || (r[i].family == family && prefix_matches(a, r[i].addr, r[i].prefix))))
			return true;
	return false;
}

static bool is_nameserver(const struct lr_net_rules *n, int family, const void *a)
{
	for (unsigned i = 0; i < n->ndns; i++)
		if (n->dns[i].family == family && memcmp(n->dns[i].addr, a, family == AF_INET ? 4 : 16) == 0)
			return true;
	return false;
}

static bool is_stream(const struct job *j)
{
	return j->type == SOCK_STREAM && (j->protocol == IPPROTO_TCP || j->protocol == IPPROTO_MPTCP);
}

static bool is_udp(const struct job *j)
{
	return j->type == SOCK_DGRAM && (j->protocol == IPPROTO_UDP || j->protocol == IPPROTO_UDPLITE);
}

/* An inet destination (a = 4 or 16 bytes, port in host order): what Landlock says for TCP,
 * connect_udp and udp = dns for UDP; nothing else is judged (raw, ping and SCTP sockets are the
 * socket filter's). */
static int judge_inet(const struct job *j, int family, const unsigned char *a, unsigned port)
{
	const struct lr_net_rules *n = j->n;
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (family == AF_INET6 && memcmp(a, mapped, 12) == 0) {
		family = AF_INET;
		a += 12;
	}
	if (is_stream(j))
		return !n->tcp_connect || rule_allows(n->ports, n->ntcp, family, a, port) ? 0 : EACCES;
	if (!is_udp(j) || !n->udp_connect || rule_allows(n->ports + n->ntcp, n->nudp, family, a, port))
		return 0;
	return n->udp_dns && port == 53 && is_nameserver(n, family, a) ? 0 : EACCES;
}

static bool is_unix_top(const void *ctx, const struct stat *st)
{
	const struct lr_vec *g = ctx;
	for (size_t i = 0; i < g->len; i++) {
		const struct lr_unix_grant *u = lr_vec_at(g, i);
		if (u->dir && u->dev == st->st_dev && u->ino == st->st_ino)
			return true;
	}
	return false;
}

/* A pathname socket (path: the target's, relative to its cwd): unix = any passes it as given
 * from the target's directory; unix = PATH only a granted socket, opened by the helper, and then
 * named by its fd; unix = none no path at all. */
static int judge_unix_path(struct job *j, char *path, struct addr *use)
{
	const struct lr_net_rules *n = j->n;
	if (n->unix_sockets == LR_UNIX_NONE)
		return EACCES;
	if (path[0] != '/' && (j->cwd < 0 || fchdir(j->cwd) < 0))
		return EACCES;
	if (n->unix_sockets == LR_UNIX_ANY)
		return 0; /* use: the target's address, resolved from its directory */
	int e = lr_own_proc(path, PATH_MAX, j->tid);
	if (!e)
		e = lr_open_path(j->rs, j->cwd, path, true, &j->obj);
	if (e)
		return e == ENOENT || e == ENOTDIR || e == ELOOP ? e : EACCES;
	if (!S_ISSOCK(j->obj.st.st_mode))
		return ECONNREFUSED;
	bool granted = false;
	for (size_t i = 0; !granted && i < n->unix_grants.len; i++) {
		const struct lr_unix_grant *g = lr_vec_at(&n->unix_grants, i);
		granted = !g->dir && g->dev == j->obj.st.st_dev && g->ino == j->obj.st.st_ino;
	}
	if (!granted && j->obj.parent >= 0)
		granted = lr_dir_beneath(j->obj.parent, is_unix_top, &n->unix_grants);
	if (!granted)
		return EACCES;
	use->u.un = (struct sockaddr_un){ .sun_family = AF_UNIX };
	int len = lr_sfmt(use->u.un.sun_path, sizeof(use->u.un.sun_path), "/proc/self/fd/%d", j->obj.fd);
	use->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)len + 1);
	return 0;
}

/* Judges the destination raw[0..len) of a connect (connecting) or a send; fills use with the
 * address to pass (use->len 0: none). 0 or an errno. */
static int judge(struct job *j, const unsigned char *raw, socklen_t len, bool connecting, struct addr *use)
{
	*use = (struct addr){ .len = 0 };
	if (len < sizeof(sa_family_t))
		return EINVAL;
	sa_family_t fam;
	memcpy(&fam, raw, sizeof(fam));
	/* a disconnect (connect with AF_UNSPEC) names nothing */
	if (fam == AF_UNSPEC && (connecting || j->type == SOCK_STREAM) && j->domain != AF_UNIX) {
		use->u.sa.sa_family = AF_UNSPEC;
		use->len = len < sizeof(struct sockaddr_in) ? len : sizeof(struct sockaddr_in);
		return 0;
	}
	switch (j->domain) {
	case AF_INET6:
		if (fam == AF_INET6) {
			if (len < 24) /* SIN6_LEN_RFC2133 */
				return EINVAL;
			memcpy(&use->u.in6, raw, len < sizeof(use->u.in6) ? len : sizeof(use->u.in6));
			use->len = sizeof(use->u.in6);
			return judge_inet(j, AF_INET6, use->u.in6.sin6_addr.s6_addr, ntohs(use->u.in6.sin6_port));
		}
		if (fam == AF_UNSPEC) /* a datagram: udpv6 sends to the connected peer */
			return 0;
		if (fam != AF_INET)
			return EINVAL;
		/* an IPv4 destination of a dual-stack socket: as below */
		__attribute__((fallthrough));
	case AF_INET:
		/* a datagram's AF_UNSPEC is read as AF_INET by udp_sendmsg */
		if (fam != AF_INET && !(fam == AF_UNSPEC && !connecting))
			return EAFNOSUPPORT;
		if (len < sizeof(struct sockaddr_in))
			return EINVAL;
		memcpy(&use->u.in, raw, sizeof(use->u.in));
		use->u.in.sin_family = AF_INET;
		use->len = sizeof(use->u.in);
		return judge_inet(j, AF_INET, (const unsigned char *)&use->u.in.sin_addr, ntohs(use->u.in.sin_port));
	case AF_UNIX: {
		if (fam == AF_UNSPEC && connecting) { /* a datagram socket's disconnect */
			use->u.sa.sa_family = AF_UNSPEC;
			use->len = sizeof(sa_family_t);
			return 0;
		}
		size_t off = offsetof(struct sockaddr_un, sun_path);
		if (fam != AF_UNIX || len <= off || len > sizeof(struct sockaddr_un))
			return EINVAL;
		memcpy(&use->u.un, raw, len);
		use->len = len;
		if (use->u.un.sun_path[0] == '\0') /* abstract: whose it is, the helper cannot tell */
			return j->n->abstract_isolated ? EPERM : 0;
		char path[PATH_MAX];
		size_t plen = strnlen(use->u.un.sun_path, len - off);
		memcpy(path, use->u.un.sun_path, plen);
		path[plen] = '\0';
		return judge_unix_path(j, path, use);
	}
	default: /* netlink and the rest: the socket filter's */
		if (len > sizeof(use->u.ss))
			return EINVAL;
		memcpy(&use->u.ss, raw, len);
		use->len = len;
		return 0;
	}
}

/* Reads and judges the address of a call (addr, len in the target); the target's directory is
 * opened while the target is known to be alive, for a relative unix path. */
static int read_dest(struct job *j, uint64_t addr, uint64_t len, unsigned char *raw, socklen_t *rlen)
{
	if (len > sizeof(struct sockaddr_storage))
		return EINVAL;
	*rlen = (socklen_t)len;
	int e = lr_target_read(j->tid, addr, raw, (size_t)len);
	if (!e && j->domain == AF_UNIX && len > offsetof(struct sockaddr_un, sun_path) && raw[2] != '\0' &&
	    raw[2] != '/' && (j->cwd = lr_target_dir(j->tid, AT_FDCWD)) < 0)
		e = errno;
	return e;
}

/* ---- helper: waiting ---------------------------------------------------------------------- */

/* A call that would wait, in a worker, returns GONE when it is no longer wanted (the thread was
 * interrupted, or is gone): the worker then exits without an answer. */
enum { GONE = -1 };

/* A fork of the helper that waits for one call and answers it; the helper goes on with the
 * others. 1 in the worker, 0 in the helper, -1 when there is none (the call then fails with
 * EAGAIN rather than stall every other call). */
static int fork_worker(void)
{
	long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0); /* reaped by the kernel: SIGCHLD ignored */
	return pid < 0 ? -1 : pid == 0 ? 1 : 0;
}

/* Up to 100 ms for the socket to become writable, then whether the call is still wanted. */
static bool wait_writable(const struct job *j)
{
	struct pollfd p = { .fd = j->sock, .events = POLLOUT };
	poll(&p, 1, 100);
	return still_wanted(j);
}

/* Where writable says nothing (a unix listener's queue, a receiver's full queue for an
 * unconnected datagram socket): a pause growing to 100 ms, then whether still wanted. */
static bool pause_a_while(const struct job *j, int *ms)
{
	*ms = *ms ? (*ms * 2 > 100 ? 100 : *ms * 2) : 1;
	poll(NULL, 0, *ms);
	return still_wanted(j);
}

/* The kernel's code for a call interrupted by a signal: restarted, or EINTR, as the handler's
 * SA_RESTART says (not in the uapi headers). */
enum { ERESTARTSYS_ = 512 };

/* The thread waits for the answer killably only (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV): a
 * signal would otherwise drop the call once the worker made part of it (a stream's bytes sent,
 * then sent again by the restarted call), and have a new notification and a new worker for each
 * restart. So the worker answers for the kernel: a signal pending for the thread, not blocked
 * (an ignored one is never queued), interrupts the call. ERESTARTSYS_ when the signal is the
 * thread's own, or its process has no other thread to take it: the kernel then restarts the call
 * or fails it with EINTR, as the handler says. EINTR for one of the process's that another
 * thread may take first (a restart code must not reach a thread with no signal to take). 0 for
 * none. */
static int signalled(const struct job *j)
{
	char buf[4096];
	if (!read_status(j->tid, buf, sizeof(buf)))
		return 0;
	unsigned long long own, shared, blocked, threads;
	if (!status_value(buf, "\nSigPnd:", 16, &own) || !status_value(buf, "\nShdPnd:", 16, &shared) ||
	    !status_value(buf, "\nSigBlk:", 16, &blocked) || !status_value(buf, "\nThreads:", 10, &threads))
		return 0;
	if (own & ~blocked)
		return ERESTARTSYS_;
	if (shared & ~blocked)
		return threads == 1 ? ERESTARTSYS_ : EINTR;
	return 0;
}

static _Noreturn void worker_answer(const struct job *j, struct seccomp_notif_resp *resp)
{
	ioctl(j->listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
	_exit(0);
}

static void set_error(struct seccomp_notif_resp *resp, int e)
{
	resp->error = e ? -e : 0;
	resp->val = 0;
}

/* ---- helper: connect ---------------------------------------------------------------------- */

/* connect without waiting: a blocking socket is made non-blocking for the call (the flag is the
 * open file's, shared with the command, and put back at once). */
static int connect_now(const struct job *j, const struct addr *a)
{
	int fl = j->blocking ? fcntl(j->sock, F_GETFL) : -1;
	if (fl >= 0)
		fcntl(j->sock, F_SETFL, fl | O_NONBLOCK);
	int rc = connect(j->sock, a->len ? &a->u.sa : NULL, a->len);
	int e = rc < 0 ? errno : 0;
	if (fl >= 0)
		fcntl(j->sock, F_SETFL, fl);
	return e;
}

/* In a worker: a TCP connect in progress (done when the socket is writable: SO_ERROR), or a unix
 * listener's full queue (EAGAIN: tried again). The result, or GONE. */
static int connect_wait(const struct job *j, const struct addr *a, int e)
{
	int ms = 0;
	while (e == EAGAIN || e == EINPROGRESS || e == EALREADY) {
		if (e == EAGAIN) {
			if (!pause_a_while(j, &ms))
				return GONE;
			int s = signalled(j);
			if (s)
				return s; /* the connect of a stream socket goes on in the kernel, as it would */
			e = connect_now(j, a);
			continue;
		}
		if (!wait_writable(j))
			return GONE;
		int s = signalled(j);
		if (s)
			return s;
		struct pollfd p = { .fd = j->sock, .events = POLLOUT };
		if (poll(&p, 1, 0) <= 0)
			continue;
		socklen_t len = sizeof(e);
		if (getsockopt(j->sock, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
			e = errno;
	}
	return e;
}

static bool answer_connect(struct job *j, struct seccomp_notif_resp *resp)
{
	const __u64 *arg = j->req->data.args;
	unsigned char raw[sizeof(struct sockaddr_storage)];
	socklen_t rlen = 0;
	struct addr use;
	int e = (int)arg[2] < 0 ? EINVAL : read_dest(j, arg[1], arg[2], raw, &rlen);
	if (!still_wanted(j))
		return false;
	if (!e)
		e = judge(j, raw, rlen, true, &use);
	if (!e)
		e = connect_now(j, &use);
	if (j->blocking && (e == EINPROGRESS || e == EAGAIN)) {
		int w = fork_worker();
		if (w == 0)
			return false; /* the worker answers */
		if (w > 0) {
			e = connect_wait(j, &use, e);
			if (e == GONE)
				_exit(0);
			set_error(resp, e);
			worker_answer(j, resp);
		}
		e = EAGAIN;
	}
	set_error(resp, e);
	return true;
}

/* ---- helper: sending ---------------------------------------------------------------------- */

/* One message to send: its destination and control data as the helper passes them, its data
 * still in the target (iov), and how far it got. */
struct message {
	unsigned char raw[sizeof(struct sockaddr_storage)]; /* the destination as read */
	socklen_t rawlen;
	struct addr to;
	unsigned char control[CONTROL_MAX];
	size_t controllen;
	int fds[FDS_MAX]; /* taken for SCM_RIGHTS, closed once sent */
	unsigned nfds;
	struct iovec iov[IOV_MAX_]; /* the target's */
	unsigned niov;
	size_t total, sent;
	int flags;
};

/* The fields read before anything is taken (the buffers are filled as they are read). */
static void message_init(struct message *m)
{
	m->rawlen = 0;
	m->to.len = 0;
	m->controllen = 0;
	m->nfds = m->niov = 0;
	m->total = m->sent = 0;
	m->flags = 0;
}

static void message_close(struct message *m)
{
	for (unsigned i = 0; i < m->nfds; i++)
		close(m->fds[i]);
	m->nfds = 0;
}

/* A source route (an IPv6 routing header, IPv4 options) sends a datagram to its first hop, the
 * judged destination written in the route only: refused where the address is judged (udp = dns;
 * the socket options that set one are refused by the notification program). */
static bool source_route(const struct job *j, const struct cmsghdr *c)
{
	if (!j->n->udp_dns || (j->domain != AF_INET && j->domain != AF_INET6))
		return false;
	if (c->cmsg_level == IPPROTO_IP)
		return c->cmsg_type == IP_RETOPTS || c->cmsg_type == IP_OPTIONS;
	return c->cmsg_level == IPPROTO_IPV6 && (c->cmsg_type == IPV6_RTHDR || c->cmsg_type == 5 /* IPV6_2292RTHDR */);
}

/* SCM_RIGHTS of a unix socket: the target's fds, taken into the helper, and their numbers in the
 * message replaced by the helper's copies (a number left as it was would name the helper's own
 * file, its listener among them). */
static int take_rights(const struct job *j, struct message *m, unsigned char *data, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int fd, mine;
		memcpy(&fd, data + i * sizeof(int), sizeof(int));
		if (m->nfds >= FDS_MAX)
			return EINVAL;
		if ((mine = take_fd(j, fd)) < 0)
			return EBADF;
		m->fds[m->nfds++] = mine;
		memcpy(data + i * sizeof(int), &mine, sizeof(int));
	}
	return 0;
}

/* The control data, walked as the kernel walks it (for_each_cmsghdr, each header CMSG_OK or
 * EINVAL), not by the C library's CMSG_NXTHDR, whose rules have differed: every header the
 * kernel will read is one the helper read. SCM_RIGHTS are taken (unix sockets only: elsewhere
 * refused, EINVAL); SCM_CREDENTIALS would have to name the helper: refused; a source route under
 * udp = dns: refused. */
static int take_control(const struct job *j, struct message *m)
{
	const size_t hdr = sizeof(struct cmsghdr);
	for (size_t off = 0; m->controllen >= hdr && off + hdr <= m->controllen;) {
		struct cmsghdr c;
		memcpy(&c, m->control + off, hdr);
		if (c.cmsg_len < hdr || c.cmsg_len > m->controllen - off)
			return EINVAL;
		if (source_route(j, &c))
			return EPERM;
		if (c.cmsg_level == SOL_SOCKET && c.cmsg_type == SCM_CREDENTIALS)
			return EPERM;
		if (c.cmsg_level == SOL_SOCKET && c.cmsg_type == SCM_RIGHTS) {
			int e = j->domain != AF_UNIX ? EINVAL : take_rights(j, m, m->control + off + hdr, (c.cmsg_len - hdr) / sizeof(int));
			if (e)
				return e;
		}
		off += CMSG_ALIGN(c.cmsg_len);
	}
	return 0;
}

/* What a msghdr (h, already read from the target) points to: destination, iov array, control. */
static int read_message(struct job *j, const struct msghdr *h, int flags, struct message *m)
{
	m->flags = flags;
	m->rawlen = 0;
	m->sent = m->total = 0;
	m->nfds = 0;
	int e = 0;
	if (h->msg_name && h->msg_namelen) {
		/* the kernel cuts a longer name to this length */
		size_t nlen = h->msg_namelen > sizeof(m->raw) ? sizeof(m->raw) : h->msg_namelen;
		e = read_dest(j, (uint64_t)(uintptr_t)h->msg_name, nlen, m->raw, &m->rawlen);
	}
	if (!e && h->msg_iovlen > IOV_MAX_)
		e = EMSGSIZE;
	if (!e && h->msg_control && h->msg_controllen > CONTROL_MAX)
		e = ENOBUFS;
	if (e)
		return e;
	m->niov = (unsigned)h->msg_iovlen;
	m->controllen = h->msg_control ? h->msg_controllen : 0;
	e = lr_target_read(j->tid, (uint64_t)(uintptr_t)h->msg_iov, m->iov, m->niov * sizeof(struct iovec));
	if (!e)
		e = lr_target_read(j->tid, (uint64_t)(uintptr_t)h->msg_control, m->control, m->controllen);
	for (unsigned i = 0; !e && i < m->niov; i++) {
		/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): filled by lr_target_read */
		if (m->iov[i].iov_len > SSIZE_MAX - m->total)
			return EINVAL;
		m->total += m->iov[i].iov_len;
	}
	return e;
}

/* After the target was checked alive: the destination judged, the fds passed taken. */
static int prepare_message(struct job *j, struct message *m)
{
	m->to.len = 0;
	if (m->flags & MSG_ZEROCOPY)
		return ENOBUFS; /* the kernel would send from the helper's buffer after it is reused */
	int e = m->rawlen ? judge(j, m->raw, m->rawlen, false, &m->to) : 0;
	return e ? e : take_control(j, m);
}

/* The next chunk of the message's data, from the target into buf (*len: its length). */
static int read_chunk(const struct job *j, const struct message *m, char *buf, size_t *len)
{
	struct iovec remote[IOV_MAX_];
	unsigned nr = 0;
	size_t skip = m->sent, want = 0;
	for (unsigned i = 0; i < m->niov && want < DATA_MAX; i++) {
		size_t l = m->iov[i].iov_len;
		if (skip >= l) {
			skip -= l;
			continue;
		}
		size_t take = l - skip < DATA_MAX - want ? l - skip : DATA_MAX - want;
		remote[nr++] = (struct iovec){ (char *)m->iov[i].iov_base + skip, take };
		want += take;
		skip = 0;
	}
	*len = want;
	if (!want)
		return 0;
	struct iovec local = { buf, want };
	return process_vm_readv(j->tid, &local, 1, remote, nr, 0) == (ssize_t)want ? 0 : EFAULT;
}

/* Sends from where the message got to: a datagram whole, a stream chunk by chunk (the
 * destination and control data with the first). wait (a worker): as long as the command's call
 * would; else stops where it would wait. 0 (m->sent says how far), an errno, or GONE. */
static int send_message(const struct job *j, struct message *m, bool wait)
{
	char buf[DATA_MAX];
	bool stream = j->type == SOCK_STREAM;
	if (!stream && m->total > DATA_MAX)
		return EMSGSIZE; /* a residual: larger datagrams (unix ones may be) are refused */
	int ms = 0;
	do {
		size_t len = 0;
		int e = read_chunk(j, m, buf, &len);
		if (e)
			return m->sent ? 0 : e;
		if (!still_wanted(j))
			return GONE;
		struct iovec iov = { buf, len };
		bool first = m->sent == 0;
		struct msghdr h = {
			.msg_name = first && m->to.len ? &m->to.u : NULL,
			.msg_namelen = first ? m->to.len : 0,
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = first && m->controllen ? m->control : NULL,
			.msg_controllen = first ? m->controllen : 0,
		};
		ssize_t n = sendmsg(j->sock, &h, m->flags | MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN && wait) {
			bool wanted = stream || (j->domain != AF_UNIX && m->to.len == 0) ? wait_writable(j)
											     : pause_a_while(j, &ms);
			if (!wanted)
				return GONE;
			int s = signalled(j);
			if (s) /* what was sent is the answer, as the kernel's */
				return m->sent ? 0 : s;
			continue;
		}
		if (n < 0)
			return m->sent ? 0 : errno;
		if (first)
			message_close(m); /* the fds went with the first chunk */
		m->sent += (size_t)n;
		if ((size_t)n < len && !wait)
			return 0;
	} while (stream && m->sent < m->total);
	return 0;
}

/* Whether the call must go on in a worker: a blocking socket, and it stopped short. */
static bool must_wait(const struct job *j, const struct message *m, int e)
{
	bool dontwait = (m->flags & MSG_DONTWAIT) || !j->blocking;
	return !dontwait && (e == EAGAIN || (e == 0 && j->type == SOCK_STREAM && m->sent < m->total));
}

/* The kernel's SIGPIPE for a send on a broken stream, which the helper asked it not to send to
 * the helper: to the calling thread (its process, before Linux 6.9). */
static void broken_pipe(const struct job *j, const struct message *m, int e)
{
	if (e == EPIPE && !(m->flags & MSG_NOSIGNAL))
		syscall(SYS_pidfd_send_signal, j->pidfd, SIGPIPE, NULL, 0);
}

/* sendmmsg's msg_len of a message (at: its address in the target). */
static int write_len(const struct job *j, uint64_t at, size_t sent)
{
	unsigned len = (unsigned)sent;
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): an address in the target, never dereferenced here */
	struct iovec l = { &len, sizeof(len) }, r = { (void *)(uintptr_t)at, sizeof(len) };
	return process_vm_writev(j->tid, &l, 1, &r, 1, 0) == (ssize_t)sizeof(len) ? 0 : EFAULT;
}

/* The answer for a message sent as far as m->sent, or failed with e: its bytes, or for one of
 * sendmmsg's (mlen_at: its msg_len in the target, 0 otherwise) one message. */
static void fill_answer(const struct job *j, const struct message *m, int e, uint64_t mlen_at,
			struct seccomp_notif_resp *resp)
{
	broken_pipe(j, m, e);
	if (!e && mlen_at)
		e = write_len(j, mlen_at, m->sent);
	set_error(resp, e);
	resp->val = e ? 0 : mlen_at ? 1 : (__s64)m->sent;
}

/* A send that stopped short on a blocking socket goes on in a worker, which answers; false in
 * the helper. Without a worker, what was sent is the answer (EAGAIN when nothing). */
static bool go_on_in_worker(const struct job *j, struct message *m, uint64_t mlen_at, struct seccomp_notif_resp *resp)
{
	int w = fork_worker();
	if (w == 0) {
		message_close(m);
		return false;
	}
	if (w > 0) {
		int e = send_message(j, m, true);
		if (e == GONE)
			_exit(0);
		fill_answer(j, m, e, mlen_at, resp);
		worker_answer(j, resp);
	}
	fill_answer(j, m, m->sent ? 0 : EAGAIN, mlen_at, resp);
	return true;
}

/* Sends one message and fills resp; false when a worker answers, or no answer is wanted. */
static bool send_one(struct job *j, struct message *m, struct seccomp_notif_resp *resp)
{
	int e = send_message(j, m, false);
	if (e == GONE)
		return false;
	if (must_wait(j, m, e))
		return go_on_in_worker(j, m, 0, resp);
	fill_answer(j, m, e, 0, resp);
	return true;
}

/* A message read from the target (e: the read's errno): once the target is known to be the one
 * that made the call, prepared and sent, or its error answered. */
static bool send_read(struct job *j, struct message *m, int e, struct seccomp_notif_resp *resp)
{
	if (!still_wanted(j))
		return false;
	if (!e)
		e = prepare_message(j, m);
	if (e) {
		message_close(m);
		set_error(resp, e);
		return true;
	}
	return send_one(j, m, resp);
}

static bool answer_sendto(struct job *j, struct message *m, struct seccomp_notif_resp *resp)
{
	const __u64 *arg = j->req->data.args;
	struct msghdr h = {
		/* NOLINTNEXTLINE(performance-no-int-to-ptr): an address in the target, never dereferenced here */
		.msg_name = (void *)(uintptr_t)arg[4],
		.msg_namelen = (socklen_t)arg[5],
		.msg_iov = NULL,
		.msg_iovlen = 0,
	};
	/* sendto's address is copied whole, or refused (sendmsg's is cut) */
	int e = (int)arg[5] < 0 || arg[5] > sizeof(m->raw) ? EINVAL : read_message(j, &h, (int)arg[3], m);
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): an address in the target, never dereferenced here */
	m->iov[0] = (struct iovec){ (void *)(uintptr_t)arg[1], (size_t)arg[2] };
	m->niov = 1;
	m->total = (size_t)arg[2];
	return send_read(j, m, e, resp);
}

static bool answer_sendmsg(struct job *j, struct message *m, struct seccomp_notif_resp *resp)
{
	const __u64 *arg = j->req->data.args;
	struct msghdr h = { 0 };
	int e = lr_target_read(j->tid, arg[1], &h, sizeof(h));
	if (!e)
		e = read_message(j, &h, (int)arg[2], m);
	return send_read(j, m, e, resp);
}

/* sendmmsg: message by message, each one's msg_len written back. A message that would wait ends
 * the call with those sent before it; the first one waits (in a worker, which answers). */
static bool answer_sendmmsg(struct job *j, struct message *m, struct seccomp_notif_resp *resp)
{
	const __u64 *arg = j->req->data.args;
	unsigned vlen = arg[2] > IOV_MAX_ ? IOV_MAX_ : (unsigned)arg[2], count = 0;
	int e = 0;
	for (unsigned i = 0; !e && i < vlen; i++) {
		uint64_t at = arg[1] + (uint64_t)i * sizeof(struct mmsghdr), mlen_at = at + offsetof(struct mmsghdr, msg_len);
		struct mmsghdr mh = { 0 };
		e = lr_target_read(j->tid, at, &mh, sizeof(mh));
		if (!e)
			e = read_message(j, &mh.msg_hdr, (int)arg[3], m);
		if (!still_wanted(j))
			return false;
		if (!e)
			e = prepare_message(j, m);
		if (!e)
			e = send_message(j, m, false);
		if (e == GONE)
			return false;
		if (i == 0 && must_wait(j, m, e))
			return go_on_in_worker(j, m, mlen_at, resp);
		if (!e && m->sent < m->total && j->type == SOCK_STREAM && !m->sent)
			e = EAGAIN;
		message_close(m);
		if (!e && !(e = write_len(j, mlen_at, m->sent)))
			count++;
	}
	set_error(resp, count ? 0 : e);
	resp->val = count;
	if (!count)
		broken_pipe(j, m, e);
	return true;
}

/* ---- helper: the call --------------------------------------------------------------------- */

bool lr_netcalls_is(const struct seccomp_notif *req)
{
	int nr = req->data.nr;
	if (req->data.arch == LR_NATIVE_ARCH && (nr == SYS_connect || nr == SYS_sendto || nr == SYS_sendmsg || nr == SYS_sendmmsg))
		return true;
	for (unsigned i = 0; i < lr_netcalls_count; i++)
		if ((unsigned)nr == lr_netcalls_nr[i])
			return true;
	return false;
}

bool lr_netcalls_answer(const struct lr_net_rules *n, struct lr_resolver *rs, int listener,
			const struct seccomp_notif *req, struct seccomp_notif_resp *resp)
{
	static const struct lr_object closed = { -1, -1, { 0 } };
	struct message m; /* large: one per call, on the helper's stack */
	message_init(&m);
	struct job j = { n, rs, listener, req, (pid_t)req->pid, -1, -1, 0, 0, 0, false, closed, -1 };
	*resp = (struct seccomp_notif_resp){ .id = req->id };
	/* /proc/self in a unix path names the caller: the resolver spells it with the caller's id */
	lr_sfmt(rs->proc_self, sizeof(rs->proc_self), "%d", (int)req->pid);
	rs->proc_self_read = true;
	int nr = req->data.nr, e = 0;
	bool answer = true;
	if (req->data.arch != LR_NATIVE_ARCH || (unsigned)nr >= 0x40000000u)
		e = EPERM; /* x32: the baseline's to refuse */
	else if ((e = take_socket(&j, (int)req->data.args[0])) != 0)
		answer = still_wanted(&j);
	else if (nr == SYS_connect)
		answer = answer_connect(&j, resp);
	else if (nr == SYS_sendto)
		answer = answer_sendto(&j, &m, resp);
	else if (nr == SYS_sendmsg)
		answer = answer_sendmsg(&j, &m, resp);
	else
		answer = answer_sendmmsg(&j, &m, resp);
	if (e)
		set_error(resp, e);
	lr_object_close(&j.obj);
	if (j.cwd >= 0)
		close(j.cwd);
	if (j.sock >= 0)
		close(j.sock);
	if (j.pidfd >= 0)
		close(j.pidfd);
	return answer;
}

/* probe: attempts one operation inside the sandbox and reports the outcome.
 * Prints "ok" and exits 0 when the operation succeeded, prints "denied ERRNAME" and exits 1 when it
 * failed; anything else (usage) exits 2. The tests compare both ways: attack denied, grant works. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/seccomp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* "self" (0, the caller), "parent" or a pid. */
static pid_t target_pid(const char *arg)
{
	return strcmp(arg, "self") == 0 ? 0 : strcmp(arg, "parent") == 0 ? getppid() : (pid_t)atoi(arg);
}

static int report(long rc)
{
	if (rc >= 0) {
		puts("ok");
		return 0;
	}
	printf("denied %s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	return 1;
}

/* clone(2) with flags: a child that exits at once, reaped. */
static int clone_child(unsigned long flags)
{
	long pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return report(pid);
}

static int inet_socket_op(int family, int type, int port, bool do_bind)
{
	int fd = socket(family, type, 0);
	if (fd < 0)
		return report(-1);
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	long rc = do_bind ? bind(fd, (struct sockaddr *)&a4, sizeof(a4))
			  : connect(fd, (struct sockaddr *)&a4, sizeof(a4));
	return report(rc);
}

/* A loopback TCP socket bound to port and listening, or -1 (errno set). */
static int inet_socket_op_fd(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 1) < 0)
		return -1;
	return fd;
}

static int abstract_connect(const char *name)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return report(-1);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	memcpy(a.sun_path + 1, name, len);
	return report(connect(fd, (struct sockaddr *)&a, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len)));
}

static void on_signal(int sig) { (void)sig; }

/* The byte at of the signalled stream's pattern. */
static unsigned char pattern_at(size_t at) { return (unsigned char)(at * 7 + at / 251); }

/* total bytes sent with sendmsg on a unix stream whose reader (a child) is slow, while a timer
 * interrupts the sender every 3 ms (SA_RESTART): each byte must arrive once, in order. */
static int signalled_stream(size_t total)
{
	int sv[2];
	unsigned char *buf = malloc(total);
	if (!buf || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return report(-1);
	for (size_t i = 0; i < total; i++)
		buf[i] = pattern_at(i);
	pid_t reader = fork();
	if (reader == 0) {
		close(sv[0]);
		unsigned char r[4096];
		size_t at = 0;
		ssize_t n;
		while ((n = read(sv[1], r, sizeof(r))) > 0) {
			for (ssize_t k = 0; k < n; k++, at++)
				if (at >= total || r[k] != pattern_at(at))
					_exit(1);
			usleep(200);
		}
		_exit(at == total ? 0 : 1);
	}
	close(sv[1]);
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 3000 }, { 0, 3000 } }, off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &it, NULL);
	size_t at = 0;
	while (at < total) {
		struct iovec iov = { buf + at, total - at };
		struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = sendmsg(sv[0], &h, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return report(-1);
		at += (size_t)n;
	}
	setitimer(ITIMER_REAL, &off, NULL);
	close(sv[0]);
	int st;
	if (waitpid(reader, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		puts("denied the stream arrived corrupted");
		return 1;
	}
	return report(0);
}

/* A blocking connect to the unix listener at path until one waits (its queue full), a signal
 * without SA_RESTART after 1 s: the connect that waits fails with EINTR, in about that time. */
static int connect_interrupted(const char *path)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGALRM, &sa, NULL);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	alarm(1);
	int rc = 0;
	for (int i = 0; i < 16 && rc == 0; i++) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		rc = fd < 0 ? -1 : connect(fd, (struct sockaddr *)&a, sizeof(a));
	}
	int e = errno;
	alarm(0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("after %ld ms\n", (long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
	errno = e;
	return report(rc);
}

/* connect, or with "send" a datagram, to the pathname unix socket at path */
static int unix_op(const char *path, bool send)
{
	int fd = socket(AF_UNIX, send ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0)
		return report(-1);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (send)
		return report(sendto(fd, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
	return report(connect(fd, (struct sockaddr *)&a, sizeof(a)));
}

/* A loopback or given UDP destination (IPv4 or IPv6 text). */
static socklen_t udp_dest(int port, const char *addr, struct sockaddr_storage *ss)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		return sizeof(*a4);
	}
	a6->sin6_family = AF_INET6;
	a6->sin6_port = htons((uint16_t)port);
	inet_pton(AF_INET6, addr, &a6->sin6_addr);
	return sizeof(*a6);
}

/* A datagram to addr:port by sendto, connect and send, sendmsg, or sendmmsg (two of them). */
static int udp_op(const char *op, int port, const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len = udp_dest(port, addr, &ss);
	int fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return report(-1);
	struct iovec iov = { "x", 1 };
	struct msghdr m = { .msg_name = &ss, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1 };
	if (strcmp(op, "udp-connect") == 0) {
		if (connect(fd, (struct sockaddr *)&ss, len) < 0)
			return report(-1);
		return report(send(fd, "x", 1, 0));
	}
	if (strcmp(op, "udp-sendmsg") == 0)
		return report(sendmsg(fd, &m, 0));
	if (strcmp(op, "udp-sendmmsg") == 0) {
		struct mmsghdr mm[2] = { { m, 0 }, { m, 0 } };
		int n = sendmmsg(fd, mm, 2, 0);
		if (n == 2 && (mm[0].msg_len != 1 || mm[1].msg_len != 1))
			return printf("msg_len %u %u\n", mm[0].msg_len, mm[1].msg_len), 2;
		return report(n == 2 ? 0 : n < 0 ? -1 : (errno = EIO, -1));
	}
	return report(sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len));
}

/* A datagram to [addr]:port through a segment routing header whose next segment is hop (the
 * packet's destination then): udp = dns must not let the nameserver's address be judged while
 * the datagram goes to hop. */
static int udp_rthdr(int port, const char *addr, const char *hop)
{
	struct sockaddr_storage ss;
	socklen_t len = udp_dest(port, addr, &ss);
	unsigned char srh[8 + 32] = { IPPROTO_UDP, 4 /* hdrlen */, 4 /* type 4 */, 1 /* segments left */, 1 };
	inet_pton(AF_INET6, addr, srh + 8);
	inet_pton(AF_INET6, hop, srh + 24);
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_RTHDR, srh, sizeof(srh)) < 0)
		return report(-1);
	return report(sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len));
}

struct net_race {
	struct sockaddr_in *to;
	int allowed, forbidden, fd, a, b;
	volatile int stop;
};

static void *flip_port(void *arg)
{
	struct net_race *r = arg;
	while (!r->stop) {
		r->to->sin_port = htons((uint16_t)r->forbidden);
		sched_yield();
		r->to->sin_port = htons((uint16_t)r->allowed);
		sched_yield();
	}
	return NULL;
}

/* Datagrams to the allowed port while a thread rewrites it to the forbidden one: the helper reads
 * the address once, so each goes where it was judged to go. */
static int udp_race(int allowed, int forbidden, int rounds)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)allowed),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct net_race r = { .to = &to, .allowed = allowed, .forbidden = forbidden };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	pthread_t t;
	if (fd < 0 || pthread_create(&t, NULL, flip_port, &r) != 0)
		return report(-1);
	int sent = 0;
	for (int i = 0; i < rounds; i++)
		sent += sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) == 1;
	r.stop = 1;
	pthread_join(t, NULL);
	printf("sent %d\n", sent);
	return sent ? 0 : 1;
}

static void *swap_fds(void *arg)
{
	struct net_race *r = arg;
	while (!r->stop) {
		dup2(r->a, r->fd);
		sched_yield();
		dup2(r->b, r->fd);
		sched_yield();
	}
	return NULL;
}

/* sendto a forbidden UDP port on an fd a thread keeps swapping between a unix datagram socket
 * and a UDP socket: the helper judges and sends on the one socket it took. */
static int fd_race(int forbidden, int rounds)
{
	struct net_race r = { .fd = 100, .forbidden = forbidden };
	r.a = socket(AF_UNIX, SOCK_DGRAM, 0);
	r.b = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)forbidden),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	pthread_t t;
	if (r.a < 0 || r.b < 0 || dup2(r.a, r.fd) < 0 || pthread_create(&t, NULL, swap_fds, &r) != 0)
		return report(-1);
	int sent = 0;
	for (int i = 0; i < rounds; i++)
		sent += sendto(r.fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) == 1;
	r.stop = 1;
	pthread_join(t, NULL);
	printf("sent %d\n", sent);
	return sent ? 0 : 1;
}

/* One byte from the datagram socket fd to the unix socket at path, with one SCM_RIGHTS header of
 * length len holding passed: sendmsg's return. */
static long send_with_rights(int fd, const char *path, int passed, size_t len)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof(u));
	struct iovec iov = { "r", 1 };
	struct msghdr m = { .msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = len;
	memcpy(CMSG_DATA(c), &passed, sizeof(passed));
	return sendmsg(fd, &m, 0);
}

/* One end of a socketpair passed (SCM_RIGHTS) in a datagram to the unix socket at path (not a
 * pipe to the test: the datagram waiting in a queue would keep it open). */
static int unix_sendfd(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0), sv[2];
	if (fd < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return report(-1);
	return report(send_with_rights(fd, path, sv[0], CMSG_LEN(sizeof(int))));
}

/* Two SCM_RIGHTS headers of one fd each (a socketpair's end, twice) to path, the second one
 * unpadded at the end of the control data: the kernel reads it, and so must whoever translates
 * the numbers (the C library's CMSG_NXTHDR has skipped such a header). */
static int trailing_rights(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0), sv[2];
	if (fd < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return report(-1);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	union {
		char buf[CMSG_SPACE(sizeof(int)) + CMSG_LEN(sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof(u));
	struct cmsghdr c = { .cmsg_len = CMSG_LEN(sizeof(int)), .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS };
	memcpy(u.buf, &c, sizeof(c));
	memcpy(u.buf + CMSG_LEN(0), &sv[0], sizeof(int));
	memcpy(u.buf + CMSG_SPACE(sizeof(int)), &c, sizeof(c));
	memcpy(u.buf + CMSG_SPACE(sizeof(int)) + CMSG_LEN(0), &sv[0], sizeof(int));
	struct iovec iov = { "t", 1 };
	struct msghdr m = { .msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	return report(sendmsg(fd, &m, 0));
}

/* A control message whose length runs past the buffer given (the kernel's EINVAL; a helper
 * that believed it would write past its own), then a plain datagram to path on the same socket:
 * the first one's errno, then the second's outcome. */
static int badcmsg_then_send(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0)
		return report(-1);
	int rc = (int)send_with_rights(fd, path, 0, CMSG_LEN(1000 * sizeof(int)));
	printf("first %s\n", rc < 0 ? strerrorname_np(errno) : "sent");
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	return report(sendto(fd, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
}

/* NETLINK_SOCK_DIAG: the dump of every TCP socket on the host (what ss -t shows) */
static int sock_diag_dump(void)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM, 4 /* NETLINK_SOCK_DIAG */);
	if (fd < 0)
		return report(-1);
	struct {
		struct { uint32_t len; uint16_t type, flags; uint32_t seq, pid; } nlh;
		struct { uint8_t family, protocol, ext, pad; uint32_t states; uint8_t id[48]; } req;
	} msg = { { sizeof(msg), 20 /* SOCK_DIAG_BY_FAMILY */, 0x1 | 0x300 /* NLM_F_REQUEST|DUMP */, 1, 0 },
		  { AF_INET, IPPROTO_TCP, 0, 0, 0xffffffffu, { 0 } } };
	if (send(fd, &msg, sizeof(msg), 0) < 0)
		return report(-1);
	char buf[8192];
	return report(recv(fd, buf, sizeof(buf), 0));
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In dir: the links l -> real (a directory beside them) and l2 -> other, real/id_rsa and the script real/prog. For ms milliseconds, with
 * swap, a child exchanges the two links (renameat2 RENAME_EXCHANGE) while this process reads
 * l/id_rsa, creates and removes l/planted and l/d, and now and then runs l/prog: a tracer that looks up a path after the call may
 * find it leads to other. Prints how many opens succeeded and were refused; "ok" at the end. */
static int race_links(const char *dir, const char *other, int ms, bool swap)
{
	char real[4096], l[4096], l2[4096], secret[4200], planted[4200], sub[4200];
	snprintf(real, sizeof(real), "%s/real", dir);
	snprintf(l, sizeof(l), "%s/l", dir);
	snprintf(l2, sizeof(l2), "%s/l2", dir);
	snprintf(secret, sizeof(secret), "%s/id_rsa", l);
	snprintf(planted, sizeof(planted), "%s/planted", l);
	snprintf(sub, sizeof(sub), "%s/d", l);
	char mine[4200];
	snprintf(mine, sizeof(mine), "%s/id_rsa", real);
	int made = -1;
	if ((mkdir(real, 0755) == 0 || errno == EEXIST) && (made = open(mine, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) >= 0)
		close(made);
	char prog[4200], run[4200];
	snprintf(prog, sizeof(prog), "%s/prog", real);
	snprintf(run, sizeof(run), "%s/prog", l);
	if (made >= 0 && (made = open(prog, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755)) >= 0) {
		made = write(made, "#!/bin/true\n", 12) == 12 ? made : (close(made), -1);
		if (made >= 0)
			close(made);
	}
	if (made < 0 || symlink("real", l) < 0 || symlink(other, l2) < 0)
		return report(-1);
	long long end = now_ms() + ms;
	pid_t child = swap ? fork() : 0;
	if (child < 0)
		return report(-1);
	if (swap && child == 0) {
		while (now_ms() < end)
			syscall(SYS_renameat2, AT_FDCWD, l, AT_FDCWD, l2, 2 /* RENAME_EXCHANGE */);
		_exit(0);
	}
	unsigned opened = 0, refused = 0;
	do {
		int fd = open(secret, O_RDONLY | O_CLOEXEC);
		int fd2 = open(planted, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		opened += (fd >= 0) + (fd2 >= 0);
		refused += (fd < 0) + (fd2 < 0);
		if (fd >= 0)
			close(fd);
		if (fd2 >= 0)
			close(fd2);
		unlink(planted);
		if (mkdir(sub, 0755) == 0)
			rmdir(sub);
		pid_t ran = (opened + refused) % 16 == 0 ? fork() : -1;
		if (ran == 0) {
			execl(run, run, (char *)NULL);
			_exit(127);
		}
		int status = 0;
		if (ran > 0 && (waitpid(ran, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0))
			refused++;
	} while (now_ms() < end);
	if (swap)
		waitpid(child, NULL, 0);
	printf("opened %u refused %u\n", opened, refused);
	return report(0);
}

/* chmod-race: one thread keeps rewriting the path buffer (good, then bad) while this one calls
 * chmod on it n times: the check and the use must see the same path. */
struct race {
	char buf[4096];
	const char *good, *bad;
	volatile int stop;
};

static void *rewrite_path(void *arg)
{
	struct race *r = arg;
	size_t lg = strlen(r->good) + 1, lb = strlen(r->bad) + 1;
	while (!r->stop) {
		/* each path stands for a moment, so that calls see both however the two threads are
		 * scheduled (a slow sanitized build once saw only the bad one in 2,000), and the
		 * half-written mixtures between */
		memcpy(r->buf, r->bad, lb);
		sched_yield();
		memcpy(r->buf, r->good, lg);
		sched_yield();
	}
	return NULL;
}

static int chmod_race(const char *good, const char *bad, int n)
{
	static struct race r;
	r.good = good;
	r.bad = bad;
	snprintf(r.buf, sizeof(r.buf), "%s", good);
	pthread_t t;
	if (pthread_create(&t, NULL, rewrite_path, &r) != 0)
		return 2;
	int ok = 0, denied = 0;
	for (int i = 0; i < n; i++)
		*(chmod(r.buf, 0644) == 0 ? &ok : &denied) += 1;
	r.stop = 1;
	pthread_join(t, NULL);
	printf("ok %d denied %d\n", ok, denied);
	return 0;
}

/* fork-chmod N: N processes, each creating cwd/fN and chmod'ing it at once; 0 when all did. */
static int fork_chmod(int n)
{
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return 2;
		if (pid == 0) {
			char name[32];
			snprintf(name, sizeof(name), "f%d", i);
			int fd = open(name, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
			_exit(fd < 0 || chmod(name, 0640) != 0);
		}
	}
	int failed = 0, status;
	while (wait(&status) > 0)
		failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	printf("failed %d\n", failed);
	return report(failed ? -1 : 0);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: probe OP [ARG...]\n");
		return 2;
	}
	const char *op = argv[1];
	const char *arg = argc > 2 ? argv[2] : "";
#define OP(name) (strcmp(op, name) == 0)
	if (OP("read"))
		return report(open(arg, O_RDONLY));
	if (OP("write"))
		return report(open(arg, O_WRONLY | O_CREAT, 0600));
	if (OP("truncate"))
		return report(truncate(arg, 0));
	if (OP("mkdir"))
		return report(mkdir(arg, 0700));
	if (OP("unlink"))
		return report(unlink(arg));
	if (OP("rename"))
		return report(rename(arg, argv[3]));
	if (OP("link"))
		return report(link(arg, argv[3]));
	if (OP("symlink"))
		return report(symlink(arg, argv[3]));
	if (OP("mkfifo"))
		return report(mkfifo(arg, 0600));
	if (OP("exec")) {
		execv(arg, argv + 2);
		return report(-1);
	}
	if (OP("memfd-exec")) {
		/* copy a binary into a memfd and execute it: no Landlock execute check applies */
		int m = (int)syscall(SYS_memfd_create, "probe", 1U /* MFD_CLOEXEC */);
		int src = open(arg, O_RDONLY);
		if (m < 0 || src < 0)
			return report(-1);
		char buf[65536];
		for (ssize_t n; (n = read(src, buf, sizeof(buf))) > 0;)
			if (write(m, buf, (size_t)n) != n)
				return report(-1);
		char *const av[] = { (char *)arg, NULL };
		char *const ev[] = { NULL };
		syscall(SYS_execveat, m, "", av, ev, 0x1000 /* AT_EMPTY_PATH */);
		return report(-1);
	}
	if (OP("tiocsti")) {
		/* argv[2]: "low" for the plain request, "high" with bits above 32 set (CVE-2019-7303) */
		unsigned long req = TIOCSTI;
		if (strcmp(arg, "high") == 0)
			req |= 0xdead00000000UL;
		char c = '#';
		long rc = syscall(SYS_ioctl, 0, req, &c);
		if (rc < 0 && (errno == ENOTTY || errno == EIO))
			errno = ENOTTY; /* not a terminal: the filter let it through */
		if (rc < 0 && errno == ENOTTY) {
			puts("passed-filter ENOTTY");
			return 0;
		}
		return report(rc);
	}
	if (OP("tty-ioctl")) {
		/* argv[2]: tiocspgrp or tiocsctty; argv[3]: "high" sets bits above 32 in the request.
		 * On fd 0: ENOTTY (stdin is not a terminal) means the filter let the call through. */
		unsigned long req = strcmp(arg, "tiocsctty") == 0 ? TIOCSCTTY : TIOCSPGRP;
		if (argc > 3 && strcmp(argv[3], "high") == 0)
			req |= 0xdead00000000UL;
		pid_t pgrp = getpgrp();
		long rc = syscall(SYS_ioctl, 0, req, req == TIOCSCTTY ? 0 : (unsigned long)&pgrp);
		if (rc < 0 && (errno == ENOTTY || errno == EINVAL)) {
			puts("passed-filter ENOTTY");
			return 0;
		}
		return report(rc);
	}
	if (OP("memfd")) /* memfd_create with flags argv[2] (hex or decimal; "hi" in argv[3]: bits above 32) */
		return report(syscall(SYS_memfd_create, "probe",
				      strtoul(arg, NULL, 0) | (argc > 3 && strcmp(argv[3], "hi") == 0 ? 0x100000000UL : 0)));
	if (OP("name-to-handle") || OP("open-by-handle")) {
		/* the handle of argv[2]; then open it by handle (needs CAP_DAC_READ_SEARCH) */
		struct { struct file_handle fh; unsigned char bytes[128]; } h = { .fh.handle_bytes = 128 };
		int mnt;
		long rc = syscall(SYS_name_to_handle_at, AT_FDCWD, arg, &h.fh, &mnt, 0);
		if (rc < 0 || OP("name-to-handle"))
			return report(rc);
		return report(syscall(SYS_open_by_handle_at, AT_FDCWD, &h.fh, O_RDONLY));
	}
	if (OP("dev-ioctl")) {
		/* a terminal ioctl (TCGETS) on the device at argv[2], opened read-write */
		int fd = open(arg, O_RDWR | O_NOCTTY);
		if (fd < 0)
			return report(-1);
		struct termios t;
		return report(ioctl(fd, TCGETS, &t));
	}
	if (OP("tcgets")) {
		struct termios t;
		long rc = ioctl(0, TCGETS, &t);
		if (rc < 0 && errno == ENOTTY) {
			puts("passed-filter ENOTTY");
			return 0;
		}
		return report(rc);
	}
	if (OP("x32")) {
		/* getpid through the x32 ABI: the filter must kill the process */
		long rc = syscall(0x40000000L | SYS_getpid);
		return report(rc);
	}
	if (OP("i386")) {
		/* getpid through int 0x80, the i386 entry: another architecture to the filter */
		long ret;
		__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
		return report(ret < 0 ? (errno = (int)-ret, -1) : ret);
	}
	if (OP("unshare-user"))
		return report(unshare(CLONE_NEWUSER));
	if (OP("clone-newuser"))
		return clone_child(CLONE_NEWUSER);
	if (OP("clone-untraced")) /* a child the tracer of --log-denials would not see */
		return clone_child(CLONE_UNTRACED);
	if (OP("fork")) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		return report(pid);
	}
	if (OP("thread-clone3")) {
		long rc = syscall(435 /* clone3 */, NULL, 0);
		if (rc < 0 && errno == ENOSYS) {
			puts("denied ENOSYS");
			return 1;
		}
		return report(rc);
	}
	if (OP("io_uring"))
		return report(syscall(425 /* io_uring_setup */, 1, NULL));
	if (OP("ptrace"))
		return report(ptrace(PTRACE_ATTACH, (pid_t)atoi(arg), 0, 0));
	if (OP("personality"))
		return report(personality((unsigned long)strtoul(arg, NULL, 0)));
	if (OP("chmod"))
		return report(chmod(arg, (mode_t)strtoul(argv[3], NULL, 8)));
	if (OP("mount"))
		return report(syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, NULL));
	if (OP("bpf"))
		return report(syscall(SYS_bpf, 0, NULL, 0));
	if (OP("keyctl"))
		return report(syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0));
	if (OP("socket")) {
		/* "hi" as 5th argument: set bits above 32 in every argument (the kernel ignores them) */
		long hi = argc > 5 && strcmp(argv[5], "hi") == 0 ? 0x100000000L : 0;
		return report(syscall(SYS_socket, hi | atoi(arg), hi | atoi(argv[3]), hi | (argc > 4 ? atoi(argv[4]) : 0)));
	}
	if (OP("chmod-hi"))
		return report(syscall(SYS_chmod, arg, 0x100000000L | strtoul(argv[3], NULL, 8)));
	if (OP("personality-hi"))
		return report(syscall(SYS_personality, 0x100000000L | strtoul(arg, NULL, 0)));
	if (OP("socketpair")) { /* family argv[2], type argv[3] (default SOCK_STREAM) */
		int sv[2];
		return report(socketpair(atoi(arg), argc > 3 ? atoi(argv[3]) : SOCK_STREAM, 0, sv));
	}
	if (OP("pair-send")) { /* a datagram socketpair's socket sending to the pathname socket argv[2] */
		int sv[2];
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", arg);
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
			return report(-1);
		return report(sendto(sv[0], "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
	}
	if (OP("renice")) { /* sets the niceness of "self", "parent" or pid arg to what it is */
		id_t pid = (id_t)target_pid(arg);
		errno = 0;
		int prio = getpriority(PRIO_PROCESS, pid);
		if (prio == -1 && errno)
			return report(-1);
		return report(setpriority(PRIO_PROCESS, pid, prio));
	}
	if (OP("affinity")) { /* sets the CPU affinity of "self", "parent" or pid arg to what it is */
		cpu_set_t set;
		pid_t pid = target_pid(arg);
		if (sched_getaffinity(pid, sizeof(set), &set) < 0)
			return report(-1);
		return report(sched_setaffinity(pid, sizeof(set), &set));
	}
	if (OP("fd0-send")) { /* a datagram to the pathname socket argv[2] through fd 0 */
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", arg);
		return report(sendto(0, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
	}
	if (OP("prlimit")) { /* sets RLIMIT_NOFILE of "self" (pid 0) or "parent" to what it is */
		pid_t pid = strcmp(arg, "parent") == 0 ? getppid() : 0;
		struct rlimit cur;
		if (getrlimit(RLIMIT_NOFILE, &cur) < 0 || (pid && prlimit(pid, RLIMIT_NOFILE, NULL, &cur) < 0))
			return report(-1);
		return report(prlimit(pid, RLIMIT_NOFILE, &cur, NULL));
	}
	if (OP("sched")) { /* sets the scheduling policy of "self", "parent" or pid arg to what it is */
		pid_t pid = target_pid(arg);
		struct sched_param sp;
		int policy = sched_getscheduler(pid);
		if (policy < 0 || sched_getparam(pid, &sp) < 0)
			return report(-1);
		return report(sched_setscheduler(pid, policy, &sp));
	}
	if (OP("connect"))
		return inet_socket_op(AF_INET, SOCK_STREAM, atoi(arg), false);
	if (OP("bind"))
		return inet_socket_op(AF_INET, SOCK_STREAM, atoi(arg), true);
	if (OP("tcp-connect")) { /* PORT ADDR: a blocking TCP connect */
		struct sockaddr_storage ss;
		socklen_t len = udp_dest(atoi(arg), argv[3], &ss);
		int fd = socket(ss.ss_family, SOCK_STREAM, 0);
		return report(fd < 0 ? -1 : connect(fd, (struct sockaddr *)&ss, len));
	}
	if (OP("udp-send") || OP("udp-connect") || OP("udp-sendmsg") || OP("udp-sendmmsg"))
		return udp_op(op, atoi(arg), argc > 3 ? argv[3] : "127.0.0.1");
	if (OP("udp-rthdr")) /* PORT ADDR HOP */
		return udp_rthdr(atoi(arg), argv[3], argv[4]);
	if (OP("udp-race")) /* ALLOWED FORBIDDEN ROUNDS: a thread rewrites the port while sending */
		return udp_race(atoi(arg), atoi(argv[3]), atoi(argv[4]));
	if (OP("fd-race")) /* PORT ROUNDS: a thread swaps a unix datagram socket and a UDP socket */
		return fd_race(atoi(arg), atoi(argv[3]));
	if (OP("unix-sendfd")) /* an fd, to the datagram socket at path */
		return unix_sendfd(arg);
	if (OP("badlen-then-send")) { /* sendto with an address too long, then a good one, to PORT */
		struct sockaddr_storage ss[2];
		socklen_t len = udp_dest(atoi(arg), "127.0.0.1", &ss[0]);
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0)
			return report(-1);
		int rc = (int)sendto(fd, "x", 1, 0, (struct sockaddr *)ss, sizeof(ss));
		printf("first %s\n", rc < 0 ? strerrorname_np(errno) : "sent");
		return report(sendto(fd, "x", 1, 0, (struct sockaddr *)ss, len));
	}
	if (OP("unix-peer")) { /* connects to the stream socket at path, sends its pid, waits for a byte */
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", arg);
		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
			return report(-1);
		int pid = getpid();
		char byte;
		if (write(fd, &pid, sizeof(pid)) != (ssize_t)sizeof(pid) || read(fd, &byte, 1) != 1)
			return report(-1);
		return report(0);
	}
	if (OP("unix-creds")) { /* a datagram with its own credentials (SCM_CREDENTIALS) to path */
		int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", arg);
		union {
			char buf[CMSG_SPACE(sizeof(struct ucred))];
			struct cmsghdr align;
		} u;
		memset(&u, 0, sizeof(u));
		struct iovec iov = { "c", 1 };
		struct msghdr m = { .msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_CREDENTIALS;
		c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
		struct ucred cr = { getpid(), getuid(), getgid() };
		memcpy(CMSG_DATA(c), &cr, sizeof(cr));
		if (fd < 0)
			return report(-1);
		return report(sendmsg(fd, &m, 0));
	}
	if (OP("unix-big")) { /* a datagram of 70,000 bytes to path */
		int fd = socket(AF_UNIX, SOCK_DGRAM, 0), size = 1 << 20;
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", arg);
		static char big[70000];
		if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)) < 0)
			return report(-1);
		return report(sendto(fd, big, sizeof(big), 0, (struct sockaddr *)&a, sizeof(a)));
	}
	if (OP("trailing-rights")) /* two SCM_RIGHTS, the last one unpadded, to path */
		return trailing_rights(arg);
	if (OP("badcmsg-then-send")) /* SCM_RIGHTS longer than its buffer, then a datagram */
		return badcmsg_then_send(arg);
	if (OP("utimes"))
		return report(utimensat(AT_FDCWD, arg, NULL, 0));
	if (OP("setxattr"))
		return report(setxattr(arg, "user.landrun", "x", 1, 0));
	if (OP("listen-accept")) {
		/* bind and listen on a port, connect to it from here, accept: a server reachable by others */
		int fd = inet_socket_op_fd(atoi(arg));
		int c = fd < 0 ? -1 : socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(arg)),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
			return report(-1);
		return report(accept(fd, NULL, NULL));
	}
	if (OP("abstract-connect"))
		return abstract_connect(arg);
	if (OP("signalled-stream")) /* BYTES */
		return signalled_stream((size_t)atol(arg));
	if (OP("connect-interrupted")) /* PATH of a listener that never accepts */
		return connect_interrupted(arg);
	if (OP("unix-connect"))
		return unix_op(arg, false);
	if (OP("unix-send"))
		return unix_op(arg, true);
	if (OP("netlink")) /* socket(AF_NETLINK, SOCK_RAW, protocol) */
		return report(syscall(SYS_socket, AF_NETLINK, SOCK_RAW, atol(arg)));
	if (OP("sock-diag"))
		return sock_diag_dump();
	if (OP("getaddrinfo")) {
		/* AI_ADDRCONFIG: glibc asks the kernel for the host's addresses over NETLINK_ROUTE */
		struct addrinfo *res = NULL, hints = { .ai_flags = AI_ADDRCONFIG, .ai_socktype = SOCK_STREAM };
		int rc = getaddrinfo(arg, "80", &hints, &res);
		if (rc != 0) {
			printf("denied %s\n", gai_strerror(rc));
			return 1;
		}
		freeaddrinfo(res);
		return report(0);
	}
	if (OP("listen")) {
		/* listen() on an unbound TCP socket: the kernel auto-binds an ephemeral port */
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			return report(-1);
		return report(listen(fd, 1));
	}
	if (OP("listen-bound")) { /* bind to 127.0.0.1:PORT, then listen */
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(arg)),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
			return report(-1);
		return report(listen(fd, 1));
	}
	if (OP("kill"))
		return report(kill((pid_t)atoi(arg), 0));
	if (OP("fds")) {
		/* prints the open fds > 2 */
		for (int fd = 3; fd < 1024; fd++)
			if (fcntl(fd, F_GETFD) >= 0)
				printf("%d\n", fd);
		return 0;
	}
	if (OP("env")) {
		extern char **environ;
		for (char **e = environ; *e; e++)
			puts(*e);
		return 0;
	}
	if (OP("status")) {
		/* the /proc/self/status lines the tests check */
		FILE *f = fopen("/proc/self/status", "r");
		if (!f)
			return report(-1);
		char line[256];
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "Cap", 3) || !strncmp(line, "NoNewPrivs", 10) || !strncmp(line, "Seccomp", 7))
				fputs(line, stdout);
		return 0;
	}
	if (OP("pid")) {
		printf("%d\n", getpid());
		return 0;
	}
	if (OP("wait")) { /* says "ready", then waits for EOF on stdin: its state can be read from outside */
		puts("ready");
		fflush(stdout);
		char c;
		while (read(0, &c, 1) > 0)
			;
		return 0;
	}
	if (OP("fchmod-ro")) { /* opened read-only, then fchmod */
		int fd = open(arg, O_RDONLY | O_CLOEXEC);
		return fd < 0 ? report(-1) : report(fchmod(fd, (mode_t)strtoul(argv[3], NULL, 8)));
	}
	if (OP("fchmod-unlinked")) { /* opened read-only, removed, then fchmod: the fd names no directory */
		int fd = open(arg, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || unlink(arg) < 0)
			return report(-1);
		return report(fchmod(fd, (mode_t)strtoul(argv[3], NULL, 8)));
	}
	if (OP("fsetxattr-ro")) {
		int fd = open(arg, O_RDONLY | O_CLOEXEC);
		return fd < 0 ? report(-1) : report(fsetxattr(fd, "user.landrun", "x", 1, 0));
	}
	if (OP("fchmod-fdcwd")) /* fchmod(AT_FDCWD): EBADF from the kernel, not the cwd; arg is the mode */
		return report(fchmod(AT_FDCWD, (mode_t)strtoul(arg, NULL, 8)));
	if (OP("setflags-ro")) { /* chattr +d on a file opened read-only: FS_IOC_SETFLAGS */
		int fd = open(arg, O_RDONLY | O_CLOEXEC), flags = 0;
		if (fd < 0 || ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
			return report(-1);
		flags |= FS_NODUMP_FL;
		return report(ioctl(fd, FS_IOC_SETFLAGS, &flags));
	}
	if (OP("ext4-setversion-ro")) { /* the inode's generation + 1 on a file opened read-only */
		int fd = open(arg, O_RDONLY | O_CLOEXEC);
		long gen = 0;
		if (fd < 0 || ioctl(fd, FS_IOC_GETVERSION, &gen) < 0)
			return report(-1);
		gen++;
		return report(ioctl(fd, _IOW('f', 4, long) /* EXT4_IOC_SETVERSION */, &gen));
	}
	if (OP("fssetxattr-ro")) { /* the same flag through FS_IOC_FSSETXATTR */
		int fd = open(arg, O_RDONLY | O_CLOEXEC);
		struct fsxattr fx;
		if (fd < 0 || ioctl(fd, FS_IOC_FSGETXATTR, &fx) < 0)
			return report(-1);
		fx.fsx_xflags |= FS_XFLAG_NODUMP;
		return report(ioctl(fd, FS_IOC_FSSETXATTR, &fx));
	}
	if (OP("file-setattr")) { /* the same flag by path: file_setattr(2), 6.17 */
		struct { uint64_t xflags, extsize, nextents, projid, cowextsize; } fa = { 0 };
		if (syscall(468 /* file_getattr */, AT_FDCWD, arg, &fa, sizeof(fa), 0) < 0)
			return report(-1);
		fa.xflags |= FS_XFLAG_NODUMP;
		return report(syscall(469 /* file_setattr */, AT_FDCWD, arg, &fa, sizeof(fa), 0));
	}
	if (OP("chmod-opath")) { /* chmod /proc/self/fd/N of an O_PATH fd (glibc's lchmod, fchmodat fallbacks) */
		int fd = open(arg, O_PATH | O_CLOEXEC);
		char self[64];
		snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
		return fd < 0 ? report(-1) : report(chmod(self, (mode_t)strtoul(argv[3], NULL, 8)));
	}
	if (OP("lchown")) /* to the caller's own ids: only the permission to change them is asked */
		return report(lchown(arg, getuid(), getgid()));
	if (OP("utime-set")) { /* an explicit time (2001), not now */
		struct timespec ts[2] = { { 978307200, 0 }, { 978307200, 0 } };
		return report(utimensat(AT_FDCWD, arg, ts, 0));
	}
	if (OP("chmod-race"))
		return argc > 4 ? chmod_race(arg, argv[3], atoi(argv[4])) : 2;
	if (OP("fork-chmod"))
		return fork_chmod(atoi(arg));
	if (OP("chmod-pair")) { /* chmod arg (must work), then argv[3] (must fail with EPERM): exit 0 iff both */
		if (chmod(arg, 0640) != 0) {
			report(-1);
			return 3;
		}
		int rc = chmod(argv[3], 0644);
		report(rc);
		return rc < 0 && errno == EPERM ? 0 : 4;
	}
	if (OP("chmod-wait")) { /* chmod arg, says "ready", waits for EOF on stdin, chmods argv[3] */
		if (chmod(arg, 0644) != 0)
			return report(-1);
		puts("ready");
		fflush(stdout);
		char c;
		while (read(0, &c, 1) > 0)
			;
		return report(chmod(argv[3], 0644));
	}
	if (OP("race-links") || OP("calm-links"))
		return argc > 4 ? race_links(arg, argv[3], atoi(argv[4]), OP("race-links")) : 2;
	if (OP("exit"))
		return atoi(arg);
	if (OP("signal")) {
		signal(atoi(arg), SIG_DFL);
		raise(atoi(arg));
		return 3;
	}
	fprintf(stderr, "probe: unknown op %s\n", op);
	return 2;
}

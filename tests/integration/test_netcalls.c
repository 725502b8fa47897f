/* The socket calls the helper makes for the command (src/netcalls.c), where Landlock cannot judge
 * them: unix = PATH below ABI 9, connect_udp below ABI 10, udp = dns at every ABI. Each attack is
 * refused (the datagram never arrives, the socket never connects) beside its granted twin, as
 * root and as nobody. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "landrun.h"

static char *T;
static void setup(void) { T = lrt_mkdtemp("/var/tmp"); }
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(netcalls, .init = setup, .fini = teardown);

/* A UDP socket on addr:port (port 0: any free one); its fd, *port set. */
static int udp_listener_at(in_addr_t addr, int *port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)*port), .sin_addr.s_addr = addr };
	socklen_t len = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	getsockname(fd, (struct sockaddr *)&a, &len);
	*port = ntohs(a.sin_port);
	return fd;
}

static int udp_listener(int *port)
{
	*port = 0;
	int fd = udp_listener_at(htonl(INADDR_LOOPBACK), port);
	cr_assert(fd >= 0, "a loopback UDP socket: %s", strerror(errno));
	return fd;
}

/* How many datagrams wait on fd (all taken). */
static int received(int fd)
{
	char buf[64];
	int n = 0;
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		n++;
	return n;
}

static struct lrt_result *probe(const char *extra, const char *const args[])
{
	char *pol = lrt_policy(T, "nc", extra);
	struct lrt_result *r = lrt_run_probe(T, NULL, pol, args);
	free(pol);
	return r;
}

static char *num(int n)
{
	return lrt_fmt("%d", n);
}

/* Before a test runs landrun by itself (a fork, an exec): lrt_run skips the test when the ABI is
 * capped below what strict mode needs for this policy, as it must be, rather than letting a
 * child meet the refusal. */
static void skip_if_capped_below(const char *extra)
{
	char *pol = lrt_policy(T, "precheck", extra);
	lrt_free(lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "pid")));
	free(pol);
}

/* connect_udp = PORT: sendto, connect + send, sendmsg and sendmmsg reach that port only. */
Test(netcalls, connect_udp_only_the_listed_ports)
{
	int pa, pb, a = udp_listener(&pa), b = udp_listener(&pb);
	char *grant = lrt_fmt("[network]\nconnect_udp = %d\n", pa);
	static const char *const ops[] = { "udp-send", "udp-connect", "udp-sendmsg", "udp-sendmmsg" };
	for (size_t i = 0; i < LRT_LEN(ops); i++) {
		struct lrt_result *ok = probe(grant, LRT_ARGS(ops[i], num(pa)));
		cr_expect_eq(ok->status, 0, "%s: %s%s", ops[i], ok->out, ok->err);
		cr_expect_eq(received(a), i == 3 ? 2 : 1, "%s: the granted datagram", ops[i]);
		struct lrt_result *no = probe(grant, LRT_ARGS(ops[i], num(pb)));
		cr_expect(no->status == 1 && lrt_contains(no->out, "denied EACCES"), "%s: %s%s", ops[i], no->out, no->err);
		cr_expect_eq(received(b), 0, "%s: a datagram reached the port not granted", ops[i]);
		lrt_free(ok);
		lrt_free(no);
	}
	close(a);
	close(b);
}

/* A thread rewrites the destination port while the command sends: the helper reads it once, and
 * sends where it judged. The twin (both ports granted) shows the rewrite is seen. */
Test(netcalls, rewritten_port_never_reaches_the_other)
{
	int pa, pb, a = udp_listener(&pa), b = udp_listener(&pb);
	struct lrt_result *r = probe(lrt_fmt("[network]\nconnect_udp = %d\n", pa), LRT_ARGS("udp-race", num(pa), num(pb), "2000"));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	cr_expect_gt(received(a), 0);
	cr_expect_eq(received(b), 0, "a datagram reached the port not granted");
	int got = 0;
	for (int round = 0; round < 20 && !got; round++) {
		lrt_free(r);
		r = probe(lrt_fmt("[network]\nconnect_udp = %d %d\n", pa, pb), LRT_ARGS("udp-race", num(pa), num(pb), "2000"));
		got = received(b);
	}
	cr_expect_gt(got, 0, "the twin never sent to the rewritten port: %s%s", r->out, r->err);
	lrt_free(r);
	close(a);
	close(b);
}

/* A thread swaps a unix datagram socket and a UDP socket on the fd the command sends on: the
 * helper judges and sends on the one socket it took. */
Test(netcalls, swapped_socket_never_reaches_the_port)
{
	int pa, pb, a = udp_listener(&pa), b = udp_listener(&pb);
	struct lrt_result *r = probe(lrt_fmt("[network]\nunix = any\nconnect_udp = %d\n", pa), LRT_ARGS("fd-race", num(pb), "2000"));
	cr_expect_eq(received(b), 0, "a datagram reached the port not granted: %s%s", r->out, r->err);
	lrt_free(r);
	r = probe(lrt_fmt("[network]\nunix = any\nconnect_udp = %d\n", pb), LRT_ARGS("fd-race", num(pb), "2000"));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	cr_expect_gt(received(b), 0, "the twin sent nothing");
	lrt_free(r);
	close(a);
	close(b);
}

/* Whatever the helper connects for the command obeys the TCP ports, as Landlock would have: the
 * helper is outside the command's domain. A blocking connect (in progress) is finished by a worker. */
Test(netcalls, tcp_ports_still_judged_when_the_helper_connects)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 8) == 0);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	int port = ntohs(sa.sin_port), pu, u = udp_listener(&pu);
	char *helper_on = lrt_fmt("[network]\nconnect_udp = %d\n", pu);
	struct lrt_result *no = probe(helper_on, LRT_ARGS("connect", num(port)));
	cr_expect(no->status == 1 && lrt_contains(no->out, "denied EACCES"), "%s%s", no->out, no->err);
	struct lrt_result *ok = probe(lrt_fmt("%sconnect_tcp = %d\n", helper_on, port), LRT_ARGS("connect", num(port)));
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	lrt_free(no);
	lrt_free(ok);
	close(fd);
	close(u);
}

/* A TCP listener on every address, port chosen; its fd. */
static int tcp_listener_any(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
	socklen_t len = sizeof(sa);
	cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 16) == 0);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* How many connections wait on a listener (all accepted and closed). */
static int accepted(int fd)
{
	int n = 0, c;
	while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		close(c);
		n++;
	}
	return n;
}

/* connect_tcp = ADDR[/PREFIX]:PORTS: Landlock allows the port, the helper the address. */
Test(netcalls, connect_tcp_by_address)
{
	int port, l = tcp_listener_any(&port);
	fcntl(l, F_SETFL, O_NONBLOCK);
	char *one = lrt_fmt("[network]\nconnect_tcp = 127.0.0.1:%d\n", port);
	struct lrt_result *ok = probe(one, LRT_ARGS("tcp-connect", num(port), "127.0.0.1"));
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	cr_expect_eq(accepted(l), 1);
	struct lrt_result *no = probe(one, LRT_ARGS("tcp-connect", num(port), "127.0.0.2"));
	cr_expect(no->status == 1 && lrt_contains(no->out, "denied EACCES"), "%s%s", no->out, no->err);
	cr_expect_eq(accepted(l), 0, "a connection reached an address not granted");
	lrt_free(ok);
	lrt_free(no);
	/* the twin: a prefix covering both; another port still refused */
	char *net = lrt_fmt("[network]\nconnect_tcp = 127.0.0.0/8:%d\n", port);
	ok = probe(net, LRT_ARGS("tcp-connect", num(port), "127.0.0.2"));
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	cr_expect_eq(accepted(l), 1);
	no = probe(net, LRT_ARGS("tcp-connect", num(port == 65535 ? 1 : port + 1), "127.0.0.1"));
	cr_expect(no->status == 1 && lrt_contains(no->out, "denied EACCES"), "%s%s", no->out, no->err);
	/* a plain port rule beside an address rule allows that port anywhere */
	lrt_free(ok);
	ok = probe(lrt_fmt("%s[network]\nconnect_tcp = 127.0.0.1:1 %d\n", "", port), LRT_ARGS("tcp-connect", num(port), "127.0.0.3"));
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	cr_expect_eq(accepted(l), 1);
	lrt_free(ok);
	lrt_free(no);
	close(l);
}

/* The helper's processes among our descendants (a subreaper): the helper (child of ours) and its
 * workers (children of the helper, or of ours once it has gone); zombies not counted. */
static int helper_processes(void)
{
	return lrt_helpers_of(getpid(), lrt_find_helper(), NULL);
}

/* Waits up to 20 s (checking every 10 ms) for helper_processes() to satisfy want; the count. */
static int wait_for_helpers(bool (*want)(int))
{
	int n = helper_processes();
	for (int i = 0; i < 2000 && !want(n); i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		n = helper_processes();
	}
	return n;
}

static bool a_worker(int n) { return n >= 2; }
static bool none_left(int n) { return n == 0; }

/* A blocking connect that waits (the listener's queue full: the SYN is dropped) goes on in a
 * worker; the command killed, the worker and the helper end too, no process left behind. The
 * twin: the queue drained, the same wait ends in a connection. */
Test(netcalls, a_waiting_worker_ends_with_the_command)
{
	cr_assert(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	cr_assert(l >= 0 && bind(l, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(l, 0) == 0);
	getsockname(l, (struct sockaddr *)&sa, &len);
	fcntl(l, F_SETFL, O_NONBLOCK);
	int filler[4], nfill = 0;
	for (; nfill < 4; nfill++) { /* until a connection waits: the queue is full */
		filler[nfill] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (connect(filler[nfill], (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno == EINPROGRESS) {
			struct pollfd p = { .fd = filler[nfill], .events = POLLOUT };
			if (poll(&p, 1, 200) == 0) {
				nfill++;
				break;
			}
		}
	}
	char *extra = lrt_fmt("[network]\nconnect_tcp = 127.0.0.1:%d\n", ntohs(sa.sin_port));
	skip_if_capped_below(extra);
	char *pol = lrt_policy(T, "wait", extra);
	for (int twin = 0; twin < 2; twin++) {
		const char *argv[] = { lrt_landrun(), "-p", pol, "--", lrt_probe(), "tcp-connect", num(ntohs(sa.sin_port)), "127.0.0.1", NULL };
		pid_t pid = lrt_start_quiet(argv, -1, NULL);
		cr_assert_geq(wait_for_helpers(a_worker), 2, "no worker took the waiting connect");
		int st = 0;
		if (!twin) {
			cr_assert(kill(pid, SIGKILL) == 0);
			cr_assert_eq(waitpid(pid, &st, 0), pid);
		} else {
			for (int i = 0; i < 3000; i++) { /* 30 s: the SYN is sent again after 1 s, 3 s... */
				int c = accept4(l, NULL, NULL, SOCK_NONBLOCK);
				if (c >= 0)
					close(c);
				if (waitpid(pid, &st, WNOHANG) == pid)
					break;
				struct timespec ts = { 0, 10 * 1000 * 1000 };
				nanosleep(&ts, NULL);
			}
			cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the waiting connect did not complete: %d", st);
		}
		cr_expect_eq(wait_for_helpers(none_left), 0, "a helper or worker was left behind");
		while (waitpid(-1, NULL, WNOHANG) > 0)
			; /* the helper and workers, reparented to us */
	}
	for (int i = 0; i < nfill; i++)
		close(filler[i]);
	close(l);
}

/* unix = PATH: the listed socket by an absolute or a relative path, a socket beneath a listed
 * directory; not another, not through a link planted in a write grant; fds passed along. */
Test(netcalls, unix_paths_only_the_listed)
{
	char *dir = lrt_fmt("%s/sockets", T), *w = lrt_fmt("%s/w", T);
	mkdir(dir, 0755);
	mkdir(w, 0777);
	char *path = lrt_fmt("%s/granted", T), *other = lrt_fmt("%s/other", T), *dg = lrt_fmt("%s/dg", T),
	     *odg = lrt_fmt("%s/odg", T), *in_dir = lrt_fmt("%s/s", dir);
	int fds[] = { lrt_unix_listener(path, false), lrt_unix_listener(other, false), lrt_unix_listener(dg, true),
		      lrt_unix_listener(odg, true), lrt_unix_listener(in_dir, false) };
	char *planted = lrt_fmt("%s/link", w), *outside = lrt_fmt("%s/link", T);
	cr_assert(symlink(other, planted) == 0 && symlink(path, outside) == 0);
	char *grant = lrt_fmt("[filesystem]\nrw = %s\n[network]\nunix = %s %s %s\n", w, path, dg, dir);
	const char *allowed[] = { path, "granted", in_dir, outside };
	for (size_t i = 0; i < LRT_LEN(allowed); i++) {
		struct lrt_result *ok = probe(grant, LRT_ARGS("unix-connect", allowed[i]));
		cr_expect_eq(ok->status, 0, "%s: %s%s", allowed[i], ok->out, ok->err);
		lrt_free(ok);
	}
	const char *refused[] = { other, "other", planted };
	for (size_t i = 0; i < LRT_LEN(refused); i++) {
		struct lrt_result *no = probe(grant, LRT_ARGS("unix-connect", refused[i]));
		cr_expect(no->status == 1 && (lrt_contains(no->out, "denied EACCES") || lrt_contains(no->out, "denied EPERM")),
			  "%s: %s%s", refused[i], no->out, no->err);
		lrt_free(no);
	}
	/* datagrams: the listed socket receives, another does not; an fd passed arrives */
	struct lrt_result *ok = probe(grant, LRT_ARGS("unix-send", dg));
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	cr_expect_eq(received(fds[2]), 1);
	struct lrt_result *no = probe(grant, LRT_ARGS("unix-send", odg));
	cr_expect(no->status == 1 && lrt_contains(no->out, "denied EACCES"), "%s%s", no->out, no->err);
	cr_expect_eq(received(fds[3]), 0, "a datagram reached the socket not listed");
	lrt_free(ok);
	ok = probe(grant, LRT_ARGS("unix-sendfd", dg));
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	char byte;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	cr_expect_eq(recvmsg(fds[2], &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC), 1);
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	cr_expect(c && c->cmsg_type == SCM_RIGHTS, "no fd came with the datagram");
	if (c && c->cmsg_type == SCM_RIGHTS) {
		int got;
		memcpy(&got, CMSG_DATA(c), sizeof(got));
		close(got);
	}
	lrt_free(ok);
	lrt_free(no);
	for (size_t i = 0; i < LRT_LEN(fds); i++)
		close(fds[i]);
}

/* Control data whose length runs past its buffer is refused (EINVAL, as the kernel does), and the
 * helper goes on serving: the next datagram of the same command arrives. */
Test(netcalls, a_control_message_past_its_buffer_is_refused)
{
	char *dg = lrt_fmt("%s/dg", T);
	int d = lrt_unix_listener(dg, true);
	struct lrt_result *r = probe(lrt_fmt("[network]\nunix = %s\n", dg), LRT_ARGS("badcmsg-then-send", dg));
	cr_expect(r->status == 0 && lrt_contains(r->out, "first EINVAL\nok"), "%s%s", r->out, r->err);
	cr_expect_eq(received(d), 1, "the second datagram did not arrive");
	lrt_free(r);
	close(d);
}

/* Every SCM_RIGHTS header the kernel reads is one the helper translated: an unpadded last one
 * too. Both fds received are the command's socket, never a file of the helper's. */
Test(netcalls, every_passed_fd_is_the_commands)
{
	char *dg = lrt_fmt("%s/dg", T);
	int d = lrt_unix_listener(dg, true);
	struct lrt_result *r = probe(lrt_fmt("[network]\nunix = %s\n", dg), LRT_ARGS("trailing-rights", dg));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	char byte;
	union {
		char buf[CMSG_SPACE(2 * sizeof(int)) + 64];
		struct cmsghdr align;
	} u;
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	cr_assert_eq(recvmsg(d, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC), 1);
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	cr_assert(c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(2 * sizeof(int)), "want two fds in one header");
	int fds[2];
	struct stat st[2];
	memcpy(fds, CMSG_DATA(c), sizeof(fds));
	cr_assert(fstat(fds[0], &st[0]) == 0 && fstat(fds[1], &st[1]) == 0);
	cr_expect(S_ISSOCK(st[0].st_mode) && st[0].st_ino == st[1].st_ino, "a file not the command's was passed");
	close(fds[0]);
	close(fds[1]);
	lrt_free(r);
	close(d);
}

/* An address longer than any (EINVAL, as the kernel says) leaves the helper serving: the next
 * datagram arrives. */
Test(netcalls, an_address_too_long_is_refused)
{
	int pa, a = udp_listener(&pa);
	struct lrt_result *r = probe(lrt_fmt("[network]\nconnect_udp = %d\n", pa), LRT_ARGS("badlen-then-send", num(pa)));
	cr_expect(r->status == 0 && lrt_contains(r->out, "first EINVAL\nok"), "%s%s", r->out, r->err);
	cr_expect_eq(received(a), 1);
	lrt_free(r);
	close(a);
}

/* The limits of the helper's sends (landrun.ini(5)), each beside what unix = any (no helper)
 * does: the peer sees the helper's pid with the command's user; credentials the command attaches
 * are refused; a datagram over 64 KiB is refused. */
Test(netcalls, residual_what_the_peer_sees_and_the_limits)
{
	char *st = lrt_fmt("%s/st", T), *dg = lrt_fmt("%s/dg", T);
	int s = lrt_unix_listener(st, false), d = lrt_unix_listener(dg, true);
	int big = 1 << 20;
	cr_assert(setsockopt(d, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big)) == 0);
	const char *modes[] = { lrt_fmt("[network]\nunix = %s %s\n", st, dg), "[network]\nunix = any\n" };
	for (int helper = 1; helper >= 0; helper--) {
		const char *pol = modes[helper ? 0 : 1];
		skip_if_capped_below(pol);
		char *polfile = lrt_policy(T, "peer", pol);
		const char *args[] = { lrt_landrun(), "-p", polfile, "--", lrt_probe(), "unix-peer", st, NULL };
		pid_t pid = lrt_start_quiet(args, -1, NULL);
		int c = accept(s, NULL, NULL), sent = 0;
		struct ucred cred;
		socklen_t len = sizeof(cred);
		cr_assert(c >= 0 && getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0);
		cr_assert_eq(read(c, &sent, sizeof(sent)), (ssize_t)sizeof(sent));
		cr_expect_eq(cred.uid, getuid());
		if (helper)
			cr_expect_neq(cred.pid, sent, "residual gone: the peer sees the command's own pid; update landrun.ini(5)");
		else
			cr_expect_eq(cred.pid, sent, "without the helper the peer sees the command");
		cr_assert_eq(write(c, "k", 1), 1);
		close(c);
		int status;
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		struct lrt_result *r = probe(pol, LRT_ARGS("unix-creds", dg));
		cr_expect(helper ? r->status == 1 && lrt_contains(r->out, "denied EPERM") : r->status == 0, "creds: %s%s", r->out, r->err);
		lrt_free(r);
		r = probe(pol, LRT_ARGS("unix-big", dg));
		cr_expect(helper ? r->status == 1 && lrt_contains(r->out, "denied EMSGSIZE") : r->status == 0, "big: %s%s", r->out, r->err);
		lrt_free(r);
		received(d);
	}
	close(s);
	close(d);
}

/* A unix datagram socket handed in (fd 0) is judged like the command's own under unix = PATH
 * (under unix = none it is a residual, test_residuals.c). */
Test(netcalls, a_handed_in_datagram_socket_is_judged_too)
{
	char *granted = lrt_fmt("%s/granted", T), *other = lrt_fmt("%s/other", T);
	int g = lrt_unix_listener(granted, true), o = lrt_unix_listener(other, true);
	skip_if_capped_below(lrt_fmt("[network]\nunix = %s\n", granted));
	char *pol = lrt_policy(T, "fd0", lrt_fmt("[network]\nunix = %s\n", granted));
	const char *targets[] = { other, granted };
	for (int i = 0; i < 2; i++) {
		int handed = socket(AF_UNIX, SOCK_DGRAM, 0);
		cr_assert(handed >= 0);
		const char *argv[] = { lrt_landrun(), "-p", pol, "--", lrt_probe(), "fd0-send", targets[i], NULL };
		pid_t pid = lrt_start_quiet(argv, handed, NULL);
		int st;
		cr_assert_eq(waitpid(pid, &st, 0), pid);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == (i == 0), "%s: status %d", targets[i], st);
		close(handed);
	}
	cr_expect_eq(received(o), 0, "a datagram reached the socket not listed");
	cr_expect_eq(received(g), 1, "the listed socket got nothing");
	close(g);
	close(o);
}

/* abstract_unix = isolated: an abstract socket outside the sandbox stays out of reach when the
 * helper connects; shared reaches it. */
Test(netcalls, abstract_isolation_kept_when_the_helper_connects)
{
	if (lrt_abi_below(6))
		cr_skip_test("abstract unix isolation needs Landlock ABI 6 (Linux 6.12)");
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char *name = lrt_fmt("landrun-nc-%d", (int)getpid());
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	memcpy(a.sun_path + 1, name, strlen(name));
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&a, len) == 0 && listen(fd, 4) == 0);
	int pu, u = udp_listener(&pu);
	char *on = lrt_fmt("[network]\nunix = any\nconnect_udp = %d\n", pu);
	struct lrt_result *no = probe(on, LRT_ARGS("abstract-connect", name));
	cr_expect(no->status == 1 && lrt_contains(no->out, "denied EPERM"), "%s%s", no->out, no->err);
	struct lrt_result *ok = probe(lrt_fmt("%sabstract_unix = shared\n", on), LRT_ARGS("abstract-connect", name));
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	lrt_free(no);
	lrt_free(ok);
	close(fd);
	close(u);
}

/* ---- the library: the sandbox's one helper makes the calls of every child ------------------ */

struct spawned {
	landrun_sandbox *sb;
	const char *port;
	int status;
};

/* One child of landrun_spawn sending a datagram to port: its exit status. */
static void *spawn_send(void *arg)
{
	struct spawned *s = arg;
	char *argv[] = { "probe", "udp-send", (char *)s->port, NULL };
	landrun_file_actions *fa = landrun_file_actions_new();
	landrun_file_actions_addopen(fa, 1, "/dev/null", O_WRONLY, 0);
	landrun_error err = { 0 };
	pid_t pid = landrun_spawn(s->sb, lrt_probe(), argv, fa, &err);
	landrun_file_actions_free(fa);
	int st = 0;
	s->status = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return NULL;
}

/* Children spawned at once from several threads each hand their listener over on a channel of
 * their own (the sandbox's socket is shared): every one is served, the granted port reached, the
 * other not. */
Test(netcalls, library_children_served_by_one_helper)
{
	int pa, pb, a = udp_listener(&pa), b = udp_listener(&pb);
	landrun_error err = { 0 };
	landrun_policy *p = landrun_policy_new();
	char *pol = lrt_policy(T, "lib", lrt_fmt("[network]\nconnect_udp = %d\n", pa));
	cr_assert_eq(landrun_policy_load(p, pol, &err), 0, "%s", err.msg);
	char *const envp[] = { "PATH=/usr/bin", "LANG=C", NULL };
	landrun_options o = { .envp = envp };
	landrun_sandbox *sb = landrun_compile(p, &o, &err);
	cr_assert(sb, "%s", err.msg);
	enum { N = 24 };
	struct spawned s[N];
	pthread_t t[N];
	char *ports[2] = { num(pa), num(pb) };
	for (int i = 0; i < N; i++) {
		s[i] = (struct spawned){ sb, ports[i % 2], -2 };
		cr_assert_eq(pthread_create(&t[i], NULL, spawn_send, &s[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		cr_expect_eq(s[i].status, i % 2, "child %d (port %s): status %d", i, s[i].port, s[i].status);
	}
	cr_expect_eq(received(a), N / 2, "the granted datagrams");
	cr_expect_eq(received(b), 0, "a datagram reached the port not granted");
	landrun_sandbox_free(sb);
	landrun_policy_free(p);
	close(a);
	close(b);
}

/* ---- udp = dns, in a user, mount and network namespace of the test's own ------------------- */

static bool write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	if (fd >= 0)
		close(fd);
	return ok;
}

struct dns_run {
	const char *op, *port, *addr, *hop;
};

/* In a child: its own namespaces, lo up, a resolv.conf naming 127.0.0.1 and ::1 over
 * /etc/resolv.conf, listeners on ports 53 and 5353 of every address (IPv4, and IPv6 on 53). Each probe under extra writes two digits to
 * out: its status, and whether a datagram arrived. 99: the namespaces could not be made. */
static int dns_child(const char *extra, const struct dns_run *runs, size_t nruns, char *out, size_t outsize)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET) < 0)
		return 99;
	char map[64];
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	bool ok = write_file("/proc/self/setgroups", "deny") && write_file("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	ok = ok && write_file("/proc/self/gid_map", map) && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { .ifr_name = "lo" };
	ok = ok && s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
	ifr.ifr_flags |= IFF_UP;
	ok = ok && ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
	/* a segment routing header received is processed (udp_dns_refuses_a_source_route's twin) */
	ok = ok && write_file("/proc/sys/net/ipv6/conf/all/seg6_enabled", "1") &&
	     write_file("/proc/sys/net/ipv6/conf/lo/seg6_enabled", "1");
	char *conf = lrt_fmt("%s/resolv.conf", T);
	lrt_write(conf, "# the test's\nnameserver 127.0.0.1\nnameserver ::1\n");
	ok = ok && mount(conf, "/etc/resolv.conf", NULL, MS_BIND, NULL) == 0;
	int p53 = 53, p5353 = 5353;
	int l53 = ok ? udp_listener_at(htonl(INADDR_ANY), &p53) : -1;
	int l5353 = ok ? udp_listener_at(htonl(INADDR_ANY), &p5353) : -1;
	int l6 = ok ? socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0) : -1, one = 1;
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(53), .sin6_addr = IN6ADDR_ANY_INIT };
	if (!ok || l53 < 0 || l5353 < 0 || l6 < 0 || setsockopt(l6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0 ||
	    bind(l6, (struct sockaddr *)&a6, sizeof(a6)) < 0)
		return 99;
	size_t at = 0;
	for (size_t i = 0; i < nruns && at + 3 < outsize; i++) {
		struct lrt_result *r = probe(extra, LRT_ARGS(runs[i].op, runs[i].port, runs[i].addr, runs[i].hop));
		int got = received(l53) + received(l5353) + received(l6);
		at += (size_t)snprintf(out + at, outsize - at, "%d%d", r->status > 9 ? 9 : r->status, got > 0);
		lrt_free(r);
	}
	return 0;
}

/* dns_child in a fork: its digits, or NULL when this machine cannot make the namespaces. */
static char *dns_runs(const char *extra, const struct dns_run *runs, size_t nruns)
{
	int pipefd[2];
	cr_assert(pipe(pipefd) == 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		char out[64] = "";
		int rc = dns_child(extra, runs, nruns, out, sizeof(out));
		if (write(pipefd[1], out, strlen(out)) < 0)
			rc = 98;
		_exit(rc);
	}
	close(pipefd[1]);
	char *buf = calloc(1, 64);
	ssize_t n = 0, got;
	while (n < 63 && (got = read(pipefd[0], buf + n, 63 - (size_t)n)) > 0)
		n += got;
	close(pipefd[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 99) {
		free(buf);
		return NULL;
	}
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the namespace child failed (%d)", status);
	return buf;
}

/* udp = dns: datagrams to the nameservers of /etc/resolv.conf, port 53, and nowhere else; udp =
 * yes, the twin, reaches them all. */
Test(netcalls, udp_dns_only_to_the_nameservers)
{
	static const struct dns_run runs[] = {
		{ "udp-send", "53", "127.0.0.1", NULL },     /* the nameserver */
		{ "udp-sendmmsg", "53", "127.0.0.1", NULL }, /* glibc's resolver: both queries at once */
		{ "udp-connect", "53", "127.0.0.1", NULL },
		{ "udp-send", "53", "::ffff:127.0.0.1", NULL }, /* the same, mapped on a dual-stack socket */
		{ "udp-send", "53", "127.0.0.2", NULL },     /* not a nameserver */
		{ "udp-send", "5353", "127.0.0.1", NULL },   /* not port 53 */
		{ "udp-connect", "5353", "127.0.0.1", NULL },
	};
	skip_if_capped_below("[network]\nudp = dns\n");
	skip_if_capped_below("[network]\nudp = yes\n");
	char *dns = dns_runs("[network]\nudp = dns\n", runs, LRT_LEN(runs));
	if (!dns)
		cr_skip_test("no unprivileged user, mount and network namespaces here");
	cr_expect_str_eq(dns, "01010101" "101010", "status and arrival, two digits a run");
	char *yes = dns_runs("[network]\nudp = yes\n", runs, LRT_LEN(runs));
	cr_expect_str_eq(yes, "01010101" "010101");
	free(dns);
	free(yes);
}

/* udp = dns: a datagram to the nameserver ::1 through an IPv6 segment routing header leaves for
 * the header's next segment (any host, no capability needed), the nameserver written in the
 * header only: the routing header is refused. The twin (udp = yes) shows the header works: with
 * ::1 as its next segment the datagram arrives, the other way it would leave for ::2. */
Test(netcalls, udp_dns_refuses_a_source_route)
{
	static const struct dns_run runs[] = {
		{ "udp-rthdr", "53", "::1", "::2" }, /* judged ::1, sent to ::2 */
		{ "udp-rthdr", "53", "::1", "::1" },
		{ "udp-send", "53", "::1", NULL },  /* the nameserver without a route */
	};
	skip_if_capped_below("[network]\nudp = dns\n");
	skip_if_capped_below("[network]\nudp = yes\n");
	char *dns = dns_runs("[network]\nudp = dns\n", runs, LRT_LEN(runs));
	if (!dns)
		cr_skip_test("no unprivileged user, mount and network namespaces here");
	cr_expect_str_eq(dns, "10" "10" "01", "status and arrival, two digits a run");
	char *yes = dns_runs("[network]\nudp = yes\n", runs, LRT_LEN(runs));
	cr_expect_str_eq(yes, "10" "01" "01");
	free(dns);
	free(yes);
}

/* --explain says which calls the helper makes, and why. */
Test(netcalls, explain_names_the_helper)
{
	char *pol = lrt_policy(T, "ex", "[network]\nudp = dns\n");
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--explain", "-p", pol));
	cr_expect(lrt_contains(r->out, "udp = dns") && lrt_contains(r->out, "sendmsg"), "%s%s", r->out, r->err);
	lrt_free(r);
}

/* A blocking sendmsg on a stream, finished by a worker, while a timer interrupts the sender every
 * 3 ms: each byte arrives once, in order (a signal once dropped the call after part of it was
 * sent, and the restarted call sent those bytes again). The twin: no helper (udp = none). */
Test(netcalls, a_signalled_stream_send_arrives_once)
{
	struct lrt_result *r = probe("[network]\nudp = dns\n", LRT_ARGS("signalled-stream", "4000000"));
	cr_expect(r->status == 0 && lrt_contains(r->out, "ok"), "under the helper: %s%s", r->out, r->err);
	lrt_free(r);
	r = probe("", LRT_ARGS("signalled-stream", "4000000"));
	cr_expect(r->status == 0 && lrt_contains(r->out, "ok"), "without the helper: %s%s", r->out, r->err);
	lrt_free(r);
}

/* A blocking connect that waits in a worker (the listener's queue full) is still interrupted by
 * a signal: EINTR, without SA_RESTART, soon after it. The twin: the same connect to a listener
 * that has room is made. */
Test(netcalls, a_waiting_connect_is_interrupted_by_a_signal)
{
	char *path = lrt_fmt("%s/full", T);
	int l = lrt_unix_listener(path, false);
	char *grant = lrt_fmt("[network]\nunix = %s\n", path);
	struct lrt_result *r = probe(grant, LRT_ARGS("connect-interrupted", path));
	cr_expect(r->status == 1 && lrt_contains(r->out, "denied EINTR"), "%s%s", r->out, r->err);
	long ms = -1;
	const char *at = strstr(r->out, "after ");
	if (at)
		ms = atol(at + 6);
	cr_expect(ms >= 900 && ms < 2500, "interrupted after %ld ms", ms);
	lrt_free(r);
	close(l);
	unlink(path);
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	cr_assert(l >= 0 && bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(l, 64) == 0);
	chmod(path, 0777);
	r = probe(grant, LRT_ARGS("unix-connect", path));
	cr_expect(r->status == 0 && lrt_contains(r->out, "ok"), "the twin: %s%s", r->out, r->err);
	lrt_free(r);
	close(l);
}

/* TCP connect/bind rules on loopback, abstract unix sockets and signal scoping. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common.h"

static char *T;
static void setup(void) { T = lrt_mkdtemp("/var/tmp"); }
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(network, .init = setup, .fini = teardown);

/* A listening TCP socket on 127.0.0.1; returns its port. */
static int listener(int *fd_out)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(fd, 8) == 0);
	getsockname(fd, (struct sockaddr *)&a, &len);
	*fd_out = fd;
	return ntohs(a.sin_port);
}

static struct lrt_result *probe(const char *extra, const char *op, const char *arg)
{
	char *pol = lrt_policy(T, "net", extra);
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), op, arg));
	free(pol);
	return r;
}

Test(network, connect_allowed_only_to_granted_port)
{
	int fd, port = listener(&fd);
	char *p = lrt_fmt("%d", port), *grant = lrt_fmt("[network]\nconnect_tcp = %d\n", port);
	struct lrt_result *no = probe("", "connect", p);
	cr_expect_eq(no->status, 1, "%s%s", no->out, no->err);
	cr_expect(lrt_contains(no->out, "EACCES"), "%s", no->out);
	struct lrt_result *ok = probe(grant, "connect", p);
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	struct lrt_result *any = probe("[network]\nconnect_tcp = any\n", "connect", p);
	cr_expect_eq(any->status, 0, "%s%s", any->out, any->err);
	close(fd);
}

Test(network, connect_port_range)
{
	int fd, port = listener(&fd);
	char *p = lrt_fmt("%d", port);
	struct lrt_result *ok = probe(lrt_fmt("[network]\nconnect_tcp = %d-%d\n", port - 1, port + 1), "connect", p);
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	struct lrt_result *no = probe(lrt_fmt("[network]\nconnect_tcp = %d-%d\n", port + 1, port + 2), "connect", p);
	cr_expect_eq(no->status, 1, "%s%s", no->out, no->err);
	close(fd);
}

Test(network, bind_allowed_only_to_granted_port)
{
	int fd, port = listener(&fd);
	close(fd); /* a port that was free a moment ago */
	char *p = lrt_fmt("%d", port);
	struct lrt_result *no = probe("", "bind", p);
	cr_expect_eq(no->status, 1, "%s%s", no->out, no->err);
	struct lrt_result *ok = probe(lrt_fmt("[network]\nbind_tcp = %d\n", port), "bind", p);
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
}

Test(network, go_landrun_flags)
{
	int fd, port = listener(&fd);
	char *p = lrt_fmt("%d", port), *helpers = lrt_helpers_dir();
	char *rox = lrt_fmt("/usr,/lib,/lib64,%s", helpers);
	struct lrt_result *ok = lrt_run(T, LRT_ARGS("--rox", rox, "--ro", "/etc", "--connect-tcp", p, lrt_probe(), "connect", p));
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	/* single-dash Go spelling */
	ok = lrt_run(T, LRT_ARGS("-rox", rox, "-connect-tcp", p, "--", lrt_probe(), "connect", p));
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	struct lrt_result *no = lrt_run(T, LRT_ARGS("--rox", rox, "--", lrt_probe(), "connect", p));
	cr_expect_eq(no->status, 1, "%s%s", no->out, no->err);
	ok = lrt_run(T, LRT_ARGS("--rox", rox, "--unrestricted-network", "--", lrt_probe(), "connect", p));
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	close(fd);
}

Test(network, abstract_unix_socket_scoping)
{
	if (lrt_abi_below(6))
		cr_skip_test("capped below Landlock ABI 6: scoping is not enforced by default (abi/scopes_need_6)");
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char name[64];
	snprintf(name, sizeof(name), "landrun-test-%d", getpid());
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	memcpy(a.sun_path + 1, name, strlen(name));
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	cr_assert(bind(fd, (struct sockaddr *)&a, len) == 0 && listen(fd, 4) == 0);
	/* unix = any: the socket is created, Landlock's scope refuses the connection */
	struct lrt_result *no = probe("[network]\nunix = any\n", "abstract-connect", name);
	cr_expect_eq(no->status, 1, "%s%s", no->out, no->err);
	cr_expect(lrt_contains(no->out, "EPERM"), "%s", no->out);
	struct lrt_result *ok = probe("[network]\nunix = any\nabstract_unix = shared\n", "abstract-connect", name);
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	close(fd);
}

Test(network, signal_scoping)
{
	if (lrt_abi_below(6))
		cr_skip_test("capped below Landlock ABI 6: scoping is not enforced by default (abi/scopes_need_6)");
	char *me = lrt_fmt("%d", getpid());
	struct lrt_result *no = probe("", "kill", me);
	cr_expect_eq(no->status, 1, "%s%s", no->out, no->err);
	cr_expect(lrt_contains(no->out, "EPERM"), "%s", no->out);
	struct lrt_result *ok = probe("[process]\nsignals = shared\n", "kill", me);
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
}

/* The session bus, docker.sock, agents: a pathname socket outside the sandbox is out of reach
 * under the default (unix = none), reachable with unix = any; socketpair stays. */
Test(network, pathname_unix_socket_needs_a_grant)
{
	char *path = lrt_fmt("%s/bus", T), *dpath = lrt_fmt("%s/dgram", T);
	int fd = lrt_unix_listener(path, false), dfd = lrt_unix_listener(dpath, true);
	struct lrt_result *no = probe("", "unix-connect", path);
	cr_expect_eq(no->status, 1, "%s%s", no->out, no->err);
	cr_expect(lrt_contains(no->out, "denied EAFNOSUPPORT"), "%s", no->out);
	no = probe("[network]\nunix = none\n", "unix-send", dpath);
	cr_expect(no->status == 1 && lrt_contains(no->out, "denied EAFNOSUPPORT"), "%s%s", no->out, no->err);
	struct lrt_result *ok = probe("[network]\nunix = any\n", "unix-connect", path);
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	ok = probe("[network]\nunix = any\n", "unix-send", dpath);
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	ok = probe("", "socketpair", "1");
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	char *pol = lrt_policy(T, "net", "");
	ok = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "socketpair", "1", "5")); /* SOCK_SEQPACKET */
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	free(pol);
	/* a datagram socket of a pair could still send to any pathname socket: refused under none */
	char got;
	while (recv(dfd, &got, 1, MSG_DONTWAIT) == 1)
		; /* what unix-send delivered above */
	no = probe("", "pair-send", dpath);
	cr_expect(no->status == 1 && lrt_contains(no->out, "denied EPROTONOSUPPORT"), "%s%s", no->out, no->err);
	cr_expect_eq(recv(dfd, &got, 1, MSG_DONTWAIT), -1, "the datagram arrived");
	ok = probe("[network]\nunix = any\n", "pair-send", dpath);
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	cr_expect_eq(recv(dfd, &got, 1, MSG_DONTWAIT), 1, "the granted datagram did not arrive");
	close(fd);
	close(dfd);
}

/* unix = PATH: only the listed sockets, by Landlock's resolve_unix (ABI 9, Linux 7.1) or, below
 * it, by the helper (netcalls.h), in strict and best-effort mode alike. */
Test(network, unix_socket_paths_only_the_listed)
{
	char *path = lrt_fmt("%s/granted", T), *other = lrt_fmt("%s/other", T);
	int fd = lrt_unix_listener(path, false), ofd = lrt_unix_listener(other, false);
	char *grant = lrt_fmt("[network]\nunix = %s\n", path);
	struct lrt_result *ok = probe(grant, "unix-connect", path);
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	struct lrt_result *no = probe(grant, "unix-connect", other);
	cr_expect(no->status == 1 && lrt_contains(no->out, "denied EACCES"), "%s%s", no->out, no->err);
	char *pol = lrt_policy(T, "bepaths", lrt_fmt("[policy]\ncompat = best-effort\n%s", grant));
	no = lrt_run(T, LRT_ARGS("-p", pol, "--", lrt_probe(), "unix-connect", other));
	cr_expect(no->status == 1 && lrt_contains(no->out, "denied EACCES"), "%s%s", no->out, no->err);
	cr_expect(!lrt_contains(no->err, "not enforced"), "%s", no->err);
	close(fd);
	close(ofd);
}

/* NETLINK_SOCK_DIAG lists every socket on the host: only NETLINK_ROUTE by default. */
Test(network, netlink_route_only_by_default)
{
	struct lrt_result *no = probe("", "sock-diag", "");
	cr_expect(no->status == 1 && lrt_contains(no->out, "denied EPROTONOSUPPORT"), "%s%s", no->out, no->err);
	no = probe("", "netlink", "9"); /* NETLINK_AUDIT */
	cr_expect(no->status == 1 && lrt_contains(no->out, "denied EPROTONOSUPPORT"), "%s%s", no->out, no->err);
	no = probe("", "netlink", "4294967296"); /* high bits over NETLINK_ROUTE */
	cr_expect(no->status == 1 && lrt_contains(no->out, "denied EPROTONOSUPPORT"), "%s%s", no->out, no->err);
	struct lrt_result *ok = probe("", "netlink", "0");
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	ok = probe("", "getaddrinfo", "localhost");
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	/* twins: granted by name, or any */
	ok = probe("[network]\nnetlink = route sock_diag\n", "sock-diag", "");
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	ok = probe("[network]\nnetlink = any\n", "sock-diag", "");
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	no = probe("[network]\nnetlink = route sock_diag\n", "netlink", "9");
	cr_expect_eq(no->status, 1, "%s%s", no->out, no->err);
}

/* listen() on an unbound TCP socket auto-binds a port Landlock never checks: refused when no bind
 * port and no unix socket is granted. */
Test(network, listen_without_bind_needs_a_bind_grant)
{
	struct lrt_result *no = probe("", "listen", "");
	cr_expect(no->status == 1 && lrt_contains(no->out, "denied EPERM"), "%s%s", no->out, no->err);
	int fd, port = listener(&fd);
	close(fd); /* a port that was free a moment ago */
	char *p = lrt_fmt("%d", port);
	struct lrt_result *ok = probe(lrt_fmt("[network]\nbind_tcp = %d\n", port), "listen-bound", p);
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	ok = probe("[network]\nbind_tcp = any\n", "listen", "");
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
	/* the documented residual: with a bind port granted an unbound listen still auto-binds */
	ok = probe(lrt_fmt("[network]\nbind_tcp = %d\n", port), "listen", "");
	cr_expect_eq(ok->status, 0, "%s%s", ok->out, ok->err);
}

/* The socket calls the helper makes for the command, where Landlock cannot judge them: unix
 * sockets by path below Landlock ABI 9 ([network] unix = PATH), UDP by port below ABI 10
 * (connect_udp) and UDP by address at any ABI (udp = dns: the nameservers of /etc/resolv.conf,
 * port 53).
 *
 * A seccomp filter sees registers only: not a socket's type, nor an address in memory. So every
 * connect, sendmsg, sendmmsg and sendto with an address is notified, whatever the socket, and the
 * helper makes the call itself, on the socket it took from the command (pidfd_getfd: the object
 * checked is the object used), with the address and data it read once. It never lets the kernel
 * go on with the command's own call: another thread could dup2 a UDP socket onto the number, or
 * rewrite the address, between the decision and the kernel's second reading.
 *
 * Since the helper is outside the command's Landlock domain, it checks for every socket what
 * Landlock would have checked for the command: TCP ports, unix paths, abstract unix isolation. */
#ifndef LANDRUN_NETCALLS_H
#define LANDRUN_NETCALLS_H

#include <linux/seccomp.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <sys/stat.h>

#include "policy.h"
#include "resolve.h"

struct lr_sandbox;
struct lr_compile_opts;

/* The pidfd calls the helper takes the command's sockets and listener with (the same numbers on
 * every architecture of the unified table; older headers lack them). */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif


/* A unix = PATH grant: the socket itself, or a directory of sockets (any depth beneath). */
struct lr_unix_grant {
	dev_t dev;
	ino_t ino;
	bool dir;
};

/* A nameserver of udp = dns (port 53). */
struct lr_nameserver {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
};

/* MAXNS: glibc, musl and Go use the first three */
enum { LR_NAMESERVERS_MAX = 3 };

/* What the helper checks (compiled, read by the helper's copy). on: the socket calls are
 * notified. The others say what the command may do, as Landlock would judge it. */
struct lr_net_rules {
	bool on;
	enum lr_unix unix_sockets;    /* none: no pathname socket; paths: unix_grants only */
	bool abstract_isolated;       /* abstract addresses refused (the helper cannot tell whose they are) */
	bool tcp_connect;             /* TCP connect restricted to the connect ports */
	bool udp_connect;             /* UDP destinations restricted: connect ports, or DNS */
	bool udp_dns;                 /* udp = dns */
	const struct lr_port_rule *ports; /* the policy's TCP and UDP connect ports (arena) */
	unsigned ntcp, nudp;          /* ports[0..ntcp) TCP, then nudp UDP */
	struct lr_nameserver dns[LR_NAMESERVERS_MAX];
	unsigned ndns;
	struct lr_vec unix_grants;    /* struct lr_unix_grant, filled by the Landlock step */
};

void lr_net_rules_init(struct lr_net_rules *n);
void lr_net_rules_free(struct lr_net_rules *n);

/* Whether the helper must make the socket calls (n->on), and what it checks. */
int lr_netcalls_compile(struct lr_sandbox *sb, const struct lr_policy *p, const struct lr_compile_opts *o,
			struct lr_error *err);

/* Whether a helper can run for this compile (the CLI in place or supervised, the library). */
bool lr_helper_possible(const struct lr_compile_opts *o);

/* Whether policy p needs the helper's socket calls at ABI abi (given a helper is possible). */
bool lr_netcalls_needed(const struct lr_policy *p, int abi);

/* The nameservers of a resolv.conf text (glibc's rules: "nameserver ADDR" lines, at most
 * LR_NAMESERVERS_MAX kept; none listed: the loopback ones). Returns how many. */
unsigned lr_parse_nameservers(const char *text, struct lr_nameserver *out);

/* The numbers the program notifies (sendto separately: only with an address), native then x32. */
extern const unsigned lr_netcalls_nr[];
extern const unsigned lr_netcalls_count;

/* Helper side: whether req is one of these calls; its answer (false: the target is gone, or a
 * worker answers later). */
bool lr_netcalls_is(const struct seccomp_notif *req);
bool lr_netcalls_answer(const struct lr_net_rules *n, struct lr_resolver *rs, int listener,
			const struct seccomp_notif *req, struct seccomp_notif_resp *resp);

#endif

/* Policy -> one seccomp BPF program (libseccomp): the hardened baseline, [syscalls] rules and the
 * socket rules that [network] implies. Compiled once; loaded with a raw syscall at apply time. */
#include <errno.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <nettle/sha2.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "bpf_dispatch.h"
#include "seccomp_compile.h"
#include "seccomp_prebuilt.h"
#include "syscall_groups.h"
#include "trace.h"

enum { MAX_NR = 1024 };

/* What the compiler decided for one syscall number. */
enum verdict { V_NONE = 0, V_ALLOW, V_DENY };

struct sysplan {
	uint8_t explicit_verdict[MAX_NR]; /* from [syscalls] allow/deny */
	uint32_t deny_action[MAX_NR];     /* libseccomp action for explicit denies */
	const struct lr_origin *deny_at[MAX_NR]; /* where that deny was written */
	uint8_t unbaselined[MAX_NR];      /* removed from the baseline by name */
	uint8_t baseline_deny[MAX_NR];    /* unconditional baseline denial */
	uint8_t enosys[MAX_NR];           /* baseline: fail with ENOSYS so callers fall back */
	uint8_t touched[MAX_NR];          /* any of the above, or argument-checked */
};

#define TIOCSTI_CMD 0x5412u
#define TIOCLINUX_CMD 0x541Cu
#define TIOCSCTTY_CMD 0x540Eu
#define TIOCSPGRP_CMD 0x5410u
#define AF_COUNT 46 /* AF_MAX on Linux 6.x */

/* 32-bit arguments (ioctl cmd, socket domain/type/protocol, modes): the kernel ignores the upper
 * half, and libseccomp's 32-bit comparisons insist it be zero, so a caller setting high bits would
 * slip past a deny rule written with them (CVE-2019-7303). Deny rules therefore look at the low
 * half only, or deny when high bits are set. */
#define D_EQ(arg, v) SCMP_CMP64(arg, SCMP_CMP_MASKED_EQ, 0xffffffffu, v)
#define D_MASK(arg, m, v) SCMP_CMP64(arg, SCMP_CMP_MASKED_EQ, m, v)
#define D_GT(arg, v) SCMP_CMP64(arg, SCMP_CMP_GT, v)
#define D_GE(arg, v) SCMP_CMP64(arg, SCMP_CMP_GE, v)
#define D_NE(arg, v) SCMP_CMP64(arg, SCMP_CMP_NE, v)

/* What every sandboxed process needs: the exec that starts the command (the filter is loaded
 * before it), and ending or returning from a signal handler. Never denied: a rule that would is an
 * error, and an allow list (default = deny) always holds them. */
static const char *const essentials[] = { "execve", "exit", "exit_group", "rt_sigreturn", "restart_syscall" };

/* One program's unconditional rules, answered by the dispatch in front of libseccomp's program
 * (bpf_dispatch.c), and which syscalls libseccomp got argument-checked rules for. */
struct dispatch {
	uint32_t action[MAX_NR];
	uint8_t set[MAX_NR];
	uint8_t conditional[MAX_NR];
};

/* lr_seccomp_tail_compile: the deny-list program's tail and what it was compiled from. */
struct tail_out {
	uint32_t def;
	unsigned char rules_sha256[32];
	unsigned nrules;
	struct sock_filter *prog;
	unsigned len;
};

struct compiler {
	scmp_filter_ctx ctx;  /* libseccomp's, while it is needed */
	struct dispatch *dispatch;
	bool libseccomp_only; /* LR_SECCOMP_LIBSECCOMP_ONLY: no dispatch */
	struct lr_vec cond;   /* struct lr_cond_rule: this program's rules for libseccomp (the
			       * argument-checked ones; all of them with libseccomp_only) */
	uint32_t def_action;  /* this program's default, as compiled (traced) */
	struct tail_out *capture; /* build time: hand program 0's tail out instead of looking it up */
	const struct lr_policy *p;
	struct lr_sandbox *sb;
	struct lr_error *err;
	struct sysplan *plan;
	uint32_t deny;      /* the policy's action for denials */
	int cond_nr[24];    /* conditionals[i]'s syscall number, resolved once per compile */
	int nr_clone3;
	int essential_nr[LR_ARRAY_LEN(essentials)]; /* essentials[i]'s syscall number, resolved once per compile */
	uint32_t def;       /* the filter's default action */
	char origin[160];   /* trace_denials: the rule being emitted, for the origins table */
	struct lr_vec origins; /* trace_denials: struct lr_deny_origin, indexed by RET_TRACE data */
};

static uint32_t to_scmp(enum lr_action a, int errnum)
{
	switch (a) {
	case LR_ACT_KILL: return SCMP_ACT_KILL_PROCESS;
	case LR_ACT_LOG: return SCMP_ACT_LOG;
	case LR_ACT_ALLOW: return SCMP_ACT_ALLOW;
	default: return SCMP_ACT_ERRNO((uint32_t)errnum);
	}
}

/* errno denials keep a more useful errno where one exists; kill and log stay as configured. */
static uint32_t deny_with(const struct compiler *c, int errnum)
{
	return c->p->action.is == LR_ACT_ERRNO || !c->p->action.set ? SCMP_ACT_ERRNO((uint32_t)errnum) : c->deny;
}

typedef void (*nr_fn)(struct compiler *c, int nr, const void *arg);

/* Calls fn for every syscall of a name or @group (nested groups expand). */
static int for_each_nr(struct compiler *c, const char *name, nr_fn fn, const void *arg, int depth)
{
	if (depth > 8)
		return 0;
	if (name[0] != '@') {
		int nr = lr_syscall_resolve(name);
		if (nr >= 0 && nr < MAX_NR)
			fn(c, nr, arg);
		return 0;
	}
	const struct lr_syscall_group *g = lr_syscall_group_find(name);
	if (!g)
		return -1;
	for (const char *const *m = g->members; *m; m++)
		for_each_nr(c, *m, fn, arg, depth + 1);
	return 0;
}

static void mark_allow(struct compiler *c, int nr, const void *arg)
{
	(void)arg;
	c->plan->touched[nr] = 1;
	if (c->plan->explicit_verdict[nr] != V_DENY)
		c->plan->explicit_verdict[nr] = V_ALLOW;
}

struct deny_arg {
	uint32_t action;
	const struct lr_origin *at;
};

static void mark_deny(struct compiler *c, int nr, const void *arg)
{
	const struct deny_arg *d = arg;
	c->plan->touched[nr] = 1;
	c->plan->explicit_verdict[nr] = V_DENY;
	c->plan->deny_action[nr] = d->action;
	c->plan->deny_at[nr] = d->at;
}

static void mark_unbaselined(struct compiler *c, int nr, const void *arg)
{
	(void)arg;
	c->plan->unbaselined[nr] = 1;
}

static void mark_baseline_deny(struct compiler *c, int nr, const void *arg)
{
	(void)arg;
	c->plan->touched[nr] = 1;
	c->plan->baseline_deny[nr] = 1;
}

static void mark_enosys(struct compiler *c, int nr, const void *arg)
{
	(void)arg;
	c->plan->touched[nr] = 1;
	c->plan->enosys[nr] = 1;
}

/* A rule that lifts baseline items: baseline_except always; allow only when the default is
 * allow (with default = deny, allow builds the allow list and lifts nothing). */
static bool lifts_baseline(const struct compiler *c, const struct lr_sys_rule *r)
{
	return r->except || (r->allow && c->p->sys_default.is == LR_ACT_ALLOW);
}

static bool item_removed(const struct compiler *c, const struct lr_baseline_item *it)
{
	for (size_t i = 0; i < c->p->sys_rules.len; i++) {
		const struct lr_sys_rule *r = lr_vec_at(&c->p->sys_rules, i);
		if (lifts_baseline(c, r) && strcmp(r->name, it->name) == 0)
			return true;
	}
	return false;
}

/* --log-denials: an errno denial becomes SECCOMP_RET_TRACE whose data indexes the origins table,
 * so the tracer can name the rule and fail the call with the same errno. clone3's ENOSYS is the
 * fallback glibc expects on every thread start, not worth a line: it stays as it is. */
static uint32_t traced(struct compiler *c, uint32_t action, int nr)
{
	if (!c->sb->trace_denials || (action & 0xffff0000u) != SCMP_ACT_ERRNO(0) || nr == c->nr_clone3)
		return action;
	int errnum = (int)(action & 0xffffu);
	for (size_t i = 0; i < c->origins.len; i++) {
		const struct lr_deny_origin *o = lr_vec_at(&c->origins, i);
		if (o->errnum == errnum && strcmp(o->rule, c->origin) == 0)
			return SCMP_ACT_TRACE((uint32_t)i);
	}
	struct lr_deny_origin *o = c->origins.len < 0xffff ? lr_vec_push(&c->origins) : NULL;
	if (!o || !(o->rule = lr_arena_strdup(&c->sb->arena, c->origin)))
		return action; /* out of table: the denial still happens, unreported */
	o->errnum = errnum;
	return SCMP_ACT_TRACE((uint32_t)(c->origins.len - 1));
}

static void set_origin(struct compiler *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_origin(struct compiler *c, const char *fmt, ...)
{
	if (!c->sb->trace_denials)
		return; /* nothing to name without --log-denials: no work on the usual path */
	va_list ap;
	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is right above (the same
	 * false positive of clang 14's analyser as in lr_sandbox_note) */
	vsnprintf(c->origin, sizeof(c->origin), fmt, ap);
	va_end(ap);
}

/* A rule for libseccomp, recorded as emitted: replayed into it in the same order at the end, unless
 * a build-time tail was compiled from the same list. */
static int record(struct compiler *c, uint32_t action, int nr, unsigned n, const struct scmp_arg_cmp *cmp)
{
	struct lr_cond_rule *r = lr_vec_push(&c->cond);
	if (!r)
		return lr_fail(c->err, NULL, "out of memory");
	*r = (struct lr_cond_rule){ .action = action, .nr = nr, .ncmp = n };
	for (unsigned k = 0; k < n; k++)
		r->cmp[k] = (struct lr_cond_cmp){ cmp[k].arg, cmp[k].op, cmp[k].datum_a, cmp[k].datum_b };
	return 0;
}

/* An unconditional rule goes to the dispatch; libseccomp only sees argument-checked ones. A
 * syscall never has both (each emitter gives it one or the other): were it to, the dispatch
 * would hide the argument checks, so that is refused. */
static int add_unconditional(struct compiler *c, uint32_t action, int nr)
{
	struct dispatch *d = c->dispatch;
	if (nr < 0 || nr >= MAX_NR || d->conditional[nr] || (d->set[nr] && d->action[nr] != action))
		return lr_fail(c->err, NULL, "seccomp: conflicting rules for syscall %d", nr);
	d->set[nr] = 1;
	d->action[nr] = action;
	return 0;
}

static int add(struct compiler *c, uint32_t action, int nr, unsigned n, const struct scmp_arg_cmp *cmp)
{
	if (action == c->def)
		return 0; /* same as the default: nothing to say */
	action = traced(c, action, nr);
	if (n == 0 && !c->libseccomp_only) {
		if (add_unconditional(c, action, nr))
			return -1;
	} else if (nr < 0 || nr >= MAX_NR || c->dispatch->set[nr] || n > LR_COND_MAX_CMP) {
		return lr_fail(c->err, NULL, "seccomp: conflicting rules for syscall %d", nr);
	} else if (record(c, action, nr, n, cmp)) {
		return -1;
	} else if (n) {
		c->dispatch->conditional[nr] = 1;
	}
	c->sb->seccomp_rules++;
	return 0;
}

#define RULE(c, act, nr, ...)                                                                      \
	add(c, act, nr, sizeof((struct scmp_arg_cmp[]){ __VA_ARGS__ }) / sizeof(struct scmp_arg_cmp), \
	    (struct scmp_arg_cmp[]){ __VA_ARGS__ })

/* Argument-checked baseline rules: they live in the deny-list filter, whose default is allow. */
/* ioctl: TIOCSTI and TIOCLINUX inject input into the terminal; TIOCSPGRP and TIOCSCTTY would make
 * the sandbox the terminal's foreground group (or take the terminal), stealing what the user
 * types next. The supervisor gives a supervised command the terminal before the filter loads. */
static int emit_ioctl(struct compiler *c, int nr)
{
	static const uint32_t cmds[] = { TIOCSTI_CMD, TIOCLINUX_CMD, TIOCSPGRP_CMD, TIOCSCTTY_CMD };
	for (size_t i = 0; i < LR_ARRAY_LEN(cmds); i++)
		if (RULE(c, c->deny, nr, D_EQ(1, cmds[i])))
			return -1;
	return 0;
}

static int emit_clone(struct compiler *c, int nr)
{
	static const unsigned long flags[] = { CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
					       CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET };
	for (size_t i = 0; i < LR_ARRAY_LEN(flags); i++)
		if (RULE(c, c->deny, nr, SCMP_A0_64(SCMP_CMP_MASKED_EQ, flags[i], flags[i])))
			return -1;
	return 0;
}

static int emit_personality(struct compiler *c, int nr)
{
	/* Only the query personality(0xffffffff) is allowed: changes can turn off ASLR. */
	return RULE(c, c->deny, nr, D_NE(0, 0xffffffffu));
}

static int emit_chmod(struct compiler *c, int nr)
{
	const char *name = lr_syscall_name(nr);
	unsigned arg = name && (strcmp(name, "chmod") == 0 || strcmp(name, "fchmod") == 0) ? 1 : 2;
	struct scmp_arg_cmp suid = D_MASK(arg, S_ISUID, S_ISUID);
	struct scmp_arg_cmp sgid = D_MASK(arg, S_ISGID, S_ISGID);
	return add(c, c->deny, nr, 1, &suid) || add(c, c->deny, nr, 1, &sgid);
}

/* socket(): families outside [network] families fail with EAFNOSUPPORT; for inet and inet6 only
 * TCP streams pass, UDP datagrams when udp = yes; raw, SCTP and MPTCP (which escapes Landlock's
 * TCP port rules) never do. */
/* Calls fn for each aligned power-of-two block of values in set (bit v = value v, v < n): a set
 * of denied values becomes a few masked comparisons instead of one rule per value. */
static int for_each_block(struct compiler *c, uint64_t set, unsigned n, unsigned width_mask,
			  int (*fn)(struct compiler *c, const void *ctx, uint32_t mask, uint32_t value),
			  const void *ctx)
{
	for (unsigned v = 0; v < n;) {
		if (!(set & (1ULL << v))) {
			v++;
			continue;
		}
		unsigned size = 1;
		while (v % (size * 2) == 0 && v + size * 2 <= n) {
			uint64_t block = ((size * 2 >= 64) ? ~0ULL : ((1ULL << (size * 2)) - 1)) << v;
			if ((set & block) != block)
				break;
			size *= 2;
		}
		if (fn(c, ctx, width_mask & ~(size - 1), v))
			return -1;
		v += size;
	}
	return 0;
}

struct socket_ctx {
	int nr;
	uint32_t action;
	unsigned af; /* for type blocks */
};

static int deny_family_block(struct compiler *c, const void *ctx, uint32_t mask, uint32_t value)
{
	const struct socket_ctx *s = ctx;
	return RULE(c, s->action, s->nr, D_MASK(0, mask, value));
}

static int deny_type_block(struct compiler *c, const void *ctx, uint32_t mask, uint32_t value)
{
	const struct socket_ctx *s = ctx;
	return RULE(c, s->action, s->nr, D_EQ(0, s->af), D_MASK(1, mask, value));
}

static int deny_protocol_block(struct compiler *c, const void *ctx, uint32_t mask, uint32_t value)
{
	const struct socket_ctx *s = ctx;
	return RULE(c, s->action, s->nr, D_EQ(0, s->af), D_MASK(2, mask, value));
}

/* netlink: only the protocols [network] netlink grants (NETLINK_ROUTE by default, what
 * getaddrinfo needs); NETLINK_SOCK_DIAG alone would list every socket on the host. */
static int emit_netlink(struct compiler *c, int nr)
{
	if (c->p->netlink_any.on)
		return 0;
	struct socket_ctx ctx = { nr, deny_with(c, EPROTONOSUPPORT), AF_NETLINK };
	set_origin(c, "[network] netlink");
	if (c->p->netlink_mask == LR_NETLINK_ROUTE_ONLY) /* the default: one comparison (high bits included) */
		return RULE(c, ctx.action, nr, D_EQ(0, AF_NETLINK), D_GT(2, 0));
	uint64_t denied = ~(uint64_t)c->p->netlink_mask & 0xffffffffu;
	return for_each_block(c, denied, 32, 0xffffffffu, deny_protocol_block, &ctx) ||
	       RULE(c, ctx.action, nr, D_EQ(0, AF_NETLINK), D_GE(2, 32));
}

/* socket(): families outside [network] families fail with EAFNOSUPPORT; for inet and inet6 only
 * TCP streams pass, UDP datagrams when udp = yes; raw, SCTP and MPTCP (which escapes Landlock's
 * TCP port rules) never do. */
static int emit_socket(struct compiler *c, int nr)
{
	uint64_t fams = c->p->families.set ? c->p->families_mask : LR_DEFAULT_FAMILIES;
	bool udp = c->p->udp.on;
	bool tcp_restricted = !(c->p->connect_any.on && c->p->bind_any.on);
	struct socket_ctx fam = { nr, deny_with(c, EAFNOSUPPORT), 0 };
	set_origin(c, "[network] families");
	uint64_t denied_fams = ~fams & ((1ULL << AF_COUNT) - 1);
	if (for_each_block(c, denied_fams, AF_COUNT, 0xffffffffu, deny_family_block, &fam) ||
	    RULE(c, fam.action, nr, D_GE(0, AF_COUNT)))
		return -1;
	/* unix = none: no unix socket but socketpair's, so no pathname socket (the session bus,
	 * docker.sock, agents) can be reached; refused as a family is */
	set_origin(c, "[network] unix = none");
	if ((fams & (1ULL << AF_UNIX)) && c->p->unix_sockets.is == LR_UNIX_NONE &&
	    RULE(c, fam.action, nr, D_EQ(0, AF_UNIX)))
		return -1;
	if ((fams & (1ULL << AF_NETLINK)) && emit_netlink(c, nr))
		return -1;
	const unsigned inet[] = { AF_INET, AF_INET6 };
	for (size_t i = 0; i < 2; i++) {
		unsigned af = inet[i];
		if (!(fams & (1ULL << af)))
			continue;
		/* socket types live in the low 4 bits (SOCK_CLOEXEC and SOCK_NONBLOCK above) */
		uint64_t bad_types = 0xffff & ~(1ULL << SOCK_STREAM) & ~(udp ? 1ULL << SOCK_DGRAM : 0);
		struct socket_ctx types = { nr, c->deny, af };
		set_origin(c, "[network] (inet sockets: TCP streams%s only)", udp ? " and UDP datagrams" : "");
		if (for_each_block(c, bad_types, 16, 0xf, deny_type_block, &types))
			return -1;
		if (tcp_restricted && RULE(c, c->deny, nr, D_EQ(0, af), D_MASK(1, 0xf, SOCK_STREAM), D_GT(2, IPPROTO_TCP)))
			return -1;
		if (udp && (RULE(c, c->deny, nr, D_EQ(0, af), D_MASK(1, 0xf, SOCK_DGRAM), D_EQ(2, IPPROTO_ICMP)) ||
			    RULE(c, c->deny, nr, D_EQ(0, af), D_MASK(1, 0xf, SOCK_DGRAM), D_GT(2, IPPROTO_UDP))))
			return -1;
	}
	return 0;
}

/* socketpair(): unix sockets only. Under unix = none only connected stream and seqpacket pairs:
 * a datagram socket of a pair can still be sent from to any pathname socket (sendto, or connect
 * again), which would reach journald, /dev/log or a notification socket. */
static int emit_socketpair(struct compiler *c, int nr)
{
	uint64_t fams = c->p->families.set ? c->p->families_mask : LR_DEFAULT_FAMILIES;
	uint32_t no_af = deny_with(c, EAFNOSUPPORT);
	set_origin(c, "[network] families");
	if (!(fams & (1ULL << AF_UNIX)))
		return add(c, no_af, nr, 0, NULL);
	if (RULE(c, no_af, nr, D_NE(0, AF_UNIX)))
		return -1;
	if (c->p->unix_sockets.is != LR_UNIX_NONE)
		return 0;
	struct socket_ctx types = { nr, deny_with(c, EPROTONOSUPPORT), AF_UNIX };
	set_origin(c, "[network] unix = none (socketpair: streams only)");
	uint64_t bad_types = 0xffff & ~(1ULL << SOCK_STREAM) & ~(1ULL << SOCK_SEQPACKET);
	return for_each_block(c, bad_types, 16, 0xf, deny_type_block, &types);
}

/* listen() with no TCP bind grant and no unix socket: a TCP socket that listens unbound
 * auto-binds an ephemeral port Landlock's bind rules never see, and outside clients reach it. */
static int emit_listen(struct compiler *c, int nr)
{
	set_origin(c, "[network] bind_tcp = none (listen)");
	return lr_policy_refuses_listen(c->p) ? add(c, c->deny, nr, 0, NULL) : 0;
}
typedef int (*emit_fn)(struct compiler *c, int nr);

/* A memfd that could become executable runs code with no Landlock execute check (memfd_create +
 * execveat): wherever Landlock restricts execution only MFD_NOEXEC_SEAL memfds may be created.
 * ENOSYS, what a kernel without memfd_create answers, makes callers fall back to a temporary
 * file (glibc has no caller; Python, Mesa, Wayland and systemd fall back); MFD_NOEXEC_SEAL
 * callers (Linux 6.3+) are untouched. Compared as 32 bits: the kernel ignores the upper half. */
#define LR_MFD_NOEXEC_SEAL 0x0008u
static int emit_memfd(struct compiler *c, int nr)
{
	set_origin(c, c->p->exec_control.set ? "[exec] (executable memfds)" : "[syscalls] baseline memfd_create");
	return RULE(c, deny_with(c, ENOSYS), nr, D_MASK(1, LR_MFD_NOEXEC_SEAL, 0));
}

/* prlimit64 on another process: the kernel lets a process lower the limits of any process of the
 * same user, which neither Landlock's scopes nor its rules cover: the command could starve the
 * supervisor of file descriptors (and so keep it from ending what the command left running) or
 * cripple the user's other processes. Its own limits (pid 0, what glibc's setrlimit passes) stay
 * settable. The whole 64-bit argument is compared: high bits only ever add a denial. */
static int emit_prlimit(struct compiler *c, int nr)
{
	return RULE(c, c->deny, nr, D_NE(0, 0));
}

/* Another process's scheduling: the kernel lets a process make any process of the same user
 * SCHED_IDLE or SCHED_BATCH, nice 19 or idle-class I/O, which that process, unprivileged, can
 * never undo; neither Landlock's scopes nor its rules cover it. The command could so cripple the
 * user's other programs, the supervisor, or its own metadata helper. Its own scheduling (pid 0,
 * what nice(1), glibc's nice() and sched_setscheduler(0, ...) pass) stays settable; a thread's by
 * its id (pthread_setschedparam) is refused too, which such callers take as a lack of privilege.
 * sched_setaffinity stays allowed: a victim can set its affinity back, and thread pools pin
 * their threads by id. The whole 64-bit arguments are compared: high bits only add a denial. */
#ifndef IOPRIO_WHO_PROCESS
#define IOPRIO_WHO_PROCESS 1
#endif
static int emit_sched_self(struct compiler *c, int nr)
{
	int setpriority = lr_syscall_resolve("setpriority"), ioprio_set = lr_syscall_resolve("ioprio_set");
	if (nr == setpriority || nr == ioprio_set) /* (which, who, ...): this process, by who = 0 */
		return RULE(c, c->deny, nr, D_NE(0, nr == setpriority ? PRIO_PROCESS : IOPRIO_WHO_PROCESS)) ||
		       RULE(c, c->deny, nr, D_NE(1, 0));
	return RULE(c, c->deny, nr, D_NE(0, 0)); /* (pid, ...) */
}

/* What turns a syscall's argument rules on. */
enum cond_owner {
	COND_BASELINE, /* its baseline item: on while the baseline holds it */
	COND_MEMFD,    /* the memfd_create baseline item, which [exec] turns on as well */
	COND_NETWORK,  /* [network]'s socket rules: always on */
};

/* Syscalls with argument rules: baseline items and the [network] socket rules. */
static const struct {
	const char *syscall;
	enum cond_owner owner;
	emit_fn fn;
} conditionals[] = {
	{ "ioctl", COND_BASELINE, emit_ioctl },
	{ "clone", COND_BASELINE, emit_clone },
	{ "personality", COND_BASELINE, emit_personality },
	{ "chmod", COND_BASELINE, emit_chmod },
	{ "fchmod", COND_BASELINE, emit_chmod },
	{ "fchmodat", COND_BASELINE, emit_chmod },
	{ "fchmodat2", COND_BASELINE, emit_chmod },
	{ "socket", COND_NETWORK, emit_socket },
	{ "socketpair", COND_NETWORK, emit_socketpair },
	{ "listen", COND_NETWORK, emit_listen },
	{ "memfd_create", COND_MEMFD, emit_memfd },
	{ "prlimit64", COND_BASELINE, emit_prlimit },
	{ "sched_setscheduler", COND_BASELINE, emit_sched_self },
	{ "sched_setparam", COND_BASELINE, emit_sched_self },
	{ "sched_setattr", COND_BASELINE, emit_sched_self },
	{ "setpriority", COND_BASELINE, emit_sched_self },
	{ "ioprio_set", COND_BASELINE, emit_sched_self },
};

static void for_each_member(struct compiler *c, const struct lr_baseline_item *it, nr_fn fn)
{
	if (!it->members) {
		for_each_nr(c, it->name, fn, NULL, 0);
		return;
	}
	for (const char *const *m = it->members; *m; m++)
		for_each_nr(c, *m, fn, NULL, 0);
}

/* Below Landlock ABI 3 the file rules cannot deny truncation. ftruncate and open(O_TRUNC) need a
 * file opened for writing, which write_file governs; truncate(2) by path needs no open, so the
 * filter denies it (best-effort only: strict refuses such a kernel). */
static bool truncate_fallback(const struct lr_policy *p, const struct lr_sandbox *sb)
{
	return !p->fs_any.on && sb->abi >= 1 && sb->abi < 3;
}

static void plan_rules(struct compiler *c)
{
	for (size_t i = 0; i < c->p->sys_rules.len; i++) {
		const struct lr_sys_rule *r = lr_vec_at(&c->p->sys_rules, i);
		if (r->except || r->allow) {
			if (r->allow)
				for_each_nr(c, r->name, mark_allow, NULL, 0);
			if (r->name[0] != '@' && lifts_baseline(c, r))
				for_each_nr(c, r->name, mark_unbaselined, NULL, 0);
		} else {
			struct deny_arg d = { r->action == LR_ACT_DEFAULT ? c->deny : to_scmp(r->action, r->errnum), &r->at };
			for_each_nr(c, r->name, mark_deny, &d, 0);
		}
	}
	if (truncate_fallback(c->p, c->sb)) {
		struct deny_arg d = { deny_with(c, EPERM), NULL };
		int nr = lr_syscall_resolve("truncate");
		if (nr >= 0 && nr < MAX_NR && c->plan->explicit_verdict[nr] != V_DENY)
			mark_deny(c, nr, &d);
	}
	if (!c->p->baseline_hardened.on)
		return;
	for (size_t i = 0; i < lr_baseline_count; i++) {
		const struct lr_baseline_item *it = &lr_baseline[i];
		if (item_removed(c, it))
			for_each_member(c, it, mark_unbaselined);
		else if (it->kind == LR_BASELINE_DENY)
			for_each_member(c, it, mark_baseline_deny);
		else if (it->kind == LR_BASELINE_ENOSYS)
			for_each_member(c, it, mark_enosys);
	}
}

_Static_assert(LR_ARRAY_LEN(conditionals) <= LR_ARRAY_LEN(((struct compiler *)0)->cond_nr),
	       "cond_nr holds every conditional");

/* conditionals[] entry for nr, or -1 */
static int conditional_index(const struct compiler *c, int nr)
{
	for (size_t i = 0; i < LR_ARRAY_LEN(conditionals); i++)
		if (c->cond_nr[i] == nr)
			return (int)i;
	return -1;
}

static emit_fn conditional_for(const struct compiler *c, int nr)
{
	int i = conditional_index(c, nr);
	if (i < 0)
		return NULL;
	/* the socket rules are [network] policy: families, udp and the TCP ports change them;
	 * the memfd rule comes with [exec], and as a baseline item with [filesystem] restrictions
	 * (Landlock's execute right handled) */
	enum cond_owner owner = conditionals[i].owner;
	if (owner == COND_NETWORK || (owner == COND_MEMFD && c->p->exec_control.set))
		return conditionals[i].fn;
	if (c->plan->unbaselined[nr] || !c->p->baseline_hardened.on)
		return NULL;
	if (owner == COND_MEMFD && c->p->fs_any.on)
		return NULL;
	return conditionals[i].fn;
}

struct member_match {
	int nr;
	bool *found;
};

static void match_nr(struct compiler *c, int nr, const void *arg)
{
	(void)c;
	const struct member_match *m = arg;
	if (nr == m->nr)
		*m->found = true;
}

/* The baseline item a syscall belongs to (its name when in none), for --log-denials. */
static const char *baseline_item_of(struct compiler *c, int nr)
{
	if (!c->sb->trace_denials)
		return "";
	for (size_t i = 0; i < lr_baseline_count; i++) {
		bool found = false;
		struct member_match m = { nr, &found };
		const struct lr_baseline_item *it = &lr_baseline[i];
		if (!it->members)
			for_each_nr(c, it->name, match_nr, &m, 0);
		for (const char *const *mm = it->members; mm && *mm; mm++)
			for_each_nr(c, *mm, match_nr, &m, 0);
		if (found)
			return it->name;
	}
	const char *name = lr_syscall_name(nr);
	return name ? name : "?";
}

static void set_deny_origin(struct compiler *c, int nr)
{
	if (!c->sb->trace_denials)
		return; /* as set_origin: naming the syscall costs a search of the name tables */
	const struct lr_origin *at = c->plan->deny_at[nr];
	const char *name = lr_syscall_name(nr);
	if (!at) /* the one denial without a rule: truncate(2) below Landlock ABI 3 */
		set_origin(c, "[filesystem] (Landlock ABI %d cannot restrict %s)", c->sb->abi, name ? name : "?");
	else if (at->line)
		set_origin(c, "[syscalls] deny = %s (%s:%d)", name ? name : "?", at->file, at->line);
	else
		set_origin(c, "[syscalls] deny = %s (%s)", name ? name : "?", at->file ? at->file : "?");
}

/* The deny-list program (default allow): explicit denials, the baseline, the socket rules. */
static int emit_denylist(struct compiler *c, int nr)
{
	const struct sysplan *pl = c->plan;
	bool base = c->p->baseline_hardened.on && !pl->unbaselined[nr];
	int ci = conditional_index(c, nr);
	bool network = ci >= 0 && conditionals[ci].owner == COND_NETWORK; /* [network] or [exec] rules */
	if (pl->explicit_verdict[nr] == V_DENY && pl->deny_action[nr] == SCMP_ACT_LOG && c->deny != SCMP_ACT_LOG &&
	    ((base && (pl->enosys[nr] || pl->baseline_deny[nr])) || conditional_for(c, nr))) {
		/* an unconditional log rule would replace a baseline or [network] denial (with
		 * action = log everything only logs anyway) */
		const char *name = lr_syscall_name(nr);
		if (network)
			return lr_fail(c->err, pl->deny_at[nr], "deny = %s:log would let %s through where [network] or "
				       "[exec] denies it; change those sections instead", name, name);
		return lr_fail(c->err, pl->deny_at[nr], "deny = %s:log would let %s through where the baseline "
			       "denies it; lift that first (baseline_except = %s) or use another action", name, name, name);
	}
	if (pl->explicit_verdict[nr] == V_DENY) {
		set_deny_origin(c, nr);
		return add(c, pl->deny_action[nr], nr, 0, NULL);
	}
	set_origin(c, "[syscalls] baseline %s", baseline_item_of(c, nr));
	if (base && pl->enosys[nr])
		return add(c, SCMP_ACT_ERRNO(ENOSYS), nr, 0, NULL);
	if (base && pl->baseline_deny[nr])
		return add(c, c->deny, nr, 0, NULL);
	emit_fn fn = conditional_for(c, nr);
	return fn ? fn(c, nr) : 0;
}

static bool is_essential(const struct compiler *c, int nr)
{
	for (size_t i = 0; i < LR_ARRAY_LEN(essentials); i++)
		if (c->essential_nr[i] == nr)
			return true;
	return false;
}

/* The allow-list program (default = deny): only what [syscalls] allow names, and the essentials
 * (the filter is loaded before the command is executed, and it must be able to end); glibc falls back from clone3 to clone
 * only on ENOSYS, so clone3 and the other ENOSYS items keep that errno. */
static int emit_allowlist(struct compiler *c, int nr)
{
	const struct sysplan *pl = c->plan;
	if (pl->explicit_verdict[nr] == V_DENY) {
		set_deny_origin(c, nr);
		return add(c, pl->deny_action[nr], nr, 0, NULL);
	}
	set_origin(c, "[syscalls] default = deny");
	if (pl->explicit_verdict[nr] == V_ALLOW || is_essential(c, nr))
		return add(c, SCMP_ACT_ALLOW, nr, 0, NULL);
	if (pl->enosys[nr] || nr == c->nr_clone3)
		return add(c, SCMP_ACT_ERRNO(ENOSYS), nr, 0, NULL);
	return 0;
}

static int make_ctx(struct compiler *c)
{
	c->ctx = seccomp_init(c->def_action);
	if (!c->ctx)
		return lr_fail(c->err, NULL, "cannot create the seccomp filter (out of memory)");
	if (seccomp_attr_set(c->ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) ||
	    seccomp_attr_set(c->ctx, SCMP_FLTATR_CTL_NNP, 0) ||
	    seccomp_attr_set(c->ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2))
		return lr_fail(c->err, NULL, "cannot configure the seccomp filter");
	return 0;
}

/* The recorded argument-checked rules, into libseccomp, in the order they were emitted. */
static int replay(struct compiler *c)
{
	for (size_t i = 0; i < c->cond.len; i++) {
		const struct lr_cond_rule *r = lr_vec_at(&c->cond, i);
		struct scmp_arg_cmp cmp[LR_COND_MAX_CMP];
		for (unsigned k = 0; k < r->ncmp; k++)
			cmp[k] = (struct scmp_arg_cmp){ r->cmp[k].arg, (enum scmp_compare)r->cmp[k].op, r->cmp[k].datum_a,
							r->cmp[k].datum_b };
		int rc = seccomp_rule_add_array(c->ctx, r->action, r->nr, r->ncmp, cmp);
		if (rc < 0) {
			const char *name = lr_syscall_name(r->nr);
			return lr_fail(c->err, NULL, "seccomp rule for %s (%d): %s", name ? name : "?", r->nr, strerror(-rc));
		}
	}
	return 0;
}

/* libseccomp's program, malloc'd (libseccomp 2.5 exports only to an fd: use a memfd). */
static int libseccomp_program(struct compiler *c, struct sock_filter **prog, unsigned *len)
{
	int fd = memfd_create("landrun-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return lr_fail(c->err, NULL, "memfd_create: %s", strerror(errno));
	int rc = seccomp_export_bpf(c->ctx, fd);
	off_t size = rc == 0 ? lseek(fd, 0, SEEK_END) : -1;
	if (rc < 0 || size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0 ||
	    size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS) {
		close(fd);
		return lr_fail(c->err, NULL, "cannot export the seccomp program (%s)",
			       rc < 0 ? strerror(-rc) : "more than 4096 instructions");
	}
	*prog = malloc((size_t)size);
	ssize_t got = *prog ? pread(fd, *prog, (size_t)size, 0) : -1;
	close(fd);
	if (got != size) {
		free(*prog);
		*prog = NULL;
		return lr_fail(c->err, NULL, "cannot read the seccomp program back");
	}
	*len = (unsigned)(size / (off_t)sizeof(struct sock_filter));
	return 0;
}

/* The digest build-time tails are matched by. */
static void rules_sha256(const struct lr_cond_rule *rules, size_t n, unsigned char digest[32])
{
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	if (n)
		sha256_update(&ctx, n * sizeof(*rules), (const uint8_t *)rules);
	sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
}

/* The build-time tail compiled from exactly this program's default and rule list. */
static const struct lr_seccomp_tail *find_tail(const struct compiler *c)
{
	unsigned char digest[32];
	bool hashed = false;
	for (unsigned i = 0; i < lr_seccomp_tails_count; i++) {
		const struct lr_seccomp_tail *t = &lr_seccomp_tails[i];
		if (t->def != c->def_action)
			continue;
		if (!hashed)
			rules_sha256(c->cond.items, c->cond.len, digest);
		hashed = true;
		if (memcmp(t->rules_sha256, digest, sizeof(digest)) == 0)
			return t;
	}
	return NULL;
}

static int capture_tail(struct compiler *c, const struct sock_filter *tail, unsigned len)
{
	struct tail_out *o = c->capture;
	o->def = c->def_action;
	o->nrules = (unsigned)c->cond.len;
	o->len = len;
	rules_sha256(c->cond.items, c->cond.len, o->rules_sha256);
	o->prog = calloc((size_t)len + 1, sizeof(*tail)); /* + 1: never calloc(0), which may give NULL */
	if (!o->prog || !tail)
		return lr_fail(c->err, NULL, "out of memory");
	memcpy(o->prog, tail, (size_t)len * sizeof(*tail));
	return 0;
}

/* Program i into sb->bpf[i]: the dispatch in front of the tail, the tail being libseccomp's
 * program for the recorded rules, or the build-time one compiled from the same rules. */
static int finish_program(struct compiler *c, int i)
{
	const struct lr_seccomp_tail *pre = c->libseccomp_only || c->capture ? NULL : find_tail(c);
	struct sock_filter *own = NULL, *bpf = NULL;
	const struct sock_filter *tail = pre ? pre->prog : NULL;
	unsigned tail_len = pre ? pre->len : 0;
	if (!pre && (make_ctx(c) || replay(c) || libseccomp_program(c, &own, &tail_len)))
		return -1;
	if (own)
		tail = own;
	if (c->capture && i == 0 && capture_tail(c, tail, tail_len)) {
		free(own);
		return -1;
	}
	const struct dispatch *d = c->dispatch;
	uint32_t arch = seccomp_arch_native();
	int len = lr_bpf_dispatch(d->action, d->set, MAX_NR, arch, tail, tail_len, NULL, 0);
	if (len > 0 && (bpf = lr_arena_alloc(&c->sb->arena, (size_t)len * sizeof(*bpf))))
		len = lr_bpf_dispatch(d->action, d->set, MAX_NR, arch, tail, tail_len, bpf, (unsigned)len);
	free(own);
	if (!bpf || len <= 0)
		return lr_fail(c->err, NULL, "cannot build the seccomp program (out of memory, or more than %d instructions)",
			       BPF_MAXINSNS);
	c->sb->bpf[i] = bpf;
	c->sb->bpf_len[i] = (unsigned short)len;
	return 0;
}

/* --log-denials: the path and port syscalls the filter lets through are marked so the tracer
 * watches their result (a Landlock denial shows there); the others run without a stop. Only a
 * call that no rule of either program denies is marked: a denial keeps its own action. */
static int emit_observe(struct compiler *c)
{
	int nrs[32];
	int n = lr_trace_observed_syscalls(nrs, (int)LR_ARRAY_LEN(nrs));
	const struct sysplan *pl = c->plan;
	bool deny_default = c->p->sys_default.is == LR_ACT_ERRNO;
	for (int i = 0; i < n; i++) {
		int nr = nrs[i];
		bool base = c->p->baseline_hardened.on && !pl->unbaselined[nr];
		if (nr < 0 || nr >= MAX_NR || pl->explicit_verdict[nr] == V_DENY ||
		    (base && (pl->enosys[nr] || pl->baseline_deny[nr])) || conditional_for(c, nr) ||
		    (deny_default && pl->explicit_verdict[nr] != V_ALLOW && !is_essential(c, nr)))
			continue;
		uint32_t observe = SCMP_ACT_TRACE(LR_TRACE_OBSERVE);
		if (c->libseccomp_only ? record(c, observe, nr, 0, NULL) : add_unconditional(c, observe, nr))
			return -1;
	}
	return 0;
}

/* --log-denials: a child cloned with CLONE_UNTRACED is not attached to the tracer, so its denials
 * would go unreported while it runs (the supervisor, a subreaper, still kills it at the end).
 * Refused while tracing; a policy that denies clone outright needs no second rule. */
static int emit_untraced_refusal(struct compiler *c)
{
	int nr = lr_syscall_resolve("clone");
	if (nr < 0 || nr >= MAX_NR || c->plan->explicit_verdict[nr] == V_DENY)
		return 0;
	set_origin(c, "--log-denials (a CLONE_UNTRACED child would escape the tracer)");
	return RULE(c, SCMP_ACT_ERRNO(EPERM), nr, SCMP_A0_64(SCMP_CMP_MASKED_EQ, CLONE_UNTRACED, CLONE_UNTRACED));
}

static int build_program(struct compiler *c, int i, uint32_t def, int (*emit)(struct compiler *, int))
{
	c->def = def;
	memset(c->dispatch, 0, sizeof(*c->dispatch));
	c->cond.len = 0;
	set_origin(c, "[syscalls] default = deny");
	c->def_action = traced(c, def, -1);
	int rc = 0;
	for (int nr = 0; rc == 0 && nr < MAX_NR; nr++)
		if (c->plan->touched[nr])
			rc = emit(c, nr);
	if (rc == 0 && i == 0 && c->sb->trace_denials)
		rc = emit_observe(c) || emit_untraced_refusal(c);
	if (rc == 0)
		rc = finish_program(c, i);
	if (c->ctx)
		seccomp_release(c->ctx);
	c->ctx = NULL;
	return rc;
}

static int build(struct compiler *c)
{
	plan_rules(c);
	c->nr_clone3 = lr_syscall_resolve("clone3");
	for (size_t i = 0; i < LR_ARRAY_LEN(essentials); i++) {
		int nr = c->essential_nr[i] = lr_syscall_resolve(essentials[i]);
		if (nr >= 0 && nr < MAX_NR && c->plan->explicit_verdict[nr] == V_DENY)
			return lr_fail(c->err, c->plan->deny_at[nr], "%s cannot be denied: %s", essentials[i],
				       i == 0 ? "landrun loads the filter before it executes the command; to keep the "
					       "command from running other programs use [exec] allow = none"
					    : "no process could end or return from a signal handler");
	}
	for (size_t i = 0; i < LR_ARRAY_LEN(conditionals); i++) {
		int nr = c->cond_nr[i] = lr_syscall_resolve(conditionals[i].syscall);
		if (nr >= 0 && nr < MAX_NR)
			c->plan->touched[nr] = 1;
	}
	if (build_program(c, 0, SCMP_ACT_ALLOW, emit_denylist))
		return -1;
	if (c->p->sys_default.is != LR_ACT_ERRNO)
		return 0;
	/* default = deny: a second program. libseccomp cannot put argument-checked denials under a
	 * deny default without an unconditional allow swallowing them, and stacked filters combine
	 * safely: the kernel applies the strictest verdict of the two. */
	for (size_t i = 0; i < LR_ARRAY_LEN(essentials); i++)
		if (c->essential_nr[i] >= 0 && c->essential_nr[i] < MAX_NR)
			c->plan->touched[c->essential_nr[i]] = 1;
	c->plan->touched[c->nr_clone3] = 1;
	return build_program(c, 1, c->deny, emit_allowlist);
}

/* The build-time program for this policy, if its seccomp inputs are the common ones. */
static const struct lr_seccomp_prebuilt *find_prebuilt(const struct lr_policy *p)
{
	bool plain = p->sys_rules.len == 0 && p->baseline_hardened.on && p->sys_default.is == LR_ACT_ALLOW &&
		     p->action.is == LR_ACT_ERRNO && p->errnum.n == EPERM &&
		     (!p->families.set || p->families_mask == LR_DEFAULT_FAMILIES) && !p->exec_control.set &&
		     !p->fs_any.on && p->unix_sockets.is == LR_UNIX_NONE && !p->netlink_any.on &&
		     p->netlink_mask == LR_NETLINK_ROUTE_ONLY;
	if (!plain)
		return NULL;
	bool udp = p->udp.on, tcp_restricted = !(p->connect_any.on && p->bind_any.on);
	/* the common variants refuse listen() exactly when TCP is restricted (no bind port granted) */
	if (lr_policy_refuses_listen(p) != tcp_restricted)
		return NULL;
	for (unsigned i = 0; i < lr_seccomp_prebuilt_count; i++)
		if (lr_seccomp_prebuilt[i].udp == udp && lr_seccomp_prebuilt[i].tcp_restricted == tcp_restricted)
			return &lr_seccomp_prebuilt[i];
	return NULL;
}

static int compile(struct lr_sandbox *sb, const struct lr_policy *p, unsigned flags, struct tail_out *capture,
		   struct lr_error *err)
{
	struct compiler c = { .p = p, .sb = sb, .err = err, .libseccomp_only = flags & LR_SECCOMP_LIBSECCOMP_ONLY,
			      .capture = capture };
	int errnum = p->errnum.set ? p->errnum.n : EPERM;
	c.deny = to_scmp(p->action.set ? p->action.is : LR_ACT_ERRNO, errnum);
	/* Tell libseccomp the kernel API level instead of letting it probe: every kernel with Landlock
	 * (5.13+) has level 3 (SECCOMP_RET_KILL_PROCESS), probing costs syscalls, and under valgrind
	 * the probes fail. On an older kernel the load fails and landrun stops (exit 125). */
	if (seccomp_api_set(3) < 0)
		return lr_fail(err, NULL, "libseccomp does not support API level 3");
	/* On the stack (23 KiB, freed on return): fresh heap pages would cost a page fault each,
	 * where the CLI's stack is filled in advance (see prefault in cli.c). */
	struct sysplan plan = { 0 };
	struct dispatch dispatch;
	c.plan = &plan;
	c.dispatch = &dispatch;
	lr_vec_init(&c.origins, sizeof(struct lr_deny_origin));
	lr_vec_init(&c.cond, sizeof(struct lr_cond_rule));
	int rc = build(&c);
	lr_vec_free(&c.cond);
	if (rc == 0 && c.origins.len) {
		size_t size = c.origins.len * sizeof(struct lr_deny_origin);
		struct lr_deny_origin *table = lr_arena_alloc(&sb->arena, size);
		if (!table)
			rc = lr_fail(err, NULL, "out of memory");
		else
			memcpy(table, c.origins.items, size);
		sb->deny_origins = table;
		sb->ndeny_origins = (unsigned)c.origins.len;
	}
	lr_vec_free(&c.origins);
	return rc;
}

int lr_seccomp_compile(struct lr_sandbox *sb, const struct lr_policy *p, unsigned flags, struct lr_error *err)
{
	bool no_truncate = truncate_fallback(p, sb);
	if (no_truncate && lr_sandbox_note(sb, false, "truncate(2) is denied by the syscall filter: Landlock ABI %d "
					   "cannot restrict truncation (ftruncate needs a file opened for writing)", sb->abi))
		return lr_fail(err, NULL, "out of memory");
	const struct lr_seccomp_prebuilt *pre = (flags & LR_SECCOMP_PREBUILT) && !no_truncate ? find_prebuilt(p) : NULL;
	if (pre) {
		/* Compiling with libseccomp costs as much as a whole small exec: skip it. */
		sb->bpf[0] = pre->prog;
		sb->bpf_len[0] = pre->len;
		sb->seccomp_rules = pre->rules;
		sb->seccomp_prebuilt = true;
		return 0;
	}
	return compile(sb, p, flags, NULL, err);
}

int lr_seccomp_tail_compile(const struct lr_policy *p, uint32_t *def, unsigned char rules_sha256[32],
			    unsigned *nrules, struct sock_filter **prog, unsigned *len, struct lr_error *err)
{
	struct lr_sandbox sb;
	struct tail_out out = { 0 };
	lr_sandbox_init(&sb);
	int rc = compile(&sb, p, 0, &out, err);
	lr_sandbox_free(&sb);
	if (rc) {
		free(out.prog);
		return -1;
	}
	*def = out.def;
	memcpy(rules_sha256, out.rules_sha256, sizeof(out.rules_sha256));
	*nrules = out.nrules;
	*prog = out.prog;
	*len = out.len;
	return 0;
}

/* [filesystem] metadata (see metadata.h).
 *
 * The helper's rule for one call: the object is opened by the helper itself, relative to the
 * target's current directory or directory fd, along a walk that follows no link the sandbox could
 * have planted (a link in a write directory: resolve.h); it is judged by device and inode, walking
 * up from the directory holding it (or from itself, a directory) to a write directory; and the
 * call is then made by the helper on that object (an O_PATH fd), with the arguments it read once
 * from the target's memory. Nothing the target changes after the read is looked at again, and the
 * kernel is never asked to go on with the target's own call (SECCOMP_USER_NOTIF_FLAG_CONTINUE
 * would read the path again from memory the target controls). */
#include "metadata.h"

#include "netcalls.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/btrfs.h>
#include <linux/fs.h>
#include <linux/fscrypt.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef SYS_setxattrat
#define SYS_setxattrat 463
#endif
#ifndef SYS_removexattrat
#define SYS_removexattrat 466
#endif
#ifndef XATTR_NAME_MAX
#define XATTR_NAME_MAX 255
#endif
#ifndef XATTR_SIZE_MAX
#define XATTR_SIZE_MAX 65536
#endif

#ifndef SYS_file_setattr
#define SYS_file_setattr 469
#endif

#if defined(__x86_64__)
#define X32_BIT 0x40000000u /* x32 calls: the same numbers with this bit, on the same arch */
#define X32_IOCTL_NR 514u   /* x32's ioctl is not the native number */
#endif
#define NATIVE_ARCH LR_NATIVE_ARCH

enum op { OP_CHMOD, OP_CHOWN, OP_UTIMENS, OP_UTIMES, OP_UTIME, OP_SETXATTR, OP_REMOVEXATTR, OP_NOSYS };

/* One call of the family: which argument is what (-1: none). A call without a path argument
 * acts on its fd (dirfd); one without a dirfd on the current directory. */
struct call {
	int nr;
	enum op op;
	signed char dirfd, path, val, flags;
	bool nofollow;
};

#define CALL(name, op, dirfd, path, val, flags, nofollow) { SYS_##name, op, dirfd, path, val, flags, nofollow }
static const struct call calls[] = {
#ifdef SYS_chmod
	CALL(chmod, OP_CHMOD, -1, 0, 1, -1, false),
	CALL(chown, OP_CHOWN, -1, 0, 1, -1, false),
	CALL(lchown, OP_CHOWN, -1, 0, 1, -1, true),
	CALL(utime, OP_UTIME, -1, 0, 1, -1, false),
	CALL(utimes, OP_UTIMES, -1, 0, 1, -1, false),
	CALL(futimesat, OP_UTIMES, 0, 1, 2, -1, false),
#endif
	CALL(fchmod, OP_CHMOD, 0, -1, 1, -1, false),
	CALL(fchmodat, OP_CHMOD, 0, 1, 2, -1, false),
	CALL(fchmodat2, OP_CHMOD, 0, 1, 2, 3, false),
	CALL(fchown, OP_CHOWN, 0, -1, 1, -1, false),
	CALL(fchownat, OP_CHOWN, 0, 1, 2, 4, false),
	CALL(utimensat, OP_UTIMENS, 0, 1, 2, 3, false),
	CALL(setxattr, OP_SETXATTR, -1, 0, 1, -1, false),
	CALL(lsetxattr, OP_SETXATTR, -1, 0, 1, -1, true),
	CALL(fsetxattr, OP_SETXATTR, 0, -1, 1, -1, false),
	CALL(removexattr, OP_REMOVEXATTR, -1, 0, 1, -1, false),
	CALL(lremovexattr, OP_REMOVEXATTR, -1, 0, 1, -1, true),
	CALL(fremovexattr, OP_REMOVEXATTR, 0, -1, 1, -1, false),
	/* the *at forms take a struct whose layout grows: refused with ENOSYS, callers fall back */
	CALL(setxattrat, OP_NOSYS, -1, -1, -1, -1, false),
	CALL(removexattrat, OP_NOSYS, -1, -1, -1, -1, false),
	/* inode flags and project id by path (the attribute ioctls without an open file): ENOSYS,
	 * callers fall back to the ioctls, refused (see attr_ioctls) */
	CALL(file_setattr, OP_NOSYS, -1, -1, -1, -1, false),
};
#undef CALL

const char *const lr_metadata_calls[] = {
#ifdef SYS_chmod
	"chmod", "chown", "lchown", "utime", "utimes", "futimesat",
#endif
	"fchmod", "fchmodat", "fchmodat2", "fchown", "fchownat", "utimensat", "setxattr", "lsetxattr",
	"fsetxattr", "removexattr", "lremovexattr", "fremovexattr", "setxattrat", "removexattrat", "file_setattr", NULL,
};

/* ---- compile ------------------------------------------------------------------------------ */

/* ext4's generation number by its own command (ext4_ioctl takes it beside FS_IOC_SETVERSION;
 * the 32-bit one through compat_ioctl): not in the uapi headers. */
#ifndef EXT4_IOC_SETVERSION
#define EXT4_IOC_SETVERSION _IOW('f', 4, long)
#endif
#ifndef EXT4_IOC32_SETVERSION
#define EXT4_IOC32_SETVERSION _IOW('f', 4, int)
#endif

/* The ioctls that change an inode's attributes (chattr: flags such as nodump, noatime, sync,
 * append-only; the fsxattr flags and project id; the generation number): the owner may make them
 * on a file opened read-only, outside every write grant, and the helper does not make them for
 * the command. Refused (EPERM) with metadata = none and granted alike. */
static const unsigned attr_ioctls[] = {
	FS_IOC_SETFLAGS, FS_IOC32_SETFLAGS, FS_IOC_FSSETXATTR, FS_IOC_SETVERSION, FS_IOC32_SETVERSION,
	EXT4_IOC_SETVERSION, EXT4_IOC32_SETVERSION, /* ext4's own number for the generation: 'f' 4 */
	FS_IOC_SET_ENCRYPTION_POLICY, /* an empty directory of the owner's, read-only */
	BTRFS_IOC_SUBVOL_SETFLAGS,    /* a subvolume of the owner's made read-only */
};

/* The low word of the ioctl command (args[1]): the kernel reads an unsigned int. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define IOCTL_CMD_LOW (offsetof(struct seccomp_data, args[1]) + 4)
#else
#define IOCTL_CMD_LOW offsetof(struct seccomp_data, args[1])
#endif

/* The low word of an int argument (the kernel reads an int). */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ARG_LOW(i) (offsetof(struct seccomp_data, args[i]) + 4)
#else
#define ARG_LOW(i) offsetof(struct seccomp_data, args[i])
#endif

/* udp = dns judges a datagram by its destination address, but a source route sends it to the
 * route's first hop instead, the nameserver written in the route only: an IPv6 routing header
 * (a segment routing one needs no capability), and IPv4 options (a capability kept). The socket
 * options that set one, or options in the cmsg form, or a flow label carrying them, are refused. */
static const unsigned ipv6_route_opts[] = {
	5 /* IPV6_2292RTHDR */, 6 /* IPV6_2292PKTOPTIONS */, 32 /* IPV6_FLOWLABEL_MGR */, 57 /* IPV6_RTHDR */,
};
enum { IP_OPTIONS_ = 4 };

/* A number the program picks out, and where it jumps (an instruction's index). */
struct pick {
	unsigned nr, to;
};

/* Sorts p[0..n) by number (insertion: a few dozen). */
static void sort_picks(struct pick *p, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct pick v = p[i];
		unsigned at = i;
		for (; at > 0 && p[at - 1].nr > v.nr; at--)
			p[at] = p[at - 1];
		p[at] = v;
	}
}

/* Below this many numbers a node of the search tree compares them one by one. */
enum { LEAF = 3 };

static unsigned tree_len(unsigned n)
{
	return n <= LEAF ? n : 1 + tree_len(n / 2) + tree_len(n - n / 2);
}

static unsigned char rel(unsigned to, unsigned from)
{
	return (unsigned char)(to - from - 1);
}

/* A search tree over p[0..n) at f[*at]: a number picked jumps to its place, any other to allow. A
 * few comparisons per call instead of one per number: the kernel runs this for every call the
 * cache cannot answer, and, on loading, for every syscall number (to build that cache: with one
 * comparison per number, most of the load's time). */
static void emit_tree(struct sock_filter *f, unsigned *at, const struct pick *p, unsigned n, unsigned allow)
{
	if (n <= LEAF) {
		for (unsigned i = 0; i < n; i++, (*at)++)
			f[*at] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, p[i].nr, rel(p[i].to, *at),
							      i + 1 < n ? 0 : rel(allow, *at));
		return;
	}
	unsigned half = n / 2, node = (*at)++;
	f[node] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, p[half].nr, (unsigned char)tree_len(half), 0);
	emit_tree(f, at, p, half, allow);
	emit_tree(f, at, p + half, n - half, allow);
}

/* Where each part of the program lies (instruction indexes; 0: absent). */
struct layout {
	unsigned native, x32, allow, match_meta, match_net, ioctl_cmd, ioctl_refuse, sendto_chk, sockopt_chk, len;
};

enum { PICKS_MAX = 48 };

/* The architecture, then the native numbers by a search tree; x32's (above X32_BIT, rare) one by
 * one. Then "allow" and the answers: the metadata family's (meta_action, 0: not picked), the
 * socket calls' (net: notified, netcalls.h); ioctl's commands; sendto's address (without one,
 * it cannot be redirected: allowed). Arguments are loaded for ioctl and sendto only (which the
 * baseline checks by argument already): the kernel caches its verdict per syscall for every
 * other call, so calls outside the family pay nothing. */
static int build_program(struct lr_sandbox *sb, uint32_t meta_action, bool net)
{
	struct sock_filter *f = sb->metadata_bpf;
	struct pick native[PICKS_MAX], x32[PICKS_MAX];
	unsigned nn = 0, nx = 0, ncmds = meta_action ? LR_ARRAY_LEN(attr_ioctls) : 0;
	struct layout l = { 0 };
	/* the numbers first, with placeholders for the targets, to know the tree's length */
	enum { TO_META = 1, TO_NET, TO_IOCTL, TO_SENDTO, TO_SOCKOPT };
	bool routes = net && sb->net.udp_dns; /* source routes refused (see ipv6_route_opts) */
	unsigned nroutes = LR_ARRAY_LEN(ipv6_route_opts);
	for (size_t i = 0; meta_action && i < LR_ARRAY_LEN(calls); i++) {
		native[nn++] = (struct pick){ (unsigned)calls[i].nr, TO_META };
		x32[nx++] = (struct pick){ (unsigned)calls[i].nr, TO_META };
	}
	if (meta_action) {
		native[nn++] = (struct pick){ SYS_ioctl, TO_IOCTL };
#ifdef X32_BIT
		x32[nx++] = (struct pick){ X32_IOCTL_NR, TO_IOCTL };
#endif
	}
	for (unsigned i = 0; net && i < lr_netcalls_count; i++) {
		unsigned nr = lr_netcalls_nr[i];
#ifdef X32_BIT
		if (nr & X32_BIT) {
			x32[nx++] = (struct pick){ nr & ~X32_BIT, TO_NET };
			continue;
		}
#endif
		native[nn++] = (struct pick){ nr, TO_NET };
	}
	if (net)
		native[nn++] = (struct pick){ SYS_sendto, TO_SENDTO };
	if (routes)
		native[nn++] = (struct pick){ SYS_setsockopt, TO_SOCKOPT };
#ifndef X32_BIT
	nx = 0;
#endif
	sort_picks(native, nn);
	l.native = 3 + (nx ? 1 : 0);
	l.x32 = l.native + tree_len(nn);
	l.allow = l.x32 + nx;
	unsigned n = l.allow + 1;
	l.match_meta = meta_action ? n++ : 0;
	l.match_net = net ? n++ : 0;
	if (meta_action) {
		l.ioctl_cmd = n;
		n += 1 + ncmds + 1;
		l.ioctl_refuse = n++;
	}
	if (net) {
		l.sendto_chk = n;
		n += 6;
	}
	if (routes) {
		l.sockopt_chk = n;
		n += 8 + nroutes;
	}
	l.len = n;
	_Static_assert(LR_METADATA_BPF_MAX <= 256, "the program's jumps are 8 bits");
	if (l.len > LR_METADATA_BPF_MAX || nn > PICKS_MAX)
		return -1;
	const unsigned to[] = { 0, l.match_meta, l.match_net, l.ioctl_cmd, l.sendto_chk, l.sockopt_chk };
	for (unsigned i = 0; i < nn; i++)
		native[i].to = to[native[i].to];
	for (unsigned i = 0; i < nx; i++)
		x32[i].to = to[x32[i].to];
	n = 0;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 0, rel(l.allow, n));
	n++;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#ifdef X32_BIT
	if (nx) {
		f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_BIT, rel(l.x32, n), 0);
		n++;
	}
#endif
	emit_tree(f, &n, native, nn, l.allow);
#ifdef X32_BIT
	for (unsigned i = 0; i < nx; i++, n++)
		f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, x32[i].nr | X32_BIT, rel(x32[i].to, n), 0);
#endif
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (meta_action)
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, meta_action);
	if (net)
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
	if (meta_action) {
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, IOCTL_CMD_LOW);
		for (unsigned i = 0; i < ncmds; i++, n++)
			f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, attr_ioctls[i], rel(l.ioctl_refuse, n), 0);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
	}
	if (net) { /* sendto's address (args[4]): both halves zero, or notified (jumps go forward only:
		    * its own answers) */
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[4]));
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[4]) + 4);
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
	}
	if (routes) { /* setsockopt's level (args[1]) and name (args[2]): a source route refused */
		unsigned allow = l.sockopt_chk + 6 + nroutes, refuse = allow + 1;
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LOW(1));
		f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_IP, 0, 2);
		n++;
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LOW(2));
		f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IP_OPTIONS_, rel(refuse, n), rel(allow, n));
		n++;
		f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_IPV6, 0, rel(allow, n));
		n++;
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LOW(2));
		for (unsigned i = 0; i < nroutes; i++, n++)
			f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ipv6_route_opts[i], rel(refuse, n), 0);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
	}
	sb->metadata_len = (unsigned short)n;
	return n == l.len ? 0 : -1;
}

/* Copies n instructions of src to f + at: each "allow" goes on to next, each observing trace stop
 * to observe (a copy of the notifying program whose "allow" is that stop; 0: such a stop stays). */
static void chain(struct sock_filter *f, unsigned at, const struct sock_filter *src, unsigned n, unsigned next,
		  unsigned observe)
{
	if (!n)
		return; /* nothing (no allow list): src may be NULL, which memcpy may not be given */
	memcpy(f + at, src, n * sizeof(*f));
	for (unsigned i = at; i < at + n; i++) {
		unsigned to = f[i].code != (BPF_RET | BPF_K)			     ? 0
			      : f[i].k == SECCOMP_RET_ALLOW			     ? next
			      : f[i].k == (SECCOMP_RET_TRACE | LR_TRACE_OBSERVE) ? observe
										     : 0;
		if (to)
			f[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA | BPF_K, to - i - 1, 0, 0);
	}
}

/* NONE needs no listener: its program goes in front of the deny list (bpf[0]), whose answer
 * follows for every other call, instead of being a filter of its own: one seccomp() load and one
 * program per syscall fewer (about 9% of landrun_spawn's throughput). Classic BPF jumps are
 * relative, so bpf[0] runs unchanged behind it; wherever the metadata program allowed, it jumps
 * there.
 * The verdict is the same as two filters': the metadata calls fail with EPERM (the deny list
 * could only answer them with EPERM too, or trace them, which EPERM outranks). */
static int fold_into_deny_list(struct lr_sandbox *sb, struct lr_error *err)
{
	unsigned head = sb->metadata_len, body = sb->bpf_len[0];
	if (!body || head + body > BPF_MAXINSNS)
		return 0; /* no deny list, or no room: the program stays a filter of its own */
	struct sock_filter *f = lr_arena_alloc(&sb->arena, (head + body) * sizeof(*f));
	if (!f)
		return lr_fail(err, NULL, "out of memory");
	/* every "allow" of the head (other calls, other ioctls) goes on to the deny list */
	chain(f, 0, sb->metadata_bpf, head, head, 0);
	memcpy(f + head, sb->bpf[0], body * sizeof(*f));
	sb->bpf[0] = f;
	sb->bpf_len[0] = (unsigned short)(head + body);
	sb->metadata_folded = true;
	return 0;
}

/* Whether a program can go in front of the notifying program, answering first: it answers
 * nothing that ranks below SECCOMP_RET_USER_NOTIF but "allow", a trace stop of --log-denials
 * (a denial: the tracer fails the call) and the trace stop that only observes a call
 * (LR_TRACE_OBSERVE, *observe set). Not a log answer: it would let a call through unjudged. */
static bool can_go_in_front(const struct sock_filter *p, unsigned n, bool trace_denials, bool *observe)
{
	for (unsigned i = 0; i < n; i++) {
		if (BPF_CLASS(p[i].code) != BPF_RET)
			continue;
		uint32_t action = p[i].k & SECCOMP_RET_ACTION_FULL;
		if (p[i].code != (BPF_RET | BPF_K) || action == SECCOMP_RET_LOG || action == SECCOMP_RET_USER_NOTIF ||
		    (action == SECCOMP_RET_TRACE && !trace_denials))
			return false;
		if (p[i].k == (SECCOMP_RET_TRACE | LR_TRACE_OBSERVE))
			*observe = true;
	}
	return true;
}

/* The CLI's own helper (notify.h) takes the listener from the CLI's fd table, so the program needs
 * no filter of its own there either: it goes behind the deny list (bpf[0]), which is loaded last,
 * with the listener. The deny list answers first, and where it allows, the program does: the
 * verdict of two filters (the higher action of the two, and an errno of the deny list over the
 * program's, the deny list being the later-loaded filter), as long as the deny list answers
 * nothing that ranks below a notification but "allow" (can_go_in_front). Where it only observes a
 * call (--log-denials), a copy of the program answers, its "allow" that observing stop: again the
 * higher action of the two. A trace stop of --log-denials that denies stands: two filters could
 * not do that (the notification outranks it, and the helper would make a denied call). For the
 * same reason under --log-denials the allow list (bpf[1], default = deny) answers in front of the
 * program too, behind the deny list, instead of as a filter of its own (which would deny the load
 * of the other): where both deny, the deny list's denial is the one. Beside it, the same
 * refusing (EPERM) where it would notify, for a run under a listener already (landrun under
 * landrun: the kernel allows one). Not the library's: its children hand their listener over
 * after the load, with calls the deny list may refuse. */
static int fold_behind_deny_list(struct lr_sandbox *sb, struct lr_error *err)
{
	bool observe = false, trace = sb->trace_denials;
	unsigned deny = sb->bpf_len[0], allow = trace ? sb->bpf_len[1] : 0, tail = sb->metadata_len;
	if (!deny || !can_go_in_front(sb->bpf[0], deny, trace, &observe) ||
	    !can_go_in_front(sb->bpf[1], allow, trace, &observe))
		return 0;
	unsigned at_tail = deny + allow, at_observe = at_tail + tail, len = at_observe + (observe ? tail : 0);
	if (len > BPF_MAXINSNS)
		return 0;
	struct sock_filter *f = lr_arena_alloc(&sb->arena, (size_t)2 * len * sizeof(*f));
	if (!f)
		return lr_fail(err, NULL, "out of memory");
	chain(f, 0, sb->bpf[0], deny, allow ? deny : at_tail, at_observe);
	chain(f, deny, sb->bpf[1], allow, at_tail, at_observe);
	memcpy(f + at_tail, sb->metadata_bpf, tail * sizeof(*f));
	if (observe) {
		memcpy(f + at_observe, sb->metadata_bpf, tail * sizeof(*f));
		for (unsigned i = at_observe; i < len; i++)
			if (f[i].code == (BPF_RET | BPF_K) && f[i].k == SECCOMP_RET_ALLOW)
				f[i].k = SECCOMP_RET_TRACE | LR_TRACE_OBSERVE;
	}
	struct sock_filter *refusing = f + len;
	memcpy(refusing, f, len * sizeof(*f));
	for (unsigned i = at_tail; i < len; i++)
		if (refusing[i].code == (BPF_RET | BPF_K) && refusing[i].k == SECCOMP_RET_USER_NOTIF)
			refusing[i].k = SECCOMP_RET_ERRNO | EPERM;
	sb->bpf[0] = f;
	sb->bpf0_refusing = refusing;
	sb->bpf_len[0] = (unsigned short)len;
	if (allow)
		sb->bpf_len[1] = 0;
	sb->metadata_folded = true;
	return 0;
}

int lr_metadata_compile(struct lr_sandbox *sb, const struct lr_policy *p, const struct lr_compile_opts *o,
			struct lr_error *err)
{
	enum lr_metadata m = p->metadata.is;
	bool helper_possible = lr_helper_possible(o);
	if (!sb->handled_fs && !p->metadata.set) {
		/* unrestricted = yes, or no Landlock (best-effort): files are not confined, nor their
		 * metadata, unless the policy says so */
		m = LR_METADATA_ANY;
	} else if (m == LR_METADATA_GRANTED && !sb->write_dirs.len) {
		m = LR_METADATA_NONE; /* nothing to allow: no helper is needed to refuse */
		if (sb->verbose && lr_sandbox_note(sb, false, "metadata = granted: no directory is granted rw or rwx; "
						   "metadata changes are refused without a helper"))
			return lr_fail(err, NULL, "out of memory");
	} else if (m == LR_METADATA_GRANTED && !helper_possible) {
		m = LR_METADATA_NONE;
		if (lr_sandbox_note(sb, false, "metadata = granted: no helper runs for this sandbox; chmod, chown, "
				    "utimes and xattr changes are refused everywhere (as metadata = none)"))
			return lr_fail(err, NULL, "out of memory");
	}
	sb->metadata = m;
	bool net = sb->net.on; /* the socket calls the helper makes (netcalls.h): the same program */
	if (m == LR_METADATA_ANY && !net)
		return 0;
	uint32_t action = m == LR_METADATA_ANY	   ? 0
			  : m == LR_METADATA_NONE ? SECCOMP_RET_ERRNO | EPERM
						  : SECCOMP_RET_USER_NOTIF;
	if (build_program(sb, action, net))
		return lr_fail(err, NULL, "the notification program does not fit (a build error)");
	if (m == LR_METADATA_NONE && !net)
		return fold_into_deny_list(sb, err);
	bool own_helper = o && (o->in_place || o->supervised) && !o->notify_pool;
	if (own_helper && fold_behind_deny_list(sb, err))
		return -1;
	if (sb->trace_denials && !sb->metadata_folded) /* a denied call would go to the helper */
		return lr_fail(err, NULL, "--log-denials: the [syscalls] programs cannot carry the %s (they log, or "
			       "are too long), and a call they deny would reach the helper instead; drop the log "
			       "actions, or set [filesystem] metadata = any or none",
			       net ? "socket calls the helper makes" : "metadata = granted program");
	return 0;
}

/* ---- helper: the arguments ---------------------------------------------------------------- */

/* What the helper read from the target, once. */
struct args {
	const struct call *call;
	int dirfd;          /* AT_FDCWD, or the target's fd */
	bool has_path;      /* else the object is dirfd itself */
	bool follow;        /* a trailing link is followed */
	char path[PATH_MAX];
	unsigned mode;
	uid_t uid;
	gid_t gid;
	bool times_null;    /* utimes: now */
	struct timespec times[2];
	char name[XATTR_NAME_MAX + 1];
	size_t size;
	int xflags;
};

int lr_target_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): an address in the target, never dereferenced here */
	struct iovec l = { buf, len }, r = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(pid, &l, 1, &r, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	return n < 0 && errno != EFAULT ? errno == ESRCH ? ESRCH : EPERM : EFAULT;
}

/* A NUL-terminated string, page by page (a string at the end of a mapping must not fault the
 * read of the bytes after it). too_long: the errno when it does not fit. */
static int read_string(pid_t pid, uint64_t addr, char *buf, size_t cap, int too_long)
{
	size_t got = 0;
	if (!addr)
		return EFAULT;
	while (got < cap) {
		uint64_t at = addr + got;
		size_t chunk = 4096 - (size_t)(at & 4095);
		if (chunk > cap - got)
			chunk = cap - got;
		int e = lr_target_read(pid, at, buf + got, chunk);
		if (e)
			return e;
		if (memchr(buf + got, '\0', chunk))
			return 0;
		got += chunk;
	}
	return too_long;
}

static int read_times(pid_t pid, const struct call *c, uint64_t addr, struct args *a)
{
	a->times_null = !addr;
	if (!addr)
		return 0;
	if (c->op == OP_UTIMENS)
		return lr_target_read(pid, addr, a->times, sizeof(a->times));
	if (c->op == OP_UTIME) {
		struct utimbuf u = { 0 };
		int e = lr_target_read(pid, addr, &u, sizeof(u));
		a->times[0] = (struct timespec){ u.actime, 0 };
		a->times[1] = (struct timespec){ u.modtime, 0 };
		return e;
	}
	struct timeval tv[2] = { { 0 } };
	int e = lr_target_read(pid, addr, tv, sizeof(tv));
	for (int i = 0; !e && i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return EINVAL;
		a->times[i] = (struct timespec){ tv[i].tv_sec, tv[i].tv_usec * 1000 };
	}
	return e;
}

/* The AT_* flags of the *at calls: only those the kernel knows for them. */
static int read_at_flags(const struct call *c, uint64_t flags, struct args *a)
{
	unsigned known = AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH;
	if ((unsigned)flags & ~known)
		return EINVAL;
	if (flags & AT_SYMLINK_NOFOLLOW)
		a->follow = false;
	if ((flags & AT_EMPTY_PATH) && a->has_path && !a->path[0])
		a->has_path = false; /* "" with AT_EMPTY_PATH: the fd itself */
	else if (c->op == OP_UTIMENS && !a->has_path && (flags & AT_SYMLINK_NOFOLLOW))
		return EINVAL;
	return 0;
}

/* Everything the call needs, from the registers and the target's memory. */
static int read_args(const struct seccomp_notif *req, const struct call *c, struct args *a, char *value)
{
	const __u64 *arg = req->data.args;
	pid_t pid = (pid_t)req->pid;
	a->call = c;
	a->dirfd = c->dirfd >= 0 ? (int)arg[c->dirfd] : AT_FDCWD;
	a->follow = !c->nofollow;
	a->has_path = c->path >= 0 && !(c->op == OP_UTIMENS && !arg[c->path]);
	int e = a->has_path ? read_string(pid, arg[c->path], a->path, sizeof(a->path), ENAMETOOLONG) : 0;
	if (!e && c->flags >= 0)
		e = read_at_flags(c, arg[c->flags], a);
	if (!e && a->has_path && !a->path[0])
		e = ENOENT;
	/* no path and AT_FDCWD: the kernel's fchmod(AT_FDCWD) is EBADF and utimensat(AT_FDCWD, NULL)
	 * EFAULT, not the current directory (only "" with AT_EMPTY_PATH names it) */
	if (!e && c->dirfd >= 0 && c->path < 0 && a->dirfd == AT_FDCWD)
		e = EBADF;
	if (!e && c->op == OP_UTIMENS && !arg[c->path] && a->dirfd == AT_FDCWD)
		e = EFAULT;
	if (e)
		return e;
	switch (c->op) {
	case OP_CHMOD:
		a->mode = (unsigned)arg[c->val] & 07777;
		return 0;
	case OP_CHOWN:
		a->uid = (uid_t)arg[c->val];
		a->gid = (gid_t)arg[c->val + 1];
		return 0;
	case OP_UTIMENS:
	case OP_UTIMES:
	case OP_UTIME:
		return read_times(pid, c, arg[c->val], a);
	case OP_SETXATTR:
		a->size = (size_t)arg[c->val + 2];
		a->xflags = (int)arg[c->val + 3];
		if (a->size > XATTR_SIZE_MAX)
			return E2BIG;
		if (a->size && (e = lr_target_read(pid, arg[c->val + 1], value, a->size)))
			return e;
		return read_string(pid, arg[c->val], a->name, sizeof(a->name), ERANGE);
	case OP_REMOVEXATTR:
		return read_string(pid, arg[c->val], a->name, sizeof(a->name), ERANGE);
	case OP_NOSYS:
		break;
	}
	return ENOSYS;
}

/* ---- helper: the object ------------------------------------------------------------------- */

/* The target's directory fd or current directory (tid: the calling thread's), opened O_PATH. */
int lr_target_dir(pid_t tid, int fd)
{
	char proc[64];
	if (fd == AT_FDCWD)
		lr_sfmt(proc, sizeof(proc), "/proc/%d/cwd", tid);
	else if (fd < 0)
		return errno = EBADF, -1;
	else
		lr_sfmt(proc, sizeof(proc), "/proc/%d/fd/%d", tid, fd);
	int o = open(proc, O_PATH | O_CLOEXEC);
	if (o < 0 && errno == ENOENT)
		errno = EBADF;
	return o;
}

/* Whether the directory dir is a top (is_top) or lies beneath one, by device and inode, walking
 * up: each level one fstatat of "..", "../.." and so on from dir (the kernel follows each ".." as
 * an openat of it would, mounts included), up to the root (whose ".." is itself). No answer is
 * kept from one call to the next: anything may have been moved since. */
bool lr_dir_beneath(int dir, bool (*is_top)(const void *ctx, const struct stat *st), const void *ctx)
{
	struct stat st, prev;
	if (fstat(dir, &st) < 0)
		return false;
	char up[PATH_MAX];
	size_t len = 0;
	while (!is_top(ctx, &st)) {
		if (len + 3 >= sizeof(up))
			return false; /* deeper than a path can say: fail closed */
		memcpy(up + len, len ? "/.." : "..", len ? 4 : 3);
		len += len ? 3 : 2;
		prev = st;
		if (fstatat(dir, up, &st, 0) < 0 || (st.st_dev == prev.st_dev && st.st_ino == prev.st_ino))
			return false; /* the root, none above */
	}
	return true;
}

static bool is_write_dir(const void *rs, const struct stat *st)
{
	return lr_write_dir_of(rs, st) != NULL;
}

/* Whether dir is a write directory or lies beneath one. */
static bool in_write_dir(const struct lr_resolver *rs, int dir)
{
	return lr_dir_beneath(dir, is_write_dir, rs);
}

void lr_object_close(struct lr_object *o)
{
	if (o->fd >= 0)
		close(o->fd);
	if (o->parent >= 0)
		close(o->parent);
	o->fd = o->parent = -1;
}

/* Splits path into its directory (in dir) and last name; false when the path names a directory
 * by its form (trailing /, "." or ".."): then it is resolved whole. */
static bool split_last(const char *path, char *dir, size_t dsize, const char **last)
{
	size_t len = strlen(path);
	if (!len || path[len - 1] == '/')
		return false;
	const char *slash = strrchr(path, '/');
	*last = slash ? slash + 1 : path;
	if (strcmp(*last, ".") == 0 || strcmp(*last, "..") == 0)
		return false;
	size_t dlen = slash ? (size_t)(slash - path) : 0;
	if (slash && dlen == 0)
		dlen = 1; /* "/name" */
	if (!slash) {
		lr_sfmt(dir, dsize, ".");
		return true;
	}
	memcpy(dir, path, dlen);
	dir[dlen] = '\0';
	return true;
}

enum { MAX_LINKS = 40 };

static int find_parent(struct lr_resolver *rs, const char *name, size_t n, struct lr_object *o);

static bool in_procfs(int dir)
{
	struct statfs fs;
	return fstatfs(dir, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
}

/* Opens what path names from base (the target's cwd or dirfd), following a trailing link when
 * follow, but no link planted in a write directory (EPERM). 0, or an errno. */
int lr_open_path(struct lr_resolver *rs, int base, const char *path_in, bool follow, struct lr_object *o)
{
	char path[PATH_MAX], dir[PATH_MAX];
	lr_sfmt(path, sizeof(path), "%s", path_in);
	int cur = base;
	for (unsigned links = 0;; links++) {
		struct lr_planted planted;
		const char *last;
		if (path[0] != '/' && fchdir(cur) < 0)
			return errno;
		if (!split_last(path, dir, sizeof(dir), &last)) {
			int fd = lr_resolve(rs, path, &planted);
			if (fd == LR_RESOLVE_PLANTED)
				return EPERM;
			if (fd < 0)
				return errno;
			o->fd = fd;
			return fstat(fd, &o->st) < 0 ? errno : S_ISDIR(o->st.st_mode) ? 0 : ENOTDIR;
		}
		int parent = lr_resolve(rs, dir, &planted);
		if (parent == LR_RESOLVE_PLANTED)
			return EPERM;
		if (parent < 0)
			return errno;
		if (o->parent >= 0)
			close(o->parent);
		o->parent = parent;
		cur = parent;
		o->fd = openat(parent, last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (o->fd < 0 || fstat(o->fd, &o->st) < 0)
			return errno;
		if (!S_ISLNK(o->st.st_mode) || !follow)
			return 0;
		/* a trailing link: never one the sandbox could have planted */
		if (in_write_dir(rs, parent) || links >= MAX_LINKS)
			return links >= MAX_LINKS ? ELOOP : EPERM;
		char target[PATH_MAX];
		ssize_t t = readlinkat(parent, last, target, sizeof(target) - 1);
		if (t < 0)
			return errno;
		target[t] = '\0';
		close(o->fd);
		o->fd = -1;
		if (in_procfs(parent)) { /* /proc/PID/fd/N: the kernel knows where it leads, not its text */
			o->fd = openat(parent, last, O_PATH | O_CLOEXEC);
			close(o->parent);
			o->parent = -1;
			if (o->fd < 0 || fstat(o->fd, &o->st) < 0)
				return errno;
			return S_ISDIR(o->st.st_mode) ? 0 : find_parent(rs, target, (size_t)t, o);
		}
		memcpy(path, target, (size_t)t + 1);
	}
}

/* The directory holding o->fd (a non-directory), found by the name the kernel gives it (the text
 * of a /proc fd link) and checked to hold the same inode: pipes, sockets, memfds and deleted
 * files have none, and nothing grants them. */
static int find_parent(struct lr_resolver *rs, const char *name, size_t n, struct lr_object *o)
{
	if (name[0] != '/' || (n > 10 && strcmp(name + n - 10, " (deleted)") == 0))
		return EPERM;
	char dir[PATH_MAX];
	const char *last;
	struct lr_planted planted;
	struct stat st;
	if (!split_last(name, dir, sizeof(dir), &last))
		return EPERM; /* the kernel names no file so */
	int parent = lr_resolve(rs, dir, &planted);
	if (parent == LR_RESOLVE_PLANTED)
		return EPERM;
	if (parent < 0)
		return errno;
	int e = fstatat(parent, last, &st, AT_SYMLINK_NOFOLLOW) < 0 ? errno : 0;
	if (!e && (st.st_dev != o->st.st_dev || st.st_ino != o->st.st_ino))
		e = EPERM; /* renamed meanwhile: fail rather than guess */
	if (e)
		close(parent);
	else
		o->parent = parent;
	return e;
}

/* The object of an fd form (o->fd: the target's fd, opened through proc_link): a directory is
 * judged by itself, anything else by the directory its name leads to. */
static int open_fd_object(struct lr_resolver *rs, const char *proc_link, struct lr_object *o)
{
	if (fstat(o->fd, &o->st) < 0)
		return errno;
	if (S_ISDIR(o->st.st_mode))
		return 0;
	char name[PATH_MAX];
	ssize_t n = readlink(proc_link, name, sizeof(name) - 1);
	if (n <= 0)
		return EPERM;
	name[n] = '\0';
	return find_parent(rs, name, (size_t)n, o);
}

/* ---- helper: the call --------------------------------------------------------------------- */

static int perform(const struct args *a, const struct lr_object *o, const char *value)
{
	char self[64];
	lr_sfmt(self, sizeof(self), "/proc/self/fd/%d", o->fd);
	bool link = S_ISLNK(o->st.st_mode);
	int rc;
	switch (a->call->op) {
	case OP_CHMOD:
		if (link)
			return EOPNOTSUPP;
		/* the fd itself (Linux 6.6), else by its /proc name (a path walk more) */
		rc = (int)syscall(SYS_fchmodat2, o->fd, "", a->mode, AT_EMPTY_PATH);
		if (rc < 0 && (errno == ENOSYS || errno == EINVAL))
			rc = fchmodat(AT_FDCWD, self, a->mode, 0);
		break;
	case OP_CHOWN:
		rc = fchownat(o->fd, "", a->uid, a->gid, AT_EMPTY_PATH);
		break;
	case OP_UTIMENS:
	case OP_UTIMES:
	case OP_UTIME:
		rc = utimensat(o->fd, "", a->times_null ? NULL : a->times, AT_EMPTY_PATH);
		break;
	case OP_SETXATTR:
		if (link)
			return EPERM;
		rc = setxattr(self, a->name, value, a->size, a->xflags);
		break;
	case OP_REMOVEXATTR:
		if (link)
			return EPERM;
		rc = removexattr(self, a->name);
		break;
	default:
		return ENOSYS;
	}
	return rc < 0 ? errno : 0;
}

/* /proc/self and /proc/thread-self name the caller, not the helper: /proc/TID instead (glibc's
 * fchmodat(AT_SYMLINK_NOFOLLOW) chmods /proc/self/fd/N of an O_PATH fd). */
int lr_own_proc(char *path, size_t size, pid_t tid)
{
	static const char *const selves[] = { "/proc/self", "/proc/thread-self" };
	for (size_t i = 0; i < LR_ARRAY_LEN(selves); i++) {
		size_t n = strlen(selves[i]);
		if (strncmp(path, selves[i], n) != 0 || (path[n] != '/' && path[n] != '\0'))
			continue;
		char pid[24];
		int plen = lr_sfmt(pid, sizeof(pid), "/proc/%d", tid);
		size_t rest = strlen(path + n);
		if ((size_t)plen + rest >= size)
			return ENAMETOOLONG;
		memmove(path + plen, path + n, rest + 1);
		memcpy(path, pid, (size_t)plen);
		return 0;
	}
	return 0;
}

static const struct call *call_of(const struct seccomp_notif *req)
{
	if (req->data.arch != NATIVE_ARCH)
		return NULL;
	for (size_t i = 0; i < LR_ARRAY_LEN(calls); i++)
		if (calls[i].nr == req->data.nr)
			return &calls[i];
	return NULL; /* x32, or a number this helper does not know: refused */
}

bool lr_metadata_answer(struct lr_resolver *rs, int listener, const struct seccomp_notif *req,
			struct seccomp_notif_resp *resp)
{
	static const char no_value[1] = { 0 };
	char value[XATTR_SIZE_MAX];
	struct args a = { 0 };
	struct lr_object o = { -1, -1, { 0 } };
	char proc_link[64] = "";
	*resp = (struct seccomp_notif_resp){ .id = req->id };
	/* /proc/self/... in the target of a link on the way (/dev/stdin) names the caller too: the
	 * resolver spells it with the caller's id, and never asks the kernel for its own (a call
	 * outside the helper's allow list, which would kill it) */
	lr_sfmt(rs->proc_self, sizeof(rs->proc_self), "%d", (int)req->pid);
	rs->proc_self_read = true;
	const struct call *c = call_of(req);
	int e = c ? read_args(req, c, &a, value) : EPERM;
	int base = -1;
	if (!e && a.has_path)
		e = lr_own_proc(a.path, sizeof(a.path), (pid_t)req->pid);
	if (!e) { /* the fd or directory the path starts from, while the target is known alive */
		pid_t tid = (pid_t)req->pid;
		if (!(a.has_path && a.path[0] == '/') && (base = lr_target_dir(tid, a.dirfd)) < 0)
			e = errno;
		if (!a.has_path)
			lr_sfmt(proc_link, sizeof(proc_link), "/proc/%d/fd/%d", tid, a.dirfd);
	}
	/* Everything read from the target is in this process now: the target still being the one
	 * that made the call (its pid not reused) makes the reads its own. */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) < 0) {
		if (base >= 0)
			close(base);
		return false;
	}
	if (!e && a.has_path) {
		e = lr_open_path(rs, base, a.path, a.follow, &o);
	} else if (!e) {
		o.fd = base;
		base = -1;
		e = open_fd_object(rs, proc_link, &o);
	}
	if (!e && !in_write_dir(rs, S_ISDIR(o.st.st_mode) ? o.fd : o.parent))
		e = EPERM;
	if (!e)
		e = perform(&a, &o, a.call->op == OP_SETXATTR && a.size ? value : no_value);
	lr_object_close(&o);
	if (base >= 0)
		close(base);
	resp->error = e ? -e : 0;
	return true;
}

/* The notification program (src/metadata.c) as the kernel runs it: every syscall number, native
 * and x32, answered by the family's action exactly when it is one of the family, the inode
 * attribute ioctls refused, the socket calls the helper makes notified when it makes them (sendto
 * only with an address), everything else allowed; other architectures untouched. Its shape (a
 * search tree over the numbers) is a matter of speed, and must not change the answer for any
 * number. */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "metadata.h"
#include "policy.h"
#include "sandbox.h"
#include "seccomp_oracle.h"

/* The family's numbers, as the kernel numbers them (the newer ones may postdate the headers). */
static const unsigned family[] = {
#ifdef SYS_chmod
	SYS_chmod, SYS_chown, SYS_lchown, SYS_utime, SYS_utimes, SYS_futimesat,
#endif
	SYS_fchmod, SYS_fchmodat, 452 /* fchmodat2 */, SYS_fchown, SYS_fchownat, SYS_utimensat, SYS_setxattr,
	SYS_lsetxattr, SYS_fsetxattr, SYS_removexattr, SYS_lremovexattr, SYS_fremovexattr,
	463 /* setxattrat */, 466 /* removexattrat */, 469 /* file_setattr */,
};

static bool in_family(unsigned nr)
{
	for (size_t i = 0; i < sizeof(family) / sizeof(family[0]); i++)
		if (family[i] == nr)
			return true;
	return false;
}

static uint32_t run_args(const struct lr_sandbox *sb, uint32_t arch, unsigned nr, uint64_t arg1, uint64_t arg4)
{
	struct seccomp_data d = { .nr = (int)nr, .arch = arch, .args = { 3, arg1, 0, 0, arg4 } };
	uint32_t verdict = 0;
	unsigned pc = 0;
	if (!lrt_bpf_run(sb->metadata_bpf, sb->metadata_len, &d, &verdict, &pc))
		cr_assert_fail("instruction at %u refused, or ran off the end (nr %u)", pc, nr);
	return verdict;
}

static uint32_t run(const struct lr_sandbox *sb, uint32_t arch, unsigned nr, uint64_t arg1)
{
	return run_args(sb, arch, nr, arg1, 0);
}

/* The socket calls: connect, sendmsg, sendmmsg (sendto apart: by its address). */
static bool is_net(unsigned nr)
{
	return nr == SYS_connect || nr == SYS_sendmsg || nr == SYS_sendmmsg;
}

#ifdef __x86_64__
static bool is_x32_net(unsigned nr)
{
	return nr == 42 || nr == 44 || nr == 518 || nr == 538;
}
#endif

/* Compiles the program for mode as landrun (in place, one write grant) would; net: the helper
 * makes the socket calls too. */
static void compile_net(struct lr_sandbox *sb, enum lr_metadata mode, bool net)
{
	struct lr_policy p;
	lr_policy_init(&p);
	p.metadata.is = mode;
	p.metadata.set = true;
	lr_sandbox_init(sb);
	sb->handled_fs = 1;
	sb->net.on = net;
	cr_assert(lr_vec_push(&sb->write_dirs));
	struct lr_compile_opts o = { .in_place = true };
	struct lr_error err = { 0 };
	cr_assert_eq(lr_metadata_compile(sb, &p, &o, &err), 0, "%s", err.msg);
	cr_assert_eq(sb->metadata, mode);
	lr_policy_free(&p);
}

static void expect_answers_net(enum lr_metadata mode, uint32_t action, bool net)
{
	struct lr_sandbox sb;
	compile_net(&sb, mode, net);
	size_t names = 0;
	while (lr_metadata_calls[names])
		names++;
	cr_assert_eq(names, sizeof(family) / sizeof(family[0]), "the test's list of the family is not the family");
	for (unsigned nr = 0; nr < 1100; nr++) {
		uint32_t want = in_family(nr) ? action : SECCOMP_RET_ALLOW;
		if (net && is_net(nr))
			want = SECCOMP_RET_USER_NOTIF;
		if (nr == SYS_ioctl || nr == SYS_sendto)
			continue;
		cr_expect_eq(run(&sb, LR_NATIVE_ARCH, nr, 0), want, "native nr %u", nr);
#ifdef __x86_64__
		uint32_t want32 = in_family(nr) ? action : net && is_x32_net(nr) ? SECCOMP_RET_USER_NOTIF : SECCOMP_RET_ALLOW;
		cr_expect_eq(run(&sb, LR_NATIVE_ARCH, nr | 0x40000000u, 0), want32, "x32 nr %u", nr);
		cr_expect_eq(run(&sb, AUDIT_ARCH_I386, nr, 0), SECCOMP_RET_ALLOW, "i386 nr %u", nr);
#endif
	}
	/* sendto: without an address it cannot be redirected */
	uint32_t to = net ? SECCOMP_RET_USER_NOTIF : SECCOMP_RET_ALLOW;
	cr_expect_eq(run_args(&sb, LR_NATIVE_ARCH, SYS_sendto, 0, 0), SECCOMP_RET_ALLOW);
	cr_expect_eq(run_args(&sb, LR_NATIVE_ARCH, SYS_sendto, 0, 0x1000), to);
	cr_expect_eq(run_args(&sb, LR_NATIVE_ARCH, SYS_sendto, 0, 1ull << 32), to);
	if (mode == LR_METADATA_ANY) {
		cr_expect_eq(run(&sb, LR_NATIVE_ARCH, SYS_ioctl, FS_IOC_SETFLAGS), SECCOMP_RET_ALLOW);
		lr_sandbox_free(&sb);
		return;
	}
	cr_expect_eq(run(&sb, LR_NATIVE_ARCH, SYS_ioctl, FS_IOC_SETFLAGS), SECCOMP_RET_ERRNO | EPERM);
	cr_expect_eq(run(&sb, LR_NATIVE_ARCH, SYS_ioctl, FS_IOC_GETFLAGS), SECCOMP_RET_ALLOW);
	/* ext4's own generation commands ('f' 4), the high word ignored as the kernel does */
	cr_expect_eq(run(&sb, LR_NATIVE_ARCH, SYS_ioctl, _IOW('f', 4, long)), SECCOMP_RET_ERRNO | EPERM);
	cr_expect_eq(run(&sb, LR_NATIVE_ARCH, SYS_ioctl, _IOW('f', 4, int)), SECCOMP_RET_ERRNO | EPERM);
	cr_expect_eq(run(&sb, LR_NATIVE_ARCH, SYS_ioctl, (1ull << 32) | _IOW('f', 4, long)), SECCOMP_RET_ERRNO | EPERM);
	cr_expect_eq(run(&sb, LR_NATIVE_ARCH, SYS_ioctl, _IOR('f', 3, long)), SECCOMP_RET_ALLOW);
#ifdef __x86_64__
	cr_expect_eq(run(&sb, LR_NATIVE_ARCH, 514 | 0x40000000u, FS_IOC_SETFLAGS), SECCOMP_RET_ERRNO | EPERM);
	cr_expect_eq(run(&sb, LR_NATIVE_ARCH, 514 | 0x40000000u, FS_IOC_GETFLAGS), SECCOMP_RET_ALLOW);
#endif
	lr_sandbox_free(&sb);
}

Test(metadata_bpf, granted_notifies_the_family_and_nothing_else)
{
	expect_answers_net(LR_METADATA_GRANTED, SECCOMP_RET_USER_NOTIF, false);
}

Test(metadata_bpf, none_refuses_the_family_and_nothing_else)
{
	expect_answers_net(LR_METADATA_NONE, SECCOMP_RET_ERRNO | EPERM, false);
}

Test(metadata_bpf, socket_calls_notified_beside_granted)
{
	expect_answers_net(LR_METADATA_GRANTED, SECCOMP_RET_USER_NOTIF, true);
}

Test(metadata_bpf, socket_calls_notified_beside_none)
{
	expect_answers_net(LR_METADATA_NONE, SECCOMP_RET_ERRNO | EPERM, true);
}

Test(metadata_bpf, socket_calls_notified_alone)
{
	expect_answers_net(LR_METADATA_ANY, SECCOMP_RET_ALLOW, true);
}

static uint32_t run_sockopt(const struct lr_sandbox *sb, uint64_t level, uint64_t name)
{
	struct seccomp_data d = { .nr = SYS_setsockopt, .arch = LR_NATIVE_ARCH, .args = { 3, level, name, 0, 4 } };
	uint32_t verdict = 0;
	unsigned pc = 0;
	if (!lrt_bpf_run(sb->metadata_bpf, sb->metadata_len, &d, &verdict, &pc))
		cr_assert_fail("instruction at %u refused, or ran off the end", pc);
	return verdict;
}

/* udp = dns: the socket options that set a source route are refused (the datagram would go to its
 * first hop, not the nameserver judged); any other option, and every option without udp = dns. */
Test(metadata_bpf, udp_dns_refuses_the_source_route_options)
{
	for (int dns = 0; dns < 2; dns++) {
		struct lr_sandbox sb;
		struct lr_policy p;
		lr_policy_init(&p);
		p.metadata.is = LR_METADATA_ANY;
		p.metadata.set = true;
		lr_sandbox_init(&sb);
		sb.net.on = true;
		sb.net.udp_dns = dns;
		struct lr_compile_opts o = { .in_place = true };
		struct lr_error err = { 0 };
		cr_assert_eq(lr_metadata_compile(&sb, &p, &o, &err), 0, "%s", err.msg);
		uint32_t refused = dns ? SECCOMP_RET_ERRNO | EPERM : SECCOMP_RET_ALLOW;
		cr_expect_eq(run_sockopt(&sb, 41, 57), refused, "IPV6_RTHDR");
		cr_expect_eq(run_sockopt(&sb, 41, 5), refused, "IPV6_2292RTHDR");
		cr_expect_eq(run_sockopt(&sb, 41, 6), refused, "IPV6_2292PKTOPTIONS");
		cr_expect_eq(run_sockopt(&sb, 41, 32), refused, "IPV6_FLOWLABEL_MGR");
		cr_expect_eq(run_sockopt(&sb, (1ull << 32) | 41, (1ull << 32) | 57), refused, "the high words ignored");
		cr_expect_eq(run_sockopt(&sb, 0, 4), refused, "IP_OPTIONS");
		cr_expect_eq(run_sockopt(&sb, 41, 26), SECCOMP_RET_ALLOW, "IPV6_V6ONLY");
		cr_expect_eq(run_sockopt(&sb, 0, 1), SECCOMP_RET_ALLOW, "IP_TOS");
		cr_expect_eq(run_sockopt(&sb, 1, 4), SECCOMP_RET_ALLOW, "SO_REUSEADDR");
		cr_expect_eq(run_sockopt(&sb, 1, 57), SECCOMP_RET_ALLOW, "SOL_SOCKET 57");
		lr_sandbox_free(&sb);
		lr_policy_free(&p);
	}
}

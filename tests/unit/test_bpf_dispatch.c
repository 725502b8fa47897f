/* The syscall-number dispatch in front of libseccomp's program (src/bpf_dispatch.c): run by a
 * classic BPF interpreter, it must give every syscall, architecture and argument the verdict
 * libseccomp alone gives for the same policy. */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_dispatch.h"
#include "sandbox.h"
#include "seccomp_compile.h"
#include "seccomp_oracle.h"
#include "unit.h"

static const char *const env[] = { "HOME=/home/tester", "PATH=/usr/bin:/bin", NULL };
static struct lr_env_ctx CTX = { .environ = env };

/* Runs prog on d as the kernel would; fails the test on an instruction or jump it rejects. */
static uint32_t run_bpf(const struct sock_filter *prog, unsigned len, const struct seccomp_data *d)
{
	uint32_t verdict = 0;
	unsigned pc = 0;
	if (!lrt_bpf_run(prog, len, d, &verdict, &pc))
		cr_assert_fail("instruction 0x%04x at %u refused, or ran off the end of a %u-instruction program",
			       pc < len ? prog[pc].code : 0, pc, len);
	return verdict;
}

/* Every syscall number below 1100, -1 and the first 23 of the x32 range, on three architectures;
 * every argument vector on every 7th number below 1100 and on the rest, every 97th on the others. */
static const struct lrt_sweep FULL = { .nr_max = 1100, .x32_count = 23, .arg_stride = 97, .dense_every = 7,
				       .dense_beyond = true };

/* Compiles text both ways and compares the verdicts of every program. */
static void expect_same_verdicts(const char *text, int abi, bool trace)
{
	uint64_t (*v)[6] = calloc(LRT_ARG_VECTORS, sizeof(*v));
	unsigned nv = lrt_arg_vectors(v, LRT_ARG_VECTORS);
	bool dispatched = false;
	char why[512] = "";
	enum lrt_oracle o = lrt_compare_seccomp(&CTX, text, abi, trace, &FULL, (const uint64_t (*)[6])v, nv,
						&dispatched, why, sizeof(why));
	cr_assert_eq(o, LRT_SAME, "%s\n%s", text, why);
	/* the dispatch is in use: the two programs differ */
	cr_assert(dispatched, "%s\nthe dispatch was not used", text);
	free(v);
}

Test(bpf_dispatch, baseline_and_network_variants)
{
	expect_same_verdicts("", 7, false);
	expect_same_verdicts("[network]\nudp = yes\n", 7, false);
	expect_same_verdicts("[network]\nconnect_tcp = 443\nbind_tcp = 8080\n", 7, false);
	expect_same_verdicts("[network]\nudp = yes\nfamilies = unix inet netlink packet\n", 7, false);
	expect_same_verdicts("[filesystem]\nro = /usr\n", 2, false); /* truncate(2) denied below ABI 3 */
	expect_same_verdicts("[network]\nunix = any\nnetlink = any\n", 7, false);
	expect_same_verdicts("[network]\nunix = /run/a.sock\nnetlink = route sock_diag audit 31\nbind_tcp = 80\n", 7, false);
	expect_same_verdicts("[network]\nnetlink = generic kobject_uevent\nfamilies = unix netlink\n", 7, false);
	expect_same_verdicts("[filesystem]\nunrestricted = yes\n[syscalls]\nbaseline_except = memfd_create name_to_handle_at\n", 7, false);
}

Test(bpf_dispatch, syscall_rules_and_actions)
{
	expect_same_verdicts("[syscalls]\ndeny = ptrace:kill uname:log @clock\nbaseline_except = @io_uring ioctl\n", 7, false);
	expect_same_verdicts("[syscalls]\naction = errno:EACCES\ndeny = @obsolete getppid\nallow = personality\n", 7, false);
	expect_same_verdicts("[syscalls]\nbaseline = none\ndeny = @file-system:errno:EROFS\n", 7, false);
	expect_same_verdicts("[syscalls]\naction = kill\ndeny = uname\n", 7, false);
	/* whole-syscall rules only: the build-time tail is used */
	expect_same_verdicts("[syscalls]\ndeny = getppid uname mount:kill\nallow = perf_event_open\n", 7, false);
}

Test(bpf_dispatch, allow_lists_exec_control_and_traced_denials)
{
	expect_same_verdicts("[syscalls]\ndefault = deny\nallow = @default @basic-io @file-system @process @signal\n", 7, false);
	expect_same_verdicts("[syscalls]\ndefault = deny\nallow = read write\n", 7, true);
	expect_same_verdicts("[exec]\nallow = /usr/bin\n", 7, false);
	expect_same_verdicts("[syscalls]\ndeny = ptrace:kill getppid\n[network]\nudp = yes\n", 7, true);
}

/* 1024 runs of one syscall each: every left subtree above the leaves is longer than a
 * conditional jump reaches, so the ja form is taken all the way up. */
Test(bpf_dispatch, long_jumps_and_the_tail)
{
	enum { NR = 1024 };
	static uint32_t action[NR];
	static uint8_t set[NR];
	for (unsigned nr = 0; nr < NR; nr++) {
		set[nr] = nr % 2 == 0;
		action[nr] = SECCOMP_RET_ERRNO | (nr % 3 + 1);
	}
	const struct sock_filter tail[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct sock_filter *out = calloc(BPF_MAXINSNS, sizeof(*out));
	int len = lr_bpf_dispatch(action, set, NR, AUDIT_ARCH_X86_64, tail, 1, out, BPF_MAXINSNS);
	cr_assert_gt(len, 1024);
	for (uint32_t nr = 0; nr < NR + 8; nr++) {
		struct seccomp_data d = { .nr = (int)nr, .arch = AUDIT_ARCH_X86_64 };
		uint32_t want = nr < NR && set[nr] ? action[nr] : SECCOMP_RET_ALLOW;
		cr_assert_eq(run_bpf(out, (unsigned)len, &d), want, "nr %u", nr);
		d.arch = AUDIT_ARCH_I386;
		cr_assert_eq(run_bpf(out, (unsigned)len, &d), SECCOMP_RET_ALLOW, "other arch, nr %u", nr);
	}
	/* too long for the room given: refused, never cut */
	cr_expect_eq(lr_bpf_dispatch(action, set, NR, AUDIT_ARCH_X86_64, tail, 1, out, (unsigned)len - 1), -1);
	/* nothing to dispatch: the tail alone */
	memset(set, 0, sizeof(set));
	cr_expect_eq(lr_bpf_dispatch(action, set, NR, AUDIT_ARCH_X86_64, tail, 1, out, BPF_MAXINSNS), 1);
	free(out);
}

/* The shipped default and git policies take the build-time program (no libseccomp at run time):
 * the baseline and [network] defaults of the common variants are theirs. */
Test(bpf_dispatch, shipped_policies_use_the_prebuilt_program)
{
	static const char *const cases[] = { "default", "git", "shell" };
	struct lr_env_ctx ctx = { .environ = env, .policy_dirs = { LANDRUN_SRCDIR "/policies", NULL } };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lr_policy p;
		struct lr_sandbox sb;
		struct lr_error err = { 0 };
		lr_policy_init(&p);
		lr_sandbox_init(&sb);
		cr_assert_eq(lr_policy_load(&p, &ctx, cases[i], &err), 0, "%s", err.msg);
		cr_assert_eq(lr_seccomp_compile(&sb, &p, LR_SECCOMP_PREBUILT, &err), 0, "%s", err.msg);
		cr_expect(sb.seccomp_prebuilt, "%s.ini compiles its seccomp program at run time", cases[i]);
		lr_sandbox_free(&sb);
		lr_policy_free(&p);
	}
}

/* The differential oracle on random policies (fixed seed): [syscalls] lists with actions,
 * default, action, baseline and baseline_except, [network] families, udp, unix, netlink and ports,
 * [exec], at a random ABI, denials traced or not. Every syscall number below 1100, -1 and the
 * whole x32 range, on three architectures; each policy sees another slice of the argument vectors
 * (all of them on every 16th number). tests/fuzz/fuzz_seccomp.c runs the same with the fuzzer's
 * choices. */
Test(bpf_dispatch, random_policies_match_libseccomp, .timeout = 60)
{
	enum { POLICIES = 120 };
	const struct lrt_sweep sparse = { .nr_max = 1100, .x32_count = 560, .arg_stride = 211, .dense_every = 16 };
	uint64_t (*v)[6] = calloc(LRT_ARG_VECTORS, sizeof(*v));
	unsigned nv = lrt_arg_vectors(v, LRT_ARG_VECTORS);
	struct lrt_choices c = { .state = 0x6c616e6472756eull }; /* fixed: a failure reproduces */
	unsigned same = 0, dispatched = 0;
	for (unsigned n = 0; n < POLICIES; n++) {
		struct lrt_text text;
		int abi;
		bool trace, used = false;
		lrt_random_policy(&c, &text, &abi, &trace);
		struct lrt_sweep s = sparse;
		s.arg_offset = n;
		char why[512] = "";
		enum lrt_oracle o = lrt_compare_seccomp(&CTX, text.buf, abi, trace, &s, (const uint64_t (*)[6])v, nv, &used,
							why, sizeof(why));
		cr_assert_neq(o, LRT_DIFFERENT, "policy %u (ABI %d%s):\n%s\n%s", n, abi, trace ? ", traced" : "", text.buf, why);
		same += o == LRT_SAME;
		dispatched += used;
	}
	/* the generator makes policies the parser takes, and most of them put the dispatch in use */
	cr_expect_geq(same, POLICIES * 9 / 10, "%u of %u random policies compiled", same, POLICIES);
	cr_expect_geq(dispatched, same / 2, "the dispatch was used for %u of %u", dispatched, same);
	free(v);
}

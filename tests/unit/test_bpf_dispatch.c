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
#include "unit.h"

static const char *const env[] = { "HOME=/home/tester", "PATH=/usr/bin:/bin", NULL };
static struct lr_env_ctx CTX = { .environ = env };

/* Runs prog on d as the kernel would; fails the test on an instruction or jump it rejects. */
static uint32_t run_bpf(const struct sock_filter *prog, unsigned len, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	for (unsigned pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];
		uint32_t k = f->k;
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			cr_assert(k % 4 == 0 && k < sizeof(*d), "load at %u", k);
			memcpy(&a, (const char *)d + k, 4);
			break;
		case BPF_LD | BPF_MEM: a = mem[k % BPF_MEMWORDS]; break;
		case BPF_LDX | BPF_MEM: x = mem[k % BPF_MEMWORDS]; break;
		case BPF_ST: mem[k % BPF_MEMWORDS] = a; break;
		case BPF_STX: mem[k % BPF_MEMWORDS] = x; break;
		case BPF_ALU | BPF_AND | BPF_K: a &= k; break;
		case BPF_ALU | BPF_OR | BPF_K: a |= k; break;
		case BPF_MISC | BPF_TAX: x = a; break;
		case BPF_MISC | BPF_TXA: a = x; break;
		case BPF_RET | BPF_K: return k;
		case BPF_RET | BPF_A: return a;
		case BPF_JMP | BPF_JA: pc += k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += a > k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGE | BPF_K: pc += a >= k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += a & k ? f->jt : f->jf; break;
		default: cr_assert_fail("instruction 0x%04x at %u", f->code, pc);
		}
	}
	cr_assert_fail("ran off the end of a %u-instruction program", len);
	return 0;
}

/* Argument vectors that reach each argument-checked rule and its edges. */
static unsigned arg_vectors(uint64_t (*v)[6], unsigned cap)
{
	static const uint64_t first[] = {
		0, 1, 2, 10, 16, 17, 44, 45, 46, 47, 0xffffffffu, 0x100000000ull | 2, ~0ull, 0x5412, 0x541c,
		0x100005412ull, CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET | CLONE_VM, CLONE_VM | CLONE_FS,
	};
	static const uint64_t second[] = { 0, 1, 2, 3, 5, 8, 0x80801, 0x802, 0x5412, 0x541c, 04755, 02755, 0755, 0x100000001ull };
	static const uint64_t third[] = { 0, 1, 6, 17, 132, 262, 04000, 02000, 0777, ~0ull };
	unsigned n = 0;
	for (size_t i = 0; i < LR_ARRAY_LEN(first); i++)
		for (size_t j = 0; j < LR_ARRAY_LEN(second); j++)
			for (size_t l = 0; l < LR_ARRAY_LEN(third) && n < cap; l++, n++) {
				memset(v[n], 0, sizeof(v[n]));
				v[n][0] = first[i], v[n][1] = second[j], v[n][2] = third[l];
			}
	return n;
}

/* Compiles text both ways and compares the verdicts of every program. */
static void expect_same_verdicts(const char *text, int abi, bool trace)
{
	struct lr_policy p;
	struct lr_error err = { 0 };
	lr_policy_init(&p);
	cr_assert_eq(lr_policy_load_string(&p, &CTX, text, "t.ini", &err), 0, "%s", err.msg);
	struct lr_sandbox fast, ref;
	lr_sandbox_init(&fast);
	lr_sandbox_init(&ref);
	fast.abi = ref.abi = abi;
	fast.trace_denials = ref.trace_denials = trace;
	cr_assert_eq(lr_seccomp_compile(&fast, &p, 0, &err), 0, "%s", err.msg);
	cr_assert_eq(lr_seccomp_compile(&ref, &p, LR_SECCOMP_LIBSECCOMP_ONLY, &err), 0, "%s", err.msg);
	cr_assert_eq(fast.seccomp_rules, ref.seccomp_rules);
	/* the dispatch is in use: the two programs differ */
	cr_assert(fast.bpf_len[0] != ref.bpf_len[0] || memcmp(fast.bpf[0], ref.bpf[0], ref.bpf_len[0] * sizeof(*ref.bpf[0])));
	enum { NV = 2800 };
	uint64_t (*v)[6] = calloc(NV, sizeof(*v));
	unsigned nv = arg_vectors(v, NV);
	const uint32_t arches[] = { (uint32_t)seccomp_arch_native(), AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64 };
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(!fast.bpf_len[i], !ref.bpf_len[i], "program %d", i);
		for (size_t a = 0; fast.bpf_len[i] && a < LR_ARRAY_LEN(arches); a++)
			for (uint32_t nr = 0; nr < 1100 + 24; nr++) {
				/* then the x32 range, and the -1 of a tracer-skipped call */
				struct seccomp_data d = { .nr = (int)(nr < 1100 ? nr : nr == 1100 ? 0xffffffffu : 0x40000000u + nr - 1101),
							  .arch = arches[a] };
				for (unsigned k = 0; k < nv; k += nr < 1100 && nr % 7 ? 97 : 1) {
					memcpy(d.args, v[k], sizeof(d.args));
					uint32_t got = run_bpf(fast.bpf[i], fast.bpf_len[i], &d);
					uint32_t want = run_bpf(ref.bpf[i], ref.bpf_len[i], &d);
					if (got != want)
						cr_assert_fail("%s\nprogram %d, arch %#x, nr %d, args %#llx %#llx %#llx: %#x, libseccomp %#x",
							       text, i, d.arch, d.nr, (unsigned long long)d.args[0],
							       (unsigned long long)d.args[1], (unsigned long long)d.args[2], got, want);
				}
			}
	}
	free(v);
	lr_sandbox_free(&fast);
	lr_sandbox_free(&ref);
	lr_policy_free(&p);
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

/* The differential oracle of the seccomp compiler, shared by the unit suite and the fuzz harness:
 * a classic BPF interpreter that runs a program as the kernel would, random policies, and the
 * comparison of what the syscall-number dispatch (src/bpf_dispatch.c) answers with what
 * libseccomp's own program (LR_SECCOMP_LIBSECCOMP_ONLY) answers for the same policy. Nothing here
 * depends on Criterion: a finding is returned as text. */
#ifndef LANDRUN_TESTS_SECCOMP_ORACLE_H
#define LANDRUN_TESTS_SECCOMP_ORACLE_H

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "sandbox.h"
#include "seccomp_compile.h"

/* Runs prog on d as the kernel would: true with *verdict, or false with *bad_pc where the kernel
 * would have refused the program (an instruction it rejects, a load outside seccomp_data, a jump
 * or a run off the end). */
static inline bool lrt_bpf_run(const struct sock_filter *prog, unsigned len, const struct seccomp_data *d,
			       uint32_t *verdict, unsigned *bad_pc)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	unsigned pc;
	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];
		uint32_t k = f->k;
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k % 4 != 0 || k >= sizeof(*d))
				goto refused;
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
		case BPF_RET | BPF_K: *verdict = k; return true;
		case BPF_RET | BPF_A: *verdict = a; return true;
		case BPF_JMP | BPF_JA: pc += k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += a > k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGE | BPF_K: pc += a >= k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += a & k ? f->jt : f->jf; break;
		default: goto refused;
		}
	}
refused:
	*bad_pc = pc;
	return false;
}

/* Argument vectors that reach each argument-checked rule and its edges: fills v (at most cap) and
 * returns how many. */
static inline unsigned lrt_arg_vectors(uint64_t (*v)[6], unsigned cap)
{
	static const uint64_t first[] = {
		0, 1, 2, 10, 16, 17, 44, 45, 46, 47, 0xffffffffu, 0x100000000ull | 2, ~0ull, 0x5412, 0x541c,
		0x100005412ull, CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET | CLONE_VM, CLONE_VM | CLONE_FS,
	};
	static const uint64_t second[] = { 0, 1, 2, 3, 5, 8, 0x80801, 0x802, 0x5412, 0x541c, 04755, 02755, 0755, 0x100000001ull };
	static const uint64_t third[] = { 0, 1, 6, 17, 132, 262, 04000, 02000, 0777, ~0ull };
	unsigned n = 0;
	for (size_t i = 0; i < sizeof(first) / sizeof(first[0]); i++)
		for (size_t j = 0; j < sizeof(second) / sizeof(second[0]); j++)
			for (size_t l = 0; l < sizeof(third) / sizeof(third[0]) && n < cap; l++, n++) {
				memset(v[n], 0, sizeof(v[n]));
				v[n][0] = first[i], v[n][1] = second[j], v[n][2] = third[l];
			}
	return n;
}

enum { LRT_ARG_VECTORS = 2800 }; /* all lrt_arg_vectors makes */

/* Where the choices of a random policy come from: the fuzzer's bytes while they last (then 0, the
 * first choice, which ends every list), or with data NULL a xorshift generator seeded by state. */
struct lrt_choices {
	const uint8_t *data;
	size_t len, pos;
	uint64_t state;
};

/* A number below n (n > 0). */
static inline unsigned lrt_pick(struct lrt_choices *c, unsigned n)
{
	if (c->data)
		return c->pos < c->len ? c->data[c->pos++] % n : 0;
	c->state ^= c->state << 13;
	c->state ^= c->state >> 7;
	c->state ^= c->state << 17;
	return (unsigned)(c->state >> 11) % n;
}

#define LRT_PICK(c, arr) ((arr)[lrt_pick((c), sizeof(arr) / sizeof((arr)[0]))])

struct lrt_text {
	char buf[4096];
	size_t len;
};

static inline void __attribute__((format(printf, 2, 3))) lrt_text_add(struct lrt_text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = t->len + (size_t)n < sizeof(t->buf) ? t->len + (size_t)n : sizeof(t->buf) - 1;
}

/* "key = w1 w2 ..." with up to max words of words (each with an action when actions is not NULL),
 * or nothing when none was picked. One line: the list stays under inih's 197 bytes. */
static inline void lrt_random_list(struct lrt_choices *c, struct lrt_text *t, const char *key,
				   const char *const *words, unsigned nwords, const char *const *actions,
				   unsigned nactions, unsigned max)
{
	unsigned n = lrt_pick(c, max + 1);
	if (!n)
		return;
	lrt_text_add(t, "%s =", key);
	for (unsigned i = 0; i < n; i++) {
		const char *action = actions ? actions[lrt_pick(c, nactions)] : "";
		lrt_text_add(t, " %s%s%s", words[lrt_pick(c, nwords)], *action ? ":" : "", action);
	}
	lrt_text_add(t, "\n");
}

/* A random policy for the seccomp compiler: [syscalls] allow/deny lists with actions, default,
 * action, baseline and baseline_except; [network] families, udp, unix, netlink and ports;
 * [exec]; [filesystem] (ABI 2 denies truncate(2) by filter). Also picks the ABI and whether
 * denials are traced. */
static inline void lrt_random_policy(struct lrt_choices *c, struct lrt_text *t, int *abi, bool *trace)
{
	static const char *const names[] = {
		"read", "write", "openat", "close", "ptrace", "uname", "getppid", "mount", "kill", "personality",
		"ioctl", "socket", "socketpair", "connect", "bind", "clone", "clone3", "unshare", "setns",
		"keyctl", "add_key", "chmod", "fchmodat", "perf_event_open", "memfd_create", "name_to_handle_at",
		"io_uring_setup", "bpf", "prctl", "mprotect", "truncate", "ftruncate",
		"prlimit64", "setrlimit", "sendto", "chroot", "seccomp", "@clock", "@obsolete",
		"@io_uring", "@chmod", "@file-system", "@basic-io", "@signal",
		"@io-event", "@namespaces", "@mount", "@keyring", "@debug", "@network-io", "@setuid",
	};
	/* what baseline_except takes: the baseline's groups and single syscalls */
	static const char *const baseline_items[] = {
		"@namespaces", "@mount", "@io_uring", "@keyring", "@module", "@reboot", "@swap", "@clock", "@raw-io",
		"@obsolete", "@chmod", "ioctl", "memfd_create", "name_to_handle_at", "personality", "ptrace",
		"perf_event_open", "keyctl", "socket", "clone", "prlimit64",
	};
	/* the groups with execve, which no deny list may hold, only for allow */
	static const char *const allow_groups[] = { "@default", "@process", "@basic-io", "@file-system", "@signal" };
	/* log is rare: it is refused where the baseline or [network] deny the syscall */
	static const char *const actions[] = { "", "", "", "", "kill", "kill", "log", "errno:EPERM", "errno:EACCES",
					       "errno:EROFS", "errno:EPERM", "errno:EACCES" };
	static const char *const default_action[] = { NULL, "errno:EPERM", "errno:EACCES", "kill", "log" };
	static const char *const families[] = { "unix", "inet", "inet6", "netlink", "packet", "bluetooth", "vsock" };
	static const char *const netlink[] = { "route", "sock_diag", "audit", "generic", "kobject_uevent", "31" };
	static const char *const ports[] = { "80", "443", "8080", "1-1024", "53" };
	static const char *const tcp_keys[] = { "connect_tcp", "bind_tcp" };
	*abi = 1 + (int)lrt_pick(c, 7);
	*trace = lrt_pick(c, 4) == 0;
	t->len = 0;
	t->buf[0] = '\0';
	switch (lrt_pick(c, 4)) {
	case 1: lrt_text_add(t, "[filesystem]\nro = /usr\n"); break;
	case 2: lrt_text_add(t, "[filesystem]\nunrestricted = yes\n"); break;
	default: break;
	}
	lrt_text_add(t, "[syscalls]\n");
	if (lrt_pick(c, 4) == 0)
		lrt_text_add(t, "default = deny\n");
	const char *act = LRT_PICK(c, default_action);
	if (act)
		lrt_text_add(t, "action = %s\n", act);
	switch (lrt_pick(c, 4)) {
	case 1: lrt_text_add(t, "baseline = none\n"); break;
	case 2: lrt_text_add(t, "baseline = hardened\n"); break;
	default: break;
	}
	lrt_random_list(c, t, "deny", names, sizeof(names) / sizeof(names[0]), actions,
			sizeof(actions) / sizeof(actions[0]), 6);
	if (lrt_pick(c, 3) == 0)
		lrt_random_list(c, t, "allow", allow_groups, sizeof(allow_groups) / sizeof(allow_groups[0]), NULL, 0, 5);
	else
		lrt_random_list(c, t, "allow", names, sizeof(names) / sizeof(names[0]), NULL, 0, 6);
	lrt_random_list(c, t, "baseline_except", baseline_items, sizeof(baseline_items) / sizeof(baseline_items[0]),
			NULL, 0, 3);
	lrt_text_add(t, "[network]\n");
	if (lrt_pick(c, 2))
		lrt_text_add(t, "udp = %s\n", lrt_pick(c, 2) ? "yes" : "no");
	lrt_random_list(c, t, "families", families, sizeof(families) / sizeof(families[0]), NULL, 0, 4);
	switch (lrt_pick(c, 4)) {
	case 1: lrt_text_add(t, "unix = any\n"); break;
	case 2: lrt_text_add(t, "unix = none\n"); break;
	case 3: lrt_text_add(t, "unix = /run/a.sock\n"); break;
	default: break;
	}
	if (lrt_pick(c, 3) == 0)
		lrt_text_add(t, "netlink = any\n");
	else
		lrt_random_list(c, t, "netlink", netlink, sizeof(netlink) / sizeof(netlink[0]), NULL, 0, 3);
	for (size_t i = 0; i < sizeof(tcp_keys) / sizeof(tcp_keys[0]); i++) {
		if (lrt_pick(c, 4) == 0)
			lrt_text_add(t, "%s = %s\n", tcp_keys[i], lrt_pick(c, 2) ? "any" : "none");
		else
			lrt_random_list(c, t, tcp_keys[i], ports, sizeof(ports) / sizeof(ports[0]), NULL, 0, 2);
	}
	if (lrt_pick(c, 3) == 0)
		lrt_text_add(t, "[exec]\nallow = /usr/bin\n");
}

/* How densely lrt_compare_seccomp sweeps: every syscall number below nr_max, -1 (a call a tracer
 * skipped) and the first x32_count numbers of the x32 range, on each architecture; per number,
 * every arg_stride-th argument vector from arg_offset, but every one on each dense_every-th number
 * below nr_max and, with dense_beyond, on -1 and the x32 numbers. */
struct lrt_sweep {
	uint32_t nr_max, x32_count;
	unsigned arg_stride, arg_offset, dense_every;
	bool dense_beyond;
};

enum lrt_oracle { LRT_SAME, LRT_DIFFERENT, LRT_REJECTED };

static inline void lrt_seccomp_data_at(const struct lrt_sweep *s, uint32_t i, uint32_t arch, struct seccomp_data *d)
{
	memset(d, 0, sizeof(*d));
	d->arch = arch;
	d->nr = (int)(i < s->nr_max ? i : i == s->nr_max ? 0xffffffffu : 0x40000000u + i - s->nr_max - 1);
}

/* Runs both programs i on every point of the sweep; the first difference goes to why. */
static inline bool lrt_same_verdicts(const struct lr_sandbox *fast, const struct lr_sandbox *ref, int i,
				     const struct lrt_sweep *s, const uint64_t (*v)[6], unsigned nv, char *why,
				     size_t size)
{
	const uint32_t arches[] = { (uint32_t)seccomp_arch_native(), AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64 };
	for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++) {
		for (uint32_t n = 0; n < s->nr_max + 1 + s->x32_count; n++) {
			struct seccomp_data d;
			lrt_seccomp_data_at(s, n, arches[a], &d);
			bool dense = n < s->nr_max ? n % s->dense_every == 0 : s->dense_beyond;
			unsigned stride = dense ? 1 : s->arg_stride;
			for (unsigned k = dense ? 0 : s->arg_offset % stride; k < nv; k += stride) {
				memcpy(d.args, v[k], sizeof(d.args));
				uint32_t got = 0, want = 0;
				unsigned pc = 0;
				const char *bad = !lrt_bpf_run(fast->bpf[i], fast->bpf_len[i], &d, &got, &pc) ? "dispatch"
						  : !lrt_bpf_run(ref->bpf[i], ref->bpf_len[i], &d, &want, &pc) ? "libseccomp"
						  : NULL;
				if (bad || got != want) {
					int n0 = snprintf(why, size, "program %d, arch %#x, nr %d, args %#llx %#llx %#llx: ", i,
							  d.arch, d.nr, (unsigned long long)d.args[0],
							  (unsigned long long)d.args[1], (unsigned long long)d.args[2]);
					size_t off = n0 > 0 && (size_t)n0 < size ? (size_t)n0 : 0;
					if (bad)
						snprintf(why + off, size - off, "the %s program is refused at instruction %u", bad, pc);
					else
						snprintf(why + off, size - off, "%#x, libseccomp %#x", got, want);
					return false;
				}
			}
		}
	}
	return true;
}

/* Compiles text both ways (at abi, denials traced or not) and compares the verdicts of every
 * program over the sweep. LRT_REJECTED: the policy does not parse (why says so). LRT_DIFFERENT:
 * the compilers disagree (why says where). A compiler that fails where the other does not is a
 * difference; failing both ways is a rejection. *dispatched: the two programs differ, so the
 * dispatch was in use (may be NULL). */
static inline enum lrt_oracle lrt_compare_seccomp(const struct lr_env_ctx *ctx, const char *text, int abi,
						  bool trace, const struct lrt_sweep *s, const uint64_t (*v)[6],
						  unsigned nv, bool *dispatched, char *why, size_t size)
{
	struct lr_policy p;
	struct lr_error err = { 0 };
	lr_policy_init(&p);
	if (lr_policy_load_string(&p, ctx, text, "t.ini", &err) != 0) {
		snprintf(why, size, "%.300s", err.msg);
		lr_policy_free(&p);
		return LRT_REJECTED;
	}
	struct lr_sandbox fast, ref;
	struct lr_error ferr = { 0 }, rerr = { 0 };
	lr_sandbox_init(&fast);
	lr_sandbox_init(&ref);
	fast.abi = ref.abi = abi;
	fast.trace_denials = ref.trace_denials = trace;
	int frc = lr_seccomp_compile(&fast, &p, 0, &ferr);
	int rrc = lr_seccomp_compile(&ref, &p, LR_SECCOMP_LIBSECCOMP_ONLY, &rerr);
	enum lrt_oracle verdict = LRT_SAME;
	if (frc != 0 || rrc != 0) {
		snprintf(why, size, "compiled: %.200s; libseccomp only: %.200s", frc ? ferr.msg : "ok", rrc ? rerr.msg : "ok");
		verdict = frc != 0 && rrc != 0 ? LRT_REJECTED : LRT_DIFFERENT;
	} else if (fast.seccomp_rules != ref.seccomp_rules) {
		snprintf(why, size, "%u rules, libseccomp only %u", fast.seccomp_rules, ref.seccomp_rules);
		verdict = LRT_DIFFERENT;
	}
	if (dispatched)
		*dispatched = verdict == LRT_SAME &&
			      (fast.bpf_len[0] != ref.bpf_len[0] ||
			       memcmp(fast.bpf[0], ref.bpf[0], ref.bpf_len[0] * sizeof(*ref.bpf[0])) != 0);
	for (int i = 0; i < 2 && verdict == LRT_SAME; i++) {
		if (!fast.bpf_len[i] != !ref.bpf_len[i]) {
			snprintf(why, size, "program %d: %u instructions, libseccomp only %u", i, fast.bpf_len[i],
				 ref.bpf_len[i]);
			verdict = LRT_DIFFERENT;
		} else if (fast.bpf_len[i] && !lrt_same_verdicts(&fast, &ref, i, s, v, nv, why, size)) {
			verdict = LRT_DIFFERENT;
		}
	}
	lr_sandbox_free(&fast);
	lr_sandbox_free(&ref);
	lr_policy_free(&p);
	return verdict;
}

#endif

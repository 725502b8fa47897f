/* The seccomp tables compiled at build time (src/seccomp_prebuilt.c, written by gen_seccomp.c),
 * and the rule format their digests are computed over. Data only: no libseccomp header. */
#ifndef LANDRUN_SECCOMP_PREBUILT_H
#define LANDRUN_SECCOMP_PREBUILT_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

/* Programs compiled at build time for the common policies (baseline hardened, default
 * families, no [syscalls] rules, EPERM), one per udp x TCP-restricted combination. */
struct lr_seccomp_prebuilt {
	bool udp, tcp_restricted;
	unsigned short len;
	unsigned rules;
	const struct sock_filter *prog;
};
extern const struct lr_seccomp_prebuilt lr_seccomp_prebuilt[];
extern const unsigned lr_seccomp_prebuilt_count;

/* An argument-checked seccomp rule as the compiler emits it (libseccomp's scmp_arg_cmp, spelt
 * out so that build-time tables need no libseccomp header). Unused fields are zero, so lists of
 * them compare with memcmp. */
enum { LR_COND_MAX_CMP = 3 };
struct lr_cond_cmp {
	uint32_t arg, op;
	uint64_t datum_a, datum_b;
};
struct lr_cond_rule {
	uint32_t action;
	int32_t nr;
	uint32_t ncmp, zero;
	struct lr_cond_cmp cmp[LR_COND_MAX_CMP];
};

/* The part of a program libseccomp compiles (its argument-checked rules, other architectures,
 * the default), compiled at build time for the rule lists of the common policies: a policy that
 * differs from them only in unconditional rules ([syscalls] deny and allow of whole syscalls)
 * then needs no libseccomp at run time. */
struct lr_seccomp_tail {
	uint32_t def;
	unsigned char rules_sha256[32]; /* SHA-256 of the rule list's bytes: as exact as comparing
					 * the lists, in 32 bytes of table */
	unsigned short len;
	const struct sock_filter *prog;
};
extern const struct lr_seccomp_tail lr_seccomp_tails[];
extern const unsigned lr_seccomp_tails_count;

#endif

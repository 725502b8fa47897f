/* Compile step (seccomp.c; not named seccomp.h, which would hide libseccomp's <seccomp.h> on the
 * -Isrc path): the hardened baseline, [syscalls] and the socket rules [network] implies into
 * seccomp BPF programs. */
#ifndef LANDRUN_SECCOMP_COMPILE_H
#define LANDRUN_SECCOMP_COMPILE_H

#include <linux/filter.h>
#include <stdint.h>

#include "policy.h"
#include "sandbox.h"
#include "util.h"

/* LR_SECCOMP_PREBUILT: a build-time program may be used. LR_SECCOMP_LIBSECCOMP_ONLY: every rule
 * goes through libseccomp (the smallest program, the slowest compile: the build-time programs);
 * otherwise unconditional rules are answered by a dispatch in front of libseccomp's program
 * (bpf_dispatch.c), which compiles several times faster. */
enum { LR_SECCOMP_PREBUILT = 1, LR_SECCOMP_LIBSECCOMP_ONLY = 2 };
int lr_seccomp_compile(struct lr_sandbox *sb, const struct lr_policy *p, unsigned flags, struct lr_error *err);

/* Build time: the deny-list program's default action, the digest and number of its
 * argument-checked rules, and its tail for p as libseccomp compiles it (prog is malloc'd). */
int lr_seccomp_tail_compile(const struct lr_policy *p, uint32_t *def, unsigned char rules_sha256[32],
			    unsigned *nrules, struct sock_filter **prog, unsigned *len, struct lr_error *err);

#endif

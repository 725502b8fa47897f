/* A syscall-number dispatch in front of a libseccomp program (see bpf_dispatch.c). */
#ifndef LANDRUN_BPF_DISPATCH_H
#define LANDRUN_BPF_DISPATCH_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>

/* Writes into out (cap instructions) a program that, for the native architecture arch and a
 * syscall number nr < nr_count with set[nr], returns action[nr] (a SECCOMP_RET_* value), and in
 * every other case runs the tail program unchanged. Returns its length, or -1 when it does not
 * fit in cap or memory ran out. With out NULL, only returns the length it needs (-1: more than
 * BPF_MAXINSNS). */
int lr_bpf_dispatch(const uint32_t *action, const uint8_t *set, unsigned nr_count, uint32_t arch,
		    const struct sock_filter *tail, unsigned tail_len, struct sock_filter *out, unsigned cap);

#endif

/* A syscall-number dispatch put in front of a libseccomp program.
 *
 * libseccomp spends about 11 us per rule it is given (it snapshots its rule database for every
 * rule added), so a policy with a few hundred [syscalls] lines costs milliseconds to compile on
 * every run. Most rules are unconditional (this syscall: this action), and those need none of
 * libseccomp's argument logic: they are answered here by a binary search over runs of syscall
 * numbers, and only the argument-checked syscalls (and every other architecture, the x32 range,
 * unknown numbers and the default) fall through to the much smaller program libseccomp compiles.
 *
 *   ld arch; jeq NATIVE ? next : tail
 *   ld nr;   jge NR_COUNT ? tail : next
 *   search tree over [0, NR_COUNT): each leaf is "ret ACTION" or "ja tail"
 *   tail: the libseccomp program, unchanged
 *
 * Classic BPF jumps only forward, conditional ones at most 255 instructions: a node whose left
 * subtree is longer than that jumps to its right subtree with a ja instead. */
#include "bpf_dispatch.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

struct run {
	unsigned start;   /* first syscall number of the run */
	uint32_t action;  /* what the run's leaf returns */
	int tail;         /* 1: the leaf jumps to the tail instead */
};

struct emitter {
	const struct run *runs;
	struct sock_filter *out;
	unsigned len, cap;
	unsigned tail_at; /* index of the tail's first instruction */
};

static unsigned tree_size(const struct run *runs, unsigned i, unsigned j)
{
	if (j - i == 1)
		return 1;
	unsigned m = i + (j - i) / 2;
	unsigned left = tree_size(runs, i, m);
	return (left > 255 ? 2 : 1) + left + tree_size(runs, m, j);
}

static int put(struct emitter *e, struct sock_filter f)
{
	if (e->len >= e->cap)
		return -1;
	e->out[e->len++] = f;
	return 0;
}

static int ja_tail(struct emitter *e)
{
	return put(e, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, e->tail_at - (e->len + 1), 0, 0));
}

static int emit_tree(struct emitter *e, unsigned i, unsigned j)
{
	if (j - i == 1)
		return e->runs[i].tail ? ja_tail(e)
				       : put(e, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, e->runs[i].action));
	unsigned m = i + (j - i) / 2;
	unsigned left = tree_size(e->runs, i, m);
	struct sock_filter node =
		left > 255 ? (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, e->runs[m].start, 0, 1)
			   : (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, e->runs[m].start, (unsigned char)left, 0);
	if (put(e, node) || (left > 255 && put(e, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, left, 0, 0))))
		return -1;
	return emit_tree(e, i, m) || emit_tree(e, m, j) ? -1 : 0;
}

/* Runs of equal leaves over [0, nr_count): their number, and into runs when it is not NULL. */
static unsigned make_runs(const uint32_t *action, const uint8_t *set, unsigned nr_count, struct run *runs)
{
	unsigned n = 0;
	struct run last = { 0 };
	for (unsigned nr = 0; nr < nr_count; nr++) {
		struct run r = { nr, set[nr] ? action[nr] : 0, !set[nr] };
		if (n && last.tail == r.tail && last.action == r.action)
			continue;
		last = r;
		if (runs)
			runs[n] = r;
		n++;
	}
	return n;
}

enum { HEADER = 6 };

static int assemble(const struct run *runs, unsigned nruns, unsigned nr_count, uint32_t arch,
		    const struct sock_filter *tail, unsigned tail_len, struct sock_filter *out, unsigned cap)
{
	bool tail_only = nruns == 1 && runs[0].tail; /* nothing to answer here */
	unsigned tail_at = tail_only ? 0 : HEADER + tree_size(runs, 0, nruns);
	if (!out)
		return tail_at + tail_len > BPF_MAXINSNS ? -1 : (int)(tail_at + tail_len);
	if (tail_at + tail_len > cap)
		return -1;
	if (tail_only) {
		for (unsigned k = 0; k < tail_len; k++)
			out[k] = tail[k];
		return (int)tail_len;
	}
	struct emitter e = { runs, out, 0, cap, tail_at };
	int rc = put(&e, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch))) ||
		 put(&e, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0)) || ja_tail(&e) ||
		 put(&e, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))) ||
		 put(&e, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, nr_count, 0, 1)) || ja_tail(&e) ||
		 emit_tree(&e, 0, nruns);
	if (rc || e.len != tail_at)
		return -1;
	for (unsigned k = 0; k < tail_len; k++)
		out[e.len++] = tail[k];
	return (int)e.len;
}

int lr_bpf_dispatch(const uint32_t *action, const uint8_t *set, unsigned nr_count, uint32_t arch,
		    const struct sock_filter *tail, unsigned tail_len, struct sock_filter *out, unsigned cap)
{
	if (nr_count == 0)
		return -1;
	unsigned nruns = make_runs(action, set, nr_count, NULL);
	struct run *runs = calloc(nruns, sizeof(*runs));
	if (!runs)
		return -1;
	make_runs(action, set, nr_count, runs);
	int len = assemble(runs, nruns, nr_count, arch, tail, tail_len, out, cap);
	free(runs);
	return len;
}

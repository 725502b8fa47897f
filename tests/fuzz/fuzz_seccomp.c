/* libFuzzer harness for the seccomp compiler, a differential one: the input's bytes choose a
 * policy (tests/unit/seccomp_oracle.h: [syscalls] lists with actions, default, action, baseline,
 * baseline_except; [network]; [exec]; the ABI; traced denials or not), which is compiled with the
 * syscall-number dispatch and by libseccomp alone (LR_SECCOMP_LIBSECCOMP_ONLY). Both programs run
 * in a classic BPF interpreter on every syscall number below 1100, -1 and the x32 range, on the
 * native, i386 and aarch64 architectures, over a slice of the argument vectors; a verdict that
 * differs, or a program the kernel would refuse, aborts with the policy (on stderr: replay the
 * crash file without -close_fd_mask to read it). Nothing is loaded. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../unit/seccomp_oracle.h"

static const char *const fuzz_environ[] = { "HOME=/tmp", "PATH=/usr/bin:/bin", NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t (*v)[6];
	static unsigned nv;
	if (!v) {
		v = calloc(LRT_ARG_VECTORS, sizeof(*v));
		if (!v)
			abort();
		nv = lrt_arg_vectors(v, LRT_ARG_VECTORS);
	}
	struct lrt_choices c = { .data = data, .len = size };
	struct lrt_text text;
	int abi;
	bool trace;
	lrt_random_policy(&c, &text, &abi, &trace);
	/* the argument vectors' slice: the next byte (sparser than the unit test: many runs a second) */
	const struct lrt_sweep s = { .nr_max = 1100, .x32_count = 560, .arg_stride = 499,
				     .arg_offset = lrt_pick(&c, 256), .dense_every = 64 };
	struct lr_env_ctx ctx = { .environ = fuzz_environ };
	char why[512] = "";
	if (lrt_compare_seccomp(&ctx, text.buf, abi, trace, &s, (const uint64_t (*)[6])v, nv, NULL, why, sizeof(why)) ==
	    LRT_DIFFERENT) {
		fprintf(stderr, "the dispatch and libseccomp disagree (ABI %d%s):\n%s\n%s\n", abi,
			trace ? ", traced" : "", text.buf, why);
		abort();
	}
	return 0;
}

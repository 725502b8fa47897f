/* Build-time generator: compiles the seccomp programs of the common policies with the same code
 * the runtime uses, and prints them as C (src/seccomp_prebuilt.c): the whole program of each
 * (libseccomp alone, the smallest), and the tail libseccomp compiles under the syscall-number
 * dispatch, with the digest of the rule list it was compiled from. */
#include <stdio.h>
#include <stdlib.h>

#include "policy.h"
#include "sandbox.h"
#include "seccomp_compile.h"

enum { VARIANTS = 4 };

/* The common policy the build-time tables are compiled for: variant bit 0 udp = yes, bit 1 TCP
 * restricted (the order of lr_seccomp_prebuilt and lr_seccomp_tails). */
static void common_policy(struct lr_policy *p, unsigned variant)
{
	lr_policy_init(p);
	p->udp.on = variant & 1;
	p->connect_any.on = p->bind_any.on = !(variant & 2);
}

static void print_prog(const char *name, int idx, const struct sock_filter *f, unsigned len)
{
	printf("static const struct sock_filter %s%d[] = {\n", name, idx);
	for (unsigned i = 0; i < len; i++)
		printf("\t{ 0x%04x, %u, %u, 0x%08x },\n", f[i].code, f[i].jt, f[i].jf, f[i].k);
	printf("};\n\n");
}

static int emit(int idx, unsigned *len, unsigned *rules)
{
	struct lr_policy p;
	struct lr_sandbox sb;
	struct lr_error err = { 0 };
	common_policy(&p, (unsigned)idx);
	lr_sandbox_init(&sb);
	if (lr_seccomp_compile(&sb, &p, LR_SECCOMP_LIBSECCOMP_ONLY, &err)) {
		fprintf(stderr, "gen_seccomp: %s\n", err.msg);
		return -1;
	}
	print_prog("prog", idx, sb.bpf[0], sb.bpf_len[0]);
	*len = sb.bpf_len[0];
	*rules = sb.seccomp_rules;
	lr_sandbox_free(&sb);
	lr_policy_free(&p);
	return 0;
}

static int emit_tail(int idx, uint32_t *def, unsigned *nrules, unsigned *len, unsigned char digest[32])
{
	struct lr_policy p;
	struct lr_error err = { 0 };
	struct sock_filter *prog;
	common_policy(&p, (unsigned)idx);
	if (lr_seccomp_tail_compile(&p, def, digest, nrules, &prog, len, &err)) {
		fprintf(stderr, "gen_seccomp: %s\n", err.msg);
		return -1;
	}
	print_prog("tail", idx, prog, *len);
	free(prog);
	lr_policy_free(&p);
	return 0;
}

int main(void)
{
	unsigned len[VARIANTS], rules[VARIANTS], tail_len[VARIANTS], tail_rules[VARIANTS];
	unsigned char digest[VARIANTS][32];
	uint32_t def[VARIANTS];
	printf("/* Generated at build time by src/gen_seccomp.c: do not edit. */\n#include \"seccomp_prebuilt.h\"\n\n");
	for (int i = 0; i < VARIANTS; i++)
		if (emit(i, &len[i], &rules[i]) || emit_tail(i, &def[i], &tail_rules[i], &tail_len[i], digest[i]))
			return 1;
	printf("const struct lr_seccomp_prebuilt lr_seccomp_prebuilt[] = {\n");
	for (int i = 0; i < VARIANTS; i++)
		printf("\t{ %s, %s, %u, %u, prog%d },\n", i & 1 ? "true" : "false", i & 2 ? "true" : "false",
		       len[i], rules[i], i);
	printf("};\nconst unsigned lr_seccomp_prebuilt_count = %d;\n\n", VARIANTS);
	printf("const struct lr_seccomp_tail lr_seccomp_tails[] = {\n");
	for (int i = 0; i < VARIANTS; i++) {
		printf("\t{ 0x%08x, {", def[i]);
		for (int k = 0; k < 32; k++)
			printf("%s0x%02x", k ? "," : " ", digest[i][k]);
		printf(" }, %u, tail%d }, /* from %u rules */\n", tail_len[i], i, tail_rules[i]);
	}
	printf("};\nconst unsigned lr_seccomp_tails_count = %d;\n", VARIANTS);
	return 0;
}

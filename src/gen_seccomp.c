/* Build-time generator: compiles the seccomp programs of the common policies with the same code
 * the runtime uses, and prints them as C (src/seccomp_prebuilt.c). */
#include <stdio.h>

#include "policy.h"
#include "sandbox.h"

static int emit(int idx, bool udp, bool tcp_restricted, unsigned *len, unsigned *rules)
{
	struct lr_policy p;
	struct lr_sandbox sb;
	struct lr_error err = { 0 };
	lr_policy_init(&p);
	p.udp.value = udp ? LR_YES : LR_NO;
	p.connect_any.value = p.bind_any.value = !tcp_restricted;
	lr_sandbox_init(&sb);
	if (lr_seccomp_compile(&sb, &p, LR_SECCOMP_LIBSECCOMP_ONLY, &err)) {
		fprintf(stderr, "gen_seccomp: %s\n", err.msg);
		return -1;
	}
	printf("static const struct sock_filter prog%d[] = {\n", idx);
	for (unsigned i = 0; i < sb.bpf_len[0]; i++) {
		const struct sock_filter *f = &sb.bpf[0][i];
		printf("\t{ 0x%04x, %u, %u, 0x%08x },\n", f->code, f->jt, f->jf, f->k);
	}
	printf("};\n\n");
	*len = sb.bpf_len[0];
	*rules = sb.seccomp_rules;
	lr_sandbox_free(&sb);
	lr_policy_free(&p);
	return 0;
}

int main(void)
{
	unsigned len[4], rules[4];
	printf("/* Generated at build time by src/gen_seccomp.c: do not edit. */\n#include \"sandbox.h\"\n\n");
	for (int i = 0; i < 4; i++)
		if (emit(i, i & 1, i & 2, &len[i], &rules[i]))
			return 1;
	printf("const struct lr_seccomp_prebuilt lr_seccomp_prebuilt[] = {\n");
	for (int i = 0; i < 4; i++)
		printf("\t{ %s, %s, %u, %u, prog%d },\n", i & 1 ? "true" : "false", i & 2 ? "true" : "false",
		       len[i], rules[i], i);
	printf("};\nconst unsigned lr_seccomp_prebuilt_count = 4;\n");
	return 0;
}

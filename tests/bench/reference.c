/* reference: the kernel work of one landrun run and nothing else, the floor landrun's speed is
 * measured against. Its input is a header refgen recorded from landrun's own code for one policy
 * (REF_HEADER, given with -DREF_HEADER='"ref_git.h"'), so it parses nothing at run time:
 *     reference CMD ARG...
 * builds the same Landlock ruleset (the same handled rights, one rule per object landrun granted,
 * the same port rules and scopes), sets the same rlimits, drops the bounding set when landrun
 * would (CAP_SETPCAP), clears the capabilities and the ambient set, sets no_new_privs, restricts
 * itself, closes every fd above 2, loads the same seccomp programs and executes CMD with the
 * environment landrun gave it. It skips what landrun does to decide (parsing, checks, the ABI
 * query, resolving the command). Exit status 125 with a message if a step fails. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock_abi.h"

struct ref_path_rule {
	const char *path;
	uint64_t rights;
};
struct ref_port_rule {
	uint64_t port, rights;
};
struct ref_rlimit {
	int resource;
	unsigned long long cur, max;
};

#include REF_HEADER

static void fail(const char *step)
{
	fprintf(stderr, "reference: %s: %s\n", step, strerror(errno));
	exit(125);
}

static int build_ruleset(void)
{
	struct lr_landlock_ruleset_attr attr = { REF_HANDLED_FS, REF_HANDLED_NET, REF_SCOPED };
	int rs = (int)syscall(LR_SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (rs < 0)
		fail("landlock_create_ruleset");
	/* the rule fds stay open until close_range, as landrun's do */
	/* (pointer bounds: a length of 0 must not make `i < 0` for the compiler) */
	for (const struct ref_path_rule *r = ref_path_rules; r < ref_path_rules + ref_path_rules_LEN; r++) {
		struct lr_landlock_path_beneath_attr pb = { r->rights, -1 };
		pb.parent_fd = open(r->path, O_PATH | O_CLOEXEC);
		if (pb.parent_fd < 0 || syscall(LR_SYS_landlock_add_rule, rs, LR_LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
			fail(r->path);
	}
	for (const struct ref_port_rule *r = ref_port_rules; r < ref_port_rules + ref_port_rules_LEN; r++) {
		struct lr_landlock_net_port_attr np = { r->rights, r->port };
		if (syscall(LR_SYS_landlock_add_rule, rs, LR_LANDLOCK_RULE_NET_PORT, &np, 0) < 0)
			fail("landlock_add_rule(port)");
	}
	return rs;
}

static void drop_capabilities(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	if (syscall(SYS_capget, &hdr, data) < 0)
		fail("capget");
	if (data[0].effective & (1u << CAP_SETPCAP))
		for (unsigned cap = 0; cap <= 63; cap++)
			if (!(REF_CAPS_KEEP & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap) < 0) {
				if (errno == EINVAL)
					break;
				fail("PR_CAPBSET_DROP");
			}
	for (int i = 0; i < 2; i++)
		data[i].effective = data[i].permitted = data[i].inheritable = (uint32_t)(REF_CAPS_KEEP >> (32 * i));
	if (REF_CAPSET && syscall(SYS_capset, &hdr, data) < 0)
		fail("capset");
	if (REF_AMBIENT_CLEAR && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		fail("PR_CAP_AMBIENT");
}

static void load_seccomp(const struct sock_filter *f, size_t len)
{
	struct sock_fprog prog = { (unsigned short)len, (struct sock_filter *)f };
	if (len && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		fail("seccomp");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: reference CMD [ARG...]\n");
		return 2;
	}
	int rs = REF_RULESET ? build_ruleset() : -1;
	for (const struct ref_rlimit *r = ref_rlimits; r < ref_rlimits + ref_rlimits_LEN; r++) {
		struct rlimit rl = { r->cur, r->max };
		if (setrlimit(r->resource, &rl) < 0)
			fail("setrlimit");
	}
	drop_capabilities();
	if (REF_NO_NEW_PRIVS && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail("PR_SET_NO_NEW_PRIVS");
	if (REF_RESTRICT_SELF && syscall(LR_SYS_landlock_restrict_self, rs, REF_RESTRICT_FLAGS) < 0)
		fail("landlock_restrict_self");
	if (REF_CLOSE_RANGE && syscall(SYS_close_range, 3, ~0U, 0) < 0)
		fail("close_range");
	if (REF_SETSID && setsid() < 0 && errno != EPERM)
		fail("setsid");
	load_seccomp(ref_bpf0, ref_bpf0_LEN);
	load_seccomp(ref_bpf1, ref_bpf1_LEN);
	execve(argv[1], argv + 1, ref_envp);
	fail(argv[1]);
}

/* Syscall groups: every member resolves, groups nest without cycles, and name <-> number lookups. */
#include <cap-ng.h>
#include <criterion/criterion.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "names.h"
#include "syscall_groups.h"
#include "util.h"

TestSuite(groups);

/* Syscall names reached from a group. */
struct names {
	const char *v[1024];
	size_t n;
};

static bool has(const struct names *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], name) == 0)
			return true;
	return false;
}

/* Depth-first expansion into out: fails on an unknown member group, an unresolvable name or a
 * cycle (a group met again while it is being expanded). */
static void expand(const struct lr_syscall_group *g, bool *on_stack, const char *trail, struct names *out)
{
	size_t gi = (size_t)(g - lr_syscall_groups);
	cr_assert_not(on_stack[gi], "cycle: %s -> %s", trail, g->name);
	on_stack[gi] = true;
	char *here = lrt_fmt("%s%s%s", trail, *trail ? " -> " : "", g->name);
	for (const char *const *m = g->members; *m; m++) {
		if (**m == '@') {
			const struct lr_syscall_group *sub = lr_syscall_group_find(*m);
			cr_assert_not_null(sub, "%s: member group %s does not exist", here, *m);
			expand(sub, on_stack, here, out);
			continue;
		}
		cr_expect_geq(lr_syscall_resolve(*m), 0, "%s: %s does not resolve", here, *m);
		if (!has(out, *m)) {
			cr_assert_lt(out->n, LR_ARRAY_LEN(out->v));
			out->v[out->n++] = *m;
		}
	}
	free(here);
	on_stack[gi] = false;
}

static struct names *expand_group(const char *name)
{
	const struct lr_syscall_group *g = lr_syscall_group_find(name);
	cr_assert_not_null(g, "%s", name);
	struct names *out = calloc(1, sizeof(*out));
	bool *on_stack = calloc(lr_syscall_groups_count, sizeof(bool));
	expand(g, on_stack, "", out);
	free(on_stack);
	return out;
}

Test(groups, every_group_expands_to_resolvable_names_without_cycles)
{
	cr_assert_gt(lr_syscall_groups_count, 30);
	for (size_t i = 0; i < lr_syscall_groups_count; i++) {
		struct names *s = expand_group(lr_syscall_groups[i].name);
		cr_expect_gt(s->n, 0, "%s is empty", lr_syscall_groups[i].name);
		free(s);
	}
}

Test(groups, names_and_help)
{
	for (size_t i = 0; i < lr_syscall_groups_count; i++) {
		const struct lr_syscall_group *g = &lr_syscall_groups[i];
		cr_expect_eq(g->name[0], '@', "%s", g->name);
		cr_expect_not_null(g->help);
		cr_expect_gt(strlen(g->help), 10, "%s", g->name);
		cr_expect_not_null(g->members[0], "%s has no members", g->name);
		for (size_t j = 0; j < i; j++)
			cr_expect_str_neq(lr_syscall_groups[j].name, g->name, "%s is listed twice", g->name);
	}
}

/* BUG: src/syscall_groups.c says lr_syscall_groups is "sorted by name, so --explain and the man
 * page list them in a stable order", but "@chmod" was added after "@chown". */
Test(groups, table_is_sorted_by_name)
{
	for (size_t i = 1; i < lr_syscall_groups_count; i++)
		cr_expect_lt(strcmp(lr_syscall_groups[i - 1].name, lr_syscall_groups[i].name), 0, "%s before %s",
			     lr_syscall_groups[i - 1].name, lr_syscall_groups[i].name);
}

Test(groups, no_member_is_listed_twice_in_a_group)
{
	for (size_t i = 0; i < lr_syscall_groups_count; i++) {
		const char *const *m = lr_syscall_groups[i].members;
		for (size_t a = 0; m[a]; a++)
			for (size_t b = a + 1; m[b]; b++)
				cr_expect_str_neq(m[a], m[b], "%s lists %s twice", lr_syscall_groups[i].name, m[a]);
	}
}

Test(groups, system_service_contains_common_calls)
{
	struct names *s = expand_group("@system-service");
	static const char *const common[] = { "read", "write", "openat", "close", "execve", "mmap", "brk", "exit_group",
					      "clone", "wait4", "socket", "connect", "futex", "rt_sigaction", "newfstatat",
					      "getdents64", "epoll_wait", "ioctl", "uname", "statx" };
	for (size_t i = 0; i < LR_ARRAY_LEN(common); i++)
		cr_expect(has(s, common[i]), "@system-service lacks %s", common[i]);
	free(s);
}

Test(groups, system_service_leaves_out_privileged_calls)
{
	struct names *s = expand_group("@system-service");
	static const char *const privileged[] = { "mount", "reboot", "init_module", "ptrace", "bpf", "kexec_load", "swapon",
						  "settimeofday", "iopl", "chroot", "pivot_root" };
	for (size_t i = 0; i < LR_ARRAY_LEN(privileged); i++)
		cr_expect_not(has(s, privileged[i]), "@system-service contains %s", privileged[i]);
	free(s);
}

Test(groups, nested_groups_are_expanded)
{
	struct names *aio = expand_group("@aio");
	cr_expect(has(aio, "io_uring_enter"), "@aio -> @io_uring");
	cr_expect(has(aio, "io_submit"));
	free(aio);
	struct names *priv = expand_group("@privileged");
	cr_expect(has(priv, "reboot"), "@privileged -> @reboot");
	cr_expect(has(priv, "swapoff"), "@privileged -> @swap");
	cr_expect(has(priv, "fchownat"), "@privileged -> @chown");
	free(priv);
	struct names *proc = expand_group("@process");
	cr_expect(has(proc, "unshare"), "@process -> @namespaces");
	free(proc);
}

Test(groups, find_needs_the_at_sign_and_an_exact_name)
{
	const struct lr_syscall_group *g = lr_syscall_group_find("@mount");
	cr_assert_not_null(g);
	cr_expect_str_eq(g->name, "@mount");
	cr_expect_null(lr_syscall_group_find("mount"));
	cr_expect_null(lr_syscall_group_find("@Mount"));
	cr_expect_null(lr_syscall_group_find("@mount "));
	cr_expect_null(lr_syscall_group_find(""));
}

Test(groups, resolve_known_and_unknown_names)
{
	cr_expect_eq(lr_syscall_resolve("read"), 0);
	cr_expect_eq(lr_syscall_resolve("openat"), 257);
	cr_expect_eq(lr_syscall_resolve("statmount"), 457);
	cr_expect_eq(lr_syscall_resolve("listmount"), 458);
	cr_expect_eq(lr_syscall_resolve("mseal"), 462);
	cr_expect_eq(lr_syscall_resolve("file_setattr"), 469);
	cr_expect_eq(lr_syscall_resolve("no_such_call"), -1);
	cr_expect_eq(lr_syscall_resolve(""), -1);
	/* exists only on other architectures: libseccomp's negative pseudo-number is "unknown" here */
	cr_expect_eq(lr_syscall_resolve("socketcall"), -1);
}

Test(groups, extra_syscalls_are_newer_than_libseccomp_and_round_trip)
{
	for (size_t i = 0; i < lr_extra_syscalls_count; i++) {
		const struct lr_extra_syscall *x = &lr_extra_syscalls[i];
		cr_expect_lt(seccomp_syscall_resolve_name(x->name), 0, "libseccomp knows %s: drop it from the table", x->name);
		cr_expect_eq(lr_syscall_resolve(x->name), x->nr, "%s", x->name);
		cr_expect_str_eq(lr_syscall_name(x->nr), x->name);
	}
}

Test(groups, name_of_a_number)
{
	cr_expect_str_eq(lr_syscall_name(0), "read");
	cr_expect_str_eq(lr_syscall_name(59), "execve");
	cr_expect_str_eq(lr_syscall_name(457), "statmount");
	cr_expect_str_eq(lr_syscall_name(103), "syslog");
	cr_expect_null(lr_syscall_name(-1));
	cr_expect_null(lr_syscall_name(100000));
}

Test(groups, every_number_libseccomp_names_has_a_constant_name)
{
	for (int nr = 0; nr < 1024; nr++) {
		char *s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (s) {
			const char *c = lr_syscall_name(nr);
			cr_expect_not_null(c, "%d (%s) has no name", nr, s);
			if (c)
				cr_expect_str_eq(c, s);
		}
		free(s);
	}
}

Test(groups, suggestions_for_names_and_groups)
{
	cr_expect_str_eq(lr_syscall_suggest("ptrce"), "ptrace");
	cr_expect_str_eq(lr_syscall_suggest("statmont"), "statmount");
	cr_expect_null(lr_syscall_suggest("qqqqqqqqqqqq"));
	cr_expect_str_eq(lr_syscall_group_suggest("@file-sytem"), "@file-system");
	cr_expect_str_eq(lr_syscall_group_suggest("@timers"), "@timer");
	cr_expect_null(lr_syscall_group_suggest("@zzzzzzzzzz"));
}

/* The CLI names capabilities from its own table (libcap-ng's constructor is not worth its cost on
 * the exec path, see names.c); libcap-ng must agree on every capability this kernel knows. */
Test(groups, capability_names_agree_with_libcap_ng_for_every_kernel_capability)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int last = -1;
	cr_assert(f && fscanf(f, "%d", &last) == 1 && last > 0, "/proc/sys/kernel/cap_last_cap unreadable");
	fclose(f);
	for (int cap = 0; cap <= last; cap++) {
		const char *ng = capng_capability_to_name((unsigned)cap);
		cr_assert(ng, "libcap-ng does not know capability %d, which this kernel has", cap);
		cr_expect_str_eq(lr_cap_name((unsigned)cap), ng, "capability %d", cap);
		cr_expect_eq(lr_cap_from_name(ng), cap, "%s", ng);
		char *prefixed = lrt_fmt("CAP_%s", ng);
		cr_expect_eq(lr_cap_from_name(prefixed), cap, "%s", prefixed);
		free(prefixed);
	}
	cr_expect_str_eq(lr_cap_name((unsigned)last + 1), "?", "a capability the kernel does not have has no name");
}

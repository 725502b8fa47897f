/* The Landlock UAPI as landrun defines it (src/landlock_abi.h), against the values and layouts
 * the kernel publishes in include/uapi/linux/landlock.h, and the ABI -> Linux release table. */
#include <criterion/criterion.h>
#include <stddef.h>
#include <string.h>

#include "landlock_abi.h"
#include "landlock_rights.h"

TestSuite(uapi);

Test(uapi, syscalls_and_rule_types)
{
	cr_expect_eq(LR_SYS_landlock_create_ruleset, 444);
	cr_expect_eq(LR_SYS_landlock_add_rule, 445);
	cr_expect_eq(LR_SYS_landlock_restrict_self, 446);
	cr_expect_eq(LR_LANDLOCK_CREATE_RULESET_VERSION, 1U);
	cr_expect_eq(LR_LANDLOCK_RULE_PATH_BENEATH, 1);
	cr_expect_eq(LR_LANDLOCK_RULE_NET_PORT, 2);
}

Test(uapi, access_rights_of_abi_9_and_10)
{
	cr_expect_eq(LR_FS_IOCTL_DEV, 0x8000ULL);
	cr_expect_eq(LR_FS_RESOLVE_UNIX, 0x10000ULL); /* LANDLOCK_ACCESS_FS_RESOLVE_UNIX, ABI 9 */
	cr_expect_eq(LR_NET_BIND_TCP, 0x1ULL);
	cr_expect_eq(LR_NET_CONNECT_TCP, 0x2ULL);
	cr_expect_eq(LR_NET_BIND_UDP, 0x4ULL);         /* LANDLOCK_ACCESS_NET_BIND_UDP, ABI 10 */
	cr_expect_eq(LR_NET_CONNECT_SEND_UDP, 0x8ULL); /* LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP, ABI 10 */
	cr_expect_eq(LR_SCOPE_ABSTRACT_UNIX_SOCKET, 0x1ULL);
	cr_expect_eq(LR_SCOPE_SIGNAL, 0x2ULL);
	cr_expect_eq(lr_fs_rights_for_abi(9), 0x1ffffULL);
	cr_expect_eq(lr_fs_rights_for_abi(10), 0x1ffffULL);
	cr_expect_eq(lr_fs_rights_for_abi(8), 0xffffULL);
}

Test(uapi, restrict_self_flags)
{
	cr_expect_eq(LR_RESTRICT_SELF_LOG_SAME_EXEC_OFF, 0x1U);
	cr_expect_eq(LR_RESTRICT_SELF_LOG_NEW_EXEC_ON, 0x2U);
	cr_expect_eq(LR_RESTRICT_SELF_LOG_SUBDOMAINS_OFF, 0x4U);
	cr_expect_eq(LR_RESTRICT_SELF_TSYNC, 0x8U); /* LANDLOCK_RESTRICT_SELF_TSYNC, ABI 8 */
}

/* The ruleset attribute grew with each ABI (handled_access_net at 4, scoped at 6): the kernel reads
 * as many bytes as the size given, so the layout must be the UAPI's to the byte. */
Test(uapi, structure_layouts)
{
	cr_expect_eq(sizeof(struct lr_landlock_ruleset_attr), 24);
	cr_expect_eq(offsetof(struct lr_landlock_ruleset_attr, handled_access_fs), 0);
	cr_expect_eq(offsetof(struct lr_landlock_ruleset_attr, handled_access_net), 8);
	cr_expect_eq(offsetof(struct lr_landlock_ruleset_attr, scoped), 16);
	cr_expect_eq(sizeof(struct lr_landlock_path_beneath_attr), 12); /* packed */
	cr_expect_eq(offsetof(struct lr_landlock_path_beneath_attr, parent_fd), 8);
	cr_expect_eq(sizeof(struct lr_landlock_net_port_attr), 16);
	cr_expect_eq(offsetof(struct lr_landlock_net_port_attr, port), 8);
}

Test(uapi, abi_table_names_each_linux_release)
{
	static const char *const linux_of[] = { "5.13", "5.19", "6.2", "6.7", "6.10", "6.12", "6.15", "7.0", "7.1", "7.2" };
	size_t n;
	const struct lr_abi_info *t = lr_abi_table(&n);
	cr_assert_eq(n, LR_LANDLOCK_ABI_KNOWN);
	cr_assert_eq(n, sizeof(linux_of) / sizeof(linux_of[0]));
	for (size_t i = 0; i < n; i++) {
		cr_expect_eq(t[i].abi, (int)i + 1);
		cr_expect_str_eq(t[i].linux_version, linux_of[i]);
		cr_expect_str_eq(lr_abi_linux((int)i + 1), linux_of[i]);
		cr_expect(t[i].adds && t[i].adds[0]);
	}
	cr_expect_str_eq(lr_abi_linux(0), "?");
	cr_expect_str_eq(lr_abi_linux(11), "?");
}

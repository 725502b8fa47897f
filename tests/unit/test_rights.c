/* Landlock rights: access words, masking to files and to the ABI, and what the planner does with
 * a capped ABI (lr_compile_opts.abi_cap). */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "landlock_abi.h"
#include "landlock_rights.h"
#include "policy.h"
#include "sandbox.h"
#include "unit.h"

TestSuite(rights);

#define RO (LR_FS_READ_FILE | LR_FS_READ_DIR)
#define RW                                                                                         \
	(RO | LR_FS_WRITE_FILE | LR_FS_REMOVE_DIR | LR_FS_REMOVE_FILE | LR_FS_MAKE_DIR | LR_FS_MAKE_REG | \
	 LR_FS_MAKE_SOCK | LR_FS_MAKE_FIFO | LR_FS_MAKE_SYM | LR_FS_REFER | LR_FS_TRUNCATE)

Test(rights, bits_are_the_kernel_uapi_values)
{
	cr_expect_eq(LR_FS_EXECUTE, 1ULL << 0);
	cr_expect_eq(LR_FS_MAKE_SYM, 1ULL << 12);
	cr_expect_eq(LR_FS_REFER, 1ULL << 13);
	cr_expect_eq(LR_FS_TRUNCATE, 1ULL << 14);
	cr_expect_eq(LR_FS_IOCTL_DEV, 1ULL << 15);
	cr_expect_eq(LR_NET_BIND_TCP, 1ULL << 0);
	cr_expect_eq(LR_NET_CONNECT_TCP, 1ULL << 1);
	cr_expect_eq(LR_SCOPE_SIGNAL, 1ULL << 1);
}

Test(rights, ro)
{
	cr_expect_eq(lr_access_rights(LR_RO), 0xcULL);
	cr_expect_eq(lr_access_rights(LR_RO), RO);
}

Test(rights, rox)
{
	cr_expect_eq(lr_access_rights(LR_ROX), 0xdULL);
}

Test(rights, rw_without_execute_or_device_nodes)
{
	cr_expect_eq(lr_access_rights(LR_RW), RW);
	cr_expect_eq(lr_access_rights(LR_RW), 0x77beULL);
	cr_expect_eq(lr_access_rights(LR_RW) & (LR_FS_EXECUTE | LR_FS_MAKE_CHAR | LR_FS_MAKE_BLOCK | LR_FS_IOCTL_DEV), 0);
}

Test(rights, rwx)
{
	cr_expect_eq(lr_access_rights(LR_RWX), RW | LR_FS_EXECUTE);
	cr_expect_eq(lr_access_rights(LR_RWX), 0x77bfULL);
}

Test(rights, dev_is_ioctl_only)
{
	cr_expect_eq(lr_access_rights(LR_DEV), LR_FS_IOCTL_DEV);
}

Test(rights, file_rights_mask)
{
	cr_expect_eq(LR_FS_FILE_RIGHTS, 0xc007ULL);
	cr_expect_eq(lr_access_rights(LR_RO) & LR_FS_FILE_RIGHTS, LR_FS_READ_FILE);
	cr_expect_eq(lr_access_rights(LR_ROX) & LR_FS_FILE_RIGHTS, LR_FS_READ_FILE | LR_FS_EXECUTE);
	cr_expect_eq(lr_access_rights(LR_RW) & LR_FS_FILE_RIGHTS, LR_FS_READ_FILE | LR_FS_WRITE_FILE | LR_FS_TRUNCATE);
	cr_expect_eq(lr_access_rights(LR_RWX) & LR_FS_FILE_RIGHTS,
		     LR_FS_READ_FILE | LR_FS_WRITE_FILE | LR_FS_TRUNCATE | LR_FS_EXECUTE);
	cr_expect_eq(lr_access_rights(LR_DEV) & LR_FS_FILE_RIGHTS, LR_FS_IOCTL_DEV);
}

Test(rights, fs_rights_per_abi)
{
	cr_expect_eq(lr_fs_rights_for_abi(-1), 0);
	cr_expect_eq(lr_fs_rights_for_abi(0), 0);
	cr_expect_eq(lr_fs_rights_for_abi(1), 0x1fffULL); /* bits 0..12 */
	cr_expect_eq(lr_fs_rights_for_abi(2), 0x3fffULL); /* + refer */
	cr_expect_eq(lr_fs_rights_for_abi(3), 0x7fffULL); /* + truncate */
	cr_expect_eq(lr_fs_rights_for_abi(4), 0x7fffULL);
	cr_expect_eq(lr_fs_rights_for_abi(5), 0xffffULL); /* + ioctl_dev */
	cr_expect_eq(lr_fs_rights_for_abi(6), 0xffffULL);
	cr_expect_eq(lr_fs_rights_for_abi(7), 0xffffULL);
	cr_expect_eq(lr_fs_rights_for_abi(8), 0xffffULL);
	cr_expect_eq(lr_fs_rights_for_abi(9), 0x1ffffULL); /* + resolve_unix */
	/* newer kernels: only what landrun knows */
	cr_expect_eq(lr_fs_rights_for_abi(9), lr_fs_rights_for_abi(LR_LANDLOCK_ABI_KNOWN));
	cr_expect_eq(lr_fs_rights_for_abi(100), 0x1ffffULL);
}

Test(rights, access_words_masked_to_old_abis)
{
	cr_expect_eq(lr_access_rights(LR_RW) & lr_fs_rights_for_abi(1), RW & ~(LR_FS_REFER | LR_FS_TRUNCATE));
	cr_expect_eq(lr_access_rights(LR_RW) & lr_fs_rights_for_abi(2), RW & ~LR_FS_TRUNCATE);
	cr_expect_eq(lr_access_rights(LR_DEV) & lr_fs_rights_for_abi(4), 0);
	cr_expect_eq(lr_access_rights(LR_DEV) & lr_fs_rights_for_abi(5), LR_FS_IOCTL_DEV);
}

Test(rights, rights_str)
{
	char buf[512];
	cr_expect_str_eq(lr_fs_rights_str(lr_access_rights(LR_ROX), buf, sizeof(buf)), "execute,read_file,read_dir");
	cr_expect_str_eq(lr_fs_rights_str(0, buf, sizeof(buf)), "");
	cr_expect_str_eq(lr_fs_rights_str(LR_FS_REFER | LR_FS_IOCTL_DEV | LR_FS_RESOLVE_UNIX, buf, sizeof(buf)),
			 "refer,ioctl_dev,resolve_unix");
}

Test(rights, access_names)
{
	cr_expect_str_eq(lr_access_name(LR_RO), "ro");
	cr_expect_str_eq(lr_access_name(LR_ROX), "rox");
	cr_expect_str_eq(lr_access_name(LR_RW), "rw");
	cr_expect_str_eq(lr_access_name(LR_RWX), "rwx");
	cr_expect_str_eq(lr_access_name(LR_DEV), "dev");
}

/* ---- lr_landlock_compile with a capped ABI ------------------------------------------------- */

static struct lr_policy P;
static struct lr_sandbox SB;
static struct lr_error E;
static const struct lr_env_ctx CTX = { .environ = (const char *const[]){ NULL } };

static void ll_setup(void)
{
	long abi = syscall(LR_SYS_landlock_create_ruleset, NULL, 0, LR_LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 6)
		cr_skip_test("this kernel offers Landlock ABI %ld; these tests need 6", abi);
	lr_policy_init(&P);
	lr_sandbox_init(&SB);
	memset(&E, 0, sizeof(E));
}

static void ll_teardown(void)
{
	lr_sandbox_free(&SB);
	lr_policy_free(&P);
}

TestSuite(landlock, .init = ll_setup, .fini = ll_teardown);

static int compile_capped(const char *text, int cap)
{
	cr_assert_eq(lr_policy_load_string(&P, &CTX, text, "t.ini", &E), 0, "%s", E.msg);
	struct lr_compile_opts o = { .abi_cap = cap };
	return lr_landlock_compile(&SB, &P, &o, &E);
}

static bool has_note(const char *text)
{
	for (size_t i = 0; i < SB.notes.len; i++)
		if (strcmp(((struct lr_note *)lr_vec_at(&SB.notes, i))->text, text) == 0)
			return true;
	return false;
}

Test(landlock, cap_lowers_the_abi_and_the_handled_rights)
{
	cr_assert_eq(compile_capped("[policy]\ncompat = best-effort\n[filesystem]\nrox = /usr\n"
				    "[network]\nconnect_tcp = any\nbind_tcp = any\n", 2), 0, "%s", E.msg);
	cr_expect_eq(SB.abi, 2);
	cr_expect(has_note("not enforced: denying truncate outside rw grants (needs Landlock ABI 3, Linux 6.2; this kernel has 2)"));
	cr_expect_geq(SB.kernel_abi, 6);
	cr_expect_eq(SB.handled_fs, 0x3fffULL);
	cr_expect_eq(SB.handled_net, 0);
	cr_expect_eq(SB.fs_rules, 1);
	cr_expect_geq(SB.ruleset_fd, 0);
}

Test(landlock, handled_net_and_scopes_at_abi_6)
{
	cr_assert_eq(compile_capped("[network]\nconnect_tcp = 443\nbind_tcp = any\n", 6), 0, "%s", E.msg);
	cr_expect_eq(SB.handled_fs, 0xffffULL);
	cr_expect_eq(SB.handled_net, LR_NET_CONNECT_TCP);
	cr_expect_eq(SB.scoped, LR_SCOPE_ABSTRACT_UNIX_SOCKET | LR_SCOPE_SIGNAL);
	cr_expect_eq(SB.net_rules, 1);
}

Test(landlock, strict_refuses_what_the_capped_abi_cannot_enforce)
{
	cr_expect_eq(compile_capped("[filesystem]\nro = /usr\n[network]\nbind_tcp = any\nconnect_tcp = none\n", 3), -1);
	cr_expect_str_eq(E.msg, "t.ini:5: TCP connect restrictions: requires Landlock ABI 4 (Linux 6.7), this kernel offers 3; "
				"use compat = best-effort (or --best-effort) to run without it");
}

Test(landlock, best_effort_notes_what_the_capped_abi_drops)
{
	cr_assert_eq(compile_capped("[policy]\ncompat = best-effort\n[filesystem]\nro = /usr\n", 3), 0, "%s", E.msg);
	cr_expect_eq(SB.handled_fs, 0x7fffULL);
	cr_expect_eq(SB.handled_net, 0);
	cr_expect(has_note("not enforced: TCP connect restrictions (needs Landlock ABI 4, Linux 6.7; this kernel has 3)"));
	cr_expect(has_note("not enforced: TCP bind restrictions (needs Landlock ABI 4, Linux 6.7; this kernel has 3)"));
}

Test(landlock, min_abi_above_the_capped_abi)
{
	cr_expect_eq(compile_capped("[policy]\ncompat = best-effort\nmin_abi = 5\n", 4), -1);
	cr_expect_str_eq(E.msg, "t.ini:3: min_abi = 5 but this kernel offers Landlock ABI 4");
}

Test(landlock, rights_on_a_file_are_masked_to_file_rights)
{
	/* one rule on a regular file; compile succeeds only if the kernel accepted the masked rights */
	cr_assert_eq(compile_capped("[filesystem]\nrwx = /etc/passwd\n[network]\nconnect_tcp = any\nbind_tcp = any\n", 6),
		     0, "%s", E.msg);
	cr_expect_eq(SB.fs_rules, 1);
}

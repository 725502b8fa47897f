/* Landlock access rights: what a policy access word grants, what an ABI knows, their names. */
#include "landlock_rights.h"

#include <stdio.h>

#include "landlock_abi.h"
#include "util.h"

static const char *const fs_right_names[] = {
	"execute",   "write_file", "read_file", "read_dir",  "remove_dir", "remove_file",
	"make_char", "make_dir",   "make_reg",  "make_sock", "make_fifo",  "make_block",
	"make_sym",  "refer",      "truncate",  "ioctl_dev", "resolve_unix",
};

const char *lr_fs_rights_str(uint64_t mask, char *buf, size_t size)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < LR_ARRAY_LEN(fs_right_names); i++) {
		if (!(mask & (1ULL << i)) || off >= size)
			continue;
		off += (size_t)snprintf(buf + off, size - off, "%s%s", off ? "," : "", fs_right_names[i]);
	}
	return buf;
}

uint64_t lr_fs_rights_for_abi(int abi)
{
	static const uint64_t by_abi[] = {
		[0] = 0,
		[1] = (LR_FS_MAKE_SYM << 1) - 1,
		[2] = (LR_FS_REFER << 1) - 1,
		[3] = (LR_FS_TRUNCATE << 1) - 1,
		[4] = (LR_FS_TRUNCATE << 1) - 1,
		[5] = (LR_FS_IOCTL_DEV << 1) - 1,
		[6] = (LR_FS_IOCTL_DEV << 1) - 1,
		[7] = (LR_FS_IOCTL_DEV << 1) - 1,
		[8] = (LR_FS_IOCTL_DEV << 1) - 1,
		[9] = (LR_FS_RESOLVE_UNIX << 1) - 1,
	};
	if (abi < 0)
		return 0;
	return abi >= (int)LR_ARRAY_LEN(by_abi) ? by_abi[LR_ARRAY_LEN(by_abi) - 1] : by_abi[abi];
}

#define LR_RIGHTS_RO (LR_FS_READ_FILE | LR_FS_READ_DIR)
#define LR_RIGHTS_RW                                                                               \
	(LR_RIGHTS_RO | LR_FS_WRITE_FILE | LR_FS_REMOVE_DIR | LR_FS_REMOVE_FILE | LR_FS_MAKE_DIR |   \
	 LR_FS_MAKE_REG | LR_FS_MAKE_SOCK | LR_FS_MAKE_FIFO | LR_FS_MAKE_SYM | LR_FS_REFER |         \
	 LR_FS_TRUNCATE)

uint64_t lr_access_rights(enum lr_access a)
{
	switch (a) {
	case LR_RO: return LR_RIGHTS_RO;
	case LR_ROX: return LR_RIGHTS_RO | LR_FS_EXECUTE;
	case LR_RW: return LR_RIGHTS_RW;
	case LR_RWX: return LR_RIGHTS_RW | LR_FS_EXECUTE;
	case LR_DEV: return LR_FS_IOCTL_DEV;
	case LR_EXEC: return LR_RIGHTS_RO | LR_FS_EXECUTE;
	}
	return 0;
}

uint64_t lr_rule_rights(const struct lr_policy *p, const struct lr_path_rule *r)
{
	uint64_t rights = lr_access_rights(r->access);
	if (p->exec_none && r->access != LR_EXEC)
		rights &= ~LR_FS_EXECUTE;
	return rights;
}

static const struct lr_abi_info abi_table[] = {
	{ 1, "5.13", "filesystem access rights" },
	{ 2, "5.19", "refer: renaming and linking across directories" },
	{ 3, "6.2", "truncate" },
	{ 4, "6.7", "TCP bind and connect by port" },
	{ 5, "6.10", "ioctl on devices (dev =)" },
	{ 6, "6.12", "scopes: abstract unix sockets, signals" },
	{ 7, "6.15", "audit flags (landlock_log)" },
	{ 8, "7.0", "TSYNC: every thread of the caller (landrun_apply)" },
	{ 9, "7.1", "resolve_unix: pathname unix sockets (unix = PATH)" },
	{ 10, "7.2", "UDP bind and send by port (connect_udp, bind_udp)" },
};

const struct lr_abi_info *lr_abi_table(size_t *n)
{
	*n = LR_ARRAY_LEN(abi_table);
	return abi_table;
}

const char *lr_abi_linux(int abi)
{
	return abi >= 1 && abi <= (int)LR_ARRAY_LEN(abi_table) ? abi_table[abi - 1].linux_version : "?";
}

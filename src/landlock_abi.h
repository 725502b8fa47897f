/* Landlock UAPI up to ABI 10, defined here because the build host's headers stop at ABI 2. */
#ifndef LANDRUN_LANDLOCK_ABI_H
#define LANDRUN_LANDLOCK_ABI_H

#include <stdint.h>

#define LR_SYS_landlock_create_ruleset 444
#define LR_SYS_landlock_add_rule 445
#define LR_SYS_landlock_restrict_self 446

#define LR_LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#define LR_LANDLOCK_RULE_PATH_BENEATH 1
#define LR_LANDLOCK_RULE_NET_PORT 2

/* ABI 1 */
#define LR_FS_EXECUTE (1ULL << 0)
#define LR_FS_WRITE_FILE (1ULL << 1)
#define LR_FS_READ_FILE (1ULL << 2)
#define LR_FS_READ_DIR (1ULL << 3)
#define LR_FS_REMOVE_DIR (1ULL << 4)
#define LR_FS_REMOVE_FILE (1ULL << 5)
#define LR_FS_MAKE_CHAR (1ULL << 6)
#define LR_FS_MAKE_DIR (1ULL << 7)
#define LR_FS_MAKE_REG (1ULL << 8)
#define LR_FS_MAKE_SOCK (1ULL << 9)
#define LR_FS_MAKE_FIFO (1ULL << 10)
#define LR_FS_MAKE_BLOCK (1ULL << 11)
#define LR_FS_MAKE_SYM (1ULL << 12)
#define LR_FS_REFER (1ULL << 13)     /* ABI 2 */
#define LR_FS_TRUNCATE (1ULL << 14)  /* ABI 3 */
#define LR_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#define LR_FS_RESOLVE_UNIX (1ULL << 16) /* ABI 9 */

#define LR_NET_BIND_TCP (1ULL << 0)    /* ABI 4 */
#define LR_NET_CONNECT_TCP (1ULL << 1) /* ABI 4 */
#define LR_NET_BIND_UDP (1ULL << 2)         /* ABI 10 */
#define LR_NET_CONNECT_SEND_UDP (1ULL << 3) /* ABI 10 */

#define LR_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#define LR_SCOPE_SIGNAL (1ULL << 1)               /* ABI 6 */

/* landlock_restrict_self flags: what the audit subsystem logs of the domain's denials (ABI 7) */
#define LR_RESTRICT_SELF_LOG_SAME_EXEC_OFF (1U << 0)
#define LR_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1)
#define LR_RESTRICT_SELF_LOG_SUBDOMAINS_OFF (1U << 2)
/* ... and every thread of the calling process, not only the calling one (ABI 8) */
#define LR_RESTRICT_SELF_TSYNC (1U << 3)

/* The highest ABI whose rights landrun knows how to use. */
#define LR_LANDLOCK_ABI_KNOWN 10

struct lr_landlock_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct lr_landlock_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct lr_landlock_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

#endif

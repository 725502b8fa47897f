/* Name tables: address families, capabilities, errno names, rlimits, dangerous variables. */
#include "names.h"

#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <linux/capability.h>

#include "policy.h"
#include "syscall_groups.h"
#include "util.h"

/* Index = AF_* number (stable kernel ABI). */
static const char *const families[] = {
	[1] = "unix",       [2] = "inet",     [3] = "ax25",     [4] = "ipx",     [5] = "appletalk",
	[6] = "netrom",     [7] = "bridge",   [8] = "atmpvc",   [9] = "x25",     [10] = "inet6",
	[11] = "rose",      [12] = "decnet",  [13] = "netbeui", [14] = "security", [15] = "key",
	[16] = "netlink",   [17] = "packet",  [18] = "ash",     [19] = "econet", [20] = "atmsvc",
	[21] = "rds",       [22] = "sna",     [23] = "irda",    [24] = "pppox",  [25] = "wanpipe",
	[26] = "llc",       [27] = "ib",      [28] = "mpls",    [29] = "can",    [30] = "tipc",
	[31] = "bluetooth", [32] = "iucv",    [33] = "rxrpc",   [34] = "isdn",   [35] = "phonet",
	[36] = "ieee802154", [37] = "caif",   [38] = "alg",     [39] = "nfc",    [40] = "vsock",
	[41] = "kcm",       [42] = "qipcrtr", [43] = "smc",     [44] = "xdp",    [45] = "mctp",
};

int lr_family_from_name(const char *name)
{
	if (strcasecmp(name, "local") == 0)
		return AF_UNIX;
	for (size_t i = 0; i < LR_ARRAY_LEN(families); i++)
		if (families[i] && strcasecmp(name, families[i]) == 0)
			return (int)i;
	return -1;
}

const char *lr_family_suggest(const char *name)
{
	return lr_suggest(name, families, LR_ARRAY_LEN(families));
}

const char *lr_family_name(int af)
{
	return af >= 0 && (size_t)af < LR_ARRAY_LEN(families) && families[af] ? families[af] : "?";
}

/* Index = NETLINK_* protocol number (stable kernel ABI, <linux/netlink.h>). */
static const char *const netlink_protocols[32] = {
	[0] = "route",       [1] = "unused",       [2] = "usersock",       [3] = "firewall",
	[4] = "sock_diag",   [5] = "nflog",        [6] = "xfrm",           [7] = "selinux",
	[8] = "iscsi",       [9] = "audit",        [10] = "fib_lookup",    [11] = "connector",
	[12] = "netfilter",  [13] = "ip6_fw",      [14] = "dnrtmsg",       [15] = "kobject_uevent",
	[16] = "generic",    [18] = "scsitransport", [19] = "ecryptfs",    [20] = "rdma",
	[21] = "crypto",     [22] = "smc",
};

int lr_netlink_from_name(const char *name)
{
	unsigned long long n;
	if (lr_parse_uint(name, 31, &n))
		return (int)n;
	if (strcasecmp(name, "inet_diag") == 0)
		return 4; /* NETLINK_INET_DIAG, the old name of sock_diag */
	for (size_t i = 0; i < LR_ARRAY_LEN(netlink_protocols); i++)
		if (netlink_protocols[i] && strcasecmp(name, netlink_protocols[i]) == 0)
			return (int)i;
	return -1;
}

const char *lr_netlink_name(int proto)
{
	return proto >= 0 && (size_t)proto < LR_ARRAY_LEN(netlink_protocols) && netlink_protocols[proto]
		       ? netlink_protocols[proto]
		       : NULL;
}

static const char *strip_cap_prefix(const char *name)
{
	return strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name;
}

/* Index = CAP_* number (stable kernel ABI), the names capabilities(7) uses without CAP_. A table
 * rather than libcap-ng: linked statically, libcap-ng brings a constructor that makes syscalls at
 * every start and glibc's static NSS (for capng_change_id), about 150 us and 240 KiB per run. */
static const char *const cap_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid",
	"setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw",
	"ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
	"sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod",
	"lease", "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin", "syslog",
	"wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};
_Static_assert(LR_ARRAY_LEN(cap_names) == CAP_LAST_CAP + 1, "one name per capability");

int lr_cap_from_name(const char *name)
{
	name = strip_cap_prefix(name);
	for (size_t i = 0; i < LR_ARRAY_LEN(cap_names); i++)
		if (strcasecmp(name, cap_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *lr_cap_name(unsigned cap)
{
	return cap < LR_ARRAY_LEN(cap_names) ? cap_names[cap] : "?";
}

const char *lr_cap_suggest(const char *name)
{
	return lr_suggest(strip_cap_prefix(name), cap_names, LR_ARRAY_LEN(cap_names));
}

enum { LR_ERRNO_MAX = 134 };

int lr_errno_from_name(const char *name)
{
	/* names glibc's strerrorname_np never returns: they alias another errno */
	static const struct {
		const char *alias;
		int e;
	} aliases[] = { { "EWOULDBLOCK", EAGAIN }, { "ENOTSUP", EOPNOTSUPP }, { "EDEADLOCK", EDEADLK } };
	for (size_t i = 0; i < LR_ARRAY_LEN(aliases); i++)
		if (strcmp(name, aliases[i].alias) == 0)
			return aliases[i].e;
	for (int e = 1; e < LR_ERRNO_MAX; e++) {
		const char *n = strerrorname_np(e);
		if (n && strcmp(n, name) == 0)
			return e;
	}
	return -1;
}

const char *lr_errno_suggest(const char *name)
{
	const char *cands[LR_ERRNO_MAX] = { 0 };
	for (int e = 1; e < LR_ERRNO_MAX; e++)
		cands[e] = strerrorname_np(e);
	return lr_suggest(name, cands, LR_ARRAY_LEN(cands));
}

const char *lr_errno_name(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "E?";
}

const char *lr_syscall_suggest(const char *name)
{
	/* Only on the error path: ask libseccomp for every name it knows. */
	enum { MAX_NR = 512 };
	const char *cands[MAX_NR] = { 0 };
	for (int nr = 0; nr < MAX_NR; nr++)
		cands[nr] = lr_syscall_name(nr);
	const char *hint = lr_suggest(name, cands, MAX_NR);
	/* lr_syscall_name may hand out libseccomp's allocated strings: keep ours stable. */
	return hint;
}

const char *lr_syscall_group_suggest(const char *name)
{
	const char *cands[64] = { 0 };
	size_t n = lr_syscall_groups_count < 64 ? lr_syscall_groups_count : 64;
	for (size_t i = 0; i < n; i++)
		cands[i] = lr_syscall_groups[i].name;
	return lr_suggest(name, cands, n);
}

static bool has_suffix(const char *name, size_t len, const char *suffix)
{
	size_t sl = strlen(suffix);
	return len >= sl && strncasecmp(name + len - sl, suffix, sl) == 0;
}

bool lr_env_name_is_dangerous(const char *name, size_t len)
{
	if (len > 0 && name[len - 1] == '*')
		len--;
	static const char *const exact[] = { "GCONV_PATH", "BASH_ENV", "ENV" };
	for (size_t i = 0; i < LR_ARRAY_LEN(exact); i++)
		if (strlen(exact[i]) == len && strncmp(name, exact[i], len) == 0)
			return true;
	return (len >= 3 && strncmp(name, "LD_", 3) == 0) || has_suffix(name, len, "_TOKEN") ||
	       has_suffix(name, len, "_KEY") || has_suffix(name, len, "_SECRET") ||
	       has_suffix(name, len, "_PASSWORD");
}

bool lr_env_name_looks_secret(const char *name, size_t len)
{
	static const char *const words[] = { "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH" };
	for (size_t i = 0; i < LR_ARRAY_LEN(words); i++) {
		size_t wl = strlen(words[i]);
		for (size_t at = 0; at + wl <= len; at++)
			if (strncasecmp(name + at, words[i], wl) == 0)
				return true;
	}
	/* KEY as a word: API_KEY, KEY_FILE, SSH_KEY_PATH; not KEYBOARD or MONKEY */
	for (size_t at = 0; at + 3 <= len; at++)
		if (strncasecmp(name + at, "KEY", 3) == 0 && (at == 0 || name[at - 1] == '_') &&
		    (at + 3 == len || name[at + 3] == '_'))
			return true;
	return false;
}

static const struct {
	const char *key;
	int resource;
} rlimits[LR_RLIMIT_COUNT] = {
	[LR_RLIMIT_NOFILE] = { "rlimit_nofile", RLIMIT_NOFILE },
	[LR_RLIMIT_NPROC] = { "rlimit_nproc", RLIMIT_NPROC },
	[LR_RLIMIT_AS] = { "rlimit_as", RLIMIT_AS },
	[LR_RLIMIT_CPU] = { "rlimit_cpu", RLIMIT_CPU },
	[LR_RLIMIT_FSIZE] = { "rlimit_fsize", RLIMIT_FSIZE },
	[LR_RLIMIT_CORE] = { "rlimit_core", RLIMIT_CORE },
};

const char *lr_rlimit_key(int idx)
{
	return rlimits[idx].key;
}

int lr_rlimit_resource(int idx)
{
	return rlimits[idx].resource;
}

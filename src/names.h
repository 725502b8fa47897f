/* Name tables: address families, capabilities, errno names, rlimits, dangerous variables. */
#ifndef LANDRUN_NAMES_H
#define LANDRUN_NAMES_H

#include <stdbool.h>
#include <stddef.h>

int lr_family_from_name(const char *name); /* -1 if unknown */
const char *lr_family_suggest(const char *name);
const char *lr_family_name(int af);

int lr_netlink_from_name(const char *name); /* NETLINK_* number of a name or number, or -1 */
const char *lr_netlink_name(int proto);

/* idx: LR_RLIMIT_* (policy.h) */
const char *lr_rlimit_key(int idx);
int lr_rlimit_resource(int idx);

int lr_cap_from_name(const char *name); /* "CAP_NET_ADMIN" or "net_admin"; -1 if unknown */
const char *lr_cap_suggest(const char *name);
const char *lr_cap_name(unsigned cap); /* "net_admin" */

int lr_errno_from_name(const char *name); /* "EPERM" -> 1; -1 if unknown */
const char *lr_errno_suggest(const char *name);
const char *lr_errno_name(int e);

const char *lr_syscall_suggest(const char *name);
const char *lr_syscall_group_suggest(const char *name);

/* LD_*, GCONV_PATH, BASH_ENV, ENV and *_TOKEN, *_KEY, *_SECRET, *_PASSWORD: never inherited. */
bool lr_env_name_is_dangerous(const char *name, size_t len);
/* Does the name look like a credential's (TOKEN, SECRET, PASSWORD, PASSWD, CREDENTIAL, AUTH anywhere,
 * KEY as a word between underscores, in any case)? Such a variable is better passed by
 * [env] secrets =, whose value --explain masks. */
bool lr_env_name_looks_secret(const char *name, size_t len);

#endif

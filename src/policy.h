/* The policy: what a sandbox may do, as parsed from INI files and command-line flags. */
#ifndef LANDRUN_POLICY_H
#define LANDRUN_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "util.h"

enum lr_access { LR_RO, LR_ROX, LR_RW, LR_RWX, LR_DEV, LR_EXEC };

/* A path word and the current directory: not at all, exactly ${CWD} (or ${PWD}), or derived from
 * it (${CWD}/.., ${CWD}//, a relative path on the command line). */
/* Where a path word takes its directory from, when not from the policy's own text: ${CWD} alone
 * (EXACT), a word built on ${CWD} (DERIVED), a word built on ${env:NAME} (ENV: a unit's
 * StateDirectory=, or whatever the caller's environment says). */
enum lr_workdir_use { LR_WORKDIR_NONE = 0, LR_WORKDIR_EXACT, LR_WORKDIR_DERIVED, LR_WORKDIR_ENV };

struct lr_path_rule {
	const char *path; /* variables expanded, '?' removed */
	enum lr_access access;
	bool optional;
	enum lr_workdir_use workdir; /* how the word used ${CWD} or ${PWD}, the directory landrun is
				      * started from (workdir.c judges what such a grant gives) */
	struct lr_origin at;
};

struct lr_port_rule {
	uint16_t lo, hi;
	bool bind; /* else connect */
	/* connect rules only: the destinations, family 0 for any (a port rule), else AF_INET or
	 * AF_INET6 and the first prefix bits of addr (a rule written ADDR[/PREFIX]:PORTS; Landlock
	 * judges the port, the helper the address: netcalls.h) */
	unsigned char family, prefix;
	unsigned char addr[16];
	struct lr_origin at;
};

/* Whether any connect rule of ports (struct lr_port_rule) names an address. */
bool lr_ports_have_addresses(const struct lr_vec *ports);

/* The rule's destination as written back ("10.0.0.0/8", "[2001:db8::]/32"; "" when it has none)
 * into buf; whether it has one. */
bool lr_port_rule_destination(const struct lr_port_rule *r, char *buf, size_t size);

/* Actions a syscall rule can take. */
enum lr_action { LR_ACT_DEFAULT = 0, LR_ACT_ALLOW, LR_ACT_ERRNO, LR_ACT_KILL, LR_ACT_LOG };

struct lr_action_setting {
	enum lr_action is;
	bool set;
	struct lr_origin at;
};

struct lr_sys_rule {
	const char *name; /* syscall name or "@group" */
	bool allow;
	bool except;           /* baseline_except: lifts the baseline item of that name */
	enum lr_action action; /* for deny rules; LR_ACT_DEFAULT: the policy's action */
	int errnum;            /* for LR_ACT_ERRNO */
	struct lr_origin at;
};

enum lr_env_kind { LR_ENV_KEEP, LR_ENV_SET, LR_ENV_UNSET, LR_ENV_SECRET };

struct lr_verify_rule {
	const char *path;
	unsigned char sha256[32];
	struct lr_origin at;
};

struct lr_env_rule {
	enum lr_env_kind kind;
	const char *name; /* for KEEP, may end in '*' (a prefix) */
	const char *value;
	struct lr_origin at;
};

/* A policy file read from disk: a sandbox must not be able to rewrite it (policy_guard.h). */
struct lr_policy_file {
	const char *path; /* as given (arena) */
	const char *dir;  /* its directory, absolute (arena) */
	dev_t dev;        /* of the file opened and read */
	ino_t ino;
	bool via_link;    /* a symbolic link was on the way (or openat2 could not tell) */
};

/* Settings: each kind of scalar setting has its own type, so that reading one kind as another,
 * or assigning a number to a yes/no, does not compile (the value fields differ: on, n, is).
 * Every kind remembers whether a policy gave it and where it was last set, for --explain and
 * errors; lr_given() is that place, or NULL when the setting keeps its default.
 *
 * A flag is named for what on means, in positive words: abstract_unix_isolated, not a "no"
 * value of abstract_unix. A flag that lifts a restriction says so with "any" (connect_any,
 * fs_any), so that false, the value of a flag no policy gave, is the restricted one. The
 * defaults that are true (baseline_hardened, the isolations, strip_proxy_credentials) are set
 * by lr_policy_init. No setting has a third "unset" value: set says whether it was given. */
struct lr_flag {
	bool on;
	bool set;
	struct lr_origin at;
};

/* A number: a count, a duration or an errno. */
struct lr_count {
	int n;
	bool set;
	struct lr_origin at;
};

/* A key given without a scalar value of its own (its value is a mask or a list elsewhere). */
struct lr_mark {
	bool set;
	struct lr_origin at;
};

#define lr_given(s) ((s)->set ? &(s)->at : NULL)

enum { LR_RLIMIT_NOFILE, LR_RLIMIT_NPROC, LR_RLIMIT_AS, LR_RLIMIT_CPU, LR_RLIMIT_FSIZE,
       LR_RLIMIT_CORE, LR_RLIMIT_COUNT };

struct lr_rlimit_setting {
	bool set;
	rlim_t value;
	struct lr_origin at;
};

enum lr_compat { LR_STRICT = 0, LR_BEST_EFFORT };

struct lr_compat_setting {
	enum lr_compat is;
	bool set;
	struct lr_origin at;
};

/* [network] unix: which sockets the command may create (socket(AF_UNIX)) and reach by path.
 * none: no socket(AF_UNIX) at all (socketpair stays); any: no restriction; paths: the listed
 * pathname sockets (Landlock ABI 9). */
enum lr_unix { LR_UNIX_NONE = 0, LR_UNIX_ANY, LR_UNIX_PATHS };

struct lr_unix_setting {
	enum lr_unix is;
	bool set;
	struct lr_origin at;
};

/* [filesystem] metadata: where chmod, chown, utimes and the xattr calls may change a file.
 * granted: beneath a directory granted rw or rwx (a helper answers the calls, see notify.h);
 * any: anywhere Landlock lets the command reach (it does not check these calls); none: nowhere. */
enum lr_metadata { LR_METADATA_GRANTED = 0, LR_METADATA_ANY, LR_METADATA_NONE };

struct lr_metadata_setting {
	enum lr_metadata is;
	bool set;
	struct lr_origin at;
};

struct lr_policy {
	struct lr_arena arena;

	/* [policy] */
	struct lr_compat_setting compat;
	struct lr_count min_abi; /* 0: none */
	struct lr_mark landlock_log;     /* given; the flags are below */
	uint32_t landlock_log_flags;     /* LR_RESTRICT_SELF_LOG_* for landlock_restrict_self (ABI 7) */

	/* [filesystem] */
	struct lr_vec paths;         /* struct lr_path_rule */
	struct lr_flag fs_any;       /* unrestricted = yes: the filesystem is NOT restricted */
	struct lr_flag private_tmp;  /* a fresh 0700 TMPDIR, removed at the end (supervised) */
	struct lr_metadata_setting metadata; /* chmod, chown, utimes, xattrs */

	/* [network] */
	struct lr_vec ports;                     /* struct lr_port_rule */
	struct lr_flag connect_any, bind_any;    /* TCP connect / bind is NOT restricted */
	struct lr_flag udp;                      /* UDP sockets allowed */
	struct lr_flag udp_dns;                  /* udp = dns: to the nameservers only */
	struct lr_vec udp_ports;                 /* struct lr_port_rule: connect_udp, bind_udp (ABI 10) */
	struct lr_flag connect_udp_any, bind_udp_any; /* set: that direction's key was given */
	struct lr_mark families;                 /* given; the mask is below */
	uint64_t families_mask;                  /* bit per AF_* number */
	struct lr_flag abstract_unix_isolated;   /* abstract_unix = isolated (default) */
	struct lr_unix_setting unix_sockets;     /* pathname unix sockets */
	struct lr_vec unix_paths;                /* struct lr_path_rule: unix = PATH ... */
	struct lr_flag netlink_any;              /* every netlink protocol */
	uint32_t netlink_mask;                   /* bit per NETLINK_* protocol (0-31) otherwise */
	/* [process] */
	struct lr_flag signals_isolated; /* signals = isolated (default) */
	struct lr_flag new_session;
	struct lr_count timeout_ms;      /* 0: none (supervised) */
	struct lr_flag die_with_parent;  /* (supervised) */
	struct lr_flag log_denials;      /* supervised and traced, each denial on stderr */
	struct lr_flag supervise;        /* supervised (nothing of the sandbox outlives landrun) */
	struct lr_vec keep_fds;          /* int */
	struct lr_mark capabilities;     /* given; the kept set is caps_keep */
	uint64_t caps_keep;              /* bit per CAP_* */
	struct lr_rlimit_setting rlimits[LR_RLIMIT_COUNT];

	/* [syscalls] */
	struct lr_action_setting sys_default; /* LR_ACT_ALLOW (default) or LR_ACT_ERRNO */
	struct lr_action_setting action;      /* for denials */
	struct lr_count errnum;               /* errno for LR_ACT_ERRNO, default EPERM */
	struct lr_flag baseline_hardened;     /* baseline = hardened (default) */
	struct lr_vec sys_rules;              /* struct lr_sys_rule */

	/* [exec] */
	struct lr_mark exec_control;    /* set by any [exec] allow: execution is an allow list */
	bool exec_none;                 /* allow = none: nothing but the command and its interpreters */
	struct lr_origin exec_none_at;  /* where allow = none was given */
	struct lr_vec verify;           /* struct lr_verify_rule */
	struct lr_flag add_command;     /* add_command = yes: the command's own file, as resolved, gets
					 * rox (Go landrun's --add-exec) */
	struct lr_flag add_libraries;   /* add_libraries = yes: the command's shared libraries get rox
					 * and its ELF interpreter too (Go landrun's --ldd) */

	/* [env] */
	struct lr_vec env_rules; /* struct lr_env_rule */
	struct lr_flag strip_proxy_credentials; /* default yes */
	const char *env_path;    /* NULL: the safe default; "inherit"; or a value */
	size_t env_path_index;   /* env_rules.len when path was set */
	struct lr_origin env_path_at;

	/* the policy files read, in order (for --explain) */
	struct lr_vec sources; /* const char * */
	struct lr_vec files;   /* struct lr_policy_file: those read from disk (not embedded text) */
	int depth;             /* include depth while parsing */
};

/* Context the parser needs to expand variables and find policies. */
struct lr_env_ctx {
	const char *const *environ; /* the caller's environment */
	const char *policy_dirs[6]; /* where NAME lookups search, in order; NULL-terminated */
	unsigned shipped;           /* index of the first of them that holds the shipped policies */
};

#define LR_DEFAULT_FAMILIES                                                                    \
	((1ULL << 1 /*AF_UNIX*/) | (1ULL << 2 /*AF_INET*/) | (1ULL << 10 /*AF_INET6*/) |            \
	 (1ULL << 16 /*AF_NETLINK*/))

#define LR_NETLINK_ROUTE_ONLY (1U << 0 /*NETLINK_ROUTE*/)

/* Whether listen() is refused: no TCP bind grant and no unix socket (a TCP socket that listens
 * unbound auto-binds an ephemeral port no Landlock rule sees). */
bool lr_policy_refuses_listen(const struct lr_policy *p);

void lr_policy_init(struct lr_policy *p);
void lr_policy_free(struct lr_policy *p);

/* Parses a policy file (path) or a policy name (no slash: NAME.ini in the policy dirs; "default"
 * falls back to the embedded text). Adds to what p already holds. */
int lr_policy_load(struct lr_policy *p, const struct lr_env_ctx *ctx, const char *name_or_path,
		   struct lr_error *err);
/* Parses policy text; file is the name used in messages and for relative includes. */
int lr_policy_load_string(struct lr_policy *p, const struct lr_env_ctx *ctx, const char *text,
			  const char *file, struct lr_error *err);

/* One "key = value" as if read from [section] at origin: the command line uses this. */
int lr_policy_set(struct lr_policy *p, const struct lr_env_ctx *ctx, const char *section,
		  const char *key, const char *value, const struct lr_origin *at,
		  struct lr_error *err);

/* The same as a continuation line of key: a key whose new line replaces its list (unix,
 * families, netlink) adds to it instead, so that a repeated flag adds up. */
int lr_policy_add(struct lr_policy *p, const struct lr_env_ctx *ctx, const char *section,
		  const char *key, const char *value, const struct lr_origin *at, struct lr_error *err);

/* Writes s as one policy word that reads back as exactly s (no ${...} expanded in it): as it is
 * when every byte is plain (ASCII letters, digits and /._-+@%~:^), else in double quotes with the
 * escapes \\ \" \n \t \xHH (see landrun.ini(5), SYNTAX). Returns its length, or -1 when it does
 * not fit in size bytes. */
int lr_policy_quote(const char *s, char *out, size_t size);

/* The longest line the policy reader takes (its INI parser's buffer, less "\r\n\0"). */
enum { LR_POLICY_LINE_MAX = 197 };

/* The embedded default policy text (policies/default.ini). */
extern const char lr_default_policy[];

const char *lr_access_name(enum lr_access a);

#endif

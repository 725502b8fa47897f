/* landrun(1): parse the command line, compile the policy, apply it and exec the command in place. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "check.h"
#include "denials.h"
#include "command.h"
#include "exec.h"
#include "explain.h"
#include "landlock_abi.h"
#include "learn.h"
#include "names.h"
#include "policy.h"
#include "sandbox.h"
#include "supervise.h"

#ifndef LANDRUN_VERSION
#define LANDRUN_VERSION "0.1"
#endif
#ifndef LANDRUN_POLICY_DIR
#define LANDRUN_POLICY_DIR "/usr/local/share/landrun/policies"
#endif
#ifndef LANDRUN_SYSCONF_POLICY_DIR
#define LANDRUN_SYSCONF_POLICY_DIR "/etc/landrun"
#endif

extern char **environ;

enum opt {
	OPT_RO = 256, OPT_ROX, OPT_RW, OPT_RWX, OPT_CONNECT, OPT_BIND, OPT_ENV, OPT_BEST_EFFORT,
	OPT_UNRESTRICTED_FS, OPT_UNRESTRICTED_NET, OPT_EXPLAIN, OPT_VERSION, OPT_TEST_ABI, OPT_LOG_LEVEL,
	OPT_TIMING, OPT_UDP, OPT_LOG_DENIALS, OPT_SUPERVISE, OPT_IGNORE_MISSING, OPT_ADD_EXEC, OPT_UNRESTRICTED_SCOPED,
	OPT_UNIX, OPT_LOG_DISABLE_ORIGINATING, OPT_LOG_ENABLE_SUBPROCESSES, OPT_LOG_DISABLE_SUBDOMAINS,
	OPT_CONNECT_UDP, OPT_BIND_UDP, OPT_LDD,
};

/* --explain's form */
enum { OPT_JSON = 1100 };

/* answered like --version: print something and exit */
enum { OPT_PRINT_DEFAULT = 1000 };

static const struct option long_options[] = {
	{ "policy", required_argument, NULL, 'p' },
	{ "ro", required_argument, NULL, OPT_RO },
	{ "rox", required_argument, NULL, OPT_ROX },
	{ "rw", required_argument, NULL, OPT_RW },
	{ "rwx", required_argument, NULL, OPT_RWX },
	{ "connect-tcp", required_argument, NULL, OPT_CONNECT },
	{ "bind-tcp", required_argument, NULL, OPT_BIND },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "best-effort", no_argument, NULL, OPT_BEST_EFFORT },
	{ "unrestricted-filesystem", no_argument, NULL, OPT_UNRESTRICTED_FS },
	{ "unrestricted-network", no_argument, NULL, OPT_UNRESTRICTED_NET },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "print-default", no_argument, NULL, OPT_PRINT_DEFAULT },
	{ "help", no_argument, NULL, 'h' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "test-abi", required_argument, NULL, OPT_TEST_ABI },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "timing", no_argument, NULL, OPT_TIMING },
	{ "udp", no_argument, NULL, OPT_UDP },
	{ "log-denials", no_argument, NULL, OPT_LOG_DENIALS },
	{ "supervise", no_argument, NULL, OPT_SUPERVISE },
	{ "ignore-missing", no_argument, NULL, OPT_IGNORE_MISSING },
	{ "add-exec", no_argument, NULL, OPT_ADD_EXEC },
	{ "unrestricted-scoped", no_argument, NULL, OPT_UNRESTRICTED_SCOPED },
	{ "unix", required_argument, NULL, OPT_UNIX },
	{ "log-disable-originating", no_argument, NULL, OPT_LOG_DISABLE_ORIGINATING },
	{ "log-enable-subprocesses", no_argument, NULL, OPT_LOG_ENABLE_SUBPROCESSES },
	{ "log-disable-subdomains", no_argument, NULL, OPT_LOG_DISABLE_SUBDOMAINS },
	{ "connect-udp", required_argument, NULL, OPT_CONNECT_UDP },
	{ "bind-udp", required_argument, NULL, OPT_BIND_UDP },
	{ "ldd", no_argument, NULL, OPT_LDD },
	{ NULL, 0, NULL, 0 },
};

struct cli {
	int verbose; /* -1 quiet, 0 normal, 1 verbose */
	bool explain;
	bool json; /* --explain --json */
	bool timing; /* print how long each step took, from main() to execve */
	struct timespec t0;
	bool access_flags; /* any flag that replaces the embedded default */
	bool policy_flag;  /* -p given: the flags add to that policy, not replace the default */
	char **argv;
	bool ignore_missing; /* --ignore-missing: every path is optional, wherever it was given */
	int abi_cap;
	char **command;
	struct lr_policy policy;
	struct lr_env_ctx ctx;
	char src_policies[PATH_MAX];
	char user_policies[PATH_MAX];
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: landrun [OPTIONS] [--] COMMAND [ARG...]\n"
		"       landrun check [--threshold N] [--json] [POLICY...]   a policy's exposure report\n"
		"       landrun learn [-o FILE] (-p BASE | --unconfined) [--syscalls] -- COMMAND [ARG...]\n"
		"       landrun digest PATH...                               [exec] verify lines\n"
		"       landrun policies                                     the policies -p NAME finds\n"
		"Run COMMAND in place under a Landlock + seccomp sandbox.\n\n"
		"  -p, --policy FILE|NAME    read a policy (repeatable; NAME: NAME.ini in the policy dirs)\n"
		"      --ro PATH[,PATH]      read-only access       --rox PATH   read + execute\n"
		"      --rw PATH[,PATH]      read-write access      --rwx PATH   read-write + execute\n"
		"      --connect-tcp PORTS   allow TCP connect      --bind-tcp PORTS  allow TCP bind\n"
		"      --env NAME[=VALUE]    pass or set a variable\n"
		"      --udp                 allow UDP sockets (DNS); Landlock cannot restrict them by port\n"
		"      --log-denials         report each denied call on stderr (traced, supervised run)\n"
		"      --supervise           stay as the command's parent: nothing it starts outlives landrun\n"
		"      --best-effort         drop what this kernel cannot enforce (with a warning)\n"
		"      --unrestricted-filesystem, --unrestricted-network\n"
		"      --unrestricted-scoped share abstract unix sockets and signals with the outside\n"
		"      --unix PATH[,PATH]    pathname unix sockets the command may connect to (ABI 9)\n"
		"      --connect-udp PORTS   allow UDP sends   --bind-udp PORTS  allow UDP bind (ABI 10)\n"
		"      --add-exec            the command's own file becomes executable\n"
		"      --ldd                 the command's shared libraries and ELF loader get rox\n"
		"      --ignore-missing      every path is optional, as if written ?PATH\n"
		"      --log-disable-originating, --log-enable-subprocesses, --log-disable-subdomains\n"
		"                            Landlock audit flags (ABI 7)\n"
		"      --explain             print the resolved policy and what is enforced; run nothing\n"
		"      --json                with --explain: as one JSON object\n"
		"      --timing              print how long each step took, on stderr\n"
		"      --test-abi N          act as if the kernel offered Landlock ABI N (0: none)\n"
		"      --log-level LEVEL     error: -q, info: normal, debug: -v (also LANDRUN_LOG_LEVEL)\n"
		"      --print-default       print the embedded default policy\n"
		"  -v, --verbose  -q, --quiet  --version  -h, --help\n"
		"Subcommands take --help too (landrun learn --help).\n\n"
		"Without --policy or access flags the embedded default policy applies.\n"
		"Exit status: 125 landrun failed, 126 cannot execute, 127 not found, else the command's.\n"
		"See landrun(1) and landrun.ini(5).\n");
}

/* The caller's own policies: $XDG_CONFIG_HOME/landrun, else ~/.config/landrun (an XDG
 * directory must be absolute: a relative one is ignored, as the specification says). Written to
 * buf; false when there is neither. */
static bool user_policy_dir(const char *const *env, char *buf, size_t size)
{
	const char *xdg = NULL, *home = NULL;
	for (const char *const *e = env; e && *e; e++) {
		if (strncmp(*e, "XDG_CONFIG_HOME=", 16) == 0)
			xdg = *e + 16;
		else if (strncmp(*e, "HOME=", 5) == 0)
			home = *e + 5;
	}
	int n;
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s/landrun", xdg);
	else if (home && home[0] == '/')
		n = snprintf(buf, size, "%s/.config/landrun", home);
	else
		return false;
	return n > 0 && (size_t)n < size;
}

static const char learn_usage[] =
	"usage: landrun learn [-o FILE] (-p BASE | --unconfined) [--syscalls] -- COMMAND [ARG...]\n"
	"Run COMMAND, record what it used and write a policy that grants it.\n\n"
	"  -o, --output FILE   write the policy to FILE (default: standard output)\n"
	"  -p, --policy BASE   run the command under BASE (a file or a name as for -p);\n"
	"                      what it used beyond BASE is not granted\n"
	"      --unconfined    run the command with no sandbox at all (review the result)\n"
	"      --syscalls      also write [syscalls] default = deny with the syscalls seen\n"
	"See landrun(1), landrun learn.\n";

static const char check_usage[] =
	"usage: landrun check [--threshold N] [--json] [POLICY...]\n"
	"Report what each POLICY (a file or a name as for -p; none: the embedded default) exposes.\n\n"
	"      --threshold N   exit 1 when a policy scores above N (0 to 10)\n"
	"      --json          print a JSON array, one object per policy\n"
	"See landrun(1), landrun check.\n";

static const char digest_usage[] =
	"usage: landrun digest PATH...\n"
	"Print the SHA-256 digest of each file as an [exec] verify line for a policy.\n"
	"See landrun(1), landrun digest.\n";

static const char policies_usage[] =
	"usage: landrun policies\n"
	"List the policies -p NAME finds: name, path and the file's first comment line.\n"
	"See landrun(1), landrun policies.\n";

/* landrun SUBCOMMAND --help: its usage, or NULL when argv is not that. */
static const char *subcommand_help(int argc, char **argv)
{
	static const struct {
		const char *name, *usage;
	} subs[] = { { "learn", learn_usage }, { "check", check_usage }, { "digest", digest_usage },
		     { "policies", policies_usage } };
	if (argc < 3 || (strcmp(argv[2], "--help") != 0 && strcmp(argv[2], "-h") != 0))
		return NULL;
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].usage;
	return NULL;
}

/* The path this binary was executed by, into buf (its length, or -1). execve's own argument
 * (AT_EXECFN) when it is absolute and plain, as a PATH search, a service manager or a script gives
 * it, rather than readlink("/proc/self/exe"): a process's first look into /proc/self costs about
 * 15 us (see static_origin.c). AT_EXECFN is only the text whoever executed landrun chose, though:
 * a symbolic link named src/landrun next to a policies/ directory of anyone's (one a sandboxed
 * command left in its write grant) would make that directory the shipped policies'. So the
 * kernel's answer is taken for a link (one into a build tree is judged by where it leads, as
 * before) and whenever the path looks like a source tree's binary (src/landrun, or the build
 * directory's): it alone decides whether a source tree's policies are searched. A relative path,
 * or one with a "." or ".." in it, is left to the kernel's answer too. */
static ssize_t executed_as(char *buf, size_t size)
{
	const char *fn = (const char *)getauxval(AT_EXECFN); // NOLINT(performance-no-int-to-ptr): the auxv holds an address
	size_t len = fn ? strlen(fn) : 0;
	struct stat st;
	bool source_like = len >= 12 && strcmp(fn + len - 12, "/src/landrun") == 0;
#ifdef LANDRUN_BUILD_BINDIR
	source_like |= len > strlen(LANDRUN_BUILD_BINDIR) && strncmp(fn, LANDRUN_BUILD_BINDIR "/", strlen(LANDRUN_BUILD_BINDIR) + 1) == 0;
#endif
	if (fn && fn[0] == '/' && !strstr(fn, "/.") && len < size && !source_like && lstat(fn, &st) == 0 &&
	    !S_ISLNK(st.st_mode)) {
		memcpy(buf, fn, len + 1);
		return (ssize_t)len;
	}
	return readlink("/proc/self/exe", buf, size - 1);
}

/* Where NAME lookups search: the user's configuration directory, the system's (/etc/landrun),
 * then the shipped policies: the source tree's policies/ when this binary is src/landrun in a
 * source tree, and the installed policy directory. A policy found in a directory the command
 * may write is refused when it is read (policy_guard.c), wherever it was found. */
static void find_policy_dirs(struct cli *c)
{
	char exe[PATH_MAX];
	ssize_t n = executed_as(exe, sizeof(exe));
	size_t k = 0;
	if (user_policy_dir(c->ctx.environ, c->user_policies, sizeof(c->user_policies)))
		c->ctx.policy_dirs[k++] = c->user_policies;
	c->ctx.policy_dirs[k++] = LANDRUN_SYSCONF_POLICY_DIR;
	c->ctx.shipped = (unsigned)k;
	if (n > 12) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
#ifdef LANDRUN_BUILD_BINDIR
		/* a build directory other than the source tree (make B=build-asan): its binary is
		 * recognised by where the build put it */
		if (slash && (size_t)(slash - exe) == strlen(LANDRUN_BUILD_BINDIR) &&
		    strncmp(exe, LANDRUN_BUILD_BINDIR, (size_t)(slash - exe)) == 0 &&
		    access(LANDRUN_SOURCE_POLICIES "/default.ini", F_OK) == 0) {
			c->ctx.policy_dirs[k++] = LANDRUN_SOURCE_POLICIES;
		} else
#endif
		if (slash && slash - exe >= 4 && strncmp(slash - 4, "/src", 4) == 0) {
			snprintf(c->src_policies, sizeof(c->src_policies), "%.*s/policies", (int)(slash - 4 - exe), exe);
			char probe[PATH_MAX + 16];
			snprintf(probe, sizeof(probe), "%s/default.ini", c->src_policies);
			if (access(probe, F_OK) == 0)
				c->ctx.policy_dirs[k++] = c->src_policies;
		}
	}
	c->ctx.policy_dirs[k] = LANDRUN_POLICY_DIR;
}

static int flag_paths(struct cli *c, const char *section, const char *key, const char *list, int argi, struct lr_error *err)
{
	struct lr_origin at = { "command line", argi };
	char item[PATH_MAX * 4 + 8];
	size_t len;
	const char *w;
	/* Go landrun splits on commas (a path containing a comma or a blank is given in double quotes,
	 * as in a policy file) and takes paths relative to the current directory: written ${CWD}
	 * (whose value is text, not policy syntax), they are judged as the current directory and
	 * what derives from it are (workdir.c): no rw of /, $HOME or a system directory by `--rw .`,
	 * `--rw ./.` or `--rw ..`. */
	while ((w = lr_next_word(&list, &len, true))) {
		bool optional = w[0] == '?';
		const char *path = w + optional;
		size_t plen = len - optional;
		int n;
		if ((plen == 1 && path[0] == '.') || (plen == 2 && memcmp(path, "./", 2) == 0))
			n = snprintf(item, sizeof(item), "%s${CWD}", optional ? "?" : "");
		else if (path[0] == '/' || path[0] == '$' || (path[0] == '"' && path[1] == '/'))
			n = snprintf(item, sizeof(item), "%s%.*s", optional ? "?" : "", (int)plen, path);
		else
			n = snprintf(item, sizeof(item), "%s${CWD}/%.*s", optional ? "?" : "", (int)plen, path);
		if (n < 0 || (size_t)n >= sizeof(item))
			return lr_fail(err, &at, "--%s: path too long", key);
		/* --unix adds paths (lr_policy_add): a new unix line would replace them */
		if ((strcmp(section, "network") == 0 ? lr_policy_add : lr_policy_set)(&c->policy, &c->ctx, section, key,
										   item, &at, err))
			return -1;
	}
	return 0;
}

static int flag_env(struct cli *c, const char *arg, int argi, struct lr_error *err)
{
	struct lr_origin at = { "command line", argi };
	/* a credential passed by keep is shown by --explain: secrets = masks it (the dangerous
	 * names, which keep refuses, say so themselves) */
	if (c->verbose >= 0 && !strchr(arg, '=') && lr_env_name_looks_secret(arg, strlen(arg)) &&
	    !lr_env_name_is_dangerous(arg, strlen(arg)))
		fprintf(stderr, "landrun: note: --env %s looks like a secret: [env] secrets = %s in a policy (-p) passes it "
			"with its value masked in --explain\n", arg, arg);
	return lr_policy_set(&c->policy, &c->ctx, "env", strchr(arg, '=') ? "set" : "keep", arg, &at, err);
}

/* Go landrun's log levels: error prints errors only (-q), info also warnings (the default), debug
 * also notes (-v). warn is info. */
static int set_log_level(struct cli *c, const char *level, const struct lr_origin *at, struct lr_error *err)
{
	static const struct { const char *name; int verbose; } levels[] = {
		{ "error", -1 }, { "warn", 0 }, { "warning", 0 }, { "info", 0 }, { "debug", 1 },
	};
	for (size_t i = 0; i < LR_ARRAY_LEN(levels); i++)
		if (strcasecmp(level, levels[i].name) == 0) {
			c->verbose = levels[i].verbose;
			return 0;
		}
	return lr_fail(err, at, "log level \"%s\": expected error, info or debug", level);
}

static int handle_option(struct cli *c, int opt, const char *arg, int argi, struct lr_error *err)
{
	struct lr_origin at = { "command line", argi };
	switch (opt) {
	case 'p': return lr_policy_load(&c->policy, &c->ctx, arg, err);
	case OPT_RO: return flag_paths(c, "filesystem", "ro", arg, argi, err);
	case OPT_ROX: return flag_paths(c, "filesystem", "rox", arg, argi, err);
	case OPT_RW: return flag_paths(c, "filesystem", "rw", arg, argi, err);
	case OPT_RWX: return flag_paths(c, "filesystem", "rwx", arg, argi, err);
	case OPT_CONNECT: return lr_policy_set(&c->policy, &c->ctx, "network", "connect_tcp", arg, &at, err);
	case OPT_BIND: return lr_policy_set(&c->policy, &c->ctx, "network", "bind_tcp", arg, &at, err);
	case OPT_ENV: return flag_env(c, arg, argi, err);
	case OPT_BEST_EFFORT: return lr_policy_set(&c->policy, &c->ctx, "policy", "compat", "best-effort", &at, err);
	case OPT_UNRESTRICTED_FS:
		return lr_policy_set(&c->policy, &c->ctx, "filesystem", "unrestricted", "yes", &at, err);
	case OPT_UNRESTRICTED_NET:
		if (lr_policy_set(&c->policy, &c->ctx, "network", "connect_tcp", "any", &at, err) ||
		    lr_policy_set(&c->policy, &c->ctx, "network", "bind_tcp", "any", &at, err) ||
		    lr_policy_set(&c->policy, &c->ctx, "network", "unix", "any", &at, err) ||
		    lr_policy_set(&c->policy, &c->ctx, "network", "netlink", "any", &at, err))
			return -1;
		return lr_policy_set(&c->policy, &c->ctx, "network", "udp", "yes", &at, err);
	case OPT_EXPLAIN: c->explain = true; return 0;
	case OPT_JSON: c->json = true; return 0;
	case OPT_TIMING: /* spelt otherwise (-timing, --tim): timed from here */
		if (!c->timing && !c->t0.tv_sec && !c->t0.tv_nsec)
			clock_gettime(CLOCK_MONOTONIC, &c->t0);
		c->timing = true;
		return 0;
	case 'v': c->verbose = 1; return 0;
	case 'q': c->verbose = -1; return 0;
	case OPT_LOG_LEVEL: return set_log_level(c, arg, &at, err);
	case OPT_UDP:
		return lr_policy_set(&c->policy, &c->ctx, "network", "udp", "yes", &at, err);
	case OPT_LOG_DENIALS:
		return lr_policy_set(&c->policy, &c->ctx, "process", "log_denials", "yes", &at, err);
	case OPT_SUPERVISE:
		return lr_policy_set(&c->policy, &c->ctx, "process", "supervise", "yes", &at, err);
	case OPT_IGNORE_MISSING: c->ignore_missing = true; return 0;
	case OPT_ADD_EXEC: return lr_policy_set(&c->policy, &c->ctx, "exec", "add_command", "yes", &at, err);
	case OPT_LDD: return lr_policy_set(&c->policy, &c->ctx, "exec", "add_libraries", "yes", &at, err);
	case OPT_UNRESTRICTED_SCOPED:
		return lr_policy_set(&c->policy, &c->ctx, "network", "abstract_unix", "shared", &at, err) ||
		       lr_policy_set(&c->policy, &c->ctx, "process", "signals", "shared", &at, err) ? -1 : 0;
	case OPT_LOG_DISABLE_ORIGINATING: /* Landlock's audit flags: each adds to landlock_log */
		return lr_policy_add(&c->policy, &c->ctx, "policy", "landlock_log", "disable-originating", &at, err);
	case OPT_LOG_ENABLE_SUBPROCESSES:
		return lr_policy_add(&c->policy, &c->ctx, "policy", "landlock_log", "enable-subprocesses", &at, err);
	case OPT_LOG_DISABLE_SUBDOMAINS:
		return lr_policy_add(&c->policy, &c->ctx, "policy", "landlock_log", "disable-subdomains", &at, err);
	case OPT_CONNECT_UDP: return lr_policy_set(&c->policy, &c->ctx, "network", "connect_udp", arg, &at, err);
	case OPT_BIND_UDP: return lr_policy_set(&c->policy, &c->ctx, "network", "bind_udp", arg, &at, err);
	case OPT_UNIX: /* Go landrun's: PATH[,PATH...]; any and none as in the policy key */
		if (strcmp(arg, "any") == 0 || strcmp(arg, "none") == 0)
			return lr_policy_set(&c->policy, &c->ctx, "network", "unix", arg, &at, err);
		return flag_paths(c, "network", "unix", arg, argi, err);
	case OPT_TEST_ABI: {
		unsigned long long n;
		if (!lr_parse_uint(arg, 64, &n))
			return lr_fail(err, &at, "--test-abi: expected a Landlock ABI number (0: pretend there is no Landlock)");
		c->abi_cap = n ? (int)n : -1;
		return 0;
	}
	}
	return lr_fail(err, &at, "unknown option");
}

static long elapsed_us(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000000L + (t.tv_nsec - t0->tv_nsec) / 1000;
}

static void timing(const struct cli *c, const char *what)
{
	if (c->timing)
		fprintf(stderr, "landrun: timing: %6ld us  %s\n", elapsed_us(&c->t0), what);
}

struct parsed_opt {
	int opt;
	const char *arg;
	int argi;
};

static void print_notes(const struct cli *c, const struct lr_sandbox *sb)
{
	for (size_t i = 0; i < sb->notes.len; i++) {
		const struct lr_note *n = lr_vec_at(&sb->notes, i);
		if ((n->warning && c->verbose >= 0) || c->verbose > 0)
			fprintf(stderr, "landrun: %s%s\n", n->warning ? "warning: " : "", n->text);
	}
}

/* The version, the Landlock ABIs this build and this kernel know, and where -p NAME looks. */
static void print_version(const struct cli *c)
{
	printf("landrun %s\n", LANDRUN_VERSION);
	long abi = syscall(LR_SYS_landlock_create_ruleset, NULL, 0, LR_LANDLOCK_CREATE_RULESET_VERSION);
	printf("Landlock ABI: this build knows up to %d; the kernel offers ", LR_LANDLOCK_ABI_KNOWN);
	if (abi < 0)
		printf("none (%s)\n", errno == EOPNOTSUPP ? "Landlock is disabled at boot" : strerror(errno));
	else
		printf("%ld\n", abi);
	printf("policy directories, in search order:\n");
	for (size_t i = 0; i < sizeof(c->ctx.policy_dirs) / sizeof(c->ctx.policy_dirs[0]) && c->ctx.policy_dirs[i]; i++)
		printf("  %s\n", c->ctx.policy_dirs[i]);
}

/* What getopt refused, named as it was written: an option it knows without the value it needs
 * (optopt: the option's letter or, for a long one, its value in long_options), with a value it
 * takes none of, or an option it does not know (optopt 0). */
static int refused_option(int argc, char **argv, int argi, struct lr_error *err)
{
	const char *given = argi > 0 && argi < argc ? argv[argi] : "?";
	int len = (int)strcspn(given, "=");
	if (optopt > 0 && optopt < 256 && given[0] == '-' && given[1] == optopt)
		return lr_fail(err, NULL, "option -%c needs a value (see landrun --help)", optopt);
	for (const struct option *o = long_options; optopt && o->name; o++) {
		if (o->val != optopt)
			continue;
		if (o->has_arg == required_argument)
			return lr_fail(err, NULL, "option --%s needs a value (see landrun --help)", o->name);
		return lr_fail(err, NULL, "option --%s takes no value: %s (see landrun --help)", o->name, given);
	}
	return lr_fail(err, NULL, "%.*s: unknown option (see landrun --help)", len, given);
}

/* Go landrun's --ignore-missing: a path that does not exist grants nothing instead of failing,
 * as if written ?PATH, whether a flag or a policy file (read before or after it) gave it. */
static void make_paths_optional(struct lr_policy *p)
{
	for (size_t i = 0; i < p->paths.len; i++)
		((struct lr_path_rule *)lr_vec_at(&p->paths, i))->optional = true;
	for (size_t i = 0; i < p->unix_paths.len; i++)
		((struct lr_path_rule *)lr_vec_at(&p->unix_paths, i))->optional = true;
}

/* Options are collected first: whether the embedded default applies depends on all of them, and
 * it must be read before the flags that add to it. */
static int parse_args(struct cli *c, int argc, char **argv, struct parsed_opt *opts, size_t *nopts,
		      struct lr_error *err)
{
	opterr = 0;
	int opt;
	while ((opt = getopt_long_only(argc, argv, "+p:hvq", long_options, NULL)) != -1) {
		int argi = optind - 1;
		switch (opt) {
		case 'h': usage(stdout); return 1;
		case OPT_VERSION: print_version(c); return 1;
		case OPT_PRINT_DEFAULT: fputs(lr_default_policy, stdout); return 1;
		case '?':
		case ':':
			return refused_option(argc, argv, argi, err);
		}
		if (opt == 'p' || (opt >= OPT_RO && opt <= OPT_BIND) || opt == OPT_UNRESTRICTED_FS ||
		    opt == OPT_UNRESTRICTED_NET || opt == OPT_CONNECT_UDP || opt == OPT_BIND_UDP)
			c->access_flags = true;
		c->policy_flag |= opt == 'p';
		opts[(*nopts)++] = (struct parsed_opt){ opt, optarg, argi };
	}
	c->command = argv + optind;
	return 0;
}

/* The policy the command line gives: the embedded default unless an access flag or --policy
 * replaces it, then every option in order. 0; 1 when --help or --version answered; -1 with err
 * set. */
static int read_options(struct cli *c, int argc, char **argv, struct lr_error *err)
{
	/* Every option getopt returns uses up at least one character of the arguments (clustered
	 * short options such as -vvv: one each), so this many slots always suffice. */
	size_t max = 1;
	for (int i = 1; i < argc; i++)
		max += strlen(argv[i]);
	struct parsed_opt *opts = calloc(max, sizeof(*opts));
	size_t nopts = 0;
	if (!opts)
		return lr_fail(err, NULL, "out of memory");
	int rc = parse_args(c, argc, argv, opts, &nopts, err);
	/* LANDRUN_LOG_LEVEL first: -v, -q and --log-level override it */
	const char *level = getenv("LANDRUN_LOG_LEVEL");
	struct lr_origin env_at = { "LANDRUN_LOG_LEVEL", 0 };
	if (rc == 0 && level && *level)
		rc = set_log_level(c, level, &env_at, err);
	if (rc == 0 && !c->access_flags)
		rc = lr_policy_load_string(&c->policy, &c->ctx, lr_default_policy, "<embedded default>", err);
	for (size_t i = 0; rc == 0 && i < nopts; i++)
		rc = handle_option(c, opts[i].opt, opts[i].arg, opts[i].argi, err);
	free(opts);
	if (rc == 0 && c->ignore_missing)
		make_paths_optional(&c->policy);
	return rc;
}

/* What exec in place cannot do makes landrun stay as the command's parent. */
static bool needs_supervisor(const struct lr_policy *p)
{
	return p->private_tmp.on || p->timeout_ms.n > 0 || p->die_with_parent.on || p->log_denials.on ||
	       p->supervise.on;
}

/* Compiles the policy for the command into sb: 0, or the exit status with err set. */
static int compile_sandbox(const struct cli *c, struct lr_sandbox *sb, bool supervise, struct lr_error *err)
{
	bool log_denials = c->policy.log_denials.on;
	if (log_denials && !c->explain && lr_trace_supported(err))
		return LR_EXIT_LANDRUN;
	/* single-threaded and about to exec: rule fds can be left to the fd-closing step */
	struct lr_compile_opts o = { .abi_cap = c->abi_cap, .verbose = c->verbose > 0 || c->explain, .defer_close = true,
				     .socket_activation = true, .in_place = !supervise, .supervised = supervise,
				     .trace_denials = log_denials, .command = c->command[0] };
	if (lr_sandbox_compile(sb, &c->policy, &o, (const char *const *)environ, err))
		return sb->command_status ? sb->command_status : LR_EXIT_LANDRUN;
	return 0;
}

/* The command could not be executed (126, 127 from landrun, not from the command) after access
 * flags replaced the embedded default: nothing else is granted (not /usr, not the libraries),
 * which is the usual cause. One line, with the command line that adds them to the default. */
static void hint_replaced_default(const struct cli *c, int status)
{
	if (!c->access_flags || c->policy_flag || (status != LR_EXIT_CANNOT_EXECUTE && status != LR_EXIT_NOT_FOUND))
		return;
	fputs("landrun: hint: the access flags replaced the embedded default policy, so nothing else is granted "
	      "(not /usr, not the libraries); to add them to it instead: landrun -p default", stderr);
	for (char **a = c->argv + 1; *a; a++) {
		fputc(' ', stderr);
		lr_put_shell_word(stderr, *a);
	}
	fputc('\n', stderr);
}

/* landrun stays as the command's parent: the command's exit status, or landrun dies of the
 * signal that killed it. Frees sb. */
static int run_supervised(const struct cli *c, struct lr_sandbox *sb, struct lr_error *err)
{
	const struct lr_policy *p = &c->policy;
	struct lr_supervise_opts so = {
		.timeout_ms = p->timeout_ms.n,
		.die_with_parent = p->die_with_parent.on,
		.private_tmp = sb->private_tmp ? &sb->tmp : NULL,
		.policy = p,
	};
	struct lr_tracer tracer;
	struct lr_denials denials = { .sb = sb, .p = p, .out = stderr };
	lr_trace_init(&tracer);
	if (p->log_denials.on) {
		lr_denials_tracer(&tracer, &denials);
		so.tracer = &tracer;
	}
	int sig = 0;
	int status = lr_supervise(sb, sb->command_path, c->command, &so, &sig, err);
	lr_trace_free(&tracer);
	if (err->set) {
		fprintf(stderr, "landrun: %s\n", err->msg);
		hint_replaced_default(c, status);
	}
	err->set = false;
	sb->private_tmp = NULL; /* the supervisor removed it */
	lr_sandbox_free(sb);
	if (sig)
		lr_die_by_signal(sig);
	return status;
}

/* Applies sb and executes the command in place; on failure, says why and exits. */
static _Noreturn void exec_in_place(const struct cli *c, struct lr_sandbox *sb, struct lr_error *err)
{
	int status = lr_exec_sandboxed(sb, &c->policy, sb->command_path, c->command, err);
	/* The sandbox may be in force now: leave without atexit handlers or sanitizer hooks, which
	 * could need what it denies. */
	fprintf(stderr, "landrun: %s\n", err->msg);
	hint_replaced_default(c, status);
	_exit(status);
}

static int run(struct cli *c, int argc, char **argv, struct lr_error *err)
{
	c->argv = argv;
	int rc = read_options(c, argc, argv, err);
	if (rc)
		return rc > 0 ? 0 : LR_EXIT_LANDRUN;
	timing(c, "policy parsed");
	if (c->json && !c->explain)
		return lr_fail(err, NULL, "--json is a form of --explain: give both"), LR_EXIT_LANDRUN;
	if (!c->command[0] && !c->explain) {
		usage(stderr);
		return lr_fail(err, NULL, "no command given"), LR_EXIT_LANDRUN;
	}
	struct lr_sandbox sb;
	lr_sandbox_init(&sb);
	bool supervise = needs_supervisor(&c->policy);
	int status = compile_sandbox(c, &sb, supervise, err);
	if (status) {
		lr_sandbox_free(&sb);
		return status;
	}
	timing(c, "sandbox compiled (command resolved, Landlock ruleset, seccomp program, environment)");
	if (c->explain) {
		(c->json ? lr_explain_json : lr_explain)(stdout, &c->policy, &sb, sb.command_path);
		lr_sandbox_free(&sb);
		return 0;
	}
	print_notes(c, &sb);
	timing(c, "applying the sandbox and executing");
	fflush(NULL);
	if (supervise)
		return run_supervised(c, &sb, err);
	exec_in_place(c, &sb, err);
}

/* landrun digest PATH...: ready-to-paste [exec] verify lines. */
static int digest_main(int argc, char **argv)
{
	int status = 0;
	for (int i = 2; i < argc; i++) {
		unsigned char d[32];
		char hex[65];
		int fd = open(argv[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		if (fd < 0 || lr_sha256_fd(fd, -1, d) < 0) {
			fprintf(stderr, "landrun: digest: %s: %s%s\n", argv[i], strerror(errno),
				errno == ELOOP ? " (a symbolic link: give its target)" : "");
			status = LR_EXIT_LANDRUN;
		} else {
			lr_sha256_hex(d, hex);
			printf("verify = %s sha256:%s\n", argv[i], hex);
		}
		if (fd >= 0)
			close(fd);
	}
	if (argc < 3) {
		fprintf(stderr, "usage: landrun digest PATH...\n");
		return LR_EXIT_LANDRUN;
	}
	return status;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/* Every page landrun touches first costs a page fault, and between exec and exec a run takes about
 * 50 of them; in a virtual machine each one is a trap to the hypervisor (about 11 us here, against
 * under 3 us per page when the kernel fills a range in one call). The stack and the start of the
 * heap are where most of them fall (the policy parser and the path buffers), so both are filled
 * up front. The stack goes about 85 KiB deep below main with git.ini (an include nests the parser
 * and its path buffers twice): 96 KiB are filled, in two calls, as the kernel maps at least 128 KiB
 * below the arguments at exec and refuses (ENOMEM) a range it has not mapped, so that the first
 * 64 KiB are filled whatever. Filling .text, .data or .bss as well was measured no faster. Only an
 * optimisation: an older kernel's EINVAL is ignored. */
enum { PREFAULT_STACK = 64 * 1024, PREFAULT_STACK_MORE = 32 * 1024, PREFAULT_HEAP = 32 * 1024 };

static void prefault(void)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	char *sp = __builtin_frame_address(0);
	sp -= (uintptr_t)sp & (page - 1);
	(void)madvise(sp - PREFAULT_STACK, PREFAULT_STACK + page, MADV_POPULATE_WRITE);
	(void)madvise(sp - PREFAULT_STACK - PREFAULT_STACK_MORE, PREFAULT_STACK_MORE, MADV_POPULATE_WRITE);
	char *probe = malloc(1); /* makes malloc take its first heap from the kernel */
	if (probe)
		(void)madvise(probe - ((uintptr_t)probe & (page - 1)), PREFAULT_HEAP, MADV_POPULATE_WRITE);
	free(probe);
}

int main(int argc, char **argv)
{
	prefault();
	if (getauxval(AT_SECURE) || getuid() != geteuid() || getgid() != getegid()) {
		fprintf(stderr, "landrun: refusing to run setuid or setgid: landrun is unprivileged by design\n");
		return LR_EXIT_LANDRUN;
	}
	const char *help = subcommand_help(argc, argv);
	if (help) {
		fputs(help, stdout);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "digest") == 0)
		return digest_main(argc, argv);
	struct cli c = { 0 };
	/* only with --timing: the first clock_gettime faults in the vDSO's pages (about 30 us) */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--timing") == 0)
			clock_gettime(CLOCK_MONOTONIC, &c.t0);
	struct lr_error err = { 0 };
	lr_policy_init(&c.policy);
	c.ctx.environ = (const char *const *)environ;
	find_policy_dirs(&c);
	/* landrun check POLICY...: a report, nothing is sandboxed or run (to run a command named
	 * check: landrun -- check) */
	if (argc > 1 && strcmp(argv[1], "check") == 0) {
		lr_policy_free(&c.policy);
		return lr_check_main(argc - 1, argv + 1, &c.ctx);
	}
	if (argc > 1 && strcmp(argv[1], "policies") == 0) {
		lr_policy_free(&c.policy);
		return lr_catalog_list(stdout, &c.ctx);
	}
	if (argc > 1 && strcmp(argv[1], "learn") == 0) {
		int sig = 0, st = lr_learn_main(argc - 1, argv + 1, &c.ctx, &sig);
		lr_policy_free(&c.policy);
		if (sig)
			lr_die_by_signal(sig);
		return st;
	}
	int status = run(&c, argc, argv, &err);
	if (err.set) {
		fprintf(stderr, "landrun: %s\n", err.msg);
		hint_replaced_default(&c, status);
	} else if (status == LR_EXIT_LANDRUN)
		fprintf(stderr, "landrun: failed\n");
	lr_policy_free(&c.policy);
	return status;
}

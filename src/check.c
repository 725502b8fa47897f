/* landrun check: what a policy leaves exposed, one weighted finding per weakness, and a score.
 *
 * The score is the sum of the weights of the findings, capped at 10.0: each finding is counted
 * once (the first rule that causes it is named), so a policy cannot look worse by repeating a
 * mistake, and the fix of one line removes its whole weight. */
#include "check.h"
#include "names.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy_guard.h"
#include "workdir.h"

enum { LR_CHECK_MAX = 100 };

struct check_rule {
	const char *id;
	int weight; /* tenths */
	const char *fix;
};

/* Heaviest first; landrun(1) lists the same table under CHECK. */
static const struct check_rule check_rules[] = {
	{ "fs-unrestricted", 60, "remove unrestricted = yes (--unrestricted-filesystem) and grant the paths the command needs" },
	{ "policy-writable", 50, "move the policy out of the writable tree or narrow the grant (landrun refuses to run it)" },
	{ "rw-root", 50, "grant the directories the command writes, not /" },
	{ "baseline-none", 40, "remove baseline = none; lift single items with baseline_except" },
	{ "denials-logged", 40, "action = errno (the default) or kill" },
	{ "rw-workdir", 50, "cd to a work directory first, or name the directory to grant instead of ${CWD} (landrun refuses to run it)" },
	{ "read-secrets", 40, "grant the files programs read from /etc (the embedded default lists them), not a directory holding password hashes, sudoers or private keys" },
	{ "rw-system", 40, "keep system directories read-only (ro, rox)" },
	{ "caps-kept", 30, "capabilities = none, unless the command cannot work without them" },
	{ "rw-home", 30, "grant the project directory, not $HOME or its parents" },
	{ "rw-path", 30, "keep PATH directories read-only (rox): programs planted there run outside the sandbox" },
	{ "rw-proc-sys", 30, "drop the grant: /proc and /sys are kernel interfaces" },
	{ "unix-any", 30, "unix = none, or unix = the sockets the command uses (enforced from Linux 7.1)" },
	{ "dev-broad", 25, "grant the device files the command uses (/dev/null ...), not /dev" },
	{ "net-connect-any", 25, "connect_tcp = the ports the command needs (e.g. 443)" },
	{ "rw-dotfiles", 25, "grant the one file the tool needs, read-only if it can: dotfiles run code outside the sandbox" },
	{ "rw-git", 20, "run in a copy without .git (git worktree add, git archive), or review .git/hooks and .git/config after the run: Landlock cannot carve .git out of a grant" },
	{ "best-effort", 20, "min_abi = the oldest Landlock ABI that enforces what matters, or compat = strict" },
	{ "interpreter-exec", 20, "[exec] allow = the programs themselves, not interpreters or the dynamic loader" },
	{ "metadata-any", 20, "metadata = granted (the default): chmod, chown, utimes and xattrs only beneath the rw directories" },
	{ "write-exec", 20, "separate data (rw) from programs (rox), or [exec] allow = none" },
	{ "abstract-unix-shared", 15, "abstract_unix = isolated" },
	{ "baseline-except", 15, "remove the exception unless the command cannot work without it" },
	{ "env-keep-risky", 15, "set = NAME=VALUE with a fixed value, or drop the name" },
	{ "net-bind-any", 15, "bind_tcp = the ports the command listens on, or none" },
	{ "netlink-broad", 15, "netlink = route, plus only the protocols the command uses" },
	{ "read-home", 15, "grant only what the command reads from $HOME" },
	{ "udp", 15, "udp = no, unless the command resolves names itself (DNS), then udp = dns" },
	{ "dev-tty", 10, "drop dev = on terminals unless the command must set terminal modes" },
	{ "keep-fds", 10, "pass data through paths the policy grants, not inherited descriptors" },
	{ "secrets", 10, "pass only the secrets this command uses" },
	{ "signals-shared", 10, "signals = isolated" },
	{ "no-exec-control", 5, "[exec] allow = the programs the command runs, or none" },
	{ "no-rlimits", 5, "rlimit_nproc, rlimit_as, rlimit_fsize = bounds for fork bombs and runaway output" },
	{ "udp-dns", 5, "udp = no, unless the command resolves names itself (DNS)" },
	{ "proxy-credentials", 5, "strip_proxy_credentials = yes" },
	{ "read-dotfiles", 5, "grant only the dotfiles the command reads" },
	{ "read-etc", 5, "ro = the files under /etc the command reads (base.ini lists the usual ones)" },
};

/* What the checks share: the report, the policy, and its paths resolved once. */
struct check {
	struct lr_check_report *r;
	const struct lr_policy *p;
	const char *const *environ;
	const char *home;   /* real path of $HOME, or NULL */
	const char **real;  /* per path rule: its real path (or as written when it does not exist) */
	struct lr_origin policy_at; /* the first policy source, no line: for what is absent */
	struct lr_error *err;
};

int lr_check_weight(const char *id)
{
	for (size_t i = 0; i < LR_ARRAY_LEN(check_rules); i++)
		if (strcmp(check_rules[i].id, id) == 0)
			return check_rules[i].weight;
	return -1;
}

const char *lr_check_verdict(int score)
{
	return score < 30 ? "OK" : score < 60 ? "MEDIUM" : score < 90 ? "EXPOSED" : "UNSAFE";
}

void lr_check_init(struct lr_check_report *r)
{
	*r = (struct lr_check_report){ 0 };
	lr_vec_init(&r->findings, sizeof(struct lr_finding));
}

void lr_check_free(struct lr_check_report *r)
{
	lr_vec_free(&r->findings);
	lr_arena_free(&r->arena);
}

/* Records finding id once: the first rule that causes it is the one named. */
__attribute__((format(printf, 4, 5)))
static int add(struct check *c, const char *id, const struct lr_origin *at, const char *fmt, ...)
{
	for (size_t i = 0; i < c->r->findings.len; i++)
		if (strcmp(((struct lr_finding *)lr_vec_at(&c->r->findings, i))->id, id) == 0)
			return 0;
	const struct check_rule *rule = NULL;
	for (size_t i = 0; i < LR_ARRAY_LEN(check_rules) && !rule; i++)
		if (strcmp(check_rules[i].id, id) == 0)
			rule = &check_rules[i];
	char buf[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!rule)
		return lr_fail(c->err, NULL, "check: unknown finding %s", id);
	struct lr_finding *f = lr_vec_push(&c->r->findings);
	if (!f || !(f->what = lr_arena_strdup(&c->r->arena, buf)))
		return lr_fail(c->err, NULL, "out of memory");
	f->id = rule->id;
	f->weight = rule->weight;
	f->fix = rule->fix;
	f->at = at->file ? *at : c->policy_at;
	return 0;
}

/* The real path, so that /lib and /usr/lib, or a symlinked $HOME, compare equal; a path that does
 * not exist is kept as written, without trailing slashes. */
static const char *real_path(struct lr_arena *a, const char *path)
{
	char buf[PATH_MAX];
	if (realpath(path, buf))
		return lr_arena_strdup(a, buf);
	char *copy = lr_arena_strdup(a, path);
	for (size_t n = copy ? strlen(copy) : 0; n > 1 && copy[n - 1] == '/'; n--)
		copy[n - 1] = '\0';
	return copy;
}

static bool writes(enum lr_access a)
{
	return a == LR_RW || a == LR_RWX;
}

static bool executes(const struct lr_policy *p, enum lr_access a)
{
	if (p->exec_none)
		return a == LR_EXEC; /* allow = none strips execute from every other grant */
	return a == LR_ROX || a == LR_RWX || a == LR_EXEC;
}

static const struct lr_path_rule *rule_at(const struct check *c, size_t i)
{
	return lr_vec_at(&c->p->paths, i);
}

/* ---- filesystem --------------------------------------------------------------------------- */

static bool is_dotfile_below(const char *home, const char *path)
{
	size_t n = strlen(home);
	return lr_path_beneath(path, home) && path[n] == '/' && path[n + 1] == '.';
}

static int check_home(struct check *c, size_t i)
{
	const struct lr_path_rule *r = rule_at(c, i);
	const char *path = c->real[i];
	if (!c->home || r->access == LR_DEV)
		return 0;
	bool root = strcmp(path, "/") == 0;
	if (writes(r->access) && !root && lr_path_beneath(c->home, path))
		return add(c, "rw-home", &r->at, "%s = %s: $HOME (%s) is writable: shell start-up files, keys, every project",
			   lr_access_name(r->access), r->path, c->home);
	if (writes(r->access) && is_dotfile_below(c->home, path))
		return add(c, "rw-dotfiles", &r->at, "%s = %s: a dotfile or dot-directory of $HOME is writable",
			   lr_access_name(r->access), r->path);
	if (!writes(r->access) && lr_path_beneath(c->home, path))
		return add(c, "read-home", &r->at, "%s = %s: all of $HOME (%s) is readable: keys, tokens, history",
			   lr_access_name(r->access), r->path, c->home);
	if (!writes(r->access) && is_dotfile_below(c->home, path))
		return add(c, "read-dotfiles", &r->at, "%s = %s: a dotfile of $HOME is readable",
			   lr_access_name(r->access), r->path);
	return 0;
}

/* Files no command needs and root must not hand it: password hashes, who may become root, host
 * and TLS private keys. A grant exposes one when it is the file or a directory above it. */
static int check_secrets(struct check *c, size_t i)
{
	static const char *const secrets[] = {
		"/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", "/etc/sudoers", "/etc/sudoers.d",
		"/etc/ssl/private", "/etc/pki/tls/private", "/etc/security/opasswd", "/etc/krb5.keytab",
		"/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ed25519_key",
		"/etc/ssh/ssh_host_dsa_key",
	};
	const struct lr_path_rule *r = rule_at(c, i);
	if (r->access == LR_DEV)
		return 0;
	for (size_t k = 0; k < LR_ARRAY_LEN(secrets); k++)
		if (lr_path_beneath(secrets[k], c->real[i]))
			return add(c, "read-secrets", &r->at, "%s = %s: exposes %s (readable by a command run as root)",
				   lr_access_name(r->access), r->path, secrets[k]);
	return 0;
}

/* A writable git repository: hooks and core.fsmonitor the command plants there run the next time
 * the user types a git command, outside the sandbox. */
static int check_git(struct check *c, size_t i)
{
	const struct lr_path_rule *r = rule_at(c, i);
	if (!writes(r->access) || !lr_holds_git(c->real[i]))
		return 0;
	return add(c, "rw-git", &r->at, "%s = %s: holds a git repository (.git), writable: hooks run outside the sandbox",
		   lr_access_name(r->access), r->path);
}

/* Directories a user's shell runs programs from: the caller's PATH and the usual system ones. */
static int check_path_dirs(struct check *c, size_t i)
{
	static const char *const usual = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	const struct lr_path_rule *r = rule_at(c, i);
	if (!writes(r->access) || strcmp(c->real[i], "/") == 0)
		return 0;
	const char *lists[] = { lr_env_lookup(c->environ, "PATH", 4), usual };
	for (size_t l = 0; l < LR_ARRAY_LEN(lists); l++) {
		for (const char *s = lists[l]; s && *s;) {
			size_t n = strcspn(s, ":");
			char dir[PATH_MAX];
			snprintf(dir, sizeof(dir), "%.*s", (int)n, s);
			s += n + (s[n] == ':');
			const char *real = dir[0] == '/' ? real_path(&c->r->arena, dir) : NULL;
			if (real && lr_path_beneath(real, c->real[i]))
				return add(c, "rw-path", &r->at, "%s = %s: %s is on PATH and writable",
					   lr_access_name(r->access), r->path, dir);
		}
	}
	return 0;
}

static int check_system_dirs(struct check *c, size_t i)
{
	static const char *const system_dirs[] = { "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32",
						   "/lib64", "/libx32", "/boot", "/opt" };
	const struct lr_path_rule *r = rule_at(c, i);
	const char *path = c->real[i];
	const char *name = lr_access_name(r->access);
	if (!writes(r->access))
		return strcmp(path, "/etc") == 0 ? add(c, "read-etc", &r->at, "%s = %s: all of /etc is readable", name, r->path) : 0;
	if (strcmp(path, "/") == 0)
		return add(c, "rw-root", &r->at, "%s = %s: the whole filesystem is writable", name, r->path);
	for (size_t k = 0; k < LR_ARRAY_LEN(system_dirs); k++)
		if (lr_path_beneath(path, system_dirs[k]) || lr_path_beneath(system_dirs[k], path))
			return add(c, "rw-system", &r->at, "%s = %s: a system directory (%s) is writable", name, r->path, system_dirs[k]);
	if (lr_path_beneath(path, "/proc") || lr_path_beneath(path, "/sys") || lr_path_beneath("/proc", path) ||
	    lr_path_beneath("/sys", path))
		return add(c, "rw-proc-sys", &r->at, "%s = %s: kernel settings under /proc or /sys are writable", name, r->path);
	if (lr_path_beneath("/dev", path))
		return add(c, "dev-broad", &r->at, "%s = %s: every device file is writable", name, r->path);
	return 0;
}

static bool is_terminal(const char *path)
{
	return strncmp(path, "/dev/tty", 8) == 0 || strncmp(path, "/dev/pts", 8) == 0 ||
	       strcmp(path, "/dev/console") == 0 || strcmp(path, "/dev/ptmx") == 0;
}

static int check_devices(struct check *c, size_t i)
{
	const struct lr_path_rule *r = rule_at(c, i);
	if (r->access != LR_DEV)
		return 0;
	if (strcmp(c->real[i], "/dev") == 0)
		return add(c, "dev-broad", &r->at, "dev = %s: ioctl on every device", r->path);
	if (is_terminal(r->path) || is_terminal(c->real[i]))
		return add(c, "dev-tty", &r->at, "dev = %s: terminal ioctls (modes, and without the baseline, input injection)", r->path);
	return 0;
}

/* A directory both writable and executable: what the command downloads or unpacks, it can run. */
static int check_write_exec(struct check *c, size_t i)
{
	const struct lr_path_rule *w = rule_at(c, i);
	if (!writes(w->access))
		return 0;
	for (size_t k = 0; k < c->p->paths.len; k++) {
		const struct lr_path_rule *x = rule_at(c, k);
		if (!executes(c->p, x->access) ||
		    !(lr_path_beneath(c->real[k], c->real[i]) || lr_path_beneath(c->real[i], c->real[k])))
			continue;
		if (k == i)
			return add(c, "write-exec", &w->at, "rwx = %s: files written there can be executed", w->path);
		return add(c, "write-exec", &w->at, "%s = %s and %s = %s (%s:%d): files written there can be executed",
			   lr_access_name(w->access), w->path, lr_access_name(x->access), x->path, x->at.file, x->at.line);
	}
	return 0;
}

/* With [exec] control, an executable interpreter or dynamic loader runs any script or ELF file
 * (python3 x.py, ld.so ./x): the allow list means little. */
static int check_interpreters(struct check *c, size_t i)
{
	static const char *const interpreters[] = {
		"/usr/bin/sh", "/usr/bin/bash", "/usr/bin/dash", "/usr/bin/zsh", "/usr/bin/busybox",
		"/usr/bin/env", "/usr/bin/python3", "/usr/bin/perl", "/usr/bin/ruby", "/usr/bin/node",
		"/usr/bin/php", "/usr/bin/lua", "/usr/bin/tclsh", "/usr/bin/awk",
		"/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1", "/lib/ld-linux-armhf.so.3",
	};
	const struct lr_path_rule *r = rule_at(c, i);
	if (!c->p->exec_control.set || !executes(c->p, r->access))
		return 0;
	for (size_t k = 0; k < LR_ARRAY_LEN(interpreters); k++) {
		const char *real = real_path(&c->r->arena, interpreters[k]);
		if (real && access(real, F_OK) == 0 && lr_path_beneath(real, c->real[i]))
			return add(c, "interpreter-exec", &r->at, "%s = %s: %s is executable, and runs what it is given",
				   lr_access_name(r->access), r->path, interpreters[k]);
	}
	return 0;
}

/* The same question landrun asks before running (policy_guard.h), by stat rather than open. */
static int check_policy_writable(struct check *c, struct lr_policy_guard *g, size_t i)
{
	const struct lr_path_rule *r = rule_at(c, i);
	struct stat st;
	const char *file;
	if (!writes(r->access) || stat(r->path, &st) < 0)
		return 0;
	int hit = lr_policy_guard_check(g, c->p, &st, &file, c->err);
	if (hit <= 0)
		return hit;
	return add(c, "policy-writable", &r->at, "%s = %s: the policy file %s is writable inside its own sandbox",
		   lr_access_name(r->access), r->path, file);
}

static int check_paths(struct check *c)
{
	const struct lr_policy *p = c->p;
	if (p->fs_any.on)
		return add(c, "fs-unrestricted", &p->fs_any.at, "the filesystem is not restricted at all");
	if (p->metadata.is == LR_METADATA_ANY &&
	    add(c, "metadata-any", &p->metadata.at, "metadata = any: the command can chmod, chown, touch and set "
		"xattrs on every file the user owns, outside every grant"))
		return -1;
	if (!(c->real = lr_arena_alloc(&c->r->arena, (p->paths.len + 1) * sizeof(*c->real))))
		return lr_fail(c->err, NULL, "out of memory");
	for (size_t i = 0; i < p->paths.len; i++)
		if (!(c->real[i] = real_path(&c->r->arena, rule_at(c, i)->path)))
			return lr_fail(c->err, NULL, "out of memory");
	struct lr_policy_guard g;
	lr_policy_guard_init(&g);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < p->paths.len; i++) {
		const struct lr_path_rule *r = rule_at(c, i);
		/* the grant landrun refuses: one finding, not also rw-root, rw-home... for the same line */
		const char *why = lr_grant_danger(r, c->real[i], c->environ, geteuid());
		if (why) {
			rc = add(c, "rw-workdir", &r->at, "%s = %s: %s (%s) is %s", lr_access_name(r->access), r->path,
				 r->workdir == LR_WORKDIR_ENV ? "taken from the environment, it" : "the current directory",
				 c->real[i], why);
			continue;
		}
		rc = check_policy_writable(c, &g, i) || check_system_dirs(c, i) || check_secrets(c, i) ||
		     check_home(c, i) || check_path_dirs(c, i) || check_devices(c, i) || check_git(c, i) ||
		     check_write_exec(c, i) || check_interpreters(c, i);
	}
	lr_policy_guard_free(&g);
	return rc ? -1 : 0;
}

/* ---- network, syscalls, process, environment ----------------------------------------------- */

static int check_network(struct check *c)
{
	const struct lr_policy *p = c->p;
	if (p->connect_any.on && add(c, "net-connect-any", &p->connect_any.at, "TCP connections to any host and port"))
		return -1;
	if (p->bind_any.on && add(c, "net-bind-any", &p->bind_any.at, "TCP servers on any port"))
		return -1;
	if (p->udp.on && p->udp_dns.on && !(p->connect_udp_any.set && p->connect_udp_any.on)) {
		if (add(c, "udp-dns", &p->udp.at, "UDP to the nameservers only: the command can still carry data out in DNS queries"))
			return -1;
	} else if (p->udp.on && add(c, "udp", &p->udp.at, "UDP is allowed, and Landlock cannot restrict it by port: any host can be reached")) {
		return -1;
	}
	if (p->unix_sockets.is == LR_UNIX_ANY &&
	    add(c, "unix-any", &p->unix_sockets.at, "pathname unix sockets are reachable: the session bus (systemd-run --user "
		"runs anything outside the sandbox), docker.sock, ssh and gpg agents"))
		return -1;
	if ((p->netlink_any.on || (p->netlink_mask & ~LR_NETLINK_ROUTE_ONLY)) &&
	    add(c, "netlink-broad", &p->netlink_any.at, "netlink protocols beyond route (sock_diag alone lists every socket on the host)"))
		return -1;
	if (!p->abstract_unix_isolated.on &&
	    add(c, "abstract-unix-shared", &p->abstract_unix_isolated.at, "abstract unix sockets outside the sandbox are reachable (X11, D-Bus, agents)"))
		return -1;
	if (!p->signals_isolated.on &&
	    add(c, "signals-shared", &p->signals_isolated.at, "processes outside the sandbox can be sent signals"))
		return -1;
	return 0;
}

static int check_syscalls(struct check *c)
{
	const struct lr_policy *p = c->p;
	if (!p->baseline_hardened.on)
		return add(c, "baseline-none", &p->baseline_hardened.at, "baseline = none: ptrace, namespaces, io_uring, bpf, TIOCSTI ... are allowed");
	if (p->action.is == LR_ACT_LOG &&
	    add(c, "denials-logged", &p->action.at, "action = log: denied syscalls are only logged, and run"))
		return -1;
	char names[512] = "";
	const struct lr_origin *at = NULL;
	for (size_t i = 0; i < p->sys_rules.len; i++) {
		const struct lr_sys_rule *s = lr_vec_at(&p->sys_rules, i);
		/* with default = allow, allow can only lift baseline items */
		if (!s->except && !(s->allow && p->sys_default.is == LR_ACT_ALLOW))
			continue;
		at = at ? at : &s->at;
		size_t n = strlen(names);
		snprintf(names + n, sizeof(names) - n, "%s%s", n ? " " : "", s->name);
	}
	return at ? add(c, "baseline-except", at, "baseline items lifted: %s", names) : 0;
}

static int check_process(struct check *c)
{
	const struct lr_policy *p = c->p;
	if (p->caps_keep) {
		char names[512] = "";
		for (unsigned cap = 0; cap < 64; cap++) {
			const char *name = p->caps_keep & (1ULL << cap) ? lr_cap_name(cap) : NULL;
			size_t n = strlen(names);
			if (name)
				snprintf(names + n, sizeof(names) - n, "%s%s", n ? " " : "", name);
		}
		if (add(c, "caps-kept", &p->capabilities.at, "capabilities kept: %s", names))
			return -1;
	}
	if (p->keep_fds.len && add(c, "keep-fds", &c->policy_at, "%zu inherited file descriptor(s) kept: Landlock does not govern them", p->keep_fds.len))
		return -1;
	for (int i = 0; i < LR_RLIMIT_COUNT; i++)
		if (p->rlimits[i].set)
			return 0;
	return add(c, "no-rlimits", &c->policy_at, "no resource limits: fork bombs, memory and disk filling are unbounded");
}

/* Variables that carry credentials or agent access, or change which code a program loads. */
static bool risky_env(const char *name)
{
	static const char *const risky[] = {
		"SSH_AUTH_SOCK", "GPG_AGENT_INFO", "DBUS_SESSION_BUS_ADDRESS", "XAUTHORITY", "KRB5CCNAME",
		"AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS", "PYTHONPATH",
		"PYTHONSTARTUP", "PYTHONHOME", "PERL5LIB", "PERL5OPT", "RUBYOPT", "RUBYLIB", "NODE_OPTIONS",
		"NODE_PATH", "JAVA_TOOL_OPTIONS", "GIT_SSH_COMMAND", "GIT_EXEC_PATH", "SHELLOPTS", "PS4",
	};
	size_t n = strlen(name);
	bool prefix = n && name[n - 1] == '*';
	for (size_t i = 0; i < LR_ARRAY_LEN(risky); i++)
		if (prefix ? strncmp(risky[i], name, n - 1) == 0 : strcmp(risky[i], name) == 0)
			return true;
	return false;
}

static int check_env(struct check *c)
{
	const struct lr_policy *p = c->p;
	char names[512] = "";
	const struct lr_origin *secrets_at = NULL;
	for (size_t i = 0; i < p->env_rules.len; i++) {
		const struct lr_env_rule *e = lr_vec_at(&p->env_rules, i);
		if (e->kind == LR_ENV_KEEP && risky_env(e->name) &&
		    add(c, "env-keep-risky", &e->at, "keep = %s: passes credentials, agent access or code-loading variables", e->name))
			return -1;
		if (e->kind == LR_ENV_SECRET) {
			secrets_at = secrets_at ? secrets_at : &e->at;
			size_t n = strlen(names);
			snprintf(names + n, sizeof(names) - n, "%s%s", n ? " " : "", e->name);
		}
	}
	if (secrets_at && add(c, "secrets", secrets_at, "secrets passed: %s", names))
		return -1;
	if (!p->strip_proxy_credentials.on &&
	    add(c, "proxy-credentials", &p->strip_proxy_credentials.at, "proxy variables keep their user:password"))
		return -1;
	return 0;
}

static int check_compat(struct check *c)
{
	const struct lr_policy *p = c->p;
	if (p->compat.is == LR_BEST_EFFORT && !p->min_abi.set &&
	    add(c, "best-effort", &p->compat.at, "compat = best-effort without min_abi: an older kernel silently enforces less"))
		return -1;
	if (!p->exec_control.set)
		return add(c, "no-exec-control", &c->policy_at, "no [exec] allow list: any file the policy makes executable can run");
	return 0;
}

static int by_weight(const void *a, const void *b)
{
	const struct lr_finding *x = a, *y = b;
	return x->weight != y->weight ? y->weight - x->weight : strcmp(x->id, y->id);
}

int lr_check_policy(struct lr_check_report *r, const struct lr_policy *p, const char *const *environ,
		    struct lr_error *err)
{
	struct check c = { .r = r, .p = p, .environ = environ, .err = err };
	c.policy_at.file = p->sources.len ? *(const char **)lr_vec_at(&p->sources, 0) : "command line";
	const char *home = lr_env_lookup(environ, "HOME", 4);
	if (home && home[0] == '/' && !(c.home = real_path(&r->arena, home)))
		return lr_fail(err, NULL, "out of memory");
	if (check_paths(&c) || check_network(&c) || check_syscalls(&c) || check_process(&c) ||
	    check_env(&c) || check_compat(&c))
		return -1;
	lr_vec_sort(&r->findings, by_weight);
	r->score = 0;
	for (size_t i = 0; i < r->findings.len; i++)
		r->score += ((struct lr_finding *)lr_vec_at(&r->findings, i))->weight;
	if (r->score > LR_CHECK_MAX)
		r->score = LR_CHECK_MAX;
	return 0;
}

/* ---- output and the command ---------------------------------------------------------------- */

static void print_origin(FILE *out, const struct lr_origin *at)
{
	if (at->line)
		fprintf(out, "%s:%d", at->file, at->line);
	else
		fprintf(out, "%s", at->file);
}

void lr_check_print(FILE *out, const struct lr_check_report *r, const char *title)
{
	fprintf(out, "%s\n", title);
	for (size_t i = 0; i < r->findings.len; i++) {
		const struct lr_finding *f = lr_vec_at(&r->findings, i);
		fprintf(out, "  %d.%d  %-20s ", f->weight / 10, f->weight % 10, f->id);
		print_origin(out, &f->at);
		fprintf(out, ": %s; fix: %s\n", f->what, f->fix);
	}
	if (!r->findings.len)
		fprintf(out, "  no findings\n");
	fprintf(out, "exposure %d.%d %s\n", r->score / 10, r->score % 10, lr_check_verdict(r->score));
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

/* One JSON object per policy; first: no comma before it (the caller prints the enclosing array). */
void lr_check_print_json(FILE *out, const struct lr_check_report *r, const char *title, bool first)
{
	fprintf(out, "%s{\"policy\":", first ? "" : ",\n");
	json_string(out, title);
	fprintf(out, ",\"score\":%d.%d,\"verdict\":\"%s\",\"findings\":[", r->score / 10, r->score % 10,
		lr_check_verdict(r->score));
	for (size_t i = 0; i < r->findings.len; i++) {
		const struct lr_finding *f = lr_vec_at(&r->findings, i);
		fprintf(out, "%s{\"weight\":%d.%d,\"id\":\"%s\",\"file\":", i ? "," : "", f->weight / 10,
			f->weight % 10, f->id);
		json_string(out, f->at.file);
		fprintf(out, ",\"line\":%d,\"what\":", f->at.line);
		json_string(out, f->what);
		fprintf(out, ",\"fix\":");
		json_string(out, f->fix);
		fputc('}', out);
	}
	fprintf(out, "]}");
}

/* "N" or "N.D" from 0 to 10, in tenths; -1 otherwise. */
static int parse_threshold(const char *s)
{
	unsigned long long whole;
	const char *dot = strchr(s, '.');
	char intpart[8];
	size_t n = dot ? (size_t)(dot - s) : strlen(s);
	if (n == 0 || n >= sizeof(intpart))
		return -1;
	memcpy(intpart, s, n);
	intpart[n] = '\0';
	if (!lr_parse_uint(intpart, 10, &whole))
		return -1;
	if (!dot)
		return (int)whole * 10;
	if (dot[1] < '0' || dot[1] > '9' || dot[2] != '\0' || (whole == 10 && dot[1] != '0'))
		return -1;
	return (int)whole * 10 + (dot[1] - '0');
}

struct check_opts {
	int threshold; /* tenths; -1: none */
	bool json;
	int first;     /* argv index of the first policy */
};

static int parse_check_args(int argc, char **argv, struct check_opts *o)
{
	*o = (struct check_opts){ .threshold = -1, .first = argc };
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--json") == 0) {
			o->json = true;
		} else if (strcmp(argv[i], "--threshold") == 0 && i + 1 < argc) {
			if ((o->threshold = parse_threshold(argv[++i])) < 0) {
				fprintf(stderr, "landrun: check: --threshold %s: expected a score from 0.0 to 10.0\n", argv[i]);
				return -1;
			}
		} else {
			fprintf(stderr, "landrun: check: %s: unknown option or missing value "
				"(usage: landrun check [--threshold N] [--json] [POLICY...])\n", argv[i]);
			return -1;
		}
	}
	o->first = i;
	return 0;
}

/* Loads and checks one policy (NULL: the embedded default); 0, 1 above the threshold, or 125. */
static int check_one(const struct lr_env_ctx *ctx, const char *name, const struct check_opts *o, int *printed)
{
	struct lr_policy p;
	struct lr_check_report r;
	struct lr_error err = { 0 };
	lr_policy_init(&p);
	lr_check_init(&r);
	int rc = name ? lr_policy_load(&p, ctx, name, &err)
		      : lr_policy_load_string(&p, ctx, lr_default_policy, "<embedded default>", &err);
	if (rc == 0)
		rc = lr_check_policy(&r, &p, ctx->environ, &err);
	int status = LR_EXIT_LANDRUN;
	if (rc == 0) {
		const char *title = name ? name : "<embedded default>";
		if (o->json)
			lr_check_print_json(stdout, &r, title, *printed == 0);
		else
			lr_check_print(stdout, &r, title);
		++*printed;
		status = o->threshold >= 0 && r.score > o->threshold ? 1 : 0;
	} else {
		fprintf(stderr, "landrun: %s\n", err.set ? err.msg : "check failed");
	}
	lr_check_free(&r);
	lr_policy_free(&p);
	return status;
}

int lr_check_main(int argc, char **argv, const struct lr_env_ctx *ctx)
{
	struct check_opts o;
	if (parse_check_args(argc, argv, &o))
		return LR_EXIT_LANDRUN;
	int status = 0, printed = 0;
	if (o.json)
		printf("[\n");
	if (o.first == argc)
		status = check_one(ctx, NULL, &o, &printed);
	for (int i = o.first; i < argc; i++) {
		int s = check_one(ctx, argv[i], &o, &printed);
		status = s > status ? s : status; /* 125 over 1 over 0 */
	}
	if (o.json)
		printf("%s]\n", printed ? "\n" : "");
	return status;
}

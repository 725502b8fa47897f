/* --explain: every rule with where it came from, then what the kernel will enforce. */
#include "explain.h"

#include <arpa/inet.h>
#include <limits.h>
#include <linux/capability.h>
#include <string.h>

#include "env.h"
#include "landlock_abi.h"
#include "landlock_rights.h"
#include "names.h"

static void origin(FILE *out, const struct lr_origin *at)
{
	if (at->line > 0)
		fprintf(out, "  (%s:%d)\n", at->file, at->line);
	else
		fprintf(out, "  (%s)\n", at->file ? at->file : "default");
}

/* given: where the policy set it (lr_given), NULL for a default. */
static void setting(FILE *out, const char *key, const char *value, const struct lr_origin *given)
{
	fprintf(out, "  %-16s %s", key, value);
	if (given)
		origin(out, given);
	else
		fprintf(out, "  (default)\n");
}

/* A path as a policy spells it (quoted when it must be): a name cannot pass for lines of the report. */
static const char *spelled(const char *path, char *buf, size_t size)
{
	return lr_policy_quote(path, buf, size) < 0 ? "(a name too long to show)" : buf;
}

/* What the metadata calls (which Landlock does not check) may change, as enforced. */
static void explain_metadata(FILE *out, const struct lr_policy *p, const struct lr_sandbox *sb)
{
	static const char *const how[] = {
		[LR_METADATA_GRANTED] = "granted: chmod, chown, utimes and xattr changes only beneath the rw and rwx "
					"directories (a helper outside the sandbox answers them: seccomp user notification)",
		[LR_METADATA_ANY] = "any: chmod, chown, utimes and xattr changes are NOT restricted (Landlock does not "
				    "check them)",
		[LR_METADATA_NONE] = "none: chmod, chown, utimes and xattr changes fail with EPERM (seccomp)",
	};
	setting(out, "metadata", how[sb->metadata], lr_given(&p->metadata));
}

static void explain_filesystem(FILE *out, const struct lr_policy *p, const struct lr_sandbox *sb)
{
	char buf[256];
	fprintf(out, "[filesystem]\n");
	if (p->fs_any.on) {
		setting(out, "unrestricted", "yes: files are NOT restricted", lr_given(&p->fs_any));
		explain_metadata(out, p, sb);
		return;
	}
	for (size_t i = 0; i < p->paths.len; i++) {
		const struct lr_path_rule *r = lr_vec_at(&p->paths, i);
		char q[PATH_MAX * 4 + 3];
		fprintf(out, "  %-4s %s%s", lr_access_name(r->access), r->optional ? "?" : "", spelled(r->path, q, sizeof(q)));
		origin(out, &r->at);
	}
	fprintf(out, "  enforced rights: %s\n",
		sb->handled_fs ? lr_fs_rights_str(sb->handled_fs, buf, sizeof(buf)) : "none (NOT restricted)");
	explain_metadata(out, p, sb);
}

/* The port rules of ports (struct lr_port_rule) for bind or connect, one line each with its
 * origin, or "none" where any (the "any" setting of key) was given. */
static void list_ports(FILE *out, const struct lr_vec *ports, const char *key, bool bind, const struct lr_flag *any)
{
	bool some = false;
	for (size_t i = 0; i < ports->len; i++) {
		const struct lr_port_rule *r = lr_vec_at(ports, i);
		if (r->bind != bind)
			continue;
		char range[16], dest[INET6_ADDRSTRLEN + 8] = "";
		snprintf(range, sizeof(range), r->lo == r->hi ? "%u" : "%u-%u", r->lo, r->hi);
		lr_port_rule_destination(r, dest, sizeof(dest));
		fprintf(out, "  %-16s %s%s%s", key, dest, *dest ? ":" : "", range);
		origin(out, &r->at);
		some = true;
	}
	if (!some)
		setting(out, key, "none", lr_given(any));
}

static void explain_ports(FILE *out, const struct lr_policy *p, bool bind)
{
	const struct lr_flag *any = bind ? &p->bind_any : &p->connect_any;
	const char *key = bind ? "bind_tcp" : "connect_tcp";
	if (any->on) {
		setting(out, key, "any", lr_given(any));
		return;
	}
	list_ports(out, &p->ports, key, bind, any);
}

/* [exec] add_libraries: the loader and the libraries found for the command, each rox. */
static void explain_libraries(FILE *out, const struct lr_sandbox *sb)
{
	if (!sb->libraries.len)
		return;
	fprintf(out, "[exec]  add_libraries: %zu files (rox: read, and map executable)\n", sb->libraries.len);
	for (size_t i = 0; i < sb->libraries.len; i++)
		fprintf(out, "  %s\n", *(const char **)lr_vec_at(&sb->libraries, i));
	if (sb->loader_cache)
		fprintf(out, "  %s  (ro: the loader's cache)\n", sb->loader_cache);
}

/* [exec]: what may be executed, and the interpreters that can run any readable file anyway. */
static void explain_exec(FILE *out, const struct lr_policy *p, const struct lr_sandbox *sb)
{
	explain_libraries(out, sb);
	if (!p->exec_control.set) {
		if (sb->nexec_chain)
			fprintf(out, "[exec]  add_command: %s  (the command, rox)\n", sb->exec_chain[0]);
		return;
	}
	fprintf(out, "[exec]  may execute:\n");
	for (size_t i = 0; !p->exec_none && i < p->paths.len; i++) {
		const struct lr_path_rule *r = lr_vec_at(&p->paths, i);
		if (r->access == LR_ROX || r->access == LR_RWX || r->access == LR_EXEC) {
			char q[PATH_MAX * 4 + 3];
			fprintf(out, "  %s", spelled(r->path, q, sizeof(q)));
			origin(out, &r->at);
		}
	}
	for (unsigned i = sb->exec_fd >= 0 ? 1 : 0; i < sb->nexec_chain; i++)
		fprintf(out, "  %s  (%s)\n", sb->exec_chain[i], i == 0 ? "the command" : "its interpreter");
	if (sb->exec_fd >= 0)
		fprintf(out, "  %s  (the command: its verified copy, sealed in memory)\n", sb->command_path);
	for (unsigned i = 1; i < sb->nexec_chain; i++)
		fprintf(out, "warning: %s is an interpreter: it can run any file it can read (\"%s FILE\"), "
			"whatever the execute grants say\n", sb->exec_chain[i], sb->exec_chain[i]);
	if (!p->exec_none)
		fprintf(out, "warning: rox/rwx directories may hold interpreters (sh, python3, ld.so) that run any "
			"readable file\n");
}

/* unix = : what the filter and, at ABI 9, Landlock's resolve_unix enforce; below it, the helper. */
static void explain_unix(FILE *out, const struct lr_policy *p, const struct lr_sandbox *sb)
{
	if (p->unix_sockets.is == LR_UNIX_NONE) {
		setting(out, "unix", "none (socket(AF_UNIX) refused; socketpair allowed)", lr_given(&p->unix_sockets));
		return;
	}
	if (p->unix_sockets.is == LR_UNIX_ANY) {
		setting(out, "unix", "any (pathname sockets NOT restricted)", lr_given(&p->unix_sockets));
		return;
	}
	for (size_t i = 0; i < p->unix_paths.len; i++) {
		const struct lr_path_rule *r = lr_vec_at(&p->unix_paths, i);
		fprintf(out, "  %-16s %s%s", "unix", r->optional ? "?" : "", r->path);
		origin(out, &r->at);
	}
	if (!(sb->handled_fs & LR_FS_RESOLVE_UNIX) && sb->net.on)
		fprintf(out, "  %-16s enforced by the helper (Landlock ABI 9 would; this kernel has %d)\n", "unix", sb->abi);
	else if (!(sb->handled_fs & LR_FS_RESOLVE_UNIX))
		fprintf(out, "  %-16s any: NOT enforced (needs Landlock ABI 9, Linux 7.1; this kernel has %d)\n", "unix", sb->abi);
}

static void explain_netlink(FILE *out, const struct lr_policy *p)
{
	char names[256] = "";
	size_t off = 0;
	for (int proto = 0; proto < 32 && off < sizeof(names); proto++) {
		const char *name = lr_netlink_name(proto);
		if (p->netlink_mask & (1U << proto))
			off += (size_t)(name ? snprintf(names + off, sizeof(names) - off, "%s%s", off ? " " : "", name)
					     : snprintf(names + off, sizeof(names) - off, "%s%d", off ? " " : "", proto));
	}
	setting(out, "netlink", p->netlink_any.on ? "any" : off ? names : "none", lr_given(&p->netlink_any));
}

/* connect_udp, bind_udp when given: the ports, or that the kernel cannot restrict them (ABI 10). */
static void explain_udp_ports(FILE *out, const struct lr_policy *p, const struct lr_sandbox *sb, bool bind)
{
	const struct lr_flag *any = bind ? &p->bind_udp_any : &p->connect_udp_any;
	const char *key = bind ? "bind_udp" : "connect_udp";
	if (!any->set)
		return;
	if (!bind && !any->on && sb->net.on && !(sb->handled_net & LR_NET_CONNECT_SEND_UDP)) {
		list_ports(out, &p->udp_ports, key, bind, any);
		fprintf(out, "  %-16s enforced by the helper (Landlock ABI 10 would; this kernel has %d)\n", key, sb->abi);
		return;
	}
	if (!(sb->handled_net & (bind ? LR_NET_BIND_UDP : LR_NET_CONNECT_SEND_UDP))) {
		char why[96];
		snprintf(why, sizeof(why), "any: NOT enforced (needs Landlock ABI 10, Linux 7.2; this kernel has %d)", sb->abi);
		setting(out, key, any->on ? "any" : why, lr_given(any));
		return;
	}
	list_ports(out, &p->udp_ports, key, bind, any);
}

static void explain_network(FILE *out, const struct lr_policy *p, const struct lr_sandbox *sb)
{
	fprintf(out, "[network]\n");
	explain_ports(out, p, false);
	explain_ports(out, p, true);
	setting(out, "udp", !p->udp.on ? "no (socket filter)" : p->udp_dns.on ? "dns: only to the nameservers of /etc/resolv.conf, port 53 (the helper)" : "yes", lr_given(&p->udp));
	for (unsigned i = 0; sb->net.on && i < sb->net.ndns; i++) {
		char addr[INET6_ADDRSTRLEN] = "?";
		inet_ntop(sb->net.dns[i].family, sb->net.dns[i].addr, addr, sizeof(addr));
		fprintf(out, "  %-16s %s port 53\n", "nameserver", addr);
	}
	if (sb->net.on)
		fprintf(out, "  %-16s connect, sendto (with an address), sendmsg, sendmmsg: made by the helper, "
			"which checks what Landlock cannot (and the TCP ports, as Landlock would)\n", "socket calls");
	explain_udp_ports(out, p, sb, false);
	explain_udp_ports(out, p, sb, true);
	char fams[256] = "";
	size_t off = 0;
	for (int af = 0; af < 64 && off < sizeof(fams); af++)
		if (p->families_mask & (1ULL << af))
			off += (size_t)snprintf(fams + off, sizeof(fams) - off, "%s%s", off ? " " : "", lr_family_name(af));
	setting(out, "families", fams, lr_given(&p->families));
	setting(out, "abstract_unix",
		sb->scoped & LR_SCOPE_ABSTRACT_UNIX_SOCKET ? "isolated" : "shared (not enforced)", lr_given(&p->abstract_unix_isolated));
	explain_unix(out, p, sb);
	explain_netlink(out, p);
	fprintf(out, "  listen           %s\n", lr_policy_refuses_listen(p)
		? "refused (no bind port and no unix socket granted)"
		: "allowed (a socket that listens unbound gets an ephemeral port no bind rule checks)");
	fprintf(out, "  enforced TCP: connect %s, bind %s\n",
		sb->handled_net & LR_NET_CONNECT_TCP ? "restricted" : "NOT restricted",
		sb->handled_net & LR_NET_BIND_TCP ? "restricted" : "NOT restricted");
}

static void explain_process(FILE *out, const struct lr_policy *p, const struct lr_sandbox *sb)
{
	fprintf(out, "[process]\n");
	setting(out, "signals", sb->scoped & LR_SCOPE_SIGNAL ? "isolated" : "shared (not enforced)", lr_given(&p->signals_isolated));
	setting(out, "new_session", sb->new_session ? "yes" : "no", lr_given(&p->new_session));
	if (p->timeout_ms.n > 0) {
		char t[64];
		snprintf(t, sizeof(t), "%d ms (supervised: exit %d)", p->timeout_ms.n, LR_EXIT_TIMEOUT);
		setting(out, "timeout", t, lr_given(&p->timeout_ms));
	}
	if (p->die_with_parent.on)
		setting(out, "die_with_parent", "yes (supervised)", lr_given(&p->die_with_parent));
	if (p->log_denials.on)
		setting(out, "log_denials", "yes (supervised, traced)", lr_given(&p->log_denials));
	if (p->supervise.on)
		setting(out, "supervise", "yes (nothing the command starts outlives landrun)", lr_given(&p->supervise));
	if (sb->private_tmp)
		setting(out, "private_tmp", sb->private_tmp, lr_given(&p->private_tmp));
	char caps[512] = "none";
	size_t off = 0;
	for (unsigned c = 0; c <= CAP_LAST_CAP; c++)
		if (sb->caps_keep & (1ULL << c))
			off += (size_t)snprintf(caps + off, sizeof(caps) - off, "%sCAP_%s", off ? " " : "",
						lr_cap_name(c));
	setting(out, "capabilities", caps, lr_given(&p->capabilities));
	for (int i = 0; i < LR_RLIMIT_COUNT; i++) {
		if (!sb->rlimit_set[i])
			continue;
		char v[32];
		if (sb->rlimits[i].rlim_max == RLIM_INFINITY)
			snprintf(v, sizeof(v), "unlimited");
		else
			snprintf(v, sizeof(v), "%llu", (unsigned long long)sb->rlimits[i].rlim_max);
		fprintf(out, "  %-16s %s", lr_rlimit_key(i), v);
		if (p->rlimits[i].set)
			origin(out, &p->rlimits[i].at);
		else
			fprintf(out, "  (default)\n");
	}
	fprintf(out, "  %-16s 0 1 2", "fds kept");
	for (unsigned i = 0; i < sb->nkeep_fds; i++)
		fprintf(out, " %d", sb->keep_fds[i]);
	fprintf(out, "; all others are closed\n");
}

static const char *action_str(const struct lr_policy *p, char *buf, size_t size)
{
	switch (p->action.is) {
	case LR_ACT_KILL: return "kill";
	case LR_ACT_LOG: return "log (allowed and logged)";
	default: snprintf(buf, size, "errno:%s", lr_errno_name(p->errnum.n)); return buf;
	}
}

static void explain_syscalls(FILE *out, const struct lr_policy *p, const struct lr_sandbox *sb)
{
	char buf[64];
	fprintf(out, "[syscalls]\n");
	setting(out, "default", p->sys_default.is == LR_ACT_ERRNO ? "deny" : "allow", lr_given(&p->sys_default));
	setting(out, "baseline", p->baseline_hardened.on ? "hardened" : "none", lr_given(&p->baseline_hardened));
	setting(out, "action", action_str(p, buf, sizeof(buf)), lr_given(&p->action));
	for (size_t i = 0; i < p->sys_rules.len; i++) {
		const struct lr_sys_rule *r = lr_vec_at(&p->sys_rules, i);
		fprintf(out, "  %-16s %s", r->except ? "baseline_except" : r->allow ? "allow" : "deny", r->name);
		origin(out, &r->at);
	}
	fprintf(out, "  enforced: %u seccomp rules, %u BPF instructions", sb->seccomp_rules, sb->bpf_len[0]);
	if (sb->bpf_len[1])
		fprintf(out, " + an allow-list program of %u", sb->bpf_len[1]);
	fprintf(out, "; native architecture only (others killed)\n");
}

static void explain_env(FILE *out, const struct lr_policy *p, const struct lr_sandbox *sb)
{
	fprintf(out, "[env]  passed to the command:\n");
	for (char **e = sb->envp; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		size_t len = eq ? (size_t)(eq - *e) : strlen(*e);
		if (len == 4 && strncmp(*e, "PATH", 4) == 0)
			continue; /* below, with where it came from */
		if (eq && lr_env_is_secret(p, *e, len))
			fprintf(out, "  %.*s=******** (secret)\n", (int)len, *e);
		else
			fprintf(out, "  %s\n", *e);
	}
	fprintf(out, "  PATH=%s", sb->path_env);
	if (p->env_path)
		origin(out, &p->env_path_at);
	else
		fprintf(out, "  (default)\n");
}

/* [policy] landlock_log: the audit flags given, and whether restrict_self gets them. */
static void explain_landlock_log(FILE *out, const struct lr_policy *p, const struct lr_sandbox *sb)
{
	uint32_t f = p->landlock_log_flags;
	fprintf(out, "landlock_log:%s%s%s%s", f ? "" : " default",
		f & LR_RESTRICT_SELF_LOG_SAME_EXEC_OFF ? " disable-originating" : "",
		f & LR_RESTRICT_SELF_LOG_NEW_EXEC_ON ? " enable-subprocesses" : "",
		f & LR_RESTRICT_SELF_LOG_SUBDOMAINS_OFF ? " disable-subdomains" : "");
	if (f && sb->restrict_flags != f)
		fprintf(out, " (NOT enforced: needs Landlock ABI 7, this kernel has %d)", sb->abi);
	origin(out, &p->landlock_log.at);
}

/* What each Landlock ABI adds, from which Linux, and whether this run has it (the kernel's, or as
 * capped by --test-abi). */
static void explain_abi_table(FILE *out, const struct lr_sandbox *sb)
{
	size_t n;
	const struct lr_abi_info *t = lr_abi_table(&n);
	fprintf(out, "Landlock ABIs (ABI, Linux, what it adds):\n");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %-3s %2d  %-5s %s\n", sb->abi >= t[i].abi ? "yes" : "NO", t[i].abi, t[i].linux_version,
			t[i].adds);
}

void lr_explain(FILE *out, const struct lr_policy *p, const struct lr_sandbox *sb, const char *command)
{
	fprintf(out, "policy sources:");
	for (size_t i = 0; i < p->sources.len; i++)
		fprintf(out, " %s", *(const char **)lr_vec_at(&p->sources, i));
	fprintf(out, "%s\n", p->sources.len ? "" : " command-line flags");
	fprintf(out, "compat: %s", p->compat.is == LR_BEST_EFFORT ? "best-effort" : "strict");
	if (p->min_abi.set)
		fprintf(out, ", min_abi %d", p->min_abi.n);
	if (sb->abi)
		fprintf(out, "; Landlock ABI %d (kernel offers %d)\n", sb->abi, sb->kernel_abi);
	else
		fprintf(out, "; Landlock unavailable: %s\n", sb->landlock_missing);
	explain_abi_table(out, sb);
	if (p->landlock_log.set)
		explain_landlock_log(out, p, sb);
	if (command)
		fprintf(out, "command: %s\n", command);
	explain_filesystem(out, p, sb);
	explain_exec(out, p, sb);
	explain_network(out, p, sb);
	explain_process(out, p, sb);
	explain_syscalls(out, p, sb);
	explain_env(out, p, sb);
	for (size_t i = 0; i < sb->notes.len; i++) {
		const struct lr_note *n = lr_vec_at(&sb->notes, i);
		fprintf(out, "%s: %s\n", n->warning ? "warning" : "note", n->text);
	}
}

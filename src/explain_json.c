/* --explain --json: what --explain prints, as one JSON object for programs (see landrun(1)). The
 * output is ASCII: every string is escaped (paths and variables are the caller's, any bytes). */
#include "explain.h"

#include <arpa/inet.h>

#include <limits.h>
#include <linux/capability.h>
#include <string.h>

#include "env.h"
#include "landlock_abi.h"
#include "landlock_rights.h"
#include "names.h"

/* A writer that puts the commas: a value or key after another one in the same object or array
 * is preceded by one. */
struct json {
	FILE *out;
	bool comma;
};

/* The code point of the well-formed UTF-8 sequence at s (its length in *len), or -1. */
static long utf8_at(const unsigned char *s, size_t *len)
{
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 && s[0] <= 0xef ? 3 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : 0;
	if (!n)
		return -1;
	long cp = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	static const long min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*len = n;
	return cp;
}

/* s as a JSON string in ASCII: well-formed UTF-8 as \uXXXX (surrogate pairs above U+FFFF), a byte
 * that is not as \udcXX (XX the byte: the lone low surrogate of Python's surrogateescape, so the
 * exact bytes come back with os.fsencode), control characters escaped. */
static void put_string(FILE *out, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	fputc('"', out);
	for (size_t i = 0; u[i];) {
		unsigned char c = u[i];
		size_t len = 1;
		long cp;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c == '\r')
			fputs("\\r", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else if (c < 0x80)
			fputc(c, out);
		else if ((cp = utf8_at(u + i, &len)) < 0)
			fprintf(out, "\\udc%02x", c);
		else if (cp < 0x10000)
			fprintf(out, "\\u%04lx", cp);
		else
			fprintf(out, "\\u%04lx\\u%04lx", 0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
		i += len;
	}
	fputc('"', out);
}

static void sep(struct json *j)
{
	if (j->comma)
		fputc(',', j->out);
	j->comma = true;
}

static void key(struct json *j, const char *k)
{
	sep(j);
	put_string(j->out, k);
	fputc(':', j->out);
	j->comma = false;
}

static void open_(struct json *j, const char *k, char bracket)
{
	if (k)
		key(j, k);
	else
		sep(j);
	fputc(bracket, j->out);
	j->comma = false;
}

static void close_(struct json *j, char bracket)
{
	fputc(bracket, j->out);
	j->comma = true;
}

static void str(struct json *j, const char *k, const char *v)
{
	if (k)
		key(j, k);
	else
		sep(j);
	if (v)
		put_string(j->out, v);
	else
		fputs("null", j->out);
	j->comma = true;
}

static void num(struct json *j, const char *k, long long v)
{
	key(j, k);
	fprintf(j->out, "%lld", v);
	j->comma = true;
}

static void boolean(struct json *j, const char *k, bool v)
{
	key(j, k);
	fputs(v ? "true" : "false", j->out);
	j->comma = true;
}

/* "FILE:LINE", "FILE" or null (a default). */
static void origin(struct json *j, const struct lr_origin *at)
{
	char buf[PATH_MAX + 16];
	if (!at) {
		str(j, "origin", NULL);
	} else if (at->line > 0) {
		snprintf(buf, sizeof(buf), "%s:%d", at->file ? at->file : "?", at->line);
		str(j, "origin", buf);
	} else {
		str(j, "origin", at->file ? at->file : "default");
	}
}

/* The Landlock filesystem rights of mask, by name. */
static void fs_rights(struct json *j, const char *k, uint64_t mask)
{
	open_(j, k, '[');
	for (unsigned bit = 0; bit < 64; bit++) {
		char name[32];
		if (mask & (1ULL << bit) && lr_fs_rights_str(1ULL << bit, name, sizeof(name))[0])
			str(j, NULL, name);
	}
	close_(j, ']');
}

static void filesystem(struct json *j, const struct lr_policy *p, const struct lr_sandbox *sb)
{
	open_(j, "filesystem", '{');
	boolean(j, "unrestricted", p->fs_any.on);
	fs_rights(j, "enforced_rights", sb->handled_fs);
	static const char *const metadata[] = { "granted", "any", "none" };
	str(j, "metadata", metadata[sb->metadata]);
	open_(j, "grants", '[');
	for (size_t i = 0; !p->fs_any.on && i < p->paths.len; i++) {
		const struct lr_path_rule *r = lr_vec_at(&p->paths, i);
		uint64_t asked = lr_access_rights(r->access);
		open_(j, NULL, '{');
		str(j, "path", r->path);
		str(j, "access", lr_access_name(r->access));
		boolean(j, "optional", r->optional);
		fs_rights(j, "rights_asked", asked);
		fs_rights(j, "rights_enforced", asked & sb->handled_fs);
		origin(j, &r->at);
		close_(j, '}');
	}
	close_(j, ']');
	close_(j, '}');
}

static void exec_section(struct json *j, const struct lr_policy *p, const struct lr_sandbox *sb)
{
	open_(j, "exec", '{');
	boolean(j, "allow_list", p->exec_control.set);
	open_(j, "command_chain", '[');
	for (unsigned i = 0; i < sb->nexec_chain; i++)
		str(j, NULL, sb->exec_chain[i]);
	close_(j, ']');
	boolean(j, "verified_copy", sb->exec_fd >= 0);
	close_(j, '}');
}

/* key: {"any": bool, "ports": [{"from", "to", "origin"}], "enforced": bool, "origin"} */
static void ports(struct json *j, const char *k, const struct lr_vec *rules, bool bind, const struct lr_flag *any,
		  bool enforced)
{
	open_(j, k, '{');
	boolean(j, "any", any->on);
	open_(j, "ports", '[');
	for (size_t i = 0; !any->on && i < rules->len; i++) {
		const struct lr_port_rule *r = lr_vec_at(rules, i);
		if (r->bind != bind)
			continue;
		open_(j, NULL, '{');
		num(j, "from", r->lo);
		num(j, "to", r->hi);
		char dest[INET6_ADDRSTRLEN + 8];
		if (lr_port_rule_destination(r, dest, sizeof(dest)))
			str(j, "destination", dest);
		origin(j, &r->at);
		close_(j, '}');
	}
	close_(j, ']');
	boolean(j, "enforced", any->on || enforced);
	origin(j, lr_given(any));
	close_(j, '}');
}

static void network(struct json *j, const struct lr_policy *p, const struct lr_sandbox *sb)
{
	open_(j, "network", '{');
	ports(j, "connect_tcp", &p->ports, false, &p->connect_any, sb->handled_net & LR_NET_CONNECT_TCP);
	ports(j, "bind_tcp", &p->ports, true, &p->bind_any, sb->handled_net & LR_NET_BIND_TCP);
	open_(j, "udp", '{');
	boolean(j, "allowed", p->udp.on);
	boolean(j, "dns_only", p->udp.on && p->udp_dns.on);
	origin(j, lr_given(&p->udp));
	close_(j, '}');
	bool by_helper = sb->net.on; /* the socket calls the helper makes (netcalls.h) */
	boolean(j, "socket_calls_by_helper", by_helper);
	if (p->connect_udp_any.set)
		ports(j, "connect_udp", &p->udp_ports, false, &p->connect_udp_any,
		      (sb->handled_net & LR_NET_CONNECT_SEND_UDP) || by_helper);
	if (p->bind_udp_any.set)
		ports(j, "bind_udp", &p->udp_ports, true, &p->bind_udp_any, sb->handled_net & LR_NET_BIND_UDP);
	open_(j, "families", '[');
	for (int af = 0; af < 64; af++)
		if (p->families_mask & (1ULL << af) && lr_family_name(af))
			str(j, NULL, lr_family_name(af));
	close_(j, ']');
	open_(j, "unix", '{');
	str(j, "mode", p->unix_sockets.is == LR_UNIX_NONE ? "none" : p->unix_sockets.is == LR_UNIX_ANY ? "any" : "paths");
	open_(j, "paths", '[');
	for (size_t i = 0; i < p->unix_paths.len; i++)
		str(j, NULL, ((const struct lr_path_rule *)lr_vec_at(&p->unix_paths, i))->path);
	close_(j, ']');
	boolean(j, "paths_enforced", p->unix_sockets.is != LR_UNIX_PATHS || (sb->handled_fs & LR_FS_RESOLVE_UNIX) || by_helper);
	origin(j, lr_given(&p->unix_sockets));
	close_(j, '}');
	open_(j, "netlink", '[');
	for (int proto = 0; proto < 32; proto++)
		if (p->netlink_any.on || (p->netlink_mask & (1U << proto))) {
			char n[16];
			snprintf(n, sizeof(n), "%d", proto);
			str(j, NULL, lr_netlink_name(proto) ? lr_netlink_name(proto) : n);
		}
	close_(j, ']');
	boolean(j, "netlink_any", p->netlink_any.on);
	boolean(j, "listen_refused", lr_policy_refuses_listen(p));
	close_(j, '}');
}

static void scope(struct json *j, const char *k, bool asked, bool enforced, const struct lr_origin *at)
{
	open_(j, k, '{');
	boolean(j, "isolated", asked);
	boolean(j, "enforced", enforced);
	origin(j, at);
	close_(j, '}');
}

static void process(struct json *j, const struct lr_policy *p, const struct lr_sandbox *sb)
{
	open_(j, "scopes", '{');
	scope(j, "abstract_unix", p->abstract_unix_isolated.on, sb->scoped & LR_SCOPE_ABSTRACT_UNIX_SOCKET,
	      lr_given(&p->abstract_unix_isolated));
	scope(j, "signals", p->signals_isolated.on, sb->scoped & LR_SCOPE_SIGNAL, lr_given(&p->signals_isolated));
	close_(j, '}');
	open_(j, "process", '{');
	boolean(j, "new_session", sb->new_session);
	num(j, "timeout_ms", p->timeout_ms.n);
	boolean(j, "supervised", p->private_tmp.on || p->timeout_ms.n > 0 || p->die_with_parent.on ||
					 p->log_denials.on || p->supervise.on);
	str(j, "private_tmp", sb->private_tmp);
	open_(j, "capabilities", '[');
	for (unsigned c = 0; c <= CAP_LAST_CAP; c++)
		if (sb->caps_keep & (1ULL << c)) {
			char n[64];
			snprintf(n, sizeof(n), "CAP_%s", lr_cap_name(c));
			str(j, NULL, n);
		}
	close_(j, ']');
	open_(j, "fds_kept", '[');
	for (int fd = 0; fd < 3; fd++) {
		sep(j);
		fprintf(j->out, "%d", fd);
	}
	for (unsigned i = 0; i < sb->nkeep_fds; i++) {
		sep(j);
		fprintf(j->out, "%d", sb->keep_fds[i]);
	}
	close_(j, ']');
	close_(j, '}');
}

static const char *action_word(const struct lr_policy *p, char *buf, size_t size)
{
	switch (p->action.is) {
	case LR_ACT_KILL: return "kill";
	case LR_ACT_LOG: return "log";
	default: snprintf(buf, size, "errno:%s", lr_errno_name(p->errnum.n)); return buf;
	}
}

static void seccomp(struct json *j, const struct lr_policy *p, const struct lr_sandbox *sb)
{
	char buf[64];
	open_(j, "seccomp", '{');
	str(j, "default", p->sys_default.is == LR_ACT_ERRNO ? "deny" : "allow");
	str(j, "baseline", p->baseline_hardened.on ? "hardened" : "none");
	str(j, "action", action_word(p, buf, sizeof(buf)));
	num(j, "rules", sb->seccomp_rules);
	num(j, "bpf_instructions", sb->bpf_len[0]);
	num(j, "allow_list_bpf_instructions", sb->bpf_len[1]);
	open_(j, "syscall_rules", '[');
	for (size_t i = 0; i < p->sys_rules.len; i++) {
		const struct lr_sys_rule *r = lr_vec_at(&p->sys_rules, i);
		open_(j, NULL, '{');
		str(j, "kind", r->except ? "baseline_except" : r->allow ? "allow" : "deny");
		str(j, "name", r->name);
		origin(j, &r->at);
		close_(j, '}');
	}
	close_(j, ']');
	close_(j, '}');
}

/* The variables the command gets; a secret's value is null (masked, as --explain does). */
static void env(struct json *j, const struct lr_policy *p, const struct lr_sandbox *sb)
{
	open_(j, "env", '{');
	open_(j, "passed", '[');
	for (char **e = sb->envp; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		size_t len = eq ? (size_t)(eq - *e) : strlen(*e);
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)(len < sizeof(name) ? len : sizeof(name) - 1), *e);
		bool secret = eq && lr_env_is_secret(p, *e, len);
		open_(j, NULL, '{');
		str(j, "name", name);
		str(j, "value", eq && !secret ? eq + 1 : NULL);
		boolean(j, "secret", secret);
		close_(j, '}');
	}
	close_(j, ']');
	str(j, "path", sb->path_env);
	origin(j, p->env_path ? &p->env_path_at : NULL);
	close_(j, '}');
}

/* What the policy asks that this kernel does not enforce, one sentence each. */
static void degraded(struct json *j, const struct lr_policy *p, const struct lr_sandbox *sb)
{
	char buf[512], names[256];
	open_(j, "degraded", '[');
	if (!sb->abi)
		str(j, NULL, sb->landlock_missing ? sb->landlock_missing : "Landlock unavailable");
	uint64_t fs = lr_fs_rights_for_abi(LR_LANDLOCK_ABI_KNOWN) & ~LR_FS_RESOLVE_UNIX & ~sb->handled_fs;
	if (!p->fs_any.on && fs) {
		snprintf(buf, sizeof(buf), "filesystem rights not restricted at Landlock ABI %d: %s", sb->abi,
			 lr_fs_rights_str(fs, names, sizeof(names)));
		str(j, NULL, buf);
	}
	if (!p->connect_any.on && !(sb->handled_net & LR_NET_CONNECT_TCP))
		str(j, NULL, "connect_tcp: TCP connections not restricted");
	if (!p->bind_any.on && !(sb->handled_net & LR_NET_BIND_TCP))
		str(j, NULL, "bind_tcp: TCP binds not restricted");
	if (p->abstract_unix_isolated.on && !(sb->scoped & LR_SCOPE_ABSTRACT_UNIX_SOCKET))
		str(j, NULL, "abstract_unix: abstract unix sockets shared");
	if (p->signals_isolated.on && !(sb->scoped & LR_SCOPE_SIGNAL))
		str(j, NULL, "signals: signals shared");
	if (p->unix_sockets.is == LR_UNIX_PATHS && !(sb->handled_fs & LR_FS_RESOLVE_UNIX) && !sb->net.on)
		str(j, NULL, "unix: pathname sockets not restricted (needs Landlock ABI 9)");
	if (p->connect_udp_any.set && !p->connect_udp_any.on && !(sb->handled_net & LR_NET_CONNECT_SEND_UDP) && !sb->net.on)
		str(j, NULL, "connect_udp: UDP ports not restricted (needs Landlock ABI 10)");
	if (p->bind_udp_any.set && !p->bind_udp_any.on && !(sb->handled_net & LR_NET_BIND_UDP))
		str(j, NULL, "bind_udp: UDP ports not restricted (needs Landlock ABI 10)");
	if (p->landlock_log_flags && sb->restrict_flags != p->landlock_log_flags)
		str(j, NULL, "landlock_log: audit flags not given (needs Landlock ABI 7)");
	close_(j, ']');
}

void lr_explain_json(FILE *out, const struct lr_policy *p, const struct lr_sandbox *sb, const char *command)
{
	struct json j = { .out = out };
	open_(&j, NULL, '{');
	num(&j, "format", 1);
	open_(&j, "policy_sources", '[');
	for (size_t i = 0; i < p->sources.len; i++)
		str(&j, NULL, *(const char **)lr_vec_at(&p->sources, i));
	close_(&j, ']');
	str(&j, "compat", p->compat.is == LR_BEST_EFFORT ? "best-effort" : "strict");
	open_(&j, "landlock", '{');
	num(&j, "abi", sb->abi);
	num(&j, "kernel_abi", sb->kernel_abi);
	num(&j, "min_abi", p->min_abi.set ? p->min_abi.n : 0);
	str(&j, "unavailable", sb->abi ? NULL : sb->landlock_missing);
	close_(&j, '}');
	str(&j, "command", command);
	filesystem(&j, p, sb);
	exec_section(&j, p, sb);
	network(&j, p, sb);
	process(&j, p, sb);
	seccomp(&j, p, sb);
	env(&j, p, sb);
	degraded(&j, p, sb);
	open_(&j, "notes", '[');
	for (size_t i = 0; i < sb->notes.len; i++) {
		const struct lr_note *n = lr_vec_at(&sb->notes, i);
		open_(&j, NULL, '{');
		boolean(&j, "warning", n->warning);
		str(&j, "text", n->text);
		close_(&j, '}');
	}
	close_(&j, ']');
	close_(&j, '}');
	fputc('\n', out);
}

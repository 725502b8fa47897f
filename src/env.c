/* The command's environment: an allowlist of the caller's variables, then set/unset, and a safe PATH. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "env.h"
#include "names.h"

#define LR_SAFE_PATH "/usr/local/bin:/usr/bin:/bin"

/* Passed through unless the policy unsets them. LC_* is a prefix. */
static const char *const default_keep[] = {
	"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "LC_*", "TERM", "TZ", "TMPDIR",
	"COLORTERM", "NO_COLOR",
	/* what a systemd service needs to talk to its manager (sd_notify, the watchdog, the journal);
	 * the notify socket is reached only when [network] unix grants it */
	"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "INVOCATION_ID", "JOURNAL_STREAM",
};

/* systemd socket activation: when landrun keeps the fds, the variables describing them pass too */
static const char *const activation_vars[] = { "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES" };

static bool name_matches(const char *pattern, const char *name, size_t len)
{
	/* every variable is matched against every pattern: most differ at once */
	if (len && pattern[0] != name[0] && pattern[0] != '*')
		return false;
	size_t pl = strlen(pattern);
	if (pl > 0 && pattern[pl - 1] == '*')
		return len >= pl - 1 && strncmp(pattern, name, pl - 1) == 0;
	return pl == len && strncmp(pattern, name, len) == 0;
}

/* The last rule about a name wins: keep/unset in policy order, then set. */
static bool kept(const struct lr_sandbox *sb, const struct lr_policy *p, const char *name, size_t len)
{
	bool keep = false;
	for (size_t i = 0; i < LR_ARRAY_LEN(default_keep); i++)
		keep |= name_matches(default_keep[i], name, len);
	for (size_t i = 0; sb->socket_activation && i < LR_ARRAY_LEN(activation_vars); i++)
		keep |= name_matches(activation_vars[i], name, len);
	bool secret = false;
	for (size_t i = 0; i < p->env_rules.len; i++) {
		const struct lr_env_rule *r = lr_vec_at(&p->env_rules, i);
		if (r->kind == LR_ENV_KEEP && name_matches(r->name, name, len))
			keep = true;
		else if (r->kind == LR_ENV_SECRET && name_matches(r->name, name, len))
			keep = secret = true; /* named exactly: passes although it looks like a secret */
		else if (r->kind == LR_ENV_UNSET && name_matches(r->name, name, len))
			keep = secret = false;
	}
	return keep && (secret || !lr_env_name_is_dangerous(name, len));
}

static bool is_proxy_variable(const char *name, size_t len)
{
	static const char *const names[] = { "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
					     "ALL_PROXY", "all_proxy", "ftp_proxy", "FTP_PROXY" };
	for (size_t i = 0; i < LR_ARRAY_LEN(names); i++)
		if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
			return true;
	return false;
}

/* "scheme://user:pass@host:port/" -> "scheme://host:port/": the proxy stays usable, the
 * credentials do not reach the sandbox. *out is the variable to pass: var itself when there is
 * nothing to strip. -1 when out of memory: the caller must fail, not pass var with its
 * credentials. */
static int strip_credentials(struct lr_sandbox *sb, const char *var, const char **out)
{
	const char *eq = strchr(var, '=');
	const char *auth = strstr(eq, "://");
	auth = auth ? auth + 3 : eq + 1;
	size_t hostpart = strcspn(auth, "/?#");
	const char *at = memrchr(auth, '@', hostpart);
	*out = var;
	if (!at)
		return 0;
	size_t head = (size_t)(auth - var), tail = strlen(at + 1);
	char *s = lr_arena_alloc(&sb->arena, head + tail + 1);
	if (!s)
		return -1;
	memcpy(s, var, head);
	memcpy(s + head, at + 1, tail + 1);
	*out = s;
	return 0;
}

static const struct lr_env_rule *set_rule(const struct lr_policy *p, const char *name, size_t len)
{
	const struct lr_env_rule *found = NULL;
	for (size_t i = 0; i < p->env_rules.len; i++) {
		const struct lr_env_rule *r = lr_vec_at(&p->env_rules, i);
		if (name_matches(r->name, name, len) && r->kind != LR_ENV_KEEP)
			found = r->kind == LR_ENV_SET ? r : NULL;
	}
	return found;
}

static char *make_var(struct lr_sandbox *sb, const char *name, size_t len, const char *value)
{
	size_t vl = strlen(value);
	char *s = lr_arena_alloc(&sb->arena, len + vl + 2);
	if (s) {
		memcpy(s, name, len);
		s[len] = '=';
		memcpy(s + len + 1, value, vl + 1);
	}
	return s;
}

static bool is_named(const char *var, size_t len, const char *name)
{
	return strlen(name) == len && strncmp(var, name, len) == 0;
}

/* The caller's PATH (the last one, should the environment hold several), or NULL. */
static const char *caller_path(const char *const *environ)
{
	const char *path = NULL;
	for (const char *const *e = environ; e && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	return path;
}

/* The one place PATH is decided: the PATH the command is found with, and whether the command is
 * given it (*given). [env] path, or the safe default (inherit: the caller's PATH, the safe
 * default when it has none or it is "inherit" itself); set = PATH=... overrides both; the last
 * rule naming PATH from path = on (from the start without path =) gives none when it is unset. */
static const char *decide_path(const struct lr_policy *p, const char *const *environ, bool *given)
{
	const char *path = p->env_path ? p->env_path : LR_SAFE_PATH;
	if (strcmp(path, "inherit") == 0) {
		const char *caller = caller_path(environ);
		path = caller && strcmp(caller, "inherit") != 0 ? caller : LR_SAFE_PATH;
	}
	const struct lr_env_rule *set = set_rule(p, "PATH", 4);
	if (set)
		path = set->value;
	*given = true;
	for (size_t i = p->env_path ? p->env_path_index : 0; i < p->env_rules.len; i++) {
		const struct lr_env_rule *r = lr_vec_at(&p->env_rules, i);
		if (strcmp(r->name, "PATH") == 0)
			*given = r->kind != LR_ENV_UNSET;
	}
	return path;
}

/* The caller's variables the policy passes into envp, proxy credentials stripped; PATH is
 * decide_path's, TMPDIR the private one's when there is one, and a set rule's variable its own.
 * *k: how many were written. 0, or -1 with err set. */
static int pass_inherited(struct lr_sandbox *sb, const struct lr_policy *p, const char *const *environ,
			  char **envp, size_t *k, struct lr_error *err)
{
	bool strip = p->strip_proxy_credentials.on;
	for (const char *const *e = environ; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq)
			continue;
		size_t len = (size_t)(eq - *e);
		if (is_named(*e, len, "PATH") || (sb->private_tmp && is_named(*e, len, "TMPDIR")))
			continue;
		if (set_rule(p, *e, len) || !kept(sb, p, *e, len))
			continue;
		const char *pass = *e;
		if (strip && is_proxy_variable(*e, len) && strip_credentials(sb, *e, &pass))
			return lr_fail(err, NULL, "out of memory");
		envp[(*k)++] = (char *)pass;
	}
	return 0;
}

/* The variables set rules give (the last set or unset of a name wins), but PATH: appended to
 * envp at *k. */
static int add_set_variables(struct lr_sandbox *sb, const struct lr_policy *p, char **envp, size_t *k,
			     struct lr_error *err)
{
	for (size_t i = 0; i < p->env_rules.len; i++) {
		const struct lr_env_rule *r = lr_vec_at(&p->env_rules, i);
		size_t len = strlen(r->name);
		if (r->kind != LR_ENV_SET || set_rule(p, r->name, len) != r || strcmp(r->name, "PATH") == 0)
			continue;
		if (!(envp[(*k)++] = make_var(sb, r->name, len, r->value)))
			return lr_fail(err, NULL, "out of memory");
	}
	return 0;
}

/* A secret the caller does not have is worth a note: the command will miss it. */
/* 0, or -1 with err set when the note cannot be made (out of memory: the compile fails). */
static int note_missing_secrets(struct lr_sandbox *sb, const struct lr_policy *p, char *const *envp,
				struct lr_error *err)
{
	for (size_t i = 0; i < p->env_rules.len; i++) {
		const struct lr_env_rule *r = lr_vec_at(&p->env_rules, i);
		if (r->kind != LR_ENV_SECRET)
			continue;
		size_t len = strlen(r->name);
		bool found = false;
		for (char *const *e = envp; *e; e++)
			found |= strncmp(*e, r->name, len) == 0 && (*e)[len] == '=';
		if (!found &&
		    lr_sandbox_note(sb, false, "secret %s is not set: not passed (%s:%d)", r->name, r->at.file, r->at.line))
			return lr_fail(err, NULL, "out of memory");
	}
	return 0;
}

int lr_env_compile(struct lr_sandbox *sb, const struct lr_policy *p, const char *const *environ,
		   struct lr_error *err)
{
	size_t n = 0;
	for (const char *const *e = environ; e && *e; e++)
		n++;
	/* at most: every inherited variable, every set rule, PATH, NULL */
	char **envp = lr_arena_alloc(&sb->arena, (n + p->env_rules.len + 2) * sizeof(char *));
	if (!envp)
		return lr_fail(err, NULL, "out of memory");
	bool give_path;
	const char *path = decide_path(p, environ, &give_path);
	size_t k = 0;
	if (pass_inherited(sb, p, environ, envp, &k, err))
		return -1;
	if (add_set_variables(sb, p, envp, &k, err))
		return -1;
	if (sb->private_tmp && !(envp[k++] = make_var(sb, "TMPDIR", 6, sb->private_tmp)))
		return lr_fail(err, NULL, "out of memory");
	if (give_path && !(envp[k++] = make_var(sb, "PATH", 4, path)))
		return lr_fail(err, NULL, "out of memory");
	envp[k] = NULL;
	if (note_missing_secrets(sb, p, envp, err))
		return -1;
	sb->envp = envp;
	sb->path_env = path;
	return 0;
}

bool lr_env_is_secret(const struct lr_policy *p, const char *name, size_t len)
{
	for (size_t i = 0; i < p->env_rules.len; i++) {
		const struct lr_env_rule *r = lr_vec_at(&p->env_rules, i);
		if (r->kind == LR_ENV_SECRET && strlen(r->name) == len && strncmp(r->name, name, len) == 0)
			return true;
	}
	return false;
}

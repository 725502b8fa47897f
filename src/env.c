/* The command's environment: an allowlist of the caller's variables, then set/unset, and a safe PATH. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "sandbox.h"

#define LR_SAFE_PATH "/usr/local/bin:/usr/bin:/bin"

/* Passed through unless the policy unsets them. LC_* is a prefix. */
static const char *const default_keep[] = {
	"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "LC_*", "TERM", "TZ", "TMPDIR",
	"COLORTERM", "NO_COLOR",
	/* systemd socket activation: the fds are kept, so the variables that describe them are too */
	"LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES",
};

static bool name_matches(const char *pattern, const char *name, size_t len)
{
	size_t pl = strlen(pattern);
	if (pl > 0 && pattern[pl - 1] == '*')
		return len >= pl - 1 && strncmp(pattern, name, pl - 1) == 0;
	return pl == len && strncmp(pattern, name, len) == 0;
}

/* The last rule about a name wins: keep/unset in policy order, then set. */
static bool kept(const struct lr_policy *p, const char *name, size_t len)
{
	bool keep = false;
	for (size_t i = 0; i < LR_ARRAY_LEN(default_keep); i++)
		keep |= name_matches(default_keep[i], name, len);
	for (size_t i = 0; i < p->env_rules.len; i++) {
		const struct lr_env_rule *r = lr_vec_at(&p->env_rules, i);
		if (r->kind == LR_ENV_KEEP && name_matches(r->name, name, len))
			keep = true;
		else if (r->kind == LR_ENV_UNSET && name_matches(r->name, name, len))
			keep = false;
	}
	return keep && !lr_env_name_is_dangerous(name, len);
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
	size_t k = 0;
	const char *path = p->env_path ? p->env_path : LR_SAFE_PATH;
	bool inherit_path = strcmp(path, "inherit") == 0;
	for (const char *const *e = environ; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq)
			continue;
		size_t len = (size_t)(eq - *e);
		if (len == 4 && strncmp(*e, "PATH", 4) == 0) {
			if (inherit_path)
				path = eq + 1;
			continue;
		}
		if (!set_rule(p, *e, len) && kept(p, *e, len))
			envp[k++] = (char *)*e;
	}
	if (strcmp(path, "inherit") == 0)
		path = LR_SAFE_PATH; /* "inherit" with no PATH set */
	for (size_t i = 0; i < p->env_rules.len; i++) {
		const struct lr_env_rule *r = lr_vec_at(&p->env_rules, i);
		size_t len = strlen(r->name);
		if (r->kind != LR_ENV_SET || set_rule(p, r->name, len) != r)
			continue; /* a later set or unset of the same name wins */
		if (len == 4 && strcmp(r->name, "PATH") == 0) {
			path = r->value;
			continue;
		}
		if (!(envp[k++] = make_var(sb, r->name, len, r->value)))
			return lr_fail(err, NULL, "out of memory");
	}
	bool path_unset = false;
	for (size_t i = p->env_path ? p->env_path_index : 0; i < p->env_rules.len; i++) {
		const struct lr_env_rule *r = lr_vec_at(&p->env_rules, i);
		if (strcmp(r->name, "PATH") == 0)
			path_unset = r->kind == LR_ENV_UNSET;
	}
	if (!path_unset && !(envp[k++] = make_var(sb, "PATH", 4, path)))
		return lr_fail(err, NULL, "out of memory");
	envp[k] = NULL;
	sb->envp = envp;
	sb->path_env = path;
	return 0;
}

/* landrun policies: the named policies -p NAME can find, where, and what each is for. */
#include "catalog.h"

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

enum { DESCRIPTION_MAX = 100, COMMENT_SEARCH_LINES = 8 };

static int is_ini(const struct dirent *d)
{
	size_t len = strlen(d->d_name);
	return d->d_name[0] != '.' && len > 4 && strcmp(d->d_name + len - 4, ".ini") == 0;
}

/* The first comment line of the file's head, without the comment mark and without a leading
 * "NAME.ini - " that only repeats the name; "" when there is none. */
static void first_comment(const char *path, const char *file, char *out, size_t size)
{
	out[0] = '\0';
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	char line[512];
	for (int i = 0; i < COMMENT_SEARCH_LINES && fgets(line, sizeof(line), f); i++) {
		const char *s = line + strspn(line, " \t");
		if (*s != ';' && *s != '#')
			continue;
		s += strspn(s + 1, " \t") + 1;
		size_t flen = strlen(file);
		if (strncmp(s, file, flen) == 0 && (s[flen] == ' ' || s[flen] == ':'))
			s += flen + strspn(s + flen, " :-");
		snprintf(out, size, "%.*s", (int)strcspn(s, "\r\n"), s);
		break;
	}
	fclose(f);
}

/* A policy's name, path and comment are anybody's text printed to a terminal (and read by the
 * shell completions line by line): control characters, C0 and C1 (U+0080-U+009F, the UTF-8 form
 * of CSI among them), become '?', so no name or comment sets the title, moves the cursor or
 * splits a line. */
static void printable(char *s)
{
	for (unsigned char *c = (unsigned char *)s; *c; c++) {
		bool c1 = c[0] == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f;
		if (c1)
			*c++ = '?'; /* and its second byte below */
		if (c1 || *c < 0x20 || *c == 0x7f)
			*c = '?';
	}
}

/* Does a directory searched before dirs[i] hold file? Then -p NAME never reads dirs[i]'s. */
static bool shadowed(const struct lr_env_ctx *ctx, size_t i, const char *file)
{
	char path[PATH_MAX];
	for (size_t j = 0; j < i; j++) {
		int n = snprintf(path, sizeof(path), "%s/%s", ctx->policy_dirs[j], file);
		if (n > 0 && (size_t)n < sizeof(path) && access(path, F_OK) == 0)
			return true;
	}
	return false;
}

static void list_dir(FILE *out, const struct lr_env_ctx *ctx, size_t i, bool *has_default)
{
	struct dirent **names;
	int n = scandir(ctx->policy_dirs[i], &names, is_ini, alphasort);
	for (int k = 0; k < n; k++) {
		const char *file = names[k]->d_name;
		char name[NAME_MAX + 1], path[PATH_MAX], about[DESCRIPTION_MAX + 1];
		snprintf(name, sizeof(name), "%.*s", (int)(strlen(file) - 4), file);
		snprintf(path, sizeof(path), "%s/%s", ctx->policy_dirs[i], file);
		if (shadowed(ctx, i, file))
			snprintf(about, sizeof(about), "(not used: a directory searched earlier has it)");
		else
			first_comment(path, file, about, sizeof(about));
		*has_default |= strcmp(file, "default.ini") == 0;
		printable(name);
		printable(path);
		printable(about);
		fprintf(out, "%-12s %s\n%13s%s\n", name, path, "", about);
		free(names[k]);
	}
	if (n > 0)
		free(names);
}

int lr_catalog_list(FILE *out, const struct lr_env_ctx *ctx)
{
	bool has_default = false;
	for (size_t i = 0; i < LR_ARRAY_LEN(ctx->policy_dirs) && ctx->policy_dirs[i]; i++)
		list_dir(out, ctx, i, &has_default);
	if (!has_default)
		fprintf(out, "%-12s %s\n%13s%s\n", "default", "<embedded default>", "",
			"the policy landrun applies when given no --policy and no access flag");
	return 0;
}

/* Error messages, the policy arena, growable arrays and "did you mean" suggestions. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int lr_vfail(struct lr_error *err, const struct lr_origin *at, const char *fmt, va_list ap)
{
	if (!err || err->set)
		return -1;
	size_t off = 0;
	if (at && at->file && at->line > 0)
		off = (size_t)snprintf(err->msg, sizeof(err->msg), "%s:%d: ", at->file, at->line);
	else if (at && at->file)
		off = (size_t)snprintf(err->msg, sizeof(err->msg), "%s: ", at->file);
	if (off >= sizeof(err->msg))
		off = sizeof(err->msg) - 1;
	vsnprintf(err->msg + off, sizeof(err->msg) - off, fmt, ap);
	err->set = true;
	return -1;
}

int lr_fail(struct lr_error *err, const struct lr_origin *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lr_vfail(err, at, fmt, ap);
	va_end(ap);
	return -1;
}

struct lr_arena_chunk {
	struct lr_arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

enum { LR_ARENA_CHUNK = 16384 };

void *lr_arena_alloc(struct lr_arena *a, size_t size)
{
	size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	struct lr_arena_chunk *c = a->head;
	if (!c || c->size - c->used < size) {
		size_t cap = size > LR_ARENA_CHUNK ? size : LR_ARENA_CHUNK;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->size = cap;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += size;
	return p;
}

char *lr_arena_strndup(struct lr_arena *a, const char *s, size_t n)
{
	char *p = lr_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *lr_arena_strdup(struct lr_arena *a, const char *s)
{
	return lr_arena_strndup(a, s, strlen(s));
}

void lr_arena_free(struct lr_arena *a)
{
	while (a->head) {
		struct lr_arena_chunk *next = a->head->next;
		free(a->head);
		a->head = next;
	}
}

void lr_vec_init(struct lr_vec *v, size_t elem)
{
	v->items = NULL;
	v->len = v->cap = 0;
	v->elem = elem;
}

void *lr_vec_push(struct lr_vec *v)
{
	if (v->len == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		void *items = realloc(v->items, cap * v->elem);
		if (!items)
			return NULL;
		v->items = items;
		v->cap = cap;
	}
	void *slot = (char *)v->items + v->len * v->elem;
	memset(slot, 0, v->elem);
	v->len++;
	return slot;
}

void *lr_vec_at(const struct lr_vec *v, size_t i)
{
	return (char *)v->items + i * v->elem;
}

void lr_vec_free(struct lr_vec *v)
{
	free(v->items);
	lr_vec_init(v, v->elem);
}

void lr_vec_sort(struct lr_vec *v, int (*cmp)(const void *, const void *))
{
	if (v->len) /* an empty vector has no items array, and qsort's base must not be NULL */
		qsort(v->items, v->len, v->elem, cmp);
}

/* Levenshtein distance capped at 3 (we only care about close matches). */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 3;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t best = diag + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb] > 3 ? 3 : row[lb];
}

const char *lr_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (size_t i = 0; i < n; i++) {
		if (!candidates[i])
			continue;
		size_t d = edit_distance(word, candidates[i]);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	/* no close spelling: a candidate the word starts (at least 3 characters of it) */
	size_t wl = strlen(word);
	for (size_t i = 0; !best && wl >= 3 && i < n; i++)
		if (candidates[i] && strlen(candidates[i]) > wl && strncasecmp(candidates[i], word, wl) == 0)
			best = candidates[i];
	return best;
}

bool lr_parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

const char *lr_next_word(const char **s, size_t *len, bool commas)
{
	const char *p = *s;
	while (*p && (isspace((unsigned char)*p) || (commas && *p == ',')))
		p++;
	if (!*p)
		return NULL;
	const char *start = p;
	/* blanks and commas inside "double quotes" are part of the word; a backslash there escapes
	 * the next character (so \" does not close the quote) */
	bool quoted = false;
	for (; *p; p++) {
		if (quoted) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				quoted = false;
		} else if (*p == '"') {
			quoted = true;
		} else if (isspace((unsigned char)*p) || (commas && *p == ',')) {
			break;
		}
	}
	*len = (size_t)(p - start);
	*s = p;
	return start;
}

const char *lr_env_lookup(const char *const *environ, const char *name, size_t len)
{
	for (const char *const *e = environ; e && *e; e++)
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
			return *e + len + 1;
	return NULL;
}

static bool copy_field(char *dst, size_t size, const char *src)
{
	if (!dst)
		return true;
	size_t n = strlen(src);
	if (n >= size)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

/* Read directly rather than with getpwuid: in the static CLI, getpwuid brings glibc's NSS and
 * dlopen machinery (about 40 us and 150 KiB at every start, measured) and needs the shared NSS
 * modules of the very glibc it was linked with at run time. Users known only to another NSS
 * source (LDAP, sssd) are not found here; callers fall back to the environment. */
bool lr_passwd_lookup(unsigned uid, char *name, size_t nsize, char *home, size_t hsize)
{
	FILE *f = fopen("/etc/passwd", "re");
	if (!f)
		return false;
	char line[1024];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f)) {
		/* name:password:uid:gid:gecos:home:shell */
		char *field[7], *s = line;
		int n = 0;
		for (; n < 7 && s; n++)
			field[n] = strsep(&s, ":\n");
		unsigned long long u;
		if (n < 7 || !lr_parse_uint(field[2], 0xffffffffULL, &u) || u != uid)
			continue;
		found = copy_field(name, nsize, field[0]) && copy_field(home, hsize, field[5]);
		break;
	}
	fclose(f);
	return found;
}

bool lr_path_beneath(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 0)
		return false;
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

void lr_put_shell_word(FILE *out, const char *s)
{
	if (*s && s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=@%+,-")] == '\0') {
		fputs(s, out);
		return;
	}
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}

void lr_path_parent(const char *path, char *out, size_t size)
{
	snprintf(out, size, "%s", path);
	char *slash = strrchr(out, '/');
	if (slash)
		slash[slash == out] = '\0';
}

/* One character of lr_sfmt's output: stored while it fits, counted always. */
static void sfmt_put(char *buf, size_t size, size_t *n, char c)
{
	if (*n + 1 < size)
		buf[*n] = c;
	(*n)++;
}

int lr_sfmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n = 0;
	va_start(ap, fmt);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%' || !f[1]) {
			sfmt_put(buf, size, &n, *f);
			continue;
		}
		char digits[24];
		unsigned nd = 0;
		switch (*++f) {
		case 's':
			for (const char *s = va_arg(ap, const char *); *s; s++)
				sfmt_put(buf, size, &n, *s);
			break;
		case 'd':
		case 'u': {
			int raw = va_arg(ap, int); /* an unsigned is passed the same way */
			long long v = *f == 'u' ? (long long)(unsigned)raw : raw;
			unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
			if (v < 0)
				sfmt_put(buf, size, &n, '-');
			do
				digits[nd++] = (char)('0' + u % 10);
			while ((u /= 10) && nd < sizeof(digits));
			while (nd)
				sfmt_put(buf, size, &n, digits[--nd]);
			break;
		}
		default: /* %% (and nothing else is used) */
			sfmt_put(buf, size, &n, *f);
		}
	}
	va_end(ap);
	if (size)
		buf[n < size ? n : size - 1] = '\0';
	return (int)n;
}

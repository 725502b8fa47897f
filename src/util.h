/* Small helpers shared by every module: error messages, an arena, growable arrays. */
#ifndef LANDRUN_UTIL_H
#define LANDRUN_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#define LR_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Where a rule came from: a policy file and line, or the command line. */
struct lr_origin {
	const char *file; /* owned by the policy's arena; "command line" for flags */
	int line;         /* 0: no line (whole file, or a flag) */
};

/* The first error wins: later failures never overwrite the message the user must see. */
struct lr_error {
	bool set;
	char msg[1024];
};

/* The exit statuses landrun gives itself (those of timeout(1), env(1) and the shells); any other
 * status is the command's own. */
enum {
	LR_EXIT_TIMEOUT = 124,        /* supervised: the policy's timeout ended the command */
	LR_EXIT_LANDRUN = 125,        /* landrun failed: the command was not run */
	LR_EXIT_CANNOT_EXECUTE = 126, /* the command was found but could not be executed */
	LR_EXIT_NOT_FOUND = 127,      /* the command was not found; also a child that could not exec */
};

/* Formats "FILE:LINE: message" (or "FILE: ..." / "..."); always returns -1. */
int lr_fail(struct lr_error *err, const struct lr_origin *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int lr_vfail(struct lr_error *err, const struct lr_origin *at, const char *fmt, va_list ap);

/* Bump allocator: the policy's strings and rules live until the policy is freed. */
struct lr_arena_chunk;
struct lr_arena {
	struct lr_arena_chunk *head;
};
void *lr_arena_alloc(struct lr_arena *a, size_t size);
char *lr_arena_strdup(struct lr_arena *a, const char *s);
char *lr_arena_strndup(struct lr_arena *a, const char *s, size_t n);
void lr_arena_free(struct lr_arena *a);

/* Growable array of fixed-size elements. */
struct lr_vec {
	void *items;
	size_t len, cap, elem;
};
void lr_vec_init(struct lr_vec *v, size_t elem);
void *lr_vec_push(struct lr_vec *v); /* zeroed slot, NULL on ENOMEM */
void *lr_vec_at(const struct lr_vec *v, size_t i);
void lr_vec_free(struct lr_vec *v);
void lr_vec_sort(struct lr_vec *v, int (*cmp)(const void *, const void *));

/* The closest candidate to word (edit distance <= 2, or a prefix), or NULL. */
const char *lr_suggest(const char *word, const char *const *candidates, size_t n);

/* Parses a whole decimal number in [min, max]; false on anything else. */
bool lr_parse_uint(const char *s, unsigned long long max, unsigned long long *out);

/* Splits the next whitespace- or comma-separated word from *s; NULL at the end. Blanks and commas
 * inside "double quotes" (where \\ escapes the next character) belong to the word, quotes and
 * escapes included (the policy parser decodes them). An unterminated quote runs to the end. */
const char *lr_next_word(const char **s, size_t *len, bool commas);

/* Is path at or beneath dir? Lexical: both absolute, dir's trailing slashes ignored, "/" holds
 * every absolute path, an empty dir none. */
bool lr_path_beneath(const char *path, const char *dir);
/* The directory holding path ("/" for "/x"; path itself when it has no slash), into out. */
void lr_path_parent(const char *path, char *out, size_t size);

/* snprintf for %s, %d, %u and %% only, async-signal-safe (no lock, no allocation, no locale):
 * for what runs after a fork of a process that may have threads (the library's metadata helper).
 * Same result as snprintf: the length the text would have; buf is always terminated (size > 0). */
int lr_sfmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* s as one shell word, so that a command line shown can be copied: as is when it holds only
 * plain bytes, else in single quotes ('\'' for a quote). */
void lr_put_shell_word(FILE *out, const char *s);

/* The value of name (len bytes, not NUL-terminated) in a NULL-terminated environment, or NULL. */
const char *lr_env_lookup(const char *const *environ, const char *name, size_t len);

/* The /etc/passwd entry of uid: its name and home directory (either buffer may be NULL). False
 * when uid is not listed or a field does not fit. */
bool lr_passwd_lookup(unsigned uid, char *name, size_t nsize, char *home, size_t hsize);

#endif

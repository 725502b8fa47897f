/* Reads INI policies (with inih) into struct lr_policy: sections, keys, variables, includes. */
#include "policy.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "landlock_abi.h"
#include "names.h"
#include "resolve.h"
#include "syscall_groups.h"

enum { LR_MAX_INCLUDE_DEPTH = 8, LR_MAX_POLICY_BYTES = 16 << 20 };
_Static_assert(LR_POLICY_LINE_MAX == INI_MAX_LINE - 3, "the line limit learn writes to is the reader's");

/* The include chain being parsed, for cycle detection without global state. */
struct parse_frame {
	const struct parse_frame *parent;
	dev_t dev;
	ino_t ino;
};

struct parse_state {
	struct lr_policy *p;
	const struct lr_env_ctx *ctx;
	const struct parse_frame *frame;
	const char *file; /* arena copy: origins point here */
	const char *dir;  /* directory of file, for includes and ${POLICY_DIR}; NULL if embedded */
	const char *cursor;
	const char *raw;  /* the line being read, in text (raw_len bytes), and inih's copy of it */
	size_t raw_len;
	const char *line;
	int lineno;
	bool indented;  /* the line being read starts with a blank */
	bool continuation; /* ... and repeats the previous key of the same section */
	char prev_key[64], prev_section[64];
	int err_line;   /* line of the first error this file reported, for ordering against inih's */
	struct lr_error *err;
};

typedef int (*key_fn)(struct parse_state *st, const char *value, const struct lr_origin *at);

struct key_entry {
	const char *section;
	const char *key;
	key_fn fn;
};

static int parse_text(struct lr_policy *p, const struct lr_env_ctx *ctx,
		      const struct parse_frame *frame, const char *text, const char *file,
		      const char *dir, struct lr_error *err);

/* ---- variables ---------------------------------------------------------------------------- */

static const char *env_lookup(const struct lr_env_ctx *ctx, const char *name, size_t len)
{
	return lr_env_lookup(ctx->environ, name, len);
}

static const char *const variable_names[] = { "HOME", "CWD",  "TMPDIR",     "UID",
					      "USER", "PWD",  "POLICY_DIR", "env:NAME" };

/* ${HOME} and ${TMPDIR} come from the caller's environment: a relative value would make every
 * grant written with them relative to wherever landrun is started, so it is refused. */
static const char *absolute_variable(struct parse_state *st, const char *name, const char *v,
				     const struct lr_origin *at)
{
	if (!v)
		lr_fail(st->err, at, "${%s}: $%s is not set and /etc/passwd does not list a home directory for "
			"user %u; set %s to an absolute path", name, name, (unsigned)getuid(), name);
	else if (v[0] != '/')
		lr_fail(st->err, at, "${%s}: $%s is \"%.100s\", not an absolute path; set %s to an absolute path "
			"(or unset it)", name, name, v, name);
	else if (strcmp(name, "TMPDIR") == 0 && v[strspn(v, "/")] == '\0')
		lr_fail(st->err, at, "${TMPDIR}: $TMPDIR is \"%.100s\", the root of the filesystem: a grant of the "
			"temporary directory would grant everything; set TMPDIR to a directory (or unset it)", v);
	else
		return v;
	return NULL;
}

/* Value of ${name} into buf; NULL (error set) when undefined. */
static const char *variable_value(struct parse_state *st, const char *name, size_t len,
				  char *buf, size_t size, const struct lr_origin *at)
{
	const struct lr_env_ctx *ctx = st->ctx;
	const char *v = NULL;
	if (len > 4 && strncmp(name, "env:", 4) == 0) {
		v = env_lookup(ctx, name + 4, len - 4);
		if (!v)
			lr_fail(st->err, at, "${%.*s}: environment variable %.*s is not set", (int)len,
				name, (int)len - 4, name + 4);
		return v;
	}
#define IS(lit) (len == sizeof(lit) - 1 && memcmp(name, lit, len) == 0)
	if (IS("HOME")) {
		v = env_lookup(ctx, "HOME", 4);
		if ((!v || !*v) && lr_passwd_lookup(getuid(), NULL, 0, buf, size))
			v = buf;
		return absolute_variable(st, "HOME", v, at);
	} else if (IS("CWD") || IS("PWD")) {
		v = getcwd(buf, size);
	} else if (IS("TMPDIR")) {
		v = env_lookup(ctx, "TMPDIR", 6);
		if (!v || !*v)
			v = "/tmp";
		return absolute_variable(st, "TMPDIR", v, at);
	} else if (IS("UID")) {
		snprintf(buf, size, "%u", (unsigned)getuid());
		v = buf;
	} else if (IS("USER")) {
		/* the process's user, not a variable the caller could set to anything */
		v = lr_passwd_lookup(getuid(), buf, size, NULL, 0) ? buf : env_lookup(ctx, "USER", 4);
	} else if (IS("POLICY_DIR")) {
		v = st->dir;
		if (!v)
			v = ctx->policy_dirs[ctx->shipped];
	} else {
		char word[64];
		snprintf(word, sizeof(word), "%.*s", (int)len, name);
		const char *hint = lr_suggest(word, variable_names, LR_ARRAY_LEN(variable_names));
		lr_fail(st->err, at, "unknown variable ${%s}%s%s%s (known: HOME CWD TMPDIR UID USER POLICY_DIR env:NAME)",
			word, hint ? "; did you mean ${" : "", hint ? hint : "", hint ? "}?" : "");
		return NULL;
	}
#undef IS
	if (!v)
		lr_fail(st->err, at, "${%.*s} has no value here", (int)len, name);
	return v;
}

/* Appends word[0..len) with ${...} expanded to out[*o..size); whole is the word, for messages. */
static int expand_into(struct parse_state *st, const char *word, size_t len, char *out, size_t size, size_t *o,
		       const char *whole, size_t wlen, const struct lr_origin *at)
{
	for (size_t i = 0; i < len;) {
		const char *piece = word + i;
		size_t plen = 1;
		char buf[PATH_MAX];
		if (word[i] == '$' && i + 1 < len && word[i + 1] == '{') {
			const char *close = memchr(word + i + 2, '}', len - i - 2);
			if (!close)
				return lr_fail(st->err, at, "unterminated ${ in \"%.*s\"", (int)wlen, whole);
			size_t nlen = (size_t)(close - (word + i + 2));
			piece = variable_value(st, word + i + 2, nlen, buf, sizeof(buf), at);
			if (!piece)
				return -1;
			plen = strlen(piece);
			i += nlen + 3;
		} else { /* up to the next $, in one copy */
			const char *dollar = memchr(word + i + 1, '$', len - i - 1);
			plen = dollar ? (size_t)(dollar - piece) : len - i;
			i += plen;
		}
		if (*o + plen >= size)
			/* the word is quoted up to a length that leaves room for the reason */
			return lr_fail(st->err, at, "\"%.*s%s\" is too long once expanded", (int)(wlen > 200 ? 200 : wlen),
				       whole, wlen > 200 ? "..." : "");
		memcpy(out + *o, piece, plen);
		*o += plen;
	}
	return 0;
}

/* Expands ${...} in word[0..len) into an arena string. */
static char *expand(struct parse_state *st, const char *word, size_t len, const struct lr_origin *at)
{
	char out[PATH_MAX * 2];
	size_t o = 0;
	if (expand_into(st, word, len, out, sizeof(out), &o, word, len, at))
		return NULL;
	char *s = lr_arena_strndup(&st->p->arena, out, o);
	if (!s)
		lr_fail(st->err, at, "out of memory");
	return s;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes the "quoted" piece at w[*i] (the opening quote) into out: its text is literal, but for
 * the escapes \\ \" \n \t and \xHH. */
static int unquote_into(struct parse_state *st, const char *w, size_t len, size_t *i, char *out, size_t size,
			size_t *o, const struct lr_origin *at)
{
	for (size_t k = *i + 1; k < len; k++) {
		unsigned char c = (unsigned char)w[k];
		if (c == '"') {
			*i = k + 1;
			return 0;
		}
		if (c == '\\') {
			int hi = k + 2 < len ? hexval(w[k + 2]) : -1, lo = k + 3 < len ? hexval(w[k + 3]) : -1;
			char e = '\0';
			if (k + 1 < len)
				e = w[k + 1];
			if (e == '\\' || e == '"')
				c = (unsigned char)e;
			else if (e == 'n')
				c = '\n';
			else if (e == 't')
				c = '\t';
			else if (e == 'x' && hi >= 0 && lo >= 0 && (hi | lo)) {
				c = (unsigned char)(hi << 4 | lo);
				k += 2;
			} else
				return lr_fail(st->err, at, "bad escape in %.*s: inside double quotes write \\\\, \\\", \\n, \\t "
					       "or \\xHH (01 to ff)", (int)(len > 200 ? 200 : len), w);
			k++;
		}
		if (*o + 1 >= size)
			return lr_fail(st->err, at, "%.*s%s is too long", (int)(len > 200 ? 200 : len), w,
				       len > 200 ? "..." : "");
		out[(*o)++] = (char)c;
	}
	return lr_fail(st->err, at, "unterminated quote in %.*s%s (close it with \")", (int)(len > 200 ? 200 : len), w,
		       len > 200 ? "..." : "");
}

/* A path or name word into an arena string: unquoted pieces with ${...} expanded, "quoted"
 * pieces literal (see landrun.ini(5), SYNTAX). */
static char *word_value(struct parse_state *st, const char *w, size_t len, const struct lr_origin *at)
{
	char out[PATH_MAX * 2];
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		if (w[i] == '"') {
			if (unquote_into(st, w, len, &i, out, sizeof(out), &o, at))
				return NULL;
			continue;
		}
		const char *q = memchr(w + i, '"', len - i);
		size_t n = q ? (size_t)(q - (w + i)) : len - i;
		if (expand_into(st, w + i, n, out, sizeof(out), &o, w, len, at))
			return NULL;
		i += n;
	}
	char *s = lr_arena_strndup(&st->p->arena, out, o);
	if (!s)
		lr_fail(st->err, at, "out of memory");
	return s;
}

/* Bytes written as they are outside quotes (ASCII, whatever the locale); anything else makes
 * lr_policy_quote quote the word. No comma: the quoted word is good on the command line too. */
static bool plain_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c && strchr("/._-+@%~:^", c));
}

/* Length of the UTF-8 sequence at s that is safe to show as is inside quotes: a well-formed
 * character from U+00A0 on, but the ones that change how a line displays (line and paragraph
 * separators, zero-width and direction marks, bidirectional overrides and isolates, BOM), which
 * could make a policy read otherwise than it parses. 0: escape the byte. */
static size_t safe_utf8(const unsigned char *s)
{
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	if (!n || s[0] > 0xf4)
		return 0;
	uint32_t cp = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	bool hidden = (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
		      (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
	if (cp < min[n] || cp < 0xa0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || hidden)
		return 0;
	return n;
}

int lr_policy_quote(const char *s, char *out, size_t size)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), o = 0, i = 0;
	while (i < n && plain_byte(u[i]))
		i++;
	if (n && i == n) {
		if (n >= size)
			return -1;
		memcpy(out, s, n + 1);
		return (int)n;
	}
	if (size < 3)
		return -1;
	out[o++] = '"';
	for (i = 0; i < n;) {
		char esc[8];
		size_t len = safe_utf8(u + i), plen = len;
		const char *piece = (const char *)u + i;
		if (len == 0) {
			unsigned char c = u[i];
			len = plen = 1;
			if (c == '"' || c == '\\' || c == '\n' || c == '\t' || c < 0x20 || c >= 0x7f) {
				piece = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\t' ? "\\t"
				      : (snprintf(esc, sizeof(esc), "\\x%02x", c), esc);
				plen = strlen(piece);
			}
		}
		if (o + plen + 2 > size)
			return -1;
		memcpy(out + o, piece, plen);
		o += plen;
		i += len;
	}
	out[o++] = '"';
	out[o] = '\0';
	return (int)o;
}

/* ---- value helpers ------------------------------------------------------------------------ */

static bool is_word(const char *value, const char *w)
{
	size_t len;
	const char *s = value;
	const char *first = lr_next_word(&s, &len, false);
	size_t dummy;
	return first && strlen(w) == len && strncmp(first, w, len) == 0 && !lr_next_word(&s, &dummy, false);
}

/* One setter per kind of setting (policy.h): each records where the setting was given. */
static int set_flag(struct lr_flag *s, bool on, const struct lr_origin *at)
{
	s->on = on;
	s->set = true;
	s->at = *at;
	return 0;
}

static int set_count(struct lr_count *s, int n, const struct lr_origin *at)
{
	s->n = n;
	s->set = true;
	s->at = *at;
	return 0;
}

static int set_mark(struct lr_mark *s, const struct lr_origin *at)
{
	s->set = true;
	s->at = *at;
	return 0;
}

static int set_compat(struct lr_compat_setting *s, enum lr_compat is, const struct lr_origin *at)
{
	s->is = is;
	s->set = true;
	s->at = *at;
	return 0;
}

static int set_unix(struct lr_unix_setting *s, enum lr_unix is, const struct lr_origin *at)
{
	s->is = is;
	s->set = true;
	s->at = *at;
	return 0;
}

static int set_action(struct lr_action_setting *s, enum lr_action is, const struct lr_origin *at)
{
	s->is = is;
	s->set = true;
	s->at = *at;
	return 0;
}

/* One of two words ("yes"/"no", "isolated"/"shared"...): the first turns the flag on. */
static int parse_flag(struct parse_state *st, const char *key, const char *value,
		      const char *on, const char *off, struct lr_flag *s, const struct lr_origin *at)
{
	if (is_word(value, on))
		return set_flag(s, true, at);
	if (is_word(value, off))
		return set_flag(s, false, at);
	return lr_fail(st->err, at, "%s = \"%s\": expected %s or %s", key, value, on, off);
}

static void word_copy(char *dst, size_t size, const char *w, size_t len)
{
	size_t n = len < size ? len : size - 1;
	memcpy(dst, w, n);
	dst[n] = '\0';
}

/* ---- [policy] ----------------------------------------------------------------------------- */

static int key_include(struct parse_state *st, const char *value, const struct lr_origin *at);

static int key_compat(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	if (is_word(value, "strict"))
		return set_compat(&st->p->compat, LR_STRICT, at);
	if (is_word(value, "best-effort"))
		return set_compat(&st->p->compat, LR_BEST_EFFORT, at);
	return lr_fail(st->err, at, "compat = \"%s\": expected strict or best-effort", value);
}

static int key_min_abi(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	unsigned long long n;
	if (!lr_parse_uint(value, 64, &n) || n < 1)
		return lr_fail(st->err, at, "min_abi = \"%s\": expected a Landlock ABI number (1, 2, ...)", value);
	return set_count(&st->p->min_abi, (int)n, at);
}

/* landlock_log = WORD ...: Landlock's audit flags (ABI 7), named as Go landrun's --log-* options.
 * A new line replaces the set; continuation lines (and repeated options) add to it. */
static int key_landlock_log(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	static const struct { const char *word; uint32_t flag; } words[] = {
		{ "default", 0 },
		{ "disable-originating", LR_RESTRICT_SELF_LOG_SAME_EXEC_OFF },
		{ "enable-subprocesses", LR_RESTRICT_SELF_LOG_NEW_EXEC_ON },
		{ "disable-subdomains", LR_RESTRICT_SELF_LOG_SUBDOMAINS_OFF },
	};
	uint32_t flags = st->continuation && st->p->landlock_log.set ? st->p->landlock_log_flags : 0;
	size_t len;
	const char *w;
	while ((w = lr_next_word(&value, &len, false))) {
		size_t i = 0;
		while (i < LR_ARRAY_LEN(words) && !(strlen(words[i].word) == len && memcmp(words[i].word, w, len) == 0))
			i++;
		if (i == LR_ARRAY_LEN(words))
			return lr_fail(st->err, at, "landlock_log: unknown word \"%.*s\": expected default, disable-originating, "
				       "enable-subprocesses or disable-subdomains", (int)len, w);
		flags |= words[i].flag;
	}
	st->p->landlock_log_flags = flags;
	return set_mark(&st->p->landlock_log, at);
}

/* ---- [filesystem] ------------------------------------------------------------------------- */

/* How a path word takes its directory from where landrun runs: ${CWD} or ${PWD} alone (a trailing
 * slash allowed), anywhere in the word, or ${env:NAME} in it. */
static enum lr_workdir_use workdir_use(const char *w, size_t len)
{
	if (len == 7 && w[6] == '/')
		len = 6;
	if (len == 6 && (memcmp(w, "${CWD}", 6) == 0 || memcmp(w, "${PWD}", 6) == 0))
		return LR_WORKDIR_EXACT;
	if (!memchr(w, '$', len)) /* most paths: no variable at all */
		return LR_WORKDIR_NONE;
	if (memmem(w, len, "${CWD}", 6) || memmem(w, len, "${PWD}", 6))
		return LR_WORKDIR_DERIVED;
	return memmem(w, len, "${env:", 6) ? LR_WORKDIR_ENV : LR_WORKDIR_NONE;
}

static int add_paths(struct parse_state *st, const char *value, enum lr_access access,
		     const struct lr_origin *at)
{
	size_t len;
	const char *w;
	while ((w = lr_next_word(&value, &len, false))) {
		bool optional = w[0] == '?';
		if (optional) {
			w++;
			len--;
		}
		char *path = word_value(st, w, len, at);
		if (!path)
			return -1;
		size_t plen = strlen(path);
		if (plen >= PATH_MAX) /* open() could only fail with ENAMETOOLONG: say it here, readably */
			return lr_fail(st->err, at, "path of %zu bytes is longer than PATH_MAX (%d): \"%.64s...\"",
				       plen, PATH_MAX, path);
		if (path[0] != '/')
			return lr_fail(st->err, at, "\"%s\" is not an absolute path (start it with / or a variable like ${CWD})", path);
		struct lr_path_rule *r = lr_vec_push(&st->p->paths);
		if (!r)
			return lr_fail(st->err, at, "out of memory");
		r->path = path;
		r->access = access;
		r->optional = optional;
		r->workdir = workdir_use(w, len);
		r->at = *at;
	}
	return 0;
}

static int key_ro(struct parse_state *st, const char *v, const struct lr_origin *at) { return add_paths(st, v, LR_RO, at); }
static int key_rox(struct parse_state *st, const char *v, const struct lr_origin *at) { return add_paths(st, v, LR_ROX, at); }
static int key_rw(struct parse_state *st, const char *v, const struct lr_origin *at) { return add_paths(st, v, LR_RW, at); }
static int key_rwx(struct parse_state *st, const char *v, const struct lr_origin *at) { return add_paths(st, v, LR_RWX, at); }
static int key_dev(struct parse_state *st, const char *v, const struct lr_origin *at) { return add_paths(st, v, LR_DEV, at); }

static int key_private_tmp(struct parse_state *st, const char *v, const struct lr_origin *at)
{
	return parse_flag(st, "private_tmp", v, "yes", "no", &st->p->private_tmp, at);
}

/* metadata = granted | any | none */
static int key_metadata(struct parse_state *st, const char *v, const struct lr_origin *at)
{
	static const char *const words[] = { "granted", "any", "none" };
	for (size_t i = 0; i < LR_ARRAY_LEN(words); i++)
		if (is_word(v, words[i])) {
			st->p->metadata = (struct lr_metadata_setting){ (enum lr_metadata)i, true, *at };
			return 0;
		}
	return lr_fail(st->err, at, "metadata = \"%s\": expected granted, any or none", v);
}

static int key_fs_unrestricted(struct parse_state *st, const char *v, const struct lr_origin *at)
{
	return parse_flag(st, "unrestricted", v, "yes", "no", &st->p->fs_any, at);
}

/* ---- [network] ---------------------------------------------------------------------------- */

static int parse_port(const char *s, size_t len, unsigned *out)
{
	char buf[8];
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	unsigned long long v;
	if (!lr_parse_uint(buf, 65535, &v))
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* LO or LO-HI in w[0..len). 0, or -1. */
static int parse_port_range(const char *w, size_t len, unsigned *lo, unsigned *hi)
{
	const char *dash = memchr(w, '-', len);
	*lo = *hi = 0; /* set even when parse_port fails: no garbage to compare */
	int bad = dash ? parse_port(w, (size_t)(dash - w), lo) || parse_port(dash + 1, len - (size_t)(dash - w) - 1, hi)
		       : parse_port(w, len, lo);
	if (!dash)
		*hi = *lo;
	return bad || *lo > *hi ? -1 : 0;
}

/* ADDR[/PREFIX] (IPv4) or [ADDR][/PREFIX] (IPv6, in brackets) in w[0..len) into r. 0, or -1. */
static int parse_destination(const char *w, size_t len, struct lr_port_rule *r)
{
	char text[INET6_ADDRSTRLEN + 8];
	bool v6 = len && w[0] == '[';
	const char *end = v6 ? memchr(w, ']', len) : NULL, *slash;
	if (v6 && !end)
		return -1;
	size_t alen = v6 ? (size_t)(end - w - 1) : len;
	const char *a = v6 ? w + 1 : w, *rest = v6 ? end + 1 : w + len;
	if (!v6 && (slash = memchr(w, '/', len))) {
		alen = (size_t)(slash - w);
		rest = slash;
	}
	if (!alen || alen >= sizeof(text))
		return -1;
	memcpy(text, a, alen);
	text[alen] = '\0';
	r->family = v6 ? AF_INET6 : AF_INET;
	if (inet_pton(r->family, text, r->addr) != 1)
		return -1;
	unsigned max = v6 ? 128 : 32, prefix = max;
	size_t rlen = (size_t)(w + len - rest);
	if (rlen) {
		unsigned long long v;
		if (rest[0] != '/' || rlen < 2 || rlen - 1 >= sizeof(text))
			return -1;
		memcpy(text, rest + 1, rlen - 1);
		text[rlen - 1] = '\0';
		if (!lr_parse_uint(text, max, &v))
			return -1;
		prefix = (unsigned)v;
	}
	r->prefix = (unsigned char)prefix;
	return 0;
}

/* One word of a ports key: PORTS, or for a connect key ADDR[/PREFIX]:PORTS (IPv6 in brackets). */
static int parse_port_word(const char *w, size_t len, bool bind, struct lr_port_rule *r)
{
	const char *colon = NULL;
	for (const char *c = w + len; c > w; c--)
		if (c[-1] == ':') {
			colon = c - 1;
			break;
		}
	*r = (struct lr_port_rule){ .bind = bind };
	unsigned lo, hi;
	if (colon && (bind || parse_destination(w, (size_t)(colon - w), r)))
		return -1;
	const char *p = colon ? colon + 1 : w;
	if (parse_port_range(p, (size_t)(w + len - p), &lo, &hi))
		return -1;
	r->lo = (uint16_t)lo;
	r->hi = (uint16_t)hi;
	return 0;
}

bool lr_port_rule_destination(const struct lr_port_rule *r, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN] = "";
	*buf = '\0';
	if (!r->family || !inet_ntop(r->family, r->addr, a, sizeof(a)))
		return false;
	bool v6 = r->family == AF_INET6, whole = r->prefix == (v6 ? 128 : 32);
	if (whole)
		snprintf(buf, size, v6 ? "[%s]" : "%s", a);
	else
		snprintf(buf, size, v6 ? "[%s]/%u" : "%s/%u", a, r->prefix);
	return true;
}

bool lr_ports_have_addresses(const struct lr_vec *ports)
{
	for (size_t i = 0; i < ports->len; i++)
		if (((const struct lr_port_rule *)lr_vec_at(ports, i))->family)
			return true;
	return false;
}

static int add_ports(struct parse_state *st, const char *key, const char *value, bool bind, bool udp,
		     const struct lr_origin *at)
{
	struct lr_flag *any = udp ? (bind ? &st->p->bind_udp_any : &st->p->connect_udp_any)
				  : (bind ? &st->p->bind_any : &st->p->connect_any);
	struct lr_vec *v = udp ? &st->p->udp_ports : &st->p->ports;
	if (is_word(value, "any"))
		return set_flag(any, true, at);
	if (is_word(value, "none")) {
		/* "none" forgets ports granted so far for this direction. */
		size_t keep = 0;
		for (size_t i = 0; i < v->len; i++) {
			struct lr_port_rule *r = lr_vec_at(v, i);
			if (r->bind != bind)
				*(struct lr_port_rule *)lr_vec_at(v, keep++) = *r;
		}
		v->len = keep;
		return set_flag(any, false, at);
	}
	size_t len;
	const char *w;
	while ((w = lr_next_word(&value, &len, true))) {
		struct lr_port_rule rule;
		if (parse_port_word(w, len, bind, &rule))
			return lr_fail(st->err, at, bind ? "%s: \"%.*s\" is not a port (0-65535), a range LO-HI, any or none"
						  : "%s: \"%.*s\" is not a port (0-65535), a range LO-HI, ADDR[/PREFIX]:PORTS "
						    "([ADDR] for IPv6), any or none",
				       key, (int)len, w);
		struct lr_port_rule *r = lr_vec_push(v);
		if (!r)
			return lr_fail(st->err, at, "out of memory");
		*r = rule;
		r->at = *at;
	}
	return 0;
}

static int key_connect_tcp(struct parse_state *st, const char *v, const struct lr_origin *at) { return add_ports(st, "connect_tcp", v, false, false, at); }
static int key_bind_tcp(struct parse_state *st, const char *v, const struct lr_origin *at) { return add_ports(st, "bind_tcp", v, true, false, at); }

/* connect_udp, bind_udp (Landlock ABI 10): the UDP ports, as connect_tcp and bind_tcp. A direction
 * is restricted only once its key is given; UDP sockets are allowed (udp = yes) by either key, so
 * that the socket filter lets the granted datagrams through. */
static int add_udp_ports(struct parse_state *st, const char *key, const char *v, bool bind, const struct lr_origin *at)
{
	struct lr_flag *any = bind ? &st->p->bind_udp_any : &st->p->connect_udp_any;
	if (add_ports(st, key, v, bind, true, at))
		return -1;
	if (!any->set)
		set_flag(any, false, at);
	return set_flag(&st->p->udp, true, at);
}

static int key_connect_udp(struct parse_state *st, const char *v, const struct lr_origin *at) { return add_udp_ports(st, "connect_udp", v, false, at); }
static int key_bind_udp(struct parse_state *st, const char *v, const struct lr_origin *at) { return add_udp_ports(st, "bind_udp", v, true, at); }

/* udp = yes | no | dns: dns allows UDP sockets, and their datagrams to the nameservers of
 * /etc/resolv.conf only (port 53; the helper judges them, netcalls.h). */
static int key_udp(struct parse_state *st, const char *v, const struct lr_origin *at)
{
	bool dns = is_word(v, "dns");
	int rc = set_flag(&st->p->udp_dns, dns, at);
	if (rc || dns)
		return rc ? rc : set_flag(&st->p->udp, true, at);
	if (!is_word(v, "yes") && !is_word(v, "no"))
		return lr_fail(st->err, at, "udp = \"%s\": expected yes, no or dns", v);
	return parse_flag(st, "udp", v, "yes", "no", &st->p->udp, at);
}

static int key_families(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	/* A new "families =" line replaces the set; its continuation lines add to it. */
	uint64_t mask = st->continuation && st->p->families.set ? st->p->families_mask : 0;
	size_t len;
	const char *w;
	while ((w = lr_next_word(&value, &len, false))) {
		char name[32];
		word_copy(name, sizeof(name), w, len);
		int af = lr_family_from_name(name);
		if (af < 0) {
			const char *hint = lr_family_suggest(name);
			return lr_fail(st->err, at, "families: unknown address family \"%s\"%s%s%s", name,
				       hint ? "; did you mean " : "", hint ? hint : "", hint ? "?" : "");
		}
		mask |= 1ULL << af;
	}
	st->p->families_mask = mask;
	return set_mark(&st->p->families, at);
}

static int key_abstract_unix(struct parse_state *st, const char *v, const struct lr_origin *at)
{
	return parse_flag(st, "abstract_unix", v, "isolated", "shared", &st->p->abstract_unix_isolated, at);
}

/* unix = none | any | PATH ...: a PATH is a pathname socket, or a directory of them, the command
 * may connect or send to. A new line replaces the setting; continuation lines add paths. */
static int key_unix(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	struct lr_policy *p = st->p;
	const char *rest = value;
	size_t wlen;
	if (!lr_next_word(&rest, &wlen, false))
		return lr_fail(st->err, at, "unix: empty value (expected none, any or the paths of sockets)");
	if (!st->continuation || p->unix_sockets.is != LR_UNIX_PATHS)
		p->unix_paths.len = 0;
	if (is_word(value, "none"))
		return set_unix(&p->unix_sockets, LR_UNIX_NONE, at);
	if (is_word(value, "any"))
		return set_unix(&p->unix_sockets, LR_UNIX_ANY, at);
	/* parsed as [filesystem] paths are (variables, ?optional), then moved to their own list */
	size_t first = p->paths.len;
	int rc = add_paths(st, value, LR_RO, at);
	for (size_t i = first; rc == 0 && i < p->paths.len; i++) {
		struct lr_path_rule *r = lr_vec_push(&p->unix_paths);
		if (!r)
			rc = lr_fail(st->err, at, "out of memory");
		else
			*r = *(const struct lr_path_rule *)lr_vec_at(&p->paths, i);
	}
	p->paths.len = first;
	return rc ? rc : set_unix(&p->unix_sockets, LR_UNIX_PATHS, at);
}

/* netlink = route | any | PROTO ...: the netlink protocols socket(AF_NETLINK) may use. A new line
 * replaces the set; continuation lines add to it. */
static int key_netlink(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	if (is_word(value, "any"))
		return set_flag(&st->p->netlink_any, true, at);
	uint32_t mask = st->continuation ? st->p->netlink_mask : 0;
	size_t len;
	const char *w;
	while ((w = lr_next_word(&value, &len, false))) {
		char name[32];
		word_copy(name, sizeof(name), w, len);
		int proto = lr_netlink_from_name(name);
		if (proto < 0)
			return lr_fail(st->err, at, "netlink: unknown protocol \"%s\" (expected route, any, a name such as "
				       "sock_diag, audit, generic, kobject_uevent, or a number 0-31)", name);
		mask |= 1U << proto;
	}
	st->p->netlink_mask = mask;
	return set_flag(&st->p->netlink_any, false, at);
}

bool lr_policy_refuses_listen(const struct lr_policy *p)
{
	if (p->bind_any.on || p->unix_sockets.is != LR_UNIX_NONE)
		return false;
	for (size_t i = 0; i < p->ports.len; i++)
		if (((const struct lr_port_rule *)lr_vec_at(&p->ports, i))->bind)
			return false;
	return true;
}

/* ---- [process] ---------------------------------------------------------------------------- */

static int key_signals(struct parse_state *st, const char *v, const struct lr_origin *at)
{
	return parse_flag(st, "signals", v, "isolated", "shared", &st->p->signals_isolated, at);
}

static int key_new_session(struct parse_state *st, const char *v, const struct lr_origin *at)
{
	return parse_flag(st, "new_session", v, "yes", "no", &st->p->new_session, at);
}

static int key_die_with_parent(struct parse_state *st, const char *v, const struct lr_origin *at)
{
	return parse_flag(st, "die_with_parent", v, "yes", "no", &st->p->die_with_parent, at);
}

static int key_supervise(struct parse_state *st, const char *v, const struct lr_origin *at)
{
	return parse_flag(st, "supervise", v, "yes", "no", &st->p->supervise, at);
}

static int key_log_denials(struct parse_state *st, const char *v, const struct lr_origin *at)
{
	return parse_flag(st, "log_denials", v, "yes", "no", &st->p->log_denials, at);
}

/* 30s, 5m, 1h, 500ms; a plain number is seconds; 0 or none: no timeout. */
static int key_timeout(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	if (is_word(value, "none"))
		return set_count(&st->p->timeout_ms, 0, at);
	char *end;
	errno = 0;
	unsigned long long n = strtoull(value, &end, 10);
	unsigned long long mult = !*end || strcmp(end, "s") == 0 ? 1000 : strcmp(end, "ms") == 0 ? 1
				: strcmp(end, "m") == 0 ? 60000 : strcmp(end, "h") == 0 ? 3600000 : 0;
	if (!isdigit((unsigned char)value[0]) || errno || !mult || n > INT_MAX / mult)
		return lr_fail(st->err, at, "timeout = \"%s\": expected a duration like 500ms, 30s, 5m or 2h (at most 24 days), or none", value);
	return set_count(&st->p->timeout_ms, (int)(n * mult), at);
}

static int key_keep_fds(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	size_t len;
	const char *w;
	while ((w = lr_next_word(&value, &len, false))) {
		char buf[16];
		word_copy(buf, sizeof(buf), w, len);
		unsigned long long n;
		if (len >= sizeof(buf) || !lr_parse_uint(buf, INT_MAX, &n) || n < 3)
			return lr_fail(st->err, at, "keep_fds: \"%.*s\" is not a file descriptor number >= 3 (0, 1 and 2 are always kept)",
				       (int)len, w);
		int *slot = lr_vec_push(&st->p->keep_fds);
		if (!slot)
			return lr_fail(st->err, at, "out of memory");
		*slot = (int)n;
	}
	return 0;
}

static int key_capabilities(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	if (is_word(value, "none")) {
		st->p->caps_keep = 0;
		return set_mark(&st->p->capabilities, at);
	}
	size_t len;
	const char *w;
	while ((w = lr_next_word(&value, &len, false))) {
		char name[48];
		word_copy(name, sizeof(name), w, len);
		int cap = lr_cap_from_name(name);
		if (cap < 0) {
			const char *hint = lr_cap_suggest(name);
			return lr_fail(st->err, at, "capabilities: unknown capability \"%s\"%s%s%s", name,
				       hint ? "; did you mean " : "", hint ? hint : "", hint ? "?" : "");
		}
		st->p->caps_keep |= 1ULL << cap;
	}
	return set_mark(&st->p->capabilities, at);
}

static int key_rlimit(struct parse_state *st, int idx, const char *value, const struct lr_origin *at)
{
	struct lr_rlimit_setting *r = &st->p->rlimits[idx];
	char buf[32];
	size_t len;
	const char *s = value;
	const char *w = lr_next_word(&s, &len, false);
	size_t dummy;
	if (!w || len >= sizeof(buf) || lr_next_word(&s, &dummy, false))
		goto bad;
	word_copy(buf, sizeof(buf), w, len);
	if (strcmp(buf, "unlimited") == 0 || strcmp(buf, "infinity") == 0) {
		r->value = RLIM_INFINITY;
	} else {
		unsigned long long mult = 1;
		char *last = &buf[len - 1];
		switch (*last) {
		case 'K': mult = 1ULL << 10; break;
		case 'M': mult = 1ULL << 20; break;
		case 'G': mult = 1ULL << 30; break;
		}
		if (mult > 1)
			*last = '\0';
		unsigned long long n;
		if (!lr_parse_uint(buf, ULLONG_MAX / mult, &n))
			goto bad;
		r->value = (rlim_t)(n * mult);
	}
	r->set = true;
	r->at = *at;
	return 0;
bad:
	return lr_fail(st->err, at, "%s = \"%s\": expected a number (K, M, G suffixes allowed) or unlimited",
		       lr_rlimit_key(idx), value);
}

static int key_rlimit_nofile(struct parse_state *st, const char *v, const struct lr_origin *at) { return key_rlimit(st, LR_RLIMIT_NOFILE, v, at); }
static int key_rlimit_nproc(struct parse_state *st, const char *v, const struct lr_origin *at) { return key_rlimit(st, LR_RLIMIT_NPROC, v, at); }
static int key_rlimit_as(struct parse_state *st, const char *v, const struct lr_origin *at) { return key_rlimit(st, LR_RLIMIT_AS, v, at); }
static int key_rlimit_cpu(struct parse_state *st, const char *v, const struct lr_origin *at) { return key_rlimit(st, LR_RLIMIT_CPU, v, at); }
static int key_rlimit_fsize(struct parse_state *st, const char *v, const struct lr_origin *at) { return key_rlimit(st, LR_RLIMIT_FSIZE, v, at); }
static int key_rlimit_core(struct parse_state *st, const char *v, const struct lr_origin *at) { return key_rlimit(st, LR_RLIMIT_CORE, v, at); }

/* ---- [syscalls] --------------------------------------------------------------------------- */

static int check_syscall_name(struct parse_state *st, const char *name, const struct lr_origin *at)
{
	if (name[0] == '@') {
		if (lr_syscall_group_find(name))
			return 0;
		const char *hint = lr_syscall_group_suggest(name);
		return lr_fail(st->err, at, "unknown syscall group \"%s\"%s%s%s", name,
			       hint ? "; did you mean " : "", hint ? hint : "",
			       hint ? "?" : " (see landrun.ini(5) for the list)");
	}
	if (lr_syscall_resolve(name) >= 0)
		return 0;
	const char *hint = lr_syscall_suggest(name);
	return lr_fail(st->err, at, "unknown syscall \"%s\"%s%s%s", name, hint ? "; did you mean " : "",
		       hint ? hint : "", hint ? "?" : "");
}

/* "errno:EPERM", "kill" or "log" (after the colon of a deny item, or the action key). */
static int parse_action(struct parse_state *st, const char *s, enum lr_action *act, int *errnum,
			const struct lr_origin *at)
{
	if (strcmp(s, "kill") == 0) {
		*act = LR_ACT_KILL;
		return 0;
	}
	if (strcmp(s, "log") == 0) {
		*act = LR_ACT_LOG;
		return 0;
	}
	if (strncmp(s, "errno:", 6) == 0) {
		int e = lr_errno_from_name(s + 6);
		if (e > 0) {
			*act = LR_ACT_ERRNO;
			*errnum = e;
			return 0;
		}
		const char *hint = lr_errno_suggest(s + 6);
		return lr_fail(st->err, at, "unknown errno name \"%s\"%s%s%s", s + 6,
			       hint ? "; did you mean " : "", hint ? hint : "", hint ? "?" : "");
	}
	return lr_fail(st->err, at, "unknown action \"%s\": expected errno:ENAME (e.g. errno:EPERM), kill or log", s);
}

static int add_sys_rules(struct parse_state *st, const char *key, const char *value, bool allow,
			 const struct lr_origin *at)
{
	size_t len;
	const char *w;
	while ((w = lr_next_word(&value, &len, false))) {
		char item[96];
		if (len >= sizeof(item))
			return lr_fail(st->err, at, "\"%.*s...\" is too long for a syscall name", 32, w);
		word_copy(item, sizeof(item), w, len);
		enum lr_action act = allow ? LR_ACT_ALLOW : LR_ACT_DEFAULT;
		int errnum = 0;
		char *colon = strchr(item, ':');
		if (colon) {
			if (allow)
				return lr_fail(st->err, at, "%s: \"%s\": takes a syscall or @group name, not an action", key, item);
			*colon = '\0';
			if (parse_action(st, colon + 1, &act, &errnum, at))
				return -1;
		}
		if (check_syscall_name(st, item, at))
			return -1;
		struct lr_sys_rule *r = lr_vec_push(&st->p->sys_rules);
		char *name = lr_arena_strdup(&st->p->arena, item);
		if (!r || !name)
			return lr_fail(st->err, at, "out of memory");
		r->name = name;
		r->allow = allow;
		r->action = act;
		r->errnum = errnum;
		r->at = *at;
	}
	return 0;
}

static int key_sys_allow(struct parse_state *st, const char *v, const struct lr_origin *at) { return add_sys_rules(st, "allow", v, true, at); }

static int key_sys_except(struct parse_state *st, const char *v, const struct lr_origin *at)
{
	size_t first = st->p->sys_rules.len;
	if (add_sys_rules(st, "baseline_except", v, true, at))
		return -1;
	for (size_t i = first; i < st->p->sys_rules.len; i++) {
		struct lr_sys_rule *r = lr_vec_at(&st->p->sys_rules, i);
		char groups[256];
		if (r->name[0] == '@' && !lr_baseline_is_item(r->name))
			return lr_fail(st->err, at, "baseline_except: %s is a group but not a baseline item (see landrun.ini(5): "
				       "the items are %s and single syscalls)", r->name,
				       lr_baseline_groups(groups, sizeof(groups)));
		r->allow = false;
		r->except = true;
	}
	return 0;
}
static int key_sys_deny(struct parse_state *st, const char *v, const struct lr_origin *at) { return add_sys_rules(st, "deny", v, false, at); }

static int key_sys_default(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	if (is_word(value, "allow"))
		return set_action(&st->p->sys_default, LR_ACT_ALLOW, at);
	if (is_word(value, "deny"))
		return set_action(&st->p->sys_default, LR_ACT_ERRNO, at);
	return lr_fail(st->err, at, "default = \"%s\": expected allow or deny", value);
}

static int key_sys_action(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	char buf[64];
	size_t len;
	const char *s = value;
	const char *w = lr_next_word(&s, &len, false);
	if (!w || len >= sizeof(buf))
		return lr_fail(st->err, at, "action: expected errno:ENAME, kill or log");
	word_copy(buf, sizeof(buf), w, len);
	enum lr_action act = LR_ACT_ERRNO; /* parse_action sets it unless it fails */
	int errnum = 1; /* EPERM */
	if (parse_action(st, buf, &act, &errnum, at))
		return -1;
	set_count(&st->p->errnum, errnum, at);
	return set_action(&st->p->action, act, at);
}

static int key_sys_baseline(struct parse_state *st, const char *v, const struct lr_origin *at)
{
	if (is_word(v, "hardened"))
		return set_flag(&st->p->baseline_hardened, true, at);
	if (is_word(v, "none"))
		return set_flag(&st->p->baseline_hardened, false, at);
	return lr_fail(st->err, at, "baseline = \"%s\": expected hardened or none", v);
}

/* ---- [exec] ------------------------------------------------------------------------------- */

static int key_exec_allow(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	struct lr_policy *p = st->p;
	set_mark(&p->exec_control, at);
	/* none means none: an allow list next to it would stay executable while none claims otherwise */
	const struct lr_path_rule *listed = NULL;
	for (size_t i = 0; i < p->paths.len && !listed; i++)
		if (((const struct lr_path_rule *)lr_vec_at(&p->paths, i))->access == LR_EXEC)
			listed = lr_vec_at(&p->paths, i);
	if (is_word(value, "none")) {
		if (listed)
			return lr_fail(st->err, at, "allow = none, but allow = %s was given at %s:%d: none keeps only "
				       "the command's own chain; remove one of the two", listed->path, listed->at.file,
				       listed->at.line);
		p->exec_none = true;
		p->exec_none_at = *at;
		return 0;
	}
	if (p->exec_none && *value)
		return lr_fail(st->err, at, "allow = %s, but allow = none was given at %s:%d: none keeps only the "
			       "command's own chain; remove one of the two", value, p->exec_none_at.file,
			       p->exec_none_at.line);
	return add_paths(st, value, LR_EXEC, at);
}

static int key_exec_add_command(struct parse_state *st, const char *v, const struct lr_origin *at)
{
	return parse_flag(st, "add_command", v, "yes", "no", &st->p->add_command, at);
}

static int key_exec_add_libraries(struct parse_state *st, const char *v, const struct lr_origin *at)
{
	return parse_flag(st, "add_libraries", v, "yes", "no", &st->p->add_libraries, at);
}

static int key_exec_verify(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	size_t plen, dlen;
	const char *path = lr_next_word(&value, &plen, false);
	const char *digest = path ? lr_next_word(&value, &dlen, false) : NULL;
	size_t extra;
	if (!path && !digest)
		return 0; /* "verify =" with continuation lines below */
	if (!digest || lr_next_word(&value, &extra, false) || dlen != 7 + 64 || strncmp(digest, "sha256:", 7) != 0)
		return lr_fail(st->err, at, "verify: expected PATH sha256:HEX (64 hex digits; landrun digest PATH prints the line)");
	struct lr_verify_rule *r = lr_vec_push(&st->p->verify);
	if (!r || !(r->path = word_value(st, path, plen, at)))
		return r ? -1 : lr_fail(st->err, at, "out of memory");
	if (r->path[0] != '/')
		return lr_fail(st->err, at, "verify: \"%s\" is not an absolute path", r->path);
	for (int i = 0; i < 32; i++) {
		int hi = hexval(digest[7 + 2 * i]), lo = hexval(digest[8 + 2 * i]);
		if (hi < 0 || lo < 0)
			return lr_fail(st->err, at, "verify: \"%.*s\" is not a hex SHA-256 digest", (int)dlen - 7, digest + 7);
		r->sha256[i] = (unsigned char)(hi << 4 | lo);
	}
	r->at = *at;
	return 0;
}

/* ---- [env] -------------------------------------------------------------------------------- */

static bool valid_env_name(const char *s, size_t len, bool allow_star)
{
	if (len == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || (allow_star && i == len - 1 && s[i] == '*')))
			return false;
	return true;
}

static int add_env(struct parse_state *st, enum lr_env_kind kind, const char *name, size_t len,
		   const char *value, const struct lr_origin *at)
{
	struct lr_env_rule *r = lr_vec_push(&st->p->env_rules);
	char *n = r ? lr_arena_strndup(&st->p->arena, name, len) : NULL;
	if (!n)
		return lr_fail(st->err, at, "out of memory");
	r->kind = kind;
	r->name = n;
	r->value = value;
	r->at = *at;
	return 0;
}

static int key_env_keep(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	size_t len;
	const char *w;
	while ((w = lr_next_word(&value, &len, false))) {
		if (!valid_env_name(w, len, true))
			return lr_fail(st->err, at, "keep: \"%.*s\" is not a variable name or PREFIX*", (int)len, w);
		if (lr_env_name_is_dangerous(w, len) && w[len - 1] != '*' && strncmp(w, "LD_", 3) != 0 &&
		    lr_env_name_looks_secret(w, len))
			return lr_fail(st->err, at, "keep: %.*s looks like a secret, which keep never passes; if the command "
				       "needs it, name it in [env] secrets = %.*s (its value masked in --explain)",
				       (int)len, w, (int)len, w);
		if (lr_env_name_is_dangerous(w, len) && w[len - 1] != '*')
			return lr_fail(st->err, at, "keep: %.*s is never passed through; if the command really needs it, write set = %.*s=VALUE",
				       (int)len, w, (int)len, w);
		if (add_env(st, LR_ENV_KEEP, w, len, NULL, at))
			return -1;
	}
	return 0;
}

static int key_env_unset(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	size_t len;
	const char *w;
	while ((w = lr_next_word(&value, &len, false))) {
		if (!valid_env_name(w, len, false))
			return lr_fail(st->err, at, "unset: \"%.*s\" is not a variable name", (int)len, w);
		if (add_env(st, LR_ENV_UNSET, w, len, NULL, at))
			return -1;
	}
	return 0;
}

static int key_env_set(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	if (!*value)
		return 0; /* "set =" followed by continuation lines */
	const char *eq = strchr(value, '=');
	if (!eq || !valid_env_name(value, (size_t)(eq - value), false))
		return lr_fail(st->err, at, "set: expected NAME=VALUE, got \"%s\"", value);
	char *v = expand(st, eq + 1, strlen(eq + 1), at);
	if (!v)
		return -1;
	return add_env(st, LR_ENV_SET, value, (size_t)(eq - value), v, at);
}

static int key_env_path(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	if (!*value || strchr(value, ' ') || strchr(value, '\t'))
		return lr_fail(st->err, at, "path: expected A:B:C (no spaces) or inherit");
	char *v = expand(st, value, strlen(value), at);
	if (!v)
		return -1;
	st->p->env_path = v;
	st->p->env_path_at = *at;
	st->p->env_path_index = st->p->env_rules.len; /* a later unset = PATH wins, an earlier one not */
	return 0;
}

/* Names a secret may never have: loader and landrun variables, and anything unusual. */
static bool secret_name_refused(const char *s, size_t len)
{
	static const char *const never[] = { "GCONV_PATH", "BASH_ENV", "ENV" }; /* code, not secrets */
	for (size_t i = 0; i < LR_ARRAY_LEN(never); i++)
		if (strlen(never[i]) == len && strncmp(s, never[i], len) == 0)
			return true;
	return !valid_env_name(s, len, false) || s[0] == '_' || (len >= 3 && strncmp(s, "LD_", 3) == 0) ||
	       (len >= 5 && strncmp(s, "DYLD_", 5) == 0) || (len >= 8 && strncmp(s, "LANDRUN_", 8) == 0);
}

static int key_env_secrets(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	size_t len;
	const char *w;
	while ((w = lr_next_word(&value, &len, false))) {
		if (secret_name_refused(w, len))
			return lr_fail(st->err, at, "secrets: \"%.*s\" is refused (a secret is a plain NAME, not LD_*, DYLD_*, LANDRUN_*, _*, GCONV_PATH, BASH_ENV or ENV)",
				       (int)len, w);
		if (add_env(st, LR_ENV_SECRET, w, len, NULL, at))
			return -1;
	}
	return 0;
}

static int key_env_strip_proxy(struct parse_state *st, const char *v, const struct lr_origin *at)
{
	return parse_flag(st, "strip_proxy_credentials", v, "yes", "no", &st->p->strip_proxy_credentials, at);
}


/* ---- dispatch ----------------------------------------------------------------------------- */

static const struct key_entry keys[] = {
	{ "policy", "include", key_include },
	{ "policy", "compat", key_compat },
	{ "policy", "min_abi", key_min_abi },
	{ "policy", "landlock_log", key_landlock_log },
	{ "filesystem", "ro", key_ro },
	{ "filesystem", "rox", key_rox },
	{ "filesystem", "rw", key_rw },
	{ "filesystem", "rwx", key_rwx },
	{ "filesystem", "dev", key_dev },
	{ "filesystem", "unrestricted", key_fs_unrestricted },
	{ "filesystem", "private_tmp", key_private_tmp },
	{ "filesystem", "metadata", key_metadata },
	{ "network", "connect_tcp", key_connect_tcp },
	{ "network", "bind_tcp", key_bind_tcp },
	{ "network", "udp", key_udp },
	{ "network", "connect_udp", key_connect_udp },
	{ "network", "bind_udp", key_bind_udp },
	{ "network", "families", key_families },
	{ "network", "abstract_unix", key_abstract_unix },
	{ "network", "unix", key_unix },
	{ "network", "netlink", key_netlink },
	{ "process", "signals", key_signals },
	{ "process", "new_session", key_new_session },
	{ "process", "timeout", key_timeout },
	{ "process", "die_with_parent", key_die_with_parent },
	{ "process", "log_denials", key_log_denials },
	{ "process", "supervise", key_supervise },
	{ "process", "keep_fds", key_keep_fds },
	{ "process", "capabilities", key_capabilities },
	{ "process", "rlimit_nofile", key_rlimit_nofile },
	{ "process", "rlimit_nproc", key_rlimit_nproc },
	{ "process", "rlimit_as", key_rlimit_as },
	{ "process", "rlimit_cpu", key_rlimit_cpu },
	{ "process", "rlimit_fsize", key_rlimit_fsize },
	{ "process", "rlimit_core", key_rlimit_core },
	{ "syscalls", "default", key_sys_default },
	{ "syscalls", "allow", key_sys_allow },
	{ "syscalls", "deny", key_sys_deny },
	{ "syscalls", "action", key_sys_action },
	{ "syscalls", "baseline", key_sys_baseline },
	{ "syscalls", "baseline_except", key_sys_except },
	{ "env", "keep", key_env_keep },
	{ "env", "set", key_env_set },
	{ "env", "unset", key_env_unset },
	{ "env", "path", key_env_path },
	{ "env", "secrets", key_env_secrets },
	{ "env", "strip_proxy_credentials", key_env_strip_proxy },
	{ "exec", "allow", key_exec_allow },
	{ "exec", "verify", key_exec_verify },
	{ "exec", "add_command", key_exec_add_command },
	{ "exec", "add_libraries", key_exec_add_libraries },
};

static const char *const sections[] = { "policy", "filesystem", "network", "process", "syscalls", "env", "exec" };

/* Keys whose values may be empty (a list introduced on the following lines). */
static bool key_takes_list(const char *key)
{
	static const char *const scalar[] = { "compat", "min_abi", "unrestricted", "udp", "abstract_unix",
					      "signals", "new_session", "default", "action", "baseline", "path",
					      "private_tmp", "timeout", "die_with_parent", "log_denials", "supervise",
					      "strip_proxy_credentials", "add_command",
					      "add_libraries", "metadata" };
	for (size_t i = 0; i < LR_ARRAY_LEN(scalar); i++)
		if (strcmp(key, scalar[i]) == 0)
			return false;
	return strncmp(key, "rlimit_", 7) != 0;
}

static int dispatch(struct parse_state *st, const char *section, const char *key, const char *value,
		    const struct lr_origin *at)
{
	bool known_section = false;
	const char *cands[LR_ARRAY_LEN(keys)];
	size_t n = 0;
	for (size_t i = 0; i < LR_ARRAY_LEN(keys); i++) {
		if (strcmp(keys[i].section, section) != 0)
			continue;
		known_section = true;
		if (strcmp(keys[i].key, key) == 0) {
			if (!*value && !key_takes_list(key))
				return lr_fail(st->err, at, "%s: empty value", key);
			return keys[i].fn(st, value, at);
		}
		cands[n++] = keys[i].key;
	}
	if (!known_section) {
		if (!*section)
			return lr_fail(st->err, at, "\"%s\" is outside any section; start with a [section] line such as [filesystem]", key);
		const char *hint = lr_suggest(section, sections, LR_ARRAY_LEN(sections));
		return lr_fail(st->err, at, "unknown section [%s]%s%s%s", section,
			       hint ? "; did you mean [" : " (known: policy filesystem network process syscalls env)",
			       hint ? hint : "", hint ? "]?" : "");
	}
	const char *hint = lr_suggest(key, cands, n);
	return lr_fail(st->err, at, "unknown key \"%s\" in [%s]%s%s%s", key, section,
		       hint ? "; did you mean " : "", hint ? hint : "", hint ? "?" : "");
}

/* The value as written: inih ends a value at a ; after a blank even inside double quotes, where it
 * is text ("/a ;b" is a path). inih hands a value that starts where it starts in the line it read
 * from the reader below, so the same offset in the raw line starts it; its end is found again here,
 * by inih's rule outside quotes. A value not inside that line is used as it is. */
static const char *value_as_written(struct parse_state *st, const char *value, char *buf, size_t size)
{
	uintptr_t v = (uintptr_t)value, l = (uintptr_t)st->line; /* value may point elsewhere */
	if (!st->line || v < l || v > l + st->raw_len || st->raw_len >= size)
		return value;
	size_t start = (size_t)(v - l), end = start, len = st->raw_len;
	const char *raw = st->raw;
	while (len > start && (raw[len - 1] == '\n' || raw[len - 1] == '\r'))
		len--;
	bool quoted = false, blank = start > 0 && isspace((unsigned char)raw[start - 1]);
	for (size_t i = start; i < len; i++) {
		char c = raw[i];
		if (quoted) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == '"')
				quoted = false;
			blank = false;
			end = i + 1;
			continue;
		}
		if (c == ';' && blank)
			break;
		quoted = c == '"';
		blank = isspace((unsigned char)c);
		if (!blank)
			end = i + 1;
	}
	memcpy(buf, raw + start, end - start);
	buf[end - start] = '\0';
	return buf;
}

/* A value the parser refused that holds " #" (outside quotes) most likely carries a comment
 * written as in a shell: say how comments after a value are written. */
static void hint_hash_comment(struct lr_error *err, const char *value)
{
	bool quoted = false, blank = true;
	for (const char *c = value; *c; c++) {
		if (quoted && *c == '\\' && c[1])
			c++;
		else if (*c == '"')
			quoted = !quoted;
		else if (!quoted && *c == '#' && blank) {
			size_t used = strlen(err->msg);
			snprintf(err->msg + used, sizeof(err->msg) - used,
				 " (a comment after a value starts with \" ;\": \"#\" starts a comment only at the start of a line)");
			return;
		}
		blank = isspace((unsigned char)*c);
	}
}

/* src into dst, cut to fit (as snprintf "%s" would, at a fraction of its cost: once per key). */
static void copy_cut(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int ini_handler_cb(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *st = user;
	if (st->err->set)
		return 0;
	struct lr_origin at = { st->file, st->lineno };
	char written[1024];
	value = value_as_written(st, value, written, sizeof(written));
	/* inih hands an indented line after a key to the handler under that key's name */
	st->continuation = st->indented && strcmp(name, st->prev_key) == 0 && strcmp(section, st->prev_section) == 0;
	copy_cut(st->prev_key, sizeof(st->prev_key), name);
	copy_cut(st->prev_section, sizeof(st->prev_section), section);
	if (dispatch(st, section, name, value, &at) == 0)
		return 1;
	hint_hash_comment(st->err, value);
	st->err_line = st->lineno;
	return 0;
}

/* inih reads through this fgets-like reader so that we know the line of every key, and so that a
 * line longer than inih's buffer is an error instead of being silently cut in two. */
static char *ini_reader_cb(char *str, int num, void *stream)
{
	struct parse_state *st = stream;
	if (st->err->set || !*st->cursor)
		return NULL;
	const char *nl = strchr(st->cursor, '\n');
	size_t len = nl ? (size_t)(nl - st->cursor) + 1 : strlen(st->cursor);
	st->lineno++;
	/* inih's buffer holds num bytes including "\r\n\0": longer lines would be cut in two */
	size_t content = len - (nl != NULL);
	if (content > 0 && st->cursor[content - 1] == '\r')
		content--;
	if (content > (size_t)num - 3) {
		struct lr_origin at = { st->file, st->lineno };
		lr_fail(st->err, &at, "line is %zu bytes long; the INI parser reads at most %d: split the list over indented continuation lines",
			content, num - 3);
		st->err_line = st->lineno;
		return NULL;
	}
	memcpy(str, st->cursor, len);
	str[len] = '\0';
	st->raw = st->cursor;
	st->raw_len = len;
	st->line = str;
	st->indented = len > 0 && (str[0] == ' ' || str[0] == '\t');
	st->cursor += len;
	return str;
}

static int parse_text(struct lr_policy *p, const struct lr_env_ctx *ctx,
		      const struct parse_frame *frame, const char *text, const char *file,
		      const char *dir, struct lr_error *err)
{
	struct parse_state st = {
		.p = p, .ctx = ctx, .frame = frame, .file = file, .dir = dir, .cursor = text, .err = err,
	};
	const char **src = lr_vec_push(&p->sources);
	if (!src)
		return lr_fail(err, NULL, "out of memory");
	*src = file;
	int rc = ini_parse_stream(ini_reader_cb, &st, ini_handler_cb, &st);
	if (rc > 0 && err->set && rc < st.err_line)
		err->set = false; /* inih goes on after a syntax error: the earlier line is the one to fix */
	if (err->set)
		return -1;
	if (rc > 0) {
		struct lr_origin at = { file, rc };
		return lr_fail(err, &at, "syntax error: expected [section], key = value, an indented continuation line or a ; comment");
	}
	if (rc < 0)
		return lr_fail(err, &(struct lr_origin){ file, 0 }, "cannot parse (out of memory)");
	return 0;
}

/* ---- files and includes ------------------------------------------------------------------- */

/* Reads a whole policy file; NUL bytes are refused because inih would stop at them. */
/* missing (NULL: it is an error) is set instead of failing when no file has that name. */
static char *read_policy(const char *path, struct stat *stp, bool *via_link, bool *missing, struct lr_error *err,
			 const struct lr_origin *at)
{
	/* O_NONBLOCK: opening a FIFO must not hang; it is refused as not a regular file below. First
	 * refusing links, at no extra cost: a policy reached through one is checked again once the
	 * write grants are known (the sandbox must not have planted it, resolve.h) */
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	int fd = lr_open_no_symlinks(path, flags);
	*via_link = fd < 0 && (errno == ELOOP || errno == ENOSYS);
	if (*via_link)
		fd = open(path, flags);
	if (fd < 0 && missing && (errno == ENOENT || errno == ENOTDIR)) { /* the caller looks elsewhere */
		*missing = true;
		return NULL;
	}
	if (fd < 0) {
		lr_fail(err, at, "cannot open policy %s: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = NULL;
	if (fstat(fd, stp) < 0 || !S_ISREG(stp->st_mode)) {
		lr_fail(err, at, "policy %s is not a regular file", path);
		goto out;
	}
	if (stp->st_size > LR_MAX_POLICY_BYTES) {
		lr_fail(err, at, "policy %s is larger than %d bytes", path, LR_MAX_POLICY_BYTES);
		goto out;
	}
	size_t size = (size_t)stp->st_size, got = 0;
	buf = malloc(size + 1);
	if (!buf) {
		lr_fail(err, at, "out of memory");
		goto out;
	}
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			lr_fail(err, at, "cannot read policy %s: %s", path, n ? strerror(errno) : "file shrank");
			free(buf);
			buf = NULL;
			goto out;
		}
		got += (size_t)n;
	}
	buf[size] = '\0';
	const char *nul = memchr(buf, '\0', size);
	if (nul) {
		int line = 1;
		/* read() filled buf[0, size): the analyser cannot know that */
		for (const char *c = buf; c < nul; c++)
			line += *c == '\n'; /* NOLINT(clang-analyzer-core.UndefinedBinaryOperatorResult) */
		lr_fail(err, &(struct lr_origin){ path, line }, "NUL byte in policy file");
		free(buf);
		buf = NULL;
	}
out:
	close(fd);
	return buf;
}

static int remember_file(struct lr_policy *p, const char *file, const char *dir, const struct stat *st,
			 bool via_link, struct lr_error *err)
{
	struct lr_policy_file *f = lr_vec_push(&p->files);
	if (!f)
		return lr_fail(err, NULL, "out of memory");
	*f = (struct lr_policy_file){ file, dir, st->st_dev, st->st_ino, via_link };
	return 0;
}

/* Reads and parses a policy file. missing (NULL: it is an error) is set, and 0 returned, when no
 * file has that name: include's search tries the next place (one open per place, no access(2)
 * before it). */
static int load_file(struct lr_policy *p, const struct lr_env_ctx *ctx, const struct parse_frame *parent,
		     const char *path, bool *missing, struct lr_error *err, const struct lr_origin *at)
{
	/* a place include's search tries is judged once it is found there */
	if (p->depth >= LR_MAX_INCLUDE_DEPTH && !missing)
		return lr_fail(err, at, "includes nested deeper than %d (is there a loop?)", LR_MAX_INCLUDE_DEPTH);
	size_t plen = strlen(path);
	if (plen >= PATH_MAX) /* said before open's ENAMETOOLONG, whose message the path would cut */
		return lr_fail(err, at, "policy path of %zu bytes is longer than PATH_MAX (%d): \"%.64s...\"",
			       plen, PATH_MAX, path);
	struct stat sb;
	bool via_link;
	char *text = read_policy(path, &sb, &via_link, missing, err, at);
	if (!text)
		return missing && *missing ? 0 : -1;
	if (p->depth >= LR_MAX_INCLUDE_DEPTH) {
		free(text);
		return lr_fail(err, at, "includes nested deeper than %d (is there a loop?)", LR_MAX_INCLUDE_DEPTH);
	}
	for (const struct parse_frame *f = parent; f; f = f->parent)
		if (f->dev == sb.st_dev && f->ino == sb.st_ino) {
			free(text);
			return lr_fail(err, at, "include cycle: %s is already being read", path);
		}
	struct parse_frame frame = { parent, sb.st_dev, sb.st_ino };
	char *file = lr_arena_strdup(&p->arena, path);
	/* the directory is absolute, so that ${POLICY_DIR} makes absolute paths */
	char cwd[PATH_MAX], abs[PATH_MAX * 2];
	const char *slash = strrchr(path, '/');
	int n = path[0] == '/' ? snprintf(abs, sizeof(abs), "%.*s", slash == path ? 1 : (int)(slash - path), path)
	      : !getcwd(cwd, sizeof(cwd)) ? -1
	      : slash ? snprintf(abs, sizeof(abs), "%s/%.*s", cwd, (int)(slash - path), path)
		      : snprintf(abs, sizeof(abs), "%s", cwd);
	char *dir = file && n > 0 && (size_t)n < sizeof(abs) ? lr_arena_strdup(&p->arena, abs) : NULL;
	int rc = -1;
	if (!dir)
		lr_fail(err, at, "%s: cannot make its directory absolute: %s", path, n < 0 ? strerror(errno) : "name too long");
	else if (remember_file(p, file, dir, &sb, via_link, err) == 0) {
		p->depth++;
		rc = parse_text(p, ctx, &frame, text, file, dir, err);
		p->depth--;
	}
	free(text);
	return rc;
}

/* Loads dir/name + ext if it fits (a cut path could name another file) and exists: 0 and *found,
 * 0 when absent, -1 on any other failure. */
static int load_candidate(struct lr_policy *p, const struct lr_env_ctx *ctx, const struct parse_frame *parent,
			  const char *dir, const char *name, const char *ext, bool *found, struct lr_error *err,
			  const struct lr_origin *at)
{
	char path[PATH_MAX];
	bool missing = false;
	*found = false;
	int n = snprintf(path, sizeof(path), "%s/%s%s", dir, name, ext);
	if (n <= 0 || (size_t)n >= sizeof(path))
		return 0;
	int rc = load_file(p, ctx, parent, path, &missing, err, at);
	*found = !missing;
	return rc;
}

/* NAME -> DIR/NAME.ini in the policy dirs, or the embedded "default". */
static int load_name(struct lr_policy *p, const struct lr_env_ctx *ctx, const struct parse_frame *parent,
		     const char *name, struct lr_error *err, const struct lr_origin *at)
{
	for (size_t i = 0; i < LR_ARRAY_LEN(ctx->policy_dirs) && ctx->policy_dirs[i]; i++) {
		bool found;
		int rc = load_candidate(p, ctx, parent, ctx->policy_dirs[i], name, ".ini", &found, err, at);
		if (rc || found)
			return rc;
	}
	if (strcmp(name, "default") == 0) {
		if (p->depth >= LR_MAX_INCLUDE_DEPTH)
			return lr_fail(err, at, "includes nested deeper than %d", LR_MAX_INCLUDE_DEPTH);
		p->depth++;
		int rc = parse_text(p, ctx, parent, lr_default_policy, "<embedded default>", NULL, err);
		p->depth--;
		return rc;
	}
	char dirs[PATH_MAX];
	size_t used = 0;
	dirs[0] = '\0';
	for (size_t i = 0; i < LR_ARRAY_LEN(ctx->policy_dirs) && ctx->policy_dirs[i] && used < sizeof(dirs); i++)
		used += (size_t)snprintf(dirs + used, sizeof(dirs) - used, "%s%s", i ? ", " : "", ctx->policy_dirs[i]);
	return lr_fail(err, at, "no policy named \"%s\" (looked for %s.ini in %s)", name, name,
		       dirs[0] ? dirs : "(no policy directory)");
}

static bool is_plain_name(const char *s)
{
	size_t len = strlen(s);
	return !strchr(s, '/') && !(len > 4 && strcmp(s + len - 4, ".ini") == 0);
}

static int key_include(struct parse_state *st, const char *value, const struct lr_origin *at)
{
	size_t len;
	const char *w;
	while ((w = lr_next_word(&value, &len, false))) {
		char *name = word_value(st, w, len, at);
		if (!name)
			return -1;
		size_t nlen = strlen(name);
		if (nlen >= PATH_MAX)
			return lr_fail(st->err, at, "include: name of %zu bytes is longer than PATH_MAX (%d): \"%.64s...\"",
				       nlen, PATH_MAX, name);
		/* the places, in order of precedence: absolute; next to this file, as written, then
		 * with .ini; a policy directory */
		bool found = false;
		int rc = 0;
		if (name[0] == '/') {
			rc = load_file(st->p, st->ctx, st->frame, name, NULL, st->err, at);
			found = true;
		}
		if (!rc && !found && st->dir)
			rc = load_candidate(st->p, st->ctx, st->frame, st->dir, name, "", &found, st->err, at);
		if (!rc && !found && st->dir && is_plain_name(name))
			rc = load_candidate(st->p, st->ctx, st->frame, st->dir, name, ".ini", &found, st->err, at);
		if (!rc && !found)
			rc = is_plain_name(name) ? load_name(st->p, st->ctx, st->frame, name, st->err, at)
						 : lr_fail(st->err, at, "include: %s not found next to %s", name, st->file);
		if (rc)
			return -1;
	}
	return 0;
}

/* ---- public ------------------------------------------------------------------------------- */

void lr_policy_init(struct lr_policy *p)
{
	memset(p, 0, sizeof(*p));
	lr_vec_init(&p->paths, sizeof(struct lr_path_rule));
	lr_vec_init(&p->ports, sizeof(struct lr_port_rule));
	lr_vec_init(&p->udp_ports, sizeof(struct lr_port_rule));
	lr_vec_init(&p->unix_paths, sizeof(struct lr_path_rule));
	lr_vec_init(&p->keep_fds, sizeof(int));
	lr_vec_init(&p->sys_rules, sizeof(struct lr_sys_rule));
	lr_vec_init(&p->env_rules, sizeof(struct lr_env_rule));
	lr_vec_init(&p->sources, sizeof(const char *));
	lr_vec_init(&p->files, sizeof(struct lr_policy_file));
	lr_vec_init(&p->verify, sizeof(struct lr_verify_rule));
	p->abstract_unix_isolated.on = true;
	p->signals_isolated.on = true;
	p->strip_proxy_credentials.on = true;
	p->baseline_hardened.on = true;
	p->sys_default.is = LR_ACT_ALLOW;
	p->action.is = LR_ACT_ERRNO;
	p->errnum.n = 1; /* EPERM */
	p->families_mask = LR_DEFAULT_FAMILIES;
	p->netlink_mask = LR_NETLINK_ROUTE_ONLY;
}

void lr_policy_free(struct lr_policy *p)
{
	lr_vec_free(&p->paths);
	lr_vec_free(&p->ports);
	lr_vec_free(&p->udp_ports);
	lr_vec_free(&p->unix_paths);
	lr_vec_free(&p->keep_fds);
	lr_vec_free(&p->sys_rules);
	lr_vec_free(&p->env_rules);
	lr_vec_free(&p->sources);
	lr_vec_free(&p->files);
	lr_vec_free(&p->verify);
	lr_arena_free(&p->arena);
}

int lr_policy_load(struct lr_policy *p, const struct lr_env_ctx *ctx, const char *name_or_path,
		   struct lr_error *err)
{
	struct lr_origin at = { NULL, 0 };
	if (is_plain_name(name_or_path))
		return load_name(p, ctx, NULL, name_or_path, err, &at);
	return load_file(p, ctx, NULL, name_or_path, NULL, err, &at);
}

int lr_policy_load_string(struct lr_policy *p, const struct lr_env_ctx *ctx, const char *text,
			  const char *file, struct lr_error *err)
{
	char *name = lr_arena_strdup(&p->arena, file);
	if (!name)
		return lr_fail(err, NULL, "out of memory");
	p->depth++;
	int rc = parse_text(p, ctx, NULL, text, name, NULL, err);
	p->depth--;
	return rc;
}

int lr_policy_set(struct lr_policy *p, const struct lr_env_ctx *ctx, const char *section,
		  const char *key, const char *value, const struct lr_origin *at, struct lr_error *err)
{
	struct parse_state st = { .p = p, .ctx = ctx, .file = at->file, .err = err };
	char cwd[PATH_MAX];
	st.dir = getcwd(cwd, sizeof(cwd));
	return dispatch(&st, section, key, value, at);
}

int lr_policy_add(struct lr_policy *p, const struct lr_env_ctx *ctx, const char *section,
		  const char *key, const char *value, const struct lr_origin *at, struct lr_error *err)
{
	struct parse_state st = { .p = p, .ctx = ctx, .file = at->file, .err = err, .continuation = true };
	char cwd[PATH_MAX];
	st.dir = getcwd(cwd, sizeof(cwd));
	return dispatch(&st, section, key, value, at);
}

const char *lr_access_name(enum lr_access a)
{
	static const char *const names[] = { "ro", "rox", "rw", "rwx", "dev", "exec" };
	return names[a];
}

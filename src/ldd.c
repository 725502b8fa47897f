/* [exec] add_libraries: the shared-library closure of an ELF program, resolved as glibc's loader
 * does (DT_RPATH, DT_RUNPATH with $ORIGIN, /etc/ld.so.cache, the default directories), without
 * running anything. Every number read from a file (the program may be hostile) is checked
 * against the file's size before it is used. */
#include "ldd.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	MAX_PHNUM = 128,        /* real programs have about 14 */
	MAX_DYN = 4096,         /* dynamic entries read */
	MAX_NEEDED = 512,       /* DT_NEEDED of one object */
	MAX_STRSZ = 1 << 20,    /* its string table */
	MAX_CACHE = 64 << 20,   /* /etc/ld.so.cache */
};

#if defined(__x86_64__)
#define LR_MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define LR_MULTIARCH "aarch64-linux-gnu"
#elif defined(__riscv)
#define LR_MULTIARCH "riscv64-linux-gnu"
#else
#define LR_MULTIARCH "unknown-linux-gnu"
#endif

/* What glibc searches after the cache (Debian adds the multiarch directories). */
static const char *const default_dirs[] = { "/lib/" LR_MULTIARCH, "/usr/lib/" LR_MULTIARCH, "/lib64", "/usr/lib64",
					    "/lib", "/usr/lib" };

/* One ELF object as read: its dynamic section's strings and what they name. */
struct elf_obj {
	Elf64_Ehdr eh;
	char interp[PATH_MAX];
	char *strtab; /* NUL-terminated at strsz */
	size_t strsz;
	size_t needed[MAX_NEEDED]; /* offsets into strtab */
	unsigned nneeded;
	long runpath, rpath; /* offsets into strtab, -1: none */
};

struct ldd {
	struct lr_vec *files;
	size_t first;                 /* files[first..] were added by this run */
	size_t libs_from;             /* files[libs_from..]: the libraries (before: the interpreter) */
	struct lr_vec names;          /* char *: the DT_NEEDED names resolved (the loader's sonames) */
	struct lr_arena *arena;
	uint16_t machine;
	char *exe_rpath;              /* the program's DT_RPATH, expanded, used for every object */
	char *cache;                  /* /etc/ld.so.cache, NULL: absent or unreadable */
	size_t cache_len;
	const char **missing;
	struct lr_error *err;
};

/* Reads n bytes at off, or fails when [off, off + n) is not inside the file's size bytes. */
static int read_at(int fd, uint64_t size, uint64_t off, void *buf, size_t n)
{
	if (off > size || n > size - off)
		return -1;
	for (size_t got = 0; got < n;) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* 1: a 64-bit ELF file of this host's byte order (eh filled), 0: anything else. */
static int read_ehdr(int fd, uint64_t size, Elf64_Ehdr *eh)
{
	if (read_at(fd, size, 0, eh, sizeof(*eh)) < 0 || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	unsigned char data = ELFDATA2LSB;
#else
	unsigned char data = ELFDATA2MSB;
#endif
	return eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_ident[EI_DATA] == data;
}

/* The file offset of [vaddr, vaddr + len) through the PT_LOAD segments, or -1. */
static int vaddr_to_off(const Elf64_Phdr *ph, unsigned n, uint64_t vaddr, uint64_t len, uint64_t *off)
{
	for (unsigned i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD || vaddr < ph[i].p_vaddr)
			continue;
		uint64_t rel = vaddr - ph[i].p_vaddr;
		if (rel >= ph[i].p_filesz || len > ph[i].p_filesz - rel)
			continue;
		*off = ph[i].p_offset + rel;
		return 0;
	}
	return -1;
}

static int malformed(struct ldd *l, const char *path, const char *what)
{
	return lr_fail(l->err, NULL, "%s: malformed ELF file (%s): refusing to guess its libraries; "
		       "grant them with --rox instead of --ldd", path, what);
}

/* The dynamic section's entries: the string table, DT_NEEDED, DT_RPATH, DT_RUNPATH. */
static int read_dynamic(struct ldd *l, int fd, uint64_t size, const Elf64_Phdr *ph, unsigned nph,
			const Elf64_Phdr *dyn, struct elf_obj *o, const char *path)
{
	uint64_t strtab = 0, strsz = 0;
	bool has_strtab = false;
	uint64_t count = dyn->p_filesz / sizeof(Elf64_Dyn);
	for (uint64_t i = 0; i < count && i < MAX_DYN; i++) {
		Elf64_Dyn d;
		if (read_at(fd, size, dyn->p_offset + i * sizeof(d), &d, sizeof(d)) < 0)
			return malformed(l, path, "dynamic section past the end of the file");
		if (d.d_tag == DT_NULL)
			break;
		switch (d.d_tag) {
		case DT_STRTAB: strtab = d.d_un.d_ptr; has_strtab = true; break;
		case DT_STRSZ: strsz = d.d_un.d_val; break;
		case DT_RPATH: o->rpath = (long)(d.d_un.d_val & LONG_MAX); break;
		case DT_RUNPATH: o->runpath = (long)(d.d_un.d_val & LONG_MAX); break;
		case DT_NEEDED:
			if (o->nneeded == MAX_NEEDED)
				return malformed(l, path, "too many DT_NEEDED entries");
			o->needed[o->nneeded++] = d.d_un.d_val;
			break;
		default: break;
		}
	}
	if (!o->nneeded && o->rpath < 0 && o->runpath < 0)
		return 0;
	uint64_t off;
	if (!has_strtab || strsz == 0 || strsz > MAX_STRSZ || vaddr_to_off(ph, nph, strtab, strsz, &off) < 0)
		return malformed(l, path, "no string table inside the file");
	if (!(o->strtab = malloc(strsz + 1)))
		return lr_fail(l->err, NULL, "out of memory");
	o->strsz = strsz;
	o->strtab[strsz] = '\0';
	if (read_at(fd, size, off, o->strtab, strsz) < 0)
		return malformed(l, path, "string table past the end of the file");
	for (unsigned i = 0; i < o->nneeded; i++)
		if (o->needed[i] >= strsz || !o->strtab[o->needed[i]])
			return malformed(l, path, "a DT_NEEDED name outside the string table");
	if ((o->rpath >= 0 && (uint64_t)o->rpath >= strsz) || (o->runpath >= 0 && (uint64_t)o->runpath >= strsz))
		return malformed(l, path, "a search path outside the string table");
	return 0;
}

/* Reads the object at fd: 1 a dynamic 64-bit ELF file (o filled), 0 anything else, -1 malformed. */
static int read_object(struct ldd *l, int fd, const char *path, struct elf_obj *o)
{
	struct stat st;
	*o = (struct elf_obj){ .runpath = -1, .rpath = -1 };
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	uint64_t size = (uint64_t)st.st_size;
	if (!read_ehdr(fd, size, &o->eh))
		return 0;
	if (o->eh.e_phentsize != sizeof(Elf64_Phdr) || o->eh.e_phnum > MAX_PHNUM)
		return malformed(l, path, "program header table");
	Elf64_Phdr ph[MAX_PHNUM] = { { 0 } }; /* read_at fills nph of them or fails: for the analyser */
	unsigned nph = o->eh.e_phnum;
	if (read_at(fd, size, o->eh.e_phoff, ph, nph * sizeof(Elf64_Phdr)) < 0)
		return malformed(l, path, "program headers past the end of the file");
	const Elf64_Phdr *dyn = NULL;
	for (unsigned i = 0; i < nph; i++) {
		if (ph[i].p_type == PT_DYNAMIC) {
			if (dyn)
				return malformed(l, path, "two PT_DYNAMIC");
			dyn = &ph[i];
		} else if (ph[i].p_type == PT_INTERP) {
			if (ph[i].p_filesz < 2 || ph[i].p_filesz > sizeof(o->interp) ||
			    read_at(fd, size, ph[i].p_offset, o->interp, ph[i].p_filesz) < 0)
				return malformed(l, path, "PT_INTERP");
			o->interp[ph[i].p_filesz - 1] = '\0';
			if (o->interp[0] != '/' || strlen(o->interp) + 1 != ph[i].p_filesz)
				return malformed(l, path, "PT_INTERP is not one absolute path");
		}
	}
	if (!dyn)
		return 1; /* static: nothing to load but itself (and an interpreter, if it names one) */
	return read_dynamic(l, fd, size, ph, nph, dyn, o, path) < 0 ? -1 : 1;
}

static bool already_listed(const struct ldd *l, const char *path)
{
	for (size_t i = l->first; i < l->files->len; i++)
		if (strcmp(*(char **)lr_vec_at(l->files, i), path) == 0)
			return true;
	return false;
}

static int add_file(struct ldd *l, const char *path)
{
	if (already_listed(l, path))
		return 0;
	if (l->files->len - l->first >= LR_LDD_MAX_FILES)
		return lr_fail(l->err, NULL, "--ldd: more than %d libraries", LR_LDD_MAX_FILES);
	char **slot = lr_vec_push(l->files);
	if (!slot || !(*slot = lr_arena_strdup(l->arena, path)))
		return lr_fail(l->err, NULL, "out of memory");
	return 0;
}

/* Is path a shared object the loader would map for this program (class and machine match)? */
static bool loadable(const struct ldd *l, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return false;
	struct stat st;
	Elf64_Ehdr eh;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && read_ehdr(fd, (uint64_t)st.st_size, &eh) &&
		  eh.e_machine == l->machine && eh.e_type == ET_DYN;
	close(fd);
	return ok;
}

/* Tries dir/name: 1 found (added), 0 not there, -1 error. */
static int try_dir(struct ldd *l, const char *dir, size_t dlen, const char *name)
{
	char path[PATH_MAX];
	if (dlen == 0 || snprintf(path, sizeof(path), "%.*s/%s", (int)dlen, dir, name) >= (int)sizeof(path))
		return 0;
	if (!loadable(l, path))
		return 0;
	return add_file(l, path) < 0 ? -1 : 1;
}

/* Expands $ORIGIN / ${ORIGIN} in one search directory into out; false when it holds another
 * dynamic string token ($LIB, $PLATFORM: not resolved here) or does not fit. */
static bool expand_origin(const char *dir, size_t len, const char *origin, char *out, size_t size)
{
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		const char *tok = NULL;
		size_t tlen = 0;
		if (dir[i] == '$') {
			if (len - i >= 7 && memcmp(dir + i, "$ORIGIN", 7) == 0)
				tok = origin, tlen = 7;
			else if (len - i >= 9 && memcmp(dir + i, "${ORIGIN}", 9) == 0)
				tok = origin, tlen = 9;
			else
				return false;
		}
		const char *src = tok ? tok : dir + i;
		size_t n = tok ? strlen(tok) : 1;
		if (o + n >= size)
			return false;
		memcpy(out + o, src, n);
		o += n;
		i += tok ? tlen : 1;
	}
	out[o] = '\0';
	return true;
}

/* Searches a colon-separated list: 1 found, 0 not, -1 error. */
static int search_list(struct ldd *l, const char *list, const char *origin, const char *name)
{
	for (const char *d = list; d && *d;) {
		const char *colon = strchr(d, ':');
		size_t len = colon ? (size_t)(colon - d) : strlen(d);
		char dir[PATH_MAX];
		if (expand_origin(d, len, origin, dir, sizeof(dir))) {
			int rc = try_dir(l, dir, strlen(dir), name);
			if (rc)
				return rc;
		}
		d = colon ? colon + 1 : NULL;
	}
	return 0;
}

/* /etc/ld.so.cache, read once; absent or unreadable: the default directories still apply. */
static void load_cache(struct ldd *l)
{
	if (l->cache_len)
		return;
	int fd = open("/etc/ld.so.cache", O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size <= MAX_CACHE && (l->cache = malloc((size_t)st.st_size))) {
		if (read_at(fd, (uint64_t)st.st_size, 0, l->cache, (size_t)st.st_size) == 0) {
			l->cache_len = (size_t)st.st_size;
		} else {
			free(l->cache);
			l->cache = NULL;
		}
	}
	close(fd);
}

static uint32_t cache_u32(const char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* The NUL-terminated string at off in [base, end), or NULL. */
static const char *cache_string(const char *base, const char *end, uint32_t off)
{
	if ((size_t)(end - base) <= off)
		return NULL;
	return memchr(base + off, '\0', (size_t)(end - base) - off) ? base + off : NULL;
}

/* Where the new-format table ("glibc-ld.so.cache1.1") starts: the whole file, or after the old
 * format's entries (glibc before 2.32 wrote both). Offsets in it count from there. */
static const char *cache_table(const char *c, size_t len)
{
	static const char old_magic[] = "ld.so-1.7.0", new_magic[] = "glibc-ld.so.cache1.1";
	size_t at = 0;
	if (len >= 16 && memcmp(c, old_magic, sizeof(old_magic) - 1) == 0) {
		uint64_t end = 16 + (uint64_t)cache_u32(c + 12) * 12;
		at = (size_t)((end + 7) & ~(uint64_t)7);
		if (end > len)
			return NULL;
	}
	if (at > len || len - at < 48 || memcmp(c + at, new_magic, sizeof(new_magic) - 1) != 0)
		return NULL;
	return c + at;
}

/* Every cache entry named name that this program can load (hwcaps variants included). */
static int search_cache(struct ldd *l, const char *name)
{
	load_cache(l);
	const char *end = l->cache + l->cache_len;
	const char *t = l->cache ? cache_table(l->cache, l->cache_len) : NULL;
	if (!t)
		return 0;
	uint64_t n = cache_u32(t + 20);
	if (n > (uint64_t)(end - t - 48) / 24)
		return 0; /* a truncated cache: the loader ignores it too */
	int found = 0;
	for (uint64_t i = 0; i < n; i++) {
		const char *e = t + 48 + i * 24;
		const char *key = cache_string(t, end, cache_u32(e + 4));
		const char *value = cache_string(t, end, cache_u32(e + 8));
		if ((cache_u32(e) & 0xff) != 3 /* FLAG_ELF_LIBC6 */ || !key || !value || strcmp(key, name) != 0 ||
		    value[0] != '/' || !loadable(l, value))
			continue;
		if (add_file(l, value) < 0)
			return -1;
		found = 1;
	}
	return found;
}

static int search_defaults(struct ldd *l, const char *name)
{
	for (size_t i = 0; i < LR_ARRAY_LEN(default_dirs); i++) {
		int rc = try_dir(l, default_dirs[i], strlen(default_dirs[i]), name);
		if (rc)
			return rc;
	}
	return 0;
}

static bool name_done(const struct ldd *l, const char *name)
{
	for (size_t i = 0; i < l->names.len; i++)
		if (strcmp(*(char **)lr_vec_at(&l->names, i), name) == 0)
			return true;
	return false;
}

/* One DT_NEEDED of the object at path (origin its directory), in glibc's order. */
static int resolve_needed(struct ldd *l, const struct elf_obj *o, const char *origin, const char *name,
			  const char *path)
{
	if (name_done(l, name))
		return 0;
	char **slot = lr_vec_push(&l->names);
	if (!slot || !(*slot = lr_arena_strdup(l->arena, name)))
		return lr_fail(l->err, NULL, "out of memory");
	int rc;
	if (strchr(name, '/')) {
		rc = loadable(l, name) ? (add_file(l, name) < 0 ? -1 : 1) : 0;
	} else {
		rc = o->runpath < 0 && o->rpath >= 0 ? search_list(l, o->strtab + o->rpath, origin, name) : 0;
		if (!rc && o->runpath < 0 && l->exe_rpath)
			rc = search_list(l, l->exe_rpath, "", name);
		if (!rc && o->runpath >= 0)
			rc = search_list(l, o->strtab + o->runpath, origin, name);
		if (!rc)
			rc = search_cache(l, name);
		if (!rc)
			rc = search_defaults(l, name);
	}
	if (rc == 0 && l->missing && !*l->missing) {
		char what[PATH_MAX + 300];
		snprintf(what, sizeof(what), "%.255s (needed by %s)", name, path);
		*l->missing = lr_arena_strdup(l->arena, what);
	}
	return rc < 0 ? -1 : 0;
}

/* Reads one object and resolves what it needs; is_program: the command (its interpreter and
 * DT_RPATH count for the whole closure). */
static int visit(struct ldd *l, int fd, const char *path, bool is_program)
{
	struct elf_obj *o = malloc(sizeof(*o));
	if (!o)
		return lr_fail(l->err, NULL, "out of memory");
	int rc = read_object(l, fd, path, o);
	if (rc <= 0)
		goto out;
	char origin[PATH_MAX], real[PATH_MAX];
	/* the loader takes the program's $ORIGIN from its real path, a library's from the name found */
	lr_path_parent(is_program && realpath(path, real) ? real : path, origin, sizeof(origin));
	if (is_program) {
		l->machine = o->eh.e_machine;
		if (o->eh.e_type != ET_EXEC && o->eh.e_type != ET_DYN) {
			rc = malformed(l, path, "not an executable");
			goto out;
		}
		if (o->interp[0] && (rc = add_file(l, o->interp)) < 0)
			goto out;
		l->libs_from = l->files->len;
		char dir[PATH_MAX];
		if (o->runpath < 0 && o->rpath >= 0 &&
		    expand_origin(o->strtab + o->rpath, strlen(o->strtab + o->rpath), origin, dir, sizeof(dir)) &&
		    !(l->exe_rpath = lr_arena_strdup(l->arena, dir))) {
			rc = lr_fail(l->err, NULL, "out of memory");
			goto out;
		}
	}
	rc = 0;
	for (unsigned i = 0; rc == 0 && i < o->nneeded; i++)
		rc = resolve_needed(l, o, origin, o->strtab + o->needed[i], path);
out:
	free(o->strtab);
	free(o);
	return rc;
}

int lr_ldd_collect(int fd, const char *path, struct lr_vec *files, struct lr_arena *arena, const char **missing,
		   struct lr_error *err)
{
	struct ldd l = { .files = files, .first = files->len, .libs_from = files->len, .arena = arena, .missing = missing, .err = err };
	lr_vec_init(&l.names, sizeof(char *));
	int own = fd < 0 ? open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) : -1;
	int rc;
	if (fd < 0 && own < 0) {
		rc = lr_fail(err, NULL, "%s: cannot read it to find its libraries: %s", path, strerror(errno));
	} else {
		rc = visit(&l, fd >= 0 ? fd : own, path, true);
		/* the libraries found, in order: each may need more (appended as they are found) */
		for (size_t i = l.libs_from; rc == 0 && i < l.files->len; i++) {
			const char *lib = *(char **)lr_vec_at(l.files, i);
			int lf = open(lib, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
			if (lf < 0)
				continue; /* found a moment ago: gone, the loader will say so */
			rc = visit(&l, lf, lib, false);
			close(lf);
		}
	}
	if (own >= 0)
		close(own);
	free(l.cache);
	lr_vec_free(&l.names);
	return rc < 0 ? -1 : (int)(files->len - l.first);
}

/* --ldd / [exec] add_libraries: the ELF reader on hostile files. A program's headers are the
 * attacker's: every malformed one must be refused with an error (never guessed at, never a crash,
 * never a read outside the file), and a well-formed one gives exactly its loader and libraries. */
#include <criterion/criterion.h>
#include <elf.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "ldd.h"
#include "util.h"

static char *T;
static void setup(void) { T = lrt_mkdtemp("/var/tmp"); }
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(ldd, .init = setup, .fini = teardown);

/* A minimal dynamic ELF program: one PT_LOAD over the whole file (vaddr = offset), PT_INTERP,
 * PT_DYNAMIC with DT_STRTAB, DT_STRSZ, DT_NEEDED libc.so.6, DT_RUNPATH $ORIGIN/lib. */
struct mini {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[3];
	Elf64_Dyn dyn[6];
	char str[64];
	char interp[32];
};

static struct mini mini_elf(void)
{
	struct mini m;
	memset(&m, 0, sizeof(m));
	memcpy(m.eh.e_ident, ELFMAG, SELFMAG);
	m.eh.e_ident[EI_CLASS] = ELFCLASS64;
	m.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	m.eh.e_ident[EI_VERSION] = EV_CURRENT;
	m.eh.e_type = ET_DYN;
	Elf64_Ehdr self;
	int fd = open("/proc/self/exe", O_RDONLY);
	cr_assert(fd >= 0 && read(fd, &self, sizeof(self)) == (ssize_t)sizeof(self));
	close(fd);
	m.eh.e_machine = self.e_machine; /* the host's: libc.so.6 is then found */
	m.eh.e_phoff = offsetof(struct mini, ph);
	m.eh.e_phentsize = sizeof(Elf64_Phdr);
	m.eh.e_phnum = 3;
	m.eh.e_ehsize = sizeof(Elf64_Ehdr);
	m.ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = 0, .p_vaddr = 0, .p_filesz = sizeof(m), .p_memsz = sizeof(m) };
	m.ph[1] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = offsetof(struct mini, interp) };
	m.ph[2] = (Elf64_Phdr){ .p_type = PT_DYNAMIC, .p_offset = offsetof(struct mini, dyn), .p_filesz = sizeof(m.dyn) };
	memcpy(m.str, "\0libc.so.6\0$ORIGIN/lib", 23);
	m.dyn[0] = (Elf64_Dyn){ .d_tag = DT_STRTAB, .d_un.d_ptr = offsetof(struct mini, str) };
	m.dyn[1] = (Elf64_Dyn){ .d_tag = DT_STRSZ, .d_un.d_val = sizeof(m.str) };
	m.dyn[2] = (Elf64_Dyn){ .d_tag = DT_NEEDED, .d_un.d_val = 1 };
	m.dyn[3] = (Elf64_Dyn){ .d_tag = DT_RUNPATH, .d_un.d_val = 11 };
	m.dyn[4] = (Elf64_Dyn){ .d_tag = DT_NULL };
	return m;
}

/* The interpreter string (with its NUL) into m, and PT_INTERP's size. */
static void set_interp(struct mini *m, const char *interp)
{
	snprintf(m->interp, sizeof(m->interp), "%s", interp);
	m->ph[1].p_filesz = strlen(interp) + 1;
}

static char *write_file(const char *name, const void *data, size_t len)
{
	char *path = lrt_fmt("%s/%s", T, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	cr_assert(fd >= 0 && write(fd, data, len) == (ssize_t)len);
	close(fd);
	return path;
}

/* lr_ldd_collect on path: its return; the files in *files (caller frees), the error in err. */
static int collect(const char *path, struct lr_vec *files, struct lr_arena *arena, struct lr_error *err)
{
	lr_vec_init(files, sizeof(char *));
	*arena = (struct lr_arena){ 0 };
	*err = (struct lr_error){ 0 };
	const char *missing = NULL;
	return lr_ldd_collect(-1, path, files, arena, &missing, err);
}

static bool listed(const struct lr_vec *files, const char *suffix)
{
	for (size_t i = 0; i < files->len; i++) {
		const char *f = *(char **)lr_vec_at(files, i);
		size_t n = strlen(f), s = strlen(suffix);
		if (n >= s && strcmp(f + n - s, suffix) == 0)
			return true;
	}
	return false;
}

/* Expects path to be refused as malformed: -1, a message naming it, nothing granted. */
static void expect_malformed(const char *label, const struct mini *m)
{
	char *path = write_file(label, m, sizeof(*m));
	struct lr_vec files;
	struct lr_arena arena;
	struct lr_error err;
	int rc = collect(path, &files, &arena, &err);
	cr_expect_eq(rc, -1, "%s: returned %d", label, rc);
	cr_expect(err.set && strstr(err.msg, "malformed ELF file") && strstr(err.msg, path), "%s: %s", label, err.msg);
	lr_vec_free(&files);
	lr_arena_free(&arena);
}

Test(ldd, the_well_formed_twin_gives_its_loader_and_libc)
{
	struct mini m = mini_elf();
	set_interp(&m, "/lib64/ld-linux-x86-64.so.2");
	char *path = write_file("good", &m, sizeof(m));
	struct lr_vec files;
	struct lr_arena arena;
	struct lr_error err;
	int rc = collect(path, &files, &arena, &err);
	cr_expect_geq(rc, 2, "%d: %s", rc, err.msg);
	cr_expect_str_eq(*(char **)lr_vec_at(&files, 0), "/lib64/ld-linux-x86-64.so.2");
	cr_expect(listed(&files, "/libc.so.6"));
	lr_vec_free(&files);
	lr_arena_free(&arena);
}

Test(ldd, malformed_headers_are_refused)
{
	struct mini m;
	m = mini_elf(), set_interp(&m, "/lib/ld.so"), m.eh.e_phoff = 1 << 20;
	expect_malformed("phoff-past-end", &m);
	m = mini_elf(), set_interp(&m, "/lib/ld.so"), m.eh.e_phoff = ~0ULL - 8;
	expect_malformed("phoff-wraps", &m);
	m = mini_elf(), set_interp(&m, "/lib/ld.so"), m.eh.e_phentsize = 32;
	expect_malformed("phentsize", &m);
	m = mini_elf(), set_interp(&m, "/lib/ld.so"), m.eh.e_phnum = 0xffff;
	expect_malformed("phnum", &m);
	m = mini_elf(), set_interp(&m, "/lib/ld.so"), m.ph[2].p_offset = 1 << 30;
	expect_malformed("dynamic-past-end", &m);
	m = mini_elf(), set_interp(&m, "/lib/ld.so"), m.dyn[0].d_un.d_ptr = 1 << 20;
	expect_malformed("strtab-outside-load", &m);
	m = mini_elf(), set_interp(&m, "/lib/ld.so"), m.dyn[1].d_un.d_val = 1 << 30;
	expect_malformed("strsz-huge", &m);
	m = mini_elf(), set_interp(&m, "/lib/ld.so"), m.dyn[2].d_un.d_val = 4096;
	expect_malformed("needed-outside-strtab", &m);
	m = mini_elf(), set_interp(&m, "/lib/ld.so"), m.dyn[3].d_un.d_val = ~0ULL;
	expect_malformed("runpath-outside-strtab", &m);
	m = mini_elf(), set_interp(&m, "/lib/ld.so"), m.dyn[0].d_tag = DT_DEBUG;
	expect_malformed("no-strtab", &m);
	m = mini_elf(), set_interp(&m, "lib/ld.so");
	expect_malformed("relative-interp", &m);
	m = mini_elf(), set_interp(&m, "/lib/ld.so"), m.ph[1].p_filesz = 1 << 20;
	expect_malformed("interp-past-end", &m);
	m = mini_elf(), set_interp(&m, "/lib/ld.so"), m.ph[1].p_filesz += 4;
	expect_malformed("interp-two-strings", &m);
	m = mini_elf(), set_interp(&m, "/lib/ld.so"), m.ph[0].p_type = PT_DYNAMIC;
	expect_malformed("two-dynamic", &m);
}

/* Not a 64-bit ELF program (a script, empty, 32-bit): nothing to add, and no error. */
Test(ldd, other_files_add_nothing)
{
	struct mini m = mini_elf();
	m.eh.e_ident[EI_CLASS] = ELFCLASS32;
	const struct { const char *name; const void *data; size_t len; } rows[] = {
		{ "script", "#!/bin/sh\necho hi\n", 18 }, { "empty", "", 0 }, { "magic-only", ELFMAG, SELFMAG },
		{ "elf32", &m, sizeof(m) },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *path = write_file(rows[i].name, rows[i].data, rows[i].len);
		struct lr_vec files;
		struct lr_arena arena;
		struct lr_error err;
		cr_expect_eq(collect(path, &files, &arena, &err), 0, "%s: %s", rows[i].name, err.msg);
		cr_expect_eq(files.len, 0, "%s", rows[i].name);
		lr_vec_free(&files);
		lr_arena_free(&arena);
	}
}

/* A real program cut at every length up to its string table, then with bytes of its headers
 * flipped: each run fails closed (-1), adds nothing (0) or gives a list of existing files. */
Test(ldd, truncated_and_corrupted_programs_fail_closed)
{
	int fd = open("/bin/true", O_RDONLY);
	cr_assert(fd >= 0);
	struct stat st;
	cr_assert(fstat(fd, &st) == 0);
	size_t len = (size_t)st.st_size;
	unsigned char *img = malloc(len);
	cr_assert(img && read(fd, img, len) == (ssize_t)len);
	close(fd);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	size_t ph_end = eh->e_phoff + (size_t)eh->e_phnum * sizeof(Elf64_Phdr);
	for (size_t cut = 0; cut < len; cut += cut < 1024 ? 1 : 509) {
		char *path = write_file("cut", img, cut);
		struct lr_vec files;
		struct lr_arena arena;
		struct lr_error err;
		int rc = collect(path, &files, &arena, &err);
		if (cut < sizeof(Elf64_Ehdr))
			cr_expect_eq(rc, 0, "cut at %zu: %d %s", cut, rc, err.msg);
		else if (cut < ph_end)
			cr_expect_eq(rc, -1, "cut at %zu inside the program headers: %d", cut, rc);
		else
			cr_expect(rc == -1 || (rc >= 0 && (size_t)rc == files.len), "cut at %zu: %d", cut, rc);
		for (size_t i = 0; rc > 0 && i < files.len; i++)
			cr_expect(access(*(char **)lr_vec_at(&files, i), F_OK) == 0, "cut at %zu", cut);
		lr_vec_free(&files);
		lr_arena_free(&arena);
		free(path);
	}
	unsigned seed = 12345;
	for (int round = 0; round < 400; round++) {
		unsigned char *copy = malloc(len);
		memcpy(copy, img, len);
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % (ph_end + 64);
			copy[at] ^= (unsigned char)(1u << ((seed >> 4) & 7));
		}
		char *path = write_file("flip", copy, len);
		struct lr_vec files;
		struct lr_arena arena;
		struct lr_error err;
		int rc = collect(path, &files, &arena, &err);
		cr_expect(rc == -1 ? err.set : (size_t)rc == files.len, "round %d: %d", round, rc);
		lr_vec_free(&files);
		lr_arena_free(&arena);
		free(path);
		free(copy);
	}
	free(img);
}

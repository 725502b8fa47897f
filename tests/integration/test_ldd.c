/* --ldd (Go landrun's) and [exec] add_libraries: a program whose library lives beside it (RUNPATH
 * $ORIGIN/lib), in a directory nothing else grants, runs with --ldd and not without; exactly the
 * files the loader maps are granted, and a malformed program is refused before it runs. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static char *T, *APP;

static const char lib_src[] = "int foo(void) { return 42; }\n";
static const char main_src[] =
	"#include <errno.h>\n#include <fcntl.h>\n#include <stdio.h>\n"
	"int foo(void);\n"
	"int main(int argc, char **argv)\n{\n"
	"\tprintf(\"foo=%d\\n\", foo());\n"
	"\tfor (int i = 1; i < argc; i++) {\n"
	"\t\tint fd = open(argv[i], O_RDONLY);\n"
	"\t\tprintf(\"%s: %s\\n\", argv[i], fd >= 0 ? \"read\" : errno == EACCES ? \"EACCES\" : \"error\");\n"
	"\t}\n\treturn 0;\n}\n";

/* T/app/main needing T/app/lib/libfoo.so.1 through RUNPATH $ORIGIN/lib; beside the library, a
 * file and another library nobody needs. */
static void setup(void)
{
	T = lrt_mkdtemp("/var/tmp");
	APP = lrt_fmt("%s/app", T);
	char *lib = lrt_fmt("%s/lib", APP);
	cr_assert(mkdir(APP, 0755) == 0 && mkdir(lib, 0755) == 0);
	lrt_write(lrt_fmt("%s/foo.c", T), lib_src);
	lrt_write(lrt_fmt("%s/main.c", T), main_src);
	lrt_write(lrt_fmt("%s/other.txt", lib), "not for the sandbox\n");
	char *cmd = lrt_fmt("cd %s && cc -shared -fPIC -Wl,-soname,libfoo.so.1 -o app/lib/libfoo.so.1 foo.c && "
			    "cp app/lib/libfoo.so.1 app/lib/libbar.so.1 && "
			    "cc -o app/main main.c -Lapp/lib -l:libfoo.so.1 -Wl,-rpath,'$ORIGIN/lib' -Wl,--enable-new-dtags",
			    T);
	if (system(cmd) != 0)
		cr_skip_test("no C compiler to build the test program (cc)");
}
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(ldd, .init = setup, .fini = teardown);

Test(ldd, the_program_runs_with_its_libraries_and_nothing_else)
{
	char *main_bin = lrt_fmt("%s/main", APP);
	/* nothing but the program itself: its loader is not executable */
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--rox", main_bin, "--", main_bin));
	cr_expect_eq(r->status, 126, "%s%s", r->out, r->err);
	lrt_free(r);
	/* the system, but not the program's own library: the loader cannot open it */
	r = lrt_run(T, LRT_ARGS("--rox", "/usr,/lib,/lib64", "--rox", main_bin, "--", main_bin));
	cr_expect(r->status != 0 && lrt_contains(r->err, "libfoo.so.1") && !lrt_contains(r->out, "foo=42"), "%s%s",
		  r->out, r->err);
	lrt_free(r);
	/* --ldd alone grants what the loader maps: no system grant is needed; in both spellings */
	const char *spell[] = { "--ldd", "-ldd" };
	for (size_t i = 0; i < LRT_LEN(spell); i++) {
		r = lrt_run(T, LRT_ARGS(spell[i], "--rox", main_bin, "--", main_bin));
		cr_expect_eq(r->status, 0, "%s: %s%s", spell[i], r->out, r->err);
		cr_expect(lrt_contains(r->out, "foo=42"), "%s: %s", spell[i], r->out);
		lrt_free(r);
	}
	/* exactly those files: the library's neighbours and the directory stay closed */
	char *other = lrt_fmt("%s/lib/other.txt", APP), *bar = lrt_fmt("%s/lib/libbar.so.1", APP);
	char *dir = lrt_fmt("%s/lib", APP), *foo = lrt_fmt("%s/lib/libfoo.so.1", APP);
	r = lrt_run(T, LRT_ARGS("--ldd", "--rox", main_bin, "--", main_bin, other, bar, dir, foo));
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	cr_expect(lrt_contains(r->out, lrt_fmt("%s: EACCES", other)), "%s", r->out);
	cr_expect(lrt_contains(r->out, lrt_fmt("%s: EACCES", bar)), "%s", r->out);
	cr_expect(lrt_contains(r->out, lrt_fmt("%s: EACCES", dir)), "%s", r->out);
	cr_expect(lrt_contains(r->out, lrt_fmt("%s: read", foo)), "%s", r->out);
	lrt_free(r);
}

Test(ldd, policy_key_and_explain)
{
	char *main_bin = lrt_fmt("%s/main", APP);
	char *pol = lrt_fmt("%s/ldd.ini", T);
	lrt_write(pol, lrt_fmt("[filesystem]\nrox = %s\n[exec]\nadd_libraries = yes\n", main_bin));
	struct lrt_result *r = lrt_run(T, LRT_ARGS("-p", pol, "--", main_bin));
	cr_expect(r->status == 0 && lrt_contains(r->out, "foo=42"), "%s%s", r->out, r->err);
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("-p", pol, "--explain", "--", main_bin));
	cr_expect(lrt_contains(r->out, "[exec]  add_libraries:") && lrt_contains(r->out, lrt_fmt("%s/lib/libfoo.so.1", APP)) &&
		  lrt_contains(r->out, "libc.so.6") && !lrt_contains(r->out, "libbar") &&
		  (access("/etc/ld.so.cache", R_OK) != 0 || lrt_contains(r->out, "/etc/ld.so.cache  (ro")),
		  "%s%s", r->out, r->err);
	lrt_free(r);
	char *bad = lrt_fmt("%s/bad.ini", T);
	lrt_write(bad, "[exec]\nadd_libraries = maybe\n");
	r = lrt_run(T, LRT_ARGS("-p", bad, "--explain"));
	cr_expect(r->status == 125 && lrt_contains(r->err, "add_libraries"), "%s", r->err);
	lrt_free(r);
}

/* A program whose headers point outside the file: refused before anything runs, never guessed. */
Test(ldd, a_malformed_program_is_refused)
{
	char *bin = lrt_fmt("%s/main", APP), *evil = lrt_fmt("%s/evil", APP), *marker = lrt_fmt("%s/ran", T);
	char *cp = lrt_fmt("cp %s %s", bin, evil);
	cr_assert(system(cp) == 0);
	int fd = open(evil, O_WRONLY);
	unsigned long long phoff = 1ULL << 40; /* e_phoff, at offset 32 of the ELF header */
	cr_assert(fd >= 0 && pwrite(fd, &phoff, sizeof(phoff), 32) == (ssize_t)sizeof(phoff));
	close(fd);
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--ldd", "--rox", evil, "--rw", T, "--", evil, marker));
	cr_expect(r->status == 125 && lrt_contains(r->err, "malformed ELF file"), "%s%s", r->out, r->err);
	cr_expect(access(marker, F_OK) != 0);
	lrt_free(r);
}

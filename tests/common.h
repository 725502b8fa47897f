/* Helpers for the Criterion suites: run the landrun binary, scratch directories, files. */
#ifndef LANDRUN_TESTS_COMMON_H
#define LANDRUN_TESTS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

struct lrt_result {
	int status;  /* exit status, or 128 + signal number */
	int signal;  /* 0 unless killed by a signal */
	char out[65536];
	char err[65536];
};

/* Paths of what is under test; the environment (LANDRUN_TEST_BIN, LANDRUN_TEST_HELPERS,
 * LANDRUN_TEST_POLICIES) overrides the build-time defaults, so a staged copy can be tested. */
const char *lrt_landrun(void);
const char *lrt_probe(void);
const char *lrt_policies(void);

/* Runs landrun with args (NULL-terminated) in cwd (NULL: the current one) with envp (NULL: a
 * small fixed environment). Returns r. */
struct lrt_result *lrt_run_env(const char *cwd, char *const envp[], const char *const args[]);
struct lrt_result *lrt_run(const char *cwd, const char *const args[]);
/* Does LANDRUN_TEST_ABI (make check-abi) cap the runs below abi? For tests of what a newer ABI
 * enforces by default, where no strict refusal can stand in for them. */
bool lrt_abi_below(int abi);
/* How many arguments the runs put before the test's own (2: "--test-abi N" under check-abi), for
 * messages that give an argument's position ("command line:N"). */
int lrt_injected_args(void);
/* The same with prefix (NULL-terminated, may be NULL) before landrun: a wrapper such as
 * helpers/failsys and its arguments. */
struct lrt_result *lrt_run_prefixed(const char *cwd, char *const envp[], const char *const prefix[],
				    const char *const args[]);
/* lrt_run_prefixed without the --test-abi of check-abi: for a command line as the user types it
 * (shell completion), which no Landlock ABI changes. */
struct lrt_result *lrt_run_prefixed_as_typed(const char *cwd, char *const envp[], const char *const prefix[],
					     const char *const args[]);
/* The same as lrt_run with another build of landrun's command line (bin: tests/bench's refgen). */
struct lrt_result *lrt_run_cli(const char *bin, const char *cwd, const char *const args[]);
/* Runs argv (argv[0] a path) as it is, with the small fixed environment. */
struct lrt_result *lrt_run_program(const char *cwd, const char *const argv[]);
void lrt_free(struct lrt_result *r);
/* landrun [flag] -p pol -- PROBE probe_args... in cwd; flag may be NULL. */
struct lrt_result *lrt_run_probe(const char *cwd, const char *flag, const char *pol,
				 const char *const probe_args[]);

/* A fresh directory under base (e.g. "/var/tmp"), mode 0755; returns a malloc'd path. */
char *lrt_mkdtemp(const char *base);
void lrt_rmrf(const char *path);
/* A fresh directory under base for policies, and *writable = its subdirectory "w" for the policies
 * to grant read-write (a policy inside its own rw grant is refused). Both malloc'd. */
char *lrt_mkdtemp_with_writable(const char *base, char **writable);
/* A fresh directory under base holding the file "secret" ("s3cret\n"), which no sandbox of the
 * tests is granted; *secret = its path. Both malloc'd. */
char *lrt_mkdtemp_with_secret(const char *base, char **secret);
void lrt_write(const char *path, const char *text);
/* Has every holder of the write end of the pipe fd reads from ended (EOF at once, what is left
 * unread skipped)? Exact, with no waiting: a process's fds are closed before its parent can reap
 * it, and no pid is looked at (it could be another's by now). */
bool lrt_writers_gone(int fd);
/* The permission bits of path (lstat; the test fails when it cannot be read). */
unsigned lrt_mode_of(const char *path);
/* A metadata helper (comm landrun-notify, not a zombie) re-parented to this process, which is a
 * subreaper in the suites that look: its pid, or -1. */
pid_t lrt_find_helper(void);
/* How many such live processes are children of parent or of other_parent (a helper's workers
 * are the helper's); the first one found in *first, when first is not NULL. */
int lrt_helpers_of(pid_t parent, pid_t other_parent, pid_t *first);

/* Starts argv (argv[0] a path) in a child: standard input from in (-1: /dev/null), output and
 * errors to /dev/null, in cwd (NULL: this one), with PATH and LANG only. Its pid. */
pid_t lrt_start_quiet(const char *const argv[], int in, const char *cwd);

/* A pathname unix socket listening at path (stream, or datagram when dgram), usable by any user
 * (mode 0777); its fd. */
int lrt_unix_listener(const char *path, bool dgram);
/* The long options of the CLI's option table, read from src/cli.c (so that a test of --help or of
 * the completions fails for an option added without them): name, and whether it takes a value.
 * Skips the test when the source is not readable by an unprivileged run (a 0700 checkout: the
 * root run reads it); returns how many were found. */
struct lrt_option {
	char name[64];
	bool takes_value;
};
size_t lrt_option_table(struct lrt_option *out, size_t max);
/* snprintf into a malloc'd string. */
char *lrt_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool lrt_is_root(void);
bool lrt_contains(const char *haystack, const char *needle);

/* 1 in the sanitized build (make check-asan). ASan's runtime in landrun makes syscalls of its own
 * (getrlimit at start-up, read(2) while the loader maps libasan, clone for LeakSanitizer at exit)
 * and keeps freed memory in quarantine: a fault injected into one of those syscalls, or a flat
 * memory figure, tests the sanitizer, not landrun; those checks run in the normal build. */
#if defined(__SANITIZE_ADDRESS__)
#define LRT_SANITIZED 1
#else
#define LRT_SANITIZED 0
#endif

#define LRT_ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define LRT_LEN(a) (sizeof(a) / sizeof((a)[0]))
/* Rows of a table-driven test (ParameterizedTest) are copied into the test's own process, a fresh
 * run of the test binary at another load address: a row's strings are char arrays in it, never
 * pointers (a pointer to a string literal is not valid there). */

/* In a Criterion test: r exited with st and its stdout contains text; frees r. r is evaluated
 * once: it is often the run itself (a call), which each mention would make again, the message
 * then showing another run than the one that failed. */
#define LRT_EXPECT(r, st, text)                                                                        \
	do {                                                                                           \
		struct lrt_result *lrt_r_ = (r);                                                       \
		cr_expect_eq(lrt_r_->status, st, "status %d: %s%s", lrt_r_->status, lrt_r_->out, lrt_r_->err); \
		cr_expect(lrt_contains(lrt_r_->out, text), "want \"%s\": %s%s", text, lrt_r_->out, lrt_r_->err); \
		lrt_free(lrt_r_);                                                                      \
	} while (0)



/* Writes dir/name.ini: `include` of policies/base.ini, rox on the helpers directory, then extra
 * (INI text). Returns the malloc'd path. */
char *lrt_policy(const char *dir, const char *name, const char *extra);
/* Directory of lrt_probe(). */
char *lrt_helpers_dir(void);
#endif

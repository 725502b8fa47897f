/* liblandrun: compile once, apply in forked children, spawn with file actions, under load. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "landrun.h"

static char *T, *secret;

static void setup(void) { T = lrt_mkdtemp_with_secret("/var/tmp", &secret); }
static void teardown(void) { lrt_rmrf(T); free(T); free(secret); }
TestSuite(library, .init = setup, .fini = teardown);

static landrun_sandbox *compile_base(const char *extra)
{
	landrun_error err = { 0 };
	landrun_policy *p = landrun_policy_new();
	char *pol = lrt_policy(T, "lib", extra);
	cr_assert_eq(landrun_policy_load(p, pol, &err), 0, "%s", err.msg);
	char *const envp[] = { "PATH=/usr/bin", "LANG=C", "LD_PRELOAD=/x.so", NULL };
	landrun_options o = { .envp = envp };
	landrun_sandbox *sb = landrun_compile(p, &o, &err);
	cr_assert(sb, "%s", err.msg);
	free(pol);
	/* the policy must outlive the sandbox only for landrun_describe: leak it in tests */
	return sb;
}

/* Runs the probe in a spawned child with stdout into a pipe; returns its exit status. */
static int spawn_probe(landrun_sandbox *sb, const char *op, const char *arg, char *out, size_t size)
{
	int pfd[2];
	cr_assert_eq(pipe2(pfd, O_CLOEXEC), 0);
	landrun_file_actions *fa = landrun_file_actions_new();
	landrun_file_actions_adddup2(fa, pfd[1], 1);
	char *const argv[] = { "probe", (char *)op, (char *)arg, NULL };
	landrun_error err = { 0 };
	pid_t pid = landrun_spawn(sb, lrt_probe(), argv, fa, &err);
	cr_assert(pid > 0, "%s", err.msg);
	close(pfd[1]);
	ssize_t n = read(pfd[0], out, size - 1);
	out[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	landrun_file_actions_free(fa);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

Test(library, compile_errors_carry_the_cli_message)
{
	landrun_error err = { 0 };
	landrun_policy *p = landrun_policy_new();
	cr_expect_neq(landrun_policy_load_string(p, "[filesystem]\nrp = /usr\n", "inline.ini", &err), 0);
	cr_expect_str_eq(err.msg, "inline.ini:2: unknown key \"rp\" in [filesystem]; did you mean ro?");
	landrun_policy_free(p);
	p = landrun_policy_new();
	landrun_error err2 = { 0 };
	cr_expect_eq(landrun_policy_set(p, "filesystem", "ro", "/nonexistent/landrun-x", &err2), 0);
	cr_expect_null(landrun_compile(p, NULL, &err2));
	cr_expect(lrt_contains(err2.msg, "/nonexistent/landrun-x: No such file or directory"), "%s", err2.msg);
	landrun_policy_free(p);
}

Test(library, spawn_is_sandboxed_and_its_twin_works)
{
	mkdir(lrt_fmt("%s/granted", T), 0755);
	lrt_write(lrt_fmt("%s/granted/f", T), "x");
	landrun_sandbox *sb = compile_base(lrt_fmt("ro = %s/granted\n", T));
	char out[256];
	cr_expect_eq(spawn_probe(sb, "read", secret, out, sizeof(out)), 1, "%s", out);
	cr_expect(lrt_contains(out, "EACCES"), "%s", out);
	cr_expect_eq(spawn_probe(sb, "read", lrt_fmt("%s/granted/f", T), out, sizeof(out)), 0, "%s", out);
	/* and the parent itself is not sandboxed */
	cr_expect_eq(access(secret, R_OK), 0);
	landrun_sandbox_free(sb);
}

Test(library, spawn_environment_is_filtered)
{
	landrun_sandbox *sb = compile_base("");
	char out[1024];
	cr_expect_eq(spawn_probe(sb, "env", "", out, sizeof(out)), 0);
	cr_expect(lrt_contains(out, "LANG=C"), "%s", out);
	cr_expect(!lrt_contains(out, "LD_PRELOAD"), "%s", out);
	landrun_sandbox_free(sb);
}

Test(library, spawn_failure_is_reported_not_run)
{
	landrun_sandbox *sb = compile_base("");
	char *const argv[] = { "x", NULL };
	landrun_error err = { 0 };
	cr_expect_eq(landrun_spawn(sb, "/nonexistent/binary", argv, NULL, &err), -1);
	cr_expect(lrt_contains(err.msg, "execve failed"), "%s", err.msg);
	landrun_file_actions *fa = landrun_file_actions_new();
	landrun_file_actions_addopen(fa, 5, "/nonexistent/file", O_RDONLY, 0);
	landrun_error err2 = { 0 };
	cr_expect_eq(landrun_spawn(sb, lrt_probe(), argv, fa, &err2), -1);
	cr_expect(lrt_contains(err2.msg, "file action open failed"), "%s", err2.msg);
	landrun_file_actions_free(fa);
	landrun_sandbox_free(sb);
}

Test(library, file_action_targets_survive_fd_closing)
{
	landrun_sandbox *sb = compile_base("");
	int pfd[2];
	cr_assert_eq(pipe2(pfd, O_CLOEXEC), 0);
	landrun_file_actions *fa = landrun_file_actions_new();
	landrun_file_actions_adddup2(fa, pfd[1], 1);
	landrun_file_actions_addopen(fa, 7, "/dev/null", O_RDONLY, 0);
	char *const argv[] = { "probe", "fds", NULL };
	landrun_error err = { 0 };
	pid_t pid = landrun_spawn(sb, lrt_probe(), argv, fa, &err);
	cr_assert(pid > 0, "%s", err.msg);
	close(pfd[1]);
	char out[64] = "";
	ssize_t n = read(pfd[0], out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = '\0';
	waitpid(pid, NULL, 0);
	cr_expect_str_eq(out, "7\n");
	close(pfd[0]);
	landrun_file_actions_free(fa);
	landrun_sandbox_free(sb);
}

Test(library, apply_in_a_forked_child)
{
	landrun_sandbox *sb = compile_base("");
	pid_t pid = fork();
	if (pid == 0) {
		const char *step = NULL;
		if (landrun_apply(sb, &step) != 0)
			_exit(2);
		int fd = open(secret, O_RDONLY);
		_exit(fd < 0 && errno == EACCES ? 0 : 1);
	}
	int st;
	waitpid(pid, &st, 0);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
	landrun_sandbox_free(sb);
}

static int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

struct stress {
	landrun_sandbox *sb;
	const char *loadprobe;
	int spawns;
	int failures;
};

static void *stress_thread(void *arg)
{
	struct stress *s = arg;
	/* even children try to read the secret: exit 1 (denied) proves they were sandboxed; odd
	 * ones check that no fd above 2 reached them (the other threads' pipes and files) and that
	 * seccomp and no_new_privs are on: exit 0 */
	char *const read_argv[] = { "probe", "read", secret, NULL };
	char *const self_argv[] = { "loadprobe", "self", NULL };
	for (int i = 0; i < s->spawns; i++) {
		landrun_error err = { 0 };
		landrun_file_actions *fa = landrun_file_actions_new();
		landrun_file_actions_addopen(fa, 1, "/dev/null", O_WRONLY, 0);
		bool odd = i % 2;
		pid_t pid = landrun_spawn(s->sb, odd ? s->loadprobe : lrt_probe(), odd ? self_argv : read_argv, fa, &err);
		landrun_file_actions_free(fa);
		int st = 0;
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != (odd ? 0 : 1))
			s->failures++;
	}
	return NULL;
}

/* Resident set of this process, from /proc/self/status, in KiB. */
static long vm_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	cr_assert(f);
	char line[256];
	long kib = -1;
	while (kib < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) != 1)
			kib = -1;
	fclose(f);
	return kib;
}

/* total spawns from THREADS threads at once; returns how many failed. */
static int stress(landrun_sandbox *sb, const char *loadprobe, int total)
{
	enum { THREADS = 32 };
	pthread_t th[THREADS];
	struct stress s[THREADS];
	for (int i = 0; i < THREADS; i++) {
		s[i] = (struct stress){ sb, loadprobe, total / THREADS + (i < total % THREADS), 0 };
		cr_assert_eq(pthread_create(&th[i], NULL, stress_thread, &s[i]), 0);
	}
	int failures = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		failures += s[i].failures;
	}
	return failures;
}

/* 10,000 children from 32 threads: all sandboxed, none given an fd above 2, no fd or child left
 * behind in the parent, and memory flat: the resident set after 10,000 spawns is within 1 MiB of
 * what it was after the first 1,000 (which paid for the threads' stacks and malloc arenas). */
Test(library, stress_32_threads_10000_children, .timeout = 600)
{
	if (lrt_injected_args())
		cr_skip_test("the library does not take make check-abi's cap: the same test at every ABI (make check runs it)");
	landrun_sandbox *sb = compile_base("ro = /proc\n");
	char *helpers = lrt_helpers_dir();
	char *loadprobe = lrt_fmt("%s/loadprobe", helpers);
	int before = count_fds();
	int failures = stress(sb, loadprobe, 1000);
	long rss_1000 = vm_rss_kib();
	failures += stress(sb, loadprobe, 9000);
	long rss_10000 = vm_rss_kib();
	cr_expect_eq(failures, 0, "%d of 10000 children were not sandboxed or failed", failures);
	cr_expect_eq(count_fds(), before, "fds leaked in the parent");
	cr_expect_eq(waitpid(-1, NULL, WNOHANG), -1, "a zombie or stray child is left");
	cr_expect_eq(errno, ECHILD);
	/* ASan keeps freed memory in quarantine: memory is flat in the normal build only */
	cr_expect(rss_1000 > 0 && (LRT_SANITIZED || rss_10000 - rss_1000 < 1024),
		  "RSS grew from %ld KiB after 1,000 spawns to %ld KiB after 10,000", rss_1000, rss_10000);
	fprintf(stderr, "library stress: VmRSS %ld KiB after 1,000 spawns, %ld KiB after 10,000\n", rss_1000,
		rss_10000);
	landrun_sandbox_free(sb);
	free(loadprobe);
	free(helpers);
}

/* The build-time programs are exactly what libseccomp compiles at run time for those policies. */
#include "sandbox.h"
#include "seccomp_compile.h"
#include "seccomp_prebuilt.h"

/* The common policy a build-time table entry was compiled for (src/gen_seccomp.c): the
 * defaults, with the entry's udp and TCP restriction. */
static void common_policy(struct lr_policy *p, const struct lr_seccomp_prebuilt *pre)
{
	lr_policy_init(p);
	p->udp.on = pre->udp;
	p->connect_any.on = p->bind_any.on = !pre->tcp_restricted;
}

Test(library, prebuilt_seccomp_programs_match_runtime_compilation)
{
	cr_assert_eq(lr_seccomp_prebuilt_count, 4);
	for (unsigned i = 0; i < lr_seccomp_prebuilt_count; i++) {
		const struct lr_seccomp_prebuilt *pre = &lr_seccomp_prebuilt[i];
		struct lr_policy p;
		/* the variants in their documented order: bit 0 udp, bit 1 TCP restricted */
		cr_assert_eq(pre->udp, (i & 1) != 0, "variant %u", i);
		cr_assert_eq(pre->tcp_restricted, (i & 2) != 0, "variant %u", i);
		common_policy(&p, pre);
		struct lr_sandbox a, b;
		struct lr_error err = { 0 };
		lr_sandbox_init(&a);
		lr_sandbox_init(&b);
		cr_assert_eq(lr_seccomp_compile(&a, &p, LR_SECCOMP_LIBSECCOMP_ONLY, &err), 0, "%s", err.msg);
		cr_assert_eq(lr_seccomp_compile(&b, &p, LR_SECCOMP_PREBUILT, &err), 0, "%s", err.msg);
		cr_expect(b.seccomp_prebuilt && !a.seccomp_prebuilt);
		cr_assert_eq(a.bpf_len[0], pre->len);
		cr_expect_eq(memcmp(a.bpf[0], b.bpf[0], pre->len * sizeof(struct sock_filter)), 0, "variant %u differs", i);
		lr_sandbox_free(&a);
		lr_sandbox_free(&b);
		lr_policy_free(&p);
	}
}

/* The build-time tails (what libseccomp compiles under the syscall-number dispatch) are what
 * the runtime compiles from the same rules, and those are the rules the common policies emit. */
Test(library, prebuilt_seccomp_tails_match_runtime_compilation)
{
	cr_assert_eq(lr_seccomp_tails_count, 4);
	for (unsigned i = 0; i < lr_seccomp_tails_count; i++) {
		const struct lr_seccomp_tail *t = &lr_seccomp_tails[i];
		struct lr_policy p;
		common_policy(&p, &lr_seccomp_prebuilt[i]); /* the tails come in the same order */
		struct lr_error err = { 0 };
		uint32_t def;
		unsigned char digest[32];
		struct sock_filter *prog;
		unsigned nrules, len;
		cr_assert_eq(lr_seccomp_tail_compile(&p, &def, digest, &nrules, &prog, &len, &err), 0, "%s", err.msg);
		cr_expect_eq(def, t->def);
		cr_expect_eq(memcmp(digest, t->rules_sha256, sizeof(digest)), 0, "variant %u: rules differ", i);
		cr_assert_eq(len, t->len, "variant %u", i);
		cr_expect_eq(memcmp(prog, t->prog, len * sizeof(*prog)), 0, "variant %u: program differs", i);
		free(prog);
		lr_policy_free(&p);
	}
}

/* The CLI and the library build the same sandbox from the same policy: --explain and
 * landrun_describe print the same description. */
Test(library, cli_and_library_describe_the_same_sandbox)
{
	if (getenv("LANDRUN_TEST_ABI"))
		cr_skip_test("LANDRUN_TEST_ABI caps the CLI's runs, not the library's: they cannot match");
	char *pol = lrt_policy(T, "same", "[network]\nconnect_tcp = 443\n[syscalls]\ndeny = ptrace:kill\n");
	char *const envp[] = { "PATH=/usr/bin:/bin", "LANG=C", NULL };
	landrun_error err = { 0 };
	landrun_policy *p = landrun_policy_new();
	cr_assert_eq(landrun_policy_load(p, pol, &err), 0, "%s", err.msg);
	landrun_options o = { .envp = envp };
	landrun_sandbox *sb = landrun_compile(p, &o, &err);
	cr_assert(sb, "%s", err.msg);
	char *lib = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&lib, &len);
	landrun_describe(sb, f);
	fclose(f);
	struct lrt_result *r = lrt_run_env(T, envp, LRT_ARGS("--explain", "-p", pol));
	cr_assert_eq(r->status, 0, "%s", r->err);
	/* notes (like optional paths skipped) are printed by both; only the sources line may differ
	 * in how the policy was named */
	char *a = strstr(lib, "\ncompat:"), *b = strstr(r->out, "\ncompat:");
	cr_assert(a && b);
	cr_expect_str_eq(a, b);
	lrt_free(r);
	free(lib);
	landrun_sandbox_free(sb);
	landrun_policy_free(p);
}

/* The rule fds of a large policy are held until every rule is added, then closed by runs with
 * close_range: none is left open after the compile, with the fd limit above the policy's path
 * count and below it (then the later ones are closed one by one), and the grants still hold. */
static void compile_many_paths(unsigned npaths, rlim_t nofile)
{
	char *dir = lrt_fmt("%s/many", T);
	mkdir(dir, 0755);
	size_t size = 64 + npaths * 64;
	char *text = calloc(1, size);
	size_t off = (size_t)snprintf(text, size, "[filesystem]\n");
	for (unsigned i = 0; i < npaths; i++) {
		char *d = lrt_fmt("%s/d%04u", dir, i);
		mkdir(d, 0755);
		off += (size_t)snprintf(text + off, size - off, "ro = %s\n", d);
		free(d);
	}
	char *secret_in_grant = lrt_fmt("%s/d%04u/s", dir, npaths - 1);
	lrt_write(secret_in_grant, "granted\n");
	struct rlimit old, rl;
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	rl = (struct rlimit){ nofile, old.rlim_max };
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	int before = count_fds();
	landrun_sandbox *sb = compile_base(text);
	int after = count_fds();
	setrlimit(RLIMIT_NOFILE, &old);
	cr_expect_eq(after, before + 1, "%d fds open after compiling %u paths under a limit of %u (before: %d; "
		     "the ruleset's own is expected)", after, npaths, (unsigned)nofile, before);
	char out[256];
	cr_expect_eq(spawn_probe(sb, "read", secret_in_grant, out, sizeof(out)), 0, "%s", out);
	cr_expect_neq(spawn_probe(sb, "read", secret, out, sizeof(out)), 0, "read outside the grants: %s", out);
	landrun_sandbox_free(sb);
	cr_expect_eq(count_fds(), before, "fds leaked by compile + free");
	free(secret_in_grant);
	free(text);
	free(dir);
}

Test(library, rule_fds_are_closed_after_compile)
{
	compile_many_paths(600, 4096);
}

Test(library, rule_fds_beyond_the_fd_limit_are_closed_one_by_one)
{
	compile_many_paths(600, 400);
}

/* landrun_apply in a process with another thread. Landlock restricts the calling thread only,
 * unless LANDLOCK_RESTRICT_SELF_TSYNC (ABI 8) is given: below it, strict refuses (the other
 * thread would read the secret), best-effort applies to the calling thread. */
static landrun_sandbox *compile_capped(const char *extra, int abi_cap)
{
	landrun_error err = { 0 };
	landrun_policy *p = landrun_policy_new();
	char *pol = lrt_policy(T, "tsync", extra);
	cr_assert_eq(landrun_policy_load(p, pol, &err), 0, "%s", err.msg);
	char *const envp[] = { "PATH=/usr/bin", NULL };
	landrun_options o = { .envp = envp, .abi_cap = abi_cap };
	landrun_sandbox *sb = landrun_compile(p, &o, &err);
	cr_assert(sb, "%s", err.msg);
	free(pol);
	return sb;
}

/* The sibling thread: waits for the go (after landrun_apply in the other thread), then tries the
 * secret. Shared memory, not pipes: landrun_apply closes every fd above 2. */
struct sibling {
	atomic_int go;     /* 1: try now */
	atomic_int result; /* 'R' read, 'D' denied */
};

static void *sibling_main(void *arg)
{
	struct sibling *s = arg;
	while (!atomic_load(&s->go))
		sched_yield();
	int fd = open(secret, O_RDONLY);
	atomic_store(&s->result, fd >= 0 ? 'R' : 'D');
	return NULL;
}

/* In a forked child: with threaded, a sibling thread; landrun_apply; then the sibling's (or, with
 * none, the caller's) attempt on the secret. Exit 0 applied and denied, 1 applied and read, 2
 * refused with the step naming ABI 8, 3 refused otherwise. */
static int apply_threaded(landrun_sandbox *sb, bool threaded)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct sibling s = { 0 };
		pthread_t th;
		if (threaded && pthread_create(&th, NULL, sibling_main, &s))
			_exit(4);
		const char *step = NULL;
		if (landrun_apply(sb, &step) != 0)
			_exit(step && strstr(step, "needs Landlock ABI 8 (Linux 7.0") ? 2 : 3);
		if (!threaded)
			_exit(open(secret, O_RDONLY) < 0 ? 0 : 1);
		atomic_store(&s.go, 1);
		pthread_join(th, NULL);
		_exit(atomic_load(&s.result) == 'D' ? 0 : 1);
	}
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + st;
}

static int kernel_abi(void)
{
	long abi = syscall(444 /* landlock_create_ruleset */, NULL, 0, 1U /* VERSION */);
	return abi < 0 ? 0 : (int)abi;
}

Test(library, apply_with_threads_needs_tsync)
{
	if (kernel_abi() < 1 || lrt_abi_below(1))
		cr_skip_test("no Landlock on this kernel");
	/* capped at ABI 7: strict refuses a threaded caller, naming ABI 8 and its Linux release */
	landrun_sandbox *strict7 = compile_capped("", 7);
	cr_expect_eq(apply_threaded(strict7, true), 2);
	/* the twin without a sibling thread: applied, the caller denied */
	cr_expect_eq(apply_threaded(strict7, false), 0);
	landrun_sandbox_free(strict7);
	/* best-effort: applied to the calling thread, the sibling is not restricted (the residual
	 * TSYNC closes) */
	landrun_sandbox *be7 = compile_capped("[policy]\ncompat = best-effort\n", 7);
	cr_expect_eq(apply_threaded(be7, true), 1);
	/* and says so */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	landrun_describe(be7, f);
	fclose(f);
	cr_expect(strstr(text, "note: landrun_apply in a process with other threads restricts the calling thread only "
			       "(LANDLOCK_RESTRICT_SELF_TSYNC needs Landlock ABI 8, Linux 7.0; this kernel has 7)"), "%s", text);
	free(text);
	landrun_sandbox_free(be7);
}

Test(library, apply_with_threads_uses_tsync_at_abi_8)
{
	if (kernel_abi() < 8 || lrt_abi_below(8))
		cr_skip_test("this kernel offers Landlock ABI %d: TSYNC needs ABI 8 (Linux 7.0); its refusal below is "
			     "library::apply_with_threads_needs_tsync", kernel_abi());
	/* ABI 8: every thread is restricted */
	landrun_sandbox *strict8 = compile_capped("", 0);
	cr_expect_eq(apply_threaded(strict8, true), 0);
	landrun_sandbox_free(strict8);
}

/* Helpers for the Criterion suites: run the landrun binary, scratch directories, files. */
#include "common.h"

#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v && *v ? v : fallback;
}

const char *lrt_landrun(void) { return env_or("LANDRUN_TEST_BIN", LANDRUN_BIN); }
const char *lrt_policies(void) { return env_or("LANDRUN_TEST_POLICIES", LANDRUN_SRCDIR "/policies"); }

const char *lrt_probe(void)
{
	static const char fallback[] = LANDRUN_TESTS_BIN "/helpers/probe";
	const char *dir = getenv("LANDRUN_TEST_HELPERS");
	if (!dir || !*dir)
		return fallback;
	/* leaked once per call site: tests are short-lived */
	return lrt_fmt("%s/probe", dir);
}

static void drain(int out_fd, int err_fd, struct lrt_result *r)
{
	size_t no = 0, ne = 0;
	struct pollfd p[2] = { { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 } };
	int open_fds = 2;
	while (open_fds > 0) {
		if (poll(p, 2, 30000) <= 0)
			break;
		for (int i = 0; i < 2; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			char *buf = i ? r->err : r->out;
			size_t *n = i ? &ne : &no;
			char tmp[4096];
			ssize_t got = read(p[i].fd, tmp, sizeof(tmp));
			if (got <= 0) {
				p[i].fd = -1;
				open_fds--;
				continue;
			}
			size_t room = sizeof(r->out) - 1 - *n;
			size_t take = (size_t)got < room ? (size_t)got : room;
			memcpy(buf + *n, tmp, take);
			*n += take;
		}
	}
	r->out[no] = '\0';
	r->err[ne] = '\0';
}

/* LANDRUN_TEST_ABI=N (make check-abi): every run gets --test-abi N first, so the whole suite runs
 * as on a kernel with Landlock ABI N; a test's own --test-abi, later on the line, still wins. The
 * subcommands (first argument) take no such option: digest, check, policies, and learn (which observes
 * without Landlock; the policies it writes are then run with the cap). */
static const char *test_abi(const char *const args[])
{
	static const char *const subcommands[] = { "digest", "check", "learn", "policies" };
	const char *abi = getenv("LANDRUN_TEST_ABI");
	if (!abi || !*abi)
		return NULL;
	for (size_t i = 0; args[0] && i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(args[0], subcommands[i]) == 0)
			return NULL;
	for (size_t i = 0; args[i]; i++)
		if (strcmp(args[i], "--test-abi") == 0 || strcmp(args[i], "--") == 0)
			return strcmp(args[i], "--") == 0 ? abi : NULL;
	return abi;
}

int lrt_injected_args(void)
{
	const char *cap = getenv("LANDRUN_TEST_ABI");
	return cap && *cap ? 2 : 0;
}

bool lrt_abi_below(int abi)
{
	const char *cap = getenv("LANDRUN_TEST_ABI");
	return cap && *cap && atoi(cap) < abi;
}

/* Runs [prefix...] bin [--test-abi N] args... (the cap only when inject). */
static struct lrt_result *run(const char *bin, bool inject, const char *cwd, char *const envp[],
			      const char *const prefix[], const char *const args[])
{
	static char *const default_env[] = { "PATH=/usr/bin:/bin", "LANG=C", NULL };
	struct lrt_result *r = calloc(1, sizeof(*r));
	int out[2], err[2];
	if (!r || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
		abort();
	size_t n = 0, np = 0;
	while (args[n])
		n++;
	while (prefix && prefix[np])
		np++;
	const char *abi = inject ? test_abi(args) : NULL;
	const char **argv = calloc(np + n + 4, sizeof(char *)), **a = argv;
	memcpy(a, prefix ? prefix : args, np * sizeof(char *));
	a += np;
	*a++ = bin;
	if (abi) {
		*a++ = "--test-abi";
		*a++ = abi;
	}
	memcpy(a, args, n * sizeof(char *));
	pid_t pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		if (cwd && chdir(cwd) < 0)
			_exit(99);
		execve(argv[0], (char *const *)argv, envp ? envp : default_env);
		_exit(98);
	}
	close(out[1]);
	close(err[1]);
	drain(out[0], err[0], r);
	close(out[0]);
	close(err[0]);
	int st = 0;
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st)) {
		r->signal = WTERMSIG(st);
		r->status = 128 + r->signal;
	} else {
		r->status = WEXITSTATUS(st);
	}
	free(argv);
	/* Under the cap, a test that needs more than ABI N sees landrun's strict refusal: that is the
	 * expected outcome (exit 125 naming the feature and the ABI it needs), not the test's. */
	if (abi && r->status == 125 && lrt_contains(r->err, "requires Landlock ABI"))
		cr_skip_test("capped at Landlock ABI %s, strict refused as it must: %s", abi, r->err);
	return r;
}

struct lrt_result *lrt_run_prefixed(const char *cwd, char *const envp[], const char *const prefix[],
				    const char *const args[])
{
	return run(lrt_landrun(), true, cwd, envp, prefix, args);
}

struct lrt_result *lrt_run_prefixed_as_typed(const char *cwd, char *const envp[], const char *const prefix[],
					     const char *const args[])
{
	return run(lrt_landrun(), false, cwd, envp, prefix, args);
}

struct lrt_result *lrt_run_cli(const char *bin, const char *cwd, const char *const args[])
{
	return run(bin, true, cwd, NULL, NULL, args);
}

struct lrt_result *lrt_run_program(const char *cwd, const char *const argv[])
{
	return run(argv[0], false, cwd, NULL, NULL, argv + 1);
}

struct lrt_result *lrt_run_env(const char *cwd, char *const envp[], const char *const args[])
{
	return lrt_run_prefixed(cwd, envp, NULL, args);
}

struct lrt_result *lrt_run(const char *cwd, const char *const args[])
{
	return lrt_run_env(cwd, NULL, args);
}

void lrt_free(struct lrt_result *r)
{
	free(r);
}

/* A test that skips itself (cr_skip_test) exits without its suite's .fini: the directories
 * made here are removed at exit too, whatever removed them before. */
static char *made_dirs[16];

static void remove_made_dirs(void)
{
	for (size_t i = 0; i < sizeof(made_dirs) / sizeof(made_dirs[0]) && made_dirs[i]; i++)
		lrt_rmrf(made_dirs[i]);
}

char *lrt_mkdtemp(const char *base)
{
	char *path = lrt_fmt("%s/landrun-test.XXXXXX", base);
	if (!mkdtemp(path))
		abort();
	chmod(path, 0755);
	size_t i = 0;
	while (i < sizeof(made_dirs) / sizeof(made_dirs[0]) && made_dirs[i])
		i++;
	if (i == 0)
		atexit(remove_made_dirs);
	if (i < sizeof(made_dirs) / sizeof(made_dirs[0]))
		made_dirs[i] = strdup(path);
	return path;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void lrt_rmrf(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void lrt_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

char *lrt_fmt(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

bool lrt_is_root(void)
{
	return geteuid() == 0;
}

bool lrt_contains(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}

char *lrt_helpers_dir(void)
{
	char *p = lrt_fmt("%s", lrt_probe());
	*strrchr(p, '/') = '\0';
	return p;
}

char *lrt_policy(const char *dir, const char *name, const char *extra)
{
	char *path = lrt_fmt("%s/%s.ini", dir, name);
	char *helpers = lrt_helpers_dir();
	char *text = lrt_fmt("[policy]\ninclude = %s/base.ini\n[filesystem]\nrox = %s\n%s\n", lrt_policies(),
			     helpers, extra);
	lrt_write(path, text);
	free(text);
	free(helpers);
	return path;
}

struct lrt_result *lrt_run_probe(const char *cwd, const char *flag, const char *pol,
				 const char *const probe_args[])
{
	const char *args[24];
	size_t n = 0;
	if (flag)
		args[n++] = flag;
	args[n++] = "-p";
	args[n++] = pol;
	args[n++] = "--";
	args[n++] = lrt_probe();
	for (size_t i = 0; probe_args[i] && n < 23; i++)
		args[n++] = probe_args[i];
	args[n] = NULL;
	return lrt_run(cwd, args);
}

char *lrt_mkdtemp_with_writable(const char *base, char **writable)
{
	char *dir = lrt_mkdtemp(base);
	*writable = lrt_fmt("%s/w", dir);
	if (mkdir(*writable, 0755) < 0)
		abort();
	return dir;
}

char *lrt_mkdtemp_with_secret(const char *base, char **secret)
{
	char *dir = lrt_mkdtemp(base);
	*secret = lrt_fmt("%s/secret", dir);
	lrt_write(*secret, "s3cret\n");
	return dir;
}

bool lrt_writers_gone(int fd)
{
	cr_assert_eq(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	char buf[256];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	return n == 0;
}

size_t lrt_option_table(struct lrt_option *out, size_t max)
{
	FILE *f = fopen(LANDRUN_SRCDIR "/src/cli.c", "r");
	if (!f && !lrt_is_root())
		cr_skip_test("the source of the option table is not readable by this user");
	cr_assert(f, "cannot read the source of the option table");
	char line[512], name[64], arg[32];
	bool in_table = false;
	size_t n = 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		if (strstr(line, "long_options[] = {"))
			in_table = true;
		else if (in_table && strstr(line, "};"))
			break;
		else if (in_table && sscanf(line, " { \"%63[^\"]\", %31[a-z_]", name, arg) == 2) {
			snprintf(out[n].name, sizeof(out[n].name), "%s", name);
			out[n++].takes_value = strcmp(arg, "required_argument") == 0;
		}
	}
	fclose(f);
	cr_assert_gt(n, 20, "option table not found in the source");
	return n;
}

unsigned lrt_mode_of(const char *path)
{
	struct stat st;
	cr_assert(lstat(path, &st) == 0, "%s: %s", path, strerror(errno));
	return st.st_mode & 07777;
}

int lrt_helpers_of(pid_t parent, pid_t other_parent, pid_t *first)
{
	DIR *d = opendir("/proc");
	cr_assert(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char buf[512], comm[64], state;
		int ppid;
		FILE *f = fopen(lrt_fmt("/proc/%s/stat", e->d_name), "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && sscanf(buf, "%*d (%63[^)]) %c %d", comm, &state, &ppid) == 3 &&
		    strcmp(comm, "landrun-notify") == 0 && state != 'Z' && (ppid == parent || ppid == other_parent) &&
		    n++ == 0 && first)
			*first = atoi(e->d_name);
		fclose(f);
	}
	closedir(d);
	return n;
}

pid_t lrt_find_helper(void)
{
	pid_t found = -1;
	return lrt_helpers_of(getpid(), getpid(), &found) ? found : -1;
}

int lrt_unix_listener(const char *path, bool dgram)
{
	int fd = socket(AF_UNIX, (dgram ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && (dgram || listen(fd, 4) == 0));
	chmod(path, 0777);
	return fd;
}

pid_t lrt_start_quiet(const char *const argv[], int in, const char *cwd)
{
	char *const env[] = { "PATH=/usr/bin:/bin", "LANG=C", NULL };
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		dup2(in >= 0 ? in : devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		if (cwd && chdir(cwd) < 0)
			_exit(99);
		execve(argv[0], (char *const *)argv, env);
		_exit(98);
	}
	return pid;
}

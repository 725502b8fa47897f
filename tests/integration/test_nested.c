/* The metadata helper in runs other than the plain one: a supervised run (landrun the command's
 * parent), and landrun under landrun. The kernel allows one seccomp listener in a process's
 * filter chain: the inner landrun, finding the outer's, cannot start a helper of its own, and
 * refuses every metadata call (EPERM) rather than leave them to the outer helper, which knows
 * only the outer write grants. An inner policy with metadata = any leaves them to the outer
 * helper, which confines them to the outer grants. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static char *T, *work, *inner_dir, *in_both, *in_outer, *outside, *pol;
static void setup(void)
{
	T = lrt_mkdtemp("/var/tmp");
	work = lrt_fmt("%s/work", T);
	inner_dir = lrt_fmt("%s/in", work);
	in_both = lrt_fmt("%s/f", inner_dir);
	in_outer = lrt_fmt("%s/g", work);
	outside = lrt_fmt("%s/outside", T);
	pol = lrt_fmt("%s/pol", T);
	cr_assert(mkdir(work, 0755) == 0 && mkdir(inner_dir, 0755) == 0 && mkdir(pol, 0755) == 0);
	lrt_write(in_both, "f\n");
	lrt_write(in_outer, "g\n");
	lrt_write(outside, "secret\n");
	cr_assert(chmod(in_both, 0600) == 0 && chmod(in_outer, 0600) == 0 && chmod(outside, 0600) == 0);
}
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(nested, .init = setup, .fini = teardown);

/* The probe's chmod under landrun -p inner under landrun -p outer; the outer grants its cwd
 * (work) rw, the inner only work/in. */
static struct lrt_result *nested_chmod(const char *inner_metadata, const char *path, const char *mode)
{
	char *landrun_dir = strdup(lrt_landrun());
	*strrchr(landrun_dir, '/') = '\0';
	char *outer = lrt_policy(pol, "outer",
				 lrt_fmt("rw = ${CWD}\nrox = %s\nro = %s %s\nmetadata = granted\n", landrun_dir, pol,
					 lrt_policies()));
	char *inner = lrt_policy(pol, "inner", lrt_fmt("rw = %s\nmetadata = %s\n", inner_dir, inner_metadata));
	free(landrun_dir);
	return lrt_run(work, LRT_ARGS("-p", outer, "--", lrt_landrun(), "-p", inner, "--", lrt_probe(), "chmod",
				      path, mode));
}

#define DENIED(r, what)                                                                                   \
	do {                                                                                              \
		cr_expect_eq((r)->status, 1, "%s: status %d: %s%s", what, (r)->status, (r)->out, (r)->err);  \
		cr_expect(lrt_contains((r)->out, "denied EPERM"), "%s: %s%s", what, (r)->out, (r)->err);   \
		lrt_free(r);                                                                              \
	} while (0)

/* The residual, shown: granted inside granted refuses even what both policies grant. */
Test(nested, granted_under_granted_refuses_every_metadata_call)
{
	struct lrt_result *r = nested_chmod("granted", in_both, "640");
	DENIED(r, "chmod in both write grants, nested");
	cr_expect_eq(lrt_mode_of(in_both), 0600, "a nested chmod was performed with no helper of its own");
	r = nested_chmod("granted", outside, "644");
	DENIED(r, "chmod outside every grant, nested");
	cr_expect_eq(lrt_mode_of(outside), 0600);
}

/* The twin: the inner policy leaves metadata to the outer helper, which serves the nested
 * command and still confines it to the outer write grants. */
Test(nested, any_under_granted_is_served_by_the_outer_helper_within_its_grants)
{
	struct lrt_result *r = nested_chmod("any", in_both, "640");
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(in_both), 0640, "the outer helper did not perform the nested chmod");
	r = nested_chmod("any", in_outer, "604");
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(in_outer), 0604);
	r = nested_chmod("any", outside, "644");
	DENIED(r, "chmod outside the outer grants, nested, metadata = any inside");
	cr_expect_eq(lrt_mode_of(outside), 0600, "the outer helper performed a chmod outside its grants");
}

/* A supervised run forks the command; the helper serves it all the same. */
Test(nested, supervised_run_serves_the_grant_and_refuses_outside)
{
	char *p = lrt_policy(pol, "sv", "rw = ${CWD}\nmetadata = granted\n");
	struct lrt_result *r = lrt_run(work, LRT_ARGS("--supervise", "-p", p, "--", lrt_probe(), "chmod", outside, "644"));
	DENIED(r, "chmod outside every grant, supervised");
	cr_expect_eq(lrt_mode_of(outside), 0600, "a supervised run's chmod outside the grants was performed");
	r = lrt_run(work, LRT_ARGS("--supervise", "-p", p, "--", lrt_probe(), "chmod", in_outer, "640"));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(in_outer), 0640, "a supervised run's chmod in the grant was not performed");
}

/* The pid the traced landrun named its tracer (prctl PR_SET_PTRACER) in strace's log, 0 if none yet. */
static long named_tracer(const char *log)
{
	FILE *f = fopen(log, "r");
	char line[512];
	long pid = 0;
	while (f && fgets(line, sizeof(line), f)) {
		const char *at = strstr(line, "prctl(PR_SET_PTRACER, ");
		if (at)
			pid = strtol(at + strlen("prctl(PR_SET_PTRACER, "), NULL, 10);
	}
	if (f)
		fclose(f);
	return pid;
}

/* Under Yama's ptrace_scope 1 (Ubuntu's default) only an ancestor or a declared tracer may read a
 * process's memory, and the helper, which reads the command's arguments, is neither: the process
 * that becomes the command names the helper its tracer. This kernel has no Yama (the call fails
 * with EINVAL there, harmlessly): the test checks whom the call names, while the command runs. */
Test(nested, the_command_names_the_metadata_helper_its_tracer)
{
	if (access("/usr/bin/strace", X_OK) != 0)
		cr_skip_test("strace is not installed (build-aux/deps.sh test installs it)");
	char *p = lrt_policy(pol, "tr", "rw = ${CWD}\nrox = /usr/bin /bin\nmetadata = granted\n");
	char *fifo = lrt_fmt("%s/go", work), *log = lrt_fmt("%s/strace.log", T);
	cr_assert(mkfifo(fifo, 0600) == 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		if (chdir(work) == 0)
			execl("/usr/bin/strace", "strace", "-f", "-qq", "-e", "trace=prctl", "-o", log, lrt_landrun(), "-p", p,
			      "--", "/bin/sh", "-c", "read x < go", (char *)NULL);
		_exit(127);
	}
	long helper = 0;
	for (int i = 0; i < 6000 && !(helper = named_tracer(log)); i++) { /* until the call is logged */
		struct timespec pause = { 0, 10 * 1000 * 1000 };
		nanosleep(&pause, NULL);
	}
	/* the helper names itself first thing, which may not have happened yet: until it has */
	char comm[64] = "";
	for (int i = 0; helper > 0 && i < 6000 && strcmp(comm, "landrun-notify") != 0; i++) {
		FILE *f = fopen(lrt_fmt("/proc/%ld/comm", helper), "r");
		if (f && fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		if (f)
			fclose(f);
		struct timespec pause = { 0, 10 * 1000 * 1000 };
		if (strcmp(comm, "landrun-notify") != 0)
			nanosleep(&pause, NULL);
	}
	int w = open(fifo, O_WRONLY); /* the command reads a line, and ends */
	cr_assert(w >= 0 && write(w, "\n", 1) == 1);
	close(w);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the run failed: status %#x", (unsigned)st);
	cr_assert(helper > 0, "landrun named no tracer (no prctl(PR_SET_PTRACER) in %s)", log);
	cr_expect(helper != pid, "landrun named itself its tracer");
	cr_expect_str_eq(comm, "landrun-notify", "the named tracer %ld is not the metadata helper", helper);
}

/* An outer run without a helper of its own (metadata = any) denies unshare, as its baseline does:
 * the inner landrun's helper needs none (it takes its copy of the fd table by close_range), so it
 * serves: an fchmod in the inner write grant is made, one of a file the inner run reads only is
 * refused. (The helper runs under the outer filter, whose baseline refuses it the command's
 * memory: calls with a path are refused there, fd calls are not.) */
Test(nested, granted_under_an_outer_run_without_a_helper_serves)
{
	char *landrun_dir = strdup(lrt_landrun());
	*strrchr(landrun_dir, '/') = '\0';
	char *outer = lrt_policy(pol, "outer-any",
				 lrt_fmt("rw = ${CWD}\nrox = %s\nro = %s %s\nmetadata = any\n", landrun_dir, pol,
					 lrt_policies()));
	char *inner = lrt_policy(pol, "inner-granted",
				 lrt_fmt("rw = %s\nro = %s\nmetadata = granted\n", inner_dir, in_outer));
	free(landrun_dir);
	struct lrt_result *r = lrt_run(work, LRT_ARGS("-p", outer, "--", lrt_landrun(), "-p", inner, "--", lrt_probe(),
						      "fchmod-ro", in_both, "640"));
	LRT_EXPECT(r, 0, "ok");
	cr_expect_eq(lrt_mode_of(in_both), 0640, "the inner helper did not make the fchmod in its grant");
	r = lrt_run(work, LRT_ARGS("-p", outer, "--", lrt_landrun(), "-p", inner, "--", lrt_probe(), "fchmod-ro",
				   in_outer, "640"));
	DENIED(r, "fchmod of a file the inner run reads only");
	cr_expect_eq(lrt_mode_of(in_outer), 0600);
}

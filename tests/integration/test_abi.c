/* Every Landlock ABI boundary, with --test-abi: strict refuses a policy whose feature the ABI
 * lacks, naming it and the ABI it needs; at that ABI the refusal is gone; best-effort runs, warns
 * and --explain shows what is not enforced. Below ABI 3 the syscall filter denies truncate(2). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

/* T holds the policies; W, beneath it, is what they grant read-write */
static char *T, *W;
static void setup(void) { T = lrt_mkdtemp_with_writable("/var/tmp", &W); }
static void teardown(void) { lrt_rmrf(T); free(T); free(W); }
TestSuite(abi, .init = setup, .fini = teardown);

/* A row of a table-driven test: strings as arrays (see LRT_LEN). */
struct boundary {
	int abi;           /* the first ABI that enforces the feature */
	char extra[48];    /* policy text that uses it (with rw = T, which needs refer) */
	char feature[64];  /* how landrun names it */
	char explain[192]; /* what --explain shows about it below that ABI */
};

static char *abi_str(int abi)
{
	return lrt_fmt("%d", abi);
}

/* landrun --test-abi abi [flag] -p pol -- touch marker; the marker is removed first. */
static struct lrt_result *run_at(int abi, const char *flag, const char *pol, const char *marker)
{
	unlink(marker);
	return lrt_run(T, LRT_ARGS("--test-abi", abi_str(abi), flag ? flag : "-v", "-p", pol, "--", "/usr/bin/touch",
				   marker));
}

/* The Linux release of each ABI, as published with it (the messages name it). */
static const char *linux_of(int abi)
{
	static const char *const v[] = { "?", "5.13", "5.19", "6.2", "6.7", "6.10", "6.12", "6.15", "7.0", "7.1", "7.2" };
	return abi >= 1 && abi <= 10 ? v[abi] : "?";
}

static void check_boundary(const struct boundary *b)
{
	char *text = lrt_fmt("[filesystem]\nrw = %s\n%s\n", W, b->extra);
	char *pol = lrt_policy(T, "p", text);
	char *marker = lrt_fmt("%s/marker", W);
	char *needs = lrt_fmt("%s: requires Landlock ABI %d (Linux %s), this kernel offers %d", b->feature, b->abi,
			      linux_of(b->abi), b->abi - 1);

	/* strict, one ABI short: refused, the feature named, the command not run */
	struct lrt_result *r = run_at(b->abi - 1, NULL, pol, marker);
	cr_expect_eq(r->status, 125, "ABI %d: status %d: %s", b->abi - 1, r->status, r->err);
	cr_expect(lrt_contains(r->err, needs), "want \"%s\": %s", needs, r->err);
	cr_expect(access(marker, F_OK) != 0, "strict ran the command at ABI %d", b->abi - 1);
	lrt_free(r);

	/* strict at the ABI itself: this feature is no longer the refusal (a later one may be) */
	r = run_at(b->abi, NULL, pol, marker);
	cr_expect(!lrt_contains(r->err, b->feature), "ABI %d still refuses %s: %s", b->abi, b->feature, r->err);
	cr_expect(r->status == 0 || (r->status == 125 && lrt_contains(r->err, "requires Landlock ABI")),
		  "ABI %d: status %d: %s", b->abi, r->status, r->err);
	lrt_free(r);

	/* the twin: a kernel with every feature runs it */
	r = run_at(7, NULL, pol, marker);
	cr_expect_eq(r->status, 0, "ABI 7: %s", r->err);
	cr_expect(access(marker, F_OK) == 0, "ABI 7: the command did not run");
	lrt_free(r);

	/* best-effort, one ABI short: runs, and warns about exactly this feature */
	char *warning = lrt_fmt("warning: not enforced: %s (needs Landlock ABI %d, Linux %s; this kernel has %d)",
				b->feature, b->abi, linux_of(b->abi), b->abi - 1);
	r = run_at(b->abi - 1, "--best-effort", pol, marker);
	cr_expect_eq(r->status, 0, "best-effort at ABI %d: %s", b->abi - 1, r->err);
	cr_expect(access(marker, F_OK) == 0, "best-effort did not run the command");
	cr_expect(lrt_contains(r->err, warning + strlen("warning: ")), "want \"%s\": %s", warning, r->err);
	lrt_free(r);

	/* --explain says so, and shows the degraded part */
	r = lrt_run(T, LRT_ARGS("--test-abi", abi_str(b->abi - 1), "--best-effort", "--explain", "-p", pol));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->out, lrt_fmt("Landlock ABI %d (kernel offers", b->abi - 1)), "%s", r->out);
	cr_expect(lrt_contains(r->out, warning), "want \"%s\": %s", warning, r->out);
	cr_expect(lrt_contains(r->out, b->explain), "want \"%s\": %s", b->explain, r->out);
	lrt_free(r);
	free(warning);
	free(needs);
	free(marker);
	free(text);
}

/* Each boundary: refer (2), truncate (3), TCP connect and bind (4), device ioctl (5), abstract
 * unix sockets and signals (6). */
static struct boundary boundaries[] = {
	{ 2, "", "renaming and linking across directories (refer)",
	  "enforced rights: execute,write_file,read_file,read_dir,remove_dir,remove_file,"
	  "make_char,make_dir,make_reg,make_sock,make_fifo,make_block,make_sym\n" },
	{ 3, "", "denying truncate outside rw grants",
	  "note: truncate(2) is denied by the syscall filter: Landlock ABI 2 cannot restrict truncation" },
	{ 4, "[network]\nbind_tcp = any\n", "TCP connect restrictions", "enforced TCP: connect NOT restricted" },
	{ 4, "[network]\nconnect_tcp = any\n", "TCP bind restrictions", "bind NOT restricted" },
	{ 5, "dev = /dev/null\n", "device ioctl grants (dev =)",
	  "enforced rights: execute,write_file,read_file,read_dir,remove_dir,remove_file,make_char,"
	  "make_dir,make_reg,make_sock,make_fifo,make_block,make_sym,refer,truncate\n" },
	{ 6, "[network]\nabstract_unix = isolated\n", "abstract unix socket isolation",
	  "abstract_unix    shared (not enforced)" },
	{ 6, "[process]\nsignals = isolated\n", "signal isolation", "signals          shared (not enforced)" },
};

ParameterizedTestParameters(abi, feature_needs_its_abi)
{
	return cr_make_param_array(struct boundary, boundaries, LRT_LEN(boundaries));
}

ParameterizedTest(struct boundary *b, abi, feature_needs_its_abi)
{
	check_boundary(b);
}

/* Below ABI 3 Landlock cannot deny truncation: the syscall filter denies truncate(2) by path. */
Test(abi, seccomp_covers_truncate_below_3)
{
	char *ro = lrt_fmt("%s/ro", T), *rw = lrt_fmt("%s/rw", T);
	mkdir(ro, 0777);
	mkdir(rw, 0777);
	chmod(ro, 0777);
	chmod(rw, 0777);
	char *fro = lrt_fmt("%s/f", ro), *frw = lrt_fmt("%s/f", rw);
	lrt_write(fro, "data\n");
	lrt_write(frw, "data\n");
	chmod(fro, 0666);
	chmod(frw, 0666);
	char *pol = lrt_policy(T, "t", lrt_fmt("ro = %s\nrw = %s\n[network]\nconnect_tcp = any\nbind_tcp = any\n", ro, rw));
	/* ABI 3: Landlock denies it outside rw (EACCES) and grants it under rw */
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--test-abi", "3", "-p", pol, "--", lrt_probe(), "truncate", fro));
	LRT_EXPECT(r, 1, "denied EACCES");
	r = lrt_run(T, LRT_ARGS("--test-abi", "3", "-p", pol, "--", lrt_probe(), "truncate", frw));
	LRT_EXPECT(r, 0, "ok");
	/* ABI 2, 1 (best-effort): the filter denies it everywhere (EPERM), as documented */
	for (int abi = 1; abi <= 2; abi++) {
		r = lrt_run(T, LRT_ARGS("--test-abi", abi_str(abi), "--best-effort", "-p", pol, "--", lrt_probe(),
					"truncate", fro));
		LRT_EXPECT(r, 1, "denied EPERM");
		r = lrt_run(T, LRT_ARGS("--test-abi", abi_str(abi), "--best-effort", "-p", pol, "--", lrt_probe(),
					"truncate", frw));
		LRT_EXPECT(r, 1, "denied EPERM");
	}
	struct stat st;
	cr_expect(stat(fro, &st) == 0 && st.st_size == 5, "the file outside rw was truncated");
	/* the file is still writable where granted: opening it for writing works under rw */
	r = lrt_run(T, LRT_ARGS("--test-abi", "2", "--best-effort", "-p", pol, "--", lrt_probe(), "write", frw));
	LRT_EXPECT(r, 0, "ok");
	r = lrt_run(T, LRT_ARGS("--test-abi", "2", "--best-effort", "-p", pol, "--", lrt_probe(), "write", fro));
	LRT_EXPECT(r, 1, "denied EACCES");
	/* with files unrestricted, nothing is denied in their stead */
	r = lrt_run(T, LRT_ARGS("--test-abi", "2", "--best-effort", "--unrestricted-filesystem", "-p", pol, "--",
				lrt_probe(), "truncate", frw));
	LRT_EXPECT(r, 0, "ok");
}

/* The features of ABI 7 and later: strict refuses naming the feature, the ABI and its Linux
 * release, and nothing runs; best-effort runs and says what it dropped; --explain's table marks
 * the ABIs the run has. */
struct newer {
	int abi;
	char linux_version[8];
	char extra[64];
	char feature[32];
};

static struct newer newer_rows[] = {
	{ 7, "6.15", "[policy]\nlandlock_log = disable-subdomains\n", "landlock_log" },
	/* unix = PATH and connect_udp: the helper makes the calls below ABI 9 and 10 (netcalls.h) */
	{ 10, "7.2", "[network]\nbind_udp = 53\n", "UDP port restrictions" },
};

ParameterizedTestParameters(abi, newer_features_name_abi_and_linux)
{
	return cr_make_param_array(struct newer, newer_rows, LRT_LEN(newer_rows));
}

ParameterizedTest(struct newer *n, abi, newer_features_name_abi_and_linux)
{
	char *pol = lrt_policy(T, "newer", lrt_fmt("[filesystem]\nrw = %s\n%s", W, n->extra));
	char *marker = lrt_fmt("%s/marker", W);
	char *cap = abi_str(n->abi - 1);
	char *needs = lrt_fmt("requires Landlock ABI %d (Linux %s), this kernel offers", n->abi, n->linux_version);
	struct lrt_result *r = run_at(n->abi - 1, NULL, pol, marker);
	cr_expect(r->status == 125 && lrt_contains(r->err, n->feature) && lrt_contains(r->err, needs),
		  "want \"%s\": %d %s", needs, r->status, r->err);
	cr_expect(access(marker, F_OK) != 0, "strict ran the command below ABI %d", n->abi);
	lrt_free(r);
	r = run_at(n->abi - 1, "--best-effort", pol, marker);
	char *dropped = lrt_fmt("(needs Landlock ABI %d, Linux %s; this kernel has", n->abi, n->linux_version);
	cr_expect(r->status == 0 && lrt_contains(r->err, "warning: not enforced: ") && lrt_contains(r->err, dropped),
		  "want \"%s\": %d %s", dropped, r->status, r->err);
	cr_expect(access(marker, F_OK) == 0, "best-effort did not run the command");
	lrt_free(r);
	r = lrt_run(T, LRT_ARGS("--test-abi", cap, "--best-effort", "--explain", "-p", pol));
	char *row = lrt_fmt("  NO  %2d  %-5s ", n->abi, n->linux_version);
	cr_expect(lrt_contains(r->out, "Landlock ABIs (ABI, Linux, what it adds):") && lrt_contains(r->out, row),
		  "want \"%s\": %s", row, r->out);
	lrt_free(r);
}

/* The table marks what this run has: capped at 5, ABI 5 is there and 6 is not. */
Test(abi, explain_marks_the_abis_of_the_run)
{
	char *pol = lrt_policy(T, "table", "");
	struct lrt_result *r = lrt_run(T, LRT_ARGS("--test-abi", "5", "--best-effort", "--explain", "-p", pol));
	cr_expect(lrt_contains(r->out, "  yes  5  6.10  ") && lrt_contains(r->out, "  NO   6  6.12  ") &&
		  lrt_contains(r->out, "  NO   8  7.0   TSYNC"), "%s%s", r->out, r->err);
	lrt_free(r);
}

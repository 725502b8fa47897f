/* landrun learn: the policy learned from a real program runs that program again, and stays tight
 * enough that an unrelated secret under $HOME cannot be read under it. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common.h"

static char *T, *WORK, *HOME_DIR, *SECRET, *POLICY;
static char *ENV[8];

static void setup(void)
{
	T = lrt_mkdtemp("/var/tmp");
	WORK = lrt_fmt("%s/work", T);
	HOME_DIR = lrt_fmt("%s/home", T);
	SECRET = lrt_fmt("%s/secret", HOME_DIR);
	POLICY = lrt_fmt("%s/learned.ini", T);
	mkdir(WORK, 0755);
	mkdir(HOME_DIR, 0755);
	lrt_write(SECRET, "s3cret\n");
	char *f = lrt_fmt("%s/f", WORK);
	lrt_write(f, "a\nb\nc\n");
	free(f);
	ENV[0] = "PATH=/usr/bin:/bin";
	ENV[1] = "LANG=C";
	ENV[2] = lrt_fmt("HOME=%s", HOME_DIR);
	ENV[3] = lrt_fmt("TMPDIR=%s", T);
	ENV[4] = NULL;
}

static void teardown(void)
{
	lrt_rmrf(T);
	free(T);
	free(WORK);
	free(HOME_DIR);
	free(SECRET);
	free(POLICY);
	free(ENV[2]);
	free(ENV[3]);
}
TestSuite(learn, .init = setup, .fini = teardown);

/* landrun learn -o POLICY [extra] -- cmd...: returns the result. Without a base policy in extra
 * (--policy=BASE), the command runs --unconfined. */
static struct lrt_result *learn(const char *extra, const char *const cmd[])
{
	const char *args[24] = { "learn", "-o", POLICY };
	size_t n = 3;
	if (!extra || strncmp(extra, "--policy", 8) != 0)
		args[n++] = "--unconfined";
	if (extra)
		args[n++] = extra;
	args[n++] = "--";
	for (size_t i = 0; cmd[i] && n < 23; i++)
		args[n++] = cmd[i];
	args[n] = NULL;
	return lrt_run_env(WORK, ENV, args);
}

/* landrun -p POLICY -- cmd... */
static struct lrt_result *under_learned(const char *const cmd[])
{
	const char *args[24] = { "-p", POLICY, "--" };
	size_t n = 3;
	for (size_t i = 0; cmd[i] && n < 23; i++)
		args[n++] = cmd[i];
	args[n] = NULL;
	return lrt_run_env(WORK, ENV, args);
}

static void expect_status(struct lrt_result *r, int status)
{
	cr_expect_eq(r->status, status, "status %d: %s%s", r->status, r->out, r->err);
	lrt_free(r);
}

/* The secret under $HOME: readable without landrun (the twin), not under the learned policy. */
static void expect_secret_denied(void)
{
	cr_assert_eq(access(SECRET, R_OK), 0);
	struct lrt_result *r = under_learned(LRT_ARGS("/bin/cat", SECRET));
	cr_expect_neq(r->status, 0, "the secret was readable: %s%s", r->out, r->err);
	cr_expect(!lrt_contains(r->out, "s3cret"), "%s", r->out);
	lrt_free(r);
}

static bool have(const char *path)
{
	return access(path, X_OK) == 0;
}

static char *file_text(const char *path)
{
	FILE *f = fopen(path, "r");
	cr_assert(f, "cannot read %s", path);
	char *buf = calloc(1, 65536);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static char *policy_text(void)
{
	return file_text(POLICY);
}

Test(learn, shell_pipeline)
{
	const char *const cmd[] = { "/bin/sh", "-c", "cat f | wc -l > out", NULL };
	expect_status(learn(NULL, cmd), 0);
	char *text = policy_text();
	cr_expect(lrt_contains(text, "[filesystem]") && lrt_contains(text, "\nrw = ${CWD}\n"), "%s", text);
	cr_expect(!lrt_contains(text, HOME_DIR), "nothing under $HOME was touched: %s", text);
	cr_expect(lrt_contains(text, "; the working directory: "), "lines carry where they came from: %s", text);
	free(text);
	char *out = lrt_fmt("%s/out", WORK);
	unlink(out);
	expect_status(under_learned(cmd), 0);
	cr_expect_eq(access(out, F_OK), 0, "the pipeline wrote its output under the learned policy");
	free(out);
	expect_secret_denied();
}

/* /etc is not folded into one grant: a file the command did not read stays out of reach. */
Test(learn, etc_files_are_granted_one_by_one)
{
	const char *const cmd[] = { "/bin/cat", "/etc/passwd", NULL };
	expect_status(learn(NULL, cmd), 0);
	char *text = policy_text();
	cr_expect(lrt_contains(text, "ro = /etc/passwd\n"), "%s", text);
	cr_expect(!lrt_contains(text, "ro = /etc\n"), "never the whole of /etc: %s", text);
	free(text);
	expect_status(under_learned(cmd), 0);
	const char *const other[] = { "/bin/cat", "/etc/group", NULL };
	struct lrt_result *r = under_learned(other);
	cr_expect_eq(r->status, 1, "an /etc file the command did not read: %s%s", r->out, r->err);
	cr_expect(lrt_contains(r->err, "Permission denied"), "%s", r->err);
	lrt_free(r);
}

Test(learn, git_clone_of_a_local_repository)
{
	if (!have("/usr/bin/git"))
		cr_skip_test("git is not installed");
	char *setup_cmd = lrt_fmt("cd %s && git init -q src && cd src && echo hi > README && git add README && "
				  "git -c user.name=t -c user.email=t@t commit -qm init", T);
	const char *const mk[] = { "/bin/sh", "-c", setup_cmd, NULL };
	struct lrt_result *r = lrt_run_env(T, ENV, LRT_ARGS("--unrestricted-filesystem", "--", mk[0], mk[1], mk[2]));
	cr_assert_eq(r->status, 0, "making the repository: %s%s", r->out, r->err);
	lrt_free(r);
	char *src = lrt_fmt("%s/src", T);
	const char *const cmd[] = { "/usr/bin/git", "clone", "-q", src, "dst", NULL };
	expect_status(learn(NULL, cmd), 0);
	char *text = policy_text();
	cr_expect(lrt_contains(text, "[exec]") && lrt_contains(text, "/git"), "%s", text);
	free(text);
	char *rm = lrt_fmt("rm -rf %s/dst", WORK);
	cr_assert_eq(system(rm), 0);
	expect_status(under_learned(cmd), 0);
	char *readme = lrt_fmt("%s/dst/README", WORK);
	cr_expect_eq(access(readme, F_OK), 0, "cloned under the learned policy");
	expect_secret_denied();
	free(readme);
	free(rm);
	free(src);
	free(setup_cmd);
}

Test(learn, python3_with_syscalls)
{
	if (!have("/usr/bin/python3"))
		cr_skip_test("python3 is not installed");
	const char *const cmd[] = { "/usr/bin/python3", "-c", "print(len(open('f').read().splitlines()))", NULL };
	expect_status(learn("--syscalls", cmd), 0);
	char *text = policy_text();
	cr_expect(lrt_contains(text, "default = deny") && lrt_contains(text, " openat"), "%s", text);
	free(text);
	struct lrt_result *r = under_learned(cmd);
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	cr_expect(lrt_contains(r->out, "3"), "%s", r->out);
	lrt_free(r);
	expect_secret_denied();
}

Test(learn, home_files_the_command_read_are_granted_one_by_one)
{
	char *conf = lrt_fmt("%s/.toolrc", HOME_DIR);
	lrt_write(conf, "x\n");
	char *script = lrt_fmt("cat %s > /dev/null", conf);
	const char *const cmd[] = { "/bin/sh", "-c", script, NULL };
	expect_status(learn(NULL, cmd), 0);
	char *text = policy_text();
	char *line = lrt_fmt("ro = ?${HOME}/.toolrc\n");
	cr_expect(lrt_contains(text, line), "want \"%s\": %s", line, text);
	char *home_line = lrt_fmt("= %s\n", HOME_DIR), *abs_line = lrt_fmt("= ?%s", HOME_DIR);
	cr_expect(!lrt_contains(text, home_line) && !lrt_contains(text, "= ${HOME}\n") && !lrt_contains(text, abs_line),
		  "never the whole $HOME, and named as ${HOME}: %s", text);
	expect_status(under_learned(cmd), 0);
	expect_secret_denied();
	free(abs_line);
	free(home_line);
	free(line);
	free(text);
	free(script);
	free(conf);
}

Test(learn, policy_written_when_the_command_fails)
{
	const char *const cmd[] = { "/bin/sh", "-c", "cat f > /dev/null; exit 3", NULL };
	expect_status(learn(NULL, cmd), 3);
	char *text = policy_text();
	cr_expect(lrt_contains(text, "exited with status 3"), "%s", text);
	free(text);
	expect_status(under_learned(cmd), 3);
}

Test(learn, tcp_ports_connected)
{
	char *probe = lrt_fmt("%s", lrt_probe());
	/* nothing listens: the connect fails (ECONNREFUSED) and no port is learned */
	const char *const refused[] = { probe, "connect", "4243", NULL };
	expect_status(learn(NULL, refused), 1);
	char *text = policy_text();
	cr_expect(!lrt_contains(text, "connect_tcp"), "%s", text);
	free(text);

	/* a listener of ours: the connect succeeds and its port is learned, and only that port */
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	cr_assert(l >= 0 && bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(l, 8) == 0 &&
		  getsockname(l, (struct sockaddr *)&a, &len) == 0);
	char *port = lrt_fmt("%u", ntohs(a.sin_port));
	const char *const cmd[] = { probe, "connect", port, NULL };
	expect_status(learn(NULL, cmd), 0);
	text = policy_text();
	char *line = lrt_fmt("connect_tcp = %s\n", port);
	cr_expect(lrt_contains(text, line), "want \"%s\": %s", line, text);
	struct lrt_result *r = under_learned(cmd);
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
	/* the attack: another port, refused by Landlock (EACCES), not by the kernel */
	char *other = lrt_fmt("%u", ntohs(a.sin_port) == 4244 ? 4245 : 4244);
	r = under_learned(LRT_ARGS(probe, "connect", other));
	cr_expect(lrt_contains(r->out, "denied EACCES"), "%s%s", r->out, r->err);
	lrt_free(r);
	close(l);
	free(other);
	free(line);
	free(text);
	free(port);
	free(probe);
}

Test(learn, udp_use_is_learned)
{
	char *probe = lrt_fmt("%s", lrt_probe());
	const char *const cmd[] = { probe, "udp-send", "4246", NULL };
	expect_status(learn(NULL, cmd), 0);
	char *text = policy_text();
	cr_expect(lrt_contains(text, "udp = yes\n") && !lrt_contains(text, "connect_tcp"), "%s", text);
	expect_status(under_learned(cmd), 0);
	free(text);
	free(probe);
}

/* A pathname unix socket and a netlink protocol beyond route: learned, and the learned policy
 * lets the command do it again (the default refuses both). */
Test(learn, unix_sockets_and_netlink_are_learned)
{
	char *probe = lrt_fmt("%s", lrt_probe()), *sock = lrt_fmt("%s/learn.sock", T);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
	cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(fd, 4) == 0);
	const char *const cmd[] = { probe, "unix-connect", sock, NULL };
	expect_status(learn(NULL, cmd), 0);
	char *text = policy_text();
	cr_expect(lrt_contains(text, "unix = any\n"), "%s", text);
	expect_status(under_learned(cmd), 0);
	free(text);
	const char *const diag[] = { probe, "sock-diag", NULL };
	expect_status(learn(NULL, diag), 0);
	text = policy_text();
	cr_expect(lrt_contains(text, "netlink = route sock_diag\n") && !lrt_contains(text, "unix = any"), "%s", text);
	expect_status(under_learned(diag), 0);
	close(fd);
	free(text);
	free(sock);
	free(probe);
}

Test(learn, usage_errors)
{
	struct lrt_result *r = lrt_run_env(WORK, ENV, LRT_ARGS("learn"));
	cr_expect_eq(r->status, 125);
	cr_expect(lrt_contains(r->err, "landrun: learn: no command given"), "%s", r->err);
	lrt_free(r);
	r = lrt_run_env(WORK, ENV, LRT_ARGS("learn", "--bogus", "--", "/bin/true"));
	cr_expect_eq(r->status, 125);
	cr_expect(lrt_contains(r->err, "--bogus: unknown option"), "%s", r->err);
	lrt_free(r);
}

Test(learn, base_policy_restricts_the_observed_run)
{
	/* under BASE the secret read fails, so it is not learned: the command still runs otherwise */
	char *base = lrt_policy(T, "base", "");
	char *grant = lrt_fmt("[policy]\ninclude = %s\n[filesystem]\nrw = %s\n", base, WORK);
	char *base2 = lrt_fmt("%s/base2.ini", T);
	lrt_write(base2, grant);
	char *script = lrt_fmt("cat f > /dev/null; cat %s", SECRET);
	const char *const cmd[] = { "/bin/sh", "-c", script, NULL };
	char *opt = lrt_fmt("--policy=%s", base2);
	struct lrt_result *r = learn(opt, cmd);
	free(opt);
	cr_expect_neq(r->status, 0, "%s%s", r->out, r->err);
	cr_expect(!lrt_contains(r->out, "s3cret"), "%s", r->out);
	lrt_free(r);
	char *text = policy_text();
	char *g1 = lrt_fmt("\nro = %s\n", SECRET), *g2 = lrt_fmt("\nro = ?%s\n", SECRET);
	cr_expect(!lrt_contains(text, g1) && !lrt_contains(text, g2) && lrt_contains(text, "\nrw = ${CWD}\n"), "%s", text);
	/* what BASE denied is a suggestion in a comment, not a grant */
	char *hint = lrt_fmt("\n; denied by the base policy: ro = %s\n", SECRET);
	cr_expect(lrt_contains(text, hint), "want \"%s\": %s", hint, text);
	cr_expect(!lrt_contains(text, "unconfined"), "%s", text);
	free(hint);
	free(g1);
	free(g2);
	free(text);
	free(script);
	free(base2);
	free(grant);
	free(base);
}

/* Without a base policy, learn refuses to run the command at all (it would run unsandboxed), with
 * one line saying what to give; --unconfined is the twin: it runs, with a warning. */
Test(learn, refuses_to_run_unconfined_unless_asked)
{
	char *made = lrt_fmt("%s/ran", HOME_DIR);
	char *script = lrt_fmt("touch %s", made);
	struct lrt_result *r = lrt_run_env(WORK, ENV, LRT_ARGS("learn", "-o", POLICY, "--", "/bin/sh", "-c", script));
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "landrun: learn: without a base policy the command would run with no sandbox at all; "
				       "give one with -p BASE (e.g. -p default), or --unconfined to run it unconfined\n"),
		  "%s", r->err);
	cr_expect_eq(strchr(r->err, '\n'), r->err + strlen(r->err) - 1, "one line: %s", r->err);
	cr_expect_eq(access(made, F_OK), -1, "the command ran");
	cr_expect_eq(access(POLICY, F_OK), -1, "a policy was written");
	lrt_free(r);
	r = lrt_run_env(WORK, ENV, LRT_ARGS("learn", "-o", POLICY, "--unconfined", "--", "/bin/sh", "-c", script));
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->err, "landrun: learn: warning: --unconfined: the command runs with no sandbox at all"),
		  "%s", r->err);
	cr_expect_eq(access(made, F_OK), 0, "the command did not run");
	lrt_free(r);
	r = lrt_run_env(WORK, ENV, LRT_ARGS("learn", "-p", "default", "--unconfined", "--", "/bin/true"));
	cr_expect_eq(r->status, 125, "%s", r->err);
	lrt_free(r);
	free(script);
	free(made);
}

/* The attack: the command writes files named so that their names, written raw, would be policy
 * lines ("\n[filesystem]\nunrestricted = yes"), or would be cut by a comment (" ;") or split at a
 * blank (the files are there from an earlier run of the command: writing them records each file,
 * not the directory). The learned policy, read back, grants those very files (the command runs
 * again under it) and nothing more: not unrestricted, the secret stays out of reach. */
Test(learn, hostile_file_names_do_not_inject_policy_lines)
{
	static const char *const names[] = { "x\n[filesystem]\nunrestricted = yes", "a b", "c ;d", "e\"\\f ${HOME}",
					      "?g#h=[i]" };
	char *script = lrt_fmt("cd %s", HOME_DIR);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *f = lrt_fmt("%s/%s", HOME_DIR, names[i]);
		lrt_write(f, "");
		free(f);
		char *next = lrt_fmt("%s && printf x > \"$%zu\"", script, i + 1);
		free(script);
		script = next;
	}
	const char *const cmd[] = { "/bin/sh", "-c", script, "sh", names[0], names[1], names[2], names[3], names[4], NULL };
	expect_status(learn(NULL, cmd), 0);
	char *text = policy_text();
	cr_expect(!lrt_contains(text, "\nunrestricted"), "a name made a policy line: %s", text);
	cr_expect(!lrt_contains(text, "\n[filesystem]\n[") && lrt_contains(text, "\\n[filesystem]\\nunrestricted = yes"),
		  "%s", text);
	struct lrt_result *r = lrt_run_env(WORK, ENV, LRT_ARGS("--explain", "-p", POLICY));
	cr_expect_eq(r->status, 0, "the learned policy does not load: %s%s", r->out, r->err);
	cr_expect(!lrt_contains(r->out, "NOT restricted") && !lrt_contains(r->out, "\nunrestricted") &&
		  lrt_contains(r->out, "\\n[filesystem]\\nunrestricted = yes\"  ("), "%s", r->out);
	lrt_free(r);
	/* each file is granted: the command runs again under the policy and writes them all */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *f = lrt_fmt("%s/%s", HOME_DIR, names[i]);
		lrt_write(f, "");
		free(f);
	}
	expect_status(under_learned(cmd), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *f = lrt_fmt("%s/%s", HOME_DIR, names[i]);
		struct stat st;
		cr_expect(stat(f, &st) == 0 && st.st_size == 1, "%s was not written under the learned policy", names[i]);
		free(f);
	}
	/* ... and the secret next to them is not */
	expect_secret_denied();
	r = under_learned(LRT_ARGS("/bin/sh", "-c", lrt_fmt("printf x > '%s/other'", HOME_DIR)));
	cr_expect_neq(r->status, 0, "a file the command did not write: %s%s", r->out, r->err);
	lrt_free(r);
	free(text);
	free(script);
}

/* A name too long for one policy line (the reader takes 197 bytes) is not granted: it is a comment,
 * with a warning, and the rest of the policy still loads. */
Test(learn, names_too_long_for_a_line_become_comments)
{
	char name[201];
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	char *script = lrt_fmt("printf x > %s/%s", HOME_DIR, name), *file = lrt_fmt("%s/%s", HOME_DIR, name);
	lrt_write(file, "");
	free(file);
	const char *const cmd[] = { "/bin/sh", "-c", script, NULL };
	struct lrt_result *r = learn(NULL, cmd);
	cr_expect_eq(r->status, 0, "%s", r->err);
	cr_expect(lrt_contains(r->err, "too long for a policy line (at most 197 bytes), written as a comment, not granted"),
		  "%s", r->err);
	lrt_free(r);
	char *text = policy_text();
	cr_expect(lrt_contains(text, "\n; not granted, too long for a policy line: rw = ?"), "%s", text);
	free(text);
	r = lrt_run_env(WORK, ENV, LRT_ARGS("--explain", "-p", POLICY));
	cr_expect_eq(r->status, 0, "the learned policy does not load: %s%s", r->out, r->err);
	lrt_free(r);
	free(script);
}

/* learn refused (r freed), the victim as it was; the output file is removed for the next try. */
static void refused_and_kept(struct lrt_result *r, const char *victim)
{
	cr_expect_eq(r->status, 125, "%s", r->err);
	lrt_free(r);
	char *kept = file_text(victim);
	cr_expect_str_eq(kept, "precious\n");
	free(kept);
	unlink(POLICY);
}

/* The attack: while it runs, the command replaces the output file by a link to a file of the
 * user's; the policy is not written through it. The twin: left alone, the file is written. */
Test(learn, output_replaced_by_the_command_is_not_written)
{
	char *victim = lrt_fmt("%s/.bashrc", HOME_DIR);
	lrt_write(victim, "precious\n");
	char *script = lrt_fmt("rm -f %s && ln -s %s %s", POLICY, victim, POLICY);
	const char *const cmd[] = { "/bin/sh", "-c", script, NULL };
	struct lrt_result *r = learn(NULL, cmd);
	cr_expect_eq(r->status, 125, "%s", r->err);
	cr_expect(lrt_contains(r->err, "cannot write"), "%s", r->err);
	lrt_free(r);
	char *kept = file_text(victim);
	cr_expect_str_eq(kept, "precious\n");
	free(kept);
	/* the link left there: a later learn does not write through it either */
	const char *const later[] = { "/bin/true", NULL };
	refused_and_kept(learn(NULL, later), victim);
	/* a hard link to the victim in place of the file: another file, also refused */
	free(script);
	script = lrt_fmt("rm -f %s && ln %s %s", POLICY, victim, POLICY);
	const char *const cmd2[] = { "/bin/sh", "-c", script, NULL };
	refused_and_kept(learn(NULL, cmd2), victim);
	const char *const twin[] = { "/bin/true", NULL };
	expect_status(learn(NULL, twin), 0);
	char *text = policy_text();
	cr_expect(lrt_contains(text, "[filesystem]"), "%s", text);
	free(text);
	free(script);
	free(victim);
}

/* Every line of the learned policy that names path is a comment: no grant, no [exec] entry. */
static void expect_only_comments_name(const char *text, const char *path)
{
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char *one = strndup(line, len);
		cr_expect(!strstr(one, path) || one[0] == ';', "a grant for %s: \"%s\" in:\n%s", path, one, text);
		free(one);
		line += len + (end ? 1 : 0);
	}
}

/* A base policy: base.ini, the probe, and the working directory read-write and executable. */
static char *race_base(void)
{
	char *extra = lrt_fmt("rwx = %s", WORK);
	char *base = lrt_policy(T, "race-base", extra);
	free(extra);
	return base;
}

/* The attack: for 2 s the command exchanges two links, l -> real and l2 -> a secret directory
 * outside the base policy, while it reads l/id_rsa, creates l/planted and l/d, and runs the script
 * l/prog. A tracer that resolves the paths after the calls (another process of the command
 * re-points l in between) records the secret directory as used, and would write
 * "rw = SECRET_DIR" as a grant, or SECRET_DIR/prog in [exec]. What the
 * command opened is taken from its fd, what it named only is judged against the base policy: the
 * learned policy names the secret directory in comments only (what the base denied, what is not in
 * it), and under it the secret stays unreadable. */
Test(learn, links_raced_under_the_tracer_grant_nothing_outside_the_base, .timeout = 60)
{
	char *secret_dir = lrt_fmt("%s/secretdir", T), *key = lrt_fmt("%s/secretdir/id_rsa", T);
	char *prog = lrt_fmt("%s/prog", secret_dir);
	mkdir(secret_dir, 0755);
	lrt_write(key, "PRIVATE KEY\n");
	lrt_write(prog, "#!/bin/true\n");
	chmod(prog, 0755);
	char *base = race_base(), *opt = lrt_fmt("--policy=%s", base), *probe = lrt_fmt("%s", lrt_probe());
	const char *const cmd[] = { probe, "race-links", WORK, secret_dir, "2000", NULL };
	struct lrt_result *r = learn(opt, cmd);
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	cr_expect(!lrt_contains(r->out, "PRIVATE KEY"), "%s", r->out);
	lrt_free(r);
	char *text = policy_text();
	/* the race was run: the base refused an open through the link while it led to the secret */
	char *hint = lrt_fmt("; denied by the base policy: ro = %s\n", key);
	cr_expect(lrt_contains(text, hint), "the links were never exchanged under an open: %s", text);
	expect_only_comments_name(text, secret_dir);
	char *work_line = lrt_fmt("rw = ${CWD}\n");
	cr_expect(lrt_contains(text, work_line), "%s", text);
	free(work_line);
	/* under the learned policy, the secret stays out of reach */
	r = under_learned(LRT_ARGS("/bin/cat", key));
	cr_expect_neq(r->status, 0, "the secret was readable: %s%s", r->out, r->err);
	cr_expect(!lrt_contains(r->out, "PRIVATE KEY"), "%s", r->out);
	lrt_free(r);
	free(hint);
	free(text);
	free(probe);
	free(opt);
	free(base);
	free(prog);
	free(key);
	free(secret_dir);
}

/* The twin: the same command with the links left alone learns its grants under the same base, and
 * runs again under them. */
Test(learn, links_left_alone_learn_grants_that_run_again, .timeout = 60)
{
	char *secret_dir = lrt_fmt("%s/secretdir", T);
	mkdir(secret_dir, 0755);
	char *base = race_base(), *opt = lrt_fmt("--policy=%s", base), *probe = lrt_fmt("%s", lrt_probe());
	const char *const cmd[] = { probe, "calm-links", WORK, secret_dir, "100", NULL };
	struct lrt_result *r = learn(opt, cmd);
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	cr_expect(lrt_contains(r->out, "refused 0\n"), "%s", r->out);
	cr_expect(!lrt_contains(r->err, "not in the base policy"), "%s", r->err);
	lrt_free(r);
	char *text = policy_text();
	char *work_line = lrt_fmt("rw = ${CWD}\n");
	cr_expect(lrt_contains(text, work_line) && !lrt_contains(text, "not in the base policy"), "%s", text);
	free(work_line);
	expect_only_comments_name(text, secret_dir);
	free(text);
	char *links = lrt_fmt("rm -f %s/l %s/l2", WORK, WORK);
	cr_assert_eq(system(links), 0);
	r = under_learned(cmd);
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	cr_expect(lrt_contains(r->out, "refused 0\n"), "%s", r->out);
	lrt_free(r);
	free(links);
	free(probe);
	free(opt);
	free(base);
	free(secret_dir);
}

/* A learned policy runs again: from another checkout, with another TMPDIR, and after the files the
 * command wrote were removed (make clean), because it names the working and temporary directories
 * as ${CWD} and ${TMPDIR}, and a file the command creates through its directory. What it did not
 * use stays out of reach: the old absolute directories, a sibling directory, $HOME's secret. */
Test(learn, learned_policy_reruns_elsewhere_and_after_clean, .timeout = 60)
{
	char *out = lrt_mkdtemp("/var/tmp"), *other = lrt_mkdtemp("/var/tmp");
	char *tmp1 = lrt_mkdtemp("/var/tmp"), *tmp2 = lrt_mkdtemp("/var/tmp");
	char *work2 = lrt_fmt("%s/work2", T), *gen = lrt_fmt("%s/gen.txt", out), *unlearned = lrt_fmt("%s/u", other);
	char *script = lrt_fmt("cat f > copy && echo hi > %s && echo t > \"$TMPDIR/t.txt\"", gen);
	mkdir(work2, 0755);
	char *f2 = lrt_fmt("%s/f", work2);
	lrt_write(f2, "x\n");
	lrt_write(unlearned, "unlearned\n");
	lrt_write(gen, "old\n"); /* it existed when learned: opened O_CREAT, written again */
	char *env1[] = { "PATH=/usr/bin:/bin", "LANG=C", ENV[2], lrt_fmt("TMPDIR=%s", tmp1), NULL };
	char *env2[] = { "PATH=/usr/bin:/bin", "LANG=C", ENV[2], lrt_fmt("TMPDIR=%s", tmp2), NULL };
	const char *const learn_args[] = { "learn", "-o", POLICY, "--unconfined", "--", "/bin/sh", "-c", script, NULL };
	struct lrt_result *r = lrt_run_env(WORK, env1, learn_args);
	cr_assert_eq(r->status, 0, "%s%s", r->out, r->err);
	cr_expect(!lrt_contains(r->err, "inside the learned write grant"), "%s", r->err);
	lrt_free(r);
	char *text = policy_text(), *out_line = lrt_fmt("rw = %s\n", out), *abs_work = lrt_fmt("= %s\n", WORK);
	cr_expect(lrt_contains(text, "rw = ${CWD}\n") && lrt_contains(text, "rw = ${TMPDIR}\n"), "%s", text);
	cr_expect(lrt_contains(text, out_line), "the created file's directory is granted: %s", text);
	cr_expect(!lrt_contains(text, abs_work) && !lrt_contains(text, tmp1), "%s", text);
	cr_expect(!lrt_contains(text, "[network]"), "no empty section: %s", text);
	free(text);

	/* after make clean, from another checkout, with another TMPDIR */
	cr_assert_eq(unlink(gen), 0);
	const char *const rerun[] = { "-p", POLICY, "--", "/bin/sh", "-c", script, NULL };
	r = lrt_run_env(work2, env2, rerun);
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	lrt_free(r);
	char *copy2 = lrt_fmt("%s/copy", work2), *t2 = lrt_fmt("%s/t.txt", tmp2);
	cr_expect(access(gen, F_OK) == 0 && access(copy2, F_OK) == 0 && access(t2, F_OK) == 0,
		  "the rerun wrote its files again");

	/* the attacks: the first checkout, the first TMPDIR, a directory it never used, $HOME */
	char *w1 = lrt_fmt("echo x > %s/planted", WORK), *w2 = lrt_fmt("echo x > %s/planted", tmp1);
	const char *const attacks[][7] = {
		{ "-p", POLICY, "--", "/bin/sh", "-c", w1, NULL },
		{ "-p", POLICY, "--", "/bin/sh", "-c", w2, NULL },
		{ "-p", POLICY, "--", "/bin/cat", unlearned, NULL },
		{ "-p", POLICY, "--", "/bin/cat", SECRET, NULL },
	};
	for (size_t i = 0; i < LRT_LEN(attacks); i++) {
		r = lrt_run_env(work2, env2, attacks[i]);
		cr_expect_neq(r->status, 0, "%s: %s%s", attacks[i][4], r->out, r->err);
		cr_expect(!lrt_contains(r->out, "unlearned") && !lrt_contains(r->out, "s3cret"), "%s", r->out);
		lrt_free(r);
	}
	char *planted1 = lrt_fmt("%s/planted", WORK), *planted2 = lrt_fmt("%s/planted", tmp1);
	cr_expect(access(planted1, F_OK) != 0 && access(planted2, F_OK) != 0, "nothing was planted");
	cr_expect_eq(access(unlearned, R_OK), 0); /* the twin: readable outside the sandbox */

	free(planted1), free(planted2), free(w1), free(w2), free(copy2), free(t2), free(out_line), free(abs_work);
	free(env1[3]), free(env2[3]), free(script), free(f2), free(unlearned), free(gen), free(work2);
	lrt_rmrf(out), lrt_rmrf(other), lrt_rmrf(tmp1), lrt_rmrf(tmp2);
	free(out), free(other), free(tmp1), free(tmp2);
}

/* -o FILE inside a write grant of the learned policy: landrun refuses to load a policy the sandbox
 * could rewrite, so learn says so when it writes it (the twin, -o outside, is above). */
Test(learn, output_inside_a_learned_write_grant_warns)
{
	const char *const args[] = { "learn", "-o", "learned.ini", "--unconfined", "--", "/bin/sh", "-c", "echo x > out", NULL };
	struct lrt_result *r = lrt_run_env(WORK, ENV, args);
	cr_expect_eq(r->status, 0, "%s%s", r->out, r->err);
	cr_expect(lrt_contains(r->err, "learned.ini is inside the learned write grant"), "%s", r->err);
	lrt_free(r);
	const char *const rerun[] = { "-p", "./learned.ini", "--", "/bin/true", NULL };
	r = lrt_run_env(WORK, ENV, rerun);
	cr_expect_eq(r->status, 125, "the rerun is refused as warned: %s%s", r->out, r->err);
	lrt_free(r);
}

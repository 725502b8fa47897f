/* landrun check: each finding triggered by a minimal policy, its weight and origin; the score, its
 * cap, the verdicts and the order of the report. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "workdir.h"
#include "unit.h"

static const char *const check_env[] = { "HOME=/home/tester", "PATH=/usr/bin:/bin:/home/tester/bin", NULL };
static struct lr_env_ctx CTX = { .environ = check_env };

struct checked {
	struct lr_policy p;
	struct lr_check_report r;
};

/* Parses text as "t.ini" and checks it; asserts both succeed. */
static struct checked *check_text(const char *text)
{
	struct checked *c = calloc(1, sizeof(*c));
	struct lr_error err = { 0 };
	lr_policy_init(&c->p);
	lr_check_init(&c->r);
	cr_assert_eq(lr_policy_load_string(&c->p, &CTX, text, "t.ini", &err), 0, "%s", err.msg);
	cr_assert_eq(lr_check_policy(&c->r, &c->p, check_env, &err), 0, "%s", err.msg);
	return c;
}

static void checked_free(struct checked *c)
{
	lr_check_free(&c->r);
	lr_policy_free(&c->p);
	free(c);
}

static const struct lr_finding *finding(const struct checked *c, const char *id)
{
	for (size_t i = 0; i < c->r.findings.len; i++) {
		const struct lr_finding *f = lr_vec_at(&c->r.findings, i);
		if (strcmp(f->id, id) == 0)
			return f;
	}
	return NULL;
}

static size_t count(const struct checked *c, const char *id)
{
	size_t n = 0;
	for (size_t i = 0; i < c->r.findings.len; i++)
		n += strcmp(((const struct lr_finding *)lr_vec_at(&c->r.findings, i))->id, id) == 0;
	return n;
}

struct trigger {
	const char *id;
	const char *policy;
	int line; /* of the origin; 0: the finding is an absence, named by the file alone */
};

/* One minimal policy per finding. */
static const struct trigger triggers[] = {
	{ "fs-unrestricted", "[filesystem]\nunrestricted = yes\n", 2 },
	{ "rw-root", "[filesystem]\nrw = /\n", 2 },
	{ "baseline-none", "[syscalls]\nbaseline = none\n", 2 },
	{ "denials-logged", "[syscalls]\naction = log\n", 2 },
	{ "rw-system", "[filesystem]\nrw = /etc\n", 2 },
	{ "read-secrets", "[filesystem]\nro = /etc/ssh\n", 2 },
	{ "caps-kept", "[process]\ncapabilities = net_bind_service\n", 2 },
	{ "rw-home", "[filesystem]\nrw = /home\n", 2 },
	{ "rw-path", "[filesystem]\nrw = /home/tester/bin\n", 2 },
	{ "rw-proc-sys", "[filesystem]\nrw = /proc/sys\n", 2 },
	{ "dev-broad", "[filesystem]\nrw = /dev\n", 2 },
	{ "net-connect-any", "[network]\nconnect_tcp = any\n", 2 },
	{ "rw-dotfiles", "[filesystem]\nrw = /home/tester/.config\n", 2 },
	{ "best-effort", "[policy]\ncompat = best-effort\n", 2 },
	{ "interpreter-exec", "[exec]\nallow = /usr/bin\n", 2 },
	{ "write-exec", "[filesystem]\nrwx = /srv/x\n", 2 },
	{ "metadata-any", "[filesystem]\nmetadata = any\n", 2 },
	{ "abstract-unix-shared", "[network]\nabstract_unix = shared\n", 2 },
	{ "unix-any", "[network]\nunix = any\n", 2 },
	{ "netlink-broad", "[network]\nnetlink = route sock_diag\n", 2 },
	{ "baseline-except", "[syscalls]\nbaseline_except = ptrace\n", 2 },
	{ "env-keep-risky", "[env]\nkeep = SSH_AUTH_SOCK\n", 2 },
	{ "net-bind-any", "[network]\nbind_tcp = any\n", 2 },
	{ "read-home", "[filesystem]\nro = /home/tester\n", 2 },
	{ "udp", "[network]\nudp = yes\n", 2 },
	{ "udp-dns", "[network]\nudp = dns\n", 2 },
	{ "dev-tty", "[filesystem]\ndev = /dev/tty\n", 2 },
	{ "keep-fds", "[process]\nkeep_fds = 3\n", 0 },
	{ "secrets", "[env]\nsecrets = API_TOKEN\n", 2 },
	{ "signals-shared", "[process]\nsignals = shared\n", 2 },
	{ "no-exec-control", "[network]\nudp = no\n", 0 },
	{ "no-rlimits", "[network]\nudp = no\n", 0 },
	{ "proxy-credentials", "[env]\nstrip_proxy_credentials = no\n", 2 },
	{ "read-dotfiles", "[filesystem]\nro = /home/tester/.gitconfig\n", 2 },
	{ "read-etc", "[filesystem]\nro = /etc\n", 2 },
};

Test(check, each_finding_is_triggered_once_with_its_weight_and_origin)
{
	for (size_t i = 0; i < sizeof(triggers) / sizeof(triggers[0]); i++) {
		const struct trigger *t = &triggers[i];
		struct checked *c = check_text(t->policy);
		const struct lr_finding *f = finding(c, t->id);
		cr_expect(f != NULL, "%s not found for:\n%s", t->id, t->policy);
		if (f) {
			cr_expect_eq(count(c, t->id), 1, "%s", t->id);
			cr_expect_eq(f->weight, lr_check_weight(t->id), "%s", t->id);
			cr_expect_gt(f->weight, 0, "%s", t->id);
			cr_expect_str_eq(f->at.file, "t.ini", "%s", t->id);
			cr_expect_eq(f->at.line, t->line, "%s: line %d", t->id, f->at.line);
			cr_expect(f->what[0] && f->fix[0], "%s", t->id);
		}
		checked_free(c);
	}
}

Test(check, a_tight_policy_has_no_findings)
{
	struct checked *c = check_text("[filesystem]\nrox = /usr\nrw = /srv/data\n[exec]\nallow = none\n"
				       "[process]\nrlimit_nproc = 64\n");
	for (size_t i = 0; i < c->r.findings.len; i++)
		cr_expect(0, "unexpected %s", ((const struct lr_finding *)lr_vec_at(&c->r.findings, i))->id);
	cr_expect_eq(c->r.score, 0);
	cr_expect_str_eq(lr_check_verdict(c->r.score), "OK");
	checked_free(c);
}

Test(check, no_sandbox_at_all_scores_ten_and_unsafe)
{
	struct checked *c = check_text("[filesystem]\nunrestricted = yes\n[network]\nconnect_tcp = any\n"
				       "bind_tcp = any\nudp = yes\n[syscalls]\nbaseline = none\n");
	cr_expect_eq(c->r.score, 100);
	cr_expect_str_eq(lr_check_verdict(c->r.score), "UNSAFE");
	/* no path finding is added on top of the unrestricted filesystem */
	cr_expect_null(finding(c, "write-exec"));
	checked_free(c);
}

Test(check, score_is_the_sum_and_findings_are_heaviest_first)
{
	struct checked *c = check_text("[filesystem]\nro = /etc\nrw = /etc/x /opt\n[network]\nudp = no\n");
	/* rw-system once (first rule), read-secrets (ro = /etc), read-etc, no-exec-control, no-rlimits */
	cr_expect_eq(count(c, "rw-system"), 1);
	cr_expect_eq(finding(c, "rw-system")->at.line, 3);
	int sum = 0, prev = 1000;
	for (size_t i = 0; i < c->r.findings.len; i++) {
		const struct lr_finding *f = lr_vec_at(&c->r.findings, i);
		cr_expect_leq(f->weight, prev, "order at %s", f->id);
		prev = f->weight;
		sum += f->weight;
	}
	cr_expect_eq(c->r.score, sum);
	cr_expect_eq(sum, 40 + 40 + 5 + 5 + 5);
	checked_free(c);
}

Test(check, verdicts)
{
	cr_expect_str_eq(lr_check_verdict(0), "OK");
	cr_expect_str_eq(lr_check_verdict(29), "OK");
	cr_expect_str_eq(lr_check_verdict(30), "MEDIUM");
	cr_expect_str_eq(lr_check_verdict(59), "MEDIUM");
	cr_expect_str_eq(lr_check_verdict(60), "EXPOSED");
	cr_expect_str_eq(lr_check_verdict(89), "EXPOSED");
	cr_expect_str_eq(lr_check_verdict(90), "UNSAFE");
	cr_expect_str_eq(lr_check_verdict(100), "UNSAFE");
	cr_expect_eq(lr_check_weight("no-such-finding"), -1);
}

Test(check, exec_none_makes_rox_grants_harmless)
{
	/* rw and rox on the same tree: write-exec, unless allow = none strips execute */
	struct checked *c = check_text("[filesystem]\nrw = /srv/app\nrox = /srv/app/bin\n");
	cr_expect_not_null(finding(c, "write-exec"));
	checked_free(c);
	c = check_text("[filesystem]\nrw = /srv/app\nrox = /srv/app/bin\n[exec]\nallow = none\n");
	cr_expect_null(finding(c, "write-exec"));
	cr_expect_null(finding(c, "interpreter-exec"));
	checked_free(c);
}

Test(check, policy_writable_by_its_sandbox)
{
	char *T = lrt_mkdtemp("/var/tmp");
	char *pol = lrt_fmt("%s/p.ini", T);
	lrt_write(pol, lrt_fmt("[filesystem]\nro = /usr\nrw = %s\n", T));
	struct lr_policy p;
	struct lr_check_report r;
	struct lr_error err = { 0 };
	lr_policy_init(&p);
	lr_check_init(&r);
	cr_assert_eq(lr_policy_load(&p, &CTX, pol, &err), 0, "%s", err.msg);
	cr_assert_eq(lr_check_policy(&r, &p, check_env, &err), 0, "%s", err.msg);
	const struct lr_finding *f = lr_vec_at(&r.findings, 0);
	cr_expect_str_eq(f->id, "policy-writable");
	cr_expect_str_eq(f->at.file, pol);
	cr_expect_eq(f->at.line, 3);
	lr_check_free(&r);
	lr_policy_free(&p);
	/* the read-only twin */
	lrt_write(pol, lrt_fmt("[filesystem]\nro = /usr %s\n", T));
	lr_policy_init(&p);
	lr_check_init(&r);
	cr_assert_eq(lr_policy_load(&p, &CTX, pol, &err), 0, "%s", err.msg);
	cr_assert_eq(lr_check_policy(&r, &p, check_env, &err), 0, "%s", err.msg);
	for (size_t i = 0; i < r.findings.len; i++)
		cr_expect_str_neq(((const struct lr_finding *)lr_vec_at(&r.findings, i))->id, "policy-writable");
	lr_check_free(&r);
	lr_policy_free(&p);
	lrt_rmrf(T);
}

Test(check, policy_files_are_recorded_with_their_identity)
{
	char *T = lrt_mkdtemp("/var/tmp");
	char *a = lrt_fmt("%s/a.ini", T), *b = lrt_fmt("%s/b.ini", T);
	lrt_write(a, "[policy]\ninclude = b\n");
	lrt_write(b, "[network]\nudp = no\n");
	struct lr_policy p;
	struct lr_error err = { 0 };
	lr_policy_init(&p);
	cr_assert_eq(lr_policy_load(&p, &CTX, a, &err), 0, "%s", err.msg);
	/* embedded text is not a file: nothing a sandbox could rewrite */
	cr_assert_eq(lr_policy_load_string(&p, &CTX, "[network]\nudp = no\n", "<text>", &err), 0, "%s", err.msg);
	cr_assert_eq(p.files.len, 2);
	const char *want[] = { a, b };
	for (size_t i = 0; i < 2; i++) {
		const struct lr_policy_file *f = lr_vec_at(&p.files, i);
		struct stat st;
		cr_assert_eq(stat(want[i], &st), 0);
		cr_expect_str_eq(f->path, want[i]);
		cr_expect_str_eq(f->dir, T);
		cr_expect(f->dev == st.st_dev && f->ino == st.st_ino, "%s", want[i]);
	}
	lr_policy_free(&p);
	lrt_rmrf(T);
}

/* ---- what root must not hand out, the work directory, the git repository -------------------- */

Test(check, a_grant_above_a_secret_exposes_it_and_the_listed_files_do_not)
{
	const char *exposing[] = { "ro = /etc", "ro = /", "ro = /etc/ssl", "ro = /etc/ssl/private", "rox = /etc/sudoers.d",
				   "ro = /etc/shadow", "ro = /etc/ssh/ssh_host_ed25519_key", "rw = /etc/ssh" };
	for (size_t i = 0; i < sizeof(exposing) / sizeof(exposing[0]); i++) {
		struct checked *c = check_text(lrt_fmt("[filesystem]\n%s\n", exposing[i]));
		const struct lr_finding *f = finding(c, "read-secrets");
		cr_expect(f != NULL, "%s", exposing[i]);
		if (f)
			cr_expect_eq(f->at.line, 2);
		checked_free(c);
	}
	/* twin: what programs read from /etc, file by file, exposes nothing */
	struct checked *c = check_text("[filesystem]\nro = /etc/passwd /etc/group /etc/ssl/certs /etc/ssl/openssl.cnf\n"
				       "     /etc/ssh/ssh_config /etc/ssh/ssh_host_ed25519_key.pub /etc/shadowx\n");
	cr_expect_null(finding(c, "read-secrets"));
	checked_free(c);
}

Test(check, the_embedded_default_exposes_no_secret)
{
	struct checked *c = check_text(lr_default_policy);
	cr_expect_null(finding(c, "read-secrets"));
	cr_expect_null(finding(c, "read-etc"));
	checked_free(c);
}

Test(check, rw_cwd_from_the_root_or_home_is_one_finding)
{
	cr_assert_eq(chdir("/"), 0);
	struct checked *c = check_text("[filesystem]\nrw = ${CWD}\n");
	const struct lr_finding *f = finding(c, "rw-workdir");
	cr_expect(f != NULL);
	if (f)
		cr_expect_eq(f->at.line, 2);
	cr_expect_null(finding(c, "rw-root"), "the same line is not counted twice");
	checked_free(c);
	/* the same directory named, not ${CWD}: landrun runs it, check says rw-root */
	c = check_text("[filesystem]\nrw = /\n");
	cr_expect_null(finding(c, "rw-workdir"));
	cr_expect_not_null(finding(c, "rw-root"));
	checked_free(c);
	/* twin: from a work directory, nothing */
	char *T = lrt_mkdtemp("/var/tmp");
	cr_assert_eq(chdir(T), 0);
	c = check_text("[filesystem]\nrw = ${CWD}\n");
	cr_expect_null(finding(c, "rw-workdir"));
	checked_free(c);
	cr_assert_eq(chdir("/"), 0);
	lrt_rmrf(T);
	free(T);
}

Test(check, a_writable_git_repository_is_a_finding)
{
	char *T = lrt_mkdtemp("/var/tmp");
	struct checked *c = check_text(lrt_fmt("[filesystem]\nrw = %s\n", T));
	cr_expect_null(finding(c, "rw-git"), "no .git yet");
	checked_free(c);
	cr_assert_eq(mkdir(lrt_fmt("%s/.git", T), 0700), 0);
	c = check_text(lrt_fmt("[filesystem]\nrw = %s\n", T));
	const struct lr_finding *f = finding(c, "rw-git");
	cr_expect(f != NULL);
	if (f)
		cr_expect_eq(f->at.line, 2);
	checked_free(c);
	/* twin: read-only, nothing to plant */
	c = check_text(lrt_fmt("[filesystem]\nro = %s\n", T));
	cr_expect_null(finding(c, "rw-git"));
	checked_free(c);
	lrt_rmrf(T);
	free(T);
}

Test(check, workdir_danger_names_root_home_its_parents_and_system_trees)
{
	char *T = lrt_mkdtemp("/var/tmp");
	cr_assert_eq(mkdir(lrt_fmt("%s/home", T), 0700), 0);
	cr_assert_eq(mkdir(lrt_fmt("%s/home/u", T), 0700), 0);
	char *home = lrt_fmt("HOME=%s/home/u", T);
	const char *env[] = { home, NULL };
	const uid_t user = 54321; /* no passwd entry: only HOME names the home */
	cr_expect_str_eq(lr_workdir_danger("/", env, user), "the root of the filesystem");
	cr_expect_str_eq(lr_workdir_danger(lrt_fmt("%s/home/u", T), env, user), "$HOME");
	cr_expect_str_eq(lr_workdir_danger(lrt_fmt("%s/home", T), env, user), "a parent of $HOME");
	cr_expect_str_eq(lr_workdir_danger(lrt_fmt("%s/home/u/.config", T), env, user), "a hidden directory of $HOME");
	cr_expect_str_eq(lr_workdir_danger(lrt_fmt("%s/home/u/.cargo/bin", T), env, user), "a hidden directory of $HOME");
	const char *system[] = { "/usr", "/usr/lib", "/etc", "/etc/nginx", "/var", "/var/lib", "/srv", "/opt",
				 "/proc", "/sys/fs", "/dev", "/boot", "/run/user/1000", "/home" };
	for (size_t i = 0; i < sizeof(system) / sizeof(system[0]); i++)
		cr_expect(lr_workdir_danger(system[i], env, user) != NULL, "%s", system[i]);
	/* as root, a service's state below /var is refused too; /var/tmp stays a work place */
	const char *root_only[] = { "/var/lib/dpkg/info", "/var/lib/systemd", "/var/lib/ci/ws", "/var/spool/cron" };
	for (size_t i = 0; i < sizeof(root_only) / sizeof(root_only[0]); i++) {
		cr_expect(lr_workdir_danger(root_only[i], env, 0) != NULL, "%s", root_only[i]);
		cr_expect_null(lr_workdir_danger(root_only[i], env, user), "%s", root_only[i]);
	}
	/* twins: work places */
	const char *work[] = { "/srv/job-1", "/opt/app/build", "/tmp/x", "/var/tmp/y" };
	for (size_t i = 0; i < sizeof(work) / sizeof(work[0]); i++) {
		cr_expect_null(lr_workdir_danger(work[i], env, user), "%s", work[i]);
		cr_expect_null(lr_workdir_danger(work[i], env, 0), "%s", work[i]);
	}
	cr_expect_null(lr_workdir_danger(lrt_fmt("%s/home/u/project", T), env, user));
	cr_expect_null(lr_workdir_danger(lrt_fmt("%s/home/u/project/.hidden", T), env, user));
	lrt_rmrf(T);
	free(T);
}

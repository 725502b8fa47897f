/* landrun check: each finding triggered by a minimal policy, its weight and origin; the score, its
 * cap, the verdicts and the order of the report. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
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
	{ "abstract-unix-shared", "[network]\nabstract_unix = shared\n", 2 },
	{ "unix-any", "[network]\nunix = any\n", 2 },
	{ "netlink-broad", "[network]\nnetlink = route sock_diag\n", 2 },
	{ "baseline-except", "[syscalls]\nbaseline_except = ptrace\n", 2 },
	{ "env-keep-risky", "[env]\nkeep = SSH_AUTH_SOCK\n", 2 },
	{ "net-bind-any", "[network]\nbind_tcp = any\n", 2 },
	{ "read-home", "[filesystem]\nro = /home/tester\n", 2 },
	{ "udp", "[network]\nudp = yes\n", 2 },
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
	struct checked *c = check_text("[filesystem]\nro = /etc\nrw = /etc/x /opt\n[network]\nudp = yes\n");
	/* rw-system once (first rule), udp, read-etc, no-exec-control, no-rlimits */
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
	cr_expect_eq(sum, 40 + 15 + 5 + 5 + 5);
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

/* Go landrun's command lines, table-driven: every flag in the spellings Go's flag parser accepts
 * (--flag VALUE, --flag=VALUE, -flag VALUE, -flag=VALUE), comma lists, repeated flags, paths
 * relative to the current directory, the command after "--" or directly. Each row is run twice:
 * as granted (the flag given) and as its denied twin (the flag left out or narrowed), both checked. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static char *T;

/* T/a/f, T/b/f, T/c/f: files to read; T/x/p: a copy of the probe to execute. */
static void setup(void)
{
	T = lrt_mkdtemp("/var/tmp");
	const char *dirs[] = { "a", "b", "c", "x" };
	for (size_t i = 0; i < LRT_LEN(dirs); i++) {
		char *d = lrt_fmt("%s/%s", T, dirs[i]);
		mkdir(d, 0755);
		lrt_write(lrt_fmt("%s/f", d), "data\n");
		free(d);
	}
	struct lrt_result *r = lrt_run(NULL, LRT_ARGS("--unrestricted-filesystem", "--", "/bin/cp", lrt_probe(),
						      lrt_fmt("%s/x/p", T)));
	cr_assert_eq(r->status, 0, "%s", r->err);
	lrt_free(r);
	chmod(lrt_fmt("%s/x/p", T), 0755);
}
static void teardown(void) { lrt_rmrf(T); free(T); }
TestSuite(gotable, .init = setup, .fini = teardown);

enum { MAX_ARGS = 8 };

/* One command line, as Go landrun users write it: the options ("@" stands for the scratch
 * directory), the probe's operation and arguments, and what must come of it:
 *   "ok", "denied ENAME": the probe's report (exit 0, 1);
 *   "125": landrun refused, the command never ran;
 *   "+TEXT" / "-TEXT": exit 0, its output holds / lacks TEXT. */
struct line {
	char opts[MAX_ARGS][48];
	char op[16];
	char args[3][48];
	char want[32];
};

struct row {
	char name[40];
	bool no_dashdash; /* the command directly after the options */
	struct line granted, denied;
};

#define LINE(o, op_, a, w) { .opts = o, .op = op_, .args = a, .want = w }
#define L(...) { __VA_ARGS__ }

static struct row rows[] = {
	/* access flags in each spelling */
	{ "ro", false, LINE(L("--ro", "@/a"), "read", L("@/a/f"), "ok"), LINE(L(""), "read", L("@/a/f"), "denied EACCES") },
	{ "ro=", false, LINE(L("--ro=@/a"), "read", L("@/a/f"), "ok"), LINE(L("--ro=@/b"), "read", L("@/a/f"), "denied EACCES") },
	{ "-ro", false, LINE(L("-ro", "@/a"), "read", L("@/a/f"), "ok"), LINE(L("-ro", "@/b"), "read", L("@/a/f"), "denied EACCES") },
	{ "-ro=", false, LINE(L("-ro=@/a"), "read", L("@/a/f"), "ok"), LINE(L("-ro=@/b"), "read", L("@/a/f"), "denied EACCES") },
	{ "ro comma list", false, LINE(L("--ro", "@/b,@/a"), "read", L("@/a/f"), "ok"),
	  LINE(L("--ro", "@/b,@/c"), "read", L("@/a/f"), "denied EACCES") },
	{ "ro repeated", false, LINE(L("--ro", "@/b", "-ro", "@/a"), "read", L("@/a/f"), "ok"),
	  LINE(L("--ro", "@/b", "-ro", "@/c"), "read", L("@/a/f"), "denied EACCES") },
	{ "ro relative", false, LINE(L("--ro", "a"), "read", L("@/a/f"), "ok"), LINE(L("--ro", "b"), "read", L("@/a/f"), "denied EACCES") },
	{ "ro relative ./", false, LINE(L("-ro=./a/f"), "read", L("@/a/f"), "ok"), LINE(L("-ro=./b/f"), "read", L("@/a/f"), "denied EACCES") },
	{ "ro is read-only", false, LINE(L("--ro", "@/a"), "read", L("@/a/f"), "ok"), LINE(L("--ro", "@/a"), "write", L("@/a/new"), "denied EACCES") },
	{ "rw", false, LINE(L("--rw", "@/a"), "write", L("@/a/new"), "ok"), LINE(L("--ro", "@/a"), "write", L("@/a/new"), "denied EACCES") },
	{ "rw= list", false, LINE(L("-rw=@/b,@/a"), "write", L("@/a/new"), "ok"), LINE(L("-rw=@/b,@/c"), "write", L("@/a/new"), "denied EACCES") },
	{ "rwx", false, LINE(L("--rwx", "@/x"), "exec", L("@/x/p", "read", "@/x/f"), "ok"),
	  LINE(L("--rw", "@/x"), "exec", L("@/x/p", "read", "@/x/f"), "denied EACCES") },
	{ "rox", false, LINE(L("--rox", "@/x"), "exec", L("@/x/p", "read", "@/x/f"), "ok"),
	  LINE(L("--ro", "@/x"), "exec", L("@/x/p", "read", "@/x/f"), "denied EACCES") },
	{ "-rox=", false, LINE(L("-rox=@/x"), "exec", L("@/x/p", "read", "@/x/f"), "ok"),
	  LINE(L("-ro=@/x"), "exec", L("@/x/p", "read", "@/x/f"), "denied EACCES") },
	{ "rox is not writable", false, LINE(L("--rox", "@/x"), "read", L("@/x/f"), "ok"),
	  LINE(L("--rox", "@/x"), "write", L("@/x/f"), "denied EACCES") },
	/* the network */
	{ "bind-tcp", false, LINE(L("--bind-tcp", "47231"), "bind", L("47231"), "ok"), LINE(L(""), "bind", L("47231"), "denied EACCES") },
	{ "-bind-tcp= list", false, LINE(L("-bind-tcp=47230,47232"), "bind", L("47232"), "ok"),
	  LINE(L("-bind-tcp=47230,47233"), "bind", L("47232"), "denied EACCES") },
	{ "bind-tcp repeated", false, LINE(L("--bind-tcp", "47230", "--bind-tcp", "47234"), "bind", L("47234"), "ok"),
	  LINE(L("--bind-tcp", "47230", "--bind-tcp", "47235"), "bind", L("47234"), "denied EACCES") },
	/* connect: granted reaches the network stack (nothing listens: refused by the peer) */
	{ "connect-tcp", false, LINE(L("--connect-tcp", "47236"), "connect", L("47236"), "denied ECONNREFUSED"),
	  LINE(L(""), "connect", L("47236"), "denied EACCES") },
	{ "-connect-tcp= list", false, LINE(L("-connect-tcp=47230,47237"), "connect", L("47237"), "denied ECONNREFUSED"),
	  LINE(L("-connect-tcp=47230"), "connect", L("47237"), "denied EACCES") },
	{ "unrestricted-network", false, LINE(L("--unrestricted-network"), "bind", L("47238"), "ok"),
	  LINE(L("--bind-tcp", "47239"), "bind", L("47238"), "denied EACCES") },
	{ "unrestricted-filesystem", false, LINE(L("-unrestricted-filesystem"), "read", L("@/c/f"), "ok"),
	  LINE(L("--ro", "@/a"), "read", L("@/c/f"), "denied EACCES") },
	/* the environment: only what is named reaches the command */
	{ "env NAME=VALUE", false, LINE(L("--env", "GOCOMPAT=set"), "env", L(""), "+GOCOMPAT=set"),
	  LINE(L(""), "env", L(""), "-GOCOMPAT=") },
	{ "-env= repeated", false, LINE(L("-env=GOCOMPAT=1", "-env=GOCOMPAT2=2"), "env", L(""), "+GOCOMPAT2=2"),
	  LINE(L("-env=GOCOMPAT=1"), "env", L(""), "-GOCOMPAT2=") },
	/* compat: a kernel short of the policy (TCP needs ABI 4) refuses unless --best-effort */
	{ "best-effort", false, LINE(L("--test-abi", "3", "--best-effort", "--ro", "@/a"), "read", L("@/a/f"), "ok"),
	  LINE(L("--test-abi", "3", "--ro", "@/a"), "read", L("@/a/f"), "125") },
	{ "-best-effort", false, LINE(L("--test-abi", "3", "-best-effort", "-ro=@/a"), "read", L("@/a/f"), "ok"),
	  LINE(L("--test-abi", "3", "-ro=@/a"), "read", L("@/a/f"), "125") },
	{ "ignore-missing", false, LINE(L("--ignore-missing", "--ro", "@/a,@/gone"), "read", L("@/a/f"), "ok"),
	  LINE(L("--ro", "@/a,@/gone"), "read", L("@/a/f"), "125") },
	/* no "--": the first word that is not an option is the command */
	{ "ro, no --", true, LINE(L("--ro", "@/a"), "read", L("@/a/f"), "ok"), LINE(L("--ro", "@/b"), "read", L("@/a/f"), "denied EACCES") },
	{ "-rw=, no --", true, LINE(L("-rw=@/a"), "write", L("@/a/new2"), "ok"), LINE(L("-ro=@/a"), "write", L("@/a/new2"), "denied EACCES") },
	{ "env, no --", true, LINE(L("-env", "GOCOMPAT=x"), "env", L(""), "+GOCOMPAT=x"), LINE(L("-ro", "@/a"), "env", L(""), "-GOCOMPAT=") },
};

ParameterizedTestParameters(gotable, go_command_lines)
{
	return cr_make_param_array(struct row, rows, LRT_LEN(rows));
}

/* Each "@" in s stands for the scratch directory. */
static const char *expand(const char *s)
{
	char *out = lrt_fmt("%s", "");
	for (const char *at; (at = strchr(s, '@')); s = at + 1) {
		char *next = lrt_fmt("%s%.*s%s", out, (int)(at - s), s, T);
		free(out);
		out = next;
	}
	char *last = lrt_fmt("%s%s", out, s);
	free(out);
	return last;
}

static void run_line(const struct row *row, const struct line *l, const char *which)
{
	const char *argv[MAX_ARGS + 12];
	size_t n = 0;
	argv[n++] = "--rox";
	argv[n++] = lrt_fmt("/usr,/lib,/lib64,%s", lrt_helpers_dir());
	for (size_t i = 0; i < MAX_ARGS && l->opts[i][0]; i++)
		argv[n++] = expand(l->opts[i]);
	if (!row->no_dashdash)
		argv[n++] = "--";
	argv[n++] = lrt_probe();
	argv[n++] = l->op;
	for (size_t i = 0; i < LRT_LEN(l->args) && l->args[i][0]; i++)
		argv[n++] = expand(l->args[i]);
	argv[n] = NULL;
	struct lrt_result *r = lrt_run(T, argv);
	const char *w = l->want;
	if (strcmp(w, "125") == 0)
		cr_expect(r->status == 125 && !r->out[0], "%s (%s): want refused: %d %s%s", row->name, which, r->status,
			  r->out, r->err);
	else if (w[0] == '+' || w[0] == '-')
		cr_expect(r->status == 0 && lrt_contains(r->out, w + 1) == (w[0] == '+'), "%s (%s): want %s: %d %s%s",
			  row->name, which, w, r->status, r->out, r->err);
	else
		cr_expect(r->status == (strcmp(w, "ok") == 0 ? 0 : 1) && lrt_contains(r->out, w), "%s (%s): want %s: %d %s%s",
			  row->name, which, w, r->status, r->out, r->err);
	lrt_free(r);
}

ParameterizedTest(struct row *row, gotable, go_command_lines)
{
	run_line(row, &row->granted, "granted");
	run_line(row, &row->denied, "denied twin");
}

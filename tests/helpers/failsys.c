/* failsys: run a program under an outer seccomp filter that makes chosen syscalls fail, to prove
 * that the program fails closed when one of its steps fails.
 *
 *   failsys SPEC ERRNO -- PROG [ARG...]
 *
 * SPEC is SYSCALL[,SYSCALL...][:argN=VALUE | :argN>=VALUE]: the syscalls (names from the table
 * below, or numbers) fail with ERRNO (a name from the table below, or a number); with argN=VALUE
 * only the calls whose argument N (0-5) equals VALUE (a number or a constant name from the table
 * below) fail; with argN>=VALUE those whose argument's low 32 bits are at least VALUE (an fd). The filter
 * cannot count calls, so "the Nth call" is chosen by its arguments instead.
 *
 * It sets no_new_privs (seccomp needs it without CAP_SYS_ADMIN), installs the filter and execs
 * PROG. Exit status 120 when its own set-up fails. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define FAILSYS_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FAILSYS_ARCH AUDIT_ARCH_AARCH64
#else
#error "failsys: add this architecture's AUDIT_ARCH"
#endif

struct named {
	const char *name;
	long value;
};

#define N(x) { #x, SYS_##x }
static const struct named syscalls[] = {
	{ "landlock_create_ruleset", 444 }, { "landlock_add_rule", 445 }, { "landlock_restrict_self", 446 },
	{ "clone3", 435 }, { "close_range", 436 }, { "memfd_create", 319 },
	N(prlimit64), N(capget), N(capset), N(prctl), N(seccomp), N(setsid), N(setpgid), N(clone), N(fcntl),
	N(signalfd4), N(pipe2), N(rt_sigprocmask), N(execve), N(execveat), N(openat), N(mkdir), N(read),
	N(write), N(set_tid_address), N(futex), N(unshare),
};
#undef N

#define N(x) { #x, x }
static const struct named errnos[] = {
	N(EPERM), N(ENOSYS), N(EINVAL), N(ENOMEM), N(EAGAIN), N(EACCES), N(EOPNOTSUPP), N(EBUSY), N(EMFILE),
	N(E2BIG), N(EFAULT), N(EIO),
};
static const struct named constants[] = {
	N(PR_SET_NO_NEW_PRIVS), N(PR_CAPBSET_DROP), N(PR_SET_PDEATHSIG), { "PR_CAP_AMBIENT", 47 },
	N(SECCOMP_SET_MODE_FILTER), N(F_ADD_SEALS),
};
#undef N

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "failsys: %s\n", what);
	exit(120);
}

static long lookup(const struct named *t, size_t n, const char *s, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, s) == 0)
			return t[i].value;
	char *end;
	long v = strtol(s, &end, 0);
	if (!*s || *end) {
		fprintf(stderr, "failsys: unknown %s: %s\n", what, s);
		exit(120);
	}
	return v;
}

#define LOOKUP(t, s, what) lookup(t, sizeof(t) / sizeof(t[0]), s, what)
#define MAX_NRS 8

struct spec {
	long nr[MAX_NRS];
	int nnr;
	int arg; /* -1: any arguments */
	bool at_least; /* argN>=VALUE (low 32 bits) rather than argN=VALUE */
	unsigned long value;
	int errnum;
};

static void parse_spec(char *s, struct spec *sp)
{
	char *colon = strchr(s, ':');
	sp->arg = -1;
	if (colon) {
		*colon = '\0';
		char *eq = strchr(colon + 1, '=');
		sp->at_least = colon[5] == '>';
		if (strncmp(colon + 1, "arg", 3) != 0 || !eq || eq != colon + 5 + sp->at_least || colon[4] < '0' ||
		    colon[4] > '5')
			die("expected SYSCALL[,SYSCALL...][:argN=VALUE or :argN>=VALUE]");
		sp->arg = colon[4] - '0';
		sp->value = (unsigned long)LOOKUP(constants, eq + 1, "constant");
	}
	for (char *save = NULL, *name = strtok_r(s, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		if (sp->nnr == MAX_NRS)
			die("too many syscalls");
		sp->nr[sp->nnr++] = LOOKUP(syscalls, name, "syscall");
	}
	if (!sp->nnr)
		die("no syscall named");
}

#define STMT(code, k) ((struct sock_filter)BPF_STMT(code, k))
#define JUMP(code, k, jt, jf) ((struct sock_filter)BPF_JUMP(code, k, jt, jf))
#define ARG_LO(n) (offsetof(struct seccomp_data, args) + 8 * (n))

/* arch check; per syscall: match -> (argument check ->) errno; else allow */
static int build(const struct spec *sp, struct sock_filter *f)
{
	int n = 0;
	uint32_t fail = SECCOMP_RET_ERRNO | ((uint32_t)sp->errnum & SECCOMP_RET_DATA);
	f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, FAILSYS_ARCH, 1, 0);
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	/* one jump per syscall into the shared tail: [arg checks] errno, then allow */
	for (int i = 0; i < sp->nnr; i++)
		f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)sp->nr[i], (uint8_t)(sp->nnr - i), 0);
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (sp->arg >= 0 && sp->at_least) {
		f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)ARG_LO(sp->arg));
		f[n++] = JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)sp->value, 0, 1);
	} else if (sp->arg >= 0) {
		/* little-endian: low word first */
		f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)ARG_LO(sp->arg));
		f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)sp->value, 0, 3);
		f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)ARG_LO(sp->arg) + 4);
		f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(sp->value >> 32), 0, 1);
	}
	f[n++] = STMT(BPF_RET | BPF_K, fail);
	if (sp->arg >= 0)
		f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return n;
}

int main(int argc, char **argv)
{
	if (argc < 5 || strcmp(argv[3], "--") != 0)
		die("usage: failsys SYSCALL[,SYSCALL...][:argN=VALUE] ERRNO -- PROG [ARG...]");
	struct spec sp = { 0 };
	parse_spec(argv[1], &sp);
	sp.errnum = (int)LOOKUP(errnos, argv[2], "errno");
	struct sock_filter f[32];
	struct sock_fprog prog = { .len = (unsigned short)build(&sp, f), .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("prctl(PR_SET_NO_NEW_PRIVS) failed");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		die("seccomp failed");
	execv(argv[4], argv + 4);
	perror("failsys: execv");
	return 127;
}

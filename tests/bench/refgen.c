/* refgen: landrun's own code (cli.o + liblandrun.a), linked with the wraps below, records the
 * kernel work a run does and prints it as a C header for tests/bench/reference.c instead of
 * executing the command. Run it as landrun would be run:
 *     refgen -p git.ini -- /bin/true > ref_git.h
 * The wraps perform what is harmless and needed to go on (creating the ruleset, adding its rules:
 * the compile probes directory rights with a rule the kernel may refuse), and only record what
 * would confine refgen itself (capabilities, landlock_restrict_self, seccomp). A run that takes
 * another path (supervised, verified copy, private tmp) is refused: the reference does not model
 * it. Benchmark support, not part of landrun. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock_abi.h"

long __real_syscall(long nr, ...);
int __real_prctl(int option, ...);

/* What the run did, section by section, printed as C at the exec. A benchmark tool: one run, one
 * record. */
enum { S_PATHS, S_PORTS, S_BPF0, S_BPF1, S_RLIMITS, S_ENV, S_COUNT };
static struct {
	char *text[S_COUNT];
	size_t len[S_COUNT];
	unsigned count[S_COUNT]; /* entries */
	FILE *f[S_COUNT];
	unsigned long long handled_fs, handled_net, scoped, caps_keep;
	long restrict_flags;
	int ruleset, restrict_self, capset, no_new_privs, ambient_clear, close_range, setsid, seccomp;
} rec;

static FILE *section(int s)
{
	if (!rec.f[s] && !(rec.f[s] = open_memstream(&rec.text[s], &rec.len[s])))
		abort();
	return rec.f[s];
}

/* The next entry of section s. */
static FILE *entry(int s)
{
	rec.count[s]++;
	return section(s);
}

static void out_string(FILE *f, const char *s)
{
	putc('"', f);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c == '"' || *c == '\\' || *c == '?' || *c < 0x20 || *c >= 0x7f)
			fprintf(f, "\\%03o", *c);
		else
			putc(*c, f);
	putc('"', f);
}

static void refuse(const char *why)
{
	fprintf(stderr, "refgen: %s: the reference does not model this run\n", why);
	exit(1);
}

static void record_path_rule(const struct lr_landlock_path_beneath_attr *a)
{
	char link[64], path[4096];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", a->parent_fd);
	ssize_t n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0 || n == (ssize_t)sizeof(path) - 1)
		refuse("a rule's path cannot be read back");
	path[n] = 0;
	if (strstr(path, " (deleted)") || path[0] != '/')
		refuse("a rule on a deleted file or on no path");
	/* /proc/self/... resolved to refgen's own directory: the reference's own, at its run */
	char self[64];
	int k = snprintf(self, sizeof(self), "/proc/%d/", (int)getpid());
	if (strncmp(path, self, (size_t)k) == 0) {
		memmove(path + 11, path + k, strlen(path + k) + 1);
		memcpy(path, "/proc/self/", 11);
	}
	fputs("\t{ ", entry(S_PATHS));
	out_string(section(S_PATHS), path);
	fprintf(section(S_PATHS), ", 0x%llxULL },\n", (unsigned long long)a->allowed_access);
}

static void record_seccomp(const struct sock_fprog *prog)
{
	if (rec.seccomp == 2)
		refuse("more than two seccomp programs");
	int s = S_BPF0 + rec.seccomp++;
	for (unsigned i = 0; i < prog->len; i++) {
		const struct sock_filter *b = &prog->filter[i];
		fprintf(entry(s), "\t{ 0x%x, %u, %u, 0x%xU },\n", b->code, b->jt, b->jf, b->k);
	}
}

long __wrap_syscall(long nr, ...)
{
	va_list ap;
	va_start(ap, nr);
	long a[6];
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	switch (nr) {
	case LR_SYS_landlock_create_ruleset:
		if (a[0]) {
			const struct lr_landlock_ruleset_attr *r = (const void *)a[0];
			rec.ruleset = 1;
			rec.handled_fs = r->handled_access_fs;
			rec.handled_net = r->handled_access_net;
			rec.scoped = r->scoped;
		}
		break;
	case LR_SYS_landlock_add_rule: {
		long rc = __real_syscall(nr, a[0], a[1], a[2], a[3]);
		if (rc < 0)
			return rc; /* refused (directory rights tried on a file): not a rule */
		if (a[1] == LR_LANDLOCK_RULE_PATH_BENEATH) {
			record_path_rule((const void *)a[2]);
		} else {
			const struct lr_landlock_net_port_attr *p = (const void *)a[2];
			fprintf(entry(S_PORTS), "\t{ %llu, 0x%llxULL },\n", (unsigned long long)p->port,
				(unsigned long long)p->allowed_access);
		}
		return rc;
	}
	case LR_SYS_landlock_restrict_self:
		rec.restrict_self = 1;
		rec.restrict_flags = a[1];
		return 0;
	case SYS_capset: {
		const struct __user_cap_data_struct *d = (const void *)a[1];
		rec.capset = 1;
		rec.caps_keep = d[0].permitted | (unsigned long long)d[1].permitted << 32;
		return 0;
	}
	case SYS_seccomp:
		if (a[0] != SECCOMP_SET_MODE_FILTER || a[1] != 0)
			refuse("a seccomp call with flags");
		record_seccomp((const void *)a[2]);
		return 0;
	case SYS_close_range:
		if (a[0] != 3 || (unsigned)a[1] != ~0U)
			refuse("fds kept open across exec");
		rec.close_range = 1;
		break;
	case SYS_execveat:
		refuse("a verified copy is executed");
		break;
	default:
		break;
	}
	return __real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

int __wrap_prctl(int option, ...)
{
	va_list ap;
	va_start(ap, option);
	unsigned long a[4];
	for (int i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	switch (option) {
	case PR_CAPBSET_DROP: /* the reference decides as landrun does, at run time: not recorded */
		return __real_prctl(PR_CAPBSET_READ, a[0]) < 0 ? -1 : 0;
	case PR_SET_NO_NEW_PRIVS:
		rec.no_new_privs = 1;
		return 0;
	case PR_CAP_AMBIENT:
		if (a[0] != PR_CAP_AMBIENT_CLEAR_ALL)
			refuse("ambient capabilities raised");
		rec.ambient_clear = 1;
		return 0;
	default:
		return __real_prctl(option, a[0], a[1], a[2], a[3]);
	}
}

int __wrap_setrlimit(int resource, const struct rlimit *rl)
{
	fprintf(entry(S_RLIMITS), "\t{ %d, %lluULL, %lluULL },\n", resource, (unsigned long long)rl->rlim_cur,
		(unsigned long long)rl->rlim_max);
	return 0;
}

pid_t __wrap_setsid(void)
{
	rec.setsid = 1;
	return getpid();
}

/* An array and its length; never empty (a zeroed entry ends it), so that it is valid C. */
static void print_array(const char *type, const char *name, int s, const char *end)
{
	printf("#define %s_LEN %uu\nstatic %s %s[] = {\n", name, rec.count[s], type, name);
	if (rec.f[s]) {
		fclose(rec.f[s]);
		fwrite(rec.text[s], 1, rec.len[s], stdout);
	}
	printf("\t%s,\n};\n", end);
}

int __wrap_execve(const char *path, char *const argv[], char *const envp[])
{
	(void)path;
	(void)argv;
	for (char *const *e = envp; *e; e++) {
		fputc('\t', entry(S_ENV));
		out_string(section(S_ENV), *e);
		fputs(",\n", section(S_ENV));
	}
	printf("/* The kernel work of one landrun run, recorded by refgen: input of reference.c. */\n");
	printf("#define REF_RULESET %d\n#define REF_HANDLED_FS 0x%llxULL\n#define REF_HANDLED_NET 0x%llxULL\n"
	       "#define REF_SCOPED 0x%llxULL\n", rec.ruleset, rec.handled_fs, rec.handled_net, rec.scoped);
	printf("#define REF_RESTRICT_SELF %d\n#define REF_RESTRICT_FLAGS %ld\n", rec.restrict_self, rec.restrict_flags);
	printf("#define REF_CAPSET %d\n#define REF_CAPS_KEEP 0x%llxULL\n#define REF_AMBIENT_CLEAR %d\n", rec.capset,
	       rec.caps_keep, rec.ambient_clear);
	printf("#define REF_NO_NEW_PRIVS %d\n#define REF_CLOSE_RANGE %d\n#define REF_SETSID %d\n#define REF_SECCOMP %d\n",
	       rec.no_new_privs, rec.close_range, rec.setsid, rec.seccomp);
	print_array("const struct ref_path_rule", "ref_path_rules", S_PATHS, "{ 0 }");
	print_array("const struct ref_port_rule", "ref_port_rules", S_PORTS, "{ 0 }");
	print_array("const struct sock_filter", "ref_bpf0", S_BPF0, "{ 0 }");
	print_array("const struct sock_filter", "ref_bpf1", S_BPF1, "{ 0 }");
	print_array("const struct ref_rlimit", "ref_rlimits", S_RLIMITS, "{ 0 }");
	print_array("char *const", "ref_envp", S_ENV, "NULL"); /* the NULL execve needs */
	fflush(stdout);
	_exit(ferror(stdout) ? 1 : 0);
}

/* loadprobe: what the load and hostile-input tests check from inside the sandbox.
 *   loadprobe self [wait]  reads stdin to its end first with "wait" (so that many copies are alive at
 *                          once), then prints "fds 0 1 2 ...", the Seccomp and NoNewPrivs lines of
 *                          /proc/self/status; exits 0 only if no fd above 2 is open, Seccomp is 2
 *                          (filter) and NoNewPrivs is 1
 *   loadprobe args ARG...  prints "N CHECKSUM": the number of ARGs and the FNV-1a hash of each
 *                          ARG followed by a NUL byte */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (size_t i = 0; i == 0 || s[i - 1]; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Prints the open fds (not the one listing them); true if none is above 2. */
static bool only_stdio_open(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		perror("loadprobe: /proc/self/fd");
		return false;
	}
	int bad = 0;
	fputs("fds", stdout);
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		int fd = atoi(e->d_name);
		if (fd == dirfd(d))
			continue;
		printf(" %d", fd);
		bad += fd > 2;
	}
	putchar('\n');
	closedir(d);
	return !bad;
}

/* Prints the Seccomp and NoNewPrivs lines; true if both say the sandbox is on. */
static bool sandboxed(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (!f) {
		perror("loadprobe: /proc/self/status");
		return false;
	}
	char line[256];
	bool seccomp = false, nnp = false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Seccomp:", 8) == 0) {
			fputs(line, stdout);
			seccomp = strcmp(line, "Seccomp:\t2\n") == 0;
		} else if (strncmp(line, "NoNewPrivs:", 11) == 0) {
			fputs(line, stdout);
			nnp = strcmp(line, "NoNewPrivs:\t1\n") == 0;
		}
	}
	fclose(f);
	return seccomp && nnp;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "self") == 0) {
		if (argc > 2 && strcmp(argv[2], "wait") == 0) {
			char buf[64];
			while (read(0, buf, sizeof(buf)) > 0)
				;
		}
		bool fds_ok = only_stdio_open();
		bool sb_ok = sandboxed();
		return fds_ok && sb_ok ? 0 : 1;
	}
	if (argc >= 2 && strcmp(argv[1], "args") == 0) {
		uint64_t h = 0xcbf29ce484222325ULL;
		for (int i = 2; i < argc; i++)
			h = fnv1a(h, argv[i]);
		printf("%d %016llx\n", argc - 2, (unsigned long long)h);
		return 0;
	}
	fprintf(stderr, "usage: loadprobe self [wait] | loadprobe args ARG...\n");
	return 2;
}

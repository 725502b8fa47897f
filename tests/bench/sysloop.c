/* sysloop getppid|ioctl|chmod N: makes N cheap system calls and prints the nanoseconds per call.
 * getppid has no arguments to inspect, so a seccomp filter can let it through on the kernel's
 * per-syscall cache; ioctl is filtered on its request argument (TIOCSTI, TIOCLINUX), so every
 * call runs the BPF program. FIONREAD on a private pipe makes the ioctl succeed without a tty. */
#include "bench.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	if (argc != 3) {
		fprintf(stderr, "usage: sysloop getppid|ioctl|chmod N\n");
		return 2;
	}
	long n = atol(argv[2]);
	int fds[2], avail;
	if (n <= 0 || pipe(fds)) {
		perror("sysloop");
		return 2;
	}
	int ioc = strcmp(argv[1], "ioctl") == 0, chm = strcmp(argv[1], "chmod") == 0;
	if (chm && close(open("sysloop.chmod", O_CREAT | O_WRONLY | O_CLOEXEC, 0600)) < 0) {
		perror("sysloop");
		return 2;
	}
	if (!ioc && !chm && strcmp(argv[1], "getppid") != 0) {
		fprintf(stderr, "sysloop: unknown call %s\n", argv[1]);
		return 2;
	}
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		/* raw syscalls: nothing in libc may cache or batch them */
		long r = ioc ? syscall(SYS_ioctl, fds[0], FIONREAD, &avail)
			 : chm ? syscall(SYS_chmod, "sysloop.chmod", (i & 1) ? 0600 : 0644)
			       : syscall(SYS_getppid);
		if (r < 0) {
			perror("sysloop");
			return 1;
		}
	}
	printf("%.2f\n", (now_ns() - t0) / (double)n);
	return 0;
}

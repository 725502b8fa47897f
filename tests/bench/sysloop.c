/* sysloop getppid|ioctl|chmod|sendto N: makes N cheap system calls and prints the nanoseconds per
 * call. getppid has no arguments to inspect, so a seccomp filter can let it through on the
 * kernel's per-syscall cache; ioctl is filtered on its request argument (TIOCSTI, TIOCLINUX), so
 * every call runs the BPF program. FIONREAD on a private pipe makes the ioctl succeed without a
 * tty. sendto: a one-byte datagram with an address, to a loopback UDP socket of its own (whose
 * full queue drops what it cannot keep). */
#include "bench.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	if (argc != 3) {
		fprintf(stderr, "usage: sysloop getppid|ioctl|chmod|sendto N\n");
		return 2;
	}
	long n = atol(argv[2]);
	int fds[2], avail;
	if (n <= 0 || pipe(fds)) {
		perror("sysloop");
		return 2;
	}
	int ioc = strcmp(argv[1], "ioctl") == 0, chm = strcmp(argv[1], "chmod") == 0, snd = strcmp(argv[1], "sendto") == 0;
	int udp = snd ? socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0) : -1;
	struct sockaddr_in self = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t slen = sizeof(self);
	if (snd && (udp < 0 || bind(udp, (struct sockaddr *)&self, sizeof(self)) < 0 ||
		    getsockname(udp, (struct sockaddr *)&self, &slen) < 0)) {
		perror("sysloop");
		return 2;
	}
	if (chm && close(open("sysloop.chmod", O_CREAT | O_WRONLY | O_CLOEXEC, 0600)) < 0) {
		perror("sysloop");
		return 2;
	}
	if (!ioc && !chm && !snd && strcmp(argv[1], "getppid") != 0) {
		fprintf(stderr, "sysloop: unknown call %s\n", argv[1]);
		return 2;
	}
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		/* raw syscalls: nothing in libc may cache or batch them */
		long r = ioc   ? syscall(SYS_ioctl, fds[0], FIONREAD, &avail)
			 : chm ? syscall(SYS_chmod, "sysloop.chmod", (i & 1) ? 0600 : 0644)
			 : snd ? syscall(SYS_sendto, udp, "x", 1, 0, &self, sizeof(self))
			       : syscall(SYS_getppid);
		if (r < 0) {
			perror("sysloop");
			return 1;
		}
	}
	printf("%.2f\n", (now_ns() - t0) / (double)n);
	return 0;
}

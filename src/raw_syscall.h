/* A system call that returns the kernel's answer (-errno on failure) and writes nothing else:
 * not errno, which lives in the thread's TLS. For the CLI's notification helper while it shares
 * landrun's memory, TLS included (notify.c): glibc's wrappers would write landrun's errno.
 * x86-64 and aarch64, as the helper itself (metadata.h); ENOSYS elsewhere. */
#ifndef LANDRUN_RAW_SYSCALL_H
#define LANDRUN_RAW_SYSCALL_H

static inline long lr_raw_syscall4(long nr, long a, long b, long c, long d)
{
#if defined(__x86_64__)
	long ret;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
	return ret;
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
	return x0;
#else
	(void)nr, (void)a, (void)b, (void)c, (void)d;
	return -38; /* ENOSYS: the helper then ends, and the command's notified calls fail */
#endif
}

#endif

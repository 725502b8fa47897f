/* nettle's CPU probe answered from glibc's (see nettle_cpuid.c). */
#ifndef LANDRUN_NETTLE_CPUID_H
#define LANDRUN_NETTLE_CPUID_H

#include <stdint.h>

/* What the CLI links in place of nettle's _nettle_cpuid: regs = eax, ebx, ecx, edx of leaf. */
/* the name is the linker's: --wrap=SYM sends calls of SYM to __wrap_SYM */
void __wrap__nettle_cpuid(uint32_t leaf, uint32_t regs[4]); // NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)

#endif

/* nettle's CPU probe, answered from what glibc already read.
 *
 * nettle (SHA-256, for [exec] verify and the filter cache key) picks its implementations at start-up
 * in a constructor that runs the cpuid instruction three times (leaves 0, 1 and 7). In a virtual
 * machine each cpuid traps to the hypervisor: measured at 3.7 us each here, about 1% of a whole
 * `landrun -p git -- /bin/true`. glibc has run cpuid before any constructor and keeps leaves 1 and
 * 7 (raw, as the CPU reports them); the CLI is linked with --wrap=_nettle_cpuid so that nettle reads
 * those. Leaf 0 (the vendor, and the highest leaf) is not kept by glibc: the vendor is left blank
 * (nettle then takes its generic memxor, which SHA-256 does not use) and the highest leaf is 7
 * when glibc saw leaf 7. nettle's choice for SHA-256 (SHA-NI or not: leaf 7) is unchanged.
 * Outside the CLI (the library, the tests) nothing is wrapped and this function is never called
 * by nettle. */
#include <stdint.h>
#include <string.h>
#include <sys/platform/x86.h>

#include "nettle_cpuid.h"

void __wrap__nettle_cpuid(uint32_t leaf, uint32_t regs[4]) // NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
{
	memset(regs, 0, 4 * sizeof(regs[0]));
	const struct cpuid_feature *f = NULL;
	if (leaf == 1)
		f = __x86_get_cpuid_feature_leaf(CPUID_INDEX_1);
	else if (leaf == 7)
		f = __x86_get_cpuid_feature_leaf(CPUID_INDEX_7);
	if (f)
		memcpy(regs, f->cpuid_array, 4 * sizeof(regs[0]));
	if (leaf == 0) {
		const struct cpuid_feature *l7 = __x86_get_cpuid_feature_leaf(CPUID_INDEX_7);
		bool has_7 = l7->cpuid_array[0] | l7->cpuid_array[1] | l7->cpuid_array[2] | l7->cpuid_array[3];
		regs[0] = has_7 ? 7 : 1;
	}
}

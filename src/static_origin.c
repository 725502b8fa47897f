/* glibc's static start-up, less one lookup landrun never uses.
 *
 * Before main, a static glibc program records the directory it was executed from, for $ORIGIN in
 * the library paths of dlopen: readlink("/proc/self/exe"). A process's first look into its own
 * /proc directory is the dear one (the kernel builds the /proc/PID entries then): about 15 us of
 * a 1.3 ms `landrun -p git -- /bin/true` here, against 3 us for a later one. landrun never
 * dlopens (it reads /etc/passwd itself, so no NSS module is loaded either), so the CLI is linked
 * with --wrap=_dl_get_origin and the origin is "unknown", which glibc handles (it is what a failed
 * readlink gives). The CLI then avoids /proc/self until a policy names it (cli.c's
 * find_policy_dirs takes its own path from AT_EXECFN). A dynamically linked build has no such
 * reference: the loader computes the origin itself, and this function is never called. */
#include "static_origin.h"

const char *__wrap__dl_get_origin(void) // NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
{
	return (const char *)-1; // NOLINT(performance-no-int-to-ptr): glibc's own "unknown"
}

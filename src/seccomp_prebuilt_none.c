/* The empty build-time table the generator itself links with. */
#include "sandbox.h"

const struct lr_seccomp_prebuilt lr_seccomp_prebuilt[1];
const unsigned lr_seccomp_prebuilt_count = 0;

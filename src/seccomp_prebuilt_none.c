/* The empty build-time tables the generator itself links with. */
#include "seccomp_prebuilt.h"

const struct lr_seccomp_prebuilt lr_seccomp_prebuilt[1];
const unsigned lr_seccomp_prebuilt_count = 0;
const struct lr_seccomp_tail lr_seccomp_tails[1];
const unsigned lr_seccomp_tails_count = 0;

/* landrun policies: the named policies -p NAME can find, where, and what each is for. */
#ifndef LANDRUN_CATALOG_H
#define LANDRUN_CATALOG_H

#include <stdio.h>

#include "policy.h"

/* Lists every NAME.ini in ctx's policy directories, in search order: name, path and the file's
 * first comment line; a name an earlier directory also holds is marked as not used. Returns the
 * exit status (0). */
int lr_catalog_list(FILE *out, const struct lr_env_ctx *ctx);

#endif

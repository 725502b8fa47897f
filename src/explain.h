/* --explain: the resolved policy and what this kernel really enforces. */
#ifndef LANDRUN_EXPLAIN_H
#define LANDRUN_EXPLAIN_H

#include <stdio.h>

#include "policy.h"
#include "sandbox.h"

void lr_explain(FILE *out, const struct lr_policy *p, const struct lr_sandbox *sb, const char *command);
/* The same as one JSON object on one line (--explain --json; the format is in landrun(1)). */
void lr_explain_json(FILE *out, const struct lr_policy *p, const struct lr_sandbox *sb, const char *command);

#endif

/* glibc's static start-up without its /proc/self/exe lookup (see static_origin.c). */
#ifndef LANDRUN_STATIC_ORIGIN_H
#define LANDRUN_STATIC_ORIGIN_H

/* What the static CLI links in place of glibc's _dl_get_origin: "unknown", (const char *)-1. */
const char *__wrap__dl_get_origin(void); // NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)

#endif

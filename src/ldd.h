/* [exec] add_libraries (Go landrun's --ldd): the shared libraries an ELF program maps, found the
 * way the dynamic loader finds them, and its loader. The program may be the attacker's: every
 * offset it gives is checked against the file, and a malformed file is refused, never guessed at. */
#ifndef LANDRUN_LDD_H
#define LANDRUN_LDD_H

#include <stddef.h>

#include "util.h"

/* The most files one program's library closure may hold (libreoffice maps ~250). */
enum { LR_LDD_MAX_FILES = 1024 };

/* Appends to files (a vec of char *, each from arena) the ELF interpreter (PT_INTERP) and every
 * shared library path's closure needs: DT_NEEDED searched with DT_RPATH, DT_RUNPATH ($ORIGIN
 * expanded), /etc/ld.so.cache and the default directories, recursively. Libraries are only
 * files whose ELF header matches the program's class and machine (as the loader skips the
 * others). fd (or -1) is an open copy of path to read instead. A library not found is reported
 * in *missing (the first one, "NAME (needed by FILE)", or left NULL). Returns how many were
 * added: 0 for a file that is not a 64-bit ELF program (a script, a static binary); -1 with err
 * set for a malformed ELF file. */
int lr_ldd_collect(int fd, const char *path, struct lr_vec *files, struct lr_arena *arena, const char **missing,
		   struct lr_error *err);

#endif

/* A directory made for the run ([filesystem] private_tmp), and its removal at the end. */
#ifndef LANDRUN_TMPDIR_H
#define LANDRUN_TMPDIR_H

#include <sys/types.h>

#include "util.h"

/* A directory made for the run ([filesystem] private_tmp), held open from its creation: it is
 * removed through these fds, never by path, since the command may have renamed it and put another
 * directory (not its to remove) under its name. */
struct lr_tmpdir {
	const char *path; /* as made (TMPDIR for the command, messages) */
	const char *name; /* its name in the parent (points into path) */
	int fd;           /* O_DIRECTORY on it; -1: none */
	int parent_fd;    /* O_DIRECTORY on the directory it was made in */
	dev_t dev;        /* what fd was opened on, to recognise it under its name */
	ino_t ino;
};

/* Holds path (just made by this process, not yet reachable by anything hostile): 0, or -1 with
 * errno set. */
int lr_tmpdir_hold(struct lr_tmpdir *t, const char *path);
/* Removes the (empty) directory under its name if the name still refers to it: 0; -1 with errno
 * set otherwise (EXDEV: another object has the name now; ENOENT: it has none). */
int lr_tmpdir_unlink(const struct lr_tmpdir *t);
void lr_tmpdir_close(struct lr_tmpdir *t);

/* Empties and removes t recursively, through its fds, without following symlinks and without
 * crossing mount points, once nothing of the command runs any more. Its name is removed only if it
 * still refers to it; what could not be removed is reported in err (a warning: the command's
 * status stands). */
void lr_tmpdir_remove(const struct lr_tmpdir *t, struct lr_error *err);

#endif

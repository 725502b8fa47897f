/* Compile step: the command. Found with the sandbox's PATH; with [exec], the files it needs
 * executable (itself, its ELF interpreter, a #! chain); with [exec] verify, executed from a sealed
 * memfd, so that the bytes hashed are the bytes executed. */
#include "command.h"
#include "ldd.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/* PT_INTERP of an ELF file into buf: 1 found, 0 none (static), -1 not ELF. */
static int elf_interp(int fd, char *buf, size_t size)
{
	Elf64_Ehdr eh;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
		return -1;
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr))
		return 0; /* 32-bit binaries cannot run here anyway (no IA32 in the filter) */
	for (unsigned i = 0; i < eh.e_phnum && i < 128; i++) {
		Elf64_Phdr ph;
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != (ssize_t)sizeof(ph))
			return 0;
		if (ph.p_type != PT_INTERP)
			continue;
		if (ph.p_filesz == 0 || ph.p_filesz >= size)
			return 0;
		if (pread(fd, buf, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz)
			return 0;
		buf[ph.p_filesz] = '\0';
		return buf[0] == '/' ? 1 : 0;
	}
	return 0;
}

/* The interpreter of a "#!" script into buf: 1 found, 0 not a script. */
static int shebang(int fd, char *buf, size_t size)
{
	char line[256];
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);
	if (n < 3 || line[0] != '#' || line[1] != '!')
		return 0;
	line[n] = '\0';
	char *p = line + 2;
	p += strspn(p, " \t");
	size_t len = strcspn(p, " \t\n");
	if (len == 0 || len >= size)
		return 0;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return 1;
}

int lr_exec_chain(int fd, const char *path, char out[][PATH_MAX], int max, struct lr_error *err)
{
	int n = 0;
	char cur[PATH_MAX];
	snprintf(cur, sizeof(cur), "%s", path);
	while (n < max) {
		snprintf(out[n++], PATH_MAX, "%s", cur);
		int f = fd >= 0 && n == 1 ? fd : open(cur, O_RDONLY | O_CLOEXEC);
		if (f < 0)
			return lr_fail(err, NULL, "%s: cannot read it to find its interpreter: %s", cur, strerror(errno));
		char next[PATH_MAX];
		int script = shebang(f, next, sizeof(next));
		int elf = script ? -1 : elf_interp(f, next, sizeof(next));
		if (f != fd)
			close(f);
		if (!script && elf <= 0)
			return n; /* static ELF, or not a format we know: nothing more to allow */
		if (!script) {
			if (n < max)
				snprintf(out[n++], PATH_MAX, "%s", next); /* the ELF loader is the last link */
			return n;
		}
		snprintf(cur, sizeof(cur), "%s", next);
	}
	return lr_fail(err, NULL, "%s: interpreter chain deeper than %d", path, max);
}

int lr_sha256_fd(int fd, int copy_fd, unsigned char digest[32])
{
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	char buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		sha256_update(&ctx, (size_t)n, (const uint8_t *)buf);
		for (ssize_t off = 0; copy_fd >= 0 && off < n;) {
			ssize_t w = write(copy_fd, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return -1;
			off += w;
		}
	}
	sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
	return 0;
}

void lr_sha256_hex(const unsigned char digest[32], char hex[65])
{
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

static int make_memfd(void)
{
	/* MFD_EXEC: where vm.memfd_noexec makes memfds non-executable by default; older kernels
	 * do not know the flag and refuse it with EINVAL. */
	int fd = memfd_create("landrun-verified", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("landrun-verified", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	return fd;
}

int lr_verified_copy(const char *path, const unsigned char want[32], int *status, struct lr_error *err)
{
	*status = LR_EXIT_LANDRUN;
	int src = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (src < 0)
		return lr_fail(err, NULL, "verify: cannot open %s: %s%s", path, strerror(errno),
			       errno == ELOOP ? " (a symbolic link: name its target in verify)" : "");
	struct stat st;
	int mfd = -1;
	unsigned char got[32];
	if (fstat(src, &st) < 0 || !S_ISREG(st.st_mode)) {
		lr_fail(err, NULL, "verify: %s is not a regular file", path);
	} else if ((mfd = make_memfd()) < 0) {
		lr_fail(err, NULL, "verify: memfd_create: %s", strerror(errno));
	} else if (lr_sha256_fd(src, mfd, got) < 0) {
		lr_fail(err, NULL, "verify: copying %s: %s", path, strerror(errno));
	} else if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
		lr_fail(err, NULL, "verify: sealing the copy of %s: %s", path, strerror(errno));
	} else if (memcmp(got, want, 32) != 0) {
		char g[65], w[65];
		lr_sha256_hex(got, g);
		lr_sha256_hex(want, w);
		*status = LR_EXIT_CANNOT_EXECUTE;
		lr_fail(err, NULL, "verify: %s has sha256:%s but the policy expects sha256:%s; not running it", path, g, w);
	} else {
		close(src);
		*status = 0;
		return mfd;
	}
	if (mfd >= 0)
		close(mfd);
	close(src);
	return -1;
}

static int check_candidate(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return EACCES;
	return 0;
}

int lr_resolve_command(const char *cmd, const char *path_env, char *out, size_t size, struct lr_error *err)
{
	if (!*cmd)
		return lr_fail(err, NULL, "empty command name"), LR_EXIT_NOT_FOUND;
	if (strchr(cmd, '/')) {
		int e = check_candidate(cmd);
		if (snprintf(out, size, "%s", cmd) >= (int)size)
			return lr_fail(err, NULL, "command name of %zu bytes is too long (at most %zu): %.64s...",
				       strlen(cmd), size - 1, cmd), LR_EXIT_NOT_FOUND;
		if (e == ENOENT || e == ENOTDIR)
			return lr_fail(err, NULL, "%s: %s", cmd, strerror(e)), LR_EXIT_NOT_FOUND;
		if (e)
			return lr_fail(err, NULL, "%s: cannot execute: %s", cmd, strerror(e)), LR_EXIT_CANNOT_EXECUTE;
		return 0;
	}
	int first_error = 0;
	for (const char *dir = path_env; dir;) {
		const char *colon = strchr(dir, ':');
		size_t dlen = colon ? (size_t)(colon - dir) : strlen(dir);
		/* An empty PATH element would mean the current directory: never search it. */
		if (dlen && snprintf(out, size, "%.*s/%s", (int)dlen, dir, cmd) < (int)size) {
			int e = check_candidate(out);
			if (!e)
				return 0;
			if (e != ENOENT && e != ENOTDIR && !first_error)
				first_error = e;
		}
		dir = colon ? colon + 1 : NULL;
	}
	if (first_error)
		return lr_fail(err, NULL, "%s: cannot execute: %s", cmd, strerror(first_error)), LR_EXIT_CANNOT_EXECUTE;
	return lr_fail(err, NULL, "%s: command not found in PATH=%s (the sandbox's PATH; see [env] path)", cmd,
		       path_env),
	       LR_EXIT_NOT_FOUND;
}

/* [exec] allow: the command and its interpreters, exactly those files. */
static int add_exec_chain(struct lr_sandbox *sb, const char *path, struct lr_error *err)
{
	char chain[LR_EXEC_CHAIN_MAX][PATH_MAX];
	int n = lr_exec_chain(sb->exec_fd, path, chain, LR_EXEC_CHAIN_MAX, err);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (!(sb->exec_chain[sb->nexec_chain++] = lr_arena_strdup(&sb->arena, chain[i])))
			return lr_fail(err, NULL, "out of memory");
	return 0;
}

/* add_libraries: the ELF loader and shared libraries of each ELF file on the command's chain (the
 * command itself, or a #! script's interpreter). A library not found is only a warning: the
 * loader will refuse to start the command anyway, and say which. */
static int add_libraries(struct lr_sandbox *sb, const struct lr_policy *p, const char *path, struct lr_error *err)
{
	char own[LR_EXEC_CHAIN_MAX][PATH_MAX];
	const char *chain[LR_EXEC_CHAIN_MAX];
	int n = (int)sb->nexec_chain;
	if (p->exec_control.set) { /* [exec] allow has read the chain already */
		memcpy(chain, sb->exec_chain, (size_t)n * sizeof(*chain));
	} else {
		n = lr_exec_chain(sb->exec_fd, path, own, LR_EXEC_CHAIN_MAX, err);
		for (int i = 0; i < n; i++)
			chain[i] = own[i];
	}
	if (n < 0)
		return -1;
	const char *missing = NULL;
	for (int i = 0; i < n; i++)
		if (lr_ldd_collect(i == 0 ? sb->exec_fd : -1, chain[i], &sb->libraries, &sb->arena, &missing, err) < 0)
			return -1;
	if (missing && lr_sandbox_note(sb, true, "add_libraries: library %s not found", missing))
		return lr_fail(err, NULL, "out of memory");
	/* the loader reads its cache to find libraries outside its default directories */
	if (sb->libraries.len && access("/etc/ld.so.cache", R_OK) == 0)
		sb->loader_cache = "/etc/ld.so.cache";
	return 0;
}

/* Resolves the command with the sandbox's PATH; with [exec] verify, makes the verified copy; with
 * [exec] allow, lists the files that must be executable for it; with add_command alone, the
 * command's file. */
int lr_command_compile(struct lr_sandbox *sb, const struct lr_policy *p, const char *command,
		       struct lr_error *err)
{
	char path[PATH_MAX];
	int st = lr_resolve_command(command, sb->path_env, path, sizeof(path), err);
	if (st) {
		sb->command_status = st;
		return -1;
	}
	if (!(sb->command_path = lr_arena_strdup(&sb->arena, path)))
		return lr_fail(err, NULL, "out of memory");
	for (size_t i = 0; i < p->verify.len; i++) {
		const struct lr_verify_rule *v = lr_vec_at(&p->verify, i);
		char a[PATH_MAX], b[PATH_MAX];
		/* the same file by another spelling (/bin/x and /usr/bin/x on merged /usr) counts too */
		if (strcmp(v->path, path) != 0 &&
		    !(realpath(v->path, a) && realpath(path, b) && strcmp(a, b) == 0))
			continue;
		sb->exec_fd = lr_verified_copy(path, v->sha256, &st, err);
		if (sb->exec_fd < 0) {
			sb->command_status = st;
			return -1;
		}
		break;
	}
	if (!p->exec_control.set) {
		/* add_command: the file itself, not its interpreters (the ELF loader stays as the
		 * policy grants it), as Go landrun's --add-exec */
		if (p->add_command.on && sb->exec_fd < 0 &&
		    !(sb->exec_chain[sb->nexec_chain++] = lr_arena_strdup(&sb->arena, path)))
			return lr_fail(err, NULL, "out of memory");
	} else if (add_exec_chain(sb, path, err)) {
		return -1;
	}
	return p->add_libraries.on ? add_libraries(sb, p, path, err) : 0;
}

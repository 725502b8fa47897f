/* libFuzzer harness for the command line: src/cli.c is compiled in with -Dmain=landrun_cli_main
 * and the input, split on NUL bytes, becomes its arguments after "landrun --explain".
 *
 * Why nothing can be executed or sandboxed: "--explain" is argv[1], and getopt reads it before
 * anything the input holds, so main() never sees "digest" as argv[1] and run() always takes its
 * explain branch, which returns after lr_sandbox_compile and lr_explain: before print_notes,
 * lr_supervise, lr_exec_sandboxed and the _exit after it. Nothing clears the explain flag.
 * Compiling builds a Landlock ruleset and a seccomp program in memory but never applies them
 * (that is lr_sandbox_apply, called only on the exec and supervise paths). */
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int landrun_cli_main(int argc, char **argv);

extern char **environ;

/* A fixed environment, as the parser and the environment step see it. */
static char *fuzz_environ[] = {
	"HOME=/tmp", "FUZZ=value", "PATH=/usr/bin:/bin", "LANG=C",
	"http_proxy=http://user:pw@proxy:3128/", NULL,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* --explain and --help print to stdout for every input: send it away (libFuzzer and the
	 * sanitizers report on stderr) */
	int fd = open("/dev/null", O_WRONLY);
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
		abort();
	close(fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 1;
	for (size_t i = 0; i < size; i++)
		n += data[i] == '\0';
	char *buf = malloc(size + 1);
	char **argv = calloc(n + 3, sizeof(*argv));
	if (!buf || !argv)
		goto out;
	memcpy(buf, data, size);
	buf[size] = '\0';
	int argc = 0;
	argv[argc++] = "landrun";
	argv[argc++] = "--explain";
	for (char *s = buf; argc < (int)n + 2; s += strlen(s) + 1)
		argv[argc++] = s;
	/* unreachable behind --explain (see above), refused anyway should the order ever change */
	if (strcmp(argv[2], "digest") == 0)
		goto out;
	optind = 0; /* glibc: 0 re-initialises getopt completely (1 would keep its internal state) */
	char **saved = environ;
	environ = fuzz_environ;
	landrun_cli_main(argc, argv);
	environ = saved;
out:
	free(argv);
	free(buf);
	return 0;
}

/* The floor for an exec wrapper: exec the command and nothing else. Built static, so no dynamic
 * loader runs before the exec; "landrun-git / noop-wrapper" is then what landrun's own work
 * costs on top of one extra exec. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	if (argc < 2)
		return 0;
	execv(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}

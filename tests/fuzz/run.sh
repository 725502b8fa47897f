#!/bin/sh
# Builds the libFuzzer harnesses with clang and runs each for SECONDS (one job, one worker).
#   sh tests/fuzz/run.sh [SECONDS [B [HARNESS...]]]
# B: the build tree holding the generated src/default_policy.c and src/seccomp_prebuilt.c (`make`).
# Binaries and the growing corpora go to tests/fuzz/build/; tests/fuzz/corpus/ only seeds them.
# Every file in tests/fuzz/regressions/HARNESS/ is replayed first and must not crash.
set -eu
seconds=${1:-60}
b=${2:-.}
shift $(($# > 2 ? 2 : $#))
harnesses=${*:-fuzz_policy fuzz_cli fuzz_seccomp}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/tests/fuzz/build
cc=${CLANG:-clang}
cd "$root"

# clang and its libFuzzer runtime: on Debian, libFuzzer is in libclang-rt-N-dev, not in clang.
# Installed when missing as root (as build-aux/deps.sh does), else the command is printed.
can_fuzz() {
	command -v "$cc" >/dev/null &&
		printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n && 0; }\n' |
		"$cc" -fsanitize=fuzzer -x c - -o "$out/.probe" 2>/dev/null
}
mkdir -p "$out"
if ! can_fuzz; then
	major=$("$cc" -dumpversion 2>/dev/null | cut -d. -f1)
	pkgs="clang libclang-rt-${major:-14}-dev"
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && [ -z "${CLANG:-}" ]; then
		echo "fuzz: installing $pkgs"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
	fi
	can_fuzz || { echo "fuzz: $cc with libFuzzer is needed: sudo apt-get install -y $pkgs" >&2; exit 1; }
fi
rm -f "$out/.probe"
for f in "$b/src/default_policy.c" "$b/src/seccomp_prebuilt.c"; do
	[ -f "$f" ] || { echo "fuzz: $f missing: run make first"; exit 1; }
done
lib=$(ls src/*.c | grep -v -e src/cli.c -e src/gen_seccomp.c -e src/seccomp_prebuilt_none.c \
	-e src/default_policy.c -e src/seccomp_prebuilt.c)
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=gnu11 -D_GNU_SOURCE -Isrc"
flags="$flags -DLANDRUN_VERSION=\"fuzz\" -DLANDRUN_POLICY_DIR=\"$root/policies\" -DFUZZ_POLICY_DIR=\"$root/policies\""
libs="-lseccomp -linih -lnettle"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

for h in $harnesses; do
	extra=
	[ "$h" = fuzz_cli ] && extra="-Dmain=landrun_cli_main src/cli.c"
	# shellcheck disable=SC2086
	$cc $flags -o "$out/$h" "tests/fuzz/$h.c" $extra $lib "$b/src/default_policy.c" \
		"$b/src/seccomp_prebuilt.c" $libs
	regs=$(ls -d tests/fuzz/regressions/"$h"/* 2>/dev/null || true)
	if [ -n "$regs" ]; then
		# shellcheck disable=SC2086
		"$out/$h" -close_fd_mask=3 $regs || { echo "fuzz: $h: a regression input fails"; exit 1; }
	fi
	# -jobs=1 -workers=1: one core; the worker logs to fuzz-0.log in the current directory.
	# -close_fd_mask=3: not the CLI's message per input; the sanitizers still report.
	mkdir -p "$out/corpus/$h" "$out/$h.run"
	echo "fuzz: $h for ${seconds}s (log: $out/$h.run/fuzz-0.log)"
	(cd "$out/$h.run" && "$out/$h" -max_total_time="$seconds" -jobs=1 -workers=1 -close_fd_mask=3 \
		-artifact_prefix="$out/$h-" "$out/corpus/$h" "$root/tests/fuzz/corpus/$h") ||
		{ tail -n 60 "$out/$h.run/fuzz-0.log"; echo "fuzz: $h found a problem: $out/$h-*"; exit 1; }
	tail -n 3 "$out/$h.run/fuzz-0.log"
done

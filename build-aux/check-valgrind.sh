#!/bin/sh
# The parser, the compile steps and `landrun check` under valgrind, on a dynamically linked build
# (valgrind's glibc suppressions do not apply to a static one; valgrind does not know the Landlock
# syscalls, hence --best-effort). Run through stage-policies.sh: the shipped policies are read
# from LANDRUN_TEST_POLICIES.  usage: check-valgrind.sh LANDRUN-DYNAMIC
set -u
L=$1
P=${LANDRUN_TEST_POLICIES:?run through build-aux/stage-policies.sh}
if ! command -v valgrind >/dev/null; then echo "check-valgrind: valgrind not installed, skipped"; exit 0; fi
vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
top=$(pwd)
# service.ini grants the unit's StateDirectory=, which systemd passes as STATE_DIRECTORY
STATE_DIRECTORY=$(mktemp -d /var/tmp/landrun-state.XXXXXX) || exit 1
export STATE_DIRECTORY
trap 'rmdir "$STATE_DIRECTORY"' EXIT
for p in "$P"/*.ini; do
	(cd tests && $vg "$L" --best-effort --explain -p "$p") >/dev/null 2>&1
	[ $? -eq 0 ] || { echo "valgrind: --explain -p $p failed"; exit 1; }
done
(cd tests && $vg "$L" check --json "$P"/*.ini "$top/tests/policies/bad-port.ini") >/dev/null 2>&1
[ $? -eq 125 ] || { echo "valgrind: landrun check failed"; exit 1; }
for bad in tests/policies/bad-*.ini; do
	$vg "$L" -p "$bad" -- /bin/true >/dev/null 2>&1
	[ $? -eq 125 ] || { echo "valgrind: $bad did not fail cleanly with 125"; exit 1; }
done
echo "check-valgrind: shipped and broken policies (explained, checked, run) clean under valgrind"

#!/bin/sh
# make check-nolandlock: boots Debian's user-mode-linux kernel (Linux 6.1 built without Landlock,
# seccomp on) with the host's root as its root file system (hostfs), runs
# build-aux/nolandlock-uml-init.sh there as init, and checks the results it wrote. No privileges
# or disk images needed; make check-nolandlock installs user-mode-linux when missing.
# usage: check-nolandlock-uml.sh BUILDDIR
set -eu
B=$(cd "$1" && pwd)
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)

uml=$(command -v linux.uml || true)
if [ -z "$uml" ]; then
	echo "check-nolandlock: linux.uml not found; run: sudo apt-get install -y user-mode-linux" >&2
	exit 1
fi

# Everything the guest reads and writes is in one world-readable directory of the host: the guest
# sees the host's / as its own.
D=$(mktemp -d /tmp/landrun-uml.XXXXXX)
trap 'rm -rf "$D"' EXIT
mkdir -p "$D/helpers" "$D/policies"
cp "$SRCDIR"/policies/*.ini "$D/policies/"
cp "$B/src/landrun" "$D/"
cp "$B/tests/helpers/probe" "$D/helpers/"
cp "$SRCDIR/build-aux/nolandlock-uml-init.sh" "$D/init.sh"
chmod -R a+rX "$D"
chmod 755 "$D/init.sh"

echo "check-nolandlock: booting $uml (hostfs root) to run the no-Landlock tests"
# UML handles SIGINT and the terminal itself: no stdin; its console goes to a log
if ! timeout 300 "$uml" mem=256M root=/dev/root rootfstype=hostfs rootflags=/ rw \
	init="$D/init.sh" con=null con0=fd:0,fd:1 </dev/null >"$D/console.log" 2>&1; then
	echo "check-nolandlock: the UML kernel failed or timed out; its console:" >&2
	tail -n 40 "$D/console.log" >&2
	exit 1
fi
if [ ! -f "$D/results" ] || ! grep -q '^# done' "$D/results"; then
	echo "check-nolandlock: the guest did not finish its tests; its console:" >&2
	tail -n 40 "$D/console.log" >&2
	[ -f "$D/results" ] && cat "$D/results" >&2
	exit 1
fi
cat "$D/results"
if grep -q '^not ok' "$D/results"; then
	echo "check-nolandlock: FAILED" >&2
	exit 1
fi
echo "check-nolandlock: $(grep -c '^ok' "$D/results") checks passed on a kernel without Landlock"

#!/bin/sh
# Runs the integration suite as an unprivileged user (nobody), from a staged copy in a
# world-readable directory: the build tree itself may sit where nobody cannot reach it.
# usage: check-unprivileged.sh BUILDDIR
set -eu
B=$1
# not under /tmp: the shipped policies grant rw /tmp, and landrun refuses a policy file its
# own sandbox could rewrite
S=$(mktemp -d /var/tmp/landrun-check.XXXXXX)
trap 'rm -rf "$S"' EXIT
mkdir -p "$S/src" "$S/tests/helpers" "$S/policies" "$S/examples" "$S/completions"
cp "$B/src/landrun" "$S/src/"
cp "$B"/tests/helpers/* "$S/tests/helpers/"
cp "$B/tests/integration_tests" "$S/tests/"
cp policies/*.ini "$S/policies/"
cp examples/* "$S/examples/"
cp "$B"/completions/* "$S/completions/"
chmod -R a+rX "$S"
chmod 755 "$S"
cd /tmp
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	env HOME=/nonexistent PATH=/usr/bin:/bin \
	LANDRUN_TEST_BIN="$S/src/landrun" LANDRUN_TEST_HELPERS="$S/tests/helpers" \
	LANDRUN_TEST_POLICIES="$S/policies" LANDRUN_TEST_COMPLETIONS="$S/completions" ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} \
	"$S/tests/integration_tests"

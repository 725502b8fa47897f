#!/bin/sh
# Runs CMD with LANDRUN_TEST_POLICIES set to a copy of policies/ in a directory no shipped policy
# grants read-write (they grant /tmp and the working directory): in a source tree under /tmp the
# policies would sit inside their own read-write grant, which landrun refuses to run.
# usage: stage-policies.sh CMD [ARG...]   (from the source tree's top directory)
set -u
S=$(mktemp -d /var/tmp/landrun-policies.XXXXXX) || exit 1
trap 'rm -rf "$S"' EXIT
trap 'exit 130' INT TERM
cp policies/*.ini "$S/" && chmod 755 "$S" && chmod 644 "$S"/*.ini || exit 1
LANDRUN_TEST_POLICIES=$S "$@"

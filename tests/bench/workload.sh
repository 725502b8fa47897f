#!/bin/bash
# workload.sh KIND INPUTS SCRATCH LANDRUN [ARG...]: one run of a workload for bench -V. In a fresh
# directory under SCRATCH (the command's cwd, which the default policy grants), runs
# `LANDRUN ARG... -- TOOL...` and prints the microseconds that took: only the run, not the
# directory's making or removal (bash's clock: no process started to read it).
#   tar: tar x of INPUTS/files.tar (on stdin: outside the grants)
#   npm: npm install --offline of INPUTS/pkg.tgz (copied into the directory first)
#   git: git clone --no-hardlinks of INPUTS/repo into the directory (ARG must grant it: --ro)
set -u
kind=$1 in=$2 scratch=$3
shift 3
d=$(mktemp -d "$scratch/run.XXXXXX") || exit 1
cd "$d" || exit 1
case $kind in
tar)
	t0=$EPOCHREALTIME
	"$@" -- tar x <"$in/files.tar"
	rc=$?
	;;
npm)
	cp "$in/pkg.tgz" . || exit 1
	t0=$EPOCHREALTIME
	"$@" -- npm install --offline --no-audit --no-fund --cache ./.npm-cache ./pkg.tgz >/dev/null
	rc=$?
	;;
git)
	t0=$EPOCHREALTIME
	"$@" -- git clone -q --no-hardlinks "$in/repo" .
	rc=$?
	;;
*)
	echo "workload.sh: unknown workload $kind" >&2
	exit 2
	;;
esac
t1=$EPOCHREALTIME
cd / && rm -rf "$d"
[ $rc -eq 0 ] || exit $rc
# microseconds from the two "seconds.micros" readings
echo $(( (${t1%.*} - ${t0%.*}) * 1000000 + 10#${t1#*.} - 10#${t0#*.} ))

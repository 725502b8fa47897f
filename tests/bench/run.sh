#!/bin/sh
# run.sh BUILDDIR: builds the benchmark programs into BUILDDIR/tests/bench/, runs them, and
# prints a summary of each figure against its target. Benchmarks, not tests: a MISS is
# information and the exit status stays 0; it is 1 only if something could not run at all.
# ROUNDS (default 200) sets the rounds of the process start-up comparison; ONLY=startup stops
# after it; ONLY=workloads runs only the workloads (tar x, npm install, git clone; WROUNDS rounds,
# default 10).
set -u
cd "$(dirname "$0")/../.." || exit 1   # the repository root: policies/ and src/ are relative
[ $# -eq 1 ] || { echo "usage: sh tests/bench/run.sh BUILDDIR" >&2; exit 2; }
B=$(cd "$1" && pwd) || exit 1
L=$B/src/landrun
O=$B/tests/bench
[ -x "$L" ] || { echo "bench: $L not built (run make)" >&2; exit 1; }
mkdir -p "$O" || exit 1

CC=${CC:-cc}
CF="-std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Wvla -Wshadow -Wstrict-prototypes"
# Static: the noop wrapper is the floor (no dynamic loader); the harness, because its RSS is
# the floor of every peak-RSS figure it reports (see bench.c).
$CC $CF -static -o "$O/noop_wrapper" tests/bench/noop_wrapper.c &&
$CC $CF -static -o "$O/bench" tests/bench/bench.c &&
$CC $CF -o "$O/sysloop" tests/bench/sysloop.c &&
$CC $CF -o "$O/openbench" tests/bench/openbench.c || { echo "bench: build failed" >&2; exit 1; }
spawnbench=yes   # liblandrun's API may not be complete yet: then only this part is skipped
$CC $CF -Isrc -o "$O/spawnbench" tests/bench/spawnbench.c "$B/src/liblandrun.a" \
	-lseccomp -linih -lnettle 2>"$O/spawnbench.log" || spawnbench=no
$CC $CF -Isrc -o "$O/parsebench" tests/bench/parsebench.c "$B/src/liblandrun.a" \
	-lseccomp -linih -lnettle || { echo "bench: build failed" >&2; exit 1; }
T=$(mktemp -d /var/tmp/landrun-bench.XXXXXX) || exit 1
# The shipped policies, copied where none of them grants write access (they grant /tmp and the
# working directory, $T): landrun refuses a policy its own sandbox could rewrite.
P=$(mktemp -d /var/tmp/landrun-bench-policies.XXXXXX) || exit 1
trap 'rm -rf "$T" "$P"' EXIT
cp policies/*.ini "$P/" || exit 1
# without the helper: metadata = any, and for git udp = yes instead of udp = dns (whose socket
# calls the helper makes)
for pol in git default; do
	printf '[policy]\ninclude = %s\n[filesystem]\nmetadata = any\n' "$P/$pol.ini" >"$P/$pol-any.ini" || exit 1
done
printf '[network]\nudp = yes\n' >>"$P/git-any.ini" || exit 1
# UDP ports restricted: the helper makes the socket calls below Landlock ABI 10 (Landlock after)
printf '[policy]\ninclude = %s\n[network]\nconnect_udp = 1-65535\n' "$P/git-any.ini" >"$P/git-udp-ports.ini" || exit 1
trap 'exit 130' INT TERM
status=0
# landrun runs from the scratch directory: git.ini's rw ${CWD} on the repository would make the
# policy files writable by the sandbox, which landrun refuses
R=$(pwd)
cd "$T" || exit 1

# section TITLE CMD...: runs CMD, shows its report, keeps its FIGURE lines for the summary.
section() {
	printf '\n== %s ==\n' "$1"
	shift
	start=$(date +%s)
	"$@" >"$T/out" 2>&1
	rc=$?
	grep -v '^FIGURE|' "$T/out"
	[ $rc -eq 0 ] || { status=1; echo "(could not run everything: exit status $rc)"; }
	echo "($(($(date +%s) - start)) s)"
	grep '^FIGURE|' "$T/out" | sed "s/^FIGURE|\([^|]*\)|/FIGURE|\1$FIGURE_SUFFIX|/" >>"$T/figures"
}
FIGURE_SUFFIX=""
: >"$T/figures"
# The FIGURE lines of every section, graded.
summary() {
	printf '\n== summary ==\n'
	awk -F'|' 'BEGIN { printf "%-42s %12s %14s  %s\n", "figure", "value", "target", "" }
		{ t = $4; sub(/^<= */, "<= ", t); sub(/^>= */, ">= ", t)
		  printf "%-42s %12s %14s  %s\n", $2, $3, t, $5 }' "$T/figures"
	exit $status
}

BWRAP=$(command -v bwrap || echo bwrap)   # bench skips it, with the reason, if not found
# The process start-up figures, for root and for an unprivileged user (most services run landrun
# unprivileged; only root pays the bounding-set drop). Each user gets its own references: refgen
# records the kernel work of `landrun [-p git.ini] -- /bin/true` run by that user in that
# directory, and reference.c is compiled from the record (static-pie, as landrun is).
# startup LABEL DIR [RUNNER...]: the section, run in DIR by RUNNER (e.g. setpriv).
startup() {
	label=$1 dir=$2
	shift 2
	# the reference models no helper: it is recorded with metadata = any (and git's udp = yes),
	# and the helper's cost is the ratio landrun-git/landrun-git-any
	for pol in git default; do
		polarg="-p $P/default-any.ini"
		[ $pol = git ] && polarg="-p $P/git-any.ini"
		# shellcheck disable=SC2086
		(cd "$dir" && "$@" "$S/refgen" $polarg -- /bin/true) >"$T/ref-$label-$pol.h" &&
		$CC $CF -I"$R/src" -static-pie -DREF_HEADER="\"$T/ref-$label-$pol.h\"" -o "$S/ref-$label-$pol" \
			"$R/tests/bench/reference.c" || { echo "bench: the $label reference for $pol failed" >&2; status=1; return; }
	done
	cd "$dir" || exit 1
	FIGURE_SUFFIX=" ($label)"
	section "process start-up as $label: /bin/true through each wrapper, us" "$@" \
		"$S/bench" -n "${ROUNDS:-200}" -b true \
		-r "landrun-git-any/ref-git<=1.05" -r "landrun-default-any/ref-default<=1.05" \
		-r "landrun-git/landrun-git-any<=1.15" -r "landrun-default/landrun-default-any<=1.15" \
		-r 'landrun-git/noop-wrapper' -r 'landrun-git/bwrap' -r 'noop-wrapper/true' -- \
		true /bin/true :: \
		noop-wrapper "$S/noop_wrapper" /bin/true :: \
		ref-git "$S/ref-$label-git" /bin/true :: \
		landrun-git "$S/landrun" --policy "$P/git.ini" -- /bin/true :: \
		landrun-git-any "$S/landrun" --policy "$P/git-any.ini" -- /bin/true :: \
		ref-default "$S/ref-$label-default" /bin/true :: \
		landrun-default "$S/landrun" -- /bin/true :: \
		landrun-default-any "$S/landrun" -p "$P/default-any.ini" -- /bin/true :: \
		'?bwrap' "$BWRAP" --ro-bind / / /bin/true
	FIGURE_SUFFIX=""
	cd "$T" || exit 1
}
# What the unprivileged user runs is staged where it can reach it (the build tree may not be).
S=$(mktemp -d /var/tmp/landrun-bench-bin.XXXXXX) || exit 1
trap 'rm -rf "$T" "$P" "$S"' EXIT
cp "$L" "$B/tests/helpers/refgen" "$O/bench" "$O/noop_wrapper" "$R/tests/bench/workload.sh" "$S/" || exit 1
chmod 755 "$S" "$P" && chmod a+r "$P"/*.ini

# Workloads that make many metadata calls (GNU tar restores modes, owners and times; npm sets
# modes; git clone sets times), under the default policy with its helper (metadata = granted)
# against the same with metadata = any, each run in a fresh directory as its cwd. The inputs,
# made once, are world-readable for the unprivileged run.
workload_inputs() {
	WI=$(mktemp -d /var/tmp/landrun-bench-inputs.XXXXXX) || return 1
	mkdir "$WI/files" && for d in $(seq 1 20); do
		mkdir "$WI/files/d$d" && for f in $(seq 1 100); do printf '%s %s\n' "$d" "$f" >"$WI/files/d$d/f$f"; done
	done && tar cf "$WI/files.tar" -C "$WI/files" . && rm -rf "$WI/files" || return 1
	if command -v npm >/dev/null; then
		mkdir -p "$WI/pkg/lib" "$WI/pkg/bin" &&
		printf '{"name":"bench-pkg","version":"1.0.0","main":"index.js","bin":{"bench-pkg":"bin/cli.js"}}\n' \
			>"$WI/pkg/package.json" &&
		for i in $(seq 1 20); do echo "module.exports = $i;" >"$WI/pkg/lib/m$i.js"; done &&
		printf '#!/usr/bin/env node\nrequire("../index.js");\n' >"$WI/pkg/bin/cli.js" &&
		echo 'module.exports = 0;' >"$WI/pkg/index.js" &&
		(cd "$WI/pkg" && npm pack --silent >/dev/null 2>&1) && mv "$WI/pkg/bench-pkg-1.0.0.tgz" "$WI/pkg.tgz" || return 1
	fi
	if command -v git >/dev/null; then
		git clone -q --no-hardlinks "$R" "$WI/repo" 2>/dev/null || {
			rm -rf "$WI/repo" && git init -q "$WI/repo" && for i in $(seq 1 200); do
				echo "$i" >"$WI/repo/f$i" && git -C "$WI/repo" add "f$i" || return 1
			done && git -C "$WI/repo" -c user.name=b -c user.email=b@b commit -qm files || return 1
		}
	fi
	chmod -R a+rX "$WI"
}
# workloads LABEL SCRATCH [RUNNER...]: the section, run by RUNNER, each run in a new directory
# under SCRATCH.
workloads() {
	label=$1 sc=$2
	shift 2
	W="$S/workload.sh"
	set -- "$@" "$S/bench" -V -u us -n "${WROUNDS:-10}"
	cmds="" figs=""
	for kind in tar npm git; do
		tool=$kind
		if ! command -v "$tool" >/dev/null; then
			echo "workload $kind ($label): skipped, $tool is not installed"
			continue
		fi
		grant=""
		[ $kind = git ] && grant="-p default --ro $WI/repo"
		anyp="-p $P/default-any.ini"
		[ $kind = git ] && anyp="$anyp --ro $WI/repo"
		figs="$figs -r $kind-granted/$kind-any<=1.25"
		cmds="$cmds :: $kind-granted $BASH_BIN $W $kind $WI $sc $S/landrun $grant"
		cmds="$cmds :: $kind-any $BASH_BIN $W $kind $WI $sc $S/landrun $anyp"
	done
	[ -n "$cmds" ] || return 0
	FIGURE_SUFFIX=" ($label)"
	# shellcheck disable=SC2086 # the lists are split on purpose; no path here has a space
	section "workloads as $label: the default policy's helper against metadata = any, us per run" \
		"$@" $(echo "$figs" | sed 's/^ //') -- $(echo "$cmds" | sed 's/^ :: //')
	FIGURE_SUFFIX=""
}
run_workloads() {
	BASH_BIN=$(command -v bash) || { printf '\n== workloads ==\nskipped: bash is not installed\n'; return; }
	workload_inputs || { echo "bench: the workload inputs could not be made" >&2; status=1; return; }
	mkdir "$T/wl" && workloads root "$T/wl"
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		# git refuses to clone another user's repository: the unprivileged run gets it
		[ -d "$WI/repo" ] && chown -R 65534:65534 "$WI/repo"
		U=$(mktemp -d /var/tmp/landrun-bench-nobody.XXXXXX) && chown 65534:65534 "$U" && chmod 755 "$U" &&
		(cd "$U" && workloads nobody "$U" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
			env HOME=/nonexistent PATH=/usr/bin:/bin)
		rm -rf "$U"
	fi
	rm -rf "$WI" "$T/wl"
}
if [ "${ONLY:-}" = workloads ]; then
	# The socket calls the helper makes (connect_udp below Landlock ABI 10, udp = dns, unix = PATH
# below ABI 9): a sendto with an address, bare, with udp = yes, and with its ports restricted (no
# target: the ratio is reported)
section "sendto with an address, ns per call: bare, udp = yes, connect_udp (the helper below ABI 10)" \
	"$O/bench" -V -u ns -n 11 \
	-r 'sendto-helper/sendto-bare' -r 'sendto-udp-yes/sendto-bare' -- \
	sendto-bare "$O/sysloop" sendto 20000 :: \
	sendto-udp-yes "$L" --policy "$P/git-any.ini" --rox "$O" -- "$O/sysloop" sendto 20000 :: \
	sendto-helper "$L" --policy "$P/git-udp-ports.ini" --rox "$O" -- "$O/sysloop" sendto 20000

run_workloads
	summary
fi

startup root "$T"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	U=$(mktemp -d /var/tmp/landrun-bench-nobody.XXXXXX) && chown 65534:65534 "$U" && chmod 755 "$U" &&
	startup nobody "$U" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		env HOME=/nonexistent PATH=/usr/bin:/bin
	rm -rf "$U"
else
	printf '\n== process start-up as nobody ==\nskipped: needs root (to become nobody) and setpriv\n'
fi
[ "${ONLY:-}" = startup ] && summary

# ru_maxrss is the peak over the process's life, across exec: landrun -- /bin/true reports
# max(landrun, /bin/true). Exec'ing the static noop wrapper (run without arguments it just
# exits) instead shows landrun's own peak. noop-wrapper alone is the floor the harness sets.
section "peak RSS (ru_maxrss)" \
	"$O/bench" -n 20 -m true -m noop-wrapper -m landrun-default -m landrun-itself -- \
	true /bin/true :: noop-wrapper "$O/noop_wrapper" :: landrun-default "$L" -- /bin/true :: \
	landrun-itself "$L" -p "$P/default.ini" --rox "$O" -- "$O/noop_wrapper"

N=100000
section "per-syscall cost, ns per call, bare and under landrun -p git" \
	"$O/bench" -V -u ns -n 21 \
	-r 'getppid-landrun/getppid-bare<=1.05' -r 'ioctl-landrun/ioctl-bare<=1.25' -- \
	getppid-bare "$O/sysloop" getppid $N :: \
	getppid-landrun "$L" --policy "$P/git.ini" --rox "$O" -- "$O/sysloop" getppid $N :: \
	ioctl-bare "$O/sysloop" ioctl $N :: \
	ioctl-landrun "$L" --policy "$P/git.ini" --rox "$O" -- "$O/sysloop" ioctl $N

# metadata = granted: a chmod in the write grant answered by the helper, against the same chmod
# with metadata = any and bare (no target: the ratio is reported)
section "chmod in the write grant, ns per call: bare, metadata = any, metadata = granted (helper)" \
	"$O/bench" -V -u ns -n 11 \
	-r 'chmod-granted/chmod-bare' -r 'chmod-any/chmod-bare' -- \
	chmod-bare "$O/sysloop" chmod 20000 :: \
	chmod-any "$L" --policy "$P/git-any.ini" --rox "$O" -- "$O/sysloop" chmod 20000 :: \
	chmod-granted "$L" --policy "$P/git.ini" --rox "$O" -- "$O/sysloop" chmod 20000

run_workloads

# Landlock path walk: 1001 rules, the granting one 8 levels above the file. The 1-rule run
# tells the rule count's share from the walk's.
if "$O/openbench" setup "$T"; then
	F=$T/d1/d2/d3/d4/d5/d6/d7/d8/file
	N=20000
	section "open()+close() of a file 8 levels deep, ns per pair" \
		"$O/bench" -V -u ns -n 21 \
		-r 'landrun-1001-rules/bare<=1.25' -r 'landrun-1-rule/bare' -- \
		bare "$O/openbench" loop "$F" $N :: \
		landrun-1-rule "$L" -p "$P/base.ini" --rox "$O" --ro "$T/d1" -- "$O/openbench" loop "$F" $N :: \
		landrun-1001-rules "$L" -p "$P/base.ini" -p "$T/paths.ini" --rox "$O" -- \
			"$O/openbench" loop "$F" $N

	# BIG: the 1001 paths and 300 separate deny rules, named from the syscall group tables (not
	# the calls every process needs to start and end).
	{ cat "$T/paths.ini"; echo '[syscalls]'
	  grep -o '"[a-z_0-9]*"' "$R/src/syscall_groups.c" | tr -d '"' | sort -u |
		grep -vx "execve\|exit\|exit_group\|rt_sigreturn\|restart_syscall" | head -300 | sed 's/^/deny = /'
	} >"$T/big.ini"
	printf '[filesystem]\nro = /usr\n' >"$T/tiny.ini"
	# The whole process includes exec and dynamic linking; the difference to a one-rule policy
	# in the same round is the parse+compile cost of BIG.
	section "landrun --explain: 1001 paths + 300 deny rules (BIG) vs one rule, us" \
		"$O/bench" -n 50 -a 'explain-big' -d 'explain-big - explain-tiny<=5000' -- \
		explain-big "$L" --explain -p "$T/big.ini" :: explain-tiny "$L" --explain -p "$T/tiny.ini"
else
	status=1
	echo "openbench setup failed"
fi

# git log -1 in a real repository (a clone of this one when it is a git checkout, else a small
# synthetic history), bare and under git.ini with the clone granted.
if command -v git >/dev/null; then
	GR=$T/repo
	if [ -e "$R/.git" ] && git clone -q --no-hardlinks "$R" "$GR" 2>/dev/null; then :; else
		rm -rf "$GR" && git init -q "$GR" && for i in 1 2 3 4 5 6 7 8 9 10; do
			echo "$i" >"$GR/f$i" && git -C "$GR" add "f$i" &&
			git -C "$GR" -c user.name=b -c user.email=b@b commit -qm "c$i" || break
		done
	fi
	G=$(command -v git)
	section "git log -1 in a real repository, us" \
		"$O/bench" -n "${ROUNDS:-200}" -r 'landrun-git/bare' -- \
		bare "$G" -C "$GR" log -1 :: \
		landrun-git "$L" --policy "$P/git.ini" --rw "$GR" -- "$G" -C "$GR" log -1
else
	printf '\n== git log -1 ==\nskipped: git is not installed\n'
fi

if [ $spawnbench = yes ]; then
	section "library: landrun_spawn vs posix_spawn vs the CLI, /bin/true" \
		"$O/spawnbench" "$L" "$P/git.ini" 2000 "$T/big.ini"
else
	printf '\n== library ==\nskipped: spawnbench does not link against %s:\n' "$B/src/liblandrun.a"
	head -n 5 "$O/spawnbench.log"
fi

# Linear cost in the number of rules: 1,000, 10,000 and 100,000 path rules parsed (and compiled)
# in one process.
section "policy size: parse and compile time per rule" "$O/parsebench"

summary

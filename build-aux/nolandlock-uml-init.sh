#!/bin/sh
# init of the user-mode-linux guest that make check-nolandlock boots (a kernel without Landlock):
# runs landrun's strict, best-effort and --explain checks, writes TAP-style lines to results in
# this script's directory, and powers the guest off.
D=$(dirname "$0")
R="$D/results"
L="$D/landrun"
P="$D/helpers/probe"
export PATH=/usr/bin:/bin:/usr/sbin:/sbin
mount -t proc proc /proc 2>/dev/null
: >"$R"
n=0

# check DESCRIPTION EXPECTED_STATUS STATUS [FILE PATTERN]...: one result line
check() {
	desc=$1 want=$2 got=$3
	shift 3
	n=$((n + 1))
	ok=1
	[ "$got" = "$want" ] || { ok=0; echo "#   status $got, want $want" >>"$R"; }
	while [ $# -ge 2 ]; do
		grep -q -- "$2" "$1" || { ok=0; echo "#   no \"$2\" in: $(cat "$1")" >>"$R"; }
		shift 2
	done
	if [ $ok = 1 ]; then echo "ok $n - $desc" >>"$R"; else echo "not ok $n - $desc" >>"$R"; fi
}

run() { # run OUT ERR ARGS...: landrun in $D
	out=$1 err=$2
	shift 2
	(cd "$D" && "$L" "$@") >"$out" 2>"$err"
}

echo "# kernel $(uname -r), $(grep -c landlock /sys/kernel/security/lsm 2>/dev/null || echo 0) landlock in lsm" >>"$R"
POL="$D/p.ini"
printf '[policy]\ninclude = %s/policies/base.ini\n[filesystem]\nrw = %s\nrox = %s/helpers\n' "$D" "$D" "$D" >"$POL"

# strict: refused, Landlock named as missing, the command never ran
rm -f "$D/marker"
run "$D/o" "$D/e" -p "$POL" -- /usr/bin/touch "$D/marker"
check "strict refuses without Landlock" 125 $? "$D/e" "Landlock is unavailable (the kernel was built without Landlock: ENOSYS)" \
	"$D/e" "use compat = best-effort"
n=$((n + 1))
if [ -e "$D/marker" ]; then echo "not ok $n - strict did not run the command" >>"$R"; else echo "ok $n - strict did not run the command" >>"$R"; fi
run "$D/o" "$D/e" -- /bin/true
check "strict refuses the embedded default policy" 125 $? "$D/e" "Landlock is unavailable"

# best-effort: runs, says so, and the syscall filter is in force
run "$D/o" "$D/e" --best-effort -p "$POL" -- /bin/sh -c "touch '$D/marker' && grep '^Seccomp:' /proc/self/status"
check "best-effort runs with the syscall filter only" 0 $? "$D/o" "Seccomp:.2" \
	"$D/e" "warning: Landlock is unavailable (the kernel was built without Landlock: ENOSYS)" \
	"$D/e" "only the syscall filter applies"
n=$((n + 1))
if [ -e "$D/marker" ]; then echo "ok $n - best-effort ran the command" >>"$R"; else echo "not ok $n - best-effort ran the command" >>"$R"; fi
run "$D/o" "$D/e" --best-effort -p "$POL" -- "$P" keyctl
check "best-effort: a baseline syscall (keyctl) is denied" 1 $? "$D/o" "denied EPERM"
run "$D/o" "$D/e" --best-effort -p "$POL" -- "$P" personality 0xffffffff
check "best-effort: its twin, the personality query, is allowed" 0 $? "$D/o" "ok"

# --explain tells which
run "$D/o" "$D/e" --best-effort --explain -p "$POL"
check "--explain (best-effort) says Landlock is missing and why" 0 $? \
	"$D/o" "Landlock unavailable: the kernel was built without Landlock: ENOSYS" \
	"$D/o" "enforced rights: none (NOT restricted)" \
	"$D/o" "enforced TCP: connect NOT restricted, bind NOT restricted" \
	"$D/o" "seccomp rules"
run "$D/o" "$D/e" --explain -p "$POL"
check "--explain (strict) refuses as a run would" 125 $? "$D/e" "Landlock is unavailable"

# a floor on the ABI holds in best-effort mode too
printf '[policy]\ninclude = %s\ncompat = best-effort\nmin_abi = 1\n' "$POL" >"$D/floor.ini"
run "$D/o" "$D/e" -p "$D/floor.ini" -- /bin/true
check "min_abi = 1 refuses even in best-effort mode" 125 $? "$D/e" "min_abi = 1"

echo "# done" >>"$R"
sync
poweroff -f

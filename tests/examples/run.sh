#!/bin/sh
# tests/examples/run.sh REPO_ROOT BUILDDIR: runs the liblandrun examples of landrun(3) against
# BUILDDIR/src/liblandrun.so (and liblandrun.a) and checks that each sandbox grants what its
# policy grants and nothing else. Exits nonzero on the first failure.
#
#   spawn.py     Python ctypes (always)
#   fetch-all.c  C, linked statically and through pkg-config (git fetch when git is installed)
#   spawn.go     Go cgo (go vet and go run when go is installed)
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 REPO_ROOT BUILDDIR" >&2
	exit 2
fi
REPO=$(cd "$1" && pwd) || exit 2
BUILD=$(cd "$2" && pwd) || exit 2
EX=$REPO/tests/examples
LIB=$BUILD/src/liblandrun.so
PY=${PYTHON:-python3}
[ -f "$LIB" ] || { echo "FAIL: $LIB not found (run make)" >&2; exit 1; }

T=$(mktemp -d /var/tmp/landrun-examples.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# The fixtures: a granted directory, a secret beside it, a scratch working directory.
mkdir "$T/granted" "$T/work"
echo hello >"$T/granted/file"
echo s3cret >"$T/secret"
cat >"$T/test.ini" <<EOF
; base.ini and a read grant on one directory; nothing else of $T
[policy]
include = $REPO/policies/base.ini

[filesystem]
rox = /usr
ro = $T/granted
EOF
[ -r "$T/secret" ] || { echo "FAIL: cannot read $T/secret outside the sandbox" >&2; exit 1; }

# expect STATUS DESCRIPTION COMMAND...: runs COMMAND (from $T/work), checks its exit status.
expect() {
	want=$1 what=$2
	shift 2
	out=$(cd "$T/work" && "$@" 2>"$T/stderr")
	got=$?
	if [ "$got" = "$want" ]; then
		pass "$what"
	else
		fail "$what: exit status $got, expected $want"
		printf '  stdout: %s\n' "$out" >&2
		sed 's/^/  stderr: /' "$T/stderr" >&2
	fi
}

# ---- Python (ctypes) ----------------------------------------------------------------------
if ! command -v "$PY" >/dev/null 2>&1; then
	echo "SKIP: python3 not installed"
else
	spawn() { "$PY" "$EX/spawn.py" "$LIB" "$@"; }
	# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
	expect 0 "python: a granted read works, a read outside the policy fails" \
		spawn "$T/test.ini" /bin/sh -c 'cat "$1" >/dev/null && ! cat "$2" 2>/dev/null' sh "$T/granted/file" "$T/secret"
	expect 1 "python: cat of the secret is refused" spawn "$T/test.ini" cat "$T/secret"
	grep -q "Permission denied" "$T/stderr" || fail "python: the refusal is not EACCES: $(cat "$T/stderr")"
	# shellcheck disable=SC2016
	expect 0 "python: ro grant: writing is refused" \
		spawn "$T/test.ini" /bin/sh -c '! echo x 2>/dev/null >"$1/new"' sh "$T/granted"
	[ ! -e "$T/granted/new" ] || fail "python: $T/granted/new was created"
	# shellcheck disable=SC2016
	expect 0 "python: the command runs with the policy's PATH and stdin from /dev/null" \
		spawn "$T/test.ini" /bin/sh -c 'test "$PATH" = /usr/local/bin:/usr/bin:/bin && ! read -r x'
	expect 3 "python: the command's exit status is passed on" spawn "$T/test.ini" /bin/sh -c 'exit 3'
	# the embedded git-like policy: rw on the current directory ($T/work), nothing of $T else
	# shellcheck disable=SC2016
	expect 0 "python: git-like policy text: cwd writable, secret not readable" \
		spawn - /bin/sh -c 'echo x >out && ! cat "$1" 2>/dev/null' sh "$T/secret"
	[ -f "$T/work/out" ] || fail "python: git-like policy: $T/work/out not written"
	expect 1 "python: a command that cannot be executed is reported" spawn "$T/test.ini" /nonexistent/cmd
	grep -q "execve failed" "$T/stderr" || fail "python: no execve error: $(cat "$T/stderr")"
	printf '[filesystem]\nrp = /usr\n' >"$T/bad.ini"
	expect 1 "python: a policy error is reported with its line" spawn "$T/bad.ini" /bin/true
	grep -q "bad.ini:2: unknown key" "$T/stderr" || fail "python: policy error: $(cat "$T/stderr")"
fi

# ---- C (fetch-all.c), static and through pkg-config --------------------------------------
CC=${CC:-cc}
mkdir "$T/lib" "$T/pc"
# The build tree has liblandrun.so only; its soname is liblandrun.so.1.
ln -s "$LIB" "$T/lib/liblandrun.so"
ln -s "$LIB" "$T/lib/liblandrun.so.1"
sed -e "s|^libdir=.*|libdir=$T/lib|" -e "s|^includedir=.*|includedir=$REPO/src|" \
	"$BUILD/src/landrun.pc" >"$T/pc/landrun.pc"
if ! command -v "$CC" >/dev/null 2>&1; then
	echo "SKIP: C example: $CC not installed"
else
	if "$CC" -std=gnu11 -Wall -Wextra -Werror -I"$REPO/src" -o "$T/fetch-all" "$EX/fetch-all.c" \
		"$BUILD/src/liblandrun.a" -lseccomp -linih -lnettle 2>"$T/stderr"; then
		pass "C: fetch-all.c links statically (liblandrun.a -lseccomp -linih -lnettle)"
	else
		fail "C: static link"
		cat "$T/stderr" >&2
	fi
	# shellcheck disable=SC2046 # word splitting of pkg-config's output is wanted
	if "$CC" -std=gnu11 -Wall -Wextra -Werror -o "$T/fetch-all-dyn" "$EX/fetch-all.c" \
		$(PKG_CONFIG_PATH="$T/pc" pkg-config --cflags --libs landrun) -Wl,-rpath,"$T/lib" 2>"$T/stderr"; then
		pass "C: fetch-all.c links with pkg-config --cflags --libs landrun"
	else
		fail "C: pkg-config link"
		cat "$T/stderr" >&2
	fi
	if ! command -v git >/dev/null 2>&1; then
		echo "SKIP: C example run: git not installed"
	elif [ -x "$T/fetch-all" ] && [ -x "$T/fetch-all-dyn" ]; then
		g() { git -c user.name=t -c user.email=t@example.invalid -c init.defaultBranch=main "$@"; }
		if ! { g init -q "$T/upstream" && echo 1 >"$T/upstream/f" && g -C "$T/upstream" add f &&
			g -C "$T/upstream" commit -qm 1 && mkdir "$T/mirrors" &&
			git clone -q "$T/upstream" "$T/mirrors/a" && git clone -q "$T/upstream" "$T/mirrors/b" &&
			echo 2 >"$T/upstream/f" && g -C "$T/upstream" commit -qam 2; }; then
			fail "C: git fixtures"
		fi
		head=$(git -C "$T/upstream" rev-parse HEAD)
		printf '[policy]\ninclude = %s/policies/git.ini\n' "$REPO" >"$T/git-only.ini"
		printf '[policy]\ninclude = %s/policies/git.ini\n[filesystem]\nro = %s/upstream\n' \
			"$REPO" "$T" >"$T/git-local.ini"
		expect 1 "C: git fetch from a remote the policy does not grant fails" \
			"$T/fetch-all" "$T/git-only.ini" "$T/mirrors/a"
		expect 0 "C: git fetch in two repositories, one compile, two spawns" \
			"$T/fetch-all" "$T/git-local.ini" "$T/mirrors/a" "$T/mirrors/b"
		for r in a b; do
			[ "$(git -C "$T/mirrors/$r" rev-parse FETCH_HEAD 2>/dev/null)" = "$head" ] ||
				fail "C: $r did not fetch $head"
		done
		rm -f "$T/mirrors/a/.git/FETCH_HEAD"
		expect 0 "C: the pkg-config build runs too" "$T/fetch-all-dyn" "$T/git-local.ini" "$T/mirrors/a"
	fi
fi

# ---- Go (cgo) ---------------------------------------------------------------------------
if ! command -v go >/dev/null 2>&1; then
	echo "SKIP: go not installed"
else
	export PKG_CONFIG_PATH="$T/pc" CGO_LDFLAGS="-Wl,-rpath,$T/lib"
	[ -n "${GOCACHE:-}${HOME:-}" ] || export GOCACHE="$T/gocache"
	if (cd "$EX" && go vet spawn.go) 2>"$T/stderr"; then
		pass "go: go vet spawn.go"
	else
		fail "go: go vet spawn.go"
		cat "$T/stderr" >&2
	fi
	go build -o "$T/spawn-go" "$EX/spawn.go" 2>"$T/stderr" || { fail "go: build"; cat "$T/stderr" >&2; }
	# shellcheck disable=SC2016
	expect 0 "go: a granted read works, a read outside the policy fails" \
		"$T/spawn-go" "$T/test.ini" /bin/sh -c 'cat "$1" >/dev/null && ! cat "$2" 2>/dev/null' sh "$T/granted/file" "$T/secret"
	expect 1 "go: cat of the secret is refused" "$T/spawn-go" "$T/test.ini" cat "$T/secret"
fi

if [ "$fails" -ne 0 ]; then
	echo "examples: $fails failure(s)" >&2
	exit 1
fi
echo "examples: all passed"

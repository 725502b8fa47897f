#!/bin/sh
# The Debian packages landrun needs, by set, and which of them are missing.
#   deps.sh [--check] SET...
# Sets: build (what a plain `make` needs), test (Criterion, libcap-ng, python3, strace), git, man (mandoc), valgrind,
# lint (cppcheck, clang-tidy), uml (user-mode-linux), bench (bubblewrap, which the bench compares
# with), jobs (the tools the shipped policies are tested with: make, cc, python3 with venv, node and
# npm, curl, systemd-analyze), deb (what `make deb` builds and lints with). The Makefile names the
# sets each target needs. Missing packages are installed with apt-get when root, unless --check;
# otherwise the exact apt-get line is printed and the exit status is 1.
set -eu
install=yes
if [ "${1:-}" = --check ]; then install=no; shift; fi
missing=""
have_cmd() { command -v "$1" >/dev/null 2>&1; }
need_cmd() { have_cmd "$1" || missing="$missing $2"; }
need_pc() { { have_cmd pkg-config && pkg-config --exists "$1"; } || missing="$missing $2"; }
for set in "$@"; do
	case $set in
	build)
		need_cmd gcc gcc
		need_cmd make make
		need_cmd autoconf autoconf
		need_cmd pkg-config pkg-config
		need_pc "libseccomp >= 2.5" libseccomp-dev
		need_pc inih libinih-dev
		need_pc nettle nettle-dev ;;
	test)
		need_pc criterion libcriterion-dev
		need_pc libcap-ng libcap-ng-dev
		need_cmd python3 python3
		need_cmd strace strace ;;
	git) need_cmd git git ;;
	jobs)
		need_cmd make make
		need_cmd cc gcc
		{ [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import ensurepip' 2>/dev/null; } ||
			missing="$missing python3-venv"
		need_cmd node nodejs
		need_cmd npm npm
		need_cmd curl curl
		need_cmd systemd-analyze systemd ;;
	man) need_cmd mandoc mandoc ;;
	valgrind) need_cmd valgrind valgrind ;;
	lint)
		need_cmd cppcheck cppcheck
		need_cmd clang-tidy clang-tidy ;;
	uml) need_cmd linux.uml user-mode-linux ;;
	bench) need_cmd bwrap bubblewrap ;;
	deb)
		need_cmd dpkg-buildpackage dpkg-dev
		need_cmd dh debhelper
		need_cmd fakeroot fakeroot
		need_cmd lintian lintian ;;
	*) echo "deps.sh: unknown set '$set'" >&2; exit 2 ;;
	esac
done
[ -z "$missing" ] && exit 0
if [ "$install" = yes ] && [ "$(id -u)" = 0 ] && have_cmd apt-get; then
	echo "landrun: installing missing packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
	exit 0
fi
echo "landrun: missing packages:$missing" >&2
echo "landrun: run: sudo apt-get install -y$missing" >&2
exit 1

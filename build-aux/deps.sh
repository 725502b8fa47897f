#!/bin/sh
# Installs what building and testing landrun needs on Debian, when it is missing.
# As root it runs apt-get; otherwise it prints the exact command to run.
# usage: deps.sh [COMMAND:PACKAGE]...  (tools a make target needs beyond the build and tests)
set -eu
pkgs="gcc make autoconf pkg-config libseccomp-dev libinih-dev nettle-dev libcriterion-dev git mandoc valgrind"
missing=""
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pc() { have_cmd pkg-config && pkg-config --exists "$1"; }
have_cmd gcc || missing="$missing gcc"
have_cmd make || missing="$missing make"
have_cmd autoconf || missing="$missing autoconf"
have_cmd pkg-config || missing="$missing pkg-config"
have_pc libseccomp || missing="$missing libseccomp-dev"
have_pc inih || missing="$missing libinih-dev"
have_pc nettle || missing="$missing nettle-dev"
have_pc criterion || missing="$missing libcriterion-dev"
have_cmd git || missing="$missing git"
have_cmd mandoc || missing="$missing mandoc"
have_cmd valgrind || missing="$missing valgrind"
for extra in "$@"; do
	pkgs="$pkgs ${extra#*:}"
	have_cmd "${extra%%:*}" || missing="$missing ${extra#*:}"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && have_cmd apt-get; then
	echo "landrun: installing build dependencies:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
	exit 0
fi
echo "landrun: missing build dependencies:$missing" >&2
echo "landrun: run: sudo apt-get install -y $pkgs" >&2
exit 1

#!/bin/sh
# The demo behind `make demo`: real commands under the embedded default policy and under
# policies/git.ini, and an attempt to read a secret in $HOME that the sandbox must refuse.
set -eu
LANDRUN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$(dirname "$0")/.." && pwd)
D=$(mktemp -d /var/tmp/landrun-demo.XXXXXX)
trap 'rm -rf "$D"' EXIT
export HOME="$D/home"
mkdir -p "$HOME" "$D/work"
echo "ghp_demo_secret_token" > "$HOME/.secret-token"
cd "$D/work"

if [ -t 1 ]; then B='\033[1m' G='\033[32m' N='\033[0m'; else B='' G='' N=''; fi
# Each word as the shell reads it back (single quotes where needed): a command shown can be copied.
quote() {
	for a in "$@"; do
		case $a in
		'' | *[!A-Za-z0-9_./:=@%+,-]*) printf "'%s' " "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")" ;;
		*) printf '%s ' "$a" ;;
		esac
	done
}
step() { printf "\n${B}\$ %s${N}\n" "$(quote "$@" | sed 's/ $//')"; }
ok() { printf "${G}=> %s${N}\n" "$*"; }

echo "landrun demo in $D (HOME=$HOME, cwd=$D/work)"

step landrun -- sh -c 'uname -sr; echo sandboxed > note.txt; cat note.txt'
"$LANDRUN" -- sh -c 'uname -sr; echo sandboxed > note.txt; cat note.txt'
ok "the embedded default policy ran a real command that wrote to its working directory"

step landrun -- cat "$HOME/.secret-token"
if "$LANDRUN" -- cat "$HOME/.secret-token"; then
	echo "FAIL: the secret was readable" >&2
	exit 1
fi
ok "reading a secret in \$HOME failed: the default policy does not grant it"

# A local upstream repository, made outside the sandbox.
git init -q "$D/upstream"
git -C "$D/upstream" -c user.name=demo -c user.email=demo@example.org commit -q --allow-empty -m "first commit"
echo "hello" > "$D/upstream/README"
git -C "$D/upstream" add README
git -C "$D/upstream" -c user.name=demo -c user.email=demo@example.org commit -q -m "add README"

step landrun -p git --ro "$D/upstream" -- git clone -q "$D/upstream" clone
"$LANDRUN" -p "$SRC/policies/git.ini" --ro "$D/upstream" -- git clone -q "$D/upstream" clone
step landrun -p git -- git -C clone log --oneline
"$LANDRUN" -p "$SRC/policies/git.ini" -- git -C clone log --oneline
ok "git cloned a repository under policies/git.ini"

step landrun -p git -- sh -c 'cat ~/.secret-token'
if "$LANDRUN" -p "$SRC/policies/git.ini" -- sh -c 'cat ~/.secret-token'; then
	echo "FAIL: the secret was readable under git.ini" >&2
	exit 1
fi
ok "under git.ini too, \$HOME stays out of reach"

step landrun -p git --explain
"$LANDRUN" -p "$SRC/policies/git.ini" --explain | head -n 12
echo "..."

printf "\n${B}demo passed${N}: see README.md for what else landrun does.\n"

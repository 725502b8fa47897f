#!/bin/sh
# make deb: builds the Debian packages (debian/) from a copy of the source tree, lints them and
# runs the packaged landrun from a scratch root. The source tree is not written to.
#   deb.sh [OUTDIR]   (default: a new directory under /var/tmp, named at the end)
set -eu
src=$(pwd)
version=$(sed -n 's/^AC_INIT(\[landrun\], \[\([^]]*\)\].*/\1/p' configure.ac)
changelog=$(sed -n '1s/^landrun (\([^)]*\)).*/\1/p' debian/changelog)
if [ "$version" != "$changelog" ]; then
	echo "deb: configure.ac says $version, debian/changelog $changelog: add a changelog entry (dch -v $version)" >&2
	exit 1
fi
out=${1:-}
[ -n "$out" ] || out=$(mktemp -d /var/tmp/landrun-deb.XXXXXX)
mkdir -p "$out"
work=$(mktemp -d /var/tmp/landrun-debbuild.XXXXXX)
trap 'rm -rf "$work"' EXIT
tree=$work/landrun-$version
mkdir "$tree"

# The files git knows and the new ones it does not ignore (uncommitted edits included), or the
# whole tree cleaned when this is not a git checkout.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard | xargs -0 sh -c \
		'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh | tar --null -T - -cf - | tar -xf - -C "$tree"
else
	cp -a . "$tree"
	make -C "$tree" distclean >/dev/null
fi

echo "deb: dpkg-buildpackage -us -uc -b in $tree"
if ! (cd "$tree" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
	tail -40 "$work/build.log" >&2
	echo "deb: the build failed" >&2
	exit 1
fi
changes=$(ls "$work"/landrun_"$version"_*.changes)
cp "$work"/*.deb "$changes" "$work"/*.buildinfo "$out/"

echo "deb: lintian"
# errors fail the build; warnings and the rest are printed
lintian --fail-on error --display-level '>=pedantic' "$changes" || { echo "deb: lintian found errors" >&2; exit 1; }

echo "deb: the packaged landrun, unpacked in a scratch root"
root=$work/root
for deb in "$work"/landrun_"$version"_*.deb "$work"/liblandrun1_"$version"_*.deb "$work"/liblandrun-dev_"$version"_*.deb; do
	dpkg -x "$deb" "$root"
done
landrun=$root/usr/bin/landrun
"$landrun" --version | tee "$work/version"
grep -q "^landrun $version\$" "$work/version"
grep -q '^  /usr/share/landrun/policies$' "$work/version" # where the packaged policies are
for f in usr/share/man/man1/landrun.1.gz usr/share/man/man5/landrun.ini.5.gz usr/share/man/man3/landrun.3.gz \
	usr/share/landrun/policies/default.ini usr/share/bash-completion/completions/landrun \
	usr/share/zsh/vendor-completions/_landrun usr/share/fish/vendor_completions.d/landrun.fish \
	usr/include/landrun.h; do
	[ -f "$root/$f" ] || { echo "deb: $f is not packaged" >&2; exit 1; }
done
# The policies by name: the scratch root is not /usr, so they are given as the user's directory.
mkdir -p "$work/config" "$work/run"
ln -s "$root/usr/share/landrun/policies" "$work/config/landrun"
echo s3cret >"$work/secret"
run() { (cd "$work/run" && env -i PATH=/usr/bin:/bin XDG_CONFIG_HOME="$work/config" "$landrun" "$@"); }
run policies | grep -q "^shell  *$work/config/landrun/shell.ini"
run -p shell -- sh -c 'echo ran > out && cat out' | grep -qx ran
if run -p shell -- cat "$work/secret" >/dev/null 2>&1; then
	echo "deb: the packaged landrun let the shell policy read a file outside its grants" >&2
	exit 1
fi
echo "deb: landrun -p shell ran a command and kept it from $work/secret"

# The library: a program built with the -dev package's header and pkg-config file, linked with
# the shared library (pkg-config --libs) and with the static one (pkg-config --static --libs).
cat >"$work/prog.c" <<'PROG'
#include <landrun.h>
#include <stdio.h>
int main(void)
{
	landrun_policy *p = landrun_policy_new();
	landrun_policy_free(p);
	return !p || puts("liblandrun: a policy made and freed") < 0;
}
PROG
pcdir=$(dirname "$(find "$root" -name landrun.pc)")
libdir=${pcdir%/pkgconfig}
pc() { PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_PATH=$pcdir pkg-config "$@" landrun; }
# shellcheck disable=SC2046
cc -o "$work/prog" "$work/prog.c" $(pc --cflags) $(pc --libs)
LD_LIBRARY_PATH=$libdir "$work/prog"
# shellcheck disable=SC2046
cc -o "$work/prog-static" "$work/prog.c" $(pc --cflags) "$libdir/liblandrun.a" $(pc --static --libs | sed 's/-llandrun//')
"$work/prog-static"
echo "deb: pkg-config --static --libs landrun: $(pc --static --libs)"
echo "deb: packages in $out:"
ls "$out"

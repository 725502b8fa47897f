#!/bin/sh
# Turns a text file into a C string definition: embed.sh NAME FILE > OUT.c
set -eu
name=$1
file=$2
printf '/* Generated from %s by build-aux/embed.sh: do not edit. */\n' "$file"
printf 'const char %s[] =\n' "$name"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$file"
printf '\t;\n'
